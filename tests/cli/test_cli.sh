#!/usr/bin/env bash
# CLI tests: every documented exit code, one-line errors, outputs that
# reopen in GDAL, inputs untouched, no partial output left behind.
# Usage: test_cli.sh <plancheck binary>
set -u
PC=$1
. "$(dirname "$0")/../testlib.sh"

# expect <code> <description> -- command...; keeps stdout/stderr in $T/out, $T/err
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want; stderr: $(head -c 300 "$T/err")"; fi
}
# stderr is exactly one line containing the given text
one_line_err() {
  local n; n=$(wc -l <"$T/err")
  if [ "$n" -eq 1 ] && grep -qF -- "$1" "$T/err"; then ok; else bad "stderr should be one line with '$1': $(cat "$T/err")"; fi
}
contains() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks '$2'"; fi; }

# --- fixtures: parcels in EPSG:4549 with declared areas ---------------------
# P1 is a 100 m x 100 m square declared as 15 亩 (= 10000 m2 exactly, planar);
# P2 is 200 m x 100 m declared as 1.5 公顷 (= 15000 m2: 33 % short);
# P3 declares an unknown unit.
cat >"$T/parcels.geojson" <<'JSON'
{"type":"FeatureCollection",
 "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},
 "features":[
 {"type":"Feature","properties":{"code":"P1","area":15,"unit":"亩"},
  "geometry":{"type":"Polygon","coordinates":[[[580000,3093000],[580100,3093000],[580100,3093100],[580000,3093100],[580000,3093000]]]}},
 {"type":"Feature","properties":{"code":"P2","area":1.5,"unit":"公顷"},
  "geometry":{"type":"Polygon","coordinates":[[[580200,3093000],[580400,3093000],[580400,3093100],[580200,3093100],[580200,3093000]]]}},
 {"type":"Feature","properties":{"code":"P3","area":3,"unit":"acre"},
  "geometry":{"type":"Polygon","coordinates":[[[580500,3093000],[580600,3093000],[580600,3093100],[580500,3093100],[580500,3093000]]]}}
]}
JSON
ogr2ogr -q -f GPKG "$T/parcels.gpkg" "$T/parcels.geojson" -nln parcels
# the same parcels without any CRS (a Shapefile without .prj)
ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$T/nocrs.shp" "$T/parcels.geojson" -nln nocrs
rm -f "$T/nocrs.prj"

plan() { # plan <file> <extra top-level yaml> <layer yaml>
  cat >"$1" <<YAML
plancheck: 1
name: cli test
crs: EPSG:4549
area_method: planar
$2
layers:
$3
YAML
}
plan "$T/plan.yaml" "" "  parcels:
    source: parcels.gpkg
    key: code
    declared_area: {field: area, unit_field: unit}"

# --- usage (2), help and version (0) ---------------------------------------
expect 0 "--help" -- "$PC" --help
contains "$T/out" "Exit codes"
expect 0 "run --help" -- "$PC" run --help
expect 0 "--version" -- "$PC" --version
contains "$T/out" "GDAL"; contains "$T/out" "GEOS"; contains "$T/out" "PROJ"
expect 0 "info --version" -- "$PC" info --version
expect 2 "no command" -- "$PC"
one_line_err "no command"
expect 2 "unknown command" -- "$PC" frobnicate
expect 2 "unknown option" -- "$PC" run --bogus "$T/plan.yaml"
one_line_err "--bogus"
expect 2 "run without plan" -- "$PC" run
expect 2 "bad --fail-on" -- "$PC" run --fail-on sometimes "$T/plan.yaml"
expect 2 "info without source" -- "$PC" info
expect 2 "no output anywhere" -- "$PC" run "$T/plan.yaml"
one_line_err "no output"

# --- info -------------------------------------------------------------------
expect 0 "info gpkg" -- "$PC" info "$T/parcels.gpkg"
contains "$T/out" "EPSG:4549"; contains "$T/out" "northing,easting"
contains "$T/out" "亩"
expect 0 "info --json" -- "$PC" info --json "$T/parcels.gpkg"
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
l = d["layers"][0]
assert l["feature_count"] == 3, l
assert l["crs"]["authority"] == "EPSG:4549"
assert abs(l["total_area"]["planar"]["m2"] - 40000) < 1e-6, l["total_area"]
assert abs(l["total_area"]["planar"]["mu"] - 60) < 1e-9
PY
then ok; else bad "info --json content"; fi
expect 3 "info missing file" -- "$PC" info "$T/nope.gpkg"
one_line_err "nope.gpkg"
echo "not a dataset" >"$T/junk.gpkg"
expect 3 "info junk file" -- "$PC" info "$T/junk.gpkg"
one_line_err "junk.gpkg"
expect 3 "info unknown layer" -- "$PC" info -l nosuch "$T/parcels.gpkg"
one_line_err "nosuch"
expect 3 "info network path" -- "$PC" info https://example.com/x.geojson
one_line_err "network"

# --- run: findings (1), pass (0 with --fail-on never) ------------------------
before=$(sha256sum "$T/parcels.gpkg")
expect 1 "run with findings" -- "$PC" run -o "$T/out1.gpkg" "$T/plan.yaml"
contains "$T/out" "findings: 2"
[ "$before" = "$(sha256sum "$T/parcels.gpkg")" ] && ok || bad "input modified"
n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM findings WHERE rule = 'area.declared' AND feature_key = 'P2' AND abs(diff_m2 - 5000) < 1e-6" "$T/out1.gpkg" | sed -n 's/.*n (Integer) = //p')
[ "$n" = "1" ] && ok || bad "P2 finding with diff +5000 m2 not in output (got '$n')"
n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM findings WHERE rule = 'area.unit' AND feature_key = 'P3'" "$T/out1.gpkg" | sed -n 's/.*n (Integer) = //p')
[ "$n" = "1" ] && ok || bad "P3 unknown-unit finding missing (got '$n')"
n=$(ogrinfo -ro -q -sql "SELECT value FROM plancheck_run WHERE key = 'area_method'" "$T/out1.gpkg" | sed -n 's/.*value (String) = //p')
[ "$n" = "planar" ] && ok || bad "area_method not recorded (got '$n')"
ogrinfo -ro -so "$T/out1.gpkg" parcels >"$T/so" 2>&1
contains "$T/so" "ID[\"EPSG\",4549]"

# an existing output is kept without --overwrite
before=$(sha256sum "$T/out1.gpkg")
expect 5 "existing output" -- "$PC" run -o "$T/out1.gpkg" "$T/plan.yaml"
one_line_err "--overwrite"
[ "$before" = "$(sha256sum "$T/out1.gpkg")" ] && ok || bad "existing output modified"
expect 1 "--overwrite" -- "$PC" run --overwrite -o "$T/out1.gpkg" "$T/plan.yaml"
expect 0 "--fail-on never" -- "$PC" run --fail-on never --overwrite -o "$T/out1.gpkg" "$T/plan.yaml"
expect 1 "--json" -- "$PC" run --json --overwrite -o "$T/out1.gpkg" "$T/plan.yaml"
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exit_code"] == 1 and d["findings_summary"]["total"] == 2, d["findings_summary"]
ids = [f["id"] for f in d["findings"]]
assert ids == sorted(ids), ids
assert "area.declared:parcels:P2:area" in ids, ids
PY
then ok; else bad "run --json content"; fi
expect 0 "quiet prints nothing" -- "$PC" run -q --fail-on never --overwrite -o "$T/out1.gpkg" "$T/plan.yaml"
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] && ok || bad "-q printed something"

# --findings-only: findings and metadata, no normalised input layers
expect 1 "--findings-only" -- "$PC" run --findings-only --overwrite -o "$T/out2.gpkg" "$T/plan.yaml"
ogrinfo -ro -q "$T/out2.gpkg" >"$T/so" 2>&1
if grep -q "findings" "$T/so" && ! grep -q "parcels" "$T/so"; then ok; else bad "--findings-only wrote input layers: $(cat "$T/so")"; fi

# --- the allow-list: accepted findings, --fail-on new, stale entries --------
L="  parcels: {source: parcels.gpkg, key: code, declared_area: {field: area, unit_field: unit}}"
plan "$T/accept.yaml" "accepted:
  - {id: 'area.declared:parcels:P2:area', reason: 'the plan prints 1.5 公顷 (L1)'}
  - {id: 'area.unit:parcels:P3:area', reason: unit fixed upstream}" "$L"
expect 1 "accepted findings still fail --fail-on error" -- "$PC" run -o "$T/acc.gpkg" "$T/accept.yaml"
expect 0 "--fail-on new, every finding accepted" -- "$PC" run --fail-on new --overwrite -o "$T/acc.gpkg" "$T/accept.yaml"
contains "$T/out" "accepted by the plan: 2"
n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM findings WHERE accepted = 1 AND accepted_reason = 'the plan prints 1.5 公顷 (L1)' AND feature_key = 'P2'" "$T/acc.gpkg" | sed -n 's/.*n (Integer) = //p')
[ "$n" = "1" ] && ok || bad "accepted flag and reason not in the findings layer (got '$n')"
plan "$T/accept-new.yaml" "fail_on: new
accepted:
  - {id: 'area.declared:parcels:P2:area', reason: printed twice}
  - {id: 'overlap:parcels:P8:parcels:P9', reason: fixed long ago}" "$L"
expect 1 "fail_on: new, one finding not accepted" -- "$PC" run --json -o "$T/acc2.gpkg" "$T/accept-new.yaml"
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["findings_summary"]
assert (s["accepted"], s["stale"], s["new"]) == (1, 1, 1), s
assert d["fail_new_only"] is True, d["fail_new_only"]
st = [f for f in d["findings"] if f["rule"] == "accepted.stale"]
assert len(st) == 1 and st[0]["severity"] == "info", st
assert "overlap:parcels:P8:parcels:P9" in st[0]["message"], st
assert [f["accepted"] for f in d["findings"] if f["key"] == "P2"] == [True]
PY
then ok; else bad "--fail-on new JSON summary"; fi
n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM findings WHERE rule = 'accepted.stale' AND feature_key = 'overlap:parcels:P8:parcels:P9' AND accepted = 0" "$T/acc2.gpkg" | sed -n 's/.*n (Integer) = //p')
[ "$n" = "1" ] && ok || bad "stale accepted entry not reported in the output (got '$n')"
expect 0 "--fail-on never overrides fail_on: new" -- "$PC" run --fail-on never --overwrite -o "$T/acc2.gpkg" "$T/accept-new.yaml"
expect 2 "--fail-on newish" -- "$PC" run --fail-on newish -o "$T/acc3.gpkg" "$T/accept-new.yaml"

# --- landuse: 用地用海 classes and the balance table, cross-checked in SQL ----
cat >"$T/landuse.geojson" <<'JSON'
{"type":"FeatureCollection",
 "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},
 "features":[
 {"type":"Feature","properties":{"code":"L1","zone":"A","yd":"1001"},
  "geometry":{"type":"Polygon","coordinates":[[[580000,3093000],[580100,3093000],[580100,3093100],[580000,3093000]]]}},
 {"type":"Feature","properties":{"code":"L2","zone":"A","yd":"工业用地"},
  "geometry":{"type":"Polygon","coordinates":[[[580200,3093000],[580230,3093000],[580230,3093070],[580200,3093070],[580200,3093000]]]}},
 {"type":"Feature","properties":{"code":"L3","zone":"A","yd":"0701"},
  "geometry":{"type":"Polygon","coordinates":[[[580300,3093000],[580350,3093000],[580350,3093020],[580300,3093020],[580300,3093000]]]}},
 {"type":"Feature","properties":{"code":"L4","zone":"B","yd":"IND"},
  "geometry":{"type":"Polygon","coordinates":[[[580400,3093000],[580410,3093000],[580410,3093010],[580400,3093010],[580400,3093000]]]}}
]}
JSON
plan "$T/landuse.yaml" "rules:
  landuse: {layer: lu, field: yd, zone_field: zone}" "  lu: {source: landuse.geojson, key: code}"
expect 1 "landuse rule" -- "$PC" run -o "$T/lu.gpkg" "$T/landuse.yaml"
n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM findings WHERE rule = 'landuse.unknown' AND feature_key = 'L4'" "$T/lu.gpkg" | sed -n 's/.*n (Integer) = //p')
[ "$n" = "1" ] && ok || bad "landuse.unknown for IND missing (got '$n')"
# 1001 in zone A: the triangle (5000 m2) and the rectangle (2100 m2), by
# SpatiaLite's own ST_Area on the input, against plancheck's table
want=$(ogrinfo -ro -q -dialect sqlite -sql "SELECT printf('%.6f', SUM(ST_Area(geometry))) AS a FROM landuse WHERE zone = 'A' AND yd IN ('1001', '工业用地')" "$T/landuse.geojson" | sed -n 's/.*a (String) = //p')
got=$(ogrinfo -ro -q -sql "SELECT printf('%.6f', area_m2) AS a FROM landuse_balance WHERE zone = 'A' AND code = '1001'" "$T/lu.gpkg" | sed -n 's/.*a (String) = //p')
[ -n "$want" ] && [ "$want" = "$got" ] && ok || bad "balance 1001 in A: plancheck '$got', SpatiaLite '$want'"
got=$(ogrinfo -ro -q -sql "SELECT printf('%.6f', pct) AS p FROM landuse_balance WHERE zone = 'A' AND code = '07'" "$T/lu.gpkg" | sed -n 's/.*p (String) = //p')
[ "$got" = "$(python3 -c 'print("%.6f" % (100 * 1000 / 8100))')" ] && ok || bad "balance 07 share in A: '$got'"
n=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM landuse_balance WHERE zone = 'B' AND code IS NULL AND name_zh = '未分类' AND abs(area_ha - 0.01) < 1e-12" "$T/lu.gpkg" | sed -n 's/.*n (Integer) = //p')
[ "$n" = "1" ] && ok || bad "unclassified row of zone B (got '$n')"

# --- line rules: red-line corridors, land take, intrusion --------------------
# R1: 1000 m east-west, red line 36 m, declared 50 亩 (the corridor is
# 36000 m2 = 54 亩: a finding); R2: 500 m north-south, 20 m, 15 亩 (10000 m2:
# none). Q1 reaches 8 m into R1's corridor along 50 m: 400 m2.
cat >"$T/roads.geojson" <<'JSON'
{"type":"FeatureCollection",
 "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},
 "features":[
 {"type":"Feature","properties":{"code":"R1","red":36,"take":50,"len":1000},
  "geometry":{"type":"LineString","coordinates":[[580000,3093500],[581000,3093500]]}},
 {"type":"Feature","properties":{"code":"R2","red":20,"take":15,"len":"约520"},
  "geometry":{"type":"LineString","coordinates":[[580700,3093000],[580700,3093500]]}}
]}
JSON
cat >"$T/lots.geojson" <<'JSON'
{"type":"FeatureCollection",
 "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},
 "features":[
 {"type":"Feature","properties":{"code":"Q1"},
  "geometry":{"type":"Polygon","coordinates":[[[580100,3093510],[580150,3093510],[580150,3093560],[580100,3093560],[580100,3093510]]]}},
 {"type":"Feature","properties":{"code":"Q2"},
  "geometry":{"type":"Polygon","coordinates":[[[580300,3093518],[580350,3093518],[580350,3093560],[580300,3093560],[580300,3093518]]]}}
]}
JSON
plan "$T/lines.yaml" "rules:
  corridor: {layer: roads, width_field: red, land_take: {field: take, unit: 亩},
             length_field: len}
  intrusion: {layer: lots, lines: roads, tolerance_m2: 1}" "  roads: {source: roads.geojson, key: code}
  lots: {source: lots.geojson, key: code}"
expect 1 "line rules" -- "$PC" run --json -o "$T/lines.gpkg" "$T/lines.yaml"
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = sorted(f["id"] for f in d["findings"])
assert ids == ["line.intrusion:lots:Q1:roads:R1", "line.land_take:roads:R1:take"], ids
PY
then ok; else bad "line rules: findings $(head -c 300 "$T/out")"; fi
# the corridor area by SpatiaLite (length x red line of a straight road)
# against plancheck's land take; the intrusion polygon's area in the output
want=$(ogrinfo -ro -q -dialect sqlite -sql "SELECT printf('%.6f', ST_Length(geometry) * red) AS a FROM roads WHERE code = 'R1'" "$T/roads.geojson" | sed -n 's/.*a (String) = //p')
got=$(ogrinfo -ro -q -sql "SELECT printf('%.6f', measured_m2) AS a FROM findings WHERE rule = 'line.land_take'" "$T/lines.gpkg" | sed -n 's/.*a (String) = //p')
[ -n "$want" ] && [ "$want" = "$got" ] && ok || bad "land take of R1: plancheck '$got', SpatiaLite '$want'"
got=$(ogrinfo -ro -q -dialect sqlite -sql "SELECT printf('%.6f', ST_Area(geom)) AS a FROM findings WHERE rule = 'line.intrusion'" "$T/lines.gpkg" | sed -n 's/.*a (String) = //p')
[ "$got" = "400.000000" ] && ok || bad "intrusion of Q1 into R1: '$got' m2, expected 400"
plan "$T/lines-bad.yaml" "rules:
  intrusion: {layer: lots, lines: roads}" "  roads: {source: roads.geojson, key: code}
  lots: {source: lots.geojson, key: code}"
expect 3 "intrusion without a corridor rule" -- "$PC" run -o "$T/x.gpkg" "$T/lines-bad.yaml"
one_line_err "no \`corridor\` rule"

# the plan's default output, relative to the plan file
plan "$T/plan-out.yaml" "output: results/out.gpkg" "  parcels: {source: parcels.gpkg, key: code, declared_area: {field: area, unit_field: unit}}"
expect 1 "default output" -- "$PC" run "$T/plan-out.yaml"
[ -f "$T/results/out.gpkg" ] && ok || bad "default output not written relative to the plan"

# --- output errors (5) -------------------------------------------------------
expect 5 "output dir missing" -- "$PC" run -o "$T/no/such/dir/o.gpkg" "$T/plan.yaml"
one_line_err "o.gpkg"
before=$(sha256sum "$T/parcels.gpkg")
expect 5 "output is an input" -- "$PC" run --overwrite -o "$T/parcels.gpkg" "$T/plan.yaml"
one_line_err "input"
[ "$before" = "$(sha256sum "$T/parcels.gpkg")" ] && ok || bad "input overwritten"
mkdir "$T/ro"; chmod 0555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
  expect 5 "read-only dir" -- "$PC" run -o "$T/ro/o.gpkg" "$T/plan.yaml"
fi
ls "$T" "$T/ro" | grep -q "tmp-" && bad "temporary files left behind" || ok

# --- input / plan errors (3) -------------------------------------------------
expect 3 "missing plan" -- "$PC" run -o "$T/x.gpkg" "$T/missing.yaml"
one_line_err "missing.yaml"
printf 'plancheck: 1\ncrs: EPSG:4549\nlayers:\n  parcels: {source: [\n' >"$T/broken.yaml"
expect 3 "YAML syntax error" -- "$PC" run -o "$T/x.gpkg" "$T/broken.yaml"
one_line_err "broken.yaml:"
plan "$T/unknown-key.yaml" "colour: red" "  parcels: {source: parcels.gpkg}"
expect 3 "unknown key" -- "$PC" run -o "$T/x.gpkg" "$T/unknown-key.yaml"
one_line_err "unknown-key.yaml:5: unknown key 'colour'"
plan "$T/missing-src.yaml" "" "  parcels: {source: nothere.gpkg}"
expect 3 "missing source" -- "$PC" run -o "$T/x.gpkg" "$T/missing-src.yaml"
one_line_err "nothere.gpkg"
plan "$T/missing-field.yaml" "" "  parcels: {source: parcels.gpkg, declared_area: {field: areaa, unit: mu}}"
expect 3 "missing field" -- "$PC" run -o "$T/x.gpkg" "$T/missing-field.yaml"
one_line_err "areaa"
[ ! -e "$T/x.gpkg" ] && ok || bad "output written by a failed run"

# --- CRS errors (4) ----------------------------------------------------------
plan "$T/nocrs.yaml" "" "  parcels: {source: nocrs.shp, key: code, declared_area: {field: area, unit_field: unit}}"
expect 4 "layer without CRS" -- "$PC" run -o "$T/x.gpkg" "$T/nocrs.yaml"
one_line_err "no CRS"
plan "$T/nocrs-ok.yaml" "" "  parcels: {source: nocrs.shp, crs: EPSG:4549, key: code, declared_area: {field: area, unit_field: unit}}"
expect 1 "CRS from the plan" -- "$PC" run -o "$T/x2.gpkg" "$T/nocrs-ok.yaml"
sed 's/^crs: EPSG:4549/crs: EPSG:4490/' "$T/plan.yaml" >"$T/geo.yaml"
expect 4 "geographic working CRS" -- "$PC" run -o "$T/x.gpkg" "$T/geo.yaml"
one_line_err "geographic"
sed 's/^crs: EPSG:4549/crs: EPSG:999999/' "$T/plan.yaml" >"$T/badcrs.yaml"
expect 4 "unknown working CRS" -- "$PC" run -o "$T/x.gpkg" "$T/badcrs.yaml"
[ ! -e "$T/x.gpkg" ] && ok || bad "output written by a failed run"

summary
