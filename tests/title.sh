#!/bin/sh
# Title line breaks (GB/T 9704 7.3.1; issue 12), read back through MuPDF by
# tests/tools/titles.py: for the seed and 16 variants (eight agency names from 6 to 21
# characters, each with the default title and with "…2025年度政府信息公开工作报告"), the title
# keeps every word of layouts/title-words.txt whole (年度 among them), never cuts a number from
# its 年, never cuts a name the list does not know except after a place ending (市, 区 …), has
# one to three lines and never sets a long line over a short one (three lines may form a
# diamond). Long names must take three lines. Counter-case: with a word list that holds
# "湛河区人力资源和社会保障局", the check must find the break 平顶山市湛河区 | 人力资源… inside it.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python yaml
workdir
words="$NB_SOURCE/layouts/title-words.txt"

render seed.yaml seed.pdf
"$PY" "$NB_TOOLS/titles.py" check seed.pdf "$words" 湛河区人社局2025年政府信息公开工作年度报告 \
    >seed.title 2>&1 || problem "seed: $(cat seed.title)"

mkdir t
"$PY" "$NB_TOOLS/titles.py" variants "$(sample seed.yaml)" t >t/list || fail "no variants"
three=0
while read -r name title; do
    render "t/$name.json" "t/$name.pdf"
    "$PY" "$NB_TOOLS/titles.py" check "t/$name.pdf" "$words" "$title" >"t/$name.title" 2>&1 ||
        problem "$(cat "t/$name.title")"
    if [ "$(grep -o ' / ' "t/$name.title" | wc -l)" -eq 2 ]; then three=$((three + 1)); fi
done <t/list
[ "$three" -ge 2 ] || problem "no long agency name made a three-line title ($three)"

# The check can fail: a word list that forbids the break the program made.
cp "$words" strict.txt
echo 湛河区人力资源和社会保障局 >>strict.txt
st=0
"$PY" "$NB_TOOLS/titles.py" check t/t06.pdf strict.txt >strict.out 2>&1 || st=$?
[ "$st" -eq 1 ] && grep -q 'breaks inside a word' strict.out ||
    problem "a break inside a listed word was not found (exit $st): $(cat strict.out)"

finish
