#!/usr/bin/env bash
# Cross-checks plancheck's spatial rules with SpatiaLite SQL, an independent
# computation on the same data: a generated cadastre of about 3000 parcels
# (jittered grid, exact coordinates on a 1/16 m grid) with planted overlaps,
# duplicates, stale parents over their children, gaps (missing parcels),
# bow-ties, parcels with holes, parcels naming the wrong zone and parcels
# sticking out of their zone. plancheck runs validity, overlap (with
# duplicates), containment (key_field) and gaps; SQL recomputes each rule:
#   overlap     pairs from the GeoPackage's R*Tree, ST_Area(ST_Intersection)
#               > min_area_m2; same pairs, areas within 1e-6 relative
#   validity    ST_IsValid = 0; same keys
#   duplicate   ST_Equals; same pairs
#   containment ST_Area(ST_Difference(parcel, its zone)) > tolerance_m2, and
#               unknown zones; same keys and areas
#   gaps        parts of (envelope + margin) - ST_Union(parcels) that do not
#               touch the margin and are not a hole of one parcel; same
#               count and total area (1e-6 relative)
# Usage: test_rules_crosscheck.sh <plancheck binary> <source dir>
set -u
PC=$1
SRC=$2 # not needed: the data is generated here
: "$SRC"
T=$(mktemp -d)
trap '[ -n "${PC_TEST_KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

for tool in python3 ogr2ogr spatialite; do
  command -v $tool >/dev/null || { bad "$tool not found"; finish; }
done

# --- the data set ------------------------------------------------------------
python3 - "$T" <<'PY'
import json, os, random, sys
out = sys.argv[1]
rng = random.Random(20240611)
X0, Y0, C = 580000.0, 3093000.0, 20.0    # EPSG:4549, 20 m cells
NX, NY, ZB = 60, 50, 10                   # 3000 cells, zones of 10 x 10
def q(v):                                  # the 1/16 m grid: exact binary
    return round(v * 16) / 16
vx = [[q(X0 + i * C + rng.uniform(-3, 3)) for j in range(NY + 1)] for i in range(NX + 1)]
vy = [[q(Y0 + j * C + rng.uniform(-3, 3)) for j in range(NY + 1)] for i in range(NX + 1)]
V = lambda i, j: [vx[i][j], vy[i][j]]
def cell(i, j):
    return [V(i, j), V(i + 1, j), V(i + 1, j + 1), V(i, j + 1)]
def block(i, j, w, h):
    """Ring of the union of cells i..i+w-1 x j..j+h-1, every vertex."""
    r = [V(a, j) for a in range(i, i + w)] + [V(i + w, b) for b in range(j, j + h)]
    r += [V(a, j + h) for a in range(i + w, i, -1)] + [V(i, b) for b in range(j + h, j, -1)]
    return r
def zone_of(i, j):
    return "Z%d_%d" % (i // ZB, j // ZB)

used = set()
def take(w=1, h=1, edge=False):
    """Cells no other planted problem comes near (a margin of one cell)."""
    while True:
        if edge:
            i, j = rng.randrange(1, NX - w), 0
            if i // ZB != (i + w - 1) // ZB:
                continue
        else:
            i, j = rng.randrange(2, NX - w - 1), rng.randrange(2, NY - h - 1)
            if i // ZB != (i + w - 1) // ZB or j // ZB != (j + h - 1) // ZB:
                continue
        near = {(a, b) for a in range(i - 1, i + w + 1) for b in range(j - 1, j + h + 1)}
        if near & used:
            continue
        used.update(near)
        return i, j

geom = {(i, j): [cell(i, j)] for i in range(NX) for j in range(NY)}
zone = {(i, j): zone_of(i, j) for i in range(NX) for j in range(NY)}
extra = []                         # (rings, zone) of features beyond the grid
truth = {"overlap": 0, "duplicate": 0, "stale_parent": 0, "gap": 0,
         "bowtie": 0, "hole": 0, "wrong_zone": 0, "sticks_out": 0}
for _ in range(20):                # east edge pushed 2.5 m into the neighbour
    i, j = take(2, 1)
    r = cell(i, j)
    r[1] = [r[1][0] + 2.5, r[1][1]]
    r[2] = [r[2][0] + 2.5, r[2][1]]
    geom[(i, j)] = [r]
    truth["overlap"] += 1
for _ in range(10):                # an exact duplicate under another code
    i, j = take()
    extra.append(([cell(i, j)], zone[(i, j)]))
    truth["duplicate"] += 1
for k in range(10):                # a stale parent: the union of 2-4 cells
    w, h = [(2, 1), (1, 2), (3, 1), (2, 2)][k % 4]
    i, j = take(w, h)
    extra.append(([block(i, j, w, h)], zone[(i, j)]))
    truth["stale_parent"] += 1
for k in range(12):                # gaps: one or two missing cells
    w = 1 + k % 2
    i, j = take(w, 1)
    for a in range(w):
        del geom[(i + a, j)]
    truth["gap"] += 1
for _ in range(6):                 # bow-ties: two corners swapped
    i, j = take()
    r = cell(i, j)
    geom[(i, j)] = [[r[0], r[1], r[3], r[2]]]
    truth["bowtie"] += 1
for _ in range(5):                 # a parcel with a hole (no gap)
    i, j = take()
    cx, cy = (vx[i][j] + vx[i + 1][j + 1]) / 2, (vy[i][j] + vy[i + 1][j + 1]) / 2
    hole = [[q(cx - 4), q(cy - 4)], [q(cx - 4), q(cy + 4)], [q(cx + 4), q(cy + 4)], [q(cx + 4), q(cy - 4)]]
    geom[(i, j)] = [cell(i, j), hole]
    truth["hole"] += 1
for _ in range(10):                # names a zone it is not in
    i, j = take()
    zi, zj = (i // ZB + 1) % (NX // ZB), j // ZB
    zone[(i, j)] = "Z%d_%d" % (zi, zj)
    truth["wrong_zone"] += 1
for _ in range(8):                 # on the south edge, 2-4 m out of its zone
    i, j = take(edge=True)
    d = q(rng.uniform(2, 4))
    r = cell(i, j)
    r[0] = [r[0][0], r[0][1] - d]
    r[1] = [r[1][0], r[1][1] - d]
    geom[(i, j)] = [r]
    truth["sticks_out"] += 1
zone[(1, 1)] = "Z9_9"              # a zone that does not exist
truth["no_container"] = 1

def closed(rings):
    return [r + [r[0]] for r in rings]
def fc(features):
    return {"type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}},
            "features": features}
feats, n = [], 0
for (i, j) in sorted(geom):
    n += 1
    feats.append({"type": "Feature", "properties": {"code": "P%05d" % n, "zone": zone[(i, j)]},
                  "geometry": {"type": "Polygon", "coordinates": closed(geom[(i, j)])}})
for rings, z in extra:
    n += 1
    feats.append({"type": "Feature", "properties": {"code": "P%05d" % n, "zone": z},
                  "geometry": {"type": "Polygon", "coordinates": closed(rings)}})
zones = []
for a in range(NX // ZB):
    for b in range(NY // ZB):
        zones.append({"type": "Feature", "properties": {"zcode": "Z%d_%d" % (a, b)},
                      "geometry": {"type": "Polygon", "coordinates": closed([block(a * ZB, b * ZB, ZB, ZB)])}})
json.dump(fc(feats), open(os.path.join(out, "parcels.geojson"), "w"))
json.dump(fc(zones), open(os.path.join(out, "zones.geojson"), "w"))
json.dump(truth, open(os.path.join(out, "truth.json"), "w"))
PY
[ $? -eq 0 ] && ok || { bad "generator failed"; finish; }
D="$T/cadastre.gpkg"
ogr2ogr -q -f GPKG "$D" "$T/parcels.geojson" -nln parcels -nlt POLYGON &&
  ogr2ogr -q -update -f GPKG "$D" "$T/zones.geojson" -nln zones -nlt POLYGON
[ $? -eq 0 ] && ok || { bad "ogr2ogr failed"; finish; }

# --- plancheck ---------------------------------------------------------------
MIN=0.01 TOL=0.01
cat >"$T/plan.yaml" <<YAML
plancheck: 1
name: rules cross-check
crs: EPSG:4549
area_method: planar
rules:
  area: {enabled: false}
  validity: {layers: [parcels]}
  overlap: {layers: [parcels], min_area_m2: $MIN, duplicates: true}
  containment: {layer: parcels, container: zones, key_field: zone, tolerance_m2: $TOL}
  gaps: {layer: parcels, min_area_m2: $MIN}
layers:
  parcels: {source: cadastre.gpkg, layer: parcels, key: code}
  zones: {source: cadastre.gpkg, layer: zones, key: zcode}
YAML
OUT="$T/out.gpkg"
"$PC" run -q --fail-on never -o "$OUT" "$T/plan.yaml"
rc=$?
[ "$rc" -eq 0 ] && ok || { bad "plancheck run exited $rc"; finish; }

# sql <query>: the data as d, plancheck's findings (every geometry type) as
# the view f
sql() {
  spatialite -bail -batch :memory: "ATTACH '$D' AS d; ATTACH '$OUT' AS o;
    CREATE TEMP VIEW f AS
      SELECT rule, feature_key AS k1, feature_key2 AS k2, measured_m2 AS a FROM o.findings
      UNION ALL SELECT rule, feature_key, feature_key2, measured_m2 FROM o.findings_points
      UNION ALL SELECT rule, feature_key, feature_key2, measured_m2 FROM o.findings_lines;
    $1" 2>>"$T/sql.err" | grep -v '^$'
}
# The findings layers other than `findings` may be absent; then make them.
for l in findings_points findings_lines; do
  n=$(spatialite -batch "$OUT" "SELECT count(*) FROM sqlite_master WHERE name = '$l';" 2>/dev/null)
  [ "$n" = 1 ] || spatialite -batch "$OUT" "CREATE TABLE $l (rule TEXT, feature_key TEXT, feature_key2 TEXT, measured_m2 REAL);" 2>/dev/null
done
n=$(sql "SELECT count(*) FROM f;")
[ "${n:-0}" -gt 0 ] && ok || { bad "no findings read back ($n): $(head -c 300 "$T/sql.err")"; finish; }

# Parcels and their validity, in SQL.
PRE="CREATE TEMP TABLE p AS SELECT fid, code, zone, GeomFromGPB(geom) AS g,
       ST_IsValid(GeomFromGPB(geom)) AS valid FROM d.parcels;"

# compare <what> <file a (plancheck)> <file b (SQL)>: same lines
compare() {
  if diff -q "$2" "$3" >/dev/null; then ok; else
    bad "$1: plancheck and SQL differ ($(wc -l <"$2") vs $(wc -l <"$3") lines): $(diff "$2" "$3" | head -5 | tr '\n' ' ')"
  fi
}
# areas <what> <file a> <file b>: "key [key2] area" lines, same keys, areas
# within 1e-6 relative
areas() {
  if python3 - "$2" "$3" <<'PY'
import sys
def load(p):
    d = {}
    for line in open(p):
        *k, a = line.split("|")
        d[tuple(k)] = float(a)
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k in a.keys() | b.keys()
       if k not in a or k not in b or abs(a[k] - b[k]) > 1e-6 * abs(b[k])]
for k in bad[:5]:
    print("  ", k, a.get(k), b.get(k))
sys.exit(1 if bad or not a else 0)
PY
  then ok; else bad "$1: areas or keys differ (plancheck, SQL above)"; fi
}

# --- validity ------------------------------------------------------------------
sql "SELECT k1 FROM f WHERE rule LIKE 'validity.%' ORDER BY 1;" >"$T/inv.pc"
sql "$PRE SELECT code FROM p WHERE valid <> 1 ORDER BY 1;" >"$T/inv.sql"
compare "invalid keys" "$T/inv.pc" "$T/inv.sql"
[ "$(wc -l <"$T/inv.sql")" -ge 6 ] && ok || bad "fewer invalid parcels than the 6 planted bow-ties"

# --- overlaps, duplicates ------------------------------------------------------
# Candidate pairs from the GeoPackage's R*Tree (envelopes meet); both valid.
PAIRS="$PRE CREATE TEMP TABLE pr AS
  SELECT CASE WHEN a.code < b.code THEN a.code ELSE b.code END AS k1,
         CASE WHEN a.code < b.code THEN b.code ELSE a.code END AS k2,
         a.g AS ga, b.g AS gb, a.valid AND b.valid AS valid
  FROM d.rtree_parcels_geom ra JOIN d.rtree_parcels_geom rb
    ON rb.id > ra.id AND rb.minx <= ra.maxx AND rb.maxx >= ra.minx
   AND rb.miny <= ra.maxy AND rb.maxy >= ra.miny
  JOIN p a ON a.fid = ra.id JOIN p b ON b.fid = rb.id;"
sql "SELECT k1 || '|' || k2 || '|' || printf('%.17g', a) FROM f WHERE rule = 'overlap' ORDER BY 1;" >"$T/ov.pc"
sql "$PAIRS SELECT k1 || '|' || k2 || '|' || printf('%.17g', ar) FROM
       (SELECT k1, k2, ST_Area(ST_Intersection(ga, gb)) AS ar FROM pr WHERE valid)
     WHERE ar > $MIN ORDER BY 1;" >"$T/ov.sql"
cut -d'|' -f1,2 "$T/ov.pc" >"$T/ovk.pc"; cut -d'|' -f1,2 "$T/ov.sql" >"$T/ovk.sql"
compare "overlapping pairs" "$T/ovk.pc" "$T/ovk.sql"
areas "overlap areas" "$T/ov.pc" "$T/ov.sql"
# 20 pushed edges + 10 duplicates + 10 stale parents over 2-4 children
[ "$(wc -l <"$T/ov.sql")" -ge 60 ] && ok || bad "only $(wc -l <"$T/ov.sql") overlapping pairs in SQL"
# pairs with an invalid parcel: plancheck may only say it could not evaluate
r=$(sql "$PRE SELECT count(*) FROM f WHERE rule LIKE 'overlap%' AND
           (k1 IN (SELECT code FROM p WHERE valid <> 1) OR k2 IN (SELECT code FROM p WHERE valid <> 1))
           AND rule <> 'overlap.unevaluated';")
[ "$r" = 0 ] && ok || bad "$r overlap findings evaluated on an invalid parcel"
r=$(sql "$PRE SELECT count(*) FROM f WHERE rule = 'overlap.unevaluated' AND
           k1 NOT IN (SELECT code FROM p WHERE valid <> 1) AND k2 NOT IN (SELECT code FROM p WHERE valid <> 1);")
[ "$r" = 0 ] && ok || bad "$r pairs of valid parcels left unevaluated"

sql "SELECT k1 || '|' || k2 FROM f WHERE rule = 'duplicate' ORDER BY 1;" >"$T/dup.pc"
sql "$PAIRS SELECT k1 || '|' || k2 FROM pr WHERE valid AND ST_Equals(ga, gb) ORDER BY 1;" >"$T/dup.sql"
compare "duplicate pairs" "$T/dup.pc" "$T/dup.sql"
[ "$(wc -l <"$T/dup.sql")" -eq 10 ] && ok || bad "$(wc -l <"$T/dup.sql") duplicate pairs in SQL, 10 planted"

# --- containment -----------------------------------------------------------------
sql "SELECT k1 || '|' || printf('%.17g', a) FROM f WHERE rule = 'containment.outside' ORDER BY 1;" >"$T/out.pc"
sql "$PRE SELECT code || '|' || printf('%.17g', ar) FROM
       (SELECT p.code, ST_Area(ST_Difference(p.g, GeomFromGPB(z.geom))) AS ar
        FROM p JOIN d.zones z ON z.zcode = p.zone WHERE p.valid)
     WHERE ar > $TOL ORDER BY 1;" >"$T/out.sql"
areas "containment: keys and outside areas" "$T/out.pc" "$T/out.sql"
[ "$(wc -l <"$T/out.sql")" -ge 18 ] && ok || bad "only $(wc -l <"$T/out.sql") parcels out of their zone in SQL, 18 planted"
sql "SELECT k1 FROM f WHERE rule = 'containment.outside.no_container' ORDER BY 1;" >"$T/nc.pc"
sql "SELECT code FROM d.parcels WHERE zone NOT IN (SELECT zcode FROM d.zones) ORDER BY 1;" >"$T/nc.sql"
compare "containment: unknown zones" "$T/nc.pc" "$T/nc.sql"
# invalid parcels: plancheck evaluates them with GEOS or says it could not
r=$(sql "$PRE SELECT count(*) FROM f WHERE rule LIKE 'containment.outside%' AND
           k1 IN (SELECT code FROM p WHERE valid <> 1) AND rule <> 'containment.outside.unevaluated';")
[ "$r" = 0 ] && ok || bad "$r containment findings on invalid parcels"

# --- gaps --------------------------------------------------------------------------
# The union as plancheck builds it: invalid parcels made valid first. The
# uncovered parts of the envelope (plus a margin) that do not touch the
# margin are enclosed; a part that is exactly a hole of one parcel is not a
# gap.
GAPS="$PRE
  CREATE TEMP TABLE u AS SELECT ST_Union(CASE WHEN valid THEN g ELSE ST_MakeValid(g) END) AS g FROM p;
  CREATE TEMP TABLE sh AS SELECT ST_Expand(ST_Envelope(g), 10) AS g FROM u;
  CREATE TEMP TABLE dd AS SELECT ST_Difference(sh.g, u.g) AS g FROM sh, u;
  CREATE TEMP TABLE parts AS WITH RECURSIVE n(i) AS
    (SELECT 1 UNION ALL SELECT i + 1 FROM n, dd WHERE i < ST_NumGeometries(dd.g))
    SELECT ST_GeometryN(dd.g, i) AS g FROM n, dd;
  CREATE TEMP TABLE holes AS SELECT MakePolygon(ST_InteriorRingN(g, 1)) AS g
    FROM p WHERE valid AND ST_NumInteriorRing(g) >= 1;
  CREATE TEMP TABLE gaps AS SELECT parts.g FROM parts, sh
    WHERE NOT ST_Intersects(parts.g, ST_ExteriorRing(sh.g))
      AND NOT EXISTS (SELECT 1 FROM holes WHERE ST_Equals(holes.g, parts.g))
      AND ST_Area(parts.g) > $MIN;"
sql "SELECT count(*) || '|' || printf('%.17g', sum(a)) FROM f WHERE rule = 'gap';" >"$T/gap.pc"
sql "$GAPS SELECT count(*) || '|' || printf('%.17g', sum(ST_Area(g))) FROM gaps;" >"$T/gap.sql"
if python3 - "$T/gap.pc" "$T/gap.sql" <<'PY'
import sys
(na, a), (nb, b) = [open(p).read().strip().split("|") for p in sys.argv[1:]]
print("   plancheck %s gaps, %s m2; SQL %s gaps, %s m2" % (na, a, nb, b))
sys.exit(0 if na == nb and int(nb) > 0 and abs(float(a) - float(b)) <= 1e-6 * float(b) else 1)
PY
then ok; else bad "gaps: count or total area differ"; fi
# 12 missing cells or pairs of cells, and two triangles beside each bow-tie
n=$(cut -d'|' -f1 "$T/gap.sql")
[ "${n:-0}" -ge 12 ] && ok || bad "only $n gaps in SQL, 12 planted"

# --- the same findings with one thread and with four -----------------------
ids() {
  spatialite -batch "$1" "SELECT finding_id || '|' || printf('%.17g', measured_m2) FROM findings
    UNION ALL SELECT finding_id || '|' || printf('%.17g', measured_m2) FROM findings_points
    ORDER BY 1;" 2>/dev/null
}
"$PC" run -q --fail-on never --threads 1 -o "$T/t1.gpkg" "$T/plan.yaml" &&
  "$PC" run -q --fail-on never --threads 4 -o "$T/t4.gpkg" "$T/plan.yaml"
[ $? -eq 0 ] && ok || bad "plancheck run --threads failed"
ids "$T/t1.gpkg" >"$T/t1.ids"; ids "$T/t4.gpkg" >"$T/t4.ids"
[ -s "$T/t1.ids" ] && cmp -s "$T/t1.ids" "$T/t4.ids" && ok ||
  bad "findings differ between --threads 1 and 4: $(diff "$T/t1.ids" "$T/t4.ids" | head -3 | tr '\n' ' ')"

[ "$fail" -gt 0 ] && grep -v "RTTOPO warning\|GEOS warning\|SPATIAL_REF_SYS" "$T/sql.err" | head -3 | sed 's/^/  sql: /'
finish
