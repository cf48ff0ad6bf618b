#!/bin/sh
# conform.py itself: the seed's real PDF, read through MuPDF, is clean; the same text extraction
# doctored to break one rule at a time (tests/tools/stextdoctor.py) is caught with the right
# message, so the conformance test can fail. Grid cases run on the seed in the default grid
# style; compact ones on the seed rendered with `style: compact`, checked with --style compact.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python
workdir

render seed.yaml seed.pdf
mutool draw -q -F stext -o seed.xml seed.pdf 2>/dev/null || fail "mutool draw -F stext failed"
sed 's/^layout:/style: compact\nlayout:/' "$NB_SOURCE/samples/seed.yaml" >compact.yaml
grep -q '^style: compact' compact.yaml || fail "could not make a compact copy of the seed"
render compact.yaml compact.pdf
mutool draw -q -F stext -o compact.xml compact.pdf 2>/dev/null || fail "mutool draw -F stext failed"

# style  case  exit  text the report must contain
while read -r style name want text; do
    st=0
    "$PY" "$NB_TOOLS/stextdoctor.py" "$name" <$([ "$style" = grid ] && echo seed || echo compact).xml \
        >"$name.xml" || st=$?
    if [ "$st" -ne 0 ]; then
        problem "$name: stextdoctor exited $st (no place to break the rule in the seed?)"
        continue
    fi
    status=0
    "$PY" "$NB_TOOLS/conform.py" --style "$style" --stext "$name.xml" >"$name.txt" 2>&1 ||
        status=$?
    if [ "$status" -ne "$want" ]; then
        problem "$name: conform.py exited $status, expected $want: $(head -20 "$name.txt")"
    elif [ "$text" = "-" ]; then
        [ -s "$name.txt" ] && problem "$name: conform.py reported: $(head -20 "$name.txt")"
    elif ! grep -q -- "$text" "$name.txt"; then
        problem "$name: no '$text' in: $(head -20 "$name.txt")"
    fi
done <<'CASES'
grid clean 0 -
grid squeeze 1 their cells overlap
grid end-half 1 in half a cell
grid gap 1 expected a quarter 字
grid font-body 1 expected FandolFang-Regular for body text
grid font-h1 1 expected FandolHei-Regular for 一、 heading
grid font-h2 1 expected FandolKai-Regular for （一） heading
grid title-font 1 expected NotoSerifCJKsc-Black for the title
grid title-size 1 the first line is not a 22 pt title
grid folio-digits 1 expected the body's Latin face
grid folio-font 1 page number glyph '—' in FandolFang-Regular, expected FandolSong-Regular
grid not-flush 1 a full line is flush
grid gu-zi 1 (孤字)
grid heading-foot 1 is a heading at the foot of the page
grid orphan 1 a paragraph's first line alone at the foot of the page
compact clean 0 -
compact pair 1 not compressed to 1.5
compact not-flush 1 a full line is flush
CASES

finish
