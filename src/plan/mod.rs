//! Assessment plans: for a category, a target level, the recognitions held
//! and a date — whether the product is in scope and from when, which
//! criteria the recognitions credit (and what must be verified for them),
//! the remaining criteria grouped into steps by assessment method and
//! evidence (what gates the lowest level first), and the open items. Several
//! schemes at once share their evidence. Computed from the rule set only.

mod error;
mod evidence;
mod markdown;
mod outlook;
mod scheme;

use schemars::JsonSchema;
use serde::Serialize;

pub use error::PlanError;
pub use markdown::render_markdown;
pub use outlook::{Outlook, outlook};

use crate::eval::{Program, Verdict};
use crate::rules::{
    Basis, Credit, Holding, Method, Nature, RecognitionStatus, Relationship, RuleSet,
};

/// The value of [`Plan::format`].
pub const FORMAT: &str = "labelc.plan/v1";

/// What to plan for one scheme.
#[derive(Debug, Clone)]
pub struct Request {
    /// `id` or `id@version`.
    pub scheme: String,
    pub category: String,
    /// The target level; the highest when `None`.
    pub level: Option<i64>,
}

/// A plan for one or several schemes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Plan {
    /// Always `labelc.plan/v1`.
    pub format: String,
    pub as_of: String,
    /// Every recognition the plan counts as held: the `--holding` arguments,
    /// then the `holds` of the `--facts` product not already given.
    pub holdings: Vec<String>,
    /// The holdings taken from the `--facts` product's `holds`.
    pub holdings_from_facts: Vec<String>,
    pub schemes: Vec<SchemePlan>,
    /// Facts to establish, each with every planned criterion whose condition reads it.
    pub evidence: Vec<Evidence>,
    /// How many evidence items planning the schemes together saved: the
    /// facts each scheme needs, counted per scheme, minus the facts in all.
    pub evidence_saved: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SchemePlan {
    /// `id@version`.
    pub scheme: String,
    pub title: String,
    /// Mandatory or voluntary, when the scheme says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nature: Option<Nature>,
    pub category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_title: Option<String>,
    pub level: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_title: Option<String>,
    pub scope: Scope,
    pub credits: Vec<CreditItem>,
    /// Criteria the known facts already decide (residual plans only; empty otherwise).
    pub decided: Vec<Decided>,
    pub work: Vec<Step>,
    pub not_applicable: Vec<NotApplicable>,
    /// Levels up to the target that do not apply to the category on the
    /// assessment date (none of the criteria they add is applicable): no
    /// product can reach them then, whatever the work.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels_not_applying: Vec<LevelNotApplying>,
    pub open_items: Vec<OpenItem>,
}

/// A level that does not apply on the assessment date, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LevelNotApplying {
    pub level: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Scope {
    pub in_scope: bool,
    /// When the scheme and the category (and its parents) have all taken effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Pending categories on the way from the scheme to this category.
    pub pending: Vec<OpenItem>,
    /// Why the scheme does not cover this category (`excluded` on it or a
    /// parent); then every criterion is not applicable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

/// A recognition that credits a criterion.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CreditSource {
    pub recognition: String,
    pub relationship: Relationship,
    pub credit: Credit,
    pub status: RecognitionStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the assessor must verify: the `verify` items, and the condition when the facts do not decide it.
    pub verify: Vec<String>,
    /// What the recognition rests on when that is less than the official
    /// text (its `basis`); absent: the official text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CreditItem {
    pub criterion: String,
    pub title: String,
    pub level: i64,
    pub by: Vec<CreditSource>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Decided {
    pub criterion: String,
    pub title: String,
    pub level: i64,
    /// `pass` or `fail`.
    pub outcome: Verdict,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WorkItem {
    pub criterion: String,
    pub title: String,
    /// The lowest level that requires it.
    pub level: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// The citation's document (or source) and locator apart, so that the
    /// Markdown plan can give a long document once; not in the JSON, whose
    /// `citation` holds both.
    #[serde(skip)]
    #[schemars(skip)]
    pub cited: Option<(Option<String>, String)>,
    /// Facts the assessor must establish (those its condition reads).
    pub facts: Vec<String>,
    /// The evidence the criterion asks for.
    pub evidence: Vec<String>,
    /// Pending: the published texts leave it open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
    /// What the criterion, or its place in the level, rests on when that is
    /// less than the official text (the weaker of the two).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// Partial credits held: the criterion stays, as reduced work.
    pub reduced_by: Vec<CreditSource>,
    /// Criteria of other planned schemes that the same evidence serves
    /// (linked by a recognition that credits in this direction).
    pub also_serves: Vec<String>,
}

/// One step of the work: the criteria a level adds that are assessed the
/// same way (one third-party test campaign, one document review, …), with the
/// evidence they ask for.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Step {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// The level whose criteria this step assesses (lowest first).
    pub gates_level: i64,
    /// Every piece of evidence its criteria ask for, once.
    pub evidence: Vec<String>,
    pub criteria: Vec<WorkItem>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NotApplicable {
    pub criterion: String,
    pub title: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OpenItem {
    /// `criterion`, `category`, `level` or `recognition`.
    pub kind: String,
    pub id: String,
    pub reason: String,
}

/// Reads every holding (`scheme:level`, `scheme#criterion`, either with
/// `@version`) and checks it names a level or criterion of a compiled scheme.
pub fn check_holdings(rules: &RuleSet, holdings: &[String]) -> Result<Vec<Holding>, PlanError> {
    holdings
        .iter()
        .map(|text| {
            Holding::parse_in(text, rules).map_err(|e| PlanError::Holding {
                message: e.message,
                help: e.help,
            })
        })
        .collect()
}

/// Plans the requests. `facts` is one product's known facts in the eval input
/// format (its category is ignored; its `holds` add to `holdings`).
pub fn plan(
    rules: &RuleSet,
    requests: &[Request],
    holdings: &[String],
    as_of: jiff::civil::Date,
    facts: Option<&serde_json::Value>,
) -> Result<Plan, PlanError> {
    let held = check_holdings(rules, holdings)?;
    let mut schemes = Vec::new();
    let mut programs = Vec::new();
    for request in requests {
        let index = rules
            .select(&request.scheme, as_of)
            .map_err(PlanError::Scheme)?
            .index;
        let program = Program::new(rules, index, as_of).map_err(|e| PlanError::RuleSet {
            message: e.to_string(),
        })?;
        programs.push((program, request));
    }
    for (program, request) in &programs {
        schemes.push(scheme::plan_scheme(program, request, &held, facts)?);
    }
    evidence::link_recognitions(rules, &mut schemes);
    let (evidence, evidence_saved) = evidence::merge_evidence(rules, &schemes);
    // The facts' `holds` count as held too (the product record reads them): say which.
    let mut holdings_from_facts: Vec<String> = Vec::new();
    let held_in_facts = facts
        .and_then(|f| f.get("holds"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str);
    for h in held_in_facts {
        if !holdings.iter().any(|g| g == h) && !holdings_from_facts.iter().any(|g| g == h) {
            holdings_from_facts.push(h.to_string());
        }
    }
    Ok(Plan {
        format: FORMAT.to_string(),
        as_of: as_of.to_string(),
        holdings: holdings
            .iter()
            .chain(&holdings_from_facts)
            .cloned()
            .collect(),
        holdings_from_facts,
        schemes,
        evidence,
        evidence_saved,
    })
}

/// A fact to establish and every planned criterion it serves.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Evidence {
    pub fact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `scheme@version:criterion` for each criterion whose condition reads it.
    pub serves: Vec<String>,
}

/// The JSON Schema of [`Plan`], as `labelc schema plan` prints it.
pub fn json_schema() -> serde_json::Value {
    crate::cli::schema::generate::<Plan>()
}
