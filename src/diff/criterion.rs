//! Criteria: added, removed, renamed (`renamed_from`), and each field of a
//! criterion on both sides.

use std::collections::{BTreeMap, BTreeSet};

use super::levels::renames;
use super::{Class, Scope, Sink, compare_conditions_in};
use crate::rules::{Criterion, Scheme, Status};

/// Criteria some level requires.
fn in_levels(s: &Scheme) -> BTreeSet<&str> {
    s.levels
        .iter()
        .flat_map(|l| {
            l.requires_all
                .iter()
                .chain(l.at_least_all.iter().flat_map(|g| g.of.iter()))
        })
        .map(String::as_str)
        .collect()
}

pub(super) fn diff_criteria(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let ca: BTreeMap<&str, &Criterion> = a.criteria.iter().map(|c| (c.id.as_str(), c)).collect();
    let cb: BTreeMap<&str, &Criterion> = b.criteria.iter().map(|c| (c.id.as_str(), c)).collect();
    // New criteria that say which old id they were.
    let renamed = renames(a, b);
    let (la, lb) = (in_levels(a), in_levels(b));
    for (id, x) in &ca {
        let Some(y) = cb
            .get(id)
            .or_else(|| renamed.get(id).and_then(|n| cb.get(n)))
        else {
            // A removed criterion a level required shows as `level.requires` (loosening).
            let reason = if la.contains(id) {
                "criterion removed (see its `level.requires` change)"
            } else {
                "criterion removed; no level required it"
            };
            sink.push("criterion", id, Class::Neutral, reason);
            continue;
        };
        if y.id != x.id {
            let c = sink.push(
                "criterion.id",
                id,
                Class::Neutral,
                format!("renamed to `{}` (`renamed_from`)", y.id),
            );
            sink.values(c, &x.id, &y.id);
        }
        diff_criterion(x, y, sink);
    }
    for (id, y) in &cb {
        if ca.contains_key(id)
            || y.renamed_from
                .as_deref()
                .is_some_and(|old| renamed.get(old) == Some(id))
        {
            continue;
        }
        // An added criterion a level requires shows as `level.requires` (tightening).
        let reason = if lb.contains(id) {
            "criterion added (see its `level.requires` change)"
        } else {
            "criterion added; no level requires it"
        };
        sink.push("criterion", id, Class::Neutral, reason);
    }
}

fn diff_criterion(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    criterion_text(x, y, sink);
    criterion_scope(x, y, sink);
    criterion_status(x, y, sink);
    // Validity: a criterion that applies on fewer dates is looser.
    criterion_valid_from(x, y, sink);
    criterion_valid_until(x, y, sink);
    criterion_condition(x, y, sink);
}

/// What changes no product's level: title, citation, method, evidence, bases.
fn criterion_text(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    sink.neutral("criterion.title", id, &x.title, &y.title, "title");
    sink.neutral(
        "criterion.citation",
        id,
        &x.citation,
        &y.citation,
        "citation",
    );
    sink.neutral(
        "criterion.method",
        id,
        &x.method,
        &y.method,
        "assessment method",
    );
    sink.neutral(
        "criterion.evidence",
        id,
        &x.evidence,
        &y.evidence,
        "evidence",
    );
    sink.neutral("criterion.basis", id, &x.basis, &y.basis, "basis");
    sink.neutral(
        "criterion.valid_until_basis",
        id,
        &x.valid_until_basis,
        &y.valid_until_basis,
        "basis of the end date",
    );
}

/// The categories a criterion applies to.
fn criterion_scope(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    if let Some(scope) = Scope::change(&x.applies_to, &y.applies_to) {
        // A criterion that applies to more products can fail for more of them.
        let class = match scope {
            Scope::Wider => Class::Tightening,
            Scope::Narrower => Class::Loosening,
            Scope::Other => Class::Mixed,
        };
        let c = sink.push(
            "criterion.applies_to",
            id,
            class,
            scope.reason("applies to"),
        );
        sink.values(c, &x.applies_to, &y.applies_to);
    }
}

/// Confirmed or pending.
fn criterion_status(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    if x.status != y.status {
        let reason = match (&x.status, &y.status) {
            (Status::Pending { .. }, Status::Confirmed) => {
                "confirmed: its outcome is now decided by its condition"
            }
            (Status::Confirmed, Status::Pending { .. }) => {
                "now pending: the published text leaves it open"
            }
            _ => "pending reason changed",
        };
        let class = if matches!(
            (&x.status, &y.status),
            (Status::Pending { .. }, Status::Pending { .. })
        ) {
            Class::Neutral
        } else {
            Class::Mixed
        };
        let c = sink.push("criterion.status", id, class, reason);
        sink.values(c, &x.status, &y.status);
    }
}

/// The first date a criterion applies on.
fn criterion_valid_from(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    match (&x.valid_from, &y.valid_from) {
        (a, b) if a == b => {}
        (Some(a), Some(b)) if b > a => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Loosening,
            "applies from a later date",
            a,
            b,
        ),
        (Some(a), Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Tightening,
            "applies from an earlier date",
            a,
            b,
        ),
        (None, Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Loosening,
            "now applies only from a date",
            "",
            b,
        ),
        (Some(a), None) => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Tightening,
            "no longer waits for a date",
            a,
            "",
        ),
        (None, None) => {}
    }
}

/// The last date a criterion applies on.
fn criterion_valid_until(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    match (&x.valid_until, &y.valid_until) {
        (a, b) if a == b => {}
        (Some(a), Some(b)) if b < a => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Loosening,
            "stops applying earlier",
            a,
            b,
        ),
        (Some(a), Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Tightening,
            "applies until a later date",
            a,
            b,
        ),
        (None, Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Loosening,
            "now stops applying at a date",
            "",
            b,
        ),
        (Some(a), None) => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Tightening,
            "no longer stops applying",
            a,
            "",
        ),
        (None, None) => {}
    }
}

/// The condition, by [`compare_conditions_in`].
fn criterion_condition(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    match (&x.condition, &y.condition) {
        (Some(a), Some(b)) => {
            if let Some((class, reason)) = compare_conditions_in(a, b, sink.facts) {
                let c = sink.push("criterion.condition", id, class, reason);
                sink.old(c, Some(serde_json::Value::String(a.text().to_string())));
                sink.new_value(c, Some(serde_json::Value::String(b.text().to_string())));
            }
        }
        (None, Some(b)) => {
            let c = sink.push(
                "criterion.condition",
                id,
                Class::Mixed,
                "a condition is now given",
            );
            sink.new_value(c, Some(serde_json::Value::String(b.text().to_string())));
        }
        (Some(a), None) => {
            let c = sink.push(
                "criterion.condition",
                id,
                Class::Mixed,
                "the condition was removed",
            );
            sink.old(c, Some(serde_json::Value::String(a.text().to_string())));
        }
        (None, None) => {}
    }
}

fn date_change(
    sink: &mut Sink<'_>,
    id: &str,
    kind: &str,
    class: Class,
    reason: &str,
    old: &str,
    new: &str,
) {
    let c = sink.push(kind, id, class, reason);
    sink.old(
        c,
        (!old.is_empty()).then(|| serde_json::Value::String(old.to_string())),
    );
    sink.new_value(
        c,
        (!new.is_empty()).then(|| serde_json::Value::String(new.to_string())),
    );
}
