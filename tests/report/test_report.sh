#!/usr/bin/env bash
# The reports of a run: the Oujiangkou sample with JSON, JUnit and HTML
# reports; the JSON's counts recomputed from the GeoPackage with sqlite3;
# the JUnit file against tests/report/junit.xsd (xmllint) and against the
# JSON; the same document whatever the thread count; the reports' paths
# refused before the run (inputs, the output, existing files, missing
# directories) and a failing write that leaves nothing behind. The reports
# stay in <out dir> for the schema and browser tests (report.schema,
# report.html).
# Usage: test_report.sh make|check <plancheck binary> <source dir> <out dir>
#   make: writes the reports into <out dir> (the tests' fixture)
#   check: every check above, on them and on runs of its own
set -u
MODE=$1
PC=$2
SRC=$3
OUT=$4
. "$(dirname "$0")/../testlib.sh"
# expect <code> <description> -- command...; stdout/stderr in $T/out, $T/err
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want; stderr: $(head -c 300 "$T/err")"; fi
}
one_line_err() {
  local n; n=$(wc -l <"$T/err")
  if [ "$n" -eq 1 ] && grep -qF -- "$1" "$T/err"; then ok; else bad "stderr should be one line with '$1': $(cat "$T/err")"; fi
}
# no file but the ones named is left in a directory (no temporary files)
only_files() {
  local dir=$1; shift
  local got want
  got=$(cd "$dir" && ls -A | sort | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [ "$got" = "$want" ] && ok || bad "files in $dir: '$got', expected '$want'"
}

PLAN="$SRC/gis/oujiangkou/plan.yaml"
if [ "$MODE" = make ]; then
  rm -rf "$OUT"
  mkdir -p "$OUT"
  # the sample with all three reports; the other sample (an info finding,
  # regional rules) and `plancheck check` as JSON, for the schema test
  expect 1 "sample run with three reports" -- "$PC" run -q -o "$OUT/oujiangkou.gpkg" \
    --report "$OUT/report.json" --report "$OUT/report.html" --junit "$OUT/report.xml" "$PLAN"
  expect 1 "jinliwen --json" -- "$PC" run --json -o "$T/jlw.gpkg" "$SRC/gis/jinliwen/plan.yaml"
  cp "$T/out" "$OUT/jinliwen.json"
  expect 1 "check overlap --report" -- "$PC" check overlap -q --key code -o "$T/c.gpkg" \
    --report "$OUT/check.json" "$SRC/gis/oujiangkou/parcels.shp"
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
fi

# --- the sample's reports ----------------------------------------------------
for f in oujiangkou.gpkg report.json report.html report.xml; do
  [ -s "$OUT/$f" ] && ok || bad "$f not written"
done
only_files "$OUT" oujiangkou.gpkg report.json report.html report.xml jinliwen.json check.json
size=$(stat -c %s "$OUT/report.html")
[ "$size" -lt 3500000 ] && ok || bad "report.html is $size bytes (keep it under ~3 MB)"

# the JSON's counts recomputed from the GeoPackage with sqlite3: every
# findings layer (polygons, points, lines), by severity and by rule
tables=$(sqlite3 "$OUT/oujiangkou.gpkg" "SELECT table_name FROM gpkg_contents WHERE table_name IN ('findings', 'findings_points', 'findings_lines') ORDER BY 1;")
union=$(for t in $tables; do printf '%sSELECT finding_id, rule, severity, accepted FROM "%s"' "${sep:-}" "$t"; sep=' UNION ALL '; done)
sqlite3 -separator ' ' "$OUT/oujiangkou.gpkg" "SELECT 'severity', severity, count(*) FROM ($union) GROUP BY severity;
  SELECT 'rule', rule, count(*) FROM ($union) GROUP BY rule;
  SELECT 'accepted', 'all', count(*) FROM ($union) WHERE accepted = 1;
  SELECT 'total', 'all', count(*) FROM ($union);" >"$T/sql.txt" 2>"$T/sql.err" || bad "sqlite3: $(cat "$T/sql.err")"
sqlite3 "$OUT/oujiangkou.gpkg" "SELECT finding_id FROM ($union) ORDER BY 1;" >"$T/sql-ids.txt"
if python3 - "$OUT/report.json" "$T/sql.txt" "$T/sql-ids.txt" <<'PY'
import json, sys
from collections import Counter
d = json.load(open(sys.argv[1]))
sql = {}
for line in open(sys.argv[2], encoding="utf-8"):
    kind, name, n = line.split()
    sql.setdefault(kind, {})[name] = int(n)
f = d["findings"]
s = d["findings_summary"]
assert sql["total"]["all"] == s["total"] == len(f) > 0, (sql["total"], s["total"])
for sev in ("error", "warning", "info"):
    assert sql["severity"].get(sev, 0) == s["by_severity"][sev], (sev, sql["severity"], s)
assert dict(Counter(x["rule"] for x in f)) == sql["rule"], (Counter(x["rule"] for x in f), sql["rule"])
assert sql.get("accepted", {}).get("all", 0) == s["accepted"] == sum(x["accepted"] for x in f)
ids = [x["id"] for x in f]
assert sorted(ids) == [l.strip() for l in open(sys.argv[3], encoding="utf-8")], "ids differ from the GeoPackage's"
# the rules: every finding counted once, under the plan rule it names
r = d["rules"]
assert [x["index"] for x in r] == list(range(-1, len(r) - 1)), [x["index"] for x in r]
assert sum(x["findings"]["total"] for x in r) == len(f)
for x in r:
    mine = [y for y in f if y["plan_rule"] == x["index"]]
    c = x["findings"]
    assert c["total"] == len(mine), (x["title"], c, len(mine))
    for sev in ("error", "warning", "info"):
        assert c[sev] == sum(y["severity"] == sev for y in mine), (x["title"], sev)
    assert c["accepted"] == sum(y["accepted"] for y in mine), x["title"]
assert d["exit_code"] == 1 and d["result"] == "fail", (d["exit_code"], d["result"])
assert d["schema_version"] == 1 and len(d["plan_sha256"]) == 64
PY
then ok; else bad "JSON counts differ from the GeoPackage's (sqlite3)"; fi
# the plan's SHA-256 as sha256sum computes it
want=$(sha256sum "$PLAN" | cut -d' ' -f1)
grep -q "\"plan_sha256\": \"$want\"" "$OUT/report.json" && ok || bad "plan_sha256 is not the plan file's SHA-256 ($want)"

# --- JUnit: the common schema, and the same counts as the JSON ---------------
if xmllint --noout --schema "$SRC/tests/report/junit.xsd" "$OUT/report.xml" 2>"$T/xmllint"; then ok
else bad "report.xml is not valid against junit.xsd: $(head -c 600 "$T/xmllint")"; fi
# the schema can fail: a test case without its name is refused
sed '0,/<testcase classname="[^"]*" name="[^"]*"/s//<testcase classname="x"/' "$OUT/report.xml" >"$T/broken.xml"
if ! xmllint --noout --schema "$SRC/tests/report/junit.xsd" "$T/broken.xml" 2>/dev/null; then ok
else bad "junit.xsd accepts a test case without a name"; fi
if python3 - "$OUT/report.json" "$OUT/report.xml" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
root = ET.parse(sys.argv[2]).getroot()
assert root.tag == "testsuites"
suites = root.findall("testsuite")
assert len(suites) == 1
s = suites[0]
cases = s.findall("testcase")
rules = d["rules"]
assert len(cases) == len(rules) == int(s.get("tests")) == int(root.get("tests")), (len(cases), len(rules))
failing_rules = [r for r in rules if r["findings"]["failing"]]
assert int(s.get("failures")) == int(root.get("failures")) == len(failing_rules) > 0
assert int(s.get("errors")) == 0 and int(s.get("skipped")) == sum(c.find("skipped") is not None for c in cases)
assert float(s.get("time")) >= sum(float(c.get("time")) for c in cases)
byid = {f["id"]: f for f in d["findings"]}
listed = 0
for c, r in zip(cases, rules):
    assert c.get("classname") == r["kind"] and c.get("name") == r["title"], (c.attrib, r["title"])
    fl = c.find("failure")
    assert (fl is not None) == (r["findings"]["failing"] > 0), r["title"]
    lines = []
    if fl is not None:
        assert fl.get("message").startswith("%d finding" % r["findings"]["failing"]), fl.get("message")
        fail_lines = fl.text.strip().split("\n")
        assert len(fail_lines) == r["findings"]["failing"], (r["title"], fail_lines)
        for l in fail_lines:
            fid = l.split("] ", 1)[1].split(": ", 1)[0]
            assert byid[fid]["severity"] == d["fail_on"] or d["fail_on"] == "info" or byid[fid]["severity"] == "error"
        lines += fail_lines
    out = c.find("system-out")
    if out is not None:
        lines += out.text.strip().split("\n")
    assert len(lines) == r["findings"]["total"], (r["title"], len(lines), r["findings"])
    for l in lines:
        fid = l.split("] ", 1)[1].split(": ", 1)[0]
        f = byid[fid]
        assert f["plan_rule"] == r["index"] and l.startswith("[%s] " % f["severity"]), l
        assert ("(accepted: " in l) == f["accepted"], l
        listed += 1
assert listed == len(d["findings"])
PY
then ok; else bad "JUnit report disagrees with the JSON report"; fi

# --- one document whatever the threads; --json prints it --------------------
expect 1 "--json, one thread" -- "$PC" run --json --threads 1 -o "$T/t1.gpkg" --report "$T/t1.json" "$PLAN"
cp "$T/out" "$T/t1-stdout.json"
expect 1 "two threads" -- "$PC" run -q --threads 2 -o "$T/t2.gpkg" --report "$T/t2.json" "$PLAN"
strip() { sed -E '/"(started_utc|finished_utc|output)":/d' "$1"; }
if cmp -s <(strip "$T/t1.json") <(strip "$T/t2.json"); then ok; else bad "the JSON report differs between thread counts: $(diff <(strip "$T/t1.json") <(strip "$T/t2.json") | head -5)"; fi
if cmp -s <(strip "$T/t1.json") <(strip "$T/t1-stdout.json"); then ok; else bad "--json differs from the JSON report"; fi

# --- plancheck check writes reports too --------------------------------------
expect 1 "check overlap --junit" -- "$PC" check overlap -q --key code -o "$T/c.gpkg" \
  --junit "$T/check.junit" "$SRC/gis/oujiangkou/parcels.shp"
xmllint --noout --schema "$SRC/tests/report/junit.xsd" "$T/check.junit" 2>/dev/null && ok || bad "check --junit: not valid JUnit"

# --- paths refused before the run --------------------------------------------
# a small plan whose input has a report's extension
cat >"$T/in.json" <<'JSON'
{"type": "FeatureCollection",
 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}},
 "features": [{"type": "Feature", "properties": {"code": "A", "area": 1, "unit": "亩"},
   "geometry": {"type": "Polygon", "coordinates": [[[500000, 3000000], [500100, 3000000], [500100, 3000100], [500000, 3000100], [500000, 3000000]]]}}]}
JSON
cat >"$T/plan.yaml" <<'YAML'
plancheck: 1
crs: EPSG:4549
layers:
  lots: {source: in.json, key: code, declared_area: {field: area, unit_field: unit}}
YAML
mkdir "$T/w"
before=$(sha256sum "$T/in.json" "$T/plan.yaml")
expect 2 "unknown report extension" -- "$PC" run -o "$T/w/o.gpkg" --report "$T/w/r.txt" "$T/plan.yaml"
one_line_err "unknown report format"
expect 5 "report over an input" -- "$PC" run -o "$T/w/o.gpkg" --report "$T/in.json" "$T/plan.yaml"
one_line_err "input"
ln -s "$T/in.json" "$T/w/link.json"
expect 5 "report over an input through a link" -- "$PC" run -o "$T/w/o.gpkg" --report "$T/w/../w/link.json" "$T/plan.yaml"
expect 5 "report over the plan file" -- "$PC" run -o "$T/w/o.gpkg" --junit "$T/plan.yaml" "$T/plan.yaml"
expect 5 "report over the output GeoPackage" -- "$PC" run -o "$T/w/o.xml" --junit "$T/w/./o.xml" "$T/plan.yaml"
expect 5 "two reports in one file" -- "$PC" run -o "$T/w/o.gpkg" --report "$T/w/r.json" --report "$T/w/../w/r.json" "$T/plan.yaml"
expect 5 "report in a missing directory" -- "$PC" run -o "$T/w/o.gpkg" --report "$T/w/nodir/r.html" "$T/plan.yaml"
one_line_err "nodir"
echo old >"$T/w/r.json"
expect 5 "existing report without --overwrite" -- "$PC" run -o "$T/w/o.gpkg" --report "$T/w/r.json" "$T/plan.yaml"
one_line_err "--overwrite"
[ "$(cat "$T/w/r.json")" = "old" ] && ok || bad "existing report modified"
rm "$T/w/link.json"
# refused before the run: no GeoPackage was written either
only_files "$T/w" r.json
[ "$before" = "$(sha256sum "$T/in.json" "$T/plan.yaml")" ] && ok || bad "inputs modified"
expect 1 "--overwrite replaces a report" -- "$PC" run -q --overwrite -o "$T/w/o.gpkg" --report "$T/w/r.json" "$T/plan.yaml"
grep -q '"schema": "plancheck-report"' "$T/w/r.json" && ok || bad "report not replaced"
expect 1 "--junit with any extension" -- "$PC" run -q --overwrite -o "$T/w/o.gpkg" --junit "$T/w/junit.txt" "$T/plan.yaml"
xmllint --noout --schema "$SRC/tests/report/junit.xsd" "$T/w/junit.txt" 2>/dev/null && ok || bad "--junit junit.txt is not JUnit"
# a write that fails after the run: a file size limit above the
# findings-only GeoPackage and below the HTML report (SIGXFSZ ignored, so
# the write returns EFBIG): exit 5, nothing partial, no temporary file
mkdir "$T/big"
expect 1 "findings-only GeoPackage" -- "$PC" run -q --findings-only -o "$T/big/o.gpkg" "$PLAN"
gsize=$(stat -c %s "$T/big/o.gpkg") hsize=$(stat -c %s "$OUT/report.html")
if [ "$hsize" -gt $((gsize * 3 / 2)) ]; then
  (trap '' XFSZ; ulimit -f $((gsize * 5 / 4 / 1024)); exec "$PC" run -q --findings-only --overwrite -o "$T/big/o.gpkg" --report "$T/big/r.html" "$PLAN") >"$T/out" 2>"$T/err"
  rc=$?
  [ "$rc" -eq 5 ] && ok || bad "failing report write: exit $rc, expected 5: $(cat "$T/err")"
  one_line_err "r.html"
  only_files "$T/big" o.gpkg
else
  bad "the HTML report ($hsize bytes) is not much larger than a findings-only GeoPackage ($gsize): the failing-write case needs another limit"
fi

summary
