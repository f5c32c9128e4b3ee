#!/usr/bin/env python3
"""Generate a synthetic cadastre for the plancheck benchmark.

Usage: python3 scripts/bench/gen_parcels.py N OUTDIR [--seed S]

Writes, into OUTDIR:
  bench.gpkg   layers parcels (Polygon), zones (Polygon), roads (LineString),
               all EPSG:4549 (x = easting, y = northing)
  truth.json   every planted problem, with counts (the answer key)
  plan.yaml    a plancheck plan for bench.gpkg (area, validity, overlap,
               containment rules)

The data is a jittered grid of parcels that forms a clean coverage, like a
real cadastre: neighbours share their edges and vertices exactly.  Some grid
edges carry an extra vertex that both neighbours use (pentagons), and about
1 % of the cells are split in two, which puts a vertex of each half on the
edge of the parcels above and below without them having it (T-junctions).
Every coordinate is a multiple of 1/16 m (T-junction points of 1/32 m), so
it is exact in binary floating point and every shared vertex and every
T-junction point lies exactly on its line: the coverage has no slivers or
gaps, not even of 1e-9 m².

N is the number of parcels of the coverage.  Zones are blocks of 50 x 50
grid cells that tile it.  Planted problems, at fixed rates per 10,000
parcels (at least one of each), each on cells of its own with a margin of
one untouched cell around it, so no two of them interact:

  20  overlap by a shifted shared edge: most of the edge between two
      neighbours of the same zone is moved 2-4 m into the neighbour, so they
      overlap by a sliver whose exact area is in truth.json
   5  exact duplicate: a second feature, same geometry, another code
   5  stale parent: an extra parcel that is exactly the union of 2-4
      parcels (its children) still in the layer
  10  invalid bow-tie: a self-intersecting quadrilateral
  20  area mismatch: the declared area, in 亩, is 2-15 % off
  10  out of zone: half name a zone that does not contain them, half stick
      out of their zone (at the edge of the coverage) by 2-4 m

Duplicates and stale parents are extra features: the parcels layer holds
N + duplicates + stale parents features.  Every other parcel declares its
planar area within +-0.01 % (rounding included), as text unit 亩, 平方米 or
公顷; a bow-tie declares |shoelace area|, the number GEOS, SpatiaLite and
PostGIS all give for it, so it is not an area mismatch.

Ground truth (truth.json) for a checker using planar areas:
  overlap_pairs: unordered pairs of VALID parcels whose intersection has an
    area > 1 m² = planted edges + duplicates + (stale parent, child) pairs;
    each pair sorted, the list sorted.  (Bow-ties lie inside their own cell,
    but an overlap check should leave invalid geometries out.)
  invalid: the bow-ties.
  area_mismatch: |measured - declared_m2| > max(1 m², 0.1 % of declared).
  out_of_zone: valid parcels with area(parcel - zone named by `zone`) > 1 m².

Needs Python 3 (standard library only) and ogr2ogr (GDAL).  The same N and
seed give byte-identical files (for a given GDAL version).
"""

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

CRS = "EPSG:4549"
X0 = 520000        # south-west corner of the grid, EPSG:4549 metres
Y0 = 3020000
CELL = 50          # nominal parcel size, metres
JITTER = 0.15      # grid-vertex jitter, fraction of CELL (keeps cells convex)
KINK = 0.15        # extra vertex on a vertical edge: max offset, fraction
KINK_P = 0.30      # ... probability on an eligible edge
SPLIT_RATE = 0.01  # about this fraction of cells is split in two
ZONE_CELLS = 50    # zone = block of ZONE_CELLS x ZONE_CELLS cells
ROAD_EVERY = 5     # a road centre line on every 5th grid line
Q = 16.0           # coordinates are multiples of 1/Q metres
M2 = {"亩": 2000.0 / 3.0, "平方米": 1.0, "公顷": 10000.0}
DECIMALS = {"亩": 4, "平方米": 2, "公顷": 6}
CURRENT_DATE = "2020-01-01T00:00:00Z"

RATES = {  # per 10,000 parcels
    "overlap": 20, "duplicate": 5, "stale_parent": 5, "bowtie": 10,
    "area_mismatch": 20, "out_of_zone": 10,
}
LAND_USE = ["耕地", "耕地", "耕地", "园地", "林地", "城镇住宅用地",
            "农村宅基地", "工业用地", "商业服务业用地", "公园与绿地",
            "水域", "交通运输用地"]
UNITS = ["亩"] * 10 + ["平方米"] * 7 + ["公顷"] * 3
ROAD_WIDTHS = [6.0, 7.5, 9.0, 12.0, 16.0, 24.0, 32.0, 40.0]


def q(v):
    """Round to the 1/Q m grid (exact in binary floating point)."""
    return math.floor(v * Q + 0.5) / Q


def shoelace(ring):
    """Signed area of a ring (list of (x, y), not closed).  Coordinates are
    shifted to the grid origin first; the shift is exact."""
    s = 0.0
    n = len(ring)
    for k in range(n):
        x1, y1 = ring[k]
        x2, y2 = ring[(k + 1) % n]
        s += (x1 - X0) * (y2 - Y0) - (x2 - X0) * (y1 - Y0)
    return s / 2.0


def wkt_ring(ring):
    pts = ring + [ring[0]]
    return ",".join("%r %r" % p for p in pts)


def inside(pt, ring):
    """Point strictly inside a simple polygon (even-odd rule)."""
    x, y = pt
    c = False
    n = len(ring)
    for k in range(n):
        x1, y1 = ring[k]
        x2, y2 = ring[(k + 1) % n]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                c = not c
    return c


class Grid:
    def __init__(self, n, rng):
        cells0 = n / (1.0 + SPLIT_RATE)
        self.ny = ny = max(1, int(math.sqrt(cells0)))
        self.nx = nx = max(1, int(cells0 // ny))
        self.nsplit = n - nx * ny
        if self.nsplit < 0 or self.nsplit > nx * ny:
            raise SystemExit("gen_parcels: N too small")
        r = rng.random
        w = nx + 1
        self.vx = vx = [0.0] * (w * (ny + 1))
        self.vy = vy = [0.0] * (w * (ny + 1))
        amp = JITTER * CELL
        for j in range(ny + 1):
            for i in range(w):
                k = j * w + i
                vx[k] = q(X0 + i * CELL + (2 * r() - 1) * amp)
                vy[k] = q(Y0 + j * CELL + (2 * r() - 1) * amp)
        # Kinks: an extra vertex on the vertical edge at line i (0 < i < nx),
        # row j, shared by cells (i-1, j) and (i, j).  Only on edges whose
        # left cell has i-1+j even, so a cell has at most one: pentagons.
        self.kink = {}
        for j in range(ny):
            for i in range(1, nx):
                if (i - 1 + j) % 2 == 0 and r() < KINK_P:
                    a, b = self.v(i, j), self.v(i, j + 1)
                    ex, ey = b[0] - a[0], b[1] - a[1]
                    ln = math.hypot(ex, ey)
                    off = (2 * r() - 1) * KINK * CELL
                    self.kink[(i, j)] = (q((a[0] + b[0]) / 2 + ey / ln * off),
                                         q((a[1] + b[1]) / 2 - ex / ln * off))
        # Split cells, chosen without repetition.
        self.split = set()
        while len(self.split) < self.nsplit:
            self.split.add(int(r() * nx * ny))

    def v(self, i, j):
        k = j * (self.nx + 1) + i
        return (self.vx[k], self.vy[k])

    def mid(self, a, b):
        # Exact: a and b are multiples of 1/16 below 2**24, so is their sum.
        return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)

    def is_split(self, i, j):
        return (0 <= i < self.nx and 0 <= j < self.ny
                and j * self.nx + i in self.split)

    def cell_sides(self, i, j):
        """The CCW ring of cell (i, j) as 4 sides (bottom, right, top, left),
        each a list of points starting with the side's first corner.  The
        cell's own split midpoints are not included (see parcels())."""
        bl, br = self.v(i, j), self.v(i + 1, j)
        tr, tl = self.v(i + 1, j + 1), self.v(i, j + 1)
        right = [br] + ([self.kink[(i + 1, j)]] if (i + 1, j) in self.kink
                        else [])
        left = [tl] + ([self.kink[(i, j)]] if (i, j) in self.kink else [])
        return [[bl], right, [tr], left]

    def block_ring(self, i0, j0, i1, j1):
        """CCW ring of the union of cells i0 <= i < i1, j0 <= j < j1, with
        every point that lies on its boundary (kinks, split midpoints of the
        cells on both sides): it shares every vertex with its parcels."""
        ring = []
        for i in range(i0, i1):                      # bottom, eastwards
            ring.append(self.v(i, j0))
            if self.is_split(i, j0) or self.is_split(i, j0 - 1):
                ring.append(self.mid(self.v(i, j0), self.v(i + 1, j0)))
        for j in range(j0, j1):                      # right, northwards
            ring.append(self.v(i1, j))
            if (i1, j) in self.kink:
                ring.append(self.kink[(i1, j)])
        for i in range(i1, i0, -1):                  # top, westwards
            ring.append(self.v(i, j1))
            if self.is_split(i - 1, j1 - 1) or self.is_split(i - 1, j1):
                ring.append(self.mid(self.v(i - 1, j1), self.v(i, j1)))
        for j in range(j1, j0, -1):                  # left, southwards
            ring.append(self.v(i0, j))
            if (i0, j - 1) in self.kink:
                ring.append(self.kink[(i0, j - 1)])
        return ring


def bump(sides, s, d):
    """Push 60 % of side s of a cell outwards (to the right of its CCW
    direction) by d metres.  Returns the sliver ring [p, a, b, q] whose area
    is what the cell gains."""
    p = sides[s][0]
    qq = sides[(s + 1) % 4][0]
    assert len(sides[s]) == 1, "bumped side must be a straight edge"
    ex, ey = qq[0] - p[0], qq[1] - p[1]
    ln = math.hypot(ex, ey)
    nx_, ny_ = ey / ln, -ex / ln
    a = (q(p[0] + 0.2 * ex + d * nx_), q(p[1] + 0.2 * ey + d * ny_))
    b = (q(p[0] + 0.8 * ex + d * nx_), q(p[1] + 0.8 * ey + d * ny_))
    sides[s] = [p, a, b]
    return [p, a, b, qq]


def plant(grid, n, rng):
    """Choose the cells of every planted problem.  Returns a dict
    cell index -> (kind, data) and the list of stale parents."""
    r = rng.random
    nx, ny = grid.nx, grid.ny
    used = bytearray(nx * ny)
    counts = {k: max(1, int(v * n / 10000.0 + 0.5)) for k, v in RATES.items()}
    nzx = (nx + ZONE_CELLS - 1) // ZONE_CELLS
    nzy = (ny + ZONE_CELLS - 1) // ZONE_CELLS
    by_cell = {}
    parents = []

    def free(cells):
        for (i, j) in cells:
            if not (0 <= i < nx and 0 <= j < ny) or grid.is_split(i, j):
                return False
        for (i, j) in cells:
            for dj in (-1, 0, 1):
                for di in (-1, 0, 1):
                    a, b = i + di, j + dj
                    if 0 <= a < nx and 0 <= b < ny and used[b * nx + a]:
                        return False
        return True

    def take(cells):
        for (i, j) in cells:
            for dj in (-1, 0, 1):
                for di in (-1, 0, 1):
                    a, b = i + di, j + dj
                    if 0 <= a < nx and 0 <= b < ny:
                        used[b * nx + a] = 1

    def zone_of(i, j):
        return (i // ZONE_CELLS, j // ZONE_CELLS)

    def pick(kind, count, try_one):
        done = 0
        for _ in range(2000 * count):
            if done == count:
                return
            c = int(r() * nx * ny)
            if try_one(c % nx, c // nx):
                done += 1
        if done < count:
            raise SystemExit("gen_parcels: N too small to plant %d %s "
                             "problems" % (count, kind))

    def overlap(i, j):
        # cell A = (i, j) pushes its right edge into B = (i+1, j)
        cells = [(i, j), (i + 1, j)]
        if (not free(cells) or (i + 1, j) in grid.kink
                or zone_of(i, j) != zone_of(i + 1, j)):
            return False
        d = 2 + 2 * r()
        sides = grid.cell_sides(i, j)
        sliver = bump(sides, 1, d)
        b_ring = [p for s in grid.cell_sides(i + 1, j) for p in s]
        if not (inside(sliver[1], b_ring) and inside(sliver[2], b_ring)):
            return False
        take(cells)
        by_cell[j * nx + i] = ("overlap_a", (sides, abs(shoelace(sliver))))
        by_cell[j * nx + i + 1] = ("overlap_b", None)
        return True

    def duplicate(i, j):
        if not free([(i, j)]):
            return False
        take([(i, j)])
        by_cell[j * nx + i] = ("duplicate", None)
        return True

    shapes = [(2, 1), (1, 2), (3, 1), (1, 3), (2, 2)]

    def stale(i, j):
        w, h = shapes[int(r() * len(shapes))]
        cells = [(i + a, j + b) for b in range(h) for a in range(w)]
        if not free(cells) or len({zone_of(*c) for c in cells}) != 1:
            return False
        take(cells)
        pid = len(parents)
        parents.append({"cells": cells,
                        "ring": grid.block_ring(i, j, i + w, j + h)})
        for (a, b) in cells:
            by_cell[b * nx + a] = ("child", pid)
        # the parent is written right after its last child
        by_cell[cells[-1][1] * nx + cells[-1][0]] = ("child_last", pid)
        return True

    def bowtie(i, j):
        if (not free([(i, j)]) or (i, j) in grid.kink
                or (i + 1, j) in grid.kink):
            return False
        take([(i, j)])
        by_cell[j * nx + i] = ("bowtie", None)
        return True

    def mismatch(i, j):
        if not free([(i, j)]):
            return False
        take([(i, j)])
        sign = 1 if r() < 0.5 else -1
        by_cell[j * nx + i] = ("mismatch", 1 + sign * (0.02 + 0.13 * r()))
        return True

    def wrong_zone(i, j):
        if not free([(i, j)]):
            return False
        zx, zy = zone_of(i, j)
        other = [(zx + dx, zy + dy) for dx, dy in
                 ((1, 0), (-1, 0), (0, 1), (0, -1))
                 if 0 <= zx + dx < nzx and 0 <= zy + dy < nzy]
        take([(i, j)])
        by_cell[j * nx + i] = ("wrong_zone", other[int(r() * len(other))])
        return True

    def sticks_out(i, j):
        # a cell on the edge of the coverage bulges outwards
        side = [s for s, ok in ((0, j == 0), (1, i == nx - 1),
                                (2, j == ny - 1), (3, i == 0)) if ok]
        if not side or not free([(i, j)]):
            return False
        take([(i, j)])
        sides = grid.cell_sides(i, j)
        sliver = bump(sides, side[int(r() * len(side))], 2 + 2 * r())
        by_cell[j * nx + i] = ("sticks_out", (sides, abs(shoelace(sliver))))
        return True

    def border_cell():
        # random cell on the edge of the coverage
        per = 2 * (nx + ny)
        k = int(r() * per)
        if k < nx:
            return k, 0
        k -= nx
        if k < nx:
            return k, ny - 1
        k -= nx
        if k < ny:
            return 0, k
        return nx - 1, k - ny

    pick("overlap", counts["overlap"], overlap)
    pick("duplicate", counts["duplicate"], duplicate)
    pick("stale parent", counts["stale_parent"], stale)
    pick("bow-tie", counts["bowtie"], bowtie)
    pick("area mismatch", counts["area_mismatch"], mismatch)
    n_out = counts["out_of_zone"]
    n_wrong = n_out // 2 if nzx * nzy > 1 else 0
    pick("wrong-zone", n_wrong, wrong_zone)
    done = 0
    for _ in range(2000 * (n_out - n_wrong)):
        if done == n_out - n_wrong:
            break
        if sticks_out(*border_cell()):
            done += 1
    if done < n_out - n_wrong:
        raise SystemExit("gen_parcels: N too small to plant out-of-zone "
                         "problems")
    return by_cell, parents


def declare(area, rng_r):
    """Declared value and unit for a measured planar area (m²): within
    +-0.01 % of it, as printed with a few decimals."""
    unit = UNITS[int(rng_r() * len(UNITS))]
    v = area * (1 + (2 * rng_r() - 1) * 0.8e-4) / M2[unit]
    return round(v, DECIMALS[unit]), unit


def generate(n, outdir, seed):
    rng = random.Random(seed)
    r = rng.random
    grid = Grid(n, rng)
    by_cell, parents = plant(grid, n, rng)
    nx, ny = grid.nx, grid.ny
    width = max(7, len(str(n + 2 * len(by_cell))))
    seq = [0]

    def code():
        seq[0] += 1
        return "P%0*d" % (width, seq[0])

    def zone_code(zx, zy):
        return "Z%03d_%03d" % (zy, zx)

    extra = [n]  # codes of extra features continue after N

    def extra_code():
        extra[0] += 1
        return "P%0*d" % (width, extra[0])

    truth = {"overlap_edges": [], "duplicates": [], "stale_parents": [],
             "invalid": [], "area_mismatch": [], "out_of_zone": []}
    child_codes = {}
    tmp = tempfile.mkdtemp(prefix=".gen-", dir=outdir)
    try:
        pcsv = os.path.join(tmp, "parcels.csv")
        with open(pcsv, "w", encoding="utf-8", newline="\n") as f:
            f.write("code,zone,land_use,decl_area,decl_unit,wkt\n")

            def emit(c, zone, ring, decl, unit):
                lu = LAND_USE[int(r() * len(LAND_USE))]
                f.write('%s,%s,%s,%r,%s,"POLYGON ((%s))"\n'
                        % (c, zone, lu, decl, unit, wkt_ring(ring)))

            pending_a = {}  # overlap: code of A, waiting for B
            for j in range(ny):
                for i in range(nx):
                    k = j * nx + i
                    zone = zone_code(i // ZONE_CELLS, j // ZONE_CELLS)
                    plan = by_cell.get(k)
                    kind = plan[0] if plan else None
                    if grid.is_split(i, j):
                        sides = grid.cell_sides(i, j)
                        bl, br = sides[0][0], sides[1][0]
                        tr, tl = sides[2][0], sides[3][0]
                        bm, tm = grid.mid(bl, br), grid.mid(tl, tr)
                        for ring in ([bl, bm, tm] + sides[3],
                                     [bm] + sides[1] + [tr, tm]):
                            decl, unit = declare(shoelace(ring), r)
                            emit(code(), zone, ring, decl, unit)
                        continue
                    if kind in ("overlap_a", "sticks_out"):
                        sides, sliver = plan[1]
                    else:
                        sides = grid.cell_sides(i, j)
                    ring = [p for s in sides for p in s]
                    area = shoelace(ring)
                    c = code()
                    if kind == "bowtie":
                        bl, br = sides[0][0], sides[1][0]
                        tr, tl = sides[2][0], sides[3][0]
                        ring = [bl, br, tl, tr]
                        area = abs(shoelace(ring))
                        truth["invalid"].append(c)
                    if kind == "mismatch":
                        decl = round(area * plan[1] / M2["亩"], 4)
                        unit = "亩"
                        truth["area_mismatch"].append({
                            "code": c, "measured_m2": round(area, 4),
                            "decl_area": decl, "decl_unit": unit})
                    else:
                        decl, unit = declare(area, r)
                    if kind == "wrong_zone":
                        named = zone_code(*plan[1])
                        truth["out_of_zone"].append({
                            "code": c, "zone": named, "kind": "wrong_zone",
                            "outside_m2": round(area, 4)})
                        emit(c, named, ring, decl, unit)
                    else:
                        emit(c, zone, ring, decl, unit)
                    if kind == "sticks_out":
                        truth["out_of_zone"].append({
                            "code": c, "zone": zone, "kind": "sticks_out",
                            "outside_m2": round(sliver, 4)})
                    elif kind == "overlap_a":
                        pending_a[k + 1] = (c, sliver)
                    elif kind == "overlap_b":
                        a, sliver = pending_a.pop(k)
                        truth["overlap_edges"].append(
                            {"a": a, "b": c, "area_m2": round(sliver, 4)})
                    elif kind == "duplicate":
                        d = extra_code()
                        emit(d, zone, ring, decl, unit)
                        truth["duplicates"].append({"code": c, "dup": d})
                    elif kind in ("child", "child_last"):
                        child_codes.setdefault(plan[1], []).append(c)
                        if kind == "child_last":
                            pr = parents[plan[1]]
                            p = extra_code()
                            pa = shoelace(pr["ring"])
                            decl, unit = declare(pa, r)
                            emit(p, zone, pr["ring"], decl, unit)
                            truth["stale_parents"].append(
                                {"parent": p,
                                 "children": sorted(child_codes[plan[1]])})
        assert not pending_a
        n_parcels = n + len(truth["duplicates"]) + len(truth["stale_parents"])

        zcsv = os.path.join(tmp, "zones.csv")
        nzx = (nx + ZONE_CELLS - 1) // ZONE_CELLS
        nzy = (ny + ZONE_CELLS - 1) // ZONE_CELLS
        with open(zcsv, "w", encoding="utf-8", newline="\n") as f:
            f.write("code,wkt\n")
            for zy in range(nzy):
                for zx in range(nzx):
                    ring = grid.block_ring(
                        zx * ZONE_CELLS, zy * ZONE_CELLS,
                        min(nx, (zx + 1) * ZONE_CELLS),
                        min(ny, (zy + 1) * ZONE_CELLS))
                    f.write('%s,"POLYGON ((%s))"\n'
                            % (zone_code(zx, zy), wkt_ring(ring)))

        rcsv = os.path.join(tmp, "roads.csv")
        n_roads = 0
        with open(rcsv, "w", encoding="utf-8", newline="\n") as f:
            f.write("code,width_m,wkt\n")
            for j in range(0, ny + 1, ROAD_EVERY):      # east-west
                pts = []
                for i in range(nx + 1):
                    pts.append(grid.v(i, j))
                    if i < nx and (grid.is_split(i, j)
                                   or grid.is_split(i, j - 1)):
                        pts.append(grid.mid(grid.v(i, j), grid.v(i + 1, j)))
                n_roads += 1
                f.write('R%05d,%r,"LINESTRING (%s)"\n' % (
                    n_roads, ROAD_WIDTHS[int(r() * len(ROAD_WIDTHS))],
                    ",".join("%r %r" % p for p in pts)))
            for i in range(0, nx + 1, ROAD_EVERY):      # north-south
                pts = []
                for j in range(ny + 1):
                    pts.append(grid.v(i, j))
                    if j < ny and (i, j) in grid.kink:
                        pts.append(grid.kink[(i, j)])
                n_roads += 1
                f.write('R%05d,%r,"LINESTRING (%s)"\n' % (
                    n_roads, ROAD_WIDTHS[int(r() * len(ROAD_WIDTHS))],
                    ",".join("%r %r" % p for p in pts)))

        types = {"parcels": "String,String,String,Real,String,WKT",
                 "zones": "String,WKT", "roads": "String,Real,WKT"}
        for name, t in types.items():
            with open(os.path.join(tmp, name + ".csvt"), "w") as f:
                f.write(t + "\n")

        gpkg_tmp = os.path.join(tmp, "bench.gpkg")
        for name, nlt in (("parcels", "POLYGON"), ("zones", "POLYGON"),
                          ("roads", "LINESTRING")):
            ogr2ogr(["-update"] if name != "parcels" else [],
                    ["-nln", name, "-nlt", nlt, gpkg_tmp,
                     os.path.join(tmp, name + ".csv")])
        for sql in ("CREATE UNIQUE INDEX parcels_code ON parcels(code)",
                    "CREATE UNIQUE INDEX zones_code ON zones(code)"):
            run(["ogrinfo", "-q", "--config", "OGR_CURRENT_DATE",
                 CURRENT_DATE, gpkg_tmp, "-sql", sql])
        os.replace(gpkg_tmp, os.path.join(outdir, "bench.gpkg"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # ---- truth.json
    pairs = []
    for e in truth["overlap_edges"]:
        pairs.append(sorted([e["a"], e["b"]]) + ["edge"])
    for d in truth["duplicates"]:
        pairs.append(sorted([d["code"], d["dup"]]) + ["duplicate"])
    for s in truth["stale_parents"]:
        for ch in s["children"]:
            pairs.append(sorted([s["parent"], ch]) + ["stale_parent"])
    pairs.sort()
    truth["overlap_edges"].sort(key=lambda e: (e["a"], e["b"]))
    truth["duplicates"].sort(key=lambda e: e["code"])
    truth["stale_parents"].sort(key=lambda e: e["parent"])
    truth["invalid"].sort()
    truth["area_mismatch"].sort(key=lambda e: e["code"])
    truth["out_of_zone"].sort(key=lambda e: e["code"])
    doc = {
        "generator": "scripts/bench/gen_parcels.py",
        "n": n, "seed": seed, "crs": CRS,
        "grid": {"nx": nx, "ny": ny, "cell_m": CELL, "origin": [X0, Y0],
                 "split_cells": grid.nsplit, "kinks": len(grid.kink),
                 "zone_cells": ZONE_CELLS},
        "features": {"parcels": n_parcels, "zones": nzx * nzy,
                     "roads": n_roads},
        "rule": {"overlap_pairs": "valid parcels, area(a ∩ b) > 1 m²",
                 "invalid": "not OGC-valid",
                 "area_mismatch": "|planar - declared| > max(1 m², 0.1 %)",
                 "out_of_zone": "valid parcels, area(parcel - zone named by "
                                "its zone field) > 1 m²"},
        "counts": {
            "overlap_pairs": len(pairs),
            "overlap_edges": len(truth["overlap_edges"]),
            "duplicates": len(truth["duplicates"]),
            "stale_parents": len(truth["stale_parents"]),
            "stale_parent_pairs": sum(len(s["children"])
                                      for s in truth["stale_parents"]),
            "invalid": len(truth["invalid"]),
            "area_mismatch": len(truth["area_mismatch"]),
            "out_of_zone": len(truth["out_of_zone"]),
        },
        "overlap_pairs": [p[:2] for p in pairs],
        "overlap_pair_kinds": [p[2] for p in pairs],
    }
    doc.update(truth)
    with open(os.path.join(outdir, "truth.json"), "w", encoding="utf-8",
              newline="\n") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")

    with open(os.path.join(outdir, "plan.yaml"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write(PLAN % {"n": n, "seed": seed})
    return doc


PLAN = """\
plancheck: 1
name: generated cadastre N=%(n)d seed=%(seed)d
crs: EPSG:4549
area_method: planar
tolerance: {abs_m2: 1, rel_pct: 0.1}
layers:
  parcels: {source: bench.gpkg, layer: parcels, key: code, declared_area: {field: decl_area, unit_field: decl_unit}}
  zones: {source: bench.gpkg, layer: zones, key: code}
rules:
  area: {severity: error}
  validity: {layers: [parcels], severity: error}
  overlap: {layers: [parcels], min_area_m2: 1, severity: error}
  containment: [{layer: parcels, container: zones, key_field: zone, tolerance_m2: 1, severity: error}]
"""


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0 or res.stderr.strip():
        raise SystemExit("gen_parcels: %s failed (%d):\n%s" % (
            " ".join(cmd[:1] + cmd[-3:]), res.returncode,
            res.stderr.decode("utf-8", "replace")))


def ogr2ogr(mode, args):
    run(["ogr2ogr", "--config", "OGR_CURRENT_DATE", CURRENT_DATE] + mode +
        ["-f", "GPKG", "-a_srs", CRS, "-lco", "GEOMETRY_NAME=geom",
         "-lco", "FID=fid", "-gt", "65536",
         "-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO"]
        + args)


def main():
    ap = argparse.ArgumentParser(
        description="Generate a synthetic cadastre with planted problems.")
    ap.add_argument("n", type=int, help="number of parcels of the coverage")
    ap.add_argument("outdir", help="output folder (created)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.n < 1000:
        ap.error("N must be at least 1000")
    if shutil.which("ogr2ogr") is None:
        sys.exit("gen_parcels: ogr2ogr not found on PATH")
    os.makedirs(a.outdir, exist_ok=True)
    doc = generate(a.n, a.outdir, a.seed)
    c = doc["counts"]
    print("gen_parcels: N=%d seed=%d: %d parcels, %d zones, %d roads; "
          "overlap pairs %d (edges %d, duplicates %d, stale-parent pairs %d),"
          " invalid %d, area mismatch %d, out of zone %d"
          % (a.n, a.seed, doc["features"]["parcels"], doc["features"]["zones"],
             doc["features"]["roads"], c["overlap_pairs"], c["overlap_edges"],
             c["duplicates"], c["stale_parent_pairs"], c["invalid"],
             c["area_mismatch"], c["out_of_zone"]))


if __name__ == "__main__":
    main()
