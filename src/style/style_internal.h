/* style_internal.h: the QML files embedded at build time
 * (embed_styles.cmake), by file name. */
#ifndef PC_STYLE_INTERNAL_H
#define PC_STYLE_INTERNAL_H

#include <stddef.h>

#include "plancheck/style.h"

typedef struct pc_style_file {
    const char *name; /* file name without .qml */
    const char *text; /* NUL-terminated */
    size_t len;       /* bytes without the NUL */
} pc_style_file;

/* Sorted by name (the files in the directory's sorted order). */
extern const pc_style_file pc_style_files[];
extern const size_t pc_style_nfiles;

#endif
