#!/usr/bin/env bash
# Set-up command 1: install what is missing, build, and run the main job on the shipped data.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/tools/setup.sh"
cd "$here"
ssoc=${BUILD_DIR:-$here/build}/ssoc
mkdir -p out
"$ssoc" fit data/kim2026_lps_aimd_500K.csv --boot 1000 -o out/params.json --force
