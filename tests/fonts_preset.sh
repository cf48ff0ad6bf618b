#!/bin/sh
# `fonts: government` and `--fonts government` (issue 12): without the agencies' own fonts,
# each role named in a warning with the bundled font it falls back to, and the PDF set in the
# bundled ones (the title in Noto Serif CJK SC Black, page-number digits in the body's Latin
# face); with a stand-in "仿宋_GB2312" installed (FandolFang renamed, found through a
# FONTCONFIG_FILE that adds its folder), the body and tables use it and no warning names it.
# A preset other than government is bad input.
. "$NB_SOURCE/tests/lib.sh"
need pdffonts
workdir

render seed.yaml plain.pdf
pdffonts plain.pdf >plain.fonts
grep -q '+NotoSerifCJKsc-Black ' plain.fonts || problem "the title is not in Noto Serif CJK SC Black"
grep -q 'FandolSong-Bold' plain.fonts && problem "FandolSong-Bold embedded though the title face has every character"
size=$(wc -c <plain.pdf)
[ "$size" -lt 307200 ] || problem "the seed's PDF is $size bytes, more than 300 KB"

render seed.yaml cli.pdf --fonts government
for f in 方正小标宋简体 黑体 楷体_GB2312 仿宋_GB2312; do
    grep -q "fonts: government: $f is not installed; the .* role uses the bundled " cli.pdf.stderr ||
        problem "no warning names $f: $(cat cli.pdf.stderr)"
done
cmp -s cli.pdf plain.pdf || problem "without the fonts, --fonts government changed the PDF"

sed 's/^layout:/fonts: government\nlayout:/' "$NB_SOURCE/samples/seed.yaml" >gov.yaml
render gov.yaml gov.pdf
grep -q 'gov.yaml:[0-9]*:[0-9]*: warning: fonts: government: 仿宋_GB2312 is not installed' \
    gov.pdf.stderr || problem "no positioned warning for fonts: government: $(cat gov.pdf.stderr)"

expect_status 2 "$NB" render "$(sample seed.yaml)" -o bad.pdf --fonts ministry
grep -q -- '--fonts takes government' err.txt || problem "--fonts ministry: $(cat err.txt)"

# A stand-in 仿宋_GB2312, installed for this test only.
need_python
FT=$PY
for candidate in "$PY" /usr/bin/python3; do
    if "$candidate" -c 'import fontTools' 2>/dev/null; then FT=$candidate; break; fi
done
mkdir stand-in
st=0
"$FT" "$NB_TOOLS/renamefont.py" "$NB_SOURCE/fonts/FandolFang-Regular.otf" \
    "$NB_SOURCE/samples/seed.yaml" stand-in/fangsong.otf 仿宋_GB2312 FangSong_GB2312 || st=$?
if [ "$st" -eq 0 ]; then
    cat >fonts.conf <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$PWD/stand-in</dir><cachedir>$PWD/cache</cachedir></fontconfig>
CONF
    FONTCONFIG_FILE=$PWD/fonts.conf render seed.yaml installed.pdf --fonts government
    pdffonts installed.pdf >installed.fonts
    grep -q '+FangSong_GB2312 ' installed.fonts ||
        problem "the installed 仿宋_GB2312 is not used: $(cat installed.fonts)"
    grep -q '仿宋_GB2312 is not installed' installed.pdf.stderr &&
        problem "a warning names the installed 仿宋_GB2312"
    grep -q '方正小标宋简体 is not installed' installed.pdf.stderr ||
        problem "the missing 方正小标宋简体 is not named"
elif [ "$st" -ne 77 ]; then
    problem "renamefont.py exited $st"
fi

finish
