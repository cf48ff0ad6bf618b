#!/bin/sh
# A full disk in a batch: the PDFs that do not fit are reported as not written, nothing partial
# is left in the output folder, batch-report.json (kept elsewhere) says why, and the exit code is
# 2 (unwritable output), not 1 (a report with errors). The full disk is a 200 KiB tmpfs, which
# needs root and a kernel that allows the mount: skipped otherwise.
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

mkdir in full
if ! mount -t tmpfs -o size=200k tmpfs full 2>/dev/null; then
    echo "skip: cannot mount a small tmpfs here (needs root)" >&2
    exit 77
fi
trap 'umount "$NB_WORK/full" 2>/dev/null || true' EXIT INT TERM

seed=$(sample seed.yaml)
for name in a b c; do
    cp "$seed" "in/$name.yaml"
done
status=0
"$NB" batch in -o full --report report.json -j 1 >out.txt 2>err.txt || status=$?
sanitizer_clean err.txt
[ "$status" -eq 2 ] || problem "a batch into a full disk exited $status, expected 2: $(head -c 600 err.txt)"
grep -q 'No space left on device' err.txt || problem "no 'No space left on device' message: $(head -c 600 err.txt)"
for f in full/.* full/*; do
    case $f in
        full/. | full/.. | 'full/*' | 'full/.*') ;;
        full/*.pdf) [ "$(head -c 5 "$f")" = "%PDF-" ] || problem "$f is not a whole PDF" ;;
        *) problem "left in the full folder: $f" ;;
    esac
done
"$PY" - <<'EOF' || problem "report.json does not say which PDFs were not written"
import json
r = json.load(open("report.json", encoding="utf-8"))
failed = [x for x in r["reports"] if x["status"] == "failed"]
assert failed, r["summary"]
for x in failed:
    assert x["output"] is None, x
    assert any("No space left on device" in f["message"] for f in x["findings"]), x
EOF
finish
