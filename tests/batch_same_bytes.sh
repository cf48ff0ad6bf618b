#!/bin/sh
# A batch gives every report the bytes `render` gives it alone: the engine's font-subset cache
# (shared by the worker threads) reuses a subset only for exactly the same font and glyph set,
# and its table labels, shaped once per layout, only for the same font list, size and style
# (a report whose tables step down to 小五, one in the compact style, one with its own table
# font, among reports of the same layout).
# Sixteen generated reports (both samples, other agencies, years and paragraphs, so the body
# and title fonts get a new glyph set in most reports while the heading and Latin faces
# repeat theirs) and three copies of one report (so every set of that report repeats), by a
# -j 2 and a -j 1 batch, each PDF compared with the report rendered on its own.
. "$NB_SOURCE/tests/lib.sh"
need_python
need cmp
workdir

"$PY" "$NB_SOURCE/bench/gen.py" 16 in >/dev/null
for n in 1 2 3; do
    cp in/r00003.yaml "in/copy$n.yaml"
done
cp "$NB_SOURCE/tests/data/tables/five-digit-2021.yaml" in/five.yaml
sed 's|^signoff: .*|&\nstyle: compact|' in/r00003.yaml >in/compact.yaml
sed 's|^signoff: .*|&\nfonts:\n  table: FandolKai|' in/r00003.yaml >in/kai.yaml
for j in 2 1; do
    expect_status 0 "$NB" batch in -o "out$j" -j "$j" -q
done
count=0
for f in in/*.yaml; do
    name=$(basename "$f" .yaml)
    expect_status 0 "$NB" render "$f" -o "alone-$name.pdf" -q
    for j in 2 1; do
        if ! cmp -s "out$j/$name.pdf" "alone-$name.pdf"; then
            problem "$name: the -j $j batch's PDF differs from render's ($(cmp "out$j/$name.pdf" "alone-$name.pdf" 2>&1 | head -c 200))"
        fi
    done
    count=$((count + 1))
done
[ "$count" -eq 22 ] || problem "expected 22 reports, compared $count"
# The copies are one report under three names: one set of bytes.
cmp -s out2/copy1.pdf out2/copy3.pdf || problem "two copies of one report gave different PDFs"
finish
