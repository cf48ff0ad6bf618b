# 落款 per GB/T 9704 7.3.5: without a seal, the agency 右空二字 one blank line below the text and
# the date two characters right of its start; with a seal, the date 右空四字, the agency centred
# over it, the 42 mm seal centred on them with its top within one line of the text, drawn under
# the text. Positions come from the layout dump, the image from poppler.
. "$NB_SOURCE/tests/lib.sh"
need pdfimages pdftotext
need_python
workdir
"$PY" "$NB_TOOLS/makeseal.py" seal.png 240
sed 's|^signoff: .*|&\nseal: seal.png|' "$NB_SOURCE/samples/seed.yaml" >sealed.yaml
render seed.yaml plain.pdf --dump-layout plain.json --dump-format json
render "$NB_WORK/sealed.yaml" sealed.pdf --dump-layout sealed.json --dump-format json
pdfimages -list sealed.pdf | awk 'NR > 2' >images.txt
[ "$(wc -l <images.txt)" -ge 1 ] || problem "no image in the sealed PDF"
[ "$(pdfimages -list plain.pdf | awk 'NR > 2' | wc -l)" -eq 0 ] || problem "image in the plain PDF"
pdftotext sealed.pdf - | tr -d ' \n' | grep -q '湛河区人力资源和社会保障局2026年1月20日' ||
    problem "the 落款 does not read back under the seal"
"$PY" - plain.json sealed.json <<'PY' || problem "落款 geometry is wrong"
import json, sys
MM = 72 / 25.4
RIGHT = 28 * MM + 156 * MM
CELL = 156 * MM / 28
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg, file=sys.stderr)
        ok = False
for name in sys.argv[1:]:
    boxes = json.load(open(name))
    sign = [b for b in boxes if b["kind"] == "signoff"]
    check(len(sign) == 2, f"{name}: two signoff lines")
    agency, date = sign
    check(date["text"] == "2026年1月20日", f"{name}: date text {date['text']}")
    check(agency["page"] == date["page"], f"{name}: agency and date on one page")
    check(abs((agency["y"] - date["y"]) - 156 * MM / 156 * 0 - 225 * MM / 22) < 0.05,
          f"{name}: date one line below the agency")
    body = [b for b in boxes if b["kind"] == "line" and b["page"] == agency["page"]]
    last = min(b["y"] for b in body)
    seal = [b for b in boxes if b["kind"] == "image"]
    if "sealed" in name:
        check(len(seal) == 1, "one seal")
        s = seal[0]
        check(abs(date["x"] + date["width"] - (RIGHT - 4 * CELL)) < 0.5, "date 右空四字")
        check(abs((agency["x"] + agency["width"] / 2) - (date["x"] + date["width"] / 2)) < 0.5,
              "agency centred over the date")
        check(abs((s["x"] + s["width"] / 2) - (date["x"] + date["width"] / 2)) < 0.5,
              "seal centred on the date")
        check(abs(s["width"] - 42 * MM) < 0.5, "seal 42 mm wide")
        centre = s["y"] + s["height"] / 2
        check(centre > agency["y"] + agency["height"] / 2 and centre > date["y"] + date["height"],
              "both lines below the seal's centre")
        top = s["y"] + s["height"]
        check(top <= last + 0.01 and last - top <= 225 * MM / 22, "seal top within one line of the text")
    else:
        check(not seal, "no seal")
        check(abs(agency["x"] + agency["width"] - (RIGHT - 2 * CELL)) < 0.5, "agency 右空二字")
        check(abs(date["x"] - (agency["x"] + 2 * CELL)) < 0.5, "date two characters right")
        check(abs(last - agency["y"] - 2 * 225 * MM / 22) < 0.05, "one blank line above")
sys.exit(0 if ok else 1)
PY
printf 'not a png' >bad.png
sed 's|^signoff: .*|&\nseal: bad.png|' "$NB_SOURCE/samples/seed.yaml" >badseal.yaml
expect_status 1 "$NB" render badseal.yaml -o bad.pdf
grep -q 'badseal.yaml:[0-9]*:[0-9]*: error: cannot use the seal bad.png: it is neither a PNG nor a JPEG' err.txt ||
    problem "bad seal not reported: $(cat err.txt)"
[ -e bad.pdf ] && problem "PDF written despite a bad seal"
finish
