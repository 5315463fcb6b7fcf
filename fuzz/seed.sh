#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/TARGET, git-ignored) from the policies
# and fixtures of the repository: every *.policy for the policy targets, every
# JSON Lines file (and each of its lines) for the product reader. Copies only:
# nothing is built. Run from anywhere; safe to run again (existing files stay).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus
mkdir -p "$corpus/check" "$corpus/fmt" "$corpus/roundtrip" "$corpus/products"
n=0
while IFS= read -r -d '' file; do
    name=$(printf '%s' "$file" | tr '/' '_')
    for target in check fmt roundtrip; do
        cp "$file" "$corpus/$target/$name"
    done
    n=$((n + 1))
done < <(find policies tests/fixtures -name '*.policy' -type f -print0)
lines=0
while IFS= read -r -d '' file; do
    name=$(printf '%s' "$file" | tr '/' '_')
    cp "$file" "$corpus/products/$name"
    i=0
    while IFS= read -r line || [ -n "$line" ]; do
        i=$((i + 1))
        printf '%s\n' "$line" > "$corpus/products/$name.$i"
        lines=$((lines + 1))
    done < "$file"
done < <(find policies tests/fixtures -name '*.jsonl' -type f -print0)
echo "seeded: $n policy files (check, fmt, roundtrip), $lines product lines (products)"
