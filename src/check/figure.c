/* figure.c: check stage: figures as printed (see figure.h). */
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>

#include "figure.h"

/* "125.03", "约125.03", "1,412", with one of `suffixes` allowed at the
 * end. Sets *approx for a leading 约. */
static int parse_text(const char *s, const char *const *suffixes,
                      double *value, int *approx)
{
    char rest[128];
    if (pc_figure_parse(s, value, approx, rest, sizeof rest) != 0)
        return -1;
    if (!rest[0])
        return 0;
    for (const char *const *u = suffixes; u && *u; u++)
        if (strcmp(rest, *u) == 0)
            return 0;
    return -1;
}

/* The approx attribute: a number (non-zero = 约), or text that is either a
 * flag (1/true/yes) or the printed phrase itself, approximate when it
 * contains 约 ("用地约 125.03 亩"). */
static int approx_flag(const pc_layer *layer, int ai, const pc_value *a)
{
    switch (layer->fields[ai].type) {
    case PC_FIELD_INTEGER: return a->i != 0;
    case PC_FIELD_REAL: return a->r != 0;
    case PC_FIELD_TEXT:
        return strstr(a->s, "约") != NULL || !strcmp(a->s, "1") ||
               pc_strcaseeq(a->s, "true") || pc_strcaseeq(a->s, "yes");
    }
    return 0;
}

void pc_figure_read(const pc_layer *layer, const pc_feature *f, int vi,
                    int ai, const char *const *suffixes, pc_figure *fig)
{
    const pc_value *v = &f->values[vi];
    int text = layer->fields[vi].type == PC_FIELD_TEXT;
    memset(fig, 0, offsetof(pc_figure, buf));
    fig->text = text && !v->is_null ? v->s : NULL;
    if (v->is_null || (text && !v->s[strspn(v->s, " \t")])) {
        /* empty or blank text is no figure, as NULL is */
        fig->is_null = 1;
        return;
    }
    switch (layer->fields[vi].type) {
    case PC_FIELD_INTEGER: fig->value = (double)v->i; fig->ok = 1; break;
    case PC_FIELD_REAL: fig->value = v->r; fig->ok = 1; break;
    case PC_FIELD_TEXT:
        fig->ok = parse_text(v->s, suffixes, &fig->value, &fig->approx) == 0;
        break;
    }
    if (fig->ok && (!isfinite(fig->value) || fig->value < 0))
        fig->ok = 0;
    if (ai >= 0 && !f->values[ai].is_null)
        fig->approx |= approx_flag(layer, ai, &f->values[ai]);
}

const char *pc_figure_text(const pc_layer *layer, const pc_feature *f, int vi,
                           pc_figure *fig)
{
    if (!fig->text)
        fig->text = pc_value_text(layer, (size_t)vi, &f->values[vi], fig->buf,
                                  sizeof fig->buf);
    return fig->text ? fig->text : "";
}

double pc_figure_tolerance(double abs, double rel_pct, double approx_rel_pct,
                           int approx, double declared)
{
    double rel = approx ? approx_rel_pct : rel_pct;
    return fmax(abs, rel / 100.0 * declared);
}

int pc_unit_memo_parse(pc_unit_memo *m, const char *text, pc_unit *out)
{
    if (!text)
        return -1;
    if (!m->valid || strcmp(m->text, text) != 0) {
        m->ok = pc_unit_parse(text, &m->unit) == 0;
        m->valid = strlen(text) < sizeof m->text;
        if (m->valid)
            memcpy(m->text, text, strlen(text) + 1);
    }
    *out = m->unit;
    return m->ok ? 0 : -1;
}
