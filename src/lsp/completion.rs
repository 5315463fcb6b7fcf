//! Completion from what the text before the cursor asks for: scheme ids
//! after `from`/`to`/`scheme`, enumeration values after `==`, `!=` or in an
//! `in (…)` list, category ids after `applies_to`, and otherwise keywords,
//! fact names and the criterion ids of the scheme the cursor is in (or of a
//! recognition's schemes).

use std::collections::BTreeSet;

use lsp_types as lt;

use super::index::Kind;
use super::workspace::Analysis;
use crate::ast::{FactTypeKind, Item};

/// The keywords of the language (from the grammar's `kw_` rules and field values).
pub const KEYWORDS: &[&str] = &[
    "fact",
    "description",
    "unit",
    "set",
    "enum",
    "scheme",
    "title",
    "jurisdiction",
    "status",
    "effective",
    "source",
    "document",
    "issued",
    "url",
    "authority",
    "role",
    "category",
    "phase",
    "excluded",
    "pending",
    "confirmed",
    "criterion",
    "citation",
    "applies_to",
    "all",
    "method",
    "evidence",
    "valid_from",
    "valid_until",
    "condition",
    "renamed_from",
    "level",
    "include",
    "require",
    "at_least",
    "of",
    "recognition",
    "from",
    "to",
    "relationship",
    "credit",
    "credits",
    "verify",
    "or",
    "and",
    "not",
    "in",
    "contains",
    "subset_of",
    "superset_of",
    "within",
    "days",
    "before",
    "after",
    "assessment",
    "present",
    "test",
    "as_of",
    "holds",
    "facts",
    "expect",
    "reachable",
    "none",
    "bool",
    "int",
    "decimal",
    "string",
    "date",
    "draft",
    "in_force",
    "superseded",
    "document_review",
    "audit",
    "self_declaration",
    "equal",
    "intersects_with",
    "no_relationship",
    "full",
    "partial",
    "official",
    "proposed",
    "assumed",
];

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '@')
}

/// What the cursor is completing.
#[derive(Debug, PartialEq, Eq)]
pub enum Context {
    Scheme,
    Variant(String),
    Category,
    Any,
}

/// Reads the context from the text of the line before the word being typed.
pub fn context(before: &str) -> Context {
    let words: Vec<&str> = before
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',' || c == '[')
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.last().copied().unwrap_or("");
    if matches!(last, "from" | "to" | "scheme" | "holds") {
        return Context::Scheme;
    }
    if last == "applies_to" || last == "category" && words.len() > 1 {
        return Context::Category;
    }
    // `fact == `, `fact != `, `fact in (a, `, `fact not in (`.
    let mut rev = words.iter().rev().copied();
    if let Some(w) = words.iter().rposition(|w| matches!(*w, "==" | "!=" | "in")) {
        let open_list = before
            .rfind('(')
            .is_some_and(|p| before.get(p..).is_some_and(|s| !s.contains(')')));
        let fact = words
            .get(..w)
            .and_then(|ws| ws.iter().rev().find(|x| **x != "not"));
        let directly = rev.next().is_some_and(|x| matches!(x, "==" | "!=" | "in"));
        if let Some(fact) = fact
            && (directly || open_list)
        {
            return Context::Variant((*fact).to_string());
        }
    }
    Context::Any
}

/// `textDocument/completion`.
pub fn complete(
    analysis: &Analysis,
    params: &lt::CompletionParams,
) -> Option<lt::CompletionResponse> {
    let (file, offset) = analysis.locate(&params.text_document_position)?;
    let text = analysis.text(file);
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..offset)?;
    let word_len: usize = line
        .chars()
        .rev()
        .take_while(|c| is_word(*c))
        .map(char::len_utf8)
        .sum();
    let before = line.get(..line.len() - word_len)?;
    let replace = analysis.range(crate::span::Span::new(file, offset - word_len, offset));
    let mut items: BTreeSet<(String, u8)> = BTreeSet::new();
    let kind_code = |k: Kind| match k {
        Kind::Fact => 1,
        Kind::Scheme => 2,
        Kind::Criterion => 3,
        Kind::Category => 4,
        _ => 5,
    };
    let defined = |kind: Kind| {
        analysis
            .occurrences
            .iter()
            .filter(move |o| o.definition && o.symbol.kind == kind)
    };
    match context(before) {
        Context::Scheme => items.extend(defined(Kind::Scheme).map(|o| (o.symbol.name.clone(), 2))),
        Context::Variant(fact) => {
            for item in analysis.files.iter().flat_map(|f| &f.items) {
                if let Item::Fact(f) = item
                    && f.name.name == fact
                    && let FactTypeKind::Enum(values) = &f.ty.kind
                {
                    items.extend(values.iter().map(|v| (v.name.clone(), 6)));
                }
            }
        }
        Context::Category => {
            let schemes = enclosing_schemes(analysis, file, offset);
            items.extend(
                defined(Kind::Category)
                    .filter(|o| schemes.contains(&o.symbol.scheme))
                    .map(|o| (o.symbol.name.clone(), 4)),
            );
        }
        Context::Any => {
            items.extend(KEYWORDS.iter().map(|k| ((*k).to_string(), 0)));
            items.extend(defined(Kind::Fact).map(|o| (o.symbol.name.clone(), 1)));
            let schemes = enclosing_schemes(analysis, file, offset);
            for kind in [Kind::Criterion, Kind::Category] {
                items.extend(
                    defined(kind)
                        .filter(|o| schemes.contains(&o.symbol.scheme))
                        .map(|o| (o.symbol.name.clone(), kind_code(kind))),
                );
            }
        }
    }
    let items = items
        .into_iter()
        .map(|(label, kind)| lt::CompletionItem {
            kind: Some(match kind {
                0 => lt::CompletionItemKind::KEYWORD,
                1 => lt::CompletionItemKind::FIELD,
                2 => lt::CompletionItemKind::MODULE,
                3 => lt::CompletionItemKind::CONSTANT,
                4 => lt::CompletionItemKind::CLASS,
                _ => lt::CompletionItemKind::ENUM_MEMBER,
            }),
            text_edit: Some(lt::CompletionTextEdit::Edit(lt::TextEdit::new(
                replace,
                label.clone(),
            ))),
            label,
            ..Default::default()
        })
        .collect();
    Some(lt::CompletionResponse::Array(items))
}

/// The schemes whose members are in scope at `offset`: the scheme item the
/// cursor is in, or the `from` and `to` schemes of a recognition, or the
/// scheme of a test.
fn enclosing_schemes(analysis: &Analysis, file: crate::span::FileId, offset: usize) -> Vec<String> {
    let Some(ast) = analysis.files.get(file.0 as usize) else {
        return Vec::new();
    };
    let inside =
        |span: crate::span::Span| (span.start as usize) <= offset && offset <= span.end as usize;
    for item in &ast.items {
        match item {
            Item::Scheme(s) if inside(s.span) => return vec![s.reference.id.name.clone()],
            Item::Recognition(r) if inside(r.span) => {
                return r
                    .from
                    .iter()
                    .map(|f| f.scheme.id.name.clone())
                    .chain(r.to.iter().map(|t| t.id.name.clone()))
                    .collect();
            }
            Item::Test(t) if inside(t.span) => {
                return t.scheme.iter().map(|s| s.id.name.clone()).collect();
            }
            _ => {}
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_context_before_the_cursor() {
        assert_eq!(context("    from "), Context::Scheme);
        assert_eq!(context("    to "), Context::Scheme);
        assert_eq!(
            context("    condition net.kind == "),
            Context::Variant("net.kind".into())
        );
        assert_eq!(
            context("condition net.kind not in (wifi, "),
            Context::Variant("net.kind".into())
        );
        assert_eq!(context("    applies_to "), Context::Category);
        assert_eq!(context("    require "), Context::Any);
        assert_eq!(context("condition net.kind in (wifi) and "), Context::Any);
    }
}
