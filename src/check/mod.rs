//! Semantic checks on the resolved model: condition types, levels, dates,
//! required fields, recognitions, and the warnings for unused definitions.
//! Also the summary `labelc check` prints.

mod analysis;

mod levels;
mod summary;
pub mod types;

use std::collections::BTreeSet;

use crate::ast::*;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::resolve::{Model, ResolvedRecognition, SchemeIndex, facts_read};
use crate::span::Span;

pub use analysis::{RecognitionCounts, verify_recognitions};
pub use levels::{Requirements, requirements};
pub use summary::{BasisCount, Pending, SchemeSummary, Summary, summarize};

/// Runs every check on a resolved model.
pub fn check(model: &Model<'_>, diagnostics: &mut Diagnostics) {
    let mut facts_used: BTreeSet<&str> = BTreeSet::new();
    for index in model.schemes.values() {
        check_scheme(model, index, diagnostics);
        for criterion in index.criteria.values() {
            if let Some(condition) = &criterion.condition {
                facts_used.extend(facts_read(condition).into_iter().map(|f| f.name.as_str()));
            }
        }
    }
    for resolved in model.recognitions.values() {
        let recognition = resolved.recognition;
        check_recognition(model, recognition, diagnostics);
        check_credit_scope(model, resolved, diagnostics);
        if let Some(condition) = &recognition.condition {
            facts_used.extend(facts_read(condition).into_iter().map(|f| f.name.as_str()));
        }
    }
    for resolved in model.tests.values() {
        check_test(model, resolved.test, diagnostics);
    }
    for (name, fact) in &model.facts {
        if !facts_used.contains(name) && !model.has_syntax_errors {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedFact,
                    format!("no condition reads the fact `{name}`"),
                    fact.name.span,
                    "declared here",
                )
                .with_help("use it in a criterion's condition, or remove it if no scheme of this compilation needs it"),
            );
        }
    }
}

fn check_scheme(model: &Model<'_>, index: &SchemeIndex<'_>, diagnostics: &mut Diagnostics) {
    let scheme = index.scheme;
    let name = scheme.reference.display();
    if scheme.title.is_none() {
        diagnostics.push(missing(
            "title",
            &format!("the scheme `{name}`"),
            scheme.reference.span,
            "add `title \"…\"` inside the scheme",
        ));
    }
    for category in index.categories.values() {
        check_category_dates(scheme, category.category, category.parent, diagnostics);
        check_grouping(category.category, diagnostics);
    }

    let mut in_levels: BTreeSet<&str> = BTreeSet::new();
    for level in index.levels.values() {
        in_levels.extend(level.require.iter().map(|i| i.name.as_str()));
        in_levels.extend(
            level
                .at_least
                .iter()
                .flat_map(|g| g.of.iter().map(|i| i.name.as_str())),
        );
    }
    let has_categories =
        !index.categories.is_empty() || index.invalid.iter().any(|(k, _)| k == "category");
    for criterion in index.criteria.values() {
        check_criterion(model, criterion, &name, has_categories, diagnostics);
        check_applies_to_excluded(index, criterion, diagnostics);
        if !in_levels.contains(criterion.id.name.as_str()) && !index.has_invalid_level {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedCriterion,
                    format!(
                        "no level of `{name}` requires the criterion `{}`",
                        criterion.id.name
                    ),
                    criterion.id.span,
                    "in no level",
                )
                .with_help(format!(
                    "add `require {}` to the lowest level that needs it",
                    criterion.id.name
                )),
            );
        }
    }
    levels::check_levels(index, diagnostics);
}

/// A test needs a scheme, a category, a date and something to expect; the
/// values it gives must have their facts' types.
fn check_test(model: &Model<'_>, test: &Test, diagnostics: &mut Diagnostics) {
    let owner = format!("the test `{}`", test.id.name);
    let required = [
        (
            "scheme",
            test.scheme.is_some(),
            "name the scheme version judged: `scheme ccl@2026-04`",
        ),
        (
            "category",
            test.category.is_some(),
            "name the product's category: `category consumer_cameras`",
        ),
        (
            "as_of",
            test.as_of.is_some(),
            "give the assessment date, so that the test means the same every day: `as_of 2026-11-25`",
        ),
        (
            "expect",
            !test.expects.is_empty(),
            "say what must hold: `expect level 1`, `expect reachable 2` or `expect criterion ID pass`",
        ),
    ];
    require_fields(&owner, test.id.span, &required, diagnostics);
    for value in test.facts.iter().flatten() {
        types::check_test_value(model, value, diagnostics);
    }
}

/// Reports each `(field, present, help)` that is not present.
fn require_fields(
    owner: &str,
    span: Span,
    fields: &[(&str, bool, &str)],
    diagnostics: &mut Diagnostics,
) {
    for (field, present, help) in fields {
        if !present {
            diagnostics.push(missing(field, owner, span, help));
        }
    }
}

fn missing(field: &str, owner: &str, span: Span, help: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingField,
        format!("{owner} has no `{field}`"),
        span,
        format!("`{field}` is missing"),
    )
    .with_help(help.to_string())
}

/// A grouping category puts only its own products out of scope: with no
/// sub-categories, nothing of it is in scope, which `excluded` says plainly.
fn check_grouping(category: &crate::ast::Category, diagnostics: &mut Diagnostics) {
    let Some(reason) = &category.grouping else {
        return;
    };
    if !category.children.is_empty() {
        return;
    }
    diagnostics.push(
        Diagnostic::new(
            Code::GroupingWithoutSubcategories,
            format!(
                "the category `{}` is a grouping but has no sub-categories: no product of it is in scope",
                category.id.name
            ),
            reason.span,
            "groups nothing",
        )
        .with_help(
            "add the categories it groups inside it, or write `excluded \"…\"` to leave its products out",
        ),
    );
}

/// A criterion listed for an excluded category (or a sub-category of one)
/// can never be judged for those products: `eval` gives them no level.
fn check_applies_to_excluded(
    index: &SchemeIndex<'_>,
    criterion: &Criterion,
    diagnostics: &mut Diagnostics,
) {
    let Some(AppliesTo::Categories(ids)) = &criterion.applies_to else {
        return;
    };
    for id in ids {
        // The category or its nearest excluded ancestor.
        let chain = index.category_chain(&id.name);
        let Some((category, reason)) = chain
            .iter()
            .find_map(|c| c.excluded.as_ref().map(|reason| (c, reason)))
        else {
            continue;
        };
        let whose = if category.id.name == id.name {
            "it is excluded".to_string()
        } else {
            format!("it is under `{}`, which is excluded", category.id.name)
        };
        diagnostics.push(
            Diagnostic::new(
                Code::AppliesToExcluded,
                format!(
                    "the criterion `{}` applies to `{}`, but {whose}: {}",
                    criterion.id.name, id.name, reason.value
                ),
                id.span,
                "never judged for these products",
            )
            .with_related(category.id.span, "excluded here")
            .with_help(
                "remove the category from `applies_to`, or the `excluded` mark if the scheme does cover it",
            ),
        );
    }
}

fn check_criterion(
    model: &Model<'_>,
    criterion: &Criterion,
    scheme: &str,
    has_categories: bool,
    diagnostics: &mut Diagnostics,
) {
    let owner = format!("the criterion `{}`", criterion.id.name);
    if criterion.title.is_none() {
        diagnostics.push(missing(
            "title",
            &owner,
            criterion.id.span,
            "add `title \"…\"` to the criterion",
        ));
    }
    let pending = matches!(criterion.status, Some(Status::Pending(_)));
    match &criterion.condition {
        Some(condition) => types::check_condition(model, condition, diagnostics),
        None if !pending => diagnostics.push(missing(
            "condition",
            &owner,
            criterion.id.span,
            "add `condition …` saying what must hold, or mark it `status pending \"why\"` while the text leaves it open",
        )),
        None => {}
    }
    check_date_order(criterion.valid_from, criterion.valid_until, diagnostics);
    let applies_to_all = matches!(criterion.applies_to, None | Some(AppliesTo::All(_)));
    if applies_to_all && !has_categories {
        diagnostics.push(
            Diagnostic::new(
                Code::CriterionWithoutCategory,
                format!("the criterion `{}` applies to no category: `{scheme}` declares none", criterion.id.name),
                criterion.id.span,
                "applies to nothing",
            )
            .with_help("declare the products the scheme covers with `category id { title \"…\" }` in the scheme"),
        );
    }
}

fn check_date_order(from: Option<DateLit>, until: Option<DateLit>, diagnostics: &mut Diagnostics) {
    if let (Some(from), Some(until)) = (from, until)
        && let (Some(a), Some(b)) = (from.value, until.value)
        && b < a
    {
        diagnostics.push(
            Diagnostic::new(
                Code::DateOrder,
                format!("`valid_until {b}` is before `valid_from {a}`"),
                until.span,
                "ends before it starts",
            )
            .with_related(from.span, "starts here")
            .with_help("swap the dates, or correct the one that is wrong"),
        );
    }
}

fn check_category_dates(
    scheme: &Scheme,
    category: &Category,
    parent: Option<&Category>,
    diagnostics: &mut Diagnostics,
) {
    let Some(effective) = category.effective else {
        return;
    };
    let Some(date) = effective.value else { return };
    let outer = parent
        .and_then(|p| {
            p.effective
                .map(|e| (e, format!("the category `{}`", p.id.name)))
        })
        .or_else(|| {
            scheme
                .effective
                .map(|e| (e, format!("the scheme `{}`", scheme.reference.display())))
        });
    if let Some((outer_lit, owner)) = outer
        && let Some(outer_date) = outer_lit.value
        && date < outer_date
    {
        diagnostics.push(
            Diagnostic::new(
                Code::DateOrder,
                format!(
                    "the category `{}` takes effect on {date}, before {owner} does ({outer_date})",
                    category.id.name
                ),
                effective.span,
                "too early",
            )
            .with_related(outer_lit.span, format!("{owner} takes effect here"))
            .with_help(format!(
                "a category cannot take effect before {owner}: use {outer_date} or later"
            )),
        );
    }
}

/// A credited criterion must apply to some category the recognition covers
/// (one is the other or an ancestor of it): otherwise the credit can never
/// be given.
fn check_credit_scope(
    model: &Model<'_>,
    resolved: &ResolvedRecognition<'_>,
    diagnostics: &mut Diagnostics,
) {
    let recognition = resolved.recognition;
    let Some(AppliesTo::Categories(covered)) = &recognition.applies_to else {
        return;
    };
    let Some(binding) = &resolved.to else {
        return;
    };
    let indices = model.bound_indices(binding);
    // An unknown category is reported by resolve; judging scope with it would cascade.
    let known = |index: &SchemeIndex<'_>, ids: &[Ident]| {
        ids.iter()
            .all(|i| index.categories.contains_key(i.name.as_str()))
    };
    let list = |ids: &[Ident]| {
        ids.iter()
            .map(|i| format!("`{}`", i.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for credit in &recognition.credits {
        // The categories the credit applies to, in each version (of those the
        // recognition may mean) that has the criterion and knows every category.
        let mut judged = Vec::new();
        for index in &indices {
            let Some(criterion) = index.criteria.get(credit.name.as_str()) else {
                continue;
            };
            let Some(AppliesTo::Categories(applies)) = &criterion.applies_to else {
                judged.push((true, None));
                continue;
            };
            if !known(index, covered) || !known(index, applies) {
                judged.push((true, None));
                continue;
            }
            let chain = |id: &str| -> Vec<&str> {
                index
                    .category_chain(id)
                    .iter()
                    .map(|c| c.id.name.as_str())
                    .collect()
            };
            let overlap = |a: &str, b: &str| chain(a).contains(&b) || chain(b).contains(&a);
            let reachable = applies
                .iter()
                .any(|a| covered.iter().any(|c| overlap(&a.name, &c.name)));
            judged.push((reachable, Some(applies)));
        }
        if judged.is_empty() || judged.iter().any(|(reachable, _)| *reachable) {
            continue;
        }
        let Some((_, Some(applies))) = judged.last() else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            Code::CreditOutsideScope,
            format!(
                "`{}` is credited, but it applies only to {}, none of which `applies_to` covers",
                credit.name,
                list(applies.as_slice())
            ),
            credit.span,
            "this credit can never be given",
        )
        .with_help(format!(
            "remove `{}` from `credits`, or add a category it applies to to `applies_to` (now {})",
            credit.name,
            list(covered.as_slice())
        ));
        if let Some(first) = covered.first() {
            diagnostic = diagnostic.with_related(first.span, "the categories covered");
        }
        diagnostics.push(diagnostic);
    }
}

fn check_recognition(model: &Model<'_>, recognition: &Recognition, diagnostics: &mut Diagnostics) {
    let owner = format!("the recognition `{}`", recognition.id.name);
    let span = recognition.id.span;
    let required: [(&str, bool, &str); 5] = [
        (
            "from",
            recognition.from.is_some(),
            "add `from SCHEME level N` or `from SCHEME criterion ID`",
        ),
        (
            "to",
            recognition.to.is_some(),
            "add `to SCHEME`, the scheme whose criteria are credited",
        ),
        (
            "relationship",
            recognition.relationship.is_some(),
            "add `relationship equal|subset_of|superset_of|intersects_with|no_relationship`",
        ),
        (
            "credit",
            recognition.credit.is_some(),
            "add `credit full|partial|none`",
        ),
        (
            "status",
            recognition.status.is_some(),
            "add `status official|proposed|assumed`",
        ),
    ];
    require_fields(&owner, span, &required, diagnostics);
    if recognition.credits.is_empty() && recognition.credit.is_some_and(|c| c.value != Credit::None)
    {
        diagnostics.push(missing(
            "credits",
            &owner,
            span,
            "list the criteria it credits: `credits ID, ID`",
        ));
    }
    if let (Some(relationship), Some(credit)) = (recognition.relationship, recognition.credit) {
        let too_much = match credit.value {
            Credit::Full => !matches!(
                relationship.value,
                Relationship::Equal | Relationship::SupersetOf
            ),
            Credit::Partial => relationship.value == Relationship::NoRelationship,
            Credit::None => false,
        };
        if too_much {
            let word = |r: Relationship| match r {
                Relationship::Equal => "equal",
                Relationship::SubsetOf => "subset_of",
                Relationship::SupersetOf => "superset_of",
                Relationship::IntersectsWith => "intersects_with",
                Relationship::NoRelationship => "no_relationship",
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::CreditExceedsRelationship,
                    format!(
                        "`credit {}` claims more than `relationship {}` supports",
                        match credit.value {
                            Credit::Full => "full",
                            Credit::Partial => "partial",
                            Credit::None => "none",
                        },
                        word(relationship.value)
                    ),
                    credit.span,
                    "this credit",
                )
                .with_related(relationship.span, "this relationship")
                .with_help(
                    "full credit needs `equal` or `superset_of` (the source demands at least as much); \
                     otherwise give `credit partial`, or `credit none` for `no_relationship`",
                ),
            );
        }
    }
    check_date_order(recognition.valid_from, recognition.valid_until, diagnostics);
    if let Some(condition) = &recognition.condition {
        types::check_condition(model, condition, diagnostics);
    }
}
