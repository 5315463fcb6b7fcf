#!/usr/bin/env bash
# `labelc report` in a real browser: Debian's chromium (installed, with node and
# npm, when missing) driven headless by playwright-core (pinned,
# in target/report-suite/node_modules, no browser download) renders each
# report kind from file://, fails on any console error, page error or network
# request, saves screenshots under target/report-suite/, and checks that the
# figures in the rendered DOM equal the JSON outputs for the same input.
#
#   bash scripts/suites/report.sh [--screenshot docs/report-portfolio.png]
#
# With --screenshot it also writes the portfolio picture README shows.
# Ends with `N passed, M failed`; exits non-zero on a failure or a missing tool.
set -euo pipefail
cd "$(dirname "$0")/../.."

screenshot=()
if [ "${1:-}" = "--screenshot" ]; then
    [ -n "${2:-}" ] || { echo "report suite: --screenshot needs a file" >&2; exit 2; }
    screenshot=(--screenshot "$2")
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update
    apt-get install -y "${missing[@]}"
fi
for tool in /usr/bin/chromium node npm; do
    command -v "$tool" >/dev/null || { echo "report suite: \`$tool\` is required and missing" >&2; exit 1; }
done

cargo build --release --locked
labelc="$PWD/target/release/labelc"
out=target/report-suite
mkdir -p "$out"
rm -f "$out"/*.html "$out"/*.json "$out"/*.jsonl "$out"/*.png "$out"/*.pdf
[ -f "$out/package.json" ] || echo '{"private": true}' > "$out/package.json"
(cd "$out" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error playwright-core@1.65.1)

policy=tests/report/demo.policy
products=tests/report/demo.jsonl
product=tests/report/plan-product.json
date=(--as-of 2026-11-25)
report() { "$labelc" report "$@" "${date[@]}" 2>/dev/null; }

# The reports, and the JSON outputs their figures must equal.
report "$policy" --out "$out/portfolio.html" --portfolio "$products" --title "Product portfolio (tests/report/demo.policy)"
for scheme in star base; do
    "$labelc" eval "$policy" --scheme "$scheme" --facts "$products" --format json "${date[@]}" \
        > "$out/eval-$scheme.jsonl" 2>/dev/null
done
report "$policy" --out "$out/plan.html" --plan "$product" --scheme star --title "Plan for cam-9"
"$labelc" plan "$policy" --scheme star --category camera --facts "$product" --format json "${date[@]}" \
    > "$out/plan.json" 2>/dev/null
report "$policy" --out "$out/diff.html" --versions star@1 star@2 --portfolio "$products" --title "star@1 to star@2"
"$labelc" diff "$policy" --from star@1 --to star@2 --products "$products" --format json "${date[@]}" \
    > "$out/diff.json" 2>/dev/null
# The recognitions of the reference policies.
report policies/ --out "$out/recognitions.html" --recognitions --title "Recognitions"
"$labelc" compile policies/ > "$out/rules.json" 2>/dev/null

node tests/report/render.mjs "$out" "${screenshot[@]}"
