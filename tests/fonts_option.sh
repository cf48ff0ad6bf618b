# --font ROLE=FONT puts an agency's font first in a role: a font file or an installed family,
# embedded as a subset like the bundled ones; an unknown role is a usage error, an unknown
# font a report error naming it.
. "$NB_SOURCE/tests/lib.sh"
need pdffonts
workdir
hana=/usr/share/fonts/truetype/hanazono/HanaMinA.ttf
[ -f "$hana" ] || { echo "skip: no $hana (fonts-hanazono)" >&2; exit 77; }

render seed.yaml body.pdf --font "body=$hana"
pdffonts body.pdf >fonts.txt
grep -q '+HanaMinA  *CID TrueType  *Identity-H  *yes yes yes' fonts.txt ||
    problem "body font HanaMinA not embedded as a CID TrueType subset: $(cat fonts.txt)"
grep -q '+FandolFang-Regular ' fonts.txt ||
    problem "the table role should still use FandolFang: $(cat fonts.txt)"

render seed.yaml family.pdf --font "title=FandolKai"
pdffonts family.pdf | grep -q '+FandolKai-Regular' || problem "--font title=FandolKai not used"
# The title role no longer needs FandolSong-Bold at all.
pdffonts family.pdf | grep -q 'FandolSong-Bold' && problem "FandolSong-Bold embedded though unused"

expect_status 2 "$NB" render "$(sample seed.yaml)" -o role.pdf --font "bodyy=$hana"
grep -q "unknown role 'bodyy'" err.txt || problem "unknown role not named: $(cat err.txt)"
[ -e role.pdf ] && problem "a PDF was written despite a usage error"

expect_status 1 "$NB" render "$(sample seed.yaml)" -o missing.pdf --font "body=No Such Font"
grep -q "font 'No Such Font' (role body) is neither an installed family nor a font file" err.txt ||
    problem "unknown font not named: $(cat err.txt)"
[ -e missing.pdf ] && problem "a PDF was written for an unknown font"
finish
