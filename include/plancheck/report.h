/* report.h: the run's reports besides the GeoPackage: JSON (a documented,
 * versioned schema), JUnit XML for CI and a self-contained HTML page. Each
 * file is written atomically and never over one of the run's inputs. */
#ifndef PLANCHECK_REPORT_H
#define PLANCHECK_REPORT_H

#include "run.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PC_REPORT_SCHEMA_VERSION 1

/* The report's format from the path's extension: .json, .xml (JUnit) or
 * .html / .htm; -1 when it is none of them. */
typedef enum pc_report_format {
    PC_REPORT_JSON = 0,
    PC_REPORT_JUNIT,
    PC_REPORT_HTML
} pc_report_format;
int pc_report_format_of(const char *path);

/* Checks, before the run, that reports can be written to paths[0..n):
 * none is one of the plan's inputs (the plan file, a layer's source) or
 * the output GeoPackage `output` (may be NULL), by inode and by resolved
 * path, nor the same file as another of them; none is a directory or,
 * without `overwrite`, exists; each one's directory takes a new file.
 * PC_ERR_OUTPUT naming the path otherwise. */
pc_status pc_report_check(pc_ctx *ctx, const pc_plan *plan,
                          const char *output, int overwrite,
                          const char *const *paths, size_t n);

/* Writes the report: built in memory, written to a temporary file beside
 * `path` and renamed over it (an existing file is replaced; the caller
 * decides on overwriting with pc_report_check). A path that is one of the
 * run's inputs or its output GeoPackage is refused (PC_ERR_OUTPUT); so is
 * HTML for a run made without keep_layers (PC_ERR_USAGE: its maps need
 * the layers). On failure nothing is left behind. */
pc_status pc_report_write(pc_ctx *ctx, const pc_run_result *r,
                          pc_report_format format, const char *path);

/* The JSON report as text (malloc'ed, the caller frees it): the document
 * src/report/report.schema.json describes; `plancheck run --json` prints
 * it. */
pc_status pc_report_json_text(pc_ctx *ctx, const pc_run_result *r,
                              char **text);

#ifdef __cplusplus
}
#endif
#endif
