# A throw-away single-node SLURM (munged + slurmctld + slurmd on localhost) in one temporary
# directory, for the batch-queue tests. Source it, then:
#     cluster_start            # sets BASE, SLURM_CONF, starts the daemons, waits until the node is idle
#     ... sbatch / scontrol / squeue (SLURM_CONF is exported) ...
#     cluster_stop             # cancels every job, stops the daemons, checks that nothing survives
# cluster_stop is safe to call at any point (also half-way through cluster_start) and twice.
# Needs root, slurm-wlm 22.05 (slurmctld, slurmd, client commands) and munge.
# Knobs: SSOC_SLURM_TMP (parent of the temporary directory; default /dev/shm when it has more than
# 1 GB free, since the sweeps flush (fsync) their files while they run and a busy disk makes that
# slow: the whole test took 28 s there against 37 s in /tmp on a loaded 2-core machine; else /tmp),
# KEEP=1 (keep the temporary directory).

CL_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CTLD_PID="" SLURMD_PID="" MUNGED_PID="" BASE=""

cl_now() { date +%s.%N; }
cl_since() { awk -v a="$1" -v b="$(cl_now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "[$(date +%T)] $*"; }

# wait_until TIMEOUT_S DESCRIPTION CMD...: poll CMD every 0.2 s; 1 on timeout
wait_until() {
    local to=$1 desc=$2 t0
    shift 2
    t0=$(cl_now)
    until "$@"; do
        if awk -v a="$t0" -v b="$(cl_now)" -v t="$to" 'BEGIN { exit !(b - a > t) }'; then
            log "timeout (${to}s) waiting for: $desc"
            return 1
        fi
        sleep 0.2
    done
}

# jfield JOBID FIELD: the value of FIELD in 'scontrol -o show job' (first line: one job)
jfield() { scontrol -o show job "$1" 2>/dev/null | head -n1 | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1; }
is_state() { [[ "$(jfield "$1" JobState)" =~ ^($2)$ ]]; }
# is_done JOBID: every job of the line(s) (an array has one per task) is in a final state
is_done() {
    local s
    s=$(scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p')
    [ -n "$s" ] && ! grep -qvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|PREEMPTED|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)$' <<<"$s"
}
queue_empty() { [ -z "$(squeue -h -o %i 2>/dev/null)" ]; }
node_idle() { [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ]; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# release_requeued JOBID: a requeued job waits for its EligibleTime (about 2 minutes) before it
# starts again. Start it now, but only once it is PENDING and more than a second has passed:
# slurmd remembers the kill of the previous run as a credential revocation with 1-second
# resolution, and a relaunch within that second is refused (the job ends FAILED).
release_requeued() {
    wait_until 60 "job $1 pending after requeue" is_state "$1" PENDING || return 1
    sleep 1.2
    scontrol update JobId="$1" StartTime=now
}

cl_tmp_root() {
    if [ -n "${SSOC_SLURM_TMP:-}" ]; then
        echo "$SSOC_SLURM_TMP"
    elif [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 1048576 ]; then
        echo /dev/shm
    else
        echo /tmp
    fi
}

cluster_start() {
    local t0 ncpu root
    t0=$(cl_now)
    # isolate from a surrounding SLURM job (CI itself running under SLURM)
    for v in $(compgen -e | grep '^SLURM_' || true); do unset "$v"; done
    root=$(cl_tmp_root)
    BASE=$(mktemp -d "$root/ssoc_slurm.XXXXXX")
    chmod 755 "$BASE" # munged refuses a socket directory without o+x
    mkdir -p "$BASE"/{etc,munge,spool/ctld,spool/d,log,out,tmp}
    export SLURM_CONF=$BASE/etc/slurm.conf        # every client command needs it
    export SSOC_SLURM_MARK=$BASE                  # inherited by daemons and jobs: the leak check
    export TMPDIR=$BASE/tmp                       # Open MPI session directories stay in BASE
    MSOCK=$BASE/munge/munge.socket.2
    for _ in $(seq 1 100); do                     # two free adjacent ports: no clash with a system SLURM
        CTLD_PORT=$((20000 + RANDOM % 20000))
        SLURMD_PORT=$((CTLD_PORT + 1))
        port_busy $CTLD_PORT || port_busy $SLURMD_PORT || break
    done
    ncpu=$(nproc)
    [ "$ncpu" -lt 2 ] && ncpu=2
    sed -e "s|@BASE@|$BASE|g" -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" \
        -e "s|@MUNGE_SOCKET@|$MSOCK|g" -e "s|@NCPU@|$ncpu|g" "$CL_HERE/slurm.conf.in" >"$SLURM_CONF"
    cp "$CL_HERE/cgroup.conf" "$BASE/etc/cgroup.conf"
    : >"$BASE/etc/plugstack.conf"

    dd if=/dev/urandom of="$BASE/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$BASE/munge/munge.key"
    # Daemons get their own session (setsid, which execs in place: $! stays the daemon's pid), so a
    # signal to our process group (Ctrl-C, `timeout`) reaches only us and the teardown stops them
    # in order. -F / -D: they stay in the foreground, children of ours with known pids.
    setsid munged -F -S "$MSOCK" --key-file="$BASE/munge/munge.key" --pid-file="$BASE/munge/munged.pid" \
        --log-file="$BASE/log/munged.log" --seed-file="$BASE/munge/munged.seed" \
        </dev/null >"$BASE/log/munged.stdout" 2>&1 &
    MUNGED_PID=$!
    cl_munge_ok() { munge -S "$MSOCK" -n 2>/dev/null | unmunge -S "$MSOCK" >/dev/null 2>&1; }
    wait_until 20 "munged socket" cl_munge_ok || { log "munged did not start"; return 1; }
    (cd "$BASE" && exec setsid "${SLURMCTLD:-slurmctld}" -D -i -f "$SLURM_CONF" </dev/null >"$BASE/log/slurmctld.stdout" 2>&1) &
    CTLD_PID=$!
    (cd "$BASE" && exec setsid slurmd -D -N localhost -f "$SLURM_CONF" </dev/null >"$BASE/log/slurmd.stdout" 2>&1) &
    SLURMD_PID=$!
    cl_alive() { kill -0 "$CTLD_PID" 2>/dev/null && kill -0 "$SLURMD_PID" 2>/dev/null; }
    cl_up_or_dead() { node_idle || ! cl_alive; }
    if ! wait_until 60 "node localhost idle" cl_up_or_dead || ! cl_alive || ! node_idle; then
        log "the cluster did not come up"
        return 1
    fi
    log "cluster up in $(cl_since "$t0") s in $BASE (ports $CTLD_PORT/$SLURMD_PORT, pids ctld $CTLD_PID slurmd $SLURMD_PID munged $MUNGED_PID)"
}

# cl_ours PID: the process is one we started: its environment carries our marker (daemons, job
# scripts, srun, ssoc ranks, mpirun), or its working directory is in BASE (slurmstepd, which wipes
# its environment for its process title, inherits slurmd's), or its command line names BASE
cl_ours() {
    local cwd
    grep -qzx "SSOC_SLURM_MARK=$BASE" "/proc/$1/environ" 2>/dev/null && return 0
    cwd=$(readlink "/proc/$1/cwd" 2>/dev/null) && [[ "$cwd/" == "$BASE/"* ]] && return 0
    tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "$BASE/"
}
# cl_marked [NAMES]: pids of live processes of ours among those named (pgrep -x regex; default: all
# that a test may leave behind). Zombies are dead already and not listed.
cl_marked() {
    local pid
    for pid in $(pgrep -x "${1:-slurmctld|slurmd|slurmstepd|slurmscriptd|munged|ssoc|srun|sbatch|mpirun|orted|prterun|sleep|bash|timeout}" 2>/dev/null); do
        [ "$pid" = "$$" ] && continue
        grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && continue
        cl_ours "$pid" && echo "$pid"
    done
}
cl_no_steps() { [ -z "$(cl_marked 'slurmstepd|srun|ssoc')" ]; }

# cluster_stop: 0 when nothing we started survives, 1 otherwise (leftovers are then killed)
cluster_stop() {
    local t0 pid left rc=0
    [ -n "$BASE" ] || return 0
    t0=$(cl_now)
    cd / || true # our own shells must not sit in BASE (the leak check looks at working directories)
    if [ -n "$CTLD_PID" ] && kill -0 "$CTLD_PID" 2>/dev/null; then
        squeue -h -o %i 2>/dev/null | xargs -r scancel # running job steps survive a slurmd shutdown
        wait_until 30 "queue to drain" queue_empty
        # a job cancelled while it requeues is CANCELLED at once, but its last run's slurmstepds
        # still report to slurmd (through munge): let them finish before the daemons go
        wait_until 30 "job steps to end" cl_no_steps
        left=$(cl_marked 'slurmstepd|srun|ssoc' | tr '\n' ' ')
        [ -n "${left// /}" ] && { log "job processes still alive: $left: SIGKILL"; kill -KILL $left 2>/dev/null; }
        scontrol shutdown >/dev/null 2>&1 # stops slurmctld (+ slurmscriptd) and slurmd
    fi
    for pid in $CTLD_PID $SLURMD_PID; do
        for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && { log "pid $pid still alive after shutdown: SIGKILL"; kill -KILL "$pid"; }
        wait "$pid" 2>/dev/null
    done
    if [ -n "$MUNGED_PID" ]; then
        kill -TERM "$MUNGED_PID" 2>/dev/null
        wait "$MUNGED_PID" 2>/dev/null
    fi
    CTLD_PID="" SLURMD_PID="" MUNGED_PID=""
    unset SSOC_SLURM_MARK # the commands of the check itself must not carry the marker
    sleep 0.3
    left=$(cl_marked | sort -u | tr '\n' ' ')
    if [ -n "${left// /}" ]; then
        log "FAIL: processes left behind: $left"
        ps -o pid,ppid,stat,cmd -p "$(echo $left | tr ' ' ',')" 2>/dev/null | sed 's/^/    /'
        kill -KILL $left 2>/dev/null
        rc=1
    else
        log "teardown clean in $(cl_since "$t0") s: no slurmctld, slurmd, slurmstepd, munged, srun, mpirun or ssoc of ours left (pgrep)"
    fi
    return $rc
}
