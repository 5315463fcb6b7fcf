//! Two versions of a scheme's level membership compared by meaning (for
//! `labelc diff`): which products reach each rank under the old levels and
//! under the new ones, with the criteria held as the old version defines
//! them, so a change of membership is judged apart from changes of
//! conditions, scope or dates (which `diff` reports on their own).

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::compare::{Directions, rebase};
use super::{AnalysisError, Analyzer, Target};
use crate::rules::{Fact, RuleSet, Scheme};

/// `scheme` with its criteria's conditions renumbered into `facts` (by name).
fn rebased(scheme: &Scheme, own: &[Fact], facts: &mut Vec<Fact>) -> Result<Scheme, AnalysisError> {
    let mut s = scheme.clone();
    for c in &mut s.criteria {
        if let Some(condition) = &c.condition {
            c.condition = Some(rebase(condition, own, facts, 0)?);
        }
    }
    Ok(s)
}

/// The old scheme with the new levels: a criterion both versions have
/// keeps its old definition (under its new id when `renames`, old id → new
/// id, says it was renamed); one only the new version has comes from it.
fn with_new_levels(
    old: &Scheme,
    new: &Scheme,
    renames: &BTreeMap<&str, &str>,
    facts: &mut Vec<Fact>,
    new_facts: &[Fact],
) -> Result<Scheme, AnalysisError> {
    let mut s = old.clone();
    s.levels = new.levels.clone();
    for c in &mut s.criteria {
        if let Some(id) = renames.get(c.id.as_str()) {
            c.id = (*id).to_string();
        }
    }
    for c in &new.criteria {
        if !s.criteria.iter().any(|x| x.id == c.id) {
            let mut c = c.clone();
            if let Some(condition) = &c.condition {
                c.condition = Some(rebase(condition, new_facts, facts, 0)?);
            }
            s.criteria.push(c);
        }
    }
    Ok(s)
}

/// One rank compared under the old and the new levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    pub rank: i64,
    /// `old_implies_new`: every product reaching the rank under the old
    /// levels reaches it under the new ones; `new_implies_old` the converse.
    pub directions: Directions,
    /// Whether some product reaches the rank under either version. When
    /// none does (a required criterion pending or never passing), both
    /// directions hold vacuously.
    pub reachable: bool,
}

/// For each of `ranks` that both versions define: whether every product
/// reaching it under `old`'s levels reaches it under `new`'s, and the
/// converse, with a witness (confirmed by the evaluator) for each direction
/// that fails. The criteria are `old`'s (over `old_facts`), plus those only
/// `new` has (over `new_facts`); facts are joined by name, and a fact whose
/// type changed makes the question unanswerable. Judged on `as_of`.
pub fn compare_membership(
    old: (&Scheme, &[Fact]),
    new: (&Scheme, &[Fact]),
    renames: &BTreeMap<&str, &str>,
    ranks: &[i64],
    as_of: Date,
) -> Result<Vec<Membership>, AnalysisError> {
    let mut facts = Vec::new();
    let a = rebased(old.0, old.1, &mut facts)?;
    let b = with_new_levels(&a, new.0, renames, &mut facts, new.1)?;
    let positions: Vec<(i64, usize, usize)> = ranks
        .iter()
        .filter_map(|rank| {
            let pa = a.levels.iter().position(|l| l.rank == *rank)?;
            let pb = b.levels.iter().position(|l| l.rank == *rank)?;
            Some((*rank, pa, pb))
        })
        .collect();
    let rules = RuleSet {
        format: crate::rules::FORMAT.to_string(),
        digest: String::new(),
        sources: Vec::new(),
        facts,
        // One scheme id for both: a product names one category for them.
        schemes: vec![a, b],
        recognitions: Vec::new(),
    };
    let mut analyzer = Analyzer::new(&rules, as_of);
    let mut out = Vec::new();
    for (rank, pa, pb) in positions {
        let old = Target::Level {
            scheme: 0,
            position: pa,
        };
        let new = Target::Level {
            scheme: 1,
            position: pb,
        };
        let directions = Directions {
            old_implies_new: analyzer.implies(&old, &new)?,
            new_implies_old: analyzer.implies(&new, &old)?,
        };
        // Both directions fail only when some product reaches one side.
        let reachable = !(directions.old_implies_new.holds() && directions.new_implies_old.holds())
            || analyzer.satisfiable(&old)?.is_some();
        out.push(Membership {
            rank,
            directions,
            reachable,
        });
    }
    Ok(out)
}
