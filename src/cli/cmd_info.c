/* info.c: CLI stage: `plancheck info <source>`: what a source holds. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "plancheck/crs.h"
#include "plancheck/measure.h"
#include "plancheck/read.h"

static const char info_help[] =
    "Usage: plancheck info [options] <source>\n"
    "\n"
    "For each layer of <source> (any vector format GDAL reads): geometry\n"
    "type, feature count, CRS (authority code, name, geographic or projected,\n"
    "axis order as defined and as used), extent in its CRS and in lon/lat,\n"
    "fields, and for polygon layers the total area in m², 公顷 and 亩\n"
    "(planar in a projected CRS, and ellipsoidal on the CRS's ellipsoid).\n"
    "\n"
    "Options:\n"
    "  -l, --layer NAME     only this layer\n"
    "      --encoding ENC   attribute encoding of a Shapefile without .cpg\n"
    "      --crs CRS        CRS to assume for layers that have none\n"
    "      --json           JSON on stdout instead of text\n"
    "      --overwrite      accepted for symmetry; info writes nothing\n"
    "  -q, --quiet          no warnings or progress on stderr\n"
    "  -h, --help           this help\n"
    "      --version        version of plancheck and its libraries\n";

static const char *field_type_name(pc_field_type t)
{
    return t == PC_FIELD_INTEGER ? "integer" : t == PC_FIELD_REAL ? "real" : "text";
}

static const char *class_name(pc_geom_class c)
{
    static const char *const names[] = {"none", "point", "line", "polygon",
                                        "mixed"};
    return names[c];
}

static json_object *area_json(double m2)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "m2", json_object_new_double(m2));
    json_object_object_add(o, "ha", json_object_new_double(m2 / 1e4));
    json_object_object_add(o, "mu", json_object_new_double(m2 * 3.0 / 2000.0));
    return o;
}

static json_object *extent_json(const double e[4])
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < 4; i++)
        json_object_array_add(a, json_object_new_double(e[i]));
    return a;
}

/* Describes one layer; returns a status (exit code) and fills json/text. */
static int describe(pc_ctx *ctx, const char *path, const char *name,
                    const char *encoding, const char *crs, int as_json,
                    json_object *jlayers)
{
    pc_read_opts ro = {name, NULL, encoding, crs,
                       pc_ctx_quiet(ctx) ? NULL : pc_progress_stderr, NULL, 0};
    pc_layer *layer = NULL;
    pc_status st = pc_read_layer(ctx, path, &ro, &layer);
    if (st != PC_OK)
        return pc_cli_fail(st, "%s", pc_ctx_error(ctx));
    char what[1024];
    snprintf(what, sizeof what, "%s: layer '%s'", path, layer->source_layer);
    double ll[4] = {NAN, NAN, NAN, NAN};
    int have_ll = 0;
    size_t dropped = 0;
    int crs_ok = layer->crs != NULL;
    if (layer->crs) {
        /* info describes what it can: the CRS stage's verdicts are warnings
         * here, and features it cannot place are counted, not measured */
        if (pc_crs_screen_layer(ctx, layer, what, &dropped) != PC_OK ||
            (layer->has_extent &&
             pc_crs_check_extent(ctx, layer->crs, layer->extent, what) !=
                 PC_OK)) {
            pc_warn(ctx, "%s", pc_ctx_error(ctx));
            crs_ok = 0; /* areas in a CRS the data contradict mean nothing */
        }
        if (layer->has_extent)
            have_ll = pc_crs_extent_lonlat(ctx, layer->crs, layer->extent,
                                           ll) == PC_OK;
    }
    pc_layer_areas areas = {0};
    int have_areas = 0;
    if (crs_ok && layer->geom_class == PC_GEOM_POLYGON) {
        st = pc_measure_layer(ctx, layer, PC_MEASURE_BOTH, NULL, NULL, &areas);
        if (st != PC_OK) {
            pc_layer_free(ctx, layer);
            return pc_cli_fail(st, "%s", pc_ctx_error(ctx));
        }
        have_areas = 1;
    }
    size_t null_geoms = 0, bad_geoms = 0;
    for (size_t i = 0; i < layer->nfeatures; i++) {
        null_geoms += !layer->features[i].geom && !layer->features[i].geom_error;
        bad_geoms += layer->features[i].geom_error != NULL &&
                     !layer->features[i].outside_crs;
    }
    const pc_crs *c = layer->crs;
    if (as_json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(layer->source_layer));
        json_object_object_add(o, "geometry_type", json_object_new_string(layer->geom_type));
        json_object_object_add(o, "geometry_class", json_object_new_string(class_name(layer->geom_class)));
        json_object_object_add(o, "feature_count", json_object_new_int64((int64_t)layer->nfeatures));
        json_object_object_add(o, "null_geometries", json_object_new_int64((int64_t)null_geoms));
        json_object_object_add(o, "unreadable_geometries", json_object_new_int64((int64_t)bad_geoms));
        json_object_object_add(o, "outside_crs", json_object_new_int64((int64_t)dropped));
        json_object_object_add(o, "encoding", layer->encoding ? json_object_new_string(layer->encoding) : NULL);
        if (c) {
            json_object *jc = json_object_new_object();
            const char *auth = pc_crs_authority(c);
            double a, inv_f;
            const char *ellps = pc_crs_ellipsoid(c, &a, &inv_f);
            json_object_object_add(jc, "authority", auth ? json_object_new_string(auth) : NULL);
            json_object_object_add(jc, "name", json_object_new_string(pc_crs_name(c)));
            json_object_object_add(jc, "type", json_object_new_string(pc_crs_is_geographic(c) ? "geographic" : "projected"));
            json_object_object_add(jc, "axis_order_defined", json_object_new_string(pc_crs_axis_order_defined(c)));
            json_object_object_add(jc, "axis_order_used", json_object_new_string(pc_crs_axis_order_used(c)));
            json_object_object_add(jc, "ellipsoid", json_object_new_string(ellps));
            json_object_object_add(jc, "semi_major_m", json_object_new_double(a));
            json_object_object_add(jc, "inverse_flattening", json_object_new_double(inv_f));
            json_object_object_add(jc, "from", json_object_new_string(layer->crs_from_plan ? "option" : "data"));
            json_object_object_add(o, "crs", jc);
        } else {
            json_object_object_add(o, "crs", NULL);
        }
        json_object_object_add(o, "extent", layer->has_extent ? extent_json(layer->extent) : NULL);
        json_object_object_add(o, "extent_lonlat", have_ll ? extent_json(ll) : NULL);
        json_object *jf = json_object_new_array();
        for (size_t j = 0; j < layer->nfields; j++) {
            json_object *f = json_object_new_object();
            json_object_object_add(f, "name", json_object_new_string(layer->fields[j].name));
            json_object_object_add(f, "type", json_object_new_string(field_type_name(layer->fields[j].type)));
            json_object_array_add(jf, f);
        }
        json_object_object_add(o, "fields", jf);
        if (have_areas) {
            json_object *ja = json_object_new_object();
            json_object_object_add(ja, "polygons", json_object_new_int64((int64_t)areas.n_polygons));
            json_object_object_add(ja, "planar", pc_crs_is_projected(c) ? area_json(areas.total_planar_m2) : NULL);
            json_object_object_add(ja, "ellipsoidal", area_json(areas.total_ellipsoidal_m2));
            json_object_object_add(o, "total_area", ja);
        }
        json_object_array_add(jlayers, o);
    } else {
        printf("Layer: %s\n", layer->source_layer);
        printf("  Geometry: %s (%s)\n", layer->geom_type, class_name(layer->geom_class));
        printf("  Features: %zu", layer->nfeatures);
        if (null_geoms || bad_geoms)
            printf(" (%zu without geometry, %zu with a geometry that cannot be built)",
                   null_geoms, bad_geoms);
        if (dropped)
            printf(" (%zu with coordinates outside the CRS)", dropped);
        printf("\n");
        if (c) {
            const char *auth = pc_crs_authority(c);
            double a, inv_f;
            const char *ellps = pc_crs_ellipsoid(c, &a, &inv_f);
            printf("  CRS: %s  %s%s\n", auth ? auth : "(no authority code)",
                   pc_crs_name(c), layer->crs_from_plan ? "  [from --crs]" : "");
            printf("       %s; axis order defined %s, used %s\n",
                   pc_crs_is_geographic(c) ? "geographic" : "projected",
                   pc_crs_axis_order_defined(c), pc_crs_axis_order_used(c));
            printf("       ellipsoid %s (a = %.3f m, 1/f = %.9f)\n", ellps, a, inv_f);
        } else {
            printf("  CRS: none (give --crs to assume one)\n");
        }
        if (layer->encoding)
            printf("  Encoding: %s\n", layer->encoding);
        if (layer->has_extent)
            printf("  Extent: %.3f, %.3f - %.3f, %.3f\n", layer->extent[0],
                   layer->extent[1], layer->extent[2], layer->extent[3]);
        if (have_ll)
            printf("  Extent (lon/lat): %.6f, %.6f - %.6f, %.6f\n", ll[0], ll[1],
                   ll[2], ll[3]);
        printf("  Fields (%zu):\n", layer->nfields);
        for (size_t j = 0; j < layer->nfields; j++)
            printf("    %s (%s)\n", layer->fields[j].name,
                   field_type_name(layer->fields[j].type));
        if (have_areas) {
            char buf[160];
            printf("  Total area of %zu polygons:\n", areas.n_polygons);
            if (pc_crs_is_projected(c)) {
                pc_cli_format_area(areas.total_planar_m2, buf, sizeof buf);
                printf("    planar       %s\n", buf);
            }
            pc_cli_format_area(areas.total_ellipsoidal_m2, buf, sizeof buf);
            printf("    ellipsoidal  %s\n", buf);
        }
    }
    pc_layer_areas_clear(&areas);
    pc_layer_free(ctx, layer);
    return 0;
}

int pc_cmd_info(int argc, char **argv)
{
    enum { OPT_JSON = 1000, OPT_VERSION, OPT_ENCODING, OPT_CRS, OPT_OVERWRITE };
    static const struct option longopts[] = {
        {"layer", required_argument, NULL, 'l'},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"crs", required_argument, NULL, OPT_CRS},
        {"json", no_argument, NULL, OPT_JSON},
        {"overwrite", no_argument, NULL, OPT_OVERWRITE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0}};
    const char *layer = NULL, *encoding = NULL, *crs = NULL;
    int as_json = 0, quiet = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":l:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': layer = optarg; break;
        case OPT_ENCODING: encoding = optarg; break;
        case OPT_CRS: crs = optarg; break;
        case OPT_JSON: as_json = 1; break;
        case OPT_OVERWRITE: break; /* accepted everywhere; info writes nothing */
        case 'q': quiet = 1; break;
        case 'h': fputs(info_help, stdout); return 0;
        case OPT_VERSION: pc_cli_print_version(stdout); return 0;
        case ':': return pc_cli_usage("info ", "option %s needs a value", argv[optind - 1]);
        default: return pc_cli_usage("info ", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return pc_cli_usage("info ", optind == argc ? "no source given"
                                                     : "give exactly one source");
    const char *path = argv[optind];
    pc_ctx *ctx = pc_ctx_new();
    if (!ctx)
        return pc_cli_fail(PC_ERR_INTERNAL, "out of memory");
    pc_ctx_set_quiet(ctx, quiet);
    int rc = 0;
    char **names = NULL;
    size_t count = 0;
    if (!layer) {
        pc_status st = pc_read_layer_names(ctx, path, &names, &count);
        if (st != PC_OK) {
            rc = pc_cli_fail(st, "%s", pc_ctx_error(ctx));
            goto done;
        }
    }
    json_object *root = as_json ? json_object_new_object() : NULL;
    json_object *jlayers = as_json ? json_object_new_array() : NULL;
    if (!as_json)
        printf("Source: %s\n", path);
    if (layer) {
        rc = describe(ctx, path, layer, encoding, crs, as_json, jlayers);
    } else {
        for (size_t i = 0; i < count && rc == 0; i++)
            rc = describe(ctx, path, names[i], encoding, crs, as_json, jlayers);
    }
    if (as_json) {
        if (rc == 0) {
            json_object_object_add(root, "source", json_object_new_string(path));
            json_object_object_add(root, "layers", jlayers);
            json_object *jw = json_object_new_array();
            for (size_t i = 0; i < pc_ctx_warning_count(ctx); i++)
                json_object_array_add(jw, json_object_new_string(pc_ctx_warning(ctx, i)));
            json_object_object_add(root, "warnings", jw);
            puts(json_object_to_json_string_ext(
                root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        } else {
            json_object_put(jlayers);
        }
        json_object_put(root);
    }
done:
    pc_read_names_free(names);
    pc_ctx_free(ctx);
    return rc;
}
