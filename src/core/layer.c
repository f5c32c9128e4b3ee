/* layer.c: core stage: the in-memory layer shared by all stages. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plancheck/crs.h"
#include "plancheck/layer.h"

pc_layer *pc_layer_new(const char *name)
{
    pc_layer *layer = calloc(1, sizeof *layer);
    if (!layer)
        return NULL;
    layer->name = pc_strdup(name ? name : "");
    if (!layer->name) {
        free(layer);
        return NULL;
    }
    return layer;
}

void pc_feature_clear(pc_ctx *ctx, const pc_layer *layer, pc_feature *f)
{
    if (f->geom)
        GEOSGeom_destroy_r(pc_ctx_geos(ctx), f->geom);
    free(f->geom_error);
    for (size_t j = 0; f->values && !f->values_packed && j < layer->nfields;
         j++)
        free(f->values[j].s);
    free(f->values);
    f->geom = NULL;
    f->geom_error = NULL;
    f->values = NULL;
}

void pc_layer_free(pc_ctx *ctx, pc_layer *layer)
{
    if (!layer)
        return;
    for (size_t i = 0; i < layer->nfeatures; i++)
        pc_feature_clear(ctx, layer, &layer->features[i]);
    free(layer->features);
    for (size_t j = 0; j < layer->nfields; j++)
        free(layer->fields[j].name);
    free(layer->fields);
    pc_crs_free(layer->crs);
    free(layer->name);
    free(layer->source);
    free(layer->source_layer);
    free(layer->geom_type);
    free(layer->encoding);
    free(layer);
}

int pc_layer_field_index(const pc_layer *layer, const char *name)
{
    if (!name)
        return -1;
    for (size_t j = 0; j < layer->nfields; j++)
        if (strcmp(layer->fields[j].name, name) == 0)
            return (int)j;
    for (size_t j = 0; j < layer->nfields; j++)
        if (pc_strcaseeq(layer->fields[j].name, name))
            return (int)j;
    return -1;
}

pc_status pc_layer_need_field(pc_ctx *ctx, const pc_layer *layer,
                              const char *name, const char *what, int *index)
{
    *index = -1;
    if (!name)
        return PC_OK;
    if ((*index = pc_layer_field_index(layer, name)) >= 0)
        return PC_OK;
    char names[600] = "";
    if (layer->nfields == 0)
        snprintf(names, sizeof names, "none: the layer %s",
                 layer->nfeatures == 0 ? "is empty, without features or a "
                                         "field list"
                                       : "has no attribute table");
    for (size_t j = 0; j < layer->nfields && strlen(names) < 500; j++) {
        size_t len = strlen(names);
        snprintf(names + len, sizeof names - len, "%s%s", j ? ", " : "",
                 layer->fields[j].name);
    }
    if (what)
        return pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': no field '%s' "
                        "(the %s; fields: %s)", layer->source,
                        layer->source_layer, name, what, names);
    return pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': no field '%s' "
                    "(fields: %s)", layer->source, layer->source_layer, name,
                    names);
}

const char *pc_value_text(const pc_layer *layer, size_t field,
                          const pc_value *v, char *buf, size_t n)
{
    if (v->is_null)
        return NULL;
    switch (layer->fields[field].type) {
    case PC_FIELD_INTEGER:
        snprintf(buf, n, "%" PRId64, v->i);
        return buf;
    case PC_FIELD_REAL:
        pc_format_double(v->r, buf, n);
        return buf;
    case PC_FIELD_TEXT:
        return v->s;
    }
    return NULL;
}

int pc_geom_bbox(GEOSContextHandle_t h, const GEOSGeometry *g, double b[4])
{
    double t[4];
    if (!g || GEOSisEmpty_r(h, g) != 0 || !GEOSGeom_getXMin_r(h, g, &t[0]) ||
        !GEOSGeom_getYMin_r(h, g, &t[1]) || !GEOSGeom_getXMax_r(h, g, &t[2]) ||
        !GEOSGeom_getYMax_r(h, g, &t[3]))
        return 0;
    memcpy(b, t, sizeof t);
    return 1;
}

void pc_extent_add(int *has, double e[4], const double b[4])
{
    if (!*has) {
        memcpy(e, b, 4 * sizeof *e);
        *has = 1;
        return;
    }
    e[0] = b[0] < e[0] ? b[0] : e[0];
    e[1] = b[1] < e[1] ? b[1] : e[1];
    e[2] = b[2] > e[2] ? b[2] : e[2];
    e[3] = b[3] > e[3] ? b[3] : e[3];
}

void pc_layer_update_extent(pc_ctx *ctx, pc_layer *layer)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    layer->has_extent = 0;
    for (size_t i = 0; i < layer->nfeatures; i++) {
        double b[4];
        if (pc_geom_bbox(h, layer->features[i].geom, b))
            pc_extent_add(&layer->has_extent, layer->extent, b);
    }
}
