#!/bin/sh
# nianbao check, sanity rules (docs/check.md, "The report against itself"): each rule with a
# report that breaks it, the finding's rule id and file:line:col compared exactly in English
# and in Chinese, a message compared word for word in each language; --previous refused for the
# same file, another agency or another year before any cross-year rule runs.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

DATA=$NB_SOURCE/tests/data/check
CELLS="$PY $NB_TOOLS/cells.py"
cp "$DATA/prose.yaml" p.yaml

# findings JSONFILE: "rule line:col" of each finding, one a line.
findings() {
    "$PY" - "$1" <<'PYEOF'
import json, sys
for f in json.load(open(sys.argv[1], encoding="utf-8")):
    print(f["rule"], "%d:%d" % (f["line"], f["column"]))
PYEOF
}

# case NAME FILE WANT-RC [ARGS...]: the findings of FILE (rule and place), in both languages,
# must be want.txt; the exit code WANT-RC.
case_() {
    name=$1 file=$2 want_rc=$3
    shift 3
    for lang in en zh; do
        rc=0
        "$NB" check --lang $lang --format json "$file" "$@" >out.json || rc=$?
        [ "$rc" -eq "$want_rc" ] || problem "$name ($lang): exit code $rc, expected $want_rc"
        findings out.json >got.txt
        cmp -s want.txt got.txt || problem "$name ($lang): findings differ (expected, then actual):
$(cat want.txt)
---
$(cat got.txt)"
    done
}

# line FILE EN ZH: both messages of FILE's first finding, exactly.
line() {
    "$NB" check --lang en "$1" >en.txt 2>&1 || true
    "$NB" check --lang zh "$1" >zh.txt 2>&1 || true
    [ "$(head -n 1 en.txt)" = "$2" ] || problem "$1 (en): $(head -n 1 en.txt)
expected $2"
    [ "$(head -n 1 zh.txt)" = "$3" ] || problem "$1 (zh): $(head -n 1 zh.txt)
expected $3"
}

# ---- the title names another year ----------------------------------------------------------
sed 's/^year: 2024$/year: 2024\ntitle: 淮安市洪泽区人民政府2023年政府信息公开工作年度报告/' p.yaml >title.yaml
at=$($CELLS text title.yaml 2023年政府)
echo "sanity.title_year $at" >want.txt
case_ "title year" title.yaml 0
line title.yaml "title.yaml:$at: warning: the title names the year 2023, but the report is for 2024 (year)" \
    "title.yaml:$at: 警告: 标题写的是 2023 年，但报告年度（year）为 2024"

# ---- dated before the year ends, or after 1月31日 ------------------------------------------------
sed 's/^date: 2025-01-31$/date: 2024-12-30/' p.yaml >early.yaml
at=$($CELLS text early.yaml 2024-12-30)
echo "sanity.date_early $at" >want.txt
case_ "date early" early.yaml 0
line early.yaml "early.yaml:$at: warning: the report is dated 2024-12-30, before its year 2024 has ended" \
    "early.yaml:$at: 警告: 成文日期为 2024-12-30，早于 2024 年度结束"
sed 's/^date: 2025-01-31$/date: 2025-02-01/' p.yaml >late.yaml
at=$($CELLS text late.yaml 2025-02-01)
echo "sanity.date_late $at" >want.txt
case_ "date late" late.yaml 0
line late.yaml "late.yaml:$at: warning: the report is dated 2025-02-01, after the deadline of 2025-01-31 for the year 2024 (条例第四十九条)" \
    "late.yaml:$at: 警告: 成文日期为 2025-02-01，晚于 2024 年度报告的公布期限 2025-01-31（条例第四十九条）"

# ---- the signoff names another agency (its own office is fine) ----------------------------------
sed 's/^layout: gov-2021$/layout: gov-2021\nsignoff: 淮安市人民政府/' p.yaml >sign.yaml
at=$($CELLS text sign.yaml 'signoff: ' 10)
echo "sanity.signoff $at" >want.txt
case_ "signoff" sign.yaml 0
line sign.yaml "sign.yaml:$at: warning: the signoff names 淮安市人民政府, but the report is 淮安市洪泽区人民政府's (agency)" \
    "sign.yaml:$at: 警告: 落款为 淮安市人民政府，但发布机关（agency）为 淮安市洪泽区人民政府"
sed 's/^layout: gov-2021$/layout: gov-2021\nsignoff: 淮安市洪泽区人民政府办公室/' p.yaml >office.yaml
: >want.txt
case_ "signoff by the agency's office" office.yaml 0

# ---- the 2019 layout for a later year ----------------------------------------------------------
sed 's/^year: 2020$/year: 2021/; s/^date: .*$/date: 2022-01-20/' "$NB_SOURCE/samples/gov-2019-example.yaml" >old.yaml
at=$($CELLS text old.yaml 'layout: gov-2019' 9)
echo "sanity.layout_year $at" >want.txt
case_ "gov-2019 in 2021" old.yaml 0
line old.yaml "old.yaml:$at: warning: layout gov-2019 is the 2019 trial format, replaced for the reports on 2021 and later; the report is for 2021: use gov-2021" \
    "old.yaml:$at: 警告: 格式 gov-2019 为 2019 年试行格式，2021 年度起的报告已改用新格式；本报告为 2021 年度：请用 gov-2021"

# ---- a table under another section ------------------------------------------------------------
"$PY" - p.yaml moved.yaml <<'PYEOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if l.strip() == "- table: appeals")
end = next(i for i, l in enumerate(lines) if l.strip().startswith("after_review:"))
block = lines[start:end + 1]
del lines[start:end + 1]
carry = next(i for i, l in enumerate(lines) if l.strip().startswith("carry_forward:"))
lines[carry + 1:carry + 1] = block
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
PYEOF
at=$($CELLS text moved.yaml 'table: appeals' 8)
"$NB" check --format json moved.yaml >out.json || true
findings out.json | grep '^table.section' >got.txt || true
echo "table.section $at" >want.txt
cmp -s want.txt got.txt || problem "table under 三: $(cat got.txt)"
"$NB" check moved.yaml >en.txt || true
grep -qxF "moved.yaml:$at: warning: 表四 belongs under 四、政府信息公开行政复议、行政诉讼情况, not under 三、收到和处理政府信息公开申请情况" en.txt ||
    problem "table under 三 (en): $(cat en.txt)"
"$NB" check --lang zh moved.yaml >zh.txt || true
grep -qxF "moved.yaml:$at: 警告: 表四 应位于“四、政府信息公开行政复议、行政诉讼情况”之下，而不是“三、收到和处理政府信息公开申请情况”" zh.txt ||
    problem "table under 三 (zh): $(cat zh.txt)"

# ---- block keys with a full-width colon, heading-like paragraphs, headings ending in ： -----------
"$PY" - p.yaml text.yaml <<'PYEOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
first = "      # Not the counts:\n"
s = s.replace(first, "      - h2：（一）依申请公开情况\n      - （二）主动公开情况\n"
              "      - h2: （三）监督保障：\n" + first, 1)
open(sys.argv[2], "w", encoding="utf-8").write(s)
PYEOF
{
    echo "text.block_key $($CELLS text text.yaml 'h2：（一）')"
    echo "text.heading_like $($CELLS text text.yaml '（二）主动公开情况')"
    echo "text.heading_colon $($CELLS text text.yaml '保障：' 3)"
} >want.txt
case_ "block text" text.yaml 0
"$NB" check text.yaml >en.txt || true
"$NB" check --lang zh text.yaml >zh.txt || true
at=$($CELLS text text.yaml 'h2：（一）')
grep -qxF "text.yaml:$at: warning: this paragraph starts with “h2：”: a h2 block is written \`- h2: …\`, with an ASCII colon and a space" en.txt ||
    problem "block key (en): $(cat en.txt)"
grep -qxF "text.yaml:$at: 警告: 本段以“h2：”开头：h2 块应写作 \`- h2: …\`，用英文冒号并加空格" zh.txt ||
    problem "block key (zh): $(cat zh.txt)"
at=$($CELLS text text.yaml '（二）主动公开情况')
grep -qxF "text.yaml:$at: warning: this paragraph looks like a heading: write it \`- h2: （二）主动公开情况\`" en.txt ||
    problem "heading-like (en): $(cat en.txt)"

# ---- --previous: the same report, another agency, another year: refused first ---------------------
cp "$DATA/corpus-02.yaml" c02.yaml
cp "$DATA/corpus-07.yaml" c07.yaml
"$NB" check --format json c07.yaml --previous c07.yaml >out.json && problem "--previous itself: exit 0"
findings out.json | grep '^previous' >got.txt || true
echo "previous.same 0:0" >want.txt
cmp -s want.txt got.txt || problem "--previous itself: $(cat got.txt)"
cp c07.yaml copy.yaml
"$NB" check --format json c07.yaml --previous copy.yaml >out.json && problem "--previous a copy: exit 0"
findings out.json >got.txt
grep -q '^previous.same' got.txt || problem "--previous a copy of the report: not refused"
sed 's/^agency: .*$/agency: 淮安市清江浦区人民政府/' c02.yaml >other.yaml
{
    echo "previous.agency $($CELLS text other.yaml 'agency: ' 9)"
} >want.txt
"$NB" check --format json c07.yaml --previous other.yaml >out.json && problem "--previous of another agency: exit 0"
findings out.json | grep '^previous' >got.txt || true
cmp -s want.txt got.txt || problem "--previous of another agency: $(cat got.txt)"
"$NB" check --lang zh c07.yaml --previous other.yaml >zh.txt || true
grep -qxF "other.yaml:$($CELLS text other.yaml 'agency: ' 9): 错误: 上年报告的发布机关为 淮安市清江浦区人民政府，而不是 淮安市洪泽区人民政府" zh.txt ||
    problem "--previous of another agency (zh): $(cat zh.txt)"
# A later year (the 2024 report given as last year's for 2023): refused, and no cross-year
# finding follows (B5 and A1 would compare the wrong figures).
"$NB" check --format json c02.yaml --previous c07.yaml >out.json && problem "--previous of a later year: exit 0"
findings out.json >got.txt
grep -qx "previous.year $($CELLS text c07.yaml 'year: ' 7)" got.txt || problem "--previous of a later year: $(cat got.txt)"
grep -q '^B5\|^A1' got.txt && problem "cross-year rules ran against the wrong year: $(cat got.txt)"
"$NB" check c02.yaml --previous c07.yaml >en.txt || true
grep -qxF "c07.yaml:$($CELLS text c07.yaml 'year: ' 7): error: last year's report is for 2024, not for 2022" en.txt ||
    problem "--previous of a later year (en): $(cat en.txt)"

finish
