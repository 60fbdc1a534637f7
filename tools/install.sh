#!/usr/bin/env bash
# Install the built ssoc (binary, shipped data and configurations, batch scripts, manual page,
# documentation) with `cmake --install`, so that `ssoc` runs by name. Used by ../run.sh; safe to
# run again. Environment: BUILD_DIR (default build), SSOC_PREFIX (default /usr/local; e.g.
# $HOME/.local installs without root). Writing to the prefix needs root or sudo unless it is yours.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$here/build}
prefix=${SSOC_PREFIX:-/usr/local}

[ -x "$build/ssoc" ] || { echo "install: no ssoc in $build: build it first (tools/setup.sh)" >&2; exit 1; }
probe=$prefix
while [ ! -e "$probe" ]; do probe=$(dirname "$probe"); done # the deepest part that exists
sudo=""
if [ "$(id -u)" -ne 0 ] && [ ! -w "$probe" ]; then
  command -v sudo >/dev/null ||
    { echo "install: cannot write to $prefix and there is no sudo: run as root, or set SSOC_PREFIX=\$HOME/.local" >&2; exit 1; }
  sudo=sudo
fi
$sudo cmake --install "$build" --prefix "$prefix" >/dev/null
echo "install: ssoc installed as $prefix/bin/ssoc (data and configurations in $prefix/share/ssoc, manual: man ssoc)"
found=$(command -v ssoc || true)
if [ "$found" != "$prefix/bin/ssoc" ]; then
  echo "install: WARNING: 'ssoc' on this PATH is ${found:-nothing}, not $prefix/bin/ssoc: add $prefix/bin to PATH (export PATH=$prefix/bin:\$PATH)" >&2
fi
