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

struct pc_plan;
struct pc_run_opts;
/* Runs a plan (loaded from opts->plan_path when plan is NULL, else taken
 * over), prints the summary and returns the exit code. */
int pc_cli_run_plan(struct pc_plan *plan, struct pc_run_opts *opts, int quiet,
                    int as_json);

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
