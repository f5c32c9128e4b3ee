#!/usr/bin/env bash
# The QGIS side of the sample plans' output, read back with sqlite3 and
# xmllint only: every maps/styles/*.qml well-formed; in the GeoPackage one
# default layer_styles row per table (QGIS's column conventions), its QML
# the style file the plan names plus an alias block, the plan's titles in
# gpkg_contents, and QGIS layer metadata found by QGIS's own query with the
# plan's SHA-256 (computed here with sha256sum) and working CRS.
# Usage: test_styles.sh <plancheck binary> <source dir>
set -u
PC=$1
SRC=$(cd "$2" && pwd)
. "$(dirname "$0")/../testlib.sh"
q() { sqlite3 -batch "$OUT" "$1"; }

for f in "$SRC"/maps/styles/*.qml; do
  if xmllint --noout "$f" 2>"$T/xml.err"; then ok; else bad "$f: $(head -1 "$T/xml.err")"; fi
done
n=$(ls "$SRC"/maps/styles/*.qml | wc -l)
[ "$n" -eq 13 ] && ok || bad "$n style files in maps/styles, expected 13"

# "id style title" per layer of a plan file, read with awk from the YAML's
# layers: section (two-space layer keys, four-space layer options).
plan_layers() {
  awk '/^layers:/ { inl = 1; next }
       inl && /^[^ #]/ { inl = 0 }
       inl && /^  [a-z_0-9]+:/ { if (id) print id, st, ti; id = $1; sub(":", "", id); st = "-"; ti = "-" }
       inl && /^    style:/ { st = $2 }
       inl && /^    title:/ { ti = $2 }
       END { if (id) print id, st, ti }' "$1"
}

for sample in oujiangkou jinliwen; do
  PLAN="$SRC/gis/$sample/plan.yaml"
  OUT="$T/$sample.gpkg"
  "$PC" run -q --fail-on never -o "$OUT" "$PLAN"
  rc=$?
  [ "$rc" -eq 0 ] && ok || { bad "$sample: plancheck run exited $rc"; continue; }

  [ "$(q 'PRAGMA integrity_check')" = ok ] && ok || bad "$sample: integrity_check"
  [ -z "$(q 'PRAGMA foreign_key_check')" ] && ok || bad "$sample: foreign keys"

  # layer_styles: QGIS's columns, and an attribute table in gpkg_contents
  cols=$(q "SELECT group_concat(name || ':' || type, ',') FROM pragma_table_info('layer_styles')")
  want="id:INTEGER,f_table_catalog:TEXT(256),f_table_schema:TEXT(256),f_table_name:TEXT(256),f_geometry_column:TEXT(256),styleName:TEXT(30),styleQML:TEXT,styleSLD:TEXT,useAsDefault:BOOLEAN,description:TEXT,owner:TEXT(30),ui:TEXT(30),update_time:DATETIME"
  [ "$cols" = "$want" ] && ok || bad "$sample: layer_styles columns $cols"
  [ "$(q "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'")" = attributes ] \
    && ok || bad "$sample: layer_styles not registered as attributes"

  # one default style per table, matching the table's geometry column
  tables=$(q "SELECT table_name FROM gpkg_contents WHERE table_name <> 'layer_styles' ORDER BY table_name")
  for t in $tables; do
    row=$(q "SELECT count(*) || '|' || min(f_table_catalog) || '|' || min(f_table_schema) || '|' ||
                    min(f_geometry_column) || '|' || min(useAsDefault)
             FROM layer_styles WHERE f_table_name = '$t'")
    geom=$(q "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = '$t'")
    [ "$row" = "1|||$geom|1" ] && ok || bad "$sample.$t: style row '$row', expected '1|||$geom|1'"
    # QGIS's own query for the layer's metadata (QgsOgrProvider::loadMetadata)
    q "SELECT metadata from gpkg_metadata LEFT JOIN gpkg_metadata_reference ON
         (gpkg_metadata_reference.table_name = '$t' AND gpkg_metadata.id = gpkg_metadata_reference.md_file_id)
       WHERE md_standard_uri = 'http://mrcc.com/qgis.dtd' and reference_scope = 'table' LIMIT 1" >"$T/md.xml"
    if xmllint --noout "$T/md.xml" 2>/dev/null; then ok; else bad "$sample.$t: no well-formed QGIS metadata"; continue; fi
    title=$(xmllint --xpath 'string(/qgis/title)' "$T/md.xml")
    ident=$(q "SELECT identifier FROM gpkg_contents WHERE table_name = '$t'")
    [ -n "$title" ] && [ "$title" = "$ident" ] && ok || bad "$sample.$t: metadata title '$title', gpkg_contents '$ident'"
    sha=$(sha256sum "$PLAN" | cut -d' ' -f1)
    hist=$(xmllint --xpath '/qgis/history/text()' "$T/md.xml")
    case "$hist" in *"plan_sha256: $sha"*) ok ;; *) bad "$sample.$t: history lacks the plan's SHA-256 $sha" ;; esac
    case "$hist" in *"libraries: GDAL "*"GEOS "*"PROJ "*) ok ;; *) bad "$sample.$t: history lacks the library versions" ;; esac
    if [ -n "$geom" ]; then
      crs=$(awk '/^crs:/ { print $2 }' "$PLAN")
      [ "$(xmllint --xpath 'string(/qgis/crs/spatialrefsys/authid)' "$T/md.xml")" = "$crs" ] \
        && ok || bad "$sample.$t: metadata CRS is not $crs"
    fi
  done

  # the plan's style and title of each layer; the QML is the style file
  # with an alias block (removed here, then compared byte for byte)
  while read -r id style title; do
    [ "$style" = "-" ] && { bad "$sample.$id: the sample plan gives no style"; continue; }
    got=$(q "SELECT styleName FROM layer_styles WHERE f_table_name = '$id'")
    [ "$got" = "$style" ] && ok || bad "$sample.$id: style '$got', plan says '$style'"
    [ "$(q "SELECT identifier FROM gpkg_contents WHERE table_name = '$id'")" = "$title" ] \
      && ok || bad "$sample.$id: identifier is not the plan's title $title"
    q "SELECT styleQML FROM layer_styles WHERE f_table_name = '$id'" >"$T/s.qml"
    xmllint --noout "$T/s.qml" 2>/dev/null && ok || bad "$sample.$id: styleQML not well-formed"
    # (sqlite3 prints a newline after the value, which ends in one)
    sed -e '/^  <aliases>$/,/^  <\/aliases>$/d' -e '${/^$/d}' "$T/s.qml" >"$T/s-noalias.qml"
    if cmp -s "$T/s-noalias.qml" "$SRC/maps/styles/$style.qml"; then ok
    else bad "$sample.$id: styleQML without aliases differs from maps/styles/$style.qml"; fi
    # every alias names a column of the table; src_fid has plancheck's own
    for field in $(xmllint --xpath '//aliases/alias/@field' "$T/s.qml" | sed 's/ field="\([^"]*\)"/\1 /g'); do
      [ -n "$(q "SELECT 1 FROM pragma_table_info('$id') WHERE name = '$field'")" ] \
        && ok || bad "$sample.$id: alias for $field, which the table lacks"
    done
    [ "$(xmllint --xpath 'string(//aliases/alias[@field="src_fid"]/@name)' "$T/s.qml")" = "源要素编号" ] \
      && ok || bad "$sample.$id: no alias for src_fid"
  done < <(plan_layers "$PLAN")

  # the plan's Chinese aliases as the sample plans spell them
  if [ "$sample" = oujiangkou ]; then
    q "SELECT styleQML FROM layer_styles WHERE f_table_name = 'parcels'" >"$T/p.qml"
    for pair in "code 地块编号" "decl_area 申报面积" "decl_unit 面积单位" "name 名称"; do
      set -- $pair
      [ "$(xmllint --xpath "string(//aliases/alias[@field=\"$1\"]/@name)" "$T/p.qml")" = "$2" ] \
        && ok || bad "parcels: alias of $1 is not $2"
    done
    q "SELECT styleQML FROM layer_styles WHERE f_table_name = 'findings'" >"$T/f.qml"
    nf=$(q "SELECT count(*) FROM pragma_table_info('findings') WHERE name NOT IN ('fid', 'geom')")
    na=$(xmllint --xpath 'count(//aliases/alias)' "$T/f.qml")
    [ "$nf" -gt 0 ] && [ "$nf" = "$na" ] && ok || bad "findings: $na aliases for $nf columns"
  fi
done

# A style for another geometry and an alias for a missing field: warnings,
# the generic style, the alias left out; an unknown style name: exit 3
# naming the line and the styles.
cat >"$T/mis.yaml" <<YAML
plancheck: 1
crs: EPSG:4549
layers:
  blocks:
    source: $SRC/gis/oujiangkou/oujiangkou.gpkg
    layer: zones
    style: roads
    title: 街区
    aliases: {code: 街区编号, nosuch: 无此字段}
YAML
OUT="$T/mis.gpkg"
"$PC" run --fail-on never -o "$OUT" "$T/mis.yaml" >/dev/null 2>"$T/mis.err"
rc=$?
[ "$rc" -eq 0 ] && ok || bad "mis.yaml: exit $rc"
grep -q "layer blocks: style roads draws lines" "$T/mis.err" && ok || bad "no warning for a line style on polygons"
grep -q "layer blocks: alias for field nosuch" "$T/mis.err" && ok || bad "no warning for an alias of a missing field"
[ "$(q "SELECT styleName FROM layer_styles WHERE f_table_name = 'blocks'")" = polygons ] \
  && ok || bad "blocks: not the generic polygon style"
q "SELECT styleQML FROM layer_styles WHERE f_table_name = 'blocks'" >"$T/b.qml"
[ "$(xmllint --xpath 'string(//aliases/alias[@field="code"]/@name)' "$T/b.qml")" = 街区编号 ] \
  && ok || bad "blocks: alias of code"
[ "$(xmllint --xpath 'count(//aliases/alias[@field="nosuch"])' "$T/b.qml")" = 0 ] \
  && ok || bad "blocks: an alias for a field the table lacks"
sed 's/style: roads/style: landuse/' "$T/mis.yaml" >"$T/bad.yaml"
"$PC" run -o "$T/bad.gpkg" "$T/bad.yaml" >/dev/null 2>"$T/bad.err"
rc=$?
[ "$rc" -eq 3 ] && ok || bad "unknown style: exit $rc, expected 3"
grep -q "bad.yaml:7: layers.blocks: unknown style 'landuse' (expected one of: boundary, zones, parcels" "$T/bad.err" \
  && ok || bad "unknown style: message $(head -1 "$T/bad.err")"
[ ! -e "$T/bad.gpkg" ] && ok || bad "unknown style: an output was written"

summary
