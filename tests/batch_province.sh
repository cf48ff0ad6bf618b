#!/bin/sh
# nianbao batch for a whole province: 30 reports in nested folders (-r), three of them broken
# (an arithmetic error, malformed YAML, a character no font has), last year's reports paired by
# agency (--previous-dir), every PDF made with --pdfa and signed. Each finding is listed once on
# standard error, in the JSON and in the CSV summary (UTF-8 with BOM); the output tree mirrors
# the input; a broken report's PDF left by an earlier run is removed; --changed skips what did
# not change and renders what did; the PDFs pass Preflight and pdfsig.
. "$NB_SOURCE/tests/lib.sh"
need openssl pdfsig
need_python
workdir

seed=$(sample seed.yaml)

# report FILE AGENCY [YEAR]: the seed under another agency (and year).
report() {
    mkdir -p "$(dirname "$1")"
    sed -e "s/^agency: .*/agency: $2/" -e "s/^signoff: .*/signoff: $2/" \
        -e "s/^year: .*/year: ${3:-2025}/" "$seed" >"$1"
}

n=0
for dir in in/市直 in/区县/湛河区 in/区县/新华区/街道; do
    for k in 1 2 3 4 5 6 7 8 9 10; do
        n=$((n + 1))
        report "$dir/r$k.yaml" "测试单位$n"
    done
done
# Broken: 1. a row whose 总计 is not its sum (the check), 2. malformed YAML (the loader),
# 3. a character no font has (found by the check, as typesetting would find it).
sed -i -e 's/^\( *new: *\)\[0, 0, 0, 0, 0, 0\]/\1[1, 0, 0, 0, 0, 0]/' in/市直/r2.yaml
grep -q 'new: *\[1, 0' in/市直/r2.yaml || fail "could not break in/市直/r2.yaml"
printf 'agency: 测试单位\nyear: [2025\n' >in/区县/湛河区/r3.yaml
sed -i -e 's/2025年，湛河区/2025年，𠮷湛河区/' in/区县/新华区/街道/r4.yaml
grep -q '𠮷' in/区县/新华区/街道/r4.yaml || fail "could not put 𠮷 into r4.yaml"
broken="市直/r2 区县/湛河区/r3 区县/新华区/街道/r4"

# Last year's reports: two agencies. 测试单位1's counts 5 规章 in force, so this year's 0 gives
# a cross-year warning (rule A1) that only the pairing can produce.
report prev/a/last1.yaml 测试单位1 2024
sed -i -e 's/^\( *rules: *\)\[0, 0, 0\]/\1[0, 0, 5]/' prev/a/last1.yaml
grep -q 'rules: *\[0, 0, 5\]' prev/a/last1.yaml || fail "could not change last year's 规章"
report prev/b/last15.yaml 测试单位15 2024
report prev/b/older15.yaml 测试单位15 2023

# A PDF left by an earlier run where each broken report's PDF would go, and where a good one's
# goes.
mkdir -p out/市直 out/区县/湛河区 out/区县/新华区/街道
for b in $broken; do
    printf '%%PDF-1.4 stale\n' >"out/$b.pdf"
done
printf '%%PDF-1.4 stale\n' >out/市直/r1.pdf

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 3650 \
    -subj "/CN=nianbao batch test/O=Test Office" 2>openssl.err || fail "openssl req: $(cat openssl.err)"
openssl pkcs12 -export -inkey key.pem -in cert.pem -out id.p12 -passout pass:batch-secret \
    2>>openssl.err || fail "openssl pkcs12: $(cat openssl.err)"
export BATCH_PW=batch-secret

# 1. The first run.
expect_status 1 "$NB" batch -r in -o out -j2 --pdfa --sign id.p12 --sign-password-env BATCH_PW \
    --previous-dir prev --summary out/summary.csv
cp err.txt run1.err
cp out.txt run1.out
grep -q '27 written, [0-9]* with warnings, 3 failed' run1.out || problem "run 1 summary: $(cat run1.out)"

# The output tree mirrors the input; no PDF for a broken report, not even last run's.
for f in $(cd in && find . -name '*.yaml' | sed 's|^\./||; s|\.yaml$||'); do
    case " $broken " in
    *" $f "*) [ -e "out/$f.pdf" ] && problem "out/$f.pdf remains for a broken report" ;;
    *) [ "$(head -c 7 "out/$f.pdf" 2>/dev/null)" = "%PDF-1." ] && [ "$(wc -c <"out/$f.pdf")" -gt 10000 ] ||
           problem "out/$f.pdf was not written" ;;
    esac
done
[ "$(find out -name '*.pdf' | wc -l)" -eq 27 ] || problem "out holds $(find out -name '*.pdf' | wc -l) PDFs, want 27"
grep -q 'removed out/市直/r2.pdf' run1.err || problem "the removal of a stale PDF was not reported: $(head -c 400 run1.err)"

# What `nianbao check` finds, report by report, for comparison.
for f in $(cd in && find . -name '*.yaml' | sed 's|^\./||'); do
    prev=""
    case "$f" in
    市直/r1.yaml) prev=prev/a/last1.yaml ;;
    区县/湛河区/r5.yaml) prev=prev/b/last15.yaml ;; # 测试单位15
    esac
    mkdir -p "check/$(dirname "$f")"
    "$NB" check --format json "in/$f" ${prev:+--previous "$prev"} >"check/$f.json" 2>/dev/null || true
done

"$PY" - run1.err <<'PYEOF' || problem "run 1: findings are not listed exactly once"
import csv, json, os, sys
err = open(sys.argv[1], encoding="utf-8").read().splitlines()
r = json.load(open("out/batch-report.json", encoding="utf-8"))
raw = open("out/summary.csv", "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
assert b"\r\n" in raw, "no CRLF line ends"
rows = list(csv.DictReader(open("out/summary.csv", encoding="utf-8-sig", newline="")))
by_csv = {row["input"]: row for row in rows}
bad = []
assert len(r["reports"]) == 30 and len(rows) == 30, (len(r["reports"]), len(rows))

def key(f):
    return (f["file"], f["line"], f["column"], f["severity"], f["message"])

for rep in r["reports"]:
    inp = rep["input"]
    found = [key(f) for f in rep["findings"]]
    if len(found) != len(set(found)):
        bad.append(f"{inp}: a finding twice in the JSON: {found}")
    checked = json.load(open("check/" + inp[3:] + ".json", encoding="utf-8"))
    want = [key(f) for f in checked]
    extra = [f for f in found if f not in want]
    if any(f not in found for f in want):
        bad.append(f"{inp}: check finds {want}, the batch {found}")
    if inp.endswith("街道/r4.yaml"):
        missing = [f for f in found if "20BB7" in f[4] and f[3] == "error"]
        if len(missing) != 1 or extra:
            bad.append(f"{inp}: want the check's one error naming 𠮷 and nothing beyond: {found}")
    if extra:
        bad.append(f"{inp}: findings beyond the check's: {extra}")
    # stderr: each finding once
    for f in found:
        line = f"{f[0]}:{f[1]}:{f[2]}: {f[3]}: {f[4]}" if f[1] else f"{f[0]}: {f[3]}: {f[4]}"
        if err.count(line) != 1:
            bad.append(f"{inp}: on stderr {err.count(line)} times: {line}")
    # CSV: the same findings, one line each in the report's row
    row = by_csv[inp]
    cells = [l for l in row["findings"].split("\n") if l]
    if len(cells) != len(found) or int(row["errors"]) != rep["errors"] or int(row["warnings"]) != rep["warnings"]:
        bad.append(f"{inp}: CSV {row} vs JSON {rep['findings']}")
    if row["status"] != rep["status"]:
        bad.append(f"{inp}: CSV status {row['status']}, JSON {rep['status']}")
    if rep["status"] == "failed" and rep["output"] is not None:
        bad.append(f"{inp}: failed with an output")
# The pairing by agency: 测试单位1 with last1 (a cross-year warning), 测试单位15 with last15.
by = {x["input"]: x for x in r["reports"]}
if by["in/市直/r1.yaml"]["previous"] != "prev/a/last1.yaml":
    bad.append(f"r1 paired with {by['in/市直/r1.yaml']['previous']}")
if not any("上年" in f["message"] or "last year" in f["message"] for f in by["in/市直/r1.yaml"]["findings"]):
    bad.append(f"r1: no cross-year finding: {by['in/市直/r1.yaml']['findings']}")
if by["in/区县/湛河区/r5.yaml"]["previous"] != "prev/b/last15.yaml":
    bad.append(f"区县/湛河区/r5 paired with {by['in/区县/湛河区/r5.yaml']['previous']}")
if by["in/市直/r3.yaml"]["previous"] is not None:
    bad.append("r3 has a previous report though none names its agency")
stale = sorted(x["input"] for x in r["reports"] if x["stale_output_removed"])
if stale != ["in/区县/新华区/街道/r4.yaml", "in/区县/湛河区/r3.yaml", "in/市直/r2.yaml"]:
    bad.append(f"stale_output_removed: {stale}")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# The signed PDF/A files: pdfsig and Preflight.
for f in out/市直/r1.pdf out/区县/新华区/街道/r10.pdf; do
    pdfsig "$f" >pdfsig.txt 2>&1 || true
    grep -q 'Signature Validation: Signature is Valid\.' pdfsig.txt || problem "pdfsig: $f: $(cat pdfsig.txt)"
    grep -q 'Total document signed' pdfsig.txt || problem "pdfsig: $f is not signed in total"
done
pf=0
sh "$NB_SOURCE/scripts/preflight.sh" out/市直/r1.pdf out/区县/新华区/街道/r10.pdf >preflight.out 2>preflight.err || pf=$?
if [ "$pf" -eq 2 ]; then
    echo "note: Preflight cannot run here: $(cat preflight.err)" >&2
else
    for f in out/市直/r1.pdf out/区县/新华区/街道/r10.pdf; do
        grep -q -x "$f: valid PDF/A-1b" preflight.out || problem "Preflight rejects $f: $(cat preflight.out)"
    done
fi

# 2. --changed: one report edited, one broken report mended, one PDF deleted; the rest are
#    unchanged and skipped (their PDFs not even rewritten).
ls -li out/市直/r3.pdf >r3.before
sed -i -e 's/^date: .*/date: 2026-01-21/' in/市直/r5.yaml
sed -i -e 's/^\( *new: *\)\[1, 0, 0, 0, 0, 0\]/\1[0, 0, 0, 0, 0, 0]/' in/市直/r2.yaml
rm out/区县/湛河区/r7.pdf
cp out/市直/r5.pdf r5.before.pdf
sleep 1
expect_status 1 "$NB" batch -r in -o out -j2 --pdfa --sign id.p12 --sign-password-env BATCH_PW \
    --previous-dir prev --summary out/summary.csv --changed
cp out.txt run2.out
grep -q '3 written, [0-9]* with warnings, 2 failed, 25 unchanged' run2.out ||
    problem "run 2 summary: $(cat run2.out)"
ls -li out/市直/r3.pdf | cmp -s - r3.before || problem "an unchanged report's PDF was rewritten"
cmp -s out/市直/r5.pdf r5.before.pdf && problem "the edited report's PDF was not rendered again"
[ -s out/区县/湛河区/r7.pdf ] || problem "a deleted PDF of an unchanged report was not rendered again"
[ -s out/市直/r2.pdf ] || problem "the mended report was not rendered"
"$PY" - <<'PYEOF' || problem "run 2: the JSON does not say what --changed did"
import json
r = json.load(open("out/batch-report.json", encoding="utf-8"))
by = {x["input"]: x for x in r["reports"]}
assert by["in/市直/r3.yaml"]["status"] == "unchanged", by["in/市直/r3.yaml"]
assert by["in/市直/r3.yaml"]["output"] == "out/市直/r3.pdf", by["in/市直/r3.yaml"]
assert by["in/市直/r1.yaml"]["status"] == "unchanged" and by["in/市直/r1.yaml"]["warnings"] >= 2, by["in/市直/r1.yaml"]
for name in ("in/市直/r5.yaml", "in/市直/r2.yaml", "in/区县/湛河区/r7.yaml"):
    assert by[name]["status"] in ("written", "warnings"), by[name]
assert r["summary"]["unchanged"] == 25, r["summary"]
PYEOF

# 3. Other options are a change too; so is last year's report.
expect_status 1 "$NB" batch -r in -o out -j2 --pdfa --sign id.p12 --sign-password-env BATCH_PW \
    --previous-dir prev --changed --copies 2
grep -q '28 written, [0-9]* with warnings, 2 failed, 0 unchanged' out.txt ||
    problem "run 3 (--copies 2): $(cat out.txt)"
sed -i -e 's/^\( *rules: *\)\[0, 0, 5\]/\1[0, 0, 6]/' prev/a/last1.yaml
expect_status 1 "$NB" batch -r in -o out -j2 --pdfa --sign id.p12 --sign-password-env BATCH_PW \
    --previous-dir prev --changed --copies 2
grep -q '1 written, [0-9]* with warnings, 2 failed, 27 unchanged' out.txt ||
    problem "run 4 (last year's report changed): $(cat out.txt)"

# 4. --check-only keeps its own summary.
cp out/batch-report.json render-summary.json
expect_status 1 "$NB" batch -r in -o out --check-only
cmp -s out/batch-report.json render-summary.json || problem "--check-only replaced the render's summary"
[ -s out/batch-check.json ] || problem "--check-only wrote no out/batch-check.json"

finish
