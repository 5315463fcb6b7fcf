"""No input crashes `labelc lsp`: each bad message gets an error answer and
the server keeps serving."""

import asyncio
import json
import subprocess

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import LABELC, POLICIES, uri

CCL = POLICIES / "ccl" / "ccl-2026-04.policy"


def criterion_position() -> dict:
    """Where `CCL-1.1` is defined in CCL (found in the text, so edits of the
    policy do not move the test off it)."""
    text = CCL.read_text(encoding="utf-8")
    at = text.index("criterion CCL-1.1") + len("criterion ")
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    return {"line": line, "character": column}


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def message(payload: dict) -> bytes:
    return frame(json.dumps(payload).encode())


def responses(output: bytes) -> list:
    """The JSON bodies of the frames in `output`."""
    out = []
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        length = int(header.split(b":")[1])
        out.append(json.loads(rest[:length]))
        output = rest[length:]
    return out


def test_malformed_json_rpc_is_answered_and_the_server_goes_on():
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": uri(POLICIES)}}
    hover = {
        "jsonrpc": "2.0",
        "id": 4,
        "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri(CCL)}, "position": criterion_position()},
    }
    stream = b"".join(
        [
            message(init),
            frame(b"{this is not json"),
            message({"jsonrpc": "2.0", "id": 2, "params": []}),  # neither request nor notification
            b"Content-Length: lots\r\n\r\n",  # a broken header
            message({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {"nonsense": True}}),
            message(hover),
            message({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}),
            message({"jsonrpc": "2.0", "method": "exit"}),
        ]
    )
    done = subprocess.run([LABELC, "lsp"], input=stream, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    answers = responses(done.stdout)
    by_id = {}
    nulls = []
    for a in answers:
        if a.get("id") is None:
            nulls.append(a)
        else:
            by_id[a["id"]] = a
    assert [a["error"]["code"] for a in nulls] == [-32700, -32700]
    assert by_id[2]["error"]["code"] == -32600
    assert by_id[3]["error"]["code"] == -32602
    assert "criterion" in json.dumps(by_id[4]["result"]) or "fact" in json.dumps(by_id[4]["result"])
    assert by_id[5]["result"] is None


async def test_unknown_methods_get_method_not_found(client: LanguageClient):
    with pytest.raises(Exception, match="does not handle"):
        await client.protocol.send_request_async("labelc/noSuchMethod", {})
    client.protocol.notify("labelc/noSuchNotification", {})
    # Still serving.
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri(CCL)))
    )
    assert symbols


async def test_out_of_range_positions(client: LanguageClient, tmp_path):
    path = tmp_path / "edit.policy"
    target = uri(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=target, language_id="labelc", version=1, text="fact a.b: bool\n")
        )
    )
    far = types.Range(start=types.Position(line=900, character=5), end=types.Position(line=1000, character=0))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=target, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=far, text="fact c.d: int\n")],
        )
    )
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=target), position=types.Position(line=5000, character=5000))
    )
    assert hover is None
    # The edit was clamped to the end of the text: both facts are there.
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=target))
    )
    assert [s.name for s in symbols] == ["a.b", "c.d"]
    for line in (0, 10**6):
        assert await client.text_document_definition_async(
            types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=CCL.as_uri()), position=types.Position(line=line, character=10**6))
        ) in (None, [])


async def test_a_10_mb_buffer(client: LanguageClient, tmp_path):
    path = tmp_path / "huge.policy"
    target = uri(path)
    text = "// " + "x" * (10 * 1024 * 1024) + "\n"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=target, language_id="labelc", version=1, text=text)
        )
    )
    for _ in range(200):
        if target in client.diagnostics:
            break
        await asyncio.sleep(0.05)
    assert [d.code for d in client.diagnostics[target]] == ["labelc::source::file_too_large"]
    with pytest.raises(Exception, match="8 MiB"):
        await client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=types.TextDocumentIdentifier(uri=target),
                options=types.FormattingOptions(tab_size=4, insert_spaces=True),
            )
        )
    # Still serving.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri(CCL)), position=types.Position(**criterion_position()))
    )
    assert hover is not None
