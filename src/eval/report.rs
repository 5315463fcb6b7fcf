//! What evaluation says about a product: serde types for `--format json`,
//! and the short report `--explain` prints for a person.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;

/// Kleene's three truth values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    False,
    Unknown,
    True,
}

impl Truth {
    pub fn and(self, other: Truth) -> Truth {
        self.min(other)
    }
    pub fn or(self, other: Truth) -> Truth {
        self.max(other)
    }
    #[expect(
        clippy::should_implement_trait,
        reason = "Kleene negation reads best as a method"
    )]
    pub fn not(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
        }
    }
    pub fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
}

/// How a criterion ends for a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Unknown,
    Credited,
    NotApplicable,
}

impl Verdict {
    /// Whether the criterion counts as met for a level.
    pub fn met(self) -> bool {
        matches!(
            self,
            Verdict::Pass | Verdict::Credited | Verdict::NotApplicable
        )
    }
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Unknown => "unknown",
            Verdict::Credited => "credited",
            Verdict::NotApplicable => "not applicable",
        }
    }
}

/// A sub-expression that decided a criterion, with the fact values it read.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Leaf {
    pub expr: String,
    pub value: Truth,
    /// Fact name → the product's value (`null` when the product does not give it).
    pub facts: BTreeMap<String, serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct CriterionResult {
    pub id: String,
    pub title: String,
    pub outcome: Verdict,
    /// Why, when it is not decided by the condition: pending, not applicable, credited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The recognitions that credit it fully.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credited_by: Vec<String>,
    /// Recognitions held that credit it partially (it is still evaluated).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partially_credited_by: Vec<String>,
    /// For fail and unknown: the sub-expressions that decided it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decided_by: Vec<Leaf>,
}

/// An at-least-k-of-n group the next level does not meet yet.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct GroupResult {
    pub k: i64,
    pub of: Vec<String>,
    pub met: usize,
    pub unknown: usize,
}

/// The lowest level the product does not reach, and what stands in the way.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct NextLevel {
    pub rank: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub failing: Vec<CriterionResult>,
    pub unknown: Vec<CriterionResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupResult>,
}

/// The result for one product.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Outcome {
    /// The input line (JSON Lines input only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub id: String,
    /// `id@version` of the scheme judged against.
    pub scheme: String,
    pub as_of: String,
    pub category: String,
    /// Whether the category is in scope on `as_of` (its effective date, and its parents', has come).
    pub in_scope: bool,
    /// The highest level reached (every level up to it met); `null` for none.
    pub level: Option<i64>,
    /// The highest level still reachable if every unknown criterion passed.
    pub reachable: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<NextLevel>,
    /// Every criterion judged (with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<CriterionResult>>,
}

fn level_name(rank: Option<i64>, titles: &BTreeMap<i64, String>) -> String {
    match rank {
        None => "none".to_string(),
        Some(r) => match titles.get(&r) {
            Some(t) => format!("{r} ({t})"),
            None => r.to_string(),
        },
    }
}

fn leaf_line(out: &mut String, leaf: &Leaf) {
    let facts: Vec<String> = leaf
        .facts
        .iter()
        .map(|(k, v)| {
            if v.is_null() {
                format!("{k} is not given")
            } else {
                format!("{k} = {v}")
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "        `{}` is {} ({})",
        leaf.expr,
        match leaf.value {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown => "unknown",
        },
        facts.join(", ")
    );
}

fn criterion_lines(out: &mut String, mark: &str, c: &CriterionResult) {
    let _ = writeln!(out, "    {mark} {} {}: {}", c.id, c.outcome.word(), c.title);
    if let Some(reason) = &c.reason {
        let _ = writeln!(out, "        {reason}");
    }
    for leaf in &c.decided_by {
        leaf_line(out, leaf);
    }
}

/// A short report for a person: level reached, reachable, and what the next level lacks.
pub fn render_explanation(outcome: &Outcome, titles: &BTreeMap<i64, String>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) against {} as of {}{}",
        outcome.id,
        outcome.category,
        outcome.scheme,
        outcome.as_of,
        if outcome.in_scope {
            ""
        } else {
            " — category not yet in scope"
        }
    );
    let _ = writeln!(
        out,
        "  level reached: {}",
        level_name(outcome.level, titles)
    );
    let _ = writeln!(
        out,
        "  reachable with the missing evidence: {}",
        level_name(outcome.reachable, titles)
    );
    match &outcome.next {
        None => {
            let _ = writeln!(out, "  every level is met");
        }
        Some(next) => {
            let _ = writeln!(out, "  for level {}:", level_name(Some(next.rank), titles));
            for c in &next.failing {
                criterion_lines(&mut out, "✗", c);
            }
            for c in &next.unknown {
                criterion_lines(&mut out, "?", c);
            }
            for g in &next.groups {
                let _ = writeln!(
                    out,
                    "    at least {} of ({}): {} met, {} unknown",
                    g.k,
                    g.of.join(", "),
                    g.met,
                    g.unknown
                );
            }
        }
    }
    if let Some(criteria) = &outcome.criteria {
        let credited: Vec<&CriterionResult> = criteria
            .iter()
            .filter(|c| c.outcome == Verdict::Credited)
            .collect();
        for c in credited {
            let _ = writeln!(out, "  credited: {} by {}", c.id, c.credited_by.join(", "));
        }
    }
    out
}
