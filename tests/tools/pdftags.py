#!/usr/bin/env python3
"""Checks the tags of a tagged PDF against the report description it was made from.

Usage: pdftags.py FILE.pdf REPORT.yaml LAYOUT.yaml [--summary FILE.json]

It reads the PDF only through `qpdf --json` (objects, decoded streams) and its own reading of
the content streams (a small lexer, the fonts' ToUnicode CMaps, marked content, /ActualText),
never through nianbao's code, and reads the layout file's grid itself (cells take the next free
columns of their row, as in HTML tables). It checks:

- the catalog: /MarkInfo /Marked true, /Lang zh-CN, /DisplayDocTitle true, the title in the
  Info dictionary and in the XMP metadata (dc:title);
- every piece of text and every drawing is inside marked content: an element's (MCID) or an
  artifact's; every MCID belongs to exactly one element, and the parent tree says so; marked
  content nests with text objects (a sequence begun inside BT … ET ends inside it, one begun
  outside does not end inside one: PDF 32000 §14.6);
- the Document's children in reading order: H1 the title, H2 the six section headings, H3 and
  H4 the report's headings, a P per paragraph, item and 落款 line with the description's text,
  a Table per table;
- every table: THead holds the layout's header rows; its TRs, placed with their /RowSpan and
  /ColSpan, give the layout's grid; every label is a TH with its text and /Scope (Column for a
  label in rows without numbers, else Row), every value a TD with the description's value; every
  TD is headed by exactly the THs that head it by the table's geometry (the column headers of
  the run of header rows above it that cover its columns, the row headers left of it that cover
  its rows): its /Headers name them, or, in a table without /Headers, the THs' /Scope alone
  gives them (every Column TH above it over its columns, every Row TH left of it in its rows,
  as a reader without /Headers takes them); a table has /Headers on all its TDs or on none, and
  a TH has an /ID only if a /Headers names it;
- page numbers: "— N —" is an artifact of page N.

Exit status 0 when all holds, 1 with one line per problem, 2 when it cannot run. --summary
writes counts and what crossed a page break, for the calling test.
"""
import base64
import os
import json
import re
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("pdftags.py: needs the yaml module (python3-yaml)", file=sys.stderr)
    sys.exit(2)

problems = []


def problem(msg):
    problems.append(msg)


def norm(s):
    return re.sub(r"\s+", "", s or "")


# ---- the PDF's objects through qpdf ----

class Pdf:
    def __init__(self, path):
        out = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline",
                              "--decode-level=generalized", path, "-"],
                             capture_output=True, check=False)
        if out.returncode not in (0, 3):
            print("pdftags.py: qpdf failed: " + out.stderr.decode(errors="replace"),
                  file=sys.stderr)
            sys.exit(2)
        j = json.loads(out.stdout)
        self.objects = j["qpdf"][1]
        self.trailer = self.objects["trailer"]["value"]

    def get(self, v):
        """Follows a reference; returns a value (dict, list, str …) or a stream dict."""
        seen = 0
        while isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            o = self.objects.get("obj:" + v)
            if o is None:
                return None
            v = o["value"] if "value" in o else {"__stream__": o["stream"]}
            seen += 1
            if seen > 50:
                return None
        return v

    def stream(self, ref):
        o = self.get(ref)
        if not isinstance(o, dict) or "__stream__" not in o:
            return b""
        return base64.b64decode(o["__stream__"].get("data", ""))

    def stream_dict(self, ref):
        o = self.get(ref)
        return o["__stream__"]["dict"] if isinstance(o, dict) and "__stream__" in o else {}


def text_of(v):
    """A PDF string from qpdf's JSON: u:text or b:hex."""
    if not isinstance(v, str):
        return None
    if v.startswith("u:"):
        return v[2:]
    if v.startswith("b:"):
        raw = bytes.fromhex(v[2:])
        if raw.startswith(b"\xfe\xff"):
            return raw[2:].decode("utf-16-be", errors="replace")
        return raw.decode("latin-1")
    return None


# ---- content streams ----

DELIMS = b"()<>[]{}/%"
WS = b" \t\r\n\f\0"


def lex(data):
    """Yields tokens: ('num', x) ('name', s) ('str', bytes) ('op', s) ('[',) (']',) ('<<',) ('>>',)."""
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c in WS:
            i += 1
        elif c == ord("%"):
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif c == ord("("):
            depth, i, buf = 1, i + 1, bytearray()
            while i < n and depth:
                ch = data[i]
                if ch == ord("\\"):
                    i += 1
                    e = data[i:i + 1]
                    esc = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
                    if e in esc:
                        buf += esc[e]
                    elif e.isdigit():
                        m = re.match(rb"[0-7]{1,3}", data[i:i + 3])
                        buf.append(int(m.group(0), 8) & 0xFF)
                        i += len(m.group(0)) - 1
                    elif e in b"\r\n":
                        pass
                    else:
                        buf += e
                elif ch == ord("("):
                    depth += 1
                    buf.append(ch)
                elif ch == ord(")"):
                    depth -= 1
                    if depth:
                        buf.append(ch)
                else:
                    buf.append(ch)
                i += 1
            yield ("str", bytes(buf))
        elif data.startswith(b"<<", i):
            yield ("<<",)
            i += 2
        elif data.startswith(b">>", i):
            yield (">>",)
            i += 2
        elif c == ord("<"):
            j = data.index(b">", i)
            hx = re.sub(rb"\s", b"", data[i + 1:j])
            if len(hx) % 2:
                hx += b"0"
            yield ("str", bytes.fromhex(hx.decode()))
            i = j + 1
        elif c in b"[]":
            yield (chr(c),)
            i += 1
        elif c == ord("/"):
            j = i + 1
            while j < n and data[j] not in WS and data[j] not in DELIMS:
                j += 1
            yield ("name", data[i + 1:j].decode("latin-1"))
            i = j
        else:
            j = i
            while j < n and data[j] not in WS and data[j] not in DELIMS:
                j += 1
            if j == i:
                j = i + 1
            word = data[i:j].decode("latin-1")
            try:
                yield ("num", float(word))
            except ValueError:
                yield ("op", word)
            i = j


def parse_operands(tokens):
    """Groups tokens into (operands, operator) with arrays and dictionaries as Python values."""
    stack = [[]]
    for t in tokens:
        kind = t[0]
        if kind == "[" or kind == "<<":
            stack.append([kind])
        elif kind == "]":
            items = stack.pop()[1:]
            stack[-1].append(items)
        elif kind == ">>":
            items = stack.pop()[1:]
            stack[-1].append({items[k]: items[k + 1] for k in range(0, len(items) - 1, 2)})
        elif kind == "op":
            if len(stack) > 1:
                stack[-1].append(t[1])  # true/false/null inside arrays and dictionaries
                continue
            yield stack[0], t[1]
            stack = [[]]
        elif kind == "name":
            stack[-1].append(t[1])
        else:
            stack[-1].append(t[1])


def utf16(b):
    if b.startswith(b"\xfe\xff"):
        return b[2:].decode("utf-16-be", errors="replace")
    return b.decode("latin-1")


def parse_cmap(data):
    """A ToUnicode CMap: bfchar and bfrange entries to {code: text}."""
    m = {}
    text = data.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            m[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", errors="replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                                    block):
            base = bytes.fromhex(dst).decode("utf-16-be", errors="replace")
            for k in range(int(a, 16), int(b, 16) + 1):
                m[k] = base[:-1] + chr(ord(base[-1]) + k - int(a, 16))
    return m


PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh"}


def read_page(pdf, page_ref, index):
    """Returns (mcid texts {mcid: text}, artifact text, problems found) of one page."""
    page = pdf.get(page_ref)
    res = pdf.get(page.get("/Resources", {})) or {}
    fonts = pdf.get(res.get("/Font", {})) or {}
    cmaps = {}
    for name, ref in fonts.items():
        fd = pdf.get(ref) or {}
        tu = fd.get("/ToUnicode")
        cmaps[name[1:]] = parse_cmap(pdf.stream(tu)) if tu else {}
    contents = page.get("/Contents")
    refs = contents if isinstance(contents, list) else [contents]
    data = b"\n".join(pdf.stream(r) for r in refs if r)
    mcids, artifact = {}, []
    stack = []  # entries: {"tag", "mcid", "artifact", "actual"}
    font = None
    in_text = False  # between BT and ET; marked content must nest with text objects (§14.6)
    where = "page %d" % (index + 1)

    def target():
        for e in reversed(stack):
            if e["artifact"]:
                return ("artifact", None)
        for e in reversed(stack):
            if e["mcid"] is not None:
                return ("mcid", e["mcid"])
        return (None, None)

    def suppressed():
        return any(e["actual"] is not None for e in stack)

    def add_text(s):
        kind, mcid = target()
        if kind == "artifact":
            artifact.append(s)
        elif kind == "mcid":
            mcids[mcid] = mcids.get(mcid, "") + s
        elif s.strip():
            problem("%s: text outside marked content: %r" % (where, s))

    def show(string):
        if suppressed():
            return
        cmap = cmaps.get(font, {})
        out = []
        for k in range(0, len(string) - 1, 2):
            code = string[k] << 8 | string[k + 1]
            if code not in cmap:
                problem("%s: code %04X of font %s has no ToUnicode entry" % (where, code, font))
            out.append(cmap.get(code, "\ufffd"))
        add_text("".join(out))

    for operands, op in parse_operands(lex(data)):
        if op == "BDC" or op == "BMC":
            tag = operands[0] if operands else ""
            props = operands[1] if op == "BDC" and len(operands) > 1 else {}
            if not isinstance(props, dict):
                props = {}
            mcid = props.get("MCID")
            entry = {"tag": tag, "mcid": int(mcid) if mcid is not None else None,
                     "artifact": tag == "Artifact", "actual": None, "in_text": in_text}
            if entry["mcid"] is not None:
                if entry["mcid"] in mcids:
                    problem("%s: MCID %d used twice" % (where, entry["mcid"]))
                mcids.setdefault(entry["mcid"], "")
            actual = props.get("ActualText")
            if isinstance(actual, bytes):
                if not suppressed():
                    stack.append(entry)
                    add_text(utf16(actual))
                    stack.pop()
                entry["actual"] = utf16(actual)
            stack.append(entry)
        elif op == "EMC":
            if not stack:
                problem("%s: EMC without BDC/BMC" % where)
            elif stack.pop()["in_text"] != in_text:
                problem("%s: a marked-content sequence crosses the edge of a text object" %
                        where)
        elif op == "BT":
            if in_text:
                problem("%s: BT inside a text object" % where)
            in_text = True
        elif op == "ET":
            if any(e["in_text"] for e in stack):
                problem("%s: a text object ends inside a marked-content sequence it holds" %
                        where)
            in_text = False
        elif op == "Tf" and operands:
            font = operands[0]
        elif op == "Tj" and operands:
            show(operands[0])
        elif op == "TJ" and operands:
            for item in operands[0]:
                if isinstance(item, bytes):
                    show(item)
        elif op in PAINT:
            kind, _ = target()
            if kind is None:
                problem("%s: '%s' drawn outside marked content" % (where, op))
            elif kind == "mcid" and op in ("S", "f", "Do"):
                problem("%s: '%s' drawn inside an element's content, not as an artifact" %
                        (where, op))
    if stack:
        problem("%s: %d marked-content sequences left open" % (where, len(stack)))
    return mcids, "".join(artifact)


# ---- the structure tree ----

class Elem:
    def __init__(self, ref, d):
        self.ref, self.d = ref, d
        self.type = d.get("/S", "")[1:]
        self.kids = []      # Elem or ("mcid", page index, mcid)
        self.attrs = {}
        a = d.get("/A")
        for one in (a if isinstance(a, list) else [a] if a is not None else []):
            one = PDF.get(one)
            if isinstance(one, dict) and one.get("/O") == "/Table":
                self.attrs.update(one)
        self.text = ""
        self.pages = set()


def walk(ref, parent_pg, page_index, parent_ref, owners, elems):
    d = PDF.get(ref)
    if not isinstance(d, dict) or "/S" not in d:
        problem("structure: %s is not a structure element" % ref)
        return None
    e = Elem(ref, d)
    elems.append(e)
    if d.get("/P") != parent_ref:
        problem("structure: %s %s has /P %s, not its parent %s" %
                (e.type, ref, d.get("/P"), parent_ref))
    pg = d.get("/Pg", parent_pg)
    k = d.get("/K")
    for kid in (k if isinstance(k, list) else [] if k is None else [k]):
        if isinstance(kid, int):
            if pg not in page_index:
                problem("structure: MCID %d of %s %s has no page" % (kid, e.type, ref))
                continue
            e.kids.append(("mcid", page_index[pg], kid))
        else:
            kd = PDF.get(kid)
            if isinstance(kd, dict) and kd.get("/Type") == "/MCR":
                kpg = kd.get("/Pg", pg)
                if kpg not in page_index:
                    problem("structure: an MCR of %s %s has no page" % (e.type, ref))
                    continue
                e.kids.append(("mcid", page_index[kpg], int(kd["/MCID"])))
            elif isinstance(kd, dict) and kd.get("/Type") == "/OBJR":
                continue
            else:
                child = walk(kid, pg, page_index, ref, owners, elems)
                if child:
                    e.kids.append(child)
    for kid in e.kids:
        if isinstance(kid, tuple):
            key = (kid[1], kid[2])
            if key in owners:
                problem("structure: MCID %d of page %d is in two elements" % (kid[2], kid[1] + 1))
            owners[key] = e
    return e


def fill_text(e, page_texts):
    parts = []
    for kid in e.kids:
        if isinstance(kid, tuple):
            _, p, mcid = kid
            e.pages.add(p)
            if mcid not in page_texts[p]:
                problem("structure: %s names MCID %d of page %d, which no content has" %
                        (e.type, mcid, p + 1))
            parts.append(page_texts[p].get(mcid, ""))
        else:
            fill_text(kid, page_texts)
            e.pages |= kid.pages
            parts.append(kid.text)
    actual = text_of(e.d.get("/ActualText"))
    e.text = actual if actual is not None else "".join(parts)


# ---- the layout's grid, read here ----

def layout_grid(lt):
    """Cells of a layout table: dicts with row, col, rowspan, colspan and label or slot."""
    cells, taken = [], set()
    value_columns = lt.get("value_columns") or []
    for r, row in enumerate(lt["grid"]):
        c = 0
        for item in row:
            pieces = []
            if isinstance(item, str):
                pieces.append({"label": item, "rowspan": 1, "colspan": 1})
            elif "values" in item:
                columns = item.get("columns") or value_columns
                width = item.get("cols", len(columns)) // len(columns)
                for i, col in enumerate(columns):
                    # A column is a name, or {name, kind, cols} (gov-2019's 本年增/减).
                    name = col["name"] if isinstance(col, dict) else col
                    cols = col.get("cols", 1) if isinstance(col, dict) else width
                    pieces.append({"slot": (item["values"], i), "column": name, "rowspan": 1,
                                   "colspan": cols})
            else:
                pieces.append({"label": item["text"], "rowspan": item.get("rows", 1),
                               "colspan": item.get("cols", 1)})
            for p in pieces:
                while (r, c) in taken:
                    c += 1
                p["row"], p["col"] = r, c
                for rr in range(r, r + p["rowspan"]):
                    for cc in range(c, c + p["colspan"]):
                        taken.add((rr, cc))
                cells.append(p)
                c += p["colspan"]
    return cells


def load_layout(path, depth=0):
    """A layout file, a variant (`base`, `remove_columns`; docs/layouts.md) applied to a copy
    of its base, read here from the base's file beside it."""
    lt = yaml.safe_load(open(path, encoding="utf-8"))
    if "base" not in lt:
        return lt
    if depth > 4:
        sys.exit("pdftags.py: %s: a chain of bases too long" % path)
    base = load_layout(os.path.join(os.path.dirname(path), lt["base"] + ".yaml"), depth + 1)
    for key, names in (lt.get("remove_columns") or {}).items():
        table = next(t for t in base["tables"] if t["table"] == key)
        for name in names:
            remove_column(table, name)
    return base


def remove_column(lt, name):
    """Drops the grid column whose value slots are named name: cells only in it go, cells
    spanning it become one column narrower, value cells lose the name."""
    cells = layout_grid(lt)
    cols = {p["col"] for p in cells if p.get("column") == name}
    if len(cols) != 1:
        sys.exit("pdftags.py: table %s: value column %s is not one grid column" %
                 (lt["table"], name))
    gone = cols.pop()
    # layout_grid places the items of each row in order: walk them alongside.
    placed = iter(cells)
    for r, row in enumerate(lt["grid"]):
        kept = []
        for item in row:
            if isinstance(item, dict) and "values" in item:
                columns = item.get("columns") or lt.get("value_columns") or []
                for _ in columns:
                    next(placed)
                if "columns" in item:
                    item["columns"] = [c for c in columns
                                       if (c["name"] if isinstance(c, dict) else c) != name]
                kept.append(item)
                continue
            p = next(placed)
            span = p["colspan"]
            if p["col"] <= gone < p["col"] + span:
                if span == 1:
                    continue
                item = dict(item)
                item["cols"] = span - 1
            kept.append(item)
        lt["grid"][r] = kept
    if lt.get("value_columns"):
        lt["value_columns"] = [c for c in lt["value_columns"] if c != name]
    lt["columns"] = lt["columns"] - 1
    if lt.get("widths"):
        del lt["widths"][gone]


def value_text(v):
    """A value as the table prints it (docs/report-format.md): a negative number with the
    minus sign U+2212."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)) and v < 0:
        return "\u2212" + value_text(-v)
    if isinstance(v, float):
        return repr(v).rstrip("0").rstrip(".") if "e" not in repr(v) else repr(v)
    return str(v)


# ---- tables in the PDF ----

def table_cells(t):
    """The table's rows (TR, under THead/TBody/TFoot or directly) and cells placed on a grid."""
    rows, head_rows = [], 0
    for kid in t.kids:
        if isinstance(kid, tuple):
            continue
        if kid.type in ("THead", "TBody", "TFoot"):
            trs = [k for k in kid.kids if not isinstance(k, tuple)]
            if kid.type == "THead":
                head_rows += len(trs)
            rows += trs
        elif kid.type == "TR":
            rows.append(kid)
    placed, taken = [], set()
    for r, tr in enumerate(rows):
        if tr.type != "TR":
            problem("table: %s where a TR belongs" % tr.type)
            continue
        c = 0
        for cell in tr.kids:
            if isinstance(cell, tuple) or cell.type not in ("TH", "TD"):
                problem("table: TR holds %s" % ("content" if isinstance(cell, tuple)
                                                 else cell.type))
                continue
            rs = int(cell.attrs.get("/RowSpan", 1))
            cs = int(cell.attrs.get("/ColSpan", 1))
            while (r, c) in taken:
                c += 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    taken.add((rr, cc))
            placed.append({"elem": cell, "row": r, "col": c, "rowspan": rs, "colspan": cs})
            c += cs
    return rows, head_rows, placed


def geometric_headers(placed, td):
    """THs heading a TD: column headers in the run of rows without TDs right above it (their
    columns covering its own), row headers left of it (their rows covering its own)."""
    starts = {}
    for p in placed:
        starts.setdefault(p["row"], []).append(p)
    has_td = {r for r, ps in starts.items() if any(p["elem"].type == "TD" for p in ps)}
    out = []
    r = td["row"] - 1
    while r >= 0 and r in has_td:
        r -= 1
    while r >= 0 and r not in has_td:
        for p in starts.get(r, []):
            if (p["elem"].type == "TH" and p["elem"].attrs.get("/Scope") == "/Column" and
                    p["col"] < td["col"] + td["colspan"] and td["col"] < p["col"] + p["colspan"]):
                out.append(p["elem"])
        r -= 1
    for p in placed:
        if (p["elem"].type == "TH" and p["elem"].attrs.get("/Scope") == "/Row" and
                p["col"] + p["colspan"] <= td["col"] and
                p["row"] < td["row"] + td["rowspan"] and td["row"] < p["row"] + p["rowspan"]):
            out.append(p["elem"])
    return out


def scope_headers(placed, td):
    """THs heading a TD by their /Scope alone: every Column (or Both) TH above it whose columns
    cover its own, every Row (or Both) TH left of it whose rows cover its own."""
    out = []
    for p in placed:
        e = p["elem"]
        if e.type != "TH":
            continue
        scope = e.attrs.get("/Scope")
        cols = p["col"] < td["col"] + td["colspan"] and td["col"] < p["col"] + p["colspan"]
        rows = p["row"] < td["row"] + td["rowspan"] and td["row"] < p["row"] + p["rowspan"]
        above = cols and p["row"] + p["rowspan"] <= td["row"]
        left = rows and p["col"] + p["colspan"] <= td["col"]
        if (above and scope in ("/Column", "/Both")) or (left and scope in ("/Row", "/Both")):
            out.append(e)
    return out


def check_table(t, name, lt, values, ids, summary):
    rows, head_rows, placed = table_cells(t)
    if head_rows != lt.get("header_rows", 0):
        problem("%s: THead holds %d rows, the layout %d" % (name, head_rows,
                                                            lt.get("header_rows", 0)))
    if len(rows) != len(lt["grid"]):
        problem("%s: %d TRs, the layout %d rows" % (name, len(rows), len(lt["grid"])))
    want = layout_grid(lt)
    got = {(p["row"], p["col"]): p for p in placed}
    value_rows = {c["row"] for c in want if "slot" in c}
    with_headers, without_headers, named_ids = 0, 0, set()
    for c in want:
        p = got.pop((c["row"], c["col"]), None)
        where = "%s row %d col %d" % (name, c["row"] + 1, c["col"] + 1)
        if p is None:
            problem("%s: no cell starts here (%s)" % (where, c.get("label") or c.get("slot")))
            continue
        if (p["rowspan"], p["colspan"]) != (c["rowspan"], c["colspan"]):
            problem("%s: spans %dx%d, the layout %dx%d" % (where, p["rowspan"], p["colspan"],
                                                           c["rowspan"], c["colspan"]))
        e = p["elem"]
        if "label" in c:
            if e.type != "TH":
                problem("%s: the label %s is a %s" % (where, c["label"], e.type))
            if norm(e.text) != norm(c["label"]):
                problem("%s: TH text %r, the layout %r" % (where, e.text, c["label"]))
            rows_covered = set(range(c["row"], c["row"] + c["rowspan"]))
            scope = "/Row" if rows_covered & value_rows else "/Column"
            if e.attrs.get("/Scope") != scope:
                problem("%s: %s has /Scope %s, not %s" % (where, c["label"],
                                                         e.attrs.get("/Scope"), scope))
        else:
            key, i = c["slot"]
            row = values.get(key)
            expect = value_text(row[i]) if row is not None and i < len(row) else ""
            if e.type != "TD":
                problem("%s: the value %s[%d] is a %s" % (where, key, i, e.type))
            if norm(e.text) != norm(expect):
                problem("%s: TD %s[%d] (%s) reads %r, the description %r" %
                        (where, key, i, c["column"], e.text, expect))
            geo = geometric_headers(placed, p)
            if "/Headers" in e.attrs:
                with_headers += 1
                named = e.attrs.get("/Headers") or []
                named_ids.update(text_of(h) for h in named)
                named_elems = [ids.get(text_of(h)) for h in named]
                if None in named_elems:
                    problem("%s: /Headers names an ID the IDTree lacks" % where)
                if sorted(x.ref for x in named_elems if x) != sorted(x.ref for x in geo):
                    problem("%s: TD %s[%d] /Headers %s, by the geometry %s" %
                            (where, key, i, [x.text for x in named_elems if x],
                             [x.text for x in geo]))
            else:
                without_headers += 1
                by_scope = scope_headers(placed, p)
                if sorted(x.ref for x in by_scope) != sorted(x.ref for x in geo):
                    problem("%s: TD %s[%d] has no /Headers, and its THs' /Scope gives %s, "
                            "by the geometry %s" % (where, key, i, [x.text for x in by_scope],
                                                    [x.text for x in geo]))
            summary["headers"] += len(geo)
    for p in got.values():
        problem("%s row %d col %d: a %s the layout does not have (%r)" %
                (name, p["row"] + 1, p["col"] + 1, p["elem"].type, p["elem"].text))
    if with_headers and without_headers:
        problem("%s: /Headers on %d TDs, none on %d" % (name, with_headers, without_headers))
    for p in placed:
        own = text_of(p["elem"].d.get("/ID"))
        if p["elem"].type == "TH" and own is not None and own not in named_ids:
            problem("%s: TH %r has an /ID no /Headers names" % (name, p["elem"].text))
    summary["tds_with_headers"][name] = with_headers
    if len(t.pages) > 1:
        summary["tables_across_pages"].append(name)


# ---- the description ----

def expected_blocks(report, layout):
    out = [("H1", report["title"])]

    def blocks(items):
        for b in items or []:
            if isinstance(b, str):
                out.append(("P", b))
            elif "table" in b:
                out.append(("Table", b))
            elif "h2" in b and "text" in b:
                out.append(("H3", b["h2"]))
                out.append(("P", b["text"]))
            elif "h2" in b:
                out.append(("H3", b["h2"]))
            elif "h3" in b:
                out.append(("H4", b["h3"]))
            elif "item" in b:
                out.append(("P", b["item"]))
    blocks(report.get("preamble"))
    for s, sec in enumerate(report.get("sections") or []):
        heading = layout["sections"][s]
        if sec.get("heading"):
            heading = re.match(r"^\S+、", heading).group(0) + sec["heading"]
        out.append(("H2", heading))
        blocks(sec.get("body"))
    if report.get("signoff"):
        out.append(("P", report["signoff"]))
        d = report["date"]
        out.append(("P", "%d年%d月%d日" % (d.year, d.month, d.day)))
    return out


def main():
    global PDF
    args = sys.argv[1:]
    summary_path = None
    if "--summary" in args:
        k = args.index("--summary")
        summary_path = args[k + 1]
        del args[k:k + 2]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    PDF = Pdf(args[0])
    report = yaml.safe_load(open(args[1], encoding="utf-8"))
    layout = load_layout(args[2])
    if not report.get("title"):
        # docs/report-format.md: the title defaults to the agency, the year and the words.
        report["title"] = "%s%d年政府信息公开工作年度报告" % (report["agency"], report["year"])
    summary = {"elements": {}, "paragraphs_across_pages": 0, "tables_across_pages": [],
               "headers": 0, "actual_text": [], "tds_with_headers": {}}

    root = PDF.get(PDF.trailer["/Root"])
    if (PDF.get(root.get("/MarkInfo")) or {}).get("/Marked") is not True:
        problem("catalog: /MarkInfo /Marked is not true")
    if text_of(root.get("/Lang")) != "zh-CN":
        problem("catalog: /Lang is %r, not zh-CN" % root.get("/Lang"))
    if (PDF.get(root.get("/ViewerPreferences")) or {}).get("/DisplayDocTitle") is not True:
        problem("catalog: /ViewerPreferences has no /DisplayDocTitle true")
    meta = root.get("/Metadata")
    xmp = PDF.stream(meta).decode("utf-8", errors="replace") if meta else ""
    m = re.search(r"<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
    if not m or norm(m.group(1)) != norm(report["title"]):
        problem("catalog: the XMP metadata's dc:title is %r, not the report's title" %
                (m.group(1) if m else None))
    info = PDF.get(PDF.trailer.get("/Info")) or {}
    if norm(text_of(info.get("/Title"))) != norm(report["title"]):
        problem("info: /Title %r, the report's %r" % (text_of(info.get("/Title")),
                                                       report["title"]))

    # Pages in order.
    pages = []

    def collect(ref):
        node = PDF.get(ref)
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                collect(kid)
        else:
            pages.append(ref)
    collect(root["/Pages"])
    page_index = {ref: i for i, ref in enumerate(pages)}
    page_texts, artifacts = [], []
    for i, ref in enumerate(pages):
        mcids, art = read_page(PDF, ref, i)
        page_texts.append(mcids)
        artifacts.append(art)
        if ("—%d—" % (i + 1)) not in norm(art):
            problem("page %d: its number '— %d —' is not an artifact" % (i + 1, i + 1))
        for mcid, text in mcids.items():
            if ("—%d—" % (i + 1)) == norm(text):
                problem("page %d: the page number is tagged content" % (i + 1))

    st = root.get("/StructTreeRoot")
    if not st:
        problem("catalog: no /StructTreeRoot")
        report_and_exit(summary, summary_path)
    st_d = PDF.get(st)
    owners, elems = {}, []
    k = st_d.get("/K")
    tops = [walk(r, None, page_index, st, owners, elems) for r in (k if isinstance(k, list) else [k])]
    tops = [t for t in tops if t]
    for e in tops:
        fill_text(e, page_texts)
    for e in elems:
        summary["elements"][e.type] = summary["elements"].get(e.type, 0) + 1
        if e.type == "P" and len(e.pages) > 1:
            summary["paragraphs_across_pages"] += 1
        if e.d.get("/ActualText") is not None:
            summary["actual_text"].append(text_of(e.d.get("/ActualText")))

    # Every MCID in exactly one element, and the parent tree agrees.
    for p, mcids in enumerate(page_texts):
        for mcid in mcids:
            if (p, mcid) not in owners:
                problem("page %d: MCID %d belongs to no element" % (p + 1, mcid))
    nums = (PDF.get(st_d.get("/ParentTree")) or {}).get("/Nums") or []
    parent_tree = {int(nums[i]): PDF.get(nums[i + 1]) for i in range(0, len(nums) - 1, 2)}
    for p, ref in enumerate(pages):
        key = PDF.get(ref).get("/StructParents")
        arr = parent_tree.get(key) if key is not None else None
        for mcid in page_texts[p]:
            e = owners.get((p, mcid))
            if arr is None or mcid >= len(arr) or arr[mcid] != (e.ref if e else None):
                problem("page %d: the parent tree does not map MCID %d to its element" %
                        (p + 1, mcid))

    # IDs of the THs.
    ids = {}
    idt = PDF.get(st_d.get("/IDTree")) or {}
    names = idt.get("/Names") or []
    by_ref = {e.ref: e for e in elems}
    keys = [text_of(names[i]) for i in range(0, len(names) - 1, 2)]
    if keys != sorted(keys, key=lambda s: s.encode("latin-1", errors="replace")):
        problem("structure: the IDTree's keys are not in order")
    for i in range(0, len(names) - 1, 2):
        ids[text_of(names[i])] = by_ref.get(names[i + 1])

    # The document in reading order.
    if len(tops) != 1 or tops[0].type != "Document":
        problem("structure: the root's child is not one Document")
        report_and_exit(summary, summary_path)
    doc = [k for k in tops[0].kids if not isinstance(k, tuple)]
    want = expected_blocks(report, layout)
    tables = {t["table"]: t for t in layout["tables"]}
    for i in range(max(len(doc), len(want))):
        got = doc[i] if i < len(doc) else None
        exp = want[i] if i < len(want) else None
        if got is None:
            problem("document: element %d missing: %s %r" % (i + 1, exp[0],
                                                             exp[1] if exp[0] != "Table" else
                                                             exp[1]["table"]))
            continue
        if exp is None:
            problem("document: element %d not in the description: %s %r" % (i + 1, got.type,
                                                                            got.text))
            continue
        if got.type != exp[0]:
            problem("document: element %d is %s %r, the description has %s %r" %
                    (i + 1, got.type, got.text[:30], exp[0],
                     exp[1] if exp[0] != "Table" else exp[1]["table"]))
            continue
        if exp[0] == "Table":
            lt = tables.get(exp[1]["table"])
            if lt is None:
                problem("document: table %s is not in the layout" % exp[1]["table"])
                continue
            check_table(got, lt.get("name", lt["table"]), lt, exp[1].get("values") or {}, ids,
                        summary)
        elif norm(got.text) != norm(exp[1]):
            problem("document: %s %d reads %r, the description %r" % (exp[0], i + 1, got.text,
                                                                      exp[1]))
    report_and_exit(summary, summary_path)


def report_and_exit(summary, path):
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)
    for p in problems[:60]:
        print(p)
    if len(problems) > 60:
        print("… and %d more" % (len(problems) - 60))
    sys.exit(1 if problems else 0)


PDF = None
if __name__ == "__main__":
    main()
