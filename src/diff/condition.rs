//! The direction of a condition change: decided for a threshold moved on
//! the same fact and operator, a conjunct or disjunct added or removed, a
//! set of allowed values grown or shrunk, a `within` window widened or
//! narrowed; `mixed` for anything else. With the facts of both rule sets
//! ([`compare_conditions_in`]), what those rules leave `mixed` is decided
//! by meaning (the decision procedure in [`crate::analysis`]).

use std::collections::BTreeSet;

use super::Class;
use crate::rules::{Comparison, Condition, Fact, Literal};

/// The condition as data without its source text, for structural equality.
fn shape(c: &Condition) -> serde_json::Value {
    let mut value = serde_json::to_value(c).unwrap_or(serde_json::Value::Null);
    strip_text(&mut value, 0);
    value
}

fn strip_text(value: &mut serde_json::Value, depth: usize) {
    if depth > 512 {
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            map.remove("text");
            for v in map.values_mut() {
                strip_text(v, depth + 1);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                strip_text(v, depth + 1);
            }
        }
        _ => {}
    }
}

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
    if shape(old) == shape(new) {
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

fn direction(old: &Condition, new: &Condition, depth: usize) -> (Class, String) {
    let mixed = |why: &str| {
        (
            Class::Mixed,
            format!("{why}: `{}` → `{}`", old.text(), new.text()),
        )
    };
    if depth > 64 {
        return mixed("condition changed");
    }
    match (old, new) {
        (
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
        ) if f1.name == f2.name && c1 == c2 => {
            let moved = match (number(v1), number(v2), v1, v2) {
                (Some(a), Some(b), _, _) => a.partial_cmp(&b),
                (_, _, Literal::Date(a), Literal::Date(b)) => Some(a.cmp(b)),
                _ => None,
            };
            let Some(order) = moved else {
                return mixed("the compared value changed");
            };
            let raised = order == std::cmp::Ordering::Less;
            let class = match (c1, raised) {
                (Comparison::Ge | Comparison::Gt, true)
                | (Comparison::Le | Comparison::Lt, false) => Class::Tightening,
                (Comparison::Ge | Comparison::Gt, false)
                | (Comparison::Le | Comparison::Lt, true) => Class::Loosening,
                (Comparison::Eq | Comparison::Ne, _) => return mixed("the required value changed"),
            };
            (
                class,
                format!(
                    "threshold on `{}` moved: `{}` → `{}`",
                    f1.name,
                    old.text(),
                    new.text()
                ),
            )
        }
        (Condition::And { args: a, .. }, Condition::And { args: b, .. }) => {
            junction(a, b, Class::Tightening, "conjunct", old, new, depth)
        }
        (Condition::Or { args: a, .. }, Condition::Or { args: b, .. }) => {
            junction(a, b, Class::Loosening, "disjunct", old, new, depth)
        }
        // One condition became (or stopped being) a conjunct / disjunct of a larger one.
        (_, Condition::And { args, .. }) if args.iter().any(|x| shape(x) == shape(old)) => (
            Class::Tightening,
            format!("conjunct added: `{}` → `{}`", old.text(), new.text()),
        ),
        (Condition::And { args, .. }, _) if args.iter().any(|x| shape(x) == shape(new)) => (
            Class::Loosening,
            format!("conjunct removed: `{}` → `{}`", old.text(), new.text()),
        ),
        (_, Condition::Or { args, .. }) if args.iter().any(|x| shape(x) == shape(old)) => (
            Class::Loosening,
            format!("disjunct added: `{}` → `{}`", old.text(), new.text()),
        ),
        (Condition::Or { args, .. }, _) if args.iter().any(|x| shape(x) == shape(new)) => (
            Class::Tightening,
            format!("disjunct removed: `{}` → `{}`", old.text(), new.text()),
        ),
        (Condition::Not { arg: a, .. }, Condition::Not { arg: b, .. }) => {
            let (class, reason) = direction(a, b, depth + 1);
            (class.flip(), format!("under `not`: {reason}"))
        }
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
            set_change(&a, &b, *n1, &f1.name, old, new)
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
            set_change(&a, &b, false, &f1.name, old, new)
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
            set_change(&a, &b, true, &f1.name, old, new)
        }
        (
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
        ) if f1.name == f2.name && r1 == r2 && d1 != d2 => {
            let class = if d2 > d1 {
                Class::Loosening
            } else {
                Class::Tightening
            };
            (
                class,
                format!("window on `{}` changed: {d1} → {d2} days", f1.name),
            )
        }
        _ => mixed("condition changed"),
    }
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
    let sa: Vec<serde_json::Value> = a.iter().map(shape).collect();
    let sb: Vec<serde_json::Value> = b.iter().map(shape).collect();
    let only_old: Vec<usize> = (0..a.len())
        .filter(|i| sa.get(*i).is_some_and(|x| !sb.contains(x)))
        .collect();
    let only_new: Vec<usize> = (0..b.len())
        .filter(|i| sb.get(*i).is_some_and(|x| !sa.contains(x)))
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
