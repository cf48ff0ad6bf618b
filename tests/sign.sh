#!/bin/sh
# Signs a rendered sample with a certificate made here (openssl req -x509) and checks the
# signature with readers we did not write: poppler's pdfsig, qpdf, OpenSSL's cms -verify over
# the /ByteRange, and MuPDF when it is there. Both SubFilters (adbe.pkcs7.detached from PEM
# files, ETSI.CAdES.detached from PKCS#12), tampering on either side of /Contents, the rendered
# document kept as the first revision, and bad keys and passwords refused without writing anything.
. "$NB_SOURCE/tests/lib.sh"
need openssl pdfsig qpdf cmp
need_python
workdir

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 3650 \
    -subj "/CN=nianbao test signer/O=Test Office" 2>openssl.err || fail "openssl req: $(cat openssl.err)"
openssl pkcs12 -export -inkey key.pem -in cert.pem -out id.p12 -passout pass:p12-secret \
    2>>openssl.err || fail "openssl pkcs12: $(cat openssl.err)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-key.pem -out other-cert.pem -days 1 \
    -subj "/CN=someone else" 2>>openssl.err || fail "openssl req: $(cat openssl.err)"
openssl pkey -in key.pem -aes256 -passout pass:pem-secret -out enc-key.pem 2>>openssl.err ||
    fail "openssl pkey: $(cat openssl.err)"

# sigparts.py PDF OUTDIR: the last signature's signed bytes, DER CMS, /SubFilter, /Reason and
# /Location (decoded), for openssl cms -verify and the checks below.
cat >sigparts.py <<'EOF'
import re, sys
pdf = open(sys.argv[1], "rb").read()
out = sys.argv[2]
sig = pdf.rfind(b"/Type /Sig")
br = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]").search(pdf, sig)
a, b, c, d = (int(x) for x in br.groups())
assert a == 0 and c + d == len(pdf), "ByteRange does not cover the file"
contents = pdf[b:c]
assert contents[:1] == b"<" and contents[-1:] == b">", "ByteRange gap is not the /Contents string"
der = bytes.fromhex(contents[1:-1].decode())
# the reserve is zero-filled after the DER: its length comes from the outer SEQUENCE header
assert der[0] == 0x30 and der[1] & 0x80, "the /Contents is not a DER SEQUENCE"
nlen = der[1] & 0x7F
der = der[:2 + nlen + int.from_bytes(der[2:2 + nlen], "big")]
open(out + "/signed.bin", "wb").write(pdf[a:a + b] + pdf[c:c + d])
open(out + "/cms.der", "wb").write(der)
def text(key):
    m = re.compile(rb"/" + key + rb"\s*(<FEFF[0-9A-Fa-f]*>|\((?:[^\\)]|\\.)*\))").search(pdf, sig)
    if not m:
        return ""
    v = m.group(1)
    if v.startswith(b"<"):
        return bytes.fromhex(v[5:-1].decode()).decode("utf-16-be")
    return v[1:-1].decode("latin-1")
sub = re.compile(rb"/SubFilter\s*/([A-Za-z0-9.]+)").search(pdf, sig).group(1).decode()
print("subfilter=%s\nreason=%s\nlocation=%s\ncms_bytes=%d\nreserve_bytes=%d"
      % (sub, text(b"Reason"), text(b"Location"), len(der), (c - b - 2) // 2))
EOF

seed=$(sample seed.yaml)
render "$seed" plain.pdf
# A file to be signed is written with a classic cross-reference table (the signer updates
# that), the unsigned one with object streams: the same document, as qpdf shows when it
# rewrites both the same way (QDF: each object on its own, renumbered in order of reference).
qpdf --qdf --static-id --object-streams=disable plain.pdf plain.qdf 2>qdf.err || fail "qpdf --qdf: $(cat qdf.err)"

# check_signed PDF SUBFILTER: the properties every signed file must have.
check_signed() {
    f=$1
    # The signed file is the rendered file, untouched, then the update: its first revision
    # (up to the first %%EOF) is the unsigned document.
    "$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); e = d.index(b"%%EOF\n") + 6
open(sys.argv[2], "wb").write(d[:e])' "$f" "$f.rev1" 2>/dev/null ||
        problem "$f has no first revision"
    qpdf --qdf --static-id --object-streams=disable "$f.rev1" "$f.rev1.qdf" 2>/dev/null
    cmp -s plain.qdf "$f.rev1.qdf" ||
        problem "$f does not begin with the unsigned document"
    [ "$(wc -c <"$f")" -gt "$(wc -c <"$f.rev1")" ] || problem "$f has no update after the rendered file"
    pdfsig "$f" >"$f.pdfsig" 2>&1 || true
    grep -q 'Signature Validation: Signature is Valid\.' "$f.pdfsig" ||
        problem "pdfsig does not call $f valid: $(cat "$f.pdfsig")"
    grep -q 'Total document signed' "$f.pdfsig" ||
        problem "pdfsig: $f is not signed in total: $(cat "$f.pdfsig")"
    grep -q "Signature Type: $2" "$f.pdfsig" || problem "pdfsig: $f is not $2"
    qpdf --check "$f" >"$f.qpdf" 2>&1 || problem "qpdf --check $f: $(cat "$f.qpdf")"
    grep -q 'No syntax or stream encoding errors found' "$f.qpdf" ||
        problem "qpdf --check $f: $(cat "$f.qpdf")"
    mkdir -p "$f.parts"
    "$PY" sigparts.py "$f" "$f.parts" >"$f.parts/info" 2>"$f.parts/err" ||
        problem "cannot take the signature of $f apart: $(cat "$f.parts/err")"
    grep -q "^subfilter=$2\$" "$f.parts/info" || problem "$f: /SubFilter is not $2"
    openssl cms -verify -binary -inform DER -in "$f.parts/cms.der" -content "$f.parts/signed.bin" \
        -CAfile cert.pem -purpose any -out /dev/null >"$f.cms" 2>&1 ||
        problem "openssl cms -verify $f: $(cat "$f.cms")"
    if command -v mutool >/dev/null 2>&1; then
        mutool sign -v "$f" >"$f.mutool" 2>&1 || true
        grep -q 'The document is unchanged since signing' "$f.mutool" ||
            problem "mutool sign -v $f: $(quiet_stderr "$f.mutool")"
    fi
}

# 1. adbe.pkcs7.detached from a PEM key and certificate, reason and location in Chinese.
render "$seed" pkcs7.pdf --sign-key key.pem --sign-cert cert.pem \
    --sign-reason '本机关对年度报告内容负责' --sign-location 'Beijing 北京'
check_signed pkcs7.pdf adbe.pkcs7.detached
grep -q '^reason=本机关对年度报告内容负责$' pkcs7.pdf.parts/info || problem "/Reason is not the given text"
grep -q '^location=Beijing 北京$' pkcs7.pdf.parts/info || problem "/Location is not the given text"

# 2. ETSI.CAdES.detached from PKCS#12, the password from the environment.
export NIANBAO_SIGN_PASSWORD=p12-secret
render "$seed" cades.pdf --sign id.p12 --sign-cades
check_signed cades.pdf ETSI.CAdES.detached
unset NIANBAO_SIGN_PASSWORD
export P12PW=p12-secret
render "$seed" cades2.pdf --sign id.p12 --sign-cades --sign-password-env P12PW
check_signed cades2.pdf ETSI.CAdES.detached
unset P12PW
# CAdES carries signingCertificateV2 (RFC 5035); plain PKCS#7 does not.
openssl cms -cmsout -print -inform DER -in cades.pdf.parts/cms.der 2>/dev/null |
    grep -q 'id-smime-aa-signingCertificateV2' || problem "the CAdES signature has no signingCertificateV2"
openssl cms -cmsout -print -inform DER -in pkcs7.pdf.parts/cms.der 2>/dev/null |
    grep -q 'id-smime-aa-signingCertificateV2' && problem "the PKCS#7 signature has signingCertificateV2"

# 3. An encrypted PEM key with its password on the command line.
render "$seed" enc.pdf --sign-key enc-key.pem --sign-cert cert.pem --sign-password pem-secret
check_signed enc.pdf adbe.pkcs7.detached

# 4. One changed byte on either side of /Contents: pdfsig reports a digest mismatch.
# tamper IN OUT OFFSET: copies IN to OUT with the byte at OFFSET changed.
tamper() {
    "$PY" -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); i = int(sys.argv[3])
d[i] = d[i] ^ 0x01 if d[i] not in b"0123456789" else (d[i] - 48 + 1) % 10 + 48
open(sys.argv[2], "wb").write(d)' "$1" "$2" "$3"
}
# in the original document: a digit of /CreationDate in Info; after /Contents: a digit of /M
info_at=$("$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.index(b"/CreationDate (D:") + 17)' pkcs7.pdf)
m_at=$("$PY" -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.rindex(b"/M (D:") + 6)' pkcs7.pdf)
for at in "$info_at" "$m_at"; do
    tamper pkcs7.pdf tampered.pdf "$at"
    cmp -s pkcs7.pdf tampered.pdf && fail "tamper did not change byte $at"
    pdfsig tampered.pdf >tampered.pdfsig 2>&1 || true
    grep -q 'Signature Validation: Digest Mismatch' tampered.pdfsig ||
        problem "pdfsig does not see the change at byte $at: $(cat tampered.pdfsig)"
done

# 5. The same input and SOURCE_DATE_EPOCH give the same signed bytes (RSA PKCS#1 v1.5 is
# deterministic), and /M is that time.
export SOURCE_DATE_EPOCH=1767225600
render "$seed" det1.pdf --sign-key key.pem --sign-cert cert.pem
render "$seed" det2.pdf --sign-key key.pem --sign-cert cert.pem
unset SOURCE_DATE_EPOCH
cmp -s det1.pdf det2.pdf || problem "signing with SOURCE_DATE_EPOCH is not reproducible"
grep -a -q '/M (D:20260101000000Z)' det1.pdf || problem "/M is not SOURCE_DATE_EPOCH"

# 6. Refusals: exit 2, a message naming the cause, the password never printed, nothing written.
# refuse WHAT PATTERN ARGS...: render must fail with PATTERN on stderr.
refuse() {
    what=$1
    pattern=$2
    shift 2
    rm -f refused.pdf
    expect_status 2 "$NB" render "$seed" -o refused.pdf "$@"
    [ "$status_ok" = yes ] || return 0
    grep -q "$pattern" err.txt || problem "$what: stderr lacks '$pattern': $(cat err.txt)"
    grep -q 'p12-secret\|wrong-one\|pem-secret' err.txt && problem "$what: a password is printed"
    [ -e refused.pdf ] && problem "$what: a PDF was written"
    return 0
}
refuse "wrong PKCS#12 password" 'wrong password' --sign id.p12 --sign-password wrong-one
refuse "no PKCS#12 password" 'needs a password' --sign id.p12
refuse "wrong PEM password" 'wrong password' --sign-key enc-key.pem --sign-cert cert.pem \
    --sign-password wrong-one
refuse "encrypted key without password" 'needs a password' --sign-key enc-key.pem --sign-cert cert.pem
refuse "key of another certificate" 'does not belong' --sign-key other-key.pem --sign-cert cert.pem
refuse "missing key file" 'cannot read' --sign-key no-such-key.pem --sign-cert cert.pem
refuse "certificate as key" 'not a PEM private key' --sign-key cert.pem --sign-cert cert.pem
refuse "key as PKCS#12" 'not a PKCS#12 file' --sign key.pem
refuse "key without certificate" 'sign-cert' --sign-key key.pem
refuse "unset password variable" 'NO_SUCH_VARIABLE' --sign id.p12 --sign-password-env NO_SUCH_VARIABLE

finish
