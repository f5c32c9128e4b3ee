/* gaps.c: check stage: gaps in a coverage. Debian 12's GEOS 3.11 has no
 * GEOSCoverageIsValid, so gaps are the holes of the union of every polygon
 * part (multipolygons are split first), less the holes of single polygons
 * (a hole inside one polygon is not a gap), and the outer perimeter is
 * never a gap. Against a boundary layer, the uncovered parts of the
 * boundary are gaps too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

/* Every polygon part of the layer's polygonal features, cloned, in one
 * collection; invalid ones (flagged by the validity rule, or all that GEOS
 * finds invalid when `check_all`) through MakeValid so the union runs. */
static GEOSGeometry *all_parts(GEOSContextHandle_t h, const struct rlayer *l,
                               int check_all)
{
    size_t cap = 256, n = 0;
    GEOSGeometry **parts = malloc(cap * sizeof *parts);
    for (size_t i = 0; parts && i < l->layer->nfeatures; i++) {
        const GEOSGeometry *g = l->layer->features[i].geom;
        if (!g || !(l->gc.flags[i] & PC_GC_POLYGONAL))
            continue;
        GEOSGeometry *fixed = NULL;
        if ((l->gc.flags[i] & PC_GC_INVALID) ||
            (check_all && GEOSisValid_r(h, g) != 1)) {
            fixed = pc_polygonal_part(h, GEOSMakeValid_r(h, g));
            if (!fixed)
                continue;
            g = fixed;
        }
        int np = GEOSGetNumGeometries_r(h, g);
        for (int p = 0; p < np; p++) {
            if (n == cap) {
                GEOSGeometry **np2 = realloc(parts, 2 * cap * sizeof *np2);
                if (!np2) {
                    free(parts);
                    parts = NULL;
                    break;
                }
                parts = np2;
                cap *= 2;
            }
            if (parts)
                parts[n++] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, g, p));
        }
        if (fixed)
            GEOSGeom_destroy_r(h, fixed);
    }
    if (!parts)
        return NULL;
    GEOSGeometry *c = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts,
                                                  (unsigned int)n);
    free(parts);
    return c;
}

/* 1 when `hole` (a polygon) is exactly a hole of one input polygon. */
static int is_single_hole(GEOSContextHandle_t h, const struct rlayer *l,
                          const GEOSGeometry *hole)
{
    double hb[4];
    GEOSGeom_getXMin_r(h, hole, &hb[0]);
    GEOSGeom_getYMin_r(h, hole, &hb[1]);
    GEOSGeom_getXMax_r(h, hole, &hb[2]);
    GEOSGeom_getYMax_r(h, hole, &hb[3]);
    for (size_t i = 0; i < l->layer->nfeatures; i++) {
        const double *b = l->gc.bbox + 4 * i;
        if (!(l->gc.flags[i] & PC_GC_POLYGONAL) || b[0] > hb[0] ||
            b[1] > hb[1] || b[2] < hb[2] || b[3] < hb[3])
            continue;
        const GEOSGeometry *g = l->layer->features[i].geom;
        int np = GEOSGetNumGeometries_r(h, g);
        for (int p = 0; p < np; p++) {
            const GEOSGeometry *poly = GEOSGetGeometryN_r(h, g, p);
            int nh = GEOSGetNumInteriorRings_r(h, poly);
            for (int k = 0; k < nh; k++) {
                GEOSGeometry *ring = GEOSGeom_clone_r(
                    h, GEOSGetInteriorRingN_r(h, poly, k));
                GEOSGeometry *hp = ring ? GEOSGeom_createPolygon_r(h, ring, NULL, 0)
                                        : NULL;
                int eq = hp && GEOSEquals_r(h, hp, hole) == 1;
                if (hp)
                    GEOSGeom_destroy_r(h, hp);
                if (eq)
                    return 1;
            }
        }
    }
    return 0;
}

/* Appends a gap finding for polygon `gap` (taken over) if it passes the
 * thresholds; names the neighbouring features in the message. */
static pc_status add_gap(pc_ctx *ctx, pc_rules *r, const struct rlayer *l,
                         GEOSGeometry *gap, const pc_gap_opts *o,
                         const char *kind, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    double area;
    pc_status st = pc_area_calc_area(ctx, r->calc, gap, r->method, &area);
    if (st != PC_OK || !(area > o->min_area_m2) ||
        (o->max_area_m2 > 0 && area > o->max_area_m2)) {
        GEOSGeom_destroy_r(h, gap);
        return st;
    }
    double perim = 0, planar = 0;
    GEOSLength_r(h, gap, &perim);
    GEOSArea_r(h, gap, &planar);
    double width = pc_equivalent_width(planar, perim);
    if (o->max_width_m > 0 && !(width <= o->max_width_m)) {
        GEOSGeom_destroy_r(h, gap);
        return PC_OK;
    }
    char near[512] = "";
    int nn = 0;
    for (size_t i = 0; i < l->layer->nfeatures && nn < 6; i++) {
        const GEOSGeometry *g = l->layer->features[i].geom;
        if (!g || !(l->gc.flags[i] & PC_GC_POLYGONAL))
            continue;
        if (GEOSIntersects_r(h, g, gap) != 1)
            continue;
        char key[128];
        size_t len = strlen(near);
        if (nn == 5) {
            snprintf(near + len, sizeof near - len, ", ...");
        } else {
            pc_rules_key(l, i, key, sizeof key);
            snprintf(near + len, sizeof near - len, "%s%s", nn ? ", " : "", key);
        }
        nn++;
    }
    /* a stable key from where the gap is, to the centimetre */
    GEOSGeometry *pt = GEOSPointOnSurface_r(h, gap);
    double x = 0, y = 0;
    if (pt) {
        GEOSGeomGetX_r(h, pt, &x);
        GEOSGeomGetY_r(h, pt, &y);
        GEOSGeom_destroy_r(h, pt);
    }
    char key[96], msg[1024];
    snprintf(key, sizeof key, "@%.2f,%.2f", x, y);
    pc_finding fd = pc_finding_init("gap", o->severity);
    fd.layer = l->id;
    fd.key = key;
    fd.geom = gap;
    fd.measured_m2 = area;
    fd.method = (char *)pc_area_method_name(r->method);
    fd.message = msg;
    snprintf(msg, sizeof msg, "%s of %.2f m2 (%s), %.2f m wide, next to %s",
             kind, area, pc_area_method_name(r->method), width,
             near[0] ? near : "no feature");
    return pc_findings_add(ctx, out, &fd);
}

/* The holes of the union's polygons, less what other union parts fill
 * (a parcel lying inside a gap is a separate part of the union) and less
 * the holes of single polygons. */
static pc_status union_holes(pc_ctx *ctx, pc_rules *r, const struct rlayer *l,
                             const GEOSGeometry *u, const pc_gap_opts *o,
                             pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    int n = GEOSGetNumGeometries_r(h, u);
    double *bb = malloc((n > 0 ? (size_t)n : 1) * 4 * sizeof *bb);
    if (!bb)
        return PC_OOM(ctx);
    for (int p = 0; p < n; p++) {
        const GEOSGeometry *g = GEOSGetGeometryN_r(h, u, p);
        GEOSGeom_getXMin_r(h, g, &bb[4 * p]);
        GEOSGeom_getYMin_r(h, g, &bb[4 * p + 1]);
        GEOSGeom_getXMax_r(h, g, &bb[4 * p + 2]);
        GEOSGeom_getYMax_r(h, g, &bb[4 * p + 3]);
    }
    pc_status st = PC_OK;
    for (int p = 0; p < n && st == PC_OK; p++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, u, p);
        if (GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON)
            continue;
        int nh = GEOSGetNumInteriorRings_r(h, poly);
        for (int k = 0; k < nh && st == PC_OK; k++) {
            GEOSGeometry *ring = GEOSGeom_clone_r(h, GEOSGetInteriorRingN_r(h, poly, k));
            GEOSGeometry *hole = ring ? GEOSGeom_createPolygon_r(h, ring, NULL, 0)
                                      : NULL;
            if (!hole) {
                st = PC_OOM(ctx);
                break;
            }
            if (is_single_hole(h, l, hole)) {
                GEOSGeom_destroy_r(h, hole);
                continue;
            }
            double hb[4];
            GEOSGeom_getXMin_r(h, hole, &hb[0]);
            GEOSGeom_getYMin_r(h, hole, &hb[1]);
            GEOSGeom_getXMax_r(h, hole, &hb[2]);
            GEOSGeom_getYMax_r(h, hole, &hb[3]);
            for (int q = 0; q < n && hole; q++) {
                const double *b = bb + 4 * q;
                if (q == p || b[0] < hb[0] || b[1] < hb[1] || b[2] > hb[2] ||
                    b[3] > hb[3])
                    continue;
                GEOSGeometry *d = GEOSDifference_r(h, hole, GEOSGetGeometryN_r(h, u, q));
                GEOSGeom_destroy_r(h, hole);
                hole = pc_polygonal_part(h, d);
            }
            if (!hole)
                continue; /* filled entirely */
            st = add_gap(ctx, r, l, hole, o, "gap", out);
        }
    }
    free(bb);
    return st;
}

pc_status pc_rules_gaps(pc_ctx *ctx, pc_rules *r, int layer, int boundary,
                        const pc_gap_opts *o, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    struct rlayer *l = &r->layers[layer];
    pc_status st;
    if ((st = pc_rules_need_cache(ctx, r, layer)) != PC_OK)
        return st;
    if (r->progress && !r->progress(0.0, "gaps", r->progress_arg))
        return pc_error(ctx, PC_ERR_INTERNAL, "interrupted");
    GEOSGeometry *u = NULL;
    for (int check_all = 0; check_all < 2 && !u; check_all++) {
        /* first as flagged by the validity rule; if GEOS still fails, with
         * every invalid polygon made valid */
        GEOSGeometry *parts = all_parts(h, l, check_all);
        u = parts ? GEOSUnaryUnion_r(h, parts) : NULL;
        if (parts)
            GEOSGeom_destroy_r(h, parts);
    }
    if (!u)
        return pc_error(ctx, PC_ERR_INTERNAL, "layer %s: union for the gap "
                        "rule failed: %s", l->id, pc_ctx_geos_message(ctx));
    if (boundary < 0) {
        st = union_holes(ctx, r, l, u, o, out);
    } else {
        /* Against a boundary: every part of it the layer leaves uncovered,
         * enclosed holes included (so they are not reported twice), less
         * the holes of single polygons. */
        struct rlayer *b = &r->layers[boundary];
        if ((st = pc_rules_need_cache(ctx, r, boundary)) != PC_OK)
            goto done;
        GEOSGeometry *bp = all_parts(h, b, 1);
        GEOSGeometry *bu = bp ? GEOSUnaryUnion_r(h, bp) : NULL;
        if (bp)
            GEOSGeom_destroy_r(h, bp);
        GEOSGeometry *d = bu ? GEOSDifference_r(h, bu, u) : NULL;
        if (bu)
            GEOSGeom_destroy_r(h, bu);
        d = pc_polygonal_part(h, d);
        int nd = d ? GEOSGetNumGeometries_r(h, d) : 0;
        for (int k = 0; k < nd && st == PC_OK; k++) {
            GEOSGeometry *g = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, d, k));
            if (!g) {
                st = PC_OOM(ctx);
                break;
            }
            if (is_single_hole(h, l, g)) {
                GEOSGeom_destroy_r(h, g);
                continue;
            }
            st = add_gap(ctx, r, l, g, o, "gap", out);
        }
        if (d)
            GEOSGeom_destroy_r(h, d);
    }
done:
    GEOSGeom_destroy_r(h, u);
    if (st == PC_OK && r->progress)
        r->progress(1.0, "gaps", r->progress_arg);
    return st;
}
