#!/bin/sh
# A character beyond the BMP (𠮷, CJK Extension B) in a paragraph, with the body role given a font
# file that has it after FandolFang: it renders, is embedded, and pdftotext gives it back.
. "$NB_SOURCE/tests/lib.sh"
need pdftotext pdffonts
need_python yaml
hanamin=/usr/share/fonts/truetype/hanazono/HanaMinB.ttf
if [ ! -f "$hanamin" ]; then
    echo "skip: $hanamin is missing (Debian package fonts-hanazono)" >&2
    exit 77
fi
workdir

"$PY" "$NB_TOOLS/report.py" variant "$(sample seed.yaml)" extb.yaml \
    --prepend "fonts: {body: [FandolFang, $hanamin]}" --char '𠮷' >where.txt ||
    fail "could not make a report with an Ext-B character"
# The font file is outside the report's folder: the operator allows its folder.
render extb.yaml extb.pdf --allow-dir "$(dirname "$hanamin")"

pdftotext -enc UTF-8 extb.pdf extb.txt 2>pdftotext.err || problem "pdftotext failed"
[ -s pdftotext.err ] && problem "pdftotext wrote to stderr: $(head -c 500 pdftotext.err)"
grep -q '𠮷' extb.txt || problem "pdftotext does not give 𠮷 back"
"$PY" "$NB_TOOLS/report.py" prose extb.yaml extb.txt || problem "the PDF's text is not the report's"

# HanaMinB has TrueType outlines: embedded as a CIDFontType2 subset with a ToUnicode map.
pdffonts extb.pdf >fonts.txt 2>&1 || problem "pdffonts failed"
grep -E -q '^[A-Z]{6}\+HanaMinB +CID TrueType +Identity-H +yes +yes +yes ' fonts.txt ||
    problem "HanaMinB is not embedded as a CID TrueType subset with ToUnicode: $(cat fonts.txt)"

finish
