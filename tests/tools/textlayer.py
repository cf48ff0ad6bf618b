#!/usr/bin/env python3
"""The text layer of a nianbao PDF, read by readers nobody here wrote: poppler's pdftotext (plain
and -layout) and MuPDF's `mutool draw -F stext`.

Usage: textlayer.py REPORT.yaml FILE.pdf

For every piece of prose of the report (title, section headings, paragraphs, h2/h3 headings,
items; tests/tools/report.py reads them), whitespace ignored:

  plain      `pdftotext FILE.pdf -` holds the piece whole and in reading order, and breaks its
             lines exactly where the PDF's lines end (the lines' positions are read from MuPDF):
             no break after a mark inside a line, no line joined to the next;
  stext      MuPDF's characters, in the order its structured text gives them, hold the piece
             whole and in order (no phrase moved);
  layout     `pdftotext -layout`: every body line of the PDF (MuPDF's geometry) is found whole,
             its characters in order, in one line of the layout text of its page.

Page numbers ("— N —") are taken out first. Prints one line per violation and exits 1 if there is
any, 0 when clean, 2 when a file cannot be read. Needs the yaml module."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfgeom  # noqa: E402
import report  # noqa: E402

FOLIO = re.compile(r"^[—－-]+\d+[—－-]+$")


def squeeze(s):
    return "".join(s.split())


def pdftotext(pdf, layout):
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [pdf, "-"]
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("pdftotext failed: " + proc.stderr.decode(errors="replace"))
    pages = proc.stdout.decode("utf-8").split("\f")
    return [[squeeze(l) for l in page.split("\n") if squeeze(l) and not FOLIO.match(squeeze(l))]
            for page in pages]


def stream(lines):
    """The lines joined, and the offsets where one line ends and the next begins."""
    text, breaks, at = [], set(), 0
    for l in lines:
        text.append(l)
        at += len(l)
        breaks.add(at)
    return "".join(text), breaks


def find_piece(text, breaks, piece, pos):
    """(start, the breaks inside the piece relative to its start) or None."""
    s = text.find(piece, pos)
    if s < 0:
        return None
    return s, tuple(b - s for b in sorted(breaks) if s < b < s + len(piece))


def stext_order(data):
    root = ET.fromstring(data)
    out = []
    for page in root.iter("page"):
        chars = [ch.get("c", "") for ch in page.iter("char")]
        text = squeeze("".join(chars))
        m = list(re.finditer(r"[—－-]+\d+[—－-]+", text))
        if m:
            text = text[:m[-1].start()] + text[m[-1].end():]
        out.append(text)
    return "".join(out)


def analyse(report_path, pdf):
    pieces = report.prose_pieces(report_path)
    stext = pdfgeom.run_mutool(pdf)
    pages = pdfgeom.parse_stext(stext)
    geo_lines, geo_pages = [], []
    for page in pages:
        lines = pdfgeom.make_lines(page)
        pdfgeom.check_folio(None, page, lines, [])
        texts = [squeeze(l.text) for l in lines if not l.folio]
        geo_pages.append(texts)
        geo_lines.extend(texts)
    plain_pages = pdftotext(pdf, False)
    layout_pages = pdftotext(pdf, True)
    plain_lines = [l for p in plain_pages for l in p]
    out = []

    geo_text, geo_breaks = stream(geo_lines)
    plain_text, plain_breaks = stream(plain_lines)
    order = stext_order(stext)
    gpos = ppos = opos = 0
    for kind, piece in pieces:
        g = find_piece(geo_text, geo_breaks, piece, gpos)
        p = find_piece(plain_text, plain_breaks, piece, ppos)
        o = order.find(piece, opos)
        name = "%s %r" % (kind, piece if len(piece) <= 24 else piece[:12] + "…" + piece[-10:])
        if g is None:
            out.append("%s: not found whole in the PDF's lines (MuPDF geometry)" % name)
        else:
            gpos = g[0] + len(piece)
        if p is None:
            out.append("%s: pdftotext does not give it whole and in order" % name)
        else:
            ppos = p[0] + len(piece)
        if g is not None and p is not None and g[1] != p[1]:
            def cut(b):
                return "|".join(piece[i:j] for i, j in zip((0,) + b, b + (len(piece),)))
            out.append("%s: pdftotext breaks its lines as %s, the PDF's lines are %s"
                       % (name, cut(p[1]), cut(g[1])))
        if o < 0:
            out.append("%s: MuPDF's structured text does not give it whole and in order" % name)
        else:
            opos = o + len(piece)

    for number, (geo, lay) in enumerate(zip(geo_pages, layout_pages), 1):
        for line in geo:
            if len(line) >= 2 and not any(line in l for l in lay):
                out.append("page %d: line %r is not whole and in order in any line of "
                           "pdftotext -layout" % (number, line))
    if len(layout_pages) < len(geo_pages):
        out.append("pdftotext -layout gives %d pages, MuPDF %d" % (len(layout_pages),
                                                                   len(geo_pages)))
    return out


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: textlayer.py REPORT.yaml FILE.pdf\n")
        return 2
    try:
        out = analyse(argv[0], argv[1])
    except (OSError, RuntimeError, ET.ParseError, ValueError, KeyError) as e:
        sys.stderr.write("textlayer: %s: %s\n" % (argv[1], e))
        return 2
    for v in out:
        print("%s: %s" % (argv[1], v))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
