/* Shared pieces of the ssoc command-line front end. */
#ifndef SSOC_CLI_H
#define SSOC_CLI_H

#include "ssoc/error.h"

enum {
    SSOC_EXIT_OK = 0,
    SSOC_EXIT_RUNTIME = 1,
    SSOC_EXIT_USAGE = 2,
    SSOC_EXIT_VERIFY = 3,
    SSOC_EXIT_INTERRUPTED = 4, ///< stopped by SIGTERM/SIGUSR1; rerun with --resume
};

typedef struct ssoc_cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); ///< argv[0] is the command name
} ssoc_cli_command;

int ssoc_cmd_fit(int argc, char **argv);
int ssoc_cmd_predict(int argc, char **argv);
int ssoc_cmd_sweep(int argc, char **argv);
int ssoc_cmd_rules(int argc, char **argv);
int ssoc_cmd_plot(int argc, char **argv);
int ssoc_cmd_validate(int argc, char **argv);

/// Print "ssoc: CMD: MESSAGE" (one line) to stderr and return the exit code for `err`.
int ssoc_cli_fail(const char *cmd, const ssoc_error *err);
/// Print "ssoc: CMD: MESSAGE" for a usage error (printf-style) and return SSOC_EXIT_USAGE.
int ssoc_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// Parse a finite double from a command-line value; on failure print a usage error naming `opt`.
int ssoc_cli_parse_double(const char *cmd, const char *opt, const char *text, double *out);

#endif

#include "ssoc/boot.h"

/// Match option `name` at argv[*i], as "--name VALUE" or "--name=VALUE". Returns 1 and sets
/// *value (advancing *i past a separate value) on a match, 0 if argv[*i] is another option, and
/// -1 after printing a usage error when the value is missing.
int ssoc_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value);

/// Parse the shared bootstrap options (--boot B, --seed S, --confidence C, --interval
/// percentile|bca, --scheme stratified|case) at argv[*i]. Returns 1 if one matched (sets
/// *boot_requested for --boot), 0 if not a bootstrap option, -1 after a usage error.
int ssoc_cli_boot_opt(const char *cmd, int argc, char **argv, int *i, ssoc_boot_opts *o, int *boot_requested);

/// Parse "--fix NAME=VALUE" at argv[*i] into `fo` (counting in *nfix if not NULL). Returns 1 on a
/// match, 0 if argv[*i] is another option, -1 after printing a usage error.
int ssoc_cli_fix_opt(const char *cmd, int argc, char **argv, int *i, ssoc_fit_opts *fo, int *nfix);

/// Help text of the bootstrap options, for the commands that take them.
extern const char ssoc_cli_boot_help[];

/// Directory of the shipped data (compiled in), for `--params published`'s data range.
const char *ssoc_cli_shipped_data(void);
