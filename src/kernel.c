/* The sweep kernel: pure functions of (column, parameter sets). No MPI, no HDF5, no printing.
 * See include/ssoc/kernel.h for the hoisting (g_j, A_j per column and set; one exp per value). */
#include "kernel_variant.h" /* one compilation per instruction-set variant */
#include "ssoc/kernel.h"

#include <math.h>
#include <stdint.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "vecmath.h" /* before model_inline.h: libmvec in the simd loops */
#include "model_inline.h"
#include "quantile7.h"

#define VL SSOC_KERNEL_VLEN
#define ALIGN 64

static double *aligned_doubles(size_t n)
{
    size_t bytes = (n * sizeof(double) + ALIGN - 1) / ALIGN * ALIGN;
    return aligned_alloc(ALIGN, bytes ? bytes : ALIGN);
}

ssoc_paramsets *ssoc_paramsets_alloc(const double *table, const unsigned char *ok, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i)
        kept += !ok || ok[i];
    if (!kept)
        return NULL;
    ssoc_paramsets *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->n = kept;
    s->npad = (kept + VL - 1) / VL * VL;
    double **arr[] = {&s->A0_K, &s->A1_K, &s->ln_vc, &s->nH, &s->beta[0], &s->beta[1], &s->beta[2], &s->beta[3]};
    for (size_t a = 0; a < sizeof arr / sizeof arr[0]; ++a)
        if (!(*arr[a] = aligned_doubles(s->npad))) {
            ssoc_paramsets_free(s);
            return NULL;
        }
    const double inv_kB = 1.0 / SSOC_KB_EV_K;
    size_t j = 0;
    for (size_t i = 0; i < n; ++i) {
        if (ok && !ok[i])
            continue;
        const double *p = table + i * SSOC_NPARAM;
        s->A0_K[j] = p[SSOC_P_E0] * inv_kB;
        s->A1_K[j] = p[SSOC_P_ALPHA_E] * inv_kB;
        s->ln_vc[j] = log(p[SSOC_P_VC]);
        s->nH[j] = p[SSOC_P_NH];
        for (int k = 0; k < 4; ++k)
            s->beta[k][j] = p[SSOC_P_BETA0 + k];
        /* ln A adds to ln sigma as beta0 does (both are constants in the exponent; + 0 is exact) */
        s->beta[0][j] += p[SSOC_P_LNA];
        ++j;
    }
    /* pad lanes repeat the last set: finite values on the same path, never selected */
    for (; j < s->npad; ++j) {
        s->A0_K[j] = s->A0_K[kept - 1];
        s->A1_K[j] = s->A1_K[kept - 1];
        s->ln_vc[j] = s->ln_vc[kept - 1];
        s->nH[j] = s->nH[kept - 1];
        for (int k = 0; k < 4; ++k)
            s->beta[k][j] = s->beta[k][kept - 1];
    }
    return s;
}

void ssoc_paramsets_free(ssoc_paramsets *s)
{
    if (!s)
        return;
    free(s->A0_K);
    free(s->A1_K);
    free(s->ln_vc);
    free(s->nH);
    for (int k = 0; k < 4; ++k)
        free(s->beta[k]);
    free(s);
}

void ssoc_column_init(double x, double rho, ssoc_column *col)
{
    col->x = x;
    col->rho_g_cm3 = rho;
    col->v_f = ssoc_mf_vf(rho, ssoc_mf_rho0(x));
    col->ln_vf = col->v_f > 0.0 ? log(col->v_f) : 0.0;
    col->c0 = ssoc_mf_ln_prefactor(ssoc_mf_nli(x, rho, ssoc_mf_molar_mass(x)));
}

/* g_j and A_j of every set at one column (see kernel.h). */
static void column_ga(const ssoc_column *col, const ssoc_paramsets *s, double *g, double *A)
{
    const double x = col->x, vf = col->v_f, vf2 = vf * vf, lnvf = col->ln_vf, c0 = col->c0;
    /* The gating branch depends on the column only (v_f), never on a lane, so every value of a
     * column takes the same path; chunks of exactly VL lanes have no scalar tail. */
    const int gated = vf > 0.0;
    for (size_t j0 = 0; j0 < s->npad; j0 += VL) {
        const double *restrict A0 = __builtin_assume_aligned(s->A0_K + j0, ALIGN);
        const double *restrict A1 = __builtin_assume_aligned(s->A1_K + j0, ALIGN);
        const double *restrict lvc = __builtin_assume_aligned(s->ln_vc + j0, ALIGN);
        const double *restrict nH = __builtin_assume_aligned(s->nH + j0, ALIGN);
        const double *restrict b0 = __builtin_assume_aligned(s->beta[0] + j0, ALIGN);
        const double *restrict b1 = __builtin_assume_aligned(s->beta[1] + j0, ALIGN);
        const double *restrict b2 = __builtin_assume_aligned(s->beta[2] + j0, ALIGN);
        const double *restrict b3 = __builtin_assume_aligned(s->beta[3] + j0, ALIGN);
        double *restrict gg = __builtin_assume_aligned(g + j0, ALIGN);
        double *restrict AA = __builtin_assume_aligned(A + j0, ALIGN);
        if (gated) {
#pragma omp simd simdlen(VL)
            for (int k = 0; k < VL; ++k) {
                /* a Hill term (v_f/v_c)^n_H beyond DBL_MAX gives a finite gate ~ z, not inf (which
                 * made sigma 0 even where a negative barrier or large f_eff kept it finite) */
                const double gate = ssoc_mf_ln_gate(lnvf, lvc[k], nH[k]);
                gg[k] = c0 + b0[k] + b1[k] * x + b2[k] * vf + b3[k] * vf2 - gate;
                AA[k] = A0[k] - A1[k] * vf;
            }
        } else {
#pragma omp simd simdlen(VL)
            for (int k = 0; k < VL; ++k) {
                gg[k] = c0 + b0[k] + b1[k] * x + b2[k] * vf + b3[k] * vf2;
                AA[k] = A0[k] - A1[k] * vf;
            }
        }
    }
}

/* exp of VL lanes in place: the one exp every sigma goes through (the row loop below and the
 * selected order statistics of the fast path), so both give the same bits for the same exponent */
static inline void exp_lanes(double *restrict v)
{
    double *restrict o = __builtin_assume_aligned(v, ALIGN);
#pragma omp simd simdlen(VL)
    for (int k = 0; k < VL; ++k)
        o[k] = exp(o[k]);
}

/* ln sigma = g - A/T of every set for every temperature: out[t * ld + j] */
static void exponent_rows(const ssoc_paramsets *s, size_t nT, const double *inv_T, double *out, size_t ld,
                          const double *g, const double *A)
{
    for (size_t t = 0; t < nT; ++t) {
        const double it = inv_T[t];
        double *row = out + t * ld;
        for (size_t j0 = 0; j0 < s->npad; j0 += VL) {
            const double *restrict gg = __builtin_assume_aligned(g + j0, ALIGN);
            const double *restrict AA = __builtin_assume_aligned(A + j0, ALIGN);
            double *restrict o = __builtin_assume_aligned(row + j0, ALIGN);
#pragma omp simd simdlen(VL)
            for (int k = 0; k < VL; ++k)
                o[k] = gg[k] - AA[k] * it;
        }
    }
}

void ssoc_kernel_eval(const ssoc_column *col, const ssoc_paramsets *s, size_t nT, const double *inv_T,
                      double *out, size_t ld, double *g, double *A)
{
    column_ga(col, s, g, A);
    exponent_rows(s, nT, inv_T, out, ld, g, A);
    for (size_t t = 0; t < nT; ++t)
        for (size_t j0 = 0; j0 < s->npad; j0 += VL)
            exp_lanes(out + t * ld + j0);
}

/* ---- exact selection ------------------------------------------------------------------- */

static void insertion_sort(double *v, size_t n)
{
    for (size_t i = 1; i < n; ++i) {
        double x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            --j;
        }
        v[j] = x;
    }
}

static inline void swapd(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Place the order statistics with ranks k[0..nk) (sorted, within [lo, hi)) at their positions of
 * v[lo..hi): quickselect on several ranks at once, recursing only into parts that hold a rank. */
static void multiselect(double *v, size_t lo, size_t hi, const size_t *k, size_t nk)
{
    while (nk && hi - lo > 16) {
        /* median of three as pivot, moved to v[lo] */
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swapd(&v[mid], &v[lo]);
        if (v[hi - 1] < v[lo])
            swapd(&v[hi - 1], &v[lo]);
        if (v[hi - 1] < v[mid])
            swapd(&v[hi - 1], &v[mid]);
        const double pivot = v[mid];
        /* Hoare partition of [lo, hi) */
        size_t i = lo, j = hi - 1;
        for (;;) {
            while (v[i] < pivot)
                ++i;
            while (v[j] > pivot)
                --j;
            if (i >= j)
                break;
            swapd(&v[i], &v[j]);
            ++i;
            --j;
        }
        /* now v[lo..j] <= pivot <= v[j+1..hi) */
        size_t split = j + 1;
        size_t nleft = 0;
        while (nleft < nk && k[nleft] < split)
            ++nleft;
        if (nleft && nleft < nk) {
            multiselect(v, lo, split, k, nleft);
            lo = split;
            k += nleft;
            nk -= nleft;
        } else if (nleft) {
            hi = split;
        } else {
            lo = split;
        }
    }
    if (nk)
        insertion_sort(v + lo, hi - lo);
}

/* The order statistics behind type-7 quantiles at levels q[0..nq) (nq <= SSOC_KERNEL_MAXQ) of n
 * values, with the arithmetic of src/quantile7.h (shared with src/stats.c, so the bands equal
 * ssoc_quantile_sorted bit for bit; tests/test_sweep_kernel.c checks this): level i interpolates
 * ranks lo[i] and lo[i] + 1 at fraction t[i]. The distinct ranks needed go to k, ascending;
 * returns how many. */
static size_t type7_ranks(size_t n, size_t nq, const double *q, size_t *lo, double *t, size_t *k)
{
    size_t nk = 0;
    for (size_t i = 0; i < nq; ++i) {
        lo[i] = index7(n, q[i], &t[i]);
        k[nk++] = lo[i];
        if (t[i] != 0.0)
            k[nk++] = lo[i] + 1;
    }
    for (size_t i = 1; i < nk; ++i) {
        size_t x = k[i], j = i;
        while (j > 0 && k[j - 1] > x) {
            k[j] = k[j - 1];
            --j;
        }
        k[j] = x;
    }
    size_t m = 0;
    for (size_t i = 0; i < nk; ++i)
        if (!m || k[i] != k[m - 1])
            k[m++] = k[i];
    return m;
}

void ssoc_kernel_quantiles(double *v, size_t n, size_t nq, const double *q, double *out)
{
    size_t k[2 * SSOC_KERNEL_MAXQ] = {0}, lo[SSOC_KERNEL_MAXQ] = {0};
    double t[SSOC_KERNEL_MAXQ] = {0};
    if (nq > SSOC_KERNEL_MAXQ)
        nq = SSOC_KERNEL_MAXQ;
    multiselect(v, 0, n, k, type7_ranks(n, nq, q, lo, t, k));
    for (size_t i = 0; i < nq; ++i)
        out[i] = t[i] == 0.0 ? v[lo[i]] : lerp7(v[lo[i]], v[lo[i] + 1], t[i]);
}

/* Bucket selection (issue 7: selection, not exp, is the bottleneck; scalar quickselect costs
 * ~20 ns per element on real replicate rows because its branches are unpredictable). The map
 * b(v) = min((v - min) * scale, nb - 1) truncated is monotone non-decreasing in v (subtraction,
 * multiplication by a positive number and truncation all preserve order under round-to-nearest),
 * so every value in bucket b is <= every value in bucket b + 1: rank r lies in the bucket where
 * the cumulative count passes r, at rank r - start[b] inside it. One vectorised pass finds min
 * and max (or the caller already has them), one computes the bucket indices, a scalar pass counts
 * them, a branch-free count over the prefix sums (few buckets) finds each rank's bucket, and one
 * branch-free pass collects the positions of all wanted buckets' members at once; each bucket's
 * few values are then sorted (or refined, or quickselected, if a skewed distribution crowds it).
 * The result is the exact order statistic: nothing is approximated. */
#define SMALL 32

#define DEPTH 3 /* bucket levels before a crowded bucket falls back to quickselect */

/* bytes of one level's scratch: n doubles, then n bucket indices and n + 8 positions (u32),
 * rounded to keep 8-byte alignment */
static size_t level_bytes(size_t n) { return n * sizeof(double) + ((2 * n + 8) * sizeof(uint32_t) + 7) / 8 * 8; }

/* Positions of the values whose bucket is one of key[0..nkey) into pos (ascending); returns how
 * many. With AVX2 and BMI2 the matches of 8 indices are compressed branch-free (pdep/pext build
 * the lane order, one unaligned store writes them), so a bucket's scattered members cost no
 * mispredicted branches; pos must hold n + 8 entries. */
static size_t gather_positions(const uint32_t *idx, size_t n, const uint32_t *key, size_t nkey, uint32_t *pos)
{
    size_t m = 0, j = 0;
#if defined(__AVX2__) && defined(__BMI2__)
    __m256i kv[2 * SSOC_KERNEL_MAXQ];
    for (size_t i = 0; i < nkey; ++i)
        kv[i] = _mm256_set1_epi32((int)key[i]);
    for (; j + 8 <= n; j += 8) {
        const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(idx + j));
        __m256i hit = _mm256_cmpeq_epi32(x, kv[0]);
        for (size_t i = 1; i < nkey; ++i)
            hit = _mm256_or_si256(hit, _mm256_cmpeq_epi32(x, kv[i]));
        const unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(hit));
        const uint64_t lanes = _pext_u64(0x0706050403020100ULL, _pdep_u64(mask, 0x0101010101010101ULL) * 0xFF);
        const __m256i perm = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)lanes));
        _mm256_storeu_si256((__m256i *)(void *)(pos + m), _mm256_add_epi32(_mm256_set1_epi32((int)j), perm));
        m += (size_t)__builtin_popcount(mask);
    }
#endif
    for (; j < n; ++j) {
        int h = 0;
        for (size_t i = 0; i < nkey; ++i)
            h |= idx[j] == key[i];
        pos[m] = (uint32_t)j;
        m += (size_t)h;
    }
    return m;
}

/* Ranks k[0..nk) (sorted, distinct) of v[0..n) into kv. `scratch` holds DEPTH - depth levels of
 * level_bytes(n). mnmx: the min and max of v if the caller has them, else NULL. A bucket crowded by a skewed distribution (an outlier stretches [min, max], so
 * most values share a few buckets) is refined by the same method on its own range. */
static void select_ranks(const double *v, size_t n, const size_t *k, size_t nk, double *kv, void *scratch, int depth,
                         const double *mnmx)
{
    double *buf = scratch;
    uint32_t *idx = (uint32_t *)(buf + n), *pos = idx + n;
    if (n <= SMALL) {
        memcpy(buf, v, n * sizeof *buf);
        insertion_sort(buf, n);
        for (size_t i = 0; i < nk; ++i)
            kv[i] = buf[k[i]];
        return;
    }
    double mn = v[0], mx = v[0];
    if (mnmx) {
        mn = mnmx[0], mx = mnmx[1];
    } else {
#pragma omp simd reduction(min : mn) reduction(max : mx)
        for (size_t i = 0; i < n; ++i) {
            mn = v[i] < mn ? v[i] : mn;
            mx = v[i] > mx ? v[i] : mx;
        }
    }
    if (mx == mn) {
        for (size_t i = 0; i < nk; ++i)
            kv[i] = mn;
        return;
    }
    size_t nb = n / 3;
    nb = nb < 16 ? 16 : nb > SSOC_KERNEL_NBUCKET ? SSOC_KERNEL_NBUCKET : nb;
    const double scale = (double)nb / (mx - mn), top = (double)(nb - 1);
    if (!isfinite(scale) || !isfinite(mx - mn)) { /* infinities or a denormal spread: plain quickselect */
        memcpy(buf, v, n * sizeof *buf);
        multiselect(buf, 0, n, k, nk);
        for (size_t i = 0; i < nk; ++i)
            kv[i] = buf[k[i]];
        return;
    }
#pragma omp simd
    for (size_t i = 0; i < n; ++i) {
        double b = (v[i] - mn) * scale;
        b = b < top ? b : top;
        idx[i] = (uint32_t)b;
    }
    /* two interleaved histograms: consecutive values in one bucket (common near the mode) do not
     * wait on each other's increment */
    uint32_t cnt[SSOC_KERNEL_NBUCKET + 1], cnt2[SSOC_KERNEL_NBUCKET + 1];
    memset(cnt, 0, (nb + 1) * sizeof *cnt);
    memset(cnt2, 0, (nb + 1) * sizeof *cnt2);
    size_t i2 = 0;
    for (; i2 + 2 <= n; i2 += 2) {
        cnt[idx[i2]]++;
        cnt2[idx[i2 + 1]]++;
    }
    if (i2 < n)
        cnt[idx[i2]]++;
    /* exclusive prefix: cnt[b] becomes the rank of bucket b's first value (cnt[nb] = n) */
    uint32_t run = 0;
    for (size_t b = 0; b <= nb; ++b) {
        uint32_t c = cnt[b] + cnt2[b];
        cnt[b] = run;
        run += c;
    }
    /* the bucket of every rank: the last b with cnt[b] <= k, i.e. the number of b in [1, nb] with
     * cnt[b] <= k (cnt is non-decreasing); a branch-free count, or a binary search for many buckets */
    uint32_t kb[2 * SSOC_KERNEL_MAXQ] = {0}, wb[2 * SSOC_KERNEL_MAXQ] = {0};
    size_t nw = 0;
    for (size_t i = 0; i < nk; ++i) {
        const uint32_t kk = (uint32_t)k[i];
        uint32_t c = 0;
        if (nb <= 128) {
#pragma omp simd reduction(+ : c)
            for (size_t b = 1; b <= nb; ++b)
                c += cnt[b] <= kk;
        } else {
            size_t lo_b = 0, hi_b = nb; /* cnt[lo_b] <= k < cnt[hi_b] */
            while (hi_b - lo_b > 1) {
                const size_t mid = lo_b + (hi_b - lo_b) / 2;
                if (cnt[mid] <= kk)
                    lo_b = mid;
                else
                    hi_b = mid;
            }
            c = (uint32_t)lo_b;
        }
        kb[i] = c;
        if (!nw || wb[nw - 1] != kb[i])
            wb[nw++] = kb[i];
    }
    /* one pass finds the members of every wanted bucket */
    const size_t np = gather_positions(idx, n, wb, nw, pos);
    size_t i = 0;
    for (size_t w = 0; w < nw; ++w) {
        const uint32_t b = wb[w];
        size_t m = 0;
        for (size_t p = 0; p < np; ++p) {
            buf[m] = v[pos[p]];
            m += idx[pos[p]] == b;
        }
        const size_t start = cnt[b];
        size_t loc[2 * SSOC_KERNEL_MAXQ], nl = 0, i0 = i;
        while (i < nk && kb[i] == b)
            loc[nl++] = k[i++] - start;
        if (m <= SMALL) {
            insertion_sort(buf, m);
            for (size_t r = 0; r < nl; ++r)
                kv[i0 + r] = buf[loc[r]];
        } else if (depth + 1 < DEPTH && m < n) {
            select_ranks(buf, m, loc, nl, kv + i0, (char *)scratch + level_bytes(n), depth + 1, NULL);
        } else {
            multiselect(buf, 0, m, loc, nl);
            for (size_t r = 0; r < nl; ++r)
                kv[i0 + r] = buf[loc[r]];
        }
    }
}

size_t ssoc_kernel_quantiles_scratch(size_t n) { return DEPTH * level_bytes(n) + 64; }

/* Quantiles of v, or with expmap of exp(v) when exp is strictly increasing over v (the caller
 * checks): the order statistics of exp(v) are then exp of those of v. mnmx: min and max of v, or NULL. */
static void quantiles_impl(const double *v, size_t n, size_t nq, const double *q, double *out, void *scratch,
                           int expmap, const double *mnmx)
{
    size_t k[2 * SSOC_KERNEL_MAXQ] = {0}, lo[SSOC_KERNEL_MAXQ] = {0};
    double t[SSOC_KERNEL_MAXQ] = {0};
    double kv[2 * SSOC_KERNEL_MAXQ + VL] __attribute__((aligned(ALIGN)));
    if (nq > SSOC_KERNEL_MAXQ)
        nq = SSOC_KERNEL_MAXQ;
    const size_t m = type7_ranks(n, nq, q, lo, t, k);
    select_ranks(v, n, k, m, kv, scratch, 0, mnmx);
    if (expmap) {
        for (size_t i = m; i < (m + VL - 1) / VL * VL; ++i)
            kv[i] = kv[m - 1];
        for (size_t j0 = 0; j0 < m; j0 += VL)
            exp_lanes(kv + j0);
    }
    for (size_t i = 0; i < nq; ++i) {
        size_t a = 0;
        while (k[a] != lo[i])
            ++a;
        out[i] = t[i] == 0.0 ? kv[a] : lerp7(kv[a], kv[a + 1], t[i]);
    }
}

void ssoc_kernel_quantiles_ws(const double *v, size_t n, size_t nq, const double *q, double *out, void *scratch)
{
    quantiles_impl(v, n, nq, q, out, scratch, 0, NULL);
}

void ssoc_kernel_band(ssoc_ci_method m, double conf, double *v, size_t n, double point, const double *jack,
                      size_t n_jack, double *lo, double *hi, void *scratch)
{
    *lo = *hi = NAN;
    if (n < 2 || !isfinite(point))
        return;
    double q[2], res[2];
    const double a = m == SSOC_CI_BCA ? ssoc_bca_acceleration(jack, n_jack) : 0.0;
    ssoc_ci_levels_sample(m, conf, v, n, point, a, &q[0], &q[1]);
    if (scratch)
        ssoc_kernel_quantiles_ws(v, n, 2, q, res, scratch);
    else
        ssoc_kernel_quantiles(v, n, 2, q, res);
    *lo = res[0], *hi = res[1];
}

/* ---- one column ------------------------------------------------------------------------ */

struct ssoc_kernel_ws {
    size_t ld, ldj;
    double *vals;  /* nT x ld: replicate values */
    double *pvals; /* ld: one row of prediction values (ctx->pred_e only) */
    double *bestv; /* nT x VL */
    double *jackv; /* nT x ldj */
    double *g, *A; /* scratch, max(npad) */
    void *sel;     /* selection scratch */
};

ssoc_kernel_ws *ssoc_kernel_ws_alloc(const ssoc_kernel_ctx *ctx)
{
    ssoc_kernel_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->ld = ctx->reps->npad;
    ws->ldj = ctx->jack ? ctx->jack->npad : 0;
    size_t scratch = ws->ld > ws->ldj ? ws->ld : ws->ldj;
    ws->vals = aligned_doubles(ctx->nT * ws->ld);
    ws->pvals = ctx->pred_e ? aligned_doubles(ws->ld) : NULL;
    ws->bestv = aligned_doubles(ctx->nT * VL);
    ws->jackv = ws->ldj ? aligned_doubles(ctx->nT * ws->ldj) : NULL;
    ws->g = aligned_doubles(scratch);
    ws->A = aligned_doubles(scratch);
    ws->sel = malloc(ssoc_kernel_quantiles_scratch(ctx->reps->n));
    if (!ws->sel || !ws->vals || !ws->bestv || (ws->ldj && !ws->jackv) || !ws->g || !ws->A ||
        (ctx->pred_e && !ws->pvals)) {
        ssoc_kernel_ws_free(ws);
        return NULL;
    }
    return ws;
}

void ssoc_kernel_ws_free(ssoc_kernel_ws *ws)
{
    if (!ws)
        return;
    free(ws->vals);
    free(ws->pvals);
    free(ws->bestv);
    free(ws->jackv);
    free(ws->g);
    free(ws->A);
    free(ws->sel);
    free(ws);
}

/* Fast path. The bands need only a few order statistics and counts, and exp is monotone, so the
 * selection works on the exponents u = ln sigma and only the selected values go through exp. This
 * is exact, not an approximation: for |u| >= 4 adjacent doubles u differ by >= 4 ulps of exp(u),
 * more than libmvec's <= 1 ulp error can reverse, so exp is strictly increasing there and every
 * order statistic, rank and comparison is the same in u as in sigma. Rows with some |u| < 4
 * (sigma between 0.018 and 55 S/cm) take the plain path: exp of every value, then selection. */
#define FAST_ABS_U 4.0

/* min and max of v[0..n) into mnmx[0], mnmx[1]; 1 if exp is strictly increasing over [min, max]
 * (every |v| >= FAST_ABS_U, all finite: the fast path above), else 0 */
static int row_range(const double *v, size_t n, double mnmx[2])
{
    double rmin = v[0], rmax = v[0];
#pragma omp simd reduction(min : rmin) reduction(max : rmax)
    for (size_t j = 0; j < n; ++j) {
        rmin = v[j] < rmin ? v[j] : rmin;
        rmax = v[j] > rmax ? v[j] : rmax;
    }
    mnmx[0] = rmin, mnmx[1] = rmax;
    return (rmax <= -FAST_ABS_U || rmin >= FAST_ABS_U) && isfinite(rmin) && isfinite(rmax);
}

/* The prediction band of a new MD run at one temperature from the row of exponents u_j = ln
 * sigma_j (before their exp): the percentile band, at the confidence band's levels q_lo, q_hi, of
 * sigma_j exp(e_j) = exp(u_j + e_j), selected on the exponents on the fast path like the band
 * itself. One addition per value; the pad lanes add the pad terms and are never selected. */
static void pred_band(const ssoc_kernel_ctx *ctx, ssoc_kernel_ws *ws, const double *row, double *lo, double *hi)
{
    const size_t n = ctx->reps->n, npad = ctx->reps->npad;
    double *p = ws->pvals, mnmx[2], res[2];
    for (size_t j0 = 0; j0 < npad; j0 += VL) {
        const double *restrict u = __builtin_assume_aligned(row + j0, ALIGN);
        const double *restrict e = __builtin_assume_aligned(ctx->pred_e + j0, ALIGN);
        double *restrict o = __builtin_assume_aligned(p + j0, ALIGN);
#pragma omp simd simdlen(VL)
        for (int k = 0; k < VL; ++k)
            o[k] = u[k] + e[k];
    }
    const int fast = row_range(p, n, mnmx);
    if (!fast)
        for (size_t j0 = 0; j0 < npad; j0 += VL)
            exp_lanes(p + j0);
    const double q[2] = {ctx->q_lo, ctx->q_hi};
    quantiles_impl(p, n, 2, q, res, ws->sel, fast, fast ? mnmx : NULL);
    *lo = res[0], *hi = res[1];
}

void ssoc_kernel_column(const ssoc_kernel_ctx *ctx, ssoc_kernel_ws *ws, const ssoc_column *col, size_t stride,
                        double *best, double *median, double *lo, double *hi, double *p_exceed, double *pred_lo,
                        double *pred_hi)
{
    const size_t nT = ctx->nT, n = ctx->reps->n, npad = ctx->reps->npad;
    ssoc_kernel_eval(col, ctx->best, nT, ctx->inv_T, ws->bestv, VL, ws->g, ws->A);
    if (ctx->interval == SSOC_CI_BCA)
        ssoc_kernel_eval(col, ctx->jack, nT, ctx->inv_T, ws->jackv, ws->ldj, ws->g, ws->A);
    column_ga(col, ctx->best, ws->g, ws->A);
    const double ub_g = ws->g[0], ub_A = ws->A[0];
    column_ga(col, ctx->reps, ws->g, ws->A);
    exponent_rows(ctx->reps, nT, ctx->inv_T, ws->vals, ws->ld, ws->g, ws->A);
    const double L = ctx->has_target ? log(ctx->target_S_cm) : 0.0;
    for (size_t t = 0; t < nT; ++t) {
        double *row = ws->vals + t * ws->ld;
        const double b = ws->bestv[t * VL];
        const double ub = ub_g - ub_A * ctx->inv_T[t];
        best[t * stride] = b;
        double rmin = row[0], rmax = row[0];
#pragma omp simd reduction(min : rmin) reduction(max : rmax)
        for (size_t j = 0; j < n; ++j) {
            rmin = row[j] < rmin ? row[j] : rmin;
            rmax = row[j] > rmax ? row[j] : rmax;
        }
        const double umin = rmin < ub ? rmin : ub, umax = rmax > ub ? rmax : ub, mnmx[2] = {rmin, rmax};
        const int fast = (umax <= -FAST_ABS_U || umin >= FAST_ABS_U) && isfinite(umin) && isfinite(umax);
        if (ctx->pred_e)
            pred_band(ctx, ws, row, pred_lo + t * stride, pred_hi + t * stride);
        if (!fast)
            for (size_t j0 = 0; j0 < npad; j0 += VL)
                exp_lanes(row + j0);
        if (ctx->has_target) {
            const double target = ctx->target_S_cm;
            size_t cnt = 0;
            if (fast) {
                /* u clearly above ln(target) counts; the few within 1e-9 of it are decided by
                 * their sigma, computed with the same exp */
                const double hiL = L + 1e-9, loL = L - 1e-9;
                size_t border = 0;
                for (size_t j = 0; j < n; ++j) {
                    cnt += row[j] > hiL;
                    border += row[j] >= loL && row[j] <= hiL;
                }
                for (size_t j = 0; border && j < n; ++j)
                    if (row[j] >= loL && row[j] <= hiL) {
                        double lane[VL] __attribute__((aligned(ALIGN)));
                        for (int k = 0; k < VL; ++k)
                            lane[k] = row[j];
                        exp_lanes(lane);
                        cnt += lane[0] >= target;
                    }
            } else {
                for (size_t j = 0; j < n; ++j)
                    cnt += row[j] >= target;
            }
            p_exceed[t * stride] = (double)cnt / (double)n;
        }
        double q[3] = {ctx->q_lo, 0.5, ctx->q_hi}, res[3];
        if (ctx->interval == SSOC_CI_BCA) {
            /* in the fast regime exp is strictly increasing: comparing u with ub is comparing
             * sigma with best */
            const double a = ssoc_bca_acceleration(ws->jackv + t * ws->ldj, ctx->jack->n);
            ssoc_ci_levels_sample(SSOC_CI_BCA, ctx->confidence, row, n, fast ? ub : b, a, &q[0], &q[2]);
        }
        quantiles_impl(row, n, 3, q, res, ws->sel, fast, fast ? mnmx : NULL);
        lo[t * stride] = res[0];
        median[t * stride] = res[1];
        hi[t * stride] = res[2];
    }
}
