/* fuzz_intake.c: geometry intake on arbitrary bytes, through the read
 * stage into the rules: the whole pipeline (read, CRS, measure, validity,
 * overlap, gaps, containment, slivers, the declared-area check) on one
 * layer made from the input. An even first byte: the rest is a GeoJSON
 * document; an odd one: the rest is WKB, written as one feature of a
 * GeoPackage (so curves, Z/M, nested collections and surfaces reach the
 * read stage as a file would bring them). Any outcome but a crash, hang or
 * leak is fine: PC_OK, or a one-line error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "plancheck/run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *plan_path(void)
{
    static char path[64];
    if (path[0])
        return path;
    snprintf(path, sizeof path, "/tmp/plancheck-fuzz-intake-%d.yaml",
             (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fputs("plancheck: 1\n"
          "name: fuzz\n"
          "crs: EPSG:4549\n"
          "area_method: ellipsoidal\n"
          "threads: 1\n"
          "rules:\n"
          "  validity: {layers: [p]}\n"
          "  overlap: {layers: [p]}\n"
          "  gaps: [{layer: p}]\n"
          "  slivers: {layers: [p]}\n"
          "  containment: [{layer: p, container: p}]\n"
          "layers:\n"
          "  p:\n"
          "    source: /vsimem/fuzz/in\n"
          "    crs: EPSG:4549\n"
          "    key: code\n"
          "    declared_area: {field: area, unit_field: unit}\n", f);
    fclose(f);
    return path;
}

/* The WKB as the one feature of a GeoPackage layer (code, area, unit). */
static int write_wkb(const uint8_t *wkb, size_t n)
{
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)n) != OGRERR_NONE)
        return 0;
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, "/vsimem/fuzz/in", 0, 0, 0,
                                 GDT_Unknown, NULL);
    int ok = 0;
    if (ds) {
        OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(srs, 4549);
        OGRLayerH l = GDALDatasetCreateLayer(ds, "p", srs, wkbUnknown, NULL);
        OSRDestroySpatialReference(srs);
        if (l) {
            const char *names[] = {"code", "area", "unit"};
            const OGRFieldType types[] = {OFTString, OFTReal, OFTString};
            for (int i = 0; i < 3; i++) {
                OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
                OGR_L_CreateField(l, fd, 1);
                OGR_Fld_Destroy(fd);
            }
            OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
            OGR_F_SetFieldString(f, 0, "F1");
            OGR_F_SetFieldDouble(f, 1, 15);
            OGR_F_SetFieldString(f, 2, "亩");
            OGR_F_SetGeometry(f, g);
            ok = OGR_L_CreateFeature(l, f) == OGRERR_NONE;
            OGR_F_Destroy(f);
        }
        GDALClose(ds);
    }
    OGR_G_DestroyGeometry(g);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    const char *plan = plan_path();
    VSIUnlink("/vsimem/fuzz/in");
    if (data[0] % 2 == 0) {
        /* GeoJSON: the driver is chosen by content, the file has no
         * extension */
        VSILFILE *f = VSIFOpenL("/vsimem/fuzz/in", "wb");
        if (!f)
            abort();
        VSIFWriteL(data + 1, 1, size - 1, f);
        VSIFCloseL(f);
    } else if (!write_wkb(data + 1, size - 1)) {
        VSIUnlink("/vsimem/fuzz/in");
        return 0;
    }
    pc_ctx *ctx = pc_ctx_new();
    pc_ctx_set_quiet(ctx, 1);
    pc_run_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.plan_path = plan;
    opts.no_output = 1;
    opts.threads = 1;
    pc_run_result r;
    int verbose = getenv("PLANCHECK_FUZZ_VERBOSE") != NULL;
    if (pc_run(ctx, &opts, &r) == PC_OK) {
        if (verbose)
            fprintf(stderr, "ran: %zu findings\n", r.findings.n);
        pc_run_result_clear(ctx, &r);
    } else if (verbose) {
        fprintf(stderr, "refused: %s\n", pc_ctx_error(ctx));
    } else if (!pc_ctx_error(ctx) || strchr(pc_ctx_error(ctx), '\n'))
        abort(); /* an error must be one line */
    pc_ctx_free(ctx);
    VSIUnlink("/vsimem/fuzz/in");
    return 0;
}
