/* gpkg.c: write stage: the output GeoPackage (findings, normalised input
 * layers, run metadata, and for QGIS each table's default style, field
 * aliases and layer metadata). Written into a temporary file beside the
 * target inside one transaction per layer, closed, checked, then renamed
 * over the target: a failed run leaves no partial GeoPackage behind. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
#include "plancheck/style.h"
#include "plancheck/write.h"

/* A table written and what QGIS shows of it; its style row and layer
 * metadata are written once every table is in (write_styles,
 * write_metadata). */
struct shown {
    char *name;
    char *identifier;       /* gpkg_contents.identifier, unique */
    char *description;      /* gpkg_contents.description */
    const pc_style *style;  /* NULL: an attribute table */
    const pc_kv *aliases;   /* the plan's, borrowed */
    size_t naliases;
    const pc_kv *builtin;   /* plancheck's own columns */
    size_t nbuiltin;
};

struct writer {
    pc_ctx *ctx;
    const pc_write_opts *opts;
    GDALDatasetH ds;
    OGRSpatialReferenceH srs;
    GEOSWKBWriter *wkb;
    const char *tmp;
    struct shown *shown;
    size_t nshown;
};

/* Chinese display names (QGIS field aliases) of the columns plancheck
 * adds to an input layer, and of its own tables. */
static const pc_kv input_aliases[] = {
    {"src_fid", "源要素编号"},
    {"area_planar_m2", "平面面积（平方米）"},
    {"area_ellipsoidal_m2", "椭球面积（平方米）"},
};
static const pc_kv finding_aliases[] = {
    {"finding_id", "问题编号"},        {"rule", "检查规则"},
    {"severity", "严重程度"},          {"layer", "图层"},
    {"src_fid", "源要素编号"},         {"feature_key", "要素编号"},
    {"layer2", "关联图层"},            {"src_fid2", "关联源要素编号"},
    {"feature_key2", "关联要素编号"},  {"field", "字段"},
    {"measured_m2", "实测面积（平方米）"},
    {"declared_m2", "申报面积（平方米）"},
    {"diff_m2", "面积差（平方米）"},   {"diff_pct", "面积差（%）"},
    {"tolerance_m2", "容差（平方米）"}, {"declared_value", "申报数值"},
    {"declared_unit", "申报单位"},     {"area_method", "面积计算方法"},
    {"repaired", "几何已修复"},        {"accepted", "已接受"},
    {"accepted_reason", "接受理由"},   {"message", "说明"},
};
static const pc_kv balance_aliases[] = {
    {"layer", "图层"},         {"zone", "片区"},
    {"code", "用地用海代码"},  {"level", "分类级别"},
    {"name_zh", "类别名称"},   {"name_en", "英文名称"},
    {"parcels", "地块数"},     {"area_m2", "面积（平方米）"},
    {"area_ha", "面积（公顷）"}, {"pct", "占比（%）"},
};
static const pc_kv run_aliases[] = {
    {"key", "项目"},
    {"value", "内容"},
};
#define NKV(a) (sizeof(a) / sizeof((a)[0]))

/* Records a table about to be written and returns its identifier (the
 * title, made unique: gpkg_contents.identifier is UNIQUE), or NULL when
 * out of memory. */
static const char *shown_add(struct writer *w, const char *name,
                             const char *title, const char *description,
                             const pc_style *style, const pc_kv *aliases,
                             size_t naliases, const pc_kv *builtin,
                             size_t nbuiltin)
{
    struct shown *grown = realloc(w->shown, (w->nshown + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    w->shown = grown;
    struct shown *s = &w->shown[w->nshown];
    memset(s, 0, sizeof *s);
    const char *base = title && *title ? title : name;
    for (int k = 0; k < 1000 && !s->identifier; k++) {
        char *id = k == 0   ? pc_strdup(base)
                   : k == 1 ? pc_aprintf("%s (%s)", base, name)
                            : pc_aprintf("%s (%s) %d", base, name, k);
        if (!id)
            return NULL;
        /* layer_styles keeps GDAL's default identifier, its name */
        int taken = !strcmp(id, "layer_styles");
        for (size_t i = 0; i < w->nshown && !taken; i++)
            taken = !strcmp(w->shown[i].identifier, id);
        if (taken)
            free(id);
        else
            s->identifier = id;
    }
    s->name = pc_strdup(name);
    s->description = pc_strdup(description ? description : "");
    if (!s->identifier || !s->name || !s->description) {
        free(s->identifier);
        free(s->name);
        free(s->description);
        return NULL;
    }
    s->style = style;
    s->aliases = aliases;
    s->naliases = naliases;
    s->builtin = builtin;
    s->nbuiltin = nbuiltin;
    w->nshown++;
    return s->identifier;
}

static void shown_free(struct writer *w)
{
    for (size_t i = 0; i < w->nshown; i++) {
        free(w->shown[i].name);
        free(w->shown[i].identifier);
        free(w->shown[i].description);
    }
    free(w->shown);
}

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

/* Creates a table with its gpkg_contents identifier and description, and
 * records it (shown_add) for its QGIS style and metadata. */
static OGRLayerH create_layer(struct writer *w, const char *name,
                              OGRwkbGeometryType type, const char *title,
                              const char *description, const pc_style *style,
                              const pc_kv *aliases, size_t naliases,
                              const pc_kv *builtin, size_t nbuiltin)
{
    const char *ident = shown_add(w, name, title, description, style,
                                  aliases, naliases, builtin, nbuiltin);
    if (!ident) {
        CPLError(CE_Failure, CPLE_OutOfMemory, "out of memory");
        return NULL;
    }
    char *desc = pc_aprintf("DESCRIPTION=%s", description ? description : "");
    char *id = pc_aprintf("IDENTIFIER=%s", ident);
    const char *opts[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES",
                          desc, id, NULL};
    OGRLayerH lyr = desc && id
                        ? GDALDatasetCreateLayer(w->ds, name,
                                                 type == wkbNone ? NULL : w->srs,
                                                 type, (char **)opts)
                        : NULL;
    free(desc);
    free(id);
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
    const pc_style *style = ol->style ? ol->style
                                      : pc_style_for_layer(NULL, layer);
    OGRLayerH lyr = create_layer(w, layer->name, type, ol->title,
                                 ol->description ? ol->description : desc,
                                 style, ol->aliases, ol->naliases,
                                 input_aliases, NKV(input_aliases));
    if (!lyr)
        return gdal_fail(w, "cannot create layer");
    int ok = add_field(lyr, "src_fid", OFTInteger64);
    for (size_t j = 0; ok && j < layer->nfields; j++) {
        static const OGRFieldType types[] = {OFTInteger64, OFTReal, OFTString};
        ok = add_field(lyr, layer->fields[j].name, types[layer->fields[j].type]);
    }
    /* a layer of mixed types keeps its polygons' areas too */
    int with_areas = ol->areas && (layer->geom_class == PC_GEOM_POLYGON ||
                                   ol->areas->n_polygons > 0);
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
    const pc_style *style = pc_style_get(name);
    OGRLayerH lyr = create_layer(w, name, type, style ? style->title_zh : NULL,
                                 "plancheck findings: one feature per rule "
                                 "violation, with a stable finding_id",
                                 style, NULL, 0, finding_aliases,
                                 NKV(finding_aliases));
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
    OGRLayerH lyr = create_layer(w, "plancheck_run", wkbNone, "运行信息",
                                 "plancheck run metadata: tool and library "
                                 "versions, plan, CRS, area method, "
                                 "tolerances, inputs, time",
                                 NULL, NULL, 0, run_aliases,
                                 NKV(run_aliases));
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
    OGRLayerH lyr = create_layer(w, "landuse_balance", wkbNone, "用地平衡表",
                                 "用地平衡表 land-use balance: area per "
                                 "用地用海 class and zone, in m2, ha and % of "
                                 "the zone", NULL, NULL, 0, balance_aliases,
                                 NKV(balance_aliases));
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

/* ---- QGIS: default styles and layer metadata ---------------------------- */

/* The QML of an attribute table: no symbology, only the field aliases
 * (QgsWkbTypes::NullGeometry is 4). */
static const char table_qml[] =
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    "<qgis version=\"3.28.0-Firenze\" styleCategories=\"Fields\">\n"
    "  <layerGeometryType>4</layerGeometryType>\n"
    "</qgis>\n";

/* The run's time as GeoPackage writes timestamps
 * ("%Y-%m-%dT%H:%M:%fZ"); now when the caller gave none. */
static void run_timestamp(const struct writer *w, char out[32])
{
    const char *t = w->opts->run_utc;
    char now[32];
    if (!t || strlen(t) != 20) {
        time_t sec = time(NULL);
        struct tm tm;
        gmtime_r(&sec, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        t = now;
    }
    snprintf(out, 32, "%.19s.000Z", t);
}

/* The display name of a field: the plan's alias, else plancheck's own. */
static const char *alias_of(const struct shown *s, const char *field)
{
    for (size_t i = 0; i < s->naliases; i++)
        if (!strcmp(s->aliases[i].key, field))
            return s->aliases[i].value;
    for (size_t i = 0; i < s->nbuiltin; i++)
        if (!strcmp(s->builtin[i].key, field))
            return s->builtin[i].value;
    return NULL;
}

/* The style's QML with an <aliases> block for the table's fields, numbered
 * as QGIS numbers a GeoPackage's fields (the FID column is field 0). */
static char *styled_qml(const struct shown *s, OGRLayerH lyr)
{
    static const pc_style table = {"table", table_qml, "", "", PC_GEOM_NONE,
                                   sizeof table_qml - 1};
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int n = OGR_FD_GetFieldCount(defn);
    pc_style_alias *al = calloc(n > 0 ? (size_t)n : 1, sizeof *al);
    if (!al)
        return NULL;
    size_t k = 0;
    for (int j = 0; j < n; j++) {
        const char *field = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, j));
        const char *alias = alias_of(s, field);
        if (alias)
            al[k++] = (pc_style_alias){field, alias, j + 1};
    }
    char *qml = pc_style_qml_with_aliases(s->style ? s->style : &table, al, k);
    free(al);
    return qml;
}

/* The table `layer_styles` exactly as QGIS creates it in a GeoPackage
 * (QGIS source src/core/providers/ogr/qgsogrprovidermetadata.cpp,
 * QgsOgrProviderMetadata::saveStyle: the same OGR calls, so the same
 * columns, types and gpkg_contents entry as data_type 'attributes'), with
 * one default row per table. QGIS loads the row whose f_table_name and
 * f_geometry_column match the layer, useAsDefault first
 * (QgsOgrProviderMetadata::loadStyle). */
static pc_status write_styles(struct writer *w)
{
    const char *const opts[] = {"FID=id", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(w->ds, "layer_styles", NULL,
                                           wkbNone, (char **)opts);
    if (!lyr)
        return gdal_fail(w, "cannot create table layer_styles");
    static const struct {
        const char *name;
        OGRFieldType type;
        int width;
    } cols[] = {
        {"f_table_catalog", OFTString, 256}, {"f_table_schema", OFTString, 256},
        {"f_table_name", OFTString, 256},    {"f_geometry_column", OFTString, 256},
        {"styleName", OFTString, 30},        {"styleQML", OFTString, 0},
        {"styleSLD", OFTString, 0},          {"useAsDefault", OFTInteger, 0},
        {"description", OFTString, 0},       {"owner", OFTString, 30},
        {"ui", OFTString, 30},               {"update_time", OFTDateTime, 0},
    };
    for (size_t k = 0; k < NKV(cols); k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(cols[k].name, cols[k].type);
        if (cols[k].width)
            OGR_Fld_SetWidth(fd, cols[k].width);
        if (!strcmp(cols[k].name, "useAsDefault"))
            OGR_Fld_SetSubType(fd, OFSTBoolean);
        if (!strcmp(cols[k].name, "update_time"))
            OGR_Fld_SetDefault(fd, "CURRENT_TIMESTAMP");
        int ok = OGR_L_CreateField(lyr, fd, TRUE) == OGRERR_NONE;
        OGR_Fld_Destroy(fd);
        if (!ok)
            return gdal_fail(w, "cannot create table layer_styles");
    }
    char stamp[32];
    run_timestamp(w, stamp);
    pc_status st = begin(w);
    if (st != PC_OK)
        return st;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < w->nshown && st == PC_OK; i++) {
        const struct shown *s = &w->shown[i];
        OGRLayerH table = GDALDatasetGetLayerByName(w->ds, s->name);
        char *qml = table ? styled_qml(s, table) : NULL;
        char *desc = pc_aprintf("plancheck: %s", s->identifier);
        if (!table || !qml || !desc) {
            st = table ? PC_OOM(w->ctx)
                       : pc_error(w->ctx, PC_ERR_INTERNAL, "%s: table %s "
                                  "not found", w->opts->path, s->name);
        } else {
            OGRFeatureH f = OGR_F_Create(defn);
            OGR_F_SetFieldString(f, 0, "");
            OGR_F_SetFieldString(f, 1, "");
            OGR_F_SetFieldString(f, 2, s->name);
            OGR_F_SetFieldString(f, 3, OGR_L_GetGeometryColumn(table));
            OGR_F_SetFieldString(f, 4, s->style ? s->style->name : "table");
            OGR_F_SetFieldString(f, 5, qml);
            OGR_F_SetFieldString(f, 6, "");
            OGR_F_SetFieldInteger(f, 7, 1);
            OGR_F_SetFieldString(f, 8, desc);
            OGR_F_SetFieldString(f, 9, "");
            OGR_F_SetFieldNull(f, 10);
            OGR_F_SetFieldString(f, 11, stamp);
            if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
                st = gdal_fail(w, "cannot write a layer style");
            OGR_F_Destroy(f);
        }
        free(qml);
        free(desc);
    }
    if (st != PC_OK) {
        GDALDatasetRollbackTransaction(w->ds);
        return st;
    }
    return commit(w);
}

/* Writes `s` as XML character data (or an attribute value). */
static void xml_put(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

static void xml_elem(FILE *out, const char *indent, const char *tag,
                     const char *text)
{
    fprintf(out, "%s<%s>", indent, tag);
    xml_put(out, text);
    fprintf(out, "</%s>\n", tag);
}

static const char *meta_get(const pc_kv *meta, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(meta[i].key, key))
            return meta[i].value;
    return NULL;
}

/* The layer metadata QGIS shows in its metadata panel, in QGIS's own
 * format (QgsLayerMetadata::writeMetadataXml, QGIS source
 * src/core/metadata/qgslayermetadata.cpp and qgsabstractmetadatabase.cpp):
 * title, abstract with the provenance, keywords, the run metadata as
 * history, creation date, CRS and extent. Returns a malloc'ed string. */
static char *qgis_metadata_xml(struct writer *w, const struct shown *s,
                               OGRLayerH lyr, const pc_kv *meta, size_t nmeta)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    const char *v;
    fputs("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
          "<qgis version=\"3.28.0-Firenze\">\n", out);
    xml_elem(out, "  ", "identifier", s->name);
    xml_elem(out, "  ", "parentidentifier",
             (v = meta_get(meta, nmeta, "plan_name")) ? v : "");
    xml_elem(out, "  ", "language", "ZHO");
    xml_elem(out, "  ", "type", "dataset");
    xml_elem(out, "  ", "title", s->identifier);
    fputs("  <abstract>", out);
    xml_put(out, s->description);
    fputs("\n\n由 plancheck 写出 (written by plancheck", out);
    static const struct {
        const char *key, *label;
    } prov[] = {{"tool", ""}, {"plan_file", "plan "}, {"plan_sha256", "SHA-256 "},
                {"working_crs", "CRS "}, {"area_method", "area method "},
                {"started_utc", "run "}, {"libraries", ""}};
    for (size_t i = 0; i < NKV(prov); i++)
        if ((v = meta_get(meta, nmeta, prov[i].key)) && *v) {
            fputs(i == 0 ? ": " : "; ", out);
            xml_put(out, prov[i].label);
            xml_put(out, v);
        }
    fputs("). 全部来源见历史 (History) 与表 plancheck_run.</abstract>\n", out);
    fputs("  <keywords vocabulary=\"gmd:topicCategory\">\n"
          "    <keyword>planningCadastre</keyword>\n  </keywords>\n", out);
    fputs("  <keywords vocabulary=\"plancheck\">\n", out);
    xml_elem(out, "    ", "keyword", "plancheck");
    xml_elem(out, "    ", "keyword", s->style ? s->style->name : "table");
    fputs("  </keywords>\n  <links/>\n", out);
    for (size_t i = 0; i < nmeta; i++) {
        fputs("  <history>", out);
        xml_put(out, meta[i].key);
        fputs(": ", out);
        xml_put(out, meta[i].value);
        fputs("</history>\n", out);
    }
    char stamp[32];
    run_timestamp(w, stamp);
    fprintf(out, "  <dates>\n    <date type=\"Created\" value=\"%.19sZ\"/>\n"
                 "  </dates>\n", stamp);
    fputs("  <fees></fees>\n  <encoding>UTF-8</encoding>\n", out);
    const pc_crs *crs = w->opts->crs;
    const char *auth = pc_crs_authority(crs);
    if (s->style) {
        /* QGIS reads the WKT when there is no srsid (its own table's id) */
        fputs("  <crs>\n    <spatialrefsys nativeFormat=\"Wkt\">\n", out);
        xml_elem(out, "      ", "wkt", pc_crs_wkt(crs));
        const char *colon = auth ? strchr(auth, ':') : NULL;
        xml_elem(out, "      ", "srid", colon ? colon + 1 : "");
        xml_elem(out, "      ", "authid", auth ? auth : "");
        xml_elem(out, "      ", "description", pc_crs_name(crs));
        xml_elem(out, "      ", "geographicflag",
                 pc_crs_is_geographic(crs) ? "true" : "false");
        fputs("    </spatialrefsys>\n  </crs>\n", out);
    } else {
        fputs("  <crs/>\n", out);
    }
    OGREnvelope env;
    if (s->style && OGR_L_GetExtent(lyr, &env, TRUE) == OGRERR_NONE) {
        fprintf(out, "  <extent>\n    <spatial dimensions=\"2\" crs=\"");
        xml_put(out, auth ? auth : "");
        fprintf(out, "\" minx=\"%.17g\" miny=\"%.17g\" minz=\"0\" "
                     "maxx=\"%.17g\" maxy=\"%.17g\" maxz=\"0\"/>\n"
                     "  </extent>\n", env.MinX, env.MinY, env.MaxX, env.MaxY);
    } else {
        fputs("  <extent/>\n", out);
    }
    fputs("</qgis>\n", out);
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Runs one SQL statement on the GeoPackage; 1 on success. */
static int exec_sql(struct writer *w, const char *sql)
{
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(w->ds, sql, NULL, NULL);
    if (res)
        GDALDatasetReleaseResultSet(w->ds, res);
    return CPLGetLastErrorType() < CE_Failure;
}

/* `s` as an SQL string literal (quotes doubled); malloc'ed. */
static char *sql_quote(const char *s)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 2 : 1;
    char *q = malloc(n), *o = q;
    if (!q)
        return NULL;
    *o++ = '\'';
    for (; *s; s++) {
        if (*s == '\'')
            *o++ = '\'';
        *o++ = *s;
    }
    *o++ = '\'';
    *o = '\0';
    return q;
}

/* QGIS layer metadata of every table, where QGIS looks for it in a
 * GeoPackage (QGIS source src/core/providers/ogr/qgsogrprovider.cpp,
 * QgsOgrProvider::loadMetadata, and qgsogrprovidermetadata.cpp,
 * saveLayerMetadata): a gpkg_metadata row with md_scope 'dataset',
 * md_standard_uri 'http://mrcc.com/qgis.dtd', mime_type 'text/xml', and a
 * gpkg_metadata_reference row with reference_scope 'table' naming the
 * table. The tables and their gpkg_extensions rows are created with the
 * DDL GDAL 3.6 itself uses (GeoPackage 1.2 metadata extension). */
static pc_status write_metadata(struct writer *w, const pc_kv *meta,
                                size_t nmeta)
{
    static const char *const ddl[] = {
        "CREATE TABLE gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY "
        "ASC NOT NULL,md_scope TEXT NOT NULL DEFAULT 'dataset',"
        "md_standard_uri TEXT NOT NULL,mime_type TEXT NOT NULL DEFAULT "
        "'text/xml',metadata TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE gpkg_metadata_reference (reference_scope TEXT NOT NULL,"
        "table_name TEXT,column_name TEXT,row_id_value INTEGER,timestamp "
        "DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
        "md_file_id INTEGER NOT NULL,md_parent_id INTEGER,CONSTRAINT "
        "crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),"
        "CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES "
        "gpkg_metadata(id))",
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT,"
        "column_name TEXT,extension_name TEXT NOT NULL,definition TEXT NOT "
        "NULL,scope TEXT NOT NULL,CONSTRAINT ge_tce UNIQUE (table_name, "
        "column_name, extension_name))",
        "INSERT INTO gpkg_extensions (table_name, column_name, "
        "extension_name, definition, scope) VALUES ('gpkg_metadata', NULL, "
        "'gpkg_metadata', "
        "'http://www.geopackage.org/spec120/#extension_metadata', "
        "'read-write')",
        "INSERT INTO gpkg_extensions (table_name, column_name, "
        "extension_name, definition, scope) VALUES ('gpkg_metadata_reference', "
        "NULL, 'gpkg_metadata', "
        "'http://www.geopackage.org/spec120/#extension_metadata', "
        "'read-write')",
    };
    pc_status st = begin(w);
    if (st != PC_OK)
        return st;
    for (size_t k = 0; k < NKV(ddl) && st == PC_OK; k++)
        if (!exec_sql(w, ddl[k]))
            st = gdal_fail(w, "cannot create the metadata tables");
    char stamp[32];
    run_timestamp(w, stamp);
    for (size_t i = 0; i < w->nshown && st == PC_OK; i++) {
        const struct shown *s = &w->shown[i];
        OGRLayerH lyr = GDALDatasetGetLayerByName(w->ds, s->name);
        char *xml = lyr ? qgis_metadata_xml(w, s, lyr, meta, nmeta) : NULL;
        char *qxml = xml ? sql_quote(xml) : NULL;
        char *qname = sql_quote(s->name);
        char *md = qxml ? pc_aprintf(
                              "INSERT INTO gpkg_metadata (id, md_scope, "
                              "md_standard_uri, mime_type, metadata) VALUES "
                              "(%zu, 'dataset', 'http://mrcc.com/qgis.dtd', "
                              "'text/xml', %s)", i + 1, qxml)
                        : NULL;
        char *ref = qname ? pc_aprintf(
                                "INSERT INTO gpkg_metadata_reference "
                                "(reference_scope, table_name, column_name, "
                                "row_id_value, timestamp, md_file_id, "
                                "md_parent_id) VALUES ('table', %s, NULL, "
                                "NULL, '%s', %zu, NULL)", qname, stamp, i + 1)
                          : NULL;
        if (!md || !ref)
            st = lyr ? PC_OOM(w->ctx)
                     : pc_error(w->ctx, PC_ERR_INTERNAL, "%s: table %s not "
                                "found", w->opts->path, s->name);
        else if (!exec_sql(w, md) || !exec_sql(w, ref))
            st = gdal_fail(w, "cannot write the layer metadata");
        free(xml);
        free(qxml);
        free(qname);
        free(md);
        free(ref);
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

    struct writer w = {ctx, opts, NULL, NULL, NULL, tmp, NULL, 0};
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
    if (st == PC_OK)
        st = write_styles(&w);
    if (st == PC_OK)
        st = write_metadata(&w, meta, nmeta);
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
    shown_free(&w);
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
