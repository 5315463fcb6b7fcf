//! Diagnostics: plain data produced by every stage, with a stable code, a
//! labelled primary span, related spans and a help text. Rendering happens at
//! the edge ([`render_human`], [`render_json`]); the stages only collect.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde::Serialize;

use crate::source::{SourceFile, SourceMap};
use crate::span::Span;

/// How bad a diagnostic is. Errors fail `check`; warnings fail it only under
/// `--deny-warnings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $code:literal, $severity:ident; )*) => {
        /// Every diagnostic labelc can report. The string form is stable: users
        /// filter on it and `docs/language.md` lists each with its trigger.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            /// All codes, in declaration order (used by the docs and the fixture test).
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The severity a diagnostic of this code has.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// The first line of the code's documentation: what triggers it.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => first_doc_line(&[$($doc),*]), )* }
            }
        }
    };
}

const fn first_doc_line(lines: &[&'static str]) -> &'static str {
    match lines.first() {
        Some(line) => line,
        None => "",
    }
}

codes! {
    /// The input does not match the grammar: `criterion X { title }`
    SyntaxUnexpected = "labelc::syntax::unexpected", Error;
    /// Brackets, braces or `not` nested deeper than the limit: `((((((…`
    SyntaxTooDeep = "labelc::syntax::too_deep", Error;
    /// A name or id longer than the limit of 256 bytes
    IdentifierTooLong = "labelc::syntax::identifier_too_long", Error;
    /// More items in one file than the limit
    TooManyItems = "labelc::syntax::too_many_items", Error;
    /// A file larger than the limit of 8 MiB
    FileTooLarge = "labelc::syntax::file_too_large", Error;
    /// A file that is not UTF-8 text
    InvalidUtf8 = "labelc::syntax::invalid_utf8", Error;
    /// A carriage return not followed by a line feed: `// note\rfact b: bool`
    LoneCarriageReturn = "labelc::syntax::lone_carriage_return", Error;
    /// A date literal that is not a calendar date: `effective 2026-02-30`
    InvalidDate = "labelc::syntax::invalid_date", Error;
    /// A number that does not fit: `level 99999999999999999999 { … }`
    InvalidNumber = "labelc::syntax::invalid_number", Error;
    /// A field given twice in one block: `title "a"  title "b"`
    DuplicateField = "labelc::syntax::duplicate_field", Error;
    /// Two definitions with the same id in the same scope (scheme version, fact, criterion, level, …)
    DuplicateDefinition = "labelc::resolve::duplicate_definition", Error;
    /// A criterion id that the scheme does not define: `require CCL-9`
    UnknownCriterion = "labelc::resolve::unknown_criterion", Error;
    /// A level rank that the scheme does not define: `include 7`
    UnknownLevel = "labelc::resolve::unknown_level", Error;
    /// A category id that the scheme does not define: `applies_to camras`
    UnknownCategory = "labelc::resolve::unknown_category", Error;
    /// A fact that no `fact` declaration defines: `condition pasword.unique`
    UnknownFact = "labelc::resolve::unknown_fact", Error;
    /// A scheme id that no file of the compilation defines: `to ccl`
    UnknownScheme = "labelc::resolve::unknown_scheme", Error;
    /// A scheme version that the compilation does not contain: `to ccl@2030-01`
    UnknownVersion = "labelc::resolve::unknown_version", Error;
    /// A citation that names a source the scheme does not declare: `citation mesures "Art. 5"`
    UnknownSource = "labelc::resolve::unknown_source", Error;
    /// Operands of different types: `update.support_months >= "24"`
    TypeMismatch = "labelc::check::type_mismatch", Error;
    /// A set operator on a fact that is not a set: `update.automatic contains "x"`
    NotASet = "labelc::check::not_a_set", Error;
    /// An operator the fact's type does not support: `default_password.unique < true`
    UnsupportedOperator = "labelc::check::unsupported_operator", Error;
    /// A fact used alone as a condition that is not `bool`: `condition update.support_months`
    NotBoolean = "labelc::check::not_boolean", Error;
    /// An enumeration value the fact does not declare: `connectivity == wify`
    UnknownVariant = "labelc::check::unknown_variant", Error;
    /// A level that does not require everything the level below it requires
    LevelNotMonotone = "labelc::check::level_not_monotone", Error;
    /// `include` of a level that is not lower: `level 1 { include 2 }`
    IncludeNotLower = "labelc::check::include_not_lower", Error;
    /// Levels that include each other in a cycle
    IncludeCycle = "labelc::check::include_cycle", Error;
    /// `at_least k of (…)` with k = 0 or k greater than the number of criteria listed
    InvalidAtLeast = "labelc::check::invalid_at_least", Error;
    /// Dates out of order: `valid_until` before `valid_from`, a phase before the scheme's effective date
    DateOrder = "labelc::check::date_order", Error;
    /// A criterion that applies to no category (its scheme declares none)
    CriterionWithoutCategory = "labelc::check::criterion_without_category", Error;
    /// A required field is missing: a scheme without `title`, a confirmed criterion without `condition`
    MissingField = "labelc::check::missing_field", Error;
    /// A recognition whose credit is more than its relationship supports: `relationship intersects_with` with `credit full`
    CreditExceedsRelationship = "labelc::check::credit_exceeds_relationship", Warning;
    /// A criterion that applies to an excluded category, or to a sub-category of one: `applies_to meters` where `meters` is `excluded`
    AppliesToExcluded = "labelc::check::applies_to_excluded", Warning;
    /// A `grouping` category with no sub-categories: `category meters { title "Meters" grouping "by entry" }`
    GroupingWithoutSubcategories = "labelc::check::grouping_without_subcategories", Warning;
    /// A recognition credits a criterion that applies to none of the categories its `applies_to` covers
    CreditOutsideScope = "labelc::check::credit_outside_scope", Warning;
    /// A criterion that no level requires
    UnusedCriterion = "labelc::check::unused_criterion", Warning;
    /// A fact that no condition reads
    UnusedFact = "labelc::check::unused_fact", Warning;
    /// A level that requires nothing
    EmptyLevel = "labelc::check::empty_level", Warning;
    /// A recognition whose claimed relationship the conditions refute, shown by a witness product
    RecognitionRefuted = "labelc::analysis::recognition_refuted", Warning;
    /// A criterion's condition that no product can make true: `x > 5 and x < 3`
    UnsatisfiableCondition = "labelc::analysis::unsatisfiable_condition", Warning;
    /// A criterion's condition that every product giving its facts makes true: `x >= 3 or x < 3`
    TrivialCondition = "labelc::analysis::trivial_condition", Warning;
    /// A criterion that applies to no product on any date: `valid_until` before its scheme takes effect, every category excluded
    CriterionNeverApplies = "labelc::analysis::criterion_never_applies", Warning;
    /// A level that no product can reach on any date: it requires a criterion that cannot pass, or two that contradict
    UnreachableLevel = "labelc::analysis::unreachable_level", Warning;
    /// An invariant of labelc itself broke; please report it with the input
    Internal = "labelc::internal", Error;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place in the source that the diagnostic refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One finding about the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub related: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `code`, with the code's own severity.
    pub fn new(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span,
            label: label.into(),
            related: Vec::new(),
            help: None,
        }
    }

    /// Same as [`Diagnostic::new`]; reads better where the code is an error.
    pub fn error(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, message, span, label)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.related.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The sink every stage pushes into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then position, then code; exact duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (a.span.file, a.span.start, a.span.end, a.code, &a.message).cmp(&(
                b.span.file,
                b.span.start,
                b.span.end,
                b.code,
                &b.message,
            ))
        });
        self.items.dedup();
        self.items
    }
}

/// A "did you mean" candidate: the closest of `candidates` to `name`, if close enough.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Very long names are not typos of short ones; skip the quadratic distance.
    if name.len() > 256 {
        return None;
    }
    // Ranked by edit distance, then by the longest common prefix (`CCL-3.3`
    // is closer to `CCL-3.2` than to `CCL-1.3`), then alphabetically.
    let mut best: Option<(usize, std::cmp::Reverse<usize>, &str)> = None;
    for candidate in candidates {
        if candidate.len() > 256 {
            continue;
        }
        let distance = strsim::damerau_levenshtein(&name.to_lowercase(), &candidate.to_lowercase());
        let limit = (name.chars().count().max(candidate.chars().count()) / 3).max(1);
        let prefix = name
            .chars()
            .zip(candidate.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let key = (distance, std::cmp::Reverse(prefix), candidate);
        if distance <= limit && best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best.map(|(_, _, c)| c)
}

// ---------------------------------------------------------------- rendering

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
