#!/usr/bin/env bash
# The main job on the sample plan: installs what is missing, builds, and runs
# `plancheck run` on gis/oujiangkou/plan.yaml, writing
# gis/oujiangkou/out/oujiangkou-findings.gpkg and printing a summary.
# Exits 0 when plancheck ran (its exit code 0 = passed or 1 = findings at or
# above the fail level, both printed); exits with plancheck's code (2-6) on
# an error.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" || exit 1
"$root/build/plancheck" run --overwrite "$root/gis/oujiangkou/plan.yaml" "$@"
rc=$?
case $rc in
  0) echo "plancheck exit code 0: no finding at or above the fail level" ;;
  1) echo "plancheck exit code 1: the sample plan has findings at or above the fail level (see the summary above)" ; rc=0 ;;
  *) echo "plancheck exit code $rc: the run failed" ;;
esac
exit $rc
