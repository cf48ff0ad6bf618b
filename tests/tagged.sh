#!/bin/sh
# The tagged PDF (docs/design.md, "Tagged PDF"), on by default. tests/data/tagged/report.yaml
# (every table cell its own number, every block kind, a paragraph and 表三 crossing a page
# break, two characters that share a glyph with another) is rendered plain, with a seal, signed,
# as PDF/A, in a batch and --untagged, the samples on both national formats plain, and all are
# read back by programs nianbao does not contain:
#  - tests/tools/pdftags.py, over qpdf's JSON and its own reading of the content streams:
#    every paragraph a P in reading order with the description's text, headings at their
#    levels, every table cell a TH or TD with its label or value, spans and scopes as the
#    layout's grid, each TD headed by the THs that head it by the geometry (through /Headers
#    in 表二, whose later blocks need them, through the THs' /Scope alone in 表三 and 表四),
#    page numbers, rules and the seal artifacts, the parent tree, /Lang, /MarkInfo,
#    /DisplayDocTitle;
#  - the same checker fails on PDFs spoiled one way each (tests/tools/pdftags_doctor.py): a
#    tag removed, two TDs swapped, two Ps swapped, a scope changed, a TD's /Headers removed,
#    a page number untagged;
#  - poppler: pdfinfo says Tagged yes (no for --untagged), -meta finds the title in the XMP
#    metadata, -struct-text the same elements; pdftotext gives the shared glyphs' own
#    characters (/ActualText);
#  - MuPDF reads /MarkInfo and /Lang; qpdf --check; pdfsig accepts the signed file; PDFBox
#    Preflight still validates the PDF/A-1b file (when installed);
#  - the pages look the same tagged and untagged (pdftoppm, compared pixel for pixel), and the
#    same report gives the same bytes.
. "$NB_SOURCE/tests/lib.sh"
need pdfinfo pdftotext pdftoppm qpdf mutool pdfimages
need_python yaml
workdir

layout=$NB_SOURCE/layouts/gov-2021.yaml
cp "$NB_SOURCE/tests/data/tagged/report.yaml" report.yaml
"$PY" "$NB_TOOLS/sealpng.py" rgba seal.png || fail "sealpng.py"
sed -e 's|^signoff: .*|&\nseal: seal.png|' report.yaml >sealed.yaml

render report.yaml tagged.pdf
render report.yaml again.pdf
render sealed.yaml sealed.pdf
render report.yaml untagged.pdf --untagged
render seed.yaml seed.pdf

cmp -s tagged.pdf again.pdf || problem "the same report gave different bytes"

for f in tagged.pdf sealed.pdf seed.pdf; do
    pdfinfo "$f" >info.txt 2>&1 || problem "pdfinfo $f failed"
    grep -q '^Tagged: *yes$' info.txt || problem "pdfinfo: $f is not tagged"
    qpdf --check "$f" >check.txt 2>&1 || problem "qpdf --check $f: $(tail -3 check.txt)"
done
pdfinfo untagged.pdf | grep -q '^Tagged: *no$' || problem "--untagged: pdfinfo says it is tagged"
# The XMP metadata (compressed outside PDF/A) as poppler reads it: the title as dc:title.
pdfinfo -meta tagged.pdf >meta.xml 2>&1 || problem "pdfinfo -meta failed"
grep -q '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">示例市数据管理局2025年政府信息公开工作年度报告</rdf:li>' meta.xml ||
    problem "pdfinfo -meta: no dc:title with the report's title: $(head -c 600 meta.xml)"

# tags FILE.pdf SUMMARY.json: the checker on FILE; a problem unless it passes.
tags() {
    if ! "$PY" "$NB_TOOLS/pdftags.py" "$1" report.yaml "$layout" --summary "$2" >tags.out 2>&1; then
        problem "pdftags.py $1: $(head -20 tags.out)"
    fi
}
tags tagged.pdf tagged.json
tags sealed.pdf sealed.json

# What crossed a page and the shared glyphs, from the checker's summary.
"$PY" - tagged.json <<'EOF' || problem "tagged.pdf: $(cat summary.err)"
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
bad = []
if "表三" not in s["tables_across_pages"]:
    bad.append("表三 should cross a page break as one Table (%s)" % s["tables_across_pages"])
if s["paragraphs_across_pages"] < 1:
    bad.append("no P has content on two pages")
if sorted(s["actual_text"]) != sorted(["・", "⽇"]):
    bad.append("/ActualText spans: %s, expected ・ and ⽇" % s["actual_text"])
# 表二 10 values, 表三 25 rows of 7, 表四 15: every one a TD.
want_td = 10 + 25 * 7 + 15
if s["elements"].get("TD") != want_td:
    bad.append("%s TDs, the three tables have %d values" % (s["elements"].get("TD"), want_td))
# /Headers only where the scopes do not say it: 表二's later blocks have column headers of the
# blocks above over their columns; 表三's three levels of row headers and 表四's two of column
# headers are read from /Scope (pdftags.py checked each TD's headers either way).
if s["tds_with_headers"] != {"表二": 10, "表三": 0, "表四": 0}:
    bad.append("TDs with /Headers: %s, expected 表二 all 10, 表三 and 表四 none"
               % s["tds_with_headers"])
open("summary.err", "w").write("; ".join(bad))
sys.exit(1 if bad else 0)
EOF

# The seal is drawn, as an artifact (pdftags.py fails on a drawing inside an element).
[ "$(pdfimages -list sealed.pdf | tail -n +3 | wc -l)" -ge 1 ] || problem "sealed.pdf has no image"

# The checker fails on spoiled files, each for its reason.
spoiled() {
    mode=$1 reason=$2
    if ! "$PY" "$NB_TOOLS/pdftags_doctor.py" tagged.pdf "bad-$mode.pdf" "$mode" 2>doctor.err; then
        problem "pdftags_doctor.py $mode failed: $(cat doctor.err)"
        return
    fi
    if "$PY" "$NB_TOOLS/pdftags.py" "bad-$mode.pdf" report.yaml "$layout" >bad.out 2>&1; then
        problem "pdftags.py passes a PDF spoiled by '$mode'"
    elif ! grep -q -- "$reason" bad.out; then
        problem "pdftags.py fails on '$mode' but not for '$reason': $(head -5 bad.out)"
    fi
}
spoiled swap-td "reads '"
spoiled drop-td "belongs to no element"
spoiled drop-p "belongs to no element"
spoiled swap-p "document: P"
spoiled scope "has /Scope /Row, not /Column"
spoiled drop-headers "has no /Headers, and its THs' /Scope gives"
spoiled folio "is not an artifact"
spoiled cross-text "a text object ends inside a marked-content sequence"
if "$PY" "$NB_TOOLS/pdftags.py" untagged.pdf report.yaml "$layout" >bad.out 2>&1; then
    problem "pdftags.py passes the untagged PDF"
fi

# The samples, on both national formats and the seed's variant (表三 without 其他, read by
# the checker from gov-2021 with the column removed): their own prose, headings and tables
# (gov-2019's signed 本年增/减 with U+2212) read back the same way.
for pair in gov-2019-example:gov-2019 huaian-city-2024:gov-2021 seed:gov-2021-no-other; do
    name=${pair%%:*}
    render "$name.yaml" "$name.pdf"
    "$PY" "$NB_TOOLS/pdftags.py" "$name.pdf" "$(sample "$name.yaml")" \
        "$NB_SOURCE/layouts/${pair#*:}.yaml" >tags.out 2>&1 ||
        problem "pdftags.py $name.pdf: $(head -20 tags.out)"
done

# batch renders through the same path: the same bytes.
"$NB" batch report.yaml -o batch >batch.out 2>&1 || problem "batch: $(cat batch.out)"
cmp -s batch/report.pdf tagged.pdf || problem "batch's PDF differs from render's"

# poppler's own reading of the structure: the same elements as the checker found.
pdfinfo -struct-text tagged.pdf >struct.txt 2>struct.err || problem "pdfinfo -struct-text failed"
"$PY" - struct.txt tagged.json <<'EOF' || problem "pdfinfo -struct-text: $(cat struct.cmp)"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
s = json.load(open(sys.argv[2], encoding="utf-8"))
counts = {}
for line in lines:
    m = re.match(r"^\s*([A-Za-z][A-Za-z0-9]*)(\s|$|:| <)", line)
    if m and not line.lstrip().startswith('"') and not line.lstrip().startswith("/"):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
bad = []
for kind in ("Document", "H1", "H2", "H3", "H4", "P", "Table", "THead", "TBody", "TR", "TH", "TD",
             "Span"):
    if counts.get(kind, 0) != s["elements"].get(kind, 0):
        bad.append("%s: poppler %d, pdftags.py %d" % (kind, counts.get(kind, 0),
                                                     s["elements"].get(kind, 0)))
text = "\n".join(lines)
if not re.search(r'H1 \(block\)\n\s+"示例市数据管理局2025年政府信息公开工作年度报告"', text):
    bad.append("the H1 is not the title")
if not re.search(r'TH( <[^>]*>)?:\n\s+/Scope /Column\n\s+/ColSpan 7\n\s+"申请人情况"', text):
    bad.append("申请人情况 is not a TH of scope Column spanning 7 columns")
open("struct.cmp", "w").write("; ".join(bad))
sys.exit(1 if bad else 0)
EOF

# Text extraction gives what was written where a glyph stands for two characters.
pdftotext tagged.pdf - | tr -d '\n' >text.txt
grep -q '约翰・史密斯' text.txt || problem "pdftotext: ・ (U+30FB) comes out as another character"
grep -q '约翰·史密斯' text.txt || problem "pdftotext: · (U+00B7) is lost"
grep -q '字形⽇' text.txt || problem "pdftotext: the Kangxi radical ⽇ comes out as another character"

# MuPDF reads the catalog's entries.
mutool show tagged.pdf trailer/Root/MarkInfo 2>/dev/null | grep -q '/Marked true' ||
    problem "mutool: no /MarkInfo << /Marked true >>"
mutool show tagged.pdf trailer/Root/Lang 2>/dev/null | grep -q 'zh-CN' || problem "mutool: no /Lang zh-CN"

# Tags change nothing on the page.
pdftoppm -r 80 -png tagged.pdf t
pdftoppm -r 80 -png untagged.pdf u
for png in t-*.png; do
    cmp -s "$png" "u-${png#t-}" || problem "page ${png#t-} looks different tagged and untagged"
done
[ -f u-1.png ] && [ "$(ls t-*.png | wc -l)" -eq "$(ls u-*.png | wc -l)" ] ||
    problem "tagged and untagged have different page counts"

# Signed: still tagged and checked, and the signature valid.
if command -v openssl >/dev/null 2>&1 && command -v pdfsig >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 3650 \
        -subj "/CN=nianbao tagged test/O=Test Office" 2>openssl.err || fail "openssl req"
    render report.yaml signed.pdf --sign-key key.pem --sign-cert cert.pem
    pdfsig signed.pdf >sig.txt 2>&1 || true
    grep -q 'Signature Validation: Signature is Valid' sig.txt || problem "pdfsig: $(cat sig.txt)"
    tags signed.pdf signed.json
fi

# PDF/A-1b with the tags.
render report.yaml pdfa.pdf --pdfa
tags pdfa.pdf pdfa.json
pf_status=0
sh "$NB_SOURCE/scripts/preflight.sh" pdfa.pdf >preflight.out 2>preflight.err || pf_status=$?
if [ "$pf_status" -eq 2 ]; then
    echo "note: Preflight could not run: $(head -2 preflight.err)" >&2
elif ! grep -q -x "pdfa.pdf: valid PDF/A-1b" preflight.out; then
    problem "Preflight rejects the tagged PDF/A: $(cat preflight.out)"
fi

finish
