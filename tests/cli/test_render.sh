#!/usr/bin/env bash
# CLI tests of `plancheck render`: maps of the Oujiangkou sample as PNG
# (signature and size read from the file) and SVG (xmllint), exit 0 with
# findings, close-ups, bad arguments with their exit codes, existing maps
# left alone, nothing half written when a map fails.
# Usage: test_render.sh <plancheck binary> <source dir>
set -u
PC=$1
SRC=$2
PLAN=$SRC/gis/oujiangkou/plan.yaml
. "$(dirname "$0")/../testlib.sh"

# expect <code> <description> -- command...; keeps stdout/stderr in $T/out, $T/err
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want; stderr: $(head -c 300 "$T/err")"; fi
}
one_line_err() {
  local n; n=$(wc -l <"$T/err")
  if [ "$n" -eq 1 ] && grep -qF -- "$1" "$T/err"; then ok; else bad "stderr should be one line with '$1': $(cat "$T/err")"; fi
}
contains() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks '$2'"; fi; }
absent() { if [ ! -e "$1" ]; then ok; else bad "$1 should not exist"; fi; }
# png_size <file>: "WxH" from the IHDR chunk, or "not a PNG"
png_size() {
  python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read(33)
if d[:8] != b'\x89PNG\r\n\x1a\n' or d[12:16] != b'IHDR':
    print('not a PNG')
else:
    print('%dx%d' % struct.unpack('>II', d[16:24]))
PY
}
# ink <file>: share of the PNG's pixels that are not white or the map's
# background, in the middle of the map (zlib only, no image library)
ink() {
  python3 - "$1" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
w, h, depth, ctype = struct.unpack('>IIBB', d[16:26])
bpp = {2: 3, 6: 4}[ctype]
pos, idat = 8, b''
while pos < len(d):
    n, = struct.unpack('>I', d[pos:pos + 4])
    if d[pos + 4:pos + 8] == b'IDAT':
        idat += d[pos + 8:pos + 8 + n]
    pos += 12 + n
raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
inked = total = 0
for y in range(h // 4, 3 * h // 4):
    for x in range(w // 8, w // 2):
        r, g, b = rows[y][x * bpp:x * bpp + 3]
        total += 1
        inked += not ((r >= 245 and g >= 245 and b >= 245))
print('%d' % (100 * inked // total))
PY
}

# --- help, version ----------------------------------------------------------
expect 0 "render --help" -- "$PC" render --help
contains "$T/out" "--zoom-to"; contains "$T/out" "Exit codes"
expect 0 "render --version" -- "$PC" render --version
contains "$T/out" "GDAL"

# --- the sample: PNG and SVG in one run, exit 0 with findings ----------------
expect 0 "sample map" -- "$PC" render --size 800x600 --date 2024-05-01 \
  -o "$T/ou.png" -o "$T/ou.svg" "$PLAN"
contains "$T/out" "$T/ou.png"; contains "$T/out" "$T/ou.svg"
size=$(png_size "$T/ou.png")
[ "$size" = "800x600" ] && ok || bad "PNG size $size, expected 800x600"
pct=$(ink "$T/ou.png")
[ "$pct" -ge 10 ] && ok || bad "map middle only ${pct}% drawn"
if xmllint --noout "$T/ou.svg" 2>"$T/xerr"; then ok; else bad "SVG not well-formed: $(head -3 "$T/xerr")"; fi
[ "$(xmllint --xpath 'string(/*[local-name()="svg"]/@width)' "$T/ou.svg")" = "800pt" ] && ok || bad "SVG width"
[ "$(xmllint --xpath 'string(/*[local-name()="svg"]/@height)' "$T/ou.svg")" = "600pt" ] && ok || bad "SVG height"
cp "$T/ou.png" "$T/first.png"

# the same again: refused without --overwrite, files untouched
expect 5 "existing map" -- "$PC" render -q --size 800x600 --date 2024-01-01 -o "$T/ou.png" "$PLAN"
one_line_err "--overwrite"
cmp -s "$T/ou.png" "$T/first.png" && ok || bad "refused map was changed"
# with --overwrite: the same bytes (a map is reproducible), quiet prints nothing
expect 0 "overwrite" -- "$PC" render -q --overwrite --size 800x600 --date 2024-05-01 -o "$T/ou.png" "$PLAN"
[ ! -s "$T/out" ] && ok || bad "-q printed: $(cat "$T/out")"
cmp -s "$T/ou.png" "$T/first.png" && ok || bad "a second rendering differs"

# close-up of a finding, explicit extent, title
expect 0 "zoom" -- "$PC" render -q --size 640x480 --zoom-to figure.children_sum:zones:Z21 -o "$T/z21.png" "$PLAN"
[ "$(png_size "$T/z21.png")" = "640x480" ] && ok || bad "zoom PNG size"
cmp -s "$T/z21.png" "$T/first.png" && bad "zoom drew the overview" || ok
expect 0 "extent" -- "$PC" render -q --extent 580000,3092000,590000,3097000 --title "Test 测试" -o "$T/ext.svg" "$PLAN"
xmllint --noout "$T/ext.svg" && ok || bad "extent SVG"

# without the CJK font: the maps are still written, with one warning naming
# the package to install
printf '<?xml version="1.0"?>\n<fontconfig><cachedir>%s/fc</cachedir></fontconfig>\n' "$T" >"$T/nofonts.conf"
expect 0 "no CJK font" -- env FONTCONFIG_FILE="$T/nofonts.conf" "$PC" render \
  --size 640x480 -o "$T/nofont.png" -o "$T/nofont.svg" "$PLAN"
one_line_err "fonts-noto-cjk"
[ "$(png_size "$T/nofont.png")" = "640x480" ] && ok || bad "no-font PNG size"

# --- bad arguments (2), missing input (3), unwritable output (5) -------------
expect 2 "no -o" -- "$PC" render "$PLAN"
one_line_err "-o"
expect 2 "unknown format" -- "$PC" render -o "$T/map.pdf" "$PLAN"
one_line_err "map.pdf"
expect 2 "bad size" -- "$PC" render --size 800 -o "$T/bad1.png" "$PLAN"
one_line_err "--size"
expect 2 "size too small" -- "$PC" render --size 100x80 -o "$T/bad2.png" "$PLAN"
one_line_err "100x80"
expect 2 "bad extent" -- "$PC" render --extent 1,2,3 -o "$T/bad3.png" "$PLAN"
one_line_err "--extent"
expect 2 "empty extent" -- "$PC" render --extent 5,5,1,1 -o "$T/bad4.png" "$PLAN"
one_line_err "empty"
expect 2 "extent and zoom" -- "$PC" render --extent 0,0,1,1 --zoom-to x -o "$T/bad5.png" "$PLAN"
expect 2 "unknown finding" -- "$PC" render --zoom-to no:such:id -o "$T/bad6.png" "$PLAN"
one_line_err "no:such:id"
expect 2 "finding without geometry" -- "$PC" render --zoom-to figure.no_zone:zones:Z27 -o "$T/bad7.png" "$PLAN"
one_line_err "no geometry"
expect 2 "bad date" -- "$PC" render --date 2024-13-01 -o "$T/bad8.png" "$PLAN"
one_line_err "2024-13-01"
expect 2 "bad threads" -- "$PC" render --threads 0 -o "$T/bad9.png" "$PLAN"
expect 2 "unknown option" -- "$PC" render --bogus -o "$T/bad10.png" "$PLAN"
one_line_err "--bogus"
expect 2 "no plan" -- "$PC" render -o "$T/bad11.png"
expect 2 "same output twice" -- "$PC" render -o "$T/two.png" -o "$T/two.png" "$PLAN"
expect 3 "missing plan" -- "$PC" render -o "$T/bad12.png" "$T/nope.yaml"
one_line_err "nope.yaml"
expect 5 "missing directory" -- "$PC" render -o "$T/no/dir/map.png" "$PLAN"
one_line_err "no/dir/map.png"
for k in 1 2 3 4 5 6 7 8 9 10 11 12; do absent "$T/bad$k.png"; done
absent "$T/two.png"
leftover=$(find "$T" -name '*.tmp-*' | wc -l)
[ "$leftover" -eq 0 ] && ok || bad "temporary files left: $(find "$T" -name '*.tmp-*')"

summary
