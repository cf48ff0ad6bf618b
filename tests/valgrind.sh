#!/bin/sh
# Valgrind's memcheck on the samples and on error paths: no invalid access, no use of
# uninitialised memory, and no leak (definitely or indirectly lost) — with the exit code each
# must give. Skipped in the ASan build (build-asan/), where LeakSanitizer does this job.
# NIANBAO_FREE_AT_EXIT=1: render frees everything before it ends (src/cli/render.c), so that
# a block its owner forgets to free shows as lost.
. "$NB_SOURCE/tests/lib.sh"
need valgrind
if grep -q -a '__asan_init' "$NB" 2>/dev/null; then
    echo "skip: $NB is built with AddressSanitizer (LeakSanitizer checks leaks there)" >&2
    exit 77
fi
workdir
bad=$NB_SOURCE/tests/bad
cp "$bad/valid.yaml" "$bad/year-string.yaml" "$bad/char-no-font.yaml" "$bad/font-not-a-font.yaml" \
   "$bad/not-a-font.otf" "$bad/sum-wrong.yaml" "$bad/alias-bomb.yaml" .
mkdir out
# A 落款 with a character no font has: an error path through the signature block.
sed 's/^layout: gov-2021$/layout: gov-2021\nsignoff: 测试𠮷局/' valid.yaml >signoff.yaml
grep -q '^signoff:' signoff.yaml || fail "could not add a signoff to valid.yaml"

# memcheck WANT ARG...: runs nianbao ARG... under memcheck; records a problem unless it exits
# WANT with a clean memcheck report.
memcheck() {
    want=$1
    shift
    status=0
    NIANBAO_FREE_AT_EXIT=1 valgrind --tool=memcheck --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 --log-file=vg.txt "$NB" "$@" >out.txt 2>err.txt || status=$?
    if [ "$status" -eq 99 ] || grep -q -E 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]' vg.txt; then
        problem "memcheck on '$*':
$(grep -E -A 12 'Invalid|uninitialised|definitely lost in|indirectly lost in|ERROR SUMMARY' vg.txt | head -n 40)"
    elif [ "$status" -ne "$want" ]; then
        problem "'$*' exited $status under valgrind, expected $want: $(head -c 400 err.txt)"
    fi
}

memcheck 0 render "$(sample seed.yaml)" -o out/seed.pdf
memcheck 0 render "$(sample seed.json)" -o out/seed-json.pdf
memcheck 0 render "$(sample huaian-city-2024.yaml)" -o out/long.pdf --dump-layout out/long.txt
# Last year's report: the seed a year earlier (check refuses the report itself as --previous).
sed 's/^year: 2025$/year: 2024/; s/^date: 2026-/date: 2025-/' "$(sample seed.yaml)" >last.yaml
memcheck 0 check "$(sample seed.yaml)" --previous last.yaml --format json
memcheck 1 check "$(sample seed.yaml)" --previous "$(sample seed.yaml)" --format json
memcheck 2 render year-string.yaml -o out/x.pdf
memcheck 2 render alias-bomb.yaml -o out/x.pdf
memcheck 1 render char-no-font.yaml -o out/x.pdf
memcheck 1 render char-no-font.yaml -o out/x.pdf --force
memcheck 1 render signoff.yaml -o out/x.pdf --force
memcheck 1 render font-not-a-font.yaml -o out/x.pdf
memcheck 1 render sum-wrong.yaml -o out/x.pdf
memcheck 1 check sum-wrong.yaml
memcheck 2 render valid.yaml -o no-such-folder/x.pdf
memcheck 2 render no-such-report.yaml -o out/x.pdf
[ ! -e out/x.pdf ] || problem "a failed render wrote out/x.pdf"
finish
