/* rules_internal.h: what the rule files share: the session's layers, the
 * cached candidate pairs, filters and area finishing. */
#ifndef PC_RULES_INTERNAL_H
#define PC_RULES_INTERNAL_H

#include "engine.h"

#define MAX_LAYERS 64

struct rlayer {
    pc_layer *layer;
    char *id;
    int key;               /* key field index, -1: FID */
    pc_gcache gc;
    int gc_built;
    uint8_t *invalid;      /* from the validity rule, or NULL */
    struct pc_corridors *corridors; /* lines.c: red-line corridors, or NULL */
};

struct pairs_entry {
    int a, b;
    pc_pairs pairs;
};

struct pc_rules {
    const pc_crs *crs;
    pc_area_method method;
    int threads;
    pc_progress_fn progress;
    void *progress_arg;
    pc_area_calc *calc;
    struct rlayer layers[MAX_LAYERS];
    int nlayers;
    struct pairs_entry *pairs;
    size_t npairs;
};

pc_status pc_rules_need_cache(pc_ctx *ctx, pc_rules *r, int i);
pc_status pc_rules_need_pairs(pc_ctx *ctx, pc_rules *r, int a, int b,
                              const pc_pairs **out);
void pc_rules_forget_layer(pc_rules *r, int i);
const char *pc_rules_key(const struct rlayer *l, size_t i, char *buf, size_t n);

/* A layer's keys (as pc_rules_key writes them, 255 bytes at most) sorted
 * by key, then by feature: for the rules that look features up by a key
 * another layer names. */
struct pc_key_entry {
    const char *key;
    uint32_t index;        /* the feature */
};

typedef struct {
    struct pc_key_entry *items;
    size_t n;
    char *store;           /* the keys, 256 bytes per feature */
} pc_key_table;

/* The key table of every feature of l; free it with pc_key_table_free. */
pc_status pc_rules_key_table(pc_ctx *ctx, const struct rlayer *l,
                             pc_key_table *t);
/* The first entry with this key, or NULL; the entries with the same key
 * follow it, in feature order. With count, how many hold the key. */
const struct pc_key_entry *pc_key_table_find(const pc_key_table *t,
                                             const char *key, size_t *count);
/* Frees what the table owns; a zeroed table is a no-op. */
void pc_key_table_free(pc_key_table *t);
/* Fills the pair part of a finding (keys written into ka, kb of size n);
 * within one layer (self) the smaller key comes first, so the id does not
 * depend on FIDs. */
void pc_rules_pair_keys(pc_finding *fd, const struct rlayer *la, size_t i,
                        const struct rlayer *lb, size_t j, int self, char *ka,
                        char *kb, size_t n);
/* The next key of a key list such as a crossed_field or ref_field value
 * (keys separated by blanks or , ; / | 、 ， ；): its start, with its length
 * in *len; NULL when no key is left. Go on from start + *len. */
const char *pc_rules_next_key(const char *s, size_t *len);
pc_status pc_rules_where_mask(pc_ctx *ctx, const struct rlayer *l,
                              const pc_where *w, uint8_t **mask);
/* Final areas of `rule`'s findings from index `from` on, by `method`;
 * those not above min_area_m2 dropped; " by <area> m2 (<method>)" appended
 * to their messages. */
pc_status pc_rules_finish_areas(pc_ctx *ctx, pc_rules *r, pc_findings *f,
                                size_t from, double min_area_m2,
                                pc_area_method method, const char *rule);
/* Frees a line layer's corridors (lines.c); NULL is a no-op. */
void pc_corridors_free(pc_ctx *ctx, struct pc_corridors *c);

#endif
