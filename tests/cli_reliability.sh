#!/usr/bin/env bash
# Reliability outside the sweep driver (issue 14, defects 4, 8, 9, 10 and the output paths of fit
# and plot): every reproduction of the issue as a check, plus what the fixes promise.
#   4  no silent truncation of a path or a value (-o, --set, INI values with a NUL byte, any path)
#   8  bounded reads: an endless or blocking input (/dev/zero, a FIFO with no writer, a huge file)
#      is refused promptly with one line
#   9  `ssoc plot` under `ulimit -v` 40-120 MB: exit 0 or one clean line and exit 1, never a signal
#  10  JSON parameter files with trailing garbage, two objects or an inverted data range; `plot -o
#      'p%n.png'`; a CR-only CSV; a directory as config or data file; a full disk said as such
#  B   output paths checked before any work: a device, a directory, a symbolic link, an empty name
#      are refused (with --force too) and nothing is computed first; the sweep's -o likewise
# The row list with the promise per failure mode is tests/RELIABILITY.md.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
SW="$SSOC_SOURCE_DIR/tests/sweep/small.ini"
cd "$TMP" || exit 1

# longpath DIR NAME LEN: DIR/./././.../NAME, LEN characters long in all; the same file as DIR/NAME,
# so a reader or writer that cuts the string short would use a different, shorter path
longpath() {
  local dir=$1 name=$2 len=$3 p
  p="$dir/"
  while [ $((${#p} + ${#name} + 2)) -le "$len" ]; do p+="./"; done
  while [ $((${#p} + ${#name})) -lt "$len" ]; do p+="/"; done
  printf '%s%s' "$p" "$name"
}
# listing of the test directory, to prove a refused command created nothing
snap() { find "$TMP" -mindepth 1 ! -name stderr ! -name 'err*' ! -name 'out*' ! -path "$TMP/fixed*" | sort; }
nothing_new() { # BEFORE LABEL
  local now
  now=$(snap)
  if [ "$now" = "$1" ]; then ok; else bad "$2: files appeared: $(diff <(echo "$1") <(echo "$now") | grep '^>' | head -5)"; fi
}
# elapsed seconds of the last `timed` command in $EL, its exit code in $RC
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  t1=$(date +%s.%N)
  EL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}
one_line() { [ "$(wc -l <"$TMP/err")" = 1 ] && head -c 6 "$TMP/err" | grep -q '^ssoc: '; }
# refused LABEL CODE NEEDLE MAXSEC -- CMD...: exit CODE, one line holding NEEDLE, within MAXSEC s
refused() {
  local label=$1 code=$2 needle=$3 max=$4
  shift 5
  # a command that ignores the limit is stopped well after it (a regression must not hang the suite)
  timed timeout -s KILL $((max + 15)) "$@"
  if [ "$RC" != "$code" ]; then bad "$label: exit $RC, wanted $code: $(head -c 400 "$TMP/err")"; return; fi
  if ! one_line; then bad "$label: not one 'ssoc: ' line: $(head -c 600 "$TMP/err")"; return; fi
  if ! grep -qF -- "$needle" "$TMP/err"; then bad "$label: message lacks '$needle': $(cat "$TMP/err")"; return; fi
  if awk -v e="$EL" -v m="$max" 'BEGIN { exit !(e > m) }'; then bad "$label: took $EL s (limit $max s)"; return; fi
  ok
}

cp "$DATA" "$TMP/real.csv"
"$SSOC" fit "$DATA" -o "$TMP/fixed_ok.json" >/dev/null || bad "reference fit failed"
"$SSOC" sweep "$SW" -o "$TMP/fixed_s.h5" -q || bad "reference sweep failed"
# a sweep that would take long (so "refused before any work" is visible as time)
BIG=(--set bootstrap.B=3000000)

# ---------------------------------------------------------------- 4: no silent truncation
before=$(snap)
lp=$(longpath "$TMP" abc.json 4100)
refused "fit -o of 4100 characters" 1 "4100 characters" 2 -- "$SSOC" fit "$DATA" -o "$lp"
[ -s "$TMP/out" ] && bad "fit -o 4100: report printed although the output was refused" || ok
nothing_new "$before" "fit -o 4100"
lp=$(longpath "$TMP" abc.png 4100)
refused "plot -o of 4100 characters" 1 "4100 characters" 5 -- "$SSOC" plot "$TMP/fixed_s.h5" -o "$lp"
nothing_new "$before" "plot -o 4100"
lp=$(longpath "$TMP" abc.h5 4100)
refused "sweep -o of 4100 characters" 1 "4100 characters" 5 -- "$SSOC" sweep "$SW" "${BIG[@]}" -o "$lp" -q
nothing_new "$before" "sweep -o 4100"
# a file-name component over NAME_MAX (255) is named as such, before any work
refused "fit -o with a 300-character name" 1 "longer than the 255" 2 -- "$SSOC" fit "$DATA" -o "$TMP/$(printf 'n%.0s' $(seq 300)).json"
# --set data.file whose first 4095 characters name real.csv: must not fit real.csv
v=$(longpath "$TMP" real.csv 4095)_NOT_THIS.csv
refused "--set data.file of ${#v} characters" 1 "characters" 5 -- "$SSOC" sweep "$SW" --set "data.file=$v" -o "$TMP/t4.h5" -q
nothing_new "$before" "--set data.file ${#v}"
v=$(longpath "$TMP" o.h5 4200)
refused "--set output.file of 4200 characters" 1 "characters" 5 -- "$SSOC" sweep "$SW" --set "output.file=$v" -q
# a long [fit] fix list is read whole (it was cut at 1023 characters, silently dropping n_H=3)
pad=$(printf ' %.0s' $(seq 1100))
"$SSOC" sweep "$SW" --set "fit.fix=v_c=0.125,${pad}n_H=3" --set bootstrap.B=5 -o "$TMP/fix.h5" -q 2>"$TMP/err"
if h5dump -a /config "$TMP/fix.h5" 2>/dev/null | grep -q "n_H=3"; then ok; else bad "--set fit.fix of 1100 characters lost n_H=3: $(cat "$TMP/err")"; fi
rm -f "$TMP/fix.h5"
# a NUL byte in an INI value: refused with FILE:LINE, never cut short
printf '[data]\nfile = %s\0_NOT_THIS.csv\n[bootstrap]\nB = 5\n' "$TMP/real.csv" >"$TMP/nul.ini"
refused "NUL byte in an INI value" 1 "nul.ini:2: NUL byte" 5 -- "$SSOC" sweep "$TMP/nul.ini" -o "$TMP/nul.h5" -q
[ -e "$TMP/nul.h5" ] && bad "NUL in INI: a sweep was written" || ok
# a config path of 4100 characters: the reason is in the message (a long path no longer pushes it out)
lp=$(longpath "$SSOC_SOURCE_DIR/tests/sweep" small.ini 4100)
refused "config path of 4100 characters" 1 "4100 characters" 5 -- "$SSOC" sweep "$lp" -o "$TMP/lc.h5" -q
lp=$(longpath "$TMP" real.csv 4100)
refused "data path of 4100 characters" 1 "4100 characters" 5 -- "$SSOC" fit "$lp"
refused "--params of 4100 characters" 1 "4100 characters" 5 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$(longpath "$TMP" fixed_ok.json 4100)"

# ---------------------------------------------------------------- 8: endless or blocking inputs
refused "fit /dev/zero" 1 "/dev/zero: is a character device" 5 -- "$SSOC" fit /dev/zero
refused "predict --params /dev/zero" 1 "/dev/zero: is a character device" 5 -- "$SSOC" predict --x 0.7 --rho 1.7 --params /dev/zero
refused "sweep /dev/zero" 1 "/dev/zero: is a character device" 5 -- "$SSOC" sweep /dev/zero -q
# an endless stream through a pipe stops at the first NUL byte, having read little
timed bash -c "${SSOC_TEST_SANITIZED:+: }ulimit -v 400000; cat /dev/zero | timeout 30 '$SSOC' fit /dev/stdin"
{ [ "$RC" = 1 ] && one_line && grep -q "NUL byte" "$TMP/err"; } && ok || bad "cat /dev/zero | fit /dev/stdin: exit $RC: $(head -c 300 "$TMP/err")"
# text without end through a pipe: refused at the size limit, with the limit in the message
timed bash -c "yes '0.7, 1.7, 500, 1e-6, 1e-3, PCC' | timeout 60 '$SSOC' fit /dev/stdin"
{ [ "$RC" = 1 ] && one_line && grep -q "MB limit for a CSV data file" "$TMP/err"; } && ok || bad "yes | fit /dev/stdin: exit $RC: $(head -c 300 "$TMP/err")"
# a FIFO with no writer: refused at once, for every reader
mkfifo "$TMP/fifo"
refused "fit FIFO" 1 "fifo: a FIFO with no writer" 5 -- "$SSOC" fit "$TMP/fifo"
refused "validate FIFO" 1 "fifo: a FIFO with no writer" 5 -- "$SSOC" validate "$TMP/fifo" --params published
refused "predict --params FIFO" 1 "fifo: a FIFO with no writer" 5 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$TMP/fifo"
refused "predict --data FIFO" 1 "fifo: a FIFO with no writer" 5 -- "$SSOC" predict --x 0.7 --rho 1.7 --data "$TMP/fifo"
refused "sweep FIFO config" 1 "fifo: a FIFO with no writer" 5 -- "$SSOC" sweep "$TMP/fifo" -q
refused "rules FIFO" 1 "fifo: is a FIFO" 5 -- "$SSOC" rules "$TMP/fifo"
refused "plot FIFO" 1 "fifo: is a FIFO" 5 -- "$SSOC" plot "$TMP/fifo" -o "$TMP/ff.png"
refused "plot --params FIFO" 1 "fifo: a FIFO with no writer" 5 -- "$SSOC" plot "$TMP/fifo" --params -o "$TMP/ff.png"
printf '[data]\nfile = fifo\n' >"$TMP/fifodata.ini"
refused "[data] file = FIFO" 1 "is a FIFO" 5 -- "$SSOC" sweep "$TMP/fifodata.ini" -q
rm -f "$TMP/fifo"
# ... but a pipe with a writer is read as before
"$SSOC" fit <(cat "$DATA") --json >"$TMP/out_pipe.json" 2>"$TMP/err" && ok || bad "fit <(cat DATA): $(cat "$TMP/err")"
cat "$DATA" | "$SSOC" fit /dev/stdin --json >"$TMP/out_stdin.json" 2>"$TMP/err" && ok || bad "cat DATA | fit /dev/stdin: $(cat "$TMP/err")"
# a huge file is refused by its size, without reading it (sparse files: no disk used)
truncate -s 3G "$TMP/huge.csv" "$TMP/huge.json"
truncate -s 2M "$TMP/huge.ini"
refused "3 GB CSV" 1 "is larger than the 256 MB limit for a CSV data file" 2 -- "$SSOC" fit "$TMP/huge.csv"
refused "3 GB parameter file" 1 "is larger than the 2048 MB limit for a parameter file" 2 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$TMP/huge.json"
refused "2 MB config" 1 "is larger than the 1 MB limit for a config file" 2 -- "$SSOC" sweep "$TMP/huge.ini" -q
rm -f "$TMP"/huge.*

# ---------------------------------------------------------------- 9: plot under an address-space limit
# (AddressSanitizer reserves terabytes of address space, so tests/sanitize.sh skips the limits)
limits="40 60 80 100 120 160"
[ -n "${SSOC_TEST_SANITIZED:-}" ] && limits=""
for mb in $limits; do
  rm -f "$TMP/lim.png"
  (ulimit -v $((mb * 1024)); exec "$SSOC" plot "$TMP/fixed_s.h5" -o "$TMP/lim.png") >/dev/null 2>"$TMP/err"
  rc=$?
  left=$(find "$TMP" -maxdepth 1 -name '.*' | head -3)
  if [ $rc = 0 ] && [ -s "$TMP/lim.png" ] && [ -z "$left" ]; then ok
  elif [ $rc = 1 ] && one_line && grep -q "^ssoc: plot: .*lim.png: " "$TMP/err" && [ ! -e "$TMP/lim.png" ] && [ -z "$left" ]; then ok
  else bad "plot under ulimit -v ${mb} MB: exit $rc, left '$left': $(head -c 400 "$TMP/err")"; fi
done

# ---------------------------------------------------------------- 10: smaller defects
# JSON parameter files: trailing garbage, two objects, an inverted or non-finite data range
cp "$TMP/fixed_ok.json" "$TMP/trail.json" && echo 'xyz' >>"$TMP/trail.json"
refused "JSON with trailing garbage" 1 "trail.json:" 2 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$TMP/trail.json"
grep -q "after the JSON value" "$TMP/err" && ok || bad "trailing garbage: message: $(cat "$TMP/err")"
cat "$TMP/fixed_ok.json" "$TMP/fixed_ok.json" >"$TMP/two.json"
refused "two concatenated JSON objects" 1 "after the JSON value" 2 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$TMP/two.json"
$PY - "$TMP/fixed_ok.json" "$TMP/inv.json" "$TMP/infr.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
r = j["data"]["range"]["x"]
j["data"]["range"]["x"] = [r[1], r[0]]
json.dump(j, open(sys.argv[2], "w"))
j["data"]["range"]["x"] = [r[0], 1e999]
open(sys.argv[3], "w").write(json.dumps(j).replace("Infinity", "1e999"))
EOF
refused "inverted data range" 1 "data.range: member 'x'" 2 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$TMP/inv.json"
grep -q "min > max\|inverted" "$TMP/err" && ok || bad "inverted range: message: $(cat "$TMP/err")"
refused "infinite data range" 1 "data.range: member 'x'" 2 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$TMP/infr.json"
# plot -o 'p%n.png': PLplot expands %n in file names; the picture lands under the name given
before=$(snap)
"$SSOC" plot "$TMP/fixed_s.h5" -o "$TMP/p%n.png" >/dev/null 2>"$TMP/err" && [ -s "$TMP/p%n.png" ] &&
  head -c 8 "$TMP/p%n.png" | od -An -tx1 | grep -q "89 50 4e 47" && ok || bad "plot -o p%n.png: $(cat "$TMP/err")"
now=$(snap)
[ "$(diff <(echo "$before") <(echo "$now") | grep -c '^>')" = 1 ] && ok || bad "plot -o p%n.png left: $(diff <(echo "$before") <(echo "$now") | grep '^>')"
mkdir -p "$TMP/d%n"
"$SSOC" plot "$TMP/fixed_s.h5" -o "$TMP/d%n/q.svg" >/dev/null 2>"$TMP/err" && [ -s "$TMP/d%n/q.svg" ] && [ "$(ls -A "$TMP/d%n")" = q.svg ] &&
  ok || bad "plot -o 'd%n/q.svg': $(cat "$TMP/err"); dir: $(ls -A "$TMP/d%n")"
# every kind of picture goes the same way (a working file created exclusively, a stream given to
# PLplot, drawn in a child process): '%n' in the name is kept, and under an address-space limit the
# command succeeds or says so in one line, leaving neither the picture nor a hidden working file
"$SSOC" fit "$DATA" --boot 30 -o "$TMP/fixed_b.json" >/dev/null 2>&1 || bad "fit --boot for the picture kinds"
EXT="$SSOC_SOURCE_DIR/data/zhou2024_mlff_300K.csv"
kind_limits="none 60"
[ -n "${SSOC_TEST_SANITIZED:-}" ] && kind_limits=none # (see 9)
for kind in map rules arrhenius params corner corner_json fit_parity validate_parity; do
  for lim in $kind_limits; do
    mkdir -p "$TMP/k%n" && rm -f "$TMP/k%n"/* "$TMP/k%n"/.??*
    out="$TMP/k%n/$kind%n.pdf"
    case $kind in
      map) cmd=("$SSOC" plot "$TMP/fixed_s.h5" -o "$out") ;;
      corner_json) cmd=("$SSOC" plot "$TMP/fixed_b.json" --corner -o "$out") ;;
      fit_parity) cmd=("$SSOC" fit "$DATA" --parity "$out") ;;
      validate_parity) cmd=("$SSOC" validate "$EXT" --parity "$out") ;;
      *) cmd=("$SSOC" plot "$TMP/fixed_s.h5" "--$kind" -o "$out") ;;
    esac
    if [ $lim = none ]; then "${cmd[@]}" >/dev/null 2>"$TMP/err"; rc=$?
    else (ulimit -v $((lim * 1024)); exec "${cmd[@]}") >/dev/null 2>"$TMP/err"; rc=$?; fi
    files=$(ls -A "$TMP/k%n")
    if [ $rc = 0 ] && [ "$files" = "$kind%n.pdf" ] && [ "$(head -c 5 "$out")" = "%PDF-" ]; then ok
    elif [ $lim != none ] && [ $rc = 1 ] && one_line && [ -z "$files" ]; then ok
    else bad "$kind to '$out' (ulimit -v: $lim MB): exit $rc, files '$files': $(head -c 400 "$TMP/err")"; fi
  done
done
# a CR-only CSV (classic Mac line ends) reads like the LF original: same parameters, same lines
tr '\n' '\r' <"$DATA" >"$TMP/cr.csv"
"$SSOC" fit "$TMP/cr.csv" --json >"$TMP/out_cr.json" 2>"$TMP/err" || bad "CR-only CSV: $(cat "$TMP/err")"
"$SSOC" fit "$DATA" --json >"$TMP/out_lf.json"
$PY - "$TMP/out_cr.json" "$TMP/out_lf.json" <<'EOF' && ok || bad "CR-only CSV: parameters differ from the LF file"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(0 if a["parameters"] == b["parameters"] and a["data"]["n"] == b["data"]["n"] else 1)
EOF
printf 'x,rho,T,D_hop,sigma,regime\r0.7,abc,500,1e-6,1e-3,PCC\r' >"$TMP/crbad.csv"
refused "CR-only CSV, bad value" 1 "crbad.csv:2: column 'rho'" 2 -- "$SSOC" fit "$TMP/crbad.csv"
# a directory where a file is expected
mkdir -p "$TMP/adir.csv" "$TMP/adir.ini" "$TMP/adir.json"
refused "directory as CSV" 1 "adir.csv: is a directory" 2 -- "$SSOC" fit "$TMP/adir.csv"
refused "directory as config" 1 "adir.ini: is a directory" 2 -- "$SSOC" sweep "$TMP/adir.ini" -q
refused "directory as parameter file" 1 "adir.json: is a directory" 2 -- "$SSOC" predict --x 0.7 --rho 1.7 --params "$TMP/adir.json"
printf '[data]\nfile = adir.csv\n' >"$TMP/dirdata.ini"
refused "directory as [data] file" 1 "is a directory" 2 -- "$SSOC" sweep "$TMP/dirdata.ini" -q
refused "directory as sweep file" 1 "adir.csv: is a directory" 2 -- "$SSOC" rules "$TMP/adir.csv"

# ---------------------------------------------------------------- B: output paths, before any work
mkdir -p "$TMP/adir.png"
dev_ok=0
# device nodes of our own (never /dev/null itself: a failing run would replace the machine's)
if [ "$(id -u)" = 0 ] && mknod "$TMP/null" c 1 3 2>/dev/null && mknod "$TMP/null.png" c 1 3; then dev_ok=1; fi
before=$(snap)
for force in "" --force; do
  refused "fit -o DIR $force" 1 "adir.json: is a directory" 2 -- "$SSOC" fit "$DATA" -o "$TMP/adir.json" $force
  [ -s "$TMP/out" ] && bad "fit -o DIR $force: worked before refusing" || ok
  refused "plot -o DIR.png $force" 1 "adir.png: is a directory" 5 -- "$SSOC" plot "$TMP/fixed_s.h5" -o "$TMP/adir.png" $force
  refused "sweep -o DIR $force" 1 "adir.ini: is a directory" 5 -- "$SSOC" sweep "$SW" "${BIG[@]}" -o "$TMP/adir.ini" -q $force
  refused "sweep -o . $force" 1 "is a directory" 5 -- "$SSOC" sweep "$SW" "${BIG[@]}" -o . -q $force
  if [ $dev_ok = 1 ]; then
    refused "fit -o DEVICE $force" 1 "null: is a character device" 2 -- "$SSOC" fit "$DATA" -o "$TMP/null" $force
    refused "plot -o DEVICE $force" 1 "null.png: is a character device" 5 -- "$SSOC" plot "$TMP/fixed_s.h5" -o "$TMP/null.png" $force
    refused "sweep -o DEVICE $force" 1 "null: is a character device" 5 -- "$SSOC" sweep "$SW" "${BIG[@]}" -o "$TMP/null" -q $force
    [ -c "$TMP/null" ] && [ -c "$TMP/null.png" ] && ok || bad "-o DEVICE $force: the device node was replaced"
  fi
  # a symbolic link as the output: never followed, never replaced
  echo victim >"$TMP/victim.txt"
  ln -sf victim.txt "$TMP/link.json"
  refused "fit -o SYMLINK $force" 1 "link.json: is a symbolic link" 2 -- "$SSOC" fit "$DATA" -o "$TMP/link.json" $force
  [ -L "$TMP/link.json" ] && [ "$(cat "$TMP/victim.txt")" = victim ] && ok || bad "fit -o SYMLINK $force: link or victim changed"
  rm -f "$TMP/link.json" "$TMP/victim.txt"
done
refused "fit -o ''" 2 "empty" 2 -- "$SSOC" fit "$DATA" -o ""
refused "plot -o ''" 2 "empty" 2 -- "$SSOC" plot "$TMP/fixed_s.h5" -o ""
refused "sweep -o ''" 2 "empty" 5 -- "$SSOC" sweep "$SW" -o "" -q
refused "fit -o in a missing directory" 1 "nodir: No such file or directory" 2 -- "$SSOC" fit "$DATA" -o "$TMP/nodir/p.json"
refused "sweep -o in a missing directory" 1 "nodir: No such file or directory" 5 -- "$SSOC" sweep "$SW" "${BIG[@]}" -o "$TMP/nodir/s.h5" -q
nothing_new "$before" "refused outputs"
# planted OUT.partial symbolic links (defect 2, as far as a check before the run reaches): refused
# with and without --force, the victim untouched, the dangling link's target never created
echo victim >"$TMP/victim.txt"
ln -s victim.txt "$TMP/pl.h5.partial"
refused "planted .partial link, --force" 1 "pl.h5.partial: is a symbolic link" 5 -- "$SSOC" sweep "$SW" "${BIG[@]}" -o "$TMP/pl.h5" --force -q
[ "$(cat "$TMP/victim.txt")" = victim ] && [ ! -e "$TMP/pl.h5" ] && ok || bad "planted link: victim changed or pl.h5 written"
rm -f "$TMP/pl.h5.partial"
ln -s "$TMP/never.txt" "$TMP/pl.h5.partial"
refused "planted dangling .partial link" 1 "pl.h5.partial: is a symbolic link" 5 -- "$SSOC" sweep "$SW" "${BIG[@]}" -o "$TMP/pl.h5" -q
[ ! -e "$TMP/never.txt" ] && [ ! -e "$TMP/pl.h5" ] && ok || bad "dangling link: its target or pl.h5 was created"
refused "planted dangling .partial link, --resume" 1 "pl.h5.partial: is a symbolic link" 5 -- "$SSOC" sweep "$SW" -o "$TMP/pl.h5" --resume -q
rm -f "$TMP/pl.h5.partial" "$TMP/victim.txt"

# ---------------------------------------------------------------- 10: a full disk, said as such
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
  mkdir -p "$TMP/mnt"
  SSOC="$SSOC" DATA="$DATA" M="$TMP/mnt" S5="$TMP/fixed_s.h5" unshare -m bash -c '
    mount -t tmpfs -o size=64k tmpfs "$M" || exit 90
    dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null
    "$SSOC" fit "$DATA" --boot 20 -o "$M/out.json" >/dev/null 2>"$M.fit.err"; echo "fit $?" >"$M.rc"
    "$SSOC" plot "$S5" -o "$M/pic.png" >/dev/null 2>"$M.plot.err"; echo "plot $?" >>"$M.rc"
    ls -A "$M" >"$M.ls"
    umount "$M"'
  if [ $? = 0 ]; then
    for w in fit plot; do
      grep -qx "$w 1" "$TMP/mnt.rc" && [ "$(wc -l <"$TMP/mnt.$w.err")" = 1 ] && grep -q "No space left on device" "$TMP/mnt.$w.err" &&
        ok || bad "full disk, $w: $(cat "$TMP/mnt.rc" "$TMP/mnt.$w.err")"
    done
    [ "$(cat "$TMP/mnt.ls")" = fill ] && ok || bad "full disk: left $(cat "$TMP/mnt.ls")"
  else
    echo "note: full-disk cases skipped (tmpfs mount failed)"
  fi
else
  echo "note: full-disk cases skipped (unshare -m not permitted)"
fi

finish
