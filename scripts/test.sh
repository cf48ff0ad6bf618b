#!/bin/sh
# Builds (when needed) and runs the whole test suite twice: in build/ (Release, warnings are
# errors) and in build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer, leak detection on),
# where any sanitizer report fails. Both runs happen; the script fails if either fails.
# Usage: scripts/test.sh      (after scripts/setup.sh has installed the packages)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
failed=""

# suite DIR CMAKE-OPTION...: configure, build and test in DIR.
suite() {
  dir=$1
  shift
  echo "== $dir" >&2
  mkdir -p "$top/$dir"
  if ! cmake -S "$top" -B "$top/$dir" "$@" >"$top/$dir/configure.log" 2>&1; then
    cat "$top/$dir/configure.log" >&2
    failed="$failed $dir(configure)"
    return 0
  fi
  if ! cmake --build "$top/$dir" -j "$jobs"; then
    failed="$failed $dir(build)"
    return 0
  fi
  (cd "$top/$dir" && ctest --output-on-failure --no-tests=error -j2) || failed="$failed $dir(tests)"
}

suite build -DCMAKE_BUILD_TYPE=Release -DNB_WERROR=ON

ASAN_OPTIONS=detect_leaks=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS
suite build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNB_SANITIZE=ON -DNB_WERROR=ON

if [ -n "$failed" ]; then
  echo "test: failed:$failed" >&2
  exit 1
fi
echo "test: all passed (build/ and build-asan/)" >&2
