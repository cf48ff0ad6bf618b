#!/bin/sh
# The 28-cell grid (FORMAT.md §3.4a), read back through MuPDF by tests/tools/gridcheck.py: in
# every sample (and tests/data/pages/*.yaml),
# every body line made only of Han characters and full-width marks has each
# character's origin on LEFT + k × 156 mm/28 (±0.3 pt), no line holds more than 28 cells, and a
# full line shorter than 28 cells is one that 推出 stretched evenly to keep a 禁则, and every
# character lies k pitches (or k equal steps) from its line's first within 0.002 pt. The compact
# style (`style: compact`) is the counter-case: the same seed set compact must fail the check.
# A style other than grid or compact is bad input (exit 2, with its position).
. "$NB_SOURCE/tests/lib.sh"
need mutool qpdf fix-qdf
need_python
workdir

count=0
for yaml in "$NB_SOURCE"/samples/*.yaml "$NB_SOURCE"/tests/data/pages/*.yaml; do
    name=$(basename "$yaml" .yaml)
    render "$yaml" "$name.pdf"
    count=$((count + 1))
    "$PY" "$NB_TOOLS/gridcheck.py" -v "$name.pdf" >"$name.grid" 2>&1 ||
        problem "$name: $(head -20 "$name.grid")"
    # A sample with no full Han-only line would prove nothing.
    grep -q ', [1-9][0-9]* full,' "$name.grid" || problem "$name: no full Han-only line checked"
done
[ "$count" -ge 2 ] || problem "only $count sample(s) found under samples/"

# The explicit `style: grid` is the default; `style: compact` squeezes marks off the grid.
for style in grid compact; do
    sed "s/^layout:/style: $style\nlayout:/" "$NB_SOURCE/samples/seed.yaml" >"$style.yaml"
    grep -q "^style: $style" "$style.yaml" || fail "could not write $style.yaml"
    render "$style.yaml" "$style.pdf"
done
cmp -s grid.pdf seed.pdf || problem "style: grid gives another PDF than the default"
st=0
"$PY" "$NB_TOOLS/gridcheck.py" compact.pdf >compact.grid 2>&1 || st=$?
[ "$st" -eq 1 ] || problem "the compact seed passes the grid check (exit $st)"
grep -q 'more than 28' compact.grid || problem "the compact seed has no line over 28 cells"

# The check holds glyphs to 0.002 pt of the grid: the seed with its character spacing (Tc)
# spoiled by 0.0002 pt, a drift of 0.005 pt over a line of 28, fails it.
qpdf --qdf --object-streams=disable seed.pdf qdf.pdf || problem "qpdf --qdf failed"
"$PY" - <<'EOF' || problem "no Tc in the seed's content streams to spoil"
import re, sys
data = open("qdf.pdf", "rb").read()
data, n = re.subn(rb"(-?[0-9]+(?:\.[0-9]+)?) Tc",
                  lambda m: b"%.2f Tc" % (float(m.group(1)) + 0.2), data)
open("drift-qdf.pdf", "wb").write(data)
sys.exit(0 if n else 1)
EOF
fix-qdf drift-qdf.pdf >drift.pdf || problem "fix-qdf failed"
st=0
"$PY" "$NB_TOOLS/gridcheck.py" drift.pdf >drift.grid 2>&1 || st=$?
[ "$st" -eq 1 ] || problem "a seed whose glyphs drift by 0.005 pt passes the grid check (exit $st)"
grep -q 'off k pitches' drift.grid ||
    problem "the drifting seed fails for another reason: $(head -3 drift.grid)"

# --style on the command line overrides the report's style: the same bytes as `style: compact`.
"$NB" render grid.yaml -o cli.pdf --style compact 2>cli.stderr || problem "--style compact failed"
cmp -s cli.pdf compact.pdf || problem "--style compact gives another PDF than style: compact"
expect_status 2 "$NB" render grid.yaml -o cli2.pdf --style tight
grep -q -- '--style takes grid or compact' err.txt || problem "--style tight: $(cat err.txt)"

sed 's/^layout:/style: tight\nlayout:/' "$NB_SOURCE/samples/seed.yaml" >bad.yaml
expect_status 2 "$NB" render bad.yaml -o bad.pdf
grep -q 'bad.yaml:[0-9]*:[0-9]*: error: style must be grid or compact' err.txt ||
    problem "no positioned message for style: tight: $(cat err.txt)"
[ ! -e bad.pdf ] || problem "a PDF was written for a bad style"

finish
