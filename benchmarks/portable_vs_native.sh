#!/usr/bin/env bash
# The portable build (default: kernel variants dispatched at run time) against a native build
# (-DSSOC_NATIVE=ON, -march=native everywhere), side by side in one run (benchmarks/README.md,
# "Portable against native").
#
#   benchmarks/portable_vs_native.sh PORTABLE_BUILD NATIVE_BUILD [REPS=5]
#
# Build both first, from the same source:
#   cmake -S . -B build && cmake --build build -j2
#   cmake -S . -B build-native -DSSOC_NATIVE=ON && cmake --build build-native -j2
# Every repeat runs each benchmark on both builds back to back, alternating which goes first, so a
# change of load hits both alike; the tables give best and median over the repeats and the ratio
# portable / native of the bests (< 1.05 is the target: within 5 %). CPU-time columns (bench_kernel)
# are less sensitive to other jobs than wall time. Finally the two builds' sweep files are compared
# dataset by dataset (they must be identical when the portable build runs the variant the native
# build compiles for).
set -u
cd "$(dirname "$0")/.."
P=${1:?usage: portable_vs_native.sh PORTABLE_BUILD NATIVE_BUILD [REPS]} N=${2:?native build dir} REPS=${3:-5}
PY=${PY:-/usr/bin/python3}
DATA=$PWD/data/kim2026_lps_aimd_500K.csv
WORK=${WORK:-$(mktemp -d /tmp/ssoc-portable.XXXXXX)}
mkdir -p "$WORK"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 HDF5_USE_FILE_LOCKING=FALSE
for b in "$P" "$N"; do
  for f in ssoc benchmarks/bench_kernel benchmarks/bench_sweep_kernel benchmarks/bench_select benchmarks/bench_rules; do
    [ -x "$b/$f" ] || { echo "portable_vs_native.sh: $b/$f is not built" >&2; exit 2; }
  done
done
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "# portable vs native $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+dirty')"
echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, flags: $(grep -o -m1 -w -e avx512f -e avx2 /proc/cpuinfo | sort -u | tail -1); gcc $(gcc -dumpfullversion)"
echo "# portable: $P ($("$P/ssoc" --version)), native: $N ($("$N/ssoc" --version)); $REPS repeats; load before: $(load)"
echo "# work dir: $WORK"

declare -A V # V[key|build] = space-separated values over the repeats
add() { V["$1|$2"]="${V["$1|$2"]:-} $3"; }

# one repeat of every benchmark on build $1 (label $2)
run_one() {
  local b=$1 l=$2 out
  out=$(OMP_NUM_THREADS=2 "$b/benchmarks/bench_kernel" "$DATA" 1000 3) || return 1
  add "kernel wall ns/eval" "$l" "$(awk '/^production kernel \(1 thread\)/ { print $(NF-5) }' <<<"$out")"
  add "kernel cpu ns/eval" "$l" "$(awk '/^production kernel \(1 thread\)/ { print $(NF-3) }' <<<"$out")"
  out=$("$b/benchmarks/bench_sweep_kernel") || return 1
  for B in 200 1000 10000; do
    add "sweep_kernel B=$B production ns/value" "$l" "$(awk -v B=$B '$1 == B { print $5 }' <<<"$out")"
    add "sweep_kernel B=$B select ns/elt" "$l" "$(awk -v B=$B '$1 == B { print $3 }' <<<"$out")"
  done
  out=$("$b/benchmarks/bench_select" "$DATA" 2) || return 1
  for B in 200 1000 10000; do
    add "select B=$B sigma rows bucket cpu ns/elt" "$l" "$(awk -v B=$B '$1 == B && /sigma rows: bucket/ && !/ln sigma/ { print $(NF-2) }' <<<"$out")"
    add "select B=$B whole column cpu ns/value" "$l" "$(awk -v B=$B '$1 == B && /whole column/ { print $(NF-6) }' <<<"$out")"
  done
  out=$("$b/benchmarks/bench_rules") || return 1
  add "rules rho_opt x-block ns/column" "$l" "$(awk '/^rho_opt \(x-block/ { print $(NF-1) }' <<<"$out")"
  add "rules x_opt prepared ns/call" "$l" "$(awk '/^x_opt   \(prepared\)/ { print $3 }' <<<"$out")"
  for B in 200 1000; do
    local f=$WORK/$l.B$B.h5 t0 t1
    t0=$(date +%s.%N)
    OMP_NUM_THREADS=2 "$b/ssoc" sweep configs/default.ini --set bootstrap.B=$B -q --force -o "$f" || return 1
    t1=$(date +%s.%N)
    add "e2e B=$B whole process s" "$l" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
    read -r ev ru wr tot < <("$PY" -c 'import h5py,sys; a=h5py.File(sys.argv[1],"r").attrs; print(*(float(a[k]) for k in ("time_evaluation_s","time_rules_s","time_write_s","time_total_s")))' "$f")
    add "e2e B=$B evaluation s" "$l" "$ev"
    add "e2e B=$B rules s" "$l" "$ru"
    add "e2e B=$B write s" "$l" "$wr"
    add "e2e B=$B in-process total s" "$l" "$tot"
  done
}

for r in $(seq "$REPS"); do
  if [ $((r % 2)) = 1 ]; then order="portable native"; else order="native portable"; fi
  for l in $order; do
    b=$P
    [ "$l" = native ] && b=$N
    run_one "$b" "$l" || { echo "portable_vs_native.sh: a benchmark failed on $b" >&2; exit 1; }
  done
  echo "# repeat $r done ($order), load $(load)"
done

stats() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.4g %.4g", v[1], m }'; }
echo
echo "| measure (lower is better) | portable best / median | native best / median | portable / native (best) | (median) |"
echo "|---|---|---|---|---|"
for k in "kernel wall ns/eval" "kernel cpu ns/eval" \
         "sweep_kernel B=200 production ns/value" "sweep_kernel B=1000 production ns/value" "sweep_kernel B=10000 production ns/value" \
         "sweep_kernel B=200 select ns/elt" "sweep_kernel B=1000 select ns/elt" "sweep_kernel B=10000 select ns/elt" \
         "select B=200 sigma rows bucket cpu ns/elt" "select B=1000 sigma rows bucket cpu ns/elt" "select B=10000 sigma rows bucket cpu ns/elt" \
         "select B=200 whole column cpu ns/value" "select B=1000 whole column cpu ns/value" "select B=10000 whole column cpu ns/value" \
         "rules rho_opt x-block ns/column" "rules x_opt prepared ns/call" \
         "e2e B=200 evaluation s" "e2e B=200 rules s" "e2e B=200 write s" "e2e B=200 in-process total s" "e2e B=200 whole process s" \
         "e2e B=1000 evaluation s" "e2e B=1000 rules s" "e2e B=1000 write s" "e2e B=1000 in-process total s" "e2e B=1000 whole process s"; do
  read -r pb pm <<<"$(stats "${V["$k|portable"]}")"
  read -r nb nm <<<"$(stats "${V["$k|native"]}")"
  awk -v k="$k" -v pb="$pb" -v pm="$pm" -v nb="$nb" -v nm="$nm" 'BEGIN {
    printf "| %s | %s / %s | %s / %s | %.3f | %.3f |\n", k, pb, pm, nb, nm, pb / nb, pm / nm }'
done
echo
for B in 200 1000; do
  printf '# sweep files B = %d, portable (kernel_isa %s) vs native: ' $B \
    "$("$PY" -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs["kernel_isa"])' "$WORK/portable.B$B.h5" 2>/dev/null)"
  "$PY" - "$WORK/portable.B$B.h5" "$WORK/native.B$B.h5" <<'EOF'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
diff = [n for n in names if not np.array_equal(a[n][...], b[n][...], equal_nan=a[n].dtype.kind == "f")]
print("%d datasets, %d differ%s" % (len(names), len(diff), (": " + ", ".join(diff)) if diff else " (identical to the last bit)"))
EOF
done
echo "# load after: $(load)"
