#!/usr/bin/env bash
# Issue 14, defect 5: a stop request is honoured within a bounded time in every phase (fit,
# bootstrap, evaluation, rules, write) with exit 4 and a resumable file, whichever signal arrives
# and whichever launcher forwards it. Expected to fail until the sweep wiring (tests/CMakeLists.txt
# keeps this test DISABLED until then).
# Acceptance: SIGTERM at moments spread over a whole run: exit 4 within 5 s (or 0 if the run had
# finished), then --resume gives the same datasets as an undisturbed run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
export OMP_NUM_THREADS=1
# bootstrap, evaluation and rules each ~1-2 s on one thread
ARGS=(--set bootstrap.B=40000 --set grid.x=0.6:0.8:41 --set grid.rho=1.3:2.2:31 --set output.block=16)
t0=$(date +%s.%N)
"$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/ref.h5" -q || bad "reference sweep failed"
T=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
echo "undisturbed run: $T s"

# stop_at LABEL DELAY SIGNAL: start a run, signal it after DELAY s, check exit and time, resume
stop_at() {
  local label=$1 delay=$2 sig=$3 pid rc t1 el
  rm -f "$TMP/s.h5" "$TMP/s.h5.partial"
  set -m
  "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/s.h5" -q 2>"$TMP/err" &
  pid=$!
  set +m
  sleep "$delay"
  kill -s "$sig" $pid 2>/dev/null
  t1=$(date +%s.%N)
  wait $pid
  rc=$?
  el=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  if [ $rc = 0 ]; then same_datasets "$TMP/ref.h5" "$TMP/s.h5" "$label: finished before the signal"; return; fi
  if [ $rc != 4 ]; then bad "$label: exit $rc, wanted 4: $(head -c 300 "$TMP/err")"; return; fi
  awk -v e="$el" 'BEGIN { exit !(e <= 5) }' && ok || bad "$label: exit 4 only after $el s (limit 5 s)"
  [ "$(wc -l <"$TMP/err")" = 1 ] && ok || bad "$label: not one line: $(cat "$TMP/err")"
  "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/s.h5" -q --resume 2>"$TMP/err"
  rc=$?
  if [ $rc != 0 ]; then bad "$label: --resume exit $rc: $(cat "$TMP/err")"; return; fi
  same_datasets "$TMP/ref.h5" "$TMP/s.h5" "$label: resumed"
}

# moments spread over the whole run (fit and bootstrap first, then evaluation, rules, write)
for f in 0.01 0.05 0.12 0.2 0.3 0.42 0.55 0.68 0.8 0.92; do
  d=$(awk -v f="$f" -v t="$T" 'BEGIN { printf "%.3f", f * t }')
  stop_at "SIGTERM at $d s ($f of the run)" "$d" TERM
done
# every stop signal the batch systems send gives the same exit code
half=$(awk -v t="$T" 'BEGIN { printf "%.3f", 0.3 * t }')
for sig in USR1 INT; do stop_at "SIG$sig at $half s" "$half" "$sig"; done

# stop_run LABEL DELAY START...: start a command, SIGTERM it after DELAY s: exit 4 within 5 s
stop_run() {
  local label=$1 delay=$2 pid rc t1 el
  shift 2
  set -m
  # timeout forwards the SIGTERM; its KILL only bounds a regression that ignores it
  timeout -s KILL 120 "$@" 2>"$TMP/err" &
  pid=$!
  set +m
  sleep "$delay"
  kill -TERM $pid
  t1=$(date +%s.%N)
  wait $pid
  rc=$?
  el=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  [ $rc = 4 ] && awk -v e="$el" 'BEGIN { exit !(e <= 5) }' && ok || bad "$label: exit $rc after $el s: $(head -c 300 "$TMP/err")"
}
# a long bootstrap (the issue's B = 10^7 ran 453 s after SIGTERM)
stop_run "SIGTERM in a long bootstrap" 2 "$SSOC" sweep "$SW" --set bootstrap.B=3000000 -o "$TMP/b.h5" -q
# two ranks under mpirun: SIGTERM to mpirun (it forwards it) gives exit 4, not 1
stop_run "SIGTERM to mpirun, 2 ranks" 3 "$MPIRUN" -q -n 2 --oversubscribe --bind-to none -x OMP_NUM_THREADS=1 \
  "$SSOC" sweep "$SW" --set bootstrap.B=3000000 -o "$TMP/m.h5" -q
finish
