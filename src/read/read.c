/* read.c: read stage: any OGR vector source -> pc_layer (fields, FIDs,
 * 2D GEOS geometries, CRS). The only place that reads through GDAL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../core/internal.h"
#include "plancheck/crs.h"
#include "plancheck/read.h"

/* Network sources are refused by default: a plan check must not depend on
 * (or leak to) a server. */
static int is_network_path(const char *path)
{
    static const char *const prefixes[] = {
        "/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss",
        "/vsiswift", "/vsiwebhdfs", "/vsihdfs", "WFS:", "PG:", "MySQL:",
        "OCI:", "MSSQL:", "ODBC:", "ES:", "CouchDB:", "MongoDB", "OAPIF:",
        "CARTO:", "AMIGOCLOUD:", "NGW:", "PLScenes:", "EEDA:"};
    if (strstr(path, "://"))
        return 1;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
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

static GDALDatasetH open_vector(pc_ctx *ctx, const char *path,
                                const char *encoding, pc_status *st)
{
    pc_gdal_init();
    *st = check_path(ctx, path);
    if (*st != PC_OK)
        return NULL;
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
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
    CPLPopErrorHandler();
    if (!ds) {
        const char *msg = CPLGetLastErrorMsg();
        *st = pc_error(ctx, PC_ERR_INPUT,
                       "%s: not a vector dataset GDAL can read%s%s", path,
                       msg && *msg ? ": " : "", msg ? msg : "");
    }
    return ds;
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

/* Converts one OGR geometry to a 2D, linear GEOS geometry. On failure
 * returns NULL and sets *why (malloc'ed) to GEOS's reason. */
static GEOSGeometry *to_geos(pc_ctx *ctx, GEOSWKBReader *reader,
                             OGRGeometryH g, char **why)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    OGRGeometryH owned = NULL;
    *why = NULL;
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        owned = OGR_G_GetLinearGeometry(g, 0, NULL);
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

static pc_status read_values(pc_ctx *ctx, OGRFeatureH feat, pc_layer *layer,
                             pc_feature *f)
{
    f->values = calloc(layer->nfields ? layer->nfields : 1, sizeof *f->values);
    if (!f->values)
        return PC_OOM(ctx);
    for (size_t j = 0; j < layer->nfields; j++) {
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
        case PC_FIELD_TEXT:
            v->s = pc_strdup(OGR_F_GetFieldAsString(feat, (int)j));
            if (!v->s)
                return PC_OOM(ctx);
            break;
        }
    }
    return PC_OK;
}

static pc_status read_features(pc_ctx *ctx, OGRLayerH lyr, pc_layer *layer,
                               const pc_read_opts *opts)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
    if (!reader)
        return PC_OOM(ctx);
    GIntBig total = OGR_L_GetFeatureCount(lyr, TRUE);
    pc_status st = PC_OK;
    OGRFeatureH feat;
    OGR_L_ResetReading(lyr);
    CPLErrorReset();
    while ((feat = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (layer->nfeatures == layer->cap) {
            size_t cap = layer->cap ? 2 * layer->cap : 256;
            pc_feature *fs = realloc(layer->features, cap * sizeof *fs);
            if (!fs) {
                OGR_F_Destroy(feat);
                st = PC_OOM(ctx);
                break;
            }
            layer->features = fs;
            layer->cap = cap;
        }
        pc_feature *f = &layer->features[layer->nfeatures++];
        memset(f, 0, sizeof *f);
        f->fid = OGR_F_GetFID(feat);
        OGRGeometryH g = OGR_F_GetGeometryRef(feat);
        if (g)
            f->geom = to_geos(ctx, reader, g, &f->geom_error);
        st = read_values(ctx, feat, layer, f);
        OGR_F_Destroy(feat);
        if (st != PC_OK)
            break;
        if (opts && opts->progress && total > 0 &&
            (layer->nfeatures & 1023) == 0 &&
            !opts->progress((double)layer->nfeatures / (double)total,
                            "reading", opts->progress_arg)) {
            st = pc_error(ctx, PC_ERR_INTERNAL, "interrupted");
            break;
        }
    }
    if (st == PC_OK && CPLGetLastErrorType() >= CE_Failure)
        st = pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': read failed after "
                      "%zu features: %s", layer->source, layer->source_layer,
                      layer->nfeatures, CPLGetLastErrorMsg());
    if (st == PC_OK && opts && opts->progress)
        opts->progress(1.0, "reading", opts->progress_arg);
    GEOSWKBReader_destroy_r(h, reader);
    return st;
}

pc_status pc_read_layer(pc_ctx *ctx, const char *path,
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
    if ((st = read_features(ctx, lyr, layer, opts)) != PC_OK)
        goto done;
    pc_layer_update_extent(ctx, layer);
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
