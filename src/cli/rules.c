/* ssoc rules: the design-rule report of a finished sweep file (the same one `ssoc sweep` prints). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ssoc/report.h"
#include "ssoc/sweepfile.h"

static const char help[] =
    "usage: ssoc rules OUT.h5 [--T T[,T...]] [--json | --csv]\n"
    "\n"
    "The design rules of a sweep file written by 'ssoc sweep', for every temperature of its grid:\n"
    "  - at each composition x of the fitted data: the density rho_opt that maximises sigma, the free\n"
    "    volume v_f,opt and sigma_max there, each with its bootstrap band (the file's confidence and\n"
    "    interval), found on the continuous model within the grid's density range;\n"
    "  - the best composition on the grid and x_opt(rho) at the grid density nearest its rho_opt, from\n"
    "    /rules, with how many densities have x_opt on an edge of the x range;\n"
    "  - P(sigma >= target) at the optimum when the sweep had a [target];\n"
    "  - flags: boundary(lower|upper) when an optimum sits on an end of the range searched (not a true\n"
    "    optimum), extrapolated(x, v_f, T) when it lies outside the fitted data;\n"
    "then the design rule in plain sentences. Same report as at the end of 'ssoc sweep'.\n"
    "\n"
    "options:\n"
    "  --json       machine-readable report (numbers round-trip exactly; null where undefined)\n"
    "  --csv        one row per optimum (kind rho_opt | rho_opt_grid_best | x_opt), with a header row; the\n"
    "               flags spelt out as true/false columns (at_lower_edge, at_upper_edge, extrapolated_x,\n"
    "               extrapolated_v_f, extrapolated_T) beside the edge word\n"
    "  --T T[,T...] only these temperatures [K], each one of the file's (no interpolation); the rule is\n"
    "               then stated at one of them\n"
    "  -h, --help   this text\n"
    "Exit codes: 0 ok, 1 unreadable or invalid sweep file, 2 usage.\n";

int ssoc_cmd_rules(int argc, char **argv)
{
    const char *path = NULL, *T_s = NULL, *v = NULL;
    int json = 0, csv = 0, m;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if ((m = ssoc_cli_opt("rules", argc, argv, &i, "--T", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            T_s = v;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return SSOC_EXIT_OK;
        } else if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--csv"))
            csv = 1;
        else if (a[0] == '-' && a[1]) {
            static const char *const own[] = {"--help", "--json", "--csv", "--T", NULL};
            return ssoc_cli_unknown_option("rules", a, own, 0);
        } else if (path)
            return ssoc_cli_usage_error("rules", "more than one sweep file ('%s' and '%s')", path, a);
        else
            path = a;
    }
    if (!path)
        return ssoc_cli_usage_error("rules", "missing OUT.h5 (a file written by 'ssoc sweep')");
    if (json && csv)
        return ssoc_cli_usage_error("rules", "--json and --csv exclude each other");
    double T[256];
    size_t nT = 0;
    if (T_s && ssoc_cli_parse_T_list("rules", T_s, T, sizeof T / sizeof T[0], &nT) != SSOC_EXIT_OK)
        return SSOC_EXIT_USAGE;
    ssoc_error err = {0};
    ssoc_report *rep = NULL;
    ssoc_sweepfile *sf = NULL;
    if (ssoc_sweepfile_open(path, &sf, &err) != SSOC_OK)
        return ssoc_cli_fail("rules", &err);
    size_t idx[256], nidx = 0;
    if (nT && ssoc_cli_file_T("rules", sf, T, nT, idx, &nidx) != SSOC_EXIT_OK) {
        ssoc_sweepfile_free(sf);
        return SSOC_EXIT_USAGE;
    }
    ssoc_status st = ssoc_report_build_at(sf, nT ? idx : NULL, nidx, &rep, &err);
    ssoc_sweepfile_free(sf);
    if (st != SSOC_OK)
        return ssoc_cli_fail("rules", &err);
    char *s = json ? ssoc_report_json(rep) : csv ? ssoc_report_csv(rep) : ssoc_report_text(rep);
    ssoc_report_free(rep);
    if (!s) {
        fprintf(stderr, "ssoc: rules: out of memory\n");
        return SSOC_EXIT_RUNTIME;
    }
    int rc = fputs(s, stdout) < 0 || fflush(stdout) != 0 ? SSOC_EXIT_RUNTIME : SSOC_EXIT_OK;
    free(s);
    if (rc)
        fprintf(stderr, "ssoc: rules: cannot write to standard output\n");
    return rc;
}
