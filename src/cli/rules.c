/* ssoc rules: the design-rule report of a finished sweep file (the same one `ssoc sweep` prints). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ssoc/report.h"

static const char help[] =
    "usage: ssoc rules OUT.h5 [--json | --csv]\n"
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
    "  --csv        one row per optimum (kind rho_opt | rho_opt_grid_best | x_opt), with a header row\n"
    "  -h, --help   this text\n"
    "Exit codes: 0 ok, 1 unreadable or invalid sweep file, 2 usage.\n";

int ssoc_cmd_rules(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0, csv = 0;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return SSOC_EXIT_OK;
        } else if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--csv"))
            csv = 1;
        else if (a[0] == '-' && a[1])
            return ssoc_cli_usage_error("rules", "unknown option '%s'", a);
        else if (path)
            return ssoc_cli_usage_error("rules", "more than one sweep file ('%s' and '%s')", path, a);
        else
            path = a;
    }
    if (!path)
        return ssoc_cli_usage_error("rules", "missing OUT.h5 (a file written by 'ssoc sweep')");
    if (json && csv)
        return ssoc_cli_usage_error("rules", "--json and --csv exclude each other");
    ssoc_error err = {0};
    ssoc_report *rep = NULL;
    if (ssoc_report_from_file(path, &rep, &err) != SSOC_OK)
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
