/* cmd_run.c: CLI stage: `plancheck run <plan.yaml>`: the whole check,
 * a short summary on stdout (text or --json), the exit code for CI. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "plancheck/landuse.h"
#include "plancheck/run.h"

static const char run_help[] =
    "Usage: plancheck run [options] <plan.yaml>\n"
    "\n"
    "Reads the layers the plan file names, reprojects them to the plan's\n"
    "working CRS, measures every polygon, compares it with its declared area\n"
    "and writes a GeoPackage: `findings`, each input layer normalised to the\n"
    "working CRS (with measured areas), and the `plancheck_run` metadata.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    output GeoPackage (default: the plan's `output:`,\n"
    "                       relative to the plan file)\n"
    "      --overwrite      replace an existing output\n"
    "      --findings-only  leave the normalised input layers out of the\n"
    "                       output (findings and run metadata only)\n"
    "      --fail-on LEVEL  error (default), warning, info or never: exit 1\n"
    "                       when a finding is at or above LEVEL; new: exit 1\n"
    "                       on error findings not in the plan's `accepted:`\n"
    "      --threads N      worker threads for the spatial rules (default:\n"
    "                       the plan's `threads`, else one per core)\n"
    "      --json           JSON summary on stdout instead of text\n"
    "  -q, --quiet          no summary, warnings or progress (errors only)\n"
    "  -h, --help           this help\n"
    "      --version        version of plancheck and its libraries\n";

static json_object *jdouble(double v)
{
    return isfinite(v) ? json_object_new_double(v) : NULL;
}

static void print_json(pc_ctx *ctx, const pc_run_result *r, int rc)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "plancheck", json_object_new_string(PC_VERSION));
    json_object_object_add(root, "plan", json_object_new_string(r->plan->path));
    json_object_object_add(root, "plan_name", r->plan->name ? json_object_new_string(r->plan->name) : NULL);
    json_object_object_add(root, "output", json_object_new_string(r->output));
    json_object_object_add(root, "working_crs", json_object_new_string(r->working_crs));
    json_object_object_add(root, "area_method", json_object_new_string(pc_area_method_name(r->method)));
    json_object_object_add(root, "fail_on", json_object_new_string(pc_severity_name(r->fail_on)));
    json_object_object_add(root, "fail_new_only", json_object_new_boolean(r->fail_new_only));
    json_object *jl = json_object_new_array();
    for (size_t i = 0; i < r->nlayers; i++) {
        const pc_run_layer *l = &r->layers[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(l->id));
        json_object_object_add(o, "source", json_object_new_string(l->source));
        json_object_object_add(o, "layer", json_object_new_string(l->source_layer));
        json_object_object_add(o, "source_crs", json_object_new_string(l->source_crs));
        json_object_object_add(o, "features", json_object_new_int64((int64_t)l->features));
        json_object_object_add(o, "polygons", json_object_new_int64((int64_t)l->polygons));
        json_object_object_add(o, "total_planar_m2", jdouble(l->total_planar_m2));
        json_object_object_add(o, "total_ellipsoidal_m2", jdouble(l->total_ellipsoidal_m2));
        if (l->area_checked) {
            json_object *a = json_object_new_object();
            json_object_object_add(a, "compared", json_object_new_int64((int64_t)l->area.compared));
            json_object_object_add(a, "within_tolerance", json_object_new_int64((int64_t)l->area.within));
            json_object_object_add(a, "no_figure", json_object_new_int64((int64_t)l->area.no_figure));
            json_object_object_add(a, "bad_figure", json_object_new_int64((int64_t)l->area.bad_figure));
            json_object_object_add(a, "no_polygon", json_object_new_int64((int64_t)l->area.no_polygon));
            json_object_object_add(o, "area_check", a);
        }
        json_object_array_add(jl, o);
    }
    json_object_object_add(root, "layers", jl);
    json_object *sev = json_object_new_object();
    static const pc_severity levels[] = {PC_SEV_ERROR, PC_SEV_WARNING, PC_SEV_INFO};
    for (size_t k = 0; k < 3; k++) {
        int64_t n = 0;
        for (size_t i = 0; i < r->findings.n; i++)
            n += r->findings.items[i].severity == levels[k];
        json_object_object_add(sev, pc_severity_name(levels[k]), json_object_new_int64(n));
    }
    json_object *jf = json_object_new_array();
    for (size_t i = 0; i < r->findings.n; i++) {
        const pc_finding *f = &r->findings.items[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(f->id));
        json_object_object_add(o, "rule", json_object_new_string(f->rule));
        json_object_object_add(o, "severity", json_object_new_string(pc_severity_name(f->severity)));
        json_object_object_add(o, "layer", f->layer ? json_object_new_string(f->layer) : NULL);
        json_object_object_add(o, "fid", f->fid >= 0 ? json_object_new_int64(f->fid) : NULL);
        json_object_object_add(o, "key", f->key ? json_object_new_string(f->key) : NULL);
        json_object_object_add(o, "layer2", f->layer2 ? json_object_new_string(f->layer2) : NULL);
        json_object_object_add(o, "fid2", f->fid2 >= 0 ? json_object_new_int64(f->fid2) : NULL);
        json_object_object_add(o, "key2", f->key2 ? json_object_new_string(f->key2) : NULL);
        json_object_object_add(o, "field", f->field ? json_object_new_string(f->field) : NULL);
        json_object_object_add(o, "repaired", json_object_new_boolean(f->repaired));
        json_object_object_add(o, "measured_m2", jdouble(f->measured_m2));
        json_object_object_add(o, "declared_m2", jdouble(f->declared_m2));
        json_object_object_add(o, "diff_m2", jdouble(f->diff_m2));
        json_object_object_add(o, "diff_pct", jdouble(f->diff_pct));
        json_object_object_add(o, "tolerance_m2", jdouble(f->tolerance_m2));
        json_object_object_add(o, "declared_value", jdouble(f->declared_value));
        json_object_object_add(o, "declared_unit", f->unit ? json_object_new_string(f->unit) : NULL);
        json_object_object_add(o, "area_method", f->method ? json_object_new_string(f->method) : NULL);
        json_object_object_add(o, "accepted", json_object_new_boolean(f->accepted));
        json_object_object_add(o, "accepted_reason", f->accepted_reason ? json_object_new_string(f->accepted_reason) : NULL);
        json_object_object_add(o, "message", json_object_new_string(f->message ? f->message : ""));
        json_object_array_add(jf, o);
    }
    json_object *summary = json_object_new_object();
    json_object_object_add(summary, "total", json_object_new_int64((int64_t)r->findings.n));
    json_object_object_add(summary, "by_severity", sev);
    json_object_object_add(summary, "accepted", json_object_new_int64((int64_t)r->accepted));
    json_object_object_add(summary, "stale", json_object_new_int64((int64_t)r->stale));
    json_object_object_add(summary, "new", json_object_new_int64((int64_t)(r->findings.n - r->accepted - r->stale)));
    json_object_object_add(root, "findings_summary", summary);
    json_object *jb = json_object_new_array();
    for (size_t i = 0; i < r->balance.n; i++) {
        const pc_balance_row *b = &r->balance.rows[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "layer", json_object_new_string(b->layer));
        json_object_object_add(o, "zone", json_object_new_string(b->zone));
        json_object_object_add(o, "code", b->cls ? json_object_new_string(b->cls->code) : NULL);
        json_object_object_add(o, "name_zh", json_object_new_string(b->cls ? b->cls->name_zh : b->total ? "合计" : "未分类"));
        json_object_object_add(o, "total", json_object_new_boolean(b->total));
        json_object_object_add(o, "parcels", json_object_new_int64((int64_t)b->parcels));
        json_object_object_add(o, "area_ha", jdouble(b->area_m2 / 10000.0));
        json_object_object_add(o, "pct", jdouble(b->pct));
        json_object_array_add(jb, o);
    }
    json_object_object_add(root, "landuse_balance", jb);
    json_object_object_add(root, "findings", jf);
    json_object *jw = json_object_new_array();
    for (size_t i = 0; i < pc_ctx_warning_count(ctx); i++)
        json_object_array_add(jw, json_object_new_string(pc_ctx_warning(ctx, i)));
    json_object_object_add(root, "warnings", jw);
    json_object_object_add(root, "exit_code", json_object_new_int(rc));
    puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

static void print_text(const pc_run_result *r, int rc)
{
    printf("plancheck: %s%s%s\n", r->plan->path, r->plan->name ? "  " : "",
           r->plan->name ? r->plan->name : "");
    printf("working CRS %s (%s), area method %s\n", r->working_crs,
           r->working_crs_name, pc_area_method_name(r->method));
    printf("  %-16s %9s %9s %9s %8s %9s %6s\n", "layer", "features", "polygons",
           "compared", "within", "no figure", "bad");
    for (size_t i = 0; i < r->nlayers; i++) {
        const pc_run_layer *l = &r->layers[i];
        if (l->area_checked)
            printf("  %-16s %9zu %9zu %9zu %8zu %9zu %6zu\n", l->id, l->features,
                   l->polygons, l->area.compared, l->area.within,
                   l->area.no_figure, l->area.bad_figure);
        else
            printf("  %-16s %9zu %9zu %9s %8s %9s %6s\n", l->id, l->features,
                   l->polygons, "-", "-", "-", "-");
    }
    size_t e = 0, w = 0, in = 0;
    for (size_t i = 0; i < r->findings.n; i++) {
        pc_severity s = r->findings.items[i].severity;
        e += s == PC_SEV_ERROR;
        w += s == PC_SEV_WARNING;
        in += s == PC_SEV_INFO;
    }
    printf("findings: %zu (error %zu, warning %zu, info %zu) -> %s\n",
           r->findings.n, e, w, in, r->output);
    /* per-rule counts, in the findings' sorted (rule-first) order */
    for (size_t i = 0; i < r->findings.n;) {
        size_t j = i;
        while (j < r->findings.n &&
               !strcmp(r->findings.items[j].rule, r->findings.items[i].rule))
            j++;
        printf("  %-16s %zu\n", r->findings.items[i].rule, j - i);
        i = j;
    }
    const size_t shown = 10;
    for (size_t i = 0; i < r->findings.n && i < shown; i++) {
        const pc_finding *f = &r->findings.items[i];
        printf("  [%s] %s: %s\n", pc_severity_name(f->severity), f->id,
               f->message ? f->message : "");
    }
    if (r->findings.n > shown)
        printf("  ... and %zu more in %s (layer findings)\n",
               r->findings.n - shown, r->output);
    if (r->balance.n)
        printf("land-use balance (用地平衡表): %zu rows in table "
               "landuse_balance\n", r->balance.n);
    if (r->accepted || r->stale)
        printf("accepted by the plan: %zu; accepted but no longer found "
               "(accepted.stale): %zu\n", r->accepted, r->stale);
    printf("result: %s (fail on %s%s)\n", rc ? "FAIL" : "PASS",
           r->fail_new_only ? "new " : "", pc_severity_name(r->fail_on));
}

static volatile sig_atomic_t interrupted;

static void on_signal(int signo) { interrupted = signo; }

/* Progress for the pipeline: the stderr bar unless quiet, and the way an
 * interrupt reaches the library (returning 0 cancels; the writer then
 * removes its temporary file and nothing is left behind). */
static int run_progress(double complete, const char *message, void *arg)
{
    const int *quiet = arg;
    if (interrupted)
        return 0;
    if (!*quiet)
        pc_progress_stderr(complete, message, NULL);
    return 1;
}

int pc_cli_run_plan(pc_plan *plan, pc_run_opts *opts, int quiet, int as_json)
{
    pc_ctx *ctx = pc_ctx_new();
    if (!ctx) {
        pc_plan_free(plan);
        return pc_cli_fail(PC_ERR_INTERNAL, "out of memory");
    }
    pc_ctx_set_quiet(ctx, quiet);
    opts->progress = run_progress;
    opts->progress_arg = &quiet;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pc_run_result r;
    pc_status st = plan ? pc_run_plan(ctx, plan, opts, &r) : pc_run(ctx, opts, &r);
    if (st != PC_OK) {
        /* 128 + signal number, as a shell reports a killed command */
        int rc = interrupted ? pc_cli_fail(128 + interrupted, "interrupted; no "
                                           "output written")
                             : pc_cli_fail(st, "%s", pc_ctx_error(ctx));
        pc_ctx_free(ctx);
        return rc;
    }
    int rc = pc_run_exit_code(&r);
    if (as_json)
        print_json(ctx, &r, rc);
    else if (!quiet)
        print_text(&r, rc);
    pc_run_result_clear(ctx, &r);
    pc_ctx_free(ctx);
    return rc;
}

int pc_cmd_run(int argc, char **argv)
{
    enum { OPT_JSON = 1000, OPT_VERSION, OPT_OVERWRITE, OPT_FAIL_ON, OPT_THREADS,
           OPT_FINDINGS_ONLY };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"overwrite", no_argument, NULL, OPT_OVERWRITE},
        {"findings-only", no_argument, NULL, OPT_FINDINGS_ONLY},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"json", no_argument, NULL, OPT_JSON},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0}};
    pc_run_opts opts;
    memset(&opts, 0, sizeof opts);
    int as_json = 0, quiet = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': opts.output = optarg; break;
        case OPT_OVERWRITE: opts.overwrite = 1; break;
        case OPT_FINDINGS_ONLY: opts.findings_only = 1; break;
        case OPT_FAIL_ON:
            opts.fail_new_only = !strcmp(optarg, "new");
            if (opts.fail_new_only)
                opts.fail_on = PC_SEV_ERROR;
            else if (pc_severity_parse(optarg, &opts.fail_on) != 0)
                return pc_cli_usage("run ", "--fail-on '%s': expected error, "
                                    "warning, info, never or new", optarg);
            opts.fail_on_set = 1;
            break;
        case OPT_THREADS: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 1 || t > 64)
                return pc_cli_usage("run ", "--threads '%s': expected 1..64",
                                    optarg);
            opts.threads = (int)t;
            break;
        }
        case OPT_JSON: as_json = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(run_help, stdout); return 0;
        case OPT_VERSION: pc_cli_print_version(stdout); return 0;
        case ':': return pc_cli_usage("run ", "option %s needs a value", argv[optind - 1]);
        default: return pc_cli_usage("run ", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return pc_cli_usage("run ", optind == argc ? "no plan file given"
                                                    : "give exactly one plan file");
    opts.plan_path = argv[optind];
    return pc_cli_run_plan(NULL, &opts, quiet, as_json);
}
