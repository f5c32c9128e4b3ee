/* render.c: render stage: a map of a run (the plan's layers in the working
 * CRS, each with its QGIS style, and the findings on top) drawn with Cairo
 * into PNG or SVG, with title, date, CRS, north arrow, scale bar and a
 * bilingual legend. Sizes in the styles' millimetres and points are drawn
 * at 96 per inch, so a PNG pixel and an SVG unit are the same size. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "../core/internal.h"
#include "../crs/crs_internal.h"
#include "plancheck/render.h"
#include "plancheck/style.h"
#include "qml.h"

#define MAP_FONT "Noto Sans CJK SC"
#define PX_PER_MM (96.0 / 25.4)
#define PX_PER_PT (96.0 / 72.0)
#define DEFAULT_W 1600
#define DEFAULT_H 1200
#define MAX_SIDE 16384

/* ---- the font ------------------------------------------------------- */

static pthread_once_t font_once = PTHREAD_ONCE_INIT;
static int font_found;
static char font_used[128];
static atomic_int font_warned;

/* Whether fontconfig resolves MAP_FONT to itself rather than to a
 * fallback without Chinese glyphs (Cairo would draw boxes). */
static void font_check(void)
{
    snprintf(font_used, sizeof font_used, "none");
    FcPattern *p = FcNameParse((const FcChar8 *)MAP_FONT);
    if (!p)
        return;
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, p, &res);
    FcChar8 *fam;
    for (int i = 0; m && FcPatternGetString(m, FC_FAMILY, i, &fam) == FcResultMatch;
         i++) {
        if (i == 0)
            snprintf(font_used, sizeof font_used, "%s", (const char *)fam);
        if (!strcasecmp((const char *)fam, MAP_FONT))
            font_found = 1;
    }
    if (m)
        FcPatternDestroy(m);
    FcPatternDestroy(p);
}

/* Checks the font once per process and warns once when it is missing. */
static void font_ensure(pc_ctx *ctx)
{
    pthread_once(&font_once, font_check);
    if (!font_found && !atomic_exchange(&font_warned, 1))
        pc_warn(ctx, "font '%s' not found (fontconfig falls back to '%s'): "
                "Chinese text on maps may show as boxes; install the Debian "
                "package fonts-noto-cjk", MAP_FONT, font_used);
}

static void set_font(cairo_t *cr, double px, int bold)
{
    cairo_select_font_face(cr, MAP_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px);
}

static double text_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Copies s into out (size n >= 8) as valid UTF-8 with every control
 * character a blank, cut at a character boundary, leaving room for an
 * ellipsis: Cairo's text calls fail for good on invalid UTF-8. */
static char *clean_text(const char *s, char *out, size_t n)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t len = 1;
        if (*p >= 0xC2 && *p <= 0xDF)
            len = 2;
        else if (*p >= 0xE0 && *p <= 0xEF)
            len = 3;
        else if (*p >= 0xF0 && *p <= 0xF4)
            len = 4;
        int ok = *p < 0x80 || len > 1;
        for (size_t k = 1; ok && k < len; k++)
            ok = (p[k] & 0xC0) == 0x80;
        if (ok && len == 3)
            ok = !(p[0] == 0xE0 && p[1] < 0xA0) && !(p[0] == 0xED && p[1] > 0x9F);
        if (ok && len == 4)
            ok = !(p[0] == 0xF0 && p[1] < 0x90) && !(p[0] == 0xF4 && p[1] > 0x8F);
        if (!ok)
            len = 1;
        if (o + len + 4 > n)
            break;
        if (!ok)
            out[o++] = '?';
        else if (len == 1 && (*p < 0x20 || *p == 0x7F))
            out[o++] = ' ';
        else
            memcpy(out + o, p, len), o += len;
        p += len;
    }
    out[o] = '\0';
    return out;
}

/* Shortens s (a clean_text buffer) with an ellipsis until it is at most
 * maxw wide in the current font. */
static void fit_text(cairo_t *cr, char *s, double maxw)
{
    if (text_w(cr, s) <= maxw)
        return;
    size_t len = strlen(s);
    while (len > 0) {
        do
            len--;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80);
        memcpy(s + len, "\xE2\x80\xA6", 4); /* … */
        if (text_w(cr, s) <= maxw)
            return;
    }
}

/* ---- the map -------------------------------------------------------- */

typedef struct box {
    double x0, y0, x1, y1;
} box;

/* A label waiting for a place: drawn after every feature, the most
 * important first, and left out where it would overlap a placed one. */
typedef struct label {
    char *text;
    double x, y;         /* anchor on the canvas */
    double fit_w, fit_h; /* a polygon's size on the map: the label must
                            fit inside (0: any size) */
    double offset;       /* a point's marker radius: placed beside it */
    int rank;            /* 0 findings, 1 points, 2 lines, 3 polygons */
    int layer;           /* plan layer index (-1 findings) */
    size_t seq;
    const pc_qml_labels *style;
} label;

/* A feature being drawn: of a plan layer, or a finding. */
typedef struct item {
    const pc_layer *layer;
    const pc_feature *feat;
    const pc_finding *finding;
} item;

enum { FS_POLY = 0, FS_LINE, FS_POINT, FS_N };

typedef struct map {
    pc_ctx *ctx;
    GEOSContextHandle_t h;
    const pc_run_result *r;
    const pc_render_opts *opts;
    cairo_t *cr;
    double W, H, u;          /* canvas; u scales the decorations */
    box area;                /* the map on the canvas */
    double ext[4];           /* the ground shown: minx, miny, maxx, maxy */
    double scale;            /* canvas units per metre */
    const pc_style **lstyle; /* per plan layer */
    pc_qml **lq;
    unsigned char **used;    /* per plan layer: categories drawn (ncats + 1) */
    size_t *drawn;           /* features drawn per plan layer */
    pc_qml *fq[FS_N];        /* findings polygons, lines, points */
    size_t fdrawn[FS_N][3];  /* findings drawn per style and severity */
    size_t nsev[3];          /* findings per severity, all */
    size_t fnogeom, foutside;
    const pc_finding *focus;
    label *labels;
    size_t nlabels, caplabels;
    box *placed;
    size_t nplaced, capplaced;
    double north_rad;        /* true north, clockwise from grid north */
    int vector;              /* drawing an SVG */
    pc_status st;
} map;

static double X(const map *m, double x) { return m->area.x0 + (x - m->ext[0]) * m->scale; }
static double Y(const map *m, double y) { return m->area.y0 + (m->ext[3] - y) * m->scale; }

static int box_overlap(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* The text of a feature's or finding's attribute, NULL when it has none;
 * findings answer to the columns of the output's findings layers. */
static const char *item_attr(const item *it, const char *name, char *buf,
                             size_t n)
{
    if (!name)
        return NULL;
    if (it->layer) {
        int k = pc_layer_field_index(it->layer, name);
        return k < 0 ? NULL
                     : pc_value_text(it->layer, (size_t)k,
                                     &it->feat->values[k], buf, n);
    }
    const pc_finding *f = it->finding;
    const struct { const char *name; const char *value; } texts[] = {
        {"severity", pc_severity_name(f->severity)},
        {"rule", f->rule},          {"finding_id", f->id},
        {"layer", f->layer},        {"feature_key", f->key},
        {"layer2", f->layer2},      {"feature_key2", f->key2},
        {"field", f->field},        {"message", f->message},
        {"declared_unit", f->unit}, {"area_method", f->method},
        {"accepted_reason", f->accepted_reason}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (!strcmp(name, texts[i].name))
            return texts[i].value;
    const struct { const char *name; double value; } numbers[] = {
        {"measured_m2", f->measured_m2}, {"declared_m2", f->declared_m2},
        {"diff_m2", f->diff_m2},         {"diff_pct", f->diff_pct},
        {"tolerance_m2", f->tolerance_m2},
        {"declared_value", f->declared_value},
        {"accepted", f->accepted},       {"repaired", f->repaired},
        {"src_fid", f->fid >= 0 ? (double)f->fid : NAN},
        {"src_fid2", f->fid2 >= 0 ? (double)f->fid2 : NAN}};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (!strcmp(name, numbers[i].name)) {
            if (!isfinite(numbers[i].value))
                return NULL;
            pc_format_double(numbers[i].value, buf, n);
            return buf;
        }
    return NULL;
}

static double to_px(const map *m, double v, pc_qml_unit unit)
{
    switch (unit) {
    case PC_QML_MAPUNIT: return v * m->scale;
    case PC_QML_PIXEL: return v;
    case PC_QML_POINT: return v * PX_PER_PT;
    case PC_QML_MM: break;
    }
    return v * PX_PER_MM;
}

static void set_rgba(cairo_t *cr, pc_rgba c, double opacity)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a * opacity);
}

/* Sets up the stroke of a symbol layer (width, data-defined from the
 * item's field, dash, colour); 0 when it draws no stroke. legend_px > 0:
 * for a legend swatch, where ground widths have no meaning. */
static int set_stroke(map *m, const pc_qml_sublayer *sl, const item *it,
                      double opacity, double legend_px)
{
    if (sl->pen == PC_PEN_NONE || sl->stroke.a * opacity <= 0)
        return 0;
    double w = sl->stroke_width;
    if (sl->width_field && it) {
        char buf[64], rest[32];
        const char *v = item_attr(it, sl->width_field, buf, sizeof buf);
        double x;
        int approx;
        if (v && pc_figure_parse(v, &x, &approx, rest, sizeof rest) == 0 &&
            x >= 0)
            w = x;
    }
    double px = w > 0 ? to_px(m, w, sl->stroke_unit) : 1; /* 0: hairline */
    if (legend_px > 0 && (sl->stroke_unit == PC_QML_MAPUNIT || sl->width_field))
        px = legend_px;
    if (px < 0.6)
        px = 0.6;
    cairo_t *cr = m->cr;
    cairo_set_line_width(cr, px);
    cairo_set_line_join(cr, sl->join == PC_JOIN_ROUND   ? CAIRO_LINE_JOIN_ROUND
                            : sl->join == PC_JOIN_MITER ? CAIRO_LINE_JOIN_MITER
                                                        : CAIRO_LINE_JOIN_BEVEL);
    cairo_set_line_cap(cr, sl->cap == PC_CAP_ROUND  ? CAIRO_LINE_CAP_ROUND
                           : sl->cap == PC_CAP_FLAT ? CAIRO_LINE_CAP_BUTT
                                                    : CAIRO_LINE_CAP_SQUARE);
    double d[6];
    int nd = 0;
    switch (sl->pen) {
    case PC_PEN_DASH: d[0] = 4 * px, d[1] = 2 * px, nd = 2; break;
    case PC_PEN_DOT: d[0] = px, d[1] = 2 * px, nd = 2; break;
    case PC_PEN_DASH_DOT:
        d[0] = 4 * px, d[1] = 2 * px, d[2] = px, d[3] = 2 * px, nd = 4;
        break;
    case PC_PEN_DASH_DOT_DOT:
        d[0] = 4 * px, d[1] = 2 * px, d[2] = px, d[3] = 2 * px, d[4] = px,
        d[5] = 2 * px, nd = 6;
        break;
    default: break;
    }
    cairo_set_dash(cr, d, nd, 0);
    set_rgba(cr, sl->stroke, opacity);
    return 1;
}

/* A coordinate sequence as a path, dropping points closer than a third of
 * a unit to the last one drawn (they only make the SVG bigger). */
static void path_seq(map *m, const GEOSCoordSequence *seq, int close)
{
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(m->h, seq, &n) || n == 0)
        return;
    double lx = 0, ly = 0;
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(m->h, seq, i, &x, &y))
            continue;
        double dx = X(m, x), dy = Y(m, y);
        if (i == 0)
            cairo_move_to(m->cr, dx, dy);
        else if (i + 1 == n || fabs(dx - lx) >= 0.33 || fabs(dy - ly) >= 0.33)
            cairo_line_to(m->cr, dx, dy);
        else
            continue;
        lx = dx, ly = dy;
    }
    if (close)
        cairo_close_path(m->cr);
}

/* The parts of g of dimension dim (1 lines, 2 polygons' rings) added to
 * the current path; returns how many. */
static int add_paths(map *m, const GEOSGeometry *g, int dim)
{
    int type = GEOSGeomTypeId_r(m->h, g), n = 0;
    if (GEOSisEmpty_r(m->h, g) != 0)
        return 0;
    switch (type) {
    case GEOS_MULTIPOINT:
    case GEOS_MULTILINESTRING:
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION:
        for (int i = 0; i < GEOSGetNumGeometries_r(m->h, g); i++)
            n += add_paths(m, GEOSGetGeometryN_r(m->h, g, i), dim);
        return n;
    case GEOS_POLYGON:
        if (dim != 2)
            return 0;
        path_seq(m, GEOSGeom_getCoordSeq_r(m->h, GEOSGetExteriorRing_r(m->h, g)), 1);
        for (int i = 0; i < GEOSGetNumInteriorRings_r(m->h, g); i++)
            path_seq(m, GEOSGeom_getCoordSeq_r(m->h,
                                               GEOSGetInteriorRingN_r(m->h, g, i)),
                     1);
        return 1;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        if (dim != 1)
            return 0;
        path_seq(m, GEOSGeom_getCoordSeq_r(m->h, g), 0);
        return 1;
    default: return 0;
    }
}

/* Hatch lines (a Qt brush pattern) over b, in the current clip. The lines
 * sit on a grid of the canvas so that neighbouring polygons line up. */
static void hatch(map *m, box b, pc_qml_brush brush)
{
    cairo_t *cr = m->cr;
    const double sp = 2 * PX_PER_MM;
    int hor = brush == PC_BRUSH_HORIZONTAL || brush == PC_BRUSH_CROSS;
    int ver = brush == PC_BRUSH_VERTICAL || brush == PC_BRUSH_CROSS;
    int bd = brush == PC_BRUSH_BDIAGONAL || brush == PC_BRUSH_DIAGONAL_X;
    int fd = brush == PC_BRUSH_FDIAGONAL || brush == PC_BRUSH_DIAGONAL_X;
    if (hor)
        for (double y = floor(b.y0 / sp) * sp; y <= b.y1; y += sp)
            cairo_move_to(cr, b.x0, y), cairo_line_to(cr, b.x1, y);
    if (ver)
        for (double x = floor(b.x0 / sp) * sp; x <= b.x1; x += sp)
            cairo_move_to(cr, x, b.y0), cairo_line_to(cr, x, b.y1);
    if (bd) /* "/": x + y = c */
        for (double c = floor((b.x0 + b.y0) / sp) * sp; c <= b.x1 + b.y1; c += sp)
            cairo_move_to(cr, c - b.y0, b.y0), cairo_line_to(cr, c - b.y1, b.y1);
    if (fd) /* "\": x - y = c */
        for (double c = floor((b.x0 - b.y1) / sp) * sp; c <= b.x1 - b.y0; c += sp)
            cairo_move_to(cr, c + b.y0, b.y0), cairo_line_to(cr, c + b.y1, b.y1);
    cairo_set_line_width(cr, 0.26 * PX_PER_MM);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
}

/* The marker of a SimpleMarker layer at (x, y). */
static void draw_marker(map *m, double x, double y, const pc_qml_sublayer *sl,
                        const item *it, double opacity, double size_px)
{
    cairo_t *cr = m->cr;
    double r = (size_px > 0 ? size_px : to_px(m, sl->size, sl->size_unit)) / 2;
    if (r < 1)
        r = 1;
    cairo_new_path(cr);
    int open = 0;
    switch (sl->shape) {
    case PC_SHAPE_SQUARE: cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r); break;
    case PC_SHAPE_DIAMOND:
        cairo_move_to(cr, x, y - r), cairo_line_to(cr, x + r, y);
        cairo_line_to(cr, x, y + r), cairo_line_to(cr, x - r, y);
        cairo_close_path(cr);
        break;
    case PC_SHAPE_TRIANGLE:
        cairo_move_to(cr, x, y - r), cairo_line_to(cr, x + r * 0.866, y + r / 2);
        cairo_line_to(cr, x - r * 0.866, y + r / 2), cairo_close_path(cr);
        break;
    case PC_SHAPE_STAR:
        for (int k = 0; k < 10; k++) {
            double a = -M_PI / 2 + k * M_PI / 5, rr = k % 2 ? r * 0.4 : r;
            if (k == 0)
                cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
            else
                cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
        }
        cairo_close_path(cr);
        break;
    case PC_SHAPE_CROSS:
        cairo_move_to(cr, x - r, y), cairo_line_to(cr, x + r, y);
        cairo_move_to(cr, x, y - r), cairo_line_to(cr, x, y + r);
        open = 1;
        break;
    case PC_SHAPE_X:
        cairo_move_to(cr, x - r, y - r), cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x - r, y + r), cairo_line_to(cr, x + r, y - r);
        open = 1;
        break;
    case PC_SHAPE_CIRCLE: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
    }
    if (!open && sl->fill.a * opacity > 0) {
        set_rgba(cr, sl->fill, opacity);
        cairo_fill_preserve(cr);
    }
    pc_qml_sublayer pen = *sl;
    if (open) /* a cross is all stroke: in the marker's colour */
        pen.stroke = sl->fill, pen.pen = PC_PEN_SOLID;
    if (set_stroke(m, &pen, it, opacity, 0))
        cairo_stroke(cr);
    cairo_new_path(cr);
}

/* The markers of sym at every point of g (collections included); a fill
 * or line symbol on a point is a circle in its colours. */
static void draw_points(map *m, const GEOSGeometry *g, const pc_qml_symbol *sym,
                        const item *it)
{
    int type = GEOSGeomTypeId_r(m->h, g);
    if (type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0; i < GEOSGetNumGeometries_r(m->h, g); i++)
            draw_points(m, GEOSGetGeometryN_r(m->h, g, i), sym, it);
        return;
    }
    double x, y;
    if (type != GEOS_POINT || GEOSisEmpty_r(m->h, g) != 0 ||
        !GEOSGeomGetX_r(m->h, g, &x) || !GEOSGeomGetY_r(m->h, g, &y))
        return;
    int any_marker = 0;
    for (size_t k = 0; k < sym->nlayers; k++)
        any_marker |= sym->layers[k].cls == PC_QML_SIMPLE_MARKER;
    for (size_t k = 0; k < sym->nlayers; k++) {
        const pc_qml_sublayer *sl = &sym->layers[k];
        if (sl->cls != PC_QML_SIMPLE_MARKER && (any_marker || k))
            continue;
        pc_qml_sublayer mk = *sl;
        if (sl->cls != PC_QML_SIMPLE_MARKER) {
            mk.shape = PC_SHAPE_CIRCLE, mk.size = 2, mk.size_unit = PC_QML_MM;
            mk.fill = sl->cls == PC_QML_SIMPLE_LINE ? sl->stroke : sl->fill;
        }
        draw_marker(m, X(m, x), Y(m, y), &mk, it, sym->opacity, 0);
    }
}

/* Draws geometry g with symbol sym as dimension dim (0 points, 1 lines,
 * 2 polygons): every part of that dimension as one path, each symbol
 * layer in turn (fill, hatch, stroke). */
static void draw_symbol(map *m, const GEOSGeometry *g, int dim,
                        const pc_qml_symbol *sym, const item *it)
{
    cairo_t *cr = m->cr;
    if (dim == 0) {
        draw_points(m, g, sym, it);
        return;
    }
    cairo_new_path(cr);
    if (!add_paths(m, g, dim)) {
        cairo_new_path(cr);
        return;
    }
    cairo_path_t *path = cairo_copy_path(cr);
    double x0, y0, x1, y1;
    cairo_path_extents(cr, &x0, &y0, &x1, &y1);
    cairo_new_path(cr);
    box b = {fmax(x0, m->area.x0), fmax(y0, m->area.y0), fmin(x1, m->area.x1),
             fmin(y1, m->area.y1)};
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (size_t k = 0; k < sym->nlayers; k++) {
        const pc_qml_sublayer *sl = &sym->layers[k];
        if (sl->cls == PC_QML_SIMPLE_MARKER)
            continue;
        if (dim == 2 && sl->cls == PC_QML_SIMPLE_FILL &&
            sl->brush != PC_BRUSH_NONE && sl->fill.a * sym->opacity > 0) {
            cairo_append_path(cr, path);
            if (sl->brush == PC_BRUSH_SOLID || sl->brush == PC_BRUSH_DENSE) {
                set_rgba(cr, sl->fill,
                         sym->opacity * (sl->brush == PC_BRUSH_DENSE ? 0.5 : 1));
                cairo_fill(cr);
            } else if (b.x0 < b.x1 && b.y0 < b.y1) {
                cairo_save(cr);
                cairo_clip(cr);
                set_rgba(cr, sl->fill, sym->opacity);
                hatch(m, b, sl->brush);
                cairo_restore(cr);
            }
            cairo_new_path(cr);
        }
        if (set_stroke(m, sl, it, sym->opacity, 0)) {
            cairo_append_path(cr, path);
            cairo_stroke(cr);
        }
    }
    cairo_path_destroy(path);
}

static void add_label(map *m, const label *l)
{
    if (m->nlabels == m->caplabels) {
        size_t cap = m->caplabels ? 2 * m->caplabels : 64;
        label *n = realloc(m->labels, cap * sizeof *n);
        if (!n) {
            m->st = PC_OOM(m->ctx);
            return;
        }
        m->labels = n, m->caplabels = cap;
    }
    label *d = &m->labels[m->nlabels];
    *d = *l;
    if (!(d->text = strdup(l->text))) {
        m->st = PC_OOM(m->ctx);
        return;
    }
    d->seq = m->nlabels++;
}

/* The biggest polygon (or longest line) of g, borrowed from g. */
static const GEOSGeometry *main_part(map *m, const GEOSGeometry *g, int dim)
{
    const GEOSGeometry *best = NULL;
    double best_v = -1;
    for (int i = 0; i < GEOSGetNumGeometries_r(m->h, g); i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(m->h, g, i);
        int t = GEOSGeomTypeId_r(m->h, p);
        double v = 0;
        if (dim == 2 && t == GEOS_POLYGON)
            GEOSArea_r(m->h, p, &v);
        else if (dim == 1 && (t == GEOS_LINESTRING || t == GEOS_LINEARRING))
            GEOSLength_r(m->h, p, &v);
        else
            continue;
        if (v > best_v)
            best = p, best_v = v;
    }
    return best;
}

/* Queues the feature's label (its style's field) at the visible part of
 * its biggest polygon, the middle of its longest line, or beside its
 * point. */
static void queue_label(map *m, const GEOSGeometry *g, int dim,
                        const pc_qml *q, const item *it, int layer)
{
    if (!q->labels.enabled)
        return;
    char buf[64], text[256];
    const char *v = item_attr(it, q->labels.field, buf, sizeof buf);
    if (!v || !*v)
        return;
    clean_text(v, text, sizeof text);
    label l = {text, 0, 0, 0, 0, 0, it->finding ? 0 : 3 - dim, layer, 0,
               &q->labels};
    if (dim == 0) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(m->h, g, 0);
        double x, y;
        if (!p || GEOSGeomTypeId_r(m->h, p) != GEOS_POINT ||
            GEOSisEmpty_r(m->h, p) != 0 || !GEOSGeomGetX_r(m->h, p, &x) ||
            !GEOSGeomGetY_r(m->h, p, &y))
            return;
        l.x = X(m, x), l.y = Y(m, y), l.offset = 1.5 * PX_PER_MM;
        add_label(m, &l);
        return;
    }
    const GEOSGeometry *part = main_part(m, g, dim);
    if (!part)
        return;
    /* only the part inside the view: a label must be seen */
    GEOSGeometry *clip = GEOSClipByRect_r(m->h, part, m->ext[0], m->ext[1],
                                          m->ext[2], m->ext[3]);
    if (!clip)
        return;
    const GEOSGeometry *vis = main_part(m, clip, dim);
    GEOSGeometry *pt = NULL;
    double b[4];
    if (vis && pc_geom_bbox(m->h, vis, b))
        pt = dim == 2 ? GEOSPointOnSurface_r(m->h, vis)
                      : GEOSInterpolateNormalized_r(m->h, vis, 0.5);
    double x, y;
    if (pt && GEOSisEmpty_r(m->h, pt) == 0 && GEOSGeomGetX_r(m->h, pt, &x) &&
        GEOSGeomGetY_r(m->h, pt, &y)) {
        l.x = X(m, x), l.y = Y(m, y);
        if (dim == 2)
            l.fit_w = (b[2] - b[0]) * m->scale, l.fit_h = (b[3] - b[1]) * m->scale;
        add_label(m, &l);
    }
    if (pt)
        GEOSGeom_destroy_r(m->h, pt);
    GEOSGeom_destroy_r(m->h, clip);
}

/* 1 when the box b of a geometry meets the view (with a margin for wide
 * strokes and markers). */
static int in_view(const map *m, const double b[4])
{
    double pad = 20 / m->scale;
    return b[2] >= m->ext[0] - pad && b[0] <= m->ext[2] + pad &&
           b[3] >= m->ext[1] - pad && b[1] <= m->ext[3] + pad;
}

/* Dimension of a GEOS type: 0 points, 1 lines, 2 polygons, -1 mixed. */
static int geom_dim(map *m, const GEOSGeometry *g)
{
    switch (GEOSGeomTypeId_r(m->h, g)) {
    case GEOS_POINT:
    case GEOS_MULTIPOINT: return 0;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_MULTILINESTRING: return 1;
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON: return 2;
    default: return -1;
    }
}

/* The parts of a collection of dimension dim drawn with sym (a mixed
 * collection is drawn part by part, each in its own pass). */
static int has_dim(map *m, const GEOSGeometry *g, int dim)
{
    int d = geom_dim(m, g);
    if (d >= 0)
        return d == dim;
    for (int i = 0; i < GEOSGetNumGeometries_r(m->h, g); i++)
        if (has_dim(m, GEOSGetGeometryN_r(m->h, g, i), dim))
            return 1;
    return 0;
}

/* One pass over the plan layers: every feature with parts of dimension
 * dim in the view, in its layer's style. */
static void draw_layers(map *m, int dim)
{
    const pc_run_result *r = m->r;
    for (size_t i = 0; i < r->plan->nlayers && m->st == PC_OK; i++) {
        const pc_layer *layer = r->data[i];
        const pc_qml *q = m->lq[i];
        if (!layer || !q)
            continue;
        for (size_t j = 0; j < layer->nfeatures; j++) {
            const pc_feature *f = &layer->features[j];
            double b[4];
            if (!f->geom || !pc_geom_bbox(m->h, f->geom, b) || !in_view(m, b) ||
                !has_dim(m, f->geom, dim))
                continue;
            item it = {layer, f, NULL};
            char buf[64];
            const char *v = q->attr ? item_attr(&it, q->attr, buf, sizeof buf)
                                    : NULL;
            const pc_qml_symbol *sym = pc_qml_symbol_for(q, v);
            if (!sym)
                continue;
            const pc_qml_category *cat = pc_qml_category_for(q, v);
            m->used[i][cat ? (size_t)(cat - q->cats) : q->ncats] = 1;
            m->drawn[i]++;
            draw_symbol(m, f->geom, dim, sym, &it);
            queue_label(m, f->geom, dim, q, &it, (int)i);
        }
    }
}

/* A drawn finding, its box and place in the drawing order. */
typedef struct fitem {
    const pc_finding *f;
    double b[4];
    size_t pos;
    int hidden;
} fitem;

static int cmp_fitem_box(const void *a, const void *b)
{
    const fitem *x = a, *y = b;
    for (int k = 0; k < 4; k++)
        if (x->b[k] != y->b[k])
            return x->b[k] < y->b[k] ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int cmp_fitem_pos(const void *a, const void *b)
{
    const fitem *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Hides a finding whose geometry a finding drawn after it (as severe or
 * more) has too: several findings about one zone would otherwise stack
 * their translucent fills into one opaque blot. */
static void hide_repeats(map *m, fitem *fi, size_t n)
{
    if (!n)
        return;
    qsort(fi, n, sizeof *fi, cmp_fitem_box);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && !memcmp(fi[j].b, fi[i].b, sizeof fi[i].b))
            j++;
        for (size_t a = i; a < j; a++)
            for (size_t b = a + 1; b < j && !fi[a].hidden; b++)
                if (GEOSEqualsExact_r(m->h, fi[a].f->geom, fi[b].f->geom, 0) == 1)
                    fi[a].hidden = 1; /* b comes later: as severe or more */
        i = j;
    }
    qsort(fi, n, sizeof *fi, cmp_fitem_pos);
}

static int cmp_severity(const void *a, const void *b)
{
    const pc_finding *x = *(const pc_finding *const *)a,
                     *y = *(const pc_finding *const *)b;
    if (x->severity != y->severity)
        return x->severity < y->severity ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The findings on top, errors last (so on top of warnings), each part in
 * the findings style of its dimension; the close-up's finding outlined. */
static void draw_findings(map *m)
{
    const pc_findings *fs = &m->r->findings;
    const pc_finding **order = malloc((fs->n ? fs->n : 1) * sizeof *order);
    if (!order) {
        m->st = PC_OOM(m->ctx);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const pc_finding *f = &fs->items[i];
        if (f->severity <= PC_SEV_ERROR)
            m->nsev[f->severity]++;
        double b[4];
        if (!f->geom || !pc_geom_bbox(m->h, f->geom, b))
            m->fnogeom++;
        else if (!in_view(m, b))
            m->foutside++;
        else
            order[n++] = f;
    }
    if (n)
        qsort(order, n, sizeof *order, cmp_severity);
    fitem *fi = calloc(n ? n : 1, sizeof *fi);
    if (!fi) {
        free(order);
        m->st = PC_OOM(m->ctx);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        fi[i].f = order[i];
        fi[i].pos = i;
        pc_geom_bbox(m->h, order[i]->geom, fi[i].b);
    }
    hide_repeats(m, fi, n);
    static const int dims[FS_N] = {2, 1, 0};
    for (int s = 0; s < FS_N; s++)
        for (size_t i = 0; i < n && m->st == PC_OK; i++) {
            const pc_finding *f = fi[i].f;
            if (!has_dim(m, f->geom, dims[s]))
                continue;
            item it = {NULL, NULL, f};
            const pc_qml *q = m->fq[s];
            char buf[64];
            const char *v = q->attr ? item_attr(&it, q->attr, buf, sizeof buf)
                                    : NULL;
            const pc_qml_symbol *sym = pc_qml_symbol_for(q, v);
            if (!sym || fi[i].hidden)
                continue;
            if (f->severity <= PC_SEV_ERROR)
                m->fdrawn[s][f->severity]++;
            draw_symbol(m, f->geom, dims[s], sym, &it);
            queue_label(m, f->geom, dims[s], q, &it, -1);
        }
    free(fi);
    if (m->focus) {
        /* the close-up's subject: a white halo and a dark dashed outline */
        cairo_t *cr = m->cr;
        for (int d = 0; d < 3; d++) {
            if (!has_dim(m, m->focus->geom, d))
                continue;
            double dash = 3 * m->u;
            if (d == 0) {
                for (int k = 0; k < GEOSGetNumGeometries_r(m->h, m->focus->geom); k++) {
                    double x, y;
                    const GEOSGeometry *p = GEOSGetGeometryN_r(m->h, m->focus->geom, k);
                    if (GEOSGeomTypeId_r(m->h, p) == GEOS_POINT &&
                        GEOSGeomGetX_r(m->h, p, &x) && GEOSGeomGetY_r(m->h, p, &y))
                        cairo_new_sub_path(cr),
                        cairo_arc(cr, X(m, x), Y(m, y), 4 * PX_PER_MM, 0, 2 * M_PI);
                }
            } else {
                add_paths(m, m->focus->geom, d);
            }
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_set_line_width(cr, 3.5 * m->u);
            cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
            cairo_stroke_preserve(cr);
            cairo_set_dash(cr, (double[]){2 * dash, dash}, 2, 0);
            cairo_set_line_width(cr, 1.5 * m->u);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
    }
    free(order);
}

static int cmp_label(const void *a, const void *b)
{
    const label *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->layer != y->layer) /* upper layers first, as QGIS does */
        return x->layer > y->layer ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Reserves a box on the canvas that no label may cover. */
static void reserve(map *m, box b)
{
    if (m->nplaced == m->capplaced) {
        size_t cap = m->capplaced ? 2 * m->capplaced : 64;
        box *n = realloc(m->placed, cap * sizeof *n);
        if (!n) {
            m->st = PC_OOM(m->ctx);
            return;
        }
        m->placed = n, m->capplaced = cap;
    }
    m->placed[m->nplaced++] = b;
}

static int box_free(const map *m, const box *b)
{
    if (b->x0 < m->area.x0 || b->y0 < m->area.y0 || b->x1 > m->area.x1 ||
        b->y1 > m->area.y1)
        return 0;
    for (size_t i = 0; i < m->nplaced; i++)
        if (box_overlap(b, &m->placed[i]))
            return 0;
    return 1;
}

/* One label's text with its halo (the style's text-buffer). On a vector
 * surface the halo is the text drawn eight times around its place, which
 * reuses the embedded glyphs; a stroked outline of every label would
 * double the size of an SVG. */
static void draw_text_halo(map *m, const char *text, double x, double y,
                           pc_rgba color, int halo, double halo_px,
                           pc_rgba halo_color)
{
    cairo_t *cr = m->cr;
    if (halo && halo_px > 0 && m->vector) {
        set_rgba(cr, halo_color, 1);
        for (int k = 0; k < 8; k++) {
            double a = k * M_PI / 4;
            cairo_move_to(cr, x + halo_px * cos(a), y + halo_px * sin(a));
            cairo_show_text(cr, text);
        }
    } else if (halo && halo_px > 0) {
        cairo_move_to(cr, x, y);
        cairo_text_path(cr, text);
        cairo_set_line_width(cr, 2 * halo_px);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_dash(cr, NULL, 0, 0);
        set_rgba(cr, halo_color, 1);
        cairo_stroke(cr);
    }
    cairo_move_to(cr, x, y);
    set_rgba(cr, color, 1);
    cairo_show_text(cr, text);
    cairo_new_path(cr);
}

/* A close-up's finding is named (its feature key) in bold beside it,
 * where there is room, and a small one is kept clear of other labels. */
static void label_focus(map *m)
{
    cairo_t *cr = m->cr;
    double b[4];
    if (!pc_geom_bbox(m->h, m->focus->geom, b))
        return;
    box f = {fmax(X(m, b[0]), m->area.x0) - 4, fmax(Y(m, b[3]), m->area.y0) - 4,
             fmin(X(m, b[2]), m->area.x1) + 4, fmin(Y(m, b[1]), m->area.y1) + 4};
    char text[256];
    clean_text(m->focus->key ? m->focus->key : m->focus->id, text, sizeof text);
    double px = 10 * PX_PER_PT, halo = 1.2 * PX_PER_MM;
    set_font(cr, px, 1);
    double w = text_w(cr, text), h = px * 1.15;
    /* beside a polygon's box; beside the first point of a line (a
     * distance finding starts at the feature it is about) or a point */
    box a = f;
    const GEOSGeometry *g = m->focus->geom;
    while (g && GEOSGetNumGeometries_r(m->h, g) > 1)
        g = GEOSGetGeometryN_r(m->h, g, 0);
    if (g && geom_dim(m, g) >= 0 && geom_dim(m, g) < 2 && GEOSisEmpty_r(m->h, g) == 0) {
        const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(m->h, g);
        double x, y;
        if (seq && GEOSCoordSeq_getXY_r(m->h, seq, 0, &x, &y)) {
            double r = 2 * PX_PER_MM;
            a = (box){X(m, x) - r, Y(m, y) - r, X(m, x) + r, Y(m, y) + r};
        }
    }
    double cx = (a.x0 + a.x1) / 2, cy = (a.y0 + a.y1) / 2;
    const double at[4][2] = {{a.x1 + 3, cy - h / 2}, {a.x0 - w - 3, cy - h / 2},
                             {cx - w / 2, a.y0 - h - 3}, {cx - w / 2, a.y1 + 3}};
    for (int k = 0; k < 4; k++) {
        box t = {at[k][0] - halo, at[k][1] - halo, at[k][0] + w + halo,
                 at[k][1] + h + halo};
        if (!box_free(m, &t))
            continue;
        cairo_font_extents_t fe;
        cairo_font_extents(cr, &fe);
        double base = at[k][1] + (h - (fe.ascent + fe.descent)) / 2 + fe.ascent;
        draw_text_halo(m, text, at[k][0], base, (pc_rgba){0.05, 0.05, 0.05, 1},
                       1, halo, (pc_rgba){1, 1, 1, 0.9});
        reserve(m, t);
        break;
    }
    /* a small finding stays clear; over a big one labels still help */
    double area = (m->area.x1 - m->area.x0) * (m->area.y1 - m->area.y0);
    if ((f.x1 - f.x0) * (f.y1 - f.y0) < 0.06 * area)
        reserve(m, f);
}

/* Places the queued labels, the most important first, each only where it
 * overlaps nothing placed before (and fits its polygon). */
static void place_labels(map *m)
{
    cairo_t *cr = m->cr;
    if (m->focus)
        label_focus(m);
    if (m->nlabels)
        qsort(m->labels, m->nlabels, sizeof *m->labels, cmp_label);
    for (size_t i = 0; i < m->nlabels; i++) {
        const label *l = &m->labels[i];
        double px = l->style->size_pt * PX_PER_PT;
        set_font(cr, px, 0);
        cairo_text_extents_t e;
        cairo_text_extents(cr, l->text, &e);
        double w = e.x_advance, h = px * 1.15;
        double halo = l->style->buffer ? l->style->buffer_mm * PX_PER_MM : 0;
        if (l->fit_w > 0 && (w > 0.9 * l->fit_w || h > 0.9 * l->fit_h))
            continue;
        /* candidate positions: centred, or for a point right, left, above,
         * below its marker */
        double cx[4], cy[4];
        int nc = 1;
        cx[0] = l->x - w / 2, cy[0] = l->y - h / 2;
        if (l->offset > 0) {
            double o = l->offset + 1;
            cx[0] = l->x + o, cy[0] = l->y - h / 2;
            cx[1] = l->x - o - w, cy[1] = l->y - h / 2;
            cx[2] = l->x - w / 2, cy[2] = l->y - o - h;
            cx[3] = l->x - w / 2, cy[3] = l->y + o;
            nc = 4;
        }
        for (int k = 0; k < nc; k++) {
            box b = {cx[k] - halo, cy[k] - halo, cx[k] + w + halo,
                     cy[k] + h + halo};
            if (!box_free(m, &b))
                continue;
            reserve(m, b);
            /* baseline from the font's ascent within the line box */
            cairo_font_extents_t fe;
            cairo_font_extents(cr, &fe);
            double base = cy[k] + (h - (fe.ascent + fe.descent)) / 2 + fe.ascent;
            draw_text_halo(m, l->text, cx[k], base, l->style->color,
                           l->style->buffer, halo, l->style->buffer_color);
            break;
        }
    }
}

/* ---- decorations ---------------------------------------------------- */

/* A round length for the scale bar, at most max_m: 1, 2 or 5 x 10^k. */
static double round_length(double max_m)
{
    double p = pow(10, floor(log10(max_m)));
    if (5 * p <= max_m)
        return 5 * p;
    if (2 * p <= max_m)
        return 2 * p;
    return p;
}

/* "2.5" for 2.5, "500" for 500: the shortest text of a bar label. */
static void length_text(double v, char *buf, size_t n)
{
    snprintf(buf, n, "%.10g", v);
}

/* The scale bar, bottom left of the map: a round length in metres (km
 * from 1 km on), in alternating black and white segments. */
static void draw_scale_bar(map *m)
{
    cairo_t *cr = m->cr;
    double u = m->u;
    double len_m = round_length((m->area.x1 - m->area.x0) * 0.22 / m->scale);
    double len_px = len_m * m->scale;
    int km = len_m >= 1000;
    double unit = km ? 1000 : 1;
    int first = (int)lround(len_m / pow(10, floor(log10(len_m))));
    int nseg = first == 5 ? 5 : 4;
    double x0 = m->area.x0 + 16 * u, bar_h = 6 * u, fs = 12 * u;
    double y_bar = m->area.y1 - 16 * u - bar_h;
    char end_lbl[48], num[32];
    length_text(len_m / unit, num, sizeof num);
    snprintf(end_lbl, sizeof end_lbl, "%s %s", num, km ? "km" : "m");
    set_font(cr, fs, 0);
    double end_w = text_w(cr, end_lbl);
    box b = {x0 - 8 * u, y_bar - fs - 10 * u, x0 + len_px + end_w / 2 + 10 * u,
             y_bar + bar_h + 8 * u};
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill(cr);
    reserve(m, b);
    double seg = len_px / nseg;
    for (int k = 0; k < nseg; k++) {
        cairo_rectangle(cr, x0 + k * seg, y_bar, seg, bar_h);
        if (k % 2 == 0)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, y_bar, len_px, bar_h);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1 * u);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    /* labels on segment ends: 0, the middle and the end; every end of
     * the five segments of a 5 x 10^k bar (its middle is no end) */
    double ty = y_bar - 4 * u;
    int nlab = nseg == 5 ? 6 : 3;
    for (int k = 0; k < nlab; k++) {
        double v = len_m * k / (nlab - 1);
        char lbl[48];
        length_text(v / unit, num, sizeof num);
        if (k == nlab - 1)
            snprintf(lbl, sizeof lbl, "%s %s", num, km ? "km" : "m");
        else
            snprintf(lbl, sizeof lbl, "%s", num);
        double x = x0 + len_px * k / (nlab - 1) - text_w(cr, num) / 2;
        cairo_move_to(cr, x, ty);
        cairo_show_text(cr, lbl);
    }
}

/* The direction of true north at the centre of the view, clockwise from
 * grid north (the meridian convergence of the projection), from two
 * points on the meridian; 0 when PROJ cannot say. */
static double true_north(map *m)
{
    PJ_CONTEXT *pj = (PJ_CONTEXT *)pc_ctx_proj(m->ctx);
    PJ *crs = m->r->crs ? pc_crs_pj(m->r->crs) : NULL;
    if (!crs)
        return 0;
    double angle = 0;
    PJ *geo = proj_crs_get_geodetic_crs(pj, crs);
    PJ *t = geo ? proj_create_crs_to_crs_from_pj(pj, geo, crs, NULL, NULL) : NULL;
    PJ *tn = t ? proj_normalize_for_visualization(pj, t) : NULL;
    if (tn) {
        double cx = (m->ext[0] + m->ext[2]) / 2, cy = (m->ext[1] + m->ext[3]) / 2;
        PJ_COORD c = proj_trans(tn, PJ_INV, proj_coord(cx, cy, 0, 0));
        PJ_COORD n = proj_trans(tn, PJ_FWD, proj_coord(c.lp.lam, c.lp.phi + 0.01, 0, 0));
        if (isfinite(n.xy.x) && isfinite(n.xy.y) &&
            (n.xy.x != cx || n.xy.y != cy))
            angle = atan2(n.xy.x - cx, n.xy.y - cy);
    }
    proj_destroy(tn);
    proj_destroy(t);
    proj_destroy(geo);
    return isfinite(angle) && fabs(angle) < M_PI / 4 ? angle : 0;
}

/* The north arrow, top right of the map, pointing to true north. */
static void draw_north_arrow(map *m)
{
    cairo_t *cr = m->cr;
    double u = m->u, hgt = 46 * u, wid = 22 * u;
    double cx = m->area.x1 - 30 * u, top = m->area.y0 + 14 * u;
    box b = {cx - wid, top - 4 * u, cx + wid, top + hgt + 22 * u};
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill(cr);
    reserve(m, b);
    set_font(cr, 15 * u, 1);
    double nw = text_w(cr, "N");
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_move_to(cr, cx - nw / 2, top + 13 * u);
    cairo_show_text(cr, "N");
    cairo_save(cr);
    cairo_translate(cr, cx, top + 18 * u + hgt / 2);
    cairo_rotate(cr, m->north_rad);
    double hh = hgt / 2, hw = wid / 2 - 2 * u;
    cairo_move_to(cr, 0, -hh), cairo_line_to(cr, -hw, hh);
    cairo_line_to(cr, 0, hh * 0.45), cairo_close_path(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_fill(cr);
    cairo_move_to(cr, 0, -hh), cairo_line_to(cr, hw, hh);
    cairo_line_to(cr, 0, hh * 0.45), cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1 * u);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* A legend swatch of a symbol in the box (x, y, w, h). */
static void draw_swatch(map *m, const pc_qml_symbol *sym, int dim, double x,
                        double y, double w, double h)
{
    cairo_t *cr = m->cr;
    if (dim == 2 && sym->type == PC_SYMBOL_FILL) {
        for (size_t k = 0; k < sym->nlayers; k++) {
            const pc_qml_sublayer *sl = &sym->layers[k];
            if (sl->cls == PC_QML_SIMPLE_FILL && sl->brush != PC_BRUSH_NONE) {
                cairo_rectangle(cr, x + 1, y + 1, w - 2, h - 2);
                if (sl->brush == PC_BRUSH_SOLID || sl->brush == PC_BRUSH_DENSE) {
                    set_rgba(cr, sl->fill, sym->opacity *
                             (sl->brush == PC_BRUSH_DENSE ? 0.5 : 1));
                    cairo_fill(cr);
                } else {
                    cairo_save(cr);
                    cairo_clip(cr);
                    set_rgba(cr, sl->fill, sym->opacity);
                    hatch(m, (box){x, y, x + w, y + h}, sl->brush);
                    cairo_restore(cr);
                }
            }
            if (sl->cls != PC_QML_SIMPLE_MARKER &&
                set_stroke(m, sl, NULL, sym->opacity, 2 * m->u)) {
                if (cairo_get_line_width(cr) > h / 3)
                    cairo_set_line_width(cr, h / 3);
                cairo_rectangle(cr, x + 1, y + 1, w - 2, h - 2);
                cairo_stroke(cr);
            }
        }
        return;
    }
    if (sym->type == PC_SYMBOL_MARKER || dim == 0) {
        for (size_t k = 0; k < sym->nlayers; k++)
            if (sym->layers[k].cls == PC_QML_SIMPLE_MARKER) {
                double s = to_px(m, sym->layers[k].size, sym->layers[k].size_unit);
                draw_marker(m, x + w / 2, y + h / 2, &sym->layers[k], NULL,
                            sym->opacity, fmin(fmax(s, 4 * m->u), h));
            }
        return;
    }
    for (size_t k = 0; k < sym->nlayers; k++) {
        const pc_qml_sublayer *sl = &sym->layers[k];
        if (sl->cls == PC_QML_SIMPLE_MARKER ||
            !set_stroke(m, sl, NULL, sym->opacity, 3 * m->u))
            continue;
        if (cairo_get_line_width(cr) > h / 2)
            cairo_set_line_width(cr, h / 2);
        cairo_move_to(cr, x + 1, y + h / 2);
        cairo_line_to(cr, x + w - 1, y + h / 2);
        cairo_stroke(cr);
    }
}

typedef struct lrow {
    int kind;                   /* 0 layer heading, 1 entry, 2 note */
    char text[320];
    const pc_qml_symbol *sym;   /* swatch, or NULL */
    int dim;
} lrow;

/* The legend heading of the plan layers drawn with style s (a legend
 * entry is a symbology): their titles in Chinese (each layer's `title:`;
 * without one the style's title for a layer alone, else the layer's id),
 * then the style's English title. */
static void group_heading(const map *m, const pc_style *s, char *buf,
                          size_t n)
{
    const pc_plan *plan = m->r->plan;
    size_t members = 0;
    for (size_t i = 0; i < plan->nlayers; i++)
        members += m->lstyle[i] == s && m->drawn[i];
    char tmp[640] = "";
    size_t len = 0;
    for (size_t i = 0; i < plan->nlayers; i++) {
        if (m->lstyle[i] != s || !m->drawn[i])
            continue;
        const char *t = plan->layers[i].title;
        if (!t || !*t)
            t = members == 1 && s->title_zh ? s->title_zh : plan->layers[i].id;
        if (len && strstr(tmp, t))
            continue; /* two layers of one title */
        len += (size_t)snprintf(tmp + len, len < sizeof tmp ? sizeof tmp - len : 0,
                                "%s%s", len ? " / " : "", t);
        if (len >= sizeof tmp)
            break;
    }
    if (len < sizeof tmp && s->title_en && *s->title_en)
        snprintf(tmp + len, sizeof tmp - len, " %s", s->title_en);
    clean_text(tmp, buf, n);
}

static int layer_dim(const pc_layer *l)
{
    switch (l->geom_class) {
    case PC_GEOM_POINT: return 0;
    case PC_GEOM_LINE: return 1;
    default: return 2;
    }
}

/* The legend, in the panel right of the map: every layer drawn (its
 * categories drawn), then the findings by severity. Shrinks its rows to
 * fit, and says how many rows it had to leave out. */
static void draw_legend(map *m, box panel)
{
    cairo_t *cr = m->cr;
    const pc_run_result *r = m->r;
    double u = m->u;
    size_t cap = 16;
    for (size_t i = 0; i < r->plan->nlayers; i++)
        cap += 1 + (m->lq[i] ? m->lq[i]->ncats + 1 : 0);
    cap += 3 * FS_N + 3;
    lrow *rows = calloc(cap, sizeof *rows);
    if (!rows) {
        m->st = PC_OOM(m->ctx);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->plan->nlayers; i++) {
        const pc_qml *q = m->lq[i];
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = !(m->lstyle[k] == m->lstyle[i] && m->drawn[k]);
        if (!q || !m->drawn[i] || !first)
            continue;
        lrow *h = &rows[n++];
        h->kind = 0;
        group_heading(m, m->lstyle[i], h->text, sizeof h->text);
        h->dim = layer_dim(r->data[i]);
        if (!q->attr) {
            h->sym = &q->symbols[0];
            continue;
        }
        /* the categories drawn in any layer of the group (one style:
         * the same categories) */
        for (size_t c = 0; c < q->ncats; c++) {
            int used = 0;
            for (size_t k = i; k < r->plan->nlayers && !used; k++)
                used = m->lstyle[k] == m->lstyle[i] && m->used[k] &&
                       m->used[k][c];
            if (!used)
                continue;
            const pc_qml_category *cat = &q->cats[c];
            lrow *e = &rows[n++];
            e->kind = 1;
            e->sym = &q->symbols[cat->symbol];
            e->dim = h->dim;
            const char *t = cat->label && *cat->label ? cat->label
                            : *cat->value             ? cat->value
                                                      : "其他 Other";
            clean_text(t, e->text, sizeof e->text);
        }
    }
    size_t total = m->nsev[0] + m->nsev[1] + m->nsev[2];
    lrow *fh = &rows[n++];
    fh->kind = 0;
    snprintf(fh->text, sizeof fh->text, "检查结果 Findings (%zu)", total);
    static const int dims[FS_N] = {2, 1, 0};
    static const char *const kinds[FS_N] = {"面 area", "线 line", "点 point"};
    for (int sev = PC_SEV_ERROR; sev >= PC_SEV_INFO; sev--) {
        int shown = 0;
        for (int s = 0; s < FS_N; s++) {
            if (!m->fdrawn[s][sev])
                continue;
            const pc_qml *q = m->fq[s];
            const pc_qml_category *cat =
                pc_qml_category_for(q, pc_severity_name((pc_severity)sev));
            const pc_qml_symbol *sym = pc_qml_symbol_for(
                q, pc_severity_name((pc_severity)sev));
            if (!sym)
                continue;
            lrow *e = &rows[n++];
            e->kind = 1;
            e->sym = sym;
            e->dim = dims[s];
            char t[256];
            snprintf(t, sizeof t, "%s", cat && cat->label && *cat->label
                                            ? cat->label
                                            : pc_severity_name((pc_severity)sev));
            char tmp[320];
            if (!shown)
                snprintf(tmp, sizeof tmp, "%s · %s (%zu)", t, kinds[s],
                         m->nsev[sev]);
            else
                snprintf(tmp, sizeof tmp, "%s · %s", t, kinds[s]);
            clean_text(tmp, e->text, sizeof e->text);
            shown = 1;
        }
    }
    if (m->fnogeom) {
        lrow *e = &rows[n++];
        e->kind = 2;
        snprintf(e->text, sizeof e->text, "%zu 项无几何，未绘出 / %zu without "
                 "geometry, not drawn", m->fnogeom, m->fnogeom);
    }
    if (m->foutside) {
        lrow *e = &rows[n++];
        e->kind = 2;
        snprintf(e->text, sizeof e->text, "%zu 项在图外 / %zu outside this view",
                 m->foutside, m->foutside);
    }

    /* layout: shrink the rows (down to 70 %) to fit, then leave out */
    double pad = 14 * u, title_h = 30 * u;
    double row_h = 21 * u, head_gap = 6 * u;
    double need = 0;
    for (size_t k = 0; k < n; k++)
        need += row_h + (rows[k].kind == 0 && k ? head_gap : 0);
    double avail = panel.y1 - panel.y0 - 2 * pad - title_h;
    double f = need > avail ? fmax(0.7, avail / need) : 1;
    row_h *= f, head_gap *= f;

    cairo_rectangle(cr, panel.x0, panel.y0, panel.x1 - panel.x0,
                    panel.y1 - panel.y0);
    cairo_set_source_rgb(cr, 0.985, 0.985, 0.985);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    double x = panel.x0 + pad, y = panel.y0 + pad;
    set_font(cr, 17 * u, 1);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_move_to(cr, x, y + 17 * u);
    cairo_show_text(cr, "图例 Legend");
    y += title_h;
    double sw = 26 * u, sh = 14 * u * f;
    for (size_t k = 0; k < n; k++) {
        double gap = rows[k].kind == 0 && k ? head_gap : 0;
        if (y + gap + row_h > panel.y1 - pad - (k + 1 < n ? row_h : 0) &&
            k + 1 < n) {
            char more[96];
            snprintf(more, sizeof more, "… %zu more / 另有 %zu 行", n - k, n - k);
            set_font(cr, 12 * u * f, 0);
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
            cairo_move_to(cr, x, y + row_h * 0.7);
            cairo_show_text(cr, more);
            break;
        }
        y += gap;
        lrow *rw = &rows[k];
        double tx = x, fs = (rw->kind == 0 ? 14 : 13) * u * f;
        if (rw->kind == 1)
            tx += 12 * u;
        if (rw->sym) {
            draw_swatch(m, rw->sym, rw->dim, tx, y + (row_h - sh) / 2, sw, sh);
            tx += sw + 8 * u;
        }
        if (rw->kind == 2)
            fs = 12 * u * f;
        set_font(cr, fs, rw->kind == 0);
        fit_text(cr, rw->text, panel.x1 - pad - tx);
        if (rw->kind == 2)
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        else
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_move_to(cr, tx, y + row_h / 2 + fs * 0.36);
        cairo_show_text(cr, rw->text);
        y += row_h;
    }
    free(rows);
}

/* Title (the plan's name), date and CRS above the map; for a close-up
 * also the finding it shows. Returns the height used. */
static double draw_title(map *m, const char *date)
{
    cairo_t *cr = m->cr;
    double u = m->u, x = 20 * u, y = 16 * u, maxw = m->W - 40 * u;
    char text[640];
    const char *title = m->opts->title ? m->opts->title
                        : m->r->plan->name ? m->r->plan->name
                                           : m->r->plan->path;
    set_font(cr, 26 * u, 1);
    clean_text(title, text, sizeof text);
    fit_text(cr, text, maxw);
    cairo_set_source_rgb(cr, 0.08, 0.08, 0.08);
    cairo_move_to(cr, x, y + 26 * u);
    cairo_show_text(cr, text);
    y += 40 * u;
    char line[640];
    const char *auth = m->r->working_crs ? m->r->working_crs : "";
    snprintf(line, sizeof line, "日期 Date %s    坐标系 CRS %s%s%s%s", date,
             m->r->working_crs_name ? m->r->working_crs_name : "",
             *auth ? " (" : "", auth, *auth ? ")" : "");
    set_font(cr, 14 * u, 0);
    clean_text(line, text, sizeof text);
    fit_text(cr, text, maxw);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    cairo_move_to(cr, x, y + 14 * u);
    cairo_show_text(cr, text);
    y += 22 * u;
    if (m->focus) {
        snprintf(line, sizeof line, "局部 Close-up: %s — %s", m->focus->id,
                 m->focus->message ? m->focus->message : "");
        clean_text(line, text, sizeof text);
        fit_text(cr, text, maxw);
        cairo_move_to(cr, x, y + 14 * u);
        cairo_show_text(cr, text);
        y += 22 * u;
    }
    return y + 6 * u;
}

/* ---- extent --------------------------------------------------------- */

/* What an overview shows: the polygons of every layer (the plan's land)
 * and the findings; lines and points reaching farther (a railway across
 * the region) are cut at the frame. Without polygons: every feature. */
static int data_extent(map *m, double e[4])
{
    int has = 0;
    double b[4];
    const pc_run_result *r = m->r;
    for (int pass = 0; pass < 2 && !has; pass++) {
        for (size_t i = 0; i < r->plan->nlayers; i++) {
            const pc_layer *l = r->data[i];
            for (size_t j = 0; l && j < l->nfeatures; j++) {
                const GEOSGeometry *g = l->features[j].geom;
                if (g && (pass || has_dim(m, g, 2)) && pc_geom_bbox(m->h, g, b))
                    pc_extent_add(&has, e, b);
            }
        }
    }
    for (size_t i = 0; i < r->findings.n; i++)
        if (pc_geom_bbox(m->h, r->findings.items[i].geom, b))
            pc_extent_add(&has, e, b);
    return has;
}

/* The ground to show, before it is widened to the map's shape. */
static pc_status choose_extent(map *m, double e[4])
{
    const pc_render_opts *o = m->opts;
    double full[4] = {0, 0, 0, 0};
    int has = data_extent(m, full);
    if (o->zoom_to) {
        const pc_findings *fs = &m->r->findings;
        for (size_t i = 0; i < fs->n && !m->focus; i++)
            if (fs->items[i].id && !strcmp(fs->items[i].id, o->zoom_to))
                m->focus = &fs->items[i];
        if (!m->focus)
            return pc_error(m->ctx, PC_ERR_USAGE, "zoom to '%s': the run has "
                            "no finding with this id", o->zoom_to);
        double b[4];
        if (!pc_geom_bbox(m->h, m->focus->geom, b))
            return pc_error(m->ctx, PC_ERR_USAGE, "zoom to '%s': the finding "
                            "has no geometry to zoom to", o->zoom_to);
        /* the finding with room around it, never closer than a fifteenth
         * of the whole plan, so the close-up shows where it is */
        double size = fmax(b[2] - b[0], b[3] - b[1]) * 1.6;
        double whole = has ? fmax(full[2] - full[0], full[3] - full[1]) : 0;
        size = fmax(size, fmax(whole / 15, 50));
        double cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
        e[0] = cx - size / 2, e[1] = cy - size / 2;
        e[2] = cx + size / 2, e[3] = cy + size / 2;
        return PC_OK;
    }
    if (o->has_extent) {
        memcpy(e, o->extent, 4 * sizeof *e);
        if (!(e[0] < e[2] && e[1] < e[3]) || !isfinite(e[0]) ||
            !isfinite(e[1]) || !isfinite(e[2]) || !isfinite(e[3]))
            return pc_error(m->ctx, PC_ERR_USAGE, "extent %g,%g,%g,%g is "
                            "empty (expected minx < maxx and miny < maxy)",
                            e[0], e[1], e[2], e[3]);
        return PC_OK;
    }
    if (!has)
        return pc_error(m->ctx, PC_ERR_USAGE, "nothing to draw: no layer of "
                        "the plan has a geometry (give an extent)");
    double dx = full[2] - full[0], dy = full[3] - full[1];
    double pad = fmax(fmax(dx, dy) * 0.03, 10);
    e[0] = full[0] - pad, e[1] = full[1] - pad;
    e[2] = full[2] + pad, e[3] = full[3] + pad;
    return PC_OK;
}

/* Widens the extent e to the shape of the map area, around its centre. */
static void fit_extent(map *m, const double e[4])
{
    double aw = m->area.x1 - m->area.x0, ah = m->area.y1 - m->area.y0;
    double dx = e[2] - e[0], dy = e[3] - e[1];
    m->scale = fmin(aw / dx, ah / dy);
    double cx = (e[0] + e[2]) / 2, cy = (e[1] + e[3]) / 2;
    double hw = aw / m->scale / 2, hh = ah / m->scale / 2;
    m->ext[0] = cx - hw, m->ext[2] = cx + hw;
    m->ext[1] = cy - hh, m->ext[3] = cy + hh;
}

/* ---- the whole map -------------------------------------------------- */

/* Reads the styles of the plan's layers and of the findings. */
static pc_status load_styles(map *m)
{
    const pc_run_result *r = m->r;
    size_t n = r->plan->nlayers;
    m->lstyle = calloc(n ? n : 1, sizeof *m->lstyle);
    m->lq = calloc(n ? n : 1, sizeof *m->lq);
    m->used = calloc(n ? n : 1, sizeof *m->used);
    m->drawn = calloc(n ? n : 1, sizeof *m->drawn);
    if (!m->lstyle || !m->lq || !m->used || !m->drawn)
        return PC_OOM(m->ctx);
    for (size_t i = 0; i < n; i++) {
        if (!r->data[i])
            continue;
        const pc_style *s = pc_style_for_layer(&r->plan->layers[i], r->data[i]);
        m->lstyle[i] = s;
        if (!s)
            continue;
        pc_status st = pc_qml_read(m->ctx, s->name, s->qml, s->qml_len,
                                   &m->lq[i]);
        if (st != PC_OK)
            return pc_error_prefix(m->ctx, st, "layer %s",
                                   r->plan->layers[i].id);
        if (!(m->used[i] = calloc(m->lq[i]->ncats + 1, 1)))
            return PC_OOM(m->ctx);
    }
    static const char *const names[FS_N] = {"findings", "findings_lines",
                                            "findings_points"};
    for (int k = 0; k < FS_N; k++) {
        const pc_style *s = pc_style_get(names[k]);
        if (!s)
            return pc_error(m->ctx, PC_ERR_INTERNAL, "no built-in style '%s'",
                            names[k]);
        pc_status st = pc_qml_read(m->ctx, s->name, s->qml, s->qml_len,
                                   &m->fq[k]);
        if (st != PC_OK)
            return st;
    }
    return PC_OK;
}

static void map_clear(map *m)
{
    size_t n = m->r->plan->nlayers;
    for (size_t i = 0; i < n; i++) {
        if (m->lq)
            pc_qml_free(m->lq[i]);
        if (m->used)
            free(m->used[i]);
    }
    free(m->lq);
    free(m->used);
    free(m->lstyle);
    free(m->drawn);
    for (int k = 0; k < FS_N; k++)
        pc_qml_free(m->fq[k]);
    for (size_t i = 0; i < m->nlabels; i++)
        free(m->labels[i].text);
    free(m->labels);
    free(m->placed);
}

/* Draws the whole map on cr (a canvas of W x H). */
static pc_status draw_map(map *m, const char *date)
{
    cairo_t *cr = m->cr;
    const pc_render_opts *o = m->opts;
    double e[4];
    pc_status st = choose_extent(m, e);
    if (st != PC_OK)
        return st;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double u = m->u;
    if (o->plain) {
        m->area = (box){1, 1, m->W - 1, m->H - 1};
    } else {
        double top = draw_title(m, date);
        double legend_w = fmin(fmax(0.26 * m->W, 300 * u), 0.4 * m->W);
        m->area = (box){20 * u, top, m->W - 20 * u - legend_w - 16 * u,
                        m->H - 20 * u};
    }
    if (m->area.x1 - m->area.x0 < 16 || m->area.y1 - m->area.y0 < 16)
        return pc_error(m->ctx, PC_ERR_USAGE, "map size %gx%g leaves no room "
                        "for the map", m->W, m->H);
    fit_extent(m, e);
    if ((st = load_styles(m)) != PC_OK)
        return st;

    cairo_save(cr);
    cairo_rectangle(cr, m->area.x0, m->area.y0, m->area.x1 - m->area.x0,
                    m->area.y1 - m->area.y0);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.97, 0.975, 0.98);
    cairo_paint(cr);
    for (int dim = 2; dim >= 0 && m->st == PC_OK; dim--)
        draw_layers(m, dim);
    if (m->st == PC_OK)
        draw_findings(m);
    if (!o->plain && m->st == PC_OK) {
        m->north_rad = true_north(m);
        draw_north_arrow(m);
        draw_scale_bar(m);
    }
    if (m->st == PC_OK)
        place_labels(m);
    cairo_restore(cr);
    cairo_rectangle(cr, m->area.x0, m->area.y0, m->area.x1 - m->area.x0,
                    m->area.y1 - m->area.y0);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    if (!o->plain && m->st == PC_OK)
        draw_legend(m, (box){m->area.x1 + 16 * u, m->area.y0, m->W - 20 * u,
                             m->area.y1});
    return m->st;
}

/* ---- output --------------------------------------------------------- */

typedef struct membuf {
    unsigned char *p;
    size_t n, cap;
    int oom;
} membuf;

static cairo_status_t mem_write(void *closure, const unsigned char *data,
                                unsigned int len)
{
    membuf *b = closure;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + len)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

/* A valid YYYY-MM-DD date. */
static int valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = atoi(s), mo = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return 0;
    return !(mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

pc_status pc_render_mem(pc_ctx *ctx, const pc_run_result *r,
                        const pc_render_opts *opts, pc_render_format format,
                        unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    pc_render_opts defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opts)
        opts = &defaults;
    if (!r || !r->plan || !r->data)
        return pc_error(ctx, PC_ERR_INTERNAL, "render: the run kept no "
                        "layers (run it with keep_layers)");
    int w = opts->width ? opts->width : DEFAULT_W;
    int h = opts->height ? opts->height : DEFAULT_H;
    int min_w = opts->plain ? 16 : 400, min_h = opts->plain ? 16 : 300;
    if (w < min_w || h < min_h || w > MAX_SIDE || h > MAX_SIDE)
        return pc_error(ctx, PC_ERR_USAGE, "map size %dx%d: expected %dx%d to "
                        "%dx%d%s", w, h, min_w, min_h, MAX_SIDE, MAX_SIDE,
                        opts->plain ? "" : " (smaller maps only plain)");
    if (opts->has_extent && opts->zoom_to)
        return pc_error(ctx, PC_ERR_USAGE, "give an extent or a finding to "
                        "zoom to, not both");
    char date[16];
    if (opts->date) {
        if (!valid_date(opts->date))
            return pc_error(ctx, PC_ERR_USAGE, "date '%s': expected "
                            "YYYY-MM-DD", opts->date);
        snprintf(date, sizeof date, "%s", opts->date);
    } else {
        snprintf(date, sizeof date, "%.10s", r->started_utc);
    }
    font_ensure(ctx);

    membuf out = {0};
    cairo_surface_t *surf;
    if (format == PC_RENDER_SVG) {
        surf = cairo_svg_surface_create_for_stream(mem_write, &out, w, h);
        cairo_svg_surface_restrict_to_version(surf, CAIRO_SVG_VERSION_1_1);
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PT);
    } else {
        surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    }
    cairo_t *cr = cairo_create(surf);
    map m;
    memset(&m, 0, sizeof m);
    m.ctx = ctx, m.h = pc_ctx_geos(ctx), m.r = r, m.opts = opts, m.cr = cr;
    m.W = w, m.H = h, m.vector = format == PC_RENDER_SVG;
    m.u = fmax(0.5, fmin(3.0, fmin(w / (double)DEFAULT_W, h / (double)DEFAULT_H)));
    pc_status st = cairo_status(cr) == CAIRO_STATUS_SUCCESS
                       ? draw_map(&m, date)
                       : pc_error(ctx, PC_ERR_INTERNAL, "cairo: %s",
                                  cairo_status_to_string(cairo_status(cr)));
    if (st == PC_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        st = pc_error(ctx, PC_ERR_INTERNAL, "drawing the map failed: %s",
                      cairo_status_to_string(cairo_status(cr)));
    map_clear(&m);
    cairo_destroy(cr);
    if (st == PC_OK && format == PC_RENDER_PNG) {
        cairo_status_t cs = cairo_surface_write_to_png_stream(surf, mem_write, &out);
        if (cs != CAIRO_STATUS_SUCCESS)
            st = out.oom ? PC_OOM(ctx)
                         : pc_error(ctx, PC_ERR_INTERNAL, "PNG: %s",
                                    cairo_status_to_string(cs));
    }
    cairo_surface_finish(surf);
    if (st == PC_OK && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        st = out.oom ? PC_OOM(ctx)
                     : pc_error(ctx, PC_ERR_INTERNAL, "%s: %s",
                                format == PC_RENDER_SVG ? "SVG" : "PNG",
                                cairo_status_to_string(cairo_surface_status(surf)));
    cairo_surface_destroy(surf);
    if (st != PC_OK) {
        free(out.p);
        return st;
    }
    *buf = out.p;
    *len = out.n;
    return PC_OK;
}

void pc_render_shutdown(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

/* 1 when path is the plan file or one of the plan's layer sources. */
static int is_input(const pc_run_result *r, const struct stat *target)
{
    struct stat in;
    if (r->plan->path && stat(r->plan->path, &in) == 0 &&
        in.st_dev == target->st_dev && in.st_ino == target->st_ino)
        return 1;
    for (size_t i = 0; i < r->plan->nlayers; i++)
        if (r->plan->layers[i].source && stat(r->plan->layers[i].source, &in) == 0 &&
            in.st_dev == target->st_dev && in.st_ino == target->st_ino)
            return 1;
    return 0;
}

pc_status pc_render_format_of(pc_ctx *ctx, const char *path,
                              pc_render_format *format)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strcasecmp(dot, ".png"))
        *format = PC_RENDER_PNG;
    else if (dot && !strcasecmp(dot, ".svg"))
        *format = PC_RENDER_SVG;
    else
        return pc_error(ctx, PC_ERR_USAGE, "%s: unknown map format (expected "
                        "a .png or .svg file name)", path);
    return PC_OK;
}

pc_status pc_render_file(pc_ctx *ctx, const pc_run_result *r,
                         const pc_render_opts *opts, const char *path)
{
    pc_render_format format = PC_RENDER_PNG;
    pc_status st = pc_render_format_of(ctx, path, &format);
    if (st != PC_OK)
        return st;
    struct stat st_target;
    if (stat(path, &st_target) == 0) {
        if (r && r->plan && is_input(r, &st_target))
            return pc_error(ctx, PC_ERR_OUTPUT, "%s: the map would replace one "
                            "of the run's inputs; choose another file", path);
        if (!opts || !opts->overwrite)
            return pc_error(ctx, PC_ERR_OUTPUT, "%s: already exists; use "
                            "--overwrite to replace it", path);
        if (S_ISDIR(st_target.st_mode))
            return pc_error(ctx, PC_ERR_OUTPUT, "%s: is a directory", path);
    }
    unsigned char *buf;
    size_t len;
    if ((st = pc_render_mem(ctx, r, opts, format, &buf, &len)) != PC_OK)
        return st;
    /* beside the target, so the rename is atomic; O_EXCL with the usual
     * mode, so the map gets the permissions of any new file */
    static atomic_uint seq;
    char *tmp = NULL;
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        free(tmp);
        tmp = pc_aprintf("%s.tmp-%ld-%u%s", path, (long)getpid(),
                         atomic_fetch_add(&seq, 1), format == PC_RENDER_PNG
                                                        ? ".png" : ".svg");
        if (!tmp) {
            free(buf);
            return PC_OOM(ctx);
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot write here: %s", path,
                      strerror(errno));
        free(tmp);
        free(buf);
        return st;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(fd, buf + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    int err = done < len ? errno : 0;
    if (close(fd) != 0 && !err)
        err = errno;
    if (done < len || err)
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: write failed: %s", path,
                      strerror(err ? err : EIO));
    else if (rename(tmp, path) != 0)
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot move the finished map "
                      "into place: %s", path, strerror(errno));
    if (st != PC_OK)
        unlink(tmp);
    free(tmp);
    free(buf);
    return st;
}
