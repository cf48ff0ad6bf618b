#!/usr/bin/env python3
"""Checks the tables of a nianbao render from its --dump-layout JSON and from pdftotext.

Usage: tablecheck.py DUMP.json BBOX.html LAYOUT.yaml REPORT.yaml
(BBOX.html from `pdftotext -bbox FILE.pdf BBOX.html`)

From the dump (boxes of every page, PDF points, origin bottom-left):
  - every cell inside the 版心 (0.5 pt), no two cells of a page overlap;
  - every cell-text line inside a cell of the same table, row and column on its page;
  - no row split: each grid row of a table is drawn on exactly one page;
  - on every page after a table's first, its header rows are drawn again (repeat) and every
    spanning label whose rows continue there is drawn again with the same text.
From poppler's words (pdftotext -bbox) inside each cell: the cell's text comes back exactly;
every label of the layout and every value of the report come back from some cell.
Prints one line per violation; exit 1 if any."""

import json
import sys

import yaml

MM = 72.0 / 25.4
LEFT, RIGHT = 28 * MM, 28 * MM + 156 * MM
TOP = 297 * MM - 37 * MM
BOTTOM = TOP - 225 * MM
TOL = 0.5

problems = []


def problem(msg):
    problems.append(msg)


def inside(a, b, tol=0.01):
    return (a["x"] >= b["x"] - tol and a["y"] >= b["y"] - tol and
            a["x"] + a["width"] <= b["x"] + b["width"] + tol and
            a["y"] + a["height"] <= b["y"] + b["height"] + tol)


def overlap(a, b):
    w = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return w > 0.05 and h > 0.05


def layout_labels(layout_path):
    """Labels of every table, by table key, in grid order (a variant names its base)."""
    with open(layout_path, encoding="utf-8") as f:
        lay = yaml.safe_load(f)
    if "base" in lay:
        import os
        base = os.path.join(os.path.dirname(layout_path), lay["base"] + ".yaml")
        labels = layout_labels(base)
        for key, cols in (lay.get("remove_columns") or {}).items():
            labels[key] = [l for l in labels[key] if l not in cols]
        return labels
    out = {}
    for t in lay["tables"]:
        texts = []
        for row in t["grid"]:
            for cell in row:
                if isinstance(cell, str):
                    texts.append(cell)
                elif "text" in cell:
                    texts.append(cell["text"])
        out[t["table"]] = texts
    return out


def layout_spans(layout_path):
    """Label cells spanning rows, by table name: (text, row, rowspan), placed like HTML tables
    (labels come before the values in every row, so the values' widths do not matter)."""
    with open(layout_path, encoding="utf-8") as f:
        lay = yaml.safe_load(f)
    if "base" in lay:
        import os
        return layout_spans(os.path.join(os.path.dirname(layout_path), lay["base"] + ".yaml"))
    out = {}
    for t in lay["tables"]:
        taken, spans = set(), []
        for r, row in enumerate(t["grid"]):
            col = 0
            for cell in row:
                if isinstance(cell, dict) and "values" in cell:
                    break
                while (r, col) in taken:
                    col += 1
                text = cell if isinstance(cell, str) else cell["text"]
                rs = 1 if isinstance(cell, str) else cell.get("rows", 1)
                cs = 1 if isinstance(cell, str) else cell.get("cols", 1)
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, col + dc))
                if rs > 1:
                    spans.append((text, r, rs))
                col += cs
        out[t["name"]] = spans
    return out


def layout_header_rows(layout_path):
    """Header rows by table name (表三: 3), following a variant to its base."""
    with open(layout_path, encoding="utf-8") as f:
        lay = yaml.safe_load(f)
    if "base" in lay:
        import os
        return layout_header_rows(os.path.join(os.path.dirname(layout_path), lay["base"] + ".yaml"))
    return {t["name"]: t.get("header_rows", 0) for t in lay["tables"]}


def main():
    dump_path, text_path, layout_path, report_path = sys.argv[1:5]
    with open(dump_path, encoding="utf-8") as f:
        boxes = json.load(f)
    cells = [b for b in boxes if b["kind"] == "cell"]
    texts = [b for b in boxes if b["kind"] == "cell-text"]
    if not cells:
        problem("no table cells in the dump")

    by_page = {}
    for c in cells:
        by_page.setdefault(c["page"], []).append(c)
        if (c["x"] < LEFT - TOL or c["x"] + c["width"] > RIGHT + TOL or
                c["y"] < BOTTOM - TOL or c["y"] + c["height"] > TOP + TOL):
            problem(f"page {c['page']}: {c['table']} cell r{c['row']} c{c['col']} leaves the 版心")
    for page, cs in by_page.items():
        for i in range(len(cs)):
            for j in range(i + 1, len(cs)):
                if overlap(cs[i], cs[j]):
                    problem(f"page {page}: {cs[i]['table']} cells r{cs[i]['row']} c{cs[i]['col']} "
                            f"and r{cs[j]['row']} c{cs[j]['col']} overlap")
    for t in texts:
        home = [c for c in by_page.get(t["page"], []) if c["table"] == t["table"] and
                c["row"] == t["row"] and c["col"] == t["col"]]
        if not any(inside(t, c) for c in home):
            problem(f"page {t['page']}: {t['table']} text '{t['text']}' (r{t['row']} c{t['col']}) "
                    "is not inside its cell")

    header_rows = layout_header_rows(layout_path)
    spans = layout_spans(layout_path)
    tables = sorted({c["table"] for c in cells})
    for name in tables:
        tc = [c for c in cells if c["table"] == name]
        pages = sorted({c["page"] for c in tc})
        # A row's own (one-row) cells all on one page.
        rows = {}
        for c in tc:
            if c["rowspan"] == 1 and not c["repeat"]:
                rows.setdefault(c["row"], set()).add(c["page"])
        for row, ps in rows.items():
            if len(ps) > 1:
                problem(f"{name} row {row} is split over pages {sorted(ps)}")
        first = [c for c in tc if c["page"] == pages[0]]
        nhead = header_rows.get(name, 0)
        for p in pages[1:]:
            here = [c for c in tc if c["page"] == p]
            body_rows = {c["row"] for c in here if not c["repeat"] and c["row"] >= nhead}
            if not body_rows:
                problem(f"{name} page {p}: no rows of its own")
                continue
            lo = min(body_rows)
            for h in first:
                if h["row"] + h["rowspan"] <= nhead:
                    again = [c for c in here if c["row"] == h["row"] and c["col"] == h["col"] and
                             c["text"] == h["text"] and c["repeat"]]
                    if not again:
                        problem(f"{name} page {p}: header cell '{h['text']}' not repeated")
            # A spanning label of the layout begun on an earlier page and going on here.
            for text, row, rowspan in spans.get(name, []):
                if row >= nhead and row < lo < row + rowspan:
                    again = [c for c in here if c["text"] == text and c["repeat"]]
                    if not again:
                        problem(f"{name} page {p}: cut label '{text}' not drawn again")

    # Poppler's words, gathered cell by cell: every label of the layout and every value of
    # the report must come back from the cell that draws it.
    import xml.etree.ElementTree as ET
    with open(text_path, encoding="utf-8") as f:
        raw = f.read()
    raw = raw[raw.index("<doc>"):raw.index("</doc>") + len("</doc>")]
    doc = ET.fromstring(raw)
    extracted = []
    for pno, page in enumerate(doc.iter("page"), start=1):
        height = float(page.get("height"))
        words = []
        for w in page.iter("word"):
            x0, y0, x1, y1 = (float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            words.append(((x0 + x1) / 2, height - (y0 + y1) / 2, y0, x0, w.text or ""))
        for c in by_page.get(pno, []):
            inner = [w for w in words if c["x"] <= w[0] <= c["x"] + c["width"] and
                     c["y"] <= w[1] <= c["y"] + c["height"]]
            inner.sort(key=lambda w: (round(w[2], 1), w[3]))
            got = "".join("".join(w[4] for w in inner).split())
            extracted.append(got)
            want = "".join((c["text"] or "").split())
            if got != want:
                problem(f"page {pno}: {c['table']} r{c['row']} c{c['col']}: poppler reads "
                        f"'{got}' where the cell holds '{want}'")
    have = set(extracted)
    labels = layout_labels(layout_path)
    with open(report_path, encoding="utf-8") as f:
        report = yaml.safe_load(f)
    from collections import Counter
    counts = Counter(extracted)
    for sec in report["sections"]:
        for block in sec.get("body") or []:
            if not (isinstance(block, dict) and "table" in block):
                continue
            for label in labels.get(block["table"], []):
                if "".join(str(label).split()) not in have:
                    problem(f"no cell reads back the label {label}")
            # A negative value is set with the minus sign U+2212 (issue 12).
            want = Counter(str(v).replace("-", "\u2212", 1) if str(v).startswith("-") else str(v)
                           for vs in (block.get("values") or {}).values()
                           for v in vs if v is not None)
            for v, n in want.items():
                if counts[v] < n:
                    problem(f"{block['table']}: the value {v} is in the report {n} time(s) but "
                            f"poppler reads it from {counts[v]} cell(s)")

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
