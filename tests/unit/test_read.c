/* test_read.c: the read stage (read.h): Shapefile in GBK, GeoJSON in
 * lon/lat, layers without CRS, curves and 3D, and the error messages.
 * Fixtures are written at run time with the GDAL C API (or as text). */
#include "testutil.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "plancheck/read.h"

/* The text, its UTF-8 and its GBK bytes (iconv -f UTF-8 -t GBK). */
#define ZH_TEXT "瓯江口 地块 A-18a"
static const unsigned char zh_gbk[] = {0xea, 0xb1, 0xbd, 0xad, 0xbf, 0xda,
                                       0x20, 0xb5, 0xd8, 0xbf, 0xe9, 0x20,
                                       0x41, 0x2d, 0x31, 0x38, 0x61};
static const unsigned char zh_utf8[] = {0xe7, 0x93, 0xaf, 0xe6, 0xb1, 0x9f,
                                        0xe5, 0x8f, 0xa3};

struct fx {
    pc_ctx *ctx;
    char *dir;
    char *shp_gbk;     /* parcels_gbk.shp: EPSG:4549, GBK, 3 polygons */
    char *shp_nocrs;   /* nocrs.shp: no .prj */
    char *gj_gdal;     /* lonlat.geojson, written by GDAL in EPSG:4326 */
    char *gj_text;     /* nulls.geojson: ids, NULL geometry, 3D polygon */
    char *gpkg;        /* multi.gpkg: layers parcels, roads, curves */
    char *txt;         /* notes.txt: not a dataset */
    char *bad_json;    /* broken.geojson: not JSON */
    char *empty_dir;
};

/* ---- fixture writers ----------------------------------------------------- */

static OGRSpatialReferenceH srs_epsg(int code)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    assert_non_null(srs);
    assert_int_equal(OSRImportFromEPSG(srs, code), OGRERR_NONE);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

static GDALDatasetH create_ds(const char *driver, const char *path)
{
    GDALDriverH drv = GDALGetDriverByName(driver);
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds)
        fail_msg("GDALCreate(%s, %s): %s", driver, path, CPLGetLastErrorMsg());
    return ds;
}

static void add_field(OGRLayerH lyr, const char *name, OGRFieldType type,
                      int width)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    if (width)
        OGR_Fld_SetWidth(fd, width);
    assert_int_equal(OGR_L_CreateField(lyr, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
}

/* Adds a feature with geometry `wkt` (NULL: none); fields set by caller
 * through `set` callbacks would be overkill: text field 0, real field 1
 * (NAN: unset), integer field 2 (INT64_MIN: NULL). */
static void add_feature(OGRLayerH lyr, const char *wkt, const char *text,
                        double real, int64_t integer)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    int nf = OGR_F_GetFieldCount(f);
    if (nf > 0) {
        if (text)
            OGR_F_SetFieldString(f, 0, text);
        else
            OGR_F_SetFieldNull(f, 0);
    }
    if (nf > 1 && !isnan(real))
        OGR_F_SetFieldDouble(f, 1, real);
    if (nf > 2) {
        if (integer == INT64_MIN)
            OGR_F_SetFieldNull(f, 2);
        else
            OGR_F_SetFieldInteger64(f, 2, integer);
    }
    if (wkt) {
        OGRGeometryH g = NULL;
        char *p = (char *)wkt;
        assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(f, g);
    }
    assert_int_equal(OGR_L_CreateFeature(lyr, f), OGRERR_NONE);
    OGR_F_Destroy(f);
}

static void write_shp_gbk(const char *path)
{
    GDALDatasetH ds = create_ds("ESRI Shapefile", path);
    OGRSpatialReferenceH srs = srs_epsg(4549);
    const char *opts[] = {"ENCODING=GBK", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "parcels_gbk", srs, wkbPolygon,
                                           (char **)opts);
    assert_non_null(lyr);
    add_field(lyr, "DKMC", OFTString, 80);
    add_field(lyr, "YDMJ", OFTReal, 0);
    add_field(lyr, "JS", OFTInteger, 0);
    add_feature(lyr, "POLYGON((580000 3093000,581000 3093000,581000 3094000,"
                     "580000 3094000,580000 3093000))", ZH_TEXT, 1500.5, 7);
    add_feature(lyr, "POLYGON((582000 3093000,582100 3093000,582100 3093100,"
                     "582000 3093000))", "工业用地 M1", 15.25, 0);
    add_feature(lyr, "POLYGON((583000 3095000,583010 3095000,583010 3095010,"
                     "583000 3095000))", "", 0.5, 42);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

static void write_shp_nocrs(const char *path)
{
    GDALDatasetH ds = create_ds("ESRI Shapefile", path);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "nocrs", NULL, wkbPolygon, NULL);
    assert_non_null(lyr);
    add_field(lyr, "name", OFTString, 20);
    add_feature(lyr, "POLYGON((580000 3093000,580010 3093000,580010 3093010,"
                     "580000 3093000))", "a", NAN, 0);
    GDALClose(ds);
}

static void write_geojson_lonlat(const char *path)
{
    GDALDatasetH ds = create_ds("GeoJSON", path);
    OGRSpatialReferenceH srs = srs_epsg(4326);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "lonlat", srs, wkbPolygon, NULL);
    assert_non_null(lyr);
    add_field(lyr, "name", OFTString, 0);
    add_field(lyr, "mj", OFTReal, 0);
    add_feature(lyr, "POLYGON((120.1 28.1,120.2 28.1,120.2 28.2,120.1 28.1))",
                "北", 1.5, 0);
    add_feature(lyr, "POLYGON((121.1 27.1,121.3 27.1,121.3 27.4,121.1 27.1))",
                "南", NAN, 0);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

static const char nulls_geojson[] =
    "{\"type\": \"FeatureCollection\", \"name\": \"nulls\",\n"
    " \"features\": [\n"
    "  {\"type\": \"Feature\", \"id\": 7, \"properties\": {\"name\": \"no "
    "geometry\", \"n\": 1}, \"geometry\": null},\n"
    "  {\"type\": \"Feature\", \"id\": 8, \"properties\": {\"name\": null, "
    "\"n\": null},\n"
    "   \"geometry\": {\"type\": \"Polygon\", \"coordinates\": "
    "[[[120.0, 28.0, 5.0], [120.01, 28.0, 6.0], [120.01, 28.01, 7.0], "
    "[120.0, 28.0, 5.0]]]}},\n"
    "  {\"type\": \"Feature\", \"id\": 9, \"properties\": {\"name\": \"pt\", "
    "\"n\": 3},\n"
    "   \"geometry\": {\"type\": \"Point\", \"coordinates\": [120.5, 28.5]}}\n"
    " ]}\n";

static void write_gpkg_multi(const char *path)
{
    GDALDatasetH ds = create_ds("GPKG", path);
    OGRSpatialReferenceH srs = srs_epsg(4549);
    OGRLayerH a = GDALDatasetCreateLayer(ds, "parcels", srs, wkbPolygon, NULL);
    assert_non_null(a);
    add_field(a, "name", OFTString, 0);
    add_feature(a, "POLYGON((580000 3093000,580010 3093000,580010 3093010,"
                   "580000 3093000))", "p", NAN, 0);
    OGRLayerH b = GDALDatasetCreateLayer(ds, "roads", srs, wkbLineString, NULL);
    assert_non_null(b);
    add_feature(b, "LINESTRING(580000 3093000,581000 3093000)", NULL, NAN, 0);
    OGRLayerH c = GDALDatasetCreateLayer(ds, "curves", srs, wkbCurvePolygon,
                                         NULL);
    assert_non_null(c);
    /* a circle of radius 10 m around (580010, 3093000) */
    add_feature(c, "CURVEPOLYGON(CIRCULARSTRING(580000 3093000,580020 3093000,"
                   "580000 3093000))", NULL, NAN, 0);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

static int group_setup(void **state)
{
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    struct fx *fx = calloc(1, sizeof *fx);
    if (!fx || !(fx->dir = tu_mkdtemp("read")))
        return -1;
    *state = fx;
    fx->shp_gbk = tu_path(fx->dir, "parcels_gbk.shp");
    fx->shp_nocrs = tu_path(fx->dir, "nocrs.shp");
    fx->gj_gdal = tu_path(fx->dir, "lonlat.geojson");
    fx->gj_text = tu_path(fx->dir, "nulls.geojson");
    fx->gpkg = tu_path(fx->dir, "multi.gpkg");
    fx->txt = tu_path(fx->dir, "notes.txt");
    fx->bad_json = tu_path(fx->dir, "broken.geojson");
    fx->empty_dir = tu_path(fx->dir, "empty");
    write_shp_gbk(fx->shp_gbk);
    write_shp_nocrs(fx->shp_nocrs);
    write_geojson_lonlat(fx->gj_gdal);
    tu_write_text(fx->gj_text, nulls_geojson);
    write_gpkg_multi(fx->gpkg);
    tu_write_text(fx->txt, "These are meeting notes, not geodata.\n"
                           "地块 A-18a 面积待定\n");
    tu_write_text(fx->bad_json, "{\"type\": \"FeatureCollection\", \"feat");
    if (mkdir(fx->empty_dir, 0755) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    struct fx *fx = *state;
    if (!fx)
        return 0;
    tu_rm_rf(fx->dir);
    free(fx->dir);
    free(fx->shp_gbk);
    free(fx->shp_nocrs);
    free(fx->gj_gdal);
    free(fx->gj_text);
    free(fx->gpkg);
    free(fx->txt);
    free(fx->bad_json);
    free(fx->empty_dir);
    free(fx);
    CPLPopErrorHandler();
    GDALDestroyDriverManager();
    OGRCleanupAll();
    return 0;
}

static int setup(void **state)
{
    struct fx *fx = *state;
    fx->ctx = pc_ctx_new();
    if (!fx->ctx)
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    pc_ctx_free(fx->ctx);
    fx->ctx = NULL;
    return 0;
}

static pc_layer *read_ok(pc_ctx *ctx, const char *path, const pc_read_opts *o)
{
    pc_layer *layer = NULL;
    pc_status st = pc_read_layer(ctx, path, o, &layer);
    if (st != PC_OK || !layer)
        fail_msg("pc_read_layer(%s): %d %s", path, (int)st, pc_ctx_error(ctx));
    return layer;
}

static void read_fails(pc_ctx *ctx, const char *path, const pc_read_opts *o,
                       pc_status expect)
{
    pc_layer *layer = (pc_layer *)&layer; /* must be reset to NULL */
    pc_error(ctx, PC_OK, "%s", "");
    pc_status st = pc_read_layer(ctx, path, o, &layer);
    if (st != expect)
        fail_msg("pc_read_layer(%s) = %d, expected %d (%s)", path, (int)st,
                 (int)expect, pc_ctx_error(ctx));
    assert_null(layer);
    assert_true(pc_ctx_error(ctx)[0] != '\0');
}

static int field(const pc_layer *layer, const char *name)
{
    int j = pc_layer_field_index(layer, name);
    if (j < 0)
        fail_msg("no field %s", name);
    return j;
}

/* ---- tests ------------------------------------------------------------- */

/* The DBF really holds GBK bytes (so the test below is not trivially
 * reading UTF-8), and a .cpg names the encoding. */
static void test_fixture_dbf_is_gbk(void **state)
{
    struct fx *fx = *state;
    char *dbf = tu_path(fx->dir, "parcels_gbk.dbf");
    char *cpg = tu_path(fx->dir, "parcels_gbk.cpg");
    size_t n = 0;
    unsigned char *bytes = tu_read_file(dbf, &n);
    assert_non_null(bytes);
    assert_non_null(memmem(bytes, n, zh_gbk, sizeof zh_gbk));
    assert_null(memmem(bytes, n, zh_utf8, sizeof zh_utf8));
    free(bytes);
    assert_true(tu_exists(cpg));
    free(dbf);
    free(cpg);
}

static void test_shapefile_gbk(void **state)
{
    struct fx *fx = *state;
    pc_layer *layer = read_ok(fx->ctx, fx->shp_gbk, NULL);
    assert_string_equal(layer->name, "parcels_gbk");
    assert_string_equal(layer->source, fx->shp_gbk);
    assert_string_equal(layer->source_layer, "parcels_gbk");
    assert_int_equal(layer->geom_class, PC_GEOM_POLYGON);
    assert_non_null(layer->geom_type);
    /* the encoding used */
    assert_non_null(layer->encoding);
    assert_true(tu_contains(layer->encoding, "GBK") ||
                tu_contains(layer->encoding, "936"));
    /* CRS from the .prj */
    assert_non_null(layer->crs);
    assert_int_equal(layer->crs_from_plan, 0);
    assert_string_equal(pc_crs_authority(layer->crs), "EPSG:4549");
    assert_true(pc_crs_is_projected(layer->crs));
    /* fields */
    assert_int_equal(layer->nfields, 3);
    int t = field(layer, "DKMC"), r = field(layer, "YDMJ"), i = field(layer, "JS");
    assert_int_equal(layer->fields[t].type, PC_FIELD_TEXT);
    assert_int_equal(layer->fields[r].type, PC_FIELD_REAL);
    assert_int_equal(layer->fields[i].type, PC_FIELD_INTEGER);
    assert_int_equal(field(layer, "dkmc"), t); /* case-insensitive lookup */
    assert_int_equal(pc_layer_field_index(layer, "nope"), -1);
    /* features, values in UTF-8 */
    assert_int_equal(layer->nfeatures, 3);
    static const char *const texts[] = {ZH_TEXT, "工业用地 M1", ""};
    static const double reals[] = {1500.5, 15.25, 0.5};
    static const int64_t ints[] = {7, 0, 42};
    for (size_t k = 0; k < 3; k++) {
        const pc_feature *f = &layer->features[k];
        assert_int_equal(f->fid, (int64_t)k);
        assert_non_null(f->geom);
        assert_null(f->geom_error);
        assert_false(f->values[r].is_null);
        assert_near(f->values[r].r, reals[k], 1e-9);
        assert_false(f->values[i].is_null);
        assert_int_equal(f->values[i].i, ints[k]);
        if (k < 2) {
            assert_false(f->values[t].is_null);
            assert_string_equal(f->values[t].s, texts[k]);
        }
    }
    char buf[64];
    assert_string_equal(pc_value_text(layer, (size_t)t,
                                      &layer->features[0].values[t], buf,
                                      sizeof buf), ZH_TEXT);
    assert_string_equal(pc_value_text(layer, (size_t)r,
                                      &layer->features[0].values[r], buf,
                                      sizeof buf), "1500.5");
    /* x is the easting */
    assert_true(layer->has_extent);
    assert_near(layer->extent[0], 580000, 1e-6);
    assert_near(layer->extent[1], 3093000, 1e-6);
    assert_near(layer->extent[2], 583010, 1e-6);
    assert_near(layer->extent[3], 3095010, 1e-6);
    pc_layer_free(fx->ctx, layer);
}

/* An explicit encoding and a layer name given by the caller. */
static void test_shapefile_options(void **state)
{
    struct fx *fx = *state;
    pc_read_opts o = {0};
    o.encoding = "GBK";
    o.name = "地块";
    o.layer = "parcels_gbk";
    o.crs_fallback = "EPSG:4490"; /* ignored: the data has a CRS */
    pc_layer *layer = read_ok(fx->ctx, fx->shp_gbk, &o);
    assert_string_equal(layer->name, "地块");
    assert_string_equal(layer->source_layer, "parcels_gbk");
    assert_string_equal(layer->features[0].values[field(layer, "DKMC")].s,
                        ZH_TEXT);
    assert_string_equal(pc_crs_authority(layer->crs), "EPSG:4549");
    assert_int_equal(layer->crs_from_plan, 0);
    pc_layer_free(fx->ctx, layer);
}

/* Copies parcels_gbk.{shp,shx,dbf,prj} to nocpg.* without the .cpg and
 * with the DBF's language driver id zeroed: a Shapefile that says nothing
 * about its encoding, as many in the wild. Returns the .shp path. */
static char *make_shp_without_cpg(struct fx *fx)
{
    static const char *const exts[] = {"shp", "shx", "dbf", "prj"};
    for (size_t i = 0; i < 4; i++) {
        char from[4096], to[4096], name[64];
        snprintf(name, sizeof name, "parcels_gbk.%s", exts[i]);
        tu_pathbuf(from, sizeof from, fx->dir, name);
        snprintf(name, sizeof name, "nocpg.%s", exts[i]);
        tu_pathbuf(to, sizeof to, fx->dir, name);
        size_t n = 0;
        unsigned char *bytes = tu_read_file(from, &n);
        assert_non_null(bytes);
        if (strcmp(exts[i], "dbf") == 0) {
            assert_true(n > 32);
            bytes[29] = 0; /* language driver id: none */
        }
        FILE *fp = fopen(to, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(bytes, 1, n, fp), n);
        assert_int_equal(fclose(fp), 0);
        free(bytes);
    }
    return tu_path(fx->dir, "nocpg.shp");
}

/* The plan's `encoding:` override decodes a Shapefile that does not say
 * its encoding, and layer->encoding reports the encoding used. */
static void test_shapefile_encoding_override(void **state)
{
    struct fx *fx = *state;
    char *shp = make_shp_without_cpg(fx);
    pc_read_opts o = {0};
    o.encoding = "GBK";
    pc_layer *layer = NULL;
    pc_status st = pc_read_layer(fx->ctx, shp, &o, &layer);
    free(shp);
    if (st != PC_OK)
        fail_msg("%s", pc_ctx_error(fx->ctx));
    int t = field(layer, "DKMC");
    const char *got0 = layer->features[0].values[t].s;
    const char *got1 = layer->features[1].values[t].s;
    const char *enc = layer->encoding;
    int ok0 = got0 && strcmp(got0, ZH_TEXT) == 0;
    int ok1 = got1 && strcmp(got1, "工业用地 M1") == 0;
    int ok_enc = enc && (tu_contains(enc, "GBK") || tu_contains(enc, "936"));
    pc_layer_free(fx->ctx, layer);
    assert_true(ok0);
    assert_true(ok1);
    if (!ok_enc)
        fail_msg("layer->encoding is %s, expected the encoding used (GBK)",
                 enc ? "set but not GBK" : "NULL");
}

/* ---- Shapefiles that do not say their encoding ---------------------------
 * Written by GDAL in `enc` (a layer creation option), then stripped of the
 * .cpg and of the DBF's language driver id, as ArcGIS often leaves them.
 * Two text fields, name and unit, one feature per pair. Returns the .shp
 * path. */
static char *write_shp_undeclared(struct fx *fx, const char *base,
                                  const char *enc, const char *const *names,
                                  const char *const *units, size_t n)
{
    char file[64], path[4096];
    snprintf(file, sizeof file, "%s.shp", base);
    char *shp = tu_path(fx->dir, file);
    GDALDatasetH ds = create_ds("ESRI Shapefile", shp);
    OGRSpatialReferenceH srs = srs_epsg(4549);
    char opt[64];
    snprintf(opt, sizeof opt, "ENCODING=%s", enc);
    const char *opts[] = {opt, NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, base, srs, wkbPolygon,
                                           (char **)opts);
    assert_non_null(lyr);
    add_field(lyr, "name", OFTString, 40);
    add_field(lyr, "unit", OFTString, 10);
    for (size_t i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, names[i]);
        OGR_F_SetFieldString(f, 1, units[i]);
        char *wkt = tu_square_wkt(TU_X0 + 200.0 * (double)i, TU_Y0, 100, 0);
        OGRGeometryH g = NULL;
        char *p = wkt;
        assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(lyr, f), OGRERR_NONE);
        OGR_F_Destroy(f);
        free(wkt);
    }
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
    snprintf(file, sizeof file, "%s.cpg", base);
    unlink(tu_pathbuf(path, sizeof path, fx->dir, file));
    snprintf(file, sizeof file, "%s.dbf", base);
    tu_pathbuf(path, sizeof path, fx->dir, file);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 29, SEEK_SET), 0);
    assert_int_equal(fputc(0, fp), 0); /* language driver id: none */
    assert_int_equal(fclose(fp), 0);
    return shp;
}

/* 1 when the .dbf beside `shp` holds `bytes` and no .cpg is there. */
static int dbf_holds(const char *shp, const void *bytes, size_t len)
{
    size_t n = strlen(shp), size = 0;
    char *dbf = strdup(shp), *cpg = strdup(shp), *CPG = strdup(shp);
    memcpy(dbf + n - 3, "dbf", 3);
    memcpy(cpg + n - 3, "cpg", 3);
    memcpy(CPG + n - 3, "CPG", 3);
    unsigned char *data = tu_read_file(dbf, &size);
    int ok = data && size > 32 && data[29] == 0 &&
             memmem(data, size, bytes, len) && !tu_exists(cpg) &&
             !tu_exists(CPG);
    free(data);
    free(dbf);
    free(cpg);
    free(CPG);
    return ok;
}

static const char *only_warning(pc_ctx *ctx)
{
    if (pc_ctx_warning_count(ctx) != 1)
        fail_msg("%zu warnings, expected 1 (first: %s)",
                 pc_ctx_warning_count(ctx),
                 pc_ctx_warning_count(ctx) ? pc_ctx_warning(ctx, 0) : "");
    return pc_ctx_warning(ctx, 0);
}

/* GBK text (地块 is B5 D8 BF E9, not UTF-8: iconv -t GBK) is read as
 * GB18030, with a warning naming the file, the field and the feature; the
 * plan's layer id goes into the hint. */
static void test_undeclared_gbk(void **state)
{
    struct fx *fx = *state;
    static const char *const names[] = {"A-1", "地块", "工业用地"};
    static const char *const units[] = {"亩", "亩", "公顷"};
    static const unsigned char dikuai_gbk[] = {0xb5, 0xd8, 0xbf, 0xe9};
    char *shp = write_shp_undeclared(fx, "gbk", "CP936", names, units, 3);
    assert_true(dbf_holds(shp, dikuai_gbk, sizeof dikuai_gbk));
    pc_read_opts o = {0};
    o.name = "parcels";
    pc_layer *layer = read_ok(fx->ctx, shp, &o);
    int nm = field(layer, "name"), un = field(layer, "unit");
    assert_int_equal(layer->nfeatures, 3);
    for (size_t k = 0; k < 3; k++) {
        assert_string_equal(layer->features[k].values[nm].s, names[k]);
        assert_string_equal(layer->features[k].values[un].s, units[k]);
    }
    assert_string_equal(layer->encoding, "GB18030");
    const char *w = only_warning(fx->ctx);
    assert_contains(w, shp);
    assert_contains(w, "no .cpg");
    /* fid 0's '亩' passes as UTF-8 ('Ķ'); fid 1 is the first that does not */
    assert_contains(w, "field 'name' of fid 1 ('地块') reads as GBK");
    assert_contains(w, "read as GB18030");
    assert_contains(w, "`encoding: GB18030` in layers.parcels");
    pc_layer_free(fx->ctx, layer);
    /* without a plan layer (plancheck info) the hint is the option */
    pc_ctx_free(fx->ctx);
    fx->ctx = pc_ctx_new();
    pc_ctx_set_quiet(fx->ctx, 1);
    layer = read_ok(fx->ctx, shp, NULL);
    assert_string_equal(layer->features[1].values[nm].s, "地块");
    assert_contains(only_warning(fx->ctx), "--encoding GB18030");
    pc_layer_free(fx->ctx, layer);
    free(shp);
}

/* GBK whose every byte also passes as UTF-8: '亩' (C4 B6) is 'Ķ' in UTF-8.
 * Such two-byte-only "UTF-8" that is valid GBK is read as GBK. */
static void test_undeclared_gbk_lookalike(void **state)
{
    struct fx *fx = *state;
    static const char *const names[] = {"A-1", "A-2"};
    static const char *const units[] = {"亩", "ha"};
    static const unsigned char mu_gbk[] = {0xc4, 0xb6};
    char *shp = write_shp_undeclared(fx, "gbk_mu", "CP936", names, units, 2);
    assert_true(dbf_holds(shp, mu_gbk, sizeof mu_gbk));
    pc_layer *layer = read_ok(fx->ctx, shp, NULL);
    assert_string_equal(layer->features[0].values[field(layer, "unit")].s,
                        "亩");
    assert_string_equal(layer->encoding, "GB18030");
    assert_contains(only_warning(fx->ctx), "field 'unit' of fid 0 ('亩')");
    pc_layer_free(fx->ctx, layer);
    free(shp);
}

/* Ten thousand ASCII records prove nothing: GBK text after them is still
 * found and read as GBK, not passed on as raw bytes. */
static void test_undeclared_gbk_late(void **state)
{
    struct fx *fx = *state;
    enum { N = 10050 };
    const char **names = malloc(N * sizeof *names);
    const char **units = malloc(N * sizeof *units);
    assert_non_null(names);
    assert_non_null(units);
    for (size_t i = 0; i < N; i++) {
        names[i] = i == N - 1 ? "地块" : "A";
        units[i] = "mu";
    }
    char *shp = write_shp_undeclared(fx, "gbk_late", "CP936", names, units, N);
    static const unsigned char dikuai_gbk[] = {0xb5, 0xd8, 0xbf, 0xe9};
    assert_true(dbf_holds(shp, dikuai_gbk, sizeof dikuai_gbk));
    pc_layer *layer = read_ok(fx->ctx, shp, NULL);
    assert_int_equal(layer->nfeatures, N);
    assert_string_equal(layer->features[N - 1].values[field(layer, "name")].s,
                        "地块");
    assert_string_equal(layer->encoding, "GB18030");
    assert_contains(only_warning(fx->ctx), "fid 10049 ('地块')");
    pc_layer_free(fx->ctx, layer);
    free(shp);
    free(names);
    free(units);
}

/* Two-byte UTF-8 without a CJK character (Polish, Russian names) is also
 * valid GBK byte for byte, but not in GB2312's range: read as UTF-8. */
static void test_undeclared_utf8_european(void **state)
{
    struct fx *fx = *state;
    static const char *const names[] = {"Łódź", "Парк"};
    static const char *const units[] = {"ha", "ha"};
    char *shp = write_shp_undeclared(fx, "utf8eu", "UTF-8", names, units, 2);
    static const unsigned char lodz[] = {0xc5, 0x81, 0xc3, 0xb3};
    assert_true(dbf_holds(shp, lodz, sizeof lodz));
    pc_layer *layer = read_ok(fx->ctx, shp, NULL);
    int nm = field(layer, "name");
    assert_string_equal(layer->features[0].values[nm].s, "Łódź");
    assert_string_equal(layer->features[1].values[nm].s, "Парк");
    assert_string_equal(layer->encoding, "UTF-8");
    pc_layer_free(fx->ctx, layer);
    free(shp);
}

/* UTF-8 text is read as UTF-8, with a warning that says so. */
static void test_undeclared_utf8(void **state)
{
    struct fx *fx = *state;
    static const char *const names[] = {"地块", "m² °"};
    static const char *const units[] = {"亩", "m²"};
    static const unsigned char dikuai_utf8[] = {0xe5, 0x9c, 0xb0, 0xe5, 0x9d,
                                                0x97};
    char *shp = write_shp_undeclared(fx, "utf8", "UTF-8", names, units, 2);
    assert_true(dbf_holds(shp, dikuai_utf8, sizeof dikuai_utf8));
    pc_read_opts o = {0};
    o.name = "p";
    pc_layer *layer = read_ok(fx->ctx, shp, &o);
    int nm = field(layer, "name"), un = field(layer, "unit");
    for (size_t k = 0; k < 2; k++) {
        assert_string_equal(layer->features[k].values[nm].s, names[k]);
        assert_string_equal(layer->features[k].values[un].s, units[k]);
    }
    assert_string_equal(layer->encoding, "UTF-8");
    const char *w = only_warning(fx->ctx);
    assert_contains(w, shp);
    assert_contains(w, "its text is UTF-8");
    assert_contains(w, "`encoding: UTF-8` in layers.p silences this");
    pc_layer_free(fx->ctx, layer);
    free(shp);
}

/* Latin-1 that is neither ('é' at the end is a GBK lead byte without its
 * second byte): read as ISO-8859-1, with a warning asking for the
 * encoding. */
static void test_undeclared_neither(void **state)
{
    struct fx *fx = *state;
    static const char *const names[] = {"Le Café", "Zone à bâtir"};
    static const char *const units[] = {"ha", "ha"};
    static const unsigned char cafe_latin1[] = {'C', 'a', 'f', 0xe9};
    char *shp = write_shp_undeclared(fx, "latin1", "ISO-8859-1", names,
                                     units, 2);
    assert_true(dbf_holds(shp, cafe_latin1, sizeof cafe_latin1));
    pc_read_opts o = {0};
    o.name = "p";
    pc_layer *layer = read_ok(fx->ctx, shp, &o);
    int nm = field(layer, "name");
    assert_string_equal(layer->features[0].values[nm].s, "Le Café");
    assert_string_equal(layer->features[1].values[nm].s, "Zone à bâtir");
    assert_string_equal(layer->encoding, "ISO-8859-1");
    const char *w = only_warning(fx->ctx);
    assert_contains(w, shp);
    assert_contains(w, "neither UTF-8 nor GBK");
    assert_contains(w, "field 'name' of fid 0 ('Le Café')");
    assert_contains(w, "read as ISO-8859-1");
    assert_contains(w, "`encoding:` in layers.p");
    pc_layer_free(fx->ctx, layer);
    free(shp);
}

/* ASCII needs nothing, a declared code page (the DBF's language driver id)
 * or the caller's encoding wins: no sniffing, no warning. */
static void test_undeclared_left_alone(void **state)
{
    struct fx *fx = *state;
    static const char *const ascii[] = {"A-1", "B-2"};
    static const char *const names[] = {"地块", "工业用地"};
    static const char *const units[] = {"mu", "mu"};
    char *shp = write_shp_undeclared(fx, "ascii", "CP936", ascii, units, 2);
    pc_layer *layer = read_ok(fx->ctx, shp, NULL);
    assert_string_equal(layer->features[1].values[field(layer, "name")].s,
                        "B-2");
    assert_null(layer->encoding);
    assert_int_equal(pc_ctx_warning_count(fx->ctx), 0);
    pc_layer_free(fx->ctx, layer);
    free(shp);

    /* the plan's encoding, even a wrong one, is used as given */
    shp = write_shp_undeclared(fx, "gbk2", "CP936", names, units, 2);
    pc_read_opts o = {0};
    o.encoding = "UTF-8";
    layer = read_ok(fx->ctx, shp, &o);
    assert_string_equal(layer->encoding, "UTF-8");
    assert_string_not_equal(
        layer->features[0].values[field(layer, "name")].s, "地块");
    assert_int_equal(pc_ctx_warning_count(fx->ctx), 0);
    pc_layer_free(fx->ctx, layer);

    /* language driver id 0x4D (CP936) and no .cpg: GDAL reads it */
    char path[4096];
    FILE *fp = fopen(tu_pathbuf(path, sizeof path, fx->dir, "gbk2.dbf"),
                     "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 29, SEEK_SET), 0);
    assert_int_equal(fputc(0x4d, fp), 0x4d);
    assert_int_equal(fclose(fp), 0);
    layer = read_ok(fx->ctx, shp, NULL);
    assert_string_equal(layer->features[0].values[field(layer, "name")].s,
                        "地块");
    assert_string_equal(layer->encoding, "CP936");
    assert_int_equal(pc_ctx_warning_count(fx->ctx), 0);
    pc_layer_free(fx->ctx, layer);
    free(shp);
}

static void test_geojson_lonlat(void **state)
{
    struct fx *fx = *state;
    pc_layer *layer = read_ok(fx->ctx, fx->gj_gdal, NULL);
    assert_non_null(layer->crs);
    assert_true(pc_crs_is_geographic(layer->crs));
    assert_string_equal(pc_crs_authority(layer->crs), "EPSG:4326");
    assert_int_equal(layer->crs_from_plan, 0);
    assert_null(layer->encoding);
    assert_int_equal(layer->geom_class, PC_GEOM_POLYGON);
    assert_int_equal(layer->nfeatures, 2);
    int n = field(layer, "name"), m = field(layer, "mj");
    assert_string_equal(layer->features[0].values[n].s, "北");
    assert_string_equal(layer->features[1].values[n].s, "南");
    assert_near(layer->features[0].values[m].r, 1.5, 0);
    assert_true(layer->features[1].values[m].is_null);
    /* FIDs are present and distinct; geometries are there, x = longitude */
    assert_true(layer->features[0].fid >= 0);
    assert_true(layer->features[1].fid >= 0);
    assert_true(layer->features[0].fid != layer->features[1].fid);
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    double x0, y0;
    assert_non_null(layer->features[0].geom);
    assert_non_null(layer->features[1].geom);
    assert_int_equal(GEOSGeomTypeId_r(h, layer->features[0].geom), GEOS_POLYGON);
    assert_int_equal(GEOSGeom_getXMin_r(h, layer->features[0].geom, &x0), 1);
    assert_int_equal(GEOSGeom_getYMin_r(h, layer->features[0].geom, &y0), 1);
    assert_near(x0, 120.1, 1e-12);
    assert_near(y0, 28.1, 1e-12);
    assert_near(layer->extent[0], 120.1, 1e-12);
    assert_near(layer->extent[1], 27.1, 1e-12);
    assert_near(layer->extent[2], 121.3, 1e-12);
    assert_near(layer->extent[3], 28.2, 1e-12);
    pc_layer_free(fx->ctx, layer);
}

/* GeoJSON ids become FIDs; NULL geometry is NULL (not an error); a 3D
 * polygon comes back 2D; JSON nulls are NULL values. */
static void test_geojson_ids_nulls_3d(void **state)
{
    struct fx *fx = *state;
    pc_layer *layer = read_ok(fx->ctx, fx->gj_text, NULL);
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    assert_int_equal(layer->nfeatures, 3);
    assert_int_equal(layer->features[0].fid, 7);
    assert_int_equal(layer->features[1].fid, 8);
    assert_int_equal(layer->features[2].fid, 9);
    /* NULL geometry */
    assert_null(layer->features[0].geom);
    assert_null(layer->features[0].geom_error);
    /* 3D polygon -> 2D */
    const GEOSGeometry *g = layer->features[1].geom;
    assert_non_null(g);
    assert_null(layer->features[1].geom_error);
    assert_int_equal(GEOSGeomTypeId_r(h, g), GEOS_POLYGON);
    assert_int_equal(GEOSHasZ_r(h, g), 0);
    assert_int_equal(GEOSGeom_getCoordinateDimension_r(h, g), 2);
    double x;
    assert_int_equal(GEOSGeom_getXMax_r(h, g, &x), 1);
    assert_near(x, 120.01, 1e-12);
    /* NULL attribute values */
    int n = field(layer, "name"), k = field(layer, "n");
    assert_int_equal(layer->fields[k].type, PC_FIELD_INTEGER);
    assert_string_equal(layer->features[0].values[n].s, "no geometry");
    assert_true(layer->features[1].values[n].is_null);
    assert_true(layer->features[1].values[k].is_null);
    char buf[32];
    assert_null(pc_value_text(layer, (size_t)k, &layer->features[1].values[k],
                              buf, sizeof buf));
    assert_string_equal(pc_value_text(layer, (size_t)k,
                                      &layer->features[2].values[k], buf,
                                      sizeof buf), "3");
    pc_layer_free(fx->ctx, layer);
}

static void test_no_crs_and_fallback(void **state)
{
    struct fx *fx = *state;
    pc_layer *layer = read_ok(fx->ctx, fx->shp_nocrs, NULL);
    assert_null(layer->crs);
    assert_int_equal(layer->crs_from_plan, 0);
    assert_int_equal(layer->nfeatures, 1);
    pc_layer_free(fx->ctx, layer);

    pc_read_opts o = {0};
    o.crs_fallback = "EPSG:4549";
    layer = read_ok(fx->ctx, fx->shp_nocrs, &o);
    assert_non_null(layer->crs);
    assert_string_equal(pc_crs_authority(layer->crs), "EPSG:4549");
    assert_int_equal(layer->crs_from_plan, 1);
    pc_layer_free(fx->ctx, layer);

    /* a bad fallback is a CRS error */
    o.crs_fallback = "EPSG:999999";
    read_fails(fx->ctx, fx->shp_nocrs, &o, PC_ERR_CRS);
}

static void test_gpkg_layers(void **state)
{
    struct fx *fx = *state;
    char **names = NULL;
    size_t count = 0;
    assert_int_equal(pc_read_layer_names(fx->ctx, fx->gpkg, &names, &count),
                     PC_OK);
    assert_int_equal(count, 3);
    assert_null(names[3]);
    int seen = 0;
    for (size_t i = 0; i < count; i++) {
        seen |= strcmp(names[i], "parcels") == 0 ? 1 : 0;
        seen |= strcmp(names[i], "roads") == 0 ? 2 : 0;
        seen |= strcmp(names[i], "curves") == 0 ? 4 : 0;
    }
    assert_int_equal(seen, 7);
    pc_read_names_free(names);
    pc_read_names_free(NULL);

    /* several layers and none named: an input error */
    read_fails(fx->ctx, fx->gpkg, NULL, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), fx->gpkg);

    pc_read_opts o = {0};
    o.layer = "roads";
    pc_layer *layer = read_ok(fx->ctx, fx->gpkg, &o);
    assert_string_equal(layer->name, "roads");
    assert_int_equal(layer->geom_class, PC_GEOM_LINE);
    assert_string_equal(pc_crs_authority(layer->crs), "EPSG:4549");
    pc_layer_free(fx->ctx, layer);
}

/* Curves are linearised: a circle of radius 10 m becomes a polygon of
 * area close to 100 pi (within 0.01 %: GDAL's default 4-degree chords
 * would lose 0.08 %). */
static void test_curves_linearised(void **state)
{
    struct fx *fx = *state;
    pc_read_opts o = {0};
    o.layer = "curves";
    pc_layer *layer = read_ok(fx->ctx, fx->gpkg, &o);
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    assert_int_equal(layer->geom_class, PC_GEOM_POLYGON);
    assert_int_equal(layer->nfeatures, 1);
    const GEOSGeometry *g = layer->features[0].geom;
    if (!g)
        fail_msg("curve polygon not converted: %s",
                 layer->features[0].geom_error ? layer->features[0].geom_error
                                               : "?");
    assert_int_equal(GEOSGeomTypeId_r(h, g), GEOS_POLYGON);
    double a;
    assert_int_equal(GEOSArea_r(h, g, &a), 1);
    assert_rel(a, 100 * M_PI, 1e-4);
    pc_layer_free(fx->ctx, layer);
}

static void test_unknown_layer_lists_layers(void **state)
{
    struct fx *fx = *state;
    pc_read_opts o = {0};
    o.layer = "no_such_layer";
    read_fails(fx->ctx, fx->gpkg, &o, PC_ERR_INPUT);
    const char *msg = pc_ctx_error(fx->ctx);
    assert_contains(msg, fx->gpkg);
    assert_contains(msg, "no_such_layer");
    assert_contains(msg, "parcels");
    assert_contains(msg, "roads");
    assert_contains(msg, "curves");
    /* also for a single-layer source */
    read_fails(fx->ctx, fx->shp_gbk, &o, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), "parcels_gbk");
}

static void test_missing_and_bad_files(void **state)
{
    struct fx *fx = *state;
    char *missing = tu_path(fx->dir, "does_not_exist.shp");
    char *missing_dir = tu_path(fx->dir, "no/such/dir/x.gpkg");
    const char *const paths[] = {missing, missing_dir, fx->txt, fx->bad_json};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        read_fails(fx->ctx, paths[i], NULL, PC_ERR_INPUT);
        assert_contains(pc_ctx_error(fx->ctx), paths[i]);
        char **names = (char **)&names;
        size_t count = 99;
        assert_int_equal(pc_read_layer_names(fx->ctx, paths[i], &names, &count),
                         PC_ERR_INPUT);
        assert_null(names);
        assert_int_equal(count, 0);
        assert_contains(pc_ctx_error(fx->ctx), paths[i]);
    }
    /* an empty directory holds no layer */
    read_fails(fx->ctx, fx->empty_dir, NULL, PC_ERR_INPUT);
    assert_contains(pc_ctx_error(fx->ctx), fx->empty_dir);
    free(missing);
    free(missing_dir);
}

static void test_network_refused(void **state)
{
    struct fx *fx = *state;
    static const char *const urls[] = {
        "https://example.com/x.geojson",
        "http://example.com/x.geojson",
        "/vsicurl/https://example.com/x.geojson",
        "/vsicurl_streaming/https://example.com/x.geojson",
        "/vsis3/bucket/parcels.shp",
        "/vsizip//vsicurl/https://example.com/x.zip",
        "ftp://example.com/x.shp",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        pc_read_opts o = {0};
        o.layer = "x";
        read_fails(fx->ctx, urls[i], &o, PC_ERR_INPUT);
        assert_contains(pc_ctx_error(fx->ctx), "network");
        char **names = NULL;
        size_t count = 0;
        assert_int_equal(pc_read_layer_names(fx->ctx, urls[i], &names, &count),
                         PC_ERR_INPUT);
        assert_contains(pc_ctx_error(fx->ctx), "network");
    }
}

/* A GeoPackage layer large enough to be read in FID ranges on several
 * threads: FIDs with gaps, NULL values and NULL geometries. */
static char *write_gpkg_large(struct fx *fx, size_t n)
{
    char *path = tu_path(fx->dir, "large.gpkg");
    GDALDatasetH ds = create_ds("GPKG", path);
    OGRSpatialReferenceH srs = srs_epsg(4549);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "big", srs, wkbPolygon, NULL);
    assert_non_null(l);
    add_field(l, "code", OFTString, 0);
    add_field(l, "area", OFTReal, 0);
    add_field(l, "n", OFTInteger64, 0);
    assert_int_equal(GDALDatasetStartTransaction(ds, FALSE), OGRERR_NONE);
    for (size_t i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        /* gaps: every 7th FID missing, a jump of a million half way */
        OGR_F_SetFID(f, (GIntBig)(i + i / 6 + (i >= n / 2 ? 1000000 : 0) + 1));
        char code[32];
        snprintf(code, sizeof code, "P%06zu", i);
        if (i % 11)
            OGR_F_SetFieldString(f, 0, code);
        OGR_F_SetFieldDouble(f, 1, 0.5 * (double)i);
        OGR_F_SetFieldInteger64(f, 2, (GIntBig)i * 3);
        if (i % 13) {
            double x = 500000 + 10.0 * (double)(i % 300);
            double y = 3000000 + 10.0 * (double)(i / 300);
            char wkt[256];
            snprintf(wkt, sizeof wkt, "POLYGON((%.1f %.1f,%.1f %.1f,%.1f %.1f,"
                     "%.1f %.1f))", x, y, x + 10, y, x + 10, y + 10, x, y);
            OGRGeometryH g = NULL;
            char *w = wkt;
            assert_int_equal(OGR_G_CreateFromWkt(&w, NULL, &g), OGRERR_NONE);
            OGR_F_SetGeometryDirectly(f, g);
        }
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    assert_int_equal(GDALDatasetCommitTransaction(ds), OGRERR_NONE);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
    return path;
}

static int stop_at_half(double done, const char *what, void *arg)
{
    (void)what;
    (void)arg;
    return done < 0.5;
}

/* Reading in FID ranges on several threads gives exactly what one
 * sequential read gives: the same features in the same order. */
static void test_gpkg_parallel_read(void **state)
{
    struct fx *fx = *state;
    GEOSContextHandle_t h = pc_ctx_geos(fx->ctx);
    const size_t n = 70000; /* above the parallel threshold */
    char *path = write_gpkg_large(fx, n);
    pc_read_opts o1 = {0}, o4 = {0};
    o1.threads = 1;
    o4.threads = 4;
    pc_layer *a = read_ok(fx->ctx, path, &o1);
    pc_layer *b = read_ok(fx->ctx, path, &o4);
    assert_int_equal(a->nfeatures, n);
    assert_int_equal(b->nfeatures, n);
    assert_int_equal(a->nfields, 3);
    size_t nulls = 0;
    for (size_t i = 0; i < n; i++) {
        const pc_feature *fa = &a->features[i], *fb = &b->features[i];
        if (fa->fid != fb->fid)
            fail_msg("feature %zu: FID %lld, in parallel %lld", i,
                     (long long)fa->fid, (long long)fb->fid);
        assert_true(i == 0 || fa->fid > a->features[i - 1].fid);
        assert_int_equal(fa->values[0].is_null, fb->values[0].is_null);
        if (!fa->values[0].is_null)
            assert_string_equal(fa->values[0].s, fb->values[0].s);
        assert_true(fa->values[1].r == fb->values[1].r);
        assert_int_equal(fa->values[2].i, fb->values[2].i);
        assert_int_equal(fa->geom == NULL, fb->geom == NULL);
        nulls += fa->geom == NULL;
        if (fa->geom)
            assert_int_equal(GEOSEqualsExact_r(h, fa->geom, fb->geom, 0), 1);
    }
    assert_int_equal(nulls, (n + 12) / 13);
    assert_int_equal(a->has_extent, 1);
    assert_int_equal(b->has_extent, 1);
    for (int k = 0; k < 4; k++)
        assert_true(a->extent[k] == b->extent[k]);
    assert_true(a->extent[0] == 500000 && a->extent[3] == 3000000 + 10.0 * (double)((n - 1) / 300) + 10);
    pc_layer_free(fx->ctx, a);
    pc_layer_free(fx->ctx, b);

    /* interrupted half way: an error, nothing kept, nothing leaked */
    o4.progress = stop_at_half;
    pc_layer *c = NULL;
    assert_int_not_equal(pc_read_layer(fx->ctx, path, &o4, &c), PC_OK);
    assert_null(c);
    assert_non_null(strstr(pc_ctx_error(fx->ctx), "interrupted"));
    free(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_fixture_dbf_is_gbk),
        T(test_shapefile_gbk),
        T(test_shapefile_options),
        T(test_shapefile_encoding_override),
        T(test_undeclared_gbk),
        T(test_undeclared_gbk_lookalike),
        T(test_undeclared_gbk_late),
        T(test_undeclared_utf8_european),
        T(test_undeclared_utf8),
        T(test_undeclared_neither),
        T(test_undeclared_left_alone),
        T(test_geojson_lonlat),
        T(test_geojson_ids_nulls_3d),
        T(test_no_crs_and_fallback),
        T(test_gpkg_layers),
        T(test_curves_linearised),
        T(test_unknown_layer_lists_layers),
        T(test_missing_and_bad_files),
        T(test_network_refused),
        T(test_gpkg_parallel_read),
    };
#undef T
    return cmocka_run_group_tests_name("read", tests, group_setup,
                                       group_teardown);
}
