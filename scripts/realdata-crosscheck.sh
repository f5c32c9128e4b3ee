#!/usr/bin/env bash
# Runs plancheck's spatial rules on the real third-party layers in
# ../shared/realdata (used in place, never copied) and recomputes every
# figure with SpatiaLite SQL on the same geometries: a table of plancheck's
# numbers next to SpatiaLite's, and a non-zero exit when they disagree.
# Usage: scripts/realdata-crosscheck.sh [plancheck binary] [realdata dir]
# Exit 77 (ctest's "skipped") when the real data is not there.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
PC=${1:-$root/build/plancheck}
RD=${2:-$root/../shared/realdata}
[ -d "$RD" ] || { echo "realdata not found at $RD: skipped"; exit 77; }
RD=$(cd "$RD" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
printf '%-22s %-22s %14s %14s  %s\n' dataset figure plancheck SpatiaLite agree

sql() { spatialite -bail -batch :memory: "ATTACH '$1' AS o; $2" 2>/dev/null | tail -n 1; }
# findings of a rule (in findings, and in findings_points when it exists)
nf() { # output layer(ignored) rule-pattern
  local pts; pts=$(sql "$1" "SELECT count(*) FROM o.sqlite_master WHERE name = 'findings_points';")
  if [ "$pts" = 1 ]; then
    sql "$1" "SELECT count(*) FROM (SELECT rule FROM o.findings UNION ALL SELECT rule FROM o.findings_points) WHERE rule LIKE '$3';"
  else
    sql "$1" "SELECT count(*) FROM o.findings WHERE rule LIKE '$3';"
  fi
}
af() { sql "$1" "SELECT printf('%.3f', coalesce(sum(measured_m2), 0)) FROM o.findings WHERE rule = '$2';"; }
row() { # row dataset figure ours theirs [relative tolerance]
  local ok=no
  if [ "$3" = "$4" ]; then ok=yes
  elif [ -n "${5:-}" ] && python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); sys.exit(0 if abs(a-b) <= float(sys.argv[3])*max(abs(b),1) else 1)" "$3" "$4" "$5" 2>/dev/null; then ok=yes; fi
  if [ $ok = yes ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
  printf '%-22s %-22s %14s %14s  %s\n' "$1" "$2" "$3" "$4" "$ok"
}
# overlapping pairs of a layer in SpatiaLite: R-tree candidates, then the
# intersection area above the threshold (ST_Overlaps would miss containment)
ovl_sql() { # layer threshold -> "count|area"
  echo "SELECT count(*) || '|' || printf('%.3f', coalesce(sum(a), 0)) FROM (
    SELECT ST_Area(ST_Intersection(GeomFromGPB(x.geom), GeomFromGPB(y.geom))) AS a
    FROM o.$1 x JOIN o.rtree_$1_geom r
      ON r.minx <= ST_MaxX(GeomFromGPB(x.geom)) AND r.maxx >= ST_MinX(GeomFromGPB(x.geom))
     AND r.miny <= ST_MaxY(GeomFromGPB(x.geom)) AND r.maxy >= ST_MinY(GeomFromGPB(x.geom))
    JOIN o.$1 y ON y.fid = r.id AND y.fid > x.fid
    WHERE ST_IsValid(GeomFromGPB(x.geom)) = 1 AND ST_IsValid(GeomFromGPB(y.geom)) = 1)
    WHERE a > $2;"
}
dup_sql() {
  echo "SELECT count(*) FROM o.$1 x JOIN o.rtree_$1_geom r
      ON r.minx <= ST_MaxX(GeomFromGPB(x.geom)) AND r.maxx >= ST_MinX(GeomFromGPB(x.geom))
     AND r.miny <= ST_MaxY(GeomFromGPB(x.geom)) AND r.maxy >= ST_MinY(GeomFromGPB(x.geom))
    JOIN o.$1 y ON y.fid = r.id AND y.fid > x.fid
    WHERE ST_Equals(GeomFromGPB(x.geom), GeomFromGPB(y.geom)) = 1;"
}
# invalid or unbuildable polygons as written (NULL where GEOS could not build)
inv_sql() { echo "SELECT count(*) FROM o.$1 WHERE geom IS NULL OR ST_IsValid(GeomFromGPB(geom)) <> 1;"; }
# holes of the union of all polygons (each polygon's own holes excluded by
# unioning the shells' complement check below)
gap_sql() { # layer threshold -> "count|area"
  echo "WITH RECURSIVE u(g) AS MATERIALIZED (SELECT ST_Union(GeomFromGPB(geom)) FROM o.$1 WHERE ST_IsValid(GeomFromGPB(geom)) = 1),
    parts(i, p) AS (SELECT 1, ST_GeometryN(g, 1) FROM u
                    UNION ALL SELECT i + 1, ST_GeometryN(u.g, i + 1) FROM parts, u WHERE i < ST_NumGeometries(u.g)),
    holes(i, k, h) AS (SELECT i, 1, MakePolygon(InteriorRingN(p, 1)) FROM parts WHERE NumInteriorRings(p) > 0
                    UNION ALL SELECT holes.i, k + 1, MakePolygon(InteriorRingN(p, k + 1))
                      FROM holes JOIN parts ON parts.i = holes.i WHERE k < NumInteriorRings(p))
    SELECT count(*) || '|' || printf('%.3f', coalesce(sum(ST_Area(h)), 0)) FROM holes WHERE ST_Area(h) > $2;"
}

run() { # name plan-body -> output path
  printf 'plancheck: 1\narea_method: planar\n%s\n' "$2" >"$T/$1.yaml"
  local t0=$(date +%s.%N)
  "$PC" run -q --fail-on never -o "$T/$1.gpkg" "$T/$1.yaml" || { echo "plancheck failed on $1"; fail=$((fail + 1)); }
  local t1=$(date +%s.%N)
  printf '%-22s %-22s %14s\n' "$1" "plancheck seconds" "$(python3 -c "print(f'{$t1-$t0:.2f}')")"
}

# --- French cadastre: four communes (overlaps, parents over children) -----
body="crs: EPSG:2154
layers:"
for c in 91027 91326 91432 91479; do
  body="$body
  c$c: {source: $RD/france_cadastre_essonne/cadastre-$c-parcelles.json, key: id}"
done
body="$body
rules:
  validity: {}
  overlap: {min_area_m2: 1}
  duplicates: {}"
run cadastre "$body"
O=$T/cadastre.gpkg
ours=0; theirs_n=0; theirs_a=0
for c in 91027 91326 91432 91479; do
  r=$(sql "$O" "$(ovl_sql c$c 1)")
  theirs_n=$((theirs_n + ${r%%|*}))
  theirs_a=$(python3 -c "print(f'{$theirs_a + ${r##*|}:.3f}')")
done
row cadastre "overlapping pairs" "$(nf "$O" findings overlap)" "$theirs_n"
row cadastre "overlap area m2" "$(af "$O" overlap)" "$theirs_a" 1e-6
d=0; for c in 91027 91326 91432 91479; do d=$((d + $(sql "$O" "$(dup_sql c$c)"))); done
row cadastre "duplicate pairs" "$(nf "$O" findings duplicate)" "$d"
i=0; for c in 91027 91326 91432 91479; do i=$((i + $(sql "$O" "$(inv_sql c$c)"))); done
row cadastre "invalid polygons" "$(nf "$O" findings 'validity.%')" "$i"

# --- Zhejiang counties, DataV merged (real overlaps and gap slivers) -------
run datav "crs: EPSG:4549
layers:
  counties: {source: $RD/zhejiang_admin_datav/derived/zhejiang_counties_datav_merged.gpkg, key: adcode}
rules:
  validity: {}
  overlap: {min_area_m2: 0.01}
  gaps: {layer: counties, min_area_m2: 0.01}"
O=$T/datav.gpkg
r=$(sql "$O" "$(ovl_sql counties 0.01)")
row datav "overlapping pairs" "$(nf "$O" findings overlap)" "${r%%|*}"
row datav "overlap area m2" "$(af "$O" overlap)" "${r##*|}" 1e-6
r=$(sql "$O" "$(gap_sql counties 0.01)")
row datav "gaps" "$(nf "$O" findings gap)" "${r%%|*}"
row datav "gap area m2" "$(af "$O" gap)" "${r##*|}" 1e-6

# --- Zhejiang counties, Amap (the clean control) ---------------------------
run amap "crs: EPSG:4549
layers:
  counties: {source: $RD/zhejiang_admin_amap2020/zhejiang_districts_amap2020.shp, key: adcode}
rules:
  validity: {}
  overlap: {min_area_m2: 0.01}
  gaps: {layer: counties, min_area_m2: 0.01}"
O=$T/amap.gpkg
r=$(sql "$O" "$(ovl_sql counties 0.01)")
row amap "overlapping pairs" "$(nf "$O" findings overlap)" "${r%%|*}"
r=$(sql "$O" "$(gap_sql counties 0.01)")
row amap "gaps" "$(nf "$O" findings gap)" "${r%%|*}"

# --- Helsinki OSM (invalid polygons, rings GEOS cannot build) ---------------
run helsinki "crs: EPSG:3067
layers:
  buildings: {source: $RD/helsinki_osm/derived/helsinki_osm_layers.gpkg, layer: buildings, key: osm_id}
  landuse: {source: $RD/helsinki_osm/derived/helsinki_osm_layers.gpkg, layer: landuse, key: osm_id}
rules:
  validity: {}
  duplicates: {}"
O=$T/helsinki.gpkg
i=$(( $(sql "$O" "$(inv_sql buildings)") + $(sql "$O" "$(inv_sql landuse)") ))
row helsinki "invalid/unbuildable" "$(nf "$O" findings 'validity.%')" "$i"
d=$(( $(sql "$O" "$(dup_sql buildings)") + $(sql "$O" "$(dup_sql landuse)") ))
row helsinki "duplicate pairs" "$(nf "$O" findings duplicate)" "$d"

# --- Shanghai OSM buildings (duplicates) -------------------------------------
run shanghai "crs: EPSG:4549
layers:
  buildings: {source: $RD/shanghai_wuhan_osm_tilezen/derived/shanghai_buildings_polygons.geojson}
rules:
  validity: {}
  duplicates: {}
  overlap: {min_area_m2: 0.01}"
O=$T/shanghai.gpkg
row shanghai "duplicate pairs" "$(nf "$O" findings duplicate)" "$(sql "$O" "$(dup_sql buildings)")"
r=$(sql "$O" "$(ovl_sql buildings 0.01)")
row shanghai "overlapping pairs" "$(nf "$O" findings overlap)" "${r%%|*}"
row shanghai "invalid polygons" "$(nf "$O" findings 'validity.%')" "$(sql "$O" "$(inv_sql buildings)")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
