#!/bin/sh
# The installed library: install the build into a temporary prefix, move the prefix, then build
# two small programs against the moved copy, one with pkg-config and one with
# find_package(nianbao), linking the shared library (its soname checked with readelf). Both
# render the seed; so does the moved nianbao program. The fonts and layouts must come from the
# moved prefix: the report names a layout that exists only there. The shared library exports
# exactly the functions include/nianbao.h declares. Signing and importing (src/module.h) load
# the moved prefix's own modules, from the program and from the library; without them they fail
# with exit 2.
# The static library (-DBUILD_SHARED_LIBS=OFF) is installed, moved and used the same way (5.),
# with `pkg-config --static` and find_package: from a second build tree configured static that
# reuses the objects this build has compiled (tests/tools/reuse_object.sh), or from this build
# when it is the static one; its programs sign and import with the moved prefix's modules.
. "$NB_SOURCE/tests/lib.sh"
need cmake cc pkg-config readelf nm pdffonts openssl
: "${NB_BUILD:?NB_BUILD must name the build tree}"
if grep -q '^NB_SANITIZE:BOOL=ON' "$NB_BUILD/CMakeCache.txt"; then
    # A program linked with a sanitized library needs the sanitizer runtime loaded first;
    # the packaging is the same as in the plain build, which runs this test.
    echo "skip: a sanitizer build's library is not for linking into other programs" >&2
    exit 77
fi
workdir
shared=no
grep -q '^BUILD_SHARED_LIBS:BOOL=ON' "$NB_BUILD/CMakeCache.txt" && shared=yes

# The seed, pointed at a layout that only a moved prefix has (installed as moved-only.yaml).
sed -e 's/^layout: .*/layout: moved-only/' "$(sample seed.yaml)" >seed.yaml
grep -q '^layout: moved-only' seed.yaml || fail "could not point the seed at the moved layout"
unset NIANBAO_DATADIR

# 5. The static library: libnianbao.a with nianbao.pc's Requires.private and Libs.private, and
# the package config's find_dependency calls, enough for a program to link it. The programs
# are put in the moved prefix's bin/, where a program finds the prefix's data (a static
# library is part of the program, so the data is found from the program's place).
static_package() {
    mkdir static
    if [ "$shared" = yes ]; then
        cache() { sed -n "s/^$1:[A-Z]*=//p" "$NB_BUILD/CMakeCache.txt"; }
        NB_REUSE_BUILD=$NB_BUILD nice cmake -S "$NB_SOURCE" -B static/build -DBUILD_SHARED_LIBS=OFF \
            -DCMAKE_BUILD_TYPE="$(cache CMAKE_BUILD_TYPE)" -DNB_WERROR="$(cache NB_WERROR)" \
            -DCMAKE_C_COMPILER="$(cache CMAKE_C_COMPILER)" -DCMAKE_C_FLAGS="$(cache CMAKE_C_FLAGS)" \
            -DCMAKE_C_COMPILER_LAUNCHER="$NB_TOOLS/reuse_object.sh" >static/build.log 2>&1 ||
            fail "configuring the static build: $(tail -20 static/build.log)"
        NB_REUSE_BUILD=$NB_BUILD nice cmake --build static/build --target nianbao nianbao_public \
            -j2 >>static/build.log 2>&1 || fail "the static build: $(tail -20 static/build.log)"
        static_build=$PWD/static/build
    else
        static_build=$NB_BUILD
    fi
    cmake --install "$static_build" --prefix "$PWD/static/first" >static/install.log 2>&1 ||
        fail "cmake --install of the static build: $(tail -20 static/install.log)"
    mv static/first static/moved
    sprefix=$PWD/static/moved
    spc=$(find "$sprefix" -name nianbao.pc)
    [ -n "$spc" ] || fail "static: no nianbao.pc installed"
    slibdir=$(dirname "$(dirname "$spc")")
    [ -f "$slibdir/libnianbao.a" ] || fail "static: no libnianbao.a in $slibdir"
    ls "$slibdir"/libnianbao.so* >/dev/null 2>&1 && problem "static: a shared library was installed"
    cp "$sprefix/share/nianbao/layouts/gov-2021-no-other.yaml" \
        "$sprefix/share/nianbao/layouts/moved-only.yaml"

    PKG_CONFIG_PATH=$(dirname "$spc") pkg-config --static --cflags --libs nianbao >static/flags.txt ||
        fail "pkg-config --static nianbao failed"
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Werror -o "$sprefix/bin/render_pc" "$NB_SOURCE/tests/package/render_pc.c" \
        $(cat static/flags.txt) 2>static/cc.txt ||
        fail "cc with pkg-config --static: $(cat static/cc.txt)"
    cmake -S "$NB_SOURCE/tests/package" -B static/cmake-build -DCMAKE_PREFIX_PATH="$sprefix" \
        >static/cmake.txt 2>&1 || fail "static find_package(nianbao): $(tail -20 static/cmake.txt)"
    cmake --build static/cmake-build >>static/cmake.txt 2>&1 ||
        fail "building with the static nianbao::nianbao: $(tail -20 static/cmake.txt)"
    cp static/cmake-build/render_cmake "$sprefix/bin/"
    for prog in render_pc render_cmake; do
        readelf -d "$sprefix/bin/$prog" | grep -q 'NEEDED.*libnianbao' &&
            problem "static: $prog needs a shared libnianbao"
        nm "$sprefix/bin/$prog" | grep -q ' T nb_render_' ||
            problem "static: $prog does not contain the library"
    done
    expect_status 0 "$sprefix/bin/render_pc" seed.yaml static-pc.pdf
    [ "$status_ok" = yes ] || cat err.txt >&2
    expect_status 0 "$sprefix/bin/render_cmake" seed.yaml static-cmake.pdf
    [ "$status_ok" = yes ] || cat err.txt >&2
    pdffonts static-pc.pdf >/dev/null 2>&1 || problem "the static render_pc wrote no readable PDF"
    cmp -s static-pc.pdf static-cmake.pdf || problem "the two static programs' PDFs differ"
    if [ "$shared" = yes ]; then
        cmp -s static-pc.pdf pc.pdf || problem "the static library's PDF differs from the shared one's"
    fi
    # Signing and importing a PDF through the static library: the modules are not in
    # libnianbao.a; the program loads the moved prefix's, found from its own place.
    for m in sign import_pdf; do
        [ -f "$slibdir/nianbao/$m.so" ] || problem "static: no $m.so installed in $slibdir/nianbao"
    done
    openssl req -x509 -newkey rsa:2048 -nodes -keyout static/key.pem -out static/cert.pem \
        -days 30 -subj "/CN=nianbao static package test" 2>static/openssl.err ||
        fail "openssl req: $(cat static/openssl.err)"
    expect_status 0 env LD_DEBUG=files "$sprefix/bin/render_pc" static-pc.pdf static-signed.pdf \
        static/key.pem static/cert.pem
    for m in import_pdf sign; do
        grep -q "file=$slibdir/nianbao/$m\.so" err.txt ||
            problem "static: render_pc did not load $slibdir/nianbao/$m.so"
    done
    grep -q '/Type /Sig' static-signed.pdf 2>/dev/null ||
        problem "static: render_pc wrote no signed PDF from the imported one"
}
if [ "$shared" = no ]; then
    static_package
    finish
fi

cmake --install "$NB_BUILD" --prefix "$PWD/first" >install.log 2>&1 || {
    cat install.log >&2
    fail "cmake --install failed"
}
mv first moved
prefix=$PWD/moved
[ -e first ] && fail "the prefix did not move"

pc=$(find "$prefix" -name nianbao.pc)
config=$(find "$prefix" -name nianbaoConfig.cmake)
lib=$(find "$prefix" -name 'libnianbao.so.*.*.*')
[ -n "$pc" ] || fail "no nianbao.pc installed"
[ -n "$config" ] || fail "no nianbaoConfig.cmake installed"
[ -n "$lib" ] || fail "no libnianbao.so.MAJOR.MINOR.PATCH installed"
libdir=$(dirname "$lib")
[ -f "$prefix/include/nianbao.h" ] || problem "nianbao.h not installed in include/"
[ -f "$prefix/share/man/man1/nianbao.1" ] || problem "nianbao.1 not installed in share/man/man1/"
ls "$libdir"/libnianbao.a >/dev/null 2>&1 && problem "a static library was installed beside the shared one"

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
major=$(sed -n 's/^project(nianbao VERSION \([0-9]*\)\..*/\1/p' "$NB_SOURCE/CMakeLists.txt")
[ "$soname" = "libnianbao.so.$major" ] || problem "soname is '$soname', want libnianbao.so.$major"
[ -L "$libdir/libnianbao.so.$major" ] || problem "no libnianbao.so.$major link"

# Exported: the header's functions, nothing else.
nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sort >exported.txt
sed -n 's/^NB_API [^(]*[ *]\(nb_[a-z0-9_]*\)(.*/\1/p' "$prefix/include/nianbao.h" | sort >declared.txt
[ -s declared.txt ] || fail "no NB_API function found in nianbao.h"
cmp -s exported.txt declared.txt ||
    problem "exported functions differ from the header's: $(diff declared.txt exported.txt | grep '^[<>]' | tr '\n' ' ')"

# The report's layout exists only in the moved prefix.
cp "$prefix/share/nianbao/layouts/gov-2021-no-other.yaml" "$prefix/share/nianbao/layouts/moved-only.yaml"

# 1. pkg-config.
PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs nianbao >flags.txt ||
    fail "pkg-config nianbao failed"
grep -q -- "-L$libdir" flags.txt || problem "pkg-config gives no -L$libdir: $(cat flags.txt)"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o render_pc "$NB_SOURCE/tests/package/render_pc.c" \
    $(cat flags.txt) -Wl,-rpath,"$libdir" 2>cc.txt || fail "cc with pkg-config: $(cat cc.txt)"
expect_status 0 ./render_pc seed.yaml pc.pdf
[ "$status_ok" = yes ] || cat err.txt >&2
pdffonts pc.pdf >/dev/null 2>&1 || problem "render_pc wrote no readable PDF"
# The seed has one finding (a warning); checked once, it is listed once.
want=$("$NB" check "$NB_SOURCE/samples/seed.yaml" 2>/dev/null | grep -c ': warning: ' || true)
[ "$want" -ge 1 ] || fail "the seed has no warning any more: pick a report with one"
grep -q " $want findings" out.txt || problem "render_pc: $(cat out.txt), want $want findings"

# 2. find_package.
cmake -S "$NB_SOURCE/tests/package" -B cmake-build -DCMAKE_PREFIX_PATH="$prefix" \
    >cmake.txt 2>&1 || fail "find_package(nianbao): $(tail -20 cmake.txt)"
cmake --build cmake-build >>cmake.txt 2>&1 || fail "building with nianbao::nianbao: $(tail -20 cmake.txt)"
expect_status 0 cmake-build/render_cmake seed.yaml cmake.pdf
pdffonts cmake.pdf >/dev/null 2>&1 || problem "render_cmake wrote no readable PDF"
cmp -s pc.pdf cmake.pdf || problem "the two programs' PDFs differ"

for prog in render_pc cmake-build/render_cmake; do
    readelf -d "$prog" | grep -q "NEEDED.*\[libnianbao.so.$major\]" ||
        problem "$prog does not link libnianbao.so.$major: $(readelf -d "$prog" | grep NEEDED)"
done

# 3. The moved program.
expect_status 0 "$prefix/bin/nianbao" render seed.yaml -o bin.pdf
cmp -s pc.pdf bin.pdf || problem "the moved nianbao's PDF differs from the library's"
expect_status 0 "$prefix/bin/nianbao" --version
[ "$(cat out.txt)" = "nianbao $(sed -n "s/^Version: //p" "$pc")" ] ||
    problem "nianbao --version says '$(cat out.txt)', nianbao.pc $(sed -n 's/^Version: //p' "$pc")"

# 4. Signing and importing from the moved prefix: its own modules are loaded (LD_DEBUG lists
# what the dynamic linker maps), by the program and by a program using the library.
moddir=$libdir/nianbao
for m in sign import_html import_docx import_pdf system_fonts seal_image; do
    [ -f "$moddir/$m.so" ] || problem "no $m.so installed in $moddir"
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 \
    -subj "/CN=nianbao package test" 2>openssl.err || fail "openssl req: $(cat openssl.err)"
expect_status 0 env LD_DEBUG=files "$prefix/bin/nianbao" render seed.yaml -o bin-signed.pdf \
    --sign-key key.pem --sign-cert cert.pem
grep -q "file=$moddir/sign\.so" err.txt ||
    problem "the moved nianbao did not sign with $moddir/sign.so: $(grep -o 'file=[^ ]*sign[^ ]*' err.txt)"
grep -q '/Type /Sig' bin-signed.pdf || problem "the moved nianbao wrote no signature"
expect_status 0 env LD_DEBUG=files "$prefix/bin/nianbao" import bin.pdf -o bin-import.yaml
grep -q "file=$moddir/import_pdf\.so" err.txt ||
    problem "the moved nianbao did not import with $moddir/import_pdf.so"
grep -q 'moved-only\|gov-2021' bin-import.yaml || problem "the imported PDF gave no report: $(head -c 300 bin-import.yaml)"
expect_status 0 env LD_DEBUG=files ./render_pc bin.pdf lib-signed.pdf key.pem cert.pem
for m in import_pdf sign; do
    grep -q "file=$moddir/$m\.so" err.txt || problem "the library did not load $moddir/$m.so"
done
grep -q '/Type /Sig' lib-signed.pdf || problem "the library wrote no signature"
mkdir empty
expect_status 2 env NIANBAO_MODULEDIR="$PWD/empty" "$prefix/bin/nianbao" import bin.pdf -o none.yaml
grep -q 'needs the module import_pdf.so, which is not installed' err.txt ||
    problem "no import_pdf.so: $(cat err.txt)"
[ -e none.yaml ] && problem "an import without its module wrote none.yaml"

static_package
finish
