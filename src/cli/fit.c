/* ssoc fit: the three-stage fit of a user's MD data, with optional bootstrap bands. */
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
#include "ssoc/paramfile.h"

static const char help[] =
    "usage: ssoc fit DATA.csv [--fix NAME=VALUE]... [--d-crit A] [--boot B ...] [--json] [-o FILE.json [--force]]\n"
    "\n"
    "Fit the 8 SSOC parameters to MD data in three least-squares stages (SPEC section 5):\n"
    "  1. E0, alpha_E from the PCC points (linear in 1/kT and v_f/kT),\n"
    "  2. v_c, n_H from the SCC points (Levenberg-Marquardt on ln D_hop),\n"
    "  3. beta0..beta3 from all points (linear in 1, x, v_f, v_f^2).\n"
    "Prints the parameters with units, the fit quality and a per-point table.\n"
    "\n"
    "DATA.csv columns (by header name, any order, extra columns ignored, '#' lines are comments):\n"
    "  x, rho [g/cm3], T [K], D_hop [cm2/s], sigma [S/cm], and regime (PCC|SCC) or d_max [angstrom]\n"
    "\n"
    "options:\n"
    "  --fix NAME=VALUE   hold a parameter fixed (E0, alpha_E [eV], v_c, n_H, beta0..beta3); repeatable\n"
    "  --d-crit A         PCC when d_max < A angstrom (default 6.0; used when there is no regime column)\n"
    "  --json             print the parameter file (JSON) to standard output instead of the report\n"
    "  -o FILE.json       also write the parameter file (names, values, units, fixed, metrics, data SHA-256,\n"
    "                     and with --boot the bands and the B x 8 replicate table)\n"
    "  --force            replace FILE.json if it exists (it is never overwritten otherwise)\n"
    "  -h, --help         this text\n";

static void print_report(const ssoc_dataset *d, const ssoc_fit_result *fit, const ssoc_boot_result *boot)
{
    const ssoc_params *p = &fit->params;
    printf("ssoc fit: %s\n", d->path);
    printf("  %zu points (%zu PCC, %zu SCC), sha256 %s\n\n", d->n, d->n_pcc, d->n_scc, d->sha256);
    if (boot)
        printf("Parameters (point fit; %.0f%% %s band over B = %zu bootstrap replicates, %zu failed, seed %llu, %s)\n",
               100.0 * boot->opts.confidence, boot->opts.interval == SSOC_CI_BCA ? "BCa" : "percentile", boot->B,
               boot->n_failed, (unsigned long long)boot->opts.seed,
               boot->opts.scheme == SSOC_BOOT_CASE ? "case resampling" : "stratified by regime");
    else
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
    printf("  at 500 K: E0/kT = %.6g, alpha_E/kT = %.6g\n\n", p->p[SSOC_P_E0] / kT500, p->p[SSOC_P_ALPHA_E] / kT500);

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
    const char *data_path = NULL, *out_path = NULL, *v;
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
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            static const char *const own[] = {"-o", "--json", "--force", NULL};
            return ssoc_cli_unknown_option(cmd, a, own, 1);
        } else if (data_path) {
            return ssoc_cli_usage_error(cmd, "one data file expected, got '%s' and '%s'", data_path, a);
        } else {
            data_path = a;
        }
    }
    if (!data_path)
        return ssoc_cli_usage_error(cmd, "missing DATA.csv");
    /* Refuse before doing any work, so an existing result is never lost. */
    if (out_path && !force && ssoc_io_exists(out_path)) {
        SSOC_ERR(&err, SSOC_EEXISTS, "%s: exists; not overwritten (use --force to replace it)", out_path);
        return ssoc_cli_fail(cmd, &err);
    }

    ssoc_dataset *d = NULL;
    ssoc_fit_result fit;
    ssoc_boot_result *boot = NULL;
    int rc = SSOC_EXIT_OK;
    if (ssoc_data_read_csv_ex(data_path, src.d_crit, src.allow_implausible ? SSOC_PLAUSIBLE_ALLOW : 0u, &d, &err) != SSOC_OK ||
        ssoc_fit_run(d, &src.fo, &fit, &err) != SSOC_OK ||
        (src.want_boot && ssoc_boot_run(d, &src.fo, &fit.params, &src.bo, &boot, &err) != SSOC_OK)) {
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
    }
    if (out_path) {
        if (ssoc_paramfile_write(out_path, &fit, d, boot, force, &err) != SSOC_OK) {
            rc = ssoc_cli_fail(cmd, &err);
            goto done;
        }
        if (!json)
            printf("\nparameter file written: %s\n", out_path);
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
