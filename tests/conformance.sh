#!/bin/sh
# Typographic conformance of every sample: each samples/*.yaml is rendered and its PDF read back
# through MuPDF by tests/tools/conform.py (版心, flush full lines, 禁则, compressed mark pairs,
# quarter-字 Han–Latin gaps, no 孤字, fonts and sizes per element, page numbers on odd and even
# pages, headings and lone lines at page ends). Zero violations allowed.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python
workdir

count=0
for yaml in "$NB_SOURCE"/samples/*.yaml "$NB_SOURCE"/tests/data/pages/*.yaml; do
    name=$(basename "$yaml" .yaml)
    render "$yaml" "$name.pdf"
    count=$((count + 1))
    "$PY" "$NB_TOOLS/conform.py" "$name.pdf" >"$name.conform" 2>&1 ||
        problem "$name: $(head -40 "$name.conform")"
done
[ "$count" -ge 2 ] || problem "only $count sample(s) found under samples/"

finish
