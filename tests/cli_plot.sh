#!/usr/bin/env bash
# ssoc plot: valid PNG/SVG/PDF of plausible size; the SVG names axes and units; on a known sweep the
# pixel at the sigma maximum is in the top colours of the colour bar and the low-sigma corner in the
# bottom ones; pictures are never overwritten without --force and no temporary file is left; a file
# that is not an ssoc sweep, a missing field or dataset is a one-line error (exit 1), usage exit 2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
# a grid inside the fitted data (x 0.666-0.75, v_f -0.18..0.24 at 500 K): nothing veiled
run_sweep 1 2 "$CFG" --set grid.x=0.666:0.75:8 --set grid.rho=1.45:2.10:9 --set "grid.T=400,500" --set bootstrap.B=30 \
  -q -o "$TMP/s.h5" || bad "sweep failed"
cd "$TMP" || exit 1

"$SSOC" plot s.h5 --T 500 -o map.png --verbose >map.out 2>map.err && ok || bad "plot map failed: $(cat map.err)"
[ "$(head -1 map.out)" = map.png ] && ok || bad "plot did not print the picture path: $(head -1 map.out)"
[ ! -s map.err ] && ok || bad "plot wrote to stderr: $(cat map.err)"

# PNG: signature, IHDR size equals the reported page, plausible file size; decode it (zlib + the
# five PNG filters) and read colours at the sigma maximum and minimum against the colour bar
res=$("$PY" - map.png map.out s.h5 <<'PYEOF'
import struct, sys, zlib, numpy as np, h5py
def readpng(path):
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat = 8, b""
    while i < len(d):
        n, = struct.unpack(">I", d[i:i + 4]); t = d[i + 4:i + 8]; c = d[i + 8:i + 8 + n]; i += 12 + n
        if t == b"IHDR": w, h, bd, ct = struct.unpack(">IIBB", c[:10])
        elif t == b"IDAT": idat += c
    assert bd == 8 and ct in (2, 6)
    ch = 3 if ct == 2 else 4; raw = zlib.decompress(idat); st = w * ch
    out = np.zeros((h, st), np.uint8); prev = np.zeros(st, np.int64); pos = 0
    for y in range(h):
        f = raw[pos]; line = np.frombuffer(raw, np.uint8, st, pos + 1).astype(np.int64); pos += 1 + st
        if f == 0: cur = line
        elif f == 2: cur = (line + prev) & 255
        elif f == 1:
            cur = line.reshape(-1, ch).cumsum(axis=0).reshape(-1) & 255
        else:
            cur = np.zeros(st, np.int64); L = line.tolist(); P = prev.tolist(); C = [0] * st
            for x in range(st):
                a = C[x - ch] if x >= ch else 0; b = P[x]; c_ = P[x - ch] if x >= ch else 0
                if f == 3: v = L[x] + ((a + b) >> 1)
                else:
                    p = a + b - c_; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c_)
                    v = L[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c_)
                C[x] = v & 255
            cur = np.array(C, np.int64)
        out[y] = cur; prev = cur
    return out.reshape(h, w, ch)[:, :, :3].astype(float), w, h, len(d)
img, w, h, size = readpng(sys.argv[1])
lay = open(sys.argv[2]).read().split("\n")
page = [l for l in lay if l.startswith("page")][0].split(); W, H = int(page[1]), int(page[3])
assert (w, h) == (W, H), f"PNG is {w}x{h}, layout says {W}x{H}"
assert 30_000 < size < 5_000_000, f"implausible PNG size {size}"
pan = [l for l in lay if l.startswith("panel 0")][0].split()
fx0, fx1, fy0, fy1 = map(float, pan[5:9]); wx0, wx1, wy0, wy1 = map(float, pan[10:14])
cb = [l for l in lay if l.startswith("colorbar")][0].split()
cx0, cx1, cy0, cy1 = map(float, cb[2:6])
# colour bar: the column in its middle, from top (high) to bottom (low), 3 px inside the frame
col = img[int(cy0) + 3:int(cy1) - 2, int((cx0 + cx1) / 2)]
def level(rgb):  # 1 = top of the colour bar, 0 = bottom
    k = np.argmin(((col - rgb) ** 2).sum(axis=1)); return 1 - k / (len(col) - 1)
f = h5py.File(sys.argv[3], "r"); X = f["x"][:]; R = f["rho"][:]; T = list(f["T"][:])
s = f["sigma/best"][T.index(500.0)]
def cell_colour(ir, ix):  # median colour of the central part of the node's cell
    px = fx0 + (X[ix] - wx0) / (wx1 - wx0) * (fx1 - fx0); py = fy1 - (R[ir] - wy0) / (wy1 - wy0) * (fy1 - fy0)
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

# SVG: well-formed XML naming the axes and units (in <title>/<desc>); PDF: header, trailer, size
"$SSOC" plot s.h5 -o map.svg >/dev/null && ok || bad "svg failed"
res=$("$PY" -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot(); ns = "{http://www.w3.org/2000/svg}"
d = t.find(ns + "desc").text; ti = t.find(ns + "title").text
need = ["Li2S fraction x", "density rho (g/cm3)", "sigma (mS/cm)", "free volume v_f", "Temperature: 500 K", "95% band"]
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
expect_rc 2 "plot: --T 390: not a temperature of s.h5; it has T = 400, 500 K (no interpolation" -- "$SSOC" plot s.h5 --T 390,520 -o near.png
[ -e near.png ] && bad "a refused --T left near.png" || ok
"$SSOC" plot s.h5 --rules -o rules.png >/dev/null && [ "$(stat -c %s rules.png)" -gt 20000 ] && ok || bad "--rules failed"
"$SSOC" plot s.h5 --params -o params.svg >/dev/null && grep -q 'alpha_E (eV)' params.svg && ok || bad "--params from h5 failed"
"$SSOC" fit "$DATA" --boot 30 -o p.json >/dev/null 2>&1 || bad "ssoc fit --boot failed"
"$SSOC" plot p.json --params -o p.png >/dev/null && [ "$(stat -c %s p.png)" -gt 20000 ] && ok || bad "--params from json failed"
"$SSOC" fit "$DATA" -o nob.json >/dev/null 2>&1 || bad "ssoc fit failed"
expect_rc 1 "nob.json: no bootstrap replicate table" -- "$SSOC" plot nob.json --params -o nob.png
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
expect_rc 1 "no /sigma/p_exceed: the sweep had no [target] sigma" -- "$SSOC" plot nt.h5 --field p_exceed -o e3.png
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
expect_rc 2 "--rules, --params and --arrhenius exclude each other" -- "$SSOC" plot s.h5 --rules --params
expect_rc 2 "missing input file" -- "$SSOC" plot
expect_rc 0 "usage: ssoc plot" -- "$SSOC" plot --help
finish
