#!/bin/sh
# nianbao init: a template for every layout is complete (every row of every table given, at 0,
# with its Chinese label as a comment; the six sections; a preamble; a 落款) and checks clean;
# init --from last year's sample carries the agency and text over, fills 上年结转 with last
# year's 结转下年度继续办理 and keeps 现行有效件数, and `check --previous` accepts it; the same
# from a published text (../shared/corpus, when present); refusals exit 2 and write nothing.
. "$NB_SOURCE/tests/lib.sh"
need_python yaml
workdir

for layout in gov-2021 gov-2021-no-other gov-2021-other-merged gov-2019; do
    expect_status 0 "$NB" init --layout "$layout" --agency 示例县交通运输局 --year 2026 -o "$layout.yaml"
    expect_status 0 "$NB" check "$layout.yaml"
    "$PY" - "$layout.yaml" "$NB_SOURCE/layouts/$layout.yaml" "$NB_SOURCE/layouts" <<'EOF' ||
import re, sys, yaml
path, layout_path, folder = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
r = yaml.safe_load(text)
lay = yaml.safe_load(open(layout_path, encoding="utf-8"))
while "base" in lay:
    lay = yaml.safe_load(open(f"{folder}/{lay['base']}.yaml", encoding="utf-8"))
ok = True
def fail(msg):
    global ok
    print(msg)
    ok = False
if r["agency"] != "示例县交通运输局" or r["year"] != 2026 or r["signoff"] != "示例县交通运输局":
    fail(f"agency/year/signoff: {r['agency']} {r['year']} {r.get('signoff')}")
if not r.get("preamble") or len(r["sections"]) != 6:
    fail("no preamble or not six sections")
tables = {b["table"]: b["values"] for s in r["sections"] for b in s["body"]
          if isinstance(b, dict) and "table" in b}
for t in lay["tables"]:
    keys = [c["values"] for row in t["grid"] for c in row if isinstance(c, dict) and "values" in c]
    got = tables.get(t["table"])
    if got is None or list(got) != keys:
        fail(f"{t['table']}: rows {list(got or [])}, expected {keys}")
        continue
    for k, v in got.items():
        if any(x != 0 for x in v):
            fail(f"{t['table']} {k}: {v} is not all zeros")
    # Each row's line carries its Chinese label as a comment.
    for c in (c for row in t["grid"] for c in row if isinstance(c, dict) and "values" in c):
        line = re.search(rf"^ +{c['values']}: +\[.*\]   # (.*)$", text, re.M)
        if not line or not any(a in line.group(1) for a in c.get("aliases", [])):
            fail(f"{t['table']} {c['values']}: no label comment ({line.group(0) if line else 'no line'})")
sys.exit(0 if ok else 1)
EOF
        problem "$layout: the template is incomplete"
done

# ---- from last year's sample ---------------------------------------------------------------
LAST=$NB_SOURCE/samples/huaian-city-2024.yaml
expect_status 0 "$NB" init --from "$LAST" -o draft.yaml
expect_status 0 "$NB" check draft.yaml --previous "$LAST"
grep -q ': error:' out.txt && problem "check --previous finds errors in the draft: $(cat out.txt)"
"$PY" - draft.yaml "$LAST" <<'EOF' || problem "the draft does not carry last year over"
import sys, yaml
new, last = (yaml.safe_load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
def tables(r):
    return {b["table"]: b["values"] for s in r["sections"] for b in (s.get("body") or [])
            if isinstance(b, dict) and "table" in b}
n, l = tables(new), tables(last)
assert new["year"] == last["year"] + 1 and new["agency"] == last["agency"], new
assert n["applications"]["carried_over"] == l["applications"]["carry_forward"], \
    (n["applications"]["carried_over"], l["applications"]["carry_forward"])
for row in ("rules", "normative"):
    assert n["active"][row][2] == l["active"][row][2] and n["active"][row][:2] == [0, 0], row
assert n["applications"]["new"] == [0] * 7
# The prose is last year's, block for block.
# (YAML folds a `>-` block's lines with spaces; nianbao joins Chinese lines without.)
squeeze = lambda x: "".join(x.split()) if isinstance(x, str) else \
    {k: squeeze(v) for k, v in x.items()} if isinstance(x, dict) else [squeeze(v) for v in x]
strip = lambda r: squeeze([[b for b in s["body"] if not (isinstance(b, dict) and "table" in b)]
                           for s in r["sections"]])
assert strip(new) == strip(last), "prose differs"
EOF
# Changing last year's 结转下年度 changes this year's 上年结转 (not a copy of the sample's own).
"$PY" -c 'import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
print(re.sub(r"(carry_forward: *)\[103,(.*), *103\]", r"\1[104,\2, 104]", t), end="")' "$LAST" >last-104.yaml
"$NB" init --from last-104.yaml -o draft-104.yaml 2>/dev/null ||
    problem "init --from last-104.yaml failed"
grep -q 'carried_over: *\[104, 0, 0, 0, 0, 0, 104\]' draft-104.yaml ||
    problem "上年结转 does not follow last year's 结转下年度: $(grep carried_over draft-104.yaml)"

# ---- refusals -----------------------------------------------------------------------------------
expect_status 2 "$NB" init --agency 某局
expect_status 2 "$NB" init --layout gov-2021 --agency 某局 --year 1999
expect_status 2 "$NB" init --layout no-such-layout --agency 某局 --year 2026 -o none.yaml
[ -e none.yaml ] && problem "a refused init wrote none.yaml"
cp "$LAST" same.yaml
expect_status 2 "$NB" init --from same.yaml -o same.yaml
cmp -s same.yaml "$LAST" || problem "init --from same.yaml -o same.yaml replaced last year's report"

# ---- from a published text ------------------------------------------------------------------
SHARED=$(shared_dir)
if [ -n "$SHARED" ] && [ -f "$SHARED/corpus/03-huaian-city-gov-2024.txt" ]; then
    cp "$SHARED/corpus/03-huaian-city-gov-2024.txt" c03.txt
    expect_status 0 "$NB" init --from c03.txt -o d03.yaml
    expect_status 0 "$NB" check d03.yaml --previous c03.txt
    grep -q ': error:' out.txt && problem "check --previous c03.txt: $(cat out.txt)"
    grep -q 'carried_over: *\[103, 0, 0, 0, 0, 0, 103\]' d03.yaml ||
        problem "from the text: 上年结转 is not 103: $(grep carried_over d03.yaml)"
    grep -q '^year: 2025$' d03.yaml || problem "from the text: not year 2025"
fi
finish
