#!/bin/sh
# Modules (src/module.h): the program and the library start without libcrypto, libxml2, libzip,
# libstdc++, MuPDF, fontconfig, expat, libspng and libjpeg; a render and a check in the bundled
# fonts without a seal work with no module installed and load none, while signing, importing
# HTML, .docx and PDF, a font name that is not bundled and a seal load their module (and its
# libraries) from the build tree, or fail with exit 2 (a font or a seal: exit 1), a message
# naming the module and nothing written when it is missing or broken. Installed and moved
# prefixes: tests/package.sh.
. "$NB_SOURCE/tests/lib.sh"
need readelf nm openssl
need_python yaml
: "${NB_BUILD:?NB_BUILD must name the build tree}"
workdir
seed=$(sample seed.yaml)

# 1. What the program and the shared library link.
for bin in "$NB" "$NB_BUILD"/libnianbao.so; do
    [ -f "$bin" ] || continue
    readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >needed.txt
    [ -s needed.txt ] || problem "$bin: readelf found no NEEDED entry"
    bad=$(grep -E '^lib(crypto|ssl|xml2|zip|stdc\+\+|icu|lzma|gumbo|openjp2|jbig2dec|mujs|fontconfig|expat|spng|jpeg)' needed.txt || true)
    [ -z "$bad" ] || problem "$bin needs $(echo "$bad" | tr '\n' ' ')"
    # MuPDF is a static library: its code would be linked in, not listed.
    nm -C "$bin" 2>/dev/null | grep -q -E ' [Tt] (fz_open_document|pdf_load_object|xmlReadMemory|CMS_sign)$' &&
        problem "$bin holds MuPDF, libxml2 or OpenSSL code"
done
for m in sign import_html import_docx import_pdf system_fonts seal_image; do
    [ -f "$NB_BUILD/modules/$m.so" ] || problem "the build made no modules/$m.so"
done
readelf -d "$NB_BUILD/modules/system_fonts.so" | grep -q 'NEEDED.*libfontconfig' ||
    problem "modules/system_fonts.so does not link libfontconfig"
readelf -d "$NB_BUILD/modules/sign.so" | grep -q 'NEEDED.*libcrypto' ||
    problem "modules/sign.so does not link libcrypto"
nm -D --defined-only "$NB_BUILD/modules/import_pdf.so" | awk '$2 != "U" {print $3}' |
    grep -v -x 'nb_module_entry' | grep -v '^_' >exported.txt || true
[ -s exported.txt ] && problem "import_pdf.so exports more than nb_module_entry: $(head -5 exported.txt | tr '\n' ' ')"

# 2. Render and check with no module to be found: they need none and load none (LD_DEBUG
# lists every object the dynamic linker maps, at start and by dlopen).
mkdir empty
expect_status 0 env NIANBAO_MODULEDIR="$PWD/empty" "$NB" check "$seed"
expect_status 0 env NIANBAO_MODULEDIR="$PWD/empty" LD_DEBUG=files "$NB" render "$seed" -o plain.pdf
[ -s plain.pdf ] || problem "no PDF rendered without modules"
# (A sanitizer build's runtime brings libstdc++ itself.)
grep -E 'needed by|loaded by' err.txt | grep -v -E 'needed by [^ ]*lib(a|ub)san' |
    grep -o -E 'file=[^ ]*(libcrypto|libssl|libxml2|libzip|libstdc\+\+|libfontconfig|libexpat|libspng|libjpeg|/sign|/import_[a-z]*|/system_fonts|/seal_image)\.so[.0-9]*' \
    >loaded.txt || true
[ -s loaded.txt ] && problem "an unsigned render loaded $(sort -u loaded.txt | tr '\n' ' ')"

# 3. Signing: the module is loaded (with libcrypto) only when asked.
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 \
    -subj "/CN=nianbao module test" 2>openssl.err || fail "openssl req: $(cat openssl.err)"
expect_status 0 env LD_DEBUG=files "$NB" render "$seed" -o signed.pdf --sign-key key.pem --sign-cert cert.pem
grep -q 'file=.*/modules/sign\.so' err.txt || problem "a signed render did not load modules/sign.so"
grep -q 'file=.*libcrypto' err.txt || problem "a signed render did not load libcrypto"
grep -q '/Type /Sig' signed.pdf || problem "the signed PDF has no signature"

# 4. Missing modules: exit 2, the module named, nothing written.
expect_status 2 env NIANBAO_MODULEDIR="$PWD/empty" "$NB" render "$seed" -o nosign.pdf \
    --sign-key key.pem --sign-cert cert.pem
grep -q 'signing needs the module sign.so, which is not installed' err.txt ||
    problem "missing sign.so: $(cat err.txt)"
[ -e nosign.pdf ] && problem "a render whose signing failed left nosign.pdf"
expect_status 2 env LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 NIANBAO_MODULEDIR="$PWD/empty" \
    "$NB" render "$seed" -o nosign.pdf --sign-key key.pem --sign-cert cert.pem
grep -q '签名需要模块 sign.so，但未安装' err.txt || problem "missing sign.so, in Chinese: $(cat err.txt)"
"$NB" render "$seed" -o seed.pdf 2>/dev/null || fail "render failed"
"$PY" "$NB_TOOLS/mkimport.py" html "$seed" "$NB_SOURCE/layouts" page.html
"$PY" "$NB_TOOLS/mkimport.py" docx "$seed" "$NB_SOURCE/layouts" report.docx
for pair in page.html:import_html report.docx:import_docx seed.pdf:import_pdf; do
    src=${pair%%:*}
    mod=${pair#*:}
    expect_status 2 env NIANBAO_MODULEDIR="$PWD/empty" "$NB" import "$src" -o "$src.yaml"
    grep -q "^$src: error: .*needs the module $mod.so, which is not installed (looked in $PWD/empty)" err.txt ||
        problem "import $src without $mod.so: $(cat err.txt)"
    [ -e "$src.yaml" ] && problem "import $src without its module wrote $src.yaml"
    expect_status 2 env NIANBAO_MODULEDIR="$PWD/empty" "$NB" check "$src"
    cat out.txt err.txt | grep -q "needs the module $mod.so" ||
        problem "check $src without $mod.so: $(cat out.txt err.txt)"
    # With the build's modules: imported, and only this reader's module loaded.
    expect_status 0 env LD_DEBUG=files "$NB" import "$src" -o "$src.yaml"
    [ -s "$src.yaml" ] || problem "import $src wrote nothing"
    grep -q "file=.*/modules/$mod\.so" err.txt || problem "import $src did not load $mod.so"
    grep -o -E 'file=[^ ]*/modules/[a-z_]*\.so' err.txt | grep -v "/$mod\.so" >other.txt || true
    [ -s other.txt ] && problem "import $src loaded $(tr '\n' ' ' <other.txt)"
done

# 4b. A font name that is not bundled: fontconfig is asked through its module, loaded only
# then; without the module, the name is an error that says so (exit 1, nothing written).
expect_status 1 env LD_DEBUG=files "$NB" render "$seed" -o family.pdf --font 'body=No Such Family Anywhere'
grep -q "font 'No Such Family Anywhere' (role body) is neither an installed family nor a font file" err.txt ||
    problem "an unknown family with the module: $(grep error err.txt)"
grep -q 'file=.*/modules/system_fonts\.so' err.txt || problem "a family name did not load modules/system_fonts.so"
grep -q 'file=.*libfontconfig' err.txt || problem "a family name did not load libfontconfig"
expect_status 1 env NIANBAO_MODULEDIR="$PWD/empty" "$NB" render "$seed" -o nofc.pdf --font 'body=No Such Family Anywhere'
grep -q "font 'No Such Family Anywhere' (role body) cannot be used: looking up installed fonts needs the module system_fonts.so, which is not installed" err.txt ||
    problem "a family name without system_fonts.so: $(cat err.txt)"
[ -e nofc.pdf ] && problem "a render whose font lookup failed wrote nofc.pdf"

# 4c. A seal: the image decoder's module (libspng, libjpeg) is loaded only to print one, and its
# absence is the seal's error (exit 1, nothing written).
"$PY" "$NB_TOOLS/sealpng.py" rgba seal.png || fail "sealpng.py rgba"
sed -e 's|^signoff: .*|&\nseal: seal.png|' "$seed" >sealed.yaml
grep -q '^seal: seal.png' sealed.yaml || fail "could not add a seal to the seed"
expect_status 0 env LD_DEBUG=files "$NB" render sealed.yaml -o sealed.pdf
grep -q 'file=.*/modules/seal_image\.so' err.txt || problem "a seal did not load modules/seal_image.so"
grep -q 'file=.*libspng' err.txt || problem "a seal did not load libspng"
expect_status 1 env NIANBAO_MODULEDIR="$PWD/empty" "$NB" render sealed.yaml -o nosealmod.pdf
grep -q "cannot use the seal seal.png: reading a seal image needs the module seal_image.so, which is not installed" err.txt ||
    problem "a seal without seal_image.so: $(cat err.txt)"
[ -e nosealmod.pdf ] && problem "a render whose seal could not be read wrote nosealmod.pdf"

# 5. A broken module and one without the entry: refused with exit 2, not a crash.
mkdir broken
echo "not an ELF file" >broken/sign.so
expect_status 2 env NIANBAO_MODULEDIR="$PWD/broken" "$NB" render "$seed" -o broken.pdf \
    --sign-key key.pem --sign-cert cert.pem
grep -q "cannot load the module $PWD/broken/sign.so" err.txt || problem "broken sign.so: $(cat err.txt)"
mkdir wrong
cp "$NB_BUILD/modules/import_html.so" wrong/import_pdf.so 2>/dev/null || true
cp "$NB_BUILD/modules/sign.so" wrong/import_html.so
expect_status 2 env NIANBAO_MODULEDIR="$PWD/wrong" "$NB" import page.html -o wrong.yaml
[ -e wrong.yaml ] && problem "import with the signing module as HTML reader wrote wrong.yaml"
sanitizer_clean err.txt

finish
