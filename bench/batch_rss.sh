#!/bin/sh
# Peak memory and CPU time of `nianbao batch` by batch size (bench/README.md):
#     bench/batch_rss.sh [SIZES] > out.md        (default sizes: "50 400 1000")
# For each size, bench/gen.py writes that many reports, and `nianbao batch DIR -o OUT -j 2 -q`
# runs RUNS times (default 3) under /usr/bin/time: the median peak resident set (maximum RSS,
# which counts the pages of the font files and libraries the process touched, not only its
# heap) and the median CPU time (user + system) per report; and, sampled from
# /proc/PID/status every 0.2 s, the largest anonymous part (heap, stacks: what a leak
# grows) and file-backed part (font files, libraries: bounded by their sizes). Last, whether
# peak memory grows with the batch: a leak of even a few KB a report shows between 50 and
# 1,000 reports. The
# PDFs go to /dev/shm when it exists (no disk in the figures). NB names the program
# (default: build/nianbao).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
NB=${NB:-$here/../build/nianbao}
RUNS=${RUNS:-3}
SIZES=${1:-50 400 1000}
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && base=/dev/shm
work=$(mktemp -d "$base/nianbao-rss.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "# nianbao batch: peak memory by batch size"
echo
echo "- $(nproc) online cores, $(uname -sr); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), $("$NB" --version 2>/dev/null | head -n 1), -j 2, $RUNS runs each"
echo
echo "| reports | peak RSS (median) | of it anonymous / file-backed (sampled) | CPU per report (median) |"
echo "|---:|---:|---:|---:|"
first_rss=""
for n in $SIZES; do
    python3 "$here/gen.py" "$n" "$work/in$n" >/dev/null
    : >"$work/rss" ; : >"$work/cpu" ; : >"$work/parts"
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        rm -rf "$work/out"
        /usr/bin/time -f '%M %U %S' -o "$work/time" "$NB" batch "$work/in$n" -o "$work/out" -j 2 -q \
            >/dev/null 2>&1 &
        timer=$!
        anon=0 file=0
        while kill -0 "$timer" 2>/dev/null; do
            pid=$(pgrep -P "$timer" 2>/dev/null | head -n 1 || true)
            if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
                set -- $(awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { print a + 0, f + 0 }' \
                    "/proc/$pid/status" 2>/dev/null || echo 0 0)
                [ "$1" -gt "$anon" ] && anon=$1
                [ "$2" -gt "$file" ] && file=$2
            fi
            sleep 0.2
        done
        wait "$timer" || true
        echo "$anon $file" >>"$work/parts"
        read -r kb user sys <"$work/time"
        echo "$kb" >>"$work/rss"
        awk -v u="$user" -v s="$sys" -v n="$n" 'BEGIN { printf "%.2f\n", (u + s) * 1000 / n }' >>"$work/cpu"
        i=$((i + 1))
    done
    rss=$(median <"$work/rss")
    cpu=$(median <"$work/cpu")
    parts=$(sort -n "$work/parts" | awk '{ a[NR] = $1; f[NR] = $2 } END { m = int((NR + 1) / 2); printf "%.1f / %.1f MiB", a[m] / 1024, f[m] / 1024 }')
    [ -n "$first_rss" ] || { first_rss=$rss; first_n=$n; }
    last_rss=$rss
    last_n=$n
    awk -v n="$n" -v kb="$rss" -v c="$cpu" -v p="$parts" 'BEGIN { printf "| %d | %.1f MiB | %s | %s ms |\n", n, kb / 1024, p, c }'
    rm -rf "$work/in$n"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$first_rss" -v b="$last_rss" -v na="$first_n" -v nb="$last_n" 'BEGIN {
    per = 0
    if (nb > na) per = (b - a) / (nb - na)
    verdict = ""
    if (b > 1.5 * a) verdict = ": **grows with the batch**"
    printf "\nFrom %d to %d reports peak RSS grows by %.1f MiB (%.1f KB a report)%s\n", na, nb, (b - a) / 1024, per, verdict
}'
