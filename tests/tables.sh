# Both samples' tables, read from the layout dump and from poppler: cells inside the 版心 and
# apart, every text inside its cell, no row split, header rows and cut group labels drawn again
# after a page break, and every label and value read back by pdftotext from its cell.
. "$NB_SOURCE/tests/lib.sh"
need pdftotext
need_python yaml
workdir
for s in seed huaian-city-2024 gov-2019-example; do
    render "$s.yaml" "$s.pdf" --dump-layout "$s.json" --dump-format json
    pdftotext -bbox "$s.pdf" "$s.html"
    layout=$(sed -n 's/^layout: *//p' "$NB_SOURCE/samples/$s.yaml")
    "$PY" "$NB_TOOLS/tablecheck.py" "$s.json" "$s.html" "$NB_SOURCE/layouts/$layout.yaml" \
        "$NB_SOURCE/samples/$s.yaml" >"$s.problems" || problem "$s: $(cat "$s.problems")"
done
# The long sample exists to show a break inside 三、本年度办理结果: keep it so.
grep -q '"repeat": 1, "text": "三、本年度办理结果"' huaian-city-2024.json ||
    problem "huaian-city-2024: 表三 is no longer cut inside 三、本年度办理结果"
# The checker itself must see a dropped repeat.
"$PY" - huaian-city-2024.json <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b = [x for x in b if not (x["kind"] == "cell" and x.get("repeat") and x["text"] == "三、本年度办理结果")]
json.dump(b, open("dropped.json", "w"), ensure_ascii=False)
PY
if "$PY" "$NB_TOOLS/tablecheck.py" dropped.json huaian-city-2024.html \
    "$NB_SOURCE/layouts/gov-2021.yaml" "$NB_SOURCE/samples/huaian-city-2024.yaml" >/dev/null; then
    problem "tablecheck.py did not notice a missing repeated label"
fi
finish
