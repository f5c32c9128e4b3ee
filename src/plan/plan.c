/* plan.c: plan stage: loads and validates the YAML plan file (libfyaml).
 * Every problem is reported as "file:line: what, expected what". */
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>
#include <openssl/evp.h>

#include "../core/internal.h"
#include "plancheck/plan.h"
#include "plancheck/sql.h"
#include "plancheck/style.h"
#include "plancheck/units.h"

struct loader {
    pc_ctx *ctx;
    const char *path;
    pc_plan *plan;
};

/* 1-based line of a node: its own token for scalars, else the first line
 * inside it; `fallback` (the line of the key naming it) when empty. */
static int node_line(struct fy_node *n, int fallback)
{
    if (!n)
        return fallback;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        return m ? m->line + 1 : fallback;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? node_line(fy_node_pair_key(p), fallback) : fallback;
    }
    if (fy_node_is_sequence(n)) {
        struct fy_node *c = fy_node_sequence_iterate(n, &it);
        return c ? node_line(c, fallback) : fallback;
    }
    return fallback;
}

static pc_status fail(struct loader *L, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static pc_status fail(struct loader *L, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pc_error(L->ctx, PC_ERR_INPUT, "%s:%d: %s", L->path, line, msg);
}

/* A scalar's text; NULL (with an error) when the node is not a scalar. */
static const char *scalar(struct loader *L, struct fy_node *n, int line,
                          const char *what, pc_status *st)
{
    if (!n || !fy_node_is_scalar(n) || fy_node_is_alias(n)) {
        *st = fail(L, node_line(n, line), "%s must be a single value", what);
        return NULL;
    }
    *st = PC_OK;
    return fy_node_get_scalar0(n);
}

static pc_status get_string(struct loader *L, struct fy_node *n, int line,
                            const char *what, char **out)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    if (!*s)
        return fail(L, node_line(n, line), "%s is empty", what);
    free(*out);
    *out = pc_strdup(s);
    return *out ? PC_OK : PC_OOM(L->ctx);
}

static pc_status get_number(struct loader *L, struct fy_node *n, int line,
                            const char *what, double *out)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || v < 0)
        return fail(L, node_line(n, line),
                    "%s: '%s' is not a non-negative number", what, s);
    *out = v;
    return PC_OK;
}

static pc_status get_bool(struct loader *L, struct fy_node *n, int line,
                          const char *what, int *out)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
        *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        *out = 0;
    else
        return fail(L, node_line(n, line), "%s: '%s' is not true or false",
                    what, s);
    return PC_OK;
}

static pc_status get_severity(struct loader *L, struct fy_node *n, int line,
                              const char *what, pc_severity *out, int never_ok)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    if (pc_severity_parse(s, out) != 0 || (!never_ok && *out == PC_SEV_NEVER))
        return fail(L, node_line(n, line), "%s: '%s' is not one of error, "
                    "warning, info%s", what, s, never_ok ? ", never" : "");
    return PC_OK;
}

/* Checks that a node is a mapping; `keys` lists the keys allowed in it. */
static pc_status need_mapping(struct loader *L, struct fy_node *n, int line,
                              const char *what, const char *const *keys)
{
    if (!n || !fy_node_is_mapping(n))
        return fail(L, node_line(n, line), "%s must be a mapping of keys",
                    what);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        const char *name = k && fy_node_is_scalar(k) ? fy_node_get_scalar0(k)
                                                     : NULL;
        int ok = 0;
        for (const char *const *q = keys; name && *q; q++)
            ok |= strcmp(name, *q) == 0;
        if (!ok) {
            char list[512] = "";
            for (const char *const *q = keys; *q; q++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%s",
                         q == keys ? "" : ", ", *q);
            }
            return fail(L, node_line(k, line), "unknown key '%s' in %s "
                        "(expected one of: %s)", name ? name : "?", what, list);
        }
    }
    return PC_OK;
}

/* Value of `key` in mapping n, or NULL; *kline gets the key's line. */
static struct fy_node *lookup(struct fy_node *n, const char *key, int *kline,
                              int line)
{
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        if (k && fy_node_is_scalar(k) && !strcmp(fy_node_get_scalar0(k), key)) {
            if (kline)
                *kline = node_line(k, line);
            return fy_node_pair_value(p);
        }
    }
    if (kline)
        *kline = line;
    return NULL;
}

/* Resolves a path from the plan file relative to the plan's directory. */
static char *resolve(const pc_plan *plan, const char *p)
{
    if (p[0] == '/' || !plan->dir[0])
        return pc_strdup(p);
    return pc_aprintf("%s/%s", plan->dir, p);
}

static pc_status load_tolerance(struct loader *L, struct fy_node *n, int line,
                                const char *what, pc_tolerance *tol)
{
    static const char *const keys[] = {"abs_m2", "rel_pct", "approx_rel_pct",
                                       NULL};
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    if ((v = lookup(n, "abs_m2", &kl, line)) &&
        (st = get_number(L, v, kl, "tolerance.abs_m2", &tol->abs_m2)) != PC_OK)
        return st;
    if ((v = lookup(n, "rel_pct", &kl, line)) &&
        (st = get_number(L, v, kl, "tolerance.rel_pct", &tol->rel_pct)) != PC_OK)
        return st;
    if ((v = lookup(n, "approx_rel_pct", &kl, line)) &&
        (st = get_number(L, v, kl, "tolerance.approx_rel_pct",
                         &tol->approx_rel_pct)) != PC_OK)
        return st;
    return PC_OK;
}

static pc_status load_area(struct loader *L, struct fy_node *n, int line,
                           const char *what, pc_plan_area *a)
{
    static const char *const keys[] = {"field", "unit_field", "unit",
                                       "approx_field", NULL};
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    a->line = node_line(n, line);
    int kl;
    struct fy_node *v;
    if (!(v = lookup(n, "field", &kl, line)))
        return fail(L, a->line, "%s needs `field:` (the attribute holding the "
                    "declared figure)", what);
    if ((st = get_string(L, v, kl, "field", &a->value_field)) != PC_OK)
        return st;
    if ((v = lookup(n, "unit_field", &kl, line)) &&
        (st = get_string(L, v, kl, "unit_field", &a->unit_field)) != PC_OK)
        return st;
    if ((v = lookup(n, "approx_field", &kl, line)) &&
        (st = get_string(L, v, kl, "approx_field", &a->approx_field)) != PC_OK)
        return st;
    if ((v = lookup(n, "unit", &kl, line))) {
        if ((st = get_string(L, v, kl, "unit", &a->unit)) != PC_OK)
            return st;
        pc_unit u;
        if (pc_unit_parse(a->unit, &u) != 0)
            return fail(L, node_line(v, kl), "unknown unit '%s' (expected "
                        "亩/mu, 公顷/ha, 平方公里/km2, 平方米/m2, 万平方米 or "
                        "万亩)", a->unit);
    }
    if (!a->unit_field == !a->unit)
        return fail(L, a->line, "%s needs exactly one of `unit_field:` (an "
                    "attribute holding the unit) or `unit:` (one unit for "
                    "all features)", what);
    return PC_OK;
}

/* `aliases:` of a layer: a mapping of field names to display names (QGIS
 * field aliases in the output). A field named twice is an error. */
static pc_status load_aliases(struct loader *L, struct fy_node *n, int line,
                              const char *id, pc_plan_layer *pl)
{
    if (!fy_node_is_mapping(n))
        return fail(L, node_line(n, line), "layers.%s.aliases must be a "
                    "mapping of field: alias", id);
    size_t count = (size_t)fy_node_mapping_item_count(n);
    pl->alias_fields = calloc(count ? count : 1, sizeof *pl->alias_fields);
    pl->aliases = calloc(count ? count : 1, sizeof *pl->aliases);
    if (!pl->alias_fields || !pl->aliases)
        return PC_OOM(L->ctx);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        pc_status st;
        struct fy_node *k = fy_node_pair_key(p);
        int kl = node_line(k, line);
        const char *field = scalar(L, k, kl, "an alias's field name", &st);
        if (!field)
            return st;
        for (size_t i = 0; i < pl->naliases; i++)
            if (!strcmp(pl->alias_fields[i], field))
                return fail(L, kl, "layers.%s.aliases: field '%s' is given "
                            "twice", id, field);
        size_t i = pl->naliases;
        if (!(pl->alias_fields[i] = pc_strdup(field)))
            return PC_OOM(L->ctx);
        pl->naliases++;
        char what[256];
        snprintf(what, sizeof what, "layers.%s.aliases.%s", id, field);
        if ((st = get_string(L, fy_node_pair_value(p), kl, what,
                             &pl->aliases[i])) != PC_OK)
            return st;
    }
    return PC_OK;
}

static pc_status load_layer(struct loader *L, const char *id,
                            struct fy_node *n, int line, pc_plan_layer *pl)
{
    static const char *const keys[] = {"source", "layer", "crs", "assign_crs",
                                       "encoding", "key", "declared_area", "tolerance",
                                       "style", "title", "description",
                                       "aliases", NULL};
    char what[256];
    snprintf(what, sizeof what, "layers.%s", id);
    pl->line = line;
    pl->id = pc_strdup(id);
    if (!pl->id)
        return PC_OOM(L->ctx);
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    if (!(v = lookup(n, "source", &kl, line)))
        return fail(L, line, "%s needs `source:` (a file path relative to the "
                    "plan file)", what);
    if ((st = get_string(L, v, kl, "source", &pl->source_as_written)) != PC_OK)
        return st;
    if (!(pl->source = resolve(L->plan, pl->source_as_written)))
        return PC_OOM(L->ctx);
    if ((v = lookup(n, "layer", &kl, line)) &&
        (st = get_string(L, v, kl, "layer", &pl->layer)) != PC_OK)
        return st;
    if ((v = lookup(n, "crs", &kl, line)) &&
        (st = get_string(L, v, kl, "crs", &pl->crs)) != PC_OK)
        return st;
    if ((v = lookup(n, "assign_crs", &kl, line))) {
        if ((st = get_string(L, v, kl, "assign_crs", &pl->assign_crs)) != PC_OK)
            return st;
        if (pl->crs)
            return fail(L, kl, "%s: give `crs:` (used when the data has no "
                        "CRS) or `assign_crs:` (replaces the data's CRS), not "
                        "both", what);
    }
    if ((v = lookup(n, "encoding", &kl, line)) &&
        (st = get_string(L, v, kl, "encoding", &pl->encoding)) != PC_OK)
        return st;
    if ((v = lookup(n, "key", &kl, line)) &&
        (st = get_string(L, v, kl, "key", &pl->key_field)) != PC_OK)
        return st;
    if ((v = lookup(n, "style", &kl, line))) {
        if ((st = get_string(L, v, kl, "style", &pl->style)) != PC_OK)
            return st;
        if (!pc_style_get(pl->style))
            return fail(L, node_line(v, kl), "%s: unknown style '%s' "
                        "(expected one of: %s)", what, pl->style,
                        pc_style_names());
    }
    if ((v = lookup(n, "title", &kl, line)) &&
        (st = get_string(L, v, kl, "title", &pl->title)) != PC_OK)
        return st;
    if ((v = lookup(n, "description", &kl, line)) &&
        (st = get_string(L, v, kl, "description", &pl->description)) != PC_OK)
        return st;
    if ((v = lookup(n, "aliases", &kl, line)) &&
        (st = load_aliases(L, v, kl, id, pl)) != PC_OK)
        return st;
    pl->tol = L->plan->tol;
    if ((v = lookup(n, "tolerance", &kl, line))) {
        snprintf(what, sizeof what, "layers.%s.tolerance", id);
        if ((st = load_tolerance(L, v, kl, what, &pl->tol)) != PC_OK)
            return st;
        pl->has_tolerance = 1;
    }
    if ((v = lookup(n, "declared_area", &kl, line))) {
        snprintf(what, sizeof what, "layers.%s.declared_area", id);
        size_t count = fy_node_is_sequence(v) ? (size_t)fy_node_sequence_item_count(v) : 1;
        pl->areas = calloc(count ? count : 1, sizeof *pl->areas);
        if (!pl->areas)
            return PC_OOM(L->ctx);
        if (fy_node_is_sequence(v)) {
            void *it = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
                if ((st = load_area(L, item, kl, what,
                                    &pl->areas[pl->nareas++])) != PC_OK)
                    return st;
            }
        } else if ((st = load_area(L, v, kl, what, &pl->areas[pl->nareas++])) !=
                   PC_OK) {
            return st;
        }
    }
    return PC_OK;
}

/* A list of strings: a YAML sequence of scalars, or one scalar. */
static pc_status get_string_list(struct loader *L, struct fy_node *n, int line,
                                 const char *what, char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    size_t cap = fy_node_is_sequence(n) ? (size_t)fy_node_sequence_item_count(n)
                                        : 1;
    char **list = calloc(cap ? cap : 1, sizeof *list);
    if (!list)
        return PC_OOM(L->ctx);
    pc_status st = PC_OK;
    if (fy_node_is_sequence(n)) {
        void *it = NULL;
        struct fy_node *item;
        while (st == PC_OK && (item = fy_node_sequence_iterate(n, &it)))
            st = get_string(L, item, line, what, &list[(*count)++]);
    } else {
        st = get_string(L, n, line, what, &list[(*count)++]);
    }
    *out = list;
    return st;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

static pc_status get_where(struct loader *L, struct fy_node *n, int line,
                           const char *what, pc_plan_where *w)
{
    static const char *const keys[] = {"field", "values", NULL};
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    if (!(v = lookup(n, "field", &kl, line)) || !lookup(n, "values", NULL, line))
        return fail(L, node_line(n, line), "%s needs `field:` and `values:` "
                    "(the feature filter)", what);
    if ((st = get_string(L, v, kl, "field", &w->field)) != PC_OK)
        return st;
    v = lookup(n, "values", &kl, line);
    return get_string_list(L, v, kl, "values", &w->values, &w->nvalues);
}

static int is_line_rule(pc_rule_kind k)
{
    return k == PC_RULE_CORRIDOR || k == PC_RULE_INTRUSION ||
           k == PC_RULE_CORRIDOR_OVERLAP || k == PC_RULE_CONNECTIVITY ||
           k == PC_RULE_CROSSINGS;
}

static void free_lines(pc_plan_lines *o)
{
    if (!o)
        return;
    free(o->width_field);
    free(o->class_field);
    free_list(o->width_values, o->nwidths);
    free(o->widths);
    free(o->land_take.value_field);
    free(o->land_take.unit_field);
    free(o->land_take.unit);
    free(o->land_take.approx_field);
    free(o->length_field);
    free(o->length_approx_field);
    free(o->from_field);
    free(o->to_field);
    free(o->points);
    free(o->crossed_field);
    free(o);
}

/* `widths: {主干路: 40, 次干路: 24}`: red-line width by class value. */
static pc_status load_widths(struct loader *L, struct fy_node *n, int line,
                             pc_plan_lines *o)
{
    if (!fy_node_is_mapping(n))
        return fail(L, node_line(n, line), "widths must map class values to "
                    "red-line widths in m, e.g. `{主干路: 40}`");
    size_t cap = (size_t)fy_node_mapping_item_count(n);
    o->width_values = calloc(cap + 1, sizeof *o->width_values);
    o->widths = calloc(cap + 1, sizeof *o->widths);
    if (!o->width_values || !o->widths)
        return PC_OOM(L->ctx);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        int kl = node_line(k, line);
        if (!k || !fy_node_is_scalar(k))
            return fail(L, kl, "widths: class values must be plain text");
        pc_status st = get_number(L, fy_node_pair_value(p), kl, "widths",
                                  &o->widths[o->nwidths]);
        if (st != PC_OK)
            return st;
        if (!(o->width_values[o->nwidths++] = pc_strdup(fy_node_get_scalar0(k))))
            return PC_OOM(L->ctx);
    }
    return PC_OK;
}

/* The options only line rules have; the caller checked the keys. */
static pc_status load_lines(struct loader *L, struct fy_node *n, int line,
                            const char *what, pc_plan_lines *o)
{
    static const struct {
        const char *key;
        size_t offset;
    } strings[] = {
        {"width_field", offsetof(pc_plan_lines, width_field)},
        {"class_field", offsetof(pc_plan_lines, class_field)},
        {"length_field", offsetof(pc_plan_lines, length_field)},
        {"length_approx_field", offsetof(pc_plan_lines, length_approx_field)},
        {"from_field", offsetof(pc_plan_lines, from_field)},
        {"to_field", offsetof(pc_plan_lines, to_field)},
        {"points", offsetof(pc_plan_lines, points)},
        {"crossed_field", offsetof(pc_plan_lines, crossed_field)},
    }, numbers[] = {
        {"default_width_m", offsetof(pc_plan_lines, default_width_m)},
        {"mitre_limit", offsetof(pc_plan_lines, mitre_limit)},
        {"allowed_length_m", offsetof(pc_plan_lines, allowed_length_m)},
        {"snap_m", offsetof(pc_plan_lines, snap_m)},
        {"tolerance_m", offsetof(pc_plan_lines, tolerance_m)},
    };
    static const char *const length_keys[] = {"abs_m", "rel_pct",
                                              "approx_rel_pct", NULL};
    int kl;
    struct fy_node *v;
    pc_status st = PC_OK;
    /* defaults: lengths to 1 m or 0.1 % (约 figures 5 %), ends within
     * 0.5 m, declared crossings within 5 m; land take as the plan's areas */
    o->length_abs_m = 1;
    o->length_rel_pct = 0.1;
    o->length_approx_rel_pct = 5;
    o->snap_m = 0.5;
    o->tolerance_m = 5;
    o->dangle_severity = PC_SEV_WARNING;
    o->land_take_tol = L->plan->tol;
    for (size_t k = 0; k < sizeof strings / sizeof strings[0] && st == PC_OK; k++)
        if ((v = lookup(n, strings[k].key, &kl, line)))
            st = get_string(L, v, kl, strings[k].key,
                            (char **)((char *)o + strings[k].offset));
    for (size_t k = 0; k < sizeof numbers / sizeof numbers[0] && st == PC_OK; k++)
        if ((v = lookup(n, numbers[k].key, &kl, line)))
            st = get_number(L, v, kl, numbers[k].key,
                            (double *)((char *)o + numbers[k].offset));
    if (st == PC_OK && (v = lookup(n, "widths", &kl, line)))
        st = load_widths(L, v, kl, o);
    if (st == PC_OK && (v = lookup(n, "dangles", &kl, line)))
        st = get_bool(L, v, kl, "dangles", &o->dangles);
    if (st == PC_OK && (v = lookup(n, "dangle_severity", &kl, line)))
        st = get_severity(L, v, kl, "dangle_severity", &o->dangle_severity, 0);
    if (st == PC_OK && (v = lookup(n, "land_take", &kl, line))) {
        char w[96];
        snprintf(w, sizeof w, "%s.land_take", what);
        st = load_area(L, v, kl, w, &o->land_take);
        o->has_land_take = st == PC_OK;
    }
    if (st == PC_OK && (v = lookup(n, "land_take_tolerance", &kl, line)))
        st = load_tolerance(L, v, kl, "land_take_tolerance",
                            &o->land_take_tol);
    if (st == PC_OK && (v = lookup(n, "length_tolerance", &kl, line)) &&
        (st = need_mapping(L, v, kl, "length_tolerance", length_keys)) ==
            PC_OK) {
        struct fy_node *x;
        int xl;
        if ((x = lookup(v, "abs_m", &xl, kl)))
            st = get_number(L, x, xl, "abs_m", &o->length_abs_m);
        if (st == PC_OK && (x = lookup(v, "rel_pct", &xl, kl)))
            st = get_number(L, x, xl, "rel_pct", &o->length_rel_pct);
        if (st == PC_OK && (x = lookup(v, "approx_rel_pct", &xl, kl)))
            st = get_number(L, x, xl, "approx_rel_pct",
                            &o->length_approx_rel_pct);
    }
    return st;
}

/* "约65.77 平方公里", "3000 亩", "1,412 亩": a figure as the plan prints it,
 * an optional 约, a number and a unit. */
static pc_status get_stated_area(struct loader *L, struct fy_node *n, int line,
                                 const char *what, pc_stated_area *a)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    line = node_line(n, line);
    char *text = pc_strdup(s), unit[128];
    if (!text)
        return PC_OOM(L->ctx);
    a->text = text;
    if (pc_figure_parse(s, &a->value, &a->approx, unit, sizeof unit) != 0 ||
        a->value < 0)
        return fail(L, line, "%s: '%s' is not a figure as printed (expected "
                    "e.g. `约65.77 平方公里` or `3000 亩`)", what, s);
    if (pc_unit_parse(unit, &a->unit) != 0)
        return fail(L, line, "%s: '%s' has %s unit '%s' (expected 亩/mu, "
                    "公顷/ha, 平方公里/km2, 平方米/m2, 万平方米 or 万亩)",
                    what, s, *unit ? "an unknown" : "no", unit);
    return PC_OK;
}

static void free_zone_figure(pc_zone_figure *z)
{
    free((char *)z->key);
    free((char *)z->area.text);
    for (size_t k = 0; k < z->nchildren; k++)
        free((char *)z->children[k]);
    free((char **)z->children);
    for (size_t k = 0; k < z->nquotas; k++) {
        free((char *)z->quotas[k].cls);
        free((char *)z->quotas[k].at_most.text);
        free((char *)z->quotas[k].at_least.text);
    }
    free((pc_quota *)z->quotas);
    free((char *)z->source);
}

/* quotas: [{class: 工业用地, at_most: 约2000 亩}, ...] */
static pc_status load_quotas(struct loader *L, struct fy_node *n, int line,
                             const char *what, pc_zone_figure *z)
{
    static const char *const keys[] = {"class", "at_most", "at_least", NULL};
    if (!fy_node_is_sequence(n))
        return fail(L, node_line(n, line), "%s.quotas must be a list of "
                    "`{class: <用地用海 code or name>, at_most: <figure>}`",
                    what);
    size_t cap = (size_t)fy_node_sequence_item_count(n);
    pc_quota *q = calloc(cap ? cap : 1, sizeof *q);
    if (!q)
        return PC_OOM(L->ctx);
    z->quotas = q;
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
        int il = node_line(item, line), kl;
        pc_status st = need_mapping(L, item, il, "a quota", keys);
        if (st != PC_OK)
            return st;
        pc_quota *x = &q[z->nquotas++];
        x->line = il;
        struct fy_node *v;
        char *cls = NULL;
        if (!(v = lookup(item, "class", &kl, il)))
            return fail(L, il, "a quota needs `class:` (a 用地用海 code or "
                        "name, or a value of the class field)");
        if ((st = get_string(L, v, kl, "class", &cls)) != PC_OK)
            return st;
        x->cls = cls;
        if ((v = lookup(item, "at_most", &kl, il))) {
            x->has_at_most = 1;
            if ((st = get_stated_area(L, v, kl, "at_most", &x->at_most)) !=
                PC_OK)
                return st;
        }
        if ((v = lookup(item, "at_least", &kl, il))) {
            x->has_at_least = 1;
            if ((st = get_stated_area(L, v, kl, "at_least", &x->at_least)) !=
                PC_OK)
                return st;
        }
        if (!x->has_at_most && !x->has_at_least)
            return fail(L, il, "quota '%s' needs `at_most:` and/or "
                        "`at_least:`", x->cls);
    }
    return PC_OK;
}

static pc_status load_zone_figure(struct loader *L, const char *key,
                                  struct fy_node *n, int line,
                                  pc_zone_figure *z)
{
    static const char *const keys[] = {"area", "children", "children_sum",
                                       "quotas", "source", NULL};
    char what[256];
    snprintf(what, sizeof what, "figures.zones.%s", key);
    z->line = line;
    z->children_sum = 1;
    if (!(z->key = pc_strdup(key)))
        return PC_OOM(L->ctx);
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    if ((v = lookup(n, "area", &kl, line))) {
        z->has_area = 1;
        if ((st = get_stated_area(L, v, kl, "area", &z->area)) != PC_OK)
            return st;
    }
    if ((v = lookup(n, "children", &kl, line))) {
        char **list;
        st = get_string_list(L, v, kl, "children", &list, &z->nchildren);
        z->children = (const char *const *)list;
        if (st != PC_OK)
            return st;
        for (size_t k = 0; k < z->nchildren; k++)
            if (!strcmp(z->children[k], key))
                return fail(L, kl, "%s: a zone cannot be its own part", what);
    }
    if ((v = lookup(n, "children_sum", &kl, line)) &&
        (st = get_bool(L, v, kl, "children_sum", &z->children_sum)) != PC_OK)
        return st;
    if ((v = lookup(n, "source", &kl, line))) {
        char *src = NULL;
        st = get_string(L, v, kl, "source", &src);
        z->source = src;
        if (st != PC_OK)
            return st;
    }
    if ((v = lookup(n, "quotas", &kl, line)) &&
        (st = load_quotas(L, v, kl, what, z)) != PC_OK)
        return st;
    if (!z->has_area && !z->nchildren && !z->nquotas)
        return fail(L, line, "%s states nothing (give `area:`, `children:` "
                    "or `quotas:`)", what);
    return PC_OK;
}

/* Index of zone `key` in the figures, or -1. */
static int figure_index(const pc_plan_figures *f, const char *key)
{
    for (size_t i = 0; i < f->nzones; i++)
        if (!strcmp(f->zones[i].key, key))
            return (int)i;
    return -1;
}

/* A zone that is its own ancestor through `children` makes sums and
 * roll-ups meaningless: a plan file error, found by a depth-first walk. */
static pc_status check_cycles(struct loader *L)
{
    const pc_plan_figures *f = &L->plan->figures;
    size_t n = f->nzones;
    int *stack = calloc(n + 1, sizeof *stack), *next = calloc(n + 1,
                                                              sizeof *next);
    unsigned char *state = calloc(n + 1, 1); /* 0 new, 1 open, 2 done */
    pc_status st = PC_OK;
    if (!stack || !next || !state)
        st = PC_OOM(L->ctx);
    for (size_t root = 0; root < n && st == PC_OK; root++) {
        if (state[root])
            continue;
        size_t depth = 0;
        stack[depth] = (int)root;
        next[depth] = 0;
        state[root] = 1;
        while (st == PC_OK) {
            const pc_zone_figure *z = &f->zones[stack[depth]];
            if ((size_t)next[depth] >= z->nchildren) {
                state[stack[depth]] = 2;
                if (depth == 0)
                    break;
                depth--;
                continue;
            }
            int c = figure_index(f, z->children[next[depth]++]);
            if (c < 0 || state[c] == 2)
                continue;
            if (state[c] == 1) {
                st = fail(L, z->line, "figures.zones: '%s' is its own "
                          "ancestor through `children` (via '%s')",
                          f->zones[c].key, z->key);
                break;
            }
            state[c] = 1;
            stack[++depth] = c;
            next[depth] = 0;
        }
    }
    free(stack);
    free(next);
    free(state);
    return st;
}

/* figures: the plan's own figures for its zones, read after `layers:`. */
static pc_status load_figures(struct loader *L, struct fy_node *n, int line)
{
    static const char *const keys[] = {"layer", "zones", NULL};
    pc_plan_figures *f = &L->plan->figures;
    pc_status st = need_mapping(L, n, line, "figures", keys);
    if (st != PC_OK)
        return st;
    f->line = line;
    int kl;
    struct fy_node *v;
    if (!(v = lookup(n, "layer", &kl, line)))
        return fail(L, line, "figures needs `layer:` (the plan layer holding "
                    "the zones, by its key)");
    if ((st = get_string(L, v, kl, "figures.layer", &f->layer)) != PC_OK)
        return st;
    int li = pc_plan_layer_index(L->plan, f->layer);
    if (li < 0)
        return fail(L, kl, "figures names layer '%s', which is not under "
                    "`layers:`", f->layer);
    if (!L->plan->layers[li].key_field)
        return fail(L, kl, "figures: layer '%s' needs `key:` (zones are "
                    "named by their key)", f->layer);
    if (!(v = lookup(n, "zones", &kl, line)))
        return fail(L, line, "figures needs `zones:` (zone key -> what the "
                    "plan states about it)");
    if (!fy_node_is_mapping(v))
        return fail(L, node_line(v, kl), "figures.zones must map zone keys "
                    "to `{area: ..., children: [...]}`");
    size_t cap = (size_t)fy_node_mapping_item_count(v);
    if (!(f->zones = calloc(cap ? cap : 1, sizeof *f->zones)))
        return PC_OOM(L->ctx);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(v, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        int zl = node_line(k, kl);
        if (!k || !fy_node_is_scalar(k))
            return fail(L, zl, "figures.zones: zone keys must be plain text");
        const char *key = fy_node_get_scalar0(k);
        if (figure_index(f, key) >= 0)
            return fail(L, zl, "figures.zones: zone '%s' appears twice", key);
        if ((st = load_zone_figure(L, key, fy_node_pair_value(p), zl,
                                   &f->zones[f->nzones++])) != PC_OK)
            return st;
    }
    return check_cycles(L);
}

/* identifiers: / values: of an sql rule, as {name} placeholders. */
static pc_status load_sql_params(struct loader *L, struct fy_node *n,
                                 int line, int identifier, pc_sql_param **ps,
                                 size_t *nps)
{
    const char *what = identifier ? "identifiers" : "values";
    if (!fy_node_is_mapping(n))
        return fail(L, node_line(n, line), "%s must map placeholder names to "
                    "text, e.g. `{zone: parent}`", what);
    size_t cap = *nps + (size_t)fy_node_mapping_item_count(n);
    pc_sql_param *p = realloc(*ps, (cap ? cap : 1) * sizeof *p);
    if (!p)
        return PC_OOM(L->ctx);
    *ps = p;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pair);
        int kl = node_line(k, line);
        pc_status st;
        if (!k || !fy_node_is_scalar(k))
            return fail(L, kl, "%s: names must be plain text", what);
        const char *name = fy_node_get_scalar0(k);
        const char *value = scalar(L, fy_node_pair_value(pair), kl, name, &st);
        if (!value)
            return st;
        for (size_t q = 0; q < *nps; q++)
            if (!strcmp(p[q].name, name))
                return fail(L, kl, "placeholder {%s} is defined twice", name);
        p[(*nps)++] = (pc_sql_param){name, value, identifier};
    }
    return PC_OK;
}

/* The query of an sql rule, its placeholders expanded: names from the
 * plan file become quoted identifiers or literals, never pasted SQL. */
static pc_status load_sql(struct loader *L, struct fy_node *n, int line,
                          pc_plan_rule *t)
{
    int kl;
    struct fy_node *v;
    pc_status st = PC_OK;
    char *query = NULL;
    pc_sql_param *ps = NULL;
    size_t nps = 0;
    if (!(v = lookup(n, "id", &kl, line)))
        return fail(L, line, "rules.sql needs `id:` (findings are "
                    "sql.<id>)");
    if ((st = get_string(L, v, kl, "id", &t->sql_id)) != PC_OK)
        return st;
    for (const char *c = t->sql_id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return fail(L, kl, "rules.sql: id '%s' may hold only letters, "
                        "digits, _ and -", t->sql_id);
    for (size_t k = 0; k < L->plan->nrules; k++)
        if (L->plan->rules[k].kind == PC_RULE_SQL &&
            !strcmp(L->plan->rules[k].sql_id, t->sql_id))
            return fail(L, kl, "rules.sql: id '%s' is used twice (also on "
                        "line %d)", t->sql_id, L->plan->rules[k].line);
    if (!(v = lookup(n, "query", &kl, line)))
        return fail(L, line, "rules.sql '%s' needs `query:` (a SELECT whose "
                    "rows are findings)", t->sql_id);
    if ((st = get_string(L, v, kl, "query", &query)) != PC_OK)
        return st;
    int ql = kl;
    if ((v = lookup(n, "identifiers", &kl, line)))
        st = load_sql_params(L, v, kl, 1, &ps, &nps);
    if (st == PC_OK && (v = lookup(n, "values", &kl, line)))
        st = load_sql_params(L, v, kl, 0, &ps, &nps);
    if (st == PC_OK &&
        (st = pc_sql_expand(L->ctx, query, ps, nps, &t->query)) != PC_OK)
        st = pc_error_prefix(L->ctx, st, "%s:%d: rules.sql '%s'", L->path, ql,
                             t->sql_id);
    free(query);
    free(ps);
    return st;
}

/* Index of the first rule of `kind` on `layer`, or -1. */
static int find_rule(const pc_plan *plan, pc_rule_kind kind, const char *layer)
{
    for (size_t k = 0; k < plan->nrules; k++)
        if (plan->rules[k].kind == kind && !strcmp(plan->rules[k].layer, layer))
            return (int)k;
    return -1;
}

/* Appends a zeroed rule of `kind` with the defaults every rule shares. */
static pc_plan_rule *new_rule(struct loader *L, pc_rule_kind kind, int line,
                              pc_severity severity)
{
    pc_plan *plan = L->plan;
    pc_plan_rule *r = realloc(plan->rules, (plan->nrules + 1) * sizeof *r);
    if (!r)
        return NULL;
    plan->rules = r;
    r = &plan->rules[plan->nrules++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->line = line;
    r->severity = severity;
    r->min_area_m2 = 0.01;
    r->tolerance_m2 = 0.01;
    return r;
}

/* The options one rule entry may carry; `allowed` lists its keys. */
struct rule_spec {
    const char *name;
    pc_rule_kind kind;
    pc_severity severity;
    const char *const *keys;
    int per_layer; /* `layers:` expands to one rule per layer */
};

static pc_status load_rule_entry(struct loader *L, const struct rule_spec *spec,
                                 struct fy_node *n, int line)
{
    char what[64];
    snprintf(what, sizeof what, "rules.%s", spec->name);
    pc_status st = need_mapping(L, n, line, what, spec->keys);
    if (st != PC_OK)
        return st;
    line = node_line(n, line);
    /* read the options into a template rule */
    pc_plan_rule t;
    memset(&t, 0, sizeof t);
    t.kind = spec->kind;
    t.line = line;
    t.severity = spec->severity;
    t.min_area_m2 = 0.01;
    t.tolerance_m2 =
        spec->kind == PC_RULE_SQSX || spec->kind == PC_RULE_FIGURES ? 1.0
                                                                    : 0.01;
    t.tolerance_m = 1.0;
    int kl, enabled = 1;
    struct fy_node *v;
    char **layers = NULL;
    size_t nlayers = 0;
    static const struct {
        const char *key;
        size_t offset;
    } numbers[] = {
        {"min_area_m2", offsetof(pc_plan_rule, min_area_m2)},
        {"max_area_m2", offsetof(pc_plan_rule, max_area_m2)},
        {"max_width_m", offsetof(pc_plan_rule, max_width_m)},
        {"tolerance_m2", offsetof(pc_plan_rule, tolerance_m2)},
        {"min_thinness", offsetof(pc_plan_rule, min_thinness)},
        {"min_width_m", offsetof(pc_plan_rule, min_width_m)},
        {"inside_tolerance_m2", offsetof(pc_plan_rule, tolerance_m2)},
        {"max_distance_m", offsetof(pc_plan_rule, max_distance_m)},
        {"tolerance_m", offsetof(pc_plan_rule, tolerance_m)},
        {"min_inside_pct", offsetof(pc_plan_rule, min_inside_pct)},
    };
    static const struct {
        const char *key;
        size_t offset;
    } strings[] = {
        {"layer", offsetof(pc_plan_rule, layer)},
        {"a", offsetof(pc_plan_rule, layer)},
        {"construction", offsetof(pc_plan_rule, layer)},
        {"b", offsetof(pc_plan_rule, layer2)},
        {"container", offsetof(pc_plan_rule, layer2)},
        {"boundary", offsetof(pc_plan_rule, layer2)},
        {"urban_boundary", offsetof(pc_plan_rule, layer2)},
        {"lines", offsetof(pc_plan_rule, layer2)},
        {"target", offsetof(pc_plan_rule, layer2)},
        {"parcels", offsetof(pc_plan_rule, layer2)},
        {"key_field", offsetof(pc_plan_rule, key_field)},
        {"distance_field", offsetof(pc_plan_rule, distance_field)},
        {"ref_field", offsetof(pc_plan_rule, ref_field)},
        {"farmland", offsetof(pc_plan_rule, farmland)},
        {"eco_redline", offsetof(pc_plan_rule, eco_redline)},
        {"field", offsetof(pc_plan_rule, field)},
        {"zone_field", offsetof(pc_plan_rule, zone_field)},
    };
    for (size_t k = 0; k < sizeof numbers / sizeof numbers[0] && st == PC_OK; k++)
        if ((v = lookup(n, numbers[k].key, &kl, line)))
            st = get_number(L, v, kl, numbers[k].key,
                            (double *)((char *)&t + numbers[k].offset));
    for (size_t k = 0; k < sizeof strings / sizeof strings[0] && st == PC_OK; k++)
        if ((v = lookup(n, strings[k].key, &kl, line)))
            st = get_string(L, v, kl, strings[k].key,
                            (char **)((char *)&t + strings[k].offset));
    if (st == PC_OK && (v = lookup(n, "severity", &kl, line)))
        st = get_severity(L, v, kl, "severity", &t.severity, 0);
    if (st == PC_OK && (v = lookup(n, "enabled", &kl, line)))
        st = get_bool(L, v, kl, "enabled", &enabled);
    if (st == PC_OK && (v = lookup(n, "allow_selftouching_rings", &kl, line)))
        st = get_bool(L, v, kl, "allow_selftouching_rings",
                      &t.allow_selftouching_rings);
    if (st == PC_OK && (v = lookup(n, "repair", &kl, line)))
        st = get_bool(L, v, kl, "repair", &t.repair);
    if (st == PC_OK && (v = lookup(n, "duplicates", &kl, line)))
        st = get_bool(L, v, kl, "duplicates", &t.duplicates);
    if (st == PC_OK && ((v = lookup(n, "where", &kl, line)) ||
                        (v = lookup(n, "where_a", &kl, line))))
        st = get_where(L, v, kl, "where", &t.where);
    if (st == PC_OK && ((v = lookup(n, "where_b", &kl, line)) ||
                        (v = lookup(n, "where_line", &kl, line)) ||
                        (v = lookup(n, "where_target", &kl, line)) ||
                        (v = lookup(n, "where_container", &kl, line))))
        st = get_where(L, v, kl, "where_b", &t.where2);
    if (st == PC_OK && is_line_rule(spec->kind)) {
        if (!(t.lines = calloc(1, sizeof *t.lines)))
            st = PC_OOM(L->ctx);
        else
            st = load_lines(L, n, line, what, t.lines);
    }
    if (st == PC_OK && spec->kind == PC_RULE_QUOTAS &&
        (v = lookup(n, "class_field", &kl, line)))
        st = get_string(L, v, kl, "class_field", &t.field);
    if (st == PC_OK && spec->kind == PC_RULE_SQL)
        st = load_sql(L, n, line, &t);
    /* the zones of `figures:` are the layer of the reconciliation rules */
    if (st == PC_OK && (spec->kind == PC_RULE_FIGURES ||
                        spec->kind == PC_RULE_CAPACITY ||
                        spec->kind == PC_RULE_QUOTAS)) {
        if (!L->plan->figures.layer)
            st = fail(L, line, "%s needs the plan's `figures:` (the zones and "
                      "what the plan states about them)", what);
        else if (!(t.layer = pc_strdup(L->plan->figures.layer)))
            st = PC_OOM(L->ctx);
    }
    int layers_named = 0;
    if (st == PC_OK && (v = lookup(n, "layers", &kl, line))) {
        st = get_string_list(L, v, kl, "layers", &layers, &nlayers);
        layers_named = 1;
    }
    if (st == PC_OK && spec->per_layer && !layers && !t.layer) {
        /* no `layers:`: every layer of the plan the rule applies to */
        layers = calloc(L->plan->nlayers ? L->plan->nlayers : 1, sizeof *layers);
        for (size_t k = 0; layers && k < L->plan->nlayers; k++) {
            const pc_plan_layer *pl = &L->plan->layers[k];
            if ((spec->kind == PC_RULE_DUPLICATE_KEYS && !pl->key_field) ||
                (spec->kind == PC_RULE_UNITS_AGREE && pl->nareas < 2))
                continue;
            layers[nlayers++] = pc_strdup(pl->id);
        }
        if (!layers)
            st = PC_OOM(L->ctx);
    }
    for (size_t k = 0; st == PC_OK && layers_named && k < nlayers; k++) {
        int li = pc_plan_layer_index(L->plan, layers[k]);
        if (li < 0)
            continue; /* reported below */
        const pc_plan_layer *pl = &L->plan->layers[li];
        if (spec->kind == PC_RULE_DUPLICATE_KEYS && !pl->key_field)
            st = fail(L, kl, "%s: layer '%s' has no `key:` to compare", what,
                      pl->id);
        if (spec->kind == PC_RULE_UNITS_AGREE && pl->nareas < 2)
            st = fail(L, kl, "%s: layer '%s' declares %zu figure(s) under "
                      "`declared_area:`; comparing needs two", what, pl->id,
                      pl->nareas);
    }
    if (st == PC_OK && !spec->per_layer && !t.layer &&
        spec->kind != PC_RULE_SQL)
        st = fail(L, line, "%s needs the layer it checks (`%s:`)", what,
                  spec->kind == PC_RULE_OVERLAP_BETWEEN ||
                          spec->kind == PC_RULE_CORRIDOR_OVERLAP ||
                          spec->kind == PC_RULE_CROSSINGS
                      ? "a"
                  : spec->kind == PC_RULE_SQSX ? "construction"
                                               : "layer");
    if (st == PC_OK && (spec->kind == PC_RULE_OVERLAP_BETWEEN ||
                        spec->kind == PC_RULE_CONTAINMENT ||
                        spec->kind == PC_RULE_INTRUSION ||
                        spec->kind == PC_RULE_CROSSINGS ||
                        spec->kind == PC_RULE_CAPACITY ||
                        spec->kind == PC_RULE_QUOTAS ||
                        spec->kind == PC_RULE_NEAR ||
                        spec->kind == PC_RULE_LINES_WITHIN) && !t.layer2)
        st = fail(L, line, "%s needs `%s:`", what,
                  spec->kind == PC_RULE_CONTAINMENT ||
                          spec->kind == PC_RULE_LINES_WITHIN
                      ? "container"
                  : spec->kind == PC_RULE_INTRUSION ? "lines"
                  : spec->kind == PC_RULE_CAPACITY ||
                          spec->kind == PC_RULE_QUOTAS
                      ? "parcels"
                  : spec->kind == PC_RULE_NEAR ? "target"
                                               : "b");
    if (st == PC_OK && spec->kind == PC_RULE_QUOTAS && !t.field)
        st = fail(L, line, "%s needs `class_field:` (the parcels' land-use "
                  "attribute)", what);
    if (st == PC_OK && spec->kind == PC_RULE_NEAR && !(t.max_distance_m > 0) &&
        !t.distance_field)
        st = fail(L, line, "%s needs `max_distance_m:` (or `distance_field:`)",
                  what);
    if (st == PC_OK && spec->kind == PC_RULE_LINES_WITHIN &&
        t.min_inside_pct > 100)
        st = fail(L, line, "%s: min_inside_pct must be 0..100", what);
    if (st == PC_OK && (spec->kind == PC_RULE_CORRIDOR_OVERLAP ||
                        spec->kind == PC_RULE_CONNECTIVITY) && !t.layer2 &&
        t.layer && !(t.layer2 = pc_strdup(t.layer)))
        st = PC_OOM(L->ctx); /* within one layer */
    if (st == PC_OK && spec->kind == PC_RULE_CONNECTIVITY &&
        !t.lines->from_field && !t.lines->to_field)
        st = fail(L, line, "%s needs `from_field:` and/or `to_field:` (the "
                  "attributes naming the line each end must meet)", what);
    /* intrusion and corridor_overlap use the corridors of a corridor rule,
     * which the run executes first */
    const char *need[2] = {NULL, NULL};
    if (spec->kind == PC_RULE_INTRUSION)
        need[0] = t.layer2;
    if (spec->kind == PC_RULE_CORRIDOR_OVERLAP) {
        need[0] = t.layer;
        need[1] = t.layer2;
    }
    for (int k = 0; st == PC_OK && k < 2; k++)
        if (need[k] && find_rule(L->plan, PC_RULE_CORRIDOR, need[k]) < 0)
            st = fail(L, line, "%s: layer '%s' has no `corridor` rule (the "
                      "red-line widths come from it)", what, need[k]);
    if (st == PC_OK && spec->kind == PC_RULE_LANDUSE && !t.field)
        st = fail(L, line, "%s needs `field:` (the attribute holding the "
                  "用地用海 code or name)", what);
    if (st == PC_OK && spec->kind == PC_RULE_SQSX && !t.layer2 && !t.farmland &&
        !t.eco_redline)
        st = fail(L, line, "%s needs at least one of urban_boundary, farmland, "
                  "eco_redline", what);
    /* every layer id named must exist */
    const char *named[] = {t.layer, t.layer2, t.farmland, t.eco_redline,
                           t.lines ? t.lines->points : NULL};
    for (size_t k = 0; st == PC_OK && k < 5; k++)
        if (named[k] && pc_plan_layer_index(L->plan, named[k]) < 0)
            st = fail(L, line, "%s names layer '%s', which is not under "
                      "`layers:`", what, named[k]);
    for (size_t k = 0; st == PC_OK && k < nlayers; k++)
        if (pc_plan_layer_index(L->plan, layers[k]) < 0)
            st = fail(L, line, "%s names layer '%s', which is not under "
                      "`layers:`", what, layers[k]);
    if (st == PC_OK && enabled) {
        size_t count = spec->per_layer && layers ? nlayers : 1;
        for (size_t k = 0; k < count && st == PC_OK; k++) {
            pc_plan_rule *r = new_rule(L, spec->kind, line, t.severity);
            if (!r) {
                st = PC_OOM(L->ctx);
                break;
            }
            pc_plan_rule keep = *r;
            *r = t;
            r->kind = keep.kind;
            /* strings are owned per rule: copy them */
            const char *layer = spec->per_layer && layers ? layers[k] : t.layer;
            r->layer = pc_strdup(layer); /* NULL only for an sql rule */
            r->layer2 = pc_strdup(t.layer2);
            r->key_field = pc_strdup(t.key_field);
            r->farmland = pc_strdup(t.farmland);
            r->eco_redline = pc_strdup(t.eco_redline);
            r->lines = t.lines; /* line rules are never per layer */
            t.lines = NULL;
            r->field = pc_strdup(t.field);
            r->zone_field = pc_strdup(t.zone_field);
            r->sql_id = pc_strdup(t.sql_id);
            r->query = pc_strdup(t.query);
            r->distance_field = pc_strdup(t.distance_field);
            r->ref_field = pc_strdup(t.ref_field);
            memset(&r->where, 0, sizeof r->where);
            memset(&r->where2, 0, sizeof r->where2);
            r->where.field = pc_strdup(t.where.field);
            r->where2.field = pc_strdup(t.where2.field);
            r->where.values = calloc(t.where.nvalues + 1, sizeof(char *));
            r->where2.values = calloc(t.where2.nvalues + 1, sizeof(char *));
            if ((layer && !r->layer) || !r->where.values ||
                !r->where2.values) {
                st = PC_OOM(L->ctx);
                break;
            }
            for (size_t q = 0; q < t.where.nvalues; q++)
                r->where.values[r->where.nvalues++] = pc_strdup(t.where.values[q]);
            for (size_t q = 0; q < t.where2.nvalues; q++)
                r->where2.values[r->where2.nvalues++] =
                    pc_strdup(t.where2.values[q]);
        }
    }
    free(t.layer);
    free(t.layer2);
    free(t.key_field);
    free(t.farmland);
    free(t.eco_redline);
    free(t.field);
    free(t.zone_field);
    free(t.sql_id);
    free(t.query);
    free(t.distance_field);
    free(t.ref_field);
    free_lines(t.lines);
    free(t.where.field);
    free_list(t.where.values, t.where.nvalues);
    free(t.where2.field);
    free_list(t.where2.values, t.where2.nvalues);
    free_list(layers, nlayers);
    return st;
}

static pc_status load_rules(struct loader *L, struct fy_node *n, int line)
{
    static const char *const top[] = {
        "area", "validity", "overlap", "duplicates", "overlap_between",
        "containment", "gaps", "slivers", "sanqu_sanxian", "landuse",
        "corridor", "intrusion", "corridor_overlap", "connectivity",
        "crossings", "figures", "capacity", "quotas", "duplicate_keys",
        "units_agree", "sql", "near", "lines_within", NULL};
    static const char *const area_keys[] = {"enabled", "severity", NULL};
    static const char *const validity_keys[] = {
        "layers", "severity", "enabled", "allow_selftouching_rings", "repair",
        NULL};
    static const char *const overlap_keys[] = {
        "layers", "severity", "enabled", "min_area_m2", "duplicates", NULL};
    static const char *const dup_keys[] = {"layers", "severity", "enabled",
                                           NULL};
    static const char *const between_keys[] = {
        "a", "b", "severity", "enabled", "min_area_m2", "where_a", "where_b",
        NULL};
    static const char *const cont_keys[] = {
        "layer", "container", "key_field", "tolerance_m2", "severity",
        "enabled", "where", NULL};
    static const char *const gap_keys[] = {
        "layer", "boundary", "severity", "enabled", "min_area_m2",
        "max_area_m2", "max_width_m", NULL};
    static const char *const sliver_keys[] = {
        "layers", "severity", "enabled", "max_area_m2", "min_thinness",
        "min_width_m", NULL};
    static const char *const sqsx_keys[] = {
        "construction", "where", "urban_boundary", "farmland", "eco_redline",
        "tolerance_m2", "severity", "enabled", NULL};
    static const char *const landuse_keys[] = {
        "layer", "field", "zone_field", "severity", "enabled", NULL};
    static const char *const corridor_keys[] = {
        "layer", "width_field", "class_field", "widths", "default_width_m",
        "mitre_limit", "land_take", "land_take_tolerance", "length_field",
        "length_approx_field", "length_tolerance", "severity", "enabled",
        "where", NULL};
    static const char *const intrusion_keys[] = {
        "layer", "lines", "tolerance_m2", "severity", "enabled", "where",
        "where_line", NULL};
    static const char *const coverlap_keys[] = {
        "a", "b", "allowed_length_m", "tolerance_m2", "severity", "enabled",
        "where_a", "where_b", NULL};
    static const char *const connect_keys[] = {
        "layer", "target", "from_field", "to_field", "snap_m", "dangles",
        "dangle_severity", "severity", "enabled", "where", NULL};
    static const char *const crossing_keys[] = {
        "a", "b", "points", "tolerance_m", "crossed_field", "severity",
        "enabled", "where_a", "where_b", NULL};
    static const char *const figures_keys[] = {
        "inside_tolerance_m2", "severity", "enabled", NULL};
    static const char *const capacity_keys[] = {
        "parcels", "zone_field", "severity", "enabled", NULL};
    static const char *const quota_keys[] = {
        "parcels", "zone_field", "class_field", "severity", "enabled", NULL};
    static const char *const layers_keys[] = {"layers", "severity", "enabled",
                                              NULL};
    static const char *const sql_keys[] = {
        "id", "layer", "query", "identifiers", "values", "severity",
        "enabled", NULL};
    static const char *const near_keys[] = {
        "layer", "target", "max_distance_m", "distance_field", "ref_field",
        "severity", "enabled", "where", "where_target", NULL};
    static const char *const within_keys[] = {
        "layer", "container", "tolerance_m", "min_inside_pct", "severity",
        "enabled", "where", "where_container", NULL};
    static const struct rule_spec specs[] = {
        {"validity", PC_RULE_VALIDITY, PC_SEV_ERROR, validity_keys, 1},
        {"overlap", PC_RULE_OVERLAP, PC_SEV_ERROR, overlap_keys, 1},
        {"duplicates", PC_RULE_DUPLICATES, PC_SEV_ERROR, dup_keys, 1},
        {"overlap_between", PC_RULE_OVERLAP_BETWEEN, PC_SEV_ERROR, between_keys, 0},
        {"containment", PC_RULE_CONTAINMENT, PC_SEV_ERROR, cont_keys, 0},
        {"gaps", PC_RULE_GAPS, PC_SEV_WARNING, gap_keys, 0},
        {"slivers", PC_RULE_SLIVERS, PC_SEV_WARNING, sliver_keys, 1},
        {"sanqu_sanxian", PC_RULE_SQSX, PC_SEV_ERROR, sqsx_keys, 0},
        {"landuse", PC_RULE_LANDUSE, PC_SEV_ERROR, landuse_keys, 0},
        /* corridor first: intrusion and corridor_overlap use its corridors */
        {"corridor", PC_RULE_CORRIDOR, PC_SEV_ERROR, corridor_keys, 0},
        {"intrusion", PC_RULE_INTRUSION, PC_SEV_ERROR, intrusion_keys, 0},
        {"corridor_overlap", PC_RULE_CORRIDOR_OVERLAP, PC_SEV_WARNING,
         coverlap_keys, 0},
        {"connectivity", PC_RULE_CONNECTIVITY, PC_SEV_ERROR, connect_keys, 0},
        {"crossings", PC_RULE_CROSSINGS, PC_SEV_WARNING, crossing_keys, 0},
        {"figures", PC_RULE_FIGURES, PC_SEV_ERROR, figures_keys, 0},
        {"capacity", PC_RULE_CAPACITY, PC_SEV_WARNING, capacity_keys, 0},
        {"quotas", PC_RULE_QUOTAS, PC_SEV_ERROR, quota_keys, 0},
        {"duplicate_keys", PC_RULE_DUPLICATE_KEYS, PC_SEV_WARNING,
         layers_keys, 1},
        {"units_agree", PC_RULE_UNITS_AGREE, PC_SEV_WARNING, layers_keys, 1},
        {"near", PC_RULE_NEAR, PC_SEV_ERROR, near_keys, 0},
        {"lines_within", PC_RULE_LINES_WITHIN, PC_SEV_ERROR, within_keys, 0},
        {"sql", PC_RULE_SQL, PC_SEV_WARNING, sql_keys, 0},
    };
    pc_status st = need_mapping(L, n, line, "rules", top);
    if (st != PC_OK)
        return st;
    int kl, kl2;
    struct fy_node *area = lookup(n, "area", &kl, line), *v;
    if (area) {
        if ((st = need_mapping(L, area, kl, "rules.area", area_keys)) != PC_OK)
            return st;
        if ((v = lookup(area, "enabled", &kl2, kl)) &&
            (st = get_bool(L, v, kl2, "rules.area.enabled",
                           &L->plan->area_rule_enabled)) != PC_OK)
            return st;
        if ((v = lookup(area, "severity", &kl2, kl)) &&
            (st = get_severity(L, v, kl2, "rules.area.severity",
                               &L->plan->area_severity, 0)) != PC_OK)
            return st;
    }
    /* a fixed order: the run executes rules in the order listed here */
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        if (!(v = lookup(n, specs[k].name, &kl, line)))
            continue;
        if (fy_node_is_sequence(v)) {
            void *it = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(v, &it)))
                if ((st = load_rule_entry(L, &specs[k], item, kl)) != PC_OK)
                    return st;
        } else if ((st = load_rule_entry(L, &specs[k], v, kl)) != PC_OK) {
            return st;
        }
    }
    return PC_OK;
}

static int cmp_accepted(const void *a, const void *b)
{
    return strcmp(((const pc_plan_accepted *)a)->id,
                  ((const pc_plan_accepted *)b)->id);
}

/* accepted: findings the plan's authors have looked at and accept, by
 * stable id, each with the reason (an allow-list for `fail_on: new`). */
static pc_status load_accepted(struct loader *L, struct fy_node *n, int line)
{
    static const char *const keys[] = {"id", "reason", NULL};
    pc_plan *plan = L->plan;
    if (!fy_node_is_sequence(n))
        return fail(L, node_line(n, line), "accepted must be a list of "
                    "`{id: <finding_id>, reason: <why>}`");
    size_t cap = (size_t)fy_node_sequence_item_count(n);
    plan->accepted = calloc(cap ? cap : 1, sizeof *plan->accepted);
    if (!plan->accepted)
        return PC_OOM(L->ctx);
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
        int il = node_line(item, line), kl;
        pc_status st = need_mapping(L, item, il, "an accepted finding", keys);
        if (st != PC_OK)
            return st;
        pc_plan_accepted *a = &plan->accepted[plan->naccepted++];
        a->line = il;
        struct fy_node *v;
        if (!(v = lookup(item, "id", &kl, il)))
            return fail(L, il, "an accepted finding needs `id:` (the "
                        "finding_id plancheck printed)");
        if ((st = get_string(L, v, kl, "id", &a->id)) != PC_OK)
            return st;
        if (!(v = lookup(item, "reason", &kl, il)))
            return fail(L, il, "accepted finding '%s' needs `reason:` (why "
                        "it is accepted)", a->id);
        if ((st = get_string(L, v, kl, "reason", &a->reason)) != PC_OK)
            return st;
        if (!a->id[0] || !a->reason[0])
            return fail(L, il, "accepted finding: `id:` and `reason:` must "
                        "not be empty");
    }
    qsort(plan->accepted, plan->naccepted, sizeof *plan->accepted,
          cmp_accepted);
    for (size_t k = 1; k < plan->naccepted; k++)
        if (!strcmp(plan->accepted[k].id, plan->accepted[k - 1].id))
            return fail(L, plan->accepted[k].line, "finding '%s' is accepted "
                        "twice (also on line %d)", plan->accepted[k].id,
                        plan->accepted[k - 1].line);
    return PC_OK;
}

const char *pc_plan_rule_name(pc_rule_kind kind)
{
    static const char *const names[] = {
        [PC_RULE_VALIDITY] = "validity",
        [PC_RULE_OVERLAP] = "overlap",
        [PC_RULE_DUPLICATES] = "duplicates",
        [PC_RULE_OVERLAP_BETWEEN] = "overlap_between",
        [PC_RULE_CONTAINMENT] = "containment",
        [PC_RULE_GAPS] = "gaps",
        [PC_RULE_SLIVERS] = "slivers",
        [PC_RULE_SQSX] = "sanqu_sanxian",
        [PC_RULE_LANDUSE] = "landuse",
        [PC_RULE_CORRIDOR] = "corridor",
        [PC_RULE_INTRUSION] = "intrusion",
        [PC_RULE_CORRIDOR_OVERLAP] = "corridor_overlap",
        [PC_RULE_CONNECTIVITY] = "connectivity",
        [PC_RULE_CROSSINGS] = "crossings",
        [PC_RULE_FIGURES] = "figures",
        [PC_RULE_CAPACITY] = "capacity",
        [PC_RULE_QUOTAS] = "quotas",
        [PC_RULE_DUPLICATE_KEYS] = "duplicate_keys",
        [PC_RULE_UNITS_AGREE] = "units_agree",
        [PC_RULE_SQL] = "sql",
        [PC_RULE_NEAR] = "near",
        [PC_RULE_LINES_WITHIN] = "lines_within",
    };
    return (size_t)kind < sizeof names / sizeof names[0] && names[kind]
               ? names[kind]
               : "?";
}

int pc_plan_layer_index(const pc_plan *plan, const char *id)
{
    for (size_t i = 0; id && i < plan->nlayers; i++)
        if (strcmp(plan->layers[i].id, id) == 0)
            return (int)i;
    return -1;
}

static pc_status load_root(struct loader *L, struct fy_node *root)
{
    static const char *const keys[] = {
        "plancheck", "name", "description", "crs", "area_method", "output",
        "fail_on", "tolerance", "layers", "rules", "threads", "accepted",
        "figures", NULL};
    pc_plan *plan = L->plan;
    pc_status st = need_mapping(L, root, 1, "the plan file", keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    double version = 0;
    if (!(v = lookup(root, "plancheck", &kl, 1)))
        return fail(L, 1, "missing `plancheck: %d` (the plan file format "
                    "version)", PC_PLAN_VERSION);
    if ((st = get_number(L, v, kl, "plancheck", &version)) != PC_OK)
        return st;
    if (version != PC_PLAN_VERSION)
        return fail(L, kl, "plan file format version %g is not supported "
                    "(expected %d)", version, PC_PLAN_VERSION);
    if ((v = lookup(root, "name", &kl, 1)) &&
        (st = get_string(L, v, kl, "name", &plan->name)) != PC_OK)
        return st;
    if ((v = lookup(root, "description", &kl, 1)) &&
        (st = get_string(L, v, kl, "description", &plan->description)) != PC_OK)
        return st;
    if (!(v = lookup(root, "crs", &kl, 1)))
        return fail(L, 1, "missing `crs:` (the projected working CRS, e.g. "
                    "EPSG:4549)");
    if ((st = get_string(L, v, kl, "crs", &plan->crs)) != PC_OK)
        return st;
    if ((v = lookup(root, "area_method", &kl, 1))) {
        const char *s = scalar(L, v, kl, "area_method", &st);
        if (!s)
            return st;
        if (pc_area_method_parse(s, &plan->method) != 0)
            return fail(L, node_line(v, kl), "area_method: '%s' is not "
                        "ellipsoidal or planar", s);
    }
    if ((v = lookup(root, "output", &kl, 1))) {
        char *out = NULL;
        if ((st = get_string(L, v, kl, "output", &out)) != PC_OK)
            return st;
        plan->output = resolve(plan, out);
        free(out);
        if (!plan->output)
            return PC_OOM(L->ctx);
    }
    if ((v = lookup(root, "fail_on", &kl, 1))) {
        const char *s = scalar(L, v, kl, "fail_on", &st);
        if (!s)
            return st;
        if (!strcmp(s, "new")) {
            plan->fail_on = PC_SEV_ERROR;
            plan->fail_new_only = 1;
        } else if ((st = get_severity(L, v, kl, "fail_on", &plan->fail_on,
                                      1)) != PC_OK) {
            return st;
        }
    }
    if ((v = lookup(root, "accepted", &kl, 1)) &&
        (st = load_accepted(L, v, kl)) != PC_OK)
        return st;
    if ((v = lookup(root, "tolerance", &kl, 1)) &&
        (st = load_tolerance(L, v, kl, "tolerance", &plan->tol)) != PC_OK)
        return st;
    int layers_line;
    struct fy_node *layers = lookup(root, "layers", &layers_line, 1);
    if (!layers)
        return fail(L, 1, "missing `layers:` (the plan's data layers)");
    if (!fy_node_is_mapping(layers) || fy_node_mapping_item_count(layers) < 1)
        return fail(L, node_line(layers, layers_line), "layers must map "
                    "layer ids to their source, e.g. `parcels: {source: "
                    "parcels.shp}`");
    size_t n = (size_t)fy_node_mapping_item_count(layers);
    plan->layers = calloc(n, sizeof *plan->layers);
    if (!plan->layers)
        return PC_OOM(L->ctx);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(layers, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        int line = node_line(k, layers_line);
        if (!k || !fy_node_is_scalar(k))
            return fail(L, line, "layer ids must be plain names");
        const char *id = fy_node_get_scalar0(k);
        /* the output GeoPackage has layers of these names already */
        if (!strcmp(id, "plancheck_run") || !strncmp(id, "findings", 8))
            return fail(L, line, "layer id '%s' is reserved for plancheck's "
                        "output; choose another", id);
        if ((st = load_layer(L, fy_node_get_scalar0(k), fy_node_pair_value(p),
                             line, &plan->layers[plan->nlayers++])) != PC_OK)
            return st;
        for (size_t q = 0; q + 1 < plan->nlayers; q++)
            if (!strcmp(plan->layers[q].id, id))
                return fail(L, line, "layer id '%s' appears twice", id);
    }
    /* figures refer to layers, rules to both: read them last */
    if ((v = lookup(root, "figures", &kl, 1)) &&
        (st = load_figures(L, v, kl)) != PC_OK)
        return st;
    if ((v = lookup(root, "rules", &kl, 1)) &&
        (st = load_rules(L, v, kl)) != PC_OK)
        return st;
    if ((v = lookup(root, "threads", &kl, 1))) {
        double t;
        if ((st = get_number(L, v, kl, "threads", &t)) != PC_OK)
            return st;
        if (t != floor(t) || t > 64)
            return fail(L, kl, "threads: expected a whole number 0..64 (0: "
                        "one per core)");
        plan->threads = (int)t;
    }
    return PC_OK;
}

#define PC_PLAN_MAX_BYTES (16 << 20)

/* A plan file is text: UTF-8 without control characters but tab, line
 * feed and carriage return (as YAML requires). Checked before libfyaml
 * sees the bytes: some of them (a NUL inside a directive) hang its
 * scanner. Returns 0, or the 1-based line of the first offending byte. */
struct text_check {
    int line;       /* current line */
    int pending;    /* continuation bytes still expected */
    int bad_line;   /* first offending line, 0 if none */
    unsigned char bad_byte;
};

static void check_text(struct text_check *t, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n && !t->bad_line; i++) {
        unsigned char c = b[i];
        int ok;
        if (t->pending > 0) {
            ok = (c & 0xC0) == 0x80;
            t->pending--;
        } else if (c < 0x80) {
            ok = c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
            ok = ok && c != 0x7F;
        } else if (c >= 0xC2 && c <= 0xDF) {
            ok = 1, t->pending = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            ok = 1, t->pending = 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            ok = 1, t->pending = 3;
        } else {
            ok = 0;
        }
        if (!ok) {
            t->bad_line = t->line;
            t->bad_byte = c;
        }
        if (c == '\n')
            t->line++;
    }
}

/* Hex SHA-256 of the file's bytes, for the run metadata; the bytes must be
 * text (check_text). */
static pc_status hash_file(pc_ctx *ctx, const char *path, char **hex)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pc_error(ctx, PC_ERR_INPUT, "%s: %s", path, strerror(errno));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    pc_status st = PC_OK;
    unsigned char buf[65536], digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    size_t got;
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        st = pc_error(ctx, PC_ERR_INTERNAL, "SHA-256 unavailable");
        goto done;
    }
    struct text_check text = {1, 0, 0, 0};
    size_t total = 0;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0) {
        EVP_DigestUpdate(md, buf, got);
        check_text(&text, buf, got);
        total += got;
        if (text.bad_line || total > PC_PLAN_MAX_BYTES)
            break;
    }
    if (ferror(fp)) {
        st = pc_error(ctx, PC_ERR_INPUT, "%s: read error", path);
        goto done;
    }
    if (!text.bad_line && text.pending > 0 && total <= PC_PLAN_MAX_BYTES) {
        st = pc_error(ctx, PC_ERR_INPUT, "%s:%d: the file ends inside a "
                      "UTF-8 character: a plan file is UTF-8 text", path,
                      text.line);
        goto done;
    }
    if (text.bad_line) {
        st = pc_error(ctx, PC_ERR_INPUT, "%s:%d: byte 0x%02X: a plan file is "
                      "UTF-8 text without control characters", path,
                      text.bad_line, text.bad_byte);
        goto done;
    }
    if (total > PC_PLAN_MAX_BYTES) {
        st = pc_error(ctx, PC_ERR_INPUT, "%s: larger than %d MB: not a plan "
                      "file", path, PC_PLAN_MAX_BYTES >> 20);
        goto done;
    }
    EVP_DigestFinal_ex(md, digest, &len);
    *hex = malloc(2 * len + 1);
    if (!*hex) {
        st = PC_OOM(ctx);
        goto done;
    }
    for (unsigned int i = 0; i < len; i++)
        snprintf(*hex + 2 * i, 3, "%02x", digest[i]);
done:
    EVP_MD_CTX_free(md);
    fclose(fp);
    return st;
}

/* libfyaml diagnostics are collected, not printed: the first error becomes
 * our one-line message. */
static pc_status parse_error(struct loader *L, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *e = diag ? fy_diag_errors_iterate(diag, &it) : NULL;
    if (e) /* libfyaml's diagnostic lines are already 1-based */
        return fail(L, e->line, "YAML syntax error: %s", e->msg);
    return fail(L, 1, "not a YAML document");
}

pc_status pc_plan_load(pc_ctx *ctx, const char *path, pc_plan **out)
{
    *out = NULL;
    struct loader L = {ctx, path, NULL};
    pc_plan *plan = calloc(1, sizeof *plan);
    if (!plan)
        return PC_OOM(ctx);
    L.plan = plan;
    plan->method = PC_AREA_ELLIPSOIDAL;
    plan->tol.abs_m2 = PC_DEFAULT_ABS_M2;
    plan->tol.rel_pct = PC_DEFAULT_REL_PCT;
    plan->tol.approx_rel_pct = PC_DEFAULT_APPROX_REL_PCT;
    plan->fail_on = PC_SEV_ERROR;
    plan->area_rule_enabled = 1;
    plan->area_severity = PC_SEV_ERROR;
    plan->path = pc_strdup(path);
    const char *slash = strrchr(path, '/');
    plan->dir = slash ? pc_aprintf("%.*s", (int)(slash - path), path)
                      : pc_strdup("");
    if (!plan->path || !plan->dir) {
        pc_plan_free(plan);
        return PC_OOM(ctx);
    }
    if (slash == path) { /* a plan at the file system root */
        free(plan->dir);
        plan->dir = pc_strdup("/");
    }
    pc_status st = hash_file(ctx, path, &plan->sha256);
    if (st != PC_OK) {
        pc_plan_free(plan);
        return st;
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = NULL;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (diag)
        fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg = {0};
    pcfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_DOC;
    pcfg.diag = diag;
    struct fy_document *doc = fy_document_build_from_file(&pcfg, path);
    if (!doc)
        st = parse_error(&L, diag);
    else if (!fy_document_root(doc))
        st = fail(&L, 1, "the plan file is empty");
    else
        st = load_root(&L, fy_document_root(doc));
    fy_document_destroy(doc);
    fy_diag_destroy(diag);
    if (st != PC_OK) {
        pc_plan_free(plan);
        return st;
    }
    *out = plan;
    return PC_OK;
}

void pc_plan_free(pc_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->nlayers; i++) {
        pc_plan_layer *l = &plan->layers[i];
        free(l->id);
        free(l->source);
        free(l->source_as_written);
        free(l->layer);
        free(l->crs);
        free(l->encoding);
        free(l->assign_crs);
        free(l->key_field);
        free(l->style);
        free(l->title);
        free(l->description);
        for (size_t k = 0; k < l->naliases; k++) {
            free(l->alias_fields[k]);
            free(l->aliases[k]);
        }
        free(l->alias_fields);
        free(l->aliases);
        for (size_t k = 0; k < l->nareas; k++) {
            free(l->areas[k].value_field);
            free(l->areas[k].unit_field);
            free(l->areas[k].unit);
            free(l->areas[k].approx_field);
        }
        free(l->areas);
    }
    free(plan->layers);
    for (size_t i = 0; i < plan->nrules; i++) {
        pc_plan_rule *r = &plan->rules[i];
        free(r->layer);
        free(r->layer2);
        free(r->key_field);
        free(r->farmland);
        free(r->eco_redline);
        free(r->field);
        free(r->zone_field);
        free(r->sql_id);
        free(r->query);
        free(r->distance_field);
        free(r->ref_field);
        free_lines(r->lines);
        free(r->where.field);
        free_list(r->where.values, r->where.nvalues);
        free(r->where2.field);
        free_list(r->where2.values, r->where2.nvalues);
    }
    free(plan->rules);
    for (size_t i = 0; i < plan->naccepted; i++) {
        free(plan->accepted[i].id);
        free(plan->accepted[i].reason);
    }
    free(plan->accepted);
    for (size_t i = 0; i < plan->figures.nzones; i++)
        free_zone_figure(&plan->figures.zones[i]);
    free(plan->figures.zones);
    free(plan->figures.layer);
    free(plan->path);
    free(plan->dir);
    free(plan->sha256);
    free(plan->name);
    free(plan->description);
    free(plan->crs);
    free(plan->output);
    free(plan);
}
