#!/usr/bin/python3
"""Write data/synthetic_multiT.csv: the SSOC model at known parameters, including a known
attempt-frequency multiplier ln A, at the 23 (x, rho) points and regimes of the shipped AIMD set
and four temperatures, with log-normal noise. It tests that a fit with ln A free recovers E0 and
ln A (tests/test_fit.c, tests/cli_fit.sh). Run from the repository root:

    /usr/bin/python3 tools/make_synthetic_multiT.py > data/synthetic_multiT.csv

Deterministic (numpy's PCG64 seeded below). The model is written out term by term as in
src/model.c (ssoc_model_eval), with the constants of include/ssoc/model.h."""
import csv
import sys

import numpy as np

# include/ssoc/model.h
KB, H, NA, E = 1.380649e-23, 6.62607015e-34, 6.02214076e23, 1.602176634e-19
KB_EV = KB / E
M_LI, M_P, M_S = 6.941, 30.974, 32.065
R_S_CM, ETA = 1.84e-8, 0.64

# the truth: the published set (docs/MODEL.md) with E0 raised and a prefactor 2.5 times k_B T/h
TRUTH = dict(E0=0.345, alpha_E=3.790 * KB_EV * 500.0, v_c=0.125, n_H=3.0, beta0=-8.447, beta1=6.534,
             beta2=3.052, beta3=-21.257, ln_A=float(np.log(2.5)))
TEMPS = (400.0, 500.0, 650.0, 800.0)
NOISE = 0.10   # standard deviation of ln D_hop and of ln sigma
SEED = 20261202

# (x, rho, regime) of data/kim2026_lps_aimd_500K.csv
DESIGN = [(0.666, 2.15, "PCC"), (0.666, 1.95, "PCC"), (0.666, 1.80, "PCC"), (0.666, 1.60, "SCC"),
          (0.666, 1.40, "SCC"), (0.692, 2.05, "PCC"), (0.692, 1.85, "PCC"), (0.692, 1.70, "PCC"),
          (0.692, 1.55, "SCC"), (0.692, 1.40, "SCC"), (0.714, 1.95, "PCC"), (0.714, 1.80, "PCC"),
          (0.714, 1.65, "SCC"), (0.714, 1.50, "SCC"), (0.733, 1.90, "PCC"), (0.733, 1.77, "PCC"),
          (0.733, 1.60, "SCC"), (0.733, 1.45, "SCC"), (0.750, 1.85, "PCC"), (0.750, 1.73, "PCC"),
          (0.750, 1.60, "PCC"), (0.750, 1.50, "SCC"), (0.750, 1.40, "SCC")]


def model(p, x, rho, T):
    """D_hop [cm2/s] and sigma [S/cm] of the model (src/model.c, ssoc_model_eval)."""
    M = 2 * x * M_LI + 2 * (1 - x) * M_P + (5 - 4 * x) * M_S
    rho0 = M / (NA * (5 - 4 * x) * (4.0 / 3.0) * np.pi * R_S_CM ** 3 / ETA)
    vf = 1 - rho / rho0
    n = rho * NA * 2 * x / M
    a = n ** (-1.0 / 3.0)
    kT = KB * T
    D_pcc = a * a / 6 * kT / H * np.exp(-(p["E0"] - p["alpha_E"] * vf) * E / kT + p["ln_A"])
    p_active = 1.0 / (1.0 + (vf / p["v_c"]) ** p["n_H"]) if vf > 0 else 1.0
    D_hop = D_pcc * p_active
    f = np.exp(p["beta0"] + p["beta1"] * x + p["beta2"] * vf + p["beta3"] * vf * vf)
    return D_hop, n * E * E * f * D_hop / kT


def main():
    rng = np.random.Generator(np.random.PCG64(SEED))
    out = sys.stdout
    out.write("# Synthetic (Li2S)x(P2S5)1-x data at four temperatures, made by tools/make_synthetic_multiT.py\n")
    out.write("# from the SSOC model with known parameters (not measurements):\n")
    for k, v in TRUTH.items():
        out.write(f"#   {k} = {v!r}\n")
    out.write(f"# at the 23 (x, rho, regime) points of data/kim2026_lps_aimd_500K.csv and T = {TEMPS} K,\n")
    out.write(f"# with log-normal noise: ln D_hop and ln sigma each get an independent N(0, {NOISE}^2) draw\n")
    out.write(f"# (numpy PCG64, seed {SEED}).\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["x", "rho", "T", "D_hop", "sigma", "regime"])
    for T in TEMPS:
        for x, rho, reg in DESIGN:
            D, s = model(TRUTH, x, rho, T)
            z1, z2 = rng.standard_normal(2)
            w.writerow([x, rho, T, f"{D * np.exp(NOISE * z1):.6e}", f"{s * np.exp(NOISE * z2):.6e}", reg])


if __name__ == "__main__":
    main()
