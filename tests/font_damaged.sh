#!/bin/sh
# A damaged bundled font says what is wrong with it, not that it is missing: in a copy of the
# data folder (NIANBAO_DATADIR) whose 仿宋 stand-in is truncated, has a wrong first four bytes,
# or is removed, render exits 1, writes nothing, and names the font and its trouble:
# "truncated", "not a font file", "missing" (once, though two roles use it). The intact copy renders the same PDF as the
# source tree's data.
. "$NB_SOURCE/tests/lib.sh"
workdir

seed=$(sample seed.yaml)
font=FandolFang-Regular
# An installed copy of the font (texlive's) would stand in for the damaged one.
if command -v fc-list >/dev/null 2>&1 && fc-list | grep -q "$font"; then
    echo "skip: $font is installed on the system too" >&2
    exit 77
fi
# datadir NAME: NAME/fonts (links to the bundled fonts) and NAME/layouts.
datadir() {
    mkdir -p "$1/fonts"
    cp -R "$NB_SOURCE/layouts" "$1/layouts"
    for f in "$NB_SOURCE"/fonts/*; do
        ln -s "$f" "$1/fonts/${f##*/}"
    done
}

datadir intact
status=0
NIANBAO_DATADIR=$PWD/intact "$NB" render "$seed" -o intact.pdf 2>intact.err || status=$?
sanitizer_clean intact.err
[ "$status" -eq 0 ] || fail "the intact copy of the data does not render (exit $status): $(grep error intact.err)"
"$NB" render "$seed" -o source.pdf 2>/dev/null || fail "the seed does not render"
cmp -s intact.pdf source.pdf || problem "the copy of the data renders another PDF"

# damaged NAME WANT: renders with NAME's data; exit 1, no PDF, and an error naming the font
# and matching WANT.
damaged() {
    status=0
    NIANBAO_DATADIR=$PWD/$1 "$NB" render "$seed" -o "$1.pdf" 2>"$1.err" || status=$?
    sanitizer_clean "$1.err"
    [ "$status" -eq 1 ] || problem "$1: exit $status, expected 1"
    [ ! -e "$1.pdf" ] || problem "$1: a PDF was written"
    grep -q "error: the bundled font $font $2" "$1.err" ||
        problem "$1: expected '$2', got: $(grep error "$1.err" | head -3)"
    # Two roles (body, table) use the font: it is named once.
    [ "$(grep -c "bundled font $font" "$1.err")" -eq 1 ] ||
        problem "$1: the font is named $(grep -c "bundled font $font" "$1.err") times, not once"
}

datadir truncated
rm truncated/fonts/$font.otf
head -c 200000 "$NB_SOURCE/fonts/$font.otf" >truncated/fonts/$font.otf
damaged truncated "cannot be used: font file .*$font.otf is damaged: .*past the end of the file (truncated?)"

datadir magic
rm magic/fonts/$font.otf
{ printf 'XXXX'; tail -c +5 "$NB_SOURCE/fonts/$font.otf"; } >magic/fonts/$font.otf
damaged magic "cannot be used: .*$font.otf is not a font file"

datadir removed
rm removed/fonts/$font.otf
damaged removed "is missing from .*removed/fonts"

finish
