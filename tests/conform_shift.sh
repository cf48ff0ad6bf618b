#!/bin/sh
# Typographic conformance where the breaks fall elsewhere: every sample in 24 variants whose
# paragraphs are lengthened by ordinary report prose (tests/tools/shift_sample.py), so lines end
# on marks, numbers and quotes, and headings and paragraph ends meet page ends at every offset.
# Each PDF is read back through MuPDF by tests/tools/conform.py; zero violations allowed.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python yaml
workdir

for yaml in "$NB_SOURCE"/samples/*.yaml; do
    "$PY" "$NB_TOOLS/shift_sample.py" "$yaml" 24 . || fail "shift_sample.py $yaml failed"
done
count=0
for variant in ./*-[0-9][0-9].yaml; do
    name=$(basename "$variant" .yaml)
    render "$variant" "$name.pdf"
    count=$((count + 1))
    "$PY" "$NB_TOOLS/conform.py" "$name.pdf" >"$name.conform" 2>&1 ||
        problem "$name: $(head -20 "$name.conform")"
done
[ "$count" -ge 48 ] || problem "only $count variants rendered"

finish
