#!/usr/bin/env bash
# Progress of every phase (issue 17, item 3; src/progress.c). In a log (stderr not a terminal) a
# sweep writes a line at most every SSOC_PROGRESS_INTERVAL seconds (and at a phase's start once an
# interval has passed): fit, bootstrap (replicates), evaluation (points), rules (rule tasks) and
# write, each with the whole run's share done and an ETA; `ssoc fit --boot` (and predict/validate
# --boot) the same for the bootstrap; a run shorter than the interval prints none (an early error
# stays one line); on a terminal one bar redrawn in place; --quiet nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
export OMP_NUM_THREADS=1
ARGS=(--set bootstrap.B=3000)

# ---- a sweep in log mode: every phase has its lines, the run's share only grows
SSOC_PROGRESS_INTERVAL=0.05 SSOC_TEST_PHASE_PAUSE_S=0.2 "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/p.h5" 2>"$TMP/err" ||
  bad "sweep: $(cat "$TMP/err")"
for ph in fit bootstrap evaluation rules write; do
  grep -q "^ssoc: sweep: $ph[:;].*; run [0-9]*% done, ETA [0-9]" "$TMP/err" && ok || bad "no progress line for the $ph: $(head -20 "$TMP/err")"
done
grep -q "^ssoc: sweep: bootstrap: [0-9]* of 3000 replicates ([0-9]*%)" "$TMP/err" && ok || bad "bootstrap lines lack the replicates"
grep -q "^ssoc: sweep: evaluation: [0-9]* of 572 points" "$TMP/err" && ok || bad "evaluation lines lack the points (13 x 11 x 4)"
grep -q "^ssoc: sweep: rules: [0-9]* of [0-9]* rule tasks" "$TMP/err" && ok || bad "rules lines lack the tasks"
# within the bootstrap several lines (one per 0.05 s), counting up
[ "$(grep -c '^ssoc: sweep: bootstrap: [1-9]' "$TMP/err")" -ge 2 ] && ok || bad "fewer than 2 lines within the bootstrap"
"$PY" - "$TMP/err" <<'EOF' && ok || bad "the run's share is not monotonic or does not reach the end"
import re, sys
share = [int(m.group(1)) for m in re.finditer(r"; run (\d+)% done", open(sys.argv[1]).read())]
assert share and all(a <= b for a, b in zip(share, share[1:])), share
assert share[-1] >= 90, share
EOF
grep -q "^ssoc: sweep: wrote .*p.h5 in" "$TMP/err" && ok || bad "no summary after the progress"

# ---- --quiet: nothing at all
SSOC_PROGRESS_INTERVAL=0.05 "$SSOC" sweep "$SW" "${ARGS[@]}" -o "$TMP/q.h5" -q 2>"$TMP/err" && [ ! -s "$TMP/err" ] && ok ||
  bad "sweep -q printed: $(head -3 "$TMP/err")"

# ---- fit --boot in log mode; a short one at the default interval (5 s) prints no progress
SSOC_PROGRESS_INTERVAL=0.05 "$SSOC" fit "$DATA" --boot 4000 >/dev/null 2>"$TMP/err" || bad "fit --boot: $(cat "$TMP/err")"
[ "$(grep -c '^ssoc: fit: bootstrap: [0-9]* of 4000 replicates ([0-9]*%); run [0-9]*% done, ETA' "$TMP/err")" -ge 2 ] && ok ||
  bad "fit --boot: no progress lines: $(head -3 "$TMP/err")"
"$SSOC" fit "$DATA" --boot 200 >/dev/null 2>"$TMP/err" && [ ! -s "$TMP/err" ] && ok || bad "short fit --boot printed: $(cat "$TMP/err")"
SSOC_PROGRESS_INTERVAL=0.05 "$SSOC" predict --data "$DATA" --boot 4000 --x 0.7 --rho 1.7 >/dev/null 2>"$TMP/err" &&
  grep -q '^ssoc: predict: bootstrap: ' "$TMP/err" && ok || bad "predict --boot: no progress lines: $(head -3 "$TMP/err")"

# ---- on a terminal (script gives the run a pseudo-terminal): one bar redrawn in place with the ETA
if script -qec true /dev/null >/dev/null 2>&1; then
  SSOC_TEST_PHASE_PAUSE_S=0.3 script -qec "'$SSOC' sweep '$SW' --set bootstrap.B=3000 -o '$TMP/t.h5'" /dev/null >"$TMP/tty" 2>&1 ||
    bad "sweep on a terminal: $(tail -c 300 "$TMP/tty")"
  for ph in bootstrap evaluation rules; do
    grep -aq $'\r'"  $ph.*\[[#.]*\] *[0-9]*%  ETA" "$TMP/tty" && ok || bad "terminal: no bar in the $ph"
  done
  [ "$(grep -ac '^ssoc: sweep: bootstrap:' "$TMP/tty")" = 0 ] && ok || bad "terminal: log lines instead of the bar"
else
  echo "note: terminal case skipped (no script(1))"
fi
finish
