/* sql.h: custom rules written in SQL by the planner, so that local rules
 * need no C. A query is a SELECT evaluated by SQLite with SpatiaLite's
 * functions over every layer of the run, copied into an in-memory
 * SpatiaLite database (GDAL's SQLite driver): a table per layer
 * named by its plan id, in the working CRS, with the layer's fields and
 * its geometry as column "geometry" (a layer without geometry has none);
 * rowid is the feature's source FID. Its own module: it is the one check
 * that needs GDAL (src/check is GEOS only).
 *
 * Two traps for rule authors:
 *  - SpatiaLite's predicates (ST_Intersects, ST_Within ...) return -1,
 *    which SQL takes for true, when a geometry is NULL: compare with 1,
 *    ON ST_Intersects(a.geometry, b.geometry) = 1.
 *  - GDAL types each result column from its first row: a computed
 *    geometry that is NULL there is lost for every row (order the rows so
 *    that one with a geometry comes first), and an integer column whose
 *    first value fits 32 bits clamps wider later ones (GDAL warns). */
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

/* Copies the layers into an in-memory SpatiaLite database once, for every SQL
 * rule of a run. `crs` is the working CRS. Ids that differ only in case
 * are PC_ERR_INPUT (SQL table names ignore case), as is an id holding a
 * double quote (SpatiaLite refuses such table names). A session belongs to one
 * thread and to the ctx that made it (it holds that ctx's PROJ objects).
 * Warns when a layer has a field named geometry (the geometry is then
 * column GEOMETRY2) or FIDs that cannot be its rowid (negative, repeated). */
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
 * columns (named in any case) `key` (required; a NULL key becomes
 * "row:<n>", rows counted from 1, and the message says so), `key2`,
 * `layer2`, `message` (default "<id>: row <n>"), `value` (a number, or
 * text that reads as one, as measured_m2), `fid` (the source FID, e.g.
 * rowid AS fid), and the row's first geometry column (when polygonal, its
 * area by opts->method is measured_m2 unless `value` is given). Only one
 * SELECT (or WITH ... SELECT) runs: any other statement, or a second one
 * after a ';', is PC_ERR_INPUT before GDAL sees it, since DELETE or UPDATE
 * would change the tables later rules read. A query that does not run, or
 * has no `key` column, is PC_ERR_INPUT "sql rule <id>: <SQLite's
 * message>"; on any error `out` is unchanged. GDAL's warnings are passed
 * on with pc_warn. */
pc_status pc_sql_rule(pc_ctx *ctx, pc_sql_session *s, const pc_sql_opts *opts,
                      pc_findings *out);

/* A placeholder of a query: {name} becomes `value` quoted as an SQL
 * identifier ("a""b") or, when !identifier, as a literal ('it''s'). A
 * literal is text, numbers too: SQLite converts it when it is compared
 * with a numeric column, but not with an expression (count(*) >= '2' is
 * false: text sorts after numbers), so write CAST({n} AS INTEGER) or
 * CAST({n} AS REAL) there. */
typedef struct pc_sql_param {
    const char *name;
    const char *value;
    int identifier;
} pc_sql_param;

/* Expands {name} placeholders (names match exactly); {{ and }} stand for {
 * and }. Placeholders inside quotes are expanded too: write {v}, not
 * '{v}'. An unknown name, an empty {}, a NULL value, an unclosed { or an
 * unmatched } is PC_ERR_INPUT naming it. *out malloc'ed. */
pc_status pc_sql_expand(pc_ctx *ctx, const char *query,
                        const pc_sql_param *params, size_t nparams,
                        char **out);

#ifdef __cplusplus
}
#endif
#endif
