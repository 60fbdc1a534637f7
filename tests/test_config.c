/* The sweep configuration: the shipped default, overrides, path rules and the error table
 * (every message must name FILE:LINE and the key, or the --set that caused it). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ssoc/config.h"
#include "testutil.h"

static char datapath[4096];

static const char *cfg(const char *body)
{
    /* every config gets a valid absolute [data] file unless it sets its own section */
    static char text[8192];
    strcpy(datapath, tu_src("data/kim2026_lps_aimd_500K.csv"));
    snprintf(text, sizeof text, "%s", body);
    for (char *mark = strstr(text, "@DATA@"); mark; mark = strstr(mark, "@DATA@")) {
        char rest[8192];
        snprintf(rest, sizeof rest, "%s", mark + 6);
        snprintf(mark, sizeof text - (size_t)(mark - text), "%s%s", datapath, rest);
    }
    return tu_write_tmp(".ini", text);
}

Test(config, shipped_default)
{
    ssoc_config c;
    ssoc_error e;
    cr_assert_eq(ssoc_config_load(tu_src("configs/default.ini"), NULL, 0, &c, &e), SSOC_OK, "%s", e.msg);
    cr_expect_eq(c.x.n, 201);
    cr_expect_eq(c.rho.n, 181);
    cr_expect_eq(c.T.n, 11);
    cr_expect(c.x.v[0] == 0.60 && c.x.v[200] == 0.80);
    cr_expect(fabs(c.x.v[150] - 0.75) < 1e-15);
    cr_expect(c.T.v[0] == 300.0 && c.T.v[2] == 400.0 && c.T.v[10] == 800.0);
    cr_expect_eq(c.params, SSOC_PARAMS_FIT);
    cr_expect_eq(c.fixed_mask, 0u);
    cr_expect_eq(c.seed, 20260522u);
    cr_expect_eq(c.scheme, SSOC_BOOT_RESIDUAL);
    cr_expect_eq(c.method, SSOC_FIT_JOINT);
    cr_expect(c.method_set, "configs/default.ini spells out method = joint");
    cr_expect_eq(c.interval, SSOC_CI_EXPANDED);
    cr_expect(c.confidence == 0.95);
    cr_expect(!c.has_target);
    cr_expect(strstr(c.text, "[fit]\nparams = fit\nmethod = joint\n") != NULL, "%s", c.text);
    cr_expect(strstr(c.text, "scheme = residual\n") != NULL);
    cr_expect_str_eq(c.output_file, "default.h5");
    /* the data path is relative to the config's directory */
    cr_expect(strstr(c.data_file, "configs/../data/kim2026_lps_aimd_500K.csv") != NULL, "%s", c.data_file);
    /* the grid as it was given, every number in its shortest exact form */
    cr_expect(strstr(c.text, "confidence = 0.95\n") != NULL, "%s", c.text);
    cr_expect(strstr(c.text, "[grid]\nx = 0.6:0.8:201\nrho = 1.3:2.2:181\nT = 300:800:11\n") != NULL, "%s", c.text);
    cr_expect(strstr(c.resume_key, "kim2026") == NULL, "resume key must not depend on paths");
    ssoc_config_free(&c);
    ssoc_config_free(&c); /* idempotent */
}

Test(config, every_shipped_config_loads)
{
    const char *names[] = {"configs/default.ini", "configs/fine_500K.ini", "configs/temperature.ini"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        ssoc_config c;
        ssoc_error e;
        cr_expect_eq(ssoc_config_load(tu_src(names[i]), NULL, 0, &c, &e), SSOC_OK, "%s: %s", names[i], e.msg);
        ssoc_config_free(&c);
    }
    ssoc_config c;
    ssoc_error e;
    cr_assert_eq(ssoc_config_load(tu_src("configs/temperature.ini"), NULL, 0, &c, &e), SSOC_OK);
    cr_expect(c.T.n == 66 && c.T.v[0] == 250.0 && c.T.v[25] == 500.0 && c.T.v[65] == 900.0);
    cr_expect_eq(c.interval, SSOC_CI_BCA);
    cr_expect_str_eq(c.output_file, "temperature.h5"); /* CONFIG_BASENAME.h5 in the current directory */
    ssoc_config_free(&c);
}

Test(config, values_lists_and_overrides)
{
    const char *path = cfg("[data]\nfile = @DATA@\nd_crit = 5.5\n"
                           "[fit]\nparams = fit\nfix = v_c=0.125, n_H = 3\n"
                           "[bootstrap]\nB = 64 ; inline comment\nseed = 18446744073709551615\nscheme = case\n"
                           "confidence = 0.9\ninterval = bca\n"
                           "[grid]\nx = 0.70, 0.75\nrho = 1.5:1.9:5\nT = 500\n"
                           "[target]\nsigma = 1e-3\n[output]\nfile = /tmp/o.h5\nblock = 7\n");
    const char *sets[] = {"bootstrap.B=128", "grid.T = 400, 500, 600", "output.file=rel.h5"};
    ssoc_config c;
    ssoc_error e;
    cr_assert_eq(ssoc_config_load(path, sets, 3, &c, &e), SSOC_OK, "%s", e.msg);
    cr_expect(c.d_crit_A == 5.5);
    cr_expect_eq(c.fixed_mask, (1u << SSOC_P_VC) | (1u << SSOC_P_NH));
    cr_expect(c.fixed.p[SSOC_P_VC] == 0.125 && c.fixed.p[SSOC_P_NH] == 3.0);
    cr_expect_eq(c.B, 128);
    cr_expect_eq(c.seed, UINT64_MAX);
    cr_expect_eq(c.scheme, SSOC_BOOT_CASE);
    cr_expect_eq(c.interval, SSOC_CI_BCA);
    cr_expect(c.confidence == 0.9);
    cr_expect(c.x.n == 2 && c.x.v[1] == 0.75);
    cr_expect(c.rho.n == 5 && c.rho.v[0] == 1.5 && c.rho.v[4] == 1.9 && fabs(c.rho.v[2] - 1.7) < 1e-15);
    cr_expect(c.T.n == 3 && c.T.v[0] == 400.0 && c.T.v[2] == 600.0);
    cr_expect(c.has_target && c.target_sigma_S_cm == 1e-3);
    cr_expect_str_eq(c.output_file, "rel.h5"); /* --set paths are relative to the CWD */
    cr_expect_eq(c.block_columns, 7);
    ssoc_config_free(&c);
}

Test(config, params_published_and_default_output_name)
{
    const char *path = cfg("[data]\nfile = @DATA@\n[fit]\nparams = published\n");
    ssoc_config c;
    ssoc_error e;
    cr_assert_eq(ssoc_config_load(path, NULL, 0, &c, &e), SSOC_OK, "%s", e.msg);
    cr_expect_eq(c.params, SSOC_PARAMS_PUBLISHED);
    cr_expect_eq(c.x.n, 201); /* grid defaults */
    cr_expect_eq(c.B, SSOC_BOOT_B_DEFAULT);
    const char *base = strrchr(path, '/') + 1;
    char expect[256];
    snprintf(expect, sizeof expect, "%.*s.h5", (int)(strlen(base) - 4), base);
    cr_expect_str_eq(c.output_file, expect);
    ssoc_config_free(&c);
}

struct bad {
    const char *body;   /* config text (@DATA@ = valid data path) */
    const char *set;    /* optional --set */
    const char *expect; /* substrings the message must contain, '|' separated */
};

static const struct bad bad[] = {
    {"[data]\nfile = @DATA@\n[grid]\nz = 1\n", NULL, ":4: [grid] z: unknown key"},
    {"[data]\nfile = @DATA@\n[gird]\nx = 1\n", NULL, ":4: [gird]: unknown section"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = 10\nB = 20\n", NULL, ":5: [bootstrap] B: duplicate key|:4"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = ten\n", NULL, ":4: [bootstrap] B: 'ten' is not a positive integer"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = 0\n", NULL, ":4: [bootstrap] B: B = 0"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = -5\n", NULL, ":4: [bootstrap] B:"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = 99999999999\n", NULL, "[bootstrap] B: B = 99999999999 exceeds"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nconfidence = 1\n", NULL, ":4: [bootstrap] confidence: '1' is not a number in (0, 1)"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nconfidence = 0\n", NULL, "[bootstrap] confidence"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nscheme = bogus\n", NULL, "[bootstrap] scheme: 'bogus'|residual"},
    {"[data]\nfile = @DATA@\n[fit]\nmethod = Joint\n", NULL, ":4: [fit] method: 'Joint' is not joint or staged"},
    {"[data]\nfile = @DATA@\n[fit]\nparams = @DATA@\nmethod = staged\n", NULL,
     ":5: [fit] method: does not apply with a parameter file"},
    {"[data]\nfile = @DATA@\n[bootstrap]\ninterval = bc\n", NULL, "[bootstrap] interval: 'bc'"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nseed = 1.5\n", NULL, "[bootstrap] seed: '1.5'"},
    {"[data]\nfile = @DATA@\n[grid]\nx = 0.8:0.6:5\n", NULL, ":4: [grid] x: '0.8:0.6:5': empty or inverted range"},
    {"[data]\nfile = @DATA@\n[grid]\nx = 0.6:0.6:5\n", NULL, "[grid] x: '0.6:0.6:5': empty or inverted"},
    {"[data]\nfile = @DATA@\n[grid]\nrho = 1.3:2.2:0\n", NULL, "[grid] rho: '1.3:2.2:0': count is 0"},
    {"[data]\nfile = @DATA@\n[grid]\nrho = 1.3:2.2:5000000\n", NULL, "[grid] rho: '1.3:2.2:5000000': count 5000000 exceeds"},
    {"[data]\nfile = @DATA@\n[grid]\nrho = 1.3:2.2\n", NULL, "[grid] rho: '1.3:2.2' is not start:stop:count"},
    {"[data]\nfile = @DATA@\n[grid]\nrho = 1.3:2.2:4.5\n", NULL, "count must be a positive integer"},
    {"[data]\nfile = @DATA@\n[grid]\nT = 300, 300\n", NULL, "[grid] T: list must be strictly increasing"},
    {"[data]\nfile = @DATA@\n[grid]\nT = 300, , 400\n", NULL, "[grid] T: list item 2"},
    {"[data]\nfile = @DATA@\n[grid]\nT = 0, 300\n", NULL, "[grid] T: values must lie in (0"},
    {"[data]\nfile = @DATA@\n[grid]\nx = 0.5:1.0:3\n", NULL, "[grid] x: values must lie in (0, 1)"},
    {"[data]\nfile = @DATA@\n[grid]\nx = nan, 0.7\n", NULL, "[grid] x: list item 1 'nan'"},
    {"[data]\nfile = @DATA@\n[grid]\nx = 0.2:0.9:1000000\nrho = 1:2:1000000\n", NULL, "exceeds the limit"},
    {"[data]\nfile = @DATA@\n[target]\nsigma = -1e-3\n", NULL, "[target] sigma: '-1e-3' is not a positive"},
    {"[data]\nfile = @DATA@\nd_crit = 0\n", NULL, ":3: [data] d_crit:"},
    {"[data]\nfile = no_such_file.csv\n", NULL, ":2: [data] file: data file|no_such_file.csv' not found|relative to the config"},
    {"[fit]\nparams = fit\n", NULL, "[data] file: missing"},
    {"[data]\nfile = @DATA@\n[fit]\nparams = nowhere.json\n", NULL, ":4: [fit] params: 'nowhere.json' is neither"},
    {"[data]\nfile = @DATA@\n[fit]\nfix = v_x=1\n", NULL, ":4: [fit] fix: unknown parameter 'v_x'"},
    {"[data]\nfile = @DATA@\n[fit]\nfix = v_c\n", NULL, "[fit] fix: 'v_c' is not NAME=VALUE"},
    {"[data]\nfile = @DATA@\n[fit]\nfix = v_c=abc\n", NULL, "[fit] fix: v_c: 'abc'"},
    {"[data]\nfile = @DATA@\n[fit]\nfix = v_c=1, v_c=2\n", NULL, "[fit] fix: v_c is given twice"},
    {"[data]\nfile = @DATA@\n[fit]\nfix = n_H=0\n", NULL, "[fit] fix: n_H must be > 0"},
    {"[data]\nfile = @DATA@\n[fit]\nparams = published\nfix = n_H=3\n", NULL, ":5: [fit] fix: only applies with params = fit"},
    {"[data]\nfile = @DATA@\n[output]\nblock = 0\n", NULL, "[output] block: '0'"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = \n", NULL, ":4: [bootstrap] B: empty value"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = 10\n  seed = 3\n", NULL, ":5: [bootstrap] B: indented line 'seed = 3' would"},
    {"[data]\nfile = @DATA@\n[bootstrap]\nB = 10\n   20\n", NULL, ":5: [bootstrap] B: indented line '20'"},
    {"B = 10\n", NULL, ":1: key 'B' before any [section]"},
    {"[data]\nfile = @DATA@\n[grid\n", NULL, ":3: syntax error"},
    {"[data]\nfile = @DATA@\njunk line\n", NULL, ":3: syntax error"},
    {"[data]\nfile = @DATA@\n[grid]\nT = 300, 310, 320, 330, 340, 350, 360, 370, 380, 390, 400, 410, 420, 430, 440, "
     "450, 460, 470, 480, 490, 500, 510, 520, 530, 540, 550, 560, 570, 580, 590, 600, 610, 620, 630, 640, 650, "
     "660, 670, 680, 690, 700, 710, 720, 730, 740, 750, 760, 770, 780, 790, 800\n",
     NULL, ":4: line longer than"},
    /* overrides: the error names the --set */
    {"[data]\nfile = @DATA@\n", "bootstrap.B=1", "--set bootstrap.B=1: [bootstrap] B: B = 1"},
    {"[data]\nfile = @DATA@\n", "grid.x=0.9:0.1:3", "--set grid.x=0.9:0.1:3: [grid] x:"},
    {"[data]\nfile = @DATA@\n", "bootstrap.Q=1", "--set bootstrap.Q=1: [bootstrap] Q: unknown key"},
    {"[data]\nfile = @DATA@\n", "boot.B=1", "--set boot.B=1: [boot] B: unknown section"},
    {"[data]\nfile = @DATA@\n", "bootstrapB=1", "--set bootstrapB=1: expected SECTION.KEY=VALUE"},
    {"[data]\nfile = @DATA@\n", "data.file=missing.csv", "--set data.file=missing.csv: [data] file: data file 'missing.csv' not found"},
};

Test(config, error_table)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        const char *path = cfg(bad[i].body);
        ssoc_config c;
        ssoc_error e;
        ssoc_error_clear(&e);
        const char *sets[1] = {bad[i].set};
        ssoc_status st = ssoc_config_load(path, sets, bad[i].set ? 1 : 0, &c, &e);
        cr_expect_eq(st, SSOC_ECONFIG, "case %zu: status %d (%s)", i, st, e.msg);
        cr_expect_eq(e.code, SSOC_ECONFIG, "case %zu", i);
        char want[512];
        snprintf(want, sizeof want, "%s", bad[i].expect);
        char *save = NULL;
        for (char *w = strtok_r(want, "|", &save); w; w = strtok_r(NULL, "|", &save))
            cr_expect(strstr(e.msg, w) != NULL, "case %zu: '%s' not in '%s'", i, w, e.msg);
        if (!bad[i].set)
            cr_expect(strncmp(e.msg, path, strlen(path)) == 0 || strstr(e.msg, "[data] file: missing"),
                      "case %zu: message must start with the file: %s", i, e.msg);
        cr_expect(c.x.v == NULL && c.text == NULL, "case %zu: config not freed on failure", i);
    }
}

/* The configuration text (the sweep file's `config` and `resume_key` attributes) gives every axis
 * as it was given, start:stop:count or the list, each number in its shortest form that reads back
 * to the same double; re-reading the text gives the same axes to the bit. */
Test(config, text_gives_the_grid_as_given_and_exactly)
{
    const char *path = cfg("[data]\nfile = @DATA@\n[bootstrap]\nB = 64\nconfidence = 0.9\n"
                           "[grid]\nx = 0.62:0.79:13\nrho = 1.3, 1.7000000000000002, 2.2\nT = 500:800:301\n");
    ssoc_config c, c2;
    ssoc_error e;
    cr_assert_eq(ssoc_config_load(path, NULL, 0, &c, &e), SSOC_OK, "%s", e.msg);
    cr_expect(strstr(c.text, "[grid]\nx = 0.62:0.79:13\nrho = 1.3, 1.7000000000000002, 2.2\nT = 500:800:301\n") != NULL,
              "%s", c.text);
    cr_expect(strstr(c.resume_key, "[grid]\nx = 0.62:0.79:13\n") != NULL, "%s", c.resume_key);
    cr_expect(strstr(c.text, "confidence = 0.9\n") != NULL, "%s", c.text);
    cr_expect(strlen(c.text) < 1000, "%zu characters", strlen(c.text));
    /* the text is a configuration that gives the same axes to the bit */
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs(c.text, f);
    fclose(f);
    cr_assert_eq(ssoc_config_load(path, NULL, 0, &c2, &e), SSOC_OK, "%s", e.msg);
    const ssoc_axis *a[3] = {&c.x, &c.rho, &c.T}, *b[3] = {&c2.x, &c2.rho, &c2.T};
    for (int k = 0; k < 3; ++k) {
        cr_assert_eq(a[k]->n, b[k]->n);
        cr_expect(memcmp(a[k]->v, b[k]->v, a[k]->n * sizeof(double)) == 0, "axis %d differs", k);
    }
    cr_expect_str_eq(c.resume_key, c2.resume_key);
    ssoc_config_free(&c);
    ssoc_config_free(&c2);
}

Test(config, missing_config_file)
{
    ssoc_config c;
    ssoc_error e;
    cr_expect_eq(ssoc_config_load("/nonexistent/x.ini", NULL, 0, &c, &e), SSOC_ECONFIG);
    cr_expect(strstr(e.msg, "/nonexistent/x.ini: cannot open config file") != NULL, "%s", e.msg);
}

Test(config, axis_linspace_matches_numpy_formula)
{
    ssoc_axis a = {0};
    ssoc_error e;
    cr_assert_eq(ssoc_axis_parse("300:800:11", 0, 1, INFINITY, 1, &a, "T", &e), SSOC_OK);
    for (size_t i = 0; i < a.n; ++i)
        cr_expect(a.v[i] == 300.0 + (double)i * 50.0, "T[%zu] = %.17g", i, a.v[i]);
    cr_assert_eq(ssoc_axis_parse("5:5:1", 0, 1, INFINITY, 1, &a, "T", &e), SSOC_OK);
    cr_expect(a.n == 1 && a.v[0] == 5.0);
    cr_expect_eq(ssoc_axis_parse("5:6:1", 0, 1, INFINITY, 1, &a, "T", &e), SSOC_ECONFIG);
    cr_expect(strstr(e.msg, "count 1 needs start == stop") != NULL);
    free(a.v);
}
