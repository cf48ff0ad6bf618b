#!/bin/sh
# The geometry checker itself: a PDF laid out by the rules passes, and each PDF that breaks one
# rule is caught with the right message (the PDFs come from tests/tools/mkpdf.py, not nianbao).
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python
workdir

# case  exit  text the report must contain
while read -r name want text; do
    "$PY" "$NB_TOOLS/geomcases.py" "$name" | "$PY" "$NB_TOOLS/mkpdf.py" >"$name.pdf" ||
        fail "could not make $name.pdf"
    status=0
    "$PY" "$NB_TOOLS/pdfgeom.py" "$name.pdf" >"$name.txt" 2>&1 || status=$?
    if [ "$status" -ne "$want" ]; then
        problem "$name: pdfgeom exited $status, expected $want: $(cat "$name.txt")"
    elif [ "$text" = "-" ]; then
        [ -s "$name.txt" ] && problem "$name: pdfgeom reported: $(cat "$name.txt")"
    elif ! grep -q -- "$text" "$name.txt"; then
        problem "$name: no '$text' in: $(cat "$name.txt")"
    fi
done <<'CASES'
good 0 -
outside-left 1 left of the 版心
outside-bottom 1 below the 版心
pitch 1 baseline pitch 29.49
start-forbidden 1 starts with the line-start-forbidden mark '，'
end-forbidden 1 ends with the line-end-forbidden mark '《'
not-flush 1 a full line that is not justified flush
short-continued 0 info: page 1:
folio-side 1 page 2 (even): page number starts at x=458.57
folio-low 1 dash centre at y=77.3
folio-missing 1 page 2: no page number
folio-number 1 page number reads '—3—'
folio-size 1 page number glyph '—' is 12.00 pt
body-size 1 has 15.00 pt glyphs
CASES

# The JSON dump gives every line with its geometry in PDF points.
"$PY" "$NB_TOOLS/pdfgeom.py" --json good.pdf >good.json || problem "pdfgeom --json failed"
"$PY" - good.json <<'PY' || problem "pdfgeom --json: unexpected content"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
lines = [l for p in d["pages"] for l in p["lines"]]
folios = [l["text"] for l in lines if l["folio"]]
assert folios == ["—1—", "—2—"], folios
first = d["pages"][0]["lines"][1]
assert first["text"] == "一、总体情况" and first["size"] == 16, first
assert abs(first["x0"] - (28 * 72 / 25.4 + 2 * 156 * 72 / 25.4 / 28)) < 0.01, first
assert not d["violations"], d["violations"]
PY

finish
