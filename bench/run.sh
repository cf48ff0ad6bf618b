#!/bin/sh
# nianbao benchmark: prints a Markdown report (machine, medians, targets) on standard output.
#
#   bench/run.sh                 build a Release binary in build-bench/ and measure it
#   NB=path/to/nianbao bench/run.sh     measure that binary instead
#   RUNS=30 BATCH=1000 BATCH_RUNS=3 bench/run.sh     (the defaults)
#   VALGRIND=0 bench/run.sh      skip the instruction counts (callgrind, a few minutes)
#   PEERS=0 bench/run.sh         skip XeLaTeX even where bench/setup-peers.sh installed it
#
# Needs python3 (the report generators); uses hyperfine for the single render if it is
# installed (else a timed loop), GNU time (/usr/bin/time, Debian package `time`) for peak
# memory and CPU time, valgrind for instruction counts, pdfinfo for page counts.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-30}
BATCH=${BATCH:-1000}
BATCH_RUNS=${BATCH_RUNS:-3}
VALGRIND=${VALGRIND:-1}
PEERS=${PEERS:-1}

if [ -z "${NB:-}" ]; then
    cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$top/build-bench" -j "$(nproc)" --target nianbao >/dev/null
    NB=$top/build-bench/nianbao
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nianbao-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
seed=$top/samples/seed.yaml

# median: the median of the numbers on standard input, one a line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
        else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# now_ns: monotonic enough wall clock in nanoseconds (GNU date).
now_ns() { date +%s%N; }

# wall SECONDS_FILE CMD...: runs CMD once, appends its wall time in seconds to SECONDS_FILE
# and, with GNU time, its CPU time (user + system) to SECONDS_FILE.cpu.
wall() {
    out=$1
    shift
    t0=$(now_ns)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%U %S' -o "$tmp/cpu1.txt" "$@" >/dev/null 2>&1 || true
    else
        "$@" >/dev/null 2>&1 || true
    fi
    t1=$(now_ns)
    echo "$t0 $t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$out"
    [ ! -s "$tmp/cpu1.txt" ] || tail -n 1 "$tmp/cpu1.txt" | awk '{ print $1 + $2 }' >>"$out.cpu"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# 1. One render of the seed sample, whole process.
"$NB" render "$seed" -o "$tmp/seed.pdf" || { echo "bench: the seed render fails" >&2; exit 1; }
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$tmp/h.json" \
        "$NB render $seed -o $tmp/seed.pdf" >/dev/null 2>&1
    render_s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$tmp/h.json")
    render_how="hyperfine, $RUNS runs after 3 warm-ups"
else
    for _ in 1 2 3; do "$NB" render "$seed" -o "$tmp/seed.pdf"; done
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        wall "$tmp/render.txt" "$NB" render "$seed" -o "$tmp/seed.pdf"
        i=$((i + 1))
    done
    render_s=$(median <"$tmp/render.txt")
    render_how="date +%s%N loop, $RUNS runs after 3 warm-ups"
fi

# 2. Peak memory of that render (maximum resident set size, KiB), median of 5.
rss_kib=nan
render_cpu=nan
if [ -x /usr/bin/time ]; then
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f '%M %U %S' -o "$tmp/rss1.txt" "$NB" render "$seed" -o "$tmp/seed.pdf" 2>/dev/null
        tail -n 1 "$tmp/rss1.txt" | awk '{ print $1 }' >>"$tmp/rss.txt"
        tail -n 1 "$tmp/rss1.txt" | awk '{ print $2 + $3 }' >>"$tmp/rcpu.txt"
    done
    rss_kib=$(median <"$tmp/rss.txt")
fi

# 3. PDF bytes per sample.
sizes=""
for s in "$top"/samples/*.yaml "$top"/samples/*.json; do
    [ -f "$s" ] || continue
    n=$(basename "$s")
    if "$NB" render "$s" -o "$tmp/s.pdf" 2>/dev/null; then
        pages=$(pdfinfo "$tmp/s.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }') || pages=""
        sizes="$sizes| $n | $(wc -c <"$tmp/s.pdf" | tr -d ' ') | ${pages:-?} |
"
    else
        sizes="$sizes| $n | render failed | |
"
    fi
done

# 4. Batch throughput and checking: BATCH generated reports.
python3 "$top/bench/gen.py" "$BATCH" "$tmp/reports"
"$NB" batch "$tmp/reports" -o "$tmp/out" -j 2 >"$tmp/first.txt" 2>/dev/null || true
batch_verdict=$(tail -n 1 "$tmp/first.txt")
for j in 1 2; do
    i=0
    while [ "$i" -lt "$BATCH_RUNS" ]; do
        rm -rf "$tmp/out"
        wall "$tmp/batch$j.txt" "$NB" batch "$tmp/reports" -o "$tmp/out" -j "$j"
        wall "$tmp/check$j.txt" "$NB" batch "$tmp/reports" --check-only -j "$j"
        i=$((i + 1))
    done
done
batch_rss=nan
if [ -x /usr/bin/time ]; then
    rm -rf "$tmp/out"
    /usr/bin/time -f %M -o "$tmp/brss.txt" "$NB" batch "$tmp/reports" -o "$tmp/out" -j 2 \
        >/dev/null 2>&1 || true
    batch_rss=$(tail -n 1 "$tmp/brss.txt")
fi
rate() { awk -v n="$BATCH" -v s="$1" 'BEGIN { printf "%.1f", n / s }'; }
cpu_of() { if [ -s "$1.cpu" ]; then median <"$1.cpu"; else echo nan; fi; }
b1cpu=$(cpu_of "$tmp/batch1.txt")
b2cpu=$(cpu_of "$tmp/batch2.txt")
c1cpu=$(cpu_of "$tmp/check1.txt")
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
verdict() { awk -v v="$1" -v t="$2" -v le="$3" 'BEGIN { if (v == "nan" || v == "") { print "not measured"; exit }
    ok = le ? v <= t : v >= t; print ok ? "met" : "**missed**" }'; }
# instructions CMD...: callgrind's instruction count of CMD (whole process), or "nan".
instructions() {
    if [ "$VALGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1; then
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            awk '/Collected :/ { print $NF; found = 1 } END { if (!found) print "nan" }'
    else
        echo nan
    fi
}
# cpu_median N CMD...: the median CPU time (user + system, s, to the microsecond: getrusage of
# the child, less what the python process's launcher had spent) of N runs of CMD.
cpu_median() {
    n=$1
    shift
    : >"$tmp/cpum.txt"
    i=0
    while [ "$i" -lt "$n" ]; do
        python3 -c 'import resource, subprocess, sys
def spent():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
before = spent()  # a launcher (a pyenv shim) may have run children before it ran python
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.6f" % (spent() - before))' "$@" >>"$tmp/cpum.txt" || true
        i=$((i + 1))
    done
    if [ -s "$tmp/cpum.txt" ]; then median <"$tmp/cpum.txt"; else echo nan; fi
}
pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }

# 5. Growth: a table of 225 and 900 rows (bench/rows.py), a report of 60 and 600 pages of
# prose (bench/prose.py); instructions of the whole render, and CPU and wall time of 600 pages.
seed_instr=$(instructions "$NB" render "$seed" -o "$tmp/seed-cg.pdf")
render_cpu=$(cpu_median 9 "$NB" render "$seed" -o "$tmp/seed-cpu.pdf")
python3 "$top/bench/rows.py" 225 "$tmp/rows225"
python3 "$top/bench/rows.py" 900 "$tmp/rows900"
rows225=$(export NIANBAO_DATADIR="$tmp/rows225"; instructions "$NB" render "$tmp/rows225/report.yaml" -o "$tmp/r.pdf")
rows900=$(export NIANBAO_DATADIR="$tmp/rows900"; instructions "$NB" render "$tmp/rows900/report.yaml" -o "$tmp/r.pdf")
rows900_pages=$(export NIANBAO_DATADIR="$tmp/rows900"; "$NB" render "$tmp/rows900/report.yaml" -o "$tmp/r.pdf" 2>/dev/null; pages_of "$tmp/r.pdf")
python3 "$top/bench/prose.py" 60 "$tmp/prose60.yaml"
python3 "$top/bench/prose.py" 600 "$tmp/prose600.yaml"
prose60_pages=$("$NB" render "$tmp/prose60.yaml" -o "$tmp/p.pdf" 2>/dev/null; pages_of "$tmp/p.pdf")
prose600_pages=$("$NB" render "$tmp/prose600.yaml" -o "$tmp/p.pdf" 2>/dev/null; pages_of "$tmp/p.pdf")
prose600_bytes=$(wc -c <"$tmp/p.pdf" | tr -d ' ')
prose60=$(instructions "$NB" render "$tmp/prose60.yaml" -o "$tmp/p.pdf")
prose600=$(instructions "$NB" render "$tmp/prose600.yaml" -o "$tmp/p.pdf")
prose_cpu=$(cpu_median 5 "$NB" render "$tmp/prose600.yaml" -o "$tmp/p.pdf")
: >"$tmp/prose-wall.txt"
for _ in 1 2 3 4 5; do wall "$tmp/prose-wall.txt" "$NB" render "$tmp/prose600.yaml" -o "$tmp/p.pdf"; done
prose_wall=$(median <"$tmp/prose-wall.txt")

# 6. Peers in the same run: XeLaTeX (bench/setup-peers.sh installs it) on the seed report as
# bench/html2tex.py writes it from nianbao's HTML page; one pass, median of 5 after a warm-up.
xe_line=""
if [ "$PEERS" = 1 ] && command -v xelatex >/dev/null 2>&1; then
    mkdir -p "$tmp/xe"
    "$NB" render "$seed" --format html -o "$tmp/xe/seed.html" 2>/dev/null &&
        python3 "$top/bench/html2tex.py" "$tmp/xe/seed.html" "$tmp/xe/seed.tex" &&
        (cd "$tmp/xe" && xelatex -interaction=batchmode -halt-on-error seed.tex >/dev/null 2>&1)
    if [ -s "$tmp/xe/seed.pdf" ]; then
        : >"$tmp/xe-wall.txt"
        for _ in 1 2 3 4 5; do
            (cd "$tmp/xe" && wall "$tmp/xe-wall.txt" xelatex -interaction=batchmode -halt-on-error seed.tex)
        done
        xe_cpu=$(cd "$tmp/xe" && cpu_median 5 xelatex -interaction=batchmode -halt-on-error seed.tex)
        xe_rss=nan
        if [ -x /usr/bin/time ]; then
            (cd "$tmp/xe" && /usr/bin/time -f %M -o "$tmp/xe-rss.txt" xelatex -interaction=batchmode \
                -halt-on-error seed.tex >/dev/null 2>&1) || true
            xe_rss=$(tail -n 1 "$tmp/xe-rss.txt")
        fi
        xe_uni=$(pdffonts "$tmp/xe/seed.pdf" 2>/dev/null | tail -n +3 | awk '$(NF-2) == "no" { n++ } END { print n + 0 }')
        xe_line="| XeLaTeX $(xelatex --version | head -n 1 | sed 's/^XeTeX //; s/ (.*//') + ctex (one pass) | $(ms "$(median <"$tmp/xe-wall.txt")") ms | $(ms "$xe_cpu") ms | $(mib "$xe_rss") MiB | $(wc -c <"$tmp/xe/seed.pdf" | tr -d ' ') | $(pages_of "$tmp/xe/seed.pdf") | $xe_uni fonts without ToUnicode |"
    else
        xe_line="| XeLaTeX | failed | | | | | |"
    fi
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
b1=$(median <"$tmp/batch1.txt")
b2=$(median <"$tmp/batch2.txt")
c1=$(median <"$tmp/check1.txt")
c2=$(median <"$tmp/check2.txt")
seed_bytes=$(wc -c <"$tmp/seed.pdf" | tr -d ' ')

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cat <<EOF
## Machine

- $(nproc) online cores, $cpu
- $(uname -sr), $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
- load average (1, 5, 15 min) before: $load_before; after: $load_after. Wall times are only
  meaningful when the load stays well under the number of cores; CPU times (user + system)
  are less sensitive to other work.
- $(date -u '+%Y-%m-%d %H:%M UTC'), nianbao $("$NB" --version | awk '{ print $2 }'), binary $NB

## Results (targets of issue 16)

| measure | value | target | |
|---|---:|---:|---|
| seed render, whole process, median wall ($render_how) | $(ms "$render_s") ms | ≤ 15 ms | $(verdict "$(ms "$render_s")" 15 1) |
| seed render, CPU time user + system (median of 9, getrusage) | $(ms "$render_cpu") ms | | |
| seed render, instructions (callgrind, whole process) | $seed_instr | | |
| seed render, peak RSS (median of 5, /usr/bin/time) | $(mib "$rss_kib") MiB | | |
| seed PDF | $seed_bytes B | ≤ 255,000 B | $(verdict "$seed_bytes" 255000 1) |
| batch of $BATCH, -j 1 (median of $BATCH_RUNS, whole process) | $(rate "$b1") reports/s ($b1 s) | | |
| batch of $BATCH, -j 2 (median of $BATCH_RUNS, whole process) | $(rate "$b2") reports/s ($b2 s) | ≥ 300/s | $(verdict "$(rate "$b2")" 300 0) |
| batch of $BATCH, -j 1, CPU per report (user + system / $BATCH) | $(awk -v c="$b1cpu" -v n="$BATCH" 'BEGIN { printf "%.1f", c * 1000 / n }') ms | | |
| batch of $BATCH, -j 2, CPU per report; reports/s two free cores would give | $(awk -v c="$b2cpu" -v n="$BATCH" 'BEGIN { printf "%.1f ms; %.0f/s", c * 1000 / n, 2 * n / c }') | | |
| batch of $BATCH, -j 2, peak RSS | $(mib "$batch_rss") MiB | ≤ 40 MiB | $(verdict "$(mib "$batch_rss")" 40 1) |
| check $BATCH (batch --check-only -j 1) | $(rate "$c1") reports/s ($c1 s; CPU $c1cpu s) | | |
| check $BATCH (batch --check-only -j 2) | $(rate "$c2") reports/s ($c2 s) | | |
| table of 225 rows (bench/rows.py), instructions | $rows225 | | |
| table of 900 rows ($rows900_pages pages), instructions; ratio to 225 rows | $rows900; $(awk -v a="$rows900" -v b="$rows225" 'BEGIN { printf "%.2f", a / b }') | ≤ 4 | $(verdict "$(awk -v a="$rows900" -v b="$rows225" 'BEGIN { printf "%.2f", a / b }')" 4 1) |
| prose, $prose60_pages pages (bench/prose.py 60), instructions | $prose60 ($(awk -v a="$prose60" -v p="$prose60_pages" 'BEGIN { printf "%.2f", a / p / 1e6 }') M a page) | | |
| prose, $prose600_pages pages (bench/prose.py 600), instructions; marginal a page | $prose600 ($(awk -v a="$prose600" -v b="$prose60" -v p="$prose600_pages" -v q="$prose60_pages" 'BEGIN { printf "%.2f", (a - b) / (p - q) / 1e6 }') M) | linear | |
| prose, $prose600_pages pages, CPU user + system (median of 5, getrusage) | $(ms "$prose_cpu") ms | < 300 ms | $(verdict "$(ms "$prose_cpu")" 299.9 1) |
| prose, $prose600_pages pages, wall (median of 5); PDF bytes | $(ms "$prose_wall") ms; $prose600_bytes B | < 300 ms | $(verdict "$(ms "$prose_wall")" 299.9 1) |

Peers, the same seed report in the same run (Typst is not in Debian 12 and cannot be built
here: see RESULTS.md):

| tool | wall (median of 5) | CPU | peak RSS | PDF bytes | pages | text |
|---|---:|---:|---:|---:|---:|---|
| nianbao | $(ms "$render_s") ms | $(ms "$render_cpu") ms | $(mib "$rss_kib") MiB | $seed_bytes | $(pages_of "$tmp/seed.pdf") | every font with ToUnicode |
${xe_line:-| XeLaTeX | not installed (bench/setup-peers.sh) | | | | | |}

Batch verdict on the generated reports: \`$batch_verdict\`

| sample | PDF bytes | pages |
|---|---:|---:|
$sizes
EOF
