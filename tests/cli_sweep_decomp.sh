#!/usr/bin/env bash
# ssoc sweep: 1, 2 and 4 ranks x 1 and 2 threads give datasets identical to the last bit
# (h5diff with no tolerance on every dataset; root attributes such as created or mpi_ranks
# legitimately differ and are not compared).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"

run_sweep 1 1 "$CFG" -q -o "$TMP/ref.h5" || bad "1 x 1 run failed"
[ -f "$TMP/ref.h5" ] && [ ! -e "$TMP/ref.h5.partial" ] && ok || bad "1 x 1: no final file or a .partial left"
for rt in "1 2" "2 1" "2 2" "4 1" "4 2"; do
  set -- $rt
  out="$TMP/r$1t$2.h5"
  if run_sweep "$1" "$2" "$CFG" -q -o "$out"; then
    same_datasets "$TMP/ref.h5" "$out" "$1 ranks x $2 threads"
    got=$("$PY" -c 'import h5py,sys; a=h5py.File(sys.argv[1],"r").attrs; print(a["mpi_ranks"], a["omp_threads"])' "$out")
    [ "$got" = "$1 $2" ] && ok || bad "$1 x $2: provenance says '$got'"
  else
    bad "$1 ranks x $2 threads: run failed"
  fi
done
# without a launcher the sweep is one process without MPI; with one (mpirun -n 1) or SSOC_MPI=1 (a
# singleton) it goes through MPI and HDF5's MPI-IO driver: the same numbers either way
mpi_attr() { "$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["mpi_initialised"])' "$1"; }
[ "$(mpi_attr "$TMP/ref.h5")" = 0 ] && ok || bad "1 x 1 without a launcher initialised MPI"
[ "$(mpi_attr "$TMP/r2t1.h5")" = 1 ] && ok || bad "2 ranks: mpi_initialised is not 1"
if SSOC_MPI=1 run_sweep 1 1 "$CFG" -q -o "$TMP/single.h5"; then
  same_datasets "$TMP/ref.h5" "$TMP/single.h5" "SSOC_MPI=1 singleton"
  [ "$(mpi_attr "$TMP/single.h5")" = 1 ] && ok || bad "SSOC_MPI=1 did not initialise MPI"
else
  bad "SSOC_MPI=1 run failed"
fi
if "$MPIRUN" -q -n 1 --bind-to none -x OMP_NUM_THREADS=1 "$SSOC" sweep "$CFG" -q -o "$TMP/mpirun1.h5"; then
  same_datasets "$TMP/ref.h5" "$TMP/mpirun1.h5" "mpirun -n 1"
  [ "$(mpi_attr "$TMP/mpirun1.h5")" = 1 ] && ok || bad "mpirun -n 1 did not initialise MPI"
else
  bad "mpirun -n 1 run failed"
fi
expect_rc 2 "ssoc: sweep: environment variable SSOC_MPI='maybe': expected 1, 0 or auto" - \
  env SSOC_MPI=maybe "$SSOC" sweep "$CFG" -q -o "$TMP/never.h5"
[ ! -e "$TMP/never.h5" ] && [ ! -e "$TMP/never.h5.partial" ] && ok || bad "SSOC_MPI=maybe left a file"

# a different block size changes the decomposition again, never the numbers
run_sweep 2 1 "$CFG" -q --set output.block=3 -o "$TMP/blk3.h5" || bad "block=3 run failed"
same_datasets "$TMP/ref.h5" "$TMP/blk3.h5" "block = 3" '^/progress'
# and the comparison itself can fail: one ulp in one cell is caught
cp "$TMP/ref.h5" "$TMP/ulp.h5"
"$PY" -c 'import h5py,sys,numpy as np; d=h5py.File(sys.argv[1],"r+")["sigma/hi"]; d[2,3,4]=np.nextafter(d[2,3,4],1)' "$TMP/ulp.h5"
PASS0=$PASS FAIL0=$FAIL
same_datasets "$TMP/ref.h5" "$TMP/ulp.h5" "ulp" 2>/dev/null
if [ $FAIL -eq $((FAIL0 + 1)) ]; then PASS=$((PASS0 + 1)) FAIL=$FAIL0; else bad "a one-ulp change went unnoticed"; fi
finish
