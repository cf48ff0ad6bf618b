#!/bin/sh
# The bad-input corpus: every tests/bad/NAME.expect names a report NAME.yaml (in tests/bad, or
# made here when it is too big to keep in the tree) and holds, on its first line, the exit code
# render must give — optionally followed by the render arguments, default `-o out/NAME.pdf` —
# and on the following lines the exact standard error (@SOURCE@ stands for the source tree). Each render must take under 2 seconds of
# CPU time (user + system; under ASan + UBSan too), must not write its output when it fails, and
# must write it when it succeeds. Each render also runs within 300 MiB of address space and
# 10 s of wall time (tests/lib.sh: limited; a sanitizer build gets the time limit only).
. "$NB_SOURCE/tests/lib.sh"
# Messages that name a file of the source tree (a layout) are compared with @SOURCE@ in its place.
source_dir=$(cd "$NB_SOURCE" && pwd)
workdir
bad=$NB_SOURCE/tests/bad
cp "$bad"/*.yaml "$bad"/*.otf .
mkdir out

# The big inputs, made here rather than kept in the tree, from valid.yaml (a clean report).
base=valid.yaml
# with_body FILE: the base report with FILE's lines as the first section's body (indented).
with_body() {
    awk -v body="$1" '
        /^  - body:$/ && !done { print; while ((getline line < body) > 0) print line; done = 1;
                                 getline; next }
        { print }' "$base"
}
# 20,000 levels of nesting in one flow sequence.
awk 'BEGIN { printf "agency: "; for (i = 0; i < 20000; i++) printf "["; for (i = 0; i < 20000; i++) printf "]"; print "" }' >nesting-20000.yaml
# A paragraph of 1 MiB (349,526 CJK characters of 3 bytes, plus the final 。).
awk 'BEGIN { printf "      - "; for (i = 0; i < 349525; i++) printf "公"; print "。" }' >para.txt
with_body para.txt >paragraph-1mb.yaml
# A paragraph just over the 64 KiB text limit: 21,846 characters of 3 bytes = 65,538 bytes.
awk 'BEGIN { printf "      - "; for (i = 0; i < 21846; i++) printf "公"; print "" }' >para.txt
with_body para.txt >text-64k.yaml
# 17 paragraphs of 63,000 bytes each: past the 1 MiB limit on the text of all blocks.
awk 'BEGIN { for (p = 0; p < 17; p++) { printf "      - "; for (i = 0; i < 21000; i++) printf "公"; print "" } }' >para.txt
with_body para.txt >text-total.yaml
# A table of 10,000 rows.
awk 'BEGIN { print "      - table: active"; print "        values:";
             for (i = 0; i < 10000; i++) printf "          row%d: [%d]\n", i, i }' >rows.txt
with_body rows.txt >table-10000-rows.yaml
# 10,001 blocks in one section.
awk 'BEGIN { for (i = 0; i < 10001; i++) print "      - 本年度主动公开政府信息。" }' >blocks.txt
with_body blocks.txt >blocks-10001.yaml
# 200,001 nodes: a flow list of scalars in one block.
awk 'BEGIN { printf "      - table: active\n        values:\n          permits: ["; for (i = 0; i < 200001; i++) printf "0,"; print "0]" }' >nodes.txt
with_body nodes.txt >nodes-200001.yaml
# About 9.3 MiB: a comment line of 66 bytes repeated past the 8 MiB input limit.
awk 'BEGIN { for (i = 0; i < 147457; i++) print "# padding padding padding padding padding padding padding padding" }' >pad.txt
cat "$base" pad.txt >input-9mb.yaml
# 9,990 empty table blocks (410 KB): each would be a page or more; refused at the 33rd.
awk 'BEGIN { for (i = 0; i < 9990; i++) print "      - table: active\n        values: {}" }' >tables.txt
with_body tables.txt >tables-empty-9990.yaml
# 1 MiB of combining marks: 16 paragraphs of one letter and 32,000 marks (shaping a stack of
# marks costs its square).
LC_ALL=C awk 'BEGIN { for (p = 0; p < 16; p++) { printf "      - a"; for (i = 0; i < 32000; i++) printf "\314\201"; print "" } }' >marks.txt
with_body marks.txt >marks-1mb.yaml
# A Han character and a combining mark from the Latin face, alternating: a font change at every
# character, 24,000 in each of 16 paragraphs.
LC_ALL=C awk 'BEGIN { for (p = 0; p < 16; p++) { printf "      - "; for (i = 0; i < 12000; i++) printf "\345\205\254\314\201"; print "" } }' >marks.txt
with_body marks.txt >font-changes.yaml
# 16 paragraphs of 21,000 distinct Hangul syllables, which no bundled font has.
LC_ALL=C awk 'BEGIN { for (p = 0; p < 16; p++) { printf "      - ";
                      for (i = 0; i < 21000; i++) { c = 44032 + (p * 21000 + i) % 11172;
                          printf "%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64 }
                      print "" } }' >hangul.txt
with_body hangul.txt >chars-no-font.yaml
# 90,000 copies of one key (the duplicate check was quadratic: twenty are named, the rest
# counted), and 990.
awk 'BEGIN { for (i = 0; i < 90000; i++) print "agency: 测试局" }' >keys.txt
tail -n +2 "$base" >>keys.txt
mv keys.txt duplicate-keys-90000.yaml
awk 'BEGIN { for (i = 0; i < 990; i++) print "agency: 测试局" }' >keys.txt
tail -n +2 "$base" >>keys.txt
mv keys.txt duplicate-keys-990.yaml
rm -f para.txt rows.txt blocks.txt nodes.txt pad.txt tables.txt marks.txt hangul.txt

# cpu_seconds: the user + system CPU time of this shell's finished children, in seconds
# (`times` writes to a file: in a command substitution it would measure the subshell).
cpu_seconds() {
    times >times.txt
    awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
                   printf "%.3f\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' times.txt
}

count=0
for expect in "$bad"/*.expect; do
    name=$(basename "$expect" .expect)
    count=$((count + 1))
    [ -f "$name.yaml" ] || { problem "$name: no $name.yaml"; continue; }
    set -- $(head -n 1 "$expect")
    want=$1
    shift
    [ $# -gt 0 ] || set -- -o "out/$name.pdf"
    eval "output=\${$#}"
    tail -n +2 "$expect" >want.txt
    cpu_seconds >before.txt
    start=$(date +%s%N)
    status=0
    limited 10 300 "$NB" render "$name.yaml" "$@" 2>raw.txt || status=$?
    wall=$(( ($(date +%s%N) - start) / 1000000 ))
    cpu_seconds >after.txt
    cpu=$(cat before.txt after.txt | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) * 1000 }')
    sed "s|$source_dir/|@SOURCE@/|g" raw.txt >err.txt
    sanitizer_clean err.txt
    if [ "$status" -ne "$want" ]; then
        problem "$name: exit $status, expected $want; stderr: $(head -c 600 err.txt)"
    elif ! cmp -s want.txt err.txt; then
        problem "$name: stderr differs from $name.expect:
$(diff want.txt err.txt | head -n 20)"
    fi
    [ "$cpu" -lt 2000 ] || problem "$name: took ${cpu} ms of CPU time (wall ${wall} ms); the limit is 2 s"
    [ "$wall" -lt 2000 ] || echo "note: $name: ${wall} ms wall clock (${cpu} ms CPU)" >&2
    echo "$name $status ${cpu}ms" >>timings.txt
    if [ "$want" -eq 0 ]; then
        [ -s "$output" ] || problem "$name: exit 0 but no $output"
    elif [ -f "$output" ]; then
        problem "$name: failed, yet wrote $output"
    fi
    rm -f "out/$name.pdf"
done
[ "$count" -ge 50 ] || problem "only $count cases in tests/bad; the corpus has at least 50"
[ -z "$(ls -A out)" ] || problem "files left in the output folder: $(ls -A out)"
echo "$count bad inputs checked" >&2
finish
