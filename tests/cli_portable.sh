#!/usr/bin/env bash
# A default build runs on any x86-64 CPU (docs/BUILDING.md, "Portability"): under QEMU's user-mode
# emulation of an older CPU without AVX (-cpu Nehalem, x86-64-v2) the built ssoc predicts, fits and
# sweeps, picks the baseline kernel variant, and agrees with this machine running that variant
# (SSOC_KERNEL_ISA=default) within the variants' tolerance; under an emulated AVX2 CPU (-cpu max:
# QEMU 7.2 has AVX2, no AVX-512) it picks the avx2 variant. Not bit for bit: on another CPU glibc
# picks other versions of its own math functions (e.g. scalar exp and log without FMA), and the
# emulation shows last-bit differences (docs/BUILDING.md, "Portability"). A -march=native build of an AVX2 machine dies there with an
# illegal instruction (what this test caught before the default changed). Exit 77 (skipped) without
# qemu-x86_64 (Debian: qemu-user, a test dependency that ./test.sh installs) or off x86-64.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: not an x86-64 machine"; exit 77; }
command -v qemu-x86_64 >/dev/null || { echo "SKIP: qemu-x86_64 is not installed (Debian: qemu-user)"; exit 77; }
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
isa() { "$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["kernel_isa"])' "$1"; }
old() { qemu-x86_64 -cpu Nehalem "$SSOC" "$@"; }

expect_rc 0 "ssoc " -- old --version
expect_rc 0 "sigma    = 3.4408431465e-03 S/cm" -- old predict --x 0.75 --rho 1.73 --params published
old fit "$DATA" >"$TMP/fit_old.txt" 2>&1 || bad "fit under an emulated old CPU failed: $(tail -2 "$TMP/fit_old.txt")"
"$SSOC" fit "$DATA" >"$TMP/fit_host.txt" 2>&1
cmp -s "$TMP/fit_old.txt" "$TMP/fit_host.txt" && ok || bad "fit report (printed digits) differs under the old CPU: $(diff "$TMP/fit_old.txt" "$TMP/fit_host.txt" | head -4)"
old sweep "$CFG" -q -o "$TMP/old.h5" 2>"$TMP/old.err" || bad "sweep under an emulated old CPU failed: $(cat "$TMP/old.err")"
[ "$(isa "$TMP/old.h5")" = default ] && ok || bad "old CPU ran kernel variant $(isa "$TMP/old.h5")"
SSOC_KERNEL_ISA=default "$SSOC" sweep "$CFG" -q -o "$TMP/host_default.h5" || bad "host sweep pinned to default failed"
close_datasets "$TMP/host_default.h5" "$TMP/old.h5" "old CPU vs this machine on the default variant"
# the pin is refused, not ignored, where the CPU cannot run it
SSOC_KERNEL_ISA=avx2 expect_rc 2 "SSOC_KERNEL_ISA=avx2: the CPU of 1 of 1 rank cannot run it" -- old sweep "$CFG" -q -o "$TMP/x.h5"

qemu-x86_64 -cpu max "$SSOC" sweep "$CFG" -q -o "$TMP/max.h5" 2>"$TMP/max.err" || bad "sweep under -cpu max failed: $(cat "$TMP/max.err")"
[ "$(isa "$TMP/max.h5")" = avx2 ] && ok || bad "an emulated AVX2 CPU ran kernel variant $(isa "$TMP/max.h5")"
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
  SSOC_KERNEL_ISA=avx2 "$SSOC" sweep "$CFG" -q -o "$TMP/host_avx2.h5" || bad "host sweep pinned to avx2 failed"
  close_datasets "$TMP/host_avx2.h5" "$TMP/max.h5" "emulated AVX2 CPU vs this machine on the avx2 variant"
fi
finish
