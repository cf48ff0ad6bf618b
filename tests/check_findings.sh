#!/bin/sh
# nianbao check, findings a program can use: blank and "/" cells where a rule needs a number
# (each at its place, with rule id, in English and Chinese), `blanks: zero` turning them into
# zeros, the JSON output validated against docs/check.schema.json, file names that are not
# UTF-8, and the line a refused render ends with. Fixtures: tests/data/check/.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

DATA=$NB_SOURCE/tests/data/check
CELLS="$PY $NB_TOOLS/cells.py"
SCHEMA=$NB_SOURCE/docs/check.schema.json

# A python3 with jsonschema (Debian: python3-jsonschema), for the schema checks.
JPY=""
for candidate in "$PY" python3 /usr/bin/python3; do
    if "$candidate" -c 'import jsonschema' >/dev/null 2>&1; then
        JPY=$candidate
        break
    fi
done
[ -n "$JPY" ] || { echo "skip: no python3 with jsonschema" >&2; exit 77; }

# valid JSONFILE: the file is valid UTF-8, valid JSON and valid against the schema.
valid() {
    "$JPY" - "$SCHEMA" "$1" <<'PYEOF' || problem "$1 is not valid against docs/check.schema.json"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft7Validator.check_schema(schema)
raw = open(sys.argv[2], "rb").read()
doc = json.loads(raw.decode("utf-8", errors="strict"))
jsonschema.validate(doc, schema)
PYEOF
}

# findings JSONFILE: "rule line:col row column" of each finding, one a line.
findings() {
    "$PY" - "$1" <<'PYEOF'
import json, sys
for f in json.load(open(sys.argv[1], encoding="utf-8")):
    c = f.get("cell", {})
    print(f["rule"], "%d:%d" % (f["line"], f["column"]), c.get("row", "-"), c.get("column", "-"))
PYEOF
}

cp "$DATA/blank-total.yaml" blank.yaml
ROWS="disclosed partial withheld_1 withheld_2 withheld_3 withheld_4 withheld_5 withheld_6
withheld_7 withheld_8 unavailable_1 unavailable_2 unavailable_3 unprocessed_1 unprocessed_2
unprocessed_3 unprocessed_4 unprocessed_5 other_1 other_2 other_3"

# ---- a blank 总计 column: an error at each blank, in both languages -------------------------
: >want.txt
for row in $ROWS; do
    echo "blank $($CELLS pos blank.yaml "$row" 7) $row 7" >>want.txt
done
for lang in en zh; do
    rc=0
    "$NB" check --lang "$lang" --format json blank.yaml >blank-$lang.json 2>err.txt || rc=$?
    [ "$rc" -eq 1 ] || problem "blank total ($lang): exit code $rc, expected 1"
    valid blank-$lang.json
    # In the order of the rules (B2, then B3), so compared as sets.
    findings blank-$lang.json | sort >got.txt
    sort want.txt -o want.txt
    cmp -s want.txt got.txt || problem "blank total ($lang): findings differ (expected, then actual):
$(cat want.txt)
---
$(cat got.txt)"
done
# The text of the first, exactly, in English and in Chinese (the same place and rule).
pos=$($CELLS pos blank.yaml disclosed 7)
"$NB" check --lang en blank.yaml >out.txt || true
want="blank.yaml:$pos: error: 表三 （一）予以公开 / 总计 is blank, but rule B2 (总计等于各类申请人之和) needs a number there: the other side of the equation adds up to 50; write 0 if there were none, or declare \`blanks: zero\`"
[ "$(head -n 1 out.txt)" = "$want" ] || problem "blank total (en): first line is
$(head -n 1 out.txt)
expected
$want"
LANG=zh_CN.UTF-8 "$NB" check blank.yaml >out.txt || true
want="blank.yaml:$pos: 错误: 表三 （一）予以公开 / 总计 为空白，但规则 B2（总计等于各类申请人之和）需要此处的数字：等式另一侧合计为 50；没有的填 0，或声明 \`blanks: zero\`"
[ "$(head -n 1 out.txt)" = "$want" ] || problem "blank total (LANG=zh_CN): first line is
$(head -n 1 out.txt)
expected
$want"
[ "$(wc -l <out.txt)" -eq 21 ] || problem "blank total (zh): $(wc -l <out.txt) lines, expected 21"
# --lang en wins over LANG.
LANG=zh_CN.UTF-8 "$NB" check --lang en blank.yaml | head -n 1 | grep -q ': error: ' ||
    problem "--lang en does not override LANG=zh_CN.UTF-8"

# ---- blanks: zero, for the report or for the table: the arithmetic errors instead ---------
sed 's/^layout: gov-2021$/layout: gov-2021\nblanks: zero/' blank.yaml >zero.yaml
sed 's/^      - table: applications$/      - table: applications\n        blanks: zero/' blank.yaml >zero-t.yaml
for f in zero zero-t; do
    : >want.txt
    for row in disclosed partial withheld_3 withheld_6 withheld_7 unavailable_1 unavailable_2 unprocessed_1; do
        echo "B2 $($CELLS pos $f.yaml "$row" 7) $row 7" >>want.txt
    done
    echo "B3 $($CELLS pos $f.yaml total 7) total 7" >>want.txt
    rc=0
    "$NB" check --format json $f.yaml >$f.json || rc=$?
    [ "$rc" -eq 1 ] || problem "$f: exit code $rc, expected 1"
    valid $f.json
    findings $f.json >got.txt
    cmp -s want.txt got.txt || problem "$f: findings differ (expected, then actual):
$(cat want.txt)
---
$(cat got.txt)"
done
"$NB" check zero.yaml >out.txt || true
grep -qxF "zero.yaml:$($CELLS pos zero.yaml total 7): error: 表三 （七）总计 / 总计 is 95, but the rows it totals add up to 0" out.txt ||
    problem "blanks: zero: no B3 error at （七）总计 / 总计: $(cat out.txt)"
# blanks: blank is the default, said explicitly; anything else is refused.
sed 's/^layout: gov-2021$/layout: gov-2021\nblanks: blank/' blank.yaml >said.yaml
"$NB" check said.yaml >out.txt || true
[ "$(grep -c ': error: .* is blank, but rule ' out.txt)" -eq 21 ] || problem "blanks: blank: not 21 blank errors"
sed 's/^layout: gov-2021$/layout: gov-2021\nblanks: none/' blank.yaml >badkey.yaml
rc=0
"$NB" check badkey.yaml >out.txt || rc=$?
[ "$rc" -eq 2 ] || problem "blanks: none: exit code $rc, expected 2"

# ---- "/" is "not applicable": checked like a blank -----------------------------------------
cp "$DATA/prose.yaml" p.yaml
$CELLS set p.yaml disclosed 1 '"/"' >na.yaml
echo "not-applicable $($CELLS pos na.yaml disclosed 1) disclosed 1" >want.txt
rc=0
"$NB" check --format json na.yaml >na.json || rc=$?
[ "$rc" -eq 1 ] || problem "“/”: exit code $rc, expected 1"
valid na.json
findings na.json >got.txt
cmp -s want.txt got.txt || problem "“/”: findings differ: $(cat got.txt)"
"$NB" check na.yaml >out.txt || true
grep -qxF "na.yaml:$($CELLS pos na.yaml disclosed 1): error: 表三 （一）予以公开 / 自然人 is “/” (not applicable), but rule B2 (总计等于各类申请人之和) needs a number there: （一）予以公开 / 总计 is 50; write 0 if there were none, or declare \`blanks: zero\`" out.txt ||
    problem "“/”: message: $(cat out.txt)"

# ---- a blank or “/” that can only be 0 (the rest of its equations balance): a warning -----------
$CELLS set p.yaml withheld_2 2 '"/"' >nz.yaml
$CELLS set nz.yaml unavailable_3 1 '~' >nz2.yaml
{
    echo "blank.zero $($CELLS pos nz2.yaml withheld_2 2) withheld_2 2"
    echo "blank.zero $($CELLS pos nz2.yaml unavailable_3 1) unavailable_3 1"
} >want.txt
rc=0
"$NB" check --format json nz2.yaml >nz.json || rc=$?
[ "$rc" -eq 0 ] || problem "blank that can only be 0: exit code $rc, expected 0"
valid nz.json
findings nz.json >got.txt
cmp -s want.txt got.txt || problem "blank that can only be 0: findings differ: $(cat got.txt)"
"$NB" check nz2.yaml >out.txt || true
grep -qxF "nz2.yaml:$($CELLS pos nz2.yaml unavailable_3 1): warning: 表三 （四）无法提供 3.补正后申请内容仍不明确 / 自然人 is blank, but rule B2 (总计等于各类申请人之和) holds only if it is 0: write 0" out.txt ||
    problem "blank that can only be 0: message: $(cat out.txt)"
"$NB" check --lang zh nz2.yaml >out.txt || true
grep -qxF "nz2.yaml:$($CELLS pos nz2.yaml unavailable_3 1): 警告: 表三 （四）无法提供 3.补正后申请内容仍不明确 / 自然人 为 空白，但规则 B2（总计等于各类申请人之和）仅当其为 0 时成立：请填 0" out.txt ||
    problem "blank that can only be 0 (zh): message: $(cat out.txt)"

# A table left entirely blank states nothing, so nothing in it is wrong.
$CELLS set p.yaml review 1 '~' >e1.yaml
for row in review direct after_review; do
    for k in 1 2 3 4 5; do $CELLS set e1.yaml $row $k '~' >e2.yaml; mv e2.yaml e1.yaml; done
done
"$NB" check e1.yaml >out.txt || problem "a blank 表四: exit code not 0: $(cat out.txt)"
[ -s out.txt ] && problem "a blank 表四 gives findings: $(cat out.txt)"

# ---- JSON: every field, a file name that is not UTF-8 ------------------------------------
cp "$DATA/corpus-02.yaml" c02.yaml
"$NB" check --format json c02.yaml >c02.json || true
valid c02.json
"$PY" - c02.json "$($CELLS pos c02.yaml review 5)" "$($CELLS pos c02.yaml review 1)" <<'PYEOF' || problem "json: content of corpus 02's first finding"
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))[0]
line, col = map(int, sys.argv[2].split(":"))
l1, c1 = map(int, sys.argv[3].split(":"))
assert (f["line"], f["column"], f["rule"], f["severity"]) == (line, col, "C1", "error"), f
assert f["cell"] == {"table": "appeals", "table_label": "表四", "row": "review",
                     "row_label": "行政复议", "column": 5, "column_label": "总计"}, f
assert (f["expected"], f["actual"]) == ("11", "0"), f
rel = {r["label"]: (r["line"], r["column"], r["value"]) for r in f["related"]}
assert rel["行政复议 结果维持"] == (l1, c1, "10"), rel
assert len(rel) == 5, rel
PYEOF
"$NB" check --lang zh --format json c02.yaml >c02zh.json || true
valid c02zh.json
"$PY" - c02.json c02zh.json <<'PYEOF' || problem "json: en and zh differ in more than the messages"
import json, sys
en, zh = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
assert len(en) == len(zh) == 2
for a, b in zip(en, zh):
    assert a["message"] != b["message"], a
    a.pop("message"); b.pop("message")
    assert a == b, (a, b)
PYEOF
bad=$(printf 'c\377\376.yaml')
cp c02.yaml "$bad"
"$NB" check --format json "$bad" >bad.json || true
valid bad.json
"$PY" - bad.json <<'PYEOF' || problem "json: the non-UTF-8 file name's bytes are not U+FFFD"
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
assert f[0]["file"] == "c\ufffd\ufffd.yaml", f[0]["file"]
PYEOF

# ---- a refused render says so, and how to render anyway --------------------------------------
rc=0
"$NB" render c02.yaml -o c02.pdf 2>err.txt || rc=$?
[ "$rc" -eq 1 ] || problem "render c02: exit code $rc"
[ "$(tail -n 1 err.txt)" = "c02.yaml: note: no PDF written (use --force to render anyway)" ] ||
    problem "render c02: last line is $(tail -n 1 err.txt)"
rc=0
"$NB" render --lang zh c02.yaml -o c02.pdf 2>err.txt || rc=$?
[ "$(tail -n 1 err.txt)" = "c02.yaml: 说明: 未生成 PDF（如仍要生成，请加 --force）" ] ||
    problem "render c02 (zh): last line is $(tail -n 1 err.txt)"

finish
