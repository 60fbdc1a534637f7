#!/usr/bin/env bash
# Numerical edge cases through `ssoc predict` (issue 8; the library in tests/test_edge.c, the sweep in
# tests/cli_edge_sweep.sh): v_f exactly 0 and negative, T = 1 K and 5000 K, x at 0+ and 1-, a Hill
# term that overflows against a negative barrier, a bootstrap at x 0+ and 1-, an absurd B. Each gives
# a defined result (JSON with only finite numbers; sigma 0 only where it is below the smallest
# double) or a one-line error with a non-zero exit (the overflow rows of tests/cli_badinput.sh).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

# predict ARGS... --json, then a Python check of the document `d` (strict JSON: NaN/Infinity rejected)
check() { # LABEL PYTHON-EXPR -- ARGS...
  local label=$1 expr=$2
  shift 3
  # a deliberate out-of-range study (rho 1e11 g/cm3, T 1 K): the plausibility checks stand aside
  if ! "$SSOC" predict "$@" --allow-implausible --json >"$TMP/p.json" 2>"$TMP/p.err"; then
    bad "$label: exit $?: $(cat "$TMP/p.err")"
    return
  fi
  if $PY - "$TMP/p.json" "$expr" <<'PY'; then ok; else bad "$label: $(cat "$TMP/p.json" | tr -d '\n\t')"; fi
import json, math, sys
def strict(c):
    raise ValueError("non-finite JSON number " + c)
d = json.load(open(sys.argv[1]), parse_constant=strict)
L = d["layers"]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

rho0=$("$SSOC" predict --x 0.7 --rho 1 --json | $PY -c 'import json,sys; print(repr(json.load(sys.stdin)["layers"]["rho0_g_cm3"]))')
# v_f exactly 0 (rho = rho0 to the last bit): ungated, PCC, and no jump from just below
check "v_f = 0" 'L["v_f"] == 0 and L["p_active"] == 1 and d["hill_gate"]["state"] == "open" and d["sigma_S_cm"] > 0' \
  -- --x 0.7 --rho "$rho0" --params published
s0=$("$SSOC" predict --x 0.7 --rho "$rho0" --params published --json | $PY -c 'import json,sys; print(repr(json.load(sys.stdin)["sigma_S_cm"]))')
check "v_f = 0-" "L['v_f'] > 0 and abs(d['sigma_S_cm'] / $s0 - 1) < 1e-6" -- --x 0.7 --rho "$($PY -c "print(repr($rho0 * (1 - 1e-9)))")" --params published
# v_f negative (compressed past close packing): ungated; very compressed: sigma underflows to exactly 0
check "v_f < 0" 'L["v_f"] < 0 and L["p_active"] == 1 and 0 < d["sigma_S_cm"] < 1e-3' -- --x 0.7 --rho 3.0 --params published
check "v_f << 0" 'L["v_f"] < -1e10 and d["sigma_S_cm"] == 0' -- --x 0.7 --rho 1e11 --params published
# extreme temperatures: 1 K underflows to 0 (true ln sigma ~ -3700), 5000 K finite; Ea does not depend on T
check "T = 1 K" 'd["sigma_S_cm"] == 0 and abs(d["Ea_eV"] - 0.31287030468147686) < 1e-15 and d["extrapolation"]["T"]' \
  -- --x 0.75 --rho 1.73 --T 1 --params published
check "T = 5000 K" '0.1 < d["sigma_S_cm"] < 10 and math.isfinite(L["D_PCC_cm2_s"]) and d["extrapolation"]["T"]' \
  -- --x 0.75 --rho 1.73 --T 5000 --params published
# x at 0+ and 1-: finite, positive, flagged as outside the data
check "x = 1e-9" '0 < d["sigma_S_cm"] < 1e-5 and L["n_Li_cm3"] > 0 and d["extrapolation"]["x"]' -- --x 1e-9 --rho 1.6 --params published
check "x = 1e-300" '0 < d["sigma_S_cm"] < 1e-100' -- --x 1e-300 --rho 1.6 --params published
check "x = 1 - 1e-9" '0 < d["sigma_S_cm"] < 1 and d["extrapolation"]["x"]' -- --x 0.999999999 --rho 1.6 --params published
# (v_f/v_c)^n_H = e^~800 overflows, a negative barrier (E0 = -50 eV) makes up for it: sigma is an
# ordinary number, equal to the library's (tests/test_edge.c), not 0
$PY - "$TMP/gate.json" <<'PY'
import json, sys
names = ["E0", "alpha_E", "v_c", "n_H", "beta0", "beta1", "beta2", "beta3"]
vals = [-50.0, 0.0, 1e-6, 64.0, -8.447, 6.534, 3.052, -21.257]
json.dump({"format": "ssoc-params", "version": 1,
           "parameters": [{"name": n, "value": v, "unit": "1", "fixed": False} for n, v in zip(names, vals)]},
          open(sys.argv[1], "w"))
PY
check "gate overflow, negative barrier" 'L["p_active"] == 0 and 1e-300 < d["sigma_S_cm"] < 1e-50' \
  -- --x 0.75 --rho 1.0 --T 1000 --params "$TMP/gate.json"
expect_rc 1 "predict: sigma is not finite at x = 0.75, rho = 1, T = 300 with these parameters" \
  -- "$SSOC" predict --x 0.75 --rho 1.0 --T 300 --params "$TMP/gate.json"
# bands at the composition limits, from a small bootstrap: finite and ordered
for x in 1e-9 0.999999999; do
  check "bootstrap band at x = $x" '0 < d["band"]["lo"] <= d["band"]["median"] <= d["band"]["hi"] and d["band"]["replicates_used"] > 10' \
    -- --x "$x" --rho 1.6 --data "$DATA" --boot 16
done
# an absurd B: a usage error naming the option and its range
expect_rc 2 "predict: option --boot: '100000000000' must be a whole number from 2 to" \
  -- "$SSOC" predict --x 0.7 --rho 1.6 --data "$DATA" --boot 100000000000
finish
