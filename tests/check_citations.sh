#!/usr/bin/env bash
# The repository must stand alone: no tracked file may cite a document that is not in it (the
# project's original specification or toolchain notes, by file name or by section number), nor a
# path outside the repository (an absolute path on the machine it was written on, a relative path
# that climbs out of the tree, a Markdown link whose target escapes the tree or does not exist).
# The science is cited as docs/MODEL.md, the toolchain as docs/BUILDING.md, by heading.
#
#   tests/check_citations.sh [SOURCE_DIR]      exit 0 clean, 1 with one line per offence:
#                                              FILE:LINE: what: the text
set -u
root=$(cd "${1:-$(dirname "$0")/..}" && pwd -P)
cd "$root" || exit 2
self=tests/check_citations.sh

if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git -C "$root" ls-files)
else # an exported tree without .git: every file but build output
  mapfile -t files < <(find . -type f ! -path './.git/*' ! -path './build*' -printf '%P\n' | sort)
fi
keep=()
for f in "${files[@]}"; do
  case $f in
    "$self" | tests/cli_check_citations.sh | tests/fuzz/corpus/*) ;; # these two name the patterns; fuzz inputs are data
    *) [ -f "$f" ] && keep+=("$f") ;;
  esac
done

bad=0
report() { # FILE:LINE:TEXT lines on stdin, a label
  local line
  while IFS= read -r line; do
    printf '%s: %s: %s\n' "${line%%:*}:$(cut -d: -f2 <<<"$line")" "$1" "$(cut -d: -f3- <<<"$line" | sed 's/^[[:space:]]*//' | cut -c1-120)"
    bad=$((bad + 1))
  done
}

# text citations (-I: binary files are skipped; -w: whole words, so TOL_SPEC is no citation)
report "cites the specification, which is not in the repository" \
  < <(grep -I -n -w -E 'SPEC(\.md)?' -- "${keep[@]}")
report "cites the toolchain notes, which are not in the repository (docs/BUILDING.md)" \
  < <(grep -I -n -w -E 'TOOLCHAIN(\.md)?' -- "${keep[@]}")
report "names a path outside the repository" \
  < <(grep -I -n -E '(^|[^[:alnum:]_.])(\.\./)+shared\b|(^|[[:space:]"'\''=(`:])/work/|(^|[[:space:]`(])shared/(SPEC|TOOLCHAIN|STYLE|data)' -- "${keep[@]}")

# Markdown links: a relative target must stay inside the tree and exist
links() {
for f in "${keep[@]}"; do
  case $f in *.md) ;; *) continue ;; esac
  dir=$(dirname "$f")
  grep -n -o -E '\]\([^)[:space:]]+\)' -- "$f" | while IFS= read -r hit; do
    n=${hit%%:*} target=${hit#*:}
    target=${target#](} target=${target%)} target=${target%%#*}
    case $target in '' | http://* | https://* | mailto:*) continue ;; esac
    case $target in /*) abs=$target ;; *) abs=$(realpath -m "$dir/$target") ;; esac
    case $abs in
      "$root"/*) [ -e "$abs" ] || echo "$f:$n:to a file that does not exist: $target" ;;
      *) echo "$f:$n:out of the repository: $target" ;;
    esac
  done
done
}
report "bad Markdown link" < <(links)

if [ "$bad" -gt 0 ]; then
  echo "check_citations: $bad citation(s) of something outside the repository; cite docs/MODEL.md or docs/BUILDING.md by heading" >&2
  exit 1
fi
echo "check_citations: ${#keep[@]} tracked files, no citation outside the repository"
