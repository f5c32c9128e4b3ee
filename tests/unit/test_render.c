/* test_render.c: maps (render.h) and the QML reader behind them: every
 * built-in style reads and matches its file on disk, QML fixtures read or
 * fail as documented; a rendered PNG has the requested size and shows a
 * feature's style colour where the feature is, the findings on top and a
 * red-line corridor as wide as its field says; the scale bar is a round
 * length measured against a feature of known size; an SVG is XML with the
 * requested size; bad zoom, extent, date and size fail with PC_ERR_USAGE;
 * files are written atomically and never over an input. */
#include "testutil.h"

#include <dirent.h>

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../../src/render/qml.h"
#include "plancheck/render.h"
#include "plancheck/run.h"
#include "plancheck/style.h"

/* ---- QML: the built-in styles --------------------------------------- */

/* Occurrences of `needle` in the first n bytes of `s`. */
static size_t count_in(const char *s, size_t n, const char *needle)
{
    size_t c = 0, len = strlen(needle);
    for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), needle, len));
         p += len)
        c++;
    return c;
}

/* A file's text, NUL-terminated (tu_read_file gives bytes). */
static char *read_text(const char *path)
{
    size_t n = 0;
    unsigned char *b = tu_read_file(path, &n);
    char *t = b ? realloc(b, n + 1) : NULL;
    if (!t) {
        free(b);
        return NULL;
    }
    t[n] = '\0';
    return t;
}

static void test_qml_builtin(void **state)
{
    (void)state;
    pc_ctx *ctx = pc_ctx_new();
    assert_non_null(ctx);
    tu_expect_reset();
    EXPECT(pc_style_count() >= 13, "only %zu styles", pc_style_count());
    for (size_t i = 0; i < pc_style_count(); i++) {
        const pc_style *s = pc_style_at(i);
        pc_qml *q = NULL;
        pc_status st = pc_qml_read(ctx, s->name, s->qml, s->qml_len, &q);
        EXPECT(st == PC_OK, "%s: %s", s->name, pc_ctx_error(ctx));
        if (st != PC_OK)
            continue;
        /* against the file on disk, counted without an XML parser */
        char path[512];
        snprintf(path, sizeof path, "%s/maps/styles/%s.qml", PC_SOURCE_DIR,
                 s->name);
        char *text = read_text(path);
        EXPECT(text != NULL, "%s: cannot read", path);
        if (text) {
            const char *end = strstr(text, "</categories>");
            size_t ncat = end ? count_in(text, (size_t)(end - text), "<category ")
                              : 0;
            EXPECT(q->ncats == ncat, "%s: %zu categories read, the file has %zu",
                   s->name, q->ncats, ncat);
            EXPECT(!strstr(text, "categorizedSymbol") == !q->attr,
                   "%s: categorized without attr, or the reverse", s->name);
            EXPECT(q->labels.enabled ==
                       (strstr(text, "labelsEnabled=\"1\"") != NULL),
                   "%s: labels %d", s->name, q->labels.enabled);
        }
        free(text);
        EXPECT(q->nsymbols >= 1, "%s: no symbol", s->name);
        for (size_t k = 0; k < q->ncats; k++)
            EXPECT(q->cats[k].symbol < q->nsymbols, "%s: category %zu",
                   s->name, k);
        for (size_t k = 0; k < q->nsymbols; k++) {
            EXPECT(q->symbols[k].nlayers >= 1, "%s: symbol %zu is empty",
                   s->name, k);
            pc_qml_symbol_type want = s->geom == PC_GEOM_POINT ? PC_SYMBOL_MARKER
                                      : s->geom == PC_GEOM_LINE ? PC_SYMBOL_LINE
                                                                : PC_SYMBOL_FILL;
            EXPECT(q->symbols[k].type == want, "%s: symbol %zu type %d, the "
                   "style draws geometry %d", s->name, k,
                   (int)q->symbols[k].type, (int)s->geom);
        }
        pc_qml_free(q);
    }
    /* what the renderer relies on: red lines from a field in metres,
     * findings by severity in different colours */
    const pc_style *roads = pc_style_get("roads");
    pc_qml *q = NULL;
    assert_int_equal(pc_qml_read(ctx, "roads", roads->qml, roads->qml_len, &q),
                     PC_OK);
    int ddw = 0;
    for (size_t k = 0; k < q->nsymbols; k++)
        for (size_t j = 0; j < q->symbols[k].nlayers; j++) {
            const pc_qml_sublayer *sl = &q->symbols[k].layers[j];
            ddw += sl->width_field && !strcmp(sl->width_field, "red_line_m") &&
                   sl->stroke_unit == PC_QML_MAPUNIT;
        }
    EXPECT(ddw >= 1, "roads: no red-line width from red_line_m in map units");
    pc_qml_free(q);
    const pc_style *fs = pc_style_get("findings");
    assert_int_equal(pc_qml_read(ctx, "findings", fs->qml, fs->qml_len, &q),
                     PC_OK);
    const pc_qml_symbol *e = pc_qml_symbol_for(q, "error");
    const pc_qml_symbol *w = pc_qml_symbol_for(q, "warning");
    EXPECT(e && w && e != w, "findings: error and warning drawn alike");
    if (e && w)
        EXPECT(memcmp(&e->layers[0].stroke, &w->layers[0].stroke,
                      sizeof(pc_rgba)) != 0,
               "findings: error and warning in one colour");
    pc_qml_free(q);
    pc_ctx_free(ctx);
    report();
}

/* ---- QML: fixtures ---------------------------------------------------- */

#define QGIS_HEAD "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28\">\n"

static const char fx_hatch[] = QGIS_HEAD
    "<renderer-v2 type=\"singleSymbol\"><symbols>\n"
    "<symbol type=\"fill\" name=\"0\" alpha=\"0.5\">\n"
    "<layer class=\"SimpleFill\" enabled=\"1\"><Option type=\"Map\">\n"
    "<Option name=\"color\" value=\"0,128,255,255\" type=\"QString\"/>\n"
    "<Option name=\"style\" value=\"b_diagonal\" type=\"QString\"/>\n"
    "<Option name=\"outline_style\" value=\"dash\" type=\"QString\"/>\n"
    "<Option name=\"outline_width\" value=\"0.5\" type=\"QString\"/>\n"
    "<Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n"
    "</Option></layer>\n"
    "<layer class=\"GradientFill\" enabled=\"1\"/>\n" /* outside the subset */
    "<layer class=\"SimpleLine\" enabled=\"0\"/>\n"   /* disabled */
    "</symbol></symbols></renderer-v2></qgis>\n";

/* QGIS before 3.26 wrote <prop k= v=>; colours also as #rrggbb */
static const char fx_props[] = QGIS_HEAD
    "<renderer-v2 type=\"categorizedSymbol\" attr=\"width\"><categories>\n"
    "<category value=\"36\" symbol=\"a\" label=\"宽 Wide\" render=\"true\"/>\n"
    "<category value=\"\" symbol=\"b\" label=\"其他 Other\" render=\"true\"/>\n"
    "<category value=\"7\" symbol=\"b\" label=\"hidden\" render=\"false\"/>\n"
    "</categories><symbols>\n"
    "<symbol type=\"line\" name=\"b\"><layer class=\"SimpleLine\">\n"
    "<prop k=\"line_color\" v=\"#ff000080\"/><prop k=\"line_width\" v=\"2\"/>\n"
    "<prop k=\"line_width_unit\" v=\"Pixel\"/></layer></symbol>\n"
    "<symbol type=\"line\" name=\"a\"><layer class=\"SimpleLine\">\n"
    "<Option type=\"Map\"><Option name=\"line_color\" value=\"1,2,3,255,rgb:0,0,0,1\"/>\n"
    "<Option name=\"capstyle\" value=\"flat\"/></Option>\n"
    "<data_defined_properties><Option type=\"Map\"><Option name=\"properties\" type=\"Map\">\n"
    "<Option name=\"outlineWidth\" type=\"Map\"><Option name=\"active\" value=\"true\"/>\n"
    "<Option name=\"expression\" value=\"&quot;red_line_m&quot;\"/>\n"
    "<Option name=\"type\" value=\"3\"/></Option></Option></Option>\n"
    "</data_defined_properties></layer></symbol>\n"
    "</symbols></renderer-v2>\n"
    "<labeling type=\"simple\"><settings><text-style fieldName=\"name\" fontSize=\"9\""
    " textColor=\"10,20,30,255\"><text-buffer bufferDraw=\"1\" bufferSize=\"1.5\""
    " bufferColor=\"255,255,255,255\" bufferOpacity=\"0.5\"/></text-style></settings>"
    "</labeling></qgis>\n";

static void test_qml_fixtures(void **state)
{
    (void)state;
    pc_ctx *ctx = pc_ctx_new();
    assert_non_null(ctx);
    pc_qml *q = NULL;
    assert_int_equal(pc_qml_read(ctx, "hatch", fx_hatch, strlen(fx_hatch), &q),
                     PC_OK);
    assert_null(q->attr);
    assert_int_equal(q->nsymbols, 1);
    assert_int_equal(q->symbols[0].nlayers, 1); /* only the SimpleFill */
    const pc_qml_sublayer *sl = &q->symbols[0].layers[0];
    assert_int_equal(sl->brush, PC_BRUSH_BDIAGONAL);
    assert_int_equal(sl->pen, PC_PEN_DASH);
    assert_near(sl->fill.g, 128 / 255.0, 1e-9);
    assert_near(sl->stroke_width, 0.5, 1e-12);
    assert_near(q->symbols[0].opacity, 0.5, 1e-12);
    assert_ptr_equal(pc_qml_symbol_for(q, "anything"), &q->symbols[0]);
    assert_ptr_equal(pc_qml_symbol_for(q, NULL), &q->symbols[0]);
    assert_int_equal(q->labels.enabled, 0);
    pc_qml_free(q);

    assert_int_equal(pc_qml_read(ctx, "props", fx_props, strlen(fx_props), &q),
                     PC_OK);
    assert_string_equal(q->attr, "width");
    assert_int_equal(q->ncats, 3);
    /* categories name symbols by name, in any order */
    const pc_qml_symbol *wide = pc_qml_symbol_for(q, "36.0"); /* same number */
    const pc_qml_symbol *other = pc_qml_symbol_for(q, "12");
    assert_non_null(wide);
    assert_non_null(other);
    assert_ptr_equal(pc_qml_symbol_for(q, NULL), other); /* NULL: "" */
    assert_null(pc_qml_symbol_for(q, "7"));               /* render=false */
    assert_string_equal(pc_qml_category_for(q, "36")->label, "宽 Wide");
    assert_near(wide->layers[0].stroke.b, 3 / 255.0, 1e-9);
    assert_string_equal(wide->layers[0].width_field, "red_line_m");
    assert_int_equal(wide->layers[0].cap, PC_CAP_FLAT);
    assert_near(other->layers[0].stroke.r, 1, 1e-9);
    assert_near(other->layers[0].stroke.a, 128 / 255.0, 1e-9);
    assert_int_equal(other->layers[0].stroke_unit, PC_QML_PIXEL);
    assert_near(other->layers[0].stroke_width, 2, 1e-12);
    assert_int_equal(q->labels.enabled, 1);
    assert_string_equal(q->labels.field, "name");
    assert_near(q->labels.size_pt, 9, 1e-12);
    assert_int_equal(q->labels.buffer, 1);
    assert_near(q->labels.buffer_mm, 1.5, 1e-12);
    assert_near(q->labels.buffer_color.a, 0.5, 1e-9);
    pc_qml_free(q);

    /* failures: status and what the message names */
    static const struct {
        const char *qml, *want;
    } bad[] = {
        {"<qgis><renderer-v2", "not XML"},
        {"<qgis/>", "no <qgis><renderer-v2>"},
        {"<other><renderer-v2 type=\"singleSymbol\"/></other>", "not a QGIS"},
        {QGIS_HEAD "<renderer-v2 type=\"graduatedSymbol\"/></qgis>",
         "graduatedSymbol"},
        {QGIS_HEAD "<renderer-v2 type=\"singleSymbol\"><symbols/></renderer-v2></qgis>",
         "no symbols"},
        {QGIS_HEAD "<renderer-v2 type=\"categorizedSymbol\" attr=\"a\"><categories>"
         "<category value=\"x\" symbol=\"9\"/></categories><symbols><symbol "
         "type=\"fill\" name=\"0\"/></symbols></renderer-v2></qgis>",
         "symbol '9'"},
        {QGIS_HEAD "<renderer-v2 type=\"categorizedSymbol\"><symbols><symbol "
         "type=\"fill\" name=\"0\"/></symbols></renderer-v2></qgis>",
         "without attr"},
        {QGIS_HEAD "<renderer-v2 type=\"singleSymbol\"><symbols><symbol "
         "type=\"raster\" name=\"0\"/></symbols></renderer-v2></qgis>",
         "symbol type 'raster'"},
        {QGIS_HEAD "<renderer-v2 type=\"singleSymbol\"><symbols><symbol "
         "type=\"fill\" name=\"0\"><layer class=\"SimpleFill\"><Option type=\"Map\">"
         "<Option name=\"color\" value=\"red\"/></Option></layer></symbol>"
         "</symbols></renderer-v2></qgis>",
         "color 'red'"},
        {QGIS_HEAD "<renderer-v2 type=\"singleSymbol\"><symbols><symbol "
         "type=\"line\" name=\"0\"><layer class=\"SimpleLine\"><Option type=\"Map\">"
         "<Option name=\"line_width_unit\" value=\"Furlong\"/></Option></layer>"
         "</symbol></symbols></renderer-v2></qgis>",
         "'Furlong' is no unit"},
    };
    tu_expect_reset();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        q = NULL;
        pc_status st = pc_qml_read(ctx, "fixture", bad[i].qml,
                                   strlen(bad[i].qml), &q);
        EXPECT(st == PC_ERR_INPUT, "case %zu: status %d", i, (int)st);
        EXPECT(q == NULL, "case %zu: result kept", i);
        EXPECT(tu_contains(pc_ctx_error(ctx), bad[i].want) &&
                   tu_contains(pc_ctx_error(ctx), "style fixture"),
               "case %zu: message '%s' lacks '%s'", i, pc_ctx_error(ctx),
               bad[i].want);
        EXPECT(!strchr(pc_ctx_error(ctx), '\n'), "case %zu: message of "
               "several lines", i);
        pc_qml_free(q);
    }
    pc_ctx_free(ctx);
    report();
}

/* ---- rendering -------------------------------------------------------- */

/* A small plan in EPSG:4549: two farmland squares of 1 km (A declared as
 * 1 公顷: an area.declared error on it; B without a figure), a road with a
 * 200 m red line, and a zone figure naming a zone the layer lacks (a
 * finding without geometry). */
struct fx {
    char *dir;
    pc_ctx *ctx;
    pc_run_result r;
};

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = tu_mkdtemp("render")) || !(f->ctx = pc_ctx_new()))
        return -1;
    pc_ctx_set_quiet(f->ctx, 1);
    char p[1024];
    tu_write_text(tu_pathbuf(p, sizeof p, f->dir, "farm.geojson"),
        "{\"type\":\"FeatureCollection\",\n"
        "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n"
        "\"features\":[\n"
        "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"area\":1,\"unit\":\"公顷\"},\n"
        " \"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[580000,3093000],[581000,3093000],[581000,3094000],[580000,3094000],[580000,3093000]]]}},\n"
        "{\"type\":\"Feature\",\"properties\":{\"code\":\"B\",\"area\":null,\"unit\":null},\n"
        " \"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[581500,3093000],[582500,3093000],[582500,3094000],[581500,3094000],[581500,3093000]]]}}\n"
        "]}\n");
    tu_write_text(tu_pathbuf(p, sizeof p, f->dir, "roads.geojson"),
        "{\"type\":\"FeatureCollection\",\n"
        "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n"
        "\"features\":[\n"
        "{\"type\":\"Feature\",\"properties\":{\"code\":\"R1\",\"class\":\"主干路\",\"red_line_m\":200},\n"
        " \"geometry\":{\"type\":\"LineString\",\"coordinates\":[[579500,3095000],[583000,3095000]]}}\n"
        "]}\n");
    const char *plan =
        "plancheck: 1\n"
        "name: 测试 render\n"
        "crs: EPSG:4549\n"
        "area_method: planar\n"
        "rules:\n"
        "  figures: {}\n"
        "figures:\n"
        "  layer: farm\n"
        "  zones:\n"
        "    ZX: {area: 1 平方公里}\n"
        "layers:\n"
        "  farm:\n"
        "    source: farm.geojson\n"
        "    key: code\n"
        "    style: farmland\n"
        "    title: 农田\n"
        "    declared_area: {field: area, unit_field: unit}\n"
        "  roads:\n"
        "    source: roads.geojson\n"
        "    key: code\n"
        "    style: roads\n";
    tu_write_text(tu_pathbuf(p, sizeof p, f->dir, "plan.yaml"), plan);
    tu_write_text(tu_pathbuf(p, sizeof p, f->dir, "plan.png"), plan);
    pc_run_opts o;
    memset(&o, 0, sizeof o);
    o.plan_path = tu_pathbuf(p, sizeof p, f->dir, "plan.yaml");
    o.keep_layers = 1;
    o.no_output = 1;
    if (pc_run(f->ctx, &o, &f->r) != PC_OK) {
        fprintf(stderr, "setup: %s\n", pc_ctx_error(f->ctx));
        return -1;
    }
    tu_expect_reset();
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    if (!f)
        return 0;
    pc_run_result_clear(f->ctx, &f->r);
    pc_ctx_free(f->ctx);
    tu_rm_rf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* PNG bytes read back by Cairo. */
struct reader {
    const unsigned char *p;
    size_t n, at;
};

static cairo_status_t read_mem(void *closure, unsigned char *data,
                               unsigned int len)
{
    struct reader *r = closure;
    if (r->n - r->at < len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p + r->at, len);
    r->at += len;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *png_decode(const unsigned char *buf, size_t len)
{
    struct reader rd = {buf, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_mem, &rd);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(s);
    return s;
}

/* The pixel at (x, y) as 0..255 channels. */
static void pixel(cairo_surface_t *s, int x, int y, int rgb[3])
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    uint32_t v;
    memcpy(&v, d + (size_t)y * (size_t)cairo_image_surface_get_stride(s) +
                   (size_t)x * 4, 4);
    rgb[0] = (int)(v >> 16 & 255), rgb[1] = (int)(v >> 8 & 255),
    rgb[2] = (int)(v & 255);
}

/* c over (r, g, b) in 0..255, as a renderer composites a translucent fill. */
static void over(pc_rgba c, double opacity, double rgb[3])
{
    double a = c.a * opacity;
    rgb[0] = c.r * 255 * a + rgb[0] * (1 - a);
    rgb[1] = c.g * 255 * a + rgb[1] * (1 - a);
    rgb[2] = c.b * 255 * a + rgb[2] * (1 - a);
}

#define EXPECT_RGB(s, x, y, want, what)                                      \
    do {                                                                     \
        int got_[3];                                                         \
        pixel((s), (x), (y), got_);                                          \
        EXPECT(fabs(got_[0] - (want)[0]) <= 3 && fabs(got_[1] - (want)[1]) <= 3 && \
                   fabs(got_[2] - (want)[2]) <= 3,                           \
               "%s at (%d, %d): %d,%d,%d, expected %.0f,%.0f,%.0f", what,    \
               (x), (y), got_[0], got_[1], got_[2], (want)[0], (want)[1],    \
               (want)[2]);                                                   \
    } while (0)

/* The first fill (or stroke) colour of a built-in style's symbol for
 * `value`, and the symbol's opacity. */
static pc_rgba style_colour(pc_ctx *ctx, const char *style, const char *value,
                            int stroke, double *opacity)
{
    const pc_style *s = pc_style_get(style);
    assert_non_null(s);
    pc_qml *q = NULL;
    assert_int_equal(pc_qml_read(ctx, style, s->qml, s->qml_len, &q), PC_OK);
    const pc_qml_symbol *sym = pc_qml_symbol_for(q, value);
    assert_non_null(sym);
    pc_rgba c = stroke ? sym->layers[0].stroke : sym->layers[0].fill;
    *opacity = sym->opacity;
    pc_qml_free(q);
    return c;
}

/* A plain map of a chosen extent: every ground position has a known
 * pixel, so each colour is checked where the feature is. */
static void test_png_colours(void **state)
{
    struct fx *f = *state;
    pc_render_opts o;
    memset(&o, 0, sizeof o);
    o.width = 602, o.height = 402, o.plain = 1; /* map area 600 x 400 */
    o.has_extent = 1;
    const double ext[4] = {579000, 3092500, 583500, 3095500}; /* 4.5 x 3 km */
    memcpy(o.extent, ext, sizeof ext);
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(pc_render_mem(f->ctx, &f->r, &o, PC_RENDER_PNG, &buf, &len),
                     PC_OK);
    assert_true(len > 8 && !memcmp(buf, "\x89PNG", 4));
    cairo_surface_t *s = png_decode(buf, len);
    assert_int_equal(cairo_image_surface_get_width(s), 602);
    assert_int_equal(cairo_image_surface_get_height(s), 402);
    const double scale = 600 / 4500.0; /* pixels per metre */
#define PX(x) ((int)lround(1 + ((x) - ext[0]) * scale))
#define PY(y) ((int)lround(1 + (ext[3] - (y)) * scale))
    double bg[3] = {0.97 * 255, 0.975 * 255, 0.98 * 255};
    EXPECT_RGB(s, PX(579200), PY(3092700), bg, "empty ground");
    double op;
    pc_rgba c;
    /* B: farmland over the ground */
    double farm[3] = {bg[0], bg[1], bg[2]};
    c = style_colour(f->ctx, "farmland", NULL, 0, &op);
    over(c, op, farm);
    EXPECT_RGB(s, PX(582000), PY(3093500), farm, "farmland B");
    /* A: the error finding's fill over the farmland */
    double err[3] = {farm[0], farm[1], farm[2]};
    c = style_colour(f->ctx, "findings", "error", 0, &op);
    over(c, op, err);
    EXPECT_RGB(s, PX(580500), PY(3093500), err, "finding on A");
    /* the road's red line: 200 m wide (its field), in map units: 80 m off
     * the centre line inside, 130 m off outside */
    double red[3] = {bg[0], bg[1], bg[2]};
    c = style_colour(f->ctx, "roads", "主干路", 1, &op);
    over(c, op, red);
    EXPECT_RGB(s, PX(581200), PY(3095000 - 80), red, "inside the red line");
    EXPECT_RGB(s, PX(581200), PY(3095000 + 80), red, "inside the red line");
    EXPECT_RGB(s, PX(581200), PY(3095000 - 130), bg, "outside the red line");
    EXPECT_RGB(s, PX(581200), PY(3095000 + 130), bg, "outside the red line");
#undef PX
#undef PY
    cairo_surface_destroy(s);
    free(buf);

    /* zoom to A: the finding in the middle of the map */
    memset(&o, 0, sizeof o);
    o.width = 300, o.height = 200, o.plain = 1;
    o.zoom_to = "area.declared:farm:A:area";
    assert_int_equal(pc_render_mem(f->ctx, &f->r, &o, PC_RENDER_PNG, &buf, &len),
                     PC_OK);
    s = png_decode(buf, len);
    EXPECT_RGB(s, 150, 100, err, "zoomed finding");
    cairo_surface_destroy(s);
    free(buf);
    report();
}

/* A full map: the requested size, drawing in the map area, and a scale
 * bar whose length, measured against farmland B (1000 m), is a round
 * number of metres. */
static void test_png_decorated(void **state)
{
    struct fx *f = *state;
    pc_render_opts o;
    memset(&o, 0, sizeof o);
    o.width = 1200, o.height = 900;
    o.date = "2024-03-01";
    o.has_extent = 1;
    const double ext[4] = {579000, 3092500, 583500, 3095500};
    memcpy(o.extent, ext, sizeof ext);
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(pc_render_mem(f->ctx, &f->r, &o, PC_RENDER_PNG, &buf, &len),
                     PC_OK);
    cairo_surface_t *s = png_decode(buf, len);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    assert_int_equal(w, 1200);
    assert_int_equal(h, 900);
    /* the map is the left part under the title: its middle is drawn on */
    size_t drawn = 0, total = 0;
    for (int y = h / 3; y < 2 * h / 3; y++)
        for (int x = w / 8; x < w / 2; x++) {
            int c[3];
            pixel(s, x, y, c);
            total++;
            drawn += abs(c[0] - 247) > 4 || abs(c[1] - 249) > 4 ||
                     abs(c[2] - 250) > 4;
        }
    EXPECT(drawn > total / 20, "only %zu of %zu map pixels drawn", drawn, total);

    /* farmland B's fill along a row through it: its width in pixels */
    double op, farm[3] = {0.97 * 255, 0.975 * 255, 0.98 * 255};
    pc_rgba col;
    col = style_colour(f->ctx, "farmland", NULL, 0, &op);
    over(col, op, farm);
    int best = 0, best_y = -1;
    for (int y = 0; y < h; y += 3) {
        int run = 0;
        for (int x = 0; x < w * 3 / 4; x++) {
            int c[3];
            pixel(s, x, y, c);
            int is_farm = fabs(c[0] - farm[0]) <= 3 && fabs(c[1] - farm[1]) <= 3 &&
                          fabs(c[2] - farm[2]) <= 3;
            run = is_farm ? run + 1 : 0;
            if (run > best)
                best = run, best_y = y;
        }
    }
    assert_true(best > 50);
    /* the fill stops inside the outline (0.4 mm): add it back */
    double px_per_m = (best + 0.4 * 96 / 25.4) / 1000.0;
    /* the scale bar: the longest row of dark pixels near the bottom left,
     * its black and white segments framed in black */
    int bar_len = 0;
    for (int y = h - 80; y < h; y++) {
        int first = -1, last = -1, dark_runs = 0, in_dark = 0;
        for (int x = 0; x < w / 3; x++) {
            int c[3];
            pixel(s, x, y, c);
            int dark = c[0] < 60 && c[1] < 60 && c[2] < 60;
            if (dark && first < 0)
                first = x;
            if (dark)
                last = x;
            dark_runs += dark && !in_dark;
            in_dark = dark;
        }
        if (dark_runs >= 3 && first >= 0 && last - first + 1 > bar_len)
            bar_len = last - first + 1;
    }
    assert_true(bar_len > 20);
    double bar_m = bar_len / px_per_m;
    double p = pow(10, floor(log10(bar_m) + 0.01));
    double r = bar_m / p; /* 1, 2 or 5 for a round length */
    EXPECT(fabs(r - 1) < 0.03 || fabs(r - 2) < 0.06 || fabs(r - 5) < 0.15 ||
               fabs(r - 10) < 0.3,
           "scale bar %d px = %.1f m at %.4f px/m (farmland row %d): not a "
           "round length", bar_len, bar_m, px_per_m, best_y);
    cairo_surface_destroy(s);
    free(buf);
    report();
}

static void test_svg(void **state)
{
    struct fx *f = *state;
    pc_render_opts o;
    memset(&o, 0, sizeof o);
    o.width = 800, o.height = 600;
    o.title = "标题 <&> \"quoted\"";
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(pc_render_mem(f->ctx, &f->r, &o, PC_RENDER_SVG, &buf, &len),
                     PC_OK);
    xmlDocPtr doc = xmlReadMemory((const char *)buf, (int)len, "map.svg", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    assert_non_null(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "svg");
    xmlChar *wv = xmlGetProp(root, (const xmlChar *)"width");
    xmlChar *hv = xmlGetProp(root, (const xmlChar *)"height");
    assert_non_null(wv);
    assert_non_null(hv);
    EXPECT(strtod((const char *)wv, NULL) == 800, "width %s", (const char *)wv);
    EXPECT(strtod((const char *)hv, NULL) == 600, "height %s", (const char *)hv);
    xmlFree(wv);
    xmlFree(hv);
    /* drawn: paths and glyphs, not an empty page */
    size_t paths = count_in((const char *)buf, len, "<path");
    EXPECT(paths > 10, "only %zu paths", paths);
    xmlFreeDoc(doc);
    free(buf);
    report();
}

static void test_errors(void **state)
{
    struct fx *f = *state;
    unsigned char *buf = (unsigned char *)"x";
    size_t len = 1;
    static const struct {
        const char *zoom, *date;
        int w, h, plain, has_extent;
        double ext[4];
        const char *want;
    } cases[] = {
        {"no:such:finding", NULL, 0, 0, 0, 0, {0}, "'no:such:finding'"},
        {"figure.no_zone:farm:ZX", NULL, 0, 0, 0, 0, {0}, "no geometry"},
        {NULL, NULL, 0, 0, 0, 1, {5, 0, 1, 10}, "empty"},
        {NULL, NULL, 0, 0, 0, 1, {0, 3, 10, 3}, "empty"},
        {NULL, "2023-02-29", 0, 0, 0, 0, {0}, "2023-02-29"},
        {NULL, "1.3.2024", 0, 0, 0, 0, {0}, "YYYY-MM-DD"},
        {NULL, NULL, 200, 150, 0, 0, {0}, "200x150"},
        {NULL, NULL, 20000, 100, 1, 0, {0}, "20000x100"},
        {"area.declared:farm:A:area", NULL, 0, 0, 0, 1, {0, 0, 10, 10}, "not both"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pc_render_opts o;
        memset(&o, 0, sizeof o);
        o.zoom_to = cases[i].zoom, o.date = cases[i].date;
        o.width = cases[i].w, o.height = cases[i].h, o.plain = cases[i].plain;
        o.has_extent = cases[i].has_extent;
        memcpy(o.extent, cases[i].ext, sizeof o.extent);
        pc_status st = pc_render_mem(f->ctx, &f->r, &o, PC_RENDER_PNG, &buf, &len);
        EXPECT(st == PC_ERR_USAGE, "case %zu: status %d", i, (int)st);
        EXPECT(buf == NULL && len == 0, "case %zu: output kept", i);
        EXPECT(tu_contains(pc_ctx_error(f->ctx), cases[i].want),
               "case %zu: '%s' lacks '%s'", i, pc_ctx_error(f->ctx),
               cases[i].want);
    }
    /* a leap day is a date */
    pc_render_opts o;
    memset(&o, 0, sizeof o);
    o.date = "2024-02-29", o.width = 400, o.height = 300;
    EXPECT(pc_render_mem(f->ctx, &f->r, &o, PC_RENDER_SVG, &buf, &len) == PC_OK,
           "leap day: %s", pc_ctx_error(f->ctx));
    free(buf);
    /* a run without its layers cannot be drawn */
    pc_run_result bare = f->r;
    bare.data = NULL;
    EXPECT(pc_render_mem(f->ctx, &bare, &o, PC_RENDER_PNG, &buf, &len) ==
               PC_ERR_INTERNAL, "run without layers");
    report();
}

/* 1 when the directory holds a file whose name contains `part`. */
static int dir_has(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)))
        found |= strstr(e->d_name, part) != NULL;
    closedir(d);
    return found;
}

static void test_file(void **state)
{
    struct fx *f = *state;
    char path[1024], p2[1024];
    pc_render_opts o;
    memset(&o, 0, sizeof o);
    o.width = 400, o.height = 300, o.date = "2024-01-02";
    tu_pathbuf(path, sizeof path, f->dir, "map.PNG");
    assert_int_equal(pc_render_file(f->ctx, &f->r, &o, path), PC_OK);
    size_t n = 0;
    unsigned char *disk = tu_read_file(path, &n);
    assert_non_null(disk);
    unsigned char *mem = NULL;
    size_t len = 0;
    assert_int_equal(pc_render_mem(f->ctx, &f->r, &o, PC_RENDER_PNG, &mem, &len),
                     PC_OK);
    EXPECT(n == len && !memcmp(disk, mem, n), "the file differs from the map "
           "in memory (or a second rendering differs)");
    free(mem);
    /* a new file's permissions, as any file the user creates */
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    mode_t um = umask(0);
    umask(um);
    EXPECT((sb.st_mode & 0777) == (0666 & ~um), "mode %o with umask %o",
           (unsigned)(sb.st_mode & 0777), (unsigned)um);

    /* exists: refused, left as it was; replaced with overwrite */
    assert_int_equal(pc_render_file(f->ctx, &f->r, &o, path), PC_ERR_OUTPUT);
    assert_contains(pc_ctx_error(f->ctx), "--overwrite");
    size_t n2 = 0;
    unsigned char *again = tu_read_file(path, &n2);
    EXPECT(again && n2 == n && !memcmp(again, disk, n), "refused, but changed");
    free(again);
    o.overwrite = 1;
    o.date = "2024-01-03"; /* another date: other pixels */
    assert_int_equal(pc_render_file(f->ctx, &f->r, &o, path), PC_OK);
    again = tu_read_file(path, &n2);
    EXPECT(again && (n2 != n || memcmp(again, disk, n)), "not replaced");
    free(again);
    free(disk);
    /* never over an input, even with overwrite: a plan file named .png */
    tu_pathbuf(p2, sizeof p2, f->dir, "plan.png");
    char *plan_copy = f->r.plan->path;
    f->r.plan->path = p2;
    assert_int_equal(pc_render_file(f->ctx, &f->r, &o, p2), PC_ERR_OUTPUT);
    assert_contains(pc_ctx_error(f->ctx), "inputs");
    f->r.plan->path = plan_copy;
    disk = tu_read_file(p2, &n2);
    EXPECT(disk && !memcmp(disk, "plancheck: 1", 12), "the input was touched");
    free(disk);
    /* unknown format, missing directory: errors, nothing left behind */
    tu_pathbuf(p2, sizeof p2, f->dir, "map.pdf");
    assert_int_equal(pc_render_file(f->ctx, &f->r, &o, p2), PC_ERR_USAGE);
    tu_pathbuf(p2, sizeof p2, f->dir, "no/such/dir/map.svg");
    assert_int_equal(pc_render_file(f->ctx, &f->r, &o, p2), PC_ERR_OUTPUT);
    /* a failed drawing leaves no file either */
    o.zoom_to = "nothing";
    tu_pathbuf(p2, sizeof p2, f->dir, "zoom.svg");
    assert_int_equal(pc_render_file(f->ctx, &f->r, &o, p2), PC_ERR_USAGE);
    EXPECT(!tu_exists(p2), "zoom.svg written after a failure");
    EXPECT(!dir_has(f->dir, ".tmp-"), "a temporary file was left");
    report();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qml_builtin),
        cmocka_unit_test(test_qml_fixtures),
        cmocka_unit_test_setup_teardown(test_png_colours, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_png_decorated, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_svg, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_errors, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_file, fx_setup, fx_teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    pc_render_shutdown();
    return failed;
}
