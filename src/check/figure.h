/* figure.h: figures as a plan prints them (declared areas, land takes,
 * widths, lengths): a number field, or text such as "约125.03", "1,412" or
 * "36m"; a leading 约 or the approx attribute makes a figure approximate,
 * and approximate figures get their own tolerance. Shared by the checks
 * that compare a measured value with a printed one. */
#ifndef PC_FIGURE_H
#define PC_FIGURE_H

#include "../core/internal.h"
#include "plancheck/layer.h"
#include "plancheck/units.h"

typedef struct pc_figure {
    int is_null;      /* NULL or empty: nothing declared */
    int ok;           /* parsed, finite, not negative */
    int approx;       /* printed with 约, or flagged by the approx field */
    double value;
    const char *text; /* text fields: as printed; numbers: NULL until
                         pc_figure_text formats them (only messages do) */
    char buf[64];
} pc_figure;

/* Reads field vi of f (approx field ai, -1: none). `suffixes` (NULL-ended,
 * may be NULL) are units a text value may end with, e.g. "m", "米". */
void pc_figure_read(const pc_layer *layer, const pc_feature *f, int vi,
                    int ai, const char *const *suffixes, pc_figure *fig);

/* The figure as printed, for messages. */
const char *pc_figure_text(const pc_layer *layer, const pc_feature *f, int vi,
                           pc_figure *fig);

/* The last unit text parsed: units repeat down a layer, and parsing is a
 * scan of every spelling. Zero-initialise; one per field and thread. */
typedef struct pc_unit_memo {
    char text[64];
    int valid, ok;
    pc_unit unit;
} pc_unit_memo;

/* pc_unit_parse through the memo: 0 and *out on success, -1 for a NULL or
 * unknown unit. */
int pc_unit_memo_parse(pc_unit_memo *m, const char *text, pc_unit *out);

/* The difference allowed from a declared value: max(abs, rel% of it), with
 * approx_rel_pct for approximate figures. */
double pc_figure_tolerance(double abs, double rel_pct, double approx_rel_pct,
                           int approx, double declared);

#endif
