# Wide counts (docs/layouts.md, "One size"): a column holding long numbers widens and every table
# of the document steps down to 小五 (9 pt) together; a table whose numbers do not fit even then
# is an error of the report (exit 1, naming the table), never a table past the margin.
#   - nine digits in 表三's 自然人 and 总计 columns: fits, all tables at 9 pt;
#   - seven digits in every column of 表三: fits, all tables at 9 pt;
#   - eight digits in every column of 表三: 表三's labels (in whole words) and seven numbers need
#     more than 156 mm: an error.
. "$NB_SOURCE/tests/lib.sh"
need mutool
need_python yaml
workdir

# variant NAME NEW: tests/data/tables/zero-2021.yaml with new, disclosed and total all NEW.
variant() {
    "$PY" - "$NB_SOURCE/tests/data/tables/zero-2021.yaml" "$1.yaml" "$2" <<'PY'
import re, sys
src, out, row = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(src, encoding="utf-8").read()
for key in ("new", "disclosed", "total"):
    s = re.sub(r"(\n +%s: +)\[[^\]]*\]" % key, lambda m: m.group(1) + row, s, count=1)
open(out, "w", encoding="utf-8").write(s)
PY
}
variant nine "[123456789, 0, 0, 0, 0, 0, 123456789]"
variant seven "[1234567, 1234567, 1234567, 1234567, 1234567, 1234567, 7407402]"
variant eight "[12345678, 12345678, 12345678, 12345678, 12345678, 12345678, 74074068]"

for name in nine seven; do
    render "$name.yaml" "$name.pdf" --dump-layout "$name.json" --dump-format json
    if ! "$PY" "$NB_TOOLS/tablegrid.py" --grid "$name.json" "$NB_SOURCE/layouts/gov-2021.yaml" \
        "$name.pdf" >"$name.out" 2>"$name.problems"; then
        problem "$name: $(cat "$name.problems")"
    fi
    grep -q '^size: 9$' "$name.out" || problem "$name: tables at $(grep '^size' "$name.out"), expected 9 pt"
done
expect_status 1 "$NB" render eight.yaml -o eight.pdf
grep -q '表三 does not fit the page.s width even at 小五' err.txt ||
    problem "eight digits: no error naming 表三: $(cat err.txt)"
[ ! -e eight.pdf ] || problem "eight digits: a PDF was written"
finish
