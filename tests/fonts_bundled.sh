#!/bin/sh
# fontconfig is started only when a name is not among the bundled fonts (font.c): a report set
# in the bundled fonts, rendered alone or in a batch, never calls into fontconfig, and one that
# names an installed family does and gets it. fontconfig prints "FC_DEBUG=N" the first time it
# is used when FC_DEBUG is set, which shows whether it was. That the bundled faces are read as
# fontconfig reads them: tests/unit/font_faces.c.
. "$NB_SOURCE/tests/lib.sh"
need pdffonts fc-list
workdir
seed=$(sample seed.yaml)

expect_status 0 env FC_DEBUG=1 "$NB" render "$seed" -o bundled.pdf
cat out.txt err.txt | grep -q 'FC_DEBUG=' && problem "a render in the bundled fonts started fontconfig"
pdffonts bundled.pdf >fonts.txt
for f in FandolFang-Regular FandolHei-Regular FandolKai-Regular LiberationSerif NotoSerifCJKsc-Black; do
    grep -q "+$f " fonts.txt || problem "$f not embedded: $(cat fonts.txt)"
done
# A family named by its full name, and by Family-Style, are bundled names too.
expect_status 0 env FC_DEBUG=1 "$NB" render "$seed" -o named.pdf --font "title=FandolSong Bold" \
    --font "heading1=FandolHei-Bold"
cat out.txt err.txt | grep -q 'FC_DEBUG=' && problem "bundled full names started fontconfig"
pdffonts named.pdf | grep -q '+FandolSong-Bold ' || problem "title=FandolSong Bold not used"
pdffonts named.pdf | grep -q '+FandolHei-Bold ' || problem "heading1=FandolHei-Bold not used"

mkdir in
cp "$seed" in/a.yaml
cp "$seed" in/b.yaml
expect_status 0 env FC_DEBUG=1 "$NB" batch in -o out -j 2
cat out.txt err.txt | grep -q 'FC_DEBUG=' && problem "a batch in the bundled fonts started fontconfig"
[ -s out/a.pdf ] && [ -s out/b.pdf ] || problem "the batch wrote no PDFs: $(ls out)"

# An installed family that is not bundled: fontconfig is asked, and its face embedded.
family=$(fc-list :lang=zh family | sed 's/,.*//' | grep -v -i -E '^(Fandol|Noto Serif CJK SC$)' | sort | head -1)
if [ -n "$family" ]; then
    expect_status 0 env FC_DEBUG=1 "$NB" render "$seed" -o system.pdf --font "body=$family"
    cat out.txt err.txt | grep -q 'FC_DEBUG=' || problem "--font body=$family did not ask fontconfig"
    ps=$(fc-list ":family=$family" postscriptname | sed -n 's/.*postscriptname=//p' | head -1)
    pdffonts system.pdf | grep -q "+${ps%% *}" ||
        problem "body=$family ($ps) not embedded: $(pdffonts system.pdf)"
else
    echo "note: no installed Chinese font besides the bundled ones; the fontconfig case is not run" >&2
fi
finish
