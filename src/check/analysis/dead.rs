//! Dead and trivial rules found by the decision procedure
//! ([`crate::analysis::find_dead`]), reported as warnings at the criterion
//! or level they concern.

use crate::analysis::{Finding, LevelPart, find_dead};
use crate::ast;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::resolve::{Model, SchemeIndex};
use crate::rules::{RuleSet, Scheme};
use crate::span::Span;

/// Reports every dead or trivial rule of `rules` (lowered from `model`).
pub fn report_dead(
    model: &Model<'_>,
    rules: &RuleSet,
    today: jiff::civil::Date,
    diagnostics: &mut Diagnostics,
) {
    for finding in find_dead(rules, today) {
        if let Some(d) = diagnostic(model, rules, &finding) {
            diagnostics.push(d);
        }
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(part: &LevelPart) -> String {
    match part {
        LevelPart::Required { rank, id } => format!("level {rank} requires `{id}`"),
        LevelPart::AtLeast { rank, k, of } => {
            format!("level {rank} counts at least {k} of {}", quoted(of))
        }
        LevelPart::Applies { rank } => {
            format!("level {rank} applies only where a criterion it adds applies")
        }
    }
}

/// The warning for one finding, at its place in the source.
fn diagnostic(model: &Model<'_>, rules: &RuleSet, finding: &Finding) -> Option<Diagnostic> {
    match finding {
        Finding::Unsatisfiable {
            scheme,
            index,
            core,
        } => {
            let (key, ast) = criterion(model, rules, *scheme, *index)?;
            Some(unsatisfiable(&key, ast, core))
        }
        Finding::Trivial {
            scheme,
            index,
            witness,
        } => {
            let (key, ast) = criterion(model, rules, *scheme, *index)?;
            Some(trivial(&key, ast, witness.as_ref()))
        }
        Finding::NeverApplies {
            scheme,
            index,
            reason,
        } => {
            let (key, ast) = criterion(model, rules, *scheme, *index)?;
            Some(never_applies(&key, ast, reason))
        }
        Finding::UnreachableLevel {
            scheme,
            position,
            above,
            on,
            core,
        } => unreachable(model, rules, (*scheme, *position), above, *on, core),
    }
}

/// A scheme version of `rules` and its entry in the model.
fn scheme_of<'m, 'a>(
    model: &'m Model<'a>,
    rules: &'m RuleSet,
    scheme: usize,
) -> Option<(&'m Scheme, &'m SchemeIndex<'a>)> {
    let s = rules.schemes.get(scheme)?;
    let index = model.schemes.get(&(s.id.clone(), s.version.clone()))?;
    Some((s, index))
}

/// `SCHEME@VERSION` and the source of criterion `i` of `scheme`.
fn criterion<'a>(
    model: &Model<'a>,
    rules: &RuleSet,
    scheme: usize,
    i: usize,
) -> Option<(String, &'a ast::Criterion)> {
    let (s, index) = scheme_of(model, rules, scheme)?;
    let c = s.criteria.get(i)?;
    Some((s.key(), *index.criteria.get(c.id.as_str())?))
}

fn condition_span(ast: &ast::Criterion) -> Span {
    ast.condition.as_ref().map_or(ast.id.span, |c| c.span)
}

fn unsatisfiable(key: &str, ast: &ast::Criterion, core: &[String]) -> Diagnostic {
    let reason = match core {
        [one] => format!("`{one}` is never true"),
        _ => format!("{} are never true together", quoted(core)),
    };
    Diagnostic::new(
        Code::UnsatisfiableCondition,
        format!("no product can pass `{key}#{}`: {reason}", ast.id.name),
        condition_span(ast),
        "never true",
    )
    .with_help(
        "correct the condition (a bound the wrong way round?); as written the criterion fails every product",
    )
}

fn trivial(key: &str, ast: &ast::Criterion, witness: Option<&serde_json::Value>) -> Diagnostic {
    let (message, help) = match witness {
        None => (
            format!(
                "every product passes the condition of `{key}#{}`, whatever facts it gives",
                ast.id.name
            ),
            "correct the condition, or remove the criterion: it asks for nothing".to_string(),
        ),
        Some(w) => (
            format!(
                "every product that gives the facts it reads passes the condition of `{key}#{}`",
                ast.id.name
            ),
            format!(
                "it asks only that the facts be given; a product that leaves one out is not passed \
                 (`labelc eval` reads it): {w}\n\
                 write `present(…)` if that is what it means, or correct the condition"
            ),
        ),
    };
    Diagnostic::new(
        Code::TrivialCondition,
        message,
        condition_span(ast),
        "always true",
    )
    .with_help(help)
}

fn never_applies(key: &str, ast: &ast::Criterion, reason: &str) -> Diagnostic {
    let span = match (&ast.valid_until, &ast.applies_to) {
        (Some(d), _) if reason.contains("valid_until") => d.span,
        (_, Some(ast::AppliesTo::All(span))) => *span,
        (_, Some(ast::AppliesTo::Categories(ids))) => ids.first().map_or(ast.id.span, |i| i.span),
        _ => ast.id.span,
    };
    Diagnostic::new(
        Code::CriterionNeverApplies,
        format!(
            "`{key}#{}` applies to no product on any date: {reason}",
            ast.id.name
        ),
        span,
        "never applies",
    )
    .with_help("correct its dates or `applies_to`, or remove it: no product is ever judged by it")
}

fn unreachable(
    model: &Model<'_>,
    rules: &RuleSet,
    (scheme, position): (usize, usize),
    above: &[i64],
    on: jiff::civil::Date,
    core: &[LevelPart],
) -> Option<Diagnostic> {
    let (s, index) = scheme_of(model, rules, scheme)?;
    let level = s.levels.get(position)?;
    let ast = index.levels.get(&level.rank)?;
    let above = match above {
        [] => String::new(),
        ranks => format!(
            " (nor, therefore, level {})",
            ranks
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let why = core.iter().map(describe).collect::<Vec<_>>().join("; ");
    Some(
        Diagnostic::new(
            Code::UnreachableLevel,
            format!(
                "no product can reach level {} of `{}` on any date{above}",
                level.rank,
                s.key()
            ),
            ast.rank.span,
            "unreachable",
        )
        .with_help(format!(
            "on {on}, no product meets these together: {why}; \
             correct the conditions or what the level requires (`labelc relate` compares two criteria)"
        )),
    )
}
