# Tables where the page breaks fall elsewhere: every sample in 8 variants whose paragraphs are
# lengthened (tests/tools/shift_sample.py), so each table starts at another height on its page.
# tests/tools/tablegrid.py on each: labels broken only between words, data columns, padding, one
# size, the grid inside cells, and no page but the last more than 30 % empty. No variant needs
# the exemption for a section heading kept with its table.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python yaml
workdir

for yaml in "$NB_SOURCE"/samples/*.yaml; do
    "$PY" "$NB_TOOLS/shift_sample.py" "$yaml" 8 . || fail "shift_sample.py $yaml failed"
done
count=0
for variant in ./*-[0-9][0-9].yaml; do
    name=$(basename "$variant" .yaml)
    render "$variant" "$name.pdf" --dump-layout "$name.json" --dump-format json
    count=$((count + 1))
    layout=$(sed -n 's/^layout: *//p' "$variant")
    if ! "$PY" "$NB_TOOLS/tablegrid.py" --grid "$name.json" "$NB_SOURCE/layouts/$layout.yaml" \
        "$name.pdf" >"$name.out" 2>"$name.problems"; then
        problem "$name: $(head -5 "$name.problems")"
    fi
    if grep -q '^exempt' "$name.out"; then
        problem "$name: $(grep '^exempt' "$name.out")"
    fi
done
[ "$count" -ge 16 ] || problem "only $count variants rendered"
finish
