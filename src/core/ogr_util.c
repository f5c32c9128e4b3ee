/* ogr_util.c: conversions from the project's types to OGR's (ogr_util.h). */
#include "ogr_util.h"
#include "plancheck/crs.h"

OGRSpatialReferenceH pc_ogr_srs(const pc_crs *crs)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!srs)
        return NULL;
    const char *auth = pc_crs_authority(crs);
    if ((!auth || OSRSetFromUserInput(srs, auth) != OGRERR_NONE) &&
        OSRSetFromUserInput(srs, pc_crs_wkt(crs)) != OGRERR_NONE) {
        OSRRelease(srs);
        return NULL;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OGRGeometryH pc_ogr_geometry(GEOSContextHandle_t h, GEOSWKBWriter *w,
                             const GEOSGeometry *g)
{
    size_t size;
    unsigned char *buf = GEOSWKBWriter_write_r(h, w, g, &size);
    if (!buf)
        return NULL;
    OGRGeometryH og = NULL;
    if (OGR_G_CreateFromWkbEx(buf, NULL, &og, size) != OGRERR_NONE)
        og = NULL;
    GEOSFree_r(h, buf);
    return og;
}

void pc_ogr_set_values(OGRFeatureH of, const pc_layer *layer,
                       const pc_feature *f, int first)
{
    for (size_t j = 0; j < layer->nfields; j++) {
        const pc_value *v = f->values ? &f->values[j] : NULL;
        int k = first + (int)j;
        if (!v || v->is_null ||
            (layer->fields[j].type == PC_FIELD_TEXT && !v->s))
            OGR_F_SetFieldNull(of, k);
        else if (layer->fields[j].type == PC_FIELD_INTEGER)
            OGR_F_SetFieldInteger64(of, k, v->i);
        else if (layer->fields[j].type == PC_FIELD_REAL)
            OGR_F_SetFieldDouble(of, k, v->r);
        else
            OGR_F_SetFieldString(of, k, v->s);
    }
}
