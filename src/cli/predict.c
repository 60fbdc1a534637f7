/* ssoc predict: sigma and every model layer at one (x, rho, T), with extrapolation flags and,
 * from a bootstrap, the confidence band of the mean model and the prediction band of a new MD run.
 * Three steps: the arguments (parse_args), the parameters and bands (load_params, compute), the
 * output (print_json, print_text). */
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
#include "ssoc/stats.h"

static const char help[] =
    "usage: ssoc predict --x X --rho RHO [--T T] [--params published|FILE.json [--interval M] [--confidence C]]\n"
    "                    [--data CSV [--method M] [--fix NAME=VALUE]... [--boot B ...]] [--json]\n"
    "\n"
    "Evaluate the SSOC model at one composition x, density rho [g/cm3] and temperature T [K]: every layer\n"
    "(rho0, v_f, n_Li, jump length, D_PCC, p_active, D_hop, f_eff, sigma) and the apparent activation energy\n"
    "Ea = -k_B d ln(sigma)/d(1/T) = E0 - alpha_E v_f. Flags x, v_f or T outside the data the parameters were\n"
    "fitted to (for 'published': the shipped 500 K AIMD data), and says so when those data hold one\n"
    "temperature (E0 and Ea then rest on the assumed attempt frequency k_B T/h).\n"
    "With a bootstrap, two bands of sigma, each labelled with what it covers:\n"
    "  the confidence band of the mean model (the parameters' uncertainty: where the model's sigma lies), and\n"
    "  the prediction band for a new MD run at this point (that plus the scatter of single runs about the\n"
    "  model, from the fit's residuals: where a new simulation's sigma would fall).\n"
    "'Hill gate' is the model's own state at this point: open when p_active >= 1/2 (v_f <= v_c, the Hill\n"
    "midpoint), closed otherwise; it is not the PCC/SCC label of the data, which comes from the pore\n"
    "diameter d_max.\n"
    "\n"
    "options:\n"
    "  --x X              Li2S fraction, 0 < X < 1\n"
    "  --rho RHO          density [g/cm3], > 0\n"
    "  --T T              temperature [K] (default 500)\n"
    "  --params P         'published' (the SSOC paper's set) or a parameter file from 'ssoc fit -o'; a file with a\n"
    "                     bootstrap table also gives the bands, by the interval it records (--interval and\n"
    "                     --confidence re-select from its table). Default: published, unless --data is given\n"
    "  --data CSV         fit the parameters to CSV and flag extrapolation against its range; with --params,\n"
    "                     CSV only sets the range\n"
    "  --method M         with --data: the estimator, joint (default) or staged (see 'ssoc fit --help')\n"
    "  --fix NAME=VALUE   with --data: hold a parameter fixed; repeatable\n"
    "  --d-crit A         with --data: PCC threshold on d_max [angstrom] (default 6.0)\n"
    "  --json             machine-readable output (full precision)\n"
    "  -h, --help         this text\n";

/* ------------------------------------------------------------------ arguments */

typedef struct predict_args {
    double x, rho, T;
    int json;
    ssoc_cli_source src;
} predict_args;

enum { PARSE_GO = -1 }; /* parse_args: carry on (any other value is the exit code) */

/* The combinations that make no sense, refused before any work (exit 2). */
static int check_args(const char *cmd, const predict_args *a)
{
    const ssoc_cli_source *s = &a->src;
    const int fitting = s->data_path && !s->params_arg;
    if (isnan(a->x) || isnan(a->rho))
        return ssoc_cli_usage_error(cmd, "--x and --rho are required");
    if (!(a->x > 0.0 && a->x < 1.0))
        return ssoc_cli_usage_error(cmd, "option --x: %g must lie strictly between 0 and 1%s", a->x,
                                    a->x > 1.0 && a->x < 100.0 ? " (a percentage? x is the Li2S fraction: 75 mol% is 0.75)"
                                                               : "");
    if (!(a->rho > 0.0))
        return ssoc_cli_usage_error(cmd, "option --rho: %g must be > 0 g/cm3", a->rho);
    if (!(a->T > 0.0)) {
        if (a->T > -273.15)
            return ssoc_cli_usage_error(cmd, "option --T: %g must be > 0 K (degrees Celsius? %g C = %.6g K)", a->T,
                                        a->T, a->T + 273.15);
        return ssoc_cli_usage_error(cmd, "option --T: %g must be > 0 K", a->T);
    }
    if (ssoc_cli_plausible(cmd, "--rho", SSOC_QTY_RHO, a->rho, s->allow_implausible) ||
        ssoc_cli_plausible(cmd, "--T", SSOC_QTY_T, a->T, s->allow_implausible))
        return SSOC_EXIT_USAGE;
    if (s->refit_opt && !fitting)
        return ssoc_cli_usage_error(cmd, "%s needs --data (and no --params): the band comes from refitting the data; "
                                         "a parameter file's replicates are fixed",
                                    s->refit_opt);
    if (s->band_opt && fitting && !s->want_boot)
        return ssoc_cli_usage_error(cmd, "%s selects a band: add --boot B (or use a parameter file with a bootstrap "
                                         "table)",
                                    s->band_opt);
    if (s->nfix && !fitting)
        return ssoc_cli_usage_error(cmd, "--fix applies only when fitting --data (without --params)");
    if (s->method_set && !fitting)
        return ssoc_cli_usage_error(cmd, "--method applies only when fitting --data (without --params): a parameter "
                                         "file records the method it was fitted with");
    return PARSE_GO;
}

static int parse_args(const char *cmd, int argc, char **argv, predict_args *a)
{
    const char *v;
    int m;
    a->x = a->rho = NAN;
    a->T = 500.0;
    a->json = 0;
    ssoc_cli_source_init(&a->src);
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if ((m = ssoc_cli_source_opt(cmd, help, argc, argv, &i, &a->src, SSOC_CLI_SOURCE_PARAMS)) != 0) {
            if (m < 0 || m == SSOC_CLI_HELP)
                return m < 0 ? SSOC_EXIT_USAGE : SSOC_EXIT_OK;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--x", &v)) != 0) {
            if (m < 0 || ssoc_cli_parse_double(cmd, "--x", v, &a->x) != SSOC_EXIT_OK)
                return SSOC_EXIT_USAGE;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--rho", &v)) != 0) {
            if (m < 0 || ssoc_cli_parse_double(cmd, "--rho", v, &a->rho) != SSOC_EXIT_OK)
                return SSOC_EXIT_USAGE;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--T", &v)) != 0) {
            if (m < 0 || ssoc_cli_parse_double(cmd, "--T", v, &a->T) != SSOC_EXIT_OK)
                return SSOC_EXIT_USAGE;
        } else if (!strcmp(arg, "--json")) {
            a->json = 1;
        } else {
            static const char *const own[] = {"--x", "--rho", "--T", "--json", NULL};
            if (arg[0] == '-' && arg[1])
                return ssoc_cli_unknown_option(cmd, arg, own, 2);
            return ssoc_cli_usage_error(cmd, "unexpected argument '%s'", arg);
        }
    }
    return check_args(cmd, a);
}

/* ------------------------------------------------------------------ computation */

/* Everything printed, computed once for both forms of output. */
typedef struct prediction {
    const char *source;           /* where the parameters come from */
    ssoc_layers L;                /* the model at the point, point parameters */
    const ssoc_boot_result *boot; /* replicates behind the bands (NULL: no bands) */
    ssoc_sigma_band conf;         /* confidence band of the mean model */
    int has_pred;                 /* the prediction band exists */
    ssoc_sigma_band pred;         /* prediction band of a new MD run */
    char no_pred[200];            /* why there is no prediction band (with bands only) */
    unsigned extrap;              /* ssoc_extrap bits (pf.has_range) */
    int one_T;                    /* the fitted data hold one temperature */
} prediction;

/* The parameters (and their bootstrap, in *boot when refitted here) from --params, --data or the
 * published set; d is the data that sets the range (NULL when none). */
static ssoc_status load_params(const predict_args *a, ssoc_paramfile *pf, ssoc_dataset **d, ssoc_boot_result **boot,
                               const char **source, ssoc_error *err)
{
    const ssoc_cli_source *s = &a->src;
    const char *params = s->params_arg;
    if (!params && !s->data_path)
        params = "published";
    const char *range_path = s->data_path;
    if (params && !strcmp(params, "published") && !range_path)
        range_path = ssoc_cli_shipped_data();
    ssoc_status st;
    if (range_path && (st = ssoc_data_read_csv_ex(range_path, s->d_crit, s->allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u,
                                                  d, err)) != SSOC_OK)
        return st;
    ssoc_data_range range;
    if (*d)
        ssoc_dataset_range(*d, &range);
    if (params && !strcmp(params, "published")) {
        ssoc_paramfile_published(pf, &range);
        *source = "published";
    } else if (params) {
        if ((st = ssoc_paramfile_read(params, pf, err)) != SSOC_OK)
            return st;
        if (*d) {
            pf->range = range;
            pf->has_range = 1;
        }
        *source = params;
    } else {
        if ((st = ssoc_cli_source_fit("predict", s, *d, pf, boot, err)) != SSOC_OK)
            return st;
        *source = s->data_path;
        return SSOC_OK;
    }
    return ssoc_cli_source_file_bands(s, params, pf, err);
}

static ssoc_status compute(const predict_args *a, const ssoc_paramfile *pf, const ssoc_boot_result *boot,
                           prediction *p, ssoc_error *err)
{
    ssoc_model_eval(&pf->params, a->x, a->rho, a->T, &p->L);
    if (!isfinite(p->L.sigma_S_cm))
        return SSOC_ERR(err, SSOC_EDATA, "sigma is not finite at x = %g, rho = %g, T = %g with these parameters", a->x,
                        a->rho, a->T);
    p->extrap = pf->has_range ? ssoc_data_range_extrap(&pf->range, a->x, p->L.v_f, a->T) : 0u;
    p->one_T = pf->has_range && ssoc_data_range_one_T(&pf->range);
    p->boot = boot;
    if (!boot)
        return SSOC_OK;
    ssoc_status st = ssoc_boot_sigma_band(boot, a->x, a->rho, a->T, p->L.sigma_S_cm, NULL, &p->conf, err);
    if (st == SSOC_EFIT)
        return SSOC_ERR(err, SSOC_EFIT, "fewer than 2 bootstrap %s give a finite sigma at this point",
                        p->conf.used < 2 ? "replicates" : "jackknife fits");
    if (st)
        return st;
    if (!boot->resid) {
        snprintf(p->no_pred, sizeof p->no_pred,
                 "the parameter file holds no residual pool (written before prediction bands existed); refit with "
                 "'ssoc fit DATA.csv --boot B -o FILE.json'");
        return SSOC_OK;
    }
    st = ssoc_boot_sigma_pred_band(boot, a->x, a->rho, a->T, NULL, &p->pred, err);
    if (st == SSOC_EFIT)
        return SSOC_ERR(err, SSOC_EFIT, "fewer than 2 bootstrap replicates give a finite sigma at this point");
    p->has_pred = st == SSOC_OK;
    return st;
}

/* ------------------------------------------------------------------ output */

/* The model's gate at the point: open at p_active >= 1/2 (v_f <= v_c; always for v_f <= 0). */
static const char *gate_state(const ssoc_layers *L) { return L->p_active >= 0.5 ? "open" : "closed"; }

static const char gate_definition[] =
    "open when p_active >= 1/2, i.e. v_f <= v_c (the Hill midpoint of the model), closed otherwise; not the data's "
    "PCC/SCC label, which comes from the pore diameter d_max";

static void json_band(cJSON *r, const char *name, const ssoc_sigma_band *b, const ssoc_boot_result *boot,
                      const char *kind, const char *words)
{
    char covers[160];
    snprintf(covers, sizeof covers, "%g%% %s", 100.0 * boot->opts.confidence, words);
    cJSON *jb = ssoc_json_add_band(r, name, b->lo, b->median, b->hi);
    cJSON_AddStringToObject(jb, "kind", kind);
    cJSON_AddStringToObject(jb, "covers", covers);
    cJSON_AddItemToObject(jb, "confidence", ssoc_json_number(boot->opts.confidence));
    cJSON_AddStringToObject(jb, "interval", ssoc_ci_method_name(b->method));
    cJSON_AddItemToObject(jb, "B", ssoc_json_number((double)boot->B));
    cJSON_AddItemToObject(jb, "replicates_used", ssoc_json_number((double)b->used));
}

static int print_json(const predict_args *a, const ssoc_paramfile *pf, const prediction *p)
{
    const ssoc_layers *L = &p->L;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "params", p->source);
    cJSON_AddStringToObject(r, "method", ssoc_fit_method_name(pf->method));
    cJSON *in = cJSON_AddObjectToObject(r, "input");
    cJSON_AddItemToObject(in, "x", ssoc_json_number(a->x));
    cJSON_AddItemToObject(in, "rho_g_cm3", ssoc_json_number(a->rho));
    cJSON_AddItemToObject(in, "T_K", ssoc_json_number(a->T));
    cJSON *jl = cJSON_AddObjectToObject(r, "layers");
    cJSON_AddItemToObject(jl, "M_g_mol", ssoc_json_number(L->M_g_mol));
    cJSON_AddItemToObject(jl, "rho0_g_cm3", ssoc_json_number(L->rho0_g_cm3));
    cJSON_AddItemToObject(jl, "v_f", ssoc_json_number(L->v_f));
    cJSON_AddItemToObject(jl, "n_Li_cm3", ssoc_json_number(L->n_Li_cm3));
    cJSON_AddItemToObject(jl, "a_cm", ssoc_json_number(L->a_cm));
    cJSON_AddItemToObject(jl, "D_PCC_cm2_s", ssoc_json_number(L->D_PCC_cm2_s));
    cJSON_AddItemToObject(jl, "p_active", ssoc_json_number(L->p_active));
    cJSON_AddItemToObject(jl, "D_hop_cm2_s", ssoc_json_number(L->D_hop_cm2_s));
    cJSON_AddItemToObject(jl, "ln_f_eff", ssoc_json_number(L->ln_f_eff));
    cJSON_AddItemToObject(jl, "f_eff", ssoc_json_number(L->f_eff));
    cJSON_AddItemToObject(r, "sigma_S_cm", ssoc_json_number(L->sigma_S_cm));
    cJSON_AddItemToObject(r, "Ea_eV", ssoc_json_number(L->Ea_eV));
    cJSON *jg = cJSON_AddObjectToObject(r, "hill_gate");
    cJSON_AddStringToObject(jg, "state", gate_state(L));
    cJSON_AddItemToObject(jg, "v_c", ssoc_json_number(pf->params.p[SSOC_P_VC]));
    cJSON_AddStringToObject(jg, "definition", gate_definition);
    cJSON *je = cJSON_AddObjectToObject(r, "extrapolation");
    cJSON_AddBoolToObject(je, "known", pf->has_range);
    cJSON_AddBoolToObject(je, "x", (p->extrap & SSOC_EXTRAP_X) != 0);
    cJSON_AddBoolToObject(je, "v_f", (p->extrap & SSOC_EXTRAP_VF) != 0);
    cJSON_AddBoolToObject(je, "T", (p->extrap & SSOC_EXTRAP_T) != 0);
    cJSON_AddItemToObject(r, "single_temperature", ssoc_json_one_T(pf->has_range ? &pf->range : NULL));
    if (p->boot) {
        json_band(r, "band", &p->conf, p->boot, "confidence", SSOC_BAND_WORDS_CONFIDENCE);
        if (p->has_pred)
            json_band(r, "prediction_band", &p->pred, p->boot, "prediction", SSOC_BAND_WORDS_PREDICTION);
        else
            cJSON_AddNullToObject(r, "prediction_band");
        if (p->no_pred[0])
            cJSON_AddStringToObject(r, "prediction_band_missing", p->no_pred);
    }
    char *text = cJSON_Print(r);
    cJSON_Delete(r);
    if (!text)
        return 0;
    puts(text);
    free(text);
    return 1;
}

static void text_band(const char *label, const ssoc_sigma_band *b, const ssoc_boot_result *boot, const char *words,
                      const char *note)
{
    printf("  %s = [%.6e, %.6e] S/cm, median %.6e: %.0f%% %s (%s%s, B = %zu, %zu used)\n", label, b->lo, b->hi,
           b->median, 100.0 * boot->opts.confidence, words, ssoc_ci_method_name(b->method), note, boot->B, b->used);
}

static void print_text(const predict_args *a, const ssoc_paramfile *pf, const prediction *p)
{
    const ssoc_layers *L = &p->L;
    printf("ssoc predict: x = %g, rho = %g g/cm3, T = %g K, parameters: %s (%s fit)\n", a->x, a->rho, a->T, p->source,
           ssoc_fit_method_name(pf->method));
    printf("  M        = %.6f g/mol\n", L->M_g_mol);
    printf("  rho0     = %.6f g/cm3   (close-packed S2- framework)\n", L->rho0_g_cm3);
    printf("  v_f      = %.6f         (free volume 1 - rho/rho0)\n", L->v_f);
    printf("  n_Li     = %.6e cm^-3\n", L->n_Li_cm3);
    printf("  a        = %.6e cm      (jump length n_Li^(-1/3))\n", L->a_cm);
    printf("  D_PCC    = %.10e cm2/s\n", L->D_PCC_cm2_s);
    printf("  p_active = %.10f         (Hill gating)\n", L->p_active);
    printf("  D_hop    = %.10e cm2/s\n", L->D_hop_cm2_s);
    printf("  f_eff    = %.10e         (ln f_eff = %.6f)\n", L->f_eff, L->ln_f_eff);
    printf("  Ea       = %.6f eV      (apparent activation energy, E0 - alpha_E v_f%s)\n", L->Ea_eV,
           p->one_T ? "; assumed, not measured: see the caveat below" : "");
    printf("  Hill gate = %-6s  (the model's gate: open when p_active >= 1/2, i.e. v_f <= v_c = %.4g; not the "
           "data's PCC/SCC label, which comes from d_max)\n",
           gate_state(L), pf->params.p[SSOC_P_VC]);
    printf("  sigma    = %.10e S/cm\n", L->sigma_S_cm);
    if (p->boot) {
        text_band("confidence band", &p->conf, p->boot, SSOC_BAND_WORDS_CONFIDENCE, ssoc_cli_band_fallback(p->boot));
        if (p->has_pred)
            text_band("prediction band", &p->pred, p->boot, SSOC_BAND_WORDS_PREDICTION, "");
        else
            printf("  prediction band: none (%s)\n", p->no_pred);
    }
    if (!pf->has_range)
        printf("  extrapolation: unknown (the parameter file records no data range)\n");
    else if (p->extrap)
        printf("  EXTRAPOLATION: %s%s%soutside the fitted data (x %.3g-%.3g, v_f %.3g-%.3g, T %.4g-%.4g K)\n",
               p->extrap & SSOC_EXTRAP_X ? "x " : "", p->extrap & SSOC_EXTRAP_VF ? "v_f " : "",
               p->extrap & SSOC_EXTRAP_T ? "T " : "", pf->range.x_min, pf->range.x_max, pf->range.vf_min,
               pf->range.vf_max, pf->range.T_min_K, pf->range.T_max_K);
    else
        printf("  within the range of the fitted data\n");
    if (p->one_T) {
        char caveat[512];
        ssoc_data_one_T_caveat(pf->range.T_min_K, caveat, sizeof caveat);
        printf("  CAVEAT: %s.\n", caveat);
    }
}

int ssoc_cmd_predict(int argc, char **argv)
{
    const char *cmd = "predict";
    predict_args a;
    int rc = parse_args(cmd, argc, argv, &a);
    if (rc != PARSE_GO)
        return rc;
    ssoc_error err;
    ssoc_error_clear(&err);
    ssoc_paramfile pf;
    memset(&pf, 0, sizeof pf);
    ssoc_dataset *d = NULL;
    ssoc_boot_result *boot = NULL;
    prediction p;
    memset(&p, 0, sizeof p);
    rc = SSOC_EXIT_OK;
    if (load_params(&a, &pf, &d, &boot, &p.source, &err) != SSOC_OK ||
        compute(&a, &pf, boot ? boot : pf.boot, &p, &err) != SSOC_OK)
        goto fail;
    if (a.json) {
        if (!print_json(&a, &pf, &p)) {
            SSOC_ERR(&err, SSOC_ENOMEM, "out of memory rendering JSON");
            goto fail;
        }
    } else {
        print_text(&a, &pf, &p);
    }
    goto done;
fail:
    rc = ssoc_cli_fail(cmd, &err);
done:
    ssoc_boot_result_free(boot);
    ssoc_paramfile_clear(&pf);
    ssoc_dataset_free(d);
    return rc;
}
