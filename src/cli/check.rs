//! `labelc check PATH...`: diagnostics, then a summary of the compilation.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::{Exit, color_stderr, load, print_err, print_out, usage_error};
use crate::check::Summary;
use crate::diag::render::{JsonDiagnostic, render_human, to_json};
use crate::{CheckOutcome, check_sources};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories (every `*.policy` below them); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How to print diagnostics and the summary: for a person, one JSON
    /// document, or a SARIF 2.1.0 log of the diagnostics (for code scanning).
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Fail (exit 1) when there are warnings, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print the diagnostics only: no summary on stdout and no count line
    /// after the diagnostics (human format).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics rendered on stderr, the summary on stdout.
    Human,
    /// One JSON document on stdout: counts, diagnostics, summary.
    Json,
    /// A SARIF 2.1.0 log of the diagnostics on stdout.
    Sarif,
}

/// The value of `format` in `labelc check --format json`.
pub const FORMAT: &str = "labelc.check/v1";

/// `labelc check --format json`: the diagnostics and the summary.
#[derive(Serialize, schemars::JsonSchema)]
pub struct JsonReport<'a> {
    /// Always `labelc.check/v1`.
    pub format: &'static str,
    pub errors: usize,
    pub warnings: usize,
    /// Sorted by file and position.
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
    pub summary: &'a Summary,
}

/// The JSON Schema of [`JsonReport`], as `labelc schema check` prints it.
pub fn json_schema() -> serde_json::Value {
    super::schema::generate::<JsonReport<'_>>()
}

pub fn run(args: &Args) -> Exit {
    let (sources, early) = match load(&args.paths) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    let outcome = check_sources(&sources, early);
    let written = match args.format {
        CheckFormat::Human => {
            // The summary first, the diagnostics last: on a terminal a long
            // pending list must not push the errors off the screen.
            let written = if args.quiet {
                Ok(())
            } else {
                print_out(&human_summary(&outcome, sources.len()))
            };
            print_err(&render_human(
                &outcome.diagnostics,
                &sources,
                color_stderr(),
                100,
            ));
            if !args.quiet && !outcome.diagnostics.is_empty() {
                print_err(&counts(&outcome));
            }
            written
        }
        CheckFormat::Sarif => {
            let log = crate::sarif::report(&outcome.diagnostics, &sources);
            match serde_json::to_string_pretty(&log) {
                Ok(json) => print_out(&(json + "\n")),
                Err(e) => return usage_error(&format!("cannot write SARIF: {e}")),
            }
        }
        CheckFormat::Json => {
            let report = JsonReport {
                format: FORMAT,
                errors: outcome.error_count(),
                warnings: outcome.warning_count(),
                diagnostics: to_json(&outcome.diagnostics, &sources),
                summary: &outcome.summary,
            };
            match serde_json::to_string_pretty(&report) {
                Ok(json) => print_out(&(json + "\n")),
                Err(e) => return usage_error(&format!("cannot write JSON: {e}")),
            }
        }
    };
    if let Err(exit) = written {
        return exit;
    }
    if outcome.error_count() > 0 || (args.deny_warnings && outcome.warning_count() > 0) {
        Exit::Failure
    } else {
        Exit::Success
    }
}

use crate::text::count as plural;

/// `2 errors, 1 warning`: the line that closes the human output.
fn counts(outcome: &CheckOutcome) -> String {
    format!(
        "{}, {}\n",
        plural(outcome.error_count(), "error", "errors"),
        plural(outcome.warning_count(), "warning", "warnings")
    )
}

/// `12 official (10 unstated), 1 secondary, 3 inferred`: zero counts left out.
fn basis_counts(count: &crate::check::BasisCount) -> String {
    let mut parts = vec![format!(
        "{} official ({} unstated)",
        count.official, count.unstated
    )];
    for (n, word) in [
        (count.secondary, "secondary"),
        (count.reported, "reported"),
        (count.inferred, "inferred"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    parts.join(", ")
}

/// The summary for a person.
pub fn human_summary(outcome: &CheckOutcome, files: usize) -> String {
    let s = &outcome.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "checked {}: {}, {}, {}",
        plural(files, "file", "files"),
        plural(s.schemes.len(), "scheme version", "scheme versions"),
        plural(s.facts, "fact", "facts"),
        plural(s.recognitions, "recognition", "recognitions"),
    );
    if s.tests > 0 {
        // Appended to the line above, which ends with its newline.
        out.pop();
        let _ = writeln!(out, ", {}", plural(s.tests, "test", "tests"));
    }
    let _ = writeln!(out, "  rules by basis: {}", basis_counts(&s.basis));
    for scheme in &s.schemes {
        let _ = writeln!(
            out,
            "  {}{}{}: {}, {}",
            scheme.scheme,
            scheme
                .title
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            scheme
                .nature
                .map(|n| format!(", {n}"))
                .unwrap_or_else(|| ", nature not stated".to_string()),
            plural(scheme.categories, "category", "categories"),
            plural(scheme.criteria, "criterion", "criteria"),
        );
        if scheme.basis.below_official() > 0 {
            let _ = writeln!(out, "    rules by basis: {}", basis_counts(&scheme.basis));
        }
        for level in &scheme.levels {
            let groups = if level.at_least_groups > 0 {
                format!(
                    " + {}",
                    plural(level.at_least_groups, "at_least group", "at_least groups")
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    level {}{}: {}{groups}",
                level.rank,
                level
                    .title
                    .as_deref()
                    .map(|t| format!(" {t}"))
                    .unwrap_or_default(),
                plural(level.criteria, "criterion", "criteria"),
            );
        }
    }
    if let Some(c) = &s.recognitions_checked
        && s.recognitions > 0
    {
        let _ = writeln!(
            out,
            "recognitions checked against the conditions: {} verified, {} refuted, {} unverifiable",
            c.verified, c.refuted, c.unverifiable
        );
    }
    if !s.pending.is_empty() {
        let _ = writeln!(out, "pending ({}):", s.pending.len());
        for p in &s.pending {
            let _ = writeln!(
                out,
                "  {} {} `{}`: {} ({}:{})",
                p.scheme, p.kind, p.id, p.reason, p.file, p.line
            );
        }
    }
    out.push_str(&counts(outcome));
    out
}
