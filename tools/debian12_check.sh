#!/usr/bin/env bash
# A fresh Debian 12 check (not run by ctest: it needs root, network to a Debian mirror and several
# minutes): debootstrap a minimal Debian 12 into DIR, copy a clean clone of this repository's HEAD
# into it, and run there, as a new user would, README's two set-up commands (./run.sh, ./test.sh:
# every test, the README examples among them) and then every README example verbatim in the clone
# itself (tests/cli_readme.sh with README_IN_PLACE=1, the installed ssoc on PATH).
#
#   sudo tools/debian12_check.sh [DIR]     (default /var/tmp/ssoc-debian12; reused if it exists)
#
# Environment: MIRROR (default http://deb.debian.org/debian), KEEP=1 keeps DIR afterwards (default:
# removed after a successful run, kept after a failure for inspection). The log of every step is
# DIR.log. Exit 0 when all three steps pass.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-/var/tmp/ssoc-debian12}
mirror=${MIRROR:-http://deb.debian.org/debian}
log=$dir.log
[ "$(id -u)" = 0 ] || { echo "debian12_check: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
say() { echo "[$(date +%T)] $*" | tee -a "$log"; }
: >"$log"

if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >>"$log" 2>&1 || { say "FAIL: cannot install debootstrap"; exit 1; }
fi
if [ ! -x "$dir/bin/bash" ]; then
  say "debootstrap bookworm (minbase) into $dir from $mirror"
  t0=$SECONDS
  debootstrap --variant=minbase bookworm "$dir" "$mirror" >>"$log" 2>&1 || { say "FAIL: debootstrap (see $log)"; exit 1; }
  say "debootstrap done in $((SECONDS - t0)) s"
fi

mounted=()
mnt() { mkdir -p "$dir/$2" && mount "${@:3}" "$1" "$dir/$2" && mounted=("$dir/$2" "${mounted[@]}"); }
cleanup() {
  local m
  for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null; done
}
trap cleanup EXIT
mnt proc proc -t proc
mnt sysfs sys -t sysfs
mnt /dev dev --bind
mnt devpts dev/pts -t devpts
mnt tmpfs dev/shm -t tmpfs
# no daemons started by package scripts inside the chroot (the tests start their own)
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d" && chmod +x "$dir/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# the clean clone: what `git clone` of this repository gives (HEAD, no build, no untracked files)
rm -rf "$dir/root/ssoc"
git clone -q --no-hardlinks "$here" "$dir/root/ssoc" || { say "FAIL: git clone"; exit 1; }
say "clone of $(git -C "$here" rev-parse --short HEAD) in $dir/root/ssoc"

step() { # NAME COMMAND: run COMMAND in the chroot as root in /root/ssoc, log it, time it
  local name=$1 t0=$SECONDS rc
  shift
  say "step: $name"
  chroot "$dir" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 bash -lc "cd /root/ssoc && $*" >>"$log" 2>&1
  rc=$?
  say "step: $name: exit $rc after $((SECONDS - t0)) s"
  return $rc
}
# git is what a user has to get the repository; everything else the two commands must install
step "apt-get install git (to have cloned the repository)" "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q git ca-certificates" || exit 1
fails=0
step "./run.sh" ./run.sh || fails=$((fails + 1))
step "./test.sh" ./test.sh || fails=$((fails + 1))
step "README examples in the clone" "SSOC=\$(command -v ssoc) SSOC_SOURCE_DIR=/root/ssoc SSOC_BINARY_DIR=/root/ssoc/build README_IN_PLACE=1 bash tests/cli_readme.sh" || fails=$((fails + 1))
grep -E '^(README.md:|[0-9]+% tests passed|The following tests|\s+[0-9]+ - )' "$log" | tail -60
if [ $fails = 0 ]; then
  say "PASS: Debian 12 from scratch ran ./run.sh, ./test.sh and every README example"
  if [ "${KEEP:-0}" != 1 ]; then
    cleanup
    mounted=()
    # never delete through a mount that is still there (a bind of /dev would take the host's with it)
    if grep -q " $dir/" /proc/mounts; then say "mounts remain under $dir: not removing it"; else rm -rf --one-file-system "$dir"; fi
  fi
  exit 0
fi
say "FAIL: $fails step(s) failed; $dir kept, log $log"
exit 1
