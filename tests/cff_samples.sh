#!/bin/sh
# The samples with their CFF fonts subset by cff.c (as render writes them) and by hb-subset
# (the path cff.c replaced, which keeps the source fonts' CIDs where cff.c numbers a subset's
# glyphs 0 .. n - 1), both written in one process by tests/unit/cff_samples.c: every font
# embedded as a subset with ToUnicode (pdffonts), qpdf --check clean, the same text as three
# readers extract it (pdftotext; MuPDF; Ghostscript, whose 10.00-10.02 misread a ToUnicode
# bfrange with an array of destinations) and the same pixels on every page at 80 dpi
# (pdftoppm).
. "$NB_SOURCE/tests/lib.sh"
need pdffonts pdftotext pdftoppm qpdf mutool gs
unit="${NB_BUILD:-$(dirname "$NB")}/tests/unit_cff_samples"
[ -x "$unit" ] || fail "missing $unit (built with the unit tests)"
workdir

"$unit" "$PWD" || fail "unit_cff_samples"
n=0
for own in *.pdf; do
    case $own in *.hb.pdf) continue ;; esac
    base=${own%.pdf}
    hb=$base.hb.pdf
    [ -s "$hb" ] || { problem "$base: no hb-subset twin"; continue; }
    n=$((n + 1))
    for f in "$own" "$hb"; do
        qpdf --check "$f" >qpdf.out 2>&1 || problem "$f: qpdf --check: $(tail -3 qpdf.out)"
    done
    pdffonts "$own" | tail -n +3 >fonts.rows
    [ -s fonts.rows ] || problem "$base: pdffonts lists no font"
    awk '{ if ($(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes") bad = 1 }
         END { exit bad }' fonts.rows || problem "$base: a font is not emb/sub/uni: $(cat fonts.rows)"
    grep -q 'CID Type 0C' fonts.rows || problem "$base: no CFF font"
    pdftotext -enc UTF-8 "$own" own.txt && pdftotext -enc UTF-8 "$hb" hb.txt ||
        problem "$base: pdftotext"
    cmp -s own.txt hb.txt || problem "$base: the text differs from hb-subset's"
    for f in own hb; do
        pdf=$own
        [ $f = hb ] && pdf=$hb
        mutool draw -q -F txt -o $f.mu.txt "$pdf" 2>/dev/null || problem "$pdf: mutool draw"
        gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=txtwrite -sOutputFile=$f.gs.txt "$pdf" ||
            problem "$pdf: gs txtwrite"
    done
    cmp -s own.mu.txt hb.mu.txt || problem "$base: MuPDF's text differs from hb-subset's"
    cmp -s own.gs.txt hb.gs.txt || problem "$base: Ghostscript's text differs from hb-subset's"
    for f in own.mu.txt own.gs.txt; do
        grep -q '报告' $f || problem "$base: no 报告 in $f"
    done
    rm -f own-*.ppm hb-*.ppm
    pdftoppm -r 80 "$own" own && pdftoppm -r 80 "$hb" hb || problem "$base: pdftoppm"
    pages=0
    for page in own-*.ppm; do
        [ -f "$page" ] || continue
        pages=$((pages + 1))
        cmp -s "$page" "hb-${page#own-}" || problem "$base: page ${page#own-} differs from hb-subset's"
    done
    [ "$pages" -gt 0 ] || problem "$base: pdftoppm rendered no page"
    [ "$(ls hb-*.ppm | wc -l)" -eq "$pages" ] || problem "$base: page counts differ"
done
[ "$n" -ge 3 ] || problem "only $n samples written"
finish
