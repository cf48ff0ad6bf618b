# The portal page (render --format html): for every sample, the page validates with tidy, and
# tests/tools/htmlcheck.py reads it back with an HTML parser and finds every table value and
# its header cells (by `headers`) equal to the report and its layout; the same for the CMS
# fragment; doctored pages fail the reader; two renders give the same bytes. In headless
# Chromium the page prints on A4 with its text, and axe-core finds no accessibility violation
# (skipped with a message when Chromium or axe-core, installed by scripts/setup.sh, is absent).
. "$NB_SOURCE/tests/lib.sh"
need tidy python3 pdfinfo pdftotext
mkdir -p "$NB_WORK" && cd "$NB_WORK" && rm -rf ./*

check_page() { # REPORT PAGE [--fragment]
    python3 "$NB_TOOLS/htmlcheck.py" ${3:-} "$1" "$NB_SOURCE/layouts" "$2" || problem "$2: htmlcheck"
}

for report in "$NB_SOURCE"/samples/*.yaml; do
    name=$(basename "$report" .yaml)
    "$NB" render "$report" --format html -o "$name.html" 2>/dev/null || problem "$name: render --format html failed"
    tidy -errors -q "$name.html" >tidy.out 2>&1 || { cat tidy.out >&2; problem "$name: tidy finds errors"; }
    check_page "$report" "$name.html"
    "$NB" render "$report" --format html --html-fragment -o "$name.frag.html" 2>/dev/null ||
        problem "$name: --html-fragment failed"
    grep -q '<html' "$name.frag.html" && problem "$name: the fragment is a whole page"
    check_page "$report" "$name.frag.html" --fragment
    "$NB" render "$report" --format html -o "$name.2.html" 2>/dev/null
    cmp -s "$name.html" "$name.2.html" || problem "$name: two renders differ"
done

# The reader is not a rubber stamp: a changed value, a lost header reference and a lost
# language each fail it.
seed=$NB_SOURCE/samples/seed.yaml
sed '0,/<td headers="[^"]*">0</s//<td headers="t1c1">7</' seed.html >doctored1.html
sed '0,/<td headers="[^"]*">/s//<td>/' seed.html >doctored2.html
sed 's/<html lang="zh-CN">/<html>/' seed.html >doctored3.html
for d in doctored1 doctored2 doctored3; do
    cmp -s seed.html $d.html && problem "$d: the doctoring changed nothing"
    python3 "$NB_TOOLS/htmlcheck.py" "$seed" "$NB_SOURCE/layouts" $d.html >/dev/null &&
        problem "$d: htmlcheck accepted a doctored page"
done

# --html-fragment alone is a usage error (exit 2).
rc=0; "$NB" render "$seed" --html-fragment -o x.html 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || problem "--html-fragment without --format html: exit $rc, not 2"

if ! command -v chromium >/dev/null 2>&1; then
    echo "skip (browser part): chromium is not installed" >&2
    finish
fi
browser() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$NB_WORK/profile" --allow-file-access-from-files "$@" 2>/dev/null
}
browser --no-pdf-header-footer --print-to-pdf="$NB_WORK/seed-print.pdf" "file://$NB_WORK/seed.html" >/dev/null
pdfinfo seed-print.pdf >info.txt 2>&1 || problem "Chromium printed no PDF"
grep -q 'Page size: *59[45]\.[0-9]* x 841\.[0-9]* pts (A4)' info.txt || problem "the printed page is not A4"
pdftotext seed-print.pdf - | tr -d ' \n' >print.txt
grep -q '湛河区人社局2025年政府信息公开工作年度报告' print.txt || problem "the printed page lacks the title"
grep -q '六、其他需要报告的事项' print.txt || problem "the printed page lacks section 六"
browser --window-size=900,2400 --screenshot="$NB_WORK/seed.png" "file://$NB_WORK/seed.html" >/dev/null
[ -s seed.png ] || problem "no screenshot"

axe=$NB_SOURCE/build/npm/node_modules/axe-core/axe.min.js
if [ ! -f "$axe" ]; then
    echo "skip (accessibility part): axe-core is not installed ($axe; scripts/setup.sh installs it)" >&2
    finish
fi
cp "$axe" axe.min.js
for report in "$NB_SOURCE"/samples/*.yaml; do
    name=$(basename "$report" .yaml)
    # axe-core runs in the page and writes its verdict into the DOM, which Chromium dumps.
    sed 's#</body>#<script src="axe.min.js"></script><script>axe.run(document,{runOnly:{type:"tag",values:["wcag2a","wcag2aa","wcag21a","wcag21aa","best-practice"]}}).then(function(r){var p=document.createElement("pre");p.id="axe";p.textContent="A"+"XE"+JSON.stringify(r.violations.map(function(v){return v.id+" ("+v.nodes.length+")"}))+"|"+r.passes.map(function(v){return v.id}).join(",")+"E"+"ND";document.body.appendChild(p)});</script></body>#' \
        "$name.html" >"$name.axe.html"
    browser --virtual-time-budget=30000 --dump-dom "file://$NB_WORK/$name.axe.html" >"$name.dom"
    verdict=$(grep -o 'AXE.*END' "$name.dom" || true)
    [ -n "$verdict" ] || { problem "$name: axe-core gave no verdict"; continue; }
    case $verdict in
    'AXE[]|'*) ;;
    *) problem "$name: axe-core violations: $verdict" ;;
    esac
    for rule in html-has-lang td-headers-attr th-has-data-cells scope-attr-valid heading-order page-has-heading-one; do
        case $verdict in *"$rule"*) ;; *) problem "$name: axe-core did not pass $rule" ;; esac
    done
done
finish
