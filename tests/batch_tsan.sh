#!/bin/sh
# A -j 4 batch under ThreadSanitizer reports no data race: the workers share one engine (fonts,
# layouts) and one progress state, and a committing thread flushes and renames each chunk of
# 32 staged PDFs (batch.c, NB_SYNC_CHUNK) while they render. Nor does one render whose PDF
# writer subsets the fonts on a second thread beside the pages (pdf.c, font_jobs): the unit
# test unit_pdf_threads (every sample written with one thread and with two, a subset cache
# shared by the writes, a helper thread) and a render (on a machine with two CPUs). The programs are built with -fsanitize=thread in their own build
# folder beside NB_WORK (kept between runs, so a rebuild is incremental), or taken from
# $NB_TSAN when that names a ThreadSanitizer build of nianbao (with tests/unit_pdf_threads
# beside it when that build has it).
. "$NB_SOURCE/tests/lib.sh"
need_python
need cmake
workdir

cc=${CC:-cc}
printf 'int main(void) { return 0; }\n' >probe.c
if ! "$cc" -fsanitize=thread probe.c -o probe >/dev/null 2>&1 || ! ./probe >/dev/null 2>&1; then
    echo "skip: $cc cannot build or run a ThreadSanitizer program here" >&2
    exit 77
fi

bin=${NB_TSAN:-}
if [ -z "$bin" ]; then
    build=$NB_WORK.build
    cmake -S "$NB_SOURCE" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_C_FLAGS="-fsanitize=thread -O1 -g -fno-omit-frame-pointer" \
        -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >build.log 2>&1 ||
        { cat build.log >&2; fail "cmake could not configure the ThreadSanitizer build"; }
    cmake --build "$build" --target nianbao unit_pdf_threads -j "$(nproc 2>/dev/null || echo 2)" \
        >>build.log 2>&1 || { tail -n 30 build.log >&2; fail "the ThreadSanitizer build failed"; }
    bin=$build/nianbao
fi
unit=$(dirname "$bin")/tests/unit_pdf_threads

# 40 generated reports (both samples, varied: more than one chunk of staged PDFs) and one that
# does not parse.
"$PY" "$NB_SOURCE/bench/gen.py" 40 in
printf 'agency: [unclosed\n' >in/zz-broken.yaml

# HarfBuzz is not built with ThreadSanitizer: it publishes lazily made objects (the language
# list behind hb_language_from_string, tables of a shared face) with atomic compare-and-swap
# that TSan cannot see, so string functions it calls on them (strchr, memcmp) look like races.
# Only accesses that HarfBuzz makes itself through an intercepted libc call are ignored; every
# access in nianbao's own code is still checked.
printf 'called_from_lib:libharfbuzz.so.0\n' >tsan.supp
TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 suppressions=$PWD/tsan.supp ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS

run_tsan() {
    want=$1
    shift
    status=0
    "$bin" batch in "$@" >out.txt 2>err.txt || status=$?
    if grep -q 'ThreadSanitizer' err.txt; then
        sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' err.txt | head -n 80 >&2
        problem "ThreadSanitizer reported a problem in 'batch $*'"
    elif [ "$status" -ne "$want" ]; then
        head -c 2000 err.txt >&2
        problem "'batch $*' under ThreadSanitizer exited $status, expected $want"
    fi
}

run_tsan 1 -o out -j 4
for f in in/r*.yaml; do
    n=$(basename "$f" .yaml)
    [ -s "out/$n.pdf" ] || problem "out/$n.pdf was not written"
done
# The naming pass runs on the workers too.
run_tsan 1 -o out-agency -j 4 --names agency
run_tsan 1 --check-only -j 4

# One render, and the writer's threads on every sample with a shared subset cache.
status=0
"$bin" render in/r00001.yaml -o one.pdf --force >/dev/null 2>err.txt || status=$?
if grep -q 'ThreadSanitizer' err.txt; then
    sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' err.txt | head -n 80 >&2
    problem "ThreadSanitizer reported a problem in 'render'"
elif [ "$status" -ne 0 ]; then
    head -c 2000 err.txt >&2
    problem "'render' under ThreadSanitizer exited $status"
fi
cmp -s one.pdf out/r00001.pdf || problem "render and batch wrote different bytes for r00001"
if [ -x "$unit" ]; then
    status=0
    NB_SOURCE=$NB_SOURCE "$unit" >unit.txt 2>&1 || status=$?
    if grep -q 'ThreadSanitizer' unit.txt; then
        sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' unit.txt | head -n 80 >&2
        problem "ThreadSanitizer reported a problem in unit_pdf_threads"
    elif [ "$status" -ne 0 ]; then
        head -c 2000 unit.txt >&2
        problem "unit_pdf_threads under ThreadSanitizer exited $status"
    fi
else
    echo "note: no $unit beside $bin; the writer's threads were checked through render only" >&2
fi

finish
