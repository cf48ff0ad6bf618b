#!/bin/sh
# Validates PDF files as PDF/A-1b with Apache PDFBox Preflight (Debian: libpdfbox2-java,
# libactivation-java, libjaxb-api-java; see scripts/setup.sh).
# Usage: scripts/preflight.sh FILE.pdf...
# Prints "FILE: valid PDF/A-1b" or "FILE: not valid PDF/A-1b" followed by Preflight's errors
# ("rule : description", each distinct error once with its count). Exit status: 0 all valid, 1 some file invalid, 2 Preflight cannot run.
# PDFBOX_JARS names the folder of the jars (default /usr/share/java).
set -u

jars=${PDFBOX_JARS:-/usr/share/java}
cp=""
for jar in preflight pdfbox2 fontbox2 xmpbox commons-logging javax.activation jaxb-api; do
    if [ ! -f "$jars/$jar.jar" ]; then
        echo "preflight: $jars/$jar.jar is missing (install libpdfbox2-java libactivation-java libjaxb-api-java)" >&2
        exit 2
    fi
    cp="$cp${cp:+:}$jars/$jar.jar"
done
command -v java >/dev/null 2>&1 || { echo "preflight: java is not installed" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: preflight.sh FILE.pdf..." >&2; exit 2; }

# PDFBox keeps a font cache; keep it out of the user's home folder.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/preflight.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT

result=0
for pdf in "$@"; do
    status=0
    java -Dpdfbox.fontcache="$scratch" -cp "$cp" org.apache.pdfbox.preflight.Validator_A1b "$pdf" \
        >"$scratch/out" 2>"$scratch/err" || status=$?
    if [ "$status" -eq 0 ] && grep -q ' is a valid PDF/A-1b file' "$scratch/out"; then
        echo "$pdf: valid PDF/A-1b"
    elif grep -q 'is not a valid PDF/A-1b file' "$scratch/out"; then
        echo "$pdf: not valid PDF/A-1b"
        # one line per distinct error, with its count, in order of first appearance
        grep -v -e 'is not a valid PDF/A-1b file' -e '^[[:space:]]*$' "$scratch/out" |
            awk '!($0 in n) { order[++k] = $0 } { n[$0]++ }
                 END { for (i = 1; i <= k; i++) printf("  %s%s\n", order[i], (n[order[i]] > 1 ? " (" n[order[i]] " times)" : "")) }'
        result=1
    else
        echo "preflight: Preflight failed on $pdf (exit $status):" >&2
        cat "$scratch/out" >&2
        grep -v -e '^WARNING' -e 'org.apache.pdfbox' "$scratch/err" | head -20 >&2
        [ "$result" -ne 0 ] || result=2
    fi
done
exit "$result"
