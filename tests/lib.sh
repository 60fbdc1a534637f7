# Shared helpers for the bash command-line tests (tests/cli_*.sh). Source it; it expects $SSOC
# (the ssoc binary) and $SSOC_SOURCE_DIR from ctest. Each check counts; `finish` prints
# "N passed, N failed" and sets the exit status.
set -u
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/ssoc_cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
DATA="$SSOC_SOURCE_DIR/data/kim2026_lps_aimd_500K.csv"

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

# expect_rc CODE NEEDLE -- CMD...: run CMD, expect exit CODE and NEEDLE (fixed string) in stderr+stdout;
# also checks that an error (CODE != 0) is exactly one line on stderr starting with "ssoc: ".
expect_rc() {
  local want=$1 needle=$2
  shift 3
  local out rc
  out=$("$@" 2>"$TMP/stderr")
  rc=$?
  local all="$out$(cat "$TMP/stderr")"
  if [ "$rc" != "$want" ]; then bad "'$*' exit $rc, wanted $want; stderr: $(cat "$TMP/stderr")"; return; fi
  if [ -n "$needle" ] && ! grep -qF -- "$needle" <<<"$all"; then bad "'$*' output lacks '$needle': $all"; return; fi
  if [ "$want" != 0 ]; then
    local n
    n=$(wc -l <"$TMP/stderr")
    if [ "$n" != 1 ] || ! head -c 6 "$TMP/stderr" | grep -q '^ssoc: '; then
      bad "'$*' error is not one 'ssoc: ' line: $(cat "$TMP/stderr")"; return
    fi
  fi
  ok
}

# expect_num ACTUAL EXPECTED RELTOL LABEL
expect_num() {
  if awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; r = (b == 0) ? d : d / (b < 0 ? -b : b); exit !(r <= t) }'; then
    ok
  else
    bad "$4: $1 vs $2 (rel tol $3)"
  fi
}

finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
