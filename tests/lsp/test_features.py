"""Each feature of `labelc lsp` on the reference policies."""

import asyncio
import pathlib

from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import POLICIES, uri

CCL = POLICIES / "ccl" / "ccl-2026-04.policy"
VOCABULARY = POLICIES / "vocabulary" / "consumer-iot.policy"
RECOGNITIONS = POLICIES / "recognitions" / "ccl--eu-cra.policy"

# A new file with three mistakes, each a typo of a name the workspace defines.
MISTAKES = """scheme lsp_demo@1 {
    title "Demo"
    category cameras { title "Cameras" }
    criterion D-1 {
        title "Unique default passwords"
        applies_to camras
        status confirmed
        condition default_pasword.unique
    }
    level 1 { require D-1 }
    level 2 { include 1 require D-l }
}
"""


def position(path: pathlib.Path, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    """The LSP position (UTF-16 columns) of the nth occurrence of `needle`."""
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    column = len(text[start:at].encode("utf-16-le")) // 2
    return types.Position(line=line, character=column)


def doc(path: pathlib.Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri(path))


async def diagnostics_for(client: LanguageClient, target: str, count: int):
    """Waits until the diagnostics of `target` number `count` (or times out)."""
    for _ in range(100):
        found = client.diagnostics.get(target)
        if found is not None and len(found) == count:
            return found
        await asyncio.sleep(0.05)
    return client.diagnostics.get(target)


async def test_three_mistakes_then_two(client: LanguageClient, tmp_path):
    path = tmp_path / "mistakes.policy"
    target = uri(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=target, language_id="labelc", version=1, text=MISTAKES)
        )
    )
    found = await diagnostics_for(client, target, 3)
    codes = sorted(d.code for d in found)
    assert codes == [
        "labelc::resolve::unknown_category",
        "labelc::resolve::unknown_criterion",
        "labelc::resolve::unknown_fact",
    ]
    fact = next(d for d in found if d.code == "labelc::resolve::unknown_fact")
    assert fact.severity == types.DiagnosticSeverity.Error
    assert "help: did you mean `default_password.unique`?" in fact.message
    assert (fact.range.start.line, fact.range.start.character) == (7, 18)

    # The quick fix replaces the typo.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=target),
            range=fact.range,
            context=types.CodeActionContext(diagnostics=[fact]),
        )
    )
    edits = [e for a in actions for e in a.edit.changes[target]]
    assert [e.new_text for e in edits] == ["default_password.unique"]

    # Fix the category with an incremental edit: two mistakes left.
    category = next(d for d in found if d.code == "labelc::resolve::unknown_category")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=target, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=category.range, text="cameras")],
        )
    )
    found = await diagnostics_for(client, target, 2)
    assert sorted(d.code for d in found) == [
        "labelc::resolve::unknown_criterion",
        "labelc::resolve::unknown_fact",
    ]


async def test_hover_on_a_fact_and_a_criterion(client: LanguageClient):
    fact = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(CCL), position=position(CCL, "default_password.unique", 0, 3))
    )
    assert "`default_password.unique`: `bool`" in fact.contents.value
    criterion = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(CCL), position=position(CCL, "require CCL-1.1", 0, 9))
    )
    text = criterion.contents.value
    assert "**criterion** `CCL-1.1` of `ccl@2026-04`" in text
    assert "citation: measures" in text
    assert "required by level(s): 1" in text
    assert "- basis: official (not stated)" in text
    inferred = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(CCL), position=position(CCL, "criterion CAM-1", 0, 10))
    )
    assert "- basis: secondary" in inferred.contents.value


async def test_hover_on_scheme_references(client: LanguageClient):
    pinned = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(RECOGNITIONS), position=position(RECOGNITIONS, "to ccl@2026-04", 0, 4))
    )
    assert "binds to `ccl@2026-04`" in pinned.contents.value
    unpinned_file = POLICIES / "recognitions" / "de-bsi--sg-cls.policy"
    unpinned = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(unpinned_file), position=position(unpinned_file, "    to sg_cls", 0, 8))
    )
    text = unpinned.contents.value
    assert "unpinned: names the scheme, not a version" in text
    assert "the version in force on the assessment date" in text
    assert "`sg_cls@" in text


async def test_definition_across_files(client: LanguageClient):
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(CCL), position=position(CCL, "default_password.unique", 0, 1))
    )
    assert [loc.uri for loc in found] == [uri(VOCABULARY)]
    assert found[0].range.start == position(VOCABULARY, "fact default_password.unique", 0, 5)


async def test_references_of_a_criterion(client: LanguageClient):
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(CCL),
            position=position(CCL, "criterion CCL-1.1", 0, 10),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    files = {pathlib.Path(types_uri[len("file://"):]).name for types_uri in (loc.uri for loc in found)}
    # Required by the scheme's level, credited by a recognition, expected by tests.
    assert {"ccl-2026-04.policy", "ccl--eu-cra.policy", "tests.policy"} <= files
    assert all(loc.uri != uri(CCL) or loc.range.start != position(CCL, "criterion CCL-1.1", 0, 10) for loc in found)


async def test_completion_offers_schemes_after_to(client: LanguageClient):
    found = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(RECOGNITIONS), position=position(RECOGNITIONS, "ccl@2026-04"))
    )
    labels = {item.label for item in found}
    assert {"ccl", "eu_cra", "uk_psti"} <= labels
    assert "criterion" not in labels


async def test_completion_offers_enum_values_after_eq(client: LanguageClient, tmp_path):
    path = tmp_path / "enum.policy"
    text = "scheme e@1 {\n    criterion E-1 {\n        condition testing.laboratory == \n    }\n}\n"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(path), language_id="labelc", version=1, text=text)
        )
    )
    found = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri(path)), position=types.Position(line=2, character=41))
    )
    assert sorted(item.label for item in found) == ["other_third_party", "producer_lab", "qualified_third_party"]


async def test_formatting(client: LanguageClient, tmp_path):
    path = tmp_path / "messy.policy"
    messy = "fact   lsp.demo :bool\n"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(path), language_id="labelc", version=1, text=messy)
        )
    )
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert [e.new_text for e in edits] == ["fact lsp.demo: bool\n"]
    # A formatted reference policy needs no edit.
    unchanged = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc(CCL), options=types.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    assert list(unchanged) == []


async def test_document_symbols_outline(client: LanguageClient):
    found = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(CCL)))
    assert [s.name for s in found] == ["ccl@2026-04"]
    assert found[0].kind == types.SymbolKind.Namespace
    children = [c.name for c in found[0].children]
    assert "CCL-1.1" in children
    assert "level 1" in children
    assert "measures" in children


async def test_rename_a_criterion_across_files(client: LanguageClient):
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=doc(CCL),
            position=position(CCL, "criterion CCL-1.1", 0, 10),
            new_name="CCL-1.1a",
        )
    )
    changes = edit.changes
    assert uri(RECOGNITIONS) in changes
    renamed = [e for e in changes[uri(CCL)] if "renamed_from" not in e.new_text]
    assert len(renamed) >= 2  # the definition and the level that requires it
    assert all(e.new_text == "CCL-1.1a" for e in renamed)
    # The draft version still defines CCL-1.1, so the renamed one records where it came from.
    draft = (POLICIES / "ccl" / "ccl-2025-11-draft.policy").read_text(encoding="utf-8")
    assert "criterion CCL-1.1 " in draft
    inserted = [e.new_text for e in changes[uri(CCL)] if "renamed_from" in e.new_text]
    assert [t.strip() for t in inserted] == ["renamed_from CCL-1.1"]
    # The draft's own criterion is not renamed: only the 2026-04 version was asked for.
    draft_uri = uri(POLICIES / "ccl" / "ccl-2025-11-draft.policy")
    assert draft_uri not in changes


async def test_rename_refuses_an_invalid_name(client: LanguageClient):
    try:
        await client.text_document_rename_async(
            types.RenameParams(text_document=doc(CCL), position=position(CCL, "criterion CCL-1.1", 0, 10), new_name="not valid")
        )
    except Exception as error:  # the server answers with an error
        assert "not a valid criterion name" in str(error)
    else:
        raise AssertionError("an invalid name was accepted")
