//! The verdict a scheme plan comes to, read from the plan alone: which
//! level is reachable, what blocks the target, how much work remains.

use super::SchemePlan;
use crate::eval::Verdict;
use crate::rules::Method;

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
