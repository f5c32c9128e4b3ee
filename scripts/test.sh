#!/usr/bin/env bash
# Builds plancheck and runs the whole test suite through ctest (installs
# missing Debian packages first). This is what CI runs (.ci/run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j"$(nproc)"
