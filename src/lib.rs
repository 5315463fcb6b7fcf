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
//! layer over these functions: it calls [`main_cli`], the one entry point to
//! the command line, whose argument types (clap) are private to the library.

pub mod analysis;
pub mod ast;
pub mod check;
mod cli;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod export;
pub mod fmt;
pub mod fs;
pub mod limited;
pub mod lsp;
pub mod plan;
pub mod report;
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
    analyze(sources, early, Decide::Yes, |_, _, _| ()).0
}

/// Checks `sources` and, when they have no errors, lowers them into a rule set.
pub fn compile_sources(
    sources: &SourceMap,
    early: Vec<Diagnostic>,
) -> (CheckOutcome, Option<rules::RuleSet>) {
    analyze(sources, early, Decide::Yes, |_, _, rules| rules)
}

/// [`compile_sources`] without the decision procedure's pass (recognitions
/// verified, dead and trivial rules): the same rule set and every other
/// diagnostic, `recognitions_checked` left `None`. `labelc diff` compiles
/// each version so: it compares two versions by meaning itself, and the
/// authors' warnings of each version are `check`'s to give.
pub fn compile_sources_undecided(
    sources: &SourceMap,
    early: Vec<Diagnostic>,
) -> (CheckOutcome, Option<rules::RuleSet>) {
    analyze(sources, early, Decide::No, |_, _, rules| rules)
}

/// Whether [`analyze`] runs the decision procedure on the rule set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decide {
    Yes,
    No,
}

/// Checks `sources` and, when they have no errors, lowers them into a rule
/// set and the `test` items to run against it (`labelc test`).
pub fn test_sources(
    sources: &SourceMap,
    early: Vec<Diagnostic>,
) -> (CheckOutcome, Option<(rules::RuleSet, Vec<suite::TestCase>)>) {
    analyze(sources, early, Decide::Yes, |model, sources, rules| {
        (rules, suite::lower(model, sources))
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

/// Runs the `labelc` command line on this process's arguments and returns
/// the exit status to end with (0 success, 1 errors in the input, 2 usage or
/// I/O failure; `labelc --help` has the whole contract). Parsing errors and
/// `--help` print and exit as clap does.
///
/// The command line's types are not part of the library's API:
///
/// ```compile_fail
/// let _ = labelc::cli::run;
/// ```
pub fn main_cli() -> i32 {
    let args = <cli::Cli as clap::Parser>::parse();
    cli::run(args) as i32
}

/// Runs the pipeline. A model without errors is lowered into a rule set
/// once, which the decision procedure reads (recognitions verified, dead
/// rules found) and `finish` turns into the result; internal diagnostics of
/// lowering (a broken invariant) join the rest, and then there is no result.
fn analyze<T>(
    sources: &SourceMap,
    early: Vec<Diagnostic>,
    decide: Decide,
    finish: impl FnOnce(&resolve::Model<'_>, &SourceMap, rules::RuleSet) -> T,
) -> (CheckOutcome, Option<T>) {
    let mut diagnostics = Diagnostics::new();
    let skip: Vec<span::FileId> = early.iter().map(|d| d.span.file).collect();
    diagnostics.extend(early);
    let to_parse: Vec<(span::FileId, &str)> = sources
        .iter()
        .filter(|(id, _)| !skip.contains(id))
        .map(|(id, file)| (id, file.text.as_str()))
        .collect();
    let files = parse_files(&to_parse, &mut diagnostics);
    let model = resolve::resolve(&files, &mut diagnostics);
    check::check(&model, &mut diagnostics);
    let mut summary = check::summarize(&model, sources);
    let lowered = if diagnostics.has_errors() {
        None
    } else {
        rules::lower(&model, sources)
            .map_err(|internal| diagnostics.extend(internal))
            .ok()
    };
    if let Some(rules) = lowered.as_ref().filter(|_| decide == Decide::Yes) {
        let today = jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date();
        summary.recognitions_checked = Some(check::verify_recognitions(
            &model,
            rules,
            today,
            &mut diagnostics,
        ));
    }
    let result = lowered.map(|rules| finish(&model, sources, rules));
    let outcome = CheckOutcome {
        diagnostics: diagnostics.into_sorted(),
        summary,
    };
    (outcome, result)
}

/// Parses `files`, on as many threads as there are cores when there is more
/// than one file; the ASTs come back in the order of `files`, and the
/// diagnostics are the same whichever thread found them (they are sorted
/// before anyone sees them).
fn parse_files(files: &[(span::FileId, &str)], diagnostics: &mut Diagnostics) -> Vec<ast::File> {
    let jobs = eval::batch::jobs(None).min(files.len());
    if jobs <= 1 {
        return files
            .iter()
            .map(|(id, text)| syntax::parse_file(*id, text, diagnostics))
            .collect();
    }
    // Each thread takes the next file not yet taken.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut parsed: Vec<(usize, ast::File, Diagnostics)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((id, text)) = files.get(i) else {
                            break out;
                        };
                        let mut found = Diagnostics::new();
                        out.push((i, syntax::parse_file(*id, text, &mut found), found));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    parsed.sort_by_key(|(i, _, _)| *i);
    parsed
        .into_iter()
        .map(|(_, file, found)| {
            diagnostics.extend(found.into_sorted());
            file
        })
        .collect()
}

/// Checks one policy given as text (for tests and embedding).
pub fn check_text(name: &str, text: &str) -> (SourceMap, CheckOutcome) {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    let outcome = check_sources(&sources, Vec::new());
    (sources, outcome)
}
