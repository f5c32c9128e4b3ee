#!/usr/bin/env python3
"""Generate the Jin-Li-Wen corridor sample data set in gis/jinliwen/.

The sample is DERIVED from facts printed in four planning documents of
Zhejiang, as extracted in plan-facts/jinliwen-corridor-000-004.md:

  000  金丽温开放大通道建设规划 (2023-10), seeds/000_e32c35dbc18a3632.txt
  001  金华市推进"一带一路"建设"十四五"发展规划 (征求意见稿, c. 2021),
       seeds/001_c4fad20f516d251d.txt
  002  义乌市长三角一体化发展"十四五"规划 (c. 2021),
       seeds/002_1c230cbe6f0712d9.txt
  004  深耕金义都市区开放发展和一体化发展 (金华市人民政府, c. 2019),
       seeds/004_9b82f50526058228.txt

Every fact used is transcribed below as a data table with the document and
line it comes from ("000:L68" = document 000, line 68); this script never
reads those files, so the repository regenerates without them.

What is real and what is not:
  * Names, codes of the fact extraction (A01, L25, N17b ...), statuses,
    figures and printed phrases are copied as printed in the documents.
  * Coordinates are approximate general knowledge (the facts file's "GK"
    seats and hub positions), not surveyed and not from the texts: the
    documents print no coordinate, length or area of any line or place.
  * THE GEOMETRY IS SCHEMATIC.  The city polygons are simple polygons
    drawn by hand around those seats, adjacent cities sharing their edges
    vertex for vertex so that they tile without gaps or overlaps; they are
    not real boundaries and no real boundary was used to make them.  Every
    line is a polyline through the seats and hubs its route names.

Outputs (in EPSG:4490, CGCS2000 longitude/latitude):
  jinliwen.gpkg     layers cities (5 prefecture-level cities), lines (20
                    corridors, railways, expressways and the waterway) and
                    hubs (32 hubs, port areas and other nodes)
  counties.geojson  the one county-level unit a rule needs (义乌, A14)
  expected-findings.txt  the finding ids plancheck should report on
                    plan.yaml, computed here independently of plancheck

Usage: python3 scripts/make_sample_jinliwen.py [--out DIR] [--report]
Needs Python 3 (standard library) and the ogr2ogr command (GDAL).  The
output is byte-for-byte reproducible for a given GDAL/PROJ version.
"""

import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile

CURRENT_DATE = "2023-10-01T00:00:00.000Z"  # GeoPackage timestamps (000's date)

# EPSG:4549, CGCS2000 / 3-degree Gauss-Kruger CM 120E: its area of use.
LON_MIN, LON_MAX = 118.5, 121.5

# ---------------------------------------------------------------------------
# Places: approximate positions (GK = general knowledge of the fact
# extraction, not from the texts), lon, lat in degrees.  The row of the facts
# file each comes from is given; the routes and hubs below refer to them by
# name.

PLACES = {
    # §5a seats of cities and counties (±3 km for seats)
    "温州": (120.70, 28.00, "A01"),
    "鹿城": (120.65, 28.02, "A02"),
    "乐清": (120.98, 28.11, "A06"),
    "永嘉": (120.69, 28.15, "A07"),
    "文成": (120.09, 27.79, "A08"),
    "苍南": (120.43, 27.52, "A10"),
    "金华": (119.65, 29.08, "A12"),
    "义乌": (120.07, 29.31, "A14"),
    "苏溪": (120.12, 29.41, "A14 (town)"),
    "兰溪": (119.46, 29.21, "A15"),
    "东阳": (120.24, 29.29, "A16"),
    "横店": (120.31, 29.15, "A16 (town)"),
    "永康": (120.04, 28.89, "A17"),
    "浦江": (119.89, 29.45, "A18"),
    "武义": (119.82, 28.90, "A19"),
    "磐安": (120.45, 29.05, "A20"),
    "丽水": (119.92, 28.45, "A21"),
    "青田": (120.29, 28.14, "A22"),
    "缙云": (120.09, 28.66, "A23"),
    "景宁": (119.64, 27.97, "A24"),
    "松阳": (119.48, 28.45, "A25"),
    "龙泉": (119.14, 28.07, "A26"),
    "庆元": (119.06, 27.62, "A28"),
    "遂昌": (119.28, 28.59, "A29"),
    "台州": (121.42, 28.66, "A30"),
    "衢州": (118.87, 28.94, "A31"),
    "宁波": (121.55, 29.87, "A32"),
    "杭州": (120.16, 30.27, "A33"),
    "建德": (119.28, 29.47, "A33"),
    "武夷山": (118.03, 27.76, "A37"),
    "宁德": (119.55, 26.66, "A37"),
    "福州": (119.30, 26.08, "A37"),
    "福鼎": (120.22, 27.32, "N69"),
    # §2a hubs on the routes
    "温州港": (120.95, 27.95, "N01"),
    "乐清湾港区": (121.06, 28.24, "N02"),
    "瓯江港区": (120.78, 28.00, "N06"),
    "温溪": (120.42, 28.09, "N17a"),
    "船寮": (120.17, 28.20, "N17c"),
    "腊口": (120.10, 28.27, "N17d"),
    "鹿城西部": (120.57, 28.03, "N18"),
    "永康东": (120.10, 28.92, "N19"),
    "兰溪枢纽": (119.48, 29.20, "N20"),
}

# ---------------------------------------------------------------------------
# Cities: schematic polygons.  Nodes are shared by the polygons that meet
# there, so neighbours have identical edges.  Rings are listed
# counter-clockwise.  Nothing here is a real boundary: the nodes are placed
# so that every seat and hub of the facts lies in its own city (with the
# margins checked below), 建德 and 杭州 outside, and everything between
# 118.5 E and 121.5 E.

NODES = {
    "q1": (118.50, 28.35), "q2": (119.10, 28.45), "t3": (119.35, 28.72),
    "q4": (119.35, 29.25), "q5": (118.50, 29.25),
    "j1": (119.35, 29.45), "j2": (119.75, 29.65), "j3": (120.45, 29.65),
    "j4": (120.60, 29.25), "t5": (120.60, 28.85), "t6": (120.35, 28.72),
    "t7": (120.45, 28.45),
    "z1": (121.50, 29.25), "z2": (121.50, 28.40),
    "w1": (121.25, 28.40), "w2": (121.25, 27.70), "w3": (120.75, 27.40),
    "w4": (119.45, 27.40),
    "b1": (119.60, 27.70), "b2": (119.85, 28.05), "b3": (120.35, 27.98),
    "b4": (120.50, 28.05),
    "l1": (119.00, 27.40), "l2": (118.75, 27.70),
}

# code, name, level, member, ring (node names), source, note
CITIES = [
    dict(code="A01", name="温州", level="地级市", member="yes",
         ring=["w4", "w3", "w2", "w1", "t7", "b4", "b3", "b2", "b1"],
         source="000:L11",
         note="一极 (000:L57, L59); seat 120.70, 28.00 (GK)"),
    dict(code="A12", name="金华", level="地级市", member="yes",
         ring=["t3", "t6", "t5", "j4", "j3", "j2", "j1", "q4"],
         source="000:L11",
         note="一核 (000:L57, L61); seat 119.65, 29.08 (GK)"),
    dict(code="A21", name="丽水", level="地级市", member="yes",
         ring=["q1", "l2", "l1", "w4", "b1", "b2", "b3", "b4", "t7", "t6",
               "t3", "q2"],
         source="000:L11",
         note="一区 (000:L57, L63); seat 119.92, 28.45 (GK)"),
    dict(code="A30", name="台州", level="地级市", member="no",
         ring=["t7", "w1", "z2", "z1", "j4", "t5", "t6"],
         source="000:L11",
         note="联动 (linked, not a member, 000:L11); seat 121.42, 28.66 "
              "(GK); cut at 121.5 E, the edge of EPSG:4549"),
    dict(code="A31", name="衢州", level="地级市", member="no",
         ring=["q1", "q2", "t3", "q4", "q5"],
         source="000:L11",
         note="联动 (linked, not a member, 000:L11); seat 118.87, 28.94 "
              "(GK); cut at 118.5 E, the edge of EPSG:4549"),
]

# The one county-level unit a rule needs: 义乌, for the targets of its own
# plan (002) against those of its city (001).  A box around its seat, inside
# 金华, holding its hubs and not 东阳, 浦江 or 横店.
COUNTIES = [
    dict(code="A14", name="义乌", level="县级市", parent="A12",
         ring=[(119.92, 29.16), (120.20, 29.16), (120.20, 29.50),
               (119.92, 29.50)],
         source="002:L14",
         note="county-level city of 金华; seat 120.07, 29.31 (GK); box "
              "drawn around it (schematic)"),
]

# 2025 targets printed for 金华 (001) and for 义乌 (002), facts §4c I07-I10:
# (field prefix, value, unit, printed phrase, doc:line)
TARGETS = {
    "A12": {
        "xbec": (1400, "亿元", "跨境电商零售进出口额达到 1400 亿元", "001:L41"),
        "import": (1000, "亿元", "全市进口贸易额超过 1000 亿元", "001:L51"),
        "trains": (3000, "列", "中欧班列（义新欧）年开行量达到 3000 列",
                   "001:L37"),
        "digital": (1500, "亿元", "数字贸易达到 1500 亿元", "001:L41"),
    },
    "A14": {
        "xbec": (1800, "亿元", "跨境电商交易额达1800亿元", "002:L32"),
        "import": (1000, "亿元", "力争实现进口贸易1000亿元", "002:L58"),
        "trains": (3000, "列", "“义新欧”班列突破3000列", "002:L33"),
        "digital": (1500, "亿元", "全区数字贸易规模达1500亿元", "002:L61"),
    },
}
TARGET_NOTES = {
    "A12": "2025 targets of 金华's 一带一路 plan (001)",
    "A14": "2025 targets of 义乌's 长三角 plan (002); also 义乌 "
           "进口贸易1000亿元 in 001:L109-L111 and 义乌平台 3000列 in 002:L77",
}

# ---------------------------------------------------------------------------
# Lines.  route: names of PLACES in order; "|E" / "|W" after a name means the
# route continues towards that place but is cut where it leaves EPSG:4549's
# area of use (121.5 E / 118.5 E).  status: the plan's status in the domain
# 建成/在建/规划/前期/研究, normalised as in facts §0 from the newest document
# that prints one (None: the newest document prints none in the domain);
# status_2019/2021/2023: the same from 004 / 001+002 / 000.
# scope: member (the corridor's own lines, inside 温州, 金华, 丽水) or
# linking (lines the plan ties to a linked or outside area, 000:L11, L79-L85,
# or whose named end lies outside the three cities).  network 金丽温: the
# trunk and its branches (facts R01: L01, L25, L27-L30, L80; L26, L28, L29
# are not drawn).

def line(code, name, kind, route, status, status_text, status_src,
         scope, scope_src, source, sources, network=None, s19=None,
         s21=None, s23=None, status_alt=None, from_code=None, to_code=None,
         from_name=None, to_name=None, note=None):
    return dict(code=code, name=name, kind=kind, route=route, status=status,
                status_text=status_text, status_src=status_src,
                status_alt=status_alt, status_2019=s19, status_2021=s21,
                status_2023=s23, scope=scope, scope_src=scope_src,
                network=network, from_name=from_name, to_name=to_name,
                from_code=from_code, to_code=to_code, source=source,
                sources=sources, note=note)


LINES = [
    line("L01", "金丽温开放大通道（金丽温主通道）", "corridor",
         ["义乌", "金华", "武义", "永康", "缙云", "丽水", "青田", "温州",
          "温州港"],
         None, "三年见成效…五年大发展…八年树品牌", "000:L51",
         "member", "000:L11", "000:L7",
         "000:L1, L7, L11, L51, L81, L172", network="金丽温",
         from_name="义乌", to_name="温州港",
         note="the plan's trunk (金丽温主通道, 000:L81); route GK: 义乌 – 金华 "
              "– 武义 – 永康 – 缙云 – 丽水 – 青田 – 温州 – 温州港; a corridor, "
              "so no construction status (2025 初具雏形, 2027 基本建成, "
              "2030 全面建成)"),
    line("L02", "义甬舟开放大通道（义甬舟运输走廊）", "corridor",
         ["衢州", "金华", "义乌", "东阳", "宁波|E"],
         None, "积极参与义甬舟大通道西延建设", "002:L14",
         "linking", "000:L81 (向西联动义甬舟)", "000:L7",
         "000:L7, L44, L61, L81; 001:L61, L115; 002:L8, L14, L16, L24, "
         "L53, L68, L70; 004:L11, L45",
         from_name="衢州", to_name="宁波",
         note="Y字形交汇 with L01 (000:L7) at 金华—义乌 (000:L81); route GK: "
              "西延 衢州 – 金华 – 义乌 – 东阳 – 宁波; cut at 121.5 E towards "
              "宁波 (121.55 E) and 舟山; the 西延 beyond 衢州 (江西) not drawn"),
    line("L20", "衢宁铁路", "rail",
         ["衢州", "遂昌", "松阳", "龙泉", "庆元", "宁德"],
         "建成", "衢宁铁路…开通运行", "000:L28",
         "linking", "000:L81 (谋划与衢宁铁路货运直连的通道); ends in 宁德 (福建)",
         "000:L28", "000:L28, L81", s23="建成",
         from_name="衢州", to_name="宁德",
         note="route GK: 衢州 – 遂昌 – 松阳 – 龙泉 – 庆元 – 宁德 (shares 衢州 – "
              "遂昌 – 松阳 with L22 in this drawing)"),
    line("L21", "金台铁路", "rail",
         ["金华", "永康东", "台州"],
         "建成", "金台铁路开通运行", "000:L28",
         "linking", "000:L83 (强化…对台州的辐射带动，提升金台铁路物流通道)",
         "000:L28", "000:L28, L75, L83; 004:L13", s19="在建", s23="建成",
         from_name="金华", to_name="台州",
         note="2019: 建设有序推进 (004:L13); through 永康东货站 (N19, 000:L75); "
              "route GK: 金华 – 永康东 – 台州 (仙居, 临海 have no position "
              "in the facts)"),
    line("L22", "衢丽铁路", "rail",
         ["衢州", "遂昌", "松阳", "丽水"],
         "在建", "衢丽铁路开工建设", "000:L28",
         "linking", "000:L81 (联动衢州西向枢纽…加快衢丽铁路建设)",
         "000:L28", "000:L28, L81", s23="在建", to_code="L25",
         from_name="衢州", to_name="丽水",
         note="推动开通货运功能 (000:L81): ends on 金温铁路 (L25) at 丽水 "
              "(inferred); route GK: 衢州 – 遂昌 – 松阳 – 丽水"),
    line("L23", "杭温铁路（杭温高铁）", "rail",
         ["杭州", "浦江", "义乌", "横店", "磐安", "永嘉", "温州"],
         "在建", "杭温铁路预计2024年建成通车", "000:L28",
         "linking", "ends in 杭州; component of 合金温通道 (000:L81)",
         "000:L28", "000:L28, L81; 002:L9, L70; 004:L13",
         s19="在建", s21="在建", s23="在建",
         from_name="杭州", to_name="温州",
         note="2019: 一期建设有序推进 (004:L13); 2021: 重点建设…杭温高铁一期 "
              "(002:L9); route GK: 杭州 – 浦江 – 义乌 – 横店 – 磐安 – (仙居) – "
              "永嘉 – 温州; 一期 = 义乌 – 温州"),
    line("L24", "金建铁路", "rail",
         ["金华", "兰溪", "建德"],
         None, "完善金建铁路后方通道", "000:L73",
         "linking", "ends in 建德 (杭州)", "000:L73", "000:L73; 004:L13",
         s19="前期",
         from_name="金华", to_name="建德",
         note="2019: 前期工作全面展开 (004:L13); the 2023 plan prints no "
              "status in the domain (完善…后方通道); route GK: 金华 – 兰溪 – "
              "建德"),
    line("L25", "金温货线（金温铁路）", "rail",
         ["金华", "武义", "永康", "缙云", "丽水", "青田", "鹿城西部", "温州"],
         "规划", "推进金温货线扩能改造", "000:L73",
         "member", "000:L81 (提升金丽温主通道能力…推动金温货线运输结构调整)",
         "000:L73", "000:L73, L75, L81, L158", network="金丽温", s23="规划",
         status_alt="推动金温货线运输结构调整，适时开展扩能改造 (000:L81); "
                    "重点实施金温货线扩能改造 (000:L158)",
         from_name="金华", to_name="温州",
         note="status is that of the 扩能改造 (upgrade) the plan names; the "
              "line itself exists (GK); 金温货线 = the old 金温铁路 (inferred); "
              "through 鹿城西部 (N18: 金温铁路鹿城段, 温州西铁路货运站场, "
              "000:L75); route GK"),
    line("L27", "乐清湾铁路支线", "rail",
         ["乐清", "乐清湾港区"],
         "建成", "乐清湾铁路支线建成投运", "000:L26",
         "member", "inside 温州; branch of the corridor network (facts R01)",
         "000:L26", "000:L26, L88", network="金丽温", s23="建成",
         status_alt="适时研究推进乐清湾铁路支线单线改双线 (000:L88)",
         from_name="乐清", to_name="乐清湾港区",
         note="ends at 乐清湾港区 (N02); leaves the coastal mainline near "
              "乐清 (甬台温铁路, GK), which the four texts never name, so "
              "no from_code"),
    line("L30", "兰溪铁路专用线", "rail",
         ["兰溪", "兰溪枢纽"],
         "规划", "规划建设铁公水多式联运港区、堆场、内外贸码头、铁路专用线等",
         "000:L75",
         "member", "inside 金华; branch of the corridor network (facts R01)",
         "000:L75", "000:L75", network="金丽温", s23="规划",
         from_code="L24", from_name="兰溪", to_name="兰溪铁公水多式联运枢纽",
         note="spur to N20; its mainline is not printed: drawn from 兰溪 "
              "on L24 (GK route, low)"),
    line("L32", "杭丽铁路", "rail",
         ["杭州", "建德", "金华", "武义", "丽水"],
         "前期", "有序推进杭丽铁路…项目前期", "000:L81",
         "linking", "ends in 杭州", "000:L81", "000:L81", s23="前期",
         from_name="杭州", to_name="丽水",
         note="route GK (low): 杭州 – 建德 – 金华 – 武义 – 丽水"),
    line("L33", "温武吉铁路", "rail",
         ["温州", "青田", "景宁", "龙泉", "武夷山|W"],
         "前期", "推动温武吉铁路尽快开工", "000:L81",
         "linking", "ends in 吉安 (江西) via 武夷山 (福建)",
         "000:L81", "000:L81, L158", s23="前期",
         from_name="温州", to_name="吉安",
         note="千亿工程 温武吉铁路建设 (000:L158); route GK (low): 温州 – "
              "青田 – 景宁 – 龙泉 – 武夷山 – 吉安; cut at 118.5 E"),
    line("L34", "甬台温福高铁", "rail",
         ["宁波|E", "台州", "乐清", "温州", "苍南", "福鼎", "宁德", "福州"],
         "规划", "加快甬台温福高铁建设", "000:L83",
         "linking", "000:L83 (向北融入长三角); ends in 宁波 and 福州",
         "000:L83", "000:L83", s23="规划",
         from_name="宁波", to_name="福州",
         note="route GK (low); cut at 121.5 E towards 宁波"),
    line("L35", "金甬铁路", "rail",
         ["金华", "义乌", "苏溪", "东阳", "宁波|E"],
         "在建", "推动金甬铁路双层高箱集装箱示范线路建设投运", "001:L61",
         "linking", "ends in 宁波", "001:L61",
         "001:L61; 002:L9, L70; 004:L13", s19="在建", s21="在建",
         from_name="金华", to_name="宁波",
         note="2019: 建设有序推进 (004:L13); 2021: 重点建设 (002:L9); "
              "route GK: 金华 – 义乌 (苏溪) – 东阳 – 宁波; cut at 121.5 E"),
    line("L51", "文成至景宁高速", "highway",
         ["文成", "景宁"],
         "建成", "文成至景宁高速…建成通车", "000:L28",
         "member", "both ends inside the three cities", "000:L28", "000:L28",
         s23="建成", from_name="文成", to_name="景宁"),
    line("L53", "青田至文成高速公路", "highway",
         ["青田", "文成"],
         "在建", "青田至文成高速公路…开工建设", "000:L28",
         "member", "000:L81 (提升金丽温主通道能力…加快青田—文成高速)",
         "000:L28", "000:L28, L81", s23="在建", from_code="L01",
         from_name="青田", to_name="文成",
         note="加快建设 (000:L81); starts on the trunk at 青田 (inferred)"),
    line("L54", "建德至武义高速公路", "highway",
         ["建德", "兰溪", "金华", "武义"],
         "在建", "建德至武义高速公路…开工建设", "000:L28",
         "linking", "ends in 建德 (杭州); component of 合金温通道 (000:L81)",
         "000:L28", "000:L28, L81", s23="在建",
         from_name="建德", to_name="武义",
         note="route GK (low): 建德 – 兰溪 – 金华 – 武义"),
    line("L57", "乐永青高速", "highway",
         ["乐清", "永嘉", "青田"],
         "规划", "加快…乐永青高速等项目建设", "000:L81",
         "member", "000:L81 (提升金丽温主通道能力…加快…乐永青高速)",
         "000:L81", "000:L81", s23="规划", to_code="L01",
         from_name="乐清", to_name="青田",
         note="ends on the trunk at 青田 (inferred)"),
    line("L60", "义龙庆高速", "highway",
         ["义乌", "武义", "松阳", "龙泉", "庆元"],
         "规划", "加快义龙庆高速建设", "000:L85",
         "member", "both ends inside the three cities (000:L85 向南)",
         "000:L85", "000:L85; 002:L70", s21="规划", s23="规划",
         from_name="义乌", to_name="庆元",
         note="2021: 加快义龙高速义乌段 (002:L70); route GK (low)"),
    line("L80", "瓯江航道（瓯江内河航道）", "waterway",
         ["丽水", "腊口", "船寮", "青田", "温溪", "鹿城西部", "鹿城",
          "瓯江港区", "温州港"],
         "建成", "完成瓯江航道整治主体工程，建成四级航道", "000:L28",
         "member", "inside 丽水 and 温州", "000:L28",
         "000:L28, L90, L158", network="金丽温", s23="建成",
         status_alt="推动瓯江航道“四改三” (000:L90); 瓯江内河航道复兴 "
                    "(000:L158)",
         from_name="丽水", to_name="温州港",
         note="四级 now, 三级 planned; drawn through the river hubs the plan "
              "places on it (腊口, 船寮, 青田, 温溪, 鹿城西部, 瓯江港区)"),
]

# ---------------------------------------------------------------------------
# Hubs.  role: 2+6 (000:L68), port (port areas of 温州港), operation_area
# (作业区 of N17), inland_port_site (core sites of N09, 000:L26), airport,
# bonded_zone, linked_hub, logistics_cluster (004:L15).  tier: core / key
# of the 2+6.  city: code of the city it lies in.  county: the county-level
# unit as the texts name it (None when they name none); county_now: the
# same unit today (GK).  water: river / sea for hubs the plan gives water
# transport.  lines: the lines the plan says serve the hub (linked = yes);
# max_dist_m: a mode-specific distance to them (water 1000 m, facts R02).
# at: a name of PLACES, or (lon, lat), or None (cannot be placed).

def hub(code, name, role, city, at, source, sources, tier=None,
        part_of=None, county=None, county_now=None, water=None, lines=None,
        lines_src=None, max_dist_m=None, parts=None, placed=None, note=None,
        cargo=None):
    return dict(code=code, name=name, role=role, tier=tier, part_of=part_of,
                city=city, county=county,
                county_now=county_now if county_now else county,
                water=water, linked="yes" if lines else "no", lines=lines,
                lines_src=lines_src, max_dist_m=max_dist_m,
                parts_announced=parts[0] if parts else None,
                parts_text=parts[1] if parts else None,
                parts_src=parts[2] if parts else None,
                at=at, placed=placed, source=source, sources=sources,
                note=note, cargo=cargo)


HUBS = [
    hub("N01", "温州港（温州港近洋国际航运中心）", "2+6", "A01", "温州港",
        "000:L68", "000:L7, L26, L51, L68, L71", tier="core", water="sea",
        lines="L01;L80", lines_src="000:L7 (L01); 000:L90 (L80)",
        parts=(7, "一港七区", "000:L26"),
        placed="Ou estuary, generic (GK, ±30 km)",
        note="core 1 of the 2+6; the trunk and the waterway end here"),
    hub("N02", "乐清湾港区（C区、A区二期）", "port", "A01", "乐清湾港区",
        "000:L71", "000:L26, L71, L88", part_of="N01", county="乐清",
        water="sea", lines="L27", lines_src="000:L26, L88",
        placed="GK, ±10 km, low",
        note="core port area (000:L26); 34 km from the trunk, reached by "
             "乐清湾铁路支线 L27"),
    hub("N03", "状元岙港区", "port", "A01", (121.05, 27.88),
        "000:L71", "000:L26, L71, L88, L90", part_of="N01", county="洞头",
        water="sea", placed="GK, ±8 km, low",
        note="core port area (000:L26); its rail branch (L28) is only to be "
             "studied (000:L88) and is not drawn"),
    hub("N04", "大小门岛港区", "port", "A01", (121.07, 27.97),
        "000:L26", "000:L26, L88", part_of="N01", county="洞头",
        water="sea", placed="GK, ±8 km, low",
        note="core port area (000:L26); GK 大门镇, 洞头; its rail branch "
             "(L29) is only to be studied (000:L88) and is not drawn"),
    hub("N05", "苍南港区舥槽作业区", "port", "A01", (120.63, 27.52),
        "000:L71", "000:L71", part_of="N01", county="苍南",
        county_now="龙港", water="sea", placed="GK, ±8 km, low",
        note="county from the port area's name; 舥艚 has been in 龙港 "
             "since 2019 (GK); the plan names no line to it, only "
             "温州南部港区配套航道、锚地 (000:L71)"),
    hub("N06", "瓯江港区", "port", "A01", "瓯江港区",
        "000:L90", "000:L90", part_of="N01", water="river",
        lines="L80", lines_src="000:L90", max_dist_m=1000,
        placed="GK, ±10 km, low",
        note="海河联运码头 (000:L90); 鹿城/龙湾 (GK)"),
    hub("N09", "金华—义乌国际陆港（金义国际陆港）", "2+6", "A12", "金华",
        "000:L68", "000:L7, L26, L42, L68, L73, L93, L97; 001:L37",
        tier="core", lines="L01;L02", lines_src="000:L7, L81",
        placed="composite (金华 and 义乌), drawn at 金华 (GK)",
        note="core 2 of the 2+6; Y字形交汇 of L01 and L02 (000:L7); core "
             "sites N10, N11, N12 (000:L26)"),
    hub("N10", "华东国际联运港（杨梅塘基地）", "inland_port_site", "A12",
        (119.62, 29.04), "000:L26", "000:L26, L61, L73, L139; 001:L129-L131",
        part_of="N09", placed="GK, ±15 km, low",
        note="金华市区; 国家铁路一级中心站 standard (000:L73)"),
    hub("N11", "义乌西铁路货场", "inland_port_site", "A12", (120.00, 29.29),
        "000:L26", "000:L26, L73; 002:L70", part_of="N09", county="义乌",
        placed="GK, ±5 km, low"),
    hub("N12", "义乌（苏溪）国际枢纽港", "inland_port_site", "A12", "苏溪",
        "000:L26", "000:L26, L73; 002:L73, L74", part_of="N09", county="义乌",
        placed="GK, ±5 km, low", note="苏溪镇; 区域性海铁联运中转枢纽 (002:L73)"),
    hub("N15", "温州龙湾国际航空枢纽（温州机场）", "2+6", "A01",
        (120.852, 27.912), "000:L68", "000:L68, L75, L158", tier="key",
        county="龙湾", placed="GK, ±2 km, hi",
        note="开工建设温州机场三期工程 (000:L75)"),
    hub("N16", "丽水机场（丽水机场空公水联运枢纽）", "2+6", "A21",
        (119.85, 28.39), "000:L68", "000:L26, L68, L75, L139, L158",
        tier="key", placed="GK, ±15 km, low",
        note="预计于2024年建成通航 (000:L26); 莲都 (GK)"),
    hub("N17", "青田浙西南海河联运枢纽", "2+6", "A21", "青田",
        "000:L68", "000:L26, L68, L75, L93, L158", tier="key", county="青田",
        water="river", lines="L80", lines_src="000:L90, L158",
        max_dist_m=1000, parts=(4, "温溪、港头、船寮、腊口四个重要作业区",
                                "000:L75"),
        placed="county seat (GK, ±10 km)",
        note="丽水浙西南海河联运中心港 (000:L26)"),
    hub("N17a", "温溪作业区", "operation_area", "A21", "温溪",
        "000:L75", "000:L75", part_of="N17", county="青田", water="river",
        placed="GK, ±5 km, low", note="温溪镇"),
    hub("N17b", "港头作业区", "operation_area", "A21", None,
        "000:L75", "000:L75", part_of="N17", water="river",
        placed="cannot be placed",
        note="place not verified: 港头 (青田) or 大港头 (莲都), GK "
             "uncertain: no geometry"),
    hub("N17c", "船寮作业区", "operation_area", "A21", "船寮",
        "000:L75", "000:L75", part_of="N17", county="青田", water="river",
        placed="GK, ±6 km, low", note="船寮镇"),
    hub("N17d", "腊口作业区", "operation_area", "A21", "腊口",
        "000:L75", "000:L75", part_of="N17", county="青田", water="river",
        placed="GK, ±6 km, low", note="腊口镇"),
    hub("N18", "鹿城西部多式联运枢纽", "2+6", "A01", "鹿城西部",
        "000:L68", "000:L68, L75", tier="key", county="鹿城", water="river",
        lines="L25", lines_src="000:L75", placed="GK, ±8 km, low",
        note="铁公水一体 (000:L75): 金温铁路鹿城段迁建 and 温州西铁路货运站场 "
             "搬迁 (研究推进)"),
    hub("N19", "永康东铁路物流枢纽", "2+6", "A12", "永康东",
        "000:L68", "000:L26, L61, L68, L75, L139", tier="key", county="永康",
        lines="L21", lines_src="000:L75", placed="GK, ±8 km, low",
        note="以金台铁路永康东货站为依托 (000:L75)"),
    hub("N20", "兰溪铁公水多式联运枢纽", "2+6", "A12", "兰溪枢纽",
        "000:L68", "000:L68, L75", tier="key", county="兰溪", water="river",
        lines="L30", lines_src="000:L75", placed="GK, ±8 km, low",
        note="铁公水 (000:L75): 铁路专用线 L30 and 内外贸码头, but no "
             "waterway is named in the texts (兰江/衢江, GK)"),
    hub("N21", "金义国际机场（义乌机场迁建）", "airport", "A12", None,
        "000:L73", "000:L73, L158; 001:L63; 002:L73; 004:L13",
        placed="cannot be placed",
        note="前期; site stated in none of the texts: no geometry; also "
             "金华义乌国际机场 (001:L63, 002:L73) and 浙中国际机场 (004:L13)"),
    hub("N22", "义乌机场（义乌空港）", "airport", "A12", (120.032, 29.345),
        "002:L73", "001:L37, L63; 002:L9, L73, L74", county="义乌",
        placed="GK, ±2 km, hi",
        note="金华's only civil airport (GK): both 2025 cargo targets are "
             "its own",
        cargo=((100000, "机场货邮吞吐量达到 10 万吨", "001:L37"),
               (25000, "货邮吞吐量2.5万吨以上", "002:L73"))),
    hub("N25", "金义综合保税区", "bonded_zone", "A12", (119.80, 29.15),
        "001:L51", "001:L51, L53, L115; 004:L49", placed="GK, ±8 km, low",
        note="金义新区 (GK 金东)"),
    hub("N26", "义乌综合保税区", "bonded_zone", "A12", (120.04, 29.35),
        "002:L74", "001:L53; 002:L12, L55, L74", county="义乌",
        placed="GK, ±5 km, low"),
    hub("N30", "温州综保区", "bonded_zone", "A01", (120.83, 27.94),
        "000:L149", "000:L149", placed="GK, ±8 km, low", note="龙湾 (GK)"),
    hub("N32", "衢州西向枢纽", "linked_hub", "A31", "衢州",
        "000:L81", "000:L81", lines="L22", lines_src="000:L81",
        placed="city seat (GK)", note="联动衢州西向枢纽 (000:L81)"),
    hub("N40a", "义乌国际陆港", "logistics_cluster", "A12", (120.05, 29.30),
        "004:L15", "004:L15, L45; 002:L74", county="义乌",
        placed="GK, ±6 km, low"),
    hub("N40b", "浙中公铁联运港", "logistics_cluster", "A12", (119.72, 29.08),
        "004:L15", "004:L15", placed="GK, ±10 km, low", note="金华市区"),
    hub("N40c", "金华国际物流园", "logistics_cluster", "A12", (119.62, 29.10),
        "004:L15", "004:L15", placed="GK, ±10 km, low", note="金华市区"),
    hub("N40d", "兰溪嘉宝物流园", "logistics_cluster", "A12", (119.48, 29.20),
        "004:L15", "004:L15", county="兰溪", placed="GK, ±8 km, low"),
    hub("N40e", "东阳国际物流园", "logistics_cluster", "A12", (120.24, 29.27),
        "004:L15", "004:L15", county="东阳", placed="GK, ±8 km, low"),
    hub("N40f", "永康现代物流园", "logistics_cluster", "A12", (120.05, 28.90),
        "004:L15", "004:L15", county="永康", placed="GK, ±8 km, low"),
]

# Counts the plan prints for a role (facts R09, Q08, Q11).
ROLE_COUNTS = [("2+6", 8, "“2+6”多层次枢纽节点体系", "000:L68"),
               ("logistics_cluster", 6, "6 个物流产业聚集区", "004:L15")]

STATUS_DOMAIN = ["建成", "在建", "规划", "前期", "研究"]
STATUS_RANK = {"研究": 1, "规划": 2, "前期": 3, "在建": 4, "建成": 5}

# The rules of plan.yaml, as this script computes them (keep in step).
R01_ROLES = ("2+6", "port")       # near: within 25 km of the 金丽温 network
R01_MAX_M = 25000
HUB_LINE_MAX_M = 2000             # near: each named line (max_dist_m wins)
WATER_MAX_M = 1000                # near: river hubs within 1 km of a waterway
LINES_WITHIN_TOL_M = 100
LINES_WITHIN_MIN_PCT = 90
SNAP_M = 50
Y_JUNCTION_M = 5000

# ---------------------------------------------------------------------------
# EPSG:4549: transverse Mercator on the CGCS2000 ellipsoid, CM 120E, k0 = 1,
# false easting 500 km.  Krüger's series to n^6 (Karney 2011), as PROJ's
# tmerc: sub-millimetre within the zone.

A_AXIS = 6378137.0
FLAT = 1 / 298.257222101
LON0 = 120.0
FALSE_E = 500000.0


def _tm_constants():
    n = FLAT / (2 - FLAT)
    a_rect = A_AXIS / (1 + n) * (1 + n ** 2 / 4 + n ** 4 / 64 + n ** 6 / 256)
    alpha = [
        n / 2 - 2 * n ** 2 / 3 + 5 * n ** 3 / 16 + 41 * n ** 4 / 180
        - 127 * n ** 5 / 288 + 7891 * n ** 6 / 37800,
        13 * n ** 2 / 48 - 3 * n ** 3 / 5 + 557 * n ** 4 / 1440
        + 281 * n ** 5 / 630 - 1983433 * n ** 6 / 1935360,
        61 * n ** 3 / 240 - 103 * n ** 4 / 140 + 15061 * n ** 5 / 26880
        + 167603 * n ** 6 / 181440,
        49561 * n ** 4 / 161280 - 179 * n ** 5 / 168
        + 6601661 * n ** 6 / 7257600,
        34729 * n ** 5 / 80640 - 3418889 * n ** 6 / 1995840,
        212378941 * n ** 6 / 319334400,
    ]
    e = math.sqrt(FLAT * (2 - FLAT))
    return a_rect, alpha, e


TM_A, TM_ALPHA, TM_E = _tm_constants()


def project(lon, lat):
    """lon, lat (degrees, CGCS2000) -> easting, northing (m, EPSG:4549)."""
    phi = math.radians(lat)
    lam = math.radians(lon - LON0)
    s = math.sin(phi)
    t = math.sinh(math.atanh(s) - TM_E * math.atanh(TM_E * s))
    xi_p = math.atan2(t, math.cos(lam))
    eta_p = math.atanh(math.sin(lam) / math.sqrt(1 + t * t))
    xi, eta = xi_p, eta_p
    for j, a in enumerate(TM_ALPHA, 1):
        xi += a * math.sin(2 * j * xi_p) * math.cosh(2 * j * eta_p)
        eta += a * math.cos(2 * j * xi_p) * math.sinh(2 * j * eta_p)
    return FALSE_E + TM_A * eta, TM_A * xi


# ---------------------------------------------------------------------------
# Planar geometry in EPSG:4549 (plancheck reprojects vertices and keeps the
# segments straight, as here).

def seg_point_dist(p, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx +
                                                (p[1] - ay) * dy) / L2))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def line_point_dist(p, pts):
    return min(seg_point_dist(p, pts[i], pts[i + 1])
               for i in range(len(pts) - 1))


def seg_seg_dist(a, b, c, d):
    if seg_intersect(a, b, c, d):
        return 0.0
    return min(seg_point_dist(a, c, d), seg_point_dist(b, c, d),
               seg_point_dist(c, a, b), seg_point_dist(d, a, b))


def line_line_dist(p, q):
    return min(seg_seg_dist(p[i], p[i + 1], q[j], q[j + 1])
               for i in range(len(p) - 1) for j in range(len(q) - 1))


def cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def seg_intersect(a, b, c, d):
    d1, d2 = cross(c, d, a), cross(c, d, b)
    d3, d4 = cross(a, b, c), cross(a, b, d)
    if ((d1 > 0) != (d2 > 0) and d1 != 0 and d2 != 0 and
            (d3 > 0) != (d4 > 0) and d3 != 0 and d4 != 0):
        return True
    return any(v == 0 and seg_point_dist(p, s, e) == 0
               for v, p, s, e in ((d1, a, c, d), (d2, b, c, d),
                                  (d3, c, a, b), (d4, d, a, b)))


def ring_area(ring):
    return sum(ring[i][0] * ring[(i + 1) % len(ring)][1] -
               ring[(i + 1) % len(ring)][0] * ring[i][1]
               for i in range(len(ring))) / 2


def inside(p, ring):
    """Point in polygon (even-odd); points on the boundary are not asked."""
    x, y = p
    c = False
    n = len(ring)
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i], ring[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            if x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                c = not c
    return c


def ring_dist(p, ring):
    return min(seg_point_dist(p, ring[i], ring[(i + 1) % len(ring)])
               for i in range(len(ring)))


def seg_crossings(a, b, ring):
    """Parameters t in (0, 1) where segment a-b meets the ring's edges."""
    ts = []
    n = len(ring)
    dx, dy = b[0] - a[0], b[1] - a[1]
    for i in range(n):
        c, d = ring[i], ring[(i + 1) % n]
        ex, ey = d[0] - c[0], d[1] - c[1]
        den = dx * ey - dy * ex
        if den == 0:
            continue
        t = ((c[0] - a[0]) * ey - (c[1] - a[1]) * ex) / den
        u = ((c[0] - a[0]) * dy - (c[1] - a[1]) * dx) / den
        if 0 < t < 1 and 0 <= u <= 1:
            ts.append(t)
    return ts


def length_outside(pts, rings):
    """Length of the polyline outside the union of the rings, and total."""
    out = total = 0.0
    for i in range(len(pts) - 1):
        a, b = pts[i], pts[i + 1]
        seg = math.hypot(b[0] - a[0], b[1] - a[1])
        total += seg
        ts = sorted(set([0.0, 1.0] + [t for r in rings
                                      for t in seg_crossings(a, b, r)]))
        for t0, t1 in zip(ts, ts[1:]):
            tm = (t0 + t1) / 2
            m = (a[0] + tm * (b[0] - a[0]), a[1] + tm * (b[1] - a[1]))
            if not any(inside(m, r) for r in rings):
                out += (t1 - t0) * seg
    return out, total


# ---------------------------------------------------------------------------
# Building the features.

def q6(v):
    """Coordinates are written with 6 decimals (about 0.1 m)."""
    return float("%.6f" % v)


def cut(a, b, lon):
    """Point where the lon/lat segment a-b crosses the meridian lon."""
    t = (lon - a[0]) / (b[0] - a[0])
    return (q6(lon), q6(a[1] + t * (b[1] - a[1])))


def route_coords(route):
    pts = []
    for k, name in enumerate(route):
        base, _, edge = name.partition("|")
        p = PLACES[base][:2]
        if edge:
            lon = LON_MAX if edge == "E" else LON_MIN
            nb = route[k - 1] if k > 0 else route[k + 1]
            p = cut(PLACES[nb.partition("|")[0]][:2], p, lon)
        pts.append((q6(p[0]), q6(p[1])))
    return pts


def hub_coords(h):
    at = h["at"]
    if at is None:
        return None
    p = PLACES[at][:2] if isinstance(at, str) else at
    return (q6(p[0]), q6(p[1]))


def build():
    cities = {c["code"]: [NODES[n] for n in c["ring"]] for c in CITIES}
    counties = {c["code"]: [tuple(p) for p in c["ring"]] for c in COUNTIES}
    lines = {d["code"]: route_coords(d["route"]) for d in LINES}
    hubs = {h["code"]: hub_coords(h) for h in HUBS}
    return cities, counties, lines, hubs


def check(cities, counties, lines, hubs):
    """Checks of the drawing; raises SystemExit listing what fails."""
    errors = []
    # Every coordinate inside EPSG:4549's area of use.
    allpts = ([p for r in cities.values() for p in r] +
              [p for r in counties.values() for p in r] +
              [p for l in lines.values() for p in l] +
              [p for p in hubs.values() if p])
    for p in allpts:
        if not LON_MIN <= p[0] <= LON_MAX:
            errors.append("coordinate %s outside 118.5-121.5 E" % (p,))
    # City rings: counter-clockwise, simple; shared edges appear twice in
    # opposite directions, outer edges once; the outer edges form one ring.
    edges = {}
    for c in CITIES:
        ring = c["ring"]
        if ring_area([NODES[n] for n in ring]) <= 0:
            errors.append("%s: ring not counter-clockwise" % c["code"])
        for i in range(len(ring)):
            e = (ring[i], ring[(i + 1) % len(ring)])
            if e in edges:
                errors.append("edge %s twice in one direction" % (e,))
            edges[e] = c["code"]
    outer = [e for e in edges if (e[1], e[0]) not in edges]
    nxt = dict(outer)
    if len(nxt) != len(outer):
        errors.append("outer boundary branches")
    else:
        start = outer[0][0]
        n, seen = start, 0
        while True:
            n = nxt[n]
            seen += 1
            if n == start or seen > len(outer):
                break
        if seen != len(outer):
            errors.append("outer boundary is not one ring (a hole or an "
                          "island)")
    segs = [(NODES[a], NODES[b]) for a, b in edges]
    for i, (a, b) in enumerate(segs):
        for c, d in segs[i + 1:]:
            if {a, b} & {c, d}:
                continue
            if seg_intersect(a, b, c, d):
                errors.append("edges %s-%s and %s-%s cross" % (a, b, c, d))
    # In EPSG:4549: every hub in its city, at least 2 km from its edges;
    # counties in their city; the places of the routes in their city.
    prj = {k: [project(*p) for p in r] for k, r in cities.items()}
    for h in HUBS:
        p = hubs[h["code"]]
        if p is None:
            continue
        xy = project(*p)
        holders = [k for k, r in prj.items() if inside(xy, r)]
        if holders != [h["city"]]:
            errors.append("%s lies in %s, not %s" % (h["code"], holders,
                                                     h["city"]))
        if ring_dist(xy, prj[h["city"]]) < 2000:
            errors.append("%s within 2 km of its city's edge" % h["code"])
        if h["county"] == "义乌" and not inside(xy, [project(*q) for q in
                                                   counties["A14"]]):
            errors.append("%s not inside 义乌" % h["code"])
    for c in COUNTIES:
        ring = [project(*p) for p in counties[c["code"]]]
        if not all(inside(p, prj[c["parent"]]) for p in ring):
            errors.append("%s not inside %s" % (c["code"], c["parent"]))
    for name in ("东阳", "横店", "浦江"):
        if inside(project(*PLACES[name][:2]),
                  [project(*p) for p in counties["A14"]]):
            errors.append("%s inside the 义乌 box" % name)
    for name in ("建德", "杭州", "宁波", "宁德", "福州", "福鼎"):
        if any(inside(project(*PLACES[name][:2]), r) for r in prj.values()):
            errors.append("%s inside a city" % name)
    # Lines: no repeated vertex, no zero-length segment.
    for code, pts in lines.items():
        if len(pts) < 2 or any(a == b for a, b in zip(pts, pts[1:])):
            errors.append("%s: degenerate line" % code)
    if errors:
        raise SystemExit("check failed:\n  " + "\n  ".join(errors))


# ---------------------------------------------------------------------------
# The findings plan.yaml should produce, computed here from the tables.

def expected(cities, counties, lines, hubs):
    """Returns (sorted finding ids, report lines)."""
    found, report = [], []
    P = {k: [project(*p) for p in v] for k, v in lines.items()}
    H = {k: (project(*p) if p else None) for k, p in hubs.items()}
    C = {k: [project(*p) for p in r] for k, r in cities.items()}
    L = {d["code"]: d for d in LINES}

    def nearest(p, codes, limit):
        """The nearest line; it must be unique when it is a finding."""
        ds = sorted((line_point_dist(p, P[c]), c) for c in codes)
        if ds[0][0] > limit and len(ds) > 1 and ds[1][0] - ds[0][0] < 100:
            raise SystemExit("nearest line to %s is not unique: %s" %
                             (p, ds[:2]))
        return ds[0]

    # validity (cities, counties, lines, hubs), overlap, gaps, containment:
    # nothing, by construction (check()), but validity.null for the hubs
    # without geometry.  sql.hub_city: each hub in its city, also by
    # construction.
    for h in HUBS:
        p = H[h["code"]]
        if p is None:
            found.append("validity.null:hubs:%s" % h["code"])
        elif not inside(p, C[h["city"]]):
            found.append("sql.hub_city:hubs:%s:cities:%s" % (h["code"],
                                                            h["city"]))
    # near R01: 2+6 hubs and port areas within 25 km of the 金丽温 network.
    network = [d["code"] for d in LINES if d["network"] == "金丽温"]
    report.append("R01 (network %s, %d m):" % (",".join(network), R01_MAX_M))
    for h in HUBS:
        if h["role"] not in R01_ROLES:
            continue
        p = H[h["code"]]
        if p is None:
            found.append("near.geometry:hubs:%s" % h["code"])
            continue
        d, c = nearest(p, network, R01_MAX_M)
        trunk = line_point_dist(p, P["L01"])
        report.append("  %-5s %-8s nearest %s %8.1f m; trunk L01 %8.1f m" %
                      (h["code"], h["role"], c, d, trunk))
        if d > R01_MAX_M:
            found.append("near.too_far:hubs:%s:lines:%s" % (h["code"], c))
    # near: each line a hub names, within max_dist_m (else 2000 m).
    report.append("hub to named lines:")
    for h in HUBS:
        if h["linked"] != "yes":
            continue
        p = H[h["code"]]
        if p is None:
            found.append("near.geometry:hubs:%s" % h["code"])
            continue
        lim = h["max_dist_m"] or HUB_LINE_MAX_M
        for c in h["lines"].split(";"):
            if c not in P:
                found.append("near.unknown_ref:hubs:%s" % h["code"])
                continue
            d = line_point_dist(p, P[c])
            report.append("  %-5s %s %8.1f m (max %d)" % (h["code"], c, d,
                                                          lim))
            if d > lim:
                found.append("near.too_far:hubs:%s:lines:%s" % (h["code"], c))
    # near R02: river hubs within 1 km of a waterway.
    water = [d["code"] for d in LINES if d["kind"] == "waterway"]
    report.append("river hubs to waterways %s:" % ",".join(water))
    for h in HUBS:
        if h["water"] != "river":
            continue
        p = H[h["code"]]
        if p is None:
            found.append("near.geometry:hubs:%s" % h["code"])
            report.append("  %-5s no geometry" % h["code"])
            continue
        d, c = nearest(p, water, WATER_MAX_M)
        report.append("  %-5s %s %9.1f m" % (h["code"], c, d))
        if d > WATER_MAX_M:
            found.append("near.too_far:hubs:%s:lines:%s" % (h["code"], c))
    # lines_within R05: member lines inside the member cities.
    members = [C[c["code"]] for c in CITIES if c["member"] == "yes"]
    report.append("lines outside the member cities:")
    for d in LINES:
        out, total = length_outside(P[d["code"]], members)
        pct_in = 100 * (total - out) / total
        report.append("  %-4s %-7s %9.1f m of %9.1f m outside (%.1f %% "
                      "inside)" % (d["code"], d["scope"], out, total, pct_in))
        if (d["scope"] == "member" and out > LINES_WITHIN_TOL_M and
                pct_in < LINES_WITHIN_MIN_PCT):
            found.append("line.outside:lines:%s" % d["code"])
    # connectivity: a line's start/end on the line its from/to code names.
    for d in LINES:
        for end, field in ((0, "from_code"), (-1, "to_code")):
            t = d[field]
            if not t:
                continue
            dist = line_point_dist(P[d["code"]][end], P[t])
            report.append("connectivity %s %s on %s: %.3f m" %
                          (d["code"], field, t, dist))
            if dist > SNAP_M:
                found.append("line.not_connected:lines:%s:lines:%s:%s" %
                             (d["code"], t, field))
    # SQL rules.
    for d in LINES:   # status_domain (R14)
        if d["kind"] != "corridor" and d["status"] not in STATUS_DOMAIN:
            found.append("sql.status_domain:lines:%s" % d["code"])
    for d in LINES:   # status_order (R14)
        r = [STATUS_RANK.get(d[k]) for k in ("status_2019", "status_2021",
                                             "status_2023")]
        r = [x for x in r if x]
        if any(a > b for a, b in zip(r, r[1:])):
            found.append("sql.status_order:lines:%s" % d["code"])
    for role, n, _, _ in ROLE_COUNTS:   # role_count (R09)
        if sum(h["role"] == role for h in HUBS) != n:
            found.append("sql.role_count:hubs:%s" % role)
    if sum(h["tier"] == "core" for h in HUBS) != 2:
        found.append("sql.role_count:hubs:core")
    for h in HUBS:   # parts_count (R09)
        if h["parts_announced"] is not None:
            n = sum(x["part_of"] == h["code"] for x in HUBS)
            report.append("parts of %s: %d named, %d announced" %
                          (h["code"], n, h["parts_announced"]))
            if n != h["parts_announced"]:
                found.append("sql.parts_count:hubs:%s" % h["code"])
    for h in HUBS:   # county_vintage (R08)
        if h["county"] and h["county_now"] != h["county"]:
            found.append("sql.county_vintage:hubs:%s" % h["code"])
    for h in HUBS:   # airport_cargo (I06)
        if h["cargo"] and h["cargo"][0][0] != h["cargo"][1][0]:
            found.append("sql.airport_cargo:hubs:%s" % h["code"])
    for rule, key in (("xborder_ecommerce", "xbec"), ("import_target",
                      "import"), ("china_europe_trains", "trains"),
                      ("digital_trade", "digital")):   # I07-I10
        for c in COUNTIES:
            if TARGETS[c["code"]][key][0] >= TARGETS[c["parent"]][key][0]:
                found.append("sql.%s:counties:%s:cities:%s" %
                             (rule, c["code"], c["parent"]))
    # y_junction (R06): L01 and L02 within 5 km of each other inside 金华.
    jh = C["A12"]
    part = {}
    for code in ("L01", "L02"):
        pts = P[code]
        part[code] = [(pts[i], pts[i + 1]) for i in range(len(pts) - 1)
                      if inside(((pts[i][0] + pts[i + 1][0]) / 2,
                                 (pts[i][1] + pts[i + 1][1]) / 2), jh)]
    dj = min(seg_seg_dist(a, b, c, d) for a, b in part["L01"]
             for c, d in part["L02"])
    report.append("y_junction: L01-L02 inside 金华 %.1f m" % dj)
    if dj > Y_JUNCTION_M:
        found.append("sql.y_junction:lines:L01:lines:L02")
    return sorted(found), report


# ---------------------------------------------------------------------------
# Writing.

def fmt(v):
    return "%.6f" % v


def wkt_point(p):
    return "" if p is None else "POINT (%s %s)" % (fmt(p[0]), fmt(p[1]))


def wkt_line(pts):
    return "LINESTRING (%s)" % ", ".join("%s %s" % (fmt(x), fmt(y))
                                         for x, y in pts)


def wkt_polygon(ring):
    pts = ring + ring[:1]
    return "POLYGON ((%s))" % ", ".join("%s %s" % (fmt(x), fmt(y))
                                        for x, y in pts)


TARGET_FIELDS = []
for _k in ("xbec", "import", "trains", "digital"):
    TARGET_FIELDS += [_k + "_2025", _k + "_unit", _k + "_text", _k + "_src"]

CITY_FIELDS = (["code", "name", "level", "member", "source"] +
               TARGET_FIELDS + ["note"])
COUNTY_FIELDS = (["code", "name", "level", "parent", "source"] +
                 TARGET_FIELDS + ["note"])
LINE_FIELDS = ["code", "name", "kind", "status", "status_text", "status_src",
               "status_alt", "status_2019", "status_2021", "status_2023",
               "scope", "scope_src", "network", "from_name", "to_name",
               "from_code", "to_code", "route", "source", "sources", "note"]
HUB_FIELDS = ["code", "name", "role", "tier", "part_of", "city", "county",
              "county_now", "water", "linked", "lines", "lines_src",
              "max_dist_m", "parts_announced", "parts_text", "parts_src",
              "cargo_t_001", "cargo_text_001", "cargo_src_001",
              "cargo_t_002", "cargo_text_002", "cargo_src_002",
              "placed", "source", "sources", "note"]
TYPES = {"xbec_2025": "Real", "import_2025": "Real", "trains_2025": "Real",
         "digital_2025": "Real", "max_dist_m": "Real",
         "parts_announced": "Integer64", "cargo_t_001": "Real",
         "cargo_t_002": "Real"}


def target_values(code):
    rec = {}
    t = TARGETS.get(code, {})
    for k in ("xbec", "import", "trains", "digital"):
        v = t.get(k)
        rec[k + "_2025"] = v[0] if v else None
        rec[k + "_unit"] = v[1] if v else None
        rec[k + "_text"] = v[2] if v else None
        rec[k + "_src"] = v[3] if v else None
    return rec


def city_record(c):
    rec = {k: c.get(k) for k in CITY_FIELDS}
    rec.update(target_values(c["code"]))
    return rec


def county_record(c):
    rec = {k: c.get(k) for k in COUNTY_FIELDS}
    rec.update(target_values(c["code"]))
    if c["code"] in TARGET_NOTES:
        rec["note"] = c["note"] + "; " + TARGET_NOTES[c["code"]]
    return rec


def line_record(d):
    rec = {k: d.get(k) for k in LINE_FIELDS}
    rec["route"] = " – ".join(n.partition("|")[0] for n in d["route"])
    return rec


def hub_record(h):
    rec = {k: h.get(k) for k in HUB_FIELDS}
    if h["cargo"]:
        for (v, text, src), s in zip(h["cargo"], ("001", "002")):
            rec["cargo_t_" + s] = v
            rec["cargo_text_" + s] = text
            rec["cargo_src_" + s] = src
    return rec


def write_csv(path, fields, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["WKT"] + fields)
        for geom, rec in rows:
            w.writerow([geom] + ["" if rec[n] is None else rec[n]
                                 for n in fields])
    with open(path[:-4] + ".csvt", "w", encoding="ascii", newline="") as f:
        f.write(",".join(['"WKT"'] + ['"%s"' % TYPES.get(n, "String")
                                      for n in fields]) + "\n")


def ogr2ogr(args, nlt):
    cmd = ["ogr2ogr", "--config", "OGR_CURRENT_DATE", CURRENT_DATE,
           "-oo", "EMPTY_STRING_AS_NULL=YES", "-oo", "KEEP_GEOM_COLUMNS=NO",
           "-nlt", nlt] + args
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0 or res.stderr.strip():
        raise SystemExit("ogr2ogr failed (%d): %s\n%s" %
                         (res.returncode, " ".join(cmd),
                          res.stderr.decode("utf-8", "replace")))


OUTPUT_FILES = ["jinliwen.gpkg", "counties.geojson", "expected-findings.txt"]

DESC = ("Schematic sample derived from the Jin-Li-Wen open corridor plan "
        "(000) and three Jinhua/Yiwu documents (001, 002, 004); facts real, "
        "positions approximate, geometry schematic; made by "
        "scripts/make_sample_jinliwen.py")


def generate(out_dir, report=False):
    cities, counties, lines, hubs = build()
    check(cities, counties, lines, hubs)
    ids, rep = expected(cities, counties, lines, hubs)
    if report:
        sys.stdout.write("\n".join(rep) + "\n")
    layers = [
        ("cities", "POLYGON", CITY_FIELDS,
         [(wkt_polygon(cities[c["code"]]), city_record(c)) for c in CITIES]),
        ("lines", "LINESTRING", LINE_FIELDS,
         [(wkt_line(lines[d["code"]]), line_record(d)) for d in LINES]),
        ("hubs", "POINT", HUB_FIELDS,
         [(wkt_point(hubs[h["code"]]), hub_record(h)) for h in HUBS]),
    ]
    with tempfile.TemporaryDirectory(prefix="jinliwen-") as tmp:
        build_dir = os.path.join(tmp, "out")
        os.mkdir(build_dir)
        gpkg = os.path.join(build_dir, "jinliwen.gpkg")
        for k, (name, nlt, fields, rows) in enumerate(layers):
            src = os.path.join(tmp, name + ".csv")
            write_csv(src, fields, rows)
            ogr2ogr((["-update"] if k else []) +
                    ["-f", "GPKG", "-a_srs", "EPSG:4490", "-unsetFieldWidth",
                     "-lco", "GEOMETRY_NAME=geom", "-lco", "DESCRIPTION=" + DESC,
                     "-nln", name, gpkg, src], nlt)
        src = os.path.join(tmp, "counties.csv")
        write_csv(src, COUNTY_FIELDS,
                  [(wkt_polygon(counties[c["code"]]), county_record(c))
                   for c in COUNTIES])
        ogr2ogr(["-f", "GeoJSON", "-a_srs", "EPSG:4490", "-unsetFieldWidth",
                 "-lco", "RFC7946=NO", "-lco", "COORDINATE_PRECISION=6",
                 "-lco", "DESCRIPTION=" + DESC,
                 "-dialect", "SQLite", "-sql", "SELECT * FROM counties",
                 "-nln", "counties",
                 os.path.join(build_dir, "counties.geojson"), src], "POLYGON")
        with open(os.path.join(build_dir, "expected-findings.txt"), "w",
                  encoding="utf-8", newline="\n") as f:
            f.write("".join(i + "\n" for i in ids))
        made = sorted(os.listdir(build_dir))
        if made != sorted(OUTPUT_FILES):
            raise SystemExit("unexpected outputs: %s" % made)
        os.makedirs(out_dir, exist_ok=True)
        for name in OUTPUT_FILES:
            shutil.copyfile(os.path.join(build_dir, name),
                            os.path.join(out_dir, name))
    return [(n, len(rows)) for n, _, _, rows in layers] + \
        [("counties", len(COUNTIES)), ("expected findings", len(ids))]


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(
        description="Generate the schematic Jin-Li-Wen corridor sample.")
    ap.add_argument("--out", default=os.path.join(root, "gis", "jinliwen"),
                    help="output directory (default: gis/jinliwen in the "
                         "repository)")
    ap.add_argument("--report", action="store_true",
                    help="print the distances and lengths behind the "
                         "expected findings")
    args = ap.parse_args(argv)
    if shutil.which("ogr2ogr") is None:
        sys.stderr.write("make_sample_jinliwen: ogr2ogr not found on PATH\n")
        return 2
    counts = generate(args.out, args.report)
    sys.stderr.write("make_sample_jinliwen: %s\n" %
                     ", ".join("%s %d" % c for c in counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
