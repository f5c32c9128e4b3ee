/* containment.c: check stage: each feature inside its container, either
 * the one its reference field names or any feature of the container layer;
 * the part outside is the finding. Prepared containers, reused across the
 * neighbouring features of a chunk. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

struct cont_job {
    pc_rules *r;
    struct rlayer *l, *c;
    const pc_containment_opts *opts;
    const uint32_t *order;   /* features to test, grouped by container */
    const size_t *cand_start; /* per position in order: candidates ... */
    const uint32_t *cand;     /* ... container indices */
};

#define PREP_CACHE 8

struct prep_cache {
    uint32_t index[PREP_CACHE];
    const GEOSPreparedGeometry *prep[PREP_CACHE];
    int n, next;
};

static const GEOSPreparedGeometry *prepared(GEOSContextHandle_t h,
                                            struct prep_cache *pc,
                                            const struct rlayer *c, uint32_t k)
{
    for (int i = 0; i < pc->n; i++)
        if (pc->index[i] == k)
            return pc->prep[i];
    const GEOSPreparedGeometry *p = GEOSPrepare_r(h, c->layer->features[k].geom);
    if (!p)
        return NULL;
    int slot;
    if (pc->n < PREP_CACHE) {
        slot = pc->n++;
    } else { /* evict round-robin */
        slot = pc->next;
        pc->next = (pc->next + 1) % PREP_CACHE;
        GEOSPreparedGeom_destroy_r(h, pc->prep[slot]);
    }
    pc->index[slot] = k;
    pc->prep[slot] = p;
    return p;
}

static void prep_clear(GEOSContextHandle_t h, struct prep_cache *pc)
{
    for (int i = 0; i < pc->n; i++)
        GEOSPreparedGeom_destroy_r(h, pc->prep[i]);
    memset(pc, 0, sizeof *pc);
}

static pc_status cont_chunk(pc_ctx *ctx, int worker, size_t first,
                               size_t count, void *arg, pc_findings *out)
{
    struct cont_job *job = arg;
    (void)worker;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    struct prep_cache cache;
    memset(&cache, 0, sizeof cache);
    pc_status st = PC_OK;
    for (size_t p = first; p < first + count && st == PC_OK; p++) {
        uint32_t i = job->order[p];
        const pc_feature *f = &job->l->layer->features[i];
        if (!f->geom || !(job->l->gc.flags[i] & PC_GC_POLYGONAL))
            continue;
        size_t c0 = job->cand_start[p], c1 = job->cand_start[p + 1];
        int covered = 0;
        for (size_t k = c0; k < c1 && !covered; k++) {
            uint32_t c = job->cand[k];
            if (!(job->c->gc.flags[c] & PC_GC_POLYGONAL))
                continue;
            if (pc_pair_covers(h, &job->c->gc, c, &job->l->gc, i)) {
                covered = 1;
                break;
            }
            const GEOSPreparedGeometry *pg =
                (job->c->gc.flags[c] & PC_GC_INVALID)
                    ? NULL
                    : prepared(h, &cache, job->c, c);
            covered = pg ? GEOSPreparedCovers_r(h, pg, f->geom) == 1
                         : GEOSCovers_r(h, job->c->layer->features[c].geom,
                                        f->geom) == 1;
        }
        if (covered)
            continue;
        /* the part outside: the feature minus its candidate containers */
        GEOSGeometry *outside = GEOSGeom_clone_r(h, f->geom);
        for (size_t k = c0; k < c1 && outside; k++) {
            const GEOSGeometry *cg = job->c->layer->features[job->cand[k]].geom;
            if (!cg)
                continue;
            GEOSGeometry *d = GEOSDifference_r(h, outside, cg);
            GEOSGeom_destroy_r(h, outside);
            outside = d;
        }
        char key[256], key2[256], msg[1024];
        pc_finding fd = pc_finding_init(job->opts->rule, job->opts->severity);
        pc_rules_key(job->l, i, key, sizeof key);
        fd.layer = job->l->id;
        fd.key = key;
        fd.fid = f->fid;
        fd.repaired = f->repaired;
        fd.message = msg;
        if (c1 > c0) {
            pc_rules_key(job->c, job->cand[c0], key2, sizeof key2);
            if (job->opts->ref_field) {
                fd.layer2 = job->c->id;
                fd.key2 = key2;
                fd.fid2 = job->c->layer->features[job->cand[c0]].fid;
            }
        }
        if (!outside) {
            char rule[96];
            snprintf(rule, sizeof rule, "%s.unevaluated", job->opts->rule);
            fd.rule = rule;
            snprintf(msg, sizeof msg, "could not evaluate %s against %s: %s",
                     key, job->c->id, pc_ctx_geos_message(ctx));
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        double a;
        if (!(outside = pc_polygonal_above(h, outside,
                                           job->opts->tolerance_m2, &a)))
            continue;
        fd.geom = outside;
        fd.measured_m2 = a;
        if (job->opts->ref_field)
            snprintf(msg, sizeof msg, "%s %s lies partly outside its container "
                     "%s %s", job->l->id, key, job->c->id, key2);
        else
            snprintf(msg, sizeof msg, "%s %s lies partly outside %s", job->l->id,
                     key, job->c->id);
        st = pc_findings_add(ctx, out, &fd);
    }
    prep_clear(h, &cache);
    return st;
}

pc_status pc_rules_containment(pc_ctx *ctx, pc_rules *r, int layer,
                               int container, const pc_containment_opts *opts,
                               pc_findings *out)
{
    struct rlayer *l = &r->layers[layer], *c = &r->layers[container];
    pc_status st;
    if ((st = pc_rules_need_cache(ctx, r, layer)) != PC_OK ||
        (st = pc_rules_need_cache(ctx, r, container)) != PC_OK)
        return st;
    size_t n = l->layer->nfeatures;
    uint8_t *mask = NULL;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t *cand_start = malloc((n + 1) * sizeof *cand_start);
    uint32_t *cand = NULL;
    pc_key_table keys = {0};
    size_t norder = 0, ncand = 0, from = out->n;
    if (!order || !cand_start) {
        st = PC_OOM(ctx);
        goto done;
    }
    if ((st = pc_rules_where_mask(ctx, l, &opts->where, &mask)) != PC_OK)
        goto done;
    if (opts->ref_field) {
        int rf;
        if ((st = pc_layer_need_field(ctx, l->layer, opts->ref_field,
                                      "containment rule's key_field", &rf)) !=
            PC_OK)
            goto done;
        if ((st = pc_rules_key_table(ctx, c, &keys)) != PC_OK)
            goto done;
        /* Each feature's container by a lookup in the (small) sorted key
         * table; then the features grouped by container with a counting
         * sort, so a chunk prepares each container once. */
        size_t nc = c->layer->nfeatures;
        uint32_t *group = malloc((n ? n : 1) * sizeof *group);
        size_t *count = calloc(nc + 1, sizeof *count);
        if (!group || !count) {
            free(group);
            free(count);
            st = PC_OOM(ctx);
            goto done;
        }
        for (size_t i = 0; i < n && st == PC_OK; i++) {
            group[i] = UINT32_MAX;
            if ((mask && !mask[i]) || !(l->gc.flags[i] & PC_GC_POLYGONAL))
                continue;
            char buf[256];
            const pc_value *v = &l->layer->features[i].values[rf];
            const char *t = pc_value_text(l->layer, (size_t)rf, v, buf,
                                          sizeof buf);
            /* the first container with that key */
            const struct pc_key_entry *hit =
                t ? pc_key_table_find(&keys, t, NULL) : NULL;
            if (!hit) {
                char key[256], msg[512], rule[96];
                snprintf(rule, sizeof rule, "%s.no_container", opts->rule);
                pc_finding fd = pc_finding_init(rule, opts->severity);
                fd.layer = l->id;
                fd.key = (char *)pc_rules_key(l, i, key, sizeof key);
                fd.fid = l->layer->features[i].fid;
                fd.field = (char *)opts->ref_field;
                fd.message = msg;
                snprintf(msg, sizeof msg, "%s %s names container '%s' in field "
                         "%s, which is not in %s", l->id, key,
                         t ? t : "(NULL)", opts->ref_field, c->id);
                st = pc_findings_add(ctx, out, &fd);
                continue;
            }
            group[i] = (uint32_t)(hit - keys.items);
            count[group[i] + 1]++;
        }
        for (size_t g = 0; g < nc; g++)
            count[g + 1] += count[g];
        size_t ngrouped = count[nc];
        uint32_t *slot = malloc((ngrouped ? ngrouped : 1) * sizeof *slot);
        cand = malloc((ngrouped ? ngrouped : 1) * sizeof *cand);
        size_t cap = ngrouped ? ngrouped : 1;
        if (!slot || !cand)
            st = PC_OOM(ctx);
        for (size_t i = 0; i < n && st == PC_OK; i++)
            if (group[i] != UINT32_MAX)
                slot[count[group[i]]++] = (uint32_t)i; /* stable */
        for (size_t k = 0; k < ngrouped && st == PC_OK; k++) {
            uint32_t i = slot[k];
            const struct pc_key_entry *hit = keys.items + group[i];
            order[norder] = i;
            cand_start[norder++] = ncand;
            for (const struct pc_key_entry *e = hit;
                 e < keys.items + nc && strcmp(e->key, hit->key) == 0; e++) {
                if (ncand == cap) {
                    uint32_t *more = realloc(cand, 2 * cap * sizeof *more);
                    if (!more) {
                        st = PC_OOM(ctx);
                        break;
                    }
                    cand = more;
                    cap *= 2;
                }
                cand[ncand++] = e->index;
            }
        }
        cand_start[norder] = ncand;
        free(group);
        free(count);
        free(slot);
        if (st != PC_OK)
            goto done;
    } else {
        const pc_pairs *pairs;
        if ((st = pc_rules_need_pairs(ctx, r, layer, container, &pairs)) != PC_OK)
            goto done;
        cand = malloc((pairs->n ? pairs->n : 1) * sizeof *cand);
        if (!cand) {
            st = PC_OOM(ctx);
            goto done;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if ((mask && !mask[i]) || !(l->gc.flags[i] & PC_GC_POLYGONAL)) {
                while (k < pairs->n && pairs->a[k] == i)
                    k++;
                continue;
            }
            order[norder] = (uint32_t)i;
            cand_start[norder++] = ncand;
            for (; k < pairs->n && pairs->a[k] == i; k++)
                cand[ncand++] = pairs->b[k];
        }
        cand_start[norder] = ncand;
    }
    struct cont_job job = {r, l, c, opts, order, cand_start, cand};
    st = pc_parallel(ctx, norder, r->threads, cont_chunk, &job, r->progress,
                     r->progress_arg, opts->rule, out);
    if (st == PC_OK)
        st = pc_rules_finish_areas(ctx, r, out, from, opts->tolerance_m2,
                                   opts->ellipsoidal ? PC_AREA_ELLIPSOIDAL : r->method, opts->rule);
done:
    free(mask);
    free(order);
    free(cand_start);
    free(cand);
    pc_key_table_free(&keys);
    return st;
}
