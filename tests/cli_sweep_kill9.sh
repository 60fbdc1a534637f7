#!/usr/bin/env bash
# Issue 14, defect 6: a kill -9 just after OUT.partial is created must leave it resumable, or
# refused with a message that says to use --force (and --force then works). OUT.partial now exists
# from the start of the run (empty until the layout is written after the bootstrap): --resume
# starts an empty one afresh, continues one with its layout, and sends one killed while HDF5 wrote
# the layout to --force.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
export OMP_NUM_THREADS=1
ARGS=(--set bootstrap.B=6000)
"$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/ref.h5" -q || bad "reference sweep failed"

for d in 0 0.005 0.01 0.02 0.05 0.1 0.2 0.4 0.6 0.8; do
  rm -f "$TMP/k.h5" "$TMP/k.h5.partial"
  "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/k.h5" -q 2>/dev/null &
  pid=$!
  for _ in $(seq 2000); do [ -e "$TMP/k.h5.partial" ] && break; sleep 0.002; done
  sleep "$d"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  label="kill -9 $d s after k.h5.partial appeared"
  [ -e "$TMP/k.h5" ] && { same_datasets "$TMP/ref.h5" "$TMP/k.h5" "$label: finished first"; continue; }
  [ -e "$TMP/k.h5.partial" ] || { bad "$label: no k.h5.partial"; continue; }
  # a plain rerun names the way out
  "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/k.h5" -q 2>"$TMP/err"
  rc=$?
  [ $rc = 1 ] && grep -q -- "--resume\|--force" "$TMP/err" && ok || bad "$label: plain rerun exit $rc: $(cat "$TMP/err")"
  "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/k.h5" -q --resume 2>"$TMP/err"
  rc=$?
  if [ $rc = 0 ]; then
    same_datasets "$TMP/ref.h5" "$TMP/k.h5" "$label: resumed"
    continue
  fi
  [ $rc = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -- "--force" "$TMP/err" && ok ||
    bad "$label: --resume exit $rc without saying to use --force: $(cat "$TMP/err")"
  "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/k.h5" -q --force 2>"$TMP/err" && same_datasets "$TMP/ref.h5" "$TMP/k.h5" "$label: --force" ||
    bad "$label: --force failed: $(cat "$TMP/err")"
done
finish
