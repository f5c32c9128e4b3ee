/* report.c: report stage: the reports besides the GeoPackage (JSON, JUnit
 * XML, HTML): the format from the path, the checks before the run, the
 * atomic write, and what the three writers share (text buffer, escaping,
 * findings per plan rule, rule titles). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/internal.h"
#include "report_internal.h"

/* ---- text buffer --------------------------------------------------------- */

int pc_sbuf_reserve(pc_sbuf *b, size_t more)
{
    if (b->oom)
        return 0;
    if (b->n + more + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return 0;
    }
    b->s = s;
    b->cap = cap;
    return 1;
}

void pc_sbuf_add(pc_sbuf *b, const char *s, size_t n)
{
    if (!pc_sbuf_reserve(b, n))
        return;
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void pc_sbuf_puts(pc_sbuf *b, const char *s)
{
    if (s)
        pc_sbuf_add(b, s, strlen(s));
}

void pc_sbuf_printf(pc_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int len = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (len < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)len < sizeof small) {
        pc_sbuf_add(b, small, (size_t)len);
        return;
    }
    if (!pc_sbuf_reserve(b, (size_t)len))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not
 * one (overlong forms, surrogates and values above U+10FFFF included). */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    unsigned cp;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void pc_sbuf_escape(pc_sbuf *b, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const char *rep = NULL;
        size_t n = 1;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                rep = "\xEF\xBF\xBD";
            else if ((n = utf8_len(p)) == 0) {
                rep = "\xEF\xBF\xBD";
                n = 1;
            }
        }
        if (rep)
            pc_sbuf_puts(b, rep);
        else
            pc_sbuf_add(b, (const char *)p, n);
        p += n;
    }
}

void pc_sbuf_free(pc_sbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

/* ---- findings per plan rule ---------------------------------------------- */

int pc_report_fails(const pc_run_result *r, const pc_finding *f)
{
    if (r->fail_on == PC_SEV_NEVER || f->severity < r->fail_on)
        return 0;
    return !(r->fail_new_only && f->accepted);
}

pc_report_rule *pc_report_rules(const pc_run_result *r, size_t *n)
{
    size_t nrules = r->plan->nrules;
    pc_report_rule *rules = calloc(nrules + 1, sizeof *rules);
    if (!rules)
        return NULL;
    for (size_t k = 0; k <= nrules; k++)
        rules[k].index = (int)k - 1;
    for (size_t i = 0; i < r->findings.n; i++) {
        const pc_finding *f = &r->findings.items[i];
        /* a finding of an unknown rule counts with the run-level ones */
        size_t k = f->plan_rule >= 0 && (size_t)f->plan_rule < nrules
                       ? (size_t)f->plan_rule + 1
                       : 0;
        if ((unsigned)f->severity <= PC_SEV_ERROR)
            rules[k].by_severity[f->severity]++;
        rules[k].total++;
        rules[k].accepted += f->accepted != 0;
        rules[k].failing += (size_t)pc_report_fails(r, f);
    }
    *n = nrules + 1;
    return rules;
}

static size_t add_layer(const char **layers, size_t n, size_t max,
                        const char *id)
{
    if (!id || n >= max)
        return n;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(layers[i], id))
            return n;
    layers[n] = id;
    return n + 1;
}

size_t pc_report_rule_layers(const pc_plan *plan, int index,
                             const char **layers, size_t max)
{
    size_t n = 0;
    if (index < 0) {
        for (size_t i = 0; plan->area_rule_enabled && i < plan->nlayers; i++)
            if (plan->layers[i].nareas > 0)
                n = add_layer(layers, n, max, plan->layers[i].id);
        return n;
    }
    if ((size_t)index >= plan->nrules)
        return 0;
    const pc_plan_rule *pr = &plan->rules[index];
    n = add_layer(layers, n, max, pr->layer);
    n = add_layer(layers, n, max, pr->layer2);
    n = add_layer(layers, n, max, pr->farmland);
    n = add_layer(layers, n, max, pr->eco_redline);
    if (pr->lines)
        n = add_layer(layers, n, max, pr->lines->points);
    return n;
}

void pc_report_rule_title(const pc_plan *plan, int index, pc_sbuf *out)
{
    const char *layers[8];
    size_t n = pc_report_rule_layers(plan, index, layers, 8);
    if (index < 0) {
        pc_sbuf_puts(out, "area: declared areas");
        for (size_t i = 0; i < n; i++)
            pc_sbuf_printf(out, "%s%s", i ? ", " : " of ", layers[i]);
        pc_sbuf_puts(out, "; run-level findings");
        return;
    }
    const pc_plan_rule *pr = &plan->rules[index];
    pc_sbuf_puts(out, pc_plan_rule_name(pr->kind));
    if (pr->kind == PC_RULE_SQL && pr->sql_id)
        pc_sbuf_printf(out, " %s", pr->sql_id);
    for (size_t i = 0; i < n; i++)
        pc_sbuf_printf(out, "%s%s", i ? ", " : ": ", layers[i]);
    if (pr->line > 0)
        pc_sbuf_printf(out, " (line %d)", pr->line);
}

pc_severity pc_report_rule_severity(const pc_plan *plan, int index)
{
    if (index < 0 || (size_t)index >= plan->nrules)
        return plan->area_severity;
    return plan->rules[index].severity;
}

long long pc_report_utc_seconds(const char *utc)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!utc || sscanf(utc, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
                       &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm);
}

/* ---- formats, paths, writing --------------------------------------------- */

int pc_report_format_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/') || dot == path || dot[-1] == '/')
        return -1;
    if (!strcasecmp(dot, ".json"))
        return PC_REPORT_JSON;
    if (!strcasecmp(dot, ".xml"))
        return PC_REPORT_JUNIT;
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
        return PC_REPORT_HTML;
    return -1;
}

/* The path with its directory resolved (realpath of the parent plus the
 * last component), so that a file that does not exist yet compares too;
 * the path as given when the parent cannot be resolved. */
static char *resolved_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? pc_aprintf("%.*s", (int)(slash - path + (slash == path)),
                                   path)
                      : pc_strdup(".");
    if (!dir)
        return NULL;
    char *real = realpath(dir, NULL);
    free(dir);
    if (!real)
        return pc_strdup(path);
    const char *base = slash ? slash + 1 : path;
    char *out = pc_aprintf("%s/%s", strcmp(real, "/") ? real : "", base);
    free(real);
    return out;
}

/* 1 when a and b name the same file: the same device and inode when both
 * exist (links, ./ spellings), else the same resolved path. */
static int same_file(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char *ra = resolved_path(a), *rb = resolved_path(b);
    int same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

/* The input (plan file or layer source) that `path` is, or NULL. */
static const char *input_named(const pc_plan *plan, const char *path)
{
    if (plan->path && same_file(path, plan->path))
        return plan->path;
    for (size_t i = 0; i < plan->nlayers; i++)
        if (same_file(path, plan->layers[i].source))
            return plan->layers[i].source;
    return NULL;
}

static pc_status refuse_inputs(pc_ctx *ctx, const pc_plan *plan,
                               const char *output, const char *path)
{
    const char *in = input_named(plan, path);
    if (in)
        return pc_error(ctx, PC_ERR_OUTPUT, "%s: the report would replace "
                        "the run's input %s; choose another path", path, in);
    if (output && same_file(path, output))
        return pc_error(ctx, PC_ERR_OUTPUT, "%s: the report would replace "
                        "the output GeoPackage; choose another path", path);
    return PC_OK;
}

pc_status pc_report_check(pc_ctx *ctx, const pc_plan *plan,
                          const char *output, int overwrite,
                          const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *path = paths[i];
        pc_status st = refuse_inputs(ctx, plan, output, path);
        if (st != PC_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (same_file(path, paths[j]))
                return pc_error(ctx, PC_ERR_OUTPUT, "%s: two reports are "
                                "written to the same file", path);
        struct stat sb;
        if (stat(path, &sb) == 0) {
            if (S_ISDIR(sb.st_mode))
                return pc_error(ctx, PC_ERR_OUTPUT, "%s: is a directory",
                                path);
            if (!overwrite)
                return pc_error(ctx, PC_ERR_OUTPUT, "%s: already exists; use "
                                "--overwrite to replace it", path);
        }
        /* the directory must take the temporary file the write makes */
        char *tmp = pc_aprintf("%s.tmp-XXXXXX", path);
        if (!tmp)
            return PC_OOM(ctx);
        int fd = mkstemp(tmp);
        if (fd < 0) {
            st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot write here: %s",
                          path, strerror(errno));
        } else {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        if (st != PC_OK)
            return st;
    }
    return PC_OK;
}

/* Writes data to a temporary file beside `path`, then renames it over
 * `path`: readers see the old file or the whole new one, never a part. */
static pc_status write_atomic(pc_ctx *ctx, const char *path, const char *data,
                              size_t len)
{
    char *tmp = pc_aprintf("%s.tmp-XXXXXX", path);
    if (!tmp)
        return PC_OOM(ctx);
    pc_status st = PC_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot write here: %s", path,
                      strerror(errno));
        free(tmp);
        return st;
    }
    /* mkstemp makes the file private; a report is for others to read */
    if (fchmod(fd, 0644) != 0)
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: %s", path, strerror(errno));
    size_t done = 0;
    while (st == PC_OK && done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            st = pc_error(ctx, PC_ERR_OUTPUT, "%s: write failed: %s", path,
                          w < 0 ? strerror(errno) : "no space");
        else
            done += (size_t)w;
    }
    if (close(fd) != 0 && st == PC_OK)
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: write failed: %s", path,
                      strerror(errno));
    if (st == PC_OK && rename(tmp, path) != 0)
        st = pc_error(ctx, PC_ERR_OUTPUT, "%s: cannot move the finished "
                      "report into place: %s", path, strerror(errno));
    if (st != PC_OK)
        unlink(tmp);
    free(tmp);
    return st;
}

pc_status pc_report_write(pc_ctx *ctx, const pc_run_result *r,
                          pc_report_format format, const char *path)
{
    pc_status st = refuse_inputs(ctx, r->plan, r->output, path);
    if (st != PC_OK)
        return st;
    if (format == PC_REPORT_HTML && !r->data)
        return pc_error(ctx, PC_ERR_USAGE, "%s: an HTML report needs a run "
                        "made with keep_layers (its maps)", path);
    pc_sbuf b = {0};
    switch (format) {
    case PC_REPORT_JSON: st = pc_report_json(ctx, r, &b); break;
    case PC_REPORT_JUNIT: st = pc_report_junit(ctx, r, &b); break;
    case PC_REPORT_HTML: st = pc_report_html(ctx, r, &b); break;
    default:
        st = pc_error(ctx, PC_ERR_USAGE, "%s: unknown report format", path);
    }
    if (st == PC_OK && b.oom)
        st = PC_OOM(ctx);
    if (st == PC_OK)
        st = write_atomic(ctx, path, b.s ? b.s : "", b.n);
    else
        st = pc_error_prefix(ctx, st, "%s", path);
    pc_sbuf_free(&b);
    return st;
}

pc_status pc_report_json_text(pc_ctx *ctx, const pc_run_result *r,
                              char **text)
{
    pc_sbuf b = {0};
    pc_status st = pc_report_json(ctx, r, &b);
    if (st == PC_OK && b.oom)
        st = PC_OOM(ctx);
    if (st != PC_OK) {
        pc_sbuf_free(&b);
        return st;
    }
    *text = b.s ? b.s : pc_strdup("");
    return *text ? PC_OK : PC_OOM(ctx);
}
