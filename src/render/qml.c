/* qml.c: render stage: reads the QGIS style subset the project's styles use
 * (style.h) into a symbology the renderer draws with. libxml2 parses;
 * everything outside the subset is skipped, so a style saved by QGIS
 * itself reads too, but a style that cannot be drawn is an error naming
 * it rather than a blank map. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../core/internal.h"
#include "qml.h"

/* libxml2 wants its global state set up once, before threads use it. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

/* The reader's state: the style's name for messages, the context. */
struct reader {
    pc_ctx *ctx;
    const char *name;
};

static int is_elem(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           !strcmp((const char *)n->name, name);
}

/* First element child of n named `name`, or NULL. */
static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_elem(c, name))
            return c;
    return NULL;
}

/* First element named `name` below n, depth first, or NULL. */
static xmlNode *descendant(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, name))
            return c;
        xmlNode *d = descendant(c, name);
        if (d)
            return d;
    }
    return NULL;
}

/* The attribute's value, malloc'ed through libxml2 (free with xmlFree),
 * or NULL. */
static char *get(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* Copies an attribute value into buf (size n); "" when absent. */
static const char *get_buf(const xmlNode *n, const char *name, char *buf,
                           size_t size)
{
    char *v = get(n, name);
    snprintf(buf, size, "%s", v ? v : "");
    xmlFree(v);
    return buf;
}

/* The attribute as a malloc'ed string (plain malloc), NULL when absent;
 * *oom set when the copy failed. */
static char *get_dup(const xmlNode *n, const char *name, int *oom)
{
    char *v = get(n, name);
    if (!v)
        return NULL;
    char *s = strdup(v);
    xmlFree(v);
    if (!s)
        *oom = 1;
    return s;
}

/* A symbol layer's properties: the QGIS 3 form <Option type="Map"> with
 * <Option name= value=> children, or the older <prop k= v=>. The value of
 * `key` into buf; 0 when the layer does not set it. */
static int prop(const xmlNode *layer, const char *key, char *buf, size_t n)
{
    char name[64];
    for (xmlNode *c = layer->children; c; c = c->next) {
        if (is_elem(c, "Option")) {
            for (xmlNode *o = c->children; o; o = o->next) {
                if (!is_elem(o, "Option"))
                    continue;
                if (!strcmp(get_buf(o, "name", name, sizeof name), key)) {
                    get_buf(o, "value", buf, n);
                    return 1;
                }
            }
        } else if (is_elem(c, "prop")) {
            if (!strcmp(get_buf(c, "k", name, sizeof name), key)) {
                get_buf(c, "v", buf, n);
                return 1;
            }
        }
    }
    return 0;
}

/* The <Option name=`name`> child of an <Option type="Map">, or NULL. */
static xmlNode *option(const xmlNode *map, const char *name)
{
    char buf[64];
    for (xmlNode *o = map ? map->children : NULL; o; o = o->next)
        if (is_elem(o, "Option") &&
            !strcmp(get_buf(o, "name", buf, sizeof buf), name))
            return o;
    return NULL;
}

/* "r,g,b,a" (QGIS; 3.34 appends ",rgb:..." which is ignored), "r,g,b"
 * or "#rrggbb[aa]" to a colour; -1 when it is none of these. */
static int parse_color(const char *s, pc_rgba *c)
{
    unsigned v[4] = {0, 0, 0, 255};
    int n = 0;
    if (s[0] == '#') {
        size_t len = strlen(s + 1);
        if (len != 6 && len != 8)
            return -1;
        for (size_t i = 0; i < len / 2; i++) {
            char hex[3] = {s[1 + 2 * i], s[2 + 2 * i], 0}, *end;
            v[i] = (unsigned)strtoul(hex, &end, 16);
            if (*end)
                return -1;
        }
    } else {
        const char *p = s;
        while (n < 4) {
            char *end;
            long x = strtol(p, &end, 10);
            if (end == p || x < 0 || x > 255)
                break;
            v[n++] = (unsigned)x;
            if (*end != ',')
                break;
            p = end + 1;
        }
        if (n < 3)
            return -1;
    }
    c->r = v[0] / 255.0;
    c->g = v[1] / 255.0;
    c->b = v[2] / 255.0;
    c->a = v[3] / 255.0;
    return 0;
}

/* The colour property `key` into *c when set. */
static pc_status color_prop(struct reader *rd, const xmlNode *layer,
                            const char *key, pc_rgba *c)
{
    char buf[128];
    if (!prop(layer, key, buf, sizeof buf) || !*buf)
        return PC_OK;
    if (parse_color(buf, c) != 0)
        return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: %s '%s' "
                        "is no colour (expected r,g,b,a)", rd->name,
                        (int)xmlGetLineNo(layer), key, buf);
    return PC_OK;
}

/* A number property into *v when set. */
static pc_status number_prop(struct reader *rd, const xmlNode *layer,
                             const char *key, double *v)
{
    char buf[64], *end;
    if (!prop(layer, key, buf, sizeof buf) || !*buf)
        return PC_OK;
    double x = strtod(buf, &end);
    if (*end || !isfinite(x) || x < 0)
        return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: %s '%s' "
                        "is no size", rd->name, (int)xmlGetLineNo(layer), key,
                        buf);
    *v = x;
    return PC_OK;
}

/* A unit property (MM, MapUnit, Pixel, Point; RenderMetersInMapUnits is
 * metres, which the working CRS's map units are). */
static pc_status unit_prop(struct reader *rd, const xmlNode *layer,
                           const char *key, pc_qml_unit *u)
{
    char buf[64];
    if (!prop(layer, key, buf, sizeof buf) || !*buf)
        return PC_OK;
    if (!strcmp(buf, "MM"))
        *u = PC_QML_MM;
    else if (!strcmp(buf, "MapUnit") || !strcmp(buf, "RenderMetersInMapUnits"))
        *u = PC_QML_MAPUNIT;
    else if (!strcmp(buf, "Pixel"))
        *u = PC_QML_PIXEL;
    else if (!strcmp(buf, "Point"))
        *u = PC_QML_POINT;
    else
        return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: %s '%s' "
                        "is no unit (expected MM, MapUnit, Pixel or Point)",
                        rd->name, (int)xmlGetLineNo(layer), key, buf);
    return PC_OK;
}

static pc_qml_pen parse_pen(const char *s)
{
    static const struct { const char *name; pc_qml_pen pen; } pens[] = {
        {"no", PC_PEN_NONE},          {"dash", PC_PEN_DASH},
        {"dot", PC_PEN_DOT},          {"dash dot", PC_PEN_DASH_DOT},
        {"dash dot dot", PC_PEN_DASH_DOT_DOT}};
    for (size_t i = 0; i < sizeof pens / sizeof pens[0]; i++)
        if (!strcmp(s, pens[i].name))
            return pens[i].pen;
    return PC_PEN_SOLID;
}

static pc_qml_brush parse_brush(const char *s)
{
    static const struct { const char *name; pc_qml_brush brush; } brushes[] = {
        {"no", PC_BRUSH_NONE},
        {"horizontal", PC_BRUSH_HORIZONTAL},
        {"vertical", PC_BRUSH_VERTICAL},
        {"cross", PC_BRUSH_CROSS},
        {"b_diagonal", PC_BRUSH_BDIAGONAL},
        {"f_diagonal", PC_BRUSH_FDIAGONAL},
        {"diagonal_x", PC_BRUSH_DIAGONAL_X}};
    for (size_t i = 0; i < sizeof brushes / sizeof brushes[0]; i++)
        if (!strcmp(s, brushes[i].name))
            return brushes[i].brush;
    if (!strncmp(s, "dense", 5))
        return PC_BRUSH_DENSE;
    return PC_BRUSH_SOLID;
}

/* capstyle and joinstyle, QGIS's defaults (square, bevel) otherwise. */
static void parse_cap_join(const xmlNode *layer, pc_qml_sublayer *sl)
{
    char buf[32];
    if (prop(layer, "capstyle", buf, sizeof buf))
        sl->cap = !strcmp(buf, "flat")    ? PC_CAP_FLAT
                  : !strcmp(buf, "round") ? PC_CAP_ROUND
                                          : PC_CAP_SQUARE;
    if (prop(layer, "joinstyle", buf, sizeof buf))
        sl->join = !strcmp(buf, "miter")   ? PC_JOIN_MITER
                   : !strcmp(buf, "round") ? PC_JOIN_ROUND
                                           : PC_JOIN_BEVEL;
}

static pc_qml_shape parse_shape(const char *s)
{
    static const struct { const char *name; pc_qml_shape shape; } shapes[] = {
        {"square", PC_SHAPE_SQUARE},     {"rectangle", PC_SHAPE_SQUARE},
        {"diamond", PC_SHAPE_DIAMOND},   {"triangle", PC_SHAPE_TRIANGLE},
        {"equilateral_triangle", PC_SHAPE_TRIANGLE},
        {"star", PC_SHAPE_STAR},         {"cross", PC_SHAPE_CROSS},
        {"cross_fill", PC_SHAPE_CROSS},  {"cross2", PC_SHAPE_X}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (!strcmp(s, shapes[i].name))
            return shapes[i].shape;
    return PC_SHAPE_CIRCLE;
}

/* The field of a data-defined outlineWidth (type 2: a field; type 3: an
 * expression that is just a field name, quoted or not), else NULL. */
static char *width_field(const xmlNode *layer, int *oom)
{
    xmlNode *ddp = child(layer, "data_defined_properties");
    xmlNode *map = child(ddp, "Option");
    xmlNode *w = option(option(map, "properties"), "outlineWidth");
    if (!w)
        return NULL;
    char active[16], type[8], buf[256];
    xmlNode *a = option(w, "active");
    if (!a || strcmp(get_buf(a, "value", active, sizeof active), "true"))
        return NULL;
    xmlNode *t = option(w, "type");
    get_buf(t ? t : w, "value", type, sizeof type);
    xmlNode *v = NULL;
    if (!strcmp(type, "2"))
        v = option(w, "field");
    else if (!strcmp(type, "3"))
        v = option(w, "expression");
    if (!v)
        return NULL;
    get_buf(v, "value", buf, sizeof buf);
    size_t len = strlen(buf);
    char *s = buf;
    if (len >= 2 && buf[0] == '"' && buf[len - 1] == '"') {
        buf[len - 1] = '\0';
        s++;
    }
    if (!*s || strpbrk(s, " ()+-*/'\""))
        return NULL; /* a real expression: not in the subset */
    char *r = strdup(s);
    if (!r)
        *oom = 1;
    return r;
}

/* One <layer class=...> of a symbol into *sl; 1 when read, 0 when its
 * class is outside the subset (skipped). */
static pc_status read_sublayer(struct reader *rd, const xmlNode *n,
                               pc_qml_sublayer *sl, int *used)
{
    char cls[64], buf[128];
    get_buf(n, "class", cls, sizeof cls);
    memset(sl, 0, sizeof *sl);
    *used = 0;
    char enabled[8];
    if (!strcmp(get_buf(n, "enabled", enabled, sizeof enabled), "0"))
        return PC_OK;
    /* QGIS's defaults for properties a style leaves out */
    sl->stroke = (pc_rgba){35 / 255.0, 35 / 255.0, 35 / 255.0, 1};
    sl->stroke_width = 0.26;
    sl->stroke_unit = PC_QML_MM;
    sl->size = 2;
    sl->size_unit = PC_QML_MM;
    pc_status st = PC_OK;
    if (!strcmp(cls, "SimpleFill")) {
        sl->cls = PC_QML_SIMPLE_FILL;
        sl->fill = (pc_rgba){0, 0, 1, 1};
        if ((st = color_prop(rd, n, "color", &sl->fill)) ||
            (st = color_prop(rd, n, "outline_color", &sl->stroke)) ||
            (st = number_prop(rd, n, "outline_width", &sl->stroke_width)) ||
            (st = unit_prop(rd, n, "outline_width_unit", &sl->stroke_unit)))
            return st;
        if (prop(n, "style", buf, sizeof buf))
            sl->brush = parse_brush(buf);
        if (prop(n, "outline_style", buf, sizeof buf))
            sl->pen = parse_pen(buf);
    } else if (!strcmp(cls, "SimpleLine")) {
        sl->cls = PC_QML_SIMPLE_LINE;
        if ((st = color_prop(rd, n, "line_color", &sl->stroke)) ||
            (st = number_prop(rd, n, "line_width", &sl->stroke_width)) ||
            (st = unit_prop(rd, n, "line_width_unit", &sl->stroke_unit)))
            return st;
        if (prop(n, "line_style", buf, sizeof buf))
            sl->pen = parse_pen(buf);
    } else if (!strcmp(cls, "SimpleMarker")) {
        sl->cls = PC_QML_SIMPLE_MARKER;
        sl->fill = (pc_rgba){1, 0, 0, 1};
        sl->stroke_width = 0;
        if ((st = color_prop(rd, n, "color", &sl->fill)) ||
            (st = color_prop(rd, n, "outline_color", &sl->stroke)) ||
            (st = number_prop(rd, n, "outline_width", &sl->stroke_width)) ||
            (st = unit_prop(rd, n, "outline_width_unit", &sl->stroke_unit)) ||
            (st = number_prop(rd, n, "size", &sl->size)) ||
            (st = unit_prop(rd, n, "size_unit", &sl->size_unit)))
            return st;
        if (prop(n, "name", buf, sizeof buf))
            sl->shape = parse_shape(buf);
        if (prop(n, "outline_style", buf, sizeof buf))
            sl->pen = parse_pen(buf);
    } else {
        return PC_OK;
    }
    parse_cap_join(n, sl);
    int oom = 0;
    sl->width_field = width_field(n, &oom);
    if (oom)
        return PC_OOM(rd->ctx);
    *used = 1;
    return PC_OK;
}

static void symbol_clear(pc_qml_symbol *s)
{
    for (size_t i = 0; i < s->nlayers; i++)
        free(s->layers[i].width_field);
    free(s->layers);
}

/* One <symbol> into *sym. */
static pc_status read_symbol(struct reader *rd, const xmlNode *n,
                             pc_qml_symbol *sym)
{
    char buf[64];
    memset(sym, 0, sizeof *sym);
    get_buf(n, "type", buf, sizeof buf);
    if (!strcmp(buf, "fill"))
        sym->type = PC_SYMBOL_FILL;
    else if (!strcmp(buf, "line"))
        sym->type = PC_SYMBOL_LINE;
    else if (!strcmp(buf, "marker"))
        sym->type = PC_SYMBOL_MARKER;
    else
        return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: symbol "
                        "type '%s' (expected fill, line or marker)", rd->name,
                        (int)xmlGetLineNo(n), buf);
    sym->opacity = 1;
    char *end;
    if (*get_buf(n, "alpha", buf, sizeof buf)) {
        double a = strtod(buf, &end);
        if (!*end && a >= 0 && a <= 1)
            sym->opacity = a;
    }
    size_t cap = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!is_elem(c, "layer"))
            continue;
        if (sym->nlayers == cap) {
            cap = cap ? 2 * cap : 2;
            pc_qml_sublayer *l = realloc(sym->layers, cap * sizeof *l);
            if (!l)
                return PC_OOM(rd->ctx);
            sym->layers = l;
        }
        int used;
        pc_status st = read_sublayer(rd, c, &sym->layers[sym->nlayers], &used);
        if (st != PC_OK) {
            free(sym->layers[sym->nlayers].width_field);
            return st;
        }
        sym->nlayers += used;
    }
    return PC_OK;
}

/* <labeling type="simple">: the text style's field, size, colour and
 * buffer. Labels stay off for anything else. */
static pc_status read_labels(struct reader *rd, const xmlNode *root,
                             pc_qml_labels *lb)
{
    char buf[256], *end;
    lb->size_pt = 10;
    lb->color = (pc_rgba){0, 0, 0, 1};
    lb->buffer_mm = 1;
    lb->buffer_color = (pc_rgba){1, 1, 1, 1};
    xmlNode *labeling = child(root, "labeling");
    if (!labeling || strcmp(get_buf(labeling, "type", buf, sizeof buf), "simple"))
        return PC_OK;
    if (!strcmp(get_buf(root, "labelsEnabled", buf, sizeof buf), "0"))
        return PC_OK;
    xmlNode *ts = descendant(labeling, "text-style");
    if (!ts)
        return PC_OK;
    get_buf(ts, "fieldName", buf, sizeof buf);
    size_t len = strlen(buf);
    char *field = buf;
    if (len >= 2 && buf[0] == '"' && buf[len - 1] == '"') {
        buf[len - 1] = '\0';
        field++;
    }
    if (!*field || strpbrk(field, " ()+-*/|'\""))
        return PC_OK; /* an expression: not in the subset */
    if (!(lb->field = strdup(field)))
        return PC_OOM(rd->ctx);
    lb->enabled = 1;
    if (*get_buf(ts, "fontSize", buf, sizeof buf)) {
        double v = strtod(buf, &end);
        if (!*end && v > 0 && v < 200)
            lb->size_pt = v;
    }
    if (*get_buf(ts, "textColor", buf, sizeof buf) &&
        parse_color(buf, &lb->color) != 0)
        return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: textColor "
                        "'%s' is no colour", rd->name, (int)xmlGetLineNo(ts),
                        buf);
    if (*get_buf(ts, "textOpacity", buf, sizeof buf)) {
        double v = strtod(buf, &end);
        if (!*end && v >= 0 && v <= 1)
            lb->color.a *= v;
    }
    xmlNode *tb = descendant(labeling, "text-buffer");
    if (tb && !strcmp(get_buf(tb, "bufferDraw", buf, sizeof buf), "1")) {
        lb->buffer = 1;
        if (*get_buf(tb, "bufferSize", buf, sizeof buf)) {
            double v = strtod(buf, &end);
            if (!*end && v >= 0 && v < 20)
                lb->buffer_mm = v;
        }
        if (*get_buf(tb, "bufferColor", buf, sizeof buf) &&
            parse_color(buf, &lb->buffer_color) != 0)
            return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: "
                            "bufferColor '%s' is no colour", rd->name,
                            (int)xmlGetLineNo(tb), buf);
        if (*get_buf(tb, "bufferOpacity", buf, sizeof buf)) {
            double v = strtod(buf, &end);
            if (!*end && v >= 0 && v <= 1)
                lb->buffer_color.a *= v;
        }
    }
    return PC_OK;
}

/* The renderer's symbols (in document order) with their names, so the
 * categories can refer to them. */
static pc_status read_symbols(struct reader *rd, const xmlNode *renderer,
                              pc_qml *q, char ***names)
{
    xmlNode *syms = child(renderer, "symbols");
    size_t n = 0;
    for (xmlNode *c = syms ? syms->children : NULL; c; c = c->next)
        n += is_elem(c, "symbol");
    if (!n)
        return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: the "
                        "renderer has no symbols", rd->name,
                        (int)xmlGetLineNo(renderer));
    q->symbols = calloc(n, sizeof *q->symbols);
    *names = calloc(n, sizeof **names);
    if (!q->symbols || !*names)
        return PC_OOM(rd->ctx);
    int oom = 0;
    for (xmlNode *c = syms->children; c; c = c->next) {
        if (!is_elem(c, "symbol"))
            continue;
        pc_status st = read_symbol(rd, c, &q->symbols[q->nsymbols]);
        if (st != PC_OK) {
            symbol_clear(&q->symbols[q->nsymbols]);
            return st;
        }
        (*names)[q->nsymbols++] = get_dup(c, "name", &oom);
        if (oom)
            return PC_OOM(rd->ctx);
    }
    return PC_OK;
}

static pc_status read_categories(struct reader *rd, const xmlNode *renderer,
                                 pc_qml *q, char **names)
{
    char buf[128];
    int oom = 0;
    if (!(q->attr = get_dup(renderer, "attr", &oom)) || !*q->attr)
        return oom ? PC_OOM(rd->ctx)
                   : pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: a "
                              "categorized renderer without attr", rd->name,
                              (int)xmlGetLineNo(renderer));
    xmlNode *cats = child(renderer, "categories");
    size_t n = 0;
    for (xmlNode *c = cats ? cats->children : NULL; c; c = c->next)
        n += is_elem(c, "category");
    q->cats = calloc(n ? n : 1, sizeof *q->cats);
    if (!q->cats)
        return PC_OOM(rd->ctx);
    for (xmlNode *c = cats ? cats->children : NULL; c; c = c->next) {
        if (!is_elem(c, "category"))
            continue;
        pc_qml_category *cat = &q->cats[q->ncats++];
        cat->value = get_dup(c, "value", &oom);
        cat->label = get_dup(c, "label", &oom);
        if (oom)
            return PC_OOM(rd->ctx);
        if (!cat->value && !(cat->value = strdup("")))
            return PC_OOM(rd->ctx);
        cat->render = strcmp(get_buf(c, "render", buf, sizeof buf), "false") != 0;
        get_buf(c, "symbol", buf, sizeof buf);
        size_t k = 0;
        while (k < q->nsymbols && (!names[k] || strcmp(names[k], buf)))
            k++;
        if (k == q->nsymbols)
            return pc_error(rd->ctx, PC_ERR_INPUT, "style %s, line %d: "
                            "category '%s' names symbol '%s', which the style "
                            "does not have", rd->name, (int)xmlGetLineNo(c),
                            cat->value, buf);
        cat->symbol = k;
    }
    return PC_OK;
}

pc_status pc_qml_read(pc_ctx *ctx, const char *name, const char *text,
                      size_t len, pc_qml **out)
{
    *out = NULL;
    pthread_once(&xml_once, xml_init);
    struct reader rd = {ctx, name ? name : "(unnamed)"};
    if (len > 64u << 20)
        return pc_error(ctx, PC_ERR_INPUT, "style %s: too large", rd.name);
    xmlDoc *doc = xmlReadMemory(text, (int)len, rd.name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        char msg[256];
        snprintf(msg, sizeof msg, "%s",
                 e && e->message ? e->message : "parse error");
        msg[strcspn(msg, "\n")] = '\0'; /* libxml2 ends it with a newline */
        return pc_error(ctx, PC_ERR_INPUT, "style %s, line %d: not XML: %s",
                        rd.name, e ? e->line : 0, msg);
    }
    pc_status st = PC_OK;
    char **names = NULL;
    pc_qml *q = calloc(1, sizeof *q);
    char type[64];
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *renderer = is_elem(root, "qgis") ? child(root, "renderer-v2") : NULL;
    if (!q) {
        st = PC_OOM(ctx);
        goto done;
    }
    if (!renderer) {
        st = pc_error(ctx, PC_ERR_INPUT, "style %s: no <qgis><renderer-v2> "
                      "(not a QGIS layer style)", rd.name);
        goto done;
    }
    get_buf(renderer, "type", type, sizeof type);
    if (strcmp(type, "singleSymbol") && strcmp(type, "categorizedSymbol")) {
        st = pc_error(ctx, PC_ERR_INPUT, "style %s, line %d: renderer '%s' "
                      "(expected singleSymbol or categorizedSymbol)", rd.name,
                      (int)xmlGetLineNo(renderer), type);
        goto done;
    }
    if ((st = read_symbols(&rd, renderer, q, &names)) != PC_OK)
        goto done;
    if (!strcmp(type, "categorizedSymbol"))
        st = read_categories(&rd, renderer, q, names);
    if (st == PC_OK)
        st = read_labels(&rd, root, &q->labels);
done:
    for (size_t i = 0; names && i < q->nsymbols; i++)
        free(names[i]);
    free(names);
    xmlFreeDoc(doc);
    if (st != PC_OK) {
        pc_qml_free(q);
        return st;
    }
    *out = q;
    return PC_OK;
}

void pc_qml_free(pc_qml *q)
{
    if (!q)
        return;
    free(q->attr);
    for (size_t i = 0; i < q->ncats; i++) {
        free(q->cats[i].value);
        free(q->cats[i].label);
    }
    free(q->cats);
    for (size_t i = 0; i < q->nsymbols; i++)
        symbol_clear(&q->symbols[i]);
    free(q->symbols);
    free(q->labels.field);
    free(q);
}

/* 1 when both texts read fully as the same number ("36" and "36.0"). */
static int same_number(const char *a, const char *b)
{
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    return ea != a && eb != b && !*ea && !*eb && x == y;
}

const pc_qml_category *pc_qml_category_for(const pc_qml *q, const char *value)
{
    if (!q->attr)
        return NULL;
    const pc_qml_category *other = NULL;
    for (size_t i = 0; i < q->ncats; i++) {
        const pc_qml_category *c = &q->cats[i];
        if (!*c->value) {
            if (!other)
                other = c;
            continue;
        }
        if (value && (!strcmp(c->value, value) || same_number(c->value, value)))
            return c;
    }
    return other;
}

const pc_qml_symbol *pc_qml_symbol_for(const pc_qml *q, const char *value)
{
    if (!q->attr)
        return q->nsymbols ? &q->symbols[0] : NULL;
    const pc_qml_category *c = pc_qml_category_for(q, value);
    return c && c->render ? &q->symbols[c->symbol] : NULL;
}
