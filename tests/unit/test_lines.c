/* test_lines.c: the line rules of the rules session (check.h, "line
 * rules": corridors, land take, length, intrusion, corridor overlap,
 * connectivity, crossings) on hand-built layers in EPSG:4549.
 *
 * Cases are written in local metres and moved to x 580000, y 3093000, as in
 * test_rules.c; the area method is planar. Corridor areas are checked
 * against an offset polygon computed here by hand (offset lines intersected
 * at each vertex, shoelace area), not by GEOS. The corridor area reaches
 * the tests through the land-take finding: a declared land take of 0 m2
 * with zero tolerance always gives one, with the corridor as geometry.
 *
 * Expectation failures are collected and reported after the test has freed
 * everything (nothing leaks under the sanitizers when a test fails).
 * `test_lines 'test_conn*'` runs matching tests only; PC_TEST_DUMP=1
 * prints the determinism city's finding counts, PC_TEST_DUMP=<rule id>
 * its findings of that rule. */
#include "testutil.h"

#include "plancheck/check.h"
#include "plancheck/findings.h"

#define X0 TU_X0
#define Y0 TU_Y0

/* ---- hand-built layers --------------------------------------------------- */

/* A line (or any feature) of a line layer: every attribute is text, NULL
 * when not given. wkt NULL: a NULL geometry. */
struct lf {
    const char *key, *wkt;
    const char *cls, *width, *take, *unit, *approx, *length, *from, *to,
        *crossed;
};

enum { F_CODE, F_CLASS, F_WIDTH, F_TAKE, F_UNIT, F_APPROX, F_LENGTH, F_FROM,
       F_TO, F_CROSSED, F_COUNT };

static const char *const field_names[F_COUNT] = {
    "code", "class", "red_line_m", "land_take", "land_take_unit", "approx",
    "length_m", "from", "to", "crossed"};

static pc_layer *line_layer(pc_ctx *ctx, const char *name, const struct lf *fs,
                            size_t n)
{
    pc_layer *l = tu_layer_new(ctx, name, "EPSG:4549");
    free(l->geom_type);
    l->geom_type = pc_strdup("Multi Line String");
    assert_non_null(l->geom_type);
    l->geom_class = PC_GEOM_LINE;
    for (int k = 0; k < F_COUNT; k++)
        assert_int_equal(tu_layer_add_field(l, field_names[k], PC_FIELD_TEXT),
                         k);
    for (size_t i = 0; i < n && fs[i].key; i++) {
        pc_feature *f =
            tu_layer_add_feature(ctx, l, (int64_t)l->nfeatures + 1, NULL);
        if (fs[i].wkt)
            f->geom = local_geom(ctx, fs[i].wkt);
        const char *v[F_COUNT] = {fs[i].key,  fs[i].cls,    fs[i].width,
                                  fs[i].take, fs[i].unit,   fs[i].approx,
                                  fs[i].length, fs[i].from, fs[i].to,
                                  fs[i].crossed};
        for (int k = 0; k < F_COUNT; k++)
            if (v[k])
                tu_set_text(f, (size_t)k, v[k]);
    }
    pc_layer_update_extent(ctx, l);
    return l;
}

/* A polygon (or point) layer keyed by "code": {key, wkt} pairs. */
struct pf {
    const char *key, *wkt;
};

static pc_layer *poly_layer(pc_ctx *ctx, const char *name, const struct pf *fs,
                            size_t n)
{
    pc_layer *l = tu_layer_new(ctx, name, "EPSG:4549");
    assert_int_equal(tu_layer_add_field(l, "code", PC_FIELD_TEXT), 0);
    for (size_t i = 0; i < n && fs[i].key; i++) {
        pc_feature *f =
            tu_layer_add_feature(ctx, l, (int64_t)l->nfeatures + 1, NULL);
        f->geom = local_geom(ctx, fs[i].wkt);
        tu_set_text(f, 0, fs[i].key);
    }
    pc_layer_update_extent(ctx, l);
    return l;
}

/* ---- sessions and findings ----------------------------------------------- */

static pc_rules *session_m(struct tu_fx *fx, int threads, pc_area_method m)
{
    pc_rules *r = NULL;
    if (pc_rules_new(fx->ctx, fx->crs, m, threads, NULL, NULL, &r) != PC_OK)
        fail_msg("pc_rules_new: %s", pc_ctx_error(fx->ctx));
    return r;
}

static pc_rules *session(struct tu_fx *fx, int threads)
{
    return session_m(fx, threads, PC_AREA_PLANAR);
}

static pc_corridor_opts corridor_opts(void)
{
    pc_corridor_opts o;
    memset(&o, 0, sizeof o);
    o.severity = PC_SEV_ERROR;
    o.width_field = "red_line_m";
    return o;
}

/* Builds the corridors of `lines` (ids "roads") in a fresh session with the
 * options o, appending the findings (finished) to out. */
static void run_corridor(struct tu_fx *fx, const struct lf *fs, size_t n,
                         const pc_corridor_opts *o, int threads,
                         pc_area_method m, pc_findings *out)
{
    pc_layer *l = line_layer(fx->ctx, "roads", fs, n);
    pc_rules *r = session_m(fx, threads, m);
    int li = tu_add_layer(fx, r, l, "roads", "code");
    RULE_OK(fx, pc_rules_corridor(fx->ctx, r, li, o, out));
    RULE_OK(fx, pc_findings_finish(fx->ctx, out));
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, l);
}

/* ---- the corridor polygon, computed by hand ------------------------------ */

/* Area of the corridor of an open polyline (n points, xy) of half width hw
 * with flat ends and mitred joins, by the shoelace formula over its
 * outline: the left offset points forward, the right ones backward. At an
 * inner vertex the offset lines of the two segments meet at
 * P + hw (n1 + n2) / (1 + d1.d2) (d unit directions, n left normals). Valid
 * while the mitres stay under the limit and the inner side does not fold
 * over (long segments). */
static double hand_corridor_area(const double *xy, int n, double hw)
{
    double out[2 * 2 * 16];
    double d[2 * 16];
    assert_true(n >= 2 && n <= 16);
    for (int k = 0; k + 1 < n; k++) {
        double dx = xy[2 * k + 2] - xy[2 * k];
        double dy = xy[2 * k + 3] - xy[2 * k + 1];
        double len = sqrt(dx * dx + dy * dy);
        d[2 * k] = dx / len;
        d[2 * k + 1] = dy / len;
    }
    int m = 0;
    for (int side = 1; side >= -1; side -= 2) {
        for (int q = 0; q < n; q++) {
            int k = side == 1 ? q : n - 1 - q; /* right side backwards */
            double ox, oy;
            if (k == 0 || k == n - 1) {
                int s = k == 0 ? 0 : n - 2;
                ox = -d[2 * s + 1];
                oy = d[2 * s];
            } else {
                double n1x = -d[2 * k - 1], n1y = d[2 * k - 2];
                double n2x = -d[2 * k + 1], n2y = d[2 * k];
                double c = 1 + d[2 * k - 2] * d[2 * k] +
                           d[2 * k - 1] * d[2 * k + 1];
                ox = (n1x + n2x) / c;
                oy = (n1y + n2y) / c;
            }
            out[2 * m] = xy[2 * k] + side * hw * ox;
            out[2 * m + 1] = xy[2 * k + 1] + side * hw * oy;
            m++;
        }
    }
    double a = 0;
    for (int k = 0; k < m; k++) {
        int j = (k + 1) % m;
        a += out[2 * k] * out[2 * j + 1] - out[2 * j] * out[2 * k + 1];
    }
    return fabs(a) / 2;
}

static double polyline_length(const double *xy, int n)
{
    double len = 0;
    for (int k = 0; k + 1 < n; k++)
        len += hypot(xy[2 * k + 2] - xy[2 * k], xy[2 * k + 3] - xy[2 * k + 1]);
    return len;
}

static void polyline_wkt(const double *xy, int n, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "LINESTRING(");
    for (int k = 0; k < n && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%.17g %.17g",
                                k ? "," : "", xy[2 * k], xy[2 * k + 1]);
    if (len < size)
        snprintf(buf + len, size - len, ")");
}

/* ---- corridor area ------------------------------------------------------- */

struct area_case {
    const char *name;
    int n;
    double xy[12];
    const char *width;
    double width_m;
};

static const struct area_case area_cases[] = {
    {"straight, east", 2, {0, 0, 100, 0}, "20", 20},
    {"straight, 3-4-5 diagonal", 2, {0, 0, 30, 40}, "10", 10},
    {"straight, width as text with a unit", 2, {0, 0, 0, 250}, "36米", 36},
    {"L-shape, mitred right-angle corner", 3, {0, 0, 100, 0, 100, 100}, "20",
     20},
    {"60 degree turn", 3, {0, 0, 100, 0, 150, 86.602540378443864676}, "20", 20},
    {"zig-zag, 45 degree turns both ways", 4,
     {0, 0, 100, 0, 150, 50, 250, 50}, "12", 12},
};

static void test_corridor_area(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    for (size_t c = 0; c < sizeof area_cases / sizeof area_cases[0]; c++) {
        const struct area_case *ac = &area_cases[c];
        char wkt[512];
        polyline_wkt(ac->xy, ac->n, wkt, sizeof wkt);
        struct lf fs[] = {{.key = "R", .wkt = wkt, .width = ac->width,
                           .take = "0", .unit = "m2"}};
        pc_corridor_opts o = corridor_opts();
        o.land_take.value_field = "land_take";
        o.land_take.unit_field = "land_take_unit";
        pc_findings f = {0};
        run_corridor(fx, fs, 1, &o, 2, PC_AREA_PLANAR, &f);
        const pc_finding *x = tu_find(&f, "line.land_take", "R", NULL, NULL);
        double hand = hand_corridor_area(ac->xy, ac->n, ac->width_m / 2);
        double lw = polyline_length(ac->xy, ac->n) * ac->width_m;
        /* mitred joins: outer gain and inner loss cancel, so even a bent
         * line takes exactly length x width */
        EXPECT(fabs(hand - lw) <= 1e-9 * lw, "%s: hand area %.12g, length x "
               "width %.12g", ac->name, hand, lw);
        if (!x) {
            expect_failed(__LINE__, "%s: no land take finding", ac->name);
        } else {
            EXPECT(fabs(x->measured_m2 - hand) <= 1e-9 * hand,
                   "%s: corridor area %.12g, by hand %.12g", ac->name,
                   x->measured_m2, hand);
            EXPECT(x->geom && GEOSGeomTypeId_r(h, x->geom) == GEOS_POLYGON,
                   "%s: the corridor is not the finding's polygon", ac->name);
            EXPECT(streq(x->method, "planar") && x->declared_m2 == 0,
                   "%s: method %s, declared %g", ac->name, x->method,
                   x->declared_m2);
        }
        EXPECT(f.n == 1, "%s: %zu findings", ac->name, f.n);
        pc_findings_clear(fx->ctx, &f);
    }
    /* straight line: the corridor is the rectangle itself, flat ends */
    struct lf fs[] = {{.key = "R", .wkt = "LINESTRING(0 0,100 0)",
                       .width = "20", .take = "0", .unit = "m2"}};
    pc_corridor_opts o = corridor_opts();
    o.land_take.value_field = "land_take";
    o.land_take.unit_field = "land_take_unit";
    pc_findings f = {0};
    run_corridor(fx, fs, 1, &o, 1, PC_AREA_PLANAR, &f);
    GEOSGeometry *rect =
        local_geom(fx->ctx, "POLYGON((0 -10,100 -10,100 10,0 10,0 -10))");
    EXPECT(f.n == 1 && f.items[0].geom &&
               GEOSEquals_r(h, f.items[0].geom, rect) == 1,
           "straight corridor is not the 100 x 20 rectangle");
    GEOSGeom_destroy_r(h, rect);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* Under the ellipsoidal method the land take is the corridor's geodesic
 * area: a little smaller than the planar one near this zone's central
 * meridian (Gauss-Krüger scale factor > 1 off it), never equal. */
static void test_corridor_area_ellipsoidal(void **state)
{
    struct tu_fx *fx = *state;
    struct lf fs[] = {{.key = "R", .wkt = "LINESTRING(0 0,1000 0)",
                       .width = "40", .take = "0", .unit = "m2"}};
    pc_corridor_opts o = corridor_opts();
    o.land_take.value_field = "land_take";
    o.land_take.unit_field = "land_take_unit";
    pc_findings f = {0};
    run_corridor(fx, fs, 1, &o, 2, PC_AREA_ELLIPSOIDAL, &f);
    const pc_finding *x = tu_find(&f, "line.land_take", "R", NULL, NULL);
    EXPECT(x && streq(x->method, "ellipsoidal") &&
               fabs(x->measured_m2 - 40000) < 40 && x->measured_m2 != 40000,
           "ellipsoidal land take %.6f", x ? x->measured_m2 : NAN);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* ---- land take -------------------------------------------------------------
 * A 100 m x 20 m corridor: 2000 m2 = 3 亩 exactly. Tolerance 1 m2, 0.1 %,
 * 2 % for 约: a figure D is within when |2000 - D| <= max(1, rel x D). */

struct take_case {
    const char *name;
    const char *take, *unit, *approx;
    const char *rule;   /* NULL: no finding */
    double declared_m2; /* NAN: any */
};

static const struct take_case take_cases[] = {
    {"exactly 3 亩", "3", "亩", NULL, NULL, NAN},
    {"0.2 公顷", "0.2", "公顷", NULL, NULL, NAN},
    {"2000 m²", "2000", "m²", NULL, NULL, NAN},
    /* 3.0028 亩 = 2001.867 m2: 1.867 <= 2.002 */
    {"3.0028 亩, just within 0.1 %", "3.0028", "亩", NULL, NULL, NAN},
    /* 3.0032 亩 = 2002.133 m2: 2.133 > 2.002 */
    {"3.0032 亩, just outside 0.1 %", "3.0032", "亩", NULL, "line.land_take",
     3.0032 * 2000.0 / 3.0},
    {"2.997 亩 = 1998 m2: 2 > 1.998, outside", "2.997", "亩", NULL,
     "line.land_take", 1998},
    /* 约3.05 亩 = 2033.33 m2: 33.3 <= 40.7 */
    {"约3.05 亩 within 2 %", "约3.05", "亩", NULL, NULL, NAN},
    {"3.05 亩 without 约 is outside", "3.05", "亩", NULL, "line.land_take",
     3.05 * 2000.0 / 3.0},
    {"3.05 亩 flagged approximate", "3.05", "亩", "1", NULL, NAN},
    /* 约3.07 亩 = 2046.67 m2: 46.7 > 40.9 */
    {"约3.07 亩 outside 2 %", "约3.07", "亩", NULL, "line.land_take",
     3.07 * 2000.0 / 3.0},
    {"unknown unit", "3", "acre", NULL, "line.land_take.unit", NAN},
    {"not a number", "three", "亩", NULL, "line.land_take.value", NAN},
    {"negative", "-3", "亩", NULL, "line.land_take.value", NAN},
    {"no figure", NULL, "亩", NULL, NULL, NAN},
};

static void test_land_take(void **state)
{
    struct tu_fx *fx = *state;
    for (size_t c = 0; c < sizeof take_cases / sizeof take_cases[0]; c++) {
        const struct take_case *tc = &take_cases[c];
        struct lf fs[] = {{.key = "R", .wkt = "LINESTRING(0 0,100 0)",
                           .width = "20", .take = tc->take, .unit = tc->unit,
                           .approx = tc->approx}};
        pc_corridor_opts o = corridor_opts();
        o.land_take.value_field = "land_take";
        o.land_take.unit_field = "land_take_unit";
        o.land_take.approx_field = "approx";
        o.land_take_tol = (pc_tolerance){1, 0.1, 2};
        pc_findings f = {0};
        run_corridor(fx, fs, 1, &o, 2, PC_AREA_PLANAR, &f);
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        EXPECT(f.n == (tc->rule ? 1u : 0u), "%s: %zu findings: %s", tc->name,
               f.n, buf);
        if (tc->rule) {
            const pc_finding *x = tu_find(&f, tc->rule, "R", NULL, "land_take");
            EXPECT(x, "%s: no %s finding: %s", tc->name, tc->rule, buf);
            if (x && !isnan(tc->declared_m2)) {
                int approx = tc->approx || tu_contains(tc->take, "约");
                double tol =
                    fmax(1, (approx ? 0.02 : 0.001) * tc->declared_m2);
                EXPECT(fabs(x->measured_m2 - 2000) < 1e-9 &&
                           fabs(x->declared_m2 - tc->declared_m2) < 1e-9 &&
                           fabs(x->diff_m2 - (2000 - tc->declared_m2)) < 1e-9 &&
                           fabs(x->tolerance_m2 - tol) < 1e-9,
                       "%s: measured %.9g declared %.9g diff %.9g tol %.9g",
                       tc->name, x->measured_m2, x->declared_m2, x->diff_m2,
                       x->tolerance_m2);
                EXPECT(tu_contains(x->message, "roads R") &&
                           tu_contains(x->message, "亩"),
                       "%s: message %s", tc->name, x->message);
            }
        }
        pc_findings_clear(fx->ctx, &f);
    }
    /* a constant unit for every feature */
    struct lf fs[] = {{.key = "R", .wkt = "LINESTRING(0 0,100 0)",
                       .width = "20", .take = "0.2"}};
    pc_corridor_opts o = corridor_opts();
    o.land_take.value_field = "land_take";
    o.land_take.unit = "ha";
    o.land_take_tol = (pc_tolerance){1, 0.1, 2};
    pc_findings f = {0};
    run_corridor(fx, fs, 1, &o, 1, PC_AREA_PLANAR, &f);
    EXPECT(f.n == 0, "constant unit ha: %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* ---- widths and geometries ----------------------------------------------- */

static const pc_line_class_width classes[] = {{"main", 40}, {"branch", 24},
                                              {"path", 0}};

static void test_widths(void **state)
{
    struct tu_fx *fx = *state;
    struct lf fs[] = {
        {.key = "field", .wkt = "LINESTRING(0 0,100 0)", .width = "30",
         .cls = "main", .take = "0"},                 /* field before class */
        {.key = "class", .wkt = "LINESTRING(0 100,100 100)", .cls = "branch",
         .take = "0"},
        {.key = "nowidth", .wkt = "LINESTRING(0 200,100 200)", .cls = "lane",
         .take = "0"},
        {.key = "zero_class", .wkt = "LINESTRING(0 300,100 300)",
         .cls = "path", .take = "0"},                 /* 0 in the table */
        {.key = "bad", .wkt = "LINESTRING(0 400,100 400)", .width = "wide",
         .cls = "main", .take = "0"},                 /* no fallback */
        {.key = "negative", .wkt = "LINESTRING(0 500,100 500)", .width = "-5",
         .take = "0"},
        {.key = "nullgeom", .wkt = NULL, .width = "20", .take = "0"},
        {.key = "polygon", .wkt = "POLYGON((0 600,10 600,10 610,0 600))",
         .width = "20", .take = "0"},
        {.key = "point", .wkt = "POINT(0 700)", .width = "20", .take = "0"},
        {.key = "zerolen", .wkt = "LINESTRING(0 800,0 800)", .width = "20",
         .take = "0"},
        {.key = "multi",
         .wkt = "MULTILINESTRING((0 900,100 900),(0 1000,50 1000))",
         .width = "10", .take = "0"},
    };
    size_t n = sizeof fs / sizeof fs[0];
    for (int with_default = 0; with_default <= 1; with_default++) {
        pc_corridor_opts o = corridor_opts();
        o.class_field = "class";
        o.classes = classes;
        o.nclasses = sizeof classes / sizeof classes[0];
        o.default_width_m = with_default ? 16 : 0;
        o.land_take.value_field = "land_take";
        o.land_take.unit = "m2";
        pc_findings f = {0};
        run_corridor(fx, fs, n, &o, 2, PC_AREA_PLANAR, &f);
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        static const struct {
            const char *key;
            double area, area_default; /* NAN: no corridor */
        } want[] = {
            {"field", 3000, 3000},  {"class", 2400, 2400},
            {"nowidth", NAN, 1600}, {"zero_class", NAN, 1600},
            {"bad", NAN, NAN},      {"negative", NAN, NAN},
            {"multi", 1500, 1500},
        };
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
            double a = with_default ? want[k].area_default : want[k].area;
            const pc_finding *t = tu_find(&f, "line.land_take", want[k].key, NULL,
                                       NULL);
            const pc_finding *w = tu_find(&f, "corridor.no_width", want[k].key,
                                       NULL, NULL);
            if (isnan(a))
                EXPECT(!t && w && w->geom, "default %d: %s should have no "
                       "corridor and a no_width finding: %s", with_default,
                       want[k].key, buf);
            else
                EXPECT(t && !w && fabs(t->measured_m2 - a) < 1e-6,
                       "default %d: %s: corridor area %.9g, expected %.9g: %s",
                       with_default, want[k].key, t ? t->measured_m2 : NAN, a,
                       buf);
        }
        static const char *const geom_keys[] = {"nullgeom", "polygon", "point",
                                                "zerolen"};
        for (size_t k = 0; k < 4; k++)
            EXPECT(tu_find(&f, "corridor.geometry", geom_keys[k], NULL, NULL) &&
                       !tu_find(&f, "line.land_take", geom_keys[k], NULL, NULL),
                   "default %d: %s: no corridor.geometry finding: %s",
                   with_default, geom_keys[k], buf);
        const pc_finding *b = tu_find(&f, "corridor.no_width", "bad", NULL, NULL);
        EXPECT(b && tu_contains(b->message, "'wide'") &&
                   streq(b->field, "red_line_m"),
               "bad width message: %s", b ? b->message : "(none)");
        EXPECT(f.n == 11,
               "default %d: %zu findings: %s", with_default, f.n, buf);
        pc_findings_clear(fx->ctx, &f);
    }
    /* the where filter: lines it leaves out get nothing, not even a finding */
    const char *const mains[] = {"main"};
    pc_corridor_opts o = corridor_opts();
    o.where = (pc_where){"class", mains, 1};
    pc_findings f = {0};
    run_corridor(fx, fs, n, &o, 1, PC_AREA_PLANAR, &f);
    EXPECT(f.n == 1 && tu_find(&f, "corridor.no_width", "bad", NULL, NULL),
           "where class = main: %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* ---- length -----------------------------------------------------------------
 * Tolerance 0.5 m, 0.1 %, 5 % for 约. */

struct length_case {
    const char *name, *wkt, *length, *approx, *rule;
    double measured;
};

#define L200 "LINESTRING(0 0,120 0,120 80)"
#define L1000 "LINESTRING(0 0,600 0,600 400)"

static const struct length_case length_cases[] = {
    {"200 m as stated", L200, "200", NULL, NULL, 200},
    {"0.4 m short of 200.4: within 0.5 m", L200, "200.4", NULL, NULL, 200},
    {"0.6 m short of 200.6: outside", L200, "200.6", NULL, "line.length", 200},
    {"0.5 m exactly at the tolerance", L200, "199.5", NULL, NULL, 200},
    {"1000 m vs 1000.9: within 0.1 %", L1000, "1000.9", NULL, NULL, 1000},
    {"1000 m vs 1001.1: outside 0.1 %", L1000, "1001.1", NULL, "line.length",
     1000},
    {"with a unit", L1000, "1,000 m", NULL, NULL, 1000},
    {"约1040: within 5 %", L1000, "约1040", NULL, NULL, 1000},
    {"约1060: outside 5 %", L1000, "约1060", NULL, "line.length", 1000},
    {"1040 flagged approximate", L1000, "1040", "yes", NULL, 1000},
    {"1040 not approximate", L1000, "1040", NULL, "line.length", 1000},
    {"not a number", L1000, "long", NULL, "line.length.value", NAN},
    {"no figure", L1000, NULL, NULL, NULL, NAN},
};

static void test_length(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    for (size_t c = 0; c < sizeof length_cases / sizeof length_cases[0]; c++) {
        const struct length_case *lc = &length_cases[c];
        struct lf fs[] = {{.key = "R", .wkt = lc->wkt, .width = "20",
                           .length = lc->length, .approx = lc->approx}};
        pc_corridor_opts o = corridor_opts();
        o.length_field = "length_m";
        o.length_approx_field = "approx";
        o.length_tol = (pc_length_tolerance){0.5, 0.1, 5};
        pc_findings f = {0};
        run_corridor(fx, fs, 1, &o, 2, PC_AREA_PLANAR, &f);
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        EXPECT(f.n == (lc->rule ? 1u : 0u), "%s: %zu findings: %s", lc->name,
               f.n, buf);
        const pc_finding *x =
            lc->rule ? tu_find(&f, lc->rule, "R", NULL, "length_m") : NULL;
        EXPECT(!lc->rule || x, "%s: no %s finding: %s", lc->name, lc->rule,
               buf);
        if (x && !isnan(lc->measured))
            EXPECT(fabs(x->measured_m2 - lc->measured) < 1e-9 &&
                       streq(x->unit, "m") && tu_contains(x->message, " m") &&
                       x->geom &&
                       GEOSGeomTypeId_r(h, x->geom) == GEOS_LINESTRING,
                   "%s: measured %.9g, unit %s, message %s", lc->name,
                   x->measured_m2, x->unit, x->message);
        pc_findings_clear(fx->ctx, &f);
    }
    report();
}

/* ---- intrusion --------------------------------------------------------------
 * Road R along y = 0, 20 m red line: the corridor is y in [-10, 10]. */

struct intr_case {
    const char *name, *parcel;
    double tolerance, area; /* area NAN: no finding */
};

static const struct intr_case intr_cases[] = {
    {"touching the red line", "POLYGON((20 10,120 10,120 60,20 60,20 10))", 0.5,
     NAN},
    {"touching, tolerance 0", "POLYGON((20 10,120 10,120 60,20 60,20 10))", 0,
     NAN},
    {"touching from below, tolerance 0",
     "POLYGON((20 -60,120 -60,120 -10,20 -10,20 -60))", 0, NAN},
    {"touching the flat end, tolerance 0",
     "POLYGON((200 -30,260 -30,260 30,200 30,200 -30))", 0, NAN},
    {"0.4 m2 in, below 0.5",
     "POLYGON((20 9.996,120 9.996,120 60,20 60,20 9.996))", 0.5, NAN},
    {"0.6 m2 in, above 0.5",
     "POLYGON((20 9.994,120 9.994,120 60,20 60,20 9.994))", 0.5, 0.6},
    {"0.5 m2 in, exactly the tolerance (not above it)",
     "POLYGON((20 9.9921875,84 9.9921875,84 60,20 60,20 9.9921875))", 0.5, NAN},
    {"across the road", "POLYGON((50 -50,70 -50,70 50,50 50,50 -50))", 0.5,
     400},
    {"beyond the flat end", "POLYGON((200.5 -5,220 -5,220 5,200.5 5,200.5 -5))",
     0, NAN},
    {"far away", "POLYGON((0 100,10 100,10 110,0 110,0 100))", 0, NAN},
};

static void test_intrusion(void **state)
{
    struct tu_fx *fx = *state;
    struct lf roads[] = {{.key = "R", .wkt = "LINESTRING(0 0,200 0)",
                          .width = "20"}};
    for (size_t c = 0; c < sizeof intr_cases / sizeof intr_cases[0]; c++) {
        const struct intr_case *ic = &intr_cases[c];
        struct pf parcels[] = {{"P", ic->parcel}};
        pc_layer *l = line_layer(fx->ctx, "roads", roads, 1);
        pc_layer *p = poly_layer(fx->ctx, "parcels", parcels, 1);
        pc_rules *r = session(fx, 2);
        int li = tu_add_layer(fx, r, l, "roads", "code");
        int pi = tu_add_layer(fx, r, p, "parcels", "code");
        pc_findings f = {0};
        pc_corridor_opts co = corridor_opts();
        pc_intrusion_opts io = {PC_SEV_ERROR, ic->tolerance, {0}, {0}};
        RULE_OK(fx, pc_rules_corridor(fx->ctx, r, li, &co, &f));
        RULE_OK(fx, pc_rules_intrusion(fx->ctx, r, pi, li, &io, &f));
        RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        if (isnan(ic->area)) {
            EXPECT(f.n == 0, "%s: %zu findings: %s", ic->name, f.n, buf);
        } else {
            const pc_finding *x = tu_find(&f, "line.intrusion", "P", "R", NULL);
            EXPECT(f.n == 1 && x && fabs(x->measured_m2 - ic->area) <=
                                        1e-6 * ic->area + 1e-7,
                   "%s: %s", ic->name, buf);
            if (x)
                EXPECT(streq(x->layer, "parcels") &&
                           streq(x->layer2, "roads") && x->fid == 1 &&
                           x->fid2 == 1 && x->geom &&
                           tu_contains(x->message, "parcels P intrudes into "
                                                   "the red line of roads R") &&
                           tu_contains(x->message, "m2 (planar)"),
                       "%s: pair columns or message: %s", ic->name,
                       x->message);
        }
        pc_findings_clear(fx->ctx, &f);
        pc_rules_free(fx->ctx, r);
        pc_layer_free(fx->ctx, l);
        pc_layer_free(fx->ctx, p);
    }
    report();
}

/* ---- corridor overlap ---------------------------------------------------- */

struct ov_case {
    const char *name;
    struct lf a[3], b[3];  /* b empty: within layer a */
    double allowed;
    double min_area, max_area; /* NAN: no finding */
    const char *k1, *k2;
};

#define W20(k, w) {.key = k, .wkt = w, .width = "20"}
#define W36(k, w) {.key = k, .wkt = w, .width = "36"}

static const struct ov_case ov_cases[] = {
    {"T-junction", {W20("A", "LINESTRING(0 0,200 0)"),
                    W20("B", "LINESTRING(100 0,100 100)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"T-junction, wide stem", {W20("A", "LINESTRING(0 0,200 0)"),
                               W36("B", "LINESTRING(100 0,100 100)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"crossroads", {W36("A", "LINESTRING(0 0,200 0)"),
                    W36("B", "LINESTRING(100 -100,100 100)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"crossing at 60 degrees",
     {W36("A", "LINESTRING(0 0,200 0)"),
      W36("B", "LINESTRING(50 -86.602540378443864676,"
               "150 86.602540378443864676)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"stem ending inside the other red line, short of its centre",
     {W20("A", "LINESTRING(0 0,200 0)"), W20("B", "LINESTRING(100 5,100 100)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"segments end to end", {W36("A", "LINESTRING(0 0,100 0)"),
                             W36("B", "LINESTRING(100 0,200 0)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"segments end to end with a bend", {W36("A", "LINESTRING(0 0,100 0)"),
                                         W36("B", "LINESTRING(100 0,200 30)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    /* the overlap strip is 300 x 26 m = 7800 m2; the lines never meet
     * (ends beside a line running alongside are no junction) */
    {"parallel roads 10 m apart, 36 m red lines",
     {W36("A", "LINESTRING(0 0,300 0)"), W36("B", "LINESTRING(0 10,300 10)")},
     {{0}}, 5, 7800 - 1e-6, 7800 + 1e-6, "A", "B"},
    {"parallel, keys in order whatever the feature order",
     {W36("B", "LINESTRING(0 10,300 10)"), W36("A", "LINESTRING(0 0,300 0)")},
     {{0}}, 5, 7800 - 1e-6, 7800 + 1e-6, "A", "B"},
    {"parallel, a short segment ending beside the other",
     {W36("A", "LINESTRING(0 0,300 0)"),
      W36("B1", "LINESTRING(100 10,150 10)")},
     {{0}}, 5, 50 * 26 - 1e-6, 50 * 26 + 1e-6, "A", "B1"},
    /* a fork at 20 degrees: the red lines part 36 / sin 20 = 105 m from
     * the fork, beyond the 36 / sin 30 = 72 m junction */
    {"fork at 20 degrees",
     {W36("A", "LINESTRING(0 0,300 0)"),
      W36("B", "LINESTRING(0 0,281.90778623577251 102.60604299770061)")},
     {{0}}, 0, 1, 36 * 110, "A", "B"},
    {"fork at 20 degrees, 40 m allowed",
     {W36("A", "LINESTRING(0 0,300 0)"),
      W36("B", "LINESTRING(0 0,281.90778623577251 102.60604299770061)")},
     {{0}}, 40, NAN, NAN, NULL, NULL},
    /* at 30 degrees the overlap reaches 18 sqrt(2 + 2 cos 30) / sin 30 =
     * 69.5 m from the crossing, inside the 72 m junction */
    {"crossing at 30 degrees",
     {W36("A", "LINESTRING(-200 0,200 0)"),
      W36("B", "LINESTRING(-173.20508075688772 -100,"
               "173.20508075688772 100)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"crossing at 35 degrees",
     {W36("A", "LINESTRING(-200 0,200 0)"),
      W36("B", "LINESTRING(-163.83040885779835 -114.71528727020923,"
               "163.83040885779835 114.71528727020923)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"a road split at a junction, crossed just beyond a segment's end",
     {W20("A1", "LINESTRING(0 0,100 0)"), W20("A2", "LINESTRING(100 0,200 0)"),
      W20("D", "LINESTRING(116 -100,92 100)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"parallel 40 m apart: red lines do not meet",
     {W36("A", "LINESTRING(0 0,300 0)"), W36("B", "LINESTRING(0 40,300 40)")},
     {{0}}, 0, NAN, NAN, NULL, NULL},
    {"parallel 34 m apart: a 2 m strip",
     {W36("A", "LINESTRING(0 0,300 0)"), W36("B", "LINESTRING(0 34,300 34)")},
     {{0}}, 0, 600 - 1e-6, 600 + 1e-6, "A", "B"},
    {"between layers: road along a rail line",
     {W36("A", "LINESTRING(0 0,300 0)")}, {W20("K", "LINESTRING(0 20,300 20)")},
     0, 2400 - 1e-6, 2400 + 1e-6, "A", "K"},
};

static void test_corridor_overlap(void **state)
{
    struct tu_fx *fx = *state;
    for (size_t c = 0; c < sizeof ov_cases / sizeof ov_cases[0]; c++) {
        const struct ov_case *oc = &ov_cases[c];
        int two = oc->b[0].key != NULL;
        pc_layer *la = line_layer(fx->ctx, "roads", oc->a, 3);
        pc_layer *lb = two ? line_layer(fx->ctx, "rail", oc->b, 3) : NULL;
        pc_rules *r = session(fx, 2);
        int a = tu_add_layer(fx, r, la, "roads", "code");
        int b = two ? tu_add_layer(fx, r, lb, "rail", "code") : a;
        pc_findings f = {0};
        pc_corridor_opts co = corridor_opts();
        pc_corridor_overlap_opts oo = {PC_SEV_ERROR, oc->allowed, 1, {0}, {0}};
        RULE_OK(fx, pc_rules_corridor(fx->ctx, r, a, &co, &f));
        if (two)
            RULE_OK(fx, pc_rules_corridor(fx->ctx, r, b, &co, &f));
        RULE_OK(fx, pc_rules_corridor_overlap(fx->ctx, r, a, b, &oo, &f));
        RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        if (isnan(oc->min_area)) {
            EXPECT(f.n == 0, "%s: %zu findings: %s", oc->name, f.n, buf);
        } else {
            const pc_finding *x =
                tu_find(&f, "line.corridor_overlap", oc->k1, oc->k2, NULL);
            EXPECT(f.n == 1 && x && x->measured_m2 > oc->min_area &&
                       x->measured_m2 <= oc->max_area,
                   "%s: want %s/%s in (%g, %g]: %s", oc->name, oc->k1, oc->k2,
                   oc->min_area, oc->max_area, buf);
            if (x)
                EXPECT(streq(x->layer, "roads") &&
                           streq(x->layer2, two ? "rail" : "roads") &&
                           x->geom && tu_contains(x->message, "red lines of"),
                       "%s: %s", oc->name, x->message);
        }
        pc_findings_clear(fx->ctx, &f);
        pc_rules_free(fx->ctx, r);
        pc_layer_free(fx->ctx, la);
        pc_layer_free(fx->ctx, lb);
    }
    report();
}

/* ---- connectivity -----------------------------------------------------------
 * Snapping tolerance 0.5 m. "A" is two segments; a line named by its key
 * is met by meeting either. */

static void test_connectivity(void **state)
{
    struct tu_fx *fx = *state;
    struct lf fs[] = {
        {.key = "A", .wkt = "LINESTRING(0 0,100 0)"},
        {.key = "A", .wkt = "LINESTRING(200 0,300 0)"},
        {.key = "on", .wkt = "LINESTRING(50 0,50 80)", .from = "A"},
        {.key = "within", .wkt = "LINESTRING(60 0.49,60 80)", .from = "A"},
        {.key = "at", .wkt = "LINESTRING(70 -0.5,70 -80)", .from = "A"},
        {.key = "beyond", .wkt = "LINESTRING(80 0.51,80 80)", .from = "A"},
        {.key = "second", .wkt = "LINESTRING(250 0.2,250 80)", .from = "A"},
        {.key = "end", .wkt = "LINESTRING(150 80,150 1)", .to = "A"},
        {.key = "unknown", .wkt = "LINESTRING(350 0,350 80)", .from = "ZZ",
         .to = ""},
        {.key = "self", .wkt = "LINESTRING(50 80,80 80)", .from = "on",
         .to = "beyond"},
    };
    size_t n = sizeof fs / sizeof fs[0];
    for (int dangles = 0; dangles <= 1; dangles++) {
        pc_layer *l = line_layer(fx->ctx, "roads", fs, n);
        pc_rules *r = session(fx, 2);
        int li = tu_add_layer(fx, r, l, "roads", "code");
        pc_connectivity_opts o = {PC_SEV_ERROR, "from", "to", 0.5, dangles,
                                  PC_SEV_WARNING, {0}};
        pc_findings f = {0};
        RULE_OK(fx, pc_rules_connectivity(fx->ctx, r, li, li, &o, &f));
        RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        const pc_finding *b = tu_find(&f, "line.not_connected", "beyond", "A",
                                   "from");
        EXPECT(b && fabs(b->measured_m2 - 0.51) < 1e-6 &&
                   b->tolerance_m2 == 0.5 && streq(b->layer2, "roads") &&
                   b->fid2 == 1 && b->geom,
               "beyond: %s", buf);
        const pc_finding *e = tu_find(&f, "line.not_connected", "end", "A", "to");
        EXPECT(e && fabs(e->measured_m2 - sqrt(50 * 50 + 1)) < 1e-6 &&
                   tu_contains(e->message, " m from roads A"),
               "end: %s", buf);
        EXPECT(tu_find(&f, "line.unknown_ref", "unknown", NULL, "from") &&
                   tu_contains(tu_find(&f, "line.unknown_ref", "unknown", NULL,
                                    "from")->message, "'ZZ'"),
               "unknown ref: %s", buf);
        EXPECT(count_rule(&f, "line.not_connected") == 2 &&
                   count_rule(&f, "line.unknown_ref") == 1,
               "connectivity: %s", buf);
        if (!dangles) {
            EXPECT(f.n == 3, "dangles off: %zu findings: %s", f.n, buf);
        } else {
            /* Ends within 0.5 m of no other line: both ends of both A
             * segments, at:end, beyond:start (0.51 m), second:end, both
             * ends of "end" and of "unknown". within:end and beyond:end
             * lie on "self", on:start on A. */
            static const char *const ids[] = {
                "line.dangle:roads:A:start", "line.dangle:roads:A:start#2",
                "line.dangle:roads:A:end", "line.dangle:roads:A:end#2",
                "line.dangle:roads:at:end", "line.dangle:roads:beyond:start",
                "line.dangle:roads:second:end", "line.dangle:roads:end:start",
                "line.dangle:roads:end:end", "line.dangle:roads:unknown:start",
                "line.dangle:roads:unknown:end"};
            size_t nids = sizeof ids / sizeof ids[0];
            for (size_t k = 0; k < nids; k++) {
                int found = 0;
                for (size_t i = 0; i < f.n; i++)
                    found |= streq(f.items[i].id, ids[k]) &&
                             f.items[i].severity == PC_SEV_WARNING &&
                             f.items[i].geom != NULL;
                EXPECT(found, "no %s: %s", ids[k], buf);
            }
            EXPECT(count_rule(&f, "line.dangle") == nids && f.n == 3 + nids,
                   "%zu dangles: %s", count_rule(&f, "line.dangle"), buf);
        }
        pc_findings_clear(fx->ctx, &f);
        pc_rules_free(fx->ctx, r);
        pc_layer_free(fx->ctx, l);
    }
    report();
}

/* ---- crossings --------------------------------------------------------------
 * Rail K along x = 100; declared crossings are points within 1 m. */

struct cross_case {
    const char *name;
    struct lf roads[3];
    const char *point;     /* a declared crossing, or NULL */
    const char *rail_crossed;
    int findings;
};

static const struct cross_case cross_cases[] = {
    {"undeclared", {{.key = "R", .wkt = "LINESTRING(0 0,200 0)"}}, NULL, NULL,
     1},
    {"declared by a point 0.7 m away",
     {{.key = "R", .wkt = "LINESTRING(0 0,200 0)"}}, "POINT(100.5 0.5)", NULL,
     0},
    {"a point 2 m away does not declare it",
     {{.key = "R", .wkt = "LINESTRING(0 0,200 0)"}}, "POINT(102 0)", NULL, 1},
    {"declared in the road's list",
     {{.key = "R", .wkt = "LINESTRING(0 0,200 0)", .crossed = "K2、K"}}, NULL,
     NULL, 0},
    {"a list naming another line",
     {{.key = "R", .wkt = "LINESTRING(0 0,200 0)", .crossed = "K2, KK"}}, NULL,
     NULL, 1},
    {"declared in the rail's list",
     {{.key = "R", .wkt = "LINESTRING(0 0,200 0)"}}, NULL, "R1; R", 0},
    {"road split at the rail: both halves meet it",
     {{.key = "Ra", .wkt = "LINESTRING(0 0,100 0)"},
      {.key = "Rb", .wkt = "LINESTRING(100 0,200 0)"}}, NULL, NULL, 2},
    {"road split at the rail, declared", 
     {{.key = "Ra", .wkt = "LINESTRING(0 0,100 0)"},
      {.key = "Rb", .wkt = "LINESTRING(100 0,200 0)"}}, "POINT(100 0)", NULL,
     0},
    {"crossing twice",
     {{.key = "R", .wkt = "LINESTRING(0 0,200 0,200 50,0 50)"}}, NULL, NULL,
     2},
    {"alongside, not across",
     {{.key = "R", .wkt = "LINESTRING(110 -50,110 50)"}}, NULL, NULL, 0},
};

static void test_crossings(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    for (size_t c = 0; c < sizeof cross_cases / sizeof cross_cases[0]; c++) {
        const struct cross_case *cc = &cross_cases[c];
        struct lf rail[] = {{.key = "K", .wkt = "LINESTRING(100 -100,100 100)",
                             .crossed = cc->rail_crossed}};
        struct pf pts[] = {{"X1", cc->point}};
        pc_layer *lr = line_layer(fx->ctx, "roads", cc->roads, 3);
        pc_layer *lk = line_layer(fx->ctx, "rail", rail, 1);
        pc_layer *lp = cc->point ? poly_layer(fx->ctx, "crossings", pts, 1)
                                 : NULL;
        pc_rules *r = session(fx, 2);
        int a = tu_add_layer(fx, r, lr, "roads", "code"), b = tu_add_layer(fx, r, lk, "rail", "code");
        int p = lp ? tu_add_layer(fx, r, lp, "crossings", "code") : -1;
        pc_crossing_opts o = {PC_SEV_ERROR, 1, "crossed", {0}, {0}};
        pc_findings f = {0};
        RULE_OK(fx, pc_rules_crossings(fx->ctx, r, a, b, p, &o, &f));
        RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        EXPECT((int)f.n == cc->findings &&
                   (int)count_rule(&f, "line.undeclared_crossing") ==
                       cc->findings,
               "%s: %zu findings, want %d: %s", cc->name, f.n, cc->findings,
               buf);
        for (size_t k = 0; k < f.n; k++) {
            const pc_finding *x = &f.items[k];
            double px = NAN, py = NAN;
            if (x->geom && GEOSGeomTypeId_r(h, x->geom) == GEOS_POINT) {
                GEOSGeomGetX_r(h, x->geom, &px);
                GEOSGeomGetY_r(h, x->geom, &py);
            }
            EXPECT(streq(x->layer, "roads") && streq(x->layer2, "rail") &&
                       streq(x->key2, "K") && fabs(px - X0 - 100) < 1e-6 &&
                       (fabs(py - Y0) < 1e-6 || fabs(py - Y0 - 50) < 1e-6) &&
                       tu_contains(x->message, "crosses rail K"),
                   "%s: %s at %.3f %.3f", cc->name, x->id, px - X0, py - Y0);
        }
        pc_findings_clear(fx->ctx, &f);
        pc_rules_free(fx->ctx, r);
        pc_layer_free(fx->ctx, lr);
        pc_layer_free(fx->ctx, lk);
        pc_layer_free(fx->ctx, lp);
    }
    /* one layer, road and rail told apart by their class */
    struct lf mixed[] = {
        {.key = "R", .wkt = "LINESTRING(0 0,200 0)", .cls = "road"},
        {.key = "S", .wkt = "LINESTRING(0 50,200 50)", .cls = "road"},
        {.key = "K", .wkt = "LINESTRING(100 -100,100 100)", .cls = "rail"},
        {.key = "T", .wkt = "LINESTRING(50 -100,50 100)", .cls = "road"},
    };
    pc_layer *l = line_layer(fx->ctx, "lines", mixed, 4);
    pc_rules *r = session(fx, 2);
    int li = tu_add_layer(fx, r, l, "lines", "code");
    const char *const road[] = {"road"}, *const rail[] = {"rail"};
    pc_crossing_opts o = {PC_SEV_ERROR, 1, NULL, {"class", road, 1},
                          {"class", rail, 1}};
    pc_findings f = {0};
    RULE_OK(fx, pc_rules_crossings(fx->ctx, r, li, li, -1, &o, &f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    /* R and S cross K; T crosses R and S, but road with road is no case */
    EXPECT(f.n == 2 && tu_find(&f, "line.undeclared_crossing", "R", "K", NULL) &&
               tu_find(&f, "line.undeclared_crossing", "S", "K", NULL),
           "one layer by class: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, l);
    report();
}

/* ---- determinism ------------------------------------------------------------
 * A street grid split at every junction (enough lines and pairs for
 * several chunks on several threads), parcels in the blocks, some pushed
 * into the red lines, a doubled road, gaps in the from/to keys, a diagonal
 * rail line with some crossings declared. Every line rule must give the
 * same findings with 1, 2 and 4 threads. */

#define GRID 30
#define CELL 100.0

static uint64_t g_rng;

static uint64_t rnd(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 2685821657736338717ULL;
}

static int rnd_int(int lo, int hi)
{
    return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static pc_feature *add_text_feature(pc_ctx *ctx, pc_layer *l, const char *wkt,
                                    const char *key)
{
    pc_feature *f =
        tu_layer_add_feature(ctx, l, (int64_t)l->nfeatures + 1, NULL);
    f->geom = local_geom(ctx, wkt);
    tu_set_text(f, 0, key);
    return f;
}

static void city(pc_ctx *ctx, pc_layer *roads, pc_layer *rail,
                 pc_layer *parcels, pc_layer *points)
{
    static const char *const cls[] = {"main", "branch", "lane"};
    static const char *const widths[] = {"40", "24", NULL};
    char wkt[256], key[32], ref[32], num[32];
    for (int dir = 0; dir < 2; dir++)
        for (int i = 0; i <= GRID; i++)
            for (int j = 0; j < GRID; j++) {
                double a = i * CELL, b0 = j * CELL, b1 = (j + 1) * CELL;
                if (dir == 0)
                    snprintf(wkt, sizeof wkt, "LINESTRING(%g %g,%g %g)", b0, a,
                             b1, a);
                else
                    snprintf(wkt, sizeof wkt, "LINESTRING(%g %g,%g %g)", a, b0,
                             a, b1);
                snprintf(key, sizeof key, "%c%02d-%02d", dir ? 'V' : 'H', i, j);
                pc_feature *f = add_text_feature(ctx, roads, wkt, key);
                int c = i % 5 == 0 ? 0 : i % 2 ? 1 : 2;
                tu_set_text(f, F_CLASS, cls[c]);
                int kind = rnd_int(0, 99);
                if (kind < 3)
                    tu_set_text(f, F_WIDTH, "bad");
                else if (kind < 30 && widths[c])
                    tu_set_text(f, F_WIDTH, widths[c]);
                snprintf(num, sizeof num, "%s%.2f", kind % 7 == 0 ? "约" : "",
                         (kind < 50 ? 1.0 : 1.02) * CELL * (c == 0 ? 40 : 24) /
                             (2000.0 / 3.0));
                tu_set_text(f, F_TAKE, num);
                tu_set_text(f, F_UNIT, kind % 11 == 0 ? "亩亩" : "亩");
                tu_set_text(f, F_LENGTH, kind % 13 == 0 ? "98" : "100");
                if (j > 0) { /* starts on the previous segment */
                    snprintf(ref, sizeof ref, "%c%02d-%02d",
                             dir ? 'V' : 'H', i,
                             kind % 17 == 0 ? j + 5 : j - 1);
                    tu_set_text(f, F_FROM, kind % 19 == 0 ? "nosuch" : ref);
                }
            }
    /* a doubled road 12 m beside H10 */
    tu_set_text(add_text_feature(ctx, roads, "LINESTRING(250 1012,750 1012)",
                                 "dup"),
                F_WIDTH, "24");
    /* the rail line across the grid, on no grid line */
    pc_feature *k = add_text_feature(
        ctx, rail, "LINESTRING(-50 30,3050 2950)", "K1");
    tu_set_text(k, F_CLASS, "rail");
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            double x0 = j * CELL, y0 = i * CELL;
            double in = 20 - rnd_int(-2, 3) * 0.25; /* 21.25 .. 20.5 */
            snprintf(wkt, sizeof wkt,
                     "POLYGON((%g %g,%g %g,%g %g,%g %g,%g %g))", x0 + in,
                     y0 + in, x0 + CELL - in, y0 + in, x0 + CELL - in,
                     y0 + CELL - in, x0 + in, y0 + CELL - in, x0 + in,
                     y0 + in);
            snprintf(key, sizeof key, "p%02d-%02d", i, j);
            add_text_feature(ctx, parcels, wkt, key);
        }
    /* declared crossings: every other one */
    for (int i = 0; i <= GRID; i += 2) {
        double x = i * CELL; /* on the rail */
        double y = 30 + (x + 50) * 2920.0 / 3100.0;
        snprintf(wkt, sizeof wkt, "POINT(%.3f %.3f)", x, y);
        snprintf(key, sizeof key, "X%02d", i);
        add_text_feature(ctx, points, wkt, key);
    }
}

static void all_line_rules(struct tu_fx *fx, int threads, pc_findings *f)
{
    g_rng = 7;
    pc_layer *roads = line_layer(fx->ctx, "roads", NULL, 0);
    pc_layer *rail = line_layer(fx->ctx, "rail", NULL, 0);
    pc_layer *parcels = poly_layer(fx->ctx, "parcels", NULL, 0);
    pc_layer *points = poly_layer(fx->ctx, "crossings", NULL, 0);
    city(fx->ctx, roads, rail, parcels, points);
    pc_rules *r = session(fx, threads);
    int ri = tu_add_layer(fx, r, roads, "roads", "code");
    int ki = tu_add_layer(fx, r, rail, "rail", "code");
    int pi = tu_add_layer(fx, r, parcels, "parcels", "code");
    int xi = tu_add_layer(fx, r, points, "crossings", "code");
    pc_line_class_width cw[] = {{"main", 40}, {"branch", 24}, {"lane", 12}};
    pc_corridor_opts co = corridor_opts();
    co.class_field = "class";
    co.classes = cw;
    co.nclasses = 3;
    co.land_take.value_field = "land_take";
    co.land_take.unit_field = "land_take_unit";
    co.land_take_tol = (pc_tolerance){1, 0.1, 2};
    co.length_field = "length_m";
    co.length_tol = (pc_length_tolerance){0.5, 0.1, 5};
    pc_corridor_opts ko = corridor_opts();
    ko.default_width_m = 30;
    pc_intrusion_opts io = {PC_SEV_ERROR, 0.5, {0}, {0}};
    pc_corridor_overlap_opts oo = {PC_SEV_WARNING, 5, 1, {0}, {0}};
    pc_connectivity_opts no = {PC_SEV_ERROR, "from", "to", 0.5, 1,
                               PC_SEV_INFO, {0}};
    pc_crossing_opts xo = {PC_SEV_ERROR, 1, NULL, {0}, {0}};
    RULE_OK(fx, pc_rules_corridor(fx->ctx, r, ri, &co, f));
    RULE_OK(fx, pc_rules_corridor(fx->ctx, r, ki, &ko, f));
    RULE_OK(fx, pc_rules_intrusion(fx->ctx, r, pi, ri, &io, f));
    RULE_OK(fx, pc_rules_corridor_overlap(fx->ctx, r, ri, ri, &oo, f));
    RULE_OK(fx, pc_rules_corridor_overlap(fx->ctx, r, ri, ki, &oo, f));
    RULE_OK(fx, pc_rules_connectivity(fx->ctx, r, ri, ri, &no, f));
    RULE_OK(fx, pc_rules_crossings(fx->ctx, r, ri, ki, xi, &xo, f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, f));
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, roads);
    pc_layer_free(fx->ctx, rail);
    pc_layer_free(fx->ctx, parcels);
    pc_layer_free(fx->ctx, points);
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void test_determinism(void **state)
{
    struct tu_fx *fx = *state;
    pc_findings f1 = {0};
    all_line_rules(fx, 1, &f1);
    static const char *const rules[] = {
        "corridor.no_width", "line.land_take", "line.land_take.unit",
        "line.length", "line.intrusion", "line.corridor_overlap",
        "line.not_connected", "line.unknown_ref", "line.dangle",
        "line.undeclared_crossing"};
    const char *show = getenv("PC_TEST_DUMP"); /* a rule id, or "1" */
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        EXPECT(count_rule(&f1, rules[k]) > 0, "no %s finding", rules[k]);
        if (show)
            fprintf(stderr, "%s: %zu\n", rules[k], count_rule(&f1, rules[k]));
    }
    for (size_t k = 0; show && k < f1.n; k++)
        if (streq(f1.items[k].rule, show))
            fprintf(stderr, "%s %.4f %s\n", f1.items[k].id,
                    f1.items[k].measured_m2, f1.items[k].message);
    /* the doubled road overlaps H10's segments beyond their junctions */
    EXPECT(tu_find(&f1, "line.corridor_overlap", "H10-03", "dup", NULL),
           "doubled road not found");
    for (int threads = 2; threads <= 4; threads += 2) {
        pc_findings f = {0};
        all_line_rules(fx, threads, &f);
        EXPECT(f.n == f1.n, "%d threads: %zu findings, 1 thread: %zu",
               threads, f.n, f1.n);
        size_t shown = 0;
        for (size_t k = 0; k < f.n && k < f1.n; k++) {
            const pc_finding *a = &f1.items[k], *b = &f.items[k];
            if ((!streq(a->id, b->id) ||
                 !same_double(a->measured_m2, b->measured_m2) ||
                 !same_double(a->declared_m2, b->declared_m2) ||
                 !streq(a->message, b->message)) &&
                shown++ < 3)
                expect_failed(__LINE__, "%d threads: finding %zu is %s %.17g,"
                              " with 1 thread %s %.17g", threads, k, b->id,
                              b->measured_m2, a->id, a->measured_m2);
        }
        pc_findings_clear(fx->ctx, &f);
    }
    pc_findings_clear(fx->ctx, &f1);
    report();
}

/* ---- tool errors --------------------------------------------------------- */

static void test_errors(void **state)
{
    struct tu_fx *fx = *state;
    struct lf fs[] = {{.key = "R", .wkt = "LINESTRING(0 0,100 0)",
                       .width = "20"}};
    struct pf ps[] = {{"P", "POLYGON((0 0,10 0,10 10,0 10,0 0))"}};
    pc_layer *l = line_layer(fx->ctx, "roads", fs, 1);
    pc_layer *p = poly_layer(fx->ctx, "parcels", ps, 1);
    pc_rules *r = session(fx, 2);
    int li = tu_add_layer(fx, r, l, "roads", "code"), pi = tu_add_layer(fx, r, p, "parcels", "code");
    pc_findings f = {0};
    pc_intrusion_opts io = {PC_SEV_ERROR, 0, {0}, {0}};
    EXPECT(pc_rules_intrusion(fx->ctx, r, pi, li, &io, &f) == PC_ERR_USAGE &&
               tu_contains(pc_ctx_error(fx->ctx), "corridor rule"),
           "intrusion before corridors: %s", pc_ctx_error(fx->ctx));
    pc_corridor_overlap_opts oo = {PC_SEV_ERROR, 0, 0, {0}, {0}};
    EXPECT(pc_rules_corridor_overlap(fx->ctx, r, li, li, &oo, &f) ==
               PC_ERR_USAGE,
           "overlap before corridors: %s", pc_ctx_error(fx->ctx));
    pc_corridor_opts o = corridor_opts();
    o.width_field = "nosuch";
    EXPECT(pc_rules_corridor(fx->ctx, r, li, &o, &f) == PC_ERR_INPUT &&
               tu_contains(pc_ctx_error(fx->ctx), "nosuch"),
           "unknown width field: %s", pc_ctx_error(fx->ctx));
    o = corridor_opts();
    o.land_take.value_field = "land_take";
    o.land_take.unit = "acre";
    EXPECT(pc_rules_corridor(fx->ctx, r, li, &o, &f) == PC_ERR_INPUT &&
               tu_contains(pc_ctx_error(fx->ctx), "acre"),
           "unknown constant unit: %s", pc_ctx_error(fx->ctx));
    pc_connectivity_opts no = {PC_SEV_ERROR, "nosuch", NULL, 0.5, 0,
                               PC_SEV_WARNING, {0}};
    EXPECT(pc_rules_connectivity(fx->ctx, r, li, li, &no, &f) == PC_ERR_INPUT,
           "unknown from field: %s", pc_ctx_error(fx->ctx));
    pc_crossing_opts xo = {PC_SEV_ERROR, 1, "nosuch", {0}, {0}};
    EXPECT(pc_rules_crossings(fx->ctx, r, li, li, -1, &xo, &f) ==
               PC_ERR_INPUT,
           "unknown crossed field: %s", pc_ctx_error(fx->ctx));
    EXPECT(f.n == 0, "%zu findings after errors", f.n);
    /* running the corridor rule twice replaces the corridors */
    o = corridor_opts();
    RULE_OK(fx, pc_rules_corridor(fx->ctx, r, li, &o, &f));
    RULE_OK(fx, pc_rules_corridor(fx->ctx, r, li, &o, &f));
    RULE_OK(fx, pc_rules_intrusion(fx->ctx, r, pi, li, &io, &f));
    EXPECT(f.n == 1 && fabs(f.items[0].measured_m2 - 100) < 1e-9,
           "intrusion after two corridor runs: %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, l);
    pc_layer_free(fx->ctx, p);
    report();
}

/* ---- main ---------------------------------------------------------------- */

#define T(name) TU_FX_TEST(name)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        T(test_corridor_area),
        T(test_corridor_area_ellipsoidal),
        T(test_land_take),
        T(test_widths),
        T(test_length),
        T(test_intrusion),
        T(test_corridor_overlap),
        T(test_connectivity),
        T(test_crossings),
        T(test_determinism),
        T(test_errors),
    };
    if (argc > 1) /* e.g. test_lines 'test_conn*' */
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("lines", tests, NULL, NULL);
}
