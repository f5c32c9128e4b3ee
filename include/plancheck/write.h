/* write.h: the write stage: the findings GeoPackage, written atomically
 * (temporary file beside the target, renamed after a clean close). */
#ifndef PLANCHECK_WRITE_H
#define PLANCHECK_WRITE_H

#include "check.h"
#include "findings.h"
#include "measure.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_kv {
    const char *key;
    const char *value;
} pc_kv;

struct pc_style;

/* A normalised input layer to write, with its measured areas and how QGIS
 * shows it. */
typedef struct pc_out_layer {
    const pc_layer *layer;
    const pc_layer_areas *areas; /* may be NULL */
    const char *title;           /* gpkg_contents.identifier and the QGIS
                                    metadata title; NULL: the layer name */
    const char *description;     /* gpkg_contents.description; NULL: the
                                    source and CRS */
    const struct pc_style *style;/* the layer's default QGIS style; NULL:
                                    the generic one for its geometry */
    const pc_kv *aliases;        /* field -> display name (QGIS alias), */
    size_t naliases;             /* before the built-in ones */
} pc_out_layer;

typedef struct pc_write_opts {
    const char *path;          /* target .gpkg */
    int overwrite;             /* replace an existing target */
    const pc_crs *crs;         /* CRS of every layer and finding */
    const char *const *inputs; /* paths that must not be overwritten */
    size_t ninputs;
    pc_progress_fn progress;
    void *progress_arg;
    const pc_balance *balance; /* land-use balance rows to write as the
                                  table `landuse_balance`; may be NULL */
    const char *run_utc;       /* the run's time, "YYYY-MM-DDTHH:MM:SSZ",
                                  for the styles' and metadata's dates;
                                  NULL: the time of writing */
} pc_write_opts;

/* Writes layer `findings` (polygons; findings without geometry too), one
 * layer per normalised input (name = plan layer id, FID kept in `src_fid`,
 * areas in `area_planar_m2` / `area_ellipsoidal_m2`), and the attribute
 * table `plancheck_run` (key, value) holding `meta`. Spatial indexes are
 * created.
 *
 * For QGIS, every table written gets a title and description in
 * gpkg_contents, a default style in `layer_styles` (QGIS's own table: the
 * style's QML with the field aliases, Chinese for plancheck's columns) and
 * QGIS layer metadata in gpkg_metadata / gpkg_metadata_reference whose
 * history lists `meta` (plan, its SHA-256, inputs, versions, CRS, area
 * method, time).
 *
 * Nothing is left behind on failure; an existing target is kept unless
 * opts->overwrite; the target may not be one of opts->inputs. */
pc_status pc_write_gpkg(pc_ctx *ctx, const pc_write_opts *opts,
                        const pc_out_layer *layers, size_t nlayers,
                        const pc_findings *findings,
                        const pc_kv *meta, size_t nmeta);

#ifdef __cplusplus
}
#endif
#endif
