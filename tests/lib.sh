# Shared helpers for the output tests (tests/*.sh). Source it first:
#     . "$NB_SOURCE/tests/lib.sh"
# The environment comes from tests/CMakeLists.txt: NB (the nianbao program), NB_SOURCE (the
# source tree) and NB_WORK (a scratch folder of this test). To run a test by hand:
#     NB=build/nianbao NB_SOURCE=. NB_WORK=/tmp/t sh tests/render_seed.sh
# Exit codes of a test: 0 pass, 1 fail, 77 skipped (a tool it needs is missing).

set -eu

: "${NB_SOURCE:?NB_SOURCE must name the source tree}"
NB=${NB:-$NB_SOURCE/build/nianbao}
NB_TOOLS=$NB_SOURCE/tests/tools
nb_failures=0

# need TOOL...: skip the test (exit 77) unless every TOOL is on the PATH.
need() {
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "skip: $tool is not installed" >&2
            exit 77
        fi
    done
}

# fail MSG: the test fails here.
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# problem MSG: records a failure and goes on, so one run shows every broken property;
# finish then ends the test.
problem() {
    echo "FAIL: $*" >&2
    nb_failures=$((nb_failures + 1))
}

finish() {
    if [ "$nb_failures" -ne 0 ]; then
        echo "$nb_failures check(s) failed" >&2
        exit 1
    fi
    exit 0
}

# workdir: makes NB_WORK (or a temporary folder) empty and enters it.
workdir() {
    if [ -z "${NB_WORK:-}" ]; then
        NB_WORK=$(mktemp -d "${TMPDIR:-/tmp}/nianbao-test.XXXXXX")
    fi
    rm -rf "$NB_WORK"
    mkdir -p "$NB_WORK"
    cd "$NB_WORK"
}

# need_python [yaml]: sets PY to a python3 that has the standard library (and, with "yaml",
# the yaml module: Debian's python3-yaml), or skips the test.
need_python() {
    PY=""
    for candidate in python3 /usr/bin/python3; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        if [ "${1:-}" = yaml ]; then
            "$candidate" -c 'import yaml' >/dev/null 2>&1 || continue
        fi
        # The interpreter itself, not a wrapper script (pyenv's shims cost a second a call).
        PY=$("$candidate" -c 'import sys; print(sys.executable)') || continue
        [ -x "$PY" ] || PY=$candidate
        break
    done
    if [ -z "$PY" ]; then
        echo "skip: no python3${1:+ with the $1 module}" >&2
        exit 77
    fi
}

# sample NAME: path of a sample report (NAME or samples/NAME under the source tree).
sample() {
    if [ -f "$1" ]; then
        echo "$1"
    elif [ -f "$NB_SOURCE/samples/$1" ]; then
        echo "$NB_SOURCE/samples/$1"
    else
        fail "no sample report $1"
    fi
}

# sanitizer_clean FILE: records a problem if FILE (a program's stderr) holds an AddressSanitizer,
# LeakSanitizer or UndefinedBehaviorSanitizer report. Checked apart from the exit status, since a
# report's exit status can coincide with the one a test expects.
sanitizer_clean() {
    if grep -E -q '(ERROR|SUMMARY): (Address|Leak|UndefinedBehavior)Sanitizer|: runtime error: ' "$1"; then
        problem "sanitizer report: $(grep -E -m 3 'Sanitizer|runtime error' "$1")"
    fi
}

# render SAMPLE OUT [OPTION...]: renders with nianbao; fails the test unless it exits 0 and
# writes OUT. nianbao's stderr is kept in OUT.stderr.
render() {
    nb_in=$(sample "$1")
    nb_out=$2
    shift 2
    nb_status=0
    "$NB" render "$nb_in" -o "$nb_out" "$@" 2>"$nb_out.stderr" || nb_status=$?
    sanitizer_clean "$nb_out.stderr"
    if [ "$nb_status" -ne 0 ]; then
        cat "$nb_out.stderr" >&2
        fail "nianbao render $nb_in exited $nb_status"
    fi
    [ -s "$nb_out" ] || fail "nianbao render $nb_in wrote no $nb_out"
}

# quiet_stderr FILE: FILE without the lines that a reader prints about itself rather than about
# the PDF (Debian's mupdf-tools is built without ICC support and says so on every run).
quiet_stderr() {
    grep -v -x 'warning: ICC support is not available' "$1" || true
}

# expect_status WANT CMD...: runs CMD with its stdout and stderr kept in ./out.txt and ./err.txt;
# records a problem and sets status_ok=no unless it exits WANT (then status_ok=yes).
expect_status() {
    nb_want=$1
    shift
    nb_status=0
    "$@" >out.txt 2>err.txt || nb_status=$?
    sanitizer_clean err.txt
    status_ok=yes
    if [ "$nb_status" -ne "$nb_want" ]; then
        status_ok=no
        problem "'$*' exited $nb_status, expected $nb_want; stderr: $(head -c 500 err.txt)"
    fi
}

# shared_dir: prints the project's shared reference folder (the corpus of published reports,
# the seed's text): $NB_SHARED, else ../shared beside the source tree (or beside the folder of
# worktrees); prints nothing when there is none. Tests that need it skip without it.
shared_dir() {
    for d in "${NB_SHARED:-}" "$NB_SOURCE/../shared" "$NB_SOURCE/../../shared"; do
        if [ -n "$d" ] && [ -d "$d/corpus" -o -d "$d/seed" ]; then
            (cd "$d" && pwd)
            return 0
        fi
    done
}

# Sourced by the tests, never a test itself (tests/CMakeLists.txt registers every tests/*.sh).
if [ "${0##*/}" = lib.sh ]; then
    echo "skip: tests/lib.sh holds helpers for the other tests" >&2
    exit 77
fi

# limited SECONDS MIB PROGRAM ARGS...: runs PROGRAM within SECONDS of wall time and MIB of
# address space (its exit status; 124 when out of time). A sanitizer build reserves terabytes of
# address space and runs several times slower: there only the time is limited, five times over.
limited() {
    lim_s=$1 lim_mib=$2
    shift 2
    if grep -q __asan_init "$1" 2>/dev/null; then
        timeout $((lim_s * 5)) "$@"
    else
        (ulimit -v $((lim_mib * 1024)); exec timeout "$lim_s" "$@")
    fi
}
