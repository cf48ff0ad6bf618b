#!/usr/bin/env python3
"""Page-filling checks on nianbao PDFs read through MuPDF (tests/signoff_keep.sh, tests/holes.sh).

  pagefill.py variants REPORT.yaml OUTDIR N
      Writes OUTDIR/v00.json … v(N-1).json: REPORT with section 六 reduced to one line of our own
      words ("本年度未收取信息处理费。") and, from the second variant on, a paragraph of k lines
      of our own filler added at the end of section 五, so that across the variants the 落款
      falls at every place of a page.

  pagefill.py signoff FILE.pdf
      The last page holds body text above the 落款 (GB/T 9704 7.3.5): besides its two last lines
      (the agency and the date) and the page number, at least one line of text. Exit 1 if not.

  pagefill.py holes FILE.pdf
      No page but the last is more than 30 % empty: the space from its lowest line to the 版心's
      foot is at most 30 % of the 版心's height, unless the next page starts with a section
      heading ("一、…") whose table must keep with it (the next page's first lines are a heading,
      at most two lines of text, and a table: text below 12 pt). Prints the fill of every page.
Exit 2 when a file cannot be read. Needs the yaml module for `variants`."""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfgeom  # noqa: E402

FILLER = "为检验分页效果而设的一段文字，用于把落款推到页面的不同位置上，逐行增加。"
H1_RE = re.compile(r"^[一二三四五六七八九十]+、")


def variants(report_path, outdir, n):
    import yaml
    with open(report_path, encoding="utf-8") as f:
        report = yaml.safe_load(f)
    report["sections"][5] = {"body": ["本年度未收取信息处理费。"]}
    # Relative paths in the report (a seal) stay valid: no sample of ours has one.
    for k in range(n):
        r = json.loads(json.dumps(report, default=str))
        if k:
            # FILLER is 36 cells: (28 k - 2) cells of it make a paragraph of k lines.
            text = (FILLER * (k + 1))[:28 * k - 2 - 2 * k // 3]
            r["sections"][4]["body"].append(text)
        with open(os.path.join(outdir, "v%02d.json" % k), "w", encoding="utf-8") as f:
            json.dump(r, f, ensure_ascii=False)
    return 0


def page_lines(pdf):
    pages = pdfgeom.parse_stext(pdfgeom.run_mutool(pdf))
    out = []
    for page in pages:
        lines = pdfgeom.make_lines(page)
        pdfgeom.check_folio(None, page, lines, [])
        out.append([l for l in lines if not l.folio])
    return out


def signoff(pdf):
    pages = page_lines(pdf)
    last = pages[-1]
    if len(last) < 3:
        print("%s: the last page (%d) holds only %r: the 落款 stands alone"
              % (pdf, len(pages), [l.text for l in last]))
        return 1
    return 0


def holes(pdf):
    pages = page_lines(pdf)
    bad = 0
    height = pdfgeom.TOP - pdfgeom.BOTTOM
    fills = []
    for number, lines in enumerate(pages[:-1], 1):
        low = min((min(c.em_bottom() for c in l.chars) for l in lines), default=pdfgeom.TOP)
        empty = (low - pdfgeom.BOTTOM) / height
        fills.append("%d:%.0f%%" % (number, 100 * (1 - empty)))
        if empty <= 0.30:
            continue
        nxt = pages[number]
        keep = False
        if nxt and H1_RE.match(nxt[0].text) and abs(nxt[0].size - pdfgeom.BODY) < 0.1:
            for l in nxt[1:4]:
                if l.size < 12:
                    keep = True
                    break
        if keep:
            fills[-1] += "(section keeps with its table)"
            continue
        print("%s: page %d is %.0f%% empty (its lowest line ends %.1f mm above the 版心's foot)"
              % (pdf, number, 100 * empty, (low - pdfgeom.BOTTOM) / pdfgeom.MM))
        bad = 1
    print("%s: filled %s" % (pdf, " ".join(fills)))
    return bad


def main(argv):
    try:
        if len(argv) == 4 and argv[0] == "variants":
            return variants(argv[1], argv[2], int(argv[3]))
        if len(argv) == 2 and argv[0] == "signoff":
            return signoff(argv[1])
        if len(argv) == 2 and argv[0] == "holes":
            return holes(argv[1])
    except (OSError, RuntimeError, ValueError) as e:
        sys.stderr.write("pagefill: %s\n" % e)
        return 2
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
