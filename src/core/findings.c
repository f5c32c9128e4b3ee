/* findings.c: core stage: the list of findings, its stable order and ids. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plancheck/findings.h"

void pc_finding_free(pc_ctx *ctx, pc_finding *f)
{
    free(f->id);
    free(f->rule);
    free(f->layer);
    free(f->key);
    free(f->field);
    free(f->layer2);
    free(f->key2);
    free(f->unit);
    free(f->method);
    free(f->message);
    free(f->accepted_reason);
    if (f->geom)
        GEOSGeom_destroy_r(pc_ctx_geos(ctx), f->geom);
}

pc_finding pc_finding_init(const char *rule, pc_severity severity)
{
    pc_finding f;
    memset(&f, 0, sizeof f);
    f.rule = (char *)rule;
    f.severity = severity;
    f.fid = f.fid2 = -1;
    f.plan_rule = -1;
    f.measured_m2 = f.declared_m2 = f.diff_m2 = f.diff_pct = NAN;
    f.tolerance_m2 = f.declared_value = NAN;
    return f;
}

/* "<rule>:<layer>:<key>[:<layer2>:<key2>][:<field>]" */
static char *make_id(const pc_finding *f)
{
    const char *l = f->layer ? f->layer : "", *k = f->key ? f->key : "";
    if (f->key2)
        return f->field ? pc_aprintf("%s:%s:%s:%s:%s:%s", f->rule, l, k,
                                     f->layer2 ? f->layer2 : "", f->key2,
                                     f->field)
                        : pc_aprintf("%s:%s:%s:%s:%s", f->rule, l, k,
                                     f->layer2 ? f->layer2 : "", f->key2);
    return f->field ? pc_aprintf("%s:%s:%s:%s", f->rule, l, k, f->field)
                    : pc_aprintf("%s:%s:%s", f->rule, l, k);
}

static pc_status grow(pc_ctx *ctx, pc_findings *list, size_t need)
{
    if (need <= list->cap)
        return PC_OK;
    size_t cap = list->cap ? 2 * list->cap : 64;
    while (cap < need)
        cap *= 2;
    pc_finding *items = realloc(list->items, cap * sizeof *items);
    if (!items)
        return PC_OOM(ctx);
    list->items = items;
    list->cap = cap;
    return PC_OK;
}

pc_status pc_findings_move(pc_ctx *ctx, pc_findings *to, pc_findings *from)
{
    if (from->n == 0) {
        free(from->items);
        from->items = NULL;
        from->cap = 0;
        return PC_OK;
    }
    if (grow(ctx, to, to->n + from->n) != PC_OK)
        return PC_OOM(ctx);
    memcpy(to->items + to->n, from->items, from->n * sizeof *from->items);
    to->n += from->n;
    free(from->items);
    from->items = NULL;
    from->n = from->cap = 0;
    return PC_OK;
}

pc_status pc_findings_add(pc_ctx *ctx, pc_findings *list, const pc_finding *f)
{
    if (grow(ctx, list, list->n + 1) != PC_OK) {
        if (f->geom)
            GEOSGeom_destroy_r(pc_ctx_geos(ctx), f->geom);
        return PC_OOM(ctx);
    }
    pc_finding c = *f;
    c.rule = pc_strdup(f->rule);
    c.layer = pc_strdup(f->layer);
    c.key = pc_strdup(f->key);
    c.field = pc_strdup(f->field);
    c.layer2 = pc_strdup(f->layer2);
    c.key2 = pc_strdup(f->key2);
    c.unit = pc_strdup(f->unit);
    c.method = pc_strdup(f->method);
    c.message = pc_strdup(f->message);
    c.accepted_reason = pc_strdup(f->accepted_reason);
    c.id = f->id ? pc_strdup(f->id) : make_id(f);
    if (!c.rule || !c.id || (f->layer && !c.layer) || (f->key && !c.key) ||
        (f->field && !c.field) || (f->layer2 && !c.layer2) ||
        (f->key2 && !c.key2) || (f->unit && !c.unit) ||
        (f->method && !c.method) || (f->message && !c.message) ||
        (f->accepted_reason && !c.accepted_reason)) {
        pc_finding_free(ctx, &c);
        return PC_OOM(ctx);
    }
    list->items[list->n++] = c;
    return PC_OK;
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_finding(const void *pa, const void *pb)
{
    const pc_finding *a = pa, *b = pb;
    int c;
    if ((c = cmp_str(a->id, b->id)) != 0)
        return c;
    if (a->fid != b->fid)
        return a->fid < b->fid ? -1 : 1;
    return cmp_str(a->message, b->message);
}

pc_status pc_findings_finish(pc_ctx *ctx, pc_findings *list)
{
    if (list->n > 1)
        qsort(list->items, list->n, sizeof *list->items, cmp_finding);
    /* Runs of equal ids come from duplicate keys: number them in FID
     * order (the sort order within a run). */
    for (size_t i = 0; i < list->n;) {
        size_t j = i + 1;
        while (j < list->n && strcmp(list->items[j].id, list->items[i].id) == 0)
            j++;
        for (size_t k = i + 1; k < j; k++) {
            char *id = pc_aprintf("%s#%zu", list->items[k].id, k - i + 1);
            if (!id)
                return PC_OOM(ctx);
            free(list->items[k].id);
            list->items[k].id = id;
        }
        i = j;
    }
    return PC_OK;
}

size_t pc_findings_count(const pc_findings *list, pc_severity at_least)
{
    size_t n = 0;
    for (size_t i = 0; i < list->n; i++)
        if (list->items[i].severity >= at_least)
            n++;
    return n;
}

void pc_findings_clear(pc_ctx *ctx, pc_findings *list)
{
    for (size_t i = 0; i < list->n; i++)
        pc_finding_free(ctx, &list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}
