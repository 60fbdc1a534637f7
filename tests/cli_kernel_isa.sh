#!/usr/bin/env bash
# One kernel variant per sweep (include/ssoc/kernel_isa.h, docs/BUILDING.md "Portability"): the file
# records it (root attribute kernel_isa); SSOC_KERNEL_ISA pins it; a run whose ranks have different
# CPUs (played by the test hook SSOC_TEST_KERNEL_ISA_LACK on one rank of an MPMD mpirun) runs the
# variant all of them can, and gives the same bits as a one-rank run pinned to it; --resume keeps the
# variant the file was started with, and refuses one it cannot run or a pin that disagrees.
# Variants agree only to the tolerance tests/test_kernel_isa.c measures: /rules and /structure
# (scalar code) are the same bits under every variant, /sigma within that tolerance.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
isa() { "$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["kernel_isa"])' "$1"; }

run_sweep 1 2 "$CFG" -q -o "$TMP/best.h5" || bad "sweep failed"
best=$(isa "$TMP/best.h5")
case $best in default | avx2 | avx512f | native) ok ;; *) bad "kernel_isa attribute: '$best'" ;; esac
SSOC_KERNEL_ISA=$best run_sweep 1 2 "$CFG" -q -o "$TMP/pinned.h5" || bad "pinned sweep failed"
same_datasets "$TMP/best.h5" "$TMP/pinned.h5" "SSOC_KERNEL_ISA=$best is the default choice"

# bad values: one line naming the variable, exit 2, no file
SSOC_KERNEL_ISA=sse4 expect_rc 2 "SSOC_KERNEL_ISA='sse4'" -- "$SSOC" sweep "$CFG" -q -o "$TMP/bad.h5"
[ ! -e "$TMP/bad.h5" ] && [ ! -e "$TMP/bad.h5.partial" ] && ok || bad "a file was left by the refused run"

if [ "$best" = native ] || [ "$best" = default ]; then
  echo "NOTE: only the $best kernel variant runs here: the checks across variants did not run"
  finish
  exit $?
fi

# the baseline variant: recorded, structure and rules identical, sigma within the tolerance
SSOC_KERNEL_ISA=default run_sweep 1 2 "$CFG" -q -o "$TMP/default.h5" || bad "SSOC_KERNEL_ISA=default sweep failed"
[ "$(isa "$TMP/default.h5")" = default ] && ok || bad "kernel_isa of the pinned run: $(isa "$TMP/default.h5")"
close_datasets "$TMP/best.h5" "$TMP/default.h5" "best vs default variant"
same_datasets "$TMP/best.h5" "$TMP/default.h5" "best vs default variant outside /sigma" '^/sigma'

# heterogeneous ranks: one lacks the best variant; both run the baseline, same bits as 1 rank pinned
mpirun -q --oversubscribe --bind-to none -x OMP_NUM_THREADS=1 -n 1 env SSOC_TEST_KERNEL_ISA_LACK=avx2 "$SSOC" sweep "$CFG" -q -o "$TMP/mixed.h5" \
  : -n 1 "$SSOC" sweep "$CFG" -q -o "$TMP/mixed.h5" 2>"$TMP/mixed.err" || bad "mixed-CPU run failed: $(cat "$TMP/mixed.err")"
[ "$(isa "$TMP/mixed.h5")" = default ] && ok || bad "mixed-CPU run used $(isa "$TMP/mixed.h5")"
same_datasets "$TMP/default.h5" "$TMP/mixed.h5" "mixed-CPU 2 ranks vs 1 rank pinned to default"
SSOC_KERNEL_ISA=avx2 expect_rc 2 "SSOC_KERNEL_ISA=avx2: the CPU of 1 of 2 ranks cannot run it" -- \
  mpirun -q --oversubscribe --bind-to none -n 1 env SSOC_TEST_KERNEL_ISA_LACK=avx2 "$SSOC" sweep "$CFG" -q -o "$TMP/m2.h5" \
  : -n 1 "$SSOC" sweep "$CFG" -q -o "$TMP/m2.h5"

# resume: the recorded variant, not the best one; refusals when it cannot be kept
SETS=(--set grid.x=0.6:0.8:21 --set grid.rho=1.3:2.2:21 --set output.block=2)
interrupt() { # OUT [env...]: start a sweep, SIGTERM it after 2 recorded blocks, expect exit 4
  local out=$1 i
  shift
  (export SSOC_TEST_BLOCK_PAUSE_S=0.005 "$@"; OMP_NUM_THREADS=1 exec "$SSOC" sweep "$CFG" "${SETS[@]}" -q -o "$out" 2>/dev/null) &
  local pid=$!
  for i in $(seq 1 1000); do
    [ -f "$out.partial" ] && [ "$(h5_ndone "$out.partial")" -ge 2 ] && break
    sleep 0.01
  done
  kill -TERM $pid
  wait $pid
}
SSOC_KERNEL_ISA=default run_sweep 1 1 "$CFG" "${SETS[@]}" -q -o "$TMP/ref_default.h5" || bad "reference failed"
interrupt "$TMP/r.h5" SSOC_KERNEL_ISA=default
[ $? = 4 ] && ok || bad "interrupted run did not exit 4"
expect_rc 1 "was started with the default kernel but SSOC_KERNEL_ISA=avx2" -- \
  env SSOC_KERNEL_ISA=avx2 "$SSOC" sweep "$CFG" "${SETS[@]}" -q -o "$TMP/r.h5" --resume
run_sweep 1 2 "$CFG" "${SETS[@]}" -q -o "$TMP/r.h5" --resume || bad "resume failed"
[ "$(isa "$TMP/r.h5")" = default ] && ok || bad "resumed run used $(isa "$TMP/r.h5")"
same_datasets "$TMP/ref_default.h5" "$TMP/r.h5" "resumed on the recorded variant"
interrupt "$TMP/r2.h5"
expect_rc 1 "was started with the $best kernel, which the CPU of 1 of 1 rank cannot run" -- \
  env SSOC_TEST_KERNEL_ISA_LACK=$best "$SSOC" sweep "$CFG" "${SETS[@]}" -q -o "$TMP/r2.h5" --resume
[ -e "$TMP/r2.h5.partial" ] && ok || bad "the refused resume lost the .partial"
finish
