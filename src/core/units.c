/* units.c: core stage: area units as printed in Chinese plans. 1 亩 is
 * 2000/3 m² exactly (the legal definition), never the rounded 666.67. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plancheck/units.h"

struct unit_info {
    const char *name;
    const char *name_zh;
    double m2;
};

static const struct unit_info units[PC_UNIT_COUNT] = {
    [PC_UNIT_M2] = {"m2", "平方米", 1.0},
    [PC_UNIT_MU] = {"mu", "亩", 2000.0 / 3.0},
    [PC_UNIT_HA] = {"ha", "公顷", 1e4},
    [PC_UNIT_KM2] = {"km2", "平方公里", 1e6},
    [PC_UNIT_WAN_M2] = {"wan_m2", "万平方米", 1e4},
    [PC_UNIT_WAN_MU] = {"wan_mu", "万亩", 1e4 * 2000.0 / 3.0},
};

/* Every spelling accepted, matched after trimming blanks; ASCII case is
 * ignored. */
static const struct {
    const char *spelling;
    pc_unit unit;
} aliases[] = {
    {"平方米", PC_UNIT_M2},    {"平米", PC_UNIT_M2},
    {"m2", PC_UNIT_M2},
    {"m²", PC_UNIT_M2},        {"㎡", PC_UNIT_M2},
    {"m^2", PC_UNIT_M2},       {"sqm", PC_UNIT_M2},
    {"square metre", PC_UNIT_M2}, {"square meter", PC_UNIT_M2},
    {"square metres", PC_UNIT_M2}, {"square meters", PC_UNIT_M2},
    {"亩", PC_UNIT_MU},        {"mu", PC_UNIT_MU},
    {"公顷", PC_UNIT_HA},      {"ha", PC_UNIT_HA},
    {"hectare", PC_UNIT_HA},   {"hectares", PC_UNIT_HA},
    {"平方公里", PC_UNIT_KM2}, {"平方千米", PC_UNIT_KM2},
    {"km2", PC_UNIT_KM2},      {"km²", PC_UNIT_KM2},
    {"㎢", PC_UNIT_KM2},       {"km^2", PC_UNIT_KM2},
    {"sqkm", PC_UNIT_KM2},     {"square kilometre", PC_UNIT_KM2},
    {"square kilometer", PC_UNIT_KM2}, {"square kilometres", PC_UNIT_KM2},
    {"square kilometers", PC_UNIT_KM2},
    {"万平方米", PC_UNIT_WAN_M2}, {"万m2", PC_UNIT_WAN_M2},
    {"万㎡", PC_UNIT_WAN_M2},  {"万平米", PC_UNIT_WAN_M2},
    {"万亩", PC_UNIT_WAN_MU},  {"wan_m2", PC_UNIT_WAN_M2},
    {"wan_mu", PC_UNIT_WAN_MU},
};

/* Length of a leading blank: ASCII space/tab or the ideographic space
 * U+3000 (E3 80 80), which Chinese tables often carry. */
static size_t blank_len(const char *s)
{
    if (*s == ' ' || *s == '\t')
        return 1;
    if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

int pc_unit_parse(const char *name, pc_unit *out)
{
    if (!name)
        return -1;
    size_t k;
    while ((k = blank_len(name)) > 0)
        name += k;
    size_t len = strlen(name);
    for (;;) {
        if (len >= 1 && (name[len - 1] == ' ' || name[len - 1] == '\t')) {
            len--;
        } else if (len >= 3 && blank_len(name + len - 3) == 3) {
            len -= 3;
        } else {
            break;
        }
    }
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (pc_strcaseeq(buf, aliases[i].spelling)) {
            *out = aliases[i].unit;
            return 0;
        }
    return -1;
}

double pc_unit_m2(pc_unit u) { return u < PC_UNIT_COUNT ? units[u].m2 : 0.0; }
const char *pc_unit_name(pc_unit u) { return u < PC_UNIT_COUNT ? units[u].name : "?"; }
const char *pc_unit_name_zh(pc_unit u) { return u < PC_UNIT_COUNT ? units[u].name_zh : "?"; }
double pc_unit_to_m2(double value, pc_unit u) { return value * pc_unit_m2(u); }
double pc_unit_from_m2(double m2, pc_unit u) { return m2 / pc_unit_m2(u); }

int pc_figure_parse(const char *s, double *value, int *approx, char *rest,
                    size_t n)
{
    static const char yue[] = "约";
    char clean[128];
    size_t k = 0;
    *approx = 0;
    while (*s == ' ')
        s++;
    if (strncmp(s, yue, sizeof yue - 1) == 0) {
        *approx = 1;
        s += sizeof yue - 1;
    }
    for (; *s && k + 1 < sizeof clean; s++)
        if (*s != ',' && *s != ' ')
            clean[k++] = *s;
    clean[k] = '\0';
    char *end;
    *value = k ? strtod(clean, &end) : NAN;
    if (k == 0 || end == clean || !isfinite(*value))
        return -1;
    snprintf(rest, n, "%s", end);
    return 0;
}
