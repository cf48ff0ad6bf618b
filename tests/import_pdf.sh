#!/bin/sh
# The PDF reader.
# - Every sample, rendered by nianbao, reads back as the sample: the title (its lines joined),
#   every paragraph character for character and in order, and every table cell for cell —
#   tables cut by a page break (with their header rows repeated) joined again. Samples on a
#   layout derived from another (seed: gov-2021-no-other) are compared on their prose.
# - The two agencies' own WPS PDFs of the shared corpus (if present: ../shared) read as their
#   published text: the same table cells in the same order and the same paragraphs (white space
#   aside) — with fake-bold doubled characters, labels broken inside words, a table row and a
#   merged label cut by a page break, and no repeated headers.
# - Hostile PDFs (10,000 pages, truncated, a page tree that contains itself, no text, 4,800
#   crossing rules, 12 pages of 99 x 99 tables joined past the cell limit) are refused with a
#   message, and 60,000 glyphs kerned onto one spot are read, each within 2 s and 300 MiB.
. "$NB_SOURCE/tests/lib.sh"
need_python yaml
workdir
dump=$(dirname "$NB")/tests/import_dump
[ -x "$dump" ] || fail "no import_dump beside $NB"
tools=$NB_SOURCE/tests/tools

for s in "$NB_SOURCE"/samples/*.yaml "$NB_SOURCE"/samples/*.json; do
    n=$(basename "$s")
    "$NB" render "$s" -o "$n.pdf" --force 2>"$n.err" || { problem "$n: render failed"; continue; }
    "$dump" pdf "$n.pdf" >"$n.json" 2>>"$n.err" || { problem "$n: not read: $(cat "$n.err")"; continue; }
    layout=$("$PY" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1], encoding="utf-8")).get("layout", "gov-2021"))' "$s")
    prose=""
    grep -q '^base:' "$NB_SOURCE/layouts/$layout.yaml" && prose=--prose
    "$PY" "$tools/mkimport.py" expect "$s" "$NB_SOURCE/layouts" >"$n.expect"
    (cd "$tools" && "$PY" pdfcmp.py "$NB_WORK/$n.json" "$NB_WORK/$n.expect" $prose) ||
        problem "$n: the PDF does not read as the sample"
done
# The headings' faces say their levels: 黑体 一、 headings 2, 楷体 （一） headings 3.
"$PY" - huaian-city-2024.yaml.json <<'PY' || problem "levels from the faces"
import json, sys
paras = {b["p"]: b for b in json.load(open(sys.argv[1], encoding="utf-8"))["blocks"] if "p" in b}
assert paras["一、总体情况"]["level"] == 2, paras["一、总体情况"]
assert paras["（一）主动公开"]["level"] == 3, paras["（一）主动公开"]
assert all(b["size"] == 16 for t, b in paras.items() if t.startswith("全年")), "body size"
PY

# ../shared beside the repository; from a git worktree in a sub-folder, one level further up
corpus=${NB_SHARED:-$NB_SOURCE/../shared}/corpus
[ -d "$corpus" ] || [ -n "${NB_SHARED:-}" ] || corpus=$NB_SOURCE/../../shared/corpus
if [ -d "$corpus/pdf" ]; then
    for f in 02-huaian-hongze-district-gov-2023 03-huaian-city-gov-2024; do
        "$dump" pdf "$corpus/pdf/$f.pdf" >"$f.json" || { problem "$f.pdf: not read"; continue; }
        "$PY" "$tools/corpuscmp.py" "$f.json" "$corpus/$f.txt" ||
            problem "$f.pdf does not read as its published text"
    done
else
    echo "note: ../shared/corpus absent: the published PDFs are not compared" >&2
fi

"$PY" "$tools/mkhostile.py" pdf
# a PDF whose page has no text: nothing to import
"$PY" - <<'PY'
body = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
out, offs = bytearray(b"%PDF-1.4\n"), []
for i, o in enumerate(body, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x
open("blank.pdf", "wb").write(out)
PY
for f in pages-10000 truncated loop blank rules dense; do
    rc=0
    limited 2 300 "$dump" pdf $f.pdf >$f.out 2>$f.err || rc=$?
    [ "$rc" -eq 2 ] || problem "$f.pdf: exit $rc, want 2 ($(head -c 300 $f.err))"
    grep -q "^$f.pdf:[0-9]*:[0-9]*: error: " $f.err || problem "$f.pdf: no file:line:col message"
done
grep -q "10000 pages, more than the 200" pages-10000.err || problem "pages: $(cat pages-10000.err)"
grep -q "no text" blank.err || problem "blank: $(cat blank.err)"
grep -q "100000 table cells" dense.err || problem "dense: $(cat dense.err)"
# 60,000 glyphs on one spot: read (as the two characters they are) in linear time
rc=0
limited 2 300 "$dump" pdf same-spot.pdf >same-spot.json 2>same-spot.err || rc=$?
[ "$rc" -eq 0 ] && grep -q '"p":"ab"' same-spot.json || problem "same-spot.pdf: exit $rc"
finish
