//! The diff for a person (`--format human`).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Change, Class, Diff, Products};
use crate::text::count;

/// A changed value for a person: a string as it is, other values as compact
/// JSON, each in backticks; `(none)` when the side has none.
fn human_value(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "(none)".to_string(),
        Some(serde_json::Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("`{other}`"),
    }
}

/// The diff for a person: grouped by scheme and class, most severe first.
pub fn render_human(diff: &Diff) -> String {
    let mut out = String::new();
    render_summary(diff, &mut out);
    render_changes(diff, &mut out);
    if let Some(p) = &diff.products {
        render_products(p, &mut out);
    }
    out
}

/// The versions compared and the count of each class.
fn render_summary(diff: &Diff, out: &mut String) {
    // Schemes with changes are named one a line; the others in one line.
    let changed: BTreeSet<&str> = diff.changes.iter().map(|c| c.scheme.as_str()).collect();
    let (with_changes, unchanged): (Vec<&String>, Vec<&String>) =
        diff.compared.iter().partition(|compared| {
            let id = compared
                .split_once('@')
                .map_or(compared.as_str(), |(id, _)| id);
            changed.contains(id)
        });
    for compared in with_changes {
        let _ = writeln!(out, "compared {compared}");
    }
    if !unchanged.is_empty() {
        let list: Vec<&str> = unchanged.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            out,
            "unchanged: {} ({})",
            count(unchanged.len(), "scheme", "schemes"),
            list.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "{} tightening, {} mixed, {} loosening, {} neutral",
        diff.count(Class::Tightening),
        diff.count(Class::Mixed),
        diff.count(Class::Loosening),
        diff.count(Class::Neutral)
    );
}

/// The changes, by scheme, then by class.
fn render_changes(diff: &Diff, out: &mut String) {
    let schemes: BTreeSet<&str> = diff.changes.iter().map(|c| c.scheme.as_str()).collect();
    for scheme in schemes {
        let _ = writeln!(out, "\n{scheme}");
        for class in [
            Class::Tightening,
            Class::Mixed,
            Class::Loosening,
            Class::Neutral,
        ] {
            let changes: Vec<&Change> = diff
                .changes
                .iter()
                .filter(|c| c.scheme == scheme && c.class == class)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {}", class.word());
            for c in changes {
                let _ = writeln!(out, "    {} {}: {}", c.kind, c.id, c.reason);
                if c.old.is_some() || c.new.is_some() {
                    let _ = writeln!(
                        out,
                        "      {} → {}",
                        human_value(c.old.as_ref()),
                        human_value(c.new.as_ref())
                    );
                }
            }
        }
    }
}

/// The product impact.
fn render_products(p: &Products, out: &mut String) {
    let _ = writeln!(
        out,
        "\nproducts: {}; {} change level, {} change reachable; {}",
        count(p.evaluated, "judgement", "judgements"),
        p.level_changed,
        p.reachable_changed,
        count(p.error_count, "error", "errors")
    );
    let level = |l: Option<i64>| l.map_or("none".to_string(), |l| l.to_string());
    for c in &p.changed {
        let _ = write!(
            out,
            "  {} ({}, line {}): level {} → {}, reachable {} → {}",
            c.id,
            c.scheme,
            c.line,
            level(c.old_level),
            level(c.new_level),
            level(c.old_reachable),
            level(c.new_reachable)
        );
        if !c.criteria.is_empty() {
            let _ = write!(out, "; {}", c.criteria.join(", "));
        }
        for (when, rests) in [
            ("old", &c.old_level_rests_on),
            ("new", &c.new_level_rests_on),
        ] {
            if let Some(rests) = rests {
                let _ = write!(out, " ({when} level {rests})");
            }
        }
        let _ = writeln!(out);
    }
    render_product_counts(p, out);
}

/// The changed judgements not listed, the transitions and the errors.
fn render_product_counts(p: &Products, out: &mut String) {
    if p.changed_not_listed > 0 {
        let _ = writeln!(
            out,
            "  … and {} more, counted but not listed",
            count(
                p.changed_not_listed,
                "changed judgement",
                "changed judgements"
            )
        );
    }
    for (t, n) in &p.level_transitions {
        let _ = writeln!(out, "  level {t}: {n}");
    }
    for (t, n) in &p.reachable_transitions {
        let _ = writeln!(out, "  reachable {t}: {n}");
    }
    for e in &p.errors {
        let _ = writeln!(out, "  error: {e}");
    }
    if p.error_count > p.errors.len() {
        let _ = writeln!(
            out,
            "  … and {} more",
            count(p.error_count - p.errors.len(), "error", "errors")
        );
    }
}
