#!/bin/sh
# The temporary-file race: while 200 renders write into a folder, a watcher process replaces
# every temporary file it sees there with a symbolic link to a file outside, as fast as it can
# (what anyone who can write to a shared output folder can do). No file outside the folder may
# change mode or content: nianbao sets the bits on its open descriptor, never by name, and does
# not rename a temporary name that is no longer its file. Each render either writes its PDF or
# fails with exit 2 saying the temporary file was replaced.
. "$NB_SOURCE/tests/lib.sh"
need stat cmp
need_python
workdir

mkdir shared outside
cp "$(sample seed.yaml)" r.yaml
printf 'secret\n' >outside/secret
chmod 600 outside/secret
printf 'config\n' >outside/config
chmod 640 outside/config
cp outside/secret secret.orig
cp outside/config config.orig
modes_before=$(stat -c '%n %a %U' outside/*)

cat >watcher.py <<'EOF'
import os, sys
shared, targets, stop = sys.argv[1], sys.argv[2:], "stop"
swaps = 0
while not os.path.exists(stop):
    try:
        names = os.listdir(shared)
    except OSError:
        continue
    for name in names:
        if not name.startswith("."):
            continue
        path = os.path.join(shared, name)
        try:
            if os.path.islink(path):
                continue
            os.unlink(path)
            os.symlink(targets[swaps % len(targets)], path)
            swaps += 1
        except OSError:
            pass
print(swaps)
EOF
"$PY" watcher.py shared "$PWD/outside/secret" "$PWD/outside/config" >swaps.txt &
watcher=$!

written=0 refused=0 i=0
while [ "$i" -lt 200 ]; do
    i=$((i + 1))
    status=0
    "$NB" render r.yaml -o "shared/out-$i.pdf" 2>err.txt || status=$?
    sanitizer_clean err.txt
    if [ "$status" -eq 0 ]; then
        written=$((written + 1))
    elif [ "$status" -eq 2 ] && grep -q 'cannot write' err.txt; then
        refused=$((refused + 1))
    else
        problem "render $i exited $status: $(grep -v warning err.txt | head -c 300)"
    fi
done
touch stop
wait "$watcher" || true

modes_after=$(stat -c '%n %a %U' outside/*)
[ "$modes_before" = "$modes_after" ] ||
    problem "files outside the folder changed: before: $modes_before; after: $modes_after"
cmp -s outside/secret secret.orig || problem "outside/secret was written"
cmp -s outside/config config.orig || problem "outside/config was written"
[ "$(ls outside | wc -l)" -eq 2 ] || problem "files appeared outside: $(ls outside)"
echo "200 renders: $written written, $refused refused; $(cat swaps.txt) swaps" >&2
[ "$(cat swaps.txt)" -gt 0 ] || problem "the watcher never swapped a temporary file: the test proved nothing"
finish
