/* ogr_util.h: the project's own types as OGR sees them, for the two
 * modules that hand data to GDAL (the GeoPackage writer and the SQL
 * rules): the working CRS as an OGR SRS, GEOS geometries as OGR ones, a
 * feature's values as OGR fields. */
#ifndef PC_OGR_UTIL_H
#define PC_OGR_UTIL_H

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"
#include "plancheck/layer.h"

/* The CRS as an OGR SRS with x = easting/longitude, as the layers'
 * coordinates are: by authority code when PROJ knows one, else its WKT.
 * NULL when GDAL cannot use it; release with OSRRelease. */
OGRSpatialReferenceH pc_ogr_srs(const pc_crs *crs);

/* A GEOS geometry as OGR, through WKB written by `w` (2D); NULL on
 * failure. Caller destroys it. */
OGRGeometryH pc_ogr_geometry(GEOSContextHandle_t h, GEOSWKBWriter *w,
                             const GEOSGeometry *g);

/* Sets OGR fields first .. first + nfields - 1 of `of` from feature f's
 * values (NULL values, and a feature without values, as NULL fields). */
void pc_ogr_set_values(OGRFeatureH of, const pc_layer *layer,
                       const pc_feature *f, int first);

#endif
