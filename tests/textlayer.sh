#!/bin/sh
# The text layer (issue 12): for every sample, pdftotext (plain) gives every paragraph, heading
# and item of the report whole, in reading order, with its lines broken exactly where the PDF's
# lines end (read from MuPDF's geometry); MuPDF's structured text gives each piece whole and in
# order; every body line is whole and in order in a line of `pdftotext -layout`
# (tests/tools/textlayer.py). The seed set compact, whose squeezed marks overlap their
# neighbours, is the counter-case: pdftotext breaks its lines after marks there, and the check
# must say so.
. "$NB_SOURCE/tests/lib.sh"
need mutool pdftotext
need_python yaml
workdir

count=0
for yaml in "$NB_SOURCE"/samples/*.yaml "$NB_SOURCE"/tests/data/pages/*.yaml; do
    name=$(basename "$yaml" .yaml)
    render "$yaml" "$name.pdf"
    count=$((count + 1))
    "$PY" "$NB_TOOLS/textlayer.py" "$yaml" "$name.pdf" >"$name.text" 2>&1 ||
        problem "$name: $(head -20 "$name.text")"
done
[ "$count" -ge 2 ] || problem "only $count sample(s) found under samples/"

# A negative count in a table (gov-2019-example's 行政许可 本年增/减 is -3) is set with the minus
# sign U+2212, which pdftotext returns as such; no hyphen stands before a digit.
pdftotext gov-2019-example.pdf minus.txt
grep -q '−3' minus.txt || problem "gov-2019-example: no '−3' (U+2212) in the text layer"
grep -q -- '-[0-9]' minus.txt && problem "a hyphen-minus before a digit: $(grep -- '-[0-9]' minus.txt | head -3)"

sed 's/^layout:/style: compact\nlayout:/' "$NB_SOURCE/samples/seed.yaml" >compact.yaml
render compact.yaml compact.pdf
st=0
"$PY" "$NB_TOOLS/textlayer.py" compact.yaml compact.pdf >compact.text 2>&1 || st=$?
[ "$st" -eq 1 ] || problem "the compact seed's text layer passes (exit $st): the check cannot fail"
grep -q 'pdftotext breaks its lines as' compact.text ||
    problem "no line-break finding on the compact seed: $(head -5 compact.text)"

finish
