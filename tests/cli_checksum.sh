#!/usr/bin/env bash
# Checksums of the sweep file (issue 8): every dataset is chunked with a Fletcher32 filter, so a
# byte flipped inside a dataset's raw data is reported by the readers as a corrupted file (one
# line, exit 1) instead of being read as a plausible number. Covers `ssoc rules` (reads the
# design-rule datasets) and `ssoc plot` (reads a map slice), a file written by 1 rank and one by 2
# ranks, and one interrupted and continued with --resume.
# Attributes (issue 14, defect 7): one bit flipped in an attribute the readers rely on (the root
# `confidence` 0.95 -> 0.98125, the `version` and `params_source` strings, a band's `quantile`)
# is refused by `rules`, `plot` and `--resume` as a corrupted file, never read as a 98.125% band.
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

# interrupt SIGNAL OUT RANKS: run the sweep on RANKS ranks in the background, send SIGNAL once two
# blocks of OUT.partial are done, and expect exit 4 (interrupted, resumable)
interrupt() {
  (EXEC=1 run_sweep "$3" 1 "$SW" "${SETS[@]}" -q -o "$2" 2>"$TMP/bg.err") &
  local pid=$! rc
  for _ in $(seq 1 1000); do
    [ -f "$2.partial" ] && [ "$(h5_ndone "$2.partial")" -ge 2 ] && break
    sleep 0.01
  done
  kill -"$1" $pid
  wait $pid
  rc=$?
  [ $rc = 4 ] && ok || bad "$1 to a sweep on $3 rank(s): exit $rc, wanted 4: $(cat "$TMP/bg.err")"
}
interrupt USR1 "$TMP/res.h5" 2
h5dump "$TMP/res.h5.partial" >/dev/null 2>&1 && ok || bad "the interrupted .partial does not read back cleanly"
run_sweep 1 1 "$SW" "${SETS[@]}" -q -o "$TMP/res.h5" --resume || bad "--resume failed"
h5dump "$TMP/res.h5" >/dev/null 2>&1 && ok || bad "the resumed file does not read back cleanly"
same_datasets "$TMP/full.h5" "$TMP/res.h5" "SIGUSR1 on 2 ranks + resume on 1"
expect_rc 0 "" -- "$SSOC" rules "$TMP/res.h5"

# ------------------------------------------------------------------ attributes (issue 14, defect 7)

# flip_attr FILE OBJECT NAME: flip one bit of the stored value of attribute NAME of OBJECT (for a
# number the mantissa bit that turns 0.95 into 0.98125, for a string the lowest bit of its last
# character), found by trying each place the value's bytes occur and keeping the one that changes
# what h5py reads; prints "OLD -> NEW", or fails
flip_attr() {
  "$PY" - "$@" <<'EOF'
import h5py, struct, sys
path, obj, name = sys.argv[1:4]
def value():
    with h5py.File(path, "r") as f:
        v = f[obj].attrs[name]
        return v.decode() if isinstance(v, bytes) else v
old = value()
if isinstance(old, str):
    pat, at_byte = old.encode(), len(old.encode()) - 1
else:
    pat, at_byte = struct.pack("<d", float(old)), 6
raw = bytearray(open(path, "rb").read())
at = raw.find(pat)
while at >= 0:
    raw[at + at_byte] ^= 0x01
    open(path, "wb").write(raw)
    try:
        new = value()
    except Exception:
        new = old
    if new != old:
        print(old, "->", new)
        sys.exit(0)
    raw[at + at_byte] ^= 0x01
    at = raw.find(pat, at + 1)
open(path, "wb").write(raw)
sys.exit("attribute %s of %s not found" % (name, obj))
EOF
}

# unlisted FILE: the attributes the list does not cover (HDF5's dimension-scale bookkeeping aside)
unlisted() {
  "$PY" - "$1" <<'EOF'
import h5py, sys
f = h5py.File(sys.argv[1], "r")
listed = {tuple(e.split(" ")[:2]) for e in f.attrs["attribute_checksums"]}
skip = {"CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "attribute_checksums"}
objs = [("/", f)]
f.visititems(lambda n, o: objs.append(("/" + n, o)))
print(" ".join("%s@%s" % (p, a) for p, o in objs for a in o.attrs if a not in skip and (p, a) not in listed))
EOF
}

for f in one two; do
  u=$(unlisted "$TMP/$f.h5")
  [ -z "$u" ] && ok || bad "$f.h5: attributes without a checksum: $u"
  for a in "/ confidence" "/ version" "/ params_source" "/sigma/lo quantile"; do
    set -- $a
    cp "$TMP/$f.h5" "$TMP/a.h5"
    msg=$(flip_attr "$TMP/a.h5" "$1" "$2") || { bad "$f.h5: cannot flip attribute $2 of $1: $msg"; continue; }
    [ "$2" != confidence ] || [ "$msg" = "0.95 -> 0.98125" ] && ok || bad "$f.h5: confidence flip gave $msg"
    what="attribute $2"
    [ "$1" = / ] || what="attribute $2 of $1"
    expect_rc 1 "a.h5: $what fails its checksum: the file is corrupted" -- "$SSOC" rules "$TMP/a.h5"
    expect_rc 1 "a.h5: $what fails its checksum: the file is corrupted" -- "$SSOC" plot "$TMP/a.h5" -o "$TMP/a.png"
    [ -e "$TMP/a.png" ] && bad "plot of a file with a damaged attribute left a.png" || ok
    rm -f "$TMP/a.png"
  done
done

# --resume checks the attributes it relies on before it continues a .partial
SSOC_TEST_BLOCK_PAUSE_S=0.02 interrupt TERM "$TMP/int.h5" 1
for a in confidence data_sha256; do
  cp "$TMP/int.h5.partial" "$TMP/ra.h5.partial"
  flip_attr "$TMP/ra.h5.partial" / $a >/dev/null || bad "cannot flip $a of the .partial"
  expect_rc 1 "ra.h5.partial: attribute $a fails its checksum: the file is corrupted" -- \
    run_sweep 1 1 "$SW" "${SETS[@]}" -q -o "$TMP/ra.h5" --resume
  [ -e "$TMP/ra.h5" ] && bad "--resume of a damaged .partial produced ra.h5" || ok
  rm -f "$TMP/ra.h5" "$TMP/ra.h5.partial"
done
# the resume key spells the grid as given (start:stop:count): the file's coordinates must still be
# the configuration's to the bit
cp "$TMP/int.h5.partial" "$TMP/rc.h5.partial"
"$PY" -c 'import h5py,sys,numpy as np; d=h5py.File(sys.argv[1],"r+")["x"]; d[3]=np.nextafter(d[3],1)' "$TMP/rc.h5.partial"
expect_rc 1 "rc.h5.partial: its x coordinates differ from the configuration's; refusing to resume" -- \
  run_sweep 1 1 "$SW" "${SETS[@]}" -q -o "$TMP/rc.h5" --resume
# the undamaged .partial still resumes to the uninterrupted run's values
run_sweep 1 1 "$SW" "${SETS[@]}" -q -o "$TMP/int.h5" --resume || bad "--resume of the intact .partial failed"
same_datasets "$TMP/full.h5" "$TMP/int.h5" "SIGTERM + resume"
u=$(unlisted "$TMP/int.h5")
[ -z "$u" ] && ok || bad "resumed file: attributes without a checksum: $u"
expect_rc 0 "" -- "$SSOC" rules "$TMP/int.h5"

finish
