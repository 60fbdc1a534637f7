#!/usr/bin/env bash
# Issue 14, the sweep's output file (defects 3 and 10): a rename that fails says why and keeps the
# complete result; a disk that fills up mid-run is said to be full and the .partial can then be
# resumed. Expected to fail until the sweep driver publishes through src/outpath.h and h5io
# explains a failed write (tests/CMakeLists.txt keeps this test DISABLED until then).
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
sleep 0.3
mkdir "$TMP/r.h5" && : >"$TMP/r.h5/x"
wait $pid
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "r.h5.*\(Is a directory\|exists\|Directory not empty\)" "$TMP/err" &&
  ok || bad "rename over a directory: exit $rc: $(cat "$TMP/err")"
[ -f "$TMP/r.h5.partial" ] && "$SSOC" rules "$TMP/r.h5.partial" >/dev/null 2>&1 && ok ||
  bad "rename over a directory: the complete result is gone"
grep -q "r.h5.partial" "$TMP/err" && ok || bad "rename over a directory: the message does not say where the result is"

# ---- a full disk in the middle of the run (1 rank): said to be full; after space is freed,
# --resume completes the same file as an undisturbed run
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
  mkdir -p "$TMP/mnt"
  SSOC="$SSOC" SW="$SW" M="$TMP/mnt" S5="$TMP/ref.h5" unshare -m bash -c '
    s5=$(( $(stat -c %s "$S5") / 1024 + 4 ))
    kb=$((s5 / 2))
    while [ $kb -lt $((3 * s5)) ]; do
      mount -t tmpfs -o size=${kb}k tmpfs "$M" || exit 94
      "$SSOC" sweep "$SW" -o "$M/s.h5" -q >/dev/null 2>"$M.err"; rc=$?
      if ! grep -q "not enough space" "$M.err"; then
        echo "$rc" >"$M.rc"
        # free the space: a larger file system with the .partial on it
        cp "$M/s.h5.partial" "$M.partial" 2>/dev/null
        umount "$M"; mount -t tmpfs -o size=$((4 * s5))k tmpfs "$M"
        [ -f "$M.partial" ] && cp "$M.partial" "$M/s.h5.partial"
        "$SSOC" sweep "$SW" -o "$M/s.h5" -q --resume >/dev/null 2>"$M.resume.err"; echo $? >"$M.resume.rc"
        [ -f "$M/s.h5" ] && cp "$M/s.h5" "$M.resumed.h5"
        umount "$M"
        exit 0
      fi
      umount "$M"
      kb=$((kb + 4))
    done
    exit 95'
  if [ $? = 0 ]; then
    [ "$(cat "$TMP/mnt.rc")" = 1 ] && [ "$(grep -vc mca_fbtl_posix "$TMP/mnt.err")" = 1 ] &&
      grep -qi "no space left on device\|disk is full\|file system is full" "$TMP/mnt.err" && ok ||
      bad "full disk mid-run: exit $(cat "$TMP/mnt.rc"): $(head -3 "$TMP/mnt.err")"
    [ "$(cat "$TMP/mnt.resume.rc")" = 0 ] && same_datasets "$TMP/ref.h5" "$TMP/mnt.resumed.h5" "full disk, then --resume" ||
      bad "full disk, then --resume: exit $(cat "$TMP/mnt.resume.rc"): $(cat "$TMP/mnt.resume.err")"
  else
    bad "full disk mid-run: no tmpfs size let the sweep start"
  fi
else
  echo "note: full-disk case skipped (unshare -m not permitted)"
fi
finish
