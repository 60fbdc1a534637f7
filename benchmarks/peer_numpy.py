#!/usr/bin/python3
"""NumPy peer of the ssoc sweep (issue 7): the same model (docs/MODEL.md, "Conductivity": the fast
form where k_B T cancels) and the same percentile bands, written the way a competent NumPy user
would: vectorised over grid columns x replicates x temperatures, np.quantile (type 7, "linear") over
the replicate axis, in chunks of columns so memory stays bounded (never the whole grid x B cube).

It reads everything it needs from an ssoc sweep file (h5py, no ssoc code): the grid (/x, /rho, /T), the
point parameters (/fit/params), the replicate table (/fit/params_boot; failed replicates are NaN
rows and are dropped, as ssoc drops them) and the band levels (attribute "quantile" of /sigma/lo
and /sigma/hi), so both programs use the very same replicates and levels. Only h5py reading is
outside the timed region.

usage: /usr/bin/python3 peer_numpy.py SWEEP.h5 [--repeat N] [--check] [--chunk-mb M]

Prints one line per timed run ("peer run K: S s"), then "peer best S s median S s"; with --check
compares best/median/lo/hi with the file's /sigma datasets and prints the largest relative
difference and the fraction of bitwise-equal values (exit 1 if any relative difference exceeds
1e-12).
"""
import argparse
import sys
import time

import h5py
import numpy as np

# docs/MODEL.md, "Constants" (exact SI unless noted)
KB_J_K = 1.380649e-23
H_J_S = 6.62607015e-34
NA_MOL = 6.02214076e23
E_C = 1.602176634e-19
M_LI, M_P, M_S = 6.941, 30.974, 32.065
R_S_CM = 1.84 * 1e-8  # as ssoc computes it
ETA_RCP = 0.64
KB_EV_K = KB_J_K / E_C
V_S_CM3 = (4.0 / 3.0) * np.pi * R_S_CM * R_S_CM * R_S_CM
LN_C = np.log(E_C * E_C / (6.0 * H_J_S))


def column_constants(x, rho):
    """Per (x, rho) column: v_f, ln v_f (0 where v_f <= 0) and c0 = ln(e^2/6h) + ln(n_Li)/3."""
    M = 2.0 * x * M_LI + 2.0 * (1.0 - x) * M_P + (5.0 - 4.0 * x) * M_S
    rho0 = M / (NA_MOL * (5.0 - 4.0 * x) * V_S_CM3 / ETA_RCP)
    vf = 1.0 - rho / rho0
    n_li = rho * NA_MOL * 2.0 * x / M
    ln_vf = np.log(np.where(vf > 0.0, vf, 1.0))
    return vf, ln_vf, LN_C + np.log(n_li) / 3.0


def set_constants(params):
    """Per parameter set (rows of P x 8): E0/k_B, alpha_E/k_B [K], ln v_c, n_H, beta0..3 as 1 x P rows."""
    p = np.atleast_2d(params)
    inv_kB = 1.0 / KB_EV_K
    return (p[:, 0] * inv_kB, p[:, 1] * inv_kB, np.log(p[:, 2]), p[:, 3], p[:, 4], p[:, 5], p[:, 6], p[:, 7])


def sigma_block(sets, x, vf, ln_vf, c0, inv_T, out):
    """sigma [S/cm] of every parameter set at the columns: out[t, c, j] for inverse temperatures
    inv_T. Only (column, set) quantities are computed before the temperature axis is broadcast:
    g = ln prefactor + ln f_eff - ln(1 + (v_f/v_c)^n_H) and A = (E0 - alpha_E v_f)/k_B, then
    sigma = exp(g - A/T) (k_B T cancels: docs/MODEL.md, "Conductivity"). Same operation order as
    ssoc's kernel."""
    A0, A1, lvc, nH, b0, b1, b2, b3 = (a[None, :] for a in sets)
    xc, vfc, c0c = x[:, None], vf[:, None], c0[:, None]
    g = c0c + b0 + b1 * xc + b2 * vfc + b3 * (vfc * vfc)
    gated = vf > 0.0
    if gated.any():
        gate = np.log1p(np.exp(nH * (ln_vf[:, None] - lvc)))
        g -= np.where(gated[:, None], gate, 0.0)
    A = A0 - A1 * vfc
    np.multiply(A[None, :, :], inv_T[:, None, None], out=out)
    np.subtract(g[None, :, :], out, out=out)
    np.exp(out, out=out)
    return out


def peer_sweep(x_axis, rho_axis, T_axis, best, table, levels, chunk_mb=64.0):
    """Best, median, lo, hi as [nT][nrho][nx] arrays (the ssoc layout)."""
    nx, nrho, nT = len(x_axis), len(rho_axis), len(T_axis)
    ncols = nx * nrho
    B = table.shape[0]
    inv_T = 1.0 / np.asarray(T_axis, dtype=np.float64)
    xs = np.tile(x_axis, nrho)          # column c = irho * nx + ix
    rhos = np.repeat(rho_axis, nx)
    vf, ln_vf, c0 = column_constants(xs, rhos)
    sets, bset = set_constants(table), set_constants(best)
    cols = max(1, int(chunk_mb * 2 ** 20 / (8 * nT * B)))
    res = {k: np.empty((nT, ncols)) for k in ("best", "median", "lo", "hi")}
    q = np.array([levels[0], 0.5, levels[1]])
    buf = np.empty((nT, cols, B))
    bbuf = np.empty((nT, cols, 1))
    for c_lo in range(0, ncols, cols):
        c_hi = min(ncols, c_lo + cols)
        w = c_hi - c_lo
        sl = slice(c_lo, c_hi)
        v = sigma_block(sets, xs[sl], vf[sl], ln_vf[sl], c0[sl], inv_T, buf[:, :w, :])
        qs = np.quantile(v, q, axis=-1, overwrite_input=True)   # linear = type 7
        res["lo"][:, sl], res["median"][:, sl], res["hi"][:, sl] = qs[0], qs[1], qs[2]
        res["best"][:, sl] = sigma_block(bset, xs[sl], vf[sl], ln_vf[sl], c0[sl], inv_T, bbuf[:, :w, :])[:, :, 0]
    return {k: a.reshape(nT, nrho, nx) for k, a in res.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sweep", help="an ssoc sweep output file (HDF5)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs after one warm-up (default 3)")
    ap.add_argument("--check", action="store_true", help="compare with the file's /sigma datasets")
    ap.add_argument("--chunk-mb", type=float, default=64.0, help="size of one chunk of sigma values [MiB]")
    a = ap.parse_args()
    with h5py.File(a.sweep, "r") as f:
        x, rho, T = (f["/" + k][...] for k in ("x", "rho", "T"))
        best = f["/fit/params"][...]
        boot = f["/fit/params_boot"][...]
        levels = (float(f["/sigma/lo"].attrs["quantile"]), float(f["/sigma/hi"].attrs["quantile"]))
        interval = f["/"].attrs["interval"]
        interval = interval.decode() if isinstance(interval, bytes) else str(interval)
        ref = {k: f["/sigma/" + k][...] for k in ("best", "median", "lo", "hi")} if a.check else None
    if interval != "percentile":
        sys.exit("peer_numpy: only percentile bands are implemented (file has %s)" % interval)
    table = boot[np.all(np.isfinite(boot), axis=1)]
    print("peer: numpy %s, grid %d x %d x %d, %d replicates (%d failed), levels %.17g %.17g"
          % (np.__version__, len(x), len(rho), len(T), table.shape[0], boot.shape[0] - table.shape[0], *levels))
    t0 = time.perf_counter()
    out = peer_sweep(x, rho, T, best, table, levels, a.chunk_mb)
    print("peer warm-up: %.3f s" % (time.perf_counter() - t0))
    times = []
    for k in range(a.repeat):
        t0 = time.perf_counter()
        out = peer_sweep(x, rho, T, best, table, levels, a.chunk_mb)
        times.append(time.perf_counter() - t0)
        print("peer run %d: %.3f s" % (k + 1, times[-1]))
    if times:
        print("peer best %.3f s median %.3f s" % (min(times), float(np.median(times))))
    if ref is not None:
        worst = 0.0
        for k in ("best", "median", "lo", "hi"):
            rel = np.abs(out[k] - ref[k]) / np.abs(ref[k])
            same = np.mean(out[k] == ref[k])
            worst = max(worst, float(rel.max()))
            print("check %-6s max relative difference %.3e, bitwise equal %.4f" % (k, rel.max(), same))
        print("check %s (tolerance 1e-12)" % ("PASS" if worst <= 1e-12 else "FAIL"))
        return 0 if worst <= 1e-12 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
