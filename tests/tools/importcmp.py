#!/usr/bin/env python3
"""Compares what a source reader found (import_dump's JSON) with what it must find
(mkimport.py expect): paragraph texts in order, and each table's full grid, a merged cell's
text at its top-left and "" where it covers. Prints every difference; exit 1 when any.

  importcmp.py DUMP.json EXPECT.json"""

import json
import sys


def grid(rows):
    taken = set()
    out = []
    for r, row in enumerate(rows):
        line = []
        c = 0
        for cell in row:
            while (r, c) in taken:
                line.append("")
                c += 1
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    taken.add((r + dr, c + dc))
            line.append(cell["text"])
            line.extend([""] * (cell["colspan"] - 1))
            c += cell["colspan"]
        while (r, c) in taken:
            line.append("")
            c += 1
        out.append(line)
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        dump = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        want = json.load(f)
    paras = [b["p"] for b in dump["blocks"] if "p" in b]
    tables = [grid(b["table"]) for b in dump["blocks"] if "table" in b]
    bad = 0
    for i in range(max(len(paras), len(want["paragraphs"]))):
        got = paras[i] if i < len(paras) else None
        exp = want["paragraphs"][i] if i < len(want["paragraphs"]) else None
        if got != exp:
            print("paragraph %d: got %r, want %r" % (i + 1, got, exp))
            bad += 1
            break
    if len(tables) != len(want["tables"]):
        print("%d tables, want %d" % (len(tables), len(want["tables"])))
        bad += 1
    for t, (got, exp) in enumerate(zip(tables, want["tables"])):
        if got != exp:
            for r in range(max(len(got), len(exp))):
                g = got[r] if r < len(got) else None
                e = exp[r] if r < len(exp) else None
                if g != e:
                    print("table %d row %d: got %r, want %r" % (t + 1, r + 1, g, e))
                    bad += 1
                    break
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
