/* read.c: read stage: any OGR vector source -> pc_layer (fields, FIDs,
 * 2D GEOS geometries, CRS). The only place that reads through GDAL. */
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../core/internal.h"
#include "../core/parallel.h"
#include "plancheck/crs.h"
#include "plancheck/read.h"

/* Network sources are refused by default: a plan check must not depend on
 * (or leak to) a server. */
static const char *const network_vsi[] = {
    "/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss",
    "/vsiswift", "/vsiwebhdfs", "/vsihdfs"};

/* `text` names a network file system anywhere (chained as in
 * /vsizip//vsicurl/..., or inside a VRT file) or a URL. */
static int names_network(const char *text)
{
    if (strstr(text, "://"))
        return 1;
    for (size_t i = 0; i < sizeof network_vsi / sizeof network_vsi[0]; i++)
        if (strstr(text, network_vsi[i]))
            return 1;
    return 0;
}

static int is_network_path(const char *path)
{
    static const char *const prefixes[] = {
        "WFS:", "PG:", "MySQL:", "OCI:", "MSSQL:", "ODBC:", "ES:",
        "CouchDB:", "MongoDB", "OAPIF:", "CARTO:", "AMIGOCLOUD:", "NGW:",
        "PLScenes:", "EEDA:", "CSW:"};
    if (names_network(path))
        return 1;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncasecmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* An OGR VRT file names its sources inside: refuse one that reaches the
 * network (the drivers that only talk to servers are deregistered). */
static int vrt_names_network(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return names_network(buf);
}

/* Checks that `path` names something that exists, with a message naming
 * what is wrong. /vsizip/ and friends are left to GDAL. */
static pc_status check_path(pc_ctx *ctx, const char *path)
{
    if (is_network_path(path))
        return pc_error(ctx, PC_ERR_INPUT,
                        "%s: network sources are refused; copy the data to a "
                        "local file", path);
    if (strncmp(path, "/vsi", 4) == 0)
        return PC_OK;
    struct stat st;
    if (stat(path, &st) != 0)
        return pc_error(ctx, PC_ERR_INPUT, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
        return pc_error(ctx, PC_ERR_INPUT, "%s: not a regular file", path);
    return PC_OK;
}

/* The cause in a GDAL error message: drivers often quote their whole
 * failed SQL statement before it ("sqlite3_get_table(SELECT ...) failed:
 * database disk image is malformed"), far too long for one line. */
static const char *gdal_reason(const char *msg)
{
    if (!msg)
        return "";
    const char *cut = strstr(msg, ") failed: ");
    return cut ? cut + strlen(") failed: ") : msg;
}

/* A Shapefile without its .dbf opens with no attribute fields at all;
 * say why before a field lookup fails on it. */
static void warn_missing_dbf(pc_ctx *ctx, GDALDatasetH ds, const char *path)
{
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    size_t n = strlen(path);
    if (strcmp(GDALGetDriverShortName(drv), "ESRI Shapefile") != 0 || n < 4 ||
        strcasecmp(path + n - 4, ".shp") != 0)
        return;
    char *dbf = pc_aprintf("%.*s.dbf", (int)(n - 4), path);
    char *DBF = pc_aprintf("%.*s.DBF", (int)(n - 4), path);
    struct stat sb;
    if (dbf && DBF && stat(dbf, &sb) != 0 && stat(DBF, &sb) != 0)
        pc_warn(ctx, "%s: no %s beside it: the layer has no attributes", path,
                dbf);
    free(dbf);
    free(DBF);
}

static GDALDatasetH open_vector(pc_ctx *ctx, const char *path,
                                const char *encoding, pc_status *st)
{
    pc_gdal_init();
    *st = check_path(ctx, path);
    if (*st != PC_OK)
        return NULL;
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, NULL, NULL);
    if (ds && encoding) {
        /* The encoding open option exists for Shapefiles (and DBF) only;
         * other drivers read UTF-8 by definition. */
        GDALDriverH drv = GDALGetDatasetDriver(ds);
        if (strcmp(GDALGetDriverShortName(drv), "ESRI Shapefile") == 0) {
            char *opt = pc_aprintf("ENCODING=%s", encoding);
            char *const opts[] = {opt, NULL};
            GDALClose(ds);
            ds = opt ? GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                  NULL, (const char *const *)opts, NULL)
                     : NULL;
            free(opt);
        }
    }
    if (!ds) {
        const char *msg = gdal_reason(CPLGetLastErrorMsg());
        *st = pc_error(ctx, PC_ERR_INPUT,
                       "%s: not a vector dataset GDAL can read%s%.200s", path,
                       *msg ? ": " : "", msg);
    } else if (strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)),
                      "OGR_VRT") == 0 && vrt_names_network(path)) {
        GDALClose(ds);
        ds = NULL;
        *st = pc_error(ctx, PC_ERR_INPUT, "%s: the VRT names a network "
                       "source; network sources are refused (copy the data "
                       "to a local file)", path);
    } else {
        warn_missing_dbf(ctx, ds, path);
    }
    return ds;
}

/* ---- the encoding of a Shapefile that does not say it --------------------
 * A DBF names its code page in a .cpg file or in its language-driver byte.
 * With neither, GDAL 3.6 passes the bytes on as they are, and the
 * Shapefiles of Chinese design institutes (ArcGIS writes GBK, often without
 * a .cpg) would reach the rules, the GeoPackage and the reports as invalid
 * UTF-8: '亩' an unknown unit, keys and names garbled. The text of the
 * first records tells which encoding it is in; the layer is then read in
 * that one, with a warning saying so. */

#define SNIFF_RECORDS 10000 /* a huge file is judged by its first records
                               that hold text beyond ASCII */

/* What utf8_class() finds besides validity. */
enum { UTF8_MID = 1,  /* a character in U+0100-U+07FF */
       UTF8_WIDE = 2  /* one from U+0800 (CJK is there) */ };

/* -1 when `s` is not UTF-8 (RFC 3629: no overlong forms, surrogates or
 * code points above U+10FFFF), else its UTF8_* flags. */
static int utf8_class(const unsigned char *s)
{
    int cls = 0;
    while (*s) {
        unsigned c = *s++, cp, min;
        int n;
        if (c < 0x80)
            continue;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07, min = 0x10000;
        else
            return -1;
        for (int k = 0; k < n; k++, s++) {
            if ((*s & 0xC0) != 0x80) /* the terminating NUL fails too */
                return -1;
            cp = cp << 6 | (*s & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        cls |= cp >= 0x800 ? UTF8_WIDE : cp >= 0x100 ? UTF8_MID : 0;
    }
    return cls;
}

/* 1 when iconv converts all of `s` with `cd` (from GB18030). */
static int iconv_ok(iconv_t cd, const char *s)
{
    if (cd == (iconv_t)-1)
        return 0;
    char *in = (char *)s, out[256];
    size_t inleft = strlen(s);
    iconv(cd, NULL, NULL, NULL, NULL);
    while (inleft) {
        char *o = out;
        size_t oleft = sizeof out;
        if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
            errno != E2BIG)
            return 0; /* EILSEQ, or EINVAL: cut short at the end */
    }
    return 1;
}

/* 1 when every non-ASCII byte of `s` pairs into GB2312's two-byte range
 * (A1-F7, A1-FE), where the GBK of a Chinese plan lies ('亩' is C4 B6);
 * two-byte UTF-8 of European text mostly does not (Ł is C5 81). */
static int gb2312_pairs(const unsigned char *s)
{
    while (*s) {
        if (*s < 0x80) {
            s++;
            continue;
        }
        if (s[0] < 0xA1 || s[0] > 0xF7 || s[1] < 0xA1 || s[1] > 0xFE)
            return 0;
        s += 2;
    }
    return 1;
}

/* Where some text was seen: field index and FID (-1: the field's name). */
struct text_at {
    int field;
    GIntBig fid;
};

struct sniff {
    int nonascii, not_utf8, mid, wide, not_gb, not_gb2312, neither;
    struct text_at not_utf8_at, mid_at, neither_at;
};

static void sniff_text(struct sniff *s, iconv_t cd, const char *text,
                       int field, GIntBig fid)
{
    const unsigned char *u = (const unsigned char *)text;
    while (*u && *u < 0x80)
        u++;
    if (!*u)
        return;
    struct text_at here = {field, fid};
    int cls = utf8_class(u), gb = iconv_ok(cd, text);
    s->nonascii = 1;
    if (cls < 0 && !s->not_utf8++)
        s->not_utf8_at = here;
    if (cls > 0 && (cls & UTF8_MID) && !s->mid++)
        s->mid_at = here;
    s->wide |= cls > 0 && (cls & UTF8_WIDE);
    s->not_gb |= !gb;
    s->not_gb2312 |= !gb2312_pairs(u);
    if (cls < 0 && !gb && !s->neither++)
        s->neither_at = here;
}

/* The encoding the text of a Shapefile that declares none is in: NULL when
 * it needs none (ASCII, or the layer is not such a Shapefile), else
 * "UTF-8", "GB18030" or, for text that is neither, "ISO-8859-1" (what the
 * DBF format assumes). *at is where the text showed it (GB18030 and
 * ISO-8859-1).
 *
 * UTF-8 is told by its strict structure; GBK text that passes as UTF-8 by
 * chance does so only in two-byte sequences ('亩' is C4 B6, also UTF-8 for
 * 'Ķ'), whereas the UTF-8 text of a Chinese plan has three-byte characters
 * and its two-byte ones are symbols like ² or ° (up to U+00FF): valid UTF-8
 * with neither, but with characters from U+0100, is read as GBK when its
 * bytes pair into GB2312's range (European UTF-8, Ł or П, does not).
 *
 * GBK is checked and read as GB18030: its superset, which decodes every
 * GBK character the same, and also the four-byte codes and the
 * user-defined areas (造字, for rare characters in names), where glibc's
 * "GBK" stops and GDAL would drop the bytes. */
static const char *sniff_encoding(GDALDatasetH ds, OGRLayerH lyr,
                                  struct text_at *at)
{
    GDALMajorObjectH o = (GDALMajorObjectH)lyr;
    const char *src = GDALGetMetadataItem(o, "SOURCE_ENCODING", "SHAPEFILE");
    if (strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)),
               "ESRI Shapefile") != 0 || !src || *src ||
        GDALGetMetadataItem(o, "CPG_VALUE", "SHAPEFILE") ||
        GDALGetMetadataItem(o, "LDID_VALUE", "SHAPEFILE"))
        return NULL; /* declared (.cpg, language driver, SHAPE_ENCODING) */
    struct sniff s = {0};
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int nf = OGR_FD_GetFieldCount(defn);
    for (int j = 0; j < nf; j++)
        sniff_text(&s, cd, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, j)),
                   j, -1);
    int ntext = 0;
    for (int j = 0; j < nf; j++)
        ntext += OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, j)) == OFTString;
    const char *no_geometry[] = {"OGR_GEOMETRY", NULL};
    OGR_L_SetIgnoredFields(lyr, no_geometry);
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    /* an ASCII start proves nothing: the Chinese names may come later,
     * and unread they would reach the output as raw bytes */
    for (long k = 0; ntext && (k < SNIFF_RECORDS || !s.nonascii) &&
                     !(s.not_utf8 && s.not_gb) &&
                     (f = OGR_L_GetNextFeature(lyr)) != NULL; k++) {
        for (int j = 0; j < nf; j++)
            if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, j)) == OFTString &&
                OGR_F_IsFieldSetAndNotNull(f, j))
                sniff_text(&s, cd, OGR_F_GetFieldAsString(f, j), j,
                           OGR_F_GetFID(f));
        OGR_F_Destroy(f);
    }
    OGR_L_SetIgnoredFields(lyr, NULL);
    OGR_L_ResetReading(lyr);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    if (!s.nonascii)
        return NULL;
    if (!s.not_utf8 && (s.wide || !s.mid || s.not_gb || s.not_gb2312))
        return "UTF-8";
    if (!s.not_gb) {
        *at = s.not_utf8 ? s.not_utf8_at : s.mid_at;
        return "GB18030";
    }
    *at = s.neither ? s.neither_at : s.not_utf8_at;
    return "ISO-8859-1";
}

/* "field 'unit' of fid 3 ('亩')" (or "the name of field 'x'"), decoded, as
 * the layer now reads it. */
static void describe_text_at(OGRLayerH lyr, struct text_at at, char *buf,
                             size_t size)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    const char *name = at.field < OGR_FD_GetFieldCount(defn)
        ? OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, at.field)) : "?";
    if (at.fid < 0) {
        snprintf(buf, size, "the name of field '%s'", name);
        return;
    }
    OGRFeatureH f = OGR_L_GetFeature(lyr, at.fid);
    const char *v = f && OGR_F_IsFieldSetAndNotNull(f, at.field)
        ? OGR_F_GetFieldAsString(f, at.field) : "";
    int len = (int)strlen(v);
    if (len > 40) /* cut on a character boundary */
        for (len = 40; len > 0 && (v[len] & 0xC0) == 0x80; len--)
            ;
    snprintf(buf, size, "field '%s' of fid " CPL_FRMT_GIB " ('%.*s%s')", name,
             at.fid, len, v, v[len] ? "..." : "");
    if (f)
        OGR_F_Destroy(f);
    OGR_L_ResetReading(lyr);
}

/* When `lyr` is a Shapefile layer that declares no encoding and its text
 * is not ASCII, re-opens `*ds` in the encoding sniff_encoding() finds and
 * warns, naming the file and where the text showed it. Returns the layer
 * to read (in the new *ds), or NULL with *st set and *ds closed. */
static OGRLayerH open_in_sniffed_encoding(pc_ctx *ctx, const char *path,
                                          const pc_read_opts *opts,
                                          GDALDatasetH *ds, OGRLayerH lyr,
                                          pc_status *st)
{
    struct text_at at = {0, -1};
    const char *enc = sniff_encoding(*ds, lyr, &at);
    if (!enc)
        return lyr;
    char *name = pc_strdup(OGR_L_GetName(lyr));
    GDALClose(*ds);
    *ds = name ? open_vector(ctx, path, enc, st) : NULL;
    if (!name)
        *st = PC_OOM(ctx);
    lyr = *ds ? GDALDatasetGetLayerByName(*ds, name) : NULL;
    if (*ds && !lyr) { /* the file changed under us */
        *st = pc_error(ctx, PC_ERR_INPUT, "%s: no layer '%s'", path, name);
        GDALClose(*ds);
        *ds = NULL;
    }
    free(name);
    if (!lyr)
        return NULL;
    const char *id = opts ? opts->name : NULL;
    int latin1 = strcmp(enc, "ISO-8859-1") == 0; /* a guess: no hint */
    char where[256], hint[256];
    describe_text_at(lyr, at, where, sizeof where);
    if (id) /* a plan layer */
        snprintf(hint, sizeof hint, "`encoding:%s%s` in layers.%s",
                 latin1 ? "" : " ", latin1 ? "" : enc, id);
    else
        snprintf(hint, sizeof hint, "--encoding%s%s", latin1 ? "" : " ",
                 latin1 ? "" : enc);
    if (strcmp(enc, "UTF-8") == 0)
        pc_warn(ctx, "%s: no .cpg and no code page in the .dbf; its text is "
                "UTF-8 and is read as such (%s silences this)", path, hint);
    else if (strcmp(enc, "GB18030") == 0)
        pc_warn(ctx, "%s: no .cpg and no code page in the .dbf; %s reads as "
                "GBK, not UTF-8, so the text is read as GB18030, the "
                "superset of GBK (%s silences this)", path, where, hint);
    else
        pc_warn(ctx, "%s: no .cpg and no code page in the .dbf, and its text "
                "is neither UTF-8 nor GBK, as in %s: read as ISO-8859-1; give "
                "the right encoding with %s", path, where, hint);
    return lyr;
}

pc_status pc_read_layer_names(pc_ctx *ctx, const char *path, char ***names,
                              size_t *count)
{
    pc_status st;
    *names = NULL;
    *count = 0;
    GDALDatasetH ds = open_vector(ctx, path, NULL, &st);
    if (!ds)
        return st;
    int n = GDALDatasetGetLayerCount(ds);
    char **list = calloc((size_t)n + 1, sizeof *list);
    if (!list) {
        GDALClose(ds);
        return PC_OOM(ctx);
    }
    for (int i = 0; i < n; i++) {
        list[i] = pc_strdup(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
        if (!list[i]) {
            pc_read_names_free(list);
            GDALClose(ds);
            return PC_OOM(ctx);
        }
    }
    GDALClose(ds);
    *names = list;
    *count = (size_t)n;
    return PC_OK;
}

void pc_read_names_free(char **names)
{
    if (!names)
        return;
    for (char **p = names; *p; p++)
        free(*p);
    free(names);
}

static pc_geom_class geom_class(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbNone: return PC_GEOM_NONE;
    case wkbPoint:
    case wkbMultiPoint: return PC_GEOM_POINT;
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve: return PC_GEOM_LINE;
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface:
    case wkbPolyhedralSurface:
    case wkbTIN: return PC_GEOM_POLYGON;
    default: return PC_GEOM_MIXED;
    }
}

/* The layer's CRS as a pc_crs: by authority code when GDAL knows it, else
 * its WKT2. Returns PC_OK with *out NULL when the layer has none. */
static pc_status layer_crs(pc_ctx *ctx, OGRLayerH lyr, const char *what,
                           pc_crs **out)
{
    *out = NULL;
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    if (!srs)
        return PC_OK;
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    if (auth && code) {
        char def[96];
        snprintf(def, sizeof def, "%s:%s", auth, code);
        if (pc_crs_from_string(ctx, def, what, out) == PC_OK)
            return PC_OK;
    }
    char *wkt = NULL;
    const char *const opts[] = {"FORMAT=WKT2_2019", NULL};
    if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return pc_error(ctx, PC_ERR_CRS, "%s: the layer's CRS cannot be "
                        "exported", what);
    }
    pc_status st = pc_crs_from_string(ctx, wkt, what, out);
    CPLFree(wkt);
    return st;
}

/* Arcs become chords of at most this many degrees. GDAL's default (4)
 * makes a circle 0.08 % too small, most of a 0.1 % area tolerance; at
 * 0.5 degrees it is 0.0013 %, and the chords stay within 1 cm of an arc
 * of 1 km radius. */
#define ARC_STEP_DEGREES 0.5

/* Converts one OGR geometry to a 2D, linear GEOS geometry. On failure
 * returns NULL and sets *why (malloc'ed) to GEOS's reason. */
static GEOSGeometry *to_geos(pc_ctx *ctx, GEOSWKBReader *reader,
                             OGRGeometryH g, char **why)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    OGRGeometryH owned = NULL;
    *why = NULL;
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        owned = OGR_G_GetLinearGeometry(g, ARC_STEP_DEGREES, NULL);
        g = owned;
    }
    if (g && (OGR_G_Is3D(g) || OGR_G_IsMeasured(g))) {
        if (!owned) {
            owned = OGR_G_Clone(g);
            g = owned;
        }
        OGR_G_Set3D(g, FALSE);
        OGR_G_SetMeasured(g, FALSE);
    }
    if (!g) {
        *why = pc_strdup("geometry cannot be linearised");
        return NULL;
    }
    int size = OGR_G_WkbSize(g);
    unsigned char *wkb = malloc(size > 0 ? (size_t)size : 1);
    GEOSGeometry *out = NULL;
    if (wkb && OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) == OGRERR_NONE) {
        out = GEOSWKBReader_read_r(h, reader, wkb, (size_t)size);
        if (!out)
            *why = pc_strdup(pc_ctx_geos_message(ctx));
    } else {
        *why = pc_strdup("geometry cannot be exported as WKB");
    }
    free(wkb);
    if (owned)
        OGR_G_DestroyGeometry(owned);
    return out;
}

static pc_status read_fields(pc_ctx *ctx, OGRFeatureDefnH defn,
                             pc_layer *layer)
{
    int n = OGR_FD_GetFieldCount(defn);
    layer->fields = calloc(n > 0 ? (size_t)n : 1, sizeof *layer->fields);
    if (!layer->fields)
        return PC_OOM(ctx);
    for (int j = 0; j < n; j++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, j);
        pc_field *f = &layer->fields[j];
        f->name = pc_strdup(OGR_Fld_GetNameRef(fd));
        if (!f->name)
            return PC_OOM(ctx);
        layer->nfields++;
        switch (OGR_Fld_GetType(fd)) {
        case OFTInteger:
        case OFTInteger64: f->type = PC_FIELD_INTEGER; break;
        case OFTReal: f->type = PC_FIELD_REAL; break;
        default: f->type = PC_FIELD_TEXT; break;
        }
    }
    return PC_OK;
}

/* Reads the attributes of one feature: the values and the text of its
 * string fields in one allocation (a million features would otherwise
 * cost several million mallocs and frees). */
static pc_status read_values(pc_ctx *ctx, OGRFeatureH feat,
                             const pc_layer *layer, pc_feature *f)
{
    size_t nf = layer->nfields, bytes = (nf ? nf : 1) * sizeof *f->values;
    /* (the text is asked for twice: for dates and lists GDAL formats it
     * into one buffer that the next call overwrites) */
    for (size_t j = 0; j < nf; j++)
        if (layer->fields[j].type == PC_FIELD_TEXT &&
            OGR_F_IsFieldSetAndNotNull(feat, (int)j))
            bytes += strlen(OGR_F_GetFieldAsString(feat, (int)j)) + 1;
    f->values = calloc(1, bytes);
    if (!f->values)
        return PC_OOM(ctx);
    f->values_packed = 1;
    char *store = (char *)(f->values + (nf ? nf : 1));
    for (size_t j = 0; j < nf; j++) {
        pc_value *v = &f->values[j];
        if (!OGR_F_IsFieldSetAndNotNull(feat, (int)j)) {
            v->is_null = 1;
            continue;
        }
        switch (layer->fields[j].type) {
        case PC_FIELD_INTEGER:
            v->i = OGR_F_GetFieldAsInteger64(feat, (int)j);
            break;
        case PC_FIELD_REAL:
            v->r = OGR_F_GetFieldAsDouble(feat, (int)j);
            break;
        case PC_FIELD_TEXT: {
            const char *t = OGR_F_GetFieldAsString(feat, (int)j);
            size_t n = strlen(t) + 1;
            memcpy(store, t, n);
            v->s = store;
            store += n;
            break;
        }
        }
    }
    return PC_OK;
}

/* Features read by one thread, in the source's order. */
struct feats {
    pc_feature *f;
    size_t n, cap;
    int has_extent;
    double extent[4]; /* of the geometries read, computed while each one
                         is still in cache */
};

static void feats_free(pc_ctx *ctx, const pc_layer *layer, struct feats *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        pc_feature_clear(ctx, layer, &fs->f[i]);
    free(fs->f);
    memset(fs, 0, sizeof *fs);
}

/* Reads every feature `lyr` returns into `out`. `progress` (may be NULL)
 * is told the share of `total` read; `stop` (may be NULL) is polled so a
 * failed sibling thread ends this one early (returning PC_OK with what it
 * read: the sibling's error is the one reported). */
static pc_status read_loop(pc_ctx *ctx, OGRLayerH lyr, const pc_layer *layer,
                           struct feats *out, GIntBig total,
                           const pc_read_opts *progress, atomic_int *stop)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
    if (!reader)
        return PC_OOM(ctx);
    pc_status st = PC_OK;
    OGRFeatureH feat;
    OGR_L_ResetReading(lyr);
    CPLErrorReset();
    while ((feat = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (out->n == out->cap) {
            size_t cap = out->cap ? 2 * out->cap : 256;
            pc_feature *fs = realloc(out->f, cap * sizeof *fs);
            if (!fs) {
                OGR_F_Destroy(feat);
                st = PC_OOM(ctx);
                break;
            }
            out->f = fs;
            out->cap = cap;
        }
        pc_feature *f = &out->f[out->n++];
        memset(f, 0, sizeof *f);
        f->fid = OGR_F_GetFID(feat);
        OGRGeometryH g = OGR_F_GetGeometryRef(feat);
        if (g)
            f->geom = to_geos(ctx, reader, g, &f->geom_error);
        double b[4];
        if (pc_geom_bbox(pc_ctx_geos(ctx), f->geom, b))
            pc_extent_add(&out->has_extent, out->extent, b);
        st = read_values(ctx, feat, layer, f);
        OGR_F_Destroy(feat);
        if (st != PC_OK)
            break;
        if ((out->n & 1023) != 0)
            continue;
        if (stop && atomic_load(stop))
            break; /* a sibling failed: its error is the one reported */
        if (progress && progress->progress && total > 0 &&
            !progress->progress((double)out->n / (double)total, "reading",
                                progress->progress_arg)) {
            st = pc_error(ctx, PC_ERR_INTERNAL, "interrupted");
            break;
        }
    }
    if (st == PC_OK && CPLGetLastErrorType() >= CE_Failure)
        st = pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': read failed after "
                      "%zu features: %s", layer->source, layer->source_layer,
                      out->n, CPLGetLastErrorMsg());
    GEOSWKBReader_destroy_r(h, reader);
    return st;
}

/* ---- parallel reading of large GeoPackage layers -------------------------
 * GDAL reads one feature at a time, and decoding a geometry costs more than
 * fetching its row; a GeoPackage table can be read in FID ranges through
 * separate connections, one per thread, and the ranges joined in FID order
 * (the order a single sequential read gives). */

#define PARALLEL_READ_MIN 65536 /* features; below, threads cost more */
#define RANGES_PER_THREAD 4       /* so a slow thread does not hold up the
                                     others */

struct range {
    GIntBig lo, hi; /* FIDs in [lo, hi) */
    struct feats out;
};

struct range_pool {
    const char *path;
    const pc_layer *layer;
    const char *fid_column;
    struct range *ranges;
    int nranges;
    atomic_int next, done, stop;
    const pc_read_opts *progress; /* reported by the calling thread */
};

struct range_worker {
    struct range_pool *pool;
    pc_ctx *ctx;
    OGRLayerH lyr; /* NULL: open a connection of its own */
    pc_status st;
    pthread_t thread;
};

/* `"name"` with embedded quotes doubled, as SQL wants an identifier. */
static char *sql_ident(const char *name)
{
    size_t n = strlen(name), q = 0;
    for (size_t i = 0; i < n; i++)
        q += name[i] == '"';
    char *s = malloc(n + q + 3);
    if (!s)
        return NULL;
    char *p = s;
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '"')
            *p++ = '"';
        *p++ = name[i];
    }
    *p++ = '"';
    *p = '\0';
    return s;
}

static pc_status read_range(pc_ctx *ctx, OGRLayerH lyr,
                            struct range_pool *pool, struct range *r)
{
    char *col = sql_ident(pool->fid_column);
    char *where = col ? pc_aprintf("%s >= " CPL_FRMT_GIB " AND %s < "
                                   CPL_FRMT_GIB, col, r->lo, col, r->hi)
                      : NULL;
    free(col);
    if (!where)
        return PC_OOM(ctx);
    OGRErr err = OGR_L_SetAttributeFilter(lyr, where);
    free(where);
    if (err != OGRERR_NONE)
        return pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': cannot select "
                        "a FID range", pool->layer->source,
                        pool->layer->source_layer);
    pc_status st = read_loop(ctx, lyr, pool->layer, &r->out, 0, NULL,
                             &pool->stop);
    OGR_L_SetAttributeFilter(lyr, NULL);
    return st;
}

static void *range_work(void *arg)
{
    struct range_worker *w = arg;
    struct range_pool *pool = w->pool;
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = w->lyr;
    pc_status st = PC_OK;
    if (!lyr) {
        ds = open_vector(w->ctx, pool->path, NULL, &st);
        lyr = ds ? GDALDatasetGetLayerByName(ds, pool->layer->source_layer)
                 : NULL;
        if (ds && !lyr)
            st = pc_error(w->ctx, PC_ERR_INPUT, "%s: no layer '%s'",
                          pool->path, pool->layer->source_layer);
    }
    while (st == PC_OK && !atomic_load(&pool->stop)) {
        int k = atomic_fetch_add(&pool->next, 1);
        if (k >= pool->nranges)
            break;
        st = read_range(w->ctx, lyr, pool, &pool->ranges[k]);
        int done = atomic_fetch_add(&pool->done, 1) + 1;
        const pc_read_opts *p = pool->progress;
        if (st == PC_OK && w->lyr && p && p->progress &&
            !p->progress((double)done / pool->nranges, "reading",
                         p->progress_arg))
            st = pc_error(w->ctx, PC_ERR_INTERNAL, "interrupted");
    }
    if (ds)
        GDALClose(ds);
    if (st != PC_OK)
        atomic_store(&pool->stop, 1);
    w->st = st;
    return NULL;
}

/* FID range of a GeoPackage layer; 0 when it cannot be had. */
static int fid_bounds(GDALDatasetH ds, OGRLayerH lyr, GIntBig *lo,
                      GIntBig *hi)
{
    char *col = sql_ident(OGR_L_GetFIDColumn(lyr));
    char *tab = sql_ident(OGR_L_GetName(lyr));
    char *sql = col && tab ? pc_aprintf("SELECT MIN(%s), MAX(%s) FROM %s", col,
                                        col, tab)
                           : NULL;
    free(col);
    free(tab);
    if (!sql)
        return 0;
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    free(sql);
    int ok = 0;
    OGRFeatureH f = res ? OGR_L_GetNextFeature(res) : NULL;
    if (f && OGR_F_IsFieldSetAndNotNull(f, 0) &&
        OGR_F_IsFieldSetAndNotNull(f, 1)) {
        *lo = OGR_F_GetFieldAsInteger64(f, 0);
        *hi = OGR_F_GetFieldAsInteger64(f, 1);
        ok = *hi >= *lo;
    }
    if (f)
        OGR_F_Destroy(f);
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    return ok;
}

/* Joins the ranges, in FID order, into the layer's features. */
static pc_status join_ranges(pc_ctx *ctx, struct range_pool *pool,
                             pc_layer *layer)
{
    size_t n = 0;
    for (int k = 0; k < pool->nranges; k++)
        n += pool->ranges[k].out.n;
    layer->features = malloc((n ? n : 1) * sizeof *layer->features);
    if (!layer->features)
        return PC_OOM(ctx);
    for (int k = 0; k < pool->nranges; k++) {
        struct feats *fs = &pool->ranges[k].out;
        if (fs->n)
            memcpy(layer->features + layer->nfeatures, fs->f,
                   fs->n * sizeof *fs->f);
        layer->nfeatures += fs->n;
        if (fs->has_extent)
            pc_extent_add(&layer->has_extent, layer->extent, fs->extent);
        free(fs->f);
        memset(fs, 0, sizeof *fs);
    }
    layer->cap = layer->nfeatures;
    return PC_OK;
}

/* Reads `lyr` on `nt` threads (the calling one included) in FID ranges.
 * Returns 0 without reading when the layer does not lend itself to it. */
static int read_parallel(pc_ctx *ctx, GDALDatasetH ds, OGRLayerH lyr,
                         pc_layer *layer, const pc_read_opts *opts,
                         GIntBig total, int nt, pc_status *st)
{
    const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
    const char *fidcol = OGR_L_GetFIDColumn(lyr);
    GIntBig lo, hi;
    if (nt < 2 || total < PARALLEL_READ_MIN || strcmp(drv, "GPKG") != 0 ||
        !fidcol || !*fidcol || !fid_bounds(ds, lyr, &lo, &hi))
        return 0;
    struct range_pool pool = {layer->source, layer, fidcol, NULL,
                              nt * RANGES_PER_THREAD, 0, 0, 0, opts};
    atomic_init(&pool.next, 0);
    atomic_init(&pool.done, 0);
    atomic_init(&pool.stop, 0);
    pool.ranges = calloc((size_t)pool.nranges, sizeof *pool.ranges);
    struct range_worker *ws = calloc((size_t)nt, sizeof *ws);
    *st = pool.ranges && ws ? PC_OK : PC_OOM(ctx);
    GIntBig span = (hi - lo) / pool.nranges + 1;
    for (int k = 0; *st == PC_OK && k < pool.nranges; k++) {
        pool.ranges[k].lo = lo + span * k;
        pool.ranges[k].hi = k == pool.nranges - 1 ? hi + 1 : lo + span * (k + 1);
    }
    int started = 0;
    int was_quiet = pc_ctx_quiet(ctx); /* worker 0 is the caller's context */
    for (int t = 0; *st == PC_OK && t < nt; t++) {
        ws[t].pool = &pool;
        ws[t].lyr = t == 0 ? lyr : NULL;
        if (!(ws[t].ctx = t == 0 ? ctx : pc_ctx_new()))
            *st = PC_OOM(ctx);
        else
            pc_ctx_set_quiet(ws[t].ctx, 1);
    }
    for (int t = 1; *st == PC_OK && t < nt; t++) {
        if (pthread_create(&ws[t].thread, NULL, range_work, &ws[t])) {
            *st = pc_error(ctx, PC_ERR_INTERNAL, "cannot start a thread");
            atomic_store(&pool.stop, 1);
            break;
        }
        started = t;
    }
    if (*st == PC_OK)
        range_work(&ws[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(ws[t].thread, NULL);
    /* the first error a thread met (threads stopped by it end quietly) */
    for (int t = 0; *st == PC_OK && ws && t < nt; t++)
        if (ws[t].st != PC_OK) {
            *st = ws[t].st;
            if (t > 0)
                pc_error(ctx, *st, "%s", pc_ctx_error(ws[t].ctx));
        }
    if (*st == PC_OK)
        *st = join_ranges(ctx, &pool, layer);
    for (int k = 0; pool.ranges && k < pool.nranges; k++)
        feats_free(ctx, layer, &pool.ranges[k].out);
    for (int t = 1; ws && t < nt; t++)
        pc_ctx_free(ws[t].ctx);
    free(ws);
    free(pool.ranges);
    pc_ctx_set_quiet(ctx, was_quiet);
    return 1;
}

static pc_status read_features(pc_ctx *ctx, GDALDatasetH ds, OGRLayerH lyr,
                               pc_layer *layer, const pc_read_opts *opts)
{
    GIntBig total = OGR_L_GetFeatureCount(lyr, TRUE);
    pc_status st;
    if (!read_parallel(ctx, ds, lyr, layer, opts, total,
                       pc_thread_count(opts ? opts->threads : 0), &st)) {
        struct feats all = {0};
        st = read_loop(ctx, lyr, layer, &all, total, opts, NULL);
        if (st != PC_OK) {
            feats_free(ctx, layer, &all);
            return st;
        }
        layer->features = all.f;
        layer->nfeatures = all.n;
        layer->cap = all.cap;
        layer->has_extent = all.has_extent;
        memcpy(layer->extent, all.extent, sizeof layer->extent);
    }
    if (st == PC_OK && opts && opts->progress)
        opts->progress(1.0, "reading", opts->progress_arg);
    return st;
}

/* A layer declared as any geometry (a GeoPackage GEOMETRY column, or a
 * GeoJSON file mixing Polygon and MultiPolygon, which GDAL calls Unknown)
 * holds what its features hold: when every non-empty geometry is of one
 * class, the layer is of that class (so its polygons are measured and
 * written as polygons, and a rule given the wrong kind is told so). */
static void class_from_features(pc_ctx *ctx, pc_layer *layer)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    pc_geom_class seen = PC_GEOM_NONE;
    for (size_t i = 0; i < layer->nfeatures; i++) {
        const GEOSGeometry *g = layer->features[i].geom;
        if (!g || GEOSisEmpty_r(h, g) != 0)
            continue;
        pc_geom_class c;
        switch (GEOSGeomTypeId_r(h, g)) {
        case GEOS_POINT:
        case GEOS_MULTIPOINT: c = PC_GEOM_POINT; break;
        case GEOS_LINESTRING:
        case GEOS_LINEARRING:
        case GEOS_MULTILINESTRING: c = PC_GEOM_LINE; break;
        case GEOS_POLYGON:
        case GEOS_MULTIPOLYGON: c = PC_GEOM_POLYGON; break;
        default: return;
        }
        if (seen != PC_GEOM_NONE && c != seen)
            return;
        seen = c;
    }
    if (seen != PC_GEOM_NONE)
        layer->geom_class = seen;
}

static int cmp_fid(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* GeoJSON features keep their "id" as FID, and GDAL reads repeated ones
 * as they are (and numbers features without one from 0, which may meet an
 * id): findings and the output's src_fid then name one FID for several
 * features. Say so; the features are all read and checked. */
static pc_status warn_repeated_fids(pc_ctx *ctx, const pc_layer *layer)
{
    size_t n = layer->nfeatures, i = 1;
    while (i < n && layer->features[i].fid > layer->features[i - 1].fid)
        i++;
    if (i >= n)
        return PC_OK; /* increasing, as most drivers give them */
    int64_t *fids = malloc(n * sizeof *fids);
    if (!fids)
        return PC_OOM(ctx);
    size_t k = 0;
    for (i = 0; i < n; i++)
        if (layer->features[i].fid >= 0) /* (none: not a shared one) */
            fids[k++] = layer->features[i].fid;
    qsort(fids, k, sizeof *fids, cmp_fid);
    size_t repeats = 0;
    int64_t first = 0;
    for (i = 1; i < k; i++)
        if (fids[i] == fids[i - 1] && repeats++ == 0)
            first = fids[i];
    free(fids);
    if (repeats)
        pc_warn(ctx, "%s: layer '%s': %zu feature%s repeat%s the FID of "
                "another (FID %" PRId64 "%s): findings and src_fid tell them "
                "apart only by key", layer->source, layer->source_layer,
                repeats, repeats == 1 ? "" : "s", repeats == 1 ? "s" : "",
                first, repeats == 1 ? "" : ", ...");
    return PC_OK;
}

/* The worst GDAL message while a layer is read: a damaged file can open
 * and then fail on a table GDAL reads later (its CRS, its features), with
 * a warning after the failure that would hide it from CPLGetLastErrorMsg. */
struct gdal_worst {
    CPLErr type;
    char msg[512];
};

static void CPL_STDCALL keep_worst(CPLErr type, CPLErrorNum num,
                                   const char *msg)
{
    (void)num;
    struct gdal_worst *w = CPLGetErrorHandlerUserData();
    if (type > w->type) {
        w->type = type;
        snprintf(w->msg, sizeof w->msg, "%s", msg ? msg : "");
    }
}

static pc_status read_layer(pc_ctx *ctx, const char *path,
                            const pc_read_opts *opts, pc_layer **out);

pc_status pc_read_layer(pc_ctx *ctx, const char *path,
                        const pc_read_opts *opts, pc_layer **out)
{
    struct gdal_worst worst = {CE_None, ""};
    pc_gdal_init();
    CPLPushErrorHandlerEx(keep_worst, &worst);
    pc_status st = read_layer(ctx, path, opts, out);
    CPLPopErrorHandler();
    if (st == PC_OK && worst.type >= CE_Failure) {
        pc_layer_free(ctx, *out);
        *out = NULL;
        return pc_error(ctx, PC_ERR_INPUT, "%s: cannot be read: %.200s",
                        path, gdal_reason(worst.msg));
    }
    return st;
}

static pc_status read_layer(pc_ctx *ctx, const char *path,
                            const pc_read_opts *opts, pc_layer **out)
{
    *out = NULL;
    pc_status st;
    GDALDatasetH ds = open_vector(ctx, path, opts ? opts->encoding : NULL, &st);
    if (!ds)
        return st;
    OGRLayerH lyr = NULL;
    const char *want = opts ? opts->layer : NULL;
    int nlayers = GDALDatasetGetLayerCount(ds);
    if (want) {
        lyr = GDALDatasetGetLayerByName(ds, want);
        if (!lyr) {
            char names[512] = "";
            for (int i = 0; i < nlayers && strlen(names) < 400; i++) {
                size_t len = strlen(names);
                snprintf(names + len, sizeof names - len, "%s'%s'",
                         i ? ", " : "",
                         OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
            }
            GDALClose(ds);
            return pc_error(ctx, PC_ERR_INPUT,
                            "%s: no layer '%s' (layers: %s)", path, want,
                            names[0] ? names : "none");
        }
    } else if (nlayers == 1) {
        lyr = GDALDatasetGetLayer(ds, 0);
    } else {
        GDALClose(ds);
        return pc_error(ctx, PC_ERR_INPUT,
                        "%s: %d layers; name one with -l/--layer (plancheck "
                        "info lists them)", path, nlayers);
    }
    if (!(opts && opts->encoding) &&
        !(lyr = open_in_sniffed_encoding(ctx, path, opts, &ds, lyr, &st)))
        return st;
    pc_layer *layer = pc_layer_new(opts && opts->name ? opts->name
                                                      : OGR_L_GetName(lyr));
    if (!layer) {
        GDALClose(ds);
        return PC_OOM(ctx);
    }
    layer->source = pc_strdup(path);
    layer->source_layer = pc_strdup(OGR_L_GetName(lyr));
    OGRwkbGeometryType gt = OGR_L_GetGeomType(lyr);
    layer->geom_type = pc_strdup(OGRGeometryTypeToName(gt));
    layer->geom_class = geom_class(gt);
    const char *enc = GDALGetMetadataItem((GDALMajorObjectH)lyr, "SOURCE_ENCODING", "SHAPEFILE");
    if (enc && *enc)
        layer->encoding = pc_strdup(enc);
    if (!layer->source || !layer->source_layer || !layer->geom_type) {
        st = PC_OOM(ctx);
        goto done;
    }
    char what[1024];
    snprintf(what, sizeof what, "%s: layer '%s'", path, layer->source_layer);
    if ((st = layer_crs(ctx, lyr, what, &layer->crs)) != PC_OK)
        goto done;
    if (!layer->crs && opts && opts->crs_fallback) {
        if ((st = pc_crs_from_string(ctx, opts->crs_fallback, what,
                                     &layer->crs)) != PC_OK)
            goto done;
        layer->crs_from_plan = 1;
    }
    if ((st = read_fields(ctx, OGR_L_GetLayerDefn(lyr), layer)) != PC_OK)
        goto done;
    if ((st = read_features(ctx, ds, lyr, layer, opts)) != PC_OK)
        goto done;
    if (layer->geom_class == PC_GEOM_MIXED)
        class_from_features(ctx, layer);
    st = warn_repeated_fids(ctx, layer);
done:
    GDALClose(ds);
    if (st != PC_OK) {
        pc_layer_free(ctx, layer);
        return st;
    }
    *out = layer;
    return PC_OK;
}

pc_status pc_read_layer_crs(pc_ctx *ctx, const char *path, const char *layer,
                            pc_crs **out)
{
    pc_status st;
    *out = NULL;
    GDALDatasetH ds = open_vector(ctx, path, NULL, &st);
    if (!ds)
        return st;
    OGRLayerH lyr = layer ? GDALDatasetGetLayerByName(ds, layer)
                          : GDALDatasetGetLayerCount(ds) == 1
                              ? GDALDatasetGetLayer(ds, 0)
                              : NULL;
    if (!lyr) {
        st = pc_error(ctx, PC_ERR_INPUT, layer ? "%s: no layer '%s'"
                      : "%s: several layers; name one%s", path,
                      layer ? layer : "");
    } else {
        char what[1024];
        snprintf(what, sizeof what, "%s: layer '%s'", path, OGR_L_GetName(lyr));
        st = layer_crs(ctx, lyr, what, out);
    }
    GDALClose(ds);
    return st;
}
