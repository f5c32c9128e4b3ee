/* main.c: CLI stage: `plancheck <command> ...` dispatch, --help, --version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plancheck/units.h"

const char pc_exit_codes_help[] =
    "Exit codes:\n"
    "  0  ran, no finding at or above the fail level\n"
    "  1  ran, findings at or above the fail level (--fail-on)\n"
    "  2  usage error (bad command line or option value)\n"
    "  3  input error (missing/unreadable file, layer or field; bad plan file)\n"
    "  4  CRS error (no CRS, unknown CRS, reprojection failed)\n"
    "  5  output error (exists without --overwrite, not writable, write failed)\n"
    "  6  internal error\n";

static void print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: plancheck <command> [options] ...\n"
            "\n"
            "Checks land-use plan data (zones, parcels) against the plan:\n"
            "measured areas against declared 亩/公顷/km² figures, written as\n"
            "findings into a GeoPackage.\n"
            "\n"
            "Commands:\n"
            "  info <source>       layers, geometry type, count, CRS, extent,\n"
            "                      fields and total area of a vector source\n"
            "  run <plan.yaml>     the whole check of a plan file\n"
            "  check <rule> <src>  one spatial rule on files (validity, overlap,\n"
            "                      duplicates, overlap-between, containment,\n"
            "                      gaps, slivers)\n"
            "  render <plan.yaml>  a map of the plan and its findings (PNG, SVG)\n"
            "\n"
            "Options for every command: -h/--help, --version, -q/--quiet, --json\n"
            "Run `plancheck <command> --help` for the command's options.\n"
            "\n%s",
            pc_exit_codes_help);
}

void pc_cli_print_version(FILE *fp)
{
    fprintf(fp, "plancheck %s (%s)\n", PC_VERSION, pc_library_versions());
}

int pc_cli_fail(int status, const char *fmt, ...)
{
    va_list ap;
    fputs("plancheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

int pc_cli_usage(const char *command, const char *fmt, ...)
{
    va_list ap;
    fputs("plancheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see `plancheck %s--help`)\n", command ? command : "");
    return PC_ERR_USAGE;
}

void pc_cli_format_area(double m2, char *buf, size_t n)
{
    snprintf(buf, n, "%.2f m2 = %.4f 公顷 = %.4f 亩", m2,
             pc_unit_from_m2(m2, PC_UNIT_HA), pc_unit_from_m2(m2, PC_UNIT_MU));
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return pc_cli_usage(NULL, "no command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        print_help(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        pc_cli_print_version(stdout);
        return 0;
    }
    if (!strcmp(cmd, "info"))
        return pc_cmd_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "run"))
        return pc_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return pc_cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "render"))
        return pc_cmd_render(argc - 1, argv + 1);
    return pc_cli_usage(NULL, "unknown command '%s'", cmd);
}
