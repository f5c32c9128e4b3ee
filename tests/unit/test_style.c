/* test_style.c: the QGIS styles (style.h): the embedded QML equals the
 * files of maps/styles, every file parses (libxml2) and keeps to the QML
 * subset style.h promises the renderer, each style draws what its name
 * says, a plan layer's style is chosen as documented, and the alias block
 * added for a layer's fields stays well-formed XML. */
#include "testutil.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../../src/style/style_internal.h"
#include "plancheck/landuse.h"
#include "plancheck/plan.h"
#include "plancheck/style.h"

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
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
