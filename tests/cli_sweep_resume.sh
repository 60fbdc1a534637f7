#!/usr/bin/env bash
# ssoc sweep safety: SIGTERM -> exit 4 and a valid .partial; kill -9 mid-run then --resume ->
# datasets identical to an uninterrupted run; SIGUSR1 through mpirun with 2 ranks; an existing
# output is refused without --force and left untouched; --resume refuses another config.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
# many small blocks (1251 rounds of collective writes), and the interrupted runs pause 5 ms per round
# (SSOC_TEST_BLOCK_PAUSE_S), so they last long enough to be interrupted mid-way whatever the
# machine's speed; the test waits for 2 recorded blocks
SETS=(--set grid.x=0.6:0.8:61 --set grid.rho=1.3:2.2:41 --set output.block=2)

# start_and_wait OUT RANKS: start a sweep in the background (PID in $BG) and wait until >= 2
# blocks are recorded in OUT.partial
start_and_wait() {
  local out=$1 n=$2 i
  rm -f "$out" "$out.partial"
  # 5 ms per round (test hook): >= 6 s in all, so the signal finds the run mid-way on any machine
  (export SSOC_TEST_BLOCK_PAUSE_S=0.005; EXEC=1 run_sweep "$n" 1 "$CFG" "${SETS[@]}" -q -o "$out" 2>"$TMP/bg.err") &
  BG=$!
  for i in $(seq 1 1000); do
    if [ -f "$out.partial" ] && [ "$(h5_ndone "$out.partial")" -ge 2 ]; then return 0; fi
    sleep 0.01
  done
  return 1
}

# check_partial FILE LABEL: a valid HDF5 file with some but not all blocks done
check_partial() {
  local r
  r=$(done_blocks "$1" 2>&1) || { bad "$2: .partial unreadable: $r"; return; }
  set -- $r "$2"
  if [ "$1" -gt 0 ] && [ "$1" -lt "$2" ]; then ok; else bad "$3: $1 of $2 blocks done (not mid-run: make the test grid larger)"; fi
}

run_sweep 1 2 "$CFG" "${SETS[@]}" -q -o "$TMP/ref.h5" || bad "reference run failed"
NB=$(done_blocks "$TMP/ref.h5" | awk '{print $2}')

# --- SIGTERM: exit 4, one message, a valid .partial; --resume completes it bit for bit
if start_and_wait "$TMP/term.h5" 1; then
  kill -TERM $BG
  wait $BG
  rc=$?
  [ "$rc" = 4 ] && ok || bad "SIGTERM: exit $rc, wanted 4; $(cat "$TMP/bg.err")"
  grep -q "^ssoc: sweep: interrupted, resumable" "$TMP/bg.err" && [ "$(wc -l <"$TMP/bg.err")" = 1 ] && ok ||
    bad "SIGTERM message: $(cat "$TMP/bg.err")"
  [ ! -e "$TMP/term.h5" ] && ok || bad "SIGTERM: final file exists"
  check_partial "$TMP/term.h5.partial" "SIGTERM"
  run_sweep 2 1 "$CFG" "${SETS[@]}" -q -o "$TMP/term.h5" --resume || bad "resume after SIGTERM failed"
  [ ! -e "$TMP/term.h5.partial" ] && ok || bad "resume left the .partial"
  same_datasets "$TMP/ref.h5" "$TMP/term.h5" "SIGTERM + resume on 2 ranks"
else
  bad "SIGTERM: the run never recorded 2 blocks"; kill -9 $BG 2>/dev/null
fi

# --- kill -9 mid-run, then --resume: identical datasets
if start_and_wait "$TMP/kill.h5" 1; then
  kill -9 $BG
  wait $BG 2>/dev/null
  check_partial "$TMP/kill.h5.partial" "kill -9"
  run_sweep 1 2 "$CFG" "${SETS[@]}" -o "$TMP/kill.h5" --resume 2>"$TMP/resume.err" || bad "resume after kill -9 failed: $(cat "$TMP/resume.err")"
  grep -q "resuming .*blocks already done" "$TMP/resume.err" && ok || bad "resume did not report: $(head -3 "$TMP/resume.err")"
  same_datasets "$TMP/ref.h5" "$TMP/kill.h5" "kill -9 + resume"
  a=$("$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["resumed"])' "$TMP/kill.h5")
  [ "$a" = 1 ] && ok || bad "resumed attribute is '$a'"
else
  bad "kill -9: the run never recorded 2 blocks"; kill -9 $BG 2>/dev/null
fi

# --- SIGUSR1 to mpirun (it forwards it) with 2 ranks: both stop at the same block boundary
if start_and_wait "$TMP/usr1.h5" 2; then
  kill -USR1 $BG
  wait $BG
  rc=$?
  [ "$rc" = 4 ] && ok || bad "SIGUSR1 via mpirun: exit $rc, wanted 4; $(cat "$TMP/bg.err")"
  [ "$(grep -c 'interrupted, resumable' "$TMP/bg.err")" = 1 ] && ok || bad "SIGUSR1: message not printed once: $(cat "$TMP/bg.err")"
  check_partial "$TMP/usr1.h5.partial" "SIGUSR1"
  # a resume with another configuration is refused and leaves the .partial alone
  cp "$TMP/usr1.h5.partial" "$TMP/usr1.copy"
  expect_rc 1 "different configuration; refusing to resume" -- run_sweep 1 1 "$CFG" "${SETS[@]}" --set bootstrap.seed=8 -o "$TMP/usr1.h5" --resume
  cmp -s "$TMP/usr1.h5.partial" "$TMP/usr1.copy" && ok || bad "refused resume modified the .partial"
  # without --resume or --force a .partial is not silently discarded
  expect_rc 1 "exists (an interrupted run): continue it with --resume" -- run_sweep 1 1 "$CFG" "${SETS[@]}" -o "$TMP/usr1.h5"
  run_sweep 1 2 "$CFG" "${SETS[@]}" -q -o "$TMP/usr1.h5" --resume || bad "resume after SIGUSR1 failed"
  same_datasets "$TMP/ref.h5" "$TMP/usr1.h5" "SIGUSR1 + resume"
else
  bad "SIGUSR1: the run never recorded 2 blocks"; kill -9 $BG 2>/dev/null
fi

# --- an existing output is never overwritten without --force
cp "$TMP/ref.h5" "$TMP/keep.h5"
touch -d '2001-01-01' "$TMP/keep.h5"
before=$(stat -c %Y "$TMP/keep.h5")
expect_rc 1 "keep.h5 exists; refusing to overwrite it (use --force)" -- run_sweep 2 1 "$CFG" -o "$TMP/keep.h5"
[ "$(stat -c %Y "$TMP/keep.h5")" = "$before" ] && cmp -s "$TMP/keep.h5" "$TMP/ref.h5" && [ ! -e "$TMP/keep.h5.partial" ] && ok ||
  bad "refused run touched keep.h5"
run_sweep 1 1 "$CFG" --set bootstrap.B=20 -q -o "$TMP/keep.h5" --force || bad "--force run failed"
b=$("$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["B"])' "$TMP/keep.h5")
[ "$b" = 20 ] && ok || bad "--force did not replace the file (B = $b)"
expect_rc 2 "--resume: no" -- run_sweep 1 1 "$CFG" -o "$TMP/none.h5" --resume
expect_rc 2 "unknown option '--bogus'" -- "$SSOC" sweep "$CFG" --bogus
expect_rc 2 "missing CONFIG.ini" -- "$SSOC" sweep
expect_rc 1 "[bootstrap] B: B = 1: need at least 2" -- "$SSOC" sweep "$CFG" --set bootstrap.B=1
expect_rc 1 "[bootstrap] B: B = 1" -- run_sweep 2 1 "$CFG" --set bootstrap.B=1
finish
