/* report_internal.h: what the report writers share: a growable text
 * buffer with HTML/XML escaping, the findings counted per plan rule, each
 * rule's title and layers, and the JSON document (one builder for the
 * JSON report and `run --json`). */
#ifndef PC_REPORT_INTERNAL_H
#define PC_REPORT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "plancheck/report.h"

/* ---- text buffer ---------------------------------------------------------
 * Appends never fail on the spot: running out of memory sets `oom`, later
 * appends do nothing, and the writer checks `oom` once at the end. */
typedef struct pc_sbuf {
    char *s;   /* NUL-terminated once anything was appended */
    size_t n, cap;
    int oom;
} pc_sbuf;

/* Makes room for `more` bytes and a NUL after b->n: 1, or 0 (oom set). */
int pc_sbuf_reserve(pc_sbuf *b, size_t more);
void pc_sbuf_add(pc_sbuf *b, const char *s, size_t n);
void pc_sbuf_puts(pc_sbuf *b, const char *s);
void pc_sbuf_printf(pc_sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s (NULL: nothing) with & < > " ' as entities, for HTML text
 * and attributes and for XML alike. Bytes that are not valid UTF-8 and
 * control characters XML 1.0 forbids (all of C0 but tab, LF, CR) become
 * U+FFFD, so the output is always well-formed. */
void pc_sbuf_escape(pc_sbuf *b, const char *s);
void pc_sbuf_free(pc_sbuf *b);

/* ---- findings per plan rule ---------------------------------------------- */

/* 1 when the finding makes the run fail (pc_run_exit_code's test): at or
 * above the fail level and, with fail_new_only, not accepted. */
int pc_report_fails(const pc_run_result *r, const pc_finding *f);

typedef struct pc_report_rule {
    int index;            /* plan rule index; -1: the declared-area check of
                             the layers and the run-level findings */
    size_t by_severity[3];/* indexed by pc_severity: info, warning, error */
    size_t total, accepted;
    size_t failing;       /* findings for which pc_report_fails is 1 */
} pc_report_rule;

/* The counts for every rule, in report order: the synthetic entry
 * (index -1) first, then the plan's rules in plan order; *n =
 * plan->nrules + 1. malloc'ed, NULL when out of memory. */
pc_report_rule *pc_report_rules(const pc_run_result *r, size_t *n);

/* The plan layer ids a rule reads (index -1: the layers with declared
 * areas), in the plan file's order of mention; returns how many (at most
 * max, borrowed strings). */
size_t pc_report_rule_layers(const pc_plan *plan, int index,
                             const char **layers, size_t max);

/* A readable one-line description: "overlap_between parcels, eco_redline
 * (line 46)", "sql code_prefix on parcels (line 107)". */
void pc_report_rule_title(const pc_plan *plan, int index, pc_sbuf *out);

/* The severity of the rule's findings as the plan sets it. */
pc_severity pc_report_rule_severity(const pc_plan *plan, int index);

/* ---- the three formats ----------------------------------------------------
 * Each appends the whole document to `out`. */
pc_status pc_report_json(pc_ctx *ctx, const pc_run_result *r, pc_sbuf *out);
pc_status pc_report_junit(pc_ctx *ctx, const pc_run_result *r, pc_sbuf *out);
pc_status pc_report_html(pc_ctx *ctx, const pc_run_result *r, pc_sbuf *out);

/* "2024-05-01T12:00:00Z" to seconds since the epoch; -1 when unreadable. */
long long pc_report_utc_seconds(const char *utc);

#endif
