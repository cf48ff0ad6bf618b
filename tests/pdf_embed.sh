#!/bin/sh
# Embedded font subsets, read back by PDF readers we did not write: the document built by
# tests/unit/pdf_embed.c (CFF FandolFang/FandolSong-Bold, TrueType HanaMinA/B with 𠮷) must list
# its fonts as embedded subsets with ToUnicode, give back its exact text, pass qpdf --check,
# render in mupdf and Ghostscript without a warning, and come out byte-identical every time.
set -u
: "${NB:?NB must name the nianbao binary}" "${NB_SOURCE:?}" "${NB_WORK:?}"
unit="$(dirname "$NB")/tests/unit_pdf_embed"
if [ ! -x "$unit" ]; then
    echo "missing $unit (built with the unit tests)" >&2
    exit 1
fi
for tool in pdffonts pdftotext pdfinfo qpdf mutool gs; do
    command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed" >&2; exit 77; }
done
rm -rf "$NB_WORK" && mkdir -p "$NB_WORK" || exit 1
cd "$NB_WORK" || exit 1
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

"$unit" a.pdf || fail "unit_pdf_embed (first run)"
"$unit" b.pdf || fail "unit_pdf_embed (second run)"
[ -s a.pdf ] || { echo "FAIL: no PDF written" >&2; exit 1; }
cmp -s a.pdf b.pdf || fail "two processes wrote different bytes"

# Fonts: every one embedded, subset, with ToUnicode, of the expected types.
pdffonts a.pdf >fonts.out 2>fonts.err || fail "pdffonts exit status"
[ -s fonts.err ] && fail "pdffonts stderr: $(cat fonts.err)"
tail -n +3 fonts.out >fonts.rows
[ "$(wc -l <fonts.rows)" -eq "$(wc -l <a.pdf.fonts)" ] ||
    fail "font count: $(cat fonts.out)"
awk '{ if ($(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes") bad = 1 }
     END { exit bad }' fonts.rows || fail "a font is not emb/sub/uni: $(cat fonts.out)"
grep -c 'CID Type 0C  *Identity-H' fonts.rows >n.cff
grep -c 'CID TrueType  *Identity-H' fonts.rows >n.ttf
[ "$(cat n.cff)" -eq "$(grep -c 'Type 0C' a.pdf.fonts)" ] || fail "CID Type 0C fonts: $(cat fonts.out)"
[ "$(cat n.ttf)" -eq "$(grep -c 'TrueType' a.pdf.fonts)" ] || fail "CID TrueType fonts: $(cat fonts.out)"
# Subset tags: six capital letters and '+'.
awk '$1 !~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+/ { bad = 1 } END { exit bad }' fonts.rows ||
    fail "subset tags: $(cat fonts.out)"

# Text: exactly what was set, ignoring layout whitespace; nothing on stderr.
pdftotext -enc UTF-8 a.pdf text.out 2>text.err || fail "pdftotext exit status"
[ -s text.err ] && fail "pdftotext stderr: $(cat text.err)"
tr -d ' \n\f' <text.out >got.txt
tr -d ' \n\f' <a.pdf.txt >want.txt
cmp -s got.txt want.txt || fail "text differs: got '$(cat got.txt)' want '$(cat want.txt)'"
grep -q '𠮷' text.out || fail "U+20BB7 lost"

# Document: A4, the report's title and date, our producer.
pdfinfo a.pdf >info.out 2>info.err || fail "pdfinfo exit status"
[ -s info.err ] && fail "pdfinfo stderr: $(cat info.err)"
grep -Eq '^Page size: +595\.(28|276) x 841\.89 pts \(A4\)' info.out || fail "page size: $(grep 'Page size' info.out)"
grep -q '^Title: *某某区人社局2025年政府信息公开工作年度报告$' info.out || fail "title: $(grep Title info.out)"
grep -q '^Author: *某某区人力资源和社会保障局$' info.out || fail "author: $(grep Author info.out)"
grep -q '^Producer: *nianbao$' info.out || fail "producer: $(grep Producer info.out)"
grep -q '^CreationDate: .*2026' info.out || fail "creation date: $(grep CreationDate info.out)"
grep -q '^PDF version: *1\.7$' info.out || fail "version: $(grep version info.out)"

# Object streams (PDF 1.5): the default file has its small objects in compressed object
# streams and a cross-reference stream; qpdf, rewriting it and the classic file the same way
# (QDF: every object on its own, renumbered in order of reference), gets the same document
# byte for byte, so the packing lost or changed nothing.
[ -s a.pdf.classic ] || fail "no classic twin written"
qpdf --show-xref a.pdf >xref.out 2>&1 || fail "qpdf --show-xref: $(cat xref.out)"
grep -q 'compressed; stream = ' xref.out || fail "no object in an object stream: $(head -5 xref.out)"
qpdf --show-xref a.pdf.classic | grep -q 'compressed; stream' && fail "the classic twin has object streams"
qpdf --qdf --static-id --object-streams=disable a.pdf a.qdf 2>qdf.err || fail "qpdf --qdf: $(cat qdf.err)"
qpdf --qdf --static-id --object-streams=disable a.pdf.classic c.qdf 2>>qdf.err || fail "qpdf --qdf classic: $(cat qdf.err)"
cmp -s a.qdf c.qdf || fail "object streams changed the document (qpdf --qdf of both differ)"
[ "$(wc -c <a.pdf)" -lt "$(wc -c <a.pdf.classic)" ] || fail "object streams made no smaller file"

# The CFF fonts subset by cff.c (a.pdf) and by hb-subset (a.pdf.hb): other programs, the same
# text and the same pixels at 80 dpi.
[ -s a.pdf.hb ] || fail "no hb-subset twin written"
if command -v pdftoppm >/dev/null 2>&1; then
    pdftotext -enc UTF-8 a.pdf.hb hb.txt 2>/dev/null || fail "pdftotext of the hb-subset twin"
    cmp -s text.out hb.txt || fail "the hb-subset twin's text differs"
    pdftoppm -r 80 a.pdf own && pdftoppm -r 80 a.pdf.hb hb || fail "pdftoppm"
    n=0
    for page in own-*.ppm; do
        n=$((n + 1))
        cmp -s "$page" "hb-${page#own-}" || fail "page ${page#own-} differs from hb-subset's"
    done
    [ "$n" -gt 0 ] || fail "pdftoppm rendered no page"
fi

# Syntax and rendering by three other readers.
qpdf --check a.pdf >qpdf.out 2>&1 || fail "qpdf --check: $(cat qpdf.out)"
grep -q 'No syntax or stream encoding errors' qpdf.out || fail "qpdf: $(cat qpdf.out)"
mutool draw -q -F png -o /dev/null a.pdf >mutool.out 2>&1 || fail "mutool draw exit status"
# mupdf-tools on Debian is built without ICC support and says so; anything else is ours.
grep -v 'ICC support is not available' mutool.out | grep -v '^page ' >mutool.rest
[ -s mutool.rest ] && fail "mutool: $(cat mutool.rest)"
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage a.pdf >gs.out 2>&1 || fail "gs exit status"
[ -s gs.out ] && fail "ghostscript: $(cat gs.out)"

exit $status
