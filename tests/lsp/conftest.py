"""End-to-end tests of `labelc lsp`, driven by pytest-lsp (an independent
LSP client). The server binary is $LABELC (scripts/suites/lsp.sh builds it);
the workspace root is the repository's reference policies."""

import os
import pathlib
import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = pathlib.Path(__file__).resolve().parents[2]
POLICIES = REPO / "policies"
LABELC = os.environ.get("LABELC", str(REPO / "target" / "release" / "labelc"))

if not pathlib.Path(LABELC).exists():
    sys.exit(f"labelc binary not found at {LABELC}: build it (cargo build --release) or set LABELC")


def uri(path: pathlib.Path) -> str:
    return path.as_uri()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[LABELC, "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=uri(POLICIES), name="policies")],
        )
    )
    yield
    await lsp_client.shutdown_session()
