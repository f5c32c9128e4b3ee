/* layer.h: the project's own in-memory layer, handed from stage to stage
 * (read -> crs -> check -> write). Geometries are GEOS geometries owned by
 * the feature; the header only forward-declares the GEOS type. */
#ifndef PLANCHECK_LAYER_H
#define PLANCHECK_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "plancheck.h"

#ifdef __cplusplus
extern "C" {
#endif

struct GEOSGeom_t; /* GEOSGeometry from geos_c.h */

typedef enum pc_field_type {
    PC_FIELD_INTEGER = 0, /* 64-bit */
    PC_FIELD_REAL,
    PC_FIELD_TEXT         /* UTF-8; dates and other types are kept as text */
} pc_field_type;

typedef struct pc_field {
    char *name;
    pc_field_type type;
} pc_field;

typedef struct pc_value {
    int is_null;
    int64_t i;  /* PC_FIELD_INTEGER */
    double r;   /* PC_FIELD_REAL */
    char *s;    /* PC_FIELD_TEXT (owned) */
} pc_value;

typedef struct pc_feature {
    int64_t fid;                /* FID in the source */
    struct GEOSGeom_t *geom;    /* owned, 2D; NULL for a NULL geometry */
    char *geom_error;           /* why a geometry present in the source
                                   could not be built (then geom is NULL) */
    pc_value *values;           /* one per layer field, owned */
    int values_packed;          /* values and their strings are one
                                   allocation: free(values) frees all */
    int repaired;               /* geom is GEOS MakeValid's repair of an
                                   invalid source geometry */
    int outside_crs;            /* the CRS stage dropped the geometry: its
                                   coordinates are outside what the CRS can
                                   hold (geom_error says where) */
} pc_feature;

/* Coarse geometry class of a layer, from the source's declared type. */
typedef enum pc_geom_class {
    PC_GEOM_NONE = 0,
    PC_GEOM_POINT,
    PC_GEOM_LINE,
    PC_GEOM_POLYGON,
    PC_GEOM_MIXED
} pc_geom_class;

typedef struct pc_crs pc_crs;

typedef struct pc_layer {
    char *name;          /* plan layer id, or the source layer name */
    char *source;        /* path as given */
    char *source_layer;  /* layer name inside the source */
    char *geom_type;     /* OGR type name as declared, e.g. "Multi Polygon" */
    pc_geom_class geom_class;
    pc_crs *crs;         /* owned; NULL when the source has none */
    int crs_from_plan;   /* 1 when crs came from the plan, not the data */
    char *encoding;      /* attribute encoding used (e.g. "GBK"), or NULL */
    pc_field *fields;
    size_t nfields;
    pc_feature *features;
    size_t nfeatures;
    size_t cap;
    double extent[4];    /* minx, miny, maxx, maxy in the layer CRS */
    int has_extent;
} pc_layer;

/* Returns NULL when out of memory. */
pc_layer *pc_layer_new(const char *name);
void pc_layer_free(pc_ctx *ctx, pc_layer *layer); /* NULL is a no-op */
/* Frees what a feature owns (geometry, values), not the feature itself:
 * for features not (yet) in a layer's array. */
void pc_feature_clear(pc_ctx *ctx, const pc_layer *layer, pc_feature *f);

/* Index of a field by name (exact, then case-insensitive), or -1. */
int pc_layer_field_index(const pc_layer *layer, const char *name);

/* Text of a value for messages and keys: integers and reals printed in the
 * shortest form that reads back the same. Returns NULL for NULL values.
 * Writes into buf (size n) unless the value is text (then borrowed). */
const char *pc_value_text(const pc_layer *layer, size_t field,
                          const pc_value *v, char *buf, size_t n);

/* Recomputes layer->extent from the geometries (after a reprojection). */
void pc_layer_update_extent(pc_ctx *ctx, pc_layer *layer);

#ifdef __cplusplus
}
#endif
#endif
