//! `labelc test PATH... [--filter TEXT] [--format human|json] [--coverage] [--min-coverage PCT]`.

use std::path::PathBuf;

use super::{Exit, Format, color_stderr, input_error, load, print_err, print_out, usage_error};
use crate::diag::render::render_human as render_diagnostics;
use crate::suite;

#[derive(Debug, clap::Args)]
#[command(after_help = concat!("\
Tests are `test` items in the policy files (docs/language.md, section \"Tests\"); they are
checked like every other item before any runs.

", super::exit_codes!()))]
pub struct Args {
    /// Policy files or directories (every `*.policy` below them); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Run only the tests whose id or title contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Output format: a report for a person, or one JSON document (`labelc.test/v1`).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Print the coverage table: per scheme version, the criteria some test saw
    /// both met and not met, and the levels some test reached exactly.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when less than PCT percent of all criteria are covered both ways.
    #[arg(long, value_name = "PCT")]
    pub min_coverage: Option<f64>,
    /// Run the tests on N threads (default: the cores available); the report
    /// is the same, in the same order, whatever N.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
}

pub fn run(args: &Args) -> Exit {
    if let Some(min) = args.min_coverage
        && !(0.0..=100.0).contains(&min)
    {
        return usage_error(&format!(
            "`--min-coverage {min}` is not a percentage (0 to 100)"
        ));
    }
    let (sources, early) = match load(&args.paths) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    let (outcome, lowered) = crate::test_sources(&sources, early);
    print_err(&render_diagnostics(
        &outcome.diagnostics,
        &sources,
        color_stderr(),
        100,
    ));
    let Some((rules, cases)) = lowered else {
        return input_error(&format!(
            "{} in the policies; no test was run",
            crate::text::count(outcome.error_count(), "error", "errors")
        ));
    };
    let cases = suite::filter(cases, args.filter.as_deref());
    let progress = super::progress::Counter::new("test", cases.len(), "tests");
    let jobs = crate::eval::batch::jobs(args.jobs);
    let results = suite::run_each(&rules, &cases, jobs, &|| progress.inc());
    let (table, overall) = suite::coverage(&rules, &results);
    let all_passed = results.iter().all(|r| r.passed);
    let coverage_ok = args.min_coverage.is_none_or(|min| overall >= min);
    let mut report = String::new();
    match args.format {
        Format::Human => {
            report.push_str(&suite::render_human(&results));
            if args.coverage {
                report.push('\n');
                report.push_str(&suite::render_coverage(&table, overall));
            }
        }
        Format::Json => {
            let coverage = (args.coverage || args.min_coverage.is_some())
                .then_some((table.as_slice(), overall));
            let json = suite::to_json(&results, coverage);
            match serde_json::to_string_pretty(&json) {
                Ok(text) => report = text + "\n",
                Err(e) => return usage_error(&format!("cannot serialize the report: {e}")),
            }
        }
    }
    if let Err(exit) = print_out(&report) {
        return exit;
    }
    if !coverage_ok {
        print_err(&format!(
            "error: {overall:.1}% of criteria are covered both ways, below --min-coverage {}\n",
            args.min_coverage.unwrap_or_default()
        ));
    }
    if all_passed && coverage_ok {
        Exit::Success
    } else {
        Exit::Failure
    }
}
