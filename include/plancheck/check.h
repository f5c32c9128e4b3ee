/* check.h: the check stage. Each check reads measured layers and appends
 * findings; it never fails on bad data, only on tool errors. */
#ifndef PLANCHECK_CHECK_H
#define PLANCHECK_CHECK_H

#include "findings.h"
#include "measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/* When a difference becomes a finding (README "Tolerances"):
 *   |measured - declared| > max(abs_m2, rel_pct/100 * declared)
 * where rel_pct is approx_rel_pct for figures printed with 约 (approx). */
typedef struct pc_tolerance {
    double abs_m2;
    double rel_pct;
    double approx_rel_pct;
} pc_tolerance;

/* One declared area attribute of a layer. The unit comes from unit_field
 * (per feature, as printed) or, when that is NULL, from the constant unit. */
typedef struct pc_area_decl {
    const char *value_field;
    const char *unit_field;
    const char *unit;          /* constant unit name, used when no unit_field */
    const char *approx_field;  /* integer/boolean field: 1 = printed with 约 */
} pc_area_decl;

typedef struct pc_area_check {
    const char *key_field;     /* NULL: features are keyed by FID */
    pc_area_method method;
    pc_tolerance tol;
    pc_severity severity;      /* of a difference above tolerance */
    const pc_area_decl *decls;
    size_t ndecls;
} pc_area_check;

typedef struct pc_area_stats {
    size_t compared;       /* feature/figure pairs compared */
    size_t within;         /* ... within tolerance */
    size_t no_figure;      /* declared value NULL */
    size_t bad_figure;     /* unparseable value or unknown unit */
    size_t no_polygon;     /* NULL/empty/non-polygon geometry */
} pc_area_stats;

/* Rule ids written by pc_check_area:
 *   area.declared   measured area differs from the declared figure
 *   area.value      declared value not a finite non-negative number
 *   area.unit       declared unit unknown
 *   area.geometry   the feature has a declared area but no polygon
 * Layer fields named in `check` must exist (else PC_ERR_INPUT naming them). */
pc_status pc_check_area(pc_ctx *ctx, const pc_layer *layer,
                        const pc_layer_areas *areas, const pc_area_check *check,
                        pc_findings *out, pc_area_stats *stats);

/* Key text of a feature: the key field's value, or "fid:N". Writes into buf
 * (size n) and returns buf. */
const char *pc_feature_key(const pc_layer *layer, int key_index, size_t i,
                           char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
