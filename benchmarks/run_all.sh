#!/usr/bin/env bash
# Issue 7 benchmarks, side by side in one run (benchmarks/README.md explains every figure).
#
#   benchmarks/run_all.sh [micro] [e2e] [scaling] [memory]     (no argument: all four)
#
# Run from the source tree after building (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release &&
# make -C build -j2 ssoc bench_kernel bench_select). Environment:
#   BUILD=build   build directory          REPS=3   repeats of every timed run (best and median)
#   WORK=/tmp/... scratch directory (kept) PY=/usr/bin/python3 (Debian's, with numpy and h5py)
#   PEER_REPEAT=1 timed peer runs per peer process (after one warm-up run)
#   E2E_B="200 1000" the B values of the e2e section
#   QUIET_WAIT=0  before every timed run wait up to this many seconds for a second in which both
#                 cores are >= 90% idle (other jobs share the machine); the log says when it gave up
#   SSOC_BASE=    another ssoc binary (e.g. a build of the previous commit): e2e then also runs it,
#                 interleaved, and prints before/after ratios measured side by side
#
# micro    bench_kernel (evals/s/core) and bench_select (ns/element at B = 200, 1000, 10000).
# e2e      ssoc sweep on the default grid 201 x 181 x 11 at B = 200 and 1000, 1 rank x 2 threads:
#          compute phase = the program's own "evaluation" phase timing (root attribute
#          time_evaluation_s), and the whole process (wall clock of the command); interleaved with
#          the NumPy peer (benchmarks/peer_numpy.py) on the same replicate table: warm in-process
#          time and a fresh process; ratios peer / ssoc. The first peer run also checks agreement.
#          Also 1 rank x 1 thread, for a per-core ratio against the (one-threaded) peer. The e2e
#          sweeps use interval = percentile (--set bootstrap.interval=percentile): the peer's bands,
#          and the default before the expanded interval, so the figures stay comparable.
# scaling  B = 1000, default grid: 1 rank x 1 thread, 1 x 2, 2 ranks x 1 (mpirun --bind-to none
#          -x OMP_NUM_THREADS): compute phase and whole process, parallel efficiency T1 / (2 T2).
# memory   peak RSS (/usr/bin/time -v "Maximum resident set size") against B = 200, 1000, 9999 on
#          the default grid, and against grid size at B = 200.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SSOC=${SSOC:-$PWD/$BUILD/ssoc}
SSOC_BASE=${SSOC_BASE:-}
REPS=${REPS:-3}
PY=${PY:-/usr/bin/python3}
WORK=${WORK:-$(mktemp -d /tmp/ssoc-bench.XXXXXX)}
CONFIG=$PWD/configs/default.ini
DATA=$PWD/data/kim2026_lps_aimd_500K.csv
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none HDF5_USE_FILE_LOCKING=FALSE
mkdir -p "$WORK"
rm -f "$WORK/not_quiet"
sections=${*:-micro e2e scaling memory}

for f in "$SSOC" "$BUILD/benchmarks/bench_kernel" "$BUILD/benchmarks/bench_select"; do
  [ -x "$f" ] || { echo "run_all.sh: $f is not built (make -C $BUILD -j2 ssoc bench_kernel bench_select)" >&2; exit 2; }
done

load() { cut -d' ' -f1-3 /proc/loadavg; }
QUIET_WAIT=${QUIET_WAIT:-0}
idle_pct() { # idle share of all cores over the next second, in percent
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local tot=0 i
  for i in 1 2 3 4 5 6 7 8; do tot=$((tot + b[i] - a[i])); done
  echo $(( tot > 0 ? 100 * (b[4] - a[4] + b[5] - a[5]) / tot : 0 ))
}
wait_quiet() {
  [ "$QUIET_WAIT" -gt 0 ] || return 0
  local t=0
  while [ "$t" -lt "$QUIET_WAIT" ]; do
    [ "$(idle_pct)" -ge 90 ] && return 0
    t=$((t + 1))
  done
  echo x >>"$WORK/not_quiet" # a file, not a variable: runs happen in subshells
}
others() { # the busiest other processes right now (what else shares the 2 cores)
  ps -eo pcpu=,comm= --sort=-pcpu | awk -v me="$$" '$1 > 5 && $2 != "ps" { printf "%s(%s%%) ", $2, $1 } NR > 6 { exit }'
}

echo "# ssoc benchmarks $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+dirty')"
echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(grep -o -m1 -w -e avx512f -e avx2 /proc/cpuinfo | sort -u | tail -1 | tr -d '\n') max,"\
     "$(free -g | awk '/Mem:/ { print $2 " GB" }'); gcc $(gcc -dumpfullversion), numpy $($PY -c 'import numpy; print(numpy.__version__)')"
echo "# load before: $(load); other busy processes: $(others)"
echo "# work dir: $WORK, $REPS repeats"

# stats V1 V2 ...: "best median" (smallest, median)
stats() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f", v[1], m }'; }

# sweep_run RANKS THREADS OUT.h5 [--set ...]: run ssoc sweep on the default config, print
# "WALL_s EVAL_s PEAK_RSS_kB POINT_REPLICATES INPROCESS_s RULES_s WRITE_s FIT+BOOT_s" (RSS: the
# largest over ranks; INPROCESS = the program's own total time_total_s: after MPI_Init, up to the rename)
sweep_run() {
  local n=$1 t=$2 out=$3 bin=${BIN:-$SSOC}
  shift 3
  rm -f "$out" "$out".rss.*
  wait_quiet
  local t0 t1
  t0=$(date +%s.%N)
  if [ "$n" = 1 ] && [ -z "${FORCE_MPIRUN:-}" ]; then # one rank without a launcher: no MPI at all
    OMP_NUM_THREADS=$t /usr/bin/time -f %M -o "$out.rss.0" "$bin" sweep "$CONFIG" -q --force -o "$out" "$@" || return 1
  else
    mpirun -q -n "$n" --bind-to none -x OMP_NUM_THREADS="$t" \
      sh -c 'exec /usr/bin/time -f %M -o "$0.rss.$OMPI_COMM_WORLD_RANK" "$@"' "$out" "$bin" sweep "$CONFIG" -q --force -o "$out" "$@" || return 1
  fi
  t1=$(date +%s.%N)
  local rss
  rss=$(cat "$out".rss.* | sort -n | tail -1)
  $PY - "$out" "$t0" "$t1" "$rss" <<'EOF'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
a = f["/"].attrs
c = "/" if "x" in f else "/coords/"  # the grid: root coordinates (format 2), /coords in a SSOC_BASE of format 1
n = f[c + "x"].shape[0] * f[c + "rho"].shape[0] * f[c + "T"].shape[0] * (int(a["B"]) - int(f["/fit"].attrs["n_failed"]))
print("%.3f %.3f %s %d %.3f %.3f %.3f %.3f" % (float(sys.argv[3]) - float(sys.argv[2]), float(a["time_evaluation_s"]), sys.argv[4], n,
      float(a["time_total_s"]), float(a["time_rules_s"]), float(a["time_write_s"]), float(a["time_fit_s"]) + float(a["time_bootstrap_s"])))
EOF
}

if [[ " $sections " == *" micro "* ]]; then
  echo
  echo "## Kernel: $BUILD/benchmarks/bench_kernel $DATA 1000 $((REPS + 4))   (load $(load))"
  OMP_NUM_THREADS=2 "$BUILD/benchmarks/bench_kernel" "$DATA" 1000 $((REPS + 4))
  echo
  echo "## Selection: $BUILD/benchmarks/bench_select $DATA $((REPS + 2))   (load $(load))"
  "$BUILD/benchmarks/bench_select" "$DATA" $((REPS + 2))
fi

if [[ " $sections " == *" e2e "* ]]; then
  PCT="--set bootstrap.interval=percentile"
  for B in ${E2E_B:-200 1000}; do
    echo
    echo "## End to end and peer, default grid, B = $B, 1 rank x 2 threads   (load $(load); others: $(others))"
    echo "#  ssoc: OMP_NUM_THREADS=2 $SSOC sweep configs/default.ini --set bootstrap.B=$B $PCT -q --force -o $WORK/e2e_B$B.h5"
    echo "#  peer: $PY benchmarks/peer_numpy.py $WORK/e2e_B$B.h5 --repeat ${PEER_REPEAT:-1}   (warm: the timed repeat after a warm-up; fresh: whole process minus the timed repeats)"
    walls=() evals=() peers=() fresh=() bwalls=() bevals=() bwrites=() writes=() tots=() evals1=() np=0
    [ -n "$SSOC_BASE" ] && echo "#  base: $SSOC_BASE, same arguments, interleaved"
    for r in $(seq "$REPS"); do
      if [ -n "$SSOC_BASE" ]; then
        read -r bwall bev brss _ _ _ bwri _ < <(BIN=$SSOC_BASE sweep_run 1 2 "$WORK/e2e_base_B$B.h5" --set bootstrap.B=$B $PCT) || { echo "base sweep failed" >&2; exit 1; }
        bwalls+=("$bwall") bevals+=("$bev") bwrites+=("$bwri")
        echo "#  run $r: base compute $bev s, write $bwri s, whole $bwall s"
      fi
      read -r wall ev rss np tot rul wri fb < <(sweep_run 1 2 "$WORK/e2e_B$B.h5" --set bootstrap.B=$B $PCT) || { echo "ssoc sweep failed" >&2; exit 1; }
      walls+=("$wall") evals+=("$ev") writes+=("$wri")
      chk=""
      [ "$r" = 1 ] && chk=--check
      wait_quiet
      t0=$(date +%s.%N)
      pout=$($PY benchmarks/peer_numpy.py "$WORK/e2e_B$B.h5" --repeat ${PEER_REPEAT:-1} $chk) || { echo "$pout"; echo "peer failed" >&2; exit 1; }
      t1=$(date +%s.%N)
      [ "$r" = 1 ] && grep -E '^(peer:|check)' <<<"$pout" | sed 's/^/#  /'
      pb=$(awk '/^peer best/ { print $3 }' <<<"$pout")
      peers+=("$pb")
      # fresh process = the whole peer process minus its timed warm repeats: start-up, imports,
      # reading the file and the first (cold) computation
      fr=$(awk -v t0="$t0" -v t1="$t1" '/^peer run/ { s += $4 } END { printf "%.3f", t1 - t0 - s }' <<<"$pout")
      fresh+=("$fr")
      tots+=("$tot")
      # one thread too: a per-core ratio against the one-threaded peer that one background job on
      # the other core does not skew
      read -r _ ev1 _ < <(sweep_run 1 1 "$WORK/e2e1_B$B.h5" --set bootstrap.B=$B $PCT) || { echo "ssoc sweep (1 thread) failed" >&2; exit 1; }
      evals1+=("$ev1")
      printf '#  run %d: ssoc compute %.3f s, in-process %.3f s (fit+boot %.3f, rules %.3f, write %.3f), whole %.3f s (%d MB) | peer warm %.3f s, fresh process %.3f s | load %s\n' \
        "$r" "$ev" "$tot" "$fb" "$rul" "$wri" "$wall" $((rss / 1024)) "$pb" "$fr" "$(load)"
      echo "#  run $r: ssoc 1 thread compute $ev1 s"
    done
    read -r eb em <<<"$(stats "${evals[@]}")"
    read -r wb wm <<<"$(stats "${walls[@]}")"
    read -r pb pm <<<"$(stats "${peers[@]}")"
    read -r fb fm <<<"$(stats "${fresh[@]}")"
    read -r tb tm <<<"$(stats "${tots[@]}")"
    read -r e1b e1m <<<"$(stats "${evals1[@]}")"
    awk -v n="$np" -v e="$e1b" -v em="$e1m" -v pb="$pb" -v pm="$pm" 'BEGIN { printf "#  1 thread: compute best / median %.3f / %.3f s = %.3f G point-replicates/s/core; peer warm / ssoc 1-thread compute %.1fx / %.1fx (per core)\n", e, em, n / e / 1e9, pb / e, pm / em }'
    awk -v n="$np" -v tb="$tb" -v tm="$tm" 'BEGIN { printf "#  in-process total (attribute time_total_s: the sweep after MPI_Init, up to the rename) best / median %.3f / %.3f s = %.3f / %.3f G point-replicates/s\n", tb, tm, n / tb / 1e9, n / tm / 1e9 }'
    echo "| B | ssoc compute best / median | ssoc whole process | compute G pt-rep/s | whole G pt-rep/s | peer warm | peer fresh | peer warm / ssoc compute | peer fresh / ssoc whole |"
    echo "|---|---|---|---|---|---|---|---|---|"
    awk -v B=$B -v n="$np" -v eb="$eb" -v em="$em" -v wb="$wb" -v wm="$wm" -v pb="$pb" -v pm="$pm" -v fb="$fb" -v fm="$fm" 'BEGIN {
      printf "| %d | %.3f / %.3f s | %.3f / %.3f s | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f s | %.3f / %.3f s | %.1fx / %.1fx | %.1fx / %.1fx |\n",
        B, eb, em, wb, wm, n / eb / 1e9, n / em / 1e9, n / wb / 1e9, n / wm / 1e9, pb, pm, fb, fm, pb / eb, pm / em, fb / wb, fm / wm }'
    if [ -n "$SSOC_BASE" ]; then
      read -r xb xm <<<"$(stats "${bevals[@]}")"
      read -r yb ym <<<"$(stats "${bwalls[@]}")"
      read -r zb zm <<<"$(stats "${bwrites[@]}")"
      read -r vb vm <<<"$(stats "${writes[@]}")"
      awk -v B=$B -v xb="$xb" -v xm="$xm" -v yb="$yb" -v ym="$ym" -v eb="$eb" -v em="$em" -v wb="$wb" -v wm="$wm" 'BEGIN {
        printf "#  base B = %d: compute %.3f / %.3f s, whole %.3f / %.3f s; speed-up (best, median): compute %.2fx / %.2fx, whole %.2fx / %.2fx\n",
          B, xb, xm, yb, ym, xb / eb, xm / em, yb / wb, ym / wm }'
      awk -v zb="$zb" -v zm="$zm" -v vb="$vb" -v vm="$vm" 'BEGIN {
        printf "#  write phase (attribute time_write_s) best / median: base %.3f / %.3f s, this build %.3f / %.3f s; this / base %.2f / %.2f\n",
          zb, zm, vb, vm, vb / zb, vm / zm }'
    fi
  done
fi

if [[ " $sections " == *" scaling "* ]]; then
  B=1000
  echo
  echo "## Scaling: default grid, B = $B; compute phase and whole process (best / median of $REPS)   (load $(load); others: $(others))"
  echo "#  1 x T: OMP_NUM_THREADS=T $SSOC sweep configs/default.ini --set bootstrap.B=$B -q --force -o OUT"
  echo "#  2 x 1: mpirun -n 2 --bind-to none -x OMP_NUM_THREADS=1 $SSOC sweep configs/default.ini --set bootstrap.B=$B -q --force -o OUT"
  echo "#  mpirun 1 x 1: mpirun -n 1 --bind-to none -x OMP_NUM_THREADS=1 ... (the MPI baseline for the ranks' efficiency)"
  declare -A SE SW
  for r in $(seq "$REPS"); do
    for cfg in 1x1 1x2 2x1 m1x1; do # interleaved, so a load change hits all alike
      n=${cfg%x*} force=""
      [ "$cfg" = m1x1 ] && n=1 force=1
      read -r wall ev rss _ < <(FORCE_MPIRUN=$force sweep_run "$n" "${cfg#*x}" "$WORK/scal_$cfg.h5" --set bootstrap.B=$B) || { echo "sweep $cfg failed" >&2; exit 1; }
      SE[$cfg]="${SE[$cfg]:-} $ev" SW[$cfg]="${SW[$cfg]:-} $wall"
    done
    echo "#  round $r: $(for c in 1x1 1x2 2x1 m1x1; do printf '%s %s/%s s  ' "$c" "$(echo ${SE[$c]} | awk '{print $NF}')" "$(echo ${SW[$c]} | awk '{print $NF}')"; done) load $(load)"
  done
  for c in 1x2 2x1 m1x1; do
    if ! "$PY" - "$WORK/scal_1x1.h5" "$WORK/scal_$c.h5" <<'EOF'; then echo "# WARNING: $c differs from 1x1"; fi
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
sys.exit(0 if all(np.array_equal(a[k][...], b[k][...]) for k in ("/sigma/best", "/sigma/median", "/sigma/lo", "/sigma/hi")) else 1)
EOF
  done
  echo "| ranks x threads | compute best / median | whole best / median | compute efficiency | whole efficiency |"
  echo "|---|---|---|---|---|"
  read -r e1 e1m <<<"$(stats ${SE[1x1]})"
  read -r w1 w1m <<<"$(stats ${SW[1x1]})"
  for c in 1x1 1x2 2x1; do
    read -r eb em <<<"$(stats ${SE[$c]})"
    read -r wb wm <<<"$(stats ${SW[$c]})"
    p=1
    [ "$c" != 1x1 ] && p=2
    awk -v c="$c" -v p=$p -v eb="$eb" -v em="$em" -v wb="$wb" -v wm="$wm" -v e1="$e1" -v w1="$w1" 'BEGIN {
      printf "| %s | %.3f / %.3f s | %.3f / %.3f s | %.0f%% | %.0f%% |\n", c, eb, em, wb, wm, 100 * e1 / (p * eb), 100 * w1 / (p * wb) }'
  done
  # ranks against one rank under the same launcher (mpirun -n 1), so MPI's start-up is in both
  read -r m1 m1m <<<"$(stats ${SE[m1x1]})"
  read -r mw1 mw1m <<<"$(stats ${SW[m1x1]})"
  read -r eb em <<<"$(stats ${SE[2x1]})"
  read -r wb wm <<<"$(stats ${SW[2x1]})"
  awk -v eb="$eb" -v em="$em" -v wb="$wb" -v wm="$wm" -v m1="$m1" -v mw1="$mw1" -v m1m="$m1m" -v mw1m="$mw1m" 'BEGIN {
    printf "| mpirun 1 x 1 | %.3f / %.3f s | %.3f / %.3f s | | |\n", m1, m1m, mw1, mw1m
    printf "| 2 x 1 vs mpirun 1 x 1 | | | %.0f%% | %.0f%% |\n", 100 * m1 / (2 * eb), 100 * mw1 / (2 * wb) }'
  echo "#  (sigma datasets of 1x2 and 2x1 compared with 1x1: identical unless a WARNING line is above)"
fi

if [[ " $sections " == *" memory "* ]]; then
  echo
  echo "## Memory: peak RSS (1 rank x 2 threads, /usr/bin/time -f %M)   (load $(load))"
  echo "#  OMP_NUM_THREADS=2 /usr/bin/time -f %M $SSOC sweep configs/default.ini --set bootstrap.B=B [--set grid.x=... --set grid.rho=...] -q --force -o OUT"
  echo "| grid | B | peak RSS | B x 8 table | sigma outputs (4 x f64 grid) | whole process |"
  echo "|---|---|---|---|---|---|"
  for spec in "0.60:0.80:201 1.30:2.20:181 200" "0.60:0.80:201 1.30:2.20:181 1000" "0.60:0.80:201 1.30:2.20:181 9999" \
              "0.60:0.80:101 1.30:2.20:91 200" "0.60:0.80:401 1.30:2.20:361 200" "0.60:0.80:801 1.30:2.20:721 200"; do
    read -r gx gr B <<<"$spec"
    read -r wall ev rss _ < <(sweep_run 1 2 "$WORK/mem.h5" --set bootstrap.B=$B --set grid.x=$gx --set grid.rho=$gr) || { echo "sweep failed" >&2; exit 1; }
    nx=${gx##*:} nr=${gr##*:}
    awk -v g="${nx} x ${nr} x 11" -v B=$B -v r="$rss" -v w="$wall" -v n=$((nx * nr * 11)) 'BEGIN {
      printf "| %s | %d | %.1f MB | %.2f MB | %.1f MB | %.1f s |\n", g, B, r / 1024, B * 64 / 1048576, n * 32 / 1048576, w }'
  done
  rm -f "$WORK/mem.h5"
fi
echo
echo "# load after: $(load)"
[ "$QUIET_WAIT" -gt 0 ] && echo "# timed runs started without a quiet second (after waiting ${QUIET_WAIT} s): $(cat "$WORK/not_quiet" 2>/dev/null | wc -l)"
