/* slivers.c: check stage: polygons too small, too thin or too narrow to be
 * real parcels (digitising leftovers). Thresholds use the planar area in
 * the working CRS. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

struct sliver_job {
    struct rlayer *l;
    const pc_sliver_opts *o;
};

static pc_status sliver_chunk(pc_ctx *ctx, int worker, size_t first,
                               size_t count, void *arg, pc_findings *out)
{
    struct sliver_job *job = arg;
    (void)worker;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_sliver_opts *o = job->o;
    for (size_t i = first; i < first + count; i++) {
        const pc_feature *f = &job->l->layer->features[i];
        if (!f->geom || !(job->l->gc.flags[i] & PC_GC_POLYGONAL))
            continue;
        double area = 0, perim = 0, width = NAN;
        GEOSArea_r(h, f->geom, &area);
        GEOSLength_r(h, f->geom, &perim);
        double thin = perim > 0 ? 4 * M_PI * area / (perim * perim) : 0;
        int small = o->max_area_m2 > 0 && area < o->max_area_m2;
        int thinq = o->min_thinness > 0 && thin < o->min_thinness;
        int narrow = 0;
        if (o->min_width_m > 0) {
            width = pc_equivalent_width(area, perim);
            narrow = width < o->min_width_m;
        }
        if (!small && !thinq && !narrow)
            continue;
        char key[256], msg[512];
        pc_finding fd = pc_finding_init("sliver", o->severity);
        fd.layer = job->l->id;
        fd.key = (char *)pc_rules_key(job->l, i, key, sizeof key);
        fd.fid = f->fid;
        fd.repaired = f->repaired;
        fd.measured_m2 = area;
        fd.method = "planar";
        fd.geom = GEOSGeom_clone_r(h, f->geom);
        fd.message = msg;
        int len = snprintf(msg, sizeof msg, "sliver (%s%s%s): area %.2f m2, "
                           "thinness %.4f", small ? "small" : "",
                           small && (thinq || narrow) ? ", " : "",
                           thinq && narrow ? "thin, narrow"
                           : thinq         ? "thin"
                           : narrow        ? "narrow"
                                           : "",
                           area, thin);
        if (isfinite(width) && len > 0 && (size_t)len < sizeof msg)
            snprintf(msg + len, sizeof msg - (size_t)len, ", width %.2f m", width);
        pc_status st = pc_findings_add(ctx, out, &fd);
        if (st != PC_OK)
            return st;
    }
    return PC_OK;
}

pc_status pc_rules_slivers(pc_ctx *ctx, pc_rules *r, int layer,
                           const pc_sliver_opts *o, pc_findings *out)
{
    pc_status st = pc_rules_need_cache(ctx, r, layer);
    if (st != PC_OK)
        return st;
    struct sliver_job job = {&r->layers[layer], o};
    return pc_parallel(ctx, r->layers[layer].layer->nfeatures, r->threads,
                       sliver_chunk, &job, r->progress, r->progress_arg,
                       "slivers", out);
}
