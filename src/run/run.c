/* run.c: the pipeline for one plan file: load plan -> read each layer ->
 * reproject to the working CRS -> measure -> check -> write GeoPackage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../core/internal.h"
#include "plancheck/crs.h"
#include "plancheck/read.h"
#include "plancheck/run.h"
#include "plancheck/sql.h"
#include "plancheck/style.h"
#include "plancheck/write.h"

static void utc_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Creates the missing directories of `path`'s parent (mkdir -p), for a
 * default output the plan file names inside a folder of its own. */
static pc_status make_parent_dirs(pc_ctx *ctx, const char *path)
{
    char *dir = pc_strdup(path);
    if (!dir)
        return PC_OOM(ctx);
    char *slash = strrchr(dir, '/');
    pc_status st = PC_OK;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; st == PC_OK; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot create directory "
                              "%s: %s", path, dir, strerror(errno));
            *p = c;
            if (c == '\0')
                break;
        }
    }
    free(dir);
    return st;
}

void pc_run_result_clear(pc_ctx *ctx, pc_run_result *r)
{
    pc_plan_free(r->plan);
    free(r->output);
    free(r->working_crs);
    free(r->working_crs_name);
    for (size_t i = 0; i < r->nlayers; i++) {
        free(r->layers[i].id);
        free(r->layers[i].source);
        free(r->layers[i].source_layer);
        free(r->layers[i].source_crs);
        free(r->layers[i].encoding);
    }
    free(r->layers);
    for (size_t i = 0; r->data && i < r->nlayers; i++) {
        pc_layer_free(ctx, r->data[i]);
        pc_layer_areas_clear(&r->areas[i]);
    }
    free(r->data);
    free(r->areas);
    pc_crs_free((pc_crs *)r->crs);
    pc_findings_clear(ctx, &r->findings);
    pc_balance_clear(&r->balance);
    memset(r, 0, sizeof *r);
}

int pc_run_exit_code(const pc_run_result *r)
{
    if (r->fail_on == PC_SEV_NEVER)
        return 0;
    if (!r->fail_new_only)
        return pc_findings_count(&r->findings, r->fail_on) > 0 ? 1 : 0;
    for (size_t i = 0; i < r->findings.n; i++)
        if (!r->findings.items[i].accepted &&
            r->findings.items[i].severity >= r->fail_on)
            return 1;
    return 0;
}

/* Marks the findings the plan accepts and reports every accepted id that
 * no finding has any more (rule accepted.stale, info): an allow-list
 * entry left behind after its problem was fixed would accept the same
 * problem silently if it came back. Findings must be finished (final
 * ids); they are finished again after. */
static pc_status apply_accepted(pc_ctx *ctx, const pc_plan *plan,
                                pc_run_result *r)
{
    if (plan->naccepted == 0)
        return PC_OK;
    unsigned char *used = calloc(plan->naccepted, 1);
    if (!used)
        return PC_OOM(ctx);
    pc_status st = PC_OK;
    for (size_t i = 0; i < r->findings.n && st == PC_OK; i++) {
        pc_finding *f = &r->findings.items[i];
        size_t lo = 0, hi = plan->naccepted;
        while (lo < hi) { /* plan->accepted is sorted by id */
            size_t mid = (lo + hi) / 2;
            int c = strcmp(plan->accepted[mid].id, f->id);
            if (c == 0)
                lo = hi = mid;
            else if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < plan->naccepted && !strcmp(plan->accepted[lo].id, f->id)) {
            f->accepted = 1;
            if (!(f->accepted_reason = pc_strdup(plan->accepted[lo].reason)))
                st = PC_OOM(ctx);
            used[lo] = 1;
            r->accepted++;
        }
    }
    for (size_t k = 0; k < plan->naccepted && st == PC_OK; k++) {
        if (used[k])
            continue;
        char msg[1024];
        snprintf(msg, sizeof msg, "%s:%d: accepted finding '%s' no longer "
                 "occurs; remove it from `accepted:` (reason given: %s)",
                 plan->path, plan->accepted[k].line, plan->accepted[k].id,
                 plan->accepted[k].reason);
        pc_finding fd = pc_finding_init("accepted.stale", PC_SEV_INFO);
        char *id = pc_aprintf("accepted.stale:%s", plan->accepted[k].id);
        if (!id) {
            st = PC_OOM(ctx);
            break;
        }
        fd.id = id;
        fd.key = plan->accepted[k].id;
        fd.message = msg;
        st = pc_findings_add(ctx, &r->findings, &fd);
        free(id);
        r->stale++;
    }
    free(used);
    if (st == PC_OK && r->stale)
        st = pc_findings_finish(ctx, &r->findings);
    return st;
}

/* A plan layer's declared figures as the checks take them (borrowed
 * strings); NULL when out of memory. */
static pc_area_decl *decls_of(const pc_plan_layer *pl)
{
    pc_area_decl *decls = calloc(pl->nareas ? pl->nareas : 1, sizeof *decls);
    for (size_t k = 0; decls && k < pl->nareas; k++) {
        decls[k].value_field = pl->areas[k].value_field;
        decls[k].unit_field = pl->areas[k].unit_field;
        decls[k].unit = pl->areas[k].unit;
        decls[k].approx_field = pl->areas[k].approx_field;
    }
    return decls;
}

/* Where an assigned CRS comes from, for its error message: the plan line,
 * or the option of `plancheck check` (whose plan has no lines). */
static void assign_what(const pc_plan *plan, const pc_plan_layer *pl,
                        char *buf, size_t n)
{
    if (pl->line > 0)
        snprintf(buf, n, "%s:%d: layers.%s.assign_crs", plan->path, pl->line,
                 pl->id);
    else
        snprintf(buf, n, "--assign-crs");
}

/* One finding (crs.outside, error) per feature whose geometry the CRS
 * stage dropped: whatever rules the plan runs, a feature is never left
 * out of the checks silently. */
static pc_status report_outside(pc_ctx *ctx, const pc_plan_layer *pl,
                                const pc_layer *layer, pc_findings *out)
{
    int ki = pl->key_field ? pc_layer_field_index(layer, pl->key_field) : -1;
    for (size_t i = 0; i < layer->nfeatures; i++) {
        const pc_feature *f = &layer->features[i];
        if (!f->outside_crs)
            continue;
        char key[256], msg[1024];
        pc_finding fd = pc_finding_init("crs.outside", PC_SEV_ERROR);
        fd.layer = pl->id;
        fd.fid = f->fid;
        fd.key = (char *)pc_feature_key(layer, ki, i, key, sizeof key);
        snprintf(msg, sizeof msg, "%s; the feature is left out of the checks",
                 f->geom_error);
        fd.message = msg;
        pc_status st = pc_findings_add(ctx, out, &fd);
        if (st != PC_OK)
            return st;
    }
    return PC_OK;
}

/* Reads, reprojects, measures and checks one plan layer. */
static pc_status process_layer(pc_ctx *ctx, const pc_run_opts *opts,
                               const pc_plan *plan, const pc_plan_layer *pl,
                               const pc_crs *work, pc_layer **layer_out,
                               pc_layer_areas *areas, pc_run_layer *rl,
                               pc_findings *findings)
{
    pc_read_opts ro = {pl->layer, pl->id, pl->encoding, pl->crs,
                       opts->progress, opts->progress_arg,
                       opts->threads > 0 ? opts->threads : plan->threads};
    pc_layer *layer = NULL;
    double t0 = pc_now_s();
    pc_status st = pc_read_layer(ctx, pl->source, &ro, &layer);
    if (st != PC_OK && pl->line > 0) /* `plancheck check` has no lines */
        return pc_error_prefix(ctx, st, "%s:%d: layers.%s", plan->path,
                               pl->line, pl->id);
    if (st != PC_OK)
        return st;
    pc_stage_time("read", pl->id, &t0);
    *layer_out = layer;
    rl->id = pc_strdup(pl->id);
    rl->source = pc_strdup(pl->source_as_written);
    rl->source_layer = pc_strdup(layer->source_layer);
    rl->features = layer->nfeatures;
    if (layer->encoding && !(rl->encoding = pc_strdup(layer->encoding)))
        return PC_OOM(ctx);
    if (!rl->id || !rl->source || !rl->source_layer)
        return PC_OOM(ctx);
    if (pl->assign_crs) {
        char what[512];
        assign_what(plan, pl, what, sizeof what);
        pc_crs *assigned;
        if ((st = pc_crs_from_string(ctx, pl->assign_crs, what, &assigned)) !=
            PC_OK)
            return st;
        pc_crs_free(layer->crs);
        layer->crs = assigned;
        layer->crs_from_plan = 1;
    }
    if (!layer->crs)
        return pc_error(ctx, PC_ERR_CRS, "%s: layer '%s' has no CRS; add "
                        "`crs:` to layers.%s in %s", pl->source,
                        layer->source_layer, pl->id, plan->path);
    const char *auth = pc_crs_authority(layer->crs);
    rl->source_crs = pc_strdup(auth ? auth : pc_crs_name(layer->crs));
    rl->crs_from_plan = layer->crs_from_plan;
    char what[512];
    snprintf(what, sizeof what, "%s: layer '%s'", pl->source,
             layer->source_layer);
    size_t screened, untransformed;
    if ((st = pc_crs_screen_layer(ctx, layer, what, &screened)) != PC_OK ||
        (layer->has_extent &&
         (st = pc_crs_check_extent(ctx, layer->crs, layer->extent, what)) !=
             PC_OK) ||
        (st = pc_crs_reproject_layer(ctx, layer, work, &untransformed)) !=
            PC_OK)
        return st;
    if (screened + untransformed > 0 &&
        (st = report_outside(ctx, pl, layer, findings)) != PC_OK)
        return st;
    pc_stage_time("reproject", pl->id, &t0);
    /* The normalised layers carry both areas; findings only need the
     * plan's method (rules measure their own results). */
    unsigned methods = PC_MEASURE_BOTH;
    if (opts->findings_only)
        methods = plan->method == PC_AREA_PLANAR ? PC_MEASURE_PLANAR
                                                 : PC_MEASURE_ELLIPSOIDAL;
    if ((st = pc_measure_layer(ctx, layer, methods, opts->progress,
                               opts->progress_arg, areas)) != PC_OK)
        return st;
    pc_stage_time("measure", pl->id, &t0);
    rl->polygons = areas->n_polygons;
    rl->total_planar_m2 = areas->total_planar_m2;
    rl->total_ellipsoidal_m2 = areas->total_ellipsoidal_m2;
    if (!plan->area_rule_enabled || pl->nareas == 0)
        return PC_OK;
    pc_area_decl *decls = decls_of(pl);
    if (!decls)
        return PC_OOM(ctx);
    pc_area_check check = {pl->key_field, plan->method, pl->tol,
                           plan->area_severity, decls, pl->nareas};
    st = pc_check_area(ctx, layer, areas, &check, findings, &rl->area);
    rl->area_checked = 1;
    pc_stage_time("check", "area", &t0);
    free(decls);
    if (st != PC_OK)
        return pc_error_prefix(ctx, st, "%s: layers.%s", plan->path, pl->id);
    return PC_OK;
}

static char *fmt_double(double v)
{
    char buf[64];
    pc_format_double(v, buf, sizeof buf);
    return pc_strdup(buf);
}

/* Run metadata rows for the plancheck_run table; keys and values are
 * malloc'ed and freed by meta_free. */
struct meta {
    pc_kv *kv;
    size_t n, cap;
    int oom;
};

static void meta_add(struct meta *m, char *key, char *value)
{
    if (!m->oom && m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 32;
        pc_kv *kv = realloc(m->kv, cap * sizeof *kv);
        if (kv) {
            m->kv = kv;
            m->cap = cap;
        } else {
            m->oom = 1;
        }
    }
    if (m->oom || !key || !value) {
        m->oom = 1;
        free(key);
        free(value);
        return;
    }
    m->kv[m->n].key = key;
    m->kv[m->n++].value = value;
}

static void meta_free(struct meta *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free((char *)m->kv[i].key);
        free((char *)m->kv[i].value);
    }
    free(m->kv);
}

static void build_meta(const pc_run_result *r, struct meta *m)
{
    const pc_plan *plan = r->plan;
    meta_add(m, pc_strdup("tool"), pc_aprintf("plancheck %s", PC_VERSION));
    meta_add(m, pc_strdup("libraries"), pc_strdup(pc_library_versions()));
    meta_add(m, pc_strdup("plan_file"), pc_strdup(plan->path ? plan->path : ""));
    meta_add(m, pc_strdup("plan_sha256"),
             pc_strdup(plan->sha256 ? plan->sha256 : ""));
    meta_add(m, pc_strdup("plan_name"), pc_strdup(plan->name ? plan->name : ""));
    meta_add(m, pc_strdup("working_crs"), pc_strdup(r->working_crs));
    meta_add(m, pc_strdup("working_crs_name"), pc_strdup(r->working_crs_name));
    meta_add(m, pc_strdup("area_method"),
             pc_strdup(pc_area_method_name(r->method)));
    meta_add(m, pc_strdup("tolerance_abs_m2"), fmt_double(plan->tol.abs_m2));
    meta_add(m, pc_strdup("tolerance_rel_pct"), fmt_double(plan->tol.rel_pct));
    meta_add(m, pc_strdup("tolerance_approx_rel_pct"),
             fmt_double(plan->tol.approx_rel_pct));
    meta_add(m, pc_strdup("tolerance_rule"),
             pc_strdup("finding when |measured - declared| > max(abs_m2, "
                       "rel_pct/100 * declared); approx_rel_pct for figures "
                       "printed with 约"));
    meta_add(m, pc_strdup("fail_on"),
             r->fail_new_only
                 ? pc_aprintf("new (%s findings not in the plan's "
                              "accepted list)", pc_severity_name(r->fail_on))
                 : pc_strdup(pc_severity_name(r->fail_on)));
    meta_add(m, pc_strdup("accepted"), pc_aprintf("%zu", r->accepted));
    meta_add(m, pc_strdup("accepted_stale"), pc_aprintf("%zu", r->stale));
    meta_add(m, pc_strdup("started_utc"), pc_strdup(r->started_utc));
    meta_add(m, pc_strdup("finished_utc"), pc_strdup(r->finished_utc));
    meta_add(m, pc_strdup("findings"), pc_aprintf("%zu", r->findings.n));
    meta_add(m, pc_strdup("input_layers_written"),
             pc_strdup(r->findings_only ? "no (--findings-only)" : "yes"));
    for (size_t i = 0; i < r->nlayers; i++) {
        const pc_run_layer *l = &r->layers[i];
        meta_add(m, pc_aprintf("input.%s", l->id),
                 pc_aprintf("%s | layer %s | CRS %s%s%s%s | %zu features",
                            l->source, l->source_layer, l->source_crs,
                            l->crs_from_plan ? " (from plan)" : "",
                            l->encoding ? " | encoding " : "",
                            l->encoding ? l->encoding : "", l->features));
    }
}

/* Filter of a plan rule as the rules engine takes it. */
static pc_where where_of(const pc_plan_where *w)
{
    pc_where out = {w->field, (const char *const *)w->values, w->nvalues};
    return out;
}

/* Runs one rule of the plan in the session. */
/* The rules on roads, rail and other lines (src/check/lines.c). */
static pc_status run_line_rule(pc_ctx *ctx, pc_rules *rules,
                               const pc_plan *plan, const pc_plan_rule *pr,
                               int a, int b, pc_findings *out)
{
    const pc_plan_lines *o = pr->lines;
    switch (pr->kind) {
    case PC_RULE_CORRIDOR: {
        pc_line_class_width *cw =
            calloc(o->nwidths ? o->nwidths : 1, sizeof *cw);
        if (!cw)
            return PC_OOM(ctx);
        for (size_t k = 0; k < o->nwidths; k++)
            cw[k] = (pc_line_class_width){o->width_values[k], o->widths[k]};
        pc_corridor_opts c = {
            pr->severity, o->width_field, o->class_field, cw, o->nwidths,
            o->default_width_m, o->mitre_limit,
            {o->has_land_take ? o->land_take.value_field : NULL,
             o->land_take.unit_field, o->land_take.unit,
             o->land_take.approx_field},
            o->land_take_tol, o->length_field, o->length_approx_field,
            {o->length_abs_m, o->length_rel_pct, o->length_approx_rel_pct},
            where_of(&pr->where)};
        pc_status st = pc_rules_corridor(ctx, rules, a, &c, out);
        free(cw);
        return st;
    }
    case PC_RULE_INTRUSION: {
        pc_intrusion_opts i = {pr->severity, pr->tolerance_m2,
                               where_of(&pr->where), where_of(&pr->where2)};
        return pc_rules_intrusion(ctx, rules, a, b, &i, out);
    }
    case PC_RULE_CORRIDOR_OVERLAP: {
        pc_corridor_overlap_opts c = {pr->severity, o->allowed_length_m,
                                      pr->tolerance_m2, where_of(&pr->where),
                                      where_of(&pr->where2)};
        return pc_rules_corridor_overlap(ctx, rules, a, b, &c, out);
    }
    case PC_RULE_CONNECTIVITY: {
        pc_connectivity_opts c = {pr->severity, o->from_field, o->to_field,
                                  o->snap_m, o->dangles, o->dangle_severity,
                                  where_of(&pr->where)};
        return pc_rules_connectivity(ctx, rules, a, b, &c, out);
    }
    case PC_RULE_CROSSINGS: {
        int pts = o->points ? pc_plan_layer_index(plan, o->points) : -1;
        pc_crossing_opts c = {pr->severity, o->tolerance_m, o->crossed_field,
                              where_of(&pr->where), where_of(&pr->where2)};
        return pc_rules_crossings(ctx, rules, a, b, pts, &c, out);
    }
    default:
        return pc_error(ctx, PC_ERR_INTERNAL, "not a line rule");
    }
}

/* The rules holding the data to the plan's own figures
 * (src/check/reconcile.c) and the regional rules (src/check/regional.c). */
static pc_status run_plan_figure_rule(pc_ctx *ctx, pc_rules *rules,
                                      const pc_plan *plan,
                                      const pc_plan_rule *pr, int a, int b,
                                      pc_findings *out)
{
    switch (pr->kind) {
    case PC_RULE_FIGURES: {
        pc_zone_figure_opts o = {pr->severity, plan->layers[a].tol,
                                 pr->tolerance_m2};
        return pc_rules_zone_figures(ctx, rules, a, plan->figures.zones,
                                     plan->figures.nzones, &o, out);
    }
    case PC_RULE_CAPACITY:
    case PC_RULE_QUOTAS: {
        const pc_plan_layer *parcels = &plan->layers[b];
        pc_area_decl *decls = decls_of(parcels);
        if (!decls)
            return PC_OOM(ctx);
        pc_capacity_opts o = {pr->severity, plan->layers[a].tol,
                              pr->zone_field,
                              pr->kind == PC_RULE_QUOTAS ? pr->field : NULL,
                              decls, parcels->nareas,
                              pr->kind == PC_RULE_CAPACITY};
        pc_status st = pc_rules_capacity(ctx, rules, a, b, plan->figures.zones,
                                         plan->figures.nzones, &o, out);
        free(decls);
        return st;
    }
    case PC_RULE_DUPLICATE_KEYS:
        return pc_rules_duplicate_keys(ctx, rules, a, pr->severity, out);
    case PC_RULE_NEAR: {
        pc_near_opts o = {pr->severity, pr->max_distance_m,
                          pr->distance_field, pr->ref_field,
                          where_of(&pr->where), where_of(&pr->where2)};
        return pc_rules_near(ctx, rules, a, b, &o, out);
    }
    case PC_RULE_LINES_WITHIN: {
        pc_lines_within_opts o = {pr->severity, pr->tolerance_m,
                                  pr->min_inside_pct, where_of(&pr->where),
                                  where_of(&pr->where2)};
        return pc_rules_lines_within(ctx, rules, a, b, &o, out);
    }
    default:
        return pc_error(ctx, PC_ERR_INTERNAL, "not a plan figure rule");
    }
}

static pc_status run_rule(pc_ctx *ctx, pc_rules *rules, const pc_plan *plan,
                          const pc_plan_rule *pr, pc_findings *out)
{
    int a = pc_plan_layer_index(plan, pr->layer);
    int b = pr->layer2 ? pc_plan_layer_index(plan, pr->layer2) : -1;
    switch (pr->kind) {
    case PC_RULE_VALIDITY: {
        pc_validity_opts o = {pr->severity, pr->allow_selftouching_rings,
                              pr->repair};
        return pc_rules_validity(ctx, rules, a, &o, out);
    }
    case PC_RULE_OVERLAP:
    case PC_RULE_DUPLICATES: {
        pc_overlap_opts o = {"overlap", pr->severity, pr->min_area_m2,
                             pr->kind == PC_RULE_DUPLICATES || pr->duplicates,
                             pr->kind == PC_RULE_OVERLAP, 0, {0}, {0}};
        return pc_rules_overlap(ctx, rules, a, a, &o, out);
    }
    case PC_RULE_OVERLAP_BETWEEN: {
        pc_overlap_opts o = {"overlap.between", pr->severity, pr->min_area_m2,
                             0, 1, 0, where_of(&pr->where), where_of(&pr->where2)};
        return pc_rules_overlap(ctx, rules, a, b, &o, out);
    }
    case PC_RULE_CONTAINMENT: {
        pc_containment_opts o = {"containment.outside", pr->severity,
                                 pr->tolerance_m2, pr->key_field, 0,
                                 where_of(&pr->where)};
        return pc_rules_containment(ctx, rules, a, b, &o, out);
    }
    case PC_RULE_GAPS: {
        pc_gap_opts o = {pr->severity, pr->min_area_m2, pr->max_area_m2,
                         pr->max_width_m};
        return pc_rules_gaps(ctx, rules, a, b, &o, out);
    }
    case PC_RULE_SLIVERS: {
        pc_sliver_opts o = {pr->severity, pr->max_area_m2, pr->min_thinness,
                            pr->min_width_m};
        return pc_rules_slivers(ctx, rules, a, &o, out);
    }
    case PC_RULE_LANDUSE:
    case PC_RULE_UNITS_AGREE:
    case PC_RULE_SQL:
        return PC_OK; /* run by run_rules: they need the layers themselves */
    case PC_RULE_FIGURES:
    case PC_RULE_CAPACITY:
    case PC_RULE_QUOTAS:
    case PC_RULE_DUPLICATE_KEYS:
    case PC_RULE_NEAR:
    case PC_RULE_LINES_WITHIN:
        return run_plan_figure_rule(ctx, rules, plan, pr, a, b, out);
    case PC_RULE_CORRIDOR:
    case PC_RULE_INTRUSION:
    case PC_RULE_CORRIDOR_OVERLAP:
    case PC_RULE_CONNECTIVITY:
    case PC_RULE_CROSSINGS:
        return run_line_rule(ctx, rules, plan, pr, a, b, out);
    case PC_RULE_SQSX: {
        /* 三区三线: construction parcels inside 城镇开发边界, clear of
         * 永久基本农田 and 生态保护红线; the three lines clear of each other.
         * Conflict areas are ellipsoidal, as land surveys report them. */
        pc_status st = PC_OK;
        int farm = pr->farmland ? pc_plan_layer_index(plan, pr->farmland) : -1;
        int eco = pr->eco_redline ? pc_plan_layer_index(plan, pr->eco_redline)
                                  : -1;
        pc_where sel = where_of(&pr->where), all = {0};
        if (b >= 0) {
            pc_containment_opts o = {"sqsx.outside_ubd", pr->severity,
                                     pr->tolerance_m2, NULL, 1, sel};
            st = pc_rules_containment(ctx, rules, a, b, &o, out);
        }
        const struct { int layer; const char *rule; } bans[] = {
            {farm, "sqsx.farmland"}, {eco, "sqsx.eco_redline"}};
        for (size_t k = 0; k < 2 && st == PC_OK; k++) {
            if (bans[k].layer < 0)
                continue;
            pc_overlap_opts o = {bans[k].rule, pr->severity, pr->tolerance_m2,
                                 0, 1, 1, sel, all};
            st = pc_rules_overlap(ctx, rules, a, bans[k].layer, &o, out);
        }
        const int lines[3] = {b, farm, eco};
        for (int x = 0; x < 3 && st == PC_OK; x++)
            for (int y = x + 1; y < 3 && st == PC_OK; y++) {
                if (lines[x] < 0 || lines[y] < 0)
                    continue;
                pc_overlap_opts o = {"sqsx.lines_overlap", pr->severity,
                                     pr->tolerance_m2, 0, 1, 1, all, all};
                st = pc_rules_overlap(ctx, rules, lines[x], lines[y], &o, out);
            }
        return st;
    }
    }
    return pc_error(ctx, PC_ERR_INTERNAL, "unknown rule kind %d", (int)pr->kind);
}

/* The landuse rule: attribute classes and the balance table; it needs
 * the measured areas rather than the rules session. */
static pc_status run_landuse(pc_ctx *ctx, const pc_plan *plan,
                             const pc_plan_rule *pr, pc_layer **layers,
                             const pc_layer_areas *areas, pc_findings *out,
                             pc_balance *balance)
{
    int a = pc_plan_layer_index(plan, pr->layer);
    const pc_plan_layer *pl = &plan->layers[a];
    int key = pl->key_field ? pc_layer_field_index(layers[a], pl->key_field)
                            : -1;
    pc_landuse_opts o = {pl->id, key, pr->field, pr->zone_field, pr->severity,
                         plan->method};
    return pc_check_landuse(ctx, layers[a], &areas[a], &o, out, balance);
}

/* units_agree: a feature's declared figures against each other, from the
 * attributes alone. */
static pc_status run_units_agree(pc_ctx *ctx, const pc_plan *plan,
                                 const pc_plan_rule *pr, pc_layer **layers,
                                 pc_findings *out)
{
    int a = pc_plan_layer_index(plan, pr->layer);
    const pc_plan_layer *pl = &plan->layers[a];
    pc_area_decl *decls = decls_of(pl);
    if (!decls)
        return PC_OOM(ctx);
    pc_area_check check = {pl->key_field, plan->method, pl->tol, pr->severity,
                           decls, pl->nareas};
    pc_status st = pc_check_figures_agree(ctx, layers[a], &check, out);
    free(decls);
    return st;
}

/* An sql rule; the first one copies the layers into the SQL session. */
static pc_status run_sql(pc_ctx *ctx, const pc_plan *plan,
                         const pc_plan_rule *pr, const pc_crs *work,
                         pc_layer **layers, pc_sql_session **session,
                         pc_findings *out)
{
    if (!*session) {
        pc_sql_source *src = calloc(plan->nlayers, sizeof *src);
        if (!src)
            return PC_OOM(ctx);
        for (size_t i = 0; i < plan->nlayers; i++)
            src[i] = (pc_sql_source){plan->layers[i].id, layers[i]};
        pc_status st = pc_sql_session_new(ctx, work, src, plan->nlayers,
                                          session);
        free(src);
        if (st != PC_OK)
            return st;
    }
    pc_sql_opts o = {pr->sql_id, pr->severity, pr->layer, pr->query,
                     plan->method};
    return pc_sql_rule(ctx, *session, &o, out);
}

/* The geometry a rule needs in each of its layers: a rule given a layer of
 * the wrong kind (lines where polygons are measured) would otherwise find
 * nothing and pass. A mixed layer passes: its stray features are the
 * validity rule's findings. */
static pc_status need_class(pc_ctx *ctx, const pc_plan *plan,
                            const pc_plan_rule *pr, pc_layer **layers,
                            const char *id, pc_geom_class want)
{
    int i = id ? pc_plan_layer_index(plan, id) : -1;
    if (i < 0)
        return PC_OK;
    pc_geom_class got = layers[i]->geom_class;
    if (got == want || got == PC_GEOM_MIXED)
        return PC_OK;
    static const char *const names[] = {"no geometry", "points", "lines",
                                        "polygons", "mixed geometries"};
    return pc_error(ctx, PC_ERR_INPUT, "%s needs %s in layer '%s', which "
                    "holds %s (%s in %s)", pc_plan_rule_name(pr->kind),
                    names[want], id, names[got],
                    layers[i]->geom_type ? layers[i]->geom_type : "?",
                    layers[i]->source);
}

static pc_status check_rule_geometry(pc_ctx *ctx, const pc_plan *plan,
                                     const pc_plan_rule *pr, pc_layer **layers)
{
    const pc_geom_class P = PC_GEOM_POLYGON, L = PC_GEOM_LINE;
    pc_geom_class a = PC_GEOM_NONE, b = PC_GEOM_NONE;
    switch (pr->kind) {
    case PC_RULE_OVERLAP: case PC_RULE_DUPLICATES: case PC_RULE_SLIVERS:
    case PC_RULE_FIGURES:
        a = P;
        break;
    case PC_RULE_OVERLAP_BETWEEN: case PC_RULE_CONTAINMENT: case PC_RULE_GAPS:
    case PC_RULE_SQSX:
        a = b = P;
        break;
    case PC_RULE_CORRIDOR: case PC_RULE_CONNECTIVITY:
        a = L;
        break;
    case PC_RULE_CORRIDOR_OVERLAP: case PC_RULE_CROSSINGS:
        a = b = L;
        break;
    case PC_RULE_INTRUSION:
        a = P, b = L;
        break;
    case PC_RULE_LINES_WITHIN:
        a = L, b = P;
        break;
    default:
        return PC_OK; /* attributes, or any geometry */
    }
    pc_status st = need_class(ctx, plan, pr, layers, pr->layer, a);
    if (st == PC_OK && b != PC_GEOM_NONE)
        st = need_class(ctx, plan, pr, layers, pr->layer2, b);
    if (st == PC_OK && pr->kind == PC_RULE_SQSX) {
        st = need_class(ctx, plan, pr, layers, pr->farmland, P);
        if (st == PC_OK)
            st = need_class(ctx, plan, pr, layers, pr->eco_redline, P);
    }
    return st;
}

static pc_status run_rules(pc_ctx *ctx, const pc_plan *plan,
                           const pc_run_opts *opts, const pc_crs *work,
                           pc_layer **layers, const pc_layer_areas *areas,
                           pc_findings *out, pc_balance *balance)
{
    pc_rules *rules = NULL;
    int threads = opts->threads > 0 ? opts->threads : plan->threads;
    pc_status st = pc_rules_new(ctx, work, plan->method, threads,
                                opts->progress, opts->progress_arg, &rules);
    for (size_t i = 0; i < plan->nlayers && st == PC_OK; i++) {
        int index;
        st = pc_rules_add_layer(ctx, rules, layers[i], plan->layers[i].id,
                                plan->layers[i].key_field, &index);
    }
    double t0 = pc_now_s();
    pc_sql_session *sql = NULL;
    for (size_t k = 0; k < plan->nrules && st == PC_OK; k++) {
        size_t first = out->n;
        st = check_rule_geometry(ctx, plan, &plan->rules[k], layers);
        if (st != PC_OK)
            ; /* reported below with the rule's line */
        else if (plan->rules[k].kind == PC_RULE_LANDUSE)
            st = run_landuse(ctx, plan, &plan->rules[k], layers, areas, out,
                             balance);
        else if (plan->rules[k].kind == PC_RULE_UNITS_AGREE)
            st = run_units_agree(ctx, plan, &plan->rules[k], layers, out);
        else if (plan->rules[k].kind == PC_RULE_SQL)
            st = run_sql(ctx, plan, &plan->rules[k], work, layers, &sql, out);
        else
            st = run_rule(ctx, rules, plan, &plan->rules[k], out);
        for (size_t j = first; j < out->n; j++)
            out->items[j].plan_rule = (int)k;
        pc_stage_time("rule", pc_plan_rule_name(plan->rules[k].kind), &t0);
        if (st != PC_OK && plan->rules[k].line > 0)
            st = pc_error_prefix(ctx, st, "%s:%d: rule", plan->path,
                                 plan->rules[k].line);
    }
    pc_sql_session_free(sql);
    pc_rules_free(ctx, rules);
    pc_stage_time("free", "rules", &t0);
    return st;
}

/* How QGIS shows a plan layer in the output: its style (style.h), the
 * plan's title, description and field aliases. An alias for a field the
 * layer lacks is a warning: it would show nowhere. */
static pc_status describe_layer(pc_ctx *ctx, const pc_plan_layer *pl,
                                const pc_layer *layer, pc_out_layer *out,
                                pc_kv **aliases)
{
    out->layer = layer;
    out->title = pl->title;
    out->description = pl->description;
    out->style = pc_style_for_layer(pl, layer);
    if (pl->style && strcmp(out->style->name, pl->style) != 0)
        pc_warn(ctx, "layer %s: style %s draws %s, the layer has %s; "
                "using %s", pl->id, pl->style,
                pc_style_get(pl->style)->geom == PC_GEOM_LINE ? "lines"
                : pc_style_get(pl->style)->geom == PC_GEOM_POINT ? "points"
                                                                 : "polygons",
                layer->geom_type ? layer->geom_type : "no geometry",
                out->style->name);
    *aliases = calloc(pl->naliases ? pl->naliases : 1, sizeof **aliases);
    if (!*aliases)
        return PC_OOM(ctx);
    for (size_t k = 0; k < pl->naliases; k++) {
        (*aliases)[k].key = pl->alias_fields[k];
        (*aliases)[k].value = pl->aliases[k];
        if (pc_layer_field_index(layer, pl->alias_fields[k]) < 0 &&
            strcmp(pl->alias_fields[k], "src_fid") != 0)
            pc_warn(ctx, "layer %s: alias for field %s, which the layer does "
                    "not have", pl->id, pl->alias_fields[k]);
    }
    out->aliases = *aliases;
    out->naliases = pl->naliases;
    return PC_OK;
}

pc_status pc_run(pc_ctx *ctx, const pc_run_opts *opts, pc_run_result *r)
{
    pc_plan *plan = NULL;
    memset(r, 0, sizeof *r);
    pc_status st = pc_plan_load(ctx, opts->plan_path, &plan);
    if (st != PC_OK)
        return st;
    return pc_run_plan(ctx, plan, opts, r);
}

pc_status pc_run_plan(pc_ctx *ctx, pc_plan *plan_in, const pc_run_opts *opts,
                      pc_run_result *r)
{
    memset(r, 0, sizeof *r);
    utc_now(r->started_utc, sizeof r->started_utc);
    r->plan = plan_in;
    const pc_plan *plan = r->plan;
    pc_status st;
    r->method = plan->method;
    r->fail_on = opts->fail_on_set ? opts->fail_on : plan->fail_on;
    r->fail_new_only = opts->fail_on_set ? opts->fail_new_only
                                         : plan->fail_new_only;
    r->findings_only = opts->findings_only;

    pc_crs *work = NULL;
    pc_layer **layers = NULL;
    pc_layer_areas *areas = NULL;
    pc_out_layer *out = NULL;
    pc_kv **aliases = NULL;
    const char **inputs = NULL;
    struct meta meta = {0};

    char what[1024];
    snprintf(what, sizeof what, "%s: crs", plan->path);
    if (plan->crs) {
        if ((st = pc_crs_from_string(ctx, plan->crs, what, &work)) != PC_OK)
            goto fail;
    } else if (plan->nlayers > 0 && plan->layers[0].assign_crs) {
        assign_what(plan, &plan->layers[0], what, sizeof what);
        if ((st = pc_crs_from_string(ctx, plan->layers[0].assign_crs, what,
                                     &work)) != PC_OK)
            goto fail;
    } else if (plan->nlayers > 0) {
        /* no working CRS given (plancheck check): the first layer's own */
        st = pc_read_layer_crs(ctx, plan->layers[0].source,
                               plan->layers[0].layer, &work);
        if (st != PC_OK)
            goto fail;
        if (!work) {
            st = pc_error(ctx, PC_ERR_CRS, "%s: the layer has no CRS; give "
                          "--crs", plan->layers[0].source);
            goto fail;
        }
    }
    if (!work || !pc_crs_is_projected(work)) {
        st = pc_error(ctx, PC_ERR_CRS, "%s: working CRS %s is not projected: "
                      "measuring in a geographic CRS is refused (give a "
                      "projected CRS, e.g. EPSG:4549)", plan->path,
                      work ? pc_crs_name(work) : "(none)");
        goto fail;
    }
    const char *auth = pc_crs_authority(work);
    r->working_crs = pc_strdup(auth ? auth : pc_crs_name(work));
    r->working_crs_name = pc_strdup(pc_crs_name(work));

    const char *target = opts->output ? opts->output : plan->output;
    if (opts->no_output)
        target = NULL;
    else if (!target) {
        st = pc_error(ctx, PC_ERR_USAGE, "%s: no output: give -o <file.gpkg> "
                      "or `output:` in the plan file", plan->path);
        goto fail;
    }
    r->output = target ? pc_strdup(target) : NULL;
    if ((target && !r->output) || !r->working_crs || !r->working_crs_name) {
        st = PC_OOM(ctx);
        goto fail;
    }
    /* Fail before the work, not after it. */
    struct stat sb;
    if (target && !opts->overwrite && stat(target, &sb) == 0) {
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: already exists; use "
                      "--overwrite to replace it", target);
        goto fail;
    }
    if (target && !opts->output && (st = make_parent_dirs(ctx, target)) != PC_OK)
        goto fail;

    size_t n = plan->nlayers;
    layers = calloc(n, sizeof *layers);
    areas = calloc(n, sizeof *areas);
    out = calloc(n, sizeof *out);
    aliases = calloc(n, sizeof *aliases);
    inputs = calloc(n + 1, sizeof *inputs);
    r->layers = calloc(n, sizeof *r->layers);
    if (!layers || !areas || !out || !aliases || !inputs || !r->layers) {
        st = PC_OOM(ctx);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        r->nlayers++;
        st = process_layer(ctx, opts, plan, &plan->layers[i], work, &layers[i],
                           &areas[i], &r->layers[i], &r->findings);
        if (st != PC_OK)
            goto fail;
        if ((st = describe_layer(ctx, &plan->layers[i], layers[i], &out[i],
                                 &aliases[i])) != PC_OK)
            goto fail;
        out[i].areas = &areas[i];
        inputs[i] = plan->layers[i].source;
    }
    inputs[n] = plan->path ? plan->path : "";
    if (plan->nrules > 0 &&
        (st = run_rules(ctx, plan, opts, work, layers, areas, &r->findings,
                        &r->balance)) != PC_OK)
        goto fail;
    if ((st = pc_findings_finish(ctx, &r->findings)) != PC_OK ||
        (st = apply_accepted(ctx, plan, r)) != PC_OK)
        goto fail;
    utc_now(r->finished_utc, sizeof r->finished_utc);
    build_meta(r, &meta);
    if (meta.oom) {
        st = PC_OOM(ctx);
        goto fail;
    }
    if (target) {
        pc_write_opts wo = {target, opts->overwrite, work, inputs, n + 1,
                            opts->progress, opts->progress_arg, &r->balance,
                            r->started_utc};
        double t0 = pc_now_s();
        st = pc_write_gpkg(ctx, &wo, out, opts->findings_only ? 0 : n,
                           &r->findings, meta.kv, meta.n);
        pc_stage_time("write", target, &t0);
    }
    if (st == PC_OK && opts->keep_layers) {
        /* the result takes over the layers, their areas and the CRS */
        r->data = layers;
        r->areas = areas;
        r->crs = work;
        layers = NULL;
        areas = NULL;
        work = NULL;
    }
fail:
    meta_free(&meta);
    double t1 = pc_now_s();
    for (size_t i = 0; layers && i < plan->nlayers; i++) {
        pc_layer_free(ctx, layers[i]);
        pc_layer_areas_clear(&areas[i]);
    }
    pc_stage_time("free", "layers", &t1);
    free(layers);
    free(areas);
    free(out);
    for (size_t i = 0; aliases && i < plan->nlayers; i++)
        free(aliases[i]);
    free(aliases);
    free(inputs);
    pc_crs_free(work);
    if (st != PC_OK)
        pc_run_result_clear(ctx, r);
    return st;
}
