#!/usr/bin/env bash
# ssoc plot: valid PNG/SVG/PDF of plausible size; the SVG names axes and units; on a known sweep the
# pixel at the sigma maximum is in the top colours of the colour bar and the low-sigma corner in the
# bottom ones; the MD markers carry their observed sigma in the map's colours and every contour label
# sits on its contour; several temperatures make a page-shaped grid; --scale scales the page; the
# corner plot leaves fixed parameters out; the parity plots of fit and validate name the right worst
# point and the sets' numbers; pictures are never overwritten without --force and no temporary file
# is left; a file that is not an ssoc sweep, a missing field, dataset or replicate table is a
# one-line error (exit 1), usage exit 2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
# a grid inside the fitted data (x 0.666-0.75, v_f -0.18..0.24 at 500 K): nothing veiled
run_sweep 1 2 "$CFG" --set grid.x=0.666:0.75:8 --set grid.rho=1.45:2.10:9 --set "grid.T=400,500,600" --set bootstrap.B=30 \
  -q -o "$TMP/s.h5" || bad "sweep failed"
cd "$TMP" || exit 1

"$SSOC" plot s.h5 --T 500 -o map.png --verbose >map.out 2>map.err && ok || bad "plot map failed: $(cat map.err)"
[ "$(head -1 map.out)" = map.png ] && ok || bad "plot did not print the picture path: $(head -1 map.out)"
[ ! -s map.err ] && ok || bad "plot wrote to stderr: $(cat map.err)"

# PNG: signature, IHDR size equals the reported page, plausible file size; decode it (zlib + the
# five PNG filters) and read colours at the sigma maximum and minimum against the colour bar
res=$("$PY" - map.png map.out s.h5 "$SSOC_SOURCE_DIR/tests" <<'PYEOF'
import sys, numpy as np, h5py
sys.path.insert(0, sys.argv[4]); from plotcheck import readpng, Layout, ColourBar
img, w, h, size = readpng(sys.argv[1]); lay = Layout(sys.argv[2])
assert (w, h) == (lay.W, lay.H), f"PNG is {w}x{h}, layout says {lay.W}x{lay.H}"
assert 30_000 < size < 5_000_000, f"implausible PNG size {size}"
fx0, fx1, fy0, fy1 = lay.panels[0]["frame"]
bar = ColourBar(img, lay)
level = lambda rgb: bar.level(rgb)[0]
f = h5py.File(sys.argv[3], "r"); X = f["x"][:]; R = f["rho"][:]; T = list(f["T"][:])
s = f["sigma/best"][T.index(500.0)]
def cell_colour(ir, ix):  # median colour of the central part of the node's cell
    px, py = lay.to_px(0, X[ix], R[ir])
    dx = 0.3 * (fx1 - fx0) / (len(X) - 1); dy = 0.3 * (fy1 - fy0) / (len(R) - 1)
    xa, xb = int(max(px - dx, fx0 + 2)), int(min(px + dx, fx1 - 2)); ya, yb = int(max(py - dy, fy0 + 2)), int(min(py + dy, fy1 - 2))
    return np.median(img[ya:yb, xa:xb].reshape(-1, 3), axis=0)
imax = np.unravel_index(np.argmax(s), s.shape); imin = np.unravel_index(np.argmin(s), s.shape)
lmax, lmin = level(cell_colour(*imax)), level(cell_colour(*imin))
corner = min(((0, 0), (0, len(X) - 1), (len(R) - 1, 0), (len(R) - 1, len(X) - 1)), key=lambda c: s[c])
lcorner = level(cell_colour(*corner))
ok = lmax >= 0.85 and lmin <= 0.12 and lcorner <= 0.2
print("OK" if ok else f"levels: max {lmax:.3f} at {imax}, min {lmin:.3f} at {imin}, low corner {lcorner:.3f}")
PYEOF
)
[ "$res" = OK ] && ok || bad "PNG colours: $res"

# The map's overlays (issue 17): the MD markers are filled with their OBSERVED sigma on the map's
# colour scale, every contour level carries a label that sits on its contour (the field interpolated
# at the label's place equals the level) on a light box, and the labels' values are in the legend.
res=$("$PY" - map.png map.out s.h5 "$SSOC_SOURCE_DIR/tests" <<'PYEOF'
import sys, numpy as np, h5py
sys.path.insert(0, sys.argv[4]); from plotcheck import readpng, Layout, ColourBar
img, w, h, size = readpng(sys.argv[1]); lay = Layout(sys.argv[2]); bar = ColourBar(img, lay)
f = h5py.File(sys.argv[3], "r"); X = f["x"][:]; R = f["rho"][:]; T = list(f["T"][:])
z = np.log10(1e3 * f["sigma/best"][T.index(500.0)])          # [rho][x], display units
lo, hi = lay.cbar_range; fx0, fx1, fy0, fy1 = lay.panels[0]["frame"]
d = f["fit/data"]; msg = []; nchecked = 0
for x, r, t, sg in zip(d["x"][:], d["rho"][:], d["T"][:], d["sigma"][:]):
    if t != 500.0: continue
    px, py = lay.to_px(0, x, r)
    if not (fx0 + 10 < px < fx1 - 10 and fy0 + 10 < py < fy1 - 10): continue
    c = np.median(img[int(py) - 2:int(py) + 3, int(px) - 2:int(px) + 3].reshape(-1, 3), axis=0)
    want = min(max((np.log10(1e3 * sg) - lo) / (hi - lo), 0), 1); got, dist = bar.level(c)
    nchecked += 1
    if dist > 40 or abs(got - want) > 0.08:
        msg.append(f"marker x={x} rho={r} sigma={sg}: colour {c} at level {got:.2f} (off the bar by {dist:.0f}), want {want:.2f}")
if nchecked < 6: msg.append(f"only {nchecked} markers inside the frame")
def field(x, r):  # bilinear in the node grid: exact on a cell edge, where the labels sit
    i = min(max(np.searchsorted(X, x) - 1, 0), len(X) - 2); j = min(max(np.searchsorted(R, r) - 1, 0), len(R) - 2)
    u = (x - X[i]) / (X[i + 1] - X[i]); v = (r - R[j]) / (R[j + 1] - R[j])
    return (1 - u) * (1 - v) * z[j, i] + u * (1 - v) * z[j, i + 1] + (1 - u) * v * z[j + 1, i] + u * v * z[j + 1, i + 1]
levels = sorted({l["level"] for l in lay.labels if l["panel"] == 0})
inside = [L for L in (e + np.log10(m) for e in range(-4, 4) for m in (1, 2, 5)) if z.min() < L < z.max()]
if not inside or len(levels) < len(inside): msg.append(f"labelled levels {levels}, levels inside the map {inside}")
for l in lay.labels:
    v = field(l["x"], l["rho"])
    if abs(v - l["level"]) > 0.01: msg.append(f"label {l['level']:.3f} at x={l['x']:.4f} rho={l['rho']:.4f} sits where the field is {v:.3f}")
    box = img[int(l["py"]) - 9:int(l["py"]) - 7, int(l["px"]) - 3:int(l["px"]) + 4]  # inside the box, above the text
    if np.median(box) < 170: msg.append(f"no light label box at {l['px']:.0f},{l['py']:.0f}")
print("OK" if not msg else "; ".join(msg[:4]))
PYEOF
)
[ "$res" = OK ] && ok || bad "map overlays: $res"

# SVG: well-formed XML naming the axes and units (in <title>/<desc>); PDF: header, trailer, size
"$SSOC" plot s.h5 -o map.svg >/dev/null && ok || bad "svg failed"
res=$("$PY" -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot(); ns = "{http://www.w3.org/2000/svg}"
d = t.find(ns + "desc").text; ti = t.find(ns + "title").text
need = ["Li2S fraction x", "density rho (g/cm3)", "sigma (mS/cm)", "free volume v_f", "Temperature: 500 K", "95% confidence band",
        "labelled contours of sigma at", "MD data filled with their observed sigma"]
miss = [n for n in need if n not in d]
import os; sz = os.path.getsize(sys.argv[1])
print("OK" if not miss and "conductivity" in ti and 50_000 < sz < 20_000_000 else f"missing {miss} in {d!r}, size {sz}")' map.svg 2>&1)
[ "$res" = OK ] && ok || bad "SVG: $res"
"$SSOC" plot s.h5 -o map.pdf >/dev/null && ok || bad "pdf failed"
[ "$(head -c 5 map.pdf)" = "%PDF-" ] && tail -c 16 map.pdf | grep -q '%%EOF' && [ "$(stat -c %s map.pdf)" -gt 10000 ] && ok ||
  bad "map.pdf is not a plausible PDF"

# other fields, small multiples, the rule picture, parameter histograms from the sweep and from ssoc fit
for f in median lo hi width p_exceed; do
  "$SSOC" plot s.h5 --field $f -o "f_$f.png" >/dev/null 2>&1 && [ "$(head -c 4 "f_$f.png" | tail -c 3)" = PNG ] && ok ||
    bad "field $f"
done
"$SSOC" plot s.h5 --T 400,500 -o multi.png --verbose >multi.out && grep -c '^panel' multi.out | grep -qx 2 && ok ||
  bad "small multiples: $(cat multi.out)"
grep -q '^panel 0 T_K 400 ' multi.out && grep -q '^panel 1 T_K 500 ' multi.out && ok || bad "panel temperatures: $(cat multi.out)"
# several temperatures: a grid that fits a page (A4 portrait to landscape), not a strip of panels
# (it was 3.6:1 for three), at most 2000 px wide so the 17 px text stays readable at page size
for Ts in 400,500 400,500,600; do
  "$SSOC" plot s.h5 --T $Ts -o "grid_$Ts.png" --verbose --force >grid.out && awk '/^page/ { a = $2 / $4; exit !(a >= 0.65 && a <= 1.5 && $2 <= 2000) }' grid.out &&
    ok || bad "--T $Ts: page $(grep ^page grid.out) is not a page-shaped grid"
done
grep -c '^panel' grid.out | grep -qx 3 && ok || bad "three panels: $(cat grid.out)"
# the Arrhenius plot (issue 17): PNG, SVG and PDF render, with a chosen (x, rho) curve
"$SSOC" plot s.h5 --arrhenius --at 0.75,1.74 -o arr.png >/dev/null 2>arr.err && [ "$(head -c 4 arr.png | tail -c 3)" = PNG ] &&
  [ "$(stat -c %s arr.png)" -gt 30000 ] && ok || bad "arrhenius png: $(cat arr.err)"
"$SSOC" plot s.h5 --arrhenius -o arr.svg >/dev/null && grep -q "Arrhenius plot" arr.svg && grep -q "1000/T" arr.svg && ok ||
  bad "arrhenius svg"
"$SSOC" plot s.h5 --arrhenius -o arr.pdf >/dev/null && [ "$(head -c 5 arr.pdf)" = "%PDF-" ] && ok || bad "arrhenius pdf"
expect_rc 2 "plot: --at: '0.75' is not X,RHO" -- "$SSOC" plot s.h5 --arrhenius --at 0.75 -o arr2.png
expect_rc 2 "plot: option --at: 1740 g/cm3 is above the plausible" -- "$SSOC" plot s.h5 --arrhenius --at 0.75,1740 -o arr2.png
expect_rc 2 "plot: --at applies to --arrhenius" -- "$SSOC" plot s.h5 --at 0.75,1.74 -o arr2.png
[ -e arr2.png ] && bad "a refused --arrhenius left arr2.png" || ok
# a temperature the file does not have is refused (issue 17: it silently drew the nearest one), nothing written
expect_rc 2 "plot: --T 390: not a temperature of s.h5; it has T = 400, 500, 600 K (no interpolation" -- "$SSOC" plot s.h5 --T 390,520 -o near.png
[ -e near.png ] && bad "a refused --T left near.png" || ok
"$SSOC" plot s.h5 --rules -o rules.png >/dev/null && [ "$(stat -c %s rules.png)" -gt 20000 ] && ok || bad "--rules failed"
"$SSOC" plot s.h5 --params -o params.svg >/dev/null && grep -q 'alpha_E (eV)' params.svg && ok || bad "--params from h5 failed"
"$SSOC" fit "$DATA" --boot 30 -o p.json >/dev/null 2>&1 || bad "ssoc fit --boot failed"
"$SSOC" plot p.json --params -o p.png >/dev/null && [ "$(stat -c %s p.png)" -gt 20000 ] && ok || bad "--params from json failed"
"$SSOC" fit "$DATA" -o nob.json >/dev/null 2>&1 || bad "ssoc fit failed"
expect_rc 1 "nob.json: no bootstrap replicate table" -- "$SSOC" plot nob.json --params -o nob.png

# --scale: the whole page at that size (the PNG and the layout agree), out of range refused
"$SSOC" plot s.h5 --T 500 --scale 0.5 -o half.png --verbose >half.out && ok || bad "--scale 0.5"
res=$("$PY" - half.png half.out map.out "$SSOC_SOURCE_DIR/tests" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[4]); from plotcheck import readpng, Layout
img, w, h, size = readpng(sys.argv[1]); half = Layout(sys.argv[2]); full = Layout(sys.argv[3])
ok = (w, h) == (half.W, half.H) and abs(w - full.W / 2) <= 1 and abs(h - full.H / 2) <= 1 and \
     all(abs(a - b / 2) < 1 for a, b in zip(half.cbar + half.panels[0]["frame"], full.cbar + full.panels[0]["frame"]))
print("OK" if ok else f"half {w}x{h} {half.cbar} {half.panels[0]['frame']}; full {full.W}x{full.H} {full.cbar} {full.panels[0]['frame']}")
PYEOF
)
[ "$res" = OK ] && ok || bad "--scale 0.5 layout: $res"
expect_rc 2 "plot: --scale: 5 is outside 0.25 to 4" -- "$SSOC" plot s.h5 --scale 5 -o big.png
[ -e big.png ] && bad "a refused --scale left big.png" || ok

# the corner plot (issue 17): PNG/SVG/PDF from a parameter file and from a sweep file; fixed
# parameters are left out and named; a table without enough free parameters, or none, is refused
"$SSOC" plot p.json --corner -o c.png >/dev/null && [ "$(head -c 4 c.png | tail -c 3)" = PNG ] && [ "$(stat -c %s c.png)" -gt 50000 ] &&
  ok || bad "--corner png from json"
"$SSOC" plot s.h5 --corner -o c.pdf >/dev/null && [ "$(head -c 5 c.pdf)" = "%PDF-" ] && ok || bad "--corner pdf from h5"
"$SSOC" plot s.h5 --corner >/dev/null && [ -s s_corner.png ] && ok || bad "--corner default name"
"$SSOC" fit "$DATA" --fix v_c=0.125 --fix n_H=3 --boot 40 -o fix.json >/dev/null 2>&1 || bad "fit --fix --boot failed"
"$SSOC" plot fix.json --corner -o c.svg >/dev/null && ok || bad "--corner svg"
res=$("$PY" -c '
import sys, re, xml.etree.ElementTree as ET
d = ET.parse(sys.argv[1]).getroot().find("{http://www.w3.org/2000/svg}desc").text
m = re.search(r"of (\d+) free parameters \((.*)\) over", d)
names = m.group(2) if m else ""
want = "E0 (eV), alpha_E (eV), beta0, beta1, beta2, beta3"
print("OK" if m and m.group(1) == "6" and names == want and "over 40 fitted bootstrap replicates" in d else f"desc: {d}")' c.svg)
[ "$res" = OK ] && ok || bad "corner of a fit with v_c, n_H fixed: $res"
"$SSOC" fit "$DATA" --fix E0=0.32 --fix alpha_E=0.16 --fix v_c=0.12 --fix n_H=2.7 --fix beta0=-8 --fix beta1=6 --fix beta2=3 \
  --boot 20 -o one.json >/dev/null 2>&1 || bad "fit with 7 fixed failed"
expect_rc 1 "one.json: a corner plot needs at least 2 free parameters that vary over the replicates; the table has 1" -- \
  "$SSOC" plot one.json --corner -o one.png
expect_rc 1 "nob.json: no bootstrap replicate table" -- "$SSOC" plot nob.json --corner -o nob.png
expect_rc 2 "--field, --T, --sigma and --confidence apply to maps, not to --corner" -- "$SSOC" plot p.json --corner --T 500 -o c2.png
[ -e one.png ] || [ -e nob.png ] || [ -e c2.png ] && bad "a refused corner plot left a file" || ok

# the parity plot of a fit (issue 17): every point, the worst one named (checked against validate's
# own per-row predictions of the same fit), bands from --boot said to be confidence bands of the mean
"$SSOC" fit "$DATA" --parity fit_par.png >fit_par.out 2>&1 && [ "$(head -c 4 fit_par.png | tail -c 3)" = PNG ] &&
  [ "$(stat -c %s fit_par.png)" -gt 30000 ] && grep -q "parity plot written: fit_par.png" fit_par.out && ok || bad "fit --parity png: $(cat fit_par.out)"
"$SSOC" fit "$DATA" --boot 30 --parity fit_par.svg >/dev/null 2>&1 && ok || bad "fit --boot --parity svg"
"$SSOC" fit "$DATA" --parity fit_par.pdf >/dev/null 2>&1 && [ "$(head -c 5 fit_par.pdf)" = "%PDF-" ] && ok || bad "fit --parity pdf"
"$SSOC" validate "$DATA" --data "$DATA" --csv >self.csv 2>/dev/null || bad "validate --csv of the training data"
res=$("$PY" -c '
import sys, csv, math, xml.etree.ElementTree as ET
rows = list(csv.DictReader(open(sys.argv[2])))
worst = max(rows, key=lambda r: abs(float(r["log10_err"])))
d = ET.parse(sys.argv[1]).getroot().find("{http://www.w3.org/2000/svg}desc").text
wl = worst["line"]
want = [f"Training: kim2026_lps_aimd_500K.csv, {len(rows)} points at 500 K", f"worst at line {wl} ",
        "confidence band of the mean model", "circles PCC, triangles SCC"]
miss = [w for w in want if w not in d]
print("OK" if not miss and "Held out" not in d else f"missing {miss} in {d}")' fit_par.svg self.csv)
[ "$res" = OK ] && ok || bad "fit parity: $res"

# validate --parity: held-out points over the training data, each set with its numbers; the median
# ratio is validate's; without a readable training file only the held-out points, said so
EXT="$SSOC_SOURCE_DIR/data/zhou2024_mlff_300K.csv"
"$SSOC" validate "$EXT" --json >val.json 2>/dev/null || bad "validate --json"
"$SSOC" validate "$EXT" --parity val_par.svg >val_par.out 2>&1 && grep -q "parity plot written: val_par.svg" val_par.out && ok ||
  bad "validate --parity: $(cat val_par.out)"
res=$("$PY" -c '
import sys, json, xml.etree.ElementTree as ET
v = json.load(open(sys.argv[2]))["summary"]
d = ET.parse(sys.argv[1]).getroot().find("{http://www.w3.org/2000/svg}desc").text
want = ["Training: kim2026_lps_aimd_500K.csv, 23 points at 500 K", "Held out: zhou2024_mlff_300K.csv, 3 points at 300 K",
        "median ratio %.3g" % v["median_ratio"], "0 within a factor of 2", "diamonds regime not given"]
miss = [w for w in want if w not in d]
print("OK" if not miss else f"missing {miss} in {d}")' val_par.svg val.json)
[ "$res" = OK ] && ok || bad "validate parity: $res"
"$SSOC" validate "$EXT" --data "$DATA" --boot 30 --parity val_par.png >/dev/null 2>&1 && [ "$(stat -c %s val_par.png)" -gt 30000 ] && ok ||
  bad "validate --data --boot --parity png"
cp "$DATA" moved.csv && "$SSOC" fit moved.csv -o moved.json >/dev/null 2>&1 && rm moved.csv || bad "fit moved.csv"
"$SSOC" validate "$EXT" --params moved.json --parity moved.svg >/dev/null 2>&1 && grep -q "training data moved.csv not readable: held-out points only" moved.svg &&
  ! grep -q "Training:" moved.svg && ok || bad "validate --parity without the training file: $(grep -o '<desc>.*' moved.svg | head -c 400)"
# refused before any work: a bad type, an existing picture without --force (nothing else written)
expect_rc 2 "--parity par.jpg: the picture type comes from the extension" -- "$SSOC" fit "$DATA" --parity par.jpg
sum=$(md5sum fit_par.png)
expect_rc 1 "fit_par.png exists; refusing to overwrite it (use --force)" -- "$SSOC" fit "$DATA" -o new.json --parity fit_par.png
[ ! -e new.json ] && [ "$(md5sum fit_par.png)" = "$sum" ] && ok || bad "a refused --parity wrote new.json or changed the picture"
expect_rc 1 "val_par.png exists; refusing to overwrite it (use --force)" -- "$SSOC" validate "$EXT" --parity val_par.png
"$SSOC" fit "$DATA" --parity fit_par.png --force >/dev/null 2>&1 && ok || bad "fit --parity --force"
expect_rc 2 "unknown option '--parit' (did you mean '--parity'?)" -- "$SSOC" validate "$EXT" --parit x.png

# default name: INPUT_sigma_FIELD_TK.png in the current directory
"$SSOC" plot s.h5 --T 500 >/dev/null && [ -s s_sigma_best_500K.png ] && ok || bad "default output name"

# never overwrite without --force; no temporary files left behind
sum=$(md5sum map.png)
expect_rc 1 "map.png exists; refusing to overwrite it (use --force)" -- "$SSOC" plot s.h5 -o map.png
[ "$(md5sum map.png)" = "$sum" ] && ok || bad "map.png changed without --force"
"$SSOC" plot s.h5 --T 400 -o map.png --force >/dev/null && [ "$(md5sum map.png)" != "$sum" ] && ok || bad "--force did not replace"
ls -a | grep -q '\.tmp' && bad "temporary files left: $(ls -a | grep tmp)" || ok

# bad inputs: one line, exit 1; usage: exit 2; nothing written
echo "x,rho" >text.csv
expect_rc 1 "ssoc: plot: text.csv: not an HDF5 file" -- "$SSOC" plot text.csv -o e1.png
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"w"); f["x"]=[1.0]' other.h5
expect_rc 1 "ssoc: plot: other.h5: not an ssoc sweep file" -- "$SSOC" plot other.h5 -o e2.png
sed -e '/^sigma = /d' -e "s|^file = .*|file = $DATA|" "$CFG" >nt.ini
run_sweep 1 1 nt.ini -q -o nt.h5 || bad "the sweep without a target failed"
expect_rc 1 "no P(sigma >= target) at 500 K: the sweep had no [target] sigma and no query target" -- "$SSOC" plot nt.h5 --field p_exceed -o e3.png
cp s.h5 miss.h5
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r+"); del f["sigma/median"]' miss.h5
expect_rc 1 "ssoc: plot: miss.h5: no dataset /sigma/median" -- "$SSOC" plot miss.h5 -o e4.png
head -c 40000 s.h5 >trunc.h5
expect_rc 1 "trunc.h5: HDF5 cannot open it: truncated or damaged file" -- "$SSOC" plot trunc.h5 -o e5.png
cp s.h5 newer.h5
"$PY" -c 'import h5py,sys,numpy as np; f=h5py.File(sys.argv[1],"r+"); f.attrs["ssoc_format"]=np.int64(3)' newer.h5
expect_rc 1 "sweep file format 3 is newer" -- "$SSOC" plot newer.h5 -o e6.png
ls e?.png >/dev/null 2>&1 && bad "a picture was written on error: $(ls e?.png)" || ok
expect_rc 2 "--field: 'bogus' is not best" -- "$SSOC" plot s.h5 --field bogus -o x.png
expect_rc 2 "the picture type comes from the extension" -- "$SSOC" plot s.h5 -o x.jpg
expect_rc 2 "--T: 'abc' is not a positive temperature" -- "$SSOC" plot s.h5 --T abc -o x.png
expect_rc 2 "--rules, --params, --corner and --arrhenius exclude each other" -- "$SSOC" plot s.h5 --rules --params
expect_rc 2 "missing input file" -- "$SSOC" plot
expect_rc 0 "usage: ssoc plot" -- "$SSOC" plot --help
finish
