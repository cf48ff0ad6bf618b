#!/bin/sh
# nianbao batch --format: a batch writes the portal page (NAME.html) for every report, alone or
# beside its PDF, mirroring subfolders with -r. Every page validates with tidy and
# tests/tools/htmlcheck.py finds its tables equal to the description; each page and PDF has
# the bytes of the same report rendered alone; the JSON and CSV summaries name every output;
# a failed report leaves neither an old PDF nor an old page; --changed keeps track of each
# output; the pages a batch wrote into a folder are not read back from it as reports.
. "$NB_SOURCE/tests/lib.sh"
need tidy
need_python yaml
workdir

mkdir -p in/sub
for s in seed huaian-city-2024 gov-2019-example; do
    cp "$NB_SOURCE/samples/$s.yaml" "in/$s.yaml"
done
cp "$NB_SOURCE/samples/seed.json" in/sub/seed-json.json
# The broken one: one application counted under 自然人 but not in the row's 总计.
sed -e 's/^\( *new: *\)\[0, 0, 0, 0, 0, 0\]/\1[1, 0, 0, 0, 0, 0]/' in/seed.yaml >in/sub/broken.yaml
grep -q 'new: *\[1, 0, 0, 0, 0, 0\]' in/sub/broken.yaml || fail "could not break the sample"
good="seed huaian-city-2024 gov-2019-example sub/seed-json"

# Outputs an earlier run left for the report that now fails.
mkdir -p out/sub
echo old >out/sub/broken.pdf
echo old >out/sub/broken.html

# 1. Both formats in one run, from a repeated --format and a list.
expect_status 1 "$NB" batch in -r -o out --format pdf --format html --summary out/summary.csv -j 2
grep -q '4 written, [0-9]* with warnings, 1 failed' out.txt || problem "summary line: $(cat out.txt)"
for name in $good; do
    src=in/$name.yaml
    [ -f "$src" ] || src=in/$name.json
    [ -s "out/$name.pdf" ] || problem "out/$name.pdf not written"
    [ -s "out/$name.html" ] || { problem "out/$name.html not written"; continue; }
    tidy -errors -q "out/$name.html" >tidy.out 2>&1 ||
        { cat tidy.out >&2; problem "$name.html: tidy finds errors"; }
    "$PY" "$NB_TOOLS/htmlcheck.py" "$src" "$NB_SOURCE/layouts" "out/$name.html" ||
        problem "out/$name.html: htmlcheck"
    "$NB" render "$src" --format html -o alone.html 2>/dev/null || problem "$name: render --format html"
    cmp -s alone.html "out/$name.html" || problem "out/$name.html differs from render --format html"
    "$NB" render "$src" -o alone.pdf 2>/dev/null || problem "$name: render"
    cmp -s alone.pdf "out/$name.pdf" || problem "out/$name.pdf differs from render"
done
[ ! -e out/sub/broken.pdf ] || problem "the failed report's old PDF is still there"
[ ! -e out/sub/broken.html ] || problem "the failed report's old page is still there"
grep -q 'removed out/sub/broken.html, left by an earlier run' err.txt ||
    problem "the removal of the old page is not reported: $(grep -v warning err.txt | head -c 600)"
ls -a out out/sub | grep -v -x -e . -e .. -e .nianbao-batch-state | grep -q "^\." && problem "temporary file left in out/: $(ls -a out out/sub)"

"$PY" - <<'EOF' || problem "the summaries do not name every output"
import csv, json
r = json.load(open("out/batch-report.json", encoding="utf-8"))
assert r["formats"] == ["pdf", "html"], r["formats"]
by = {x["input"][len("in/"):]: x for x in r["reports"]}
for name in ("seed.yaml", "huaian-city-2024.yaml", "gov-2019-example.yaml", "sub/seed-json.json"):
    x = by[name]
    stem = "out/" + name.rsplit(".", 1)[0]
    assert x["output"] == stem + ".pdf", x
    assert x["outputs"] == {"pdf": stem + ".pdf", "html": stem + ".html"}, x
bad = by["sub/broken.yaml"]
assert bad["status"] == "failed" and bad["output"] is None and bad["outputs"] == {}, bad
assert bad["stale_output_removed"] is True, bad
rows = list(csv.DictReader(open("out/summary.csv", encoding="utf-8-sig", newline="")))
assert len(rows) == 5, rows
for row in rows:
    stem = "out/" + row["input"][len("in/"):].rsplit(".", 1)[0]
    if row["status"] == "failed":
        assert row["output"] == "" and row["html_output"] == "", row
    else:
        assert row["output"] == stem + ".pdf" and row["html_output"] == stem + ".html", row
EOF

# 2. The page alone (pdf,html as one list gives the same pages), and the CMS fragment.
expect_status 1 "$NB" batch in -r -o pages --format html
for name in $good; do
    [ -s "pages/$name.html" ] || problem "pages/$name.html not written"
    cmp -s "pages/$name.html" "out/$name.html" || problem "pages/$name.html differs from out/"
done
ls pages pages/sub | grep -q '\.pdf$' && problem "--format html wrote a PDF"
"$PY" -c '
import json; r = json.load(open("pages/batch-report.json", encoding="utf-8"))
assert r["formats"] == ["html"], r["formats"]
x = [x for x in r["reports"] if x["input"] == "in/seed.yaml"][0]
assert x["outputs"] == {"html": "pages/seed.html"} and x["output"] == "pages/seed.html", x
' || problem "--format html: the JSON summary"
expect_status 1 "$NB" batch in -r -o both --format pdf,html
cmp -s both/seed.html out/seed.html || problem "--format pdf,html differs from --format pdf --format html"
[ -s both/sub/seed-json.pdf ] || problem "--format pdf,html wrote no PDF"
expect_status 0 "$NB" batch in/seed.yaml in/huaian-city-2024.yaml -o frag --format html --html-fragment
for name in seed huaian-city-2024; do
    grep -q '<html' "frag/$name.html" && problem "frag/$name.html is a whole page"
    "$PY" "$NB_TOOLS/htmlcheck.py" --fragment "in/$name.yaml" "$NB_SOURCE/layouts" "frag/$name.html" ||
        problem "frag/$name.html: htmlcheck --fragment"
done

# 3. --changed tracks each output: nothing is rendered again, until a page is removed.
expect_status 0 "$NB" batch in/seed.yaml in/huaian-city-2024.yaml -o ch --format pdf,html --changed
expect_status 0 "$NB" batch in/seed.yaml in/huaian-city-2024.yaml -o ch --format pdf,html --changed
grep -q '0 written, .* 2 unchanged' out.txt || problem "--changed, second run: $(cat out.txt)"
rm ch/seed.html
expect_status 0 "$NB" batch in/seed.yaml in/huaian-city-2024.yaml -o ch --format pdf,html --changed
grep -q '1 written, .* 1 unchanged' out.txt || problem "--changed, a page removed: $(cat out.txt)"
cmp -s ch/seed.html out/seed.html || problem "--changed: the page written again differs"

# 4. Pages written into the input folder are not read back as reports by the next run.
mkdir same
cp in/seed.yaml in/huaian-city-2024.yaml same/
expect_status 0 "$NB" batch same -o same --format html
expect_status 0 "$NB" batch same -o same --format html
grep -q '^nianbao batch: 2 written' out.txt || problem "a second run read its own pages: $(cat out.txt)"

# 5. Wrong usage: exit 2.
expect_status 2 "$NB" batch in -o u1 --format xml
expect_status 2 "$NB" batch in -o u2 --format pdf, 
expect_status 2 "$NB" batch in -o u3 --html-fragment
expect_status 2 "$NB" batch in -o u4 --format pdf --html-fragment
expect_status 2 "$NB" batch in --check-only --format html
for u in u1 u2 u3 u4; do
    ls $u/*.html $u/*.pdf >/dev/null 2>&1 && problem "a usage error wrote output into $u"
done

finish
