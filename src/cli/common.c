#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ssoc/progress.h"
#include "ssoc/suggest.h"

int ssoc_cli_fail(const char *cmd, const ssoc_error *err)
{
    fprintf(stderr, "ssoc: %s: %s\n", cmd, err->msg[0] ? err->msg : ssoc_status_str(err->code));
    switch (err->code) {
    case SSOC_OK:
        return SSOC_EXIT_OK;
    case SSOC_EINVAL:
        return SSOC_EXIT_USAGE;
    case SSOC_EVERIFY:
        return SSOC_EXIT_VERIFY;
    case SSOC_EINTERRUPTED:
        return SSOC_EXIT_INTERRUPTED;
    default:
        return SSOC_EXIT_RUNTIME;
    }
}

int ssoc_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ssoc: %s: %s (see 'ssoc %s --help')\n", cmd, buf, cmd);
    return SSOC_EXIT_USAGE;
}

int ssoc_cli_check_output_arg(const char *cmd, const char *path)
{
    if (path && !path[0])
        return ssoc_cli_usage_error(cmd, "option -o: the file name is empty");
    return 0;
}

/* the options ssoc_cli_source_opt takes (fit, predict and validate) */
static const char *const shared_opts[] = {"--help", "--params", "--data", "--d-crit", "--fix", "--boot", "--seed",
                                          "--confidence", "--interval", "--scheme", "--allow-implausible"};

int ssoc_cli_unknown_option(const char *cmd, const char *arg, const char *const *own, int with_shared)
{
    const char *cands[64];
    size_t n = 0;
    for (size_t i = 0; own && own[i] && n < 32; ++i)
        cands[n++] = own[i];
    for (size_t i = 0; with_shared && i < sizeof shared_opts / sizeof shared_opts[0]; ++i)
        if (with_shared > 1 || (strcmp(shared_opts[i], "--params") && strcmp(shared_opts[i], "--data")))
            cands[n++] = shared_opts[i];
    char word[128], msg[512];
    snprintf(word, sizeof word, "%s", arg);
    char *eq = strchr(word, '=');
    if (eq)
        *eq = '\0';
    snprintf(msg, sizeof msg, "unknown option '%s'", arg);
    ssoc_suggest_append(msg, sizeof msg, word, cands, n);
    return ssoc_cli_usage_error(cmd, "%s", msg);
}

int ssoc_cli_plausible(const char *cmd, const char *opt, ssoc_qty q, double v, int allow)
{
    char why[400];
    if (allow || ssoc_plausible_check(q, v, why, sizeof why))
        return 0;
    return ssoc_cli_usage_error(cmd, "option %s: %s; --allow-implausible for a deliberate out-of-range study", opt, why);
}

int ssoc_cli_parse_double(const char *cmd, const char *opt, const char *text, double *out)
{
    if (!text)
        return ssoc_cli_usage_error(cmd, "option %s needs a value", opt);
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return ssoc_cli_usage_error(cmd, "option %s: '%s' is not a finite number", opt, text);
    *out = v;
    return SSOC_EXIT_OK;
}

#include <string.h>

int ssoc_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        ssoc_cli_usage_error(cmd, "option %s needs a value", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

static int parse_count(const char *cmd, const char *opt, const char *text, double lo, double hi, double *out)
{
    double v = 0.0;
    if (ssoc_cli_parse_double(cmd, opt, text, &v) != SSOC_EXIT_OK)
        return -1;
    if (v != floor(v) || v < lo || v > hi) {
        ssoc_cli_usage_error(cmd, "option %s: '%s' must be a whole number from %.0f to %.0f", opt, text, lo, hi);
        return -1;
    }
    *out = v;
    return 1;
}

const char ssoc_cli_boot_help[] =
    "bootstrap options:\n"
    "  --boot B           bootstrap B replicates of the fit (e.g. 1000; B >= 2); each replicate is refitted\n"
    "  --seed S           random seed (default 20260522); replicate b depends only on (S, b)\n"
    "  --confidence C     band confidence level in (0, 1) (default 0.95)\n"
    "  --interval M       expanded (default: the percentile band widened for the small-sample spread of the\n"
    "                     residuals, docs/UNCERTAINTY.md), percentile, or bca (bias-corrected and accelerated)\n"
    "  --scheme M         residual (default: add resampled leverage-adjusted residual pairs of the fit to its\n"
    "                     fitted values), stratified (resample PCC and SCC points separately) or case\n"
    "input checks:\n"
    "  --allow-implausible  accept values outside the plausible ranges (rho 1-3 g/cm3, T 230-1500 K,\n"
    "                     sigma 1e-10-1 S/cm, D_hop 1e-10-1e-2 cm2/s; README 'Plausible inputs and units')\n"
    "                     for a deliberate out-of-range study; without it such values are refused as\n"
    "                     likely unit mistakes (kg/m3, Celsius, mS/cm, m2/s). CSV headers may carry units:\n"
    "                     'rho [kg/m3]', 'T [C]', 'sigma [mS/cm]', 'D_hop [m2/s]' are converted\n";

int ssoc_cli_boot_opt(const char *cmd, int argc, char **argv, int *i, ssoc_boot_opts *o, int *boot_requested)
{
    const char *v = NULL;
    int m;
    double d = 0.0;
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--boot", &v)) != 0) {
        if (m < 0 || parse_count(cmd, "--boot", v, 2, 1e8, &d) < 0)
            return -1;
        o->B = (size_t)d;
        *boot_requested = 1;
        return 1;
    }
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--seed", &v)) != 0) {
        if (m < 0 || parse_count(cmd, "--seed", v, 0, 9007199254740992.0, &d) < 0)
            return -1;
        o->seed = (uint64_t)d;
        return 1;
    }
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--confidence", &v)) != 0) {
        if (m < 0 || ssoc_cli_parse_double(cmd, "--confidence", v, &d) != SSOC_EXIT_OK)
            return -1;
        if (!(d > 0.0 && d < 1.0)) {
            ssoc_cli_usage_error(cmd, "option --confidence: '%s' must lie strictly between 0 and 1", v);
            return -1;
        }
        o->confidence = d;
        return 1;
    }
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--interval", &v)) != 0) {
        if (m < 0)
            return -1;
        if (ssoc_ci_method_parse(v, &o->interval)) {
            ssoc_cli_usage_error(cmd, "option --interval: '%s' is not expanded, percentile or bca", v);
            return -1;
        }
        return 1;
    }
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--scheme", &v)) != 0) {
        if (m < 0)
            return -1;
        if (ssoc_boot_scheme_parse(v, &o->scheme)) {
            ssoc_cli_usage_error(cmd, "option --scheme: '%s' is not residual, stratified or case", v);
            return -1;
        }
        return 1;
    }
    return 0;
}

const char *ssoc_cli_shipped_data(void)
{
    /* the path in a buffer sized to it: a fixed one would cut a long directory and name another
     * file (issue 14) */
    static char *buf;
    static const char file[] = "kim2026_lps_aimd_500K.csv";
    const char *dir = getenv("SSOC_DATA_DIR"), *rel = "";
    /* The binary's own directory: the build tree's binary reads the source tree's data/; any
     * other (installed, or its prefix moved or copied elsewhere) reads BINDIR/../share/ssoc/data,
     * and never the source tree, which may be gone. */
    char exe[4096];
    if (!dir || !*dir) {
        dir = SSOC_SOURCE_DATA_DIR;
        const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        char *slash = n > 0 && (size_t)n < sizeof exe - 1 ? memchr(exe, '/', (size_t)n) : NULL;
        if (slash) {
            exe[n] = '\0';
            *strrchr(exe, '/') = '\0';
            if (strcmp(exe, SSOC_BUILD_BINDIR) != 0)
                dir = exe, rel = "/" SSOC_REL_DATA_DIR;
        }
    }
    const size_t len = strlen(dir) + strlen(rel) + sizeof file + 1;
    free(buf);
    if (!(buf = malloc(len)))
        return SSOC_SOURCE_DATA_DIR "/kim2026_lps_aimd_500K.csv"; /* out of memory: the build's own */
    snprintf(buf, len, "%s%s/%s", dir, rel, file);
    return buf;
}

int ssoc_cli_fix_opt(const char *cmd, int argc, char **argv, int *i, ssoc_fit_opts *fo, int *nfix)
{
    const char *v = NULL;
    int m = ssoc_cli_opt(cmd, argc, argv, i, "--fix", &v);
    if (m <= 0)
        return m;
    const char *eq = strchr(v, '=');
    if (!eq || eq == v) {
        ssoc_cli_usage_error(cmd, "option --fix: '%s' is not NAME=VALUE", v);
        return -1;
    }
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
    double val = 0.0;
    if (ssoc_cli_parse_double(cmd, "--fix", eq + 1, &val) != SSOC_EXIT_OK)
        return -1;
    ssoc_error err;
    if (ssoc_fit_opts_fix(fo, name, val, &err) != SSOC_OK) {
        ssoc_cli_usage_error(cmd, "option --fix: %s", err.msg);
        return -1;
    }
    if (nfix)
        (*nfix)++;
    return 1;
}

void ssoc_cli_source_init(ssoc_cli_source *s)
{
    memset(s, 0, sizeof *s);
    s->d_crit = SSOC_D_CRIT_DEFAULT_A;
    ssoc_fit_opts_default(&s->fo);
    ssoc_boot_opts_default(&s->bo);
}

int ssoc_cli_source_opt(const char *cmd, const char *help, int argc, char **argv, int *i, ssoc_cli_source *s,
                        unsigned flags)
{
    const char *a = argv[*i], *v = NULL;
    int m;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
        fputs(help, stdout);
        fputs(ssoc_cli_boot_help, stdout);
        return SSOC_CLI_HELP;
    }
    if ((flags & SSOC_CLI_SOURCE_PARAMS) && (m = ssoc_cli_opt(cmd, argc, argv, i, "--params", &v)) != 0) {
        if (m > 0)
            s->params_arg = v;
        return m;
    }
    if ((flags & SSOC_CLI_SOURCE_PARAMS) && (m = ssoc_cli_opt(cmd, argc, argv, i, "--data", &v)) != 0) {
        if (m > 0)
            s->data_path = v;
        return m;
    }
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--d-crit", &v)) != 0) {
        if (m < 0 || ssoc_cli_parse_double(cmd, "--d-crit", v, &s->d_crit) != SSOC_EXIT_OK)
            return -1;
        if (!(s->d_crit > 0)) {
            ssoc_cli_usage_error(cmd, "option --d-crit: '%s' must be > 0 angstrom", v);
            return -1;
        }
        s->dcrit_set = 1;
        return 1;
    }
    if (!strcmp(a, "--allow-implausible")) {
        s->allow_implausible = 1;
        return 1;
    }
    if ((m = ssoc_cli_fix_opt(cmd, argc, argv, i, &s->fo, &s->nfix)) != 0)
        return m;
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--free", &v)) != 0) {
        ssoc_error e;
        if (m < 0)
            return -1;
        if (strcmp(v, "ln_A") != 0) {
            ssoc_cli_usage_error(cmd, "option --free: '%s': only ln_A can be freed (the other parameters are free "
                                      "unless fixed)", v);
            return -1;
        }
        if (ssoc_fit_opts_free(&s->fo, v, &e) != SSOC_OK) {
            ssoc_cli_usage_error(cmd, "option --free: %s", e.msg);
            return -1;
        }
        s->nfix++; /* like --fix: it shapes a fit, so it needs data to fit */
        return 1;
    }
    if ((m = ssoc_cli_opt(cmd, argc, argv, i, "--method", &v)) != 0) {
        if (m < 0)
            return -1;
        if (ssoc_fit_method_parse(v, &s->fo.method)) {
            ssoc_cli_usage_error(cmd, "option --method: '%s' is not joint or staged", v);
            return -1;
        }
        s->method_set = 1;
        return 1;
    }
    if ((m = ssoc_cli_boot_opt(cmd, argc, argv, i, &s->bo, &s->want_boot)) != 0) {
        static const char *const names[] = {"--interval", "--confidence", "--boot", "--seed", "--scheme"};
        for (int k = 0; m > 0 && k < 5; ++k) {
            const size_t len = strlen(names[k]);
            if (strncmp(a, names[k], len) || (a[len] != '\0' && a[len] != '='))
                continue;
            s->interval_set |= k == 0;
            s->confidence_set |= k == 1;
            if (k < 2 && !s->band_opt)
                s->band_opt = names[k];
            if (k >= 2 && !s->refit_opt)
                s->refit_opt = names[k];
        }
        s->boot_opt |= m > 0;
        return m;
    }
    return 0;
}

ssoc_status ssoc_cli_boot_run(const char *cmd, const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                              const ssoc_boot_opts *bo, ssoc_boot_result **out, ssoc_error *err)
{
    static const char *const name[1] = {"bootstrap"}, *const unit[1] = {"replicates"};
    const double est = SSOC_BOOT_NOMINAL_S * (double)bo->B / omp_get_max_threads();
    ssoc_progress pg;
    ssoc_progress_start(&pg, cmd, 1, 0, 1, name, unit, &est, NULL);
    ssoc_progress_phase(&pg, 0, bo->B);
    const ssoc_monitor mon = ssoc_progress_monitor(&pg);
    ssoc_boot_opts o = *bo;
    o.monitor = &mon;
    const ssoc_status st = ssoc_boot_run(d, fo, point, &o, out, err);
    ssoc_progress_end(&pg);
    return st;
}

ssoc_status ssoc_cli_source_file_bands(const ssoc_cli_source *s, const char *params, ssoc_paramfile *pf,
                                       ssoc_error *err)
{
    if (!s->band_opt)
        return SSOC_OK;
    ssoc_boot_result *boot = pf->boot;
    if (!boot)
        return SSOC_ERR(err, SSOC_EINVAL,
                        "%s: the parameters '%s' have no bootstrap table to take a band from (fit with --boot B -o "
                        "FILE.json, or use --data CSV --boot B)",
                        s->band_opt, params);
    const ssoc_ci_method was = boot->opts.interval;
    if (s->interval_set)
        boot->opts.interval = s->bo.interval;
    if (s->confidence_set)
        boot->opts.confidence = s->bo.confidence;
    /* the file's own method may fall back (ssoc_cli_band_fallback says so); one asked for may not */
    if (!s->interval_set || ssoc_boot_band_method(boot) == boot->opts.interval)
        return SSOC_OK;
    if (boot->opts.interval == SSOC_CI_BCA)
        return SSOC_ERR(err, SSOC_EDATA,
                        "%s holds no jackknife table, which a BCa band needs (it was written with --interval %s); "
                        "write one with 'ssoc fit DATA.csv --boot B --interval bca -o FILE.json'",
                        params, ssoc_ci_method_name(was));
    return SSOC_ERR(err, SSOC_EDATA,
                    "%s records no residual_dof, which the expanded interval needs (an older file); write a new one "
                    "with 'ssoc fit DATA.csv --boot B -o FILE.json'",
                    params);
}

const char *ssoc_cli_band_fallback(const ssoc_boot_result *boot)
{
    if (ssoc_boot_band_method(boot) == boot->opts.interval)
        return "";
    return boot->opts.interval == SSOC_CI_BCA ? " (the file asks for bca but holds no jackknife table)"
                                              : " (the file asks for expanded but records no residual_dof)";
}

ssoc_status ssoc_cli_source_fit(const char *cmd, const ssoc_cli_source *s, const ssoc_dataset *d, ssoc_paramfile *pf,
                                ssoc_boot_result **boot, ssoc_error *err)
{
    ssoc_fit_result fit;
    ssoc_status st;
    if ((st = ssoc_fit_run(d, &s->fo, &fit, err)) != SSOC_OK)
        return st;
    if (s->want_boot && (st = ssoc_cli_boot_run(cmd, d, &s->fo, &fit.params, &s->bo, boot, err)) != SSOC_OK)
        return st;
    pf->params = fit.params;
    pf->method = fit.method;
    pf->fixed_mask = fit.fixed_mask;
    ssoc_dataset_range(d, &pf->range);
    pf->has_range = 1;
    return SSOC_OK;
}

int ssoc_cli_parse_T_list(const char *cmd, const char *text, double *T, size_t max, size_t *n)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    *n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n >= max)
            return ssoc_cli_usage_error(cmd, "--T: at most %zu temperatures", max);
        char *end;
        errno = 0;
        double v = strtod(tok, &end);
        while (*end == ' ')
            ++end;
        if (end == tok || *end || errno == ERANGE || !isfinite(v) || v <= 0)
            return ssoc_cli_usage_error(cmd, "--T: '%s' is not a positive temperature in K", tok);
        T[(*n)++] = v;
    }
    if (*n == 0)
        return ssoc_cli_usage_error(cmd, "--T needs at least one temperature");
    return SSOC_EXIT_OK;
}

/* index of the file temperature equal to T (to 1e-6 relative), or -1 */
static long file_T_index(const ssoc_sweepfile *sf, double T)
{
    for (size_t i = 0; i < sf->nT; ++i)
        if (fabs(sf->T_K[i] - T) <= 1e-6 * sf->T_K[i])
            return (long)i;
    return -1;
}

static int cmp_size(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int ssoc_cli_file_T(const char *cmd, const ssoc_sweepfile *sf, const double *T, size_t n, size_t *idx, size_t *nidx)
{
    *nidx = 0;
    for (size_t k = 0; k < n; ++k) {
        const long i = file_T_index(sf, T[k]);
        if (i >= 0) {
            idx[(*nidx)++] = (size_t)i;
            continue;
        }
        char list[400] = "", hint[160] = "";
        for (size_t j = 0; j < sf->nT; ++j) {
            if (j == 8 && sf->nT > 10) {
                snprintf(list + strlen(list), sizeof list - strlen(list), ", ..., %g (%zu in all)",
                         sf->T_K[sf->nT - 1], sf->nT);
                break;
            }
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%g", j ? ", " : "", sf->T_K[j]);
        }
        /* 227 typed for 500 K: the nearest file temperature within half a kelvin of T + 273.15 */
        const size_t c = ssoc_sweepfile_nearest_T(sf, T[k] + 273.15);
        if (fabs(sf->T_K[c] - (T[k] + 273.15)) <= 0.5)
            snprintf(hint, sizeof hint, " (degrees Celsius? %g C = %.6g K: use --T %g)", T[k], T[k] + 273.15,
                     sf->T_K[c]);
        fprintf(stderr, "ssoc: %s: --T %g: not a temperature of %s%s; it has T = %s K (no interpolation: choose one of them)\n",
                cmd, T[k], sf->path, hint, list);
        return SSOC_EXIT_USAGE;
    }
    qsort(idx, *nidx, sizeof *idx, cmp_size);
    size_t m = 0;
    for (size_t k = 0; k < *nidx; ++k)
        if (m == 0 || idx[k] != idx[m - 1])
            idx[m++] = idx[k];
    *nidx = m;
    return SSOC_EXIT_OK;
}

/* ------------------------------------------------------------------ a target conductivity (query, plot) */

int ssoc_cli_target(const char *cmd, const char *sigma_s, const char *conf_s, int allow, double *target, double *conf)
{
    if (ssoc_cli_parse_double(cmd, "--sigma", sigma_s, target) != SSOC_EXIT_OK)
        return SSOC_EXIT_USAGE;
    if (!(*target > 0))
        return ssoc_cli_usage_error(cmd, "option --sigma: %g is not a positive conductivity in S/cm", *target);
    if (ssoc_cli_plausible(cmd, "--sigma", SSOC_QTY_SIGMA, *target, allow))
        return SSOC_EXIT_USAGE;
    *conf = 0.95;
    if (conf_s && ssoc_cli_parse_double(cmd, "--confidence", conf_s, conf) != SSOC_EXIT_OK)
        return SSOC_EXIT_USAGE;
    if (*conf > 1 && *conf <= 100)
        return ssoc_cli_usage_error(cmd, "option --confidence: %g is not in (0, 1]: it looks like a percentage "
                                    "(use --confidence %g)", *conf, *conf / 100);
    if (!(*conf > 0 && *conf <= 1))
        return ssoc_cli_usage_error(cmd, "option --confidence: %g is not in (0, 1]", *conf);
    return -1;
}

/* A target the point model comes nowhere near at the asked temperatures is a unit mistake, or a
 * question whose answer is "nowhere" for every replicate: refused like the sweep's [target]. */
int ssoc_cli_target_reach(const char *cmd, const ssoc_sweepfile *sf, const size_t *its, size_t n, double target,
                          int allow)
{
    double T[256]; /* the reach is sampled on at most 48 temperatures anyway */
    if (n > 256)
        n = 256;
    for (size_t k = 0; its && k < n; ++k)
        T[k] = sf->T_K[its[k]];
    char why[600];
    if (allow || ssoc_plausible_target_reach(&sf->best, sf->x, sf->nx, sf->rho_g_cm3, sf->nrho, its ? T : sf->T_K,
                                             its ? n : sf->nT, target, why, sizeof why))
        return -1;
    return ssoc_cli_usage_error(cmd, "option --sigma: %s; --allow-implausible to ask anyway", why);
}

