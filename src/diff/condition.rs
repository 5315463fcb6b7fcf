//! The direction of a condition change: decided for a threshold moved on
//! the same fact and operator, a conjunct or disjunct added or removed, a
//! set of allowed values grown or shrunk, a `within` window widened or
//! narrowed; `mixed` for anything else. With the facts of both rule sets
//! ([`compare_conditions_in`]), what those rules leave `mixed` is decided
//! by meaning (the decision procedure in [`crate::analysis`]).

use std::collections::BTreeSet;

use super::Class;
use crate::rules::{Comparison, Condition, Fact, Literal};

fn number(l: &Literal) -> Option<f64> {
    match l {
        Literal::Int(i) => Some(*i as f64),
        Literal::Decimal(d) => Some(*d),
        _ => None,
    }
}

/// `None` when the conditions are the same (apart from layout); otherwise
/// the class and the reason.
pub fn compare_conditions(old: &Condition, new: &Condition) -> Option<(Class, String)> {
    if old.same_shape(new) {
        return None;
    }
    Some(direction(old, new, 0))
}

/// [`compare_conditions`], then, for a change it calls `mixed`, the
/// decision procedure over `facts` (old, new): `tightening` when the new
/// condition implies the old, `loosening` the other way, `neutral` both
/// ways, `mixed` neither, with a witness product for each direction that
/// fails. A change the procedure cannot read (a fact whose type changed)
/// stays as the syntactic rules left it.
pub fn compare_conditions_in(
    old: &Condition,
    new: &Condition,
    facts: Option<(&[Fact], &[Fact])>,
) -> Option<(Class, String)> {
    let (class, reason) = compare_conditions(old, new)?;
    let Some((old_facts, new_facts)) = facts.filter(|_| class == Class::Mixed) else {
        return Some((class, reason));
    };
    // A condition over `within` or `assessment` is judged on the day diff runs.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let Ok(d) = crate::analysis::compare(old, old_facts, new, new_facts, today) else {
        return Some((class, reason));
    };
    let change = format!("`{}` → `{}`", old.text(), new.text());
    let passes_only = |which: &str, w: Option<&serde_json::Value>| {
        w.map(|w| {
            format!(
                "; facts that pass only the {which} condition: {}",
                w.get("facts").unwrap_or(w)
            )
        })
        .unwrap_or_default()
    };
    let lost = passes_only("old", d.old_implies_new.witness());
    let gained = passes_only("new", d.new_implies_old.witness());
    Some(
        match (d.old_implies_new.holds(), d.new_implies_old.holds()) {
            (true, true) => (Class::Neutral, format!("equivalent by meaning: {change}")),
            (false, true) => (
                Class::Tightening,
                format!(
                    "stricter by meaning (every product passing the new condition passes the old): {change}{lost}"
                ),
            ),
            (true, false) => (
                Class::Loosening,
                format!(
                    "looser by meaning (every product passing the old condition passes the new): {change}{gained}"
                ),
            ),
            (false, false) => (
                Class::Mixed,
                format!("{reason}; by meaning neither implies the other{lost}{gained}"),
            ),
        },
    )
}

/// A change the syntactic rules name: `mixed` with the reason and both texts.
fn mixed(why: &str, old: &Condition, new: &Condition) -> (Class, String) {
    (
        Class::Mixed,
        format!("{why}: `{}` → `{}`", old.text(), new.text()),
    )
}

fn direction(old: &Condition, new: &Condition, depth: usize) -> (Class, String) {
    if depth > 64 {
        return mixed("condition changed", old, new);
    }
    // A change of one predicate on the same fact.
    if let Some(found) = threshold(old, new)
        .or_else(|| values(old, new))
        .or_else(|| window(old, new))
    {
        return found;
    }
    match (old, new) {
        (Condition::And { args: a, .. }, Condition::And { args: b, .. }) => {
            junction(a, b, Class::Tightening, "conjunct", old, new, depth)
        }
        (Condition::Or { args: a, .. }, Condition::Or { args: b, .. }) => {
            junction(a, b, Class::Loosening, "disjunct", old, new, depth)
        }
        // One condition became (or stopped being) a conjunct / disjunct of a larger one.
        (_, Condition::And { args, .. }) if args.iter().any(|x| x.same_shape(old)) => (
            Class::Tightening,
            format!("conjunct added: `{}` → `{}`", old.text(), new.text()),
        ),
        (Condition::And { args, .. }, _) if args.iter().any(|x| x.same_shape(new)) => (
            Class::Loosening,
            format!("conjunct removed: `{}` → `{}`", old.text(), new.text()),
        ),
        (_, Condition::Or { args, .. }) if args.iter().any(|x| x.same_shape(old)) => (
            Class::Loosening,
            format!("disjunct added: `{}` → `{}`", old.text(), new.text()),
        ),
        (Condition::Or { args, .. }, _) if args.iter().any(|x| x.same_shape(new)) => (
            Class::Tightening,
            format!("disjunct removed: `{}` → `{}`", old.text(), new.text()),
        ),
        (Condition::Not { arg: a, .. }, Condition::Not { arg: b, .. }) => {
            let (class, reason) = direction(a, b, depth + 1);
            (class.flip(), format!("under `not`: {reason}"))
        }
        _ => mixed("condition changed", old, new),
    }
}

/// A threshold moved on the same fact and operator; `None` for any other change.
fn threshold(old: &Condition, new: &Condition) -> Option<(Class, String)> {
    let (
        Condition::Compare {
            fact: f1,
            comparison: c1,
            value: v1,
            ..
        },
        Condition::Compare {
            fact: f2,
            comparison: c2,
            value: v2,
            ..
        },
    ) = (old, new)
    else {
        return None;
    };
    if f1.name != f2.name || c1 != c2 {
        return None;
    }
    let moved = match (number(v1), number(v2), v1, v2) {
        (Some(a), Some(b), _, _) => a.partial_cmp(&b),
        (_, _, Literal::Date(a), Literal::Date(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let Some(order) = moved else {
        return Some(mixed("the compared value changed", old, new));
    };
    let raised = order == std::cmp::Ordering::Less;
    let class = match (c1, raised) {
        (Comparison::Ge | Comparison::Gt, true) | (Comparison::Le | Comparison::Lt, false) => {
            Class::Tightening
        }
        (Comparison::Ge | Comparison::Gt, false) | (Comparison::Le | Comparison::Lt, true) => {
            Class::Loosening
        }
        (Comparison::Eq | Comparison::Ne, _) => {
            return Some(mixed("the required value changed", old, new));
        }
    };
    Some((
        class,
        format!(
            "threshold on `{}` moved: `{}` → `{}`",
            f1.name,
            old.text(),
            new.text()
        ),
    ))
}

/// A set of allowed (or excluded, or required) values changed on the same
/// fact; `None` for any other change.
fn values(old: &Condition, new: &Condition) -> Option<(Class, String)> {
    match (old, new) {
        (
            Condition::In {
                fact: f1,
                values: v1,
                negated: n1,
                ..
            },
            Condition::In {
                fact: f2,
                values: v2,
                negated: n2,
                ..
            },
        ) if f1.name == f2.name && n1 == n2 => {
            let a: BTreeSet<String> = v1
                .iter()
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .collect();
            let b: BTreeSet<String> = v2
                .iter()
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .collect();
            Some(set_change(&a, &b, *n1, &f1.name, old, new))
        }
        (
            Condition::SubsetOf {
                fact: f1,
                values: v1,
                ..
            },
            Condition::SubsetOf {
                fact: f2,
                values: v2,
                ..
            },
        ) if f1.name == f2.name => {
            let (a, b): (BTreeSet<String>, BTreeSet<String>) =
                (v1.iter().cloned().collect(), v2.iter().cloned().collect());
            Some(set_change(&a, &b, false, &f1.name, old, new))
        }
        (
            Condition::SupersetOf {
                fact: f1,
                values: v1,
                ..
            },
            Condition::SupersetOf {
                fact: f2,
                values: v2,
                ..
            },
        ) if f1.name == f2.name => {
            // Every listed value must be present: more values is stricter.
            let (a, b): (BTreeSet<String>, BTreeSet<String>) =
                (v1.iter().cloned().collect(), v2.iter().cloned().collect());
            Some(set_change(&a, &b, true, &f1.name, old, new))
        }
        _ => None,
    }
}

/// A `within N days` window widened or narrowed on the same fact and
/// direction; `None` for any other change.
fn window(old: &Condition, new: &Condition) -> Option<(Class, String)> {
    let (
        Condition::Within {
            fact: f1,
            days: d1,
            direction: r1,
            ..
        },
        Condition::Within {
            fact: f2,
            days: d2,
            direction: r2,
            ..
        },
    ) = (old, new)
    else {
        return None;
    };
    if f1.name != f2.name || r1 != r2 || d1 == d2 {
        return None;
    }
    let class = if d2 > d1 {
        Class::Loosening
    } else {
        Class::Tightening
    };
    Some((
        class,
        format!("window on `{}` changed: {d1} → {d2} days", f1.name),
    ))
}

/// Allowed values grown (looser) or shrunk (stricter); `inverted` when
/// the values are excluded or all required, which turns the direction around.
fn set_change(
    a: &BTreeSet<String>,
    b: &BTreeSet<String>,
    inverted: bool,
    fact: &str,
    old: &Condition,
    new: &Condition,
) -> (Class, String) {
    let (class, what) = if a.is_subset(b) {
        (Class::Loosening, "grown")
    } else if b.is_subset(a) {
        (Class::Tightening, "shrunk")
    } else {
        return (
            Class::Mixed,
            format!(
                "values of `{fact}` replaced: `{}` → `{}`",
                old.text(),
                new.text()
            ),
        );
    };
    let class = if inverted { class.flip() } else { class };
    (
        class,
        format!(
            "set of values for `{fact}` {what}: `{}` → `{}`",
            old.text(),
            new.text()
        ),
    )
}

/// Conjunctions (`added` = tightening) or disjunctions (`added` = loosening).
fn junction(
    a: &[Condition],
    b: &[Condition],
    added: Class,
    word: &str,
    old: &Condition,
    new: &Condition,
    depth: usize,
) -> (Class, String) {
    let only_old: Vec<usize> = (0..a.len())
        .filter(|i| {
            a.get(*i)
                .is_some_and(|x| !b.iter().any(|y| y.same_shape(x)))
        })
        .collect();
    let only_new: Vec<usize> = (0..b.len())
        .filter(|i| {
            b.get(*i)
                .is_some_and(|y| !a.iter().any(|x| x.same_shape(y)))
        })
        .collect();
    match (only_old.as_slice(), only_new.as_slice()) {
        ([], [_, ..]) => (
            added,
            format!("{word} added: `{}` → `{}`", old.text(), new.text()),
        ),
        ([_, ..], []) => (
            added.flip(),
            format!("{word} removed: `{}` → `{}`", old.text(), new.text()),
        ),
        ([i], [j]) => match (a.get(*i), b.get(*j)) {
            (Some(x), Some(y)) => direction(x, y, depth + 1),
            _ => (Class::Mixed, "condition changed".to_string()),
        },
        _ => (
            Class::Mixed,
            format!(
                "several {word}s changed: `{}` → `{}`",
                old.text(),
                new.text()
            ),
        ),
    }
}
