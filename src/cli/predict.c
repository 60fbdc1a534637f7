/* ssoc predict: sigma and every model layer at one (x, rho, T), with extrapolation flags and,
 * from a bootstrap, a band. */
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
    "usage: ssoc predict --x X --rho RHO [--T T] [--params published|FILE.json] [--data CSV [--method M]\n"
    "                    [--fix NAME=VALUE]... [--boot B ...]] [--json]\n"
    "\n"
    "Evaluate the SSOC model at one composition x, density rho [g/cm3] and temperature T [K]: every layer\n"
    "(rho0, v_f, n_Li, jump length, D_PCC, p_active, D_hop, f_eff, sigma) and the apparent activation energy\n"
    "Ea = -k_B d ln(sigma)/d(1/T) = E0 - alpha_E v_f. Flags x, v_f or T outside the data the parameters were\n"
    "fitted to (for 'published': the shipped 500 K AIMD data).\n"
    "\n"
    "options:\n"
    "  --x X              Li2S fraction, 0 < X < 1\n"
    "  --rho RHO          density [g/cm3], > 0\n"
    "  --T T              temperature [K] (default 500)\n"
    "  --params P         'published' (SPEC section 3) or a parameter file from 'ssoc fit -o'; a file with a\n"
    "                     bootstrap table also gives the sigma band. Default: published, unless --data is given\n"
    "  --data CSV         fit the parameters to CSV and flag extrapolation against its range; with --params,\n"
    "                     CSV only sets the range\n"
    "  --method M         with --data: the estimator, joint (default) or staged (see 'ssoc fit --help')\n"
    "  --fix NAME=VALUE   with --data: hold a parameter fixed; repeatable\n"
    "  --d-crit A         with --data: PCC threshold on d_max [angstrom] (default 6.0)\n"
    "  --json             machine-readable output (full precision)\n"
    "  -h, --help         this text\n";

int ssoc_cmd_predict(int argc, char **argv)
{
    const char *cmd = "predict";
    const char *v;
    double x = NAN, rho = NAN, T = 500.0;
    int json = 0, m;
    ssoc_cli_source src;
    ssoc_cli_source_init(&src);
    ssoc_error err;
    ssoc_error_clear(&err);

    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if ((m = ssoc_cli_source_opt(cmd, help, argc, argv, &i, &src, SSOC_CLI_SOURCE_PARAMS)) != 0) {
            if (m < 0 || m == SSOC_CLI_HELP)
                return m < 0 ? SSOC_EXIT_USAGE : SSOC_EXIT_OK;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--x", &v)) != 0) {
            if (m < 0 || ssoc_cli_parse_double(cmd, "--x", v, &x) != SSOC_EXIT_OK)
                return SSOC_EXIT_USAGE;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--rho", &v)) != 0) {
            if (m < 0 || ssoc_cli_parse_double(cmd, "--rho", v, &rho) != SSOC_EXIT_OK)
                return SSOC_EXIT_USAGE;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--T", &v)) != 0) {
            if (m < 0 || ssoc_cli_parse_double(cmd, "--T", v, &T) != SSOC_EXIT_OK)
                return SSOC_EXIT_USAGE;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else {
            static const char *const own[] = {"--x", "--rho", "--T", "--json", NULL};
            if (a[0] == '-' && a[1])
                return ssoc_cli_unknown_option(cmd, a, own, 2);
            return ssoc_cli_usage_error(cmd, "unexpected argument '%s'", a);
        }
    }
    if (isnan(x) || isnan(rho))
        return ssoc_cli_usage_error(cmd, "--x and --rho are required");
    if (!(x > 0.0 && x < 1.0))
        return ssoc_cli_usage_error(cmd, "option --x: %g must lie strictly between 0 and 1%s", x,
                                    x > 1.0 && x < 100.0 ? " (a percentage? x is the Li2S fraction: 75 mol% is 0.75)" : "");
    if (!(rho > 0.0))
        return ssoc_cli_usage_error(cmd, "option --rho: %g must be > 0 g/cm3", rho);
    if (!(T > 0.0)) {
        if (T > -273.15)
            return ssoc_cli_usage_error(cmd, "option --T: %g must be > 0 K (degrees Celsius? %g C = %.6g K)", T, T,
                                        T + 273.15);
        return ssoc_cli_usage_error(cmd, "option --T: %g must be > 0 K", T);
    }
    if (ssoc_cli_plausible(cmd, "--rho", SSOC_QTY_RHO, rho, src.allow_implausible) ||
        ssoc_cli_plausible(cmd, "--T", SSOC_QTY_T, T, src.allow_implausible))
        return SSOC_EXIT_USAGE;
    const char *params_arg = src.params_arg, *data_path = src.data_path;
    if (src.want_boot && (!data_path || params_arg))
        return ssoc_cli_usage_error(cmd, "--boot needs --data (and no --params): the band comes from refitting the data");
    if (src.nfix && (!data_path || params_arg))
        return ssoc_cli_usage_error(cmd, "--fix applies only when fitting --data (without --params)");
    if (src.method_set && (!data_path || params_arg))
        return ssoc_cli_usage_error(cmd, "--method applies only when fitting --data (without --params): a parameter "
                                         "file records the method it was fitted with");

    ssoc_paramfile pf;
    memset(&pf, 0, sizeof pf);
    ssoc_dataset *d = NULL;
    ssoc_boot_result *boot = NULL;
    const char *source;
    int rc = SSOC_EXIT_OK;
    const char *range_path = data_path ? data_path : NULL;
    if (!params_arg && !data_path)
        params_arg = "published";
    if (params_arg && !strcmp(params_arg, "published") && !range_path)
        range_path = ssoc_cli_shipped_data();
    if (range_path && ssoc_data_read_csv_ex(range_path, src.d_crit, src.allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u, &d, &err) != SSOC_OK)
        goto fail;
    ssoc_data_range range;
    if (d)
        ssoc_dataset_range(d, &range);
    if (params_arg && !strcmp(params_arg, "published")) {
        ssoc_paramfile_published(&pf, &range);
        source = "published";
    } else if (params_arg) {
        if (ssoc_paramfile_read(params_arg, &pf, &err) != SSOC_OK)
            goto fail;
        if (d) {
            pf.range = range;
            pf.has_range = 1;
        }
        source = params_arg;
    } else {
        if (ssoc_cli_source_fit(cmd, &src, d, &pf, &boot, &err) != SSOC_OK)
            goto fail;
        source = data_path;
    }

    ssoc_layers L;
    ssoc_model_eval(&pf.params, x, rho, T, &L);
    if (!isfinite(L.sigma_S_cm)) {
        SSOC_ERR(&err, SSOC_EDATA, "sigma is not finite at x = %g, rho = %g, T = %g with these parameters", x, rho, T);
        goto fail;
    }
    ssoc_sigma_band bd = {0};
    const ssoc_boot_result *bsrc = boot ? boot : pf.boot;
    if (bsrc && ssoc_boot_sigma_band(bsrc, x, rho, T, L.sigma_S_cm, NULL, &bd, &err) != SSOC_OK) {
        if (err.code == SSOC_EFIT)
            SSOC_ERR(&err, SSOC_EFIT, "fewer than 2 bootstrap %s give a finite sigma at this point",
                     bd.used < 2 ? "replicates" : "jackknife fits");
        goto fail;
    }
    const int ext_x = pf.has_range && (x < pf.range.x_min || x > pf.range.x_max);
    const int ext_vf = pf.has_range && (L.v_f < pf.range.vf_min || L.v_f > pf.range.vf_max);
    const int ext_T = pf.has_range && (T < pf.range.T_min_K || T > pf.range.T_max_K);
    /* The model's regimes: compressed glass (v_f <= 0) is never gated; otherwise the Hill midpoint
     * v_c separates percolating (p_active > 1/2, PCC) from gated (SCC) transport. */
    const char *regime = L.v_f <= 0.0 ? "PCC" : (L.p_active >= 0.5 ? "PCC" : "SCC");

    if (json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "params", source);
        cJSON_AddStringToObject(r, "method", ssoc_fit_method_name(pf.method));
        cJSON *in = cJSON_AddObjectToObject(r, "input");
        cJSON_AddItemToObject(in, "x", ssoc_json_number(x));
        cJSON_AddItemToObject(in, "rho_g_cm3", ssoc_json_number(rho));
        cJSON_AddItemToObject(in, "T_K", ssoc_json_number(T));
        cJSON *jl = cJSON_AddObjectToObject(r, "layers");
        cJSON_AddItemToObject(jl, "M_g_mol", ssoc_json_number(L.M_g_mol));
        cJSON_AddItemToObject(jl, "rho0_g_cm3", ssoc_json_number(L.rho0_g_cm3));
        cJSON_AddItemToObject(jl, "v_f", ssoc_json_number(L.v_f));
        cJSON_AddItemToObject(jl, "n_Li_cm3", ssoc_json_number(L.n_Li_cm3));
        cJSON_AddItemToObject(jl, "a_cm", ssoc_json_number(L.a_cm));
        cJSON_AddItemToObject(jl, "D_PCC_cm2_s", ssoc_json_number(L.D_PCC_cm2_s));
        cJSON_AddItemToObject(jl, "p_active", ssoc_json_number(L.p_active));
        cJSON_AddItemToObject(jl, "D_hop_cm2_s", ssoc_json_number(L.D_hop_cm2_s));
        cJSON_AddItemToObject(jl, "ln_f_eff", ssoc_json_number(L.ln_f_eff));
        cJSON_AddItemToObject(jl, "f_eff", ssoc_json_number(L.f_eff));
        cJSON_AddItemToObject(r, "sigma_S_cm", ssoc_json_number(L.sigma_S_cm));
        cJSON_AddItemToObject(r, "Ea_eV", ssoc_json_number(L.Ea_eV));
        cJSON_AddStringToObject(r, "regime", regime);
        cJSON *je = cJSON_AddObjectToObject(r, "extrapolation");
        cJSON_AddBoolToObject(je, "known", pf.has_range);
        cJSON_AddBoolToObject(je, "x", ext_x);
        cJSON_AddBoolToObject(je, "v_f", ext_vf);
        cJSON_AddBoolToObject(je, "T", ext_T);
        if (bsrc) {
            cJSON *jb = ssoc_json_add_band(r, "band", bd.lo, bd.median, bd.hi);
            cJSON_AddItemToObject(jb, "confidence", ssoc_json_number(bsrc->opts.confidence));
            cJSON_AddStringToObject(jb, "interval", ssoc_ci_method_name(bd.method));
            cJSON_AddItemToObject(jb, "B", ssoc_json_number((double)bsrc->B));
            cJSON_AddItemToObject(jb, "replicates_used", ssoc_json_number((double)bd.used));
        }
        char *text = cJSON_Print(r);
        cJSON_Delete(r);
        if (!text) {
            SSOC_ERR(&err, SSOC_ENOMEM, "out of memory rendering JSON");
            goto fail;
        }
        puts(text);
        free(text);
    } else {
        printf("ssoc predict: x = %g, rho = %g g/cm3, T = %g K, parameters: %s (%s fit)\n", x, rho, T, source,
               ssoc_fit_method_name(pf.method));
        printf("  M        = %.6f g/mol\n", L.M_g_mol);
        printf("  rho0     = %.6f g/cm3   (close-packed S2- framework)\n", L.rho0_g_cm3);
        printf("  v_f      = %.6f         (free volume 1 - rho/rho0)\n", L.v_f);
        printf("  n_Li     = %.6e cm^-3\n", L.n_Li_cm3);
        printf("  a        = %.6e cm      (jump length n_Li^(-1/3))\n", L.a_cm);
        printf("  D_PCC    = %.10e cm2/s\n", L.D_PCC_cm2_s);
        printf("  p_active = %.10f         (Hill gating)\n", L.p_active);
        printf("  D_hop    = %.10e cm2/s\n", L.D_hop_cm2_s);
        printf("  f_eff    = %.10e         (ln f_eff = %.6f)\n", L.f_eff, L.ln_f_eff);
        printf("  Ea       = %.6f eV      (apparent activation energy, E0 - alpha_E v_f)\n", L.Ea_eV);
        printf("  regime   = %s\n", regime);
        printf("  sigma    = %.10e S/cm\n", L.sigma_S_cm);
        if (bsrc)
            printf("  band     = [%.6e, %.6e] S/cm, median %.6e (%.0f%% %s, B = %zu, %zu used)\n", bd.lo, bd.hi,
                   bd.median, 100.0 * bsrc->opts.confidence, ssoc_ci_method_name(bd.method), bsrc->B, bd.used);
        if (!pf.has_range)
            printf("  extrapolation: unknown (the parameter file records no data range)\n");
        else if (ext_x || ext_vf || ext_T)
            printf("  EXTRAPOLATION: %s%s%soutside the fitted data (x %.3g-%.3g, v_f %.3g-%.3g, T %.4g-%.4g K)\n",
                   ext_x ? "x " : "", ext_vf ? "v_f " : "", ext_T ? "T " : "", pf.range.x_min, pf.range.x_max,
                   pf.range.vf_min, pf.range.vf_max, pf.range.T_min_K, pf.range.T_max_K);
        else
            printf("  within the range of the fitted data\n");
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
