#!/usr/bin/env bash
# End to end on the sample plans: every plan under gis/ that has an
# expected-findings.txt is run, and the finding ids it writes must be
# exactly the ids listed there (one per line, sorted; '#' lines are
# comments). Each list was checked finding by finding against the plan
# documents (each sample's README says why each is there), so a new, lost or
# renamed finding fails with the difference shown.
# Usage: check_sample_findings.sh <plancheck binary> <source dir>
set -u
PC=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
for expected in "$SRC"/gis/*/expected-findings.txt; do
  [ -e "$expected" ] || continue
  dir=$(dirname "$expected")
  name=$(basename "$dir")
  out="$T/$name.gpkg"
  "$PC" run -q --fail-on never -o "$out" "$dir/plan.yaml"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: $name: plancheck run exited $rc"
    fail=$((fail + 1))
    continue
  fi
  # Findings located by a point or a line are in findings_points and
  # findings_lines, which exist only when some finding needs them.
  query=$(sqlite3 "$out" "SELECT group_concat('SELECT finding_id FROM ' ||
    table_name, ' UNION ALL ') FROM gpkg_contents WHERE table_name IN
    ('findings', 'findings_points', 'findings_lines');")
  sqlite3 "$out" "$query;" | LC_ALL=C sort >"$T/$name.got"
  grep -v '^#' "$expected" | grep -v '^$' | LC_ALL=C sort >"$T/$name.want"
  if diff -u "$T/$name.want" "$T/$name.got" >"$T/$name.diff"; then
    pass=$((pass + 1))
    echo "ok: $name: $(wc -l <"$T/$name.got") findings as expected"
  else
    fail=$((fail + 1))
    echo "FAIL: $name: findings differ from expected-findings.txt (- expected, + got):"
    grep '^[-+][^-+]' "$T/$name.diff"
  fi
done
echo "$pass passed, $fail failed"
[ "$pass" -ge 1 ] && [ "$fail" -eq 0 ]
