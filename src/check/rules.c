/* rules.c: check stage: the rules session: layers, their geometry caches,
 * candidate pairs computed once per layer pair and shared by every
 * pairwise rule, feature filters, and the final areas of findings. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plancheck/crs.h"
#include "rules_internal.h"

pc_status pc_rules_new(pc_ctx *ctx, const pc_crs *crs, pc_area_method method,
                       int threads, pc_progress_fn progress,
                       void *progress_arg, pc_rules **out)
{
    pc_rules *r = calloc(1, sizeof *r);
    if (!r)
        return PC_OOM(ctx);
    r->crs = crs;
    r->method = method;
    r->threads = threads;
    r->progress = progress;
    r->progress_arg = progress_arg;
    pc_status st = pc_area_calc_new(ctx, crs, &r->calc);
    if (st != PC_OK) {
        free(r);
        return st;
    }
    *out = r;
    return PC_OK;
}

void pc_rules_free(pc_ctx *ctx, pc_rules *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->nlayers; i++) {
        pc_corridors_free(ctx, r->layers[i].corridors);
        pc_gcache_free(&r->layers[i].gc);
        free(r->layers[i].id);
        free(r->layers[i].invalid);
    }
    for (size_t k = 0; k < r->npairs; k++)
        pc_pairs_clear(&r->pairs[k].pairs);
    free(r->pairs);
    pc_area_calc_free(r->calc);
    free(r);
}

pc_status pc_rules_add_layer(pc_ctx *ctx, pc_rules *r, pc_layer *layer,
                             const char *id, const char *key_field, int *index)
{
    if (r->nlayers == MAX_LAYERS)
        return pc_error(ctx, PC_ERR_USAGE, "more than %d layers in one run",
                        MAX_LAYERS);
    struct rlayer *l = &r->layers[r->nlayers];
    memset(l, 0, sizeof *l);
    l->layer = layer;
    l->id = pc_strdup(id);
    if (!l->id)
        return PC_OOM(ctx);
    l->key = -1;
    if (key_field && (l->key = pc_layer_field_index(layer, key_field)) < 0) {
        free(l->id);
        return pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': no key field '%s'",
                        layer->source, layer->source_layer, key_field);
    }
    if (layer->nfeatures > UINT32_MAX - 1) {
        free(l->id);
        return pc_error(ctx, PC_ERR_INPUT, "%s: more than 4e9 features",
                        layer->source);
    }
    *index = r->nlayers++;
    return PC_OK;
}

/* GEOS validity of every polygon, when no validity rule has run: the
 * contact filter may only judge valid polygons (an invalid ring's
 * orientation says nothing about its lobes). */
static pc_status valid_chunk(pc_ctx *ctx, int worker, size_t first,
                             size_t count, void *arg, pc_findings *out)
{
    struct rlayer *l = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    (void)worker;
    (void)out;
    for (size_t i = first; i < first + count; i++) {
        const GEOSGeometry *g = l->layer->features[i].geom;
        l->invalid[i] = g && GEOSisEmpty_r(h, g) == 0 && GEOSisValid_r(h, g) != 1;
    }
    return PC_OK;
}

pc_status pc_rules_need_cache(pc_ctx *ctx, pc_rules *r, int i)
{
    struct rlayer *l = &r->layers[i];
    if (l->gc_built)
        return PC_OK;
    if (!l->invalid) {
        l->invalid = calloc(l->layer->nfeatures ? l->layer->nfeatures : 1, 1);
        if (!l->invalid)
            return PC_OOM(ctx);
        pc_findings none = {0};
        pc_status st = pc_parallel(ctx, l->layer->nfeatures, r->threads,
                                   valid_chunk, l, r->progress, r->progress_arg,
                                   "validity", &none);
        pc_findings_clear(ctx, &none);
        if (st != PC_OK)
            return st;
    }
    double t0 = pc_now_s();
    pc_status st = pc_gcache_build(ctx, l->layer, l->invalid, r->threads,
                                   &l->gc);
    pc_stage_time("cache", l->id, &t0);
    if (st == PC_OK)
        l->gc_built = 1;
    return st;
}

/* Drops the caches built from a layer's geometries (after repairs). */
void pc_rules_forget_layer(pc_rules *r, int i)
{
    if (r->layers[i].gc_built)
        pc_gcache_free(&r->layers[i].gc);
    r->layers[i].gc_built = 0;
    for (size_t k = 0; k < r->npairs; k++)
        if (r->pairs[k].a == i || r->pairs[k].b == i) {
            pc_pairs_clear(&r->pairs[k].pairs);
            r->pairs[k] = r->pairs[--r->npairs];
            k--;
        }
}

/* Candidate pairs of layers a and b, computed once per session. */
pc_status pc_rules_need_pairs(pc_ctx *ctx, pc_rules *r, int a, int b,
                            const pc_pairs **out)
{
    for (size_t k = 0; k < r->npairs; k++)
        if (r->pairs[k].a == a && r->pairs[k].b == b) {
            *out = &r->pairs[k].pairs;
            return PC_OK;
        }
    pc_status st;
    if ((st = pc_rules_need_cache(ctx, r, a)) != PC_OK ||
        (st = pc_rules_need_cache(ctx, r, b)) != PC_OK)
        return st;
    struct pairs_entry *p = realloc(r->pairs, (r->npairs + 1) * sizeof *p);
    if (!p)
        return PC_OOM(ctx);
    r->pairs = p;
    struct pairs_entry *e = &r->pairs[r->npairs];
    e->a = a;
    e->b = b;
    double t0 = pc_now_s();
    st = a == b ? pc_pairs_self(ctx, &r->layers[a].gc, r->threads, &e->pairs)
                : pc_pairs_cross(ctx, &r->layers[a].gc, &r->layers[b].gc,
                                 r->threads, &e->pairs);
    pc_stage_time("pairs", r->layers[b].id, &t0);
    if (st != PC_OK)
        return st;
    r->npairs++;
    *out = &e->pairs;
    return PC_OK;
}

const char *pc_rules_key(const struct rlayer *l, size_t i, char *buf,
                          size_t n)
{
    return pc_feature_key(l->layer, l->key, i, buf, n);
}

/* Key order, NULL before any key. */
static int key_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_key_entry(const void *pa, const void *pb)
{
    const struct pc_key_entry *a = pa, *b = pb;
    int c = key_cmp(a->key, b->key);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

pc_status pc_rules_key_table(pc_ctx *ctx, const struct rlayer *l,
                             pc_key_table *t)
{
    size_t n = l->layer->nfeatures;
    t->items = malloc((n ? n : 1) * sizeof *t->items);
    t->store = malloc((n ? n : 1) * 256);
    t->n = 0;
    if (!t->items || !t->store) {
        pc_key_table_free(t);
        return PC_OOM(ctx);
    }
    for (size_t k = 0; k < n; k++) {
        t->items[k].key = pc_rules_key(l, k, t->store + 256 * k, 256);
        t->items[k].index = (uint32_t)k;
    }
    qsort(t->items, n, sizeof *t->items, cmp_key_entry);
    t->n = n;
    return PC_OK;
}

const struct pc_key_entry *pc_key_table_find(const pc_key_table *t,
                                             const char *key, size_t *count)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_cmp(t->items[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->n && key_cmp(t->items[end].key, key) == 0)
        end++;
    if (count)
        *count = end - lo;
    return end > lo ? t->items + lo : NULL;
}

void pc_key_table_free(pc_key_table *t)
{
    free(t->items);
    free(t->store);
    t->items = NULL;
    t->store = NULL;
    t->n = 0;
}

void pc_rules_pair_keys(pc_finding *fd, const struct rlayer *la, size_t i,
                        const struct rlayer *lb, size_t j, int self, char *ka,
                        char *kb, size_t n)
{
    pc_rules_key(la, i, ka, n);
    pc_rules_key(lb, j, kb, n);
    const pc_feature *fa = &la->layer->features[i];
    const pc_feature *fb = &lb->layer->features[j];
    int swap = self && strcmp(ka, kb) > 0;
    fd->layer = la->id;
    fd->layer2 = lb->id;
    fd->key = swap ? kb : ka;
    fd->key2 = swap ? ka : kb;
    fd->fid = swap ? fb->fid : fa->fid;
    fd->fid2 = swap ? fa->fid : fb->fid;
    fd->repaired = fa->repaired || fb->repaired;
}

/* Feature filter: 1 when feature i of l passes `w`. */
static int passes(const struct rlayer *l, int field, const pc_where *w,
                  size_t i)
{
    if (field < 0)
        return 1;
    char buf[64];
    const char *t = pc_value_text(l->layer, (size_t)field,
                                  &l->layer->features[i].values[field], buf,
                                  sizeof buf);
    for (size_t k = 0; t && k < w->nvalues; k++)
        if (strcmp(t, w->values[k]) == 0)
            return 1;
    return 0;
}

pc_status pc_rules_where_mask(pc_ctx *ctx, const struct rlayer *l,
                            const pc_where *w, uint8_t **mask)
{
    *mask = NULL;
    if (!w || !w->field)
        return PC_OK;
    int field;
    pc_status st = pc_layer_need_field(ctx, l->layer, w->field,
                                       "field of a rule's filter", &field);
    if (st != PC_OK)
        return st;
    *mask = malloc(l->layer->nfeatures ? l->layer->nfeatures : 1);
    if (!*mask)
        return PC_OOM(ctx);
    for (size_t i = 0; i < l->layer->nfeatures; i++)
        (*mask)[i] = (uint8_t)passes(l, field, w, i);
    return PC_OK;
}

/* Separators of a key list: blanks (the ideographic space too) and
 * , ; / | with their full-width forms 、 ， ；. */
static const char *const key_seps[] = {" ", "\t", ",", ";", "/", "|", "、",
                                       "，", "；", "\xe3\x80\x80", NULL};

/* Length of the separator at s, 0 when none starts there. */
static size_t sep_at(const char *s)
{
    for (const char *const *p = key_seps; *p; p++)
        if (strncmp(s, *p, strlen(*p)) == 0)
            return strlen(*p);
    return 0;
}

const char *pc_rules_next_key(const char *s, size_t *len)
{
    size_t sep;
    *len = 0;
    while (s && *s && (sep = sep_at(s)) > 0)
        s += sep;
    if (!s || !*s)
        return NULL;
    const char *start = s;
    while (*s && !sep_at(s)) /* to the next separator */
        s++;
    *len = (size_t)(s - start);
    return start;
}

/* Area of a finding's geometry by the session's method. */
static pc_status measure(pc_ctx *ctx, pc_rules *r, const GEOSGeometry *g,
                         pc_area_method method, double *area)
{
    return pc_area_calc_area(ctx, r->calc, g, method, area);
}

/* Adds the area to each overlap message once the final area is known. */
static void area_messages(pc_findings *f, size_t from, const char *rule)
{
    for (size_t k = from; k < f->n; k++) {
        pc_finding *x = &f->items[k];
        if (strcmp(x->rule, rule) != 0 || !x->message)
            continue;
        char *m = pc_aprintf("%s by %.2f m2 (%s)", x->message, x->measured_m2,
                             x->method ? x->method : "");
        if (m) {
            free(x->message);
            x->message = m;
        }
    }
}

/* After a parallel pass the threads measured planar areas; fix the area by
 * the session's method, drop what falls under the threshold and add the
 * area to the messages. */
pc_status pc_rules_finish_areas(pc_ctx *ctx, pc_rules *r, pc_findings *f,
                              size_t from, double min_area_m2,
                              pc_area_method method, const char *rule)
{
    size_t w = from;
    for (size_t k = from; k < f->n; k++) {
        pc_finding *x = &f->items[k];
        if (x->geom && rule && strcmp(x->rule, rule) == 0) {
            double a;
            pc_status st = measure(ctx, r, x->geom, method, &a);
            if (st != PC_OK)
                return st;
            x->measured_m2 = a;
            free(x->method);
            x->method = pc_strdup(pc_area_method_name(method));
            if (!(a > min_area_m2)) {
                pc_finding_free(ctx, x);
                continue;
            }
        }
        f->items[w++] = *x;
    }
    f->n = w;
    if (rule)
        area_messages(f, from, rule);
    return PC_OK;
}


