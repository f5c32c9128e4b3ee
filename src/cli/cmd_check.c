/* cmd_check.c: CLI stage: `plancheck check <rule> <source> [<source2>]`:
 * one rule ad hoc on files, for quick CI use. The options become an
 * in-memory plan that runs through the same pipeline as `run`, so outputs
 * and exit codes are the same. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plancheck/report.h"
#include "plancheck/run.h"

static const char check_help[] =
    "Usage: plancheck check <rule> [options] -o <out.gpkg> <source> [<source2>]\n"
    "\n"
    "Runs one rule on files and writes the findings GeoPackage, with the\n"
    "same outputs and exit codes as `plancheck run`.\n"
    "\n"
    "Rules:\n"
    "  validity          GEOS validity, NULL/empty/unbuildable geometries\n"
    "  overlap           overlapping features within <source>\n"
    "  duplicates        identical geometries within <source>\n"
    "  overlap-between   features of <source> overlapping those of <source2>\n"
    "  containment       features of <source> outside the features of\n"
    "                    <source2> (or the one --ref-field names)\n"
    "  gaps              gaps in the coverage <source> (against the\n"
    "                    boundary <source2> when given)\n"
    "  slivers           too small, thin or narrow polygons\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     output GeoPackage (required)\n"
    "  -l, --layer NAME      layer in <source> (needed when it has several)\n"
    "      --layer2 NAME     layer in <source2>\n"
    "      --key FIELD       feature key of <source> (default: FID)\n"
    "      --key2 FIELD      feature key of <source2>\n"
    "      --crs CRS         projected working CRS (default: <source>'s own);\n"
    "                        also assumed for layers without a CRS\n"
    "      --assign-crs CRS  the sources' CRS, replacing the one they declare\n"
    "                        (a wrong label, e.g. zone-prefixed eastings\n"
    "                        labelled EPSG:4549)\n"
    "      --method M        ellipsoidal (default) or planar areas\n"
    "      --min-area M2     overlap/gap area above which it is reported\n"
    "                        (default 0.01)\n"
    "      --max-area M2     gaps: larger ones are voids; slivers: smaller\n"
    "                        ones are slivers\n"
    "      --max-width M     gaps: only narrower ones\n"
    "      --min-width M     slivers: narrower ones (width of the rectangle\n"
    "                        with the same area and perimeter)\n"
    "      --min-thinness T  slivers: 4πA/P² below T\n"
    "      --tolerance M2    containment: outside parts up to this are noise\n"
    "                        (default 0.01)\n"
    "      --ref-field FIELD containment: field of <source> naming the key\n"
    "                        (--key2) of its container in <source2>\n"
    "      --allow-selftouching-rings  validity: accept ESRI-style rings\n"
    "      --repair          validity: repair with MakeValid for other rules\n"
    "      --severity S      error, warning or info (default: warning for\n"
    "                        gaps and slivers, else error)\n"
    "      --threads N       worker threads (default: one per core)\n"
    "      --overwrite       replace an existing output\n"
    "      --findings-only   no normalised input layers in the output\n"
    "      --fail-on LEVEL   error (default), warning, info or never\n"
    "      --report FILE     also write a report: .json, .xml (JUnit) or\n"
    "                        .html (repeatable)\n"
    "      --junit FILE      also write a JUnit XML report\n"
    "      --json            JSON report on stdout\n"
    "  -q, --quiet           errors only\n"
    "  -h, --help            this help\n";

static const struct {
    const char *name;
    pc_rule_kind kind;
    int sources; /* 1: one source; 2: two; 3: one or two */
} rule_names[] = {
    {"validity", PC_RULE_VALIDITY, 1},
    {"overlap", PC_RULE_OVERLAP, 1},
    {"duplicates", PC_RULE_DUPLICATES, 1},
    {"overlap-between", PC_RULE_OVERLAP_BETWEEN, 2},
    {"containment", PC_RULE_CONTAINMENT, 2},
    {"gaps", PC_RULE_GAPS, 3},
    {"slivers", PC_RULE_SLIVERS, 1},
};

static int parse_number(const char *opt, const char *arg, double *out)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !(v >= 0))
        return pc_cli_usage("check ", "%s '%s': expected a non-negative number",
                            opt, arg);
    *out = v;
    return 0;
}

/* A plan layer id from a path: its base name without extension. */
static char *id_from_path(const char *path, const char *layer)
{
    if (layer)
        return strdup(layer);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *id = strdup(base);
    char *dot = id ? strrchr(id, '.') : NULL;
    if (dot && dot != id)
        *dot = '\0';
    return id;
}

static int add_layer(pc_plan *plan, const char *path, const char *layer,
                     const char *key, const char *crs, const char *assign)
{
    pc_plan_layer *l = &plan->layers[plan->nlayers++];
    l->source = strdup(path);
    l->source_as_written = strdup(path);
    l->layer = layer ? strdup(layer) : NULL;
    l->key_field = key ? strdup(key) : NULL;
    if (assign)
        crs = NULL; /* the assigned CRS replaces any */
    l->crs = crs ? strdup(crs) : NULL;
    l->assign_crs = assign ? strdup(assign) : NULL;
    l->id = id_from_path(path, layer);
    l->tol = plan->tol;
    if (plan->nlayers == 2 && l->id && !strcmp(l->id, plan->layers[0].id)) {
        char *id = malloc(strlen(l->id) + 3);
        if (id)
            sprintf(id, "%s_2", l->id);
        free(l->id);
        l->id = id;
    }
    return l->source && l->source_as_written && l->id &&
           (!layer || l->layer) && (!key || l->key_field) && (!crs || l->crs) &&
           (!assign || l->assign_crs);
}

int pc_cmd_check(int argc, char **argv)
{
    enum { O_LAYER2 = 1000, O_KEY, O_KEY2, O_CRS, O_METHOD, O_MIN_AREA,
           O_MAX_AREA, O_MAX_WIDTH, O_MIN_WIDTH, O_MIN_THIN, O_TOL, O_REF,
           O_SELFTOUCH, O_REPAIR, O_SEVERITY, O_THREADS, O_OVERWRITE,
           O_FAIL_ON, O_JSON, O_VERSION, O_FINDINGS_ONLY, O_REPORT, O_JUNIT, O_ASSIGN_CRS };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"layer", required_argument, NULL, 'l'},
        {"layer2", required_argument, NULL, O_LAYER2},
        {"key", required_argument, NULL, O_KEY},
        {"key2", required_argument, NULL, O_KEY2},
        {"crs", required_argument, NULL, O_CRS},
        {"assign-crs", required_argument, NULL, O_ASSIGN_CRS},
        {"method", required_argument, NULL, O_METHOD},
        {"min-area", required_argument, NULL, O_MIN_AREA},
        {"max-area", required_argument, NULL, O_MAX_AREA},
        {"max-width", required_argument, NULL, O_MAX_WIDTH},
        {"min-width", required_argument, NULL, O_MIN_WIDTH},
        {"min-thinness", required_argument, NULL, O_MIN_THIN},
        {"tolerance", required_argument, NULL, O_TOL},
        {"ref-field", required_argument, NULL, O_REF},
        {"allow-selftouching-rings", no_argument, NULL, O_SELFTOUCH},
        {"repair", no_argument, NULL, O_REPAIR},
        {"severity", required_argument, NULL, O_SEVERITY},
        {"threads", required_argument, NULL, O_THREADS},
        {"overwrite", no_argument, NULL, O_OVERWRITE},
        {"findings-only", no_argument, NULL, O_FINDINGS_ONLY},
        {"fail-on", required_argument, NULL, O_FAIL_ON},
        {"json", no_argument, NULL, O_JSON},
        {"report", required_argument, NULL, O_REPORT},
        {"junit", required_argument, NULL, O_JUNIT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0}};
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        fputs(check_help, stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        pc_cli_print_version(stdout);
        return 0;
    }
    if (argc < 2)
        return pc_cli_usage("check ", "no rule given");
    int ri = -1;
    for (size_t k = 0; k < sizeof rule_names / sizeof rule_names[0]; k++)
        if (!strcmp(argv[1], rule_names[k].name))
            ri = (int)k;
    if (ri < 0)
        return pc_cli_usage("check ", "unknown rule '%s'", argv[1]);
    const char *layer = NULL, *layer2 = NULL, *key = NULL, *key2 = NULL,
               *crs = NULL, *assign = NULL, *ref = NULL;
    pc_run_opts opts;
    memset(&opts, 0, sizeof opts);
    pc_plan_rule rule;
    memset(&rule, 0, sizeof rule);
    rule.kind = rule_names[ri].kind;
    /* the plan file's defaults: gaps and slivers are warnings */
    rule.severity = rule.kind == PC_RULE_GAPS || rule.kind == PC_RULE_SLIVERS
                        ? PC_SEV_WARNING
                        : PC_SEV_ERROR;
    rule.min_area_m2 = 0.01;
    rule.tolerance_m2 = 0.01;
    pc_area_method method = PC_AREA_ELLIPSOIDAL;
    pc_cli_reports reports;
    memset(&reports, 0, sizeof reports);
    int as_json = 0, quiet = 0, c, bad = 0;
    opterr = 0;
    optind = 2;
    while (!bad && (c = getopt_long(argc, argv, ":o:l:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': opts.output = optarg; break;
        case 'l': layer = optarg; break;
        case O_LAYER2: layer2 = optarg; break;
        case O_KEY: key = optarg; break;
        case O_KEY2: key2 = optarg; break;
        case O_CRS: crs = optarg; break;
        case O_ASSIGN_CRS: assign = optarg; break;
        case O_METHOD:
            if (pc_area_method_parse(optarg, &method) != 0)
                bad = pc_cli_usage("check ", "--method '%s': expected "
                                   "ellipsoidal or planar", optarg);
            break;
        case O_MIN_AREA: bad = parse_number("--min-area", optarg, &rule.min_area_m2); break;
        case O_MAX_AREA: bad = parse_number("--max-area", optarg, &rule.max_area_m2); break;
        case O_MAX_WIDTH: bad = parse_number("--max-width", optarg, &rule.max_width_m); break;
        case O_MIN_WIDTH: bad = parse_number("--min-width", optarg, &rule.min_width_m); break;
        case O_MIN_THIN: bad = parse_number("--min-thinness", optarg, &rule.min_thinness); break;
        case O_TOL: bad = parse_number("--tolerance", optarg, &rule.tolerance_m2); break;
        case O_REF: ref = optarg; break;
        case O_SELFTOUCH: rule.allow_selftouching_rings = 1; break;
        case O_REPAIR: rule.repair = 1; break;
        case O_SEVERITY:
            if (pc_severity_parse(optarg, &rule.severity) != 0 ||
                rule.severity == PC_SEV_NEVER)
                bad = pc_cli_usage("check ", "--severity '%s': expected error, "
                                   "warning or info", optarg);
            break;
        case O_THREADS: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 1 || t > 64)
                bad = pc_cli_usage("check ", "--threads '%s': expected 1..64", optarg);
            opts.threads = (int)t;
            break;
        }
        case O_OVERWRITE: opts.overwrite = 1; break;
        case O_FINDINGS_ONLY: opts.findings_only = 1; break;
        case O_FAIL_ON:
            if (pc_severity_parse(optarg, &opts.fail_on) != 0)
                bad = pc_cli_usage("check ", "--fail-on '%s': expected error, "
                                   "warning, info or never", optarg);
            opts.fail_on_set = 1;
            break;
        case O_JSON: as_json = 1; break;
        case O_REPORT:
        case O_JUNIT:
            bad = pc_cli_add_report(&reports, "check ",
                                    c == O_JUNIT ? "--junit" : "--report",
                                    optarg, c == O_JUNIT ? PC_REPORT_JUNIT : -1);
            break;
        case 'q': quiet = 1; break;
        case 'h': fputs(check_help, stdout); return 0;
        case O_VERSION: pc_cli_print_version(stdout); return 0;
        case ':': bad = pc_cli_usage("check ", "option %s needs a value", argv[optind - 1]); break;
        default: bad = pc_cli_usage("check ", "unknown option %s", argv[optind - 1]); break;
        }
    }
    if (bad)
        return bad;
    int nsrc = argc - optind, need = rule_names[ri].sources;
    if (nsrc < 1 || nsrc > 2 || (need == 1 && nsrc != 1) || (need == 2 && nsrc != 2))
        return pc_cli_usage("check ", "rule %s takes %s", rule_names[ri].name,
                            need == 1 ? "one source" : need == 2 ? "two sources"
                                                                 : "one or two sources");
    if (!opts.output)
        return pc_cli_usage("check ", "no output: give -o <file.gpkg>");
    pc_plan *plan = calloc(1, sizeof *plan);
    if (!plan)
        return pc_cli_fail(PC_ERR_INTERNAL, "out of memory");
    char title[64];
    snprintf(title, sizeof title, "check %s", rule_names[ri].name);
    plan->path = strdup(title);
    plan->dir = strdup("");
    plan->crs = crs ? strdup(crs) : NULL;
    plan->method = method;
    plan->tol.abs_m2 = PC_DEFAULT_ABS_M2;
    plan->tol.rel_pct = PC_DEFAULT_REL_PCT;
    plan->tol.approx_rel_pct = PC_DEFAULT_APPROX_REL_PCT;
    plan->fail_on = PC_SEV_ERROR;
    plan->area_rule_enabled = 0;
    plan->layers = calloc(2, sizeof *plan->layers);
    plan->rules = calloc(1, sizeof *plan->rules);
    int ok = plan->path && plan->dir && (!crs || plan->crs) && plan->layers &&
             plan->rules && add_layer(plan, argv[optind], layer, key, crs, assign) &&
             (nsrc < 2 ||
              add_layer(plan, argv[optind + 1], layer2, key2, crs, assign));
    if (ok) {
        pc_plan_rule *r = &plan->rules[plan->nrules++];
        *r = rule;
        r->layer = strdup(plan->layers[0].id);
        r->layer2 = nsrc == 2 ? strdup(plan->layers[1].id) : NULL;
        r->key_field = ref ? strdup(ref) : NULL;
        ok = r->layer && (nsrc < 2 || r->layer2) && (!ref || r->key_field);
    }
    if (!ok) {
        pc_plan_free(plan);
        return pc_cli_fail(PC_ERR_INTERNAL, "out of memory");
    }
    return pc_cli_run_plan(plan, &opts, quiet, as_json, &reports);
}
