/* run.h: the whole pipeline for one plan file: load plan -> read -> CRS ->
 * measure -> check -> write. The CLI's `run` command is a thin wrapper. */
#ifndef PLANCHECK_RUN_H
#define PLANCHECK_RUN_H

#include "check.h"
#include "measure.h"
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_run_opts {
    const char *plan_path;
    const char *output;        /* overrides the plan's `output:` */
    int overwrite;
    int findings_only;         /* leave the normalised input layers out of
                                  the output (faster for CI gating) */
    int fail_on_set;           /* 1: fail_on below overrides the plan's */
    pc_severity fail_on;
    int fail_new_only;         /* with fail_on_set: only findings the plan
                                  has not accepted fail (--fail-on new) */
    int threads;               /* > 0 overrides the plan's `threads` */
    int keep_layers;           /* keep the normalised layers and their
                                  areas in the result (maps, reports) */
    int no_output;             /* write no GeoPackage (plancheck render) */
    pc_progress_fn progress;
    void *progress_arg;
} pc_run_opts;

typedef struct pc_run_layer {
    char *id;
    char *source;
    char *source_layer;
    char *source_crs;          /* authority code or name of the data's CRS */
    int crs_from_plan;         /* the plan's crs: or assign_crs: was used */
    char *encoding;            /* attribute encoding a Shapefile was read
                                  in (declared or judged), or NULL */
    size_t features;
    double total_planar_m2, total_ellipsoidal_m2;
    size_t polygons;
    int area_checked;
    pc_area_stats area;
} pc_run_layer;

typedef struct pc_run_result {
    pc_plan *plan;             /* owned */
    char *output;              /* path written */
    char *working_crs;         /* "EPSG:4549" */
    char *working_crs_name;
    pc_area_method method;
    pc_severity fail_on;
    int fail_new_only;
    int findings_only;
    size_t accepted;           /* findings the plan's allow-list names */
    size_t stale;              /* allow-list entries no finding matched
                                  (reported as accepted.stale findings) */
    pc_run_layer *layers;
    size_t nlayers;
    pc_findings findings;      /* sorted, with stable ids */
    pc_balance balance;        /* land-use balance (landuse rules) */
    pc_layer **data;           /* with opts->keep_layers: the normalised
                                  layers (working CRS), one per
                                  layers[i], owned; else NULL */
    pc_layer_areas *areas;     /* ... and their measured areas */
    const pc_crs *crs;         /* with keep_layers: the working CRS (owned
                                  by the result), else NULL */
    char started_utc[32], finished_utc[32];
} pc_run_result;

/* Runs the pipeline. On PC_OK the output was written and `result` filled;
 * the caller decides the exit code from result->findings and fail_on
 * (pc_run_exit_code). On error nothing was written and result is empty. */
pc_status pc_run(pc_ctx *ctx, const pc_run_opts *opts, pc_run_result *result);

/* The same for a plan built in memory (plancheck check): takes over `plan`
 * (freed with the result, or on error). opts->plan_path is ignored. */
pc_status pc_run_plan(pc_ctx *ctx, pc_plan *plan, const pc_run_opts *opts,
                      pc_run_result *result);
void pc_run_result_clear(pc_ctx *ctx, pc_run_result *result);

/* 0 when no finding is at or above fail_on (with fail_new_only: no such
 * finding the plan has not accepted), else 1. */
int pc_run_exit_code(const pc_run_result *result);

#ifdef __cplusplus
}
#endif
#endif
