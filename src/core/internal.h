/* internal.h: what the modules share but the public headers do not show:
 * the context's library handles and small string helpers. */
#ifndef PC_INTERNAL_H
#define PC_INTERNAL_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "plancheck/plancheck.h"

struct pj_ctx; /* PJ_CONTEXT from proj.h */

/* Borrowed handles owned by the context. */
GEOSContextHandle_t pc_ctx_geos(pc_ctx *ctx);
struct pj_ctx *pc_ctx_proj(pc_ctx *ctx);
/* The last message GEOS reported on this context ("" when none). */
const char *pc_ctx_geos_message(const pc_ctx *ctx);

/* Like pc_error, but keeps the current message after the new text:
 * "<new>: <old>". For adding the file/layer/feature to a lower message. */
pc_status pc_error_prefix(pc_ctx *ctx, pc_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Registers GDAL's drivers once per process (thread-safe). Every module
 * that opens or creates a dataset calls it first. */
void pc_gdal_init(void);

/* Envelope of g as minx, miny, maxx, maxy: 1, or 0 (b untouched) for a
 * NULL or empty geometry. */
int pc_geom_bbox(GEOSContextHandle_t h, const GEOSGeometry *g, double b[4]);
/* Grows the extent e (*has: e is set) to hold the box b. */
void pc_extent_add(int *has, double e[4], const double b[4]);

/* A figure as a plan prints it, "约65.77 平方公里", "1,412", "36m": a
 * leading 约 (*approx), the number (commas and blanks dropped) and what
 * follows it, copied without blanks into rest (size n; the unit or a
 * suffix). 0 on success, -1 when no finite number starts the text. */
int pc_figure_parse(const char *s, double *value, int *approx, char *rest,
                    size_t n);

struct pc_layer;
/* Index of field `name` of a layer (NULL name: -1 and PC_OK), or
 * PC_ERR_INPUT naming the source, the layer, the field, what names it
 * (`what`, e.g. "landuse rule's zone_field"; may be NULL) and the fields
 * the layer has. Every check resolves its fields through it. */
pc_status pc_layer_need_field(pc_ctx *ctx, const struct pc_layer *layer,
                              const char *name, const char *what, int *index);

/* strdup that returns NULL for NULL. */
char *pc_strdup(const char *s);
/* malloc'ed printf; NULL when out of memory. */
char *pc_aprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ASCII case-insensitive compare. */
int pc_strcaseeq(const char *a, const char *b);
/* Shortest "%.17g"-style text that reads back as the same double. */
void pc_format_double(double v, char *buf, size_t n);

/* Stage timings on stderr when PLANCHECK_TIMING is set (where the time
 * goes, for scripts/bench): prints the time since *t0 and resets it. */
double pc_now_s(void);
void pc_stage_time(const char *stage, const char *what, double *t0);

#define PC_OOM(ctx) pc_error((ctx), PC_ERR_INTERNAL, "out of memory")

#endif
