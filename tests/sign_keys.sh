#!/bin/sh
# Signing is honest about its keys: an RSA-PSS key (whose CMS signatures pdfsig called invalid;
# from a PEM file or a PKCS#12 file) and an Ed25519 key are refused with what to use instead,
# an RSA key under 2048 bits and an EC key under 256 bits are refused with nothing written; a
# certificate that has expired by the signing time signs with a warning that says so; RSA-2048
# and EC P-256 signatures are valid for pdfsig. Keys and certificates are made here by openssl.
. "$NB_SOURCE/tests/lib.sh"
need openssl pdfsig
workdir

# cert NAME OPENSSL-NEWKEY-ARGS... : NAME.key and NAME.crt, self-signed, valid for one day.
cert() {
    name=$1
    shift
    openssl req -x509 -nodes -days 1 -subj "/CN=nianbao $name test" -keyout "$name.key" \
        -out "$name.crt" "$@" 2>"$name.openssl" || fail "openssl req $name: $(cat "$name.openssl")"
}
cert rsa2048 -newkey rsa:2048
cert ec256 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
cert pss -newkey rsa-pss -pkeyopt rsa_keygen_bits:2048
cert rsa1024 -newkey rsa:1024
cert ec224 -newkey ec -pkeyopt ec_paramgen_curve:secp224r1
seed=$(sample seed.yaml)

# sign NAME [ENV...]: renders the seed signed with NAME's key; status in $rc, stderr in NAME.err.
sign() {
    name=$1
    shift
    rc=0
    env "$@" "$NB" render "$seed" -o "$name.pdf" --sign-key "$name.key" --sign-cert "$name.crt" \
        >/dev/null 2>"$name.raw" || rc=$?
    sanitizer_clean "$name.raw"
    # The seed's own check warnings (its layout, its headings) are not this test's business;
    # anything about keys, certificates or signing is.
    grep -v "^$seed:[0-9]*:[0-9]*: warning: " "$name.raw" >"$name.err" || true
}

for name in rsa2048 ec256; do
    sign "$name"
    [ "$rc" -eq 0 ] || problem "$name: exit $rc: $(cat "$name.err")"
    [ ! -s "$name.err" ] || problem "$name: unexpected messages: $(cat "$name.err")"
    pdfsig "$name.pdf" >"$name.sig" 2>&1 || true
    grep -q 'Signature Validation: Signature is Valid' "$name.sig" ||
        problem "$name: pdfsig does not call the signature valid: $(cat "$name.sig")"
done

# refused NAME MESSAGE
refused() {
    sign "$1"
    [ "$rc" -eq 2 ] || problem "$1: exit $rc, expected 2: $(cat "$1.err")"
    [ ! -e "$1.pdf" ] || problem "$1: a PDF was written"
    grep -q "^$1.key: error: $2" "$1.err" || problem "$1: expected '$2', got: $(cat "$1.err")"
}
use="use an RSA key (PKCS#1 v1.5 signatures) of at least 2048 bits or an EC P-256 key"
refused pss "RSA-PSS keys are not supported; $use"
cert ed25519 -newkey ed25519
refused ed25519 "ED25519 keys are not supported; $use"
# A PSS key in a PKCS#12 file gets the same guidance.
openssl pkcs12 -export -inkey pss.key -in pss.crt -out pss.p12 -passout pass:secret 2>p12.openssl ||
    fail "openssl pkcs12: $(cat p12.openssl)"
rc=0
"$NB" render "$seed" -o pss12.pdf --sign pss.p12 --sign-password secret >/dev/null 2>pss12.err || rc=$?
sanitizer_clean pss12.err
[ "$rc" -eq 2 ] || problem "pss.p12: exit $rc, expected 2: $(cat pss12.err)"
[ ! -e pss12.pdf ] || problem "pss.p12: a PDF was written"
grep -q "^pss.p12: error: RSA-PSS keys are not supported; $use" pss12.err ||
    problem "pss.p12: no guidance: $(grep -v warning pss12.err)"
refused rsa1024 "the RSA key has 1024 bits; at least 2048 are needed"
refused ec224 "the EC key has 224 bits; at least 256 are needed"

# Signed ten days after the certificate's one day of validity: written, with a warning; pdfsig
# agrees that the signature itself is valid and finds the certificate expired.
sign rsa2048 SOURCE_DATE_EPOCH=$(($(date +%s) + 10 * 86400))
[ "$rc" -eq 0 ] || problem "expired: exit $rc: $(cat rsa2048.err)"
grep -q '^rsa2048.crt: warning: the certificate expired on .*, before the signing time' rsa2048.err ||
    problem "expired: no warning: $(cat rsa2048.err)"
pdfsig rsa2048.pdf >expired.sig 2>&1 || true
grep -q 'Signature Validation: Signature is Valid' expired.sig ||
    problem "expired: pdfsig does not call the signature itself valid: $(cat expired.sig)"
finish
