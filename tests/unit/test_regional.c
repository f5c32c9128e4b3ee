/* test_regional.c: the regional rules of the rules session (check.h,
 * "regional rules": hubs near lines, lines within a region) on hand-built
 * layers in EPSG:4549.
 *
 * Cases are written in local metres and moved to x 580000, y 3093000, as in
 * test_lines.c. Expected distances and lengths are computed here by hand
 * (hypot of the offsets to the nearest point, lengths of axis-parallel
 * pieces), not by GEOS; the cases sit at and just around each tolerance.
 *
 * Expectation failures are collected and reported after the test has freed
 * everything (nothing leaks under the sanitizers when a test fails).
 * `test_regional 'test_near*'` runs matching tests only. */
#include "testutil.h"

#include "plancheck/check.h"
#include "plancheck/findings.h"

#define X0 TU_X0
#define Y0 TU_Y0

/* ---- hand-built layers --------------------------------------------------- */

/* A feature of any layer: text attributes, NULL when not given; wkt NULL:
 * a NULL geometry. The real field max_r stays NULL (set it by hand). */
struct ft {
    const char *key, *wkt, *cls, *dist, *ref;
};

enum { F_CODE, F_CLASS, F_DIST, F_REF, F_DIST_R, F_COUNT };

static pc_layer *layer_of(pc_ctx *ctx, const char *name, const struct ft *fs,
                          size_t n)
{
    pc_layer *l = tu_layer_new(ctx, name, "EPSG:4549");
    static const char *const names[F_COUNT] = {"code", "class", "max_m", "ref",
                                               "max_r"};
    for (int k = 0; k < F_COUNT; k++)
        assert_int_equal(tu_layer_add_field(l, names[k], k == F_DIST_R
                                                             ? PC_FIELD_REAL
                                                             : PC_FIELD_TEXT),
                         k);
    for (size_t i = 0; i < n && fs[i].key; i++) {
        pc_feature *f =
            tu_layer_add_feature(ctx, l, (int64_t)l->nfeatures + 1, NULL);
        if (fs[i].wkt)
            f->geom = local_geom(ctx, fs[i].wkt);
        const char *v[4] = {fs[i].key, fs[i].cls, fs[i].dist, fs[i].ref};
        for (int k = 0; k < 4; k++)
            if (v[k])
                tu_set_text(f, (size_t)k, v[k]);
    }
    pc_layer_update_extent(ctx, l);
    return l;
}

/* ---- sessions and findings ----------------------------------------------- */

static pc_rules *session(struct tu_fx *fx, int threads)
{
    pc_rules *r = NULL;
    if (pc_rules_new(fx->ctx, fx->crs, PC_AREA_PLANAR, threads, NULL, NULL,
                     &r) != PC_OK)
        fail_msg("pc_rules_new: %s", pc_ctx_error(fx->ctx));
    return r;
}

/* x, y of point k (0: first, -1: last) of a linestring, in local metres. */
static int line_point(GEOSContextHandle_t h, const GEOSGeometry *g, int k,
                      double *x, double *y)
{
    if (!g || GEOSGeomTypeId_r(h, g) != GEOS_LINESTRING)
        return -1;
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, g);
    unsigned int n = 0;
    if (!s || !GEOSCoordSeq_getSize_r(h, s, &n) || n == 0 ||
        !GEOSCoordSeq_getXY_r(h, s, k < 0 ? n - 1 : (unsigned int)k, x, y))
        return -1;
    *x -= X0;
    *y -= Y0;
    return 0;
}

/* ---- near ----------------------------------------------------------------
 * Lines: L01 along y = 0 from x 0 to 10000 (road), L02 along x = 30000
 * from y 0 to 10000 (rail), L03 two pieces (0..1000 at y 50000, 5000..6000
 * at y 60000), L04 with no geometry. FIDs are 1..5 in that order. */

static const struct ft near_lines[] = {
    {"L01", "LINESTRING(0 0,10000 0)", "road", NULL, NULL},
    {"L02", "LINESTRING(30000 0,30000 10000)", "rail", NULL, NULL},
    {"L03", "LINESTRING(0 50000,1000 50000)", "road", NULL, NULL},
    {"L03", "LINESTRING(5000 60000,6000 60000)", "road", NULL, NULL},
    {"L04", NULL, "road", NULL, NULL},
};

struct near_case {
    const char *name, *wkt, *dist, *ref;
    double max;
    const char *target_class; /* where_target class, or NULL: all */
    size_t n;                 /* findings */
    const char *rule, *key2;  /* the finding (when n > 0) */
    double d, allowed;        /* measured_m2, tolerance_m2; NAN: not checked */
    int64_t fid2;             /* -1: not checked */
    const char *msg;          /* in its message, or NULL */
};

/* the rest of a case without findings */
#define NO_FINDING 0, NULL, NULL, NAN, NAN, -1, NULL

/* 2000 m along (0.6, 0.8) from L01's end (10000, 0), and 2000.01 m */
#define DIAG "POINT(11200 1600)"
#define DIAG_OUT "POINT(11200.006 1600.008)"

static const struct near_case near_cases[] = {
    {"on the line, allowed 0", "POINT(5000 0)", NULL, NULL, 0, NULL,
     NO_FINDING},
    {"2000 m above L01, allowed 2000", "POINT(5000 2000)", NULL, NULL, 2000,
     NULL, NO_FINDING},
    {"1999.99 m", "POINT(5000 1999.99)", NULL, NULL, 2000, NULL, NO_FINDING},
    {"2000.01 m", "POINT(5000 2000.01)", NULL, NULL, 2000, NULL, 1,
     "near.too_far", "L01", 2000.01, 2000, 1,
     "hubs H is 2000.01 m from the nearest of lines, L01 (allowed 2000 m)"},
    {"2000 m diagonally from L01's end", DIAG, NULL, NULL, 2000, NULL,
     NO_FINDING},
    {"2000.01 m diagonally from L01's end", DIAG_OUT, NULL, NULL, 2000, NULL,
     1, "near.too_far", "L01", 2000.01, 2000, 1, NULL},
    {"500 m before L01's start, allowed 499.99", "POINT(-300 -400)", NULL,
     NULL, 499.99, NULL, 1, "near.too_far", "L01", 500, 499.99, 1,
     "(allowed 499.99 m)"},
    {"500 m before L01's start, allowed 500", "POINT(-300 -400)", NULL, NULL,
     500, NULL, NO_FINDING},
    {"a polygon hub 2500 m away, allowed 2500",
     "POLYGON((4500 2500,5500 2500,5500 3500,4500 3500,4500 2500))", NULL,
     NULL, 2500, NULL, NO_FINDING},
    {"a polygon hub 2500 m away, allowed 2499.99",
     "POLYGON((4500 2500,5500 2500,5500 3500,4500 3500,4500 2500))", NULL,
     NULL, 2499.99, NULL, 1, "near.too_far", "L01", 2500, 2499.99, 1, NULL},
    /* the distance field */
    {"field allows 3000 m", "POINT(5000 3000)", "3000", NULL, 2000, NULL,
     NO_FINDING},
    {"field allows 2999.5m", "POINT(5000 3000)", "2999.5m", NULL, 2000, NULL,
     1, "near.too_far", "L01", 3000, 2999.5, 1,
     "(allowed 2999.5 m by field max_m)"},
    {"field allows 3000米", "POINT(5000 3000)", "3000米", NULL, 2000, NULL,
     NO_FINDING},
    {"field allows less than the default", "POINT(5000 1500)", "1000", NULL,
     2000, NULL, 1, "near.too_far", "L01", 1500, 1000, 1, NULL},
    {"empty field: the default", "POINT(5000 1500)", "", NULL, 2000, NULL,
     NO_FINDING},
    {"non-numeric field", "POINT(5000 1500)", "far", NULL, 2000, NULL, 1,
     "near.value", NULL, NAN, NAN, -1, "'far' in field max_m"},
    {"negative field", "POINT(5000 1500)", "-5", NULL, 2000, NULL, 1,
     "near.value", NULL, NAN, NAN, -1, NULL},
    /* named lines */
    {"names a line farther than the nearest", "POINT(5000 2000)", NULL, "L02",
     2000, NULL, 1, "near.too_far", "L02", 25000, 2000, 2,
     "hubs H is 25000.00 m from lines L02, which it names in field ref "
     "(allowed 2000 m)"},
    {"names two, one too far", "POINT(29000 1000)", NULL, "L01, L02", 2000,
     NULL, 1, "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"names one unknown", "POINT(29000 1000)", NULL, "L02；ZZ", 2000, NULL, 1,
     "near.unknown_ref", "ZZ", NAN, NAN, -1, "'ZZ' in field ref, which is "
     "not a feature of lines"},
    {"blank", "POINT(29000 1000)", NULL, "L01 L02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"tab", "POINT(29000 1000)", NULL, "L01\tL02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"ideographic space", "POINT(29000 1000)", NULL, "L01\xe3\x80\x80L02",
     2000, NULL, 1, "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"comma", "POINT(29000 1000)", NULL, "L01,L02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"semicolon", "POINT(29000 1000)", NULL, "L01;L02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"slash", "POINT(29000 1000)", NULL, "L01/L02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"bar", "POINT(29000 1000)", NULL, "L01|L02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"、", "POINT(29000 1000)", NULL, "L01、L02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"，", "POINT(29000 1000)", NULL, "L01，L02", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"；", "POINT(29000 1000)", NULL, "L02；L01", 2000, NULL, 1,
     "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"several separators in a row", "POINT(29000 1000)", NULL,
     " L01 ,；/ L02、 ", 2000, NULL, 1, "near.too_far", "L01",
     19026.297590440446, 2000, 1, NULL},
    {"the same key twice", "POINT(29000 1000)", NULL, "L01, L01", 2000, NULL,
     1, "near.too_far", "L01", 19026.297590440446, 2000, 1, NULL},
    {"a key of two features, the nearer 1000 m, allowed 1000",
     "POINT(5500 59000)", NULL, "L03", 1000, NULL, NO_FINDING},
    {"a key of two features, allowed 999.99", "POINT(5500 59000)", NULL,
     "L03", 999.99, NULL, 1, "near.too_far", "L03", 1000, 999.99, 4, NULL},
    {"names a line with no geometry", "POINT(5000 0)", NULL, "L04", 2000,
     NULL, 1, "near.no_target", "L04", NAN, 2000, -1, "no geometry"},
    {"names nothing", "POINT(5000 0)", NULL, "ZZ", 2000, NULL, 1,
     "near.unknown_ref", "ZZ", NAN, NAN, -1, NULL},
    {"a list without keys: the nearest", "POINT(5000 2000.01)", NULL, " ,、 ",
     2000, NULL, 1, "near.too_far", "L01", 2000.01, 2000, 1, NULL},
    /* where_target */
    {"rail only: the nearest rail line", "POINT(5000 2000)", NULL, NULL, 2000,
     "rail", 1, "near.too_far", "L02", 25000, 2000, 2, NULL},
    {"rail only, names a road", "POINT(5000 2000)", NULL, "L01", 2000, "rail",
     1, "near.unknown_ref", "L01", NAN, NAN, -1, "leaves out"},
    {"no line counts", "POINT(5000 0)", NULL, NULL, 2000, "none", 1,
     "near.no_target", NULL, NAN, 2000, -1, "that the rule's filter keeps"},
    {"no line counts, names one", "POINT(5000 0)", NULL, "L01", 2000, "none",
     1, "near.unknown_ref", "L01", NAN, NAN, -1, NULL},
    /* the hub's geometry */
    {"no geometry", NULL, NULL, NULL, 2000, NULL, 1, "near.geometry", NULL,
     NAN, NAN, -1, "no geometry"},
    {"empty geometry", "POINT EMPTY", NULL, NULL, 2000, NULL, 1,
     "near.geometry", NULL, NAN, NAN, -1, "empty geometry"},
    {"coordinates not numbers", "POINT(NaN 0)", NULL, NULL, 2000, NULL, 1,
     "near.unevaluated", NULL, NAN, NAN, -1, "could not measure"},
    {"coordinates not numbers, names a line", "POINT(NaN 0)", NULL, "L01",
     2000, NULL, 1, "near.unevaluated", "L01", NAN, NAN, -1, NULL},
};

/* Runs the near rule for hubs against lines in a fresh session. */
static void run_near(struct tu_fx *fx, const struct ft *hubs, size_t nh,
                     const struct ft *lines, size_t nl, const pc_near_opts *o,
                     int threads, pc_findings *out)
{
    pc_layer *h = layer_of(fx->ctx, "hubs", hubs, nh);
    pc_layer *l = layer_of(fx->ctx, "lines", lines, nl);
    pc_rules *r = session(fx, threads);
    int hi = tu_add_layer(fx, r, h, "hubs", "code"), li = tu_add_layer(fx, r, l, "lines", "code");
    RULE_OK(fx, pc_rules_near(fx->ctx, r, hi, li, o, out));
    RULE_OK(fx, pc_findings_finish(fx->ctx, out));
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, h);
    pc_layer_free(fx->ctx, l);
}

static void test_near_cases(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    size_t nl = sizeof near_lines / sizeof near_lines[0];
    for (size_t c = 0; c < sizeof near_cases / sizeof near_cases[0]; c++) {
        const struct near_case *nc = &near_cases[c];
        struct ft hubs[] = {{"H", nc->wkt, "port", nc->dist, nc->ref}};
        const char *const cls[] = {nc->target_class};
        pc_near_opts o = {PC_SEV_ERROR, nc->max, "max_m", "ref", {0}, {0}};
        if (nc->target_class)
            o.where_target = (pc_where){"class", cls, 1};
        pc_findings f = {0};
        run_near(fx, hubs, 1, near_lines, nl, &o, 2, &f);
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        EXPECT(f.n == nc->n, "%s: %zu findings, want %zu: %s", nc->name, f.n,
               nc->n, buf);
        if (nc->n == 0) {
            pc_findings_clear(fx->ctx, &f);
            continue;
        }
        const pc_finding *x = tu_find(&f, nc->rule, "H", nc->key2, NULL);
        if (!x) {
            expect_failed(__LINE__, "%s: no %s finding about %s: %s",
                          nc->name, nc->rule, nc->key2, buf);
            pc_findings_clear(fx->ctx, &f);
            continue;
        }
        EXPECT(streq(x->layer, "hubs") && x->fid == 1 &&
                   x->severity == PC_SEV_ERROR,
               "%s: layer %s fid %lld", nc->name, x->layer, (long long)x->fid);
        EXPECT(streq(x->key2, nc->key2) &&
                   (!nc->key2 || streq(x->layer2, "lines")),
               "%s: key2 %s layer2 %s", nc->name, x->key2, x->layer2);
        if (!isnan(nc->d))
            EXPECT(fabs(x->measured_m2 - nc->d) <= 1e-6,
                   "%s: distance %.12g, by hand %.12g", nc->name,
                   x->measured_m2, nc->d);
        else
            EXPECT(isnan(x->measured_m2), "%s: distance %.12g, want none",
                   nc->name, x->measured_m2);
        if (!isnan(nc->allowed))
            EXPECT(x->tolerance_m2 == nc->allowed && streq(x->unit, "m"),
                   "%s: allowed %.12g %s, want %.12g", nc->name,
                   x->tolerance_m2, x->unit, nc->allowed);
        if (nc->fid2 >= 0)
            EXPECT(x->fid2 == nc->fid2, "%s: fid2 %lld, want %lld", nc->name,
                   (long long)x->fid2, (long long)nc->fid2);
        if (nc->msg)
            EXPECT(tu_contains(x->message, nc->msg), "%s: message \"%s\" "
                   "lacks \"%s\"", nc->name, x->message, nc->msg);
        if (streq(nc->rule, "near.value"))
            EXPECT(streq(x->field, "max_m") && x->geom, "%s: field %s",
                   nc->name, x->field);
        if (streq(nc->rule, "near.unknown_ref"))
            EXPECT(streq(x->field, "ref") && x->geom, "%s: field %s",
                   nc->name, x->field);
        if (streq(nc->rule, "near.too_far")) {
            /* the shortest line: from the hub to the line, as long as the
             * distance */
            double len = NAN, x0 = NAN, y0 = NAN;
            if (x->geom)
                GEOSLength_r(h, x->geom, &len);
            line_point(h, x->geom, 0, &x0, &y0);
            EXPECT(x->geom && GEOSGeomTypeId_r(h, x->geom) == GEOS_LINESTRING &&
                       fabs(len - x->measured_m2) <= 1e-6 &&
                       streq(x->method, "planar"),
                   "%s: shortest line of length %.12g", nc->name, len);
            if (tu_contains(nc->wkt, "POINT"))
                EXPECT(fabs(x0 - 5000) < 1e-6 || fabs(x0 - 29000) < 1e-6 ||
                           fabs(x0 - 11200.006) < 1e-6 ||
                           fabs(x0 + 300) < 1e-6 || fabs(x0 - 5500) < 1e-6,
                       "%s: shortest line starts at %.9g %.9g, not at the hub",
                       nc->name, x0, y0);
        }
        pc_findings_clear(fx->ctx, &f);
    }
    report();
}

/* The far end of the shortest line lies on the nearest line: L01's end for
 * a hub beyond it, the foot of the perpendicular otherwise. */
static void test_near_shortest_line(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    struct ft hubs[] = {{"D", DIAG_OUT, NULL, NULL, NULL},
                        {"P", "POINT(4321 -2500)", NULL, NULL, NULL}};
    pc_near_opts o = {PC_SEV_WARNING, 2000, NULL, NULL, {0}, {0}};
    pc_findings f = {0};
    run_near(fx, hubs, 2, near_lines, 2, &o, 1, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    const pc_finding *d = tu_find(&f, "near.too_far", "D", "L01", NULL);
    const pc_finding *p = tu_find(&f, "near.too_far", "P", "L01", NULL);
    double x0, y0, x1, y1;
    EXPECT(f.n == 2 && d && p, "%s", buf);
    EXPECT(d && line_point(h, d->geom, 0, &x0, &y0) == 0 &&
               line_point(h, d->geom, -1, &x1, &y1) == 0 &&
               fabs(x0 - 11200.006) < 1e-6 && fabs(y0 - 1600.008) < 1e-6 &&
               fabs(x1 - 10000) < 1e-6 && fabs(y1) < 1e-6 &&
               d->severity == PC_SEV_WARNING,
           "D: the shortest line does not end at L01's end");
    EXPECT(p && line_point(h, p->geom, -1, &x1, &y1) == 0 &&
               fabs(x1 - 4321) < 1e-6 && fabs(y1) < 1e-6 &&
               fabs(p->measured_m2 - 2500) < 1e-6,
           "P: the shortest line does not end at the foot (4321, 0)");
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* The allowed distance from a real field: a number as it is, a negative one
 * is a finding, NULL falls back to max_distance_m. */
static void test_near_real_field(void **state)
{
    struct tu_fx *fx = *state;
    struct ft hubs[] = {{"A", "POINT(5000 3000)", NULL, NULL, NULL},
                        {"B", "POINT(5000 3000)", NULL, NULL, NULL},
                        {"C", "POINT(5000 3000)", NULL, NULL, NULL},
                        {"D", "POINT(5000 3000)", NULL, NULL, NULL}};
    pc_layer *hl = layer_of(fx->ctx, "hubs", hubs, 4);
    pc_layer *ll = layer_of(fx->ctx, "lines", near_lines, 1);
    tu_set_real(&hl->features[0], F_DIST_R, 3000);      /* at the limit */
    tu_set_real(&hl->features[1], F_DIST_R, 2999.999);  /* just short */
    tu_set_real(&hl->features[2], F_DIST_R, -1);        /* not a distance */
    pc_rules *r = session(fx, 2);
    int hi = tu_add_layer(fx, r, hl, "hubs", "code"), li = tu_add_layer(fx, r, ll, "lines", "code");
    pc_near_opts o = {PC_SEV_ERROR, 2000, "max_r", NULL, {0}, {0}};
    pc_findings f = {0};
    RULE_OK(fx, pc_rules_near(fx->ctx, r, hi, li, &o, &f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    const pc_finding *b = tu_find(&f, "near.too_far", "B", "L01", NULL);
    const pc_finding *d = tu_find(&f, "near.too_far", "D", "L01", NULL);
    EXPECT(f.n == 3 && b && d && tu_find(&f, "near.value", "C", NULL, NULL), "%s", buf);
    EXPECT(b && b->tolerance_m2 == 2999.999 &&
               tu_contains(b->message, "(allowed 2999.999 m by field max_r)"),
           "B: %s", b ? b->message : "(none)");
    EXPECT(d && d->tolerance_m2 == 2000 &&
               tu_contains(d->message, "(allowed 2000 m)"),
           "D: %s", d ? d->message : "(none)");
    pc_findings_clear(fx->ctx, &f);
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, hl);
    pc_layer_free(fx->ctx, ll);
    report();
}

/* Features the hub filter leaves out take no part, whatever their data. */
static void test_near_where(void **state)
{
    struct tu_fx *fx = *state;
    struct ft hubs[] = {
        {"port", "POINT(5000 9000)", "port", NULL, NULL},
        {"minor", "POINT(5000 9000)", "minor", NULL, NULL},
        {"minor_bad", "POINT(5000 9000)", "minor", "far", "ZZ"},
        {"minor_null", NULL, "minor", NULL, NULL},
        {"unclassed", "POINT(5000 9000)", NULL, NULL, NULL},
    };
    const char *const ports[] = {"port", "airport"};
    const char *const roads[] = {"road"};
    pc_near_opts o = {PC_SEV_ERROR, 2000, "max_m", "ref", {"class", ports, 2},
                      {"class", roads, 1}};
    pc_findings f = {0};
    run_near(fx, hubs, 5, near_lines, 5, &o, 2, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    const pc_finding *x = tu_find(&f, "near.too_far", "port", "L01", NULL);
    EXPECT(f.n == 1 && x && fabs(x->measured_m2 - 9000) < 1e-6, "%s", buf);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* Four lines equally far, in every order in the layer: key2 is the
 * smallest key (the finding's id must not depend on the tree's layout). */
static void test_near_tie(void **state)
{
    struct tu_fx *fx = *state;
    struct ft hubs[] = {{"H", "POINT(0 0)", NULL, NULL, NULL}};
    const struct ft around[4] = {
        {"D", "LINESTRING(-100 1000,100 1000)", NULL, NULL, NULL},
        {"C", "LINESTRING(1000 -100,1000 100)", NULL, NULL, NULL},
        {"B", "LINESTRING(-100 -1000,100 -1000)", NULL, NULL, NULL},
        {"A", "LINESTRING(-1000 -100,-1000 100)", NULL, NULL, NULL}};
    for (int p = 0; p < 24; p++) {
        /* the p-th permutation, by its factorial digits */
        int left[4] = {0, 1, 2, 3}, n = 4, q = p;
        struct ft lines[5] = {{0}};
        for (int k = 0; k < 4; k++) {
            int d = q % n;
            q /= n;
            lines[k] = around[left[d]];
            for (int m = d; m + 1 < n; m++)
                left[m] = left[m + 1];
            n--;
        }
        lines[4] = (struct ft){"E", "LINESTRING(5000 0,5000 100)", NULL, NULL,
                               NULL};
        pc_near_opts o = {PC_SEV_ERROR, 500, NULL, NULL, {0}, {0}};
        pc_findings f = {0};
        run_near(fx, hubs, 1, lines, 5, &o, 1, &f);
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        const pc_finding *x = tu_find(&f, "near.too_far", "H", NULL, NULL);
        EXPECT(f.n == 1 && x && streq(x->key2, "A") &&
                   fabs(x->measured_m2 - 1000) < 1e-9 &&
                   streq(x->id, "near.too_far:hubs:H:lines:A"),
               "order %s%s%s%s: %s", lines[0].key, lines[1].key,
               lines[2].key, lines[3].key, buf);
        pc_findings_clear(fx->ctx, &f);
    }
    report();
}

/* Hubs near each other (layer == target): a hub is not its own nearest. */
static void test_near_self(void **state)
{
    struct tu_fx *fx = *state;
    struct ft hubs[] = {{"H1", "POINT(0 0)", "port", NULL, NULL},
                        {"H2", "POINT(3000 0)", "port", NULL, NULL},
                        {"H3", "POINT(10000 0)", "port", NULL, NULL},
                        {"H4", "POINT(99999 0)", "airport", NULL, NULL}};
    pc_layer *l = layer_of(fx->ctx, "hubs", hubs, 4);
    pc_rules *r = session(fx, 2);
    int li = tu_add_layer(fx, r, l, "hubs", "code");
    const char *const ports[] = {"port"};
    pc_near_opts o = {PC_SEV_ERROR, 5000, NULL, NULL, {"class", ports, 1},
                      {"class", ports, 1}};
    pc_findings f = {0};
    RULE_OK(fx, pc_rules_near(fx->ctx, r, li, li, &o, &f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    const pc_finding *x = tu_find(&f, "near.too_far", "H3", "H2", NULL);
    EXPECT(f.n == 1 && x && fabs(x->measured_m2 - 7000) < 1e-9, "%s", buf);
    pc_findings_clear(fx->ctx, &f);
    /* the airport alone among the airports: nothing else to be near */
    const char *const airports[] = {"airport"};
    o.where = o.where_target = (pc_where){"class", airports, 1};
    RULE_OK(fx, pc_rules_near(fx->ctx, r, li, li, &o, &f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
    tu_dump(&f, buf, sizeof buf);
    x = tu_find(&f, "near.no_target", "H4", NULL, NULL);
    EXPECT(f.n == 1 && x && !x->key2 && isnan(x->measured_m2) &&
               tu_contains(x->message, "no other feature of hubs"),
           "alone: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, l);
    report();
}

/* A line GEOS gives no finite distance to (a NaN coordinate) is never
 * the nearest; when it is the only one, the hub is unevaluated. */
static void test_near_not_finite(void **state)
{
    struct tu_fx *fx = *state;
    struct ft hubs[] = {{"H", "POINT(5000 2000.01)", NULL, NULL, NULL}};
    struct ft lines[] = {{"BAD", "LINESTRING(4000 2000,NaN 2000)", NULL, NULL,
                          NULL},
                         {"L01", "LINESTRING(0 0,10000 0)", NULL, NULL, NULL}};
    pc_near_opts o = {PC_SEV_ERROR, 2000, NULL, NULL, {0}, {0}};
    pc_findings f = {0};
    run_near(fx, hubs, 1, lines, 2, &o, 1, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    const pc_finding *x = tu_find(&f, "near.too_far", "H", "L01", NULL);
    EXPECT(f.n == 1 && x && fabs(x->measured_m2 - 2000.01) < 1e-6,
           "with L01: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    run_near(fx, hubs, 1, lines, 1, &o, 1, &f);
    tu_dump(&f, buf, sizeof buf);
    EXPECT(f.n == 1 && tu_find(&f, "near.unevaluated", "H", NULL, NULL),
           "alone: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* Empty layers: no hub, no finding; no line, every hub near.no_target. */
static void test_near_empty(void **state)
{
    struct tu_fx *fx = *state;
    struct ft hubs[] = {{"H1", "POINT(0 0)", NULL, NULL, NULL},
                        {"H2", "POINT(10 0)", NULL, NULL, "L01"}};
    pc_near_opts o = {PC_SEV_ERROR, 2000, NULL, "ref", {0}, {0}};
    pc_findings f = {0};
    run_near(fx, NULL, 0, near_lines, 5, &o, 2, &f);
    EXPECT(f.n == 0, "no hubs: %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    run_near(fx, hubs, 2, NULL, 0, &o, 2, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    EXPECT(f.n == 2 && tu_find(&f, "near.no_target", "H1", NULL, NULL) &&
               tu_find(&f, "near.unknown_ref", "H2", "L01", NULL),
           "no lines: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* ---- lines within ----------------------------------------------------------
 * Cities C1 (0..10000 square) and C2 (10000..20000 x 0..10000), members,
 * share the edge x = 10000; C3 (0..10000 x 20000..30000) is not one. */

static const struct ft cities[] = {
    {"C1", "POLYGON((0 0,10000 0,10000 10000,0 10000,0 0))", "member", NULL,
     NULL},
    {"C2", "POLYGON((10000 0,20000 0,20000 10000,10000 10000,10000 0))",
     "member", NULL, NULL},
    {"C3", "POLYGON((0 20000,10000 20000,10000 30000,0 30000,0 20000))",
     "other", NULL, NULL},
};

struct within_case {
    const char *name, *wkt;
    double tol, min_pct;
    const char *city_class;  /* where_container class, or NULL: all */
    const char *rule;        /* NULL: no finding */
    double outside;          /* measured_m2; NAN: not checked */
    const char *msg;
};

/* the rest of a case without a finding */
#define INSIDE NULL, NAN, NULL

/* dips below y = 0 and back: a third of its length lies outside */
#define DIP "LINESTRING(1000 100,2000 -50,3000 100)"

static const struct within_case within_cases[] = {
    {"inside C1", "LINESTRING(1000 5000,9000 5000)", 100, 0, "member", INSIDE},
    {"across the shared edge", "LINESTRING(5000 5000,15000 5000)", 0, 0,
     "member", INSIDE},
    {"along the shared edge", "LINESTRING(10000 1000,10000 9000)", 0, 0,
     "member", INSIDE},
    {"along the outer boundary", "LINESTRING(0 1000,0 9000)", 0, 0, "member",
     INSIDE},
    {"99.9 m out, tolerance 100", "LINESTRING(15000 5000,20099.9 5000)", 100,
     0, "member", INSIDE},
    {"100 m out, tolerance 100", "LINESTRING(15000 5000,20100 5000)", 100, 0,
     "member", INSIDE},
    {"100.1 m out, tolerance 100", "LINESTRING(15000 5000,20100.1 5000)", 100,
     0, "member", "line.outside", 100.1,
     "lines R: 100.10 m of its 5100.10 m lie outside cities (98.04 % inside; "
     "tolerance 100 m)"},
    {"a dip out and back, tolerance 674", DIP, 674, 0, "member",
     "line.outside", 2 * 1011.1874208078342 / 3, "(66.67 % inside;"},
    {"a dip out and back, tolerance 674.2", DIP, 674.2, 0, "member", INSIDE},
    {"90 % inside, at least 90", "LINESTRING(19100 5000,20100 5000)", 1000,
     90, "member", INSIDE},
    {"90 % inside, at least 90.1", "LINESTRING(19100 5000,20100 5000)", 1000,
     90.1, "member", "line.outside", 100,
     "(90.00 % inside; tolerance 1000 m, at least 90.1 % inside)"},
    {"89.99 % inside, at least 90", "LINESTRING(19100 5000,20100.1 5000)",
     1000, 90, "member", "line.outside", 100.1, NULL},
    {"90 % inside, no share, tolerance 100",
     "LINESTRING(19100 5000,20100 5000)", 100, 0, "member", INSIDE},
    {"wholly outside", "LINESTRING(30000 0,31000 0)", 0, 0, "member",
     "line.outside", 1000, "(0.00 % inside"},
    {"in C3, which does not count", "LINESTRING(1000 25000,9000 25000)", 0, 0,
     "member", "line.outside", 8000, NULL},
    {"in C3, every city counting", "LINESTRING(1000 25000,9000 25000)", 0, 0,
     NULL, INSIDE},
    {"no city counts", "LINESTRING(1000 5000,9000 5000)", 0, 0, "none",
     "line.outside", 8000, "which has no polygon that counts"},
    {"two parts, one half out",
     "MULTILINESTRING((1000 1000,2000 1000),(20000 1000,20500 1000))", 100, 0,
     "member", "line.outside", 500, "(66.67 % inside;"},
    {"no geometry", NULL, 0, 0, "member", "line.geometry", NAN,
     "no geometry"},
    {"empty", "LINESTRING EMPTY", 0, 0, "member", "line.geometry", NAN,
     "empty geometry"},
    {"a point", "POINT(5000 5000)", 0, 0, "member", "line.geometry", NAN,
     "a point where lines are expected"},
    {"a polygon", "POLYGON((1 1,2 1,2 2,1 1))", 0, 0, "member",
     "line.geometry", NAN, "a polygon where lines are expected"},
    {"zero length", "LINESTRING(5000 5000,5000 5000)", 0, 0, "member",
     "line.geometry", NAN, "zero length"},
    {"coordinates not numbers", "LINESTRING(5000 5000,NaN 5000)", 0, 0,
     "member", "line.geometry", NAN, "cannot measure"},
};

/* Runs lines_within for lines against containers in a fresh session. */
static void run_within(struct tu_fx *fx, const struct ft *lines, size_t nl,
                       const struct ft *cs, size_t nc,
                       const pc_lines_within_opts *o, int threads,
                       pc_findings *out)
{
    pc_layer *l = layer_of(fx->ctx, "lines", lines, nl);
    pc_layer *c = layer_of(fx->ctx, "cities", cs, nc);
    pc_rules *r = session(fx, threads);
    int li = tu_add_layer(fx, r, l, "lines", "code"), ci = tu_add_layer(fx, r, c, "cities", "code");
    RULE_OK(fx, pc_rules_lines_within(fx->ctx, r, li, ci, o, out));
    RULE_OK(fx, pc_findings_finish(fx->ctx, out));
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, l);
    pc_layer_free(fx->ctx, c);
}

static void test_within_cases(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    /* by hand: the dip's legs are hypot(1000, 150) long */
    EXPECT(fabs(hypot(1000, 150) - 1011.1874208078342) < 1e-9,
           "dip leg %.17g", hypot(1000, 150));
    for (size_t c = 0; c < sizeof within_cases / sizeof within_cases[0];
         c++) {
        const struct within_case *wc = &within_cases[c];
        struct ft lines[] = {{"R", wc->wkt, "main", NULL, NULL}};
        const char *const cls[] = {wc->city_class};
        pc_lines_within_opts o = {PC_SEV_ERROR, wc->tol, wc->min_pct, {0},
                                  {0}};
        if (wc->city_class)
            o.where_container = (pc_where){"class", cls, 1};
        pc_findings f = {0};
        run_within(fx, lines, 1, cities, 3, &o, 2, &f);
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        EXPECT(f.n == (wc->rule ? 1u : 0u), "%s: %zu findings: %s", wc->name,
               f.n, buf);
        const pc_finding *x = wc->rule ? tu_find(&f, wc->rule, "R", NULL, NULL) : NULL;
        EXPECT(!wc->rule || x, "%s: no %s finding: %s", wc->name, wc->rule,
               buf);
        if (x) {
            EXPECT(streq(x->layer, "lines") && x->fid == 1 && !x->key2 &&
                       !x->repaired,
                   "%s: layer %s fid %lld", wc->name, x->layer,
                   (long long)x->fid);
            if (wc->msg)
                EXPECT(tu_contains(x->message, wc->msg), "%s: message \"%s\" "
                       "lacks \"%s\"", wc->name, x->message, wc->msg);
        }
        if (x && !isnan(wc->outside)) {
            double len = NAN;
            if (x->geom)
                GEOSLength_r(h, x->geom, &len);
            EXPECT(fabs(x->measured_m2 - wc->outside) <= 1e-6 &&
                       x->tolerance_m2 == wc->tol && streq(x->unit, "m") &&
                       fabs(len - x->measured_m2) <= 1e-6,
                   "%s: outside %.12g (geometry %.12g), by hand %.12g, "
                   "tolerance %g", wc->name, x->measured_m2, len, wc->outside,
                   x->tolerance_m2);
        }
        pc_findings_clear(fx->ctx, &f);
    }
    report();
}

/* The part outside is the finding's geometry: for the line leaving C2 at
 * x = 20000, the piece from there to its end. */
static void test_within_outside_part(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    struct ft lines[] = {{"R", "LINESTRING(15000 5000,20100.1 5000)", NULL,
                          NULL, NULL}};
    pc_lines_within_opts o = {PC_SEV_WARNING, 100, 0, {0}, {0}};
    pc_findings f = {0};
    run_within(fx, lines, 1, cities, 2, &o, 1, &f);
    GEOSGeometry *want =
        local_geom(fx->ctx, "LINESTRING(20000 5000,20100.1 5000)");
    EXPECT(f.n == 1 && f.items[0].geom &&
               GEOSEqualsExact_r(h, f.items[0].geom, want, 1e-6) == 1 &&
               f.items[0].severity == PC_SEV_WARNING &&
               streq(f.items[0].id, "line.outside:lines:R"),
           "the outside part is not LINESTRING(20000 5000,20100.1 5000)");
    GEOSGeom_destroy_r(h, want);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* Lines the filter leaves out take no part, not even a line.geometry. */
static void test_within_where(void **state)
{
    struct tu_fx *fx = *state;
    struct ft lines[] = {
        {"main_out", "LINESTRING(30000 0,31000 0)", "main", NULL, NULL},
        {"link_out", "LINESTRING(30000 0,31000 0)", "link", NULL, NULL},
        {"link_null", NULL, "link", NULL, NULL},
        {"main_in", "LINESTRING(1000 1000,2000 1000)", "main", NULL, NULL},
    };
    const char *const mains[] = {"main"};
    const char *const members[] = {"member"};
    pc_lines_within_opts o = {PC_SEV_ERROR, 0, 0, {"class", mains, 1},
                              {"class", members, 1}};
    pc_findings f = {0};
    run_within(fx, lines, 4, cities, 3, &o, 2, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    EXPECT(f.n == 1 && tu_find(&f, "line.outside", "main_out", NULL, NULL), "%s", buf);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* An invalid city (a bow tie) goes in as its MakeValid repair, two
 * triangles meeting at (5000, 5000): lines in either triangle are inside,
 * the findings say a repair was used. */
static void test_within_invalid_container(void **state)
{
    struct tu_fx *fx = *state;
    struct ft bowtie[] = {
        {"B", "POLYGON((0 0,10000 10000,10000 0,0 10000,0 0))", NULL, NULL,
         NULL}};
    struct ft lines[] = {
        {"left", "LINESTRING(1000 5000,2000 5000)", NULL, NULL, NULL},
        {"through", "LINESTRING(4000 5000,6000 5000)", NULL, NULL, NULL},
        {"waist", "LINESTRING(5000 1000,5000 2000)", NULL, NULL, NULL},
    };
    pc_lines_within_opts o = {PC_SEV_ERROR, 0, 0, {0}, {0}};
    pc_findings f = {0};
    run_within(fx, lines, 3, bowtie, 1, &o, 2, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    const pc_finding *x = tu_find(&f, "line.outside", "waist", NULL, NULL);
    EXPECT(f.n == 1 && x && fabs(x->measured_m2 - 1000) < 1e-6 && x->repaired,
           "%s", buf);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* Empty layers: no line, no finding; no city, every line wholly outside. */
static void test_within_empty(void **state)
{
    struct tu_fx *fx = *state;
    struct ft lines[] = {{"R", "LINESTRING(0 0,100 0)", NULL, NULL, NULL}};
    pc_lines_within_opts o = {PC_SEV_ERROR, 0, 0, {0}, {0}};
    pc_findings f = {0};
    run_within(fx, NULL, 0, cities, 3, &o, 2, &f);
    EXPECT(f.n == 0, "no lines: %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    run_within(fx, lines, 1, NULL, 0, &o, 2, &f);
    EXPECT(f.n == 1 && fabs(f.items[0].measured_m2 - 100) < 1e-9,
           "no cities: %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    report();
}

/* ---- determinism and the nearest-neighbour search -------------------------
 * Hundreds of hubs and lines at random (enough for several threads): the
 * findings must be the same with 1, 2 and 4 threads, and the nearest line
 * the tree finds the one a scan of every line finds. */

#define NHUBS 2600
#define NLINES 120
#define NROUTES 2200

static uint64_t g_rng;

static uint64_t rnd(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 2685821657736338717ULL;
}

static double rnd_m(double lo, double hi)
{
    return lo + (hi - lo) * (double)(rnd() >> 11) / 9007199254740992.0;
}

struct region {
    pc_layer *hubs, *lines, *cities;
};

static void region(pc_ctx *ctx, struct region *rg)
{
    char wkt[256], key[32];
    g_rng = 11;
    rg->hubs = layer_of(ctx, "hubs", NULL, 0);
    rg->lines = layer_of(ctx, "lines", NULL, 0);
    rg->cities = layer_of(ctx, "cities", NULL, 0);
    for (int i = 0; i < NLINES; i++) {
        double x = rnd_m(0, 100000), y = rnd_m(0, 100000);
        snprintf(wkt, sizeof wkt, "LINESTRING(%.3f %.3f,%.3f %.3f,%.3f %.3f)",
                 x, y, x + rnd_m(-8000, 8000), y + rnd_m(-8000, 8000),
                 x + rnd_m(-8000, 8000), y + rnd_m(-8000, 8000));
        snprintf(key, sizeof key, "L%03d", i % 100); /* some keys twice */
        pc_feature *f = tu_layer_add_feature(ctx, rg->lines, i + 1, NULL);
        f->geom = local_geom(ctx, wkt);
        tu_set_text(f, F_CODE, key);
        tu_set_text(f, F_CLASS, i % 3 ? "road" : "rail");
    }
    for (int i = 0; i < NHUBS; i++) {
        snprintf(wkt, sizeof wkt, "POINT(%.3f %.3f)", rnd_m(-5000, 105000),
                 rnd_m(-5000, 105000));
        snprintf(key, sizeof key, "H%03d", i);
        pc_feature *f = tu_layer_add_feature(ctx, rg->hubs, i + 1, NULL);
        f->geom = local_geom(ctx, wkt);
        tu_set_text(f, F_CODE, key);
        if (i % 7 == 0)
            tu_set_text(f, F_DIST, i % 14 ? "6000" : "far");
        if (i % 5 == 0) {
            snprintf(key, sizeof key, "L%03d、L%03d", (int)(rnd() % 100),
                     (int)(rnd() % 130));
            tu_set_text(f, F_REF, key);
        }
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            snprintf(wkt, sizeof wkt, "POLYGON((%d %d,%d %d,%d %d,%d %d,"
                     "%d %d))", i * 30000, j * 30000, i * 30000 + 30000,
                     j * 30000, i * 30000 + 30000, j * 30000 + 30000,
                     i * 30000, j * 30000 + 30000, i * 30000, j * 30000);
            snprintf(key, sizeof key, "C%d%d", i, j);
            pc_feature *f = tu_layer_add_feature(
                ctx, rg->cities, (int64_t)rg->cities->nfeatures + 1, NULL);
            f->geom = local_geom(ctx, wkt);
            tu_set_text(f, F_CODE, key);
            tu_set_text(f, F_CLASS, i == 2 && j == 2 ? "other" : "member");
        }
    for (int i = 0; i < NROUTES; i++) {
        double x = rnd_m(0, 95000), y = rnd_m(0, 95000);
        snprintf(wkt, sizeof wkt, "LINESTRING(%.3f %.3f,%.3f %.3f)", x, y,
                 x + rnd_m(0, 8000), y + rnd_m(-3000, 3000));
        snprintf(key, sizeof key, "R%03d", i);
        pc_feature *f = tu_layer_add_feature(ctx, rg->lines, NLINES + i + 1,
                                             NULL);
        f->geom = local_geom(ctx, wkt);
        tu_set_text(f, F_CODE, key);
        tu_set_text(f, F_CLASS, "route");
    }
    pc_layer_update_extent(ctx, rg->hubs);
    pc_layer_update_extent(ctx, rg->lines);
    pc_layer_update_extent(ctx, rg->cities);
}

static void region_free(pc_ctx *ctx, struct region *rg)
{
    pc_layer_free(ctx, rg->hubs);
    pc_layer_free(ctx, rg->lines);
    pc_layer_free(ctx, rg->cities);
}

static const char *const lines_classes[] = {"road", "rail"};
static const char *const route_class[] = {"route"};
static const char *const member_class[] = {"member"};

static void all_regional_rules(struct tu_fx *fx, const struct region *rg,
                               int threads, pc_findings *f)
{
    pc_rules *r = session(fx, threads);
    int hi = tu_add_layer(fx, r, rg->hubs, "hubs", "code");
    int li = tu_add_layer(fx, r, rg->lines, "lines", "code");
    int ci = tu_add_layer(fx, r, rg->cities, "cities", "code");
    pc_near_opts no = {PC_SEV_ERROR, 4000, "max_m", "ref", {0},
                       {"class", lines_classes, 2}};
    pc_lines_within_opts wo = {PC_SEV_WARNING, 50, 95,
                               {"class", route_class, 1},
                               {"class", member_class, 1}};
    RULE_OK(fx, pc_rules_near(fx->ctx, r, hi, li, &no, f));
    RULE_OK(fx, pc_rules_lines_within(fx->ctx, r, li, ci, &wo, f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, f));
    pc_rules_free(fx->ctx, r);
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void test_determinism(void **state)
{
    struct tu_fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    struct region rg;
    region(fx->ctx, &rg);
    pc_findings f1 = {0};
    all_regional_rules(fx, &rg, 1, &f1);
    static const char *const rules[] = {"near.too_far", "near.unknown_ref",
                                        "near.value", "line.outside"};
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++)
        EXPECT(count_rule(&f1, rules[k]) > 0, "no %s finding", rules[k]);
    /* the nearest by a scan of every road and rail line */
    size_t scanned = 0;
    for (size_t i = 0; i < rg.hubs->nfeatures; i++) {
        const pc_feature *hf = &rg.hubs->features[i];
        if (!hf->values[F_DIST].is_null || !hf->values[F_REF].is_null)
            continue;
        double best = INFINITY;
        const char *best_key = NULL;
        for (size_t j = 0; j < rg.lines->nfeatures; j++) {
            const pc_feature *lf = &rg.lines->features[j];
            if (strcmp(lf->values[F_CLASS].s, "route") == 0)
                continue;
            double d;
            assert_int_equal(GEOSDistance_r(h, hf->geom, lf->geom, &d), 1);
            if (d < best ||
                (d == best && strcmp(lf->values[F_CODE].s, best_key) < 0)) {
                best = d;
                best_key = lf->values[F_CODE].s;
            }
        }
        const pc_finding *x = tu_find(&f1, "near.too_far", hf->values[F_CODE].s,
                                   NULL, NULL);
        if (best > 4000)
            EXPECT(x && x->measured_m2 == best && streq(x->key2, best_key),
                   "%s: nearest %s at %.9g by the scan, finding %s at %.9g",
                   hf->values[F_CODE].s, best_key, best, x ? x->key2 : "-",
                   x ? x->measured_m2 : NAN);
        else
            EXPECT(!x, "%s: %.9g m from %s, yet a finding",
                   hf->values[F_CODE].s, best, best_key);
        scanned++;
    }
    EXPECT(scanned > NHUBS / 2, "only %zu hubs scanned", scanned);
    for (int threads = 2; threads <= 4; threads += 2) {
        pc_findings f = {0};
        all_regional_rules(fx, &rg, threads, &f);
        EXPECT(f.n == f1.n, "%d threads: %zu findings, 1 thread: %zu",
               threads, f.n, f1.n);
        size_t shown = 0;
        for (size_t k = 0; k < f.n && k < f1.n; k++) {
            const pc_finding *a = &f1.items[k], *b = &f.items[k];
            if ((!streq(a->id, b->id) ||
                 !same_double(a->measured_m2, b->measured_m2) ||
                 !streq(a->message, b->message)) &&
                shown++ < 3)
                expect_failed(__LINE__, "%d threads: finding %zu is %s %.17g,"
                              " with 1 thread %s %.17g", threads, k, b->id,
                              b->measured_m2, a->id, a->measured_m2);
        }
        pc_findings_clear(fx->ctx, &f);
    }
    pc_findings_clear(fx->ctx, &f1);
    region_free(fx->ctx, &rg);
    report();
}

/* ---- tool errors --------------------------------------------------------- */

static void test_errors(void **state)
{
    struct tu_fx *fx = *state;
    pc_layer *hl = layer_of(fx->ctx, "hubs", near_lines, 1);
    pc_layer *ll = layer_of(fx->ctx, "lines", near_lines, 2);
    pc_rules *r = session(fx, 2);
    int hi = tu_add_layer(fx, r, hl, "hubs", "code"), li = tu_add_layer(fx, r, ll, "lines", "code");
    pc_findings f = {0};
    const char *const any[] = {"x"};
    static const struct {
        const char *name;
        pc_near_opts o;
        pc_status st;
        const char *msg;
    } near_errs[] = {
        {"distance field", {PC_SEV_ERROR, 1, "nosuch_d", NULL, {0}, {0}},
         PC_ERR_INPUT, "nosuch_d"},
        {"ref field", {PC_SEV_ERROR, 1, NULL, "nosuch_r", {0}, {0}},
         PC_ERR_INPUT, "nosuch_r"},
        {"negative max", {PC_SEV_ERROR, -1, NULL, NULL, {0}, {0}},
         PC_ERR_USAGE, "max_distance_m"},
        {"NAN max", {PC_SEV_ERROR, NAN, NULL, NULL, {0}, {0}}, PC_ERR_USAGE,
         "max_distance_m"},
        {"infinite max", {PC_SEV_ERROR, INFINITY, NULL, NULL, {0}, {0}},
         PC_ERR_USAGE, "max_distance_m"},
    };
    for (size_t k = 0; k < sizeof near_errs / sizeof near_errs[0]; k++)
        EXPECT(pc_rules_near(fx->ctx, r, hi, li, &near_errs[k].o, &f) ==
                       near_errs[k].st &&
                   tu_contains(pc_ctx_error(fx->ctx), near_errs[k].msg),
               "near, %s: %s", near_errs[k].name, pc_ctx_error(fx->ctx));
    pc_near_opts no = {PC_SEV_ERROR, 1, NULL, NULL, {"nosuch_w", any, 1},
                       {0}};
    EXPECT(pc_rules_near(fx->ctx, r, hi, li, &no, &f) == PC_ERR_INPUT &&
               tu_contains(pc_ctx_error(fx->ctx), "nosuch_w"),
           "near, where field: %s", pc_ctx_error(fx->ctx));
    no = (pc_near_opts){PC_SEV_ERROR, 1, NULL, NULL, {0},
                        {"nosuch_t", any, 1}};
    EXPECT(pc_rules_near(fx->ctx, r, hi, li, &no, &f) == PC_ERR_INPUT &&
               tu_contains(pc_ctx_error(fx->ctx), "nosuch_t"),
           "near, where_target field: %s", pc_ctx_error(fx->ctx));
    pc_lines_within_opts wo = {PC_SEV_ERROR, -1, 0, {0}, {0}};
    EXPECT(pc_rules_lines_within(fx->ctx, r, li, hi, &wo, &f) == PC_ERR_USAGE,
           "within, negative tolerance: %s", pc_ctx_error(fx->ctx));
    wo = (pc_lines_within_opts){PC_SEV_ERROR, 0, 100.5, {0}, {0}};
    EXPECT(pc_rules_lines_within(fx->ctx, r, li, hi, &wo, &f) == PC_ERR_USAGE,
           "within, share above 100: %s", pc_ctx_error(fx->ctx));
    wo = (pc_lines_within_opts){PC_SEV_ERROR, 0, 0, {0}, {"nosuch_c", any, 1}};
    EXPECT(pc_rules_lines_within(fx->ctx, r, li, hi, &wo, &f) ==
                   PC_ERR_INPUT &&
               tu_contains(pc_ctx_error(fx->ctx), "nosuch_c"),
           "within, where_container field: %s", pc_ctx_error(fx->ctx));
    EXPECT(f.n == 0, "%zu findings after errors", f.n);
    /* an empty ref_field name is no ref_field */
    no = (pc_near_opts){PC_SEV_ERROR, 0, NULL, "", {0}, {0}};
    RULE_OK(fx, pc_rules_near(fx->ctx, r, hi, li, &no, &f));
    EXPECT(f.n == 0, "ref_field \"\": %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, hl);
    pc_layer_free(fx->ctx, ll);
    report();
}

/* ---- main ---------------------------------------------------------------- */

#define T(name) TU_FX_TEST(name)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        T(test_near_cases),
        T(test_near_shortest_line),
        T(test_near_real_field),
        T(test_near_where),
        T(test_near_tie),
        T(test_near_self),
        T(test_near_not_finite),
        T(test_near_empty),
        T(test_within_cases),
        T(test_within_outside_part),
        T(test_within_where),
        T(test_within_invalid_container),
        T(test_within_empty),
        T(test_determinism),
        T(test_errors),
    };
    if (argc > 1) /* e.g. test_regional 'test_near*' */
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("regional", tests, NULL, NULL);
}
