/* ssoc sweep: the (x, rho, T) sweep with bootstrap bands and design rules, MPI x OpenMP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ssoc/config.h"
#include "ssoc/h5io.h"
#include "ssoc/par.h"
#include "ssoc/suggest.h"
#include "ssoc/sweep.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: [mpirun -n N | srun] ssoc sweep CONFIG.ini [--set SECTION.KEY=VALUE]... [-o OUT.h5]\n"
            "                                  [--force] [--resume] [--quiet] [--dry-run]\n\n"
            "Fit the model to the config's data, bootstrap B replicates, evaluate sigma with bands over the\n"
            "(x, rho, T) grid and the design rules rho_opt(x, T), x_opt(rho, T), and write one HDF5 file.\n"
            "Every key is documented in configs/default.ini.\n\n"
            "  --set S.K=V   override key K of section S (repeatable); paths are relative to the current directory\n"
            "  -o OUT.h5     output file (default: [output] file, else CONFIG_BASENAME.h5 in the current directory)\n"
            "  --force       replace an existing OUT.h5 (or discard an interrupted OUT.h5.partial)\n"
            "  --resume      continue OUT.h5.partial after checking that config and data are unchanged\n"
            "  -q, --quiet   no progress and no summary on stderr\n"
            "  --dry-run     write nothing: read the data, make the point fit, then print the plan: points, replicates,\n"
            "                memory per rank, file size and an estimated time per phase on this node with this launch\n"
            "                (ranks x OMP_NUM_THREADS), from timing a few of the run's replicate fits, grid columns and\n"
            "                design-rule tasks (about a second); exit 0, or 1 with the reason when the run would stop\n"
            "                (output exists, not enough memory or disk)\n"
            "  --allow-implausible  accept implausible grid, target and data values (a deliberate out-of-range\n"
            "                study): the same as [data] allow_implausible = true and [grid] allow_implausible = true\n\n"
            "The run creates and locks OUT.h5.partial before any work (a second run on the same output is refused)\n"
            "and renames it when complete. SIGTERM, SIGUSR1 or Ctrl-C stop it within seconds in any phase with\n"
            "exit code 4 (interrupted, resumable: --resume continues it); under mpirun send SIGUSR1 to mpirun (it\n"
            "forwards it; on SIGTERM Open MPI's mpirun stops the ranks itself and exits 1, the file still\n"
            "resumable). Progress: a bar on a terminal, else a line every SSOC_PROGRESS_INTERVAL\n"
            "seconds (default 5) and at each phase after that. Threads per rank: OMP_NUM_THREADS.\n"
            "Exit codes: 0 ok, 1 runtime or configuration error, 2 usage, 4 interrupted (resumable).\n");
}

/* --dry-run: the plan on rank 0's standard output; the run's refusal, if any, as the error */
static ssoc_status dry_run(const ssoc_config *cfg, const ssoc_sweep_opts *opts, int root, ssoc_error *err)
{
    ssoc_sweep_plan plan;
    ssoc_status st = ssoc_sweep_dry_run(cfg, opts, &plan, err);
    if (st || !root)
        return st;
    char *text = ssoc_sweep_plan_text(&plan);
    if (!text)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    const int bad = fputs(text, stdout) < 0 || fflush(stdout) != 0;
    free(text);
    if (bad)
        return SSOC_ERR(err, SSOC_EIO, "cannot write to standard output");
    if (plan.would_stop[0])
        return SSOC_ERR(err, SSOC_ECONFIG, "dry run: the run would stop: %s", plan.would_stop);
    return SSOC_OK;
}

int ssoc_cmd_sweep(int argc, char **argv)
{
    ssoc_error err = {0};
    /* the stop handlers before anything slow (MPI's start-up can take seconds on a loaded node): a
     * SIGTERM from then on is a stop (exit 4), or nothing once the run has finished (exit 0), not a
     * death by the signal (exit 143); only a second one, a second or more later, kills
     * (ssoc_sweep_catch_signals). A dry run keeps the default action. */
    int dry_asked = 0;
    for (int i = 1; i < argc; ++i)
        dry_asked |= !strcmp(argv[i], "--dry-run");
    if (!dry_asked)
        ssoc_sweep_catch_signals();
    /* HDF5 first, so that its shutdown is ours and not a hook inside MPI_Finalize (h5io.h) */
    ssoc_h5_library_init();
    if (ssoc_par_init(&argc, &argv, &err) != SSOC_OK) {
        ssoc_h5_library_close();
        return ssoc_cli_fail("sweep", &err);
    }
    const int root = ssoc_par_rank() == 0;
    const char *config = NULL;
    const char **sets = calloc((size_t)argc + 3, sizeof *sets);
    size_t nsets = 0;
    ssoc_sweep_opts opts = {0};
    int rc = SSOC_EXIT_OK, help = 0, allow = 0, dry = 0;
    char usage_msg[512] = "";
    for (int i = 1; i < argc && !usage_msg[0]; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            help = 1;
        else if (!strcmp(a, "--force"))
            opts.force = 1;
        else if (!strcmp(a, "--resume"))
            opts.resume = 1;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            opts.quiet = 1;
        else if (!strcmp(a, "--dry-run"))
            dry = 1;
        else if (!strcmp(a, "--set") || !strcmp(a, "-o")) {
            if (i + 1 >= argc)
                snprintf(usage_msg, sizeof usage_msg, "option %s needs a value", a);
            else if (!strcmp(a, "-o"))
                opts.output = argv[++i];
            else
                sets[nsets++] = argv[++i];
        } else if (!strncmp(a, "--set=", 6))
            sets[nsets++] = a + 6;
        else if (!strcmp(a, "--allow-implausible"))
            allow = 1;
        else if (a[0] == '-' && a[1]) {
            static const char *const own[] = {"--help", "--force", "--resume", "--quiet", "--set", "-o",
                                              "--allow-implausible", "--dry-run", NULL};
            char word[128];
            snprintf(word, sizeof word, "%s", a);
            word[strcspn(word, "=")] = '\0';
            snprintf(usage_msg, sizeof usage_msg, "unknown option '%s'", a);
            ssoc_suggest_append(usage_msg, sizeof usage_msg, word, own, 8);
        } else if (config)
            snprintf(usage_msg, sizeof usage_msg, "more than one config file ('%s' and '%s')", config, a);
        else
            config = a;
    }
    /* --allow-implausible is [data] allow_implausible and [grid] allow_implausible, unless a --set
     * already says otherwise (an explicit key wins; recorded in the file's config either way) */
    for (int k = 0; allow && k < 2; ++k) {
        const char *key = k ? "grid.allow_implausible" : "data.allow_implausible";
        int given = 0;
        for (size_t j = 0; j < nsets; ++j)
            given |= !strncmp(sets[j], key, strlen(key));
        if (!given)
            sets[nsets++] = k ? "grid.allow_implausible=true" : "data.allow_implausible=true";
    }
    if (!usage_msg[0] && !help && !config)
        snprintf(usage_msg, sizeof usage_msg, "missing CONFIG.ini");
    if (!usage_msg[0] && opts.output && !opts.output[0])
        snprintf(usage_msg, sizeof usage_msg, "option -o: the file name is empty");
    if (help) {
        if (root)
            usage(stdout);
    } else if (usage_msg[0]) {
        rc = root ? ssoc_cli_usage_error("sweep", "%s", usage_msg) : SSOC_EXIT_USAGE;
    } else {
        ssoc_config cfg;
        const ssoc_status loaded = ssoc_config_load(config, sets, nsets, &cfg, &err);
        /* every rank parsed the same file; agree anyway (a file system can differ per node). A
         * rank that loaded its config frees it even when another rank's failed. */
        ssoc_status st = ssoc_par_agree_status(loaded, &err);
        /* the output path is checked, OUT.partial created and locked, before any work: the
         * driver's first phase (sweep.h) */
        if (st == SSOC_OK && dry)
            st = dry_run(&cfg, &opts, root, &err);
        else if (st == SSOC_OK)
            st = ssoc_sweep_run(&cfg, &opts, &err);
        if (loaded == SSOC_OK)
            ssoc_config_free(&cfg);
        if (st != SSOC_OK) {
            if (root)
                rc = ssoc_cli_fail("sweep", &err);
            else
                rc = st == SSOC_EINTERRUPTED ? SSOC_EXIT_INTERRUPTED
                     : st == SSOC_EINVAL     ? SSOC_EXIT_USAGE
                                             : SSOC_EXIT_RUNTIME;
        }
    }
    free(sets);
    ssoc_h5_library_close();
    ssoc_par_finalize();
    return rc;
}
