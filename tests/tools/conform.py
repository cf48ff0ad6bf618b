#!/usr/bin/env python3
"""Typographic conformance of a PDF made by nianbao, read through MuPDF (not through our code).

Usage: conform.py [--stext XML] [--style grid|compact] [--body-font F] [--h1-font F] [--h2-font F] [--title-font F]
                  [--folio-font F] [--latin-font F]... FILE.pdf

Reads `mutool draw -F stext -o - FILE.pdf` (or the given stext XML): every glyph with its font,
size and quad. Runs the GB/T 9704 geometry checks of pdfgeom.py (版心, page size, sizes, pitch,
page numbers on odd and even pages, 禁则 at line ends) and adds the typographic ones of
FORMAT.md §2.3–2.4 and §3 (clreq):

  flush      a full line (the next line continues its paragraph) starts at the 版心's left edge
             (or 2 字 in, on a paragraph's first line) and ends at its right edge, +-0.5 pt.
             Grid style (the default, FORMAT.md §3.4a): measured on the cells, a line-end mark
             keeps its whole cell; compact style: measured on the ink, a mark whose ink fills
             the left half of its cell ends the line with that half (GB/T 15834 5.1.10);
  cell       grid style: every full-width character keeps its whole cell — no two neighbouring
             cells overlap (no mid-line squeeze, no pair compression, no line-start bracket
             compression);
  pair       compact style: two adjacent full-width marks take at most 1.5 cells (clreq 标点挤
             压): from where the first one's cell starts to where the second one's ends, with
             the blank half facing the other mark removed; a pair whose facing halves both hold
             ink (a centred ？ before a closing quote) has nothing to compress and is not
             checked;
  gap        between a Han character and a Latin letter or digit, a quarter of a cell (+-0.3 pt)
             beyond the stretch the line gives between two Han characters; no gap at a line's
             start or end (the flush check sees it);
  gu-zi      no paragraph ends with a line holding a single Han character (孤字) when the line
             before it has two or more break opportunities;
  fonts      body text 16 pt in the 仿宋 font, 一、 headings in the 黑体 font, （一） headings in
             the 楷体 font, the title 22 pt in the 小标宋 font (FandolSong-Bold where the bundled Noto Serif
             CJK SC Black subset lacks a character), page numbers' dashes 14 pt in the 宋体
             font and their digits in the body's Latin face; Latin letters and digits may come
             from a --latin-font;
  pages      no heading is the last line of a page, a heading keeps two lines of the paragraph it
             introduces on its page, no paragraph leaves its first line alone at a page foot or
             its last line alone at a page head.

A line is a row of glyphs on one baseline; a line of 16 pt glyphs that starts at the 版心's left
edge continues the 16 pt line above it (paragraphs are indented 2 字, so a line at the left edge is
never a paragraph's first). Prints one line per violation and exits 1 if there is any, 0 when
clean, 2 when the file cannot be read. Standard library only."""

import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfgeom  # noqa: E402

LEFT, RIGHT, BOTTOM = pdfgeom.LEFT, pdfgeom.RIGHT, pdfgeom.BOTTOM
BODY, TITLE, FOLIO = pdfgeom.BODY, pdfgeom.TITLE, pdfgeom.FOLIO
BODY_PITCH = (RIGHT - LEFT) / 28
LINE_PITCH = pdfgeom.LINE_PITCH
TOL = 0.5
TOL_GAP = 0.3
TOL_SIZE = pdfgeom.TOL_SIZE

INK_LEFT = pdfgeom.INK_LEFT
INK_RIGHT = pdfgeom.INK_RIGHT
# Full-width marks (cells of one 字) considered for compression of pairs.
MARKS = INK_LEFT | INK_RIGHT | set("？·・—…")
START_FORBIDDEN = pdfgeom.START_FORBIDDEN
END_FORBIDDEN = pdfgeom.END_FORBIDDEN
H1_RE = re.compile(r"^[一二三四五六七八九十]+、")
H2_RE = re.compile(r"^（[一二三四五六七八九十]+）")

DEFAULT_FONTS = {"body": "FandolFang-Regular", "h1": "FandolHei-Regular",
                 "h2": "FandolKai-Regular", "title": "NotoSerifCJKsc-Black",
                 "folio": "FandolSong-Regular"}
# Faces a role falls back to for characters its first font lacks (the title's GB 2312 subset).
FALLBACK_FONTS = {"title": {"FandolSong-Bold"}}
# Letters and digits come from a Times-like face (Liberation, bundled) in every role but the
# page number; by default they must, unless --latin-font names others.
DEFAULT_LATIN = {"body": "LiberationSerif", "h1": "LiberationSans-Bold", "h2": "LiberationSerif",
                 "title": "LiberationSerif-Bold", "folio": "LiberationSerif"}


def is_han(c):
    o = ord(c)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF or o == 0x3007)


def is_alnum(c):
    o = ord(c)
    return c.isascii() and c.isalnum() or 0xC0 <= o < 0x2000 and c.isalpha()


def is_latin(c):
    return 0x20 < ord(c) < 0x7F or (0xC0 <= ord(c) < 0x2000 and c.isalpha())


def pitch_of(size):
    return BODY_PITCH if abs(size - BODY) <= TOL_SIZE else size


def cell(ch, pitch):
    """The grid cell a full-width character is centred in: (start, end)."""
    mid = (ch.x0 + ch.x1) / 2
    return mid - pitch / 2, mid + pitch / 2


def full_width(ch):
    return not is_latin(ch.c) and ch.x1 - ch.x0 >= 0.9 * ch.size


def ink_half(ch, pitch):
    """The part of a full-width mark's cell that holds its ink."""
    a, b = cell(ch, pitch)
    if ch.c in INK_LEFT:
        return a, (a + b) / 2
    if ch.c in INK_RIGHT:
        return (a + b) / 2, b
    return a, b


def visible_x0(line, pitch, grid=False):
    first = line.chars[0]
    if full_width(first):
        a, b = cell(first, pitch)
        # Compact: an opening mark may drop its leading blank half at a line start (clreq).
        if not grid and first.c in INK_RIGHT and a < LEFT - TOL:
            return (a + b) / 2
        return a
    return first.x0


def visible_x1(line, pitch, grid=False):
    last = line.chars[-1]
    if full_width(last):
        return cell(last, pitch)[1] if grid else ink_half(last, pitch)[1]
    return last.x1


def line_stretch(chars, pitch):
    """The space a justified line adds between two Han characters (median), 0 if none."""
    gaps = []
    for a, b in zip(chars, chars[1:]):
        if is_han(a.c) and is_han(b.c):
            gaps.append(cell(b, pitch)[0] - cell(a, pitch)[1])
    if not gaps:
        return 0.0
    gaps.sort()
    return gaps[len(gaps) // 2]


def break_opportunities(text):
    """Places inside `text` where clreq 基本处理 allows a line break."""
    n = 0
    for a, b in zip(text, text[1:]):
        if b in START_FORBIDDEN or a in END_FORBIDDEN:
            continue
        if is_latin(a) and is_latin(b):
            continue
        if a == b and a in "—…":
            continue
        n += 1
    return n


class Doc:
    def __init__(self, pages, fonts, latin_fonts, grid=True):
        self.grid = grid
        self.pages = pages
        self.fonts = fonts
        self.latin_fonts = latin_fonts
        self.out = []
        self.seq = []  # (page, Line) of text lines in reading order, page numbers excluded

    def v(self, line, msg):
        self.out.append("page %d: line %r %s" % (line.page, line.short_text(), msg))


def heading_kind(line):
    """1 for a 一、 heading line, 2 for a （一） heading line, 0 otherwise (by its words and its
    place: a heading starts 2 字 in)."""
    if abs(line.size - BODY) > TOL_SIZE:
        return 0
    indented = abs(line.chars[0].x0 - (LEFT + 2 * BODY_PITCH)) <= 2 * TOL or \
        abs(cell(line.chars[0], BODY_PITCH)[0] - (LEFT + 2 * BODY_PITCH)) <= 2 * TOL
    if H1_RE.match(line.text) and indented:
        return 1
    if H2_RE.match(line.text) and indented:
        return 2
    return 0


def at(x, want):
    return abs(x - want) <= TOL


def latin_ok(doc, ch, role):
    """A letter or digit in the role's Latin face (or in any --latin-font given)."""
    if not is_latin(ch.c):
        return False
    if doc.latin_fonts:
        return ch.font in doc.latin_fonts
    return ch.font == DEFAULT_LATIN[role]


def check_fonts(doc, line, kind):
    want = {1: "h1", 2: "h2"}.get(kind, "body")
    expect = doc.fonts[want]
    # A run-in heading ("（一）主动公开情况。" then its paragraph on the same line): the 楷体
    # heading up to its 。, the body font after it.
    runin = kind == 2 and "。" in line.text[:-1]
    head_end = line.text.index("。") if runin else len(line.text)
    for k, ch in enumerate(line.chars):
        if runin and k > head_end:
            want, expect = "body", doc.fonts["body"]
        if abs(ch.size - BODY) > TOL_SIZE:
            continue
        if latin_ok(doc, ch, want):
            continue
        if ch.font == expect and not (ch.c.isascii() and ch.c.isalnum() and not doc.latin_fonts):
            continue
        what = {1: "一、 heading", 2: "（一） heading"}.get(kind, "body text")
        doc.v(line, "has %r in %s, expected %s for %s" % (ch.c, ch.font, expect, what))
        return


def pieces(line):
    """A line of body text is one piece; a row of table text is cut where cells meet (table text
    is not justified, so a gap wider than 0.4 em is not inside one cell's text)."""
    if abs(line.size - BODY) <= TOL_SIZE or abs(line.size - TITLE) <= TOL_SIZE:
        return [line.chars]
    out = [[line.chars[0]]]
    for a, b in zip(line.chars, line.chars[1:]):
        if b.x0 - a.x1 > 0.4 * line.size:
            out.append([])
        out[-1].append(b)
    return out


def check_line(doc, line):
    for chars in pieces(line):
        check_piece(doc, line, chars)


def check_piece(doc, line, chars):
    pitch = pitch_of(line.size)
    stretch = line_stretch(chars, pitch)
    for a, b in zip(chars, chars[1:]):
        # Grid: neighbouring full-width characters each keep a whole cell.
        if doc.grid and full_width(a) and full_width(b) and not is_latin(a.c) \
                and not is_latin(b.c):
            overlap = cell(a, pitch)[1] - cell(b, pitch)[0]
            if overlap > TOL_GAP:
                doc.v(line, "squeezes %r%r: their cells overlap by %.2f pt (grid style: every "
                      "full-width mark takes one cell)" % (a.c, b.c, overlap))
        # Compact: adjacent full-width marks take 1.5 cells at most.
        if not doc.grid and a.c in MARKS and b.c in MARKS and full_width(a) and full_width(b) \
                and not (a.c == b.c and a.c in "—…"):
            facing_blank = a.c in INK_LEFT or b.c in INK_RIGHT
            if facing_blank:
                start = ink_half(a, pitch)[0] - (pitch / 2 if a.c in INK_RIGHT else 0)
                end = ink_half(b, pitch)[1] + (pitch / 2 if b.c in INK_LEFT else 0)
                # A line-end mark may lose its trailing half too: that only makes it shorter.
                took = end - start - stretch
                if took > 1.5 * pitch + TOL_GAP:
                    doc.v(line, "sets the marks %r%r in %.2f cells, not compressed to 1.5"
                          % (a.c, b.c, took / pitch))
        # Han next to a Latin letter or digit: a quarter cell.
        if is_han(a.c) and is_alnum(b.c):
            gap = b.x0 - cell(a, pitch)[1] - stretch
        elif is_alnum(a.c) and is_han(b.c):
            gap = cell(b, pitch)[0] - a.x1 - stretch
        else:
            continue
        if abs(gap - pitch / 4) > TOL_GAP:
            doc.v(line, "has a gap of %.2f pt between %r and %r, expected a quarter 字 (%.2f pt)"
                  % (gap, a.c, b.c, pitch / 4))


def han_font(line):
    """The font of a line's Han characters, None without any (a short last line such as
    "2025年" or "12.5%" is mostly or only digits, set in the Latin face)."""
    fonts = {}
    for c in line.chars:
        if is_han(c.c):
            fonts[c.font] = fonts.get(c.font, 0) + 1
    return max(fonts, key=fonts.get) if fonts else None


def continues(prev, line):
    """`line` goes on with the paragraph of `prev` (16 pt, same font, at the left edge, one line
    pitch below or at the head of the next page)."""
    if abs(prev.size - BODY) > TOL_SIZE or abs(line.size - BODY) > TOL_SIZE:
        return False
    fonts = (han_font(line), han_font(prev))
    if (None not in fonts and fonts[0] != fonts[1]) or heading_kind(line):
        return False
    if not at(visible_x0(line, BODY_PITCH), LEFT) and not at(cell(line.chars[0], BODY_PITCH)[0],
                                                             LEFT):
        return False
    if prev.page == line.page:
        return abs(prev.base - line.base - LINE_PITCH) <= 1.0
    return line.page == prev.page + 1


def check_document(doc):
    seq = doc.seq
    # Title: the first line of page 1, 22 pt in the title font.
    titles = [l for l in seq if l.page == 1 and abs(l.size - TITLE) <= TOL_SIZE]
    if not seq or abs(seq[0].size - TITLE) > TOL_SIZE:
        doc.out.append("page 1: the first line is not a 22 pt title")
    for l in titles:
        for ch in l.chars:
            if ch.font != doc.fonts["title"] and not latin_ok(doc, ch, "title") and \
                    not (doc.fonts["title"] == DEFAULT_FONTS["title"]
                         and ch.font in FALLBACK_FONTS["title"]):
                doc.v(l, "has %r in %s, expected %s for the title"
                      % (ch.c, ch.font, doc.fonts["title"]))
                break
    for i, line in enumerate(seq):
        kind = heading_kind(line)
        if abs(line.size - BODY) <= TOL_SIZE:
            check_fonts(doc, line, kind)
        check_line(doc, line)
        nxt = seq[i + 1] if i + 1 < len(seq) else None
        prev = seq[i - 1] if i > 0 else None
        is_cont = prev is not None and continues(prev, line)
        goes_on = nxt is not None and continues(line, nxt)
        if abs(line.size - BODY) <= TOL_SIZE and goes_on:
            # A full line: flush on both sides.
            x0 = visible_x0(line, BODY_PITCH, doc.grid)
            x1 = visible_x1(line, BODY_PITCH, doc.grid)
            if not (at(x0, LEFT) or (not is_cont and at(x0, LEFT + 2 * BODY_PITCH))):
                doc.v(line, "starts at x=%.2f: a full line starts at %.2f (or 2 字 in)"
                      % (x0, LEFT))
            if doc.grid and full_width(line.chars[-1]) and line.chars[-1].c in INK_LEFT \
                    and at(ink_half(line.chars[-1], BODY_PITCH)[1], RIGHT):
                doc.v(line, "sets its last mark %r in half a cell (grid style: a line-end mark "
                      "keeps its whole cell)" % line.chars[-1].c)
            elif not at(x1, RIGHT):
                doc.v(line, "ends at x=%.2f (ink), %.2f pt from the 版心's right edge: a full "
                      "line is flush" % (x1, RIGHT - x1))
        if abs(line.size - BODY) <= TOL_SIZE and is_cont and not goes_on:
            # A paragraph's last line: no 孤字 when the line before could give one up.
            letters = [c.c for c in line.chars if is_han(c.c) or is_alnum(c.c)]
            if len(letters) == 1 and is_han(letters[0]) and \
                    break_opportunities(prev.text) >= 2:
                doc.v(line, "is a paragraph's last line with a single character (孤字), and "
                      "the line before has %d break opportunities" %
                      break_opportunities(prev.text))
        if nxt is None or nxt.page != line.page:
            # The last line of a page.
            if kind:
                doc.v(line, "is a heading at the foot of the page")
            elif abs(line.size - BODY) <= TOL_SIZE and goes_on and not is_cont \
                    and prev is not None and prev.page == line.page:
                doc.v(line, "is a paragraph's first line alone at the foot of the page")
            if prev is not None and prev.page == line.page and heading_kind(prev) and goes_on:
                doc.v(prev, "keeps only one line of its paragraph on its page")
        if prev is not None and prev.page != line.page and is_cont and not goes_on:
            # The first line of a page ends the paragraph of the page before (a widow).
            doc.v(line, "is a paragraph's last line alone at the head of the page")


def check_folio_font(doc, page_lines):
    for line in page_lines:
        if line.folio:
            for ch in line.chars:
                # The digits are the body's Latin face, the dashes the 宋体 font.
                if ch.c.isdigit() and not latin_ok(doc, ch, "folio"):
                    doc.v(line, "page number digit %r in %s, expected the body's Latin face %s"
                          % (ch.c, ch.font, DEFAULT_LATIN["folio"]))
                    break
                if ch.font != doc.fonts["folio"] and not latin_ok(doc, ch, "folio"):
                    doc.v(line, "page number glyph %r in %s, expected %s"
                          % (ch.c, ch.font, doc.fonts["folio"]))
                    break


def analyse(pdf, stext, fonts, latin_fonts, grid=True):
    pages = pdfgeom.parse_stext(stext)
    doc = Doc(pages, fonts, latin_fonts, grid)
    for page in pages:
        lines = pdfgeom.make_lines(page)
        pdfgeom.check_page(pdf, page, lines, doc.out)
        check_folio_font(doc, lines)
        doc.seq.extend(l for l in lines if not l.folio)
    body = [l for l in doc.seq if abs(l.size - BODY) <= TOL_SIZE]
    pdfgeom.check_paragraphs(body, doc.out, [])
    if not pages:
        doc.out.append("no pages")
    else:
        check_document(doc)
    return doc.out


USAGE = ("usage: conform.py [--stext XML] [--style grid|compact] [--body-font F] [--h1-font F] [--h2-font F] "
         "[--title-font F] [--folio-font F] [--latin-font F]... FILE.pdf\n")


def main(argv):
    fonts = dict(DEFAULT_FONTS)
    latin = set()
    stext_file = pdf = None
    grid = True
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--stext" and args:
            stext_file = args.pop(0)
        elif arg == "--style" and args and args[0] in ("grid", "compact"):
            grid = args.pop(0) == "grid"
        elif arg == "--latin-font" and args:
            latin.add(args.pop(0))
        elif arg.startswith("--") and arg.endswith("-font") and args \
                and arg[2:-5] in fonts:
            fonts[arg[2:-5]] = args.pop(0)
        elif arg.startswith("-"):
            sys.stderr.write(USAGE)
            return 2
        else:
            pdf = arg
    if pdf is None and stext_file is None:
        sys.stderr.write(USAGE)
        return 2
    try:
        if stext_file:
            with open(stext_file, "rb") as f:
                stext = f.read()
        else:
            stext = pdfgeom.run_mutool(pdf)
        out = analyse(pdf, stext, fonts, latin, grid)
    except (OSError, RuntimeError, ET.ParseError, ValueError) as e:
        sys.stderr.write("conform: %s: %s\n" % (pdf or stext_file, e))
        return 2
    name = pdf or stext_file
    for v in out:
        print("%s: %s" % (name, v))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
