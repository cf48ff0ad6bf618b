#!/bin/sh
# batch --changed renders a report again when anything its PDF is made from changed since the
# PDF was written, and skips it otherwise: the report, the layout files its tables are bound to
# (a variant's base too), the seal and font files it names, the files its font families resolve
# to (one installed for the test through fontconfig), the bundled fonts and title word
# list (in a data folder of the test's own, NIANBAO_DATADIR), the options, and the PDF itself
# (edited since it was written). Each step edits one thing and checks which reports were rendered
# again; a skipped report's PDF is not even rewritten.
. "$NB_SOURCE/tests/lib.sh"
need_python
need pdffonts
workdir

mkdir data in
cp -R "$NB_SOURCE/fonts" "$NB_SOURCE/layouts" data/
NIANBAO_DATADIR=$PWD/data
export NIANBAO_DATADIR
# a: gov-2021; b: the variant without 其他, over its base gov-2021; c: gov-2019.
seed=$(sample seed.yaml)
cp "$(sample huaian-city-2024.yaml)" in/a.yaml
cp "$seed" in/b.yaml
cp "$(sample gov-2019-example.yaml)" in/c.yaml
grep -q '^layout: gov-2021$' in/a.yaml && grep -q '^layout: gov-2021-no-other$' in/b.yaml &&
    grep -q '^layout: gov-2019$' in/c.yaml || fail "the samples' layouts are not the ones expected"
# d: a seal and a body font of its own, beside it.
"$PY" "$NB_TOOLS/sealpng.py" rgba in/seal.png || fail "sealpng.py rgba"
cp data/fonts/FandolSong-Regular.otf in/own.otf
sed "s|^signoff: .*|&\nseal: seal.png\nfonts:\n  body: own.otf|" "$seed" >in/d.yaml
grep -q '^seal: seal.png' in/d.yaml || fail "could not give d.yaml a seal"
# e: a body font named by family, installed for this test only (FandolFang renamed, found
# through a FONTCONFIG_FILE that adds its folder).
FT=$PY
for candidate in "$PY" /usr/bin/python3; do
    if "$candidate" -c 'import fontTools' 2>/dev/null; then FT=$candidate; break; fi
done
mkdir installed
"$FT" "$NB_TOOLS/renamefont.py" "$NB_SOURCE/fonts/FandolFang-Regular.otf" "$seed" \
    installed/test-fang.otf 测试仿宋 TestFang || fail "renamefont.py could not make a stand-in"
cat >fonts.conf <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$PWD/installed</dir><cachedir>$PWD/cache</cachedir></fontconfig>
CONF
FONTCONFIG_FILE=$PWD/fonts.conf
export FONTCONFIG_FILE
sed "s|^signoff: .*|&\nfonts:\n  body: 测试仿宋|" "$seed" >in/e.yaml
grep -q '^  body: 测试仿宋' in/e.yaml || fail "could not give e.yaml a font family"

# run STEP [OPTION...]: a batch run with --changed; STEP.txt lists "NAME STATUS" per report.
run() {
    step=$1
    shift
    rc=0
    "$NB" batch --changed -o out "$@" in >"$step.out" 2>"$step.err" || rc=$?
    sanitizer_clean "$step.err"
    [ "$rc" -eq 0 ] || problem "$step: batch exited $rc: $(grep -v ': warning: ' "$step.err" | head -5)"
    "$PY" - out/batch-report.json >"$step.txt" <<'EOF' || problem "$step: no readable batch-report.json"
import json, os, sys
for r in json.load(open(sys.argv[1]))["reports"]:
    print(os.path.basename(r["input"]), r["status"])
EOF
}
# rendered STEP NAME...: exactly these reports were rendered again, the others skipped.
rendered() {
    step=$1
    shift
    for name in a b c d e; do
        want=unchanged
        for r in "$@"; do [ "$r" = "$name" ] && want=rendered; done
        got=$(sed -n "s/^$name.yaml //p" "$step.txt")
        case $want/$got in
        unchanged/unchanged | rendered/written | rendered/warnings) ;;
        *) problem "$step: $name.yaml is '$got', expected $want" ;;
        esac
    done
}
stamp() { ls -li --time-style=full-iso out/*.pdf >"$1.stamp"; }

run 1
rendered 1 a b c d e
pdffonts out/e.pdf | grep -q '+TestFang ' || problem "e.pdf does not use the installed family"
run 2
rendered 2
stamp 2
run 3
rendered 3
stamp 3
cmp -s 2.stamp 3.stamp || problem "a skipped report's PDF was rewritten: $(diff 2.stamp 3.stamp)"

# The layouts: only the reports bound to the file edited (a comment changes no rule, but the
# program cannot know that without reading it).
echo '# edited' >>data/layouts/gov-2019.yaml
run layout-2019
rendered layout-2019 c
echo '# edited' >>data/layouts/gov-2021-no-other.yaml
run layout-variant
rendered layout-variant b d e
echo '# edited' >>data/layouts/gov-2021.yaml
run layout-base
rendered layout-base a b d e

# The report's own files, by content: a new seal, a different font under the same name.
"$PY" "$NB_TOOLS/sealpng.py" palette in/seal.png || fail "sealpng.py palette"
run seal
rendered seal d
cp data/fonts/FandolKai-Regular.otf in/own.otf
run own-font
rendered own-font d
touch -d '2001-01-01 00:00:00' in/own.otf
run own-font-touched
rendered own-font-touched

# A font named by family, by the file it resolves to: touched, then replaced by another font
# under the same family name.
touch -d '2001-01-01 00:00:00' installed/test-fang.otf
run family-touched
rendered family-touched e
"$FT" "$NB_TOOLS/renamefont.py" "$NB_SOURCE/fonts/FandolKai-Regular.otf" "$seed" \
    installed/test-fang.otf 测试仿宋 TestFang || fail "renamefont.py could not replace the stand-in"
touch -d '2001-01-01 00:00:00' installed/test-fang.otf
run family-replaced
rendered family-replaced e
run family-again
rendered family-again

# The bundled data: a font touched (its time), the title word list edited.
touch -d '2001-01-01 00:00:00' data/fonts/LiberationSerif-Regular.ttf
run bundled-font
rendered bundled-font a b c d e
run again
rendered again
echo '政府信息公开' >>data/layouts/title-words.txt
run title-words
rendered title-words a b c d e

# The report itself.
sed -i 's/^agency: \(.*\)$/agency: \1/' in/a.yaml # new file, same bytes
run report-same-bytes
rendered report-same-bytes
echo '# edited' >>in/c.yaml
run report-edited
rendered report-edited c

# The options.
run copies --copies 2
rendered copies a b c d e
run copies-again --copies 2
rendered copies-again

# An output edited since it was written (one byte, the size and the name kept): its report is
# rendered again, back to the PDF it was; the others are not.
cp out/b.pdf b.before
printf 'X' | dd of=out/b.pdf bs=1 seek=1000 conv=notrunc 2>/dev/null
cmp -s out/b.pdf b.before && fail "could not edit out/b.pdf"
run pdf-edited --copies 2
rendered pdf-edited b
cmp -s out/b.pdf b.before || problem "the PDF rendered again after an edit differs from the one it had"
finish
