#!/usr/bin/env bash
# `cmake --install` (docs/BUILDING.md, "Installing"): the binary, the shipped data, configurations
# and batch scripts, the manual page and the docs land under the prefix; the installed ssoc finds its
# data beside itself (BINDIR/../share/ssoc/data), also after the prefix is moved, and never reads
# the source tree: with the source tree's data/ hidden (a private mount namespace, where the
# machine allows one) `predict --params published`, `validate` and a sweep of an installed
# configuration still work, while the build tree's binary, which reads data/, then fails.
. "$(dirname "$0")/lib.sh"
P=$TMP/prefix
cmake --install "$SSOC_BINARY_DIR" --prefix "$P" >"$TMP/install.log" 2>&1 || bad "cmake --install failed: $(cat "$TMP/install.log")"
for f in bin/ssoc share/ssoc/data/kim2026_lps_aimd_500K.csv share/ssoc/data/zhou2024_mlff_300K.csv \
         share/ssoc/configs/default.ini share/ssoc/configs/fine_500K.ini share/ssoc/configs/temperature.ini \
         share/ssoc/jobs/sweep.sbatch share/ssoc/jobs/array.sbatch share/ssoc/jobs/collect_rules.sh share/ssoc/jobs/README.md \
         share/man/man1/ssoc.1 share/doc/ssoc/README.md share/doc/ssoc/MODEL.md share/doc/ssoc/BUILDING.md; do
  [ -s "$P/$f" ] && ok || bad "not installed: $f"
done
[ -x "$P/bin/ssoc" ] && [ -x "$P/share/ssoc/jobs/sweep.sbatch" ] && ok || bad "installed programs are not executable"
cmp -s "$P/share/ssoc/data/kim2026_lps_aimd_500K.csv" "$SSOC_SOURCE_DIR/data/kim2026_lps_aimd_500K.csv" && ok ||
  bad "installed data differ from the source's"

# the manual page holds every command's --help, verbatim (roff-escaped), and renders
for c in $("$SSOC" --help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }'); do
  grep -q "^\.SS ssoc $c\$" "$P/share/man/man1/ssoc.1" && ok || bad "manual page lacks command $c"
  first=$("$SSOC" "$c" --help | head -1)
  grep -qF -- "$first" "$P/share/man/man1/ssoc.1" && ok || bad "manual page lacks the --help of $c: $first"
done
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$P/share/man/man1/ssoc.1" 2>"$TMP/groff.err" && [ ! -s "$TMP/groff.err" ] && ok ||
    bad "groff warns about the manual page: $(head -3 "$TMP/groff.err")"
fi

# moved prefix: the data are found beside the binary, not at the configured prefix
mv "$P" "$TMP/moved"
P=$TMP/moved
cd "$TMP" || exit 1
expect_rc 0 "within the range of the fitted data" -- "$P/bin/ssoc" predict --x 0.75 --rho 1.73 --params published
expect_rc 0 "EXTRAPOLATION: x" -- "$P/bin/ssoc" predict --x 0.5 --rho 1.73 --params published

# the installed binary never falls back to the source tree: without its own data it fails, naming them
mv "$P/share/ssoc/data" "$TMP/data.aside"
expect_rc 1 "$P/bin/../share/ssoc/data/kim2026_lps_aimd_500K.csv: cannot open" -- "$P/bin/ssoc" predict --x 0.75 --rho 1.73 --params published
SSOC_DATA_DIR=$TMP/data.aside expect_rc 0 "within the range of the fitted data" -- "$P/bin/ssoc" predict --x 0.75 --rho 1.73
mv "$TMP/data.aside" "$P/share/ssoc/data"

# the source tree's data hidden: the installed ssoc works, the build tree's does not
cat >"$TMP/hidden.sh" <<'EOS'
set -u
mount -t tmpfs none "$SSOC_SOURCE_DIR/data" || exit 99
[ -z "$(ls -A "$SSOC_SOURCE_DIR/data")" ] || exit 99
rc=0
"$SSOC" predict --x 0.75 --rho 1.73 --params published >/dev/null 2>&1 && { echo "the build tree's binary works without data/: nothing is hidden"; rc=1; }
"$P/bin/ssoc" predict --x 0.75 --rho 1.73 --params published | grep -q "within the range of the fitted data" || { echo "installed predict failed"; rc=1; }
"$P/bin/ssoc" validate "$P/share/ssoc/data/zhou2024_mlff_300K.csv" | grep -q "does not transfer" || { echo "installed validate failed"; rc=1; }
mkdir -p out
"$P/bin/ssoc" sweep "$P/share/ssoc/configs/default.ini" --set bootstrap.B=20 --set grid.x=0.7:0.75:3 \
  --set grid.rho=1.6:1.9:4 --set grid.T=500 -q -o out/installed.h5 || { echo "installed sweep of an installed config failed"; rc=1; }
"$P/bin/ssoc" rules out/installed.h5 | grep -q "design rule" || { echo "installed rules failed"; rc=1; }
exit $rc
EOS
if unshare -m --propagation private true 2>/dev/null; then
  out=$(SSOC_SOURCE_DIR=$SSOC_SOURCE_DIR SSOC=$SSOC P=$P unshare -m --propagation private bash "$TMP/hidden.sh" 2>&1)
  rc=$?
  if [ $rc = 99 ]; then
    echo "NOTE: could not mount over $SSOC_SOURCE_DIR/data here; the hidden-source check did not run"
  else
    [ $rc = 0 ] && ok || bad "with the source data hidden: $out"
  fi
else
  echo "NOTE: no private mount namespace here (unshare -m needs root); the hidden-source check did not run"
fi
[ -n "$(ls "$SSOC_SOURCE_DIR/data")" ] && ok || bad "the source tree's data/ is empty after the test"
cd /
finish
