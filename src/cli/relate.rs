//! `labelc relate PATH... --left X --right Y [--as-of D] [--format human|json]`:
//! the STRM relationship that holds between two criteria or levels, with a
//! witness product for each direction that fails (see docs/analysis.md).

use std::path::PathBuf;

use serde::Serialize;

use super::eval::load_rules;
use super::{Exit, Format, assessment_date, input_error, print_out};
use crate::analysis::{AnalysisError, Analyzer, Implication, Relation, Target};
use crate::rules::Relationship;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories, or one compiled rule set (`*.json`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// A criterion `SCHEME#ID` or a level `SCHEME:N` (reaching rank N), either
    /// with `@VERSION` after the scheme (unpinned: the version in force on the date).
    #[arg(long, value_name = "SCHEME#ID|SCHEME:N")]
    pub left: String,
    /// The other side, in the same notation.
    #[arg(long, value_name = "SCHEME#ID|SCHEME:N")]
    pub right: String,
    /// The assessment date (YYYY-MM-DD); today (UTC) when omitted.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The value of `format` in `labelc relate --format json`.
pub const FORMAT: &str = "labelc.relate/v1";

/// `labelc relate --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct RelateReport {
    /// Always `labelc.relate/v1`.
    pub format: &'static str,
    /// The assessment date.
    pub as_of: String,
    /// The left side, version pinned: `SCHEME@VERSION#ID` or `SCHEME@VERSION:N`.
    pub left: String,
    pub right: String,
    /// The relationship that holds, named as recognitions name it.
    pub relationship: Relationship,
    /// Whether every product passing the left side passes the right side.
    pub left_implies_right: Direction,
    /// Whether every product passing the right side passes the left side.
    pub right_implies_left: Direction,
    /// A product passing both sides; `null` when none does.
    pub both: Option<serde_json::Value>,
    /// Whether some product passes the left side on the date.
    pub left_can_pass: bool,
    pub right_can_pass: bool,
}

/// One direction of the question.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Direction {
    pub holds: bool,
    /// When it does not hold: a product (one `labelc eval` input line)
    /// passing the one side and not the other, as eval judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<serde_json::Value>,
}

impl Direction {
    fn of(implication: &Implication) -> Direction {
        Direction {
            holds: implication.holds(),
            witness: implication.witness().cloned(),
        }
    }
}

/// The JSON Schema of [`RelateReport`], as `labelc schema relate` prints it.
pub fn json_schema() -> serde_json::Value {
    super::schema::generate::<RelateReport>()
}

fn failed(e: &AnalysisError) -> Exit {
    match e {
        AnalysisError::Target {
            message,
            help: Some(help),
        } => input_error(&format!("{message}\n  help: {help}")),
        _ => input_error(&e.to_string()),
    }
}

fn direction(from: &str, to: &str, implication: &Implication) -> String {
    match implication {
        Implication::Holds => format!("  every product passing {from} passes {to}\n"),
        Implication::Fails { witness } => format!(
            "  not every product passing {from} passes {to}; this one does not:\n    {}\n",
            witness
        ),
    }
}

fn human(left: &str, right: &str, as_of: &str, relation: &Relation) -> String {
    let relationship = serde_json::to_value(relation.relationship)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut out = format!("{left} {relationship} {right} (as of {as_of})\n");
    for (name, can) in [
        (left, relation.left_can_pass),
        (right, relation.right_can_pass),
    ] {
        if !can {
            out.push_str(&format!(
                "  no product passes {name} on this date (see `labelc eval --explain`)\n"
            ));
        }
    }
    out.push_str(&direction(left, right, &relation.left_implies_right));
    out.push_str(&direction(right, left, &relation.right_implies_left));
    match &relation.both {
        Some(p) => out.push_str(&format!("  a product passing both:\n    {p}\n")),
        None => out.push_str("  no product passes both\n"),
    }
    out
}

pub fn run(args: &Args) -> Exit {
    let as_of = match assessment_date(args.as_of.as_deref()) {
        Ok(d) => d,
        Err(exit) => return exit,
    };
    let rules = match load_rules(&args.paths) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let (left, right) = match (
        Target::parse(&args.left, &rules, as_of),
        Target::parse(&args.right, &rules, as_of),
    ) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return failed(&e),
    };
    let mut analyzer = Analyzer::new(&rules, as_of);
    let relation = match analyzer.relate(&left, &right) {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    let (left_name, right_name) = (analyzer.name(&left), analyzer.name(&right));
    let text = match args.format {
        Format::Human => human(&left_name, &right_name, &as_of.to_string(), &relation),
        Format::Json => {
            let report = RelateReport {
                format: FORMAT,
                as_of: as_of.to_string(),
                left: left_name,
                right: right_name,
                relationship: relation.relationship,
                left_implies_right: Direction::of(&relation.left_implies_right),
                right_implies_left: Direction::of(&relation.right_implies_left),
                both: relation.both.clone(),
                left_can_pass: relation.left_can_pass,
                right_can_pass: relation.right_can_pass,
            };
            match serde_json::to_string(&report) {
                Ok(json) => json + "\n",
                Err(e) => return input_error(&format!("cannot write JSON: {e}")),
            }
        }
    };
    match print_out(&text) {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}
