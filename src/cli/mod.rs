//! The command line: one file per subcommand, each an `Args` struct and a
//! `run` function returning an [`Exit`] code.
//!
//! Every subcommand writes through [`print_out`] and [`print_err`] (never
//! `print!` or `eprint!`, which panic when the reader of a pipe has gone), so
//! a closed standard output or error ends the run quietly.

// `print!` and friends panic on a closed pipe: write through `print_out` / `print_err`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod compile;
pub mod diff;
pub mod eval;
pub mod export;
pub mod export_oscal;
pub mod fmt;
pub mod import;
pub mod lsp;
pub mod plan;
pub mod progress;
pub mod relate;
pub mod report;
pub mod schema;
pub mod test;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::diag::Diagnostic;
pub(crate) use crate::fs::write_atomically;
use crate::source::SourceMap;

/// Exit codes shared by every subcommand; [`exit_codes!`] is their text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success (warnings allowed).
    Success = 0,
    /// 1: the input has errors (policies, products, an unknown scheme,
    /// category or level named on the command line), or a check asked for failed.
    Failure = 1,
    /// 2: usage error or I/O failure.
    Usage = 2,
}

/// The exit-status contract, the same for every subcommand: appended to each
/// one's `--help` (with `concat!` where a subcommand has more to say).
macro_rules! exit_codes {
    () => {
        "\
Exit status (the same for every subcommand):
  0  success (warnings allowed)
  1  the input has errors: policies with errors, a scheme, category or level named
     on the command line that the rule set lacks, a product eval or plan cannot judge,
     a product line no scheme compared by diff --products can read;
     or a check asked for failed (--deny-warnings, fmt --check, diff --fail-on,
     a failing test, test --min-coverage)
  2  usage error (a bad flag or value) or I/O failure (a missing or unreadable file)
A closed standard output or error (`labelc ... | head`) is not an error: labelc
stops writing to it and exits with the status above for what it did."
    };
}
pub(crate) use exit_codes;

const EXIT_CODES: &str = exit_codes!();

#[derive(Debug, Parser)]
#[command(
    name = "labelc",
    version,
    about = "A compiler for tiered cybersecurity labelling schemes written as policy-as-data",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policy files: report every error and warning, then summarise
    /// the schemes, levels and pending items.
    #[command(after_help = EXIT_CODES)]
    Check(check::Args),
    /// Compile policy files into a rule set (JSON, deterministic); nothing is
    /// written when the input has errors.
    #[command(after_help = EXIT_CODES)]
    Compile(compile::Args),
    /// Print on stdout the JSON Schema of the compiled rule set or of a
    /// command's `--format json` output.
    #[command(after_help = EXIT_CODES)]
    Schema(schema::Args),
    /// Judge products (JSON, or JSON Lines) against a scheme: the level each
    /// reaches, the highest it could reach, and what the next level lacks.
    #[command(after_help = EXIT_CODES)]
    Eval(eval::Args),
    /// Plan an assessment: scope, credits from recognitions held, the remaining
    /// criteria as steps, open items; for one scheme or several at once.
    #[command(after_help = EXIT_CODES)]
    Plan(plan::Args),
    /// Compare two rule versions by meaning: every change keyed by id and
    /// classified (tightening, loosening, mixed, neutral); with products, who
    /// changes level. Exit 1 when `--fail-on` matches. The two versions
    /// compile at once; the decision procedure's warnings about each (dead
    /// rules, refuted recognitions) are `check`'s to give.
    #[command(after_help = EXIT_CODES)]
    Diff(diff::Args),
    /// Decide the relationship (equal, subset_of, superset_of, intersects_with,
    /// no_relationship) between two criteria or levels, with a witness
    /// product for each direction that fails.
    #[command(after_help = EXIT_CODES)]
    Relate(relate::Args),
    /// Export the rules for another tool: `export sql` writes a query that
    /// judges a table of products in DuckDB or Spark SQL as `eval` does;
    /// `export oscal` writes OSCAL catalogs, level profiles and mapping collections.
    #[command(after_help = EXIT_CODES)]
    Export(export::Args),
    /// Rewrite policy files in the canonical layout (whitespace only; every
    /// comment kept); `--check` prints a diff instead and exits 1 on changes.
    Fmt(fmt::Args),
    /// Run the `test` items of the policies: each judges one product and says
    /// what must hold; `--coverage` shows which criteria and levels they exercise.
    Test(test::Args),
    /// Start a policy from another format: `labelc import oscal` writes a
    /// skeleton from an OSCAL catalog.
    #[command(after_help = EXIT_CODES)]
    Import(import::Args),
    /// Write one self-contained HTML report (inline SVG and CSS, no script):
    /// a portfolio, a plan, a diff between rule versions, the recognitions.
    #[command(after_help = EXIT_CODES)]
    Report(report::Args),
    /// Run the language server (LSP over stdin/stdout) for editors:
    /// diagnostics as you type, hover, definitions, completion, rename.
    Lsp(lsp::Args),
}

pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Relate(args) => relate::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Lsp(args) => lsp::run(&args),
    }
}

/// Output format of a subcommand's result (`diff`, `test`; `eval` has its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A report for a person, on stdout (diagnostics on stderr).
    Human,
    /// One JSON document on stdout (diagnostics on stderr).
    Json,
}

/// Reads the given paths into a source map ([`crate::fs::load_policies`]),
/// printing a warning for each entry a directory walk skipped. A path that
/// cannot be read comes back as its message (exit 2).
pub fn load(paths: &[PathBuf]) -> Result<(SourceMap, Vec<Diagnostic>), String> {
    crate::fs::load_policies(paths, &mut warn_skipped).map_err(|e| e.to_string())
}

/// Prints a warning for an entry a directory walk skipped.
pub(crate) fn warn_skipped(skipped: &str) {
    print_err(&format!("warning: skipped {skipped}\n"));
}

/// Reads and compiles policy paths, printing the diagnostics on stderr; with
/// errors, says so (`N errors in the input; nothing was {consequence}`) and
/// returns exit 1. A usage or I/O problem is exit 2.
pub fn compile_policies(
    paths: &[PathBuf],
    consequence: &str,
) -> Result<crate::rules::RuleSet, Exit> {
    let mut err = String::new();
    let compiled = compile_policies_into(paths, consequence, true, &mut err);
    print_err(&err);
    compiled
}

/// [`compile_policies`], with what it prints on stderr (skipped entries,
/// diagnostics, the error line) appended to `err` instead: how `diff`
/// compiles two versions at once and still prints them in order. Without
/// `decide`, the decision procedure's warnings are left out
/// ([`crate::compile_sources_undecided`]).
pub fn compile_policies_into(
    paths: &[PathBuf],
    consequence: &str,
    decide: bool,
    err: &mut String,
) -> Result<crate::rules::RuleSet, Exit> {
    let loaded = crate::fs::load_policies(paths, &mut |skipped: &str| {
        err.push_str(&format!("warning: skipped {skipped}\n"));
    });
    let (sources, early) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            err.push_str(&format!("error: {e}\n"));
            return Err(Exit::Usage);
        }
    };
    let (outcome, rules) = if decide {
        crate::compile_sources(&sources, early)
    } else {
        crate::compile_sources_undecided(&sources, early)
    };
    err.push_str(&crate::diag::render::render_human(
        &outcome.diagnostics,
        &sources,
        color_stderr(),
        100,
    ));
    rules.ok_or_else(|| {
        err.push_str(&format!(
            "error: {} in the input; nothing was {consequence}\n",
            crate::text::count(outcome.error_count(), "error", "errors")
        ));
        Exit::Failure
    })
}

/// Whether to colour what goes to stderr.
pub fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// `--as-of DATE`, or today (UTC) when it is not given; a bad date is a usage error.
pub fn assessment_date(text: Option<&str>) -> Result<jiff::civil::Date, Exit> {
    match text {
        Some(text) => crate::eval::parse_date(text).ok_or_else(|| {
            usage_error(&format!("`--as-of {text}` is not a date; write YYYY-MM-DD"))
        }),
        None => Ok(jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date()),
    }
}

/// Prints a usage or I/O error and returns exit 2.
pub fn usage_error(message: &str) -> Exit {
    print_err(&format!("error: {message}\n"));
    Exit::Usage
}

/// Prints an error in the input and returns exit 1.
pub fn input_error(message: &str) -> Exit {
    print_err(&format!("error: {message}\n"));
    Exit::Failure
}

/// Writes `text` to standard output. A closed pipe (the reader stopped, as
/// `head` does) is not an error: the text is dropped, as is everything
/// written after it. Any other failure is an I/O error: `Err(Exit::Usage)`,
/// with the message printed.
pub fn print_out(text: &str) -> Result<(), Exit> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(usage_error(&format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Writes `text` to standard error, ignoring failures: a closed or broken
/// stderr has nobody left to tell.
pub fn print_err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}
