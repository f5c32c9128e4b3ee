/* test_sql.c: custom SQL rules (sql.h): placeholder expansion, the
 * in-memory session over hand-built layers (Chinese field names, names that
 * need quoting, NULLs, empty and attribute-only layers), rows turned into
 * findings, SpatiaLite functions checked against sums done by hand, and
 * the refusals: bad queries, no key column, anything but one SELECT. */
#include "testutil.h"

#include <inttypes.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "plancheck/findings.h"
#include "plancheck/sql.h"

#define X0 580000.0
#define Y0 3093000.0

/* Rectangles in local metres (moved to X0, Y0 when built). */
typedef struct rect {
    double x0, y0, x1, y1;
} rect;

static const rect parcel_rects[] = {
    {0, 0, 100, 50},    /* fid 10, A-1: 5000 m² */
    {150, 0, 250, 80},  /* fid 11, A-2: 8000 m² */
    {300, 0, 340, 30},  /* fid 12, key NULL: 1200 m² */
};
static const int64_t parcel_fids[] = {10, 11, 12, 13}; /* 13: no geometry */

static const rect zone_rects[] = {
    {50, 20, 200, 60},   /* 绿地: over */
    {500, 0, 600, 10},   /* 水域: over nothing */
    {330, -10, 400, 5},  /* 道路: over fid 12 */
};
static const char *const zone_names[] = {"绿地", "水域", "道路"};

struct fx {
    pc_ctx *ctx;
    pc_crs *crs;
    pc_layer *parcels, *zones, *empty, *attrs;
    pc_sql_session *s;
    pc_findings out;
    char *before; /* the parcels layer as text, to see it is unchanged */
};

static char *rect_wkt(const rect *r)
{
    char *w = pc_aprintf("POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,"
                         "%.3f %.3f))", X0 + r->x0, Y0 + r->y0, X0 + r->x1,
                         Y0 + r->y0, X0 + r->x1, Y0 + r->y1, X0 + r->x0,
                         Y0 + r->y1, X0 + r->x0, Y0 + r->y0);
    assert_non_null(w);
    return w;
}

static double rect_area(const rect *r)
{
    return (r->x1 - r->x0) * (r->y1 - r->y0);
}

/* Area of the overlap of two rectangles; -1 when they do not meet at all
 * (touching counts as meeting, as for ST_Intersects). */
static double overlap(const rect *a, const rect *b)
{
    double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
    double h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
    if (w < 0 || h < 0)
        return -1;
    return w * h;
}

static void build_layers(struct fx *fx)
{
    pc_ctx *ctx = fx->ctx;
    pc_layer *l = tu_layer_new(ctx, "parcels", "EPSG:4549");
    size_t f_key = tu_layer_add_field(l, "地块编号", PC_FIELD_TEXT);
    size_t f_ratio = tu_layer_add_field(l, "my field", PC_FIELD_REAL);
    size_t f_sel = tu_layer_add_field(l, "select", PC_FIELD_INTEGER);
    static const char *const keys[] = {"A-1", "A-2", NULL, "A-4"};
    for (size_t i = 0; i < 4; i++) {
        char *w = i < 3 ? rect_wkt(&parcel_rects[i]) : NULL;
        pc_feature *f = tu_layer_add_feature(ctx, l, parcel_fids[i], w);
        free(w);
        if (keys[i])
            tu_set_text(f, f_key, keys[i]);
        if (i != 1)
            tu_set_real(f, f_ratio, 0.5 * (double)(i + 1));
        if (i != 1)
            tu_set_int(f, f_sel, (int64_t)i + 7);
    }
    fx->parcels = l;

    l = tu_layer_new(ctx, "zones", "EPSG:4549");
    size_t f_name = tu_layer_add_field(l, "名称", PC_FIELD_TEXT);
    for (size_t i = 0; i < 3; i++) {
        char *w = rect_wkt(&zone_rects[i]);
        pc_feature *f = tu_layer_add_feature(ctx, l, (int64_t)i + 1, w);
        free(w);
        tu_set_text(f, f_name, zone_names[i]);
    }
    fx->zones = l;

    /* no fields and no features */
    fx->empty = tu_layer_new(ctx, "empty", "EPSG:4549");

    /* attributes only; a field called geometry is harmless here */
    l = tu_layer_new(ctx, "attrs", NULL);
    l->geom_class = PC_GEOM_NONE;
    size_t f_g = tu_layer_add_field(l, "geometry", PC_FIELD_TEXT);
    size_t f_n = tu_layer_add_field(l, "n", PC_FIELD_INTEGER);
    pc_feature *f = tu_layer_add_feature(ctx, l, 0, NULL);
    tu_set_text(f, f_g, "it's \"text\"");
    tu_set_int(f, f_n, 5);
    f = tu_layer_add_feature(ctx, l, 1, NULL); /* all NULL */
    fx->attrs = l;
}

/* The whole layer as text: fids, values, geometry WKT. */
static char *layer_text(pc_ctx *ctx, const pc_layer *l)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    char *acc = pc_aprintf("%s %zu %zu", l->name, l->nfields, l->nfeatures);
    for (size_t j = 0; j < l->nfields; j++) {
        char *n = pc_aprintf("%s|%s:%d", acc, l->fields[j].name,
                             (int)l->fields[j].type);
        free(acc);
        acc = n;
    }
    for (size_t i = 0; i < l->nfeatures; i++) {
        const pc_feature *f = &l->features[i];
        char *wkt = f->geom ? GEOSGeomToWKT_r(h, f->geom) : NULL;
        char *n = pc_aprintf("%s\n%" PRId64 " %s", acc, f->fid,
                             wkt ? wkt : "NULL");
        if (wkt)
            GEOSFree_r(h, wkt);
        free(acc);
        acc = n;
        for (size_t j = 0; j < l->nfields; j++) {
            char buf[64];
            const char *t = pc_value_text(l, j, &f->values[j], buf, sizeof buf);
            n = pc_aprintf("%s|%s", acc, t ? t : "NULL");
            free(acc);
            acc = n;
        }
    }
    assert_non_null(acc);
    return acc;
}

static int gdal_quiet;

static int group_setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    free(*state);
    if (gdal_quiet)
        CPLPopErrorHandler();
    GDALDestroyDriverManager();
    OGRCleanupAll();
    return 0;
}

static int setup(void **state)
{
    struct fx *fx = *state;
    fx->ctx = pc_ctx_new();
    if (!fx->ctx)
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    if (!gdal_quiet) {
        /* GDAL prints errors it has no handler for: keep test logs clean */
        GDALAllRegister();
        CPLPushErrorHandler(CPLQuietErrorHandler);
        gdal_quiet = 1;
    }
    if (pc_crs_from_string(fx->ctx, "EPSG:4549", "test", &fx->crs) != PC_OK)
        return -1;
    build_layers(fx);
    fx->before = layer_text(fx->ctx, fx->parcels);
    pc_sql_source src[] = {{"parcels", fx->parcels}, {"zones", fx->zones},
                           {"empty", fx->empty}, {"attrs", fx->attrs}};
    if (pc_sql_session_new(fx->ctx, fx->crs, src, 4, &fx->s) != PC_OK) {
        fprintf(stderr, "session: %s\n", pc_ctx_error(fx->ctx));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    /* whatever a test ran, the source layer is as it was */
    char *after = layer_text(fx->ctx, fx->parcels);
    assert_string_equal(after, fx->before);
    free(after);
    free(fx->before);
    pc_sql_session_free(fx->s);
    pc_findings_clear(fx->ctx, &fx->out);
    pc_layer_free(fx->ctx, fx->parcels);
    pc_layer_free(fx->ctx, fx->zones);
    pc_layer_free(fx->ctx, fx->empty);
    pc_layer_free(fx->ctx, fx->attrs);
    pc_crs_free(fx->crs);
    pc_ctx_free(fx->ctx);
    memset(fx, 0, sizeof *fx);
    return 0;
}

static pc_sql_opts opts(const char *id, const char *query)
{
    pc_sql_opts o;
    memset(&o, 0, sizeof o);
    o.id = id;
    o.severity = PC_SEV_WARNING;
    o.layer = "parcels";
    o.query = query;
    o.method = PC_AREA_PLANAR;
    return o;
}

/* Runs a query expected to work; fails the test with the message if not. */
static void run_ok(struct fx *fx, const pc_sql_opts *o)
{
    pc_status st = pc_sql_rule(fx->ctx, fx->s, o, &fx->out);
    if (st != PC_OK)
        fail_msg("rule %s: %s", o->id, pc_ctx_error(fx->ctx));
}

/* Runs a query expected to fail with PC_ERR_INPUT and a one-line message
 * naming the rule and containing `part`; no finding is added. */
static void run_refused(struct fx *fx, const char *query, const char *part)
{
    size_t n = fx->out.n;
    pc_sql_opts o = opts("bad", query);
    assert_int_equal(pc_sql_rule(fx->ctx, fx->s, &o, &fx->out), PC_ERR_INPUT);
    const char *msg = pc_ctx_error(fx->ctx);
    assert_contains(msg, "sql rule bad: ");
    assert_contains(msg, part);
    assert_null(strchr(msg, '\n'));
    assert_int_equal(fx->out.n, n);
}

static const pc_finding *find_key(const pc_findings *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].key && strcmp(l->items[i].key, key) == 0)
            return &l->items[i];
    fail_msg("no finding with key %s", key);
    return NULL;
}

static char *expand(pc_ctx *ctx, const char *q, const pc_sql_param *p,
                    size_t n, pc_status want)
{
    char *out = (char *)"untouched";
    pc_status st = pc_sql_expand(ctx, q, p, n, &out);
    if (st != want)
        fail_msg("expand %s: status %d, expected %d (%s)", q, st, want,
                 pc_ctx_error(ctx));
    if (st != PC_OK)
        assert_null(out);
    return out;
}

/* ---- placeholders ---------------------------------------------------------- */

static void test_expand_quotes(void **state)
{
    struct fx *fx = *state;
    const pc_sql_param p[] = {
        {"t", "a\"b", 1},
        {"f", "地块编号", 1},
        {"v", "it's", 0},
        {"n", "5", 0},
        {"e", "", 0},
    };
    char *q = expand(fx->ctx, "SELECT {f}, {{x}} FROM {t} WHERE c = {v} AND "
                     "n = {n} AND e = {e} AND s = '}}'", p, 5, PC_OK);
    assert_string_equal(q, "SELECT \"地块编号\", {x} FROM \"a\"\"b\" WHERE "
                        "c = 'it''s' AND n = '5' AND e = '' AND s = '}'");
    free(q);
    /* no placeholders at all; an empty query */
    q = expand(fx->ctx, "SELECT 1", NULL, 0, PC_OK);
    assert_string_equal(q, "SELECT 1");
    free(q);
    q = expand(fx->ctx, "", NULL, 0, PC_OK);
    assert_string_equal(q, "");
    free(q);
    /* a value that is all quotes, and the same placeholder twice */
    const pc_sql_param qq[] = {{"x", "''", 0}, {"y", "\"\"", 1}};
    q = expand(fx->ctx, "{x}{y}{x}", qq, 2, PC_OK);
    assert_string_equal(q, "''''''\"\"\"\"\"\"''''''");
    free(q);
}

static void test_expand_errors(void **state)
{
    struct fx *fx = *state;
    const pc_sql_param p[] = {{"t", "parcels", 1}, {"nv", NULL, 0}};
    expand(fx->ctx, "SELECT * FROM {x}", p, 2, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), "query placeholder {x} is not "
                    "defined");
    expand(fx->ctx, "SELECT * FROM {T}", p, 2, PC_ERR_INPUT); /* names are exact */
    assert_contains(pc_ctx_error(fx->ctx), "{T} is not defined");
    expand(fx->ctx, "SELECT * FROM {t", p, 2, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), "{t is not closed");
    expand(fx->ctx, "SELECT '{a{t}'", p, 2, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), "{a is not closed");
    expand(fx->ctx, "SELECT {}", p, 2, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), "{} has no name");
    expand(fx->ctx, "SELECT 1 }", p, 2, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), "unmatched } at character 10");
    expand(fx->ctx, "SELECT {nv}", p, 2, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), "{nv} has no value");
}

/* An expanded literal is text. Compared with a numeric column SQLite
 * converts it, but compared with an expression (count(*) here) text is
 * never equal to or less than a number: CAST makes it one. */
static void test_expand_runs(void **state)
{
    struct fx *fx = *state;
    const pc_sql_param p[] = {{"t", "parcels", 1}, {"f", "地块编号", 1},
                              {"k", "A-2", 0}, {"n", "2", 0}, {"m", "9", 0}};
    static const struct {
        const char *query;
        size_t rows;
    } cases[] = {
        {"SELECT {f} AS key FROM {t} WHERE {f} = {k}", 1},
        {"SELECT {f} AS key FROM {t} WHERE \"select\" = {m}", 1},
        {"SELECT 'n' AS key WHERE (SELECT count(*) FROM {t}) >= {n}", 0},
        {"SELECT 'n' AS key WHERE (SELECT count(*) FROM {t}) >= "
         "CAST({n} AS INTEGER)", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *q = expand(fx->ctx, cases[i].query, p, 5, PC_OK);
        pc_sql_opts o = opts("lit", q);
        run_ok(fx, &o);
        if (fx->out.n != cases[i].rows)
            fail_msg("%s: %zu rows, expected %zu", q, fx->out.n,
                     cases[i].rows);
        free(q);
        pc_findings_clear(fx->ctx, &fx->out);
    }
}

/* ---- rules ----------------------------------------------------------------- */

static void test_rows_to_findings(void **state)
{
    struct fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    pc_sql_opts o = opts("parcel_area",
        "-- every parcel with a geometry\n"
        "SELECT rowid AS fid, \"地块编号\" AS key, 'parcel ' || \"地块编号\" "
        "AS message, geometry FROM parcels WHERE geometry IS NOT NULL "
        "ORDER BY rowid;");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 3);
    for (size_t i = 0; i < 3; i++) {
        const pc_finding *f = &fx->out.items[i];
        assert_string_equal(f->rule, "sql.parcel_area");
        assert_int_equal(f->severity, PC_SEV_WARNING);
        assert_string_equal(f->layer, "parcels");
        assert_int_equal(f->fid, parcel_fids[i]);
        assert_null(f->key2);
        assert_null(f->layer2);
        assert_non_null(f->geom);
        assert_int_equal(GEOSGeomTypeId_r(h, f->geom), GEOS_POLYGON);
        /* the area of the row's polygon, planar: the rectangle's */
        assert_near(f->measured_m2, rect_area(&parcel_rects[i]), 1e-6);
        assert_string_equal(f->method, "planar");
        double ga;
        assert_int_equal(GEOSArea_r(h, f->geom, &ga), 1);
        assert_near(ga, rect_area(&parcel_rects[i]), 1e-6);
    }
    const pc_finding *a1 = find_key(&fx->out, "A-1");
    assert_string_equal(a1->id, "sql.parcel_area:parcels:A-1");
    assert_string_equal(a1->message, "parcel A-1");
    /* the third row's key is NULL: keyed by its row number, and said so */
    const pc_finding *r3 = find_key(&fx->out, "row:3");
    assert_int_equal(r3->fid, 12);
    assert_string_equal(r3->message, "parcel_area: row 3 (key is NULL)");
    assert_string_equal(r3->id, "sql.parcel_area:parcels:row:3");
}

/* `value` is measured_m2 (no method: the query's number); when it is NULL
 * a polygonal geometry's area stands in; text that is a number counts. */
static void test_value_column(void **state)
{
    struct fx *fx = *state;
    pc_sql_opts o = opts("ratio",
        "SELECT \"地块编号\" AS key, \"my field\" * 100 AS value, "
        "\"select\" AS key2, geometry FROM parcels ORDER BY rowid");
    o.severity = PC_SEV_ERROR;
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 4);
    const pc_finding *f = find_key(&fx->out, "A-1");
    assert_near(f->measured_m2, 50, 1e-9);
    assert_null(f->method);
    assert_string_equal(f->key2, "7");
    assert_int_equal(f->severity, PC_SEV_ERROR);
    assert_int_equal(f->fid, -1); /* no fid column */
    f = find_key(&fx->out, "A-2"); /* value NULL: the polygon's area */
    assert_near(f->measured_m2, 8000, 1e-6);
    assert_string_equal(f->method, "planar");
    assert_null(f->key2);
    f = find_key(&fx->out, "A-4"); /* value 200, no geometry */
    assert_near(f->measured_m2, 200, 1e-9);
    assert_null(f->geom);
    assert_string_equal(f->message, "ratio: row 4");

    pc_findings_clear(fx->ctx, &fx->out);
    o = opts("text",
        "SELECT 'k' || rowid AS key, CASE rowid WHEN 10 THEN ' 12.5 ' "
        "WHEN 11 THEN 'abc' ELSE NULL END AS value, 3.25 AS key2, "
        "'zones' AS layer2 FROM parcels ORDER BY rowid");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 4);
    f = find_key(&fx->out, "k10");
    assert_near(f->measured_m2, 12.5, 1e-12);
    assert_string_equal(f->key2, "3.25");
    assert_string_equal(f->layer2, "zones");
    assert_string_equal(f->id, "sql.text:parcels:k10:zones:3.25");
    f = find_key(&fx->out, "k11");
    assert_true(isnan(f->measured_m2));
    assert_contains(f->message, "(value 'abc' is not a number)");
    f = find_key(&fx->out, "k12");
    assert_true(isnan(f->measured_m2));
}

/* Ellipsoidal area of a row's polygon: near the planar one this close to
 * the central meridian (scale factor about 1.00008). */
static void test_ellipsoidal_area(void **state)
{
    struct fx *fx = *state;
    pc_sql_opts o = opts("ell", "SELECT \"地块编号\" AS key, geometry FROM "
                         "parcels WHERE rowid = 11");
    o.method = PC_AREA_ELLIPSOIDAL;
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 1);
    assert_string_equal(fx->out.items[0].method, "ellipsoidal");
    assert_rel(fx->out.items[0].measured_m2, 8000, 1e-3);
    assert_true(fx->out.items[0].measured_m2 != 8000);
}

/* SpatiaLite between the two tables against the same sums done by hand. */
static void test_spatial_join(void **state)
{
    struct fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    pc_sql_opts o = opts("in_zone",
        "SELECT p.rowid AS fid, p.\"地块编号\" AS key, 'zones' AS layer2, "
        "z.\"名称\" AS key2, "
        "ST_Area(ST_Intersection(p.geometry, z.geometry)) AS value, "
        "'overlaps ' || z.\"名称\" AS message, "
        "ST_Intersection(p.geometry, z.geometry) AS geometry "
        "FROM parcels AS p JOIN zones AS z "
        "ON ST_Intersects(p.geometry, z.geometry) = 1 "
        "ORDER BY p.rowid, z.rowid");
    run_ok(fx, &o);
    size_t pairs = 0;
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 3; k++) {
            double a = overlap(&parcel_rects[i], &zone_rects[k]);
            if (a < 0)
                continue;
            assert_true(pairs < fx->out.n);
            const pc_finding *f = &fx->out.items[pairs++];
            assert_int_equal(f->fid, parcel_fids[i]);
            assert_string_equal(f->key2, zone_names[k]);
            assert_string_equal(f->layer2, "zones");
            assert_near(f->measured_m2, a, 1e-6);
            assert_non_null(f->geom);
            double ga;
            assert_int_equal(GEOSArea_r(h, f->geom, &ga), 1);
            assert_near(ga, a, 1e-6);
        }
    assert_int_equal(pairs, 3);
    assert_int_equal(fx->out.n, pairs);
    assert_string_equal(fx->out.items[0].message, "overlaps 绿地");
    assert_string_equal(fx->out.items[2].key, "row:3"); /* fid 12, key NULL */

    /* the count and total in SQL alone */
    pc_findings_clear(fx->ctx, &fx->out);
    o = opts("count",
        "SELECT 'all' AS key, count(*) AS n, "
        "sum(ST_Area(ST_Intersection(p.geometry, z.geometry))) AS value "
        "FROM parcels p, zones z "
        "WHERE ST_Intersects(p.geometry, z.geometry) = 1");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 1);
    assert_near(fx->out.items[0].measured_m2, 1500 + 2000 + 50, 1e-6);
}

static void test_no_rows(void **state)
{
    struct fx *fx = *state;
    pc_sql_opts o = opts("none", "SELECT \"地块编号\" AS key FROM parcels "
                         "WHERE 0");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 0);
    o = opts("empty", "SELECT rowid AS key, * FROM empty");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 0);
    o = opts("far", "SELECT p.rowid AS key FROM parcels p, zones z WHERE "
             "z.\"名称\" = '水域' AND "
             "ST_Intersects(p.geometry, z.geometry) = 1");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 0);
    /* why "= 1": SpatiaLite's predicates give -1, which SQL takes for
     * true, when a geometry is NULL (the fourth parcel's) */
    o = opts("null", "SELECT p.rowid AS key FROM parcels p, zones z WHERE "
             "z.\"名称\" = '水域' AND ST_Intersects(p.geometry, z.geometry)");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 1);
    assert_string_equal(fx->out.items[0].key, "13");
}

static void test_bad_queries(void **state)
{
    struct fx *fx = *state;
    run_refused(fx, "SELECT FROM WHERE", "syntax error");
    run_refused(fx, "SELECT key FROM no_such_table", "no such table");
    run_refused(fx, "SELECT no_such_function(1) AS key",
                "no such function: no_such_function");
    run_refused(fx, "SELECT 'x' AS key FROM parcels WHERE \"地块编号\" = '",
                "unrecognized token");
    /* GDAL's echo of the query is not part of the message */
    assert_true(strstr(pc_ctx_error(fx->ctx), "ExecuteSQL") == NULL);
    run_refused(fx, "", "the query is empty");
    run_refused(fx, "  -- nothing\n /* at all */ ", "the query is empty");
    /* the session still works after failures */
    pc_sql_opts o = opts("ok", "SELECT 1 AS key");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 1);
}

static void test_missing_key(void **state)
{
    struct fx *fx = *state;
    run_refused(fx, "SELECT rowid AS fid, \"地块编号\" AS code, geometry FROM "
                "parcels", "no column named key (its columns: fid, code, "
                "geometry)");
    run_refused(fx, "SELECT geometry FROM parcels", "its columns: geometry");
    /* any case of KEY will do */
    pc_sql_opts o = opts("upper", "SELECT \"地块编号\" AS KEY, 'two' || "
                         "char(10) || 'lines' AS Message FROM parcels "
                         "WHERE rowid = 10");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 1);
    assert_string_equal(fx->out.items[0].key, "A-1");
    assert_string_equal(fx->out.items[0].message, "two lines");
}

/* A computed geometry GDAL does not take for one (it types a result's
 * columns from the first row, and not through a CASE): a warning says so;
 * a geometry function's result is a geometry on every row. */
static void test_computed_geometry(void **state)
{
    struct fx *fx = *state;
    pc_ctx *ctx = fx->ctx;
    size_t w0 = pc_ctx_warning_count(ctx);
    pc_sql_opts o = opts("late", "SELECT rowid AS key, CASE WHEN rowid = 10 "
                         "THEN NULL ELSE ST_Buffer(geometry, 0) END AS "
                         "geometry FROM parcels ORDER BY rowid");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 4);
    for (size_t i = 0; i < fx->out.n; i++)
        assert_null(fx->out.items[i].geom);
    assert_int_equal(pc_ctx_warning_count(ctx), w0 + 1);
    assert_contains(pc_ctx_warning(ctx, w0), "sql rule late: GDAL did not "
                    "take column 'geometry' for a geometry");

    pc_findings_clear(ctx, &fx->out);
    o = opts("direct", "SELECT rowid AS key, ST_Buffer(geometry, 0) AS "
             "geometry FROM parcels WHERE rowid IN (11, 12) ORDER BY rowid");
    run_ok(fx, &o);
    assert_int_equal(pc_ctx_warning_count(ctx), w0 + 1);
    assert_int_equal(fx->out.n, 2);
    assert_string_equal(find_key(&fx->out, "11")->method, "planar");
    assert_near(find_key(&fx->out, "11")->measured_m2, 8000, 1e-6);
    assert_near(find_key(&fx->out, "12")->measured_m2, 1200, 1e-6);
    assert_non_null(find_key(&fx->out, "12")->geom);

    /* no rows: nothing is lost, nothing to warn about */
    pc_findings_clear(ctx, &fx->out);
    o = opts("none", "SELECT rowid AS key, CASE WHEN rowid = 10 THEN NULL "
             "ELSE geometry END AS geometry FROM parcels WHERE rowid < 0");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 0);
    assert_int_equal(pc_ctx_warning_count(ctx), w0 + 1);
}

static size_t count_rows(struct fx *fx, const char *table_query)
{
    pc_findings l = {0};
    pc_sql_opts o = opts("count", table_query);
    if (pc_sql_rule(fx->ctx, fx->s, &o, &l) != PC_OK)
        fail_msg("%s", pc_ctx_error(fx->ctx));
    assert_int_equal(l.n, 1);
    size_t n = (size_t)atoi(l.items[0].key);
    pc_findings_clear(fx->ctx, &l);
    return n;
}

static void test_only_select(void **state)
{
    struct fx *fx = *state;
    static const char *const refused[][2] = {
        {"DELETE FROM parcels", "not DELETE"},
        {"delete from parcels", "not delete"},
        {"DROP TABLE parcels", "not DROP"},
        {"INSERT INTO parcels (\"地块编号\") VALUES ('X')", "not INSERT"},
        {"UPDATE parcels SET \"地块编号\" = 'X'", "not UPDATE"},
        {"REPLACE INTO parcels (rowid) VALUES (10)", "not REPLACE"},
        {"ATTACH DATABASE 'x.db' AS x", "not ATTACH"},
        {"PRAGMA writable_schema = 1", "not PRAGMA"},
        {"VACUUM INTO 'x.db'", "not VACUUM"},
        {"CREATE TABLE t (a)", "not CREATE"},
        {"  /* note */ -- DELETE\n\tDELETE FROM parcels", "not DELETE"},
        {"WITH x AS (SELECT 1) DELETE FROM parcels WHERE rowid = 10",
         "not WITH ... DELETE"},
        {"WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x "
         "WHERE n < 3) UPDATE parcels SET \"select\" = 0",
         "not WITH ... UPDATE"},
        {"WITH x AS (SELECT 1)", "has no SELECT after it"},
        {"SELECT 1 AS key; DELETE FROM parcels", "only one statement"},
        {"SELECT 1 AS key;; -- done\n DROP TABLE parcels", "only one "
         "statement"},
        {"(SELECT 1 AS key)", "not ("},
        {"EXPLAIN SELECT 1", "not EXPLAIN"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        run_refused(fx, refused[i][0], refused[i][1]);
    assert_int_equal(count_rows(fx, "SELECT count(*) AS key FROM parcels"), 4);
    assert_int_equal(count_rows(fx, "SELECT count(*) AS key FROM parcels "
                                "WHERE \"select\" = 7"), 1);

    /* and what looks like more statements but is one SELECT */
    static const char *const accepted[] = {
        "select ';' AS key",
        "SELECT 1 AS \"key\"; ",
        "SELECT 1 AS key -- ; DELETE FROM parcels",
        "SELECT 1 AS [key] /* ; DELETE */;",
        "  -- a comment\n  with q(key) AS (SELECT 'delete') select * from q",
        "WITH \"delete\" AS (SELECT 1 AS key) SELECT key FROM \"delete\"",
    };
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        pc_sql_opts o = opts("ok", accepted[i]);
        run_ok(fx, &o);
    }
    assert_int_equal(fx->out.n, sizeof accepted / sizeof accepted[0]);
}

/* Tables whose names need quoting, Chinese names, no fields, no geometry,
 * a field named geometry, NULLs everywhere: nothing fails or crashes. */
static void test_odd_layers(void **state)
{
    struct fx *fx = *state;
    pc_ctx *ctx = fx->ctx;
    pc_layer *q = tu_layer_new(ctx, "地块 A-1", "EPSG:4549");
    size_t f_sp = tu_layer_add_field(q, "my field", PC_FIELD_TEXT);
    size_t f_g = tu_layer_add_field(q, "Geometry", PC_FIELD_TEXT);
    tu_layer_add_field(q, "", PC_FIELD_REAL);
    pc_feature *f = tu_layer_add_feature(ctx, q, 7, "POINT(580001 3093001)");
    tu_set_text(f, f_sp, "x");
    tu_set_text(f, f_g, "not a geometry");
    tu_layer_add_feature(ctx, q, 7, NULL);        /* same FID again */
    tu_layer_add_feature(ctx, q, -1, "POLYGON EMPTY"); /* none */
    tu_layer_add_feature(ctx, q, (int64_t)1 << 40, NULL);
    pc_layer *bare = tu_layer_new(ctx, "bare", NULL); /* no fields */
    bare->geom_class = PC_GEOM_NONE;
    tu_layer_add_feature(ctx, bare, 3, NULL);

    pc_sql_source src[] = {{"地块 A-1", q}, {"bare", bare},
                           {"empty", fx->empty}};
    pc_sql_session *s = NULL;
    size_t w0 = pc_ctx_warning_count(ctx);
    if (pc_sql_session_new(ctx, fx->crs, src, 3, &s) != PC_OK)
        fail_msg("%s", pc_ctx_error(ctx));
    /* the field named Geometry and the FIDs that cannot be kept */
    assert_int_equal(pc_ctx_warning_count(ctx), w0 + 2);
    assert_contains(pc_ctx_warning(ctx, w0), "field named 'Geometry'");
    assert_contains(pc_ctx_warning(ctx, w0 + 1), "2 features have no FID");

    pc_sql_opts o = opts("q", "SELECT rowid AS fid, \"my field\" AS key, "
                         "\"Geometry\" AS message, \"\" AS value, GEOMETRY2 "
                         "AS geometry FROM \"地块 A-1\" ORDER BY rowid");
    if (pc_sql_rule(ctx, s, &o, &fx->out) != PC_OK)
        fail_msg("%s", pc_ctx_error(ctx));
    assert_int_equal(fx->out.n, 4);
    const pc_finding *x = find_key(&fx->out, "x");
    assert_int_equal(x->fid, 7);
    assert_string_equal(x->message, "not a geometry");
    assert_non_null(x->geom);
    assert_int_equal(GEOSGeomTypeId_r(pc_ctx_geos(ctx), x->geom), GEOS_POINT);
    assert_true(isnan(x->measured_m2)); /* a point has no area */
    /* GDAL typed the fid column from its first row (7) as 32-bit and
     * clamped 2^40: that is not taken for a FID, and GDAL's warning is
     * passed on */
    const pc_finding *big = &fx->out.items[3];
    assert_int_equal(big->fid, -1);
    assert_string_equal(big->key, "row:4");
    assert_int_equal(pc_ctx_warning_count(ctx), w0 + 3);
    assert_contains(pc_ctx_warning(ctx, w0 + 2), "sql rule q: GDAL: ");
    assert_contains(pc_ctx_warning(ctx, w0 + 2), "overflow");

    pc_findings_clear(ctx, &fx->out);
    o = opts("bare", "SELECT rowid AS key, * FROM bare");
    if (pc_sql_rule(ctx, s, &o, &fx->out) != PC_OK)
        fail_msg("%s", pc_ctx_error(ctx));
    assert_int_equal(fx->out.n, 1);
    assert_string_equal(fx->out.items[0].key, "3");
    assert_null(fx->out.items[0].geom);
    pc_sql_session_free(s);

    /* in the fixture's session: the attribute-only layer with a field named
     * geometry, all NULL in its second row */
    pc_findings_clear(ctx, &fx->out);
    o = opts("attrs", "SELECT rowid AS fid, geometry AS key, n AS value, "
             "n AS message FROM attrs ORDER BY rowid");
    run_ok(fx, &o);
    assert_int_equal(fx->out.n, 2);
    assert_string_equal(fx->out.items[0].key, "it's \"text\"");
    assert_string_equal(fx->out.items[0].message, "5");
    assert_near(fx->out.items[0].measured_m2, 5, 0);
    assert_string_equal(fx->out.items[1].key, "row:2");
    assert_true(isnan(fx->out.items[1].measured_m2));
    pc_layer_free(ctx, q);
    pc_layer_free(ctx, bare);

    /* a double quote in a layer id: refused up front, naming it */
    pc_sql_source quoted[] = {{"a\"b", fx->empty}};
    pc_sql_session *s2 = NULL;
    assert_int_equal(pc_sql_session_new(ctx, fx->crs, quoted, 1, &s2),
                     PC_ERR_INPUT);
    assert_null(s2);
    assert_contains(pc_ctx_error(ctx), "a\"b");
}

static void test_session_refusals(void **state)
{
    struct fx *fx = *state;
    pc_sql_session *s = (pc_sql_session *)1;
    pc_sql_source same[] = {{"Parcels", fx->parcels}, {"parcels", fx->zones}};
    assert_int_equal(pc_sql_session_new(fx->ctx, fx->crs, same, 2, &s),
                     PC_ERR_INPUT);
    assert_null(s);
    assert_contains(pc_ctx_error(fx->ctx), "'Parcels' and 'parcels'");
    pc_sql_source noid[] = {{"", fx->parcels}};
    assert_int_equal(pc_sql_session_new(fx->ctx, fx->crs, noid, 1, &s),
                     PC_ERR_INPUT);
    /* no layers at all is a session too */
    assert_int_equal(pc_sql_session_new(fx->ctx, fx->crs, NULL, 0, &s), PC_OK);
    pc_sql_opts o = opts("v", "SELECT spatialite_version() AS key");
    assert_int_equal(pc_sql_rule(fx->ctx, s, &o, &fx->out), PC_OK);
    assert_int_equal(fx->out.n, 1);
    pc_sql_session_free(s);
    pc_sql_session_free(NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_expand_quotes),
        T(test_expand_errors),
        T(test_expand_runs),
        T(test_rows_to_findings),
        T(test_value_column),
        T(test_ellipsoidal_area),
        T(test_spatial_join),
        T(test_no_rows),
        T(test_bad_queries),
        T(test_missing_key),
        T(test_computed_geometry),
        T(test_only_select),
        T(test_odd_layers),
        T(test_session_refusals),
    };
#undef T
    return cmocka_run_group_tests_name("sql", tests, group_setup,
                                       group_teardown);
}
