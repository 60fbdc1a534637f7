/* Fuzz target: the sweep configuration reader (ssoc_config_load: inih through ssoc's own line
 * reader, every key's parser, the grid axes, the cross-key rules). Each input is used twice:
 * as a config file (with the data file supplied by --set, since the file's own relative paths point
 * into /proc), and, when it has at most 16 lines, line by line as --set overrides. A configuration
 * that loads must be valid (axes strictly increasing inside the physical domain, B, confidence,
 * block and grid size within their limits, provenance text present); one that fails must leave
 * the struct freed and a well-formed one-line error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "ssoc/config.h"

#ifndef SSOC_SOURCE_DIR
#error "SSOC_SOURCE_DIR must be defined (the shipped data file is needed by every config)"
#endif
#define FZ_DATA_SET "data.file=" SSOC_SOURCE_DIR "/data/kim2026_lps_aimd_500K.csv"
#define FZ_MAX_SETS 16

static void check_axis(const ssoc_axis *a, double lo, double hi, const char *name)
{
    FZ_CHECK(a->n >= 1 && a->n <= SSOC_AXIS_MAX && a->v, "axis %s: n = %zu", name, a->n);
    for (size_t i = 0; i < a->n; ++i) {
        FZ_CHECK(isfinite(a->v[i]) && a->v[i] > lo && a->v[i] < hi, "axis %s[%zu] = %g", name, i, a->v[i]);
        FZ_CHECK(i == 0 || a->v[i] > a->v[i - 1], "axis %s not increasing at %zu", name, i);
    }
}

static void check_config(ssoc_status st, const ssoc_error *err, ssoc_config *c)
{
    fz_check_error(st, err);
    if (st != SSOC_OK) {
        FZ_CHECK(!c->x.v && !c->rho.v && !c->T.v && !c->text && !c->resume_key, "%s",
                 "failed load left memory in the config");
        return;
    }
    check_axis(&c->x, 0.0, 1.0, "x");
    check_axis(&c->rho, 0.0, INFINITY, "rho");
    check_axis(&c->T, 0.0, INFINITY, "T");
    FZ_CHECK((double)c->x.n * (double)c->rho.n * (double)c->T.n <= SSOC_GRID_POINTS_MAX, "%s", "grid too large");
    FZ_CHECK(c->B >= 2 && c->B <= SSOC_BOOT_B_MAX, "B = %zu", c->B);
    FZ_CHECK(c->confidence > 0.0 && c->confidence < 1.0, "confidence %g", c->confidence);
    FZ_CHECK(isfinite(c->d_crit_A) && c->d_crit_A > 0.0, "d_crit %g", c->d_crit_A);
    FZ_CHECK(c->block_columns >= 1, "block %zu", c->block_columns);
    FZ_CHECK(!c->has_target || (isfinite(c->target_sigma_S_cm) && c->target_sigma_S_cm > 0.0), "target %g",
             c->target_sigma_S_cm);
    FZ_CHECK(c->data_file[0] && c->output_file[0], "%s", "data or output path empty");
    FZ_CHECK(c->text && c->resume_key, "%s", "no provenance text");
    for (int i = 0; i < SSOC_NPARAM; ++i)
        FZ_CHECK(!((c->fixed_mask >> i) & 1u) || isfinite(c->fixed.p[i]), "fixed %d", i);
    ssoc_config_free(c);
    ssoc_config_free(c); /* documented idempotent */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ssoc_config c;
    ssoc_error err;
    const char *sets[FZ_MAX_SETS + 1] = {FZ_DATA_SET};

    ssoc_error_clear(&err);
    ssoc_status st = ssoc_config_load(fz_file(data, size), sets, 1, &c, &err);
    check_config(st, &err, &c);

    /* the same bytes as --set lines (NUL-free input only: argv strings cannot hold NUL) */
    if (memchr(data, '\0', size))
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t n = 1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (n == FZ_MAX_SETS + 1) {
            n = 0;
            break;
        }
        sets[n++] = line;
    }
    if (n > 1) {
        ssoc_error_clear(&err);
        st = ssoc_config_load(NULL, sets, n, &c, &err);
        check_config(st, &err, &c);
    }
    free(text);
    return 0;
}
