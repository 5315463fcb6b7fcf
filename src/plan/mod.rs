//! Assessment plans: for a category, a target level, the recognitions held
//! and a date — whether the product is in scope and from when, which
//! criteria the recognitions credit (and what must be verified for them),
//! the remaining criteria grouped into steps by assessment method and
//! evidence (what gates the lowest level first), and the open items. Several
//! schemes at once share their evidence. Computed from the rule set only.

mod markdown;

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

pub use markdown::render_markdown;

use crate::eval::{
    Program, Record, Truth, Val, Verdict, eval_condition, holds_from, select_scheme,
};
use crate::rules::{
    Basis, Condition, Credit, Holding, Method, Nature, RecognitionStatus, Relationship, RuleSet,
    Status, basis_of,
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

/// A request that cannot be planned: an unknown scheme, category, level or holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.help)
    }
}

impl std::error::Error for PlanError {}

fn error(message: String, help: String) -> PlanError {
    PlanError { message, help }
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

fn method_rank(method: Option<Method>) -> u8 {
    match method {
        Some(Method::Test) => 0,
        Some(Method::Audit) => 1,
        Some(Method::DocumentReview) => 2,
        Some(Method::SelfDeclaration) => 3,
        None => 4,
    }
}

/// Reads every holding (`scheme:level`, `scheme#criterion`, either with
/// `@version`) and checks it names a level or criterion of a compiled scheme.
pub fn check_holdings(rules: &RuleSet, holdings: &[String]) -> Result<Vec<Holding>, PlanError> {
    holdings
        .iter()
        .map(|text| {
            Holding::parse_in(text, rules).map_err(|e| {
                error(
                    e.message,
                    e.help
                        .unwrap_or_else(|| "see docs/plan.md for holdings".to_string()),
                )
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
        let index = select_scheme(rules, &request.scheme, as_of).map_err(|m| {
            error(
                m,
                "name a scheme of the compilation, as `id` or `id@version`".to_string(),
            )
        })?;
        let program = Program::new(rules, index, as_of)
            .map_err(|e| error(e.to_string(), "recompile the rule set".to_string()))?;
        programs.push((program, request));
    }
    for (program, request) in &programs {
        schemes.push(plan_scheme(program, request, &held, facts)?);
    }
    link_recognitions(rules, &mut schemes);
    let (evidence, evidence_saved) = merge_evidence(rules, &schemes);
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

fn plan_scheme(
    program: &Program<'_>,
    request: &Request,
    holdings: &[Holding],
    facts: Option<&serde_json::Value>,
) -> Result<SchemePlan, PlanError> {
    let scheme = program.scheme;
    let key = scheme.key();
    let category = *program
        .category_by_name
        .get(request.category.as_str())
        .ok_or_else(|| {
            let help =
                crate::diag::suggest(&request.category, program.category_by_name.keys().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        let mut ids: Vec<&str> =
                            scheme.categories.iter().map(|c| c.id.as_str()).collect();
                        ids.sort_unstable();
                        format!("the categories of `{key}` are {}", ids.join(", "))
                    });
            error(
                format!("unknown category `{}` in `{key}`", request.category),
                help,
            )
        })?;
    let ranks: Vec<i64> = scheme.levels.iter().map(|l| l.rank).collect();
    let target = match request.level {
        None => *ranks
            .iter()
            .max()
            .ok_or_else(|| error(format!("`{key}` has no levels"), "add a level".into()))?,
        Some(level) if ranks.contains(&level) => level,
        Some(level) => {
            return Err(error(
                format!("`{key}` has no level {level}"),
                format!(
                    "the levels of `{key}` are {}",
                    ranks
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    };

    // The product: known facts, if any, and the recognitions held.
    let mut record = match facts {
        Some(value) => {
            serde::de::DeserializeSeed::deserialize(crate::eval::RecordSeed { program }, value)
                .map_err(|e| {
                    error(
                        format!("the facts do not fit `{key}`: {e}"),
                        "see docs/evaluation.md for the product format".into(),
                    )
                })?
        }
        None => Record {
            id: "plan".into(),
            category: None,
            holds: Vec::new(),
            values: vec![Val::Missing; program.slots.len()],
            items: Vec::new(),
        },
    };
    record.holds.extend(holdings.iter().cloned());
    let known = facts.is_some();

    // Every criterion the target level requires, with the lowest level that requires it.
    let mut required: BTreeMap<usize, i64> = BTreeMap::new();
    let mut levels: Vec<&crate::rules::Level> =
        scheme.levels.iter().filter(|l| l.rank <= target).collect();
    levels.sort_by_key(|l| l.rank);
    let position = |id: &str| scheme.criteria.iter().position(|c| c.id == id);
    for level in &levels {
        let ids = level
            .requires_all
            .iter()
            .chain(level.at_least_all.iter().flat_map(|g| g.of.iter()));
        for id in ids {
            if let Some(i) = position(id) {
                required.entry(i).or_insert(level.rank);
            }
        }
    }

    // Credits from the recognitions held and in effect.
    let mut full: BTreeMap<usize, Vec<CreditSource>> = BTreeMap::new();
    let mut partial: BTreeMap<usize, Vec<CreditSource>> = BTreeMap::new();
    let mut not_covering = Vec::new();
    for compiled in &program.recognitions {
        let r = compiled.recognition;
        if !compiled.is_held(&record) {
            continue;
        }
        if !compiled.covers(category) {
            not_covering.push(OpenItem {
                kind: "recognition".into(),
                id: r.id.clone(),
                reason: format!(
                    "held, but it covers only {}, not `{}`: it credits nothing here",
                    applies_to_text(&r.applies_to),
                    request.category
                ),
            });
            continue;
        }
        let mut verify = r.verify.clone();
        if let (Some(condition), Some(compiled_condition)) = (&r.condition, &compiled.condition) {
            match eval_condition(compiled_condition, &record) {
                Truth::False => continue,
                Truth::Unknown => verify.push(format!("condition: {}", condition.text())),
                Truth::True => {}
            }
        }
        let source = CreditSource {
            recognition: r.id.clone(),
            relationship: r.relationship,
            credit: r.credit,
            status: r.status,
            source: r.source.clone(),
            verify,
            basis: Some(basis_of(r.basis.as_ref())).filter(|b| *b != Basis::Official),
        };
        let target_map = if r.credit == Credit::Full {
            &mut full
        } else {
            &mut partial
        };
        for c in &compiled.credits {
            target_map
                .entry(*c as usize)
                .or_default()
                .push(source.clone());
        }
    }

    let mut credits = Vec::new();
    let mut decided = Vec::new();
    let mut not_applicable = Vec::new();
    let mut open_items = Vec::new();
    let mut steps: BTreeMap<(i64, u8, Option<Method>), Vec<WorkItem>> = BTreeMap::new();
    let exclusion = program.exclusions.get(category as usize).copied().flatten();
    for (&index, &level) in &required {
        let Some(compiled) = program.criteria.get(index) else {
            continue;
        };
        let criterion = compiled.criterion;
        if let Some(reason) = exclusion {
            not_applicable.push(NotApplicable {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                reason: format!("`{}` is excluded: {reason}", request.category),
            });
            continue;
        }
        let verdict = program.verdict(compiled, Some(category), false, &record);
        if verdict == Verdict::NotApplicable {
            not_applicable.push(NotApplicable {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                reason: if compiled.valid_now {
                    format!("does not apply to `{}`", request.category)
                } else {
                    format!(
                        "outside its validity dates ({} to {})",
                        criterion.valid_from.as_deref().unwrap_or("…"),
                        criterion.valid_until.as_deref().unwrap_or("…")
                    )
                },
            });
            continue;
        }
        if let Status::Pending { reason } = &criterion.status {
            open_items.push(OpenItem {
                kind: "criterion".into(),
                id: criterion.id.clone(),
                reason: reason.clone(),
            });
        }
        if let Some(by) = full.remove(&index) {
            credits.push(CreditItem {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                level,
                by,
            });
            continue;
        }
        if known && matches!(verdict, Verdict::Pass | Verdict::Fail) {
            decided.push(Decided {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                level,
                outcome: verdict,
            });
            continue;
        }
        let mut facts: Vec<String> = Vec::new();
        for fact in criterion.condition.iter().flat_map(Condition::facts) {
            if !facts.contains(&fact.name) {
                facts.push(fact.name.clone());
            }
        }
        let item = WorkItem {
            criterion: criterion.id.clone(),
            title: criterion.title.clone(),
            level,
            citation: criterion
                .citation
                .as_ref()
                .map(|c| match (&c.source, &c.document) {
                    (_, Some(document)) => format!("{document}, {}", c.locator),
                    (Some(source), None) => format!("{source}: {}", c.locator),
                    (None, None) => c.locator.clone(),
                }),
            cited: criterion.citation.as_ref().map(|c| {
                (
                    c.document.clone().or_else(|| c.source.clone()),
                    c.locator.clone(),
                )
            }),
            facts,
            evidence: criterion.evidence.clone(),
            pending: match &criterion.status {
                Status::Pending { reason } => Some(reason.clone()),
                Status::Confirmed => None,
            },
            basis: {
                let place = scheme
                    .levels
                    .iter()
                    .find(|l| l.rank == level)
                    .and_then(|l| l.require_basis.get(&criterion.id));
                let basis = basis_of(criterion.basis.as_ref()).max(basis_of(place));
                (basis != Basis::Official).then_some(basis)
            },
            reduced_by: partial.remove(&index).unwrap_or_default(),
            also_serves: Vec::new(),
        };
        steps
            .entry((level, method_rank(criterion.method), criterion.method))
            .or_default()
            .push(item);
    }
    // Keyed by (level, method order): what gates the lowest level comes first.
    let work: Vec<Step> = steps
        .into_iter()
        .map(|((level, _, method), criteria)| {
            let mut evidence: Vec<String> = Vec::new();
            for e in criteria.iter().flat_map(|c| c.evidence.iter()) {
                if !evidence.contains(e) {
                    evidence.push(e.clone());
                }
            }
            Step {
                method,
                gates_level: level,
                evidence,
                criteria,
            }
        })
        .collect();

    // Scope: the scheme and the category's chain of parents.
    let mut chain = Vec::new();
    let mut current = scheme.categories.get(category as usize);
    while let Some(c) = current {
        if chain.len() > scheme.categories.len() {
            break;
        }
        chain.push(c);
        current = c
            .parent
            .as_ref()
            .and_then(|p| scheme.categories.iter().find(|x| &x.id == p));
    }
    let dates = scheme
        .effective
        .iter()
        .chain(chain.iter().filter_map(|c| c.effective.as_ref()))
        .max()
        .cloned();
    let scope_pending: Vec<OpenItem> = chain
        .iter()
        .rev()
        .filter_map(|c| match &c.status {
            Status::Pending { reason } => Some(OpenItem {
                kind: "category".into(),
                id: c.id.clone(),
                reason: reason.clone(),
            }),
            Status::Confirmed => None,
        })
        .collect();
    for level in &levels {
        if let Status::Pending { reason } = &level.status {
            open_items.push(OpenItem {
                kind: "level".into(),
                id: level.rank.to_string(),
                reason: reason.clone(),
            });
        }
    }
    for r in program
        .rules
        .recognitions
        .iter()
        .filter(|r| r.targets(scheme))
    {
        let relevant = holds_from(&r.from, &record.holds);
        if relevant && r.status != RecognitionStatus::Official {
            open_items.push(OpenItem {
                kind: "recognition".into(),
                id: r.id.clone(),
                reason: format!(
                    "status {}: {}",
                    match r.status {
                        RecognitionStatus::Proposed =>
                            "proposed (credits nothing until it is in force)",
                        _ => "assumed (labelc's analysis, not an official arrangement)",
                    },
                    r.source.as_deref().unwrap_or("no source given")
                ),
            });
        }
    }
    open_items.extend(not_covering);
    open_items.extend(scope_pending.iter().cloned());

    // Levels that do not apply on the date (for an excluded category the
    // scope says it all).
    let levels_not_applying: Vec<LevelNotApplying> = if exclusion.is_some() {
        Vec::new()
    } else {
        program
            .levels
            .iter()
            .enumerate()
            .filter(|(_, l)| l.level.rank <= target)
            .filter(|(position, _)| !program.level_applies(*position, category))
            .map(|(position, l)| LevelNotApplying {
                level: l.level.rank,
                reason: program.does_not_apply(position, category),
            })
            .collect()
    };

    let level_info = scheme.levels.iter().find(|l| l.rank == target);
    Ok(SchemePlan {
        scheme: key,
        title: scheme.title.clone(),
        nature: scheme.nature,
        category: request.category.clone(),
        category_title: chain.first().and_then(|c| c.title.clone()),
        level: target,
        level_title: level_info.and_then(|l| l.title.clone()),
        scope: Scope {
            in_scope: program.in_scope(category),
            from: dates,
            pending: scope_pending,
            excluded: exclusion.map(str::to_string),
        },
        credits,
        decided,
        work,
        not_applicable,
        levels_not_applying,
        open_items,
    })
}

/// `` `a`, `b` `` for a list of categories.
fn applies_to_text(applies_to: &crate::rules::AppliesTo) -> String {
    match applies_to {
        crate::rules::AppliesTo::All => "every category".to_string(),
        crate::rules::AppliesTo::Categories { ids } => ids
            .iter()
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Marks work items whose evidence also serves a criterion of another
/// planned scheme, through a recognition that credits in that direction.
fn link_recognitions(rules: &RuleSet, schemes: &mut [SchemePlan]) {
    let planned: BTreeSet<String> = schemes.iter().map(|s| s.scheme.clone()).collect();
    let mut links: Vec<(String, String, String)> = Vec::new(); // (to scheme, to criterion, served "scheme:criterion")
    for r in &rules.recognitions {
        // A pinned side names one planned version; an unpinned side, the
        // planned version of its scheme (plans pick one version per scheme).
        let planned_key = |scheme: &str, version: &Option<String>| -> String {
            match version {
                Some(v) => format!("{scheme}@{v}"),
                None => planned
                    .iter()
                    .find(|k| k.split_once('@').is_some_and(|(id, _)| id == scheme))
                    .cloned()
                    .unwrap_or_else(|| scheme.to_string()),
            }
        };
        let from_key = planned_key(&r.from.scheme, &r.from.version);
        let to_key = planned_key(&r.to.scheme, &r.to.version);
        let credits_this_way = matches!(
            r.relationship,
            Relationship::Equal | Relationship::SupersetOf
        );
        if let Some(criterion) = &r.from.criterion
            && credits_this_way
            && planned.contains(&from_key)
            && planned.contains(&to_key)
        {
            for credited in &r.credits {
                links.push((
                    to_key.clone(),
                    credited.clone(),
                    format!("{from_key}:{criterion}"),
                ));
                links.push((
                    from_key.clone(),
                    criterion.clone(),
                    format!("{to_key}:{credited}"),
                ));
            }
        }
    }
    for plan in schemes.iter_mut() {
        for step in &mut plan.work {
            for item in &mut step.criteria {
                for (scheme, criterion, served) in &links {
                    if *scheme == plan.scheme
                        && *criterion == item.criterion
                        && !item.also_serves.contains(served)
                    {
                        item.also_serves.push(served.clone());
                    }
                }
            }
        }
    }
}

/// Facts to establish across every plan, and how many collecting them once saved.
fn merge_evidence(rules: &RuleSet, schemes: &[SchemePlan]) -> (Vec<Evidence>, usize) {
    let mut serves: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut per_scheme = 0usize;
    for plan in schemes {
        let mut facts: BTreeSet<&str> = BTreeSet::new();
        for item in plan.work.iter().flat_map(|s| s.criteria.iter()) {
            for fact in &item.facts {
                facts.insert(fact);
                serves
                    .entry(fact.clone())
                    .or_default()
                    .push(format!("{}:{}", plan.scheme, item.criterion));
            }
        }
        per_scheme += facts.len();
    }
    let saved = per_scheme - serves.len();
    let evidence = serves
        .into_iter()
        .map(|(fact, serves)| Evidence {
            description: rules
                .facts
                .iter()
                .find(|f| f.name == fact)
                .and_then(|f| f.description.clone()),
            fact,
            serves,
        })
        .collect();
    (evidence, saved)
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

/// What a scheme plan comes to, read from the plan alone: the verdict the
/// Markdown plan opens with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlook {
    /// The highest level up to the target that nothing known rules out on
    /// the assessment date; `None`: no level.
    pub reachable: Option<i64>,
    /// What rules out the target: failed criteria, levels that do not apply,
    /// the category's scope. Empty when the target is reachable.
    pub blocking: Vec<String>,
    /// Pending criteria still in the work: the target rests on them.
    pub pending: Vec<String>,
    /// Criteria left to assess per method: tests, audits, document reviews,
    /// self-declarations, then those with no method given.
    pub effort: Vec<(Option<Method>, usize)>,
}

/// The verdict on one scheme plan. A failed criterion rules out its level and
/// every level above; so does a level that does not apply on the date.
pub fn outlook(plan: &SchemePlan) -> Outlook {
    let mut effort: Vec<(Option<Method>, usize)> = Vec::new();
    for step in &plan.work {
        match effort.iter_mut().find(|(m, _)| *m == step.method) {
            Some((_, n)) => *n += step.criteria.len(),
            None => effort.push((step.method, step.criteria.len())),
        }
    }
    // Tests, audits, document reviews, self-declarations, then the rest.
    let rank = |m: &Option<Method>| match m {
        Some(Method::Test) => 0,
        Some(Method::Audit) => 1,
        Some(Method::DocumentReview) => 2,
        Some(Method::SelfDeclaration) => 3,
        None => 4,
    };
    effort.sort_by_key(|(m, _)| rank(m));
    let pending = plan
        .work
        .iter()
        .flat_map(|s| s.criteria.iter())
        .filter(|c| c.pending.is_some())
        .map(|c| c.criterion.clone())
        .collect();
    let mut blocking = Vec::new();
    if let Some(reason) = &plan.scope.excluded {
        blocking.push(format!("the scheme excludes `{}`: {reason}", plan.category));
        return Outlook {
            reachable: None,
            blocking,
            pending,
            effort,
        };
    }
    if !plan.scope.in_scope {
        let from = plan
            .scope
            .from
            .as_deref()
            .map(|d| format!(" (from {d})"))
            .unwrap_or_default();
        blocking.push(format!(
            "`{}` is not in scope on the assessment date{from}",
            plan.category
        ));
        return Outlook {
            reachable: None,
            blocking,
            pending,
            effort,
        };
    }
    let mut first_blocked: Option<i64> = None;
    let mut block = |level: i64| {
        first_blocked = Some(first_blocked.map_or(level, |b: i64| b.min(level)));
    };
    for d in plan.decided.iter().filter(|d| d.outcome == Verdict::Fail) {
        blocking.push(format!("{} fails (level {})", d.criterion, d.level));
        block(d.level);
    }
    for l in &plan.levels_not_applying {
        blocking.push(format!("level {} does not apply: {}", l.level, l.reason));
        block(l.level);
    }
    let reachable = match first_blocked {
        None => Some(plan.level),
        Some(blocked) => {
            // The levels the plan knows of: those its criteria belong to.
            let known = plan
                .decided
                .iter()
                .map(|d| d.level)
                .chain(plan.credits.iter().map(|c| c.level))
                .chain(plan.work.iter().map(|s| s.gates_level));
            known.filter(|l| *l < blocked).max()
        }
    };
    Outlook {
        reachable,
        blocking,
        pending,
        effort,
    }
}
