/* gpkg.c: write stage: the output GeoPackage (findings, normalised input
 * layers, run metadata). Written into a temporary file beside the target
 * inside one transaction per layer, closed, checked, then renamed over the
 * target: a failed run leaves no partial GeoPackage behind. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../core/internal.h"
#include "../core/ogr_util.h"
#include "plancheck/crs.h"
#include "plancheck/landuse.h"
#include "plancheck/write.h"

struct writer {
    pc_ctx *ctx;
    const pc_write_opts *opts;
    GDALDatasetH ds;
    OGRSpatialReferenceH srs;
    GEOSWKBWriter *wkb;
    const char *tmp;
};

static pc_status gdal_fail(struct writer *w, const char *what)
{
    const char *msg = CPLGetLastErrorMsg();
    return pc_error(w->ctx, PC_ERR_OUTPUT, "%s: %s%s%s", w->opts->path, what,
                    msg && *msg ? ": " : "", msg ? msg : "");
}

/* Converts a GEOS geometry to OGR, forced to the layer's geometry type so
 * that a layer holds one type (QGIS symbolises by type). */
static OGRGeometryH to_ogr(struct writer *w, const GEOSGeometry *g,
                           OGRwkbGeometryType type)
{
    OGRGeometryH og = pc_ogr_geometry(pc_ctx_geos(w->ctx), w->wkb, g);
    if (og && type != wkbUnknown)
        og = OGR_G_ForceTo(og, type, NULL);
    if (og)
        OGR_G_AssignSpatialReference(og, w->srs);
    return og;
}

static OGRLayerH create_layer(struct writer *w, const char *name,
                              OGRwkbGeometryType type, const char *description)
{
    char *desc = pc_aprintf("DESCRIPTION=%s", description ? description : "");
    const char *opts[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES",
                          desc, NULL};
    OGRLayerH lyr = desc ? GDALDatasetCreateLayer(w->ds, name,
                                                  type == wkbNone ? NULL : w->srs,
                                                  type, (char **)opts)
                         : NULL;
    free(desc);
    return lyr;
}

static int add_field(OGRLayerH lyr, const char *name, OGRFieldType type)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    int ok = OGR_L_CreateField(lyr, fd, TRUE) == OGRERR_NONE;
    OGR_Fld_Destroy(fd);
    return ok;
}

static void set_real(OGRFeatureH f, int i, double v)
{
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

static void set_text(OGRFeatureH f, int i, const char *s)
{
    if (s)
        OGR_F_SetFieldString(f, i, s);
    else
        OGR_F_SetFieldNull(f, i);
}

static OGRwkbGeometryType out_type(pc_geom_class c)
{
    switch (c) {
    case PC_GEOM_NONE: return wkbNone;
    case PC_GEOM_POINT: return wkbMultiPoint;
    case PC_GEOM_LINE: return wkbMultiLineString;
    case PC_GEOM_POLYGON: return wkbMultiPolygon;
    case PC_GEOM_MIXED: return wkbUnknown;
    }
    return wkbUnknown;
}

/* Starts a transaction, runs the layer body, commits: one transaction per
 * layer keeps SQLite's journal small and the file consistent. */
static pc_status begin(struct writer *w)
{
    return GDALDatasetStartTransaction(w->ds, FALSE) == OGRERR_NONE
               ? PC_OK
               : gdal_fail(w, "cannot start a transaction");
}

static pc_status commit(struct writer *w)
{
    return GDALDatasetCommitTransaction(w->ds) == OGRERR_NONE
               ? PC_OK
               : gdal_fail(w, "commit failed");
}

static pc_status write_input_layer(struct writer *w, const pc_out_layer *ol)
{
    const pc_layer *layer = ol->layer;
    char desc[1024];
    snprintf(desc, sizeof desc, "%s (layer %s), normalised to %s by plancheck",
             layer->source, layer->source_layer,
             pc_crs_authority(w->opts->crs) ? pc_crs_authority(w->opts->crs)
                                            : pc_crs_name(w->opts->crs));
    OGRwkbGeometryType type = out_type(layer->geom_class);
    OGRLayerH lyr = create_layer(w, layer->name, type, desc);
    if (!lyr)
        return gdal_fail(w, "cannot create layer");
    int ok = add_field(lyr, "src_fid", OFTInteger64);
    for (size_t j = 0; ok && j < layer->nfields; j++) {
        static const OGRFieldType types[] = {OFTInteger64, OFTReal, OFTString};
        ok = add_field(lyr, layer->fields[j].name, types[layer->fields[j].type]);
    }
    int with_areas = ol->areas && layer->geom_class == PC_GEOM_POLYGON;
    if (ok && with_areas)
        ok = add_field(lyr, "area_planar_m2", OFTReal) &&
             add_field(lyr, "area_ellipsoidal_m2", OFTReal);
    if (!ok)
        return gdal_fail(w, "cannot create field");
    pc_status st = begin(w);
    if (st != PC_OK)
        return st;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < layer->nfeatures && st == PC_OK; i++) {
        const pc_feature *f = &layer->features[i];
        OGRFeatureH of = OGR_F_Create(defn);
        OGR_F_SetFieldInteger64(of, 0, f->fid);
        pc_ogr_set_values(of, layer, f, 1);
        if (with_areas) {
            int k = (int)layer->nfields + 1;
            set_real(of, k, ol->areas->planar_m2[i]);
            set_real(of, k + 1, ol->areas->ellipsoidal_m2[i]);
        }
        if (f->geom && type != wkbNone) {
            OGRGeometryH g = to_ogr(w, f->geom, type);
            if (g)
                OGR_F_SetGeometryDirectly(of, g);
        }
        if (OGR_L_CreateFeature(lyr, of) != OGRERR_NONE)
            st = gdal_fail(w, "cannot write feature");
        OGR_F_Destroy(of);
        if (st == PC_OK && w->opts->progress && (i & 1023) == 0 &&
            !w->opts->progress((double)i / (double)(layer->nfeatures + 1),
                               "writing", w->opts->progress_arg))
            st = pc_error(w->ctx, PC_ERR_INTERNAL, "%s: interrupted; nothing "
                          "written", w->opts->path);
    }
    if (st != PC_OK) {
        GDALDatasetRollbackTransaction(w->ds);
        return st;
    }
    return commit(w);
}

enum { F_ID, F_RULE, F_SEV, F_LAYER, F_FID, F_KEY, F_LAYER2, F_FID2, F_KEY2,
       F_FIELD, F_MEAS, F_DECL, F_DIFF, F_PCT, F_TOL, F_DVAL, F_UNIT,
       F_METHOD, F_REPAIRED, F_ACCEPTED, F_REASON, F_MSG, F_COUNT };

static const struct {
    const char *name;
    OGRFieldType type;
} finding_fields[F_COUNT] = {
    {"finding_id", OFTString},   {"rule", OFTString},
    {"severity", OFTString},     {"layer", OFTString},
    {"src_fid", OFTInteger64},   {"feature_key", OFTString},
    {"layer2", OFTString},       {"src_fid2", OFTInteger64},
    {"feature_key2", OFTString}, {"field", OFTString},        {"measured_m2", OFTReal},
    {"declared_m2", OFTReal},    {"diff_m2", OFTReal},
    {"diff_pct", OFTReal},       {"tolerance_m2", OFTReal},
    {"declared_value", OFTReal}, {"declared_unit", OFTString},
    {"area_method", OFTString},  {"repaired", OFTInteger},
    {"accepted", OFTInteger},    {"accepted_reason", OFTString},
    {"message", OFTString},
};

/* Geometry class of a finding's geometry (NONE when it has none). */
static pc_geom_class finding_class(pc_ctx *ctx, const pc_finding *f)
{
    if (!f->geom)
        return PC_GEOM_NONE;
    switch (GEOSGeomTypeId_r(pc_ctx_geos(ctx), f->geom)) {
    case GEOS_POINT:
    case GEOS_MULTIPOINT: return PC_GEOM_POINT;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_MULTILINESTRING: return PC_GEOM_LINE;
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON: return PC_GEOM_POLYGON;
    default: return PC_GEOM_MIXED;
    }
}

/* Findings go to `findings` (polygons and findings without geometry);
 * findings with points or lines, when a rule produces them, to
 * `findings_points` / `findings_lines`, so each layer has one type. */
static pc_status write_findings_layer(struct writer *w, const pc_findings *fs,
                                      const char *name, pc_geom_class cls)
{
    OGRwkbGeometryType type = out_type(cls);
    OGRLayerH lyr = create_layer(w, name, type,
                                 "plancheck findings: one feature per rule "
                                 "violation, with a stable finding_id");
    if (!lyr)
        return gdal_fail(w, "cannot create layer");
    for (int k = 0; k < F_COUNT; k++)
        if (!add_field(lyr, finding_fields[k].name, finding_fields[k].type))
            return gdal_fail(w, "cannot create field");
    pc_status st = begin(w);
    if (st != PC_OK)
        return st;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < fs->n && st == PC_OK; i++) {
        const pc_finding *f = &fs->items[i];
        pc_geom_class c = finding_class(w->ctx, f);
        if (c == PC_GEOM_NONE || c == PC_GEOM_MIXED)
            c = PC_GEOM_POLYGON;
        if (c != cls)
            continue;
        OGRFeatureH of = OGR_F_Create(defn);
        set_text(of, F_ID, f->id);
        set_text(of, F_RULE, f->rule);
        set_text(of, F_SEV, pc_severity_name(f->severity));
        set_text(of, F_LAYER, f->layer);
        if (f->fid >= 0)
            OGR_F_SetFieldInteger64(of, F_FID, f->fid);
        else
            OGR_F_SetFieldNull(of, F_FID);
        set_text(of, F_KEY, f->key);
        set_text(of, F_LAYER2, f->layer2);
        if (f->fid2 >= 0)
            OGR_F_SetFieldInteger64(of, F_FID2, f->fid2);
        else
            OGR_F_SetFieldNull(of, F_FID2);
        set_text(of, F_KEY2, f->key2);
        set_text(of, F_FIELD, f->field);
        set_real(of, F_MEAS, f->measured_m2);
        set_real(of, F_DECL, f->declared_m2);
        set_real(of, F_DIFF, f->diff_m2);
        set_real(of, F_PCT, f->diff_pct);
        set_real(of, F_TOL, f->tolerance_m2);
        set_real(of, F_DVAL, f->declared_value);
        set_text(of, F_UNIT, f->unit);
        set_text(of, F_METHOD, f->method);
        OGR_F_SetFieldInteger(of, F_REPAIRED, f->repaired);
        OGR_F_SetFieldInteger(of, F_ACCEPTED, f->accepted);
        set_text(of, F_REASON, f->accepted_reason);
        set_text(of, F_MSG, f->message);
        if (f->geom && finding_class(w->ctx, f) == cls) {
            OGRGeometryH g = to_ogr(w, f->geom, type);
            if (g)
                OGR_F_SetGeometryDirectly(of, g);
        }
        if (OGR_L_CreateFeature(lyr, of) != OGRERR_NONE)
            st = gdal_fail(w, "cannot write finding");
        OGR_F_Destroy(of);
    }
    if (st != PC_OK) {
        GDALDatasetRollbackTransaction(w->ds);
        return st;
    }
    return commit(w);
}

static pc_status write_meta(struct writer *w, const pc_kv *meta, size_t n)
{
    OGRLayerH lyr = create_layer(w, "plancheck_run", wkbNone,
                                 "plancheck run metadata: tool and library "
                                 "versions, plan, CRS, area method, "
                                 "tolerances, inputs, time");
    if (!lyr || !add_field(lyr, "key", OFTString) ||
        !add_field(lyr, "value", OFTString))
        return gdal_fail(w, "cannot create table plancheck_run");
    pc_status st = begin(w);
    if (st != PC_OK)
        return st;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < n && st == PC_OK; i++) {
        OGRFeatureH of = OGR_F_Create(defn);
        set_text(of, 0, meta[i].key);
        set_text(of, 1, meta[i].value);
        if (OGR_L_CreateFeature(lyr, of) != OGRERR_NONE)
            st = gdal_fail(w, "cannot write run metadata");
        OGR_F_Destroy(of);
    }
    if (st != PC_OK) {
        GDALDatasetRollbackTransaction(w->ds);
        return st;
    }
    return commit(w);
}

/* The land-use balance table (用地平衡表): per layer and zone, each
 * first- and second-level 用地用海 class with parcels, 公顷 and share. */
static pc_status write_balance(struct writer *w, const pc_balance *b)
{
    enum { B_LAYER, B_ZONE, B_CODE, B_LEVEL, B_NAME_ZH, B_NAME_EN, B_PARCELS,
           B_M2, B_HA, B_PCT, B_COUNT };
    static const struct {
        const char *name;
        OGRFieldType type;
    } cols[B_COUNT] = {
        {"layer", OFTString},   {"zone", OFTString},    {"code", OFTString},
        {"level", OFTInteger},  {"name_zh", OFTString}, {"name_en", OFTString},
        {"parcels", OFTInteger64}, {"area_m2", OFTReal}, {"area_ha", OFTReal},
        {"pct", OFTReal}};
    OGRLayerH lyr = create_layer(w, "landuse_balance", wkbNone,
                                 "用地平衡表 land-use balance: area per "
                                 "用地用海 class and zone, in m2, ha and % of "
                                 "the zone");
    if (!lyr)
        return gdal_fail(w, "cannot create table landuse_balance");
    for (int k = 0; k < B_COUNT; k++)
        if (!add_field(lyr, cols[k].name, cols[k].type))
            return gdal_fail(w, "cannot create field");
    pc_status st = begin(w);
    if (st != PC_OK)
        return st;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < b->n && st == PC_OK; i++) {
        const pc_balance_row *r = &b->rows[i];
        OGRFeatureH of = OGR_F_Create(defn);
        set_text(of, B_LAYER, r->layer);
        set_text(of, B_ZONE, r->zone);
        if (r->cls) {
            set_text(of, B_CODE, r->cls->code);
            OGR_F_SetFieldInteger(of, B_LEVEL, r->cls->level);
            set_text(of, B_NAME_ZH, r->cls->name_zh);
            set_text(of, B_NAME_EN, r->cls->name_en);
        } else {
            OGR_F_SetFieldNull(of, B_CODE);
            OGR_F_SetFieldNull(of, B_LEVEL);
            set_text(of, B_NAME_ZH, r->total ? "合计" : "未分类");
            set_text(of, B_NAME_EN, r->total ? "total" : "unclassified");
        }
        OGR_F_SetFieldInteger64(of, B_PARCELS, (GIntBig)r->parcels);
        set_real(of, B_M2, r->area_m2);
        set_real(of, B_HA, r->area_m2 / 10000.0);
        set_real(of, B_PCT, r->pct);
        if (OGR_L_CreateFeature(lyr, of) != OGRERR_NONE)
            st = gdal_fail(w, "cannot write the land-use balance");
        OGR_F_Destroy(of);
    }
    if (st != PC_OK) {
        GDALDatasetRollbackTransaction(w->ds);
        return st;
    }
    return commit(w);
}

/* 1 when `path` is the same file as one of the run's inputs (same device
 * and inode, so links and ./ spellings are caught). */
static int is_input(const pc_write_opts *opts, const struct stat *target)
{
    for (size_t i = 0; i < opts->ninputs; i++) {
        struct stat in;
        if (stat(opts->inputs[i], &in) == 0 && in.st_dev == target->st_dev &&
            in.st_ino == target->st_ino)
            return 1;
    }
    return 0;
}

/* Removes the temporary file and SQLite's companions. */
static void remove_tmp(const char *tmp)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char *p = pc_aprintf("%s%s", tmp, suffixes[i]);
        if (p)
            unlink(p);
        free(p);
    }
}

pc_status pc_write_gpkg(pc_ctx *ctx, const pc_write_opts *opts,
                        const pc_out_layer *layers, size_t nlayers,
                        const pc_findings *findings, const pc_kv *meta,
                        size_t nmeta)
{
    struct stat st_target;
    if (stat(opts->path, &st_target) == 0) {
        if (is_input(opts, &st_target))
            return pc_error(ctx, PC_ERR_OUTPUT, "%s: the output is one of the "
                            "run's inputs; choose another output path",
                            opts->path);
        if (!opts->overwrite)
            return pc_error(ctx, PC_ERR_OUTPUT, "%s: already exists; use "
                            "--overwrite to replace it", opts->path);
        if (S_ISDIR(st_target.st_mode))
            return pc_error(ctx, PC_ERR_OUTPUT, "%s: is a directory",
                            opts->path);
    }
    /* The temporary file lives beside the target so that rename() is an
     * atomic replace on the same file system. */
    char *tmp = pc_aprintf("%s.tmp-XXXXXX.gpkg", opts->path);
    if (!tmp)
        return PC_OOM(ctx);
    int fd = mkstemps(tmp, 5);
    if (fd < 0) {
        pc_status st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot write here: "
                                "%s", opts->path, strerror(errno));
        free(tmp);
        return st;
    }
    close(fd);
    unlink(tmp); /* GDAL creates the file itself */

    struct writer w = {ctx, opts, NULL, NULL, NULL, tmp};
    pc_status st = PC_OK;
    pc_gdal_init();
    /* The temporary file only becomes the output after a clean close and
     * rename, so SQLite's own crash safety buys nothing here: no journal,
     * no fsync per transaction (the rename is the commit). */
    CPLSetThreadLocalConfigOption("OGR_SQLITE_JOURNAL", "OFF");
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    /* SQLite's R-tree insertions thrash its default 2 MB page cache: with
     * 128 MB, GDAL 3.6's spatial index build at close takes a third of the
     * time (100k parcels: 1.5 s -> 0.45 s for the whole write). */
    CPLSetThreadLocalConfigOption("OGR_SQLITE_CACHE", "512");
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) {
        st = pc_error(ctx, PC_ERR_INTERNAL, "GDAL has no GPKG driver");
        goto done;
    }
    w.ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!w.ds) {
        st = gdal_fail(&w, "cannot create GeoPackage");
        goto done;
    }
    if (!(w.srs = pc_ogr_srs(opts->crs))) {
        st = pc_error(ctx, PC_ERR_CRS, "%s: GDAL cannot use the working CRS %s",
                      opts->path, pc_crs_name(opts->crs));
        goto done;
    }
    w.wkb = GEOSWKBWriter_create_r(pc_ctx_geos(ctx));
    if (!w.wkb) {
        st = PC_OOM(ctx);
        goto done;
    }
    int has_points = 0, has_lines = 0;
    for (size_t i = 0; i < findings->n; i++) {
        pc_geom_class c = finding_class(ctx, &findings->items[i]);
        has_points |= c == PC_GEOM_POINT;
        has_lines |= c == PC_GEOM_LINE;
    }
    st = write_findings_layer(&w, findings, "findings", PC_GEOM_POLYGON);
    if (st == PC_OK && has_points)
        st = write_findings_layer(&w, findings, "findings_points", PC_GEOM_POINT);
    if (st == PC_OK && has_lines)
        st = write_findings_layer(&w, findings, "findings_lines", PC_GEOM_LINE);
    for (size_t i = 0; i < nlayers && st == PC_OK; i++)
        st = write_input_layer(&w, &layers[i]);
    if (st == PC_OK && opts->balance && opts->balance->n)
        st = write_balance(&w, opts->balance);
    if (st == PC_OK)
        st = write_meta(&w, meta, nmeta);
done:
    if (w.wkb)
        GEOSWKBWriter_destroy_r(pc_ctx_geos(ctx), w.wkb);
    if (w.ds) {
        CPLErrorReset();
        GDALClose(w.ds);
        /* GDAL 3.6's GDALClose returns nothing: a failed final flush shows
         * only as an error state. */
        if (st == PC_OK && CPLGetLastErrorType() >= CE_Failure)
            st = gdal_fail(&w, "closing the GeoPackage failed");
    }
    if (w.srs)
        OSRRelease(w.srs);
    CPLPopErrorHandler();
    /* The last chance to cancel: after this the output is complete. */
    if (st == PC_OK && opts->progress &&
        !opts->progress(1.0, "writing", opts->progress_arg))
        st = pc_error(ctx, PC_ERR_INTERNAL, "%s: interrupted; nothing written",
                      opts->path);
    if (st == PC_OK && rename(tmp, opts->path) != 0)
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot move the finished "
                      "output into place: %s", opts->path, strerror(errno));
    if (st != PC_OK)
        remove_tmp(tmp);
    free(tmp);
    return st;
}
