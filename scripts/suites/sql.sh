#!/usr/bin/env bash
# The SQL back end's differential test (tests/sql/differential.py): over
# 10,000 generated products, `labelc export sql` run in DuckDB (and Spark SQL
# in local mode, on a sample of the cases) must give every product
# what `labelc eval` gives it. Installs its engines, pinned, into
# target/venv-sql; fails, never skips, when one cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ENGINES="${LABELC_SQL_ENGINES:-duckdb,spark}"
VENV=target/venv-sql
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check duckdb==2.0.0
if [[ "$ENGINES" == *spark* ]]; then
    command -v java >/dev/null || { echo "error: Spark needs java (17) on PATH"; echo "0 passed, 1 failed"; exit 1; }
    "$VENV/bin/pip" install --quiet --disable-pip-version-check pyspark==4.3.0
fi
cargo build --release --locked --quiet
"$VENV/bin/python" tests/sql/differential.py target/release/labelc policies \
    --engines "$ENGINES" --products 10000
