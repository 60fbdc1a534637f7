/* ssoc fit: the fit (joint or staged) of a user's MD data, with optional bootstrap bands. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/plausible.h"
#include "cli.h"
#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/io.h"
#include "ssoc/model.h"
#include "ssoc/outpath.h"
#include "ssoc/paramfile.h"

static const char help[] =
    "usage: ssoc fit DATA.csv [--method joint|staged] [--fix NAME=VALUE]... [--free ln_A] [--d-crit A] [--boot B ...]\n"
    "                [--json] [-o FILE.json] [--parity P.png] [--force]\n"
    "\n"
    "Fit the 8 SSOC parameters to MD data. Two estimators (--method):\n"
    "  joint (default): all free parameters at once, nonlinear least squares on ln D_hop and ln sigma of every\n"
    "    point, the Hill gate wherever v_f > 0 as in the model; started from the staged solution.\n"
    "  staged: three least-squares stages (docs/MODEL.md, \"Fitting\"); they reproduce the published set:\n"
    "    1. E0, alpha_E from the PCC points (linear in 1/kT and v_f/kT),\n"
    "    2. v_c, n_H from the SCC points (Levenberg-Marquardt on ln D_hop),\n"
    "    3. beta0..beta3 from all points (linear in 1, x, v_f, v_f^2).\n"
    "  docs/UNCERTAINTY.md says why joint is the default: the staged fit is biased when PCC points sit at\n"
    "  v_f > 0, and the joint fit's bootstrap bands cover (benchmarks/COVERAGE.md).\n"
    "Prints the parameters with units, the fit quality and a per-point table.\n"
    "\n"
    "DATA.csv columns (by header name, any order, extra columns ignored, '#' lines are comments):\n"
    "  x, rho [g/cm3], T [K], D_hop [cm2/s], sigma [S/cm], and regime (PCC|SCC) or d_max [angstrom]\n"
    "\n"
    "options:\n"
    "  --method M         joint (default) or staged\n"
    "  --fix NAME=VALUE   hold a parameter fixed (E0, alpha_E [eV], v_c, n_H, beta0..beta3, ln_A); repeatable\n"
    "  --free ln_A        also fit ln A, the log of a multiplier on the attempt frequency k_B T/h (held at 0\n"
    "                     otherwise); needs data at two or more temperatures. The report then says how much\n"
    "                     freeing it moves E0\n"
    "  --d-crit A         PCC when d_max < A angstrom (default 6.0; used when there is no regime column)\n"
    "  --json             print the parameter file (JSON) to standard output instead of the report\n"
    "  -o FILE.json       also write the parameter file (names, values, units, fixed, metrics, data SHA-256,\n"
    "                     and with --boot the bands, the B x 9 replicate table and the residual pool)\n"
    "  --parity P.png     also draw the parity plot (predicted vs observed sigma, log-log, 1:1 and factor-2 lines,\n"
    "                     PCC/SCC by symbol, the worst point labelled; with --boot each point's confidence band\n"
    "                     of the mean model); .png, .svg or .pdf\n"
    "  --force            replace FILE.json and the picture if they exist (never overwritten otherwise)\n"
    "  -h, --help         this text\n";

/* With ln A free: E0 of the same fit with ln A held at 0 (alt), and whether the difference lies
 * inside E0's band. */
static void print_lnA_test(const ssoc_fit_result *fit, const ssoc_fit_result *alt, const ssoc_boot_result *boot)
{
    const double e_free = fit->params.p[SSOC_P_E0], e_fixed = alt->params.p[SSOC_P_E0];
    printf("Attempt frequency: ln A = %.4g fitted (A = %.3g times k_B T/h). Freeing ln A moves E0 from %.6f eV "
           "(ln A held at 0) to %.6f eV, by %+.6f eV",
           fit->params.p[SSOC_P_LNA], exp(fit->params.p[SSOC_P_LNA]), e_fixed, e_free, e_free - e_fixed);
    if (boot)
        printf(": %s E0's band [%.6f, %.6f]", e_fixed >= boot->lo[SSOC_P_E0] && e_fixed <= boot->hi[SSOC_P_E0]
                                                   ? "the fixed-prefactor E0 lies inside"
                                                   : "the fixed-prefactor E0 lies OUTSIDE",
               boot->lo[SSOC_P_E0], boot->hi[SSOC_P_E0]);
    printf(".\n\n");
}

static void print_report(const ssoc_dataset *d, const ssoc_fit_result *fit, const ssoc_boot_result *boot)
{
    const ssoc_params *p = &fit->params;
    static const char *const scheme_words[] = {
        [SSOC_BOOT_STRATIFIED] = "rows resampled within each regime",
        [SSOC_BOOT_CASE] = "rows resampled",
        [SSOC_BOOT_RESIDUAL] = "residuals resampled",
    };
    printf("ssoc fit: %s\n", d->path);
    printf("  %zu points (%zu PCC, %zu SCC), sha256 %s\n", d->n, d->n_pcc, d->n_scc, d->sha256);
    if (fit->method == SSOC_FIT_JOINT)
        printf("  estimator: joint (all free parameters at once on ln D_hop and ln sigma; %d iterations from the "
               "staged start)\n\n",
               fit->joint_iterations);
    else
        printf("  estimator: staged (the three stages of the SSOC paper)\n\n");
    if (boot) {
        char how[96];
        if (ssoc_boot_band_method(boot) == SSOC_CI_EXPANDED)
            snprintf(how, sizeof how, "expanded percentile (quantiles at the %.4g%% level for %.1f residual dof)",
                     100.0 * ssoc_boot_band_level(boot), boot->dof);
        else
            snprintf(how, sizeof how, "%s", boot->opts.interval == SSOC_CI_BCA ? "BCa" : "percentile");
        printf("Parameters (point fit; %.0f%% confidence band, %s, over B = %zu bootstrap replicates, %zu failed, "
               "seed %llu, %s scheme: %s)\n",
               100.0 * boot->opts.confidence, how, boot->B, boot->n_failed, (unsigned long long)boot->opts.seed,
               ssoc_boot_scheme_name(boot->opts.scheme), scheme_words[boot->opts.scheme]);
    } else
        printf("Parameters\n");
    printf("  %-8s %14s  %-3s", "name", "value", "unit");
    if (boot)
        printf(" %14s %14s %12s", "band lo", "band hi", "std err");
    printf("\n");
    for (int i = 0; i <= SSOC_NPARAM; ++i) {
        const int derived = i == SSOC_NPARAM;
        const double v = derived ? ssoc_params_vf_star(p) : p->p[i];
        printf("  %-8s %14.8g  %-3s", derived ? "vf_star" : ssoc_param_name(i), v, derived ? "1" : ssoc_param_unit(i));
        if (boot)
            printf(" %14.8g %14.8g %12.4g", boot->lo[i], boot->hi[i], boot->se[i]);
        if (!derived && ((fit->fixed_mask >> i) & 1u))
            printf("  (fixed)");
        if (derived)
            printf("  (= -beta2/(2 beta3), peak of ln f_eff)");
        printf("\n");
    }
    const double kT500 = SSOC_KB_EV_K * 500.0;
    printf("  at 500 K: E0/kT = %.6g, alpha_E/kT = %.6g\n", p->p[SSOC_P_E0] / kT500, p->p[SSOC_P_ALPHA_E] / kT500);
    ssoc_data_range range;
    ssoc_dataset_range(d, &range);
    if (ssoc_data_range_one_T(&range)) {
        char caveat[512];
        ssoc_data_one_T_caveat(range.T_min_K, caveat, sizeof caveat);
        printf("  CAVEAT: %s; E0's band leaves it out.\n", caveat);
    }
    printf("\n");

    const ssoc_metrics *m = &fit->metrics;
    printf("Fit quality (log10 sigma, %zu points)\n", m->n);
    printf("  r = %.5f   RMSE = %.6f   mean ratio pred/obs = %.4f   median ratio = %.4f\n", m->r_log10_sigma,
           m->rmse_log10_sigma, m->mean_ratio, m->median_ratio);
    printf("  r(log10 D_hop): all %.4f, PCC %.4f, SCC %.4f   r(ln f_eff) = %.4f\n\n", m->r_log10_D_all,
           m->r_log10_D_pcc, m->r_log10_D_scc, m->r_ln_f);

    printf("Per point (obs = data, pred = model; f obs is the f_eff implied by the observed sigma and D_hop)\n");
    printf("  %5s %6s %6s %6s %-3s %8s %10s %10s %6s %9s %9s %10s %10s %6s\n", "line", "x", "rho", "T", "reg",
           "v_f", "D_hop obs", "D_hop pred", "ratio", "f obs", "f pred", "sigma obs", "sigma pred", "ratio");
    for (size_t i = 0; i < d->n; ++i) {
        ssoc_layers L;
        ssoc_model_eval(p, d->x[i], d->rho_g_cm3[i], d->T_K[i], &L);
        const double kT_J = SSOC_KB_J_K * d->T_K[i];
        const double f_obs = d->sigma_S_cm[i] * kT_J / (L.n_Li_cm3 * SSOC_E_C * SSOC_E_C * d->D_hop_cm2_s[i]);
        printf("  %5d %6.3f %6.3f %6.1f %-3s %8.4f %10.4e %10.4e %6.3f %9.3e %9.3e %10.4e %10.4e %6.3f\n", d->line[i],
               d->x[i], d->rho_g_cm3[i], d->T_K[i], d->regime[i] == SSOC_REGIME_PCC ? "PCC" : "SCC", L.v_f,
               d->D_hop_cm2_s[i], L.D_hop_cm2_s, L.D_hop_cm2_s / d->D_hop_cm2_s[i], f_obs, L.f_eff, d->sigma_S_cm[i],
               L.sigma_S_cm, L.sigma_S_cm / d->sigma_S_cm[i]);
    }
}

int ssoc_cmd_fit(int argc, char **argv)
{
    const char *cmd = "fit";
    const char *data_path = NULL, *out_path = NULL, *parity = NULL, *v;
    int json = 0, force = 0, m;
    ssoc_cli_source src;
    ssoc_cli_source_init(&src);
    ssoc_error err;
    ssoc_error_clear(&err);

    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if ((m = ssoc_cli_source_opt(cmd, help, argc, argv, &i, &src, 0)) != 0) {
            if (m < 0 || m == SSOC_CLI_HELP)
                return m < 0 ? SSOC_EXIT_USAGE : SSOC_EXIT_OK;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            out_path = v;
        } else if ((m = ssoc_cli_opt(cmd, argc, argv, &i, "--parity", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            parity = v;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const own[] = {"-o", "--json", "--force", "--parity", NULL};
            return ssoc_cli_unknown_option(cmd, a, own, 1);
        } else if (data_path) {
            return ssoc_cli_usage_error(cmd, "one data file expected, got '%s' and '%s'", data_path, a);
        } else {
            data_path = a;
        }
    }
    if (!data_path)
        return ssoc_cli_usage_error(cmd, "missing DATA.csv");
    /* Refuse before doing any work: an existing result is never lost, and a path that cannot be
     * written (a directory, a device, a link, too long) is found now, not after the bootstrap. */
    if (ssoc_cli_check_output_arg(cmd, out_path))
        return SSOC_EXIT_USAGE;
    if (out_path && ssoc_outpath_check(out_path, force ? SSOC_OUTPATH_FORCE : 0, &err) != SSOC_OK)
        return ssoc_cli_fail(cmd, &err);
    if (parity && (m = ssoc_cli_picture_check(cmd, "--parity", parity, force)) != SSOC_EXIT_OK)
        return m;

    ssoc_dataset *d = NULL;
    ssoc_fit_result fit, alt;
    ssoc_boot_result *boot = NULL;
    int rc = SSOC_EXIT_OK;
    const int lnA_free = !((src.fo.fixed_mask >> SSOC_P_LNA) & 1u);
    ssoc_fit_opts fixed_lnA = src.fo;
    fixed_lnA.fixed_mask |= 1u << SSOC_P_LNA;
    fixed_lnA.fixed.p[SSOC_P_LNA] = 0.0;
    if (ssoc_data_read_csv_ex(data_path, src.d_crit, src.allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u, &d, &err) != SSOC_OK ||
        ssoc_fit_run(d, &src.fo, &fit, &err) != SSOC_OK ||
        (lnA_free && ssoc_fit_run(d, &fixed_lnA, &alt, &err) != SSOC_OK) ||
        (src.want_boot && ssoc_cli_boot_run(cmd, d, &src.fo, &fit.params, &src.bo, &boot, &err) != SSOC_OK)) {
        rc = ssoc_cli_fail(cmd, &err);
        goto done;
    }
    if (json) {
        char *text = ssoc_paramfile_to_json(&fit, d, boot);
        if (!text) {
            SSOC_ERR(&err, SSOC_ENOMEM, "out of memory rendering JSON");
            rc = ssoc_cli_fail(cmd, &err);
            goto done;
        }
        puts(text);
        free(text);
    } else {
        print_report(d, &fit, boot);
        if (lnA_free)
            print_lnA_test(&fit, &alt, boot);
    }
    if (out_path) {
        if (ssoc_paramfile_write(out_path, &fit, d, boot, force, &err) != SSOC_OK) {
            rc = ssoc_cli_fail(cmd, &err);
            goto done;
        }
        if (!json)
            printf("\nparameter file written: %s\n", out_path);
    }
    if (parity) {
        if (ssoc_cli_parity_fit(parity, force, d, &fit, boot, &err) != SSOC_OK) {
            rc = ssoc_cli_fail(cmd, &err);
            goto done;
        }
        if (!json)
            printf("parity plot written: %s\n", parity);
    }
    if (fflush(stdout) != 0) {
        SSOC_ERR(&err, SSOC_EIO, "standard output: write failed");
        rc = ssoc_cli_fail(cmd, &err);
    }
done:
    ssoc_boot_result_free(boot);
    ssoc_dataset_free(d);
    return rc;
}
