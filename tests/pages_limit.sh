#!/bin/sh
# The page limit (docs/report-format.md: 1,000 pages, a backstop behind the limits on blocks and
# text): a report of just under 1,000 pages renders into a PDF that other readers accept (every
# page there, its page number on the last, over 1,000 objects in several object streams), and
# one that would be longer is refused with the documented message, exit status 1
# (an error of the report, found while setting it), within 60 s and 1 GiB, and no file (one
# already at the output path left alone); in a batch the other reports are still written.
# Paragraphs of 60 W's (three lines each, which widow and orphan control keeps together, so
# seven to a page) make the length without reaching the limits on blocks or text.
. "$NB_SOURCE/tests/lib.sh"
need pdfinfo pdftotext qpdf
workdir

# report N: tests/bad/valid.yaml with N such paragraphs at the start of its first section.
report() {
    awk -v n="$1" '
        { print }
        /^  - body:$/ && !done { for (i = 0; i < n; i++) print "      - WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"; done = 1 }' \
        "$NB_SOURCE/tests/bad/valid.yaml"
}

report 6900 >long.yaml
expect_status 0 "$NB" render long.yaml -o long.pdf
[ -s long.pdf ] || fail "no PDF for long.yaml"
pages=$(pdfinfo long.pdf 2>/dev/null | awk '/^Pages:/ { print $2 }')
[ -n "$pages" ] && [ "$pages" -ge 950 ] && [ "$pages" -le 1000 ] ||
    problem "long.pdf has ${pages:-no} pages, expected 950 to 1000"
qpdf --check long.pdf >qpdf.txt 2>&1 && grep -q 'No syntax or stream encoding errors' qpdf.txt ||
    problem "qpdf --check long.pdf: $(head -c 500 qpdf.txt)"
qpdf --show-xref long.pdf >xref.txt
[ "$(grep -c 'compressed; stream' xref.txt)" -gt 1000 ] ||
    problem "long.pdf: fewer than 1,000 objects in object streams"
# A reader inflates a whole object stream to get one object: a long document has several.
[ "$(sed -n 's/.*compressed; stream = \([0-9]*\).*/\1/p' xref.txt | sort -u | wc -l)" -gt 1 ] ||
    problem "long.pdf: all its objects in one object stream"
pdftotext -f "${pages:-1}" -l "${pages:-1}" long.pdf last.txt 2>/dev/null
grep -q "— ${pages:-?} —" last.txt || problem "the last page does not carry its number ${pages:-?}"

report 7400 >longer.yaml
# Refused within 60 s and 1 GiB of address space, and a file already at the output path is
# left as it was.
echo "an earlier PDF" >longer.pdf
expect_status 1 limited 60 1024 "$NB" render longer.yaml -o longer.pdf
grep -v ': warning: ' err.txt >errors.txt
printf '%s\n' 'longer.yaml: error: the document would be longer than 1000 pages; a report is a few dozen' >want.txt
cmp -s errors.txt want.txt || problem "refusal: got '$(cat errors.txt)'"
[ "$(cat longer.pdf)" = "an earlier PDF" ] || problem "longer.pdf was written over"

# In a batch the over-long report fails and the other one is written.
mkdir in
cp longer.yaml in/
cp "$NB_SOURCE/tests/bad/valid.yaml" in/
expect_status 1 limited 120 2048 "$NB" batch in -o out -j 1
[ -s out/valid.pdf ] || problem "batch: valid.yaml was not written beside the over-long report"
[ -e out/longer.pdf ] && problem "batch: the over-long report was written"

finish
