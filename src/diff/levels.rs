//! Levels: added, removed, their membership (the lowest level requiring
//! each criterion) and their `at_least` groups. A membership change is
//! first classified by what it does (a criterion newly required is
//! tightening, …), then, when the decision procedure can answer, by meaning:
//! the products reaching the level it affects under the old levels and
//! under the new ones ([`crate::analysis::levels::compare_membership`]).

use std::collections::{BTreeMap, BTreeSet};

use super::{Class, Sink};
use crate::analysis::levels::Membership;
use crate::rules::{AtLeast, Level, Scheme};

pub(super) fn diff_levels(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let la: BTreeMap<i64, &Level> = a.levels.iter().map(|l| (l.rank, l)).collect();
    let lb: BTreeMap<i64, &Level> = b.levels.iter().map(|l| (l.rank, l)).collect();
    // Each membership change (its index in the sink) and the rank it affects first.
    let mut membership: Vec<(usize, i64)> = Vec::new();
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
        let groups = diff_groups(sink, *rank, &x.at_least_all, &y.at_least_all);
        membership.extend(groups.into_iter().map(|c| (c, *rank)));
    }
    for rank in lb.keys().filter(|r| !la.contains_key(*r)) {
        sink.push(
            "level",
            &rank.to_string(),
            Class::Loosening,
            "level added: products can reach a new level",
        );
    }
    let renames = renames(a, b);
    membership.extend(diff_requires(a, b, &renames, sink));
    by_meaning(a, b, &renames, &membership, sink);
}

/// Membership, reported once per criterion at the lowest level that requires it
/// (levels are cumulative, so the levels above follow). Old ids are read
/// through `renamed_from`, so a marked rename moves nothing. Returns each
/// change and the lowest rank it affects.
fn diff_requires(
    a: &Scheme,
    b: &Scheme,
    renames: &BTreeMap<&str, &str>,
    sink: &mut Sink<'_>,
) -> Vec<(usize, i64)> {
    let mut out = Vec::new();
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
        let rank = match (fa.get(id), fb.get(id)) {
            (Some(o), Some(n)) => *o.min(n),
            (Some(r), None) | (None, Some(r)) => *r,
            (None, None) => continue,
        };
        let c = sink.push("level.requires", id, class, reason);
        sink.values(c, &fa.get(id), &fb.get(id));
        out.push((c, rank));
    }
    out
}

/// Reclassifies the membership changes (`level.requires`, `level.at_least`)
/// by meaning: each takes the class of its rank compared under the old and
/// the new levels, with the criteria as the old version defines them (their
/// own changes are reported apart), on the day `diff` runs. A rank only one
/// version defines, a question the procedure cannot answer (a fact whose
/// type changed), or a rank no product reaches under either version (the
/// verdict would be vacuous) keeps the class given by what the change does.
fn by_meaning(
    a: &Scheme,
    b: &Scheme,
    renames: &BTreeMap<&str, &str>,
    membership: &[(usize, i64)],
    sink: &mut Sink<'_>,
) {
    let Some((old_facts, new_facts)) = sink.facts else {
        return;
    };
    let ranks: BTreeSet<i64> = membership.iter().map(|(_, rank)| *rank).collect();
    if ranks.is_empty() {
        return;
    }
    let ranks: Vec<i64> = ranks.into_iter().collect();
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let Ok(decided) = crate::analysis::levels::compare_membership(
        (a, old_facts),
        (b, new_facts),
        renames,
        &ranks,
        today,
    ) else {
        return;
    };
    let decided: BTreeMap<i64, Membership> = decided.into_iter().map(|m| (m.rank, m)).collect();
    for (change, rank) in membership {
        let (Some(m), Some(c)) = (decided.get(rank), sink.changes.get_mut(*change)) else {
            continue;
        };
        if !m.reachable {
            c.reason = format!(
                "{}; by meaning no product reaches level {rank} under either version on {today} (a criterion it requires is pending or never passes), so the class is what the change does",
                c.reason
            );
            continue;
        }
        let (class, meaning) = level_meaning(*rank, m);
        c.class = class;
        c.reason = format!("{}; {meaning}", c.reason);
    }
}

/// The class of a level compared by meaning, and the reason, with a witness
/// product (a JSON line `labelc eval` accepts) for each direction that fails.
fn level_meaning(rank: i64, m: &Membership) -> (Class, String) {
    let d = &m.directions;
    let only = |which: &str, w: Option<&serde_json::Value>| {
        w.map(|w| {
            format!("; a product that reaches level {rank} only under the {which} levels: {w}")
        })
        .unwrap_or_default()
    };
    let lost = only("old", d.old_implies_new.witness());
    let gained = only("new", d.new_implies_old.witness());
    match (d.old_implies_new.holds(), d.new_implies_old.holds()) {
        (true, true) => (
            Class::Neutral,
            format!("by meaning level {rank} is reached by the same products"),
        ),
        (false, true) => (
            Class::Tightening,
            format!(
                "by meaning level {rank} is stricter (every product reaching it under the new levels reaches it under the old){lost}"
            ),
        ),
        (true, false) => (
            Class::Loosening,
            format!(
                "by meaning level {rank} is looser (every product reaching it under the old levels reaches it under the new){gained}"
            ),
        ),
        (false, false) => (
            Class::Mixed,
            format!("by meaning neither version of level {rank} implies the other{lost}{gained}"),
        ),
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

/// The `at_least` groups of one rank; returns the changes made.
fn diff_groups(sink: &mut Sink<'_>, rank: i64, a: &[AtLeast], b: &[AtLeast]) -> Vec<usize> {
    let mut out = Vec::new();
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
            out.push(c);
        } else {
            let c = sink.push(
                "level.at_least",
                &id,
                Class::Loosening,
                format!("level {rank}: an at-least group removed"),
            );
            sink.old(c, serde_json::to_value(old).ok());
            out.push(c);
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
        out.push(c);
    }
    out
}
