#!/bin/sh
# Seal images are decoded by nianbao itself (PNG through libspng, JPEG through libjpeg), never by
# libharu. Every PNG colour type works, with tRNS transparency and Adam7 interlacing giving the
# same pixels as a plain RGBA file (compared on the images poppler extracts); JPEG seals in RGB,
# grey and CMYK work; every hostile seal (damaged, truncated, bad CRC, huge dimensions, a 1 MB
# file of a billion pixels, over 4 MiB, a damaged or oversized JPEG, not an image) fails its
# report alone with file:line:col at the seal: key, writes nothing, and ends within 2 s and
# 300 MiB — also inside a batch of good reports, which are all written and reported.
. "$NB_SOURCE/tests/lib.sh"
need pdfimages pdftoppm gs
need_python
workdir

seed=$(sample seed.yaml)
# bounded SECONDS MIB CMD...: CMD under lib.sh's `limited`, stdout in out.txt, stderr in err.txt,
# its exit status in $bounded_status; a run killed for time is a problem.
bounded() {
    bounded_status=0
    limited "$@" >out.txt 2>err.txt || bounded_status=$?
    sanitizer_clean err.txt
    [ "$bounded_status" -ne 124 ] || problem "'$*' ran out of time"
}
mkpng() { "$PY" "$NB_TOOLS/sealpng.py" "$@"; }

# with_seal OUT SEAL [AGENCY]: the seed report with a seal line after its signoff.
with_seal() {
    sed -e "s|^signoff: .*|&\nseal: $2|" ${3:+-e "s/^agency: .*/agency: $3/"} "$seed" >"$1"
}

for kind in rgba rgb-trns gray-trns palette interlaced rgb16 corrupt badcrc truncated huge \
            oversized bomb; do
    mkpng "$kind" "$kind.png" || fail "sealpng.py $kind"
done

# JPEG seals: a page of the seed report as RGB, grey and CMYK JPEG.
render seed.yaml seed.pdf
pdftoppm -r 12 -f 1 -l 1 -jpeg seed.pdf rgb && mv rgb-1.jpg rgb.jpg || fail "pdftoppm -jpeg"
gs -q -dSAFER -sDEVICE=jpeggray -r12 -dFirstPage=1 -dLastPage=1 -o grey.jpg seed.pdf ||
    fail "gs jpeggray"
gs -q -dSAFER -sDEVICE=jpegcmyk -r12 -dFirstPage=1 -dLastPage=1 -o cmyk.jpg seed.pdf ||
    fail "gs jpegcmyk"
# Hostile JPEGs: cut in half; a frame header claiming 60000 × 60000 pixels; text named .jpg.
"$PY" - <<'EOF' || fail "could not make the hostile JPEGs"
data = open("rgb.jpg", "rb").read()
open("jpeg-truncated.jpg", "wb").write(data[:len(data) // 2])
i = 2
while data[i + 1] not in (0xC0, 0xC1, 0xC2):
    i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
sof = i
big = bytearray(data)
big[sof + 5:sof + 9] = (60000).to_bytes(2, "big") + (60000).to_bytes(2, "big")
open("jpeg-huge.jpg", "wb").write(bytes(big))
open("text.jpg", "wb").write(b"\xff\xd8\xff" + b"not really a JPEG" * 10)
EOF

# 1. Good seals: each renders; the image has the seal's size and, where the seal has
#    transparency, a soft mask.
for seal in rgba.png rgb-trns.png gray-trns.png palette.png interlaced.png rgb16.png rgb.jpg \
            grey.jpg cmyk.jpg; do
    name=${seal%.*}-${seal##*.}
    with_seal "$name.yaml" "$seal"
    render "$NB_WORK/$name.yaml" "$name.pdf"
    pdfimages -list "$name.pdf" | awk 'NR > 2 { print $3, $4, $5, $6 }' >"$name.list"
    case $seal in
    *.png) size="120 120" ;;
    *) size=$("$PY" "$NB_TOOLS/jpegsize.py" "$seal") ;;
    esac
    case $seal in
    gray-trns.png) want="image $size gray|smask $size gray" ;;
    rgb16.png|rgb.jpg|cmyk.jpg) want="image $size rgb" ;;
    grey.jpg) want="image $size gray" ;;
    *) want="image $size rgb|smask $size gray" ;;
    esac
    got=$(tr '\n' '|' <"$name.list" | sed 's/|$//')
    [ "$got" = "$want" ] || problem "$seal: pdfimages lists '$got', expected '$want'"
    mkdir -p "px-$name"
    pdfimages -png "$name.pdf" "px-$name/im"
done
# The same ring in every PNG encoding gives the same colour samples and the same mask.
for name in rgb-trns-png palette-png interlaced-png; do
    cmp -s px-rgba-png/im-000.png "px-$name/im-000.png" ||
        problem "$name: colour samples differ from the RGBA seal's"
    cmp -s px-rgba-png/im-001.png "px-$name/im-001.png" ||
        problem "$name: transparency differs from the RGBA seal's"
done
cmp -s px-rgba-png/im-000.png px-rgb16-png/im-000.png ||
    problem "rgb16: 16-bit samples not scaled to the same 8-bit colours"
# A CMYK JPEG of the page prints like the RGB one (not inverted): mean colours within 16 levels.
"$PY" - px-rgb-jpg/im-000.png px-cmyk-jpg/im-000.png <<'EOF' || problem "CMYK seal colours wrong"
import struct, sys, zlib
def mean(path):
    d = open(path, "rb").read()
    w, h, depth, ctype = struct.unpack(">IIBB", d[16:26])
    assert depth == 8 and ctype == 2, (path, depth, ctype)
    idat, i = b"", 8
    while i < len(d):
        n = struct.unpack(">I", d[i:i + 4])[0]
        if d[i + 4:i + 8] == b"IDAT":
            idat += d[i + 8:i + 8 + n]
        i += 12 + n
    raw, stride, prev, total = zlib.decompress(idat), 3 * w, bytearray(3 * w), [0, 0, 0]
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - 3] if x >= 3 else 0
            b, c = prev[x], prev[x - 3] if x >= 3 else 0
            p = a + b - c
            pred = [0, a, b, (a + b) // 2,
                    a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c)
                    else b if abs(p - b) <= abs(p - c) else c][f]
            line[x] = (line[x] + pred) & 255
        for x in range(w):
            for k in range(3):
                total[k] += line[3 * x + k]
        prev = line
    return [t / (w * h) for t in total]
a, b = mean(sys.argv[1]), mean(sys.argv[2])
assert all(abs(x - y) < 16 for x, y in zip(a, b)), (a, b)
EOF

# 2. Hostile seals: exit 1 within 2 s and 300 MiB, the error at the seal: key, no PDF.
hostile="corrupt.png badcrc.png truncated.png huge.png oversized.png bomb.png
         jpeg-truncated.jpg jpeg-huge.jpg text.jpg"
for seal in $hostile; do
    name=bad-${seal%.*}
    with_seal "$name.yaml" "$seal"
    line=$(grep -n '^seal:' "$name.yaml" | cut -d: -f1)
    bounded 2 300 "$NB" render "$name.yaml" -o "$name.pdf"
    [ "$bounded_status" -eq 1 ] ||
        problem "$seal: exit $bounded_status, expected 1: $(head -c 400 err.txt)"
    grep -q "^$name.yaml:$line:7: error: cannot use the seal $seal: " err.txt ||
        problem "$seal: no error at $name.yaml:$line:7: $(head -c 400 err.txt)"
    [ ! -e "$name.pdf" ] || problem "$seal: a PDF was written"
done
bounded 2 300 "$NB" render bad-huge.yaml -o x.pdf
grep -q 'it is 60000 × 60000 pixels; at most 4000 × 4000 are accepted' err.txt ||
    problem "huge.png: the message does not give the dimensions: $(cat err.txt)"
bounded 2 300 "$NB" render bad-oversized.yaml -o x.pdf
grep -q 'bytes; at most 4194304 are accepted' err.txt ||
    problem "oversized.png: the message does not give the limit: $(cat err.txt)"

# 3. The same hostile seals inside one batch of good reports: every good report is written,
#    every bad one is reported with its error, and batch-report.json says so.
mkdir in
with_seal in/good-a.yaml rgba.png 湛河区财政局
with_seal in/good-b.yaml rgb-trns.png 湛河区教育局
cp "$seed" in/good-c.yaml
cp rgba.png rgb-trns.png in/
n_bad=0
for seal in $hostile; do
    cp "$seal" in/
    with_seal "in/bad-${seal%.*}.yaml" "$seal"
    n_bad=$((n_bad + 1))
done
bounded 60 2048 "$NB" batch in -o out -j 2
[ "$bounded_status" -eq 1 ] || problem "batch: exit $bounded_status, expected 1: $(head -c 600 err.txt)"
for name in good-a good-b good-c; do
    [ "$(head -c 5 "out/$name.pdf" 2>/dev/null)" = "%PDF-" ] || problem "batch: out/$name.pdf missing"
done
ls out | grep -q '^bad-.*\.pdf$' && problem "batch: a report with a bad seal was written"
"$PY" - "$n_bad" <<'EOF' || problem "batch-report.json does not account for every report"
import json, sys
n_bad = int(sys.argv[1])
r = json.load(open("out/batch-report.json", encoding="utf-8"))
s = r["summary"]
assert (s["inputs"], s["written"], s["failed"]) == (3 + n_bad, 3, n_bad), s
for x in r["reports"]:
    name = x["input"].split("/")[-1]
    if name.startswith("bad-"):
        assert x["status"] == "failed" and x["output"] is None, x
        assert any(f["severity"] == "error" and "cannot use the seal" in f["message"]
                   and f["file"].endswith(name) and f["line"] > 0 for f in x["findings"]), x
    else:
        assert x["status"] in ("written", "warnings") and x["output"], x
EOF
finish
