/* read.h: the read stage: any OGR vector source -> pc_layer. The only
 * module that talks to GDAL/OGR for reading. */
#ifndef PLANCHECK_READ_H
#define PLANCHECK_READ_H

#include "layer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_read_opts {
    const char *layer;        /* layer inside the source; NULL: the only one */
    const char *name;         /* name for the pc_layer; NULL: the layer name */
    const char *encoding;     /* attribute encoding override (e.g. "GBK") */
    const char *crs_fallback; /* CRS definition used when the data has none */
    pc_progress_fn progress;
    void *progress_arg;
    int threads;              /* large GeoPackage layers are read in FID
                                 ranges on this many threads (0: one per
                                 core) */
} pc_read_opts;

/* Names of the vector layers in `path`. *names is a NULL-terminated array
 * freed with pc_read_names_free(). */
pc_status pc_read_layer_names(pc_ctx *ctx, const char *path,
                              char ***names, size_t *count);
void pc_read_names_free(char **names);

/* Reads one layer completely: fields, features (geometry as 2D GEOS, curves
 * linearised), FIDs, CRS (from the data, else opts->crs_fallback; a layer with
 * neither gets crs == NULL and the caller decides). Refuses network paths
 * (/vsicurl/ and URLs). Errors name the file and layer. */
pc_status pc_read_layer(pc_ctx *ctx, const char *path,
                        const pc_read_opts *opts, pc_layer **out);

/* The CRS of one layer without reading its features (*out NULL when the
 * layer has none). */
pc_status pc_read_layer_crs(pc_ctx *ctx, const char *path, const char *layer,
                            pc_crs **out);

#ifdef __cplusplus
}
#endif
#endif
