# Document furniture, read by qpdf and poppler: the outline holds the title and the six section
# headings in order, each pointing at the page where the layout dump puts that heading; the
# document info holds the title, the agency as author and the report's date.
. "$NB_SOURCE/tests/lib.sh"
need qpdf pdfinfo
need_python
workdir
render seed.yaml seed.pdf --dump-layout seed.json --dump-format json
qpdf --json seed.pdf >seed.qpdf.json || fail "qpdf --json failed"
"$PY" - seed.qpdf.json seed.json <<'PY' || problem "the outline does not match the document"
import json, sys
outline = json.load(open(sys.argv[1]))["outlines"]
boxes = json.load(open(sys.argv[2]))
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg, file=sys.stderr)
        ok = False
check(len(outline) == 1, f"one top entry, got {len(outline)}")
top = outline[0]
check(top["title"] == "湛河区人社局2025年政府信息公开工作年度报告", f"top entry {top['title']}")
check(top["destpageposfrom1"] == 1, "the title entry points at page 1")
headings = [b for b in boxes if b["kind"] == "heading" and b["text"][:2] in
            ("一、", "二、", "三、", "四、", "五、", "六、")]
want = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
kids = top["kids"]
check([k["title"] for k in kids] == want, f"section entries {[k['title'] for k in kids]}")
check([h["text"] for h in headings] == want, f"section headings in the dump {[h['text'] for h in headings]}")
for k, h in zip(kids, headings):
    check(k["destpageposfrom1"] == h["page"], f"{k['title']}: outline page {k['destpageposfrom1']}, heading on page {h['page']}")
    y = k["dest"][3]
    check(y is not None and abs(y - (h["y"] + h["height"])) <= 1.0, f"{k['title']}: outline y {y}, heading top {h['y'] + h['height']}")
sys.exit(0 if ok else 1)
PY
pdfinfo seed.pdf >info.txt
grep -q '^Title: *湛河区人社局2025年政府信息公开工作年度报告$' info.txt || problem "Title: $(grep Title info.txt)"
grep -q '^Author: *湛河区人力资源和社会保障局$' info.txt || problem "Author: $(grep Author info.txt)"
pdfinfo -isodates seed.pdf | grep -q '^CreationDate: *2026-01-20T00:00:00+08' ||
    problem "CreationDate: $(pdfinfo -isodates seed.pdf | grep CreationDate)"
finish
