/* The I/O floor of the benchmark: open a GeoPackage with GDAL and read
 * every geometry of one layer as ISO WKB into a reused buffer, nothing more.
 *
 *   cc $(gdal-config --cflags) read_floor.c $(gdal-config --libs) -o read_floor
 *   ./read_floor bench.gpkg [layer]          (layer: default "parcels")
 *
 * Prints "features <n> bytes <total> checksum <hex>" (a 64-bit FNV-1a of
 * all WKB bytes, so the reading cannot be optimised away). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gdal.h>
#include <ogr_api.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: read_floor FILE.gpkg [LAYER]\n");
        return 2;
    }
    const char *layer_name = argc == 3 ? argv[2] : "parcels";
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(argv[1], GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, NULL, NULL);
    if (!ds) {
        fprintf(stderr, "read_floor: cannot open %s\n", argv[1]);
        return 3;
    }
    OGRLayerH lyr = GDALDatasetGetLayerByName(ds, layer_name);
    if (!lyr) {
        fprintf(stderr, "read_floor: %s: no layer %s\n", argv[1], layer_name);
        GDALClose(ds);
        return 3;
    }
    unsigned char *buf = NULL;
    size_t cap = 0;
    uint64_t n = 0, bytes = 0, h = 1469598103934665603ULL;
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) {
            size_t sz = (size_t)OGR_G_WkbSize(g);
            if (sz > cap) {
                cap = sz > 2 * cap ? sz : 2 * cap;
                unsigned char *nb = realloc(buf, cap);
                if (!nb) {
                    fprintf(stderr, "read_floor: out of memory\n");
                    return 6;
                }
                buf = nb;
            }
            if (OGR_G_ExportToIsoWkb(g, wkbNDR, buf) != OGRERR_NONE) {
                fprintf(stderr, "read_floor: WKB export failed\n");
                return 6;
            }
            for (size_t i = 0; i < sz; i++) {
                h ^= buf[i];
                h *= 1099511628211ULL;
            }
            bytes += sz;
        }
        n++;
        OGR_F_Destroy(f);
    }
    free(buf);
    GDALClose(ds);
    printf("features %llu bytes %llu checksum %016llx\n",
           (unsigned long long)n, (unsigned long long)bytes,
           (unsigned long long)h);
    return 0;
}
