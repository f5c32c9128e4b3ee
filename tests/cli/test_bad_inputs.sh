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
# the remedy the messages name: the plan assigns the right CRS
plan assigned.yaml prefixed.geojson "" "    assign_crs: EPSG:4528"
"$PC" run -q -o assigned.gpkg assigned.yaml 2>assigned.err
rc=$?
n=$(sqlite3 assigned.gpkg "SELECT count(*) FROM findings" 2>&1)
x=$(sqlite3 assigned.gpkg "SELECT round(min_x) FROM gpkg_contents WHERE table_name = 'p'" 2>&1)
[ "$rc" -eq 0 ] && [ "$n" = 0 ] && [ "${x%.*}" -gt 500000 ] && [ "${x%.*}" -lt 700000 ] && ok ||
  bad "assign_crs: exit $rc, $n findings, min x $x: $(cat assigned.err)"
rm -f assigned.gpkg

# --- coordinates no CRS can hold: a finding, and the run goes on (2) ---------
geojson huge.geojson "$(feature OK 15 亩 "$(sq 580000 3093000)")" \
  "$(feature E 15 亩 "$(poly '[[[1e300,3093000],[1.1e300,3093000],[1.1e300,3093100],[1e300,3093000]]]')")" \
  "$(feature N 15 亩 "$(poly '[[[580000,1e300],[580100,1e300],[580100,1.1e300],[580000,1e300]]]')")"
plan huge.yaml huge.geojson "{validity: {layers: [p]}, overlap: {layers: [p]}}"
finds extreme_coordinates crs.outside huge.yaml
"$PC" run -q --fail-on never -o huge.gpkg huge.yaml 2>/dev/null
got=$(sqlite3 huge.gpkg "SELECT group_concat(feature_key || ':' || rule, ' ') FROM (SELECT * FROM findings ORDER BY feature_key, rule)" 2>&1)
[ "$got" = "E:area.geometry E:crs.outside N:area.geometry N:crs.outside" ] && ok ||
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
