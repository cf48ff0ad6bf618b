#!/bin/sh
# nianbao check: every rule with a report that satisfies it and one that breaks it, each finding
# expected exactly (text and file:line:col); the transcribed corpus reports; the seed; JSON
# output; exit codes; and render stopping on errors. Positions are computed from the fixture
# files (tests/tools/cells.py), so editing a fixture moves the expectation with it.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

DATA=$NB_SOURCE/tests/data/check
CELLS="$PY $NB_TOOLS/cells.py"

# The fixtures, copied so that messages name them briefly.
cp "$NB_SOURCE/samples/huaian-city-2024.yaml" c03.yaml   # the published figures of corpus 03
cp "$DATA/corpus-02.yaml" c02.yaml
cp "$DATA/corpus-07.yaml" c07.yaml
cp "$DATA/prose.yaml" prose.yaml
cp "$NB_SOURCE/samples/seed.yaml" seed.yaml

# expect NAME RC ARGS...: runs `nianbao check ARGS`, whose standard output must be exactly the
# file expected.txt (written by the caller) and whose exit code must be RC.
expect() {
    name=$1
    want_rc=$2
    shift 2
    rc=0
    "$NB" check "$@" >out.txt 2>err.txt || rc=$?
    if [ "$rc" -ne "$want_rc" ]; then
        problem "$name: exit code $rc, expected $want_rc; stderr: $(head -c 400 err.txt)"
    fi
    if ! cmp -s out.txt expected.txt; then
        problem "$name: findings differ (expected, then actual):
$(cat expected.txt)
---
$(cat out.txt)"
    fi
}

# none NAME RC ARGS...: no finding at all.
none() {
    : >expected.txt
    expect "$@"
}

# Row and column names used in the messages.
NEW=一、本年新收政府信息公开申请数量
CARRIED=二、上年结转政府信息公开申请数量
FORWARD=四、结转下年度继续办理
B1TEXT=第一项加第二项之和，等于第三项加第四项之和

# ---- clean reports ----------------------------------------------------------------------------
none "corpus 03 (samples/huaian-city-2024.yaml)" 0 c03.yaml
none "prose fixture" 0 prose.yaml

# ---- B1: 一 + 二 = （七）总计 + 四, per column --------------------------------------------
# One more application from a 自然人 and one fewer from a 商业企业: the row still totals, but
# both columns break B1. The blamed cell is 四 (what the others determine).
$CELLS set c03.yaml new 1 3002 >b1a.yaml
$CELLS set b1a.yaml new 2 52 >b1.yaml
cat >expected.txt <<EOF
b1.yaml:$($CELLS pos b1.yaml carry_forward 1): error: 表三 $FORWARD / 自然人 is 103, but $NEW 3002 + $CARRIED 34 − （七）总计 2932 = 104 ($B1TEXT)
b1.yaml:$($CELLS pos b1.yaml carry_forward 2): error: 表三 $FORWARD / 商业企业 is 0, but $NEW 52 + $CARRIED 0 − （七）总计 53 = -1 ($B1TEXT)
EOF
expect B1 1 b1.yaml

# ---- B2: 总计 = the applicant columns, per row ------------------------------------------
# One application moved from （一） to （二） in the 自然人 column only: column sums hold, the
# two rows' 总计 do not.
$CELLS set c03.yaml disclosed 1 1289 >b2a.yaml
$CELLS set b2a.yaml partial 1 446 >b2.yaml
cat >expected.txt <<EOF
b2.yaml:$($CELLS pos b2.yaml disclosed 7): error: 表三 （一）予以公开 / 总计 is 1362, but the columns it totals add up to 1363 (自然人 1289 + 商业企业 21 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 50 + 其他 3)
b2.yaml:$($CELLS pos b2.yaml partial 7): error: 表三 （二）部分公开（区分处理的，只计这一情形，不计其他情形） / 总计 is 454, but the columns it totals add up to 453 (自然人 446 + 商业企业 7 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0)
EOF
expect B2 1 b2.yaml

# ---- B3: （七）总计 = （一） … （六）, per column ------------------------------------------
# （一） one more in 自然人 and in its 总计: the row holds, columns 自然人 and 总计 break B3.
$CELLS set c03.yaml disclosed 1 1289 >b3a.yaml
$CELLS set b3a.yaml disclosed 7 1363 >b3.yaml
cat >expected.txt <<EOF
b3.yaml:$($CELLS pos b3.yaml total 1): error: 表三 （七）总计 / 自然人 is 2932, but the rows it totals add up to 2933
b3.yaml:$($CELLS pos b3.yaml total 7): error: 表三 （七）总计 / 总计 is 3050, but the rows it totals add up to 3051
EOF
expect B3 1 b3.yaml

# A row left out counts as 0 (and is reported); a row of zeros left out changes no sum.
$CELLS drop c03.yaml unprocessed_3 >omit.yaml
cat >expected.txt <<EOF
omit.yaml:$($CELLS text omit.yaml 'table: applications' 8): warning: 表三: 1 row not given, printed blank and counted as 0: unprocessed_3 (（五）不予处理 3.要求提供公开出版物)
EOF
expect "row left out" 0 omit.yaml

# ---- C1: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结, in each of the three groups -----------
$CELLS set c03.yaml review 5 350 >c1r.yaml
cat >expected.txt <<EOF
c1r.yaml:$($CELLS pos c1r.yaml review 5): error: 表四 行政复议 总计 is 350, but the columns it totals add up to 351 (结果维持 72 + 结果纠正 64 + 其他结果 178 + 尚未审结 37)
EOF
expect "C1 行政复议" 1 c1r.yaml
$CELLS set c03.yaml direct 5 25 >c1d.yaml
cat >expected.txt <<EOF
c1d.yaml:$($CELLS pos c1d.yaml direct 5): error: 表四 未经复议直接起诉 总计 is 25, but the columns it totals add up to 26 (结果维持 13 + 结果纠正 4 + 其他结果 8 + 尚未审结 1)
EOF
expect "C1 未经复议直接起诉" 1 c1d.yaml
$CELLS set c03.yaml after_review 1 13 >c1a.yaml
cat >expected.txt <<EOF
c1a.yaml:$($CELLS pos c1a.yaml after_review 5): error: 表四 复议后起诉 总计 is 20, but the columns it totals add up to 21 (结果维持 13 + 结果纠正 1 + 其他结果 1 + 尚未审结 6)
EOF
expect "C1 复议后起诉" 1 c1a.yaml

# ---- the binder: counts are whole numbers >= 0, amounts have at most 6 decimals -----------
$CELLS set c03.yaml withheld_3 1 -5 >neg.yaml
cat >expected.txt <<EOF
neg.yaml:$($CELLS pos neg.yaml withheld_3 1): error: 表三 （三）不予公开 3.危及“三安全一稳定” / 自然人: '-5' is not a count (a whole number, 0 or more)
EOF
expect "negative count" 2 neg.yaml
$CELLS set c03.yaml fees 1 96171.600001 >dec6.yaml
none "amount with 6 decimals" 0 dec6.yaml
$CELLS set c03.yaml fees 1 96171.6000001 >dec7.yaml
cat >expected.txt <<EOF
dec7.yaml:$($CELLS pos dec7.yaml fees 1): error: 表二 行政事业性收费 / 本年收费金额（单位：万元）: '96171.6000001' has more than 6 decimals; an amount in 万元 has at most 6
EOF
expect "amount with 7 decimals" 2 dec7.yaml

# ---- corpus 02 and 07 -------------------------------------------------------------------
cat >expected.txt <<EOF
c02.yaml:$($CELLS pos c02.yaml review 5): error: 表四 行政复议 总计 is 0, but the columns it totals add up to 11 (结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0)
c02.yaml:$($CELLS pos c02.yaml after_review 5): error: 表四 复议后起诉 总计 is 0, but the columns it totals add up to 5 (结果维持 5 + 结果纠正 0 + 其他结果 0 + 尚未审结 0)
EOF
expect "corpus 02" 1 c02.yaml

PROSE07="c07.yaml:$($CELLS text c07.yaml 申请17件 3): warning: the text gives applications received as 17件, but 表三 $NEW / 总计 is 95 (line $($CELLS pos c07.yaml new 7 | sed 's/:/, column /'))"
echo "$PROSE07" >expected.txt
expect "corpus 07" 0 c07.yaml

# ---- across years: B5 (error) and A1 (warning) with --previous ----------------------------
# 2023 (corpus 02) carried nothing forward and had 5 normative documents in force; 2024
# (corpus 07) carried nothing over and issued 3: both rules hold.
echo "$PROSE07" >expected.txt
expect "07 after 02" 0 c07.yaml --previous c02.yaml
# Last year's 四 / 自然人 made 3: this year's 二 / 自然人 (0) disagrees.
$CELLS set c02.yaml carry_forward 1 3 >p-b5.yaml
{
    echo "c07.yaml:$($CELLS pos c07.yaml carried_over 1): error: 表三 $CARRIED / 自然人 is 0, but last year's $FORWARD / 自然人 is 3 (p-b5.yaml:$($CELLS pos p-b5.yaml carry_forward 1))"
    echo "$PROSE07"
} >expected.txt
expect "B5" 1 c07.yaml --previous p-b5.yaml
# Last year's 现行有效件数 made 6: 6 + 3 − 0 = 9, not 8.
$CELLS set c02.yaml normative 3 6 >p-a1.yaml
{
    echo "c07.yaml:$($CELLS pos c07.yaml normative 3): warning: 表二 行政规范性文件 / 现行有效件数 is 8, but last year's 行政规范性文件 / 现行有效件数 6 (p-a1.yaml:$($CELLS pos p-a1.yaml normative 3)) + 本年制发件数 3 − 本年废止件数 0 = 9"
    echo "$PROSE07"
} >expected.txt
expect "A1" 0 c07.yaml --previous p-a1.yaml
# Without --previous, the cross-year rules are not evaluated.
echo "$PROSE07" >expected.txt
expect "no --previous" 0 c07.yaml

# ---- prose against tables ---------------------------------------------------------------
# prose_case NAME OLD NEW NTH MESSAGE-AFTER-POSITION: the prose fixture with OLD replaced by
# NEW, expecting one warning at the NTH character of NEW (the number).
prose_case() {
    $CELLS replace prose.yaml "$2" "$3" >p.yaml
    echo "p.yaml:$($CELLS text p.yaml "$3" "$4"): warning: $5" >expected.txt
    expect "prose: $1" 0 p.yaml
}
where() { $CELLS pos prose.yaml "$1" "$2" | sed 's/^/line /; s/:/, column /'; }
prose_case received 申请95件。 申请94件。 3 \
    "the text gives applications received as 94件, but 表三 $NEW / 总计 is 95 ($(where new 7))"
prose_case closed 申请95件，均 申请96件，均 3 \
    "the text gives applications closed as 96件, but 表三 （七）总计 / 总计 is 95 ($(where total 7))"
prose_case 行政复议 案件2件、 案件3件、 3 \
    "the text gives 行政复议 cases as 3件, but 表四 行政复议 总计 is 2 ($(where review 5))"
prose_case 行政诉讼 案件4件。 案件5件。 3 \
    "the text gives 行政诉讼 cases as 5件, but 表四 未经复议直接起诉 总计 ($(where direct 5)) and 复议后起诉 总计 ($(where after_review 5)) add up to 4"

# ---- deviations from the national layout: the seed has no 其他 column ---------------------
# The published seed also ends five headings with "：" (rule text.heading_colon), at the colon.
"$PY" - seed.yaml >expected.txt <<'PYEOF'
import sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\n")):
    if line.lstrip().startswith("- h2:") and line.rstrip().endswith("："):
        print("seed.yaml:%d:%d: warning: a heading ends with a colon: a heading takes no "
              "punctuation at its end" % (i + 1, len(line.rstrip())))
PYEOF
[ "$(wc -l <expected.txt)" -eq 5 ] || problem "seed: not five headings ending in a colon"
echo "seed.yaml:$($CELLS text seed.yaml 'layout: gov-2021-no-other' 9): warning: 表三 has no column 其他: layout gov-2021-no-other differs from the national layout gov-2021" >>expected.txt
expect "seed" 0 seed.yaml
# A table left out.
"$PY" - c03.yaml noappeals.yaml <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if "- table: appeals" in l)
end = next(i for i, l in enumerate(lines) if l.strip().startswith("after_review:"))
del lines[start:end + 1]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
EOF
section4=$("$PY" - noappeals.yaml <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
starts = [i for i, l in enumerate(lines) if l.startswith("  - ")]
line = lines[starts[3]]
print("%d:%d" % (starts[3] + 1, len(line) - len(line.lstrip("- ")) + 1))
EOF
)
echo "noappeals.yaml:$section4: warning: the report has no 表四: add \`- table: appeals\` with its values to 四、政府信息公开行政复议、行政诉讼情况" >expected.txt
expect "table left out" 0 noappeals.yaml

# ---- JSON -------------------------------------------------------------------------------
"$NB" check c02.yaml --format json >json.txt 2>err.txt && problem "json: exit 0 for corpus 02"
"$PY" -m json.tool json.txt >/dev/null || problem "json: not valid JSON: $(head -c 400 json.txt)"
"$PY" - json.txt "$($CELLS pos c02.yaml review 5)" <<'EOF' || problem "json: wrong content"
import json, sys
findings = json.load(open(sys.argv[1], encoding="utf-8"))
line, col = map(int, sys.argv[2].split(":"))
assert len(findings) == 2, findings
for f in findings:
    assert {"file", "line", "column", "severity", "rule", "message"} <= set(f), f
    assert f["rule"] == "C1", f
    assert f["file"] == "c02.yaml" and f["severity"] == "error", f
first = findings[0]
assert (first["line"], first["column"]) == (line, col), first
assert first["message"].startswith("表四 行政复议 总计 is 0, but "), first
EOF
"$NB" check c03.yaml --format json >json.txt || problem "json: clean report exits non-zero"
[ "$(cat json.txt)" = "[]" ] || problem "json: clean report gives $(cat json.txt)"

# ---- exit codes: 2 for unreadable input ------------------------------------------------------
printf 'agency: [x\n' >bad.yaml
for args in "missing.yaml" "bad.yaml" "c07.yaml --previous missing.yaml" "c07.yaml --previous bad.yaml" \
    "c07.yaml --format xml" ""; do
    rc=0
    # shellcheck disable=SC2086
    "$NB" check $args >out.txt 2>err.txt || rc=$?
    [ "$rc" -eq 2 ] || problem "check $args: exit code $rc, expected 2"
done

# ---- render runs the same checks first --------------------------------------------------
rc=0
"$NB" render c02.yaml -o c02.pdf 2>err.txt || rc=$?
[ "$rc" -eq 1 ] || problem "render of corpus 02: exit code $rc, expected 1"
[ -e c02.pdf ] && problem "render of corpus 02 wrote a PDF despite its errors"
grep -q "^c02.yaml:$($CELLS pos c02.yaml review 5): error: 表四 行政复议 总计 is 0" err.txt ||
    problem "render of corpus 02: the error is not on stderr: $(head -c 600 err.txt)"
rc=0
"$NB" render c02.yaml -o c02.pdf --force 2>err.txt || rc=$?
[ "$rc" -eq 0 ] || problem "render --force of corpus 02: exit code $rc: $(head -c 600 err.txt)"
[ -s c02.pdf ] || problem "render --force of corpus 02 wrote no PDF"
grep -q "^c02.yaml:$($CELLS pos c02.yaml review 5): error: 表四 行政复议 总计 is 0" err.txt ||
    problem "render --force of corpus 02 did not print the errors it overrides: $(head -c 600 err.txt)"
rc=0
"$NB" render c07.yaml -o c07.pdf 2>err.txt || rc=$?
[ "$rc" -eq 0 ] || problem "render of corpus 07 (warnings only): exit code $rc: $(head -c 600 err.txt)"
[ -s c07.pdf ] || problem "render of corpus 07 wrote no PDF"
grep -qF "$PROSE07" err.txt || problem "render of corpus 07 did not print its warning: $(head -c 600 err.txt)"

finish
