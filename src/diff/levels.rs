//! Levels: added, removed, their membership (the lowest level requiring
//! each criterion) and their `at_least` groups.

use std::collections::{BTreeMap, BTreeSet};

use super::{Class, Sink};
use crate::rules::{AtLeast, Level, Scheme};

pub(super) fn diff_levels(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let la: BTreeMap<i64, &Level> = a.levels.iter().map(|l| (l.rank, l)).collect();
    let lb: BTreeMap<i64, &Level> = b.levels.iter().map(|l| (l.rank, l)).collect();
    for (rank, x) in &la {
        let id = rank.to_string();
        let Some(y) = lb.get(rank) else {
            sink.push(
                "level",
                &id,
                Class::Tightening,
                "level removed: no product can reach it any more",
            );
            continue;
        };
        sink.neutral("level.title", &id, &x.title, &y.title, "title");
        sink.neutral("level.status", &id, &x.status, &y.status, "status");
        sink.neutral(
            "level.require_basis",
            &id,
            &x.require_basis,
            &y.require_basis,
            "basis of its criteria's places",
        );
        diff_groups(sink, *rank, &x.at_least_all, &y.at_least_all);
    }
    for rank in lb.keys().filter(|r| !la.contains_key(*r)) {
        sink.push(
            "level",
            &rank.to_string(),
            Class::Loosening,
            "level added: products can reach a new level",
        );
    }
    // Membership, reported once per criterion at the lowest level that requires it
    // (levels are cumulative, so the levels above follow). Old ids are read
    // through `renamed_from`, so a marked rename moves nothing.
    let renames = renames(a, b);
    let fa: BTreeMap<&str, i64> = lowest_level(a)
        .into_iter()
        .map(|(id, level)| (renames.get(id).copied().unwrap_or(id), level))
        .collect();
    let fb = lowest_level(b);
    let ids: BTreeSet<&str> = fa.keys().chain(fb.keys()).copied().collect();
    for id in ids {
        let (class, reason) = match (fa.get(id), fb.get(id)) {
            (None, Some(n)) => (Class::Tightening, format!("now required from level {n}")),
            (Some(o), None) => (
                Class::Loosening,
                format!("no longer required (was from level {o})"),
            ),
            (Some(o), Some(n)) if n < o => (
                Class::Tightening,
                format!("required from level {n} instead of {o}"),
            ),
            (Some(o), Some(n)) if n > o => (
                Class::Loosening,
                format!("required from level {n} instead of {o}"),
            ),
            _ => continue,
        };
        let c = sink.push("level.requires", id, class, reason);
        sink.values(c, &fa.get(id), &fb.get(id));
    }
}

/// Old id → new id, for the criteria of `b` marked `renamed_from` an id of `a`.
pub(super) fn renames<'s>(a: &'s Scheme, b: &'s Scheme) -> BTreeMap<&'s str, &'s str> {
    let old: BTreeSet<&str> = a.criteria.iter().map(|c| c.id.as_str()).collect();
    let new: BTreeSet<&str> = b.criteria.iter().map(|c| c.id.as_str()).collect();
    b.criteria
        .iter()
        .filter_map(|c| {
            let from = c.renamed_from.as_deref()?;
            (old.contains(from) && !new.contains(from)).then_some((from, c.id.as_str()))
        })
        .collect()
}

/// Each required criterion and the lowest level that requires it.
fn lowest_level(s: &Scheme) -> BTreeMap<&str, i64> {
    let mut out = BTreeMap::new();
    let mut levels: Vec<&Level> = s.levels.iter().collect();
    levels.sort_by_key(|l| l.rank);
    for level in levels {
        for id in &level.requires_all {
            out.entry(id.as_str()).or_insert(level.rank);
        }
    }
    out
}

fn diff_groups(sink: &mut Sink<'_>, rank: i64, a: &[AtLeast], b: &[AtLeast]) {
    let id = rank.to_string();
    let members = |g: &AtLeast| -> BTreeSet<String> { g.of.iter().cloned().collect() };
    let mut unmatched_new: Vec<&AtLeast> = b.iter().filter(|g| !a.contains(g)).collect();
    for old in a.iter().filter(|g| !b.contains(g)) {
        // The same members with another k?
        if let Some(pos) = unmatched_new
            .iter()
            .position(|g| members(g) == members(old))
        {
            let new = unmatched_new.remove(pos);
            let (class, reason) = if new.k > old.k {
                (
                    Class::Tightening,
                    format!(
                        "level {rank}: at least {} of {} instead of {}",
                        new.k,
                        new.of.len(),
                        old.k
                    ),
                )
            } else {
                (
                    Class::Loosening,
                    format!(
                        "level {rank}: at least {} of {} instead of {}",
                        new.k,
                        new.of.len(),
                        old.k
                    ),
                )
            };
            let c = sink.push("level.at_least", &id, class, reason);
            sink.values(c, old, new);
        } else {
            let c = sink.push(
                "level.at_least",
                &id,
                Class::Loosening,
                format!("level {rank}: an at-least group removed"),
            );
            sink.old(c, serde_json::to_value(old).ok());
        }
    }
    for new in unmatched_new {
        let c = sink.push(
            "level.at_least",
            &id,
            Class::Tightening,
            format!("level {rank}: an at-least group added"),
        );
        sink.new_value(c, serde_json::to_value(new).ok());
    }
}
