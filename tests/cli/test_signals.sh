#!/usr/bin/env bash
# Interrupting a run: SIGINT or SIGTERM while the output GeoPackage is being
# written (and SIGTERM early, while reading) ends plancheck with 128 +
# signal, one line on stderr, no output and no temporary file left behind.
# Usage: test_signals.sh <plancheck binary> <source dir>
set -u
PC=$1
ROOT=$2
. "$(dirname "$0")/../testlib.sh"

# a cadastre large enough to take a second or more to write
python3 "$ROOT/scripts/bench/gen_parcels.py" 50000 "$T/data" >/dev/null || {
  echo "cannot generate the test data"; exit 1; }

# interrupt <signal> <name> <wait-for-temp-file: 1|0>
interrupt() {
  local sig=$1 name=$2 wait_tmp=$3
  rm -f "$T"/out*
  "$PC" run -q --fail-on never -o "$T/out.gpkg" "$T/data/plan.yaml" 2>"$T/$name.err" &
  local pid=$!
  if [ "$wait_tmp" -eq 1 ]; then
    # until the temporary GeoPackage exists (the write has begun)
    for _ in $(seq 1 400); do
      ls "$T"/out.gpkg.tmp-* >/dev/null 2>&1 && break
      sleep 0.01
    done
    ls "$T"/out.gpkg.tmp-* >/dev/null 2>&1 || bad "$name: no temporary file seen"
  else
    sleep 0.5   # reading; under a sanitizer, perhaps still starting
  fi
  kill -s "$sig" "$pid"
  wait "$pid"
  local rc=$? want
  want=$((128 + $(kill -l "$sig")))
  [ "$rc" -eq "$want" ] && ok || bad "$name: exit $rc, expected $want"
  # one line, unless the signal came before plancheck's handler was set
  # (then the default action ended it: same exit code, nothing written)
  if [ "$wait_tmp" -eq 0 ] && [ ! -s "$T/$name.err" ]; then
    ok
  else
    [ "$(wc -l <"$T/$name.err")" -eq 1 ] && grep -q "interrupted" "$T/$name.err" && ok ||
      bad "$name: stderr: $(cat "$T/$name.err")"
  fi
  local left; left=$(ls "$T" | grep '^out' || true)
  [ -z "$left" ] && ok || bad "$name: left behind: $left"
}

interrupt INT sigint_while_writing 1
interrupt TERM sigterm_while_writing 1
interrupt TERM sigterm_early 0

summary
