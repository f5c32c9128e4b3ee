/* plan.h: the plan file (YAML): working CRS, area method, tolerances,
 * layers and the rules to run. Errors name file:line. */
#ifndef PLANCHECK_PLAN_H
#define PLANCHECK_PLAN_H

#include "check.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PC_PLAN_VERSION 1

typedef struct pc_plan_area {
    char *value_field;
    char *unit_field;
    char *unit;          /* constant unit */
    char *approx_field;
    int line;
} pc_plan_area;

typedef struct pc_plan_layer {
    char *id;            /* the key under `layers:` */
    char *source;        /* resolved relative to the plan file's directory */
    char *source_as_written;
    char *layer;         /* layer inside the source, or NULL */
    char *crs;           /* fallback CRS when the data has none, or NULL */
    char *assign_crs;    /* CRS that replaces the data's own (a wrong
                            label), or NULL */
    char *encoding;      /* attribute encoding override, or NULL */
    char *key_field;     /* or NULL */
    pc_plan_area *areas; /* declared areas to reconcile */
    size_t nareas;
    int has_tolerance;   /* 1 when `tolerance` overrides the plan's */
    pc_tolerance tol;
    char *style;         /* `style:` a style name (style.h), or NULL */
    char *title;         /* `title:` display name, e.g. 地块, or NULL */
    char *description;   /* `description:`, or NULL */
    char **alias_fields; /* `aliases:` field -> alias (e.g. 地块编号), */
    char **aliases;      /* in the plan file's order */
    size_t naliases;
    int line;
} pc_plan_layer;

typedef enum pc_rule_kind {
    PC_RULE_VALIDITY,
    PC_RULE_OVERLAP,         /* within one layer */
    PC_RULE_DUPLICATES,
    PC_RULE_OVERLAP_BETWEEN, /* layer vs layer2 */
    PC_RULE_CONTAINMENT,     /* layer inside layer2 */
    PC_RULE_GAPS,            /* layer, optional boundary layer2 */
    PC_RULE_SLIVERS,
    PC_RULE_SQSX,            /* 三区三线 */
    PC_RULE_LANDUSE,         /* 用地用海 codes and the land-use balance */
    PC_RULE_CORRIDOR,        /* red-line corridors: land take, length */
    PC_RULE_INTRUSION,       /* layer (polygons) into layer2's corridors */
    PC_RULE_CORRIDOR_OVERLAP,/* corridors of layer and layer2 */
    PC_RULE_CONNECTIVITY,    /* layer's ends meet layer2 (from/to) */
    PC_RULE_CROSSINGS,       /* layer crossing layer2, declared in points */
    PC_RULE_FIGURES,         /* zones (layer) vs the plan's `figures:` */
    PC_RULE_CAPACITY,        /* parcels (layer2) per zone vs the zone */
    PC_RULE_QUOTAS,          /* ... per land-use class vs the quotas */
    PC_RULE_DUPLICATE_KEYS,  /* a key held by several features */
    PC_RULE_UNITS_AGREE,     /* a feature's declared figures agree */
    PC_RULE_SQL,             /* a planner's rule in SQL */
    PC_RULE_NEAR,            /* layer within a distance of layer2 */
    PC_RULE_LINES_WITHIN     /* lines of layer inside layer2's polygons */
} pc_rule_kind;

/* Options of the line rules (corridor ... crossings). */
typedef struct pc_plan_lines {
    char *width_field, *class_field;
    char **width_values;   /* class value -> width */
    double *widths;
    size_t nwidths;
    double default_width_m, mitre_limit;
    int has_land_take;
    pc_plan_area land_take;
    pc_tolerance land_take_tol;
    char *length_field, *length_approx_field;
    double length_abs_m, length_rel_pct, length_approx_rel_pct;
    double allowed_length_m;       /* corridor_overlap */
    char *from_field, *to_field;   /* connectivity */
    double snap_m;
    int dangles;
    pc_severity dangle_severity;
    char *points;                  /* crossings: layer of declared crossings */
    double tolerance_m;
    char *crossed_field;
} pc_plan_lines;

typedef struct pc_plan_where {
    char *field;
    char **values;
    size_t nvalues;
} pc_plan_where;

/* One rule to run, as the plan file states it (a rule listed for several
 * layers becomes one entry per layer). Layers are plan layer ids. */
typedef struct pc_plan_rule {
    pc_rule_kind kind;
    int line;
    pc_severity severity;
    char *layer;
    char *layer2;          /* overlap_between b, containment container,
                              gaps boundary; or NULL */
    char *key_field;       /* containment: field naming the container */
    double min_area_m2;    /* overlap, overlap_between, gaps */
    double max_area_m2;    /* gaps, slivers */
    double max_width_m;    /* gaps */
    double tolerance_m2;   /* containment, sqsx */
    double min_thinness;   /* slivers */
    double min_width_m;    /* slivers */
    int allow_selftouching_rings; /* validity */
    int repair;            /* validity */
    int duplicates;        /* overlap: also report identical geometries */
    pc_plan_where where;   /* filter on layer (overlap_between a, containment,
                              sqsx construction parcels) */
    pc_plan_where where2;  /* filter on layer2 */
    char *farmland, *eco_redline; /* sqsx; urban boundary is layer2 */
    char *field;           /* landuse: the attribute holding the class */
    char *zone_field;      /* landuse: the attribute naming the zone */
    pc_plan_lines *lines;  /* line rules' options, or NULL */
    char *sql_id;          /* sql: the rule's own id (findings sql.<id>) */
    char *query;           /* sql: placeholders expanded */
    double max_distance_m; /* near */
    char *distance_field;  /* near: per-feature allowed distance */
    char *ref_field;       /* near: keys of the features to be near */
    double tolerance_m;    /* lines_within: length outside that is noise */
    double min_inside_pct; /* lines_within */
} pc_plan_rule;

/* `figures:`: the plan's own figures for the zones of one layer. The plan
 * owns every string the zone figures point to. */
typedef struct pc_plan_figures {
    char *layer;           /* plan layer id of the zones, or NULL */
    pc_zone_figure *zones;
    size_t nzones;
    int line;
} pc_plan_figures;

/* A finding the plan accepts: its stable id and why. */
typedef struct pc_plan_accepted {
    char *id;
    char *reason;
    int line;
} pc_plan_accepted;

typedef struct pc_plan {
    char *path;          /* as given */
    char *dir;           /* directory of the plan file */
    char *sha256;        /* hex digest of the file's bytes */
    char *name;
    char *description;
    char *crs;           /* working CRS definition (must be projected) */
    pc_area_method method;
    pc_tolerance tol;
    pc_severity fail_on;
    int fail_new_only;   /* fail_on: new: only findings not accepted fail */
    char *output;        /* resolved default output, or NULL */
    int area_rule_enabled;
    pc_severity area_severity;
    pc_plan_layer *layers;
    size_t nlayers;
    pc_plan_rule *rules;
    size_t nrules;
    int threads;         /* 0: one per core */
    pc_plan_accepted *accepted; /* sorted by id */
    size_t naccepted;
    pc_plan_figures figures;
} pc_plan;

/* The rule's name as the plan file spells it ("overlap_between"). */
const char *pc_plan_rule_name(pc_rule_kind kind);

/* Index of a layer id in plan->layers, or -1. */
int pc_plan_layer_index(const pc_plan *plan, const char *id);

/* Loads and validates a plan file. Unknown keys, wrong types, missing
 * sections and bad values are PC_ERR_INPUT with "file:line: ..." in the
 * context's message. */
pc_status pc_plan_load(pc_ctx *ctx, const char *path, pc_plan **out);
void pc_plan_free(pc_plan *plan); /* NULL is a no-op */

/* Defaults used when the plan file says nothing. */
#define PC_DEFAULT_ABS_M2 1.0
#define PC_DEFAULT_REL_PCT 0.1
#define PC_DEFAULT_APPROX_REL_PCT 2.0

#ifdef __cplusplus
}
#endif
#endif
