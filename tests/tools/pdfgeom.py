#!/usr/bin/env python3
"""Checks the GB/T 9704 geometry of a PDF made by nianbao, reading it with MuPDF, not with our code.

Usage: pdfgeom.py [--json] [--stext XML] FILE.pdf

Reads `mutool draw -F stext -o - FILE.pdf` (or the given stext XML) and checks every page:
  - page size A4 595.28 x 841.89 pt;
  - every glyph except the page number inside the 版心 (x 79.37..521.57, y 99.21..737.01; the
    vertical extent of a glyph is its CJK em box, 0.88 em above the baseline and 0.12 em below);
  - glyph sizes: body and headings 16 pt, title 22 pt, table text 9..12 pt; 14 pt only in the
    page number;
  - full lines of 16 pt text end flush with the 版心's right edge (+-0.5 pt). Paragraph ends are
    not marked in a PDF, so a line counts as full when the next line continues its paragraph
    (one pitch below, same font, not indented) and the line ends less than 4 pt short of the
    edge; a line ending further short before such a continuation is reported as info only;
  - the baseline pitch between consecutive lines of one paragraph is 28.99 +- 0.1 pt;
  - no line of text (16 pt and up) starts with a line-start-forbidden mark or ends with a
    line-end-forbidden mark (clreq 基本处理, FORMAT.md §3.2);
  - the page number: "— N —" with N the page's number, 14 pt, the em dash's vertical centre
    7 mm (19.84 pt) below the 版心 (+-1 pt), its right edge 1 字 (14 pt) left of the 版心's right
    edge on odd pages, its left edge 1 字 right of the 版心's left edge on even pages (+-1 pt).
A full-width mark compressed to half a 字 at a line end (or an opening bracket at a line start) may
have its advance box reach half a 字 past the edge: only its inked half is held to the edge.

Prints one line per violation and exits 1 if there is any; 0 when clean; 2 when the file cannot be
read. --json prints the lines found (text, font, size, x0, x1, baseline, in PDF points with the
origin at the bottom-left), the info notes and the violations as JSON, and exits 0 once read.
Standard library only."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MM = 72.0 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT = 28 * MM
RIGHT = LEFT + 156 * MM
TOP = PAGE_H - 37 * MM
BOTTOM = TOP - 225 * MM
LINE_PITCH = 225 * MM / 22
BODY, TITLE, FOLIO = 16.0, 22.0, 14.0
TABLE_MIN, TABLE_MAX = 9.0, 12.0
FOLIO_DROP = 7 * MM
EM_ASCENT, EM_DESCENT = 0.88, 0.12
# Where an em dash's ink sits when it cannot be measured: 0.30 em above the baseline, as in
# every Fandol font (measured with FreeType: ink 0.27..0.33 em).
DASH_CENTRE_EM = 0.30

TOL_EDGE = 0.5
TOL_PITCH = 0.1
TOL_FOLIO = 1.0
TOL_SIZE = 0.05
# A line ending this close to the right edge is taken for a full line, which must be flush.
NEAR_FULL = 4.0

START_FORBIDDEN = set("、，。．：；！？”’」』）］｝〕】〗〙》〉·・／～" ")]},.;:!?%")
END_FORBIDDEN = set("“‘「『（［｛〔【〖〘《〈" "([{")
# Full-width marks whose ink is in the left half (may be compressed at a line end) and in the
# right half (may be compressed at a line start).
INK_LEFT = set("、，。．：；！？”’」』）］｝〕】〗〙》〉")
INK_RIGHT = set("“‘「『（［｛〔【〖〘《〈")
FOLIO_RE = re.compile(r"^(\D{0,3}?)(\d+)(\D{0,3})$")


class Char:
    __slots__ = ("c", "font", "size", "x0", "x1", "base", "qtop")

    def __init__(self, c, font, size, x0, x1, base, qtop):
        self.c, self.font, self.size = c, font, size
        self.x0, self.x1, self.base, self.qtop = x0, x1, base, qtop

    def em_top(self):
        return self.base + EM_ASCENT * self.size

    def em_bottom(self):
        return self.base - EM_DESCENT * self.size


class Line:
    def __init__(self, page, chars):
        self.page = page
        self.chars = chars  # sorted by x, whitespace excluded
        self.size = chars[0].size
        self.base = sum(c.base for c in chars) / len(chars)
        fonts = {}
        for c in chars:
            fonts[c.font] = fonts.get(c.font, 0) + 1
        self.font = max(fonts, key=fonts.get)
        self.text = "".join(c.c for c in chars)
        self.folio = False

    # Edges of the inked extent, allowing for a compressed mark at either end.
    def x0(self):
        first = self.chars[0]
        if first.c in INK_RIGHT and first.x0 < LEFT - TOL_EDGE:
            return first.x0 + (first.x1 - first.x0) / 2
        return first.x0

    def x1(self):
        last = self.chars[-1]
        if last.c in INK_LEFT and last.x1 > RIGHT + TOL_EDGE:
            return last.x0 + (last.x1 - last.x0) / 2
        return last.x1

    def flush(self):
        return abs(self.x1() - RIGHT) <= TOL_EDGE

    def at_left(self):
        return abs(self.x0() - LEFT) <= TOL_EDGE

    def short_text(self):
        return self.text if len(self.text) <= 24 else self.text[:10] + "…" + self.text[-10:]


def run_mutool(pdf):
    if not shutil.which("mutool"):
        raise RuntimeError("mutool not found (Debian package mupdf-tools)")
    proc = subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-", pdf],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("mutool draw -F stext failed: " + proc.stderr.decode(errors="replace"))
    return proc.stdout


def parse_stext(data):
    """Returns [{"number", "width", "height", "chars"}] with chars in PDF coordinates."""
    root = ET.fromstring(data)
    pages = []
    for number, page in enumerate(root.iter("page"), 1):
        width = float(page.get("width"))
        height = float(page.get("height"))
        chars = []
        for font in page.iter("font"):
            name = font.get("name", "")
            size = float(font.get("size", "0"))
            for ch in font.iter("char"):
                c = ch.get("c", "")
                if not c or c.isspace():
                    continue
                q = [float(v) for v in ch.get("quad").split()]
                xs = q[0::2]
                ys = q[1::2]
                base = height - float(ch.get("y"))
                chars.append(Char(c, name, size, min(xs), max(xs), base, height - min(ys)))
        pages.append({"number": number, "width": width, "height": height, "chars": chars})
    return pages


def make_lines(page):
    """Groups a page's glyphs into lines: same baseline (+-0.5 pt), same size, no gap wider than
    three em. Returns them top to bottom, left to right."""
    rows = []
    for c in sorted(page["chars"], key=lambda c: (-c.base, c.x0)):
        for row in rows:
            if abs(row[0].base - c.base) <= 0.5 and abs(row[0].size - c.size) <= TOL_SIZE:
                row.append(c)
                break
        else:
            rows.append([c])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        piece = [row[0]]
        for c in row[1:]:
            if c.x0 - piece[-1].x1 > 3 * c.size:
                lines.append(Line(page["number"], piece))
                piece = []
            piece.append(c)
        lines.append(Line(page["number"], piece))
    lines.sort(key=lambda l: (-l.base, l.chars[0].x0))
    return lines


def dash_ink_centre(pdf, page, dash):
    """Measures the vertical centre of a dash's ink by rendering the area around it with
    poppler's pdftoppm; returns None when that is not possible."""
    if not pdf or not shutil.which("pdftoppm"):
        return None
    scale = 8.0  # pixels per point
    x_left = dash.x0 + 0.15 * (dash.x1 - dash.x0)
    x_right = dash.x1 - 0.15 * (dash.x1 - dash.x0)
    y_top = dash.base + dash.size  # PDF coordinates
    y_bottom = dash.base - 0.3 * dash.size
    px, py = int(x_left * scale), int((page["height"] - y_top) * scale)
    pw, ph = max(1, int((x_right - x_left) * scale)), int((y_top - y_bottom) * scale)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "dash")
        number = str(page["number"])
        proc = subprocess.run(["pdftoppm", "-f", number, "-l", number, "-r", str(72 * scale),
                               "-x", str(px), "-y", str(py), "-W", str(pw), "-H", str(ph),
                               "-gray", "-singlefile", pdf, out],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if proc.returncode != 0 or not os.path.exists(out + ".pgm"):
            return None
        with open(out + ".pgm", "rb") as f:
            data = f.read()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not header or int(header.group(3)) > 255:
        return None
    w, h = int(header.group(1)), int(header.group(2))
    pixels = data[header.end():]
    dark = [r for r in range(h) if any(b < 128 for b in pixels[r * w:(r + 1) * w])]
    if not dark:
        return None
    centre_px = (dark[0] + dark[-1] + 1) / 2.0
    return page["height"] - (py + centre_px) / scale


def check_folio(pdf, page, lines, out):
    number = page["number"]
    folio = None
    for line in reversed(lines):  # the lowest line that looks like a page number
        if FOLIO_RE.match(line.text):
            folio = line
            break
    if folio is None or folio.base > BOTTOM:
        out.append("page %d: no page number below the 版心" % number)
        return
    folio.folio = True
    expect = "—%d—" % number
    if folio.text != expect:
        out.append("page %d: page number reads %r, expected %r (em dashes U+2014)"
                   % (number, folio.text, "— %d —" % number))
    for c in folio.chars:
        if abs(c.size - FOLIO) > TOL_SIZE:
            out.append("page %d: page number glyph %r is %.2f pt, expected %g pt"
                       % (number, c.c, c.size, FOLIO))
            break
    if len(folio.chars) >= 3:
        # A space's width between each dash and the number.
        first, last = folio.chars[0], folio.chars[-1]
        if folio.chars[1].x0 - first.x1 < 0.2 * FOLIO or last.x0 - folio.chars[-2].x1 < 0.2 * FOLIO:
            out.append("page %d: page number %r has no space between the dashes and the number"
                       % (number, folio.text))
    dash = folio.chars[0]
    if dash.c == "—":
        centre = dash_ink_centre(pdf, page, dash)
        if centre is None:
            centre = dash.base + DASH_CENTRE_EM * dash.size
        want = BOTTOM - FOLIO_DROP
        if abs(centre - want) > TOL_FOLIO:
            out.append("page %d: page number's dash centre at y=%.2f, expected %.2f "
                       "(7 mm below the 版心), off by %.2f pt"
                       % (number, centre, want, centre - want))
    if number % 2:
        want = RIGHT - FOLIO
        if abs(folio.chars[-1].x1 - want) > TOL_FOLIO:
            out.append("page %d (odd): page number ends at x=%.2f, expected %.2f "
                       "(1 字 in from the 版心's right edge)" % (number, folio.chars[-1].x1, want))
    else:
        want = LEFT + FOLIO
        if abs(folio.chars[0].x0 - want) > TOL_FOLIO:
            out.append("page %d (even): page number starts at x=%.2f, expected %.2f "
                       "(1 字 in from the 版心's left edge)" % (number, folio.chars[0].x0, want))


def check_page(pdf, page, lines, out):
    number = page["number"]
    if abs(page["width"] - PAGE_W) > 0.1 or abs(page["height"] - PAGE_H) > 0.1:
        out.append("page %d: size %.2f x %.2f pt, expected A4 %.2f x %.2f"
                   % (number, page["width"], page["height"], PAGE_W, PAGE_H))
    check_folio(pdf, page, lines, out)
    for line in lines:
        if line.folio:
            continue
        where = "page %d: line %r" % (number, line.short_text())
        x0, x1 = line.x0(), line.x1()
        if x0 < LEFT - TOL_EDGE:
            out.append("%s starts at x=%.2f, left of the 版心 (%.2f)" % (where, x0, LEFT))
        if x1 > RIGHT + TOL_EDGE:
            out.append("%s ends at x=%.2f, right of the 版心 (%.2f)" % (where, x1, RIGHT))
        top = max(c.em_top() for c in line.chars)
        bottom = min(c.em_bottom() for c in line.chars)
        if top > TOP + TOL_EDGE:
            out.append("%s reaches y=%.2f, above the 版心 (%.2f)" % (where, top, TOP))
        if bottom < BOTTOM - TOL_EDGE:
            out.append("%s reaches y=%.2f, below the 版心 (%.2f)" % (where, bottom, BOTTOM))
        sizes = sorted({round(c.size, 2) for c in line.chars})
        for size in sizes:
            if not (abs(size - BODY) <= TOL_SIZE or abs(size - TITLE) <= TOL_SIZE
                    or TABLE_MIN - TOL_SIZE <= size <= TABLE_MAX + TOL_SIZE):
                out.append("%s has %.2f pt glyphs (body 16, title 22, tables 9-12 pt)"
                           % (where, size))
        if line.size >= BODY - TOL_SIZE:
            if line.text[0] in START_FORBIDDEN:
                out.append("%s starts with the line-start-forbidden mark %r"
                           % (where, line.text[0]))
            if line.text[-1] in END_FORBIDDEN:
                out.append("%s ends with the line-end-forbidden mark %r" % (where, line.text[-1]))


def check_paragraphs(body, out, info):
    """`body` holds the 16 pt lines of the document in reading order."""
    for prev, line in zip(body, body[1:]):
        same_page = prev.page == line.page
        gap = prev.base - line.base if same_page else None
        continues = line.at_left() and line.font == prev.font and (
            not same_page or abs(gap - LINE_PITCH) <= 1.0)
        where = "page %d: line %r" % (prev.page, prev.short_text())
        if prev.flush() and continues and same_page and abs(gap - LINE_PITCH) > TOL_PITCH:
            out.append("page %d: baseline pitch %.3f pt between %r and %r, expected %.2f"
                       % (prev.page, gap, prev.short_text(), line.short_text(), LINE_PITCH))
        short = RIGHT - prev.x1()
        if prev.flush() or short < 0:
            continue
        if continues and short < NEAR_FULL:
            out.append("%s ends %.2f pt short of the 版心's right edge: a full line that is not "
                       "justified flush (the next line continues its paragraph)" % (where, short))
        elif continues:
            info.append("%s ends %.2f pt short of the 版心's right edge, but the next line "
                        "seems to continue its paragraph" % (where, short))
        elif short < NEAR_FULL:
            info.append("%s ends %.2f pt short of the 版心's right edge: nearly flush"
                        % (where, short))


def analyse(pdf, stext):
    pages = parse_stext(stext)
    violations, info, dump = [], [], []
    body = []
    for page in pages:
        lines = make_lines(page)
        check_page(pdf, page, lines, violations)
        body.extend(l for l in lines if not l.folio and abs(l.size - BODY) <= TOL_SIZE)
        dump.append({"page": page["number"], "width": page["width"], "height": page["height"],
                     "lines": [{"text": l.text, "font": l.font, "size": l.size,
                                "x0": round(l.chars[0].x0, 3), "x1": round(l.chars[-1].x1, 3),
                                "baseline": round(l.base, 3), "folio": l.folio}
                               for l in lines]})
    check_paragraphs(body, violations, info)
    if not pages:
        violations.append("no pages")
    return dump, violations, info


def main(argv):
    as_json = False
    stext_file = None
    pdf = None
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--json":
            as_json = True
        elif arg == "--stext" and args:
            stext_file = args.pop(0)
        elif arg.startswith("-") and arg != "-":
            sys.stderr.write("usage: pdfgeom.py [--json] [--stext XML] FILE.pdf\n")
            return 2
        else:
            pdf = arg
    if pdf is None and stext_file is None:
        sys.stderr.write("usage: pdfgeom.py [--json] [--stext XML] FILE.pdf\n")
        return 2
    try:
        if stext_file:
            with open(stext_file, "rb") as f:
                stext = f.read()
        else:
            stext = run_mutool(pdf)
        dump, violations, info = analyse(pdf, stext)
    except (OSError, RuntimeError, ET.ParseError, ValueError) as e:
        sys.stderr.write("pdfgeom: %s: %s\n" % (pdf or stext_file, e))
        return 2
    name = pdf or stext_file
    if as_json:
        json.dump({"file": name, "pages": dump, "violations": violations, "info": info},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for note in info:
        print("%s: info: %s" % (name, note))
    for v in violations:
        print("%s: %s" % (name, v))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
