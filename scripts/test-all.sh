#!/usr/bin/env bash
# Runs ALL of labelc's tests on a fresh machine: the Rust checks and tests,
# the reference policies' own checks, then every suite in scripts/suites/
# (each installs the pinned tools it needs, e.g. into a virtual environment
# under target/, and fails, never skips, when it cannot).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# The API docs build with no warning (broken or private intra-doc links).
RUSTDOCFLAGS='-D warnings' cargo doc --no-deps --locked
# CI=true makes insta fail on a changed snapshot. insta records every snapshot
# a test reads in the references file; a snapshot no test read is rejected.
references="$PWD/target/insta-references.txt"
rm -f "$references"
INSTA_SNAPSHOT_REFERENCES_FILE="$references" cargo test --locked
bash scripts/check-snapshots.sh "$references"
# The main job on the reference policies must stay clean.
cargo run --release --locked -- check --deny-warnings policies/
# The reference policies stay in the canonical layout.
cargo run --release --locked -- fmt --check policies/
# The reference policies' own tests pass, at the coverage they honestly reach
# (the criteria left are pending with no condition; see docs/policies.md).
cargo run --release --locked -- test policies/ --min-coverage 72
shopt -s nullglob
for suite in scripts/suites/*.sh; do
    echo "== $suite"
    bash "$suite"
done
