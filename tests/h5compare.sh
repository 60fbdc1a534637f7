# Sweep-file comparisons shared by the sweep tests (sweep_lib.sh) and the SLURM harness; sourced.

# h5_compare REF OTHER [SKIP_REGEX]: same objects and shapes (h5ls -r) and every dataset identical
# to the last bit (h5diff without tolerance; h5diff exits 0 on datasets it finds "not comparable",
# e.g. of another shape, so shapes are compared via h5ls too). Prints the number of datasets
# compared and returns 0, or prints what differs and returns 1. The dimension scales (the grid's
# coordinates /x, /rho, /T and their copies in /sigma, /structure, /rules; /fit/parameter,
# /fit/replicate, /fit/point, /progress/block) go last: h5diff -v also compares the datasets a
# scale's REFERENCE_LIST points to, so a difference anywhere would otherwise be reported under /T.
h5_compare() {
  local ref=$1 other=$2 skip=${3:-^$} n=0 d out
  if ! diff <(h5ls -r "$ref" | grep -Ev "$skip") <(h5ls -r "$other" | grep -Ev "$skip") >/dev/null 2>&1; then
    echo "object lists or shapes differ: $(diff <(h5ls -r "$ref") <(h5ls -r "$other") 2>&1 | head -4)"
    return 1
  fi
  for d in $(h5ls -r "$ref" | awk '$2 == "Dataset" { print $1 }' | grep -Ev "$skip" |
             awk '/^(\/|\/sigma\/|\/structure\/|\/rules\/)(T|rho|x)$|^\/fit\/(parameter|replicate|point)$|^\/progress\/block$/ {
                    c = c $0 "\n"; next } { print } END { printf "%s", c }'); do
    n=$((n + 1))
    out=$(h5diff -v "$ref" "$other" "$d" "$d" 2>&1)
    if [ $? != 0 ] || grep -qi "not comparable" <<<"$out"; then
      echo "dataset $d differs: $(head -8 <<<"$out")"
      return 1
    fi
  done
  echo "$n"
}

# h5_ndone FILE: blocks recorded done in /progress/done (the DATA part only: the dataset's
# description attribute holds digits too)
h5_ndone() {
  h5dump -A 0 -d /progress/done -y -w 0 "$1" 2>/dev/null | sed -n '/^ *DATA {/,/^ *}/p' | sed '1d;$d' |
    tr -c '01' ' ' | tr ' ' '\n' | grep -c '^1$'
}
