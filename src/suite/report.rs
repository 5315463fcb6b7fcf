//! How `labelc test` reports: one line per test, the failures with their
//! explanations, the closing count, and the coverage table.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Coverage, TestResult};

/// The report for a person: `test ID ... ok` per test, then each failure
/// with its place, the expectation, what happened and why.
pub fn render_human(results: &[TestResult]) -> String {
    let mut out = String::new();
    for result in results {
        let status = if result.passed { "ok" } else { "FAILED" };
        let rests = result
            .rests_on
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "test {} ({}) ... {status}{rests}",
            result.id, result.scheme
        );
    }
    for result in results.iter().filter(|r| !r.passed) {
        let loc = &result.location;
        let _ = writeln!(
            out,
            "\n---- {} ({}:{}:{})",
            result.id, loc.file, loc.line, loc.column
        );
        if let Some(error) = &result.error {
            let _ = writeln!(out, "  could not run: {error}");
        }
        for failure in &result.failures {
            let at = &failure.location;
            let _ = writeln!(
                out,
                "  {}:{}:{}: expected {}, got {}",
                at.file, at.line, at.column, failure.expected, failure.actual
            );
            for line in failure.explanation.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    let passed = results.iter().filter(|r| r.passed).count();
    let _ = writeln!(out, "\n{passed} passed, {} failed", results.len() - passed);
    out
}

/// The coverage table: one row per scheme version, then the criteria not
/// covered both ways and the levels no test reaches.
pub fn render_coverage(table: &[Coverage], overall: f64) -> String {
    let mut out =
        String::from("coverage (criteria seen both met and not met; levels reached exactly)\n");
    let width = table
        .iter()
        .map(|c| c.scheme.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "  {:width$}  {:>5}  {:>9}  {:>6}  levels reached",
        "scheme", "tests", "criteria", "%"
    );
    for row in table {
        let levels: Vec<String> = row
            .levels
            .iter()
            .map(|l| {
                if l.reached {
                    l.rank.to_string()
                } else {
                    format!("({})", l.rank)
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:width$}  {:>5}  {:>4}/{:<4}  {:>5.1}%  {}",
            row.scheme,
            row.tests,
            row.covered,
            row.criteria.len(),
            row.percent,
            levels.join(" ")
        );
    }
    let _ = writeln!(out, "  levels in parentheses are reached by no test");
    for row in table.iter().filter(|r| r.tests > 0) {
        let missing: Vec<String> = row
            .criteria
            .iter()
            .filter(|c| !(c.met && c.not_met))
            .map(|c| match (c.met, c.not_met) {
                (true, false) => format!("{} (never not met)", c.id),
                (false, true) => format!("{} (never met)", c.id),
                _ => format!("{} (never judged)", c.id),
            })
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(out, "  {} not covered: {}", row.scheme, missing.join(", "));
        }
    }
    let _ = writeln!(out, "total: {overall:.1}% of criteria covered both ways");
    out
}

/// The value of `format` in `labelc test --format json`.
pub const FORMAT: &str = "labelc.test/v1";

/// `labelc test --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct TestReport<'a> {
    /// Always `labelc.test/v1`.
    pub format: &'static str,
    pub passed: usize,
    pub failed: usize,
    pub tests: &'a [TestResult],
    /// With `--coverage` or `--min-coverage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageReport<'a>>,
}

/// Coverage of every scheme version, and over all of them.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CoverageReport<'a> {
    pub percent: f64,
    pub schemes: &'a [Coverage],
}

/// The JSON report (`labelc.test/v1`).
pub fn to_json(results: &[TestResult], coverage: Option<(&[Coverage], f64)>) -> serde_json::Value {
    let passed = results.iter().filter(|r| r.passed).count();
    let report = TestReport {
        format: FORMAT,
        passed,
        failed: results.len() - passed,
        tests: results,
        coverage: coverage.map(|(schemes, percent)| CoverageReport { percent, schemes }),
    };
    serde_json::to_value(&report).unwrap_or(serde_json::Value::Null)
}

/// The JSON Schema of [`TestReport`], as `labelc schema test` prints it.
pub fn json_schema() -> serde_json::Value {
    crate::cli::schema::generate::<TestReport<'_>>()
}
