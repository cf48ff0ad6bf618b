#!/usr/bin/env python3
"""Reads report descriptions (docs/report-format.md) for the output tests. Needs the yaml module
(Debian's python3-yaml).

  report.py prose REPORT.yaml TEXT.txt
      Checks that the text pdftotext extracted (TEXT.txt, pages split by form feeds) holds the
      report's prose in order: the title, every section heading with its number ("一、…"), and
      every paragraph, heading and item text. Whitespace is ignored; table contents and anything
      else may come in between; the page number "— N —" is taken out of each page first, so a
      paragraph may run across a page break. Prints what is missing and exits 1.

  report.py variant REPORT.yaml OUT.yaml [--prepend LINE] [--char C]
      Writes a copy of REPORT with LINE added at the top and C inserted after the first character
      of the first paragraph of section 一; prints "LINE COL BYTECOL" of the inserted character
      (1-based; COL counts characters, BYTECOL counts UTF-8 bytes)."""

import os
import re
import sys

import yaml

NUMERALS = "一二三四五六"
# Section headings of the national format (FORMAT.md §1.3), used when neither the report nor its
# layout file names them.
NATIONAL_HEADINGS = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                     "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况",
                     "其他需要报告的事项"]


def squeeze(text):
    return "".join(str(text).split())


def layout_headings(report_path, layout, depth=0):
    """The six headings of the report's layout file (or of the layout it is based on), if the
    file can be found and names them."""
    here = os.path.dirname(os.path.abspath(__file__))
    for folder in (os.path.join(here, "..", "..", "layouts"),
                   os.path.join(os.path.dirname(os.path.abspath(report_path)), "..", "layouts")):
        path = os.path.join(folder, "%s.yaml" % layout)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        if not isinstance(data, dict):
            continue
        for key in ("sections", "headings"):
            headings = data.get(key)
            if isinstance(headings, list) and len(headings) == 6 and \
                    all(isinstance(h, str) for h in headings):
                return [re.sub(r"^[一二三四五六]、", "", h) for h in headings]
        if isinstance(data.get("base"), str) and depth < 4:
            return layout_headings(report_path, data["base"], depth + 1)
    return None


def prose_pieces(path):
    with open(path, encoding="utf-8") as f:
        report = yaml.safe_load(f)
    pieces = []
    title = report.get("title")
    if not title:
        title = "%s%s年政府信息公开工作年度报告" % (report["agency"], report["year"])
    pieces.append(("title", squeeze(title)))
    defaults = layout_headings(path, report.get("layout", "")) or NATIONAL_HEADINGS
    for number, section in enumerate(report["sections"]):
        heading = section.get("heading") or defaults[number]
        pieces.append(("heading", NUMERALS[number] + "、" + squeeze(heading)))
        for block in section.get("body") or []:
            if isinstance(block, str):
                pieces.append(("paragraph", squeeze(block)))
            elif isinstance(block, dict):
                for key in ("h2", "h3", "item"):
                    if key in block:
                        pieces.append((key, squeeze(block[key])))
    return [(kind, text) for kind, text in pieces if text]


def extracted_text(path):
    with open(path, encoding="utf-8") as f:
        pages = f.read().split("\f")
    out = []
    for number, page in enumerate(pages, 1):
        page = squeeze(page)
        # The page number is the last thing on its page; take the last match out.
        matches = list(re.finditer(r"[—－-]+%d[—－-]+" % number, page))
        if matches:
            m = matches[-1]
            page = page[:m.start()] + page[m.end():]
        out.append(page)
    return "".join(out)


def check_prose(report_path, text_path):
    pieces = prose_pieces(report_path)
    text = extracted_text(text_path)
    pos = 0
    bad = 0
    for kind, piece in pieces:
        found = text.find(piece, pos)
        if found >= 0:
            pos = found + len(piece)
            continue
        bad += 1
        # Show where it breaks: the longest prefix of the piece present after pos.
        lo, hi = 0, len(piece)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if text.find(piece[:mid], pos) >= 0:
                lo = mid
            else:
                hi = mid - 1
        if lo:
            at = text.find(piece[:lo], pos) + lo
            print("%s %r: the PDF has %r after %r, expected %r"
                  % (kind, piece[:40], text[at:at + 12], piece[max(0, lo - 12):lo],
                     piece[lo:lo + 12]))
        else:
            print("%s %r: not in the PDF's text (after the previous piece)" % (kind, piece[:40]))
    if not pieces:
        print("no prose found in %s" % report_path)
        return 1
    return 1 if bad else 0


def first_paragraph(root):
    for key, value in root.value:
        if key.value == "sections" and isinstance(value, yaml.SequenceNode):
            for section in value.value:
                if not isinstance(section, yaml.MappingNode):
                    continue
                for skey, svalue in section.value:
                    if skey.value != "body" or not isinstance(svalue, yaml.SequenceNode):
                        continue
                    for block in svalue.value:
                        if isinstance(block, yaml.ScalarNode) and block.value and \
                                block.style in (None, '"', "'"):
                            return block
    return None


def make_variant(src, dst, prepend, char):
    with open(src, encoding="utf-8") as f:
        text = f.read()
    if prepend:
        added = yaml.safe_load(prepend)
        have = yaml.safe_load(text)
        if isinstance(added, dict) and isinstance(have, dict) and set(added) & set(have):
            sys.stderr.write("report.py: %s already has %s\n"
                             % (src, ", ".join(sorted(set(added) & set(have)))))
            return 2
        text = prepend + "\n" + text
    where = None
    if char:
        node = first_paragraph(yaml.compose(text))
        if node is None:
            sys.stderr.write("report.py: no paragraph to change in %s\n" % src)
            return 2
        at = node.start_mark.index + (0 if node.style is None else 1) + 1
        text = text[:at] + char + text[at:]
        line_start = text.rfind("\n", 0, at) + 1
        where = (text.count("\n", 0, at) + 1, at - line_start + 1,
                 len(text[line_start:at].encode("utf-8")) + 1)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)
    if where:
        print("%d %d %d" % where)
    return 0


def main(argv):
    if len(argv) == 3 and argv[0] == "prose":
        return check_prose(argv[1], argv[2])
    if len(argv) >= 3 and argv[0] == "variant":
        opts = {"--prepend": None, "--char": None}
        rest = argv[3:]
        while len(rest) >= 2 and rest[0] in opts:
            opts[rest[0]] = rest[1]
            rest = rest[2:]
        if not rest:
            return make_variant(argv[1], argv[2], opts["--prepend"], opts["--char"])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
