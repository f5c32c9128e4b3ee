-- The benchmark's four checks as PostGIS SQL, on the tables `parcels` and
-- `zones` loaded from the generated GeoPackage by ogr2ogr (no index yet).
--   psql -X -q -v ON_ERROR_STOP=1 -d DB -f checks_postgis.sql
-- Output, tab-separated: "invalid|area|containment <TAB> code",
-- "overlap <TAB> code <TAB> code" and "@t <TAB> label <TAB> unix seconds"
-- after each step (scripts/bench/bench.py reads it).
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\pset fieldsep '\t'
\pset footer off
SET client_min_messages = warning;
SELECT '@t', 'start', extract(epoch FROM clock_timestamp());

CREATE INDEX parcels_geom_gist ON parcels USING gist (geom);
CREATE INDEX zones_code ON zones (code);
ANALYZE parcels;
ANALYZE zones;
SELECT '@t', 'index', extract(epoch FROM clock_timestamp());

-- 1. validity (kept: the other checks leave invalid geometries out, GEOS
-- operations on them raise errors)
CREATE TEMP TABLE invalid AS
  SELECT fid, code FROM parcels WHERE NOT ST_IsValid(geom);
SELECT 'invalid', code FROM invalid;
SELECT '@t', 'validity', extract(epoch FROM clock_timestamp());

-- 2. area: |planar - declared| > max(1 m², 0.1 % of declared)
SELECT 'area', code
FROM (SELECT code, geom,
             decl_area * CASE decl_unit WHEN '亩' THEN 2000.0::float8 / 3
                                        WHEN '公顷' THEN 10000.0::float8
                                        WHEN '平方米' THEN 1.0::float8 END
               AS decl_m2
      FROM parcels) d
WHERE decl_m2 IS NOT NULL
  AND abs(ST_Area(geom) - decl_m2) > greatest(1.0, 0.001 * decl_m2);
SELECT '@t', 'area', extract(epoch FROM clock_timestamp());

-- 3. overlaps: self-join on the GiST index, then the exact test
-- (ST_Overlaps would miss duplicates and containment).  "+ 0" keeps the
-- planner from ANDing a B-tree range scan "fid > a.fid" into each GiST
-- lookup (it does so from N = 100,000 on, which makes the join quadratic).
SELECT 'overlap', a.code, b.code
FROM parcels a
JOIN parcels b ON a.fid + 0 < b.fid + 0 AND ST_Intersects(a.geom, b.geom)
WHERE a.fid NOT IN (SELECT fid FROM invalid)
  AND b.fid NOT IN (SELECT fid FROM invalid)
  AND ST_Area(ST_Intersection(a.geom, b.geom)) > 1.0;
SELECT '@t', 'overlap', extract(epoch FROM clock_timestamp());

-- 4. containment: the parcel is not covered by the zone its `zone` names.
-- ST_Covers(zone, parcel) with the zone first: PostGIS prepares the
-- repeated zone geometry (5x faster than ST_CoveredBy(parcel, zone)).
SELECT 'containment', p.code
FROM parcels p
JOIN zones z ON z.code = p.zone
WHERE p.fid NOT IN (SELECT fid FROM invalid)
  AND NOT ST_Covers(z.geom, p.geom)
  AND ST_Area(ST_Difference(p.geom, z.geom)) > 1.0;
SELECT '@t', 'containment', extract(epoch FROM clock_timestamp());
