/* cmd_render.c: CLI stage: `plancheck render <plan.yaml>`: runs the plan in
 * memory (no GeoPackage) and draws its layers and findings to PNG / SVG. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "plancheck/render.h"
#include "plancheck/run.h"

static const char render_help[] =
    "Usage: plancheck render [options] -o MAP.png|MAP.svg <plan.yaml>\n"
    "\n"
    "Runs the plan's checks in memory (no GeoPackage is written) and draws a\n"
    "map of its layers, each in its QGIS style (maps/styles), with the\n"
    "findings highlighted by severity, a title, date, north arrow, scale bar\n"
    "in metres and a Chinese/English legend. The exit code is 0 when the\n"
    "maps were written, whatever the findings: drawing them is the job\n"
    "(render never exits 1).\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    the map to write, .png or .svg (repeatable: one\n"
    "                       run, several maps)\n"
    "      --size WxH       map size in pixels (PNG) or points (SVG);\n"
    "                       default 1600x1200\n"
    "      --extent MINX,MINY,MAXX,MAXY\n"
    "                       the ground to show, in the plan's working CRS\n"
    "                       (default: the plan's polygons and every\n"
    "                       finding; longer lines are cut at the frame)\n"
    "      --zoom-to ID     a close-up of the finding with this finding_id\n"
    "      --title TEXT     the map's title (default: the plan's name)\n"
    "      --date DATE      the date printed on the map, YYYY-MM-DD\n"
    "                       (default: today, UTC)\n"
    "      --threads N      worker threads for the spatial rules\n"
    "      --overwrite      replace existing map files\n"
    "  -q, --quiet          print nothing but errors\n"
    "  -h, --help           this help\n"
    "      --version        version of plancheck and its libraries\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int signo) { interrupted = signo; }

/* The pipeline's progress: the stderr bar unless quiet, and the way an
 * interrupt reaches the library (returning 0 cancels the run). */
static int render_progress(double complete, const char *message, void *arg)
{
    const int *quiet = arg;
    if (interrupted)
        return 0;
    if (!*quiet)
        pc_progress_stderr(complete, message, NULL);
    return 1;
}

/* "1600x1200" into w, h; 0 on success. */
static int parse_size(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return -1;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || a < 1 || b < 1 || a > 100000 || b > 100000)
        return -1;
    *w = (int)a, *h = (int)b;
    return 0;
}

/* "minx,miny,maxx,maxy" into e; 0 on success. */
static int parse_extent(const char *s, double e[4])
{
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        char *end;
        e[i] = strtod(p, &end);
        if (end == p || !isfinite(e[i]) || (i < 3 && *end != ',') ||
            (i == 3 && *end))
            return -1;
        p = end + 1;
    }
    return 0;
}

int pc_cmd_render(int argc, char **argv)
{
    enum { OPT_VERSION = 1000, OPT_OVERWRITE, OPT_SIZE, OPT_EXTENT, OPT_ZOOM,
           OPT_TITLE, OPT_DATE, OPT_THREADS };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"size", required_argument, NULL, OPT_SIZE},
        {"extent", required_argument, NULL, OPT_EXTENT},
        {"zoom-to", required_argument, NULL, OPT_ZOOM},
        {"title", required_argument, NULL, OPT_TITLE},
        {"date", required_argument, NULL, OPT_DATE},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"overwrite", no_argument, NULL, OPT_OVERWRITE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0}};
    pc_render_opts ro;
    memset(&ro, 0, sizeof ro);
    pc_run_opts opts;
    memset(&opts, 0, sizeof opts);
    const char **outputs = calloc((size_t)argc + 1, sizeof *outputs);
    if (!outputs)
        return pc_cli_fail(PC_ERR_INTERNAL, "out of memory");
    size_t nout = 0;
    int quiet = 0, c, rc = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': outputs[nout++] = optarg; break;
        case OPT_SIZE:
            if (parse_size(optarg, &ro.width, &ro.height) != 0) {
                rc = pc_cli_usage("render ", "--size '%s': expected WxH in "
                                  "pixels, e.g. 1600x1200", optarg);
                goto done;
            }
            break;
        case OPT_EXTENT:
            if (parse_extent(optarg, ro.extent) != 0) {
                rc = pc_cli_usage("render ", "--extent '%s': expected four "
                                  "numbers minx,miny,maxx,maxy", optarg);
                goto done;
            }
            ro.has_extent = 1;
            break;
        case OPT_ZOOM: ro.zoom_to = optarg; break;
        case OPT_TITLE: ro.title = optarg; break;
        case OPT_DATE: ro.date = optarg; break;
        case OPT_THREADS: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 1 || t > 64) {
                rc = pc_cli_usage("render ", "--threads '%s': expected 1..64",
                                  optarg);
                goto done;
            }
            opts.threads = (int)t;
            break;
        }
        case OPT_OVERWRITE: ro.overwrite = 1; break;
        case 'q': quiet = 1; break;
        case 'h':
            printf("%s\n%s", render_help, pc_exit_codes_help);
            goto done;
        case OPT_VERSION: pc_cli_print_version(stdout); goto done;
        case ':':
            rc = pc_cli_usage("render ", "option %s needs a value",
                              argv[optind - 1]);
            goto done;
        default:
            rc = pc_cli_usage("render ", "unknown option %s", argv[optind - 1]);
            goto done;
        }
    }
    if (optind != argc - 1) {
        rc = pc_cli_usage("render ", optind == argc ? "no plan file given"
                                                    : "give exactly one plan file");
        goto done;
    }
    if (!nout) {
        rc = pc_cli_usage("render ", "no map to write: give -o MAP.png or "
                          "-o MAP.svg");
        goto done;
    }
    if (ro.has_extent && ro.zoom_to) {
        rc = pc_cli_usage("render ", "--extent and --zoom-to exclude each other");
        goto done;
    }
    /* What can be refused before the run is, so a bad output costs no
     * run and leaves no map half made. */
    pc_ctx *ctx = pc_ctx_new();
    if (!ctx) {
        rc = pc_cli_fail(PC_ERR_INTERNAL, "out of memory");
        goto done;
    }
    pc_ctx_set_quiet(ctx, quiet);
    for (size_t i = 0; i < nout && !rc; i++) {
        pc_render_format fmt;
        struct stat sb;
        if (pc_render_format_of(ctx, outputs[i], &fmt) != PC_OK)
            rc = pc_cli_usage("render ", "%s", pc_ctx_error(ctx));
        else if (!ro.overwrite && stat(outputs[i], &sb) == 0)
            rc = pc_cli_fail(PC_ERR_OUTPUT, "%s: already exists; use "
                             "--overwrite to replace it", outputs[i]);
        for (size_t k = 0; k < i && !rc; k++)
            if (!strcmp(outputs[k], outputs[i]))
                rc = pc_cli_usage("render ", "%s: given twice", outputs[i]);
    }
    if (rc) {
        pc_ctx_free(ctx);
        goto done;
    }

    opts.plan_path = argv[optind];
    opts.keep_layers = 1;
    opts.no_output = 1;
    opts.progress = render_progress;
    opts.progress_arg = &quiet;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pc_run_result r;
    pc_status st = pc_run(ctx, &opts, &r);
    if (st != PC_OK) {
        rc = interrupted ? pc_cli_fail(128 + interrupted, "interrupted; no "
                                       "map written")
                         : pc_cli_fail(st, "%s", pc_ctx_error(ctx));
        pc_ctx_free(ctx);
        goto done;
    }
    for (size_t i = 0; i < nout && !rc; i++) {
        if (interrupted) {
            rc = pc_cli_fail(128 + interrupted, "interrupted; %s not written",
                             outputs[i]);
            break;
        }
        st = pc_render_file(ctx, &r, &ro, outputs[i]);
        if (st != PC_OK)
            rc = pc_cli_fail(st, "%s", pc_ctx_error(ctx));
        else if (!quiet)
            printf("plancheck: map %s (%s, %zu findings)\n", outputs[i],
                   r.plan->name ? r.plan->name : r.plan->path, r.findings.n);
    }
    pc_run_result_clear(ctx, &r);
    pc_ctx_free(ctx);
    pc_render_shutdown();
done:
    free(outputs);
    return rc;
}
