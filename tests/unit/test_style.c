/* test_style.c: the QGIS styles (style.h): the embedded QML equals the
 * files of maps/styles, every file parses (libxml2) and keeps to the QML
 * subset style.h promises the renderer, each style draws what its name
 * says, a plan layer's style is chosen as documented, and the alias block
 * added for a layer's fields stays well-formed XML. Then a written
 * GeoPackage, read back with SQLite, libxml2 and GDAL: layer_styles as
 * QGIS makes it, one default style per table, the aliases, the titles and
 * QGIS's layer metadata where QGIS looks for it. */
#include "testutil.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sqlite3.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include "../../src/style/style_internal.h"
#include "plancheck/landuse.h"
#include "plancheck/measure.h"
#include "plancheck/plan.h"
#include "plancheck/style.h"
#include "plancheck/write.h"

/* ---- small libxml2 helpers ------------------------------------------- */

static xmlDocPtr parse(const char *text, size_t len)
{
    return xmlReadMemory(text, (int)len, "style.qml", "UTF-8",
                         XML_PARSE_NONET | XML_PARSE_NOERROR |
                             XML_PARSE_NOWARNING);
}

static int is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           !strcmp((const char *)n->name, name);
}

/* First element child named `name`, or NULL. */
static xmlNodePtr child(const xmlNode *n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* An attribute's value (static buffer per call site is not needed: the
 * callers copy what they keep); "" when absent. */
static const char *attr(xmlNodePtr n, const char *name, char *buf, size_t len)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    snprintf(buf, len, "%s", v ? (const char *)v : "");
    xmlFree(v);
    return buf;
}

static int has_attr(xmlNodePtr n, const char *name)
{
    return xmlHasProp(n, (const xmlChar *)name) != NULL;
}

/* The <Option name=key value=..> of a symbol layer's property map. */
static const char *layer_prop(xmlNodePtr layer, const char *key, char *buf,
                              size_t len)
{
    buf[0] = '\0';
    xmlNodePtr map = child(layer, "Option");
    for (xmlNodePtr o = map ? map->children : NULL; o; o = o->next) {
        char name[128];
        if (is(o, "Option") && !strcmp(attr(o, "name", name, sizeof name), key))
            return attr(o, "value", buf, len);
    }
    return buf;
}

/* Parses "r,g,b,a" (each 0..255); 1 on success. */
static int parse_rgba(const char *s, int c[4])
{
    char end;
    return sscanf(s, "%d,%d,%d,%d%c", &c[0], &c[1], &c[2], &c[3], &end) == 4 &&
           c[0] >= 0 && c[0] <= 255 && c[1] >= 0 && c[1] <= 255 &&
           c[2] >= 0 && c[2] <= 255 && c[3] >= 0 && c[3] <= 255;
}

/* ---- the catalogue ----------------------------------------------------- */

/* Every style of style.h is there once, with the bytes of its file in
 * maps/styles, and every file there is a style. */
static void test_catalogue(void **state)
{
    (void)state;
    tu_expect_reset();
    static const struct {
        const char *name;
        pc_geom_class geom;
    } want[] = {
        {"boundary", PC_GEOM_POLYGON},      {"zones", PC_GEOM_POLYGON},
        {"parcels", PC_GEOM_POLYGON},       {"roads", PC_GEOM_LINE},
        {"urban_boundary", PC_GEOM_POLYGON}, {"eco_redline", PC_GEOM_POLYGON},
        {"farmland", PC_GEOM_POLYGON},      {"polygons", PC_GEOM_POLYGON},
        {"lines", PC_GEOM_LINE},            {"points", PC_GEOM_POINT},
        {"findings", PC_GEOM_POLYGON},      {"findings_points", PC_GEOM_POINT},
        {"findings_lines", PC_GEOM_LINE},
    };
    size_t n = sizeof want / sizeof want[0];
    assert_int_equal(pc_style_count(), n);
    assert_int_equal(pc_style_nfiles, n);
    assert_null(pc_style_at(n));
    assert_null(pc_style_get("landuse"));
    assert_null(pc_style_get(NULL));
    for (size_t i = 0; i < n; i++) {
        const pc_style *s = pc_style_get(want[i].name);
        EXPECT(s != NULL, "no style %s", want[i].name);
        if (!s)
            continue;
        EXPECT(s == pc_style_at(i), "%s: not at index %zu", s->name, i);
        EXPECT(s->geom == want[i].geom, "%s: geometry %d, expected %d",
               s->name, (int)s->geom, (int)want[i].geom);
        EXPECT(s->title_zh && s->title_zh[0] && (unsigned char)s->title_zh[0] >= 0x80,
               "%s: no Chinese title", s->name);
        EXPECT(s->title_en && s->title_en[0] >= 'A' && s->title_en[0] <= 'Z',
               "%s: no English title", s->name);
        char *path = pc_aprintf("%s/maps/styles/%s.qml", PC_SOURCE_DIR, s->name);
        size_t len = 0;
        unsigned char *file = tu_read_file(path, &len);
        EXPECT(file != NULL, "cannot read %s", path);
        EXPECT(file && s->qml_len == len && strlen(s->qml) == len &&
                   !memcmp(s->qml, file, len),
               "%s: embedded QML differs from %s", s->name, path);
        free(file);
        free(path);
        EXPECT(tu_contains(pc_style_names(), s->name), "names list lacks %s",
               s->name);
    }
    EXPECT(!strncmp(pc_style_names(), "boundary, zones, parcels, roads, ", 33),
           "names: %s", pc_style_names());
    report();
}

/* ---- the QML subset ---------------------------------------------------- */

static const char *const symbol_layer_classes[] = {"SimpleFill", "SimpleLine",
                                                   "SimpleMarker", NULL};

/* Checks one <symbol>: its type matches the geometry, its layers are of
 * the subset and give their properties as <Option type="Map"> children
 * only, and colours read as r,g,b,a. */
static void check_symbol(const char *style, xmlNodePtr sym, const char *type)
{
    char buf[256], name[64];
    EXPECT(!strcmp(attr(sym, "type", buf, sizeof buf), type),
           "%s: symbol %s of type %s, expected %s", style,
           attr(sym, "name", name, sizeof name), buf, type);
    int layers = 0;
    for (xmlNodePtr l = sym->children; l; l = l->next) {
        if (!is(l, "layer"))
            continue;
        layers++;
        attr(l, "class", buf, sizeof buf);
        int known = 0;
        for (const char *const *c = symbol_layer_classes; *c; c++)
            known |= !strcmp(buf, *c);
        EXPECT(known, "%s: symbol layer class %s is outside the subset",
               style, buf);
        EXPECT(!child(l, "prop"), "%s: <prop> instead of <Option>", style);
        xmlNodePtr map = child(l, "Option");
        EXPECT(map && !strcmp(attr(map, "type", buf, sizeof buf), "Map"),
               "%s: symbol layer without <Option type=\"Map\">", style);
        for (xmlNodePtr o = map ? map->children : NULL; o; o = o->next) {
            if (!is(o, "Option"))
                continue;
            EXPECT(has_attr(o, "name") && has_attr(o, "value") &&
                       !strcmp(attr(o, "type", buf, sizeof buf), "QString"),
                   "%s: property without name/value/type QString", style);
            attr(o, "name", name, sizeof name);
            if (!strcmp(name, "color") || !strcmp(name, "outline_color") ||
                !strcmp(name, "line_color")) {
                int c[4];
                EXPECT(parse_rgba(attr(o, "value", buf, sizeof buf), c),
                       "%s: %s '%s' is not r,g,b,a", style, name, buf);
            }
            if (strstr(name, "_unit")) {
                attr(o, "value", buf, sizeof buf);
                EXPECT(!strcmp(buf, "MM") || !strcmp(buf, "MapUnit"),
                       "%s: %s '%s' is not MM or MapUnit", style, name, buf);
            }
        }
    }
    EXPECT(layers > 0, "%s: a symbol without layers", style);
}

/* Every QML parses and keeps to the subset of style.h. */
static void test_qml_subset(void **state)
{
    (void)state;
    tu_expect_reset();
    for (size_t i = 0; i < pc_style_count(); i++) {
        const pc_style *s = pc_style_at(i);
        xmlDocPtr doc = parse(s->qml, s->qml_len);
        EXPECT(doc != NULL, "%s: not well-formed XML", s->name);
        if (!doc)
            continue;
        char buf[256];
        xmlNodePtr root = xmlDocGetRootElement(doc);
        EXPECT(is(root, "qgis"), "%s: root is not <qgis>", s->name);
        EXPECT(!strncmp(attr(root, "version", buf, sizeof buf), "3.28", 4),
               "%s: version %s", s->name, buf);
        EXPECT(doc->intSubset && doc->intSubset->SystemID &&
                   !strcmp((const char *)doc->intSubset->ExternalID,
                           "http://mrcc.com/qgis.dtd"),
               "%s: no QGIS DOCTYPE", s->name);
        xmlNodePtr gt = child(root, "layerGeometryType");
        xmlChar *gtext = gt ? xmlNodeGetContent(gt) : NULL;
        const char *type = !gtext ? "?" : gtext[0] == '0' ? "marker"
                         : gtext[0] == '1' ? "line" : "fill";
        xmlFree(gtext);
        xmlNodePtr r = child(root, "renderer-v2");
        attr(r, "type", buf, sizeof buf);
        int categorized = !strcmp(buf, "categorizedSymbol");
        EXPECT(categorized || !strcmp(buf, "singleSymbol"),
               "%s: renderer %s is outside the subset", s->name, buf);
        xmlNodePtr syms = child(r, "symbols");
        int nsym = 0;
        for (xmlNodePtr c = syms ? syms->children : NULL; c; c = c->next)
            if (is(c, "symbol")) {
                check_symbol(s->name, c, type);
                nsym++;
            }
        EXPECT(nsym > 0, "%s: no symbols", s->name);
        if (categorized) {
            EXPECT(attr(r, "attr", buf, sizeof buf)[0], "%s: no attr", s->name);
            int ncat = 0, others = 0;
            for (xmlNodePtr c = child(child(r, "categories"), "category"); c;
                 c = c->next) {
                if (!is(c, "category"))
                    continue;
                ncat++;
                char sym[64], label[256], value[64];
                attr(c, "symbol", sym, sizeof sym);
                attr(c, "label", label, sizeof label);
                attr(c, "value", value, sizeof value);
                others += value[0] == '\0';
                int found = 0;
                for (xmlNodePtr y = syms ? syms->children : NULL; y; y = y->next)
                    found += is(y, "symbol") &&
                             !strcmp(attr(y, "name", buf, sizeof buf), sym);
                EXPECT(found == 1, "%s: category %s names symbol %s %d times",
                       s->name, value, sym, found);
                /* "中文 English": Chinese first, then a space and Latin */
                const char *sp = strchr(label, ' ');
                EXPECT((unsigned char)label[0] >= 0x80 && sp &&
                           ((sp[1] >= 'A' && sp[1] <= 'Z') ||
                            (sp[1] >= 'a' && sp[1] <= 'z')),
                       "%s: label '%s' is not \"中文 English\"", s->name, label);
            }
            EXPECT(ncat == nsym, "%s: %d categories, %d symbols", s->name,
                   ncat, nsym);
            EXPECT(others == 1, "%s: %d catch-all categories", s->name, others);
        }
        xmlNodePtr lab = child(root, "labeling");
        if (lab) {
            EXPECT(!strcmp(attr(lab, "type", buf, sizeof buf), "simple"),
                   "%s: labeling %s", s->name, buf);
            xmlNodePtr ts = child(child(lab, "settings"), "text-style");
            EXPECT(ts && attr(ts, "fieldName", buf, sizeof buf)[0],
                   "%s: labels without fieldName", s->name);
            EXPECT(!strcmp(attr(root, "labelsEnabled", buf, sizeof buf), "1"),
                   "%s: labels not enabled", s->name);
        }
        xmlFreeDoc(doc);
    }
    report();
}

/* ---- what each style draws --------------------------------------------- */

/* The first symbol layer of the symbol a category (value) or the single
 * symbol uses; `nth` picks a later layer. */
static xmlNodePtr symbol_layer(xmlDocPtr doc, const char *value, int nth)
{
    xmlNodePtr r = child(xmlDocGetRootElement(doc), "renderer-v2");
    char buf[256], sym[64] = "0";
    if (value) {
        sym[0] = '\0';
        for (xmlNodePtr c = child(child(r, "categories"), "category"); c;
             c = c->next)
            if (is(c, "category") &&
                !strcmp(attr(c, "value", buf, sizeof buf), value))
                attr(c, "symbol", sym, sizeof sym);
    }
    for (xmlNodePtr y = child(child(r, "symbols"), "symbol"); y; y = y->next)
        if (is(y, "symbol") && !strcmp(attr(y, "name", buf, sizeof buf), sym))
            for (xmlNodePtr l = y->children; l; l = l->next)
                if (is(l, "layer") && nth-- == 0)
                    return l;
    return NULL;
}

static xmlDocPtr style_doc(const char *name)
{
    const pc_style *s = pc_style_get(name);
    assert_non_null(s);
    xmlDocPtr doc = parse(s->qml, s->qml_len);
    assert_non_null(doc);
    return doc;
}

static const char *renderer_attr(xmlDocPtr doc, char *buf, size_t len)
{
    return attr(child(xmlDocGetRootElement(doc), "renderer-v2"), "attr", buf,
                len);
}

static void test_parcels_by_landuse(void **state)
{
    (void)state;
    tu_expect_reset();
    xmlDocPtr doc = style_doc("parcels");
    char buf[256];
    EXPECT(!strcmp(renderer_attr(doc, buf, sizeof buf), "ydyh"), "attr %s", buf);
    /* every class of the 用地用海 table has its category, labelled with
     * its Chinese and English names */
    size_t n = pc_landuse_count();
    assert_true(n > 100);
    xmlNodePtr cats = child(child(xmlDocGetRootElement(doc), "renderer-v2"),
                            "categories");
    for (size_t i = 0; i < n; i++) {
        const pc_landuse_class *c = pc_landuse_at(i);
        char *label = pc_aprintf("%s %s", c->name_zh, c->name_en);
        int found = 0;
        for (xmlNodePtr k = cats->children; k; k = k->next)
            if (is(k, "category") &&
                !strcmp(attr(k, "value", buf, sizeof buf), c->code))
                found += !strcmp(attr(k, "label", buf, sizeof buf), label);
        EXPECT(found == 1, "no category '%s' for %s", label, c->code);
        free(label);
    }
    /* the conventional hues: 居住 yellow, 商业 red, 工业 brown, 绿地 green,
     * 水域 blue */
    static const struct {
        const char *code;
        int hue; /* 0 yellow, 1 red, 2 brown, 3 green, 4 blue */
    } hues[] = {{"07", 0}, {"0701", 0}, {"09", 1}, {"0901", 1},
                {"1001", 2}, {"1401", 3}, {"17", 4}, {"1701", 4}};
    for (size_t i = 0; i < sizeof hues / sizeof hues[0]; i++) {
        int c[4] = {0};
        xmlNodePtr l = symbol_layer(doc, hues[i].code, 0);
        EXPECT(l && parse_rgba(layer_prop(l, "color", buf, sizeof buf), c),
               "%s: no fill colour", hues[i].code);
        int r = c[0], g = c[1], b = c[2], ok = 0;
        switch (hues[i].hue) {
        case 0: ok = r > 200 && g > 200 && b < 120; break;
        case 1: ok = r > 200 && g < 100 && b < 100; break;
        case 2: ok = r > g && g > b && r < 220 && r - b > 40; break;
        case 3: ok = g > r + 60 && g > b + 60; break;
        case 4: ok = b > r + 60 && b >= g; break;
        }
        EXPECT(ok, "%s: colour %d,%d,%d is not the conventional hue",
               hues[i].code, r, g, b);
    }
    xmlFreeDoc(doc);
    report();
}

/* Roads: by class, each over a red-line corridor whose width is the field
 * red_line_m in map units; a centre line on top. */
static void test_roads_corridor(void **state)
{
    (void)state;
    tu_expect_reset();
    xmlDocPtr doc = style_doc("roads");
    char buf[256];
    EXPECT(!strcmp(renderer_attr(doc, buf, sizeof buf), "class"), "attr %s", buf);
    static const char *const classes[] = {"主干路", "城市道路", "铁路", "", NULL};
    for (const char *const *v = classes; *v; v++) {
        xmlNodePtr corridor = symbol_layer(doc, *v, 0);
        xmlNodePtr centre = symbol_layer(doc, *v, 1);
        EXPECT(corridor && centre, "class '%s': not two line layers", *v);
        if (!corridor || !centre)
            continue;
        int c[4];
        EXPECT(!strcmp(layer_prop(corridor, "line_width_unit", buf, sizeof buf),
                       "MapUnit"), "class '%s': corridor unit %s", *v, buf);
        EXPECT(parse_rgba(layer_prop(corridor, "line_color", buf, sizeof buf), c) &&
                   c[0] > 200 && c[1] < 80 && c[2] < 80 && c[3] < 128,
               "class '%s': corridor is not translucent red: %s", *v, buf);
        /* data-defined outlineWidth from the field red_line_m */
        xmlNodePtr props = child(child(child(corridor, "data_defined_properties"),
                                       "Option"), "Option");
        while (props && !(is(props, "Option") &&
                          !strcmp(attr(props, "name", buf, sizeof buf),
                                  "properties")))
            props = props->next;
        xmlNodePtr ow = props ? child(props, "Option") : NULL;
        EXPECT(ow && !strcmp(attr(ow, "name", buf, sizeof buf), "outlineWidth"),
               "class '%s': no data-defined outlineWidth", *v);
        int field = 0, active = 0, type2 = 0;
        for (xmlNodePtr o = ow ? ow->children : NULL; o; o = o->next) {
            char k[64], val[64];
            if (!is(o, "Option"))
                continue;
            attr(o, "name", k, sizeof k);
            attr(o, "value", val, sizeof val);
            field |= !strcmp(k, "field") && !strcmp(val, "red_line_m");
            active |= !strcmp(k, "active") && !strcmp(val, "true");
            type2 |= !strcmp(k, "type") && !strcmp(val, "2");
        }
        EXPECT(field && active && type2,
               "class '%s': outlineWidth is not the active field red_line_m",
               *v);
        EXPECT(!strcmp(layer_prop(centre, "line_width_unit", buf, sizeof buf),
                       "MM"), "class '%s': centre line unit %s", *v, buf);
    }
    xmlFreeDoc(doc);
    report();
}

/* The 三区三线 layers, the boundary and the findings. */
static void test_protected_and_findings(void **state)
{
    (void)state;
    tu_expect_reset();
    char buf[256];
    int c[4];

    xmlDocPtr doc = style_doc("eco_redline");
    int hatch = 0;
    for (int k = 0; k < 4; k++) {
        xmlNodePtr l = symbol_layer(doc, NULL, k);
        if (!l)
            break;
        layer_prop(l, "style", buf, sizeof buf);
        if (strstr("b_diagonal f_diagonal diagonal_x cross horizontal vertical",
                   buf) && buf[0] &&
            parse_rgba(layer_prop(l, "color", buf, sizeof buf), c))
            hatch |= c[1] > c[0] + 60 && c[1] > c[2] + 40;
    }
    EXPECT(hatch, "eco_redline: no green hatch");
    xmlFreeDoc(doc);

    doc = style_doc("farmland");
    xmlNodePtr l = symbol_layer(doc, NULL, 0);
    EXPECT(l && parse_rgba(layer_prop(l, "color", buf, sizeof buf), c) &&
               c[0] > 200 && c[1] > 180 && c[2] < 150 && c[3] > 0,
           "farmland: not yellow: %s", buf);
    xmlFreeDoc(doc);

    doc = style_doc("urban_boundary");
    l = symbol_layer(doc, NULL, 0);
    EXPECT(l && !strcmp(layer_prop(l, "style", buf, sizeof buf), "no"),
           "urban_boundary: filled");
    EXPECT(l && parse_rgba(layer_prop(l, "outline_color", buf, sizeof buf), c) &&
               c[0] > 200 && c[1] < 80 && c[2] < 80 && c[3] == 255,
           "urban_boundary: outline not red: %s", buf);
    xmlFreeDoc(doc);

    doc = style_doc("boundary");
    l = symbol_layer(doc, NULL, 0);
    EXPECT(l && !strcmp(layer_prop(l, "style", buf, sizeof buf), "no"),
           "boundary: filled");
    EXPECT(l && parse_rgba(layer_prop(l, "outline_color", buf, sizeof buf), c) &&
               c[0] < 80 && c[1] < 80 && c[2] < 80,
           "boundary: outline not dark: %s", buf);
    EXPECT(l && atof(layer_prop(l, "outline_width", buf, sizeof buf)) >= 0.8,
           "boundary: outline %s mm is not thick", buf);
    xmlFreeDoc(doc);

    static const char *const findings[] = {"findings", "findings_points",
                                           "findings_lines", NULL};
    static const struct {
        const char *value;
        int r_min, g_max, b_min; /* red, orange, blue */
    } sev[] = {{"error", 200, 80, 0}, {"warning", 200, 200, 0},
               {"info", 0, 255, 150}};
    for (const char *const *f = findings; *f; f++) {
        doc = style_doc(*f);
        EXPECT(!strcmp(renderer_attr(doc, buf, sizeof buf), "severity"),
               "%s: attr %s", *f, buf);
        for (size_t i = 0; i < 3; i++) {
            l = symbol_layer(doc, sev[i].value, 0);
            const char *key = !strcmp(*f, "findings_lines") ? "line_color"
                                                             : "color";
            EXPECT(l && parse_rgba(layer_prop(l, key, buf, sizeof buf), c),
                   "%s: no %s symbol", *f, sev[i].value);
            EXPECT(c[0] >= sev[i].r_min && c[1] <= sev[i].g_max &&
                       c[2] >= sev[i].b_min && c[3] < 255,
                   "%s %s: colour %s not translucent red/orange/blue", *f,
                   sev[i].value, buf);
            if (!strcmp(sev[i].value, "warning"))
                EXPECT(c[1] > 80, "%s warning: %s is not orange", *f, buf);
        }
        xmlFreeDoc(doc);
    }
    report();
}

/* ---- a plan layer's style ---------------------------------------------- */

static void test_for_layer(void **state)
{
    (void)state;
    tu_expect_reset();
    static const struct {
        const char *id, *style;
        pc_geom_class geom;
        const char *want;
    } cases[] = {
        {"parcels", NULL, PC_GEOM_POLYGON, "parcels"},   /* by id */
        {"projects", "parcels", PC_GEOM_POLYGON, "parcels"}, /* by key */
        {"projects", NULL, PC_GEOM_POLYGON, "polygons"}, /* generic */
        {"roads", NULL, PC_GEOM_LINE, "roads"},
        {"roads", NULL, PC_GEOM_POLYGON, "polygons"},   /* id, wrong geometry */
        {"hubs", NULL, PC_GEOM_POINT, "points"},
        {"lines", NULL, PC_GEOM_LINE, "lines"},
        {"x", "roads", PC_GEOM_POINT, "points"},        /* key, wrong geometry */
        {"farmland", "zones", PC_GEOM_POLYGON, "zones"}, /* key before id */
        {"x", NULL, PC_GEOM_MIXED, "polygons"},
        {"x", NULL, PC_GEOM_NONE, "polygons"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pc_plan_layer pl;
        memset(&pl, 0, sizeof pl);
        pl.id = (char *)cases[i].id;
        pl.style = (char *)cases[i].style;
        pc_layer layer;
        memset(&layer, 0, sizeof layer);
        layer.geom_class = cases[i].geom;
        const pc_style *s = pc_style_for_layer(&pl, &layer);
        EXPECT(s && !strcmp(s->name, cases[i].want), "case %zu (%s): %s, "
               "expected %s", i, cases[i].id, s ? s->name : "NULL",
               cases[i].want);
    }
    EXPECT(!strcmp(pc_style_for_layer(NULL, NULL)->name, "polygons"),
           "no layer: not polygons");
    report();
}

/* ---- aliases ------------------------------------------------------------ */

static void test_aliases(void **state)
{
    (void)state;
    tu_expect_reset();
    const pc_style *s = pc_style_get("parcels");
    static const pc_style_alias al[] = {
        {"code", "地块编号", 2},
        {"decl_area", "申报面积", 10},
        {"odd\"<&>'", "单位 <m2 & 亩> \"x\" 'y'", 123},
    };
    char *qml = pc_style_qml_with_aliases(s, al, 3);
    assert_non_null(qml);
    /* the style's text is kept: the QML up to the end tag, then the
     * block, then the end tag */
    const char *end = strstr(s->qml, "</qgis>");
    assert_non_null(end);
    size_t head = (size_t)(end - s->qml);
    EXPECT(!strncmp(qml, s->qml, head), "the QML before the block changed");
    EXPECT(tu_contains(qml + head, "  <aliases>\n"), "no <aliases>");
    EXPECT(!strcmp(qml + strlen(qml) - strlen(end), end), "tail changed");
    xmlDocPtr doc = parse(qml, strlen(qml));
    EXPECT(doc != NULL, "QML with aliases is not well-formed");
    if (doc) {
        xmlNodePtr a = child(child(xmlDocGetRootElement(doc), "aliases"), "alias");
        size_t i = 0;
        for (; a; a = a->next) {
            if (!is(a, "alias"))
                continue;
            char f[128], n[128], idx[16], want_idx[16];
            snprintf(want_idx, sizeof want_idx, "%d", i < 3 ? al[i].index : -1);
            EXPECT(i < 3 && !strcmp(attr(a, "field", f, sizeof f), al[i].field) &&
                       !strcmp(attr(a, "name", n, sizeof n), al[i].alias) &&
                       !strcmp(attr(a, "index", idx, sizeof idx), want_idx),
                   "alias %zu: field '%s' name '%s' index %s", i, f, n, idx);
            i++;
        }
        EXPECT(i == 3, "%zu aliases", i);
        xmlFreeDoc(doc);
    }
    free(qml);
    /* no aliases: the style unchanged */
    qml = pc_style_qml_with_aliases(s, NULL, 0);
    assert_non_null(qml);
    EXPECT(!strcmp(qml, s->qml), "no aliases: QML changed");
    free(qml);
    report();
}

/* ---- the styles, aliases and metadata in a written GeoPackage ------------ */

#define X0 580000.0
#define Y0 3093000.0
#define RUN_UTC "2024-05-01T08:00:00Z"

static const pc_kv run_meta[] = {
    {"tool", "plancheck test"},
    {"libraries", "GDAL x, GEOS y, PROJ z"},
    {"plan_file", "plans/瓯江口.yaml"},
    {"plan_sha256", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"},
    {"working_crs", "EPSG:4549"},
    {"area_method", "ellipsoidal"},
    {"started_utc", RUN_UTC},
    {"input.parcels", "parcels.shp | layer parcels | CRS EPSG:4549 | 2 features"},
    {"note", "a <tag> & \"quotes\" 'too'"},
};
#define NRUN_META (sizeof run_meta / sizeof run_meta[0])

struct gfx {
    pc_ctx *ctx;
    char *dir;
    pc_layer *parcels, *lots, *roads;
    pc_layer_areas areas;
    pc_findings findings;
};

static void add_finding(struct gfx *g, const char *rule, pc_severity sev,
                        const char *wkt)
{
    pc_finding f;
    memset(&f, 0, sizeof f);
    f.rule = (char *)rule;
    f.severity = sev;
    f.layer = (char *)"parcels";
    f.fid = 1;
    f.key = (char *)"A-1";
    f.measured_m2 = f.declared_m2 = f.diff_m2 = f.diff_pct = NAN;
    f.tolerance_m2 = f.declared_value = NAN;
    f.message = (char *)"测试 finding";
    f.geom = wkt ? GEOSGeomFromWKT_r(pc_ctx_geos(g->ctx), wkt) : NULL;
    assert_int_equal(pc_findings_add(g->ctx, &g->findings, &f), PC_OK);
}

static int gpkg_setup(void **state)
{
    struct gfx *g = calloc(1, sizeof *g);
    if (!g || !(g->ctx = pc_ctx_new()) || !(g->dir = tu_mkdtemp("style")))
        return -1;
    pc_ctx_set_quiet(g->ctx, 1);
    g->parcels = tu_layer_new(g->ctx, "parcels", "EPSG:4549");
    size_t code = tu_layer_add_field(g->parcels, "code", PC_FIELD_TEXT);
    size_t area = tu_layer_add_field(g->parcels, "decl_area", PC_FIELD_REAL);
    char *w0 = tu_square_wkt(X0, Y0, 100, 0), *w1 = tu_square_wkt(X0 + 300, Y0, 50, 0);
    pc_feature *f = tu_layer_add_feature(g->ctx, g->parcels, 1, w0);
    tu_set_text(f, code, "A-1");
    tu_set_real(f, area, 15);
    f = tu_layer_add_feature(g->ctx, g->parcels, 2, w1);
    tu_set_text(f, code, "A-2");
    pc_layer_update_extent(g->ctx, g->parcels);
    if (pc_measure_layer(g->ctx, g->parcels, PC_MEASURE_BOTH, NULL, NULL,
                         &g->areas) != PC_OK)
        return -1;
    g->lots = tu_layer_new(g->ctx, "lots", "EPSG:4549");
    tu_layer_add_field(g->lots, "name", PC_FIELD_TEXT);
    tu_layer_add_feature(g->ctx, g->lots, 7, w1);
    pc_layer_update_extent(g->ctx, g->lots);
    g->roads = tu_layer_new(g->ctx, "roads", "EPSG:4549");
    free(g->roads->geom_type);
    g->roads->geom_type = pc_strdup("Line String");
    g->roads->geom_class = PC_GEOM_LINE;
    size_t red = tu_layer_add_field(g->roads, "red_line_m", PC_FIELD_REAL);
    char *line = pc_aprintf("LINESTRING(%f %f,%f %f)", X0, Y0 - 50, X0 + 400,
                            Y0 - 50);
    f = tu_layer_add_feature(g->ctx, g->roads, 3, line);
    tu_set_real(f, red, 40);
    pc_layer_update_extent(g->ctx, g->roads);
    free(w0);
    free(w1);
    free(line);
    add_finding(g, "area.declared", PC_SEV_ERROR, NULL);
    char *pt = pc_aprintf("POINT(%f %f)", X0 + 10, Y0 + 10);
    add_finding(g, "validity.self_intersection", PC_SEV_WARNING, pt);
    free(pt);
    if (pc_findings_finish(g->ctx, &g->findings) != PC_OK)
        return -1;
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    *state = g;
    return 0;
}

static int gpkg_teardown(void **state)
{
    struct gfx *g = *state;
    if (!g)
        return 0;
    pc_findings_clear(g->ctx, &g->findings);
    pc_layer_areas_clear(&g->areas);
    pc_layer_free(g->ctx, g->parcels);
    pc_layer_free(g->ctx, g->lots);
    pc_layer_free(g->ctx, g->roads);
    pc_ctx_free(g->ctx);
    tu_rm_rf(g->dir);
    free(g->dir);
    free(g);
    CPLPopErrorHandler();
    GDALDestroyDriverManager();
    OGRCleanupAll();
    return 0;
}

/* A file's text, NUL-terminated; NULL when it cannot be read. */
static char *read_text(const char *path)
{
    size_t len = 0;
    unsigned char *bytes = tu_read_file(path, &len);
    char *text = bytes ? realloc(bytes, len + 1) : NULL;
    if (!text) {
        free(bytes);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

/* The first column of the first row of `sql` (sqlite3_mprintf's format,
 * with %Q for quoted text), malloc'ed; NULL when there is no row or the
 * value is NULL. */
static char *sql_text(sqlite3 *db, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("SQL %s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = pc_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return out;
}

static long sql_long(sqlite3 *db, const char *sql)
{
    char *t = sql_text(db, "%s", sql);
    long v = t ? atol(t) : -1;
    free(t);
    return v;
}

/* The columns of a table as "name type notnull default pk" lines. */
static char *table_info(sqlite3 *db, const char *table)
{
    return sql_text(db, "SELECT group_concat(name || ' ' || type || ' ' || "
                    "\"notnull\" || ' ' || ifnull(dflt_value, '-') || ' ' || pk, "
                    "char(10)) FROM pragma_table_info(%Q)", table);
}

/* A GeoPackage with the table layer_styles made by QGIS's own sequence of
 * OGR calls (QgsOgrProviderMetadata::saveStyle in QGIS's
 * src/core/providers/ogr/qgsogrprovidermetadata.cpp), to compare with. */
static void make_qgis_reference(const char *path)
{
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    char **options = CSLSetNameValue(NULL, "FID", "id");
    OGRLayerH l = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone,
                                         options);
    CSLDestroy(options);
    assert_non_null(l);
    static const struct {
        const char *name;
        OGRFieldType type;
        int width;
    } f[] = {{"f_table_catalog", OFTString, 256},
             {"f_table_schema", OFTString, 256},
             {"f_table_name", OFTString, 256},
             {"f_geometry_column", OFTString, 256},
             {"styleName", OFTString, 30},
             {"styleQML", OFTString, 0},
             {"styleSLD", OFTString, 0},
             {"useAsDefault", OFTInteger, -1},
             {"description", OFTString, 0},
             {"owner", OFTString, 30},
             {"ui", OFTString, 30},
             {"update_time", OFTDateTime, -2}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(f[i].name, f[i].type);
        if (f[i].width > 0)
            OGR_Fld_SetWidth(fd, f[i].width);
        if (f[i].width == -1)
            OGR_Fld_SetSubType(fd, OFSTBoolean);
        if (f[i].width == -2)
            OGR_Fld_SetDefault(fd, "CURRENT_TIMESTAMP");
        assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
        OGR_Fld_Destroy(fd);
    }
    GDALClose(ds);
}

/* QGIS's query for a layer's metadata (QgsOgrProvider::loadMetadata in
 * QGIS's src/core/providers/ogr/qgsogrprovider.cpp): the first row. */
static char *qgis_metadata(sqlite3 *db, const char *table)
{
    return sql_text(db, "SELECT metadata from gpkg_metadata LEFT JOIN "
                    "gpkg_metadata_reference ON "
                    "(gpkg_metadata_reference.table_name = %Q AND "
                    "gpkg_metadata.id = gpkg_metadata_reference.md_file_id) "
                    "WHERE md_standard_uri = %Q and reference_scope = %Q",
                    table, "http://mrcc.com/qgis.dtd", "table");
}

/* Text of the first element `name` under the root, "" if none. */
static char *root_text(xmlDocPtr doc, const char *name)
{
    xmlNodePtr n = child(xmlDocGetRootElement(doc), name);
    xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
    char *out = pc_strdup(t ? (const char *)t : "");
    xmlFree(t);
    return out;
}

static const struct {
    const char *table, *style, *identifier;
} written[] = {
    {"findings", "findings", "检查结果"},
    {"findings_points", "findings_points", "检查结果（点）"},
    {"parcels", "parcels", "地块"},
    {"lots", "polygons", "地块 (lots)"}, /* the same title, made unique */
    {"roads", "roads", "roads"},
    {"plancheck_run", "table", "运行信息"},
};
#define NWRITTEN (sizeof written / sizeof written[0])

/* Checks the styles of one table: its row, its QML (the style file with
 * the alias block), and that each alias names a column of the table with
 * QGIS's field index. */
static void check_style_row(sqlite3 *db, const char *table, const char *style,
                            const pc_kv *want, size_t nwant)
{
    char *n = sql_text(db, "SELECT count(*) FROM layer_styles WHERE "
                       "f_table_name = %Q", table);
    EXPECT(n && !strcmp(n, "1"), "%s: %s style rows", table, n ? n : "no");
    free(n);
    char *row = sql_text(db, "SELECT f_table_catalog || '|' || "
                         "f_table_schema || '|' || f_geometry_column || '|' "
                         "|| styleName || '|' || useAsDefault || '|' || "
                         "styleSLD || '|' || owner || '|' || "
                         "ifnull(ui, 'NULL') || '|' || update_time FROM "
                         "layer_styles WHERE f_table_name = %Q", table);
    char *geom = sql_text(db, "SELECT column_name FROM gpkg_geometry_columns "
                          "WHERE table_name = %Q", table);
    char *want_row = pc_aprintf("||%s|%s|1|||NULL|%.19s.000Z",
                                geom ? geom : "", style, RUN_UTC);
    EXPECT(row && !strcmp(row, want_row), "%s: row %s, expected %s",
           table, row ? row : "(none)", want_row);
    free(row);
    free(want_row);
    free(geom);

    char *qml = sql_text(db, "SELECT styleQML FROM layer_styles WHERE "
                         "f_table_name = %Q", table);
    if (!qml) {
        EXPECT(0, "%s: no styleQML", table);
        return;
    }
    /* the style file's text, the alias block inserted before </qgis> */
    if (strcmp(style, "table") != 0) {
        char *path = pc_aprintf("%s/maps/styles/%s.qml", PC_SOURCE_DIR, style);
        char *file = read_text(path);
        const char *end = file ? strstr(file, "</qgis>") : NULL;
        const char *qend = strstr(qml, "  </aliases>\n</qgis>");
        EXPECT(end && qend && !strncmp(qml, file, (size_t)(end - file)) &&
                   !strncmp(qml + (end - file), "  <aliases>\n", 12) &&
                   !strcmp(qend + 13, end),
               "%s: styleQML is not %s with an alias block", table, path);
        free(file);
        free(path);
    }
    xmlDocPtr doc = parse(qml, strlen(qml));
    EXPECT(doc != NULL, "%s: styleQML is not well-formed XML", table);
    if (doc) {
        size_t seen = 0;
        for (xmlNodePtr a = child(child(xmlDocGetRootElement(doc), "aliases"),
                                  "alias");
             a; a = a->next) {
            if (!is(a, "alias"))
                continue;
            char field[128], name[256], idx[16];
            attr(a, "field", field, sizeof field);
            attr(a, "name", name, sizeof name);
            attr(a, "index", idx, sizeof idx);
            /* QGIS numbers a GeoPackage's fields from the FID column, the
             * geometry column is not one */
            char *cid = sql_text(db, "SELECT count(*) FROM pragma_table_info"
                                 "(%Q) WHERE cid < (SELECT cid FROM "
                                 "pragma_table_info(%Q) WHERE name = %Q) AND "
                                 "name NOT IN (SELECT column_name FROM "
                                 "gpkg_geometry_columns WHERE table_name = "
                                 "%Q)", table, table, field, table);
            EXPECT(cid && !strcmp(cid, idx), "%s: alias of %s has index %s, "
                   "the column is %s", table, field, idx, cid ? cid : "absent");
            free(cid);
            int expected = 0;
            for (size_t k = 0; k < nwant; k++)
                if (!strcmp(want[k].key, field)) {
                    expected = 1;
                    EXPECT(!strcmp(want[k].value, name), "%s.%s: alias %s, "
                           "expected %s", table, field, name, want[k].value);
                }
            EXPECT(expected || (unsigned char)name[0] >= 0x80,
                   "%s.%s: alias '%s' is not Chinese", table, field, name);
            seen++;
        }
        EXPECT(seen >= nwant, "%s: %zu aliases, expected at least %zu", table,
               seen, nwant);
        xmlFreeDoc(doc);
    }
    free(qml);
}

static void test_gpkg_styles(void **state)
{
    struct gfx *g = *state;
    tu_expect_reset();
    static const pc_kv parcel_aliases[] = {
        {"code", "地块编号"}, {"decl_area", "申报面积"}, {"ghost", "无此字段"}};
    pc_out_layer out[] = {
        {.layer = g->parcels, .areas = &g->areas, .title = "地块",
         .description = "控规地块 (parcels)", .style = pc_style_get("parcels"),
         .aliases = parcel_aliases, .naliases = 3},
        {.layer = g->lots, .title = "地块"},
        {.layer = g->roads, .style = pc_style_get("roads")},
    };
    char *path = tu_path(g->dir, "out.gpkg");
    pc_write_opts o;
    memset(&o, 0, sizeof o);
    o.path = path;
    o.crs = g->parcels->crs;
    o.run_utc = RUN_UTC;
    pc_status st = pc_write_gpkg(g->ctx, &o, out, 3, &g->findings, run_meta,
                                 NRUN_META);
    if (st != PC_OK)
        fail_msg("write: %s", pc_ctx_error(g->ctx));

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    char *ok = sql_text(db, "PRAGMA integrity_check");
    EXPECT(ok && !strcmp(ok, "ok"), "integrity_check: %s", ok);
    free(ok);
    EXPECT(sql_long(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0,
           "foreign keys broken");

    /* layer_styles: QGIS's columns and types, registered as attributes */
    char *ref_path = tu_path(g->dir, "qgis.gpkg");
    make_qgis_reference(ref_path);
    sqlite3 *ref = NULL;
    assert_int_equal(sqlite3_open_v2(ref_path, &ref, SQLITE_OPEN_READONLY,
                                     NULL), SQLITE_OK);
    char *a = table_info(db, "layer_styles"), *b = table_info(ref, "layer_styles");
    EXPECT(a && b && !strcmp(a, b), "layer_styles columns differ from "
           "QGIS's:\n%s\nvs\n%s", a ? a : "", b ? b : "");
    free(a);
    free(b);
    a = sql_text(db, "SELECT data_type FROM gpkg_contents WHERE table_name = "
                 "'layer_styles'");
    b = sql_text(ref, "SELECT data_type FROM gpkg_contents WHERE table_name = "
                 "'layer_styles'");
    EXPECT(a && b && !strcmp(a, "attributes") && !strcmp(a, b),
           "layer_styles registered as %s", a ? a : "nothing");
    free(a);
    free(b);
    sqlite3_close(ref);
    free(ref_path);
    /* QGIS's column names, as its source spells them */
    a = sql_text(db, "SELECT group_concat(name || ':' || type, ',') FROM "
                 "pragma_table_info('layer_styles')");
    EXPECT(a && !strcmp(a, "id:INTEGER,f_table_catalog:TEXT(256),"
                           "f_table_schema:TEXT(256),f_table_name:TEXT(256),"
                           "f_geometry_column:TEXT(256),styleName:TEXT(30),"
                           "styleQML:TEXT,styleSLD:TEXT,useAsDefault:BOOLEAN,"
                           "description:TEXT,owner:TEXT(30),ui:TEXT(30),"
                           "update_time:DATETIME"),
           "layer_styles columns: %s", a ? a : "");
    free(a);

    /* one default style per table written, nothing else */
    EXPECT(sql_long(db, "SELECT count(*) FROM layer_styles") == (long)NWRITTEN,
           "%ld style rows", sql_long(db, "SELECT count(*) FROM layer_styles"));
    EXPECT(sql_long(db, "SELECT count(*) FROM gpkg_contents WHERE table_name "
                    "<> 'layer_styles' AND table_name NOT IN (SELECT "
                    "f_table_name FROM layer_styles)") == 0,
           "a table without a style");
    check_style_row(db, "parcels", "parcels", (const pc_kv[]){
        {"src_fid", "源要素编号"}, {"code", "地块编号"}, {"decl_area", "申报面积"},
        {"area_planar_m2", "平面面积（平方米）"},
        {"area_ellipsoidal_m2", "椭球面积（平方米）"}}, 5);
    check_style_row(db, "lots", "polygons",
                    (const pc_kv[]){{"src_fid", "源要素编号"}}, 1);
    check_style_row(db, "roads", "roads",
                    (const pc_kv[]){{"src_fid", "源要素编号"}}, 1);
    check_style_row(db, "findings", "findings", (const pc_kv[]){
        {"finding_id", "问题编号"}, {"severity", "严重程度"},
        {"message", "说明"}}, 3);
    check_style_row(db, "findings_points", "findings_points", NULL, 0);
    check_style_row(db, "plancheck_run", "table",
                    (const pc_kv[]){{"key", "项目"}, {"value", "内容"}}, 2);
    /* every findings column has its alias */
    long ncols = sql_long(db, "SELECT count(*) FROM pragma_table_info("
                          "'findings') WHERE name NOT IN ('fid', 'geom')");
    char *fq = sql_text(db, "SELECT styleQML FROM layer_styles WHERE "
                        "f_table_name = 'findings'");
    long naliases = 0;
    for (const char *p = fq; p && (p = strstr(p, "<alias ")); p++)
        naliases++;
    EXPECT(ncols == 22 && naliases == ncols, "findings: %ld columns, %ld "
           "aliases", ncols, naliases);
    free(fq);

    /* titles and descriptions in gpkg_contents */
    for (size_t i = 0; i < NWRITTEN; i++) {
        char *id = sql_text(db, "SELECT identifier FROM gpkg_contents WHERE "
                            "table_name = %Q", written[i].table);
        EXPECT(id && !strcmp(id, written[i].identifier), "%s: identifier %s, "
               "expected %s", written[i].table, id ? id : "NULL",
               written[i].identifier);
        free(id);
    }
    a = sql_text(db, "SELECT description FROM gpkg_contents WHERE table_name "
                 "= 'parcels'");
    EXPECT(a && !strcmp(a, "控规地块 (parcels)"), "parcels description %s", a);
    free(a);
    a = sql_text(db, "SELECT description FROM gpkg_contents WHERE table_name "
                 "= 'lots'");
    EXPECT(a && tu_contains(a, "hand-built.gpkg") && tu_contains(a, "EPSG:4549"),
           "lots description %s", a);
    free(a);

    /* QGIS layer metadata: one row per table, found by QGIS's query */
    EXPECT(sql_long(db, "SELECT count(*) FROM gpkg_extensions WHERE "
                    "extension_name = 'gpkg_metadata' AND table_name IN "
                    "('gpkg_metadata', 'gpkg_metadata_reference') AND scope "
                    "= 'read-write'") == 2, "metadata extension not registered");
    EXPECT(sql_long(db, "SELECT count(*) FROM gpkg_metadata WHERE md_scope = "
                    "'dataset' AND md_standard_uri = 'http://mrcc.com/qgis.dtd' "
                    "AND mime_type = 'text/xml'") == (long)NWRITTEN,
           "QGIS metadata rows");
    for (size_t i = 0; i < NWRITTEN; i++) {
        const char *t = written[i].table;
        char *n = sql_text(db, "SELECT count(*) FROM gpkg_metadata_reference r "
                           "JOIN gpkg_metadata m ON m.id = r.md_file_id WHERE "
                           "r.reference_scope = 'table' AND r.table_name = %Q "
                           "AND r.column_name IS NULL AND r.row_id_value IS "
                           "NULL", t);
        EXPECT(n && !strcmp(n, "1"), "%s: %s metadata references", t, n);
        free(n);
        char *xml = qgis_metadata(db, t);
        xmlDocPtr doc = xml ? parse(xml, strlen(xml)) : NULL;
        EXPECT(doc != NULL, "%s: no parsable QGIS metadata", t);
        if (!doc) {
            free(xml);
            continue;
        }
        EXPECT(is(xmlDocGetRootElement(doc), "qgis"), "%s: root", t);
        char *v = root_text(doc, "title");
        EXPECT(!strcmp(v, written[i].identifier), "%s: title %s", t, v);
        free(v);
        v = root_text(doc, "identifier");
        EXPECT(!strcmp(v, t), "%s: identifier %s", t, v);
        free(v);
        v = root_text(doc, "abstract");
        EXPECT(tu_contains(v, run_meta[3].value) &&
                   tu_contains(v, run_meta[2].value) &&
                   tu_contains(v, "EPSG:4549") && tu_contains(v, "ellipsoidal"),
               "%s: abstract lacks the provenance: %s", t, v);
        free(v);
        /* every run entry in the history, in order */
        xmlNodePtr h = child(xmlDocGetRootElement(doc), "history");
        for (size_t k = 0; k < NRUN_META; k++) {
            char *want = pc_aprintf("%s: %s", run_meta[k].key, run_meta[k].value);
            xmlChar *got = h ? xmlNodeGetContent(h) : NULL;
            EXPECT(got && !strcmp((const char *)got, want), "%s: history %zu "
                   "is '%s', expected '%s'", t, k, got ? (char *)got : "",
                   want);
            xmlFree(got);
            free(want);
            do
                h = h ? h->next : NULL;
            while (h && !is(h, "history"));
        }
        xmlNodePtr d = child(child(xmlDocGetRootElement(doc), "dates"), "date");
        char buf[64];
        EXPECT(d && !strcmp(attr(d, "type", buf, sizeof buf), "Created") &&
                   !strcmp(attr(d, "value", buf, sizeof buf), RUN_UTC),
               "%s: no creation date %s", t, RUN_UTC);
        xmlNodePtr srs = child(child(xmlDocGetRootElement(doc), "crs"),
                               "spatialrefsys");
        int spatial = strcmp(t, "plancheck_run") != 0;
        if (spatial) {
            xmlChar *authid = srs ? xmlNodeGetContent(child(srs, "authid")) : NULL;
            xmlChar *wkt = srs ? xmlNodeGetContent(child(srs, "wkt")) : NULL;
            EXPECT(authid && !strcmp((char *)authid, "EPSG:4549") && wkt &&
                       !strncmp((char *)wkt, "PROJCRS[", 8),
                   "%s: CRS not EPSG:4549 with its WKT", t);
            xmlFree(authid);
            xmlFree(wkt);
            /* the extent, against the table's own in gpkg_contents */
            xmlNodePtr sp = child(child(xmlDocGetRootElement(doc), "extent"),
                                  "spatial");
            char *ext = sql_text(db, "SELECT min_x || ' ' || min_y || ' ' || "
                                 "max_x || ' ' || max_y FROM gpkg_contents "
                                 "WHERE table_name = %Q", t);
            double e[4] = {NAN, NAN, NAN, NAN};
            if (ext)
                sscanf(ext, "%lf %lf %lf %lf", &e[0], &e[1], &e[2], &e[3]);
            static const char *const keys[] = {"minx", "miny", "maxx", "maxy"};
            /* a table without geometries has no extent */
            EXPECT(!ext == !sp, "%s: extent %s in gpkg_contents, %s in the "
                   "metadata", t, ext ? "set" : "NULL", sp ? "one" : "none");
            for (int k = 0; sp && ext && k < 4; k++)
                EXPECT(fabs(atof(attr(sp, keys[k], buf, sizeof buf)) - e[k]) <
                           1e-6,
                       "%s: extent %s %s, gpkg_contents %f", t, keys[k], buf,
                       e[k]);
            free(ext);
        } else {
            EXPECT(!srs, "%s: a CRS for an attribute table", t);
        }
        xmlFreeDoc(doc);
        free(xml);
    }
    sqlite3_close(db);

    /* GDAL reads the titles, descriptions and the metadata as the layer's */
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "parcels");
    assert_non_null(l);
    const char *ident = GDALGetMetadataItem(l, "IDENTIFIER", NULL);
    const char *item = GDALGetMetadataItem(l, "GPKG_METADATA_ITEM_1", NULL);
    EXPECT(ident && !strcmp(ident, "地块"), "GDAL: identifier %s", ident);
    EXPECT(item && tu_contains(item, "<title>地块</title>"),
           "GDAL: the QGIS metadata is not the layer's");
    l = GDALDatasetGetLayerByName(ds, "layer_styles");
    EXPECT(l && OGR_L_GetFeatureCount(l, TRUE) == (GIntBig)NWRITTEN,
           "GDAL: layer_styles rows");
    GDALClose(ds);
    free(path);
    report();
}

int main(void)
{
    LIBXML_TEST_VERSION
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_qml_subset),
        cmocka_unit_test(test_parcels_by_landuse),
        cmocka_unit_test(test_roads_corridor),
        cmocka_unit_test(test_protected_and_findings),
        cmocka_unit_test(test_for_layer),
        cmocka_unit_test(test_aliases),
    };
    const struct CMUnitTest gpkg_tests[] = {
        cmocka_unit_test(test_gpkg_styles),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rc |= cmocka_run_group_tests(gpkg_tests, gpkg_setup, gpkg_teardown);
    xmlCleanupParser();
    return rc;
}
