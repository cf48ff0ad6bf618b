#!/usr/bin/env python3
"""Doctors MuPDF's stext of a nianbao PDF so that it breaks exactly one typographic rule, to show
that conform.py catches it (tests/conform_self.sh).

Usage: stextdoctor.py CASE < IN.xml > OUT.xml;  stextdoctor.py --list

Works on real output, not a model of it: it finds the place to break by content (the first pair
of marks, the first Han before a digit, the first 一、 heading …) and moves glyphs, renames fonts
or deletes glyphs there. Exits 3 when the input has no such place. Standard library only."""

import re
import sys
import xml.etree.ElementTree as ET

MM = 72.0 / 25.4
LEFT = 28 * MM
PITCH = 156 * MM / 28
INK_LEFT = set("、，。．：；！？”’」』）］｝〕】〗〙》〉")


def is_han(c):
    return 0x4E00 <= ord(c) <= 0x9FFF


class G:
    """One glyph: its <char>, its <font> and its page."""

    def __init__(self, el, font, page, height):
        self.el, self.font, self.page, self.height = el, font, page, height

    @property
    def c(self):
        return self.el.get("c")

    @property
    def x(self):
        return float(self.el.get("x"))

    @property
    def base(self):
        return self.height - float(self.el.get("y"))

    def shift(self, dx):
        q = [float(v) for v in self.el.get("quad").split()]
        for i in range(0, 8, 2):
            q[i] += dx
        self.el.set("quad", " ".join("%.5f" % v for v in q))
        self.el.set("x", "%.5f" % (self.x + dx))


def load(data):
    root = ET.fromstring(data)
    parent = {c: p for p in root.iter() for c in p}
    pages = []
    for page in root.iter("page"):
        h = float(page.get("height"))
        glyphs = []
        for font in page.iter("font"):
            for ch in font.iter("char"):
                if ch.get("c", "").strip():
                    glyphs.append(G(ch, font, page, h))
        rows = []
        for g in sorted(glyphs, key=lambda g: (-g.base, g.x)):
            for row in rows:
                if abs(row[0].base - g.base) <= 0.5 and row[0].font.get("size") == g.font.get("size"):
                    row.append(g)
                    break
            else:
                rows.append([g])
        for row in rows:
            row.sort(key=lambda g: g.x)
        pages.append(rows)
    return root, parent, pages


def text(row):
    return "".join(g.c for g in row)


def body(row):
    # A body line: 16 pt, in FandolFang (its digits and letters may be in the Latin face).
    return row[0].font.get("size") == "16" and any(
        g.font.get("name") == "FandolFang-Regular" for g in row)


def remove(parent, g):
    parent[g.el].remove(g.el)


def set_font(parent, row, name):
    """Gives every glyph of the row its own <font> element named `name`."""
    for g in row:
        f = ET.Element("font", {"name": name, "size": g.font.get("size")})
        parent[g.el].remove(g.el)
        f.append(g.el)
        parent[g.font].append(f)


def doctor(case, data):
    root, parent, pages = load(data)
    rows = [r for p in pages for r in p]
    if case == "clean":
        pass
    elif case == "pair":  # two marks set at full width: 2 cells
        for r in rows:
            for i, (a, b) in enumerate(zip(r, r[1:])):
                if a.c in INK_LEFT and b.c in INK_LEFT and r[0].font.get("size") == "16":
                    for g in r[i + 1:]:
                        g.shift(PITCH / 2)
                    return root
        sys.exit(3)
    elif case == "squeeze":  # grid style broken: a mid-line mark squeezed to half a cell
        for r in rows:
            for i, (a, b) in enumerate(zip(r, r[1:])):
                if a.c in INK_LEFT and is_han(b.c) and body(r) and i > 0:
                    for g in r[i + 1:]:
                        g.shift(-PITCH / 2)
                    return root
        sys.exit(3)
    elif case == "end-half":  # grid style broken: a full line's last mark in half a cell
        for r, n in zip(rows, rows[1:]):
            if body(r) and body(n) and abs(n[0].x - LEFT) < 0.5 and r[-1].c in INK_LEFT \
                    and r[-1].x + 16 > LEFT + 28 * PITCH - 1:
                for g in r:
                    g.shift(PITCH / 2)
                return root
        sys.exit(3)
    elif case == "gap":  # a digit set tight against the Han before it
        for r in rows:
            for i, (a, b) in enumerate(zip(r, r[1:])):
                if is_han(a.c) and b.c.isdigit() and body(r):
                    gap = b.x - a.x - PITCH
                    for g in r[i + 1:]:
                        g.shift(-gap)
                    return root
        sys.exit(3)
    elif case in ("font-body", "font-h1", "font-h2"):
        want = {"font-body": lambda t: body_row and t[0] in "围坚全我",
                "font-h1": lambda t: re.match("^[一二三四五六]、", t),
                "font-h2": lambda t: re.match("^（[一二三四五]）", t)}[case]
        name = {"font-body": "FandolSong-Regular", "font-h1": "FandolFang-Regular",
                "font-h2": "FandolHei-Regular"}[case]
        for r in rows:
            body_row = body(r)
            if r[0].font.get("size") == "16" and want(text(r)):
                set_font(parent, r, name)
                return root
        sys.exit(3)
    elif case == "title-font":
        set_font(parent, rows[0], "FandolHei-Regular")
    elif case == "title-size":
        for g in rows[0]:
            g.font.set("size", "20")
    elif case == "folio-digits":  # the page number's digits of page 1 in the 宋体 font
        for r in pages[0]:
            if r[0].font.get("size") == "14":
                set_font(parent, [g for g in r if g.c.isdigit()], "FandolSong-Regular")
                return root
        sys.exit(3)
    elif case == "folio-font":  # the page number of page 2 in the body font
        for r in pages[1]:
            if r[0].font.get("size") == "14":
                set_font(parent, r, "FandolFang-Regular")
                return root
        sys.exit(3)
    elif case == "not-flush":  # a full line's last glyph 2 pt short of the edge
        for r, n in zip(rows, rows[1:]):
            if body(r) and body(n) and abs(n[0].x - LEFT) < 0.5 and is_han(r[-1].c):
                r[-1].shift(-2)
                return root
        sys.exit(3)
    elif case == "gu-zi":  # a paragraph's last line cut to its first character and its stop
        for p, r, n in zip(rows, rows[1:], rows[2:]):
            if body(p) and body(r) and abs(r[0].x - LEFT) < 0.5 and len(r) >= 4 \
                    and r[-1].c == "。" and is_han(r[0].c) and r[0].page is p[0].page \
                    and not (body(n) and abs(n[0].x - LEFT) < 0.5):
                for g in r[1:-1]:
                    remove(parent, g)
                r[-1].shift(r[1].x - r[-1].x)
                return root
        sys.exit(3)
    elif case == "heading-foot":  # what follows a heading at a page's end is taken away
        for page in pages:
            for i, r in enumerate(page):
                if re.match("^（[一二三四五]）", text(r)) and 1 <= len(page) - i - 1 <= 4 \
                        and all(body(x) for x in page[i + 1:] if x[0].font.get("size") == "16") \
                        and all(x[0].font.get("size") == "16" for x in page[i + 1:-1]):
                    for x in page[i + 1:]:
                        if x[0].font.get("size") == "16":
                            for g in x:
                                remove(parent, g)
                    return root
        sys.exit(3)
    elif case == "orphan":  # a page ends with a paragraph's first line, continued overleaf
        for a, b in zip(pages, pages[1:]):
            if len(a) >= 3 and body(a[-2]) and body(a[-3]) and abs(a[-2][0].x - LEFT) < 0.5 \
                    and abs(a[-3][0].x - LEFT) > 20 and b and body(b[0]):
                # a[-1] is the page number; a[-2] the paragraph's last line: drop it and let
                # the next page's first line go on from a[-3].
                for g in a[-2]:
                    remove(parent, g)
                dx = LEFT - b[0][0].x
                for g in b[0]:
                    g.shift(dx)
                return root
        sys.exit(3)
    else:
        sys.stderr.write("stextdoctor: no case %r\n" % case)
        sys.exit(2)
    return root


CASES = ["clean", "pair", "squeeze", "end-half", "gap", "font-body", "font-h1", "font-h2", "title-font", "title-size", "folio-digits", "folio-font", "not-flush",
         "gu-zi", "heading-foot", "orphan"]


def main(argv):
    if argv == ["--list"]:
        print("\n".join(CASES))
        return 0
    if len(argv) != 1:
        sys.stderr.write("usage: stextdoctor.py CASE < IN.xml > OUT.xml\n")
        return 2
    root = doctor(argv[0], sys.stdin.buffer.read())
    sys.stdout.buffer.write(ET.tostring(root, encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
