#!/usr/bin/env bash
# The catalogue of bad inputs (README "Bad input"): for each, the documented
# exit code, one line on stderr naming the file/layer/feature and what was
# expected, no output (nor temporary file) left behind, every input
# byte-identical afterwards. Problems inside readable data become findings
# and the run goes on.
# Usage: test_bad_inputs.sh <plancheck binary>
set -u
PC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# a real plan whose output is larger than the full-disk case's 200 KB
ROOT_PLAN=$(cd "$(dirname "$0")/../.." && pwd)/gis/oujiangkou/plan.yaml
. "$(dirname "$0")/../testlib.sh"
cd "$T" || exit 1

SQ='[[[580000,3093000],[580100,3093000],[580100,3093100],[580000,3093100],[580000,3093000]]]'
feature() { # code area unit geometry-json
  printf '{"type":"Feature","properties":{"code":"%s","area":%s,"unit":"%s"},"geometry":%s}' "$1" "$2" "$3" "$4"
}
poly() { printf '{"type":"Polygon","coordinates":%s}' "$1"; }
geojson() { # file features...
  local f=$1; shift
  { printf '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},"features":['
    local first=1
    for x in "$@"; do [ $first -eq 1 ] || printf ','; first=0; printf '%s' "$x"; done
    printf ']}\n'; } >"$f"
}
plan() { # file source [rules-yaml] [extra layer yaml]
  local rules=${3:-}
  [ -n "$rules" ] || rules='{validity: {layers: [p]}}'
  cat >"$1" <<YAML
plancheck: 1
name: bad input
crs: EPSG:4549
area_method: planar
rules: $rules
layers:
  p:
    source: $2
    key: code
    declared_area: {field: area, unit_field: unit}
${4:-}
YAML
}

geojson good.geojson "$(feature P1 15 亩 "$(poly "$SQ")")"
ogr2ogr -q -f GPKG good.gpkg good.geojson -nln p

# snapshot of every file the cases may read
sums() { find . -maxdepth 1 -type f ! -name 'out*' ! -name '*.err' ! -name '*.sums' -print0 | sort -z | xargs -0 sha256sum 2>/dev/null; }

# fails <code> <case> <stderr text> <plan> [plancheck args...]
fails() {
  local want=$1 what=$2 text=$3 p=$4; shift 4
  sums >before.sums
  "$PC" run -q "$@" -o out.gpkg "$p" >/dev/null 2>"$what.err"
  local got=$?
  [ "$got" -eq "$want" ] && ok || bad "$what: exit $got, expected $want: $(head -c 300 "$what.err")"
  local n; n=$(wc -l <"$what.err")
  [ "$n" -eq 1 ] && grep -qF -- "$text" "$what.err" && ok ||
    bad "$what: stderr should be one line with '$text': $(cat "$what.err")"
  ls out.gpkg* .out.gpkg* 2>/dev/null | grep -q . && bad "$what: output left behind: $(ls -a | grep out)" || ok
  sums >after.sums
  cmp -s before.sums after.sums && ok || bad "$what: an input changed"
  rm -f out.gpkg
}
# finds <case> <rule> <plan>: the run goes on and reports the rule
finds() {
  local what=$1 rule=$2 p=$3
  sums >before.sums
  "$PC" run -q --fail-on never -o out.gpkg "$p" >/dev/null 2>"$what.err"
  local got=$?
  [ "$got" -eq 0 ] && ok || bad "$what: exit $got, expected 0: $(head -c 300 "$what.err")"
  local n
  n=$(sqlite3 out.gpkg "SELECT count(*) FROM (SELECT rule FROM findings UNION ALL SELECT rule FROM findings_points) WHERE rule = '$rule'" 2>/dev/null ||
      sqlite3 out.gpkg "SELECT count(*) FROM findings WHERE rule = '$rule'")
  [ "${n:-0}" -ge 1 ] && ok || bad "$what: no $rule finding"
  sums >after.sums
  cmp -s before.sums after.sums && ok || bad "$what: an input changed"
  rm -f out.gpkg
}

# --- files that are not what they should be (3) ------------------------------
plan missing.yaml nosuch.gpkg
fails 3 missing "nosuch.gpkg: No such file or directory" missing.yaml
mkdir adir
plan dir.yaml adir
fails 3 dir "adir: not a vector dataset GDAL can read" dir.yaml
if [ "$(id -u)" -ne 0 ]; then   # root reads any file
  cp good.gpkg unreadable.gpkg; chmod 000 unreadable.gpkg
  plan unreadable.yaml unreadable.gpkg
  fails 3 unreadable "unreadable.gpkg" unreadable.yaml
  chmod 644 unreadable.gpkg
fi
printf 'not a geopackage\n' >junk.gpkg
plan junk.yaml junk.gpkg
fails 3 wrong_format "junk.gpkg: not a vector dataset GDAL can read" junk.yaml
head -c 20000 good.gpkg >truncated.gpkg
plan truncated.yaml truncated.gpkg
fails 3 truncated_gpkg "truncated.gpkg: not a vector dataset GDAL can read" truncated.yaml
cp good.gpkg corrupt.gpkg
head -c 4000 /dev/zero | tr '\0' 'X' | dd of=corrupt.gpkg bs=1 seek=4096 conv=notrunc 2>/dev/null
plan corrupt.yaml corrupt.gpkg
fails 3 corrupt_gpkg "corrupt.gpkg: cannot be read: database disk image is malformed" corrupt.yaml
for part in shx dbf prj; do
  ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "no$part.shp" good.geojson 2>/dev/null
  rm -f "no$part.$part"
  plan "no$part.yaml" "no$part.shp"
done
fails 3 shp_without_shx "noshx.shp: not a vector dataset GDAL can read: Unable to open noshx.shx" noshx.yaml
fails 3 shp_without_dbf "no field 'code' (fields: none: the layer has no attribute table)" nodbf.yaml
fails 4 shp_without_prj "noprj.shp: layer 'noprj' has no CRS; add \`crs:\` to layers.p" noprj.yaml
head -c 150 good.geojson >syntax.geojson
plan syntax.yaml syntax.geojson
fails 3 geojson_syntax "syntax.geojson: not a vector dataset GDAL can read" syntax.yaml
geojson empty.geojson
plan empty.yaml empty.geojson
fails 3 empty_geojson "the layer is empty, without features or a field list" empty.yaml
plan nolayer.yaml good.gpkg "" "    layer: nosuch"
fails 3 unknown_layer "good.gpkg: no layer 'nosuch' (layers: 'p')" nolayer.yaml
plan misspelt.yaml good.gpkg
sed -i 's/unit_field: unit}/unit_field: units}/' misspelt.yaml
fails 3 misspelt_field "no field 'units'" misspelt.yaml
plan https.yaml https://example.com/p.geojson
fails 3 network_path "network sources are refused" https.yaml
plan vsicurl.yaml /vsicurl/https://example.com/p.gpkg
fails 3 vsicurl_path "network sources are refused" vsicurl.yaml
plan chained.yaml /vsizip//vsicurl/https://example.com/p.zip
fails 3 chained_vsicurl_path "network sources are refused" chained.yaml
printf '<OGRVRTDataSource><OGRVRTLayer name="p"><SrcDataSource>/vsicurl/https://example.com/p.gpkg</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>\n' >net.vrt
plan vrt.yaml net.vrt
fails 3 vrt_naming_network "net.vrt: the VRT names a network source" vrt.yaml
plan wfs.yaml "'WFS:https://example.com/wfs'"
fails 3 wfs_connection "network sources are refused" wfs.yaml

# --- plan files that are not UTF-8 text (3) ----------------------------------
plan nul.yaml good.gpkg
printf '%%YAML 1.2\0x\n' | cat - nul.yaml >nul2.yaml
fails 3 plan_with_nul "nul2.yaml:1: byte 0x00: a plan file is UTF-8 text" nul2.yaml
plan gbk.yaml good.gpkg
printf '# \xb5\xd8\xbf\xe9\n' | cat gbk.yaml - >gbk2.yaml   # 地块 in GBK
fails 3 plan_in_gbk "gbk2.yaml:12: byte 0xB5: a plan file is UTF-8 text" gbk2.yaml

# --- the wrong geometry for a rule (3) ---------------------------------------
geojson lines.geojson "$(feature L1 1 亩 '{"type":"LineString","coordinates":[[580000,3093000],[580100,3093000]]}')"
plan lines.yaml lines.geojson "{overlap: {layers: [p]}}"
fails 3 lines_for_polygons "overlap needs polygons in layer 'p', which holds lines" lines.yaml
# lines in a GeoPackage GEOMETRY column: the layer is of its features' kind
printf 'code,WKT\nL1,"LINESTRING(580000 3093000,580100 3093000)"\n' >anylines.csv
ogr2ogr -q -f GPKG anylines.gpkg anylines.csv -nln p -a_srs EPSG:4549 \
  -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO
rm anylines.csv
plan anylines.yaml anylines.gpkg "{overlap: {layers: [p]}}"
sed -i '/declared_area/d' anylines.yaml
fails 3 lines_in_any_geometry_layer "overlap needs polygons in layer 'p', which holds lines (Unknown (any)" anylines.yaml

# --- a CRS that contradicts the coordinates (4) -------------------------------
sq() { # x y: a 100 m square at (x, y)
  poly "[[[$1,$2],[$(($1 + 100)),$2],[$(($1 + 100)),$(($2 + 100))],[$1,$(($2 + 100))],[$1,$2]]]"
}
geojson prefixed.geojson "$(feature P1 15 亩 "$(sq 40580000 3093000)")"
plan prefixed.yaml prefixed.geojson
fails 4 zone_prefixed_eastings "the data's CRS is the zone-prefixed one (e.g. EPSG:4528" prefixed.yaml
geojson lonlat.geojson "$(feature P1 15 亩 "$(poly '[[[120.1,28.0],[120.2,28.0],[120.2,28.1],[120.1,28.1],[120.1,28.0]]]')")"
plan lonlat.yaml lonlat.geojson
fails 4 lonlat_in_projected "look like longitude/latitude but the declared CRS EPSG:4549 is projected" lonlat.yaml
geojson swapped.geojson "$(feature P1 15 亩 "$(sq 3093000 580000)")"
plan swapped.yaml swapped.geojson
fails 4 swapped_axes "x and y look swapped" swapped.yaml
# info describes such a layer all the same: the verdict is a warning
"$PC" info prefixed.geojson >info.out 2>info.err
rc=$?
[ "$rc" -eq 0 ] && grep -qF "warning: prefixed.geojson: layer 'prefixed': eastings have 8 digits" info.err &&
  grep -q '^Layer: prefixed' info.out && ok || bad "info on zone-prefixed data: exit $rc: $(cat info.err)"
# the remedy the messages name: the plan assigns the right CRS
plan assigned.yaml prefixed.geojson "" "    assign_crs: EPSG:4528"
"$PC" run -q -o assigned.gpkg assigned.yaml 2>assigned.err
rc=$?
n=$(sqlite3 assigned.gpkg "SELECT count(*) FROM findings" 2>&1)
x=$(sqlite3 assigned.gpkg "SELECT round(min_x) FROM gpkg_contents WHERE table_name = 'p'" 2>&1)
[ "$rc" -eq 0 ] && [ "$n" = 0 ] && [ "${x%.*}" -gt 500000 ] && [ "${x%.*}" -lt 700000 ] && ok ||
  bad "assign_crs: exit $rc, $n findings, min x $x: $(cat assigned.err)"
rm -f assigned.gpkg
# the same remedy for `plancheck check`
"$PC" check overlap -q -o out.gpkg prefixed.geojson 2>chk.err
rc=$?
[ "$rc" -eq 4 ] && grep -qF "check --assign-crs" chk.err && [ ! -e out.gpkg ] && ok ||
  bad "check on zone-prefixed data: exit $rc: $(cat chk.err)"
"$PC" check overlap -q --assign-crs EPSG:4528 -o out.gpkg prefixed.geojson 2>chk.err
rc=$?
[ "$rc" -eq 0 ] && [ "$(sqlite3 out.gpkg "SELECT srs_id FROM gpkg_contents WHERE table_name = 'prefixed'")" = 4528 ] && ok ||
  bad "check --assign-crs: exit $rc: $(cat chk.err)"
rm -f out.gpkg

# --- coordinates no CRS can hold: a finding, and the run goes on (2) ---------
# a huge easting, a huge northing (its inverse projection is finite
# nonsense), a NaN (GDAL's GeoJSON reader takes the literal)
geojson huge.geojson "$(feature OK 15 亩 "$(sq 580000 3093000)")" \
  "$(feature E 15 亩 "$(poly '[[[1e300,3093000],[1.1e300,3093000],[1.1e300,3093100],[1e300,3093000]]]')")" \
  "$(feature N 15 亩 "$(poly '[[[580000,1e300],[580100,1e300],[580100,1.1e300],[580000,1e300]]]')")" \
  "$(feature NAN 15 亩 "$(poly '[[[581000,3093000],[NaN,3093000],[581100,3093100],[581000,3093000]]]')")"
plan huge.yaml huge.geojson "{validity: {layers: [p]}, overlap: {layers: [p]}}"
finds extreme_coordinates crs.outside huge.yaml
"$PC" run -q --fail-on never -o huge.gpkg huge.yaml 2>/dev/null
got=$(sqlite3 huge.gpkg "SELECT group_concat(feature_key || ':' || rule, ' ') FROM (SELECT * FROM findings ORDER BY feature_key, rule)" 2>&1)
[ "$got" = "E:area.geometry E:crs.outside N:area.geometry N:crs.outside NAN:area.geometry NAN:crs.outside" ] && ok ||
  bad "extreme coordinates: findings '$got'"
rm -f huge.gpkg

# --- data problems: findings, and the run goes on ----------------------------
geojson values.geojson \
  "$(feature TXT '"abc"' 亩 "$(poly "$SQ")")" \
  "$(feature NEG -5 亩 "$(poly "$SQ")")" \
  "$(feature NAN '"NaN"' 亩 "$(poly "$SQ")")" \
  "$(feature UNIT 3 furlong "$(poly "$SQ")")"
plan values.yaml values.geojson
finds text_negative_nan_area area.value values.yaml
finds unknown_unit area.unit values.yaml
geojson nullgeom.geojson "$(feature N 5 亩 null)"
plan nullgeom.yaml nullgeom.geojson
finds null_geometry validity.null nullgeom.yaml
geojson bowtie.geojson "$(feature B 15 亩 "$(poly '[[[580000,3093000],[580100,3093100],[580100,3093000],[580000,3093100],[580000,3093000]]]')")"
plan bowtie.yaml bowtie.geojson
finds self_intersection validity.invalid bowtie.yaml
geojson ring3.geojson "$(feature R 15 亩 "$(poly '[[[580000,3093000],[580100,3093000],[580000,3093000]]]')")"
plan ring3.yaml ring3.geojson
finds ring_of_three_points validity.invalid ring3.yaml
geojson mpoly.geojson "$(feature M 15 亩 '{"type":"MultiPolygon","coordinates":['"$SQ"',[[[580050,3093000],[580150,3093000],[580150,3093100],[580050,3093100],[580050,3093000]]]]}')"
plan mpoly.yaml mpoly.geojson
finds multipolygon_overlapping_parts validity.invalid mpoly.yaml
geojson dupkey.geojson "$(feature A 15 亩 "$(poly "$SQ")")" "$(feature A 15 亩 "$(poly "$SQ")")"
plan dupkey.yaml dupkey.geojson "{duplicate_keys: {layers: [p]}}"
finds duplicate_keys key.duplicate dupkey.yaml
plan zeroarea.yaml ring3.geojson "{area: {severity: error}}"
finds declared_area_no_polygon area.declared zeroarea.yaml

# runs <case> <plan> [plancheck args...]: the run goes on (exit 0 with
# --fail-on never) without a word on stderr (unless warns=1: then in
# <case>.err) and leaves the inputs as they were; out.gpkg stays for the
# case's queries
runs() {
  local what=$1 p=$2; shift 2
  rm -f out.gpkg
  sums >before.sums
  "$PC" run --fail-on never "$@" -o out.gpkg "$p" >/dev/null 2>"$what.err"
  local got=$?
  [ "$got" -eq 0 ] && ok || bad "$what: exit $got, expected 0: $(head -c 300 "$what.err")"
  [ -n "${warns:-}" ] || [ ! -s "$what.err" ] && ok || bad "$what: stderr: $(head -c 300 "$what.err")"
  sums >after.sums
  cmp -s before.sums after.sums && ok || bad "$what: an input changed"
}
q() { sqlite3 -batch out.gpkg "$1"; }
# allf: the findings of every geometry type, "rule key [key2]", sorted
allf() {
  local t
  for t in findings findings_points findings_lines; do
    [ "$(q "SELECT count(*) FROM sqlite_master WHERE name = '$t'")" = 1 ] &&
      q "SELECT rule || ' ' || feature_key || ifnull(' ' || feature_key2, '') FROM $t"
  done | LC_ALL=C sort
}
# same <case> <got> <expected>
same() { [ "$2" = "$3" ] && ok || bad "$1: got [$2], expected [$3]"; }
# areacheck <report.json>: the layer's compared/within/no figure/bad figure
areacheck() {
  python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))["layers"][0]["area_check"]
print(c["compared"], c["within_tolerance"], c["no_figure"], c["bad_figure"])' "$1"
}
sq_at() { # x0: a 100 m square (15 亩) at x0
  printf '[[[%s,3093000],[%s,3093000],[%s,3093100],[%s,3093100],[%s,3093000]]]' \
    "$1" "$(($1 + 100))" "$(($1 + 100))" "$1" "$1"
}

# --- odd data GDAL reads its own way: the run goes on (0) --------------------
# Repeated GeoJSON "id"s: GDAL keeps them as FIDs (a Shapefile or GeoPackage
# cannot hold two features under one FID). Every feature is read and
# checked; a warning names the FID, findings tell them apart by key.
fidfeat() { # id code geometry
  printf '{"type":"Feature","id":%s,"properties":{"code":%s,"area":15,"unit":"亩"},"geometry":%s}' \
    "$1" "$2" "$3"
}
geojson dupfid.geojson "$(fidfeat 7 '"A"' "$(poly "$(sq_at 580000)")")" \
  "$(fidfeat 7 '"B"' "$(poly "$(sq_at 580050)")")" \
  "$(fidfeat 9 null "$(poly "$(sq_at 581000)")")" \
  "$(fidfeat 9 null "$(poly "$(sq_at 581050)")")"
plan dupfid.yaml dupfid.geojson "{validity: {layers: [p]}, overlap: {layers: [p]}}"
warns=1 runs duplicate_fids dupfid.yaml
same duplicate_fids "$(q "SELECT group_concat(src_fid || ':' || ifnull(code, '-'), ' ') FROM (SELECT * FROM p ORDER BY fid)")" \
  "7:A 7:B 9:- 9:-"
same duplicate_fids "$(allf)" "overlap A B
overlap fid:9 fid:9"
grep -qF "dupfid.geojson: layer 'dupfid': 2 features repeat the FID of another (FID 7, ...)" duplicate_fids.err &&
  [ "$(wc -l <duplicate_fids.err)" -eq 1 ] && ok || bad "duplicate_fids: warning: $(cat duplicate_fids.err)"

# A UTF-8 byte order mark changes nothing.
geojson nobom.geojson "$(feature 地块1 15 亩 "$(poly "$SQ")")" \
  "$(feature 地块2 1 亩 "$(poly "$(sq_at 580050)")")" \
  "$(feature 地块3 15 亩 "$(poly '[[[581000,3093000],[581100,3093100],[581100,3093000],[581000,3093100],[581000,3093000]]]')")"
{ printf '\357\273\277'; cat nobom.geojson; } >bom.geojson
for f in nobom bom; do
  plan $f.yaml $f.geojson "{validity: {layers: [p]}, overlap: {layers: [p]}, area: {severity: error}}"
  runs utf8_$f $f.yaml
  allf >$f.found
  q "SELECT code || ' ' || area_planar_m2 FROM p ORDER BY fid" >>$f.found
done
[ "$(grep -c . nobom.found)" -eq 7 ] && cmp -s nobom.found bom.found && ok ||
  bad "utf8_bom: the findings differ: $(diff nobom.found bom.found | head -c 300)"

# Mixed JSON types in one property: GDAL makes the field text; a number
# as text counts (约: approximate), anything else is area.value, null and
# "" are no figure. The key 2 and the key "2" are one key.
i=0 mixed=()
for a in 15 '"15"' '"15亩"' '"约15"' true null '[]' '""' '" 15 "' '"1.5e1"' '"15.0"' '{}'; do
  i=$((i + 1))
  key=$([ $((i % 2)) -eq 0 ] && echo $i || echo "\"K$i\"")
  mixed+=("$(printf '{"type":"Feature","properties":{"code":%s,"area":%s,"unit":"亩"},"geometry":%s}' \
    "$key" "$a" "$(poly "$(sq_at $((580000 + 200 * i)))")")")
done
mixed+=("$(feature 2 15 亩 "$(poly "$(sq_at 583000)")")")
geojson mixed.geojson "${mixed[@]}"
plan mixed.yaml mixed.geojson "{area: {severity: error}, duplicate_keys: {layers: [p]}}"
runs mixed_types mixed.yaml --report out.mixed.json
same mixed_types "$(q "SELECT group_concat(type, ' ') FROM pragma_table_info('p') WHERE name IN ('code', 'area')")" "TEXT TEXT"
same mixed_types "$(allf)" "area.value 12
area.value K3
area.value K5
area.value K7
key.duplicate 2 2"
same mixed_types "$(areacheck out.mixed.json)" "7 7 2 4"
# a unit typed into the figure is named as such
same mixed_types "$(q "SELECT message FROM findings WHERE feature_key = 'K3'")" \
  "declared area '15亩' in field area is a number followed by '亩': the field holds the figure alone; the unit goes in the unit field or the plan's \`unit:\`"

# An empty or blank string is no figure; the feature is checked all the same.
geojson emptystr.geojson "$(feature E '""' 亩 "$(poly "$SQ")")" \
  "$(feature F 15 亩 "$(poly "$(sq_at 580050)")")" \
  "$(feature G '"  "' 亩 "$(poly "$(sq_at 581000)")")"
plan emptystr.yaml emptystr.geojson "{overlap: {layers: [p]}, area: {severity: error}}"
runs empty_string_area emptystr.yaml --report out.emptystr.json
same empty_string_area "$(allf)" "overlap E F"
same empty_string_area "$(areacheck out.emptystr.json)" "1 1 2 0"

# Polygons with a stray point: the layer is of mixed types, and its
# polygons' areas are written all the same (SpatiaLite's for the square).
geojson straypoint.geojson "$(feature S 15 亩 "$(poly "$SQ")")" \
  "$(feature T 1 亩 '{"type":"Point","coordinates":[581000,3093000]}')"
plan straypoint.yaml straypoint.geojson "{validity: {layers: [p]}}"
runs stray_point straypoint.yaml
same stray_point "$(allf)" "area.geometry T
validity.not_polygon T"
same stray_point "$(sqlite3 out.gpkg "SELECT load_extension('mod_spatialite'); SELECT code || ' ' || round(area_planar_m2, 6) || ' ' || round(ST_Area(GeomFromGPB(geom)), 6) || ' ' || ifnull(area_ellipsoidal_m2, 'null') FROM p WHERE code = 'S'" 2>&1 | tail -1 | cut -d' ' -f1-3)" "S 10000.0 10000.0"

# Z/M and curves (a GeoPackage of any geometry): read as 2D, arcs as
# chords of 0.5 degrees, the layer written as 2D multipolygons with its
# areas. A circle of radius 100 m and a half disc within 0.01 % of their
# areas (GDAL's default 4-degree chords: 0.08 % short).
cat >curves.csv <<'CSV'
code,area,unit,WKT
C1,31415.93,m2,"CURVEPOLYGON(CIRCULARSTRING(580000 3093000,580200 3093000,580000 3093000))"
C2,15707.96,m2,"MULTISURFACE(CURVEPOLYGON(COMPOUNDCURVE(CIRCULARSTRING(581000 3093000,581100 3093100,581200 3093000),(581200 3093000,581000 3093000))))"
Z1,15,亩,"POLYGON Z((582000 3093000 5,582100 3093000 5,582100 3093100 6,582000 3093100 7,582000 3093000 5))"
M1,15,亩,"POLYGON M((583000 3093000 1,583100 3093000 2,583100 3093100 3,583000 3093100 4,583000 3093000 1))"
ZM1,15,亩,"POLYGON ZM((584000 3093000 5 1,584100 3093000 5 2,584100 3093100 6 3,584000 3093100 7 4,584000 3093000 5 1))"
CSV
ogr2ogr -q -f GPKG curves.gpkg curves.csv -nln p -a_srs EPSG:4549 \
  -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO
rm curves.csv
same zm_curves "$(sqlite3 curves.gpkg "SELECT geometry_type_name || z || m FROM gpkg_geometry_columns")" GEOMETRY22
plan curves.yaml curves.gpkg "{validity: {layers: [p]}, overlap: {layers: [p]}, area: {severity: error}}"
runs zm_curves curves.yaml
same zm_curves "$(allf)" ""
same zm_curves "$(q "SELECT geometry_type_name || z || m FROM gpkg_geometry_columns WHERE table_name = 'p'")" MULTIPOLYGON00
same zm_curves "$(spatialite -batch out.gpkg "SELECT group_concat(DISTINCT ST_GeometryType(GeomFromGPB(geom))) FROM p" 2>/dev/null)" MULTIPOLYGON
same zm_curves "$(q "SELECT group_concat(code, ' ') FROM p WHERE
    code = 'C1' AND abs(area_planar_m2 / (pi() * 1e4) - 1) < 1e-4 OR
    code = 'C2' AND abs(area_planar_m2 / (pi() * 5e3) - 1) < 1e-4 OR
    code LIKE '%1' AND code NOT LIKE 'C%' AND area_planar_m2 = 1e4")" "C1 C2 Z1 M1 ZM1"
same zm_curves "$(spatialite -batch curves.gpkg "SELECT group_concat(ST_Area(GeomFromGPB(geom)), ' ') FROM p WHERE code NOT LIKE 'C%'" 2>/dev/null)" \
  "10000.0 10000.0 10000.0"
# the same with Polygon and MultiPolygon in one GeoJSON (GDAL: "Unknown")
geojson pm.geojson "$(feature P 15 亩 "$(poly "$SQ")")" \
  "$(feature M 15 亩 '{"type":"MultiPolygon","coordinates":['"$(sq_at 581000)"']}')"
plan pm.yaml pm.geojson
runs polygon_and_multipolygon pm.yaml
same polygon_and_multipolygon "$(q "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'p';
  SELECT group_concat(code || ' ' || area_planar_m2, ', ') FROM p")" "MULTIPOLYGON
P 10000.0, M 10000.0"

# Empty geometries: POLYGON EMPTY in a GeoPackage is validity.empty;
# GeoJSON "coordinates": [] is read by GDAL as a NULL geometry.
printf 'code,area,unit,WKT\nE,15,亩,POLYGON EMPTY\nOK,15,亩,"POLYGON((580000 3093000,580100 3093000,580100 3093100,580000 3093100,580000 3093000))"\n' >empty.csv
ogr2ogr -q -f GPKG emptygeom.gpkg empty.csv -nln p -a_srs EPSG:4549 -nlt POLYGON \
  -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO
rm empty.csv
same empty_geometry "$(ogrinfo -q -al emptygeom.gpkg | grep -c 'POLYGON EMPTY')" 1
plan emptygeom.yaml emptygeom.gpkg "{validity: {layers: [p]}, overlap: {layers: [p]}}"
runs empty_geometry emptygeom.yaml
same empty_geometry "$(allf)" "area.geometry E
validity.empty E"
geojson emptycoords.geojson "$(feature E 15 亩 '{"type":"Polygon","coordinates":[]}')" \
  "$(feature OK 15 亩 "$(poly "$SQ")")"
plan emptycoords.yaml emptycoords.geojson
runs empty_coordinates emptycoords.yaml
same empty_coordinates "$(allf)" "area.geometry E
validity.null E"

# A layer with fields and no feature: the run goes on with none.
ogr2ogr -q -f GPKG nofeatures.gpkg good.geojson -nln p -where "code = 'none'"
same empty_layer "$(ogrinfo -so -al nofeatures.gpkg | grep -c 'Feature Count: 0')" 1
plan nofeatures.yaml nofeatures.gpkg "{validity: {layers: [p]}, overlap: {layers: [p]}}"
runs empty_layer nofeatures.yaml --report out.nofeatures.json
same empty_layer "$(q "SELECT count(*) FROM p; SELECT group_concat(name, ' ') FROM pragma_table_info('p')")" "0
fid geom src_fid code area unit area_planar_m2 area_ellipsoidal_m2"
same empty_layer "$(allf)" ""
same empty_layer "$(areacheck out.nofeatures.json)" "0 0 0 0"
rm -f out.gpkg

# --- a polygon of a million vertices (0) --------------------------------------
# A regular polygon of 10^6 vertices (radius 500 m, one every 3 mm), a
# square across its edge and a bow tie: GeoJSON would take ogr2ogr seconds
# and 600 MB, so the polygon is written into GDAL's GeoPackage directly.
geojson big.geojson "$(feature SQ 15 亩 "$(poly '[[[580450,3092950],[580550,3092950],[580550,3093050],[580450,3093050],[580450,3092950]]]')")" \
  "$(feature BOW 15 亩 "$(poly '[[[581000,3093000],[581100,3093100],[581100,3093000],[581000,3093100],[581000,3093000]]]')")"
ogr2ogr -q -f GPKG -lco SPATIAL_INDEX=NO big.gpkg big.geojson -nln p
rm big.geojson
python3 - big.gpkg 1000000 <<'PY'
import math, sqlite3, struct, sys
from array import array
path, n = sys.argv[1], int(sys.argv[2])
xy = array('d')
for i in range(n + 1):
    a = 2 * math.pi * (i % n) / n
    xy.append(580000 + 500 * math.cos(a))
    xy.append(3093000 + 500 * math.sin(a))
if sys.byteorder != 'little':
    xy.byteswap()
env = (min(xy[0::2]), max(xy[0::2]), min(xy[1::2]), max(xy[1::2]))
db = sqlite3.connect(path)
srs = db.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchone()[0]
# GeoPackage binary: "GP", version 0, flags (little-endian, XY envelope),
# SRS id, envelope, then the WKB polygon
blob = (b'GP\x00\x03' + struct.pack('<i4d', srs, *env) +
        struct.pack('<BIII', 1, 3, 1, n + 1) + xy.tobytes())
db.execute("INSERT INTO p (geom, code, area, unit) VALUES (?, 'BIG', 1178, '亩')", (blob,))
db.execute("UPDATE gpkg_contents SET min_x = min(min_x, ?), max_x = max(max_x, ?), "
           "min_y = min(min_y, ?), max_y = max(max_y, ?)", env)
db.commit()
PY
# the same with two vertices swapped halfway round: a self-intersection
cp big.gpkg bigbad.gpkg
python3 - bigbad.gpkg 500000 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
k = int(sys.argv[2])
b = bytearray(db.execute("SELECT geom FROM p WHERE code = 'BIG'").fetchone()[0])
at = 8 + 32 + 13 + 16 * k   # header, envelope, WKB polygon head; vertex k
b[at:at + 32] = b[at + 16:at + 32] + b[at:at + 16]
db.execute("UPDATE p SET geom = ? WHERE code = 'BIG'", (bytes(b),))
db.commit()
PY
spl() { spatialite -bail -batch :memory: "ATTACH 'big.gpkg' AS d; ATTACH 'out.gpkg' AS o; $1" 2>/dev/null | grep -v '^$'; }
plan big.yaml big.gpkg "{validity: {layers: [p]}, overlap: {layers: [p]}}"
runs million_vertices big.yaml
same million_vertices "$(allf)" "area.declared BOW
overlap BIG SQ
validity.invalid BOW"
# every vertex kept, the area SpatiaLite's, the overlap SpatiaLite's
same million_vertices "$(spl "SELECT ST_NPoints(GeomFromGPB(a.geom)) || ' ' || ST_NPoints(GeomFromGPB(b.geom)) || ' ' ||
    (abs(b.area_planar_m2 / ST_Area(GeomFromGPB(a.geom)) - 1) < 1e-6)
  FROM d.p a JOIN o.p b ON b.src_fid = a.fid WHERE a.code = 'BIG'")" "1000001 1000001 1"
same million_vertices "$(spl "SELECT abs(f.measured_m2 / ST_Area(ST_Intersection(GeomFromGPB(a.geom), GeomFromGPB(b.geom))) - 1) < 1e-6
  FROM d.p a, d.p b, o.findings f WHERE a.code = 'BIG' AND b.code = 'SQ' AND f.rule = 'overlap'")" 1
plan bigbad.yaml bigbad.gpkg "{validity: {layers: [p]}}"
runs million_vertices_invalid bigbad.yaml --findings-only
same million_vertices_invalid "$(allf)" "area.declared BOW
validity.invalid BIG
validity.invalid BOW"
rm -f out.gpkg big.gpkg bigbad.gpkg

# --- plan files with errors; paths relative to the plan file (3) -------------
plan plan_syntax.yaml good.gpkg "{validity: {layers: [p}}"
fails 3 plan_syntax "plan_syntax.yaml:5: YAML syntax error" plan_syntax.yaml
plan plan_unknown_key.yaml good.gpkg "" "    colour: red"
fails 3 plan_unknown_key "plan_unknown_key.yaml:11: unknown key 'colour' in layers.p" plan_unknown_key.yaml
plan plan_wrong_type.yaml good.gpkg
sed -i 's/    key: code/    key: [code]/' plan_wrong_type.yaml
fails 3 plan_wrong_type "plan_wrong_type.yaml:9: key must be a single value" plan_wrong_type.yaml
plan plan_not_a_number.yaml good.gpkg "" "threads: many"
fails 3 plan_not_a_number "plan_not_a_number.yaml:11: threads: 'many' is not a non-negative number" plan_not_a_number.yaml
printf 'plancheck: 1\nname: x\ncrs: EPSG:4549\nrules: {validity: {layers: [p]}}\n' >plan_no_layers.yaml
fails 3 plan_no_layers "plan_no_layers.yaml:1: missing \`layers:\`" plan_no_layers.yaml
plan plan_cycle.yaml good.gpkg "" "figures:
  layer: p
  zones:
    A: {children: [B]}
    B: {children: [A]}"
fails 3 plan_cycle "plan_cycle.yaml:15: figures.zones: 'A' is its own ancestor through \`children\`" plan_cycle.yaml
# a source is found beside the plan, whatever the working directory
mkdir sub
cp good.gpkg sub/data.gpkg
plan sub/plan.yaml data.gpkg
plan sub/missing.yaml nodata.gpkg
runs plan_relative_path sub/plan.yaml
same plan_relative_path "$(q "SELECT count(*) FROM p")" 1
rm -f out.gpkg
fails 3 plan_missing_source "sub/missing.yaml:7: layers.p: sub/nodata.gpkg: No such file or directory" sub/missing.yaml

# --- a Shapefile with GBK attributes and no .cpg ---
# As ArcGIS often leaves them: GBK text, no .cpg, language driver byte 0.
# The text is told GBK by its bytes and read as such, with one warning; 亩
# is then a unit (no area.unit) and the output holds the Chinese text.
geojson gbk_src.geojson "$(feature 地块1 15 亩 "$(poly "$SQ")")" \
  "$(feature 地块2 15 亩 "$(poly '[[[580200,3093000],[580300,3093000],[580300,3093100],[580200,3093100],[580200,3093000]]]')")"
ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=CP936 gbknocpg.shp gbk_src.geojson
rm -f gbknocpg.cpg
printf '\000' | dd of=gbknocpg.dbf bs=1 seek=29 conv=notrunc 2>/dev/null
hexof() { od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; }
mu_gbk=$(printf '亩' | iconv -f UTF-8 -t GBK | hexof)
case $(hexof <gbknocpg.dbf) in *"$mu_gbk"*) ok ;; *) bad "gbk fixture: no GBK 亩 ($mu_gbk) in the .dbf" ;; esac
[ ! -e gbknocpg.cpg ] && [ "$(hexof <gbknocpg.dbf | cut -c59-60)" = 00 ] && ok ||
  bad "gbk fixture: a .cpg or a language driver id is there"
plan gbknocpg.yaml gbknocpg.shp
sums >before.sums
"$PC" run --json -o out.gpkg gbknocpg.yaml >outgbk.json 2>gbknocpg.err
rc=$?
[ "$rc" -eq 0 ] && ok || bad "gbk without .cpg: exit $rc, expected 0: $(head -c 300 gbknocpg.err)"
[ "$(wc -l <gbknocpg.err)" -eq 1 ] &&
  grep -qF "gbknocpg.shp: no .cpg and no code page in the .dbf; field 'code' of fid 0 ('地块1') reads as GBK" gbknocpg.err &&
  grep -qF 'read as GB18030, the superset of GBK (`encoding: GB18030` in layers.p silences this)' gbknocpg.err && ok ||
  bad "gbk without .cpg: stderr should be the one warning: $(cat gbknocpg.err)"
grep -qF "('地块1') reads as GBK" outgbk.json && ok || bad "gbk without .cpg: the warning is not in the JSON report"
# the encoding used is recorded: the report's layer and the output's metadata
grep -qF '"encoding":"GB18030"' <(tr -d ' \n' <outgbk.json) && ok || bad "gbk without .cpg: no encoding GB18030 in the JSON report"
sqlite3 out.gpkg "SELECT metadata FROM gpkg_metadata" 2>/dev/null | grep -qF "encoding GB18030" && ok ||
  bad "gbk without .cpg: the output's metadata does not say encoding GB18030"
n=$(sqlite3 out.gpkg "SELECT count(*) FROM (SELECT rule FROM findings UNION ALL SELECT rule FROM findings_points) WHERE rule LIKE 'area.%'" 2>/dev/null ||
    sqlite3 out.gpkg "SELECT count(*) FROM findings WHERE rule LIKE 'area.%'")
[ "$n" = 0 ] && ok || bad "gbk without .cpg: $n area findings, expected none"
want="$(printf '地块1' | hexof)|$(printf '亩' | hexof);$(printf '地块2' | hexof)|$(printf '亩' | hexof)"
got=$(sqlite3 out.gpkg "SELECT group_concat(k, ';') FROM (SELECT hex(code) || '|' || hex(unit) AS k FROM p ORDER BY code)")
[ "$got" = "$want" ] && ok || bad "gbk without .cpg: output code|unit bytes $got, expected $want (UTF-8)"
sums >after.sums
cmp -s before.sums after.sums && ok || bad "gbk without .cpg: an input changed"
rm -f out.gpkg
# the plan's encoding is taken as given: no sniffing, no warning
plan gbkplan.yaml gbknocpg.shp "" "    encoding: GBK"
"$PC" run -o out.gpkg gbkplan.yaml >/dev/null 2>gbkplan.err
rc=$?
[ "$rc" -eq 0 ] && [ ! -s gbkplan.err ] &&
  [ "$(sqlite3 out.gpkg "SELECT hex(unit) FROM p LIMIT 1")" = "$(printf '亩' | hexof)" ] && ok ||
  bad "gbk with encoding: GBK: exit $rc, $(cat gbkplan.err)"
rm -f out.gpkg

# --- outputs (5) -------------------------------------------------------------
plan outok.yaml good.gpkg
sums >before.sums
"$PC" run -q --overwrite -o good.gpkg outok.yaml 2>same.err
[ $? -eq 5 ] && grep -qF "good.gpkg: the output is one of the run's inputs" same.err && ok || bad "output = input: $(cat same.err)"
sums >after.sums; cmp -s before.sums after.sums && ok || bad "output = input: the input changed"
# a full disk: a 200 KB tmpfs when the test may mount one, else a file-size
# limit (the write fails the same way: SQLite cannot grow the file)
mkdir full
if mount -t tmpfs -o size=200k tmpfs full 2>/dev/null; then
  "$PC" run -q -o full/out.gpkg "$ROOT_PLAN" 2>full.err
  rc=$?
  left=$(ls -A full)
  umount full
else
  (trap '' XFSZ; ulimit -f 200; exec "$PC" run -q -o full/out.gpkg "$ROOT_PLAN") 2>full.err
  rc=$?
  left=$(ls -A full)
fi
[ "$rc" -eq 5 ] && [ "$(wc -l <full.err)" -eq 1 ] && grep -qF "full/out.gpkg" full.err && ok ||
  bad "full disk: exit $rc, expected 5 and one line: $(cat full.err)"
[ -z "$left" ] && ok || bad "full disk: left behind: $left"

mkdir ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
  "$PC" run -q -o ro/out.gpkg outok.yaml 2>ro.err
  [ $? -eq 5 ] && ok || bad "read-only directory: $(cat ro.err)"
fi

summary
