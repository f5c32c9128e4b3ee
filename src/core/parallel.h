/* parallel.h: the worker pool shared by the stages that split work. */
#ifndef PC_PARALLEL_H
#define PC_PARALLEL_H

#include "internal.h"
#include "plancheck/findings.h"

/* Runs job(ctx, worker, first, count, arg, out) over [0, n) in chunks on
 * `threads` threads (0 = one per core), each with its own pc_ctx; worker
 * is 0..threads-1, for per-worker state the job keeps in `arg`. Findings of
 * all threads are appended to `out` (their order is fixed later by
 * pc_findings_finish). */
typedef pc_status (*pc_job_fn)(pc_ctx *ctx, int worker, size_t first,
                               size_t count, void *arg, pc_findings *out);
pc_status pc_parallel(pc_ctx *ctx, size_t n, int threads, pc_job_fn job,
                      void *arg, pc_progress_fn progress, void *progress_arg,
                      const char *what, pc_findings *out);

/* The same, with done(ctx, worker, arg) called for every worker before its
 * context is freed: per-worker PROJ/GEOS objects must die with their
 * context, not after it. */
typedef void (*pc_worker_done_fn)(pc_ctx *ctx, int worker, void *arg);
pc_status pc_parallel_ex(pc_ctx *ctx, size_t n, int threads, pc_job_fn job,
                         pc_worker_done_fn done, void *arg,
                         pc_progress_fn progress, void *progress_arg,
                         const char *what, pc_findings *out);

/* Number of worker threads to use for `threads` (0 = number of cores). */
int pc_thread_count(int threads);

#define PC_MAX_THREADS 64

#endif
