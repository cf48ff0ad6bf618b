#!/bin/sh
# Print-exact copies: every page box of every sample is A4 exactly as poppler reads it
# (595.28 x 841.89 pt, no CropBox or other box that differs), and the catalog asks viewers for no
# scaling, long-edge duplex and --copies N, also in PDF/A output and after signing (which
# rewrites the catalog). The catalog is read by MuPDF, not by our own code.
. "$NB_SOURCE/tests/lib.sh"
need pdfinfo mutool openssl
workdir

# check_a4 PDF: every page's boxes are 595.28 x 841.89 at the origin.
check_a4() {
    pages=$(pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p')
    [ -n "$pages" ] && [ "$pages" -gt 0 ] || { problem "pdfinfo cannot read $1"; return 0; }
    pdfinfo -f 1 -l "$pages" "$1" >"$1.info" 2>&1
    sizes=$(sed -n 's/^Page *[0-9]* size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p' "$1.info" |
        awk '{ printf "%.2f x %.2f\n", $1, $2 }' | sort | uniq -c | sed 's/^ *//')
    [ "$sizes" = "$pages 595.28 x 841.89" ] ||
        problem "$1: page sizes are not all 595.28 x 841.89 (pages: $pages; sizes: $sizes)"
    pdfinfo -box -f 1 -l "$pages" "$1" >"$1.box" 2>&1
    boxes=$(grep -c 'Box: *0\.00 *0\.00 *595\.28 *841\.89$' "$1.box")
    [ "$boxes" -eq $((5 * pages)) ] ||
        problem "$1: not every Media/Crop/Bleed/Trim/ArtBox is 0 0 595.28 841.89: $(grep Box "$1.box" | grep -v '595\.28 *841\.89$' | head -3)"
}

# check_prefs PDF COPIES: the viewer preferences as MuPDF reads them (COPIES empty: none).
check_prefs() {
    mutool show "$1" trailer/Root/ViewerPreferences >"$1.vp" 2>"$1.vp.err" ||
        problem "mutool cannot show the viewer preferences of $1: $(quiet_stderr "$1.vp.err")"
    grep -q '/PrintScaling */None' "$1.vp" || problem "$1: no /PrintScaling /None: $(cat "$1.vp")"
    grep -q '/Duplex */DuplexFlipLongEdge' "$1.vp" ||
        problem "$1: no /Duplex /DuplexFlipLongEdge: $(cat "$1.vp")"
    if [ -n "$2" ]; then
        grep -q "/NumCopies *$2\\b" "$1.vp" || problem "$1: no /NumCopies $2: $(cat "$1.vp")"
    else
        grep -q '/NumCopies' "$1.vp" && problem "$1: /NumCopies without --copies"
    fi
    return 0
}

for yaml in "$NB_SOURCE"/samples/*.yaml; do
    [ -f "$yaml" ] || continue
    name=$(basename "$yaml" .yaml)
    render "$yaml" "$name.pdf" --force
    check_a4 "$name.pdf"
    check_prefs "$name.pdf" ""
done

seed=$(sample seed.yaml)
render "$seed" copies.pdf --copies 3
check_prefs copies.pdf 3
render "$seed" pdfa.pdf --pdfa --copies 12
check_a4 pdfa.pdf
check_prefs pdfa.pdf 12

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 3650 \
    -subj "/CN=nianbao test signer" 2>openssl.err || fail "openssl req: $(cat openssl.err)"
render "$seed" signed.pdf --pdfa --copies 2 --sign-key key.pem --sign-cert cert.pem
check_a4 signed.pdf
check_prefs signed.pdf 2

expect_status 2 "$NB" render "$seed" -o bad.pdf --copies 0
expect_status 2 "$NB" render "$seed" -o bad.pdf --copies 100
[ -e bad.pdf ] && problem "a PDF was written for a bad --copies"

finish
