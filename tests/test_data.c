/* docs/MODEL.md, "Data": the CSV table, the data reader on the shipped set, every malformed-input
 * error (status, FILE:LINE and column in the message), and the dataset container helpers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/data.h"
#include "ssoc/model.h"
#include "testutil.h"

#define KIM "data/kim2026_lps_aimd_500K.csv"
#define KIM_N 23
#define KIM_HEADER_LINE 14 /* 13 comment lines precede the header */

/* Whole file as a malloc'd string. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    cr_assert(s);
    cr_assert(fread(s, 1, (size_t)n, f) == (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* Replace every "\n" with "\r\n". */
static char *to_crlf(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *o = malloc(2 * n + 1);
    for (size_t i = 0; i < n; ++i) {
        if (s[i] == '\n')
            o[k++] = '\r';
        o[k++] = s[i];
    }
    o[k] = '\0';
    return o;
}

static ssoc_dataset *read_ok(const char *path, double d_crit)
{
    ssoc_dataset *d = NULL;
    ssoc_error e;
    ssoc_error_clear(&e);
    ssoc_status st = ssoc_data_read_csv(path, d_crit, &d, &e);
    cr_assert(st == SSOC_OK, "%s: status %d: %s", path, st, e.msg);
    cr_assert(d);
    return d;
}

/* The shipped set, read back row by row through the independent generic table and compared. */
static void expect_kim_values(const ssoc_dataset *d, int first_line, int line_step)
{
    cr_assert_eq(d->n, KIM_N);
    cr_expect_eq(d->n_pcc, 13);
    cr_expect_eq(d->n_scc, 10);
    /* first and last rows, exactly as written in the file */
    cr_expect(d->x[0] == 0.666 && d->rho_g_cm3[0] == 2.15 && d->T_K[0] == 500.0 && d->d_max_A[0] == 3.5 &&
              d->D_hop_cm2_s[0] == 0.70e-6 && d->sigma_S_cm[0] == 0.3e-3 && d->regime[0] == SSOC_REGIME_PCC);
    size_t L = KIM_N - 1;
    cr_expect(d->x[L] == 0.750 && d->rho_g_cm3[L] == 1.40 && d->T_K[L] == 500.0 && d->d_max_A[L] == 11.0 &&
              d->D_hop_cm2_s[L] == 0.60e-6 && d->sigma_S_cm[L] == 0.4e-3 && d->regime[L] == SSOC_REGIME_SCC);
    for (size_t i = 0; i < d->n; ++i)
        cr_expect_eq(d->line[i], first_line + (int)i * line_step, "row %zu line %d", i, d->line[i]);
}

Test(data, shipped_file)
{
    const char *path = tu_src(KIM);
    char pathcopy[4096];
    snprintf(pathcopy, sizeof pathcopy, "%s", path);
    ssoc_dataset *d = read_ok(pathcopy, SSOC_D_CRIT_DEFAULT_A);
    expect_kim_values(d, KIM_HEADER_LINE + 1, 1);
    cr_expect_eq(d->line[KIM_N - 1], 37);
    cr_expect_str_eq(d->path, pathcopy);
    cr_expect(d->path != pathcopy);
    cr_expect(d->d_crit_A == 6.0);
    /* The file's regime column agrees with d_max < 6 angstrom on every point. */
    for (size_t i = 0; i < d->n; ++i)
        cr_expect_eq(d->regime[i], d->d_max_A[i] < 6.0 ? SSOC_REGIME_PCC : SSOC_REGIME_SCC, "row %zu", i);

    /* sha256 against coreutils, and against the streaming ssoc_sha256_file */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", pathcopy);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    char expect[65] = "";
    cr_assert(fscanf(p, "%64s", expect) == 1);
    cr_assert(pclose(p) == 0);
    cr_expect_eq(strlen(expect), 64);
    cr_expect_str_eq(d->sha256, expect);
    char hex[65];
    ssoc_error e;
    cr_assert(ssoc_sha256_file(pathcopy, hex, &e) == SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(hex, expect);
    ssoc_dataset_free(d);
}

Test(data, sha256_certified_vectors)
{
    /* FIPS 180-2 / NIST examples. */
    char hex[65];
    ssoc_error e;
    const char *abc = tu_write_tmp(".txt", "abc");
    cr_assert(ssoc_sha256_file(abc, hex, &e) == SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *empty = tu_write_tmp(".txt", "");
    cr_assert(ssoc_sha256_file(empty, hex, &e) == SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two = tu_write_tmp(".txt", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    cr_assert(ssoc_sha256_file(two, hex, &e) == SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* larger than one read chunk: one million 'a' */
    char *big = malloc(1000001);
    memset(big, 'a', 1000000);
    big[1000000] = '\0';
    const char *mil = tu_write_tmp(".txt", big);
    free(big);
    cr_assert(ssoc_sha256_file(mil, hex, &e) == SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    const char *missing = "/tmp/ssoc_no_such_dir_42/none.txt";
    cr_expect(ssoc_sha256_file(missing, hex, &e) == SSOC_EIO);
    cr_expect(strstr(e.msg, missing), "%s", e.msg);
    cr_expect(ssoc_sha256_file("/tmp", hex, &e) == SSOC_EIO, "directory: %s", e.msg);
    cr_expect(strstr(e.msg, "/tmp"), "%s", e.msg);
}

/* Shipped data without the regime column: classification must come from d_max and d_crit. */
static char *kim_without_regime(void)
{
    ssoc_csv *t = NULL;
    ssoc_error e;
    cr_assert(ssoc_csv_read(tu_src(KIM), &t, &e) == SSOC_OK, "%s", e.msg);
    const char *cols[] = {"x", "rho", "T", "d_max", "D_hop", "sigma"};
    size_t cap = 1 << 14, k = 0;
    char *s = malloc(cap);
    k += (size_t)snprintf(s + k, cap - k, "# d_max only\nx,rho,T,d_max,D_hop,sigma\n");
    for (size_t r = 0; r < ssoc_csv_nrows(t); ++r)
        for (int c = 0; c < 6; ++c)
            k += (size_t)snprintf(s + k, cap - k, "%s%c", ssoc_csv_field(t, r, ssoc_csv_column(t, cols[c])),
                                  c == 5 ? '\n' : ',');
    cr_assert(k < cap);
    ssoc_csv_free(t);
    return s;
}

Test(data, d_max_only_classifies_by_d_crit)
{
    char *text = kim_without_regime();
    const char *path = tu_write_tmp(".csv", text);
    free(text);
    ssoc_dataset *ref = read_ok(tu_src(KIM), 6.0);

    ssoc_dataset *d6 = read_ok(path, 6.0);
    expect_kim_values(d6, 3, 1);
    cr_expect(d6->d_crit_A == 6.0);
    for (size_t i = 0; i < d6->n; ++i)
        cr_expect_eq(d6->regime[i], ref->regime[i], "row %zu", i);

    /* d_crit 5.0: d_max 5.0, 5.5, 5.8 become SCC (PCC needs d_max < d_crit strictly); 7 PCC left. */
    ssoc_dataset *d5 = read_ok(path, 5.0);
    cr_expect_eq(d5->n_pcc, 7);
    cr_expect_eq(d5->n_scc, 16);
    cr_expect(d5->d_crit_A == 5.0);
    for (size_t i = 0; i < d5->n; ++i)
        cr_expect_eq(d5->regime[i], d5->d_max_A[i] < 5.0 ? SSOC_REGIME_PCC : SSOC_REGIME_SCC, "row %zu", i);
    cr_expect(d5->n_pcc != d6->n_pcc);

    /* With a regime column, regime wins: d_crit does not change the counts, and no error. */
    ssoc_dataset *r5 = read_ok(tu_src(KIM), 5.0);
    cr_expect_eq(r5->n_pcc, 13);
    cr_expect_eq(r5->n_scc, 10);
    ssoc_dataset_free(ref);
    ssoc_dataset_free(d6);
    ssoc_dataset_free(d5);
    ssoc_dataset_free(r5);
}

Test(data, crlf_no_final_newline_and_bom)
{
    char *text = slurp(tu_src(KIM));
    char *crlf = to_crlf(text);
    ssoc_dataset *d = read_ok(tu_write_tmp(".csv", crlf), 6.0);
    expect_kim_values(d, KIM_HEADER_LINE + 1, 1);
    ssoc_dataset_free(d);

    /* no final newline, LF and CRLF */
    size_t n = strlen(text);
    cr_assert(text[n - 1] == '\n');
    text[n - 1] = '\0';
    d = read_ok(tu_write_tmp(".csv", text), 6.0);
    expect_kim_values(d, KIM_HEADER_LINE + 1, 1);
    ssoc_dataset_free(d);
    size_t m = strlen(crlf);
    crlf[m - 2] = '\0';
    d = read_ok(tu_write_tmp(".csv", crlf), 6.0);
    expect_kim_values(d, KIM_HEADER_LINE + 1, 1);
    ssoc_dataset_free(d);

    /* UTF-8 byte-order mark before the first line */
    char *bom = malloc(n + 4);
    memcpy(bom, "\xEF\xBB\xBF", 3);
    memcpy(bom + 3, text, n);
    bom[n + 3] = '\0';
    d = read_ok(tu_write_tmp(".csv", bom), 6.0);
    expect_kim_values(d, KIM_HEADER_LINE + 1, 1);
    ssoc_dataset_free(d);
    free(bom);
    free(text);
    free(crlf);
}

Test(data, any_order_extra_columns_blanks_and_case)
{
    const char *text = "  sigma ,comment,\tregime, T,x ,D_hop,run id,rho\r\n"
                       "6.4e-3, fine ,pcc,500, 0.75 ,2.3e-6,7,1.73\n"
                       "\t1.2e-3,,Scc,450.5,0.5,1.2e-6,x,1.5\n";
    const char *path = tu_write_tmp(".csv", text);
    ssoc_dataset *d = read_ok(path, 6.0);
    cr_assert_eq(d->n, 2);
    cr_expect(d->x[0] == 0.75 && d->rho_g_cm3[0] == 1.73 && d->T_K[0] == 500.0 && d->D_hop_cm2_s[0] == 2.3e-6 &&
              d->sigma_S_cm[0] == 6.4e-3 && d->regime[0] == SSOC_REGIME_PCC && isnan(d->d_max_A[0]));
    cr_expect(d->x[1] == 0.5 && d->rho_g_cm3[1] == 1.5 && d->T_K[1] == 450.5 && d->D_hop_cm2_s[1] == 1.2e-6 &&
              d->sigma_S_cm[1] == 1.2e-3 && d->regime[1] == SSOC_REGIME_SCC && isnan(d->d_max_A[1]));
    cr_expect(d->line[0] == 2 && d->line[1] == 3);
    cr_expect(d->n_pcc == 1 && d->n_scc == 1);
    ssoc_dataset_free(d);
}

Test(data, comments_between_rows_keep_line_numbers)
{
    const char *text = "\n"                                   /* 1 */
                       "# header next\n"                      /* 2 */
                       "x,rho,T,D_hop,sigma,d_max\n"          /* 3 */
                       "# first point\n"                      /* 4 */
                       "0.70,1.80,500,1e-6,1e-3,4.0\n"        /* 5 */
                       "\n"                                   /* 6 */
                       "   # indented comment, 1,2,3\n"       /* 7 */
                       "\t\n"                                 /* 8 */
                       "0.71,1.60,600,2e-6,2e-3,7.5\n"        /* 9 */
                       "#\n"                                  /* 10 */
                       "0.72,1.70,700,3e-6,3e-3,0\n";         /* 11 */
    ssoc_dataset *d = read_ok(tu_write_tmp(".csv", text), 6.0);
    cr_assert_eq(d->n, 3);
    cr_expect(d->line[0] == 5 && d->line[1] == 9 && d->line[2] == 11, "%d %d %d", d->line[0], d->line[1],
              d->line[2]);
    cr_expect(d->regime[0] == SSOC_REGIME_PCC && d->regime[1] == SSOC_REGIME_SCC && d->regime[2] == SSOC_REGIME_PCC);
    cr_expect(d->d_max_A[2] == 0.0 && d->T_K[1] == 600.0);

    /* the same rows, a bad value on line 9, must be reported at line 9 */
    const char *bad = "\n# header next\nx,rho,T,D_hop,sigma,d_max\n# first point\n0.70,1.80,500,1e-6,1e-3,4.0\n"
                      "\n   # indented comment\n\t\n0.71,1.60,-600,2e-6,2e-3,7.5\n";
    const char *path = tu_write_tmp(".csv", bad);
    ssoc_dataset *out = (ssoc_dataset *)1;
    ssoc_error e;
    cr_expect(ssoc_data_read_csv(path, 6.0, &out, &e) == SSOC_EDATA);
    cr_expect(out == NULL);
    char want[512];
    snprintf(want, sizeof want, "%s:9: column 'T': '-600' must be > 0", path);
    cr_expect_str_eq(e.msg, want);
    ssoc_dataset_free(d);
}

Test(data, regime_wins_over_d_max_and_empty_d_max_allowed)
{
    const char *text = "x,rho,T,D_hop,sigma,d_max,regime\n"
                       "0.70,1.80,500,1e-6,1e-3,9.0,PCC\n" /* disagrees with d_max: not an error */
                       "0.70,1.60,500,1e-6,1e-3,,SCC\n"    /* d_max empty: NaN, regime decides */
                       "0.70,1.90,500,1e-6,1e-3,3,scc\n";
    ssoc_dataset *d = read_ok(tu_write_tmp(".csv", text), 6.0);
    cr_assert_eq(d->n, 3);
    cr_expect(d->regime[0] == SSOC_REGIME_PCC && d->d_max_A[0] == 9.0);
    cr_expect(d->regime[1] == SSOC_REGIME_SCC && isnan(d->d_max_A[1]));
    cr_expect(d->regime[2] == SSOC_REGIME_SCC && d->d_max_A[2] == 3.0);
    cr_expect(d->n_pcc == 1 && d->n_scc == 2);
    ssoc_dataset_free(d);
}

/* ---- every malformed input: status, FILE:LINE and column ---- */

struct bad_case {
    const char *name;
    const char *text;
    ssoc_status code;
    int line;         /* expected line in "PATH:LINE:" */
    const char *col;  /* column name that must appear quoted, or NULL */
    const char *also; /* another substring the message must contain, or NULL */
};

#define HDR "# bad input\nx,rho,T,D_hop,sigma,regime\n" /* header on line 2 */
#define OK3 "0.75,1.73,500,2.3e-6,6.4e-3,PCC\n"          /* a good row on line 3 */
#define HDRD "# bad input\nx,rho,T,D_hop,sigma,d_max\n"
#define HDRB "# bad input\nx,rho,T,D_hop,sigma,d_max,regime\n"

static const struct bad_case bad_cases[] = {
    /* file structure */
    {"empty file", "", SSOC_EDATA, 1, NULL, "empty file"},
    {"only comments and blanks", "# one\n\n  # three\n", SSOC_EDATA, 3, NULL, "no header"},
    {"header with empty name", "# c\nx,rho,,T,D_hop,sigma,regime\n" OK3, SSOC_EDATA, 2, NULL,
     "column 3 has an empty name"},
    {"header trailing comma", "x,rho,T,D_hop,sigma,regime,\n" OK3, SSOC_EDATA, 1, NULL, "column 7 has an empty name"},
    {"duplicate column", "# c\nx,rho,T,D_hop,sigma,regime,rho\n0.75,1.73,500,2.3e-6,6.4e-3,PCC,1.7\n", SSOC_EDATA,
     2, "rho", "duplicate column"},
    {"duplicate column after trim", "x,rho,T, x ,D_hop,sigma,regime\n", SSOC_EDATA, 1, "x", "columns 1 and 4"},
    {"ragged row short", HDR OK3 "0.75,1.73,500,2.3e-6,PCC\n", SSOC_EDATA, 4, NULL, "expected 6 fields"},
    {"ragged row short count", HDR OK3 "0.75,1.73,500,2.3e-6,PCC\n", SSOC_EDATA, 4, NULL, "found 5"},
    {"ragged row long", HDR "\n# x\n0.75,1.73,500,2.3e-6,6.4e-3,PCC,\n", SSOC_EDATA, 5, NULL,
     "expected 6 fields (as in the header on line 2), found 7"},
    {"header but no data rows", HDR "# nothing\n\n", SSOC_EDATA, 2, NULL, "no data rows"},
    {"quoted field", HDR OK3 "0.75,\"1.73\",500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 4, "rho", "quoted"},
    {"quoted header", "x,\"rho\",T,D_hop,sigma,regime\n" OK3, SSOC_EDATA, 1, NULL, "quoted"},
    /* required columns */
    {"missing x", "# c\nrho,T,D_hop,sigma,regime\n1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 2, "x",
     "missing required column"},
    {"missing rho", "# c\n# c\nx,T,D_hop,sigma,regime\n0.75,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "rho",
     "missing required column"},
    {"missing T", "x,rho,D_hop,sigma,regime\n0.75,1.73,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 1, "T", "header: x, rho"},
    {"missing D_hop", "x,rho,T,sigma,regime\n0.75,1.73,500,6.4e-3,PCC\n", SSOC_EDATA, 1, "D_hop", "missing"},
    {"missing sigma", "x,rho,T,D_hop,regime\n0.75,1.73,500,2.3e-6,PCC\n", SSOC_EDATA, 1, "sigma", "missing"},
    {"wrong case", "x,Rho,T,D_hop,sigma,regime\n0.75,1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 1, "rho",
     "case-sensitive"},
    {"neither regime nor d_max", "# c\nx,rho,T,D_hop,sigma,dmax\n0.75,1.73,500,2.3e-6,6.4e-3,4\n", SSOC_EDATA, 2,
     "regime", "'d_max'"},
    /* numbers */
    {"non-numeric", HDR OK3 "0.75,abc,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 4, "rho", "'abc' is not a number"},
    {"trailing junk", HDR "0.75,1.73,500K,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "T", "'500K' is not a number"},
    {"two numbers", HDR "0.75,1.73,500,2.3e-6 1,6.4e-3,PCC\n", SSOC_EDATA, 3, "D_hop", "not a number"},
    {"empty field", HDR OK3 "0.75,1.73, ,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 4, "T", "empty field"},
    {"NaN", HDR OK3 OK3 "0.75,1.73,500,nan,6.4e-3,PCC\n", SSOC_EDATA, 5, "D_hop", "NaN"},
    {"NaN capital", HDR "0.75,1.73,500,2e-6,NaN,PCC\n", SSOC_EDATA, 3, "sigma", "NaN"},
    {"inf", HDR "0.75,1.73,500,2.3e-6,inf,PCC\n", SSOC_EDATA, 3, "sigma", "is infinite"},
    {"-Infinity", HDR "-Infinity,1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "x", "is infinite"},
    {"overflow", HDR "0.75,1e999,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "rho", "overflows"},
    {"underflow", HDR "0.75,1.73,500,1e-400,6.4e-3,PCC\n", SSOC_EDATA, 3, "D_hop", "underflows"},
    /* physical ranges */
    {"x = 0", HDR "0,1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "x", "outside the open interval (0, 1)"},
    {"x = 1", HDR OK3 "1.0,1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 4, "x", "outside"},
    {"x < 0", HDR "-0.5,1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "x", "'-0.5' is outside"},
    {"x > 1", HDR "1.5,1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "x", "outside"},
    {"rho = 0", HDR "0.75,0,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "rho", "'0' must be > 0"},
    {"rho < 0", HDR "0.75,-1.73,500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "rho", "must be > 0"},
    {"T = 0", HDR "0.75,1.73,0.0,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "T", "must be > 0"},
    {"T < 0", HDR "0.75,1.73,-500,2.3e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "T", "must be > 0"},
    {"D_hop = 0", HDR "0.75,1.73,500,0,6.4e-3,PCC\n", SSOC_EDATA, 3, "D_hop", "must be > 0"},
    {"D_hop < 0", HDR "0.75,1.73,500,-2e-6,6.4e-3,PCC\n", SSOC_EDATA, 3, "D_hop", "must be > 0"},
    {"sigma = -0", HDR "0.75,1.73,500,2e-6,-0.0,PCC\n", SSOC_EDATA, 3, "sigma", "must be > 0"},
    {"sigma < 0", HDR "0.75,1.73,500,2e-6,-6e-3,PCC\n", SSOC_EDATA, 3, "sigma", "must be > 0"},
    {"d_max < 0", HDRD "0.75,1.73,500,2e-6,6e-3,-1\n", SSOC_EDATA, 3, "d_max", "must be >= 0"},
    {"d_max < 0 with regime", HDRB "0.75,1.73,500,2e-6,6e-3,-1,PCC\n", SSOC_EDATA, 3, "d_max", "must be >= 0"},
    {"d_max empty without regime", HDRD "0.75,1.73,500,2e-6,6e-3,4\n0.75,1.73,500,2e-6,6e-3,\n", SSOC_EDATA, 4,
     "d_max", "empty field"},
    {"d_max junk with regime", HDRB "0.75,1.73,500,2e-6,6e-3,big,PCC\n", SSOC_EDATA, 3, "d_max", "not a number"},
    {"d_max nan", HDRD "0.75,1.73,500,2e-6,6e-3,nan\n", SSOC_EDATA, 3, "d_max", "NaN"},
    /* regime */
    {"unknown regime", HDR OK3 "0.75,1.73,500,2.3e-6,6.4e-3,XCC\n", SSOC_EDATA, 4, "regime", "'XCC' is not PCC or SCC"},
    {"regime empty", HDR "0.75,1.73,500,2.3e-6,6.4e-3,\n", SSOC_EDATA, 3, "regime", "'' is not PCC or SCC"},
    {"regime with inner blank", HDR "0.75,1.73,500,2.3e-6,6.4e-3,P CC\n", SSOC_EDATA, 3, "regime", "not PCC or SCC"},
    {"regime number", HDRB "0.75,1.73,500,2.3e-6,6.4e-3,4,1\n", SSOC_EDATA, 3, "regime", "'1' is not PCC"},
    /* CRLF does not hide the line of an error */
    {"crlf error line", "# c\r\nx,rho,T,D_hop,sigma,regime\r\n" OK3 "0.75,1.73,500,2.3e-6,6.4e-3,QCC\r\n", SSOC_EDATA,
     4, "regime", "'QCC'"},
};

Test(data, malformed_inputs)
{
    for (size_t k = 0; k < sizeof bad_cases / sizeof bad_cases[0]; ++k) {
        const struct bad_case *c = &bad_cases[k];
        const char *path = tu_write_tmp(".csv", c->text);
        cr_assert(path);
        ssoc_dataset *out = (ssoc_dataset *)&out; /* must be reset to NULL */
        ssoc_error e;
        ssoc_error_clear(&e);
        ssoc_status st = ssoc_data_read_csv(path, 6.0, &out, &e);
        cr_expect_eq(st, c->code, "[%s] status %d, want %d: %s", c->name, st, c->code, e.msg);
        cr_expect_eq(e.code, c->code, "[%s] error record code", c->name);
        cr_expect(out == NULL, "[%s] *out not NULL on error", c->name);
        char want[512];
        snprintf(want, sizeof want, "%s:%d:", path, c->line);
        cr_expect(strncmp(e.msg, want, strlen(want)) == 0, "[%s] want prefix '%s', got: %s", c->name, want, e.msg);
        if (c->col) {
            snprintf(want, sizeof want, "'%s'", c->col);
            cr_expect(strstr(e.msg, want), "[%s] column %s not named: %s", c->name, want, e.msg);
        }
        if (c->also)
            cr_expect(strstr(e.msg, c->also), "[%s] want '%s' in: %s", c->name, c->also, e.msg);
        cr_expect(!strchr(e.msg, '\n'), "[%s] message is not one line", c->name);
        ssoc_dataset_free(out);
    }
}

Test(data, nul_byte_rejected)
{
    const char text[] = "x,rho,T,D_hop,sigma,regime\n0.75,1.73,500,2.3e-6,6.4e-3,PCC\n"
                        "0.75,1.7\0003,500,2e-6,6e-3,PCC\n";
    const char *path = tu_write_tmp(".csv", "");
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert(fwrite(text, 1, sizeof text - 1, f) == sizeof text - 1);
    fclose(f);
    ssoc_dataset *out = NULL;
    ssoc_error e;
    cr_expect(ssoc_data_read_csv(path, 6.0, &out, &e) == SSOC_EDATA);
    char want[512];
    snprintf(want, sizeof want, "%s:3: NUL byte", path);
    cr_expect(strncmp(e.msg, want, strlen(want)) == 0, "%s", e.msg);
}

Test(data, io_and_argument_errors)
{
    ssoc_dataset *out = NULL;
    ssoc_error e;
    const char *missing = "/tmp/ssoc_no_such_dir_42/data.csv";
    cr_expect(ssoc_data_read_csv(missing, 6.0, &out, &e) == SSOC_EIO);
    cr_expect(out == NULL);
    cr_expect(strstr(e.msg, missing) && strstr(e.msg, "cannot open"), "%s", e.msg);
    cr_expect(ssoc_data_read_csv("/tmp", 6.0, &out, &e) == SSOC_EIO, "directory: %s", e.msg);
    cr_expect(strstr(e.msg, "/tmp"), "%s", e.msg);

    const char *kim = tu_src(KIM);
    const double bad_dcrit[] = {0.0, -6.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 5; ++i) {
        ssoc_error_clear(&e);
        cr_expect(ssoc_data_read_csv(kim, bad_dcrit[i], &out, &e) == SSOC_EINVAL, "d_crit %g", bad_dcrit[i]);
        cr_expect(out == NULL);
        cr_expect(strstr(e.msg, "d_crit"), "%s", e.msg);
    }
    cr_expect(ssoc_data_read_csv(NULL, 6.0, &out, &e) == SSOC_EINVAL);
    cr_expect(ssoc_data_read_csv(kim, 6.0, NULL, &e) == SSOC_EINVAL);
    /* a NULL error record is allowed */
    cr_expect(ssoc_data_read_csv(missing, 6.0, &out, NULL) == SSOC_EIO);
    ssoc_csv *t = (ssoc_csv *)&t;
    cr_expect(ssoc_csv_read(missing, &t, &e) == SSOC_EIO);
    cr_expect(t == NULL);
    cr_expect(ssoc_csv_read(NULL, &t, &e) == SSOC_EINVAL);
    cr_expect(ssoc_csv_read(kim, NULL, &e) == SSOC_EINVAL);
}

Test(data, generic_csv_table)
{
    /* The independent-check data set has other columns: read it through the generic table. */
    ssoc_csv *t = NULL;
    ssoc_error e;
    const char *path = tu_src("data/zhou2024_mlff_300K.csv");
    char pathcopy[4096];
    snprintf(pathcopy, sizeof pathcopy, "%s", path);
    cr_assert(ssoc_csv_read(pathcopy, &t, &e) == SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(ssoc_csv_path(t), pathcopy);
    cr_expect_eq(ssoc_csv_ncols(t), 6);
    cr_expect_eq(ssoc_csv_header_line(t), 7);
    cr_assert_eq(ssoc_csv_nrows(t), 3);
    cr_expect(ssoc_csv_line(t, 0) == 8 && ssoc_csv_line(t, 2) == 10);
    cr_expect_eq(ssoc_csv_line(t, 3), 0);
    cr_expect_eq(ssoc_csv_column(t, "D_tracer"), 4);
    cr_expect_eq(ssoc_csv_column(t, "  Ea\t"), 5);
    cr_expect_eq(ssoc_csv_column(t, "ea"), -1);
    cr_expect_eq(ssoc_csv_column(t, "regime"), -1);
    cr_expect_str_eq(ssoc_csv_column_name(t, 0), "x");
    cr_expect(ssoc_csv_column_name(t, 6) == NULL && ssoc_csv_column_name(t, -1) == NULL);
    cr_expect_str_eq(ssoc_csv_field(t, 1, 4), "2.96e-8");
    cr_expect(ssoc_csv_field(t, 3, 0) == NULL && ssoc_csv_field(t, 0, 6) == NULL && ssoc_csv_field(t, 0, -1) == NULL);
    double v = 0;
    cr_expect(ssoc_csv_get_double(t, 2, ssoc_csv_column(t, "Ea"), &v, &e) == SSOC_OK && v == 0.303);
    cr_expect(ssoc_csv_get_double(t, 0, 1, &v, &e) == SSOC_OK && v == 1.89);
    cr_expect(ssoc_csv_get_double(t, 3, 1, &v, &e) == SSOC_EINVAL);
    cr_expect(ssoc_csv_get_double(t, 0, 7, &v, &e) == SSOC_EINVAL);
    /* the table hashes exactly the bytes it parsed */
    char hex[65];
    cr_assert(ssoc_sha256_file(pathcopy, hex, &e) == SSOC_OK);
    cr_expect_str_eq(ssoc_csv_sha256(t), hex);
    ssoc_csv_free(t);
    ssoc_csv_free(NULL);

    /* get_double message: "FILE:LINE: column 'NAME': 'TEXT' is not a number" */
    const char *p2 = tu_write_tmp(".csv", "a, b\n1,2\n# c\n3, 4x \n");
    cr_assert(ssoc_csv_read(p2, &t, &e) == SSOC_OK, "%s", e.msg);
    cr_expect(ssoc_csv_get_double(t, 0, 1, &v, &e) == SSOC_OK && v == 2.0);
    cr_expect(ssoc_csv_get_double(t, 1, 1, &v, &e) == SSOC_EDATA);
    char want[512];
    snprintf(want, sizeof want, "%s:4: column 'b': '4x' is not a number", p2);
    cr_expect_str_eq(e.msg, want);
    ssoc_csv_free(t);
}

/* ---- the container helpers of src/dataset.c ---- */

Test(dataset, take_rows)
{
    ssoc_dataset *src = read_ok(tu_src(KIM), 6.0);
    ssoc_dataset *dst = ssoc_dataset_alloc(4);
    cr_assert(dst);
    const size_t idx[] = {22, 0, 0, 5}; /* SCC, PCC, PCC (repeat), PCC */
    ssoc_error e;
    cr_assert(ssoc_dataset_take(src, idx, 4, dst, &e) == SSOC_OK, "%s", e.msg);
    cr_expect_eq(dst->n, 4);
    cr_expect(dst->n_pcc == 3 && dst->n_scc == 1);
    for (size_t k = 0; k < 4; ++k) {
        size_t i = idx[k];
        cr_expect(dst->x[k] == src->x[i] && dst->rho_g_cm3[k] == src->rho_g_cm3[i] && dst->T_K[k] == src->T_K[i] &&
                      dst->D_hop_cm2_s[k] == src->D_hop_cm2_s[i] && dst->sigma_S_cm[k] == src->sigma_S_cm[i] &&
                      dst->d_max_A[k] == src->d_max_A[i] && dst->regime[k] == src->regime[i] &&
                      dst->line[k] == src->line[i],
                  "k %zu", k);
    }
    cr_expect(dst->line[0] == 37 && dst->line[3] == 20);
    cr_expect(dst->path == NULL && dst->sha256[0] == '\0'); /* left alone */

    /* fewer rows into the same buffer: n and counts follow */
    const size_t one[] = {3};
    cr_assert(ssoc_dataset_take(src, one, 1, dst, &e) == SSOC_OK);
    cr_expect(dst->n == 1 && dst->n_pcc == 0 && dst->n_scc == 1 && dst->rho_g_cm3[0] == 1.60);

    /* errors */
    const size_t five[] = {0, 1, 2, 3, 4};
    cr_expect(ssoc_dataset_take(src, five, 5, dst, &e) == SSOC_EINVAL);
    cr_expect(strstr(e.msg, "capacity 4"), "%s", e.msg);
    const size_t oob[] = {1, 23};
    cr_expect(ssoc_dataset_take(src, oob, 2, dst, &e) == SSOC_EINVAL);
    cr_expect(strstr(e.msg, "23") && strstr(e.msg, "out of range"), "%s", e.msg);
    ssoc_dataset_free(dst);
    ssoc_dataset_free(src);
    ssoc_dataset_free(NULL);
}

Test(dataset, range)
{
    ssoc_dataset *d = read_ok(tu_src(KIM), 6.0);
    ssoc_data_range r;
    ssoc_dataset_range(d, &r);
    cr_expect(r.x_min == 0.666 && r.x_max == 0.750);
    cr_expect(r.T_min_K == 500.0 && r.T_max_K == 500.0);
    /* Densest relative to close packing is (0.666, 2.15), loosest (0.750, 1.40): rho/rho0 =
     * 2.15/1.828 and 1.40/1.833 (docs/MODEL.md, "The framework": rho0). Check against the
     * brute-force extremes too. */
    double vmin = INFINITY, vmax = -INFINITY;
    for (size_t i = 0; i < d->n; ++i) {
        double vf = 1.0 - d->rho_g_cm3[i] / ssoc_model_rho0_g_cm3(d->x[i]);
        vmin = fmin(vmin, vf);
        vmax = fmax(vmax, vf);
    }
    cr_expect(tu_rel(r.vf_min, 1.0 - 2.15 / ssoc_model_rho0_g_cm3(0.666)) < 1e-14, "vf_min %.15g", r.vf_min);
    cr_expect(tu_rel(r.vf_max, 1.0 - 1.40 / ssoc_model_rho0_g_cm3(0.750)) < 1e-14, "vf_max %.15g", r.vf_max);
    cr_expect(tu_rel(r.vf_min, vmin) < 1e-14 && tu_rel(r.vf_max, vmax) < 1e-14);
    cr_expect(fabs(r.vf_min - (1.0 - 2.15 / 1.828)) < 5e-4 && fabs(r.vf_max - (1.0 - 1.40 / 1.833)) < 5e-4);

    /* several temperatures, and an empty set */
    const char *text = "x,rho,T,D_hop,sigma,regime\n0.7,1.8,300,1e-6,1e-3,PCC\n0.6,1.7,800,1e-6,1e-3,SCC\n"
                       "0.65,1.75,450,1e-6,1e-3,SCC\n";
    ssoc_dataset *m = read_ok(tu_write_tmp(".csv", text), 6.0);
    ssoc_dataset_range(m, &r);
    cr_expect(r.x_min == 0.6 && r.x_max == 0.7 && r.T_min_K == 300.0 && r.T_max_K == 800.0);
    ssoc_dataset *z = ssoc_dataset_alloc(0);
    cr_assert(z);
    ssoc_dataset_range(z, &r);
    cr_expect(isinf(r.x_min) && r.x_min > 0 && isinf(r.x_max) && r.x_max < 0);
    ssoc_dataset_free(z);
    ssoc_dataset_free(m);
    ssoc_dataset_free(d);
}

Test(dataset, extrapolation_bits)
{
    const ssoc_data_range r = {.x_min = 0.6, .x_max = 0.7, .vf_min = 0.0, .vf_max = 0.1, .T_min_K = 400, .T_max_K = 500};
    cr_expect(ssoc_data_range_extrap(&r, 0.65, 0.05, 450.0) == 0);
    cr_expect(ssoc_data_range_extrap(&r, 0.6, 0.0, 400.0) == 0, "the ends are inside");
    cr_expect(ssoc_data_range_extrap(&r, 0.7, 0.1, 500.0) == 0);
    cr_expect(ssoc_data_range_extrap(&r, 0.59, 0.05, 450.0) == SSOC_EXTRAP_X);
    cr_expect(ssoc_data_range_extrap(&r, 0.65, 0.11, 450.0) == SSOC_EXTRAP_VF);
    cr_expect(ssoc_data_range_extrap(&r, 0.65, 0.05, 300.0) == SSOC_EXTRAP_T);
    cr_expect(ssoc_data_range_extrap(&r, 0.8, -0.1, 900.0) == (SSOC_EXTRAP_X | SSOC_EXTRAP_VF | SSOC_EXTRAP_T));
    cr_expect(SSOC_EXTRAP_X == 1 && SSOC_EXTRAP_VF == 2 && SSOC_EXTRAP_T == 4, "the bits the sweep file documents");
    cr_expect(ssoc_data_range_extrap(&r, NAN, NAN, NAN) == 0);
}
