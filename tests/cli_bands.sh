#!/usr/bin/env bash
# Which band, from where, saying what it covers (issue 13): `ssoc predict` and `ssoc validate` take
# the interval method a parameter file records unless --interval overrides it, and refuse an
# interval the file cannot give rather than quietly printing another.
. "$(dirname "$0")/lib.sh"

# --- a BCa parameter file gives a BCa band (it was "percentile", and --interval was ignored)
"$SSOC" fit "$DATA" --boot 60 --seed 3 --interval bca -o "$TMP/bca.json" >/dev/null || bad "fit --interval bca -o failed"
"$SSOC" predict --x 0.75 --rho 1.73 --params "$TMP/bca.json" --json >"$TMP/pb.json" || bad "predict --params bca file failed"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["band"]; assert b["interval"] == "bca", b' "$TMP/pb.json" &&
  ok || bad "predict with a BCa parameter file does not give a BCa band: $(cat "$TMP/pb.json")"
# the same band as the fit's own BCa bootstrap on the data
"$SSOC" predict --x 0.75 --rho 1.73 --data "$DATA" --boot 60 --seed 3 --interval bca --json >"$TMP/db.json" ||
  bad "predict --data --interval bca failed"
python3 - "$TMP/pb.json" "$TMP/db.json" <<'PY' && ok || bad "BCa band from the file differs from the data's"
import json, sys
a, b = (json.load(open(p))["band"] for p in sys.argv[1:3])
assert a["interval"] == b["interval"] == "bca", (a, b)
for k in ("lo", "median", "hi"):
    assert abs(a[k] / b[k] - 1) < 1e-12, (k, a[k], b[k])
PY
# --interval overrides the file's method, from the same replicate table
expect_rc 0 "95% confidence band of the mean model (percentile," -- "$SSOC" predict --x 0.75 --rho 1.73 --params "$TMP/bca.json" --interval percentile
expect_rc 0 "95% confidence band of the mean model (expanded," -- "$SSOC" predict --x 0.75 --rho 1.73 --params "$TMP/bca.json" --interval expanded
expect_rc 0 "90% confidence band of the mean model (bca," -- "$SSOC" predict --x 0.75 --rho 1.73 --params "$TMP/bca.json" --confidence 0.9
# a file without a jackknife table cannot give BCa: refused, not replaced by another interval
"$SSOC" fit "$DATA" --boot 30 --seed 3 -o "$TMP/exp.json" >/dev/null || bad "fit -o failed"
expect_rc 1 "holds no jackknife table" -- "$SSOC" predict --x 0.75 --rho 1.73 --params "$TMP/exp.json" --interval bca
expect_rc 1 "holds no jackknife table" -- "$SSOC" validate "$SSOC_SOURCE_DIR/data/zhou2024_mlff_300K.csv" \
  --params "$TMP/exp.json" --interval bca
# options that need a refit are refused with a parameter file, not ignored
expect_rc 2 "--seed needs --data" -- "$SSOC" predict --x 0.75 --rho 1.73 --params "$TMP/exp.json" --seed 5
expect_rc 2 "--scheme needs --data" -- "$SSOC" predict --x 0.75 --rho 1.73 --params "$TMP/exp.json" --scheme case
expect_rc 2 "no bootstrap table" -- "$SSOC" predict --x 0.75 --rho 1.73 --params published --interval bca

# --- ssoc rules: the prediction band of sigma_max for a new MD run at the optimum, from the file's
# replicates and the sweep's own prediction terms. On a density range whose lower end is every
# replicate's optimum (rho 1.95-2.15 g/cm3: sigma falls with density there), sigma_max_b is
# sigma_b at that end, so the band is predict's prediction band there, from the same seed.
. "$(dirname "$0")/sweep_lib.sh"
"$SSOC" sweep "$SSOC_SOURCE_DIR/tests/sweep/small.ini" --set grid.x=0.70,0.75 --set grid.rho=1.95:2.15:5 \
  --set grid.T=500 --set bootstrap.B=24 -o "$TMP/edge.h5" >/dev/null 2>"$TMP/edge.err" || bad "sweep failed: $(cat "$TMP/edge.err")"
"$SSOC" rules "$TMP/edge.h5" --json >"$TMP/edge.json" || bad "rules --json failed"
"$SSOC" predict --x 0.75 --rho 1.95 --T 500 --data "$DATA" --boot 24 --seed 7 --json >"$TMP/edgep.json" || bad "predict failed"
python3 - "$TMP/edge.json" "$TMP/edgep.json" <<'PY' && ok || bad "rules' prediction band of sigma_max differs from predict's at the edge"
import json, sys
r, p = (json.load(open(f)) for f in sys.argv[1:3])
c = [c for c in r["temperatures"][0]["compositions"] if c["x"] == 0.75][0]
assert c["boundary"] == "lower" and c["rho_opt_g_cm3"]["lo"] == c["rho_opt_g_cm3"]["hi"] == 1.95, c
sp, pb = c["sigma_max_prediction_S_cm"], p["prediction_band"]
for k in ("lo", "hi"):
    assert abs(sp[k] / pb[k] - 1) < 1e-9, (k, sp[k], pb[k])
assert abs(sp["value"] / p["sigma_S_cm"] - 1) < 1e-9
assert "prediction band" in r["bands"]["sigma_max_prediction_S_cm"], r["bands"]
# the confidence band of sigma_max is the narrower one
cb = c["sigma_max_S_cm"]
assert sp["lo"] < cb["lo"] < cb["hi"] < sp["hi"], (sp, cb)
PY
"$SSOC" rules "$TMP/edge.h5" >"$TMP/edge.txt" || bad "rules failed"
grep -q "'new MD run': the 95% prediction band of sigma_max for a new MD run at the optimum" "$TMP/edge.txt" && ok ||
  bad "rules text does not say what the prediction band covers: $(head -3 "$TMP/edge.txt")"
"$SSOC" rules "$TMP/edge.h5" --csv | python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r["kind"] == "rho_opt"]
assert rows and all(float(r["sigma_pred_lo"]) < float(r["sigma_lo"]) for r in rows), rows' && ok ||
  bad "rules --csv lacks the prediction band columns"

# --- the sweep file: /sigma/pred_lo, /sigma/pred_hi at a grid node equal predict's prediction band
# there (same data, seed and B), every band dataset says what kind of band it holds, the root
# says how quantiles are defined
"$SSOC" sweep "$SSOC_SOURCE_DIR/tests/sweep/small.ini" --set grid.x=0.70,0.75 --set grid.rho=1.6:1.9:4 \
  --set grid.T=400,500 --set bootstrap.B=24 -o "$TMP/two.h5" >/dev/null 2>&1 || bad "sweep at two temperatures failed"
"$SSOC" predict --x 0.75 --rho 1.7 --T 400 --data "$DATA" --boot 24 --seed 7 --json >"$TMP/node.json" || bad "predict failed"
"$PY" - "$TMP/two.h5" "$TMP/node.json" <<'PYEOF' && ok || bad "sweep file prediction band / band attributes"
import h5py, json, sys, numpy as np
f, p = h5py.File(sys.argv[1], "r"), json.load(open(sys.argv[2]))
s = f["sigma"]
it, ir, ix = list(f["T"][:]).index(400.0), int(np.argmin(abs(f["rho"][:] - 1.7))), list(f["x"][:]).index(0.75)
pb, cb = p["prediction_band"], p["band"]
for name, want in (("pred_lo", pb["lo"]), ("pred_hi", pb["hi"]), ("lo", cb["lo"]), ("hi", cb["hi"])):
    got = s[name][it, ir, ix]
    assert abs(got / want - 1) < 1e-9, (name, got, want)
assert (s["pred_lo"][:] < s["lo"][:]).all() and (s["pred_hi"][:] > s["hi"][:]).all()
kinds = {"/sigma/lo": "mean_model_confidence", "/sigma/hi": "mean_model_confidence", "/sigma/pred_lo": "prediction",
         "/sigma/pred_hi": "prediction", "/fit/params_lo": "parameter", "/fit/params_hi": "parameter"}
for r in ("rho_opt", "vf_opt", "sigma_max", "x_opt"):
    kinds["/rules/%s_lo" % r] = kinds["/rules/%s_hi" % r] = "mean_model_confidence"
for k, v in kinds.items():
    assert f[k].attrs["band_kind"] == v and f[k].attrs["band_covers"], (k, dict(f[k].attrs))
for k in ("pred_lo", "pred_hi"):
    assert s[k].attrs["interval"] == "expanded" and s[k].attrs["quantile"] == s[k.replace("pred_", "")].attrs["quantile"]
assert "type 7 of Hyndman and Fan" in f.attrs["quantile_definition"]
PYEOF
# a BCa sweep's prediction band is the percentile band, and says so
"$SSOC" sweep "$SSOC_SOURCE_DIR/tests/sweep/small.ini" --set grid.x=0.70,0.75 --set grid.rho=1.6:1.9:4 --set grid.T=500 \
  --set bootstrap.B=24 --set bootstrap.interval=bca -o "$TMP/bca.h5" >/dev/null 2>&1 || bad "bca sweep failed"
"$PY" -c 'import h5py, sys; s = h5py.File(sys.argv[1], "r")["sigma"]; assert s["lo"].attrs["interval"] == "bca" and s["pred_lo"].attrs["interval"] == "percentile"' \
  "$TMP/bca.h5" && ok || bad "BCa sweep: prediction band interval attribute"
# ssoc plot maps the prediction band
(cd "$TMP" && "$SSOC" plot two.h5 --T 500 --field width --band prediction -o pw.svg >/dev/null 2>&1) &&
  grep -q "prediction (a new MD run) bands" "$TMP/pw.svg" && ok || bad "plot --field width --band prediction"

# --- ssoc plot --band: the curves of --rules and --arrhenius show the band asked for, and say so
cd "$TMP" || exit 1
"$SSOC" plot edge.h5 --rules --band prediction -o rp.svg >/dev/null 2>&1 && grep -q "with its 95% prediction band" rp.svg &&
  ok || bad "plot --rules --band prediction: $(grep -o '<desc>.*' rp.svg | head -c 300)"
"$SSOC" plot edge.h5 --rules -o rc.svg >/dev/null 2>&1 && grep -q "with its 95% confidence band" rc.svg && ok ||
  bad "plot --rules (confidence)"
"$SSOC" plot two.h5 --arrhenius --at 0.75,1.7 --band prediction -o ap.svg >/dev/null 2>&1 &&
  grep -q "expanded prediction bands" ap.svg && ok || bad "plot --arrhenius --band prediction"
expect_rc 2 "--band: 'new' is not confidence or prediction" -- "$SSOC" plot edge.h5 --rules --band new -o x.png
expect_rc 2 "--band applies to the lo, hi and width maps, --rules and --arrhenius" -- "$SSOC" plot edge.h5 --band prediction -o x.png
expect_rc 2 "--band applies to the lo, hi and width maps" -- "$SSOC" plot edge.h5 --corner --band prediction -o x.png
[ ! -e x.png ] && ok || bad "a refused plot left a picture"

finish
