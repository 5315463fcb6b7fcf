//! labelc: tiered cybersecurity labelling schemes as checked policy-as-data.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! source files ─syntax─▶ ast (spans) ─resolve─▶ Model (names bound) ─check─▶ diagnostics + summary
//!              ─rules::lower─▶ RuleSet (IR, serde) ─▶ compile (JSON) │ eval
//! ```
//!
//! [`check_sources`] and [`compile`] run it over a [`SourceMap`]; [`evaluate`]
//! judges one product against a compiled scheme. The `labelc` binary is a thin
//! layer over these functions.

pub mod analysis;
pub mod ast;
pub mod check;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod export;
pub mod fmt;
pub mod limited;
pub mod lsp;
pub mod plan;
pub mod resolve;
pub mod rules;
pub mod sarif;
pub mod source;
pub mod span;
pub mod suite;
pub mod syntax;
pub mod text;

use diag::{Diagnostic, Diagnostics};
use source::SourceMap;

/// The result of checking a compilation.
#[derive(Debug)]
pub struct CheckOutcome {
    /// All diagnostics, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    pub summary: check::Summary,
}

impl CheckOutcome {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// Parses every file of `sources`, then resolves and checks them as one
/// compilation. `early` holds diagnostics found while reading the files
/// (not UTF-8, too large); such files are not parsed.
pub fn check_sources(sources: &SourceMap, early: Vec<Diagnostic>) -> CheckOutcome {
    analyze(sources, early, |_, _| ()).0
}

/// Checks `sources` and, when they have no errors, lowers them into a rule set.
pub fn compile_sources(
    sources: &SourceMap,
    early: Vec<Diagnostic>,
) -> (CheckOutcome, Option<rules::RuleSet>) {
    analyze(sources, early, rules::lower)
}

/// Checks `sources` and, when they have no errors, lowers them into a rule
/// set and the `test` items to run against it (`labelc test`).
pub fn test_sources(
    sources: &SourceMap,
    early: Vec<Diagnostic>,
) -> (CheckOutcome, Option<(rules::RuleSet, Vec<suite::TestCase>)>) {
    analyze(sources, early, |model, sources| {
        (rules::lower(model, sources), suite::lower(model, sources))
    })
}

/// Compiles `sources` into a rule set, or returns every diagnostic (sorted)
/// when they have errors. Warnings do not stop compilation.
pub fn compile(sources: &SourceMap) -> Result<rules::RuleSet, Vec<Diagnostic>> {
    match compile_sources(sources, Vec::new()) {
        (_, Some(rules)) => Ok(rules),
        (outcome, None) => Err(outcome.diagnostics),
    }
}

pub use eval::{Outcome, Product, evaluate};

/// Runs the pipeline; `lower` runs on the checked model when it has no errors.
fn analyze<T>(
    sources: &SourceMap,
    early: Vec<Diagnostic>,
    lower: impl FnOnce(&resolve::Model<'_>, &SourceMap) -> T,
) -> (CheckOutcome, Option<T>) {
    let mut diagnostics = Diagnostics::new();
    let skip: Vec<span::FileId> = early.iter().map(|d| d.span.file).collect();
    diagnostics.extend(early);
    let files: Vec<ast::File> = sources
        .iter()
        .filter(|(id, _)| !skip.contains(id))
        .map(|(id, file)| syntax::parse_file(id, &file.text, &mut diagnostics))
        .collect();
    let model = resolve::resolve(&files, &mut diagnostics);
    check::check(&model, &mut diagnostics);
    let mut summary = check::summarize(&model, sources);
    if !diagnostics.has_errors() {
        let today = jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date();
        summary.recognitions_checked = Some(check::verify_recognitions(
            &model,
            sources,
            today,
            &mut diagnostics,
        ));
    }
    let lowered = (!diagnostics.has_errors()).then(|| lower(&model, sources));
    let outcome = CheckOutcome {
        diagnostics: diagnostics.into_sorted(),
        summary,
    };
    (outcome, lowered)
}

/// Checks one policy given as text (for tests and embedding).
pub fn check_text(name: &str, text: &str) -> (SourceMap, CheckOutcome) {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    let outcome = check_sources(&sources, Vec::new());
    (sources, outcome)
}
