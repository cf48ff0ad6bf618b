# Tables like the national template (issue 12), on the three national layouts and on reports
# written for this test (tests/data/tables/): no label breaks inside a word of its layout's list,
# every data column is at least 12 mm wide (表四's 15 columns excepted), cells keep 1.5 mm
# padding, wrapped labels start their lines together, every table of a document has one size
# (五号, or 小五 for all), characters in cells sit on the cell's grid, and no page but the last is
# more than 30 % empty. Read from the layout dump and from MuPDF (tests/tools/tablegrid.py).
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python yaml
workdir

data=$NB_SOURCE/tests/data/tables
# name, report, layout, expected table size, expected exempt pages (none on these)
while read -r name report layout size; do
    "$NB" render "$report" -o "$name.pdf" --dump-layout "$name.json" --dump-format json \
        2>"$name.stderr" || { problem "$name: render failed: $(cat "$name.stderr")"; continue; }
    sanitizer_clean "$name.stderr"
    if ! "$PY" "$NB_TOOLS/tablegrid.py" --grid "$name.json" "$NB_SOURCE/layouts/$layout.yaml" \
        "$name.pdf" >"$name.out" 2>"$name.problems"; then
        problem "$name: $(cat "$name.problems")"
    fi
    grep -q "^size: $size\$" "$name.out" || problem "$name: tables at $(grep '^size' "$name.out"), expected $size pt"
    # No page of these reports needs the exemption for a section that keeps with its table.
    if grep -q '^exempt' "$name.out"; then
        problem "$name: $(grep '^exempt' "$name.out")"
    fi
done <<EOF
seed $NB_SOURCE/samples/seed.yaml gov-2021-no-other 10.5
huaian $NB_SOURCE/samples/huaian-city-2024.yaml gov-2021 10.5
gov2019 $NB_SOURCE/samples/gov-2019-example.yaml gov-2019 10.5
zero $data/zero-2021.yaml gov-2021 10.5
five $data/five-digit-2021.yaml gov-2021 9
low $data/low-table2-2021.yaml gov-2021 10.5
EOF

# The all-zero report: 表三's label columns are those of the layout, not squeezed by the figures:
# 三、本年度办理结果 in four lines broken by meaning, （三）不予公开 in two.
"$PY" - zero.json <<'PY' || problem "zero: $(cat zero.py.err)"
import json, sys
boxes = json.load(open(sys.argv[1]))
def lines(text):
    for b in boxes:
        if b["kind"] == "cell" and b["table"] == "表三" and b["text"] == text:
            k = (b["page"], b["row"], b["col"])
            return [t["text"] for t in sorted(boxes, key=lambda t: -t["y"])
                    if t["kind"] == "cell-text" and (t["page"], t["row"], t["col"]) == k
                    and t["table"] == "表三"]
want = {"三、本年度办理结果": ["三、", "本年度", "办理", "结果"],
        "（三）不予公开": ["（三）", "不予公开"], "自然人": ["自然人"],
        "社会公益组织": ["社会", "公益", "组织"]}
bad = ["%s: %s" % (k, lines(k)) for k, v in want.items() if lines(k) != v]
open("zero.py.err", "w").write("; ".join(bad))
sys.exit(1 if bad else 0)
PY

# The five-digit report: 表四's five-digit numbers (行政复议 结果维持 and 总计) do not fit 10.4 mm
# at 五号, so every table is at 小五 (checked above) and their columns are wider than the others.
"$PY" - five.json <<'PY' || problem "five: $(cat five.py.err)"
import json, sys
boxes = json.load(open(sys.argv[1]))
w = {b["col"]: b["width"] for b in boxes if b["kind"] == "cell" and b["table"] == "表四"
     and b["row"] == 3}
err = ""
if not (w.get(4, 0) > w.get(1, 0) + 0.5 and w.get(0, 0) > w.get(1, 0) + 0.5):
    err = "表四's column widths %s" % {k: round(v, 1) for k, v in sorted(w.items())}
open("five.py.err", "w").write(err)
sys.exit(1 if err else 0)
PY

# 表二 starting low on a page breaks between its 第二十条 blocks: the first page holds whole
# blocks, the next resumes with a block title; the page it starts on is not left a third empty
# (the hole check above).
"$PY" - low.json <<'PY' || problem "low: $(cat low.py.err)"
import json, sys
boxes = json.load(open(sys.argv[1]))
cells = [b for b in boxes if b["kind"] == "cell" and b["table"] == "表二"]
pages = sorted({b["page"] for b in cells})
err = ""
if len(pages) != 2:
    err = "表二 is on pages %s, not split over two" % pages
else:
    second = [b for b in cells if b["page"] == pages[1]]
    top = max(second, key=lambda b: b["y"])
    if not top["text"].startswith("第二十条") or top["colspan"] != 4:
        err = "page %d of 表二 starts with '%s'" % (pages[1], top["text"])
    rows1 = {b["row"] for b in cells if b["page"] == pages[0]}
    if top["row"] != max(rows1) + 1:
        err = "表二 resumes at row %d after row %d" % (top["row"], max(rows1))
open("low.py.err", "w").write(err)
sys.exit(1 if err else 0)
PY

# The checker itself: a label broken inside a listed word, a data column under 12 mm, a second
# size and a page left half empty must each be seen.
"$PY" - zero.json <<'PY'
import json, sys
boxes = json.load(open(sys.argv[1]))
def save(name, bs):
    json.dump(bs, open(name, "w"), ensure_ascii=False)
# 1. "（三）不予公开" drawn as "（三）不" / "予公开".
bs = json.loads(json.dumps(boxes))
for b in bs:
    if b["kind"] == "cell-text" and b["text"] == "（三）":
        b["text"] = "（三）不"
    elif b["kind"] == "cell-text" and b["text"] == "不予公开":
        b["text"] = "予公开"
save("bad-word.json", bs)
# 2. a data column of 11 mm.
bs = json.loads(json.dumps(boxes))
for b in bs:
    if b["kind"] == "cell" and b["table"] == "表三" and b["col"] == 5 and b["text"] == "0":
        b["width"] = 11 * 72 / 25.4
save("bad-data.json", bs)
# 3. a page ends half way down (one whose next page does not start with a section heading).
import re
last = max(b["page"] for b in boxes)
for p in range(1, last):
    nxt = max((b for b in boxes if b["page"] == p + 1 and b["kind"] != "folio"),
              key=lambda b: b["y"] + b["height"])
    if not (nxt["kind"] == "heading" and re.match("^[一二三四五六]、", nxt["text"])):
        break
bs = [b for b in boxes if not (b["page"] == p and b["y"] < 400 and b["kind"] != "folio")]
save("bad-hole.json", bs)
PY
for bad in word data hole; do
    if "$PY" "$NB_TOOLS/tablegrid.py" "bad-$bad.json" "$NB_SOURCE/layouts/gov-2021.yaml" zero.pdf \
        >/dev/null 2>&1; then
        problem "tablegrid.py did not see the doctored case '$bad'"
    fi
done
# Two sizes: MuPDF's reading of the zero report with its last table's glyphs made 9 pt.
mutool draw -F stext -o zero.stext zero.pdf 2>/dev/null
"$PY" - zero.stext <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
i = s.rfind('size="10.5"')
s = s[:i] + 'size="9"' + s[i + len('size="10.5"'):]
open("two-sizes.stext", "w", encoding="utf-8").write(s)
PY
if "$PY" "$NB_TOOLS/tablegrid.py" --stext two-sizes.stext zero.json \
    "$NB_SOURCE/layouts/gov-2021.yaml" zero.pdf >/dev/null 2>&1; then
    problem "tablegrid.py did not see a table at a second size"
fi
finish
