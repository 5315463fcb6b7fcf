#!/usr/bin/env bash
# Rejects unreferenced insta snapshots: every `*.snap` file of the repository
# must be one that a test of the last `cargo test` run read or wrote.
#
# Usage: scripts/check-snapshots.sh REFERENCES
# REFERENCES is the file insta appends each snapshot path to when a test run
# has INSTA_SNAPSHOT_REFERENCES_FILE set (the mechanism `cargo insta test
# --unreferenced=reject` uses; insta, a dev-dependency, does the recording,
# so nothing needs installing). scripts/test-all.sh runs the tests that way.
# A stray snapshot (left by a renamed or deleted test) would otherwise pass
# silently forever; delete it, or restore the test that produces it.
set -euo pipefail
cd "$(dirname "$0")/.."
references=${1:?usage: scripts/check-snapshots.sh REFERENCES}
if [[ ! -s $references ]]; then
    echo "error: \`$references\` lists no snapshot: run the tests with INSTA_SNAPSHOT_REFERENCES_FILE=$references first" >&2
    exit 1
fi
referenced=$(while IFS= read -r path; do realpath -m "$path"; done < "$references" | sort -u)
stray=0
total=0
while IFS= read -r -d '' snap; do
    total=$((total + 1))
    if ! grep -qxF "$(realpath -m "$snap")" <<< "$referenced"; then
        echo "error: \`$snap\` is a snapshot no test uses; delete it, or restore the test that writes it" >&2
        stray=$((stray + 1))
    fi
done < <(find . -path ./target -prune -o -name '*.snap' -type f -print0)
echo "snapshots: $((total - stray)) referenced, $stray unreferenced"
[[ $stray -eq 0 ]]
