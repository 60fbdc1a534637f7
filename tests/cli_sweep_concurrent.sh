#!/usr/bin/env bash
# Issue 14, defect 1: two sweeps on one output. The first run creates OUT.partial exclusively and
# holds its lock from its first phase to the rename (src/outpath.h, src/sweep.c), so:
# 10 tries at delays 0-3 s, with and without --force: one run wins (exit 0), the other exits
# non-zero with one line, the surviving file passes `ssoc rules` and equals an undisturbed run
# (h5compare), no OUT.partial is left behind, and OUT is never a file that is not a complete sweep.
# The first run pauses 0.6 s at the start of each of its five phases (SSOC_TEST_PHASE_PAUSE_S), so
# it lasts over 3 s on any machine and the delays put the second run into every phase of it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
ARGS=(--set bootstrap.B=2000)
export OMP_NUM_THREADS=1
"$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/ref.h5" -q || bad "reference sweep failed"

for force in "" --force; do
  for d in 0 0.05 0.1 0.2 0.4 0.7 1.0 1.5 2.2 3.0; do
    rm -rf "$TMP/c.h5" "$TMP/c.h5.partial"
    SSOC_TEST_PHASE_PAUSE_S=0.6 "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/c.h5" -q 2>"$TMP/a.err" &
    pa=$!
    sleep "$d"
    "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/c.h5" -q $force 2>"$TMP/b.err"
    rb=$?
    wait $pa
    ra=$?
    label="delay $d s${force:+ $force}"
    if [ $ra != 0 ] && [ $rb != 0 ]; then bad "$label: neither run won (exit $ra and $rb): $(cat "$TMP/a.err" "$TMP/b.err")"; continue; fi
    # exactly one wins: the run that created OUT.partial first holds its lock to the rename (at
    # delay 0 that may be either); the other is refused. At 3 s a --force run may start just
    # after the first published: then both finish, the second replacing OUT with its own result.
    if [ $ra = 0 ] && [ $rb = 0 ]; then
      [ -n "$force" ] && [ "$d" = 3.0 ] && ok || bad "$label: both runs exit 0"
    else
      [ "$(cat "$TMP/a.err" "$TMP/b.err" | grep -c "being written by another ssoc run\|exists")" = 1 ] && ok ||
        bad "$label: exit $ra and $rb: the loser does not say why: $(cat "$TMP/a.err" "$TMP/b.err")"
    fi
    for r in a b; do
      rc=$([ $r = a ] && echo $ra || echo $rb)
      if [ "$rc" != 0 ] && { [ "$(wc -l <"$TMP/$r.err")" != 1 ] || ! grep -q '^ssoc: sweep: ' "$TMP/$r.err"; }; then
        bad "$label: run $r exit $rc, not one line: $(head -c 300 "$TMP/$r.err")"
      fi
    done
    "$SSOC" rules "$TMP/c.h5" >/dev/null 2>"$TMP/r.err" && ok || bad "$label: rules refuses the survivor: $(cat "$TMP/r.err")"
    same_datasets "$TMP/ref.h5" "$TMP/c.h5" "$label: survivor vs undisturbed run"
    [ -e "$TMP/c.h5.partial" ] && bad "$label: c.h5.partial left behind" || ok
  done
done

# a second run during the first one's fit and bootstrap (before any HDF5 file exists) sees the
# first one's lock: it is told that another run writes the file, not "use --resume"
SSOC_TEST_PHASE_PAUSE_S=1 "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/l.h5" -q 2>/dev/null &
pa=$!
# the lock is taken with OUT.partial, before the fit: wait for it, not for a fixed time
for _ in $(seq 3000); do [ -e "$TMP/l.h5.partial" ] && break; sleep 0.01; done
for flag in "" --force --resume; do
  "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/l.h5" -q $flag 2>"$TMP/b.err"
  rb=$?
  [ $rb = 1 ] && grep -q "another" "$TMP/b.err" && [ "$(wc -l <"$TMP/b.err")" = 1 ] && ok ||
    bad "second run ${flag:-(no flag)} during the first one's fit: exit $rb: $(cat "$TMP/b.err")"
done
kill -TERM $pa
wait $pa
[ $? = 4 ] && ok || bad "the first run did not stop with exit 4 on SIGTERM"
finish
