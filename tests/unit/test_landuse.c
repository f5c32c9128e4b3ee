/* test_landuse.c: the 用地用海 code table (landuse.h): the embedded table
 * loads and keeps its invariants, well-known classes of the 2023 guide,
 * lookups by code, name and alias with the blanks and full-width digits of
 * Chinese data, and the parser's rejection of malformed tables. */
#include "testutil.h"

#include "../../src/landuse/landuse_internal.h"
#include "plancheck/landuse.h"

#define IDEO_SPACE "\xE3\x80\x80" /* U+3000 IDEOGRAPHIC SPACE */
#define NBSP "\xC2\xA0"           /* U+00A0 NO-BREAK SPACE */

static void test_table_loads(void **state)
{
    (void)state;
    pc_ctx *ctx = pc_ctx_new();
    assert_non_null(ctx);
    if (pc_landuse_check(ctx) != PC_OK)
        fail_msg("embedded table rejected: %s", pc_ctx_error(ctx));
    pc_ctx_free(ctx);
    assert_string_equal(pc_landuse_version(), "2023");
    assert_contains(pc_landuse_source(),
                    "国土空间调查、规划、用途管制用地用海分类指南");
    assert_contains(pc_landuse_source(), "2023");
    assert_contains(pc_landuse_source(), "自然资源部");
}

/* The library carries the table as it is in the source tree. */
static void test_embedded_matches_source(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/src/landuse/%s", PC_SOURCE_DIR,
             pc_landuse_tsv_name);
    size_t size = 0;
    unsigned char *bytes = tu_read_file(path, &size);
    assert_non_null(bytes);
    assert_int_equal(size, pc_landuse_tsv_len);
    assert_memory_equal(bytes, pc_landuse_tsv, size);
    assert_int_equal(pc_landuse_tsv[pc_landuse_tsv_len], 0);
    free(bytes);
}

static int code_is_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Invariants checked through the public API alone, independently of the
 * parser's own checks. */
static void test_invariants(void **state)
{
    (void)state;
    size_t n = pc_landuse_count();
    size_t per_level[4] = {0};
    assert_true(n > 24);
    assert_null(pc_landuse_at(n));
    const pc_landuse_class *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const pc_landuse_class *c = pc_landuse_at(i);
        assert_non_null(c);
        const char *code = c->code;
        size_t len = strlen(code);
        if (c->level < 1 || c->level > 3 || len != 2 * (size_t)c->level ||
            !code_is_digits(code))
            fail_msg("class %s: level %d, code not %d digits", code,
                     c->level, 2 * c->level);
        /* code order, hence unique codes */
        if (prev && strcmp(prev->code, code) >= 0)
            fail_msg("%s follows %s", code, prev->code);
        prev = c;
        per_level[c->level]++;
        /* the parent is the code less its last two digits, and exists */
        if (c->level == 1) {
            assert_null(c->parent);
        } else {
            if (!c->parent)
                fail_msg("%s has no parent", code);
            if (c->parent->level != c->level - 1 ||
                strncmp(c->parent->code, code, len - 2) != 0)
                fail_msg("parent of %s is %s", code, c->parent->code);
            assert_ptr_equal(pc_landuse_find_code(c->parent->code),
                             c->parent);
        }
        /* the first-level class is made of the first two digits */
        const pc_landuse_class *top = pc_landuse_top(c);
        assert_non_null(top);
        assert_int_equal(top->level, 1);
        assert_memory_equal(top->code, code, 2);
        /* names are there, and every lookup leads back to this class */
        assert_true(*c->name_zh && *c->name_en);
        assert_ptr_equal(pc_landuse_find_code(code), c);
        if (pc_landuse_find_name(c->name_zh) != c)
            fail_msg("%s %s: its name finds another class", code, c->name_zh);
        /* names unique within a level (the table is stricter: across) */
        for (size_t j = 0; j < i; j++) {
            const pc_landuse_class *o = pc_landuse_at(j);
            if (o->level == c->level && strcmp(o->name_zh, c->name_zh) == 0)
                fail_msg("%s and %s are both %s", o->code, code, c->name_zh);
        }
    }
    /* 24 first-level classes, 01 to 24 without a gap */
    assert_int_equal(per_level[1], 24);
    for (int k = 1; k <= 24; k++) {
        char code[3];
        snprintf(code, sizeof code, "%02d", k);
        const pc_landuse_class *c = pc_landuse_find_code(code);
        if (!c || c->level != 1)
            fail_msg("no first-level class %s", code);
    }
    /* the counts as written in the table (see landuse-2023.tsv) */
    assert_int_equal(per_level[2], 110);
    assert_int_equal(per_level[3], 40);
    assert_int_equal(n, 24 + 110 + 40);
}

static const struct {
    const char *code;
    const char *name_zh;
} first_level[] = {
    {"01", "耕地"},
    {"02", "园地"},
    {"03", "林地"},
    {"04", "草地"},
    {"05", "湿地"},
    {"06", "农业设施建设用地"},
    {"07", "居住用地"},
    {"08", "公共管理与公共服务用地"},
    {"09", "商业服务业用地"},
    {"10", "工矿用地"},
    {"11", "仓储用地"},
    {"12", "交通运输用地"},
    {"13", "公用设施用地"},
    {"14", "绿地与开敞空间用地"},
    {"15", "特殊用地"},
    {"16", "留白用地"},
    {"17", "陆地水域"},
    {"18", "渔业用海"},
    {"19", "工矿通信用海"},
    {"20", "交通运输用海"},
    {"21", "游憩用海"},
    {"22", "特殊用海"},
    {"23", "其他土地"},
    {"24", "其他海域"},
};

static void test_first_level_classes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof first_level / sizeof first_level[0]; i++) {
        const pc_landuse_class *c = pc_landuse_find_code(first_level[i].code);
        if (!c)
            fail_msg("no class %s", first_level[i].code);
        assert_int_equal(c->level, 1);
        assert_null(c->parent);
        assert_string_equal(c->name_zh, first_level[i].name_zh);
        assert_ptr_equal(pc_landuse_find_name(first_level[i].name_zh), c);
    }
}

/* Well-known classes of the 2023 guide, with their parents. */
static const struct {
    const char *code;
    const char *name_zh;
    const char *parent; /* NULL at level 1 */
    const char *name_en;
} known[] = {
    {"01", "耕地", NULL, "Cultivated land"},
    {"0101", "水田", "01", "Paddy field"},
    {"0102", "水浇地", "01", NULL},
    {"0103", "旱地", "01", NULL},
    {"0203", "橡胶园地", "02", NULL},
    {"0204", "油料园地", "02", NULL},
    {"0205", "其他园地", "02", NULL},
    {"0601", "农村道路", "06", NULL},
    {"060102", "田间道", "0601", NULL},
    {"0602", "设施农用地", "06", NULL},
    {"060201", "种植设施建设用地", "0602", NULL},
    {"07", "居住用地", NULL, "Residential land"},
    {"0701", "城镇住宅用地", "07", "Urban residential land"},
    {"070102", "二类城镇住宅用地", "0701", NULL},
    {"0702", "城镇社区服务设施用地", "07", NULL},
    {"0703", "农村宅基地", "07", "Rural homestead"},
    {"0704", "农村社区服务设施用地", "07", NULL},
    {"0804", "教育用地", "08", NULL},
    {"080403", "中小学用地", "0804", NULL},
    {"0903", "娱乐用地", "09", NULL},
    {"10", "工矿用地", NULL, "Industrial and mining land"},
    {"1001", "工业用地", "10", "Industrial land"},
    {"100101", "一类工业用地", "1001", NULL},
    {"100102", "二类工业用地", "1001", "Class 2 industrial land"},
    {"100103", "三类工业用地", "1001", NULL},
    {"1002", "采矿用地", "10", NULL},
    {"1003", "盐田", "10", NULL},
    {"1101", "物流仓储用地", "11", NULL},
    {"1102", "储备库用地", "11", NULL},
    {"12", "交通运输用地", NULL, "Transport land"},
    {"1201", "铁路用地", "12", NULL},
    {"1202", "公路用地", "12", NULL},
    {"1207", "城镇村道路用地", "12", NULL},
    {"120803", "社会停车场用地", "1208", NULL},
    {"1312", "其他公用设施用地", "13", NULL},
    {"1401", "公园绿地", "14", NULL},
    {"16", "留白用地", NULL, NULL},
    {"17", "陆地水域", NULL, NULL},
    {"1705", "沟渠", "17", NULL},
    {"1706", "冰川及常年积雪", "17", NULL},
    {"2004", "机场用海", "20", NULL},
    {"2206", "其他特殊用海", "22", NULL},
    {"23", "其他土地", NULL, "Other land"},
    {"2302", "后备耕地", "23", NULL},
    {"2307", "裸岩石砾地", "23", NULL},
    {"24", "其他海域", NULL, NULL},
};

static void test_known_classes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const pc_landuse_class *c = pc_landuse_find_code(known[i].code);
        if (!c)
            fail_msg("no class %s %s", known[i].code, known[i].name_zh);
        assert_string_equal(c->code, known[i].code);
        if (strcmp(c->name_zh, known[i].name_zh) != 0)
            fail_msg("%s is %s, expected %s", known[i].code, c->name_zh,
                     known[i].name_zh);
        assert_int_equal(c->level, (int)strlen(known[i].code) / 2);
        if (known[i].parent) {
            assert_non_null(c->parent);
            assert_string_equal(c->parent->code, known[i].parent);
        } else {
            assert_null(c->parent);
        }
        if (known[i].name_en)
            assert_string_equal(c->name_en, known[i].name_en);
        assert_ptr_equal(pc_landuse_find_name(known[i].name_zh), c);
    }
}

/* Blanks and full-width digits around and in a code. */
static const struct {
    const char *text;
    const char *code;
} code_spellings[] = {
    {"1001", "1001"},
    {" 1001", "1001"},
    {"1001 ", "1001"},
    {"\t1001\t", "1001"},
    {"1001\r\n", "1001"},
    {IDEO_SPACE "1001" IDEO_SPACE, "1001"},
    {NBSP "1001" NBSP, "1001"},
    {" " IDEO_SPACE "\t" NBSP "0701 " IDEO_SPACE, "0701"},
    {"１００１", "1001"},
    {"１0０1", "1001"},
    {"０１", "01"},
    {"２４", "24"},
    {"１００１０２", "100102"},
    {IDEO_SPACE "０７０１" IDEO_SPACE, "0701"},
    {"01", "01"},
};

static void test_find_code_spellings(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof code_spellings / sizeof code_spellings[0];
         i++) {
        const pc_landuse_class *c = pc_landuse_find_code(code_spellings[i].text);
        if (!c || strcmp(c->code, code_spellings[i].code) != 0)
            fail_msg("pc_landuse_find_code(\"%s\") = %s, expected %s",
                     code_spellings[i].text, c ? c->code : "NULL",
                     code_spellings[i].code);
    }
}

static const char *const bad_codes[] = {
    "",
    " ",
    IDEO_SPACE,
    "0",
    "101",      /* 0101 that lost its leading zero */
    "1",        /* 01 likewise */
    "10 01",
    "10" IDEO_SPACE "01",
    "10-01",
    "10.01",
    "1001a",
    "a1001",
    "01010",
    "1001021",
    "10010200",
    "00",
    "0000",
    "25",
    "99",
    "0199",
    "0106",
    "2005",     /* left out of the table */
    "010101",   /* the guide has no third level under 0101 */
    "100104",
    "1001\x01",
    "１００",
    "\xEF\xBC",          /* truncated full-width digit */
    "10\xEF\xBC",
    "\xEF\xBC\x9A\x31\x30\x30\x31", /* U+FF1A FULLWIDTH COLON, then 1001 */
    "1001\xEF\xBC\x8E",   /* U+FF0E FULLWIDTH FULL STOP */
    "\xEF\xBD\x90",       /* not a digit */
    "٠١",                 /* Arabic-Indic digits are not tolerated */
    "工业用地",
};

static void test_find_code_rejects(void **state)
{
    (void)state;
    assert_null(pc_landuse_find_code(NULL));
    for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
        const pc_landuse_class *c = pc_landuse_find_code(bad_codes[i]);
        if (c)
            fail_msg("pc_landuse_find_code(\"%s\") = %s, expected NULL",
                     bad_codes[i], c->code);
    }
    /* a long run of blanks around a code is still a code */
    char buf[1200];
    memset(buf, ' ', 500);
    strcpy(buf + 500, "1207");
    memset(buf + 504, ' ', 500);
    buf[1004] = '\0';
    const pc_landuse_class *c = pc_landuse_find_code(buf);
    assert_non_null(c);
    assert_string_equal(c->code, "1207");
    /* and a long run of digits is not */
    memset(buf, '1', 1000);
    buf[1000] = '\0';
    assert_null(pc_landuse_find_code(buf));
}

static const struct {
    const char *name;
    const char *code;
} names[] = {
    {"工业用地", "1001"},
    {" 工业用地 ", "1001"},
    {IDEO_SPACE "工业用地" IDEO_SPACE, "1001"},
    {NBSP "工业用地\r\n", "1001"},
    {"二类工业用地", "100102"},
    {"城镇村道路用地", "1207"},
    {"留白用地", "16"},
    {"其他海域", "24"},
    {"海洋保护修复及海岸防护工程用海", "2203"},
    /* aliases: names of the same class in the 2020 trial version */
    {"乡村道路用地", "0601"},
    {"橡胶园", "0203"},
    {IDEO_SPACE "乡村道路用地", "0601"},
};

static void test_find_name(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const pc_landuse_class *c = pc_landuse_find_name(names[i].name);
        if (!c || strcmp(c->code, names[i].code) != 0)
            fail_msg("pc_landuse_find_name(\"%s\") = %s, expected %s",
                     names[i].name, c ? c->code : "NULL", names[i].code);
    }
}

static const char *const bad_names[] = {
    "",
    " ",
    IDEO_SPACE,
    "工业",           /* not an abbreviation the guide documents */
    "工业用",
    "工业用地用地",
    "工 业用地",
    "工业" IDEO_SPACE "用地",
    "农村住宅用地",   /* 0703 is 农村宅基地 */
    "城镇道路用地",
    "娱乐康体用地",   /* the 2020 class was split, so no alias */
    "Industrial land", /* English names are not looked up */
    "industrial land",
    "1001",
    "M1",
    "橡胶园地地",
    "\xE5\xB7",       /* a truncated character */
};

static void test_find_name_rejects(void **state)
{
    (void)state;
    assert_null(pc_landuse_find_name(NULL));
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        const pc_landuse_class *c = pc_landuse_find_name(bad_names[i]);
        if (c)
            fail_msg("pc_landuse_find_name(\"%s\") = %s, expected NULL",
                     bad_names[i], c->code);
    }
}

static void test_top_and_parents(void **state)
{
    (void)state;
    assert_null(pc_landuse_top(NULL));
    const pc_landuse_class *c = pc_landuse_find_code("100102");
    assert_non_null(c);
    assert_string_equal(c->parent->code, "1001");
    assert_string_equal(c->parent->parent->code, "10");
    assert_null(c->parent->parent->parent);
    assert_string_equal(pc_landuse_top(c)->name_zh, "工矿用地");
    const pc_landuse_class *top = pc_landuse_find_code("24");
    assert_ptr_equal(pc_landuse_top(top), top);
    assert_string_equal(pc_landuse_top(pc_landuse_find_name("田坎"))->code,
                        "23");
}

static void test_iteration_order(void **state)
{
    (void)state;
    /* code order is the tree in pre-order */
    static const char *const head[] = {"01", "0101", "0102", "0103", "02",
                                       "0201"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        assert_string_equal(pc_landuse_at(i)->code, head[i]);
    const pc_landuse_class *last = pc_landuse_at(pc_landuse_count() - 1);
    assert_string_equal(last->code, "24");
    /* children follow their parent directly */
    for (size_t i = 0; i < pc_landuse_count(); i++) {
        const pc_landuse_class *c = pc_landuse_at(i);
        if (!c->parent)
            continue;
        size_t j = i;
        while (j > 0 && pc_landuse_at(j - 1)->level > c->parent->level)
            j--;
        assert_true(j > 0);
        assert_ptr_equal(pc_landuse_at(j - 1), c->parent);
    }
}

/* ---- the parser on tables written for the test ------------------------- */

#define META "#@version\t2023\n#@source\ttest\n"

static const char good_table[] =
    "# a comment\r\n"
    "#@version\t2023\r\n"
    "#@source\ttest source\r\n"
    "\r\n"
    "01\t1\t-\t耕地\tCultivated land\n"
    "0101\t2\t01\t水田\tPaddy field\t\n"
    "02\t1\t-\t园地\tGarden land\n"
    "0203\t2\t02\t橡胶园地\tRubber plantation\t橡胶园;旧名\n"
    "020301\t3\t0203\t某三级类\tA third level\n"
    "\n"
    "# trailing comment without a line end";

static void test_parser_accepts(void **state)
{
    (void)state;
    char err[256];
    pc_landuse_table *t =
        pc_landuse_table_parse(good_table, strlen(good_table), err, sizeof err);
    if (!t)
        fail_msg("good table rejected: %s", err);
    assert_int_equal(pc_landuse_table_count(t), 5);
    assert_string_equal(pc_landuse_table_meta(t, "version"), "2023");
    assert_string_equal(pc_landuse_table_meta(t, "source"), "test source");
    assert_null(pc_landuse_table_meta(t, "other"));
    const pc_landuse_class *c = pc_landuse_table_at(t, 3);
    assert_string_equal(c->code, "0203");
    assert_string_equal(c->name_en, "Rubber plantation");
    assert_string_equal(c->parent->code, "02");
    c = pc_landuse_table_at(t, 4);
    assert_string_equal(c->parent->parent->name_zh, "园地");
    assert_null(pc_landuse_table_at(t, 5));
    pc_landuse_table_free(t);
    pc_landuse_table_free(NULL);
}

static const struct {
    const char *text;
    const char *error; /* a part of the message */
} bad_tables[] = {
    {META "01\t1\t-\t耕地\n", "line 3: expected 5 or 6 TAB-separated fields, found 4"},
    {META "01\t1\t-\t耕地\tCultivated land\ta\tb\n", "line 3: expected 5 or 6"},
    {META "01 1 - 耕地 Cultivated land\n", "line 3: expected 5 or 6"},
    {META "\t1\t-\t耕地\tCultivated land\n", "line 3: empty code"},
    {META "01\t\t-\t耕地\tCultivated land\n", "line 3: empty level"},
    {META "01\t1\t\t耕地\tCultivated land\n", "line 3: empty parent"},
    {META "01\t1\t-\t\tCultivated land\n", "line 3: empty name_zh"},
    {META "01\t1\t-\t耕地\t\n", "line 3: empty name_en"},
    {META "1\t1\t-\t耕地\tCultivated land\n", "line 3: code \"1\" is not 2, 4 or 6"},
    {META "011\t1\t-\t耕地\tCultivated land\n", "code \"011\""},
    {META "0a\t1\t-\t耕地\tCultivated land\n", "code \"0a\""},
    {META "０１\t1\t-\t耕地\tCultivated land\n", "is not 2, 4 or 6 ASCII digits"},
    {META " 01\t1\t-\t耕地\tCultivated land\n", "code \" 01\""},
    {META "01010101\t4\t010101\t耕地\tCultivated land\n", "is not 2, 4 or 6"},
    {META "00\t1\t-\t耕地\tCultivated land\n", "has a \"00\" part"},
    {META "01\t1\t-\t耕地\tCultivated land\n0100\t2\t01\t水田\tPaddy\n",
     "line 4: code \"0100\" has a \"00\" part"},
    {META "01\t2\t-\t耕地\tCultivated land\n", "level \"2\" does not match code 01"},
    {META "01\t01\t-\t耕地\tCultivated land\n", "level \"01\" does not match"},
    {META "01\t1\t01\t耕地\tCultivated land\n", "must be \"-\""},
    {META "01\t1\t-\t耕地\tCultivated land\n0101\t2\t-\t水田\tPaddy\n",
     "line 4: parent \"-\" of 0101 is not 01"},
    {META "01\t1\t-\t耕地\tCultivated land\n0101\t2\t02\t水田\tPaddy\n",
     "parent \"02\" of 0101 is not 01"},
    {META "01\t1\t-\t耕地\tCultivated land\n010101\t3\t01\t水田\tPaddy\n",
     "parent \"01\" of 010101 is not 0101"},
    {META "0101\t2\t01\t水田\tPaddy\n", "line 3: parent 01 of 0101 is not in the table"},
    {META "01\t1\t-\t耕地\tCultivated land\n010101\t3\t0101\t水田\tPaddy\n",
     "parent 0101 of 010101 is not in the table"},
    {META "01\t1\t-\t耕地\tCultivated land\n01\t1\t-\t园地\tGarden land\n",
     "line 4: duplicate code 01"},
    {META "02\t1\t-\t园地\tGarden land\n01\t1\t-\t耕地\tCultivated land\n",
     "line 4: code 01 is out of order (after 02)"},
    {META "01\t1\t-\t耕地\tA\n02\t1\t-\t耕地\tB\n",
     "line 4: name \"耕地\" (02) is already used by 01 on line 3"},
    {META "01\t1\t-\t耕地\tA\n0101\t2\t01\t耕地\tB\n",
     "name \"耕地\" (0101) is already used by 01"},
    {META "01\t1\t-\t耕地\tA\n02\t1\t-\t园地\tB\t耕地\n",
     "line 4: name \"耕地\" (02) is already used by 01 on line 3"},
    {META "01\t1\t-\t耕地\tA\t旧\n02\t1\t-\t园地\tB\t旧\n",
     "name \"旧\" (02) is already used by 01"},
    {META "01\t1\t-\t耕地\tA\t旧;旧\n", "line 3: name \"旧\" (01) is already used by 01 on line 3"},
    {META "01\t1\t-\t 耕地\tA\n", "name_zh of 01 starts or ends with a blank"},
    {META "01\t1\t-\t耕地" IDEO_SPACE "\tA\n", "name_zh of 01 starts or ends"},
    {META "01\t1\t-\t耕地\tA \n", "name_en of 01 starts or ends"},
    {META "01\t1\t-\t耕\x01地\tA\n", "name_zh of 01 contains a control character"},
    {META "01\t1\t-\t耕地\tA\t旧;\n", "an alias of 01 is empty"},
    {META "01\t1\t-\t耕地\tA\t;旧\n", "an alias of 01 is empty"},
    {META "01\t1\t-\t耕地\tA\t 旧\n", "an alias of 01 starts or ends"},
    {META "01\t1\t-\t\xB8\xFB\xB5\xD8\tA\n", "line 3: not valid UTF-8"}, /* GBK 耕地 */
    {META "01\t1\t-\t耕地\tA\xC0\xAF\n", "line 3: not valid UTF-8"},     /* overlong */
    {META "01\t1\t-\t耕地\tA\xED\xA0\x80\n", "line 3: not valid UTF-8"}, /* surrogate */
    {META "01\t1\t-\t耕\xE8\x80", "line 3: not valid UTF-8"},          /* truncated */
    {"#@source\ttest\n01\t1\t-\t耕地\tA\n", "no \"#@version\" line"},
    {"#@version\t2023\n01\t1\t-\t耕地\tA\n", "no \"#@source\" line"},
    {META, "no classes"},
    {META "# only comments\n\n", "no classes"},
    {"", "no \"#@version\" line"},
    {META "#@version\t2024\n", "line 3: metadata \"version\" given twice"},
    {META "#@edition\t1\n", "line 3: unknown metadata key \"edition\""},
    {META "#@version 2023\n", "line 3: metadata needs"},
    {"#@version\t\n", "line 1: metadata \"version\": the value is empty"},
    {"#@version\t2023\t2024\n", "metadata \"version\": the value contains a TAB"},
};

static void test_parser_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_tables / sizeof bad_tables[0]; i++) {
        char err[256] = "unset";
        const char *text = bad_tables[i].text;
        pc_landuse_table *t =
            pc_landuse_table_parse(text, strlen(text), err, sizeof err);
        if (t) {
            pc_landuse_table_free(t);
            fail_msg("bad table %zu accepted:\n%s", i, text);
        }
        if (!tu_contains(err, bad_tables[i].error))
            fail_msg("bad table %zu: message \"%s\", expected \"%s\"", i, err,
                     bad_tables[i].error);
    }
}

/* A NUL inside the given length is refused, not taken as the end. */
static void test_parser_rejects_nul(void **state)
{
    (void)state;
    static const char text[] = META "01\t1\t-\t耕地\tA\n\0" "02\t1\t-\t园地\tB\n";
    char err[256];
    assert_null(pc_landuse_table_parse(text, sizeof text - 1, err, sizeof err));
    assert_contains(err, "line 4: contains a NUL byte");
    assert_null(pc_landuse_table_parse(NULL, 0, err, sizeof err));
    /* a tiny error buffer is filled, not overrun */
    char small[8];
    assert_null(pc_landuse_table_parse("x", 1, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_null(pc_landuse_table_parse("x", 1, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_loads),
        cmocka_unit_test(test_embedded_matches_source),
        cmocka_unit_test(test_invariants),
        cmocka_unit_test(test_first_level_classes),
        cmocka_unit_test(test_known_classes),
        cmocka_unit_test(test_find_code_spellings),
        cmocka_unit_test(test_find_code_rejects),
        cmocka_unit_test(test_find_name),
        cmocka_unit_test(test_find_name_rejects),
        cmocka_unit_test(test_top_and_parents),
        cmocka_unit_test(test_iteration_order),
        cmocka_unit_test(test_parser_accepts),
        cmocka_unit_test(test_parser_rejects),
        cmocka_unit_test(test_parser_rejects_nul),
    };
    return cmocka_run_group_tests_name("landuse", tests, NULL, NULL);
}
