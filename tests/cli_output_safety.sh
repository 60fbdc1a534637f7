#!/usr/bin/env bash
# Output safety (issue 8): an output that cannot be written gives a clear one-line error and a
# non-zero exit; no file that looks complete is left when it is not; an existing file is never
# damaged (SHA-256 before and after). Covers the parameter file of `ssoc fit -o`, standard output and
# the sweep's HDF5 file (written as OUT.partial, renamed to OUT only when complete).
# Needs no privileges; the read-only and full-filesystem cases also run on a tiny tmpfs when this
# user may mount one in a private mount namespace (unshare -m; root here), and say so when skipped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"

sha() { sha256sum "$1" | cut -d' ' -f1; }
# no temporary siblings of $1 left behind (writers write .NAME.XXXXXX.tmp beside it, then rename:
# src/outpath.h)
no_tmp_left() {
  local left
  left=$(find "$(dirname "$1")" -maxdepth 1 -name ".$(basename "$1").*.tmp" | head -3)
  if [ -n "$left" ]; then bad "$2: temporary file left behind: $left"; else ok; fi
}
same_file() { # PATH SHA LABEL
  if [ -f "$1" ] && [ "$(sha "$1")" = "$2" ]; then ok; else bad "$3: $1 damaged or gone"; fi
}

"$SSOC" fit "$DATA" -o "$TMP/keep.json" >/dev/null || bad "reference fit failed"
ref=$(sha "$TMP/keep.json")

# ---- existing output without --force: refused before any work; the file is untouched
cp "$TMP/keep.json" "$TMP/out.json"
expect_rc 1 "out.json exists; refusing to overwrite it (use --force)" -- \
  "$SSOC" fit "$DATA" --fix n_H=3 --boot 50 -o "$TMP/out.json"
same_file "$TMP/out.json" "$ref" "no --force"
no_tmp_left "$TMP/out.json" "no --force"
# refused before the report too (nothing half-done on stdout)
"$SSOC" fit "$DATA" -o "$TMP/out.json" >"$TMP/stdout" 2>/dev/null
[ -s "$TMP/stdout" ] && bad "no --force: report printed although the output was refused" || ok
# a directory in the way is refused as such, with or without --force (never "replaced")
mkdir "$TMP/adir"
expect_rc 1 "adir: is a directory" -- "$SSOC" fit "$DATA" -o "$TMP/adir"
expect_rc 1 "adir: is a directory" -- "$SSOC" fit "$DATA" -o "$TMP/adir" --force
# with --force it is replaced, atomically, by a complete file
expect_rc 0 "" -- "$SSOC" fit "$DATA" --fix n_H=3 -o "$TMP/out.json" --force
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out.json" && ok || bad "--force result is not complete JSON"
no_tmp_left "$TMP/out.json" "--force"

# ---- unwritable places: a missing directory, a path through a regular file
expect_rc 1 "nodir: No such file or directory" -- "$SSOC" fit "$DATA" -o "$TMP/nodir/p.json"
[ -e "$TMP/nodir" ] && bad "missing directory was created" || ok
: >"$TMP/afile"
expect_rc 1 "afile/p.json: cannot write there: $TMP/afile: Not a directory" -- "$SSOC" fit "$DATA" -o "$TMP/afile/p.json"
if [ "$(id -u)" != 0 ]; then # root ignores directory permissions
  mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
  expect_rc 1 "ro/p.json: cannot write there: $TMP/ro: Permission denied" -- "$SSOC" fit "$DATA" -o "$TMP/ro/p.json"
  chmod 755 "$TMP/ro"
fi

# ---- file-size limit (a full disk as the process sees it): with SIGXFSZ ignored the write fails
# with EFBIG, which must be a clear error with the old file intact and no temporary left; with the
# default action the process is killed in the middle of the write, and the old file must still be
# intact (the new one only ever lived under the temporary name).
cp "$TMP/keep.json" "$TMP/lim.json"
(ulimit -f 1; trap '' XFSZ; exec "$SSOC" fit "$DATA" --boot 20 -o "$TMP/lim.json" --force) >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc = 1 ] && grep -q "^ssoc: fit: .*lim.json: write failed: File too large$" "$TMP/err"; then ok; else
  bad "ulimit -f, SIGXFSZ ignored: exit $rc: $(cat "$TMP/err")"; fi
same_file "$TMP/lim.json" "$ref" "ulimit -f, SIGXFSZ ignored"
no_tmp_left "$TMP/lim.json" "ulimit -f, SIGXFSZ ignored"
# (the inner shell reports the death, quietly, instead of this script's shell)
rc=$( (ulimit -f 1; "$SSOC" fit "$DATA" --boot 20 -o "$TMP/lim.json" --force >/dev/null 2>&1; echo $?) 2>/dev/null)
[ $rc -gt 128 ] && ok || bad "ulimit -f, default SIGXFSZ: exit $rc, expected death by signal"
same_file "$TMP/lim.json" "$ref" "ulimit -f, killed mid-write"
# whatever is left carries the temporary name, never the final one
find "$TMP" -maxdepth 1 -name '*lim.json*' ! -name lim.json ! -name '.lim.json.*.tmp' | grep -q . &&
  bad "killed mid-write: a file other than .lim.json.*.tmp appeared" || ok
rm -f "$TMP"/.lim.json.*.tmp

# ---- standard output that cannot be written: exit 1, one line, for every command
for args in "fit $DATA" "fit $DATA --json" "predict --x 0.7 --rho 1.6" "predict --x 0.7 --rho 1.6 --json" \
  "validate $SSOC_SOURCE_DIR/data/zhou2024_mlff_300K.csv" "validate $SSOC_SOURCE_DIR/data/zhou2024_mlff_300K.csv --csv" \
  "--help" "--version" "fit --help"; do
  # shellcheck disable=SC2086
  "$SSOC" $args >/dev/full 2>"$TMP/err"
  rc=$?
  if [ $rc = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "standard output: write failed" "$TMP/err"; then ok; else
    bad "'ssoc $args > /dev/full': exit $rc: $(cat "$TMP/err")"; fi
done
# a full stdout must not stop the parameter file from being written... nor leave a broken one
rm -f "$TMP/full.json"
"$SSOC" fit "$DATA" -o "$TMP/full.json" >/dev/full 2>/dev/null
[ ! -e "$TMP/full.json" ] || python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/full.json" && ok ||
  bad "stdout full: parameter file incomplete"

# ---- interrupted run: SIGTERM or SIGINT in the middle of a long bootstrap; the existing file stays,
# and no temporary or partial file appears (the file is written only once the result is complete)
# (job control on: without it bash starts background jobs with SIGINT ignored)
set -m
for sig in TERM INT; do
  cp "$TMP/keep.json" "$TMP/int.json"
  # one thread: ~20 us per replicate here, so the signal lands seconds before the end on any machine
  OMP_NUM_THREADS=1 "$SSOC" fit "$DATA" --boot 300000 -o "$TMP/int.json" --force >/dev/null 2>&1 &
  pid=$!
  sleep 0.5
  kill -s $sig $pid
  wait $pid
  rc=$?
  [ $rc -gt 128 ] && ok || bad "SIG$sig: exit $rc, expected death by signal"
  same_file "$TMP/int.json" "$ref" "SIG$sig during bootstrap"
  no_tmp_left "$TMP/int.json" "SIG$sig during bootstrap"
done
set +m

# ---- the sweep's HDF5 output
SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
"$SSOC" sweep "$SW" -o "$TMP/s.h5" -q || bad "reference sweep failed"
sref=$(sha "$TMP/s.h5")
expect_rc 1 "s.h5 exists; refusing to overwrite it (use --force)" -- "$SSOC" sweep "$SW" --set bootstrap.B=5 -o "$TMP/s.h5" -q
same_file "$TMP/s.h5" "$sref" "sweep without --force"
[ -e "$TMP/s.h5.partial" ] && bad "sweep without --force created s.h5.partial" || ok
expect_rc 1 "nodir/s.h5: cannot write there: $TMP/nodir: No such file or directory" -- "$SSOC" sweep "$SW" -o "$TMP/nodir/s.h5" -q
expect_rc 1 "afile/s.h5: cannot write there: $TMP/afile: Not a directory" -- "$SSOC" sweep "$SW" -o "$TMP/afile/s.h5" -q
# interrupted --force run over an existing result: exit 4, the old file intact, a .partial to resume
set -m
OMP_NUM_THREADS=1 "$SSOC" sweep "$SW" --set bootstrap.B=50000 --set grid.x=0.6:0.8:101 --set output.block=1 \
  -o "$TMP/s.h5" --force -q 2>"$TMP/err" &
pid=$!
# signal once the .partial exists (the bootstrap is done and blocks are being written: 1111 of them)
for _ in $(seq 600); do [ -e "$TMP/s.h5.partial" ] && break; sleep 0.1; done
sleep 0.2
kill -TERM $pid
wait $pid
rc=$?
set +m
[ $rc = 4 ] && grep -q "s.h5.partial is valid, continue with --resume" "$TMP/err" && ok ||
  bad "sweep SIGTERM: exit $rc: $(cat "$TMP/err")"
same_file "$TMP/s.h5" "$sref" "sweep --force interrupted"
[ -f "$TMP/s.h5.partial" ] && ok || bad "sweep SIGTERM: no .partial to resume"
rm -f "$TMP/s.h5.partial"

# ---- ssoc plot's picture: never replaced without --force
"$SSOC" plot "$TMP/s.h5" -o "$TMP/pic.png" >/dev/null || bad "reference plot failed"
pref=$(sha "$TMP/pic.png")
expect_rc 1 "pic.png exists; refusing to overwrite it (use --force)" -- "$SSOC" plot "$TMP/s.h5" --field lo -o "$TMP/pic.png"
same_file "$TMP/pic.png" "$pref" "plot without --force"

# ---- a read-only file system and a full one (tiny tmpfs), when a private mount is allowed
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
  mkdir -p "$TMP/mnt"
  cp "$TMP/keep.json" "$TMP/mnt_keep.json"
  SSOC="$SSOC" MPIRUN="$MPIRUN" DATA="$DATA" M="$TMP/mnt" K="$TMP/keep.json" S5="$TMP/s.h5" SW="$SW" P="$TMP/pic.png" unshare -m bash -c '
    set -u
    mount -t tmpfs -o size=$(( ($(stat -c %s "$S5") + $(stat -c %s "$P")) / 1024 + 64 ))k tmpfs "$M" || exit 90
    cp "$K" "$M/out.json"
    mount -o remount,ro "$M" || exit 91
    "$SSOC" fit "$DATA" --boot 20 -o "$M/out.json" --force >/dev/null 2>"$M.ro.err"; echo "ro $?" >"$M.rc"
    sha256sum "$M/out.json" | cut -d" " -f1 >"$M.ro.sha"; ls -A "$M" >"$M.ro.ls"
    mount -o remount,rw "$M" || exit 92
    dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null
    "$SSOC" fit "$DATA" --boot 20 -o "$M/out.json" --force >/dev/null 2>"$M.full.err"; echo "full $?" >>"$M.rc"
    sha256sum "$M/out.json" | cut -d" " -f1 >"$M.full.sha"; ls -A "$M" >"$M.full.ls"
    # the sweep on the full file system, over an existing result of the same name (--force):
    # refused up front by the free-space check, with 1 rank and with 2
    rm -f "$M/fill"; cp "$S5" "$M/s.h5"; dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null
    "$SSOC" sweep "$SW" -o "$M/s.h5" --force -q >/dev/null 2>"$M.sweep.err"; echo "sweep $?" >>"$M.rc"
    sha256sum "$M/s.h5" | cut -d" " -f1 >"$M.sweep.sha"; ls -A "$M" >"$M.sweep.ls"
    timeout 120 "$MPIRUN" -q -n 2 --oversubscribe --bind-to none -x OMP_NUM_THREADS=1 "$SSOC" sweep "$SW" -o "$M/s.h5" \
      --force -q >/dev/null 2>"$M.sweep2.err"; echo "sweep2 $?" >>"$M.rc"
    sha256sum "$M/s.h5" | cut -d" " -f1 >"$M.sweep2.sha"; ls -A "$M" >"$M.sweep2.ls"
    # the plot on the full file system, over an existing picture (--force)
    rm -f "$M/fill" "$M/s.h5" "$M"/s.h5.partial; cp "$P" "$M/pic.png"; dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null
    "$SSOC" plot "$S5" -o "$M/pic.png" --force >/dev/null 2>"$M.plot.err"; echo "plot $?" >>"$M.rc"
    sha256sum "$M/pic.png" | cut -d" " -f1 >"$M.plot.sha"; ls -A "$M" >"$M.plot.ls"
    # full in the middle of writing (1 rank): room for the old s.h5 and the lower bound the check
    # uses, but not for the whole new file: the smallest file system (in 4 kB steps) that the
    # check lets through
    rm -f "$M/fill" "$M"/s.h5.partial
    umount "$M" || exit 93
    s5=$(( $(stat -c %s "$S5") / 1024 + 4 ))
    kb=$(( s5 + 8 ))
    while [ $kb -lt $(( 3 * s5 )) ]; do
      mount -t tmpfs -o size=${kb}k tmpfs "$M" || exit 94
      cp "$S5" "$M/s.h5"
      "$SSOC" sweep "$SW" -o "$M/s.h5" --force -q >/dev/null 2>"$M.mid.err"; mrc=$?
      if ! grep -q "not enough space" "$M.mid.err"; then
        echo "mid $mrc" >>"$M.rc"; echo "$kb" >"$M.mid.kb"
        sha256sum "$M/s.h5" | cut -d" " -f1 >"$M.mid.sha"
        break
      fi
      umount "$M" || exit 95
      kb=$((kb + 4))
    done
    mountpoint -q "$M" && umount "$M"
  '
  mrc=$?
  if [ $mrc = 0 ]; then
    grep -qx "ro 1" "$TMP/mnt.rc" && grep -q "out.json: cannot write there: .*: Read-only file system" "$TMP/mnt.ro.err" && ok ||
      bad "read-only fs: $(cat "$TMP/mnt.rc" "$TMP/mnt.ro.err")"
    [ "$(cat "$TMP/mnt.ro.sha")" = "$ref" ] && ok || bad "read-only fs: existing file changed"
    grep -qx "full 1" "$TMP/mnt.rc" && grep -q "out.json: write failed: No space left on device" "$TMP/mnt.full.err" && ok ||
      bad "full fs: $(cat "$TMP/mnt.rc" "$TMP/mnt.full.err")"
    [ "$(cat "$TMP/mnt.full.sha")" = "$ref" ] && ok || bad "full fs: existing file changed"
    [ "$(cat "$TMP/mnt.full.ls" | tr '\n' ' ')" = "fill out.json " ] && ok || bad "full fs: left $(cat "$TMP/mnt.full.ls")"
    # sweep, 1 and 2 ranks: refused before writing anything, exit 1 with one line, the old s.h5
    # intact and no s.h5.partial created
    for w in sweep sweep2; do
      src=$(awk -v w=$w '$1 == w { print $2 }' "$TMP/mnt.rc")
      [ "$src" = 1 ] && [ "$(wc -l <"$TMP/mnt.$w.err")" = 1 ] &&
        grep -q "^ssoc: sweep: .*s.h5.partial: not enough space: the sweep needs at least .* MB, the file system has 0 MB free$" \
          "$TMP/mnt.$w.err" && ok || bad "full fs $w: exit $src: $(head -3 "$TMP/mnt.$w.err")"
      [ "$(cat "$TMP/mnt.$w.sha")" = "$sref" ] && ok || bad "full fs $w: existing s.h5 changed"
      [ "$(cat "$TMP/mnt.$w.ls" | tr '\n' ' ')" = "fill out.json s.h5 " ] && ok || bad "full fs $w: left $(cat "$TMP/mnt.$w.ls")"
    done
    # full in mid-write (1 rank): HDF5's failure is an ssoc error with exit 1 that says the disk is
    # full (issue 14), never a crash; or, as a serial file grows with its blocks (its chunks are
    # allocated as written), the check between rounds stops the run first, with the same exit and
    # a .partial to resume
    # (HDF5 1.10.8 used to segfault in MPI_Finalize after the failed close: exit 139), the old
    # s.h5 intact. Open MPI's own "mca_fbtl_posix_pwritev: error" lines may precede ours.
    mid=$(awk '$1 == "mid" { print $2 }' "$TMP/mnt.rc")
    if [ -z "$mid" ]; then bad "full fs mid-write: no tmpfs size let the sweep start"; else
      [ "$mid" = 1 ] && [ "$(grep -vc mca_fbtl_posix "$TMP/mnt.mid.err")" = 1 ] &&
        grep -Eq "^ssoc: sweep: .*s.h5.partial: (.*: the file system is full \([0-9]* kB free\)|the file system is full \([0-9]* kB free, the rest of the run needs more\): .*s.h5.partial is valid, free some space and continue with --resume)$" "$TMP/mnt.mid.err" &&
        ! grep -qi "segmentation\|signal\|core" "$TMP/mnt.mid.err" && ok ||
        bad "full fs mid-write ($(cat "$TMP/mnt.mid.kb") kB): exit $mid: $(head -5 "$TMP/mnt.mid.err")"
      [ "$(cat "$TMP/mnt.mid.sha")" = "$sref" ] && ok || bad "full fs mid-write: existing s.h5 changed"
    fi
    grep -qx "plot 1" "$TMP/mnt.rc" && [ "$(wc -l <"$TMP/mnt.plot.err")" = 1 ] && grep -q "^ssoc: plot: .*pic.png: " "$TMP/mnt.plot.err" &&
      ok || bad "full fs plot: $(cat "$TMP/mnt.rc" "$TMP/mnt.plot.err")"
    [ "$(cat "$TMP/mnt.plot.sha")" = "$pref" ] && ok || bad "full fs plot: existing picture changed"
    [ "$(cat "$TMP/mnt.plot.ls" | tr '\n' ' ')" = "fill out.json pic.png " ] && ok || bad "full fs plot: left $(cat "$TMP/mnt.plot.ls")"
  else
    echo "note: tmpfs cases skipped (mount in a private namespace failed: $mrc)"
  fi
else
  echo "note: tmpfs cases skipped (unshare -m not permitted)"
fi

finish
