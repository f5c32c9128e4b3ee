/* report_junit.c: report stage: the run as JUnit XML, the format CI
 * systems (Jenkins, GitLab, GitHub Actions' test reporters, Azure) show
 * natively: one test suite for the plan, one test case per plan rule and
 * one for the declared-area check; a rule fails when it has findings that
 * fail the run (pc_report_fails), listed in its <failure>; its other
 * findings go to <system-out>. tests/report/junit.xsd is the structure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "report_internal.h"

/* "[error] id: message" plus the acceptance, one line per finding. */
static void finding_line(pc_sbuf *b, const pc_finding *f)
{
    pc_sbuf_printf(b, "[%s] ", pc_severity_name(f->severity));
    pc_sbuf_escape(b, f->id);
    pc_sbuf_puts(b, ": ");
    pc_sbuf_escape(b, f->message ? f->message : "");
    if (f->accepted) {
        pc_sbuf_puts(b, " (accepted: ");
        pc_sbuf_escape(b, f->accepted_reason);
        pc_sbuf_puts(b, ")");
    }
    pc_sbuf_puts(b, "\n");
}

static int in_rule(const pc_run_result *r, const pc_finding *f, int index)
{
    int k = f->plan_rule >= 0 && (size_t)f->plan_rule < r->plan->nrules
                ? f->plan_rule
                : -1;
    return k == index;
}

static void property(pc_sbuf *b, const char *name, const char *value)
{
    pc_sbuf_printf(b, "      <property name=\"%s\" value=\"", name);
    pc_sbuf_escape(b, value ? value : "");
    pc_sbuf_puts(b, "\"/>\n");
}

static void testcase(pc_sbuf *b, const pc_run_result *r,
                     const pc_report_rule *rr)
{
    const pc_plan *plan = r->plan;
    const char *kind = rr->index >= 0
                           ? pc_plan_rule_name(plan->rules[rr->index].kind)
                           : "area";
    pc_sbuf_printf(b, "    <testcase classname=\"%s\" name=\"", kind);
    pc_sbuf title = {0};
    pc_report_rule_title(plan, rr->index, &title);
    pc_sbuf_escape(b, title.s);
    b->oom |= title.oom;
    pc_sbuf_free(&title);
    pc_sbuf_puts(b, "\" time=\"0\"");
    const char *layers[1];
    if (rr->index < 0 && rr->total == 0 &&
        pc_report_rule_layers(plan, -1, layers, 1) == 0) {
        pc_sbuf_puts(b, ">\n      <skipped message=\"no layer declares "
                        "areas\"/>\n    </testcase>\n");
        return;
    }
    if (rr->total == 0) {
        pc_sbuf_puts(b, "/>\n");
        return;
    }
    pc_sbuf_puts(b, ">\n");
    if (rr->failing) {
        pc_sbuf_printf(b, "      <failure message=\"%zu finding%s at or "
                       "above %s%s\" type=\"%s\">", rr->failing,
                       rr->failing == 1 ? "" : "s",
                       pc_severity_name(r->fail_on),
                       r->fail_new_only ? ", not accepted" : "",
                       pc_severity_name(r->fail_on));
        for (size_t i = 0; i < r->findings.n; i++) {
            const pc_finding *f = &r->findings.items[i];
            if (in_rule(r, f, rr->index) && pc_report_fails(r, f))
                finding_line(b, f);
        }
        pc_sbuf_puts(b, "</failure>\n");
    }
    if (rr->total > rr->failing) {
        pc_sbuf_puts(b, "      <system-out>");
        for (size_t i = 0; i < r->findings.n; i++) {
            const pc_finding *f = &r->findings.items[i];
            if (in_rule(r, f, rr->index) && !pc_report_fails(r, f))
                finding_line(b, f);
        }
        pc_sbuf_puts(b, "</system-out>\n");
    }
    pc_sbuf_puts(b, "    </testcase>\n");
}

pc_status pc_report_junit(pc_ctx *ctx, const pc_run_result *r, pc_sbuf *out)
{
    size_t n = 0;
    pc_report_rule *rules = pc_report_rules(r, &n);
    if (!rules)
        return PC_OOM(ctx);
    size_t failures = 0, skipped = 0;
    const char *layers[1];
    for (size_t k = 0; k < n; k++)
        failures += rules[k].failing > 0;
    if (rules[0].total == 0 && pc_report_rule_layers(r->plan, -1, layers, 1) == 0)
        skipped = 1;
    long long t0 = pc_report_utc_seconds(r->started_utc);
    long long t1 = pc_report_utc_seconds(r->finished_utc);
    long long secs = t0 >= 0 && t1 >= t0 ? t1 - t0 : 0;
    /* JUnit's timestamp is ISO 8601 without a zone; the run's is UTC */
    char stamp[32];
    snprintf(stamp, sizeof stamp, "%.19s", r->started_utc);

    const char *name = r->plan->name ? r->plan->name : r->plan->path;
    pc_sbuf *b = out;
    pc_sbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    pc_sbuf_printf(b, "<testsuites name=\"plancheck\" tests=\"%zu\" "
                   "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                   "time=\"%lld\">\n", n, failures, skipped, secs);
    pc_sbuf_puts(b, "  <testsuite name=\"");
    pc_sbuf_escape(b, name ? name : "plan");
    pc_sbuf_printf(b, "\" id=\"0\" package=\"plancheck\" tests=\"%zu\" "
                   "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                   "time=\"%lld\" timestamp=\"", n, failures, skipped, secs);
    pc_sbuf_escape(b, stamp);
    pc_sbuf_puts(b, "\">\n    <properties>\n");
    property(b, "plancheck", PC_VERSION);
    property(b, "plan", r->plan->path);
    property(b, "plan_sha256", r->plan->sha256);
    property(b, "output", r->output);
    property(b, "working_crs", r->working_crs);
    property(b, "area_method", pc_area_method_name(r->method));
    char fail_on[32];
    snprintf(fail_on, sizeof fail_on, "%s%s", r->fail_new_only ? "new " : "",
             pc_severity_name(r->fail_on));
    property(b, "fail_on", fail_on);
    property(b, "started_utc", r->started_utc);
    property(b, "finished_utc", r->finished_utc);
    char count[32];
    snprintf(count, sizeof count, "%zu", r->findings.n);
    property(b, "findings", count);
    pc_sbuf_puts(b, "    </properties>\n");
    for (size_t k = 0; k < n; k++)
        testcase(b, r, &rules[k]);
    pc_sbuf_puts(b, "  </testsuite>\n</testsuites>\n");
    free(rules);
    return PC_OK;
}
