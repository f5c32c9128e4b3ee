#!/bin/sh
# Sample data check: regenerate gis/jinliwen into a temporary directory
# with scripts/make_sample_jinliwen.py and compare every generated file
# byte for byte with the committed copy.
#
# Usage: check_jinliwen_reproducible.sh REPO_ROOT
# Exit:  0 all files identical; 1 a file differs, is missing or the
#        generator failed (one line on stdout says which); 2 usage error.
# Needs python3 and ogr2ogr (GDAL); byte identity holds for the GDAL/PROJ
# versions the committed files were made with (see gis/jinliwen/README.md).

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 REPO_ROOT" >&2
    exit 2
fi
root=$1
committed=$root/gis/jinliwen

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jinliwen-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! python3 "$root/scripts/make_sample_jinliwen.py" --out "$tmp/out" \
        >"$tmp/log" 2>&1; then
    echo "make_sample_jinliwen.py failed: $(tail -n 1 "$tmp/log")"
    exit 1
fi

files="jinliwen.gpkg counties.geojson expected-findings.txt"

for f in $files; do
    if [ ! -f "$tmp/out/$f" ]; then
        echo "not generated: gis/jinliwen/$f"
        exit 1
    fi
    if [ ! -f "$committed/$f" ]; then
        echo "not committed: gis/jinliwen/$f"
        exit 1
    fi
    if ! cmp -s "$tmp/out/$f" "$committed/$f"; then
        echo "differs: gis/jinliwen/$f"
        exit 1
    fi
done

for path in "$tmp/out"/*; do
    f=${path##*/}
    case " $files " in
        *" $f "*) ;;
        *) echo "unexpected generated file: $f"; exit 1 ;;
    esac
done

exit 0
