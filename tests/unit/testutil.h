/* testutil.h: helpers shared by the unit tests: a fresh temporary
 * directory per test group, small file helpers, and a hand-built pc_layer.
 * Everything is static inline so that unused helpers do not warn. */
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
#include "plancheck/crs.h"
#include "plancheck/layer.h"

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

#endif
