//! Document symbols: the outline of one file (facts, schemes with their
//! sources, categories, criteria and levels, recognitions, tests).

use lsp_types as lt;

use super::workspace::Analysis;
use crate::ast::{self, Item, Member};
use crate::span::Span;

fn symbol(
    analysis: &Analysis,
    name: String,
    detail: Option<String>,
    kind: lt::SymbolKind,
    span: Span,
    name_span: Span,
    children: Vec<lt::DocumentSymbol>,
) -> lt::DocumentSymbol {
    #[expect(deprecated, reason = "`deprecated` is a required field of the type")]
    lt::DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: analysis.range(span),
        selection_range: analysis.range(name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

fn title(t: Option<&ast::Text>) -> Option<String> {
    t.map(|t| t.value.clone())
}

fn category(analysis: &Analysis, c: &ast::Category) -> lt::DocumentSymbol {
    let children = c.children.iter().map(|c| category(analysis, c)).collect();
    symbol(
        analysis,
        c.id.name.clone(),
        title(c.title.as_ref()),
        lt::SymbolKind::ENUM,
        c.span,
        c.id.span,
        children,
    )
}

/// `textDocument/documentSymbol`.
pub fn document_symbols(
    analysis: &Analysis,
    params: &lt::DocumentSymbolParams,
) -> Option<lt::DocumentSymbolResponse> {
    let file = analysis.file_of(&params.text_document.uri)?;
    let ast = analysis.files.get(file.0 as usize)?;
    let mut out = Vec::new();
    for item in &ast.items {
        match item {
            Item::Fact(f) => out.push(symbol(
                analysis,
                f.name.name.clone(),
                None,
                lt::SymbolKind::FIELD,
                f.span,
                f.name.span,
                Vec::new(),
            )),
            Item::Scheme(s) => {
                let children = s
                    .members
                    .iter()
                    .filter_map(|m| match m {
                        Member::Source(x) => Some(symbol(
                            analysis,
                            x.id.name.clone(),
                            title(x.title.as_ref()),
                            lt::SymbolKind::FILE,
                            x.span,
                            x.id.span,
                            Vec::new(),
                        )),
                        Member::Category(c) => Some(category(analysis, c)),
                        Member::Criterion(c) => Some(symbol(
                            analysis,
                            c.id.name.clone(),
                            title(c.title.as_ref()),
                            lt::SymbolKind::CONSTANT,
                            c.span,
                            c.id.span,
                            Vec::new(),
                        )),
                        Member::Level(l) => Some(symbol(
                            analysis,
                            format!(
                                "level {}",
                                l.rank.value.map_or("?".into(), |r| r.to_string())
                            ),
                            title(l.title.as_ref()),
                            lt::SymbolKind::NUMBER,
                            l.span,
                            l.rank.span,
                            Vec::new(),
                        )),
                        _ => None,
                    })
                    .collect();
                out.push(symbol(
                    analysis,
                    s.reference.display(),
                    title(s.title.as_ref()),
                    lt::SymbolKind::NAMESPACE,
                    s.span,
                    s.reference.span,
                    children,
                ));
            }
            Item::Recognition(r) => out.push(symbol(
                analysis,
                r.id.name.clone(),
                title(r.title.as_ref()),
                lt::SymbolKind::INTERFACE,
                r.span,
                r.id.span,
                Vec::new(),
            )),
            Item::Test(t) => out.push(symbol(
                analysis,
                t.id.name.clone(),
                title(t.title.as_ref()),
                lt::SymbolKind::EVENT,
                t.span,
                t.id.span,
                Vec::new(),
            )),
            Item::Invalid(_) => {}
        }
    }
    Some(lt::DocumentSymbolResponse::Nested(out))
}
