/* test_report.c: the report module on a run result built in memory: the
 * format of a path, HTML/XML escaping, the JSON document's stable order
 * (the same text whatever order the findings came in), the findings per
 * rule and the JUnit failures (fail_on, fail_new_only), the paths a report
 * may not take, and writes that fail or leave nothing behind. */
#include "testutil.h"

#include <dirent.h>

#include <json-c/json.h>

#include "../../src/report/report_internal.h"
#include "plancheck/report.h"

#define NASTY "<b>\"quoted\" & 'single'</b>"
#define NASTY_ESC "&lt;b&gt;&quot;quoted&quot; &amp; &#39;single&#39;&lt;/b&gt;"

struct fx {
    pc_ctx *ctx;
    char *dir;
    pc_run_result r;
};

/* A plan with one layer (lots, declared areas) and two rules (overlap,
 * an sql rule), and four findings added in the order `order` gives. */
static void build(struct fx *fx, const int order[4])
{
    pc_run_result *r = &fx->r;
    memset(r, 0, sizeof *r);
    pc_plan *plan = calloc(1, sizeof *plan);
    assert_non_null(plan);
    r->plan = plan;
    plan->path = tu_path(fx->dir, "plan.yaml");
    plan->name = strdup("Plan " NASTY);
    plan->sha256 = strdup("0123456789abcdef0123456789abcdef"
                          "0123456789abcdef0123456789abcdef");
    plan->area_rule_enabled = 1;
    plan->area_severity = PC_SEV_ERROR;
    plan->layers = calloc(1, sizeof *plan->layers);
    plan->nlayers = 1;
    plan->layers[0].id = strdup("lots");
    plan->layers[0].source = tu_path(fx->dir, "lots.json");
    plan->layers[0].nareas = 1;
    plan->layers[0].areas = calloc(1, sizeof *plan->layers[0].areas);
    plan->layers[0].areas[0].value_field = strdup("area");
    plan->rules = calloc(2, sizeof *plan->rules);
    plan->nrules = 2;
    plan->rules[0] = (pc_plan_rule){.kind = PC_RULE_OVERLAP, .line = 5,
                                    .severity = PC_SEV_ERROR,
                                    .layer = strdup("lots")};
    plan->rules[1] = (pc_plan_rule){.kind = PC_RULE_SQL, .line = 7,
                                    .severity = PC_SEV_WARNING,
                                    .layer = strdup("lots"),
                                    .sql_id = strdup("x<y")};
    r->output = tu_path(fx->dir, "out.gpkg");
    r->working_crs = strdup("EPSG:4549");
    r->working_crs_name = strdup("CGCS2000 / 3-degree Gauss-Kruger CM 120E");
    r->fail_on = PC_SEV_ERROR;
    strcpy(r->started_utc, "2024-05-01T12:00:00Z");
    strcpy(r->finished_utc, "2024-05-01T12:00:07Z");

    pc_finding f[4];
    f[0] = pc_finding_init("area.declared", PC_SEV_ERROR);
    f[0].layer = "lots";
    f[0].key = "A&B";
    f[0].field = "area";
    f[0].message = NASTY;
    f[0].measured_m2 = 15000;
    f[0].declared_m2 = 10000;
    f[0].diff_m2 = 5000;
    f[0].diff_pct = 50;
    f[0].tolerance_m2 = 10;
    f[0].declared_value = 1;
    f[0].unit = "公顷";
    f[1] = pc_finding_init("overlap", PC_SEV_ERROR);
    f[1].layer = f[1].layer2 = "lots";
    f[1].key = "A";
    f[1].key2 = "B";
    f[1].message = "lots A overlaps lots B";
    f[1].plan_rule = 0;
    f[1].accepted = 1;
    f[1].accepted_reason = "printed twice (L1)";
    f[2] = pc_finding_init("sql.x<y", PC_SEV_WARNING);
    f[2].layer = "lots";
    f[2].key = "C";
    f[2].message = "warned";
    f[2].plan_rule = 1;
    f[3] = pc_finding_init("accepted.stale", PC_SEV_INFO);
    f[3].key = "gone";
    f[3].message = "stale";
    for (int k = 0; k < 4; k++) {
        pc_finding g = f[order[k]];
        if (order[k] == 1) /* the overlap has a geometry */
            g.geom = local_geom(fx->ctx, "POLYGON((0 0, 10 0, 10 5, 0 5, 0 0))");
        assert_int_equal(pc_findings_add(fx->ctx, &r->findings, &g), PC_OK);
    }
    assert_int_equal(pc_findings_finish(fx->ctx, &r->findings), PC_OK);
    r->accepted = 1;
    r->stale = 1;
}

static int setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    if (!fx || !(fx->ctx = pc_ctx_new()) || !(fx->dir = tu_mkdtemp("report")))
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    tu_expect_reset();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    pc_run_result_clear(fx->ctx, &fx->r);
    tu_rm_rf(fx->dir);
    free(fx->dir);
    pc_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

static const int in_order[4] = {0, 1, 2, 3};

static void test_format_of(void **state)
{
    (void)state;
    static const struct { const char *path; int format; } cases[] = {
        {"r.json", PC_REPORT_JSON},    {"dir/R.JSON", PC_REPORT_JSON},
        {"r.xml", PC_REPORT_JUNIT},    {"a.b/r.html", PC_REPORT_HTML},
        {"r.htm", PC_REPORT_HTML},     {"r.txt", -1},
        {"r", -1},                     {"r.json/x", -1},
        {".json", -1},                 {"dir/.html", -1},
        {"r.json.gz", -1},             {"", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        EXPECT(pc_report_format_of(cases[i].path) == cases[i].format,
               "%s: format %d, expected %d", cases[i].path,
               pc_report_format_of(cases[i].path), cases[i].format);
    EXPECT(pc_report_format_of(NULL) == -1, "NULL path");
    report();
}

static void test_escape(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {NASTY, NASTY_ESC},
        {"用地 ok", "用地 ok"},
        {"a\tb\nc", "a\tb\nc"},
        {"bell\x07", "bell\xEF\xBF\xBD"},      /* XML 1.0 forbids it */
        {"bad \xFF byte", "bad \xEF\xBF\xBD byte"},
        {"cut \xE7\x94", "cut \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"overlong \xC0\xAF", "overlong \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"surrogate \xED\xA0\x80", "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pc_sbuf b = {0};
        pc_sbuf_escape(&b, cases[i].in);
        EXPECT(streq(b.s ? b.s : "", cases[i].out), "escape(\"%s\") = \"%s\"",
               cases[i].in, b.s ? b.s : "");
        pc_sbuf_free(&b);
    }
    report();
}

/* The JSON text of the result built from `order`; malloc'ed. */
static char *json_of(struct fx *fx, const int order[4])
{
    pc_run_result_clear(fx->ctx, &fx->r);
    build(fx, order);
    char *text = NULL;
    assert_int_equal(pc_report_json_text(fx->ctx, &fx->r, &text), PC_OK);
    return text;
}

static void test_json_stable(void **state)
{
    struct fx *fx = *state;
    static const int orders[3][4] = {{3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}};
    char *first = json_of(fx, in_order);
    for (int k = 0; k < 3; k++) {
        char *other = json_of(fx, orders[k]);
        EXPECT(streq(first, other), "order %d gives another document", k);
        free(other);
    }
    json_object *root = json_tokener_parse(first);
    assert_non_null(root);
    /* the top-level keys in the documented order */
    static const char *const keys[] = {
        "schema", "schema_version", "plancheck", "libraries", "plan",
        "plan_name", "plan_sha256", "output", "working_crs",
        "working_crs_name", "area_method", "fail_on", "fail_new_only",
        "started_utc", "finished_utc", "exit_code", "result",
        "findings_summary", "layers", "rules", "landuse_balance", "findings",
        "warnings"};
    size_t i = 0;
    json_object_object_foreach(root, key, val) {
        (void)val;
        EXPECT(i < sizeof keys / sizeof keys[0] && streq(key, keys[i]),
               "key %zu is %s", i, key);
        i++;
    }
    EXPECT(i == sizeof keys / sizeof keys[0], "%zu keys", i);
    json_object *v, *f, *rules;
    EXPECT(json_object_object_get_ex(root, "schema_version", &v) &&
               json_object_get_int(v) == PC_REPORT_SCHEMA_VERSION, "version");
    EXPECT(json_object_object_get_ex(root, "exit_code", &v) &&
               json_object_get_int(v) == 1, "exit code");
    /* findings in the sorted order, each under its plan rule */
    assert_true(json_object_object_get_ex(root, "findings", &f));
    assert_int_equal(json_object_array_length(f), 4);
    static const char *const ids[] = {"accepted.stale::gone",
                                      "area.declared:lots:A&B:area",
                                      "overlap:lots:A:lots:B", "sql.x<y:lots:C"};
    static const int plan_rule[] = {-1, -1, 0, 1};
    for (size_t k = 0; k < 4; k++) {
        json_object *o = json_object_array_get_idx(f, k), *id, *pr, *bbox;
        json_object_object_get_ex(o, "id", &id);
        json_object_object_get_ex(o, "plan_rule", &pr);
        json_object_object_get_ex(o, "bbox", &bbox);
        EXPECT(streq(json_object_get_string(id), ids[k]), "finding %zu: %s",
               k, json_object_get_string(id));
        EXPECT(json_object_get_int(pr) == plan_rule[k], "plan_rule of %s", ids[k]);
        EXPECT((bbox != NULL) == (k == 2), "bbox of %s", ids[k]);
        if (k == 2 && bbox)
            EXPECT(json_object_get_double(json_object_array_get_idx(bbox, 2)) ==
                       TU_X0 + 10, "bbox maxx");
    }
    /* the rules: the declared-area entry first, then plan order */
    assert_true(json_object_object_get_ex(root, "rules", &rules));
    assert_int_equal(json_object_array_length(rules), 3);
    static const struct { int index; const char *kind; int total, error,
                          warning, info, failing; } want[] = {
        {-1, "area", 2, 1, 0, 1, 1}, {0, "overlap", 1, 1, 0, 0, 1},
        {1, "sql", 1, 0, 1, 0, 0}};
    for (size_t k = 0; k < 3; k++) {
        json_object *o = json_object_array_get_idx(rules, k), *c, *x;
        json_object_object_get_ex(o, "findings", &c);
#define GET(obj, name) (json_object_object_get_ex(obj, name, &x) ? json_object_get_int(x) : -99)
        EXPECT(GET(o, "index") == want[k].index, "rule %zu index", k);
        json_object_object_get_ex(o, "kind", &x);
        EXPECT(streq(json_object_get_string(x), want[k].kind), "rule %zu kind", k);
        EXPECT(GET(c, "total") == want[k].total && GET(c, "error") == want[k].error &&
                   GET(c, "warning") == want[k].warning &&
                   GET(c, "info") == want[k].info &&
                   GET(c, "failing") == want[k].failing,
               "rule %zu counts: %s", k, json_object_to_json_string(c));
#undef GET
    }
    json_object_put(root);
    free(first);
    report();
}

static void test_html_escapes(void **state)
{
    struct fx *fx = *state;
    build(fx, in_order);
    pc_sbuf b = {0};
    assert_int_equal(pc_report_html(fx->ctx, &fx->r, &b), PC_OK);
    assert_false(b.oom);
    EXPECT(!tu_contains(b.s, NASTY), "a message reached the page unescaped");
    EXPECT(!tu_contains(b.s, "<b>"), "markup from the data");
    EXPECT(tu_contains(b.s, "<p class=\"message\">" NASTY_ESC "</p>"),
           "the escaped message");
    EXPECT(tu_contains(b.s, "<title>plancheck: Plan " NASTY_ESC "</title>"),
           "the escaped plan name in the title");
    EXPECT(tu_contains(b.s, "data-id=\"area.declared:lots:A&amp;B:area\""),
           "an escaped attribute");
    EXPECT(tu_contains(b.s, "sql x&lt;y: lots (line 7)"), "the escaped sql id");
    EXPECT(tu_contains(b.s, "<b data-count=\"total\">4</b>"), "total count");
    EXPECT(tu_contains(b.s, "<b data-count=\"error\">2</b>"), "error count");
    EXPECT(tu_contains(b.s, "name=\"viewport\""), "viewport meta");
    EXPECT(tu_contains(b.s, "@media print"), "print rules");
    /* nothing external: no URL, no script, no font or stylesheet link */
    EXPECT(!tu_contains(b.s, "http:") && !tu_contains(b.s, "https:") &&
               !tu_contains(b.s, "//"), "a URL in the page");
    EXPECT(!tu_contains(b.s, "<script") && !tu_contains(b.s, "<link") &&
               !tu_contains(b.s, "@import") && !tu_contains(b.s, "url("),
           "something to fetch in the page");
    size_t n = 0;
    for (const char *p = b.s; (p = strstr(p, "<article class=\"finding")); p++)
        n++;
    EXPECT(n == 4, "%zu finding sections", n);
    pc_sbuf_free(&b);
    report();
}

/* The <testcase> of `name` in the JUnit text: from its start to its end. */
static char *testcase_of(const char *xml, const char *name)
{
    char *open = pc_aprintf("name=\"%s\"", name);
    const char *s = strstr(xml, open);
    free(open);
    if (!s)
        return NULL;
    const char *e = strstr(s, "</testcase>"), *self = strstr(s, "/>");
    if (self && (!e || self < e) && self < strchr(s, '>') + 1)
        e = self;
    return e ? pc_aprintf("%.*s", (int)(e - s), s) : NULL;
}

static void test_junit(void **state)
{
    struct fx *fx = *state;
    build(fx, in_order);
    for (int new_only = 0; new_only <= 1; new_only++) {
        fx->r.fail_new_only = new_only;
        pc_sbuf b = {0};
        assert_int_equal(pc_report_junit(fx->ctx, &fx->r, &b), PC_OK);
        /* fail on error: the area check fails (its error), the overlap too
         * unless accepted findings pass (fail on new) */
        char want[128];
        snprintf(want, sizeof want, "<testsuites name=\"plancheck\" tests=\"3\" "
                 "failures=\"%d\" errors=\"0\" skipped=\"0\" time=\"7\">",
                 new_only ? 1 : 2);
        EXPECT(tu_contains(b.s, want), "new_only %d: header %.300s", new_only, b.s);
        EXPECT(tu_contains(b.s, "timestamp=\"2024-05-01T12:00:00\""), "timestamp");
        char *area = testcase_of(b.s, "area: declared areas of lots; "
                                      "run-level findings");
        char *overlap = testcase_of(b.s, "overlap: lots (line 5)");
        char *sql = testcase_of(b.s, "sql x&lt;y: lots (line 7)");
        EXPECT(area && tu_contains(area, "<failure message=\"1 finding at or above error") &&
                   tu_contains(area, "[error] area.declared:lots:A&amp;B:area: " NASTY_ESC) &&
                   tu_contains(area, "<system-out>[info] accepted.stale::gone: stale"),
               "area test case: %s", area ? area : "(none)");
        EXPECT(overlap && tu_contains(overlap, "(accepted: printed twice (L1))") &&
                   tu_contains(overlap, "<failure") == !new_only &&
                   tu_contains(overlap, "<system-out>") == new_only,
               "overlap test case (new_only %d): %s", new_only,
               overlap ? overlap : "(none)");
        EXPECT(sql && !tu_contains(sql, "<failure") &&
                   tu_contains(sql, "<system-out>[warning] sql.x&lt;y:lots:C: warned"),
               "sql test case: %s", sql ? sql : "(none)");
        free(area);
        free(overlap);
        free(sql);
        pc_sbuf_free(&b);
    }
    /* fail on never: nothing fails */
    fx->r.fail_on = PC_SEV_NEVER;
    fx->r.fail_new_only = 0;
    pc_sbuf b = {0};
    assert_int_equal(pc_report_junit(fx->ctx, &fx->r, &b), PC_OK);
    EXPECT(!tu_contains(b.s, "<failure") && tu_contains(b.s, "failures=\"0\""),
           "fail on never");
    pc_sbuf_free(&b);
    report();
}

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void test_paths(void **state)
{
    struct fx *fx = *state;
    build(fx, in_order);
    char lots[4096], plan[4096], link[4096], dotted[4096], fresh[4096],
        out[4096], sub[4096], xml[4096];
    tu_write_text(tu_pathbuf(lots, sizeof lots, fx->dir, "lots.json"), "{}");
    tu_write_text(tu_pathbuf(plan, sizeof plan, fx->dir, "plan.yaml"), "x");
    tu_pathbuf(link, sizeof link, fx->dir, "link.json");
    assert_int_equal(symlink(lots, link), 0);
    snprintf(dotted, sizeof dotted, "%s/./sub/../lots.json", fx->dir);
    tu_pathbuf(sub, sizeof sub, fx->dir, "sub");
    assert_int_equal(mkdir(sub, 0777), 0);
    tu_pathbuf(fresh, sizeof fresh, fx->dir, "r.json");
    snprintf(out, sizeof out, "%s/sub/../out.gpkg", fx->dir);
    tu_pathbuf(xml, sizeof xml, fx->dir, "r.xml");
    const pc_plan *p = fx->r.plan;
    static const int ok = PC_OK, bad = PC_ERR_OUTPUT;
    struct { const char *paths[2]; size_t n; int overwrite; int want; } cases[] = {
        {{fresh, xml}, 2, 0, ok},
        {{lots}, 1, 1, bad},          /* an input */
        {{link}, 1, 1, bad},          /* ... through a link */
        {{dotted}, 1, 1, bad},        /* ... spelled otherwise */
        {{plan}, 1, 1, bad},          /* the plan file */
        {{out}, 1, 1, bad},           /* the output, not written yet */
        {{fresh, fresh}, 2, 1, bad},  /* twice */
        {{sub}, 1, 1, bad},           /* a directory */
        {{"/nonexistent-dir/r.json"}, 1, 1, bad},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pc_status st = pc_report_check(fx->ctx, p, fx->r.output,
                                       cases[i].overwrite, cases[i].paths,
                                       cases[i].n);
        EXPECT((int)st == cases[i].want, "case %zu (%s): %d, expected %d: %s",
               i, cases[i].paths[0], (int)st, cases[i].want,
               pc_ctx_error(fx->ctx));
    }
    /* an existing report: only with overwrite */
    tu_write_text(fresh, "old");
    const char *one[] = {fresh};
    EXPECT(pc_report_check(fx->ctx, p, NULL, 0, one, 1) == PC_ERR_OUTPUT &&
               tu_contains(pc_ctx_error(fx->ctx), "--overwrite"),
           "existing report without overwrite");
    EXPECT(pc_report_check(fx->ctx, p, NULL, 1, one, 1) == PC_OK,
           "existing report with overwrite");
    size_t before = entries(fx->dir);
    /* the write: replaces the old file whole, leaves no temporary file */
    assert_int_equal(pc_report_write(fx->ctx, &fx->r, PC_REPORT_JSON, fresh), PC_OK);
    char *text = NULL;
    assert_int_equal(pc_report_json_text(fx->ctx, &fx->r, &text), PC_OK);
    size_t size = 0;
    unsigned char *got = tu_read_file(fresh, &size);
    EXPECT(got && size == strlen(text) && !memcmp(got, text, size),
           "written report differs from the JSON text");
    free(got);
    free(text);
    EXPECT(entries(fx->dir) == before, "a temporary file was left behind");
    /* pc_report_write refuses an input and the output on its own */
    EXPECT(pc_report_write(fx->ctx, &fx->r, PC_REPORT_JSON, dotted) == PC_ERR_OUTPUT,
           "write over an input");
    EXPECT(pc_report_write(fx->ctx, &fx->r, PC_REPORT_JUNIT, out) == PC_ERR_OUTPUT,
           "write over the output");
    /* a failing write: the directory is a file; nothing is left */
    char under[4200];
    snprintf(under, sizeof under, "%s/r.json", lots);
    EXPECT(pc_report_write(fx->ctx, &fx->r, PC_REPORT_JSON, under) == PC_ERR_OUTPUT,
           "write under a file");
    /* HTML needs the layers (keep_layers) for its maps */
    EXPECT(pc_report_write(fx->ctx, &fx->r, PC_REPORT_HTML, xml) == PC_ERR_USAGE,
           "HTML without layers");
    EXPECT(entries(fx->dir) == before, "a failed write left a file");
    EXPECT(!tu_exists(xml), "HTML written without layers");
    report();
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_format_of), T(test_escape), T(test_json_stable),
        T(test_html_escapes), T(test_junit), T(test_paths),
    };
#undef T
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
