#!/usr/bin/env bash
# OSCAL export accepted by a real OSCAL client: compliance-trestle 5.2.0
# (pinned) in a virtual environment under target/; see tests/oscal/.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/venv-oscal
if ! "$venv/bin/python" -c 'import trestle, sys; sys.exit(trestle.__version__ != "5.2.0")' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --no-cache-dir --quiet compliance-trestle==5.2.0
fi
cargo build --release --locked --quiet
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/python" tests/oscal/check_trestle.py \
    "$PWD/target/release/labelc" policies/ "$PWD/target/oscal-suite"
