/* overlap.c: check stage: overlapping interiors within a layer or between
 * two layers (containment and duplicates included, touching excluded). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

/* ---- overlaps ---------------------------------------------------------- */

struct overlap_job {
    pc_rules *r;
    struct rlayer *la, *lb;
    const pc_pairs *pairs;
    const pc_overlap_opts *opts;
    const uint8_t *mask_a, *mask_b;
    int self;
};

static pc_status overlap_chunk(pc_ctx *ctx, int worker, size_t first,
                               size_t count, void *arg, pc_findings *out)
{
    struct overlap_job *job = arg;
    (void)worker;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_overlap_opts *o = job->opts;
    for (size_t k = first; k < first + count; k++) {
        size_t i = job->pairs->a[k], j = job->pairs->b[k];
        if ((job->mask_a && !job->mask_a[i]) || (job->mask_b && !job->mask_b[j]))
            continue;
        if (!pc_pair_may_overlap(h, &job->la->gc, i, &job->lb->gc, j))
            continue;
        const GEOSGeometry *gi = job->la->layer->features[i].geom;
        const GEOSGeometry *gj = job->lb->layer->features[j].geom;
        char ka[256], kb[256], msg[1024];
        pc_finding fd = pc_finding_init(o->rule, o->severity);
        pc_rules_pair_keys(&fd, job->la, i, job->lb, j, job->self, ka, kb,
                           sizeof ka);
        fd.message = msg;
        pc_status st;
        if (o->duplicates && job->self &&
            !memcmp(job->la->gc.bbox + 4 * i, job->lb->gc.bbox + 4 * j,
                    4 * sizeof(double)) &&
            GEOSEquals_r(h, gi, gj) == 1) {
            pc_finding dup = fd;
            dup.rule = "duplicate";
            dup.geom = GEOSGeom_clone_r(h, gi);
            snprintf(msg, sizeof msg, "%s and %s have identical geometries",
                     fd.key, fd.key2);
            if ((st = pc_findings_add(ctx, out, &dup)) != PC_OK)
                return st;
        }
        if (!o->overlaps)
            continue;
        /* An invalid polygon makes overlay throw, after costly retries, or
         * return a result that means little; its relate still works. So a
         * pair with an invalid member whose interiors meet is reported as
         * not evaluated (`repair: true` in the validity rule evaluates it
         * on the repaired geometry), and one whose interiors do not meet is
         * no finding. */
        if ((job->la->gc.flags[i] | job->lb->gc.flags[j]) & PC_GC_INVALID) {
            char rel = GEOSRelatePattern_r(h, gi, gj, "T********");
            if (rel == 0)
                continue;
            char rule[96];
            snprintf(rule, sizeof rule, "%s.unevaluated", o->rule);
            fd.rule = rule;
            snprintf(msg, sizeof msg, "could not evaluate %s with %s: %s",
                     fd.key, fd.key2,
                     rel == 2 ? pc_ctx_geos_message(ctx)
                              : "their interiors meet but one of them is an "
                                "invalid polygon (see validity; repair: true "
                                "evaluates it)");
            if ((st = pc_findings_add(ctx, out, &fd)) != PC_OK)
                return st;
            continue;
        }
        GEOSGeometry *inter = GEOSIntersection_r(h, gi, gj);
        if (!inter) {
            char rule[96];
            snprintf(rule, sizeof rule, "%s.unevaluated", o->rule);
            fd.rule = rule;
            snprintf(msg, sizeof msg, "could not evaluate %s with %s: %s",
                     fd.key, fd.key2, pc_ctx_geos_message(ctx));
            if ((st = pc_findings_add(ctx, out, &fd)) != PC_OK)
                return st;
            continue;
        }
        double a;
        if (!(inter = pc_polygonal_above(h, inter, o->min_area_m2, &a)))
            continue;
        fd.geom = inter;
        fd.measured_m2 = a;
        snprintf(msg, sizeof msg, "%s %s overlaps %s %s", job->la->id, fd.key,
                 job->lb->id, fd.key2);
        if ((st = pc_findings_add(ctx, out, &fd)) != PC_OK)
            return st;
    }
    return PC_OK;
}

pc_status pc_rules_overlap(pc_ctx *ctx, pc_rules *r, int a, int b,
                           const pc_overlap_opts *opts, pc_findings *out)
{
    const pc_pairs *pairs;
    pc_status st = pc_rules_need_pairs(ctx, r, a, b, &pairs);
    if (st != PC_OK)
        return st;
    struct overlap_job job = {r, &r->layers[a], &r->layers[b], pairs, opts,
                              NULL, NULL, a == b};
    uint8_t *ma = NULL, *mb = NULL;
    if ((st = pc_rules_where_mask(ctx, job.la, &opts->where_a, &ma)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, job.lb, &opts->where_b, &mb)) != PC_OK)
        goto done;
    job.mask_a = ma;
    job.mask_b = mb;
    size_t from = out->n;
    st = pc_parallel(ctx, pairs->n, r->threads, overlap_chunk, &job,
                     r->progress, r->progress_arg, opts->rule, out);
    if (st == PC_OK)
        st = pc_rules_finish_areas(ctx, r, out, from, opts->min_area_m2,
                                   opts->ellipsoidal ? PC_AREA_ELLIPSOIDAL
                                                     : r->method,
                                   opts->rule);
done:
    free(ma);
    free(mb);
    return st;
}
