#!/bin/sh
# Renders samples/seed.yaml and checks the PDF with readers we did not write: poppler (pdffonts,
# pdftotext, pdfinfo), qpdf, MuPDF, Ghostscript, and the geometry checker tests/tools/pdfgeom.py
# (which reads MuPDF's text extraction). Also: size limit and byte-identical output on a re-run.
. "$NB_SOURCE/tests/lib.sh"
need pdffonts pdftotext pdfinfo qpdf mutool gs
need_python yaml
workdir

seed=$(sample seed.yaml)
render "$seed" seed.pdf

# Fonts: every one embedded as a subset with a ToUnicode map, as a CID font.
pdffonts seed.pdf >fonts.txt 2>fonts.err || problem "pdffonts failed: $(cat fonts.err)"
"$PY" - fonts.txt <<'EOF' || problem "pdffonts: fonts not embedded as CID subsets with ToUnicode"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
if len(lines) < 3:
    print("pdffonts lists no font")
    sys.exit(1)
# Columns are fixed-width: take them from the dashes under the header.
spans, at = [], 0
for dashes in lines[1].split(" "):
    spans.append((at, at + len(dashes)))
    at += len(dashes) + 1
bad = 0
for line in lines[2:]:
    name, kind, enc, emb, sub, uni = (line[a:b].strip() for a, b in spans[:6])
    if kind not in ("CID Type 0C", "CID TrueType") or (emb, sub, uni) != ("yes", "yes", "yes"):
        print("font %s: type %r, emb %s, sub %s, uni %s" % (name, kind, emb, sub, uni))
        bad = 1
sys.exit(bad)
EOF

# Text: the report's prose comes back in order, and poppler has nothing to complain about.
pdftotext -enc UTF-8 seed.pdf seed.txt 2>pdftotext.err || problem "pdftotext failed"
[ -s pdftotext.err ] && problem "pdftotext wrote to stderr: $(head -c 500 pdftotext.err)"
"$PY" "$NB_TOOLS/report.py" prose "$seed" seed.txt || problem "the PDF's text is not the report's"

# Structure, and two more renderers that must not complain.
qpdf --check seed.pdf >qpdf.txt 2>qpdf.err || problem "qpdf --check: $(cat qpdf.txt qpdf.err | head -20)"
[ -s qpdf.err ] && problem "qpdf --check wrote to stderr: $(head -c 500 qpdf.err)"
# Plain PDF 1.7: the small objects in object streams, a cross-reference stream.
qpdf --show-xref seed.pdf 2>&1 | grep -q 'compressed; stream' || problem "no object streams in seed.pdf"
mutool draw -q -o /dev/null seed.pdf >/dev/null 2>mutool.err || problem "mutool draw failed"
quiet_stderr mutool.err >mutool.msg
[ -s mutool.msg ] && problem "mutool draw wrote to stderr: $(head -c 500 mutool.msg)"
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage seed.pdf >gs.txt 2>&1 || problem "gs failed"
[ -s gs.txt ] && problem "Ghostscript printed: $(head -c 500 gs.txt)"

# GB/T 9704 geometry, read back through MuPDF.
"$PY" "$NB_TOOLS/pdfgeom.py" seed.pdf >geom.txt 2>&1 || problem "geometry: $(grep -v ': info: ' geom.txt | head -40)"

# A4 on every page (pdfinfo prints 595.28 or 595.276, depending on how the size is written).
pdfinfo -f 1 -l 100000 seed.pdf >info.txt 2>info.err || problem "pdfinfo failed"
pages=$(sed -n 's/^Pages: *//p' info.txt)
sizes=$(grep -c '^Page  *[0-9][0-9]* size: ' info.txt || true)
[ -n "$pages" ] && [ "$pages" -ge 1 ] && [ "$sizes" -eq "$pages" ] ||
    problem "pdfinfo: $pages pages, $sizes page sizes"
awk '/^Page +[0-9]+ size: / {
        w = $4; h = $6
        if (w < 595.27 || w > 595.29 || h < 841.88 || h > 841.90) { print; bad = 1 }
     } END { exit bad }' info.txt >badsize.txt || problem "pages that are not A4: $(cat badsize.txt)"

# Small: fonts are subsets, the tags in object streams.
bytes=$(wc -c <seed.pdf)
[ "$bytes" -le 307200 ] || problem "seed.pdf is $bytes bytes, more than 300 KB"

# Deterministic: the same input gives the same bytes.
render "$seed" again.pdf
cmp -s seed.pdf again.pdf || problem "two renders of the same report differ"

finish
