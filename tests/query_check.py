"""`ssoc query` against an independent computation from the sweep file's datasets (tests/cli_query.sh).

    query_check.py FILE.h5 TARGET CONFIDENCE T_LIST QUERY.json POINTS.csv

TARGET [S/cm], CONFIDENCE and T_LIST (comma-separated K, or "all") are what the query was asked;
QUERY.json is `ssoc query --json --points` and POINTS.csv `ssoc query --csv --points` for the
same question. Nothing here calls ssoc code: h5py reads the datasets, and P(sigma >= TARGET) is

  - /sigma/p_exceed as stored, when the file was swept with TARGET (the same double), and
  - otherwise recomputed with numpy from /fit/params_boot (the rows without NaN) through the model
    as docs/MODEL.md writes it (layer by layer, not the kernel's fast form).

numpy's sigma differs from the kernel's in the last bits, so a replicate whose sigma lies within
1e-9 (relative) of the target may count differently; grid points with such a replicate are
"borderline": there P may differ by the borderline count, and only the certain points must agree
exactly. Checked per temperature: the region (count, points inside the fitted x and v_f, outside
x, outside v_f, extent in x and rho), the best design anywhere and inside the fitted x and v_f
(the highest P, then the highest /sigma/best, then the first in file order), their P, sigma,
band and flags, and the point list (the same set of grid points, each with its P, sigma, band
and flags). Prints one line per temperature; exits non-zero with the first failure.
"""
import csv
import json
import sys

import h5py
import numpy as np

KB = 1.380649e-23
H = 6.62607015e-34
NA = 6.02214076e23
E = 1.602176634e-19
M_LI, M_P, M_S = 6.941, 30.974, 32.065
R_S_CM = 1.84e-8
ETA = 0.64


def fail(msg):
    sys.exit("query_check: " + msg)


def sigma_model(p, x, rho, T):
    """sigma [S/cm] of parameter rows p (n x 9) at grid points x, rho (m) and T: n x m."""
    M = 2 * x * M_LI + 2 * (1 - x) * M_P + (5 - 4 * x) * M_S
    rho0 = M / (NA * (5 - 4 * x) * (4.0 / 3.0) * np.pi * R_S_CM**3 / ETA)
    vf = 1 - rho / rho0
    n = rho * NA * 2 * x / M
    a = n ** (-1.0 / 3.0)
    E0, aE, vc, nH, b0, b1, b2, b3, lnA = (p[:, i : i + 1] for i in range(9))
    kT = KB * T
    d_pcc = a**2 / 6 * kT / H * np.exp(lnA) * np.exp(-(E0 - aE * vf) * E / kT)
    with np.errstate(divide="ignore", over="ignore"):
        gate = np.where(vf > 0, 1 / (1 + (np.clip(vf, 1e-300, None) / vc) ** nH), 1.0)
    f_eff = np.exp(b0 + b1 * x + b2 * vf + b3 * vf**2)
    return n * E**2 * f_eff * d_pcc * gate / kT


def main():
    path, target, conf, tlist, jpath, cpath = sys.argv[1:7]
    target, conf = float(target), float(conf)
    j = json.load(open(jpath))
    pts_csv = list(csv.DictReader(open(cpath)))
    f = h5py.File(path, "r")
    X, R, T = f["x"][:], f["rho"][:], f["T"][:]
    nx, nr = len(X), len(R)
    if j["target_S_cm"] != target or j["confidence"] != conf:
        fail("the query does not echo the target and confidence asked")
    fa = f.attrs
    file_target = float(fa["target_sigma_S_cm"]) if "target_sigma_S_cm" in fa else None
    stored = file_target == target and "p_exceed" in f["sigma"]
    boot = f["fit/params_boot"][:]
    reps = boot[np.all(np.isfinite(boot), axis=1)]
    if j["replicates"] != boot.shape[0] or j["replicates_ok"] != reps.shape[0]:
        fail("replicate counts differ")
    want_T = list(T) if tlist == "all" else [float(v) for v in tlist.split(",")]
    if [t["T_K"] for t in j["temperatures"]] != [float(v) for v in want_T]:
        fail("temperatures %s, asked %s" % ([t["T_K"] for t in j["temperatures"]], want_T))
    xg, rg = np.tile(X, nr), np.repeat(R, nx)  # column c = irho * nx + ix
    all_pts = []
    for jt in j["temperatures"]:
        it = int(np.where(T == jt["T_K"])[0][0])
        best = f["sigma/best"][it].reshape(-1)
        lo, hi = f["sigma/lo"][it].reshape(-1), f["sigma/hi"][it].reshape(-1)
        ext = f["extrapolated"][it].reshape(-1).astype(int)
        if stored:
            P = f["sigma/p_exceed"][it].reshape(-1)
            Pmin = Pmax = P
        else:
            s = sigma_model(reps, xg, rg, T[it])
            n = reps.shape[0]
            P = np.count_nonzero(s >= target, axis=0) / n
            Pmin = np.count_nonzero(s > target * (1 + 1e-9), axis=0) / n
            Pmax = np.count_nonzero(s >= target * (1 - 1e-9), axis=0) / n
        border = Pmin != Pmax
        q = P >= conf
        inside = (ext & 3) == 0
        where = "T = %g K" % T[it]
        amb = (Pmin < conf) & (Pmax >= conf)  # qualification itself uncertain
        exact = not amb.any()
        # the region
        got = (jt["n_region"], jt["n_inside"], jt["n_outside_x"], jt["n_outside_v_f"])
        want = (int(q.sum()), int((q & inside).sum()), int((q & (ext & 1 > 0)).sum()), int((q & (ext & 2 > 0)).sum()))
        if exact and got != want:
            fail("%s: region counts %s, h5py %s" % (where, got, want))
        if jt["n_grid"] != nx * nr:
            fail("%s: n_grid" % where)
        if exact and q.any():
            ext_want = [xg[q].min(), xg[q].max(), rg[q].min(), rg[q].max()]
            if jt["x_range"] + jt["rho_range"] != ext_want:
                fail("%s: extent %s, h5py %s" % (where, jt["x_range"] + jt["rho_range"], ext_want))
        elif exact and (jt["x_range"] is not None or jt["rho_range"] is not None):
            fail("%s: an empty region has an extent" % where)

        # the best designs: highest P, then highest sigma, then file order
        def best_of(mask):
            idx = np.where(mask)[0]
            if len(idx) == 0:
                return None
            order = np.lexsort((idx, -best[idx], -P[idx]))
            return int(idx[order[0]])

        for key, mask in (("best", np.ones_like(q)), ("best_inside", inside)):
            c = best_of(mask)
            d = jt[key]
            if c is None:
                if d is not None:
                    fail("%s: %s given where no point qualifies" % (where, key))
                continue
            if d is None:
                fail("%s: %s missing" % (where, key))
            if border[mask].any():  # a borderline replicate may move the best: ssoc's within the bounds
                cj = int(np.where((xg == d["x"]) & (rg == d["rho_g_cm3"]))[0][0])
                if not (mask[cj] and Pmin[cj] <= d["p_exceed"] <= Pmax[cj] and d["p_exceed"] >= Pmin[mask].max()):
                    fail("%s: %s at x %g rho %g P %g; h5py best P %g" % (where, key, d["x"], d["rho_g_cm3"], d["p_exceed"], P[c]))
                c = cj
            vals = {"x": xg[c], "rho_g_cm3": rg[c], "T_K": T[it], "sigma_S_cm": best[c], "sigma_lo": lo[c], "sigma_hi": hi[c]}
            if not border[c]:
                vals["p_exceed"] = P[c]
            for k, v in vals.items():
                if d[k] != float(v):
                    fail("%s: %s %s = %r, h5py %r" % (where, key, k, d[k], float(v)))
            flags = {"x": bool(ext[c] & 1), "v_f": bool(ext[c] & 2), "T": bool(ext[c] & 4)}
            if d["extrapolated"] != flags:
                fail("%s: %s flags %s, h5py %s" % (where, key, d["extrapolated"], flags))
        # the answer in words names the count or says nowhere
        if exact and q.any() != ("nowhere" not in jt["answer"]):
            fail("%s: answer '%s' with %d qualifying points" % (where, jt["answer"], q.sum()))
        for c in np.where(q | amb)[0]:
            all_pts.append((T[it], c, P[c], bool(border[c]), best[c], lo[c], hi[c], ext[c], bool(q[c] and not amb[c])))
        print("%s: %d of %d grid points qualify (%d inside the fitted x, v_f), P %s%s" % (
            where, q.sum(), nx * nr, (q & inside).sum(), "stored" if stored else "recomputed",
            "" if exact else ", %d borderline" % amb.sum()))
    # the point lists, JSON and CSV: the same rows, against h5py
    if len(j["points"]) != len(pts_csv):
        fail("JSON has %d points, CSV %d" % (len(j["points"]), len(pts_csv)))
    got = {}
    for jp, cp in zip(j["points"], pts_csv):
        for k in ("x", "rho_g_cm3", "T_K", "v_f", "p_exceed", "sigma_S_cm", "sigma_lo", "sigma_hi"):
            if float(cp[k]) != jp[k]:
                fail("point CSV %s %s vs JSON %s" % (k, cp[k], jp[k]))
        for k in ("x", "v_f", "T"):
            if (cp["extrapolated_" + k] == "true") != jp["extrapolated"][k]:
                fail("point CSV flag %s" % k)
        c = int(np.where((xg == jp["x"]) & (rg == jp["rho_g_cm3"]))[0][0])
        got[(jp["T_K"], c)] = jp
    for T_, c, p, border_, b_, lo_, hi_, e_, q_ in all_pts:
        jp = got.pop((float(T_), int(c)), None)
        if jp is None:
            if q_:
                fail("point T %g x %g rho %g qualifies (P %g) but is not listed" % (T_, xg[c], rg[c], p))
            continue
        if not border_ and jp["p_exceed"] != p:
            fail("point T %g x %g rho %g: P %r, h5py %r" % (T_, xg[c], rg[c], jp["p_exceed"], p))
        if (jp["sigma_S_cm"], jp["sigma_lo"], jp["sigma_hi"]) != (float(b_), float(lo_), float(hi_)):
            fail("point T %g x %g rho %g: sigma or band differs" % (T_, xg[c], rg[c]))
        if jp["extrapolated"] != {"x": bool(e_ & 1), "v_f": bool(e_ & 2), "T": bool(e_ & 4)}:
            fail("point T %g x %g rho %g: flags differ" % (T_, xg[c], rg[c]))
    if got:
        fail("%d listed points do not qualify, e.g. %s" % (len(got), next(iter(got.values()))))
    print("points: %d listed, every one checked" % len(j["points"]))


main()
