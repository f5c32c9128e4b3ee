/* findings.c: core stage: the list of findings, its stable order and ids. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plancheck/findings.h"

static void finding_free(pc_ctx *ctx, pc_finding *f)
{
    free(f->id);
    free(f->rule);
    free(f->layer);
    free(f->key);
    free(f->field);
    free(f->unit);
    free(f->method);
    free(f->message);
    if (f->geom)
        GEOSGeom_destroy_r(pc_ctx_geos(ctx), f->geom);
}

pc_status pc_findings_add(pc_ctx *ctx, pc_findings *list, const pc_finding *f)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 64;
        pc_finding *items = realloc(list->items, cap * sizeof *items);
        if (!items) {
            if (f->geom)
                GEOSGeom_destroy_r(pc_ctx_geos(ctx), f->geom);
            return PC_OOM(ctx);
        }
        list->items = items;
        list->cap = cap;
    }
    pc_finding c = *f;
    c.rule = pc_strdup(f->rule);
    c.layer = pc_strdup(f->layer);
    c.key = pc_strdup(f->key);
    c.field = pc_strdup(f->field);
    c.unit = pc_strdup(f->unit);
    c.method = pc_strdup(f->method);
    c.message = pc_strdup(f->message);
    if (f->id)
        c.id = pc_strdup(f->id);
    else if (f->field)
        c.id = pc_aprintf("%s:%s:%s:%s", f->rule, f->layer ? f->layer : "",
                          f->key ? f->key : "", f->field);
    else
        c.id = pc_aprintf("%s:%s:%s", f->rule, f->layer ? f->layer : "",
                          f->key ? f->key : "");
    if (!c.rule || !c.id || (f->layer && !c.layer) || (f->key && !c.key) ||
        (f->field && !c.field) || (f->unit && !c.unit) ||
        (f->method && !c.method) || (f->message && !c.message)) {
        finding_free(ctx, &c);
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
        finding_free(ctx, &list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}
