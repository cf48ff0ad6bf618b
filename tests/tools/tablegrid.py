#!/usr/bin/env python3
"""Checks that the tables of a nianbao render look like the national template (issue 12), from
its --dump-layout JSON and from MuPDF's reading of the PDF (not from our code).

Usage: tablegrid.py [--grid] [--stext XML] DUMP.json LAYOUT.yaml FILE.pdf
(--stext: MuPDF's `mutool draw -F stext` output to read instead of running it on FILE.pdf)

  words    no label line ends inside a word of the layout's `words:` list (a variant's list is
           its base's plus its own);
  data     every data column (one-column cells holding a number) is at least 12 mm wide, where
           the 版心 has room for 12 mm in each of the table's data columns (表四's 15 do not);
  padding  every line of a cell keeps 1.5 mm (less 0.06 pt) from its cell's left and right rules;
  align    the lines of a wrapped cell start at the same x (no centred or letter-spaced last
           line), and no space is added between two full-width characters (no letter-spacing);
  size     every glyph inside a table cell has one size, the same in all tables: 10.5 pt (五号) or
           9 pt (小五);
  grid     (with --grid) in every cell line, each Han character and full-width mark starts a
           whole number of cells (the table size) after the first of its run (+-0.3 pt); a
           Latin word or number keeps its own width and starts a new run;
  holes    no page but the last is more than 30 % empty, except a page whose next page starts
           with a section heading followed by a table (that heading keeps with the table's
           start); such pages are printed as "exempt: page N (...)" on standard output.

Prints one line per violation on standard error; exits 1 if there is any, 0 when clean."""

import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfgeom  # noqa: E402

MM = 72.0 / 25.4
LEFT, RIGHT = 28 * MM, 28 * MM + 156 * MM
TOP = 297 * MM - 37 * MM
BOTTOM = TOP - 225 * MM
HPAD = 1.5 * MM
FIT_SLACK = 0.06
SIZES = (10.5, 9.0)
HOLE = 0.30
NUMBER = re.compile(r"^[-+\u2212]?[0-9][0-9.]*$")
H1 = re.compile(r"^[一二三四五六七八九十]+、")

problems = []


def problem(msg):
    problems.append(msg)


def layout_words(path):
    with open(path, encoding="utf-8") as f:
        lay = yaml.safe_load(f)
    words = list(lay.get("words") or [])
    if lay.get("base"):
        words = layout_words(os.path.join(os.path.dirname(path), lay["base"] + ".yaml")) + words
    return words


def is_han(c):
    o = ord(c)
    return (0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF
            or o == 0x3007)


def full_width(c):
    o = ord(c)
    return is_han(c) or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or c in "“”‘’—…"


def key(b):
    return (b["page"], b["table"], b["row"], b["col"])


def check_words(cells, lines, words):
    for k, cell in cells.items():
        ls = lines.get(k, [])
        if len(ls) < 2:
            continue
        text = "".join(l["text"] for l in ls)
        if text != cell["text"]:
            problem("page %d %s r%d c%d: lines %s do not make the cell's text %r"
                    % (k[0], k[1], k[2], k[3], [l["text"] for l in ls], cell["text"]))
            continue
        breaks, at = [], 0
        for l in ls[:-1]:
            at += len(l["text"])
            breaks.append(at)
        for w in words:
            start = text.find(w)
            while start >= 0:
                for b in breaks:
                    if start < b < start + len(w):
                        problem("page %d %s: '%s' breaks inside the word '%s': %s"
                                % (k[0], k[1], text, w, " / ".join(l["text"] for l in ls)))
                start = text.find(w, start + 1)


def check_data(cells):
    widths = {}
    for k, c in cells.items():
        if c["colspan"] == 1 and NUMBER.match(c["text"] or ""):
            widths.setdefault(c["table"], {}).setdefault(c["col"], c["width"])
    for table, cols in sorted(widths.items()):
        if len(cols) * 12 * MM > 156 * MM + 0.01:
            continue
        for col, w in sorted(cols.items()):
            if w < 12 * MM - 0.01:
                problem("%s: data column %d is %.2f mm wide, less than 12 mm" % (table, col, w / MM))


def check_padding_align(cells, lines):
    for k, ls in lines.items():
        cell = cells.get(k)
        if not cell:
            problem("page %d %s r%d c%d: text outside any cell" % k)
            continue
        for l in ls:
            if l["x"] < cell["x"] + HPAD - FIT_SLACK or \
                    l["x"] + l["width"] > cell["x"] + cell["width"] - HPAD + FIT_SLACK:
                problem("page %d %s r%d c%d: '%s' keeps less than 1.5 mm from its rules "
                        "(%.2f..%.2f in %.2f..%.2f)" % (k + (l["text"], l["x"], l["x"] + l["width"],
                                                             cell["x"], cell["x"] + cell["width"])))
        if len(ls) > 1 and max(l["x"] for l in ls) - min(l["x"] for l in ls) > 0.05:
            problem("page %d %s r%d c%d: the lines of '%s' do not start at one x: %s"
                    % (k + (cell["text"], ["%.2f" % l["x"] for l in ls])))


def pdf_cell_chars(pages, boxes):
    """For each cell-text line of the dump, the PDF glyphs inside its box."""
    out = []
    by_page = {}
    for b in boxes:
        if b["kind"] == "cell-text":
            by_page.setdefault(b["page"], []).append(b)
    for page in pages:
        for b in by_page.get(page["number"], []):
            chars = [c for c in page["chars"]
                     if b["x"] - 0.5 <= (c.x0 + c.x1) / 2 <= b["x"] + b["width"] + 0.5
                     and b["y"] <= c.base <= b["y"] + b["height"]]
            chars.sort(key=lambda c: c.x0)
            out.append((b, chars))
    return out


def check_sizes_and_grid(found, grid):
    sizes = {}
    for b, chars in found:
        if not chars:
            problem("page %d %s r%d c%d: no glyph of '%s' found in the PDF" % (key(b) + (b["text"],)))
            continue
        for c in chars:
            sizes.setdefault(round(c.size, 2), set()).add(b["table"])
        for a, c in zip(chars, chars[1:]):
            if full_width(a.c) and full_width(c.c) and c.x0 - a.x1 > 0.3:
                problem("page %d %s: '%s' is letter-spaced: %.2f pt between '%s' and '%s'"
                        % (b["page"], b["table"], b["text"], c.x0 - a.x1, a.c, c.c))
                break
        if grid:
            # Each run of full-width characters (a Latin word or number between runs keeps its own
            # width) steps by whole cells of the table size.
            first = None
            for c in chars:
                if not full_width(c.c):
                    first = None
                    continue
                if first is None:
                    first = c
                    continue
                steps = (c.x0 - first.x0) / first.size
                if abs(steps - round(steps)) * first.size > 0.3:
                    problem("page %d %s: '%s': '%s' is %.2f cells after '%s', off the cell's grid"
                            % (b["page"], b["table"], b["text"], c.c, steps, first.c))
                    break
    if len(sizes) != 1:
        problem("table text comes in %d sizes: %s" % (len(sizes), ", ".join(
            "%g pt (%s)" % (s, " ".join(sorted(t))) for s, t in sorted(sizes.items()))))
    for s in sizes:
        if not any(abs(s - want) < 0.01 for want in SIZES):
            problem("table text at %g pt, neither 五号 (10.5) nor 小五 (9)" % s)
    return sorted(sizes)


def check_holes(boxes):
    npages = max(b["page"] for b in boxes)
    exempt = []
    for p in range(1, npages):
        lowest = min((b["y"] for b in boxes if b["page"] == p and b["kind"] != "folio"),
                     default=TOP)
        empty = (lowest - BOTTOM) / (TOP - BOTTOM)
        if empty <= HOLE:
            continue
        nxt = sorted((b for b in boxes if b["page"] == p + 1 and b["kind"] not in ("folio",)),
                     key=lambda b: -(b["y"] + b["height"]))
        first = nxt[0] if nxt else None
        if first and first["kind"] == "heading" and H1.match(first["text"]):
            # Up to the next section heading: is there a table?
            tables = [b for b in nxt if b["kind"] == "cell"]
            h1s = [b for b in nxt[1:] if b["kind"] == "heading" and H1.match(b["text"])]
            if tables and (not h1s or tables[0]["y"] > h1s[0]["y"]):
                exempt.append("page %d (%d %% empty; page %d starts %s with %s)"
                              % (p, round(empty * 100), p + 1, first["text"], tables[0]["table"]))
                continue
        problem("page %d is %d %% empty (its last box ends %.1f mm above the 版心's foot)"
                % (p, round(empty * 100), (lowest - BOTTOM) / MM))
    return exempt


def main(argv):
    grid = "--grid" in argv
    args = [a for a in argv if a != "--grid"]
    stext = None
    if "--stext" in args:
        i = args.index("--stext")
        stext = args[i + 1] if i + 1 < len(args) else None
        del args[i:i + 2]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    dump, layout, pdf = args
    with open(dump, encoding="utf-8") as f:
        boxes = json.load(f)
    words = layout_words(layout)
    cells = {key(b): b for b in boxes if b["kind"] == "cell"}
    lines = {}
    for b in boxes:
        if b["kind"] == "cell-text":
            lines.setdefault(key(b), []).append(b)
    for ls in lines.values():
        ls.sort(key=lambda l: -l["y"])
    check_words(cells, lines, words)
    check_data(cells)
    check_padding_align(cells, lines)
    try:
        if stext:
            with open(stext, "rb") as f:
                pages = pdfgeom.parse_stext(f.read())
        else:
            pages = pdfgeom.parse_stext(pdfgeom.run_mutool(pdf))
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 2
    sizes = check_sizes_and_grid(pdf_cell_chars(pages, boxes), grid)
    for e in check_holes(boxes):
        print("exempt: " + e)
    print("size: " + " ".join("%g" % s for s in sizes))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
