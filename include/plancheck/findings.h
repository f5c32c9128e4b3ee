/* findings.h: a finding is data about the plan (a violated rule), never an
 * error of the tool. Findings carry a stable id so runs can be compared. */
#ifndef PLANCHECK_FINDINGS_H
#define PLANCHECK_FINDINGS_H

#include <stdint.h>

#include "layer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_finding {
    char *id;          /* stable: "<rule>:<layer>:<key>[:<layer2>:<key2>]
                          [:<field>]" */
    char *rule;        /* e.g. "area.declared" */
    pc_severity severity;
    char *layer;       /* plan layer id */
    int64_t fid;       /* source FID, -1 when not about one feature */
    char *key;         /* feature key (value of the key field, or "fid:N") */
    char *field;       /* the attribute the finding is about, or NULL */
    char *layer2;      /* the other feature of a pair finding, or NULL */
    int64_t fid2;      /* -1 when not a pair */
    char *key2;
    int repaired;      /* 1 when a repaired (MakeValid) geometry was used */
    double measured_m2;   /* NAN when not applicable */
    double declared_m2;   /* NAN when not applicable */
    double diff_m2;       /* measured - declared */
    double diff_pct;      /* 100 * diff / declared */
    double tolerance_m2;  /* the tolerance the difference exceeded */
    char *unit;        /* declared unit as printed, or NULL */
    double declared_value; /* declared figure in that unit */
    char *method;      /* area method used, or NULL */
    char *message;     /* one line, UTF-8 */
    int accepted;      /* the plan's `accepted:` list names this finding */
    char *accepted_reason; /* ... and says why */
    int plan_rule;     /* index of the plan rule (plan->rules) that found
                          it; -1 for the declared-area check of a layer and
                          for run-level findings */
    struct GEOSGeom_t *geom; /* owned, in the working CRS, may be NULL */
} pc_finding;

typedef struct pc_findings {
    pc_finding *items;
    size_t n, cap;
} pc_findings;

/* A finding with every number NAN, fids -1 and no strings: the starting
 * point for a rule's finding. */
pc_finding pc_finding_init(const char *rule, pc_severity severity);

/* Appends a finding. Strings are copied; the geometry is taken over (and
 * destroyed on failure). Fields of `f` that are NULL stay NULL. The id is
 * built from rule, layer, key, layer2, key2 and field when f->id is NULL. */
pc_status pc_findings_add(pc_ctx *ctx, pc_findings *list, const pc_finding *f);

/* Sorts by rule, layer, key, field, fid: a stable order for diffs. Findings
 * with the same id (duplicate keys) get "#2", "#3" ... suffixes in FID
 * order, so ids stay unique and stable. */
pc_status pc_findings_finish(pc_ctx *ctx, pc_findings *list);

/* Frees what one finding owns (not the finding itself). */
void pc_finding_free(pc_ctx *ctx, pc_finding *f);

size_t pc_findings_count(const pc_findings *list, pc_severity at_least);
/* Moves every finding of `from` to the end of `to` (from is emptied). */
pc_status pc_findings_move(pc_ctx *ctx, pc_findings *to, pc_findings *from);
void pc_findings_clear(pc_ctx *ctx, pc_findings *list);

#ifdef __cplusplus
}
#endif
#endif
