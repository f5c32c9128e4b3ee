/* engine.h: the shared machinery of the spatial rules: per-layer geometry
 * cache (envelopes and rings as plain arrays), candidate pairs from a GEOS
 * STRtree computed once per layer pair, the exact-contact filter that lets
 * touching pairs skip overlay, and a deterministic worker pool. */
#ifndef PC_ENGINE_H
#define PC_ENGINE_H

#include <stdint.h>

#include "../core/internal.h"
#include "../core/parallel.h"
#include "plancheck/check.h"

/* Per-feature geometry in plain arrays, read-only once built, shared by all
 * threads (GEOS prepared geometries are not). */
typedef struct pc_gcache {
    const pc_layer *layer; /* the features the cache was built from */
    size_t n;
    double *bbox;        /* 4 per feature: minx, miny, maxx, maxy */
    uint8_t *flags;      /* PC_GC_* */
    size_t *ring_start;  /* n + 1: rings of feature i are [ring_start[i], ring_start[i+1]) */
    size_t *coord_start; /* nrings + 1: coords of ring r (closed, xy pairs) */
    uint32_t *ring_part; /* part (polygon) index of each ring within its feature */
    int8_t *ring_side;   /* +1: the polygon's interior lies left of the ring's
                            direction, -1: right (computed once per ring) */
    double *xy;
    size_t nrings;
    /* Horizontal bands over the edges of large features, so that a box or
     * a point-in-polygon ray looks at the edges near it instead of all of
     * them (a zone of a few hundred vertices tested against every parcel
     * inside it). band_of[i]: index into bands, or UINT32_MAX. */
    uint32_t *band_of;
    struct pc_bands *bands;
    size_t nbands;
} pc_gcache;

/* The bands of one feature: nb bands of height h from y0; the edges of
 * band b are edge[start[b] .. start[b+1]), each the offset in xy of its
 * first vertex, with its ring in ring[]. */
struct pc_bands {
    double y0, h;
    uint32_t nb;
    size_t *start;
    size_t *edge;
    uint32_t *ring;
};

enum {
    PC_GC_POLYGONAL = 1, /* a non-empty (multi)polygon */
    PC_GC_INVALID = 2,   /* not GEOS-valid: the filter must not judge it */
};

pc_status pc_gcache_build(pc_ctx *ctx, const pc_layer *layer,
                          const uint8_t *invalid, int threads, pc_gcache *out);
void pc_gcache_free(pc_gcache *gc);

/* Builds (or rebuilds) the band index of every feature with more than
 * `min_edges` edges; pc_gcache_build calls it with 32. */
pc_status pc_gcache_index(pc_ctx *ctx, pc_gcache *gc, size_t min_edges);

/* Candidate pairs: envelopes intersect (closed). Self pairs have a < b.
 * Sorted by a, then b, whatever the thread count. */
typedef struct pc_pairs {
    uint32_t *a, *b;
    size_t n, cap;
} pc_pairs;

pc_status pc_pairs_self(pc_ctx *ctx, const pc_gcache *gc, int threads,
                        pc_pairs *out);
pc_status pc_pairs_cross(pc_ctx *ctx, const pc_gcache *ga,
                         const pc_gcache *gb, int threads, pc_pairs *out);
void pc_pairs_clear(pc_pairs *p);

/* 0 when the interiors of feature i of ga and feature j of gb certainly do
 * not intersect (they are apart, or their boundaries meet only at shared
 * vertices and identical edges and neither lies inside the other); 1 when
 * GEOS must decide. Exact: robust orientation, no tolerance. */
int pc_pair_may_overlap(GEOSContextHandle_t h, const pc_gcache *ga, size_t i,
                        const pc_gcache *gb, size_t j);

/* 1 when feature p of gp certainly lies inside feature z of gz (its
 * boundary meets z's only in shared vertices and edges with the interiors
 * on the same side, its other edges inside z, no edge of z inside it);
 * 0 when GEOS must decide. Exact, valid polygons only. */
int pc_pair_covers(GEOSContextHandle_t h, const pc_gcache *gz, size_t z,
                   const pc_gcache *gp, size_t p);

/* Width of the rectangle with the same area and perimeter as a polygon:
 * the strip width for long thin shapes, the side for a square; sqrt(area)
 * for shapes rounder than a square. Cheap where the largest inscribed
 * circle costs seconds on long slivers. */
double pc_equivalent_width(double area, double perimeter);

/* The polygonal part of a GEOS result (intersection, difference) as a
 * polygon or multipolygon; NULL when it has none. Takes over `g`. */
GEOSGeometry *pc_polygonal_part(GEOSContextHandle_t h, GEOSGeometry *g);

/* The polygonal part of `g` (taken over; NULL is fine) when its planar
 * area, put in *area, is above min_m2 less 1 %; else NULL. Planar because
 * the session's method is applied after the merge; the margin keeps every
 * candidate either method could keep. */
GEOSGeometry *pc_polygonal_above(GEOSContextHandle_t h, GEOSGeometry *g,
                                 double min_m2, double *area);

#endif
