#!/bin/sh
# A batch killed at any moment leaves no partial PDF: each is written to a hidden temporary
# file, a chunk of them is flushed with one syncfs, and only then renamed into place. A watcher
# sends SIGKILL at moments spread over a whole run; after each kill every PDF in the output
# folder must be the complete PDF of a run that finished (compared byte for byte; those pass
# qpdf --check), the only other files being the hidden temporaries. The next run into the
# folder removes the temporaries of the PDFs it writes, and the last run leaves the folder
# exactly as a run into an empty folder does.
. "$NB_SOURCE/tests/lib.sh"
need_python
need qpdf cmp
workdir

"$PY" "$NB_SOURCE/bench/gen.py" 80 in >/dev/null
start=$(date +%s%N)
expect_status 0 "$NB" batch in -o ref -j 2 -q
took=$((($(date +%s%N) - start) / 1000000))
for f in ref/*.pdf; do
    qpdf --check "$f" >/dev/null 2>&1 || problem "$f (an uninterrupted run) fails qpdf --check"
done
[ "$(ls ref/*.pdf | wc -l)" -eq 80 ] || fail "the uninterrupted run did not write 80 PDFs"

# A fresh folder and one that earlier kills left behind, killed at 5 % to 95 % of a run.
killed=0
for percent in 5 15 25 35 45 55 65 75 85 95; do
    for folder in fresh kept; do
        [ "$folder" = fresh ] && rm -rf fresh
        "$NB" batch in -o "$folder" -j 2 -q >/dev/null 2>&1 &
        pid=$!
        sleep "$(awk "BEGIN { print $took * $percent / 100000 }")"
        if kill -KILL "$pid" 2>/dev/null; then
            killed=$((killed + 1))
        fi
        wait "$pid" 2>/dev/null || true
        [ -d "$folder" ] || continue
        pdfs=$(ls "$folder" | grep -c '\.pdf$' || true)
        temps=$(ls -A "$folder" | grep -c '^\..*\.pdf\.......$' || true)
        echo "killed at $percent % ($folder): $pdfs PDFs in place, $temps temporary files" >&2
        for f in "$folder"/* "$folder"/.*; do
            name=${f#"$folder"/}
            case $name in
                . | .. | '*' | '.*' | batch-report.json | .nianbao-batch-state) ;;
                .*.pdf.?????? | .batch-report.json.?????? | .nianbao-batch-state.??????) ;;
                *.pdf)
                    cmp -s "$f" "ref/$name" ||
                        problem "killed at $percent % ($folder): $f is not the complete PDF ($(wc -c <"$f") bytes)" ;;
                *) problem "killed at $percent % ($folder): unexpected file $f" ;;
            esac
        done
    done
done
[ "$killed" -gt 0 ] || problem "no run was killed (each finished before the watcher)"

# Runs to the end: the temporary files left by the kills are gone, every PDF is there.
expect_status 0 "$NB" batch in -o kept -j 2 -q
expect_status 0 "$NB" batch in -o fresh -j 1 -q
for folder in kept fresh; do
    left=$(ls -A "$folder" | grep -v -x -e '.*\.pdf' -e batch-report.json -e .nianbao-batch-state || true)
    [ -z "$left" ] || problem "$folder: files left after a complete run: $(echo $left | head -c 300)"
    for f in ref/*.pdf; do
        cmp -s "$f" "$folder/${f#ref/}" || problem "$folder/${f#ref/} differs from the uninterrupted run's"
    done
done
finish
