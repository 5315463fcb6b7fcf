//! One scheme's plan: the request read against the compiled scheme (category
//! and target level), the product (known facts and holdings), the criteria
//! the target requires sorted into credited, decided, not applicable and
//! work, then the scope and the open items.

use std::collections::BTreeMap;

use super::{
    CreditItem, CreditSource, Decided, LevelNotApplying, NotApplicable, OpenItem, PlanError,
    Request, SchemePlan, Scope, Step, WorkItem,
};
use crate::eval::{Program, Record, Truth, Val, Verdict, eval_condition, holds_from};
use crate::rules::{
    AppliesTo, Basis, Category, Condition, Credit, Criterion, Holding, Level, Method,
    RecognitionStatus, Scheme, Status, basis_of,
};

/// Plans one request against its scheme's program.
pub(super) fn plan_scheme(
    program: &Program<'_>,
    request: &Request,
    holdings: &[Holding],
    facts: Option<&serde_json::Value>,
) -> Result<SchemePlan, PlanError> {
    let scheme = program.scheme;
    let category = find_category(program, &request.category)?;
    let target = target_level(scheme, request.level)?;
    let record = product(program, holdings, facts)?;

    let mut levels: Vec<&Level> = scheme.levels.iter().filter(|l| l.rank <= target).collect();
    levels.sort_by_key(|l| l.rank);
    let required = required_criteria(scheme, &levels);
    let mut credits = held_credits(program, category, &request.category, &record);
    let exclusion = program.exclusions.get(category as usize).copied().flatten();
    let judged = Judged {
        program,
        category,
        name: &request.category,
        record: &record,
        known: facts.is_some(),
        exclusion,
    };
    let sorted = sort_criteria(&judged, &required, &mut credits);

    // Scope: the scheme and the category's chain of parents.
    let chain = category_chain(scheme, category);
    let dates = scheme
        .effective
        .iter()
        .chain(chain.iter().filter_map(|c| c.effective.as_ref()))
        .max()
        .cloned();
    let scope_pending = pending_categories(&chain);

    let mut open_items = sorted.open_items;
    open_items.extend(pending_levels(&levels));
    open_items.extend(recognitions_not_official(program, &record));
    open_items.extend(credits.not_covering);
    open_items.extend(scope_pending.iter().cloned());

    // Levels that do not apply on the date (for an excluded category the
    // scope says it all).
    let levels_not_applying = if exclusion.is_some() {
        Vec::new()
    } else {
        levels_not_applying(program, target, category)
    };

    let level_info = scheme.levels.iter().find(|l| l.rank == target);
    Ok(SchemePlan {
        scheme: scheme.key(),
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
        credits: sorted.credits,
        decided: sorted.decided,
        work: sorted.work,
        not_applicable: sorted.not_applicable,
        levels_not_applying,
        open_items,
    })
}

/// The category the request names, by its index in the program.
fn find_category(program: &Program<'_>, name: &str) -> Result<u32, PlanError> {
    program.category_by_name.get(name).copied().ok_or_else(|| {
        let scheme = program.scheme;
        let mut known: Vec<String> = scheme.categories.iter().map(|c| c.id.clone()).collect();
        known.sort_unstable();
        PlanError::UnknownCategory {
            scheme: scheme.key(),
            category: name.to_string(),
            suggestion: crate::diag::suggest(name, program.category_by_name.keys().copied())
                .map(str::to_string),
            known,
        }
    })
}

/// The target level: the one requested, or the highest.
fn target_level(scheme: &Scheme, requested: Option<i64>) -> Result<i64, PlanError> {
    let ranks: Vec<i64> = scheme.levels.iter().map(|l| l.rank).collect();
    match requested {
        None => ranks
            .iter()
            .max()
            .copied()
            .ok_or_else(|| PlanError::NoLevels {
                scheme: scheme.key(),
            }),
        Some(level) if ranks.contains(&level) => Ok(level),
        Some(level) => Err(PlanError::UnknownLevel {
            scheme: scheme.key(),
            level,
            known: ranks,
        }),
    }
}

/// The product: known facts, if any, and the recognitions held.
fn product<'a>(
    program: &Program<'_>,
    holdings: &[Holding],
    facts: Option<&'a serde_json::Value>,
) -> Result<Record<'a>, PlanError> {
    let mut record = match facts {
        Some(value) => {
            serde::de::DeserializeSeed::deserialize(crate::eval::RecordSeed { program }, value)
                .map_err(|e| PlanError::Facts {
                    scheme: program.scheme.key(),
                    message: e.to_string(),
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
    Ok(record)
}

/// Every criterion the levels require (by index in the scheme), with the
/// lowest level that requires it. `levels` are sorted by rank.
fn required_criteria(scheme: &Scheme, levels: &[&Level]) -> BTreeMap<usize, i64> {
    let mut required: BTreeMap<usize, i64> = BTreeMap::new();
    let position = |id: &str| scheme.criteria.iter().position(|c| c.id == id);
    for level in levels {
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
    required
}

/// What the recognitions held and in effect credit, by criterion index.
struct Credits {
    full: BTreeMap<usize, Vec<CreditSource>>,
    partial: BTreeMap<usize, Vec<CreditSource>>,
    /// Recognitions held that do not cover the category.
    not_covering: Vec<OpenItem>,
}

/// Credits from the recognitions held and in effect.
fn held_credits(
    program: &Program<'_>,
    category: u32,
    category_name: &str,
    record: &Record<'_>,
) -> Credits {
    let mut credits = Credits {
        full: BTreeMap::new(),
        partial: BTreeMap::new(),
        not_covering: Vec::new(),
    };
    for compiled in &program.recognitions {
        let r = compiled.recognition;
        if !compiled.is_held(record) {
            continue;
        }
        if !compiled.covers(category) {
            credits.not_covering.push(OpenItem {
                kind: "recognition".into(),
                id: r.id.clone(),
                reason: format!(
                    "held, but it covers only {}, not `{category_name}`: it credits nothing here",
                    applies_to_text(&r.applies_to),
                ),
            });
            continue;
        }
        let mut verify = r.verify.clone();
        if let (Some(condition), Some(compiled_condition)) = (&r.condition, &compiled.condition) {
            match eval_condition(compiled_condition, record) {
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
            &mut credits.full
        } else {
            &mut credits.partial
        };
        for c in &compiled.credits {
            target_map
                .entry(*c as usize)
                .or_default()
                .push(source.clone());
        }
    }
    credits
}

/// What every required criterion is judged against.
struct Judged<'a, 'r> {
    program: &'a Program<'r>,
    category: u32,
    /// The category's id, as requested.
    name: &'a str,
    record: &'a Record<'a>,
    /// Whether facts were given (a residual plan).
    known: bool,
    /// Why the scheme excludes the category, if it does.
    exclusion: Option<&'r str>,
}

/// The required criteria, sorted.
struct Sorted {
    credits: Vec<CreditItem>,
    decided: Vec<Decided>,
    not_applicable: Vec<NotApplicable>,
    /// Pending criteria that are not credited away or not applicable.
    open_items: Vec<OpenItem>,
    work: Vec<Step>,
}

/// Sorts the required criteria into credited, decided, not applicable and
/// work, taking the credits of each from `credits`.
fn sort_criteria(
    judged: &Judged<'_, '_>,
    required: &BTreeMap<usize, i64>,
    credits: &mut Credits,
) -> Sorted {
    let mut sorted = Sorted {
        credits: Vec::new(),
        decided: Vec::new(),
        not_applicable: Vec::new(),
        open_items: Vec::new(),
        work: Vec::new(),
    };
    let mut steps: BTreeMap<(i64, u8, Option<Method>), Vec<WorkItem>> = BTreeMap::new();
    for (&index, &level) in required {
        let Some(compiled) = judged.program.criteria.get(index) else {
            continue;
        };
        let criterion = compiled.criterion;
        if let Some(reason) = judged.exclusion {
            sorted.not_applicable.push(NotApplicable {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                reason: format!("`{}` is excluded: {reason}", judged.name),
            });
            continue;
        }
        let verdict = judged
            .program
            .verdict(compiled, Some(judged.category), false, judged.record);
        if verdict == Verdict::NotApplicable {
            sorted.not_applicable.push(NotApplicable {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                reason: if compiled.valid_now {
                    format!("does not apply to `{}`", judged.name)
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
            sorted.open_items.push(OpenItem {
                kind: "criterion".into(),
                id: criterion.id.clone(),
                reason: reason.clone(),
            });
        }
        if let Some(by) = credits.full.remove(&index) {
            sorted.credits.push(CreditItem {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                level,
                by,
            });
            continue;
        }
        if judged.known && matches!(verdict, Verdict::Pass | Verdict::Fail) {
            sorted.decided.push(Decided {
                criterion: criterion.id.clone(),
                title: criterion.title.clone(),
                level,
                outcome: verdict,
            });
            continue;
        }
        let reduced_by = credits.partial.remove(&index).unwrap_or_default();
        let item = work_item(judged.program.scheme, criterion, level, reduced_by);
        steps
            .entry((level, method_rank(criterion.method), criterion.method))
            .or_default()
            .push(item);
    }
    sorted.work = into_steps(steps);
    sorted
}

/// The work one criterion asks for, at the lowest level that requires it.
fn work_item(
    scheme: &Scheme,
    criterion: &Criterion,
    level: i64,
    reduced_by: Vec<CreditSource>,
) -> WorkItem {
    let mut facts: Vec<String> = Vec::new();
    for fact in criterion.condition.iter().flat_map(Condition::facts) {
        if !facts.contains(&fact.name) {
            facts.push(fact.name.clone());
        }
    }
    WorkItem {
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
        reduced_by,
        also_serves: Vec::new(),
    }
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

/// The work items as steps. Keyed by (level, method order): what gates the
/// lowest level comes first.
fn into_steps(steps: BTreeMap<(i64, u8, Option<Method>), Vec<WorkItem>>) -> Vec<Step> {
    steps
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
        .collect()
}

/// The category and its parents, nearest first.
fn category_chain(scheme: &Scheme, category: u32) -> Vec<&Category> {
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
    chain
}

/// Pending categories on the way from the scheme to the category.
fn pending_categories(chain: &[&Category]) -> Vec<OpenItem> {
    chain
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
        .collect()
}

/// Pending levels up to the target.
fn pending_levels(levels: &[&Level]) -> Vec<OpenItem> {
    levels
        .iter()
        .filter_map(|level| match &level.status {
            Status::Pending { reason } => Some(OpenItem {
                kind: "level".into(),
                id: level.rank.to_string(),
                reason: reason.clone(),
            }),
            Status::Confirmed => None,
        })
        .collect()
}

/// Recognitions into the scheme, from what the product holds, that are not
/// official: proposed ones credit nothing, assumed ones rest on labelc's analysis.
fn recognitions_not_official(program: &Program<'_>, record: &Record<'_>) -> Vec<OpenItem> {
    program
        .rules
        .recognitions
        .iter()
        .filter(|r| r.targets(program.scheme))
        .filter(|r| holds_from(&r.from, &record.holds) && r.status != RecognitionStatus::Official)
        .map(|r| OpenItem {
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
        })
        .collect()
}

/// Levels up to the target that do not apply to the category on the date.
fn levels_not_applying(program: &Program<'_>, target: i64, category: u32) -> Vec<LevelNotApplying> {
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
}

/// `` `a`, `b` `` for a list of categories.
fn applies_to_text(applies_to: &AppliesTo) -> String {
    match applies_to {
        AppliesTo::All => "every category".to_string(),
        AppliesTo::Categories { ids } => ids
            .iter()
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}
