#!/usr/bin/env bash
# The sweep file in the netCDF / xarray ecosystem (issue 16 item 1): a real sweep file, written by
# 1 rank and by 2 ranks (BCa, so with the leave-one-out table), opened with xarray.open_dataset
# under both engines (netcdf4 = netCDF-C, h5netcdf = h5py) for every group, coordinates and units
# checked against the configuration, flags decoded from their CF attributes alone
# (tests/netcdf_check.py); `ncdump -h` reads the whole header; the configuration is stored as it
# was given (start:stop:count, not the expanded grid); README's Python lines run verbatim; a
# running sweep's .partial can be read as README says (HDF5_USE_FILE_LOCKING=FALSE), shows NaN
# where no block is written yet and `complete` = 0.
# Needs Debian's python3-xarray, python3-netcdf4, python3-h5netcdf, python3-matplotlib and
# netcdf-bin (tools/setup.sh installs them with SSOC_WITH_TEST_DEPS=1, as ./test.sh does).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"

missing=""
for m in xarray netCDF4 h5netcdf matplotlib; do
  "$PY" -c "import $m" 2>/dev/null || missing="$missing python3-${m,,}"
done
command -v ncdump >/dev/null || missing="$missing netcdf-bin"
if [ -n "$missing" ]; then
  bad "missing test dependencies:$missing (SSOC_WITH_TEST_DEPS=1 tools/setup.sh installs them)"
  finish
  exit 1
fi

SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
GRID=(x=0.62:0.79:13 rho=1.35:2.15:11 T=350,500,640,800) # as small.ini gives them
run_sweep 1 2 "$SW" -q -o "$TMP/one.h5" || bad "1-rank sweep failed"
run_sweep 2 1 "$SW" --set bootstrap.interval=bca -q -o "$TMP/bca.h5" || bad "2-rank BCa sweep failed"

for f in one bca; do
  out=$("$PY" "$SSOC_SOURCE_DIR/tests/netcdf_check.py" "$TMP/$f.h5" "${GRID[@]}" 2>&1) && ok || bad "$f.h5: $out"
  # every group under both engines: 7 groups (with /rules), 2 engines
  [ "$(grep -c '^netcdf4 \|^h5netcdf ' <<<"$out")" = 14 ] && ok || bad "$f.h5: not every group opened: $out"
  hdr=$(ncdump -h "$TMP/$f.h5" 2>&1) && ok || bad "ncdump -h $f.h5: $(tail -2 <<<"$hdr")"
  for want in ':Conventions = "CF-1.10"' 'double best(T, rho, x)' 'params_boot(replicate, parameter)' \
              'group: sigma' 'group: rules' 'flag_meanings' 'x:units = "1"'; do
    grep -qF "$want" <<<"$hdr" && ok || bad "ncdump -h $f.h5 lacks '$want'"
  done
done
grep -qF 'params_jack(point, parameter)' <<<"$(ncdump -h "$TMP/bca.h5")" && ok || bad "bca.h5 has no params_jack(point, parameter)"
grep -qF 'params_jack' <<<"$(ncdump -h "$TMP/one.h5")" && bad "a percentile file holds params_jack" || ok

# the configuration as it was given: the grid as start:stop:count or the list, shortest numbers
cfg=$("$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["config"])' "$TMP/one.h5")
for want in "x = 0.62:0.79:13" "rho = 1.35:2.15:11" "T = 350, 500, 640, 800" "confidence = 0.95"; do
  grep -qxF "$want" <<<"$cfg" && ok || bad "config attribute lacks the line '$want': $cfg"
done
# ... so the default grid's 393 nodes are not spelt out in it
run_sweep 1 2 "$SSOC_SOURCE_DIR/configs/default.ini" --set bootstrap.B=20 --set grid.rho=1.3:2.2:19 -q \
  -o "$TMP/def.h5" || bad "default-grid sweep failed"
n=$("$PY" -c 'import h5py,sys; a=h5py.File(sys.argv[1],"r").attrs; print(len(a["config"]), len(a["resume_key"]))' "$TMP/def.h5")
set -- $n
[ "$1" -lt 1200 ] && [ "$2" -lt 1000 ] && ok || bad "config / resume_key attributes of $1 / $2 characters"

# README's Python lines, verbatim, on a file at the path they name
mkdir -p "$TMP/readme/out"
ln -s "$TMP/def.h5" "$TMP/readme/out/default.h5"
"$PY" - "$SSOC_SOURCE_DIR/README.md" >"$TMP/readme.py" <<'EOF'
import re, sys
blocks = re.findall(r"^```python\n(.*?)^```", open(sys.argv[1], encoding="utf-8").read(), re.S | re.M)
print("".join(blocks), end="")
EOF
[ "$(grep -c . "$TMP/readme.py")" -ge 3 ] && ok || bad "README.md has no python block of three lines"
(cd "$TMP/readme" && "$PY" "$TMP/readme.py") >"$TMP/readme.log" 2>&1 && ok || bad "README's Python: $(tail -3 "$TMP/readme.log")"
ls "$TMP"/readme/out/*.png >/dev/null 2>&1 && ok || bad "README's Python drew no picture"

# a running sweep's .partial, read as README says: the lock off, complete = 0, NaN where no block is
(export SSOC_TEST_BLOCK_PAUSE_S=0.3; EXEC=1 run_sweep 1 1 "$SW" -q -o "$TMP/run.h5" 2>"$TMP/bg.err") &
pid=$!
for _ in $(seq 1 600); do
  [ -f "$TMP/run.h5.partial" ] && [ "$(h5_ndone "$TMP/run.h5.partial")" -ge 2 ] && break
  sleep 0.05
done
peek=$(HDF5_USE_FILE_LOCKING=FALSE "$PY" - "$TMP/run.h5.partial" <<'EOF' 2>&1
import sys, numpy as np, xarray as xr
root = xr.open_dataset(sys.argv[1], engine="h5netcdf")
done = xr.open_dataset(sys.argv[1], group="progress", engine="h5netcdf").done.values
best = xr.open_dataset(sys.argv[1], group="sigma", engine="h5netcdf").best.values
print(int(root.attrs["complete"]), int(done.sum()) < done.size, np.isnan(best).any(), np.isfinite(best).any())
EOF
)
kill -TERM $pid 2>/dev/null
wait $pid
[ "$peek" = "0 True True True" ] && ok || bad "peeking into a running .partial: $peek"
"$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["complete"])' "$TMP/one.h5" | grep -qx 1 && ok ||
  bad "a finished file does not say complete = 1"

finish
