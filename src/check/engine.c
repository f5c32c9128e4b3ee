/* engine.c: check stage: geometry cache, STRtree candidate pairs, the
 * exact-contact filter for touching pairs, and the worker pool.
 *
 * Why a filter: in a cadastre nearly every candidate pair merely touches
 * along shared edges, and asking GEOS (relate or intersection) costs ~18 µs
 * a pair. Two valid polygons whose boundaries meet only in shared vertices
 * and identical edges, with the interiors on opposite sides of every shared
 * edge and no edge of one running inside the other, have disjoint
 * interiors; proving that takes a few robust orientation tests. Every pair
 * the filter cannot clear goes to GEOS, which stays the arbiter of every
 * pair reported. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

/* Plain comparisons: libm's fmin/fmax are calls (NaN rules) on the
 * filter's hot path, and cached coordinates are never NaN (GEOS does not
 * call such a polygon valid, and invalid ones skip the filter). */
static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double dmax(double a, double b) { return a > b ? a : b; }

/* Orientation of p against the segment a->b: 1 left, -1 right, 0 on its
 * line, as GEOSOrientationIndex. Shewchuk's error-bounded floating-point
 * stage settles nearly every call; only the doubtful ones go to GEOS's
 * exact predicate (a call through the C API costs more than the test). */
static inline int orient(GEOSContextHandle_t h, double ax, double ay,
                         double bx, double by, double px, double py)
{
    static const double eps = 0x1p-53;
    double left = (ax - px) * (by - py);
    double right = (ay - py) * (bx - px);
    double det = left - right, sum;
    if (left > 0) {
        if (right <= 0)
            return 1;
        sum = left + right;
    } else if (left < 0) {
        if (right >= 0)
            return -1;
        sum = -left - right;
    } else {
        return right < 0 ? 1 : right > 0 ? -1 : 0;
    }
    double bound = (3.0 + 16.0 * eps) * eps * sum;
    if (det >= bound || -det >= bound)
        return det > 0 ? 1 : det < 0 ? -1 : 0;
    return GEOSOrientationIndex_r(h, ax, ay, bx, by, px, py);
}

/* ---- geometry cache ---------------------------------------------------- */

/* The cache is built in two passes over the features, each split across
 * the threads: sizes (and envelopes), then, at offsets from their prefix
 * sums, the coordinates. */
struct gc_job {
    const pc_layer *layer;
    const uint8_t *invalid;
    pc_gcache *gc;
    size_t *ncoords; /* pass 1: coordinates of feature i; then its first
                        coordinate's offset in xy */
};

/* The polygons of g (itself, or the parts of a multipolygon). */
static int gc_parts(GEOSContextHandle_t h, const GEOSGeometry *g, int type)
{
    return type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, g);
}

static const GEOSGeometry *gc_part(GEOSContextHandle_t h,
                                   const GEOSGeometry *g, int type, int p)
{
    return type == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, p);
}

static const GEOSGeometry *gc_ring(GEOSContextHandle_t h,
                                   const GEOSGeometry *poly, int k)
{
    return k == 0 ? GEOSGetExteriorRing_r(h, poly)
                  : GEOSGetInteriorRingN_r(h, poly, k - 1);
}

static unsigned int gc_ring_size(GEOSContextHandle_t h, const GEOSGeometry *r)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, r);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n))
        return 0;
    return n;
}

static pc_status gc_count_chunk(pc_ctx *ctx, int worker, size_t first,
                                size_t count, void *arg, pc_findings *out)
{
    struct gc_job *job = arg;
    pc_gcache *gc = job->gc;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    (void)worker;
    (void)out;
    for (size_t i = first; i < first + count; i++) {
        const GEOSGeometry *g = job->layer->features[i].geom;
        double *b = gc->bbox + 4 * i;
        size_t nrings = 0, ncoords = 0;
        b[0] = b[1] = INFINITY;
        b[2] = b[3] = -INFINITY;
        if (pc_geom_bbox(h, g, b)) {
            int type = GEOSGeomTypeId_r(h, g);
            if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
                gc->flags[i] |= PC_GC_POLYGONAL;
                if (job->invalid && job->invalid[i])
                    gc->flags[i] |= PC_GC_INVALID;
                for (int p = 0; p < gc_parts(h, g, type); p++) {
                    const GEOSGeometry *poly = gc_part(h, g, type, p);
                    int nr = 1 + GEOSGetNumInteriorRings_r(h, poly);
                    for (int k = 0; k < nr; k++)
                        ncoords += gc_ring_size(h, gc_ring(h, poly, k));
                    nrings += (size_t)nr;
                }
            }
        }
        gc->ring_start[i + 1] = nrings; /* made offsets after this pass */
        job->ncoords[i] = ncoords;
    }
    return PC_OK;
}

static pc_status gc_fill_chunk(pc_ctx *ctx, int worker, size_t first,
                               size_t count, void *arg, pc_findings *out)
{
    struct gc_job *job = arg;
    pc_gcache *gc = job->gc;
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    (void)worker;
    (void)out;
    for (size_t i = first; i < first + count; i++) {
        if (!(gc->flags[i] & PC_GC_POLYGONAL))
            continue;
        const GEOSGeometry *g = job->layer->features[i].geom;
        int type = GEOSGeomTypeId_r(h, g);
        size_t r = gc->ring_start[i], start = job->ncoords[i];
        for (int p = 0; p < gc_parts(h, g, type); p++) {
            const GEOSGeometry *poly = gc_part(h, g, type, p);
            int nr = 1 + GEOSGetNumInteriorRings_r(h, poly);
            for (int k = 0; k < nr; k++, r++) {
                const GEOSGeometry *ring = gc_ring(h, poly, k);
                const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
                unsigned int n = gc_ring_size(h, ring);
                double *xy = gc->xy + start;
                if (n && !GEOSCoordSeq_copyToBuffer_r(h, seq, xy, 0, 0))
                    return pc_error(ctx, PC_ERR_INTERNAL, "GEOS: %s",
                                    pc_ctx_geos_message(ctx));
                /* shoelace sign: counter-clockwise shells and clockwise
                 * holes have the polygon's interior on their left */
                double a = 0;
                for (unsigned int v = 0; v + 1 < n; v++)
                    a += (xy[2 * v] - xy[0]) * (xy[2 * v + 3] - xy[1]) -
                         (xy[2 * v + 2] - xy[0]) * (xy[2 * v + 1] - xy[1]);
                gc->ring_side[r] = (int8_t)(((a > 0) != (k > 0)) ? 1 : -1);
                gc->ring_part[r] = (uint32_t)p;
                gc->coord_start[r] = start;
                start += 2 * (size_t)n;
            }
        }
    }
    return PC_OK;
}

pc_status pc_gcache_build(pc_ctx *ctx, const pc_layer *layer,
                          const uint8_t *invalid, int threads, pc_gcache *gc)
{
    memset(gc, 0, sizeof *gc);
    gc->layer = layer;
    size_t n = layer->nfeatures;
    gc->n = n;
    gc->bbox = malloc((n ? n : 1) * 4 * sizeof *gc->bbox);
    gc->flags = calloc(n ? n : 1, 1);
    gc->ring_start = calloc(n + 1, sizeof *gc->ring_start);
    struct gc_job job = {layer, invalid, gc,
                         malloc((n ? n : 1) * sizeof *job.ncoords)};
    pc_findings none = {0};
    pc_status st = PC_OK;
    if (!gc->bbox || !gc->flags || !gc->ring_start || !job.ncoords)
        st = PC_OOM(ctx);
    if (st == PC_OK)
        st = pc_parallel(ctx, n, threads, gc_count_chunk, &job, NULL, NULL,
                         "indexing", &none);
    size_t coords = 0;
    for (size_t i = 0; st == PC_OK && i < n; i++) {
        gc->ring_start[i + 1] += gc->ring_start[i];
        size_t c = job.ncoords[i];
        job.ncoords[i] = coords;
        coords += 2 * c;
    }
    if (st == PC_OK) {
        gc->nrings = gc->ring_start[n];
        size_t nr = gc->nrings ? gc->nrings : 1;
        gc->coord_start = malloc((nr + 1) * sizeof *gc->coord_start);
        gc->ring_part = malloc(nr * sizeof *gc->ring_part);
        gc->ring_side = malloc(nr * sizeof *gc->ring_side);
        gc->xy = malloc((coords ? coords : 1) * sizeof *gc->xy);
        if (!gc->coord_start || !gc->ring_part || !gc->ring_side || !gc->xy)
            st = PC_OOM(ctx);
    }
    if (st == PC_OK) {
        gc->coord_start[gc->nrings] = coords;
        st = pc_parallel(ctx, n, threads, gc_fill_chunk, &job, NULL, NULL,
                         "indexing", &none);
    }
    pc_findings_clear(ctx, &none);
    free(job.ncoords);
    if (st == PC_OK)
        st = pc_gcache_index(ctx, gc, 32);
    if (st != PC_OK)
        pc_gcache_free(gc);
    return st;
}

/* ---- band index of large features -------------------------------------- */

static void bands_clear(pc_gcache *gc)
{
    for (size_t k = 0; k < gc->nbands; k++) {
        free(gc->bands[k].start);
        free(gc->bands[k].edge);
        free(gc->bands[k].ring);
    }
    free(gc->bands);
    free(gc->band_of);
    gc->bands = NULL;
    gc->band_of = NULL;
    gc->nbands = 0;
}

/* Band of y, clamped: monotone in y, so an edge whose y-range holds y is
 * listed in y's band. */
static uint32_t band_at(const struct pc_bands *b, double y)
{
    double f = (y - b->y0) / b->h;
    if (!(f > 0))
        return 0;
    return f >= b->nb ? b->nb - 1 : (uint32_t)f;
}

static size_t edge_count(const pc_gcache *gc, size_t i)
{
    size_t n = 0;
    for (size_t r = gc->ring_start[i]; r < gc->ring_start[i + 1]; r++)
        n += (gc->coord_start[r + 1] - gc->coord_start[r]) / 2 - 1;
    return n;
}

static pc_status bands_build(pc_gcache *gc, size_t i, struct pc_bands *b)
{
    size_t ne = edge_count(gc, i);
    const double *box = gc->bbox + 4 * i;
    b->y0 = box[1];
    b->nb = (uint32_t)(ne / 4 > 1 ? (ne / 4 < 65536 ? ne / 4 : 65536) : 1);
    b->h = (box[3] - box[1]) / b->nb;
    if (!(b->h > 0)) {
        b->nb = 1;
        b->h = 1;
    }
    b->start = calloc((size_t)b->nb + 1, sizeof *b->start);
    if (!b->start)
        return PC_ERR_INTERNAL;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = gc->ring_start[i]; r < gc->ring_start[i + 1]; r++)
            for (size_t c = gc->coord_start[r]; c + 2 < gc->coord_start[r + 1];
                 c += 2) {
                double ya = gc->xy[c + 1], yb = gc->xy[c + 3];
                uint32_t b0 = band_at(b, dmin(ya, yb));
                uint32_t b1 = band_at(b, dmax(ya, yb));
                for (uint32_t k = b0; k <= b1; k++) {
                    if (pass == 0) {
                        b->start[k + 1]++;
                    } else {
                        b->edge[b->start[k]] = c;
                        b->ring[b->start[k]++] = (uint32_t)r;
                    }
                }
            }
        if (pass == 0) {
            for (uint32_t k = 0; k < b->nb; k++)
                b->start[k + 1] += b->start[k];
            size_t total = b->start[b->nb];
            b->edge = malloc((total ? total : 1) * sizeof *b->edge);
            b->ring = malloc((total ? total : 1) * sizeof *b->ring);
            if (!b->edge || !b->ring)
                return PC_ERR_INTERNAL;
        }
    }
    /* the fill advanced each start to the next band's: shift back */
    memmove(b->start + 1, b->start, b->nb * sizeof *b->start);
    b->start[0] = 0;
    return PC_OK;
}

pc_status pc_gcache_index(pc_ctx *ctx, pc_gcache *gc, size_t min_edges)
{
    bands_clear(gc);
    size_t m = 0;
    for (size_t i = 0; i < gc->n; i++)
        m += (gc->flags[i] & PC_GC_POLYGONAL) && edge_count(gc, i) > min_edges;
    if (m == 0)
        return PC_OK;
    gc->band_of = malloc(gc->n * sizeof *gc->band_of);
    gc->bands = calloc(m, sizeof *gc->bands);
    if (!gc->band_of || !gc->bands) {
        bands_clear(gc);
        return PC_OOM(ctx);
    }
    for (size_t i = 0; i < gc->n; i++) {
        gc->band_of[i] = UINT32_MAX;
        if (!(gc->flags[i] & PC_GC_POLYGONAL) || edge_count(gc, i) <= min_edges)
            continue;
        gc->band_of[i] = (uint32_t)gc->nbands;
        if (bands_build(gc, i, &gc->bands[gc->nbands++]) != PC_OK) {
            bands_clear(gc);
            return PC_OOM(ctx);
        }
    }
    return PC_OK;
}

void pc_gcache_free(pc_gcache *gc)
{
    bands_clear(gc);
    free(gc->bbox);
    free(gc->flags);
    free(gc->ring_start);
    free(gc->coord_start);
    free(gc->ring_part);
    free(gc->ring_side);
    free(gc->xy);
    memset(gc, 0, sizeof *gc);
}

/* ---- candidate pairs --------------------------------------------------- */

static pc_status pairs_push(pc_pairs *p, uint32_t a, uint32_t b)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 4096;
        uint32_t *na = realloc(p->a, cap * sizeof *na);
        if (!na)
            return PC_ERR_INTERNAL;
        p->a = na;
        uint32_t *nb = realloc(p->b, cap * sizeof *nb);
        if (!nb)
            return PC_ERR_INTERNAL;
        p->b = nb;
        p->cap = cap;
    }
    p->a[p->n] = a;
    p->b[p->n++] = b;
    return PC_OK;
}

void pc_pairs_clear(pc_pairs *p)
{
    free(p->a);
    free(p->b);
    memset(p, 0, sizeof *p);
}

/* Pairs found by one worker: runs of consecutive features (one run per
 * chunk) with their pairs, merged in feature order afterwards so the list
 * does not depend on the thread count. */
struct run {
    size_t first, from, to; /* features [first, ...), pairs [from, to) */
};

struct worker_pairs {
    pc_pairs pairs;
    struct run *runs;
    size_t nruns, capruns;
    uint32_t *hits;
    size_t nhits, caphits;
    int failed;
};

struct pairs_job {
    const pc_gcache *ga, *gb;
    GEOSSTRtree *tree;
    int self;
    struct worker_pairs *w;
};

struct query {
    struct worker_pairs *w;
    uint32_t i;
    int self;
};

/* STRtree callback: collect hits; they are sorted per query so that pairs
 * come out in a fixed order whatever the tree's internal layout. */
static void on_hit(void *item, void *userdata)
{
    struct query *q = userdata;
    struct worker_pairs *w = q->w;
    uint32_t j = (uint32_t)((uintptr_t)item - 1);
    if (q->self && j <= q->i)
        return;
    if (w->nhits == w->caphits) {
        size_t cap = w->caphits ? 2 * w->caphits : 64;
        uint32_t *h = realloc(w->hits, cap * sizeof *h);
        if (!h) {
            w->failed = 1;
            return;
        }
        w->hits = h;
        w->caphits = cap;
    }
    w->hits[w->nhits++] = j;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int has_bbox(const pc_gcache *gc, size_t i)
{
    return gc->bbox[4 * i] <= gc->bbox[4 * i + 2];
}

static pc_status pairs_chunk(pc_ctx *ctx, int worker, size_t first,
                             size_t count, void *arg, pc_findings *out)
{
    struct pairs_job *job = arg;
    struct worker_pairs *w = &job->w[worker];
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    (void)out;
    if (w->nruns == w->capruns) {
        size_t cap = w->capruns ? 2 * w->capruns : 64;
        struct run *r = realloc(w->runs, cap * sizeof *r);
        if (!r)
            return PC_OOM(ctx);
        w->runs = r;
        w->capruns = cap;
    }
    struct run *run = &w->runs[w->nruns++];
    run->first = first;
    run->from = w->pairs.n;
    struct query q = {w, 0, job->self};
    for (size_t i = first; i < first + count && !w->failed; i++) {
        if (!has_bbox(job->ga, i))
            continue;
        /* the feature itself is the query: its envelope is the box */
        q.i = (uint32_t)i;
        w->nhits = 0;
        GEOSSTRtree_query_r(h, job->tree, job->ga->layer->features[i].geom,
                            on_hit, &q);
        if (w->nhits > 1)
            qsort(w->hits, w->nhits, sizeof *w->hits, cmp_u32);
        for (size_t k = 0; k < w->nhits && !w->failed; k++)
            if (pairs_push(&w->pairs, (uint32_t)i, w->hits[k]) != PC_OK)
                w->failed = 1;
    }
    run->to = w->pairs.n;
    return w->failed ? PC_OOM(ctx) : PC_OK;
}

static int cmp_run(const void *a, const void *b)
{
    const struct run *x = *(const struct run *const *)a;
    const struct run *y = *(const struct run *const *)b;
    return (x->first > y->first) - (x->first < y->first);
}

/* Concatenates the workers' runs in feature order into `out`. */
static pc_status merge_runs(pc_ctx *ctx, struct worker_pairs *w, int nw,
                            pc_pairs *out)
{
    size_t nruns = 0, total = 0;
    for (int t = 0; t < nw; t++) {
        nruns += w[t].nruns;
        total += w[t].pairs.n;
    }
    struct run **all = malloc((nruns ? nruns : 1) * sizeof *all);
    out->a = malloc((total ? total : 1) * sizeof *out->a);
    out->b = malloc((total ? total : 1) * sizeof *out->b);
    if (!all || !out->a || !out->b) {
        free(all);
        pc_pairs_clear(out);
        return PC_OOM(ctx);
    }
    out->cap = total ? total : 1;
    size_t k = 0;
    for (int t = 0; t < nw; t++)
        for (size_t r = 0; r < w[t].nruns; r++)
            all[k++] = &w[t].runs[r];
    qsort(all, nruns, sizeof *all, cmp_run);
    for (size_t r = 0; r < nruns; r++) {
        const struct run *run = all[r];
        const pc_pairs *src = NULL;
        for (int t = 0; t < nw && !src; t++)
            if (w[t].nruns > 0 && run >= w[t].runs &&
                run < w[t].runs + w[t].nruns)
                src = &w[t].pairs;
        size_t m = run->to - run->from;
        if (m == 0)
            continue;
        memcpy(out->a + out->n, src->a + run->from, m * sizeof *out->a);
        memcpy(out->b + out->n, src->b + run->from, m * sizeof *out->b);
        out->n += m;
    }
    free(all);
    return PC_OK;
}

static pc_status build_pairs(pc_ctx *ctx, const pc_gcache *ga,
                             const pc_gcache *gb, int self, int threads,
                             pc_pairs *out)
{
    GEOSContextHandle_t h = pc_ctx_geos(ctx);
    memset(out, 0, sizeof *out);
    /* The tree indexes the features' own geometries (GEOS keeps a copy of
     * each envelope), so no box geometry is built per feature. */
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    if (!tree)
        return PC_OOM(ctx);
    size_t first = gb->n;
    for (size_t j = 0; j < gb->n; j++) {
        if (!has_bbox(gb, j))
            continue;
        if (first == gb->n)
            first = j;
        GEOSSTRtree_insert_r(h, tree, gb->layer->features[j].geom,
                             (void *)(uintptr_t)(j + 1));
    }
    int nw = pc_thread_count(threads);
    struct worker_pairs *w = calloc((size_t)nw, sizeof *w);
    pc_status st = w ? PC_OK : PC_OOM(ctx);
    if (st == PC_OK && first < gb->n) {
        /* GEOS builds the tree on the first query; do that here, before
         * the workers query it concurrently */
        struct query q = {&w[0], (uint32_t)gb->n, 0};
        GEOSSTRtree_query_r(h, tree, gb->layer->features[first].geom, on_hit,
                            &q);
        w[0].nhits = 0;
        struct pairs_job job = {ga, gb, tree, self, w};
        pc_findings none = {0};
        st = pc_parallel(ctx, ga->n, nw, pairs_chunk, &job, NULL, NULL,
                         "pairs", &none);
        pc_findings_clear(ctx, &none);
    }
    if (st == PC_OK)
        st = merge_runs(ctx, w, w ? nw : 0, out);
    for (int t = 0; w && t < nw; t++) {
        pc_pairs_clear(&w[t].pairs);
        free(w[t].runs);
        free(w[t].hits);
    }
    free(w);
    GEOSSTRtree_destroy_r(h, tree);
    return st;
}

pc_status pc_pairs_self(pc_ctx *ctx, const pc_gcache *gc, int threads,
                        pc_pairs *out)
{
    return build_pairs(ctx, gc, gc, 1, threads, out);
}

pc_status pc_pairs_cross(pc_ctx *ctx, const pc_gcache *ga, const pc_gcache *gb,
                         int threads, pc_pairs *out)
{
    return build_pairs(ctx, ga, gb, 0, threads, out);
}

/* ---- the exact-contact filter ------------------------------------------ */

struct seg {
    double x0, y0, x1, y1;
    size_t ring;
    int shared; /* identical to an edge of the other feature */
    int tj;     /* vertices of the other feature inside this segment */
};

#define MAX_SEGS 2048

/* Segments of feature i whose box meets `box` (closed). Returns the count,
 * or -1 when there are more than MAX_SEGS (then GEOS decides). Order does
 * not matter to the callers. */
static int collect(const pc_gcache *gc, size_t i, const double *box,
                   struct seg *out)
{
    int n = 0;
#define TAKE(c, r)                                                            \
    do {                                                                      \
        const double *ee = gc->xy + (c);                                      \
        double x0 = ee[0], y0 = ee[1], x1 = ee[2], y1 = ee[3];                \
        if (!(dmax(x0, x1) < box[0] || dmin(x0, x1) > box[2] ||               \
              dmax(y0, y1) < box[1] || dmin(y0, y1) > box[3])) {              \
            if (n == MAX_SEGS)                                                \
                return -1;                                                    \
            out[n++] = (struct seg){x0, y0, x1, y1, (r), 0, 0};              \
        }                                                                     \
    } while (0)
    if (gc->band_of && gc->band_of[i] != UINT32_MAX) {
        const struct pc_bands *b = &gc->bands[gc->band_of[i]];
        uint32_t b0 = band_at(b, box[1]), b1 = band_at(b, box[3]);
        for (uint32_t k = b0; k <= b1; k++)
            for (size_t q = b->start[k]; q < b->start[k + 1]; q++) {
                const double *e = gc->xy + b->edge[q];
                /* an edge in several bands is taken in the first of them
                 * the box reaches */
                uint32_t first = band_at(b, dmin(e[1], e[3]));
                if ((first > b0 ? first : b0) == k)
                    TAKE(b->edge[q], b->ring[q]);
            }
        return n;
    }
    for (size_t r = gc->ring_start[i]; r < gc->ring_start[i + 1]; r++)
        for (size_t c = gc->coord_start[r]; c + 2 < gc->coord_start[r + 1];
             c += 2)
            TAKE(c, r);
#undef TAKE
    return n;
}

enum contact { C_NONE, C_SHARED_EDGE, C_T_IN_S, C_T_IN_T, C_DOUBT };

/* How two segments meet: not at all or only in a common endpoint (C_NONE),
 * as the same edge (C_SHARED_EDGE), or otherwise (C_DOUBT: crossing,
 * T-junction, partly collinear). Exact. */
static enum contact contact(GEOSContextHandle_t h, const struct seg *s,
                            const struct seg *t)
{
    if (dmax(s->x0, s->x1) < dmin(t->x0, t->x1) ||
        dmax(t->x0, t->x1) < dmin(s->x0, s->x1) ||
        dmax(s->y0, s->y1) < dmin(t->y0, t->y1) ||
        dmax(t->y0, t->y1) < dmin(s->y0, s->y1))
        return C_NONE;
    int same00 = s->x0 == t->x0 && s->y0 == t->y0;
    int same11 = s->x1 == t->x1 && s->y1 == t->y1;
    int same01 = s->x0 == t->x1 && s->y0 == t->y1;
    int same10 = s->x1 == t->x0 && s->y1 == t->y0;
    if ((same00 && same11) || (same01 && same10))
        return C_SHARED_EDGE;
    int o1 = orient(h, s->x0, s->y0, s->x1, s->y1, t->x0, t->y0);
    int o2 = orient(h, s->x0, s->y0, s->x1, s->y1, t->x1, t->y1);
    if (o1 == 2 || o2 == 2)
        return C_DOUBT;
    if (o1 * o2 > 0)
        return C_NONE;
    int o3 = orient(h, t->x0, t->y0, t->x1, t->y1, s->x0, s->y0);
    int o4 = orient(h, t->x0, t->y0, t->x1, t->y1, s->x1, s->y1);
    if (o3 == 2 || o4 == 2)
        return C_DOUBT;
    if (o3 * o4 > 0)
        return C_NONE;
    if (o1 == 0 && o2 == 0) {
        /* collinear: compare the intervals on the dominant axis */
        int use_x = fabs(s->x1 - s->x0) >= fabs(s->y1 - s->y0);
        double a0 = use_x ? s->x0 : s->y0, a1 = use_x ? s->x1 : s->y1;
        double b0 = use_x ? t->x0 : t->y0, b1 = use_x ? t->x1 : t->y1;
        double lo = dmax(dmin(a0, a1), dmin(b0, b1));
        double hi = dmin(dmax(a0, a1), dmax(b0, b1));
        if (lo > hi)
            return C_NONE;
        if (lo == hi) /* one common point, an endpoint of both */
            return C_NONE;
        return C_DOUBT;
    }
    /* They meet in one point: a common vertex is harmless; an endpoint of
     * one lying inside the other (a T-junction, common in cadastres where a
     * neighbour's vertex splits an edge) is a touch the callers check by
     * testing both ends of the split segment; a proper crossing is doubt. */
    if (same00 || same11 || same01 || same10)
        return C_NONE;
    if ((o1 == 0) != (o2 == 0) && o3 != 0 && o4 != 0)
        return C_T_IN_S; /* t's endpoint inside s */
    if ((o3 == 0) != (o4 == 0) && o1 != 0 && o2 != 0)
        return C_T_IN_T; /* s's endpoint inside t */
    return C_DOUBT;
}

/* One edge's part in point_in: -1 when (px, py) is on it, else flips
 * *inside when the edge crosses the ray to the right of the point. */
static inline int ray_edge(GEOSContextHandle_t h, const double *e, double px,
                           double py, int *inside)
{
    double ax = e[0], ay = e[1], bx = e[2], by = e[3];
    if ((ay > py) == (by > py)) {
        /* not straddling the ray's line; on a horizontal edge? */
        if (ay == py && by == py && px >= dmin(ax, bx) && px <= dmax(ax, bx))
            return -1;
        return 0;
    }
    int o = orient(h, ax, ay, bx, by, px, py);
    if (o == 0 || o == 2)
        return -1;
    if ((by > ay) ? o > 0 : o < 0)
        *inside = !*inside;
    return 0;
}

/* Position of (px, py) against feature j: 1 inside, 0 outside, -1 on the
 * boundary (or GEOS could not tell). Even-odd crossing count with exact
 * orientation tests, valid polygons only. With a band index only the
 * edges of the point's band can straddle its ray or hold it. */
static int point_in(GEOSContextHandle_t h, const pc_gcache *gc, size_t j,
                    double px, double py)
{
    const double *b = gc->bbox + 4 * j;
    if (px < b[0] || px > b[2] || py < b[1] || py > b[3])
        return 0;
    int inside = 0;
    if (gc->band_of && gc->band_of[j] != UINT32_MAX) {
        const struct pc_bands *bd = &gc->bands[gc->band_of[j]];
        uint32_t k = band_at(bd, py);
        for (size_t q = bd->start[k]; q < bd->start[k + 1]; q++)
            if (ray_edge(h, gc->xy + bd->edge[q], px, py, &inside) < 0)
                return -1;
        return inside;
    }
    for (size_t r = gc->ring_start[j]; r < gc->ring_start[j + 1]; r++)
        for (size_t c = gc->coord_start[r]; c + 2 < gc->coord_start[r + 1];
             c += 2)
            if (ray_edge(h, gc->xy + c, px, py, &inside) < 0)
                return -1;
    return inside;
}

/* A's own (unshared) edges must lie outside B. Each such edge meets B's
 * boundary at most in a shared vertex (the contact test ruled out the rest),
 * so the edge without that vertex is wholly inside or wholly outside B, as
 * is its other endpoint: an exact vertex, tested exactly. (A midpoint would
 * be rounded, and a vertex 1e-10 m off B's edge makes that rounding land on
 * the wrong side.) An edge between two vertices both on B's boundary goes to
 * GEOS. */
static int own_edges_outside(GEOSContextHandle_t h, const struct seg *s, int n,
                             const pc_gcache *gb, size_t j)
{
    for (int k = 0; k < n; k++) {
        if (s[k].shared)
            continue;
        int p = point_in(h, gb, j, s[k].x0, s[k].y0);
        if (s[k].tj) {
            /* split by one foreign vertex: each end speaks for its piece */
            if (s[k].tj > 1 || p != 0 ||
                point_in(h, gb, j, s[k].x1, s[k].y1) != 0)
                return 0;
            continue;
        }
        if (p < 0)
            p = point_in(h, gb, j, s[k].x1, s[k].y1);
        if (p != 0)
            return 0; /* inside, or both ends on B's boundary: doubt */
    }
    return 1;
}

int pc_pair_may_overlap(GEOSContextHandle_t h, const pc_gcache *ga, size_t i,
                        const pc_gcache *gb, size_t j)
{
    if (!(ga->flags[i] & PC_GC_POLYGONAL) || !(gb->flags[j] & PC_GC_POLYGONAL))
        return 0;
    if ((ga->flags[i] | gb->flags[j]) & PC_GC_INVALID)
        return 1;
    const double *a = ga->bbox + 4 * i, *b = gb->bbox + 4 * j;
    double box[4] = {dmax(a[0], b[0]), dmax(a[1], b[1]), dmin(a[2], b[2]),
                     dmin(a[3], b[3])};
    /* An interior point lies strictly inside its polygon's box, so boxes
     * that meet only along a line cannot hold common interior points. */
    if (box[0] >= box[2] || box[1] >= box[3])
        return 0;
    static _Thread_local struct seg sa[MAX_SEGS], sb[MAX_SEGS];
    int na = collect(ga, i, box, sa), nb = collect(gb, j, box, sb);
    if (na < 0 || nb < 0)
        return 1;
    for (int p = 0; p < na; p++) {
        for (int q = 0; q < nb; q++) {
            enum contact c = contact(h, &sa[p], &sb[q]);
            if (c == C_DOUBT)
                return 1;
            if (c == C_T_IN_S)
                sa[p].tj++;
            if (c == C_T_IN_T)
                sb[q].tj++;
            if (c != C_SHARED_EDGE)
                continue;
            /* the interiors must lie on opposite sides of a shared edge */
            int side_a = ga->ring_side[sa[p].ring];
            int side_b = gb->ring_side[sb[q].ring];
            int same_dir = sa[p].x0 == sb[q].x0 && sa[p].y0 == sb[q].y0;
            if ((same_dir ? side_b : -side_b) == side_a)
                return 1;
            sa[p].shared = sb[q].shared = 1;
        }
    }
    return !own_edges_outside(h, sa, na, gb, j) ||
           !own_edges_outside(h, sb, nb, ga, i);
}

double pc_equivalent_width(double area, double perimeter)
{
    double disc = perimeter * perimeter - 16 * area;
    if (area <= 0 || perimeter <= 0)
        return 0;
    if (disc <= 0)
        return sqrt(area);
    return (perimeter - sqrt(disc)) / 4;
}

/* Vertex count of feature i (all rings). */
static size_t vertex_count(const pc_gcache *gc, size_t i)
{
    return (gc->coord_start[gc->ring_start[i + 1]] -
            gc->coord_start[gc->ring_start[i]]) / 2;
}

/* Status of an unshared edge against feature j, by an endpoint off j's
 * boundary (see own_edges_outside): 1 inside, 0 outside, -1 unknown. */
static int edge_status(GEOSContextHandle_t h, const struct seg *s,
                       const pc_gcache *g, size_t j)
{
    int p = point_in(h, g, j, s->x0, s->y0);
    return p >= 0 ? p : point_in(h, g, j, s->x1, s->y1);
}

/* 1 when (x, y) is an endpoint of one of the segments. */
static int is_vertex_of(const struct seg *s, int n, double x, double y)
{
    for (int k = 0; k < n; k++)
        if ((s[k].x0 == x && s[k].y0 == y) || (s[k].x1 == x && s[k].y1 == y))
            return 1;
    return 0;
}

int pc_pair_covers(GEOSContextHandle_t h, const pc_gcache *gz, size_t z,
                   const pc_gcache *gp, size_t p)
{
    if (!(gz->flags[z] & PC_GC_POLYGONAL) || !(gp->flags[p] & PC_GC_POLYGONAL) ||
        ((gz->flags[z] | gp->flags[p]) & PC_GC_INVALID))
        return 0;
    /* scanning a huge unindexed container per feature costs more than
     * GEOS's index */
    if ((!gz->band_of || gz->band_of[z] == UINT32_MAX) &&
        vertex_count(gz, z) > 4096)
        return 0;
    const double *bz = gz->bbox + 4 * z, *bp = gp->bbox + 4 * p;
    if (bp[0] < bz[0] || bp[1] < bz[1] || bp[2] > bz[2] || bp[3] > bz[3])
        return 0;
    static _Thread_local struct seg sz[MAX_SEGS], sp[MAX_SEGS];
    int np = collect(gp, p, bp, sp), nz = collect(gz, z, bp, sz);
    if (np < 0 || nz < 0)
        return 0;
    for (int a = 0; a < np; a++)
        for (int b = 0; b < nz; b++) {
            enum contact c = contact(h, &sp[a], &sz[b]);
            if (c == C_DOUBT || c == C_T_IN_S || c == C_T_IN_T)
                return 0;
            if (c != C_SHARED_EDGE)
                continue;
            /* inside along a shared edge: interiors on the same side */
            int side_p = gp->ring_side[sp[a].ring];
            int side_z = gz->ring_side[sz[b].ring];
            int same_dir = sp[a].x0 == sz[b].x0 && sp[a].y0 == sz[b].y0;
            if ((same_dir ? side_z : -side_z) != side_p)
                return 0;
            sp[a].shared = sz[b].shared = 1;
        }
    /* The feature's own edges must be inside. Their status can change only
     * at a vertex on the container's boundary (a shared vertex; T-junctions
     * were sent to GEOS above), so one point-in-polygon test per run of
     * edges joined at other vertices is enough: a big container is not
     * scanned once per edge. */
    int known = -1;
    for (int a = 0; a < np; a++) {
        if (sp[a].shared) {
            known = -1;
            continue;
        }
        int joined = a > 0 && sp[a - 1].ring == sp[a].ring &&
                     sp[a - 1].x1 == sp[a].x0 && sp[a - 1].y1 == sp[a].y0;
        if (!joined || is_vertex_of(sz, nz, sp[a].x0, sp[a].y0))
            known = -1;
        if (known < 0)
            known = edge_status(h, &sp[a], gz, z);
        if (known != 1)
            return 0; /* an edge of the feature outside (or unknown) */
    }
    for (int b = 0; b < nz; b++)
        if (!sz[b].shared && edge_status(h, &sz[b], gp, p) != 0)
            return 0; /* the container's boundary runs through the feature */
    return 1;
}

/* ---- results ----------------------------------------------------------- */

GEOSGeometry *pc_polygonal_part(GEOSContextHandle_t h, GEOSGeometry *g)
{
    if (!g)
        return NULL;
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        if (GEOSisEmpty_r(h, g) == 1) {
            GEOSGeom_destroy_r(h, g);
            return NULL;
        }
        return g;
    }
    if (type != GEOS_GEOMETRYCOLLECTION) {
        GEOSGeom_destroy_r(h, g);
        return NULL;
    }
    /* members may be polygons or multipolygons (MakeValid returns
     * GEOMETRYCOLLECTION(MULTIPOLYGON(...), LINESTRING(...))) */
    int n = GEOSGetNumGeometries_r(h, g), k = 0, cap = 0;
    for (int i = 0; i < n; i++)
        cap += GEOSGetNumGeometries_r(h, GEOSGetGeometryN_r(h, g, i));
    GEOSGeometry **polys = malloc((cap > 0 ? (size_t)cap : 1) * sizeof *polys);
    for (int i = 0; polys && i < n; i++) {
        const GEOSGeometry *m = GEOSGetGeometryN_r(h, g, i);
        int t = GEOSGeomTypeId_r(h, m);
        if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
            continue;
        int np = GEOSGetNumGeometries_r(h, m);
        for (int q = 0; q < np; q++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(h, m, q);
            if (GEOSGeomTypeId_r(h, p) == GEOS_POLYGON &&
                GEOSisEmpty_r(h, p) == 0)
                polys[k++] = GEOSGeom_clone_r(h, p);
        }
    }
    GEOSGeometry *out = NULL;
    if (polys && k > 0)
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys,
                                          (unsigned int)k);
    free(polys);
    GEOSGeom_destroy_r(h, g);
    return out;
}


GEOSGeometry *pc_polygonal_above(GEOSContextHandle_t h, GEOSGeometry *g,
                                 double min_m2, double *area)
{
    *area = 0;
    g = pc_polygonal_part(h, g);
    if (g && !GEOSArea_r(h, g, area))
        *area = 0;
    if (g && !(*area > min_m2 * 0.99)) {
        GEOSGeom_destroy_r(h, g);
        g = NULL;
    }
    return g;
}
