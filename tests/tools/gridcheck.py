#!/usr/bin/env python3
"""The 28-cell grid of FORMAT.md §3.4a, checked on a PDF read through MuPDF (not through our code).

Usage: gridcheck.py [--stext XML] [-v] FILE.pdf

Body text (16 pt lines, page numbers excluded) made only of Han characters and full-width marks:

  on-grid    every character's origin lies on a cell of the 28-cell line: LEFT + k x 156 mm/28,
             +-0.3 pt (a full-width glyph 16 pt wide sits centred in its 15.79 pt cell, so its
             origin is 0.1 pt left of the cell: inside the tolerance);
  28 cells   no line holds more than 28 cells (its indent counted): a squeezed mark would let a
             29th character in;
  推出        a full line (one that reaches the right edge) of fewer than 28 cells is allowed only
             when its characters are evenly spread (one constant pitch, +-0.3 pt) and a rule made
             it short: the next line starts with a line-start-forbidden mark, or this line's
             character after the cut could not end a line, or the next line is a paragraph's
             last line that would otherwise hold a single character (孤字).
  exact      in such a line the k-th character's origin is k pitches (a 推出 line: k equal
             steps) from the first one's within 0.002 pt, as the typesetter placed them: the
             writer's character spacing (Tc) and TJ adjustments must not let glyphs drift.

Lines holding Latin letters or digits are justified to the full width and are not on the grid;
they are only held to 28 cells' width by pdfgeom.py. Prints one line per violation and exits 1 if
there is any, 0 when clean, 2 when the file cannot be read. With -v prints the counts of lines
checked. Standard library only."""

import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfgeom  # noqa: E402

LEFT, RIGHT, BODY = pdfgeom.LEFT, pdfgeom.RIGHT, pdfgeom.BODY
PITCH = (RIGHT - LEFT) / 28
TOL = 0.3
STEP_TOL = 0.002  # MuPDF's float origins are good to about 0.0004 pt here
START_FORBIDDEN = pdfgeom.START_FORBIDDEN
END_FORBIDDEN = pdfgeom.END_FORBIDDEN


def is_han(c):
    o = ord(c)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF or o == 0x3007)


def is_full_mark(ch):
    """A full-width mark: not a letter or digit, and either a CJK mark or a wide glyph."""
    o = ord(ch.c)
    if ch.c.isascii():
        return False
    return 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x206F \
        or ch.x1 - ch.x0 >= 0.9 * ch.size


def han_only(line):
    return all(is_han(c.c) or is_full_mark(c) for c in line.chars)


def off_steps(line, step):
    """How far the farthest character's origin is from k steps after the first one's."""
    x0 = line.chars[0].x0
    return max(abs(c.x0 - x0 - k * step) for k, c in enumerate(line.chars))


def cell_index(x):
    return (x - LEFT) / PITCH


def analyse(stext):
    pages = pdfgeom.parse_stext(stext)
    out = []
    body = []
    for page in pages:
        lines = pdfgeom.make_lines(page)
        out_unused = []
        pdfgeom.check_folio(None, page, lines, out_unused)  # marks the page number line
        body.extend(l for l in lines if not l.folio and abs(l.size - BODY) <= pdfgeom.TOL_SIZE)
    counts = {"lines": 0, "full": 0, "pushed": 0}
    for i, line in enumerate(body):
        if not han_only(line):
            continue
        counts["lines"] += 1
        where = "page %d: line %r" % (line.page, line.short_text())
        first = cell_index(line.chars[0].x0)
        cells = round(first) + len(line.chars)
        if cells > 28:
            out.append("%s holds %d cells, more than 28" % (where, cells))
            continue
        full = line.chars[-1].x1 >= RIGHT - PITCH / 2
        nxt = body[i + 1] if i + 1 < len(body) else None
        if full:
            counts["full"] += 1
        if full and cells < 28:
            steps = [b.x0 - a.x0 for a, b in zip(line.chars, line.chars[1:])]
            even = steps and max(steps) - min(steps) <= TOL and steps[0] > PITCH
            reason = nxt is not None and (
                nxt.text[0] in START_FORBIDDEN or line.text[-1] in END_FORBIDDEN
                or (nxt.at_left() and (i + 2 >= len(body) or not body[i + 2].at_left()
                                       or body[i + 2].page != nxt.page)
                    and len([c for c in nxt.text if is_han(c)]) <= 3)
                or (len(nxt.text) > 1 and nxt.text[1] in START_FORBIDDEN))
            if not even:
                out.append("%s is a full line of %d cells whose characters are not evenly "
                           "spread (steps %.2f..%.2f pt)" % (where, cells, min(steps or [0]),
                                                            max(steps or [0])))
            elif not reason:
                out.append("%s is a full line of %d cells stretched with no 禁则 to keep"
                           % (where, cells))
            else:
                counts["pushed"] += 1
                drift = off_steps(line, sum(steps) / len(steps))
                if drift > STEP_TOL:
                    out.append("%s: a character is %.4f pt off its even step" % (where, drift))
            continue
        drift = off_steps(line, PITCH)
        if drift > STEP_TOL:
            out.append("%s: a character is %.4f pt off k pitches from the first" % (where, drift))
            continue
        for k, ch in enumerate(line.chars):
            pos = cell_index(ch.x0)
            if abs(pos - round(pos)) * PITCH > TOL:
                out.append("%s: %r (character %d) has its origin at x=%.2f, %.2f pt off the "
                           "grid" % (where, ch.c, k + 1, ch.x0, (pos - round(pos)) * PITCH))
                break
    if not pages:
        out.append("no pages")
    return out, counts


def main(argv):
    stext_file = pdf = None
    verbose = False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--stext" and args:
            stext_file = args.pop(0)
        elif arg == "-v":
            verbose = True
        elif arg.startswith("-"):
            sys.stderr.write("usage: gridcheck.py [--stext XML] [-v] FILE.pdf\n")
            return 2
        else:
            pdf = arg
    if pdf is None and stext_file is None:
        sys.stderr.write("usage: gridcheck.py [--stext XML] [-v] FILE.pdf\n")
        return 2
    try:
        if stext_file:
            with open(stext_file, "rb") as f:
                stext = f.read()
        else:
            stext = pdfgeom.run_mutool(pdf)
        out, counts = analyse(stext)
    except (OSError, RuntimeError, ET.ParseError, ValueError) as e:
        sys.stderr.write("gridcheck: %s: %s\n" % (pdf or stext_file, e))
        return 2
    name = pdf or stext_file
    for v in out:
        print("%s: %s" % (name, v))
    if verbose:
        print("%s: %d Han-only body lines, %d full, %d pushed (推出)"
              % (name, counts["lines"], counts["full"], counts["pushed"]))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
