//! Rename of a fact or a criterion across the workspace.
//!
//! Renaming a criterion of one scheme version renames its definition and
//! every reference that may mean it (references through an unpinned scheme
//! reference included). When another version of the same scheme still
//! defines the old id, the renamed criterion gets `renamed_from OLD` (unless
//! it has one), so that `labelc diff` pairs the two versions' criteria.

use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types as lt;

use super::Failure;
use super::index::{Kind, Occurrence};
use super::navigation::related;
use super::workspace::Analysis;
use crate::ast::{Item, Member};
use crate::diag::Diagnostics;
use crate::span::{FileId, Span};

fn renamable<'a>(
    analysis: &'a Analysis,
    at: &lt::TextDocumentPositionParams,
) -> Result<&'a Occurrence, Failure> {
    let here = analysis.occurrence_at(at).ok_or_else(|| {
        Failure::new(
            ErrorCode::RequestFailed,
            "no fact or criterion here to rename",
        )
    })?;
    match here.symbol.kind {
        Kind::Fact | Kind::Criterion => Ok(here),
        other => Err(Failure::new(
            ErrorCode::RequestFailed,
            format!(
                "only facts and criteria can be renamed, not a {}",
                other.word()
            ),
        )),
    }
}

/// `textDocument/prepareRename`: the range of the name to rename.
pub fn prepare(
    analysis: &Analysis,
    params: &lt::TextDocumentPositionParams,
) -> Result<Option<lt::PrepareRenameResponse>, Failure> {
    let here = renamable(analysis, params)?;
    Ok(Some(lt::PrepareRenameResponse::Range(
        analysis.range(here.span),
    )))
}

/// Whether `name` is a valid name of this kind, asked of the compiler's parser.
pub fn valid_name(kind: Kind, name: &str) -> bool {
    let mut diagnostics = Diagnostics::new();
    match kind {
        Kind::Fact => {
            matches!(
                crate::syntax::parse_condition(FileId(0), &format!("present({name})"), &mut diagnostics),
                Some(crate::ast::Expr { kind: crate::ast::ExprKind::Present(id), .. }) if id.name == name
            ) && diagnostics.is_empty()
        }
        _ => {
            let text = format!("scheme s@1 {{\n    level 1 {{ require {name} }}\n}}\n");
            let file = crate::syntax::parse_file(FileId(0), &text, &mut diagnostics);
            diagnostics.is_empty()
                && file.items.iter().any(|i| match i {
                    Item::Scheme(s) => s.members.iter().any(|m| match m {
                        Member::Level(l) => l.require.iter().any(|r| r.name == name),
                        _ => false,
                    }),
                    _ => false,
                })
        }
    }
}

/// `textDocument/rename`.
#[expect(
    clippy::mutable_key_type,
    reason = "`WorkspaceEdit` keys its changes by `Uri`, whose cache is not part of its identity"
)]
pub fn rename(
    analysis: &Analysis,
    params: &lt::RenameParams,
) -> Result<Option<lt::WorkspaceEdit>, Failure> {
    let here = renamable(analysis, &params.text_document_position)?;
    let new = params.new_name.as_str();
    if !valid_name(here.symbol.kind, new) {
        return Err(Failure::new(
            ErrorCode::InvalidParams,
            format!("`{new}` is not a valid {} name", here.symbol.kind.word()),
        ));
    }
    let old = here.symbol.name.clone();
    let mut edits: Vec<(Span, String)> = related(analysis, &params.text_document_position)
        .into_iter()
        .map(|o| (o.span, new.to_string()))
        .collect();
    if here.symbol.kind == Kind::Criterion {
        edits.extend(renamed_from(analysis, &here.symbol.scheme, &old, &edits));
    }
    let mut changes: HashMap<lt::Uri, Vec<lt::TextEdit>> = HashMap::new();
    for (span, text) in edits {
        if let Some(uri) = analysis.uri(span.file) {
            changes
                .entry(uri)
                .or_default()
                .push(lt::TextEdit::new(analysis.range(span), text));
        }
    }
    Ok(Some(lt::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }))
}

/// `renamed_from OLD` insertions for the renamed definitions of criterion
/// `old` of `scheme` whose old id another version keeps.
fn renamed_from(
    analysis: &Analysis,
    scheme: &str,
    old: &str,
    edits: &[(Span, String)],
) -> Vec<(Span, String)> {
    let renamed = |span: Span| edits.iter().any(|(s, _)| *s == span);
    let mut kept_elsewhere = false;
    let mut definitions = Vec::new();
    for item in analysis.files.iter().flat_map(|f| &f.items) {
        let Item::Scheme(s) = item else { continue };
        if s.reference.id.name != scheme {
            continue;
        }
        for m in &s.members {
            if let Member::Criterion(c) = m
                && c.id.name == old
            {
                if renamed(c.id.span) {
                    definitions.push(c);
                } else {
                    kept_elsewhere = true;
                }
            }
        }
    }
    if !kept_elsewhere {
        return Vec::new();
    }
    definitions
        .into_iter()
        .filter(|c| c.renamed_from.is_none())
        .filter_map(|c| {
            let text = analysis.text(c.id.span.file);
            let end = c.id.span.end as usize;
            let brace = end + text.get(end..)?.find('{')? + 1;
            let line_start = text
                .get(..c.span.start as usize)?
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let indent: String = text
                .get(line_start..)?
                .chars()
                .take_while(|c| *c == ' ')
                .collect();
            Some((
                Span::new(c.id.span.file, brace, brace),
                format!("\n{indent}    renamed_from {old}"),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_by_the_parser() {
        assert!(valid_name(Kind::Fact, "update.support_months"));
        assert!(!valid_name(Kind::Fact, "update support"));
        assert!(!valid_name(Kind::Fact, "and"));
        assert!(valid_name(Kind::Criterion, "CCL-1.2"));
        assert!(!valid_name(Kind::Criterion, "CCL 1"));
        assert!(!valid_name(Kind::Criterion, "}"));
    }
}
