/* area.c: check stage: each polygon's measured area against the area the
 * plan declares for it (value and unit as printed, e.g. 约125.03 亩). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "figure.h"
#include "plancheck/check.h"
#include "plancheck/units.h"

const char *pc_feature_key(const pc_layer *layer, int key_index, size_t i,
                           char *buf, size_t n)
{
    const pc_feature *f = &layer->features[i];
    if (key_index >= 0) {
        const char *t = pc_value_text(layer, (size_t)key_index,
                                      &f->values[key_index], buf, n);
        if (t && *t) {
            if (t != buf)
                snprintf(buf, n, "%s", t);
            return buf;
        }
    }
    snprintf(buf, n, "fid:%" PRId64, f->fid);
    return buf;
}

/* The difference allowed between measured and declared m². */
static double tolerance_m2(const pc_area_check *check, const pc_figure *fig,
                           double declared)
{
    return pc_figure_tolerance(check->tol.abs_m2, check->tol.rel_pct,
                               check->tol.approx_rel_pct, fig->approx,
                               declared);
}

static GEOSGeometry *clone_geom(pc_ctx *ctx, const pc_feature *f)
{
    return f->geom ? GEOSGeom_clone_r(pc_ctx_geos(ctx), f->geom) : NULL;
}

/* The common part of every finding this check writes. */
static pc_finding base_finding(const char *rule, pc_severity sev,
                               const pc_layer *layer, const pc_feature *f,
                               const char *key, const char *field)
{
    pc_finding fd = pc_finding_init(rule, sev);
    fd.layer = layer->name;
    fd.fid = f->fid;
    fd.key = (char *)key;
    fd.field = (char *)field;
    return fd;
}

static pc_status check_one(pc_ctx *ctx, const pc_layer *layer, size_t i,
                           int ki, const pc_layer_areas *areas,
                           const pc_area_check *check, const pc_area_decl *d,
                           int vi, int ui, int ai, pc_unit_memo *memo,
                           pc_findings *out, pc_area_stats *stats)
{
    const pc_feature *f = &layer->features[i];
    char msg[1024], key[256];
    pc_figure fig;
    pc_figure_read(layer, f, vi, ai, NULL, &fig);
    if (fig.is_null) {
        stats->no_figure++;
        return PC_OK;
    }
    const char *unit_text = d->unit;
    if (ui >= 0)
        unit_text = f->values[ui].is_null ? NULL : f->values[ui].s;
    const double *measured = check->method == PC_AREA_PLANAR
                                 ? areas->planar_m2
                                 : areas->ellipsoidal_m2;
    pc_unit unit = PC_UNIT_COUNT;
    int unit_ok = pc_unit_memo_parse(memo, unit_text, &unit) == 0;
    if (fig.ok && unit_ok && !isnan(measured[i])) {
        /* the common case, a figure within tolerance: no text formatted */
        double declared = pc_unit_to_m2(fig.value, unit);
        if (fabs(measured[i] - declared) <= tolerance_m2(check, &fig, declared)) {
            stats->compared++;
            stats->within++;
            return PC_OK;
        }
    }
    pc_feature_key(layer, ki, i, key, sizeof key);
    pc_figure_text(layer, f, vi, &fig);
    pc_finding fd = base_finding("area.value", check->severity, layer, f, key,
                                 d->value_field);
    fd.unit = (char *)unit_text;
    if (!fig.ok) {
        stats->bad_figure++;
        double v;
        int approx;
        char rest[64];
        if (fig.text &&
            pc_figure_parse(fig.text, &v, &approx, rest, sizeof rest) == 0 &&
            v >= 0 && rest[0])
            /* "15亩": the unit typed into the figure */
            snprintf(msg, sizeof msg, "declared area '%s' in field %s is a "
                     "number followed by '%s': the field holds the figure "
                     "alone; the unit goes in the unit field or the plan's "
                     "`unit:`", fig.text, d->value_field, rest);
        else
            snprintf(msg, sizeof msg, "declared area '%s' in field %s is not a "
                     "finite non-negative number", fig.text ? fig.text : "",
                     d->value_field);
        fd.message = msg;
        fd.geom = clone_geom(ctx, f);
        return pc_findings_add(ctx, out, &fd);
    }
    if (!unit_ok) {
        stats->bad_figure++;
        fd.rule = "area.unit";
        fd.declared_value = fig.value;
        snprintf(msg, sizeof msg, "unknown area unit '%s'%s%s; expected "
                 "亩/mu, 公顷/ha, 平方公里/km2, 平方米/m2, 万平方米 or 万亩",
                 unit_text ? unit_text : "(empty)", ui >= 0 ? " in field " : "",
                 ui >= 0 ? layer->fields[ui].name : "");
        fd.message = msg;
        fd.geom = clone_geom(ctx, f);
        return pc_findings_add(ctx, out, &fd);
    }
    double m = measured[i];
    if (isnan(m)) {
        stats->no_polygon++;
        fd.rule = "area.geometry";
        fd.declared_value = fig.value;
        snprintf(msg, sizeof msg, "declared area %s %s but %s",
                 fig.text, unit_text,
                 f->geom_error ? f->geom_error
                 : f->geom    ? "the geometry is not a polygon or is empty"
                              : "no geometry");
        fd.message = msg;
        fd.geom = clone_geom(ctx, f);
        return pc_findings_add(ctx, out, &fd);
    }
    stats->compared++;
    double declared = pc_unit_to_m2(fig.value, unit);
    double diff = m - declared;
    double tol = tolerance_m2(check, &fig, declared);
    if (fabs(diff) <= tol) {
        stats->within++;
        return PC_OK;
    }
    double pct = declared > 0 ? 100.0 * diff / declared : NAN;
    fd.rule = "area.declared";
    fd.measured_m2 = m;
    fd.declared_m2 = declared;
    fd.diff_m2 = diff;
    fd.diff_pct = pct;
    fd.tolerance_m2 = tol;
    fd.declared_value = fig.value;
    fd.method = (char *)pc_area_method_name(check->method);
    snprintf(msg, sizeof msg,
             "%s area %.2f m2 (%.4f %s) differs from declared %s%s %s "
             "(%.2f m2) by %+.2f m2 (%+.3f%%); tolerance %.2f m2",
             pc_area_method_name(check->method), m, pc_unit_from_m2(m, unit),
             pc_unit_name_zh(unit), fig.approx ? "约" : "", fig.text,
             unit_text, declared, diff, pct, tol);
    fd.message = msg;
    fd.geom = clone_geom(ctx, f);
    return pc_findings_add(ctx, out, &fd);
}

pc_status pc_check_area(pc_ctx *ctx, const pc_layer *layer,
                        const pc_layer_areas *areas, const pc_area_check *check,
                        pc_findings *out, pc_area_stats *stats)
{
    pc_status st;
    int ki = -1;
    memset(stats, 0, sizeof *stats);
    if ((st = pc_layer_need_field(ctx, layer, check->key_field, NULL, &ki)) !=
        PC_OK)
        return st;
    for (size_t k = 0; k < check->ndecls; k++) {
        const pc_area_decl *d = &check->decls[k];
        int vi, ui, ai;
        if ((st = pc_layer_need_field(ctx, layer, d->value_field, NULL,
                                      &vi)) != PC_OK ||
            (st = pc_layer_need_field(ctx, layer, d->unit_field, NULL,
                                      &ui)) != PC_OK ||
            (st = pc_layer_need_field(ctx, layer, d->approx_field, NULL,
                                      &ai)) != PC_OK)
            return st;
        if (ui >= 0 && layer->fields[ui].type != PC_FIELD_TEXT)
            return pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': unit field "
                            "'%s' must hold text such as 亩 or ha",
                            layer->source, layer->source_layer,
                            d->unit_field);
        pc_unit_memo memo = {0};
        for (size_t i = 0; i < layer->nfeatures; i++)
            if ((st = check_one(ctx, layer, i, ki, areas, check, d, vi, ui,
                                ai, &memo, out, stats)) != PC_OK)
                return st;
    }
    return PC_OK;
}
