/* units.h: area units as printed in Chinese plans (亩, 公顷, 平方公里 ...). */
#ifndef PLANCHECK_UNITS_H
#define PLANCHECK_UNITS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pc_unit {
    PC_UNIT_M2 = 0,   /* 平方米, m2 */
    PC_UNIT_MU,       /* 亩 = 2000/3 m² exactly */
    PC_UNIT_HA,       /* 公顷 = 10 000 m² */
    PC_UNIT_KM2,      /* 平方公里 = 10^6 m² */
    PC_UNIT_WAN_M2,   /* 万平方米 = 10 000 m² */
    PC_UNIT_WAN_MU,   /* 万亩 = 10 000 亩 */
    PC_UNIT_COUNT
} pc_unit;

/* Parses a unit name: Chinese or English, case-insensitive for ASCII, with
 * surrounding blanks ignored (亩/mu, 公顷/ha/hectare, 平方公里/km2/km²,
 * 平方千米, 平方米/平米/m2/m², 万平方米/万平米, 万亩). Returns 0 on success, -1 when the
 * name is unknown (then *out is unchanged). */
int pc_unit_parse(const char *name, pc_unit *out);

/* Square metres in one unit. */
double pc_unit_m2(pc_unit u);

/* Canonical short name ("m2", "mu", "ha", "km2", "wan_m2", "wan_mu") and
 * Chinese name ("平方米", "亩", ...). Static strings. */
const char *pc_unit_name(pc_unit u);
const char *pc_unit_name_zh(pc_unit u);

/* value (in unit u) -> m², and back. */
double pc_unit_to_m2(double value, pc_unit u);
double pc_unit_from_m2(double m2, pc_unit u);

#ifdef __cplusplus
}
#endif
#endif
