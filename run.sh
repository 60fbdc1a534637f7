#!/usr/bin/env bash
# Set-up command 1: install what is missing, build, install ssoc (by default to /usr/local, so
# `ssoc` runs by name: tools/install.sh), and run the main job on the shipped data: the default
# sweep (configs/default.ini) over MPI ranks, which prints the design rules, and its 500 K map.
# Environment: BUILD_DIR, SSOC_PREFIX (see tools/install.sh), SSOC_RANKS (default: one per core),
# SSOC_SETUP=0 (skip building and installing: run the job with the `ssoc` already on PATH).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "${SSOC_SETUP:-1}" != 0 ]; then
  "$here/tools/setup.sh"
  "$here/tools/install.sh"
  ssoc=${SSOC_PREFIX:-/usr/local}/bin/ssoc
else
  ssoc=$(command -v ssoc) || { echo "run.sh: SSOC_SETUP=0 but no ssoc on PATH" >&2; exit 1; }
fi
cd "$here"
mkdir -p out
ranks=${SSOC_RANKS:-$(nproc)}
if [ "$(id -u)" -eq 0 ]; then # Open MPI refuses root unless told (docs/BUILDING.md, "Open MPI")
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpirun -n "$ranks" --bind-to none -x OMP_NUM_THREADS=1 \
  "$ssoc" sweep configs/default.ini -o out/default.h5 --force
# The picture people look at: the 500 K conductivity map with the rho_opt ridge and its band.
"$ssoc" plot out/default.h5 --T 500 -o out/sigma_500K.png --force
echo "run.sh: results in out/default.h5; the 500 K map is out/sigma_500K.png; 'ssoc rules out/default.h5 --csv' for a table"
