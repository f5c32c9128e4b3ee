/* test_reconcile.c: the plan-reconciliation rules (check.h, "plan
 * reconciliation": zone figures, parts adding up and lying inside, cycles,
 * capacity and quotas, duplicate keys, figures of one feature against each
 * other) on hand-built layers in EPSG:4549.
 *
 * Cases are written in local metres and moved to x 580000, y 3093000, as in
 * test_rules.c; the area method is planar, so every area is a rectangle's,
 * worked out here by hand. Tolerances are 1 m2 / 0.1 % / 2 % for 约
 * throughout: a figure D is within when |measured - D| <= max(1, rel x D),
 * and the cases sit just inside and just outside that edge.
 *
 * Sums that no finding would show are made visible by a figure of 0 m2
 * (then any parcel at all exceeds it and the finding carries the sum).
 * Expectation failures are collected and reported after the test has freed
 * everything (nothing leaks under the sanitizers when a test fails).
 * `test_reconcile 'test_cap*'` runs matching tests only. */
#include "testutil.h"

#include "plancheck/check.h"
#include "plancheck/findings.h"
#include "plancheck/units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MU (2000.0 / 3.0)

/* WKT of the rectangle [x0, x1] x [y0, y1] (local metres). */
#define RECT(x0, y0, x1, y1)                                                 \
    "POLYGON((" #x0 " " #y0 "," #x1 " " #y0 "," #x1 " " #y1 "," #x0 " " #y1 \
    "," #x0 " " #y0 "))"

/* ---- hand-built layers --------------------------------------------------- */

/* One feature of any layer here: key (field "code"), local WKT (NULL: a
 * NULL geometry), FID (0: its position + 1) and text attributes, NULL when
 * not given. A list ends at the first entry with neither key nor WKT. */
struct ft {
    const char *key, *wkt;
    int64_t fid;
    const char *zone, *cls, *decl, *unit, *approx, *alt, *alt_unit, *f1, *f2,
        *f3;
};

enum { F_CODE, F_ZONE, F_CLS, F_DECL, F_UNIT, F_APPROX, F_ALT, F_ALT_UNIT,
       F_F1, F_F2, F_F3, F_COUNT };

static const char *const field_names[F_COUNT] = {
    "code", "zone", "cls", "decl_area", "unit", "approx", "alt_area",
    "alt_unit", "f1", "f2", "f3"};

static pc_layer *build(pc_ctx *ctx, const char *name, const struct ft *fs,
                       size_t n)
{
    pc_layer *l = tu_layer_new(ctx, name, "EPSG:4549");
    for (int k = 0; k < F_COUNT; k++)
        assert_int_equal(tu_layer_add_field(l, field_names[k], PC_FIELD_TEXT),
                         k);
    for (size_t i = 0; i < n && (fs[i].key || fs[i].wkt); i++) {
        pc_feature *f = tu_layer_add_feature(
            ctx, l, fs[i].fid ? fs[i].fid : (int64_t)i + 1, NULL);
        if (fs[i].wkt)
            f->geom = local_geom(ctx, fs[i].wkt);
        const char *v[F_COUNT] = {fs[i].key,    fs[i].zone,   fs[i].cls,
                                  fs[i].decl,   fs[i].unit,   fs[i].approx,
                                  fs[i].alt,    fs[i].alt_unit, fs[i].f1,
                                  fs[i].f2,     fs[i].f3};
        for (int k = 0; k < F_COUNT; k++)
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

/* |a - b| small against the figures used here (areas up to 1e7 m2). */
static int near(double a, double b)
{
    return fabs(a - b) <= 1e-6 * fmax(1, fabs(b));
}

static const pc_zone_figure_opts zone_opts = {PC_SEV_ERROR, {1, 0.1, 2}, 0.5};

static pc_stated_area area(double v, pc_unit u, int approx, const char *text)
{
    pc_stated_area s = {v, u, approx, text};
    return s;
}

/* Runs pc_rules_zone_figures on the zones layer `zl` (keyed by "code") in a
 * fresh session; findings finished into out. */
static void run_figures(struct tu_fx *fx, pc_layer *zl,
                        const pc_zone_figure *figs, size_t nfigs,
                        const pc_zone_figure_opts *o, pc_findings *out)
{
    pc_rules *r = session(fx, 1);
    int z = tu_add_layer(fx, r, zl, "zones", "code");
    RULE_OK(fx, pc_rules_zone_figures(fx->ctx, r, z, figs, nfigs, o, out));
    RULE_OK(fx, pc_findings_finish(fx->ctx, out));
    pc_rules_free(fx->ctx, r);
}

/* ---- figure.area ----------------------------------------------------------
 * One zone per case, each checked alone against its figure. */

struct area_case {
    const char *name;
    const char *wkt;
    double measured;         /* by hand */
    pc_stated_area fig;
    int expect;              /* a figure.area finding */
    const char *msg;         /* in the message, or NULL */
};

static const struct area_case area_cases[] = {
    {"15 亩 is 10000 m2 exactly", RECT(0, 0, 100, 100), 10000,
     {15, PC_UNIT_MU, 0, "15"}, 0, NULL},
    /* 10010: 10 <= 10.01 */
    {"10010 m2 just inside 0.1 %", RECT(0, 0, 100, 100), 10000,
     {10010, PC_UNIT_M2, 0, NULL}, 0, NULL},
    /* 10011: 11 > 10.011 */
    {"10011 m2 just outside 0.1 %", RECT(0, 0, 100, 100), 10000,
     {10011, PC_UNIT_M2, 0, NULL}, 1, "10011 平方米 (10011.0 m2)"},
    /* 约10204: 204 <= 204.08 */
    {"约10204 m2 just inside 2 %", RECT(0, 0, 100, 100), 10000,
     {10204, PC_UNIT_M2, 1, "约10204"}, 0, NULL},
    /* 约10205: 205 > 204.1 */
    {"约10205 m2 just outside 2 %", RECT(0, 0, 100, 100), 10000,
     {10205, PC_UNIT_M2, 1, "约10205"}, 1, "约10205 平方米"},
    {"10204 m2 without 约 is outside", RECT(0, 0, 100, 100), 10000,
     {10204, PC_UNIT_M2, 0, "10204"}, 1, NULL},
    {"approx flag without 约 in the text", RECT(0, 0, 100, 100), 10000,
     {10204, PC_UNIT_M2, 1, "10204"}, 0, NULL},
    /* 100.99 vs 100: 0.99 <= max(1, 0.101) */
    {"small zone: 1 m2 absolute, inside", RECT(0, 0, 10, 10), 100,
     {100.99, PC_UNIT_M2, 0, NULL}, 0, NULL},
    {"small zone: 1 m2 absolute, outside", RECT(0, 0, 10, 10), 100,
     {101.01, PC_UNIT_M2, 0, NULL}, 1, NULL},
    {"1 公顷 on 200 x 50", RECT(0, 0, 200, 50), 10000,
     {1, PC_UNIT_HA, 0, "1"}, 0, NULL},
    {"约1.02 公顷 printed with its unit", RECT(0, 0, 200, 50), 10000,
     {1.02, PC_UNIT_HA, 1, "约1.02 公顷"}, 0, NULL},
    {"0.0099 km2 against 10000 m2", RECT(0, 0, 100, 100), 10000,
     {0.0099, PC_UNIT_KM2, 0, NULL}, 1,
     "planar area 10000.0 m2 (0.01 平方公里) differs from the plan's 0.0099 "
     "平方公里 (9900.0 m2) by +100.0 m2 (+1.0 %); tolerance 9.9 m2 (L9)"},
    {"NaN figure: none", RECT(0, 0, 100, 100), 10000,
     {NAN, PC_UNIT_M2, 0, NULL}, 0, NULL},
    {"negative figure: none", RECT(0, 0, 100, 100), 10000,
     {-5, PC_UNIT_M2, 0, NULL}, 0, NULL},
    {"no polygon: none", NULL, NAN, {1, PC_UNIT_M2, 0, NULL}, 0, NULL},
    {"a line is no polygon", "LINESTRING(0 0,100 0)", NAN,
     {1, PC_UNIT_M2, 0, NULL}, 0, NULL},
};

static void test_figure_area(void **state)
{
    struct tu_fx *fx = *state;
    size_t n = N(area_cases);
    char keys[N(area_cases)][16];
    struct ft fs[N(area_cases) + 1];
    pc_zone_figure figs[N(area_cases)];
    memset(fs, 0, sizeof fs);
    memset(figs, 0, sizeof figs);
    for (size_t c = 0; c < n; c++) {
        snprintf(keys[c], sizeof keys[c], "Z%zu", c);
        fs[c].key = keys[c];
        fs[c].wkt = area_cases[c].wkt;
        figs[c].key = keys[c];
        figs[c].has_area = 1;
        figs[c].area = area_cases[c].fig;
        figs[c].source = "L9";
    }
    pc_layer *zl = build(fx->ctx, "zones", fs, n);
    pc_findings f = {0};
    run_figures(fx, zl, figs, n, &zone_opts, &f);
    char buf[4096];
    tu_dump(&f, buf, sizeof buf);
    for (size_t c = 0; c < n; c++) {
        const struct area_case *ac = &area_cases[c];
        const pc_finding *x = tu_find(&f, "figure.area", keys[c], NULL, NULL);
        EXPECT(!x == !ac->expect, "%s: finding %s expected %d: %s", ac->name,
               x ? "made" : "not made", ac->expect, buf);
        if (!x || !ac->expect)
            continue;
        double d = pc_unit_to_m2(ac->fig.value, ac->fig.unit);
        double tol = fmax(1, (ac->fig.approx ? 0.02 : 0.001) * d);
        EXPECT(near(x->measured_m2, ac->measured) && near(x->declared_m2, d) &&
                   near(x->diff_m2, ac->measured - d) &&
                   near(x->tolerance_m2, tol) && x->geom &&
                   streq(x->layer, "zones") && x->fid == (int64_t)c + 1 &&
                   streq(x->method, "planar"),
               "%s: measured %.9g declared %.9g diff %.9g tol %.9g fid %lld",
               ac->name, x->measured_m2, x->declared_m2, x->diff_m2,
               x->tolerance_m2, (long long)x->fid);
        EXPECT(tu_contains(x->message, keys[c]) &&
                   tu_contains(x->message, "(L9)") &&
                   (!ac->msg || tu_contains(x->message, ac->msg)),
               "%s: message %s", ac->name, x->message);
    }
    EXPECT(f.n == count_rule(&f, "figure.area"), "other findings: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    pc_layer_free(fx->ctx, zl);
    report();
}

/* A key held twice takes the first feature by FID (not by position); a key
 * no feature holds is figure.no_zone; figures without a key are skipped. */
static void test_figure_keys(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft fs[] = {
        {.key = "D", .wkt = RECT(0, 0, 100, 100), .fid = 20},
        {.key = "D", .wkt = RECT(0, 0, 50, 100), .fid = 10},
        {.key = "E", .wkt = RECT(0, 0, 100, 100)},
        {0}};
    pc_zone_figure figs[4];
    memset(figs, 0, sizeof figs);
    figs[0].key = "D";
    figs[0].has_area = 1;
    figs[0].area = area(5000, PC_UNIT_M2, 0, NULL); /* fid 10's area */
    figs[1].key = "MISSING";
    figs[1].has_area = 1;
    figs[1].area = area(1, PC_UNIT_MU, 0, NULL);
    figs[1].line = 12;
    figs[2].key = NULL; /* no key: nothing to check */
    figs[2].has_area = 1;
    figs[2].area = area(1, PC_UNIT_M2, 0, NULL);
    figs[3].key = "D"; /* listed twice: D checked twice, both fine */
    figs[3].has_area = 1;
    figs[3].area = area(7.5, PC_UNIT_MU, 0, NULL);
    pc_layer *zl = build(fx->ctx, "zones", fs, N(fs));
    pc_findings f = {0};
    run_figures(fx, zl, figs, N(figs), &zone_opts, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    const pc_finding *x = tu_find(&f, "figure.no_zone", "MISSING", NULL, NULL);
    EXPECT(f.n == 1 && x && !x->key2 && x->fid == -1 &&
               tu_contains(x->message, "MISSING") &&
               tu_contains(x->message, "plan file line 12"),
           "findings: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    /* the same figure of 10000 m2 differs from fid 10's 5000 */
    figs[0].area = area(10000, PC_UNIT_M2, 0, NULL);
    run_figures(fx, zl, figs, 1, &zone_opts, &f);
    x = tu_find(&f, "figure.area", "D", NULL, NULL);
    EXPECT(f.n == 1 && x && near(x->measured_m2, 5000) && x->fid == 10,
           "first by FID: %zu findings, measured %.9g fid %lld", f.n,
           x ? x->measured_m2 : NAN, x ? (long long)x->fid : -1LL);
    pc_findings_clear(fx->ctx, &f);
    pc_layer_free(fx->ctx, zl);
    report();
}

/* ---- figure.children_sum --------------------------------------------------
 * P is 100 x 100 (10000 m2), its parts A and B the halves (5000 m2 each).
 * Each case gives the figures (has_area 0: none) and says what the sum and
 * the zone's figure come to. */

#define NOAREA {0, PC_UNIT_M2, 0, NULL}

struct sum_case {
    const char *name;
    int has_p, has_a, has_b;
    pc_stated_area p, a, b;
    int children_sum;
    int expect;
    double sum, declared;  /* by hand, when expect */
    const char *msg;       /* in the message, or NULL */
};

static const struct sum_case sum_cases[] = {
    {"figures add up", 1, 1, 1, {15, PC_UNIT_MU, 0, "15"},
     {7.5, PC_UNIT_MU, 0, "7.5"}, {5000, PC_UNIT_M2, 0, NULL}, 1, 0, 0, 0,
     NULL},
    {"a part without figure counts measured", 1, 1, 0,
     {15, PC_UNIT_MU, 0, "15"}, {7.5, PC_UNIT_MU, 0, "7.5"}, NOAREA, 1, 0, 0, 0,
     NULL},
    {"short, with a measured part", 1, 1, 0, {15, PC_UNIT_MU, 0, "15"},
     {7, PC_UNIT_MU, 0, "7"}, NOAREA, 1, 1, 7 * MU + 5000, 10000,
     "P 15 亩 (10000.0 m2): its parts A, B (measured) add up to 9666.7 m2 "
     "(14.5 亩), 333.3 m2 (3.3 %) short; tolerance 10.0 m2 (L5)"},
    /* 10009.9: 9.9 <= 10 */
    {"over, just inside 0.1 %", 1, 1, 1, {10000, PC_UNIT_M2, 0, NULL},
     {5004.9, PC_UNIT_M2, 0, NULL}, {5005, PC_UNIT_M2, 0, NULL}, 1, 0, 0, 0,
     NULL},
    {"over, just outside 0.1 %", 1, 1, 1, {10000, PC_UNIT_M2, 0, NULL},
     {5005.1, PC_UNIT_M2, 0, NULL}, {5005, PC_UNIT_M2, 0, NULL}, 1, 1,
     10010.1, 10000, "over"},
    /* 10100 against 10000: 100 <= 200 with 约 from a part */
    {"约 from a part", 1, 1, 0, {10000, PC_UNIT_M2, 0, NULL},
     {5100, PC_UNIT_M2, 1, "约5100"}, NOAREA, 1, 0, 0, 0, NULL},
    {"no 约 anywhere", 1, 1, 0, {10000, PC_UNIT_M2, 0, NULL},
     {5100, PC_UNIT_M2, 0, NULL}, NOAREA, 1, 1, 10100, 10000, "A, B (measured)"},
    {"约 zone, just inside 2 %", 1, 1, 0, {10000, PC_UNIT_M2, 1, "约10000"},
     {5199, PC_UNIT_M2, 0, NULL}, NOAREA, 1, 0, 0, 0, NULL},
    {"约 zone, just outside 2 %", 1, 1, 0, {10000, PC_UNIT_M2, 1, "约10000"},
     {5201, PC_UNIT_M2, 0, NULL}, NOAREA, 1, 1, 10201, 10000, "约10000 平方米"},
    {"zone without figure: its area", 0, 1, 1, NOAREA,
     {5000, PC_UNIT_M2, 0, NULL}, {4000, PC_UNIT_M2, 0, NULL}, 1, 1, 9000,
     10000, "P (planar area 10000.0 m2)"},
    {"parts only inside: no sum", 1, 1, 0, {15, PC_UNIT_MU, 0, "15"},
     {1, PC_UNIT_MU, 0, "1"}, NOAREA, 0, 0, 0, 0, NULL},
};

static void test_children_sum(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft fs[] = {{.key = "P", .wkt = RECT(0, 0, 100, 100)},
                            {.key = "A", .wkt = RECT(0, 0, 50, 100)},
                            {.key = "B", .wkt = RECT(50, 0, 100, 100)},
                            {0}};
    pc_layer *zl = build(fx->ctx, "zones", fs, N(fs));
    static const char *const kids[] = {"A", "B"};
    for (size_t c = 0; c < N(sum_cases); c++) {
        const struct sum_case *sc = &sum_cases[c];
        pc_zone_figure figs[3];
        memset(figs, 0, sizeof figs);
        figs[0] = (pc_zone_figure){.key = "P", .has_area = sc->has_p,
                                   .area = sc->p, .children = kids,
                                   .nchildren = 2,
                                   .children_sum = sc->children_sum,
                                   .source = "L5"};
        figs[1] = (pc_zone_figure){.key = "A", .has_area = sc->has_a,
                                   .area = sc->a};
        figs[2] = (pc_zone_figure){.key = "B", .has_area = sc->has_b,
                                   .area = sc->b};
        pc_findings f = {0};
        run_figures(fx, zl, figs, 3, &zone_opts, &f);
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        const pc_finding *x = tu_find(&f, "figure.children_sum", "P", NULL, NULL);
        /* the parts' own figures may differ from their polygons too
         * (figure.area): only the sum is looked at here */
        EXPECT(!x == !sc->expect &&
                   count_rule(&f, "figure.children_sum") ==
                       (sc->expect ? 1u : 0u),
               "%s: %s", sc->name, buf);
        if (x && sc->expect) {
            int approx = sc->p.approx || sc->a.approx || sc->b.approx;
            double tol = fmax(1, (approx ? 0.02 : 0.001) * sc->declared);
            EXPECT(near(x->measured_m2, sc->sum) &&
                       near(x->declared_m2, sc->declared) &&
                       near(x->diff_m2, sc->sum - sc->declared) &&
                       near(x->tolerance_m2, tol),
                   "%s: sum %.9g declared %.9g diff %.9g tol %.9g", sc->name,
                   x->measured_m2, x->declared_m2, x->diff_m2,
                   x->tolerance_m2);
            EXPECT(!sc->msg || tu_contains(x->message, sc->msg),
                   "%s: message %s", sc->name, x->message);
        }
        pc_findings_clear(fx->ctx, &f);
    }
    pc_layer_free(fx->ctx, zl);
    report();
}

/* The message of the brief's example, figures only: 约5600 亩 against
 * three parts of 1700 亩. */
static void test_children_sum_message(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft fs[] = {{.key = "Z21", .wkt = RECT(0, 0, 300, 100)},
                            {.key = "Z21a", .wkt = RECT(0, 0, 100, 100)},
                            {.key = "Z21b", .wkt = RECT(100, 0, 200, 100)},
                            {.key = "Z21c", .wkt = RECT(200, 0, 300, 100)},
                            {0}};
    static const char *const kids[] = {"Z21a", "Z21b", "Z21c"};
    pc_zone_figure figs[4];
    memset(figs, 0, sizeof figs);
    figs[0] = (pc_zone_figure){.key = "Z21", .has_area = 1,
                               .area = area(5600, PC_UNIT_MU, 1, "约5600"),
                               .children = kids, .nchildren = 3,
                               .children_sum = 1, .source = "L1309"};
    for (int k = 0; k < 3; k++)
        figs[k + 1] = (pc_zone_figure){.key = kids[k], .has_area = 1,
                                       .area = area(1700, PC_UNIT_MU, 0,
                                                    "1700 亩")};
    pc_layer *zl = build(fx->ctx, "zones", fs, N(fs));
    pc_findings f = {0};
    run_figures(fx, zl, figs, N(figs), &zone_opts, &f);
    const pc_finding *x = tu_find(&f, "figure.children_sum", "Z21", NULL, NULL);
    EXPECT(x && streq(x->message,
                      "Z21 约5600 亩 (3733333.3 m2): its parts Z21a, Z21b, "
                      "Z21c add up to 3400000.0 m2 (5100 亩), 333333.3 m2 "
                      "(8.9 %) short; tolerance 74666.7 m2 (L1309)"),
           "message: %s", x && x->message ? x->message : "(no finding)");
    EXPECT(x && streq(x->unit, "亩") && x->declared_value == 5600 &&
               x->fid == 1,
           "unit %s value %g", x && x->unit ? x->unit : "(none)",
           x ? x->declared_value : NAN);
    pc_findings_clear(fx->ctx, &f);
    pc_layer_free(fx->ctx, zl);
    report();
}

/* ---- figure.child_outside -------------------------------------------------
 * P is 100 x 100; OUT sticks out 10 x 10 = 100 m2 past its east edge, IN
 * lies inside, EDGE along its south edge. Every part is checked, summing
 * or not. */

struct outside_case {
    const char *name;
    double inside_tol;
    int children_sum;
    int expect;          /* OUT reported */
};

static const struct outside_case outside_cases[] = {
    {"100 m2 outside, tolerance 99.9", 99.9, 0, 1},
    {"100 m2 outside, tolerance 100.1", 100.1, 0, 0},
    {"summing parts too", 99.9, 1, 1},
    {"tolerance 0", 0, 0, 1},
};

static void test_child_outside(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft fs[] = {{.key = "P", .wkt = RECT(0, 0, 100, 100)},
                            {.key = "IN", .wkt = RECT(10, 10, 20, 20)},
                            {.key = "EDGE", .wkt = RECT(0, 0, 100, 10)},
                            {.key = "OUT", .wkt = RECT(90, 40, 110, 50)},
                            {0}};
    pc_layer *zl = build(fx->ctx, "zones", fs, N(fs));
    static const char *const kids[] = {"IN", "EDGE", "OUT", "GONE"};
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    GEOSGeometry *part = local_geom(fx->ctx, RECT(100, 40, 110, 50));
    for (size_t c = 0; c < N(outside_cases); c++) {
        const struct outside_case *oc = &outside_cases[c];
        pc_zone_figure fig = {.key = "P", .children = kids, .nchildren = 4,
                              .children_sum = oc->children_sum,
                              .source = "L7"};
        pc_zone_figure_opts o = zone_opts;
        o.inside_tolerance_m2 = oc->inside_tol;
        pc_findings f = {0};
        run_figures(fx, zl, &fig, 1, &o, &f);
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        const pc_finding *x = tu_find(&f, "figure.child_outside", "P", "OUT", NULL);
        EXPECT(!x == !oc->expect &&
                   count_rule(&f, "figure.child_outside") == (oc->expect ? 1u : 0u),
               "%s: %s", oc->name, buf);
        if (x)
            EXPECT(near(x->measured_m2, 100) && x->fid == 1 && x->fid2 == 4 &&
                       streq(x->layer2, "zones") && x->geom &&
                       GEOSEquals_r(h, x->geom, part) == 1 &&
                       tu_contains(x->message, "OUT, a part of P (L7)"),
                   "%s: area %.9g fid %lld/%lld message %s", oc->name,
                   x->measured_m2, (long long)x->fid, (long long)x->fid2,
                   x->message);
        /* the part no feature holds */
        const pc_finding *g = tu_find(&f, "figure.no_zone", "P", "GONE", NULL);
        EXPECT(g && count_rule(&f, "figure.no_zone") == 1 && g->fid == 1,
               "%s: no_zone for GONE: %s", oc->name, buf);
        /* the sum with a part of unknown size is not compared */
        EXPECT(count_rule(&f, "figure.children_sum") == 0, "%s: %s", oc->name,
               buf);
        pc_findings_clear(fx->ctx, &f);
    }
    GEOSGeom_destroy_r(h, part);
    pc_layer_free(fx->ctx, zl);
    report();
}

/* ---- figure.cycle ---------------------------------------------------------
 * A <-> B, C -> C, D -> E -> F -> D, G -> H (no cycle): three cycles, each
 * reported once about its smallest key, whatever the order of the figures;
 * the sums and the outside test do not loop. */

static void test_cycles(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft fs[] = {
        {.key = "A", .wkt = RECT(0, 0, 10, 10)},
        {.key = "B", .wkt = RECT(0, 0, 10, 10)},
        {.key = "C", .wkt = RECT(0, 0, 10, 10)},
        {.key = "D", .wkt = RECT(0, 0, 10, 10)},
        {.key = "E", .wkt = RECT(0, 0, 10, 10)},
        {.key = "F", .wkt = RECT(0, 0, 10, 10)},
        {.key = "G", .wkt = RECT(0, 0, 10, 10)},
        {.key = "H", .wkt = RECT(0, 0, 10, 10)},
        {0}};
    static const char *const kb[] = {"B"}, *const ka[] = {"A"},
                             *const kc[] = {"C", "C"}, *const ke[] = {"E"},
                             *const kf[] = {"F"}, *const kd[] = {"D"},
                             *const kh[] = {"H"};
    pc_zone_figure figs[] = {
        {.key = "A", .children = kb, .nchildren = 1, .children_sum = 1,
         .source = "L1"},
        {.key = "B", .children = ka, .nchildren = 1, .children_sum = 1},
        {.key = "C", .children = kc, .nchildren = 2},
        {.key = "D", .children = ke, .nchildren = 1},
        {.key = "E", .children = kf, .nchildren = 1},
        {.key = "F", .children = kd, .nchildren = 1},
        {.key = "G", .children = kh, .nchildren = 1},
    };
    pc_layer *zl = build(fx->ctx, "zones", fs, N(fs));
    for (int order = 0; order < 2; order++) {
        pc_zone_figure use[N(figs)];
        for (size_t k = 0; k < N(figs); k++)
            use[k] = figs[order ? N(figs) - 1 - k : k];
        pc_findings f = {0};
        run_figures(fx, zl, use, N(use), &zone_opts, &f);
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        const pc_finding *a = tu_find(&f, "figure.cycle", "A", NULL, NULL);
        const pc_finding *c = tu_find(&f, "figure.cycle", "C", NULL, NULL);
        const pc_finding *d = tu_find(&f, "figure.cycle", "D", NULL, NULL);
        EXPECT(count_rule(&f, "figure.cycle") == 3 && a && c && d,
               "order %d: %s", order, buf);
        EXPECT(a && tu_contains(a->message, "A -> B -> A (L1)"), "A: %s",
               a ? a->message : "");
        EXPECT(c && tu_contains(c->message, ": C -> C"), "C: %s",
               c ? c->message : "");
        EXPECT(d && tu_contains(d->message, "D -> E -> F -> D"), "D: %s",
               d ? d->message : "");
        /* equal parts: the sums of A and B are each 100 m2 against 100 m2 */
        EXPECT(f.n == 3, "order %d: other findings: %s", order, buf);
        pc_findings_clear(fx->ctx, &f);
    }
    pc_layer_free(fx->ctx, zl);
    report();
}

/* ---- capacity by attribute ------------------------------------------------
 * Zone Z (100 x 100) has parts Z1 and Z2 (the halves); W is not listed.
 * Parcels name their zone; they count with decl_area (unit, approx), else
 * alt_area (alt_unit), else their measured area. A figure of 0 makes the
 * sum visible. */

struct cap_case {
    const char *name;
    pc_stated_area z, z1, z2;    /* value < 0: no figure (then its area) */
    struct ft parcels[6];
    double want_z, want_z1, want_z2; /* the sum reported, or -1: no finding */
};

#define NOFIG {-1, PC_UNIT_M2, 0, NULL}
#define ZERO {0, PC_UNIT_M2, 0, NULL}

static const struct cap_case cap_cases[] = {
    {"within", {15, PC_UNIT_MU, 0, NULL}, {5000, PC_UNIT_M2, 0, NULL}, NOFIG,
     {{.key = "p1", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "3000",
       .unit = "m2"},
      {.key = "p2", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "3",
       .unit = "亩"}},
     -1, -1, -1},
    /* 5004.9 <= 5000 + 5 */
    {"just inside 0.1 %", NOFIG, {5000, PC_UNIT_M2, 0, NULL}, NOFIG,
     {{.key = "p1", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "5004.9",
       .unit = "m2"}},
     -1, -1, -1},
    {"just outside 0.1 %", NOFIG, {5000, PC_UNIT_M2, 0, NULL}, NOFIG,
     {{.key = "p1", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "5005.1",
       .unit = "m2"}},
     -1, 5005.1, -1},
    /* 约5000: 5099 <= 5100 */
    {"约 capacity, inside 2 %", NOFIG, {5000, PC_UNIT_M2, 1, "约5000"}, NOFIG,
     {{.key = "p1", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "5099",
       .unit = "m2"}},
     -1, -1, -1},
    {"约 capacity, outside 2 %", NOFIG, {5000, PC_UNIT_M2, 1, "约5000"}, NOFIG,
     {{.key = "p1", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "5101",
       .unit = "m2"}},
     -1, 5101, -1},
    /* Z: 4000 + 4000 + 2011 = 10011 > 10000 + 10 */
    {"roll-up through the parts", {15, PC_UNIT_MU, 0, NULL},
     {5000, PC_UNIT_M2, 0, NULL}, NOFIG,
     {{.key = "p1", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "4000",
       .unit = "m2"},
      {.key = "p2", .wkt = RECT(0, 0, 10, 10), .zone = "Z2", .decl = "4000",
       .unit = "m2"},
      {.key = "p3", .wkt = RECT(0, 0, 10, 10), .zone = "Z", .decl = "2011",
       .unit = "m2"}},
     10011, -1, -1},
    /* Z2 has no figure: its area 5000 (tolerance 5); the parcel none:
     * 60 x 90 = 5400 measured */
    {"measured parcel against measured zone", NOFIG, NOFIG, NOFIG,
     {{.key = "p1", .wkt = RECT(50, 0, 110, 90), .zone = "Z2"}},
     -1, -1, 5400},
    /* probes: the amount of each parcel */
    {"amounts: figure, next figure, measured", ZERO, ZERO, ZERO,
     {{.key = "p1", .wkt = RECT(0, 0, 10, 10), .zone = "Z1", .decl = "abc",
       .unit = "m2", .alt = "4", .alt_unit = "亩"},
      {.key = "p2", .wkt = RECT(0, 0, 20, 20), .zone = "Z1", .decl = "2400",
       .unit = "acre"},
      {.key = "p3", .wkt = RECT(0, 0, 10, 30), .zone = "Z2", .decl = "-1",
       .unit = "m2"},
      {.key = "p4", .wkt = RECT(0, 0, 10, 10), .zone = "W", .decl = "999",
       .unit = "m2"},
      {.key = "p5", .wkt = NULL, .zone = "Z2"},
      {.key = "p6", .wkt = RECT(0, 0, 10, 10), .decl = "7", .unit = "m2"}},
     4 * MU + 400 + 300, 4 * MU + 400, 300},
};

static const pc_area_decl parcel_decls[] = {
    {"decl_area", "unit", NULL, "approx"},
    {"alt_area", "alt_unit", NULL, NULL},
};

static pc_capacity_opts cap_opts(const char *zone_field)
{
    pc_capacity_opts o;
    memset(&o, 0, sizeof o);
    o.severity = PC_SEV_ERROR;
    o.tol = (pc_tolerance){1, 0.1, 2};
    o.zone_field = zone_field;
    o.decls = parcel_decls;
    o.ndecls = N(parcel_decls);
    o.capacity = 1;
    return o;
}

/* Runs pc_rules_capacity (zones "zones", parcels "parcels", both keyed by
 * "code") in a fresh session; findings finished into out. */
static void run_capacity(struct tu_fx *fx, pc_layer *zl, pc_layer *pl,
                         const pc_zone_figure *figs, size_t nfigs,
                         const pc_capacity_opts *o, int threads,
                         pc_findings *out)
{
    pc_rules *r = session(fx, threads);
    int z = tu_add_layer(fx, r, zl, "zones", "code");
    int p = tu_add_layer(fx, r, pl, "parcels", "code");
    RULE_OK(fx, pc_rules_capacity(fx->ctx, r, z, p, figs, nfigs, o, out));
    RULE_OK(fx, pc_findings_finish(fx->ctx, out));
    pc_rules_free(fx->ctx, r);
}

static void check_cap(const pc_findings *f, const char *name, const char *key,
                      double want, double cap, const char *buf)
{
    const pc_finding *x = tu_find(f, "capacity.exceeded", key, NULL, NULL);
    if (want < 0) {
        EXPECT(!x, "%s: %s exceeded: %s", name, key, buf);
        return;
    }
    EXPECT(x && near(x->measured_m2, want) && near(x->declared_m2, cap) &&
               near(x->diff_m2, want - cap) && !x->field,
           "%s: %s sum %.9g (want %.9g) capacity %.9g (want %.9g): %s", name,
           key, x ? x->measured_m2 : NAN, want, x ? x->declared_m2 : NAN, cap,
           buf);
}

static void test_capacity_by_attribute(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft zs[] = {{.key = "Z", .wkt = RECT(0, 0, 100, 100)},
                            {.key = "Z1", .wkt = RECT(0, 0, 50, 100)},
                            {.key = "Z2", .wkt = RECT(50, 0, 100, 100)},
                            {.key = "W", .wkt = RECT(0, 0, 1, 1)},
                            {0}};
    pc_layer *zl = build(fx->ctx, "zones", zs, N(zs));
    static const char *const kids[] = {"Z1", "Z2"};
    for (size_t c = 0; c < N(cap_cases); c++) {
        const struct cap_case *cc = &cap_cases[c];
        pc_zone_figure figs[3] = {
            {.key = "Z", .has_area = cc->z.value >= 0, .area = cc->z,
             .children = kids, .nchildren = 2, .source = "L3"},
            {.key = "Z1", .has_area = cc->z1.value >= 0, .area = cc->z1},
            {.key = "Z2", .has_area = cc->z2.value >= 0, .area = cc->z2},
        };
        pc_layer *pl = build(fx->ctx, "parcels", cc->parcels, N(cc->parcels));
        pc_capacity_opts o = cap_opts("zone");
        pc_findings f = {0};
        run_capacity(fx, zl, pl, figs, N(figs), &o, 1, &f);
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        double cz = cc->z.value >= 0 ? pc_unit_to_m2(cc->z.value, cc->z.unit)
                                     : 10000;
        double c1 = cc->z1.value >= 0
                        ? pc_unit_to_m2(cc->z1.value, cc->z1.unit) : 5000;
        double c2 = cc->z2.value >= 0
                        ? pc_unit_to_m2(cc->z2.value, cc->z2.unit) : 5000;
        check_cap(&f, cc->name, "Z", cc->want_z, cz, buf);
        check_cap(&f, cc->name, "Z1", cc->want_z1, c1, buf);
        check_cap(&f, cc->name, "Z2", cc->want_z2, c2, buf);
        EXPECT(f.n == count_rule(&f, "capacity.exceeded") &&
                   !tu_find(&f, "capacity.exceeded", "W", NULL, NULL),
               "%s: other findings: %s", cc->name, buf);
        pc_findings_clear(fx->ctx, &f);
        pc_layer_free(fx->ctx, pl);
    }
    /* the message: parcels, sum in the zone's unit, its figure, source */
    const struct ft ps[] = {{.key = "p1", .wkt = RECT(0, 0, 10, 10),
                             .zone = "Z1", .decl = "8", .unit = "亩"},
                            {0}};
    pc_zone_figure fig = {.key = "Z1", .has_area = 1,
                          .area = area(7.5, PC_UNIT_MU, 0, NULL),
                          .source = "L44"};
    pc_layer *pl = build(fx->ctx, "parcels", ps, N(ps));
    pc_capacity_opts o = cap_opts("zone");
    pc_findings f = {0};
    run_capacity(fx, zl, pl, &fig, 1, &o, 1, &f);
    const pc_finding *x = tu_find(&f, "capacity.exceeded", "Z1", NULL, NULL);
    EXPECT(x && streq(x->message,
                      "Z1: its parcels (1) add up to 5333.3 m2 (8 亩), "
                      "more than its 7.5 亩 (5000.0 m2) by 333.3 m2 (6.7 %); "
                      "tolerance 5.0 m2 (L44)") &&
               x->geom && x->fid == 2,
           "message: %s", x && x->message ? x->message : "(no finding)");
    pc_findings_clear(fx->ctx, &f);
    pc_layer_free(fx->ctx, pl);
    pc_layer_free(fx->ctx, zl);
    report();
}

/* A cycle among the parts: roll-up ends, each zone counts a parcel once. */
static void test_capacity_cycle(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft zs[] = {{.key = "A", .wkt = RECT(0, 0, 10, 10)},
                            {.key = "B", .wkt = RECT(0, 0, 10, 10)},
                            {0}};
    const struct ft ps[] = {{.key = "p1", .wkt = RECT(0, 0, 1, 1),
                             .zone = "A", .decl = "50", .unit = "m2"},
                            {.key = "p2", .wkt = RECT(0, 0, 1, 1),
                             .zone = "B", .decl = "60", .unit = "m2"},
                            {0}};
    static const char *const ka[] = {"A", "B"}, *const kb[] = {"A"};
    pc_zone_figure figs[] = {
        {.key = "A", .has_area = 1, .area = area(0, PC_UNIT_M2, 0, NULL),
         .children = ka, .nchildren = 2},
        {.key = "B", .has_area = 1, .area = area(0, PC_UNIT_M2, 0, NULL),
         .children = kb, .nchildren = 1},
    };
    pc_layer *zl = build(fx->ctx, "zones", zs, N(zs));
    pc_layer *pl = build(fx->ctx, "parcels", ps, N(ps));
    pc_capacity_opts o = cap_opts("zone");
    pc_findings f = {0};
    run_capacity(fx, zl, pl, figs, N(figs), &o, 1, &f);
    char buf[2048];
    tu_dump(&f, buf, sizeof buf);
    check_cap(&f, "cycle", "A", 110, 0, buf);
    check_cap(&f, "cycle", "B", 110, 0, buf);
    pc_findings_clear(fx->ctx, &f);
    pc_layer_free(fx->ctx, pl);
    pc_layer_free(fx->ctx, zl);
    report();
}

/* ---- capacity by position -------------------------------------------------
 * A is [0,100] x [0,100], B [100,200] x [0,100]; C is listed but no
 * feature holds it; D holds no polygon. A parcel counts in a zone holding
 * more than half of it. */

static void test_capacity_spatial(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft zs[] = {{.key = "A", .wkt = RECT(0, 0, 100, 100)},
                            {.key = "B", .wkt = RECT(100, 0, 200, 100)},
                            {.key = "D", .wkt = NULL},
                            {.key = "U", .wkt = RECT(0, 0, 200, 100)},
                            {0}};
    const struct ft ps[] = {
        /* inside A: 400 */
        {.key = "p1", .wkt = RECT(10, 10, 30, 30)},
        /* 100 in A, 200 in B: B, 300 */
        {.key = "p2", .wkt = RECT(90, 0, 120, 10)},
        /* 300 in A, 100 in B: A, 400 */
        {.key = "p3", .wkt = RECT(70, 50, 110, 60)},
        /* half and half: neither */
        {.key = "p4", .wkt = RECT(95, 80, 105, 90)},
        /* inside B, declared 1 亩 */
        {.key = "p5", .wkt = RECT(150, 50, 160, 60), .decl = "1",
         .unit = "亩"},
        /* outside every zone */
        {.key = "p6", .wkt = RECT(500, 0, 510, 10)},
        /* no polygon: cannot be placed */
        {.key = "p7", .wkt = NULL, .decl = "5", .unit = "m2"},
        /* a little more than half in B: 50.5 of 100 */
        {.key = "p8", .wkt = RECT(99.5, 20, 100.5, 120)},
        {0}};
    pc_zone_figure figs[] = {
        {.key = "A", .has_area = 1, .area = area(0, PC_UNIT_M2, 0, NULL)},
        {.key = "B", .has_area = 1, .area = area(0, PC_UNIT_M2, 0, NULL)},
        {.key = "C", .has_area = 1, .area = area(0, PC_UNIT_M2, 0, NULL)},
        {.key = "D", .has_area = 1, .area = area(0, PC_UNIT_M2, 0, NULL)},
    };
    pc_layer *zl = build(fx->ctx, "zones", zs, N(zs));
    pc_layer *pl = build(fx->ctx, "parcels", ps, N(ps));
    /* p8: 1 x 100 straddling x = 100 and y = 100: in A 0.5 x 80 = 40, in B
     * 0.5 x 80 = 40: neither */
    double want_a = 400 + 400, want_b = 300 + MU;
    for (int threads = 1; threads <= 2; threads++) {
        pc_capacity_opts o = cap_opts(NULL);
        pc_findings f = {0};
        run_capacity(fx, zl, pl, figs, N(figs), &o, threads, &f);
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        check_cap(&f, "spatial", "A", want_a, 0, buf);
        check_cap(&f, "spatial", "B", want_b, 0, buf);
        const pc_finding *c = tu_find(&f, "figure.no_zone", "C", NULL, NULL);
        EXPECT(f.n == 3 && c && !tu_find(&f, "capacity.exceeded", "U", NULL, NULL),
               "threads %d: %s", threads, buf);
        pc_findings_clear(fx->ctx, &f);
    }
    pc_layer_free(fx->ctx, pl);
    pc_layer_free(fx->ctx, zl);
    /* more than half: 51 of 100 in B */
    const struct ft ps2[] = {{.key = "q", .wkt = RECT(49, 0, 149, 1)}, {0}};
    const struct ft ps3[] = {{.key = "q", .wkt = RECT(51, 0, 151, 1)}, {0}};
    zl = build(fx->ctx, "zones", zs, N(zs));
    for (int k = 0; k < 2; k++) {
        pl = build(fx->ctx, "parcels", k ? ps3 : ps2, 2);
        pc_capacity_opts o = cap_opts(NULL);
        pc_findings f = {0};
        run_capacity(fx, zl, pl, figs, 2, &o, 1, &f);
        char buf[2048];
        tu_dump(&f, buf, sizeof buf);
        check_cap(&f, "51 %", k ? "B" : "A", 100, 0, buf);
        EXPECT(f.n == 1, "51 %%: %s", buf);
        pc_findings_clear(fx->ctx, &f);
        pc_layer_free(fx->ctx, pl);
    }
    pc_layer_free(fx->ctx, zl);
    report();
}

/* ---- quotas ---------------------------------------------------------------
 * One zone Z; parcels by attribute with a 用地用海 code or name, or text
 * the table does not know; a quota class "10" takes in 1001 and 100101,
 * "工业用地" (1001) its subclasses, plain text matches exactly. */

struct quota_case {
    const char *name;
    pc_quota q;
    const char *rule;        /* NULL: none */
    double sum, limit;       /* when rule */
    const char *msg;         /* in the message, or NULL */
};

#define AT_MOST(c, v, u, ap, line)                                           \
    {c, 1, 0, {v, u, ap, NULL}, {0, PC_UNIT_M2, 0, NULL}, line}
#define AT_LEAST(c, v, u, ap, line)                                          \
    {c, 0, 1, {0, PC_UNIT_M2, 0, NULL}, {v, u, ap, NULL}, line}

/* The parcels: 100101 1000, 1001 2000, 工业用地 500, 1002 300, 0701 4000,
 * 仓储区 700, NULL 100, 10 (a code as class) 50. */
static const struct quota_case quota_cases[] = {
    {"10 at most 3000: 3850", AT_MOST("10", 3000, PC_UNIT_M2, 0, 7),
     "quota.above", 3850, 3000, "class 10 工矿用地"},
    {"工业用地 at least 4000: 3500", AT_LEAST("工业用地", 4000, PC_UNIT_M2, 0, 8),
     "quota.below", 3500, 4000, "class 1001 工业用地"},
    {"1001 at most 3500: equal", AT_MOST("1001", 3500, PC_UNIT_M2, 0, 0), NULL,
     0, 0, NULL},
    {"1001 at least 3500: equal", AT_LEAST("1001", 3500, PC_UNIT_M2, 0, 0),
     NULL, 0, 0, NULL},
    {"仓储区 as text, at least 1000: 700",
     AT_LEAST("仓储区", 1000, PC_UNIT_M2, 0, 9), "quota.below", 700, 1000,
     "class '仓储区'"},
    {"07 at most 约6 亩 (4000)", AT_MOST("07", 6, PC_UNIT_MU, 1, 0), NULL, 0,
     0, NULL},
    {"070101 at least 10: none of 0701 counts",
     AT_LEAST("070101", 10, PC_UNIT_M2, 0, 0), "quota.below", 0, 10,
     "its parcels of class 070101 一类城镇住宅用地 (0) add up to 0.0 m2"},
    /* 4000 against 3996: 4 > 3.996 */
    {"0701 at most 3996: just outside", AT_MOST("0701", 3996, PC_UNIT_M2, 0, 0),
     "quota.above", 4000, 3996, "more than the at most 3996 平方米"},
    /* 4000 against 3997: 3 <= 3.997 */
    {"0701 at most 3997: just inside", AT_MOST("0701", 3997, PC_UNIT_M2, 0, 0),
     NULL, 0, 0, NULL},
    /* 约3950: 50 <= 79 */
    {"0701 at most 约3950: inside 2 %", AT_MOST("0701", 3950, PC_UNIT_M2, 1, 0),
     NULL, 0, 0, NULL},
    {"1002 at least 0.5 亩: 300 < 333.3",
     AT_LEAST("1002", 0.5, PC_UNIT_MU, 0, 0), "quota.below", 300, MU / 2,
     "less than the at least 0.5 亩"},
};

static void test_quotas(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft zs[] = {{.key = "Z", .wkt = RECT(0, 0, 100, 100)}, {0}};
    const struct ft ps[] = {
        {.key = "p1", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .cls = "100101",
         .decl = "1000", .unit = "m2"},
        {.key = "p2", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .cls = "1001",
         .decl = "2000", .unit = "m2"},
        {.key = "p3", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .cls = "工业用地",
         .decl = "500", .unit = "m2"},
        {.key = "p4", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .cls = "1002",
         .decl = "300", .unit = "m2"},
        {.key = "p5", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .cls = "0701",
         .decl = "6", .unit = "亩"},
        {.key = "p6", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .cls = "仓储区",
         .decl = "700", .unit = "m2"},
        {.key = "p7", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .decl = "100",
         .unit = "m2"},
        {.key = "p8", .wkt = RECT(0, 0, 1, 1), .zone = "Z", .cls = "10",
         .decl = "50", .unit = "m2"},
        /* in another zone: counts nowhere here */
        {.key = "p9", .wkt = RECT(0, 0, 1, 1), .zone = "Y", .cls = "1001",
         .decl = "9999", .unit = "m2"},
        {0}};
    pc_layer *zl = build(fx->ctx, "zones", zs, N(zs));
    pc_layer *pl = build(fx->ctx, "parcels", ps, N(ps));
    for (size_t c = 0; c < N(quota_cases); c++) {
        const struct quota_case *qc = &quota_cases[c];
        pc_zone_figure fig = {.key = "Z", .has_area = 1,
                              .area = area(1, PC_UNIT_M2, 0, NULL),
                              .quotas = &qc->q, .nquotas = 1};
        pc_capacity_opts o = cap_opts("zone");
        o.class_field = "cls";
        o.capacity = 0; /* quotas only: Z's 1 m2 is not checked */
        pc_findings f = {0};
        run_capacity(fx, zl, pl, &fig, 1, &o, 1, &f);
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        EXPECT(f.n == (qc->rule ? 1u : 0u), "%s: %s", qc->name, buf);
        if (!qc->rule || f.n != 1)
            goto next;
        const pc_finding *x = tu_find(&f, qc->rule, "Z", NULL, qc->q.cls);
        const pc_stated_area *lim =
            qc->q.has_at_most ? &qc->q.at_most : &qc->q.at_least;
        double tol = fmax(1, (lim->approx ? 0.02 : 0.001) * qc->limit);
        EXPECT(x && near(x->measured_m2, qc->sum) &&
                   near(x->declared_m2, qc->limit) &&
                   near(x->tolerance_m2, tol) && x->fid == 1 && x->geom,
               "%s: sum %.9g limit %.9g tol %.9g: %s", qc->name,
               x ? x->measured_m2 : NAN, x ? x->declared_m2 : NAN,
               x ? x->tolerance_m2 : NAN, buf);
        EXPECT(x && (!qc->msg || tu_contains(x->message, qc->msg)) &&
                   (!qc->q.line || tu_contains(x->message, "plan file line")),
               "%s: message %s", qc->name, x ? x->message : "");
    next:
        pc_findings_clear(fx->ctx, &f);
    }
    /* all quotas of a zone together, with capacity: each finding once */
    pc_quota qs[N(quota_cases)];
    for (size_t c = 0; c < N(quota_cases); c++)
        qs[c] = quota_cases[c].q;
    pc_zone_figure fig = {.key = "Z", .has_area = 1,
                          .area = area(15, PC_UNIT_MU, 0, NULL),
                          .quotas = qs, .nquotas = N(qs)};
    pc_capacity_opts o = cap_opts("zone");
    o.class_field = "cls";
    pc_findings f = {0};
    run_capacity(fx, zl, pl, &fig, 1, &o, 1, &f);
    char buf[4096];
    tu_dump(&f, buf, sizeof buf);
    size_t want = 0;
    for (size_t c = 0; c < N(quota_cases); c++)
        want += quota_cases[c].rule != NULL;
    EXPECT(f.n == want && !tu_find(&f, "capacity.exceeded", "Z", NULL, NULL),
           "all quotas: %zu findings, want %zu: %s", f.n, want, buf);
    pc_findings_clear(fx->ctx, &f);
    /* by position: p1..p9 all lie in Z */
    qs[0] = quota_cases[0].q;
    fig.nquotas = 1;
    o = cap_opts(NULL);
    o.class_field = "cls";
    o.capacity = 0;
    run_capacity(fx, zl, pl, &fig, 1, &o, 1, &f);
    const pc_finding *x = tu_find(&f, "quota.above", "Z", NULL, "10");
    EXPECT(f.n == 1 && x && near(x->measured_m2, 3850 + 9999),
           "by position: %zu findings, sum %.9g", f.n,
           x ? x->measured_m2 : NAN);
    pc_findings_clear(fx->ctx, &f);
    pc_layer_free(fx->ctx, pl);
    pc_layer_free(fx->ctx, zl);
    report();
}

/* ---- key.duplicate -------------------------------------------------------- */

static void test_duplicate_keys(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft fs[] = {
        /* K1: identical; the first by FID is fid 2, listed second */
        {.key = "K1", .wkt = RECT(0, 0, 10, 10), .fid = 5, .decl = "82"},
        {.key = "K1", .wkt = RECT(0, 0, 10, 10), .fid = 2, .decl = "82"},
        /* K2: attributes differ */
        {.key = "K2", .wkt = RECT(0, 0, 10, 10), .fid = 3, .decl = "82"},
        {.key = "K2", .wkt = RECT(0, 0, 10, 10), .fid = 4, .decl = "82.5",
         .approx = "1"},
        /* K3: geometry differs */
        {.key = "K3", .wkt = RECT(0, 0, 10, 10), .fid = 6},
        {.key = "K3", .wkt = RECT(0, 0, 10, 11), .fid = 7},
        /* K4: three copies */
        {.key = "K4", .wkt = RECT(0, 0, 10, 10), .fid = 8},
        {.key = "K4", .wkt = RECT(0, 0, 10, 10), .fid = 9},
        {.key = "K4", .wkt = RECT(0, 0, 10, 10), .fid = 10},
        /* no key: keyed by FID, never duplicates */
        {.key = NULL, .wkt = RECT(0, 0, 10, 10), .fid = 11},
        {.key = NULL, .wkt = RECT(0, 0, 10, 10), .fid = 12},
        /* K5 once */
        {.key = "K5", .wkt = RECT(0, 0, 10, 10), .fid = 13},
        /* K6: the same ring from another start: the same geometry */
        {.key = "K6", .wkt = RECT(0, 0, 10, 10), .fid = 14},
        {.key = "K6", .wkt = "POLYGON((10 10,0 10,0 0,10 0,10 10))",
         .fid = 15},
        /* K7: five fields differ: four listed */
        {.key = "K7", .wkt = RECT(0, 0, 10, 10), .fid = 16, .decl = "1",
         .unit = "m2", .f1 = "a", .f2 = "b", .f3 = "c"},
        {.key = "K7", .wkt = RECT(0, 0, 10, 10), .fid = 17, .decl = "2",
         .unit = "亩", .f1 = "A", .f2 = "B", .f3 = "C"},
        /* K8: both without geometry */
        {.key = "K8", .wkt = NULL, .fid = 18},
        {.key = "K8", .wkt = NULL, .fid = 19},
        {0}};
    pc_layer *l = build(fx->ctx, "parcels", fs, N(fs));
    pc_rules *r = session(fx, 1);
    int li = tu_add_layer(fx, r, l, "parcels", "code");
    int lf = tu_add_layer(fx, r, l, "byfid", NULL);
    pc_findings f = {0};
    RULE_OK(fx, pc_rules_duplicate_keys(fx->ctx, r, li, PC_SEV_WARNING, &f));
    RULE_OK(fx, pc_rules_duplicate_keys(fx->ctx, r, lf, PC_SEV_WARNING, &f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
    char buf[8192];
    tu_dump(&f, buf, sizeof buf);
    EXPECT(f.n == 8 && count_rule(&f, "key.duplicate") == 8, "%zu: %s", f.n,
           buf);
    struct {
        const char *key;
        int64_t fid, fid2;
        const char *msg;
    } want[] = {
        {"K1", 5, 2, "parcels K1: fid 5 repeats the key of fid 2: same "
                     "attributes and geometry"},
        {"K2", 4, 3, "fields differ: decl_area (82 vs 82.5), approx (NULL vs "
                     "1); same geometry"},
        {"K3", 7, 6, ": same attributes, different geometry"},
        {"K4", 9, 8, "fid 9 repeats the key of fid 8"},
        {"K4", 10, 8, "fid 10 repeats the key of fid 8"},
        {"K6", 15, 14, "same attributes and geometry"},
        {"K7", 17, 16, "fields differ: decl_area (1 vs 2), unit (m2 vs 亩), f1 "
                       "(a vs A), f2 (b vs B), …; same geometry"},
        {"K8", 19, 18, "same attributes and geometry"},
    };
    for (size_t k = 0; k < N(want); k++) {
        const pc_finding *x = NULL;
        for (size_t i = 0; i < f.n; i++)
            if (streq(f.items[i].key, want[k].key) &&
                f.items[i].fid == want[k].fid)
                x = &f.items[i];
        EXPECT(x && x->fid2 == want[k].fid2 && streq(x->key2, want[k].key) &&
                   streq(x->layer2, "parcels") && x->severity == PC_SEV_WARNING &&
                   tu_contains(x->message, want[k].msg),
               "%s fid %lld: %s", want[k].key, (long long)want[k].fid,
               x ? x->message : "(none)");
    }
    /* three copies: the second finding's id is numbered */
    size_t k4 = 0;
    for (size_t i = 0; i < f.n; i++)
        if (streq(f.items[i].key, "K4"))
            k4 += streq(f.items[i].id, "key.duplicate:parcels:K4:parcels:K4") +
                  2 * streq(f.items[i].id,
                            "key.duplicate:parcels:K4:parcels:K4#2");
    EXPECT(k4 == 3, "K4 ids: %s", buf);
    pc_findings_clear(fx->ctx, &f);
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, l);

    /* integer keys; an empty layer */
    pc_layer *n = tu_layer_new(fx->ctx, "nums", "EPSG:4549");
    tu_layer_add_field(n, "no", PC_FIELD_INTEGER);
    for (int k = 0; k < 3; k++) {
        pc_feature *ft = tu_layer_add_feature(fx->ctx, n, k + 1, NULL);
        tu_set_int(ft, 0, k == 2 ? 8 : 7);
    }
    pc_layer *e = build(fx->ctx, "empty", fs, 0);
    r = session(fx, 1);
    li = tu_add_layer(fx, r, n, "nums", "no");
    int le = tu_add_layer(fx, r, e, "empty", "code");
    RULE_OK(fx, pc_rules_duplicate_keys(fx->ctx, r, li, PC_SEV_ERROR, &f));
    RULE_OK(fx, pc_rules_duplicate_keys(fx->ctx, r, le, PC_SEV_ERROR, &f));
    EXPECT(f.n == 1 && streq(f.items[0].key, "7") && f.items[0].fid == 2 &&
               f.items[0].fid2 == 1,
           "integer keys: %zu findings", f.n);
    pc_findings_clear(fx->ctx, &f);
    pc_rules_free(fx->ctx, r);
    pc_layer_free(fx->ctx, n);
    pc_layer_free(fx->ctx, e);
    report();
}

/* ---- area.units_disagree --------------------------------------------------
 * decl_area (unit, approx) against alt_area (alt_unit) and f1 (a constant
 * 公顷); the tolerance is that of the larger figure, 2 % when either is
 * printed with 约. */

struct agree_case {
    const char *name;
    const char *decl, *unit, *approx, *alt, *alt_unit, *ha;
    const char *field;       /* the disagreeing one, NULL: none */
    double first, other;     /* m2, when field */
    const char *msg;
};

static const struct agree_case agree_cases[] = {
    {"82 亩 = 54666.67 m2", "82", "亩", NULL, "54666.67", "m2", NULL, NULL, 0,
     0, NULL},
    /* 333.3 <= 2 % of 55000 */
    {"82 亩 vs 约82.5 亩", "82", "亩", NULL, "约82.5", "亩", NULL, NULL, 0, 0,
     NULL},
    {"82 亩 vs 82.5 亩", "82", "亩", NULL, "82.5", "亩", NULL, "alt_area",
     82 * MU, 82.5 * MU,
     "parcels F2: decl_area 82 亩 (54666.67 m2) and alt_area 82.5 亩 "
     "(55000.00 m2) disagree by +333.33 m2 (+0.610 %); tolerance 55.00 m2"},
    {"82 亩 flagged approximate vs 82.5 亩", "82", "亩", "1", "82.5", "亩",
     NULL, NULL, 0, 0, NULL},
    {"1 m2 absolute: inside", "100", "m2", NULL, "100.9", "m2", NULL, NULL, 0,
     0, NULL},
    {"1 m2 absolute: outside", "100", "m2", NULL, "101.1", "平方米", NULL,
     "alt_area", 100, 101.1, "alt_area 101.1 平方米"},
    /* 10.005 <= 0.1 % of the larger 10010.005, > 0.1 % of 10000 */
    {"the larger figure's tolerance", "1", "公顷", NULL, "10010.005", "m2",
     NULL, NULL, 0, 0, NULL},
    {"just outside the larger's", "1", "公顷", NULL, "10010.02", "m2", NULL,
     "alt_area", 10000, 10010.02, NULL},
    {"约 first", "约1", "公顷", NULL, "10150", "m2", NULL, NULL, 0, 0, NULL},
    {"second NULL", "82", "亩", NULL, NULL, NULL, NULL, NULL, 0, 0, NULL},
    {"second not a number", "82", "亩", NULL, "abc", "亩", NULL, NULL, 0, 0,
     NULL},
    {"second in an unknown unit", "82", "亩", NULL, "1", "acre", NULL, NULL, 0,
     0, NULL},
    {"first invalid: the second is the first", "abc", "亩", NULL, "1", "亩",
     "5", "f1", MU, 50000, "alt_area 1 亩"},
    {"third against the first", "15", "亩", NULL, NULL, NULL, "1.1", "f1",
     10000, 11000, "f1 1.1 公顷"},
    {"all three agree", "15", "亩", NULL, "10000", "m2", "1", NULL, 0, 0,
     NULL},
};

static void test_units_disagree(void **state)
{
    struct tu_fx *fx = *state;
    size_t n = N(agree_cases);
    char keys[N(agree_cases)][16];
    struct ft fs[N(agree_cases) + 1];
    memset(fs, 0, sizeof fs);
    for (size_t c = 0; c < n; c++) {
        const struct agree_case *ac = &agree_cases[c];
        snprintf(keys[c], sizeof keys[c], "F%zu", c);
        fs[c] = (struct ft){.key = keys[c], .wkt = c % 2 ? NULL : RECT(0, 0, 1, 1),
                            .decl = ac->decl, .unit = ac->unit,
                            .approx = ac->approx, .alt = ac->alt,
                            .alt_unit = ac->alt_unit, .f1 = ac->ha};
    }
    pc_layer *l = build(fx->ctx, "parcels", fs, n);
    const pc_area_decl decls[] = {{"decl_area", "unit", NULL, "approx"},
                                  {"alt_area", "alt_unit", NULL, NULL},
                                  {"f1", NULL, "公顷", NULL}};
    pc_area_check check = {"code", PC_AREA_PLANAR, {1, 0.1, 2}, PC_SEV_WARNING,
                           decls, N(decls)};
    pc_findings f = {0};
    RULE_OK(fx, pc_check_figures_agree(fx->ctx, l, &check, &f));
    RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
    char buf[8192];
    tu_dump(&f, buf, sizeof buf);
    size_t want = 0;
    for (size_t c = 0; c < n; c++) {
        const struct agree_case *ac = &agree_cases[c];
        want += ac->field != NULL;
        const pc_finding *x =
            tu_find(&f, "area.units_disagree", keys[c], NULL, NULL);
        EXPECT(!x == !ac->field, "%s: %s", ac->name, x ? x->message : "none");
        if (!x || !ac->field)
            continue;
        double tol = fmax(1, 0.001 * fmax(ac->first, ac->other));
        EXPECT(streq(x->field, ac->field) && near(x->declared_m2, ac->first) &&
                   near(x->measured_m2, ac->other) &&
                   near(x->diff_m2, ac->other - ac->first) &&
                   near(x->tolerance_m2, tol) && x->fid == (int64_t)c + 1 &&
                   streq(x->layer, "parcels") &&
                   x->severity == PC_SEV_WARNING,
               "%s: field %s first %.9g other %.9g tol %.9g", ac->name,
               x->field, x->declared_m2, x->measured_m2, x->tolerance_m2);
        EXPECT(!ac->msg || tu_contains(x->message, ac->msg), "%s: message %s",
               ac->name, x->message);
    }
    EXPECT(f.n == want, "%zu findings, want %zu: %s", f.n, want, buf);
    pc_findings_clear(fx->ctx, &f);
    /* usage and input errors */
    check.ndecls = 1;
    EXPECT(pc_check_figures_agree(fx->ctx, l, &check, &f) == PC_ERR_USAGE,
           "one figure accepted");
    const pc_area_decl bad[] = {{"decl_area", "unit", NULL, NULL},
                                {"nope", "alt_unit", NULL, NULL}};
    check.decls = bad;
    check.ndecls = 2;
    EXPECT(pc_check_figures_agree(fx->ctx, l, &check, &f) == PC_ERR_INPUT &&
               tu_contains(pc_ctx_error(fx->ctx), "nope"),
           "missing field: %s", pc_ctx_error(fx->ctx));
    EXPECT(f.n == 0, "findings after errors");
    pc_findings_clear(fx->ctx, &f);
    pc_layer_free(fx->ctx, l);
    report();
}

/* ---- robustness ------------------------------------------------------------ */

/* Empty layers, NULL geometries and attributes, figures without keys or
 * with NULL parts, missing fields: findings or errors, never a crash. */
static void test_robustness(void **state)
{
    struct tu_fx *fx = *state;
    const struct ft none[] = {{0}};
    const struct ft zs[] = {{.key = "Z", .wkt = NULL},
                            {.key = NULL, .wkt = RECT(0, 0, 10, 10)},
                            {0}};
    const struct ft ps[] = {{.key = NULL, .wkt = NULL, .zone = "Z"},
                            {.key = "p", .wkt = RECT(0, 0, 5, 5)},
                            {0}};
    static const char *const kids[] = {NULL, "Z", "Q"};
    pc_quota q = AT_LEAST(NULL, 10, PC_UNIT_M2, 0, 0);
    pc_zone_figure figs[] = {
        {.key = "Z", .has_area = 1, .area = area(NAN, PC_UNIT_M2, 0, NULL),
         .children = kids, .nchildren = 3, .children_sum = 1, .quotas = &q,
         .nquotas = 1},
        {.key = NULL, .children = kids, .nchildren = 3},
        {.key = "Q", .has_area = 1, .area = area(1, PC_UNIT_COUNT, 0, NULL),
         .children = NULL, .nchildren = 4, .children_sum = 1},
    };
    for (int empty = 0; empty < 2; empty++) {
        pc_layer *zl = build(fx->ctx, "zones", empty ? none : zs, 3);
        pc_layer *pl = build(fx->ctx, "parcels", empty ? none : ps, 3);
        pc_rules *r = session(fx, 2);
        int z = tu_add_layer(fx, r, zl, "zones", "code");
        int p = tu_add_layer(fx, r, pl, "parcels", "code");
        pc_findings f = {0};
        RULE_OK(fx, pc_rules_zone_figures(fx->ctx, r, z, figs, N(figs),
                                          &zone_opts, &f));
        pc_capacity_opts o = cap_opts("zone");
        o.class_field = "cls";
        RULE_OK(fx, pc_rules_capacity(fx->ctx, r, z, p, figs, N(figs), &o, &f));
        o.zone_field = NULL;
        RULE_OK(fx, pc_rules_capacity(fx->ctx, r, z, p, figs, N(figs), &o, &f));
        RULE_OK(fx, pc_rules_duplicate_keys(fx->ctx, r, p, PC_SEV_ERROR, &f));
        RULE_OK(fx, pc_rules_zone_figures(fx->ctx, r, z, NULL, 0, &zone_opts,
                                          &f));
        RULE_OK(fx, pc_findings_finish(fx->ctx, &f));
        char buf[4096];
        tu_dump(&f, buf, sizeof buf);
        /* Z has a feature (without polygon) only when not empty, Q never:
         * no_zone for Q, Z's part Q and, when empty, Z and its part Z;
         * capacity's repeats are not added */
        EXPECT(count_rule(&f, "figure.no_zone") == (empty ? 4u : 2u) &&
                   count_rule(&f, "figure.cycle") == 1,
               "empty %d: %s", empty, buf);
        /* the quota without class: text never matches; 0 < 10 by
         * attribute (by position Z has no polygon to hold parcels) */
        EXPECT(count_rule(&f, "quota.below") == 1, "empty %d: %s", empty, buf);
        /* missing fields are input errors */
        o.zone_field = "nope";
        EXPECT(pc_rules_capacity(fx->ctx, r, z, p, figs, 1, &o, &f) ==
                       PC_ERR_INPUT &&
                   tu_contains(pc_ctx_error(fx->ctx), "nope"),
               "missing zone field: %s", pc_ctx_error(fx->ctx));
        o = cap_opts(NULL);
        const pc_area_decl bad = {"nope", NULL, "m2", NULL};
        o.decls = &bad;
        o.ndecls = 1;
        EXPECT(pc_rules_capacity(fx->ctx, r, z, p, figs, 1, &o, &f) ==
                   PC_ERR_INPUT,
               "missing decl field");
        EXPECT(pc_rules_capacity(fx->ctx, r, z, z, figs, 1, &o, &f) ==
                   PC_ERR_USAGE,
               "a layer holding itself");
        pc_findings_clear(fx->ctx, &f);
        pc_rules_free(fx->ctx, r);
        pc_layer_free(fx->ctx, pl);
        pc_layer_free(fx->ctx, zl);
    }
    report();
}

/* ---- main ------------------------------------------------------------------ */

#define T(name) TU_FX_TEST(name)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        T(test_figure_area),
        T(test_figure_keys),
        T(test_children_sum),
        T(test_children_sum_message),
        T(test_child_outside),
        T(test_cycles),
        T(test_capacity_by_attribute),
        T(test_capacity_cycle),
        T(test_capacity_spatial),
        T(test_quotas),
        T(test_duplicate_keys),
        T(test_units_disagree),
        T(test_robustness),
    };
    if (argc > 1) /* e.g. test_reconcile 'test_cap*' */
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("reconcile", tests, NULL, NULL);
}
