/* render.h: maps of a plan and its findings (Cairo), PNG or SVG: every
 * layer drawn with its QGIS style (style.h), findings highlighted on top,
 * title, date, north arrow, scale bar in metres and a bilingual legend. */
#ifndef PLANCHECK_RENDER_H
#define PLANCHECK_RENDER_H

#include <stddef.h>

#include "run.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pc_render_format { PC_RENDER_PNG = 0, PC_RENDER_SVG } pc_render_format;

typedef struct pc_render_opts {
    int width, height;      /* pixels (PNG) or points (SVG); 0: 1600 x 1200 */
    int has_extent;
    double extent[4];       /* minx, miny, maxx, maxy in the working CRS */
    const char *zoom_to;    /* a finding id: its geometry with a margin */
    const char *title;      /* NULL: the plan's name */
    const char *date;       /* NULL: the run's date (YYYY-MM-DD, UTC) */
    int plain;              /* 1: the map only, no title, legend, north
                               arrow or scale bar (the report's small maps) */
    int overwrite;          /* pc_render_file: replace an existing file
                               (never one of the run's inputs) */
} pc_render_opts;

/* Draws the result of a run made with keep_layers (r->data) to `path`;
 * the format follows the extension (.png or .svg). The file is written
 * atomically. An unknown zoom_to id, a finding without geometry, an empty
 * extent, a bad date or size is PC_ERR_USAGE; an existing file without
 * overwrite, or one of the run's inputs, is PC_ERR_OUTPUT. */
pc_status pc_render_file(pc_ctx *ctx, const pc_run_result *r,
                         const pc_render_opts *opts, const char *path);

/* The same into memory (*buf malloc'ed, *len bytes). */
pc_status pc_render_mem(pc_ctx *ctx, const pc_run_result *r,
                        const pc_render_opts *opts, pc_render_format format,
                        unsigned char **buf, size_t *len);

/* The format of a map file name (.png or .svg, any case), else
 * PC_ERR_USAGE naming it. */
pc_status pc_render_format_of(pc_ctx *ctx, const char *path,
                              pc_render_format *format);

/* Releases the font caches Cairo and fontconfig keep for the process, so
 * that leak checkers see none. Only at exit, when no thread renders. */
void pc_render_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
