/* style.h: the project's QGIS layer styles (maps/styles/<name>.qml), built
 * into the binary so that every output GeoPackage carries them and every
 * rendered map draws with them, wherever plancheck runs.
 *
 * Style names: boundary, zones, parcels, roads, urban_boundary (城镇开发
 * 边界), eco_redline (生态保护红线), farmland (永久基本农田), the generic
 * polygons, lines and points, and findings, findings_points,
 * findings_lines (by severity).
 *
 * The QML subset the styles use (and the renderer reads; see
 * src/render/qml.c): renderer-v2 of type singleSymbol or categorizedSymbol
 * (attr, categories with value / symbol / label "中文 English", value ""
 * for all other values); symbols of type fill, line or marker made of
 * SimpleFill, SimpleLine and SimpleMarker layers whose properties are
 * <Option type="Map"> children (color "r,g,b,a", outline_color,
 * outline_width, style, line_color, line_width, line_style, name, size and
 * their *_unit MM or MapUnit); a data-defined stroke width from a field
 * (property "outlineWidth", for red-line corridors in map units); simple
 * labeling (text-style fieldName, fontSize, textColor; text-buffer). */
#ifndef PLANCHECK_STYLE_H
#define PLANCHECK_STYLE_H

#include <stddef.h>

#include "layer.h"
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_style {
    const char *name;     /* file name without .qml */
    const char *qml;      /* the file's text, NUL-terminated */
    const char *title_zh; /* legend / layer title, e.g. "地块" */
    const char *title_en; /* e.g. "Parcels" */
    pc_geom_class geom;   /* the geometry the style draws (its QML's
                             layerGeometryType): POLYGON, LINE or POINT */
    size_t qml_len;       /* strlen(qml) */
} pc_style;

/* The style named `name`, or NULL. */
const pc_style *pc_style_get(const char *name);
size_t pc_style_count(void);
const pc_style *pc_style_at(size_t i);

/* The style of a plan layer: the layer's `style:` key, else the style
 * named like the layer id, else the generic one for its geometry class
 * (polygons, lines, points). Never NULL. A style drawing another geometry
 * than the layer's (QGIS refuses to apply it) is passed over for the next
 * choice; `layer` may be NULL (geometry unknown: polygons). */
const pc_style *pc_style_for_layer(const pc_plan_layer *pl,
                                   const pc_layer *layer);

/* The style names, ", "-separated, for messages ("boundary, zones, ...").
 * Static storage. */
const char *pc_style_names(void);

/* A field alias for the QML <aliases> block. */
typedef struct pc_style_alias {
    const char *field;
    const char *alias;
    int index;          /* the field's index as QGIS numbers it */
} pc_style_alias;

/* The style's QML with an <aliases> block for `aliases` (names and aliases
 * XML-escaped) inserted before </qgis>; with n == 0 a copy of the QML.
 * Returns a malloc'ed string (caller frees), NULL when out of memory. */
char *pc_style_qml_with_aliases(const pc_style *style,
                                const pc_style_alias *aliases, size_t n);

#ifdef __cplusplus
}
#endif
#endif
