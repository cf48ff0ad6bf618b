#!/bin/sh
# The portal page's title breaks only where the PDF's may (GB/T 9704 7.3.1: words stay whole).
# For the seed, the 16 title variants of tests/title.sh (agency names of 6 to 21 characters)
# and titles with brackets and with a typed line break (a <br>), tests/tools/titles.py html
# reads the page's <h1>: set with word-break: keep-all, a <wbr> only where the unit cut of
# layouts/title-words.txt allows a break (never inside 年度, a number with its 年, or a name
# the list does not know), none next to a closing or opening mark, and a <wbr> (or the typed
# <br>) at every line break of the same report's PDF title. Counter-cases: a <wbr> put inside
# 年度 and a heading without keep-all are caught. In headless Chromium (skipped when absent) at
# 320, 768 and 1280 px, tests/tools/titlebreaks.js finds every line of the heading starting at
# a <wbr> (or the <br>), and at 320 px the titles do take three lines or more.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python yaml
workdir
words="$NB_SOURCE/layouts/title-words.txt"
titles() { "$PY" "$NB_TOOLS/titles.py" "$@"; }

mkdir t
titles variants "$(sample seed.yaml)" t >t/list || fail "no variants"
cp "$(sample seed.yaml)" t/seed.yaml
echo "seed 湛河区人社局2025年政府信息公开工作年度报告" >>t/list
# A title with brackets, and one with a line break typed in it (the only break then).
"$PY" - t <<'EOF' >>t/list
import json, sys
r = json.load(open(sys.argv[1] + "/t03.json", encoding="utf-8"))
for name, title in (("b1", "中共湛河区委办公室（湛河区人民政府办公室）2025年政府信息公开工作年度报告"),
                    ("n1", "湛河区人力资源和社会保障局\n2025年政府信息公开工作年度报告")):
    r["title"] = title
    json.dump(r, open("%s/%s.json" % (sys.argv[1], name), "w", encoding="utf-8"), ensure_ascii=False)
    print(name, title.replace("\n", ""))
EOF

while read -r name title; do
    src=t/$name.json
    [ -f "$src" ] || src=t/$name.yaml
    render "$src" "t/$name.pdf"
    render "$src" "t/$name.html" --format html
    titles html "t/$name.html" "$words" "t/$name.pdf" >"t/$name.out" 2>&1 ||
        problem "$(cat "t/$name.out")"
done <t/list
grep -q '<h1>湛河区<wbr>人力资源和社会保障局<br>2025年<wbr>' t/n1.html ||
    problem "the typed line break is not a <br>: $(grep '<h1>' t/n1.html)"

# The check is not a rubber stamp.
sed 's#年度报告</h1>#年<wbr>度报告</h1>#' t/seed.html >inside.html
sed 's#word-break:keep-all;##' t/seed.html >nokeep.html
for d in inside nokeep; do
    cmp -s t/seed.html $d.html && problem "$d: the doctoring changed nothing"
    titles html $d.html "$words" >$d.out 2>&1 && problem "$d: titles.py accepted it: $(cat $d.out)"
done

if ! command -v chromium >/dev/null 2>&1; then
    echo "skip (browser part): chromium is not installed" >&2
    finish
fi
cp "$NB_TOOLS/titlebreaks.js" t/
multi=0
for name in seed t07 t11 t15 b1 n1; do
    sed 's#</body>#<script src="titlebreaks.js"></script></body>#' "t/$name.html" >"t/$name.probe.html"
    for width in 320 768 1280; do
        timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$NB_WORK/profile" --allow-file-access-from-files \
            --window-size=$width,1200 --virtual-time-budget=5000 \
            --dump-dom "file://$NB_WORK/t/$name.probe.html?width=$width" >"t/$name.$width.dom" 2>/dev/null
        titles browser "t/$name.$width.dom" "t/$name.html" >"t/$name.$width.out" 2>&1 ||
            problem "$(cat "t/$name.$width.out")"
        if [ $width = 320 ] && grep -q 'lines start at \[[0-9]*, [0-9]' "t/$name.$width.out"; then
            multi=$((multi + 1))
        fi
    done
done
# Without keep-all the browser breaks inside words, and the check says so.
cp nokeep.html t/nokeep.html
sed 's#</body>#<script src="titlebreaks.js"></script></body>#' t/nokeep.html >t/nokeep.probe.html
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$NB_WORK/profile" --allow-file-access-from-files --virtual-time-budget=5000 \
    --dump-dom "file://$NB_WORK/t/nokeep.probe.html?width=320" >t/nokeep.dom 2>/dev/null
titles browser t/nokeep.dom t/nokeep.html >nokeep.browser 2>&1 &&
    problem "without keep-all the browser kept the words whole, or the check missed it: $(cat nokeep.browser)"
[ "$multi" -ge 5 ] || problem "at 320 px only $multi of 6 titles broke a line (the width did not apply?)"

finish
