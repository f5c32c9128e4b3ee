/* cmd_run.c: CLI stage: `plancheck run <plan.yaml>`: the whole check,
 * a short summary on stdout (text or --json), the exit code for CI. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plancheck/render.h"
#include "plancheck/report.h"
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
    "      --overwrite      replace an existing output and reports\n"
    "      --findings-only  leave the normalised input layers out of the\n"
    "                       output (findings and run metadata only)\n"
    "      --fail-on LEVEL  error (default), warning, info or never: exit 1\n"
    "                       when a finding is at or above LEVEL; new: exit 1\n"
    "                       on error findings not in the plan's `accepted:`\n"
    "      --threads N      worker threads for the spatial rules (default:\n"
    "                       the plan's `threads`, else one per core)\n"
    "      --report FILE    also write a report; the format follows the\n"
    "                       extension: .json (the --json document), .xml\n"
    "                       (JUnit, for CI) or .html/.htm (a page with maps);\n"
    "                       repeatable\n"
    "      --junit FILE     also write a JUnit XML report (whatever the\n"
    "                       extension)\n"
    "      --json           JSON report on stdout instead of the text summary\n"
    "  -q, --quiet          no summary, warnings or progress (errors only)\n"
    "  -h, --help           this help\n"
    "      --version        version of plancheck and its libraries\n";

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

int pc_cli_add_report(pc_cli_reports *reports, const char *command,
                      const char *option, const char *path, int format)
{
    if (format < 0 && (format = pc_report_format_of(path)) < 0)
        return pc_cli_usage(command, "%s '%s': unknown report format; use "
                            ".json, .xml (JUnit) or .html", option, path);
    if (reports->n == PC_CLI_MAX_REPORTS)
        return pc_cli_usage(command, "at most %d reports", PC_CLI_MAX_REPORTS);
    reports->path[reports->n] = path;
    reports->format[reports->n++] = format;
    return 0;
}

int pc_cli_run_plan(pc_plan *plan, pc_run_opts *opts, int quiet, int as_json,
                    const pc_cli_reports *reports)
{
    static const pc_cli_reports none;
    if (!reports)
        reports = &none;
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
    pc_status st = plan ? PC_OK : pc_plan_load(ctx, opts->plan_path, &plan);
    /* A report that cannot be written fails now, not after the run. */
    if (st == PC_OK && reports->n) {
        const char *output = opts->no_output ? NULL
                             : opts->output  ? opts->output
                                             : plan->output;
        st = pc_report_check(ctx, plan, output, opts->overwrite,
                             reports->path, reports->n);
        for (size_t i = 0; i < reports->n; i++)
            opts->keep_layers |= reports->format[i] == PC_REPORT_HTML;
        if (st != PC_OK) {
            pc_plan_free(plan);
            plan = NULL;
        }
    }
    pc_run_result r;
    if (st == PC_OK)
        st = pc_run_plan(ctx, plan, opts, &r); /* takes over the plan */
    if (st != PC_OK) {
        /* 128 + signal number, as a shell reports a killed command */
        int rc = interrupted ? pc_cli_fail(128 + interrupted, "interrupted; no "
                                           "output written")
                             : pc_cli_fail(st, "%s", pc_ctx_error(ctx));
        pc_ctx_free(ctx);
        return rc;
    }
    int rc = pc_run_exit_code(&r);
    for (size_t i = 0; i < reports->n && st == PC_OK; i++)
        st = pc_report_write(ctx, &r, (pc_report_format)reports->format[i],
                             reports->path[i]);
    char *json = NULL;
    if (st == PC_OK && as_json && (st = pc_report_json_text(ctx, &r, &json)) == PC_OK)
        fputs(json, stdout);
    else if (st == PC_OK && !quiet)
        print_text(&r, rc);
    free(json);
    if (st != PC_OK)
        rc = pc_cli_fail(st, "%s", pc_ctx_error(ctx));
    pc_run_result_clear(ctx, &r);
    pc_ctx_free(ctx);
    int html = 0;
    for (size_t i = 0; i < reports->n; i++)
        html |= reports->format[i] == PC_REPORT_HTML;
    if (html)
        pc_render_shutdown(); /* the maps' font caches; the process ends */
    return rc;
}

int pc_cmd_run(int argc, char **argv)
{
    enum { OPT_JSON = 1000, OPT_VERSION, OPT_OVERWRITE, OPT_FAIL_ON, OPT_THREADS,
           OPT_FINDINGS_ONLY, OPT_REPORT, OPT_JUNIT };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"overwrite", no_argument, NULL, OPT_OVERWRITE},
        {"findings-only", no_argument, NULL, OPT_FINDINGS_ONLY},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"json", no_argument, NULL, OPT_JSON},
        {"report", required_argument, NULL, OPT_REPORT},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0}};
    pc_run_opts opts;
    memset(&opts, 0, sizeof opts);
    pc_cli_reports reports;
    memset(&reports, 0, sizeof reports);
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
        case OPT_REPORT:
        case OPT_JUNIT: {
            int rc = pc_cli_add_report(&reports, "run ",
                                       c == OPT_JUNIT ? "--junit" : "--report",
                                       optarg,
                                       c == OPT_JUNIT ? PC_REPORT_JUNIT : -1);
            if (rc)
                return rc;
            break;
        }
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
    return pc_cli_run_plan(NULL, &opts, quiet, as_json, &reports);
}
