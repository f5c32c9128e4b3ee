/* reconcile.c: check stage: the plan's own figures (`figures:`) against the
 * data and against each other. A zone's printed area against its polygon;
 * the parts of a zone against the whole (their figures must add up, their
 * polygons must lie inside); the parcels of a zone against its capacity and
 * its land-use quotas; keys held by more than one feature; and two printed
 * figures of one feature against each other.
 *
 * Zones are few (tens to hundreds): they live in small sorted tables and a
 * graph of the plan's `children` lists, walked with visited marks so that a
 * cycle in the plan never loops. Parcels may be a million: they are visited
 * once (capacity) or sorted once (duplicate keys). Messages say every
 * figure as the plan prints it, then in m². */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figure.h"
#include "plancheck/landuse.h"
#include "plancheck/units.h"
#include "rules_internal.h"

#define NONE SIZE_MAX

/* ---- text of figures ------------------------------------------------------ */

/* A value in some unit for messages: about six significant digits, no
 * trailing zeros ("5100", "65.77", "3733.33"). */
static void fmt_value(char *buf, size_t n, double v)
{
    int dec = 0;
    if (v != 0 && isfinite(v)) {
        int mag = (int)floor(log10(fabs(v)));
        dec = mag >= 5 ? 0 : mag <= 1 ? 4 : 5 - mag;
    }
    snprintf(buf, n, "%.*f", dec, v);
    if (strchr(buf, '.')) {
        size_t len = strlen(buf);
        while (len > 0 && buf[len - 1] == '0')
            buf[--len] = '\0';
        if (len > 0 && buf[len - 1] == '.')
            buf[--len] = '\0';
    }
}

/* A stated figure in m², or 0 when it is not usable (not a finite
 * non-negative number, or no known unit): such a figure counts as none. */
static int stated_m2(const pc_stated_area *s, double *m2)
{
    if (!isfinite(s->value) || s->value < 0 ||
        (unsigned)s->unit >= (unsigned)PC_UNIT_COUNT)
        return 0;
    *m2 = pc_unit_to_m2(s->value, s->unit);
    return isfinite(*m2);
}

/* A stated figure as printed: its text, with 约 and the unit added when the
 * text leaves them out ("约5600 亩"); the value and unit without a text. */
static const char *stated_text(const pc_stated_area *s, char *buf, size_t n)
{
    char v[64];
    const char *t = s->text;
    if (!t || !*t) {
        fmt_value(v, sizeof v, s->value);
        t = v;
    }
    size_t len = strlen(t);
    int bare = len > 0 && ((t[len - 1] >= '0' && t[len - 1] <= '9') ||
                           t[len - 1] == '.');
    snprintf(buf, n, "%s%s%s%s", s->approx && !strstr(t, "约") ? "约" : "", t,
             bare ? " " : "", bare ? pc_unit_name_zh(s->unit) : "");
    return buf;
}

/* An amount in m², and in unit u as well unless u is m²:
 * "3400000.0 m2 (5100 亩)". */
static const char *m2_text(double m2, pc_unit u, char *buf, size_t n)
{
    if (u == PC_UNIT_M2 || (unsigned)u >= (unsigned)PC_UNIT_COUNT) {
        snprintf(buf, n, "%.1f m2", m2);
    } else {
        char v[64];
        fmt_value(v, sizeof v, pc_unit_from_m2(m2, u));
        snprintf(buf, n, "%.1f m2 (%s %s)", m2, v, pc_unit_name_zh(u));
    }
    return buf;
}

/* " (L1309)": where the plan prints a figure, else its plan file line, or
 * nothing. */
static const char *where_text(const char *source, int line, char *buf,
                              size_t n)
{
    if (source && *source)
        snprintf(buf, n, " (%s)", source);
    else if (line > 0)
        snprintf(buf, n, " (plan file line %d)", line);
    else
        buf[0] = '\0';
    return buf;
}

/* " (8.9 %)": a difference as a share of its reference, or "" when the
 * reference is 0. */
static const char *pct_text(double diff, double ref, char *buf, size_t n)
{
    if (ref > 0)
        snprintf(buf, n, " (%.1f %%)", 100.0 * fabs(diff) / ref);
    else
        buf[0] = '\0';
    return buf;
}

/* ---- small shared pieces ------------------------------------------------- */

/* Equal strings, NULL equal to NULL only. */
static int streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* 1 for a non-empty polygon or multipolygon: what has an area. */
static int is_polygonal(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    if (!g || GEOSisEmpty_r(h, g) != 0)
        return 0;
    int t = GEOSGeomTypeId_r(h, g);
    return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

/* Area of a feature's polygon by the session's method; NAN without one. */
static pc_status feature_area(pc_ctx *ctx, pc_rules *r, const GEOSGeometry *g,
                              double *area)
{
    *area = NAN;
    if (!is_polygonal(pc_ctx_geos(ctx), g))
        return PC_OK;
    return pc_area_calc_area(ctx, r->calc, g, r->method, area);
}

/* A finding's copy of a feature's geometry (NULL stays NULL). */
static GEOSGeometry *clone_or_null(pc_ctx *ctx, const GEOSGeometry *g)
{
    return g ? GEOSGeom_clone_r(pc_ctx_geos(ctx), g) : NULL;
}

/* 1 when `out` already holds a finding of `rule` about layer/key/key2:
 * both zone rules report a missing zone, and a run calling both (or a plan
 * listing a zone twice) should say it once. Missing zones are few. */
static int has_finding(const pc_findings *out, const char *rule,
                       const char *layer, const char *key, const char *key2)
{
    for (size_t k = 0; k < out->n; k++) {
        const pc_finding *x = &out->items[k];
        if (streq(x->rule, rule) && streq(x->layer, layer) &&
            streq(x->key, key) && streq(x->key2, key2))
            return 1;
    }
    return 0;
}

/* ---- declared figures of features ---------------------------------------- */

/* A declared-area attribute resolved against a layer, with the last unit
 * text parsed: units repeat down a layer. */
struct decl_ix {
    const pc_area_decl *d;
    int v, u, a;              /* value, unit and approx field indices */
    pc_unit_memo memo;
};

/* The field indices of the declared areas; a field that is not there is
 * PC_ERR_INPUT, as for pc_check_area. */
static pc_status resolve_decls(pc_ctx *ctx, const pc_layer *layer,
                               const pc_area_decl *decls, size_t n,
                               struct decl_ix *x)
{
    pc_status st;
    for (size_t k = 0; k < n; k++) {
        memset(&x[k], 0, sizeof x[k]);
        x[k].d = &decls[k];
        if (!decls[k].value_field)
            return pc_error(ctx, PC_ERR_USAGE, "layer '%s': a declared area "
                            "without a value field", layer->name);
        if ((st = pc_layer_need_field(ctx, layer, decls[k].value_field,
                                      "declared area's value field",
                                      &x[k].v)) != PC_OK ||
            (st = pc_layer_need_field(ctx, layer, decls[k].unit_field,
                                      "declared area's unit field",
                                      &x[k].u)) != PC_OK ||
            (st = pc_layer_need_field(ctx, layer, decls[k].approx_field,
                                      "declared area's approx field",
                                      &x[k].a)) != PC_OK)
            return st;
    }
    return PC_OK;
}

/* Feature f's figure of one declared-area attribute: 1 with the figure,
 * its unit (as printed in *unit_text, ubuf its storage) and its m² when it
 * is usable; 0 when it is NULL, not a finite non-negative number or in an
 * unknown unit (area.value and area.unit say so; here it is skipped). */
static int decl_m2(const pc_layer *layer, const pc_feature *f,
                   struct decl_ix *x, pc_figure *fig, const char **unit_text,
                   char *ubuf, size_t n, double *m2)
{
    pc_figure_read(layer, f, x->v, x->a, NULL, fig);
    if (fig->is_null || !fig->ok)
        return 0;
    const char *ut = x->d->unit;
    if (x->u >= 0)
        ut = pc_value_text(layer, (size_t)x->u, &f->values[x->u], ubuf, n);
    pc_unit unit;
    if (pc_unit_memo_parse(&x->memo, ut, &unit) != 0)
        return 0;
    *unit_text = ut;
    *m2 = pc_unit_to_m2(fig->value, unit);
    return isfinite(*m2);
}

/* ---- keys of a layer ------------------------------------------------------ */

struct kentry {
    const char *key;
    int64_t fid;
    uint32_t index;
};

struct ktable {
    struct kentry *e;
    size_t n;
    char *store; /* formatted keys of number fields and FIDs */
};

#define KEY_SLOT 48 /* "fid:-9223372036854775808", %.17g numbers */

/* By key, then FID: the first of a run holds the key first. */
static int cmp_kentry(const void *pa, const void *pb)
{
    const struct kentry *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    if (a->fid != b->fid)
        return a->fid < b->fid ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Every feature's key (as pc_rules_key writes it) sorted by key, then FID:
 * text keys borrowed, others formatted into the table's store. With
 * skip_fid the features keyed by FID (no key field, NULL or empty value)
 * are left out: they cannot repeat. */
static pc_status key_table(pc_ctx *ctx, const struct rlayer *l, int skip_fid,
                           struct ktable *t)
{
    const pc_layer *layer = l->layer;
    size_t n = layer->nfeatures;
    memset(t, 0, sizeof *t);
    if (skip_fid && l->key < 0)
        return PC_OK;
    int text = l->key >= 0 && layer->fields[l->key].type == PC_FIELD_TEXT;
    t->e = malloc((n ? n : 1) * sizeof *t->e);
    if (!text || !skip_fid)
        t->store = malloc((n ? n : 1) * KEY_SLOT);
    if (!t->e || ((!text || !skip_fid) && !t->store)) {
        free(t->e);
        free(t->store);
        memset(t, 0, sizeof *t);
        return PC_OOM(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        const pc_feature *f = &layer->features[i];
        const char *k = NULL;
        if (l->key >= 0 && !f->values[l->key].is_null) {
            if (text)
                k = f->values[l->key].s;
            else
                k = pc_value_text(layer, (size_t)l->key, &f->values[l->key],
                                  t->store + KEY_SLOT * i, KEY_SLOT);
        }
        if (!k || !*k) {
            if (skip_fid)
                continue;
            k = pc_feature_key(layer, -1, i, t->store + KEY_SLOT * i,
                               KEY_SLOT);
        }
        t->e[t->n++] = (struct kentry){k, f->fid, (uint32_t)i};
    }
    if (t->n > 1)
        qsort(t->e, t->n, sizeof *t->e, cmp_kentry);
    return PC_OK;
}

/* Frees what a key table owns (not the borrowed text keys). */
static void ktable_free(struct ktable *t)
{
    free(t->e);
    free(t->store);
    memset(t, 0, sizeof *t);
}

/* The feature with this key (the first by FID when several hold it), or
 * NONE. */
static size_t kfind(const struct ktable *t, const char *key)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->e[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && strcmp(t->e[lo].key, key) == 0 ? t->e[lo].index
                                                       : NONE;
}

/* ---- the zones the figures speak of -------------------------------------- */

/* Every key that is a figure's or a part's, once, sorted, as the nodes of
 * the `children` graph: the figures of each node (input order), its
 * children (sorted, once each) and its parents; and its zone feature and
 * measured area. */
struct graph {
    const char **key;
    size_t n;
    size_t *fstart, *fig;   /* figures of node k: fig[fstart[k] .. fstart[k+1]) */
    size_t *kstart, *kid;   /* children of node k */
    size_t *pstart, *par;   /* parents of node k */
    size_t *feat;           /* zone feature, or NONE */
    double *area;           /* its area by the session's method, or NAN */
};

/* Frees a graph; safe on one that failed half built. */
static void graph_free(struct graph *g)
{
    free(g->key);
    free(g->fstart);
    free(g->fig);
    free(g->kstart);
    free(g->kid);
    free(g->pstart);
    free(g->par);
    free(g->feat);
    free(g->area);
    memset(g, 0, sizeof *g);
}

/* qsort/bsearch order of key pointers, and of node indices. */
static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Node of a key, or NONE. */
static size_t gfind(const struct graph *g, const char *key)
{
    if (!key)
        return NONE;
    const char **hit = bsearch(&key, g->key, g->n, sizeof *g->key, cmp_strp);
    return hit ? (size_t)(hit - g->key) : NONE;
}

/* Prefix sums of per-node counts held at start[k + 1]. */
static void prefix(size_t *start, size_t n)
{
    for (size_t k = 0; k < n; k++)
        start[k + 1] += start[k];
}

/* Builds the graph of `figs` over the zones layer l (its key table zt):
 * the nodes from the keys, the figures and edges by counting sort (a plan
 * lists few), each node's zone feature and area. Figures or parts without
 * a key are left out. */
static pc_status graph_build(pc_ctx *ctx, pc_rules *r, const struct rlayer *l,
                             const struct ktable *zt,
                             const pc_zone_figure *figs, size_t nfigs,
                             struct graph *g)
{
    memset(g, 0, sizeof *g);
    size_t nkeys = 0, nedges = 0;
    for (size_t f = 0; f < nfigs; f++) {
        if (!figs[f].key)
            continue;
        nkeys++;
        for (size_t c = 0; figs[f].children && c < figs[f].nchildren; c++)
            if (figs[f].children[c]) {
                nkeys++;
                nedges++;
            }
    }
    g->key = malloc((nkeys ? nkeys : 1) * sizeof *g->key);
    if (!g->key)
        return PC_OOM(ctx);
    for (size_t f = 0; f < nfigs; f++) {
        if (!figs[f].key)
            continue;
        g->key[g->n++] = figs[f].key;
        for (size_t c = 0; figs[f].children && c < figs[f].nchildren; c++)
            if (figs[f].children[c])
                g->key[g->n++] = figs[f].children[c];
    }
    if (g->n > 1)
        qsort(g->key, g->n, sizeof *g->key, cmp_strp);
    size_t w = 0;
    for (size_t k = 0; k < g->n; k++)
        if (w == 0 || strcmp(g->key[w - 1], g->key[k]) != 0)
            g->key[w++] = g->key[k];
    g->n = w;
    size_t n = g->n;
    g->fstart = calloc(n + 1, sizeof *g->fstart);
    g->kstart = calloc(n + 1, sizeof *g->kstart);
    g->pstart = calloc(n + 1, sizeof *g->pstart);
    g->fig = malloc((nfigs ? nfigs : 1) * sizeof *g->fig);
    g->kid = malloc((nedges ? nedges : 1) * sizeof *g->kid);
    g->par = malloc((nedges ? nedges : 1) * sizeof *g->par);
    g->feat = malloc((n ? n : 1) * sizeof *g->feat);
    g->area = malloc((n ? n : 1) * sizeof *g->area);
    size_t *cur = malloc((n + 1) * 3 * sizeof *cur);
    if (!g->fstart || !g->kstart || !g->pstart || !g->fig || !g->kid ||
        !g->par || !g->feat || !g->area || !cur) {
        free(cur);
        graph_free(g);
        return PC_OOM(ctx);
    }
    /* counts, offsets, then fills in input order */
    for (size_t f = 0; f < nfigs; f++) {
        size_t a = gfind(g, figs[f].key);
        if (a == NONE)
            continue;
        g->fstart[a + 1]++;
        for (size_t c = 0; figs[f].children && c < figs[f].nchildren; c++) {
            size_t b = gfind(g, figs[f].children[c]);
            if (b == NONE)
                continue;
            g->kstart[a + 1]++;
            g->pstart[b + 1]++;
        }
    }
    prefix(g->fstart, n);
    prefix(g->kstart, n);
    prefix(g->pstart, n);
    size_t *fc = cur, *kc = cur + n + 1, *pcur = cur + 2 * (n + 1);
    memcpy(fc, g->fstart, (n + 1) * sizeof *fc);
    memcpy(kc, g->kstart, (n + 1) * sizeof *kc);
    memcpy(pcur, g->pstart, (n + 1) * sizeof *pcur);
    for (size_t f = 0; f < nfigs; f++) {
        size_t a = gfind(g, figs[f].key);
        if (a == NONE)
            continue;
        g->fig[fc[a]++] = f;
        for (size_t c = 0; figs[f].children && c < figs[f].nchildren; c++) {
            size_t b = gfind(g, figs[f].children[c]);
            if (b == NONE)
                continue;
            g->kid[kc[a]++] = b;
            g->par[pcur[b]++] = a;
        }
    }
    free(cur);
    /* children once each, in key order: a part listed twice is one edge,
     * and the walks below do not depend on the plan's order */
    w = 0;
    for (size_t k = 0; k < n; k++) {
        size_t s = g->kstart[k], e = g->kstart[k + 1];
        if (e - s > 1)
            qsort(g->kid + s, e - s, sizeof *g->kid, cmp_size);
        g->kstart[k] = w;
        for (size_t q = s; q < e; q++)
            if (q == s || g->kid[q] != g->kid[q - 1])
                g->kid[w++] = g->kid[q];
    }
    g->kstart[n] = w;
    for (size_t k = 0; k < n; k++) {
        g->feat[k] = kfind(zt, g->key[k]);
        g->area[k] = NAN;
        if (g->feat[k] == NONE)
            continue;
        pc_status st = feature_area(ctx, r, l->layer->features[g->feat[k]].geom,
                                    &g->area[k]);
        if (st != PC_OK) {
            graph_free(g);
            return st;
        }
    }
    return PC_OK;
}

/* The first figure of node k that states an area, or NULL. */
static const pc_zone_figure *stated_fig(const struct graph *g,
                                        const pc_zone_figure *figs, size_t k,
                                        double *m2)
{
    for (size_t q = g->fstart[k]; q < g->fstart[k + 1]; q++) {
        const pc_zone_figure *f = &figs[g->fig[q]];
        if (f->has_area && stated_m2(&f->area, m2))
            return f;
    }
    return NULL;
}

/* ---- findings about zones ------------------------------------------------- */

/* The common part of a finding about zone node k. */
static pc_finding zone_finding(const char *rule, pc_severity sev,
                               const struct rlayer *l, const struct graph *g,
                               size_t k, const char *key)
{
    pc_finding fd = pc_finding_init(rule, sev);
    fd.layer = l->id;
    fd.key = (char *)key;
    if (k != NONE && g->feat[k] != NONE)
        fd.fid = l->layer->features[g->feat[k]].fid;
    return fd;
}

/* figure.no_zone for `key` (a figure's zone), or for part `part` of it
 * (part non-NULL), once per findings list. */
static pc_status no_zone(pc_ctx *ctx, const struct rlayer *l,
                         const struct graph *g, const pc_zone_figure *fig,
                         const char *part, pc_severity sev, pc_findings *out)
{
    if (has_finding(out, "figure.no_zone", l->id, fig->key, part))
        return PC_OK;
    char msg[1024], wh[128];
    pc_finding fd = zone_finding("figure.no_zone", sev, l, g,
                                 part ? gfind(g, fig->key) : NONE, fig->key);
    where_text(fig->source, fig->line, wh, sizeof wh);
    if (part) {
        fd.layer2 = l->id;
        fd.key2 = (char *)part;
        snprintf(msg, sizeof msg, "%s%s lists part %s, but no feature of %s "
                 "has key %s", fig->key, wh, part, l->id, part);
    } else {
        snprintf(msg, sizeof msg, "the plan gives figures for zone %s%s, but "
                 "no feature of %s has key %s", fig->key, wh, l->id, fig->key);
    }
    fd.message = msg;
    return pc_findings_add(ctx, out, &fd);
}

/* figure.area: the zone's measured area against its stated figure. */
static pc_status check_area(pc_ctx *ctx, pc_rules *r, const struct rlayer *l,
                            const struct graph *g, size_t a,
                            const pc_zone_figure *fig,
                            const pc_zone_figure_opts *o, pc_findings *out)
{
    double declared, m = g->area[a];
    if (!fig->has_area || !stated_m2(&fig->area, &declared) || isnan(m))
        return PC_OK;
    double tol = pc_figure_tolerance(o->tol.abs_m2, o->tol.rel_pct,
                                     o->tol.approx_rel_pct, fig->area.approx,
                                     declared);
    double diff = m - declared;
    if (fabs(diff) <= tol)
        return PC_OK;
    char msg[1024], ftext[256], mt[128], wh[128];
    const char *method = pc_area_method_name(r->method);
    pc_finding fd = zone_finding("figure.area", o->severity, l, g, a, fig->key);
    fd.measured_m2 = m;
    fd.declared_m2 = declared;
    fd.diff_m2 = diff;
    fd.diff_pct = declared > 0 ? 100.0 * diff / declared : NAN;
    fd.tolerance_m2 = tol;
    fd.unit = (char *)pc_unit_name_zh(fig->area.unit);
    fd.declared_value = fig->area.value;
    fd.method = (char *)method;
    char pt[32] = "";
    if (declared > 0)
        snprintf(pt, sizeof pt, " (%+.1f %%)", fd.diff_pct);
    snprintf(msg, sizeof msg, "%s: %s area %s differs from the plan's %s "
             "(%.1f m2) by %+.1f m2%s; tolerance %.1f m2%s", fig->key, method,
             m2_text(m, fig->area.unit, mt, sizeof mt),
             stated_text(&fig->area, ftext, sizeof ftext), declared, diff, pt,
             tol,
             where_text(fig->source, fig->line, wh, sizeof wh));
    fd.message = msg;
    fd.geom = clone_or_null(ctx, l->layer->features[g->feat[a]].geom);
    return pc_findings_add(ctx, out, &fd);
}

/* figure.child_outside: the part of child b outside zone a, when larger
 * than the tolerance. */
static pc_status check_outside(pc_ctx *ctx, pc_rules *r, const struct rlayer *l,
                               const struct graph *g, size_t a, size_t b,
                               const pc_zone_figure *fig,
                               const pc_zone_figure_opts *o, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_feature *zf = &l->layer->features[g->feat[a]];
    const pc_feature *cf = &l->layer->features[g->feat[b]];
    if (!is_polygonal(h, zf->geom) || !is_polygonal(h, cf->geom))
        return PC_OK;
    GEOSGeometry *d = GEOSDifference_r(h, cf->geom, zf->geom);
    if (!d)
        return pc_error(ctx, PC_ERR_INTERNAL, "%s: part %s less zone %s: "
                        "GEOS: %s", l->id, g->key[b], fig->key,
                        pc_ctx_geos_message(ctx));
    double planar, area;
    d = pc_polygonal_above(h, d, o->inside_tolerance_m2, &planar);
    if (!d)
        return PC_OK;
    pc_status st = pc_area_calc_area(ctx, r->calc, d, r->method, &area);
    if (st != PC_OK || !(area > o->inside_tolerance_m2)) {
        GEOSGeom_destroy_r(h, d);
        return st;
    }
    char msg[1024], wh[128];
    pc_finding fd = zone_finding("figure.child_outside", o->severity, l, g, a,
                                 fig->key);
    fd.layer2 = l->id;
    fd.key2 = (char *)g->key[b];
    fd.fid2 = cf->fid;
    fd.repaired = zf->repaired || cf->repaired;
    fd.measured_m2 = area;
    fd.tolerance_m2 = o->inside_tolerance_m2;
    fd.method = (char *)pc_area_method_name(r->method);
    snprintf(msg, sizeof msg, "%s, a part of %s%s, lies partly outside it: "
             "%.1f m2 outside (%s); tolerance %.1f m2", g->key[b], fig->key,
             where_text(fig->source, fig->line, wh, sizeof wh), area,
             fd.method, o->inside_tolerance_m2);
    fd.message = msg;
    fd.geom = d;
    return pc_findings_add(ctx, out, &fd);
}

/* figure.children_sum: the parts' figures (a part without one: its
 * measured area) against the zone's figure (its area without one). */
/* What a zone is compared with: its stated figure, or its measured area
 * when it has none. 0 when it has neither. *stated says which; text gets
 * "约5600 亩 (3733333.3 m2)" or "ellipsoidal area 123.4 m2". */
static int zone_reference(const pc_rules *r, const struct graph *g, size_t a,
                          const pc_zone_figure *fig, double *m2, int *approx,
                          pc_unit *unit, int *stated, char *text, size_t n)
{
    char ftext[256];
    *approx = 0;
    *stated = 0;
    *unit = PC_UNIT_M2;
    if (fig->has_area && stated_m2(&fig->area, m2)) {
        *stated = 1;
        *approx = fig->area.approx;
        *unit = fig->area.unit;
        snprintf(text, n, "%s (%.1f m2)",
                 stated_text(&fig->area, ftext, sizeof ftext), *m2);
        return 1;
    }
    if (isnan(g->area[a]))
        return 0;
    *m2 = g->area[a];
    snprintf(text, n, "%s area %.1f m2", pc_area_method_name(r->method), *m2);
    return 1;
}

static pc_status check_sum(pc_ctx *ctx, pc_rules *r, const struct rlayer *l,
                           const struct graph *g, size_t a,
                           const pc_zone_figure *figs,
                           const pc_zone_figure *fig,
                           const pc_zone_figure_opts *o, pc_findings *out)
{
    double declared;
    int approx, stated;
    pc_unit unit;
    char ref[384], ptext[400];
    if (!zone_reference(r, g, a, fig, &declared, &approx, &unit, &stated, ref,
                        sizeof ref))
        return PC_OK; /* neither figure nor polygon: nothing to add up to */
    snprintf(ptext, sizeof ptext, stated ? "%s" : "(%s)", ref);
    char parts[1024];
    size_t plen = 0, listed = 0;
    double sum = 0;
    parts[0] = '\0';
    for (size_t c = 0; c < fig->nchildren; c++) {
        const char *ck = fig->children[c];
        size_t b = gfind(g, ck);
        if (b == NONE)
            continue;
        double m2;
        const pc_zone_figure *cfig = stated_fig(g, figs, b, &m2);
        int measured = 0;
        if (cfig) {
            approx |= cfig->area.approx;
        } else if (!isnan(g->area[b])) {
            m2 = g->area[b];
            measured = 1;
        } else {
            return PC_OK; /* a part of unknown size: no sum to compare */
        }
        sum += m2;
        if (listed++ < 8 && plen + 1 < sizeof parts)
            plen += (size_t)snprintf(parts + plen, sizeof parts - plen,
                                     "%s%s%s", listed > 1 ? ", " : "", ck,
                                     measured ? " (measured)" : "");
        else if (listed == 9 && plen + 1 < sizeof parts)
            plen += (size_t)snprintf(parts + plen, sizeof parts - plen,
                                     ", …");
    }
    if (listed == 0)
        return PC_OK;
    double tol = pc_figure_tolerance(o->tol.abs_m2, o->tol.rel_pct,
                                     o->tol.approx_rel_pct, approx, declared);
    double diff = sum - declared;
    if (fabs(diff) <= tol)
        return PC_OK;
    char msg[2048], mt[128], pt[32], wh[128];
    pc_finding fd = zone_finding("figure.children_sum", o->severity, l, g, a,
                                 fig->key);
    fd.measured_m2 = sum;
    fd.declared_m2 = declared;
    fd.diff_m2 = diff;
    fd.diff_pct = declared > 0 ? 100.0 * diff / declared : NAN;
    fd.tolerance_m2 = tol;
    if (stated) {
        fd.unit = (char *)pc_unit_name_zh(unit);
        fd.declared_value = fig->area.value;
    }
    snprintf(msg, sizeof msg, "%s %s: its parts %s add up to %s, %.1f m2%s "
             "%s; tolerance %.1f m2%s", fig->key, ptext, parts,
             m2_text(sum, unit, mt, sizeof mt), fabs(diff),
             pct_text(diff, declared, pt, sizeof pt),
             diff < 0 ? "short" : "over", tol,
             where_text(fig->source, fig->line, wh, sizeof wh));
    fd.message = msg;
    if (g->feat[a] != NONE)
        fd.geom = clone_or_null(ctx, l->layer->features[g->feat[a]].geom);
    return pc_findings_add(ctx, out, &fd);
}

/* figure.cycle, once for each back edge of a depth-first walk of the
 * `children` graph (nodes and children in key order, so the walk does not
 * depend on the plan's order): each is a different cycle, and every cycle
 * of the plan meets at least one. The finding is about the cycle's
 * smallest key, the path written from there. */
static pc_status check_cycles(pc_ctx *ctx, const struct rlayer *l,
                              const struct graph *g,
                              const pc_zone_figure *figs, pc_severity sev,
                              pc_findings *out)
{
    size_t n = g->n;
    unsigned char *color = calloc(n ? n : 1, 1); /* 0 new, 1 open, 2 done */
    size_t *stack = malloc((n ? n : 1) * sizeof *stack);
    size_t *next = malloc((n ? n : 1) * sizeof *next);
    size_t *pos = malloc((n ? n : 1) * sizeof *pos);
    pc_status st = PC_OK;
    if (!color || !stack || !next || !pos)
        st = PC_OOM(ctx);
    for (size_t s = 0; s < n && st == PC_OK; s++) {
        if (color[s])
            continue;
        size_t top = 0;
        stack[top++] = s;
        color[s] = 1;
        pos[s] = 0;
        next[s] = g->kstart[s];
        while (top > 0 && st == PC_OK) {
            size_t u = stack[top - 1];
            if (next[u] == g->kstart[u + 1]) {
                color[u] = 2;
                top--;
                continue;
            }
            size_t v = g->kid[next[u]++];
            if (color[v] == 0) {
                color[v] = 1;
                pos[v] = top;
                next[v] = g->kstart[v];
                stack[top++] = v;
                continue;
            }
            if (color[v] != 1)
                continue;
            /* back edge u -> v: the cycle is stack[pos[v] .. top) */
            size_t first = pos[v], len = top - first, m = first;
            for (size_t q = first; q < top; q++)
                if (strcmp(g->key[stack[q]], g->key[stack[m]]) < 0)
                    m = q;
            char path[1024], wh[128];
            size_t plen = 0;
            for (size_t q = 0; q <= len && plen + 1 < sizeof path; q++) {
                size_t node = stack[first + (m - first + q) % len];
                plen += (size_t)snprintf(path + plen, sizeof path - plen,
                                         "%s%s", q ? " -> " : "",
                                         g->key[node]);
            }
            size_t mk = stack[m];
            const pc_zone_figure *f =
                g->fstart[mk] < g->fstart[mk + 1] ? &figs[g->fig[g->fstart[mk]]]
                                                  : NULL;
            char msg[1280];
            pc_finding fd = zone_finding("figure.cycle", sev, l, g, mk,
                                         g->key[mk]);
            snprintf(msg, sizeof msg, "%s is its own ancestor through the "
                     "plan's parts: %s%s", g->key[mk], path,
                     f ? where_text(f->source, f->line, wh, sizeof wh) : "");
            fd.message = msg;
            st = pc_findings_add(ctx, out, &fd);
        }
    }
    free(color);
    free(stack);
    free(next);
    free(pos);
    return st;
}

pc_status pc_rules_zone_figures(pc_ctx *ctx, pc_rules *r, int zones,
                                const pc_zone_figure *figs, size_t nfigs,
                                const pc_zone_figure_opts *opts,
                                pc_findings *out)
{
    if (zones < 0 || zones >= r->nlayers)
        return pc_error(ctx, PC_ERR_USAGE, "zone figures: no layer %d", zones);
    if (!figs)
        nfigs = 0;
    const struct rlayer *l = &r->layers[zones];
    struct ktable zt;
    struct graph g;
    pc_status st = key_table(ctx, l, 0, &zt);
    if (st != PC_OK)
        return st;
    if ((st = graph_build(ctx, r, l, &zt, figs, nfigs, &g)) != PC_OK) {
        ktable_free(&zt);
        return st;
    }
    for (size_t f = 0; f < nfigs && st == PC_OK; f++) {
        const pc_zone_figure *fig = &figs[f];
        size_t a = gfind(&g, fig->key);
        if (a == NONE)
            continue; /* no key: nothing to check */
        if (g.feat[a] == NONE)
            st = no_zone(ctx, l, &g, fig, NULL, opts->severity, out);
        else
            st = check_area(ctx, r, l, &g, a, fig, opts, out);
        for (size_t c = 0; fig->children && c < fig->nchildren && st == PC_OK;
             c++) {
            size_t b = gfind(&g, fig->children[c]);
            if (b == NONE)
                continue;
            if (g.feat[b] == NONE)
                st = no_zone(ctx, l, &g, fig, fig->children[c],
                             opts->severity, out);
            else if (g.feat[a] != NONE)
                st = check_outside(ctx, r, l, &g, a, b, fig, opts, out);
        }
        if (st == PC_OK && fig->children_sum && fig->children &&
            fig->nchildren > 0)
            st = check_sum(ctx, r, l, &g, a, figs, fig, opts, out);
    }
    if (st == PC_OK)
        st = check_cycles(ctx, l, &g, figs, opts->severity, out);
    graph_free(&g);
    ktable_free(&zt);
    return st;
}

/* ---- capacity and quotas -------------------------------------------------- */

struct cap {
    pc_ctx *ctx;
    pc_rules *r;
    const struct rlayer *pl;
    const pc_zone_figure *figs;
    const struct graph *g;
    struct decl_ix *dx;
    size_t ndecls;
    int ci;                         /* class field, -1: no quotas */
    size_t *qoff;                   /* first quota slot of each figure */
    const pc_landuse_class **qcls;  /* per slot: the quota's class, or NULL
                                       (compared as text) */
    double *sum, *qsum;             /* per node, per slot */
    size_t *count, *qcount;
};

/* A parcel's amount in m²: its first usable declared figure, else its
 * measured area; NAN when it has neither. */
static pc_status parcel_amount(struct cap *c, size_t i, double *m2)
{
    const pc_layer *layer = c->pl->layer;
    const pc_feature *f = &layer->features[i];
    for (size_t k = 0; k < c->ndecls; k++) {
        pc_figure fig;
        const char *ut;
        char ubuf[64];
        if (decl_m2(layer, f, &c->dx[k], &fig, &ut, ubuf, sizeof ubuf, m2))
            return PC_OK;
    }
    return feature_area(c->ctx, c->r, f->geom, m2);
}

/* 1 when the class cls is q or one of its subclasses. */
static int within_class(const pc_landuse_class *cls,
                        const pc_landuse_class *q)
{
    for (; cls; cls = cls->parent)
        if (cls == q)
            return 1;
    return 0;
}

/* Adds parcel i to the zones of the nodes `members` (each once) and to
 * the quotas of their figures its class matches. */
static pc_status add_parcel(struct cap *c, size_t i, const size_t *members,
                            size_t nm)
{
    if (nm == 0)
        return PC_OK;
    double m2;
    pc_status st = parcel_amount(c, i, &m2);
    if (st != PC_OK || isnan(m2))
        return st;
    const char *text = NULL;
    const pc_landuse_class *cls = NULL;
    char buf[64];
    if (c->ci >= 0) {
        const pc_feature *f = &c->pl->layer->features[i];
        text = pc_value_text(c->pl->layer, (size_t)c->ci, &f->values[c->ci],
                             buf, sizeof buf);
        if (text && *text && !(cls = pc_landuse_find_code(text)))
            cls = pc_landuse_find_name(text);
    }
    for (size_t q = 0; q < nm; q++) {
        size_t k = members[q];
        c->sum[k] += m2;
        c->count[k]++;
        if (c->ci < 0 || !text)
            continue;
        for (size_t p = c->g->fstart[k]; p < c->g->fstart[k + 1]; p++) {
            size_t fi = c->g->fig[p];
            const pc_zone_figure *fig = &c->figs[fi];
            for (size_t j = 0; fig->quotas && j < fig->nquotas; j++) {
                size_t s = c->qoff[fi] + j;
                int match = c->qcls[s] ? within_class(cls, c->qcls[s])
                                       : fig->quotas[j].cls &&
                                             !strcmp(text, fig->quotas[j].cls);
                if (match) {
                    c->qsum[s] += m2;
                    c->qcount[s]++;
                }
            }
        }
    }
    return PC_OK;
}

/* Parcels by attribute: each counts in the zone it names and in every
 * ancestor of that zone, each once (stamps), whatever cycles the plan's
 * parts hold. */
static pc_status members_by_field(struct cap *c, int zi)
{
    const struct graph *g = c->g;
    const pc_layer *layer = c->pl->layer;
    size_t n = g->n;
    size_t *stamp = calloc(n ? n : 1, sizeof *stamp);
    size_t *queue = malloc((n ? n : 1) * sizeof *queue);
    pc_status st = PC_OK;
    if (!stamp || !queue)
        st = PC_OOM(c->ctx);
    for (size_t i = 0; i < layer->nfeatures && st == PC_OK; i++) {
        char buf[64];
        const pc_feature *f = &layer->features[i];
        const char *z = pc_value_text(layer, (size_t)zi, &f->values[zi], buf,
                                      sizeof buf);
        size_t k = gfind(g, z);
        if (k == NONE)
            continue;
        size_t head = 0, tail = 0;
        queue[tail++] = k;
        stamp[k] = i + 1;
        while (head < tail) {
            size_t u = queue[head++];
            for (size_t p = g->pstart[u]; p < g->pstart[u + 1]; p++)
                if (stamp[g->par[p]] != i + 1) {
                    stamp[g->par[p]] = i + 1;
                    queue[tail++] = g->par[p];
                }
        }
        st = add_parcel(c, i, queue, tail);
    }
    free(stamp);
    free(queue);
    return st;
}

/* 1 when zone feature z holds more than half of parcel p's area, 0 when
 * not, -1 when GEOS failed. Planar areas: the ratio is the same by either
 * method far below any tolerance. *parea caches the parcel's area (NAN
 * until computed). */
static int holds_most(GEOSContextHandle_t h, const struct rlayer *pl,
                      size_t p, const struct rlayer *zl, size_t z,
                      double *parea)
{
    if (!(pl->gc.flags[p] & PC_GC_POLYGONAL) ||
        !(zl->gc.flags[z] & PC_GC_POLYGONAL))
        return 0;
    if (pc_pair_covers(h, &zl->gc, z, &pl->gc, p))
        return 1;
    if (!pc_pair_may_overlap(h, &pl->gc, p, &zl->gc, z))
        return 0;
    const GEOSGeometry *pg = pl->layer->features[p].geom;
    if (isnan(*parea) && !GEOSArea_r(h, pg, parea))
        return -1;
    GEOSGeometry *x = GEOSIntersection_r(h, pg, zl->layer->features[z].geom);
    if (!x)
        return -1;
    double a = 0;
    int ok = GEOSArea_r(h, x, &a);
    GEOSGeom_destroy_r(h, x);
    if (!ok)
        return -1;
    return a > 0.5 * *parea;
}

/* Parcels by position: each counts in every listed zone holding more than
 * half of its area, from the session's candidate pairs (sorted by parcel). */
static pc_status members_by_position(struct cap *c, int zones, int parcels)
{
    pc_ctx *ctx = c->ctx;
    pc_rules *r = c->r;
    const struct graph *g = c->g;
    const pc_pairs *pairs;
    pc_status st = pc_rules_need_pairs(ctx, r, parcels, zones, &pairs);
    if (st != PC_OK)
        return st;
    const struct rlayer *zl = &r->layers[zones];
    size_t nz = zl->layer->nfeatures;
    /* the node of each zone feature a listed figure names */
    size_t *node = malloc((nz ? nz : 1) * sizeof *node);
    size_t *members = malloc((g->n ? g->n : 1) * sizeof *members);
    if (!node || !members) {
        free(node);
        free(members);
        return PC_OOM(ctx);
    }
    for (size_t z = 0; z < nz; z++)
        node[z] = NONE;
    for (size_t k = 0; k < g->n; k++)
        if (g->feat[k] != NONE && g->fstart[k] < g->fstart[k + 1])
            node[g->feat[k]] = k;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    for (size_t q = 0; q < pairs->n && st == PC_OK;) {
        size_t p = pairs->a[q], nm = 0;
        double parea = NAN;
        for (; q < pairs->n && pairs->a[q] == p && st == PC_OK; q++) {
            size_t z = pairs->b[q];
            if (node[z] == NONE)
                continue;
            int in = holds_most(h, c->pl, p, zl, z, &parea);
            if (in < 0) {
                char key[256];
                st = pc_error(ctx, PC_ERR_INTERNAL, "%s %s in zone %s: GEOS: "
                              "%s", c->pl->id,
                              pc_rules_key(c->pl, p, key, sizeof key),
                              g->key[node[z]], pc_ctx_geos_message(ctx));
            } else if (in) {
                members[nm++] = node[z];
            }
        }
        if (st == PC_OK)
            st = add_parcel(c, p, members, nm);
    }
    free(node);
    free(members);
    return st;
}

/* The class a quota names, for messages: "1001 工业用地", or the text. */
static const char *class_text(const pc_landuse_class *cls, const char *text,
                              char *buf, size_t n)
{
    if (cls)
        snprintf(buf, n, "%s %s", cls->code, cls->name_zh);
    else
        snprintf(buf, n, "'%s'", text ? text : "");
    return buf;
}

/* quota.above / quota.below for one quota of figure fig (zone node a). */
static pc_status check_quota(pc_ctx *ctx, const struct cap *c,
                             const struct rlayer *zl, size_t a,
                             const pc_zone_figure *fig, const pc_quota *q,
                             size_t slot, const pc_capacity_opts *o,
                             pc_findings *out)
{
    const pc_tolerance *t = &o->tol;
    double sum = c->qsum[slot];
    for (int above = 1; above >= 0; above--) {
        const pc_stated_area *lim = above ? &q->at_most : &q->at_least;
        double m2;
        if (!(above ? q->has_at_most : q->has_at_least) || !stated_m2(lim, &m2))
            continue;
        double tol = pc_figure_tolerance(t->abs_m2, t->rel_pct,
                                         t->approx_rel_pct, lim->approx, m2);
        if (above ? !(sum > m2 + tol) : !(sum < m2 - tol))
            continue;
        char msg[1280], ct[256], ftext[256], mt[128], pt[32], wh[128];
        double diff = sum - m2;
        pc_finding fd = zone_finding(above ? "quota.above" : "quota.below",
                                     o->severity, zl, c->g, a, fig->key);
        fd.field = (char *)q->cls;
        fd.measured_m2 = sum;
        fd.declared_m2 = m2;
        fd.diff_m2 = diff;
        fd.diff_pct = m2 > 0 ? 100.0 * diff / m2 : NAN;
        fd.tolerance_m2 = tol;
        fd.unit = (char *)pc_unit_name_zh(lim->unit);
        fd.declared_value = lim->value;
        if (q->line > 0)
            snprintf(wh, sizeof wh, " (plan file line %d)", q->line);
        else
            where_text(fig->source, fig->line, wh, sizeof wh);
        snprintf(msg, sizeof msg, "%s: its parcels of class %s (%zu) add up "
                 "to %s, %s than the %s %s (%.1f m2) by %.1f m2%s; tolerance "
                 "%.1f m2%s", fig->key,
                 class_text(c->qcls[slot], q->cls, ct, sizeof ct),
                 c->qcount[slot],
                 m2_text(sum, lim->unit, mt, sizeof mt),
                 above ? "more" : "less", above ? "at most" : "at least",
                 stated_text(lim, ftext, sizeof ftext), m2, fabs(diff),
                 pct_text(diff, m2, pt, sizeof pt), tol, wh);
        fd.message = msg;
        if (c->g->feat[a] != NONE)
            fd.geom = clone_or_null(ctx,
                                    zl->layer->features[c->g->feat[a]].geom);
        pc_status st = pc_findings_add(ctx, out, &fd);
        if (st != PC_OK)
            return st;
    }
    return PC_OK;
}

/* capacity.exceeded for figure fig (zone node a). */
static pc_status check_capacity(pc_ctx *ctx, pc_rules *r, const struct cap *c,
                                const struct rlayer *zl, size_t a,
                                const pc_zone_figure *fig,
                                const pc_capacity_opts *o, pc_findings *out)
{
    const struct graph *g = c->g;
    double cap;
    int approx, stated;
    pc_unit unit;
    char ref[384], ct[400];
    if (!zone_reference(r, g, a, fig, &cap, &approx, &unit, &stated, ref,
                        sizeof ref))
        return PC_OK;
    snprintf(ct, sizeof ct, "its %s", ref);
    double sum = c->sum[a];
    double tol = pc_figure_tolerance(o->tol.abs_m2, o->tol.rel_pct,
                                     o->tol.approx_rel_pct, approx, cap);
    if (!(sum > cap + tol))
        return PC_OK;
    char msg[1280], mt[128], pt[32], wh[128];
    double diff = sum - cap;
    pc_finding fd = zone_finding("capacity.exceeded", o->severity, zl, g, a,
                                 fig->key);
    fd.measured_m2 = sum;
    fd.declared_m2 = cap;
    fd.diff_m2 = diff;
    fd.diff_pct = cap > 0 ? 100.0 * diff / cap : NAN;
    fd.tolerance_m2 = tol;
    if (stated) {
        fd.unit = (char *)pc_unit_name_zh(unit);
        fd.declared_value = fig->area.value;
    }
    snprintf(msg, sizeof msg, "%s: its parcels (%zu) add up to %s, more than "
             "%s by %.1f m2%s; tolerance %.1f m2%s", fig->key, c->count[a],
             m2_text(sum, unit, mt, sizeof mt), ct, diff,
             pct_text(diff, cap, pt, sizeof pt), tol,
             where_text(fig->source, fig->line, wh, sizeof wh));
    fd.message = msg;
    if (g->feat[a] != NONE)
        fd.geom = clone_or_null(ctx, zl->layer->features[g->feat[a]].geom);
    return pc_findings_add(ctx, out, &fd);
}

pc_status pc_rules_capacity(pc_ctx *ctx, pc_rules *r, int zones, int parcels,
                            const pc_zone_figure *figs, size_t nfigs,
                            const pc_capacity_opts *opts, pc_findings *out)
{
    if (zones < 0 || zones >= r->nlayers || parcels < 0 ||
        parcels >= r->nlayers)
        return pc_error(ctx, PC_ERR_USAGE, "capacity: no layer %d",
                        zones < 0 || zones >= r->nlayers ? zones : parcels);
    if (!opts->zone_field && zones == parcels)
        return pc_error(ctx, PC_ERR_USAGE, "capacity: layer '%s' cannot hold "
                        "its own parcels by position", r->layers[zones].id);
    if (!figs)
        nfigs = 0;
    const struct rlayer *zl = &r->layers[zones], *pl = &r->layers[parcels];
    int zi, ci;
    pc_status st;
    if ((st = pc_layer_need_field(ctx, pl->layer, opts->zone_field,
                                  "capacity rule's zone_field", &zi)) !=
            PC_OK ||
        (st = pc_layer_need_field(ctx, pl->layer, opts->class_field,
                                  "capacity rule's class_field", &ci)) !=
            PC_OK)
        return st;
    if (ci >= 0 && (st = pc_landuse_check(ctx)) != PC_OK)
        return st;
    struct cap c;
    memset(&c, 0, sizeof c);
    c.ctx = ctx;
    c.r = r;
    c.pl = pl;
    c.figs = figs;
    c.ci = ci;
    c.ndecls = opts->decls ? opts->ndecls : 0;
    size_t nslots = 0;
    for (size_t f = 0; f < nfigs; f++)
        nslots += figs[f].quotas ? figs[f].nquotas : 0;
    struct ktable zt;
    struct graph g;
    memset(&g, 0, sizeof g);
    if ((st = key_table(ctx, zl, 0, &zt)) != PC_OK)
        return st;
    c.dx = calloc(c.ndecls ? c.ndecls : 1, sizeof *c.dx);
    c.qoff = malloc((nfigs ? nfigs : 1) * sizeof *c.qoff);
    c.qcls = calloc(nslots ? nslots : 1, sizeof *c.qcls);
    c.qsum = calloc(nslots ? nslots : 1, sizeof *c.qsum);
    c.qcount = calloc(nslots ? nslots : 1, sizeof *c.qcount);
    if (!c.dx || !c.qoff || !c.qcls || !c.qsum || !c.qcount) {
        st = PC_OOM(ctx);
        goto done;
    }
    if ((st = resolve_decls(ctx, pl->layer, opts->decls, c.ndecls, c.dx)) !=
            PC_OK ||
        (st = graph_build(ctx, r, zl, &zt, figs, nfigs, &g)) != PC_OK)
        goto done;
    c.g = &g;
    c.sum = calloc(g.n ? g.n : 1, sizeof *c.sum);
    c.count = calloc(g.n ? g.n : 1, sizeof *c.count);
    if (!c.sum || !c.count) {
        st = PC_OOM(ctx);
        goto done;
    }
    size_t s = 0;
    for (size_t f = 0; f < nfigs; f++) {
        c.qoff[f] = s;
        for (size_t j = 0; figs[f].quotas && j < figs[f].nquotas; j++, s++) {
            const char *qc = figs[f].quotas[j].cls;
            if (qc && *qc && !(c.qcls[s] = pc_landuse_find_code(qc)))
                c.qcls[s] = pc_landuse_find_name(qc);
        }
    }
    /* the sums are the costly part (by position, the candidate pairs):
     * only when capacity or some quota needs them */
    if (opts->capacity || (ci >= 0 && nslots > 0))
        st = zi >= 0 ? members_by_field(&c, zi)
                     : members_by_position(&c, zones, parcels);
    for (size_t f = 0; f < nfigs && st == PC_OK; f++) {
        const pc_zone_figure *fig = &figs[f];
        size_t a = gfind(&g, fig->key);
        if (a == NONE)
            continue;
        if (g.feat[a] == NONE) {
            st = no_zone(ctx, zl, &g, fig, NULL, opts->severity, out);
            if (zi < 0 || st != PC_OK)
                continue; /* by position a zone without polygon holds none */
        } else if (zi < 0 && isnan(g.area[a])) {
            continue;
        }
        if (opts->capacity)
            st = check_capacity(ctx, r, &c, zl, a, fig, opts, out);
        for (size_t j = 0; ci >= 0 && fig->quotas && j < fig->nquotas &&
                           st == PC_OK; j++)
            st = check_quota(ctx, &c, zl, a, fig, &fig->quotas[j],
                             c.qoff[f] + j, opts, out);
    }
done:
    free(c.dx);
    free(c.qoff);
    free(c.qcls);
    free(c.qsum);
    free(c.qcount);
    free(c.sum);
    free(c.count);
    graph_free(&g);
    ktable_free(&zt);
    return st;
}

/* ---- duplicate keys ------------------------------------------------------- */

/* 1 when two values of field j are the same (NULL only equals NULL). */
static int same_value(const pc_layer *layer, size_t j, const pc_value *a,
                      const pc_value *b)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null;
    switch (layer->fields[j].type) {
    case PC_FIELD_INTEGER: return a->i == b->i;
    case PC_FIELD_REAL: return a->r == b->r || (isnan(a->r) && isnan(b->r));
    case PC_FIELD_TEXT: return streq(a->s, b->s);
    }
    return 0;
}

/* A value for messages, cut at about 40 bytes (on a UTF-8 boundary). */
static const char *short_value(const pc_layer *layer, size_t j,
                               const pc_value *v, char *buf, size_t n)
{
    char tmp[64];
    const char *t = pc_value_text(layer, j, v, tmp, sizeof tmp);
    if (!t)
        t = "NULL";
    size_t len = strlen(t);
    if (len <= 40) {
        snprintf(buf, n, "%s", t);
        return buf;
    }
    size_t cut = 40;
    while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80)
        cut--;
    snprintf(buf, n, "%.*s…", (int)cut, t);
    return buf;
}

/* 1 when two geometries are the same: both NULL, identical coordinates,
 * or the same point set. A GEOS failure (invalid input) counts as
 * different: what the message says, not a tool error. */
static int same_geom(GEOSContextHandle_t h, const GEOSGeometry *a,
                     const GEOSGeometry *b)
{
    if (!a || !b)
        return !a && !b;
    if (GEOSEqualsExact_r(h, a, b, 0) == 1)
        return 1;
    return GEOSEquals_r(h, a, b) == 1;
}

/* key.duplicate for entry e (a later holder of the key) against `first`,
 * the holder with the smallest FID. */
static pc_status duplicate_finding(pc_ctx *ctx, const struct rlayer *l,
                                   const struct kentry *first,
                                   const struct kentry *e, pc_severity sev,
                                   pc_findings *out)
{
    const pc_layer *layer = l->layer;
    const pc_feature *f0 = &layer->features[first->index];
    const pc_feature *f = &layer->features[e->index];
    char diffs[1024];
    size_t dlen = 0, ndiff = 0;
    diffs[0] = '\0';
    for (size_t j = 0; j < layer->nfields; j++) {
        if (same_value(layer, j, &f0->values[j], &f->values[j]))
            continue;
        if (++ndiff > 4) {
            if (ndiff == 5 && dlen + 1 < sizeof diffs)
                dlen += (size_t)snprintf(diffs + dlen, sizeof diffs - dlen,
                                         ", …");
            continue;
        }
        char a[96], b[96];
        if (dlen + 1 < sizeof diffs)
            dlen += (size_t)snprintf(
                diffs + dlen, sizeof diffs - dlen, "%s%s (%s vs %s)",
                ndiff > 1 ? ", " : "", layer->fields[j].name,
                short_value(layer, j, &f0->values[j], a, sizeof a),
                short_value(layer, j, &f->values[j], b, sizeof b));
    }
    int geom = same_geom(pc_ctx_geos(ctx), f0->geom, f->geom);
    char msg[1400];
    int len = snprintf(msg, sizeof msg, "%s %s: fid %" PRId64 " repeats the "
                       "key of fid %" PRId64 ": ", l->id, e->key, f->fid,
                       f0->fid);
    size_t off = len > 0 && (size_t)len < sizeof msg ? (size_t)len : 0;
    if (ndiff == 0)
        snprintf(msg + off, sizeof msg - off, "%s",
                 geom ? "same attributes and geometry"
                      : "same attributes, different geometry");
    else
        snprintf(msg + off, sizeof msg - off, "fields differ: %s; %s", diffs,
                 geom ? "same geometry" : "different geometry");
    pc_finding fd = pc_finding_init("key.duplicate", sev);
    fd.layer = l->id;
    fd.key = (char *)e->key;
    fd.fid = f->fid;
    fd.layer2 = l->id;
    fd.key2 = (char *)first->key;
    fd.fid2 = f0->fid;
    fd.repaired = f->repaired || f0->repaired;
    fd.message = msg;
    fd.geom = clone_or_null(ctx, f->geom);
    return pc_findings_add(ctx, out, &fd);
}

pc_status pc_rules_duplicate_keys(pc_ctx *ctx, pc_rules *r, int layer,
                                  pc_severity severity, pc_findings *out)
{
    if (layer < 0 || layer >= r->nlayers)
        return pc_error(ctx, PC_ERR_USAGE, "duplicate keys: no layer %d",
                        layer);
    const struct rlayer *l = &r->layers[layer];
    struct ktable t;
    pc_status st = key_table(ctx, l, 1, &t);
    for (size_t i = 0; i < t.n && st == PC_OK;) {
        size_t j = i + 1;
        while (j < t.n && strcmp(t.e[j].key, t.e[i].key) == 0)
            j++;
        for (size_t k = i + 1; k < j && st == PC_OK; k++)
            st = duplicate_finding(ctx, l, &t.e[i], &t.e[k], severity, out);
        i = j;
    }
    ktable_free(&t);
    return st;
}

/* ---- figures of one feature against each other ---------------------------- */

/* A declared figure as printed, with 约 when flagged and its unit. */
static const char *figure_text(const pc_layer *layer, const pc_feature *f,
                               const struct decl_ix *x, pc_figure *fig,
                               const char *unit_text, char *buf, size_t n)
{
    const char *t = pc_figure_text(layer, f, x->v, fig);
    snprintf(buf, n, "%s%s %s", fig->approx && !strstr(t, "约") ? "约" : "", t,
             unit_text ? unit_text : "");
    return buf;
}

pc_status pc_check_figures_agree(pc_ctx *ctx, const pc_layer *layer,
                                 const pc_area_check *check,
                                 pc_findings *out)
{
    if (!check->decls || check->ndecls < 2)
        return pc_error(ctx, PC_ERR_USAGE, "layer '%s': comparing declared "
                        "figures needs at least two of them", layer->name);
    int ki;
    pc_status st = pc_layer_need_field(ctx, layer, check->key_field,
                                       "key field", &ki);
    if (st != PC_OK)
        return st;
    size_t nd = check->ndecls;
    struct decl_ix *dx = calloc(nd, sizeof *dx);
    if (!dx)
        return PC_OOM(ctx);
    if ((st = resolve_decls(ctx, layer, check->decls, nd, dx)) != PC_OK) {
        free(dx);
        return st;
    }
    for (size_t i = 0; i < layer->nfeatures && st == PC_OK; i++) {
        const pc_feature *f = &layer->features[i];
        pc_figure f0;
        const char *u0 = NULL;
        char ub0[64];
        double m0 = NAN;
        size_t k0 = 0;
        while (k0 < nd && !decl_m2(layer, f, &dx[k0], &f0, &u0, ub0,
                                   sizeof ub0, &m0))
            k0++;
        for (size_t k = k0 + 1; k < nd && st == PC_OK; k++) {
            pc_figure fk;
            const char *uk = NULL;
            char ubk[64];
            double mk;
            if (!decl_m2(layer, f, &dx[k], &fk, &uk, ubk, sizeof ubk, &mk))
                continue;
            double diff = mk - m0;
            double tol = pc_figure_tolerance(
                check->tol.abs_m2, check->tol.rel_pct, check->tol.approx_rel_pct,
                f0.approx || fk.approx, fmax(m0, mk));
            if (fabs(diff) <= tol)
                continue;
            char key[256], msg[1024], t0[160], tk[160], pt[32];
            pc_finding fd = pc_finding_init("area.units_disagree",
                                            check->severity);
            fd.layer = layer->name;
            fd.key = (char *)pc_feature_key(layer, ki, i, key, sizeof key);
            fd.fid = f->fid;
            fd.field = (char *)check->decls[k].value_field;
            fd.declared_m2 = m0;
            fd.measured_m2 = mk;
            fd.diff_m2 = diff;
            fd.diff_pct = m0 > 0 ? 100.0 * diff / m0 : NAN;
            fd.tolerance_m2 = tol;
            fd.unit = (char *)uk;
            fd.declared_value = fk.value;
            if (m0 > 0)
                snprintf(pt, sizeof pt, " (%+.3f %%)", fd.diff_pct);
            else
                pt[0] = '\0';
            snprintf(msg, sizeof msg, "%s %s: %s %s (%.2f m2) and %s %s "
                     "(%.2f m2) disagree by %+.2f m2%s; tolerance %.2f m2",
                     layer->name, key, check->decls[k0].value_field,
                     figure_text(layer, f, &dx[k0], &f0, u0, t0, sizeof t0),
                     m0, check->decls[k].value_field,
                     figure_text(layer, f, &dx[k], &fk, uk, tk, sizeof tk), mk,
                     diff, pt, tol);
            fd.message = msg;
            fd.geom = clone_or_null(ctx, f->geom);
            st = pc_findings_add(ctx, out, &fd);
        }
    }
    free(dx);
    return st;
}
