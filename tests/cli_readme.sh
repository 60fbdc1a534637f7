#!/usr/bin/env bash
# Every shell example of README.md, verbatim, after the two set-up commands, as a new user would run
# them: every line of every ```sh block (a line ending in \ continues on the next; comment lines are
# skipped) runs in README order in ONE bash session (so an `export` carries over, as in a terminal),
# in a fresh copy of the repository, with the ssoc of this build installed by `cmake --install` to
# a temporary prefix at the front of PATH, and none of the test suite's own MPI settings.
#
# The set-up commands: `./run.sh` is reproduced by installing (above) and running the copy's run.sh
# with SSOC_SETUP=0 (its main job, so out/default.h5 and out/sigma_500K.png exist as after ./run.sh);
# `./test.sh` is what runs this test, so it is not run again.
# Two kinds of example need a situation, which the test creates and says so:
#  - `... --resume` ("continue an interrupted run"): first the same command without --resume is
#    started (after moving aside a finished output of that name from an earlier example) and
#    interrupted with SIGTERM once a block is recorded (exit 4), as a preempted job would be;
#  - `srun ...` ("inside a SLURM allocation"): runs as `salloc -n 2 bash -c 'LINE'` on the
#    throw-away single-node SLURM of tests/slurm/cluster.sh (needs root, slurm-wlm and munge, as
#    ./test.sh installs them); without them that example is NOT RUN and the test ends "skipped" (77)
#    if nothing failed.
# Output: one line per example, README.md:LINE, exit code, seconds and the command; for a failure
# the last lines of its output. Logs stay in $KEEP_DIR when that is set.
# README_IN_PLACE=1 (tools/debian12_check.sh, after a real ./run.sh): run the examples in
# $SSOC_SOURCE_DIR itself with the ssoc already on PATH, without the copy, the temporary install
# and the run.sh reproduction.
. "$(dirname "$0")/lib.sh"
README=${README:-$SSOC_SOURCE_DIR/README.md}
WORK=$TMP/clone PREFIX=$TMP/prefix LOGS=$TMP/logs
mkdir -p "$WORK" "$LOGS"

# --- the examples: "LINE<TAB>COMMAND", continuation lines joined
"${PY:-python3}" - "$README" >"$TMP/examples.tsv" <<'PY' || { bad "cannot read the examples of $README"; finish; exit 1; }
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
inside, start, cur = False, 0, ""
for i, l in enumerate(lines, 1):
    if not inside:
        inside = re.match(r"^\s*```(sh|bash|shell)\s*$", l) is not None
        continue
    if re.match(r"^\s*```\s*$", l):
        inside = False
        continue
    if not cur:
        if not l.strip() or l.lstrip().startswith("#"):
            continue
        start = i
    cur += l
    if cur.endswith("\\"):
        cur = cur[:-1] + " "
        continue
    print("%d\t%s" % (start, cur.strip()))
    cur = ""
PY
n=$(wc -l <"$TMP/examples.tsv")
[ "$n" -ge 10 ] && ok || bad "only $n shell examples found in $README"

# --- the set-up commands
if [ "${README_IN_PLACE:-0}" = 1 ]; then
  WORK=$SSOC_SOURCE_DIR PREFIX=$(dirname "$(dirname "$(command -v ssoc)")")
elif cmake --install "$SSOC_BINARY_DIR" --prefix "$PREFIX" >"$LOGS/install.log" 2>&1; then
  ok
else
  bad "cmake --install: $(tail -3 "$LOGS/install.log")"
fi
if [ "${README_IN_PLACE:-0}" = 1 ]; then
  :
elif git -C "$SSOC_SOURCE_DIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$SSOC_SOURCE_DIR" ls-files -z | tar -C "$SSOC_SOURCE_DIR" --null -T - -cf - | tar -C "$WORK" -xf -
else
  tar -C "$SSOC_SOURCE_DIR" --exclude='./build*' --exclude='./out' -cf - . | tar -C "$WORK" -xf -
fi
# a user's shell: not the test suite's MPI settings (README says what root needs), ssoc by name
unset OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM OMPI_MCA_rmaps_base_oversubscribe SSOC_DATA_DIR SSOC_KERNEL_ISA
export PATH=$PREFIX/bin:$PATH HDF5_USE_FILE_LOCKING=FALSE # the test peeks into a running .partial
[ "$(command -v ssoc)" = "$PREFIX/bin/ssoc" ] && ok || bad "ssoc on PATH is $(command -v ssoc)"
grep -qP '^\d+\t\./run\.sh' "$TMP/examples.tsv" && grep -qP '^\d+\t\./test\.sh' "$TMP/examples.tsv" && ok || bad "README's set-up commands ./run.sh and ./test.sh not found"
if [ "${README_IN_PLACE:-0}" != 1 ]; then
  (cd "$WORK" && SSOC_SETUP=0 ./run.sh) >"$LOGS/run.sh.log" 2>&1 && ok || bad "./run.sh (main job): $(tail -3 "$LOGS/run.sh.log")"
fi

# --- SLURM for the srun examples, only if some example needs it
SLURM_OK=0
if grep -qP '^\d+\tsrun ' "$TMP/examples.tsv"; then
  export PATH=$PATH:/usr/sbin:/sbin
  if [ "$(id -u)" = 0 ] && command -v slurmctld >/dev/null && command -v salloc >/dev/null && command -v munged >/dev/null; then
    . "$SSOC_SOURCE_DIR/tests/slurm/cluster.sh"
    trap 'cluster_stop >/dev/null 2>&1; rm -rf "$TMP"' EXIT
    if cluster_start >"$LOGS/slurm.log" 2>&1; then SLURM_OK=1; else bad "the test SLURM did not start: $(tail -3 "$LOGS/slurm.log")"; fi
  fi
fi

# --- one script, one session, every example in README order
{
  echo 'cd "$WORK" || exit 1'
  # interrupted LINE: the situation `--resume` continues from
  echo 'interrupted() {
  local cmd=${1/ --resume/} out
  out=$(sed -nE "s/.*(^| )-o +([^ ]+).*/\2/p" <<<"$cmd")
  [ -n "$out" ] || { echo "interrupted: no -o OUT in: $cmd"; return 1; }
  [ -e "$out" ] && mv "$out" "$out.earlier"
  echo "(test: first an interrupted run: $cmd, SIGTERM after one block)"
  (export SSOC_TEST_BLOCK_PAUSE_S=0.3; exec bash -c "exec $cmd") &
  local pid=$! i
  for i in $(seq 1 600); do
    [ -f "$out.partial" ] && [ "$(h5_ndone "$out.partial")" -ge 1 ] && break
    sleep 0.1
  done
  kill -TERM $pid; wait $pid
  local rc=$?
  [ $rc = 4 ] || { echo "interrupted: exit $rc, wanted 4"; return 1; }
}'
  echo ". \"$SSOC_SOURCE_DIR/tests/h5compare.sh\""
  i=0
  while IFS=$'\t' read -r line cmd; do
    i=$((i + 1))
    case $cmd in ./run.sh* | ./test.sh*) continue ;; esac
    echo "SECONDS=0"
    if [[ $cmd == srun\ * ]]; then
      if [ "$SLURM_OK" = 1 ]; then
        printf '{ salloc -Q -n 2 bash -c %q; } >"%s/%d.log" 2>&1 </dev/null\n' "$cmd" "$LOGS" "$i"
      else
        printf 'echo "NOT RUN: needs a SLURM allocation (root, slurm-wlm, munge)" >"%s/%d.log"; ( exit 77 )\n' "$LOGS" "$i"
      fi
    elif [[ $cmd == *" --resume"* ]]; then
      printf '{ interrupted %q && %s\n} >"%s/%d.log" 2>&1 </dev/null\n' "$cmd" "$cmd" "$LOGS" "$i"
    else
      printf '{ %s\n} >"%s/%d.log" 2>&1 </dev/null\n' "$cmd" "$LOGS" "$i"
    fi
    printf 'echo "$? $SECONDS" >"%s/%d.rc"\n' "$LOGS" "$i"
  done <"$TMP/examples.tsv"
} >"$TMP/examples.sh"
WORK=$WORK bash "$TMP/examples.sh" >"$LOGS/session.log" 2>&1

# --- report
i=0 notrun=0
while IFS=$'\t' read -r line cmd; do
  i=$((i + 1))
  case $cmd in ./run.sh* | ./test.sh*) printf 'README.md:%-4s set-up   %s\n' "$line" "$cmd"; continue ;; esac
  read -r rc secs <"$LOGS/$i.rc" 2>/dev/null || { rc=none secs=-; }
  if [ "$rc" = 0 ]; then
    ok
    printf 'README.md:%-4s ok  %4ss %s\n' "$line" "$secs" "$cmd"
  elif [ "$rc" = 77 ]; then
    notrun=$((notrun + 1))
    printf 'README.md:%-4s NOT RUN   %s (%s)\n' "$line" "$cmd" "$(cat "$LOGS/$i.log")"
  else
    bad "README.md:$line: exit $rc: $cmd"
    printf 'README.md:%-4s FAILED (exit %s, %ss) %s\n' "$line" "$rc" "$secs" "$cmd"
    tail -n 6 "$LOGS/$i.log" 2>/dev/null | sed 's/^/      | /'
  fi
done <"$TMP/examples.tsv"
[ -n "${KEEP_DIR:-}" ] && { mkdir -p "$KEEP_DIR" && cp -r "$LOGS" "$TMP/examples.sh" "$KEEP_DIR/"; }
if [ "$SLURM_OK" = 1 ]; then cluster_stop >>"$LOGS/slurm.log" 2>&1 || bad "the test SLURM left processes behind"; fi
cd /
finish
rc=$?
[ $rc = 0 ] && [ $notrun -gt 0 ] && exit 77
exit $rc
