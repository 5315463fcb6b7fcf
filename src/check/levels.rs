//! Levels: `include` must name a lower level and must not form a cycle,
//! `at_least k of (…)` must be satisfiable, and every level must require at
//! least what the level below it requires.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::{AtLeast, Level};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::resolve::SchemeIndex;
use crate::span::Span;

/// What a level requires, includes followed.
#[derive(Debug, Default, Clone)]
pub struct Requirements<'a> {
    pub criteria: BTreeSet<&'a str>,
    pub groups: Vec<(i64, BTreeSet<&'a str>)>,
}

/// The header span of a level: `level 2`.
pub fn header(level: &Level) -> Span {
    Span {
        end: level.rank.span.end,
        ..level.span
    }
}

/// Everything `rank` requires, following includes (cycles are cut).
pub fn requirements<'a>(index: &SchemeIndex<'a>, rank: i64) -> Requirements<'a> {
    let mut out = Requirements::default();
    let mut seen = BTreeSet::new();
    let mut todo = vec![rank];
    while let Some(r) = todo.pop() {
        if !seen.insert(r) {
            continue;
        }
        let Some(level) = index.levels.get(&r) else {
            continue;
        };
        out.criteria
            .extend(level.require.iter().map(|i| i.name.as_str()));
        for group in &level.at_least {
            if let Some(k) = group.k.value {
                out.groups
                    .push((k, group.of.iter().map(|i| i.name.as_str()).collect()));
            }
        }
        todo.extend(level.includes.iter().filter_map(|i| i.value));
    }
    out
}

pub fn check_levels(index: &SchemeIndex<'_>, diagnostics: &mut Diagnostics) {
    let scheme = index.scheme.reference.display();
    let in_cycle = check_cycles(index, diagnostics);
    for (rank, level) in &index.levels {
        for include in &level.includes {
            if let Some(target) = include.value
                && target >= *rank
                && index.levels.contains_key(&target)
                && !in_cycle.contains(rank)
            {
                diagnostics.push(
                    Diagnostic::new(
                        Code::IncludeNotLower,
                        format!("level {rank} includes level {target}, which is not lower"),
                        include.span,
                        "not a lower level",
                    )
                    .with_help(format!(
                        "a level includes the levels below it; to make level {target} build on level {rank}, write `include {rank}` in level {target}"
                    )),
                );
            }
        }
        for group in &level.at_least {
            check_at_least(group, diagnostics);
        }
        if level.require.is_empty() && level.at_least.is_empty() && level.includes.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::EmptyLevel,
                    format!("level {rank} of `{scheme}` requires nothing"),
                    header(level),
                    "empty level",
                )
                .with_help("add `require …` or `include …`, or mark it `status pending \"…\"` until its criteria are known"),
            );
        }
    }
    if !index.has_invalid_level {
        check_monotone(index, diagnostics);
    }
}

fn check_at_least(group: &AtLeast, diagnostics: &mut Diagnostics) {
    let Some(k) = group.k.value else { return };
    let n = group
        .of
        .iter()
        .map(|i| i.name.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    let (message, help) = if k <= 0 {
        (
            format!("`at_least {k}` asks for nothing"),
            "use a k of 1 or more, or list the criteria under `require`".to_string(),
        )
    } else if usize::try_from(k).is_ok_and(|k| k > n) {
        (
            format!("`at_least {k}` of {n} criteria can never be met"),
            format!("lower k to at most {n}, or list more criteria"),
        )
    } else {
        return;
    };
    diagnostics.push(
        Diagnostic::new(
            Code::InvalidAtLeast,
            message,
            group.k.span,
            format!("k is {k}, n is {n}"),
        )
        .with_help(help),
    );
}

/// Reports each include cycle once; returns the ranks on a cycle.
fn check_cycles(index: &SchemeIndex<'_>, diagnostics: &mut Diagnostics) -> BTreeSet<i64> {
    let edges: BTreeMap<i64, Vec<(i64, Span)>> = index
        .levels
        .iter()
        .map(|(r, l)| {
            (
                *r,
                l.includes
                    .iter()
                    .filter_map(|i| i.value.map(|v| (v, i.span)))
                    .collect(),
            )
        })
        .collect();
    let mut on_cycle = BTreeSet::new();
    let mut reported: BTreeSet<Vec<i64>> = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first search with an explicit stack of (node, next edge index).
        let mut path: Vec<(i64, usize)> = vec![(*start, 0)];
        let mut visited = BTreeSet::from([*start]);
        while let Some((node, next)) = path.last().copied() {
            let targets = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            let Some((target, span)) = targets.get(next).copied() else {
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            if target == *start {
                let mut cycle: Vec<i64> = path.iter().map(|(n, _)| *n).collect();
                on_cycle.extend(cycle.iter().copied());
                let mut key = cycle.clone();
                key.sort_unstable();
                if reported.insert(key) {
                    cycle.push(*start);
                    let chain = cycle
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(" → ");
                    diagnostics.push(
                        Diagnostic::new(
                            Code::IncludeCycle,
                            format!("levels include each other in a cycle: {chain}"),
                            span,
                            "this include closes the cycle",
                        )
                        .with_help("a level includes only lower levels: remove the include that points upwards"),
                    );
                }
            } else if edges.contains_key(&target) && visited.insert(target) {
                path.push((target, 0));
            }
        }
    }
    on_cycle
}

/// Each level must demand at least what the next lower level demands.
fn check_monotone(index: &SchemeIndex<'_>, diagnostics: &mut Diagnostics) {
    let scheme = index.scheme.reference.display();
    let ranks: Vec<i64> = index.levels.keys().copied().collect();
    for pair in ranks.windows(2) {
        let (Some(&lower), Some(&higher)) = (pair.first(), pair.get(1)) else {
            continue;
        };
        let (Some(lower_level), Some(higher_level)) =
            (index.levels.get(&lower), index.levels.get(&higher))
        else {
            continue;
        };
        // An include that did not resolve has been reported; its level's content is unknown.
        let unresolved = |level: &Level| {
            level
                .includes
                .iter()
                .any(|i| i.value.is_some_and(|r| !index.levels.contains_key(&r)))
        };
        if unresolved(higher_level) || unresolved(lower_level) {
            continue;
        }
        let below = requirements(index, lower);
        let above = requirements(index, higher);
        let missing: Vec<&str> = below
            .criteria
            .difference(&above.criteria)
            .copied()
            .collect();
        let groups_missing = below
            .groups
            .iter()
            .filter(|(k, set)| !group_covered(*k, set, &above))
            .count();
        if missing.is_empty() && groups_missing == 0 {
            continue;
        }
        let mut what: Vec<String> = missing.iter().take(5).map(|m| format!("`{m}`")).collect();
        if missing.len() > 5 {
            what.push(format!("{} more", missing.len() - 5));
        }
        if groups_missing > 0 {
            what.push(format!("{groups_missing} `at_least` group(s)"));
        }
        diagnostics.push(
            Diagnostic::new(
                Code::LevelNotMonotone,
                format!(
                    "level {higher} of `{scheme}` is easier than level {lower}: it does not require {}",
                    what.join(", ")
                ),
                header(higher_level),
                format!("level {higher} lacks what level {lower} requires"),
            )
            .with_related(header(lower_level), format!("level {lower} requires it"))
            .with_help(format!(
                "add `include {lower}` to level {higher}, or require the same criteria in it"
            )),
        );
    }
}

/// Whether "at least k of set" is implied by what a higher level requires.
fn group_covered(k: i64, set: &BTreeSet<&str>, above: &Requirements<'_>) -> bool {
    let required = i64::try_from(set.intersection(&above.criteria).count()).unwrap_or(i64::MAX);
    required >= k
        || above
            .groups
            .iter()
            .any(|(k2, s2)| *k2 >= k && s2.is_subset(set))
}
