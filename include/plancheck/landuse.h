/* landuse.h: the 用地用海 code table, China's national classification of land
 * and sea use for surveys, spatial planning and use control (the 2023 guide
 * of the Ministry of Natural Resources). The table is compiled into the
 * library; nothing is read at run time. */
#ifndef PLANCHECK_LANDUSE_H
#define PLANCHECK_LANDUSE_H

#include <stddef.h>

#include "plancheck.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One class of the table. Every pointer is borrowed and lives as long as
 * the process; never free them. */
typedef struct pc_landuse_class {
    const char *code;    /* "10", "1001", "100101": 2, 4 or 6 ASCII digits */
    int level;           /* 1, 2 or 3: strlen(code) / 2 */
    const struct pc_landuse_class *parent; /* NULL at level 1 */
    const char *name_zh; /* "工业用地": the guide's name */
    const char *name_en; /* "Industrial land": a translation, not the guide's */
} pc_landuse_class;

/* The table's edition, "2023", and its source document,
 * "《国土空间调查、规划、用途管制用地用海分类指南》(自然资源部, 2023年11月)".
 * Static strings; "" if the table could not be loaded (see
 * pc_landuse_check). */
const char *pc_landuse_version(void);
const char *pc_landuse_source(void);

/* Loads the embedded table on first use (any function here does; thread
 * safe). Returns PC_OK, or PC_ERR_INTERNAL with the line and the reason in
 * ctx when the table is malformed or memory ran out; then every lookup
 * returns NULL and pc_landuse_count() returns 0. */
pc_status pc_landuse_check(pc_ctx *ctx);

/* Iteration in code order ("01", "0101", "0102", ..., "24"): the i-th
 * class for i < pc_landuse_count(), else NULL. */
size_t pc_landuse_count(void);
const pc_landuse_class *pc_landuse_at(size_t i);

/* The class with this code, or NULL. The code is matched exactly after
 * ignoring surrounding blanks (ASCII space, tab, CR, LF, U+00A0, U+3000);
 * full-width digits ０-９ count as 0-9. Nothing else is tolerated: "101"
 * (a code that lost its leading zero as a number) and "10 01" are not
 * "1001". Codes the guide has but the table leaves out return NULL. */
const pc_landuse_class *pc_landuse_find_code(const char *code);

/* The class with this Chinese name or alias (an earlier name of the same
 * class, e.g. 乡村道路用地 for 0601 农村道路), or NULL. Matched exactly
 * after ignoring the same surrounding blanks as pc_landuse_find_code; names
 * are unique across all levels. English names are not looked up. */
const pc_landuse_class *pc_landuse_find_name(const char *name);

/* The first-level class that contains c (c itself at level 1); NULL for
 * NULL. */
const pc_landuse_class *pc_landuse_top(const pc_landuse_class *c);

#ifdef __cplusplus
}
#endif
#endif
