/* sql.c: custom rules written in SQL (sql.h). The layers of a run are
 * copied once into an in-memory SpatiaLite database (GDAL's SQLite driver
 * on a /vsimem/ file), one table per plan layer; each rule is one query run
 * by SQLite itself with SpatiaLite's functions, and each row of the result
 * becomes a finding. Real tables rather than GDAL's virtual tables over a
 * Memory dataset: those cannot be joined with themselves (a second cursor
 * reopens the dataset, which a Memory dataset cannot), and a planner's rule
 * often compares a layer with itself. Queries come from plan files, so only
 * a single SELECT is accepted: a DELETE or UPDATE would change the tables
 * every later rule sees. Table and field names reach GDAL through its API
 * only; this module never splices a name into SQL. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../core/internal.h"
#include "../core/ogr_util.h"
#include "plancheck/crs.h"
#include "plancheck/sql.h"

struct pc_sql_session {
    GDALDatasetH ds;           /* SpatiaLite database, a table per source */
    char path[64];             /* its /vsimem/ file */
    OGRSpatialReferenceH srs;  /* the working CRS */
    pc_area_calc *calc;        /* areas of polygonal result rows */
};

/* The GDAL message of the last failure, or "" (never NULL). */
static const char *gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m ? m : "";
}

/* ---- the session --------------------------------------------------------- */

/* 1 when the layer gets a geometry column: it declares a geometry type or
 * (a hand-built layer) some feature has one anyway. */
static int has_geometry(const pc_layer *layer)
{
    if (layer->geom_class != PC_GEOM_NONE)
        return 1;
    for (size_t i = 0; i < layer->nfeatures; i++)
        if (layer->features[i].geom)
            return 1;
    return 0;
}

/* qsort order of (FID, feature index) pairs. */
static int cmp_i64_pair(const void *pa, const void *pb)
{
    const int64_t *a = pa, *b = pb;
    if (a[0] != b[0])
        return (a[0] > b[0]) - (a[0] < b[0]);
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* The features that cannot keep their source FID as rowid: a negative FID
 * or one an earlier feature has (the table's key is unique). *fresh gets a
 * flag per feature, or stays NULL when every FID can be kept; FIDs are
 * checked for increasing order first, the common case, before sorting. */
static pc_status fid_clashes(pc_ctx *ctx, const pc_layer *layer,
                             uint8_t **fresh, size_t *clashes)
{
    size_t n = layer->nfeatures, k = 0;
    int ordered = 1;
    *fresh = NULL;
    *clashes = 0;
    for (size_t i = 0; i < n && ordered; i++) {
        int64_t fid = layer->features[i].fid;
        ordered = fid >= 0 && (i == 0 || fid > layer->features[i - 1].fid);
    }
    if (ordered)
        return PC_OK;
    int64_t *pairs = malloc(2 * n * sizeof *pairs); /* fid, index */
    uint8_t *flag = calloc(n ? n : 1, 1);
    if (!pairs || !flag) {
        free(pairs);
        free(flag);
        return PC_OOM(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        if (layer->features[i].fid < 0) {
            flag[i] = 1;
            continue;
        }
        pairs[2 * k] = layer->features[i].fid;
        pairs[2 * k++ + 1] = (int64_t)i;
    }
    /* by FID, then feature order: the first of equal FIDs keeps it */
    qsort(pairs, k, 2 * sizeof *pairs, cmp_i64_pair);
    for (size_t j = 1; j < k; j++)
        if (pairs[2 * j] == pairs[2 * j - 2])
            flag[pairs[2 * j + 1]] = 1;
    for (size_t i = 0; i < n; i++)
        *clashes += flag[i];
    free(pairs);
    *fresh = flag;
    return PC_OK;
}

/* Creates table `id` with the layer's fields (and a geometry column named
 * "geometry" when the layer has geometries). */
static pc_status create_table(pc_ctx *ctx, pc_sql_session *s,
                              const pc_sql_source *src, int with_geom,
                              OGRLayerH *out)
{
    static const OGRFieldType types[] = {OFTInteger64, OFTReal, OFTString};
    const pc_layer *layer = src->layer;
    /* a field named "geometry" keeps its name; the geometry then is
     * GEOMETRY2 */
    const char *gname = "geometry";
    for (size_t j = 0; with_geom && j < layer->nfields; j++)
        if (layer->fields[j].name &&
            pc_strcaseeq(layer->fields[j].name, "geometry"))
            gname = "GEOMETRY2";
    char gopt[64];
    snprintf(gopt, sizeof gopt, "GEOMETRY_NAME=%s", gname);
    /* names as they are (no laundering to lower-case ASCII), SpatiaLite
     * geometry with a spatial index for ST_ queries through SpatialIndex */
    const char *opts[] = {gopt, "LAUNDER=NO", "SPATIAL_INDEX=YES", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(s->ds, src->id,
                                           with_geom ? s->srs : NULL,
                                           with_geom ? wkbUnknown : wkbNone,
                                           (char **)opts);
    if (!lyr)
        return pc_error(ctx, PC_ERR_INTERNAL, "sql: layer '%s': cannot "
                        "create its table: %s", src->id, gdal_msg());
    for (size_t j = 0; j < layer->nfields; j++) {
        const pc_field *fd = &layer->fields[j];
        OGRFieldDefnH d = OGR_Fld_Create(fd->name ? fd->name : "",
                                         types[fd->type]);
        OGRErr err = OGR_L_CreateField(lyr, d, FALSE);
        OGR_Fld_Destroy(d);
        if (err != OGRERR_NONE)
            return pc_error(ctx, PC_ERR_INTERNAL, "sql: layer '%s': cannot "
                            "create field '%s': %s", src->id,
                            fd->name ? fd->name : "", gdal_msg());
        /* say so rather than let a query read the field where it meant
         * the geometry */
        if (with_geom && fd->name && pc_strcaseeq(fd->name, "geometry"))
            pc_warn(ctx, "sql: layer '%s' has a field named '%s': in "
                    "queries that name is the field and the geometry is "
                    "column GEOMETRY2", src->id, fd->name);
    }
    /* values are set by index: the table's fields must be the layer's */
    if (OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(lyr)) != (int)layer->nfields)
        return pc_error(ctx, PC_ERR_INTERNAL, "sql: layer '%s': GDAL did "
                        "not keep its fields", src->id);
    *out = lyr;
    return PC_OK;
}

/* Copies one layer into the session as table `id`: its fields, each
 * feature under its source FID (so rowid is the FID) and its geometry. */
static pc_status copy_layer(pc_ctx *ctx, pc_sql_session *s,
                            GEOSWKBWriter *wkb, const pc_sql_source *src)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_layer *layer = src->layer;
    int with_geom = has_geometry(layer);
    OGRLayerH lyr = NULL;
    pc_status st = create_table(ctx, s, src, with_geom, &lyr);
    if (st != PC_OK)
        return st;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    size_t lost_geoms = 0, clashes = 0;
    uint8_t *fresh = NULL;
    if ((st = fid_clashes(ctx, layer, &fresh, &clashes)) != PC_OK)
        return st;
    /* features keeping their FID first, then the others with new ones
     * (SQLite picks max + 1, which no later feature can then hold) */
    for (size_t pass = 0; pass < (fresh ? 2u : 1u) && st == PC_OK; pass++)
    for (size_t i = 0; i < layer->nfeatures && st == PC_OK; i++) {
        const pc_feature *f = &layer->features[i];
        if (fresh && fresh[i] != pass)
            continue;
        OGRFeatureH of = OGR_F_Create(defn);
        if (!of) {
            st = PC_OOM(ctx);
            break;
        }
        OGR_F_SetFID(of, pass ? OGRNullFID : f->fid);
        pc_ogr_set_values(of, layer, f, 0);
        if (f->geom && with_geom) {
            OGRGeometryH g = pc_ogr_geometry(h, wkb, f->geom);
            if (g)
                OGR_F_SetGeometryDirectly(of, g);
            else
                lost_geoms++;
        }
        OGRErr err = OGR_L_CreateFeature(lyr, of);
        OGR_F_Destroy(of);
        if (err != OGRERR_NONE)
            st = pc_error(ctx, PC_ERR_INTERNAL, "sql: layer '%s': cannot "
                          "copy feature %" PRId64 ": %s", src->id, f->fid,
                          gdal_msg());
    }
    free(fresh);
    if (st != PC_OK)
        return st;
    if (lost_geoms)
        pc_warn(ctx, "sql: layer '%s': %zu geometries could not be copied "
                "and are NULL in queries", src->id, lost_geoms);
    if (clashes)
        pc_warn(ctx, "sql: layer '%s': %zu features have no FID or one "
                "another feature has: their rowid in queries is not their "
                "source FID", src->id, clashes);
    return PC_OK;
}

/* Checks the sources before anything is copied: every one has an id and a
 * layer, and no two ids differ only in case (SQLite's table names ignore
 * ASCII case, so a query could not tell them apart). */
static pc_status check_sources(pc_ctx *ctx, const pc_sql_source *sources,
                               size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!sources[i].layer)
            return pc_error(ctx, PC_ERR_INTERNAL, "sql: source %zu has no "
                            "layer", i);
        if (!sources[i].id || !*sources[i].id)
            return pc_error(ctx, PC_ERR_INPUT, "sql: layer %zu has no id",
                            i);
        /* SpatiaLite's geometry_columns refuses such table names */
        if (strchr(sources[i].id, '"'))
            return pc_error(ctx, PC_ERR_INPUT, "sql: layer id '%s' holds a "
                            "double quote, which an SQL table name cannot "
                            "have here; rename the layer", sources[i].id);
        for (size_t k = 0; k < i; k++)
            if (pc_strcaseeq(sources[i].id, sources[k].id))
                return pc_error(ctx, PC_ERR_INPUT, "sql: layers '%s' and "
                                "'%s' would be the same table (SQL names "
                                "ignore case)", sources[k].id, sources[i].id);
    }
    return PC_OK;
}

pc_status pc_sql_session_new(pc_ctx *ctx, const pc_crs *crs,
                             const pc_sql_source *sources, size_t n,
                             pc_sql_session **out)
{
    *out = NULL;
    if (!crs)
        return pc_error(ctx, PC_ERR_CRS, "sql: no working CRS");
    pc_status st = check_sources(ctx, sources, n);
    if (st != PC_OK)
        return st;
    pc_sql_session *s = calloc(1, sizeof *s);
    if (!s)
        return PC_OOM(ctx);
    if ((st = pc_area_calc_new(ctx, crs, &s->calc)) != PC_OK) {
        free(s);
        return st;
    }
    GEOSWKBWriter *wkb = GEOSWKBWriter_create_r(pc_ctx_geos(ctx));
    if (!wkb) {
        pc_sql_session_free(s);
        return PC_OOM(ctx);
    }
    GEOSWKBWriter_setOutputDimension_r(pc_ctx_geos(ctx), wkb, 2);
    pc_gdal_init();
    CPLErrorReset();
    GDALDriverH drv = GDALGetDriverByName("SQLite");
    const char *dsco[] = {"SPATIALITE=YES", NULL};
    snprintf(s->path, sizeof s->path, "/vsimem/plancheck-sql-%p.sqlite",
             (void *)s);
    if (!drv)
        st = pc_error(ctx, PC_ERR_INTERNAL, "sql: GDAL has no SQLite driver");
    else if (!(s->ds = GDALCreate(drv, s->path, 0, 0, 0, GDT_Unknown,
                                  (char **)dsco)))
        st = pc_error(ctx, PC_ERR_INTERNAL, "sql: cannot create an in-memory "
                      "SpatiaLite database: %s", gdal_msg());
    else if (!(s->srs = pc_ogr_srs(crs)))
        st = pc_error(ctx, PC_ERR_CRS, "sql: GDAL cannot use the working CRS "
                      "%s", pc_crs_name(crs));
    /* one transaction: a commit per feature would take minutes */
    int in_tr = st == PC_OK &&
                GDALDatasetStartTransaction(s->ds, FALSE) == OGRERR_NONE;
    for (size_t i = 0; i < n && st == PC_OK; i++)
        st = copy_layer(ctx, s, wkb, &sources[i]);
    if (in_tr && st == PC_OK &&
        GDALDatasetCommitTransaction(s->ds) != OGRERR_NONE)
        st = pc_error(ctx, PC_ERR_INTERNAL, "sql: cannot commit the copied "
                      "layers: %s", gdal_msg());
    GEOSWKBWriter_destroy_r(pc_ctx_geos(ctx), wkb);
    if (st != PC_OK) {
        pc_sql_session_free(s);
        return st;
    }
    *out = s;
    return PC_OK;
}

void pc_sql_session_free(pc_sql_session *s)
{
    if (!s)
        return;
    if (s->ds) {
        GDALClose(s->ds);
        VSIUnlink(s->path);
    }
    /* after the dataset: its geometry columns hold references */
    if (s->srs)
        OSRRelease(s->srs);
    pc_area_calc_free(s->calc);
    free(s);
}

/* ---- SELECT only ---------------------------------------------------------- */

/* One token of SQL text: a bare word (keyword or identifier), a quoted
 * string or identifier, or one other character. */
typedef struct tok {
    const char *p;
    size_t n;
    int word;
} tok;

/* Skips white space and -- and block comments (an unclosed block comment
 * runs to the end, as in SQLite). */
static const char *skip_space(const char *p)
{
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

/* Characters of a bare SQL word; SQLite takes every non-ASCII byte as
 * one, so Chinese names need no quotes. */
static int word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Reads the token at *pp (after space and comments) and moves past it;
 * 0 at the end of the text. Quotes follow SQLite: '...', "...", `...`
 * with the quote doubled inside, and [...]; an unclosed one runs to the
 * end (SQLite then refuses the query itself). */
static int next_tok(const char **pp, tok *t)
{
    const char *p = skip_space(*pp);
    if (!*p)
        return 0;
    t->p = p;
    t->word = 0;
    char q = *p == '[' ? ']' : *p;
    if (q == '\'' || q == '"' || q == '`' || q == ']') {
        for (p++; *p; p++)
            if (*p == q) {
                if (q != ']' && p[1] == q)
                    p++;
                else
                    break;
            }
        if (*p)
            p++;
    } else if (word_char((unsigned char)*p)) {
        t->word = 1;
        while (word_char((unsigned char)*p))
            p++;
    } else {
        p++;
    }
    t->n = (size_t)(p - t->p);
    *pp = p;
    return 1;
}

/* 1 when t is the bare word kw (given in upper case), in any case. */
static int tok_is(const tok *t, const char *kw)
{
    size_t n = strlen(kw);
    if (!t->word || t->n != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (toupper((unsigned char)t->p[i]) != kw[i])
            return 0;
    return 1;
}

/* Refuses anything but one SELECT statement: the first word must be SELECT,
 * or WITH whose main statement (the first of these words outside the
 * parentheses of its tables) is SELECT, since WITH also leads DELETE,
 * INSERT, UPDATE and REPLACE; and nothing but a ';' may follow the first
 * ';' (GDAL would silently run the first statement only). */
static pc_status check_select(pc_ctx *ctx, const char *id, const char *query)
{
    static const char *const mains[] = {"SELECT", "VALUES", "INSERT",
                                        "UPDATE", "DELETE", "REPLACE"};
    const char *p = query;
    tok t;
    if (!next_tok(&p, &t))
        return pc_error(ctx, PC_ERR_INPUT, "sql rule %s: the query is empty",
                        id);
    tok first = t, stmt = t;
    if (tok_is(&t, "WITH")) {
        int depth = 0, found = 0;
        while (!found && next_tok(&p, &t)) {
            if (t.n == 1 && *t.p == '(')
                depth++;
            else if (t.n == 1 && *t.p == ')')
                depth--;
            else if (depth == 0)
                for (size_t i = 0; i < sizeof mains / sizeof *mains; i++)
                    if (tok_is(&t, mains[i]))
                        found = 1;
        }
        if (!found)
            return pc_error(ctx, PC_ERR_INPUT, "sql rule %s: the query "
                            "starts with WITH but has no SELECT after it",
                            id);
        stmt = t;
    }
    if (!tok_is(&stmt, "SELECT"))
        return pc_error(ctx, PC_ERR_INPUT, "sql rule %s: only a SELECT query "
                        "is allowed, not %s%.*s", id,
                        stmt.p != first.p ? "WITH ... " : "",
                        (int)(stmt.n < 40 ? stmt.n : 40), stmt.p);
    int ended = 0;
    while (next_tok(&p, &t)) {
        if (t.n == 1 && *t.p == ';')
            ended = 1;
        else if (ended)
            return pc_error(ctx, PC_ERR_INPUT, "sql rule %s: only one "
                            "statement is allowed; the query goes on after "
                            "a ';'", id);
    }
    return PC_OK;
}

/* ---- running a rule ------------------------------------------------------- */

/* GDAL's messages during one query: the first failure (usually SQLite's
 * own text, the cause) and the first warning. */
struct gdal_msgs {
    int failures, warnings;
    char error[1024];
    char warning[512];
};

/* GDAL wraps SQLite's message as "In ExecuteSQL(): sqlite3_prepare_v2(<the
 * whole query>):\n  <message>": keep only the message. */
static void strip_sql_echo(const char *msg, char *out, size_t n)
{
    if (strncmp(msg, "In ExecuteSQL(): sqlite3_", 25) == 0) {
        const char *tail = NULL;
        for (const char *p = strstr(msg, "):"); p; p = strstr(p + 1, "):"))
            if (isspace((unsigned char)p[2]))
                tail = p + 2;
        while (tail && isspace((unsigned char)*tail))
            tail++;
        if (tail)
            msg = tail;
    }
    snprintf(out, n, "%s", msg);
}

/* GDAL's error handler during a query: keeps the messages (struct
 * gdal_msgs as user data) and prints nothing. */
static void CPL_STDCALL collect_msgs(CPLErr cls, CPLErrorNum no,
                                     const char *msg)
{
    (void)no;
    struct gdal_msgs *m = CPLGetErrorHandlerUserData();
    if (!msg)
        msg = "";
    if (cls >= CE_Failure && m->failures++ == 0)
        strip_sql_echo(msg, m->error, sizeof m->error);
    else if (cls == CE_Warning && m->warnings++ == 0)
        snprintf(m->warning, sizeof m->warning, "%s", msg);
}

/* Result columns the findings are made from (-1: absent). */
struct cols {
    int key, key2, layer2, message, value, fid;
};

/* Index of the result column `name` in any ASCII case, or -1. */
static int col_index(OGRFeatureDefnH d, const char *name)
{
    int n = OGR_FD_GetFieldCount(d);
    for (int i = 0; i < n; i++)
        if (pc_strcaseeq(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i)), name))
            return i;
    return -1;
}

/* "a, b, c" (shortened with "...") of the result's columns, for the
 * message naming what the query gave instead of `key`. */
static void list_columns(OGRFeatureDefnH d, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    int nf = OGR_FD_GetFieldCount(d), ng = OGR_FD_GetGeomFieldCount(d);
    for (int i = 0; i < nf + ng && len < n; i++) {
        const char *name =
            i < nf ? OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i))
                   : OGR_GFld_GetNameRef(OGR_FD_GetGeomFieldDefn(d, i - nf));
        int w = snprintf(buf + len, n - len, "%s%s", i ? ", " : "", name);
        len += w > 0 ? (size_t)w : 0;
    }
    if (len >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
    if (!buf[0])
        snprintf(buf, n, "none");
}

/* Text of column i of a row, or NULL when absent or NULL. Numbers are
 * formatted into buf (integers exactly, reals in their shortest exact
 * form, as keys elsewhere); strings are borrowed from the feature. */
static const char *col_text(OGRFeatureH f, int i, char *buf, size_t n)
{
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
        return NULL;
    switch (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i))) {
    case OFTString:
        return OGR_F_GetFieldAsString(f, i);
    case OFTInteger:
    case OFTInteger64:
        snprintf(buf, n, "%" PRId64, (int64_t)OGR_F_GetFieldAsInteger64(f, i));
        return buf;
    case OFTReal:
        pc_format_double(OGR_F_GetFieldAsDouble(f, i), buf, n);
        return buf;
    default:
        /* GDAL formats other types into a buffer the next call reuses */
        snprintf(buf, n, "%s", OGR_F_GetFieldAsString(f, i));
        return buf;
    }
}

/* The number in column i: 1 with *v set, 0 when the value is NULL or not
 * a finite number. SQLite's result types follow the first row, so a
 * number may arrive as text. */
static int col_number(OGRFeatureH f, int i, double *v)
{
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
        return 0;
    OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
    if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) {
        *v = OGR_F_GetFieldAsDouble(f, i);
    } else {
        const char *s = OGR_F_GetFieldAsString(f, i);
        char *end;
        *v = strtod(s, &end);
        while (isspace((unsigned char)*end))
            end++;
        if (end == s || *end)
            return 0;
    }
    return isfinite(*v);
}

/* The source FID in column i, -1 when absent, NULL or not a FID. */
static int64_t col_fid(OGRFeatureH f, int i)
{
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
        return -1;
    OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
    if (t == OFTInteger || t == OFTInteger64) {
        int64_t v = OGR_F_GetFieldAsInteger64(f, i);
        /* GDAL makes a column 32-bit when its first row fits, and clamps
         * larger values of later rows (with a warning): not a FID */
        if (t == OFTInteger && v == INT32_MAX)
            return -1;
        return v >= 0 ? v : -1;
    }
    double d;
    if (!col_number(f, i, &d) || d < 0 || d >= 9007199254740992.0 ||
        d != floor(d))
        return -1;
    return (int64_t)d;
}

/* Converts a result geometry to GEOS through WKB: curves made linear and
 * Z/M dropped, as the reader does. g belongs to the result row, which is
 * thrown away after, so it is flattened in place. When a library refuses
 * the geometry, *out is NULL and *why says why (PC_OK: the row still
 * makes a finding). */
static pc_status ogr_to_geos(pc_ctx *ctx, GEOSWKBReader *reader,
                             OGRGeometryH g, GEOSGeometry **out,
                             const char **why)
{
    OGRGeometryH lin = NULL;
    *out = NULL;
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        if (!(lin = OGR_G_GetLinearGeometry(g, 0, NULL))) {
            *why = "it cannot be made linear";
            return PC_OK;
        }
        g = lin;
    }
    OGR_G_Set3D(g, FALSE);
    OGR_G_SetMeasured(g, FALSE);
    int size = OGR_G_WkbSize(g);
    unsigned char *wkb = malloc(size > 0 ? (size_t)size : 1);
    if (!wkb) {
        if (lin)
            OGR_G_DestroyGeometry(lin);
        return PC_OOM(ctx);
    }
    if (OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) == OGRERR_NONE) {
        *out = GEOSWKBReader_read_r(pc_ctx_geos(ctx), reader, wkb,
                                    (size_t)size);
        *why = pc_ctx_geos_message(ctx);
    } else {
        *why = "GDAL cannot export it as WKB";
    }
    free(wkb);
    if (lin)
        OGR_G_DestroyGeometry(lin);
    return PC_OK;
}

/* 1 for a non-empty polygon or multipolygon: the rows whose area is
 * measured. */
static int is_polygonal(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(h, g);
    return (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) &&
           GEOSisEmpty_r(h, g) == 0;
}

/* What one rule run needs while it turns rows into findings. */
struct run {
    pc_sql_session *s;
    const pc_sql_opts *opts;
    const char *rule;        /* "sql.<id>" */
    GEOSWKBReader *reader;
    struct cols c;
    pc_findings found;       /* moved to the caller's list on success */
};

/* Turns row n (from 1) of the result into a finding. */
static pc_status add_row(pc_ctx *ctx, struct run *r, OGRFeatureH row,
                         size_t n)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_sql_opts *o = r->opts;
    char kbuf[256], k2buf[256], l2buf[256], mbuf[256], rowkey[40];
    char note[320] = "", vnote[300] = "";
    pc_finding f = pc_finding_init(r->rule, o->severity);
    f.layer = (char *)o->layer;
    f.fid = col_fid(row, r->c.fid);
    const char *key = col_text(row, r->c.key, kbuf, sizeof kbuf);
    if (!key) {
        /* "(null)" would give every such row one id; the row number keeps
         * them apart */
        snprintf(rowkey, sizeof rowkey, "row:%zu", n);
        key = rowkey;
        snprintf(note, sizeof note, " (key is NULL)");
    }
    f.key = (char *)key;
    f.key2 = (char *)col_text(row, r->c.key2, k2buf, sizeof k2buf);
    f.layer2 = (char *)col_text(row, r->c.layer2, l2buf, sizeof l2buf);
    const char *msg = col_text(row, r->c.message, mbuf, sizeof mbuf);
    double v;
    if (col_number(row, r->c.value, &v))
        f.measured_m2 = v;
    else if (r->c.value >= 0 && OGR_F_IsFieldSetAndNotNull(row, r->c.value))
        snprintf(vnote, sizeof vnote, " (value '%.200s' is not a number)",
                 OGR_F_GetFieldAsString(row, r->c.value));
    OGRGeometryH og = OGR_F_GetGeometryRef(row);
    if (og) {
        const char *why = "";
        pc_status st = ogr_to_geos(ctx, r->reader, og, &f.geom, &why);
        if (st != PC_OK)
            return st;
        if (!f.geom) {
            size_t len = strlen(note);
            snprintf(note + len, sizeof note - len, " (geometry not usable: "
                     "%.200s)", why);
        }
    }
    if (f.geom && isnan(f.measured_m2) && is_polygonal(h, f.geom)) {
        pc_status st = pc_area_calc_area(ctx, r->s->calc, f.geom, o->method,
                                         &f.measured_m2);
        if (st != PC_OK) {
            GEOSGeom_destroy_r(h, f.geom);
            return pc_error_prefix(ctx, st, "sql rule %s: row %zu", o->id, n);
        }
        f.method = (char *)pc_area_method_name(o->method);
    }
    char *text = msg && *msg ? pc_aprintf("%s%s%s", msg, note, vnote)
                             : pc_aprintf("%s: row %zu%s%s", o->id, n, note,
                                          vnote);
    if (!text) {
        if (f.geom)
            GEOSGeom_destroy_r(h, f.geom);
        return PC_OOM(ctx);
    }
    /* a finding's message is one line */
    for (char *c = text; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    f.message = text;
    pc_status st = pc_findings_add(ctx, &r->found, &f); /* takes f.geom */
    free(text);
    return st;
}

/* Reads every row of the result into r->found. */
static pc_status read_result(pc_ctx *ctx, struct run *r, OGRLayerH res,
                             struct gdal_msgs *m)
{
    const char *id = r->opts->id;
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(res);
    r->c.key = col_index(d, "key");
    if (r->c.key < 0) {
        char cols[400];
        list_columns(d, cols, sizeof cols);
        return pc_error(ctx, PC_ERR_INPUT, "sql rule %s: the query has no "
                        "column named key (its columns: %s)", id, cols);
    }
    r->c.key2 = col_index(d, "key2");
    r->c.layer2 = col_index(d, "layer2");
    r->c.message = col_index(d, "message");
    r->c.value = col_index(d, "value");
    r->c.fid = col_index(d, "fid");
    pc_status st = PC_OK;
    OGRFeatureH row;
    size_t n = 0;
    OGR_L_ResetReading(res);
    while (st == PC_OK && (row = OGR_L_GetNextFeature(res)) != NULL) {
        st = add_row(ctx, r, row, ++n);
        OGR_F_Destroy(row);
    }
    /* GDAL types a computed column from its first row: a NULL geometry
     * there makes the whole column text, and every geometry is lost (with
     * no rows, nothing is lost) */
    if (n > 0 && OGR_FD_GetGeomFieldCount(d) == 0 &&
        col_index(d, "geometry") >= 0)
        pc_warn(ctx, "sql rule %s: GDAL did not take column 'geometry' for "
                "a geometry (is it NULL in the first row?); the findings "
                "have none: order the rows so that one with a geometry "
                "comes first", id);
    /* SQLite reports errors of later rows (a SpatiaLite exception, say)
     * only through GDAL's error handler */
    if (st == PC_OK && m->failures)
        st = pc_error(ctx, PC_ERR_INPUT, "sql rule %s: %s", id, m->error);
    return st;
}

pc_status pc_sql_rule(pc_ctx *ctx, pc_sql_session *s, const pc_sql_opts *opts,
                      pc_findings *out)
{
    if (!s || !opts || !opts->id || !opts->query)
        return pc_error(ctx, PC_ERR_INTERNAL, "sql rule %s: no session, id "
                        "or query", opts && opts->id ? opts->id : "?");
    pc_status st = check_select(ctx, opts->id, opts->query);
    if (st != PC_OK)
        return st;
    struct run r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.opts = opts;
    char *rule = pc_aprintf("sql.%s", opts->id);
    r.reader = GEOSWKBReader_create_r(pc_ctx_geos(ctx));
    if (!rule || !r.reader) {
        free(rule);
        if (r.reader)
            GEOSWKBReader_destroy_r(pc_ctx_geos(ctx), r.reader);
        return PC_OOM(ctx);
    }
    r.rule = rule;
    struct gdal_msgs m;
    memset(&m, 0, sizeof m);
    CPLErrorReset();
    CPLPushErrorHandlerEx(collect_msgs, &m);
    OGRLayerH res = GDALDatasetExecuteSQL(s->ds, opts->query, NULL, NULL);
    if (!res || m.failures)
        st = pc_error(ctx, PC_ERR_INPUT, "sql rule %s: %s", opts->id,
                      m.failures ? m.error : "the query gave no result");
    else
        st = read_result(ctx, &r, res, &m);
    if (res)
        GDALDatasetReleaseResultSet(s->ds, res);
    CPLPopErrorHandler();
    if (st == PC_OK && m.warnings)
        pc_warn(ctx, "sql rule %s: GDAL: %s%s", opts->id, m.warning,
                m.warnings > 1 ? " (and more warnings)" : "");
    if (st == PC_OK)
        st = pc_findings_move(ctx, out, &r.found);
    pc_findings_clear(ctx, &r.found);
    GEOSWKBReader_destroy_r(pc_ctx_geos(ctx), r.reader);
    free(rule);
    return st;
}

/* ---- placeholders --------------------------------------------------------- */

/* A growing string; `oom` sticks once an allocation failed. */
struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
};

/* Appends n bytes of s, keeping the string terminated. */
static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* Appends `value` between quotes q, each q inside doubled: "a""b" as an
 * SQL identifier, 'it''s' as a literal. */
static void sb_quoted(struct sbuf *b, const char *value, char q)
{
    sb_put(b, &q, 1);
    for (const char *p = value; *p;) {
        size_t run = strcspn(p, (char[]){q, '\0'});
        sb_put(b, p, run);
        p += run;
        if (*p == q) {
            sb_put(b, p, 1);
            sb_put(b, p, 1);
            p++;
        }
    }
    sb_put(b, &q, 1);
}

/* The parameter named by the len bytes at name (exact match), or NULL. */
static const pc_sql_param *find_param(const pc_sql_param *params, size_t n,
                                      const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (params[i].name && strlen(params[i].name) == len &&
            memcmp(params[i].name, name, len) == 0)
            return &params[i];
    return NULL;
}

pc_status pc_sql_expand(pc_ctx *ctx, const char *query,
                        const pc_sql_param *params, size_t nparams,
                        char **out)
{
    *out = NULL;
    struct sbuf b = {0};
    pc_status st = PC_OK;
    sb_put(&b, "", 0); /* an empty query still gives "" */
    for (const char *p = query; *p && st == PC_OK;) {
        size_t run = strcspn(p, "{}");
        sb_put(&b, p, run);
        p += run;
        if (!*p)
            break;
        if (p[0] == p[1]) { /* {{ or }} */
            sb_put(&b, p, 1);
            p += 2;
            continue;
        }
        if (*p == '}') {
            st = pc_error(ctx, PC_ERR_INPUT, "query has an unmatched } at "
                          "character %zu (write }} for a literal brace)",
                          (size_t)(p - query) + 1);
            break;
        }
        const char *name = p + 1;
        size_t len = strcspn(name, "{}");
        if (name[len] != '}') {
            st = pc_error(ctx, PC_ERR_INPUT, "query placeholder {%.*s is not "
                          "closed (write {{ for a literal brace)",
                          (int)(len < 40 ? len : 40), name);
            break;
        }
        const pc_sql_param *prm = find_param(params, nparams, name, len);
        if (len == 0)
            st = pc_error(ctx, PC_ERR_INPUT, "query placeholder {} has no "
                          "name (write {{}} for literal braces)");
        else if (!prm)
            st = pc_error(ctx, PC_ERR_INPUT, "query placeholder {%.*s} is not "
                          "defined", (int)len, name);
        else if (!prm->value)
            st = pc_error(ctx, PC_ERR_INPUT, "query placeholder {%.*s} has "
                          "no value", (int)len, name);
        else
            sb_quoted(&b, prm->value, prm->identifier ? '"' : '\'');
        p = name + len + 1;
    }
    if (st == PC_OK && b.oom)
        st = PC_OOM(ctx);
    if (st != PC_OK) {
        free(b.s);
        return st;
    }
    *out = b.s;
    return PC_OK;
}
