/* ssoc query: which designs of a finished sweep reach a target conductivity at a stated confidence
 * (include/ssoc/query.h). Parsing and checks here; the answer is computed and worded by src/query.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ssoc/plausible.h"
#include "ssoc/query.h"
#include "ssoc/sweepfile.h"

static const char help[] =
    "usage: ssoc query OUT.h5 --sigma TARGET [--confidence C] [--T T[,T...]] [--points] [--json | --csv]\n"
    "\n"
    "Which designs (x, rho) of a sweep file reach sigma >= TARGET [S/cm] with P(sigma >= TARGET) >= C, P being the\n"
    "fraction of the file's bootstrap replicates whose model sigma at that grid point reaches the target (a\n"
    "confidence about the mean model, not the chance that one new MD run reaches it). Per temperature: how many\n"
    "grid points qualify, the region's extent in x and rho, how many of them lie outside the fitted x or v_f\n"
    "(the file's extrapolation flags), the best design inside the fitted x and v_f and the best anywhere on the\n"
    "grid (the highest P; among equal P the highest sigma) with P, sigma and the file's band of sigma; then the\n"
    "answer in words.\n"
    "\n"
    "P comes from /sigma/p_exceed when the sweep had this [target] sigma; for any other target it is recomputed\n"
    "from the file's replicate table with the sweep's kernel (the same numbers, to the bit, for the sweep's own\n"
    "target), so every sweep file answers every target.\n"
    "\n"
    "options:\n"
    "  --sigma S       target conductivity in S/cm (required; 3 mS/cm is 3e-3). A value outside 1e-10 to 1 S/cm\n"
    "                  (e.g. 3, meant as mS/cm) or more than 10 times above the model's largest sigma on the grid\n"
    "                  is refused as a likely unit mistake\n"
    "  --confidence C  the least P(sigma >= S), in (0, 1] (default 0.95)\n"
    "  --T T[,T...]    only these temperatures [K], each one of the file's (default: all of them)\n"
    "  --points        also list every qualifying grid point (with --csv: one CSV row per point instead)\n"
    "  --recompute     recompute P from the replicate table even where the file stores it for this target\n"
    "  --json          machine-readable answer (numbers round-trip exactly; null where undefined)\n"
    "  --csv           one row per temperature (flags spelt out as true/false columns), or per point with --points\n"
    "  --allow-implausible  accept a target outside the plausible range (a deliberate out-of-range study)\n"
    "  -h, --help      this text\n"
    "The same region is drawn on the map by 'ssoc plot OUT.h5 --sigma S [--confidence C]'.\n"
    "Exit codes: 0 ok (also when no design qualifies: the answer says so), 1 unreadable or invalid sweep file,\n"
    "2 usage.\n";

typedef struct query_args {
    const char *path, *sigma_s, *conf_s, *T_s;
    int json, csv, points, recompute, allow;
} query_args;

/* Returns -1 to go on, or the exit code (help printed, usage error). */
static int parse_args(int argc, char **argv, query_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; ++i) {
        const char *s = argv[i];
        int m;
        if ((m = ssoc_cli_opt("query", argc, argv, &i, "--sigma", &a->sigma_s)) != 0 ||
            (m = ssoc_cli_opt("query", argc, argv, &i, "--confidence", &a->conf_s)) != 0 ||
            (m = ssoc_cli_opt("query", argc, argv, &i, "--T", &a->T_s)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
        } else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            fputs(help, stdout);
            return SSOC_EXIT_OK;
        } else if (!strcmp(s, "--json"))
            a->json = 1;
        else if (!strcmp(s, "--csv"))
            a->csv = 1;
        else if (!strcmp(s, "--points"))
            a->points = 1;
        else if (!strcmp(s, "--recompute"))
            a->recompute = 1;
        else if (!strcmp(s, "--allow-implausible"))
            a->allow = 1;
        else if (s[0] == '-' && s[1]) {
            static const char *const own[] = {"--help", "--sigma", "--confidence", "--T", "--points", "--recompute",
                                              "--json", "--csv", "--allow-implausible", NULL};
            return ssoc_cli_unknown_option("query", s, own, 0);
        } else if (a->path)
            return ssoc_cli_usage_error("query", "more than one sweep file ('%s' and '%s')", a->path, s);
        else
            a->path = s;
    }
    if (!a->path)
        return ssoc_cli_usage_error("query", "missing OUT.h5 (a file written by 'ssoc sweep')");
    if (!a->sigma_s)
        return ssoc_cli_usage_error("query", "missing --sigma TARGET (the target conductivity in S/cm, e.g. 3e-3)");
    if (a->json && a->csv)
        return ssoc_cli_usage_error("query", "--json and --csv exclude each other");
    return -1;
}

static int emit(const query_args *a, const ssoc_query *q)
{
    char *s = a->json ? ssoc_query_json(q) : a->csv ? ssoc_query_csv(q, a->points) : ssoc_query_text(q, a->points);
    if (!s) {
        fprintf(stderr, "ssoc: query: out of memory\n");
        return SSOC_EXIT_RUNTIME;
    }
    const int rc = fputs(s, stdout) < 0 || fflush(stdout) != 0 ? SSOC_EXIT_RUNTIME : SSOC_EXIT_OK;
    free(s);
    if (rc)
        fprintf(stderr, "ssoc: query: cannot write to standard output\n");
    return rc;
}

int ssoc_cmd_query(int argc, char **argv)
{
    query_args a;
    int rc = parse_args(argc, argv, &a);
    double target, conf, T[256];
    size_t nT = 0;
    if (rc < 0)
        rc = ssoc_cli_target("query", a.sigma_s, a.conf_s, a.allow, &target, &conf);
    if (rc < 0 && a.T_s && ssoc_cli_parse_T_list("query", a.T_s, T, sizeof T / sizeof T[0], &nT) != SSOC_EXIT_OK)
        rc = SSOC_EXIT_USAGE;
    if (rc >= 0)
        return rc;
    ssoc_error err = {0};
    ssoc_sweepfile *sf = NULL;
    if (ssoc_sweepfile_open(a.path, &sf, &err) != SSOC_OK)
        return ssoc_cli_fail("query", &err);
    size_t idx[256], nidx = 0;
    if (nT && ssoc_cli_file_T("query", sf, T, nT, idx, &nidx) != SSOC_EXIT_OK)
        rc = SSOC_EXIT_USAGE;
    if (rc < 0)
        rc = ssoc_cli_target_reach("query", sf, nT ? idx : NULL, nidx, target, a.allow);
    ssoc_query *q = NULL;
    const ssoc_query_opts o = {.target_S_cm = target, .confidence = conf, .its = nT ? idx : NULL, .nits = nidx,
                               .recompute = a.recompute, .keep_points = a.points};
    if (rc < 0 && ssoc_query_run(sf, &o, &q, &err) != SSOC_OK)
        rc = ssoc_cli_fail("query", &err);
    ssoc_sweepfile_free(sf);
    if (rc < 0)
        rc = emit(&a, q);
    ssoc_query_free(q);
    return rc;
}
