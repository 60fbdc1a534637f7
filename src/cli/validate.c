/* ssoc validate: confront fitted parameters with external data and say how far they transfer.
 * Three steps: the arguments (parse_args), the parameters and the report (load_params, then
 * ssoc_validate_run_ex), the output (print_json, print_csv, print_table, the parity plot). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/plausible.h"
#include "cli.h"
#include "json.h"
#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"
#include "ssoc/paramfile.h"
#include "ssoc/validate.h"
#include "ssoc/version.h"

static const char help[] =
    "usage: ssoc validate DATA.csv [--params published|FILE.json [--interval M] [--confidence C] |\n"
    "                     --data FIT.csv [--fix NAME=VALUE]... [--d-crit A] [--boot B ...]] [--json | --csv]\n"
    "                     [--parity P.png [--force]]\n"
    "\n"
    "Confront the model with data it was not fitted to. For every observation: the predicted sigma, with a\n"
    "bootstrap its confidence band of the mean model and its prediction band for a new MD run (the natural\n"
    "test: a held-out MD result should fall inside its prediction band), the ratio predicted/observed, the\n"
    "log10 error, the extrapolation flags (x, v_f or T outside the data the parameters were fitted to) and\n"
    "the model's apparent activation energy Ea = -k_B d ln(sigma)/d(1/T) (= E0 - alpha_E v_f) next to the\n"
    "observed one. Then r and RMSE of log10 sigma, mean and median ratio, the worst point, observations inside\n"
    "the bands, the mean observed-minus-model Ea, and a one-sentence conclusion that claims nothing the data\n"
    "did not test (with fitted data at one temperature the model's Ea rests on the assumed attempt frequency\n"
    "k_B T/h). Agreement means a median ratio within a factor of 1.5.\n"
    "\n"
    "DATA.csv columns (by header name, extra columns ignored, '#' lines are comments):\n"
    "  x, rho [g/cm3], T [K], sigma [S/cm], and optionally Ea [eV] (an empty Ea field means not given)\n"
    "\n"
    "options:\n"
    "  --params P         'published' (the SSOC paper's set; range of the shipped 500 K AIMD data) or a parameter\n"
    "                     file from 'ssoc fit -o' (its bootstrap table, if any, gives the bands, by the interval\n"
    "                     it records; --interval and --confidence re-select from the table). Default: published\n"
    "  --data FIT.csv     instead, fit the parameters to FIT.csv and flag against its range\n"
    "  --method M         with --data: the estimator, joint (default) or staged (see 'ssoc fit --help')\n"
    "  --fix NAME=VALUE   with --data: hold a parameter fixed; repeatable\n"
    "  --d-crit A         with --data: PCC threshold on d_max [angstrom] (default 6.0)\n"
    "  --json             machine-readable report (full precision)\n"
    "  --csv              one CSV row per observation, with a header row\n"
    "  --parity P.png     also draw the parity plot: these observations (filled) over the data the parameters\n"
    "                     were fitted to (open; from --data, the shipped data for 'published', or the parameter\n"
    "                     file's data file if unchanged), 1:1 and factor-2 lines, PCC/SCC by symbol where a\n"
    "                     regime or d_max column says, the worst point of each set labelled; .png, .svg or .pdf\n"
    "  --force            replace the picture if it exists (never overwritten otherwise)\n"
    "  -h, --help         this text\n"
    "the bootstrap options below apply with --data and give the bands\n\n";

static cJSON *num(double v) { return ssoc_json_number(v); }

/* ------------------------------------------------------------------ arguments */

typedef struct validate_args {
    const char *ext_path;  /* the external data */
    const char *parity;    /* --parity picture, or NULL */
    int json, csv, force;
    ssoc_cli_source src;
} validate_args;

enum { PARSE_GO = -1 }; /* parse_args: carry on (any other value is the exit code) */

static int check_args(const char *cmd, validate_args *a)
{
    const ssoc_cli_source *s = &a->src;
    const char *fit_path = s->data_path;
    if (!a->ext_path)
        return ssoc_cli_usage_error(cmd, "missing DATA.csv (the external data to validate against)");
    if (a->json && a->csv)
        return ssoc_cli_usage_error(cmd, "--json and --csv exclude each other");
    if (s->params_arg && fit_path)
        return ssoc_cli_usage_error(cmd, "--params and --data exclude each other (parameters come from one of them)");
    if (s->refit_opt && !fit_path)
        return ssoc_cli_usage_error(cmd, "bootstrap options need --data FIT.csv (a parameter file brings its own "
                                         "replicate table)");
    if (s->band_opt && fit_path && !s->want_boot)
        return ssoc_cli_usage_error(cmd, "%s selects a band: add --boot B", s->band_opt);
    if ((s->nfix || s->dcrit_set || s->method_set) && !fit_path)
        return ssoc_cli_usage_error(cmd, "--fix, --method and --d-crit apply only when fitting --data FIT.csv");
    if (!fit_path && !s->params_arg)
        a->src.params_arg = "published";
    int m;
    if (a->parity && (m = ssoc_cli_picture_check(cmd, "--parity", a->parity, a->force)) != SSOC_EXIT_OK)
        return m;
    return PARSE_GO;
}

static int parse_args(const char *cmd, int argc, char **argv, validate_args *a)
{
    const char *v;
    int m;
    memset(a, 0, sizeof *a);
    ssoc_cli_source_init(&a->src);
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if ((m = ssoc_cli_source_opt(cmd, help, argc, argv, &i, &a->src, SSOC_CLI_SOURCE_PARAMS)) != 0) {
            if (m < 0 || m == SSOC_CLI_HELP)
                return m < 0 ? SSOC_EXIT_USAGE : SSOC_EXIT_OK;
        } else if (!strcmp(arg, "--json")) {
            a->json = 1;
        } else if (!strcmp(arg, "--csv")) {
            a->csv = 1;
        } else if (!strcmp(arg, "--force")) {
            a->force = 1;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--parity", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            a->parity = v;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            static const char *const own[] = {"--json", "--csv", "--parity", "--force", NULL};
            return ssoc_cli_unknown_option(cmd, arg, own, 2);
        } else if (a->ext_path) {
            return ssoc_cli_usage_error(cmd, "one external data file expected, got '%s' and '%s'", a->ext_path, arg);
        } else {
            a->ext_path = arg;
        }
    }
    return check_args(cmd, a);
}

/* ------------------------------------------------------------------ parameters */

/* Where the parameters come from, once loaded. */
typedef struct source {
    ssoc_paramfile pf;
    ssoc_dataset *d;              /* the fitted data when known here (--data, published) */
    ssoc_boot_result *boot;       /* a bootstrap refitted here (--data --boot) */
    const char *name;             /* --data path, "published" or the parameter file */
    const char *kind;             /* "fit", "published" or "file" */
    const char *range_path;       /* the data file the range comes from, or NULL */
    const char *fit_sha256;       /* SHA-256 of the fitted data file ("" unknown) */
} source;

static const ssoc_boot_result *source_boot(const source *p) { return p->boot ? p->boot : p->pf.boot; }

static ssoc_status load_params(const validate_args *a, source *p, ssoc_error *err)
{
    const ssoc_cli_source *s = &a->src;
    const char *params = s->params_arg, *fit_path = s->data_path;
    ssoc_status st;
    p->name = fit_path;
    p->kind = "fit";
    p->fit_sha256 = "";
    if (fit_path || !strcmp(params, "published")) {
        p->range_path = fit_path ? fit_path : ssoc_cli_shipped_data();
        if ((st = ssoc_data_read_csv_ex(p->range_path, s->d_crit, s->allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u,
                                        &p->d, err)) != SSOC_OK)
            return st;
        p->fit_sha256 = p->d->sha256;
    }
    if (fit_path)
        return ssoc_cli_source_fit("validate", s, p->d, &p->pf, &p->boot, err);
    if (!strcmp(params, "published")) {
        ssoc_data_range range;
        ssoc_dataset_range(p->d, &range);
        ssoc_paramfile_published(&p->pf, &range);
        p->name = p->kind = "published";
    } else {
        if ((st = ssoc_paramfile_read(params, &p->pf, err)) != SSOC_OK)
            return st;
        p->name = params;
        p->kind = "file";
        p->range_path = p->pf.has_range && p->pf.data_path[0] ? p->pf.data_path : NULL;
        p->fit_sha256 = p->pf.data_sha256;
    }
    return ssoc_cli_source_file_bands(s, params, &p->pf, err);
}

/* ------------------------------------------------------------------ output */

/* where an observation is: its line in the file and its (x, rho, T) */
static void json_where(cJSON *o, const ssoc_validate_row *r)
{
    cJSON_AddNumberToObject(o, "line", r->line);
    cJSON_AddItemToObject(o, "x", num(r->x));
    cJSON_AddItemToObject(o, "rho_g_cm3", num(r->rho_g_cm3));
    cJSON_AddItemToObject(o, "T_K", num(r->T_K));
}

static void json_summary(cJSON *root, const ssoc_validate_report *rep)
{
    const ssoc_validate_summary *s = &rep->summary;
    cJSON *js = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(js, "n", (double)s->n);
    cJSON_AddItemToObject(js, "r_log10_sigma", num(s->r_log10_sigma));
    cJSON_AddItemToObject(js, "rmse_log10_sigma", num(s->rmse_log10_sigma));
    cJSON_AddItemToObject(js, "mean_ratio", num(s->mean_ratio));
    cJSON_AddItemToObject(js, "median_ratio", num(s->median_ratio));
    const ssoc_validate_row *w = &rep->rows[s->worst];
    cJSON *jw = cJSON_AddObjectToObject(js, "worst");
    json_where(jw, w);
    cJSON_AddItemToObject(jw, "ratio", num(w->ratio));
    cJSON_AddItemToObject(jw, "factor", num(s->worst_factor));
    if (s->has_band)
        cJSON_AddNumberToObject(js, "n_inside_band", (double)s->n_inside);
    else
        cJSON_AddNullToObject(js, "n_inside_band");
    if (s->has_pred)
        cJSON_AddNumberToObject(js, "n_inside_prediction_band", (double)s->n_inside_pred);
    else
        cJSON_AddNullToObject(js, "n_inside_prediction_band");
    cJSON_AddNumberToObject(js, "n_Ea", (double)s->n_Ea);
    cJSON_AddItemToObject(js, "mean_Ea_diff_eV", num(s->mean_Ea_diff_eV));
    cJSON_AddItemToObject(js, "Ea_ratio", num(s->Ea_ratio));
    if (rep->has_range) {
        cJSON *e = cJSON_AddObjectToObject(js, "extrapolated");
        cJSON_AddNumberToObject(e, "x", (double)s->n_extrap_x);
        cJSON_AddNumberToObject(e, "v_f", (double)s->n_extrap_vf);
        cJSON_AddNumberToObject(e, "T", (double)s->n_extrap_T);
        cJSON_AddNumberToObject(e, "any", (double)s->n_extrap_any);
    } else {
        cJSON_AddNullToObject(js, "extrapolated");
    }
    cJSON_AddBoolToObject(js, "same_data_as_fit", s->same_data);
    cJSON_AddItemToObject(js, "agree_factor", num(SSOC_VALIDATE_AGREE_FACTOR));
    cJSON_AddBoolToObject(js, "agrees", s->agrees);
    cJSON_AddStringToObject(js, "sentence", s->sentence);
}

static void json_row(cJSON *rows, const ssoc_validate_report *rep, const ssoc_validate_row *r)
{
    const ssoc_validate_summary *s = &rep->summary;
    cJSON *o = cJSON_CreateObject();
    json_where(o, r);
    cJSON_AddItemToObject(o, "v_f", num(r->v_f));
    cJSON_AddItemToObject(o, "sigma_obs_S_cm", num(r->sigma_obs_S_cm));
    cJSON_AddItemToObject(o, "sigma_pred_S_cm", num(r->sigma_pred_S_cm));
    cJSON_AddItemToObject(o, "ratio", num(r->ratio));
    cJSON_AddItemToObject(o, "log10_err", num(r->log10_err));
    if (s->has_band) {
        cJSON *b = ssoc_json_add_band(o, "band", r->band_lo_S_cm, r->band_median_S_cm, r->band_hi_S_cm);
        cJSON_AddNumberToObject(b, "replicates_used", (double)r->band_used);
        cJSON_AddBoolToObject(b, "inside", r->inside_band);
    }
    if (s->has_pred) {
        cJSON *b = ssoc_json_add_band(o, "prediction_band", r->pred_lo_S_cm, r->pred_median_S_cm, r->pred_hi_S_cm);
        cJSON_AddBoolToObject(b, "inside", r->inside_pred);
    }
    cJSON_AddItemToObject(o, "Ea_obs_eV", num(r->Ea_obs_eV));
    cJSON_AddItemToObject(o, "Ea_model_eV", num(r->Ea_model_eV));
    cJSON_AddItemToObject(o, "Ea_diff_eV", num(r->Ea_diff_eV));
    if (rep->has_range) {
        cJSON *e = cJSON_AddObjectToObject(o, "extrapolation");
        cJSON_AddBoolToObject(e, "x", (r->extrap & SSOC_EXTRAP_X) != 0);
        cJSON_AddBoolToObject(e, "v_f", (r->extrap & SSOC_EXTRAP_VF) != 0);
        cJSON_AddBoolToObject(e, "T", (r->extrap & SSOC_EXTRAP_T) != 0);
    } else {
        cJSON_AddNullToObject(o, "extrapolation");
    }
    cJSON_AddItemToArray(rows, o);
}

/* The band kinds of the report, each with what it covers. */
static void json_bands(cJSON *root, const ssoc_validate_report *rep)
{
    const ssoc_validate_summary *s = &rep->summary;
    if (!s->has_band) {
        cJSON_AddNullToObject(root, "band");
        return;
    }
    char covers[160];
    cJSON *jb = cJSON_AddObjectToObject(root, "band");
    cJSON_AddItemToObject(jb, "confidence", num(rep->band_confidence));
    cJSON_AddStringToObject(jb, "interval", ssoc_ci_method_name(rep->band_method));
    cJSON_AddNumberToObject(jb, "B", (double)rep->band_B);
    cJSON_AddNumberToObject(jb, "failed", (double)rep->band_failed);
    cJSON_AddStringToObject(jb, "kind", "confidence");
    snprintf(covers, sizeof covers, "%g%% %s", 100.0 * rep->band_confidence, SSOC_BAND_WORDS_CONFIDENCE);
    cJSON_AddStringToObject(jb, "covers", covers);
    if (!s->has_pred) {
        cJSON_AddNullToObject(root, "prediction_band");
        return;
    }
    cJSON *jp = cJSON_AddObjectToObject(root, "prediction_band");
    cJSON_AddItemToObject(jp, "confidence", num(rep->band_confidence));
    cJSON_AddStringToObject(jp, "interval",
                            ssoc_ci_method_name(rep->band_method == SSOC_CI_EXPANDED ? SSOC_CI_EXPANDED
                                                                                     : SSOC_CI_PERCENTILE));
    cJSON_AddStringToObject(jp, "kind", "prediction");
    snprintf(covers, sizeof covers, "%g%% %s", 100.0 * rep->band_confidence, SSOC_BAND_WORDS_PREDICTION);
    cJSON_AddStringToObject(jp, "covers", covers);
}

static int print_json(const ssoc_validate_report *rep, const ssoc_csv *t, const source *p, FILE *f)
{
    const ssoc_paramfile *pf = &p->pf;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "command", "validate");
    cJSON *prov = cJSON_AddObjectToObject(root, "provenance");
    cJSON_AddStringToObject(prov, "ssoc_version", SSOC_VERSION);
    cJSON_AddStringToObject(prov, "git_revision", SSOC_GIT_REVISION);
    cJSON_AddStringToObject(prov, "compiler", SSOC_COMPILER);
    cJSON *jd = cJSON_AddObjectToObject(root, "data");
    cJSON_AddStringToObject(jd, "path", ssoc_csv_path(t));
    cJSON_AddStringToObject(jd, "sha256", ssoc_csv_sha256(t));
    cJSON_AddNumberToObject(jd, "n", (double)rep->n);
    cJSON_AddBoolToObject(jd, "has_Ea", rep->has_Ea_column);
    cJSON *jp = cJSON_AddObjectToObject(root, "parameters");
    cJSON_AddStringToObject(jp, "kind", p->kind);
    cJSON_AddStringToObject(jp, "source", p->name);
    cJSON_AddStringToObject(jp, "method", ssoc_fit_method_name(pf->method));
    cJSON *jv = cJSON_AddObjectToObject(jp, "values");
    for (int i = 0; i < SSOC_NPARAM; ++i)
        cJSON_AddItemToObject(jv, ssoc_param_name(i), num(pf->params.p[i]));
    cJSON *jf = cJSON_AddArrayToObject(jp, "fixed");
    for (int i = 0; i < SSOC_NPARAM; ++i)
        if ((pf->fixed_mask >> i) & 1u)
            cJSON_AddItemToArray(jf, cJSON_CreateString(ssoc_param_name(i)));
    if (rep->has_range) {
        cJSON *jr = cJSON_AddObjectToObject(root, "fitted_range");
        if (p->range_path)
            cJSON_AddStringToObject(jr, "data", p->range_path);
        cJSON_AddItemToObject(jr, "x_min", num(rep->range.x_min));
        cJSON_AddItemToObject(jr, "x_max", num(rep->range.x_max));
        cJSON_AddItemToObject(jr, "vf_min", num(rep->range.vf_min));
        cJSON_AddItemToObject(jr, "vf_max", num(rep->range.vf_max));
        cJSON_AddItemToObject(jr, "T_min_K", num(rep->range.T_min_K));
        cJSON_AddItemToObject(jr, "T_max_K", num(rep->range.T_max_K));
    } else {
        cJSON_AddNullToObject(root, "fitted_range");
    }
    cJSON_AddItemToObject(root, "single_temperature", ssoc_json_one_T(rep->has_range ? &rep->range : NULL));
    json_bands(root, rep);
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; i < rep->n; ++i)
        json_row(rows, rep, &rep->rows[i]);
    json_summary(root, rep);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return 0;
    fprintf(f, "%s\n", text);
    free(text);
    return 1;
}

/* Full precision, and an empty field for NaN, so a spreadsheet sees "not given" rather than a string. */
static void csv_num(FILE *f, double v, int last)
{
    if (isfinite(v)) {
        char buf[40];
        ssoc_json_format_double(buf, sizeof buf, v);
        fputs(buf, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void print_csv(const ssoc_validate_report *rep, FILE *f)
{
    fprintf(f, "line,x,rho,T,sigma_obs,sigma_pred,ratio,log10_err,v_f,band_lo,band_median,band_hi,inside_band,"
               "pred_lo,pred_median,pred_hi,inside_pred,Ea_obs,Ea_model,Ea_diff,extrap_x,extrap_vf,extrap_T\n");
    for (size_t i = 0; i < rep->n; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        fprintf(f, "%d,", r->line);
        const double v[] = {r->x, r->rho_g_cm3, r->T_K, r->sigma_obs_S_cm, r->sigma_pred_S_cm, r->ratio, r->log10_err,
                            r->v_f, r->band_lo_S_cm, r->band_median_S_cm, r->band_hi_S_cm};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; ++k)
            csv_num(f, v[k], 0);
        if (rep->summary.has_band)
            fprintf(f, "%d", r->inside_band);
        fputc(',', f);
        csv_num(f, r->pred_lo_S_cm, 0);
        csv_num(f, r->pred_median_S_cm, 0);
        csv_num(f, r->pred_hi_S_cm, 0);
        if (rep->summary.has_pred)
            fprintf(f, "%d", r->inside_pred);
        fputc(',', f);
        csv_num(f, r->Ea_obs_eV, 0);
        csv_num(f, r->Ea_model_eV, 0);
        csv_num(f, r->Ea_diff_eV, 0);
        if (rep->has_range)
            fprintf(f, "%d,%d,%d\n", (r->extrap & SSOC_EXTRAP_X) != 0, (r->extrap & SSOC_EXTRAP_VF) != 0,
                    (r->extrap & SSOC_EXTRAP_T) != 0);
        else
            fprintf(f, ",,\n");
    }
}

static void table_head(const ssoc_validate_report *rep, const ssoc_csv *t, const source *p, FILE *f)
{
    const ssoc_validate_summary *s = &rep->summary;
    fprintf(f, "ssoc validate: %s\n", ssoc_csv_path(t));
    fprintf(f, "  %zu observations, sha256 %s\n", rep->n, ssoc_csv_sha256(t));
    if (!strcmp(p->kind, "fit"))
        fprintf(f, "  parameters: %s fit to %s\n", ssoc_fit_method_name(p->pf.method), p->name);
    else if (!strcmp(p->kind, "file"))
        fprintf(f, "  parameters: parameter file %s (%s fit)\n", p->name, ssoc_fit_method_name(p->pf.method));
    else
        fprintf(f, "  parameters: published (the SSOC paper's set)\n");
    if (rep->has_range)
        fprintf(f, "  fitted data range%s%s: x %.4g-%.4g, v_f %.4g-%.4g, T %.4g-%.4g K\n", p->range_path ? " " : "",
                p->range_path ? p->range_path : "", rep->range.x_min, rep->range.x_max, rep->range.vf_min,
                rep->range.vf_max, rep->range.T_min_K, rep->range.T_max_K);
    else
        fprintf(f, "  fitted data range: unknown (the parameter file records none): no extrapolation flags\n");
    if (s->has_band) {
        fprintf(f, "  bands over B = %zu bootstrap replicates (%zu failed):\n", rep->band_B, rep->band_failed);
        fprintf(f, "    conf lo/hi: %.0f%% %s (%s%s)\n", 100.0 * rep->band_confidence, SSOC_BAND_WORDS_CONFIDENCE,
                ssoc_ci_method_name(rep->band_method), ssoc_cli_band_fallback(source_boot(p)));
        if (s->has_pred)
            fprintf(f, "    pred lo/hi: %.0f%% %s (%s)\n", 100.0 * rep->band_confidence, SSOC_BAND_WORDS_PREDICTION,
                    rep->band_method == SSOC_CI_EXPANDED ? "expanded" : "percentile");
        else
            fprintf(f, "    no prediction band: the parameter file holds no residual pool (refit with 'ssoc fit "
                       "DATA.csv --boot B -o FILE.json')\n");
    }
    fprintf(f, "\n");
}

static void table_rows(const ssoc_validate_report *rep, FILE *f)
{
    const ssoc_validate_summary *s = &rep->summary;
    fprintf(f, "  %5s %6s %6s %6s %8s %10s %10s", "line", "x", "rho", "T", "v_f", "sigma obs", "sigma pred");
    if (s->has_band)
        fprintf(f, " %10s %10s %3s", "conf lo", "conf hi", "in");
    if (s->has_pred)
        fprintf(f, " %10s %10s %3s", "pred lo", "pred hi", "in");
    fprintf(f, " %9s %8s %7s %8s %8s  %s\n", "ratio", "log10err", "Ea obs", "Ea model", "Ea diff", "extrapolated");
    for (size_t i = 0; i < rep->n; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        fprintf(f, "  %5d %6.3f %6.3f %6.1f %8.4f %10.4e %10.4e", r->line, r->x, r->rho_g_cm3, r->T_K, r->v_f,
                r->sigma_obs_S_cm, r->sigma_pred_S_cm);
        if (s->has_band)
            fprintf(f, " %10.4e %10.4e %3s", r->band_lo_S_cm, r->band_hi_S_cm, r->inside_band ? "yes" : "no");
        if (s->has_pred)
            fprintf(f, " %10.4e %10.4e %3s", r->pred_lo_S_cm, r->pred_hi_S_cm, r->inside_pred ? "yes" : "no");
        fprintf(f, " %9.4g %8.3f", r->ratio, r->log10_err);
        if (isnan(r->Ea_obs_eV))
            fprintf(f, " %7s %8.4f %8s", "-", r->Ea_model_eV, "-");
        else
            fprintf(f, " %7.4f %8.4f %+8.4f", r->Ea_obs_eV, r->Ea_model_eV, r->Ea_diff_eV);
        if (!rep->has_range)
            fprintf(f, "  ?\n");
        else if (!r->extrap)
            fprintf(f, "  -\n");
        else
            fprintf(f, "  %s%s%s\n", r->extrap & SSOC_EXTRAP_X ? "x " : "", r->extrap & SSOC_EXTRAP_VF ? "v_f " : "",
                    r->extrap & SSOC_EXTRAP_T ? "T" : "");
    }
    fprintf(f, "  (ratio = sigma pred / sigma obs; log10err = log10 pred - log10 obs; Ea [eV], model Ea = "
               "-k_B d ln(sigma)/d(1/T); Ea diff = obs - model)\n\n");
}

static void table_summary(const ssoc_validate_report *rep, FILE *f)
{
    const ssoc_validate_summary *s = &rep->summary;
    const ssoc_validate_row *w = &rep->rows[s->worst];
    fprintf(f, "Summary (log10 sigma, %zu observations)\n", s->n);
    fprintf(f, "  r = %.4f   RMSE = %.4f   mean ratio pred/obs = %.4g\n", s->r_log10_sigma, s->rmse_log10_sigma,
            s->mean_ratio);
    fprintf(f, "  median ratio = %.4g   worst: line %d (x = %g, rho = %g, T = %g K), ratio %.4g (%.3g times %s)\n",
            s->median_ratio, w->line, w->x, w->rho_g_cm3, w->T_K, w->ratio, s->worst_factor,
            w->ratio < 1.0 ? "below" : "above");
    if (s->has_band)
        fprintf(f, "  inside the %.0f%% confidence bands of the mean model: %zu of %zu\n", 100.0 * rep->band_confidence,
                s->n_inside, s->n);
    if (s->has_pred)
        fprintf(f, "  inside the %.0f%% prediction bands for a new MD run: %zu of %zu\n", 100.0 * rep->band_confidence,
                s->n_inside_pred, s->n);
    if (s->n_Ea)
        fprintf(f, "  Ea observed - model: mean %+.4f eV over %zu observations\n", s->mean_Ea_diff_eV, s->n_Ea);
    else
        fprintf(f, "  Ea: no observed activation energies given\n");
    if (rep->has_range)
        fprintf(f, "  extrapolated: %zu of %zu (x %zu, v_f %zu, T %zu)\n", s->n_extrap_any, s->n, s->n_extrap_x,
                s->n_extrap_vf, s->n_extrap_T);
    fprintf(f, "\nConclusion: %s\n", s->sentence);
    if (s->one_T) {
        char caveat[512];
        ssoc_data_one_T_caveat(rep->range.T_min_K, caveat, sizeof caveat);
        fprintf(f, "Caveat: %s.\n", caveat);
    }
}

static void print_table(const ssoc_validate_report *rep, const ssoc_csv *t, const source *p, FILE *f)
{
    table_head(rep, t, p, f);
    table_rows(rep, f);
    table_summary(rep, f);
}

int ssoc_cmd_validate(int argc, char **argv)
{
    const char *cmd = "validate";
    validate_args a;
    int rc = parse_args(cmd, argc, argv, &a);
    if (rc != PARSE_GO)
        return rc;
    ssoc_error err;
    ssoc_error_clear(&err);
    ssoc_csv *ext = NULL;
    ssoc_validate_report *rep = NULL;
    source p;
    memset(&p, 0, sizeof p);
    rc = SSOC_EXIT_OK;

    if (ssoc_csv_read(a.ext_path, &ext, &err) != SSOC_OK || load_params(&a, &p, &err) != SSOC_OK)
        goto fail;
    const ssoc_validate_opts vo = {.range = p.pf.has_range ? &p.pf.range : NULL,
                                   .boot = source_boot(&p),
                                   .flags = a.src.allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u,
                                   .fit_sha256 = p.fit_sha256};
    if (ssoc_validate_run_ex(ext, &p.pf.params, &vo, &rep, &err) != SSOC_OK)
        goto fail;
    if (a.json) {
        if (!print_json(rep, ext, &p, stdout)) {
            SSOC_ERR(&err, SSOC_ENOMEM, "out of memory rendering JSON");
            goto fail;
        }
    } else if (a.csv) {
        print_csv(rep, stdout);
    } else {
        print_table(rep, ext, &p, stdout);
    }
    if (a.parity) {
        char pw[1200];
        snprintf(pw, sizeof pw, "%s%.1100s",
                 !strcmp(p.kind, "fit") ? (p.pf.method == SSOC_FIT_JOINT ? "joint fit to " : "three-stage fit to ")
                 : !strcmp(p.kind, "file") ? "parameter file "
                                           : "",
                 p.name);
        if (ssoc_cli_parity_validate(a.parity, a.force, rep, ext, pw, &p.pf, p.d, source_boot(&p), a.src.d_crit, &err))
            goto fail;
        if (!a.json && !a.csv)
            printf("\nparity plot written: %s\n", a.parity);
    }
    if (fflush(stdout) != 0) {
        SSOC_ERR(&err, SSOC_EIO, "standard output: write failed");
        goto fail;
    }
    goto done;
fail:
    rc = ssoc_cli_fail(cmd, &err);
done:
    ssoc_validate_report_free(rep);
    ssoc_boot_result_free(p.boot);
    ssoc_paramfile_clear(&p.pf);
    ssoc_dataset_free(p.d);
    ssoc_csv_free(ext);
    return rc;
}
