/* The JSON parameter file: exact round trip (cJSON prints 17 significant digits when needed),
 * atomic write, refusal to overwrite, and every reader error. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ssoc/io.h"
#include "ssoc/paramfile.h"
#include "testutil.h"

static ssoc_dataset *small_data(void)
{
    ssoc_dataset *d = ssoc_dataset_alloc(3);
    const double x[] = {0.7, 0.72, 0.75}, rho[] = {1.6, 1.9, 1.7}, T[] = {450, 500, 550};
    for (int i = 0; i < 3; ++i) {
        d->x[i] = x[i];
        d->rho_g_cm3[i] = rho[i];
        d->T_K[i] = T[i];
        d->D_hop_cm2_s[i] = 1e-6;
        d->sigma_S_cm[i] = 1e-3;
        d->d_max_A[i] = NAN;
        d->regime[i] = i == 0 ? SSOC_REGIME_SCC : SSOC_REGIME_PCC;
        d->line[i] = i + 2;
    }
    d->n = 3;
    ssoc_dataset_count_regimes(d);
    d->path = strdup("mem.csv");
    strcpy(d->sha256, "00ff");
    return d;
}

static void fill_fit(ssoc_fit_result *f)
{
    memset(f, 0, sizeof *f);
    /* values with all 17 digits significant, so a lossy print would show */
    for (int i = 0; i < SSOC_NPARAM; ++i)
        f->params.p[i] = ssoc_params_published.p[i] * (1.0 + 1.0 / 3.0 * 1e-7 * (i + 1));
    f->fixed_mask = (1u << SSOC_P_VC) | (1u << SSOC_P_NH);
    f->method = SSOC_FIT_JOINT;
    f->metrics.n = 3;
    f->metrics.r_log10_sigma = 0.123456789012345678;
    f->metrics.rmse_log10_sigma = 0.1;
    f->metrics.mean_ratio = 1.0 / 3.0;
    f->metrics.median_ratio = 2.0 / 3.0;
    f->metrics.r_log10_D_all = 0.5;
    f->metrics.r_log10_D_pcc = NAN; /* undefined metrics travel as null */
    f->metrics.r_log10_D_scc = 0.25;
    f->metrics.r_ln_f = -0.75;
}

Test(paramfile, round_trip_is_exact)
{
    ssoc_dataset *d = small_data();
    ssoc_fit_result f;
    fill_fit(&f);
    const size_t B = 5;
    ssoc_boot_result *b = ssoc_boot_result_alloc(B, 0);
    cr_assert(b);
    b->B = B;
    b->opts.B = B;
    b->opts.seed = 987654321;
    b->opts.confidence = 0.9;
    b->opts.scheme = SSOC_BOOT_CASE;
    b->opts.interval = SSOC_CI_BCA;
    for (size_t r = 0; r < B; ++r) {
        b->ok[r] = r != 2;
        for (int i = 0; i < SSOC_NPARAM; ++i)
            b->table[r * SSOC_NPARAM + i] = b->ok[r] ? f.params.p[i] * (1 + 0.01 * (double)r) + 1e-17 * i : NAN;
    }
    b->n_failed = 1;
    b->n_resid = 3;
    b->resid = malloc(6 * sizeof *b->resid);
    for (int k = 0; k < 6; ++k)
        b->resid[k] = (k - 2.5) / 7.0; /* 17 significant digits */
    for (int k = 0; k < SSOC_NBAND; ++k) {
        b->lo[k] = -1.0 / (k + 3);
        b->hi[k] = 1.0 / (k + 7);
        b->median[k] = 0.1 * k;
        b->se[k] = 1e-3 / (k + 1);
    }
    char path[] = "/tmp/ssoc_pf_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    ssoc_error err;
    cr_assert(ssoc_paramfile_write(path, &f, d, b, 1, &err) == SSOC_OK, "%s", err.msg);
    ssoc_paramfile pf;
    cr_assert(ssoc_paramfile_read(path, &pf, &err) == SSOC_OK, "%s", err.msg);
    for (int i = 0; i < SSOC_NPARAM; ++i)
        cr_expect(pf.params.p[i] == f.params.p[i], "param %d: %.17g vs %.17g", i, pf.params.p[i], f.params.p[i]);
    cr_expect(pf.fixed_mask == f.fixed_mask);
    cr_expect(pf.method == SSOC_FIT_JOINT);
    cr_expect(pf.has_metrics && pf.metrics.r_log10_sigma == f.metrics.r_log10_sigma);
    cr_expect(pf.metrics.mean_ratio == f.metrics.mean_ratio && isnan(pf.metrics.r_log10_D_pcc));
    cr_expect(pf.has_range);
    ssoc_data_range r;
    ssoc_dataset_range(d, &r);
    cr_expect(pf.range.vf_min == r.vf_min && pf.range.vf_max == r.vf_max && pf.range.T_max_K == 550);
    cr_expect(!strcmp(pf.data_path, "mem.csv") && !strcmp(pf.data_sha256, "00ff"));
    cr_assert(pf.boot);
    cr_expect(pf.boot->B == B && pf.boot->n_failed == 1 && pf.boot->opts.seed == 987654321);
    cr_expect(pf.boot->opts.scheme == SSOC_BOOT_CASE && pf.boot->opts.interval == SSOC_CI_BCA);
    cr_expect(pf.boot->opts.confidence == 0.9);
    cr_expect(memcmp(pf.boot->ok, b->ok, B) == 0);
    for (size_t k = 0; k < B * SSOC_NPARAM; ++k)
        cr_expect(b->ok[k / SSOC_NPARAM] ? pf.boot->table[k] == b->table[k] : isnan(pf.boot->table[k]), "cell %zu", k);
    for (int k = 0; k < SSOC_NBAND; ++k)
        cr_expect(pf.boot->lo[k] == b->lo[k] && pf.boot->hi[k] == b->hi[k] && pf.boot->se[k] == b->se[k] &&
                  pf.boot->median[k] == b->median[k], "band %d", k);
    cr_assert(pf.boot->n_resid == 3 && pf.boot->resid);
    cr_expect(memcmp(pf.boot->resid, b->resid, 6 * sizeof *b->resid) == 0, "residual pool round trip");
    ssoc_paramfile_clear(&pf);
    /* the staged method round-trips too */
    f.method = SSOC_FIT_STAGED;
    cr_assert(ssoc_paramfile_write(path, &f, d, NULL, 1, &err) == SSOC_OK, "%s", err.msg);
    cr_assert(ssoc_paramfile_read(path, &pf, &err) == SSOC_OK, "%s", err.msg);
    cr_expect(pf.method == SSOC_FIT_STAGED && !pf.boot);
    ssoc_paramfile_clear(&pf);
    f.method = SSOC_FIT_JOINT;
    cr_assert(ssoc_paramfile_write(path, &f, d, b, 1, &err) == SSOC_OK, "%s", err.msg);
    /* refuses to overwrite without permission, and leaves the file as it was */
    cr_expect(ssoc_paramfile_write(path, &f, d, NULL, 0, &err) == SSOC_EEXISTS);
    cr_expect(strstr(err.msg, path) != NULL);
    cr_assert(ssoc_paramfile_read(path, &pf, &err) == SSOC_OK);
    cr_expect(pf.boot != NULL, "existing file was replaced");
    ssoc_paramfile_clear(&pf);
    unlink(path);
    ssoc_boot_result_free(b);
    ssoc_dataset_free(d);
}

Test(paramfile, write_leaves_no_temporary_and_fails_cleanly_in_missing_dir)
{
    ssoc_fit_result f;
    fill_fit(&f);
    ssoc_error err;
    cr_expect(ssoc_paramfile_write("/nonexistent-dir/p.json", &f, NULL, NULL, 0, &err) == SSOC_EIO);
    cr_expect(strstr(err.msg, "/nonexistent-dir/p.json") != NULL, "%s", err.msg);
}

struct bad_case {
    const char *json, *needle;
};

Test(paramfile, reader_errors_name_file_and_member)
{
    static const char good_params[] =
        "[{\"name\":\"E0\",\"value\":0.32},{\"name\":\"alpha_E\",\"value\":0.16},{\"name\":\"v_c\",\"value\":0.125},"
        "{\"name\":\"n_H\",\"value\":3},{\"name\":\"beta0\",\"value\":-8.4},{\"name\":\"beta1\",\"value\":6.5},"
        "{\"name\":\"beta2\",\"value\":3},{\"name\":\"beta3\",\"value\":-21}]";
    char ok[2048];
    snprintf(ok, sizeof ok, "{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":%s}", good_params);
    ssoc_paramfile pf;
    ssoc_error err;
    const char *p = tu_write_tmp(".json", ok);
    cr_assert(ssoc_paramfile_read(p, &pf, &err) == SSOC_OK, "%s", err.msg);
    cr_expect(pf.params.p[SSOC_P_NH] == 3.0 && !pf.has_range && !pf.boot);
    cr_expect(pf.method == SSOC_FIT_STAGED, "a file without 'method' predates the joint fit: staged");
    ssoc_paramfile_clear(&pf);
    static const char boot_head[] = "\"bootstrap\":{\"B\":2,\"seed\":1,\"confidence\":0.95,\"n_failed\":0,"
                                    "\"scheme\":\"residual\",\"interval\":\"percentile\",\"replicates\":[[1,1,1,1,1,1,1,1],"
                                    "[1,1,1,1,1,1,1,1]]";
    char bad_json[6][4096];
    const char *pool_cases[][2] = {
        {",\"residual_pool\":[1,2]", "'residual_pool' is not an object"},
        {",\"residual_pool\":{\"n\":0,\"ln_D_hop\":[],\"ln_sigma\":[]}", "member 'n' must be a whole number"},
        {",\"residual_pool\":{\"n\":2,\"ln_D_hop\":[1],\"ln_sigma\":[1,2]}", "'ln_D_hop' must be an array of n = 2"},
        {",\"residual_pool\":{\"n\":2,\"ln_D_hop\":[1,2],\"ln_sigma\":[1,\"a\"]}", "residual_pool.ln_sigma[1]"},
    };
    for (size_t i = 0; i < 4; ++i)
        snprintf(bad_json[i], sizeof bad_json[i],
                 "{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":%s,%s%s}}", good_params, boot_head,
                 pool_cases[i][0]);
    snprintf(bad_json[4], sizeof bad_json[4],
             "{\"format\":\"ssoc-params\",\"version\":1,\"method\":\"three-stage\",\"parameters\":%s}", good_params);
    snprintf(bad_json[5], sizeof bad_json[5],
             "{\"format\":\"ssoc-params\",\"version\":1,\"method\":1,\"parameters\":%s}", good_params);
    const char *needles[6] = {pool_cases[0][1], pool_cases[1][1], pool_cases[2][1], pool_cases[3][1],
                              "member 'method' must be \"joint\" or \"staged\"",
                              "member 'method' must be \"joint\" or \"staged\""};
    for (size_t i = 0; i < 6; ++i) {
        p = tu_write_tmp(".json", bad_json[i]);
        ssoc_status s = ssoc_paramfile_read(p, &pf, &err);
        cr_expect(s == SSOC_EDATA, "pool/method case %zu: status %d (%s)", i, s, err.msg);
        cr_expect(strstr(err.msg, needles[i]) != NULL, "pool/method case %zu: '%s' lacks '%s'", i, err.msg, needles[i]);
        cr_expect(!pf.boot, "case %zu: nothing left allocated", i);
    }

    const struct bad_case cases[] = {
        {"not json at all", "not valid JSON"},
        {"{\"format\":\"other\",\"version\":1}", "format"},
        {"{\"format\":\"ssoc-params\",\"version\":99,\"parameters\":[]}", "newer"},
        {"{\"format\":\"ssoc-params\",\"version\":1}", "'parameters'"},
        {"{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"name\":\"E0\",\"value\":0.3}]}",
         "'alpha_E' is missing"},
        {"{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"name\":\"E0\",\"value\":\"x\"}]}",
         "parameter 'E0': member 'value' is not a number"},
        {"{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"name\":\"E0\",\"value\":null}]}",
         "parameter 'E0': member 'value' is not a number"},
        {"{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"name\":\"E0\"}]}", "'value' is missing"},
        {"{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"name\":\"gamma\",\"value\":1}]}",
         "unknown parameter 'gamma'"},
        {"{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"name\":\"E0\",\"value\":1},"
         "{\"name\":\"E0\",\"value\":1}]}",
         "given twice"},
        {"{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"value\":1}]}", "no string 'name'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        p = tu_write_tmp(".json", cases[i].json);
        ssoc_status s = ssoc_paramfile_read(p, &pf, &err);
        cr_expect(s == SSOC_EDATA, "case %zu: status %d", i, s);
        cr_expect(strstr(err.msg, p) != NULL, "case %zu: no path in '%s'", i, err.msg);
        cr_expect(strstr(err.msg, cases[i].needle) != NULL, "case %zu: '%s' lacks '%s'", i, err.msg, cases[i].needle);
    }
    /* NaN cannot be written in JSON; a huge literal overflows to inf and must be refused */
    snprintf(ok, sizeof ok,
             "{\"format\":\"ssoc-params\",\"version\":1,\"parameters\":[{\"name\":\"E0\",\"value\":1e999}]}");
    p = tu_write_tmp(".json", ok);
    cr_expect(ssoc_paramfile_read(p, &pf, &err) == SSOC_EDATA);
    cr_expect(strstr(err.msg, "not finite") != NULL, "%s", err.msg);
    cr_expect(ssoc_paramfile_read("/nonexistent/x.json", &pf, &err) == SSOC_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/x.json") != NULL);
}
