#!/bin/sh
# A compiler launcher (CMAKE_C_COMPILER_LAUNCHER) for a second build tree of the same sources,
# such as tests/package.sh's static build: an object that the build tree NB_REUSE_BUILD has
# already compiled, for the same target with the same flags (its flags.make equal once each
# tree's own path is taken out) and newer than every file its dependency file lists (the source
# and each header), is copied with that dependency file instead of being compiled again.
# Everything else is compiled.
#     reuse_object.sh COMPILER ARG...
obj='' dep='' src='' prev=''
for arg in "$@"; do
    case $prev in
    -o) obj=$arg ;;
    -MF) dep=$arg ;;
    -c) src=$arg ;;
    esac
    prev=$arg
done
from=${NB_REUSE_BUILD:-}
flags=${obj%%.dir/*}.dir/flags.make
same_flags() {
    [ -f "$from/$flags" ] && [ -f "$flags" ] &&
        [ "$(grep -v '^#' "$from/$flags" | sed "s|$from|@BUILD@|g")" = \
          "$(grep -v '^#' "$flags" | sed "s|$PWD|@BUILD@|g")" ]
}
up_to_date() {
    [ -n "$dep" ] && [ -f "$from/$dep" ] && [ "$from/$obj" -nt "$src" ] || return 1
    for file in $(sed -e '1s/^[^:]*://' -e 's/\\$//' "$from/$dep"); do
        [ "$from/$obj" -nt "$file" ] || return 1
    done
}
if [ -n "$from" ] && [ -n "$obj" ] && [ -n "$src" ] && [ -f "$from/$obj" ] && same_flags &&
    up_to_date; then
    mkdir -p "$(dirname "$obj")"
    if cp "$from/$obj" "$obj" && cp "$from/$dep" "$dep"; then
        exit 0
    fi
fi
exec "$@"
