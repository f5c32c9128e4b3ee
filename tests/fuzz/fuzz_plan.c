/* fuzz_plan.c: the plan-file parser (YAML through libfyaml into pc_plan)
 * on arbitrary bytes: it must give PC_OK or a one-line error, never crash,
 * hang or leak. Built as a libFuzzer target (PLANCHECK_FUZZ) and, in every
 * build, as a replay program over the committed corpus (fuzz_main.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plancheck/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The loader reads a path (it resolves the plan's sources against the
     * plan's folder), so the bytes go to a file of their own. */
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/plancheck-fuzz-plan-%d.yaml",
                 (int)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    pc_ctx *ctx = pc_ctx_new();
    pc_ctx_set_quiet(ctx, 1);
    pc_plan *plan = NULL;
    if (getenv("PLANCHECK_FUZZ_VERBOSE"))
        fprintf(stderr, "%s\n", pc_plan_load(ctx, path, &plan) == PC_OK
                                   ? "loaded" : pc_ctx_error(ctx));
    pc_plan_free(plan);
    plan = NULL;
    if (pc_plan_load(ctx, path, &plan) == PC_OK) {
        if (!plan)
            abort();
        pc_plan_free(plan);
    } else if (!pc_ctx_error(ctx) || strchr(pc_ctx_error(ctx), '\n')) {
        abort(); /* an error must be one line */
    }
    pc_ctx_free(ctx);
    unlink(path);
    return 0;
}
