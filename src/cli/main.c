/* ssoc command-line front end: a dispatch table over subcommands, one file each. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ssoc/suggest.h"
#include "ssoc/version.h"

static const ssoc_cli_command commands[] = {
    {"fit", "fit the 8 parameters to MD data, with bootstrap bands", ssoc_cmd_fit},
    {"predict", "sigma and every model layer at one (x, rho, T)", ssoc_cmd_predict},
    {"plot", "pictures of a sweep: sigma maps, the design rule vs T, parameter histograms (PNG/SVG/PDF)", ssoc_cmd_plot},
    {"query", "which designs of a sweep file reach a target sigma at a stated confidence", ssoc_cmd_query},
    {"rules", "the design rules of a sweep file: rho_opt, v_f,opt, sigma_max, x_opt with bands, in words", ssoc_cmd_rules},
    {"sweep", "sigma with bands and design rules over an (x, rho, T) grid (MPI x OpenMP, HDF5)", ssoc_cmd_sweep},
    {"validate", "confront the parameters with external data: how far does the fit transfer?", ssoc_cmd_validate},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: ssoc COMMAND [ARGS]...\n\n"
               "ssoc screens (Li2S)x(P2S5)1-x sulfide glasses for Li-ion conductivity with the SSOC model.\n\n"
               "commands:\n");
    for (size_t i = 0; i < NCOMMANDS; ++i)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'ssoc COMMAND --help' describes a command. 'ssoc --version' prints the version.\n"
               "Exit codes: 0 ok, 1 runtime error, 2 usage error, 3 verification failed, 4 interrupted (resumable).\n");
}

/* A command whose output could not be written did not succeed: a full disk or a closed file must
 * not end in exit 0 with the report lost. Commands that check their own stdout already failed. */
static int finish_stdout(const char *cmd, int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (rc != SSOC_EXIT_OK)
        return rc;
    fprintf(stderr, "ssoc: %s%sstandard output: write failed\n", cmd ? cmd : "", cmd ? ": " : "");
    return SSOC_EXIT_RUNTIME;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "ssoc: missing COMMAND (see 'ssoc --help')\n");
        return SSOC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return finish_stdout(NULL, SSOC_EXIT_OK);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ssoc %s (git %s, %s, %s)\n", SSOC_VERSION, SSOC_GIT_REVISION, SSOC_COMPILER, SSOC_BUILD_TYPE);
        return finish_stdout(NULL, SSOC_EXIT_OK);
    }
    for (size_t i = 0; i < NCOMMANDS; ++i)
        if (!strcmp(argv[1], commands[i].name))
            return finish_stdout(commands[i].name, commands[i].run(argc - 1, argv + 1));
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; ++i)
        names[i] = commands[i].name;
    char msg[300] = "";
    ssoc_suggest_append(msg, sizeof msg, argv[1], names, NCOMMANDS);
    fprintf(stderr, "ssoc: unknown command '%s'%s (see 'ssoc --help')\n", argv[1], msg);
    return SSOC_EXIT_USAGE;
}
