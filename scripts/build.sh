#!/usr/bin/env bash
# Configures and builds plancheck into build/ (after installing missing
# Debian packages). Extra arguments go to cmake's configure step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DPLANCHECK_WERROR=ON "$@" >/dev/null
cmake --build "$root/build" -j"$(nproc)"
