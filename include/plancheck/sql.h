/* sql.h: custom rules written in SQL by the planner, so that local rules
 * need no C. A query is a SELECT evaluated by GDAL's SQLite dialect, with
 * SpatiaLite's functions, over every layer of the run: a table per layer
 * named by its plan id, in the working CRS, with the layer's fields and
 * its geometry as column "geometry". Its own module: it is the one check
 * that needs GDAL (src/check is GEOS only). */
#ifndef PLANCHECK_SQL_H
#define PLANCHECK_SQL_H

#include "findings.h"
#include "measure.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_sql_session pc_sql_session;

/* One layer of the session: its plan id (the table name) and the layer,
 * borrowed, in the working CRS. */
typedef struct pc_sql_source {
    const char *id;
    const pc_layer *layer;
} pc_sql_source;

/* Copies the layers into an in-memory GDAL dataset once, for every SQL
 * rule of a run. `crs` is the working CRS. */
pc_status pc_sql_session_new(pc_ctx *ctx, const pc_crs *crs,
                             const pc_sql_source *sources, size_t n,
                             pc_sql_session **out);
void pc_sql_session_free(pc_sql_session *s); /* NULL is a no-op */

typedef struct pc_sql_opts {
    const char *id;          /* the rule's own id: findings are sql.<id> */
    pc_severity severity;
    const char *layer;       /* plan layer id the key column names; NULL */
    const char *query;       /* placeholders already expanded */
    pc_area_method method;   /* area of polygonal row geometries */
} pc_sql_opts;

/* Runs one rule: each row of the query is a finding "sql.<id>" with the
 * columns `key` (required), `key2`, `layer2`, `message`, `value` (a
 * number, as measured_m2), and the row's geometry (when polygonal, its
 * area by opts->method is measured_m2 unless `value` is given). A query
 * that does not run, or has no `key` column, is PC_ERR_INPUT with
 * SQLite's message. */
pc_status pc_sql_rule(pc_ctx *ctx, pc_sql_session *s, const pc_sql_opts *opts,
                      pc_findings *out);

/* A placeholder of a query: {name} becomes `value` quoted as an SQL
 * identifier ("a""b") or, when !identifier, as a literal ('it''s'). */
typedef struct pc_sql_param {
    const char *name;
    const char *value;
    int identifier;
} pc_sql_param;

/* Expands {name} placeholders; {{ and }} stand for { and }. An unknown
 * name or an unclosed brace is PC_ERR_INPUT naming it. *out malloc'ed. */
pc_status pc_sql_expand(pc_ctx *ctx, const char *query,
                        const pc_sql_param *params, size_t nparams,
                        char **out);

#ifdef __cplusplus
}
#endif
#endif
