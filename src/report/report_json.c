/* report_json.c: report stage: the run as one JSON document (json-c), the
 * schema src/report/report.schema.json describes: run summary, layers,
 * rules with their counts, the land-use balance and every finding. Arrays
 * keep the run's own order (plan order, the findings' sorted order) and
 * keys a fixed order, so two runs of one plan diff cleanly. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "../core/internal.h"
#include "plancheck/landuse.h"
#include "report_internal.h"

static json_object *jstr(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* A number as its shortest round-trip text (350613.07, not
 * 350613.06999999999); null when not finite. */
static json_object *jnum(double v)
{
    if (!isfinite(v))
        return NULL;
    char buf[64];
    pc_format_double(v, buf, sizeof buf);
    return json_object_new_double_s(v, buf);
}

static json_object *jint(int64_t v) { return json_object_new_int64(v); }

static void add(json_object *o, const char *key, json_object *v)
{
    json_object_object_add(o, key, v);
}

static json_object *layers_json(const pc_run_result *r)
{
    json_object *jl = json_object_new_array();
    for (size_t i = 0; i < r->nlayers; i++) {
        const pc_run_layer *l = &r->layers[i];
        json_object *o = json_object_new_object();
        add(o, "id", jstr(l->id));
        add(o, "source", jstr(l->source));
        add(o, "layer", jstr(l->source_layer));
        add(o, "source_crs", jstr(l->source_crs));
        add(o, "crs_from_plan", json_object_new_boolean(l->crs_from_plan));
        add(o, "encoding", jstr(l->encoding));
        add(o, "features", jint((int64_t)l->features));
        add(o, "polygons", jint((int64_t)l->polygons));
        add(o, "total_planar_m2", jnum(l->total_planar_m2));
        add(o, "total_ellipsoidal_m2", jnum(l->total_ellipsoidal_m2));
        json_object *a = NULL;
        if (l->area_checked) {
            a = json_object_new_object();
            add(a, "compared", jint((int64_t)l->area.compared));
            add(a, "within_tolerance", jint((int64_t)l->area.within));
            add(a, "no_figure", jint((int64_t)l->area.no_figure));
            add(a, "bad_figure", jint((int64_t)l->area.bad_figure));
            add(a, "no_polygon", jint((int64_t)l->area.no_polygon));
        }
        add(o, "area_check", a);
        json_object_array_add(jl, o);
    }
    return jl;
}

static json_object *counts_json(const size_t by_severity[3], size_t total,
                                size_t accepted, size_t failing)
{
    json_object *c = json_object_new_object();
    add(c, "total", jint((int64_t)total));
    add(c, "error", jint((int64_t)by_severity[PC_SEV_ERROR]));
    add(c, "warning", jint((int64_t)by_severity[PC_SEV_WARNING]));
    add(c, "info", jint((int64_t)by_severity[PC_SEV_INFO]));
    add(c, "accepted", jint((int64_t)accepted));
    add(c, "failing", jint((int64_t)failing));
    return c;
}

static json_object *rules_json(const pc_run_result *r,
                               const pc_report_rule *rules, size_t n)
{
    json_object *ja = json_object_new_array();
    for (size_t k = 0; k < n; k++) {
        const pc_report_rule *rr = &rules[k];
        const pc_plan_rule *pr =
            rr->index >= 0 ? &r->plan->rules[rr->index] : NULL;
        json_object *o = json_object_new_object();
        add(o, "index", jint(rr->index));
        add(o, "kind", jstr(pr ? pc_plan_rule_name(pr->kind) : "area"));
        pc_sbuf title = {0};
        pc_report_rule_title(r->plan, rr->index, &title);
        add(o, "title", jstr(title.s ? title.s : ""));
        pc_sbuf_free(&title);
        add(o, "sql_id", jstr(pr && pr->kind == PC_RULE_SQL ? pr->sql_id : NULL));
        add(o, "line", pr && pr->line > 0 ? jint(pr->line) : NULL);
        json_object *jl = json_object_new_array();
        const char *layers[8];
        size_t nl = pc_report_rule_layers(r->plan, rr->index, layers, 8);
        for (size_t i = 0; i < nl; i++)
            json_object_array_add(jl, jstr(layers[i]));
        add(o, "layers", jl);
        add(o, "severity", jstr(pc_severity_name(
                               pc_report_rule_severity(r->plan, rr->index))));
        add(o, "findings", counts_json(rr->by_severity, rr->total,
                                       rr->accepted, rr->failing));
        add(o, "result", jstr(rr->failing ? "fail" : "pass"));
        json_object_array_add(ja, o);
    }
    return ja;
}

static json_object *balance_json(const pc_run_result *r)
{
    json_object *jb = json_object_new_array();
    for (size_t i = 0; i < r->balance.n; i++) {
        const pc_balance_row *b = &r->balance.rows[i];
        json_object *o = json_object_new_object();
        add(o, "layer", jstr(b->layer));
        add(o, "zone", jstr(b->zone));
        add(o, "code", jstr(b->cls ? b->cls->code : NULL));
        add(o, "level", b->cls ? jint(b->cls->level) : NULL);
        add(o, "name_zh", jstr(b->cls ? b->cls->name_zh
                                      : b->total ? "合计" : "未分类"));
        add(o, "name_en", jstr(b->cls ? b->cls->name_en
                                      : b->total ? "total" : "unclassified"));
        add(o, "total", json_object_new_boolean(b->total));
        add(o, "parcels", jint((int64_t)b->parcels));
        add(o, "area_m2", jnum(b->area_m2));
        add(o, "area_ha", jnum(b->area_m2 / 10000.0));
        add(o, "pct", jnum(b->pct));
        json_object_array_add(jb, o);
    }
    return jb;
}

static json_object *findings_json(pc_ctx *ctx, const pc_run_result *r)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    json_object *jf = json_object_new_array();
    for (size_t i = 0; i < r->findings.n; i++) {
        const pc_finding *f = &r->findings.items[i];
        json_object *o = json_object_new_object();
        add(o, "id", jstr(f->id));
        add(o, "rule", jstr(f->rule));
        add(o, "severity", jstr(pc_severity_name(f->severity)));
        add(o, "plan_rule", jint(f->plan_rule));
        add(o, "layer", jstr(f->layer));
        add(o, "fid", f->fid >= 0 ? jint(f->fid) : NULL);
        add(o, "key", jstr(f->key));
        add(o, "layer2", jstr(f->layer2));
        add(o, "fid2", f->fid2 >= 0 ? jint(f->fid2) : NULL);
        add(o, "key2", jstr(f->key2));
        add(o, "field", jstr(f->field));
        add(o, "repaired", json_object_new_boolean(f->repaired));
        add(o, "measured_m2", jnum(f->measured_m2));
        add(o, "declared_m2", jnum(f->declared_m2));
        add(o, "diff_m2", jnum(f->diff_m2));
        add(o, "diff_pct", jnum(f->diff_pct));
        add(o, "tolerance_m2", jnum(f->tolerance_m2));
        add(o, "declared_value", jnum(f->declared_value));
        add(o, "declared_unit", jstr(f->unit));
        add(o, "area_method", jstr(f->method));
        add(o, "message", jstr(f->message ? f->message : ""));
        add(o, "accepted", json_object_new_boolean(f->accepted));
        add(o, "accepted_reason", jstr(f->accepted_reason));
        double b[4];
        json_object *bbox = NULL;
        if (f->geom && pc_geom_bbox(h, f->geom, b)) {
            bbox = json_object_new_array();
            for (int k = 0; k < 4; k++)
                json_object_array_add(bbox, jnum(b[k]));
        }
        add(o, "bbox", bbox);
        json_object_array_add(jf, o);
    }
    return jf;
}

pc_status pc_report_json(pc_ctx *ctx, const pc_run_result *r, pc_sbuf *out)
{
    size_t nrules = 0;
    pc_report_rule *rules = pc_report_rules(r, &nrules);
    if (!rules)
        return PC_OOM(ctx);
    int rc = pc_run_exit_code(r);
    json_object *root = json_object_new_object();
    add(root, "schema", jstr("plancheck-report"));
    add(root, "schema_version", jint(PC_REPORT_SCHEMA_VERSION));
    add(root, "plancheck", jstr(PC_VERSION));
    add(root, "libraries", jstr(pc_library_versions()));
    add(root, "plan", jstr(r->plan->path ? r->plan->path : ""));
    add(root, "plan_name", jstr(r->plan->name));
    add(root, "plan_sha256", jstr(r->plan->sha256));
    add(root, "output", jstr(r->output));
    add(root, "working_crs", jstr(r->working_crs));
    add(root, "working_crs_name", jstr(r->working_crs_name));
    add(root, "area_method", jstr(pc_area_method_name(r->method)));
    add(root, "fail_on", jstr(pc_severity_name(r->fail_on)));
    add(root, "fail_new_only", json_object_new_boolean(r->fail_new_only));
    add(root, "started_utc", jstr(r->started_utc));
    add(root, "finished_utc", jstr(r->finished_utc));
    add(root, "exit_code", jint(rc));
    add(root, "result", jstr(rc ? "fail" : "pass"));

    size_t by_sev[3] = {0, 0, 0}, failing = 0;
    for (size_t k = 0; k < nrules; k++) {
        for (int s = 0; s < 3; s++)
            by_sev[s] += rules[k].by_severity[s];
        failing += rules[k].failing;
    }
    json_object *summary = json_object_new_object();
    add(summary, "total", jint((int64_t)r->findings.n));
    json_object *sev = json_object_new_object();
    add(sev, "error", jint((int64_t)by_sev[PC_SEV_ERROR]));
    add(sev, "warning", jint((int64_t)by_sev[PC_SEV_WARNING]));
    add(sev, "info", jint((int64_t)by_sev[PC_SEV_INFO]));
    add(summary, "by_severity", sev);
    add(summary, "accepted", jint((int64_t)r->accepted));
    add(summary, "stale", jint((int64_t)r->stale));
    add(summary, "new", jint((int64_t)(r->findings.n - r->accepted - r->stale)));
    add(summary, "failing", jint((int64_t)failing));
    add(root, "findings_summary", summary);

    add(root, "layers", layers_json(r));
    add(root, "rules", rules_json(r, rules, nrules));
    add(root, "landuse_balance", balance_json(r));
    add(root, "findings", findings_json(ctx, r));
    json_object *jw = json_object_new_array();
    for (size_t i = 0; i < pc_ctx_warning_count(ctx); i++)
        json_object_array_add(jw, jstr(pc_ctx_warning(ctx, i)));
    add(root, "warnings", jw);
    free(rules);

    const char *text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                  JSON_C_TO_STRING_NOSLASHESCAPE);
    pc_status st = PC_OK;
    if (!text)
        st = PC_OOM(ctx);
    else {
        pc_sbuf_puts(out, text);
        pc_sbuf_puts(out, "\n");
    }
    json_object_put(root);
    return st;
}
