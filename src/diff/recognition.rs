//! Recognitions that credit the compared versions: credit gained or lost,
//! and each field of a recognition that credits both.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Scope, Sink, compare_conditions_in};
use crate::rules::{Credit, Fact, Recognition, RecognitionStatus, Scheme};

fn credit_rank(c: Credit) -> u8 {
    match c {
        Credit::None => 0,
        Credit::Partial => 1,
        Credit::Full => 2,
    }
}

/// Whether a recognition of this status credits anything in evaluation.
fn credits(status: RecognitionStatus) -> bool {
    status != RecognitionStatus::Proposed
}

/// Why a recognition credits `this` version and not `other`: `lost` or
/// `gained`.
fn moved(this: &Scheme, other: &Scheme, what: &str) -> String {
    let (this, other) = (this.key(), other.key());
    let why = if what == "lost" { "withdrawn" } else { "added" };
    if this == other {
        format!("recognition {why}: a credit {what}")
    } else {
        format!("recognition credits `{this}` but not `{other}`: a credit {what}")
    }
}

/// Compares the recognitions that credit `sa` (`a`, by id) with those that
/// credit `sb` (`b`).
pub(super) fn diff_recognitions(
    a: &BTreeMap<&str, &Recognition>,
    b: &BTreeMap<&str, &Recognition>,
    sa: &Scheme,
    sb: &Scheme,
    facts: (&[Fact], &[Fact]),
) -> Vec<Change> {
    let mut out = Vec::new();
    for (key, x) in a {
        let mut sink = Sink {
            scheme: &x.to.scheme,
            changes: Vec::new(),
            facts: Some(facts),
        };
        let Some(y) = b.get(key) else {
            let class = if credits(x.status) && x.credit != Credit::None {
                Class::Tightening
            } else {
                Class::Neutral
            };
            let c = sink.push("recognition", &x.id, class, moved(sa, sb, "lost"));
            sink.old(c, serde_json::to_value(&x.to).ok());
            out.extend(sink.changes);
            continue;
        };
        diff_recognition(x, y, &mut sink);
        out.extend(sink.changes);
    }
    for y in b
        .iter()
        .filter(|(k, _)| !a.contains_key(*k))
        .map(|(_, y)| y)
    {
        let class = if credits(y.status) && y.credit != Credit::None {
            Class::Loosening
        } else {
            Class::Neutral
        };
        out.push(Change {
            scheme: y.to.scheme.clone(),
            kind: "recognition".into(),
            id: y.id.clone(),
            class,
            reason: moved(sb, sa, "gained"),
            old: None,
            new: serde_json::to_value(&y.to).ok(),
        });
    }
    out
}

/// One recognition that credits both versions, field by field.
fn diff_recognition(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    recognition_credit(x, y, sink);
    recognition_from(x, y, sink);
    recognition_text(x, y, sink);
    recognition_except(x, y, sink);
    recognition_verify(x, y, sink);
    recognition_credits(x, y, sink);
    recognition_scope(x, y, sink);
    recognition_dates(x, y, sink);
    recognition_condition(x, y, sink);
}

/// The credit given, and whether the recognition is in force.
fn recognition_credit(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    if credit_rank(y.credit) != credit_rank(x.credit) {
        let class = if credit_rank(y.credit) > credit_rank(x.credit) {
            Class::Loosening
        } else {
            Class::Tightening
        };
        let c = sink.push("recognition.credit", id, class, "credit changed");
        sink.values(c, &x.credit, &y.credit);
    }
    if credits(x.status) != credits(y.status) {
        let class = if credits(y.status) {
            Class::Loosening
        } else {
            Class::Tightening
        };
        let c = sink.push(
            "recognition.status",
            id,
            class,
            "whether it is in force changed",
        );
        sink.values(c, &x.status, &y.status);
    } else {
        sink.neutral("recognition.status", id, &x.status, &y.status, "status");
    }
}

/// What the recognition accepts (`from`).
fn recognition_from(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    if x.from != y.from {
        // Holding a higher level of the source scheme is harder to show.
        let class = match (x.from.level, y.from.level) {
            (Some(l1), Some(l2))
                if x.from.scheme == y.from.scheme && x.from.version == y.from.version =>
            {
                if l2 > l1 {
                    Class::Tightening
                } else {
                    Class::Loosening
                }
            }
            _ => Class::Mixed,
        };
        let c = sink.push(
            "recognition.from",
            id,
            class,
            "what the recognition accepts changed",
        );
        sink.values(c, &x.from, &y.from);
    }
}

/// Relationship, source and basis: no product changes level.
fn recognition_text(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    sink.neutral(
        "recognition.relationship",
        id,
        &x.relationship,
        &y.relationship,
        "relationship",
    );
    sink.neutral("recognition.source", id, &x.source, &y.source, "source");
    sink.neutral("recognition.basis", id, &x.basis, &y.basis, "basis");
}

/// The categories it leaves out (`except`).
fn recognition_except(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    if x.except != y.except {
        let (ea, eb): (BTreeSet<&String>, BTreeSet<&String>) =
            (x.except.iter().collect(), y.except.iter().collect());
        // Leaving more categories out credits fewer products.
        let class = if ea.is_subset(&eb) {
            Class::Tightening
        } else if eb.is_subset(&ea) {
            Class::Loosening
        } else {
            Class::Mixed
        };
        let c = sink.push(
            "recognition.except",
            id,
            class,
            "the categories it leaves out changed",
        );
        sink.values(c, &x.except, &y.except);
    }
}

/// The basis of its end date and what to verify: no product changes level.
fn recognition_verify(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    sink.neutral(
        "recognition.valid_until_basis",
        id,
        &x.valid_until_basis,
        &y.valid_until_basis,
        "basis of the end date",
    );
    sink.neutral(
        "recognition.verify",
        id,
        &x.verify,
        &y.verify,
        "what to verify",
    );
}

/// The criteria it credits.
fn recognition_credits(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    let (ca, cb): (BTreeSet<&String>, BTreeSet<&String>) =
        (x.credits.iter().collect(), y.credits.iter().collect());
    for added in cb.difference(&ca) {
        let c = sink.push(
            "recognition.credits",
            id,
            Class::Loosening,
            format!("now credits `{added}`"),
        );
        sink.new_value(c, Some(serde_json::Value::String((*added).clone())));
    }
    for removed in ca.difference(&cb) {
        let c = sink.push(
            "recognition.credits",
            id,
            Class::Tightening,
            format!("no longer credits `{removed}`"),
        );
        sink.old(c, Some(serde_json::Value::String((*removed).clone())));
    }
}

/// The categories it covers (`applies_to`).
fn recognition_scope(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    if let Some(scope) = Scope::change(&x.applies_to, &y.applies_to) {
        // Credit for more categories can only raise a product's level.
        let class = match scope {
            Scope::Wider => Class::Loosening,
            Scope::Narrower => Class::Tightening,
            Scope::Other => Class::Mixed,
        };
        let c = sink.push("recognition.applies_to", id, class, scope.reason("covers"));
        sink.values(c, &x.applies_to, &y.applies_to);
    }
}

/// Its validity dates.
fn recognition_dates(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    if x.valid_from != y.valid_from || x.valid_until != y.valid_until {
        let c = sink.push(
            "recognition.validity",
            id,
            Class::Mixed,
            "validity dates changed: earlier or later credit, by date",
        );
        sink.values(
            c,
            &(&x.valid_from, &x.valid_until),
            &(&y.valid_from, &y.valid_until),
        );
    }
}

/// The condition of the credit, by [`compare_conditions_in`].
fn recognition_condition(x: &Recognition, y: &Recognition, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    match (&x.condition, &y.condition) {
        (Some(p), Some(q)) => {
            if let Some((class, reason)) = compare_conditions_in(p, q, sink.facts) {
                // A stricter condition for a credit is a tightening of the scheme.
                sink.push(
                    "recognition.condition",
                    id,
                    class,
                    format!("condition for the credit: {reason}"),
                );
            }
        }
        (None, Some(_)) => {
            sink.push(
                "recognition.condition",
                id,
                Class::Tightening,
                "the credit now has a condition",
            );
        }
        (Some(_), None) => {
            sink.push(
                "recognition.condition",
                id,
                Class::Loosening,
                "the credit no longer has a condition",
            );
        }
        (None, None) => {}
    }
}
