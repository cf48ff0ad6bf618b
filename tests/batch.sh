#!/bin/sh
# nianbao batch: good reports are all written, a broken one is reported with its findings and
# sets the exit code; a batch PDF is byte-identical to the same report rendered alone; two
# inputs with the same output name never overwrite each other; manifests and folders expand in
# a fixed order; unreadable inputs alone give exit code 2.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

seed=$(sample seed.yaml)

# copy_seed OUT AGENCY: the seed report under another agency name.
copy_seed() {
    sed -e "s/^agency: .*/agency: $2/" -e "s/^signoff: .*/signoff: $2/" "$seed" >"$1"
}

mkdir in
copy_seed in/a-renshe.yaml 湛河区人力资源和社会保障局
copy_seed in/b-caizheng.yaml 湛河区财政局
copy_seed in/c-jiaoyu.yaml 湛河区教育局
copy_seed in/d-minzheng.yaml 湛河区民政局
# The broken one: one application counted under 自然人 but not in the row's 总计.
sed -e 's/^\( *new: *\)\[0, 0, 0, 0, 0, 0\]/\1[1, 0, 0, 0, 0, 0]/' "$seed" >in/c2-broken.yaml
grep -q 'new: *\[1, 0, 0, 0, 0, 0\]' in/c2-broken.yaml || fail "could not break the sample"
broken_line=$(grep -n 'new: *\[1, 0' in/c2-broken.yaml | cut -d: -f1)

# 1. A folder with four good reports and a broken one, two workers.
expect_status 1 "$NB" batch in -o out -j 2
[ "$status_ok" = yes ] || cat err.txt >&2
for name in a-renshe b-caizheng c-jiaoyu d-minzheng; do
    if [ ! -s "out/$name.pdf" ]; then
        problem "out/$name.pdf was not written"
    elif [ "$(head -c 5 "out/$name.pdf")" != "%PDF-" ]; then
        problem "out/$name.pdf is not a PDF"
    fi
done
[ ! -e out/c2-broken.pdf ] || problem "the broken report was written"
grep -q '4 written, [0-9]* with warnings, 1 failed' out.txt ||
    problem "summary line wrong: $(cat out.txt)"
grep -q "c2-broken.yaml:$broken_line:[0-9]*: error:" err.txt ||
    problem "the broken report's finding (line $broken_line) is not on stderr: $(head -c 600 err.txt)"
[ -s out/batch-report.json ] || problem "no out/batch-report.json"
ls -a out | grep -q '^\.batch-report' && problem "temporary file left in out/"

"$PY" - "$broken_line" <<'EOF' || problem "batch-report.json does not say what happened"
import json, sys
line = int(sys.argv[1])
r = json.load(open("out/batch-report.json", encoding="utf-8"))
s = r["summary"]
assert (s["inputs"], s["written"], s["failed"]) == (5, 4, 1), s
by = {x["input"].split("/")[-1]: x for x in r["reports"]}
# folder order: sorted by name
assert [x["input"].split("/")[-1] for x in r["reports"]] == sorted(by), r["reports"]
bad = by["c2-broken.yaml"]
assert bad["status"] == "failed" and bad["output"] is None, bad
assert bad["errors"] >= 1, bad
errs = [f for f in bad["findings"] if f["severity"] == "error"]
assert errs and all(f["file"].endswith("c2-broken.yaml") for f in errs), bad
assert any(f["line"] == line for f in errs), (line, errs)
for name in ("a-renshe", "b-caizheng", "c-jiaoyu", "d-minzheng"):
    x = by[name + ".yaml"]
    # the seed sample's layout has no 其他 column, which the checker may note as a warning
    assert x["status"] in ("written", "warnings") and x["output"].endswith(name + ".pdf"), x
    assert x["errors"] == 0 and x["bytes"] > 10000, x
EOF

# 2. Batch output is byte-identical to a render of the same report alone.
for name in a-renshe d-minzheng; do
    render "in/$name.yaml" "alone-$name.pdf"
    cmp -s "alone-$name.pdf" "out/$name.pdf" ||
        problem "out/$name.pdf differs from the same report rendered alone"
done

# 3. Collisions: same stem in two folders, and a name differing only in case. The first input
#    in order is written; the later ones fail and nothing is overwritten.
mkdir -p x y
copy_seed x/same.yaml 湛河区财政局
copy_seed y/same.yaml 湛河区教育局
copy_seed y/SAME.json 湛河区民政局
expect_status 1 "$NB" batch x/same.yaml y/same.yaml y/SAME.json -o coll -j 3
[ -s coll/same.pdf ] || problem "the first of the colliding inputs was not written"
[ ! -e coll/SAME.pdf ] || problem "a name differing only in case was written"
render x/same.yaml alone-same.pdf
cmp -s alone-same.pdf coll/same.pdf || problem "coll/same.pdf is not x/same.yaml's PDF"
grep -q '1 written, [0-9]* with warnings, 2 failed' out.txt || problem "collision summary: $(cat out.txt)"
grep -q 'y/same.yaml: error: output name .* already taken by x/same.yaml' err.txt ||
    problem "no collision error for y/same.yaml: $(head -c 600 err.txt)"

# 4. --names agency, from a manifest: two reports of one agency and year collide.
printf '%s\n' "# comment" in/a-renshe.yaml "" in/b-caizheng.yaml x/same.yaml >list.txt
expect_status 1 "$NB" batch @list.txt -o byagency --names agency -j 2 --report agency.json
[ -s "byagency/湛河区人力资源和社会保障局-2025.pdf" ] || problem "no PDF named after the agency"
[ -s "byagency/湛河区财政局-2025.pdf" ] || problem "no PDF for 湛河区财政局"
cmp -s "byagency/湛河区财政局-2025.pdf" out/b-caizheng.pdf ||
    problem "--names agency: 湛河区财政局-2025.pdf is not in/b-caizheng.yaml's PDF"
grep -q 'x/same.yaml: error: output name .* already taken by in/b-caizheng.yaml' err.txt ||
    problem "no agency-name collision error: $(head -c 600 err.txt)"
[ -s agency.json ] || problem "--report agency.json not written"

# 5. Only unreadable inputs: exit 2; a missing manifest too.
expect_status 2 "$NB" batch no-such.yaml @no-such-list.txt -o none
grep -q 'no-such.yaml: error: cannot read' err.txt || problem "missing input not reported"
# Wrong usage: exit 2.
expect_status 2 "$NB" batch in
expect_status 2 "$NB" batch in -o out2 -j 0

# 6. --check-only: no PDFs, same verdicts.
expect_status 1 "$NB" batch in --check-only -o chk
[ ! -e chk/a-renshe.pdf ] || problem "--check-only wrote a PDF"
grep -q '5 checked, [0-9]* clean, [0-9]* with warnings, 1 failed' out.txt ||
    problem "--check-only summary: $(cat out.txt)"
expect_status 0 "$NB" batch in/a-renshe.yaml in/b-caizheng.yaml --check-only

# 7. --force renders the broken report anyway and says so.
expect_status 0 "$NB" batch in/c2-broken.yaml -o forced --force
[ -s forced/c2-broken.pdf ] || problem "--force did not write the broken report"
grep -q '1 written, 1 with warnings, 0 failed' out.txt || problem "--force summary: $(cat out.txt)"

# 8. A batch of 151 reports on one thread: the last report, rendered after 150 others on the
#    same fonts, has the same bytes as the same report rendered alone.
"$PY" "$NB_SOURCE/bench/gen.py" 151 many
expect_status 0 "$NB" batch many -o many-out -j 1
grep -q '151 written, [0-9]* with warnings, 0 failed' out.txt || problem "151 reports: $(cat out.txt)"
for n in r00000 r00001 r00150; do
    render "many/$n.yaml" "alone-$n.pdf"
    cmp -s "alone-$n.pdf" "many-out/$n.pdf" ||
        problem "many-out/$n.pdf differs from the same report rendered alone"
done

finish
