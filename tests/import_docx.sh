#!/bin/sh
# The Word .docx reader: a Word file made from the long sample (heading styles with outline
# levels, 一、 and （一） generated from numbering.xml rather than typed, runs split mid-word,
# tables merged with w:gridSpan and w:vMerge) reads back as the sample's paragraphs, numbers
# included, and its three tables cell for cell; the headings get their levels. Hostile files
# (truncated, damaged, zip bombs by size and by ratio, a part bigger than its header says,
# nested entities, 10,000 levels of nesting, no zip, no document) are refused with a message,
# each within 2 s and 300 MiB.
. "$NB_SOURCE/tests/lib.sh"
need_python yaml
workdir
dump=$(dirname "$NB")/tests/import_dump
[ -x "$dump" ] || fail "no import_dump beside $NB"
tools=$NB_SOURCE/tests/tools
sample=$NB_SOURCE/samples/huaian-city-2024.yaml
layout=$NB_SOURCE/layouts/gov-2021.yaml

"$PY" "$tools/mkimport.py" docx "$sample" "$layout" report.docx
"$PY" "$tools/mkimport.py" expect "$sample" "$layout" >expect.json
"$dump" docx report.docx >report.json || fail "the .docx was not read"
"$PY" "$tools/importcmp.py" report.json expect.json || problem "the .docx does not read as the sample"
"$PY" - report.json <<'PY' || problem "levels or sizes"
import json, sys
paras = [b for b in json.load(open(sys.argv[1], encoding="utf-8"))["blocks"] if "p" in b]
by_text = {b["p"]: b for b in paras}
assert by_text["淮安市人民政府"]["level"] == 1, "the Title style is level 1"
assert by_text["一、总体情况"]["level"] == 2, "Heading 1 is level 2"
assert by_text["（一）主动公开"]["level"] == 3, "Heading 2 is level 3"
assert by_text["六、其他需要报告的事项"]["level"] == 2
assert by_text["（五）监督保障"]["level"] == 3, "numbering restarts under each 一、"
assert by_text["一、总体情况"]["bold"] == 1 and by_text["淮安市人民政府"]["size"] == 22
body = [b for b in paras if b["p"].startswith("本报告")][0]
assert body["level"] == 0 and body["bold"] == 0 and body["size"] == 16, body
assert [b["line"] for b in paras[:3]] == [1, 2, 3], "positions are paragraph numbers"
PY

"$PY" "$tools/mkhostile.py" docx report.docx
for f in truncated damaged bomb-size bomb-ratio lying laughs notzip nodoc deep; do
    rc=0
    limited 2 300 "$dump" docx $f.docx >$f.out 2>$f.err || rc=$?
    [ "$rc" -eq 2 ] || problem "$f.docx: exit $rc, want 2 ($(head -c 300 $f.err))"
    grep -q "^$f.docx:[0-9]*:[0-9]*: error: " $f.err || problem "$f.docx: no file:line:col message"
    [ -s $f.out ] && problem "$f.docx: output despite the error"
done
grep -q "compressed more than 100:1" bomb-ratio.err || problem "bomb-ratio: $(cat bomb-ratio.err)"
grep -q "inflates to 209715" bomb-size.err || problem "bomb-size: $(cat bomb-size.err)"
grep -q "differs from its header" lying.err || problem "lying: $(cat lying.err)"
finish
