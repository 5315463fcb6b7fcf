//! labelc: tiered cybersecurity labelling schemes as checked policy-as-data.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! source files ─syntax─▶ ast (spans) ─resolve─▶ Model (names bound) ─check─▶ diagnostics + summary
//! ```
//!
//! [`check_sources`] runs it over a [`SourceMap`]; the `labelc` binary is a thin
//! layer over these functions.

pub mod ast;
pub mod check;
pub mod cli;
pub mod diag;
pub mod resolve;
pub mod source;
pub mod span;
pub mod syntax;

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
    let summary = check::summarize(&model, sources);
    CheckOutcome {
        diagnostics: diagnostics.into_sorted(),
        summary,
    }
}

/// Checks one policy given as text (for tests and embedding).
pub fn check_text(name: &str, text: &str) -> (SourceMap, CheckOutcome) {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    let outcome = check_sources(&sources, Vec::new());
    (sources, outcome)
}
