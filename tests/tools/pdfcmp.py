#!/usr/bin/env python3
"""Compares what the PDF reader found in a rendered sample (import_dump's JSON) with the sample
(mkimport.py expect): the title lines (level 1) joined equal the title, every other paragraph is
equal character for character and in order, and every table equals cell for cell. Exit 1 with
the differences.

  pdfcmp.py DUMP.json EXPECT.json [--prose]   (--prose: the paragraphs only)"""

import json
import sys

from importcmp import grid


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        dump = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        want = json.load(f)
    paras = [b for b in dump["blocks"] if "p" in b]
    title = "".join(b["p"] for b in paras if b["level"] == 1)
    body = [b["p"] for b in paras if b["level"] != 1]
    bad = []
    if title != want["title"]:
        bad.append("title %r, want %r" % (title, want["title"]))
    exp = want["paragraphs"][want["ntitle"]:]
    for i in range(max(len(body), len(exp))):
        g = body[i] if i < len(body) else None
        e = exp[i] if i < len(exp) else None
        if g != e:
            bad.append("paragraph %d: got %r, want %r" % (i + 1, g, e))
            break
    tables = [grid(b["table"]) for b in dump["blocks"] if "table" in b]
    if "--prose" in sys.argv:
        tables, want["tables"] = [], []
    if len(tables) != len(want["tables"]):
        bad.append("%d tables, want %d" % (len(tables), len(want["tables"])))
    for t, (g, e) in enumerate(zip(tables, want["tables"])):
        for r in range(max(len(g), len(e))):
            gr = g[r] if r < len(g) else None
            er = e[r] if r < len(e) else None
            if gr != er:
                bad.append("table %d row %d: got %r, want %r" % (t + 1, r + 1, gr, er))
                break
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
