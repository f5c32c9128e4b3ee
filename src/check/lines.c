/* lines.c: check stage: rules for linear features (roads, rail, dikes,
 * pipelines): red-line corridors kept in the session, land take and length
 * against the plan's figures, polygons intruding into corridors, corridors
 * overlapping away from junctions, from/to connectivity and undeclared
 * road/rail crossings. GEOS decides every reported figure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plancheck/crs.h"
#include "plancheck/units.h"
#include "figure.h"
#include "rules_internal.h"

/* The corridors of one line layer. The shell is a layer of the corridors
 * themselves (feature i: the corridor of line i, NULL when it has none) so
 * that the geometry cache, candidate pairs and contact filter of engine.c
 * work on them as on any polygon layer. */
struct pc_corridors {
    pc_layer shell;   /* only nfeatures and features[i].geom / fid are set */
    double *width_m;  /* red-line width of line i; NAN: no corridor */
    uint8_t *invalid; /* GEOS says the corridor is invalid */
    pc_gcache gc;
};

void pc_corridors_free(pc_ctx *ctx, struct pc_corridors *c)
{
    if (!c)
        return;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    for (size_t i = 0; i < c->shell.nfeatures; i++)
        if (c->shell.features[i].geom)
            GEOSGeom_destroy_r(h, c->shell.features[i].geom);
    free(c->shell.features);
    free(c->width_m);
    free(c->invalid);
    pc_gcache_free(&c->gc);
    free(c);
}

/* ---- shared helpers ------------------------------------------------------ */

/* The corridors of layer i, or PC_ERR_USAGE when the corridor rule has not
 * run on it: without widths there is nothing to check against. */
static pc_status need_corridors(pc_ctx *ctx, pc_rules *r, int i,
                                struct pc_corridors **out)
{
    *out = r->layers[i].corridors;
    if (*out)
        return PC_OK;
    return pc_error(ctx, PC_ERR_USAGE, "layer '%s' has no red-line corridors: "
                    "run the corridor rule on it first", r->layers[i].id);
}

static int is_line(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    if (!g || GEOSisEmpty_r(h, g) != 0)
        return 0;
    int t = GEOSGeomTypeId_r(h, g);
    return t == GEOS_LINESTRING || t == GEOS_LINEARRING ||
           t == GEOS_MULTILINESTRING;
}

/* First and last point of a line (of its first and last part when it has
 * several): x0 y0 x1 y1. Returns -1 when it has no points. */
static int line_ends(GEOSContextHandle_t h, const GEOSGeometry *g,
                     double xy[4])
{
    int multi = GEOSGeomTypeId_r(h, g) == GEOS_MULTILINESTRING;
    int n = multi ? GEOSGetNumGeometries_r(h, g) : 1;
    if (n < 1)
        return -1;
    const GEOSGeometry *first = multi ? GEOSGetGeometryN_r(h, g, 0) : g;
    const GEOSGeometry *last = multi ? GEOSGetGeometryN_r(h, g, n - 1) : g;
    const GEOSCoordSequence *s0 = GEOSGeom_getCoordSeq_r(h, first);
    const GEOSCoordSequence *s1 = GEOSGeom_getCoordSeq_r(h, last);
    unsigned int n1 = 0;
    if (!s0 || !s1 || !GEOSCoordSeq_getSize_r(h, s1, &n1) || n1 == 0 ||
        !GEOSCoordSeq_getXY_r(h, s0, 0, &xy[0], &xy[1]) ||
        !GEOSCoordSeq_getXY_r(h, s1, n1 - 1, &xy[2], &xy[3]))
        return -1;
    return 0;
}

/* Distance from (x, y) to g; INFINITY when GEOS cannot tell. */
static double point_distance(GEOSContextHandle_t h, double x, double y,
                             const GEOSGeometry *g)
{
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
    double d = INFINITY;
    if (p && g && !GEOSDistance_r(h, p, g, &d))
        d = INFINITY;
    if (p)
        GEOSGeom_destroy_r(h, p);
    return d;
}

/* Growable list of xy pairs. */
struct pts {
    double *xy;
    size_t n, cap;
    int failed;
};

static void pts_push(struct pts *p, double x, double y)
{
    for (size_t k = 0; k < p->n; k++) /* few points; keep them unique */
        if (p->xy[2 * k] == x && p->xy[2 * k + 1] == y)
            return;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        double *xy = realloc(p->xy, 2 * cap * sizeof *xy);
        if (!xy) {
            p->failed = 1;
            return;
        }
        p->xy = xy;
        p->cap = cap;
    }
    p->xy[2 * p->n] = x;
    p->xy[2 * p->n + 1] = y;
    p->n++;
}

/* Appends the points of g, and with `vertices` the vertices of its lines
 * (where two centre lines run along each other, the ends of the shared
 * stretch). */
static void add_points(GEOSContextHandle_t h, const GEOSGeometry *g,
                       int vertices, struct pts *p)
{
    if (!g || GEOSisEmpty_r(h, g) != 0)
        return;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_MULTIPOINT || t == GEOS_MULTILINESTRING ||
        t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int k = 0; k < n; k++)
            add_points(h, GEOSGetGeometryN_r(h, g, k), vertices, p);
        return;
    }
    if (t == GEOS_POINT) {
        double x, y;
        if (GEOSGeomGetX_r(h, g, &x) && GEOSGeomGetY_r(h, g, &y))
            pts_push(p, x, y);
        return;
    }
    if (!vertices || (t != GEOS_LINESTRING && t != GEOS_LINEARRING))
        return;
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, g);
    unsigned int n = 0;
    if (!s || !GEOSCoordSeq_getSize_r(h, s, &n))
        return;
    for (unsigned int k = 0; k < n; k++) {
        double x, y;
        if (GEOSCoordSeq_getXY_r(h, s, k, &x, &y))
            pts_push(p, x, y);
    }
}

/* STRtree hits of one query, as item indices. */
struct hits {
    size_t *v;
    size_t n, cap;
    int failed;
};

static void on_hit(void *item, void *userdata)
{
    struct hits *hs = userdata;
    if (hs->n == hs->cap) {
        size_t cap = hs->cap ? 2 * hs->cap : 16;
        size_t *v = realloc(hs->v, cap * sizeof *v);
        if (!v) {
            hs->failed = 1;
            return;
        }
        hs->v = v;
        hs->cap = cap;
    }
    hs->v[hs->n++] = (size_t)((uintptr_t)item - 1);
}

/* Items of `tree` whose envelopes meet the square of half side r around
 * (x, y). Returns -1 when out of memory. */
static int query_near(GEOSContextHandle_t h, GEOSSTRtree *tree, double x,
                      double y, double r, struct hits *hs)
{
    hs->n = 0;
    GEOSGeometry *q = r > 0 ? GEOSGeom_createRectangle_r(h, x - r, y - r,
                                                         x + r, y + r)
                            : GEOSGeom_createPointFromXY_r(h, x, y);
    if (!q)
        return -1;
    GEOSSTRtree_query_r(h, tree, q, on_hit, hs);
    GEOSGeom_destroy_r(h, q);
    return hs->failed ? -1 : 0;
}

/* GEOS builds an STRtree on its first query; do that on this thread before
 * the workers query it concurrently (as engine.c does). */
static void tree_prime(GEOSContextHandle_t h, GEOSSTRtree *tree,
                       const GEOSGeometry *any)
{
    struct hits hs = {0};
    if (any)
        GEOSSTRtree_query_r(h, tree, any, on_hit, &hs);
    free(hs.v);
}

/* Widths and lengths may be printed with their unit (figure.h). */
static const char *const metre_suffixes[] = {"m", "M", "米", NULL};

/* ---- corridors, land take, length ---------------------------------------- */

struct corridor_job {
    pc_rules *r;
    struct rlayer *l;
    const pc_corridor_opts *o;
    const uint8_t *mask;
    int wf, cf;        /* width and class fields, -1: none */
    int tv, tu, ta;    /* land take value, unit and approx fields */
    int lv, la;        /* stated length and its approx field */
    double mitre;
    struct pc_corridors *c;
    pc_area_calc *calc[PC_MAX_THREADS]; /* ellipsoidal land take: per worker */
    pc_crs *crs[PC_MAX_THREADS];
};

/* The red-line width of line i: 0 with *width_m set, or -1 with the
 * reason in why. */
static int line_width(const struct corridor_job *job, size_t i,
                      double *width_m, char *why, size_t n)
{
    const pc_layer *layer = job->l->layer;
    const pc_feature *f = &layer->features[i];
    const pc_corridor_opts *o = job->o;
    if (job->wf >= 0) {
        pc_figure fig;
        pc_figure_read(layer, f, job->wf, -1, metre_suffixes, &fig);
        if (!fig.is_null) {
            if (fig.ok && fig.value > 0) {
                *width_m = fig.value;
                return 0;
            }
            snprintf(why, n, "red-line width '%s' in field %s is not a "
                     "positive number of metres",
                     pc_figure_text(layer, f, job->wf, &fig), o->width_field);
            return -1;
        }
    }
    const char *cls = NULL;
    char buf[64];
    if (job->cf >= 0) {
        cls = pc_value_text(layer, (size_t)job->cf, &f->values[job->cf], buf,
                            sizeof buf);
        for (size_t k = 0; cls && k < o->nclasses; k++)
            if (o->classes[k].value && strcmp(cls, o->classes[k].value) == 0 &&
                o->classes[k].width_m > 0) {
                *width_m = o->classes[k].width_m;
                return 0;
            }
    }
    if (o->default_width_m > 0) {
        *width_m = o->default_width_m;
        return 0;
    }
    int len = snprintf(why, n, "no red-line width:");
    if (job->wf >= 0 && len > 0 && (size_t)len < n)
        len += snprintf(why + len, n - (size_t)len, " field %s is empty,",
                        o->width_field);
    if (job->cf >= 0 && len > 0 && (size_t)len < n)
        len += snprintf(why + len, n - (size_t)len, " class '%s' (field %s) "
                        "is not in the width table,", cls ? cls : "(NULL)",
                        o->class_field);
    if (len > 0 && (size_t)len < n)
        snprintf(why + len, n - (size_t)len, " no default width");
    return -1;
}

/* Area of a corridor by the session's method. */
static pc_status corridor_area(pc_ctx *ctx, struct corridor_job *job,
                               int worker, const GEOSGeometry *g, double *a)
{
    if (job->r->method == PC_AREA_PLANAR) {
        if (!GEOSArea_r(pc_ctx_geos(ctx), g, a))
            return pc_error(ctx, PC_ERR_INTERNAL, "GEOS: %s",
                            pc_ctx_geos_message(ctx));
        return PC_OK;
    }
    pc_status st;
    /* a PROJ transformation belongs to one context: one per worker */
    if (!job->calc[worker] &&
        ((st = pc_crs_clone(ctx, job->r->crs, &job->crs[worker])) != PC_OK ||
         (st = pc_area_calc_new(ctx, job->crs[worker], &job->calc[worker])) !=
             PC_OK))
        return st;
    return pc_area_calc_area(ctx, job->calc[worker], g, job->r->method, a);
}

static void corridor_done(pc_ctx *ctx, int worker, void *arg)
{
    struct corridor_job *job = arg;
    (void)ctx;
    pc_area_calc_free(job->calc[worker]);
    pc_crs_free(job->crs[worker]);
    job->calc[worker] = NULL;
    job->crs[worker] = NULL;
}

/* The finding common to the corridor rule's findings about line i. */
static pc_finding line_finding(const struct corridor_job *job, size_t i,
                               const char *rule, pc_severity sev, char *key)
{
    const pc_feature *f = &job->l->layer->features[i];
    pc_finding fd = pc_finding_init(rule, sev);
    fd.layer = job->l->id;
    fd.key = key;
    fd.fid = f->fid;
    fd.repaired = f->repaired;
    return fd;
}

static pc_status check_length(pc_ctx *ctx, const struct corridor_job *job,
                              size_t i, const char *key, double length,
                              pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_corridor_opts *o = job->o;
    const pc_feature *f = &job->l->layer->features[i];
    pc_figure fig;
    pc_figure_read(job->l->layer, f, job->lv, job->la, metre_suffixes, &fig);
    if (fig.is_null)
        return PC_OK;
    char msg[1024];
    pc_finding fd = line_finding(job, i, "line.length", o->severity,
                                 (char *)key);
    fd.field = (char *)o->length_field;
    fd.message = msg;
    if (!fig.ok) {
        fd.rule = "line.length.value";
        snprintf(msg, sizeof msg, "%s %s: stated length '%s' in field %s is "
                 "not a finite non-negative number of metres", job->l->id, key,
                 pc_figure_text(job->l->layer, f, job->lv, &fig),
                 o->length_field);
        fd.geom = GEOSGeom_clone_r(h, f->geom);
        return pc_findings_add(ctx, out, &fd);
    }
    double tol = pc_figure_tolerance(o->length_tol.abs_m, o->length_tol.rel_pct,
                                     o->length_tol.approx_rel_pct, fig.approx,
                                     fig.value);
    double diff = length - fig.value;
    if (fabs(diff) <= tol)
        return PC_OK;
    double pct = fig.value > 0 ? 100.0 * diff / fig.value : NAN;
    fd.measured_m2 = length;
    fd.declared_m2 = fig.value;
    fd.diff_m2 = diff;
    fd.diff_pct = pct;
    fd.tolerance_m2 = tol;
    fd.declared_value = fig.value;
    fd.unit = "m";
    fd.method = "planar";
    const char *text = pc_figure_text(job->l->layer, f, job->lv, &fig);
    snprintf(msg, sizeof msg, "%s %s: length %.2f m differs from stated %s%s "
             "m by %+.2f m (%+.3f%%); tolerance %.2f m", job->l->id, key,
             length, fig.approx && !strstr(text, "约") ? "约" : "", text,
             diff, pct, tol);
    fd.geom = GEOSGeom_clone_r(h, f->geom);
    return pc_findings_add(ctx, out, &fd);
}

static pc_status check_land_take(pc_ctx *ctx, struct corridor_job *job,
                                 int worker, size_t i, const char *key,
                                 const GEOSGeometry *corridor, double width,
                                 pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_corridor_opts *o = job->o;
    const pc_area_decl *d = &o->land_take;
    const pc_layer *layer = job->l->layer;
    const pc_feature *f = &layer->features[i];
    pc_figure fig;
    pc_figure_read(layer, f, job->tv, job->ta, NULL, &fig);
    if (fig.is_null)
        return PC_OK;
    char ubuf[64], msg[1024];
    const char *unit_text = d->unit;
    if (job->tu >= 0)
        unit_text = pc_value_text(layer, (size_t)job->tu, &f->values[job->tu],
                                  ubuf, sizeof ubuf);
    pc_finding fd = line_finding(job, i, "line.land_take.value", o->severity,
                                 (char *)key);
    fd.field = (char *)d->value_field;
    fd.unit = (char *)unit_text;
    fd.message = msg;
    pc_unit unit;
    if (!fig.ok) {
        snprintf(msg, sizeof msg, "%s %s: declared land take '%s' in field %s "
                 "is not a finite non-negative number", job->l->id, key,
                 pc_figure_text(layer, f, job->tv, &fig), d->value_field);
        fd.geom = GEOSGeom_clone_r(h, corridor);
        return pc_findings_add(ctx, out, &fd);
    }
    if (!unit_text || pc_unit_parse(unit_text, &unit) != 0) {
        fd.rule = "line.land_take.unit";
        fd.declared_value = fig.value;
        snprintf(msg, sizeof msg, "%s %s: unknown area unit '%s'%s%s for the "
                 "land take; expected 亩/mu, 公顷/ha, 平方公里/km2, 平方米/m2, "
                 "万平方米 or 万亩", job->l->id, key,
                 unit_text ? unit_text : "(empty)",
                 job->tu >= 0 ? " in field " : "",
                 job->tu >= 0 ? d->unit_field : "");
        fd.geom = GEOSGeom_clone_r(h, corridor);
        return pc_findings_add(ctx, out, &fd);
    }
    double m;
    pc_status st = corridor_area(ctx, job, worker, corridor, &m);
    if (st != PC_OK)
        return st;
    double declared = pc_unit_to_m2(fig.value, unit);
    double tol = pc_figure_tolerance(
        o->land_take_tol.abs_m2, o->land_take_tol.rel_pct,
        o->land_take_tol.approx_rel_pct, fig.approx, declared);
    double diff = m - declared;
    if (fabs(diff) <= tol)
        return PC_OK;
    double pct = declared > 0 ? 100.0 * diff / declared : NAN;
    const char *method = pc_area_method_name(job->r->method);
    fd.rule = "line.land_take";
    fd.measured_m2 = m;
    fd.declared_m2 = declared;
    fd.diff_m2 = diff;
    fd.diff_pct = pct;
    fd.tolerance_m2 = tol;
    fd.declared_value = fig.value;
    fd.method = (char *)method;
    const char *text = pc_figure_text(layer, f, job->tv, &fig);
    snprintf(msg, sizeof msg, "%s %s: %s corridor area %.2f m2 (%.4f %s, "
             "%g m red line) differs from declared land take %s%s %s "
             "(%.2f m2) by %+.2f m2 (%+.3f%%); tolerance %.2f m2", job->l->id,
             key, method, m, pc_unit_from_m2(m, unit), pc_unit_name_zh(unit),
             width, fig.approx && !strstr(text, "约") ? "约" : "", text,
             unit_text, declared, diff, pct, tol);
    fd.geom = GEOSGeom_clone_r(h, corridor);
    return pc_findings_add(ctx, out, &fd);
}

static pc_status corridor_chunk(pc_ctx *ctx, int worker, size_t first,
                                size_t count, void *arg, pc_findings *out)
{
    struct corridor_job *job = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_corridor_opts *o = job->o;
    pc_status st = PC_OK;
    for (size_t i = first; i < first + count && st == PC_OK; i++) {
        if (job->mask && !job->mask[i])
            continue;
        const pc_feature *f = &job->l->layer->features[i];
        char key[256], msg[1024], why[512];
        pc_rules_key(job->l, i, key, sizeof key);
        double length = 0;
        if (is_line(h, f->geom) && !GEOSLength_r(h, f->geom, &length))
            length = NAN;
        if (!is_line(h, f->geom) || !(length > 0)) {
            pc_finding fd = line_finding(job, i, "corridor.geometry",
                                         o->severity, key);
            int t = f->geom ? GEOSGeomTypeId_r(h, f->geom) : -1;
            snprintf(msg, sizeof msg, "%s %s: %s: no red-line corridor",
                     job->l->id, key,
                     f->geom_error ? f->geom_error
                     : !f->geom    ? "no geometry"
                     : GEOSisEmpty_r(h, f->geom) != 0 ? "empty geometry"
                     : t == GEOS_POINT || t == GEOS_MULTIPOINT
                         ? "a point where lines are expected"
                     : t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON
                         ? "a polygon where lines are expected"
                     : t == GEOS_GEOMETRYCOLLECTION
                         ? "a geometry collection where lines are expected"
                         : "a line of zero length");
            fd.message = msg;
            if (f->geom)
                fd.geom = GEOSGeom_clone_r(h, f->geom);
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        if (job->lv >= 0 &&
            (st = check_length(ctx, job, i, key, length, out)) != PC_OK)
            break;
        double width;
        if (line_width(job, i, &width, why, sizeof why) != 0) {
            pc_finding fd = line_finding(job, i, "corridor.no_width",
                                         o->severity, key);
            fd.field = (char *)(o->width_field ? o->width_field
                                               : o->class_field);
            snprintf(msg, sizeof msg, "%s %s: %s", job->l->id, key, why);
            fd.message = msg;
            fd.geom = GEOSGeom_clone_r(h, f->geom);
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        GEOSGeometry *c = GEOSBufferWithStyle_r(h, f->geom, width / 2, 8,
                                                GEOSBUF_CAP_FLAT,
                                                GEOSBUF_JOIN_MITRE, job->mitre);
        c = pc_polygonal_part(h, c);
        if (!c) {
            pc_finding fd = line_finding(job, i, "corridor.unevaluated",
                                         o->severity, key);
            snprintf(msg, sizeof msg, "%s %s: could not buffer the line by "
                     "%g m: %s", job->l->id, key, width / 2,
                     *pc_ctx_geos_message(ctx) ? pc_ctx_geos_message(ctx)
                                               : "empty result");
            fd.message = msg;
            fd.geom = GEOSGeom_clone_r(h, f->geom);
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        /* each worker writes only the slots of its own features */
        job->c->shell.features[i].geom = c;
        job->c->width_m[i] = width;
        job->c->invalid[i] = GEOSisValid_r(h, c) != 1;
        if (job->tv >= 0)
            st = check_land_take(ctx, job, worker, i, key, c, width, out);
    }
    return st;
}

pc_status pc_rules_corridor(pc_ctx *ctx, pc_rules *r, int layer,
                            const pc_corridor_opts *o, pc_findings *out)
{
    struct rlayer *l = &r->layers[layer];
    struct corridor_job *job = calloc(1, sizeof *job);
    struct pc_corridors *c = calloc(1, sizeof *c);
    uint8_t *mask = NULL;
    pc_status st = PC_OK;
    size_t n = l->layer->nfeatures;
    if (!job || !c) {
        st = PC_OOM(ctx);
        goto done;
    }
    job->r = r;
    job->l = l;
    job->o = o;
    job->mitre = o->mitre_limit > 0 ? o->mitre_limit : 5;
    const pc_area_decl *d = &o->land_take;
    const pc_layer *ly = l->layer;
    if ((st = pc_layer_need_field(ctx, ly, o->width_field,
                                  "corridor rule's width_field", &job->wf)) !=
            PC_OK ||
        (st = pc_layer_need_field(ctx, ly, o->class_field,
                                  "corridor rule's class_field", &job->cf)) !=
            PC_OK ||
        (st = pc_layer_need_field(ctx, ly, d->value_field, "land take field",
                                  &job->tv)) != PC_OK ||
        (st = pc_layer_need_field(ctx, ly,
                                  d->value_field ? d->unit_field : NULL,
                                  "land take unit_field", &job->tu)) != PC_OK ||
        (st = pc_layer_need_field(ctx, ly,
                                  d->value_field ? d->approx_field : NULL,
                                  "land take approx_field", &job->ta)) !=
            PC_OK ||
        (st = pc_layer_need_field(ctx, ly, o->length_field, "length_field",
                                  &job->lv)) != PC_OK ||
        (st = pc_layer_need_field(ctx, ly,
                                  o->length_field ? o->length_approx_field
                                                  : NULL,
                                  "length approx_field", &job->la)) != PC_OK)
        goto done;
    if (job->tv >= 0 && job->tu < 0) {
        pc_unit u;
        if (!d->unit || pc_unit_parse(d->unit, &u) != 0) {
            st = pc_error(ctx, PC_ERR_INPUT, "layer '%s': land take unit "
                          "'%s' unknown (expected 亩/mu, 公顷/ha, 平方公里/km2, "
                          "平方米/m2, 万平方米 or 万亩)", l->id,
                          d->unit ? d->unit : "(none)");
            goto done;
        }
    }
    if ((st = pc_rules_where_mask(ctx, l, &o->where, &mask)) != PC_OK)
        goto done;
    job->mask = mask;
    c->shell.name = l->id;
    c->shell.nfeatures = c->shell.cap = n;
    c->shell.features = calloc(n ? n : 1, sizeof *c->shell.features);
    c->width_m = malloc((n ? n : 1) * sizeof *c->width_m);
    c->invalid = calloc(n ? n : 1, 1);
    if (!c->shell.features || !c->width_m || !c->invalid) {
        st = PC_OOM(ctx);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        c->shell.features[i].fid = l->layer->features[i].fid;
        c->width_m[i] = NAN;
    }
    job->c = c;
    st = pc_parallel_ex(ctx, n, r->threads, corridor_chunk, corridor_done, job,
                        r->progress, r->progress_arg, "corridors", out);
    if (st == PC_OK)
        st = pc_gcache_build(ctx, &c->shell, c->invalid, r->threads, &c->gc);
    if (st == PC_OK) {
        pc_corridors_free(ctx, l->corridors);
        l->corridors = c;
        c = NULL;
    }
done:
    pc_corridors_free(ctx, c);
    free(job);
    free(mask);
    return st;
}

/* ---- intrusion into corridors -------------------------------------------- */

struct intrusion_job {
    struct rlayer *p, *l;          /* polygons, lines */
    const struct pc_corridors *c;  /* the lines' corridors */
    const pc_pairs *pairs;         /* polygon x corridor */
    const uint8_t *mp, *ml;
    const pc_intrusion_opts *o;
};

static pc_status intrusion_chunk(pc_ctx *ctx, int worker, size_t first,
                                 size_t count, void *arg, pc_findings *out)
{
    struct intrusion_job *job = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    (void)worker;
    pc_status st = PC_OK;
    for (size_t k = first; k < first + count && st == PC_OK; k++) {
        size_t i = job->pairs->a[k], j = job->pairs->b[k];
        if ((job->mp && !job->mp[i]) || (job->ml && !job->ml[j]))
            continue;
        /* touching the red line (shared edges and vertices) ends here */
        if (!pc_pair_may_overlap(h, &job->p->gc, i, &job->c->gc, j))
            continue;
        const GEOSGeometry *gp = job->p->layer->features[i].geom;
        const GEOSGeometry *gc = job->c->shell.features[j].geom;
        char ka[256], kb[256], msg[1024];
        pc_finding fd = pc_finding_init("line.intrusion", job->o->severity);
        pc_rules_pair_keys(&fd, job->p, i, job->l, j, 0, ka, kb, sizeof ka);
        fd.message = msg;
        fd.tolerance_m2 = job->o->tolerance_m2;
        /* as in overlap.c: overlay on an invalid polygon means little */
        if ((job->p->gc.flags[i] | job->c->gc.flags[j]) & PC_GC_INVALID) {
            char rel = GEOSRelatePattern_r(h, gp, gc, "T********");
            if (rel == 0)
                continue;
            fd.rule = "line.intrusion.unevaluated";
            snprintf(msg, sizeof msg, "could not evaluate %s %s against the "
                     "red line of %s %s: %s", fd.layer, fd.key, fd.layer2,
                     fd.key2,
                     rel == 2 ? pc_ctx_geos_message(ctx)
                              : "their interiors meet but one of them is an "
                                "invalid polygon (see validity)");
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        GEOSGeometry *inter = GEOSIntersection_r(h, gp, gc);
        if (!inter) {
            fd.rule = "line.intrusion.unevaluated";
            snprintf(msg, sizeof msg, "could not evaluate %s %s against the "
                     "red line of %s %s: %s", fd.layer, fd.key, fd.layer2,
                     fd.key2, pc_ctx_geos_message(ctx));
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        double a;
        if (!(inter = pc_polygonal_above(h, inter, job->o->tolerance_m2, &a)))
            continue;
        fd.geom = inter;
        fd.measured_m2 = a;
        snprintf(msg, sizeof msg, "%s %s intrudes into the red line of %s %s "
                 "(%g m)", fd.layer, fd.key, fd.layer2, fd.key2,
                 job->c->width_m[j]);
        st = pc_findings_add(ctx, out, &fd);
    }
    return st;
}

pc_status pc_rules_intrusion(pc_ctx *ctx, pc_rules *r, int polygons,
                             int lines, const pc_intrusion_opts *o,
                             pc_findings *out)
{
    struct pc_corridors *c;
    pc_status st;
    if ((st = need_corridors(ctx, r, lines, &c)) != PC_OK ||
        (st = pc_rules_need_cache(ctx, r, polygons)) != PC_OK)
        return st;
    struct rlayer *p = &r->layers[polygons], *l = &r->layers[lines];
    uint8_t *mp = NULL, *ml = NULL;
    pc_pairs pairs = {0};
    size_t from = out->n;
    if ((st = pc_rules_where_mask(ctx, p, &o->where, &mp)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, l, &o->where_line, &ml)) != PC_OK ||
        (st = pc_pairs_cross(ctx, &p->gc, &c->gc, r->threads, &pairs)) != PC_OK)
        goto done;
    struct intrusion_job job = {p, l, c, &pairs, mp, ml, o};
    st = pc_parallel(ctx, pairs.n, r->threads, intrusion_chunk, &job,
                     r->progress, r->progress_arg, "line.intrusion", out);
    if (st == PC_OK)
        st = pc_rules_finish_areas(ctx, r, out, from, o->tolerance_m2,
                                   r->method, "line.intrusion");
done:
    pc_pairs_clear(&pairs);
    free(mp);
    free(ml);
    return st;
}

/* ---- corridors overlapping away from junctions --------------------------- */

struct coverlap_job {
    struct rlayer *la, *lb;
    const struct pc_corridors *ca, *cb;
    const pc_pairs *pairs;
    const uint8_t *ma, *mb;
    int self;
    const pc_corridor_overlap_opts *o;
};

/* Unit direction of the segment of line g nearest to (x, y) in d. Returns
 * -1 when g has no segment of non-zero length. */
static int direction_near(GEOSContextHandle_t h, const GEOSGeometry *g,
                          double x, double y, double d[2])
{
    int multi = GEOSGeomTypeId_r(h, g) == GEOS_MULTILINESTRING;
    int nparts = multi ? GEOSGetNumGeometries_r(h, g) : 1;
    double best = INFINITY;
    for (int q = 0; q < nparts; q++) {
        const GEOSGeometry *part = multi ? GEOSGetGeometryN_r(h, g, q) : g;
        const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, part);
        unsigned int n = 0;
        if (!s || !GEOSCoordSeq_getSize_r(h, s, &n))
            continue;
        double x0, y0, x1, y1;
        if (n == 0 || !GEOSCoordSeq_getXY_r(h, s, 0, &x0, &y0))
            continue;
        for (unsigned int k = 1; k < n; k++, x0 = x1, y0 = y1) {
            if (!GEOSCoordSeq_getXY_r(h, s, k, &x1, &y1))
                break;
            double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
            if (!(len2 > 0))
                continue;
            double t = ((x - x0) * dx + (y - y0) * dy) / len2;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double ex = x0 + t * dx - x, ey = y0 + t * dy - y;
            if (ex * ex + ey * ey < best) {
                best = ex * ex + ey * ey;
                d[0] = dx / sqrt(len2);
                d[1] = dy / sqrt(len2);
            }
        }
    }
    return isfinite(best) ? 0 : -1;
}

static double sin_angle(GEOSContextHandle_t h, const GEOSGeometry *gi,
                        const GEOSGeometry *gj, double x, double y);

/* Radius of the junction at a meeting point (x, y) of lines gi and gj of
 * half widths a and b. Two straight corridors crossing at an angle t
 * overlap in a parallelogram that reaches at most (a + b) / sin t from the
 * crossing (its half diagonal is sqrt(a² + b² + 2ab |cos t|) / sin t).
 * Below 30 degrees the radius stays at 2 (a + b): lines meeting at a
 * shallow angle must not hide a long overlap. */
static double junction_radius(GEOSContextHandle_t h, const GEOSGeometry *gi,
                              const GEOSGeometry *gj, double x, double y,
                              double a, double b)
{
    return (a + b) / fmax(sin_angle(h, gi, gj, x, y), 0.5);
}

/* Sine of the angle between lines gi and gj near (x, y); 1 when either
 * has no direction there. */
static double sin_angle(GEOSContextHandle_t h, const GEOSGeometry *gi,
                        const GEOSGeometry *gj, double x, double y)
{
    double di[2], dj[2];
    if (direction_near(h, gi, x, y, di) != 0 ||
        direction_near(h, gj, x, y, dj) != 0)
        return 1;
    return fabs(di[0] * dj[1] - di[1] * dj[0]);
}

/* Where lines gi and gj (half widths hw_i, hw_j) meet: the points their
 * centre lines share (with the ends of stretches they share), and each end
 * of one that comes at the other at 30 degrees or more and lies within
 * hw_i + hw_j of it, so that its flat end reaches into the other's
 * corridor: a road ending at another's red line or short of its centre
 * line, or a segment of a road split at a junction that the other line
 * crosses just beyond its end. An end beside a line running alongside is
 * no junction: split into short segments, a doubled road would otherwise
 * hide its whole length in junctions. */
static void meeting_points(GEOSContextHandle_t h, const GEOSGeometry *gi,
                           const GEOSGeometry *gj, double hw_i, double hw_j,
                           struct pts *p)
{
    GEOSGeometry *x = GEOSIntersection_r(h, gi, gj);
    if (x) {
        add_points(h, x, 1, p);
        GEOSGeom_destroy_r(h, x);
    }
    double e[4];
    for (int w = 0; w < 2; w++) {
        const GEOSGeometry *g = w ? gj : gi, *other = w ? gi : gj;
        if (line_ends(h, g, e) != 0)
            continue;
        for (int k = 0; k < 2; k++)
            if (point_distance(h, e[2 * k], e[2 * k + 1], other) <=
                    hw_i + hw_j &&
                sin_angle(h, g, other, e[2 * k], e[2 * k + 1]) >= 0.5)
                pts_push(p, e[2 * k], e[2 * k + 1]);
    }
}

/* The overlap minus the junction disc around each meeting point (radius
 * junction_radius + allowed); takes over `inter`. NULL on a GEOS failure
 * (then *failed is set). */
static GEOSGeometry *minus_junctions(GEOSContextHandle_t h,
                                     GEOSGeometry *inter, const struct pts *p,
                                     const GEOSGeometry *gi,
                                     const GEOSGeometry *gj, double hw_i,
                                     double hw_j, double allowed, int *failed)
{
    for (size_t k = 0; k < p->n && inter; k++) {
        double x = p->xy[2 * k], y = p->xy[2 * k + 1];
        double r = junction_radius(h, gi, gj, x, y, hw_i, hw_j) + allowed;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        /* the buffer's polygon has its vertices on the circle; widen it so
         * that its edges, not only its vertices, reach radius r */
        GEOSGeometry *disc = pt ? GEOSBuffer_r(h, pt, r / cos(M_PI / 64), 16)
                                : NULL;
        GEOSGeometry *rest = disc ? GEOSDifference_r(h, inter, disc) : NULL;
        if (pt)
            GEOSGeom_destroy_r(h, pt);
        if (disc)
            GEOSGeom_destroy_r(h, disc);
        GEOSGeom_destroy_r(h, inter);
        inter = rest;
    }
    *failed = inter == NULL;
    return inter;
}

static pc_status coverlap_chunk(pc_ctx *ctx, int worker, size_t first,
                                size_t count, void *arg, pc_findings *out)
{
    struct coverlap_job *job = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_corridor_overlap_opts *o = job->o;
    (void)worker;
    pc_status st = PC_OK;
    struct pts p = {0};
    for (size_t k = first; k < first + count && st == PC_OK; k++) {
        size_t i = job->pairs->a[k], j = job->pairs->b[k];
        int in_ij = (!job->ma || job->ma[i]) && (!job->mb || job->mb[j]);
        int in_ji = job->self && (!job->ma || job->ma[j]) &&
                    (!job->mb || job->mb[i]);
        if (!in_ij && !in_ji)
            continue;
        if (!pc_pair_may_overlap(h, &job->ca->gc, i, &job->cb->gc, j))
            continue;
        const GEOSGeometry *ci = job->ca->shell.features[i].geom;
        const GEOSGeometry *cj = job->cb->shell.features[j].geom;
        char ka[256], kb[256], msg[1024];
        pc_finding fd = pc_finding_init("line.corridor_overlap", o->severity);
        pc_rules_pair_keys(&fd, job->la, i, job->lb, j, job->self, ka, kb,
                           sizeof ka);
        fd.message = msg;
        fd.tolerance_m2 = o->tolerance_m2;
        GEOSGeometry *inter = GEOSIntersection_r(h, ci, cj);
        int failed = inter == NULL;
        double a;
        inter = pc_polygonal_above(h, inter, o->tolerance_m2, &a);
        if (!failed && !inter)
            continue;
        double hw_i = job->ca->width_m[i] / 2, hw_j = job->cb->width_m[j] / 2;
        const GEOSGeometry *gi = job->la->layer->features[i].geom;
        const GEOSGeometry *gj = job->lb->layer->features[j].geom;
        if (!failed) {
            p.n = 0;
            meeting_points(h, gi, gj, hw_i, hw_j, &p);
            if (p.failed) {
                GEOSGeom_destroy_r(h, inter);
                st = PC_OOM(ctx);
                break;
            }
            inter = pc_polygonal_part(
                h, minus_junctions(h, inter, &p, gi, gj, hw_i, hw_j,
                                   o->allowed_length_m, &failed));
        }
        if (failed) {
            fd.rule = "line.corridor_overlap.unevaluated";
            snprintf(msg, sizeof msg, "could not evaluate the red lines of %s "
                     "%s and %s %s: %s", fd.layer, fd.key, fd.layer2, fd.key2,
                     pc_ctx_geos_message(ctx));
            st = pc_findings_add(ctx, out, &fd);
            continue;
        }
        a = 0;
        if (inter && !GEOSArea_r(h, inter, &a))
            a = 0;
        if (!inter || !(a > o->tolerance_m2 * 0.99)) {
            if (inter)
                GEOSGeom_destroy_r(h, inter);
            continue;
        }
        fd.geom = inter;
        fd.measured_m2 = a;
        snprintf(msg, sizeof msg, "red lines of %s %s and %s %s overlap %s",
                 fd.layer, fd.key, fd.layer2, fd.key2,
                 p.n ? "beyond their junction" : "(the lines do not meet)");
        st = pc_findings_add(ctx, out, &fd);
    }
    free(p.xy);
    return st;
}

pc_status pc_rules_corridor_overlap(pc_ctx *ctx, pc_rules *r, int a, int b,
                                    const pc_corridor_overlap_opts *o,
                                    pc_findings *out)
{
    struct pc_corridors *ca, *cb;
    pc_status st;
    if ((st = need_corridors(ctx, r, a, &ca)) != PC_OK ||
        (st = need_corridors(ctx, r, b, &cb)) != PC_OK)
        return st;
    struct rlayer *la = &r->layers[a], *lb = &r->layers[b];
    uint8_t *ma = NULL, *mb = NULL;
    pc_pairs pairs = {0};
    size_t from = out->n;
    if ((st = pc_rules_where_mask(ctx, la, &o->where_a, &ma)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, lb, &o->where_b, &mb)) != PC_OK)
        goto done;
    st = a == b ? pc_pairs_self(ctx, &ca->gc, r->threads, &pairs)
                : pc_pairs_cross(ctx, &ca->gc, &cb->gc, r->threads, &pairs);
    if (st != PC_OK)
        goto done;
    struct coverlap_job job = {la, lb, ca, cb, &pairs, ma, mb, a == b, o};
    st = pc_parallel(ctx, pairs.n, r->threads, coverlap_chunk, &job,
                     r->progress, r->progress_arg, "line.corridor_overlap",
                     out);
    if (st == PC_OK)
        st = pc_rules_finish_areas(ctx, r, out, from, o->tolerance_m2,
                                   r->method, "line.corridor_overlap");
done:
    pc_pairs_clear(&pairs);
    free(ma);
    free(mb);
    return st;
}

/* ---- connectivity -------------------------------------------------------- */

struct conn_job {
    struct rlayer *l, *t;
    const pc_connectivity_opts *o;
    const uint8_t *mask;
    int ff, tf;                 /* from and to fields, -1: none */
    const pc_key_table *keys;   /* keys of t */
    GEOSSTRtree *tree;          /* lines of l (item 2i+1) and t (2i+2) */
};

/* The finding about one end of line i, located at the end point. */
static pc_finding end_finding(pc_ctx *ctx, const struct conn_job *job,
                              size_t i, const char *rule, pc_severity sev,
                              char *key, double x, double y)
{
    const pc_feature *f = &job->l->layer->features[i];
    pc_finding fd = pc_finding_init(rule, sev);
    fd.layer = job->l->id;
    fd.key = key;
    fd.fid = f->fid;
    fd.repaired = f->repaired;
    fd.geom = GEOSGeom_createPointFromXY_r(pc_ctx_geos(ctx), x, y);
    return fd;
}

/* The end (x, y) of line i must meet the line its field `fi` names. */
static pc_status check_ref(pc_ctx *ctx, const struct conn_job *job, size_t i,
                           char *key, int fi, const char *which, double x,
                           double y, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const pc_layer *layer = job->l->layer;
    char buf[64], msg[1024];
    const char *ref = pc_value_text(layer, (size_t)fi,
                                    &layer->features[i].values[fi], buf,
                                    sizeof buf);
    if (!ref || !*ref)
        return PC_OK;
    const char *field = layer->fields[fi].name;
    size_t nhit;
    const struct pc_key_entry *hit = pc_key_table_find(job->keys, ref, &nhit);
    if (!hit) {
        pc_finding fd = end_finding(ctx, job, i, "line.unknown_ref",
                                    job->o->severity, key, x, y);
        fd.field = (char *)field;
        fd.message = msg;
        snprintf(msg, sizeof msg, "%s %s: its %s names '%s' in field %s, "
                 "which is not a line of %s", job->l->id, key, which, ref,
                 field, job->t->id);
        return pc_findings_add(ctx, out, &fd);
    }
    double best = INFINITY;
    size_t near = hit[0].index;
    for (size_t k = 0; k < nhit; k++) {
        uint32_t t = hit[k].index;
        const GEOSGeometry *g = job->t->layer->features[t].geom;
        double d = g ? point_distance(h, x, y, g) : INFINITY;
        if (d < best) {
            best = d;
            near = hit[k].index;
        }
    }
    if (best <= job->o->snap_m)
        return PC_OK;
    pc_finding fd = end_finding(ctx, job, i, "line.not_connected",
                                job->o->severity, key, x, y);
    fd.field = (char *)field;
    fd.layer2 = job->t->id;
    fd.key2 = (char *)ref;
    fd.fid2 = job->t->layer->features[near].fid;
    fd.measured_m2 = isfinite(best) ? best : NAN;
    fd.tolerance_m2 = job->o->snap_m;
    fd.unit = "m";
    fd.message = msg;
    if (isfinite(best))
        snprintf(msg, sizeof msg, "%s %s: its %s is %.3f m from %s %s (named "
                 "in field %s); snapping tolerance %g m", job->l->id, key,
                 which, best, job->t->id, ref, field, job->o->snap_m);
    else
        snprintf(msg, sizeof msg, "%s %s: its %s should meet %s %s (named in "
                 "field %s), which has no geometry", job->l->id, key, which,
                 job->t->id, ref, field);
    return pc_findings_add(ctx, out, &fd);
}

/* 1 when the end (x, y) of line i lies within snap_m of another line. */
static int meets_other(GEOSContextHandle_t h, const struct conn_job *job,
                       size_t i, double x, double y, struct hits *hs)
{
    if (query_near(h, job->tree, x, y, job->o->snap_m, hs) != 0)
        return -1;
    for (size_t k = 0; k < hs->n; k++) {
        size_t item = hs->v[k];
        const struct rlayer *ly = item % 2 == 0 ? job->l : job->t;
        size_t j = item / 2;
        if (ly == job->l && j == i)
            continue;
        if (point_distance(h, x, y, ly->layer->features[j].geom) <=
            job->o->snap_m)
            return 1;
    }
    return 0;
}

static pc_status conn_chunk(pc_ctx *ctx, int worker, size_t first,
                            size_t count, void *arg, pc_findings *out)
{
    struct conn_job *job = arg;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    (void)worker;
    pc_status st = PC_OK;
    struct hits hs = {0};
    for (size_t i = first; i < first + count && st == PC_OK; i++) {
        const GEOSGeometry *g = job->l->layer->features[i].geom;
        double e[4];
        if ((job->mask && !job->mask[i]) || !is_line(h, g) ||
            line_ends(h, g, e) != 0)
            continue;
        char key[256];
        pc_rules_key(job->l, i, key, sizeof key);
        static const char *const which[2] = {"start", "end"};
        for (int k = 0; k < 2 && st == PC_OK; k++) {
            double x = e[2 * k], y = e[2 * k + 1];
            int fi = k == 0 ? job->ff : job->tf;
            if (fi >= 0 &&
                (st = check_ref(ctx, job, i, key, fi, which[k], x, y, out)) !=
                    PC_OK)
                break;
            if (!job->tree)
                continue;
            int m = meets_other(h, job, i, x, y, &hs);
            if (m < 0) {
                st = PC_OOM(ctx);
                break;
            }
            if (m)
                continue;
            char id[600], msg[1024];
            pc_finding fd = end_finding(ctx, job, i, "line.dangle",
                                        job->o->dangle_severity, key, x, y);
            snprintf(id, sizeof id, "line.dangle:%s:%s:%s", job->l->id, key,
                     which[k]);
            fd.id = id;
            fd.tolerance_m2 = job->o->snap_m;
            fd.unit = "m";
            fd.message = msg;
            snprintf(msg, sizeof msg, "%s %s: its %s meets no other line "
                     "within %g m", job->l->id, key, which[k], job->o->snap_m);
            st = pc_findings_add(ctx, out, &fd);
        }
    }
    free(hs.v);
    return st;
}

pc_status pc_rules_connectivity(pc_ctx *ctx, pc_rules *r, int layer,
                                int target, const pc_connectivity_opts *o,
                                pc_findings *out)
{
    struct rlayer *l = &r->layers[layer], *t = &r->layers[target];
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    struct conn_job job = {l, t, o, NULL, -1, -1, NULL, NULL};
    uint8_t *mask = NULL;
    pc_key_table keys = {0};
    pc_status st;
    if ((st = pc_layer_need_field(ctx, l->layer, o->from_field,
                                  "connectivity rule's from_field",
                                  &job.ff)) != PC_OK ||
        (st = pc_layer_need_field(ctx, l->layer, o->to_field,
                                  "connectivity rule's to_field", &job.tf)) !=
            PC_OK ||
        (st = pc_rules_where_mask(ctx, l, &o->where, &mask)) != PC_OK)
        goto done;
    job.mask = mask;
    /* the target's keys, sorted, for the from/to lookups */
    if ((st = pc_rules_key_table(ctx, t, &keys)) != PC_OK)
        goto done;
    job.keys = &keys;
    if (o->dangles) {
        if (!(job.tree = GEOSSTRtree_create_r(h, 10))) {
            st = PC_OOM(ctx);
            goto done;
        }
        const GEOSGeometry *any = NULL;
        for (int w = 0; w < (t == l ? 1 : 2); w++) {
            const struct rlayer *ly = w == 0 ? l : t;
            for (size_t k = 0; k < ly->layer->nfeatures; k++) {
                const GEOSGeometry *g = ly->layer->features[k].geom;
                if (!is_line(h, g))
                    continue;
                uintptr_t item = 2 * k + (size_t)w + 1;
                GEOSSTRtree_insert_r(h, job.tree, g, (void *)item);
                any = g;
            }
        }
        tree_prime(h, job.tree, any);
    }
    st = pc_parallel(ctx, l->layer->nfeatures, r->threads, conn_chunk, &job,
                     r->progress, r->progress_arg, "line.connectivity", out);
done:
    if (job.tree)
        GEOSSTRtree_destroy_r(h, job.tree);
    pc_key_table_free(&keys);
    free(mask);
    return st;
}

/* ---- declared crossings -------------------------------------------------- */

struct cross_job {
    struct rlayer *la, *lb, *lp;   /* roads, rail, declared points (NULL) */
    const pc_pairs *pairs;
    const uint8_t *ma, *mb;
    int self;
    int xa, xb;                    /* crossed_field in la / lb, -1: none */
    GEOSSTRtree *ptree;            /* the declared points */
    const pc_crossing_opts *o;
};

/* 1 when field fi of feature i lists `key` (pc_rules_next_key). */
static int lists_key(const struct rlayer *l, int fi, size_t i, const char *key)
{
    if (fi < 0)
        return 0;
    char buf[64];
    const char *s = pc_value_text(l->layer, (size_t)fi,
                                  &l->layer->features[i].values[fi], buf,
                                  sizeof buf);
    size_t klen = strlen(key), len;
    for (const char *k = pc_rules_next_key(s, &len); k;
         k = pc_rules_next_key(k + len, &len))
        if (len == klen && strncmp(k, key, klen) == 0)
            return 1;
    return 0;
}

/* 1 when a declared crossing point lies within tolerance_m of (x, y). */
static int declared_at(GEOSContextHandle_t h, const struct cross_job *job,
                       double x, double y, struct hits *hs)
{
    if (!job->ptree)
        return 0;
    if (query_near(h, job->ptree, x, y, job->o->tolerance_m, hs) != 0)
        return -1;
    for (size_t k = 0; k < hs->n; k++)
        if (point_distance(h, x, y, job->lp->layer->features[hs->v[k]].geom) <=
            job->o->tolerance_m)
            return 1;
    return 0;
}

/* Every point where line i of la meets line j of lb must be declared. */
static pc_status check_crossing(pc_ctx *ctx, const struct cross_job *job,
                                size_t i, size_t j, struct pts *p,
                                struct hits *hs, pc_findings *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    const GEOSGeometry *gi = job->la->layer->features[i].geom;
    const GEOSGeometry *gj = job->lb->layer->features[j].geom;
    if (!is_line(h, gi) || !is_line(h, gj))
        return PC_OK;
    char ka[256], kb[256], msg[1024];
    pc_finding fd = pc_finding_init("line.undeclared_crossing",
                                    job->o->severity);
    pc_rules_pair_keys(&fd, job->la, i, job->lb, j, 0, ka, kb, sizeof ka);
    fd.tolerance_m2 = job->o->tolerance_m;
    fd.unit = "m";
    fd.message = msg;
    GEOSGeometry *x = GEOSIntersection_r(h, gi, gj);
    if (!x) {
        fd.rule = "line.undeclared_crossing.unevaluated";
        snprintf(msg, sizeof msg, "could not intersect %s %s with %s %s: %s",
                 fd.layer, ka, fd.layer2, kb, pc_ctx_geos_message(ctx));
        return pc_findings_add(ctx, out, &fd);
    }
    p->n = 0;
    add_points(h, x, 0, p); /* stretches run along each other: no crossing */
    GEOSGeom_destroy_r(h, x);
    if (p->failed)
        return PC_OOM(ctx);
    if (p->n == 0 || lists_key(job->la, job->xa, i, kb) ||
        lists_key(job->lb, job->xb, j, ka))
        return PC_OK;
    for (size_t k = 0; k < p->n; k++) {
        double px = p->xy[2 * k], py = p->xy[2 * k + 1];
        int d = declared_at(h, job, px, py, hs);
        if (d < 0)
            return PC_OOM(ctx);
        if (d)
            continue;
        pc_finding one = fd;
        one.geom = GEOSGeom_createPointFromXY_r(h, px, py);
        snprintf(msg, sizeof msg, "%s %s crosses %s %s at (%.2f, %.2f) with "
                 "no declared crossing within %g m", fd.layer, ka, fd.layer2,
                 kb, px, py, job->o->tolerance_m);
        pc_status st = pc_findings_add(ctx, out, &one);
        if (st != PC_OK)
            return st;
    }
    return PC_OK;
}

static pc_status cross_chunk(pc_ctx *ctx, int worker, size_t first,
                             size_t count, void *arg, pc_findings *out)
{
    struct cross_job *job = arg;
    (void)worker;
    pc_status st = PC_OK;
    struct pts p = {0};
    struct hits hs = {0};
    for (size_t k = first; k < first + count && st == PC_OK; k++) {
        size_t i = job->pairs->a[k], j = job->pairs->b[k];
        /* within one layer a pair is (i < j): either may be the road */
        if ((!job->ma || job->ma[i]) && (!job->mb || job->mb[j]))
            st = check_crossing(ctx, job, i, j, &p, &hs, out);
        if (st == PC_OK && job->self && (!job->ma || job->ma[j]) &&
            (!job->mb || job->mb[i]))
            st = check_crossing(ctx, job, j, i, &p, &hs, out);
    }
    free(p.xy);
    free(hs.v);
    return st;
}

pc_status pc_rules_crossings(pc_ctx *ctx, pc_rules *r, int a, int b,
                             int points, const pc_crossing_opts *o,
                             pc_findings *out)
{
    struct rlayer *la = &r->layers[a], *lb = &r->layers[b];
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    struct cross_job job = {la, lb, points >= 0 ? &r->layers[points] : NULL,
                            NULL, NULL, NULL, a == b, -1, -1, NULL, o};
    uint8_t *ma = NULL, *mb = NULL;
    const pc_pairs *pairs;
    pc_status st;
    if (o->crossed_field) {
        job.xa = pc_layer_field_index(la->layer, o->crossed_field);
        job.xb = pc_layer_field_index(lb->layer, o->crossed_field);
        if (job.xa < 0 && job.xb < 0)
            return pc_error(ctx, PC_ERR_INPUT, "%s: layer '%s': no field '%s' "
                            "(the crossing rule's crossed_field)",
                            la->layer->source, la->layer->source_layer,
                            o->crossed_field);
    }
    if ((st = pc_rules_where_mask(ctx, la, &o->where_a, &ma)) != PC_OK ||
        (st = pc_rules_where_mask(ctx, lb, &o->where_b, &mb)) != PC_OK ||
        (st = pc_rules_need_pairs(ctx, r, a, b, &pairs)) != PC_OK)
        goto done;
    job.pairs = pairs;
    job.ma = ma;
    job.mb = mb;
    if (job.lp) {
        if (!(job.ptree = GEOSSTRtree_create_r(h, 10))) {
            st = PC_OOM(ctx);
            goto done;
        }
        const GEOSGeometry *any = NULL;
        for (size_t k = 0; k < job.lp->layer->nfeatures; k++) {
            const GEOSGeometry *g = job.lp->layer->features[k].geom;
            if (!g || GEOSisEmpty_r(h, g) != 0)
                continue;
            GEOSSTRtree_insert_r(h, job.ptree, g, (void *)(uintptr_t)(k + 1));
            any = g;
        }
        tree_prime(h, job.ptree, any);
    }
    st = pc_parallel(ctx, pairs->n, r->threads, cross_chunk, &job, r->progress,
                     r->progress_arg, "line.crossings", out);
done:
    if (job.ptree)
        GEOSSTRtree_destroy_r(h, job.ptree);
    free(ma);
    free(mb);
    return st;
}
