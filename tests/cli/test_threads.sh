#!/usr/bin/env bash
# Determinism: the same inputs give byte-identical findings (order, ids,
# numbers) whatever the thread count, on the sample plan and on a generated
# cadastre with planted overlaps, gaps and invalid parcels.
# Usage: test_threads.sh <plancheck binary> <source dir>
set -u
PC=$1
ROOT=$2
. "$(dirname "$0")/../testlib.sh"

python3 "$ROOT/scripts/bench/gen_parcels.py" 20000 "$T/gen" >/dev/null || {
  echo "cannot generate the test data"; exit 1; }

# every row of every findings table, in the written order (fid)
dump() {
  for t in findings findings_points findings_lines landuse_balance; do
    sqlite3 "$1" "SELECT name FROM sqlite_master WHERE name = '$t'" | grep -q . || continue
    echo "== $t"
    sqlite3 -header "$1" "SELECT * FROM \"$t\" ORDER BY fid" | sed 's/^[0-9]*|//'
  done
}

for plan in "$ROOT/gis/oujiangkou/plan.yaml" "$T/gen/plan.yaml"; do
  ref=
  for threads in 1 2 4 7; do
    out="$T/out-$threads.gpkg"
    "$PC" run -q --fail-on never --findings-only --threads "$threads" \
      -o "$out" "$plan" || { bad "$plan: --threads $threads failed"; continue; }
    dump "$out" >"$T/dump-$threads.txt"
    rows=$(grep -vc '^==' "$T/dump-$threads.txt")
    [ "$rows" -gt 10 ] && ok || bad "$plan: only $rows rows"
    if [ -z "$ref" ]; then ref="$T/dump-$threads.txt"; continue; fi
    cmp -s "$ref" "$T/dump-$threads.txt" && ok ||
      bad "$plan: --threads $threads differs from --threads 1: $(diff "$ref" "$T/dump-$threads.txt" | head -5)"
  done
  rm -f "$T"/out-*.gpkg
done

summary
