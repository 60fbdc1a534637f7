#!/usr/bin/env bash
# ssoc query: which designs reach sigma >= TARGET at a stated confidence, against an independent
# h5py/numpy computation from the sweep file's datasets (tests/query_check.py) on the sweep's own
# target (read from /sigma/p_exceed) and on other targets (recomputed from the replicate table),
# at several temperatures; the recomputed P equals /sigma/p_exceed to the bit; a file swept
# without a target answers the same; the text answer; every error path one line with its exit code.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
CHECK="$SSOC_SOURCE_DIR/tests/query_check.py"
# x and v_f beyond the data on both sides, one temperature below, at and above the data's 500 K
GRID=(--set grid.x=0.62:0.79:35 --set grid.rho=1.35:2.15:33 --set "grid.T=400,500,640" --set bootstrap.B=200)

run_sweep 1 2 "$CFG" "${GRID[@]}" -q -o "$TMP/a.h5" 2>"$TMP/a.err" || bad "sweep failed: $(cat "$TMP/a.err")"
# the same sweep without [target]: the same replicates, no /sigma/p_exceed
sed '/^\[target\]/,/^sigma/d' "$CFG" >"$TMP/notarget.ini"
sed -i "s|^file = .*|file = $DATA|" "$TMP/notarget.ini"
run_sweep 1 2 "$TMP/notarget.ini" "${GRID[@]}" -q -o "$TMP/n.h5" 2>"$TMP/n.err" || bad "sweep failed: $(cat "$TMP/n.err")"
"$PY" -c 'import h5py,sys; sys.exit("p_exceed" in h5py.File(sys.argv[1],"r")["sigma"])' "$TMP/n.h5" && ok ||
  bad "the sweep without a target has /sigma/p_exceed"

# check FILE TARGET CONF TLIST [QUERY OPTIONS...]: the JSON and the point CSV against h5py
check() {
  local f=$1 tg=$2 cf=$3 tl=$4
  shift 4
  local targs=()
  [ "$tl" != all ] && targs=(--T "$tl")
  if ! "$SSOC" query "$f" --sigma "$tg" --confidence "$cf" "${targs[@]}" --points --json "$@" >"$TMP/q.json" 2>"$TMP/q.err" ||
     ! "$SSOC" query "$f" --sigma "$tg" --confidence "$cf" "${targs[@]}" --points --csv "$@" >"$TMP/q.csv" 2>>"$TMP/q.err"; then
    bad "query $f --sigma $tg --confidence $cf --T $tl $*: $(cat "$TMP/q.err")"
    return
  fi
  if "$PY" "$CHECK" "$f" "$tg" "$cf" "$tl" "$TMP/q.json" "$TMP/q.csv" >"$TMP/check.out" 2>&1; then ok; else
    bad "query_check $f $tg $cf $tl $*: $(tail -3 "$TMP/check.out")"
  fi
}
# the sweep's own target (P read from the file) at every temperature, and at two of them
check "$TMP/a.h5" 1.5e-3 0.95 all
grep -q 'P stored' "$TMP/check.out" && ok || bad "the sweep's own target was not read from the file: $(cat "$TMP/check.out")"
check "$TMP/a.h5" 1.5e-3 0.8 400,500
# other targets, recomputed from the replicate table, at two temperatures each
check "$TMP/a.h5" 1e-3 0.95 500,640
grep -q 'P recomputed' "$TMP/check.out" && ok || bad "another target was not recomputed: $(cat "$TMP/check.out")"
check "$TMP/a.h5" 3e-3 0.9 400,500,640
check "$TMP/a.h5" 5e-4 0.5 400
check "$TMP/n.h5" 2e-3 0.95 500,640
# every grid point inside the region (confidence 1e-9 takes any P > 0) and a region that is empty
check "$TMP/a.h5" 1e-3 1e-9 500
check "$TMP/a.h5" 3e-2 0.95 400 --allow-implausible
grep -q '^T = 400 K: 0 of' "$TMP/check.out" && ok || bad "30 mS/cm at 400 K qualifies somewhere: $(cat "$TMP/check.out")"

# recomputing the sweep's own target gives /sigma/p_exceed to the bit, and the file without a
# target (same seed, same replicates) the same P: the answers differ only in where P came from
norm() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); [j.pop(k) for k in ("p_source","kernel_isa","file","file_target_S_cm")]; print(json.dumps(j, sort_keys=True))' "$1"; }
"$SSOC" query "$TMP/a.h5" --sigma 1.5e-3 --points --json >"$TMP/read.json" || bad "query failed"
"$SSOC" query "$TMP/a.h5" --sigma 1.5e-3 --points --json --recompute >"$TMP/re.json" || bad "query --recompute failed"
"$SSOC" query "$TMP/n.h5" --sigma 1.5e-3 --points --json >"$TMP/nt.json" || bad "query of the file without target failed"
grep -Eq "\"p_source\":\s*\"file\"" "$TMP/read.json" && grep -Eq "\"p_source\":\s*\"recomputed\"" "$TMP/re.json" && ok ||
  bad "p_source not file / recomputed"
[ "$(norm "$TMP/read.json")" = "$(norm "$TMP/re.json")" ] && ok || bad "recomputed P differs from /sigma/p_exceed"
[ "$(norm "$TMP/read.json")" = "$(norm "$TMP/nt.json")" ] && ok || bad "the file without target answers differently"
# every grid point's P, not only the qualifying ones: confidence 1e-9 lists every point with P > 0
"$SSOC" query "$TMP/a.h5" --sigma 1.5e-3 --confidence 1e-9 --points --csv --recompute >"$TMP/all.csv" || bad "query failed"
"$PY" - "$TMP/a.h5" "$TMP/all.csv" <<'PYEOF' && ok || bad "recomputed P is not /sigma/p_exceed at every point"
import csv, h5py, numpy as np, sys
f = h5py.File(sys.argv[1], "r"); X = f["x"][:]; R = f["rho"][:]; T = list(f["T"][:])
pe = f["sigma/p_exceed"][:]
got = np.zeros_like(pe)
for r in csv.DictReader(open(sys.argv[2])):
    got[T.index(float(r["T_K"])), np.where(R == float(r["rho_g_cm3"]))[0][0], np.where(X == float(r["x"]))[0][0]] = float(r["p_exceed"])
assert np.array_equal(got, pe), np.argwhere(got != pe)[:5]
assert (pe > 0).sum() > 100
PYEOF

# a BCa sweep (leave-one-out sets in its kernel, none in P): the recomputation gives its P too
run_sweep 1 2 "$CFG" --set bootstrap.interval=bca -q -o "$TMP/b.h5" 2>"$TMP/b.err" || bad "BCa sweep failed: $(cat "$TMP/b.err")"
"$SSOC" query "$TMP/b.h5" --sigma 1.5e-3 --confidence 1e-9 --points --csv >"$TMP/b1.csv" &&
  "$SSOC" query "$TMP/b.h5" --sigma 1.5e-3 --confidence 1e-9 --points --csv --recompute >"$TMP/b2.csv" &&
  cmp -s "$TMP/b1.csv" "$TMP/b2.csv" && [ "$(wc -l <"$TMP/b1.csv")" -gt 100 ] && ok || bad "BCa file: recomputed P differs from /sigma/p_exceed"

# the text answer: a table row per temperature, the best designs, the answer in words
"$SSOC" query "$TMP/a.h5" --sigma 1.5e-3 --T 500 >"$TMP/t.txt" 2>&1 || bad "text query failed: $(cat "$TMP/t.txt")"
grep -q '^  P read from /sigma/p_exceed' "$TMP/t.txt" && grep -q '^answer: At 500 K, sigma >= 1.5 mS/cm with P >= 0.95 at [0-9]* of 1155 grid designs' "$TMP/t.txt" &&
  grep -q 'best inside the fitted x, v_f:' "$TMP/t.txt" && grep -q 'best anywhere on the grid:' "$TMP/t.txt" && ok ||
  bad "text answer: $(cat "$TMP/t.txt")"
"$SSOC" query "$TMP/a.h5" --sigma 5e-3 --T 500 >"$TMP/t.txt" 2>&1 || bad "text query failed"
grep -q '^answer: At 500 K, nowhere at P >= 0.95: the best is P = 0.[0-9]* at x = 0.79, .*, outside the fitted x; inside the fitted x and v_f, P = 0.[0-9]* at x = 0.75' "$TMP/t.txt" && ok ||
  bad "no 'nowhere': $(cat "$TMP/t.txt")"
"$SSOC" query "$TMP/a.h5" --sigma 2e-2 --T 500 --allow-implausible >"$TMP/t.txt" 2>&1 || bad "text query failed"
grep -q '^answer: At 500 K, nowhere at P >= 0.95: no replicate reaches 20 mS/cm at any grid point; the highest sigma is at x = 0.79' "$TMP/t.txt" &&
  ok || bad "no 'no replicate reaches': $(cat "$TMP/t.txt")"
"$SSOC" query "$TMP/a.h5" --sigma 1e-3 --T 640 >"$TMP/t.txt" 2>&1 || bad "text query failed"
grep -q '640 K is outside the fitted temperatures (500 K): every P here is an extrapolation in T' "$TMP/t.txt" && ok ||
  bad "640 K not said to be an extrapolation: $(grep answer "$TMP/t.txt")"
"$SSOC" query "$TMP/a.h5" --sigma 1e-3 --T 500 --recompute >"$TMP/t.txt" 2>&1 || bad "text query failed"
grep -q '^  P recomputed from the file.s replicate table (kernel .*, as the sweep ran)' "$TMP/t.txt" && ok ||
  bad "the recomputation does not name the sweep's kernel: $(sed -n 2p "$TMP/t.txt")"

# ssoc plot --sigma: the region drawn on the map. The vermillion of the hatch and outline lies on
# and around the qualifying grid points only, spans their extent, and the star marks the best
# design; no target reached anywhere draws nothing; SVG and PDF too; the answer follows the path.
cd "$TMP" || exit 1
"$SSOC" plot a.h5 --T 500 --sigma 1e-3 --confidence 0.9 -o region.png --verbose >region.out 2>region.err && ok ||
  bad "plot --sigma failed: $(cat region.err)"
[ "$(head -1 region.out)" = region.png ] && grep -q '^At 500 K, sigma >= 1 mS/cm with P >= 0.9 at ' region.out && ok ||
  bad "plot --sigma output: $(head -2 region.out)"
"$SSOC" query a.h5 --T 500 --sigma 1e-3 --confidence 0.9 --points --json >region.json || bad "query failed"
"$SSOC" plot a.h5 --T 500 --sigma 3e-2 --allow-implausible -o none.png --verbose >none.out 2>&1 || bad "plot failed: $(cat none.out)"
res=$("$PY" - region.png region.out region.json none.png none.out "$SSOC_SOURCE_DIR/tests" <<'PYEOF'
import json, sys, numpy as np
sys.path.insert(0, sys.argv[6]); from plotcheck import readpng, Layout
def vermillion(png, out):
    img, w, h, size = readpng(png); lay = Layout(out)
    assert (w, h) == (lay.W, lay.H) and 30_000 < size < 5_000_000, (w, h, size)
    fx0, fx1, fy0, fy1 = lay.panels[0]["frame"]; wx0, wx1, wy0, wy1 = lay.panels[0]["world"]
    # (230, 75, 0) drawn opaque, or anti-aliased on the map: red well above green, green above blue, little blue
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    m = (r > 170) & (r - g > 90) & (g - b > 25) & (b < 90)
    ys, xs = np.nonzero(m[int(fy0) + 3:int(fy1) - 2, int(fx0) + 3:int(fx1) - 2])
    X = wx0 + (xs + int(fx0) + 3 - fx0) / (fx1 - fx0) * (wx1 - wx0)
    R = wy1 - (ys + int(fy0) + 3 - fy0) / (fy1 - fy0) * (wy1 - wy0)
    return X, R, (wx1 - wx0), (wy1 - wy0)
X, R, sx, sr = vermillion(sys.argv[1], sys.argv[2])
q = json.load(open(sys.argv[3])); t = q["temperatures"][0]
pts = np.array([(p["x"], p["rho_g_cm3"]) for p in q["points"]])
assert t["n_region"] == len(pts) > 20, t["n_region"]
dx, dr = 0.17 / 34, 0.8 / 32  # the grid's steps
near = np.min(np.maximum(np.abs(X[:, None] - pts[None, :, 0]) / dx, np.abs(R[:, None] - pts[None, :, 1]) / dr), axis=1)
b = t["best"]; star = (np.abs(X - b["x"]) < 0.03 * sx) & (np.abs(R - b["rho_g_cm3"]) < 0.04 * sr)
msg = []
if len(X) < 500: msg.append(f"only {len(X)} vermillion pixels")
if np.mean((near <= 1.0) | star) < 0.995: msg.append(f"{np.mean(near > 1.0):.3%} of the vermillion lies off the region")
xr, rr = t["x_range"], t["rho_range"]
if not (X[~star].min() <= xr[0] + dx and X[~star].max() >= xr[1] - dx and R.min() <= rr[0] + dr and R.max() >= rr[1] - dr):
    msg.append(f"the vermillion spans x {X.min():.3f}-{X.max():.3f}, rho {R.min():.3f}-{R.max():.3f}; the region {xr} {rr}")
if star.sum() < 30: msg.append(f"no star at the best design ({b['x']}, {b['rho_g_cm3']})")
X2, R2, _, _ = vermillion(sys.argv[4], sys.argv[5])
if len(X2) > 0: msg.append(f"{len(X2)} vermillion pixels where no design reaches the target")
print("OK" if not msg else "; ".join(msg))
PYEOF
)
[ "$res" = OK ] && ok || bad "region on the map: $res"
"$SSOC" plot a.h5 --T 400,500 --sigma 1e-3 -o region.svg >/dev/null 2>region.err && grep -q '<svg' region.svg && ok ||
  bad "plot --sigma SVG: $(cat region.err)"
"$SSOC" plot a.h5 --sigma 1e-3 --field p_exceed -o region.pdf >/dev/null 2>region.err && [ "$(head -c 5 region.pdf)" = "%PDF-" ] &&
  ok || bad "plot --sigma --field p_exceed PDF: $(cat region.err)"
"$SSOC" plot n.h5 --sigma 1e-3 --field p_exceed -o nt.png >/dev/null 2>region.err && ok ||
  bad "p_exceed of a file without target with --sigma: $(cat region.err)"
expect_rc 1 "no P(sigma >= target) at 500 K: the sweep had no [target] sigma" -- "$SSOC" plot n.h5 --field p_exceed -o nt2.png
expect_rc 2 "--confidence needs --sigma" -- "$SSOC" plot a.h5 --confidence 0.9 -o x.png
expect_rc 2 "--field, --T, --sigma and --confidence apply to maps, not to --rules" -- "$SSOC" plot a.h5 --rules --sigma 1e-3
expect_rc 2 "it looks like mS/cm" -- "$SSOC" plot a.h5 --sigma 3 -o x.png
expect_rc 2 "option --sigma: the model's sigma peaks at" -- "$SSOC" plot a.h5 --T 400 --sigma 0.5 -o x.png
expect_rc 2 "it looks like a percentage" -- "$SSOC" plot a.h5 --sigma 1e-3 --confidence 90 -o x.png
[ ! -e x.png ] && ok || bad "a refused plot left x.png"
cd - >/dev/null || exit 1

# error paths: one line, exit 2 for usage, 1 for the file
expect_rc 2 "--T 900: not a temperature of $TMP/a.h5" -- "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --T 900
expect_rc 2 "(degrees Celsius? 226.85 C = 500 K: use --T 500)" -- "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --T 226.85
expect_rc 2 "option --sigma: 3 S/cm is above the plausible 1e-10 to 1 S/cm" -- "$SSOC" query "$TMP/a.h5" --sigma 3
expect_rc 2 "it looks like mS/cm (3 mS/cm = 0.003 S/cm)" -- "$SSOC" query "$TMP/a.h5" --sigma 3
expect_rc 2 "option --sigma: the model's sigma peaks at" -- "$SSOC" query "$TMP/a.h5" --sigma 0.5
expect_rc 2 "--allow-implausible to ask anyway" -- "$SSOC" query "$TMP/a.h5" --sigma 0.5 --T 400
expect_rc 0 "nowhere at P >= 0.95" -- "$SSOC" query "$TMP/a.h5" --sigma 0.5 --allow-implausible
expect_rc 2 "option --sigma: -1 is not a positive conductivity" -- "$SSOC" query "$TMP/a.h5" --sigma -1
expect_rc 2 "option --sigma: 'abc' is not a finite number" -- "$SSOC" query "$TMP/a.h5" --sigma abc
expect_rc 2 "missing --sigma TARGET" -- "$SSOC" query "$TMP/a.h5"
expect_rc 2 "option --confidence: 95 is not in (0, 1]: it looks like a percentage (use --confidence 0.95)" -- \
  "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --confidence 95
expect_rc 2 "option --confidence: 0 is not in (0, 1]" -- "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --confidence 0
expect_rc 2 "option --confidence: 1.5 is not in (0, 1]" -- "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --confidence 1.5
expect_rc 2 "option --confidence: 'high' is not a finite number" -- "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --confidence high
expect_rc 2 "option --confidence needs a value" -- "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --confidence
expect_rc 2 "--json and --csv exclude each other" -- "$SSOC" query "$TMP/a.h5" --sigma 1e-3 --json --csv
expect_rc 2 "unknown option '--sigam' (did you mean '--sigma'?)" -- "$SSOC" query "$TMP/a.h5" --sigam 1e-3
expect_rc 2 "missing OUT.h5" -- "$SSOC" query --sigma 1e-3
expect_rc 2 "unknown command 'qeury' (did you mean 'query'?)" -- "$SSOC" qeury "$TMP/a.h5" --sigma 1e-3
expect_rc 1 "$TMP/none.h5" -- "$SSOC" query "$TMP/none.h5" --sigma 1e-3
expect_rc 1 "$DATA: not an HDF5 file" -- "$SSOC" query "$DATA" --sigma 1e-3
cp "$TMP/a.h5" "$TMP/trunc.h5" && truncate -s 20000 "$TMP/trunc.h5"
expect_rc 1 "$TMP/trunc.h5" -- "$SSOC" query "$TMP/trunc.h5" --sigma 1e-3
expect_rc 0 "usage: ssoc query OUT.h5 --sigma TARGET" -- "$SSOC" query --help
finish
