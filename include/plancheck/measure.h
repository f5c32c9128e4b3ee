/* measure.h: the measure stage: planar and ellipsoidal (geodesic) area of
 * every polygon, using PROJ's geodesic routines on the CRS's ellipsoid. */
#ifndef PLANCHECK_MEASURE_H
#define PLANCHECK_MEASURE_H

#include "layer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pc_area_method {
    PC_AREA_ELLIPSOIDAL = 0, /* geodesic area on the CRS's ellipsoid */
    PC_AREA_PLANAR           /* Cartesian area in a projected CRS */
} pc_area_method;

const char *pc_area_method_name(pc_area_method m);
int pc_area_method_parse(const char *s, pc_area_method *out); /* 0 ok */

/* An area calculator bound to one CRS: a PROJ transformation to the CRS's
 * own geographic CRS plus its ellipsoid. Not thread-safe: one per thread. */
typedef struct pc_area_calc pc_area_calc;
pc_status pc_area_calc_new(pc_ctx *ctx, const pc_crs *crs,
                           pc_area_calc **out);
void pc_area_calc_free(pc_area_calc *calc); /* NULL is a no-op */

/* Area in m² of a (multi)polygon given in the calculator's CRS; holes are
 * subtracted; points and lines give 0. Planar area in a geographic CRS is
 * refused with PC_ERR_CRS: degrees squared are not an area. */
pc_status pc_area_calc_area(pc_ctx *ctx, pc_area_calc *calc,
                            const struct GEOSGeom_t *geom,
                            pc_area_method method, double *area_m2);

/* Per-feature areas of a polygon layer, in the layer's CRS. planar[i] is NAN
 * when the CRS is geographic or the feature has no polygon; ellipsoidal[i]
 * is NAN for features without a polygon. Arrays are malloc'ed, caller
 * frees. Totals skip NANs; a method that was not asked for has NAN in
 * every slot and as its total. */
typedef struct pc_layer_areas {
    double *planar_m2;
    double *ellipsoidal_m2;
    unsigned char *polygon; /* 1 where the feature has a polygon */
    size_t n;
    double total_planar_m2;
    double total_ellipsoidal_m2;
    size_t n_polygons;
} pc_layer_areas;

/* Which areas pc_measure_layer computes. Ellipsoidal area costs about ten
 * times the planar one (every vertex through PROJ, then geodesics), so a
 * run asks only for what it will use. In a geographic CRS the ellipsoidal
 * area is always computed: it is the only area there. */
enum {
    PC_MEASURE_PLANAR = 1,
    PC_MEASURE_ELLIPSOIDAL = 2,
    PC_MEASURE_BOTH = 3,
};

pc_status pc_measure_layer(pc_ctx *ctx, const pc_layer *layer,
                           unsigned methods, pc_progress_fn progress,
                           void *progress_arg, pc_layer_areas *out);
void pc_layer_areas_clear(pc_layer_areas *areas);

#ifdef __cplusplus
}
#endif
#endif
