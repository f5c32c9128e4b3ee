/* ctx.c: core stage: the per-thread context (GEOS handle, PROJ context,
 * last error, warnings) and small helpers every module uses. */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gdal.h>
#include <proj.h>

#include "internal.h"

struct pc_ctx {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    char error[2048];
    char geos_msg[1024];
    int quiet;
    char **warnings;
    size_t nwarnings, capwarnings;
};

/* GEOS reports exceptions through this handler; keep the text so the caller
 * that saw the failed return can put it into its own message. */
static void geos_message(const char *message, void *userdata)
{
    pc_ctx *ctx = userdata;
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", message);
}

/* PROJ logs through this hook; its errors reach us through return values
 * and proj_context_errno, so the log itself is dropped. */
static void proj_quiet_log(void *data, int level, const char *msg)
{
    (void)data;
    (void)level;
    (void)msg;
}

pc_ctx *pc_ctx_new(void)
{
    pc_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->geos || !ctx->proj) {
        pc_ctx_free(ctx);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, NULL, NULL);
    proj_log_func(ctx->proj, NULL, proj_quiet_log);
    return ctx;
}

void pc_ctx_free(pc_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    for (size_t i = 0; i < ctx->nwarnings; i++)
        free(ctx->warnings[i]);
    free(ctx->warnings);
    free(ctx);
}

GEOSContextHandle_t pc_ctx_geos(pc_ctx *ctx) { return ctx->geos; }
struct pj_ctx *pc_ctx_proj(pc_ctx *ctx) { return ctx->proj; }
const char *pc_ctx_geos_message(const pc_ctx *ctx) { return ctx->geos_msg; }
const char *pc_ctx_error(const pc_ctx *ctx) { return ctx->error; }
void pc_ctx_set_quiet(pc_ctx *ctx, int quiet) { ctx->quiet = quiet; }
int pc_ctx_quiet(const pc_ctx *ctx) { return ctx->quiet; }
size_t pc_ctx_warning_count(const pc_ctx *ctx) { return ctx->nwarnings; }

const char *pc_ctx_warning(const pc_ctx *ctx, size_t i)
{
    return i < ctx->nwarnings ? ctx->warnings[i] : NULL;
}

/* Messages are one line by contract: fold any newline a library put in. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

pc_status pc_error(pc_ctx *ctx, pc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
    va_end(ap);
    one_line(ctx->error);
    return status;
}

pc_status pc_error_prefix(pc_ctx *ctx, pc_status status, const char *fmt, ...)
{
    char old[sizeof ctx->error], head[1024];
    memcpy(old, ctx->error, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    char *joined = pc_aprintf("%s: %s", head, old);
    /* out of memory: keep the lower message, better than none */
    snprintf(ctx->error, sizeof ctx->error, "%s", joined ? joined : old);
    free(joined);
    one_line(ctx->error);
    return status;
}

void pc_warn(pc_ctx *ctx, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    one_line(buf);
    if (!ctx->quiet)
        fprintf(stderr, "plancheck: warning: %s\n", buf);
    if (ctx->nwarnings == ctx->capwarnings) {
        size_t cap = ctx->capwarnings ? 2 * ctx->capwarnings : 8;
        char **w = realloc(ctx->warnings, cap * sizeof *w);
        if (!w)
            return; /* the warning was printed; keeping it is best effort */
        ctx->warnings = w;
        ctx->capwarnings = cap;
    }
    char *copy = pc_strdup(buf);
    if (copy)
        ctx->warnings[ctx->nwarnings++] = copy;
}

const char *pc_severity_name(pc_severity s)
{
    switch (s) {
    case PC_SEV_INFO: return "info";
    case PC_SEV_WARNING: return "warning";
    case PC_SEV_ERROR: return "error";
    case PC_SEV_NEVER: return "never";
    }
    return "?";
}

int pc_severity_parse(const char *s, pc_severity *out)
{
    static const pc_severity all[] = {PC_SEV_INFO, PC_SEV_WARNING,
                                      PC_SEV_ERROR, PC_SEV_NEVER};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (s && strcmp(s, pc_severity_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

/* GDAL would print its own messages on stderr, several lines in its own
 * words; plancheck reads them (CPLGetLastErrorMsg) where it reports the
 * problem, in its one line naming the file and layer. */
static void gdal_register(void)
{
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    /* No network: drivers that only read from servers are dropped (paths
     * naming a network file system are refused by the read stage). */
    static const char *const network[] = {
        "WFS", "OAPIF", "CSW", "NGW", "Elasticsearch", "CouchDB", "Carto",
        "AmigoCloud", "PLSCENES", "EEDA", "MongoDBv3", "GNMDatabase",
        "PostgreSQL", "MySQL", "OCI", "MSSQLSpatial", "ODBC", "WMS", "WCS",
        "DAAS", "OGCAPI", "HTTP"};
    for (size_t i = 0; i < sizeof network / sizeof network[0]; i++) {
        GDALDriverH d = GDALGetDriverByName(network[i]);
        if (d) {
            GDALDeregisterDriver(d);
            GDALDestroyDriver(d);
        }
    }
}

void pc_gdal_init(void) { pthread_once(&gdal_once, gdal_register); }

const char *pc_library_versions(void)
{
    static char buf[160];
    if (!buf[0]) {
        PJ_INFO pi = proj_info();
        snprintf(buf, sizeof buf, "GDAL %s, GEOS %s, PROJ %s",
                 GDALVersionInfo("RELEASE_NAME"), GEOSversion(), pi.version);
    }
    return buf;
}

char *pc_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *pc_aprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

int pc_strcaseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

void pc_format_double(double v, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Progress on stderr, in the spirit of GDALTermProgress (which writes to
 * stdout, where plancheck keeps data only). Redraws only when the
 * percentage changes; silent when stderr is not a terminal. */
int pc_progress_stderr(double complete, const char *message, void *arg)
{
    static int last = -1;
    (void)arg;
    if (!isatty(STDERR_FILENO))
        return 1;
    int pct = (int)(complete * 100.0 + 0.5);
    if (pct < 0)
        pct = 0;
    if (pct > 100)
        pct = 100;
    if (pct == last && pct != 100)
        return 1;
    last = pct;
    char bar[41];
    int filled = pct * 40 / 100;
    for (int i = 0; i < 40; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[40] = '\0';
    fprintf(stderr, "\r%-24.24s [%s] %3d%%", message ? message : "", bar, pct);
    if (pct == 100) {
        fputc('\n', stderr);
        last = -1;
    }
    fflush(stderr);
    return 1;
}

double pc_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void pc_stage_time(const char *stage, const char *what, double *t0)
{
    static int on = -1;
    if (on < 0)
        on = getenv("PLANCHECK_TIMING") != NULL;
    double t = pc_now_s();
    if (on)
        fprintf(stderr, "plancheck: timing: %-12s %-24s %8.3f s\n", stage,
                what ? what : "", t - *t0);
    *t0 = t;
}
