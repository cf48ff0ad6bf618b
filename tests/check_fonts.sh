#!/bin/sh
# check finds the characters no font has, as render does, without typesetting: a report with 㐀
# (U+3400, CJK Extension A) in a paragraph, 𠀀 (U+20000, Extension B) in a （一） heading and a
# private-use character (U+E000) in the signoff — none of which any bundled font has (fc-query
# says so first) — gets three font.missing errors from `check`, exit code 1, at each character,
# in English, Chinese and JSON; `render` names the same characters at the same places. Fonts the
# report names (fonts:) and --font count as at render: with HanaMinA for the body and HanaMinB
# for heading2 (fonts-hanazono) the findings for their characters go away, in check and render
# alike. A report whose characters are all covered gets none. A report's font file outside its
# folder is an error in check as in render, said once; `check --allow-dir` judges with it.
. "$NB_SOURCE/tests/lib.sh"
need_python
need fc-query
workdir

DATA=$NB_SOURCE/tests/data/check
CELLS="$PY $NB_TOOLS/cells.py"

# The premise: no bundled font has the three characters.
for f in "$NB_SOURCE"/fonts/*.otf "$NB_SOURCE"/fonts/*.ttf; do
    fc-query --format '%{charset}\n' "$f" | "$PY" -c '
import sys
ranges = []
for part in sys.stdin.read().split():
    a, _, b = part.partition("-")
    ranges.append((int(a, 16), int(b or a, 16)))
for cp in (0x3400, 0x20000, 0xE000):
    if any(a <= cp <= b for a, b in ranges):
        sys.exit("U+%04X is in %s" % (cp, sys.argv[1]))
' "$f" || fail "the test characters are not missing from the bundled fonts"
done

# prose-numerals.yaml (all characters covered) with the three characters added.
"$PY" - "$DATA/prose-numerals.yaml" <<'PYEOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
s = s.replace("全年十分重视主动公开", "全年十分重视㐀主动公开", 1)
s = s.replace("h2: （二）依申请公开", "h2: （二）依申请公开𠀀", 1)
s = s.replace("signoff: 示例县人民政府办公室", "signoff: 示例县人民政府办公室\ue000", 1)
open("f.yaml", "w", encoding="utf-8").write(s)
PYEOF
A=$($CELLS text f.yaml 㐀)
B=$($CELLS text f.yaml 𠀀)
C=$($CELLS text f.yaml "$(printf '\356\200\200')")
msg() { echo "no font of this role has the character “$1” ($2); name a font that has it under 'fonts:'"; }
{
    echo "f.yaml:$A: error: $(msg 㐀 U+3400)"
    echo "f.yaml:$B: error: $(msg 𠀀 U+20000)"
    echo "f.yaml:$C: error: $(msg "$(printf '\356\200\200')" U+E000)"
} >want.txt

# ---- check: three errors, exit code 1 --------------------------------------------------------
rc=0
"$NB" check f.yaml >check.txt 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] || problem "check: exit code $rc, expected 1"
grep ': error: ' check.txt | sort >got.txt
sort want.txt >want-sorted.txt
cmp -s want-sorted.txt got.txt || problem "check: errors differ (expected, then actual):
$(cat want-sorted.txt)
---
$(cat got.txt)"
"$NB" check --lang zh f.yaml >zh.txt 2>/dev/null || true
grep -qxF "f.yaml:$B: 错误: 该角色的字体都没有字符“𠀀”（U+20000）；请在 'fonts:' 中指定含有该字符的字体" zh.txt ||
    problem "check (zh): no Chinese line for 𠀀: $(grep 错误 zh.txt)"
"$NB" check --format json f.yaml >f.json 2>/dev/null || true
"$PY" - f.json "$A" "$B" "$C" <<'PYEOF' || problem "check --format json: font.missing findings wrong"
import json, sys
got = sorted(("%d:%d" % (f["line"], f["column"]), f["actual"])
             for f in json.load(open(sys.argv[1], encoding="utf-8"))
             if f["rule"] == "font.missing" and f["severity"] == "error")
want = sorted([(sys.argv[2], "U+3400"), (sys.argv[3], "U+20000"), (sys.argv[4], "U+E000")])
if got != want:
    sys.exit("got %s, want %s" % (got, want))
PYEOF

# ---- render: the same characters at the same places ------------------------------------------
# Render stops setting the page after the text's errors, so it names the signoff's character
# only once the others are fixed (h.yaml); check names all three at once.
rc=0
"$NB" render f.yaml -o f.pdf 2>render.txt || rc=$?
[ "$rc" -eq 1 ] || problem "render: exit code $rc, expected 1"
[ -e f.pdf ] && problem "render wrote a PDF with characters no font has"
grep ': error: ' render.txt | sort >got.txt
grep -v U+E000 want-sorted.txt >want-render.txt
cmp -s want-render.txt got.txt || problem "render: errors differ from check's (expected, then actual):
$(cat want-render.txt)
---
$(cat got.txt)"
$CELLS replace f.yaml 重视㐀主动 重视主动 >h1.yaml
$CELLS replace h1.yaml 依申请公开𠀀 依申请公开 >h.yaml
CH=$($CELLS text h.yaml "$(printf '\356\200\200')")
echo "h.yaml:$CH: error: $(msg "$(printf '\356\200\200')" U+E000)" >want-h.txt
for cmd in check render; do
    rc=0
    if [ $cmd = check ]; then "$NB" check h.yaml >h-$cmd.txt 2>/dev/null || rc=$?
    else "$NB" render h.yaml -o h.pdf 2>h-$cmd.txt || rc=$?; fi
    [ "$rc" -eq 1 ] || problem "$cmd h.yaml: exit code $rc, expected 1"
    grep ': error: ' h-$cmd.txt >got.txt
    cmp -s want-h.txt got.txt || problem "$cmd h.yaml (the signoff's character): (expected, then actual)
$(cat want-h.txt)
---
$(cat got.txt)"
done

# ---- a report whose characters are all covered: none -----------------------------------------
cp "$DATA/prose-numerals.yaml" ok.yaml
rc=0
"$NB" check --format json ok.yaml >ok.json 2>/dev/null || rc=$?
[ "$rc" -eq 0 ] || problem "covered report: exit code $rc"
grep -q font.missing ok.json && problem "covered report: font.missing findings: $(cat ok.json)"

# ---- fonts the report or the command line gives count -----------------------------------------
HANA=/usr/share/fonts/truetype/hanazono
if [ -f "$HANA/HanaMinA.ttf" ] && [ -f "$HANA/HanaMinB.ttf" ]; then
    # --font heading2=HanaMinB (a file) has 𠀀; fonts: {body: HanaMinA} (a family) has 㐀.
    "$PY" - f.yaml <<'PYEOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
open("g.yaml", "w", encoding="utf-8").write(s.replace("layout: gov-2021", "layout: gov-2021\nfonts: {body: [FandolFang, HanaMinA]}", 1))
PYEOF
    CG=$($CELLS text g.yaml "$(printf '\356\200\200')")
    echo "g.yaml:$CG: error: $(msg "$(printf '\356\200\200')" U+E000)" >want-g.txt
    rc=0
    "$NB" check --font "heading2=$HANA/HanaMinB.ttf" g.yaml >g.txt 2>/dev/null || rc=$?
    [ "$rc" -eq 1 ] || problem "check with fonts: exit code $rc, expected 1 (U+E000 is still missing)"
    grep ': error: ' g.txt >got.txt
    cmp -s want-g.txt got.txt || problem "check with HanaMinA (fonts:) and HanaMinB (--font): (expected, then actual)
$(cat want-g.txt)
---
$(cat got.txt)"
    rc=0
    "$NB" render --font "heading2=$HANA/HanaMinB.ttf" g.yaml -o g.pdf 2>gr.txt || rc=$?
    grep ': error: ' gr.txt >got.txt
    cmp -s want-g.txt got.txt || problem "render with the same fonts: (expected, then actual)
$(cat want-g.txt)
---
$(cat got.txt)"

    # A font file outside the report's folder: check says it cannot be used, as render does
    # (once when render follows its check), unless --allow-dir names its folder; then its
    # characters count, and what it lacks (U+E000) is still found.
    mkdir -p rep other
    cp "$HANA/HanaMinA.ttf" other/
    "$PY" - "$DATA/prose-numerals.yaml" <<'PYEOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
s = s.replace("全年十分重视主动公开", "全年十分重视㐀主动公开", 1)
s = s.replace("layout: gov-2021", "layout: gov-2021\nfonts: {body: [FandolFang, ../other/HanaMinA.ttf]}", 1)
open("rep/d.yaml", "w", encoding="utf-8").write(s)
open("rep/e.yaml", "w", encoding="utf-8").write(s.replace("重视㐀主动", "重视㐀\ue000主动", 1))
PYEOF
    FP=$($CELLS text rep/d.yaml ../other/HanaMinA.ttf)
    echo "rep/d.yaml:$FP: error: font '../other/HanaMinA.ttf' (role body) cannot be used: it is not inside the report's folder or a folder allowed with --allow-dir" >want-d.txt
    for cmd in check render; do
        rc=0
        if [ $cmd = check ]; then "$NB" check rep/d.yaml >d-$cmd.txt 2>&1 || rc=$?
        else "$NB" render rep/d.yaml -o d.pdf >d-$cmd.txt 2>&1 || rc=$?; fi
        [ "$rc" -eq 1 ] || problem "$cmd of a report naming a font outside its folder: exit code $rc, expected 1"
        grep ': error: ' d-$cmd.txt >got.txt
        cmp -s want-d.txt got.txt || problem "$cmd, a font outside the report's folder: (expected, then actual)
$(cat want-d.txt)
---
$(cat got.txt)"
    done
    rc=0
    "$NB" check --allow-dir other rep/d.yaml >d-allowed.txt 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || problem "check --allow-dir: exit code $rc, expected 0: $(grep error d-allowed.txt)"
    rc=0
    "$NB" render --allow-dir other rep/d.yaml -o d.pdf >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || problem "render --allow-dir: exit code $rc, expected 0"
    CE=$($CELLS text rep/e.yaml "$(printf '\356\200\200')")
    echo "rep/e.yaml:$CE: error: $(msg "$(printf '\356\200\200')" U+E000)" >want-e.txt
    rc=0
    "$NB" check --allow-dir other rep/e.yaml >e.txt 2>&1 || rc=$?
    [ "$rc" -eq 1 ] || problem "check --allow-dir, U+E000 added: exit code $rc, expected 1"
    grep ': error: ' e.txt >got.txt
    cmp -s want-e.txt got.txt || problem "check --allow-dir judges the allowed font: (expected, then actual)
$(cat want-e.txt)
---
$(cat got.txt)"
else
    echo "note: fonts-hanazono missing: fonts: and --font not tried" >&2
fi

finish
