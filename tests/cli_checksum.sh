#!/usr/bin/env bash
# Checksums of the sweep file (issue 8): every dataset is chunked with a Fletcher32 filter, so a
# byte flipped inside a dataset's raw data is reported by the readers as a corrupted file (one
# line, exit 1) instead of being read as a plausible number. Covers `ssoc rules` (reads the
# design-rule datasets) and `ssoc plot` (reads a map slice), a file written by 1 rank and one by 2
# ranks, and one interrupted and continued with --resume.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"

SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
run_sweep 1 1 "$SW" -o "$TMP/one.h5" -q || bad "1-rank sweep failed"
run_sweep 2 1 "$SW" -o "$TMP/two.h5" -q || bad "2-rank sweep failed"

# every dataset carries the checksum filter
for f in one two; do
  n=$("$PY" - "$TMP/$f.h5" <<'EOF'
import h5py, sys
names = []
h5py.File(sys.argv[1], "r").visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
f = h5py.File(sys.argv[1], "r")
missing = [n for n in names if not f[n].fletcher32]
print(len(names), len(missing), *missing[:3])
EOF
  )
  set -- $n
  [ "$1" -ge 30 ] && [ "$2" = 0 ] && ok || bad "$f.h5: datasets without Fletcher32: $n"
done

# flip_byte FILE DATASET: invert one byte in the middle of the dataset's first chunk
flip_byte() {
  "$PY" - "$1" "$2" <<'EOF'
import h5py, sys
f = h5py.File(sys.argv[1], "r")
ci = f[sys.argv[2]].id.get_chunk_info(0)
off = ci.byte_offset + ci.size // 2
f.close()
with open(sys.argv[1], "r+b") as b:
    b.seek(off)
    c = b.read(1)
    b.seek(off)
    b.write(bytes([c[0] ^ 0xFF]))
EOF
}

for f in one two; do
  # the untouched file reads fine
  expect_rc 0 "" -- "$SSOC" rules "$TMP/$f.h5"
  # rules: a design-rule dataset damaged
  cp "$TMP/$f.h5" "$TMP/r.h5"
  flip_byte "$TMP/r.h5" /rules/rho_opt || bad "cannot damage $f.h5"
  expect_rc 1 "r.h5: /rules/rho_opt fails its checksum: the file is corrupted" -- "$SSOC" rules "$TMP/r.h5"
  cp "$TMP/$f.h5" "$TMP/r.h5"
  flip_byte "$TMP/r.h5" /fit/params_boot
  expect_rc 1 "r.h5: /fit/params_boot fails its checksum: the file is corrupted" -- "$SSOC" rules "$TMP/r.h5"
  # plot: the map it draws damaged (the first chunk holds every T of its rows)
  cp "$TMP/$f.h5" "$TMP/p.h5"
  flip_byte "$TMP/p.h5" /sigma/best
  expect_rc 1 "p.h5: /sigma/best fails its checksum at T index" -- "$SSOC" plot "$TMP/p.h5" -o "$TMP/p.png"
  [ -e "$TMP/p.png" ] && bad "plot of a corrupted file left p.png" || ok
done

# a run stopped by SIGUSR1 (mpirun forwards it) on 2 ranks and continued with --resume on 1
# (chunks partly written before the stop are read back through the filter and rewritten): every
# chunk's checksum holds (h5dump reads all of them through the filter) and the values equal an
# uninterrupted run's
SETS=(--set grid.x=0.6:0.8:61 --set grid.rho=1.3:2.2:41 --set output.block=2)
run_sweep 1 2 "$SW" "${SETS[@]}" -q -o "$TMP/full.h5" || bad "reference run failed"
(EXEC=1 run_sweep 2 1 "$SW" "${SETS[@]}" -q -o "$TMP/res.h5" 2>"$TMP/bg.err") &
pid=$!
for _ in $(seq 1 1000); do
  [ -f "$TMP/res.h5.partial" ] && [ "$(h5_ndone "$TMP/res.h5.partial")" -ge 2 ] && break
  sleep 0.01
done
kill -USR1 $pid
wait $pid
rc=$?
[ $rc = 4 ] && ok || bad "SIGUSR1 to mpirun, 2 ranks: exit $rc, wanted 4: $(cat "$TMP/bg.err")"
h5dump "$TMP/res.h5.partial" >/dev/null 2>&1 && ok || bad "the interrupted .partial does not read back cleanly"
run_sweep 1 1 "$SW" "${SETS[@]}" -q -o "$TMP/res.h5" --resume || bad "--resume failed"
h5dump "$TMP/res.h5" >/dev/null 2>&1 && ok || bad "the resumed file does not read back cleanly"
same_datasets "$TMP/full.h5" "$TMP/res.h5" "SIGUSR1 on 2 ranks + resume on 1"
expect_rc 0 "" -- "$SSOC" rules "$TMP/res.h5"

finish
