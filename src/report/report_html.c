/* report_html.c: report stage: the run as one self-contained HTML page for
 * people: summary, rules, land-use balance, an overview map and every
 * finding with its numbers and a small map. Everything is inline (CSS,
 * maps as data: URIs), nothing is fetched, no script is needed; it reads
 * on a phone (tables scroll inside their box) and prints. Counts carry
 * data-count attributes so tests can read them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "plancheck/landuse.h"
#include "plancheck/render.h"
#include "report_internal.h"

static const char css[] =
    ":root{--err:#b3261e;--warn:#8a5a00;--info:#1d5fbf;--ok:#1a7f37;"
    "--line:#d0d7de;--muted:#59636e}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\","
    "\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;color:#1f2328;"
    "background:#fff}\n"
    "main{max-width:1100px;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.4rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}\n"
    "h2{font-size:1.15rem;border-bottom:1px solid var(--line);"
    "padding-bottom:.2rem;margin-top:1.8rem}\n"
    "h3{font-size:.95rem;margin:0 0 .3rem;overflow-wrap:anywhere;"
    "font-family:ui-monospace,SFMono-Regular,Menlo,monospace}\n"
    "nav ul{list-style:none;padding:0;margin:.3rem 0;display:flex;"
    "flex-wrap:wrap;gap:.3rem 1rem}\n"
    ".badge{display:inline-block;padding:.05rem .5rem;border-radius:.3rem;"
    "color:#fff;font-weight:600}\n"
    ".badge.pass{background:var(--ok)}.badge.fail{background:var(--err)}\n"
    ".sev{font-weight:600;text-transform:uppercase;font-size:.75rem;"
    "font-family:system-ui,sans-serif;margin-right:.4rem}\n"
    ".error .sev,.sev.error{color:var(--err)}"
    ".warning .sev,.sev.warning{color:var(--warn)}"
    ".info .sev,.sev.info{color:var(--info)}\n"
    ".counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;"
    "padding:0;margin:.6rem 0}\n"
    ".counts li{border:1px solid var(--line);border-radius:.4rem;"
    "padding:.3rem .8rem;min-width:5.5rem}\n"
    ".counts b{display:block;font-size:1.35rem}\n"
    "dl.meta{display:grid;grid-template-columns:max-content minmax(0,1fr);"
    "gap:.1rem .8rem;margin:.4rem 0}\n"
    "dl.meta dt{color:var(--muted)}"
    "dl.meta dd{margin:0;overflow-wrap:anywhere;min-width:0}\n"
    ".scroll{overflow-x:auto;max-width:100%;margin:.5rem 0}\n"
    "table{border-collapse:collapse;font-size:.88rem}\n"
    "th,td{border:1px solid var(--line);padding:.2rem .45rem;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f6f8fa}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "tr.total td{font-weight:600}\n"
    "td.fail{color:var(--err);font-weight:600}td.pass{color:var(--ok)}\n"
    "figure{margin:0}\n"
    "figure img{display:block;max-width:100%;height:auto;"
    "border:1px solid var(--line);background:#fff}\n"
    "figcaption{color:var(--muted);font-size:.85rem}\n"
    ".finding{border:1px solid var(--line);border-left:5px solid var(--line);"
    "border-radius:.3rem;padding:.6rem .8rem;margin:.8rem 0;display:grid;"
    "grid-template-columns:minmax(0,1fr);gap:.6rem}\n"
    ".finding.error{border-left-color:var(--err)}"
    ".finding.warning{border-left-color:var(--warn)}"
    ".finding.info{border-left-color:var(--info)}\n"
    ".finding p{margin:.2rem 0;overflow-wrap:anywhere}\n"
    ".accepted{color:var(--ok)}\n"
    "@media (min-width:760px){.finding.has-map{grid-template-columns:"
    "minmax(0,1fr) 340px}}\n"
    "@media print{body{font-size:10pt}main{max-width:none;padding:0}"
    "nav{display:none}.scroll{overflow:visible}"
    ".finding,figure,tr{break-inside:avoid}h2,h3{break-after:avoid}"
    ".finding.has-map{grid-template-columns:minmax(0,1fr) 45%}"
    ".badge{color:#000;background:none;border:1px solid #000}"
    "a{color:inherit;text-decoration:none}}\n";

/* Optional text as an escaped table cell or "–". */
static void cell(pc_sbuf *b, const char *s)
{
    pc_sbuf_puts(b, "<td>");
    if (s && *s)
        pc_sbuf_escape(b, s);
    else
        pc_sbuf_puts(b, "–");
    pc_sbuf_puts(b, "</td>");
}

static void num_cell(pc_sbuf *b, const char *name, size_t n)
{
    pc_sbuf_printf(b, "<td class=\"num\" data-count=\"%s\">%zu</td>", name, n);
}

static void meta_row(pc_sbuf *b, const char *term, const char *value)
{
    if (!value || !*value)
        return;
    pc_sbuf_printf(b, "<dt>%s</dt><dd>", term);
    pc_sbuf_escape(b, value);
    pc_sbuf_puts(b, "</dd>");
}

/* 1234567.891 as "1 234 567.89": thin-space groups read in any locale. */
static void fmt_num(pc_sbuf *b, double v, int decimals)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    const char *dot = strchr(raw, '.');
    size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
    if (v < 0 && strspn(raw, "0.") != strlen(raw))
        pc_sbuf_puts(b, "−");
    for (size_t i = 0; i < intlen; i++) {
        if (i > 0 && (intlen - i) % 3 == 0)
            pc_sbuf_puts(b, "\xE2\x80\xAF"); /* U+202F narrow no-break */
        pc_sbuf_add(b, raw + i, 1);
    }
    if (dot)
        pc_sbuf_puts(b, dot);
}

/* An area with its 亩 and 公顷, or a length when the finding is about
 * lengths (declared unit "m"). */
static void quantity(pc_sbuf *b, double v, int metres)
{
    fmt_num(b, v, 2);
    if (metres) {
        pc_sbuf_puts(b, " m");
        return;
    }
    pc_sbuf_puts(b, " m² = ");
    fmt_num(b, v * 3.0 / 2000.0, 4);
    pc_sbuf_puts(b, " 亩 = ");
    fmt_num(b, v / 10000.0, 4);
    pc_sbuf_puts(b, " 公顷");
}

static void summary(pc_sbuf *b, const pc_run_result *r, int rc,
                    const size_t by_sev[3], size_t failing)
{
    pc_sbuf_puts(b, "<section id=\"summary\"><h2>Summary 概况</h2>\n");
    pc_sbuf_printf(b, "<p>Result: <span class=\"badge %s\" data-result=\"%s\">"
                   "%s</span> (fail on %s%s; exit code %d)</p>\n",
                   rc ? "fail" : "pass", rc ? "fail" : "pass",
                   rc ? "FAIL" : "PASS", r->fail_new_only ? "new " : "",
                   pc_severity_name(r->fail_on), rc);
    pc_sbuf_puts(b, "<ul class=\"counts\">");
    pc_sbuf_printf(b, "<li>findings<b data-count=\"total\">%zu</b></li>",
                   r->findings.n);
    static const pc_severity order[] = {PC_SEV_ERROR, PC_SEV_WARNING,
                                        PC_SEV_INFO};
    for (size_t k = 0; k < 3; k++) {
        const char *s = pc_severity_name(order[k]);
        pc_sbuf_printf(b, "<li class=\"%s\"><span class=\"sev\">%s</span>"
                       "<b data-count=\"%s\">%zu</b></li>", s, s, s,
                       by_sev[order[k]]);
    }
    pc_sbuf_printf(b, "<li>failing<b data-count=\"failing\">%zu</b></li>"
                   "<li>accepted<b data-count=\"accepted\">%zu</b></li>"
                   "<li>stale<b data-count=\"stale\">%zu</b></li></ul>\n",
                   failing, r->accepted, r->stale);
    pc_sbuf_puts(b, "<dl class=\"meta\">");
    meta_row(b, "plan", r->plan->path);
    meta_row(b, "name", r->plan->name);
    meta_row(b, "SHA-256", r->plan->sha256);
    meta_row(b, "output", r->output);
    char crs[512];
    snprintf(crs, sizeof crs, "%s (%s)", r->working_crs, r->working_crs_name);
    meta_row(b, "working CRS", crs);
    meta_row(b, "area method", pc_area_method_name(r->method));
    meta_row(b, "started", r->started_utc);
    meta_row(b, "finished", r->finished_utc);
    char tool[128];
    snprintf(tool, sizeof tool, "plancheck %s (%s)", PC_VERSION,
             pc_library_versions());
    meta_row(b, "tool", tool);
    pc_sbuf_puts(b, "</dl>\n");
    pc_sbuf_puts(b, "<div class=\"scroll\"><table id=\"layers\"><thead><tr>"
                    "<th>layer</th><th>source</th><th>CRS</th>"
                    "<th class=\"num\">features</th>"
                    "<th class=\"num\">polygons</th>"
                    "<th class=\"num\">figures compared</th>"
                    "<th class=\"num\">within tolerance</th>"
                    "</tr></thead><tbody>\n");
    for (size_t i = 0; i < r->nlayers; i++) {
        const pc_run_layer *l = &r->layers[i];
        pc_sbuf_puts(b, "<tr>");
        cell(b, l->id);
        cell(b, l->source);
        cell(b, l->source_crs);
        pc_sbuf_printf(b, "<td class=\"num\">%zu</td><td class=\"num\">%zu"
                       "</td>", l->features, l->polygons);
        if (l->area_checked)
            pc_sbuf_printf(b, "<td class=\"num\">%zu</td><td class=\"num\">"
                           "%zu</td>", l->area.compared, l->area.within);
        else
            pc_sbuf_puts(b, "<td class=\"num\">–</td><td class=\"num\">–</td>");
        pc_sbuf_puts(b, "</tr>\n");
    }
    pc_sbuf_puts(b, "</tbody></table></div></section>\n");
}

static void rules_table(pc_sbuf *b, const pc_run_result *r,
                        const pc_report_rule *rules, size_t n)
{
    pc_sbuf_puts(b, "<section id=\"rules\"><h2>Rules 规则</h2>\n"
                    "<div class=\"scroll\"><table><thead><tr><th>rule</th>"
                    "<th>layers</th><th>severity</th>"
                    "<th class=\"num\">error</th><th class=\"num\">warning</th>"
                    "<th class=\"num\">info</th><th class=\"num\">accepted</th>"
                    "<th>result</th></tr></thead><tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const pc_report_rule *rr = &rules[k];
        pc_sbuf_printf(b, "<tr data-rule-index=\"%d\"><td>", rr->index);
        const pc_plan_rule *pr =
            rr->index >= 0 ? &r->plan->rules[rr->index] : NULL;
        if (!pr)
            pc_sbuf_puts(b, "area <small>(declared areas; run-level "
                            "findings)</small>");
        else {
            pc_sbuf_puts(b, pc_plan_rule_name(pr->kind));
            if (pr->kind == PC_RULE_SQL && pr->sql_id) {
                pc_sbuf_puts(b, " ");
                pc_sbuf_escape(b, pr->sql_id);
            }
            if (pr->line > 0)
                pc_sbuf_printf(b, " <small>(line %d)</small>", pr->line);
        }
        pc_sbuf_puts(b, "</td><td>");
        const char *layers[8];
        size_t nl = pc_report_rule_layers(r->plan, rr->index, layers, 8);
        for (size_t i = 0; i < nl; i++) {
            pc_sbuf_puts(b, i ? ", " : "");
            pc_sbuf_escape(b, layers[i]);
        }
        pc_sbuf_printf(b, "</td><td>%s</td>", pc_severity_name(
                           pc_report_rule_severity(r->plan, rr->index)));
        num_cell(b, "error", rr->by_severity[PC_SEV_ERROR]);
        num_cell(b, "warning", rr->by_severity[PC_SEV_WARNING]);
        num_cell(b, "info", rr->by_severity[PC_SEV_INFO]);
        num_cell(b, "accepted", rr->accepted);
        pc_sbuf_printf(b, "<td class=\"%s\">%s</td></tr>\n",
                       rr->failing ? "fail" : "pass",
                       rr->failing ? "fail" : "pass");
    }
    pc_sbuf_puts(b, "</tbody></table></div></section>\n");
}

/* The balance table: one table per layer and zone, the classes that hold
 * parcels, the unclassified row and the total (the GeoPackage's
 * landuse_balance table has every class). */
static void balance_table(pc_sbuf *b, const pc_run_result *r)
{
    if (r->balance.n == 0)
        return;
    pc_sbuf_puts(b, "<section id=\"balance\"><h2>Land-use balance "
                    "用地平衡表</h2>\n<p>Areas by the run's area method; "
                    "classes without parcels are left out (the output "
                    "GeoPackage's table <code>landuse_balance</code> has "
                    "every class).</p>\n");
    for (size_t i = 0; i < r->balance.n;) {
        const pc_balance_row *first = &r->balance.rows[i];
        size_t j = i;
        while (j < r->balance.n &&
               !strcmp(r->balance.rows[j].layer, first->layer) &&
               !strcmp(r->balance.rows[j].zone, first->zone))
            j++;
        pc_sbuf_puts(b, "<h3>");
        pc_sbuf_escape(b, first->layer);
        if (first->zone[0]) {
            pc_sbuf_puts(b, " · ");
            pc_sbuf_escape(b, first->zone);
        }
        pc_sbuf_puts(b, "</h3>\n<div class=\"scroll\"><table class=\"balance\">"
                        "<thead><tr><th>code</th><th>class 用地用海</th>"
                        "<th class=\"num\">parcels</th>"
                        "<th class=\"num\">公顷</th><th class=\"num\">%</th>"
                        "</tr></thead><tbody>\n");
        for (size_t k = i; k < j; k++) {
            const pc_balance_row *row = &r->balance.rows[k];
            if (row->parcels == 0 && !row->total)
                continue;
            pc_sbuf_printf(b, "<tr%s>", row->total ? " class=\"total\"" : "");
            cell(b, row->cls ? row->cls->code : NULL);
            pc_sbuf_puts(b, "<td>");
            if (row->cls) {
                pc_sbuf_escape(b, row->cls->name_zh);
                pc_sbuf_puts(b, " ");
                pc_sbuf_escape(b, row->cls->name_en);
            } else {
                pc_sbuf_puts(b, row->total ? "合计 total"
                                           : "未分类 unclassified");
            }
            pc_sbuf_printf(b, "</td><td class=\"num\">%zu</td>"
                           "<td class=\"num\">", row->parcels);
            fmt_num(b, row->area_m2 / 10000.0, 4);
            pc_sbuf_puts(b, "</td><td class=\"num\">");
            if (isfinite(row->pct))
                fmt_num(b, row->pct, 2);
            pc_sbuf_puts(b, "</td></tr>\n");
        }
        pc_sbuf_puts(b, "</tbody></table></div>\n");
        i = j;
    }
    pc_sbuf_puts(b, "</section>\n");
}

/* ---- maps ------------------------------------------------------------------
 * Each map is rendered as PNG and as SVG and the smaller one embedded as a
 * data: URI in an <img>: nothing to fetch, and an SVG inside an <img>
 * keeps its ids to itself (several inline SVGs would share one id space). */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(pc_sbuf *b, const unsigned char *p, size_t n)
{
    if (!pc_sbuf_reserve(b, (n + 2) / 3 * 4))
        return;
    char *o = b->s + b->n;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = b64[(v >> 6) & 63];
        *o++ = b64[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    b->n = (size_t)(o - b->s);
    b->s[b->n] = '\0';
}

/* Renders one map both ways and appends the smaller as an <img>. A map
 * the renderer refuses for want of something to draw (PC_ERR_USAGE: an
 * empty extent) is left out; any other failure fails the report. */
static pc_status map_img(pc_ctx *ctx, pc_sbuf *b, const pc_run_result *r,
                         const pc_render_opts *opts, const char *alt,
                         const char *cls)
{
    unsigned char *png = NULL, *svg = NULL;
    size_t npng = 0, nsvg = 0;
    pc_status st = pc_render_mem(ctx, r, opts, PC_RENDER_PNG, &png, &npng);
    if (st == PC_OK)
        st = pc_render_mem(ctx, r, opts, PC_RENDER_SVG, &svg, &nsvg);
    if (st == PC_ERR_USAGE) {
        st = PC_OK; /* nothing to draw: no map */
    } else if (st == PC_OK) {
        int use_png = npng <= nsvg;
        pc_sbuf_printf(b, "<img class=\"%s\" width=\"%d\" height=\"%d\" "
                       "alt=\"", cls, opts->width, opts->height);
        pc_sbuf_escape(b, alt);
        pc_sbuf_printf(b, "\" src=\"data:image/%s;base64,",
                       use_png ? "png" : "svg+xml");
        base64(b, use_png ? png : svg, use_png ? npng : nsvg);
        pc_sbuf_puts(b, "\">");
    }
    free(png);
    free(svg);
    return st;
}

static pc_status overview_map(pc_ctx *ctx, pc_sbuf *b, const pc_run_result *r,
                              const char *date)
{
    pc_sbuf_puts(b, "<section id=\"map\"><h2>Map 地图</h2>\n");
    pc_status st = PC_OK;
    if (r->data) {
        pc_render_opts o = {.width = 1200, .height = 900, .date = date};
        pc_sbuf_puts(b, "<figure id=\"overview\">");
        st = map_img(ctx, b, r, &o, "overview map of the plan and its findings",
                     "map overview");
        pc_sbuf_puts(b, "<figcaption>Every layer of the plan in the working "
                        "CRS with the findings highlighted.</figcaption>"
                        "</figure>\n");
    }
    pc_sbuf_puts(b, "</section>\n");
    return st;
}

static pc_status finding_map(pc_ctx *ctx, pc_sbuf *b, const pc_run_result *r,
                             const pc_finding *f, const char *date)
{
    if (!r->data || !f->geom)
        return PC_OK;
    pc_render_opts o = {.width = 480, .height = 360, .zoom_to = f->id,
                        .date = date, .plain = 1};
    pc_sbuf alt = {0};
    pc_sbuf_printf(&alt, "map of %s", f->id);
    pc_sbuf_puts(b, "<figure class=\"finding-map\">");
    pc_status st = map_img(ctx, b, r, &o, alt.s ? alt.s : "map", "map");
    pc_sbuf_puts(b, "</figure>\n");
    pc_sbuf_free(&alt);
    return st;
}

/* "zones Z34 (FID 12)" */
static void feature_ref(pc_sbuf *b, const char *layer, const char *key,
                        int64_t fid)
{
    pc_sbuf_escape(b, layer);
    if (key) {
        pc_sbuf_puts(b, " ");
        pc_sbuf_escape(b, key);
    }
    if (fid >= 0)
        pc_sbuf_printf(b, " (FID %lld)", (long long)fid);
}

static void finding_numbers(pc_sbuf *b, const pc_finding *f)
{
    int metres = f->unit && !strcmp(f->unit, "m");
    if (isfinite(f->measured_m2)) {
        pc_sbuf_puts(b, "<dt>measured</dt><dd class=\"num-measured\">");
        quantity(b, f->measured_m2, metres);
        pc_sbuf_puts(b, "</dd>");
    }
    if (isfinite(f->declared_m2) || isfinite(f->declared_value)) {
        pc_sbuf_puts(b, "<dt>declared</dt><dd>");
        if (isfinite(f->declared_value) && f->unit && !metres) {
            /* the figure as printed, and in m² */
            pc_sbuf_printf(b, "%.15g ", f->declared_value);
            pc_sbuf_escape(b, f->unit);
            if (isfinite(f->declared_m2)) {
                pc_sbuf_puts(b, " = ");
                fmt_num(b, f->declared_m2, 2);
                pc_sbuf_puts(b, " m²");
            }
        } else if (isfinite(f->declared_m2)) {
            quantity(b, f->declared_m2, metres);
        }
        pc_sbuf_puts(b, "</dd>");
    }
    if (isfinite(f->diff_m2)) {
        pc_sbuf_puts(b, "<dt>difference</dt><dd>");
        if (f->diff_m2 > 0)
            pc_sbuf_puts(b, "+");
        fmt_num(b, f->diff_m2, 2);
        pc_sbuf_puts(b, metres ? " m" : " m²");
        if (isfinite(f->diff_pct)) {
            pc_sbuf_puts(b, f->diff_pct > 0 ? " (+" : " (");
            fmt_num(b, f->diff_pct, 3);
            pc_sbuf_puts(b, " %)");
        }
        pc_sbuf_puts(b, "</dd>");
    }
    if (isfinite(f->tolerance_m2)) {
        pc_sbuf_puts(b, "<dt>tolerance</dt><dd>");
        fmt_num(b, f->tolerance_m2, 2);
        pc_sbuf_puts(b, metres ? " m" : " m²");
        pc_sbuf_puts(b, "</dd>");
    }
}

static pc_status finding(pc_ctx *ctx, pc_sbuf *b, const pc_run_result *r,
                         size_t i, const char *date)
{
    const pc_finding *f = &r->findings.items[i];
    const char *sev = pc_severity_name(f->severity);
    pc_sbuf_printf(b, "<article class=\"finding %s%s\" id=\"finding-%zu\" "
                   "data-severity=\"%s\" data-accepted=\"%d\" "
                   "data-plan-rule=\"%d\" data-id=\"", sev,
                   r->data && f->geom ? " has-map" : "", i + 1, sev,
                   f->accepted != 0, f->plan_rule);
    pc_sbuf_escape(b, f->id);
    pc_sbuf_puts(b, "\"><div>\n<h3><span class=\"sev\">");
    pc_sbuf_puts(b, sev);
    pc_sbuf_puts(b, "</span>");
    pc_sbuf_escape(b, f->id);
    pc_sbuf_puts(b, "</h3>\n<p class=\"message\">");
    pc_sbuf_escape(b, f->message);
    pc_sbuf_puts(b, "</p>\n<dl class=\"meta\"><dt>rule</dt><dd>");
    pc_sbuf_escape(b, f->rule);
    if (f->plan_rule >= 0 && (size_t)f->plan_rule < r->plan->nrules) {
        pc_sbuf_puts(b, " — ");
        pc_sbuf title = {0};
        pc_report_rule_title(r->plan, f->plan_rule, &title);
        pc_sbuf_escape(b, title.s);
        b->oom |= title.oom;
        pc_sbuf_free(&title);
    }
    pc_sbuf_puts(b, "</dd>");
    if (f->layer) {
        pc_sbuf_puts(b, "<dt>feature</dt><dd>");
        feature_ref(b, f->layer, f->key, f->fid);
        pc_sbuf_puts(b, "</dd>");
    } else if (f->key) {
        meta_row(b, "about", f->key);
    }
    if (f->layer2 || f->key2) {
        pc_sbuf_puts(b, "<dt>other feature</dt><dd>");
        feature_ref(b, f->layer2 ? f->layer2 : "", f->key2, f->fid2);
        pc_sbuf_puts(b, "</dd>");
    }
    meta_row(b, "field", f->field);
    finding_numbers(b, f);
    meta_row(b, "area method", f->method);
    if (f->repaired)
        meta_row(b, "geometry", "repaired (MakeValid)");
    if (f->accepted) {
        pc_sbuf_puts(b, "<dt>accepted</dt><dd class=\"accepted\">");
        pc_sbuf_escape(b, f->accepted_reason ? f->accepted_reason : "yes");
        pc_sbuf_puts(b, "</dd>");
    }
    pc_sbuf_puts(b, "</dl></div>\n");
    pc_status st = finding_map(ctx, b, r, f, date);
    pc_sbuf_puts(b, "</article>\n");
    return st;
}

pc_status pc_report_html(pc_ctx *ctx, const pc_run_result *r, pc_sbuf *out)
{
    size_t n = 0;
    pc_report_rule *rules = pc_report_rules(r, &n);
    if (!rules)
        return PC_OOM(ctx);
    size_t by_sev[3] = {0, 0, 0}, failing = 0;
    for (size_t k = 0; k < n; k++) {
        for (int s = 0; s < 3; s++)
            by_sev[s] += rules[k].by_severity[s];
        failing += rules[k].failing;
    }
    int rc = pc_run_exit_code(r);
    const char *name = r->plan->name ? r->plan->name : r->plan->path;
    pc_sbuf *b = out;
    pc_sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\">\n");
    pc_sbuf_printf(b, "<meta name=\"generator\" content=\"plancheck %s\">\n"
                   "<meta name=\"plancheck-report-schema\" content=\"%d\">\n",
                   PC_VERSION, PC_REPORT_SCHEMA_VERSION);
    pc_sbuf_puts(b, "<title>plancheck: ");
    pc_sbuf_escape(b, name);
    pc_sbuf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
                   css);
    pc_sbuf_puts(b, "<header><h1>");
    pc_sbuf_escape(b, name);
    pc_sbuf_puts(b, "</h1><nav><ul><li><a href=\"#summary\">Summary</a></li>"
                    "<li><a href=\"#rules\">Rules</a></li>");
    if (r->balance.n)
        pc_sbuf_puts(b, "<li><a href=\"#balance\">Land-use balance</a></li>");
    pc_sbuf_puts(b, "<li><a href=\"#map\">Map</a></li>"
                    "<li><a href=\"#findings\">Findings</a></li></ul></nav>"
                    "</header>\n");
    summary(b, r, rc, by_sev, failing);
    rules_table(b, r, rules, n);
    balance_table(b, r);
    char date[11];
    snprintf(date, sizeof date, "%.10s", r->started_utc);
    pc_status st = overview_map(ctx, b, r, date);
    pc_sbuf_printf(b, "<section id=\"findings\"><h2>Findings 问题 "
                   "(<span data-count=\"findings\">%zu</span>)</h2>\n",
                   r->findings.n);
    if (r->findings.n == 0)
        pc_sbuf_puts(b, "<p>No findings.</p>\n");
    for (size_t i = 0; i < r->findings.n && st == PC_OK && !b->oom; i++)
        st = finding(ctx, b, r, i, date);
    pc_sbuf_puts(b, "</section>\n</main>\n</body>\n</html>\n");
    free(rules);
    return st;
}
