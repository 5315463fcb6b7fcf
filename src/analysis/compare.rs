//! Two conditions compared by meaning (for `labelc diff`): each over its own
//! rule set's facts, joined by fact name into a small rule set of their own
//! in which they are two criteria, so the evaluator confirms every witness.

use jiff::civil::Date;

use super::{AnalysisError, Analyzer, Implication, Target};
use crate::rules::{
    AppliesTo, Category, Condition, Criterion, Fact, Location, RuleSet, Scheme, Status,
};

/// The two directions between an old and a new condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Directions {
    /// Every product passing the old condition passes the new one.
    pub old_implies_new: Implication,
    /// Every product passing the new condition passes the old one.
    pub new_implies_old: Implication,
}

/// The category the witnesses of [`compare`] name.
pub const CATEGORY: &str = "any";
/// The scheme id the witnesses of [`compare`] name.
pub const SCHEME: &str = "compared";

fn location() -> Location {
    Location {
        file: String::new(),
        line: 0,
        column: 0,
    }
}

/// `condition` with its fact slots renumbered into `facts` (by name); the
/// facts it reads are taken from `own` (its rule set's facts) and added.
pub(super) fn rebase(
    condition: &Condition,
    own: &[Fact],
    facts: &mut Vec<Fact>,
    depth: usize,
) -> Result<Condition, AnalysisError> {
    if depth > 256 {
        return Err(AnalysisError::Unsupported(
            "a condition is nested too deeply".to_string(),
        ));
    }
    let mut c = condition.clone();
    let fact_ref = match &mut c {
        Condition::And { args, .. } | Condition::Or { args, .. } => {
            for a in args.iter_mut() {
                *a = rebase(a, own, facts, depth + 1)?;
            }
            return Ok(c);
        }
        Condition::Not { arg, .. } => {
            **arg = rebase(arg, own, facts, depth + 1)?;
            return Ok(c);
        }
        Condition::IsTrue { fact, .. }
        | Condition::Present { fact, .. }
        | Condition::Compare { fact, .. }
        | Condition::In { fact, .. }
        | Condition::Contains { fact, .. }
        | Condition::SubsetOf { fact, .. }
        | Condition::SupersetOf { fact, .. }
        | Condition::Within { fact, .. } => fact,
    };
    let declared = own
        .get(fact_ref.slot as usize)
        .filter(|f| f.name == fact_ref.name)
        .ok_or_else(|| {
            AnalysisError::Unsupported(format!("fact `{}` is not declared", fact_ref.name))
        })?;
    let slot = match facts.iter().position(|f| f.name == fact_ref.name) {
        Some(i) => {
            if facts.get(i).is_some_and(|f| f.ty != declared.ty) {
                return Err(AnalysisError::Unsupported(format!(
                    "fact `{}` changed type",
                    fact_ref.name
                )));
            }
            i
        }
        None => {
            facts.push(declared.clone());
            facts.len() - 1
        }
    };
    fact_ref.slot = u32::try_from(slot)
        .map_err(|_| AnalysisError::Unsupported("too many facts".to_string()))?;
    Ok(c)
}

fn criterion(id: &str, condition: Condition) -> Criterion {
    Criterion {
        id: id.to_string(),
        title: id.to_string(),
        citation: None,
        applies_to: AppliesTo::All,
        method: None,
        evidence: Vec::new(),
        status: Status::Confirmed,
        valid_from: None,
        valid_until: None,
        condition: Some(condition),
        renamed_from: None,
        basis: None,
        valid_until_basis: None,
        location: location(),
    }
}

/// Decides both directions between `old` (over `old_facts`) and `new`
/// (over `new_facts`) on `as_of`, with a witness for each that fails.
pub fn compare(
    old: &Condition,
    old_facts: &[Fact],
    new: &Condition,
    new_facts: &[Fact],
    as_of: Date,
) -> Result<Directions, AnalysisError> {
    let mut facts = Vec::new();
    let old = rebase(old, old_facts, &mut facts, 0)?;
    let new = rebase(new, new_facts, &mut facts, 0)?;
    let rules = RuleSet {
        format: crate::rules::FORMAT.to_string(),
        digest: String::new(),
        sources: Vec::new(),
        facts,
        schemes: vec![Scheme {
            id: SCHEME.to_string(),
            version: "1".to_string(),
            title: "conditions compared".to_string(),
            jurisdiction: None,
            nature: None,
            nature_note: None,
            status: None,
            effective: None,
            sources: Vec::new(),
            authorities: Vec::new(),
            categories: vec![Category {
                id: CATEGORY.to_string(),
                title: None,
                parent: None,
                effective: None,
                phase: None,
                status: Status::Confirmed,
                excluded: None,
                grouping: None,
                basis: None,
                location: location(),
            }],
            criteria: vec![criterion("old", old), criterion("new", new)],
            levels: Vec::new(),
            location: location(),
        }],
        recognitions: Vec::new(),
    };
    let old = Target::Criterion {
        scheme: 0,
        index: 0,
    };
    let new = Target::Criterion {
        scheme: 0,
        index: 1,
    };
    let mut analyzer = Analyzer::new(&rules, as_of);
    Ok(Directions {
        old_implies_new: analyzer.implies(&old, &new)?,
        new_implies_old: analyzer.implies(&new, &old)?,
    })
}
