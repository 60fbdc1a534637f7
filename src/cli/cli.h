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
int ssoc_cmd_query(int argc, char **argv);
int ssoc_cmd_plot(int argc, char **argv);
int ssoc_cmd_validate(int argc, char **argv);

/// Print "ssoc: CMD: MESSAGE" (one line) to stderr and return the exit code for `err`.
int ssoc_cli_fail(const char *cmd, const ssoc_error *err);
/// Print "ssoc: CMD: MESSAGE" for a usage error (printf-style) and return SSOC_EXIT_USAGE.
int ssoc_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// Print "ssoc: CMD: unknown option 'ARG' (did you mean '--X'?)" with the closest option of
/// `own` (NULL-terminated) and of the options ssoc_cli_source_opt takes: none with `with_shared`
/// 0, all but --params and --data with 1, all with 2 (SSOC_CLI_SOURCE_PARAMS); the suggestion is left out when none is close (suggest.h). Returns SSOC_EXIT_USAGE.
int ssoc_cli_unknown_option(const char *cmd, const char *arg, const char *const *own, int with_shared);
#include "ssoc/plausible.h"
/// Check option `opt`'s value `v` of quantity `q` for plausibility (plausible.h) unless `allow`:
/// 0 if fine, else print "ssoc: CMD: option OPT: WHY; --allow-implausible ..." and return
/// SSOC_EXIT_USAGE.
int ssoc_cli_plausible(const char *cmd, const char *opt, ssoc_qty q, double v, int allow);
/// Parse a finite double from a command-line value; on failure print a usage error naming `opt`.
int ssoc_cli_parse_double(const char *cmd, const char *opt, const char *text, double *out);

/// A job for ssoc_cli_isolated: fills `out` (the caller's out_size bytes) and returns a status.
typedef ssoc_status (*ssoc_cli_job)(void *arg, void *out, ssoc_error *err);

/// Run fn(arg, out, err) in a child process and return its status, error and `out_size` bytes of
/// `out`, so that a library that dies instead of failing (PLplot with cairo and fontconfig under an
/// address-space limit: SIGSEGV, GLib's SIGTRAP) gives one error line here: "WHAT: drawing failed:
/// the renderer ... was killed by signal N (...); it said: 'LAST LINE'" plus the limit in force and
/// `need_mb`, what the job needs. The child's stderr is captured and dropped unless it crashes; it
/// is killed if ssoc dies. fn must not print to stdout and must leave files to the parent.
ssoc_status ssoc_cli_isolated(ssoc_cli_job fn, void *arg, void *out, size_t out_size, const char *what,
                              size_t need_mb, ssoc_error *err);

#include "ssoc/plot.h"

/// A picture function for ssoc_cli_draw: draws with options `po` (whose `dest` is set), may fill
/// `out` (the caller's out_size bytes, e.g. an ssoc_plot_layout), returns a status.
typedef ssoc_status (*ssoc_cli_draw_fn)(void *arg, const ssoc_plot_opts *po, void *out, ssoc_error *err);

/// Draw one picture safely: create po->output's working file (outpath.h: exclusive, locked, never
/// through a link; an existing picture only with po->force), run fn in a child process
/// (ssoc_cli_isolated) drawing into it, and publish it only when the drawing succeeded; otherwise
/// the working file is removed and an existing picture stays as it was.
ssoc_status ssoc_cli_draw(ssoc_cli_draw_fn fn, void *arg, const ssoc_plot_opts *po, void *out, size_t out_size,
                          ssoc_error *err);

/// Refuse an empty -o value (a usage error, exit 2); 0 if `path` is not empty.
int ssoc_cli_check_output_arg(const char *cmd, const char *path);

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

/// Path of the shipped 500 K AIMD data, for `--params published`'s data range: $SSOC_DATA_DIR if
/// set; else, for the binary in its build tree, the source tree's data/; else (an installed ssoc)
/// BINDIR/../share/ssoc/data beside the running binary. Static storage; never NULL.
const char *ssoc_cli_shipped_data(void);

#include "ssoc/data.h"
#include "ssoc/paramfile.h"

/// Where a command's parameters come from and how they are fitted: the options fit, predict and
/// validate share. Set by ssoc_cli_source_init and ssoc_cli_source_opt.
typedef struct ssoc_cli_source {
    const char *params_arg; ///< --params value (NULL: not given)
    const char *data_path;  ///< --data value (NULL: not given)
    double d_crit;          ///< --d-crit [angstrom] (default SSOC_D_CRIT_DEFAULT_A)
    int dcrit_set;          ///< --d-crit was given
    int nfix;               ///< --fix and --free options given
    int method_set;         ///< --method was given
    int want_boot;          ///< --boot was given
    int boot_opt;           ///< any bootstrap option was given
    const char *refit_opt;  ///< the first of --boot, --seed, --scheme given (they need data to refit), or NULL
    const char *band_opt;   ///< the first of --interval, --confidence given (they re-select a band), or NULL
    int interval_set;       ///< --interval was given
    int confidence_set;     ///< --confidence was given
    int allow_implausible;  ///< --allow-implausible: values outside plausible.h's ranges are accepted
    ssoc_fit_opts fo;       ///< fit options (--fix)
    ssoc_boot_opts bo;      ///< bootstrap options
} ssoc_cli_source;

/// ssoc_cli_source_opt's flag: also take --params P and --data CSV.
#define SSOC_CLI_SOURCE_PARAMS 1u
/// ssoc_cli_source_opt's return after printing the help: the command returns SSOC_EXIT_OK.
#define SSOC_CLI_HELP 2

/// Defaults: nothing given, d_crit SSOC_D_CRIT_DEFAULT_A, default fit and bootstrap options.
void ssoc_cli_source_init(ssoc_cli_source *s);

/// Parse argv[*i] if it is one of the shared options: -h/--help (prints `help`, then the
/// bootstrap options' help, to stdout), --fix NAME=VALUE, --free ln_A, --method joint|staged,
/// --d-crit A (> 0), the bootstrap options (ssoc_cli_boot_opt), --allow-implausible and, with
/// SSOC_CLI_SOURCE_PARAMS in `flags`, --params P and --data CSV.
/// Returns 1 if one matched, SSOC_CLI_HELP after the help, 0 if argv[*i] is something else, -1
/// after printing a usage error.
int ssoc_cli_source_opt(const char *cmd, const char *help, int argc, char **argv, int *i, ssoc_cli_source *s,
                        unsigned flags);

/// ssoc_boot_run with the progress of the replicate fits on stderr (progress.h: a bar on a
/// terminal, else a line "ssoc: CMD: bootstrap: N of B replicates ..." every SSOC_PROGRESS_INTERVAL
/// seconds).
ssoc_status ssoc_cli_boot_run(const char *cmd, const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                              const ssoc_boot_opts *bo, ssoc_boot_result **out, ssoc_error *err);

/// The --data path of predict and validate (command `cmd`): fit `d` with the source's fit options,
/// bootstrap the fit into *boot when --boot was given (ssoc_cli_boot_run), and set pf's parameters,
/// method, fixed mask and range (d's) from it.
ssoc_status ssoc_cli_source_fit(const char *cmd, const ssoc_cli_source *s, const ssoc_dataset *d, ssoc_paramfile *pf,
                                ssoc_boot_result **boot, ssoc_error *err);

/// With --params FILE: --interval and --confidence re-select the band from the file's replicate
/// table (pf->boot->opts); without them the file's own method and level stand. An interval the file
/// cannot give is refused rather than replaced: BCa without the file's jackknife table, expanded
/// without its residual_dof (SSOC_EDATA naming `params` and how to write such a file); SSOC_EINVAL
/// when the parameters carry no replicate table at all (e.g. published).
ssoc_status ssoc_cli_source_file_bands(const ssoc_cli_source *s, const char *params, ssoc_paramfile *pf,
                                       ssoc_error *err);

/// The words after a band's method when the method a file asked for is not the one used (an older
/// file that records BCa without its jackknife table): " (the file asks for bca but holds no
/// jackknife table)", or "".
const char *ssoc_cli_band_fallback(const ssoc_boot_result *boot);

#include "ssoc/sweepfile.h"

/// Parse "--T T[,T...]" (positive temperatures in K, at most `max`) into T[*n]. Prints a usage
/// error and returns SSOC_EXIT_USAGE on a bad list.
int ssoc_cli_parse_T_list(const char *cmd, const char *text, double *T, size_t max, size_t *n);

/// Map the temperatures T[n] to indices of the sweep file's grid (idx[n], sorted and without
/// duplicates into *nidx): each must be one of the file's temperatures (to 1e-6 K relative); there
/// is no interpolation. Otherwise prints "ssoc: CMD: --T 900: not a temperature of FILE (it has
/// ...); choose one of them" (with a Celsius hint when T + 273.15 is one) and returns SSOC_EXIT_USAGE.
int ssoc_cli_file_T(const char *cmd, const ssoc_sweepfile *sf, const double *T, size_t n, size_t *idx, size_t *nidx);

/// The target of `ssoc query` and `ssoc plot --sigma`: --sigma S [S/cm] a finite number > 0 and,
/// unless `allow`, plausible (plausible.h: 3 looks like mS/cm); --confidence C (NULL: 0.95) in
/// (0, 1], with a hint when it looks like a percentage. Returns -1 with *target and *conf set, or
/// SSOC_EXIT_USAGE after printing the error.
int ssoc_cli_target(const char *cmd, const char *sigma_s, const char *conf_s, int allow, double *target, double *conf);

/// Refuse, unless `allow`, a target that the file's point model does not come within
/// SSOC_REACH_FACTOR of anywhere on its grid at the temperatures its[0..n) (NULL: all of them):
/// prints "option --sigma: the model's sigma peaks at ..." and returns SSOC_EXIT_USAGE; else -1.
int ssoc_cli_target_reach(const char *cmd, const ssoc_sweepfile *sf, const size_t *its, size_t n, double target,
                          int allow);

/// Check a picture path given with option `opt` (e.g. "-o", "--parity") before any work: not empty
/// and the type from the extension (.png, .svg or .pdf; otherwise a usage error, SSOC_EXIT_USAGE),
/// then ssoc_outpath_check (outpath.h: not a directory, device or link, a writable directory, an
/// existing picture refused without `force`; SSOC_EXIT_RUNTIME). Returns SSOC_EXIT_OK or the exit
/// code after printing the error.
int ssoc_cli_picture_check(const char *cmd, const char *opt, const char *path, int force);

#include "ssoc/fit.h"
#include "ssoc/validate.h"

/// `ssoc fit --parity PATH`: the parity plot of the fitted data `d` under `fit` (with the
/// confidence band of the mean model at each point when `boot` is given). src/cli/parity.c.
ssoc_status ssoc_cli_parity_fit(const char *path, int force, const ssoc_dataset *d, const ssoc_fit_result *fit,
                                const ssoc_boot_result *boot, ssoc_error *err);

/// `ssoc validate --parity PATH`: the held-out observations of `rep` (table `ext`; regime from its
/// `regime` or `d_max` column when present, PCC below `d_crit`) filled, over the training data
/// open: `train`, or else the parameter file's data file when it is still there unchanged (same
/// SHA-256), or none (the subtitle says why). `params` words where the parameters come from;
/// bands from `boot` (NULL: none). src/cli/parity.c.
ssoc_status ssoc_cli_parity_validate(const char *path, int force, const ssoc_validate_report *rep, const ssoc_csv *ext,
                                     const char *params, const ssoc_paramfile *pf, const ssoc_dataset *train,
                                     const ssoc_boot_result *boot, double d_crit, ssoc_error *err);

#endif
