/* test_measure.c: planar and ellipsoidal areas (measure.h). */
#include "testutil.h"

#include "plancheck/measure.h"

/* 121.5°E 28°N in EPSG:4549 (x = easting), computed once with
 * `echo 28 121.5 | cs2cs -d 6 EPSG:4326 EPSG:4549` (cs2cs reads EPSG:4326
 * as lat,lon and prints EPSG:4549 as northing,easting). */
#define CX 647552.295646
#define CY 3099348.644565

/* GeographicLib's published total area of the WGS84 ellipsoid, m². */
#define WGS84_AREA 510065621724088.5

struct fx {
    pc_ctx *ctx;
    pc_crs *crs4549;
    pc_crs *crs4326;
    pc_area_calc *proj;  /* on EPSG:4549 */
    pc_area_calc *geog;  /* on EPSG:4326 */
};

static int setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    if (!fx || !(fx->ctx = pc_ctx_new()))
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    if (pc_crs_from_string(fx->ctx, "EPSG:4549", "test", &fx->crs4549) ||
        pc_crs_from_string(fx->ctx, "EPSG:4326", "test", &fx->crs4326) ||
        pc_area_calc_new(fx->ctx, fx->crs4549, &fx->proj) ||
        pc_area_calc_new(fx->ctx, fx->crs4326, &fx->geog)) {
        fprintf(stderr, "setup: %s\n", pc_ctx_error(fx->ctx));
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    if (!fx)
        return 0;
    pc_area_calc_free(fx->proj);
    pc_area_calc_free(fx->geog);
    pc_crs_free(fx->crs4549);
    pc_crs_free(fx->crs4326);
    pc_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

static GEOSGeometry *geom(pc_ctx *ctx, const char *wkt)
{
    GEOSGeometry *g = GEOSGeomFromWKT_r(pc_ctx_geos(ctx), wkt);
    if (!g)
        fail_msg("bad WKT: %s", wkt);
    return g;
}

static double area_of(pc_ctx *ctx, pc_area_calc *calc, const char *wkt,
                      pc_area_method m)
{
    GEOSGeometry *g = geom(ctx, wkt);
    double a = -1;
    pc_status st = pc_area_calc_area(ctx, calc, g, m, &a);
    GEOSGeom_destroy_r(pc_ctx_geos(ctx), g);
    if (st != PC_OK)
        fail_msg("area of %s: status %d: %s", wkt, (int)st, pc_ctx_error(ctx));
    return a;
}

static void test_method_names(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        pc_area_method m;
    } ok[] = {{"ellipsoidal", PC_AREA_ELLIPSOIDAL}, {"planar", PC_AREA_PLANAR}};
    for (size_t i = 0; i < 2; i++) {
        pc_area_method m = ok[i].m == PC_AREA_PLANAR ? PC_AREA_ELLIPSOIDAL
                                                     : PC_AREA_PLANAR;
        assert_int_equal(pc_area_method_parse(ok[i].s, &m), 0);
        assert_int_equal(m, ok[i].m);
        assert_string_equal(pc_area_method_name(ok[i].m), ok[i].s);
    }
    static const char *const bad[] = {"", "geodesic", "Planar", "flat", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pc_area_method m = PC_AREA_PLANAR;
        assert_int_not_equal(pc_area_method_parse(bad[i], &m), 0);
        assert_int_equal(m, PC_AREA_PLANAR);
    }
}

/* (a) a 1 km square in a Gauss-Krüger zone, 1.5° off the central meridian:
 * the projection enlarges areas by about 0.05 %. */
static void test_square_km_projected(void **state)
{
    struct fx *fx = *state;
    for (int cw = 0; cw <= 1; cw++) {
        char *wkt = tu_square_wkt(CX, CY, 1000, cw);
        double planar = area_of(fx->ctx, fx->proj, wkt, PC_AREA_PLANAR);
        double ellps = area_of(fx->ctx, fx->proj, wkt, PC_AREA_ELLIPSOIDAL);
        free(wkt);
        assert_near(planar, 1e6, 1e-6);
        assert_true(ellps > 0);
        assert_true(ellps < planar);
        double ratio = planar / ellps - 1;
        if (!(ratio > 0.0004 && ratio < 0.0006))
            fail_msg("planar/ellipsoidal - 1 = %.6g (planar %.3f, "
                     "ellipsoidal %.3f), expected about 0.0005", ratio, planar,
                     ellps);
    }
}

/* The same square on the central meridian: scale factor 1, so planar and
 * ellipsoidal agree to a few ppm. Guards against a fixed fudge factor. */
static void test_square_on_central_meridian(void **state)
{
    struct fx *fx = *state;
    char *wkt = tu_square_wkt(500000, 3098441.747297, 1000, 0);
    double planar = area_of(fx->ctx, fx->proj, wkt, PC_AREA_PLANAR);
    double ellps = area_of(fx->ctx, fx->proj, wkt, PC_AREA_ELLIPSOIDAL);
    free(wkt);
    assert_near(planar, 1e6, 1e-6);
    assert_rel(ellps, 1e6, 1e-5);
}

/* (b) the geodesic triangle (0,0), (90,0), (0,90) is one octant of the
 * ellipsoid: exactly 1/8 of its area, whatever the ring's orientation. */
static void test_octant_known_value(void **state)
{
    struct fx *fx = *state;
    static const char *const wkts[] = {
        "POLYGON((0 0,90 0,0 90,0 0))",  /* counter-clockwise */
        "POLYGON((0 0,0 90,90 0,0 0))",  /* clockwise */
        "POLYGON((90 0,0 90,0 0,90 0))", /* another start vertex */
    };
    for (size_t i = 0; i < sizeof wkts / sizeof wkts[0]; i++) {
        double a = area_of(fx->ctx, fx->geog, wkts[i], PC_AREA_ELLIPSOIDAL);
        assert_rel(a, WGS84_AREA / 8, 1e-9);
    }
    /* x is longitude: the octant between 90°E and 180°E has the same area */
    double a = area_of(fx->ctx, fx->geog, "POLYGON((90 0,180 0,90 90,90 0))",
                       PC_AREA_ELLIPSOIDAL);
    assert_rel(a, WGS84_AREA / 8, 1e-9);
}

/* A 1°x1° cell at the equator versus one at 60°N: the ellipsoidal area
 * follows the latitude (x = longitude, y = latitude). */
static void test_geographic_cells(void **state)
{
    struct fx *fx = *state;
    double eq = area_of(fx->ctx, fx->geog,
                        "POLYGON((120 0,121 0,121 1,120 1,120 0))",
                        PC_AREA_ELLIPSOIDAL);
    double north = area_of(fx->ctx, fx->geog,
                           "POLYGON((120 60,121 60,121 61,120 61,120 60))",
                           PC_AREA_ELLIPSOIDAL);
    /* about 12 308 km² at the equator */
    assert_rel(eq, 1.2308e10, 1e-3);
    assert_true(north < 0.52 * eq && north > 0.48 * eq);
}

/* (c) holes are subtracted, whatever their orientation. */
static void test_polygon_with_hole(void **state)
{
    struct fx *fx = *state;
    const double x0 = CX - 500, y0 = CY - 500, x1 = CX + 500, y1 = CY + 500;
    const double hx0 = CX - 100, hy0 = CY - 100, hx1 = CX + 200, hy1 = CY + 100;
    char *outer = pc_aprintf("POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,"
                             "%.6f %.6f))", x0, y0, x1, y0, x1, y1, x0, y1, x0,
                             y0);
    char *hole = pc_aprintf("POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,"
                            "%.6f %.6f))", hx0, hy0, hx1, hy0, hx1, hy1, hx0,
                            hy1, hx0, hy0);
    /* hole ring clockwise (OGC) and counter-clockwise (sloppy data) */
    char *holed_cw = pc_aprintf(
        "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f),"
        "(%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))",
        x0, y0, x1, y0, x1, y1, x0, y1, x0, y0,
        hx0, hy0, hx0, hy1, hx1, hy1, hx1, hy0, hx0, hy0);
    char *holed_ccw = pc_aprintf(
        "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f),"
        "(%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))",
        x0, y0, x1, y0, x1, y1, x0, y1, x0, y0,
        hx0, hy0, hx1, hy0, hx1, hy1, hx0, hy1, hx0, hy0);
    char *multi = pc_aprintf(
        "MULTIPOLYGON(((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f),"
        "(%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f)),"
        "((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f)))",
        x0, y0, x1, y0, x1, y1, x0, y1, x0, y0,
        hx0, hy0, hx0, hy1, hx1, hy1, hx1, hy0, hx0, hy0,
        hx0 + 1, hy0 + 1, hx1 - 1, hy0 + 1, hx1 - 1, hy1 - 1, hx0 + 1, hy1 - 1,
        hx0 + 1, hy0 + 1);
    assert_non_null(outer);
    assert_non_null(hole);
    assert_non_null(holed_cw);
    assert_non_null(holed_ccw);
    assert_non_null(multi);

    double a_outer = area_of(fx->ctx, fx->proj, outer, PC_AREA_ELLIPSOIDAL);
    double a_hole = area_of(fx->ctx, fx->proj, hole, PC_AREA_ELLIPSOIDAL);
    assert_true(a_hole > 0.05 * a_outer);
    for (int i = 0; i < 2; i++) {
        const char *w = i ? holed_ccw : holed_cw;
        assert_near(area_of(fx->ctx, fx->proj, w, PC_AREA_ELLIPSOIDAL),
                    a_outer - a_hole, 1e-6);
        assert_near(area_of(fx->ctx, fx->proj, w, PC_AREA_PLANAR),
                    1e6 - 300.0 * 200.0, 1e-6);
    }
    /* a multipolygon: the holed square plus an island inside the hole */
    double island = area_of(fx->ctx, fx->proj, multi, PC_AREA_ELLIPSOIDAL) -
                    (a_outer - a_hole);
    assert_rel(island, 298.0 * 198.0 * (a_outer / 1e6), 1e-5);
    assert_near(area_of(fx->ctx, fx->proj, multi, PC_AREA_PLANAR),
                1e6 - 300.0 * 200.0 + 298.0 * 198.0, 1e-6);
    free(outer);
    free(hole);
    free(holed_cw);
    free(holed_ccw);
    free(multi);
}

/* (d) degrees squared are not an area. */
static void test_planar_in_geographic_refused(void **state)
{
    struct fx *fx = *state;
    GEOSGeometry *g = geom(fx->ctx, "POLYGON((120 28,121 28,121 29,120 28))");
    double a = 12345;
    pc_error(fx->ctx, PC_OK, "%s", "");
    pc_status st = pc_area_calc_area(fx->ctx, fx->geog, g, PC_AREA_PLANAR, &a);
    GEOSGeom_destroy_r(pc_ctx_geos(fx->ctx), g);
    assert_int_equal(st, PC_ERR_CRS);
    assert_true(pc_ctx_error(fx->ctx)[0] != '\0');
    /* ... while the ellipsoidal area of the same polygon is fine */
    assert_true(area_of(fx->ctx, fx->geog,
                        "POLYGON((120 28,121 28,121 29,120 28))",
                        PC_AREA_ELLIPSOIDAL) > 1e9);
}

/* (e) points, lines and empty geometries enclose nothing. */
static void test_non_polygons_are_zero(void **state)
{
    struct fx *fx = *state;
    char *wkts[] = {
        pc_aprintf("POINT(%f %f)", CX, CY),
        pc_aprintf("MULTIPOINT((%f %f),(%f %f))", CX, CY, CX + 10, CY + 10),
        pc_aprintf("LINESTRING(%f %f,%f %f)", CX, CY, CX + 1000, CY),
        /* a closed line is still a line */
        pc_aprintf("LINESTRING(%f %f,%f %f,%f %f,%f %f)", CX, CY, CX + 1000, CY,
                   CX + 1000, CY + 1000, CX, CY),
        pc_aprintf("MULTILINESTRING((%f %f,%f %f),(%f %f,%f %f))", CX, CY,
                   CX + 100, CY, CX, CY + 5, CX, CY + 500),
        pc_aprintf("POLYGON EMPTY"),
        pc_aprintf("MULTIPOLYGON EMPTY"),
    };
    for (size_t i = 0; i < sizeof wkts / sizeof wkts[0]; i++) {
        assert_non_null(wkts[i]);
        for (int m = 0; m <= 1; m++) {
            double a = area_of(fx->ctx, fx->proj, wkts[i],
                               m ? PC_AREA_PLANAR : PC_AREA_ELLIPSOIDAL);
            if (a != 0)
                fail_msg("%s area of %s = %g, expected 0", m ? "planar" :
                         "ellipsoidal", wkts[i], a);
        }
        free(wkts[i]);
    }
    /* and in a geographic CRS, ellipsoidally */
    assert_true(area_of(fx->ctx, fx->geog, "LINESTRING(120 28,121 28,121 29,120 28)",
                        PC_AREA_ELLIPSOIDAL) == 0);
    assert_true(area_of(fx->ctx, fx->geog, "POINT(120 28)",
                        PC_AREA_ELLIPSOIDAL) == 0);
    /* a NULL geometry too */
    double a = -1;
    assert_int_equal(pc_area_calc_area(fx->ctx, fx->proj, NULL,
                                       PC_AREA_ELLIPSOIDAL, &a), PC_OK);
    assert_true(a == 0);
}

/* A calculator for a CRS on another ellipsoid uses that ellipsoid: the
 * octant of the International 1924 ellipsoid (ED50, EPSG:4230,
 * a = 6378388, 1/f = 297) is larger than WGS84's by about 0.007 %. */
static void test_calc_uses_crs_ellipsoid(void **state)
{
    struct fx *fx = *state;
    pc_crs *crs = NULL;
    pc_area_calc *calc = NULL;
    assert_int_equal(pc_crs_from_string(fx->ctx, "EPSG:4230", "test", &crs),
                     PC_OK);
    assert_int_equal(pc_area_calc_new(fx->ctx, crs, &calc), PC_OK);
    double a = area_of(fx->ctx, calc, "POLYGON((0 0,90 0,0 90,0 0))",
                       PC_AREA_ELLIPSOIDAL);
    double ratio = a / (WGS84_AREA / 8);
    assert_true(ratio > 1.00005 && ratio < 1.0001);
    pc_area_calc_free(calc);
    pc_crs_free(crs);
}

/* (f) pc_measure_layer on a hand-built layer. */
static pc_layer *mixed_layer(pc_ctx *ctx, const char *crs, double cx, double cy,
                             double side)
{
    pc_layer *layer = tu_layer_new(ctx, "parcels", crs);
    size_t fname = tu_layer_add_field(layer, "name", PC_FIELD_TEXT);
    char *sq = tu_square_wkt(cx, cy, side, 0);
    char *pt = pc_aprintf("POINT(%.9f %.9f)", cx, cy);
    char *s1 = tu_square_wkt(cx - side, cy, side / 10, 0);
    char *s2 = tu_square_wkt(cx + side, cy, side / 10, 1);
    /* a multipolygon of two small squares: the POLYGON(...) bodies of
     * their WKT without the trailing ')' */
    char *mp2 = pc_aprintf("MULTIPOLYGON((%.*s),(%.*s))",
                           (int)(strlen(strchr(s1, '(') + 1) - 1),
                           strchr(s1, '(') + 1,
                           (int)(strlen(strchr(s2, '(') + 1) - 1),
                           strchr(s2, '(') + 1);
    pc_feature *f;
    f = tu_layer_add_feature(ctx, layer, 10, sq);
    tu_set_text(f, fname, "square");
    f = tu_layer_add_feature(ctx, layer, 11, NULL);
    tu_set_text(f, fname, "no geometry");
    f = tu_layer_add_feature(ctx, layer, 12, pt);
    tu_set_text(f, fname, "a point");
    f = tu_layer_add_feature(ctx, layer, 13, mp2);
    tu_set_text(f, fname, "two small squares");
    f = tu_layer_add_feature(ctx, layer, 14, "POLYGON EMPTY");
    free(sq);
    free(pt);
    free(s1);
    free(s2);
    free(mp2);
    return layer;
}

struct progress_log {
    int calls;
    double last;
    int cancel;
};

static int progress_cb(double complete, const char *message, void *arg)
{
    struct progress_log *p = arg;
    (void)message;
    assert_true(complete >= 0 && complete <= 1);
    p->calls++;
    p->last = complete;
    return !p->cancel;
}

static void test_measure_layer_projected(void **state)
{
    struct fx *fx = *state;
    pc_layer *layer = mixed_layer(fx->ctx, "EPSG:4549", CX, CY, 1000);
    pc_layer_areas areas;
    memset(&areas, 0xAB, sizeof areas);
    struct progress_log log = {0, -1, 0};
    pc_status st = pc_measure_layer(fx->ctx, layer, PC_MEASURE_BOTH, progress_cb, &log, &areas);
    if (st != PC_OK)
        fail_msg("pc_measure_layer: %s", pc_ctx_error(fx->ctx));
    assert_int_equal(areas.n, 5);
    assert_int_equal(areas.n_polygons, 2);
    assert_non_null(areas.planar_m2);
    assert_non_null(areas.ellipsoidal_m2);
    /* the square */
    assert_near(areas.planar_m2[0], 1e6, 1e-6);
    double ratio = areas.planar_m2[0] / areas.ellipsoidal_m2[0] - 1;
    assert_true(ratio > 0.0004 && ratio < 0.0006);
    /* NULL geometry, a point, an empty polygon: NAN */
    static const size_t no_polygon[] = {1, 2, 4};
    for (size_t k = 0; k < 3; k++) {
        assert_true(isnan(areas.planar_m2[no_polygon[k]]));
        assert_true(isnan(areas.ellipsoidal_m2[no_polygon[k]]));
    }
    /* the two 100 m squares */
    assert_near(areas.planar_m2[3], 2e4, 1e-6);
    assert_true(areas.ellipsoidal_m2[3] > 0.99 * 2e4 &&
                areas.ellipsoidal_m2[3] < 2e4);
    /* totals skip the NANs */
    assert_near(areas.total_planar_m2, 1.02e6, 1e-6);
    assert_near(areas.total_ellipsoidal_m2,
                areas.ellipsoidal_m2[0] + areas.ellipsoidal_m2[3], 1e-6);
    /* each ellipsoidal figure matches the calculator's */
    double a = -1;
    assert_int_equal(pc_area_calc_area(fx->ctx, fx->proj,
                                       layer->features[0].geom,
                                       PC_AREA_ELLIPSOIDAL, &a), PC_OK);
    assert_near(areas.ellipsoidal_m2[0], a, 1e-6);
    assert_true(log.calls >= 1);
    assert_true(log.last == 1.0);
    pc_layer_areas_clear(&areas);
    assert_null(areas.planar_m2);
    assert_null(areas.ellipsoidal_m2);
    assert_int_equal(areas.n, 0);
    pc_layer_free(fx->ctx, layer);
}

static void test_measure_layer_geographic(void **state)
{
    struct fx *fx = *state;
    pc_layer *layer = mixed_layer(fx->ctx, "EPSG:4326", 121.5, 28, 0.01);
    pc_layer_areas areas;
    pc_status st = pc_measure_layer(fx->ctx, layer, PC_MEASURE_BOTH, NULL, NULL, &areas);
    if (st != PC_OK)
        fail_msg("pc_measure_layer: %s", pc_ctx_error(fx->ctx));
    assert_int_equal(areas.n, 5);
    assert_int_equal(areas.n_polygons, 2);
    for (size_t i = 0; i < 5; i++)
        assert_true(isnan(areas.planar_m2[i]));
    assert_true(isnan(areas.total_planar_m2)); /* no planar area in degrees */
    /* 0.01° x 0.01° at 28°N: about 982 m x 1109 m */
    assert_rel(areas.ellipsoidal_m2[0], 982.6 * 1108.6, 5e-3);
    assert_true(isnan(areas.ellipsoidal_m2[1]));
    assert_true(isnan(areas.ellipsoidal_m2[2]));
    assert_true(areas.ellipsoidal_m2[3] > 0);
    assert_true(isnan(areas.ellipsoidal_m2[4]));
    assert_near(areas.total_ellipsoidal_m2,
                areas.ellipsoidal_m2[0] + areas.ellipsoidal_m2[3], 1e-6);
    pc_layer_areas_clear(&areas);
    pc_layer_free(fx->ctx, layer);
}

/* Only the methods asked for are computed; in a geographic CRS the
 * ellipsoidal area is computed whatever is asked, being the only one. */
static void test_measure_layer_methods(void **state)
{
    struct fx *fx = *state;
    pc_layer *layer = mixed_layer(fx->ctx, "EPSG:4549", CX, CY, 1000);
    pc_layer_areas both, planar, ell;
    assert_int_equal(pc_measure_layer(fx->ctx, layer, PC_MEASURE_BOTH, NULL,
                                      NULL, &both), PC_OK);
    assert_int_equal(pc_measure_layer(fx->ctx, layer, PC_MEASURE_PLANAR, NULL,
                                      NULL, &planar), PC_OK);
    assert_int_equal(pc_measure_layer(fx->ctx, layer, PC_MEASURE_ELLIPSOIDAL,
                                      NULL, NULL, &ell), PC_OK);
    assert_int_equal(planar.n_polygons, 2);
    assert_int_equal(ell.n_polygons, 2);
    for (size_t i = 0; i < 5; i++) {
        assert_true(isnan(planar.ellipsoidal_m2[i]));
        assert_true(isnan(ell.planar_m2[i]));
        assert_true(isnan(both.planar_m2[i]) ? isnan(planar.planar_m2[i])
                    : both.planar_m2[i] == planar.planar_m2[i]);
        assert_true(isnan(both.ellipsoidal_m2[i]) ? isnan(ell.ellipsoidal_m2[i])
                    : both.ellipsoidal_m2[i] == ell.ellipsoidal_m2[i]);
    }
    assert_true(isnan(planar.total_ellipsoidal_m2));
    assert_true(isnan(ell.total_planar_m2));
    assert_true(planar.total_planar_m2 == both.total_planar_m2);
    assert_true(ell.total_ellipsoidal_m2 == both.total_ellipsoidal_m2);
    pc_layer_areas_clear(&both);
    pc_layer_areas_clear(&planar);
    pc_layer_areas_clear(&ell);
    pc_layer_free(fx->ctx, layer);

    layer = mixed_layer(fx->ctx, "EPSG:4326", 121.5, 28, 0.01);
    assert_int_equal(pc_measure_layer(fx->ctx, layer, PC_MEASURE_PLANAR, NULL,
                                      NULL, &planar), PC_OK);
    assert_true(planar.ellipsoidal_m2[0] > 0);
    assert_true(isnan(planar.planar_m2[0]));
    pc_layer_areas_clear(&planar);
    pc_layer_free(fx->ctx, layer);
}

static void test_measure_layer_errors(void **state)
{
    struct fx *fx = *state;
    /* no CRS */
    pc_layer *layer = mixed_layer(fx->ctx, NULL, CX, CY, 1000);
    pc_layer_areas areas;
    assert_int_equal(pc_measure_layer(fx->ctx, layer, PC_MEASURE_BOTH, NULL, NULL, &areas),
                     PC_ERR_CRS);
    assert_null(areas.planar_m2);
    assert_null(areas.ellipsoidal_m2);
    pc_layer_free(fx->ctx, layer);

    /* an empty layer is fine */
    layer = tu_layer_new(fx->ctx, "empty", "EPSG:4549");
    assert_int_equal(pc_measure_layer(fx->ctx, layer, PC_MEASURE_BOTH, NULL, NULL, &areas),
                     PC_OK);
    assert_int_equal(areas.n, 0);
    assert_int_equal(areas.n_polygons, 0);
    assert_true(areas.total_planar_m2 == 0 && areas.total_ellipsoidal_m2 == 0);
    pc_layer_areas_clear(&areas);
    pc_layer_free(fx->ctx, layer);

    /* cancelled through the progress callback: an error, nothing kept */
    layer = mixed_layer(fx->ctx, "EPSG:4549", CX, CY, 1000);
    struct progress_log log = {0, -1, 1};
    pc_status st = pc_measure_layer(fx->ctx, layer, PC_MEASURE_BOTH, progress_cb, &log, &areas);
    assert_int_not_equal(st, PC_OK);
    assert_true(log.calls >= 1);
    assert_null(areas.planar_m2);
    assert_null(areas.ellipsoidal_m2);
    pc_layer_free(fx->ctx, layer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_method_names),
        cmocka_unit_test_setup_teardown(test_square_km_projected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_square_on_central_meridian, setup, teardown),
        cmocka_unit_test_setup_teardown(test_octant_known_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geographic_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_polygon_with_hole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_planar_in_geographic_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_polygons_are_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calc_uses_crs_ellipsoid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measure_layer_projected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measure_layer_geographic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measure_layer_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measure_layer_errors, setup, teardown),
    };
    return cmocka_run_group_tests_name("measure", tests, NULL, NULL);
}
