/* crs.c: CRS stage: CRS objects, reprojection to the working CRS and the
 * coordinate sanity checks. Always PROJ's "normalized for visualization"
 * order: x = easting/longitude, y = northing/latitude, whatever the CRS's
 * own axis order (EPSG:4549 defines northing first). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proj.h>

#include "../core/internal.h"
#include "crs_internal.h"

struct pc_crs {
    PJ *pj;          /* as created (may be a BoundCRS from WKT1 TOWGS84) */
    PJ *base;        /* pj without the bound wrapper; owned separately */
    char *name;
    char auth[64];   /* "EPSG:4549" or "" */
    int geographic;
    int projected;
    char axis_defined[64];
    char axis_used[64];
    char *ellps_name;
    double a, inv_f;
    char *wkt;
};

void pc_crs_free(pc_crs *crs)
{
    if (!crs)
        return;
    proj_destroy(crs->base);
    proj_destroy(crs->pj);
    free(crs->name);
    free(crs->ellps_name);
    free(crs->wkt);
    free(crs);
}

/* Fills the identification (authority code) of a CRS: its own id when it
 * carries one, else the best EPSG match PROJ finds at >= 70 % confidence
 * (Shapefile .prj files carry no id but name EPSG CRSs exactly). */
static void identify(PJ_CONTEXT *pctx, pc_crs *crs)
{
    const char *auth = proj_get_id_auth_name(crs->base, 0);
    const char *code = proj_get_id_code(crs->base, 0);
    if (auth && code) {
        snprintf(crs->auth, sizeof crs->auth, "%s:%s", auth, code);
        return;
    }
    int *confidence = NULL;
    PJ_OBJ_LIST *list = proj_identify(pctx, crs->base, "EPSG", NULL, &confidence);
    if (list && proj_list_get_count(list) > 0 && confidence[0] >= 70) {
        PJ *best = proj_list_get(pctx, list, 0);
        auth = proj_get_id_auth_name(best, 0);
        code = proj_get_id_code(best, 0);
        if (auth && code)
            snprintf(crs->auth, sizeof crs->auth, "%s:%s", auth, code);
        proj_destroy(best);
    }
    proj_int_list_destroy(confidence);
    proj_list_destroy(list);
}

/* Describes the axis order of the CRS's coordinate system. */
static void describe_axes(PJ_CONTEXT *pctx, pc_crs *crs)
{
    PJ *cs = proj_crs_get_coordinate_system(pctx, crs->base);
    int n = cs ? proj_cs_get_axis_count(pctx, cs) : 0;
    crs->axis_defined[0] = '\0';
    for (int i = 0; i < n && i < 3; i++) {
        const char *dir = NULL;
        if (!proj_cs_get_axis_info(pctx, cs, i, NULL, NULL, &dir, NULL, NULL,
                                   NULL, NULL))
            continue;
        const char *word = dir;
        if (dir && strcmp(dir, "north") == 0)
            word = crs->geographic ? "latitude" : "northing";
        else if (dir && strcmp(dir, "east") == 0)
            word = crs->geographic ? "longitude" : "easting";
        size_t len = strlen(crs->axis_defined);
        snprintf(crs->axis_defined + len, sizeof crs->axis_defined - len,
                 "%s%s", i ? "," : "", word ? word : "?");
    }
    proj_destroy(cs);
    snprintf(crs->axis_used, sizeof crs->axis_used, "%s",
             crs->geographic ? "longitude,latitude" : "easting,northing");
}

static pc_status crs_wrap(pc_ctx *ctx, PJ *pj, const char *what, pc_crs **out)
{
    PJ_CONTEXT *pctx = pc_ctx_proj(ctx);
    pc_crs *crs = calloc(1, sizeof *crs);
    if (!crs) {
        proj_destroy(pj);
        return PC_OOM(ctx);
    }
    crs->pj = pj;
    PJ_TYPE type = proj_get_type(pj);
    crs->base = type == PJ_TYPE_BOUND_CRS ? proj_get_source_crs(pctx, pj)
                                          : proj_clone(pctx, pj);
    if (!crs->base) {
        pc_crs_free(crs);
        return pc_error(ctx, PC_ERR_CRS, "%s: cannot use this CRS", what);
    }
    type = proj_get_type(crs->base);
    crs->geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
                      type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
    crs->projected = type == PJ_TYPE_PROJECTED_CRS;
    if (!crs->geographic && !crs->projected) {
        pc_crs_free(crs);
        return pc_error(ctx, PC_ERR_CRS,
                        "%s: CRS is neither geographic nor projected "
                        "(compound, geocentric or engineering CRSs are not "
                        "supported)", what);
    }
    crs->name = pc_strdup(proj_get_name(crs->base));
    identify(pctx, crs);
    describe_axes(pctx, crs);
    PJ *ell = proj_get_ellipsoid(pctx, crs->base);
    if (ell) {
        double b;
        int computed;
        proj_ellipsoid_get_parameters(pctx, ell, &crs->a, &b, &computed,
                                      &crs->inv_f);
        crs->ellps_name = pc_strdup(proj_get_name(ell));
        proj_destroy(ell);
    }
    const char *wkt = proj_as_wkt(pctx, crs->base, PJ_WKT2_2019, NULL);
    crs->wkt = pc_strdup(wkt);
    if (!crs->name || !crs->wkt || !crs->ellps_name || crs->a <= 0) {
        pc_crs_free(crs);
        return pc_error(ctx, PC_ERR_CRS, "%s: CRS has no usable ellipsoid",
                        what);
    }
    *out = crs;
    return PC_OK;
}

pc_status pc_crs_from_string(pc_ctx *ctx, const char *definition,
                             const char *what, pc_crs **out)
{
    PJ_CONTEXT *pctx = pc_ctx_proj(ctx);
    *out = NULL;
    if (!definition || !*definition)
        return pc_error(ctx, PC_ERR_CRS, "%s: empty CRS definition", what);
    PJ *pj = proj_create(pctx, definition);
    if (!pj) {
        int err = proj_context_errno(pctx);
        return pc_error(ctx, PC_ERR_CRS,
                        "%s: unknown CRS '%.80s' (%s); expected e.g. EPSG:4549",
                        what, definition, proj_context_errno_string(pctx, err));
    }
    if (!proj_is_crs(pj)) {
        proj_destroy(pj);
        return pc_error(ctx, PC_ERR_CRS, "%s: '%.80s' is not a CRS", what,
                        definition);
    }
    return crs_wrap(ctx, pj, what, out);
}

pc_status pc_crs_clone(pc_ctx *ctx, const pc_crs *crs, pc_crs **out)
{
    PJ *pj = proj_clone(pc_ctx_proj(ctx), crs->pj);
    if (!pj)
        return PC_OOM(ctx);
    return crs_wrap(ctx, pj, crs->name, out);
}

const char *pc_crs_name(const pc_crs *crs) { return crs->name; }
const char *pc_crs_authority(const pc_crs *crs) { return crs->auth[0] ? crs->auth : NULL; }
int pc_crs_is_geographic(const pc_crs *crs) { return crs->geographic; }
int pc_crs_is_projected(const pc_crs *crs) { return crs->projected; }
const char *pc_crs_axis_order_defined(const pc_crs *crs) { return crs->axis_defined; }
const char *pc_crs_axis_order_used(const pc_crs *crs) { return crs->axis_used; }
const char *pc_crs_wkt(const pc_crs *crs) { return crs->wkt; }

const char *pc_crs_ellipsoid(const pc_crs *crs, double *a, double *inv_f)
{
    if (a)
        *a = crs->a;
    if (inv_f)
        *inv_f = crs->inv_f;
    return crs->ellps_name;
}

PJ *pc_crs_pj(const pc_crs *crs) { return crs->base; }

int pc_crs_equivalent(pc_ctx *ctx, const pc_crs *a, const pc_crs *b)
{
    /* Compare in traditional GIS order on both sides: a .prj of EPSG:4549
     * (easting first) and EPSG:4549 itself (northing first) are the same
     * CRS for plancheck, whose coordinates are always easting first. */
    PJ_CONTEXT *pctx = pc_ctx_proj(ctx);
    PJ *na = proj_normalize_for_visualization(pctx, a->base);
    PJ *nb = proj_normalize_for_visualization(pctx, b->base);
    int eq = na && nb &&
             proj_is_equivalent_to_with_ctx(pctx, na, nb, PJ_COMP_EQUIVALENT);
    proj_destroy(na);
    proj_destroy(nb);
    return eq;
}

/* A transformation between two CRSs in traditional GIS order. */
static PJ *make_transform(pc_ctx *ctx, const PJ *from, const PJ *to)
{
    PJ_CONTEXT *pctx = pc_ctx_proj(ctx);
    PJ *op = proj_create_crs_to_crs_from_pj(pctx, from, to, NULL, NULL);
    if (!op)
        return NULL;
    PJ *norm = proj_normalize_for_visualization(pctx, op);
    proj_destroy(op);
    return norm;
}

/* Drops a feature's geometry for coordinates the CRS cannot hold; the
 * other stages then treat it as a feature without geometry, and the run
 * reports it (finding crs.outside) instead of failing on it. */
static pc_status drop_geometry(pc_ctx *ctx, pc_feature *f, char *why)
{
    if (!why)
        return PC_OOM(ctx);
    GEOSGeom_destroy_r(pc_ctx_geos(ctx), f->geom);
    f->geom = NULL;
    free(f->geom_error);
    f->geom_error = why;
    f->outside_crs = 1;
    return PC_OK;
}

/* 1 when (x, y) converts to a finite longitude/latitude through `op` and
 * back to itself: far outside its domain a projection's inverse still
 * returns finite nonsense (a northing of 1e300 in EPSG:4549 gives 63.5N
 * 119.6W), which only the round trip exposes. */
static int converts(PJ *op, double x, double y)
{
    if (!isfinite(x) || !isfinite(y))
        return 0;
    PJ_COORD c = proj_trans(op, PJ_FWD, proj_coord(x, y, 0, 0));
    if (c.xy.x == HUGE_VAL || !isfinite(c.xy.x) || !isfinite(c.xy.y) ||
        fabs(c.xy.y) > 90 || fabs(c.xy.x) > 540)
        return 0;
    PJ_COORD back = proj_trans(op, PJ_INV, c);
    double tol_x = 1e-6 * fmax(1, fabs(x)), dx = fabs(back.xy.x - x);
    if (fabs(back.xy.y - y) > 1e-6 * fmax(1, fabs(y)))
        return 0;
    if (dx <= tol_x)
        return 1;
    /* PROJ wraps longitudes into ±180: past the antimeridian a cylindrical
     * projection (Web Mercator beyond 20037508 m) comes back one period
     * away, which is the same place */
    PJ_COORD e = proj_trans(op, PJ_INV, proj_coord(180, c.xy.y, 0, 0));
    PJ_COORD w = proj_trans(op, PJ_INV, proj_coord(-180, c.xy.y, 0, 0));
    double period = fabs(e.xy.x - w.xy.x);
    return isfinite(period) && e.xy.x != HUGE_VAL && w.xy.x != HUGE_VAL &&
           period > 0 && fabs(dx - period) <= tol_x;
}

/* 1 when the four corners of the box convert; else the first corner that
 * does not in *bad. The projections plancheck meets (transverse Mercator,
 * geographic) fail in bands away from their origin, so a box whose corners
 * convert converts inside: a box costs four conversions, not one per
 * vertex. */
static int box_converts(PJ *op, const double b[4], double bad[2])
{
    const double xs[4] = {b[0], b[2], b[2], b[0]};
    const double ys[4] = {b[1], b[1], b[3], b[3]};
    for (int k = 0; k < 4; k++)
        if (!converts(op, xs[k], ys[k])) {
            bad[0] = xs[k];
            bad[1] = ys[k];
            return 0;
        }
    return 1;
}

/* The operation from a CRS to its own longitude/latitude. */
static PJ *to_lonlat(pc_ctx *ctx, const pc_crs *crs)
{
    PJ *geo = proj_crs_get_geodetic_crs(pc_ctx_proj(ctx), crs->base);
    PJ *op = geo ? make_transform(ctx, crs->base, geo) : NULL;
    proj_destroy(geo);
    return op;
}

/* 1 when every coordinate of `g` is a finite number. GEOS leaves NaN out
 * of a geometry's envelope, so a box check alone would let one through. */
static int coords_finite(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        if (!coords_finite(h, GEOSGetExteriorRing_r(h, g)))
            return 0;
        int n = GEOSGetNumInteriorRings_r(h, g);
        for (int k = 0; k < n; k++)
            if (!coords_finite(h, GEOSGetInteriorRingN_r(h, g, k)))
                return 0;
        return 1;
    }
    if (type == GEOS_POINT || type == GEOS_LINESTRING ||
        type == GEOS_LINEARRING) {
        const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, g);
        unsigned int n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n))
            return 0;
        for (unsigned int k = 0; k < n; k++) {
            double x, y;
            if (!GEOSCoordSeq_getXY_r(h, seq, k, &x, &y) || !isfinite(x) ||
                !isfinite(y))
                return 0;
        }
        return 1;
    }
    int n = GEOSGetNumGeometries_r(h, g);
    for (int k = 0; k < n; k++)
        if (!coords_finite(h, GEOSGetGeometryN_r(h, g, k)))
            return 0;
    return 1;
}

pc_status pc_crs_screen_layer(pc_ctx *ctx, pc_layer *layer, const char *what,
                              size_t *dropped)
{
    *dropped = 0;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    if (!layer->crs)
        return PC_OK;
    PJ *op = to_lonlat(ctx, layer->crs);
    if (!op)
        return pc_error(ctx, PC_ERR_CRS, "%s: %s has no longitude/latitude "
                        "to check coordinates against", what, layer->crs->name);
    const char *code = layer->crs->auth[0] ? layer->crs->auth
                                           : layer->crs->name;
    double bad[2];
    /* the common case: the whole layer's box converts, and only NaN and
     * infinity, which boxes leave out, remain to be looked for */
    int boxes = !(layer->has_extent && box_converts(op, layer->extent, bad));
    size_t n = layer->nfeatures, with_geom = 0, failed = 0, nonfinite = 0;
    size_t first = SIZE_MAX; /* the first feature outside (not NaN) */
    char **why = NULL;
    pc_status st = PC_OK;
    for (size_t i = 0; i < n && st == PC_OK; i++) {
        const GEOSGeometry *g = layer->features[i].geom;
        if (!g || GEOSisEmpty_r(h, g) != 0)
            continue;
        with_geom++;
        double b[4], at[2];
        char *w = NULL;
        if (!coords_finite(h, g)) {
            nonfinite++;
            w = pc_aprintf("coordinates that are not finite numbers (NaN or "
                           "infinity) cannot be placed in %s", code);
        } else if (boxes) {
            if (!pc_geom_bbox(h, g, b))
                continue;
            if (box_converts(op, b, at))
                continue;
            w = pc_aprintf("coordinates outside %s: (%.6g, %.6g) does not "
                           "convert to longitude/latitude", code, at[0], at[1]);
            if (first == SIZE_MAX)
                first = i;
        } else {
            continue;
        }
        if (!why && !(why = calloc(n, sizeof *why))) {
            free(w);
            st = PC_OOM(ctx);
            break;
        }
        if (!w) {
            st = PC_OOM(ctx);
            break;
        }
        failed++;
        why[i] = w;
    }
    proj_destroy(op);
    if (st == PC_OK && failed > nonfinite && failed == with_geom) {
        /* every feature, and not for NaN alone, which is a data problem:
         * the declared CRS is what is wrong */
        if (!layer->has_extent ||
            (st = pc_crs_check_extent(ctx, layer->crs, layer->extent, what)) ==
                PC_OK)
            st = pc_error(ctx, PC_ERR_CRS, "%s: no feature can be placed: "
                          "fid %lld: %s", what,
                          (long long)layer->features[first].fid, why[first]);
    }
    for (size_t i = 0; why && i < n; i++) {
        if (why[i] && st == PC_OK) {
            st = drop_geometry(ctx, &layer->features[i], why[i]);
            why[i] = NULL;
        }
        free(why[i]);
    }
    free(why);
    if (st == PC_OK && failed) {
        *dropped = failed;
        pc_layer_update_extent(ctx, layer);
    }
    return st;
}

struct xy_job {
    PJ *op;
    int failed;
    double at[2]; /* the first point that failed */
};

/* GEOS coordinate callback: one point through PROJ. */
static int transform_xy(double *x, double *y, void *userdata)
{
    struct xy_job *job = userdata;
    PJ_COORD c = proj_coord(*x, *y, 0, 0);
    c = proj_trans(job->op, PJ_FWD, c);
    if (c.xy.x == HUGE_VAL || !isfinite(c.xy.x) || !isfinite(c.xy.y)) {
        job->failed = 1;
        job->at[0] = *x;
        job->at[1] = *y;
        return 0;
    }
    *x = c.xy.x;
    *y = c.xy.y;
    return 1;
}

pc_status pc_crs_reproject_layer(pc_ctx *ctx, pc_layer *layer,
                                 const pc_crs *to, size_t *dropped)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    *dropped = 0;
    if (!layer->crs)
        return pc_error(ctx, PC_ERR_CRS,
                        "%s: layer '%s' has no CRS and the plan gives none "
                        "(add `crs:` to the layer in the plan file)",
                        layer->source, layer->source_layer);
    if (pc_crs_equivalent(ctx, layer->crs, to))
        return PC_OK;
    PJ *op = make_transform(ctx, layer->crs->base, to->base);
    if (!op)
        return pc_error(ctx, PC_ERR_CRS,
                        "%s: layer '%s': no transformation from %s to %s",
                        layer->source, layer->source_layer, layer->crs->name,
                        to->name);
    pc_status st = PC_OK;
    for (size_t i = 0; i < layer->nfeatures && st == PC_OK; i++) {
        pc_feature *f = &layer->features[i];
        if (!f->geom)
            continue;
        struct xy_job job = {op, 0, {NAN, NAN}};
        GEOSGeometry *g = GEOSGeom_transformXY_r(h, f->geom, transform_xy, &job);
        if (!g) {
            if (!job.failed) {
                st = pc_error(ctx, PC_ERR_INTERNAL, "GEOS: %s",
                              pc_ctx_geos_message(ctx));
                break;
            }
            st = drop_geometry(
                ctx, f,
                pc_aprintf("coordinates outside what the transformation "
                           "from %s to %s can take: (%.6g, %.6g)",
                           layer->crs->auth[0] ? layer->crs->auth
                                               : layer->crs->name,
                           to->auth[0] ? to->auth : to->name, job.at[0],
                           job.at[1]));
            ++*dropped;
            continue;
        }
        GEOSGeom_destroy_r(h, f->geom);
        f->geom = g;
    }
    proj_destroy(op);
    if (st != PC_OK)
        return st;
    pc_crs *copy;
    if ((st = pc_crs_clone(ctx, to, &copy)) != PC_OK)
        return st;
    pc_crs_free(layer->crs);
    layer->crs = copy;
    layer->crs_from_plan = 0;
    pc_layer_update_extent(ctx, layer);
    return PC_OK;
}

/* Extent -> lon/lat extent; 1 on success. */
static int lonlat_bounds(pc_ctx *ctx, const pc_crs *crs, const double e[4],
                         double ll[4])
{
    PJ *op = to_lonlat(ctx, crs);
    double bad[2];
    /* proj_trans_bounds skips the edge points that fail: the corners must
     * all convert */
    int ok = op && box_converts(op, e, bad) && proj_trans_bounds(pc_ctx_proj(ctx), op, PJ_FWD, e[0], e[1],
                                     e[2], e[3], &ll[0], &ll[1], &ll[2],
                                     &ll[3], 21);
    proj_destroy(op);
    return ok && isfinite(ll[0]) && isfinite(ll[1]) && isfinite(ll[2]) &&
           isfinite(ll[3]);
}

pc_status pc_crs_extent_lonlat(pc_ctx *ctx, const pc_crs *crs,
                               const double extent[4], double lonlat[4])
{
    if (!lonlat_bounds(ctx, crs, extent, lonlat))
        return pc_error(ctx, PC_ERR_CRS,
                        "extent cannot be converted from %s to longitude/latitude",
                        crs->name);
    return PC_OK;
}

/* False easting of a projected CRS (0 when PROJ cannot tell). */
static double false_easting(pc_ctx *ctx, const pc_crs *crs)
{
    PJ_CONTEXT *pctx = pc_ctx_proj(ctx);
    PJ *conv = proj_crs_get_coordoperation(pctx, crs->base);
    double fe = 0;
    if (conv) {
        int n = proj_coordoperation_get_param_count(pctx, conv);
        for (int i = 0; i < n; i++) {
            const char *name = NULL;
            double value;
            if (proj_coordoperation_get_param(pctx, conv, i, &name, NULL, NULL,
                                              &value, NULL, NULL, NULL, NULL,
                                              NULL, NULL) &&
                name && strcmp(name, "False easting") == 0)
                fe = value;
        }
        proj_destroy(conv);
    }
    return fe;
}

/* The area of use of a CRS (w, s, e, n), or 0 when PROJ has none. */
static int area_of_use(pc_ctx *ctx, const pc_crs *crs, double aou[4],
                       const char **name)
{
    PJ_CONTEXT *pctx = pc_ctx_proj(ctx);
    if (!proj_get_area_of_use(pctx, crs->base, &aou[0], &aou[1], &aou[2],
                              &aou[3], name) ||
        aou[0] == -1000) {
        /* a custom .prj (a city grid) has none: its datum's will do */
        PJ *geo = proj_crs_get_geodetic_crs(pctx, crs->base);
        int ok = geo && proj_get_area_of_use(pctx, geo, &aou[0], &aou[1],
                                             &aou[2], &aou[3], name) &&
                 aou[0] != -1000;
        proj_destroy(geo);
        if (!ok)
            return 0;
    }
    if (aou[0] > aou[2])
        aou[2] += 360; /* across the antimeridian */
    return 1;
}

/* 1 when the extent converts to lon/lat (into ll) and lies inside the area
 * of use, with a margin: data often spill over a zone. */
static int fits(pc_ctx *ctx, const pc_crs *crs, const double aou[4],
                const double e[4], double ll[4])
{
    const double margin = 2.0; /* degrees */
    if (!lonlat_bounds(ctx, crs, e, ll) || ll[3] < aou[1] - margin ||
        ll[1] > aou[3] + margin)
        return 0;
    /* an area of use across the antimeridian runs past 180 (aou[2] > 180),
     * longitudes stop at it: west of the area may mean east of 180 */
    for (double shift = 0; shift <= 360; shift += 360)
        if (ll[2] + shift >= aou[0] - margin && ll[0] + shift <= aou[2] + margin)
            return 1;
    return 0;
}

/* The remedy every contradiction ends with. */
#define CRS_REMEDY "; correct the data's CRS, or give the right one with " \
                   "`assign_crs:` on the layer in the plan (`plancheck " \
                   "check --assign-crs`)"

pc_status pc_crs_check_extent(pc_ctx *ctx, const pc_crs *crs,
                              const double e[4], const char *what)
{
    const char *code = crs->auth[0] ? crs->auth : crs->name;
    double aou[4], ll[4];
    const char *area = NULL;
    int have_aou = area_of_use(ctx, crs, aou, &area);
    /* inside the area of use, or no area to be outside of */
    int inside = !have_aou || fits(ctx, crs, aou, e, ll);
    if (!inside) {
        const double sw[4] = {e[1], e[0], e[3], e[2]};
        double sll[4];
        if (fits(ctx, crs, aou, sw, sll))
            return pc_error(ctx, PC_ERR_CRS,
                            "%s: x and y look swapped: (x %.6g..%.6g, y "
                            "%.6g..%.6g) lies outside the area of use of the "
                            "declared CRS %s, and inside it once swapped "
                            "(expected x = %s)%s",
                            what, e[0], e[2], e[1], e[3], code,
                            crs->geographic ? "longitude" : "easting",
                            CRS_REMEDY);
    }
    if (crs->geographic) {
        if (e[0] < -180.5 || e[2] > 360.5 || e[1] < -90.5 || e[3] > 90.5)
            return pc_error(ctx, PC_ERR_CRS,
                            "%s: coordinates (x %.0f..%.0f, y %.0f..%.0f) look "
                            "projected but the declared CRS %s is geographic "
                            "(longitude/latitude)%s",
                            what, e[0], e[2], e[1], e[3], code, CRS_REMEDY);
    } else {
        if (e[0] >= -180 && e[2] <= 180 && e[1] >= -90 && e[3] <= 90) {
            /* a contradiction when, read as metres, they fall outside the
             * CRS's area; near its false origin (Web Mercator, a local grid)
             * a small plot may be metres: a warning */
            if (!inside)
                return pc_error(ctx, PC_ERR_CRS,
                                "%s: coordinates (x %.6f..%.6f, y %.6f..%.6f) "
                                "look like longitude/latitude but the declared "
                                "CRS %s is projected%s",
                                what, e[0], e[2], e[1], e[3], code, CRS_REMEDY);
            pc_warn(ctx, "%s: coordinates (x %.6f..%.6f, y %.6f..%.6f) look "
                    "like longitude/latitude but the declared CRS %s is "
                    "projected; if they are, give the right CRS with "
                    "`assign_crs:`", what, e[0], e[2], e[1], e[3], code);
            return PC_OK;
        }
        double fe = false_easting(ctx, crs);
        if (fe > 0 && fe < 1e6 && e[0] >= 1e7 && e[2] < 1e8) {
            int zone = (int)(e[0] / 1e6);
            char hint[96] = "";
            /* CGCS2000 3-degree GK zones 25..45 with the zone prefix are
             * EPSG:4513..4533. */
            if (zone >= 25 && zone <= 45)
                snprintf(hint, sizeof hint, " (e.g. EPSG:%d, CGCS2000 "
                         "3-degree zone %d with prefix)", 4513 + zone - 25, zone);
            return pc_error(ctx, PC_ERR_CRS,
                            "%s: eastings have 8 digits (%.0f..%.0f): "
                            "zone-prefixed coordinates, but the declared CRS "
                            "%s has no zone prefix (false easting %.0f); the "
                            "data's CRS is the zone-prefixed one%s%s",
                            what, e[0], e[2], code, fe, hint, CRS_REMEDY);
        }
    }
    if (!lonlat_bounds(ctx, crs, e, ll))
        return pc_error(ctx, PC_ERR_CRS, "%s: coordinates (x %.6g..%.6g, y "
                        "%.6g..%.6g) do not convert to longitude/latitude in "
                        "the declared CRS %s%s", what, e[0], e[2], e[1], e[3],
                        code, CRS_REMEDY);
    if (!inside)
        pc_warn(ctx,
                "%s: data lies at lon %.3f..%.3f, lat %.3f..%.3f, outside "
                "the area of use of the declared CRS %s (%s)",
                what, ll[0], ll[2], ll[1], ll[3], code, area ? area : "?");
    return PC_OK;
}
