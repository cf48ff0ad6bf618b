#!/bin/sh
# nianbao import of plain text, and check/render of a text source directly.
#  1. The project's own fixture (tests/data/import/merged-2021.txt) imports to exactly the
#     description written by hand beside it (both loaded as YAML), with the one warning it must
#     give (a misspelt label read as the layout's), and `check` points into the text.
#  2. Round trip through the seed's published text (../shared/seed; skipped when absent): the
#     imported report renders to a PDF whose prose, read back by pdftotext, is the seed's prose
#     paragraph for paragraph (whitespace aside) with nothing but table material between, and
#     whose table cells, read back by poppler (tablecheck.py), hold the seed's published numbers
#     in order; the figures equal the hand transcription samples/seed.yaml except the four cells
#     the published text lost to a group label, which are reported and left blank.
#  3. The three corpus reports (../shared/corpus): `check FILE.txt` gives exactly their known
#     faults and the import's notes, each at its line:col in the text.
. "$NB_SOURCE/tests/lib.sh"
need pdftotext
need_python yaml
workdir

DATA=$NB_SOURCE/tests/data/import

# ---- 1. the fixture ------------------------------------------------------------------------
cp "$DATA/merged-2021.txt" m.txt
expect_status 0 "$NB" import m.txt -o m.yaml
cat >want.txt <<'EOF'
m.txt:51:3: warning: 表三: row label '6.属于四类过程信息' read as '6.属于四类过程性信息'
EOF
cmp -s err.txt want.txt || problem "fixture: import messages differ:
$(cat err.txt)"
"$PY" - m.yaml "$DATA/merged-2021.yaml" <<'EOF' || problem "fixture: the import differs from merged-2021.yaml"
import sys, yaml
got, want = (yaml.safe_load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
if got != want:
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            print(f"{k}:\n  got  {got.get(k)}\n  want {want.get(k)}")
    sys.exit(1)
EOF
# The imported description loads and checks clean; `check` of the text itself is the same
# report, its (only) finding pointing into the text.
expect_status 0 "$NB" check m.yaml
expect_status 0 "$NB" check m.txt
grep -q '^m.txt:51:3: warning: 表三: row label' out.txt || problem "check m.txt: no import note: $(cat out.txt)"
# Change a total in the text: the error names the cell at its line:col in the text.
awk -F'\t' 'BEGIN{OFS="\t"} /^一、本年新收/ {$10=7} {print}' m.txt >m7.txt
expect_status 1 "$NB" check m7.txt
col=$("$PY" -c 'import sys
for n, l in enumerate(open("m7.txt", encoding="utf-8"), 1):
    if l.startswith("一、本年新收"):
        cells = l.rstrip("\n").split("\t")
        print(n, len("\t".join(cells[:9])) + 2)' )
set -- $col
grep -q "^m7.txt:$1:$2: error: 表三 一、本年新收政府信息公开申请数量 / 总计 is 7" out.txt ||
    problem "check m7.txt: the total's error is not at $1:$2: $(cat out.txt)"

# ---- 2. round trip through the seed's published text ------------------------------------------
SHARED=$(shared_dir)
SEED=${SHARED:-/nonexistent}/seed/000_4b6eb78ed0e2f009.txt
if [ ! -f "$SEED" ]; then
    echo "skip: the seed's published text ($SEED) is absent; fixture checks done" >&2
    [ "$nb_failures" -eq 0 ] && exit 77
    finish
fi
cp "$SEED" seed.txt
expect_status 0 "$NB" import seed.txt -o seed.yaml
cat >want.txt <<'EOF'
seed.txt:66:2: warning: 表三: row label '2.其他法律法规禁止公开' read as '2.其他法律行政法规禁止公开'
seed.txt:68:11: warning: 表三 （三）不予公开 4.保护第三方合法权益: 5 values for 6 columns (a label took a cell): taken as the rightmost, 自然人 left blank
seed.txt:73:11: warning: 表三 （四）无法提供 1.本机关不掌握相关政府信息: 5 values for 6 columns (a label took a cell): taken as the rightmost, 自然人 left blank
seed.txt:76:11: warning: 表三 （五）不予处理 1.信访举报投诉类申请: 5 values for 6 columns (a label took a cell): taken as the rightmost, 自然人 left blank
seed.txt:81:11: warning: 表三 （六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请: 5 values for 6 columns (a label took a cell): taken as the rightmost, 自然人 left blank
EOF
cmp -s err.txt want.txt || problem "seed: import messages differ:
$(cat err.txt)"
render seed.yaml seed.pdf --dump-layout seed.json --dump-format json
pdftotext seed.pdf seed.pdf.txt
pdftotext -bbox seed.pdf seed.html
"$PY" "$NB_TOOLS/tablecheck.py" seed.json seed.html "$NB_SOURCE/layouts/gov-2021-no-other.yaml" \
    seed.yaml >tables.problems || problem "seed: $(cat tables.problems)"
"$PY" - seed.txt seed.pdf.txt seed.json seed.yaml "$NB_SOURCE/samples/seed.yaml" \
    "$NB_SOURCE/layouts/gov-2021.yaml" <<'EOF' || problem "seed round trip"
import json, re, sys, yaml
src, pdftext, dump, imported, transcribed, layout = sys.argv[1:7]
lines = open(src, encoding="utf-8").read().split("\n")
ok = True

def squeeze(s):
    return "".join(s.split())

# Prose: every non-table line of the seed, whitespace aside (and the "- " bullets the text puts
# before items), in order in the PDF's text, with only table material between.
labels = set()
for t in yaml.safe_load(open(layout, encoding="utf-8"))["tables"]:
    for row in t["grid"]:
        for c in row:
            if isinstance(c, str):
                labels.add(c)
            elif "text" in c:
                labels.add(c["text"])
table_chars = set("".join(labels)) | set("0123456789./()（）")
paras = [squeeze(re.sub(r"^- ", "", l)) for l in lines if l.strip() and "\t" not in l]
pdf = open(pdftext, encoding="utf-8").read()
pdf = squeeze(re.sub(r"—\s*\d+\s*—", "", pdf))  # the page numbers, wherever poppler puts them
at = 0
for p in paras:
    i = pdf.find(p, at)
    if i < 0:
        print(f"prose: not found in order: {p[:40]}")
        ok = False
        continue
    extra = set(pdf[at:i]) - table_chars
    if extra:
        print(f"prose: text before '{p[:20]}' that is neither the seed's nor a table's: {pdf[at:i][:60]}")
        ok = False
    at = i + len(p)
if set(pdf[at:]) - table_chars:
    print(f"prose: text after the last paragraph: {pdf[at:][:60]}")
    ok = False

# Tables: the seed's numbers, table by table in reading order, are the numbers in the PDF's value
# cells in row and column order (the dump says which cell is where; tablecheck.py has checked
# that poppler reads each cell's text back from it).
def numbers(cells):
    return [c for c in cells if re.fullmatch(r"[0-9.]+|/", c)]
seed_tables, cur = [], None
for l in lines:
    if "\t" in l or l.startswith("第二十条"):
        if cur is None:
            cur = []
            seed_tables.append(cur)
        cur += numbers([c.strip() for c in l.split("\t")])
    elif l.strip():
        cur = None
boxes = [b for b in json.load(open(dump, encoding="utf-8")) if b["kind"] == "cell" and not b["repeat"]]
pdf_tables = []
for name in ("表二", "表三", "表四"):
    cells = sorted((b for b in boxes if b["table"] == name), key=lambda b: (b["row"], b["col"]))
    pdf_tables.append(numbers([b["text"] for b in cells]))
if seed_tables != pdf_tables:
    print(f"tables: the seed's numbers {seed_tables}\n  differ from the PDF's {pdf_tables}")
    ok = False

# The figures against the hand transcription: equal but for the four cells lost in the text.
def values(path):
    r = yaml.safe_load(open(path, encoding="utf-8"))
    return {b["table"]: b["values"] for s in r["sections"] for b in (s.get("body") or [])
            if isinstance(b, dict) and "table" in b}
got, want = values(imported), values(transcribed)
diff = [(t, k, i) for t in want for k in want[t] for i in range(len(want[t][k]))
        if got[t].get(k, [None] * 99)[i] != want[t][k][i]]
lost = [("applications", k, 0) for k in ("withheld_4", "unavailable_1", "unprocessed_1", "other_1")]
if sorted(diff) != sorted(lost) or any(got[t][k][i] is not None for t, k, i in lost):
    print(f"figures: differences from samples/seed.yaml {diff}, expected {lost} (blank)")
    ok = False
sys.exit(0 if ok else 1)
EOF

# ---- 3. the corpus: check of the text gives exactly the known faults ---------------------------
CORPUS=$SHARED/corpus
if [ -d "$CORPUS" ]; then
    cp "$CORPUS/02-huaian-hongze-district-gov-2023.txt" c02.txt
    cp "$CORPUS/03-huaian-city-gov-2024.txt" c03.txt
    cp "$CORPUS/07-huaian-hongze-district-gov-2024.txt" c07.txt
    NEW=一、本年新收政府信息公开申请数量
    MERGED="layout gov-2021-other-merged differs from the national layout gov-2021"
    O1=（六）其他处理\ 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请
    O2=（六）其他处理\ 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请
    HEAD1="warning: before the title, not part of the report: 'source: github:zxj682711…'"
    HEAD2="warning: before the title, not part of the report: 'fetched-from: github rep…'"
    # corpus 02: 表四's two totals (INDEX.md), a misspelt label, the merged （六） row.
    cat >want.txt <<EOF
c02.txt:1:1: $HEAD1
c02.txt:2:1: $HEAD2
c02.txt:38:3: warning: 表三: row label '2.其他法律行政止公开' read as '2.其他法律行政法规禁止公开'
c02.txt:60:10: error: 表四 行政复议 总计 is 0, but the columns it totals add up to 11 (结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0)
c02.txt:60:30: error: 表四 复议后起诉 总计 is 0, but the columns it totals add up to 5 (结果维持 5 + 结果纠正 0 + 其他结果 0 + 尚未审结 0)
c02.txt:15:1: warning: 表三 has no row $O1: $MERGED
c02.txt:15:1: warning: 表三 has no row $O2: $MERGED
c02.txt:15:1: warning: 表三 has no row （六）其他处理 3.其他: $MERGED
EOF
    expect_status 1 "$NB" check c02.txt
    cmp -s out.txt want.txt || problem "corpus 02: findings differ (expected, then actual):
$(cat want.txt)
---
$(cat out.txt)"
    # corpus 03: clean (its （六） rows are numbered "1、").
    printf 'c03.txt:1:1: %s\nc03.txt:2:1: %s\n' "$HEAD1" "$HEAD2" >want.txt
    expect_status 0 "$NB" check c03.txt
    cmp -s out.txt want.txt || problem "corpus 03: findings differ: $(cat out.txt)"
    # corpus 07: the text says 17 applications, 表三 counts 95.
    cat >want.txt <<EOF
c07.txt:1:1: $HEAD1
c07.txt:2:1: $HEAD2
c07.txt:37:3: warning: 表三: row label '2.其他法律行政止公开' read as '2.其他法律行政法规禁止公开'
c07.txt:9:119: warning: the text gives applications received as 17件, but 表三 $NEW / 总计 is 95 (line 32, column 33)
c07.txt:14:1: warning: 表三 has no row $O1: $MERGED
c07.txt:14:1: warning: 表三 has no row $O2: $MERGED
c07.txt:14:1: warning: 表三 has no row （六）其他处理 3.其他: $MERGED
EOF
    expect_status 0 "$NB" check c07.txt
    cmp -s out.txt want.txt || problem "corpus 07: findings differ (expected, then actual):
$(cat want.txt)
---
$(cat out.txt)"
    # The positions are the text's: line 9 column 119 is the "17", line 32 column 33 the 95.
    "$PY" - c07.txt <<'EOF' || problem "corpus 07: positions do not point at 17 and 95"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[8][118:120] == "17", lines[8][118:120]
assert lines[31][32:34] == "95", lines[31][32:34]
EOF
    # batch --check-only takes a folder of published texts as they are.
    mkdir published
    cp c02.txt c03.txt c07.txt published/
    expect_status 1 "$NB" batch --check-only published -o out
    grep -q "published/c02.txt:60:10: error: 表四 行政复议 总计 is 0" err.txt out.txt ||
        problem "batch --check-only: no corpus 02 fault: $(head -c 600 err.txt)"
    grep -q "published/c07.txt:9:119: warning: the text gives applications received as 17件" err.txt out.txt ||
        problem "batch --check-only: no corpus 07 finding: $(head -c 600 err.txt)"
else
    echo "note: ../shared/corpus is absent; the corpus checks were skipped" >&2
fi
finish
