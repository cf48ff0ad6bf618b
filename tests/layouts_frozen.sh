#!/bin/sh
# The shipped layouts are read from trees made at build time (src/frozen.h) when a file's
# bytes are exactly the shipped ones, and parsed otherwise. Both ways give the same results:
# with a data folder whose every layouts/*.yaml has a comment appended (so each is parsed),
# every sample renders to the same PDF bytes with the same messages, and `check` gives the
# same findings on the samples and the check fixtures (tables against the layouts' rules,
# prose against statements.yaml), with the same --verbose listing. The unit test unit.frozen compares the trees node by node.
. "$NB_SOURCE/tests/lib.sh"
workdir

mkdir -p edited/layouts
ln -s "$NB_SOURCE/fonts" edited/fonts
for f in "$NB_SOURCE"/layouts/*; do
    cp "$f" edited/layouts/
done
n=0
for f in edited/layouts/*.yaml; do
    printf '# read by the parser, not from the built-in tree\n' >>"$f"
    n=$((n + 1))
done
[ "$n" -ge 5 ] || fail "only $n layout files"
cmp -s "$NB_SOURCE/layouts/gov-2021.yaml" edited/layouts/gov-2021.yaml &&
    fail "the edited copy is the shipped file"
EDITED=$PWD/edited

# run NAME CMD...: CMD's stdout, stderr and status in NAME.{out,err,status}, shipped then edited.
run() {
    name=$1
    shift
    for way in shipped edited; do
        status=0
        if [ "$way" = edited ]; then
            NIANBAO_DATADIR=$EDITED "$@" >"$name.$way.out" 2>"$name.$way.err" || status=$?
        else
            "$@" >"$name.$way.out" 2>"$name.$way.err" || status=$?
        fi
        sanitizer_clean "$name.$way.err"
        echo "$status" >"$name.$way.status"
        # The same command writes the same output file both ways: keep the first.
        [ -f "$name.pdf" ] && mv "$name.pdf" "$name.$way.pdf"
    done
    for part in out err status; do
        cmp -s "$name.shipped.$part" "$name.edited.$part" ||
            problem "$name: $part differs between the built-in and the parsed layouts:
$(diff "$name.shipped.$part" "$name.edited.$part" | head -20)"
    done
    if [ -f "$name.shipped.pdf" ] || [ -f "$name.edited.pdf" ]; then
        cmp -s "$name.shipped.pdf" "$name.edited.pdf" ||
            problem "$name: the PDFs differ between the built-in and the parsed layouts"
    fi
}

for s in "$NB_SOURCE"/samples/*.yaml "$NB_SOURCE"/samples/*.json; do
    [ -f "$s" ] || continue
    b=$(basename "$s")
    run "render-$b" "$NB" render "$s" -o "render-$b.pdf"
    [ -s "render-$b.shipped.pdf" ] || problem "render $b wrote no PDF"
    run "check-$b" "$NB" check --format=json "$s"
done
for s in "$NB_SOURCE"/tests/data/check/*.yaml; do
    b=$(basename "$s")
    run "check-$b" "$NB" check --verbose "$s"
done
grep -q 'prose\.' check-prose.yaml.shipped.out check-prose.yaml.shipped.err ||
    problem "check prose.yaml found no contradiction in prose: the statements were not read"
finish
