#!/bin/sh
# Installs what a fresh Debian 12 machine lacks, builds nianbao (Release, warnings are errors)
# into build/, renders samples/seed.yaml and prints the PDF's path.
# Usage: scripts/setup.sh      (from anywhere; as root, or with sudo; quiet when all is in place)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

# Build: compiler, CMake, the libraries (libxml2, libzip, MuPDF with the
# libraries its static archives need: reading HTML, .docx and PDF sources). Tests: the PDF readers that check our output, python3
# with yaml for the test tools and jsonschema for the check's JSON schema, PDFBox for PDF/A validation, HanaMin for CJK Extension B,
# python3-fonttools to make a stand-in "仿宋_GB2312" for the `fonts: government` test;
# bench/run.sh: hyperfine, GNU time (peak memory) and perf (profiles); strace for what render does
# after its PDF is in place (tests/render_exit.sh).
# The portal page's tests: tidy validates it, headless Chromium prints it and runs axe-core
# (from the npm registry, below) in it.
packages="build-essential cmake pkg-config clang
  libhpdf-dev libharfbuzz-dev libfreetype-dev libfontconfig-dev libyaml-dev zlib1g-dev libssl-dev libdeflate-dev
  libxml2-dev libzip-dev libmupdf-dev libmujs-dev libgumbo-dev libopenjp2-7-dev libjbig2dec0-dev
  libjpeg-dev libpng-dev libbrotli-dev libspng-dev
  poppler-utils qpdf mupdf-tools ghostscript valgrind python3 python3-yaml python3-fonttools python3-jsonschema
  default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java icc-profiles-free fonts-hanazono openssl
  hyperfine time linux-perf strace
  tidy chromium"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing" >&2
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Configure and build; the compiler's messages are shown only when the build fails.
build="$top/build"
log="$build/setup-build.log"
mkdir -p "$build"
if ! { cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNB_WERROR=ON &&
       cmake --build "$build" -j "$(nproc)"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: the build failed (log: $log)" >&2
  exit 1
fi

# axe-core, the accessibility checker tests/html.sh runs inside Chromium (pinned version).
if command -v npm >/dev/null 2>&1 && [ ! -f "$build/npm/node_modules/axe-core/axe.min.js" ]; then
  npm install --no-audit --no-fund --prefix "$build/npm" axe-core@4.14.1 >"$build/npm.log" 2>&1 ||
    echo "setup: could not install axe-core (log: $build/npm.log); tests/html.sh will skip its accessibility part" >&2
fi

out="$build/seed.pdf"
"$build/nianbao" render "$top/samples/seed.yaml" -o "$out"
echo "$out"
