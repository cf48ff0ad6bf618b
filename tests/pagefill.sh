#!/bin/sh
# Pages without holes and a 落款 that never stands alone (issue 12; GB/T 9704 7.3.5), read back
# through MuPDF by tests/tools/pagefill.py:
#   - every sample (and tests/data/pages/*.yaml, fixtures of real reports' shapes): no page but the last more than 30 % empty, except a page followed by a
#     section heading that keeps with its table (a heading, at most two lines, then table text);
#     body text on the last page above the 落款;
#   - 24 variants of the seed whose section 六 is one line ("本年度未收取信息处理费。") and whose
#     section 五 grows by one line per variant, so that the 落款 falls at every place of a page:
#     each keeps body text with its 落款 (the last lines of the body, and their heading when the
#     paragraph is short, go over with it) and has no page more than 30 % empty.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python yaml
workdir

for yaml in "$NB_SOURCE"/samples/*.yaml "$NB_SOURCE"/tests/data/pages/*.yaml; do
    name=$(basename "$yaml" .yaml)
    render "$yaml" "$name.pdf"
    for what in holes signoff; do
        "$PY" "$NB_TOOLS/pagefill.py" $what "$name.pdf" >"$name.$what" 2>&1 ||
            problem "$name: $(grep -v ': filled ' "$name.$what" | head -5)"
    done
done

mkdir variants
"$PY" "$NB_TOOLS/pagefill.py" variants "$(sample seed.yaml)" variants 24 ||
    fail "cannot write the variants"
for v in variants/v*.json; do
    pdf=${v%.json}.pdf
    render "$v" "$pdf"
    for what in holes signoff; do
        "$PY" "$NB_TOOLS/pagefill.py" $what "$pdf" >"$pdf.$what" 2>&1 ||
            problem "$(grep -v ': filled ' "$pdf.$what" | head -5)"
    done
done
# The variants must have moved the 落款 over a whole page: at least two page counts.
pages=$(for p in variants/v*.pdf; do mutool info "$p" 2>/dev/null | sed -n 's/^Pages: //p'; done |
        sort -u | wc -l)
[ "$pages" -ge 2 ] || problem "the variants all have the same number of pages"

finish
