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

/* Writes the report. HTML needs a run made with keep_layers (its maps). */
pc_status pc_report_write(pc_ctx *ctx, const pc_run_result *r,
                          pc_report_format format, const char *path);

#ifdef __cplusplus
}
#endif
#endif
