#!/usr/bin/env bash
# Batch-queue test: jobs/sweep.sbatch and jobs/array.sbatch against a real single-node SLURM.
#
#     tests/slurm/harness.sh [PATH/TO/ssoc]        (as root; ctest runs it as tests/cli_slurm.sh)
#
# 1. starts munged + slurmctld + slurmd in a temporary directory (cluster.sh);
# 2. job A: jobs/sweep.sbatch on 2 ranks (srun --mpi=pmix) gives datasets identical to the last bit
#    (h5diff, no tolerance, every dataset) to a direct `mpirun -n 2` run of the same config;
# 3. job B: the same job gets SIGUSR1 mid-run (scancel --signal=USR1 --batch); the script forwards it,
#    ssoc checkpoints and exits 4, the job requeues itself (Restarts=1, SLURM_RESTART_COUNT=1),
#    the second run continues with --resume, and the file is again identical;
# 4. job C: a plain scancel mid-run (SIGTERM, as a preemption sends): ssoc checkpoints and the job is
#    not requeued; submitted again with SSOC_MAX_RESTARTS=0 it resumes, gets SIGUSR1 and stops with
#    exit 4 instead of requeueing; submitted a third time it resumes to an identical file;
# 5. a 2-task job array (jobs/array.sbatch) and a dependent job that collects the design rules of
#    both tasks into one CSV (jobs/collect_rules.sh, `ssoc rules --csv`);
# 6. tears everything down, also when a check fails or the test is interrupted, and checks with
#    pgrep that no slurmctld, slurmd, slurmstepd, munged, srun or ssoc of ours is left.
# Exit: 0 all passed, 1 a check failed, 77 skipped (no slurmctld on this machine).
# Knobs: SSOC_SLURM_TMP, KEEP=1 (see cluster.sh); SSOC_SLURMCTLD (the slurmctld to use, default the
# one on PATH or in /usr/sbin; a name that does not exist shows the skip).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=${SSOC_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}
SSOC=${1:-${SSOC:-$SRC/build/ssoc}}
JOBS=$SRC/jobs
CFG=$HERE/sweep.ini
T_ALL=$(date +%s.%N)

export PATH=$PATH:/usr/sbin:/sbin
if ! SLURMCTLD=$(command -v "${SSOC_SLURMCTLD:-slurmctld}"); then
    echo "SKIP: ${SSOC_SLURMCTLD:-slurmctld} is not installed, so there is no SLURM to test against (Debian: apt-get install slurm-wlm munge; ./test.sh installs them)"
    exit 77
fi
. "$HERE/cluster.sh"
. "$HERE/../h5compare.sh"

FAILS=0
pass() { log "PASS: $*"; }
fail() { log "FAIL: $*"; FAILS=$((FAILS + 1)); }
die() { log "FATAL: $*"; exit 1; }

missing=""
for c in slurmd sbatch scontrol squeue sinfo scancel munged munge unmunge mpirun h5diff h5ls h5dump; do
    command -v "$c" >/dev/null 2>&1 || missing+=" $c"
done
[ -z "$missing" ] || die "slurmctld is installed but these are missing:$missing (Debian: slurm-wlm munge openmpi-bin hdf5-tools)"
[ "$(id -u)" = 0 ] || die "needs root: slurmd launches job steps as the submitting user, which needs root"
[ -x "$SSOC" ] || die "no ssoc binary at $SSOC (build it, or pass its path)"
SSOC=$(cd "$(dirname "$SSOC")" && pwd)/$(basename "$SSOC")

teardown() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [ -n "${REF_PID:-}" ]; then # mpirun cleans up its ranks on SIGTERM
        kill -TERM "$REF_PID" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$REF_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$REF_PID" 2>/dev/null
        wait "$REF_PID" 2>/dev/null
    fi
    cluster_stop || FAILS=$((FAILS + 1))
    if [ "$rc" -ne 0 ] || [ "$FAILS" -ne 0 ]; then
        if [ -n "$BASE" ]; then
            log "---- job logs and daemon log tails ($BASE) ----"
            for f in "$BASE"/out/*.out; do [ -f "$f" ] && { echo "== $f"; tail -n 30 "$f"; }; done
            tail -n 15 "$BASE"/log/*.log 2>/dev/null
        fi
        log "RESULT: FAILED ($FAILS failed checks, exit $rc) in $(cl_since "$T_ALL") s; kept $BASE"
        exit 1
    fi
    if [ "${KEEP:-0}" = 1 ]; then log "kept $BASE"; else rm -rf "$BASE"; fi
    log "RESULT: ALL PASSED in $(cl_since "$T_ALL") s"
    exit 0
}
trap teardown EXIT
trap 'log "interrupted"; exit 130' INT TERM

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # no CMA/ptrace in containers
export HDF5_USE_FILE_LOCKING=FALSE                     # we read .partial files while a job writes them
export SSOC
# Without a task plugin (task/none) SLURM does not pin tasks to CPUs, so OMP_PROC_BIND=close would put
# every rank's threads on the same first cores. Sites with task/affinity or task/cgroup keep the
# script's default.
export OMP_PROC_BIND=false
# This machine may be shared and oversubscribed (ctest -j, other work): Open MPI's busy polling in
# the per-round collective write then makes every round wait for a time slice (a 2-second sweep took
# 8 s at load 5 on 2 cores). Ranks that yield when idle keep it at a few seconds. A batch node with
# dedicated cores does not need this, so the job scripts leave it alone.
export OMPI_MCA_mpi_yield_when_idle=1

cluster_start || die "could not start the cluster"
export OMPI_MCA_btl_vader_backing_directory=$TMPDIR    # shared-memory segments in BASE too, not /dev/shm
W=$BASE/work
mkdir -p "$W"
cd "$W" || die "cd $W"

# ---------------------------------------------------------------- the job scripts' own errors
# (run with bash outside any job: each must stop with exit 1 and say what is wrong)
script_err() { # WANT_SUBSTRING ENV... -- SCRIPT ARGS...
    local want=$1 out rc
    shift
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    out=$(env -u SLURM_JOB_ID -u SLURM_ARRAY_TASK_ID "${envs[@]}" bash "$@" 2>&1 </dev/null)
    rc=$?
    if [ "$rc" = 1 ] && grep -qF -- "$want" <<<"$out"; then pass "$(basename "$1") ${*:2}: exit 1, '$want'"; else fail "$(basename "$1") ${*:2}: exit $rc: $out"; fi
}
script_err "usage: sbatch jobs/sweep.sbatch CONFIG.ini OUT.h5" -- "$JOBS/sweep.sbatch"
script_err "cannot read config 'no/such.ini'" -- "$JOBS/sweep.sbatch" no/such.ini out.h5
script_err "ssoc binary '/no/ssoc' not found" SSOC=/no/ssoc -- "$JOBS/sweep.sbatch" "$CFG" out.h5
script_err "not inside a SLURM job" -- "$JOBS/sweep.sbatch" "$CFG" out.h5
script_err "not a job array task" -- "$JOBS/array.sbatch" list out
printf '# a list\n\none %s\ntwo/bad %s\n' "$CFG" "$CFG" >"$W/bad.list"
script_err "bad.list has no line 4" SLURM_ARRAY_TASK_ID=3 SSOC_SWEEP_JOB="$JOBS/sweep.sbatch" -- "$JOBS/array.sbatch" "$W/bad.list" "$W/runs"
script_err "name 'two/bad' is not a plain file name" SLURM_ARRAY_TASK_ID=1 SSOC_SWEEP_JOB="$JOBS/sweep.sbatch" -- "$JOBS/array.sbatch" "$W/bad.list" "$W/runs"

# ---------------------------------------------------------------- helpers
# same_datasets REF OTHER LABEL: h5_compare (../h5compare.sh) as a harness check
same_datasets() {
    local r
    if ! r=$(h5_compare "$1" "$2"); then fail "$3: $r"; return; fi
    if [ "$r" -lt 30 ]; then fail "$3: only $r datasets in $1"; else pass "$3: $r datasets identical (h5diff, no tolerance)"; fi
}
ndone() { h5_ndone "$1"; }
has_blocks() { [ -f "$1" ] && [ "$(ndone "$1")" -ge "$2" ]; }
has_line() { grep -q -- "$2" "$1" 2>/dev/null; }
attr() { h5dump -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): *//p' | head -n1; }
job_ok() { [ "$(jfield "$1" JobState)" = COMPLETED ] && [ "$(jfield "$1" ExitCode)" = 0:0 ]; }
# submit NAME ARGS...: jobs/sweep.sbatch-style submission with the test's sizes; prints the job id
submit() {
    local name=$1
    shift
    sbatch --parsable -J "$name" -o "$BASE/out/%x-%j.out" --chdir="$W" --nodes=1 --ntasks-per-node=2 \
        --cpus-per-task=1 --time=10 "$@"
}

# ---------------------------------------------------------------- reference: direct mpirun
t=$(cl_now)
mpirun -q -n 2 --oversubscribe --bind-to none -x OMP_NUM_THREADS=1 "$SSOC" sweep "$CFG" -q -o "$W/ref.h5" \
    </dev/null >"$BASE/out/ref.log" 2>&1 &
REF_PID=$!
wait "$REF_PID" || die "direct mpirun reference run failed: $(cat "$BASE/out/ref.log")"
REF_PID=""
NBLOCKS=$(h5ls "$W/ref.h5/progress/done" | sed -n 's/.*Dataset {\([0-9]*\)}.*/\1/p')
log "reference: mpirun -n 2 ssoc sweep tests/slurm/sweep.ini ($NBLOCKS blocks) in $(cl_since "$t") s"

# ---------------------------------------------------------------- A: plain job, 2 ranks via srun
t=$(cl_now)
A=$(submit sweepA "$JOBS/sweep.sbatch" "$CFG" "$W/A.h5") || die "sbatch failed"
wait_until 120 "job $A" is_done "$A"
outA=$BASE/out/sweepA-$A.out
if job_ok "$A" && [ -f "$W/A.h5" ] && [ ! -e "$W/A.h5.partial" ]; then
    pass "job $A (sweep.sbatch, 2 ranks x 1 thread): COMPLETED 0:0 in $(cl_since "$t") s"
else
    fail "job $A: state $(jfield "$A" JobState) exit $(jfield "$A" ExitCode)"
fi
# one MPI world of 2 ranks (not 2 single-rank sweeps writing the same file)
if has_line "$outA" ", 2 ranks x 1 thread," && [ "$(attr "$W/A.h5" mpi_ranks)" = 2 ]; then
    pass "job $A ran one 2-rank MPI job through srun --mpi=pmix"
else
    fail "job $A: not a 2-rank run (mpi_ranks = $(attr "$W/A.h5" mpi_ranks))"
fi
[ -f "$W/A.h5" ] && same_datasets "$W/ref.h5" "$W/A.h5" "job $A vs direct mpirun"

# ---------------------------------------------------------------- B: SIGUSR1 mid-run, self-requeue, resume
# Jobs B and C pause 10 ms after every round of blocks (ssoc's test hook SSOC_TEST_BLOCK_PAUSE_S;
# sbatch and srun pass the environment on), so each needs >= 9 s for its 922 rounds and a signal
# sent after its first blocks always finds it running, however fast the machine.
export SSOC_TEST_BLOCK_PAUSE_S=0.01
t=$(cl_now)
B=$(submit sweepB "$JOBS/sweep.sbatch" "$CFG" "$W/B.h5") || die "sbatch failed"
outB=$BASE/out/sweepB-$B.out
if wait_until 60 "job $B to record 2 blocks" has_blocks "$W/B.h5.partial" 2; then
    scancel --signal=USR1 --batch "$B"
    log "job $B: SIGUSR1 sent to the batch shell after $(ndone "$W/B.h5.partial") of $NBLOCKS blocks"
    if wait_until 60 "job $B to requeue itself" has_line "$outB" "requeueing job $B"; then
        release_requeued "$B"
    fi
else
    fail "job $B never recorded 2 blocks (state $(jfield "$B" JobState))"
fi
wait_until 120 "job $B" is_done "$B"
restarts=$(jfield "$B" Restarts)
if job_ok "$B" && [ "$restarts" = 1 ]; then
    pass "job $B: COMPLETED 0:0 after Restarts=$restarts in $(cl_since "$t") s"
else
    fail "job $B: state $(jfield "$B" JobState) exit $(jfield "$B" ExitCode) Restarts=$restarts"
fi
has_line "$outB" "got SIGUSR1, forwarding it to the ranks" && has_line "$outB" "ssoc: sweep: interrupted, resumable" &&
    pass "job $B: the script forwarded SIGUSR1 and ssoc stopped at a block boundary (exit 4)" ||
    fail "job $B: no forwarded SIGUSR1 / interrupted message in $outB"
has_line "$outB" "ssoc-job\[$B.1\].*restart 1: $W/B.h5.partial exists, continuing it with --resume" &&
    pass "job $B: second run (SLURM_RESTART_COUNT=1) continued with --resume" ||
    fail "job $B: no resumed second run in $outB"
read -r nd nb < <(sed -n 's/.*ssoc: sweep: resuming .*: \([0-9]*\) of \([0-9]*\) blocks already done.*/\1 \2/p' "$outB" | head -n1)
if [ -n "${nd:-}" ] && [ "$nd" -gt 0 ] && [ "$nd" -lt "$nb" ]; then
    pass "job $B: interrupted mid-run ($nd of $nb blocks done when it resumed)"
else
    fail "job $B: not a mid-run resume (${nd:-?} of ${nb:-?} blocks done)"
fi
[ "$(attr "$W/B.h5" resumed)" = 1 ] && pass "job $B: output says resumed = 1" || fail "job $B: resumed attribute is '$(attr "$W/B.h5" resumed)'"
[ -f "$W/B.h5" ] && [ ! -e "$W/B.h5.partial" ] && same_datasets "$W/ref.h5" "$W/B.h5" "preempted and resumed job $B vs direct mpirun"

# ---------------------------------------------------------------- C: scancel, then no requeue left, then resume
# C1: a plain scancel mid-run, what a preemption sends: SIGTERM to the ranks and the script. ssoc
#     checkpoints within KillWait and the script does not requeue a job SLURM is ending.
# C2: the same command again, with SSOC_MAX_RESTARTS=0: it resumes, gets SIGUSR1 mid-run, and
#     stops with exit 4 instead of requeueing.
# C3: the same command again resumes the twice-interrupted file to the end: identical datasets.
t=$(cl_now)
outC() { echo "$BASE/out/sweepC-$1.out"; }
C1=$(submit sweepC "$JOBS/sweep.sbatch" "$CFG" "$W/C.h5") || die "sbatch failed"
if wait_until 60 "job $C1 to record 2 blocks" has_blocks "$W/C.h5.partial" 2; then
    scancel "$C1"
    wait_until 60 "cancelled job $C1" is_done "$C1"
    if [ "$(jfield "$C1" JobState)" = CANCELLED ] && [ "$(jfield "$C1" Restarts)" = 0 ] && [ -f "$W/C.h5.partial" ] &&
        has_line "$(outC "$C1")" "ssoc: sweep: interrupted, resumable" &&
        has_line "$(outC "$C1")" "stopped by SIGTERM: .*submitting the same command again continues it"; then
        pass "job $C1: scancel -> the ranks checkpointed (exit 4), no requeue, .partial kept"
    else
        fail "job $C1: state $(jfield "$C1" JobState) Restarts=$(jfield "$C1" Restarts) exit $(jfield "$C1" ExitCode); see $(outC "$C1")"
    fi
else
    fail "job $C1 never recorded 2 blocks (state $(jfield "$C1" JobState))"
fi
n1=$(ndone "$W/C.h5.partial")
C2=$(SSOC_MAX_RESTARTS=0 submit sweepC "$JOBS/sweep.sbatch" "$CFG" "$W/C.h5") || die "sbatch failed"
if wait_until 60 "job $C2 to resume" has_line "$(outC "$C2")" "ssoc: sweep: resuming"; then
    wait_until 60 "job $C2 to add 2 blocks" has_blocks "$W/C.h5.partial" $((n1 + 2))
    scancel --signal=USR1 --batch "$C2"
fi
wait_until 60 "job $C2" is_done "$C2"
if [ "$(jfield "$C2" JobState)" = FAILED ] && [ "$(jfield "$C2" ExitCode)" = 4:0 ] && [ "$(jfield "$C2" Restarts)" = 0 ] &&
    [ -f "$W/C.h5.partial" ] && has_line "$(outC "$C2")" "not requeueing; resubmit the same command to continue"; then
    pass "job $C2: resumed, then SIGUSR1 with SSOC_MAX_RESTARTS=0: exit 4, not requeued"
else
    fail "job $C2: state $(jfield "$C2" JobState) exit $(jfield "$C2" ExitCode) Restarts=$(jfield "$C2" Restarts); see $(outC "$C2")"
fi
C3=$(submit sweepC "$JOBS/sweep.sbatch" "$CFG" "$W/C.h5") || die "sbatch failed"
wait_until 120 "job $C3" is_done "$C3"
if job_ok "$C3" && has_line "$(outC "$C3")" "continuing it with --resume" && [ -f "$W/C.h5" ] && [ ! -e "$W/C.h5.partial" ]; then
    pass "job $C3: the same command resumed and completed ($(cl_since "$t") s for the three jobs)"
    same_datasets "$W/ref.h5" "$W/C.h5" "twice interrupted and resubmitted sweep vs direct mpirun"
else
    fail "job $C3: state $(jfield "$C3" JobState) exit $(jfield "$C3" ExitCode); see $(outC "$C3")"
fi

# ---------------------------------------------------------------- D: 2-task array + collection job
unset SSOC_TEST_BLOCK_PAUSE_S
t=$(cl_now)
SMALL="--set grid.x=0.62:0.79:13 --set grid.rho=1.35:2.15:11 --set bootstrap.B=100 --set output.block=16"
cat >"$W/studies.list" <<EOF
# name  config  options (two temperature windows of one study)
cold    $CFG    --set grid.T=300,350,400 $SMALL

hot     $CFG    --set grid.T=600,700,800 $SMALL
EOF
# submitted from the source tree, as README says: array.sbatch finds jobs/sweep.sbatch there
AR=$(cd "$SRC" && submit array --array=0-1 --ntasks-per-node=1 -o "$BASE/out/%x-%A_%a.out" "$JOBS/array.sbatch" \
    "$W/studies.list" "$W/runs") || die "sbatch --array failed"
CO=$(sbatch --parsable -J collect -o "$BASE/out/%x-%j.out" --chdir="$W" --dependency=afterok:"$AR" \
    --wrap "$JOBS/collect_rules.sh $W/runs/cold.h5 $W/runs/hot.h5 > $W/rules.csv") || die "sbatch collect failed"
wait_until 120 "array $AR" is_done "$AR"
states=$(scontrol -o show job "$AR" | tr ' ' '\n' | sed -n 's/^JobState=//p' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
if [ "$(scontrol -o show job "$AR" | grep -c 'JobState=COMPLETED')" = 2 ]; then
    wait_until 60 "collection job $CO" is_done "$CO"
else
    scancel "$CO" # its dependency can never be satisfied
fi
if [ "$(scontrol -o show job "$AR" | grep -c 'JobState=COMPLETED')" = 2 ]; then
    pass "array $AR: both tasks COMPLETED in $(cl_since "$t") s"
else
    fail "array $AR: task states:$states"
fi
# each task equals a direct run with the options of its line
for name in cold hot; do
    opts=$(awk -v n="$name" '$1 == n { $1 = ""; $2 = ""; print }' "$W/studies.list")
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=1 "$SSOC" sweep "$CFG" $opts -q -o "$W/direct-$name.h5" >"$BASE/out/direct-$name.log" 2>&1 ||
        fail "direct run of '$name' failed: $(cat "$BASE/out/direct-$name.log")"
    if [ -f "$W/runs/$name.h5" ]; then
        same_datasets "$W/direct-$name.h5" "$W/runs/$name.h5" "array task '$name' vs direct run"
    else
        fail "array task '$name': no $W/runs/$name.h5"
    fi
done
# the collected table: one header, then each task's `ssoc rules --csv` rows prefixed with its name;
# each task's rows are those of its own temperature window
if job_ok "$CO" && [ -s "$W/rules.csv" ]; then
    want=$( { "$SSOC" rules "$W/runs/cold.h5" --csv | sed '1s/^/run,/; 2,$s/^/cold,/'
              "$SSOC" rules "$W/runs/hot.h5" --csv | sed '1d; s/^/hot,/'; } 2>&1)
    tcold=$(awk -F, '$1 == "cold" { print $3 }' "$W/rules.csv" | sort -un | tr '\n' ' ')
    thot=$(awk -F, '$1 == "hot" { print $3 }' "$W/rules.csv" | sort -un | tr '\n' ' ')
    nrho=$(grep -c '^cold,rho_opt,\|^hot,rho_opt,' "$W/rules.csv")
    if [ "$(cat "$W/rules.csv")" = "$want" ] && [ "$(head -c 12 "$W/rules.csv")" = "run,kind,T_K" ] &&
        [ "$tcold" = "300 350 400 " ] && [ "$thot" = "600 700 800 " ] && [ "$nrho" -gt 0 ]; then
        pass "collection job $CO: rules.csv = ssoc rules --csv of both tasks, $(($(wc -l <"$W/rules.csv") - 1)) rows, T windows 300-400 and 600-800 K"
    else
        fail "collection job $CO: rules.csv (T cold: $tcold, hot: $thot, $nrho rho_opt rows) is not the tasks' ssoc rules --csv: $(diff <(echo "$want") "$W/rules.csv" | head -4)"
    fi
else
    fail "collection job $CO: state $(jfield "$CO" JobState) exit $(jfield "$CO" ExitCode); $(cat "$BASE"/out/collect-*.out 2>/dev/null | head -3)"
fi
log "checks done in $(cl_since "$T_ALL") s; tearing down"
