/* check.h: the check stage. Each check reads measured layers and appends
 * findings; it never fails on bad data, only on tool errors. */
#ifndef PLANCHECK_CHECK_H
#define PLANCHECK_CHECK_H

#include "findings.h"
#include "measure.h"
#include "units.h"

#ifdef __cplusplus
extern "C" {
#endif

/* When a difference becomes a finding (README "Tolerances"):
 *   |measured - declared| > max(abs_m2, rel_pct/100 * declared)
 * where rel_pct is approx_rel_pct for figures printed with 约 (approx). */
typedef struct pc_tolerance {
    double abs_m2;
    double rel_pct;
    double approx_rel_pct;
} pc_tolerance;

/* One declared area attribute of a layer. The unit comes from unit_field
 * (per feature, as printed) or, when that is NULL, from the constant unit. */
typedef struct pc_area_decl {
    const char *value_field;
    const char *unit_field;
    const char *unit;          /* constant unit name, used when no unit_field */
    const char *approx_field;  /* integer/boolean field: 1 = printed with 约 */
} pc_area_decl;

typedef struct pc_area_check {
    const char *key_field;     /* NULL: features are keyed by FID */
    pc_area_method method;
    pc_tolerance tol;
    pc_severity severity;      /* of a difference above tolerance */
    const pc_area_decl *decls;
    size_t ndecls;
} pc_area_check;

typedef struct pc_area_stats {
    size_t compared;       /* feature/figure pairs compared */
    size_t within;         /* ... within tolerance */
    size_t no_figure;      /* declared value NULL */
    size_t bad_figure;     /* unparseable value or unknown unit */
    size_t no_polygon;     /* NULL/empty/non-polygon geometry */
} pc_area_stats;

/* Rule ids written by pc_check_area:
 *   area.declared   measured area differs from the declared figure
 *   area.value      declared value not a finite non-negative number
 *   area.unit       declared unit unknown
 *   area.geometry   the feature has a declared area but no polygon
 * Layer fields named in `check` must exist (else PC_ERR_INPUT naming them). */
pc_status pc_check_area(pc_ctx *ctx, const pc_layer *layer,
                        const pc_layer_areas *areas, const pc_area_check *check,
                        pc_findings *out, pc_area_stats *stats);

/* ---- spatial rules -------------------------------------------------------
 * A rules session holds the layers, one geometry cache and one STRtree per
 * layer, and the candidate pairs of each layer pair, computed once and
 * shared by every pairwise rule. Work is split across `threads` threads
 * (0 = one per core), each with its own GEOS context; findings are the same
 * whatever the thread count once pc_findings_finish sorts them. */
typedef struct pc_rules pc_rules;

pc_status pc_rules_new(pc_ctx *ctx, const pc_crs *working_crs,
                       pc_area_method method, int threads,
                       pc_progress_fn progress, void *progress_arg,
                       pc_rules **out);
void pc_rules_free(pc_ctx *ctx, pc_rules *rules); /* NULL is a no-op */

/* Adds a layer (borrowed; must outlive the session; its geometries may be
 * replaced by repairs) under plan id `id`; features are keyed by
 * `key_field` (NULL: by FID). Returns its index in *index. */
pc_status pc_rules_add_layer(pc_ctx *ctx, pc_rules *rules, pc_layer *layer,
                             const char *id, const char *key_field, int *index);

/* A feature filter: only features whose `field` holds one of `values`
 * (compared as text) take part. field NULL: every feature. */
typedef struct pc_where {
    const char *field;
    const char *const *values;
    size_t nvalues;
} pc_where;

typedef struct pc_validity_opts {
    pc_severity severity;
    int allow_selftouching_rings; /* ESRI rings touching themselves to form
                                     a hole are valid */
    int repair;                   /* replace invalid geometries with GEOS
                                     MakeValid's for the other rules */
} pc_validity_opts;

/* validity.invalid (point at the problem, GEOS reason), validity.null,
 * validity.empty, validity.unbuildable (rings GEOS cannot build, e.g. two
 * points), validity.not_polygon (a point or line in a polygon layer),
 * validity.wrong_type (a polygon or point in a layer declared as lines,
 * or anything but points in a point layer; a layer declared otherwise,
 * mixed included, expects polygons). Run it before the other rules of a
 * layer:
 * they treat invalid features as "GEOS decides" and use repairs. */
pc_status pc_rules_validity(pc_ctx *ctx, pc_rules *rules, int layer,
                            const pc_validity_opts *opts, pc_findings *out);

typedef struct pc_overlap_opts {
    const char *rule;        /* rule id of the findings, e.g. "overlap" */
    pc_severity severity;
    double min_area_m2;      /* report intersections larger than this */
    int duplicates;          /* also report identical geometries as
                                rule "duplicate" (within a layer) */
    int overlaps;            /* report overlaps (0: duplicates only) */
    int ellipsoidal;         /* areas ellipsoidal whatever the session's
                                method (三区三线 conflicts) */
    pc_where where_a, where_b;
} pc_overlap_opts;

/* Overlaps of the interiors of two features (a == b: within one layer),
 * containment and duplicates included, touching excluded: the intersection
 * polygon with its area by the session's method and both keys. A GEOS
 * failure on one pair is a finding "<rule>.unevaluated". */
pc_status pc_rules_overlap(pc_ctx *ctx, pc_rules *rules, int a, int b,
                           const pc_overlap_opts *opts, pc_findings *out);

typedef struct pc_gap_opts {
    pc_severity severity;
    double min_area_m2;      /* gaps up to this area are noise, not reported */
    double max_area_m2;      /* 0: no upper limit; larger gaps are voids */
    double max_width_m;      /* 0: any width; else only gaps narrower;
                                width of the rectangle with the gap's
                                area and perimeter */
} pc_gap_opts;

/* Areas enclosed by the features of `layer` and covered by none (rule
 * "gap"); a hole of a single polygon is not a gap, the outer perimeter is
 * not a gap. With boundary >= 0: also the parts of the boundary layer
 * that the layer does not cover. */
pc_status pc_rules_gaps(pc_ctx *ctx, pc_rules *rules, int layer, int boundary,
                        const pc_gap_opts *opts, pc_findings *out);

typedef struct pc_containment_opts {
    const char *rule;        /* e.g. "containment.outside" */
    pc_severity severity;
    double tolerance_m2;     /* parts outside up to this area are noise */
    const char *ref_field;   /* field of `layer` naming its container's key;
                                NULL: any feature of the container layer */
    int ellipsoidal;         /* as in pc_overlap_opts */
    pc_where where;
} pc_containment_opts;

/* Each feature of `layer` must lie inside its container: the part outside
 * (polygon and area) is the finding; an unknown container key is
 * "<rule>.no_container". */
pc_status pc_rules_containment(pc_ctx *ctx, pc_rules *rules, int layer,
                               int container, const pc_containment_opts *opts,
                               pc_findings *out);

typedef struct pc_sliver_opts {
    pc_severity severity;
    double max_area_m2;      /* polygons smaller than this (0: off) */
    double min_thinness;     /* 4πA/P² below this (0: off; 1 = a circle) */
    double min_width_m;      /* narrower than this (0: off); width of the
                                rectangle with the same area and
                                perimeter */
} pc_sliver_opts;

pc_status pc_rules_slivers(pc_ctx *ctx, pc_rules *rules, int layer,
                           const pc_sliver_opts *opts, pc_findings *out);

/* ---- 用地用海 land-use classes --------------------------------------------
 * Each feature's class attribute must be a code or a name of the 2023
 * 用地用海 classification (landuse.h): "landuse.unknown" when it is
 * neither, "landuse.missing" when it is empty. The classified areas add up
 * to the land-use balance table (用地平衡表): per zone, per first- and
 * second-level class, parcels, area and share of the zone. */
struct pc_landuse_class;

typedef struct pc_balance_row {
    char *layer;        /* plan layer id */
    char *zone;         /* value of the zone field; "" without one */
    const struct pc_landuse_class *cls; /* NULL: unclassified or total */
    int total;          /* 1: the zone's total row */
    size_t parcels;
    double area_m2;     /* by the run's area method */
    double pct;         /* of the zone's total area */
} pc_balance_row;

typedef struct pc_balance {
    pc_balance_row *rows; /* by layer, zone, then class code (a class's
                             subclasses after it), unclassified, total */
    size_t n, cap;
} pc_balance;

typedef struct pc_landuse_opts {
    const char *layer_id;   /* plan layer id, for findings and rows */
    int key_index;          /* key field index, -1: FID */
    const char *field;      /* attribute holding the code or name */
    const char *zone_field; /* NULL: one table for the whole layer */
    pc_severity severity;
    pc_area_method method;
} pc_landuse_opts;

pc_status pc_check_landuse(pc_ctx *ctx, const pc_layer *layer,
                           const pc_layer_areas *areas,
                           const pc_landuse_opts *opts, pc_findings *out,
                           pc_balance *balance);
void pc_balance_clear(pc_balance *balance);

/* Key text of a feature: the key field's value, or "fid:N". Writes into buf
 * (size n) and returns buf. */
const char *pc_feature_key(const pc_layer *layer, int key_index, size_t i,
                           char *buf, size_t n);

/* ---- line rules ----------------------------------------------------------
 * Linear features (roads, rail, dikes, pipelines): layers of (multi)
 * linestrings in the rules session. pc_rules_corridor builds each line's
 * red-line corridor (the line buffered by half its red-line width, flat
 * ends, mitred joins) and keeps it in the session for the rules that use
 * corridors (pc_rules_intrusion, pc_rules_corridor_overlap): run it first
 * on their line layers, else they fail with PC_ERR_USAGE. Running it again
 * on a layer replaces its corridors.
 *
 * Lengths and distances are planar in the working CRS, in metres. Findings
 * about them carry metres in measured_m2 / declared_m2 / diff_m2 /
 * tolerance_m2 (unit "m"), and their messages say "m". Areas (land take,
 * intrusions, overlaps) follow the session's area method. Features that a
 * `where` filter leaves out take no part (and get no corridor). */

/* A red-line width by class: lines whose class field holds `value`
 * (compared as text) are `width_m` wide. */
typedef struct pc_line_class_width {
    const char *value;
    double width_m;
} pc_line_class_width;

/* When a stated length becomes a finding:
 *   |measured - stated| > max(abs_m, rel_pct/100 * stated)
 * with approx_rel_pct for lengths printed with 约. */
typedef struct pc_length_tolerance {
    double abs_m;
    double rel_pct;
    double approx_rel_pct;
} pc_length_tolerance;

typedef struct pc_corridor_opts {
    pc_severity severity;
    /* The red-line width in m (the whole width, both sides), the first of:
     * the line's width_field (a number, or text such as "36", "36m",
     * "36米"; a value that is not a positive number is a finding, not a
     * fallback), the class table by class_field, default_width_m (0:
     * none). */
    const char *width_field;
    const char *class_field;
    const pc_line_class_width *classes;
    size_t nclasses;
    double default_width_m;
    double mitre_limit;          /* a mitred corner is bevelled beyond this
                                    many half widths from the vertex (0: 5) */
    pc_area_decl land_take;      /* declared land take, as for areas;
                                    value_field NULL: not checked */
    pc_tolerance land_take_tol;
    const char *length_field;    /* stated length in m (number or text;
                                    "约1200" is approximate); NULL: not
                                    checked */
    const char *length_approx_field; /* as pc_area_decl.approx_field */
    pc_length_tolerance length_tol;
    pc_where where;
} pc_corridor_opts;

/* Builds and keeps the corridor of every line of `layer`, and checks land
 * take and length. Rule ids:
 *   corridor.geometry     NULL, empty, unbuildable, zero-length or
 *                         non-linear geometry: no corridor
 *   corridor.no_width     no red-line width (or not a positive number)
 *   corridor.unevaluated  GEOS could not buffer the line
 *   line.land_take        corridor area differs from the declared land
 *                         take beyond tolerance (measured/declared/diff
 *                         in m2, the corridor as geometry)
 *   line.land_take.value, line.land_take.unit   as area.value, area.unit
 *   line.length           planar length differs from the stated length
 *                         beyond tolerance (in m, the line as geometry)
 *   line.length.value     stated length not a finite non-negative number
 * Fields named in `opts` must exist (else PC_ERR_INPUT naming them). */
pc_status pc_rules_corridor(pc_ctx *ctx, pc_rules *rules, int layer,
                            const pc_corridor_opts *opts, pc_findings *out);

typedef struct pc_intrusion_opts {
    pc_severity severity;
    double tolerance_m2;     /* intersections up to this area are noise */
    pc_where where;          /* polygons taking part */
    pc_where where_line;     /* lines whose corridors count */
} pc_intrusion_opts;

/* Polygons of `polygons` (parcels) must not intrude into the corridors of
 * `lines`: "line.intrusion" is the intersection polygon, its area and both
 * keys (layer/key the polygon, layer2/key2 the line); touching the red line
 * is no intrusion. "line.intrusion.unevaluated" as in pc_rules_overlap. */
pc_status pc_rules_intrusion(pc_ctx *ctx, pc_rules *rules, int polygons,
                             int lines, const pc_intrusion_opts *opts,
                             pc_findings *out);

typedef struct pc_corridor_overlap_opts {
    pc_severity severity;
    double allowed_length_m; /* overlap allowed this far beyond a junction */
    double tolerance_m2;     /* what is left up to this area is noise */
    pc_where where_a, where_b;
} pc_corridor_overlap_opts;

/* Corridors of different lines (a == b: within one layer) may overlap only
 * at junctions. The lines meet where their centre lines intersect, and at
 * each end of one that comes at the other at 30 degrees or more and lies
 * within (half width a + half width b) of it (a road ending short of
 * another's centre line; a segment of a road split at a junction, crossed
 * just beyond its end). Around each meeting point a disc of radius
 * (a + b) / sin t + allowed_length_m is the junction, t the angle between
 * the lines there, taken as at least 30 degrees: it holds the whole
 * overlap of any crossing at 30 degrees or more. The overlap outside every
 * junction disc, when larger than tolerance_m2, is "line.corridor_overlap"
 * with both keys (within a layer the smaller key first);
 * "line.corridor_overlap.unevaluated" when GEOS fails. */
pc_status pc_rules_corridor_overlap(pc_ctx *ctx, pc_rules *rules, int a,
                                    int b,
                                    const pc_corridor_overlap_opts *opts,
                                    pc_findings *out);

typedef struct pc_connectivity_opts {
    pc_severity severity;
    const char *from_field;  /* key of the line the start must meet; NULL
                                field or NULL/empty value: not checked */
    const char *to_field;    /* ... the end must meet */
    double snap_m;           /* an end meets a line this close to it */
    int dangles;             /* also report ends that meet no other line */
    pc_severity dangle_severity;
    pc_where where;
} pc_connectivity_opts;

/* Each line of `layer` must start on the line of `target` (may be the same
 * layer) that its from_field names and end on the one to_field names (any
 * feature with that key, within snap_m). Rule ids:
 *   line.not_connected  the end is farther than snap_m from the named line:
 *                       the end point, the distance (measured_m2, in m),
 *                       snap_m (tolerance_m2), key2 the named line, field
 *                       the from/to field
 *   line.unknown_ref    the from/to key names no feature of `target`
 *   line.dangle         (opts.dangles) an end farther than snap_m from
 *                       every other line of `layer` and `target`; id
 *                       "line.dangle:<layer>:<key>:start" or ":end" */
pc_status pc_rules_connectivity(pc_ctx *ctx, pc_rules *rules, int layer,
                                int target, const pc_connectivity_opts *opts,
                                pc_findings *out);

typedef struct pc_crossing_opts {
    pc_severity severity;
    double tolerance_m;      /* a declared crossing point this close to the
                                crossing declares it */
    const char *crossed_field; /* field of either layer listing the keys of
                                the lines a line is declared to cross
                                (separated by blanks or , ; / | 、 ， ；);
                                NULL: none. Must exist in a or b. */
    pc_where where_a;        /* e.g. {class, [road]} */
    pc_where where_b;        /* e.g. {class, [rail]} when a == b */
} pc_crossing_opts;

/* Every point where a line of `a` (roads) and a line of `b` (rail) meet -
 * crossing or touching, so a road split at the rail counts on both sides -
 * must be declared: by a feature of `points` (a layer of declared
 * crossings; -1: none) within tolerance_m, or by crossed_field. An
 * undeclared one is "line.undeclared_crossing": the point, layer/key the
 * line of a, layer2/key2 the line of b. Lines running along each other
 * are not crossings (pc_rules_corridor_overlap sees them). */
pc_status pc_rules_crossings(pc_ctx *ctx, pc_rules *rules, int a, int b,
                             int points, const pc_crossing_opts *opts,
                             pc_findings *out);

/* ---- plan reconciliation (src/check/reconcile.c) -------------------------
 * The plan's own figures, as the plan file states them (`figures:`),
 * against the data and against each other. Areas follow the session's
 * area method; tolerances are those of area.declared (pc_tolerance), with
 * approx_rel_pct when any figure compared is printed with 约. */

/* A figure as the plan file prints it ("约65.77 平方公里"). */
typedef struct pc_stated_area {
    double value;        /* in `unit` */
    pc_unit unit;
    int approx;          /* printed with 约 */
    const char *text;    /* as written, for messages */
} pc_stated_area;

/* At most / at least this much land of one class in a zone. The class is
 * a 用地用海 code or name (landuse.h: parcels whose class attribute is that
 * class or one of its subclasses count) or, when the table knows neither,
 * a value of the class attribute compared as text. */
typedef struct pc_quota {
    const char *cls;
    int has_at_most, has_at_least;
    pc_stated_area at_most, at_least;
    int line;            /* plan file line, for messages; 0: none */
} pc_quota;

/* One zone of the plan and what the plan says about it. */
typedef struct pc_zone_figure {
    const char *key;              /* zone key in the zones layer */
    int has_area;
    pc_stated_area area;
    const char *const *children;  /* keys of its parts, or NULL */
    size_t nchildren;
    int children_sum;             /* the parts must add up to the zone (else
                                     they must only lie inside it) */
    const pc_quota *quotas;
    size_t nquotas;
    const char *source;           /* where the plan prints it ("L53"), for
                                     messages, or NULL */
    int line;                     /* plan file line; 0: none */
} pc_zone_figure;

typedef struct pc_zone_figure_opts {
    pc_severity severity;
    pc_tolerance tol;
    double inside_tolerance_m2;   /* parts outside the parent up to this
                                     area are noise */
} pc_zone_figure_opts;

/* The zones against the plan's figures. Rule ids:
 *   figure.area          the zone's area differs from the plan's figure
 *                        (measured/declared/diff in m2, the zone as
 *                        geometry)
 *   figure.children_sum  the parts' figures (a part without one: its
 *                        area) add up to other than the zone's figure
 *                        (its area when it has none); declared_m2 the
 *                        zone's, measured_m2 the sum
 *   figure.child_outside a part lies partly outside its zone: the part
 *                        outside and its area; key2 the part
 *   figure.no_zone       a key (zone or part) names no feature
 *   figure.cycle         a zone is its own ancestor through `children`
 * `zones` is a layer of the session. */
pc_status pc_rules_zone_figures(pc_ctx *ctx, pc_rules *rules, int zones,
                                const pc_zone_figure *figs, size_t nfigs,
                                const pc_zone_figure_opts *opts,
                                pc_findings *out);

typedef struct pc_capacity_opts {
    pc_severity severity;
    pc_tolerance tol;
    const char *zone_field;   /* parcels' attribute naming their zone (a
                                 zone counts the parcels of its parts,
                                 through `children`); NULL: a parcel lies
                                 in every zone holding more than half of
                                 its area */
    const char *class_field;  /* quotas: the parcels' land-use attribute;
                                 NULL: quotas not checked */
    const pc_area_decl *decls;/* the parcels' declared figures: a parcel
                                 counts with the first one it has, else
                                 with its measured area */
    size_t ndecls;
    int capacity;             /* check capacity (else quotas only) */
} pc_capacity_opts;

/* Parcels of `parcels` per zone of `zones` against the zone's figure (its
 * area when it has none) and quotas. Rule ids:
 *   capacity.exceeded  the parcels of a zone add up to more than the zone
 *                      (measured_m2 the sum, declared_m2 the zone)
 *   quota.above / quota.below   a class's parcels in a zone add up to more
 *                      than at_most / less than at_least; field the class
 *   figure.no_zone     as above */
pc_status pc_rules_capacity(pc_ctx *ctx, pc_rules *rules, int zones,
                            int parcels, const pc_zone_figure *figs,
                            size_t nfigs, const pc_capacity_opts *opts,
                            pc_findings *out);

/* key.duplicate: a key held by more than one feature of `layer`, one
 * finding per feature after the first (FID order), naming the first
 * (fid2), saying whether the attributes and the geometry are the same
 * and, if not, which fields differ. Features keyed by FID never are. */
pc_status pc_rules_duplicate_keys(pc_ctx *ctx, pc_rules *rules, int layer,
                                  pc_severity severity, pc_findings *out);

/* area.units_disagree: a feature's declared figures (the layer's
 * declared_area list, in different units or not) disagree with each
 * other beyond tolerance, whatever its geometry: declared_m2 the first
 * figure, measured_m2 the other, field the other's value field.
 * check->decls must name at least two figures. */
pc_status pc_check_figures_agree(pc_ctx *ctx, const pc_layer *layer,
                                 const pc_area_check *check,
                                 pc_findings *out);

/* ---- regional rules (src/check/regional.c) -------------------------------
 * Regional plans place hubs and lines at the scale of cities: distances
 * and lengths in metres, planar in the working CRS. */

typedef struct pc_near_opts {
    pc_severity severity;
    double max_distance_m;       /* allowed distance */
    const char *distance_field;  /* per-feature allowed distance (m) of
                                    `layer`: a number, or text such as
                                    "2000", "2000m", "2000米"; NULL or NULL
                                    value: max_distance_m */
    const char *ref_field;       /* field of `layer` listing the keys of the
                                    target features it must be near (split
                                    as pc_crossing_opts.crossed_field);
                                    NULL or "", or a value listing no key:
                                    the nearest feature of `target` */
    pc_where where;              /* features of `layer` taking part */
    pc_where where_target;       /* features of `target` that count */
} pc_near_opts;

/* Each feature of `layer` (hubs) must lie within its allowed distance of
 * `target` (lines): of the nearest feature of `target` that counts, or of
 * each key its ref_field names (the nearest feature with that key). With
 * layer == target a feature is not its own nearest. Rule ids:
 *   near.too_far      farther than allowed: measured_m2 the distance (m),
 *                     tolerance_m2 the allowed one, geometry the shortest
 *                     line between them, key2 the target feature (the
 *                     nearest, the smallest key among equally near ones,
 *                     or the one named)
 *   near.unknown_ref  a key in ref_field names no feature of `target`
 *                     that counts (key2 the key, field ref_field)
 *   near.no_target    nothing to measure the distance to: no feature of
 *                     `target` counts and has a geometry (key2 NULL,
 *                     measured_m2 NAN), or the named ones have no
 *                     geometry (key2 the key)
 *   near.value        the distance_field value is not a non-negative
 *                     number of metres (a finding, not a fallback)
 *   near.geometry     the feature has no geometry (NULL or empty)
 *   near.unevaluated  GEOS could not measure the distance
 * Fields named in `opts` must exist (else PC_ERR_INPUT naming them); a
 * max_distance_m that is not a non-negative number is PC_ERR_USAGE. */
pc_status pc_rules_near(pc_ctx *ctx, pc_rules *rules, int layer, int target,
                        const pc_near_opts *opts, pc_findings *out);

typedef struct pc_lines_within_opts {
    pc_severity severity;
    double tolerance_m;          /* length outside up to this is noise */
    double min_inside_pct;       /* 0: only tolerance_m applies; else the
                                    share of the length that must lie
                                    inside (e.g. 90) */
    pc_where where;              /* lines taking part (e.g. not linking) */
    pc_where where_container;    /* polygons that count (member cities) */
} pc_lines_within_opts;

/* Each line of `lines` must lie inside the union of the polygons of
 * `container` that count (invalid ones go in as GEOS MakeValid repairs,
 * and the findings are then marked repaired): a line is outside when the
 * length outside is above tolerance_m or, with min_inside_pct, its share
 * inside is below that. Rule ids:
 *   line.outside   the part outside (geometry), its length (measured_m2,
 *                  m), tolerance_m (tolerance_m2), the share inside in the
 *                  message
 *   line.outside.unevaluated  GEOS could not evaluate the line
 *   line.geometry  NULL, empty, zero-length or non-linear geometry
 * tolerance_m below 0 or min_inside_pct outside 0..100: PC_ERR_USAGE. */
pc_status pc_rules_lines_within(pc_ctx *ctx, pc_rules *rules, int lines,
                                int container,
                                const pc_lines_within_opts *opts,
                                pc_findings *out);

#ifdef __cplusplus
}
#endif
#endif
