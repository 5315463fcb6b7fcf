//! What evaluation says about a product: serde types for `--format json`,
//! and the short report `--explain` prints for a person.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Serialize, Serializer};

/// `id@version`, written without building a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemeName<'r> {
    pub id: &'r str,
    pub version: &'r str,
    /// The scheme version's `effective` date (not written: it serves the
    /// human explanation of why a product is not in scope yet).
    pub effective: Option<&'r str>,
}

impl std::fmt::Display for SchemeName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}

impl Serialize for SchemeName<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

fn display<T: std::fmt::Display, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// The value of `format` on every line of `eval --format json`.
pub const FORMAT: &str = "labelc.eval/v1";

/// The `format` member of an eval JSON line: always [`FORMAT`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvalFormat;

impl Serialize for EvalFormat {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(FORMAT)
    }
}

impl schemars::JsonSchema for EvalFormat {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EvalFormat".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Always `labelc.eval/v1`.",
            "type": "string",
            "const": FORMAT,
        })
    }
}

/// One line of `eval --format json` (JSON Lines): a product's result, or
/// why the product on that input line could not be judged.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum EvalLine<'r> {
    Result(Box<Outcome<'r>>),
    Error(LineError<'r>),
}

/// A product that could not be judged, in place of its result.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LineError<'a> {
    pub format: EvalFormat,
    /// The input line (1 for a single JSON document).
    pub line: usize,
    /// The product's `id`, when the line has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// The error's stable code, e.g. `labelc::eval::unknown_category`
    /// (docs/language.md, "Runtime errors").
    pub code: &'a str,
    pub error: &'a str,
}

/// The JSON Schema of one [`EvalLine`], as `labelc schema eval` prints it.
pub fn json_schema() -> serde_json::Value {
    crate::cli::schema::generate::<EvalLine<'_>>()
}

/// Kleene's three truth values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Leaf<'r> {
    pub expr: &'r str,
    pub value: Truth,
    /// Fact name → the product's value (`null` when the product does not give it).
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub facts: LeafFacts<'r>,
}

/// The facts a leaf read (one, for every predicate of the language), written
/// as a JSON object from name to value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LeafFacts<'r>(pub Option<(&'r str, serde_json::Value)>);

impl LeafFacts<'_> {
    /// The value of fact `name`, if the leaf read it.
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.as_ref().filter(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.0.iter().map(|(n, v)| (*n, v))
    }
}

impl Serialize for LeafFacts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(usize::from(self.0.is_some())))?;
        if let Some((name, value)) = &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CriterionResult<'r> {
    pub id: &'r str,
    pub title: &'r str,
    pub outcome: Verdict,
    /// Why, when it is not decided by the condition: pending, not applicable, credited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The recognitions that credit it fully.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credited_by: Vec<&'r str>,
    /// Recognitions held that credit it partially: only on a criterion judged
    /// on its condition (pass, fail, unknown), which it still is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partially_credited_by: Vec<&'r str>,
    /// For fail and unknown: the sub-expressions that decided it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decided_by: Vec<Leaf<'r>>,
}

/// An at-least-k-of-n group the next level does not meet yet.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GroupResult<'r> {
    pub k: i64,
    pub of: Vec<&'r str>,
    pub met: usize,
    pub unknown: usize,
    /// Members not applicable to the product on the assessment date: they
    /// count towards nothing, so fewer than `k` applicable members leave the
    /// group unmet.
    #[serde(skip_serializing_if = "is_zero")]
    pub not_applicable: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The lowest level the product does not reach, and what stands in the way.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NextLevel<'r> {
    pub rank: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'r str>,
    /// Why the level does not apply to the product on the assessment date:
    /// none of the criteria it adds to the level below is applicable (not in
    /// force yet, no longer in force, or not for this category). Such a level
    /// is not met and not reachable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub does_not_apply: Option<String>,
    pub failing: Vec<CriterionResult<'r>>,
    pub unknown: Vec<CriterionResult<'r>>,
    /// The unknown criteria that are pending with no condition: no fact can
    /// meet them (only a recognition can credit them), so no product reaches
    /// the level until their text is encoded (`reachable` still counts them
    /// as missing evidence).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<&'r str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupResult<'r>>,
}

/// What a level result rests on below the official text: the criteria that
/// count for it (passed or credited; for the reachable level, unknown too)
/// whose own basis or place in the level is secondary, reported or inferred,
/// and the recognitions that credited one of its criteria while `assumed` or
/// resting on less than official text. Empty lists are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RestsOn<'r> {
    /// Criterion ids resting on one secondary source.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secondary: Vec<&'r str>,
    /// Criterion ids resting on a report not seen in a text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reported: Vec<&'r str>,
    /// Criterion ids resting on the author's inference.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<&'r str>,
    /// Recognition ids: assumed, or resting on less than official text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumed_recognitions: Vec<&'r str>,
}

impl RestsOn<'_> {
    pub fn is_empty(&self) -> bool {
        self.secondary.is_empty()
            && self.reported.is_empty()
            && self.inferred.is_empty()
            && self.assumed_recognitions.is_empty()
    }

    /// `rests on 6 inferred criteria, 1 assumed recognition`; empty when
    /// everything rests on the official text.
    pub fn phrase(&self) -> String {
        let count = |n: usize, what: &str, one: &str, many: &str| {
            format!("{n} {what} {}", if n == 1 { one } else { many })
        };
        let mut parts = Vec::new();
        for (ids, word) in [
            (&self.inferred, "inferred"),
            (&self.reported, "reported"),
            (&self.secondary, "secondary-source"),
        ] {
            if !ids.is_empty() {
                parts.push(count(ids.len(), word, "criterion", "criteria"));
            }
        }
        if !self.assumed_recognitions.is_empty() {
            parts.push(count(
                self.assumed_recognitions.len(),
                "assumed",
                "recognition",
                "recognitions",
            ));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("rests on {}", parts.join(", "))
        }
    }

    /// Every id, for `--explain`: `inferred CAM-1, CAM-2; assumed recognition …`.
    pub fn ids(&self) -> String {
        let mut parts = Vec::new();
        for (ids, word) in [
            (&self.inferred, "inferred"),
            (&self.reported, "reported"),
            (&self.secondary, "secondary source"),
            (&self.assumed_recognitions, "assumed recognition"),
        ] {
            if !ids.is_empty() {
                parts.push(format!("{word}: {}", ids.join(", ")));
            }
        }
        parts.join("; ")
    }
}

/// The result for one product.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Outcome<'r> {
    pub format: EvalFormat,
    /// The input line (JSON Lines input only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub id: String,
    /// `id@version` of the scheme judged against.
    #[schemars(with = "String")]
    pub scheme: SchemeName<'r>,
    #[serde(serialize_with = "display")]
    #[schemars(with = "String")]
    pub as_of: jiff::civil::Date,
    /// The product's category for the scheme; `null` when its `category` object has no entry
    /// for the scheme.
    pub category: Option<&'r str>,
    /// Whether the product is in scope on `as_of`: it names a category for the scheme, the
    /// category's effective date (and its parents') has come, and it is not excluded.
    pub in_scope: bool,
    /// Why the scheme does not cover the product: the `excluded` reason of its category (or a
    /// parent's), or that it names no category for the scheme. Then no level is reached or
    /// reachable and every criterion is not applicable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<&'r str>,
    /// The highest level reached (every level up to it met); `null` for none.
    pub level: Option<i64>,
    /// What the level reached rests on below the official text (absent when
    /// nothing does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_rests_on: Option<RestsOn<'r>>,
    /// The highest level still reachable if every unknown criterion passed.
    pub reachable: Option<i64>,
    /// What the reachable level rests on below the official text (absent
    /// when nothing does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachable_rests_on: Option<RestsOn<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<NextLevel<'r>>,
    /// Every criterion judged (with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<CriterionResult<'r>>>,
}

/// Why a product that is not excluded is not in scope on the date: the
/// scheme version, or else its category (or a parent), takes effect later.
fn not_in_scope_yet(outcome: &Outcome<'_>) -> String {
    let starts = outcome
        .scheme
        .effective
        .filter(|e| crate::rules::parse_date(e).is_some_and(|d| d > outcome.as_of));
    match starts {
        Some(date) => format!(
            " — not in scope yet: `{}` takes effect on {date} (judged as if it applied)",
            outcome.scheme
        ),
        None => " — not in scope yet: the category takes effect later (judged as if it applied)"
            .to_string(),
    }
}

pub(crate) fn level_name(rank: Option<i64>, titles: &BTreeMap<i64, String>) -> String {
    match rank {
        None => "none".to_string(),
        Some(r) => match titles.get(&r) {
            Some(t) => format!("{r} ({t})"),
            None => r.to_string(),
        },
    }
}

fn leaf_line(out: &mut String, leaf: &Leaf<'_>) {
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

pub(crate) fn criterion_lines(out: &mut String, mark: &str, c: &CriterionResult<'_>) {
    let _ = writeln!(out, "    {mark} {} {}: {}", c.id, c.outcome.word(), c.title);
    if let Some(reason) = &c.reason {
        let _ = writeln!(out, "        {reason}");
    }
    if !c.partially_credited_by.is_empty() {
        let _ = writeln!(
            out,
            "        partially credited by {} (still judged on its condition)",
            c.partially_credited_by.join(", ")
        );
    }
    for leaf in &c.decided_by {
        leaf_line(out, leaf);
    }
}

/// ` — rests on 6 inferred criteria (inferred: CAM-1, …)`, or nothing.
fn rests_suffix(rests: Option<&RestsOn<'_>>) -> String {
    match rests {
        Some(r) if !r.is_empty() => format!(" — {} ({})", r.phrase(), r.ids()),
        _ => String::new(),
    }
}

/// A short report for a person: level reached, reachable, and what the next
/// level lacks. `labelc eval --explain` prints the longer
/// [`crate::report::explain()`], which goes through every level above the one
/// reached and adds the caveats.
pub fn render_explanation(outcome: &Outcome<'_>, titles: &BTreeMap<i64, String>) -> String {
    let mut out = String::new();
    if !explanation_head(&mut out, outcome, titles) {
        return out;
    }
    match &outcome.next {
        None => {
            let _ = writeln!(out, "  every level is met");
        }
        Some(next) => next_level_lines(&mut out, next, titles),
    }
    if let Some(criteria) = &outcome.criteria {
        credit_lines(&mut out, criteria);
    }
    out
}

/// The first lines of an explanation: the product, the scheme and date, the
/// level reached and the reachable level. Returns `false` when the product is
/// out of scope (then that is all there is to say).
pub(crate) fn explanation_head(
    out: &mut String,
    outcome: &Outcome<'_>,
    titles: &BTreeMap<i64, String>,
) -> bool {
    let Some(category) = outcome.category else {
        let _ = writeln!(
            out,
            "{} against {} as of {} — out of scope: {}\n  no level, no criterion applies",
            outcome.id,
            outcome.scheme,
            outcome.as_of,
            outcome.excluded.unwrap_or_default(),
        );
        return false;
    };
    if let Some(reason) = outcome.excluded {
        let _ = writeln!(
            out,
            "{} ({category}) against {} as of {} — excluded: {reason}\n  the scheme does not cover this category: no level, no criterion applies",
            outcome.id, outcome.scheme, outcome.as_of,
        );
        return false;
    }
    let _ = writeln!(
        out,
        "{} ({category}) against {} as of {}{}",
        outcome.id,
        outcome.scheme,
        outcome.as_of,
        if outcome.in_scope {
            String::new()
        } else {
            not_in_scope_yet(outcome)
        }
    );
    let _ = writeln!(
        out,
        "  level reached: {}{}",
        level_name(outcome.level, titles),
        rests_suffix(outcome.level_rests_on.as_ref())
    );
    let _ = writeln!(
        out,
        "  reachable with the missing evidence: {}{}",
        level_name(outcome.reachable, titles),
        rests_suffix(outcome.reachable_rests_on.as_ref())
    );
    true
}

/// What the lowest level not reached lacks.
fn next_level_lines(out: &mut String, next: &NextLevel<'_>, titles: &BTreeMap<i64, String>) {
    let _ = writeln!(out, "  for level {}:", level_name(Some(next.rank), titles));
    if let Some(reason) = &next.does_not_apply {
        let _ = writeln!(out, "    {reason}");
    }
    for c in &next.failing {
        criterion_lines(out, "✗", c);
    }
    for c in &next.unknown {
        criterion_lines(out, "?", c);
    }
    for g in &next.groups {
        group_line(out, g);
    }
    pending_line(out, next.rank, &next.pending);
}

/// `at least 2 of (A, B, C): 1 met, 1 unknown`.
pub(crate) fn group_line(out: &mut String, g: &GroupResult<'_>) {
    let _ = writeln!(
        out,
        "    at least {} of ({}): {} met, {} unknown{}",
        g.k,
        g.of.join(", "),
        g.met,
        g.unknown,
        if g.not_applicable > 0 {
            format!(", {} not applicable", g.not_applicable)
        } else {
            String::new()
        }
    );
}

/// Why no product reaches a level while some of its criteria are pending
/// with no condition; nothing when none is.
pub(crate) fn pending_line(out: &mut String, rank: i64, pending: &[&str]) {
    if pending.is_empty() {
        return;
    }
    let (verb, them) = if pending.len() == 1 {
        ("is", "it")
    } else {
        ("are", "them")
    };
    let _ = writeln!(
        out,
        "    no product reaches level {rank} while {} {verb} pending: no fact can meet {them}, only a recognition can credit {them}",
        pending.join(", "),
    );
}

/// `credited: C by R` and `partially credited: C (unknown) by R` lines.
pub(crate) fn credit_lines(out: &mut String, criteria: &[CriterionResult<'_>]) {
    for c in criteria.iter().filter(|c| c.outcome == Verdict::Credited) {
        let _ = writeln!(out, "  credited: {} by {}", c.id, c.credited_by.join(", "));
    }
    for c in criteria
        .iter()
        .filter(|c| !c.partially_credited_by.is_empty())
    {
        let _ = writeln!(
            out,
            "  partially credited: {} ({}) by {}",
            c.id,
            c.outcome.word(),
            c.partially_credited_by.join(", ")
        );
    }
}
