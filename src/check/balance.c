/* balance.c: check stage: each feature's 用地用海 class (code or name) is
 * one the 2023 classification knows, and the classified areas add up to the
 * land-use balance table (用地平衡表) per zone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "plancheck/check.h"
#include "plancheck/landuse.h"

/* One feature's contribution to one row. */
struct entry {
    const char *zone;
    const pc_landuse_class *cls; /* NULL: unclassified */
    double area;
};

/* Rows of a zone in code order (a class before its subclasses, as "10" <
 * "1001" < "11"), then the unclassified row. */
static int cmp_entry(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int c = strcmp(a->zone, b->zone);
    if (c)
        return c;
    if (!a->cls || !b->cls)
        return (a->cls == NULL) - (b->cls == NULL);
    return strcmp(a->cls->code, b->cls->code);
}

static pc_status add_row(pc_ctx *ctx, pc_balance *b, const char *layer,
                         const char *zone, const pc_landuse_class *cls,
                         int total, size_t parcels, double area)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        pc_balance_row *r = realloc(b->rows, cap * sizeof *r);
        if (!r)
            return PC_OOM(ctx);
        b->rows = r;
        b->cap = cap;
    }
    pc_balance_row *r = &b->rows[b->n];
    r->layer = pc_strdup(layer);
    r->zone = pc_strdup(zone);
    if (!r->layer || !r->zone) {
        free(r->layer);
        free(r->zone);
        return PC_OOM(ctx);
    }
    r->cls = cls;
    r->total = total;
    r->parcels = parcels;
    r->area_m2 = area;
    r->pct = NAN;
    b->n++;
    return PC_OK;
}

static pc_status finding(pc_ctx *ctx, const pc_layer *layer,
                         const pc_landuse_opts *o, size_t i, const char *rule,
                         const char *value, pc_findings *out)
{
    char key[256], msg[1024];
    pc_feature_key(layer, o->key_index, i, key, sizeof key);
    pc_finding fd = pc_finding_init(rule, o->severity);
    fd.layer = (char *)o->layer_id;
    fd.key = key;
    fd.fid = layer->features[i].fid;
    fd.field = (char *)o->field;
    fd.message = msg;
    if (value)
        snprintf(msg, sizeof msg, "%s %s: land use '%s' in field %s is not a "
                 "code or name of the %s 用地用海 classification", o->layer_id,
                 key, value, o->field, pc_landuse_version());
    else
        snprintf(msg, sizeof msg, "%s %s: no land use in field %s", o->layer_id,
                 key, o->field);
    return pc_findings_add(ctx, out, &fd);
}

pc_status pc_check_landuse(pc_ctx *ctx, const pc_layer *layer,
                           const pc_layer_areas *areas,
                           const pc_landuse_opts *o, pc_findings *out,
                           pc_balance *balance)
{
    pc_status st = pc_landuse_check(ctx);
    if (st != PC_OK)
        return st;
    int fi, zi;
    if ((st = pc_layer_need_field(ctx, layer, o->field, "landuse rule's field",
                                  &fi)) != PC_OK ||
        (st = pc_layer_need_field(ctx, layer, o->zone_field,
                                  "landuse rule's zone_field", &zi)) != PC_OK)
        return st;
    const double *area = o->method == PC_AREA_PLANAR ? areas->planar_m2
                                                     : areas->ellipsoidal_m2;
    size_t n = layer->nfeatures;
    /* up to two entries a feature: its first- and second-level classes */
    struct entry *e = malloc((n ? 2 * n : 1) * sizeof *e);
    /* zone names: text values are borrowed; numbers are formatted into
     * strings of their own */
    int zone_text = zi < 0 || layer->fields[zi].type == PC_FIELD_TEXT;
    char **owned = zone_text ? NULL : calloc(n ? n : 1, sizeof *owned);
    if (!e || (!zone_text && !owned)) {
        free(e);
        free(owned);
        return PC_OOM(ctx);
    }
    size_t ne = 0;
    for (size_t i = 0; i < n && st == PC_OK; i++) {
        const pc_feature *f = &layer->features[i];
        char buf[256];
        const char *v = pc_value_text(layer, (size_t)fi, &f->values[fi], buf,
                                      sizeof buf);
        const pc_landuse_class *c = NULL;
        if (!v || !*v)
            st = finding(ctx, layer, o, i, "landuse.missing", NULL, out);
        else if (!(c = pc_landuse_find_code(v)) && !(c = pc_landuse_find_name(v)))
            st = finding(ctx, layer, o, i, "landuse.unknown", v, out);
        if (st != PC_OK || isnan(area[i]))
            continue; /* no polygon: nothing to add up */
        const char *z = "";
        if (zi >= 0 && !f->values[zi].is_null) {
            if (zone_text) {
                z = f->values[zi].s;
            } else {
                z = owned[i] = pc_strdup(pc_value_text(
                    layer, (size_t)zi, &f->values[zi], buf, sizeof buf));
                if (!z) {
                    st = PC_OOM(ctx);
                    break;
                }
            }
        }
        const pc_landuse_class *l2 = c;
        while (l2 && l2->level > 2)
            l2 = l2->parent;
        e[ne++] = (struct entry){z, c ? pc_landuse_top(c) : NULL, area[i]};
        if (l2 && l2->level == 2)
            e[ne++] = (struct entry){z, l2, area[i]};
    }
    if (st == PC_OK && ne > 1)
        qsort(e, ne, sizeof *e, cmp_entry);
    /* runs of one zone: a row per class, then the total */
    for (size_t i = 0; i < ne && st == PC_OK;) {
        size_t zend = i, first = balance->n;
        double total = 0;
        size_t parcels = 0;
        while (zend < ne && !strcmp(e[zend].zone, e[i].zone)) {
            size_t j = zend;
            double a = 0;
            while (j < ne && !cmp_entry(&e[j], &e[zend]))
                a += e[j++].area;
            if (!e[zend].cls || e[zend].cls->level == 1) {
                total += a; /* each feature once: by its top class */
                parcels += j - zend;
            }
            st = add_row(ctx, balance, o->layer_id, e[i].zone, e[zend].cls, 0,
                         j - zend, a);
            if (st != PC_OK)
                break;
            zend = j;
        }
        if (st == PC_OK)
            st = add_row(ctx, balance, o->layer_id, e[i].zone, NULL, 1, parcels,
                         total);
        for (size_t k = first; k < balance->n; k++)
            balance->rows[k].pct = total > 0 ? 100 * balance->rows[k].area_m2 /
                                                   total
                                             : NAN;
        i = zend;
    }
    free(e);
    for (size_t i = 0; owned && i < n; i++)
        free(owned[i]);
    free(owned);
    return st;
}

void pc_balance_clear(pc_balance *b)
{
    for (size_t k = 0; k < b->n; k++) {
        free(b->rows[k].layer);
        free(b->rows[k].zone);
    }
    free(b->rows);
    memset(b, 0, sizeof *b);
}
