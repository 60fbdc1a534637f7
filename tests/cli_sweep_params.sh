#!/usr/bin/env bash
# ssoc sweep parameter sources and intervals: params = published reproduces docs/MODEL.md's design
# rule ("The design rule") in the printed summary and `ssoc predict` at grid nodes to 1e-12; params
# = FILE.json from `ssoc fit -o` with its fixed parameters; BCa bands; a fix list. Each file is read
# with h5py.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"

# --- published: the summary names rho_opt at the data's x = 0.75, 500 K (rho searched in [1.3, 2.2])
run_sweep 1 2 "$CFG" --set fit.params=published --set grid.rho=1.3:2.2:10 -o "$TMP/pub.h5" 2>"$TMP/pub.err" ||
  bad "published run failed: $(cat "$TMP/pub.err")"
line=$(awk '$1 == 500 && $2 == 0.75' "$TMP/pub.err")
expect_num "$(awk '{print $3}' <<<"$line")" 1.73381 3e-6 "summary rho_opt(0.75, 500 K)"
expect_num "$(awk '{print $6}' <<<"$line")" 0.05427 1e-4 "summary v_f,opt"
grep -q "wrote $TMP/pub.h5 in .* s (fit .* bootstrap .* evaluation .* rules .* write" "$TMP/pub.err" && ok ||
  bad "no phase timings: $(grep wrote "$TMP/pub.err")"
# /sigma/best against `ssoc predict --params published` at a few nodes (full precision via --json)
for node in "0 0 0" "1 5 7" "3 9 12" "2 2 6"; do
  set -- $node
  read -r x rho T s <<<"$("$PY" -c '
import h5py,sys; f=h5py.File(sys.argv[1],"r"); t,r,x=map(int,sys.argv[2:5])
print(repr(f["x"][x]), repr(f["rho"][r]), repr(f["T"][t]), repr(f["sigma/best"][t,r,x]))' "$TMP/pub.h5" $1 $2 $3)"
  p=$("$SSOC" predict --x "$x" --rho "$rho" --T "$T" --params published --json | "$PY" -c 'import json,sys; print(repr(json.load(sys.stdin)["sigma_S_cm"]))')
  expect_num "$s" "$p" 1e-12 "best vs ssoc predict at x=$x rho=$rho T=$T"
done
src=$("$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r"); print(f["fit/params"].attrs["source"], list(f["fit/params"].attrs["fixed"]))' "$TMP/pub.h5")
[ "$src" = "published [0, 0, 1, 1, 0, 0, 0, 0, 1]" ] && ok || bad "published source/fixed attrs: $src"

# --- params = FILE.json from ssoc fit -o (v_c fixed there, so exactly 0.125 in every replicate too)
"$SSOC" fit "$DATA" --fix v_c=0.125 -o "$TMP/p.json" >/dev/null 2>&1 || bad "ssoc fit -o failed"
run_sweep 2 1 "$CFG" --set "fit.params=$TMP/p.json" -q -o "$TMP/file.h5" || bad "params=FILE run failed"
chk=$("$PY" -c '
import h5py,json,sys
f=h5py.File(sys.argv[1],"r"); p=json.load(open(sys.argv[2]))
pf=f["fit/params"]; names=list(pf.attrs["parameter_names"])
ok = all(pf[i] == q["value"] and n == q["name"] for i,(n,q) in enumerate(zip(names, p["parameters"])))
boot=f["fit/params_boot"][:]; good=~__import__("numpy").isnan(boot).any(axis=1)
print(ok, good.sum() > 50 and (boot[good,2] == 0.125).all(), f.attrs["params_sha256"] != "")' "$TMP/file.h5" "$TMP/p.json" 2>&1)
[ "$chk" = "True True True" ] && ok || bad "params=FILE: $chk"

# --- BCa bands and a fix list: run on 2 ranks, bands bracket the median where the bootstrap is not degenerate
run_sweep 2 1 "$CFG" --set bootstrap.interval=bca --set "fit.fix=n_H=3" -q -o "$TMP/bca.h5" || bad "BCa run failed"
chk=$("$PY" -c '
import h5py,sys,numpy as np
f=h5py.File(sys.argv[1],"r"); lo=f["sigma/lo"][:]; hi=f["sigma/hi"][:]; b=f["sigma/best"][:]
print(f.attrs["interval"], np.isfinite(lo).all() and np.isfinite(hi).all(), (lo <= hi).all(), f["fit/params"].attrs["fixed"][3],
      np.isfinite(f["rules/rho_opt_lo"][:]).all())' "$TMP/bca.h5")
[ "$chk" = "bca True True 1 True" ] && ok || bad "BCa file: $chk"
run_sweep 1 2 "$CFG" --set bootstrap.interval=bca --set "fit.fix=n_H=3" -q -o "$TMP/bca1.h5" || bad "BCa 1-rank run failed"
same_datasets "$TMP/bca.h5" "$TMP/bca1.h5" "BCa 2 ranks vs 1 rank x 2 threads"
finish
