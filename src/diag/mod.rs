//! Diagnostics: plain data produced by every stage, with a stable code, a
//! labelled primary span, related spans and a help text. The stages only
//! collect; rendering happens at the edge, in [`render`]
//! ([`render::render_human`], [`render::to_json`]), which alone reads the
//! source files: this module does not depend on [`crate::source`].

pub mod render;

use std::fmt;

use serde::Serialize;

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
    FileTooLarge = "labelc::source::file_too_large", Error;
    /// A file that is not UTF-8 text
    InvalidUtf8 = "labelc::source::invalid_utf8", Error;
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

impl Code {
    /// The names this code had before it was named after the stage that
    /// emits it: still accepted on input ([`Code::from_name`]) and listed as
    /// deprecated ids in SARIF, never emitted.
    pub fn former_names(self) -> &'static [&'static str] {
        match self {
            Code::FileTooLarge => &["labelc::syntax::file_too_large"],
            Code::InvalidUtf8 => &["labelc::syntax::invalid_utf8"],
            _ => &[],
        }
    }

    /// The code named `name`, by its name or one of its [former names](Code::former_names).
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == name || c.former_names().contains(&name))
    }
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
