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

finish
