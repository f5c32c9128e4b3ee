#!/usr/bin/env bash
# Renders the maps of both sample plans into maps/ (shown in README.md):
# per sample an overview as PNG and SVG and one close-up of a finding as
# PNG. Builds plancheck first when needed. The date printed on a sample's
# maps is the date of the last commit that changed the sample (gis/<sample>),
# so re-running gives the same bytes until the sample or plancheck changes.
# Usage: scripts/render-maps.sh [--check]
#   --check  render into a temporary folder and fail (exit 1) when a map in
#            maps/ differs from what plancheck draws now
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
check=0
[ "${1:-}" = "--check" ] && check=1
"$root/scripts/build.sh" >/dev/null
pc=$root/build/plancheck
out=$root/maps
if [ $check -eq 1 ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# sample_date <sample>: YYYY-MM-DD of its last change, from git; without a
# git checkout, a fixed date (the maps are then still reproducible)
sample_date() {
  local d=""
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    d=$(git -C "$root" log -1 --format=%cs -- "gis/$1" 2>/dev/null || true)
  fi
  echo "${d:-2025-01-01}"
}

# render <sample> <size> <close-up name> <finding id to zoom to>
render() {
  local sample=$1 size=$2 name=$3 finding=$4
  local plan=$root/gis/$sample/plan.yaml date
  date=$(sample_date "$sample")
  "$pc" render -q --overwrite --size "$size" --date "$date" \
    -o "$out/$sample.png" -o "$out/$sample.svg" "$plan"
  "$pc" render -q --overwrite --size 1200x900 --date "$date" \
    --zoom-to "$finding" -o "$out/$sample-$name.png" "$plan"
  echo "$sample ($date): $sample.png $sample.svg $sample-$name.png"
}

# Oujiangkou: the plan's land is wide (21 x 6 km); the close-up is Z21,
# whose three parts add up to 5100 亩 of its 约5600 亩.
render oujiangkou 1600x1000 z21 figure.children_sum:zones:Z21
# Jin-Li-Wen: the region; the close-up is hub N20, 94 km from the line it
# should be within 1 km of.
render jinliwen 1600x1200 n20 near.too_far:hubs:N20:lines:L80

if [ $check -eq 1 ]; then
  status=0
  for f in "$out"/*.png "$out"/*.svg; do
    if ! cmp -s "$f" "$root/maps/$(basename "$f")"; then
      echo "maps/$(basename "$f") is not current: run scripts/render-maps.sh" >&2
      status=1
    fi
  done
  exit $status
fi
