# Helpers for the sweep's command-line tests (sourced after lib.sh).
MPIRUN=${MPIEXEC:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# reading a file another process is writing: HDF5's advisory lock would refuse
export HDF5_USE_FILE_LOCKING=FALSE
PY=/usr/bin/python3   # Debian's python with python3-h5py (TOOLCHAIN.md)

# run_sweep RANKS THREADS ARGS...: 1 rank runs without a launcher. With EXEC=1 (only in a
# subshell: "(EXEC=1 run_sweep ...) &") it execs, so $! is ssoc or mpirun itself and signals reach
# it. mpirun -q keeps its own banners off stderr, so an error stays one "ssoc:" line.
run_sweep() {
  local n=$1 t=$2
  shift 2
  if [ "$n" = 1 ]; then
    OMP_NUM_THREADS=$t ${EXEC:+exec} "$SSOC" sweep "$@"
  else
    ${EXEC:+exec} "$MPIRUN" -q -n "$n" --oversubscribe --bind-to none -x OMP_NUM_THREADS="$t" "$SSOC" sweep "$@"
  fi
}

# datasets A.h5: every dataset path, one a line
datasets() { h5ls -r "$1" | awk '$2 == "Dataset" { print $1 }'; }

# same_datasets REF.h5 OTHER.h5 LABEL [SKIP_REGEX]: every dataset of REF exists in OTHER with the
# same shape and identical values to the last bit (h5diff, no tolerance). h5diff exits 0 on
# datasets it finds "not comparable" (e.g. different shapes), so shapes are compared via h5ls too.
same_datasets() {
  local ref=$1 other=$2 label=$3 skip=${4:-^$} n=0 d out
  if ! diff <(h5ls -r "$ref" | grep -Ev "$skip") <(h5ls -r "$other" | grep -Ev "$skip") >/dev/null; then
    bad "$label: object lists or shapes differ: $(diff <(h5ls -r "$ref") <(h5ls -r "$other") | head -4)"
    return
  fi
  for d in $(datasets "$ref" | grep -Ev "$skip"); do
    n=$((n + 1))
    out=$(h5diff -v "$ref" "$other" "$d" "$d" 2>&1)
    if [ $? != 0 ] || grep -qi "not comparable" <<<"$out"; then
      bad "$label: dataset $d differs: $(head -8 <<<"$out")"
      return
    fi
  done
  if [ "$n" -lt 30 ]; then bad "$label: only $n datasets compared in $ref"; return; fi
  ok
}

# done_blocks FILE: "DONE TOTAL" from /progress/done
done_blocks() {
  "$PY" -c 'import h5py,sys; d=h5py.File(sys.argv[1],"r")["progress/done"][:]; print(int(d.sum()), d.size)' "$1"
}
