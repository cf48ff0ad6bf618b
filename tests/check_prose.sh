#!/bin/sh
# nianbao check, the text against the tables (layouts/statements.yaml): a fixture stating 19
# figures of 18 kinds in 件 条 起 个 人次 万元 元 and a claim, ten agreeing with the tables and nine not,
# gives exactly the nine contradictions (rule id and place) in English and in Chinese; the
# approximate figures (7700余条, 约50件) never raise one; lower bounds (余, 超过); claims that a
# figure is 0 (均获维持, 未发生行政复议) against the counts; --verbose lists every statement with
# what it was compared with. Counts in Chinese numerals (prose-numerals.yaml) are read and
# compared the same way; words that contain a numeral (一些, 十分, 统一) are not.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

DATA=$NB_SOURCE/tests/data/check
CELLS="$PY $NB_TOOLS/cells.py"
cp "$DATA/prose-kinds.yaml" k.yaml

# findings JSONFILE [SEVERITY]: "rule line:col" of each finding (of that severity), one a line.
findings() {
    "$PY" - "$@" <<'PYEOF'
import json, sys
for f in json.load(open(sys.argv[1], encoding="utf-8")):
    if len(sys.argv) < 3 or f["severity"] == sys.argv[2]:
        print(f["rule"], "%d:%d" % (f["line"], f["column"]))
PYEOF
}
at() { $CELLS text k.yaml "$1" "${2:-1}"; }

# ---- exactly the nine contradictions, in both languages -------------------------------------
{
    echo "prose.permits $(at 决定447229个 3)"
    echo "prose.penalties $(at 决定3985759件 3)"
    echo "prose.closed $(at 申请3051件 3)"
    echo "prose.carry_forward $(at 办理104件 3)"
    echo "prose.unavailable $(at 提供780件 3)"
    echo "prose.natural_persons $(at 申请3002人次 3)"
    echo "prose.review $(at 案件350起 3)"
    echo "prose.pending $(at 审结45件 3)"
    echo "claim.all_upheld $(at 其余案件均获维持 5)"
} >want.txt
for lang in en zh; do
    rc=0
    "$NB" check --lang $lang --format json k.yaml >k-$lang.json || rc=$?
    [ "$rc" -eq 0 ] || problem "prose ($lang): exit code $rc (warnings only), expected 0"
    findings k-$lang.json >got.txt
    cmp -s want.txt got.txt || problem "prose ($lang): findings differ (expected, then actual):
$(cat want.txt)
---
$(cat got.txt)"
done
# Messages exactly, in each language.
"$NB" check --lang en k.yaml >en.txt || true
"$NB" check --lang zh k.yaml >zh.txt || true
L3=$($CELLS pos k.yaml review 5)
want="k.yaml:$(at 案件350起 3): warning: the text gives 行政复议 cases as 350起, but 表四 行政复议 总计 is 351 (line ${L3%:*}, column ${L3#*:})"
grep -qxF "$want" en.txt || problem "prose (en): no line
$want
in
$(cat en.txt)"
want="k.yaml:$(at 案件350起 3): 警告: 正文称行政复议案件为 350起，但表四 行政复议 总计 为 351（第 ${L3%:*} 行第 ${L3#*:} 列）"
grep -qxF "$want" zh.txt || problem "prose (zh): no line
$want
in
$(cat zh.txt)"
L1=$($CELLS pos k.yaml new 1)
want="k.yaml:$(at 申请3002人次 3): warning: the text gives applications from natural persons as 3002人次, but 表三 一、本年新收政府信息公开申请数量 / 自然人 is 3001 (line ${L1%:*}, column ${L1#*:})"
grep -qxF "$want" en.txt || problem "prose (en): no line $want"

# ---- --verbose: every statement, with what it was compared with ------------------------------
"$NB" check --verbose --format json k.yaml >v.json 2>/dev/null || true
findings v.json note >notes.txt
[ "$(wc -l <notes.txt)" -eq 12 ] ||
    problem "--verbose: $(wc -l <notes.txt) notes, expected 12 (each agreeing or uncompared statement): $(cat notes.txt)"
"$NB" check -v k.yaml >v.txt 2>/dev/null || true
grep -qxF "k.yaml:$(at 信息7700余条 3): note: the text gives items of information made public proactively as 7700余条: not compared: the tables have no figure for it" v.txt ||
    problem "--verbose: 7700余条 not listed as not compared: $(grep 7700 v.txt)"
grep -qxF "k.yaml:$(at 申请约50件 4): note: the text gives applications received as 约50件: not compared: an approximate figure" v.txt ||
    problem "--verbose: 约50件 not listed as an approximate figure: $(grep 50件 v.txt)"
grep -qF "k.yaml:$(at 为961716000元 2): note: the text gives administrative fees (行政事业性收费) as 961716000元: it agrees with 表二 行政事业性收费 / 本年收费金额（单位：万元） is 96171.6" v.txt ||
    problem "--verbose: the fee in 元 is not compared with 万元: $(grep 元 v.txt)"
# Without --verbose no note.
grep -q ': note: ' en.txt && problem "notes without --verbose"

# ---- approximations and lower bounds ----------------------------------------------------------
# 约5000件 stays uncompared whatever the tables say; a lower bound the table meets (3000余件) is
# no finding, one it does not meet (超过4000000件) is one, at the number.
$CELLS replace k.yaml 申请约50件 申请约5000件 >a.yaml
$CELLS replace a.yaml 办结申请3051件 办结申请3000余件 >b.yaml
$CELLS replace b.yaml 决定3985759件 决定超过4000000件 >c.yaml
"$NB" check --format json c.yaml >c.json || true
findings c.json >got.txt
grep -q "prose.received\|prose.closed" got.txt && problem "约5000件 or 3000余件 raised a finding: $(cat got.txt)"
grep -qx "prose.penalties $($CELLS text c.yaml 超过4000000件 3)" got.txt ||
    problem "超过4000000件 against 3985758: no finding at the number: $(cat got.txt)"
"$NB" check c.yaml >c.txt || true
grep -qF "warning: the text gives 行政处罚 decisions as 超过4000000件, at least, but 表二 行政处罚 / 本年处理决定数量 is 3985758" c.txt ||
    problem "lower bound message: $(grep 行政处罚 c.txt)"

# ---- claims: 均获维持 with every case upheld, 未发生行政复议 with none --------------------------
"$PY" - k.yaml up.yaml <<'PYEOF'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r"review:( *)\[[^]]*\]", r"review:\1[0, 0, 0, 0, 0]", s)
s = re.sub(r"direct:( *)\[[^]]*\]", r"direct:\1[26, 0, 0, 0, 26]", s)
s = re.sub(r"after_review:( *)\[[^]]*\]", r"after_review:\1[20, 0, 0, 0, 20]", s)
s = s.replace("全年发生行政复议案件350起，行政诉讼案件46起。", "全年未发生行政复议，行政诉讼案件46起。")
s = s.replace("全部案件中结果维持97件，尚未审结45件，其余案件均获维持。", "行政诉讼案件均获维持。")
open(sys.argv[2], "w", encoding="utf-8").write(s)
PYEOF
"$NB" check --format json up.yaml >up.json || true
findings up.json >got.txt
grep -q "claim\.\|prose.review\|prose.litigation" got.txt && problem "agreeing claims raised: $(cat got.txt)"
"$NB" check -v up.yaml >up.txt 2>/dev/null || true
grep -qF "note: the text says no 行政复议 case (“未发生行政复议”): it agrees with the tables" up.txt ||
    problem "未发生行政复议: not listed as agreeing: $(grep 行政复议 up.txt)"
# The same claims against tables that contradict them.
$CELLS set up.yaml review 1 2 >u1.yaml
$CELLS set u1.yaml review 5 2 >u2.yaml
$CELLS set u2.yaml direct 4 1 >u3.yaml
$CELLS set u3.yaml direct 1 25 >u4.yaml
"$NB" check --format json u4.yaml >u4.json || true
findings u4.json | grep '^claim' >got.txt
{
    echo "claim.no_review $($CELLS text u4.yaml 未发生行政复议)"
    echo "claim.all_upheld $($CELLS text u4.yaml 案件均获维持 3)"
} >want.txt
cmp -s want.txt got.txt || problem "contradicted claims: (expected, then actual)
$(cat want.txt)
---
$(cat got.txt)"


# ---- counts in Chinese numerals (三件, 二十一起, 一百零五件, 两件) ------------------------------
# prose-numerals.yaml: three contradictions, five agreeing statements, and words that merely
# contain a numeral (十分, 统一, 一些, 一方面, 一律), which are no counts.
cp "$DATA/prose-numerals.yaml" n.yaml
atn() { $CELLS text n.yaml "$1" "${2:-1}"; }
{
    echo "prose.carry_forward $(atn 继续办理九件 5)"
    echo "prose.unprocessed $(atn 不予处理四件 5)"
    echo "prose.review $(atn 案件二十一起 3)"
} >want.txt
for lang in en zh; do
    rc=0
    "$NB" check --lang $lang --format json n.yaml >n-$lang.json || rc=$?
    [ "$rc" -eq 0 ] || problem "numerals ($lang): exit code $rc, expected 0"
    findings n-$lang.json >got.txt
    cmp -s want.txt got.txt || problem "numerals ($lang): findings differ (expected, then actual):
$(cat want.txt)
---
$(cat got.txt)"
done
"$NB" check --lang en n.yaml >n-en.txt 2>/dev/null || true
"$NB" check --lang zh n.yaml >n-zh.txt 2>/dev/null || true
LR=$($CELLS pos n.yaml review 5)
want="n.yaml:$(atn 案件二十一起 3): warning: the text gives 行政复议 cases as 二十一起 (21), but 表四 行政复议 总计 is 20 (line ${LR%:*}, column ${LR#*:})"
grep -qxF "$want" n-en.txt || problem "numerals (en): no line
$want
in
$(cat n-en.txt)"
want="n.yaml:$(atn 案件二十一起 3): 警告: 正文称行政复议案件为 二十一起（21），但表四 行政复议 总计 为 20（第 ${LR%:*} 行第 ${LR#*:} 列）"
grep -qxF "$want" n-zh.txt || problem "numerals (zh): no line
$want
in
$(cat n-zh.txt)"
# --verbose lists the agreeing ones with the value read.
"$NB" check -v n.yaml >nv.txt 2>/dev/null || true
LN=$($CELLS pos n.yaml new 7)
for line in \
    "n.yaml:$(atn 申请一百零五件 3): note: the text gives applications received as 一百零五件 (105): it agrees with 表三 一、本年新收政府信息公开申请数量 / 总计 is 105 (line ${LN%:*}, column ${LN#*:})" \
    "n.yaml:$(atn 性文件两件 4): note: the text gives normative documents issued as 两件 (2): it agrees with" \
    "n.yaml:$(atn 申请一百件 3): note: the text gives applications closed as 一百件 (100): it agrees with" \
    "n.yaml:$(atn 申请三件 3): note: the text gives applications carried over from last year as 三件 (3): it agrees with" \
    "n.yaml:$(atn 案件两起 3): note: the text gives 行政诉讼 cases as 两起 (2): it agrees with"; do
    grep -qF "$line" nv.txt || problem "numerals --verbose: no line
$line
in
$(cat nv.txt)"
done
[ "$(grep -c ': note: ' nv.txt)" -eq 6 ] ||
    problem "numerals --verbose: $(grep -c ': note: ' nv.txt) notes, expected 6 (the six agreeing statements): $(grep ': note: ' nv.txt)"
# A numeral inside a word is no count: with the only real count taken out of the first
# paragraph, nothing is read in it.
$CELLS replace n.yaml 制发行政规范性文件两件 制发行政规范性文件 >w.yaml
"$NB" check -v --format json w.yaml >w.json 2>/dev/null || true
"$PY" - w.json "$($CELLS text w.yaml 全年十分重视 | cut -d: -f1)" <<'PYEOF' || problem "numerals: a word with a numeral was read as a count"
import json, sys
line = int(sys.argv[2])
bad = [f for f in json.load(open(sys.argv[1], encoding="utf-8")) if f["line"] == line]
sys.exit(1 if bad else 0)
PYEOF

finish
