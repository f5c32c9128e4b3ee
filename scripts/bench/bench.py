#!/usr/bin/env python3
"""Helpers of scripts/bench/run.sh (Python 3 standard library only).

  bench.py pss-sample PID OUT     sum the PSS of PID and its descendants every
                                  0.1 s until SIGTERM; OUT (written after the
                                  first sample and at every new peak) holds
                                  the peak in MB
  bench.py report DIR             print the timing table and compare every
                                  tool's answers with DIR/truth.json
  bench.py summary DIR...         one line per N from DIR/results/report.json

DIR is a data folder (build/bench/N) holding truth.json and results/:
  floor.time floor.out                    GDAL read floor
  plancheck.time plancheck.gpkg plancheck.rules (full output)
  plancheck-fo.time plancheck-fo.gpkg (--findings-only)
  spatialite.time spatialite.out
  pg-load.time pg-load.pss pg-checks.time pg-checks.pss pg-checks.out
  (*.time: output of /usr/bin/time -v; a missing file means "not run")
"""

import json
import os
import signal
import sqlite3
import sys
import time

CHECKS = [("overlap", "overlap pairs"), ("invalid", "invalid"),
          ("area", "area mismatch"), ("containment", "out of zone")]
PLANCHECK_RULES = {"overlap": "overlap", "invalid": "validity",
                   "area": "area", "containment": "containment"}


# ---------------------------------------------------------------- sampling

def pss_sample(pid, out):
    pid = int(pid)
    peak = [0]
    stop = [False]

    def on_term(*_):
        stop[0] = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    def tree():
        kids = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    s = f.read()
            except OSError:
                continue
            ppid = int(s[s.rfind(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(d))
        todo, seen = [pid], []
        while todo:
            p = todo.pop()
            seen.append(p)
            todo.extend(kids.get(p, []))
        return seen

    def pss(p):
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def write():
        with open(out + ".tmp", "w") as f:
            f.write("%.1f\n" % (peak[0] / 1024.0))
        os.replace(out + ".tmp", out)

    while not stop[0]:
        total = sum(pss(p) for p in tree())
        if total > peak[0] or not os.path.exists(out):
            peak[0] = max(peak[0], total)
            write()  # after every new peak: OUT is valid whenever it exists
        time.sleep(0.1)
    total = sum(pss(p) for p in tree())
    peak[0] = max(peak[0], total)
    write()


# ---------------------------------------------------------------- reading

def read_time(path):
    """(wall s, peak RSS MB, cpu s, exit status) from /usr/bin/time -v."""
    if not os.path.exists(path):
        return None
    wall = rss = cpu = 0.0
    status = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            key, _, val = line.rpartition(": ")
            if key.startswith("Elapsed (wall clock) time"):
                parts = [float(x) for x in val.split(":")]
                wall = 0.0
                for x in parts:
                    wall = wall * 60 + x
            elif key == "Maximum resident set size (kbytes)":
                rss = int(val) / 1024.0
            elif key in ("User time (seconds)", "System time (seconds)"):
                cpu += float(val)
            elif key == "Exit status":
                status = int(val)
            elif line.startswith("Command exited with non-zero status"):
                status = int(line.split()[-1])
    return {"s": wall, "mb": rss, "cpu": cpu, "status": status}


def read_number(path):
    try:
        with open(path) as f:
            return float(f.read().strip())
    except (OSError, ValueError):
        return None


def read_sql_out(path):
    """Answers and step times from a checks_*.sql output."""
    if not os.path.exists(path):
        return None, None
    ans = {k: set() for k, _ in CHECKS}
    marks = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if c[0] == "@t":
                marks.append((c[1], float(c[2])))
            elif c[0] == "overlap":
                ans["overlap"].add(tuple(sorted(c[1:3])))
            elif c[0] in ans:
                ans[c[0]].add(c[1])
    steps = [(marks[i][0], marks[i][1] - marks[i - 1][1])
             for i in range(1, len(marks))]
    if not marks or marks[-1][0] != "containment":
        return None, steps  # did not finish
    return ans, steps


def read_plancheck(gpkg, rules):
    """Answers from plancheck's output GeoPackage; None for a rule it did
    not run."""
    ans = {k: (set() if PLANCHECK_RULES[k] in rules else None)
           for k, _ in CHECKS}
    seen = {}
    db = sqlite3.connect("file:%s?mode=ro" % gpkg, uri=True)
    try:
        tables = {r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        for t in ("findings", "findings_points", "findings_lines"):
            if t not in tables:
                continue
            cols = {r[1] for r in db.execute('PRAGMA table_info("%s")' % t)}
            k2 = "feature_key2" if "feature_key2" in cols else "NULL"
            for rule, k1, kk2 in db.execute(
                    'SELECT rule, feature_key, %s FROM "%s"' % (k2, t)):
                seen[rule] = seen.get(rule, 0) + 1
                if rule == "overlap":
                    if ans["overlap"] is not None:
                        ans["overlap"].add(tuple(sorted([k1 or "",
                                                         kk2 or ""])))
                elif rule == "validity.invalid":
                    if ans["invalid"] is not None:
                        ans["invalid"].add(k1)
                elif rule == "area.declared":
                    ans["area"].add(k1)
                elif rule == "containment.outside":
                    if ans["containment"] is not None:
                        ans["containment"].add(k1)
    finally:
        db.close()
    return ans, seen


def truth_sets(truth):
    return {
        "overlap": {tuple(p) for p in truth["overlap_pairs"]},
        "invalid": set(truth["invalid"]),
        "area": {e["code"] for e in truth["area_mismatch"]},
        "containment": {e["code"] for e in truth["out_of_zone"]},
    }


# ---------------------------------------------------------------- report

def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def report(d):
    res = os.path.join(d, "results")
    with open(os.path.join(d, "truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    tsets = truth_sets(truth)
    rows = []      # (tool, seconds, MB, cpu, note)
    answers = []   # (tool, answers or None, note)

    floor = read_time(os.path.join(res, "floor.time"))
    if floor:
        note = ""
        try:
            with open(os.path.join(res, "floor.out")) as f:
                note = f.read().strip()
        except OSError:
            pass
        rows.append(["gdal read floor", floor, note])

    rules = []
    try:
        with open(os.path.join(res, "plancheck.rules")) as f:
            rules = f.read().split()
    except OSError:
        pass
    # The checks alone (--findings-only) are what the other tools do; the
    # default output also writes a normalised copy of every input feature.
    pc = None
    for label, stem in (("plancheck (checks)", "plancheck-fo"),
                        ("plancheck (+ full copy)", "plancheck")):
        t = read_time(os.path.join(res, stem + ".time"))
        if not t:
            continue
        lacking = [r for r in ("validity", "overlap", "containment")
                   if r not in rules]
        note = ("--findings-only; " if stem == "plancheck-fo"
                else "findings + normalised input layers; ")
        note += "rules: " + ",".join(rules)
        if lacking:
            note += " (plancheck lacks %s)" % ",".join(lacking)
        gpkg = os.path.join(res, stem + ".gpkg")
        if t["status"] == 0 and os.path.exists(gpkg):
            a, seen = read_plancheck(gpkg, rules)
            answers.append((label.split()[0] + ("" if stem == "plancheck-fo"
                                                else "-full"), a, seen))
        else:
            note += " FAILED (exit %d)" % t["status"]
            answers.append((stem, None, None))
        rows.append([label, t, note])
        if pc is None:
            pc = t

    sl = read_time(os.path.join(res, "spatialite.time"))
    if sl:
        a, steps = read_sql_out(os.path.join(res, "spatialite.out"))
        note = " ".join("%s %.2f" % s for s in steps or [])
        if sl["status"] != 0 or a is None:
            note = "FAILED (exit %d) " % sl["status"] + note
        rows.append(["spatialite (4 checks)", sl, note])
        answers.append(("spatialite", a, None))

    pl = read_time(os.path.join(res, "pg-load.time"))
    pk = read_time(os.path.join(res, "pg-checks.time"))
    if pl or pk:
        pss_l = read_number(os.path.join(res, "pg-load.pss"))
        pss_k = read_number(os.path.join(res, "pg-checks.pss"))
        a, steps = read_sql_out(os.path.join(res, "pg-checks.out"))
        if pl:
            load = dict(pl)
            load["mb"] = pl["mb"] + (pss_l or 0)
            rows.append(["postgis load (ogr2ogr)", load,
                         "MB = ogr2ogr RSS + server PSS %s"
                         % fmt(pss_l, ".0f")])
        if pk:
            chk = dict(pk)
            chk["mb"] = pss_k
            chk["cpu"] = None  # the work is in the server's processes
            note = " ".join("%s %.2f" % s for s in steps or [])
            if pk["status"] != 0 or a is None:
                note = "FAILED (exit %d) " % pk["status"] + note
            rows.append(["postgis index+4 checks", chk,
                         note + "; MB = server PSS"])
            if pl:
                tot = {"s": pl["s"] + pk["s"], "cpu": None,
                       "mb": max(load["mb"], pss_k or 0),
                       "status": pl["status"] or pk["status"]}
                rows.append(["postgis total", tot, "load + index + checks"])
        answers.append(("postgis", a, None))

    pc_s = pc["s"] if pc and pc["status"] == 0 else None
    fl_s = floor["s"] if floor and floor["status"] == 0 else None
    size = os.path.getsize(os.path.join(d, "bench.gpkg")) / 1e6
    out = []
    out.append("N=%d: %d parcels, %d zones, bench.gpkg %.1f MB"
               % (truth["n"], truth["features"]["parcels"],
                  truth["features"]["zones"], size))
    out.append("%-24s %9s %8s %7s %11s %8s  %s" % (
        "tool", "seconds", "peak MB", "cpu s", "x plancheck", "x floor",
        "note (step seconds)"))
    js = {"n": truth["n"], "parcels": truth["features"]["parcels"],
          "tools": [], "answers": {}}
    for tool, t, note in rows:
        s = t["s"]
        rp = s / pc_s if pc_s else None
        rf = s / fl_s if fl_s else None
        out.append("%-24s %9.2f %8s %7s %11s %8s  %s" % (
            tool, s, fmt(t["mb"], ".0f"), fmt(t["cpu"], ".2f"),
            fmt(rp, ".2f"), fmt(rf, ".1f"), note))
        js["tools"].append({"tool": tool, "seconds": s, "peak_mb": t["mb"],
                            "cpu_s": t["cpu"], "x_plancheck": rp,
                            "x_floor": rf, "note": note})

    out.append("")
    out.append("answers vs truth.json (count found; OK = same set of codes "
               "or code pairs as the truth)")
    out.append("%-15s %6s" % ("check", "truth") +
               "".join("  %-16s" % t for t, _, _ in answers))
    mismatches = []
    for key, label in CHECKS:
        line = "%-15s %6d" % (label, len(tsets[key]))
        for tool, a, _ in answers:
            if a is None:
                cell = "FAILED"
                mismatches.append((tool, label, None, None))
            elif a[key] is None:
                cell = "n/a"
            else:
                ok = a[key] == tsets[key]
                cell = "%d %s" % (len(a[key]), "OK" if ok else "MISMATCH")
                if not ok:
                    mismatches.append((tool, label, a[key] - tsets[key],
                                       tsets[key] - a[key]))
            js["answers"].setdefault(tool, {})[key] = cell
            line += "  %-16s" % cell
        out.append(line)
    for tool, label, extra, missing in mismatches:
        if extra is None:
            out.append("  %s: no answers (run failed)" % tool)
            continue
        out.append("  %s %s: %d extra %s, %d missing %s" % (
            tool, label, len(extra), sorted(extra)[:5], len(missing),
            sorted(missing)[:5]))
    for tool, _, seen in answers:
        if seen is not None:
            out.append("  %s finding rules: %s" % (tool, ", ".join(
                "%s %d" % kv for kv in sorted(seen.items())) or "none"))
    js["mismatches"] = len(mismatches)
    text = "\n".join(out)
    print(text)
    with open(os.path.join(res, "report.txt"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    with open(os.path.join(res, "report.json"), "w", encoding="utf-8") as f:
        json.dump(js, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return 1 if mismatches else 0


def summary(dirs):
    print("%-9s %-24s %9s %8s %11s %8s" % ("N", "tool", "seconds", "peak MB",
                                          "x plancheck", "x floor"))
    bad = 0
    for d in dirs:
        try:
            with open(os.path.join(d, "results", "report.json"),
                      encoding="utf-8") as f:
                js = json.load(f)
        except OSError:
            continue
        for t in js["tools"]:
            print("%-9d %-24s %9.2f %8s %11s %8s" % (
                js["n"], t["tool"], t["seconds"], fmt(t["peak_mb"], ".0f"),
                fmt(t["x_plancheck"], ".2f"), fmt(t["x_floor"], ".1f")))
        bad += js["mismatches"]
    return 1 if bad else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "pss-sample":
        pss_sample(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "report":
        return report(sys.argv[2])
    if len(sys.argv) >= 3 and sys.argv[1] == "summary":
        return summary(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
