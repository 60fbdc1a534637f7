#!/usr/bin/env bash
# Install what ssoc needs on Debian 12 (only what is missing), then configure and build it.
# Used by ../run.sh and ../test.sh; safe to run again. BUILD_DIR (default build) and
# CMAKE_BUILD_TYPE (default Release) may be set in the environment.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$here/build}

# Build and run-time dependencies (docs/BUILDING.md, "Dependencies"). The PLplot cairo driver is
# only a Suggests of libplplot-dev, so it is named explicitly and installed without recommends.
pkgs=(build-essential cmake pkg-config git libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
      libgsl-dev libinih-dev libcjson-dev libssl-dev librandom123-dev libcriterion-dev
      libplplot-dev plplot-driver-cairo)
# Test-only extras: a real SLURM for the batch-queue tests, and Python with NumPy/h5py for the
# NumPy peer benchmark and for reading outputs without ssoc code; valgrind for tests/cli_sanitize.sh;
# qemu-user to run ssoc on emulated older CPUs (tests/cli_portable.sh); xarray (both engines:
# netCDF4 and h5netcdf), matplotlib and the netCDF tools (ncdump) for tests/cli_netcdf.sh, which
# reads the sweep file the way a netCDF user does.
if [ "${SSOC_WITH_TEST_DEPS:-0}" = 1 ]; then
  pkgs+=(slurm-wlm munge python3 python3-numpy python3-h5py file valgrind qemu-user
         python3-xarray python3-netcdf4 python3-h5netcdf python3-matplotlib netcdf-bin)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  # PLplot's recommends would pull in Qt and X: those two go without recommends.
  plain=() norec=()
  for p in "${missing[@]}"; do
    case "$p" in libplplot-dev|plplot-driver-cairo) norec+=("$p") ;; *) plain+=("$p") ;; esac
  done
  [ ${#plain[@]} -eq 0 ] || $sudo apt-get install -y -q "${plain[@]}"
  [ ${#norec[@]} -eq 0 ] || $sudo apt-get install -y -q --no-install-recommends "${norec[@]}"
fi

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" ${SSOC_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)"
