#!/usr/bin/env python3
"""Compares two report descriptions after normalising them, for the import round trips:
YAML or JSON alike, comments and key order aside, prose with the line folding of YAML undone
(no space between Chinese characters), numbers as numbers. Prints the differences; exit 1.

  reportnorm.py A.yaml B.yaml [--tables] [--ignore KEY]...
      --tables: compare the tables only; --ignore KEY: leave a top-level key out"""

import re
import sys

import yaml

CJK = r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2010-\u2027]"


def prose(s):
    s = re.sub(r"\s+", " ", str(s)).strip()
    s = re.sub(r"(?<=%s) " % CJK, "", s)
    return re.sub(r" (?=%s)" % CJK, "", s)


def norm(x):
    if isinstance(x, dict):
        return {str(k): norm(v) for k, v in x.items()}
    if isinstance(x, list):
        return [norm(v) for v in x]
    if isinstance(x, str):
        return prose(x)
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def tables(report):
    out = {}
    for sec in report.get("sections", []):
        for item in sec.get("body", []):
            if isinstance(item, dict) and "table" in item:
                out[item["table"]] = item.get("values")
    return out


def diff(a, b, path, out):
    if type(a) != type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        out.append("%s: %r / %r" % (path, a, b))
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append("%s.%s: only in %s" % (path, k, "first" if k in a else "second"))
            else:
                diff(a[k], b[k], "%s.%s" % (path, k), out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append("%s: %d items / %d" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i), out)
    elif a != b:
        out.append("%s: %r / %r" % (path, a, b))


def main():
    docs = []
    for p in sys.argv[1:3]:
        with open(p, encoding="utf-8") as f:
            docs.append(norm(yaml.safe_load(f)))
    for i, arg in enumerate(sys.argv):
        if arg == "--ignore":
            for d in docs:
                d.pop(sys.argv[i + 1], None)
    if "--tables" in sys.argv:
        docs = [tables(d) for d in docs]
    out = []
    diff(docs[0], docs[1], "", out)
    for line in out[:20]:
        print(line)
    sys.exit(1 if out else 0)


if __name__ == "__main__":
    main()
