#!/usr/bin/env bash
# One CSV table of the design rules of several sweep outputs (e.g. the tasks of jobs/array.sbatch):
#
#     jobs/collect_rules.sh OUTDIR/*.h5 > rules.csv
#
# The first column, "run", is the file name without directory and .h5; the other columns are those
# of `ssoc rules FILE.h5 --csv`, whose header is written once. SSOC names the ssoc binary (default:
# ssoc on PATH). When that ssoc has no `rules` command, the table is read from the files directly
# with Python and h5py (PYTHON, default the first python3 that imports h5py): one row per grid node
# (T, x) of the /rules datasets: rho_opt, v_f,opt and sigma_max with their bands and flags.
# Exit status: 0, or 1 with one message on stderr (a file that cannot be read, headers that differ).
set -euo pipefail
SSOC=${SSOC:-ssoc}
[ $# -ge 1 ] || { echo "usage: $0 OUT.h5 [OUT.h5 ...] > rules.csv" >&2; exit 2; }

if "$SSOC" rules --help >/dev/null 2>&1; then
    header=""
    for f in "$@"; do
        run=$(basename "$f" .h5)
        table=$("$SSOC" rules "$f" --csv) || { echo "collect_rules: ssoc rules $f failed" >&2; exit 1; }
        h=$(head -n1 <<<"$table")
        if [ -z "$header" ]; then
            header=$h
            echo "run,$header"
        elif [ "$h" != "$header" ]; then
            echo "collect_rules: $f: columns differ from the first file's ($h vs $header)" >&2
            exit 1
        fi
        tail -n +2 <<<"$table" | sed "s|^|$run,|"
    done
    exit 0
fi

py=""
for p in ${PYTHON:-python3 /usr/bin/python3}; do
    if "$p" -c 'import h5py' >/dev/null 2>&1; then py=$p; break; fi
done
[ -n "$py" ] || { echo "collect_rules: '$SSOC' has no rules command and no python3 with h5py was found (set SSOC or PYTHON)" >&2; exit 1; }
exec "$py" - "$@" <<'EOF'
import os, sys
import h5py

cols = ["rho_opt", "rho_opt_lo", "rho_opt_hi", "vf_opt", "vf_opt_lo", "vf_opt_hi",
        "sigma_max", "sigma_max_lo", "sigma_max_hi", "rho_opt_at_bound", "rho_opt_extrapolated"]
print("run,T_K,x,rho_opt_g_cm3,rho_opt_lo,rho_opt_hi,vf_opt,vf_opt_lo,vf_opt_hi,"
      "sigma_max_S_cm,sigma_max_lo,sigma_max_hi,rho_opt_at_bound,rho_opt_extrapolated")
for path in sys.argv[1:]:
    run = os.path.basename(path)
    run = run[:-3] if run.endswith(".h5") else run
    try:
        with h5py.File(path, "r") as f:
            T, x = f["coords/T"][:], f["coords/x"][:]
            r = {c: f["rules/" + c][:] for c in cols}
    except (OSError, KeyError) as e:
        sys.exit("collect_rules: %s: not a complete ssoc sweep output (%s)" % (path, e))
    for it, t in enumerate(T):
        for ix, xv in enumerate(x):
            vals = [repr(float(r[c][it, ix])) for c in cols[:9]]
            vals += [str(int(r[c][it, ix])) for c in cols[9:]]
            print(",".join([run, repr(float(t)), repr(float(xv))] + vals))
EOF
