/* regional.c: check stage: the rules of regional plans, which place hubs
 * (ports, airports, logistics parks) and lines (rail, expressways) at the
 * scale of cities. pc_rules_near: each hub within its allowed distance of
 * the nearest line, or of the lines it names; the shortest line between
 * them is the finding. pc_rules_lines_within: each line inside the union
 * of the member cities; the part outside is the finding. Distances and
 * lengths are planar in the working CRS, in metres, measured by GEOS. A
 * GEOS failure on one feature is a finding "<rule>.unevaluated". */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figure.h"
#include "rules_internal.h"

/* ---- shared helpers ------------------------------------------------------ */

/* Why feature f has no geometry to measure (the reader's reason, "no
 * geometry", "empty geometry"), or NULL when it has one. */
static const char *no_geometry(GEOSContextHandle_t h, const pc_feature *f)
{
    if (f->geom_error)
        return f->geom_error;
    if (!f->geom)
        return "no geometry";
    if (GEOSisEmpty_r(h, f->geom) != 0)
        return "empty geometry";
    return NULL;
}

/* The finding common to the findings about feature i of l. */
static pc_finding feature_finding(const struct rlayer *l, size_t i,
                                  const char *rule, pc_severity sev, char *key)
{
    const pc_feature *f = &l->layer->features[i];
    pc_finding fd = pc_finding_init(rule, sev);
    fd.layer = l->id;
    fd.key = key;
    fd.fid = f->fid;
    fd.repaired = f->repaired;
    return fd;
}

/* A distance or length setting for messages: "25000", "0.5". */
static const char *metres(double v, char *buf, size_t n)
{
    pc_format_double(v, buf, n);
    return buf;
}

/* ---- near --------------------------------------------------------------- */

/* Allowed distances may be printed with their unit (figure.h). */
static const char *const metre_suffixes[] = {"m", "M", "米", NULL};

/* A target feature as an STRtree item; the query is an item too, with
 * index SIZE_MAX, so the distance callback takes its arguments in either
 * order. */
struct target {
    const GEOSGeometry *g;
    size_t index;
};

struct near_job {
    struct rlayer *l, *t;
    const pc_near_opts *o;
    const uint8_t *mask, *tmask; /* where, where_target; NULL: all */
    int df, rf;                  /* distance and ref fields, -1: none */
    int self;                    /* layer == target */
    const pc_key_table *keys;    /* keys of every target feature */
    GEOSSTRtree *tree;           /* over targets; NULL when there are none */
};

/* What the nearest-neighbour search measures from: the query geometry,
 * and the feature that may not be its own nearest (SIZE_MAX: none). */
struct nn_query {
    GEOSContextHandle_t h;
    const GEOSGeometry *g;
    size_t skip;
};

/* STRtree distance callback: from the query to a target, always in that
 * order so that the tie check below measures exactly the same. The
 * feature itself, and a target GEOS gives no finite distance to (NaN
 * coordinates), are as far as can be: never the nearest while another is
 * there. 0 on a GEOS failure (GEOS then gives up the search). */
static int target_distance(const void *a, const void *b, double *d,
                           void *arg)
{
    const struct target *x = a, *y = b;
    const struct nn_query *q = arg;
    const struct target *t = x->index == SIZE_MAX ? y : x;
    if (t->index != q->skip) {
        if (GEOSDistance_r(q->h, q->g, t->g, d) != 1)
            return 0;
        if (isfinite(*d))
            return 1;
    }
    *d = DBL_MAX;
    return 1;
}

/* STRtree hits of one query, as targets. */
struct hits {
    const struct target **v;
    size_t n, cap;
    int failed;
};

/* STRtree query callback: collects the hit (sets failed when out of
 * memory). */
static void on_hit(void *item, void *userdata)
{
    struct hits *hs = userdata;
    if (hs->n == hs->cap) {
        size_t cap = hs->cap ? 2 * hs->cap : 16;
        const struct target **v = realloc(hs->v, cap * sizeof *v);
        if (!v) {
            hs->failed = 1;
            return;
        }
        hs->v = v;
        hs->cap = cap;
    }
    hs->v[hs->n++] = item;
}

/* 1 when target feature a comes before b among equally near ones: the
 * smaller key, then the first feature. */
static int target_before(const struct rlayer *t, size_t a, size_t b)
{
    char ka[256], kb[256];
    int c = strcmp(pc_rules_key(t, a, ka, sizeof ka),
                   pc_rules_key(t, b, kb, sizeof kb));
    return c < 0 || (c == 0 && a < b);
}

/* The nearest counting target of g (feature `skip` excluded): its index in
 * *j, the distance in *d. When that is farther than `allowed` and another
 * target is as near, the one target_before puts first, so that the
 * finding's key2 does not depend on the tree's layout. Returns 0, 1 when
 * there is no other target, -1 on a GEOS failure, -2 out of memory. */
static int nearest_target(GEOSContextHandle_t h, const struct near_job *job,
                          const GEOSGeometry *g, size_t skip, double allowed,
                          struct hits *hs, size_t *j, double *d)
{
    struct target q = {g, SIZE_MAX};
    struct nn_query nq = {h, g, skip};
    const struct target *hit = GEOSSTRtree_nearest_generic_r(
        h, job->tree, &q, g, target_distance, &nq);
    if (!hit)
        return -1;
    if (hit->index == skip)
        return 1;
    double best, b[4];
    if (GEOSDistance_r(h, g, hit->g, &best) != 1 || !isfinite(best))
        return -1;
    *j = hit->index;
    *d = best;
    if (best <= allowed || !pc_geom_bbox(h, g, b))
        return 0;
    /* every target within `best` has its envelope in this box; the margin
     * covers the rounding of the box's corners */
    double r = best + 1e-6;
    GEOSGeometry *box = GEOSGeom_createRectangle_r(h, b[0] - r, b[1] - r,
                                                   b[2] + r, b[3] + r);
    if (!box)
        return -1;
    hs->n = 0;
    GEOSSTRtree_query_r(h, job->tree, box, on_hit, hs);
    GEOSGeom_destroy_r(h, box);
    if (hs->failed)
        return -2;
    for (size_t k = 0; k < hs->n; k++) {
        const struct target *c = hs->v[k];
        double dc;
        if (c->index == skip || c->index == *j ||
            GEOSDistance_r(h, g, c->g, &dc) != 1)
            continue;
        if (dc < *d || (dc == *d && target_before(job->t, c->index, *j))) {
            *d = dc;
            *j = c->index;
        }
    }
    return 0;
}

/* The allowed distance of one feature, and whether its distance_field
 * gave it (else max_distance_m). */
struct allowed {
    double m;
    int by_field;
};

/* The allowed distance of feature i in *a: 0, or -1 when its
 * distance_field holds something other than a non-negative number of
 * metres (its text in fig). */
static int allowed_distance(const struct near_job *job, size_t i,
                            struct allowed *a, pc_figure *fig)
{
    a->m = job->o->max_distance_m;
    a->by_field = 0;
    if (job->df < 0)
        return 0;
    pc_figure_read(job->l->layer, &job->l->layer->features[i], job->df, -1,
                   metre_suffixes, fig);
    if (fig->is_null)
        return 0;
    if (!fig->ok)
        return -1;
    a->m = fig->value;
    a->by_field = 1;
    return 0;
}

/* near.too_far: feature i of the layer is `d` m from target feature j,
 * farther than allowed; the shortest line between them is the geometry.
 * `named`: j has the key that feature's ref_field names. */
static pc_status too_far(pc_ctx *ctx, const struct near_job *job, size_t i,
                         char *key, size_t j, double d,
                         const struct allowed *a, int named, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_feature *f = &job->l->layer->features[i];
    const pc_feature *tf = &job->t->layer->features[j];
    char key2[256], msg[1024], abuf[32], from[160];
    pc_finding fd = feature_finding(job->l, i, "near.too_far",
                                    job->o->severity, key);
    fd.layer2 = job->t->id;
    fd.key2 = (char *)pc_rules_key(job->t, j, key2, sizeof key2);
    fd.fid2 = tf->fid;
    fd.repaired = f->repaired || tf->repaired;
    fd.measured_m2 = d;
    fd.tolerance_m2 = a->m;
    fd.unit = "m";
    fd.method = "planar";
    fd.message = msg;
    metres(a->m, abuf, sizeof abuf);
    snprintf(from, sizeof from, " m%s%s", a->by_field ? " by field " : "",
             a->by_field ? job->o->distance_field : "");
    if (named)
        snprintf(msg, sizeof msg, "%s %s is %.2f m from %s %s, which it names "
                 "in field %s (allowed %s%s)", job->l->id, key, d, job->t->id,
                 key2, job->o->ref_field, abuf, from);
    else
        snprintf(msg, sizeof msg, "%s %s is %.2f m from the nearest of %s, %s "
                 "(allowed %s%s)", job->l->id, key, d, job->t->id, key2, abuf,
                 from);
    /* the shortest line: from the feature to the target */
    GEOSCoordSequence *s = GEOSNearestPoints_r(h, f->geom, tf->geom);
    fd.geom = s ? GEOSGeom_createLineString_r(h, s) : NULL;
    return pc_findings_add(ctx, out, &fd);
}

/* near.unevaluated about feature i (against target key2, or the nearest
 * when NULL). */
static pc_status near_unevaluated(pc_ctx *ctx, const struct near_job *job,
                                  size_t i, char *key, const char *key2,
                                  pc_findings *out)
{
    const pc_feature *f = &job->l->layer->features[i];
    char msg[1024];
    pc_finding fd = feature_finding(job->l, i, "near.unevaluated",
                                    job->o->severity, key);
    if (key2) {
        fd.layer2 = job->t->id;
        fd.key2 = (char *)key2;
    }
    fd.message = msg;
    snprintf(msg, sizeof msg, "could not measure the distance from %s %s to "
             "%s%s%s%s: %s", job->l->id, key, key2 ? "" : "the nearest of ",
             job->t->id, key2 ? " " : "", key2 ? key2 : "",
             *pc_ctx_geos_message(ctx) ? pc_ctx_geos_message(ctx)
                                       : "no finite distance (coordinates "
                                         "not finite?)");
    fd.geom = GEOSGeom_clone_r(pc_ctx_geos(ctx), f->geom);
    return pc_findings_add(ctx, out, &fd);
}

/* Feature i must lie within its allowed distance of the nearest counting
 * target. */
static pc_status check_nearest(pc_ctx *ctx, const struct near_job *job,
                               size_t i, char *key, const struct allowed *a,
                               struct hits *hs, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_feature *f = &job->l->layer->features[i];
    size_t j = 0;
    double d = NAN;
    int got = job->tree ? nearest_target(h, job, f->geom,
                                         job->self ? i : SIZE_MAX, a->m,
                                         hs, &j, &d)
                        : 1;
    if (got == -2)
        return PC_OOM(ctx);
    if (got == -1)
        return near_unevaluated(ctx, job, i, key, NULL, out);
    if (got == 0)
        return d > a->m ? too_far(ctx, job, i, key, j, d, a, 0, out) : PC_OK;
    char msg[1024];
    pc_finding fd = feature_finding(job->l, i, "near.no_target",
                                    job->o->severity, key);
    fd.tolerance_m2 = a->m;
    fd.unit = "m";
    fd.message = msg;
    snprintf(msg, sizeof msg, "%s %s: no %sfeature of %s%s has a geometry to "
             "measure the distance to", job->l->id, key,
             job->self ? "other " : "", job->t->id,
             job->o->where_target.field ? " that the rule's filter keeps" : "");
    fd.geom = GEOSGeom_clone_r(h, f->geom);
    return pc_findings_add(ctx, out, &fd);
}

/* Feature i must lie within its allowed distance of the targets with key
 * `name` (the nearest of them), which its ref_field names. */
static pc_status check_named(pc_ctx *ctx, const struct near_job *job,
                             size_t i, char *key, const char *name,
                             const struct allowed *a, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_feature *f = &job->l->layer->features[i];
    size_t nhit, counting = 0, best_j = SIZE_MAX;
    double best = INFINITY;
    int failed = 0;
    const struct pc_key_entry *hit = pc_key_table_find(job->keys, name, &nhit);
    for (size_t k = 0; k < nhit; k++) {
        size_t j = hit[k].index;
        if (job->tmask && !job->tmask[j])
            continue;
        counting++;
        const pc_feature *tf = &job->t->layer->features[j];
        double d;
        if (no_geometry(h, tf))
            continue;
        if (GEOSDistance_r(h, f->geom, tf->geom, &d) != 1 || !isfinite(d)) {
            failed = 1;
            continue;
        }
        if (d < best) { /* the table is in feature order within a key */
            best = d;
            best_j = j;
        }
    }
    if (best_j != SIZE_MAX && best <= a->m)
        return PC_OK;
    if (failed) /* the one GEOS could not measure may be near enough */
        return near_unevaluated(ctx, job, i, key, name, out);
    if (best_j != SIZE_MAX)
        return too_far(ctx, job, i, key, best_j, best, a, 1, out);
    char msg[1024];
    pc_finding fd = feature_finding(job->l, i, "near.unknown_ref",
                                    job->o->severity, key);
    fd.layer2 = job->t->id;
    fd.key2 = (char *)name;
    fd.field = (char *)job->o->ref_field;
    fd.message = msg;
    if (nhit == 0)
        snprintf(msg, sizeof msg, "%s %s names '%s' in field %s, which is not "
                 "a feature of %s", job->l->id, key, name, job->o->ref_field,
                 job->t->id);
    else if (counting == 0)
        snprintf(msg, sizeof msg, "%s %s names '%s' in field %s, which the "
                 "rule's filter on %s leaves out", job->l->id, key, name,
                 job->o->ref_field, job->t->id);
    else {
        fd.rule = "near.no_target";
        fd.field = NULL;
        fd.tolerance_m2 = a->m;
        fd.unit = "m";
        snprintf(msg, sizeof msg, "%s %s names %s %s in field %s, which has "
                 "no geometry to measure the distance to", job->l->id, key,
                 job->t->id, name, job->o->ref_field);
    }
    fd.geom = GEOSGeom_clone_r(h, f->geom);
    return pc_findings_add(ctx, out, &fd);
}

/* 1 when the key at k (length len) already came earlier in the list s. */
static int listed_before(const char *s, const char *k, size_t len)
{
    size_t n;
    for (const char *p = pc_rules_next_key(s, &n); p && p < k;
         p = pc_rules_next_key(p + n, &n))
        if (n == len && strncmp(p, k, len) == 0)
            return 1;
    return 0;
}

/* Checks the named targets of feature i; *named is set when its
 * ref_field lists any key (else the nearest target counts). */
static pc_status check_refs(pc_ctx *ctx, const struct near_job *job,
                            size_t i, char *key, const struct allowed *a,
                            int *named, pc_findings *out)
{
    const pc_layer *layer = job->l->layer;
    char buf[64], name[256];
    const char *s = pc_value_text(layer, (size_t)job->rf,
                                  &layer->features[i].values[job->rf], buf,
                                  sizeof buf);
    size_t len;
    pc_status st = PC_OK;
    *named = 0;
    for (const char *k = pc_rules_next_key(s, &len); k && st == PC_OK;
         k = pc_rules_next_key(k + len, &len)) {
        *named = 1;
        if (listed_before(s, k, len))
            continue;
        /* keys are compared as pc_rules_key writes them: 255 bytes at most */
        size_t n = len < sizeof name ? len : sizeof name - 1;
        memcpy(name, k, n);
        name[n] = '\0';
        st = check_named(ctx, job, i, key, name, a, out);
    }
    return st;
}

/* The near rule on features [first, first + count) of the layer: geometry
 * and allowed distance first, then the named targets or the nearest. */
static pc_status near_chunk(pc_ctx *ctx, int worker, size_t first,
                            size_t count, void *arg, pc_findings *out)
{
    struct near_job *job = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_near_opts *o = job->o;
    (void)worker;
    pc_status st = PC_OK;
    struct hits hs = {0};
    for (size_t i = first; i < first + count && st == PC_OK; i++) {
        if (job->mask && !job->mask[i])
            continue;
        const pc_feature *f = &job->l->layer->features[i];
        char key[256], msg[1024];
        pc_rules_key(job->l, i, key, sizeof key);
        const char *why = no_geometry(h, f);
        if (why) {
            pc_finding fd = feature_finding(job->l, i, "near.geometry",
                                            o->severity, key);
            fd.message = msg;
            snprintf(msg, sizeof msg, "%s %s: %s: its distance to %s is not "
                     "checked", job->l->id, key, why, job->t->id);
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        struct allowed a;
        pc_figure fig;
        if (allowed_distance(job, i, &a, &fig) != 0) {
            pc_finding fd = feature_finding(job->l, i, "near.value",
                                            o->severity, key);
            fd.field = (char *)o->distance_field;
            fd.message = msg;
            snprintf(msg, sizeof msg, "%s %s: allowed distance '%s' in field "
                     "%s is not a finite non-negative number of metres",
                     job->l->id, key,
                     pc_figure_text(job->l->layer, f, job->df, &fig),
                     o->distance_field);
            fd.geom = GEOSGeom_clone_r(h, f->geom);
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        int named = 0;
        if (job->rf >= 0 &&
            (st = check_refs(ctx, job, i, key, &a, &named, out)) != PC_OK)
            break;
        if (!named)
            st = check_nearest(ctx, job, i, key, &a, &hs, out);
    }
    free(hs.v);
    return st;
}

/* The counting target features with a geometry as STRtree items, and the
 * tree over them (NULL when there are none). The tree is built by a first
 * query here, before the workers query it concurrently. */
static pc_status target_tree(pc_ctx *ctx, struct near_job *job,
                             struct target **targets)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_layer *tl = job->t->layer;
    size_t n = 0;
    *targets = malloc((tl->nfeatures ? tl->nfeatures : 1) * sizeof **targets);
    if (!*targets)
        return PC_OOM(ctx);
    for (size_t j = 0; j < tl->nfeatures; j++)
        if ((!job->tmask || job->tmask[j]) && !no_geometry(h, &tl->features[j]))
            (*targets)[n++] = (struct target){tl->features[j].geom, j};
    if (n == 0)
        return PC_OK;
    if (!(job->tree = GEOSSTRtree_create_r(h, 10)))
        return PC_OOM(ctx);
    for (size_t k = 0; k < n; k++)
        GEOSSTRtree_insert_r(h, job->tree, (*targets)[k].g, &(*targets)[k]);
    struct hits hs = {0};
    GEOSSTRtree_query_r(h, job->tree, (*targets)[0].g, on_hit, &hs);
    free(hs.v);
    return PC_OK;
}

pc_status pc_rules_near(pc_ctx *ctx, pc_rules *r, int layer, int target,
                        const pc_near_opts *o, pc_findings *out)
{
    struct rlayer *l = &r->layers[layer], *t = &r->layers[target];
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    struct near_job job = {.l = l, .t = t, .o = o, .df = -1, .rf = -1,
                           .self = layer == target};
    uint8_t *mask = NULL, *tmask = NULL;
    pc_key_table keys = {0};
    struct target *targets = NULL;
    pc_status st;
    if (!(o->max_distance_m >= 0) || !isfinite(o->max_distance_m))
        return pc_error(ctx, PC_ERR_USAGE, "near rule on %s: max_distance_m "
                        "%g is not a finite non-negative distance", l->id,
                        o->max_distance_m);
    if ((st = pc_layer_need_field(ctx, l->layer, o->distance_field,
                                  "near rule's distance_field", &job.df)) !=
            PC_OK ||
        (st = pc_layer_need_field(ctx, l->layer,
                                  o->ref_field && *o->ref_field ? o->ref_field
                                                                : NULL,
                                  "near rule's ref_field", &job.rf)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, l, &o->where, &mask)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, t, &o->where_target, &tmask)) != PC_OK)
        goto done;
    job.mask = mask;
    job.tmask = tmask;
    if (job.rf >= 0) {
        /* every target's key, sorted: a key the filter leaves out is
         * told apart from one that names nothing */
        if ((st = pc_rules_key_table(ctx, t, &keys)) != PC_OK)
            goto done;
        job.keys = &keys;
    }
    if ((st = target_tree(ctx, &job, &targets)) != PC_OK)
        goto done;
    st = pc_parallel(ctx, l->layer->nfeatures, r->threads, near_chunk, &job,
                     r->progress, r->progress_arg, "near", out);
done:
    if (job.tree)
        GEOSSTRtree_destroy_r(h, job.tree);
    free(targets);
    pc_key_table_free(&keys);
    free(mask);
    free(tmask);
    return st;
}

/* ---- lines within a region ---------------------------------------------- */

struct within_job {
    struct rlayer *l, *c;
    const pc_lines_within_opts *o;
    const uint8_t *mask;
    const GEOSGeometry *area; /* union of the counting containers; NULL:
                                 none counts */
    int repaired;             /* a container in it was repaired */
    const char *failed;       /* why there is no union, or NULL */
    const GEOSPreparedGeometry *prep[PC_MAX_THREADS]; /* area, per worker */
};

/* 1 for a (multi)linestring. */
static int is_line(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(h, g);
    return t == GEOS_LINESTRING || t == GEOS_LINEARRING ||
           t == GEOS_MULTILINESTRING;
}

/* line.geometry about line i when it has no line to measure: 0 with *length
 * set when it has one, else the finding's status through *st. */
static int line_length(pc_ctx *ctx, const struct within_job *job, size_t i,
                       char *key, double *length, pc_status *st,
                       pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_feature *f = &job->l->layer->features[i];
    const char *why = no_geometry(h, f);
    *length = 0;
    if (!why) {
        int t = GEOSGeomTypeId_r(h, f->geom);
        if (!is_line(h, f->geom))
            why = t == GEOS_POINT || t == GEOS_MULTIPOINT
                      ? "a point where lines are expected"
                  : t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON
                      ? "a polygon where lines are expected"
                      : "a geometry collection where lines are expected";
        else if (!GEOSLength_r(h, f->geom, length) || !isfinite(*length))
            why = "a line whose length GEOS cannot measure (coordinates "
                  "not finite?)";
        else if (!(*length > 0))
            why = "a line of zero length";
    }
    if (!why)
        return 0;
    char msg[1024];
    pc_finding fd = feature_finding(job->l, i, "line.geometry",
                                    job->o->severity, key);
    fd.message = msg;
    snprintf(msg, sizeof msg, "%s %s: %s: not checked against %s", job->l->id,
             key, why, job->c->id);
    if (f->geom)
        fd.geom = GEOSGeom_clone_r(h, f->geom);
    *st = pc_findings_add(ctx, out, &fd);
    return -1;
}

/* The lines_within rule on lines [first, first + count): a line the
 * prepared region covers is inside at once; otherwise the part outside
 * is measured. */
static pc_status within_chunk(pc_ctx *ctx, int worker, size_t first,
                              size_t count, void *arg, pc_findings *out)
{
    struct within_job *job = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_lines_within_opts *o = job->o;
    pc_status st = PC_OK;
    for (size_t i = first; i < first + count && st == PC_OK; i++) {
        if (job->mask && !job->mask[i])
            continue;
        const pc_feature *f = &job->l->layer->features[i];
        char key[256], msg[1024], tbuf[32], pbuf[32];
        double length, outside_m;
        pc_rules_key(job->l, i, key, sizeof key);
        if (line_length(ctx, job, i, key, &length, &st, out) != 0)
            continue;
        /* a prepared geometry belongs to one thread: one per worker */
        if (job->area && !job->prep[worker])
            job->prep[worker] = GEOSPrepare_r(h, job->area);
        if (job->prep[worker] &&
            GEOSPreparedCovers_r(h, job->prep[worker], f->geom) == 1)
            continue;
        pc_finding fd = feature_finding(job->l, i, "line.outside",
                                        o->severity, key);
        fd.repaired = f->repaired || job->repaired;
        fd.message = msg;
        GEOSGeometry *outside =
            job->failed ? NULL
            : job->area ? GEOSDifference_r(h, f->geom, job->area)
                        : GEOSGeom_clone_r(h, f->geom);
        if (outside && !GEOSLength_r(h, outside, &outside_m)) {
            GEOSGeom_destroy_r(h, outside);
            outside = NULL;
        }
        if (!outside) {
            fd.rule = "line.outside.unevaluated";
            snprintf(msg, sizeof msg, "could not evaluate %s %s against %s: "
                     "%s", job->l->id, key, job->c->id,
                     job->failed ? job->failed
                     : *pc_ctx_geos_message(ctx) ? pc_ctx_geos_message(ctx)
                                                 : "GEOS failed");
            fd.geom = GEOSGeom_clone_r(h, f->geom);
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        double inside_pct = 100.0 * (length - outside_m) / length;
        inside_pct = inside_pct < 0 ? 0 : inside_pct > 100 ? 100 : inside_pct;
        if (!(outside_m > o->tolerance_m) &&
            !(o->min_inside_pct > 0 && inside_pct < o->min_inside_pct)) {
            GEOSGeom_destroy_r(h, outside);
            continue;
        }
        fd.geom = outside;
        fd.measured_m2 = outside_m;
        fd.tolerance_m2 = o->tolerance_m;
        fd.unit = "m";
        fd.method = "planar";
        int len = snprintf(
            msg, sizeof msg, "%s %s: %.2f m of its %.2f m lie outside %s%s "
            "(%.2f %% inside; tolerance %s m", job->l->id, key, outside_m,
            length, job->c->id,
            job->area ? "" : ", which has no polygon that counts", inside_pct,
            metres(o->tolerance_m, tbuf, sizeof tbuf));
        if (len > 0 && (size_t)len < sizeof msg)
            snprintf(msg + len, sizeof msg - (size_t)len, "%s%s%s)",
                     o->min_inside_pct > 0 ? ", at least " : "",
                     o->min_inside_pct > 0
                         ? metres(o->min_inside_pct, pbuf, sizeof pbuf)
                         : "",
                     o->min_inside_pct > 0 ? " % inside" : "");
        st = pc_findings_add(ctx, out, &fd);
    }
    return st;
}

/* Frees a worker's prepared region with the worker's GEOS context. */
static void within_done(pc_ctx *ctx, int worker, void *arg)
{
    struct within_job *job = arg;
    if (job->prep[worker])
        GEOSPreparedGeom_destroy_r(pc_ctx_geos(ctx), job->prep[worker]);
    job->prep[worker] = NULL;
}

/* The union of the containers of c that pass `mask`, as *area (NULL when
 * none counts). Invalid polygons (as the validity rule or the geometry
 * cache found them) go in as GEOS MakeValid repairs, so that the union
 * runs; *repaired is set when a repaired polygon went in. When GEOS still
 * fails, *area is NULL and `why` says so. */
static pc_status container_union(pc_ctx *ctx, const struct rlayer *c,
                                 const uint8_t *mask, GEOSGeometry **area,
                                 int *repaired, char *why, size_t n)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    size_t nf = c->layer->nfeatures, k = 0;
    *area = NULL;
    *repaired = 0;
    why[0] = '\0';
    GEOSGeometry **parts = malloc((nf ? nf : 1) * sizeof *parts);
    if (!parts)
        return PC_OOM(ctx);
    for (size_t i = 0; i < nf; i++) {
        const pc_feature *f = &c->layer->features[i];
        if ((mask && !mask[i]) || !(c->gc.flags[i] & PC_GC_POLYGONAL))
            continue;
        int invalid = (c->gc.flags[i] & PC_GC_INVALID) != 0;
        GEOSGeometry *p =
            invalid ? pc_polygonal_part(h, GEOSMakeValid_r(h, f->geom))
                    : GEOSGeom_clone_r(h, f->geom);
        if (p) {
            parts[k++] = p;
            *repaired |= f->repaired || invalid;
        }
    }
    if (k == 0) {
        free(parts);
        return PC_OK;
    }
    /* GEOS takes the parts over, also when it fails */
    GEOSGeometry *all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION,
                                                    parts, (unsigned int)k);
    free(parts);
    GEOSGeometry *u = all ? GEOSUnaryUnion_r(h, all) : NULL;
    if (u)
        *area = pc_polygonal_part(h, u);
    else
        snprintf(why, n, "the union of %s failed: %s", c->id,
                 *pc_ctx_geos_message(ctx) ? pc_ctx_geos_message(ctx)
                                           : "GEOS failed");
    if (all)
        GEOSGeom_destroy_r(h, all);
    return PC_OK;
}

pc_status pc_rules_lines_within(pc_ctx *ctx, pc_rules *r, int lines,
                                int container,
                                const pc_lines_within_opts *o,
                                pc_findings *out)
{
    struct rlayer *l = &r->layers[lines], *c = &r->layers[container];
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    struct within_job *job = NULL;
    uint8_t *mask = NULL, *cmask = NULL;
    GEOSGeometry *area = NULL;
    char why[512];
    pc_status st;
    if (!(o->tolerance_m >= 0) || !isfinite(o->tolerance_m) ||
        !(o->min_inside_pct >= 0 && o->min_inside_pct <= 100))
        return pc_error(ctx, PC_ERR_USAGE, "lines_within rule on %s: "
                        "tolerance_m %g or min_inside_pct %g out of range",
                        l->id, o->tolerance_m, o->min_inside_pct);
    if ((st = pc_rules_need_cache(ctx, r, container)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, l, &o->where, &mask)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, c, &o->where_container, &cmask)) !=
            PC_OK)
        goto done;
    if (!(job = calloc(1, sizeof *job))) {
        st = PC_OOM(ctx);
        goto done;
    }
    if (r->progress && !r->progress(0.0, "line.outside", r->progress_arg)) {
        st = pc_error(ctx, PC_ERR_INTERNAL, "interrupted");
        goto done;
    }
    if ((st = container_union(ctx, c, cmask, &area, &job->repaired, why,
                              sizeof why)) != PC_OK)
        goto done;
    job->l = l;
    job->c = c;
    job->o = o;
    job->mask = mask;
    job->area = area;
    job->failed = *why ? why : NULL;
    st = pc_parallel_ex(ctx, l->layer->nfeatures, r->threads, within_chunk,
                        within_done, job, r->progress, r->progress_arg,
                        "line.outside", out);
done:
    if (area)
        GEOSGeom_destroy_r(h, area);
    free(job);
    free(mask);
    free(cmask);
    return st;
}
