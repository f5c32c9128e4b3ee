/* test_crs.c: CRS objects, axis order, reprojection and the coordinate
 * sanity checks (crs.h). */
#include "testutil.h"

static int setup(void **state)
{
    pc_ctx *ctx = pc_ctx_new();
    if (!ctx)
        return -1;
    pc_ctx_set_quiet(ctx, 1);
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    pc_ctx_free(*state);
    return 0;
}

static pc_crs *crs_or_fail(pc_ctx *ctx, const char *def)
{
    pc_crs *crs = NULL;
    pc_status st = pc_crs_from_string(ctx, def, "test", &crs);
    if (st != PC_OK || !crs)
        fail_msg("pc_crs_from_string(%s): %d %s", def, (int)st,
                 pc_ctx_error(ctx));
    return crs;
}

static const struct {
    const char *def;
    int projected;
    const char *auth;
    const char *defined;
    const char *used;
    const char *name_part;
} kinds[] = {
    {"EPSG:4549", 1, "EPSG:4549", "northing,easting", "easting,northing",
     "CGCS2000 / 3-degree Gauss-Kruger CM 120E"},
    {"EPSG:4490", 0, "EPSG:4490", "latitude,longitude", "longitude,latitude",
     "China Geodetic Coordinate System 2000"},
    {"EPSG:4326", 0, "EPSG:4326", "latitude,longitude", "longitude,latitude",
     "WGS 84"},
    {"EPSG:4528", 1, "EPSG:4528", "northing,easting", "easting,northing",
     "zone 40"},
    {"EPSG:32651", 1, "EPSG:32651", "easting,northing", "easting,northing",
     "UTM zone 51N"},
    {"epsg:4549", 1, "EPSG:4549", "northing,easting", "easting,northing",
     "CM 120E"},
};

static void test_kinds_and_axis_order(void **state)
{
    pc_ctx *ctx = *state;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        pc_crs *crs = crs_or_fail(ctx, kinds[i].def);
        if (pc_crs_is_projected(crs) != kinds[i].projected ||
            pc_crs_is_geographic(crs) != !kinds[i].projected)
            fail_msg("%s: projected %d geographic %d", kinds[i].def,
                     pc_crs_is_projected(crs), pc_crs_is_geographic(crs));
        assert_non_null(pc_crs_authority(crs));
        assert_string_equal(pc_crs_authority(crs), kinds[i].auth);
        assert_string_equal(pc_crs_axis_order_defined(crs), kinds[i].defined);
        assert_string_equal(pc_crs_axis_order_used(crs), kinds[i].used);
        assert_contains(pc_crs_name(crs), kinds[i].name_part);
        assert_non_null(pc_crs_wkt(crs));
        pc_crs_free(crs);
    }
    pc_crs_free(NULL); /* a no-op */
}

static void test_ellipsoid(void **state)
{
    pc_ctx *ctx = *state;
    static const struct {
        const char *def;
        double a, inv_f;
    } cases[] = {
        {"EPSG:4549", 6378137.0, 298.257222101},   /* CGCS2000 */
        {"EPSG:4326", 6378137.0, 298.257223563},   /* WGS 84 */
        {"EPSG:4230", 6378388.0, 297.0},           /* International 1924 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pc_crs *crs = crs_or_fail(ctx, cases[i].def);
        double a = 0, inv_f = 0;
        const char *name = pc_crs_ellipsoid(crs, &a, &inv_f);
        assert_non_null(name);
        assert_true(name[0] != '\0');
        assert_near(a, cases[i].a, 1e-6);
        assert_near(inv_f, cases[i].inv_f, 1e-9);
        pc_crs_free(crs);
    }
}

/* WKT2 of a CRS reads back as the same CRS; clones are equivalent; CRSs
 * on other datums or projections are not. */
static void test_wkt_clone_equivalence(void **state)
{
    pc_ctx *ctx = *state;
    pc_crs *a = crs_or_fail(ctx, "EPSG:4549");
    pc_crs *b = crs_or_fail(ctx, pc_crs_wkt(a));
    pc_crs *c = NULL;
    assert_int_equal(pc_crs_clone(ctx, a, &c), PC_OK);
    assert_non_null(c);
    assert_string_equal(pc_crs_authority(b), "EPSG:4549");
    assert_string_equal(pc_crs_authority(c), "EPSG:4549");
    assert_string_equal(pc_crs_axis_order_defined(c), "northing,easting");
    assert_true(pc_crs_equivalent(ctx, a, b));
    assert_true(pc_crs_equivalent(ctx, a, c));
    pc_crs *d = crs_or_fail(ctx, "EPSG:4528"); /* zone 40, with prefix */
    pc_crs *e = crs_or_fail(ctx, "EPSG:4490");
    assert_false(pc_crs_equivalent(ctx, a, d));
    assert_false(pc_crs_equivalent(ctx, a, e));
    /* a PROJ string for the same geographic CRS, lon/lat order */
    pc_crs *f = crs_or_fail(ctx, "+proj=longlat +ellps=WGS84 +no_defs +type=crs");
    assert_true(pc_crs_is_geographic(f));
    assert_string_equal(pc_crs_axis_order_used(f), "longitude,latitude");
    pc_crs_free(a);
    pc_crs_free(b);
    pc_crs_free(c);
    pc_crs_free(d);
    pc_crs_free(e);
    pc_crs_free(f);
}

/* The .prj GDAL writes for EPSG:4549: ESRI WKT1, no authority code. */
static const char esri_4549[] =
    "PROJCS[\"CGCS2000_3_Degree_GK_CM_120E\",GEOGCS[\"GCS_China_Geodetic_"
    "Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\","
    "6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\","
    "0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_"
    "Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER["
    "\"Central_Meridian\",120.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER["
    "\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

/* A CRS without an id is identified (Shapefile .prj files), and is the
 * same CRS as the EPSG one whatever its axis order. */
static void test_identify_without_id(void **state)
{
    pc_ctx *ctx = *state;
    pc_crs *esri = crs_or_fail(ctx, esri_4549);
    pc_crs *epsg = crs_or_fail(ctx, "EPSG:4549");
    assert_true(pc_crs_is_projected(esri));
    assert_non_null(pc_crs_authority(esri));
    assert_string_equal(pc_crs_authority(esri), "EPSG:4549");
    assert_string_equal(pc_crs_axis_order_used(esri), "easting,northing");
    assert_string_equal(pc_crs_axis_order_defined(esri), "easting,northing");
    assert_string_equal(pc_crs_axis_order_defined(epsg), "northing,easting");
    pc_crs_free(esri);
    pc_crs_free(epsg);

    /* a made-up CRS has no authority code */
    pc_crs *odd = crs_or_fail(ctx, "+proj=tmerc +lon_0=121.37 +k=0.9999 "
                                   "+x_0=123456 +ellps=GRS80 +units=m "
                                   "+type=crs");
    assert_true(pc_crs_is_projected(odd));
    assert_null(pc_crs_authority(odd));
    assert_non_null(pc_crs_name(odd));
    pc_crs_free(odd);

    /* a WKT1 BoundCRS (TOWGS84) is the CRS it wraps */
    pc_crs *bound = crs_or_fail(ctx, "+proj=longlat +ellps=GRS80 "
                                     "+towgs84=0,0,0 +no_defs +type=crs");
    assert_true(pc_crs_is_geographic(bound));
    assert_string_equal(pc_crs_axis_order_used(bound), "longitude,latitude");
    pc_crs_free(bound);
}

/* crs.h: pc_crs_equivalent is "PROJ equivalence, ignoring axis order".
 * The .prj of EPSG:4549 differs from EPSG:4549 only in its axis order
 * (easting first). */
static void test_equivalent_ignores_axis_order(void **state)
{
    pc_ctx *ctx = *state;
    static const struct {
        const char *a, *b;
    } pairs[] = {
        {"EPSG:4326", "+proj=longlat +datum=WGS84 +no_defs +type=crs"},
        {"EPSG:4326", "OGC:CRS84"},
        {"EPSG:4549", esri_4549},
        /* UTM 51N defined easting first, versus a northing-first copy */
        {"EPSG:32651",
         "PROJCRS[\"WGS 84 / UTM zone 51N (N,E)\",BASEGEOGCRS[\"WGS 84\","
         "DATUM[\"World Geodetic System 1984\",ELLIPSOID[\"WGS 84\",6378137,"
         "298.257223563]],UNIT[\"degree\",0.0174532925199433]],"
         "CONVERSION[\"UTM zone 51N\",METHOD[\"Transverse Mercator\"],"
         "PARAMETER[\"Latitude of natural origin\",0],"
         "PARAMETER[\"Longitude of natural origin\",123],"
         "PARAMETER[\"Scale factor at natural origin\",0.9996],"
         "PARAMETER[\"False easting\",500000],"
         "PARAMETER[\"False northing\",0]],CS[Cartesian,2],"
         "AXIS[\"northing\",north],AXIS[\"easting\",east],"
         "LENGTHUNIT[\"metre\",1]]"},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        pc_crs *a = crs_or_fail(ctx, pairs[i].a);
        pc_crs *b = crs_or_fail(ctx, pairs[i].b);
        int ab = pc_crs_equivalent(ctx, a, b), ba = pc_crs_equivalent(ctx, b, a);
        if (!ab || !ba) {
            print_error("pc_crs_equivalent(%s [%s], %.60s... [%s]) = %d/%d, "
                        "expected 1\n", pairs[i].a,
                        pc_crs_axis_order_defined(a), pairs[i].b,
                        pc_crs_axis_order_defined(b), ab, ba);
            failures++;
        }
        pc_crs_free(a);
        pc_crs_free(b);
    }
    if (failures)
        fail_msg("%d pairs differing only in axis order not equivalent",
                 failures);
}

static void test_unknown_crs(void **state)
{
    pc_ctx *ctx = *state;
    static const char *const defs[] = {
        "EPSG:999999",
        "EPSG:4549x",
        "not a crs",
        "",
        "+proj=merc",   /* a conversion, not a CRS */
        "EPSG:5703",    /* a vertical CRS: neither geographic nor projected */
        "EPSG:4978",    /* geocentric */
    };
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        pc_crs *crs = (pc_crs *)&crs; /* a non-NULL value that must go */
        pc_error(ctx, PC_OK, "%s", "");
        pc_status st = pc_crs_from_string(ctx, defs[i], "plan.yaml:7", &crs);
        if (st != PC_ERR_CRS)
            fail_msg("pc_crs_from_string(\"%s\") = %d, expected PC_ERR_CRS",
                     defs[i], (int)st);
        assert_null(crs);
        assert_contains(pc_ctx_error(ctx), "plan.yaml:7");
    }
    pc_crs *crs = (pc_crs *)&crs;
    assert_int_equal(pc_crs_from_string(ctx, NULL, "x", &crs), PC_ERR_CRS);
    assert_null(crs);
}

/* A one-point layer in `from`. */
static pc_layer *point_layer(pc_ctx *ctx, const char *from, double x, double y)
{
    pc_layer *layer = tu_layer_new(ctx, "pts", from);
    layer->geom_class = PC_GEOM_POINT;
    char *wkt = pc_aprintf("POINT(%.10f %.10f)", x, y);
    tu_layer_add_feature(ctx, layer, 1, wkt);
    tu_layer_add_feature(ctx, layer, 2, NULL);
    free(wkt);
    pc_layer_update_extent(ctx, layer);
    return layer;
}

static void point_xy(pc_ctx *ctx, const GEOSGeometry *g, double *x, double *y)
{
    assert_non_null(g);
    assert_int_equal(GEOSGeomGetX_r(pc_ctx_geos(ctx), g, x), 1);
    assert_int_equal(GEOSGeomGetY_r(pc_ctx_geos(ctx), g, y), 1);
}

/* Reprojection keeps x = easting/longitude on both sides. Expected values
 * from cs2cs (which prints EPSG:4549 as northing, easting). */
static void test_reproject(void **state)
{
    pc_ctx *ctx = *state;
    static const struct {
        const char *from, *to;
        double x, y, ex, ey, tol;
    } cases[] = {
        {"EPSG:4326", "EPSG:4549", 120, 28, 500000, 3098441.747297, 1},
        {"EPSG:4490", "EPSG:4549", 120, 28, 500000, 3098441.747297, 1},
        {"EPSG:4326", "EPSG:4549", 121.5, 28, 647552.295646, 3099348.644565, 1},
        {"EPSG:4549", "EPSG:4490", 500000, 3098441.747297, 120, 28, 1e-7},
        {"EPSG:4549", "EPSG:4528", 500000, 3098441.747297, 40500000,
         3098441.747297, 1e-3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pc_layer *layer = point_layer(ctx, cases[i].from, cases[i].x,
                                      cases[i].y);
        pc_crs *to = crs_or_fail(ctx, cases[i].to);
        size_t dropped = 9;
        pc_status st = pc_crs_reproject_layer(ctx, layer, to, &dropped);
        if (st != PC_OK)
            fail_msg("%s -> %s: %s", cases[i].from, cases[i].to,
                     pc_ctx_error(ctx));
        double x, y;
        point_xy(ctx, layer->features[0].geom, &x, &y);
        if (fabs(x - cases[i].ex) > cases[i].tol ||
            fabs(y - cases[i].ey) > cases[i].tol)
            fail_msg("%s (%.6f, %.6f) -> %s gave (%.6f, %.6f), expected "
                     "(%.6f, %.6f)", cases[i].from, cases[i].x, cases[i].y,
                     cases[i].to, x, y, cases[i].ex, cases[i].ey);
        assert_int_equal(dropped, 0);
        /* the NULL geometry stays NULL */
        assert_null(layer->features[1].geom);
        /* the layer is now in the target CRS, a copy of it */
        assert_non_null(layer->crs);
        assert_true(layer->crs != to);
        assert_string_equal(pc_crs_authority(layer->crs), cases[i].to);
        assert_int_equal(layer->crs_from_plan, 0);
        /* and its extent follows */
        assert_true(layer->has_extent);
        assert_near(layer->extent[0], x, 1e-9);
        assert_near(layer->extent[1], y, 1e-9);
        pc_crs_free(to);
        pc_layer_free(ctx, layer);
    }
}

static void test_reproject_noop_and_errors(void **state)
{
    pc_ctx *ctx = *state;
    /* equivalent CRS: a no-op, the layer keeps its own CRS object */
    pc_layer *layer = point_layer(ctx, "EPSG:4549", 580000.25, 3093000.75);
    layer->crs_from_plan = 1;
    const pc_crs *own = layer->crs;
    const GEOSGeometry *own_geom = layer->features[0].geom;
    pc_crs *to = crs_or_fail(ctx, "EPSG:4549");
    size_t dropped;
    assert_int_equal(pc_crs_reproject_layer(ctx, layer, to, &dropped), PC_OK);
    assert_ptr_equal(layer->crs, own);
    assert_ptr_equal(layer->features[0].geom, own_geom);
    assert_int_equal(layer->crs_from_plan, 1);
    double x, y;
    point_xy(ctx, layer->features[0].geom, &x, &y);
    assert_true(x == 580000.25 && y == 3093000.75);
    pc_crs_free(to);
    pc_layer_free(ctx, layer);

    /* no CRS */
    layer = point_layer(ctx, NULL, 120, 28);
    to = crs_or_fail(ctx, "EPSG:4549");
    assert_int_equal(pc_crs_reproject_layer(ctx, layer, to, &dropped), PC_ERR_CRS);
    assert_true(pc_ctx_error(ctx)[0] != '\0');
    point_xy(ctx, layer->features[0].geom, &x, &y);
    assert_true(x == 120 && y == 28);
    assert_null(layer->crs);
    pc_crs_free(to);
    pc_layer_free(ctx, layer);
}

/* A layer whose CRS differs from the target only in axis order (a .prj
 * without id versus EPSG:4549) is not reprojected: a no-op, and the
 * coordinates stay x = easting. */
static void test_reproject_noop_axis_order_only(void **state)
{
    pc_ctx *ctx = *state;
    pc_layer *layer = point_layer(ctx, esri_4549, 580000.25, 3093000.75);
    layer->crs_from_plan = 1;
    const pc_crs *own = layer->crs;
    pc_crs *to = crs_or_fail(ctx, "EPSG:4549");
    size_t dropped;
    pc_status st = pc_crs_reproject_layer(ctx, layer, to, &dropped);
    double x = 0, y = 0;
    if (st == PC_OK)
        point_xy(ctx, layer->features[0].geom, &x, &y);
    int kept_crs = layer->crs == own, kept_flag = layer->crs_from_plan == 1;
    pc_crs_free(to);
    pc_layer_free(ctx, layer);
    assert_int_equal(st, PC_OK);
    assert_near(x, 580000.25, 1e-6);
    assert_near(y, 3093000.75, 1e-6);
    if (!kept_crs || !kept_flag)
        fail_msg("not a no-op: layer CRS %s, crs_from_plan %s",
                 kept_crs ? "kept" : "replaced",
                 kept_flag ? "kept" : "reset");
}

static void test_extent_lonlat(void **state)
{
    pc_ctx *ctx = *state;
    pc_crs *crs = crs_or_fail(ctx, "EPSG:4549");
    const double e[4] = {500000 - 1000, 3098441.747297 - 1000, 500000 + 1000,
                         3098441.747297 + 1000};
    double ll[4];
    assert_int_equal(pc_crs_extent_lonlat(ctx, crs, e, ll), PC_OK);
    /* lon in x, lat in y, around 120E 28N */
    assert_true(ll[0] < 120 && ll[2] > 120);
    assert_true(ll[1] < 28 && ll[3] > 28);
    assert_near(ll[0], 120 - 0.0102, 0.001);
    assert_near(ll[3], 28 + 0.009, 0.001);
    pc_crs_free(crs);
}

static void test_check_extent(void **state)
{
    pc_ctx *ctx = *state;
    /* 'E': a contradiction (PC_ERR_CRS), 'W': a warning, '-': fine */
    static const struct {
        const char *crs;
        double e[4];
        char verdict;
        const char *mentions; /* in the message, besides the layer name */
        const char *mentions2;
    } cases[] = {
        /* zone-prefixed eastings declared without the prefix */
        {"EPSG:4549", {40500000, 3090000, 40510000, 3100000}, 'E', "EPSG:4528",
         "EPSG:4549"},
        /* lon/lat values in a projected CRS */
        {"EPSG:4549", {120.1, 28.0, 120.3, 28.2}, 'E', "EPSG:4549", "longitude"},
        /* projected values in a geographic CRS */
        {"EPSG:4490", {575000, 3088000, 585000, 3098000}, 'E', "EPSG:4490",
         "projected"},
        /* northing first: swapped axes, projected and geographic */
        {"EPSG:4549", {3088000, 575000, 3098000, 585000}, 'E', "swapped",
         "easting"},
        {"EPSG:4490", {28.0, 120.1, 28.2, 120.3}, 'E', "swapped", "longitude"},
        /* nothing converts */
        {"EPSG:4549", {1e300, 3088000, 1.1e300, 3098000}, 'E', "EPSG:4549",
         "do not convert"},
        /* far outside the area of use (southern hemisphere), swapped or not:
         * only a warning, data may lie anywhere */
        {"EPSG:4549", {500000, -3100000, 510000, -3090000}, 'W', "EPSG:4549",
         "area of use"},
        /* fine */
        {"EPSG:4549", {575000, 3088000, 585000, 3098000}, '-', NULL, NULL},
        {"EPSG:4490", {120.1, 28.0, 120.3, 28.2}, '-', NULL, NULL},
        {"EPSG:4528", {40575000, 3088000, 40585000, 3098000}, '-', NULL, NULL},
        /* a whole province in one zone spills over it: fine */
        {"EPSG:4549", {290000, 3000000, 800000, 3460000}, '-', NULL, NULL},
        /* lon/lat-sized values that, as metres, lie inside the CRS's area
         * (Web Mercator's origin) or a CRS without one (a local grid): they
         * may be a small plot, a warning only */
        {"EPSG:3857", {116.3, 39.9, 116.4, 40.0}, 'W', "EPSG:3857",
         "longitude"},
        {"+proj=tmerc +lat_0=31.23 +lon_0=121.47 +x_0=0 +y_0=0 +ellps=GRS80 "
         "+units=m +type=crs", {-60, -40, 40, 30}, 'W', "projected",
         "longitude"},
        /* Web Mercator past the antimeridian (Fiji): the same place */
        {"EPSG:3857", {20050000, -2000000, 20060000, -1990000}, '-', NULL,
         NULL},
        /* an area of use across the antimeridian (NAD83): inside it */
        {"EPSG:4269", {-100, 40, -99, 41}, '-', NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pc_crs *crs = crs_or_fail(ctx, cases[i].crs);
        size_t before = pc_ctx_warning_count(ctx);
        pc_status st = pc_crs_check_extent(ctx, crs, cases[i].e, "layer 地块");
        size_t warned = pc_ctx_warning_count(ctx) - before;
        char got = st != PC_OK ? 'E' : warned ? 'W' : '-';
        if (got != cases[i].verdict || (st != PC_OK && st != PC_ERR_CRS) ||
            warned > 1)
            fail_msg("case %zu (%s, x %.1f..%.1f): '%c', expected '%c': %s", i,
                     cases[i].crs, cases[i].e[0], cases[i].e[2], got,
                     cases[i].verdict,
                     st != PC_OK ? pc_ctx_error(ctx)
                     : warned    ? pc_ctx_warning(ctx, before)
                                 : "");
        if (got != '-') {
            const char *m = st != PC_OK ? pc_ctx_error(ctx)
                                        : pc_ctx_warning(ctx, before);
            assert_contains(m, "layer 地块");
            assert_contains(m, cases[i].mentions);
            assert_contains(m, cases[i].mentions2);
            if (st != PC_OK)
                assert_contains(m, "assign_crs");
        }
        pc_crs_free(crs);
    }
}

/* A polygon layer in `crs` with one square per origin, the second of each
 * pair of values its y. */
static pc_layer *square_layer(pc_ctx *ctx, const char *crs, const double *xy,
                              size_t n)
{
    pc_layer *layer = tu_layer_new(ctx, "squares", crs);
    layer->geom_class = PC_GEOM_POLYGON;
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        char *wkt = pc_aprintf("POLYGON((%.17g %.17g,%.17g %.17g,%.17g %.17g,"
                               "%.17g %.17g,%.17g %.17g))", x, y, x + 100, y,
                               x + 100, y + 100, x, y + 100, x, y);
        tu_layer_add_feature(ctx, layer, (int64_t)i + 1, wkt);
        free(wkt);
    }
    pc_layer_update_extent(ctx, layer);
    return layer;
}

/* One feature whose coordinates the CRS cannot hold loses its geometry,
 * says where, and the others stay; when every feature fails, the CRS is
 * refused with the likely cause. */
static void test_screen(void **state)
{
    pc_ctx *ctx = *state;
    /* a huge easting, a zone-prefixed easting, a huge northing (its
     * inverse projection is finite nonsense) */
    const double good_bad[] = {580000, 3093000,  1e300,  3093000,
                               581000, 3093000,  40580000, 3093000,
                               582000, 1e300};
    pc_layer *layer = square_layer(ctx, "EPSG:4549", good_bad, 5);
    size_t dropped = 0;
    assert_int_equal(pc_crs_screen_layer(ctx, layer, "layer 地块", &dropped),
                     PC_OK);
    assert_int_equal(dropped, 3);
    for (size_t i = 0; i < 5; i++) {
        pc_feature *f = &layer->features[i];
        int bad = i == 1 || i == 3 || i == 4;
        assert_int_equal(f->outside_crs, bad);
        assert_int_equal(f->geom == NULL, bad);
        if (bad) {
            assert_contains(f->geom_error, "outside EPSG:4549");
            assert_contains(f->geom_error, i == 3 ? "4.058e+07" : "1e+300");
        } else {
            assert_null(f->geom_error);
        }
    }
    /* the extent is the good features' */
    assert_near(layer->extent[0], 580000, 1e-6);
    assert_near(layer->extent[2], 581100, 1e-6);
    pc_layer_free(ctx, layer);

    /* a NaN vertex, which GEOS leaves out of the envelope: the layer's box
     * converts, the feature is dropped all the same */
    const double fine2[] = {580000, 3093000, 581000, 3093000};
    layer = square_layer(ctx, "EPSG:4549", fine2, 2);
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, 4, 2);
    const double ring[4][2] = {{581000, 3093000}, {NAN, 3093000},
                               {581100, 3093100}, {581000, 3093000}};
    for (unsigned k = 0; k < 4; k++)
        GEOSCoordSeq_setXY_r(h, seq, k, ring[k][0], ring[k][1]);
    GEOSGeom_destroy_r(h, layer->features[1].geom);
    layer->features[1].geom = GEOSGeom_createPolygon_r(
        h, GEOSGeom_createLinearRing_r(h, seq), NULL, 0);
    assert_non_null(layer->features[1].geom);
    pc_layer_update_extent(ctx, layer);
    assert_int_equal(pc_crs_screen_layer(ctx, layer, "layer 地块", &dropped),
                     PC_OK);
    assert_int_equal(dropped, 1);
    assert_non_null(layer->features[0].geom);
    assert_null(layer->features[1].geom);
    assert_contains(layer->features[1].geom_error, "NaN");
    pc_layer_free(ctx, layer);

    /* NaN in every feature is a data problem, not a wrong CRS */
    layer = square_layer(ctx, "EPSG:4549", fine2, 1);
    seq = GEOSCoordSeq_create_r(h, 4, 2);
    for (unsigned k = 0; k < 4; k++)
        GEOSCoordSeq_setXY_r(h, seq, k, ring[k][0], ring[k][1]);
    GEOSGeom_destroy_r(h, layer->features[0].geom);
    layer->features[0].geom = GEOSGeom_createPolygon_r(
        h, GEOSGeom_createLinearRing_r(h, seq), NULL, 0);
    pc_layer_update_extent(ctx, layer);
    assert_int_equal(pc_crs_screen_layer(ctx, layer, "x", &dropped), PC_OK);
    assert_int_equal(dropped, 1);
    pc_layer_free(ctx, layer);

    /* Web Mercator past the antimeridian comes back one period away from
     * where it went: the same place, kept */
    const double fiji[] = {20050000, -2000000, 19900000, -2000000};
    layer = square_layer(ctx, "EPSG:3857", fiji, 2);
    assert_int_equal(pc_crs_screen_layer(ctx, layer, "x", &dropped), PC_OK);
    assert_int_equal(dropped, 0);
    pc_layer_free(ctx, layer);

    /* every feature zone-prefixed: the CRS is wrong, not the data */
    const double prefixed[] = {40580000, 3093000, 40581000, 3093000};
    layer = square_layer(ctx, "EPSG:4549", prefixed, 2);
    assert_int_equal(pc_crs_screen_layer(ctx, layer, "layer 地块", &dropped),
                     PC_ERR_CRS);
    assert_contains(pc_ctx_error(ctx), "EPSG:4528");
    assert_non_null(layer->features[0].geom);
    pc_layer_free(ctx, layer);

    /* a layer that converts is left alone */
    const double fine[] = {580000, 3093000};
    layer = square_layer(ctx, "EPSG:4549", fine, 1);
    const GEOSGeometry *g = layer->features[0].geom;
    assert_int_equal(pc_crs_screen_layer(ctx, layer, "x", &dropped), PC_OK);
    assert_int_equal(dropped, 0);
    assert_ptr_equal(layer->features[0].geom, g);
    pc_layer_free(ctx, layer);
}

/* A feature the transformation to the working CRS cannot take is dropped
 * the same way, and the run goes on. */
static void test_reproject_drops_one(void **state)
{
    pc_ctx *ctx = *state;
    pc_layer *layer = tu_layer_new(ctx, "pts", "EPSG:4490");
    layer->geom_class = PC_GEOM_POINT;
    tu_layer_add_feature(ctx, layer, 1, "POINT(120 28)");
    tu_layer_add_feature(ctx, layer, 2, "POINT(120 1e300)");
    pc_layer_update_extent(ctx, layer);
    pc_crs *to = crs_or_fail(ctx, "EPSG:4549");
    size_t dropped = 0;
    assert_int_equal(pc_crs_reproject_layer(ctx, layer, to, &dropped), PC_OK);
    assert_int_equal(dropped, 1);
    assert_non_null(layer->features[0].geom);
    assert_null(layer->features[1].geom);
    assert_int_equal(layer->features[1].outside_crs, 1);
    assert_contains(layer->features[1].geom_error, "EPSG:4490 to EPSG:4549");
    assert_string_equal(pc_crs_authority(layer->crs), "EPSG:4549");
    pc_crs_free(to);
    pc_layer_free(ctx, layer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kinds_and_axis_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ellipsoid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wkt_clone_equivalence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identify_without_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_equivalent_ignores_axis_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_crs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reproject, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reproject_noop_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reproject_noop_axis_order_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extent_lonlat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_extent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reproject_drops_one, setup, teardown),
    };
    return cmocka_run_group_tests_name("crs", tests, NULL, NULL);
}
