/* test_units.c: area units (units.h): every spelling the header lists,
 * blanks and case, rejections, and the exact conversion factors. */
#include "testutil.h"

#include "plancheck/units.h"

#define IDEO_SPACE "\xE3\x80\x80" /* U+3000 IDEOGRAPHIC SPACE */

static const struct {
    const char *spelling;
    pc_unit unit;
} good[] = {
    /* Chinese names */
    {"亩", PC_UNIT_MU},
    {"公顷", PC_UNIT_HA},
    {"平方公里", PC_UNIT_KM2},
    {"平方千米", PC_UNIT_KM2},
    {"平方米", PC_UNIT_M2},
    {"万平方米", PC_UNIT_WAN_M2},
    {"万亩", PC_UNIT_WAN_MU},
    /* English names, as listed and in other ASCII cases */
    {"mu", PC_UNIT_MU},
    {"MU", PC_UNIT_MU},
    {"Mu", PC_UNIT_MU},
    {"ha", PC_UNIT_HA},
    {"HA", PC_UNIT_HA},
    {"Ha", PC_UNIT_HA},
    {"hectare", PC_UNIT_HA},
    {"Hectare", PC_UNIT_HA},
    {"HECTARE", PC_UNIT_HA},
    {"km2", PC_UNIT_KM2},
    {"KM2", PC_UNIT_KM2},
    {"Km2", PC_UNIT_KM2},
    {"km²", PC_UNIT_KM2},
    {"KM²", PC_UNIT_KM2},
    {"m2", PC_UNIT_M2},
    {"M2", PC_UNIT_M2},
    {"m²", PC_UNIT_M2},
    {"M²", PC_UNIT_M2},
    /* surrounding ASCII blanks */
    {" 亩", PC_UNIT_MU},
    {"亩 ", PC_UNIT_MU},
    {"  公顷  ", PC_UNIT_HA},
    {"\t平方公里\t", PC_UNIT_KM2},
    {" \t km2 \t ", PC_UNIT_KM2},
    {" m² ", PC_UNIT_M2},
    {"  ha", PC_UNIT_HA},
    /* the ideographic space U+3000, alone and mixed with ASCII blanks */
    {IDEO_SPACE "亩", PC_UNIT_MU},
    {"亩" IDEO_SPACE, PC_UNIT_MU},
    {IDEO_SPACE "万亩" IDEO_SPACE, PC_UNIT_WAN_MU},
    {IDEO_SPACE IDEO_SPACE "平方米" IDEO_SPACE IDEO_SPACE, PC_UNIT_M2},
    {" " IDEO_SPACE " 万平方米 " IDEO_SPACE "\t", PC_UNIT_WAN_M2},
    {IDEO_SPACE "MU" IDEO_SPACE, PC_UNIT_MU},
    {IDEO_SPACE "km²", PC_UNIT_KM2},
};

static void test_parse_accepts_every_spelling(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        /* start from a unit that is never the expected one */
        pc_unit u = good[i].unit == PC_UNIT_M2 ? PC_UNIT_HA : PC_UNIT_M2;
        int rc = pc_unit_parse(good[i].spelling, &u);
        if (rc != 0 || u != good[i].unit)
            fail_msg("pc_unit_parse(\"%s\") = %d, unit %d; expected 0, unit %d",
                     good[i].spelling, rc, (int)u, (int)good[i].unit);
    }
}

static const char *const bad[] = {
    "",
    " ",
    "\t \t",
    IDEO_SPACE,
    IDEO_SPACE " " IDEO_SPACE,
    "平方",
    "acre",
    "acres",
    "亩亩",
    "公顷公顷",
    "万",
    "千米",
    "m",
    "km",
    "mu2",
    "m 2",
    "k m2",
    "亩s",
    "x亩",
    "亩" "\xE3\x80",           /* truncated U+3000 after the unit */
    "\xE3\x80" "亩",           /* truncated U+3000 before the unit */
    "ＭＵ",                    /* full-width letters are not ASCII */
    "mu mu",
};

static void test_parse_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pc_unit u = PC_UNIT_WAN_MU;
        int rc = pc_unit_parse(bad[i], &u);
        if (rc != -1)
            fail_msg("pc_unit_parse(\"%s\") = %d (unit %d), expected -1",
                     bad[i], rc, (int)u);
        if (u != PC_UNIT_WAN_MU)
            fail_msg("pc_unit_parse(\"%s\") changed *out on failure", bad[i]);
    }
}

static void test_parse_rejects_null(void **state)
{
    (void)state;
    pc_unit u = PC_UNIT_KM2;
    assert_int_equal(pc_unit_parse(NULL, &u), -1);
    assert_int_equal(u, PC_UNIT_KM2);
}

/* A blank-padded name longer than any internal buffer still parses, and a
 * very long non-unit does not. */
static void test_parse_long_input(void **state)
{
    (void)state;
    char buf[600];
    memset(buf, ' ', 250);
    strcpy(buf + 250, "公顷");
    memset(buf + strlen(buf), ' ', 250);
    buf[250 + strlen("公顷") + 250] = '\0';
    pc_unit u = PC_UNIT_M2;
    assert_int_equal(pc_unit_parse(buf, &u), 0);
    assert_int_equal(u, PC_UNIT_HA);

    memset(buf, 'm', 500);
    buf[500] = '\0';
    u = PC_UNIT_M2;
    assert_int_equal(pc_unit_parse(buf, &u), -1);
    assert_int_equal(u, PC_UNIT_M2);
}

static void test_mu_is_exact(void **state)
{
    (void)state;
    /* the legal definition, not a rounded figure */
    assert_true(pc_unit_m2(PC_UNIT_MU) == 2000.0 / 3.0);
    assert_true(pc_unit_to_m2(1.0, PC_UNIT_MU) == 2000.0 / 3.0);
    assert_true(pc_unit_m2(PC_UNIT_MU) != 666.67);
    assert_true(pc_unit_m2(PC_UNIT_MU) != 666.667);
    assert_true(pc_unit_to_m2(3.0, PC_UNIT_MU) == 2000.0);
}

static const struct {
    pc_unit unit;
    double m2;
    const char *name;
    const char *name_zh;
} factors[] = {
    {PC_UNIT_M2, 1.0, "m2", "平方米"},
    {PC_UNIT_MU, 2000.0 / 3.0, "mu", "亩"},
    {PC_UNIT_HA, 1e4, "ha", "公顷"},
    {PC_UNIT_KM2, 1e6, "km2", "平方公里"},
    {PC_UNIT_WAN_M2, 1e4, "wan_m2", "万平方米"},
    {PC_UNIT_WAN_MU, 1e4 * 2000.0 / 3.0, "wan_mu", "万亩"},
};

static void test_factors_and_names(void **state)
{
    (void)state;
    assert_int_equal(sizeof factors / sizeof factors[0], PC_UNIT_COUNT);
    for (size_t i = 0; i < sizeof factors / sizeof factors[0]; i++) {
        pc_unit u = factors[i].unit;
        assert_rel(pc_unit_m2(u), factors[i].m2, 1e-15);
        assert_string_equal(pc_unit_name(u), factors[i].name);
        assert_string_equal(pc_unit_name_zh(u), factors[i].name_zh);
        /* the Chinese name always parses back to the same unit */
        pc_unit back = (pc_unit)((u + 1) % PC_UNIT_COUNT);
        assert_int_equal(pc_unit_parse(pc_unit_name_zh(u), &back), 0);
        assert_int_equal(back, u);
    }
    /* the short names of the units the header lists as English spellings */
    static const pc_unit english[] = {PC_UNIT_M2, PC_UNIT_MU, PC_UNIT_HA,
                                      PC_UNIT_KM2};
    for (size_t i = 0; i < sizeof english / sizeof english[0]; i++) {
        pc_unit back = PC_UNIT_WAN_MU;
        assert_int_equal(pc_unit_parse(pc_unit_name(english[i]), &back), 0);
        assert_int_equal(back, english[i]);
    }
}

static void test_equivalences(void **state)
{
    (void)state;
    /* 15 亩 == 1 公顷 */
    assert_near(pc_unit_to_m2(15, PC_UNIT_MU), pc_unit_to_m2(1, PC_UNIT_HA),
                1e-9);
    assert_near(pc_unit_from_m2(pc_unit_to_m2(1, PC_UNIT_HA), PC_UNIT_MU), 15,
                1e-12);
    /* 1500 亩 == 1 km² */
    assert_near(pc_unit_to_m2(1500, PC_UNIT_MU), pc_unit_to_m2(1, PC_UNIT_KM2),
                1e-6);
    assert_near(pc_unit_from_m2(1e6, PC_UNIT_MU), 1500, 1e-9);
    /* 100 公顷 == 1 km², 1 万平方米 == 1 公顷, 1 万亩 == 10000 亩 */
    assert_near(pc_unit_to_m2(100, PC_UNIT_HA), pc_unit_to_m2(1, PC_UNIT_KM2),
                1e-6);
    assert_near(pc_unit_to_m2(1, PC_UNIT_WAN_M2), pc_unit_to_m2(1, PC_UNIT_HA),
                1e-9);
    assert_near(pc_unit_to_m2(1, PC_UNIT_WAN_MU),
                pc_unit_to_m2(10000, PC_UNIT_MU), 1e-6);
    assert_near(pc_unit_from_m2(pc_unit_to_m2(1, PC_UNIT_WAN_MU), PC_UNIT_HA),
                10000.0 / 15.0, 1e-9);
    /* 0 is 0 in every unit */
    for (int u = 0; u < PC_UNIT_COUNT; u++) {
        assert_true(pc_unit_to_m2(0, (pc_unit)u) == 0);
        assert_true(pc_unit_from_m2(0, (pc_unit)u) == 0);
    }
}

static void test_round_trips(void **state)
{
    (void)state;
    static const double values[] = {1, 0.5, 3, 15, 123.456, 1500, 2.75e-3,
                                    987654.321, 1e9};
    for (int u = 0; u < PC_UNIT_COUNT; u++) {
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
            double v = values[i];
            double m2 = pc_unit_to_m2(v, (pc_unit)u);
            assert_rel(m2, v * factors[u].m2, 1e-15);
            assert_rel(pc_unit_from_m2(m2, (pc_unit)u), v, 4e-16);
            /* and m² -> unit -> m² */
            assert_rel(pc_unit_to_m2(pc_unit_from_m2(v, (pc_unit)u), (pc_unit)u),
                       v, 4e-16);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts_every_spelling),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_parse_rejects_null),
        cmocka_unit_test(test_parse_long_input),
        cmocka_unit_test(test_mu_is_exact),
        cmocka_unit_test(test_factors_and_names),
        cmocka_unit_test(test_equivalences),
        cmocka_unit_test(test_round_trips),
    };
    return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
