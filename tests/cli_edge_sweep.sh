#!/usr/bin/env bash
# Numerical edge cases end to end (issue 8; the unit-level checks are in tests/test_edge.c): a sweep
# over x at 0+ and 1-, v_f from -1.7 to 0.73 (rho 0.5 .. 5 g/cm3, through v_f = 0 exactly at rho0),
# T from 1 K to 5000 K, with BCa bands and a target, must finish with no NaN in any sigma, structure
# or rule dataset; sigma may be 0 only where it is below the smallest double (1 K), and is finite
# and positive at 5000 K.
. "$(dirname "$0")/lib.sh"
# rho0(0.7) to the last bit, from ssoc itself (its JSON numbers round-trip exactly)
rho0=$("$SSOC" predict --x 0.7 --rho 1 --json | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["layers"]["rho0_g_cm3"]))')
cat >"$TMP/edge.ini" <<INI
[data]
file = $SSOC_SOURCE_DIR/data/kim2026_lps_aimd_500K.csv
[bootstrap]
B = 24
interval = bca
[grid]
x = 1e-9, 0.3, 0.7, 0.999999999
rho = 0.5, 1.0, 1.6, $rho0, 2.5, 5
T = 1, 50, 500, 5000
[target]
sigma = 1e-3
INI
expect_rc 0 "" -- "$SSOC" sweep "$TMP/edge.ini" -o "$TMP/edge.h5" -q
nan_in() { h5dump -d "$1" "$TMP/edge.h5" | sed -n '/DATA {/,/}/p' | grep -ciE '(^|[ ,:(])-?nan\b' ; }
for d in /sigma/best /sigma/median /sigma/lo /sigma/hi /sigma/p_exceed /structure/v_f /structure/n_Li \
  /structure/rho0 /rules/rho_opt /rules/rho_opt_lo /rules/rho_opt_hi /rules/vf_opt /rules/sigma_max \
  /rules/x_opt /rules/x_opt_lo /rules/x_opt_hi /rules/x_opt_sigma_max; do
  n=$(nan_in "$d")
  [ "$n" = 0 ] && ok || bad "$d holds $n NaN values"
done
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  /usr/bin/python3 - "$TMP/edge.h5" <<'PY' && ok || bad "sigma range at the extremes"
import h5py, numpy as np, sys
with h5py.File(sys.argv[1]) as f:
    T = f["coords/T"][()]
    for name in ("best", "median", "lo", "hi"):
        s = f["sigma/" + name][()]          # [T][rho][x]
        assert not np.isnan(s).any() and (s >= 0).all(), name
        assert (s[T == 1.0] == 0).all(), name + ": 1 K should underflow to 0"
        hot = s[T == 5000.0]
        assert np.isfinite(hot).all() and (hot > 0).all(), name + " at 5000 K"
        assert (s[T == 500.0] > 0).all(), name + " at 500 K"
    vf = f["structure/v_f"][()]
    assert (vf == 0).any() and (vf < 0).any() and (vf > 0).any(), "grid misses v_f = 0, < 0 or > 0"
PY
fi
finish
