/* test_plan.c: the plan file loader (plan.h): every key of a complete
 * plan, defaults, path resolution, the digest, and "file:line:" errors
 * with the right line for each kind of mistake. */
#include "testutil.h"

#include <openssl/evp.h>

#include "plancheck/plan.h"

struct fx {
    pc_ctx *ctx;
    char *dir;
};

static int group_setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    if (!fx || !(fx->dir = tu_mkdtemp("plan")))
        return -1;
    char *plans = pc_aprintf("%s/plans", fx->dir);
    if (!plans || mkdir(plans, 0755) != 0)
        return -1;
    free(plans);
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    struct fx *fx = *state;
    if (fx) {
        tu_rm_rf(fx->dir);
        free(fx->dir);
        free(fx);
    }
    return 0;
}

static int setup(void **state)
{
    struct fx *fx = *state;
    fx->ctx = pc_ctx_new();
    if (!fx->ctx)
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    pc_ctx_free(fx->ctx);
    fx->ctx = NULL;
    return 0;
}

/* Writes `text` as dir/plans/<name> and returns the malloc'ed path. */
static char *write_plan(struct fx *fx, const char *name, const char *text)
{
    char *path = pc_aprintf("%s/plans/%s", fx->dir, name);
    assert_non_null(path);
    tu_write_text(path, text);
    return path;
}

static pc_plan *load_ok(pc_ctx *ctx, const char *path)
{
    pc_plan *plan = NULL;
    pc_status st = pc_plan_load(ctx, path, &plan);
    if (st != PC_OK || !plan)
        fail_msg("pc_plan_load(%s): %d %s", path, (int)st, pc_ctx_error(ctx));
    return plan;
}

/* Hex SHA-256 of a file, computed here independently of plan.c. */
static void sha256_hex(const char *path, char hex[65])
{
    size_t n = 0;
    unsigned char *bytes = tu_read_file(path, &n);
    assert_non_null(bytes);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(bytes, n, md, &len, EVP_sha256(), NULL), 1);
    assert_int_equal(len, 32);
    for (unsigned int i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    free(bytes);
}

/* ---- a complete plan ---------------------------------------------------- */

static const char good_plan[] =
    "# 瓯江口 控规 plan\n"                          /*  1 */
    "plancheck: 1\n"                                /*  2 */
    "name: 瓯江口控规核查\n"                        /*  3 */
    "description: \"area check, 2024 edition\"\n"  /*  4 */
    "crs: EPSG:4549\n"                              /*  5 */
    "area_method: planar\n"                         /*  6 */
    "output: out/findings.gpkg\n"                   /*  7 */
    "fail_on: warning\n"                            /*  8 */
    "rules:\n"                                      /*  9 */
    "  area:\n"                                     /* 10 */
    "    enabled: false\n"                          /* 11 */
    "    severity: warning\n"                       /* 12 */
    "layers:\n"                                     /* 13 */
    "  parcels:\n"                                  /* 14 */
    "    source: data/parcels.shp\n"                /* 15 */
    "    layer: parcels\n"                          /* 16 */
    "    crs: EPSG:4490\n"                          /* 17 */
    "    encoding: GBK\n"                           /* 18 */
    "    key: DKBH\n"                               /* 19 */
    "    declared_area:\n"                          /* 20 */
    "      field: YDMJ\n"                           /* 21 */
    "      unit_field: DW\n"                        /* 22 */
    "      approx_field: YUE\n"                     /* 23 */
    "    tolerance:\n"                              /* 24 */
    "      abs_m2: 5\n"                             /* 25 */
    "  blocks:\n"                                   /* 26 */
    "    source: /srv/data/blocks.gpkg\n"           /* 27 */
    "    declared_area:\n"                          /* 28 */
    "      - field: MJ_MU\n"                        /* 29 */
    "        unit: 亩\n"                            /* 30 */
    "      - field: MJ_HA\n"                        /* 31 */
    "        unit: ha\n"                            /* 32 */
    "        approx_field: APPROX\n"                /* 33 */
    "# the plan-wide tolerance may come after the layers\n" /* 34 */
    "tolerance:\n"                                  /* 35 */
    "  abs_m2: 2.5\n"                               /* 36 */
    "  rel_pct: 0.2\n"                              /* 37 */
    "  approx_rel_pct: 3\n";                        /* 38 */

static void test_good_plan(void **state)
{
    struct fx *fx = *state;
    char *path = write_plan(fx, "good.yaml", good_plan);
    pc_plan *plan = load_ok(fx->ctx, path);
    char *plans_dir = pc_aprintf("%s/plans", fx->dir);

    assert_string_equal(plan->path, path);
    assert_string_equal(plan->dir, plans_dir);
    assert_string_equal(plan->name, "瓯江口控规核查");
    assert_string_equal(plan->description, "area check, 2024 edition");
    assert_string_equal(plan->crs, "EPSG:4549");
    assert_int_equal(plan->method, PC_AREA_PLANAR);
    assert_int_equal(plan->fail_on, PC_SEV_WARNING);
    assert_int_equal(plan->area_rule_enabled, 0);
    assert_int_equal(plan->area_severity, PC_SEV_WARNING);
    assert_near(plan->tol.abs_m2, 2.5, 0);
    assert_near(plan->tol.rel_pct, 0.2, 0);
    assert_near(plan->tol.approx_rel_pct, 3, 0);
    /* output resolved against the plan's directory */
    char *out = pc_aprintf("%s/out/findings.gpkg", plans_dir);
    assert_string_equal(plan->output, out);
    free(out);
    /* digest */
    char hex[65];
    sha256_hex(path, hex);
    assert_non_null(plan->sha256);
    assert_int_equal(strlen(plan->sha256), 64);
    for (size_t i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", plan->sha256[i]));
    assert_string_equal(plan->sha256, hex);

    assert_int_equal(plan->nlayers, 2);
    const pc_plan_layer *p = &plan->layers[0], *b = &plan->layers[1];
    if (strcmp(p->id, "parcels") != 0) { /* order is not part of the contract */
        const pc_plan_layer *t = p;
        p = b;
        b = t;
    }
    /* layer "parcels" */
    assert_string_equal(p->id, "parcels");
    assert_string_equal(p->source_as_written, "data/parcels.shp");
    char *src = pc_aprintf("%s/data/parcels.shp", plans_dir);
    assert_string_equal(p->source, src);
    free(src);
    assert_string_equal(p->layer, "parcels");
    assert_string_equal(p->crs, "EPSG:4490");
    assert_string_equal(p->encoding, "GBK");
    assert_string_equal(p->key_field, "DKBH");
    assert_int_equal(p->line, 14);
    assert_int_equal(p->nareas, 1);
    assert_string_equal(p->areas[0].value_field, "YDMJ");
    assert_string_equal(p->areas[0].unit_field, "DW");
    assert_null(p->areas[0].unit);
    assert_string_equal(p->areas[0].approx_field, "YUE");
    assert_true(p->areas[0].line >= 20 && p->areas[0].line <= 21);
    /* its tolerance overrides abs_m2 and inherits the rest from the plan */
    assert_int_equal(p->has_tolerance, 1);
    assert_near(p->tol.abs_m2, 5, 0);
    assert_near(p->tol.rel_pct, 0.2, 0);
    assert_near(p->tol.approx_rel_pct, 3, 0);
    /* layer "blocks" */
    assert_string_equal(b->id, "blocks");
    assert_string_equal(b->source, "/srv/data/blocks.gpkg");
    assert_string_equal(b->source_as_written, "/srv/data/blocks.gpkg");
    assert_null(b->layer);
    assert_null(b->crs);
    assert_null(b->assign_crs);
    assert_null(b->encoding);
    assert_null(b->key_field);
    assert_int_equal(b->line, 26);
    assert_int_equal(b->has_tolerance, 0);
    assert_near(b->tol.abs_m2, 2.5, 0);
    assert_near(b->tol.rel_pct, 0.2, 0);
    assert_near(b->tol.approx_rel_pct, 3, 0);
    assert_int_equal(b->nareas, 2);
    assert_string_equal(b->areas[0].value_field, "MJ_MU");
    assert_string_equal(b->areas[0].unit, "亩");
    assert_null(b->areas[0].unit_field);
    assert_null(b->areas[0].approx_field);
    assert_int_equal(b->areas[0].line, 29);
    assert_string_equal(b->areas[1].value_field, "MJ_HA");
    assert_string_equal(b->areas[1].unit, "ha");
    assert_string_equal(b->areas[1].approx_field, "APPROX");
    assert_int_equal(b->areas[1].line, 31);

    pc_plan_free(plan);
    pc_plan_free(NULL);
    free(plans_dir);
    free(path);
}

static void test_defaults(void **state)
{
    struct fx *fx = *state;
    char *path = write_plan(fx, "minimal.yaml",
                            "plancheck: 1\n"
                            "crs: EPSG:4549\n"
                            "layers:\n"
                            "  a: {source: a.shp}\n");
    pc_plan *plan = load_ok(fx->ctx, path);
    assert_null(plan->name);
    assert_null(plan->description);
    assert_null(plan->output);
    assert_int_equal(plan->method, PC_AREA_ELLIPSOIDAL);
    assert_int_equal(plan->fail_on, PC_SEV_ERROR);
    assert_int_equal(plan->fail_new_only, 0);
    assert_int_equal(plan->naccepted, 0);
    assert_int_equal(plan->area_rule_enabled, 1);
    assert_int_equal(plan->area_severity, PC_SEV_ERROR);
    assert_near(plan->tol.abs_m2, PC_DEFAULT_ABS_M2, 0);
    assert_near(plan->tol.rel_pct, PC_DEFAULT_REL_PCT, 0);
    assert_near(plan->tol.approx_rel_pct, PC_DEFAULT_APPROX_REL_PCT, 0);
    assert_int_equal(plan->nlayers, 1);
    assert_string_equal(plan->layers[0].id, "a");
    assert_int_equal(plan->layers[0].nareas, 0);
    assert_int_equal(plan->layers[0].has_tolerance, 0);
    assert_near(plan->layers[0].tol.abs_m2, PC_DEFAULT_ABS_M2, 0);
    assert_near(plan->layers[0].tol.rel_pct, PC_DEFAULT_REL_PCT, 0);
    assert_near(plan->layers[0].tol.approx_rel_pct, PC_DEFAULT_APPROX_REL_PCT,
                0);
    assert_int_equal(plan->layers[0].line, 4);
    /* a different file has a different digest */
    char *path2 = write_plan(fx, "minimal2.yaml",
                             "plancheck: 1\n"
                             "crs: EPSG:4549\n"
                             "layers:\n"
                             "  b: {source: a.shp}\n");
    pc_plan *plan2 = load_ok(fx->ctx, path2);
    assert_string_not_equal(plan->sha256, plan2->sha256);
    pc_plan_free(plan2);
    pc_plan_free(plan);
    free(path);
    free(path2);
}

/* The allow-list: sorted by id whatever the file's order, reasons kept;
 * `fail_on: new` fails on error findings not in it. */
static void test_accepted(void **state)
{
    struct fx *fx = *state;
    char *path = write_plan(fx, "accepted.yaml",
                            "plancheck: 1\n"
                            "crs: EPSG:4549\n"
                            "fail_on: new\n"
                            "layers:\n"
                            "  a: {source: a.shp}\n"
                            "accepted:\n"
                            "  - id: overlap:a:P2:a:P9\n"
                            "    reason: the plan prints both (L563)\n"
                            "  - {id: 'area.declared:a:P1:area', reason: 约}\n");
    pc_plan *plan = load_ok(fx->ctx, path);
    assert_int_equal(plan->fail_on, PC_SEV_ERROR);
    assert_int_equal(plan->fail_new_only, 1);
    assert_int_equal(plan->naccepted, 2);
    assert_string_equal(plan->accepted[0].id, "area.declared:a:P1:area");
    assert_string_equal(plan->accepted[0].reason, "约");
    assert_int_equal(plan->accepted[0].line, 9);
    assert_string_equal(plan->accepted[1].id, "overlap:a:P2:a:P9");
    assert_string_equal(plan->accepted[1].reason, "the plan prints both (L563)");
    assert_int_equal(plan->accepted[1].line, 7);
    pc_plan_free(plan);
    free(path);
}

/* The line rules' options, with their defaults. */
static void test_line_rules(void **state)
{
    struct fx *fx = *state;
    char *path = write_plan(fx, "lines.yaml",
        "plancheck: 1\n"
        "crs: EPSG:4549\n"
        "layers:\n"
        "  roads: {source: r.shp}\n"
        "  rail: {source: t.shp}\n"
        "  parcels: {source: p.shp}\n"
        "  xings: {source: x.shp}\n"
        "rules:\n"
        "  corridor:\n"
        "    - layer: roads\n"
        "      width_field: red_line_m\n"
        "      class_field: grade\n"
        "      widths: {主干路: 40, 次干路: 24}\n"
        "      land_take: {field: take, unit_field: take_unit}\n"
        "      length_field: length_m\n"
        "      length_tolerance: {approx_rel_pct: 3}\n"
        "  intrusion: {layer: parcels, lines: roads, tolerance_m2: 1}\n"
        "  corridor_overlap: {a: roads, allowed_length_m: 5}\n"
        "  connectivity: {layer: roads, from_field: f, to_field: t}\n"
        "  crossings: {a: roads, b: rail, points: xings, tolerance_m: 8}\n");
    pc_plan *plan = load_ok(fx->ctx, path);
    assert_int_equal(plan->nrules, 5);
    const pc_plan_rule *r = &plan->rules[0];
    assert_int_equal(r->kind, PC_RULE_CORRIDOR);
    assert_string_equal(r->lines->width_field, "red_line_m");
    assert_int_equal(r->lines->nwidths, 2);
    assert_string_equal(r->lines->width_values[0], "主干路");
    assert_true(r->lines->widths[1] == 24);
    assert_int_equal(r->lines->has_land_take, 1);
    assert_string_equal(r->lines->land_take.unit_field, "take_unit");
    assert_true(r->lines->length_rel_pct == 0.1);      /* default */
    assert_true(r->lines->length_approx_rel_pct == 3);
    r = &plan->rules[1];
    assert_int_equal(r->kind, PC_RULE_INTRUSION);
    assert_string_equal(r->layer, "parcels");
    assert_string_equal(r->layer2, "roads");
    r = &plan->rules[2];
    assert_int_equal(r->kind, PC_RULE_CORRIDOR_OVERLAP);
    assert_string_equal(r->layer2, "roads"); /* b defaults to a */
    assert_true(r->lines->allowed_length_m == 5);
    r = &plan->rules[3];
    assert_int_equal(r->kind, PC_RULE_CONNECTIVITY);
    assert_string_equal(r->layer2, "roads");
    assert_true(r->lines->snap_m == 0.5);
    r = &plan->rules[4];
    assert_int_equal(r->kind, PC_RULE_CROSSINGS);
    assert_string_equal(r->lines->points, "xings");
    assert_true(r->lines->tolerance_m == 8);
    pc_plan_free(plan);
    free(path);
}

/* The plan's own figures and the rules that use them, the SQL rules with
 * their placeholders, and the regional rules. */
static void test_figure_rules(void **state)
{
    struct fx *fx = *state;
    char *path = write_plan(fx, "figures.yaml",
        "plancheck: 1\n"
        "crs: EPSG:4549\n"
        "layers:\n"
        "  zones: {source: z.gpkg, key: code}\n"
        "  parcels:\n"
        "    source: p.shp\n"
        "    key: code\n"
        "    declared_area:\n"
        "      - {field: a, unit: 亩}\n"
        "      - {field: b, unit: m2}\n"
        "  hubs: {source: h.gpkg, key: code}\n"
        "  lines: {source: l.gpkg, key: code}\n"
        "figures:\n"
        "  layer: zones\n"
        "  zones:\n"
        "    Z1: {area: 约65.77 平方公里, children: [Z2, Z12], source: L53}\n"
        "    Z21:\n"
        "      area: '1,412 亩'\n"
        "      children: [Z21a]\n"
        "      children_sum: false\n"
        "      quotas:\n"
        "        - {class: 工业用地, at_most: 约2000 亩}\n"
        "        - {class: '0701', at_least: 10 公顷, at_most: 2600 亩}\n"
        "rules:\n"
        "  figures: {inside_tolerance_m2: 5}\n"
        "  capacity: {parcels: parcels, zone_field: parent}\n"
        "  quotas: {parcels: parcels, class_field: ydyh}\n"
        "  duplicate_keys: {}\n"
        "  units_agree: {severity: error}\n"
        "  near:\n"
        "    - {layer: hubs, target: lines, max_distance_m: 25000,\n"
        "       where: {field: role, values: ['2+6']}}\n"
        "  lines_within: {layer: lines, container: zones, tolerance_m: 100,\n"
        "                 min_inside_pct: 90,\n"
        "                 where_container: {field: member, values: [yes]}}\n"
        "  sql:\n"
        "    - id: big-parcels\n"
        "      layer: parcels\n"
        "      identifiers: {f: \"my \\\"field\"}\n"
        "      values: {v: it's}\n"
        "      query: SELECT code AS key FROM parcels WHERE {f} = {v} "
        "AND x = '{{}}'\n");
    pc_plan *plan = load_ok(fx->ctx, path);
    const pc_plan_figures *f = &plan->figures;
    assert_string_equal(f->layer, "zones");
    assert_int_equal(f->nzones, 2);
    const pc_zone_figure *z = &f->zones[0];
    assert_string_equal(z->key, "Z1");
    assert_int_equal(z->has_area, 1);
    assert_true(z->area.value == 65.77);
    assert_int_equal(z->area.unit, PC_UNIT_KM2);
    assert_int_equal(z->area.approx, 1);
    assert_string_equal(z->area.text, "约65.77 平方公里");
    assert_int_equal(z->nchildren, 2);
    assert_string_equal(z->children[1], "Z12");
    assert_int_equal(z->children_sum, 1);
    assert_string_equal(z->source, "L53");
    z = &f->zones[1];
    assert_true(z->area.value == 1412);
    assert_int_equal(z->area.unit, PC_UNIT_MU);
    assert_int_equal(z->area.approx, 0);
    assert_int_equal(z->children_sum, 0);
    assert_int_equal(z->nquotas, 2);
    assert_string_equal(z->quotas[0].cls, "工业用地");
    assert_int_equal(z->quotas[0].has_at_most, 1);
    assert_int_equal(z->quotas[0].has_at_least, 0);
    assert_int_equal(z->quotas[0].at_most.approx, 1);
    assert_string_equal(z->quotas[1].cls, "0701");
    assert_true(z->quotas[1].at_least.value == 10);
    assert_int_equal(z->quotas[1].at_least.unit, PC_UNIT_HA);

    /* rules run in a fixed order; per-layer rules by default only where
     * they apply (a key; two declared figures) */
    static const pc_rule_kind kinds[] = {
        PC_RULE_FIGURES, PC_RULE_CAPACITY, PC_RULE_QUOTAS,
        PC_RULE_DUPLICATE_KEYS, PC_RULE_DUPLICATE_KEYS,
        PC_RULE_DUPLICATE_KEYS, PC_RULE_DUPLICATE_KEYS,
        PC_RULE_UNITS_AGREE, PC_RULE_NEAR, PC_RULE_LINES_WITHIN, PC_RULE_SQL};
    assert_int_equal(plan->nrules, sizeof kinds / sizeof kinds[0]);
    for (size_t k = 0; k < plan->nrules; k++)
        assert_int_equal(plan->rules[k].kind, kinds[k]);
    const pc_plan_rule *r = &plan->rules[0];
    assert_string_equal(r->layer, "zones");
    assert_true(r->tolerance_m2 == 5);
    r = &plan->rules[1];
    assert_string_equal(r->layer, "zones");
    assert_string_equal(r->layer2, "parcels");
    assert_string_equal(r->zone_field, "parent");
    assert_int_equal(r->severity, PC_SEV_WARNING);
    r = &plan->rules[2];
    assert_string_equal(r->field, "ydyh");
    assert_null(r->zone_field);
    assert_string_equal(plan->rules[3].layer, "zones");
    assert_string_equal(plan->rules[6].layer, "lines");
    r = &plan->rules[7];
    assert_string_equal(r->layer, "parcels");
    assert_int_equal(r->severity, PC_SEV_ERROR);
    r = &plan->rules[8];
    assert_string_equal(r->layer2, "lines");
    assert_true(r->max_distance_m == 25000);
    assert_string_equal(r->where.values[0], "2+6");
    r = &plan->rules[9];
    assert_string_equal(r->layer2, "zones");
    assert_true(r->tolerance_m == 100 && r->min_inside_pct == 90);
    assert_string_equal(r->where2.field, "member");
    r = &plan->rules[10];
    assert_string_equal(r->sql_id, "big-parcels");
    assert_string_equal(r->layer, "parcels");
    assert_string_equal(r->query, "SELECT code AS key FROM parcels WHERE "
                                  "\"my \"\"field\" = 'it''s' AND x = '{}'");
    pc_plan_free(plan);
    free(path);
}

/* A plan given by a bare file name (no directory): sources stay relative
 * to the current directory, which is the plan's. */
static void test_relative_plan_path(void **state)
{
    struct fx *fx = *state;
    char *path = write_plan(fx, "bare.yaml",
                            "plancheck: 1\n"
                            "crs: EPSG:4549\n"
                            "output: out.gpkg\n"
                            "layers:\n"
                            "  a: {source: data/a.shp}\n");
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *plans = pc_aprintf("%s/plans", fx->dir);
    assert_int_equal(chdir(plans), 0);
    pc_plan *plan = NULL;
    pc_status st = pc_plan_load(fx->ctx, "bare.yaml", &plan);
    assert_int_equal(chdir(cwd), 0);
    if (st != PC_OK)
        fail_msg("%s", pc_ctx_error(fx->ctx));
    assert_string_equal(plan->layers[0].source, "data/a.shp");
    assert_string_equal(plan->output, "out.gpkg");
    pc_plan_free(plan);

    /* ./sub/plan.yaml style */
    assert_int_equal(chdir(fx->dir), 0);
    st = pc_plan_load(fx->ctx, "./plans/bare.yaml", &plan);
    assert_int_equal(chdir(cwd), 0);
    if (st != PC_OK)
        fail_msg("%s", pc_ctx_error(fx->ctx));
    assert_string_equal(plan->layers[0].source, "./plans/data/a.shp");
    assert_string_equal(plan->output, "./plans/out.gpkg");
    pc_plan_free(plan);
    free(plans);
    free(path);
}

/* ---- broken plans ------------------------------------------------------ */

static const struct bad_plan {
    const char *name;
    const char *text;
    int line_min, line_max; /* the line the message must name */
    const char *mentions;   /* text the message must contain, or NULL */
} bad_plans[] = {
    /* a fallback CRS and an assigned one: which? */
    {"crs_and_assign_crs.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a:\n"                         /* 4 */
     "    source: a.shp\n"            /* 5 */
     "    crs: EPSG:4490\n"           /* 6 */
     "    assign_crs: EPSG:4528\n",   /* 7 */
     7, 7, "not both"},
    {"assign_crs_list.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a:\n"                         /* 4 */
     "    source: a.shp\n"            /* 5 */
     "    assign_crs: [EPSG:4528]\n", /* 6 */
     6, 6, "assign_crs"},
    /* YAML syntax: a bracket on line 4 closed by a brace */
    {"syntax_bracket.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: [x.shp}\n"                  /* 4 */
     "name: x\n",                      /* 5 */
     4, 4, "YAML"},
    /* YAML syntax: a bracket on line 4 never closed. libfyaml notices at
     * the end of the stream (just past line 4); either line is right. */
    {"syntax_bracket_eof.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: [x.shp\n",        /* 4 */
     4, 5, "YAML"},
    /* YAML syntax: a duplicate key */
    {"syntax_duplicate.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "crs: EPSG:4490\n"               /* 3 */
     "layers:\n"                      /* 4 */
     "  a: {source: x.shp}\n",        /* 5 */
     3, 3, NULL},
    /* YAML syntax: bad indentation */
    {"syntax_indent.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a:\n"                         /* 4 */
     "    source: x.shp\n"            /* 5 */
     "   bad: indentation\n",         /* 6 */
     6, 6, NULL},
    {"unknown_top_key.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "colour: red\n"                  /* 3 */
     "layers:\n"                      /* 4 */
     "  a:\n"                         /* 5 */
     "    source: x.shp\n",           /* 6 */
     3, 3, "colour"},
    {"unknown_layer_key.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  parcels:\n"                   /* 4 */
     "    source: a.shp\n"            /* 5 */
     "    encodng: GBK\n",            /* 6 */
     6, 6, "encodng"},
    {"unknown_area_key.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  parcels:\n"                   /* 4 */
     "    source: a.shp\n"            /* 5 */
     "    declared_area:\n"           /* 6 */
     "      field: YDMJ\n"            /* 7 */
     "      unit: mu\n"               /* 8 */
     "      units: ha\n",             /* 9 */
     9, 9, "units"},
    {"missing_crs.yaml",
     "plancheck: 1\n"
     "name: x\n"
     "layers:\n"
     "  a:\n"
     "    source: x.shp\n",
     1, 1, "crs"},
    {"missing_layers.yaml",
     "plancheck: 1\n"
     "crs: EPSG:4549\n"
     "name: no layers\n",
     1, 1, "layers"},
    {"missing_version.yaml",
     "crs: EPSG:4549\n"
     "layers:\n"
     "  a: {source: x.shp}\n",
     1, 1, "plancheck"},
    {"version_2.yaml",
     "# a plan from the future\n"     /* 1 */
     "plancheck: 2\n"                 /* 2 */
     "crs: EPSG:4549\n"               /* 3 */
     "layers:\n"                      /* 4 */
     "  a: {source: x.shp}\n",        /* 5 */
     2, 2, "2"},
    {"version_word.yaml",
     "\n"                             /* 1 */
     "plancheck: one\n"               /* 2 */
     "crs: EPSG:4549\n"
     "layers:\n"
     "  a: {source: x.shp}\n",
     2, 2, "one"},
    {"tolerance_word.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "tolerance:\n"                   /* 3 */
     "  abs_m2: 1\n"                  /* 4 */
     "  rel_pct: lots\n"              /* 5 */
     "layers:\n"                      /* 6 */
     "  a: {source: x.shp}\n",        /* 7 */
     5, 5, "lots"},
    {"tolerance_negative.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a:\n"                         /* 4 */
     "    source: x.shp\n"            /* 5 */
     "    tolerance:\n"               /* 6 */
     "      abs_m2: -1\n",            /* 7 */
     7, 7, "-1"},
    {"tolerance_unknown_key.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "tolerance:\n"                   /* 3 */
     "  abs: 1\n"                     /* 4 */
     "layers:\n"                      /* 5 */
     "  a: {source: x.shp}\n",        /* 6 */
     4, 4, "abs"},
    {"unit_acre.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  parcels:\n"                   /* 4 */
     "    source: p.shp\n"            /* 5 */
     "    declared_area:\n"           /* 6 */
     "      field: YDMJ\n"            /* 7 */
     "      unit: acre\n",            /* 8 */
     8, 8, "acre"},
    /* both unit and unit_field: the line of the declared_area entry */
    {"unit_and_unit_field.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  parcels:\n"                   /* 4 */
     "    source: p.shp\n"            /* 5 */
     "    declared_area:\n"           /* 6 */
     "      field: YDMJ\n"            /* 7 */
     "      unit: mu\n"               /* 8 */
     "      unit_field: DW\n",        /* 9 */
     6, 9, "unit"},
    /* ... in the second entry of a list: not the first entry's line */
    {"unit_and_unit_field_list.yaml",
     "plancheck: 1\n"                 /*  1 */
     "crs: EPSG:4549\n"               /*  2 */
     "layers:\n"                      /*  3 */
     "  parcels:\n"                   /*  4 */
     "    source: p.shp\n"            /*  5 */
     "    declared_area:\n"           /*  6 */
     "      - field: A\n"             /*  7 */
     "        unit: mu\n"             /*  8 */
     "      - field: B\n"             /*  9 */
     "        unit: ha\n"             /* 10 */
     "        unit_field: DW\n",      /* 11 */
     9, 11, "unit"},
    {"unit_missing.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  parcels:\n"                   /* 4 */
     "    source: p.shp\n"            /* 5 */
     "    declared_area:\n"           /* 6 */
     "      field: YDMJ\n",           /* 7 */
     6, 7, "unit"},
    {"area_without_field.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  parcels:\n"                   /* 4 */
     "    source: p.shp\n"            /* 5 */
     "    declared_area:\n"           /* 6 */
     "      unit: mu\n",              /* 7 */
     6, 7, "field"},
    {"layer_without_source.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  good:\n"                      /* 4 */
     "    source: a.shp\n"            /* 5 */
     "  nosource:\n"                  /* 6 */
     "    layer: x\n",                /* 7 */
     6, 7, "source"},
    {"layer_scalar.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: a.shp\n",                  /* 4 */
     4, 4, NULL},
    {"layers_empty.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers: {}\n",                  /* 3 */
     3, 3, "layers"},
    {"fail_on_sometimes.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "name: x\n"                      /* 3 */
     "fail_on: sometimes\n"           /* 4 */
     "layers:\n"                      /* 5 */
     "  a: {source: x.shp}\n",        /* 6 */
     4, 4, "sometimes"},
    {"accepted_no_reason.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n"         /* 4 */
     "accepted:\n"                    /* 5 */
     "  - id: overlap:a:1:a:2\n",     /* 6 */
     6, 6, "reason"},
    {"accepted_twice.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n"         /* 4 */
     "accepted:\n"                    /* 5 */
     "  - {id: gap:a:1, reason: one}\n" /* 6 */
     "  - {id: gap:a:1, reason: two}\n", /* 7 */
     6, 7, "twice"},
    {"accepted_unknown_key.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n"         /* 4 */
     "accepted:\n"                    /* 5 */
     "  - {id: gap:a:1, reason: r, until: 2027}\n", /* 6 */
     6, 6, "until"},
    {"accepted_mapping.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n"         /* 4 */
     "accepted: {id: gap:a:1}\n",      /* 5 */
     5, 5, "list"},
    {"connectivity_no_fields.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  r: {source: x.shp}\n"         /* 4 */
     "rules:\n"                       /* 5 */
     "  connectivity: {layer: r}\n",  /* 6 */
     6, 6, "from_field"},
    {"corridor_widths_list.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  r: {source: x.shp}\n"         /* 4 */
     "rules:\n"                       /* 5 */
     "  corridor:\n"                  /* 6 */
     "    layer: r\n"                 /* 7 */
     "    widths: [36, 40]\n",        /* 8 */
     8, 8, "widths"},
    {"corridor_overlap_without_corridor.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  r: {source: x.shp}\n"         /* 4 */
     "rules:\n"                       /* 5 */
     "  corridor_overlap: {a: r}\n",  /* 6 */
     6, 6, "corridor"},
    {"area_method_fast.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "area_method: fast\n"            /* 3 */
     "layers:\n"                      /* 4 */
     "  a: {source: x.shp}\n",        /* 5 */
     3, 3, "fast"},
    {"rule_severity_never.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "rules:\n"                       /* 3 */
     "  area:\n"                      /* 4 */
     "    enabled: true\n"            /* 5 */
     "    severity: never\n"          /* 6 */
     "layers:\n"                      /* 7 */
     "  a: {source: x.shp}\n",        /* 8 */
     6, 6, "never"},
    {"rule_enabled_maybe.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "rules:\n"                       /* 3 */
     "  area:\n"                      /* 4 */
     "    enabled: maybe\n"           /* 5 */
     "layers:\n"                      /* 6 */
     "  a: {source: x.shp}\n",        /* 7 */
     5, 5, "maybe"},
    {"unknown_rule.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "rules:\n"                       /* 3 */
     "  flyover:\n"                   /* 4 */
     "    enabled: true\n"            /* 5 */
     "layers:\n"                      /* 6 */
     "  a: {source: x.shp}\n",        /* 7 */
     4, 4, "flyover"},
    {"rule_unknown_layer.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n"         /* 4 */
     "rules:\n"                       /* 5 */
     "  overlap:\n"                   /* 6 */
     "    layers: [a, nosuch]\n",     /* 7 */
     7, 7, "nosuch"},
    {"rule_containment_no_container.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n"         /* 4 */
     "rules:\n"                       /* 5 */
     "  containment:\n"               /* 6 */
     "    - {layer: a, tolerance_m2: 1}\n", /* 7 */
     7, 7, "container"},
    {"rule_bad_option.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n"         /* 4 */
     "rules:\n"                       /* 5 */
     "  gaps:\n"                      /* 6 */
     "    layer: a\n"                 /* 7 */
     "    min_area: 3\n",             /* 8 */
     8, 8, "min_area"},
    {"crs_empty.yaml",
     "plancheck: 1\n"                 /* 1 */
     "layers:\n"                      /* 2 */
     "  a: {source: x.shp}\n"         /* 3 */
     "crs: \"\"\n",                   /* 4 */
     4, 4, "crs"},
    {"crs_list.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs:\n"                         /* 2 */
     "  - EPSG:4549\n"                /* 3 */
     "layers:\n"                      /* 4 */
     "  a: {source: x.shp}\n",        /* 5 */
     2, 3, "crs"},
    {"crs_no_value.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs:\n"                         /* 2 */
     "layers:\n"                      /* 3 */
     "  a: {source: x.shp}\n",        /* 4 */
     2, 2, "crs"},
    {"source_no_value.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  a:\n"                         /* 4 */
     "    layer: x\n"                 /* 5 */
     "    source:\n",                 /* 6 */
     4, 6, "source"},
    {"figures_bad_figure.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: z\n"                   /* 6 */
     "  zones:\n"                     /* 7 */
     "    Z1: {area: 约六十 平方公里}\n", /* 8 */
     8, 8, "figure as printed"},
    {"figures_bad_unit.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: z\n"                   /* 6 */
     "  zones:\n"                     /* 7 */
     "    Z1: {area: 3000 acres}\n",   /* 8 */
     8, 8, "acres"},
    {"figures_no_unit.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: z\n"                   /* 6 */
     "  zones:\n"                     /* 7 */
     "    Z1: {area: 3000}\n",         /* 8 */
     8, 8, "no unit"},
    {"figures_cycle.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: z\n"                   /* 6 */
     "  zones:\n"                     /* 7 */
     "    A: {children: [B]}\n"        /* 8 */
     "    B: {children: [C]}\n"        /* 9 */
     "    C: {children: [A]}\n",       /* 10 */
     8, 10, "ancestor"},
    {"figures_self_child.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: z\n"                   /* 6 */
     "  zones:\n"                     /* 7 */
     "    A: {children: [A]}\n",       /* 8 */
     8, 8, "own part"},
    {"figures_unknown_layer.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: zz\n"                  /* 6 */
     "  zones: {A: {area: 1 亩}}\n",   /* 7 */
     6, 6, "zz"},
    {"figures_empty_zone.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: z\n"                   /* 6 */
     "  zones:\n"                     /* 7 */
     "    A: {source: L3}\n",          /* 8 */
     8, 8, "states nothing"},
    {"quota_no_limit.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures:\n"                     /* 5 */
     "  layer: z\n"                   /* 6 */
     "  zones:\n"                     /* 7 */
     "    A:\n"                        /* 8 */
     "      quotas:\n"                 /* 9 */
     "        - {class: 1001}\n",       /* 10 */
     10, 10, "at_most"},
    {"capacity_no_figures.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "rules:\n"                       /* 5 */
     "  capacity: {parcels: z}\n",     /* 6 */
     6, 6, "figures"},
    {"quotas_no_class.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "figures: {layer: z, zones: {A: {area: 1 亩}}}\n" /* 5 */
     "rules:\n"                       /* 6 */
     "  quotas: {parcels: z}\n",       /* 7 */
     7, 7, "class_field"},
    {"units_agree_one_figure.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "rules:\n"                       /* 5 */
     "  units_agree: {layers: [z]}\n", /* 6 */
     6, 6, "two"},
    {"sql_no_id.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "rules:\n"                       /* 5 */
     "  sql: {query: SELECT 1 AS key}\n", /* 6 */
     6, 6, "id"},
    {"sql_bad_placeholder.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "rules:\n"                       /* 5 */
     "  sql:\n"                       /* 6 */
     "    - id: x\n"                   /* 7 */
     "      query: SELECT {nope} AS key\n", /* 8 */
     8, 8, "nope"},
    {"sql_same_id.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "rules:\n"                       /* 5 */
     "  sql:\n"                       /* 6 */
     "    - {id: x, query: SELECT 1 AS key}\n" /* 7 */
     "    - {id: x, query: SELECT 2 AS key}\n", /* 8 */
     8, 8, "twice"},
    {"near_no_distance.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "rules:\n"                       /* 5 */
     "  near: {layer: z, target: z}\n", /* 6 */
     6, 6, "max_distance_m"},
    {"lines_within_no_container.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z: {source: z.gpkg, key: code}\n" /* 4 */
     "rules:\n"                       /* 5 */
     "  lines_within: {layer: z}\n",   /* 6 */
     6, 6, "container"},
    /* style:, title:, description:, aliases: */
    {"unknown_style.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z:\n"                         /* 4 */
     "    source: z.gpkg\n"           /* 5 */
     "    style: landuse\n",          /* 6 */
     6, 6, "unknown style 'landuse' (expected one of: boundary, zones, "
     "parcels, roads"},
    {"style_list.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z:\n"                         /* 4 */
     "    source: z.gpkg\n"           /* 5 */
     "    style: [zones]\n",          /* 6 */
     6, 6, "style must be a single value"},
    {"empty_title.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z:\n"                         /* 4 */
     "    source: z.gpkg\n"           /* 5 */
     "    title: \"\"\n",              /* 6 */
     6, 6, "title is empty"},
    {"aliases_list.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z:\n"                         /* 4 */
     "    source: z.gpkg\n"           /* 5 */
     "    aliases: [code, 地块编号]\n", /* 6 */
     6, 6, "layers.z.aliases must be a mapping"},
    {"alias_not_text.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z:\n"                         /* 4 */
     "    source: z.gpkg\n"           /* 5 */
     "    aliases:\n"                 /* 6 */
     "      code: 地块编号\n"         /* 7 */
     "      decl_area: {zh: 申报面积}\n", /* 8 */
     8, 8, "layers.z.aliases.decl_area must be a single value"},
    {"alias_empty.yaml",
     "plancheck: 1\n"                 /* 1 */
     "crs: EPSG:4549\n"               /* 2 */
     "layers:\n"                      /* 3 */
     "  z:\n"                         /* 4 */
     "    source: z.gpkg\n"           /* 5 */
     "    aliases: {code: 地块编号,\n"  /* 6 */
     "              name: \"\"}\n",    /* 7 */
     7, 7, "layers.z.aliases.name is empty"},
    {"empty.yaml", "", 1, 1, NULL},
    {"top_level_list.yaml",
     "- plancheck: 1\n"
     "- crs: EPSG:4549\n",
     1, 1, NULL},
};

/* Parses "<path>:<line>:" at the start of msg; returns the line or -1. */
static int message_line(const char *msg, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(msg, path, n) != 0 || msg[n] != ':')
        return -1;
    char *end;
    long line = strtol(msg + n + 1, &end, 10);
    if (end == msg + n + 1 || *end != ':')
        return -1;
    return (int)line;
}

/* Loads every case whose name does (syntax = 1) or does not (0) start
 * with "syntax_"; prints each miss and returns how many there were. */
static int run_bad_plans(struct fx *fx, int syntax)
{
    int failures = 0, ran = 0;
    for (size_t i = 0; i < sizeof bad_plans / sizeof bad_plans[0]; i++) {
        const struct bad_plan *c = &bad_plans[i];
        if ((strncmp(c->name, "syntax_", 7) == 0) != syntax)
            continue;
        ran++;
        char plans[4096], path[4096];
        tu_pathbuf(plans, sizeof plans, fx->dir, "plans");
        tu_pathbuf(path, sizeof path, plans, c->name);
        tu_write_text(path, c->text);
        pc_plan *plan = (pc_plan *)&plan;
        pc_error(fx->ctx, PC_OK, "%s", "");
        pc_status st = pc_plan_load(fx->ctx, path, &plan);
        const char *msg = pc_ctx_error(fx->ctx);
        int line = message_line(msg, path);
        if (st != PC_ERR_INPUT) {
            print_error("%s: status %d, expected PC_ERR_INPUT (%s)\n", c->name,
                        (int)st, msg);
            failures++;
        } else if (plan != NULL) {
            print_error("%s: *out not NULL on error\n", c->name);
            failures++;
        } else if (line < 0) {
            print_error("%s: message does not start with \"<path>:<line>:\": "
                        "%s\n", c->name, msg);
            failures++;
        } else if (line < c->line_min || line > c->line_max) {
            print_error("%s: message names line %d, expected %d..%d: %s\n",
                        c->name, line, c->line_min, c->line_max, msg);
            failures++;
        } else if (c->mentions && !tu_contains(msg + strlen(path), c->mentions)) {
            print_error("%s: message does not mention \"%s\": %s\n", c->name,
                        c->mentions, msg);
            failures++;
        }
        if (st == PC_OK && plan != (pc_plan *)&plan)
            pc_plan_free(plan);
    }
    assert_true(ran >= 3);
    return failures;
}

/* Mistakes in the plan's content: unknown keys, missing sections, bad
 * values, each with the file:line of the mistake. */
static void test_broken_plans(void **state)
{
    int failures = run_bad_plans(*state, 0);
    if (failures)
        fail_msg("%d broken plans were not reported as expected", failures);
}

/* YAML syntax errors: the line libfyaml reports, as a 1-based line. */
static void test_yaml_syntax_error_line(void **state)
{
    int failures = run_bad_plans(*state, 1);
    if (failures)
        fail_msg("%d YAML syntax errors name the wrong line", failures);
}

/* style:, title:, description: and aliases: of a layer, in the plan's
 * order; a layer without them has none. */
static void test_layer_display(void **state)
{
    struct fx *fx = *state;
    char *path = write_plan(fx, "display.yaml",
        "plancheck: 1\n"
        "crs: EPSG:4549\n"
        "layers:\n"
        "  parcels:\n"
        "    source: parcels.shp\n"
        "    assign_crs: EPSG:4528\n"
        "    style: parcels\n"
        "    title: 地块\n"
        "    description: 控规地块 (parcels)\n"
        "    aliases: {code: 地块编号, decl_area: 申报面积,\n"
        "              decl_unit: \"面积单位 <m2 & 亩>\"}\n"
        "  other:\n"
        "    source: other.gpkg\n");
    pc_plan *plan = load_ok(fx->ctx, path);
    assert_int_equal(plan->nlayers, 2);
    const pc_plan_layer *l = &plan->layers[0];
    assert_string_equal(l->assign_crs, "EPSG:4528");
    assert_null(l->crs);
    assert_string_equal(l->style, "parcels");
    assert_string_equal(l->title, "地块");
    assert_string_equal(l->description, "控规地块 (parcels)");
    static const char *const fields[] = {"code", "decl_area", "decl_unit"};
    static const char *const names[] = {"地块编号", "申报面积",
                                        "面积单位 <m2 & 亩>"};
    assert_int_equal(l->naliases, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(l->alias_fields[i], fields[i]);
        assert_string_equal(l->aliases[i], names[i]);
    }
    l = &plan->layers[1];
    assert_null(l->style);
    assert_null(l->title);
    assert_null(l->description);
    assert_int_equal(l->naliases, 0);
    pc_plan_free(plan);
    free(path);
}

static void test_missing_plan_file(void **state)
{
    struct fx *fx = *state;
    char *path = pc_aprintf("%s/plans/no_such_plan.yaml", fx->dir);
    pc_plan *plan = (pc_plan *)&plan;
    assert_int_equal(pc_plan_load(fx->ctx, path, &plan), PC_ERR_INPUT);
    assert_null(plan);
    assert_contains(pc_ctx_error(fx->ctx), path);
    free(path);
    /* a directory is not a plan file */
    plan = (pc_plan *)&plan;
    assert_int_equal(pc_plan_load(fx->ctx, fx->dir, &plan), PC_ERR_INPUT);
    assert_null(plan);
    assert_contains(pc_ctx_error(fx->ctx), fx->dir);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_good_plan),
        T(test_defaults),
        T(test_accepted),
        T(test_line_rules),
        T(test_figure_rules),
        T(test_relative_plan_path),
        T(test_layer_display),
        T(test_broken_plans),
        T(test_yaml_syntax_error_line),
        T(test_missing_plan_file),
    };
#undef T
    return cmocka_run_group_tests_name("plan", tests, group_setup,
                                       group_teardown);
}
