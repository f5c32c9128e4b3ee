/* test_balance.c: the landuse rule: 用地用海 codes and names checked
 * against the 2023 table, and the land-use balance table per zone, with
 * areas worked out by hand from squares of known side. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plancheck/check.h"
#include "plancheck/landuse.h"
#include "testutil.h"

struct fx {
    pc_ctx *ctx;
};

static int setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    if (!fx || !(fx->ctx = pc_ctx_new()))
        return -1;
    pc_ctx_set_quiet(fx->ctx, 1);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    pc_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

/* Squares of side `side` m, one per feature, far apart; value NULL: the
 * class attribute is NULL. */
struct parcel {
    const char *code, *zone, *cls;
    double side;
};

static pc_layer *parcels(pc_ctx *ctx, const struct parcel *p, size_t n)
{
    pc_layer *l = tu_layer_new(ctx, "parcels", "EPSG:4549");
    size_t fc = tu_layer_add_field(l, "code", PC_FIELD_TEXT);
    size_t fz = tu_layer_add_field(l, "zone", PC_FIELD_TEXT);
    size_t fu = tu_layer_add_field(l, "yongdi", PC_FIELD_TEXT);
    for (size_t i = 0; i < n; i++) {
        char *wkt = tu_square_wkt(500000 + 1000.0 * (double)i, 3000000,
                                  p[i].side, 0);
        pc_feature *f = tu_layer_add_feature(ctx, l, (int64_t)i + 1, wkt);
        free(wkt);
        tu_set_text(f, fc, p[i].code);
        tu_set_text(f, fz, p[i].zone);
        if (p[i].cls)
            tu_set_text(f, fu, p[i].cls);
    }
    return l;
}

static const pc_balance_row *row(const pc_balance *b, const char *zone,
                                 const char *code, int total)
{
    for (size_t k = 0; k < b->n; k++) {
        const pc_balance_row *r = &b->rows[k];
        if (strcmp(r->zone, zone) || r->total != total)
            continue;
        if (code ? r->cls && !strcmp(r->cls->code, code) : !r->cls)
            return r;
    }
    return NULL;
}

static void test_codes_names_and_balance(void **state)
{
    struct fx *fx = *state;
    static const struct parcel p[] = {
        {"P1", "Z1", "1001", 100},          /* 工业用地: 10000 m² */
        {"P2", "Z1", "城镇住宅用地", 50},    /* 0701 by name: 2500 m² */
        {"P3", "Z1", "\xef\xbc\x90\xef\xbc\x97\xef\xbc\x90\xef\xbc\x91", 20},
                                            /* ０７０１ full width: 400 m² */
        {"P4", "Z1", "9999", 10},           /* unknown: 100 m² */
        {"P5", "Z2", "10", 30},             /* 工矿用地, level 1: 900 m² */
        {"P6", "Z2", "", 40},               /* missing: 1600 m² */
        {"P7", "Z2", NULL, 60},             /* missing: 3600 m² */
    };
    pc_layer *l = parcels(fx->ctx, p, sizeof p / sizeof p[0]);
    pc_layer_areas areas;
    assert_int_equal(pc_measure_layer(fx->ctx, l, PC_MEASURE_PLANAR, NULL,
                                      NULL, &areas), PC_OK);
    pc_findings f = {0};
    pc_balance b = {0};
    pc_landuse_opts o = {"parcels", 0, "yongdi", "zone", PC_SEV_WARNING,
                         PC_AREA_PLANAR};
    assert_int_equal(pc_check_landuse(fx->ctx, l, &areas, &o, &f, &b), PC_OK);
    assert_int_equal(pc_findings_finish(fx->ctx, &f), PC_OK);

    /* findings: P4 unknown, P6 and P7 missing */
    assert_int_equal(f.n, 3);
    assert_string_equal(f.items[0].id, "landuse.missing:parcels:P6:yongdi");
    assert_string_equal(f.items[1].id, "landuse.missing:parcels:P7:yongdi");
    assert_string_equal(f.items[2].id, "landuse.unknown:parcels:P4:yongdi");
    assert_int_equal(f.items[2].severity, PC_SEV_WARNING);
    assert_true(tu_contains(f.items[2].message, "'9999'"));

    /* Z1: 07 = 2500 + 400, 0701 the same, 10 = 1001 = 10000, 100 of
     * unclassified; total 13000 */
    const pc_balance_row *r;
    assert_non_null(r = row(&b, "Z1", "07", 0));
    assert_int_equal(r->parcels, 2);
    assert_float_equal(r->area_m2, 2900, 1e-6);
    assert_float_equal(r->pct, 100.0 * 2900 / 13000, 1e-9);
    assert_non_null(r = row(&b, "Z1", "0701", 0));
    assert_float_equal(r->area_m2, 2900, 1e-6);
    assert_non_null(r = row(&b, "Z1", "10", 0));
    assert_float_equal(r->area_m2, 10000, 1e-6);
    assert_non_null(r = row(&b, "Z1", "1001", 0));
    assert_int_equal(r->parcels, 1);
    assert_non_null(r = row(&b, "Z1", NULL, 0)); /* unclassified */
    assert_float_equal(r->area_m2, 100, 1e-6);
    assert_non_null(r = row(&b, "Z1", NULL, 1)); /* total */
    assert_int_equal(r->parcels, 4);
    assert_float_equal(r->area_m2, 13000, 1e-6);
    assert_float_equal(r->pct, 100, 1e-9);
    /* Z2: a level-1 code has no second-level row */
    assert_non_null(r = row(&b, "Z2", "10", 0));
    assert_float_equal(r->area_m2, 900, 1e-6);
    assert_null(row(&b, "Z2", "1001", 0));
    assert_non_null(r = row(&b, "Z2", NULL, 1));
    assert_float_equal(r->area_m2, 900 + 1600 + 3600, 1e-6);
    /* order: zone, then code (a class before its subclasses), then the
     * unclassified and total rows */
    assert_int_equal(b.n, 6 + 3);
    assert_string_equal(b.rows[0].cls->code, "07");
    assert_string_equal(b.rows[1].cls->code, "0701");
    assert_string_equal(b.rows[2].cls->code, "10");
    assert_string_equal(b.rows[3].cls->code, "1001");
    assert_true(!b.rows[4].cls && !b.rows[4].total);
    assert_true(!b.rows[5].cls && b.rows[5].total);
    assert_string_equal(b.rows[6].zone, "Z2");

    pc_balance_clear(&b);
    pc_findings_clear(fx->ctx, &f);
    pc_layer_areas_clear(&areas);
    pc_layer_free(fx->ctx, l);
}

static void test_missing_field(void **state)
{
    struct fx *fx = *state;
    static const struct parcel p[] = {{"P1", "Z1", "1001", 10}};
    pc_layer *l = parcels(fx->ctx, p, 1);
    pc_layer_areas areas;
    assert_int_equal(pc_measure_layer(fx->ctx, l, PC_MEASURE_PLANAR, NULL,
                                      NULL, &areas), PC_OK);
    pc_findings f = {0};
    pc_balance b = {0};
    pc_landuse_opts o = {"parcels", 0, "ydyh", NULL, PC_SEV_ERROR,
                         PC_AREA_PLANAR};
    assert_int_equal(pc_check_landuse(fx->ctx, l, &areas, &o, &f, &b),
                     PC_ERR_INPUT);
    assert_true(tu_contains(pc_ctx_error(fx->ctx), "'ydyh'"));
    /* without a zone field: one table for the whole layer, zone "" */
    o.field = "yongdi";
    assert_int_equal(pc_check_landuse(fx->ctx, l, &areas, &o, &f, &b), PC_OK);
    assert_non_null(row(&b, "", "1001", 0));
    pc_balance_clear(&b);
    pc_findings_clear(fx->ctx, &f);
    pc_layer_areas_clear(&areas);
    pc_layer_free(fx->ctx, l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_codes_names_and_balance, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_field, setup, teardown),
    };
    return cmocka_run_group_tests_name("balance", tests, NULL, NULL);
}
