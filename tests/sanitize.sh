#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer run for CI (issue 8; tests/SANITIZERS.md).
# Configures a separate build directory with -DSSOC_SANITIZE=ON (gcc), builds the library, the CLI
# and the unit tests, runs every Criterion unit test, the fuzz corpus replays, the bad-input table,
# the output-safety, reliability and edge-case sweep tests, and a small 1-rank sweep (singleton and under
# mpirun -n 1, percentile and BCa) under ASan+UBSan.
# Any sanitizer report fails the run (UBSan is built with -fno-sanitize-recover; ASan aborts).
#
#   tests/sanitize.sh [--valgrind]
#
# --valgrind additionally runs valgrind memcheck on fit, predict, 1-rank sweeps, rules and plot in a plain
# (unsanitized, no -march=native) RelWithDebInfo build and fails on any error or definite leak.
# Environment: SANITIZE_BUILD (default build-sanitize in the source tree), SANITIZE_JOBS (default 2).
# Registered with ctest as cli_sanitize (tests/cli_sanitize.sh), which builds under the main build.
#
# Leak checking: LeakSanitizer is on for everything except the runs that initialise MPI. With Open
# MPI 4.1 its stop-the-world tracer crashes ("Tracer caught signal 11") on Open MPI's progress
# threads, and Open MPI's own MPI_Init allocations would drown the report anyway, so MPI runs use
# ASAN_OPTIONS=detect_leaks=0; the sweep's leaks are covered by valgrind (--valgrind) instead, with
# Open MPI's allocations suppressed by tests/valgrind-openmpi.supp.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
build=${SANITIZE_BUILD:-$src/build-sanitize}
jobs=${SANITIZE_JOBS:-2}
want_vg=0
[ "${1:-}" = --valgrind ] && want_vg=1

step() { echo "== $*" >&2; }
t0=$(date +%s)

step "configure $build (SSOC_SANITIZE=ON)"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSOC_SANITIZE=ON -DSSOC_NATIVE=OFF >/dev/null
units=$(cd "$src/tests" && ls test_*.c | sed 's/\.c$//')
replays=$(cd "$src/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//; /fuzz_common/d; s/^fuzz_/fuzz_replay_/')
step "build ssoc, unit tests, fuzz replays"
cmake --build "$build" -j "$jobs" --target ssoc $units $replays >/dev/null

# allocator_may_return_null: the tests ask for absurd sizes on purpose and expect NULL (SSOC_ENOMEM)
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:allocator_may_return_null=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none

step "unit tests and fuzz replays (leak checking on)"
(cd "$build" && ctest --output-on-failure -R "^(test_|fuzz_replay_)")

step "bad-input table, output safety and edge-case sweep under the sanitizers (they run sweeps: detect_leaks=0)"
SSOC="$build/ssoc" SSOC_SOURCE_DIR="$src" ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" bash "$src/tests/cli_badinput.sh"
SSOC="$build/ssoc" SSOC_SOURCE_DIR="$src" ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" bash "$src/tests/cli_output_safety.sh"
SSOC="$build/ssoc" SSOC_SOURCE_DIR="$src" ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" bash "$src/tests/cli_edge_sweep.sh"
# issue 14's reproductions outside the sweep driver (its ulimit -v cases are skipped: ASan needs the address space)
SSOC="$build/ssoc" SSOC_SOURCE_DIR="$src" SSOC_TEST_SANITIZED=1 ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
  bash "$src/tests/cli_reliability.sh"

step "1-rank sweeps (MPI: detect_leaks=0)"
tmp=$(mktemp -d /tmp/ssoc_sanitize.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mpi_asan="$ASAN_OPTIONS:detect_leaks=0"
check_sweep() { # OUT.h5: the file is complete (renamed from .partial) and sigma/best is finite
  [ -f "$1" ] && [ ! -e "$1.partial" ] || { echo "sanitize.sh: $1 missing or left partial" >&2; exit 1; }
  h5dump -d /sigma/best "$1" | grep -qiE '\bnan\b|\binf\b' && { echo "sanitize.sh: $1 holds NaN/inf" >&2; exit 1; }
  return 0
}
ASAN_OPTIONS=$mpi_asan "$build/ssoc" sweep "$src/tests/sweep/small.ini" -o "$tmp/singleton.h5" -q
check_sweep "$tmp/singleton.h5"
ASAN_OPTIONS=$mpi_asan mpirun -n 1 --bind-to none -x ASAN_OPTIONS -x UBSAN_OPTIONS -x OMP_NUM_THREADS=2 \
  "$build/ssoc" sweep "$src/tests/sweep/small.ini" --set bootstrap.interval=bca -o "$tmp/mpirun.h5" -q
check_sweep "$tmp/mpirun.h5"

if [ $want_vg = 1 ]; then
  vbuild=$build-valgrind
  step "valgrind memcheck ($vbuild, plain RelWithDebInfo)"
  cmake -S "$src" -B "$vbuild" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSOC_NATIVE=OFF >/dev/null
  cmake --build "$vbuild" -j "$jobs" --target ssoc >/dev/null
  unset ASAN_OPTIONS UBSAN_OPTIONS
  vg=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible
      --errors-for-leak-kinds=definite,indirect --num-callers=50 --error-exitcode=99
      --suppressions=/usr/share/openmpi/openmpi-valgrind.supp --suppressions="$src/tests/valgrind-openmpi.supp"
      --suppressions="$src/tests/valgrind-plplot.supp")
  data="$src/data/kim2026_lps_aimd_500K.csv"
  run_vg() { # LABEL COMMAND...: valgrind is already part of COMMAND (directly or under mpirun)
    local log=$tmp/vg.log label=$1
    shift
    if "$@" >/dev/null 2>"$log"; then
      echo "valgrind clean: $label: $(grep -m1 'ERROR SUMMARY' "$log" | sed 's/==[0-9]*== //')" >&2
    else
      cat "$log" >&2
      echo "sanitize.sh: valgrind found errors in: $*" >&2
      exit 1
    fi
  }
  run_vg "fit --boot 20 -o" "${vg[@]}" "$vbuild/ssoc" fit "$data" --boot 20 -o "$tmp/vg.json"
  run_vg "predict --params FILE" "${vg[@]}" "$vbuild/ssoc" predict --x 0.7 --rho 1.6 --T 650 --params "$tmp/vg.json"
  run_vg "predict --data --boot 10 --interval bca" "${vg[@]}" "$vbuild/ssoc" predict --x 0.7 --rho 1.6 --data "$data" --boot 10 --interval bca --json
  run_vg "sweep small.ini (singleton)" "${vg[@]}" "$vbuild/ssoc" sweep "$src/tests/sweep/small.ini" -o "$tmp/vg.h5" -q
  run_vg "mpirun -n 1 sweep small.ini, BCa" mpirun -n 1 --bind-to none "${vg[@]}" "$vbuild/ssoc" sweep "$src/tests/sweep/small.ini" \
    --set bootstrap.interval=bca -o "$tmp/vg2.h5" -q
  run_vg "rules" "${vg[@]}" "$vbuild/ssoc" rules "$tmp/vg.h5"
  run_vg "plot (map, PNG)" "${vg[@]}" "$vbuild/ssoc" plot "$tmp/vg.h5" -o "$tmp/vg.png"
fi
step "sanitize.sh: all clean in $(( $(date +%s) - t0 )) s"
