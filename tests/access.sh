#!/bin/sh
# The file-access policy for paths in a report (seal:, fonts:): they resolve against the report's
# folder and may not leave it — not by "..", an absolute path or a symbolic link — unless the
# operator allows a folder with --allow-dir; the bundled font folder is always allowed. The
# refusal reads the same whether the forbidden file exists or not. Only regular files are
# opened: a FIFO or /dev/stdin is refused at once. Font files that are truncated or whose
# outlines cannot be read are errors naming the file. Every refusal ends within 2 s and 300 MiB.
. "$NB_SOURCE/tests/lib.sh"
need pdffonts pdfimages
need_python
workdir
top=$(pwd -P)
seed=$(sample seed.yaml)
fonts=$NB_SOURCE/fonts

mkdir -p A/sub B other
"$PY" "$NB_TOOLS/sealpng.py" rgba A/seal.png
cp A/seal.png B/seal.png
cp A/seal.png A/sub/seal.png
cp "$fonts/FandolKai-Regular.otf" A/own.otf
cp "$fonts/FandolKai-Regular.otf" B/font.otf
ln -s ../B/seal.png A/link-out.png     # a relative link out
ln -s "$top/B" A/dir-out               # an absolute link to a folder out
ln -s ../B/missing.png A/dangling.png  # a link out to nothing
ln -s sub/seal.png A/link-in.png       # a link that stays inside
mkfifo A/fifo.png A/fifo.otf B/fifo.png
# A truncated font (cut in half) and one whose CFF outlines are garbled.
"$PY" - "$fonts/FandolFang-Regular.otf" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
open("A/cut.otf", "wb").write(d[:len(d) // 2])
for i in range(struct.unpack(">H", d[4:6])[0]):
    rec = 12 + 16 * i
    if d[rec:rec + 4] == b"CFF ":
        off, n = struct.unpack(">II", d[rec + 8:rec + 16])
        for k in range(off + 200, off + n, 7):
            d[k] ^= 0xA5
open("A/garbled.otf", "wb").write(bytes(d))
EOF

# sealed NAME SEAL: A/NAME.yaml, the seed report with that seal.
sealed() { sed "s|^signoff: .*|&\nseal: $2|" "$seed" >"A/$1.yaml"; }
# fonted NAME FONT: A/NAME.yaml, the seed report with that body font.
fonted() { sed "s|^signoff: .*|&\nfonts:\n  body: $2|" "$seed" >"A/$1.yaml"; }
# run NAME [OPTION...]: renders A/NAME.yaml to NAME.pdf within 2 s and 300 MiB; status in $rc,
# stderr (without the sample's layout warnings) in NAME.err.
run() {
    name=$1
    shift
    rc=0
    limited 2 300 "$NB" render "A/$name.yaml" -o "$name.pdf" "$@" </dev/null >/dev/null \
        2>"$name.raw" || rc=$?
    sanitizer_clean "$name.raw"
    grep -v ': warning: ' "$name.raw" >"$name.err" || true
    [ "$rc" -ne 124 ] || problem "$name: still running after 2 s"
}
# refused NAME WHAT: the render failed with one error at the report's key, and wrote nothing.
refused() {
    [ "$rc" -eq 1 ] || problem "$1: exit $rc, expected 1: $(cat "$1.err")"
    [ ! -e "$1.pdf" ] || problem "$1: a PDF was written"
    grep -q "^A/$1.yaml:[0-9]*:[0-9]*: error: $2" "$1.err" ||
        problem "$1: expected '$2', got: $(cat "$1.err")"
}
forbidden="it is not inside the report's folder or a folder allowed with --allow-dir"

# 1. Inside the report's folder: plain, in a sub-folder, through a link that stays inside.
for seal in seal.png sub/seal.png link-in.png sub/../seal.png; do
    sealed in "$seal"
    run in
    [ "$rc" -eq 0 ] || problem "seal: $seal inside the folder refused: $(cat in.err)"
done

# 2. Out of the folder, existing or not: the same refusal, the path as written.
i=0
for pair in "../B/seal.png ../B/missing.png" "$top/B/seal.png $top/B/missing.png" \
            "link-out.png dangling.png" "dir-out/seal.png dir-out/missing.png" \
            "/dev/stdin /dev/no-such-device" "sub/../../B/seal.png sub/../../B/missing.png"; do
    set -- $pair
    i=$((i + 1))
    sealed "out$i" "$1"
    sealed "out${i}m" "$2"
    run "out$i"
    run "out${i}m"
    refused "out$i" "cannot use the seal $1: $forbidden\$"
    refused "out${i}m" "cannot use the seal $2: $forbidden\$"
    # The messages differ only in the path written in the report.
    sed "s|out$i.yaml|X|; s|$1|P|" "out$i.err" >a.txt
    sed "s|out${i}m.yaml|X|; s|$2|P|" "out${i}m.err" >b.txt
    cmp -s a.txt b.txt || problem "$1 and $2 are refused differently: $(cat a.txt b.txt)"
done

# 3. Not regular files: a FIFO (no writer: opening it for reading would block forever), a folder;
#    /dev/stdin with a pipe that stays open for 10 s.
sealed fifo fifo.png
run fifo
refused fifo "cannot use the seal fifo.png: it is not a regular file"
sealed folder sub
run folder
refused folder "cannot use the seal sub: it is not a regular file"
sealed stdin /dev/stdin
rc=0
sleep 10 | limited 2 300 "$NB" render A/stdin.yaml -o stdin.pdf >/dev/null 2>stdin.raw || rc=$?
grep -v ': warning: ' stdin.raw >stdin.err || true
[ "$rc" -ne 124 ] || problem "seal: /dev/stdin blocked"
refused stdin "cannot use the seal /dev/stdin: $forbidden\$"

# 4. Fonts: a file beside the report is found there whatever the current folder; one out of the
#    folder is refused like a seal; the bundled folder is always allowed; a FIFO is refused.
fonted own own.otf
mkdir -p elsewhere
(cd elsewhere && limited 2 300 "$NB" render ../A/own.yaml -o ../own.pdf 2>../own.err) ||
    problem "fonts: own.otf beside the report not found from another folder: $(cat own.err)"
pdffonts own.pdf 2>/dev/null | grep -q 'FandolKai' || problem "own.otf is not the body font"
fonted bundled "$fonts/FandolKai-Regular.otf"
run bundled
[ "$rc" -eq 0 ] || problem "a font of the bundled folder refused: $(cat bundled.err)"
fonted fontout ../B/font.otf
fonted fontoutm ../B/missing.otf
run fontout
run fontoutm
refused fontout "font '../B/font.otf' (role body) cannot be used: $forbidden\$"
refused fontoutm "font '../B/missing.otf' (role body) cannot be used: $forbidden\$"
fonted fontabs "$top/B/font.otf"
run fontabs
refused fontabs "font '$top/B/font.otf' (role body) cannot be used: $forbidden\$"
fonted fontfifo fifo.otf
run fontfifo
refused fontfifo "font 'fifo.otf' (role body) cannot be used: it is not a regular file"

# 5. Damaged fonts: the error names the file, not the family.
fonted cut cut.otf
run cut
refused cut "font 'cut.otf' (role body) cannot be used: font file cut.otf is damaged: its table '[^']*' runs past the end of the file"
fonted garbled garbled.otf
run garbled
refused garbled "font 'garbled.otf' (role body) cannot be used: font file garbled.otf is damaged: the outline of its glyph"

# 6. --allow-dir: the folder's files (directly, absolutely, through links) are allowed; a
#    missing one is now simply missing; a FIFO there is still refused; a sibling is not allowed.
for seal in ../B/seal.png "$top/B/seal.png" link-out.png dir-out/seal.png; do
    sealed allowed "$seal"
    rm -f allowed.pdf
    run allowed --allow-dir B
    [ "$rc" -eq 0 ] || problem "--allow-dir B: seal $seal refused: $(cat allowed.err)"
    pdfimages -list allowed.pdf | grep -q smask || problem "--allow-dir B: no seal in the PDF"
done
run out1m --allow-dir B
refused out1m "cannot use the seal ../B/missing.png: No such file or directory"
sealed fifob ../B/fifo.png
run fifob --allow-dir B
refused fifob "cannot use the seal ../B/fifo.png: it is not a regular file"
run out1 --allow-dir other
refused out1 "cannot use the seal ../B/seal.png: $forbidden\$"
run fontout --allow-dir "$top/B"
[ "$rc" -eq 0 ] || problem "--allow-dir: font ../B/font.otf refused: $(cat fontout.err)"

# 7. The operator's --font is the operator's choice: a path relative to the current folder.
run in --font "body=$fonts/FandolKai-Regular.otf"
[ "$rc" -eq 0 ] || problem "--font with a path outside the report's folder refused: $(cat in.err)"

# 8. A batch: the refused report fails alone; --allow-dir works there too.
mkdir batch
sealed b1 seal.png
sealed b2 ../B/seal.png
cp A/b1.yaml A/b2.yaml batch/
cp A/seal.png batch/
rc=0
limited 20 2048 "$NB" batch batch -o bout -j 2 >batch.out 2>batch.err || rc=$?
[ "$rc" -eq 1 ] || problem "batch: exit $rc, expected 1"
[ -s bout/b1.pdf ] && [ ! -e bout/b2.pdf ] || problem "batch: wrong outputs: $(ls bout)"
grep -q "b2.yaml:[0-9]*:[0-9]*: error: cannot use the seal ../B/seal.png: $forbidden" batch.err ||
    problem "batch: the refusal is not reported: $(cat batch.err)"
rc=0
limited 20 2048 "$NB" batch batch -o bout2 -j 2 --allow-dir B >batch.out 2>batch.err || rc=$?
[ "$rc" -eq 0 ] && [ -s bout2/b2.pdf ] || problem "batch --allow-dir B: exit $rc: $(cat batch.err)"
finish
