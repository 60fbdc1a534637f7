#!/usr/bin/env bash
# ssoc rules and the sweep's closing summary: the report agrees with the HDF5 datasets to the bit
# (h5py), reproduces docs/MODEL.md's design rule ("The design rule") with the published set, says
# so when an optimum sits on an edge or outside the data, and every kind of bad input file is a
# one-line error with exit 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
# the fitted compositions are grid nodes, so the recomputed per-composition optima meet /rules
GRID=(--set "grid.x=0.62,0.666,0.692,0.714,0.733,0.75,0.78" --set grid.rho=1.35:2.15:9 --set "grid.T=400,500")

run_sweep 1 2 "$CFG" "${GRID[@]}" --set bootstrap.B=40 -o "$TMP/a.h5" 2>"$TMP/a.err" || bad "sweep failed: $(cat "$TMP/a.err")"
"$SSOC" rules "$TMP/a.h5" >"$TMP/a.txt" 2>"$TMP/r.err" && ok || bad "rules failed: $(cat "$TMP/r.err")"
# the sweep printed the same report (one function builds both)
sed -n '/^design rules (/,$p' "$TMP/a.err" >"$TMP/a.sweep.txt"
cmp -s "$TMP/a.txt" "$TMP/a.sweep.txt" && ok || bad "sweep summary differs from ssoc rules: $(diff "$TMP/a.txt" "$TMP/a.sweep.txt" | head -5)"
grep -q '^design rule: At 500 K the conductivity peaks at free volume v_f = ' "$TMP/a.txt" && ok || bad "no design rule sentence: $(tail -3 "$TMP/a.txt")"
# the composition grid ends beyond the data (0.78 > 0.75) and sigma rises with x: said, with the edge
grep -q 'up to the upper edge of the grid (x = 0.78).*beyond the fitted compositions (x 0.666-0.75): no composition optimum is bracketed' "$TMP/a.txt" &&
  ok || bad "x edge not reported: $(grep '^design rule' "$TMP/a.txt")"
grep -q '^temperature: From 400 K to 500 K.*temperatures outside 500 K are extrapolations' "$TMP/a.txt" && ok ||
  bad "no temperature sentence: $(tail -1 "$TMP/a.txt")"
awk '$1 == 400 && $2 == 0.75' "$TMP/a.txt" | grep -q 'extrapolated(T)' && ok || bad "400 K row not flagged extrapolated(T)"

# --json against the datasets, exactly
"$SSOC" rules "$TMP/a.h5" --json >"$TMP/a.json" || bad "rules --json failed"
cmp_json() {
  "$PY" - "$1" "$2" <<'PYEOF'
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], "r"); j = json.load(open(sys.argv[2]))
bad = []
def eq(a, b, what):
    if b is None or (isinstance(a, float) and np.isnan(a)):
        if not (b is None and np.isnan(a)): bad.append(f"{what}: json {b} vs h5 {a}")
    elif float(a) != b: bad.append(f"{what}: json {b!r} vs h5 {float(a)!r}")
X = f["x"][:]; R = f["rho"][:]; T = f["T"][:]
ru = {k: f["rules/" + k][:] for k in f["rules"]}
assert j["B"] == f["fit/params_boot"].shape[0] and j["confidence"] == f.attrs["confidence"] and j["interval"] == f.attrs["interval"]
assert len(j["temperatures"]) == len(T)
ncomp_checked = 0
for t, jt in enumerate(j["temperatures"]):
    eq(T[t], jt["T_K"], "T")
    for c in jt["compositions"]:
        ix = np.where(X == c["x"])[0]
        if len(ix) == 0: continue
        ix = ix[0]; ncomp_checked += 1
        for key, ds in (("rho_opt_g_cm3", "rho_opt"), ("vf_opt", "vf_opt"), ("sigma_max_S_cm", "sigma_max")):
            eq(ru[ds][t, ix], c[key]["value"], f"T{t} x{ix} {ds}")
            eq(ru[ds + "_lo"][t, ix], c[key]["lo"], f"T{t} x{ix} {ds}_lo")
            eq(ru[ds + "_hi"][t, ix], c[key]["hi"], f"T{t} x{ix} {ds}_hi")
        if (c["boundary"] is None) != (ru["rho_opt_at_bound"][t, ix] == 0): bad.append(f"T{t} x{ix} boundary")
        if "rho_opt_extrapolated" in ru:
            bits = sum({"x": 1, "v_f": 2, "T": 4}[w] for w in c["extrapolated"])
            if bits != ru["rho_opt_extrapolated"][t, ix]: bad.append(f"T{t} x{ix} extrapolated {bits}")
    g = jt["grid_best"]; ib = int(np.nanargmax(ru["sigma_max"][t]))
    if g["x_index"] != ib: bad.append(f"T{t} grid best index {g['x_index']} vs {ib}")
    eq(X[ib], g["x"], "grid x")
    for key, ds in (("rho_opt_g_cm3", "rho_opt"), ("vf_opt", "vf_opt"), ("sigma_max_S_cm", "sigma_max")):
        for s in ("", "_lo", "_hi"):
            eq(ru[ds + s][t, ib], g[key]["value" if s == "" else s[1:]], f"T{t} grid {ds}{s}")
    if g["rho_opt_at_bound"] != bool(ru["rho_opt_at_bound"][t, ib]): bad.append("grid at_bound")
    xo = j["temperatures"][t]["x_opt"]; ir = xo["rho_index"]
    if ir != int(np.argmin(abs(R - ru["rho_opt"][t, ib]))): bad.append("x_opt rho index")
    for s in ("", "_lo", "_hi"):
        eq(ru["x_opt" + s][t, ir], xo["x_opt"]["value" if s == "" else s[1:]], f"T{t} x_opt{s}")
    if xo["at_bound"] != bool(ru["x_opt_at_bound"][t, ir]): bad.append("x_opt at_bound")
    nb = int(ru["x_opt_at_bound"][t].sum())
    if xo["densities_at_lower_edge"] + xo["densities_at_upper_edge"] != nb or xo["densities_interior"] != len(R) - nb:
        bad.append("x_opt edge counts")
    if "p_exceed" in f["sigma"]:
        eq(f["sigma/p_exceed"][t, ir, ib], g["p_exceed_at_node"], f"T{t} p_exceed")
if ncomp_checked < 2 * len(T): bad.append(f"only {ncomp_checked} compositions on the grid")
print("OK" if not bad else "; ".join(bad[:6]))
PYEOF
}
res=$(cmp_json "$TMP/a.h5" "$TMP/a.json" 2>&1)
[ "$res" = OK ] && ok || bad "json vs h5 (percentile): $res"

# --csv: one row per composition, grid best and x_opt per temperature; numbers round-trip
"$SSOC" rules "$TMP/a.h5" --csv >"$TMP/a.csv" || bad "rules --csv failed"
res=$("$PY" - "$TMP/a.csv" "$TMP/a.json" <<'PYEOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1]))); j = json.load(open(sys.argv[2]))
nc = len(j["temperatures"][0]["compositions"]); nT = len(j["temperatures"])
assert len(rows) == nT * (nc + 2), len(rows)
r = [x for x in rows if x["kind"] == "rho_opt" and float(x["T_K"]) == 500 and float(x["x"]) == 0.75][0]
c = [c for c in j["temperatures"][1]["compositions"] if c["x"] == 0.75][0]
assert float(r["rho_g_cm3"]) == c["rho_opt_g_cm3"]["value"] and float(r["sigma_hi"]) == c["sigma_max_S_cm"]["hi"]
assert float(r["p_exceed"]) == c["p_exceed"]
print("OK")
PYEOF
)
[ "$res" = OK ] && ok || bad "csv: $res"

# docs/MODEL.md, "The design rule", with the published set: rho_opt(0.75, 500 K) = 1.73381,
# v_f,opt = 0.05427, sigma_max = 3.442185e-3
run_sweep 1 2 "$CFG" --set fit.params=published --set grid.rho=1.3:2.2:10 --set grid.T=500 -q -o "$TMP/pub.h5" ||
  bad "published sweep failed"
"$SSOC" rules "$TMP/pub.h5" --json >"$TMP/pub.json" || bad "rules on published failed"
read -r rho vf smax bnd <<<"$("$PY" -c '
import json,sys; j=json.load(open(sys.argv[1]))
c=[c for c in j["temperatures"][0]["compositions"] if c["x"]==0.75][0]
print(c["rho_opt_g_cm3"]["value"], c["vf_opt"]["value"], c["sigma_max_S_cm"]["value"], c["boundary"])' "$TMP/pub.json")"
expect_num "$rho" 1.73381 3e-6 "published rho_opt(0.75, 500 K)"
expect_num "$vf" 0.05427 1e-3 "published v_f,opt"
expect_num "$smax" 3.442185e-03 1e-6 "published sigma_max"
[ "$bnd" = None ] && ok || bad "published optimum flagged as boundary: $bnd"

# an optimum on the edge of the density range is reported as such, in the table and in words
run_sweep 1 2 "$CFG" --set grid.rho=1.80:2.10:4 --set grid.T=500 -q -o "$TMP/edge.h5" || bad "edge sweep failed"
"$SSOC" rules "$TMP/edge.h5" >"$TMP/edge.txt" || bad "rules on edge failed"
awk '$1 == 500 && $2 == 0.75' "$TMP/edge.txt" | grep -q 'boundary(lower)' && ok || bad "edge row not flagged: $(grep '^  500' "$TMP/edge.txt")"
grep -q '^design rule: At 500 K no density optimum lies inside the range searched for x = 0.75: sigma keeps rising toward rho = 1.8 g/cm3, the lower end' "$TMP/edge.txt" &&
  ok || bad "edge sentence: $(grep '^design rule' "$TMP/edge.txt")"
"$SSOC" rules "$TMP/edge.h5" --json | "$PY" -c 'import json,sys; j=json.load(sys.stdin); c=j["temperatures"][0]["compositions"]; sys.exit(0 if all(x["boundary"]=="lower" for x in c) else 1)' &&
  ok || bad "json boundary not 'lower'"

# BCa: the leave-one-out refits are redone from /fit/data and give the sweep's bands to the bit
run_sweep 1 2 "$CFG" "${GRID[@]}" --set bootstrap.B=40 --set bootstrap.interval=bca -q -o "$TMP/bca.h5" || bad "bca sweep failed"
"$SSOC" rules "$TMP/bca.h5" --json >"$TMP/bca.json" || bad "rules bca failed"
res=$(cmp_json "$TMP/bca.h5" "$TMP/bca.json" 2>&1)
[ "$res" = OK ] && ok || bad "json vs h5 (bca): $res"

# more x columns than one x block of the rho_opt method (16, src/rules.c): 0.733 and 0.75 sit in
# the grid's second block and 0.666-0.714 in the first, so each shared solve spans other columns
# than above; the report's recomputation still uses the node's own block and meets /rules exactly
X22="0.60,0.61,0.62,0.63,0.64,0.65,0.66,0.666,0.67,0.68,0.692,0.70,0.705,0.714,0.72,0.725,0.733,0.74,0.75,0.76,0.77,0.78"
run_sweep 1 2 "$CFG" --set "grid.x=$X22" --set grid.rho=1.35:2.15:9 --set "grid.T=400,500" --set bootstrap.B=40 -q \
  -o "$TMP/wide.h5" || bad "22-column sweep failed"
"$SSOC" rules "$TMP/wide.h5" --json >"$TMP/wide.json" || bad "rules on the 22-column sweep failed"
res=$(cmp_json "$TMP/wide.h5" "$TMP/wide.json" 2>&1)
[ "$res" = OK ] && ok || bad "json vs h5 (22 x columns, two x blocks): $res"

# errors: one line, exit 1 for a bad file, 2 for usage
echo "x,rho" >"$TMP/text.csv"
expect_rc 1 "text.csv: not an HDF5 file" -- "$SSOC" rules "$TMP/text.csv"
expect_rc 1 "nope.h5: cannot open: No such file" -- "$SSOC" rules "$TMP/nope.h5"
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"w"); f["a"]=[1,2]' "$TMP/other.h5"
expect_rc 1 "not an ssoc sweep file (no root attribute 'ssoc_format'" -- "$SSOC" rules "$TMP/other.h5"
cp "$TMP/a.h5" "$TMP/newer.h5"
"$PY" -c 'import h5py,sys,numpy as np; f=h5py.File(sys.argv[1],"r+"); f.attrs["ssoc_format"]=np.int64(99)' "$TMP/newer.h5"
expect_rc 1 "sweep file format 99 is newer than this ssoc reads" -- "$SSOC" rules "$TMP/newer.h5"
# a file of the layout before the netCDF one (format 1: /coords, no attribute checksums): refused with the way out
cp "$TMP/a.h5" "$TMP/older.h5"
"$PY" -c 'import h5py,sys,numpy as np; f=h5py.File(sys.argv[1],"r+"); f.attrs["ssoc_format"]=np.int64(1)' "$TMP/older.h5"
expect_rc 1 "older.h5: sweep file format 1 is older than this ssoc reads (2); regenerate it with 'ssoc sweep CONFIG'" -- \
  "$SSOC" rules "$TMP/older.h5"
head -c $(($(stat -c %s "$TMP/a.h5") / 2)) "$TMP/a.h5" >"$TMP/trunc.h5"
expect_rc 1 "trunc.h5: HDF5 cannot open it: truncated or damaged file" -- "$SSOC" rules "$TMP/trunc.h5"
cp "$TMP/a.h5" "$TMP/miss.h5"
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r+"); del f["rules/x_opt_hi"]' "$TMP/miss.h5"
expect_rc 1 "miss.h5: no dataset /rules/x_opt_hi" -- "$SSOC" rules "$TMP/miss.h5"
cp "$TMP/a.h5" "$TMP/part.h5"
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r+"); f["progress/done"][0]=0' "$TMP/part.h5"
expect_rc 1 "incomplete sweep (" -- "$SSOC" rules "$TMP/part.h5"
cp "$TMP/a.h5" "$TMP/shape.h5"
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r+"); a=dict(f["rules/rho_opt"].attrs); del f["rules/rho_opt"]; f["rules/rho_opt"]=[1.0,2.0]; f["rules/rho_opt"].attrs.update(a)' "$TMP/shape.h5"
expect_rc 1 "shape.h5: /rules/rho_opt has shape [2], expected [2 x 7]" -- "$SSOC" rules "$TMP/shape.h5"
expect_rc 2 "missing OUT.h5" -- "$SSOC" rules
expect_rc 2 "unknown option '--bogus'" -- "$SSOC" rules "$TMP/a.h5" --bogus
expect_rc 2 "--json and --csv exclude each other" -- "$SSOC" rules "$TMP/a.h5" --json --csv
expect_rc 0 "usage: ssoc rules" -- "$SSOC" rules --help
finish
