#!/bin/sh
# The command line as GNU tools behave: every option form (--name value, --name=value, a
# unique prefix, bundled and attached short options, "--", "-" for standard input and output)
# gives the same PDF; -q leaves only errors, -v says more; --help and `help COMMAND` describe
# every option, the same ones the man page lists (man/nianbao.1); --version is the library's;
# Chinese under zh_CN.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

seed=$(sample seed.yaml)
cp "$seed" seed.yaml

# same_pdf NAME: NAME is the same PDF as ref.pdf.
same_pdf() {
    if [ ! -s "$1" ]; then
        problem "$2: $1 was not written"
    elif ! cmp -s ref.pdf "$1"; then
        problem "$2: $1 differs from the PDF rendered with -o FILE"
    fi
}

expect_status 0 "$NB" render seed.yaml -o ref.pdf
[ -s ref.pdf ] || fail "the seed did not render"

# 1. Option forms.
expect_status 0 "$NB" render seed.yaml --output long.pdf;   same_pdf long.pdf "--output FILE"
expect_status 0 "$NB" render --output=eq.pdf seed.yaml;     same_pdf eq.pdf "--output=FILE before the operand"
expect_status 0 "$NB" render seed.yaml --out=prefix.pdf;    same_pdf prefix.pdf "--out= (a unique prefix)"
expect_status 0 "$NB" render seed.yaml -oattached.pdf;      same_pdf attached.pdf "-oFILE"
expect_status 0 "$NB" render seed.yaml -qo bundled.pdf;     same_pdf bundled.pdf "-qo FILE"
[ -s err.txt ] && problem "-q printed something for a report with only warnings: $(cat err.txt)"
cp seed.yaml ./-dash.yaml
expect_status 0 "$NB" render -o dashdash.pdf -- -dash.yaml; same_pdf dashdash.pdf "-- then -dash.yaml"
expect_status 2 "$NB" render -o dashless.pdf -dash.yaml
expect_status 0 "$NB" render - -o stdin.pdf <seed.yaml;    same_pdf stdin.pdf "- for standard input"
expect_status 0 "$NB" render seed.yaml -o -;                cp out.txt stdout.pdf; same_pdf stdout.pdf "-o -"
expect_status 0 "$NB" render seed.yaml --copies 2 -o c1.pdf
expect_status 0 "$NB" render seed.yaml --copies=2 -o c2.pdf
cmp -s c1.pdf c2.pdf || problem "--copies 2 and --copies=2 differ"
cmp -s c1.pdf ref.pdf && problem "--copies=2 made no difference"

# Values that are not accepted, and options that do not exist: usage errors naming them.
expect_status 2 "$NB" render seed.yaml -o x.pdf --copies=0
grep -q -- '--copies' err.txt || problem "no message naming --copies: $(cat err.txt)"
expect_status 2 "$NB" render seed.yaml -o x.pdf --no-such-option
grep -q -- '--no-such-option' err.txt || problem "unknown option not named: $(cat err.txt)"
expect_status 2 "$NB" render seed.yaml -o x.pdf -Z
grep -q -- '-Z' err.txt || problem "unknown short option not named: $(cat err.txt)"
expect_status 2 "$NB" render seed.yaml -o x.pdf --dump
grep -q -- '--dump' err.txt || problem "an ambiguous prefix was not refused by name: $(cat err.txt)"
expect_status 2 "$NB" render seed.yaml -o x.pdf --force=yes
expect_status 2 "$NB" render seed.yaml -o
grep -q -- '-o' err.txt || problem "a missing value was not named: $(cat err.txt)"
[ -e x.pdf ] && problem "a usage error wrote x.pdf"

# 2. check: the same forms, -q and -v, standard input named <stdin>.
expect_status 0 "$NB" check seed.yaml
grep -q ': warning: ' out.txt || fail "the seed's warning is gone; pick another report for -q"
expect_status 0 "$NB" check -q seed.yaml
[ -s out.txt ] && problem "check -q printed a warning: $(cat out.txt)"
expect_status 0 "$NB" check -v seed.yaml
grep -q 'seed.yaml: 0 errors, 6 warnings' err.txt || problem "check -v gave no tally: $(cat err.txt)"
expect_status 0 "$NB" check -qv seed.yaml
[ -s out.txt ] && problem "-qv: -q did not win: $(cat out.txt)"
# Last year's report is the agency's own for the year before (check refuses another one).
sed 's/^year: 2025$/year: 2024/; s/^date: 2026-/date: 2025-/' seed.yaml >last.yaml
expect_status 0 "$NB" check --format=json --previous last.yaml - <seed.yaml
"$PY" -c 'import json,sys; d=json.load(open("out.txt")); assert d and d[0]["file"]=="<stdin>", d' ||
    problem "check --format=json - did not name <stdin>: $(cat out.txt)"
printf 'agency: 测试局\nyear: [\n' >broken.yaml
expect_status 2 "$NB" check - <broken.yaml
grep -q '^<stdin>:[0-9]*:[0-9]*: error: ' out.txt || problem "no <stdin>:LINE:COL error: $(cat out.txt err.txt)"

# 3. batch: -j2 attached, --jobs=2, -q.
mkdir in
cp seed.yaml in/a.yaml
cp seed.yaml in/b.yaml
expect_status 0 "$NB" batch -j2 in -o b1
expect_status 0 "$NB" batch --jobs=2 -qo b2 in
[ -s err.txt ] && problem "batch -q printed: $(cat err.txt)"
[ -s out.txt ] && problem "batch -q printed a summary: $(cat out.txt)"
for n in a b; do cmp -s "b1/$n.pdf" "b2/$n.pdf" || problem "batch -j2 and --jobs=2 differ on $n.pdf"; done
expect_status 2 "$NB" batch -j0 in -o b3
expect_status 2 "$NB" batch -j in

# 4. Help: every command has --help and help COMMAND (the same text, exit 0); the options it
#    lists are the man page's.
expect_status 0 "$NB" --help
for cmd in render check batch import init; do
    grep -q "^  $cmd " out.txt || problem "nianbao --help does not list $cmd"
done
for cmd in render check batch import init; do
    expect_status 0 "$NB" "$cmd" --help
    cp out.txt "help-$cmd.txt"
    expect_status 0 "$NB" help "$cmd"
    cmp -s out.txt "help-$cmd.txt" || problem "'help $cmd' differs from '$cmd --help'"
    expect_status 0 "$NB" "$cmd" -h
    cmp -s out.txt "help-$cmd.txt" || problem "'$cmd -h' differs from '$cmd --help'"
done
expect_status 2 "$NB" help no-such-command

"$PY" - "$NB_SOURCE/man/nianbao.1" <<'PYEOF' || problem "the man page and --help list different options"
import re, sys
man = open(sys.argv[1], encoding="utf-8").read().splitlines()

def plain(roff):
    return re.sub(r"\\f[BIRP]", "", roff).replace("\\-", "-").strip()

# The man page: ".TP" then the option line, under ".SS nianbao CMD" or ".SH COMMON OPTIONS".
sections, current = {}, None
for i, line in enumerate(man):
    if line.startswith(".SS nianbao "):
        current = line.split()[2]
    elif line.startswith(".SH"):
        current = {".SH COMMON OPTIONS": "common", ".SH PDF OPTIONS": "pdf"}.get(line.strip())
    elif line == ".TP" and current and man[i + 1].startswith("\\fB"):
        sections.setdefault(current, []).append(plain(man[i + 1]))

bad = 0
for cmd in ("render", "check", "batch", "import", "init"):
    text = open(f"help-{cmd}.txt", encoding="utf-8").read().splitlines()
    helped = [m.group(1) for m in (re.match(r"^ +((-\w, )?--\S+)", l) for l in text) if m]
    documented = (sections.get(cmd, []) + (sections.get("pdf", []) if cmd in ("render", "batch") else [])
                  + sections.get("common", []))
    if helped != documented:
        bad = 1
        print(f"{cmd}: --help lists {helped}\n      man page lists {documented}", file=sys.stderr)
    if len(helped) < 3:
        bad = 1
        print(f"{cmd}: too few options found in --help: {helped}", file=sys.stderr)
sys.exit(bad)
PYEOF

if command -v groff >/dev/null 2>&1; then
    groff -k -Tutf8 -man -ww -z "$NB_SOURCE/man/nianbao.1" 2>groff.txt || true
    [ -s groff.txt ] && problem "groff warns about the man page: $(head -5 groff.txt)"
fi

# 5. Version: the library's, the same as the project's.
expect_status 0 "$NB" --version
want=$(sed -n 's/^project(nianbao VERSION \([0-9.]*\).*/\1/p' "$NB_SOURCE/CMakeLists.txt")
[ "$(cat out.txt)" = "nianbao $want" ] || problem "--version printed '$(cat out.txt)', want 'nianbao $want'"
grep -q "\"nianbao $want\"" "$NB_SOURCE/man/nianbao.1" || problem "the man page is not for version $want"

# 6. Chinese under zh_CN, English otherwise.
LANG=zh_CN.UTF-8 LC_ALL= LC_MESSAGES= expect_status 0 "$NB" render --help
grep -q '^选项：' out.txt || problem "render --help under zh_CN is not in Chinese: $(head -3 out.txt)"
LANG=zh_CN.UTF-8 LC_ALL= LC_MESSAGES= expect_status 2 "$NB" render seed.yaml -o x.pdf --copies=100
grep -q '取 1 到 99' err.txt || problem "a usage error under zh_CN is not in Chinese: $(cat err.txt)"
LANG=zh_CN.UTF-8 LC_ALL=C expect_status 0 "$NB" render --help
grep -q '^Options:' out.txt || problem "LC_ALL=C did not win over LANG: $(head -3 out.txt)"

finish
