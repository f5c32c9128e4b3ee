#!/usr/bin/env bash
# The CLI end to end under valgrind memcheck: both sample plans, a run
# with every rule family, an error path and an interrupted run must show
# zero memory errors and zero definite or indirect leaks.
# (Third-party "still reachable" memory, GDAL's driver registry and PROJ's
# context caches, is not a leak and is not reported.)
# Usage: test_valgrind.sh <plancheck binary> <source dir>
set -u
PC=$1
ROOT=$2
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
. "$(dirname "$0")/../testlib.sh"

VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --error-exitcode=99
    --suppressions="$ROOT/tests/valgrind.supp")

# memcheck <name> <expected plancheck exit> args...
memcheck() {
  local name=$1 want=$2; shift 2
  "${VG[@]}" --log-file="$T/$name.vg" "$PC" "$@" >/dev/null 2>"$T/$name.err"
  local rc=$?
  if [ "$rc" -eq 99 ] || [ -s "$T/$name.vg" ]; then
    bad "$name: valgrind reports: $(head -40 "$T/$name.vg")"
  elif [ "$rc" -ne "$want" ]; then
    bad "$name: exit $rc, expected $want: $(head -c 300 "$T/$name.err")"
  else
    ok
  fi
}

memcheck oujiangkou 0 run -q --fail-on never -o "$T/o.gpkg" "$ROOT/gis/oujiangkou/plan.yaml"
memcheck jinliwen 0 run -q --fail-on never -o "$T/j.gpkg" "$ROOT/gis/jinliwen/plan.yaml"
memcheck info 0 info "$ROOT/gis/oujiangkou/oujiangkou.gpkg"
memcheck check_overlap 1 check overlap -o "$T/c.gpkg" "$ROOT/gis/oujiangkou/parcels.shp"
memcheck missing_input 3 run -q -o "$T/x.gpkg" "$T/nosuch.yaml"
memcheck existing_output 5 run -q -o "$T/o.gpkg" "$ROOT/gis/oujiangkou/plan.yaml"
memcheck render 0 render -q --size 800x600 --zoom-to figure.children_sum:zones:Z21 -o "$T/m.png" -o "$T/m.svg" "$ROOT/gis/oujiangkou/plan.yaml"
memcheck render_bad_zoom 2 render -q -o "$T/n.png" --zoom-to no:such:id "$ROOT/gis/jinliwen/plan.yaml"

summary
