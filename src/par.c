/* The only file that calls MPI. Serial fallbacks keep unit tests free of mpirun: until
 * ssoc_par_init succeeds (or if MPI was never initialised), this process is rank 0 of 1. */
#include "ssoc/par.h"

#include <limits.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int par_started_here; /* we called MPI_Init_thread, so we finalise */

/* Variables that a launcher sets in every process it starts: Open MPI's mpirun/prterun
 * (OMPI_COMM_WORLD_SIZE), PMIx (PMIX_RANK: srun --mpi=pmix, prterun), PMI-1/2 (PMI_RANK, PMI_SIZE,
 * PMI_FD: MPICH's hydra, srun --mpi=pmi2, Intel MPI) and any SLURM job step (SLURM_STEP_ID: srun
 * with whatever MPI plugin the site uses; MPI itself decides there whether it is a singleton). */
static const char *const launcher_vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                                            "PMI_FD", "SLURM_STEP_ID"};

int ssoc_par_launched(void)
{
    const char *force = getenv("SSOC_MPI");
    if (force && *force && strcmp(force, "auto") != 0) {
        if (!strcmp(force, "1") || !strcmp(force, "on") || !strcmp(force, "yes"))
            return 1;
        if (!strcmp(force, "0") || !strcmp(force, "off") || !strcmp(force, "no"))
            return 0;
        return -1;
    }
    for (size_t i = 0; i < sizeof launcher_vars / sizeof *launcher_vars; ++i)
        if (getenv(launcher_vars[i]))
            return 1;
    return 0;
}

int ssoc_par_active(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

ssoc_status ssoc_par_init(int *argc, char ***argv, ssoc_error *err)
{
    if (ssoc_par_active())
        return SSOC_OK;
    int launched = ssoc_par_launched();
    if (launched < 0)
        return SSOC_ERR(err, SSOC_EINVAL, "environment variable SSOC_MPI='%s': expected 1, 0 or auto", getenv("SSOC_MPI"));
    if (!launched)
        return SSOC_OK; /* no launcher: one rank, and no MPI start-up (an Open MPI singleton costs ~0.4 s) */
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return SSOC_ERR(err, SSOC_EMPI, "MPI_Init_thread failed");
    par_started_here = 1;
    /* errors come back as codes we turn into agreed statuses, not as aborts */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (provided < MPI_THREAD_FUNNELED)
        return SSOC_ERR(err, SSOC_EMPI, "MPI provides thread level %d, need MPI_THREAD_FUNNELED", provided);
    return SSOC_OK;
}

void ssoc_par_finalize(void)
{
    if (par_started_here && ssoc_par_active())
        MPI_Finalize();
    par_started_here = 0;
}

int ssoc_par_rank(void)
{
    int r = 0;
    if (ssoc_par_active())
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int ssoc_par_size(void)
{
    int s = 1;
    if (ssoc_par_active())
        MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

int ssoc_par_node_size(void)
{
    int s = 1;
    MPI_Comm node;
    if (ssoc_par_active() &&
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
        MPI_Comm_size(node, &s);
        MPI_Comm_free(&node);
    }
    return s;
}

void ssoc_par_barrier(void)
{
    if (ssoc_par_active())
        MPI_Barrier(MPI_COMM_WORLD);
}

void ssoc_par_barrier_idle(void)
{
    if (!ssoc_par_active())
        return;
    MPI_Request rq;
    int done = 0;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &rq) != MPI_SUCCESS) {
        MPI_Barrier(MPI_COMM_WORLD);
        return;
    }
    const struct timespec ms = {0, 1000000};
    while (MPI_Test(&rq, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done)
        nanosleep(&ms, NULL);
}

void ssoc_par_abort(int code)
{
    if (ssoc_par_active())
        MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

ssoc_status ssoc_par_agree(ssoc_error *err)
{
    if (!ssoc_par_active())
        return err->code;
    int size = ssoc_par_size(), rank = ssoc_par_rank();
    int mine = err->code != SSOC_OK ? rank : size, first = size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size)
        return SSOC_OK;
    /* the first failing rank's record travels to everyone; src_file stays local */
    struct {
        int code, line;
        char msg[sizeof err->msg];
    } rec;
    if (rank == first) {
        rec.code = (int)err->code;
        rec.line = err->src_line;
        memcpy(rec.msg, err->msg, sizeof rec.msg);
    }
    MPI_Bcast(&rec, (int)sizeof rec, MPI_BYTE, first, MPI_COMM_WORLD);
    if (rank != first) {
        err->code = (ssoc_status)rec.code;
        err->src_line = rec.line;
        err->src_file = NULL;
        memcpy(err->msg, rec.msg, sizeof rec.msg);
    }
    return err->code;
}

ssoc_status ssoc_par_agree_status(ssoc_status st, ssoc_error *err)
{
    if (st != SSOC_OK && err->code == SSOC_OK)
        SSOC_ERR(err, st, "%s", ssoc_status_str(st));
    return ssoc_par_agree(err);
}

void ssoc_par_sum_i64(int64_t *v, int n)
{
    if (ssoc_par_active())
        MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
}

void ssoc_par_max_i64(int64_t *v, int n)
{
    if (ssoc_par_active())
        MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
}

void ssoc_par_max_double(double *v, int n)
{
    if (ssoc_par_active())
        MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
}

void ssoc_par_bcast(void *buf, size_t bytes, int root)
{
    if (ssoc_par_active() && bytes)
        MPI_Bcast(buf, (int)bytes, MPI_BYTE, root, MPI_COMM_WORLD);
}

ssoc_status ssoc_par_allgatherv(const void *mine, void *all, const size_t *counts, size_t elem, ssoc_error *err)
{
    int size = ssoc_par_size(), rank = ssoc_par_rank();
    if (!ssoc_par_active() || size == 1) {
        if (counts[0] && mine != all)
            memmove(all, mine, counts[0] * elem);
        return SSOC_OK;
    }
    int *cnt = malloc(2 * (size_t)size * sizeof *cnt);
    if (!cnt)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    int *disp = cnt + size;
    size_t off = 0;
    for (int r = 0; r < size; ++r) {
        if (counts[r] * elem > INT_MAX || off * elem > INT_MAX) {
            free(cnt);
            return SSOC_ERR(err, SSOC_EMPI, "allgather of %zu bytes exceeds MPI's int count", off * elem);
        }
        cnt[r] = (int)(counts[r] * elem);
        disp[r] = (int)(off * elem);
        off += counts[r];
    }
    int rc = MPI_Allgatherv(mine, cnt[rank], MPI_BYTE, all, cnt, disp, MPI_BYTE, MPI_COMM_WORLD);
    free(cnt);
    if (rc != MPI_SUCCESS)
        return SSOC_ERR(err, SSOC_EMPI, "MPI_Allgatherv failed (code %d)", rc);
    return SSOC_OK;
}

void ssoc_par_share(size_t n, int r, int p, size_t *lo, size_t *hi)
{
    size_t q = n / (size_t)p, rem = n % (size_t)p, ur = (size_t)r;
    *lo = ur * q + (ur < rem ? ur : rem);
    *hi = *lo + q + (ur < rem ? 1 : 0);
}

double ssoc_par_wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
