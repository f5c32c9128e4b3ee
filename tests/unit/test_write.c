/* test_write.c: the GeoPackage writer (write.h): layers, CRS and axis
 * order, values, run metadata, spatial indexes, and the refusals that keep
 * existing files and inputs intact. */
#include "testutil.h"

#include <dirent.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "plancheck/findings.h"
#include "plancheck/measure.h"
#include "plancheck/write.h"

#define X0 580000.0
#define Y0 3093000.0

struct fx {
    pc_ctx *ctx;
    char *dir;
    pc_layer *layer;
    pc_layer_areas areas;
    pc_findings findings;
    size_t f_name, f_ratio, f_count;
};

static const pc_kv meta[] = {
    {"tool", "plancheck " PC_VERSION},
    {"plan_sha256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
    {"working_crs", "EPSG:4549"},
    {"note", "瓯江口 控规"},
};
#define NMETA (sizeof meta / sizeof meta[0])

static char *square(double x, double y, double side)
{
    return pc_aprintf("POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,"
                      "%.3f %.3f))", x, y, x + side, y, x + side, y + side, x,
                      y + side, x, y);
}

static void build_layer(struct fx *fx)
{
    pc_ctx *ctx = fx->ctx;
    pc_layer *l = tu_layer_new(ctx, "parcels", "EPSG:4549");
    free(l->source);
    free(l->source_layer);
    l->source = pc_strdup("data/parcels.shp");
    l->source_layer = pc_strdup("parcels_src");
    fx->f_name = tu_layer_add_field(l, "DKMC", PC_FIELD_TEXT);
    fx->f_ratio = tu_layer_add_field(l, "RJL", PC_FIELD_REAL);
    fx->f_count = tu_layer_add_field(l, "JS", PC_FIELD_INTEGER);
    char *w0 = square(X0, Y0, 100);
    char *w1 = square(X0 + 200, Y0, 50);
    char *w2 = square(X0 + 400, Y0 + 300, 10);
    char *w2m = pc_aprintf("MULTIPOLYGON((%.*s),((%.3f %.3f,%.3f %.3f,%.3f %.3f,"
                           "%.3f %.3f)))",
                           (int)strlen(strchr(w2, '(') + 1) - 1,
                           strchr(w2, '(') + 1, X0 + 500, Y0 + 300, X0 + 510,
                           Y0 + 300, X0 + 510, Y0 + 310, X0 + 500, Y0 + 300);
    pc_feature *f = tu_layer_add_feature(ctx, l, 100, w0);
    tu_set_text(f, fx->f_name, "瓯江口 地块 A-18a");
    tu_set_real(f, fx->f_ratio, 2.5);
    tu_set_int(f, fx->f_count, 7);
    f = tu_layer_add_feature(ctx, l, 101, w1);
    tu_set_text(f, fx->f_name, "B-2");
    tu_set_real(f, fx->f_ratio, 0.125);
    /* JS stays NULL */
    f = tu_layer_add_feature(ctx, l, 205, w2m);
    /* DKMC stays NULL */
    tu_set_real(f, fx->f_ratio, -1e-3);
    tu_set_int(f, fx->f_count, (int64_t)1 << 40);
    free(w0);
    free(w1);
    free(w2);
    free(w2m);
    pc_layer_update_extent(ctx, l);
    fx->layer = l;
    if (pc_measure_layer(ctx, l, PC_MEASURE_BOTH, NULL, NULL, &fx->areas) != PC_OK)
        fail_msg("measure: %s", pc_ctx_error(ctx));
}

static void build_findings(struct fx *fx)
{
    pc_finding f;
    memset(&f, 0, sizeof f);
    f.rule = "area.declared";
    f.severity = PC_SEV_ERROR;
    f.layer = "parcels";
    f.fid = 100;
    f.key = "A-18a";
    f.field = "YDMJ";
    f.measured_m2 = 10000.0;
    f.declared_m2 = 2000.0 / 3.0 * 16;
    f.diff_m2 = f.measured_m2 - f.declared_m2;
    f.diff_pct = 100 * f.diff_m2 / f.declared_m2;
    f.tolerance_m2 = 10.5;
    f.unit = "亩";
    f.declared_value = 16;
    f.method = "ellipsoidal";
    f.message = "测得面积 10000 m² 与申报 16 亩 不符";
    f.geom = GEOSGeom_clone_r(pc_ctx_geos(fx->ctx), fx->layer->features[0].geom);
    assert_int_equal(pc_findings_add(fx->ctx, &fx->findings, &f), PC_OK);

    memset(&f, 0, sizeof f);
    f.rule = "area.unit";
    f.severity = PC_SEV_WARNING;
    f.layer = "parcels";
    f.fid = -1;
    f.key = "fid:101";
    f.field = "DW";
    f.measured_m2 = NAN;
    f.declared_m2 = NAN;
    f.diff_m2 = NAN;
    f.diff_pct = NAN;
    f.tolerance_m2 = NAN;
    f.declared_value = NAN;
    f.message = "unknown unit 'acre'";
    assert_int_equal(pc_findings_add(fx->ctx, &fx->findings, &f), PC_OK);
    assert_int_equal(pc_findings_finish(fx->ctx, &fx->findings), PC_OK);
}

static int gdal_done;

static int group_setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    free(*state);
    if (gdal_done)
        CPLPopErrorHandler();
    GDALDestroyDriverManager();
    OGRCleanupAll();
    return 0;
}

static int setup(void **state)
{
    struct fx *fx = *state;
    fx->ctx = pc_ctx_new();
    if (!fx->ctx || !(fx->dir = tu_mkdtemp("write")))
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    build_layer(fx);
    build_findings(fx);
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    pc_findings_clear(fx->ctx, &fx->findings);
    pc_layer_areas_clear(&fx->areas);
    pc_layer_free(fx->ctx, fx->layer);
    fx->layer = NULL;
    pc_ctx_free(fx->ctx);
    fx->ctx = NULL;
    tu_rm_rf(fx->dir);
    free(fx->dir);
    fx->dir = NULL;
    return 0;
}

/* GDAL for reading back; the writer must not need it (first test). */

static void gdal_init(void)
{
    if (!gdal_done) {
        GDALAllRegister();
        CPLPushErrorHandler(CPLQuietErrorHandler);
        gdal_done = 1;
    }
}

static pc_write_opts opts_for(struct fx *fx, const char *path)
{
    pc_write_opts o;
    memset(&o, 0, sizeof o);
    o.path = path;
    o.crs = fx->layer->crs;
    return o;
}

static pc_status write_default(struct fx *fx, const pc_write_opts *o,
                               const pc_kv *m, size_t nm)
{
    pc_out_layer ol = {.layer = fx->layer, .areas = &fx->areas};
    return pc_write_gpkg(fx->ctx, o, &ol, 1, &fx->findings, m, nm);
}

/* Names in `dir` containing ".tmp-": the writer's temporary files. */
static int count_tmp_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp-")) {
            print_error("left behind: %s/%s\n", dir, e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

static int same_bytes(const char *path, const unsigned char *bytes, size_t n)
{
    size_t m = 0;
    unsigned char *now = tu_read_file(path, &m);
    int same = now && m == n && memcmp(now, bytes, n) == 0;
    free(now);
    return same;
}

/* Runs one SQL query and returns the first column of the first row as an
 * integer (-1 when there is no row). */
static long long sql_int(GDALDatasetH ds, const char *sql)
{
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (!res)
        fail_msg("SQL failed: %s: %s", sql, CPLGetLastErrorMsg());
    long long v = -1;
    OGRFeatureH f = OGR_L_GetNextFeature(res);
    if (f) {
        v = OGR_F_GetFieldAsInteger64(f, 0);
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, res);
    return v;
}

/* ---- tests ------------------------------------------------------------- */

/* The writer registers the GDAL drivers it needs: a caller that only
 * writes (no pc_read_* before) must work. Runs first, before this file
 * calls GDALAllRegister itself. */
static void test_write_without_prior_gdal_init(void **state)
{
    struct fx *fx = *state;
    char path[4096];
    tu_pathbuf(path, sizeof path, fx->dir, "first.gpkg");
    pc_write_opts o = opts_for(fx, path);
    pc_status st = write_default(fx, &o, meta, NMETA);
    if (st != PC_OK)
        fail_msg("pc_write_gpkg without GDALAllRegister: %d %s", (int)st,
                 pc_ctx_error(fx->ctx));
    assert_true(tu_exists(path));
}

static void test_write_and_read_back(void **state)
{
    struct fx *fx = *state;
    gdal_init();
    char *path = tu_path(fx->dir, "out.gpkg");
    pc_write_opts o = opts_for(fx, path);
    pc_status st = write_default(fx, &o, meta, NMETA);
    if (st != PC_OK)
        fail_msg("pc_write_gpkg: %d %s", (int)st, pc_ctx_error(fx->ctx));
    assert_int_equal(count_tmp_files(fx->dir), 0);

    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 NULL, NULL);
    assert_non_null(ds);
    assert_string_equal(GDALGetDriverShortName(GDALGetDatasetDriver(ds)),
                        "GPKG");
    OGRLayerH lf = GDALDatasetGetLayerByName(ds, "findings");
    OGRLayerH lp = GDALDatasetGetLayerByName(ds, "parcels");
    OGRLayerH lr = GDALDatasetGetLayerByName(ds, "plancheck_run");
    assert_non_null(lf);
    assert_non_null(lp);
    assert_non_null(lr);
    assert_int_equal(OGR_L_GetFeatureCount(lf, TRUE), 2);
    assert_int_equal(OGR_L_GetFeatureCount(lp, TRUE), 3);
    assert_int_equal(OGR_L_GetFeatureCount(lr, TRUE), NMETA);
    /* no point/line findings, so no such layers */
    assert_null(GDALDatasetGetLayerByName(ds, "findings_points"));
    assert_null(GDALDatasetGetLayerByName(ds, "findings_lines"));

    /* CRS of the spatial layers; plancheck_run has no geometry */
    OGRLayerH spatial[] = {lf, lp};
    for (int k = 0; k < 2; k++) {
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(spatial[k]);
        assert_non_null(srs);
        assert_string_equal(OSRGetAuthorityName(srs, NULL), "EPSG");
        assert_string_equal(OSRGetAuthorityCode(srs, NULL), "4549");
    }
    assert_int_equal(OGR_L_GetGeomType(lr), wkbNone);

    /* the input layer: x = easting; values round-trip */
    OGREnvelope env;
    assert_int_equal(OGR_L_GetExtent(lp, &env, TRUE), OGRERR_NONE);
    assert_near(env.MinX, X0, 1e-6);
    assert_near(env.MaxX, X0 + 510, 1e-6);
    assert_near(env.MinY, Y0, 1e-6);
    assert_near(env.MaxY, Y0 + 310, 1e-6);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lp);
    int i_fid = OGR_FD_GetFieldIndex(defn, "src_fid");
    int i_name = OGR_FD_GetFieldIndex(defn, "DKMC");
    int i_ratio = OGR_FD_GetFieldIndex(defn, "RJL");
    int i_count = OGR_FD_GetFieldIndex(defn, "JS");
    int i_ap = OGR_FD_GetFieldIndex(defn, "area_planar_m2");
    int i_ae = OGR_FD_GetFieldIndex(defn, "area_ellipsoidal_m2");
    assert_true(i_fid >= 0 && i_name >= 0 && i_ratio >= 0 && i_count >= 0 &&
                i_ap >= 0 && i_ae >= 0);
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i_name)),
                     OFTString);
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i_ratio)),
                     OFTReal);
    OGRFieldType ct = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i_count));
    assert_true(ct == OFTInteger64 || ct == OFTInteger);
    OGR_L_ResetReading(lp);
    OGRFeatureH f;
    size_t seen = 0;
    while ((f = OGR_L_GetNextFeature(lp)) != NULL) {
        int64_t src = OGR_F_GetFieldAsInteger64(f, i_fid);
        size_t k = src == 100 ? 0 : src == 101 ? 1 : src == 205 ? 2 : 99;
        if (k == 99)
            fail_msg("unexpected src_fid %lld", (long long)src);
        seen |= (size_t)1 << k;
        const pc_feature *pf = &fx->layer->features[k];
        const pc_value *v = pf->values;
        if (v[fx->f_name].is_null)
            assert_false(OGR_F_IsFieldSetAndNotNull(f, i_name));
        else
            assert_string_equal(OGR_F_GetFieldAsString(f, i_name),
                                v[fx->f_name].s);
        assert_true(OGR_F_GetFieldAsDouble(f, i_ratio) == v[fx->f_ratio].r);
        if (v[fx->f_count].is_null)
            assert_false(OGR_F_IsFieldSetAndNotNull(f, i_count));
        else
            assert_int_equal(OGR_F_GetFieldAsInteger64(f, i_count),
                             v[fx->f_count].i);
        assert_near(OGR_F_GetFieldAsDouble(f, i_ap), fx->areas.planar_m2[k],
                    1e-9);
        assert_near(OGR_F_GetFieldAsDouble(f, i_ae),
                    fx->areas.ellipsoidal_m2[k], 1e-9);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        assert_non_null(g);
        assert_near(OGR_G_Area(g), fx->areas.planar_m2[k], 1e-6);
        OGREnvelope ge;
        OGR_G_GetEnvelope(g, &ge);
        double ex, ey;
        GEOSGeom_getXMin_r(pc_ctx_geos(fx->ctx), pf->geom, &ex);
        GEOSGeom_getYMin_r(pc_ctx_geos(fx->ctx), pf->geom, &ey);
        assert_near(ge.MinX, ex, 1e-6);
        assert_near(ge.MinY, ey, 1e-6);
        OGR_F_Destroy(f);
    }
    assert_int_equal(seen, 7);

    /* findings */
    defn = OGR_L_GetLayerDefn(lf);
    int i_id = OGR_FD_GetFieldIndex(defn, "finding_id");
    int i_rule = OGR_FD_GetFieldIndex(defn, "rule");
    int i_sev = OGR_FD_GetFieldIndex(defn, "severity");
    int i_src = OGR_FD_GetFieldIndex(defn, "src_fid");
    int i_meas = OGR_FD_GetFieldIndex(defn, "measured_m2");
    int i_unit = OGR_FD_GetFieldIndex(defn, "declared_unit");
    int i_msg = OGR_FD_GetFieldIndex(defn, "message");
    assert_true(i_id >= 0 && i_rule >= 0 && i_sev >= 0 && i_src >= 0 &&
                i_meas >= 0 && i_unit >= 0 && i_msg >= 0);
    OGR_L_ResetReading(lf);
    int got_geom = 0, got_plain = 0;
    while ((f = OGR_L_GetNextFeature(lf)) != NULL) {
        const char *rule = OGR_F_GetFieldAsString(f, i_rule);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (strcmp(rule, "area.declared") == 0) {
            got_geom++;
            assert_string_equal(OGR_F_GetFieldAsString(f, i_id),
                                "area.declared:parcels:A-18a:YDMJ");
            assert_string_equal(OGR_F_GetFieldAsString(f, i_sev), "error");
            assert_int_equal(OGR_F_GetFieldAsInteger64(f, i_src), 100);
            assert_near(OGR_F_GetFieldAsDouble(f, i_meas), 10000, 0);
            assert_string_equal(OGR_F_GetFieldAsString(f, i_unit), "亩");
            assert_string_equal(OGR_F_GetFieldAsString(f, i_msg),
                                "测得面积 10000 m² 与申报 16 亩 不符");
            assert_non_null(g);
            assert_near(OGR_G_Area(g), 1e4, 1e-6);
            OGREnvelope ge;
            OGR_G_GetEnvelope(g, &ge);
            assert_near(ge.MinX, X0, 1e-6);
            assert_near(ge.MinY, Y0, 1e-6);
        } else if (strcmp(rule, "area.unit") == 0) {
            got_plain++;
            assert_string_equal(OGR_F_GetFieldAsString(f, i_id),
                                "area.unit:parcels:fid:101:DW");
            assert_string_equal(OGR_F_GetFieldAsString(f, i_sev), "warning");
            assert_false(OGR_F_IsFieldSetAndNotNull(f, i_src));
            assert_false(OGR_F_IsFieldSetAndNotNull(f, i_meas));
            assert_false(OGR_F_IsFieldSetAndNotNull(f, i_unit));
            assert_true(g == NULL || OGR_G_IsEmpty(g));
        } else {
            fail_msg("unexpected rule %s", rule);
        }
        OGR_F_Destroy(f);
    }
    assert_int_equal(got_geom, 1);
    assert_int_equal(got_plain, 1);

    /* run metadata, in order */
    defn = OGR_L_GetLayerDefn(lr);
    int i_key = OGR_FD_GetFieldIndex(defn, "key");
    int i_val = OGR_FD_GetFieldIndex(defn, "value");
    assert_true(i_key >= 0 && i_val >= 0);
    OGR_L_ResetReading(lr);
    for (size_t k = 0; k < NMETA; k++) {
        f = OGR_L_GetNextFeature(lr);
        assert_non_null(f);
        assert_string_equal(OGR_F_GetFieldAsString(f, i_key), meta[k].key);
        assert_string_equal(OGR_F_GetFieldAsString(f, i_val), meta[k].value);
        OGR_F_Destroy(f);
    }
    assert_null(OGR_L_GetNextFeature(lr));

    /* an R-tree spatial index for each spatial layer */
    static const char *const tables[] = {"findings", "parcels"};
    for (int k = 0; k < 2; k++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM gpkg_extensions WHERE "
                 "extension_name = 'gpkg_rtree_index' AND "
                 "lower(table_name) = '%s'", tables[k]);
        if (sql_int(ds, sql) != 1)
            fail_msg("no gpkg_rtree_index entry for %s", tables[k]);
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                 "name = 'rtree_%s_geom'", tables[k]);
        if (sql_int(ds, sql) != 1)
            fail_msg("no R-tree table rtree_%s_geom", tables[k]);
    }
    /* the index of the input layer holds its three features */
    assert_int_equal(sql_int(ds, "SELECT COUNT(*) FROM rtree_parcels_geom"), 3);
    /* gpkg_contents registers the input layer with srs_id 4549 */
    assert_int_equal(sql_int(ds, "SELECT srs_id FROM gpkg_contents WHERE "
                                 "table_name = 'parcels'"), 4549);
    GDALClose(ds);
    free(path);
}

static void test_no_overwrite_keeps_file(void **state)
{
    struct fx *fx = *state;
    gdal_init();
    char *path = tu_path(fx->dir, "out.gpkg");
    pc_write_opts o = opts_for(fx, path);
    assert_int_equal(write_default(fx, &o, meta, NMETA), PC_OK);
    size_t n = 0;
    unsigned char *before = tu_read_file(path, &n);
    assert_non_null(before);
    assert_true(n > 0);

    /* again, without overwrite */
    static const pc_kv other[] = {{"run", "second"}};
    pc_error(fx->ctx, PC_OK, "%s", "");
    assert_int_equal(write_default(fx, &o, other, 1), PC_ERR_OUTPUT);
    assert_contains(pc_ctx_error(fx->ctx), path);
    assert_true(same_bytes(path, before, n));
    assert_int_equal(count_tmp_files(fx->dir), 0);

    /* with overwrite: replaced */
    o.overwrite = 1;
    pc_status st = write_default(fx, &o, other, 1);
    if (st != PC_OK)
        fail_msg("overwrite: %s", pc_ctx_error(fx->ctx));
    assert_false(same_bytes(path, before, n));
    assert_int_equal(count_tmp_files(fx->dir), 0);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 NULL, NULL);
    assert_non_null(ds);
    OGRLayerH lr = GDALDatasetGetLayerByName(ds, "plancheck_run");
    assert_non_null(lr);
    assert_int_equal(OGR_L_GetFeatureCount(lr, TRUE), 1);
    OGRFeatureH f = OGR_L_GetNextFeature(lr);
    assert_non_null(f);
    assert_string_equal(OGR_F_GetFieldAsString(f, 1), "second");
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(before);
    free(path);
}

/* The target may not be one of the inputs, however it is spelled, even
 * with overwrite. */
static void test_target_is_input(void **state)
{
    struct fx *fx = *state;
    gdal_init();
    char *input = tu_path(fx->dir, "parcels.geojson");
    tu_write_text(input, "{\"type\": \"FeatureCollection\", \"features\": []}\n");
    size_t n = 0;
    unsigned char *before = tu_read_file(input, &n);
    char *dotted = pc_aprintf("%s/./parcels.geojson", fx->dir);
    char *link = tu_path(fx->dir, "link.gpkg");
    assert_int_equal(symlink(input, link), 0);

    const char *targets[] = {input, dotted, link};
    const char *const inputs_a[] = {"/nonexistent/a.shp", input};
    const char *const inputs_b[] = {dotted};
    for (size_t t = 0; t < 3; t++) {
        for (int which = 0; which < 2; which++) {
            pc_write_opts o = opts_for(fx, targets[t]);
            o.overwrite = 1;
            o.inputs = which ? inputs_b : inputs_a;
            o.ninputs = which ? 1 : 2;
            pc_error(fx->ctx, PC_OK, "%s", "");
            pc_status st = write_default(fx, &o, meta, NMETA);
            if (st != PC_ERR_OUTPUT)
                fail_msg("target %s, inputs set %d: status %d (%s)",
                         targets[t], which, (int)st, pc_ctx_error(fx->ctx));
            assert_true(same_bytes(input, before, n));
        }
    }
    assert_int_equal(count_tmp_files(fx->dir), 0);
    free(before);
    free(input);
    free(dotted);
    free(link);
}

/* A target that cannot be written: nothing is left behind. */
static void test_unwritable_target(void **state)
{
    struct fx *fx = *state;
    gdal_init();
    char *sub;
    char *target;
    if (geteuid() == 0) {
        /* root ignores permissions: use a directory that does not exist */
        sub = tu_path(fx->dir, "no_such_dir");
        target = tu_path(sub, "out.gpkg");
    } else {
        sub = tu_path(fx->dir, "readonly");
        assert_int_equal(mkdir(sub, 0755), 0);
        assert_int_equal(chmod(sub, 0555), 0);
        target = tu_path(sub, "out.gpkg");
    }
    pc_write_opts o = opts_for(fx, target);
    pc_error(fx->ctx, PC_OK, "%s", "");
    assert_int_equal(write_default(fx, &o, meta, NMETA), PC_ERR_OUTPUT);
    assert_contains(pc_ctx_error(fx->ctx), target);
    assert_false(tu_exists(target));
    assert_int_equal(count_tmp_files(sub), 0);
    assert_int_equal(count_tmp_files(fx->dir), 0);
    chmod(sub, 0755);
    free(target);
    free(sub);
}

/* The target is a directory: refused even with overwrite. */
static void test_target_is_directory(void **state)
{
    struct fx *fx = *state;
    gdal_init();
    char *sub = tu_path(fx->dir, "adir.gpkg");
    assert_int_equal(mkdir(sub, 0755), 0);
    pc_write_opts o = opts_for(fx, sub);
    o.overwrite = 1;
    assert_int_equal(write_default(fx, &o, meta, NMETA), PC_ERR_OUTPUT);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(count_tmp_files(fx->dir), 0);
    free(sub);
}

/* A failure in the middle of writing (two layers with one name) leaves
 * neither the target nor a temporary file, and keeps an existing target. */
static void test_failed_write_leaves_nothing(void **state)
{
    struct fx *fx = *state;
    gdal_init();
    char *path = tu_path(fx->dir, "out.gpkg");
    pc_write_opts o = opts_for(fx, path);
    pc_out_layer two[] = {{.layer = fx->layer, .areas = &fx->areas},
                          {.layer = fx->layer, .areas = NULL}};
    pc_status st = pc_write_gpkg(fx->ctx, &o, two, 2, &fx->findings, meta,
                                 NMETA);
    assert_int_not_equal(st, PC_OK);
    assert_false(tu_exists(path));
    assert_int_equal(count_tmp_files(fx->dir), 0);

    /* with an existing target and overwrite: the old file survives */
    assert_int_equal(write_default(fx, &o, meta, NMETA), PC_OK);
    size_t n = 0;
    unsigned char *before = tu_read_file(path, &n);
    o.overwrite = 1;
    st = pc_write_gpkg(fx->ctx, &o, two, 2, &fx->findings, meta, NMETA);
    assert_int_not_equal(st, PC_OK);
    assert_true(same_bytes(path, before, n));
    assert_int_equal(count_tmp_files(fx->dir), 0);
    free(before);
    free(path);
}

/* Findings with points go to their own layer; no input layers and no
 * findings still give a valid GeoPackage. */
static void test_point_findings_and_empty(void **state)
{
    struct fx *fx = *state;
    gdal_init();
    pc_finding f;
    memset(&f, 0, sizeof f);
    f.rule = "test.point";
    f.severity = PC_SEV_INFO;
    f.layer = "parcels";
    f.fid = 7;
    f.key = "p";
    f.measured_m2 = f.declared_m2 = f.diff_m2 = f.diff_pct = NAN;
    f.tolerance_m2 = f.declared_value = NAN;
    f.message = "a point";
    f.geom = GEOSGeomFromWKT_r(pc_ctx_geos(fx->ctx), "POINT(580001 3093002)");
    assert_int_equal(pc_findings_add(fx->ctx, &fx->findings, &f), PC_OK);
    char *path = tu_path(fx->dir, "points.gpkg");
    pc_write_opts o = opts_for(fx, path);
    assert_int_equal(write_default(fx, &o, meta, NMETA), PC_OK);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 NULL, NULL);
    assert_non_null(ds);
    OGRLayerH lf = GDALDatasetGetLayerByName(ds, "findings");
    OGRLayerH lpts = GDALDatasetGetLayerByName(ds, "findings_points");
    assert_non_null(lf);
    assert_non_null(lpts);
    assert_int_equal(OGR_L_GetFeatureCount(lf, TRUE), 2);
    assert_int_equal(OGR_L_GetFeatureCount(lpts, TRUE), 1);
    OGRFeatureH pf = OGR_L_GetNextFeature(lpts);
    assert_non_null(pf);
    OGRGeometryH g = OGR_F_GetGeometryRef(pf);
    assert_non_null(g);
    OGREnvelope ge;
    OGR_G_GetEnvelope(g, &ge);
    assert_near(ge.MinX, 580001, 1e-9);
    assert_near(ge.MinY, 3093002, 1e-9);
    OGR_F_Destroy(pf);
    GDALClose(ds);

    /* nothing at all */
    pc_findings none = {0};
    char *empty = tu_path(fx->dir, "empty.gpkg");
    o = opts_for(fx, empty);
    assert_int_equal(pc_write_gpkg(fx->ctx, &o, NULL, 0, &none, NULL, 0), PC_OK);
    ds = GDALOpenEx(empty, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "findings");
    assert_non_null(l);
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), 0);
    assert_non_null(GDALDatasetGetLayerByName(ds, "plancheck_run"));
    GDALClose(ds);
    free(empty);
    free(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_write_without_prior_gdal_init), /* must stay first */
        T(test_write_and_read_back),
        T(test_no_overwrite_keeps_file),
        T(test_target_is_input),
        T(test_unwritable_target),
        T(test_target_is_directory),
        T(test_failed_write_leaves_nothing),
        T(test_point_findings_and_empty),
    };
#undef T
    return cmocka_run_group_tests_name("write", tests, group_setup,
                                       group_teardown);
}
