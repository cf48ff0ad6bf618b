#!/usr/bin/env python3
"""Compares what the PDF reader found in a published PDF (import_dump's JSON) with the same
report's published text (tab-separated tables, one paragraph a line, two header lines):
the non-empty table cells in reading order, and the paragraphs in order. White space is
ignored (the text keeps some that the PDF shows as gaps). Prints every difference; exit 1.

  corpuscmp.py DUMP.json REPORT.txt"""

import json
import re
import sys

HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况")


def squeeze(s):
    return re.sub(r"\s+", "", s)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        dump = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        lines = f.read().split("\n")[2:]
    text_cells, text_paras = [], []
    in_tables = False
    for line in lines:
        if not line.strip():
            continue
        s = squeeze(line)
        if "\t" not in line and s in HEADINGS:
            in_tables = s != HEADINGS[-1]
            text_paras.append(s)
        elif in_tables:
            text_cells += [squeeze(c) for c in line.split("\t") if squeeze(c)]
        else:
            text_paras.append(s)
    pdf_cells = [squeeze(c["text"]) for b in dump["blocks"] if "table" in b
                 for row in b["table"] for c in row if squeeze(c["text"])]
    pdf_paras = [squeeze(b["p"]) for b in dump["blocks"] if "p" in b]
    bad = 0
    for i in range(max(len(pdf_cells), len(text_cells))):
        g = pdf_cells[i] if i < len(pdf_cells) else None
        e = text_cells[i] if i < len(text_cells) else None
        if g != e:
            print("table cell %d: PDF %r, text %r" % (i + 1, g, e))
            bad += 1
            break
    for i in range(max(len(pdf_paras), len(text_paras))):
        g = pdf_paras[i] if i < len(pdf_paras) else None
        e = text_paras[i] if i < len(text_paras) else None
        if g != e:
            print("paragraph %d: PDF %r\n  text %r" % (i + 1, g, e))
            bad += 1
            break
    n_tables = sum(1 for b in dump["blocks"] if "table" in b)
    if n_tables != 3:
        print("%d tables, want 3" % n_tables)
        bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
