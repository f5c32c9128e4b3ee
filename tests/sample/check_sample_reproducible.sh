#!/bin/sh
# Sample data check: regenerate gis/SAMPLE into a temporary directory with
# scripts/make_sample_SAMPLE.py and compare every generated file byte for
# byte with the committed copy; the generator must write exactly FILES.
#
# Usage: check_sample_reproducible.sh REPO_ROOT SAMPLE FILE...
# Exit:  0 all files identical; 1 a file differs, is missing or the
#        generator failed (one line on stdout says which); 2 usage error.
# Needs python3 and ogr2ogr (GDAL); byte identity holds for the GDAL/PROJ
# versions the committed files were made with (see gis/SAMPLE/README.md).

if [ $# -lt 3 ] || [ ! -d "$1" ]; then
    echo "usage: $0 REPO_ROOT SAMPLE FILE..." >&2
    exit 2
fi
root=$1
sample=$2
shift 2
files="$*"
committed=$root/gis/$sample

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$sample-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! python3 "$root/scripts/make_sample_$sample.py" --out "$tmp/out" \
        >"$tmp/log" 2>&1; then
    echo "make_sample_$sample.py failed: $(tail -n 1 "$tmp/log")"
    exit 1
fi

# Every expected file must be generated and identical to the committed one.
for f in $files; do
    if [ ! -f "$tmp/out/$f" ]; then
        echo "not generated: gis/$sample/$f"
        exit 1
    fi
    if [ ! -f "$committed/$f" ]; then
        echo "not committed: gis/$sample/$f"
        exit 1
    fi
    if ! cmp -s "$tmp/out/$f" "$committed/$f"; then
        echo "differs: gis/$sample/$f"
        exit 1
    fi
done

# The generator must not produce files the check does not know about.
for path in "$tmp/out"/*; do
    f=${path##*/}
    case " $files " in
        *" $f "*) ;;
        *) echo "unexpected generated file: $f"; exit 1 ;;
    esac
done

exit 0
