#!/bin/sh
# No lost files: render writes to a temporary file in the destination folder and renames it into
# place only when complete. A render that fails — a bad report, an unwritable folder, a write
# that fails midway (a file size limit: EFBIG), or a process killed midway (by SIGXFSZ inside
# write(), or by SIGKILL at any moment) — leaves the PDF that was at the path byte for byte, and
# never a partial PDF there. A failure nianbao sees removes its temporary file; a killed process
# cannot, and leaves a hidden .NAME.XXXXXX next to the path (documented in README.md).
. "$NB_SOURCE/tests/lib.sh"
need prlimit cmp
workdir

seed=$(sample seed.yaml)
long=$(sample huaian-city-2024.yaml)
mkdir out
# The PDF that must survive: a good render of another report.
"$NB" render "$seed" -o previous.pdf 2>/dev/null || fail "cannot render $seed"
"$NB" render "$long" -o long.pdf 2>/dev/null || fail "cannot render $long"
cmp -s previous.pdf long.pdf && fail "the two reference PDFs are the same"

# survived WHAT: out/old.pdf is still previous.pdf and nothing else is in out/ (no temporary
# file, no partial PDF).
survived() {
    if ! cmp -s out/old.pdf previous.pdf; then
        problem "$1: out/old.pdf is not the previous PDF any more"
    fi
    if [ "$(ls -A out)" != "old.pdf" ]; then
        problem "$1: out/ holds: $(ls -A out | tr '\n' ' ')"
    fi
}

# A bad report.
cp previous.pdf out/old.pdf
printf 'agency: 测试局\nyear: "2025"\n' >bad.yaml
expect_status 2 "$NB" render bad.yaml -o out/old.pdf
survived "a bad report"

# A report with errors the check finds (exit 1) is not written either.
sed 's/^\( *new: *\)\[0,/\1[1,/' "$seed" >sum.yaml
cmp -s sum.yaml "$seed" && fail "could not make a report whose sums are wrong"
expect_status 1 "$NB" render sum.yaml -o out/old.pdf
survived "a report that does not add up"

# A folder that does not exist.
expect_status 2 "$NB" render "$long" -o out/no-such-folder/old.pdf
survived "a missing folder"

# The write fails midway: a file size limit of 16 KiB, far below the PDF's size, with SIGXFSZ
# ignored so that write() fails with EFBIG. The message names the path and the cause.
cp previous.pdf out/old.pdf
(
    trap '' XFSZ
    expect_status 2 prlimit --fsize=16384 "$NB" render "$long" -o out/old.pdf
    grep -q -x 'out/old.pdf: error: cannot write: File too large' err.txt ||
        problem "a failed write: no 'cannot write: File too large' message: $(cat err.txt)"
    survived "a write that fails midway (EFBIG)"
    exit "$nb_failures"
) || nb_failures=$((nb_failures + 1))

# Killed inside write(): the same limit with SIGXFSZ at its default action ends the process in
# the middle of writing the temporary file. The path keeps the previous PDF; the partial
# temporary file is all that is left behind, under the hidden temporary name.
cp previous.pdf out/old.pdf
status=0
(exec prlimit --fsize=16384 "$NB" render "$long" -o out/old.pdf) 2>err.txt || status=$?
[ "$status" -gt 128 ] || problem "the render under a 16 KiB limit was not killed by SIGXFSZ (exit $status)"
cmp -s out/old.pdf previous.pdf || problem "killed midway: out/old.pdf is not the previous PDF"
left=$(ls -A out | grep -v -x old.pdf || true)
case $left in
    .old.pdf.??????) [ "$(wc -c <"out/$left")" -le 16384 ] ||
                         problem "killed midway: the temporary file is larger than the limit" ;;
    *) problem "killed midway: expected one .old.pdf.XXXXXX beside old.pdf, found: $left" ;;
esac
rm -f out/.old.pdf.*

# SIGKILL at several moments of a render: whenever it dies, the path holds either the previous
# PDF or the complete new one (equal to long.pdf), never anything else.
cp previous.pdf out/old.pdf
for delay in 0 0.01 0.02 0.05 0.1 0.15 0.2 0.3 0.5; do
    "$NB" render "$long" -o out/old.pdf 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if cmp -s out/old.pdf previous.pdf; then
        :
    elif cmp -s out/old.pdf long.pdf; then
        cp previous.pdf out/old.pdf
    else
        problem "killed after ${delay} s: out/old.pdf is neither the previous nor the new PDF ($(wc -c <out/old.pdf) bytes)"
        cp previous.pdf out/old.pdf
    fi
    rm -f out/.old.pdf.*
done

# After all that, a good render replaces the file and leaves nothing else.
expect_status 0 "$NB" render "$long" -o out/old.pdf
cmp -s out/old.pdf long.pdf || problem "a good render did not write the new PDF"
[ "$(ls -A out)" = "old.pdf" ] || problem "a good render left: $(ls -A out | tr '\n' ' ')"
finish
