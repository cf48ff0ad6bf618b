#!/bin/sh
# Amounts and their units: gov-2019's 采购总金额 (a column whose label gives no unit) takes 元 or
# 万元 as the clerk writes it, keeps the exact value (73802895.90元 = 7380.28959万元, which the
# text check compares) and prints the unit in the table; 表二's fee column (单位：万元) takes
# 万元 only, up to 6 decimals, trailing zeros beyond them when the value is exact.
. "$NB_SOURCE/tests/lib.sh"
need_python
need pdftotext
workdir

CELLS="$PY $NB_TOOLS/cells.py"
cp "$NB_SOURCE/samples/gov-2019-example.yaml" base.yaml
cp "$NB_SOURCE/samples/huaian-city-2024.yaml" city.yaml

# ---- 元 in a column without a unit: the value, compared with the text in 万元 and 元 ------------
"$PY" - base.yaml yuan.yaml <<'PYEOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
s = s.replace("procurement:    [35, 1520.5]", "procurement:    [35, 73802895.90元]")
s = s.replace("      - h2: （一）主动公开\n",
              "      - 全年政府集中采购金额7380.28959万元，即采购总金额73802895.90元。\n"
              "      - h2: （一）主动公开\n", 1)
open(sys.argv[2], "w", encoding="utf-8").write(s)
PYEOF
rc=0
"$NB" check -v yuan.yaml >out.txt 2>/dev/null || rc=$?
[ "$rc" -eq 0 ] || problem "73802895.90元: exit code $rc: $(cat out.txt)"
for shown in 7380.28959万元 73802895.90元; do
    grep -qF "note: the text gives government procurement (采购总金额) as $shown: it agrees with 表二 政府集中采购 / 采购总金额 is 7380.28959" out.txt ||
        problem "$shown is not compared as 7380.28959 万元: $(grep 采购 out.txt)"
done
# One 元 off (73802895.91元) is a contradiction at 元 precision.
$CELLS replace yuan.yaml 采购总金额73802895.90元 采购总金额73802895.91元 >off.yaml
"$NB" check off.yaml >out.txt 2>/dev/null || true
grep -qF "warning: the text gives government procurement (采购总金额) as 73802895.91元, but 表二 政府集中采购 / 采购总金额 is 7380.28959" out.txt ||
    problem "73802895.91元 against 73802895.90元: $(grep 采购 out.txt)"

# ---- printed with its unit ----------------------------------------------------------------------
sed 's/procurement:    \[35, 1520.5\]/procurement:    [35, 251000元]/' base.yaml >print.yaml
render print.yaml print.pdf
pdftotext print.pdf - | tr -d ' \n' >print.txt
grep -q '251000元' print.txt || problem "251000元 is not printed with its unit"
sed 's/procurement:    \[35, 1520.5\]/procurement:    [35, 25.1万元]/' base.yaml >wan.yaml
render wan.yaml wan.pdf
pdftotext wan.pdf - | tr -d ' \n' >wan.txt
grep -q '25.1万元' wan.txt || problem "25.1万元 is not printed with its unit"

# ---- decimals: 元 to the 分, trailing zeros fine --------------------------------------------------
sed 's/procurement:    \[35, 1520.5\]/procurement:    [35, 1.230元]/' base.yaml >fen.yaml
"$NB" check fen.yaml >out.txt 2>&1 || problem "1.230元 (a trailing zero) refused: $(cat out.txt)"
sed 's/procurement:    \[35, 1520.5\]/procurement:    [35, 1.234元]/' base.yaml >li.yaml
rc=0
"$NB" check li.yaml >out.txt 2>&1 || rc=$?
[ "$rc" -eq 2 ] || problem "1.234元: exit code $rc, expected 2"
grep -qxF "li.yaml:$($CELLS pos li.yaml procurement 2): error: 表二 政府集中采购 / 采购总金额: '1.234元' has more than 2 decimals; an amount in 元 has at most 2 (分)" out.txt ||
    problem "1.234元: $(cat out.txt)"

# ---- the fee column is in 万元 -------------------------------------------------------------------
$CELLS set city.yaml fees 1 96171.6000000 >zeros.yaml
"$NB" check zeros.yaml >out.txt 2>&1 || problem "96171.6000000 (exact) refused: $(cat out.txt)"
$CELLS set city.yaml fees 1 96171.6万元 >fw.yaml
"$NB" check fw.yaml >out.txt 2>&1 || problem "96171.6万元 in the 万元 column refused: $(cat out.txt)"
$CELLS set city.yaml fees 1 961716000元 >fy.yaml
rc=0
"$NB" check fy.yaml >out.txt 2>&1 || rc=$?
[ "$rc" -eq 2 ] || problem "961716000元 in the 万元 column: exit code $rc, expected 2"
grep -qxF "fy.yaml:$($CELLS pos fy.yaml fees 1): error: 表二 行政事业性收费 / 本年收费金额（单位：万元）: '961716000元' is in 元, but the column is in 万元: write the amount in 万元" out.txt ||
    problem "961716000元 in the 万元 column: $(cat out.txt)"

finish
