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
; a deliberate out-of-range study: rho 0.5-5 g/cm3 and T 1-5000 K are far from any glass
allow_implausible = true
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
    T = f["T"][()]
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

# Every float dataset of a sweep: finite, except in /rules/* where the rule's _status flags it
# (README, "The sweep file": "Non-finite values"). Needs h5py; without it only the h5dump scan above runs.
nonfinite_flagged() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import h5py, numpy as np, sys
want = {"rho_opt": int(sys.argv[2].split(",")[0]), "x_opt": int(sys.argv[2].split(",")[1])}
with h5py.File(sys.argv[1]) as f:
    st = {k: f["rules/%s_status" % k][()] for k in want}
    for k, v in want.items():
        if v >= 0:
            assert (st[k] == v).all(), "%s_status %s, wanted all %d" % (k, np.unique(st[k]), v)
    def check(name, ds):
        if not isinstance(ds, h5py.Dataset) or ds.dtype.kind != "f":
            return
        bad = ~np.isfinite(ds[()])
        if not name.startswith("rules/") or ds.ndim == 1:  # /rules' own copies of the coordinates
            assert not bad.any(), "%s: %d non-finite values" % (name, bad.sum())
            return
        rule = "x_opt" if name.startswith("rules/x_opt") else "rho_opt"
        assert bad.shape == st[rule].shape, name
        assert not (bad & (st[rule] == 0)).any(), "%s: NaN where %s_status is 0" % (name, rule)
    f.visititems(check)
PY
}
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  nonfinite_flagged "$TMP/edge.h5" "-1,-1" && ok || bad "non-finite values in edge.h5 without a flag"
  # one-node axes: the sweep is fine, both rules have no range to optimise over (status 1, NaN)
  expect_rc 0 "" -- "$SSOC" sweep "$TMP/edge.ini" --set grid.x=0.7 --set grid.rho=1.6 --set grid.T=1,500,5000 \
    -o "$TMP/one.h5" -q
  nonfinite_flagged "$TMP/one.h5" "1,1" && ok || bad "one-node axes: rules not flagged"
  # a two-node rho axis with a one-node x axis: rho_opt is defined, x_opt is not
  expect_rc 0 "" -- "$SSOC" sweep "$TMP/edge.ini" --set grid.x=0.7 --set grid.rho=1.5,1.8 --set grid.T=500 \
    -o "$TMP/two.h5" -q
  nonfinite_flagged "$TMP/two.h5" "0,1" && ok || bad "one-node x axis: rules not flagged"
  # ssoc rules on those files: the undefined rule is named, exit 1 (not an optimiser's range error)
  expect_rc 1 "the density axis has one node (rho = 1.6): rho_opt is undefined on this grid" -- "$SSOC" rules "$TMP/one.h5"
  expect_rc 1 "the composition axis has one node (x = 0.7): x_opt is undefined on this grid" -- "$SSOC" rules "$TMP/two.h5"
fi

# parameters that overflow sigma on the grid (beta0 = 1000: f_eff = e^1000): a clear error naming the
# value, the place and the config keys, exit 1, before the block is written; no output file, and the
# .partial never vouches for the block
expect_rc 1 "sigma/best = inf at x = 1e-09, rho = 0.5, T = 50 K: the point-fit parameters overflow the double range on this grid; check [fit] params or narrow [grid]" \
  -- "$SSOC" sweep "$TMP/edge.ini" --set "fit.params=$SSOC_SOURCE_DIR/tests/badinput/params_overflow.json" \
  --set bootstrap.interval=percentile --set bootstrap.scheme=stratified -o "$TMP/ovf.h5" -q
[ ! -e "$TMP/ovf.h5" ] && ok || bad "an overflowing sweep left $TMP/ovf.h5"
# the residual scheme cannot resample around parameters that do not describe the data at all:
# it says so before any replicate, naming the scheme to use instead
expect_rc 1 "the residual bootstrap needs finite residuals of the point estimate on the data" \
  -- "$SSOC" sweep "$TMP/edge.ini" --set "fit.params=$SSOC_SOURCE_DIR/tests/badinput/params_overflow.json" \
  --set bootstrap.scheme=residual -o "$TMP/ovf2.h5" -q
[ ! -e "$TMP/ovf2.h5" ] && ok || bad "a refused sweep left $TMP/ovf2.h5"
if [ -e "$TMP/ovf.h5.partial" ]; then
  done_flags=$(h5dump -A 0 -d /progress/done "$TMP/ovf.h5.partial" | sed -n '/DATA {/,/}/p' | sed 's/([0-9,]*)://' |
    grep -o '[0-9]*' | sort -u | tr '\n' ' ')
  case "$done_flags" in *1*) bad "ovf.h5.partial marks a block done: $done_flags" ;; *) ok ;; esac
fi
# absurd densities: refused when the configuration is read, naming the key
expect_rc 1 "[grid] rho: 1e+300 g/cm3 at x = 1e-09 overflows n_Li or v_f^2" \
  -- "$SSOC" sweep "$TMP/edge.ini" --set grid.rho=1,1e300 -o "$TMP/rho.h5" -q
[ ! -e "$TMP/rho.h5" ] && [ ! -e "$TMP/rho.h5.partial" ] && ok || bad "a refused config left output"

# More than the memory available (here a 1.5 GB address-space limit): refused after reading the data,
# before the bootstrap and before any file exists, naming the estimate, the limit and the keys. Not
# under AddressSanitizer, whose shadow memory cannot live under ulimit -v.
if [ -z "${ASAN_OPTIONS:-}" ] && ! ldd "$SSOC" 2>/dev/null | grep -q libasan; then
  mem_refused() { # LABEL NEEDLE SSOC-ARGS...
    local label=$1 needle=$2
    shift 2
    local rc
    (ulimit -v 1500000 && exec timeout 120 "$SSOC" sweep "$TMP/edge.ini" "$@" -o "$TMP/mem.h5" -q) 2>"$TMP/mem.err"
    rc=$?
    if [ "$rc" = 1 ] && grep -qF -- "$needle" "$TMP/mem.err" && grep -q "^ssoc: sweep: not enough memory: the sweep needs about" "$TMP/mem.err" && grep -qF "the address-space limit (ulimit -v)" "$TMP/mem.err" &&
      [ "$(wc -l <"$TMP/mem.err")" = 1 ] && [ ! -e "$TMP/mem.h5" ] && [ ! -e "$TMP/mem.h5.partial" ]; then
      ok
    else
      bad "$label: exit $rc: $(cat "$TMP/mem.err")"
    fi
  }
  mem_refused "huge B" "per rank (B = 3000000 replicates: 867 MB;" \
    --set bootstrap.B=3000000 --set bootstrap.interval=percentile
  mem_refused "huge grid" "grid 10000 x 10000 x 1:" --set grid.x=0.6:0.8:10000 --set grid.rho=1.3:2.2:10000 --set grid.T=500
  # the same limit leaves room for an ordinary sweep
  (ulimit -v 1500000 && exec "$SSOC" sweep "$TMP/edge.ini" -o "$TMP/mem.h5" -q) && ok || bad "a small sweep under ulimit -v 1.5 GB failed"
fi
finish
