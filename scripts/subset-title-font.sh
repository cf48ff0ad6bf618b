#!/bin/sh
# Makes fonts/NotoSerifCJKsc-Black-GB2312.otf, the bundled title face (a free stand-in for
# 方正小标宋简体): the Simplified Chinese face of Noto Serif CJK Black from Debian's
# fonts-noto-cjk-extra, cut with fontTools' pyftsubset (Debian's fonttools) to the 7445
# characters of GB 2312 (all its rows: hanzi levels 1 and 2, marks, full-width forms) so that the
# file is 4.9 MB instead of 26 MB. Characters outside it fall back to FandolSong-Bold in the
# title role. Not run by the build or the tests; run it again only to change the subset.
set -eu
src=/usr/share/fonts/opentype/noto/NotoSerifCJK-Black.ttc
out=${1:-fonts/NotoSerifCJKsc-Black-GB2312.otf}
[ -f "$src" ] || { echo "no $src: apt-get install fonts-noto-cjk-extra" >&2; exit 1; }
command -v pyftsubset >/dev/null || { echo "no pyftsubset: apt-get install fonttools" >&2; exit 1; }
chars=$(mktemp)
trap 'rm -f "$chars"' EXIT
/usr/bin/python3 - "$chars" <<'PY'
import sys
out = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            out.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
out |= set("（）〔〕《》〈〉“”‘’、，。：；！？…—·【】「」『』")
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(out)))
PY
# Face 2 of the collection is the SC one (NotoSerifCJKsc-Black).
pyftsubset "$src" --font-number=2 --text-file="$chars" --layout-features='*' --name-IDs='*' \
    --name-languages='*' --output-file="$out"
