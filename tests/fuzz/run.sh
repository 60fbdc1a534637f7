#!/usr/bin/env bash
# Build the libFuzzer harnesses with clang (library instrumented for coverage, ASan and UBSan) and
# run each target in turn for FUZZ_SECONDS (default 600). One target at a time: the machine is shared.
#
#   tests/fuzz/run.sh [TARGET...]        targets: csv paramfile config (default: all that exist)
#
# Environment: FUZZ_SECONDS (per target), FUZZ_BUILD (default build-fuzz in the source tree),
# FUZZ_JOBS (parallel build jobs, default 2), FUZZ_MERGE=1 to merge the inputs that add coverage back
# into the checked-in corpus tests/fuzz/corpus/TARGET (minimised with -merge=1), FUZZ_PARALLEL=1 to
# run the targets at the same time under `nice -n ${FUZZ_NICE:-19}` (a long run that only takes idle cycles; the
# summary then also gives each target's CPU seconds, which is what it really got).
# Working corpora live in $FUZZ_BUILD/work/TARGET (seeded from the checked-in corpus); crashes are
# written to $FUZZ_BUILD/crashes/TARGET: copy each one into tests/fuzz/crashes/TARGET with the fix,
# so ctest replays it forever. A log per target goes to $FUZZ_BUILD/TARGET.log, and a summary line
# (seconds, executions, coverage, crashes) is printed at the end.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-600}
jobs=${FUZZ_JOBS:-2}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$here"/fuzz_*.c; do
    t=$(basename "$f" .c); t=${t#fuzz_}
    [ "$t" = common ] || targets+=("$t")
  done
fi

command -v clang >/dev/null || { echo "run.sh: clang not found (Debian: clang-14 libclang-rt-14-dev)" >&2; exit 2; }
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -Wno-pass-failed"
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSOC_FUZZ=ON \
  -DSSOC_NATIVE=OFF -DCMAKE_C_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

# Leaks are checked per input by libFuzzer itself; UBSan findings abort (no recovery).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fuzz_one() {  # TARGET: run one target, print its summary line
  local t=$1
  local work=$build/work/$t crashes=$build/crashes/$t dict rc took execs cov ncrash cpu start
  case $t in csv) dict=csv.dict ;; *) dict=json.dict ;; esac
  [ "$t" = config ] && dict=ini.dict
  mkdir -p "$work" "$crashes"
  local log=$build/$t.log
  echo "fuzzing $t for $seconds s (log $log)" >&2
  start=$(date +%s)
  set +e
  # bash's `time` gives the CPU seconds the fuzzer really had (user + sys)
  { TIMEFORMAT='%U %S'; time $nice "$build/tests/fuzz/fuzz_$t" "$work" "$here/corpus/$t" -dict="$here/$dict" \
      -max_total_time="$seconds" -max_len=8192 -timeout=20 -rss_limit_mb=2048 -artifact_prefix="$crashes/" \
      -print_final_stats=1 >"$log" 2>&1; } 2>"$build/$t.cpu"
  rc=$?
  set -e
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$build/$t.cpu")
  took=$(( $(date +%s) - start ))
  execs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$log" | tail -1 || true)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}' || true)
  ncrash=$(find "$crashes" -type f | wc -l)
  echo "$t: ${took} s wall, ${cpu} s CPU, ${execs:-?} executions, coverage ${cov:-?} edges, exit $rc, $ncrash crash file(s) in $crashes"
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$build/tests/fuzz/fuzz_$t" -merge=1 "$here/corpus/$t" "$work" >>"$log" 2>&1 || true
  fi
}
nice=""
if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
  nice="nice -n ${FUZZ_NICE:-19}"
  for t in "${targets[@]}"; do fuzz_one "$t" >"$build/$t.summary" & done
  wait
  for t in "${targets[@]}"; do cat "$build/$t.summary"; done
else
  for t in "${targets[@]}"; do fuzz_one "$t"; done
fi
