#!/usr/bin/env bash
# tests/check_citations.sh itself (the repository's own check is the ctest `citations`): a clean
# tree passes; every kind of citation outside the repository, planted one at a time, fails with a
# line naming the file and line; words that merely contain the names do not.
. "$(dirname "$0")/lib.sh"
CHECK="$SSOC_SOURCE_DIR/tests/check_citations.sh"

mk() { # a small tree with a git index, like a clone
  rm -rf "$TMP/t" && mkdir -p "$TMP/t/docs" "$TMP/t/src" && cd "$TMP/t" || exit 1
  printf '# Model\n\nSee [building](BUILDING.md#toolchain-notes) and [the code](../src/a.c).\n' >docs/MODEL.md
  printf '# Building\n' >docs/BUILDING.md
  printf '/* see docs/MODEL.md, "The model"; TOL_SPEC is a name, SPECIAL a word */\n#define TOL_SPEC 1e-5\n' >src/a.c
  git init -q . && git add -A
}
run() { bash "$CHECK" "$TMP/t" >"$TMP/out" 2>&1; }

mk
run && ok || bad "a clean tree fails: $(cat "$TMP/out")"
for planted in 'see SPEC.md' 'as in SPEC section 5' '(SPEC 8)' 'per TOOLCHAIN.md' 'the file ../shared/data/kim.csv' \
               'in /work/shared/SPEC.md'; do
  mk
  printf 'int x; /* %s */\n' "$planted" >>src/a.c && git add -A
  if run; then bad "planted '$planted' not found"; else
    grep -q "^src/a.c:3: " "$TMP/out" && ok || bad "planted '$planted': no src/a.c:3 line in: $(cat "$TMP/out")"
  fi
done
mk
printf 'Also [spec](../../shared/SPEC.md) and [gone](UNCERTAINTY.md).\n' >>docs/MODEL.md && git add -A
run && bad "bad Markdown links not found" || {
  grep -q "docs/MODEL.md:4: bad Markdown link: out of the repository: ../../shared/SPEC.md" "$TMP/out" && ok || bad "link out: $(cat "$TMP/out")"
  grep -q "docs/MODEL.md:4: bad Markdown link: to a file that does not exist: UNCERTAINTY.md" "$TMP/out" && ok || bad "missing target: $(cat "$TMP/out")"
}
# an untracked file is not the repository's business; without .git every file counts
mk
printf 'SPEC.md\n' >scratch.txt
run && ok || bad "an untracked file was checked: $(cat "$TMP/out")"
rm -rf .git
run && bad "without .git the stray file was not checked" || ok
cd /
finish
