/* Up-front memory estimate of a sweep (issue 8: a huge B or a huge grid is refused with a clear
 * message before anything large is allocated, instead of an allocation failure halfway or the
 * kernel's OOM killer). The terms mirror the allocations of src/sweep.c, src/sweep_rules.c,
 * src/kernel.c and src/boot.c; each is counted for the whole run although some are freed between
 * phases, so the total is an upper bound of the peak. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ssoc/kernel.h"
#include "ssoc/rules.h"
#include "ssoc/sweep.h"
#include "ssoc/sweepfile.h"

#define RULE_RECORD SSOC_RULE_COUNT      /* doubles per design-rule record (src/sweep_rules.c) */
#define BASE_BYTES (64.0 * 1024 * 1024) /* libraries, MPI, HDF5 chunk caches: measured RSS ~31 MB */

static double padded(double n) { return ceil(n / SSOC_KERNEL_VLEN) * SSOC_KERNEL_VLEN; }

void ssoc_sweep_mem_estimate(const ssoc_config *cfg, size_t n_data, int ranks, int threads, ssoc_sweep_mem *m)
{
    const double B = (double)cfg->B, n = (double)n_data, nT = (double)cfg->T.n, nx = (double)cfg->x.n;
    const double nrho = (double)cfg->rho.n, ncols = nx * nrho, blk = (double)cfg->block_columns;
    const double nblocks = ceil(ncols / blk), row = SSOC_NPARAM * sizeof(double);
    const double nj = cfg->interval == SSOC_CI_BCA ? n : 0.0;
    if (ranks < 1)
        ranks = 1;
    if (threads < 1)
        threads = 1;
    /* bootstrap table and flags, jackknife table; kernel sets (SoA, padded); rule preparations;
     * the summary's per-parameter scratch */
    m->replicates = B * (row + 1.0) + nj * (row + 1.0) + padded(B) * row + padded(nj) * row +
                    padded(B) * sizeof(double) /* prediction terms */ +
                    B * sizeof(ssoc_rules_prep) + nj * sizeof(ssoc_rules_prep) + 3.0 * B * sizeof(double);
    /* per thread: kernel rows nT x B (and nT x n_jack), g and A, the selection scratch; the rule
     * scratch (3 B + 3 n_jack optima for each of the SSOC_RULES_XBLOCK columns of an x block) and
     * its selection scratch */
    const double sel = (double)ssoc_kernel_quantiles_scratch(cfg->B ? cfg->B : 1);
    const double per_thread = nT * padded(B) * sizeof(double) + padded(B) * sizeof(double) /* prediction row */ +
                              nT * padded(nj) * sizeof(double) +
                              nT * SSOC_KERNEL_VLEN * sizeof(double) + 2.0 * padded(B > nj ? B : nj) * sizeof(double) +
                              sel + (SSOC_RULES_XBLOCK * (3.0 * B + 3.0 * nj) + 1.0) * sizeof(double) + sel;
    m->threads = threads * per_thread;
    /* structure layers v_f and n_Li [nrho][nx] and rho0 [nx] (written by the layout), block
     * buffers (two sets, pipelined: 7 doubles (best, median, lo, hi, p_exceed, pred_lo, pred_hi) and a byte per
     * value), progress flags and this rank's block list,
     * design-rule records (two copies) and the write buffer */
    const double ntask = nT * (nx + nrho), nmax = nT * (nx > nrho ? nx : nrho);
    m->grid = 2.0 * ncols * sizeof(double) + nx * sizeof(double) + 2.0 * nT * blk * (7.0 * sizeof(double) + 1.0) +
              nblocks + ceil(nblocks / ranks) * sizeof(size_t) + 2.0 * ntask * RULE_RECORD * sizeof(double) +
              nmax * (sizeof(double) + 1.0) + nT * sizeof(double);
    /* the data set (a few columns per point) with the allowance */
    m->base = BASE_BYTES + 16.0 * n * sizeof(double);
    m->total = m->replicates + m->threads + m->grid + m->base;
}

/* a "Key:   N kB" line of a /proc file, in bytes; -1 if absent */
static double proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1.0;
    char line[256];
    double v = -1.0;
    const size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == ':') {
            v = strtod(line + kl + 1, NULL) * 1024.0;
            break;
        }
    fclose(f);
    return v;
}

/* a file holding one number ("max" = none), or -1 */
static double file_num(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1.0;
    char buf[64] = {0};
    double v = -1.0;
    if (fgets(buf, sizeof buf, f) && strncmp(buf, "max", 3) != 0) {
        char *end;
        v = strtod(buf, &end);
        if (end == buf)
            v = -1.0;
    }
    fclose(f);
    return v;
}

/* memory of the node: MemAvailable (or free pages) and the cgroup v2 limit less its use */
static double node_available(const char **src)
{
    double best = INFINITY;
    double v = proc_kb("/proc/meminfo", "MemAvailable");
    if (v < 0) {
        const long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0)
            v = (double)pages * (double)psz;
    }
    if (v >= 0 && v < best)
        best = v, *src = "MemAvailable in /proc/meminfo";
    /* cgroup v2: "0::/path" in /proc/self/cgroup */
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (f) {
        char line[1024];
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "0::", 3)) {
                line[strcspn(line, "\n")] = 0;
                char p1[1200], p2[1200];
                snprintf(p1, sizeof p1, "/sys/fs/cgroup%s/memory.max", line + 3);
                snprintf(p2, sizeof p2, "/sys/fs/cgroup%s/memory.current", line + 3);
                const double mx = file_num(p1), cur = file_num(p2);
                if (mx >= 0 && cur >= 0 && mx - cur < best)
                    best = mx - cur < 0 ? 0 : mx - cur, *src = "the cgroup's memory.max less memory.current";
                break;
            }
        fclose(f);
    }
    return best;
}

/* memory this process may still map: the address-space and data-segment limits less their use */
static double process_available(const char **src)
{
    double best = INFINITY;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        const double used = proc_kb("/proc/self/status", "VmSize");
        const double v = (double)rl.rlim_cur - (used > 0 ? used : 0.0);
        if (v < best)
            best = v < 0 ? 0 : v, *src = "the address-space limit (ulimit -v) less what is mapped";
    }
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        const double used = proc_kb("/proc/self/status", "VmData");
        const double v = (double)rl.rlim_cur - (used > 0 ? used : 0.0);
        if (v < best)
            best = v < 0 ? 0 : v, *src = "the data-segment limit (ulimit -d) less what is in use";
    }
    return best;
}

double ssoc_mem_available(const char **source)
{
    const char *s1 = "unknown", *s2 = "unknown";
    const double a = node_available(&s1), b = process_available(&s2);
    if (source)
        *source = b < a ? s2 : s1;
    return b < a ? b : a;
}

static const char *human(double b, char *buf, size_t n)
{
    if (b >= 1e9)
        snprintf(buf, n, "%.1f GB", b / 1e9);
    else
        snprintf(buf, n, "%.0f MB", ceil(b / 1e6));
    return buf;
}

ssoc_status ssoc_sweep_mem_check(const ssoc_config *cfg, size_t n_data, int ranks, int node_ranks, int threads,
                                 ssoc_error *err)
{
    ssoc_sweep_mem m;
    ssoc_sweep_mem_estimate(cfg, n_data, ranks, threads, &m);
    /* the node's memory is shared by its ranks; a process limit applies to each rank alone */
    const char *sn = "unknown", *sp = "unknown";
    const double node = node_available(&sn), proc = process_available(&sp);
    const double share = node / (node_ranks > 1 ? node_ranks : 1);
    if (m.total <= share && m.total <= proc)
        return SSOC_OK;
    const char *src = share <= proc ? sn : sp;
    const double avail = share <= proc ? node : proc;
    char a[32], b[32], c[32], d[32], e[32];
    char per[64] = "";
    if (node_ranks > 1)
        snprintf(per, sizeof per, " x %d ranks on this node", node_ranks);
    return SSOC_ERR(err, SSOC_ENOMEM,
                    "not enough memory: the sweep needs about %s per rank%s (B = %zu replicates: %s; %d threads x "
                    "nT x B rows: %s; grid %zu x %zu x %zu: %s) but %s is %s; lower [bootstrap] B, the [grid] "
                    "counts or OMP_NUM_THREADS, or spread the ranks over more nodes",
                    human(m.total, a, sizeof a), per, cfg->B, human(m.replicates, b, sizeof b), threads,
                    human(m.threads, c, sizeof c), cfg->x.n, cfg->rho.n, cfg->T.n, human(m.grid, d, sizeof d), src,
                    human(avail, e, sizeof e));
}
