#!/bin/sh
# What render does once the PDF is in place: it ends. Nothing is freed or unmapped one by one
# after the rename (the kernel takes the heap and the font mappings back at exit), yet the
# PDF, the messages and the exit status are those of a run that frees everything first
# (NIANBAO_FREE_AT_EXIT=1, as tests/valgrind.sh runs it, where memcheck finds no leak), for
# a report that renders and for one with errors (exit 1, nothing written).
. "$NB_SOURCE/tests/lib.sh"
need strace
workdir

# after_rename TRACE: the system calls of the renaming thread after the output's rename, one
# name a line. (The render's font thread, detached, may still be ending then on a busy machine;
# the exit takes it with the rest.)
after_rename() {
    awk '{ pid = $1; sub(/^[0-9]+ +/, "") }
         !seen && /^rename(at2?)?\(.*\.pdf/ { seen = 1; main = pid; next }
         seen && pid == main { sub(/\(.*/, ""); print }' "$1"
}

# A build with AddressSanitizer always frees (LeakSanitizer checks for leaks at exit), and
# LeakSanitizer cannot run under ptrace: it is turned off for the traced runs there.
asan=no
if grep -q -a '__asan_init' "$NB" 2>/dev/null; then
    asan=yes
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
    export ASAN_OPTIONS
fi

seed=$(sample seed.yaml)
strace -f -o trace.txt "$NB" render "$seed" -o fast.pdf 2>fast.err ||
    fail "render exited $? under strace: $(head -c 400 fast.err)"
grep -q 'rename' trace.txt || fail "no rename of the output in the trace"
after_rename trace.txt >after.txt
grep -q . after.txt || fail "the trace ends at the rename: the process is not traced to its end"
if [ $asan = yes ]; then
    echo "note: $NB is built with AddressSanitizer: it frees before it ends" >&2
elif grep -v -x -E 'exit_group|\+\+\+ exited with 0 \+\+\+|close|write|fstat|newfstatat|lseek' \
    after.txt >extra.txt; then
    problem "render does more after its PDF is in place: $(sort extra.txt | uniq -c | head -20)"
fi

NIANBAO_FREE_AT_EXIT=1 strace -f -o trace-free.txt "$NB" render "$seed" -o freed.pdf \
    2>freed.err || fail "render exited $? with NIANBAO_FREE_AT_EXIT=1"
after_rename trace-free.txt | grep -c -x munmap >munmaps.txt || true
[ "$(cat munmaps.txt)" -ge 5 ] ||
    problem "NIANBAO_FREE_AT_EXIT=1 did not free the fonts ($(cat munmaps.txt) munmaps)"
cmp -s fast.pdf freed.pdf || problem "the PDF differs when render frees before it ends"
cmp -s fast.err freed.err || problem "the messages differ when render frees before it ends"

# A report with errors: exit 1 both ways, the same messages, no PDF.
[ $asan = yes ] && unset ASAN_OPTIONS
for way in fast free; do
    status=0
    if [ $way = free ]; then
        NIANBAO_FREE_AT_EXIT=1 "$NB" render "$NB_SOURCE/tests/bad/sum-wrong.yaml" -o bad-$way.pdf \
            2>bad-$way.err || status=$?
    else
        "$NB" render "$NB_SOURCE/tests/bad/sum-wrong.yaml" -o bad-$way.pdf 2>bad-$way.err ||
            status=$?
    fi
    [ "$status" -eq 1 ] || problem "render of sum-wrong.yaml ($way) exited $status, not 1"
    [ -e bad-$way.pdf ] && problem "render of sum-wrong.yaml ($way) wrote a PDF"
    grep -q 'error' bad-$way.err || problem "render of sum-wrong.yaml ($way) gave no error"
done
cmp -s bad-fast.err bad-free.err || problem "the errors differ when render frees before it ends"
finish
