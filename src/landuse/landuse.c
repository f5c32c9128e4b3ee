/* landuse.c: reference data: the 用地用海 code table. The text of
 * landuse-2023.tsv is compiled into the library (embed_table.cmake); it is
 * parsed and checked once, on first use, into an array in code order and a
 * sorted index of names and aliases. A malformed row fails the whole table,
 * so a bad edit shows up in the unit test rather than as a missing class. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landuse_internal.h"

/* A Chinese name or alias and the class it names; `line` is for messages. */
struct name_entry {
    const char *name;
    const pc_landuse_class *cls;
    size_t line;
};

struct pc_landuse_table {
    char *text;                /* copy of the input; fields point into it */
    pc_landuse_class *classes; /* code order; never reallocated, so the
                                  parent pointers stay valid */
    size_t n;
    struct name_entry *names; /* sorted by bytes */
    size_t nnames;
    const char *version;
    const char *source;
};

/* Writes "line N: <message>" (or just the message for line 0) into err. */
static void set_error(char *err, size_t errlen, size_t line, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));
static void set_error(char *err, size_t errlen, size_t line, const char *fmt,
                      ...)
{
    if (!err || errlen == 0)
        return;
    size_t used = 0;
    if (line > 0) {
        int k = snprintf(err, errlen, "line %zu: ", line);
        used = k > 0 && (size_t)k < errlen ? (size_t)k : errlen - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - used, fmt, ap);
    va_end(ap);
}

/* Length of the blank at the start of s: ASCII space, tab, CR, LF, U+00A0
 * (C2 A0, common in spreadsheet exports) or U+3000 (E3 80 80, in Chinese
 * tables). The && chains stop at the terminating NUL. */
static size_t blank_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' || u[0] == '\n')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* Length of the blank that ends the first len bytes of s. A lead byte
 * (C2, E3) is never a continuation byte, so in valid UTF-8 these tails are
 * always whole characters. */
static size_t blank_len_back(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 1 && (u[len - 1] == ' ' || u[len - 1] == '\t' ||
                     u[len - 1] == '\r' || u[len - 1] == '\n'))
        return 1;
    if (len >= 2 && u[len - 2] == 0xC2 && u[len - 1] == 0xA0)
        return 2;
    if (len >= 3 && u[len - 3] == 0xE3 && u[len - 2] == 0x80 &&
        u[len - 1] == 0x80)
        return 3;
    return 0;
}

/* s without its surrounding blanks: returns the start, *len the length. */
static const char *trim(const char *s, size_t *len)
{
    size_t k;
    while ((k = blank_len(s)) > 0)
        s += k;
    size_t n = strlen(s);
    while ((k = blank_len_back(s, n)) > 0)
        n -= k;
    *len = n;
    return s;
}

/* Offset of the first byte of text[0..len) that breaks UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF included), or len. A file
 * saved in GBK fails here instead of yielding names that never match. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t j = 2; j < n; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF)
                return i;
        i += n;
    }
    return len;
}

/* Why a name field is unacceptable, or NULL when it is fine. Blanks at the
 * ends would make exact lookups after trimming impossible. */
static const char *bad_name(const char *s)
{
    if (!*s)
        return "is empty";
    size_t len = strlen(s);
    if (blank_len(s) || blank_len_back(s, len))
        return "starts or ends with a blank";
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if (*u < 0x20 || *u == 0x7F)
            return "contains a control character";
    return NULL;
}

static int is_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Binary search of the first n classes (code order) for code. */
static const pc_landuse_class *find_code_in(const pc_landuse_class *classes,
                                            size_t n, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(classes[mid].code, code);
        if (c == 0)
            return &classes[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int name_entry_cmp(const void *pa, const void *pb)
{
    const struct name_entry *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return (a->line > b->line) - (a->line < b->line);
}

/* Adds a name or alias to the index (capacity checked by the caller). */
static void add_name(pc_landuse_table *t, const char *name,
                     const pc_landuse_class *cls, size_t line)
{
    t->names[t->nnames].name = name;
    t->names[t->nnames].cls = cls;
    t->names[t->nnames].line = line;
    t->nnames++;
}

/* A "#@key<TAB>value" line (text after "#@"). Returns 0, or -1 with err. */
static int parse_meta(pc_landuse_table *t, char *kv, size_t line, char *err,
                      size_t errlen)
{
    char *tab = strchr(kv, '\t');
    if (!tab) {
        set_error(err, errlen, line, "metadata needs \"#@key<TAB>value\"");
        return -1;
    }
    *tab = '\0';
    const char *value = tab + 1;
    const char *why = bad_name(value);
    if (strchr(value, '\t'))
        why = "contains a TAB";
    if (why) {
        set_error(err, errlen, line, "metadata \"%s\": the value %s", kv,
                  why);
        return -1;
    }
    const char **slot = NULL;
    if (strcmp(kv, "version") == 0)
        slot = &t->version;
    else if (strcmp(kv, "source") == 0)
        slot = &t->source;
    if (!slot) {
        set_error(err, errlen, line, "unknown metadata key \"%s\"", kv);
        return -1;
    }
    if (*slot) {
        set_error(err, errlen, line, "metadata \"%s\" given twice", kv);
        return -1;
    }
    *slot = value;
    return 0;
}

/* One class row, NUL-terminated, without its line end. Returns 0, or -1
 * with err. */
static int parse_row(pc_landuse_table *t, char *row, size_t line, char *err,
                     size_t errlen)
{
    static const char *const field_names[] = {"code", "level", "parent",
                                              "name_zh", "name_en", "aliases"};
    size_t nf = 1;
    for (const char *p = row; *p; p++)
        nf += *p == '\t';
    if (nf != 5 && nf != 6) {
        set_error(err, errlen, line,
                  "expected 5 or 6 TAB-separated fields, found %zu", nf);
        return -1;
    }
    char *f[6] = {NULL};
    char *p = row;
    for (size_t i = 0; i < nf; i++) {
        f[i] = p;
        char *tab = strchr(p, '\t');
        if (tab) {
            *tab = '\0';
            p = tab + 1;
        }
    }
    for (size_t i = 0; i < 5; i++)
        if (!*f[i]) {
            set_error(err, errlen, line, "empty %s", field_names[i]);
            return -1;
        }

    const char *code = f[0];
    size_t clen = strlen(code);
    if (!is_digits(code) || (clen != 2 && clen != 4 && clen != 6)) {
        set_error(err, errlen, line,
                  "code \"%s\" is not 2, 4 or 6 ASCII digits", code);
        return -1;
    }
    for (size_t i = 0; i < clen; i += 2)
        if (code[i] == '0' && code[i + 1] == '0') {
            set_error(err, errlen, line,
                      "code \"%s\" has a \"00\" part, which no class has",
                      code);
            return -1;
        }
    int level = (int)(clen / 2);
    if (strlen(f[1]) != 1 || f[1][0] - '0' != level) {
        set_error(err, errlen, line,
                  "level \"%s\" does not match code %s (level %d)", f[1],
                  code, level);
        return -1;
    }
    if (t->n > 0) {
        int c = strcmp(code, t->classes[t->n - 1].code);
        if (c == 0) {
            set_error(err, errlen, line, "duplicate code %s", code);
            return -1;
        }
        if (c < 0) {
            set_error(err, errlen, line, "code %s is out of order (after %s)",
                      code, t->classes[t->n - 1].code);
            return -1;
        }
    }

    const pc_landuse_class *parent = NULL;
    if (level == 1) {
        if (strcmp(f[2], "-") != 0) {
            set_error(err, errlen, line,
                      "parent of first-level class %s must be \"-\", not "
                      "\"%s\"",
                      code, f[2]);
            return -1;
        }
    } else {
        if (strlen(f[2]) != clen - 2 || memcmp(f[2], code, clen - 2) != 0) {
            set_error(err, errlen, line,
                      "parent \"%s\" of %s is not %.*s (the code less its "
                      "last two digits)",
                      f[2], code, (int)(clen - 2), code);
            return -1;
        }
        /* Code order puts a parent before its children. */
        parent = find_code_in(t->classes, t->n, f[2]);
        if (!parent) {
            set_error(err, errlen, line,
                      "parent %s of %s is not in the table", f[2], code);
            return -1;
        }
    }

    for (size_t i = 3; i < 5; i++) {
        const char *why = bad_name(f[i]);
        if (why) {
            set_error(err, errlen, line, "%s of %s %s", field_names[i], code,
                      why);
            return -1;
        }
    }

    pc_landuse_class *cls = &t->classes[t->n++];
    cls->code = code;
    cls->level = level;
    cls->parent = parent;
    cls->name_zh = f[3];
    cls->name_en = f[4];
    add_name(t, f[3], cls, line);

    /* An empty sixth field (a trailing TAB) means no aliases. */
    if (nf == 6 && *f[5]) {
        char *a = f[5];
        for (;;) {
            char *semi = strchr(a, ';');
            if (semi)
                *semi = '\0';
            const char *why = bad_name(a);
            if (why) {
                set_error(err, errlen, line, "an alias of %s %s", code, why);
                return -1;
            }
            add_name(t, a, cls, line);
            if (!semi)
                break;
            a = semi + 1;
        }
    }
    return 0;
}

/* Sorts the name index and rejects a name used twice (as a name or an
 * alias, at any level): a name lookup must have one answer. */
static int index_names(pc_landuse_table *t, char *err, size_t errlen)
{
    qsort(t->names, t->nnames, sizeof t->names[0], name_entry_cmp);
    for (size_t i = 1; i < t->nnames; i++)
        if (strcmp(t->names[i - 1].name, t->names[i].name) == 0) {
            set_error(err, errlen, t->names[i].line,
                      "name \"%s\" (%s) is already used by %s on line %zu",
                      t->names[i].name, t->names[i].cls->code,
                      t->names[i - 1].cls->code, t->names[i - 1].line);
            return -1;
        }
    return 0;
}

pc_landuse_table *pc_landuse_table_parse(const char *text, size_t len,
                                         char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!text) {
        set_error(err, errlen, 0, "no table text");
        return NULL;
    }

    /* Encoding problems are reported with their line before any parsing. */
    const char *nul = memchr(text, '\0', len);
    size_t bad = nul ? (size_t)(nul - text) : len;
    size_t bad_utf8 = utf8_invalid_at((const unsigned char *)text, bad);
    if (bad_utf8 < bad || nul) {
        size_t at = bad_utf8 < bad ? bad_utf8 : bad, line = 1;
        for (size_t i = 0; i < at; i++)
            line += text[i] == '\n';
        set_error(err, errlen, line, "%s",
                  bad_utf8 < bad ? "not valid UTF-8" : "contains a NUL byte");
        return NULL;
    }

    /* Capacities from the text itself, so nothing is reallocated later:
     * at most one class per line and one name per class plus one alias
     * per class and per ';'. */
    size_t lines = 1, semis = 0;
    for (size_t i = 0; i < len; i++) {
        lines += text[i] == '\n';
        semis += text[i] == ';';
    }
    pc_landuse_table *t = calloc(1, sizeof *t);
    if (!t)
        goto oom;
    t->text = malloc(len + 1);
    t->classes = calloc(lines, sizeof *t->classes);
    t->names = calloc(2 * lines + semis, sizeof *t->names);
    if (!t->text || !t->classes || !t->names)
        goto oom;
    memcpy(t->text, text, len);
    t->text[len] = '\0';

    char *p = t->text, *end = t->text + len;
    size_t line = 0;
    while (p < end) {
        line++;
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        char *next = eol < end ? eol + 1 : end;
        *eol = '\0';
        if (eol > p && eol[-1] == '\r') /* tolerate CRLF line ends */
            eol[-1] = '\0';
        int rc = 0;
        if (p[0] == '#' && p[1] == '@')
            rc = parse_meta(t, p + 2, line, err, errlen);
        else if (p[0] != '#' && p[0] != '\0')
            rc = parse_row(t, p, line, err, errlen);
        if (rc != 0) {
            pc_landuse_table_free(t);
            return NULL;
        }
        p = next;
    }

    const char *missing = !t->version  ? "no \"#@version\" line"
                          : !t->source ? "no \"#@source\" line"
                          : t->n == 0  ? "no classes"
                                       : NULL;
    if (missing) {
        set_error(err, errlen, 0, "%s", missing);
        pc_landuse_table_free(t);
        return NULL;
    }
    if (index_names(t, err, errlen) != 0) {
        pc_landuse_table_free(t);
        return NULL;
    }
    return t;

oom:
    pc_landuse_table_free(t);
    set_error(err, errlen, 0, "out of memory");
    return NULL;
}

void pc_landuse_table_free(pc_landuse_table *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->classes);
    free(t->names);
    free(t);
}

size_t pc_landuse_table_count(const pc_landuse_table *t)
{
    return t ? t->n : 0;
}

const pc_landuse_class *pc_landuse_table_at(const pc_landuse_table *t,
                                            size_t i)
{
    return t && i < t->n ? &t->classes[i] : NULL;
}

const char *pc_landuse_table_meta(const pc_landuse_table *t, const char *key)
{
    if (!t || !key)
        return NULL;
    if (strcmp(key, "version") == 0)
        return t->version;
    if (strcmp(key, "source") == 0)
        return t->source;
    return NULL;
}

/* ---- the embedded table ------------------------------------------------ */

static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static pc_landuse_table *table; /* NULL when the embedded text is bad */
static char table_error[256];

/* Lives until the process exits; it is never freed. */
static void load_table(void)
{
    table = pc_landuse_table_parse((const char *)pc_landuse_tsv,
                                   pc_landuse_tsv_len, table_error,
                                   sizeof table_error);
}

static const pc_landuse_table *get_table(void)
{
    pthread_once(&table_once, load_table);
    return table;
}

pc_status pc_landuse_check(pc_ctx *ctx)
{
    if (get_table())
        return PC_OK;
    if (!ctx)
        return PC_ERR_INTERNAL;
    return pc_error(ctx, PC_ERR_INTERNAL, "land-use code table %s: %s",
                    pc_landuse_tsv_name, table_error);
}

const char *pc_landuse_version(void)
{
    const pc_landuse_table *t = get_table();
    return t ? t->version : "";
}

const char *pc_landuse_source(void)
{
    const pc_landuse_table *t = get_table();
    return t ? t->source : "";
}

size_t pc_landuse_count(void) { return pc_landuse_table_count(get_table()); }

const pc_landuse_class *pc_landuse_at(size_t i)
{
    return pc_landuse_table_at(get_table(), i);
}

const pc_landuse_class *pc_landuse_find_code(const char *code)
{
    const pc_landuse_table *t = get_table();
    if (!t || !code)
        return NULL;
    size_t len;
    const char *s = trim(code, &len);
    char buf[7];
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *u = (const unsigned char *)s + i;
        char digit;
        if (u[0] >= '0' && u[0] <= '9') {
            digit = (char)u[0];
            i += 1;
        } else if (len - i >= 3 && u[0] == 0xEF && u[1] == 0xBC &&
                   u[2] >= 0x90 && u[2] <= 0x99) {
            /* full-width ０-９ are U+FF10..U+FF19: EF BC 90..99 */
            digit = (char)('0' + (u[2] - 0x90));
            i += 3;
        } else {
            return NULL;
        }
        if (n == sizeof buf - 1)
            return NULL; /* longer than any code */
        buf[n++] = digit;
    }
    if (n == 0)
        return NULL;
    buf[n] = '\0';
    return find_code_in(t->classes, t->n, buf);
}

/* strcmp of the len bytes at a (no NUL among them) against b. */
static int cmp_bytes(const char *a, size_t len, const char *b)
{
    size_t blen = strlen(b);
    int c = memcmp(a, b, len < blen ? len : blen);
    if (c)
        return c;
    return (len > blen) - (len < blen);
}

const pc_landuse_class *pc_landuse_find_name(const char *name)
{
    const pc_landuse_table *t = get_table();
    if (!t || !name)
        return NULL;
    size_t len;
    const char *s = trim(name, &len);
    if (len == 0)
        return NULL;
    size_t lo = 0, hi = t->nnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_bytes(s, len, t->names[mid].name);
        if (c == 0)
            return t->names[mid].cls;
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const pc_landuse_class *pc_landuse_top(const pc_landuse_class *c)
{
    while (c && c->parent)
        c = c->parent;
    return c;
}
