#!/usr/bin/env bash
# One CSV table of the design rules of several sweep outputs (e.g. the tasks of jobs/array.sbatch):
#
#     jobs/collect_rules.sh OUTDIR/*.h5 > rules.csv
#
# The first column, "run", is the file name without directory and .h5; the other columns are those
# of `ssoc rules FILE.h5 --csv` (one row per optimum: rho_opt at each fitted composition, the best
# grid composition, x_opt; see `ssoc rules --help`), whose header is written once. SSOC names the
# ssoc binary (default: ssoc on PATH).
# Exit status: 0, or 1 with a message on stderr (a file ssoc cannot read, headers that differ).
set -euo pipefail
SSOC=${SSOC:-ssoc}
[ $# -ge 1 ] || { echo "usage: $0 OUT.h5 [OUT.h5 ...] > rules.csv" >&2; exit 2; }

"$SSOC" rules --help >/dev/null 2>&1 || { echo "collect_rules: '$SSOC' is not an ssoc with a rules command (set SSOC=/path/to/build/ssoc)" >&2; exit 1; }
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

