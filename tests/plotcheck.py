"""Reading ssoc's pictures back in the plot tests (tests/cli_plot.sh): a PNG decoder (zlib and the
five PNG filters, numpy only), the page layout that `ssoc plot --verbose` prints, and the position
of a colour on the map's colour bar."""
import struct
import zlib

import numpy as np


def readpng(path):
    """(pixels [h][w][3] as float, width, height, file size) of an 8-bit RGB or RGBA PNG."""
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat = 8, b""
    while i < len(d):
        n, = struct.unpack(">I", d[i:i + 4])
        t = d[i + 4:i + 8]
        c = d[i + 8:i + 8 + n]
        i += 12 + n
        if t == b"IHDR":
            w, h, bd, ct = struct.unpack(">IIBB", c[:10])
        elif t == b"IDAT":
            idat += c
    assert bd == 8 and ct in (2, 6)
    ch = 3 if ct == 2 else 4
    raw = zlib.decompress(idat)
    st = w * ch
    out = np.zeros((h, st), np.uint8)
    prev = np.zeros(st, np.int64)
    pos = 0
    for y in range(h):
        f = raw[pos]
        line = np.frombuffer(raw, np.uint8, st, pos + 1).astype(np.int64)
        pos += 1 + st
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 255
        elif f == 1:
            cur = line.reshape(-1, ch).cumsum(axis=0).reshape(-1) & 255
        else:
            cur = np.zeros(st, np.int64)
            L = line.tolist()
            P = prev.tolist()
            C = [0] * st
            for x in range(st):
                a = C[x - ch] if x >= ch else 0
                b = P[x]
                c_ = P[x - ch] if x >= ch else 0
                if f == 3:
                    v = L[x] + ((a + b) >> 1)
                else:
                    p = a + b - c_
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c_)
                    v = L[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c_)
                C[x] = v & 255
            cur = np.array(C, np.int64)
        out[y] = cur
        prev = cur
    return out.reshape(h, w, ch)[:, :, :3].astype(float), w, h, len(d)


class Layout:
    """What `ssoc plot --verbose` printed: page size, panels, colour bar, contour labels."""

    def __init__(self, path):
        lines = open(path).read().split("\n")
        page = [l for l in lines if l.startswith("page")][0].split()
        self.W, self.H = int(page[1]), int(page[3])
        self.panels = []
        for l in lines:
            if l.startswith("panel "):
                p = l.split()
                self.panels.append(dict(T=float(p[3]), frame=tuple(map(float, p[5:9])),
                                        world=tuple(map(float, p[10:14]))))
        cb = [l for l in lines if l.startswith("colorbar")][0].split()
        self.cbar = tuple(map(float, cb[2:6]))
        self.cbar_range = (float(cb[7]), float(cb[8]))
        self.cbar_log = cb[9] == "log10"
        # "contour_label PANEL LEVEL px PX PY world X RHO"
        self.labels = []
        for l in lines:
            if l.startswith("contour_label "):
                p = l.split()
                self.labels.append(dict(panel=int(p[1]), level=float(p[2]), px=float(p[4]), py=float(p[5]),
                                        x=float(p[7]), rho=float(p[8])))

    def to_px(self, panel, x, rho):
        """Pixel (column, row) of world point (x, rho) in panel `panel`."""
        fx0, fx1, fy0, fy1 = self.panels[panel]["frame"]
        wx0, wx1, wy0, wy1 = self.panels[panel]["world"]
        return fx0 + (x - wx0) / (wx1 - wx0) * (fx1 - fx0), fy1 - (rho - wy0) / (wy1 - wy0) * (fy1 - fy0)


class ColourBar:
    """Position (0 bottom .. 1 top) on the colour bar of the colour nearest a given RGB."""

    def __init__(self, img, lay):
        cx0, cx1, cy0, cy1 = lay.cbar
        self.col = img[int(cy0) + 3:int(cy1) - 2, int((cx0 + cx1) / 2)]

    def level(self, rgb):
        k = np.argmin(((self.col - rgb) ** 2).sum(axis=1))
        return 1 - k / (len(self.col) - 1), float(np.sqrt(((self.col[k] - rgb) ** 2).sum()))
