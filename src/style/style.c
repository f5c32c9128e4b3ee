/* style.c: reference data: the project's QGIS layer styles. The QML files
 * of maps/styles/ are compiled into the library (embed_styles.cmake); this
 * file gives each its title and geometry, picks a plan layer's style and
 * adds a layer's field aliases to a style's QML for the GeoPackage writer. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "style_internal.h"

/* Titles of the styles, in the order the styles are listed (style.h). */
static const struct {
    const char *name, *title_zh, *title_en;
} titles[] = {
    {"boundary", "规划范围", "Plan boundary"},
    {"zones", "片区", "Zones"},
    {"parcels", "地块", "Parcels"},
    {"roads", "道路与铁路", "Roads and rail"},
    {"urban_boundary", "城镇开发边界", "Urban development boundary"},
    {"eco_redline", "生态保护红线", "Ecological protection red line"},
    {"farmland", "永久基本农田", "Permanent basic farmland"},
    {"polygons", "面要素", "Polygons"},
    {"lines", "线要素", "Lines"},
    {"points", "点要素", "Points"},
    {"findings", "检查结果", "Findings"},
    {"findings_points", "检查结果（点）", "Findings (points)"},
    {"findings_lines", "检查结果（线）", "Findings (lines)"},
};
#define NSTYLES (sizeof titles / sizeof titles[0])

static pc_style styles[NSTYLES];
static char names[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The geometry a QML draws, from its <layerGeometryType> (QGIS's
 * QgsWkbTypes::GeometryType: 0 point, 1 line, 2 polygon). */
static pc_geom_class qml_geom(const char *qml)
{
    static const char tag[] = "<layerGeometryType>";
    const char *p = strstr(qml, tag);
    if (!p)
        return PC_GEOM_NONE;
    switch (p[sizeof tag - 1]) {
    case '0': return PC_GEOM_POINT;
    case '1': return PC_GEOM_LINE;
    case '2': return PC_GEOM_POLYGON;
    default: return PC_GEOM_NONE;
    }
}

static void init(void)
{
    size_t used = 0;
    for (size_t i = 0; i < NSTYLES; i++) {
        pc_style *s = &styles[i];
        s->name = titles[i].name;
        s->title_zh = titles[i].title_zh;
        s->title_en = titles[i].title_en;
        s->qml = "";
        for (size_t k = 0; k < pc_style_nfiles; k++)
            if (!strcmp(pc_style_files[k].name, s->name)) {
                s->qml = pc_style_files[k].text;
                s->qml_len = pc_style_files[k].len;
            }
        s->geom = qml_geom(s->qml);
        size_t len = strlen(s->name);
        if (used + len + 3 < sizeof names) {
            if (used) {
                memcpy(names + used, ", ", 2);
                used += 2;
            }
            memcpy(names + used, s->name, len + 1);
            used += len;
        }
    }
}

size_t pc_style_count(void)
{
    return NSTYLES;
}

const pc_style *pc_style_at(size_t i)
{
    pthread_once(&once, init);
    return i < NSTYLES ? &styles[i] : NULL;
}

const pc_style *pc_style_get(const char *name)
{
    pthread_once(&once, init);
    for (size_t i = 0; name && i < NSTYLES; i++)
        if (!strcmp(styles[i].name, name))
            return &styles[i];
    return NULL;
}

const char *pc_style_names(void)
{
    pthread_once(&once, init);
    return names;
}

const pc_style *pc_style_for_layer(const pc_plan_layer *pl,
                                   const pc_layer *layer)
{
    pc_geom_class g = layer ? layer->geom_class : PC_GEOM_POLYGON;
    if (g != PC_GEOM_POINT && g != PC_GEOM_LINE)
        g = PC_GEOM_POLYGON; /* mixed and none: the GeoPackage's default */
    const pc_style *s;
    if (pl && (s = pc_style_get(pl->style)) && s->geom == g)
        return s;
    if (pl && (s = pc_style_get(pl->id)) && s->geom == g)
        return s;
    return pc_style_get(g == PC_GEOM_POINT  ? "points"
                        : g == PC_GEOM_LINE ? "lines"
                                            : "polygons");
}

/* Bytes `s` takes once XML-escaped for an attribute value. */
static size_t escaped_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '&' ? 5 : *s == '<' || *s == '>' ? 4
             : *s == '"' || *s == '\'' ? 6 : 1;
    return n;
}

static char *put_escaped(char *out, const char *s)
{
    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;"
                        : *s == '>' ? "&gt;" : *s == '"' ? "&quot;"
                        : *s == '\'' ? "&apos;" : NULL;
        if (e) {
            size_t k = strlen(e);
            memcpy(out, e, k);
            out += k;
        } else {
            *out++ = *s;
        }
    }
    return out;
}

char *pc_style_qml_with_aliases(const pc_style *style,
                                const pc_style_alias *aliases, size_t n)
{
    static const char end_tag[] = "</qgis>";
    static const char open[] = "  <aliases>\n", close[] = "  </aliases>\n";
    const char *qml = style->qml;
    const char *at = n ? strstr(qml, end_tag) : NULL;
    /* QGIS writes the block as the root's child; with no root end tag
     * there is nowhere to put it. */
    if (!at)
        return strdup(qml);
    size_t extra = sizeof open + sizeof close;
    for (size_t i = 0; i < n; i++)
        extra += 64 + escaped_len(aliases[i].field) +
                 escaped_len(aliases[i].alias);
    size_t head = (size_t)(at - qml);
    char *out = malloc(style->qml_len + extra + 1);
    if (!out)
        return NULL;
    char *p = out;
    memcpy(p, qml, head);
    p += head;
    memcpy(p, open, sizeof open - 1);
    p += sizeof open - 1;
    for (size_t i = 0; i < n; i++) {
        static const char a[] = "    <alias field=\"", b[] = "\" index=\"",
                          c[] = "\" name=\"", d[] = "\"/>\n";
        char num[24];
        size_t k = 0;
        int v = aliases[i].index < 0 ? 0 : aliases[i].index;
        do
            num[k++] = (char)('0' + v % 10);
        while ((v /= 10) > 0);
        memcpy(p, a, sizeof a - 1);
        p = put_escaped(p + sizeof a - 1, aliases[i].field);
        memcpy(p, b, sizeof b - 1);
        p += sizeof b - 1;
        while (k > 0)
            *p++ = num[--k];
        memcpy(p, c, sizeof c - 1);
        p = put_escaped(p + sizeof c - 1, aliases[i].alias);
        memcpy(p, d, sizeof d - 1);
        p += sizeof d - 1;
    }
    memcpy(p, close, sizeof close - 1);
    p += sizeof close - 1;
    strcpy(p, at);
    return out;
}
