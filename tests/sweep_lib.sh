# Helpers for the sweep's command-line tests (sourced after lib.sh).
MPIRUN=${MPIEXEC:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# reading a file another process is writing: HDF5's advisory lock would refuse
export HDF5_USE_FILE_LOCKING=FALSE
PY=/usr/bin/python3   # Debian's python with python3-h5py (docs/BUILDING.md, "Parallel HDF5 1.10.8")

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

. "$(dirname "${BASH_SOURCE[0]}")/h5compare.sh"

# same_datasets REF.h5 OTHER.h5 LABEL [SKIP_REGEX]: h5_compare as a counted check (at least 30 datasets)
same_datasets() {
  local r
  if ! r=$(h5_compare "$1" "$2" "${4:-^$}"); then bad "$3: $r"; return; fi
  if [ "$r" -lt 30 ]; then bad "$3: only $r datasets compared in $1"; return; fi
  ok
}

# done_blocks FILE: "DONE TOTAL" from /progress/done
done_blocks() {
  "$PY" -c 'import h5py,sys; d=h5py.File(sys.argv[1],"r")["progress/done"][:]; print(int(d.sum()), d.size)' "$1"
}

# close_datasets REF.h5 OTHER.h5 LABEL: every dataset of REF in OTHER with the same shape; floating
# point values equal or within 4e-15 relative (the kernel variants' tolerance, docs/BUILDING.md
# "Portability"), /sigma/p_exceed within one replicate, every other dataset identical
close_datasets() {
  local r
  r=$("$PY" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
nb = int(a.attrs["B"]) - int(a["fit"].attrs["n_failed"])
for n in names:
    x, y = a[n][...], b[n][...]
    if x.shape != y.shape:
        sys.exit("%s: shape %s vs %s" % (n, x.shape, y.shape))
    if n == "sigma/p_exceed":
        if np.abs(x - y).max() > 1.0 / nb + 1e-15:
            sys.exit("%s differs by more than one replicate" % n)
    elif x.dtype.kind == "f":
        same = (x == y) | (np.isnan(x) & np.isnan(y))
        rel = np.abs(x - y)[~same] / np.abs(x[~same])
        if rel.size and not rel.max() <= 4e-15:
            sys.exit("%s: relative difference %.3g" % (n, rel.max()))
    elif not np.array_equal(x, y):
        sys.exit("%s differs" % n)
print(len(names))
PY
  ) || { bad "$3: $r"; return; }
  [ "$r" -ge 30 ] && ok || bad "$3: only $r datasets compared"
}
