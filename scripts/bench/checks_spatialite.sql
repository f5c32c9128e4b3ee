-- The benchmark's four checks as SpatiaLite SQL, on the generated GeoPackage.
-- Run from the data folder:  spatialite :memory: < checks_spatialite.sql
-- Output, tab-separated: "invalid|area|containment <TAB> code",
-- "overlap <TAB> code <TAB> code" and "@t <TAB> label <TAB> unix seconds"
-- after each step (scripts/bench/bench.py reads it).
.bail ON
.headers OFF
.mode list
.separator "\t"
ATTACH DATABASE 'bench.gpkg' AS g;
SELECT '@t', 'start', (julianday('now') - 2440587.5) * 86400.0;

-- Decode each geometry once (GeoPackage blob -> SpatiaLite), with its
-- validity and the declared area in m².
CREATE TEMP TABLE p (fid INTEGER PRIMARY KEY, code TEXT, zone TEXT,
                     decl_m2 REAL, valid INTEGER, g BLOB);
INSERT INTO p
SELECT fid, code, zone,
       decl_area * CASE trim(decl_unit) WHEN '亩' THEN 2000.0 / 3.0
                                        WHEN '公顷' THEN 10000.0
                                        WHEN '平方米' THEN 1.0 END,
       NULL, GeomFromGPB(geom)
FROM g.parcels;
SELECT '@t', 'decode', (julianday('now') - 2440587.5) * 86400.0;

-- 1. validity
UPDATE p SET valid = (ST_IsValid(g) = 1);
SELECT 'invalid', code FROM p WHERE valid = 0;
SELECT '@t', 'validity', (julianday('now') - 2440587.5) * 86400.0;

-- 2. area: |planar - declared| > max(1 m², 0.1 % of declared)
SELECT 'area', code FROM p
WHERE decl_m2 IS NOT NULL AND abs(ST_Area(g) - decl_m2) > max(1.0, 0.001 * decl_m2);
SELECT '@t', 'area', (julianday('now') - 2440587.5) * 86400.0;

-- 3. overlaps: self-join on the GeoPackage's R-tree, then the exact test.
-- (ST_Overlaps would miss duplicates and containment.)  CROSS JOIN fixes
-- the join order: outer R-tree scan, inner R-tree range lookup.
SELECT 'overlap', a.code, b.code
FROM g.rtree_parcels_geom AS ra
     CROSS JOIN p AS a
     CROSS JOIN g.rtree_parcels_geom AS rb
     CROSS JOIN p AS b
WHERE a.fid = ra.id AND a.valid = 1
  AND rb.minx <= ra.maxx AND rb.maxx >= ra.minx
  AND rb.miny <= ra.maxy AND rb.maxy >= ra.miny
  AND rb.id > ra.id
  AND b.fid = rb.id AND b.valid = 1
  AND ST_Intersects(a.g, b.g) = 1
  AND ST_Area(ST_Intersection(a.g, b.g)) > 1.0;
SELECT '@t', 'overlap', (julianday('now') - 2440587.5) * 86400.0;

-- 4. containment: the parcel is not covered by the zone its `zone` names.
CREATE TEMP TABLE z (code TEXT PRIMARY KEY, g BLOB);
INSERT INTO z SELECT code, GeomFromGPB(geom) FROM g.zones;
SELECT 'containment', p.code
FROM p JOIN z ON z.code = p.zone
WHERE p.valid = 1
  AND ST_Covers(z.g, p.g) = 0
  AND ST_Area(ST_Difference(p.g, z.g)) > 1.0;
SELECT '@t', 'containment', (julianday('now') - 2440587.5) * 86400.0;
