#!/bin/sh
# PDF/A-1b: every sample rendered with --pdfa is valid for PDFBox Preflight (a validator we did
# not write), and stays valid once signed with either SubFilter. Then one requirement at a time
# is broken in a valid file (no OutputIntent, compressed XMP metadata, no CIDSet) and Preflight
# must reject each for that reason. Also: PDF 1.4 header, XMP that names PDF/A-1B, the same
# bytes (and trailer /ID) on a second run, and each font's CIDSet exactly the CIDs of its
# program, a CFF subset's CIDs being 0 .. n - 1 (tests/tools/cidset.py).
. "$NB_SOURCE/tests/lib.sh"
need java openssl pdfinfo cmp
need_python
workdir

preflight() {
    pf_status=0
    sh "$NB_SOURCE/scripts/preflight.sh" "$@" >preflight.out 2>preflight.err || pf_status=$?
    if [ "$pf_status" -eq 2 ]; then
        if grep -q 'is missing\|not installed' preflight.err; then
            echo "skip: $(cat preflight.err)" >&2
            exit 77
        fi
        fail "Preflight could not run: $(cat preflight.err)"
    fi
}
# expect_valid FILE...: Preflight calls every FILE valid.
expect_valid() {
    preflight "$@"
    for f in "$@"; do
        grep -q -x "$f: valid PDF/A-1b" preflight.out ||
            problem "Preflight rejects $f: $(cat preflight.out)"
    done
}
# expect_invalid FILE RULE WHAT: Preflight rejects FILE with an error of RULE (e.g. "3.1.11").
expect_invalid() {
    preflight "$1"
    if ! grep -q -x "$1: not valid PDF/A-1b" preflight.out; then
        problem "Preflight accepts $1 ($3)"
    elif ! grep -q "^  $2 : " preflight.out; then
        problem "Preflight rejects $1 ($3), but not for rule $2: $(head -5 preflight.out)"
    fi
}

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 3650 \
    -subj "/CN=nianbao test signer" 2>openssl.err || fail "openssl req: $(cat openssl.err)"
openssl pkcs12 -export -inkey key.pem -in cert.pem -out id.p12 -passout pass:pw \
    2>>openssl.err || fail "openssl pkcs12: $(cat openssl.err)"

files=""
n=0
for yaml in "$NB_SOURCE"/samples/*.yaml; do
    [ -f "$yaml" ] || continue
    n=$((n + 1))
    name=$(basename "$yaml" .yaml)
    render "$yaml" "$name.pdf" --pdfa --force
    render "$yaml" "$name-pkcs7.pdf" --pdfa --force --sign-key key.pem --sign-cert cert.pem
    render "$yaml" "$name-cades.pdf" --pdfa --force --sign id.p12 --sign-password pw --sign-cades
    files="$files $name.pdf $name-pkcs7.pdf $name-cades.pdf"
    head -c 9 "$name.pdf" | grep -q '^%PDF-1\.4' || problem "$name.pdf: the header is not %PDF-1.4"
    # PDF 1.4 has no object or cross-reference streams (PDF 1.5).
    qpdf --show-xref "$name.pdf" 2>&1 | grep -q 'compressed; stream' &&
        problem "$name.pdf: objects in object streams in a PDF 1.4 file"
    tail -c 1024 "$name.pdf" | grep -aq '^trailer' || problem "$name.pdf: no classic trailer"
    pdfinfo -meta "$name.pdf" >"$name.xmp" 2>&1 || problem "pdfinfo -meta $name.pdf failed"
    grep -q '<pdfaid:part>1</pdfaid:part>' "$name.xmp" && grep -q '<pdfaid:conformance>B<' "$name.xmp" ||
        problem "$name.pdf: the XMP does not declare PDF/A-1B"
    render "$yaml" "$name-again.pdf" --pdfa --force
    cmp -s "$name.pdf" "$name-again.pdf" || problem "$name.pdf: a second run gives other bytes"
    "$PY" "$NB_TOOLS/cidset.py" "$name.pdf" >"$name.cidset" 2>&1 ||
        problem "$name.pdf: CIDSet and font program differ: $(cat "$name.cidset")"
done
[ "$n" -gt 0 ] || fail "no samples/*.yaml"
# shellcheck disable=SC2086
expect_valid $files

# Breaking one requirement at a time in the first sample's valid file.
set -- $files
valid=$1

# 1. No OutputIntent: the key renamed in place (same length, so every offset stays right).
LC_ALL=C sed 's#/OutputIntents#/OutputIntentX#' "$valid" >no-intent.pdf
cmp -s "$valid" no-intent.pdf && fail "no /OutputIntents to remove in $valid"
expect_invalid no-intent.pdf 2.4.3 "no OutputIntent"

# 2. No CIDSet in the font descriptors, the same way.
LC_ALL=C sed 's#/CIDSet#/CIDSeX#g' "$valid" >no-cidset.pdf
cmp -s "$valid" no-cidset.pdf && fail "no /CIDSet to remove in $valid"
expect_invalid no-cidset.pdf 3.1.11 "no CIDSet"

# 3. Compressed metadata: an incremental update replaces the XMP stream with the same packet,
# Flate-compressed. The same update without the filter is the control: it must stay valid, so
# the rejection is the filter's doing.
cat >xmp-update.py <<'EOF'
import re, sys, zlib
src, dst, flate = sys.argv[1], sys.argv[2], sys.argv[3] == "flate"
d = open(src, "rb").read()
num = int(re.search(rb"/Metadata (\d+) 0 R", d).group(1))
obj = re.search(rb"\n%d 0 obj\s*(<<.*?>>)\s*stream\r?\n" % num, d, re.S)
ref = re.search(rb"/Length (\d+) 0 R", obj.group(1))
if ref:  # libharu writes the length as an object of its own
    length = int(re.search(rb"\n%d 0 obj\s*(\d+)" % int(ref.group(1)), d).group(1))
else:
    length = int(re.search(rb"/Length (\d+)", obj.group(1)).group(1))
xmp = d[obj.end():obj.end() + length]
assert xmp.startswith(b"<?xpacket"), "not the XMP packet"
data = zlib.compress(xmp) if flate else xmp
trailer = d[d.rindex(b"trailer"):]
size = int(re.search(rb"/Size (\d+)", trailer).group(1))
keep = b" ".join(m.group(0) for m in re.finditer(rb"/(?:Root|Info) \d+ \d+ R|/ID\s*\[[^\]]*\]", trailer))
prev = int(re.findall(rb"startxref\s+(\d+)", d)[-1])
out = bytearray(d if d.endswith(b"\n") else d + b"\n")
at = len(out)
out += b"%d 0 obj\n<< /Type /Metadata /Subtype /XML %s/Length %d >>\nstream\n" % (
    num, b"/Filter /FlateDecode " if flate else b"", len(data))
out += data + b"\nendstream\nendobj\n"
xref = len(out)
out += b"xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
    num, at, size, keep, prev, xref)
open(dst, "wb").write(out)
EOF
"$PY" xmp-update.py "$valid" control-xmp.pdf none || fail "cannot rewrite the metadata of $valid"
"$PY" xmp-update.py "$valid" filtered-xmp.pdf flate || fail "cannot rewrite the metadata of $valid"
expect_valid control-xmp.pdf
expect_invalid filtered-xmp.pdf 1.2.7 "compressed metadata"

finish
