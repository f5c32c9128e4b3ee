/* qml.h: render stage: the QGIS style subset of style.h read into a
 * drawing symbology (src/render/qml.c), for the map renderer and its
 * tests. */
#ifndef PC_RENDER_QML_H
#define PC_RENDER_QML_H

#include <stddef.h>

#include "plancheck/plancheck.h"

/* A colour, each channel 0..1. */
typedef struct pc_rgba {
    double r, g, b, a;
} pc_rgba;

/* Where a size is measured: on paper (MM, Point, Pixel) or on the ground
 * (MapUnit: metres in the working CRS). */
typedef enum pc_qml_unit {
    PC_QML_MM = 0,
    PC_QML_MAPUNIT,
    PC_QML_PIXEL,
    PC_QML_POINT
} pc_qml_unit;

typedef enum pc_qml_class {
    PC_QML_SIMPLE_FILL = 0,
    PC_QML_SIMPLE_LINE,
    PC_QML_SIMPLE_MARKER
} pc_qml_class;

/* Qt brush styles QGIS writes for SimpleFill's `style`. */
typedef enum pc_qml_brush {
    PC_BRUSH_SOLID = 0,
    PC_BRUSH_NONE,
    PC_BRUSH_HORIZONTAL,
    PC_BRUSH_VERTICAL,
    PC_BRUSH_CROSS,
    PC_BRUSH_BDIAGONAL,  /* "/" lines */
    PC_BRUSH_FDIAGONAL,  /* "\" lines */
    PC_BRUSH_DIAGONAL_X,
    PC_BRUSH_DENSE       /* dense1..7: drawn as a lighter solid fill */
} pc_qml_brush;

/* Qt pen styles (outline_style, line_style). */
typedef enum pc_qml_pen {
    PC_PEN_SOLID = 0,
    PC_PEN_NONE,
    PC_PEN_DASH,
    PC_PEN_DOT,
    PC_PEN_DASH_DOT,
    PC_PEN_DASH_DOT_DOT
} pc_qml_pen;

/* Qt cap and join styles (capstyle, joinstyle). */
typedef enum pc_qml_cap { PC_CAP_SQUARE = 0, PC_CAP_FLAT, PC_CAP_ROUND } pc_qml_cap;
typedef enum pc_qml_join { PC_JOIN_BEVEL = 0, PC_JOIN_MITER, PC_JOIN_ROUND } pc_qml_join;

typedef enum pc_qml_shape {
    PC_SHAPE_CIRCLE = 0,
    PC_SHAPE_SQUARE,
    PC_SHAPE_DIAMOND,
    PC_SHAPE_TRIANGLE,
    PC_SHAPE_STAR,
    PC_SHAPE_CROSS,    /* "+" (QGIS cross, cross2 is "x") */
    PC_SHAPE_X
} pc_qml_shape;

/* One symbol layer (QGIS <layer class=...>). */
typedef struct pc_qml_sublayer {
    pc_qml_class cls;
    pc_rgba fill;             /* SimpleFill / SimpleMarker `color` */
    pc_rgba stroke;           /* outline_color, or SimpleLine line_color */
    double stroke_width;      /* outline_width / line_width, in stroke_unit;
                                 0 is QGIS's hairline (one device pixel) */
    pc_qml_unit stroke_unit;
    char *width_field;        /* data-defined outlineWidth from this field
                                 (same unit), or NULL */
    pc_qml_pen pen;
    pc_qml_cap cap;
    pc_qml_join join;
    pc_qml_brush brush;
    pc_qml_shape shape;       /* SimpleMarker `name` */
    double size;              /* SimpleMarker `size`, in size_unit */
    pc_qml_unit size_unit;
} pc_qml_sublayer;

typedef enum pc_qml_symbol_type {
    PC_SYMBOL_FILL = 0,
    PC_SYMBOL_LINE,
    PC_SYMBOL_MARKER
} pc_qml_symbol_type;

typedef struct pc_qml_symbol {
    pc_qml_symbol_type type;
    double opacity;           /* the symbol's `alpha` */
    pc_qml_sublayer *layers;  /* drawn first to last */
    size_t nlayers;
} pc_qml_symbol;

typedef struct pc_qml_category {
    char *value;              /* "" matches every value no other category
                                 matches, NULL included */
    char *label;              /* "中文 English" */
    size_t symbol;            /* index into symbols */
    int render;               /* 0: features of it are not drawn */
} pc_qml_category;

typedef struct pc_qml_labels {
    int enabled;
    char *field;              /* the attribute drawn */
    double size_pt;           /* font size in points */
    pc_rgba color;
    int buffer;               /* a halo around the text */
    double buffer_mm;
    pc_rgba buffer_color;
} pc_qml_labels;

typedef struct pc_qml {
    char *attr;               /* categorizedSymbol: the attribute, else NULL */
    pc_qml_category *cats;
    size_t ncats;
    pc_qml_symbol *symbols;   /* singleSymbol: exactly one */
    size_t nsymbols;
    pc_qml_labels labels;
} pc_qml;

/* Reads the QML text (len bytes, need not be NUL-terminated) of the style
 * `name` (for messages). Anything outside the subset is ignored; a file
 * that is not XML, has no renderer-v2 of a known type, or refers to a
 * symbol it lacks is PC_ERR_INPUT naming the style (and the line). Free
 * with pc_qml_free. */
pc_status pc_qml_read(pc_ctx *ctx, const char *name, const char *text,
                      size_t len, pc_qml **out);
void pc_qml_free(pc_qml *q); /* NULL is a no-op */

/* The category matching an attribute value (its text, NULL for a NULL
 * value), or NULL when none does; for a single-symbol style NULL too. A
 * value matches a category whose value is the same text or, when both
 * read as numbers, the same number. */
const pc_qml_category *pc_qml_category_for(const pc_qml *q,
                                           const char *value);

/* The symbol drawing a value (singleSymbol: its one symbol), or NULL when
 * the value is not drawn. */
const pc_qml_symbol *pc_qml_symbol_for(const pc_qml *q, const char *value);

#endif
