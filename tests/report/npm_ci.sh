#!/usr/bin/env bash
# Installs the report tests' Node.js packages (package-lock.json, exact
# versions) into <node dir> with `npm ci`, outside the source tree; again
# only when the lock file changed.
# Usage: npm_ci.sh <tests/report dir> <node dir>
set -euo pipefail
src=$1 dir=$2
command -v npm >/dev/null || { echo "npm not found: scripts/install-deps.sh installs it" >&2; exit 1; }
mkdir -p "$dir"
stamp="$dir/.lock.sha256"
want=$(sha256sum "$src/package-lock.json" "$src/package.json" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dir/node_modules" ]; then
  echo "node packages up to date in $dir"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dir/"
(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
echo "$want" >"$stamp"
