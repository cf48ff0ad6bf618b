#!/bin/sh
# The command line's failures: wrong usage, unreadable or malformed input and unwritable output
# exit 2; a character that no font has exits 1 naming it and its place; a failed render writes
# nothing and leaves an existing PDF at the output path as it was.
. "$NB_SOURCE/tests/lib.sh"
need_python yaml
workdir

seed=$(sample seed.yaml)
cp "$seed" seed.yaml
# A PDF that already sits where a failing render is told to write.
"$PY" "$NB_TOOLS/geomcases.py" good | "$PY" "$NB_TOOLS/mkpdf.py" >previous.pdf
mkdir out

# only_previous: the output folder holds nothing but the earlier PDF, unchanged.
only_previous() {
    if [ "$(ls -A out)" != "old.pdf" ]; then
        problem "$1: the output folder holds: $(ls -A out | tr '\n' ' ')"
    elif ! cmp -s out/old.pdf previous.pdf; then
        problem "$1: the existing PDF at the output path was changed"
    fi
}

# Wrong usage.
expect_status 2 "$NB"
expect_status 2 "$NB" no-such-command
expect_status 2 "$NB" render
expect_status 2 "$NB" render seed.yaml -o
expect_status 2 "$NB" render seed.yaml -o out/x.pdf --no-such-option
[ -e out/x.pdf ] && problem "a usage error wrote out/x.pdf"
expect_status 2 "$NB" check
expect_status 2 "$NB" check seed.yaml --format no-such-format

# A missing input file: exit 2 with a message that names it.
expect_status 2 "$NB" render missing.yaml -o out/x.pdf
grep -q 'missing.yaml' err.txt || problem "no message naming missing.yaml: $(cat err.txt)"
[ -e out/x.pdf ] && problem "a missing input wrote out/x.pdf"
expect_status 2 "$NB" check missing.yaml

# Malformed YAML: file:line:col: error: on stderr, exit 2, no output, old PDF untouched.
cp previous.pdf out/old.pdf
printf 'agency: 测试局\nyear: 2025\ntitle: "unterminated\nsections: [\n' >bad.yaml
expect_status 2 "$NB" render bad.yaml -o out/old.pdf
grep -q '^bad.yaml:[0-9][0-9]*:[0-9][0-9]*: error: ' err.txt ||
    problem "malformed YAML: no 'bad.yaml:LINE:COL: error:' message: $(cat err.txt)"
only_previous "malformed YAML"
# check prints its findings as its output, so the message may be on either stream.
expect_status 2 "$NB" check bad.yaml
cat out.txt err.txt | grep -q '^bad.yaml:[0-9][0-9]*:[0-9][0-9]*: error: ' ||
    problem "check of malformed YAML: no 'bad.yaml:LINE:COL: error:' message: $(cat out.txt err.txt)"

# An output path in a folder that does not exist.
expect_status 2 "$NB" render seed.yaml -o no-such-folder/x.pdf
[ -s err.txt ] || problem "an unwritable output path gave no message"
[ -e no-such-folder ] && problem "nianbao created no-such-folder"

# A character that no default font has (Fandol has no CJK Extension B): exit 1, naming the
# character and its file:line:col; nothing written, the old PDF left as it was.
where=$("$PY" "$NB_TOOLS/report.py" variant seed.yaml extb.yaml --char '𠮷') ||
    fail "could not make a report with an Ext-B character from $seed"
set -- $where
line=$1 col=$2 bytecol=$3
cp previous.pdf out/old.pdf
expect_status 1 "$NB" render extb.yaml -o out/old.pdf
if [ "$status_ok" = yes ]; then
    grep -E -q "^extb.yaml:$line:($col|$bytecol): error: .*(𠮷|U\+20BB7)" err.txt ||
        problem "no 'extb.yaml:$line:$col: error:' message naming 𠮷: $(cat err.txt)"
fi
only_previous "missing glyph"
# Even when told to render despite the report's errors, no blank box is drawn.
expect_status 1 "$NB" render extb.yaml -o out/old.pdf --force
only_previous "missing glyph with --force"

# The good report still renders after all that, over the old PDF.
expect_status 0 "$NB" render seed.yaml -o out/old.pdf
if [ "$status_ok" = yes ]; then
    cmp -s out/old.pdf previous.pdf && problem "a good render left the old PDF in place"
    [ "$(ls -A out)" = "old.pdf" ] || problem "a good render left files behind: $(ls -A out)"
fi

finish
