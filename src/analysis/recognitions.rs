//! Recognitions verified: the relationship each one claims between what is
//! held (`from`) and what it credits, checked against the conditions.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::{Analyzer, Target};
use crate::rules::{Recognition, Relationship, RuleSet, Scheme};

/// What the procedure found about one recognition's claim.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum Verification {
    /// The claimed relationship holds between the conditions.
    Verified,
    /// It does not: `reason` says which part fails, `witness` (when there
    /// is one) is a product showing it.
    Refuted {
        reason: String,
        witness: Option<serde_json::Value>,
    },
    /// It cannot be decided: a side is pending, has no condition, or no
    /// product can pass it on the date.
    Unverifiable { reason: String },
}

/// One recognition checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Checked {
    pub id: String,
    /// The date the conditions were read on.
    pub as_of: String,
    /// The relationship that holds, when decided.
    pub actual: Option<Relationship>,
    #[serde(flatten)]
    pub verification: Verification,
}

/// The STRM word of a relationship, as policies write it.
pub fn word(r: Relationship) -> &'static str {
    match r {
        Relationship::Equal => "equal",
        Relationship::SubsetOf => "subset_of",
        Relationship::SupersetOf => "superset_of",
        Relationship::IntersectsWith => "intersects_with",
        Relationship::NoRelationship => "no_relationship",
    }
}

fn scheme_name(scheme: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("{scheme}@{v}"),
        None => scheme.to_string(),
    }
}

/// The date a recognition is read on: the latest of its `valid_from` and the
/// `effective` dates of the versions it pins; `today` when it has none.
fn date_for(rules: &RuleSet, r: &Recognition, today: Date) -> Date {
    let effective = |scheme: &str, version: Option<&str>| -> Option<Date> {
        let version = version?;
        rules
            .schemes
            .iter()
            .find(|s| s.id == scheme && s.version == version)
            .and_then(|s| s.effective.as_deref())
            .and_then(crate::rules::parse_date)
    };
    [
        r.valid_from.as_deref().and_then(crate::rules::parse_date),
        effective(&r.from.scheme, r.from.version.as_deref()),
        effective(&r.to.scheme, r.to.version.as_deref()),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(today)
}

/// `as_of`, or the latest `valid_from` of the criteria the recognition
/// names (held or credited) when that is later: the first date on which
/// all of them are in force.
fn in_force(rules: &RuleSet, r: &Recognition, as_of: Date) -> Date {
    let version = |scheme: &str, version: Option<&str>| {
        rules
            .select(&scheme_name(scheme, version), as_of)
            .ok()
            .and_then(|s| rules.schemes.get(s.index))
    };
    let from: Vec<&str> = r.from.criterion.iter().map(String::as_str).collect();
    let named = [
        (version(&r.from.scheme, r.from.version.as_deref()), from),
        (
            version(&r.to.scheme, r.to.version.as_deref()),
            r.credits.iter().map(String::as_str).collect(),
        ),
    ];
    named
        .iter()
        .filter_map(|(scheme, ids)| scheme.map(|s| (s, ids)))
        .flat_map(|(s, ids)| {
            s.criteria
                .iter()
                .filter(|c| ids.contains(&c.id.as_str()))
                .filter_map(|c| c.valid_from.as_deref().and_then(crate::rules::parse_date))
        })
        .chain([as_of])
        .max()
        .unwrap_or(as_of)
}

fn unverifiable(reason: impl Into<String>) -> Verification {
    Verification::Unverifiable {
        reason: reason.into(),
    }
}

/// Why a criterion cannot be reasoned about: pending or without condition.
fn open_criterion(scheme: &Scheme, id: &str) -> Option<String> {
    match scheme.criteria.iter().find(|c| c.id == id) {
        None => Some(format!("`{}` has no criterion `{id}`", scheme.key())),
        Some(c) if c.condition.is_some() => None,
        Some(c) => Some(match &c.status {
            crate::rules::Status::Pending { reason } => {
                format!("`{}#{id}` is pending: {reason}", scheme.key())
            }
            crate::rules::Status::Confirmed => {
                format!("`{}#{id}` has no condition", scheme.key())
            }
        }),
    }
}

/// Checks one recognition on its date.
pub fn verify(rules: &RuleSet, r: &Recognition, today: Date) -> Checked {
    verify_with(rules, r, today, &mut BTreeMap::new())
}

/// [`verify`], sharing one [`Analyzer`] per date among recognitions.
fn verify_with<'r>(
    rules: &'r RuleSet,
    r: &Recognition,
    today: Date,
    analyzers: &mut BTreeMap<Date, Analyzer<'r>>,
) -> Checked {
    let as_of = in_force(rules, r, date_for(rules, r, today));
    let analyzer = analyzers
        .entry(as_of)
        .or_insert_with(|| Analyzer::new(rules, as_of));
    analyzer.clear_assumptions();
    let (actual, verification) = decide(rules, r, as_of, analyzer);
    Checked {
        id: r.id.clone(),
        as_of: as_of.to_string(),
        actual,
        verification,
    }
}

fn decide(
    rules: &RuleSet,
    r: &Recognition,
    as_of: Date,
    analyzer: &mut Analyzer<'_>,
) -> (Option<Relationship>, Verification) {
    let from_name = scheme_name(&r.from.scheme, r.from.version.as_deref());
    let to_name = scheme_name(&r.to.scheme, r.to.version.as_deref());
    let (from_index, to_index) = match (
        rules.select(&from_name, as_of),
        rules.select(&to_name, as_of),
    ) {
        (Ok(f), Ok(t)) => (f.index, t.index),
        (Err(e), _) | (_, Err(e)) => return (None, unverifiable(e.to_string())),
    };
    let (Some(from), Some(to)) = (rules.schemes.get(from_index), rules.schemes.get(to_index))
    else {
        return (None, unverifiable("no such scheme"));
    };
    let (held, behind) = match held_side(r, from, from_index) {
        Ok(side) => side,
        Err(reason) => return (None, reason),
    };
    if let Some(reason) = behind.iter().find_map(|id| open_criterion(from, id)) {
        return (None, unverifiable(reason));
    }
    if r.credits.is_empty() {
        return (None, unverifiable("it credits no criterion"));
    }
    if let Some(reason) = r.credits.iter().find_map(|id| open_criterion(to, id)) {
        return (None, unverifiable(reason));
    }
    let credited = Target::All(
        r.credits
            .iter()
            .filter_map(|id| to.criteria.iter().position(|c| &c.id == id))
            .map(|index| Target::Criterion {
                scheme: to_index,
                index,
            })
            .collect(),
    );
    for side in [&held, &credited] {
        if let Err(e) = analyzer.assume_applicable(side) {
            return (None, unverifiable(e.to_string()));
        }
    }
    let relation = match analyzer.relate(&held, &credited) {
        Ok(relation) => relation,
        Err(e) => return (None, unverifiable(e.to_string())),
    };
    let held_name = analyzer.name(&held);
    let credited_name = analyzer.name(&credited);
    for (can, name) in [
        (relation.left_can_pass, &held_name),
        (relation.right_can_pass, &credited_name),
    ] {
        if !can {
            return (
                None,
                unverifiable(format!(
                    "no product to which both sides apply passes {name} on {as_of}"
                )),
            );
        }
    }
    let verification = classify(r.relationship, &relation, &held_name, &credited_name);
    (Some(relation.relationship), verification)
}

/// The held side of a recognition (its `from` criterion, or level: reaching
/// it) and the ids of the criteria behind it; why it is unverifiable if not.
fn held_side(
    r: &Recognition,
    from: &Scheme,
    from_index: usize,
) -> Result<(Target, Vec<String>), Verification> {
    match (&r.from.level, &r.from.criterion) {
        (Some(rank), _) => match from.levels.iter().position(|l| l.rank == *rank) {
            Some(position) => Ok((
                Target::Level {
                    scheme: from_index,
                    position,
                },
                from.levels
                    .iter()
                    .take(position + 1)
                    .flat_map(|l| {
                        l.requires_all
                            .iter()
                            .chain(l.at_least_all.iter().flat_map(|g| g.of.iter()))
                    })
                    .cloned()
                    .collect(),
            )),
            None => Err(unverifiable(format!(
                "`{}` has no level {rank}",
                from.key()
            ))),
        },
        (None, Some(id)) => match from.criteria.iter().position(|c| &c.id == id) {
            Some(index) => Ok((
                Target::Criterion {
                    scheme: from_index,
                    index,
                },
                vec![id.clone()],
            )),
            None => Err(unverifiable(format!(
                "`{}` has no criterion `{id}`",
                from.key()
            ))),
        },
        (None, None) => Err(unverifiable("it names nothing held")),
    }
}

/// The claim `claimed` judged against what holds between the held and the
/// credited side.
fn classify(
    claimed: Relationship,
    relation: &super::Relation,
    held_name: &str,
    credited_name: &str,
) -> Verification {
    let down = || Verification::Refuted {
        reason: format!("a product passes {held_name} and not {credited_name}"),
        witness: relation.left_implies_right.witness().cloned(),
    };
    let up = || Verification::Refuted {
        reason: format!("a product passes {credited_name} and not {held_name}"),
        witness: relation.right_implies_left.witness().cloned(),
    };
    match claimed {
        Relationship::Equal if !relation.left_implies_right.holds() => down(),
        Relationship::Equal if !relation.right_implies_left.holds() => up(),
        Relationship::SupersetOf if !relation.left_implies_right.holds() => down(),
        Relationship::SubsetOf if !relation.right_implies_left.holds() => up(),
        Relationship::IntersectsWith if relation.both.is_none() => Verification::Refuted {
            reason: format!("no product passes both {held_name} and {credited_name}"),
            witness: None,
        },
        Relationship::NoRelationship if relation.both.is_some() => Verification::Refuted {
            reason: format!("a product passes both {held_name} and {credited_name}"),
            witness: relation.both.clone(),
        },
        _ => Verification::Verified,
    }
}

/// Checks every recognition of `rules`.
pub fn verify_all(rules: &RuleSet, today: Date) -> Vec<Checked> {
    let mut analyzers = BTreeMap::new();
    rules
        .recognitions
        .iter()
        .map(|r| verify_with(rules, r, today, &mut analyzers))
        .collect()
}
