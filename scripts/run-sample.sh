#!/usr/bin/env bash
# The main job on the sample plans: installs what is missing, builds, and
# runs `plancheck run` on gis/oujiangkou/plan.yaml and gis/jinliwen/plan.yaml,
# writing gis/<sample>/out/<sample>-findings.gpkg (styled for QGIS) with the
# reports <sample>-report.html, .json and -junit.xml beside it, and printing a
# summary of each. Exits 0 when plancheck ran on both (its exit code 0 = passed or 1 =
# findings at or above the fail level, both printed); exits with plancheck's
# code (2-6) on an error.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" || exit 1
status=0
for sample in oujiangkou jinliwen; do
  out=$root/gis/$sample/out
  mkdir -p "$out"
  "$root/build/plancheck" run --overwrite "$root/gis/$sample/plan.yaml" \
    --report "$out/$sample-report.html" --report "$out/$sample-report.json" \
    --junit "$out/$sample-junit.xml" "$@"
  rc=$?
  case $rc in
    0) echo "$sample: plancheck exit code 0: no finding at or above the fail level" ;;
    1) echo "$sample: plancheck exit code 1: the sample plan has findings at or above the fail level (see the summary above)" ;;
    *) echo "$sample: plancheck exit code $rc: the run failed"; status=$rc ;;
  esac
  echo
done
exit $status
