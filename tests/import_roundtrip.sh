#!/bin/sh
# Round trips through the published forms, with `nianbao import`:
# - every sample rendered to PDF imports back to the sample: the same description after
#   normalising the YAML (key order, comments, line folding), prose character for character,
#   tables equal. A sample with a `title:` of its own (seed: an abbreviated agency name in the
#   title) is compared without `agency` and `title`: the PDF shows only the title, so the
#   importer takes the agency from it.
# - the long sample as a portal's HTML page and as a Word .docx (tests/tools/mkimport.py)
#   imports to the same description as its PDF, and the rendered PDF of that import reads back
#   the same again.
. "$NB_SOURCE/tests/lib.sh"
need_python yaml
workdir
tools=$NB_SOURCE/tests/tools

for s in "$NB_SOURCE"/samples/*.yaml "$NB_SOURCE"/samples/*.json; do
    n=$(basename "$s")
    "$NB" render "$s" -o "$n.pdf" 2>"$n.err" || { problem "$n: render failed"; continue; }
    rc=0
    "$NB" import "$n.pdf" -o "$n.import.yaml" 2>"$n.import.err" || rc=$?
    [ "$rc" -eq 0 ] || { problem "$n: import exit $rc: $(head -c 300 "$n.import.err")"; continue; }
    [ -s "$n.import.err" ] && problem "$n: import left things unplaced: $(head -c 300 "$n.import.err")"
    ignore=""
    grep -q '"*title"*:' "$s" && ignore="--ignore agency --ignore title"
    # shellcheck disable=SC2086
    "$PY" "$tools/reportnorm.py" "$s" "$n.import.yaml" $ignore ||
        problem "$n: the PDF imports to another description"
done

sample=$NB_SOURCE/samples/huaian-city-2024.yaml
"$PY" "$tools/mkimport.py" html "$sample" "$NB_SOURCE/layouts" page.html
"$PY" "$tools/mkimport.py" docx "$sample" "$NB_SOURCE/layouts" report.docx
for f in page.html report.docx; do
    "$NB" import $f -o $f.yaml 2>$f.err || { problem "$f: import failed: $(head -c 300 $f.err)"; continue; }
    "$PY" "$tools/reportnorm.py" huaian-city-2024.yaml.import.yaml $f.yaml ||
        problem "$f imports to another description than the PDF"
done
"$NB" render page.html.yaml -o again.pdf 2>again.err || problem "the imported page does not render"
"$NB" import again.pdf -o again.yaml 2>>again.err || problem "its PDF does not import"
"$PY" "$tools/reportnorm.py" "$sample" again.yaml || problem "HTML -> YAML -> PDF -> YAML differs"

# The shared corpus (if present): each agency's own WPS PDF imports to the same tables as its
# published text, and the HTML page and the .docx above (the city's 2024 figures) to the same
# tables as the city's published text.
corpus=${NB_SHARED:-$NB_SOURCE/../shared}/corpus
[ -d "$corpus" ] || [ -n "${NB_SHARED:-}" ] || corpus=$NB_SOURCE/../../shared/corpus
if [ -d "$corpus/pdf" ]; then
    for f in 02-huaian-hongze-district-gov-2023 03-huaian-city-gov-2024; do
        "$NB" import "$corpus/$f.txt" -o $f.txt.yaml 2>$f.txt.err
        "$NB" import "$corpus/pdf/$f.pdf" -o $f.pdf.yaml 2>$f.pdf.err
        [ -s $f.pdf.yaml ] && [ -s $f.txt.yaml ] || { problem "$f: not imported"; continue; }
        "$PY" "$tools/reportnorm.py" $f.txt.yaml $f.pdf.yaml --tables ||
            problem "$f: the PDF's tables differ from the text's"
    done
    for f in page.html report.docx; do
        "$PY" "$tools/reportnorm.py" 03-huaian-city-gov-2024.txt.yaml $f.yaml --tables ||
            problem "$f: tables differ from the published text's"
    done
else
    echo "note: ../shared/corpus absent: the published reports are not compared" >&2
fi
finish
