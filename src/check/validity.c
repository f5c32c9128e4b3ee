/* validity.c: check stage: GEOS validity of every feature, NULL and empty
 * geometries, rings GEOS cannot build, geometries of the wrong kind for
 * the layer; optional MakeValid repair of polygons. A layer's kind comes
 * from its declared geometry type: a layer declared as lines or points
 * expects lines or points; any other (polygons, none, or mixed, as GDAL
 * says of a GeoJSON file with a stray point) expects polygons, which is
 * what most rules need. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

/* ---- validity ---------------------------------------------------------- */

struct validity_job {
    pc_rules *r;
    struct rlayer *l;
    const pc_validity_opts *opts;
    pc_geom_class expect; /* what the layer's features must be */
};

static pc_status validity_chunk(pc_ctx *ctx, int worker, size_t first,
                               size_t count, void *arg, pc_findings *out)
{
    struct validity_job *job = arg;
    (void)worker;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    struct rlayer *l = job->l;
    int flags = job->opts->allow_selftouching_rings
                    ? GEOSVALID_ALLOW_SELFTOUCHING_RING_FORMING_HOLE
                    : 0;
    for (size_t i = first; i < first + count; i++) {
        pc_feature *f = &l->layer->features[i];
        if (f->outside_crs)
            continue; /* reported by the run as crs.outside */
        char key[256], msg[1024];
        pc_rules_key(l, i, key, sizeof key);
        pc_finding fd = pc_finding_init("validity.invalid", job->opts->severity);
        fd.layer = l->id;
        fd.fid = f->fid;
        fd.key = key;
        fd.message = msg;
        if (f->geom_error) {
            fd.rule = "validity.unbuildable";
            snprintf(msg, sizeof msg, "geometry cannot be built: %s",
                     f->geom_error);
        } else if (!f->geom) {
            fd.rule = "validity.null";
            snprintf(msg, sizeof msg, "NULL geometry");
        } else if (GEOSisEmpty_r(h, f->geom) == 1) {
            fd.rule = "validity.empty";
            snprintf(msg, sizeof msg, "empty geometry");
        } else {
            int t = GEOSGeomTypeId_r(h, f->geom);
            pc_geom_class got =
                t == GEOS_POINT || t == GEOS_MULTIPOINT ? PC_GEOM_POINT
                : t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING ||
                        t == GEOS_LINEARRING
                    ? PC_GEOM_LINE
                : t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON ? PC_GEOM_POLYGON
                                                              : PC_GEOM_MIXED;
            static const char *const names[] = {
                [PC_GEOM_POINT] = "point", [PC_GEOM_LINE] = "line",
                [PC_GEOM_POLYGON] = "polygon",
                [PC_GEOM_MIXED] = "geometry collection"};
            if (got != job->expect) {
                fd.rule = job->expect == PC_GEOM_POLYGON
                              ? "validity.not_polygon"
                              : "validity.wrong_type";
                snprintf(msg, sizeof msg, "a %s where %ss are expected",
                         names[got], names[job->expect]);
            } else {
                char *reason = NULL;
                GEOSGeometry *where = NULL;
                char v = GEOSisValidDetail_r(h, f->geom, flags, &reason, &where);
                if (v == 1)
                    continue;
                if (v == 2) {
                    snprintf(msg, sizeof msg, "GEOS could not test validity: %s",
                             pc_ctx_geos_message(ctx));
                } else {
                    snprintf(msg, sizeof msg, "%s", reason ? reason : "invalid");
                    fd.geom = where;
                    where = NULL;
                }
                if (reason)
                    GEOSFree_r(h, reason);
                if (where)
                    GEOSGeom_destroy_r(h, where);
                if (job->opts->repair && got == PC_GEOM_POLYGON) {
                    GEOSGeometry *fixed = GEOSMakeValid_r(h, f->geom);
                    fixed = pc_polygonal_part(h, fixed);
                    if (fixed) {
                        GEOSGeom_destroy_r(h, f->geom);
                        f->geom = fixed;
                        f->repaired = 1;
                        fd.repaired = 1;
                        size_t len = strlen(msg);
                        snprintf(msg + len, sizeof msg - len,
                                 "; repaired with MakeValid for the other rules");
                    }
                }
                l->invalid[i] = !f->repaired;
            }
        }
        pc_status st = pc_findings_add(ctx, out, &fd);
        if (st != PC_OK)
            return st;
    }
    return PC_OK;
}

pc_status pc_rules_validity(pc_ctx *ctx, pc_rules *r, int layer,
                            const pc_validity_opts *opts, pc_findings *out)
{
    struct rlayer *l = &r->layers[layer];
    if (!l->invalid) {
        l->invalid = calloc(l->layer->nfeatures ? l->layer->nfeatures : 1, 1);
        if (!l->invalid)
            return PC_OOM(ctx);
    }
    pc_geom_class c = l->layer->geom_class;
    struct validity_job job = {r, l, opts,
                               c == PC_GEOM_LINE || c == PC_GEOM_POINT
                                   ? c
                                   : PC_GEOM_POLYGON};
    pc_status st = pc_parallel(ctx, l->layer->nfeatures, r->threads,
                               validity_chunk, &job, r->progress,
                               r->progress_arg, "validity", out);
    pc_rules_forget_layer(r, layer); /* invalid flags and repairs change the cache */
    return st;
}

