//! What several scheme plans share: work items whose evidence also serves
//! another planned scheme's criterion, and the facts to establish once.

use std::collections::{BTreeMap, BTreeSet};

use super::{Evidence, SchemePlan};
use crate::rules::{Relationship, RuleSet};

/// Marks work items whose evidence also serves a criterion of another
/// planned scheme, through a recognition that credits in that direction.
pub(super) fn link_recognitions(rules: &RuleSet, schemes: &mut [SchemePlan]) {
    let planned: BTreeSet<String> = schemes.iter().map(|s| s.scheme.clone()).collect();
    let mut links: Vec<(String, String, String)> = Vec::new(); // (to scheme, to criterion, served "scheme:criterion")
    for r in &rules.recognitions {
        // A pinned side names one planned version; an unpinned side, the
        // planned version of its scheme (plans pick one version per scheme).
        let planned_key = |scheme: &str, version: &Option<String>| -> String {
            match version {
                Some(v) => format!("{scheme}@{v}"),
                None => planned
                    .iter()
                    .find(|k| k.split_once('@').is_some_and(|(id, _)| id == scheme))
                    .cloned()
                    .unwrap_or_else(|| scheme.to_string()),
            }
        };
        let from_key = planned_key(&r.from.scheme, &r.from.version);
        let to_key = planned_key(&r.to.scheme, &r.to.version);
        let credits_this_way = matches!(
            r.relationship,
            Relationship::Equal | Relationship::SupersetOf
        );
        if let Some(criterion) = &r.from.criterion
            && credits_this_way
            && planned.contains(&from_key)
            && planned.contains(&to_key)
        {
            for credited in &r.credits {
                links.push((
                    to_key.clone(),
                    credited.clone(),
                    format!("{from_key}:{criterion}"),
                ));
                links.push((
                    from_key.clone(),
                    criterion.clone(),
                    format!("{to_key}:{credited}"),
                ));
            }
        }
    }
    for plan in schemes.iter_mut() {
        for step in &mut plan.work {
            for item in &mut step.criteria {
                for (scheme, criterion, served) in &links {
                    if *scheme == plan.scheme
                        && *criterion == item.criterion
                        && !item.also_serves.contains(served)
                    {
                        item.also_serves.push(served.clone());
                    }
                }
            }
        }
    }
}

/// Facts to establish across every plan, and how many collecting them once saved.
pub(super) fn merge_evidence(rules: &RuleSet, schemes: &[SchemePlan]) -> (Vec<Evidence>, usize) {
    let mut serves: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut per_scheme = 0usize;
    for plan in schemes {
        let mut facts: BTreeSet<&str> = BTreeSet::new();
        for item in plan.work.iter().flat_map(|s| s.criteria.iter()) {
            for fact in &item.facts {
                facts.insert(fact);
                serves
                    .entry(fact.clone())
                    .or_default()
                    .push(format!("{}:{}", plan.scheme, item.criterion));
            }
        }
        per_scheme += facts.len();
    }
    let saved = per_scheme - serves.len();
    let evidence = serves
        .into_iter()
        .map(|(fact, serves)| Evidence {
            description: rules
                .facts
                .iter()
                .find(|f| f.name == fact)
                .and_then(|f| f.description.clone()),
            fact,
            serves,
        })
        .collect();
    (evidence, saved)
}
