/* The umbrella header: every public header, compiled with libssoc's include path and no
 * third-party one (this test links the science core alone, whose GSL and OpenMP are private), so
 * a public header that needed <mpi.h>, <hdf5.h>, <plplot.h> or <cjson/cJSON.h> would not compile
 * here. And it names every header under include/ssoc. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "ssoc/ssoc.h"
#include "testutil.h"

Test(umbrella, compiles_alone_and_links_the_core)
{
    cr_expect(SSOC_NPARAM == 9, "the 8 model parameters and ln A");
    cr_expect(!strcmp(ssoc_status_str(SSOC_EHDF5), "hdf5 error"));
    cr_expect(ssoc_model_rho0_g_cm3(0.75) > 1.8 && ssoc_model_rho0_g_cm3(0.75) < 1.9);
}

Test(umbrella, names_every_public_header)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/include/ssoc/ssoc.h", SSOC_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    cr_assert(f, "%s", path);
    char text[8192];
    const size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    snprintf(path, sizeof path, "%s/include/ssoc", SSOC_SOURCE_DIR);
    DIR *d = opendir(path);
    cr_assert(d, "%s", path);
    int seen = 0;
    for (struct dirent *e; (e = readdir(d));) {
        const size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".h") || !strcmp(e->d_name, "ssoc.h"))
            continue;
        char inc[300];
        snprintf(inc, sizeof inc, "#include \"ssoc/%s\"", e->d_name);
        cr_expect(strstr(text, inc), "ssoc.h lacks %s", inc);
        ++seen;
    }
    closedir(d);
    cr_expect(seen >= 20, "%d headers", seen);
}
