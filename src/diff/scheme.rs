//! The scheme's own fields, its categories and the facts: metadata is
//! neutral, scope changes move products in or out.

use std::collections::BTreeMap;

use super::criterion::diff_criteria;
use super::levels::diff_levels;
use super::{Class, Sink};
use crate::rules::{Category, RuleSet, Scheme};

pub(super) fn diff_facts(old: &RuleSet, new: &RuleSet, sink: &mut Sink<'_>) {
    let a: BTreeMap<&str, _> = old.facts.iter().map(|f| (f.name.as_str(), f)).collect();
    let b: BTreeMap<&str, _> = new.facts.iter().map(|f| (f.name.as_str(), f)).collect();
    for (name, fa) in &a {
        match b.get(name) {
            None => {
                sink.push(
                    "fact",
                    name,
                    Class::Neutral,
                    "fact removed; conditions that read it are reported where they changed",
                );
            }
            Some(fb) => {
                if fa.ty != fb.ty {
                    let c = sink.push(
                        "fact.type",
                        name,
                        Class::Mixed,
                        "fact type changed: the same product data reads differently",
                    );
                    sink.values(c, &fa.ty, &fb.ty);
                }
                sink.neutral(
                    "fact.description",
                    name,
                    &fa.description,
                    &fb.description,
                    "description",
                );
                sink.neutral("fact.unit", name, &fa.unit, &fb.unit, "unit");
            }
        }
    }
    for name in b.keys().filter(|n| !a.contains_key(*n)) {
        sink.push("fact", name, Class::Neutral, "fact added");
    }
}

pub(super) fn diff_schemes(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let key = a.key();
    sink.neutral("scheme.version", &key, &a.version, &b.version, "version");
    sink.neutral("scheme.title", &key, &a.title, &b.title, "title");
    sink.neutral(
        "scheme.jurisdiction",
        &key,
        &a.jurisdiction,
        &b.jurisdiction,
        "jurisdiction",
    );
    sink.neutral("scheme.status", &key, &a.status, &b.status, "status");
    sink.neutral("scheme.nature", &key, &a.nature, &b.nature, "nature");
    sink.neutral(
        "scheme.effective",
        &key,
        &a.effective,
        &b.effective,
        "effective date (it decides scope, not levels)",
    );
    let sources = |s: &Scheme| -> BTreeMap<String, serde_json::Value> {
        s.sources
            .iter()
            .map(|x| (x.id.clone(), serde_json::json!({"title": x.title, "document": x.document, "issued": x.issued, "url": x.url})))
            .collect()
    };
    diff_keyed(sink, "scheme.source", &sources(a), &sources(b));
    let authorities = |s: &Scheme| -> BTreeMap<String, serde_json::Value> {
        s.authorities
            .iter()
            .map(|x| {
                (
                    x.id.clone(),
                    serde_json::json!({"title": x.title, "role": x.role, "basis": x.basis}),
                )
            })
            .collect()
    };
    diff_keyed(sink, "scheme.authority", &authorities(a), &authorities(b));
    diff_categories(a, b, sink);
    diff_criteria(a, b, sink);
    diff_levels(a, b, sink);
}

/// Added, removed and changed entries of a neutral keyed list.
fn diff_keyed(
    sink: &mut Sink<'_>,
    kind: &str,
    a: &BTreeMap<String, serde_json::Value>,
    b: &BTreeMap<String, serde_json::Value>,
) {
    for (id, va) in a {
        match b.get(id) {
            None => {
                let c = sink.push(
                    kind,
                    id,
                    Class::Neutral,
                    "removed; no product changes level",
                );
                sink.old(c, Some(va.clone()));
            }
            Some(vb) if va != vb => {
                let c = sink.push(
                    kind,
                    id,
                    Class::Neutral,
                    "changed; no product changes level",
                );
                sink.values(c, va, vb);
            }
            Some(_) => {}
        }
    }
    for (id, vb) in b.iter().filter(|(id, _)| !a.contains_key(*id)) {
        let c = sink.push(kind, id, Class::Neutral, "added; no product changes level");
        sink.new_value(c, Some(vb.clone()));
    }
}

fn diff_categories(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let ca: BTreeMap<&str, _> = a.categories.iter().map(|c| (c.id.as_str(), c)).collect();
    let cb: BTreeMap<&str, _> = b.categories.iter().map(|c| (c.id.as_str(), c)).collect();
    for (id, x) in &ca {
        let Some(y) = cb.get(id) else {
            sink.push(
                "category",
                id,
                Class::Tightening,
                "category taken out of scope: its products can no longer be labelled",
            );
            continue;
        };
        diff_category(id, x, y, sink);
    }
    for id in cb.keys().filter(|id| !ca.contains_key(*id)) {
        sink.push(
            "category",
            id,
            Class::Loosening,
            "category brought into scope: its products can now be labelled",
        );
    }
}

/// One category on both sides.
fn diff_category(id: &str, x: &Category, y: &Category, sink: &mut Sink<'_>) {
    category_effective(id, x, y, sink);
    sink.neutral("category.title", id, &x.title, &y.title, "title");
    sink.neutral("category.parent", id, &x.parent, &y.parent, "parent");
    sink.neutral("category.phase", id, &x.phase, &y.phase, "phase");
    category_excluded(id, x, y, sink);
    sink.neutral("category.status", id, &x.status, &y.status, "status");
    sink.neutral("category.basis", id, &x.basis, &y.basis, "basis");
    category_grouping(id, x, y, sink);
}

/// The date a category comes into scope.
fn category_effective(id: &str, x: &Category, y: &Category, sink: &mut Sink<'_>) {
    match (&x.effective, &y.effective) {
        (Some(d1), Some(d2)) if d2 < d1 => {
            let c = sink.push(
                "category.effective",
                id,
                Class::Loosening,
                "category comes into scope earlier",
            );
            sink.values(c, d1, d2);
        }
        (Some(d1), Some(d2)) if d2 > d1 => {
            let c = sink.push(
                "category.effective",
                id,
                Class::Tightening,
                "category comes into scope later",
            );
            sink.values(c, d1, d2);
        }
        (Some(d1), None) => {
            let c = sink.push(
                "category.effective",
                id,
                Class::Loosening,
                "category no longer waits for a date",
            );
            sink.values(c, &Some(d1), &None::<String>);
        }
        (None, Some(d2)) => {
            let c = sink.push(
                "category.effective",
                id,
                Class::Tightening,
                "category now takes effect only from a date",
            );
            sink.values(c, &None::<String>, &Some(d2));
        }
        _ => {}
    }
}

/// Whether a category is excluded from the scheme.
fn category_excluded(id: &str, x: &Category, y: &Category, sink: &mut Sink<'_>) {
    match (&x.excluded, &y.excluded) {
        (None, Some(_)) => {
            let c = sink.push(
                "category.excluded",
                id,
                Class::Tightening,
                "category excluded: its products reach no level",
            );
            sink.values(c, &x.excluded, &y.excluded);
        }
        (Some(_), None) => {
            let c = sink.push(
                "category.excluded",
                id,
                Class::Loosening,
                "category no longer excluded: its products are judged",
            );
            sink.values(c, &x.excluded, &y.excluded);
        }
        _ => sink.neutral(
            "category.excluded",
            id,
            &x.excluded,
            &y.excluded,
            "reason for the exclusion",
        ),
    }
}

/// Whether a category is only a grouping of others.
fn category_grouping(id: &str, x: &Category, y: &Category, sink: &mut Sink<'_>) {
    match (&x.grouping, &y.grouping) {
        (None, Some(_)) => {
            let c = sink.push(
                "category.grouping",
                id,
                Class::Tightening,
                "now only a grouping: products of the category itself reach no level",
            );
            sink.values(c, &x.grouping, &y.grouping);
        }
        (Some(_), None) => {
            let c = sink.push(
                "category.grouping",
                id,
                Class::Loosening,
                "no longer only a grouping: products of the category itself are judged",
            );
            sink.values(c, &x.grouping, &y.grouping);
        }
        _ => sink.neutral(
            "category.grouping",
            id,
            &x.grouping,
            &y.grouping,
            "reason for the grouping",
        ),
    }
}
