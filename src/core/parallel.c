/* parallel.c: core stage: a small worker pool with a deterministic merge:
 * chunks of work taken from an atomic counter by N threads, each with its
 * own pc_ctx (so its own GEOS and PROJ contexts); the calling thread is
 * worker 0 and the only one that reports progress. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parallel.h"


int pc_thread_count(int threads)
{
    if (threads > 0)
        return threads > 64 ? 64 : threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

struct pool {
    size_t n, chunk;
    atomic_size_t next;
    atomic_int failed;
    pc_job_fn job;
    void *arg;
    pc_progress_fn progress;
    void *progress_arg;
    const char *what;
};

struct worker {
    struct pool *pool;
    int index;
    pc_ctx *ctx;
    pc_findings found;
    pc_status st;
    pthread_t thread;
};

static void *work(void *p)
{
    struct worker *w = p;
    struct pool *pool = w->pool;
    for (;;) {
        if (atomic_load(&pool->failed))
            break;
        size_t first = atomic_fetch_add(&pool->next, pool->chunk);
        if (first >= pool->n)
            break;
        size_t count = pool->n - first < pool->chunk ? pool->n - first
                                                      : pool->chunk;
        w->st = pool->job(w->ctx, w->index, first, count, pool->arg, &w->found);
        if (w->st == PC_OK && w->index == 0 && pool->progress &&
            !pool->progress((double)first / (double)pool->n, pool->what,
                            pool->progress_arg))
            w->st = pc_error(w->ctx, PC_ERR_INTERNAL, "interrupted");
        if (w->st != PC_OK) {
            atomic_store(&pool->failed, 1);
            break;
        }
    }
    return NULL;
}

pc_status pc_parallel(pc_ctx *ctx, size_t n, int threads, pc_job_fn job,
                      void *arg, pc_progress_fn progress, void *progress_arg,
                      const char *what, pc_findings *out)
{
    return pc_parallel_ex(ctx, n, threads, job, NULL, arg, progress,
                          progress_arg, what, out);
}

pc_status pc_parallel_ex(pc_ctx *ctx, size_t n, int threads, pc_job_fn job,
                         pc_worker_done_fn done, void *arg,
                         pc_progress_fn progress, void *progress_arg,
                         const char *what, pc_findings *out)
{
    int nt = pc_thread_count(threads);
    if ((size_t)nt > n / 256 + 1)
        nt = (int)(n / 256 + 1); /* small jobs: threads cost more than they save */
    struct pool pool = {n, 1024, 0, 0, job, arg, progress, progress_arg, what};
    atomic_init(&pool.next, 0);
    atomic_init(&pool.failed, 0);
    struct worker *ws = calloc((size_t)nt, sizeof *ws);
    if (!ws)
        return PC_OOM(ctx);
    pc_status st = PC_OK;
    int started = 0;
    int was_quiet = pc_ctx_quiet(ctx); /* worker 0 is the caller's context */
    for (int t = 0; t < nt; t++) {
        ws[t].pool = &pool;
        ws[t].index = t;
        ws[t].ctx = t == 0 ? ctx : pc_ctx_new();
        if (!ws[t].ctx) {
            st = PC_OOM(ctx);
            break;
        }
        pc_ctx_set_quiet(ws[t].ctx, 1);
    }
    for (int t = 1; st == PC_OK && t < nt; t++) {
        if (pthread_create(&ws[t].thread, NULL, work, &ws[t]) != 0) {
            atomic_store(&pool.failed, 1);
            st = pc_error(ctx, PC_ERR_INTERNAL, "cannot start a thread");
            break;
        }
        started = t;
    }
    if (st == PC_OK)
        work(&ws[0]); /* the calling thread is worker 0 */
    for (int t = 1; t <= started; t++)
        pthread_join(ws[t].thread, NULL);
    for (int t = 0; t < nt; t++) {
        if (st == PC_OK && ws[t].st != PC_OK) {
            st = ws[t].st;
            if (t != 0)
                pc_error(ctx, st, "%s", pc_ctx_error(ws[t].ctx));
        }
        if (st == PC_OK)
            st = pc_findings_move(ctx, out, &ws[t].found);
        else
            pc_findings_clear(ws[t].ctx ? ws[t].ctx : ctx, &ws[t].found);
    }
    for (int t = 0; done && t < nt; t++)
        if (ws[t].ctx)
            done(ws[t].ctx, t, arg);
    for (int t = 1; t < nt; t++)
        pc_ctx_free(ws[t].ctx);
    free(ws);
    pc_ctx_set_quiet(ctx, was_quiet);
    if (st == PC_OK && progress)
        progress(1.0, what, progress_arg);
    return st;
}
