#!/bin/sh
# Where render, --dump-layout and batch write, and what they never write over: `-o -` is
# standard output; a character device or a FIFO is written in place (never replaced by a regular
# file); a symbolic link to a file is followed and the file replaced (the link stays); a link to
# nothing, a folder, the report itself (by any name) and the other inputs are refused with exit 2
# and nothing written; a new PDF's mode comes from the umask and a replaced file keeps its mode
# (and, as root, its owner); batch never reads its own outputs back, reads a manifest with a
# byte order mark, renders a file listed twice once, and refuses an output that is an input; a
# FIFO given as a report is refused at once rather than waited on.
. "$NB_SOURCE/tests/lib.sh"
need cmp stat mkfifo
need_python
workdir

cp "$(sample seed.yaml)" r.yaml
cp r.yaml r.orig
"$NB" render r.yaml -o ref.pdf 2>/dev/null || fail "cannot render the seed"
"$NB" render r.yaml -o ref2.pdf --dump-layout ref.txt 2>/dev/null || fail "cannot dump the layout"
[ -s ref.txt ] || fail "no layout dump"

# unchanged WHAT: r.yaml is still the report.
unchanged() {
    cmp -s r.yaml r.orig || { problem "$1: r.yaml was overwritten"; cp r.orig r.yaml; }
}
# refused WHAT WORDS: the last command exited 2 and said WORDS.
refused() {
    [ "$status_ok" = yes ] || return 0
    grep -q -- "$2" err.txt || problem "$1: no '$2' in: $(cat err.txt)"
}

# 1. The report itself, by its name, another name, a symbolic link and a hard link.
expect_status 2 "$NB" render r.yaml -o r.yaml
refused "-o r.yaml" "r.yaml: error: the output would replace the input r.yaml; not written"
unchanged "-o r.yaml"
expect_status 2 "$NB" render r.yaml -o ./r.yaml
unchanged "-o ./r.yaml"
ln -s r.yaml sym.yaml
expect_status 2 "$NB" render r.yaml -o sym.yaml
refused "-o a link to the report" "would replace the input r.yaml"
unchanged "-o a link to the report"
ln r.yaml hard.yaml
expect_status 2 "$NB" render r.yaml -o hard.yaml
unchanged "-o a hard link to the report"
rm hard.yaml
expect_status 2 "$NB" render r.yaml -o out.pdf --dump-layout r.yaml
refused "--dump-layout r.yaml" "would replace the input r.yaml"
unchanged "--dump-layout r.yaml"
[ ! -e out.pdf ] || problem "--dump-layout r.yaml: the PDF was written anyway"
expect_status 2 "$NB" render r.yaml -o same.out --dump-layout same.out
refused "-o X --dump-layout X" "the PDF and the layout dump would be the same file"
[ ! -e same.out ] || problem "-o X --dump-layout X wrote X"
# A font file named with --font is an input too.
font=$NB_SOURCE/fonts/FandolFang-Regular.otf
if [ -f "$font" ]; then
    cp "$font" f.otf
    expect_status 2 "$NB" render r.yaml -o f.otf --font body=f.otf
    refused "-o FONT --font body=FONT" "would replace the input f.otf"
    cmp -s f.otf "$font" || problem "-o FONT: the font file was overwritten"
fi

# 2. "-": standard output; no file named "-".
status=0
"$NB" render r.yaml -o - >stdout.pdf 2>err.txt || status=$?
[ "$status" -eq 0 ] || problem "-o - exited $status: $(cat err.txt)"
cmp -s stdout.pdf ref.pdf || problem "-o - did not write the PDF to standard output"
[ ! -e ./- ] || { problem "-o - wrote a file named '-'"; rm -f ./-; }
status=0
"$NB" render r.yaml -o dumped.pdf --dump-layout - >stdout.txt 2>err.txt || status=$?
[ "$status" -eq 0 ] || problem "--dump-layout - exited $status"
cmp -s stdout.txt ref.txt || problem "--dump-layout - did not write the dump to standard output"
expect_status 2 "$NB" render r.yaml -o - --dump-layout -
refused "-o - --dump-layout -" "would be the same file"

# 3. A FIFO is written in place: a reader gets the PDF and the FIFO stays a FIFO.
mkfifo pipe
cat pipe >from-pipe.pdf &
reader=$!
expect_status 0 "$NB" render r.yaml -o pipe
# A reader still waiting means nothing was written into the FIFO.
[ -p pipe ] && [ "$status_ok" = yes ] || kill "$reader" 2>/dev/null || true
wait "$reader" || true
[ -p pipe ] || problem "-o FIFO: the FIFO was replaced by a $(stat -c %F pipe)"
cmp -s from-pipe.pdf ref.pdf || problem "-o FIFO: the reader did not get the PDF"
ls -A | grep -q '^\.pipe\.' && problem "-o FIFO: a temporary file was left"
# A link to this process's standard output (what /dev/stdout is), here a pipe.
ln -s /proc/self/fd/1 mystdout
status=0
"$NB" render r.yaml -o mystdout 2>err.txt | cat >from-link.pdf || status=$?
[ -L mystdout ] || problem "-o LINK-TO-STDOUT: the link was replaced by a $(stat -c %F mystdout)"
cmp -s from-link.pdf ref.pdf || problem "-o LINK-TO-STDOUT: the PDF did not reach the pipe: $(cat err.txt)"
# A character device: a null device of our own (mknod needs root), never the system's.
if mknod null c 1 3 2>/dev/null; then
    expect_status 0 "$NB" render r.yaml -o null
    [ -c null ] || problem "-o a null device: it was replaced by a $(stat -c %F null)"
    ls -A | grep -q '^\.null\.' && problem "-o a null device: a temporary file was left"
else
    echo "note: mknod is not allowed here; the character device case is not run" >&2
fi

# 4. A symbolic link to a file: the file is replaced, the link stays, the mode stays.
mkdir real
printf 'old\n' >real/target.pdf
chmod 640 real/target.pdf
ln -s real/target.pdf link.pdf
expect_status 0 "$NB" render r.yaml -o link.pdf
[ -L link.pdf ] || problem "-o LINK: the link was replaced by a $(stat -c %F link.pdf)"
cmp -s real/target.pdf ref.pdf || problem "-o LINK: the file it names was not replaced"
[ "$(stat -c %a real/target.pdf)" = 640 ] ||
    problem "-o LINK: the replaced file's mode is $(stat -c %a real/target.pdf), not 640"
ls -A real | grep -q '^\.' && problem "-o LINK: a temporary file was left in real/"
ln -s real/missing.pdf dangling.pdf
expect_status 2 "$NB" render r.yaml -o dangling.pdf
refused "-o DANGLING-LINK" "a symbolic link to a file that does not exist"
[ ! -e real/missing.pdf ] || problem "-o DANGLING-LINK created the file it names"
mkdir folder.pdf
expect_status 2 "$NB" render r.yaml -o folder.pdf
refused "-o FOLDER" "cannot write: Is a directory"

# 5. Modes: a new file gets 0666 less the umask; a replaced file keeps its mode and owner.
for mask in 077 027 022; do
    rm -f new.pdf
    (umask "$mask" && "$NB" render r.yaml -o new.pdf 2>/dev/null) || problem "umask $mask: render failed"
    want=$(printf '%o' $((0666 & ~0$mask)))
    got=$(stat -c %a new.pdf 2>/dev/null || echo none)
    [ "$got" = "$want" ] || problem "umask $mask: the new PDF's mode is $got, not $want"
done
printf 'old\n' >kept.pdf
chmod 604 kept.pdf
(umask 077 && "$NB" render r.yaml -o kept.pdf 2>/dev/null) || problem "replacing kept.pdf failed"
[ "$(stat -c %a kept.pdf)" = 604 ] || problem "a replaced PDF's mode is $(stat -c %a kept.pdf), not 604"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
    chown nobody kept.pdf
    "$NB" render r.yaml -o kept.pdf 2>/dev/null || problem "replacing nobody's kept.pdf failed"
    [ "$(stat -c %U kept.pdf)" = nobody ] ||
        problem "as root, a replaced PDF's owner became $(stat -c %U kept.pdf), not nobody"
fi

# 6. batch: its own report is never read back; a manifest with a byte order mark; a file listed
# twice is rendered once; an output that is an input is refused.
mkdir in
cp r.yaml in/a.yaml
sed 's/^agency: .*/agency: 湛河区财政局/' r.yaml >in/b.yaml
expect_status 0 "$NB" batch in -o in
expect_status 0 "$NB" batch in -o in
grep -q 'batch-report' err.txt && problem "batch DIR -o DIR, second run: read its own report: $(cat err.txt)"
"$PY" - <<'EOF' || problem "batch DIR -o DIR, second run: the report lists other inputs"
import json
r = json.load(open("in/batch-report.json", encoding="utf-8"))
assert [x["input"] for x in r["reports"]] == ["in/a.yaml", "in/b.yaml"], r["reports"]
assert r["summary"]["failed"] == 0, r["summary"]
EOF
mkdir in2
cp in/a.yaml in/b.yaml in2/
printf '\357\273\277in2/a.yaml\nin2/b.yaml\n./in2/a.yaml\nin2\n' >list.txt
expect_status 0 "$NB" batch @list.txt -o out-list
"$PY" - <<'EOF' || problem "a manifest with a BOM and repeated paths: wrong inputs"
import json
r = json.load(open("out-list/batch-report.json", encoding="utf-8"))
assert [x["input"] for x in r["reports"]] == ["in2/a.yaml", "in2/b.yaml"], r["reports"]
assert r["summary"]["failed"] == 0, r["summary"]
EOF
grep -q 'in2/a.yaml is the same file as in2/a.yaml' err.txt ||
    problem "a repeated path: no note on stderr: $(cat err.txt)"
mkdir pdfin
cp r.yaml pdfin/x.pdf
expect_status 1 "$NB" batch pdfin/x.pdf -o pdfin
grep -q 'would replace the input pdfin/x.pdf' err.txt ||
    problem "batch: an output that is an input: $(cat err.txt)"
cmp -s pdfin/x.pdf r.yaml || problem "batch: the input pdfin/x.pdf was overwritten"
# 7. A FIFO among the inputs is refused at once, not waited on: alone, and in a batch folder.
mkdir fifoin
cp r.yaml fifoin/a.yaml
mkfifo fifoin/x.yaml
expect_status 2 timeout 60 "$NB" render fifoin/x.yaml -o fifo.pdf
refused "render FIFO" "fifoin/x.yaml: error: cannot read: not a regular file"
expect_status 1 timeout 60 "$NB" batch fifoin -o fifoout
grep -q 'fifoin/x.yaml: error: cannot read: not a regular file' err.txt ||
    problem "batch with a FIFO: no message for it: $(head -c 400 err.txt)"
[ -s fifoout/a.pdf ] || problem "batch with a FIFO: the good report was not written"
finish
