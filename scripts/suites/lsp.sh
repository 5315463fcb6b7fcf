#!/usr/bin/env bash
# End-to-end tests of `labelc lsp` through an independent LSP client
# (pytest-lsp, pinned, in a virtual environment under target/), then the
# VS Code extension: its grammar tests (vscode-tmgrammar-test) and its
# packaging into a .vsix (@vscode/vsce), both pinned in
# editors/vscode/package-lock.json. Fails when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in python3 node npm; do
    command -v "$tool" >/dev/null || { echo "lsp suite: \`$tool\` is required and missing" >&2; exit 1; }
done

cargo build --release --locked
export LABELC="$PWD/target/release/labelc"
export PYTHONDONTWRITEBYTECODE=1

venv=target/venv-lsp
if [ ! -x "$venv/bin/pytest" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check pytest-lsp==1.0.1 pygls==2.1.1 pytest==9.2.0
(cd tests/lsp && "$PWD/../../$venv/bin/pytest" -p no:cacheprovider -q)

cd editors/vscode
npm ci --no-audit --no-fund --loglevel=error
npm test
rm -f ../../target/labelc.vsix
npx vsce package --allow-missing-repository --skip-license --out ../../target/labelc.vsix
# The package holds the grammar, the language configuration and the client.
python3 - ../../target/labelc.vsix <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = {
    "extension/syntaxes/labelc.tmLanguage.json",
    "extension/language-configuration.json",
    "extension/extension.js",
    "extension/node_modules/vscode-languageclient/node.js",
}
missing = sorted(wanted - names)
print(f"vsix: {len(wanted) - len(missing)} passed, {len(missing)} failed", *missing)
sys.exit(1 if missing else 0)
PY
