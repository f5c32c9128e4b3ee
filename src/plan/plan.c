/* plan.c: plan stage: loads and validates the YAML plan file (libfyaml).
 * Every problem is reported as "file:line: what, expected what". */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>
#include <openssl/evp.h>

#include "../core/internal.h"
#include "plancheck/plan.h"
#include "plancheck/units.h"

struct loader {
    pc_ctx *ctx;
    const char *path;
    pc_plan *plan;
};

/* 1-based line of a node: its own token for scalars, else the first line
 * inside it; `fallback` (the line of the key naming it) when empty. */
static int node_line(struct fy_node *n, int fallback)
{
    if (!n)
        return fallback;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        return m ? m->line + 1 : fallback;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? node_line(fy_node_pair_key(p), fallback) : fallback;
    }
    if (fy_node_is_sequence(n)) {
        struct fy_node *c = fy_node_sequence_iterate(n, &it);
        return c ? node_line(c, fallback) : fallback;
    }
    return fallback;
}

static pc_status fail(struct loader *L, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static pc_status fail(struct loader *L, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pc_error(L->ctx, PC_ERR_INPUT, "%s:%d: %s", L->path, line, msg);
}

/* A scalar's text; NULL (with an error) when the node is not a scalar. */
static const char *scalar(struct loader *L, struct fy_node *n, int line,
                          const char *what, pc_status *st)
{
    if (!n || !fy_node_is_scalar(n) || fy_node_is_alias(n)) {
        *st = fail(L, node_line(n, line), "%s must be a single value", what);
        return NULL;
    }
    *st = PC_OK;
    return fy_node_get_scalar0(n);
}

static pc_status get_string(struct loader *L, struct fy_node *n, int line,
                            const char *what, char **out)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    if (!*s)
        return fail(L, node_line(n, line), "%s is empty", what);
    free(*out);
    *out = pc_strdup(s);
    return *out ? PC_OK : PC_OOM(L->ctx);
}

static pc_status get_number(struct loader *L, struct fy_node *n, int line,
                            const char *what, double *out)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || v < 0)
        return fail(L, node_line(n, line),
                    "%s: '%s' is not a non-negative number", what, s);
    *out = v;
    return PC_OK;
}

static pc_status get_bool(struct loader *L, struct fy_node *n, int line,
                          const char *what, int *out)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
        *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        *out = 0;
    else
        return fail(L, node_line(n, line), "%s: '%s' is not true or false",
                    what, s);
    return PC_OK;
}

static pc_status get_severity(struct loader *L, struct fy_node *n, int line,
                              const char *what, pc_severity *out, int never_ok)
{
    pc_status st;
    const char *s = scalar(L, n, line, what, &st);
    if (!s)
        return st;
    if (pc_severity_parse(s, out) != 0 || (!never_ok && *out == PC_SEV_NEVER))
        return fail(L, node_line(n, line), "%s: '%s' is not one of error, "
                    "warning, info%s", what, s, never_ok ? ", never" : "");
    return PC_OK;
}

/* Checks that a node is a mapping; `keys` lists the keys allowed in it. */
static pc_status need_mapping(struct loader *L, struct fy_node *n, int line,
                              const char *what, const char *const *keys)
{
    if (!n || !fy_node_is_mapping(n))
        return fail(L, node_line(n, line), "%s must be a mapping of keys",
                    what);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        const char *name = k && fy_node_is_scalar(k) ? fy_node_get_scalar0(k)
                                                     : NULL;
        int ok = 0;
        for (const char *const *q = keys; name && *q; q++)
            ok |= strcmp(name, *q) == 0;
        if (!ok) {
            char list[512] = "";
            for (const char *const *q = keys; *q; q++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%s",
                         q == keys ? "" : ", ", *q);
            }
            return fail(L, node_line(k, line), "unknown key '%s' in %s "
                        "(expected one of: %s)", name ? name : "?", what, list);
        }
    }
    return PC_OK;
}

/* Value of `key` in mapping n, or NULL; *kline gets the key's line. */
static struct fy_node *lookup(struct fy_node *n, const char *key, int *kline,
                              int line)
{
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        if (k && fy_node_is_scalar(k) && !strcmp(fy_node_get_scalar0(k), key)) {
            if (kline)
                *kline = node_line(k, line);
            return fy_node_pair_value(p);
        }
    }
    if (kline)
        *kline = line;
    return NULL;
}

/* Resolves a path from the plan file relative to the plan's directory. */
static char *resolve(const pc_plan *plan, const char *p)
{
    if (p[0] == '/' || !plan->dir[0])
        return pc_strdup(p);
    return pc_aprintf("%s/%s", plan->dir, p);
}

static pc_status load_tolerance(struct loader *L, struct fy_node *n, int line,
                                const char *what, pc_tolerance *tol)
{
    static const char *const keys[] = {"abs_m2", "rel_pct", "approx_rel_pct",
                                       NULL};
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    if ((v = lookup(n, "abs_m2", &kl, line)) &&
        (st = get_number(L, v, kl, "tolerance.abs_m2", &tol->abs_m2)) != PC_OK)
        return st;
    if ((v = lookup(n, "rel_pct", &kl, line)) &&
        (st = get_number(L, v, kl, "tolerance.rel_pct", &tol->rel_pct)) != PC_OK)
        return st;
    if ((v = lookup(n, "approx_rel_pct", &kl, line)) &&
        (st = get_number(L, v, kl, "tolerance.approx_rel_pct",
                         &tol->approx_rel_pct)) != PC_OK)
        return st;
    return PC_OK;
}

static pc_status load_area(struct loader *L, struct fy_node *n, int line,
                           const char *layer, pc_plan_area *a)
{
    static const char *const keys[] = {"field", "unit_field", "unit",
                                       "approx_field", NULL};
    char what[256];
    snprintf(what, sizeof what, "layers.%s.declared_area", layer);
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    a->line = node_line(n, line);
    int kl;
    struct fy_node *v;
    if (!(v = lookup(n, "field", &kl, line)))
        return fail(L, a->line, "%s needs `field:` (the attribute holding the "
                    "declared figure)", what);
    if ((st = get_string(L, v, kl, "field", &a->value_field)) != PC_OK)
        return st;
    if ((v = lookup(n, "unit_field", &kl, line)) &&
        (st = get_string(L, v, kl, "unit_field", &a->unit_field)) != PC_OK)
        return st;
    if ((v = lookup(n, "approx_field", &kl, line)) &&
        (st = get_string(L, v, kl, "approx_field", &a->approx_field)) != PC_OK)
        return st;
    if ((v = lookup(n, "unit", &kl, line))) {
        if ((st = get_string(L, v, kl, "unit", &a->unit)) != PC_OK)
            return st;
        pc_unit u;
        if (pc_unit_parse(a->unit, &u) != 0)
            return fail(L, node_line(v, kl), "unknown unit '%s' (expected "
                        "亩/mu, 公顷/ha, 平方公里/km2, 平方米/m2, 万平方米 or "
                        "万亩)", a->unit);
    }
    if (!a->unit_field == !a->unit)
        return fail(L, a->line, "%s needs exactly one of `unit_field:` (an "
                    "attribute holding the unit) or `unit:` (one unit for "
                    "all features)", what);
    return PC_OK;
}

static pc_status load_layer(struct loader *L, const char *id,
                            struct fy_node *n, int line, pc_plan_layer *pl)
{
    static const char *const keys[] = {"source", "layer", "crs", "encoding",
                                       "key", "declared_area", "tolerance",
                                       NULL};
    char what[256];
    snprintf(what, sizeof what, "layers.%s", id);
    pl->line = line;
    pl->id = pc_strdup(id);
    if (!pl->id)
        return PC_OOM(L->ctx);
    pc_status st = need_mapping(L, n, line, what, keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    if (!(v = lookup(n, "source", &kl, line)))
        return fail(L, line, "%s needs `source:` (a file path relative to the "
                    "plan file)", what);
    if ((st = get_string(L, v, kl, "source", &pl->source_as_written)) != PC_OK)
        return st;
    if (!(pl->source = resolve(L->plan, pl->source_as_written)))
        return PC_OOM(L->ctx);
    if ((v = lookup(n, "layer", &kl, line)) &&
        (st = get_string(L, v, kl, "layer", &pl->layer)) != PC_OK)
        return st;
    if ((v = lookup(n, "crs", &kl, line)) &&
        (st = get_string(L, v, kl, "crs", &pl->crs)) != PC_OK)
        return st;
    if ((v = lookup(n, "encoding", &kl, line)) &&
        (st = get_string(L, v, kl, "encoding", &pl->encoding)) != PC_OK)
        return st;
    if ((v = lookup(n, "key", &kl, line)) &&
        (st = get_string(L, v, kl, "key", &pl->key_field)) != PC_OK)
        return st;
    pl->tol = L->plan->tol;
    if ((v = lookup(n, "tolerance", &kl, line))) {
        snprintf(what, sizeof what, "layers.%s.tolerance", id);
        if ((st = load_tolerance(L, v, kl, what, &pl->tol)) != PC_OK)
            return st;
        pl->has_tolerance = 1;
    }
    if ((v = lookup(n, "declared_area", &kl, line))) {
        size_t count = fy_node_is_sequence(v) ? (size_t)fy_node_sequence_item_count(v) : 1;
        pl->areas = calloc(count ? count : 1, sizeof *pl->areas);
        if (!pl->areas)
            return PC_OOM(L->ctx);
        if (fy_node_is_sequence(v)) {
            void *it = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
                if ((st = load_area(L, item, kl, id,
                                    &pl->areas[pl->nareas++])) != PC_OK)
                    return st;
            }
        } else if ((st = load_area(L, v, kl, id, &pl->areas[pl->nareas++])) !=
                   PC_OK) {
            return st;
        }
    }
    return PC_OK;
}

static pc_status load_rules(struct loader *L, struct fy_node *n, int line)
{
    static const char *const keys[] = {"area", NULL};
    static const char *const area_keys[] = {"enabled", "severity", NULL};
    pc_status st = need_mapping(L, n, line, "rules", keys);
    if (st != PC_OK)
        return st;
    int kl, kl2;
    struct fy_node *area = lookup(n, "area", &kl, line), *v;
    if (!area)
        return PC_OK;
    if ((st = need_mapping(L, area, kl, "rules.area", area_keys)) != PC_OK)
        return st;
    if ((v = lookup(area, "enabled", &kl2, kl)) &&
        (st = get_bool(L, v, kl2, "rules.area.enabled",
                       &L->plan->area_rule_enabled)) != PC_OK)
        return st;
    if ((v = lookup(area, "severity", &kl2, kl)) &&
        (st = get_severity(L, v, kl2, "rules.area.severity",
                           &L->plan->area_severity, 0)) != PC_OK)
        return st;
    return PC_OK;
}

static pc_status load_root(struct loader *L, struct fy_node *root)
{
    static const char *const keys[] = {
        "plancheck", "name", "description", "crs", "area_method", "output",
        "fail_on", "tolerance", "layers", "rules", NULL};
    pc_plan *plan = L->plan;
    pc_status st = need_mapping(L, root, 1, "the plan file", keys);
    if (st != PC_OK)
        return st;
    int kl;
    struct fy_node *v;
    double version = 0;
    if (!(v = lookup(root, "plancheck", &kl, 1)))
        return fail(L, 1, "missing `plancheck: %d` (the plan file format "
                    "version)", PC_PLAN_VERSION);
    if ((st = get_number(L, v, kl, "plancheck", &version)) != PC_OK)
        return st;
    if (version != PC_PLAN_VERSION)
        return fail(L, kl, "plan file format version %g is not supported "
                    "(expected %d)", version, PC_PLAN_VERSION);
    if ((v = lookup(root, "name", &kl, 1)) &&
        (st = get_string(L, v, kl, "name", &plan->name)) != PC_OK)
        return st;
    if ((v = lookup(root, "description", &kl, 1)) &&
        (st = get_string(L, v, kl, "description", &plan->description)) != PC_OK)
        return st;
    if (!(v = lookup(root, "crs", &kl, 1)))
        return fail(L, 1, "missing `crs:` (the projected working CRS, e.g. "
                    "EPSG:4549)");
    if ((st = get_string(L, v, kl, "crs", &plan->crs)) != PC_OK)
        return st;
    if ((v = lookup(root, "area_method", &kl, 1))) {
        const char *s = scalar(L, v, kl, "area_method", &st);
        if (!s)
            return st;
        if (pc_area_method_parse(s, &plan->method) != 0)
            return fail(L, node_line(v, kl), "area_method: '%s' is not "
                        "ellipsoidal or planar", s);
    }
    if ((v = lookup(root, "output", &kl, 1))) {
        char *out = NULL;
        if ((st = get_string(L, v, kl, "output", &out)) != PC_OK)
            return st;
        plan->output = resolve(plan, out);
        free(out);
        if (!plan->output)
            return PC_OOM(L->ctx);
    }
    if ((v = lookup(root, "fail_on", &kl, 1)) &&
        (st = get_severity(L, v, kl, "fail_on", &plan->fail_on, 1)) != PC_OK)
        return st;
    if ((v = lookup(root, "tolerance", &kl, 1)) &&
        (st = load_tolerance(L, v, kl, "tolerance", &plan->tol)) != PC_OK)
        return st;
    if ((v = lookup(root, "rules", &kl, 1)) &&
        (st = load_rules(L, v, kl)) != PC_OK)
        return st;
    int layers_line;
    struct fy_node *layers = lookup(root, "layers", &layers_line, 1);
    if (!layers)
        return fail(L, 1, "missing `layers:` (the plan's data layers)");
    if (!fy_node_is_mapping(layers) || fy_node_mapping_item_count(layers) < 1)
        return fail(L, node_line(layers, layers_line), "layers must map "
                    "layer ids to their source, e.g. `parcels: {source: "
                    "parcels.shp}`");
    size_t n = (size_t)fy_node_mapping_item_count(layers);
    plan->layers = calloc(n, sizeof *plan->layers);
    if (!plan->layers)
        return PC_OOM(L->ctx);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(layers, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        int line = node_line(k, layers_line);
        if (!k || !fy_node_is_scalar(k))
            return fail(L, line, "layer ids must be plain names");
        const char *id = fy_node_get_scalar0(k);
        /* the output GeoPackage has layers of these names already */
        if (!strcmp(id, "plancheck_run") || !strncmp(id, "findings", 8))
            return fail(L, line, "layer id '%s' is reserved for plancheck's "
                        "output; choose another", id);
        if ((st = load_layer(L, fy_node_get_scalar0(k), fy_node_pair_value(p),
                             line, &plan->layers[plan->nlayers++])) != PC_OK)
            return st;
    }
    return PC_OK;
}

/* Hex SHA-256 of the file's bytes, for the run metadata. */
static pc_status hash_file(pc_ctx *ctx, const char *path, char **hex)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pc_error(ctx, PC_ERR_INPUT, "%s: %s", path, strerror(errno));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    pc_status st = PC_OK;
    unsigned char buf[65536], digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    size_t got;
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        st = pc_error(ctx, PC_ERR_INTERNAL, "SHA-256 unavailable");
        goto done;
    }
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
        EVP_DigestUpdate(md, buf, got);
    if (ferror(fp)) {
        st = pc_error(ctx, PC_ERR_INPUT, "%s: read error", path);
        goto done;
    }
    EVP_DigestFinal_ex(md, digest, &len);
    *hex = malloc(2 * len + 1);
    if (!*hex) {
        st = PC_OOM(ctx);
        goto done;
    }
    for (unsigned int i = 0; i < len; i++)
        snprintf(*hex + 2 * i, 3, "%02x", digest[i]);
done:
    EVP_MD_CTX_free(md);
    fclose(fp);
    return st;
}

/* libfyaml diagnostics are collected, not printed: the first error becomes
 * our one-line message. */
static pc_status parse_error(struct loader *L, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *e = diag ? fy_diag_errors_iterate(diag, &it) : NULL;
    if (e) /* libfyaml's diagnostic lines are already 1-based */
        return fail(L, e->line, "YAML syntax error: %s", e->msg);
    return fail(L, 1, "not a YAML document");
}

pc_status pc_plan_load(pc_ctx *ctx, const char *path, pc_plan **out)
{
    *out = NULL;
    struct loader L = {ctx, path, NULL};
    pc_plan *plan = calloc(1, sizeof *plan);
    if (!plan)
        return PC_OOM(ctx);
    L.plan = plan;
    plan->method = PC_AREA_ELLIPSOIDAL;
    plan->tol.abs_m2 = PC_DEFAULT_ABS_M2;
    plan->tol.rel_pct = PC_DEFAULT_REL_PCT;
    plan->tol.approx_rel_pct = PC_DEFAULT_APPROX_REL_PCT;
    plan->fail_on = PC_SEV_ERROR;
    plan->area_rule_enabled = 1;
    plan->area_severity = PC_SEV_ERROR;
    plan->path = pc_strdup(path);
    const char *slash = strrchr(path, '/');
    plan->dir = slash ? pc_aprintf("%.*s", (int)(slash - path), path)
                      : pc_strdup("");
    if (!plan->path || !plan->dir) {
        pc_plan_free(plan);
        return PC_OOM(ctx);
    }
    if (slash == path) { /* a plan at the file system root */
        free(plan->dir);
        plan->dir = pc_strdup("/");
    }
    pc_status st = hash_file(ctx, path, &plan->sha256);
    if (st != PC_OK) {
        pc_plan_free(plan);
        return st;
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = NULL;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (diag)
        fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg = {0};
    pcfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_DOC;
    pcfg.diag = diag;
    struct fy_document *doc = fy_document_build_from_file(&pcfg, path);
    if (!doc)
        st = parse_error(&L, diag);
    else if (!fy_document_root(doc))
        st = fail(&L, 1, "the plan file is empty");
    else
        st = load_root(&L, fy_document_root(doc));
    fy_document_destroy(doc);
    fy_diag_destroy(diag);
    if (st != PC_OK) {
        pc_plan_free(plan);
        return st;
    }
    *out = plan;
    return PC_OK;
}

void pc_plan_free(pc_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->nlayers; i++) {
        pc_plan_layer *l = &plan->layers[i];
        free(l->id);
        free(l->source);
        free(l->source_as_written);
        free(l->layer);
        free(l->crs);
        free(l->encoding);
        free(l->key_field);
        for (size_t k = 0; k < l->nareas; k++) {
            free(l->areas[k].value_field);
            free(l->areas[k].unit_field);
            free(l->areas[k].unit);
            free(l->areas[k].approx_field);
        }
        free(l->areas);
    }
    free(plan->layers);
    free(plan->path);
    free(plan->dir);
    free(plan->sha256);
    free(plan->name);
    free(plan->description);
    free(plan->crs);
    free(plan->output);
    free(plan);
}
