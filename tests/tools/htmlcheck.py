#!/usr/bin/env python3
"""Reads back the HTML page nianbao writes for a report and compares its tables with the report
description and its layout file (docs/layouts.md), read here independently of the C code.

  htmlcheck.py [--fragment] REPORT.yaml LAYOUT_DIR PAGE.html

For every table of the report, in order, the page must hold a <table> with a <caption>; for
every number of every row the report gives (and a blank for each row it leaves out), one <td>
in layout order whose text is the value as written, whose `headers` name only <th> cells of the
same table, and among them a header whose text is the value's column name and one whose text is
its row label (the last label of its grid row before the values, or the values' `name`). Every
<th> has a scope. Also: <html lang="zh-CN"> (a fragment: its <div>), a <title> (not in a
fragment), one <h1>, and h2 headings "一、"…"六、".
Prints every mismatch and exits 1. Needs python3-yaml."""

import html.parser
import os
import re
import sys

import yaml


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self.headings = []      # (tag, text)
        self.tables = []        # {"caption", "th": {id: (text, scope)}, "td": [(text, headers)]}
        self.stack = []         # open elements whose text we collect: (tag, attrs, [text])

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html" or (tag == "div" and a.get("class") == "nianbao" and self.lang is None):
            self.lang = a.get("lang")  # a fragment carries it on its <div>
        if tag == "table":
            self.tables.append({"caption": None, "th": {}, "td": [], "scopes": []})
        if tag in ("title", "h1", "h2", "h3", "h4", "caption", "th", "td"):
            self.stack.append((tag, a, []))

    def handle_data(self, data):
        for _, _, text in self.stack:
            text.append(data)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            return
        _, a, parts = self.stack.pop()
        text = "".join(parts).strip()
        if tag == "title":
            self.title = text
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append((tag, text))
        elif tag == "caption":
            self.tables[-1]["caption"] = text
        elif tag == "th":
            self.tables[-1]["th"][a.get("id")] = text
            self.tables[-1]["scopes"].append(a.get("scope"))
        elif tag == "td":
            self.tables[-1]["td"].append((text, (a.get("headers") or "").split()))


def load_layout(layout_dir, name):
    with open(os.path.join(layout_dir, name + ".yaml"), encoding="utf-8") as f:
        lay = yaml.safe_load(f)
    if "base" in lay:
        base = load_layout(layout_dir, lay["base"])
        removed = lay.get("remove_columns") or {}
        for t in base["tables"]:
            gone = set(removed.get(t["table"], []))
            if "value_columns" in t:
                t["value_columns"] = [c for c in t["value_columns"] if c not in gone]
        return base
    return lay


def label_text(cell):
    if isinstance(cell, str):
        return cell
    if isinstance(cell, dict) and "text" in cell:
        return cell["text"]
    return None


def expected_slots(table):
    """(row key, index, column name, row label) for every value slot, in grid order."""
    out = []
    for row in table["grid"]:
        label = None
        for cell in row:
            t = label_text(cell)
            if t is not None:
                label = t
                continue
            columns = cell.get("columns") or table.get("value_columns") or []
            for i, col in enumerate(columns):
                if isinstance(col, dict):
                    col = col["name"]
                out.append((cell["values"], i, col, cell.get("name") or label))
    return out


def report_tables(report):
    """[(table key, {row key: [values as strings]})] in document order."""
    blocks = list(report.get("preamble") or [])
    for sec in report.get("sections") or []:
        if isinstance(sec, dict):
            blocks += sec.get("body") or []
    out = []
    for b in blocks:
        if isinstance(b, dict) and "table" in b:
            rows = {}
            for key, vals in (b.get("values") or {}).items():
                if isinstance(vals, str):
                    vals = [v for v in re.split(r"[\s、]+", vals) if v]
                rows[str(key)] = ["" if v is None else str(v) for v in vals]
            out.append((b["table"], rows))
    return out


def same_value(shown, given):
    if shown == given:
        return True
    try:
        return float(shown.replace("\u2212", "-")) == float(given)
    except ValueError:
        return False


def main(argv):
    fragment = "--fragment" in argv
    argv = [a for a in argv if a != "--fragment"]
    if len(argv) != 4:
        sys.exit(__doc__)
    report_path, layout_dir, page_path = argv[1:]
    with open(report_path, encoding="utf-8") as f:
        report = yaml.safe_load(f)
    layout = load_layout(layout_dir, report["layout"])
    layout_tables = {t["table"]: t for t in layout["tables"]}
    page = Page()
    with open(page_path, encoding="utf-8") as f:
        page.feed(f.read())
    problems = []
    if page.lang != "zh-CN":
        problems.append("<html> has lang=%r, not zh-CN" % page.lang)
    if not page.title and not fragment:
        problems.append("no <title>")
    if [t for t, _ in page.headings].count("h1") != 1:
        problems.append("not exactly one <h1>")
    h2 = [text for tag, text in page.headings if tag == "h2"]
    numbers = [h[:2] for h in h2]
    if numbers != ["一、", "二、", "三、", "四、", "五、", "六、"]:
        problems.append("the h2 headings are %r" % h2)
    given = report_tables(report)
    if len(given) != len(page.tables):
        problems.append("%d tables in the report, %d in the page" % (len(given), len(page.tables)))
    for n, ((key, rows), t) in enumerate(zip(given, page.tables), 1):
        name = "table %d (%s)" % (n, key)
        if not t["caption"]:
            problems.append(name + ": no caption")
        if None in t["scopes"]:
            problems.append(name + ": a <th> without scope")
        slots = expected_slots(layout_tables[key])
        if len(slots) != len(t["td"]):
            problems.append("%s: %d values in the layout, %d <td> in the page"
                            % (name, len(slots), len(t["td"])))
            continue
        for (row, i, column, label), (text, headers) in zip(slots, t["td"]):
            where = "%s %s[%d] (%s)" % (name, row, i, column)
            value = rows[row][i] if row in rows and i < len(rows[row]) else ""
            if not same_value(text, value):
                problems.append("%s: shows %r, the report gives %r" % (where, text, value))
            unknown = [h for h in headers if h not in t["th"]]
            if unknown or not headers:
                problems.append("%s: headers %r name no <th> of this table" % (where, headers))
                continue
            texts = {t["th"][h] for h in headers}
            if column not in texts:
                problems.append("%s: no header reads %r (headers: %s)"
                                % (where, column, " | ".join(sorted(texts))))
            if label and label not in texts:
                problems.append("%s: no header reads the row label %r (headers: %s)"
                                % (where, label, " | ".join(sorted(texts))))
    for p in problems:
        print("htmlcheck: %s: %s" % (page_path, p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
