#!/usr/bin/env python3
"""Turns nianbao's HTML page of a report (`nianbao render R.yaml --format html`) into a ctex
document for XeLaTeX with the same text and tables, so bench/run.sh can time XeLaTeX on the
same report (issue 16 compares the two in one run).

    python3 bench/html2tex.py REPORT.html OUT.tex

GB/T 9704 geometry (A4, margins 37/35/28/26 mm), 三号 仿宋 body, the title in 二号 宋体 bold,
headings in 黑体 and 楷体, tables in 五号 with every rule, spanned cells through \\multicolumn
and \\multirow in a longtable (what a LaTeX user would write). The Fandol fonts (ctex's
fontset=fandol), as nianbao uses. Standard library only.
"""
import html.parser
import sys

SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
           "#": r"\#", "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}"}


def tex(s):
    return "".join(SPECIAL.get(c, c) for c in s)


class Page(html.parser.HTMLParser):
    """Collects the blocks of the page: ('h1'|'h2'|'h3'|'p'|'signoff'|'date', text) and
    ('table', caption, widths, rows), each row a list of (text, colspan, rowspan)."""

    def __init__(self):
        super().__init__()
        self.blocks, self.text, self.kind = [], None, None
        self.table = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "p") and self.table is None:
            cls = a.get("class", "")
            self.kind = cls if cls in ("signoff", "date") else tag
            self.text = []
        elif tag == "table":
            self.table = {"caption": "", "widths": [], "rows": []}
        elif tag == "caption" and self.table is not None:
            self.text = []
        elif tag == "col" and self.table is not None:
            style = a.get("style", "")
            if style.startswith("width:") and style.endswith("%"):
                self.table["widths"].append(float(style[6:-1]))
        elif tag == "tr" and self.table is not None:
            self.table["rows"].append([])
        elif tag in ("th", "td") and self.table is not None:
            self.cell = (int(a.get("colspan", "1")), int(a.get("rowspan", "1")))
            self.text = []
        elif tag == "br" and self.text is not None:
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "p") and self.text is not None and self.table is None:
            self.blocks.append((self.kind, "".join(self.text).strip()))
            self.text = None
        elif tag == "caption" and self.table is not None:
            self.table["caption"] = "".join(self.text).strip()
            self.text = None
        elif tag in ("th", "td") and self.cell is not None:
            self.table["rows"][-1].append(("".join(self.text).strip(),) + self.cell)
            self.cell, self.text = None, None
        elif tag == "table" and self.table is not None:
            t = self.table
            self.blocks.append(("table", t["caption"], t["widths"], t["rows"]))
            self.table = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def grid(rows, ncols):
    """Places the cells: for each row, a list of ncols entries: (text, colspan, rowspan) where
    a cell starts, 'cont' under a row-spanning cell (with its colspan at its first column),
    None in the other columns a wide cell covers."""
    out = [[None] * ncols for _ in rows]
    taken = [[False] * ncols for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for text, cs, rs in row:
            while c < ncols and taken[r][c]:
                c += 1
            if c >= ncols:
                break
            out[r][c] = (text, cs, rs)
            for dr in range(rs):
                for dc in range(cs):
                    if r + dr < len(rows) and c + dc < ncols:
                        taken[r + dr][c + dc] = True
                if dr and r + dr < len(rows):
                    out[r + dr][c] = ("cont", cs)
            c += cs
    return out


def table_tex(caption, widths, rows):
    ncols = len(widths) or max(sum(cs for _, cs, _ in row) for row in rows)
    if not widths:
        widths = [100.0 / ncols] * ncols
    spec = "|" + "|".join(r">{\centering\arraybackslash}m{%.3f\linewidth}" % (w / 100 * 0.93)
                          for w in widths) + "|"
    g = grid(rows, ncols)
    lines = [r"{\zihao{5}\setlength{\tabcolsep}{2pt}", r"\begin{longtable}{%s}" % spec,
             r"\caption*{%s}\\" % tex(caption), r"\hline"]
    for r, row in enumerate(g):
        cells, c = [], 0
        while c < ncols:
            e = row[c]
            if e is None:
                c += 1
                continue
            if e[0] == "cont":
                cs = e[1]
                cells.append(r"\multicolumn{%d}{|c|}{}" % cs if cs > 1 else "")
                c += cs
                continue
            text, cs, rs = e
            body = tex(text)
            if rs > 1:
                body = r"\multirow{%d}{=}{\centering %s}" % (rs, body)
            if cs > 1:
                w = sum(widths[c:c + cs]) / 100 * 0.93
                body = r"\multicolumn{%d}{|>{\centering\arraybackslash}m{%.3f\linewidth}|}{%s}" % (
                    cs, w, body)
            cells.append(body)
            c += cs
        # A rule under each column whose cell ends on this row.
        ends = []
        for c in range(ncols):
            below = g[r + 1][c] if r + 1 < len(g) else None
            covered = below is not None and below[0] == "cont"
            if below is None and r + 1 < len(g):
                # inside a wide cell: continues if the wide cell's first column does
                k = c
                while k > 0 and g[r + 1][k] is None:
                    k -= 1
                covered = g[r + 1][k] is not None and g[r + 1][k][0] == "cont"
            if not covered:
                ends.append(c + 1)
        rule = r"\hline" if len(ends) == ncols else "".join(
            r"\cline{%d-%d}" % (a, a) for a in ends)
        lines.append(" & ".join(cells) + r" \\" + rule)
    lines += [r"\end{longtable}}", ""]
    return "\n".join(lines)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    page = Page()
    with open(argv[0], encoding="utf-8") as f:
        page.feed(f.read())
    out = [r"\documentclass[fontset=fandol]{ctexart}",
           r"\usepackage[a4paper,top=37mm,bottom=35mm,left=28mm,right=26mm]{geometry}",
           r"\usepackage{longtable,multirow,array,caption}",
           r"\linespread{1.35}\pagestyle{plain}\setlength{\parindent}{2em}",
           r"\begin{document}", r"\fangsong\zihao{3}"]
    for b in page.blocks:
        kind = b[0]
        if kind == "h1":
            out.append(r"\begin{center}{\songti\bfseries\zihao{2} %s\par}\end{center}" % tex(b[1]))
        elif kind == "h2":
            out.append(r"{\heiti %s\par}" % tex(b[1]))
        elif kind == "h3":
            out.append(r"{\kaishu %s\par}" % tex(b[1]))
        elif kind in ("signoff", "date"):
            out.append(r"\begin{flushright}%s\hspace{2em}\end{flushright}" % tex(b[1]))
        elif kind == "table":
            out.append(table_tex(b[1], b[2], b[3]))
        else:
            out.append(tex(b[1]) + r"\par")
    out.append(r"\end{document}")
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
