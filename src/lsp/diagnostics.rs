//! Diagnostics for every file of the compilation, published after each
//! change, and the quick fixes their help texts carry.

use std::collections::BTreeMap;

use lsp_server::{Message, Notification};
use lsp_types as lt;

use super::workspace::{Analysis, Workspace};
use crate::diag::{Code, Diagnostic, Severity};

/// `textDocument/publishDiagnostics` for every file of the compilation, and
/// an empty list for each file that had diagnostics before and has none now.
pub fn publish(ws: &mut Workspace) -> Vec<Message> {
    let analysis = ws.analysis();
    let mut by_uri: BTreeMap<String, Vec<lt::Diagnostic>> = analysis
        .uris
        .iter()
        .map(|u| (u.clone(), Vec::new()))
        .collect();
    for diagnostic in &analysis.diagnostics {
        if let Some(uri) = analysis.uris.get(diagnostic.span.file.0 as usize)
            && let Some(list) = by_uri.get_mut(uri)
        {
            list.push(to_lsp(analysis, diagnostic));
        }
    }
    let now: Vec<String> = by_uri
        .iter()
        .filter(|(_, d)| !d.is_empty())
        .map(|(u, _)| u.clone())
        .collect();
    for uri in std::mem::take(&mut ws.published) {
        by_uri.entry(uri).or_default();
    }
    ws.published = now;
    by_uri
        .into_iter()
        .filter_map(|(uri, diagnostics)| {
            let params = lt::PublishDiagnosticsParams {
                uri: uri.parse().ok()?,
                diagnostics,
                version: None,
            };
            Some(Message::Notification(Notification::new(
                "textDocument/publishDiagnostics".into(),
                params,
            )))
        })
        .collect()
}

/// One labelc diagnostic as LSP sees it: the code, the message with its
/// label and help, the related places.
pub fn to_lsp(analysis: &Analysis, d: &Diagnostic) -> lt::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related: Vec<lt::DiagnosticRelatedInformation> = Vec::new();
    if !d.label.is_empty()
        && let Some(location) = analysis.location(d.span)
    {
        related.push(lt::DiagnosticRelatedInformation {
            location,
            message: d.label.clone(),
        });
    }
    related.extend(d.related.iter().filter_map(|l| {
        Some(lt::DiagnosticRelatedInformation {
            location: analysis.location(l.span)?,
            message: l.text.clone(),
        })
    }));
    lt::Diagnostic {
        range: analysis.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => lt::DiagnosticSeverity::ERROR,
            Severity::Warning => lt::DiagnosticSeverity::WARNING,
        }),
        code: Some(lt::NumberOrString::String(d.code.as_str().into())),
        source: Some("labelc".into()),
        message,
        related_information: Some(related),
        ..Default::default()
    }
}

/// The fix a diagnostic's help offers: the text to put in place of a span.
#[derive(Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The fix of one diagnostic, if its help names one: "did you mean `X`?"
/// replaces the name; "add `include N` to level M" inserts the include.
pub fn fix(d: &Diagnostic, text: &str) -> Option<Fix> {
    let help = d.help.as_deref()?;
    if let Some(rest) = help.strip_prefix("did you mean `") {
        let mut suggestion = rest.split('`').next()?;
        if d.code == Code::UnknownVersion {
            // The span is the version; the help names `id@version`.
            suggestion = suggestion.rsplit('@').next()?;
        }
        return Some(Fix {
            title: format!("Replace with `{suggestion}`"),
            start: d.span.start as usize,
            end: d.span.end as usize,
            text: suggestion.to_string(),
        });
    }
    if d.code == Code::LevelNotMonotone {
        let include = help.strip_prefix("add `")?.split('`').next()?;
        // Insert after the `{` that opens the level the diagnostic points at.
        let after = text.get(d.span.start as usize..)?;
        let brace = d.span.start as usize + after.find('{')? + 1;
        let line_start = text
            .get(..d.span.start as usize)?
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let indent: String = text
            .get(line_start..)?
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        return Some(Fix {
            title: format!("Add `{include}`"),
            start: brace,
            end: brace,
            text: format!("\n{indent}    {include}"),
        });
    }
    None
}

/// `textDocument/codeAction`: the fixes of the diagnostics in the range.
pub fn code_actions(
    analysis: &Analysis,
    params: &lt::CodeActionParams,
) -> Vec<lt::CodeActionOrCommand> {
    let Some(file) = analysis.file_of(&params.text_document.uri) else {
        return Vec::new();
    };
    let text = analysis.text(file);
    let start = analysis.offset(file, params.range.start);
    let end = analysis.offset(file, params.range.end);
    analysis
        .diagnostics
        .iter()
        .filter(|d| {
            d.span.file == file && (d.span.start as usize) <= end && start <= d.span.end as usize
        })
        .filter_map(|d| {
            let fix = fix(d, text)?;
            let edit = lt::TextEdit::new(
                analysis.range(crate::span::Span::new(file, fix.start, fix.end)),
                fix.text,
            );
            let uri = params.text_document.uri.clone();
            Some(lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                title: fix.title,
                kind: Some(lt::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(analysis, d)]),
                edit: Some(lt::WorkspaceEdit {
                    changes: Some(std::iter::once((uri, vec![edit])).collect()),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{FileId, Span};

    #[test]
    fn did_you_mean_becomes_a_replacement() {
        let d = Diagnostic::new(
            Code::UnknownCriterion,
            "unknown",
            Span::new(FileId(0), 4, 9),
            "x",
        )
        .with_help("did you mean `CCL-1.1`?");
        let f = fix(&d, "").unwrap();
        assert_eq!((f.start, f.end, f.text.as_str()), (4, 9, "CCL-1.1"));
        let v = Diagnostic::new(
            Code::UnknownVersion,
            "unknown",
            Span::new(FileId(0), 7, 14),
            "x",
        )
        .with_help("did you mean `ccl@2026-04`?");
        assert_eq!(fix(&v, "").unwrap().text, "2026-04");
        let none = Diagnostic::new(Code::UnusedFact, "unused", Span::new(FileId(0), 0, 1), "x")
            .with_help("use it in a criterion's condition");
        assert_eq!(fix(&none, ""), None);
    }

    #[test]
    fn a_missing_include_is_inserted_in_the_level() {
        let text = "scheme s@1 {\n    level 2 {\n        require A\n    }\n}\n";
        let at = text.find("level 2").unwrap();
        let d = Diagnostic::new(
            Code::LevelNotMonotone,
            "easier",
            Span::new(FileId(0), at, at + 7),
            "x",
        )
        .with_help("add `include 1` to level 2, or require the same criteria in it");
        let f = fix(&d, text).unwrap();
        let mut fixed = text.to_string();
        fixed.replace_range(f.start..f.end, &f.text);
        assert!(
            fixed.contains("level 2 {\n        include 1\n        require A"),
            "{fixed}"
        );
    }
}
