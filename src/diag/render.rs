//! Rendering diagnostics at the edge: miette's graphical report for a person
//! ([`render_human`]) and the JSON form tools read ([`to_json`]). The only
//! part of [`crate::diag`] that reads the source files.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde::Serialize;

use super::{Code, Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap};
use crate::span::Span;

/// A borrowed, named view of (part of) one file for miette. For a very long
/// line, only a window around the diagnostic is shown; `base_line` and
/// `base_column` keep the positions miette prints true to the whole file.
struct NamedText<'a> {
    /// The whole file, whose line table finds the lines miette asks for.
    file: Option<&'a SourceFile>,
    name: &'a str,
    text: &'a str,
    /// Offset of `text` in the file.
    offset: usize,
    base_line: usize,
    base_column: usize,
}

/// Lines longer than this are shown as a window around the diagnostic.
const MAX_SHOWN_LINE: usize = 400;
/// Bytes shown on each side of a diagnostic in a long line.
const WINDOW: usize = 120;

impl<'a> NamedText<'a> {
    fn new(file: Option<&'a SourceFile>, span: Span) -> NamedText<'a> {
        let Some(file) = file else {
            return NamedText {
                file: None,
                name: "<unknown>",
                text: "",
                offset: 0,
                base_line: 0,
                base_column: 0,
            };
        };
        let text = file.text.as_str();
        let whole = NamedText {
            file: Some(file),
            name: file.name.as_str(),
            text,
            offset: 0,
            base_line: 0,
            base_column: 0,
        };
        let at = (span.start as usize).min(text.len());
        let line_start = text
            .get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = text
            .get(at..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| at + i);
        if line_end - line_start <= MAX_SHOWN_LINE {
            return whole;
        }
        let mut start = at.saturating_sub(WINDOW).max(line_start);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 2 * WINDOW).min(line_end);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let (line, column) = file.line_column(start);
        NamedText {
            text: text.get(start..end).unwrap_or(""),
            offset: start,
            base_line: line - 1,
            base_column: column - 1,
            ..whole
        }
    }

    /// A file span as a range of this view, clamped to it; `None` when outside.
    fn range(&self, span: Span) -> Option<std::ops::Range<usize>> {
        let start = (span.start as usize).checked_sub(self.offset)?;
        if start > self.text.len() {
            return None;
        }
        let end = (span.end as usize)
            .saturating_sub(self.offset)
            .min(self.text.len());
        Some(start..end.max(start))
    }
}

impl SourceCode for NamedText<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // Hand miette only the lines it asks for, found in the file's line
        // table: miette counts lines from the start of the text it is given,
        // so giving it the whole file would make rendering N diagnostics
        // take N × the file's size.
        let (from, base_line) = match self.file {
            Some(file) => {
                let at = self.offset + span.offset().min(self.text.len());
                let line = file.line_index(at).saturating_sub(context_lines_before);
                let from = file.line_start(line).max(self.offset) - self.offset;
                let end = self.offset + (span.offset() + span.len()).min(self.text.len());
                let last = file.line_index(end) + context_lines_after + 1;
                let to =
                    (file.line_start(last).max(self.offset) - self.offset).min(self.text.len());
                // The window of a long line starts inside it: keep its line.
                let base = if from == 0 { self.base_line } else { line };
                (from, (base, to))
            }
            None => (0, (self.base_line, self.text.len())),
        };
        let (base_line, to) = base_line;
        let part = self.text.get(from..to).unwrap_or(self.text);
        let from = if part.len() == self.text.len() {
            0
        } else {
            from
        };
        let local = miette::SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let inner = part.read_span(&local, context_lines_before, context_lines_after)?;
        let column = if inner.line() == 0 && from == 0 {
            inner.column() + self.base_column
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + base_line,
            column,
            inner.line_count(),
        )))
    }
}

/// One diagnostic, or one of its related places in another file, as miette sees it.
struct Report<'a> {
    message: String,
    code: Option<Code>,
    severity: miette::Severity,
    source: NamedText<'a>,
    labels: Vec<LabeledSpan>,
    help: Option<&'a str>,
    related: Vec<Report<'a>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn labeled(range: std::ops::Range<usize>, text: &str, primary: bool) -> LabeledSpan {
    let label = (!text.is_empty()).then(|| text.to_string());
    if primary {
        LabeledSpan::new_primary_with_span(label, range)
    } else {
        LabeledSpan::new_with_span(label, range)
    }
}

fn report<'a>(diagnostic: &'a Diagnostic, sources: &'a SourceMap) -> Report<'a> {
    let source = NamedText::new(sources.get(diagnostic.span.file), diagnostic.span);
    let mut labels = Vec::new();
    labels.extend(
        source
            .range(diagnostic.span)
            .map(|r| labeled(r, &diagnostic.label, true)),
    );
    let mut related = Vec::new();
    for label in &diagnostic.related {
        if label.span.file == diagnostic.span.file {
            // A related place outside a long line's window is left out of the picture.
            labels.extend(
                source
                    .range(label.span)
                    .map(|r| labeled(r, &label.text, false)),
            );
        } else {
            let other = NamedText::new(sources.get(label.span.file), label.span);
            let range = other.range(label.span);
            related.push(Report {
                message: label.text.clone(),
                code: None,
                severity: miette::Severity::Advice,
                source: other,
                labels: range
                    .map(|r| labeled(r, "here", true))
                    .into_iter()
                    .collect(),
                help: None,
                related: Vec::new(),
            });
        }
    }
    Report {
        message: diagnostic.message.clone(),
        code: Some(diagnostic.code),
        severity: match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        source,
        labels,
        help: diagnostic.help.as_deref(),
        related,
    }
}

/// Renders diagnostics for a person: miette's graphical report, `width`
/// columns wide, with or without colour.
pub fn render_human(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    color: bool,
    width: usize,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = report(diagnostic, sources);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail for I/O reasons; fall back to one line.
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        out.push('\n');
    }
    out
}

/// A diagnostic as JSON: what tools read from `--format json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub span: JsonSpan,
    pub labels: Vec<JsonLabel<'a>>,
    pub help: Option<&'a str>,
}

/// A byte range, end exclusive.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JsonSpan {
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JsonLabel<'a> {
    pub primary: bool,
    pub message: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub span: JsonSpan,
}

fn json_label<'a>(
    span: Span,
    message: &'a str,
    primary: bool,
    sources: &'a SourceMap,
) -> JsonLabel<'a> {
    let file = sources.get(span.file);
    let (line, column) = file.map_or((0, 0), |f| f.line_column(span.start as usize));
    JsonLabel {
        primary,
        message,
        file: file.map_or("<unknown>", |f| f.name.as_str()),
        line,
        column,
        span: JsonSpan {
            start: span.start,
            end: span.end,
        },
    }
}

/// The JSON form of each diagnostic, in the given order.
pub fn to_json<'a>(
    diagnostics: &'a [Diagnostic],
    sources: &'a SourceMap,
) -> Vec<JsonDiagnostic<'a>> {
    diagnostics
        .iter()
        .map(|d| {
            let primary = json_label(d.span, &d.label, true, sources);
            let mut labels = vec![];
            let (file, line, column) = (primary.file, primary.line, primary.column);
            labels.push(primary);
            labels.extend(
                d.related
                    .iter()
                    .map(|l| json_label(l.span, &l.text, false, sources)),
            );
            JsonDiagnostic {
                code: d.code.as_str(),
                severity: d.severity,
                message: &d.message,
                file,
                line,
                column,
                span: JsonSpan {
                    start: d.span.start,
                    end: d.span.end,
                },
                labels,
                help: d.help.as_deref(),
            }
        })
        .collect()
}
