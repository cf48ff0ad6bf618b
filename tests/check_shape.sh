#!/bin/sh
# A table written for another layout's shape is one finding (rule table.shape), not one per row,
# naming the layout of the same national format whose table it fits: 表三 with 6 values a row
# (no 其他 column) under gov-2021 → gov-2021-no-other; the reverse, 7 values under
# gov-2021-no-other → gov-2021; one （六）其他处理 row under gov-2021 → gov-2021-other-merged. In
# English and Chinese, as text and as JSON (rule, table key, the suggested layouts), valid
# against docs/check.schema.json. A single row with a wrong count keeps its own error.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

DATA=$NB_SOURCE/tests/data/check
SCHEMA=$NB_SOURCE/docs/check.schema.json
JPY=""
for candidate in "$PY" python3 /usr/bin/python3; do
    if "$candidate" -c 'import jsonschema' >/dev/null 2>&1; then
        JPY=$candidate
        break
    fi
done
[ -n "$JPY" ] || { echo "skip: no python3 with jsonschema" >&2; exit 77; }

# The figures of prose-numerals.yaml (表三 in gov-2021's 7 columns), rewritten per case:
# shape.py IN OUT LAYOUT drop-other|merge-other|keep
"$PY" - "$DATA/prose-numerals.yaml" <<'PYEOF'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
def table3(s, fn):
    out = []
    inside = False
    for line in s.split("\n"):
        if "- table: applications" in line:
            inside = True
        elif "- table:" in line:
            inside = False
        m = re.match(r"^(\s*)(\w+):(\s*)\[(.*)\]\s*$", line)
        if inside and m:
            vals = [v.strip() for v in m.group(4).split(",")]
            r = fn(m.group(2), vals)
            if r is None:
                continue
            key, vals = r
            line = "%s%s:%s[%s]" % (m.group(1), key, m.group(3), ", ".join(vals))
        out.append(line)
    return "\n".join(out)
def write(name, text):
    open(name, "w", encoding="utf-8").write(text)
# 6 values a row (其他 taken out) under gov-2021.
write("six.yaml", table3(src, lambda k, v: (k, v[:5] + v[6:])))
# The same table under gov-2021-no-other: it fits.
write("six-ok.yaml", table3(src, lambda k, v: (k, v[:5] + v[6:])).replace("layout: gov-2021", "layout: gov-2021-no-other"))
# 7 values a row under gov-2021-no-other.
write("seven.yaml", src.replace("layout: gov-2021", "layout: gov-2021-no-other"))
# （六）其他处理 as one row under gov-2021.
def merge(k, v):
    if k == "other_1":
        return ("other", v)
    if k in ("other_2", "other_3"):
        return None
    return (k, v)
write("merged.yaml", table3(src, merge))
# One row with a value too few: its own error, no table.shape.
write("one.yaml", table3(src, lambda k, v: (k, v[:6] if k == "partial" else v)))
PYEOF

# shape FILE: "rule line:col table layouts expected actual" of each finding, one a line.
shape() {
    "$PY" - "$1" <<'PYEOF'
import json, sys
for f in json.load(open(sys.argv[1], encoding="utf-8")):
    print(f["rule"], "%d:%d" % (f["line"], f["column"]), f.get("cell", {}).get("table", "-"),
          ",".join(f.get("layouts", [])) or "-", f.get("expected", "-"), f.get("actual", "-"))
PYEOF
}
valid() {
    "$JPY" - "$SCHEMA" "$1" <<'PYEOF' || problem "$1 is not valid against docs/check.schema.json"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2], encoding="utf-8")), schema)
PYEOF
}
# table_pos FILE: LINE:COL of the value of `- table: applications`.
table_pos() {
    "$PY" - "$1" <<'PYEOF'
import sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\n")):
    at = line.find("table: applications")
    if at >= 0:
        print("%d:%d" % (i + 1, at + len("table: ") + 1))
        break
PYEOF
}

# case FILE LAYOUT WANT_LINE EN_MESSAGE ZH_MESSAGE
case_() {
    file=$1 want=$2 en=$3 zh=$4
    rc=0
    "$NB" check --format json "$file" >"$file.json" 2>/dev/null || rc=$?
    [ "$rc" -eq 2 ] || problem "$file: exit code $rc, expected 2 (the table cannot be bound)"
    valid "$file.json"
    shape "$file.json" >got.txt
    echo "$want" >want.txt
    cmp -s want.txt got.txt || problem "$file: findings differ (expected, then actual):
$(cat want.txt)
---
$(cat got.txt)"
    "$NB" check "$file" >"$file.en" 2>/dev/null || true
    [ "$(grep -c ': error: ' "$file.en")" -eq 1 ] ||
        problem "$file: $(grep -c ': error: ' "$file.en") error lines, expected 1: $(cat "$file.en")"
    line="$file:$(table_pos "$file"): error: $en"
    grep -qxF "$line" "$file.en" || problem "$file (en): no line
$line
in
$(cat "$file.en")"
    "$NB" check --lang zh_CN "$file" >"$file.zh" 2>/dev/null || true
    [ "$(grep -c ': 错误: ' "$file.zh")" -eq 1 ] ||
        problem "$file (zh): $(grep -c ': 错误: ' "$file.zh") error lines, expected 1: $(cat "$file.zh")"
    line="$file:$(table_pos "$file"): 错误: $zh"
    grep -qxF "$line" "$file.zh" || problem "$file (zh): no line
$line
in
$(cat "$file.zh")"
}

COLS7="自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计"
COLS6="自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 总计"
case_ six.yaml "table.shape $(table_pos six.yaml) applications gov-2021-no-other 7 6" \
    "表三: 25 rows have 6 values, but layout gov-2021 gives them 7 ($COLS7): the table fits layout gov-2021-no-other; write \`layout: gov-2021-no-other\`" \
    "表三：有 25 行填了 6 个数值，但格式 gov-2021 的这些行为 7 个（$COLS7）：该表符合格式 gov-2021-no-other；请写 \`layout: gov-2021-no-other\`"
case_ seven.yaml "table.shape $(table_pos seven.yaml) applications gov-2021 6 7" \
    "表三: 25 rows have 7 values, but layout gov-2021-no-other gives them 6 ($COLS6): the table fits layout gov-2021; write \`layout: gov-2021\`" \
    "表三：有 25 行填了 7 个数值，但格式 gov-2021-no-other 的这些行为 6 个（$COLS6）：该表符合格式 gov-2021；请写 \`layout: gov-2021\`"
case_ merged.yaml "table.shape $(table_pos merged.yaml) applications gov-2021-other-merged - -" \
    "表三: row 'other' is not a row of layout gov-2021: the table fits layout gov-2021-other-merged; write \`layout: gov-2021-other-merged\`" \
    "表三：'other' 不是格式 gov-2021 的行：该表符合格式 gov-2021-other-merged；请写 \`layout: gov-2021-other-merged\`"

# The JSON's related places: each row that does not fit, with its count.
"$PY" - six.yaml.json <<'PYEOF' || problem "six.yaml: related rows wrong"
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))[0]
rel = f["related"]
assert len(rel) == 25, len(rel)
assert rel[0]["label"] == "new" and rel[0]["value"] == "6", rel[0]
assert f["cell"]["table_label"] == "表三", f["cell"]
PYEOF

# The table under the layout it fits: no error.
rc=0
"$NB" check six-ok.yaml >ok.txt 2>&1 || rc=$?
[ "$rc" -eq 0 ] || problem "six-ok.yaml (gov-2021-no-other): exit code $rc: $(cat ok.txt)"

# One row with a wrong count: its own error at the row, no grouped finding.
rc=0
"$NB" check --format json one.yaml >one.json 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || problem "one.yaml: exit code $rc, expected 2"
shape one.json >got.txt
[ "$(wc -l <got.txt)" -eq 1 ] && grep -q '^input ' got.txt ||
    problem "one.yaml: expected one row error, got: $(cat got.txt)"

# render says it the same way, once.
rc=0
"$NB" render six.yaml -o six.pdf 2>err.txt || rc=$?
[ "$rc" -eq 2 ] || problem "render six.yaml: exit code $rc, expected 2"
[ "$(grep -c 'error: ' err.txt)" -eq 1 ] && grep -q "fits layout gov-2021-no-other" err.txt ||
    problem "render six.yaml: expected one error naming gov-2021-no-other: $(cat err.txt)"
[ -e six.pdf ] && problem "render six.yaml wrote a PDF"

finish
