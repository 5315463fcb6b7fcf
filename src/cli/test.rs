//! `labelc test PATH... [--filter TEXT] [--format human|json] [--coverage] [--min-coverage PCT]`.

use std::path::PathBuf;

use super::{Exit, Format, color_stderr, load, usage_error};
use crate::diag::render_human as render_diagnostics;
use crate::suite;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Tests are `test` items in the policy files (docs/language.md, section \"Tests\"); they are
checked like every other item before any runs.

Exit status:
  0  every test passed (and coverage is at least --min-coverage)
  1  a test failed, coverage is below --min-coverage, or the policies have errors
  2  usage error or I/O failure")]
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
    eprint!(
        "{}",
        render_diagnostics(&outcome.diagnostics, &sources, color_stderr(), 100)
    );
    let Some((rules, cases)) = lowered else {
        eprintln!(
            "error: {} error(s) in the policies; no test was run",
            outcome.error_count()
        );
        return Exit::Failure;
    };
    let cases = suite::filter(cases, args.filter.as_deref());
    let results = suite::run(&rules, &cases);
    let (table, overall) = suite::coverage(&rules, &results);
    let all_passed = results.iter().all(|r| r.passed);
    let coverage_ok = args.min_coverage.is_none_or(|min| overall >= min);
    match args.format {
        Format::Human => {
            print!("{}", suite::render_human(&results));
            if args.coverage {
                print!("\n{}", suite::render_coverage(&table, overall));
            }
        }
        Format::Json => {
            let coverage = (args.coverage || args.min_coverage.is_some())
                .then_some((table.as_slice(), overall));
            let json = suite::to_json(&results, coverage);
            match serde_json::to_string_pretty(&json) {
                Ok(text) => println!("{text}"),
                Err(e) => return usage_error(&format!("cannot serialize the report: {e}")),
            }
        }
    }
    if !coverage_ok {
        eprintln!(
            "error: {overall:.1}% of criteria are covered both ways, below --min-coverage {}",
            args.min_coverage.unwrap_or_default()
        );
    }
    if all_passed && coverage_ok {
        Exit::Success
    } else {
        Exit::Failure
    }
}
