/* crs.h: the CRS stage (PROJ): working CRS, reprojection with traditional
 * GIS axis order (x = easting/longitude), planar and ellipsoidal area. */
#ifndef PLANCHECK_CRS_H
#define PLANCHECK_CRS_H

#include "layer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Creates a CRS from "EPSG:4549", WKT (1 or 2), PROJJSON or a PROJ string.
 * `what` names the place it came from, for the error message. */
pc_status pc_crs_from_string(pc_ctx *ctx, const char *definition,
                             const char *what, pc_crs **out);
void pc_crs_free(pc_crs *crs); /* NULL is a no-op */
pc_status pc_crs_clone(pc_ctx *ctx, const pc_crs *crs, pc_crs **out);

const char *pc_crs_name(const pc_crs *crs);        /* e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 120E" */
/* "EPSG:4549", or NULL when PROJ cannot identify an authority code. */
const char *pc_crs_authority(const pc_crs *crs);
int pc_crs_is_geographic(const pc_crs *crs);
int pc_crs_is_projected(const pc_crs *crs);
/* Axis order as the CRS defines it, e.g. "northing,easting", and as
 * plancheck uses it ("easting,northing" or "longitude,latitude"). */
const char *pc_crs_axis_order_defined(const pc_crs *crs);
const char *pc_crs_axis_order_used(const pc_crs *crs);
/* Ellipsoid name, semi-major axis (m) and inverse flattening. */
const char *pc_crs_ellipsoid(const pc_crs *crs, double *a, double *inv_f);
/* WKT2 (borrowed) for writers that want it. */
const char *pc_crs_wkt(const pc_crs *crs);
/* 1 when both describe the same CRS (PROJ equivalence, ignoring axis order). */
int pc_crs_equivalent(pc_ctx *ctx, const pc_crs *a, const pc_crs *b);

/* Screens each feature's coordinates against layer->crs: finite, and
 * convertible to the CRS's own longitude/latitude (PROJ refuses 8-digit
 * zone-prefixed eastings in a CRS without the prefix, 1e300, NaN). A
 * feature that fails loses its geometry: geom_error says where, outside_crs
 * is set, and the extent is recomputed. When every feature with a geometry
 * fails, the CRS is wrong rather than the data: PC_ERR_CRS with the likely
 * cause. `what` names the layer; *dropped counts the features dropped. */
pc_status pc_crs_screen_layer(pc_ctx *ctx, pc_layer *layer, const char *what,
                              size_t *dropped);

/* Reprojects every geometry of `layer` from layer->crs to `to`, replacing
 * layer->crs with a copy of `to`. A no-op when they are equivalent. A
 * feature the transformation cannot take loses its geometry as in
 * pc_crs_screen_layer; *dropped counts them. */
pc_status pc_crs_reproject_layer(pc_ctx *ctx, pc_layer *layer,
                                 const pc_crs *to, size_t *dropped);

/* Extent (minx,miny,maxx,maxy) in `crs` -> lon/lat extent on the CRS's
 * own geodetic datum. */
pc_status pc_crs_extent_lonlat(pc_ctx *ctx, const pc_crs *crs,
                               const double extent[4], double lonlat[4]);

/* Checks that the coordinates in `extent` fit `crs`. A contradiction is
 * PC_ERR_CRS naming the cause and the remedy: 8-digit zone-prefixed
 * eastings in a zone CRS without the prefix, lon/lat values in a projected
 * CRS, projected values in a geographic one, x and y swapped (the extent
 * lies inside the CRS's area of use only once swapped), coordinates that do
 * not convert to lon/lat. An extent merely outside the area of use is a
 * warning (pc_warn): data do spill over a zone. `what` names the layer. */
pc_status pc_crs_check_extent(pc_ctx *ctx, const pc_crs *crs,
                              const double extent[4], const char *what);

#ifdef __cplusplus
}
#endif
#endif
