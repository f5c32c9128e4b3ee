#!/usr/bin/env python3
"""Generate the Oujiangkou sample data set in gis/oujiangkou/.

The sample is DERIVED from facts printed in the Wenzhou Oujiangkou industrial
cluster 14th five-year plan (温州瓯江口产业集聚区发展“十四五”规划, 2021-11),
as extracted in plan-facts/oujiangkou-003.md from seed 003
(seeds/003_2542ee9aa6681aa6.txt).  Every fact used is transcribed below as a
data table together with its line number in seed 003; this script never reads
those files, so the repository regenerates without them.

What is real and what is not:
  * Names, codes, declared areas, units, "约" flags and printed phrases are
    copied as printed in the plan (units included: 亩, 平方米, m², 平方公里,
    公顷, 万平方米, 万平米 and the truncated 平方 are kept as printed).
  * The GEOMETRY IS SCHEMATIC.  The plan's maps are not in its text, so every
    polygon is a simple convex shape placed by hand around approximate
    real-world anchors (section 6b of the facts file) and by the plan's
    relative-position clues, and every road, rail line, bridge and dike a
    line of east–west and north–south segments placed among them by the
    plan's endpoints and location words.  Nothing here is surveyed.
  * AREAS ARE CONTROLLED BY THIS GENERATOR: the planar area (EPSG:4549) of
    each polygon equals its primary declared figure converted to m²
    (1 亩 = 2000/3 m² exactly), except where a note says the geometry follows
    the plan's other printed figure.  Likewise the planar length of each line
    equals its printed length.  Coordinates are quantised to 1 µm and the
    exact area and length of what is written are checked before any file is
    made.
  * The 用地用海 CODES ARE INFERRED: the plan prints none.  Field ydyh holds
    the class of the 2023 classification that the plan's words for a
    feature support, by this sample's reading (table YDYH below, with the
    reason for each choice); ydyh_name is that class's name.

Outputs (all in EPSG:4549 except projects.geojson, which is lon/lat):
  oujiangkou.gpkg   layers plan_boundary (1 feature), zones, areas (the three
                    plan areas again, for the gap rule), the 三区三线
                    layers urban_boundary, eco_redline and farmland, and the
                    line layer roads
  parcels.shp       coded parcels, attributes GBK-encoded (.cpg written)
  projects.geojson  land-using projects without a parcel code

Usage: python3 scripts/make_sample_oujiangkou.py [--out DIR]
Needs Python 3 (standard library) and the ogr2ogr command (GDAL) with PROJ;
reads the class names from src/landuse/landuse-2023.tsv in the repository.
The output is byte-for-byte reproducible for a given GDAL/PROJ version.
"""

import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

# ---------------------------------------------------------------------------
# Constants

# Local origin of the schematic layout, EPSG:4549 (x = easting, y = northing).
# It is the centre of 瓯江口新区一期 (Z2), facts §6b: lon 120.93, lat 27.955.
#   echo 27.955 120.93 | cs2cs -d 3 EPSG:4326 EPSG:4549
#   -> 3093803.084 591516.779   (northing easting; rounded below)
# For reference, the other two §6b anchors are, by the same command,
#   灵昆岛 lon 120.84 lat 27.965 -> E 582652.321 N 3094847.203
#   浅滩二期 lon 120.99 lat 27.935 -> E 597439.359 N 3091632.907
# All layout below is in metres relative to this origin.
ORIGIN_E = 591500
ORIGIN_N = 3093800

MICRO = 10 ** 6  # coordinates are written as integer micrometres

# Square metres per unit, exact.  Units are stored as printed in the plan.
M2_PER_UNIT = {
    "亩": Fraction(2000, 3),
    "平方米": Fraction(1),
    "m²": Fraction(1),            # printed "m ²" (extraction spacing dropped)
    "平方": Fraction(1),          # truncated "平方米", printed so at L1152
    "公顷": Fraction(10 ** 4),
    "平方公里": Fraction(10 ** 6),
    "万平方米": Fraction(10 ** 4),
    "万平米": Fraction(10 ** 4),   # printed so at L924
}

CURRENT_DATE = "2021-11-01T00:00:00.000Z"  # GeoPackage timestamps
DBF_DATE = "2021-11-01"                    # Shapefile DBF header date

FIELDS = ["code", "code_sfx", "name", "kind", "parent", "land_use",
          "ydyh", "ydyh_name", "decl_area", "decl_unit", "decl_aprx",
          "decl_text", "alt_area", "alt_unit", "alt_text", "seed_line", "note"]

# OGR CSV types (.csvt) per output format.  Shapefile widths are in bytes of
# the GBK encoding and are checked before writing.
SHP_WIDTH = {"code": 40, "code_sfx": 20, "name": 120, "kind": 10,
             "parent": 10, "land_use": 10, "ydyh": 10, "ydyh_name": 40,
             "decl_unit": 20, "decl_text": 120, "alt_unit": 20,
             "alt_text": 120, "note": 254}
CSVT = {
    "gpkg": {"decl_area": "Real", "alt_area": "Real", "decl_aprx": "Integer64",
             "seed_line": "Integer64"},
    "geojson": {"decl_area": "Real", "alt_area": "Real",
                "decl_aprx": "Integer", "seed_line": "Integer"},
    "shp": {"decl_area": "Real(24.6)", "alt_area": "Real(24.6)",
            "decl_aprx": "Integer(1)", "seed_line": "Integer(5)"},
}

ROAD_FIELDS = ["code", "name", "class", "network", "part_of", "status",
               "status_text", "status_alt_text", "length_m", "length_text",
               "length_approx", "red_line_m", "red_line_alt_m",
               "red_line_text", "land_take", "land_take_unit",
               "land_take_approx", "land_take_text",
               "land_take_scope", "from_to", "from_to_alt", "from_code",
               "to_code", "seed_line", "source_lines", "note"]
ROAD_CSVT = {"gpkg": {"length_m": "Real", "red_line_m": "Real",
                      "red_line_alt_m": "Real", "land_take": "Real",
                      "length_approx": "Integer64",
                      "land_take_approx": "Integer64",
                      "seed_line": "Integer64"}}

# The 用地用海 classification the ydyh codes are taken from, in the repository.
LANDUSE_TABLE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "src", "landuse", "landuse-2023.tsv")

OUTPUT_FILES = ["oujiangkou.gpkg", "parcels.shp", "parcels.shx",
                "parcels.dbf", "parcels.prj", "parcels.cpg",
                "projects.geojson"]


# ---------------------------------------------------------------------------
# Fact tables, transcribed from plan-facts/oujiangkou-003.md and checked
# against seed 003.  Each row:
#   code, name, parent, land_use,
#   primary figure (number as printed, unit as printed, 约 printed?, phrase),
#   alternative figure (number, unit, phrase) or None,
#   seed line of the primary figure (or of the name when no area is printed),
#   note.
# land_use uses the facts' codes; when the facts give two (e.g. IND/LOG) the
# first is kept.  None = not stated.

def fig(num, unit, approx, text):
    return {"num": num, "unit": unit, "aprx": approx, "text": text}


def alt(num, unit, text):
    return {"num": num, "unit": unit, "text": text}


BOUNDARY = dict(
    code="Z1", name="规划范围（瓯江口产业集聚区“十四五”规划范围）",
    parent=None, land_use=None,
    decl=fig("65.77", "平方公里", 1, "面积合计约65.77平方公里"), alt=None,
    line=53, note="outline of Z2 + Z12 + Z19 (24 + 19.27 + 22.5)")

# Zones with a stated area and a plausible place, plus Z3/Z4/Z8 (no area).
# Not drawn, on purpose:
#   Z7  一期市政工程 PPP 范围 14.72 平方公里 (L931): a contract scope, not a place.
#   Z32 海绵城市 2022-2025 10 平方公里 (L978): a programme scope across 新区.
#   Z27 安全产业园 总 4500 亩 (L1205): two separate sites; drawn as Z27a/Z27b
#       (note 300 + 3000 != 4500 as printed).
#   Z21d 做地 约0.8万亩 (L1309): spread over three separate places.
#   Z9-Z11, Z13-Z15, Z17, Z23-Z25, Z29, Z30, Z33, Z35-Z39: no area printed
#       (Z38, Z39 are outside or larger than the plan area).
ZONES = [
    dict(code="Z2", name="瓯江口新区一期", parent="Z1", land_use=None,
         decl=fig("24", "平方公里", 1, "面积约24平方公里"), alt=None,
         line=55, note=None),
    dict(code="Z3", name="一期北片", parent="Z2", land_use=None,
         decl=None, alt=None, line=325,
         note="no area printed; north half of Z2 (schematic)"),
    dict(code="Z4", name="一期南片", parent="Z2", land_use=None,
         decl=None, alt=None, line=325,
         note="no area printed; south half of Z2 (schematic)"),
    dict(code="Z5", name="一期东南角（历史遗留围垦区域）", parent="Z4",
         land_use=None,
         decl=fig("3000", "亩", 0, "一期东南角 3000 亩用海"), alt=None,
         line=1308, note="SE corner of Z2 (L325), so inside Z4; sea use pending"),
    dict(code="Z6", name="一期东南片区景观湖泊", parent="Z5", land_use=None,
         decl=fig("38", "万平方米", 1, "项目规划面积约 38 万平方米"), alt=None,
         line=964, note="placed in Z5 (inferred)"),
    dict(code="Z8", name="瓯江口新区起步区", parent="Z4", land_use=None,
         decl=None, alt=None, line=928,
         note="no area printed; adjoins Z19 (L950); placed in Z4 (schematic)"),
    dict(code="Z12", name="温州浅滩二期拓展区（浅滩二期西片）", parent="Z1",
         land_use=None,
         decl=fig("19.27", "平方公里", 0, "面积19.27平方公里"),
         alt=alt("19.3", "平方公里", "二期 19.3 平方公里"),
         line=59,
         note="alt at L933; also 19.26 平方公里 at L1189; geometry follows 19.27"),
    dict(code="Z16", name="温州综保区拓展区", parent="Z12", land_use="IND",
         decl=fig("3", "平方公里", 0, "在浅滩二期预留 3 平方公里用地"),
         alt=alt("4500", "亩", "在浅滩二期规划面积 4500 亩（3 平方公里）"),
         line=443, note="alt at L1180 (equal); position in Z12 not stated"),
    dict(code="Z18", name="浅滩二期生态修复区（实验）", parent="Z12",
         land_use="ECO",
         decl=fig("3562", "亩", 0, "总面积 3562 亩"), alt=None,
         line=1170, note="strip along the sea (east) edge of Z12; same land as P199"),
    dict(code="Z19", name="灵昆片区", parent="Z1", land_use=None,
         decl=fig("22.5", "平方公里", 1, "灵昆片区面积约 22.5 平方公里"),
         alt=alt("22", "平方公里", "22 平方公里的灵昆岛"),
         line=331, note="alt at L949; geometry follows 22.5"),
    dict(code="Z20", name="灵昆城镇开发边界（集中建设区）", parent="Z19",
         land_use=None,
         decl=fig("8", "平方公里", 1, "约 8 平方公里的城镇开发边界"), alt=None,
         line=331,
         note="east block of Z19 holding Z21, Z22 and 九珑湖 (城市成片开发, "
              "L1309, is inside the boundary, L331); = urban_boundary UDB1"),
    dict(code="Z21", name="灵昆城中村改造范围", parent="Z20", land_use=None,
         decl=fig("5600", "亩", 1, "开发规模约 5600 亩"), alt=None,
         line=1309,
         note="灵霓线以南，雁鸣路以西; in Z20 (inferred); parts Z21a-c sum to 5100 亩"),
    dict(code="Z21a", name="灵昆城中村改造 商业服务设施用地", parent="Z21",
         land_use="COM",
         decl=fig("500", "亩", 1, "商业服务设施用地约 500 亩"), alt=None,
         line=1309, note=None),
    dict(code="Z21b", name="灵昆城中村改造 居住用地", parent="Z21",
         land_use="RES",
         decl=fig("2600", "亩", 1, "居住用地约 2600 亩"), alt=None,
         line=1309, note=None),
    dict(code="Z21c", name="灵昆城中村改造 工业用地", parent="Z21",
         land_use="IND",
         decl=fig("2000", "亩", 1, "工业用地约 2000 亩"), alt=None,
         line=1309, note=None),
    dict(code="Z22", name="灵昆产业园（灵昆智能制造产业园）", parent="Z20",
         land_use="IND",
         decl=fig("1412", "亩", 1, "用地面积约 1412 亩"), alt=None,
         line=1042,
         note="330 国道南侧 (L1186), 灵昆岛东部 (L941), 北部 (L1309); in Z20: "
              "成片开发 (L1309); same land as P096"),
    dict(code="Z26", name="温州综合保税区", parent="Z3", land_use="LOG",
         decl=fig("1.44", "平方公里", 0, "国家批复的规划总面积 1.44 平方公里"),
         alt=alt("2167", "亩", "规划面积 2167 亩"),
         line=441,
         note="alt at L981, L1180 (=1444666.67 m2); geometry follows 1.44; same land as P048"),
    dict(code="Z27a", name="中国温州安全（应急）产业园一期", parent="Z3",
         land_use="IND",
         decl=fig("300", "亩", 1, "一期约 300 亩"), alt=None,
         line=1205, note="位于瓯江口一期; north sector inferred; contains P050"),
    dict(code="Z27b", name="中国温州安全（应急）产业园二期", parent="Z12",
         land_use="IND",
         decl=fig("3000", "亩", 0, "二期 3000 亩"), alt=None,
         line=1205, note="位于瓯江口二期北部"),
    dict(code="Z28", name="温州国际博览中心", parent="Z4", land_use="PUB",
         decl=fig("766", "亩", 0, "国际博览中心总用地面积 766 亩"), alt=None,
         line=1182,
         note="一期南片 per L325; L455 puts it in 二期 (conflict); same land as P168"),
    dict(code="Z31", name="海绵城市建设项目 2021（以北堤湖公园为主）",
         parent="Z3", land_use=None,
         decl=fig("0.80", "平方公里", 0, "0.80 平方公里"), alt=None,
         line=961, note="北堤湖公园 on the north edge of Z2 (inferred)"),
    dict(code="Z34", name="瓯江港区灵昆作业区 24~28# 港区陆域", parent="Z3",
         land_use="PORT",
         decl=fig("350683", "平方米", 0,
                  "围垦形成陆域面积 350683 平方米(合 526.0245 亩)"),
         alt=alt("2424.28", "亩", "形成陆域面积 2424.28 亩"),
         line=919,
         note="alt at L1308 conflicts; geometry follows 350683 平方米; along 灵霓北堤"),
]

# Parcels: every coded row of the 重大项目清单 (facts §2), keyed by seed line.
# The FAR 2.90 used to size parcels without a printed land area is the one
# the plan implies for the neighbouring B-09a, B-09f and A-02b rows.
NOTE_ABC = "zone inferred from code letter (low)"
NOTE_E = "E block of 浅滩一期 (inferred)"
NOTE_FG = "zone not stated; placed in 一期北片 (schematic)"


def parcel(line, code, name, land_use, decl, parent, note, sfx=None,
           alt_fig=None):
    return dict(line=line, code=code, code_sfx=sfx, name=name,
                land_use=land_use, decl=decl, alt=alt_fig, parent=parent,
                note=note)


def mu(num, approx=1, prefix="用地面积约 "):
    """A figure in 亩 printed in the pattern '用地面积约 N 亩'."""
    return fig(num, "亩", approx, "%s%s 亩" % (prefix, num))


PARCELS = [
    parcel(1039, "E-15-01", "E-15-01 地块（东方之星文旅项目）", "COM",
           fig("129265.86", "平方米", 0, "项目用地面积129265.86平方米"), "Z4",
           "E 街坊中片区 (stated); south of 博览中心 (L459)"),
    parcel(1045, "E-06-07-02", "E-06-07-02 地块", None,
           fig("20.09", "亩", 0, "项目用地面积 20.09 亩"), "Z4",
           "浅滩一期 (stated); land use not stated"),
    parcel(1046, "A-18a", "A-18a 地块", "IND", mu("125.03"), "Z3", NOTE_ABC),
    parcel(1047, "A-18c", "A-18c 地块", "IND", mu("99.95"), "Z3", NOTE_ABC),
    parcel(1048, "F-01-04", "F-01-04 地块", "IND", mu("150"), "Z3", NOTE_FG),
    parcel(1049, "G-02-02", "G-02-02 地块", "IND", mu("161"), "Z3", NOTE_FG),
    parcel(1050, "G-02-03", "G-02-03 地块", "IND", mu("123"), "Z3", NOTE_FG),
    parcel(1051, "A-08c-1", "A-08c-1 地块", "COM", mu("153"), "Z8", NOTE_ABC),
    parcel(1052, "B-05a", "B-05a 地块", "COM", mu("111"), "Z8", NOTE_ABC),
    parcel(1055, "B-10b", "B-10b 地块", "COM", mu("41.92"), "Z21a",
           "灵昆九村村 like B-10 (L1082; inferred)"),
    parcel(1056, "C-04a", "C-04a 地块", "COM", mu("59.7"), "Z8", NOTE_ABC),
    parcel(1057, "E-03-07", "E-03-07 地块", "COM", mu("58.2"), "Z4", NOTE_E),
    parcel(1058, "E-03-08", "E-03-08 地块", "COM", mu("23.7"), "Z4", NOTE_E),
    parcel(1059, "E-04-04", "E-04-04 地块", "COM", mu("49.5"), "Z4", NOTE_E),
    parcel(1060, "E-07-04", "E-07-04 地块", "COM", mu("65.9"), "Z4", NOTE_E),
    parcel(1061, "E-08-01", "E-08-01 地块", "COM", mu("63.6"), "Z4", NOTE_E),
    parcel(1062, "E-11-05", "E-11-05 地块", "COM", mu("47.9"), "Z4", NOTE_E),
    parcel(1063, "E-12-05", "E-12-05 地块", "COM", mu("37"), "Z4", NOTE_E),
    parcel(1064, "E-13-01", "E-13-01 地块", "COM", mu("29.1"), "Z4", NOTE_E),
    parcel(1065, "E-13-06", "E-13-06 地块", "COM", mu("32.8"), "Z4", NOTE_E),
    parcel(1077, "A-07b、A-07d-1", "国际颐养健康社区（A-07b、A-07d-1）", "RES",
           fig("99579", "平方米", 0, "总用地面积为 99579 平方米"), "Z8",
           "two codes printed as one site; " + NOTE_ABC),
    parcel(1080, "B-09a", "B-09a 地块", "RES",
           fig("81181.8", "平方米", 0, "用地面积 81181.8 平方米"), "Z8",
           "B-09 街坊西区, 起步区 (stated)"),
    parcel(1081, "C-05a", "C-05a 地块 普通商品房", "RES", None, "Z8",
           "no land area printed; size = 计容 212652 / FAR 2.90 (schematic)"),
    parcel(1082, "B-10", "B-10 地块（灵昆街道九村村）", "RES", None, "Z21b",
           "灵昆街道九村村 (stated); no land area printed; "
           "size = 计容 111267.1 / FAR 2.90 (schematic)"),
    parcel(1083, "E-16-03", "E-16-03 地块", "RES",
           fig("82375.00", "平方米", 0, "用地面积 82375.00 平方米"), "Z4",
           "浅滩一期 (stated)"),
    parcel(1084, "A-02b", "A-02b 地块（商品房）", "RES",
           fig("30140.43", "平方米", 0, "用地面积 30140.43 平方米"), "Z8",
           "半岛起步区 (stated); A-02b printed in three rows", sfx="商品房"),
    parcel(1087, "A-02b", "A-02b 地块（住宅安置房）", "RES",
           fig("9940", "平方米", 0, "用地面积 9940 平方米"), "Z8",
           "半岛起步区 (stated); resettlement for 周宅村", sfx="住宅安置房"),
    parcel(1088, "A-02b", "A-02b 地块（商业安置房）", "COM",
           fig("5586.29", "平方米", 0, "用地面积 5586.29 平方米"), "Z8",
           "半岛起步区 (stated); A-02b total 45666.72 平方米", sfx="商业安置房"),
    parcel(1089, "E-16-01b、E-16-01c", "E-16-01b、E-16-01c 地块", None,
           fig("57383.29", "平方米", 0, "用地面积 57383.29 平方米"), "Z4",
           "E 街坊中片区 (stated); overlaps E-16-01 (L1166); land use not stated"),
    parcel(1090, "B-09H", "B-09H 地块", "RES", None, "Z8",
           "B-09 街坊东区 (stated); no land area printed; "
           "size = 计容 142560 / FAR 2.90 (schematic)"),
    parcel(1091, "B-09C", "B-09C 地块", "RES", None, "Z8",
           "B-09 街坊东区 (stated); no land area printed; "
           "size = 计容 178858.2 / FAR 2.90 (schematic)"),
    parcel(1092, "B-09f", "B-09f 地块", "RES",
           fig("66342.26", "平方米", 0, "用地面积 66342.26 平方米"), "Z8",
           "B-09 街坊西区, 起步区 (stated)"),
    parcel(1093, "A-04b", "A-04b 地块", "RES", mu("50.3"), "Z8", NOTE_ABC),
    parcel(1094, "A-04c", "A-04c 地块", "RES", mu("46.8"), "Z8", NOTE_ABC),
    parcel(1095, "A-04d", "A-04d 地块", "RES", mu("137"), "Z8", NOTE_ABC),
    parcel(1098, "B-11a", "B-11a 地块", "RES", mu("53"), "Z8", NOTE_ABC),
    parcel(1099, "B-12a", "B-12a 地块", "RES", mu("152.6"), "Z8", NOTE_ABC),
    parcel(1100, "B-12(c、d)", "B-12(c、d) 地块", "RES", mu("122.5"), "Z8",
           NOTE_ABC),
    parcel(1101, "B-13a", "B-13a 地块", "RES", mu("76.9"), "Z8", NOTE_ABC),
    parcel(1102, "C-01d-1", "C-01d-1 地块", "RES", mu("224"), "Z8", NOTE_ABC),
    parcel(1103, "C-01d-2", "C-01d-2 地块", "RES", mu("53"), "Z8", NOTE_ABC),
    parcel(1104, "C-02c", "C-02c 地块", "RES", mu("131"), "Z8", NOTE_ABC),
    parcel(1105, "C-06a", "C-06a 地块", "RES", mu("60"), "Z8", NOTE_ABC),
    parcel(1106, "C-14e", "C-14e 地块", "RES", mu("93"), "Z8", NOTE_ABC),
    parcel(1107, "E-02-07", "E-02-07 地块", "RES", mu("64.7"), "Z4", NOTE_E),
    parcel(1108, "E-02-09", "E-02-09 地块", "RES", mu("104.4"), "Z4", NOTE_E),
    parcel(1109, "E-03-02", "E-03-02 地块", "RES", mu("30.5"), "Z4", NOTE_E),
    parcel(1112, "E-03-03", "E-03-03 地块", "RES", mu("37.2"), "Z4", NOTE_E),
    parcel(1113, "E-03-05", "E-03-05 地块", "RES", mu("26.7"), "Z4", NOTE_E),
    parcel(1114, "E-04-01", "E-04-01 地块", "RES", mu("57"), "Z4", NOTE_E),
    parcel(1115, "E-04-06", "E-04-06 地块", "RES", mu("37.1"), "Z4", NOTE_E),
    parcel(1116, "E-05-08", "E-05-08 地块", "RES", mu("5.3"), "Z4", NOTE_E),
    parcel(1117, "E-07-06", "E-07-06 地块", "RES", mu("133.1"), "Z4", NOTE_E),
    parcel(1118, "E-08-03", "E-08-03 地块", "RES", mu("92.1"), "Z4", NOTE_E),
    parcel(1119, "E-09-02", "E-09-02 地块", "RES", mu("82.5"), "Z4", NOTE_E),
    parcel(1120, "E-09-03", "E-09-03 地块", "RES", mu("78"), "Z4", NOTE_E),
    parcel(1121, "E-11-02", "E-11-02 地块", "RES", mu("102.8"), "Z4", NOTE_E),
    parcel(1122, "E-12-01", "E-12-01 地块", "RES", mu("72.1"), "Z4", NOTE_E),
    parcel(1123, "E-12-06", "E-12-06 地块", "RES", mu("37.8"), "Z4", NOTE_E),
    parcel(1126, "G-02-16", "G-02-16 地块", "RES", mu("85"), "Z3", NOTE_FG),
    parcel(1142, "C-03f", "C-03f 地块义务教育学校", "PUB",
           fig("82", "亩", 0, "总用地 82 亩"), "Z8",
           "C-03f listed twice (L1158: 约82.5 亩); one footprint, follows 82 亩"),
    parcel(1147, "A-05a-2-1", "人才宿舍二期（A-05a-2-1 地块）", "RES",
           fig("13753", "平方米", 0, "总用地面积 13753 平方米"), "Z8",
           "起步区 (stated); geometry follows 13753 平方米",
           alt_fig=alt("20", "亩", "（折合约 20 亩）")),
    parcel(1156, "A-07a", "A-07a 地块", "PUB", mu("59.4"), "Z8", NOTE_ABC),
    parcel(1157, "C-03c", "C-03c 地块", "PUB", mu("24.8"), "Z8", NOTE_ABC),
    parcel(1158, "C-03f", "C-03f 地块", "PUB", mu("82.5"), "Z8",
           "same land as L1142 (总用地 82 亩); geometry follows 82 亩"),
    parcel(1159, "E-02-06", "E-02-06 地块", "PUB", mu("25"), "Z4", NOTE_E),
    parcel(1160, "E-02-10", "E-02-10 地块", "PUB", mu("85"), "Z4", NOTE_E),
    parcel(1161, "E-04-03", "E-04-03 地块", "PUB", mu("42.5"), "Z4", NOTE_E),
    parcel(1162, "E-05-05", "E-05-05 地块", "PUB", mu("157.6"), "Z4", NOTE_E),
    parcel(1163, "E-08-14", "E-08-14 地块", "PUB", mu("43.4"), "Z4", NOTE_E),
    parcel(1166, "E-16-01", "E-16-01 地块", "PUB", mu("44.38"), "Z4",
           "code overlaps E-16-01b、E-16-01c (L1089); drawn overlapping"),
]

# Footprints of parcels with no printed land area: 计容 floor area / 2.90.
UNSTATED_SIZE_M2 = {
    1081: Fraction("212652") / Fraction("2.9"),
    1082: Fraction("111267.1") / Fraction("2.9"),
    1090: Fraction("142560") / Fraction("2.9"),
    1091: Fraction("178858.2") / Fraction("2.9"),
}


def project(num, name, land_use, decl, line, parent, note, alt_fig=None):
    return dict(code="P%03d%s" % (int(num.rstrip("ab")), num.lstrip("0123456789")),
                name=name, land_use=land_use, decl=decl, alt=alt_fig,
                line=line, parent=parent, note=note)


# Projects of the 重大项目清单 without a parcel code that have a printed land
# area: all of them.  Where the plan states no zone the project is placed in
# a plausible area and its note says "zone not stated in the plan; placed in
# ... (assumption)": the industrial ones in 一期北片 Z3 (the industrial parks,
# L325), the two largest (#120, #122) in the north half of 二期 Z12, the
# commercial #99 beside 博览中心 in Z4.  #38 lies on 霓屿, outside the plan
# area: drawn east of 二期, parent NULL.  #1 and #2 are one piece of land,
# Z34.  Not drawn: #3, #52, #62, #67, #100 (floor area only, no land area).
NOTE_NZ3 = "zone not stated in the plan; placed in 一期北片 Z3 (assumption)"
NOTE_NZ12 = "zone not stated in the plan; placed in 二期 Z12, north half"

PROJECTS = [
    project("1", "灵昆作业区 24~28# 通用泊位 港区陆域", "PORT",
            fig("350683", "m²", 0, "配套港区陆域面积 350683m ²"), 918, "Z34",
            "港区陆域 of the berths = same land as Z34 and P002; "
            "L1308: 2424.28 亩 (conflict, Z34's alt)",
            alt_fig=alt("526.0245", "亩", "(合 526.0245 亩)")),
    project("2", "灵霓北堤段港口陆域形成", "PORT",
            fig("350683", "平方米", 0, "围垦形成陆域面积 350683 平方米"), 919,
            "Z34", "same land as Z34 and P001; L1308 gives 2424.28 亩 for this "
            "陆域形成工程 (conflict, Z34's alt)",
            alt_fig=alt("526.0245", "亩", "(合 526.0245 亩)")),
    project("5", "S1 线灵昆车辆段一层上盖", "TRANS",
            fig("17.06", "万平米", 0, "投影面积 17.06 万平米"), 924, "Z20",
            "灵昆车辆段 (name); deck footprint used as land area"),
    project("6", "温州中车整车检修项目（二期）", "IND",
            fig("3.24", "亩", 0, "项目占地面积 3.24 亩"), 925, "Z20",
            "zone not stated; next to P005 (low confidence)"),
    project("26", "中石化温州灵昆油库及配套工程", "IND",
            fig("17.67", "公顷", 0, "吹填形成项目建设用地 17.67 公顷"), 951,
            "Z3", "灵昆作业区 (inferred); beside Z34 on the north edge"),
    project("27", "龙湾区 220 千伏昆东输变电工程", "UTIL",
            fig("0.8969", "公顷", 0, "总用地面积 0.8969 公顷"), 952, "Z20",
            "昆东 read as east Lingkun (inferred); in Z20 (schematic)"),
    project("33", "瓯江口新区二期排涝泵站", "UTIL",
            fig("0.6", "公顷", 1, "占地面积约 0.6 公顷"), 960, "Z12",
            "新区二期 (stated)"),
    project("38", "77省道延伸线 霓屿乡上社村 建筑用石料（凝灰岩）矿 生态环境治理区",
            "ECO", fig("0.2856", "平方公里", 1, "治理区面积约 0.2856 平方公里"),
            967, None,
            "outside the plan area: 洞头区霓屿乡上社村 (stated); "
            "drawn on 霓屿 east of 二期 (schematic)"),
    project("48", "温州综合保税区工程", "IND",
            fig("2167", "亩", 0, "规划面积 2167 亩"), 981, "Z26",
            "same land as Z26; geometry follows alt 1.44 平方公里 (L1180), "
            "not 2167 亩",
            alt_fig=alt("1.44", "平方公里",
                        "在新区一期规划面积 2167 亩（1.44 平方公里）")),
    project("49", "瓯江口机器人产业园", "IND",
            fig("355", "亩", 1, "项目用地约 355 亩"), 982, "Z3",
            "一期北片 (L325)"),
    project("50", "中国温州安全（应急）产业园（一期项目）", "IND",
            fig("122857.63", "平方米", 0, "建设用地面积 122857.63 平方米"), 985,
            "Z27a", "inside Z27a (一期约 300 亩, L1205)"),
    project("51a", "中天智控企业总部及特种车、无人机制造基地（一期）", "IND",
            fig("280", "亩", 1, "一期用地约 280 亩"), 986, "Z3",
            NOTE_NZ3 + "; 总用地 3280 亩 = 一期 + 二期 P051b"),
    project("51b", "中天智控企业总部及特种车、无人机制造基地（二期）", "IND",
            fig("3000", "亩", 1, "二期用地约 3000 亩"), 986, "Z12",
            "总用地 3280 亩 = 一期 P051a + 二期; 二期 in 浅滩二期 (inferred)"),
    project("53", "温州台商科技产业园", "IND",
            fig("89", "亩", 0, "项目用地 89 亩"), 988, "Z3",
            "台商创业园 in 一期北片 (L325; inferred)"),
    project("54", "1GWh 固态聚合物镁基锂离子电池项目", "IND",
            fig("300", "亩", 0, "总用地面积 300 亩"), 989, "Z3",
            NOTE_NZ3 + "; 其中一期项目用地面积 120 亩 is a part of it, not drawn"),
    project("55", "年产1万km防火电缆及1.25万km环保线缆项目", "IND",
            fig("43", "亩", 0, "总用地面积 43 亩"), 990, "Z3",
            NOTE_NZ3),
    project("56", "旭格建筑节能产品研发及生产厂房", "IND",
            fig("57", "亩", 0, "总用地面积 57 亩"), 993, "Z3",
            NOTE_NZ3),
    project("57", "沃铂文具 1.5亿件尺规类文具项目", "IND",
            fig("29", "亩", 0, "用地面积 29 亩"), 994, "Z3",
            NOTE_NZ3 + "; 文博创业园? (facts: inferred, low)"),
    project("61", "松澜汽车整零配套创新外贸转型产业园", "IND",
            fig("300", "亩", 0, "用地面积 300 亩"), 998, "Z3",
            NOTE_NZ3),
    project("64", "超微细先进材料规模化建设项目（宏丰）", "IND",
            fig("109967", "平方米", 0, "项目建设用地 109967 平方米"), 1001, "Z3",
            NOTE_NZ3),
    project("65", "瓯锬科技金属复合新材料产业化项目（一期）", "IND",
            fig("77", "亩", 0, "项目一期用地 77 亩"), 1002, "Z3",
            "瓯锩产业园 in 一期北片 (L325; name variant, inferred)"),
    project("66", "莱丽斯集团、瑾瑜集团产业园", "IND",
            fig("118", "亩", 1, "项目用地面积约 118 亩"), 1005, "Z3",
            NOTE_NZ3),
    project("68", "维益宏基（智能互联电力巡检系统生产基地）", "IND",
            fig("90", "亩", 0, "用地面积 90 亩"), 1007, "Z3",
            NOTE_NZ3),
    project("69", "源泰机电 晶体生长炉生产线及厂房", "IND",
            fig("34614", "平方米", 1, "项目用地面积约 34614 平方米"), 1008, "Z3",
            NOTE_NZ3),
    project("70", "国盛智能装备 瓯江口厂房", "IND",
            fig("37", "亩", 0, "用地面积 37 亩"), 1009, "Z3",
            NOTE_NZ3),
    project("71", "年产20万套医药专用抗菌素装备（欧电阀门）", "IND",
            fig("37.8603", "亩", 0, "项目用地面积 37.8603 亩"), 1010, "Z3",
            NOTE_NZ3),
    project("72", "温州海诚光学厂房（迁建）", "IND",
            fig("19557", "平方米", 0, "项目用地面积 19557 平方米"), 1013, "Z3",
            NOTE_NZ3),
    project("73", "铂莱曼动力 1200万套汽车传动产品", "IND",
            fig("86.6", "亩", 0, "项目用地面积 86.6 亩"), 1014, "Z3",
            NOTE_NZ3),
    project("74", "健牌机械（迁建）700台套医药固体制剂设备", "IND",
            fig("19526", "平方米", 0, "项目用地面积 19526 平方米"), 1015, "Z3",
            NOTE_NZ3),
    project("76", "顺豪电器生产总部园", "IND",
            fig("12555.26", "平方米", 0, "项目用地面积 12555.26 平方米"), 1016, "Z3",
            NOTE_NZ3),
    project("77", "华威焊割 20000台(套)焊割设备", "IND",
            fig("16782.09", "平方米", 0, "项目用地面积 16782.09 平方米"), 1017, "Z3",
            NOTE_NZ3),
    project("78", "亨泰智能设备新建厂区", "IND",
            fig("16691.15", "平方米", 0, "项目用地面积 16691.15 平方米"), 1018, "Z3",
            NOTE_NZ3),
    project("79", "合坤砭业科技辅助生产区", "IND",
            fig("17914.81", "平方米", 0, "项目用地面积 17914.81 平方米"), 1019, "Z3",
            NOTE_NZ3),
    project("80", "楠江科技厂区", "IND",
            fig("104.09", "亩", 0, "项目用地面积 104.09 亩"), 1020, "Z3",
            NOTE_NZ3),
    project("81", "LED 办公照明制造基地（发扬科技）", "IND",
            fig("44.46", "亩", 0, "项目用地面积 44.46 亩"), 1023, "Z3",
            NOTE_NZ3),
    project("82", "利乐集美机械新建厂房", "IND",
            fig("37146.19", "平方米", 0, "项目用地面积 37146.19 平方米"), 1024, "Z3",
            NOTE_NZ3),
    project("83", "优丽美业 微分子面膜仪研发生产", "IND",
            fig("29.5", "亩", 0, "项目用地面积 29.5 亩"), 1025, "Z3",
            NOTE_NZ3),
    project("84", "新光机械 液压油缸组件生产线及厂房", "IND",
            fig("25.61", "亩", 0, "项目用地面积 25.61 亩"), 1026, "Z3",
            NOTE_NZ3),
    project("85", "大玮检测科技厂房", "IND",
            fig("15.02", "亩", 0, "项目用地面积 15.02 亩"), 1027, "Z3",
            NOTE_NZ3),
    project("86", "奥士智能康养项目", "IND",
            fig("52.4", "亩", 0, "项目用地面积 52.4 亩"), 1028, "Z3",
            NOTE_NZ3),
    project("87", "博隆 1200台电脑刺绣机项目", "IND",
            fig("35", "亩", 0, "项目用地 35 亩"), 1029, "Z3",
            NOTE_NZ3),
    project("88", "蓝图文具 年产6亿支笔项目", "IND",
            fig("50", "亩", 1, "项目用地面积约 50 亩"), 1030, "Z3",
            NOTE_NZ3),
    project("89", "瓯博斯 人造奶油厂房", "IND",
            fig("30", "亩", 1, "项目用地面积约30亩"), 1033, "Z3",
            NOTE_NZ3),
    project("90", "天骄笔业厂房（迁建）", "IND",
            fig("120", "亩", 1, "项目用地面积约120亩"), 1034, "Z3",
            NOTE_NZ3),
    project("91", "警用装备研发与生产基地（华安）", "IND",
            fig("30", "亩", 0, "项目用地面积30亩"), 1035, "Z3",
            NOTE_NZ3),
    project("96", "灵昆智能制造产业园项目", "IND",
            fig("1412", "亩", 1, "用地面积约 1412 亩"), 1042, "Z22",
            "same land as Z22"),
    project("99", "赐方商业大厦", "COM",
            fig("20", "亩", 0, "建设用地面积 20 亩"), 1043, "Z4",
            "zone not stated in the plan; placed in 一期南片 Z4 beside 博览中心 "
            "(assumption; TOD 商贸区块 on both sides of it, L459)"),
    project("120", "温州·中信航空应急产业港", "IND",
            fig("900", "亩", 0, "总用地面积 900 亩"), 1066, "Z12",
            NOTE_NZ12 + " (assumption; facts: likely Z12 given size, "
            "inferred, low)"),
    project("121", "清源公司总部及无人驾驶产业基地", "IND",
            fig("150", "亩", 0, "总用地面积 150 亩"), 1069, "Z3", NOTE_NZ3),
    project("122", "忠旺集团铝材料项目", "IND",
            fig("1000", "亩", 0, "总用地面积 1000 亩"), 1070, "Z12",
            NOTE_NZ12 + " (assumption; facts: zone unknown)"),
    project("123", "中德科技产业园", "IND",
            fig("1900", "亩", 1, "用地面积约 1900 亩"), 1071, "Z12",
            "拟选址浅滩二期; north part (L327)"),
    project("124", "瓯江口海创园", "IND",
            fig("1160", "亩", 1, "用地面积约 1160 亩"), 1072, "Z5",
            "位于浅滩一期东南角; L327 puts 海创园 in 二期 (conflict)"),
    project("126", "九珑湖度假酒店", "COM",
            fig("19635", "平方米", 0, "总用地面积 19635 平方米"), 1076, "Z20",
            "九珑湖 in Lingkun (inferred); 九珑湖周边 is 成片开发 (L1309), so "
            "in Z20; geometry follows 19635 平方米",
            alt_fig=alt("29", "亩", "约 29 亩")),
    project("168", "温州国际博览中心暨世界青年科学家峰会会址", "PUB",
            fig("766", "亩", 0, "总用地面积 766 亩"), 1129, "Z28",
            "same land as Z28"),
    project("169", "新区医院二期", "PUB",
            fig("2.2749", "万平方米", 1, "用地面积约 2.2749 万平方米"), 1130,
            "Z4", "zone inferred; geometry follows 2.2749 万平方米",
            alt_fig=alt("34.1", "亩", "（约 34.1 亩）")),
    project("170", "瓯江口总部二期", "PUB",
            fig("58.9", "亩", 1, "用地面积约 58.9 亩"), 1131, "Z4",
            "zone inferred"),
    project("172", "灵昆街道社区卫生服务中心（迁建）", "PUB",
            fig("16.01", "亩", 0, "占地 16.01 亩"), 1133, "Z20",
            "灵昆街道 (stated)"),
    project("173", "瓯江口新区街道社区卫生服务中心", "PUB",
            fig("15", "亩", 0, "占地 15 亩"), 1134, "Z4", "新区 (stated)"),
    project("174", "温州技师学院扩建", "PUB",
            fig("107.2", "亩", 1, "占地面积约 107.2 亩"), 1135, "Z4",
            "geometry follows alt 71495.37 m2 (107.2 亩 = 71466.67 m2)",
            alt_fig=alt("71495.37", "m²", "合 71495.37 m ²")),
    project("175", "瓯江口新区国际双语学校", "PUB",
            fig("60264", "m²", 0, "工程总建设用地面积 60264m ²"), 1138, "Z4",
            "新区 (stated); geometry follows 60264 m2",
            alt_fig=alt("90.4", "亩", "(约 90.4 亩)")),
    project("176", "温州外国语小学", "PUB",
            fig("65664.82", "平方米", 0, "总用地 65664.82 平方米"), 1139, "Z4",
            "zone inferred; near P183 (L1148)"),
    project("177", "瓯江口道尔顿学校", "PUB",
            fig("122", "亩", 0, "总用地 122 亩"), 1140, "Z4", "zone inferred"),
    project("178", "瓯江口均优学校", "PUB",
            fig("42", "亩", 0, "总用地 42 亩"), 1141, "Z4", "zone inferred"),
    project("183", "集装箱商业街区及地面停车场", "COM",
            fig("24802", "平方米", 0, "用地面积为 24802 平方米"), 1148, "Z4",
            "新区医院南侧 (stated); geometry follows 24802 平方米",
            alt_fig=alt("37", "亩", "（约 37 亩）")),
    project("184", "灵昆街道集福堂迁建", "PUB",
            fig("3646", "平方米", 0, "建设用地面积：3646 平方米"), 1149, "Z20",
            "灵昆街道 (stated)"),
    project("185", "灵昆上岩头文化礼堂", "PUB",
            fig("2364.04", "平方米", 0, "总用地面积为 2364.04 平方米"), 1150,
            "Z21", "上岩头村, one of the Z21 villages (L1309)"),
    project("186", "灵南小学风雨操场", "PUB",
            fig("9.5925", "亩", 0, "占地面积 9.5925 亩"), 1151, "Z20",
            "灵南 in south Lingkun (inferred)"),
    project("187", "灵昆宗教场所迁建（20余座）", "PUB",
            fig("1500", "平方", 1, "建成占地面积约 1500 平方"), 1152, "Z20",
            "unit printed truncated as 平方, kept as printed; 灵昆古镇"),
    project("188a", "瓯江口消防特勤站", "PUB",
            fig("7200", "平方米", 0, "特勤站用地面积 7200 平方米"), 1155, "Z4",
            "zone not stated; 瓯江口 (name)"),
    project("188b", "瓯江口消防一级站", "PUB",
            fig("5600", "平方米", 0, "一级站用地面积 5600 平方米"), 1155, "Z4",
            "zone not stated; 瓯江口 (name)"),
    project("199", "浅滩二期生态修复工程（实验）", "ECO",
            fig("3562", "亩", 0, "总面积 3562 亩"), 1170, "Z18",
            "same land as Z18"),
]

# 三区三线 layers.  The plan draws none of the three control lines: it asks
# for them to be drawn (L335, "加强国土空间'三区三线'...的划定和管控") and
# prints one figure, Lingkun's 约 8 平方公里 城镇开发边界 (L331, L1186).  The
# layers below hold what the plan states, placed by its clues:
#   urban_boundary  that boundary, which is zone Z20's footprint.  The plan
#       gives no boundary for 一期 or 二期, so the sample has none there.
#   eco_redline     the ecological areas the plan names (no 生态保护红线 map
#       is printed; L629 names the 海洋生态保护红线 system): the sample's
#       stand-in for the red line.  Only Z18 has a printed area.
#   farmland        Lingkun's farmland: the 中部 band of 乡村旅游/美丽乡村
#       (L665; "中生态", L331; 高标准农田, L657) and the 田园综合体 (L1225).
#       The plan prints no farmland figure: no area is declared.
# Rows: code, name, parent (smallest zone containing the feature other than
# the zone whose land it is; None outside the plan area), land_use, primary
# figure, alternative, seed line, note.
LINGKUN_ZONES = ("Z19", "Z20", "Z21", "Z21a", "Z21b", "Z21c", "Z22")

URBAN_BOUNDARY = [
    dict(code="UDB1", name="灵昆城镇开发边界（集中建设区）", parent="Z19",
         land_use=None,
         decl=fig("8", "平方公里", 1, "约 8 平方公里的城镇开发边界"), alt=None,
         line=331,
         note="same land as zone Z20; holds 城中村改造 Z21, 产业园 Z22 and "
              "九珑湖 P126, the 成片开发 areas of L1309 (L331: the boundary's "
              "集中建设 is 用于城市成片开发); none printed for 一期/二期"),
]

ECO_REDLINE = [
    dict(code="ECO1", name="浅滩二期生态修复区（实验）", parent="Z12",
         land_use="ECO",
         decl=fig("3562", "亩", 0, "总面积 3562 亩"), alt=None, line=1170,
         note="same land as zone Z18 and project P199: 生态固滩替堤 along the "
              "sea edge of 二期"),
    dict(code="ECO2", name="海螺湿地公园", parent="Z3", land_use="ECO",
         decl=None, alt=None, line=585,
         note="建成 (L585); place not stated: 一期北片 NE, beside 北堤湖公园 "
              "Z31 (assumption); no area printed"),
    dict(code="ECO3", name="灵昆湿地公园", parent="Z19", land_use="ECO",
         decl=None, alt=None, line=585,
         note="加快建设 (L585); place not stated: west tip of 灵昆岛, "
              "环岛湿地 (L623; assumption); no area printed"),
    dict(code="ECO4", name="瓯江南口湿地公园", parent=None, land_use="ECO",
         decl=None, alt=None, line=629,
         note="谋划 (L629, 海湾生态保护); on the 瓯江南口 flats south of 灵昆, "
              "outside the plan area (assumption); no area printed"),
    dict(code="ECO5", name="城市中央绿廊（十里樱花园）/ 中心绿廊风情带",
         parent="Z2", land_use="ECO",
         decl=None, alt=None, line=79,
         note="一期's 北生产、中生态、南生活 (L331): the 中 belt between 一期北片 "
              "and 南片, 十里 = 5 km (L79, L231, L585); width schematic"),
    dict(code="ECO6", name="南堤滨水休闲带（生态南堤沿线）", parent="Z4",
         land_use="ECO",
         decl=None, alt=None, line=79,
         note="along the south edge of 一期 (L79; 南堤沿线的生态修复, L325; "
              "南线滨水观光带, L585; 生态南堤, L1169); width schematic"),
]

FARMLAND = [
    dict(code="FARM1", name="灵昆中部 乡村旅游、美丽乡村 农田", parent="Z19",
         land_use=None, decl=None, alt=None, line=665,
         note="中部实施乡村旅游和美丽乡村建设 (L665), 中生态 (L331), "
              "高标准农田 (L657); west of the boundary; no farmland figure "
              "printed"),
    dict(code="FARM2", name="灵昆田园综合体（现代农业）", parent="Z19",
         land_use=None, decl=None, alt=None, line=1225,
         note="田园综合体 (L659, L1225) and 灵昆农业公园 (L633); place not "
              "stated: west of FARM1 in the 中部 band (assumption); no "
              "farmland figure printed"),
]

# The three plan areas again, on their own, for the gap rule (they must tile
# the plan boundary); same rows as in ZONES.
AREAS = ("Z2", "Z12", "Z19")

# 用地用海 codes (field ydyh): the class of the 2023 national classification
# (src/landuse/landuse-2023.tsv) that the plan's own words for a feature
# support.  The plan prints no such code: these are this sample's reading of
# its names and descriptions, one row per decision so that each can be
# reviewed.  Second level (4 digits) where the words name one class, first
# level (2 digits) where they span several classes of one group, None where
# the plan states no use or several uses of different groups with no split.
# Rows: ydyh, keys, reason (the printed words, with their seed line, where
# the choice is not obvious).  A key is a zone or project code or a parcel
# code; a repeated parcel code with a qualifier is "code/code_sfx" (A-02b),
# one without (C-03f) covers both of its rows.  Every parcel and project
# has a row, and every zone with a land_use; the other zones (plan areas,
# sectors, 一期东南角, the lake and sponge-city projects: several uses or
# none printed) are NULL, as are the 三区三线 layers.
YDYH = [
    # -- zones ------------------------------------------------------------
    ("1001", ("Z16",), "高端智能制造城，发展保税加工贸易产业 (L443)"),
    ("2203", ("Z18",), "沿海陆分界线建设生态修复带，涂面整理，铺设生态固滩替堤 "
     "(L1170): 海洋保护修复及海岸防护工程"),
    ("09", ("Z21a",), "商业服务设施用地 as printed (L1309): the group, no "
     "subclass named"),
    ("07", ("Z21b",), "居住用地 as printed (L1309), the group's own name"),
    ("1001", ("Z21c",), "工业用地 as printed (L1309)"),
    ("1001", ("Z22",), "same land as P096"),
    (None, ("Z26",), "综保区: 海关监管、保税物流、保税加工、保税研发、跨境电商、"
     "综合服务、工业拓展 (L981, L1180), uses of several groups (10, 11, 09 "
     "…), no split printed"),
    ("1001", ("Z27a", "Z27b"), "安全（应急）产业园 (L1205), its 一期 project "
     "builds 厂房 (L985)"),
    ("0803", ("Z28",), "same land as P168"),
    ("1204", ("Z34",), "港区陆域 (L918, L919)"),
    # -- parcels ----------------------------------------------------------
    ("0903", ("E-15-01",), "东方之星文旅项目: 娱乐及配套 78021.23 of 地上 "
     "133143.78 m² (L1039)"),
    (None, ("E-06-07-02", "E-16-01b、E-16-01c"), "the row prints areas only, "
     "no use (L1045, L1089)"),
    ("1001", ("A-18a", "A-18c", "F-01-04", "G-02-02", "G-02-03"),
     "建造生产厂房，办公楼，宿舍楼"),
    ("09", ("A-08c-1", "B-05a", "B-10b", "C-04a", "E-03-07", "E-03-08",
            "E-04-04", "E-07-04", "E-08-01", "E-11-05", "E-12-05", "E-13-01",
            "E-13-06"),
     "商业、商务、娱乐康体等设施: 0901, 0902 and 0903 together, no split"),
    ("0701", ("A-07b、A-07d-1",), "国际颐养健康社区, a 房地产项目 (L1075): homes "
     "for the elderly, not a welfare institution (0807)"),
    ("0701", ("B-09a", "A-04b", "A-04c", "A-04d", "B-11a", "B-12a",
              "B-12(c、d)", "B-13a", "C-01d-1", "C-01d-2", "C-02c", "C-06a",
              "C-14e", "E-02-07", "E-02-09", "E-03-02", "E-03-03", "E-03-05",
              "E-04-01", "E-04-06", "E-05-08", "E-07-06", "E-08-03",
              "E-09-02", "E-09-03", "E-11-02", "E-12-01", "E-12-06",
              "G-02-16"),
     "住宅、商业用房、地下室: housing, its shops ancillary"),
    ("0701", ("C-05a", "B-10", "E-16-03"), "住宅 is most of the printed "
     "计容 floor area (L1081-L1083)"),
    ("0701", ("A-02b/商品房", "A-02b/住宅安置房", "B-09H"), "住宅 (L1084, "
     "L1087, L1090)"),
    (None, ("B-09C",), "prints only 商业面积 3809.7 of 计容 178858.2 m² "
     "(L1091): the rest's use is not printed"),
    (None, ("B-09f",), "the row prints areas only, no use (L1092); land_use "
     "RES is the facts' reading of its block"),
    ("0901", ("A-02b/商业安置房",), "1 幢商业（包括酒店、菜市场） (L1088)"),
    ("0804", ("C-03f", "A-07a", "E-02-10", "E-04-03", "E-08-14", "E-16-01"),
     "义务教育学校; 教学楼、风雨操场、教师学生宿舍"),
    ("0701", ("A-05a-2-1",), "人才宿舍: 3 栋 11 层公寓楼 (L1147)"),
    ("0803", ("C-03c", "E-02-06"), "图书、展览等公共文化设施用地"),
    ("0806", ("E-05-05",), "医疗、保健、卫生、防疫、康复和急救设施"),
    # -- projects ---------------------------------------------------------
    ("1204", ("P001", "P002"), "港区陆域 of the berths (L918, L919)"),
    ("1208", ("P005",), "S1 车辆段: a rail-transit 车辆基地, which the "
     "classification puts in 交通场站 (公共交通场站), not 1206 (lines, "
     "stations); the deck's own use is not printed"),
    ("1001", ("P006",), "新建钢结构厂房 of a rolling-stock maker for 车辆检修 "
     "(L925): a works, not part of the depot"),
    ("1101", ("P026",), "油库: 储油罐区、公路发油区 (L951), a 成品油 depot of a "
     "sales company: storage and dispatch (dangerous goods are in 1101), "
     "not production (1001) nor a state reserve (1102)"),
    ("1303", ("P027",), "220 千伏变电站"),
    ("1302", ("P033",), "排涝泵站: drainage pumping station"),
    (None, ("P038",), "边坡地质灾害治理和复绿 of a quarry (L967): works, no "
     "use printed for the land"),
    (None, ("P048",), "same land as Z26 (several uses)"),
    ("1001", ("P049", "P050", "P051a", "P051b", "P054", "P055", "P056",
              "P057", "P061", "P064", "P065", "P066", "P068", "P069", "P070",
              "P071", "P072", "P073", "P074", "P076", "P077", "P078", "P079",
              "P080", "P081", "P082", "P083", "P084", "P085", "P087", "P088",
              "P089", "P090", "P091", "P096", "P121", "P123"),
     "厂房, 生产车间, 生产线, 制造 or 年产 … (with their offices, "
     "dormitories and stores)"),
    ("1001", ("P053",), "科技产业园: 总部、研发、双创、生产办公 (L988), the "
     "buildings of an industrial park"),
    ("1001", ("P086",), "奥士智能康养: 生产智能康养仪器设备 (L1028), a works"),
    ("1001", ("P122",), "name only: 铝材料项目 in the 产业发展项目 list (L1070)"),
    (None, ("P120",), "应急装备生产和运营, 航空应急救援中心基地, 无人驾驶航空器"
     "试验区 (L1066): production, an air base and a test range, no split"),
    (None, ("P124",), "name only: 海创园 (L1072), an innovation park whose use "
     "is not printed"),
    ("0901", ("P099",), "商业大厦 (L1043)"),
    ("0901", ("P126",), "度假酒店: 酒店及配套 (L1076)"),
    ("0803", ("P168",), "展馆、会议中心 (L1129), listed under 公共服务项目: "
     "展览 is 0803 (a commercial 会展 reading would be 09)"),
    ("0806", ("P169",), "新区医院二期: the hospital's 行政科研综合楼 (L1130)"),
    ("0902", ("P170",), "办公用房 (L1131) of the 总部基地, where enterprises "
     "have their offices (总部商务, L465)"),
    ("0806", ("P172", "P173"), "社区卫生服务中心"),
    ("0804", ("P174", "P175", "P176", "P177", "P178"), "学院, 学校"),
    (None, ("P183",), "集装箱商业街区 (0901) and 地面停车场 (1208, 518 位) "
     "(L1148), no split printed"),
    (None, ("P184",), "name only: 集福堂迁建 (L1149), no use printed"),
    ("0803", ("P185",), "文化礼堂: 儿童活动室、会议室、室内舞台 (L1150)"),
    ("0804", ("P186",), "风雨操场 of 灵南小学, on the school's land (L1151)"),
    ("1503", ("P187",), "宗教场所迁建"),
    ("1310", ("P188a", "P188b"), "消防站"),
    ("2203", ("P199",), "same land as Z18"),
]

# Features whose geometry deliberately follows another printed figure or
# another feature.  value: ("alt",) or ("same", layer, key).
GEOMETRY_FOLLOWS = {
    ("projects", "P001"): ("same", "zones", "Z34"),     # 港区陆域, rows 1 and 2
    ("projects", "P002"): ("same", "zones", "Z34"),
    ("projects", "P048"): ("same", "zones", "Z26"),     # 1.44 km², not 2167 亩
    ("projects", "P096"): ("same", "zones", "Z22"),
    ("projects", "P168"): ("same", "zones", "Z28"),
    ("projects", "P199"): ("same", "zones", "Z18"),
    ("projects", "P174"): ("alt",),                      # 71495.37 m²
    ("parcels", 1158): ("same", "parcels", 1142),       # C-03f listed twice
}

# Pairs of features allowed to overlap because the plan makes them do so.
ALLOWED_OVERLAPS = {
    (("parcels", 1089), ("parcels", 1166)),   # E-16-01b、E-16-01c vs E-16-01
}

# Linear features (facts §3): the layer `roads` in oujiangkou.gpkg.  Every
# road, rail line, bridge and dike of the plan that the layout can place,
# one feature per printed line or segment.  Code = the facts table's row
# (L1-L45); rows that print several roads get a letter per road in printed
# order (L2a/b, L16a-f, L17a/c/d, L18a-e, L32a-e, L33a-g).  Fields as printed:
#   class        rank as the plan prints it: 高速公路, 快速路 (L563), 主干路
#                (城市主干路, L934; the 灵昆 "四横一纵" 主干路网, L331), 主次干道
#                (L563), 主路网 (a road of the "六横四纵一环" 主路网 with no
#                rank of its own, L563), 公路 (国道, 省道, 一级公路), 铁路 (市域
#                铁路), 桥梁, 堤防; 城市道路 = a municipal road whose rank is not
#                printed.
#   status       built / under construction / planned / study, from the
#                printed 项目类型 or phrase kept in status_text (续建 = under
#                construction, 新建 = planned, 研究 = study); NULL when none is
#                printed.  status_alt_text: another status the plan prints
#                for the same road (L563 calls 瓯江口大道西段, 瓯绣大道西段 and
#                昆北路 加快续建 where the project list says 新建).
#   length       metres, the printed phrase and 约 (lengths printed in 公里 or
#                km converted exactly); red_line likewise (a second printed
#                width in red_line_alt_m); land take as printed with its unit.
#   land_take_scope  the codes a land take printed for several roads covers
#                together; it is carried once, on the first of them.
#   from_to      the printed endpoints; from_to_alt the other printed ones
#                where the plan prints two (L30); from_code, to_code the
#                features the printed start and end lie on (瓯锦大道 = L18c,
#                瓯江口大道 = L18a …; NULL when the end is no drawn line).
#   part_of      the network feature (L16x, L18x) a segment lies on.
# Not drawn (no place, not a road, or not a line of the plan): L10 绕城高速北线
# 东延 and L11 瓯玉高速 (谋划/远景, route not printed, outside the plan area),
# L32's 外坦路 (named only in the river 外坦路西河, L1171), L34/L35 (network
# totals), L36-L43 (pipelines, utility tunnel, cables), L46 (the dikes of the
# 24~28# 陆域形成: Z34's outline), L47 (dike standards, no place), L48 (rivers),
# L49 (greenways), L50 (external links).

def length(metres, text, approx):
    return {"m": metres, "text": text, "aprx": approx}


def red(metres, text, alt_m=None):
    return {"m": metres, "text": text, "alt": alt_m}


def land(num, unit, approx, text, scope=None):
    return {"num": num, "unit": unit, "aprx": approx, "text": text,
            "scope": scope}


def road(code, name, cls, status, status_text, line, lines, note,
         network=None, part_of=None, length_=None, red_=None, land_=None,
         from_to=None, from_to_alt=None, status_alt=None, ends=(None, None)):
    assert line in lines
    return dict(code=code, name=name, cls=cls, status=status,
                status_text=status_text, status_alt=status_alt, line=line,
                lines=lines, note=note, network=network, part_of=part_of,
                length=length_, red=red_, land=land_, from_to=from_to,
                from_to_alt=from_to_alt, ends=ends)


NET_6H4Z = "六横四纵一环"
NET_LK = "灵昆四横一纵"
NET_JPX = "精品线三纵四横"
NET_V = "综合交通架构（纵向）"
NET_H = "综合交通架构（横向）"
JPX_NOTE = ("精品线提升工程 (绿化、彩化…) of an existing road; 提升范围约 30 万平方米 "
            "is printed for the whole project, not per road")
LAND_227 = land("716.4", "亩", 0, "工程总面积 716.4 亩", "L5+L6")
LAND_940 = land("2.6421", "公顷", 0, "工程总占地 2.6421 公顷", "L24+L25")
RED_940 = red("20", "两路段道路红线宽度皆为 20m")

ROADS = [
    road("L1", "甬台温高速公路复线（沈海高速复线灵昆段）", "高速公路", "built",
         "建成投用", 75, (75, 535, 541, 545, 563),
         "灵昆段 drawn across 灵昆岛 west of the urban boundary (place not "
         "printed); also the 四纵's 甬台温高速复线 (L563), not drawn twice; "
         "continues north as L2a",
         network=NET_6H4Z + "；" + NET_V),
    road("L2a", "温州瓯江北口大桥（高速公路部分）", "桥梁", "under construction",
         "续建 2017-2021", 926, (75, 545, 926),
         "甬台温高速公路复线 part of the bridge, drawn north across 瓯江北口 "
         "from the end of L1",
         length_=length("7913", "高速公路部分全长 7.913 公里", 0)),
    road("L2b", "温州瓯江北口大桥（南金公路部分）", "桥梁", "under construction",
         "续建 2017-2021", 926, (926,),
         "南金公路 part of the same bridge, drawn 40 m west of L2a from the "
         "island's north shore",
         length_=length("3870", "南金公路部分全长 3.87 公里", 0)),
    road("L3", "瓯江南口大桥", "桥梁", "built", "建成投用", 75,
         (75, 953, 965, 969),
         "length not printed: drawn 2470 m, the route length of the cable box "
         "laid along it (路径长 2×2.47 千米, L953), south over 瓯江南口 from "
         "瓯江口大道 at the south-west corner of 一期; ramp widening 研究 (L969)"),
    road("L4", "330 国道（G330）灵昆段（原 77 省道）", "公路", "built",
         "建成投用；灵昆段拓宽工程：研究", 75, (75, 331, 535, 547, 934, 970),
         "双向 4 车道, widening to 8 studied (L970); 灵昆产业园 lies south of it "
         "(L331, L1186): drawn from its bridgehead on the south shore (bridge "
         "not printed) through the gap between the two farmland areas and "
         "along the north of the island to its east end, where it continues "
         "on 灵霓北堤 (L12, L45)",
         network=NET_H),
    road("L5", "228 国道洞头灵昆段（主线）", "公路", "under construction",
         "续建 2018-2021", 927, (75, 535, 547, 927),
         "均为高架桥, 一级公路双向六车道 80 km/h, 枢纽互通 1 处; drawn north–south "
         "from G330 through 瓯锦互通 and on over 瓯江南口 towards the planned "
         "228 国道南口大桥 (L934); the land take is the whole project's "
         "(mainline and link)",
         network=NET_V, length_=length("3924", "主线长约 3.924km", 1),
         land_=LAND_227),
    road("L6", "228 国道洞头灵昆段（连接线）", "公路", "under construction",
         "续建 2018-2021", 927, (927,),
         "路基宽度 printed without a unit (m assumed); 一级公路双向六车道兼顾城市"
         "道路标准 60 km/h; ends on 瓯锦大道西段 150 m west of the interchange; "
         "its land is in L5's 工程总面积 716.4 亩",
         length_=length("1785", "连接线长约 1.785km", 1),
         red_=red("36.0", "路基宽度为 36.0"),
         from_to="现状 330 国道灵昆段至瓯锦互通内", ends=("L4", "L19")),
    road("L7", "S211 省道（洞头至瓯江口段）", "公路", "study", "研究", 973,
         (75, 535, 547, 973),
         "length and route 待定: drawn east from the north end of 扬帆大道 "
         "over the sea towards 洞头",
         network=NET_H, length_=length(None, "待定", None),
         from_to="洞头至瓯江口段"),
    road("L8", "瓯磐大桥", "桥梁", "study", "研究", 975, (75, 535, 975),
         "drawn north across 瓯江北口 from G330 where it turns east",
         length_=length("3000", "总长度约3公里", 1),
         from_to="灵昆岛与乐清市磐石镇之间"),
    road("L9", "瓯江口与龙湾蓝田接线大桥", "桥梁", "study", "研究", 974,
         (535, 974),
         "length 待定, place not printed: drawn 2000 m south across 瓯江南口 "
         "from 瓯江口大道西段",
         length_=length(None, "待定", None), from_to="瓯江口与龙湾蓝田"),
    road("L12", "77 省道延伸线龙湾至疏港公路工程二期路面工程", "公路", "planned",
         "新建 2021-2022", 968, (968,),
         "permanent pavement and traffic safety works on the 77 省道 "
         "extension (now G330): drawn from G330's east end along 灵霓北堤 "
         "(L45, the same line) to 霓屿 and on along a port section",
         length_=length("22240", "工程全程长 22.24 公里", 0),
         from_to="海堤段和港区段"),
    road("L13", "市域铁路 S1 线（一期瓯江口段）", "铁路", "built", "通车运营", 75,
         (75, 535, 555, 1179),
         "stations S1/S2 灵昆枢纽站, 瓯华站, 瓯江大道站 (L1179); drawn from "
         "瓯江南口 (温州机场 side) into 灵昆, across S2 at the 灵昆枢纽站 and "
         "east through the middle of 一期 beside the 中央绿廊",
         network=NET_H),
    road("L14", "S1 线延伸线（浅滩二期、霓屿）", "铁路", "study", "科学论证",
         555, (327, 555, 1179),
         "line and stations still to be studied (L555): drawn east from "
         "the end of L13 through the north of 二期 towards 霓屿",
         from_to="S1 线浅滩二期站点、霓屿站点"),
    road("L15", "市域铁路 S2 线一期工程（含瓯江口段）", "铁路",
         "under construction", "续建 2016-2021", 923, (75, 535, 555, 923),
         "63 km and 20 stations are the whole 一期 line, not its 瓯江口段: "
         "drawn 63 km straight north–south through 灵昆 (across S1 at the "
         "灵昆枢纽站), mostly outside the plan area",
         network=NET_V, length_=length("63000", "线路长度 63km", 0),
         from_to="起于乐清城东街道下塘（设下塘停车场），由北向南"),
    road("L16a", "灵霓大道", "主路网", "planned", "规划形成", 563, (563,),
         "with 瓯江口大道 it forms the 一环 (L563): drawn as the north and "
         "east sides of a ring road round 一期; the 六横 are assumed to run "
         "north to south in printed order",
         network=NET_6H4Z),
    road("L16b", "瓯帆路", "主路网", "planned", "规划形成", 563, (563,),
         "ends on 双瓯大道 (L965)", network=NET_6H4Z),
    road("L16c", "瓯锦大道", "主路网", "planned", "规划形成", 563, (563, 585),
         "一期 part, south of the 中央绿廊; 瓯锦大道滨河生态慢行绿道轴 (L585)",
         network=NET_6H4Z),
    road("L16d", "瓯绣大道", "主路网", "planned", "规划形成", 563, (563,),
         "一期 part, from the ring road to 雁升路 (L965)", network=NET_6H4Z),
    road("L16e", "瓯石路", "主路网", "planned", "规划形成", 563, (563,),
         "crosses 一期 south of 起步区's blocks (place not printed)",
         network=NET_6H4Z),
    road("L16f", "瓯江口大道", "快速路", "planned", "规划形成", 563, (563, 965),
         "快速路 (L563); with 灵霓大道 forms the 一环 round 一期: drawn as its "
         "west and south sides, 南口大桥 at its south-west corner (L965); "
         "continues west in 灵昆 as L18a",
         network=NET_6H4Z),
    road("L17a", "滨海大道", "快速路", "planned", "规划形成", 563, (563,),
         "快速路 (L563); place not printed: drawn along the sea side of 二期",
         network=NET_6H4Z),
    road("L17c", "双瓯大道", "快速路", "planned", "规划形成", 563, (563, 965),
         "快速路 (L563); drawn along the west side of 二期, next to 一期 "
         "(瓯帆路 ends on it, L965)",
         network=NET_6H4Z),
    road("L17d", "扬帆大道", "主路网", "planned", "规划形成", 563, (563,),
         "place not printed: drawn through the middle of 二期",
         network=NET_6H4Z),
    road("L18a", "瓯江口大道（灵昆）", "主干路", "planned", "加快…建设", 331,
         (331,),
         "瓯江口大道西段 (L20) and on east along the south of 灵昆 to the "
         "一期 ring road (L16f)",
         network=NET_LK),
    road("L18b", "昆北路（灵昆）", "主干路", "planned", "加快…建设", 331, (331,),
         "the road of 昆北路西段 (L27)", network=NET_LK),
    road("L18c", "瓯锦大道（灵昆）", "主干路", "planned", "加快…建设", 331,
         (331,), "瓯锦大道西延段 (L22) and 西段 (L19)", network=NET_LK),
    road("L18d", "瓯绣大道（灵昆）", "主干路", "planned", "加快…建设", 331,
         (331,), "the road of 瓯绣大道西延段 (L21)", network=NET_LK),
    road("L18e", "昆九路（灵昆）", "主干路", "planned", "加快…建设", 331, (331,),
         "the 一纵: 昆九路北段 (L23) and 南段 (L29)", network=NET_LK),
    road("L19", "瓯锦大道西段（昆九路至瓯锦互通）", "主干路",
         "under construction", "续建 2020-2021", 932, (331, 563, 932),
         "双向六车道 50 km/h",
         network=NET_LK, part_of="L18c",
         length_=length("829.613", "工程全长 829.613m", 0),
         red_=red("36", "红线宽度 36m"), from_to="昆九路至瓯锦互通",
         ends=("L18e", "L5")),
    road("L20", "瓯江口大道西段（330 国道与 228 国道连接线工程）", "主干路",
         "planned", "新建 2021-2023", 934, (331, 563, 934),
         "城市主干路 双向六车道 60 km/h; drawn from G330's bridgehead east "
         "and south to the south end of G228 on the island, where the "
         "planned bridge begins",
         network=NET_LK, part_of="L18a",
         length_=length("3700", "全长约 3700m", 1),
         red_=red("60", "红线宽度为 60m"),
         from_to="项目西起于现状 330 国道(原 77 省道), 止于规划 228 国道南口大桥",
         status_alt="加快续建", ends=("L4", "L5")),
    road("L21", "瓯绣大道西延段（王相东路至瓯江口大道）", "主干路", "planned",
         "新建 2023-2024", 935, (75, 331, 563, 935),
         "位于灵昆岛中部, 东西走向; 288 亩 (192 000 m²) over 约 4000 m implies "
         "48 m, not the 36 m red line: both kept as printed; drawn south of "
         "the farmland band, where 王相东路北段 (2400 m south of 昆北路) brings "
         "its east end, its west end turning south onto 瓯江口大道",
         network=NET_LK, part_of="L18d",
         length_=length("4000", "路线全长约 4000m", 1),
         red_=red("36", "道路规划红线宽度 36m"),
         land_=land("288", "亩", 1, "总征地面积约为 288 亩"),
         from_to="东侧与王相东路相接, 西侧连接瓯江口大道", status_alt="加快续建",
         ends=("L28", "L18a")),
    road("L22", "瓯锦大道西延段（昆九路至 330 国道）", "主干路", "planned",
         "新建 2023-2024", 936, (331, 563, 936),
         "位于灵昆岛西北侧, 东西走向; red line printed 36m~60 (the 60 without "
         "a unit): both kept; 350 亩 over 约 3900 m implies 59.8 m; drawn "
         "with a 1020 m north–south step west of 昆九路 so that it meets "
         "G330 north of the farmland",
         network=NET_LK, part_of="L18c",
         length_=length("3900", "路线全长约 3900m", 1),
         red_=red("36", "道路规划红线宽度 36m~60", "60"),
         land_=land("350", "亩", 1, "总用地面积约为 350 亩"),
         from_to="东侧与昆九路相接, 西侧连接 330 国道", ends=("L18e", "L4")),
    road("L23", "昆九路北段（330 国道至瓯锦大道）", "主干路",
         "under construction", "续建 2020-2022", 939, (331, 939),
         "双向四车道 50 km/h",
         network=NET_LK, part_of="L18e",
         length_=length("1366.528", "工程全长 1366.528m", 0),
         red_=red("36", "红线宽度 36m"), from_to="330国道至瓯锦大道",
         ends=("L4", "L18c")),
    road("L24", "昆南路段", "城市道路", "under construction", "续建 2018-2021",
         940, (940,),
         "灵昆街道, 双向 2 车道 40 km/h; the shared 2.6421 公顷 over 975.6 + "
         "118.4 m implies 24.15 m, not 20 m; place not printed: drawn in the "
         "south of 灵昆 west of 王相东路's line",
         length_=length("975.6", "昆南路段道路长度为 975.6m", 0),
         red_=RED_940, land_=LAND_940),
    road("L25", "王相东路段", "城市道路", "under construction",
         "续建 2018-2021", 940, (940,),
         "part of the 昆南路 project, its land in L24's 工程总占地 2.6421 公顷; "
         "drawn on 王相东路's line south of 瓯绣大道, from 瓯江口大道 to 昆南路",
         length_=length("118.4", "王相东路段道路长度 118.4m", 0),
         red_=RED_940),
    road("L26", "瓯江口产业集聚区灵昆产业园区道路", "城市道路", "planned",
         "新建 2021-2022", 941, (941,),
         "位于灵昆岛东部; the park's roads are printed as one length: drawn "
         "as one line winding through 灵昆产业园 (Z22, P096), inside it",
         length_=length("8064", "全长约 8064m", 1),
         red_=red("24", "道路宽度 24m"), from_to="灵昆产业园内道路"),
    road("L27", "昆北路西段（昆东路至瓯锦大道）", "主干路", "planned",
         "新建 2021-2022", 942, (331, 563, 942),
         "位于灵昆岛北侧; runs between the depot and the industrial park",
         network=NET_LK, part_of="L18b",
         length_=length("3900", "道路全长约 3900m", 1),
         red_=red("36", "红线宽度 36m"), from_to="西起瓯锦大道, 东至昆东路",
         status_alt="加快续建", ends=("L18c", "L32b")),
    road("L28", "王相东路北段（昆北路至瓯绣大道）", "城市道路", "planned",
         "新建 2021-2022", 943, (943,),
         "位于灵昆东北部, 南北走向; the schematic island has less than 2400 m "
         "between the two roads: drawn with a 905 m east–west step",
         length_=length("2400", "道路全长约 2400m", 1),
         red_=red("40", "道路红线 40m"),
         from_to="道路起点为规划昆北路, 向南终于瓯绣大道", ends=("L18b", "L18d")),
    road("L29", "昆九路南段（瓯锦大道至瓯江口大道）", "主干路", "planned",
         "新建 2021-2022", 944, (331, 944),
         "位于灵昆岛中部; 昆九路 (1366.528 + 约 2200 m from G330 to 瓯江口大道) "
         "is longer than the schematic island is wide: drawn with a "
         "1036.528 m east–west step, ending on 瓯江口大道 east of G228",
         network=NET_LK, part_of="L18e",
         length_=length("2200", "道路全长约 2200m", 1),
         red_=red("36", "红线宽度 36m"), from_to="北起瓯锦大道, 南至瓯江口大道",
         ends=("L18c", "L18a")),
    road("L30", "九村路（瓯锦大道至瓯江口大道）", "城市道路", "planned",
         "新建 2021-2022", 945, (945,),
         "title (瓯锦大道至瓯江口大道: north–south) and text (东西走向, from "
         "昆九路西侧规划道路 to 雁鸣路) disagree: drawn as the text says, "
         "through 九村村 (B-10), the title's ends kept in from_to_alt; the "
         "planned road west of 昆九路 is not drawn",
         length_=length("2700", "道路全长约 2700m", 1),
         red_=red("20", "道路宽度 20m"),
         from_to="西起昆九路西侧规划道路, 东至雁鸣路",
         from_to_alt="瓯锦大道至瓯江口大道", ends=(None, "L32d")),
    road("L31", "昌锦街", "城市道路", "planned", "新建 2021-2022", 948, (948,),
         "灵昆街道; its 生态河岸驳坎景观绿化 1200 米 is not a road (not drawn); "
         "place not printed: drawn in the east of the 改造 area, ending on "
         "雁鸣路",
         length_=length("940", "长度 940 米", 0), red_=red("12", "昌锦街 12 米宽"),
         from_to="周边配套西大门入口以及地下室入口接驳道路"),
    road("L32a", "昆西路", "主次干道", "under construction", "加快续建", 563,
         (563,),
         "place not printed: drawn north–south in the west of the island"),
    road("L32b", "昆东路", "城市道路", None, None, 942, (942,),
         "east end of 昆北路西段 (L942): drawn from there north to G330"),
    road("L32c", "环岛南路", "城市道路", None, None, 953, (953,),
         "end of the 南口大桥—环岛南路 cable trench (L953): drawn along the "
         "island's south shore"),
    road("L32d", "雁鸣路", "城市道路", None, None, 1309, (945, 950, 1309),
         "east end of 九村路 (L945) and east limit of the 城中村改造 area "
         "(灵霓线以南，雁鸣路以西, L1309); 雁鸣河 beside it (L950)"),
    road("L32e", "灵霓线", "城市道路", None, None, 1309, (1309,),
         "north limit of the 城中村改造 area (L1309): drawn from 雁鸣路 west "
         "to 昆九路"),
    road("L33a", "雁鸿路（瓯绣大道至雁鸿路段）", "城市道路", "planned",
         "新建 2021-2023", 965, (965,),
         JPX_NOTE + "; segment printed so (sic): drawn from 瓯绣大道 north to "
         "瓯锦大道",
         network=NET_JPX, from_to="瓯绣大道至雁鸿路段", ends=("L16d", None)),
    road("L33b", "雁升路（瓯锦大道至瓯江口大道段）", "城市道路", "planned",
         "新建 2021-2023", 965, (965,),
         JPX_NOTE + "; along the east edge of 起步区",
         network=NET_JPX, from_to="瓯锦大道至瓯江口大道段",
         ends=("L16c", "L16f")),
    road("L33c", "雁辉路（瓯帆路至瓯锦大道段）", "城市道路", "planned",
         "新建 2021-2023", 965, (965,),
         JPX_NOTE + "; crosses the 中央绿廊 (ECO5), as a road between 一期's "
         "two halves must",
         network=NET_JPX, from_to="瓯帆路至瓯锦大道段", ends=("L16b", "L16c")),
    road("L33d", "瓯江口大道（南口大桥至雁升路段）", "快速路", "planned",
         "新建 2021-2023", 965, (965,), JPX_NOTE,
         network=NET_JPX, part_of="L16f", from_to="南口大桥至雁升路段",
         ends=("L3", "L33b")),
    road("L33e", "瓯绣大道（雁鸿路至雁升路段）", "主路网", "planned",
         "新建 2021-2023", 965, (965,), JPX_NOTE,
         network=NET_JPX, part_of="L16d", from_to="雁鸿路至雁升路段",
         ends=("L33a", "L33b")),
    road("L33f", "瓯锦大道（雁升路至雁辉路段）", "主路网", "planned",
         "新建 2021-2023", 965, (965,), JPX_NOTE,
         network=NET_JPX, part_of="L16c", from_to="雁升路至雁辉路段",
         ends=("L33b", "L33c")),
    road("L33g", "瓯帆路（雁辉路至双瓯大道段）", "主路网", "planned",
         "新建 2021-2023", 965, (965,), JPX_NOTE,
         network=NET_JPX, part_of="L16b", from_to="雁辉路至双瓯大道段",
         ends=("L33c", "L17c")),
    road("L44", "瓯江口产业集聚区生态南堤", "堤防", "planned", "新建 2021-2025",
         1169, (79, 325, 583, 1169),
         "排涝闸 at 桩号 0+200 and 5+263.02, 5 处广场平台; the width is the "
         "dike body's; 一期's 南堤 (L325): drawn along 一期's west edge south "
         "of 灵昆, its south edge and on along 二期's west edge",
         length_=length("7720.75", "生态南堤全长约 7720.75 米", 1),
         red_=red("60.8", "海堤堤身断面宽度 60.8 米")),
    road("L45", "灵霓北堤（灵霓大堤）", "堤防", None, None, 919,
         (553, 629, 639, 919, 976),
         "sea dike from 灵昆 to 霓屿 (by name), its 灵霓北堤段 along the north "
         "of 一期 (港口陆域, L919); 灵霓大堤破堤通海 planned (L629); length not "
         "printed; L12 runs on it"),
]


# ---------------------------------------------------------------------------
# Geometry helpers.  Layout values are exact Fractions in metres relative to
# the origin; rings are counter-clockwise lists of (x, y) without closure.

def Q(v):
    return v if isinstance(v, Fraction) else Fraction(str(v))


def rect(x0, y0, x1, y1):
    x0, y0, x1, y1 = Q(x0), Q(y0), Q(x1), Q(y1)
    assert x0 < x1 and y0 < y1
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def rect_wh(x0, y_top, width, height):
    """Rectangle hanging from (x0, y_top) with the given size."""
    return rect(x0, Q(y_top) - height, Q(x0) + width, y_top)


def target_m2(decl):
    return Fraction(decl["num"]) * M2_PER_UNIT[decl["unit"]]


def pack(region, items, row_height, gap_x=30, gap_y=40, snap=10):
    """Lay out rectangles of exact areas in rows inside a region.

    region is (x0, y0, x1, y1); items are (key, area_m2) or ("ROW",) to force
    a new row, or (keys, areas) tuples of lists for blocks split into
    adjacent parts.  Each block is row_height tall unless that makes it
    narrower than 0.4 x row_height, in which case it is a square.  Blocks
    hang from the row's top edge; the cursor is snapped to `snap` metres.
    Returns {key: ring}.
    """
    x0, y0, x1, y1 = (Q(v) for v in region)
    h_row = Q(row_height)
    out = {}
    x, top = x0, y1
    for item in items:
        if item == ("ROW",):
            x, top = x0, top - h_row - gap_y
            continue
        keys, areas = item
        if not isinstance(keys, list):
            keys, areas = [keys], [areas]
        total = sum(areas)
        h = h_row
        if total / h < h * Fraction(2, 5):
            h = Fraction(round(math.sqrt(total) * 1000), 1000)
        width = total / h
        if x + width > x1:
            x, top = x0, top - h_row - gap_y
        if x + width > x1 or top - h_row < y0:
            raise SystemExit("layout: region %s too small at %s" %
                             (region, keys[0]))
        xa = x
        for k, a in zip(keys, areas):
            w = a / h
            out[k] = rect_wh(xa, top, w, h)
            xa += w
        x = Fraction(math.ceil((x + width + gap_x) / snap) * snap)
    return out


def ring_area(ring):
    """Exact area of a ring of Fractions (positive when counter-clockwise)."""
    n = len(ring)
    return sum(ring[i][0] * ring[(i + 1) % n][1] - ring[(i + 1) % n][0] *
               ring[i][1] for i in range(n)) / 2


def build_layout():
    """Place every feature.  Returns {(layer, key): ring} in local metres."""
    g = {}
    z = {d["code"]: d for d in ZONES}

    # --- The three plan areas tile edge to edge with shared vertices.
    # Z2 一期: 5000 m x 4800 m = 24 km², centred on the origin.
    A = (Q(-2500), Q(-2400))   # Z2 SW
    B = (Q(2500), Q(-2400))    # Z2 SE, also a node on Z12's west edge
    C = (Q(2500), Q(2400))     # Z2 NE
    D = (Q(-2500), Q(2400))    # Z2 NW, also Z19's NE corner
    # Z19 灵昆: a long island west of Z2; its west tip is solved for 22.5 km².
    P1 = (Q(-2500), Q(-600))   # Z19 SE, a node on Z2's west edge
    P3 = (Q(-11000), Q(2000))
    P5 = (Q(-11000), Q(300))
    trapezoid = (P1[0] - P3[0]) * ((D[1] - P1[1]) + (P3[1] - P5[1])) / 2
    tip = (target_m2(z["Z19"]["decl"]) - trapezoid) * 2 / (P3[1] - P5[1])
    P4 = (P3[0] - tip, Q(1100))
    # Z12 二期: east of Z2 and further south; its east edge is solved so that
    # 4000 m x width = 19.27 km² (rectangle 3800 m tall plus a 400 m slope).
    width12 = target_m2(z["Z12"]["decl"]) / 4000
    Q1 = (Q(2500), Q(-3800))
    Q2 = (2500 + width12, Q(-3800))
    Q3 = (2500 + width12, Q(0))
    Q4 = (Q(2500), Q(400))     # Z12 NW, a node on Z2's east edge

    g["zones", "Z2"] = [A, B, Q4, C, D, P1]
    g["zones", "Z12"] = [Q1, Q2, Q3, Q4, B]
    g["zones", "Z19"] = [P1, D, P3, P4, P5]
    g["boundary", "Z1"] = [A, B, Q1, Q2, Q3, Q4, C, D, P3, P4, P5, P1]

    # --- Z2: north and south halves.
    W0, E0 = (Q(-2500), Q(0)), (Q(2500), Q(0))
    g["zones", "Z3"] = [W0, E0, Q4, C, D]
    g["zones", "Z4"] = [A, B, E0, W0, P1]
    # 起步区 in the south-west, adjoining 灵昆 along Z19's east edge.
    g["zones", "Z8"] = [A, (Q(-700), Q(-2400)), (Q(-700), Q(0)), W0, P1]
    # 一期东南角 3000 亩 in the SE corner; lake and 海创园 inside it.
    z5_h = target_m2(z["Z5"]["decl"]) / 1500
    g["zones", "Z5"] = rect(1000, -2400, 2500, -2400 + z5_h)
    g["zones", "Z6"] = rect_wh(1100, -1200, 760, target_m2(z["Z6"]["decl"]) / 760)
    # 博览中心 on the central axis of the south half; E-15-01 south of it.
    g["zones", "Z28"] = rect(-500, -800, 300,
                             -800 + target_m2(z["Z28"]["decl"]) / 800)
    # North half: port land and oil depot on the north dike, 北堤湖公园,
    # 综保区, 安全产业园一期.
    g["zones", "Z34"] = rect_wh(-2300, 2400, 1400,
                                target_m2(z["Z34"]["decl"]) / 1400)
    g["zones", "Z31"] = rect_wh(500, 2400, 2000,
                                target_m2(z["Z31"]["decl"]) / 2000)
    g["zones", "Z26"] = rect(-2400, 600, -1200, 1800)
    assert target_m2(z["Z26"]["decl"]) == 1200 * 1200
    g["zones", "Z27a"] = rect_wh(-1000, 1800, 500,
                                 target_m2(z["Z27a"]["decl"]) / 500)

    # --- Z12: north plots, south plots, ecological strip on the sea edge.
    z18_w = target_m2(z["Z18"]["decl"]) / 3800
    g["zones", "Z18"] = rect(Q2[0] - z18_w, -3800, Q2[0], 0)
    g["zones", "Z27b"] = rect_wh(2700, -200, 2000,
                                 target_m2(z["Z27b"]["decl"]) / 2000)
    g["zones", "Z16"] = rect_wh(2700, -1800, 2000,
                                target_m2(z["Z16"]["decl"]) / 2000)

    # --- Z19: the town development boundary (约 8 km², L331) is the east
    # block of the island, next to 一期, from the north shore to the south
    # shore: it must hold the 城市成片开发 areas (L331: the boundary's
    # 集中建设 is 用于城市成片开发), which L1309 names as 灵昆站 TOD, 北部灵昆产业园
    # and 九珑湖周边, and the 城中村改造 area (灵霓线以南，雁鸣路以西, L1309).
    # Its north-west corner sits on the north shore (D -> P3) at x = -5390;
    # the south-west corner slides along the south shore (P1 -> P5) until
    # the area is 8 km² (the area is affine in that corner's position).  Both
    # corners are on whole micrometres of their shore line, so the ring stays
    # inside Z19 after quantisation: fractions of the edge in steps of 1e-8
    # (8500 m and 900 m x 1e-8 are whole micrometres; the area moves by
    # about 0.1 m² per step, 1e-8 of 8 km²).
    def along(p, q, t):
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

    n20 = along(D, P3, Fraction(34, 100))

    def z20_ring(t):
        return [P1, D, n20, along(P1, P5, t)]

    a0, a1 = ring_area(z20_ring(Q(0))), ring_area(z20_ring(Q(1)))
    t20 = (target_m2(z["Z20"]["decl"]) - a0) / (a1 - a0)
    g["zones", "Z20"] = z20_ring(Fraction(round(t20 * 10 ** 8), 10 ** 8))
    # 城中村改造 in its southern part (灵霓线以南), its east edge 100 m west of
    # 一期 (雁鸣路以西), split west to east into 工业/居住/商业 with the
    # unallocated 500 亩 left at the east end.
    z21_w = Q(2600)
    z21_h = target_m2(z["Z21"]["decl"]) / z21_w
    x = Q(-5200)
    g["zones", "Z21"] = rect(x, -250, x + z21_w, -250 + z21_h)
    for code in ("Z21c", "Z21b", "Z21a"):
        w = target_m2(z[code]["decl"]) / z21_h
        g["zones", code] = rect(x, -250, x + w, -250 + z21_h)
        x += w
    # 灵昆产业园 in the north-east of the island (北部, L1309; 东部, L941),
    # south of G330 (which would run along the north shore).
    z22_h = target_m2(z["Z22"]["decl"]) / 1600
    g["zones", "Z22"] = rect(-4300, 1700, -2700, 1700 + z22_h)

    # --- Projects placed by hand (areas from their primary figure).
    p = {d["code"]: d for d in PROJECTS}

    def up(code, x0, y0, width):
        """Rectangle of the project's primary area standing on (x0, y0)."""
        g["projects", code] = rect(x0, y0, Q(x0) + width,
                                   Q(y0) + target_m2(p[code]["decl"]) / width)

    # North half: oil depot beside the port land, kept 10 m inside the
    # plan boundary so that containment survives the lon/lat round trip;
    # then the industrial parks of 一期北片 (L325).
    g["projects", "P026"] = rect_wh(-800, 2390, 700,
                                    target_m2(p["P026"]["decl"]) / 700)
    up("P050", -950, 1450, 400)     # inside Z27a
    up("P049", -300, 1300, 500)
    up("P053", 400, 1500, 300)
    up("P065", 900, 1500, 250)
    # Z12: 中德 beside 安全产业园二期 in the north, 中天智控二期 beside the
    # 综保区拓展区 in the south, the pumping station below them.
    up("P123", 4900, -200 - target_m2(p["P123"]["decl"]) / 1600, 1600)
    up("P051b", 4900, -1800 - target_m2(p["P051b"]["decl"]) / 1600, 1600)
    up("P033", 4750, -3500, 100)
    up("P124", 1100, -2350, 1300)   # 一期东南角, south of the lake
    # Lingkun, inside Z20: the depot and facilities between 城中村改造 (Z21)
    # and 产业园 (Z22); the school field in the south (灵南); 九珑湖 hotel at
    # the west side of Z20.
    up("P005", -3600, 1250, 500)
    up("P006", -3050, 1250, 60)
    up("P172", -2950, 1250, 120)
    up("P184", -2800, 1250, 60)
    up("P187", -2800, 1400, 50)
    up("P027", -2650, 1450, 100)    # 昆东: the east end
    up("P126", -5000, 1300, 150)
    up("P186", -2700, -500, 80)     # south of Z21, on the south shore
    up("P185", -2750, 300, 50)      # Z21, east of its allotted parts
    # Projects whose zone the plan does not state, placed by assumption (their
    # notes say so).  一期北片: the industrial ones in code order, in a band
    # along the south edge of Z3 below 综保区 and the industrial parcel row.
    unstated = [(d["code"], target_m2(d["decl"])) for d in PROJECTS
                if d["parent"] == "Z3" and d["note"].startswith(NOTE_NZ3)]
    for k, ring in pack((-2450, 40, 2450, 560), unstated, 240).items():
        g["projects", k] = ring
    # 二期, north half: 中信 south of 中德 (P123), 忠旺 south of 安全产业园二期
    # (Z27b), both north of the 综保区拓展区 (Z16) and P051b.
    g["projects", "P120"] = rect_wh(4900, -1040, 1600,
                                    target_m2(p["P120"]["decl"]) / 1600)
    g["projects", "P122"] = rect_wh(2700, -1240, 2000,
                                    target_m2(p["P122"]["decl"]) / 2000)
    # 一期南片: the commercial building west of 博览中心 (Z28), between it and
    # 起步区 (Z8).
    up("P099", -660, -500, 120)
    # Outside the plan area: the 霓屿 quarry, east of 二期 across the water.
    up("P038", 7800, -1500, 600)
    # Public facilities of 新区 south of the E-16 row; the container street
    # sits directly south of the hospital (L1148).
    public = [("P169", target_m2(p["P169"]["decl"])),
              ("P176", target_m2(p["P176"]["decl"])),
              ("P175", target_m2(p["P175"]["decl"])),
              ("P177", target_m2(p["P177"]["decl"])),
              ("ROW",),
              ("P183", target_m2(p["P183"]["decl"])),
              ("P178", target_m2(p["P178"]["decl"])),
              ("P174", Fraction(p["P174"]["alt"]["num"])),  # follows m² figure
              ("P173", target_m2(p["P173"]["decl"])),
              ("P170", target_m2(p["P170"]["decl"])),
              ("P188a", target_m2(p["P188a"]["decl"])),
              ("P188b", target_m2(p["P188b"]["decl"]))]
    for k, ring in pack((-650, -2350, 950, -1600), public, 160).items():
        g["projects", k] = ring

    # --- Parcels.
    by_line = {d["line"]: d for d in PARCELS}

    def area_of(line):
        d = by_line[line]
        return target_m2(d["decl"]) if d["decl"] else UNSTATED_SIZE_M2[line]

    # E 街坊中片区 by hand: E-15-01 south of 博览中心, then the E-16 row.
    g["parcels", 1039] = rect(-500, -1000 - area_of(1039) / 800, 300, -1000)
    g["parcels", 1089] = rect(-500, -1500, -500 + area_of(1089) / 250, -1250)
    g["parcels", 1166] = rect(-330, -1500, -330 + area_of(1166) / 250, -1250)
    g["parcels", 1083] = rect(-150, -1500, -150 + area_of(1083) / 250, -1250)
    # Lingkun parcels in the village redevelopment area.
    g["parcels", 1055] = rect(-3000, 400, -2850, 400 + area_of(1055) / 150)
    g["parcels", 1082] = rect(-4000, 400, -3800, 400 + area_of(1082) / 200)

    # Industrial row (and the G block) in the north half.
    north = [1046, 1047, 1048, 1049, 1050, 1126]
    for k, ring in pack((-1000, 700, 2450, 1000),
                        [(n, area_of(n)) for n in north], 250).items():
        g["parcels", k] = ring
    # 起步区 blocks A, B, C in code order; A-02b's three rows side by side.
    qibu = [1084, 1093, 1094, 1095, 1147, 1156, 1077, 1051, 1052,
            1080, 1092, 1091, 1090, 1098, 1099, 1100, 1101,
            1102, 1103, 1104, 1157, 1142, 1056, 1081, 1105, 1106]
    items = []
    for n in qibu:
        if n == 1084:
            items.append(([1084, 1087, 1088],
                          [area_of(1084), area_of(1087), area_of(1088)]))
        else:
            items.append((n, area_of(n)))
    for k, ring in pack((-2450, -2350, -750, -50), items, 220).items():
        g["parcels", k] = ring
    # Remaining E parcels in code order in the east of the south half.
    e_lines = sorted((d["line"] for d in PARCELS
                      if d["code"].startswith("E-") and
                      ("parcels", d["line"]) not in g),
                     key=lambda n: by_line[n]["code"])
    for k, ring in pack((450, -1016, 2450, -50),
                        [(n, area_of(n)) for n in e_lines], 180).items():
        g["parcels", k] = ring

    # Shared footprints.
    for (layer, key), rule in GEOMETRY_FOLLOWS.items():
        if rule[0] == "same":
            g[layer, key] = list(g[rule[1], rule[2]])

    # --- 三区三线 layers and the three plan areas on their own.
    for code in AREAS:
        g["areas", code] = list(g["zones", code])
    g["urban_boundary", "UDB1"] = list(g["zones", "Z20"])
    g["eco_redline", "ECO1"] = list(g["zones", "Z18"])
    # 海螺湿地公园: free land in the north-east of 一期北片, south of Z31.
    g["eco_redline", "ECO2"] = rect(1400, 1150, 2400, 1850)
    # 灵昆湿地公园: the west tip of the island.
    g["eco_redline", "ECO3"] = rect(-12600, 850, -11100, 1450)
    # 瓯江南口湿地公园: on the flats of the south channel, off Lingkun's
    # south shore (outside the plan area).
    g["eco_redline", "ECO4"] = rect(-9000, -700, -6500, -250)
    # 中央绿廊 between 一期北片 and 南片 (the 90 m strip both leave free) and
    # 南堤滨水带 along the south edge of 一期; 4.9 km long, 50 and 40 m wide.
    g["eco_redline", "ECO5"] = rect(-2450, -30, 2450, 20)
    g["eco_redline", "ECO6"] = rect(-2450, -2400, 2450, -2360)
    # Farmland: the 中部 band of the island west of the boundary.
    g["farmland", "FARM1"] = rect(-8000, 700, -5600, 1400)
    g["farmland", "FARM2"] = rect(-10500, 700, -8100, 1400)
    return g


def build_roads(g):
    """Draw every feature of ROADS.  Returns {code: [(x, y), ...]} in local
    metres (exact Fractions on whole micrometres).

    Schematic, like the polygons, and drawn with east–west and north–south
    segments only (环岛南路 follows the shore).  The schematic island is
    narrower than the plan's north–south roads are long: 王相东路北段 (L28)
    and 昆九路南段 (L29) take an east–west step, and 瓯锦大道西延段 (L22) a
    north–south one to reach G330 north of the farmland; their notes say
    so.  The figures that fix the layout:
      昆九路 at x = -5170 (east of the farmland, west of the park);
      瓯锦互通 = 昆九路 + 829.613 (瓯锦大道西段, L19) is where G228 crosses;
      G330 at y = 2240 above 昆九路, so 昆九路北段 (1366.528 m) puts 瓯锦大道
      at y = 873.472;
      瓯江口大道西段 (约 3700 m) ends on G228's south end and starts at
      G330's bridgehead, which fixes that bridgehead.
    """
    def pl(*pts):
        return [(Q(x), Q(y)) for x, y in pts]

    z19 = g["zones", "Z19"]
    P1, P5 = z19[0], z19[4]            # south shore of 灵昆岛, east to west

    KJ = Q(-5170)                      # 昆九路
    HT = KJ + Q("829.613")             # 瓯锦互通, G228
    YG = Q(2240)                       # G330 above 昆九路
    YOJ = YG - Q("1366.528")           # 瓯锦大道 at 昆九路
    GAP = Q(-8050)                     # between FARM2 and FARM1
    # 瓯江口大道西段: bridgehead (XBH, 10) east to x = -5190, south to -290,
    # east to G228: (-5190 - XBH) + 300 + (HT + 5190) = 3700.
    XBH = Q(-5190) - (Q(3700) - 300 - (HT + 5190))
    YNW = YOJ + 1020                   # 瓯锦大道西延段 north of the farmland
    XKB = Q(-2675) - (Q(3900) - (YNW - 1645))   # 昆北路's west end
    XL6 = HT - 150 - (Q(1785) - (YG - YOJ))  # 连接线 leaves G330 here

    r = {}
    # --- 灵昆
    r["L4"] = pl((XBH, 10), (GAP, 10), (GAP, 2100), (-5400, 2100),
                 (-5400, YG), (-4400, YG), (-4400, 2300), (-2500, 2300))
    r["L20"] = pl((XBH, 10), (-5190, 10), (-5190, -290), (HT, -290))
    r["L5"] = pl((HT, 2300), (HT, 2300 - Q(3924)))
    r["L6"] = pl((XL6, YG), (XL6, 2000), (HT - 150, 2000), (HT - 150, YOJ))
    r["L23"] = pl((KJ, YG), (KJ, YOJ))
    r["L19"] = pl((KJ, YOJ), (HT, YOJ))
    r["L22"] = pl((KJ, YOJ), (-5300, YOJ), (-5300, YNW), (GAP, YNW))
    r["L29"] = pl((KJ, YOJ), (KJ, 650), (KJ + Q("1036.528"), 650),
                  (KJ + Q("1036.528"), -290))
    r["L27"] = pl((XKB, YNW), (XKB, 1645), (-2675, 1645))
    r["L28"] = pl((-3700, 1645), (-3700, 1000), (-2795, 1000), (-2795, 150))
    r["L21"] = pl((-2795, 150), (-6655, 150), (-6655, 10))
    r["L25"] = pl((-2795, -290), (-2795, Q("-171.6")))
    r["L24"] = pl((Q(-2795) - Q("975.6"), Q("-171.6")), (-2795, Q("-171.6")))
    r["L30"] = pl((-5275, 375), (-2575, 375))
    r["L31"] = pl((Q(-2575) - 940, 1100), (-2575, 1100))
    r["L32a"] = pl((-10600, 280), (-10600, 2000))
    r["L32b"] = pl((-2675, 1645), (-2675, 2300))
    r["L32c"] = pl(P1, P5)
    r["L32d"] = pl((-2575, -290), (-2575, 1218))
    r["L32e"] = pl((-2575, 1218), (KJ, 1218))
    # 灵昆产业园 roads: five east–west streets joined at alternate ends,
    # inside Z22 (x -4300..-2700, y 1700..2288.3).
    street = (Q(8064) - 4 * 120) / 5
    x0, x1 = Q(-3500) - street / 2, Q(-3500) + street / 2
    pts = []
    for i in range(5):
        y = 1760 + 120 * i
        pts += [(x0, y), (x1, y)] if i % 2 == 0 else [(x1, y), (x0, y)]
    r["L26"] = pl(*pts)
    r["L1"] = pl((-5480, -260), (-5480, YG))
    r["L2a"] = pl((-5480, YG), (-5480, YG + 7913))
    r["L2b"] = pl((-5520, YG), (-5520, YG + 3870))
    r["L8"] = pl((GAP, 2100), (GAP, 2100 + 3000))
    r["L9"] = pl((-6000, 10), (-6000, -1990))
    r["L18a"] = pl((XBH, 10), (-5190, 10), (-5190, -290), (-2500, -290),
                   (-2475, -290))
    r["L18b"] = list(r["L27"])
    r["L18c"] = pl((GAP, YNW), (-5300, YNW), (-5300, YOJ), (HT, YOJ))
    r["L18d"] = list(reversed(r["L21"]))
    r["L18e"] = pl((KJ, YG), (KJ, 650), (KJ + Q("1036.528"), 650),
                   (KJ + Q("1036.528"), -290))
    # Rail: S2 north–south through the 灵昆枢纽站 (-4700, 30), which S1
    # reaches from 瓯江南口 before running east through 一期 beside the
    # 中央绿廊.
    r["L15"] = pl((-4700, 30000), (-4700, 30000 - 63000))
    r["L13"] = pl((-4950, -1500), (-4950, 30), (-2500, 30), (2500, 30))
    r["L14"] = pl((2500, 30), (8000, 30))

    # --- 一期: a ring road round it (灵霓大道 north and east, 瓯江口大道 west
    # and south) and the 六横 north to south in the free bands between the
    # sample's blocks: 瓯帆路 300, 瓯锦大道 -40, 瓯绣大道 -550 (west of 雁升路),
    # 瓯石路 -1585; 雁升路 along 起步区's east edge, 雁辉路 and 雁鸿路 in gaps.
    r["L16a"] = pl((-2475, 1990), (2475, 1990), (2475, -2355))
    r["L16f"] = pl((-2475, 1990), (-2475, -2355), (2475, -2355))
    r["L16b"] = pl((-2475, 300), (2500, 300), (2600, 300))
    r["L16c"] = pl((-2475, -40), (2475, -40))
    r["L16d"] = pl((-2475, -550), (-700, -550))
    r["L16e"] = pl((-2475, -1585), (2475, -1585))
    r["L33a"] = pl((-880, -550), (-880, -40))
    r["L33b"] = pl((-700, -40), (-700, -2355))
    r["L33c"] = pl((990, 300), (990, -40))
    r["L33d"] = pl((-2475, -2355), (-700, -2355))
    r["L33e"] = pl((-880, -550), (-700, -550))
    r["L33f"] = pl((-700, -40), (990, -40))
    r["L33g"] = pl((990, 300), (2500, 300), (2600, 300))
    r["L3"] = pl((-2475, -2355), (-2475, Q(-2355) - 2470))
    # 南堤: 一期's west edge south of 灵昆, its south edge, 二期's west edge.
    r["L44"] = pl((-2500, -600), (-2500, -2400), (2500, -2400),
                  (2500, Q(-2400) - (Q("7720.75") - 1800 - 5000)))

    # --- 二期: the other three 纵; S211 towards 洞头.
    r["L17c"] = pl((2600, -3750), (2600, 350))
    r["L17d"] = pl((4725, -3750), (4725, 180))
    r["L17a"] = pl((6600, -3750), (6600, 45))
    r["L7"] = pl((12000, 180), (4725, 180))

    # --- 灵霓北堤 from 灵昆's east end along 一期's north edge to 霓屿; the
    # 77 省道 pavement (L12) runs on it and on along a port section.
    r["L45"] = pl((-2500, 2400), (2500, 2400), (8100, 2400), (8100, -900))
    dike = Q(100) + 5000 + 5600 + 3300
    r["L12"] = pl((-2500, 2300), (-2500, 2400), (2500, 2400), (8100, 2400),
                  (8100, -900), (8100 + Q(22240) - dike, -900))
    return r


# ---------------------------------------------------------------------------
# Quantisation, exact area and topology checks (integer micrometres).

def quantise(ring):
    return [(round(x * MICRO), round(y * MICRO)) for x, y in ring]


def area_um2(ring):
    s = 0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return Fraction(s, 2)


def cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def is_convex_ccw(ring):
    n = len(ring)
    return all(cross(ring[i], ring[(i + 1) % n], ring[(i + 2) % n]) >= 0
               for i in range(n))


def within(inner, outer):
    """True if every vertex of inner is inside or on convex CCW outer."""
    n = len(outer)
    return all(cross(outer[i], outer[(i + 1) % n], p) >= 0
               for i in range(n) for p in inner)


def interiors_disjoint(a, b):
    """Separating-axis test for two convex rings; touching counts as disjoint."""
    for ring in (a, b):
        n = len(ring)
        for i in range(n):
            (x0, y0), (x1, y1) = ring[i], ring[(i + 1) % n]
            nx, ny = y0 - y1, x1 - x0
            pa = [nx * x + ny * y for x, y in a]
            pb = [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return True
    return False


def check_layout(geoms):
    """Assert areas, containment and the absence of unplanned overlaps."""
    errors = []
    q = {k: quantise(r) for k, r in geoms.items()}
    zones = {d["code"]: d for d in ZONES}
    area = {k: area_um2(r) / MICRO ** 2 for k, r in q.items()}

    # Areas.
    def expect(key, decl_or_m2):
        t = decl_or_m2 if isinstance(decl_or_m2, Fraction) else target_m2(decl_or_m2)
        rel = abs(area[key] - t) / t
        if rel > Fraction(1, 10 ** 7):
            errors.append("%s: area %.6f, expected %.6f" %
                          (key, float(area[key]), float(t)))

    expect(("boundary", "Z1"), BOUNDARY["decl"])
    for d in ZONES:
        if d["decl"]:
            expect(("zones", d["code"]), d["decl"])
    for d in PARCELS:
        k = ("parcels", d["line"])
        rule = GEOMETRY_FOLLOWS.get(k)
        if rule:
            continue
        expect(k, d["decl"] if d["decl"] else UNSTATED_SIZE_M2[d["line"]])
    for d in PROJECTS:
        k = ("projects", d["code"])
        rule = GEOMETRY_FOLLOWS.get(k)
        if rule == ("alt",):
            expect(k, d["alt"])
        elif rule is None:
            expect(k, d["decl"])
    tiles = [("zones", c) for c in ("Z2", "Z12", "Z19")]
    if sum(area[t] for t in tiles) != area["boundary", "Z1"]:
        errors.append("Z1 is not the sum of Z2, Z12 and Z19")
    for i, a in enumerate(tiles):
        for b in tiles[i + 1:]:
            if not interiors_disjoint(q[a], q[b]):
                errors.append("%s overlaps %s" % (a, b))

    # Every ring except the boundary is convex and counter-clockwise.
    for k, r in q.items():
        if k[0] != "boundary" and not is_convex_ccw(r):
            errors.append("%s: not convex counter-clockwise" % (k,))

    # Parent = smallest zone containing the feature; no partial overlap with
    # any zone.
    zone_keys = [("zones", c) for c in zones]
    feats = ([("zones", d["code"], d["parent"]) for d in ZONES] +
             [("parcels", d["line"], d["parent"]) for d in PARCELS] +
             [("projects", d["code"], d["parent"]) for d in PROJECTS])
    for layer, key, parent in feats:
        k = (layer, key)
        containing = []
        for zk in zone_keys:
            if zk == k:
                continue
            if within(q[k], q[zk]):
                containing.append(zk)
            elif not (within(q[zk], q[k]) or interiors_disjoint(q[k], q[zk])):
                errors.append("%s partially overlaps %s" % (k, zk))
        if parent is None:
            # Outside the plan area: in no zone and clear of the three
            # areas whose union is the plan boundary.
            if containing or not all(interiors_disjoint(q[k], q[t])
                                     for t in tiles):
                errors.append("%s: parent NULL but not outside Z1" % (k,))
            continue
        if parent in ("Z1",):
            if containing:
                errors.append("%s: top-level area inside %s" % (k, containing))
            continue
        if not containing:
            errors.append("%s: not inside any zone" % (k,))
            continue
        smallest = min(containing, key=lambda zk: area[zk])
        if smallest[1] != parent:
            errors.append("%s: parent %s but smallest containing zone is %s"
                          % (k, parent, smallest[1]))

    # 三区三线 layers and the areas layer.
    check_lines(q, area, expect, zone_keys, tiles, errors)

    # Parcels and projects do not overlap each other, except as allowed.
    others = ([("parcels", d["line"]) for d in PARCELS] +
              [("projects", d["code"]) for d in PROJECTS])
    for i, a in enumerate(others):
        for b in others[i + 1:]:
            if interiors_disjoint(q[a], q[b]):
                continue
            if (a, b) in ALLOWED_OVERLAPS or (b, a) in ALLOWED_OVERLAPS:
                continue
            fa, fb = GEOMETRY_FOLLOWS.get(a), GEOMETRY_FOLLOWS.get(b)
            if q[a] == q[b] and (fa == ("same",) + b or fb == ("same",) + a or
                                 (fa is not None and fa[0] == "same" and
                                  fa == fb)):
                continue
            errors.append("%s overlaps %s" % (a, b))
    if errors:
        raise SystemExit("layout check failed:\n  " + "\n  ".join(errors))
    return q


LINE_LAYERS = (("urban_boundary", URBAN_BOUNDARY), ("eco_redline", ECO_REDLINE),
               ("farmland", FARMLAND))


def check_lines(q, area, expect, zone_keys, tiles, errors):
    """The 三区三线 layers: areas, same land as their zone, parents, the
    lines clear of each other, construction clear of the red lines and every
    Lingkun parcel and project inside the town development boundary."""
    same = {("urban_boundary", "UDB1"): ("zones", "Z20"),
            ("eco_redline", "ECO1"): ("zones", "Z18")}
    for code in AREAS:
        same["areas", code] = ("zones", code)
    for k, z in same.items():
        if q[k] != q[z]:
            errors.append("%s is not the land of %s" % (k, z))
    lines = []
    for layer, rows in LINE_LAYERS:
        for d in rows:
            k = (layer, d["code"])
            lines.append(k)
            if d["decl"]:
                expect(k, d["decl"])
            # parent: the smallest zone containing it, other than its own
            containing = [zk for zk in zone_keys
                          if zk != same.get(k) and within(q[k], q[zk])]
            if d["parent"] is None:
                if containing or not all(interiors_disjoint(q[k], q[t])
                                         for t in tiles):
                    errors.append("%s: parent NULL but not outside Z1" % (k,))
            elif not containing:
                errors.append("%s: not inside any zone" % (k,))
            else:
                smallest = min(containing, key=lambda zk: area[zk])[1]
                if smallest != d["parent"]:
                    errors.append("%s: parent %s but smallest containing zone "
                                  "is %s" % (k, d["parent"], smallest))
    for i, a in enumerate(lines):
        for b in lines[i + 1:]:
            if not interiors_disjoint(q[a], q[b]):
                errors.append("%s overlaps %s" % (a, b))
    # Construction (every parcel and project but the ECO ones) stays off the
    # red lines and the farmland; Lingkun's lies inside the boundary.
    udb = q["urban_boundary", "UDB1"]
    built = ([(("parcels", d["line"]), d) for d in PARCELS] +
             [(("projects", d["code"]), d) for d in PROJECTS])
    for k, d in built:
        if d["land_use"] == "ECO":
            continue
        for ln in lines:
            if ln[0] != "urban_boundary" and not interiors_disjoint(q[k], q[ln]):
                errors.append("%s overlaps %s" % (k, ln))
        if d["parent"] in LINGKUN_ZONES and not within(q[k], udb):
            errors.append("%s: in Lingkun but outside UDB1" % (k,))


# ---------------------------------------------------------------------------
# Roads: checks on the quantised lines.

# Main direction of each feature (sum of its east–west against its north–
# south run); None for links, the park's roads and the dikes.
ROAD_AXIS = {c: "EW" for c in (
    "L4", "L7", "L12", "L13", "L14", "L16a", "L16b", "L16c", "L16d", "L16e",
    "L16f", "L18a", "L18b", "L18c", "L18d", "L19", "L20", "L21", "L22",
    "L24", "L27", "L30", "L31", "L32c", "L32e", "L33d", "L33e", "L33f",
    "L33g")}
ROAD_AXIS.update({c: "NS" for c in (
    "L1", "L2a", "L2b", "L3", "L5", "L8", "L9", "L15", "L17a", "L17c",
    "L17d", "L18e", "L23", "L25", "L28", "L29", "L32a", "L32b", "L32d",
    "L33a", "L33b", "L33c")})

# Zones each feature lies in, segment by segment (None: it leaves the plan
# area: bridges, rail lines, dikes, links to 洞头).
ROAD_ZONES = {c: ("Z19",) for c in (
    "L1", "L4", "L6", "L18b", "L18c", "L18d", "L18e", "L19", "L20", "L21",
    "L22", "L23", "L24", "L25", "L27", "L28", "L29", "L30", "L31", "L32a",
    "L32b", "L32c", "L32d", "L32e")}
ROAD_ZONES.update({c: ("Z2",) for c in (
    "L16a", "L16c", "L16d", "L16e", "L16f", "L33a", "L33b", "L33c", "L33d",
    "L33e", "L33f")})
ROAD_ZONES.update({c: ("Z12",) for c in ("L17a", "L17c", "L17d")})
ROAD_ZONES.update({"L16b": ("Z2", "Z12"), "L33g": ("Z2", "Z12"),
                   "L44": ("Z2", "Z12"), "L18a": ("Z19", "Z2"),
                   "L26": ("Z22",)})

# Lines that may cross the interior of a parcel, project, ecological area or
# farmland, because the plan puts them there.
ROAD_CROSSINGS = {
    ("L26", ("projects", "P096")),       # the park's own roads
    ("L33c", ("eco_redline", "ECO5")),   # across the 中央绿廊 belt
}

# Features that share a stretch of line: a network road and its printed
# segments, and the 77 省道 pavement on 灵霓北堤.
ROAD_SHARED = {
    ("L18a", "L20"), ("L18b", "L27"), ("L18c", "L19"), ("L18c", "L22"),
    ("L18d", "L21"), ("L18e", "L23"), ("L18e", "L29"), ("L16f", "L33d"),
    ("L16d", "L33e"), ("L16c", "L33f"), ("L16b", "L33g"), ("L12", "L45"),
}

# Connections of the layout, checked with the printed ones (from_code,
# to_code): (code, 0 = start / -1 = end, codes the end lies on).
ROAD_ENDS = [
    ("L2a", 0, ("L1",)), ("L3", 0, ("L16f",)), ("L5", 0, ("L4",)),
    ("L6", 0, ("L4",)), ("L6", -1, ("L19",)),
    ("L7", -1, ("L17d",)), ("L8", 0, ("L4",)), ("L9", 0, ("L20",)),
    ("L12", 0, ("L4",)), ("L14", 0, ("L13",)),
    ("L16a", 0, ("L16f",)), ("L16a", -1, ("L16f",)),
    ("L16b", 0, ("L16f",)), ("L16b", -1, ("L17c",)),
    ("L16c", 0, ("L16f",)), ("L16c", -1, ("L16a",)),
    ("L16d", 0, ("L16f",)), ("L16d", -1, ("L33b",)),
    ("L16e", 0, ("L16f",)), ("L16e", -1, ("L16a",)),
    ("L18a", -1, ("L16f",)),
    ("L19", 0, ("L23", "L29")), ("L19", -1, ("L5",)),
    ("L20", 0, ("L4",)), ("L20", -1, ("L5",)),
    ("L21", 0, ("L28",)), ("L21", -1, ("L20",)),
    ("L22", 0, ("L23", "L29")), ("L22", -1, ("L4",)),
    ("L23", 0, ("L4",)), ("L23", -1, ("L19", "L22")),
    ("L24", -1, ("L25",)), ("L25", 0, ("L18a",)),
    ("L27", 0, ("L22",)), ("L27", -1, ("L32b",)),
    ("L28", 0, ("L27",)), ("L28", -1, ("L21",)),
    ("L29", 0, ("L19", "L22")), ("L29", -1, ("L18a",)),
    ("L30", -1, ("L32d",)), ("L31", -1, ("L32d",)),
    ("L32b", -1, ("L4",)), ("L32d", 0, ("L18a",)), ("L32d", -1, ("L32e",)),
    ("L32e", -1, ("L23",)),
    ("L33a", 0, ("L16d",)), ("L33a", -1, ("L16c",)),
    ("L33b", 0, ("L16c",)), ("L33b", -1, ("L16f",)),
    ("L33c", 0, ("L16b",)), ("L33c", -1, ("L16c",)),
    ("L33d", 0, ("L3",)), ("L33d", -1, ("L33b",)),
    ("L33e", 0, ("L33a",)), ("L33e", -1, ("L33b",)),
    ("L33f", 0, ("L33b",)), ("L33f", -1, ("L33c",)),
    ("L33g", 0, ("L33c",)), ("L33g", -1, ("L17c",)),
    ("L44", 0, ("L32c",)), ("L45", 0, ("L12",)),
]


def on_segment(p, a, b):
    """True if point p lies on the closed segment a-b (integers)."""
    return (cross(a, b, p) == 0 and
            min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and
            min(a[1], b[1]) <= p[1] <= max(a[1], b[1]))


def on_line(p, pts):
    return any(on_segment(p, pts[i], pts[i + 1]) for i in range(len(pts) - 1))


def crosses_interior(a, b, ring):
    """True if the segment a-b meets the interior of the convex CCW ring:
    clip it to the closed polygon, then test the middle of what is left."""
    t0, t1 = Fraction(0), Fraction(1)
    n = len(ring)
    d = (b[0] - a[0], b[1] - a[1])
    for i in range(n):
        p, q = ring[i], ring[(i + 1) % n]
        # inside: cross(p, q, x) >= 0, linear in t along the segment
        f0 = cross(p, q, a)
        df = (q[0] - p[0]) * d[1] - (q[1] - p[1]) * d[0]
        if df == 0:
            if f0 < 0:
                return False
            continue
        t = Fraction(-f0, df)
        if df > 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    tm = (t0 + t1) / 2
    m = (a[0] + tm * d[0], a[1] + tm * d[1])
    return all(cross(ring[i], ring[(i + 1) % n], m) > 0 for i in range(n))


def shared_stretch(s, t):
    """True if segments s and t overlap along a stretch of positive length."""
    (a, b), (c, d) = s, t
    if cross(a, b, c) != 0 or cross(a, b, d) != 0:
        return False
    k = 0 if a[0] != b[0] else 1
    lo = max(min(a[k], b[k]), min(c[k], d[k]))
    hi = min(max(a[k], b[k]), max(c[k], d[k]))
    return hi > lo


def check_roads(lines, q):
    """Quantise the roads and check them against the printed facts and the
    polygons; returns {code: [(x_um, y_um), ...]}."""
    errors = []
    rows = {d["code"]: d for d in ROADS}
    if sorted(lines) != sorted(rows) or len(rows) != len(ROADS):
        raise SystemExit("roads: features and table differ")
    ql = {}
    for code, pts in lines.items():
        ql[code] = quantise(pts)
        if any(x * MICRO != round(x * MICRO) or y * MICRO != round(y * MICRO)
               for x, y in pts):
            errors.append("%s: not on whole micrometres" % code)
    segs = {c: list(zip(p, p[1:])) for c, p in ql.items()}
    for code, d in rows.items():
        run = {"EW": 0, "NS": 0}
        total = 0
        for a, b in segs[code]:
            if a == b:
                errors.append("%s: empty segment" % code)
            if a[0] != b[0] and a[1] != b[1] and code != "L32c":
                errors.append("%s: segment neither east–west nor "
                              "north–south" % code)
            run["EW"] += abs(b[0] - a[0])
            run["NS"] += abs(b[1] - a[1])
            total += abs(b[0] - a[0]) + abs(b[1] - a[1])
        # Printed length, exact (every line with one is axis-parallel).
        if d["length"] and d["length"]["m"] is not None:
            want = Fraction(d["length"]["m"]) * MICRO
            if total != want:
                errors.append("%s: length %s m, printed %s m" %
                              (code, Fraction(total, MICRO), d["length"]["m"]))
        axis = ROAD_AXIS.get(code)
        other = {"EW": "NS", "NS": "EW"}.get(axis)
        if axis and run[axis] < run[other]:
            errors.append("%s: not mainly %s" % (code, axis))
        # Inside its zones, segment by segment.
        zones = ROAD_ZONES.get(code)
        if zones:
            for a, b in segs[code]:
                if not any(within([a, b], q["zones", z]) for z in zones):
                    errors.append("%s: segment %s-%s outside %s" %
                                  (code, a, b, "/".join(zones)))
        # Clear of parcels, projects, ecological areas and farmland.
        for k, ring in q.items():
            if k[0] not in ("parcels", "projects", "eco_redline", "farmland"):
                continue
            if any(crosses_interior(a, b, ring) for a, b in segs[code]):
                if (code, k) not in ROAD_CROSSINGS:
                    errors.append("%s crosses %s" % (code, k))
            elif (code, k) in ROAD_CROSSINGS:
                errors.append("%s: listed crossing of %s not drawn" %
                              (code, k))
        # A segment lies on its network road.
        if d["part_of"]:
            net = segs[d["part_of"]]
            for a, b in segs[code]:
                if not any(on_segment(a, c, e) and on_segment(b, c, e)
                           for c, e in net):
                    errors.append("%s: not on %s" % (code, d["part_of"]))
    printed = [(d["code"], i, (t,)) for d in ROADS
               for i, t in zip((0, -1), d["ends"]) if t]
    for code, end, targets in ROAD_ENDS + printed:
        p = ql[code][end]
        if not any(on_line(p, ql[t]) for t in targets):
            errors.append("%s: %s not on %s" %
                          (code, "start" if end == 0 else "end",
                           "/".join(targets)))
    codes = [d["code"] for d in ROADS]
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            shared = any(shared_stretch(s, t)
                         for s in segs[a] for t in segs[b])
            if shared != ((a, b) in ROAD_SHARED or (b, a) in ROAD_SHARED):
                errors.append("%s and %s: shared stretch %s" %
                              (a, b, "unexpected" if shared else "missing"))
    if errors:
        raise SystemExit("roads check failed:\n  " + "\n  ".join(errors))
    return ql


# ---------------------------------------------------------------------------
# 用地用海 codes.

def landuse_classes(path=LANDUSE_TABLE):
    """{code: (level, Chinese name)} from the classification table."""
    classes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            classes[cols[0]] = (int(cols[1]), cols[3])
    return classes


def ydyh_key(d):
    """A parcel's key in YDYH: its code, with the qualifier if it has one."""
    return d["code"] + ("/" + d["code_sfx"] if d["code_sfx"] else "")


def assign_ydyh(classes):
    """{key: (code, name) or None} for every key of YDYH, checked: each key
    is a feature, named once; every parcel and project, and every zone with
    a land_use, has a row; each code is a first- or second-level class."""
    errors = []
    keys = {d["code"] for d in ZONES} | {d["code"] for d in PROJECTS} | \
        {ydyh_key(d) for d in PARCELS}
    out = {}
    for code, row_keys, _ in YDYH:
        if code is not None and (code not in classes or
                                 classes[code][0] not in (1, 2)):
            errors.append("%s: not a first- or second-level class" % code)
        for k in row_keys:
            if k not in keys:
                errors.append("%s: no such feature" % k)
            if k in out:
                errors.append("%s: listed twice" % k)
            out[k] = (code, classes[code][1]) if code in classes else None
    need = [ydyh_key(d) for d in PARCELS] + [d["code"] for d in PROJECTS] + \
        [d["code"] for d in ZONES if d["land_use"]]
    errors += ["%s: no ydyh row" % k for k in need if k not in out]
    if errors:
        raise SystemExit("ydyh table check failed:\n  " + "\n  ".join(errors))
    return out


# ---------------------------------------------------------------------------
# Writing.

def coord(v_um, origin_m):
    t = origin_m * MICRO + v_um
    assert t > 0
    return "%d.%06d" % divmod(t, MICRO)


def wkt(ring_um):
    pts = ring_um + ring_um[:1]
    return "POLYGON((%s))" % ",".join(
        "%s %s" % (coord(x, ORIGIN_E), coord(y, ORIGIN_N)) for x, y in pts)


def wkt_line(pts_um):
    return "LINESTRING(%s)" % ",".join(
        "%s %s" % (coord(x, ORIGIN_E), coord(y, ORIGIN_N)) for x, y in pts_um)


def road_record(d):
    ln, rl, lt = d["length"] or {}, d["red"] or {}, d["land"] or {}
    return {
        "code": d["code"], "name": d["name"], "class": d["cls"],
        "network": d["network"], "part_of": d["part_of"],
        "status": d["status"], "status_text": d["status_text"],
        "status_alt_text": d["status_alt"],
        "length_m": ln.get("m"), "length_text": ln.get("text"),
        "length_approx": ln.get("aprx"),
        "red_line_m": rl.get("m"), "red_line_alt_m": rl.get("alt"),
        "red_line_text": rl.get("text"),
        "land_take": lt.get("num"), "land_take_unit": lt.get("unit"),
        "land_take_approx": lt.get("aprx"), "land_take_text": lt.get("text"),
        "land_take_scope": lt.get("scope"),
        "from_to": d["from_to"], "from_to_alt": d["from_to_alt"],
        "from_code": d["ends"][0], "to_code": d["ends"][1],
        "seed_line": d["line"],
        "source_lines": ",".join(str(n) for n in d["lines"]),
        "note": d["note"],
    }


def record(kind, code, d, sfx=None, ydyh=None):
    """ydyh: (code, name) of the feature's 用地用海 class, or None."""
    decl, alt_fig = d["decl"], d["alt"]
    return {
        "code": code, "code_sfx": sfx, "name": d["name"], "kind": kind,
        "parent": d["parent"], "land_use": d["land_use"],
        "ydyh": ydyh[0] if ydyh else None,
        "ydyh_name": ydyh[1] if ydyh else None,
        "decl_area": decl["num"] if decl else None,
        "decl_unit": decl["unit"] if decl else None,
        "decl_aprx": decl["aprx"] if decl else None,
        "decl_text": decl["text"] if decl else None,
        "alt_area": alt_fig["num"] if alt_fig else None,
        "alt_unit": alt_fig["unit"] if alt_fig else None,
        "alt_text": alt_fig["text"] if alt_fig else None,
        "seed_line": d["line"], "note": d["note"],
    }


def write_csv(path, rows, flavour, fields=FIELDS, csvt=CSVT):
    """Write rows (list of (wkt, record)) as CSV plus a .csvt type file."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["WKT"] + fields)
        for geom, rec in rows:
            w.writerow([geom] + ["" if rec[n] is None else rec[n]
                                 for n in fields])
    types = ["WKT"]
    for n in fields:
        t = csvt[flavour].get(n)
        if t is None:
            t = "String(%d)" % SHP_WIDTH[n] if flavour == "shp" else "String"
        types.append('"%s"' % t)
    with open(path[:-4] + ".csvt", "w", encoding="ascii", newline="") as f:
        f.write(",".join(types) + "\n")


def check_gbk(rows):
    """The Shapefile is GBK: every text must encode and fit its width."""
    for _, rec in rows:
        for n, width in SHP_WIDTH.items():
            v = rec[n]
            if v is None:
                continue
            try:
                size = len(str(v).encode("gbk"))
            except UnicodeEncodeError:
                raise SystemExit("not GBK-encodable: %s %s=%r" %
                                 (rec["code"], n, v))
            if size > width:
                raise SystemExit("too long for the DBF: %s %s (%d > %d bytes)"
                                 % (rec["code"], n, size, width))


def ogr2ogr(args, nlt="POLYGON"):
    cmd = ["ogr2ogr", "--config", "OGR_CURRENT_DATE", CURRENT_DATE,
           "-oo", "EMPTY_STRING_AS_NULL=YES", "-oo", "KEEP_GEOM_COLUMNS=NO",
           "-nlt", nlt] + args
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0 or res.stderr.strip():
        raise SystemExit("ogr2ogr failed (%d): %s\n%s" %
                         (res.returncode, " ".join(cmd),
                          res.stderr.decode("utf-8", "replace")))


def generate(out_dir):
    layout = build_layout()
    geoms = check_layout(layout)
    lines = check_roads(build_roads(layout), geoms)
    yd = assign_ydyh(landuse_classes())

    bnd = [(wkt(geoms["boundary", "Z1"]),
            record("boundary", "Z1", BOUNDARY))]
    zon = [(wkt(geoms["zones", d["code"]]),
            record("zone", d["code"], d, ydyh=yd.get(d["code"])))
           for d in ZONES]
    par = [(wkt(geoms["parcels", d["line"]]),
            record("parcel", d["code"], d, d["code_sfx"], yd[ydyh_key(d)]))
           for d in PARCELS]
    pro = [(wkt(geoms["projects", d["code"]]),
            record("project", d["code"], d, ydyh=yd[d["code"]]))
           for d in PROJECTS]
    zone_by_code = {d["code"]: d for d in ZONES}
    extra = [("areas", [(wkt(geoms["areas", c]),
                         record("zone", c, zone_by_code[c], ydyh=yd.get(c)))
                        for c in AREAS])]
    for layer, rows in LINE_LAYERS:
        extra.append((layer, [(wkt(geoms[layer, d["code"]]),
                               record(layer, d["code"], d)) for d in rows]))
    rds = [(wkt_line(lines[d["code"]]), road_record(d)) for d in ROADS]
    check_gbk(par)

    desc = ("Schematic sample derived from the Wenzhou Oujiangkou industrial "
            "cluster 14th five-year plan (seed 003); geometry approximate, "
            "areas controlled by scripts/make_sample_oujiangkou.py")
    rdesc = ("Schematic sample derived from the Wenzhou Oujiangkou industrial "
             "cluster 14th five-year plan (seed 003): its roads, rail lines, "
             "bridges and dikes as printed; geometry approximate, printed "
             "lengths controlled by scripts/make_sample_oujiangkou.py")
    with tempfile.TemporaryDirectory(prefix="oujiangkou-") as tmp:
        def src(name, rows, flavour):
            path = os.path.join(tmp, name + ".csv")
            write_csv(path, rows, flavour)
            return path

        build = os.path.join(tmp, "out")
        os.mkdir(build)
        gpkg = os.path.join(build, "oujiangkou.gpkg")
        ogr2ogr(["-f", "GPKG", "-a_srs", "EPSG:4549", "-unsetFieldWidth",
                 "-lco", "GEOMETRY_NAME=geom", "-lco", "DESCRIPTION=" + desc,
                 "-nln", "plan_boundary", gpkg,
                 src("plan_boundary", bnd, "gpkg")])
        ogr2ogr(["-update", "-f", "GPKG", "-a_srs", "EPSG:4549",
                 "-unsetFieldWidth",
                 "-lco", "GEOMETRY_NAME=geom", "-lco", "DESCRIPTION=" + desc,
                 "-nln", "zones", gpkg, src("zones", zon, "gpkg")])
        for layer, rows in extra:
            ogr2ogr(["-update", "-f", "GPKG", "-a_srs", "EPSG:4549",
                     "-unsetFieldWidth",
                     "-lco", "GEOMETRY_NAME=geom", "-lco", "DESCRIPTION=" + desc,
                     "-nln", layer, gpkg, src(layer, rows, "gpkg")])
        path = os.path.join(tmp, "roads.csv")
        write_csv(path, rds, "gpkg", ROAD_FIELDS, ROAD_CSVT)
        ogr2ogr(["-update", "-f", "GPKG", "-a_srs", "EPSG:4549",
                 "-unsetFieldWidth",
                 "-lco", "GEOMETRY_NAME=geom", "-lco", "DESCRIPTION=" + rdesc,
                 "-nln", "roads", gpkg, path], nlt="LINESTRING")
        ogr2ogr(["-f", "ESRI Shapefile", "-a_srs", "EPSG:4549",
                 "-lco", "ENCODING=GBK",
                 "-lco", "DBF_DATE_LAST_UPDATE=" + DBF_DATE,
                 "-nln", "parcels", os.path.join(build, "parcels.shp"),
                 src("parcels", par, "shp")])
        # The SQLite dialect turns unset CSV numbers into explicit nulls so
        # every GeoJSON feature carries every property.  Eleven decimals of a
        # degree (about 1 µm) keep each polygon's area, reprojected back to
        # EPSG:4549, within 1e-7 of its target even for the smallest one.
        ogr2ogr(["-f", "GeoJSON", "-s_srs", "EPSG:4549", "-t_srs", "EPSG:4326",
                 "-unsetFieldWidth", "-lco", "RFC7946=NO",
                 "-lco", "COORDINATE_PRECISION=11",
                 "-lco", "DESCRIPTION=" + desc,
                 "-dialect", "SQLite", "-sql", "SELECT * FROM projects",
                 "-nln", "projects", os.path.join(build, "projects.geojson"),
                 src("projects", pro, "geojson")])

        made = sorted(os.listdir(build))
        if made != sorted(OUTPUT_FILES):
            raise SystemExit("unexpected outputs: %s" % made)
        os.makedirs(out_dir, exist_ok=True)
        for name in OUTPUT_FILES:
            shutil.copyfile(os.path.join(build, name),
                            os.path.join(out_dir, name))
    return ([("plan_boundary", len(bnd)), ("zones", len(zon))] +
            [(layer, len(rows)) for layer, rows in extra] +
            [("roads", len(rds))] +
            [("parcels", len(par)), ("projects", len(pro))])


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(
        description="Generate the schematic Oujiangkou sample data set.")
    ap.add_argument("--out", default=os.path.join(root, "gis", "oujiangkou"),
                    help="output directory (default: gis/oujiangkou in the "
                         "repository)")
    args = ap.parse_args(argv)
    if shutil.which("ogr2ogr") is None:
        sys.stderr.write("make_sample_oujiangkou: ogr2ogr not found on PATH\n")
        return 2
    counts = generate(args.out)
    sys.stderr.write("make_sample_oujiangkou: %s\n" %
                     ", ".join("%s %d" % c for c in counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
