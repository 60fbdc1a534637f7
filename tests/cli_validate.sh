#!/usr/bin/env bash
# ssoc validate from the command line: the shipped external set (Zhou et al., ML-FF MD at 300 K)
# against the published parameters (every row extrapolated in T), the three output forms agreeing
# with each other and with `ssoc predict`, bands from --data --boot and from a parameter file, and
# usage (exit 2) and runtime (exit 1) errors as one-line messages.
. "$(dirname "$0")/lib.sh"
EXT="$SSOC_SOURCE_DIR/data/zhou2024_mlff_300K.csv"

# --- the shipped external set against the published parameters: exit 0, T flag on all three rows
expect_rc 0 "Conclusion: Predictions at 300 K are" -- "$SSOC" validate "$EXT" --params published
"$SSOC" validate "$EXT" >"$TMP/table.txt" 2>&1 || bad "validate (default published) failed: $(cat "$TMP/table.txt")"
"$SSOC" validate "$EXT" --params published >"$TMP/table2.txt" 2>&1
cmp -s "$TMP/table.txt" "$TMP/table2.txt" && ok || bad "default parameters are not 'published'"
rows=$(awk '$1 ~ /^[0-9]+$/ && NF >= 12' "$TMP/table.txt")
[ "$(wc -l <<<"$rows")" = 3 ] && ok || bad "table has not 3 observation rows: $rows"
[ "$(awk '$NF == "T"' <<<"$rows" | wc -l)" = 3 ] && ok || bad "T flag not on all three rows: $rows"
grep -q "extrapolated: 3 of 3 (x 0, v_f 0, T 3)" "$TMP/table.txt" && ok || bad "summary extrapolation line"
grep -q "the 500 K fit does not transfer to room temperature" "$TMP/table.txt" && ok || bad "sentence: $(tail -1 "$TMP/table.txt")"

# --- --json parses, agrees with the table and with `ssoc predict` at full precision
"$SSOC" validate "$EXT" --json >"$TMP/v.json" || bad "validate --json failed"
python3 - "$TMP/v.json" "$TMP/table.txt" "$EXT" <<'PY' && ok || bad "--json content / agreement with the table"
import json, sys, hashlib, math
d = json.load(open(sys.argv[1]))
table = open(sys.argv[2]).read().splitlines()
assert d["command"] == "validate" and d["parameters"]["kind"] == "published"
# docs/MODEL.md, "The published parameter set": E0 = 7.475 k_B 500 / e, to the last bit
# (cJSON's own printer would drop it)
assert d["parameters"]["values"]["E0"] == 7.475 * (1.380649e-23 / 1.602176634e-19) * 500.0
assert d["data"]["sha256"] == hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
assert d["data"]["n"] == 3 and d["data"]["has_Ea"] is True and d["band"] is None
assert d["fitted_range"]["T_min_K"] == 500 and d["fitted_range"]["T_max_K"] == 500
rows = d["rows"]
assert [r["line"] for r in rows] == [8, 9, 10], [r["line"] for r in rows]
trows = [l.split() for l in table if l.strip()[:1].isdigit() and len(l.split()) >= 12]
assert len(trows) == 3
for r, t in zip(rows, trows):
    assert r["extrapolation"] == {"x": False, "v_f": False, "T": True}
    assert int(t[0]) == r["line"]
    assert abs(float(t[6]) / r["sigma_pred_S_cm"] - 1) < 1e-4        # %.4e in the table
    assert abs(float(t[7]) / r["ratio"] - 1) < 1e-3                   # %.4g
    # full precision: IEEE arithmetic on the printed numbers reproduces the printed results exactly
    assert r["ratio"] == r["sigma_pred_S_cm"] / r["sigma_obs_S_cm"]
    assert abs(r["log10_err"] - math.log10(r["ratio"])) < 1e-12
    assert abs(float(t[10]) - r["Ea_model_eV"]) < 1e-4
    # Ea = E0 - alpha_E v_f of the published set
    assert abs(r["Ea_model_eV"] - (0.3220728307 - 0.1632984653 * r["v_f"])) < 1e-9
    assert r["Ea_diff_eV"] == r["Ea_obs_eV"] - r["Ea_model_eV"]
s = d["summary"]
ratios = sorted(r["ratio"] for r in rows)
assert abs(s["median_ratio"] - ratios[1]) < 1e-15 and abs(s["mean_ratio"] - sum(ratios) / 3) < 1e-15
err = [r["log10_err"] for r in rows]
assert abs(s["rmse_log10_sigma"] - math.sqrt(sum(e * e for e in err) / 3)) < 1e-12
assert s["extrapolated"] == {"x": 0, "v_f": 0, "T": 3, "any": 3} and s["agrees"] is False
assert s["n_inside_band"] is None and s["n_Ea"] == 3
n = round(1 / s["median_ratio"])
assert ("Predictions at 300 K are %d times below the observations" % n) in s["sentence"], s["sentence"]
assert ("Conclusion: " + s["sentence"]) in table
assert ("r = %.4f" % s["r_log10_sigma"]) in "\n".join(table)
PY
line8=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rows"][0]; print(repr(r["sigma_pred_S_cm"]))' "$TMP/v.json")
pred=$("$SSOC" predict --x 0.67 --rho 1.89 --T 300 --json | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["sigma_S_cm"]))')
expect_num "$line8" "$pred" 1e-15 "validate row 1 sigma vs predict"

# --- --csv: header and 3 rows, numbers equal to --json
"$SSOC" validate "$EXT" --csv >"$TMP/v.csv" || bad "validate --csv failed"
python3 - "$TMP/v.csv" "$TMP/v.json" <<'PY' && ok || bad "--csv content"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
j = json.load(open(sys.argv[2]))["rows"]
assert len(rows) == 3, len(rows)
assert list(rows[0])[:4] == ["line", "x", "rho", "T"]
# every number bit-identical between the two forms (both full precision), and equal to the input
pairs = {"x": "x", "rho": "rho_g_cm3", "T": "T_K", "sigma_obs": "sigma_obs_S_cm", "sigma_pred": "sigma_pred_S_cm",
         "ratio": "ratio", "log10_err": "log10_err", "v_f": "v_f", "Ea_obs": "Ea_obs_eV", "Ea_model": "Ea_model_eV",
         "Ea_diff": "Ea_diff_eV"}
for c, r in zip(rows, j):
    assert int(c["line"]) == r["line"]
    for kc, kj in pairs.items():
        assert float(c[kc]) == r[kj], (kc, c[kc], r[kj])
    assert c["extrap_T"] == "1" and c["extrap_x"] == "0" and c["band_lo"] == "" and c["inside_band"] == "" and c["pred_lo"] == "" and c["inside_pred"] == ""
PY

# --- bands: from --data --boot, and the same bands from a parameter file holding that bootstrap
"$SSOC" validate "$EXT" --data "$DATA" --boot 40 --seed 7 --json >"$TMP/b.json" || bad "validate --data --boot failed"
"$SSOC" fit "$DATA" --boot 40 --seed 7 -o "$TMP/p.json" >/dev/null || bad "fit -o failed"
"$SSOC" validate "$EXT" --params "$TMP/p.json" --json >"$TMP/bp.json" || bad "validate --params file failed"
python3 - "$TMP/b.json" "$TMP/bp.json" <<'PY' && ok || bad "bands"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["band"]["B"] == 40 and a["band"]["interval"] == "expanded" and b["parameters"]["kind"] == "file"
for ra, rb in zip(a["rows"], b["rows"]):
    assert ra["band"]["lo"] < ra["band"]["median"] < ra["band"]["hi"]
    assert ra["band"]["inside"] == (ra["band"]["lo"] <= ra["sigma_obs_S_cm"] <= ra["band"]["hi"])
    for k in ("lo", "median", "hi"):
        assert abs(ra["band"][k] / rb["band"][k] - 1) < 1e-12, (k, ra["band"][k], rb["band"][k])
assert a["summary"]["n_inside_band"] == sum(r["band"]["inside"] for r in a["rows"])
# the prediction band (a new MD run) holds the confidence band of the mean model, and is counted
assert a["band"]["kind"] == "confidence" and a["prediction_band"]["kind"] == "prediction"
assert "new MD run" in a["prediction_band"]["covers"] and "mean model" in a["band"]["covers"]
for ra, rb in zip(a["rows"], b["rows"]):
    p, c = ra["prediction_band"], ra["band"]
    assert p["lo"] < c["lo"] < c["hi"] < p["hi"], (p, c)
    assert p["inside"] == (p["lo"] <= ra["sigma_obs_S_cm"] <= p["hi"])
    for k in ("lo", "median", "hi"):
        assert abs(p[k] / rb["prediction_band"][k] - 1) < 1e-12, k
assert a["summary"]["n_inside_prediction_band"] == sum(r["prediction_band"]["inside"] for r in a["rows"])
assert "inside their 95% prediction bands (for a new MD run): " in a["summary"]["sentence"], a["summary"]["sentence"]
PY
expect_rc 0 "inside the 95% prediction bands for a new MD run:" -- "$SSOC" validate "$EXT" --data "$DATA" --boot 20
expect_rc 0 "parameters: joint fit to" -- "$SSOC" validate "$EXT" --data "$DATA" --fix n_H=3
expect_rc 0 "parameters: staged fit to" -- "$SSOC" validate "$EXT" --data "$DATA" --method staged
"$SSOC" validate "$EXT" --data "$DATA" --method staged --json | python3 -c 'import json,sys; assert json.load(sys.stdin)["parameters"]["method"] == "staged"' &&
  ok || bad "validate --json names the method"

# --- optional Ea column absent; other columns ignored
printf '# no Ea\nsigma,T,x,rho,source\n2.2e-3,500,0.70,1.70,a\n1e-3,500,0.72,1.66,b\n' >"$TMP/noea.csv"
expect_rc 0 "Ea: no observed activation energies given" -- "$SSOC" validate "$TMP/noea.csv"

# --- usage errors: exit 2, one line
expect_rc 2 "missing DATA.csv" -- "$SSOC" validate
expect_rc 2 "unknown option '--bogus'" -- "$SSOC" validate "$EXT" --bogus
expect_rc 2 "one external data file expected" -- "$SSOC" validate "$EXT" "$EXT"
expect_rc 2 "--json and --csv exclude each other" -- "$SSOC" validate "$EXT" --json --csv
expect_rc 2 "--params and --data exclude each other" -- "$SSOC" validate "$EXT" --params published --data "$DATA"
expect_rc 2 "bootstrap options need --data" -- "$SSOC" validate "$EXT" --boot 10
expect_rc 2 "bootstrap options need --data" -- "$SSOC" validate "$EXT" --params published --seed 3
expect_rc 2 "--fix, --method and --d-crit apply only" -- "$SSOC" validate "$EXT" --fix v_c=0.1
expect_rc 2 "option --boot" -- "$SSOC" validate "$EXT" --data "$DATA" --boot 1
expect_rc 2 "needs a value" -- "$SSOC" validate "$EXT" --params
expect_rc 2 "option --fix: 'v_c'" -- "$SSOC" validate "$EXT" --data "$DATA" --fix v_c
expect_rc 0 "usage: ssoc validate" -- "$SSOC" validate --help
expect_rc 0 "validate" -- "$SSOC" --help

# --- runtime errors: exit 1, one line naming file, line and column
expect_rc 1 "/nonexistent.csv" -- "$SSOC" validate /nonexistent.csv
printf 'x,rho,T,sigma\n0.7,1.7,300,2e-3\n0.7,abc,300,2e-3\n' >"$TMP/bad.csv"
expect_rc 1 "$TMP/bad.csv:3: column 'rho'" -- "$SSOC" validate "$TMP/bad.csv"
printf 'x,rho,T,sigma\n1.2,1.7,300,2e-3\n' >"$TMP/badx.csv"
expect_rc 1 "$TMP/badx.csv:2: column 'x'" -- "$SSOC" validate "$TMP/badx.csv"
printf 'x,rho,T,sigma\n0.7,1.7,300,0\n' >"$TMP/bads.csv"
expect_rc 1 "$TMP/bads.csv:2: column 'sigma': '0' must be > 0" -- "$SSOC" validate "$TMP/bads.csv" --csv
printf 'x,rho,T,sigma,Ea\n0.7,1.7,300,2e-3,NaN\n' >"$TMP/bade.csv"
expect_rc 1 "$TMP/bade.csv:2: column 'Ea'" -- "$SSOC" validate "$TMP/bade.csv" --json
printf 'x,rho,sigma\n0.7,1.7,2e-3\n' >"$TMP/nocol.csv"
expect_rc 1 "$TMP/nocol.csv:1: missing required column 'T'" -- "$SSOC" validate "$TMP/nocol.csv"
expect_rc 1 "/nonexistent.json" -- "$SSOC" validate "$EXT" --params /nonexistent.json
expect_rc 1 "/nonexistent-fit.csv" -- "$SSOC" validate "$EXT" --data /nonexistent-fit.csv
SSOC_DATA_DIR=/nonexistent-dir expect_rc 1 "/nonexistent-dir/kim2026_lps_aimd_500K.csv" -- "$SSOC" validate "$EXT"

finish
