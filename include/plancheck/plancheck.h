/* plancheck.h: public core API: version, status codes, the per-thread context. */
#ifndef PLANCHECK_H
#define PLANCHECK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PC_VERSION "0.1.0"

/* Outcome of a fallible call. The numeric values are the CLI exit codes
 * (README "Exit codes"); 1 is reserved for "ran, findings at or above the
 * fail level" and is never returned by a library call. */
typedef enum pc_status {
    PC_OK = 0,
    PC_ERR_USAGE = 2,    /* bad command line or option value */
    PC_ERR_INPUT = 3,    /* missing/unreadable file, layer, field; bad plan file */
    PC_ERR_CRS = 4,      /* no CRS, unknown CRS, reprojection failed */
    PC_ERR_OUTPUT = 5,   /* output exists, not writable, write failed */
    PC_ERR_INTERNAL = 6  /* out of memory, library exception, a bug */
} pc_status;

/* Severity of a finding, ordered so that comparisons work. */
typedef enum pc_severity {
    PC_SEV_INFO = 0,
    PC_SEV_WARNING = 1,
    PC_SEV_ERROR = 2,
    PC_SEV_NEVER = 3 /* only as a fail level: never fail on findings */
} pc_severity;

const char *pc_severity_name(pc_severity s);
/* Parses "info", "warning", "error", "never"; returns 0 on success. */
int pc_severity_parse(const char *s, pc_severity *out);

/* One context per thread. It owns a GEOS context handle and a PROJ context
 * and keeps the message of the last failed call. */
typedef struct pc_ctx pc_ctx;

/* Returns NULL when out of memory. Free with pc_ctx_free(). */
pc_ctx *pc_ctx_new(void);
void pc_ctx_free(pc_ctx *ctx); /* NULL is a no-op */

/* The message of the last error set on ctx (borrowed, never NULL). */
const char *pc_ctx_error(const pc_ctx *ctx);

/* Records an error message (printf-style) and returns `status`, so that
 * callers can write `return pc_error(ctx, PC_ERR_INPUT, "...")`. */
pc_status pc_error(pc_ctx *ctx, pc_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Warnings: printed on stderr as they happen unless quiet, and kept so that
 * a JSON summary can list them. */
void pc_warn(pc_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pc_ctx_set_quiet(pc_ctx *ctx, int quiet);
int pc_ctx_quiet(const pc_ctx *ctx);
size_t pc_ctx_warning_count(const pc_ctx *ctx);
const char *pc_ctx_warning(const pc_ctx *ctx, size_t i); /* borrowed */

/* Progress callback, same signature as GDALProgressFunc so GDAL's helpers
 * plug in: `complete` in [0,1]; return 0 to cancel. */
typedef int (*pc_progress_fn)(double complete, const char *message, void *arg);
/* A progress bar on stderr; `arg` unused. Draws nothing unless stderr is a
 * terminal. */
int pc_progress_stderr(double complete, const char *message, void *arg);

/* Library versions as "GDAL 3.6.2, GEOS 3.11.1, PROJ 9.1.1" (static). */
const char *pc_library_versions(void);

#ifdef __cplusplus
}
#endif
#endif
