//! `labelc test`: the `test` items of a compilation, run against its rule
//! set, and the coverage they reach.
//!
//! A test is lowered (after checking) into a [`TestCase`]: a product in the
//! JSON form `labelc eval` reads, the scheme version, the date, and the
//! expectations. Running it is evaluating that product with every criterion
//! reported, then comparing.

mod report;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::ast::{ExpectKind, Expected, HeldKind, TestValue, ValueKind};
use crate::eval::{CategoryField, Outcome, Product, RecordSeed, Verdict, render_explanation};
use crate::resolve::Model;
use crate::rules::{Location, RuleSet};
use crate::source::SourceMap;
use crate::span::Span;

pub use report::{FORMAT, TestReport, json_schema, render_coverage, render_human, to_json};

/// One `test` item, ready to run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TestCase {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `id@version` of the scheme version judged against.
    pub scheme: String,
    pub category: String,
    #[serde(serialize_with = "display")]
    pub as_of: Date,
    pub holds: Vec<String>,
    pub facts: serde_json::Map<String, serde_json::Value>,
    pub expects: Vec<Expectation>,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expectation {
    #[serde(flatten)]
    pub kind: ExpectationKind,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "expect", rename_all = "snake_case")]
pub enum ExpectationKind {
    /// The level reached (`None`: none).
    Level { level: Option<i64> },
    /// The highest level still reachable (`None`: none).
    Reachable { level: Option<i64> },
    /// The outcome of one criterion.
    Criterion { id: String, outcome: Expected },
}

impl ExpectationKind {
    /// How the expectation reads in a report: `level 1`, `criterion X pass`.
    pub fn describe(&self) -> String {
        let level = |l: &Option<i64>| l.map_or("none".to_string(), |l| l.to_string());
        match self {
            ExpectationKind::Level { level: l } => format!("level {}", level(l)),
            ExpectationKind::Reachable { level: l } => format!("reachable {}", level(l)),
            ExpectationKind::Criterion { id, outcome } => {
                format!("criterion {id} {}", outcome.word())
            }
        }
    }
}

impl Serialize for Expected {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.word())
    }
}

fn display<T: std::fmt::Display, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Lowers every test of a checked model (one without errors), in id order.
pub fn lower(model: &Model<'_>, sources: &SourceMap) -> Vec<TestCase> {
    let location = |span: Span| {
        let file = sources.get(span.file);
        let (line, column) = file.map_or((0, 0), |f| f.line_column(span.start as usize));
        Location {
            file: file.map(|f| f.name.clone()).unwrap_or_default(),
            line,
            column,
        }
    };
    let source_text = |span: Span| {
        sources
            .get(span.file)
            .and_then(|f| f.text.get(span.range()))
            .unwrap_or("")
            .to_string()
    };
    let mut cases = Vec::new();
    for resolved in model.tests.values() {
        let test = resolved.test;
        let (Some((id, version)), Some(category), Some(as_of)) = (
            &resolved.scheme,
            &test.category,
            test.as_of.and_then(|d| d.value),
        ) else {
            continue;
        };
        let mut facts = serde_json::Map::new();
        for given in test.facts.iter().flatten() {
            let value = match &given.value {
                TestValue::One(value) => json_value(&value.kind, &source_text(value.span)),
                TestValue::List(values, _) => serde_json::Value::Array(
                    values
                        .iter()
                        .map(|v| json_value(&v.kind, &source_text(v.span)))
                        .collect(),
                ),
            };
            facts.insert(given.fact.name.clone(), value);
        }
        let expects = test
            .expects
            .iter()
            .map(|expect| Expectation {
                kind: match &expect.kind {
                    ExpectKind::Level(rank) => ExpectationKind::Level {
                        level: rank.and_then(|r| r.value),
                    },
                    ExpectKind::Reachable(rank) => ExpectationKind::Reachable {
                        level: rank.and_then(|r| r.value),
                    },
                    ExpectKind::Criterion(id, outcome) => ExpectationKind::Criterion {
                        id: id.name.clone(),
                        outcome: outcome.value,
                    },
                },
                location: location(expect.span),
            })
            .collect();
        cases.push(TestCase {
            id: test.id.name.clone(),
            title: test.title.as_ref().map(|t| t.value.clone()),
            scheme: format!("{id}@{version}"),
            category: category.name.clone(),
            as_of,
            holds: test
                .holds
                .iter()
                .map(|h| {
                    let mark = match h.kind {
                        HeldKind::Level => ':',
                        HeldKind::Criterion => '#',
                    };
                    format!("{}{mark}{}", h.scheme.display(), h.target.name)
                })
                .collect(),
            facts,
            expects,
            location: location(test.id.span),
        });
    }
    cases
}

fn json_value(kind: &ValueKind, text: &str) -> serde_json::Value {
    match kind {
        ValueKind::Bool(b) => serde_json::Value::Bool(*b),
        ValueKind::Int(i) => i.map_or(serde_json::Value::Null, serde_json::Value::from),
        ValueKind::Decimal(_) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        ValueKind::String(s) | ValueKind::Variant(s) => serde_json::Value::String(s.clone()),
        ValueKind::Date(d) => d.map_or(serde_json::Value::Null, |d| {
            serde_json::Value::String(d.to_string())
        }),
        // Rejected by the checker; never lowered.
        ValueKind::Assessment => serde_json::Value::Null,
    }
}

/// The result of one test.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct TestResult {
    pub id: String,
    pub scheme: String,
    pub location: Location,
    pub passed: bool,
    /// The expectations that did not hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// Set when the test could not be run at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the result rests on below official text, when anything does:
    /// `level 1 rests on 2 inferred criteria` (or the reachable level's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rests_on: Option<String>,
    /// What the product got: level, reachable, and each criterion's outcome.
    #[serde(skip)]
    pub seen: Option<Seen>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Failure {
    pub expected: String,
    pub actual: String,
    pub location: Location,
    /// The evaluation that decided it, as `labelc eval --explain` prints it.
    pub explanation: String,
}

/// What one run saw, for coverage.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub level: Option<i64>,
    pub outcomes: BTreeMap<String, Verdict>,
}

/// Runs `cases` against `rules`.
pub fn run(rules: &RuleSet, cases: &[TestCase]) -> Vec<TestResult> {
    run_on(rules, cases, 1)
}

/// [`run`] on `jobs` threads; the results are in the order of `cases` all the same.
pub fn run_on(rules: &RuleSet, cases: &[TestCase], jobs: usize) -> Vec<TestResult> {
    run_each(rules, cases, jobs, &|| ())
}

/// [`run_on`], calling `done` after each test (in any order): a progress bar.
pub fn run_each(
    rules: &RuleSet,
    cases: &[TestCase],
    jobs: usize,
    done: &(dyn Fn() + Sync),
) -> Vec<TestResult> {
    crate::eval::batch::map(jobs, cases, &|case| {
        let result = run_one(rules, case);
        done();
        result
    })
}

fn run_one(rules: &RuleSet, case: &TestCase) -> TestResult {
    let mut result = TestResult {
        id: case.id.clone(),
        scheme: case.scheme.clone(),
        location: case.location.clone(),
        passed: false,
        failures: Vec::new(),
        error: None,
        rests_on: None,
        seen: None,
    };
    let outcome = match evaluate(rules, case) {
        Ok(outcome) => outcome,
        Err(message) => {
            result.error = Some(message);
            return result;
        }
    };
    let titles: BTreeMap<i64, String> = rules
        .schemes
        .iter()
        .find(|s| s.key() == case.scheme)
        .map(|s| {
            s.levels
                .iter()
                .filter_map(|l| Some((l.rank, l.title.clone()?)))
                .collect()
        })
        .unwrap_or_default();
    let criteria = outcome.criteria.as_deref().unwrap_or_default();
    let level_name = |l: Option<i64>| l.map_or("none".to_string(), |l| l.to_string());
    for expect in &case.expects {
        let failure = match &expect.kind {
            ExpectationKind::Level { level } if *level != outcome.level => Some((
                level_name(outcome.level),
                render_explanation(&outcome, &titles),
            )),
            ExpectationKind::Reachable { level } if *level != outcome.reachable => Some((
                level_name(outcome.reachable),
                render_explanation(&outcome, &titles),
            )),
            ExpectationKind::Criterion { id, outcome: want } => {
                match criteria.iter().find(|c| c.id == id) {
                    Some(c) if verdict(*want) == c.outcome => None,
                    Some(c) => Some((keyword(c.outcome).to_string(), criterion_explanation(c))),
                    None => Some((
                        "not judged".to_string(),
                        format!("    {id} is not a criterion of {}\n", case.scheme),
                    )),
                }
            }
            _ => None,
        };
        if let Some((actual, explanation)) = failure {
            result.failures.push(Failure {
                expected: expect.kind.describe(),
                actual,
                location: expect.location.clone(),
                explanation,
            });
        }
    }
    result.passed = result.failures.is_empty();
    result.rests_on = match (&outcome.level_rests_on, &outcome.reachable_rests_on) {
        (Some(rests), _) => Some(format!(
            "level {} {}",
            level_name(outcome.level),
            rests.phrase()
        )),
        (None, Some(rests)) => Some(format!(
            "reachable {} {}",
            level_name(outcome.reachable),
            rests.phrase()
        )),
        (None, None) => None,
    };
    result.seen = Some(Seen {
        level: outcome.level,
        outcomes: criteria
            .iter()
            .map(|c| (c.id.to_string(), c.outcome))
            .collect(),
    });
    result
}

fn verdict(expected: Expected) -> Verdict {
    match expected {
        Expected::Pass => Verdict::Pass,
        Expected::Fail => Verdict::Fail,
        Expected::Unknown => Verdict::Unknown,
        Expected::Credited => Verdict::Credited,
        Expected::NotApplicable => Verdict::NotApplicable,
    }
}

/// An outcome as a test writes it.
fn keyword(outcome: Verdict) -> &'static str {
    match outcome {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Unknown => "unknown",
        Verdict::Credited => "credited",
        Verdict::NotApplicable => "not_applicable",
    }
}

fn evaluate<'r>(rules: &'r RuleSet, case: &TestCase) -> Result<Outcome<'r>, String> {
    let index = rules
        .schemes
        .iter()
        .position(|s| s.key() == case.scheme)
        .ok_or_else(|| format!("the rule set has no scheme `{}`", case.scheme))?;
    let program = crate::eval::Program::new(rules, index, case.as_of).map_err(|e| e.to_string())?;
    let product = Product {
        id: case.id.clone(),
        category: CategoryField::One(case.category.clone()),
        holds: case.holds.clone(),
        facts: case.facts.clone(),
    };
    let value = serde_json::to_value(&product).map_err(|e| e.to_string())?;
    let record = serde::de::DeserializeSeed::deserialize(RecordSeed { program: &program }, &value)
        .map_err(|e| e.to_string())?;
    program.judge_with(&record, true).map_err(|e| e.to_string())
}

fn criterion_explanation(c: &crate::eval::CriterionResult<'_>) -> String {
    let mark = match c.outcome {
        Verdict::Fail => "✗",
        Verdict::Unknown => "?",
        _ => "✓",
    };
    let mut out = String::new();
    crate::eval::criterion_lines(&mut out, mark, c);
    out
}

/// Coverage of one scheme version by the tests that ran against it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Coverage {
    pub scheme: String,
    pub tests: usize,
    pub criteria: Vec<CriterionCoverage>,
    pub levels: Vec<LevelCoverage>,
    /// Criteria seen both met (pass or credited) and not met (fail or unknown).
    pub covered: usize,
    pub percent: f64,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CriterionCoverage {
    pub id: String,
    /// Some test saw it pass (or credited).
    pub met: bool,
    /// Some test saw it fail or stay unknown.
    pub not_met: bool,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LevelCoverage {
    pub rank: i64,
    /// Some test's product reached exactly this level.
    pub reached: bool,
}

/// Coverage per scheme version of the rule set, in rule set order, and the
/// percentage over every criterion of every scheme version.
pub fn coverage(rules: &RuleSet, results: &[TestResult]) -> (Vec<Coverage>, f64) {
    let mut table = Vec::new();
    let (mut covered_all, mut total_all) = (0usize, 0usize);
    for scheme in &rules.schemes {
        let key = scheme.key();
        let runs: Vec<&Seen> = results
            .iter()
            .filter(|r| r.scheme == key)
            .filter_map(|r| r.seen.as_ref())
            .collect();
        let criteria: Vec<CriterionCoverage> = scheme
            .criteria
            .iter()
            .map(|c| {
                let seen = runs.iter().filter_map(|s| s.outcomes.get(&c.id));
                let (mut met, mut not_met) = (false, false);
                for outcome in seen {
                    match outcome {
                        Verdict::Pass | Verdict::Credited => met = true,
                        Verdict::Fail | Verdict::Unknown => not_met = true,
                        Verdict::NotApplicable => {}
                    }
                }
                CriterionCoverage {
                    id: c.id.clone(),
                    met,
                    not_met,
                }
            })
            .collect();
        let levels = scheme
            .levels
            .iter()
            .map(|l| LevelCoverage {
                rank: l.rank,
                reached: runs.iter().any(|s| s.level == Some(l.rank)),
            })
            .collect();
        let covered = criteria.iter().filter(|c| c.met && c.not_met).count();
        covered_all += covered;
        total_all += criteria.len();
        table.push(Coverage {
            scheme: key,
            tests: runs.len(),
            percent: percent(covered, criteria.len()),
            criteria,
            levels,
            covered,
        });
    }
    (table, percent(covered_all, total_all))
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    // One decimal, so that the figure printed is the figure compared.
    let exact = part as f64 * 100.0 / whole as f64;
    (exact * 10.0).floor() / 10.0
}

/// Keeps the tests whose id or title contains `filter`.
pub fn filter(cases: Vec<TestCase>, filter: Option<&str>) -> Vec<TestCase> {
    match filter {
        None => cases,
        Some(text) => cases
            .into_iter()
            .filter(|c| c.id.contains(text) || c.title.as_deref().is_some_and(|t| t.contains(text)))
            .collect(),
    }
}
