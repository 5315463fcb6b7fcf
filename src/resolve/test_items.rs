//! Resolution of `test` items: the scheme version judged against, its
//! category, levels and criteria named by expectations, the recognitions
//! held, and the facts given.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Model, SchemeIndex, SchemeKey, VersionInfo, check_category_ref, check_criterion_ref,
    check_fact_ref, check_level_ref, duplicate, pick_version,
};
use crate::ast::*;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::span::Span;

/// A test with its scheme version bound (`None` where unresolved).
#[derive(Debug)]
pub struct ResolvedTest<'a> {
    pub test: &'a Test,
    pub scheme: Option<SchemeKey>,
}

pub(super) fn resolve_tests<'a>(
    model: &mut Model<'a>,
    tests: Vec<&'a Test>,
    diagnostics: &mut Diagnostics,
) {
    let mut spans: BTreeMap<&str, Span> = BTreeMap::new();
    for test in tests {
        if let Some(first) = spans.get(test.id.name.as_str()) {
            diagnostics.push(duplicate("test", &test.id.name, test.id.span, *first));
            continue;
        }
        spans.insert(&test.id.name, test.id.span);
        let resolved = resolve_test(model, test, diagnostics);
        model.tests.insert(&test.id.name, resolved);
    }
}

fn resolve_test<'a>(
    model: &Model<'a>,
    test: &'a Test,
    diagnostics: &mut Diagnostics,
) -> ResolvedTest<'a> {
    let scheme = test.scheme.as_ref().and_then(|reference| {
        let latest = model.resolve_scheme_ref(reference, diagnostics)?;
        if reference.version.is_some() {
            return Some(latest);
        }
        let as_of = test.as_of.and_then(|d| d.value);
        Some(
            as_of
                .and_then(|date| model.version_in_force(&reference.id.name, date))
                .unwrap_or(latest),
        )
    });
    if let Some(key) = &scheme
        && let Some(index) = model.schemes.get(key)
    {
        let name = format!("{}@{}", key.0, key.1);
        if let Some(category) = &test.category {
            let help = format!("the test judges a product of one category of `{name}`");
            check_category_ref(index, category, &name, help, diagnostics);
        }
        for expect in &test.expects {
            match &expect.kind {
                ExpectKind::Level(Some(rank)) | ExpectKind::Reachable(Some(rank)) => {
                    check_level_ref(index, rank, &name, diagnostics);
                }
                ExpectKind::Criterion(id, _) => {
                    check_criterion_ref(index, id, &name, &BTreeSet::new(), diagnostics);
                }
                ExpectKind::Level(None) | ExpectKind::Reachable(None) => {}
            }
        }
    }
    for holding in &test.holds {
        resolve_holding(model, holding, diagnostics);
    }
    let mut given: BTreeMap<&str, Span> = BTreeMap::new();
    for value in test.facts.iter().flatten() {
        let fact = &value.fact;
        if let Some(first) = given.get(fact.name.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateField,
                    format!("the fact `{}` is given twice in this test", fact.name),
                    fact.span,
                    "given again here",
                )
                .with_related(*first, "first given here")
                .with_help("keep one value per fact"),
            );
            continue;
        }
        given.insert(&fact.name, fact.span);
        let help = "a test gives values only to declared facts".to_string();
        check_fact_ref(model, fact, help, diagnostics);
    }
    ResolvedTest { test, scheme }
}

/// Checks a `holds` entry: a level is a rank (digits that fit in 64 bits)
/// and a criterion an id, of the named version or, unpinned, of some
/// version of the scheme (unknown ones are reported against the latest).
fn resolve_holding(model: &Model<'_>, holding: &Holding, diagnostics: &mut Diagnostics) {
    let Some(key) = model.resolve_scheme_ref(&holding.scheme, diagnostics) else {
        return;
    };
    let target = &holding.target;
    let rank = match holding.kind {
        HeldKind::Criterion => None,
        HeldKind::Level if target.name.bytes().all(|b| b.is_ascii_digit()) => {
            let Ok(rank) = target.name.parse::<i64>() else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidNumber,
                        format!("the level rank `{}` does not fit in 64 bits", target.name),
                        target.span,
                        "too large",
                    )
                    .with_help("a level rank is a whole number of at most 19 digits"),
                );
                return;
            };
            Some(rank)
        }
        HeldKind::Level => {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownLevel,
                    format!("`{}` is not a level rank", target.name),
                    target.span,
                    "a level is held by its rank",
                )
                .with_help(format!(
                    "to hold criterion {} write `{}#{}`",
                    target.name,
                    holding.scheme.display(),
                    target.name
                )),
            );
            return;
        }
    };
    // Unpinned, any version that has it will do.
    let candidates: Vec<SchemeKey> = match &holding.scheme.version {
        Some(_) => vec![key.clone()],
        None => model
            .versions(&key.0)
            .into_iter()
            .map(|v| (key.0.clone(), v.to_string()))
            .collect(),
    };
    let known = candidates
        .iter()
        .filter_map(|k| model.schemes.get(k))
        .any(|index| match rank {
            Some(rank) => index.levels.contains_key(&rank),
            None => index.criteria.contains_key(target.name.as_str()),
        });
    let Some(index) = model.schemes.get(&key) else {
        return;
    };
    if known {
        return;
    }
    let name = format!("{}@{}", key.0, key.1);
    match rank {
        Some(value) => {
            let rank = IntLit {
                value: Some(value),
                span: target.span,
            };
            check_level_ref(index, &rank, &name, diagnostics);
        }
        None => check_criterion_ref(index, target, &name, &BTreeSet::new(), diagnostics),
    }
}

impl Model<'_> {
    /// The version an unpinned reference to scheme `id` means on `date`
    /// ([`pick_version`], as `labelc eval --scheme id` picks it).
    pub fn version_in_force(&self, id: &str, date: jiff::civil::Date) -> Option<SchemeKey> {
        let keys: Vec<(&SchemeKey, &SchemeIndex<'_>)> =
            self.schemes.iter().filter(|((i, _), _)| i == id).collect();
        let infos: Vec<VersionInfo<'_>> = keys
            .iter()
            .map(|((_, version), index)| VersionInfo {
                version,
                draft: index.scheme.status.map(|s| s.value) == Some(SchemeStatus::Draft),
                effective: index.scheme.effective.and_then(|d| d.value),
            })
            .collect();
        let (at, _) = pick_version(&infos, date)?;
        keys.get(at).map(|(key, _)| (*key).clone())
    }
}
