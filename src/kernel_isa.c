/* Dispatch of the sweep kernel's public functions (include/ssoc/kernel.h) to one instruction-set
 * variant of src/kernel.c (include/ssoc/kernel_isa.h; the variants are built by CMakeLists.txt, which
 * defines SSOC_KERNEL_HAVE_AVX2 / _AVX512F for a portable x86-64 build and SSOC_KERNEL_NATIVE for
 * an SSOC_NATIVE one). One indirect call per column or row, not per value. */
#include "ssoc/kernel_isa.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/kernel.h"

/* every variant's functions under their suffixed names (src/kernel_variant.h) */
#define DECLARE_VARIANT(v)                                                                                       \
    ssoc_paramsets *ssoc_paramsets_alloc_##v(const double *, const unsigned char *, size_t);                    \
    void ssoc_paramsets_free_##v(ssoc_paramsets *);                                                             \
    void ssoc_column_init_##v(double, double, ssoc_column *);                                                   \
    void ssoc_kernel_eval_##v(const ssoc_column *, const ssoc_paramsets *, size_t, const double *, double *,    \
                              size_t, double *, double *);                                                      \
    void ssoc_kernel_quantiles_##v(double *, size_t, size_t, const double *, double *);                         \
    size_t ssoc_kernel_quantiles_scratch_##v(size_t);                                                           \
    void ssoc_kernel_quantiles_ws_##v(const double *, size_t, size_t, const double *, double *, void *);        \
    void ssoc_kernel_band_##v(ssoc_ci_method, double, double *, size_t, double, const double *, size_t, double *, \
                              double *, void *);                                                                \
    ssoc_kernel_ws *ssoc_kernel_ws_alloc_##v(const ssoc_kernel_ctx *);                                          \
    void ssoc_kernel_ws_free_##v(ssoc_kernel_ws *);                                                             \
    void ssoc_kernel_column_##v(const ssoc_kernel_ctx *, ssoc_kernel_ws *, const ssoc_column *, size_t, double *, \
                                double *, double *, double *, double *, double *, double *);

typedef struct kernel_table {
    ssoc_paramsets *(*paramsets_alloc)(const double *, const unsigned char *, size_t);
    void (*paramsets_free)(ssoc_paramsets *);
    void (*column_init)(double, double, ssoc_column *);
    void (*eval)(const ssoc_column *, const ssoc_paramsets *, size_t, const double *, double *, size_t, double *,
                 double *);
    void (*quantiles)(double *, size_t, size_t, const double *, double *);
    size_t (*quantiles_scratch)(size_t);
    void (*quantiles_ws)(const double *, size_t, size_t, const double *, double *, void *);
    void (*band)(ssoc_ci_method, double, double *, size_t, double, const double *, size_t, double *, double *, void *);
    ssoc_kernel_ws *(*ws_alloc)(const ssoc_kernel_ctx *);
    void (*ws_free)(ssoc_kernel_ws *);
    void (*column)(const ssoc_kernel_ctx *, ssoc_kernel_ws *, const ssoc_column *, size_t, double *, double *,
                   double *, double *, double *, double *, double *);
} kernel_table;

#define TABLE(v)                                                                                                 \
    {ssoc_paramsets_alloc_##v,          ssoc_paramsets_free_##v, ssoc_column_init_##v,      ssoc_kernel_eval_##v, \
     ssoc_kernel_quantiles_##v,         ssoc_kernel_quantiles_scratch_##v,                  ssoc_kernel_quantiles_ws_##v, \
     ssoc_kernel_band_##v, \
     ssoc_kernel_ws_alloc_##v,          ssoc_kernel_ws_free_##v,                            ssoc_kernel_column_##v}

#ifdef SSOC_KERNEL_NATIVE
DECLARE_VARIANT(native)
static const kernel_table tables[SSOC_ISA_COUNT] = {[SSOC_ISA_NATIVE] = TABLE(native)};
#else
DECLARE_VARIANT(default)
#ifdef SSOC_KERNEL_HAVE_AVX2
DECLARE_VARIANT(avx2)
#endif
#ifdef SSOC_KERNEL_HAVE_AVX512F
DECLARE_VARIANT(avx512f)
#endif
static const kernel_table tables[SSOC_ISA_COUNT] = {
    [SSOC_ISA_DEFAULT] = TABLE(default),
#ifdef SSOC_KERNEL_HAVE_AVX2
    [SSOC_ISA_AVX2] = TABLE(avx2),
#endif
#ifdef SSOC_KERNEL_HAVE_AVX512F
    [SSOC_ISA_AVX512F] = TABLE(avx512f),
#endif
};
#endif

static const char *const isa_names[SSOC_ISA_COUNT] = {"default", "avx2", "avx512f", "native"};

const char *ssoc_kernel_isa_name(ssoc_kernel_isa isa)
{
    return (unsigned)isa < SSOC_ISA_COUNT ? isa_names[isa] : NULL;
}

int ssoc_kernel_isa_parse(const char *name, ssoc_kernel_isa *out)
{
    for (int i = 0; name && i < SSOC_ISA_COUNT; ++i)
        if (!strcmp(name, isa_names[i])) {
            *out = (ssoc_kernel_isa)i;
            return 0;
        }
    return -1;
}

/* SSOC_TEST_KERNEL_ISA_LACK=NAME (test hook): this process behaves as if its CPU could not run
 * NAME or anything above it, so one MPI rank can play a node of an older CPU generation. */
static int lacks(ssoc_kernel_isa isa)
{
    ssoc_kernel_isa lack;
    const char *v = getenv("SSOC_TEST_KERNEL_ISA_LACK");
    return v && !ssoc_kernel_isa_parse(v, &lack) && lack != SSOC_ISA_NATIVE && isa != SSOC_ISA_NATIVE && isa >= lack;
}

int ssoc_kernel_isa_supported(ssoc_kernel_isa isa)
{
    if ((unsigned)isa >= SSOC_ISA_COUNT || !tables[isa].column || lacks(isa))
        return 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (isa == SSOC_ISA_AVX2)
        return __builtin_cpu_supports("x86-64-v3") != 0;
    if (isa == SSOC_ISA_AVX512F)
        return __builtin_cpu_supports("x86-64-v4") != 0;
#endif
    return 1; /* default and native: the build machine's own baseline */
}

ssoc_kernel_isa ssoc_kernel_isa_best(void)
{
    for (int i = SSOC_ISA_COUNT - 1; i > 0; --i)
        if (ssoc_kernel_isa_supported((ssoc_kernel_isa)i))
            return (ssoc_kernel_isa)i;
    return SSOC_ISA_DEFAULT;
}

ssoc_status ssoc_kernel_isa_from_env(ssoc_kernel_isa *out, int *given, ssoc_error *err)
{
    const char *v = getenv("SSOC_KERNEL_ISA");
    *given = 0;
    if (!v || !*v)
        return SSOC_OK;
    ssoc_kernel_isa isa;
    if (ssoc_kernel_isa_parse(v, &isa) || !tables[isa].column) {
        char have[64] = "";
        for (int i = 0; i < SSOC_ISA_COUNT; ++i)
            if (tables[i].column) {
                strcat(have, *have ? ", " : "");
                strcat(have, isa_names[i]);
            }
        return SSOC_ERR(err, SSOC_EINVAL, "environment variable SSOC_KERNEL_ISA='%.64s': this build's kernel variants are %s",
                        v, have);
    }
    *out = isa;
    *given = 1;
    return SSOC_OK;
}

static atomic_int chosen; /* 0 until a variant is chosen, then its ssoc_kernel_isa + 1 */

ssoc_status ssoc_kernel_isa_set(ssoc_kernel_isa isa, ssoc_error *err)
{
    if (!ssoc_kernel_isa_supported(isa))
        return SSOC_ERR(err, SSOC_EINVAL, "kernel variant %s: %s", ssoc_kernel_isa_name(isa) ? ssoc_kernel_isa_name(isa) : "?",
                        (unsigned)isa < SSOC_ISA_COUNT && tables[isa].column ? "this CPU cannot run it"
                                                                             : "not in this build");
    atomic_store_explicit(&chosen, (int)isa + 1, memory_order_release);
    return SSOC_OK;
}

/* The variant in use, chosen on first use if nobody set one (threads racing here all choose the
 * same one). */
static ssoc_kernel_isa current(void)
{
    int c = atomic_load_explicit(&chosen, memory_order_acquire);
    if (!c) {
        ssoc_kernel_isa isa;
        int given = 0;
        if (ssoc_kernel_isa_from_env(&isa, &given, NULL) || !given || !ssoc_kernel_isa_supported(isa))
            isa = ssoc_kernel_isa_best();
        ssoc_kernel_isa_set(isa, NULL);
        c = (int)isa + 1;
    }
    return (ssoc_kernel_isa)(c - 1);
}

static const kernel_table *K(void) { return &tables[current()]; }

ssoc_kernel_isa ssoc_kernel_isa_current(void) { return current(); }

/* the public kernel interface (include/ssoc/kernel.h) */
ssoc_paramsets *ssoc_paramsets_alloc(const double *table, const unsigned char *ok, size_t n)
{
    return K()->paramsets_alloc(table, ok, n);
}
void ssoc_paramsets_free(ssoc_paramsets *s) { K()->paramsets_free(s); }
void ssoc_column_init(double x, double rho_g_cm3, ssoc_column *col) { K()->column_init(x, rho_g_cm3, col); }
void ssoc_kernel_eval(const ssoc_column *col, const ssoc_paramsets *s, size_t nT, const double *inv_T, double *out,
                      size_t ld, double *g, double *A)
{
    K()->eval(col, s, nT, inv_T, out, ld, g, A);
}
void ssoc_kernel_quantiles(double *v, size_t n, size_t nq, const double *q, double *out)
{
    K()->quantiles(v, n, nq, q, out);
}
size_t ssoc_kernel_quantiles_scratch(size_t n) { return K()->quantiles_scratch(n); }
void ssoc_kernel_quantiles_ws(const double *v, size_t n, size_t nq, const double *q, double *out, void *scratch)
{
    K()->quantiles_ws(v, n, nq, q, out, scratch);
}
ssoc_kernel_ws *ssoc_kernel_ws_alloc(const ssoc_kernel_ctx *ctx) { return K()->ws_alloc(ctx); }
void ssoc_kernel_ws_free(ssoc_kernel_ws *ws) { K()->ws_free(ws); }
void ssoc_kernel_band(ssoc_ci_method m, double conf, double *v, size_t n, double point, const double *jack,
                      size_t n_jack, double *lo, double *hi, void *scratch)
{
    K()->band(m, conf, v, n, point, jack, n_jack, lo, hi, scratch);
}
void ssoc_kernel_column(const ssoc_kernel_ctx *ctx, ssoc_kernel_ws *ws, const ssoc_column *col, size_t stride,
                        double *best, double *median, double *lo, double *hi, double *p_exceed, double *pred_lo,
                        double *pred_hi)
{
    K()->column(ctx, ws, col, stride, best, median, lo, hi, p_exceed, pred_lo, pred_hi);
}
