/* ssoc validate: confront fitted parameters with external data and say how far they transfer. */
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
    "usage: ssoc validate DATA.csv [--params published|FILE.json | --data FIT.csv [--fix NAME=VALUE]...\n"
    "                     [--d-crit A] [--boot B ...]] [--json | --csv] [--parity P.png [--force]]\n"
    "\n"
    "Confront the model with data it was not fitted to. For every observation: the predicted sigma (with its\n"
    "bootstrap band when there is one), the ratio predicted/observed, the log10 error, the extrapolation flags\n"
    "(x, v_f or T outside the data the parameters were fitted to) and the model's apparent activation energy\n"
    "Ea = -k_B d ln(sigma)/d(1/T) (= E0 - alpha_E v_f) next to the observed one. Then r and RMSE of log10 sigma,\n"
    "mean and median ratio, observations inside the bands, the mean observed-minus-model Ea, and a one-sentence\n"
    "conclusion. Agreement means a median ratio within a factor of 1.5.\n"
    "\n"
    "DATA.csv columns (by header name, extra columns ignored, '#' lines are comments):\n"
    "  x, rho [g/cm3], T [K], sigma [S/cm], and optionally Ea [eV] (an empty Ea field means not given)\n"
    "\n"
    "options:\n"
    "  --params P         'published' (SPEC section 3; range of the shipped 500 K AIMD data) or a parameter\n"
    "                     file from 'ssoc fit -o' (its bootstrap table, if any, gives the bands). Default: published\n"
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

static void print_json(const ssoc_validate_report *rep, const ssoc_csv *t, const char *kind, const char *source,
                       const ssoc_paramfile *pf, const char *range_path, FILE *f, int *ok)
{
    const ssoc_validate_summary *s = &rep->summary;
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
    cJSON_AddStringToObject(jp, "kind", kind);
    cJSON_AddStringToObject(jp, "source", source);
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
        if (range_path)
            cJSON_AddStringToObject(jr, "data", range_path);
        cJSON_AddItemToObject(jr, "x_min", num(rep->range.x_min));
        cJSON_AddItemToObject(jr, "x_max", num(rep->range.x_max));
        cJSON_AddItemToObject(jr, "vf_min", num(rep->range.vf_min));
        cJSON_AddItemToObject(jr, "vf_max", num(rep->range.vf_max));
        cJSON_AddItemToObject(jr, "T_min_K", num(rep->range.T_min_K));
        cJSON_AddItemToObject(jr, "T_max_K", num(rep->range.T_max_K));
    } else {
        cJSON_AddNullToObject(root, "fitted_range");
    }
    if (s->has_band) {
        cJSON *jb = cJSON_AddObjectToObject(root, "band");
        cJSON_AddItemToObject(jb, "confidence", num(rep->band_confidence));
        cJSON_AddStringToObject(jb, "interval", ssoc_ci_method_name(rep->band_method));
        cJSON_AddNumberToObject(jb, "B", (double)rep->band_B);
        cJSON_AddNumberToObject(jb, "failed", (double)rep->band_failed);
    } else {
        cJSON_AddNullToObject(root, "band");
    }
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; i < rep->n; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line", r->line);
        cJSON_AddItemToObject(o, "x", num(r->x));
        cJSON_AddItemToObject(o, "rho_g_cm3", num(r->rho_g_cm3));
        cJSON_AddItemToObject(o, "T_K", num(r->T_K));
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
    cJSON *js = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(js, "n", (double)s->n);
    cJSON_AddItemToObject(js, "r_log10_sigma", num(s->r_log10_sigma));
    cJSON_AddItemToObject(js, "rmse_log10_sigma", num(s->rmse_log10_sigma));
    cJSON_AddItemToObject(js, "mean_ratio", num(s->mean_ratio));
    cJSON_AddItemToObject(js, "median_ratio", num(s->median_ratio));
    if (s->has_band)
        cJSON_AddNumberToObject(js, "n_inside_band", (double)s->n_inside);
    else
        cJSON_AddNullToObject(js, "n_inside_band");
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
    cJSON_AddItemToObject(js, "agree_factor", num(SSOC_VALIDATE_AGREE_FACTOR));
    cJSON_AddBoolToObject(js, "agrees", s->agrees);
    cJSON_AddStringToObject(js, "sentence", s->sentence);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        *ok = 0;
        return;
    }
    fprintf(f, "%s\n", text);
    free(text);
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
               "Ea_obs,Ea_model,Ea_diff,extrap_x,extrap_vf,extrap_T\n");
    for (size_t i = 0; i < rep->n; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        fprintf(f, "%d,", r->line);
        csv_num(f, r->x, 0);
        csv_num(f, r->rho_g_cm3, 0);
        csv_num(f, r->T_K, 0);
        csv_num(f, r->sigma_obs_S_cm, 0);
        csv_num(f, r->sigma_pred_S_cm, 0);
        csv_num(f, r->ratio, 0);
        csv_num(f, r->log10_err, 0);
        csv_num(f, r->v_f, 0);
        csv_num(f, r->band_lo_S_cm, 0);
        csv_num(f, r->band_median_S_cm, 0);
        csv_num(f, r->band_hi_S_cm, 0);
        if (rep->summary.has_band)
            fprintf(f, "%d", r->inside_band);
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

static void print_table(const ssoc_validate_report *rep, const ssoc_csv *t, const char *kind, const char *source,
                        ssoc_fit_method method, const char *range_path, FILE *f)
{
    const ssoc_validate_summary *s = &rep->summary;
    const int band = s->has_band;
    fprintf(f, "ssoc validate: %s\n", ssoc_csv_path(t));
    fprintf(f, "  %zu observations, sha256 %s\n", rep->n, ssoc_csv_sha256(t));
    if (!strcmp(kind, "fit"))
        fprintf(f, "  parameters: %s fit to %s\n", ssoc_fit_method_name(method), source);
    else if (!strcmp(kind, "file"))
        fprintf(f, "  parameters: parameter file %s (%s fit)\n", source, ssoc_fit_method_name(method));
    else
        fprintf(f, "  parameters: published (SPEC section 3)\n");
    if (rep->has_range)
        fprintf(f, "  fitted data range%s%s: x %.4g-%.4g, v_f %.4g-%.4g, T %.4g-%.4g K\n", range_path ? " " : "",
                range_path ? range_path : "", rep->range.x_min, rep->range.x_max, rep->range.vf_min, rep->range.vf_max,
                rep->range.T_min_K, rep->range.T_max_K);
    else
        fprintf(f, "  fitted data range: unknown (the parameter file records none): no extrapolation flags\n");
    if (band)
        fprintf(f, "  bands: %.0f%% %s over B = %zu bootstrap replicates (%zu failed)\n", 100.0 * rep->band_confidence,
                ssoc_ci_method_name(rep->band_method), rep->band_B, rep->band_failed);
    fprintf(f, "\n");

    fprintf(f, "  %5s %6s %6s %6s %8s %10s %10s", "line", "x", "rho", "T", "v_f", "sigma obs", "sigma pred");
    if (band)
        fprintf(f, " %10s %10s %3s", "band lo", "band hi", "in");
    fprintf(f, " %9s %8s %7s %8s %8s  %s\n", "ratio", "log10err", "Ea obs", "Ea model", "Ea diff", "extrapolated");
    for (size_t i = 0; i < rep->n; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        fprintf(f, "  %5d %6.3f %6.3f %6.1f %8.4f %10.4e %10.4e", r->line, r->x, r->rho_g_cm3, r->T_K, r->v_f,
                r->sigma_obs_S_cm, r->sigma_pred_S_cm);
        if (band)
            fprintf(f, " %10.4e %10.4e %3s", r->band_lo_S_cm, r->band_hi_S_cm, r->inside_band ? "yes" : "no");
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

    fprintf(f, "Summary (log10 sigma, %zu observations)\n", s->n);
    fprintf(f, "  r = %.4f   RMSE = %.4f   mean ratio pred/obs = %.4g   median ratio = %.4g\n", s->r_log10_sigma,
            s->rmse_log10_sigma, s->mean_ratio, s->median_ratio);
    if (band)
        fprintf(f, "  inside the %.0f%% bands: %zu of %zu\n", 100.0 * rep->band_confidence, s->n_inside, s->n);
    if (s->n_Ea)
        fprintf(f, "  Ea observed - model: mean %+.4f eV over %zu observations\n", s->mean_Ea_diff_eV, s->n_Ea);
    else
        fprintf(f, "  Ea: no observed activation energies given\n");
    if (rep->has_range)
        fprintf(f, "  extrapolated: %zu of %zu (x %zu, v_f %zu, T %zu)\n", s->n_extrap_any, s->n, s->n_extrap_x,
                s->n_extrap_vf, s->n_extrap_T);
    fprintf(f, "\nConclusion: %s\n", s->sentence);
}

int ssoc_cmd_validate(int argc, char **argv)
{
    const char *cmd = "validate";
    const char *ext_path = NULL, *parity = NULL, *v;
    int json = 0, csv = 0, force = 0, m;
    ssoc_cli_source src;
    ssoc_cli_source_init(&src);
    ssoc_error err;
    ssoc_error_clear(&err);

    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if ((m = ssoc_cli_source_opt(cmd, help, argc, argv, &i, &src, SSOC_CLI_SOURCE_PARAMS)) != 0) {
            if (m < 0 || m == SSOC_CLI_HELP)
                return m < 0 ? SSOC_EXIT_USAGE : SSOC_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--csv")) {
            csv = 1;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--parity", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            parity = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const own[] = {"--json", "--csv", "--parity", "--force", NULL};
            return ssoc_cli_unknown_option(cmd, a, own, 2);
        } else if (ext_path) {
            return ssoc_cli_usage_error(cmd, "one external data file expected, got '%s' and '%s'", ext_path, a);
        } else {
            ext_path = a;
        }
    }
    if (!ext_path)
        return ssoc_cli_usage_error(cmd, "missing DATA.csv (the external data to validate against)");
    if (json && csv)
        return ssoc_cli_usage_error(cmd, "--json and --csv exclude each other");
    const char *params_arg = src.params_arg, *fit_path = src.data_path;
    if (params_arg && fit_path)
        return ssoc_cli_usage_error(cmd, "--params and --data exclude each other (parameters come from one of them)");
    if ((src.want_boot || src.boot_opt) && !fit_path)
        return ssoc_cli_usage_error(cmd, "bootstrap options need --data FIT.csv (a parameter file brings its own "
                                         "replicate table)");
    if ((src.nfix || src.dcrit_set || src.method_set) && !fit_path)
        return ssoc_cli_usage_error(cmd, "--fix, --method and --d-crit apply only when fitting --data FIT.csv");
    if (!fit_path && !params_arg)
        params_arg = "published";
    if (parity && (m = ssoc_cli_picture_check(cmd, "--parity", parity, force)) != SSOC_EXIT_OK)
        return m;

    ssoc_csv *ext = NULL;
    ssoc_dataset *d = NULL;
    ssoc_boot_result *boot = NULL;
    ssoc_validate_report *rep = NULL;
    ssoc_paramfile pf;
    memset(&pf, 0, sizeof pf);
    const char *source = fit_path, *kind = "fit", *range_path = NULL;
    int rc = SSOC_EXIT_OK;

    if (ssoc_csv_read(ext_path, &ext, &err) != SSOC_OK)
        goto fail;
    if (fit_path || !strcmp(params_arg, "published")) {
        range_path = fit_path ? fit_path : ssoc_cli_shipped_data();
        if (ssoc_data_read_csv_ex(range_path, src.d_crit, src.allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u, &d, &err) != SSOC_OK)
            goto fail;
    }
    if (fit_path) {
        if (ssoc_cli_source_fit(cmd, &src, d, &pf, &boot, &err) != SSOC_OK)
            goto fail;
    } else if (!strcmp(params_arg, "published")) {
        ssoc_data_range range;
        ssoc_dataset_range(d, &range);
        ssoc_paramfile_published(&pf, &range);
        source = kind = "published";
    } else {
        if (ssoc_paramfile_read(params_arg, &pf, &err) != SSOC_OK)
            goto fail;
        source = params_arg;
        kind = "file";
        range_path = pf.has_range && pf.data_path[0] ? pf.data_path : NULL;
    }

    if (ssoc_validate_run_ex(ext, &pf.params, pf.has_range ? &pf.range : NULL, boot ? boot : pf.boot,
                             src.allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u, &rep, &err) !=
        SSOC_OK)
        goto fail;

    if (json) {
        int ok = 1;
        print_json(rep, ext, kind, source, &pf, range_path, stdout, &ok);
        if (!ok) {
            SSOC_ERR(&err, SSOC_ENOMEM, "out of memory rendering JSON");
            goto fail;
        }
    } else if (csv) {
        print_csv(rep, stdout);
    } else {
        print_table(rep, ext, kind, source, pf.method, range_path, stdout);
    }
    if (parity) {
        char pw[1200];
        snprintf(pw, sizeof pw, "%s%.1100s", !strcmp(kind, "fit") ? "three-stage fit to " : !strcmp(kind, "file") ? "parameter file " : "",
                 source);
        if (ssoc_cli_parity_validate(parity, force, rep, ext, pw, &pf, d, boot ? boot : pf.boot, src.d_crit, &err))
            goto fail;
        if (!json && !csv)
            printf("\nparity plot written: %s\n", parity);
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
    ssoc_boot_result_free(boot);
    ssoc_paramfile_clear(&pf);
    ssoc_dataset_free(d);
    ssoc_csv_free(ext);
    return rc;
}
