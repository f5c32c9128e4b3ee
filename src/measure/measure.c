/* measure.c: measure stage: planar area (GEOS) and ellipsoidal area
 * (PROJ geodesic.h, geod_polygonarea on the CRS's own ellipsoid, after
 * converting vertices to that CRS's longitude/latitude). */
#include <geodesic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "../crs/crs_internal.h"
#include "../core/parallel.h"
#include "plancheck/crs.h"
#include "plancheck/measure.h"

struct pc_area_calc {
    PJ *to_lonlat;      /* CRS -> its geodetic CRS, lon/lat order */
    struct geod_geodesic geod;
    int geographic;
    double *buf;        /* vertex scratch: x | y */
    size_t cap;
};

const char *pc_area_method_name(pc_area_method m)
{
    return m == PC_AREA_PLANAR ? "planar" : "ellipsoidal";
}

int pc_area_method_parse(const char *s, pc_area_method *out)
{
    if (s && strcmp(s, "ellipsoidal") == 0)
        *out = PC_AREA_ELLIPSOIDAL;
    else if (s && strcmp(s, "planar") == 0)
        *out = PC_AREA_PLANAR;
    else
        return -1;
    return 0;
}

pc_status pc_area_calc_new(pc_ctx *ctx, const pc_crs *crs, pc_area_calc **out)
{
    PJ_CONTEXT *pctx = pc_ctx_proj(ctx);
    *out = NULL;
    pc_area_calc *calc = calloc(1, sizeof *calc);
    if (!calc)
        return PC_OOM(ctx);
    double a, inv_f;
    pc_crs_ellipsoid(crs, &a, &inv_f);
    /* inv_f == 0 means a sphere; geod_init wants the flattening. */
    geod_init(&calc->geod, a, inv_f != 0 ? 1.0 / inv_f : 0.0);
    calc->geographic = pc_crs_is_geographic(crs);
    PJ *geo = proj_crs_get_geodetic_crs(pctx, pc_crs_pj(crs));
    PJ *op = geo ? proj_create_crs_to_crs_from_pj(pctx, pc_crs_pj(crs), geo,
                                                  NULL, NULL)
                 : NULL;
    if (op) {
        calc->to_lonlat = proj_normalize_for_visualization(pctx, op);
        proj_destroy(op);
    }
    proj_destroy(geo);
    if (!calc->to_lonlat) {
        pc_area_calc_free(calc);
        return pc_error(ctx, PC_ERR_CRS,
                        "%s: cannot convert to its own longitude/latitude for "
                        "ellipsoidal area", pc_crs_name(crs));
    }
    *out = calc;
    return PC_OK;
}

void pc_area_calc_free(pc_area_calc *calc)
{
    if (!calc)
        return;
    proj_destroy(calc->to_lonlat);
    free(calc->buf);
    free(calc);
}

/* Geodesic area (m², unsigned) enclosed by one ring. */
static pc_status ring_area(pc_ctx *ctx, pc_area_calc *calc,
                           const GEOSGeometry *ring, double *area)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    *area = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n))
        return pc_error(ctx, PC_ERR_INTERNAL, "GEOS: %s",
                        pc_ctx_geos_message(ctx));
    if (n < 4)
        return PC_OK; /* not a ring that encloses anything */
    if (2 * (size_t)n > calc->cap) {
        double *b = realloc(calc->buf, 2 * (size_t)n * sizeof *b);
        if (!b)
            return PC_OOM(ctx);
        calc->buf = b;
        calc->cap = 2 * (size_t)n;
    }
    double *x = calc->buf, *y = calc->buf + n;
    if (!GEOSCoordSeq_copyToArrays_r(h, seq, x, y, NULL, NULL))
        return pc_error(ctx, PC_ERR_INTERNAL, "GEOS: %s",
                        pc_ctx_geos_message(ctx));
    size_t done = proj_trans_generic(calc->to_lonlat, PJ_FWD, x, sizeof *x, n,
                                     y, sizeof *y, n, NULL, 0, 0, NULL, 0, 0);
    if (done != n)
        return pc_error(ctx, PC_ERR_CRS, "vertices cannot be converted to "
                        "longitude/latitude");
    for (unsigned int i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]) || fabs(y[i]) > 90)
            return pc_error(ctx, PC_ERR_CRS, "vertex %u cannot be converted "
                            "to longitude/latitude", i);
    double A, P;
    /* geod_polygonarea closes the ring itself: drop the repeated vertex. */
    geod_polygonarea(&calc->geod, y, x, (int)n - 1, &A, &P);
    *area = fabs(A);
    return PC_OK;
}

static pc_status polygon_area(pc_ctx *ctx, pc_area_calc *calc,
                              const GEOSGeometry *poly, double *area)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    double a;
    pc_status st = ring_area(ctx, calc, GEOSGetExteriorRing_r(h, poly), &a);
    if (st != PC_OK)
        return st;
    int nholes = GEOSGetNumInteriorRings_r(h, poly);
    for (int i = 0; i < nholes; i++) {
        double hole;
        if ((st = ring_area(ctx, calc, GEOSGetInteriorRingN_r(h, poly, i),
                            &hole)) != PC_OK)
            return st;
        a -= hole;
    }
    *area = a;
    return PC_OK;
}

pc_status pc_area_calc_area(pc_ctx *ctx, pc_area_calc *calc,
                            const GEOSGeometry *geom, pc_area_method method,
                            double *area_m2)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    *area_m2 = 0;
    if (!geom || GEOSisEmpty_r(h, geom) == 1)
        return PC_OK;
    int type = GEOSGeomTypeId_r(h, geom);
    if (method == PC_AREA_PLANAR) {
        if (calc->geographic)
            return pc_error(ctx, PC_ERR_CRS,
                            "planar area in a geographic CRS is refused: "
                            "reproject to a projected CRS first");
        if (!GEOSArea_r(h, geom, area_m2))
            return pc_error(ctx, PC_ERR_INTERNAL, "GEOS: %s",
                            pc_ctx_geos_message(ctx));
        return PC_OK;
    }
    if (type == GEOS_POLYGON)
        return polygon_area(ctx, calc, geom, area_m2);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, geom);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double a;
            pc_status st = pc_area_calc_area(ctx, calc,
                                             GEOSGetGeometryN_r(h, geom, i),
                                             method, &a);
            if (st != PC_OK)
                return st;
            sum += a;
        }
        *area_m2 = sum;
    }
    return PC_OK;
}

/* 1 when g is a non-empty polygon or multipolygon. */
static int is_polygonal(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    if (!g || GEOSisEmpty_r(h, g) != 0)
        return 0;
    int t = GEOSGeomTypeId_r(h, g);
    return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

struct measure_job {
    const pc_layer *layer;
    pc_layer_areas *out;
    int geographic;
    unsigned methods;
    pc_area_calc *calc[PC_MAX_THREADS]; /* per worker, made on first use */
    pc_crs *crs[PC_MAX_THREADS];        /* the layer CRS in that worker's
                                           PROJ context */
};

static pc_status measure_chunk(pc_ctx *ctx, int worker, size_t first,
                               size_t count, void *arg, pc_findings *found)
{
    struct measure_job *job = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_layer *layer = job->layer;
    pc_status st;
    (void)found;
    int ell = job->methods & PC_MEASURE_ELLIPSOIDAL;
    int planar = (job->methods & PC_MEASURE_PLANAR) && !job->geographic;
    if (ell && !job->calc[worker]) {
        if ((st = pc_crs_clone(ctx, layer->crs, &job->crs[worker])) != PC_OK ||
            (st = pc_area_calc_new(ctx, job->crs[worker], &job->calc[worker])) !=
                PC_OK)
            return st;
    }
    for (size_t i = first; i < first + count; i++) {
        const GEOSGeometry *g = layer->features[i].geom;
        job->out->planar_m2[i] = NAN;
        job->out->ellipsoidal_m2[i] = NAN;
        if (!is_polygonal(h, g))
            continue;
        double a;
        job->out->polygon[i] = 1;
        if (ell && (st = pc_area_calc_area(ctx, job->calc[worker], g,
                                           PC_AREA_ELLIPSOIDAL, &a)) != PC_OK)
            return pc_error_prefix(ctx, st, "%s: layer '%s': feature %lld",
                                   layer->source, layer->source_layer,
                                   (long long)layer->features[i].fid);
        if (ell)
            job->out->ellipsoidal_m2[i] = a;
        if (planar) {
            if (!GEOSArea_r(h, g, &a))
                return pc_error(ctx, PC_ERR_INTERNAL, "GEOS: %s",
                                pc_ctx_geos_message(ctx));
            job->out->planar_m2[i] = a;
        }
    }
    return PC_OK;
}

/* Frees a worker's PROJ objects while its context still lives. */
static void measure_done(pc_ctx *ctx, int worker, void *arg)
{
    struct measure_job *job = arg;
    (void)ctx;
    pc_area_calc_free(job->calc[worker]);
    pc_crs_free(job->crs[worker]);
    job->calc[worker] = NULL;
    job->crs[worker] = NULL;
}

pc_status pc_measure_layer(pc_ctx *ctx, const pc_layer *layer,
                           unsigned methods, pc_progress_fn progress,
                           void *progress_arg, pc_layer_areas *out)
{
    memset(out, 0, sizeof *out);
    if (!layer->crs)
        return pc_error(ctx, PC_ERR_CRS, "%s: layer '%s' has no CRS: cannot "
                        "measure areas", layer->source, layer->source_layer);
    size_t n = layer->nfeatures;
    out->n = n;
    out->planar_m2 = malloc((n ? n : 1) * sizeof *out->planar_m2);
    out->ellipsoidal_m2 = malloc((n ? n : 1) * sizeof *out->ellipsoidal_m2);
    out->polygon = calloc(n ? n : 1, 1);
    struct measure_job *job = calloc(1, sizeof *job);
    pc_status st = PC_OK;
    if (!out->planar_m2 || !out->ellipsoidal_m2 || !out->polygon || !job) {
        st = PC_OOM(ctx);
        goto done;
    }
    job->layer = layer;
    job->out = out;
    job->geographic = pc_crs_is_geographic(layer->crs);
    job->methods = methods & PC_MEASURE_BOTH;
    if (job->geographic || !job->methods)
        job->methods |= PC_MEASURE_ELLIPSOIDAL;
    /* no findings come out of this job; the list only satisfies the pool */
    pc_findings none = {0};
    st = pc_parallel_ex(ctx, n, 0, measure_chunk, measure_done, job, progress,
                        progress_arg, "measuring", &none);
    pc_findings_clear(ctx, &none);
    for (size_t i = 0; st == PC_OK && i < n; i++) {
        if (!out->polygon[i])
            continue;
        out->n_polygons++;
        if (!isnan(out->ellipsoidal_m2[i]))
            out->total_ellipsoidal_m2 += out->ellipsoidal_m2[i];
        if (!isnan(out->planar_m2[i]))
            out->total_planar_m2 += out->planar_m2[i];
    }
    if (!(job->methods & PC_MEASURE_ELLIPSOIDAL))
        out->total_ellipsoidal_m2 = NAN;
    if (!(job->methods & PC_MEASURE_PLANAR) || job->geographic)
        out->total_planar_m2 = NAN;
done:
    free(job);
    if (st != PC_OK)
        pc_layer_areas_clear(out);
    return st;
}

void pc_layer_areas_clear(pc_layer_areas *areas)
{
    free(areas->planar_m2);
    free(areas->ellipsoidal_m2);
    free(areas->polygon);
    memset(areas, 0, sizeof *areas);
}
