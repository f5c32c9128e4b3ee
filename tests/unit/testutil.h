/* testutil.h: helpers shared by the unit tests: collected expectations,
 * a fresh temporary directory per test group, small file helpers, a
 * hand-built pc_layer, and the fixture of the rules tests (context, CRS,
 * local coordinates, findings lookups). Everything is static inline so
 * that unused helpers do not warn. */
#ifndef PC_TESTUTIL_H
#define PC_TESTUTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdint.h>
#include <cmocka.h>

#include "../../src/core/internal.h"
#include "plancheck/check.h"
#include "plancheck/crs.h"
#include "plancheck/findings.h"
#include "plancheck/layer.h"

/* ---- collected expectations ----------------------------------------- */

/* A table-driven test checks every case and fails once at the end with
 * all the failed expectations listed: EXPECT records a failure and goes
 * on, report fails the test when any was recorded. */
struct tu_expect {
    char err[16384];
    size_t n;
};

/* The expectations of the running test (one test runs at a time). */
static inline struct tu_expect *tu_expect_state(void)
{
    static struct tu_expect state;
    return &state;
}

/* Forgets the failures recorded so far (each test starts clean). */
static inline void tu_expect_reset(void)
{
    tu_expect_state()->err[0] = '\0';
    tu_expect_state()->n = 0;
}

/* Records a failed expectation at `line`; the text is kept while there is
 * room, the count always. */
static inline void expect_failed(int line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void expect_failed(int line, const char *fmt, ...)
{
    struct tu_expect *e = tu_expect_state();
    size_t len = strlen(e->err);
    e->n++;
    if (len + 200 >= sizeof e->err)
        return;
    len += (size_t)snprintf(e->err + len, sizeof e->err - len,
                            "  line %d: ", line);
    va_list ap;
    va_start(ap, fmt);
    len += (size_t)vsnprintf(e->err + len, sizeof e->err - len, fmt, ap);
    va_end(ap);
    if (len + 1 < sizeof e->err) {
        e->err[len] = '\n';
        e->err[len + 1] = '\0';
    }
}

#define EXPECT(cond, ...)                                                    \
    do {                                                                     \
        if (!(cond))                                                         \
            expect_failed(__LINE__, __VA_ARGS__);                         \
    } while (0)

/* Fails the test when an expectation failed (call after cleaning up). */
static inline void report(void)
{
    struct tu_expect *e = tu_expect_state();
    if (e->n)
        fail_msg("%zu expectation(s) failed:\n%s", e->n, e->err);
}

/* ---- temporary directory ---------------------------------------------- */

/* Creates a fresh directory under $TMPDIR (or /tmp); returns a malloc'ed
 * path or NULL. */
static inline char *tu_mkdtemp(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    char *templ = pc_aprintf("%s/plancheck-%s-XXXXXX", base, tag);
    if (!templ)
        return NULL;
    if (!mkdtemp(templ)) {
        free(templ);
        return NULL;
    }
    return templ;
}

static inline int tu_chmod_dir(const char *path, const struct stat *sb,
                               int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR)
        chmod(path, 0700); /* a test may have made it read-only */
    return 0;
}

static inline int tu_rm_one(const char *path, const struct stat *sb, int flag,
                            struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path); /* best effort: keep going */
    return 0;
}

/* rm -rf path (a directory made by tu_mkdtemp). With PC_TEST_KEEP set in
 * the environment the directory is kept (for debugging) and named. */
static inline void tu_rm_rf(const char *path)
{
    if (!path)
        return;
    if (getenv("PC_TEST_KEEP")) {
        fprintf(stderr, "PC_TEST_KEEP: kept %s\n", path);
        return;
    }
    nftw(path, tu_chmod_dir, 16, FTW_PHYS);
    nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* malloc'ed "dir/name". */
static inline char *tu_path(const char *dir, const char *name)
{
    char *p = pc_aprintf("%s/%s", dir, name);
    assert_non_null(p);
    return p;
}

/* "dir/name" into buf (no allocation: nothing leaks when a test fails). */
static inline const char *tu_pathbuf(char *buf, size_t n, const char *dir,
                                     const char *name)
{
    int len = snprintf(buf, n, "%s/%s", dir, name);
    assert_true(len > 0 && (size_t)len < n);
    return buf;
}

/* Writes `text` to path (creating or truncating). */
static inline void tu_write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    size_t n = strlen(text);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

/* Reads a whole file; *size gets its length. NULL when it cannot be read. */
static inline unsigned char *tu_read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(fp);
    if (size)
        *size = n;
    return buf;
}

static inline int tu_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* 1 when `s` contains `sub` (both non-NULL). */
static inline int tu_contains(const char *s, const char *sub)
{
    return s && sub && strstr(s, sub) != NULL;
}

/* Asserts that `s` contains `sub`, printing both when it does not. */
#define assert_contains(s, sub)                                              \
    do {                                                                     \
        const char *s_ = (s), *sub_ = (sub);                                 \
        if (!tu_contains(s_, sub_))                                          \
            fail_msg("expected \"%s\" to contain \"%s\"",                   \
                     s_ ? s_ : "(null)", sub_ ? sub_ : "(null)");            \
    } while (0)

/* |a - b| <= tol, with both values shown on failure. */
#define assert_near(a, b, tol)                                               \
    do {                                                                     \
        double a_ = (a), b_ = (b), t_ = (tol);                               \
        if (!(fabs(a_ - b_) <= t_))                                          \
            fail_msg("%s = %.17g, expected %.17g within %g", #a, a_, b_,     \
                     t_);                                                    \
    } while (0)

/* |a/b - 1| <= rel. */
#define assert_rel(a, b, rel)                                                \
    do {                                                                     \
        double a_ = (a), b_ = (b), r_ = (rel);                               \
        if (!(fabs(a_ - b_) <= r_ * fabs(b_)))                               \
            fail_msg("%s = %.17g, expected %.17g within relative %g", #a,   \
                     a_, b_, r_);                                            \
    } while (0)

/* ---- hand-built layers ------------------------------------------------ */

/* A new empty layer with a CRS (NULL: none) and source names set. */
static inline pc_layer *tu_layer_new(pc_ctx *ctx, const char *name,
                                     const char *crs)
{
    pc_layer *layer = pc_layer_new(name);
    assert_non_null(layer);
    layer->source = pc_strdup("hand-built.gpkg");
    layer->source_layer = pc_strdup(name);
    layer->geom_type = pc_strdup("Multi Polygon");
    layer->geom_class = PC_GEOM_POLYGON;
    assert_non_null(layer->source);
    assert_non_null(layer->source_layer);
    assert_non_null(layer->geom_type);
    if (crs) {
        pc_status st = pc_crs_from_string(ctx, crs, "test", &layer->crs);
        if (st != PC_OK)
            fail_msg("CRS %s: %s", crs, pc_ctx_error(ctx));
    }
    return layer;
}

/* Adds a field; only before the first feature. Returns its index. */
static inline size_t tu_layer_add_field(pc_layer *layer, const char *name,
                                        pc_field_type type)
{
    assert_int_equal(layer->nfeatures, 0);
    pc_field *f = realloc(layer->fields, (layer->nfields + 1) * sizeof *f);
    assert_non_null(f);
    layer->fields = f;
    f[layer->nfields].name = pc_strdup(name);
    f[layer->nfields].type = type;
    assert_non_null(f[layer->nfields].name);
    return layer->nfields++;
}

/* Adds a feature whose geometry is `wkt` (NULL: a NULL geometry). All its
 * values start as NULL. */
static inline pc_feature *tu_layer_add_feature(pc_ctx *ctx, pc_layer *layer,
                                               int64_t fid, const char *wkt)
{
    if (layer->nfeatures == layer->cap) {
        size_t cap = layer->cap ? 2 * layer->cap : 8;
        pc_feature *fs = realloc(layer->features, cap * sizeof *fs);
        assert_non_null(fs);
        layer->features = fs;
        layer->cap = cap;
    }
    pc_feature *f = &layer->features[layer->nfeatures++];
    memset(f, 0, sizeof *f);
    f->fid = fid;
    f->values = calloc(layer->nfields ? layer->nfields : 1, sizeof *f->values);
    assert_non_null(f->values);
    for (size_t j = 0; j < layer->nfields; j++)
        f->values[j].is_null = 1;
    if (wkt) {
        f->geom = GEOSGeomFromWKT_r(pc_ctx_geos(ctx), wkt);
        if (!f->geom)
            fail_msg("bad WKT in test: %s", wkt);
    }
    return f;
}

static inline void tu_set_int(pc_feature *f, size_t j, int64_t v)
{
    f->values[j].is_null = 0;
    f->values[j].i = v;
}

static inline void tu_set_real(pc_feature *f, size_t j, double v)
{
    f->values[j].is_null = 0;
    f->values[j].r = v;
}

static inline void tu_set_text(pc_feature *f, size_t j, const char *s)
{
    f->values[j].is_null = 0;
    f->values[j].s = pc_strdup(s);
    assert_non_null(f->values[j].s);
}

/* WKT of an axis-aligned square (counter-clockwise, or clockwise when cw)
 * centred at (cx, cy) with side `side`. */
static inline char *tu_square_wkt(double cx, double cy, double side, int cw)
{
    double h = side / 2;
    if (cw)
        return pc_aprintf("POLYGON((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,"
                          "%.9f %.9f))",
                          cx - h, cy - h, cx - h, cy + h, cx + h, cy + h,
                          cx + h, cy - h, cx - h, cy - h);
    return pc_aprintf("POLYGON((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,"
                      "%.9f %.9f))",
                      cx - h, cy - h, cx + h, cy - h, cx + h, cy + h,
                      cx - h, cy + h, cx - h, cy - h);
}

/* ---- rules fixture ---------------------------------------------------- */

/* The rules tests build their layers in EPSG:4549 (CGCS2000, 3-degree
 * Gauss-Kruger, central meridian 120E), written in local coordinates
 * shifted to this origin. */
#define TU_X0 580000.0
#define TU_Y0 3093000.0

/* A quiet context and the EPSG:4549 CRS, for one test. */
struct tu_fx {
    pc_ctx *ctx;
    pc_crs *crs;
};

/* cmocka setup: a struct tu_fx in *state, expectations reset. */
static inline int tu_fx_setup(void **state)
{
    struct tu_fx *fx = calloc(1, sizeof *fx);
    if (!fx || !(fx->ctx = pc_ctx_new()))
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    if (pc_crs_from_string(fx->ctx, "EPSG:4549", "test", &fx->crs) != PC_OK) {
        fprintf(stderr, "setup: %s\n", pc_ctx_error(fx->ctx));
        return -1;
    }
    tu_expect_reset();
    *state = fx;
    return 0;
}

/* cmocka teardown of tu_fx_setup. */
static inline int tu_fx_teardown(void **state)
{
    struct tu_fx *fx = *state;
    if (!fx)
        return 0;
    pc_crs_free(fx->crs);
    pc_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

/* A test of the rule files, run with the tu_fx fixture. */
#define TU_FX_TEST(name)                                                     \
    cmocka_unit_test_setup_teardown(name, tu_fx_setup, tu_fx_teardown)

static inline int tu_shift_xy(double *x, double *y, void *arg)
{
    (void)arg;
    *x += TU_X0;
    *y += TU_Y0;
    return 1;
}

/* Local WKT to a GEOS geometry at x TU_X0, y TU_Y0. */
static inline GEOSGeometry *local_geom(pc_ctx *ctx, const char *wkt)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    GEOSGeometry *g = GEOSGeomFromWKT_r(h, wkt);
    if (!g)
        fail_msg("bad WKT in test: %s", wkt);
    GEOSGeometry *s = GEOSGeom_transformXY_r(h, g, tu_shift_xy, NULL);
    GEOSGeom_destroy_r(h, g);
    assert_non_null(s);
    return s;
}

/* Calls a rule and fails at once on a tool error (these are not expected
 * for any input here). fx is a struct tu_fx *. */
#define RULE_OK(fx, call)                                                    \
    do {                                                                     \
        pc_status st_ = (call);                                              \
        if (st_ != PC_OK)                                                    \
            fail_msg("%s: status %d: %s", #call, (int)st_,                   \
                     pc_ctx_error((fx)->ctx));                               \
    } while (0)

/* Equal strings, or both NULL. */
static inline int streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* How many findings of `rule` there are. */
static inline size_t count_rule(const pc_findings *f, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += streq(f->items[i].rule, rule);
    return n;
}

/* Adds a layer to a rules session, failing the test on an error. */
static inline int tu_add_layer(struct tu_fx *fx, pc_rules *r, pc_layer *l,
                               const char *id, const char *key_field)
{
    int index = -1;
    if (pc_rules_add_layer(fx->ctx, r, l, id, key_field, &index) != PC_OK)
        fail_msg("pc_rules_add_layer: %s", pc_ctx_error(fx->ctx));
    return index;
}

/* The finding of `rule` about key (and key2 / field when not NULL). */
static inline const pc_finding *tu_find(const pc_findings *f,
                                        const char *rule, const char *key,
                                        const char *key2, const char *field)
{
    for (size_t i = 0; i < f->n; i++) {
        const pc_finding *x = &f->items[i];
        if (streq(x->rule, rule) && streq(x->key, key) &&
            (!key2 || streq(x->key2, key2)) &&
            (!field || streq(x->field, field)))
            return x;
    }
    return NULL;
}

/* The findings in one line, for a failed expectation's message. */
static inline void tu_dump(const pc_findings *f, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->n && len + 1 < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "[%s %.9g: %s] ",
                                f->items[i].id, f->items[i].measured_m2,
                                f->items[i].message ? f->items[i].message : "");
    if (len >= n)
        buf[n - 1] = '\0';
}

#endif
