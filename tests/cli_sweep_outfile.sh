#!/usr/bin/env bash
# Issue 14, the sweep's output file (defects 3 and 10): a rename that fails says why and keeps the
# complete result; a disk that fills up mid-run is said to be full and the .partial can then be
# resumed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
export OMP_NUM_THREADS=1
"$SSOC" sweep "$SW" -o "$TMP/ref.h5" -q || bad "reference sweep failed"

# ---- OUT appears (as a non-empty directory) while the run works: the rename fails, the message
# gives the reason, the complete .partial stays for the user
ARGS=(--set bootstrap.B=30000)
"$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/r.h5" -q 2>"$TMP/err" &
pid=$!
# once OUT.partial exists the run has passed its checks of OUT (a fixed sleep raced a slow start)
for _ in $(seq 3000); do [ -e "$TMP/r.h5.partial" ] && break; sleep 0.01; done
mkdir "$TMP/r.h5" && : >"$TMP/r.h5/x"
wait $pid
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "r.h5.*\(Is a directory\|exists\|Directory not empty\)" "$TMP/err" &&
  ok || bad "rename over a directory: exit $rc: $(cat "$TMP/err")"
[ -f "$TMP/r.h5.partial" ] && "$SSOC" rules "$TMP/r.h5.partial" >/dev/null 2>&1 && ok ||
  bad "rename over a directory: the complete result is gone"
grep -q "r.h5.partial" "$TMP/err" && ok || bad "rename over a directory: the message does not say where the result is"

# ---- the layout cannot be created. A new run creates it in the grid's first round, while the other
# threads evaluate the first block; here OUT.partial is replaced by a directory while the run pauses
# at the start of its evaluation (test hook). Every rank stops after that round: exit 1, one line
# that names the file, no OUT, on 1 rank x 2 threads and on 2 ranks.
for n in 1 2; do
  rm -rf "$TMP/lay.h5" "$TMP/lay.h5.partial"
  (export SSOC_TEST_PHASE_PAUSE_S=1 SSOC_PROGRESS_INTERVAL=0; EXEC=1 run_sweep $n $((3 - n)) "$SW" -o "$TMP/lay.h5" \
    2>"$TMP/lay.err") &
  pid=$!
  for _ in $(seq 3000); do grep -q "^ssoc: sweep: evaluation:" "$TMP/lay.err" && break; sleep 0.01; done
  rm -f "$TMP/lay.h5.partial" && mkdir "$TMP/lay.h5.partial"
  wait $pid
  rc=$?
  grep -v '^ssoc: sweep: [a-z]*:\|^ssoc: sweep: [0-9]* x \|mca_' "$TMP/lay.err" >"$TMP/lay.msg"
  [ $rc = 1 ] && [ "$(wc -l <"$TMP/lay.msg")" = 1 ] && grep -q "lay.h5.partial: cannot create HDF5 file" "$TMP/lay.msg" &&
    [ ! -e "$TMP/lay.h5" ] && ok || bad "layout not created, $n rank(s): exit $rc: $(head -4 "$TMP/lay.err")"
done

# ---- a disk that fills up in the middle of the run (1 rank; another writer takes the space while
# the run is at the start of its evaluation): said to be full, the .partial stays valid, and after
# space is freed --resume completes the same file as an undisturbed run. (A disk too small from the
# start is refused before any work: cli_output_safety.)
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
  mkdir -p "$TMP/mnt"
  SSOC="$SSOC" SW="$SW" M="$TMP/mnt" S5="$TMP/ref.h5" unshare -m bash -c '
    mount -t tmpfs -o size=$(( 4 * $(stat -c %s "$S5") / 1024 + 64 ))k tmpfs "$M" || exit 94
    SSOC_TEST_PHASE_PAUSE_S=1 SSOC_PROGRESS_INTERVAL=0 "$SSOC" sweep "$SW" -o "$M/s.h5" 2>"$M.err" &
    pid=$!
    for i in $(seq 1000); do grep -q "^ssoc: sweep: evaluation:" "$M.err" && break; sleep 0.01; done
    dd if=/dev/zero of="$M/filler" bs=4k 2>/dev/null # until the file system is full
    wait $pid; echo $? >"$M.rc"
    rm -f "$M/filler"
    "$SSOC" sweep "$SW" -o "$M/s.h5" -q --resume >/dev/null 2>"$M.resume.err"; echo $? >"$M.resume.rc"
    [ -f "$M/s.h5" ] && cp "$M/s.h5" "$M.resumed.h5"
    umount "$M"'
  if [ $? = 0 ]; then
    grep -v '^ssoc: sweep: [a-z]*:\|^ssoc: sweep: [0-9]* x \|mca_fbtl_posix' "$TMP/mnt.err" >"$TMP/mnt.msg"
    [ "$(cat "$TMP/mnt.rc")" = 1 ] && [ "$(wc -l <"$TMP/mnt.msg")" = 1 ] &&
      grep -q "file system is full.*s.h5.partial is valid, free some space and continue with --resume" "$TMP/mnt.msg" && ok ||
      bad "disk full mid-run: exit $(cat "$TMP/mnt.rc"): $(head -3 "$TMP/mnt.err")"
    [ "$(cat "$TMP/mnt.resume.rc")" = 0 ] && same_datasets "$TMP/ref.h5" "$TMP/mnt.resumed.h5" "disk full, then --resume" ||
      bad "disk full, then --resume: exit $(cat "$TMP/mnt.resume.rc"): $(cat "$TMP/mnt.resume.err")"
  else
    bad "disk full mid-run: the tmpfs could not be mounted"
  fi
else
  echo "note: full-disk case skipped (unshare -m not permitted)"
fi
finish
