#!/usr/bin/env bash
# Set-up command 2: install what is missing (also the test-only packages), build, run every test.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SSOC_WITH_TEST_DEPS=1 "$here/tools/setup.sh"
cd "${BUILD_DIR:-$here/build}"
ctest --output-on-failure --timeout 1200 "$@"
