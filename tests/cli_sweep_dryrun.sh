#!/usr/bin/env bash
# ssoc sweep --dry-run (issue 17 item 3): the plan (points, replicates, memory, file, an estimated
# time per phase from a calibration on this node) on standard output, exit 0, and nothing written:
# the directory is byte for byte the same afterwards, under MPI too (printed once). What the run
# would refuse (output exists, an interrupted run, not enough memory, bad data or configuration)
# is its one-line error with exit 1, the plan still printed where it could be made. How close the
# estimate comes is measured in benchmarks/README.md ("Dry run"), not asserted here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
CFG="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
cd "$TMP" || exit 1
mkdir out && echo keep >out/other.txt
listing() { find out -printf '%p %s %T@\n' | sort; }
before=$(listing)

OMP_NUM_THREADS=2 "$SSOC" sweep "$CFG" -o out/s.h5 --dry-run >plan.txt 2>plan.err && ok || bad "dry run failed: $(cat plan.err)"
[ ! -s plan.err ] && ok || bad "dry run wrote to stderr: $(cat plan.err)"
[ "$(listing)" = "$before" ] && ok || bad "dry run changed the output directory: $(listing)"
grep -q '^dry run: nothing written$' plan.txt && ok || bad "no dry-run header: $(head -1 plan.txt)"
# the sizes, from small.ini: 13 x 11 x 4 grid, blocks of 7 columns, B = 61, a target (5 maps)
grep -q '^  grid         13 x 11 x 4 (x, rho, T) = 572 points; 143 columns in 21 blocks of 7$' plan.txt && ok ||
  bad "grid line: $(grep grid plan.txt)"
grep -q '^  replicates   B = 61 bootstrap refits of 23 data points; 3.49e+04 point-replicates to evaluate$' plan.txt && ok ||
  bad "replicates line: $(grep replicates plan.txt)"
grep -q '^  launch       1 rank x 2 threads (1 on this node; [0-9]* CPUs here' plan.txt && ok || bad "launch line: $(grep launch plan.txt)"
grep -Eq '^  memory       [0-9.]+ MB per rank \(replicates .*\); .* available \(' plan.txt && ok || bad "memory line: $(grep memory plan.txt)"
grep -Eq '^  calibration  [0-9]+ replicate fits \([0-9.e-]+ ms each\), [0-9]+ grid columns \(.*design-rule tasks' plan.txt && ok ||
  bad "calibration line: $(grep calibration plan.txt)"
grep -Eq '^  estimate     fit [0-9.e-]+ s, bootstrap [0-9.e-]+ s, evaluation [0-9.e-]+ s, rules [0-9.e-]+ s, write [0-9.e-]+ s$' plan.txt &&
  ok || bad "estimate line: $(grep estimate plan.txt)"
grep -q '^  total        about ' plan.txt && ! grep -q 'would stop' plan.txt && ok || bad "total line: $(tail -2 plan.txt)"
# the file size it announces against the file the run writes (within 10%)
est=$(awk '/^  file / { v = $3; u = $4; sub(";", "", u); print v * (u == "MB" ? 1e6 : u == "kB" ? 1e3 : 1e9) }' plan.txt)
OMP_NUM_THREADS=2 "$SSOC" sweep "$CFG" -o out/s.h5 -q || bad "the sweep itself failed"
expect_num "$est" "$(stat -c %s out/s.h5)" 0.1 "announced file size"

# what the run would refuse: its own message, exit 1, nothing written
cp out/s.h5 out/t.h5.partial
before=$(listing)
expect_rc 1 "dry run: the run would stop: out/s.h5 exists; refusing to overwrite it (use --force)" -- \
  "$SSOC" sweep "$CFG" -o out/s.h5 --dry-run
"$SSOC" sweep "$CFG" -o out/s.h5 --dry-run 2>/dev/null | grep -q '^  the run would stop: out/s.h5 exists' && ok ||
  bad "the plan does not say why the run would stop"
expect_rc 0 "dry run: nothing written" -- "$SSOC" sweep "$CFG" -o out/s.h5 --dry-run --force
expect_rc 1 "out/t.h5.partial exists (an interrupted run): continue it with --resume, or start over with --force" -- \
  "$SSOC" sweep "$CFG" -o out/t.h5 --dry-run
expect_rc 1 "--resume: no out/u.h5.partial to continue" -- "$SSOC" sweep "$CFG" -o out/u.h5 --dry-run --resume
[ "$(listing)" = "$before" ] && ok || bad "a refused dry run changed the output directory"
# not enough memory: a replicate table beyond the address-space limit
expect_rc 1 "dry run: the run would stop: not enough memory: the sweep needs about" -- \
  bash -c 'ulimit -v 600000; exec "$0" sweep "$1" -o out/m.h5 --dry-run --set bootstrap.B=9000000' "$SSOC" "$CFG"
# the run's own errors before any plan: data, configuration, target
expect_rc 1 "[target] sigma: the model's sigma peaks at" -- "$SSOC" sweep "$CFG" -o out/v.h5 --dry-run --set target.sigma=0.9 \
  --set grid.T=350
expect_rc 1 "missing.csv" -- "$SSOC" sweep "$CFG" -o out/v.h5 --dry-run --set data.file=missing.csv
expect_rc 2 "unknown option '--dryrun' (did you mean '--dry-run'?)" -- "$SSOC" sweep "$CFG" --dryrun
[ ! -e out/v.h5 ] && [ ! -e out/v.h5.partial ] && [ ! -e out/m.h5.partial ] && ok || bad "a failed dry run left a file"

# under MPI: one plan (rank 0), two ranks in the launch, nothing written
before=$(listing)
run_sweep 2 1 "$CFG" -o out/p.h5 --dry-run >mpi.txt 2>mpi.err && ok || bad "MPI dry run failed: $(cat mpi.err)"
[ "$(grep -c '^dry run: nothing written$' mpi.txt)" = 1 ] && grep -q '^  launch       2 ranks x 1 thread (2 on this node' mpi.txt && ok ||
  bad "MPI plan: $(cat mpi.txt)"
[ "$(listing)" = "$before" ] && ok || bad "the MPI dry run changed the output directory"
finish
