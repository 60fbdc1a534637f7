#!/usr/bin/env bash
# ctest entry for tests/sanitize.sh: the ASan+UBSan build (in $SSOC_BINARY_DIR/sanitize) with the
# unit tests, fuzz replays, bad-input table, output-safety test and 1-rank sweeps, plus valgrind
# memcheck of fit, predict and a 1-rank sweep when valgrind is installed. Skipped inside a build that
# is itself sanitized (no nested sanitizer build).
set -u
if grep -q '^SSOC_SANITIZE:BOOL=ON' "$SSOC_BINARY_DIR/CMakeCache.txt" 2>/dev/null; then
  echo "cli_sanitize: this build is already sanitized; nothing to do"
  exit 0
fi
args=()
if command -v valgrind >/dev/null; then args+=(--valgrind); else echo "cli_sanitize: valgrind not installed: memcheck step skipped"; fi
SANITIZE_BUILD="$SSOC_BINARY_DIR/sanitize" exec bash "$SSOC_SOURCE_DIR/tests/sanitize.sh" "${args[@]}"
