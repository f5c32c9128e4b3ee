/* cli.h: the command-line front end: option parsing and printing only;
 * the work is done by library calls. */
#ifndef PC_CLI_H
#define PC_CLI_H

#include <stdio.h>

#include "plancheck/plancheck.h"

/* Each command returns the process exit code (README "Exit codes"). */
int pc_cmd_info(int argc, char **argv);
int pc_cmd_run(int argc, char **argv);
int pc_cmd_check(int argc, char **argv);
int pc_cmd_render(int argc, char **argv);

/* The --report / --junit files of a run, in the order given. */
#define PC_CLI_MAX_REPORTS 16
typedef struct pc_cli_reports {
    const char *path[PC_CLI_MAX_REPORTS];
    int format[PC_CLI_MAX_REPORTS]; /* pc_report_format */
    size_t n;
} pc_cli_reports;

/* Adds a report file: its format is `format`, or with -1 the one its
 * extension names. Returns 0, or the usage exit code (2, message
 * printed) for an unknown extension or too many reports. */
int pc_cli_add_report(pc_cli_reports *reports, const char *command,
                      const char *option, const char *path, int format);

struct pc_plan;
struct pc_run_opts;
/* Runs a plan (loaded from opts->plan_path when plan is NULL, else taken
 * over), writes the reports (checked before the run), prints the summary
 * and returns the exit code. reports may be NULL. */
int pc_cli_run_plan(struct pc_plan *plan, struct pc_run_opts *opts, int quiet,
                    int as_json, const pc_cli_reports *reports);

/* Prints "plancheck: <msg>" on stderr (one line) and returns status. */
int pc_cli_fail(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A usage error: the message plus a hint to --help; returns 2. */
int pc_cli_usage(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pc_cli_print_version(FILE *fp);
/* Area in m² as "1234.56 m2 = 0.1235 公顷 = 1.8518 亩". */
void pc_cli_format_area(double m2, char *buf, size_t n);

extern const char pc_exit_codes_help[];

#endif
