#!/usr/bin/env python3
"""Finds and edits table values and prose in a report file as text, for tests/check.sh.
Standard library only. Lines and columns are 1-based; columns count characters, as the
program's messages do.

  cells.py pos FILE KEY K            LINE:COL of the K-th value (1-based) of row KEY: [..]
  cells.py set FILE KEY K VALUE      FILE with that value replaced, on standard output
  cells.py drop FILE KEY             FILE without the line of row KEY, on standard output
  cells.py text FILE NEEDLE [N]      LINE:COL of the N-th character (1-based, default 1) of the
                                     first occurrence of NEEDLE
  cells.py replace FILE OLD NEW      FILE with the first OLD replaced by NEW (OLD must occur)"""

import re
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def row_line(lines, key):
    pattern = re.compile(r"^\s*" + re.escape(key) + r":\s*\[")
    for i, line in enumerate(lines):
        if pattern.match(line):
            return i
    sys.exit("cells.py: no row '%s'" % key)


def value_spans(line):
    """(start, end) character offsets of each value inside the row's [ ... ]."""
    start = line.index("[") + 1
    end = line.index("]", start)
    spans, pos = [], start
    for part in line[start:end].split(","):
        lead = len(part) - len(part.lstrip())
        spans.append((pos + lead, pos + len(part.rstrip())))
        pos += len(part) + 1
    return spans


def main(argv):
    cmd, path = argv[1], argv[2]
    lines = read(path)
    if cmd in ("pos", "set"):
        i = row_line(lines, argv[3])
        k = int(argv[4])
        a, b = value_spans(lines[i])[k - 1]
        if cmd == "pos":
            print("%d:%d" % (i + 1, a + 1))
            return
        lines[i] = lines[i][:a] + argv[5] + lines[i][b:]
        sys.stdout.write("\n".join(lines))
    elif cmd == "drop":
        del lines[row_line(lines, argv[3])]
        sys.stdout.write("\n".join(lines))
    elif cmd == "text":
        nth = int(argv[4]) if len(argv) > 4 else 1
        for i, line in enumerate(lines):
            at = line.find(argv[3])
            if at >= 0:
                print("%d:%d" % (i + 1, at + nth))
                return
        sys.exit("cells.py: '%s' not found" % argv[3])
    elif cmd == "replace":
        text = "\n".join(lines)
        if argv[3] not in text:
            sys.exit("cells.py: '%s' not found" % argv[3])
        sys.stdout.write(text.replace(argv[3], argv[4], 1))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
