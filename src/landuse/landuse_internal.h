/* landuse_internal.h: the embedded table text and its parser, which the
 * unit test also feeds with broken tables. */
#ifndef PC_LANDUSE_INTERNAL_H
#define PC_LANDUSE_INTERNAL_H

#include <stddef.h>

#include "plancheck/landuse.h"

/* Generated from landuse-2023.tsv at build time (embed_table.cmake): the
 * file's bytes followed by a NUL, their count without the NUL, and the
 * file's name for messages. */
extern const unsigned char pc_landuse_tsv[];
extern const size_t pc_landuse_tsv_len;
extern const char pc_landuse_tsv_name[];

typedef struct pc_landuse_table pc_landuse_table;

/* Parses `len` bytes in the format landuse-2023.tsv describes in its
 * header. Returns the table (free with pc_landuse_table_free), or NULL with
 * "line N: reason" (or "out of memory") in err[errlen]. */
pc_landuse_table *pc_landuse_table_parse(const char *text, size_t len,
                                         char *err, size_t errlen);
void pc_landuse_table_free(pc_landuse_table *t); /* NULL is a no-op */

size_t pc_landuse_table_count(const pc_landuse_table *t);
const pc_landuse_class *pc_landuse_table_at(const pc_landuse_table *t,
                                            size_t i);
/* Metadata from a "#@key<TAB>value" line: "version" or "source". */
const char *pc_landuse_table_meta(const pc_landuse_table *t, const char *key);

#endif
