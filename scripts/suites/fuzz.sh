#!/usr/bin/env bash
# The fuzz targets of fuzz/ (cargo-fuzz, libFuzzer with coverage, no
# sanitizers: stable Rust), each run for a bounded time on corpora seeded
# from policies/ and tests/fixtures/. Fails on any crash and prints the
# reproducer. docs/hardening.md describes the targets and the longer campaign.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-20}
version=0.13.1
if ! cargo fuzz --version 2>/dev/null | grep -qF "$version"; then
    cargo install cargo-fuzz --locked --version "$version"
fi
command -v cargo-fuzz >/dev/null || { echo "fuzz suite: cargo-fuzz is required and missing" >&2; exit 1; }

bash fuzz/seed.sh
# The fuzz crate's own lock file must be up to date (cargo fuzz has no --locked).
cargo fetch --locked --manifest-path fuzz/Cargo.toml
(cd fuzz && cargo fuzz build -s none)

passed=0
failed=0
for target in check fmt products roundtrip; do
    rm -rf "fuzz/artifacts/$target"
    mkdir -p "fuzz/artifacts/$target"
    log="fuzz/artifacts/$target.log"
    if (cd fuzz && cargo fuzz run "$target" -s none -- \
            -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1) >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        echo "fuzz $target: ok, $runs runs in ${seconds} s"
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "fuzz $target: FAILED" >&2
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -5 >&2 || true
        for artifact in fuzz/artifacts/"$target"/*; do
            [ -e "$artifact" ] || continue
            echo "  reproducer: $artifact" >&2
            echo "  reproduce with: (cd fuzz && cargo fuzz run $target -s none ../$artifact)" >&2
        done
        echo "  log: $log" >&2
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
