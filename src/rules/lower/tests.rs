//! Lowering a model whose invariants a bug broke: internal diagnostics, never
//! a default value in the rule set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use super::*;
use crate::diag::Diagnostics;

const POLICY: &str = "\
fact a: bool
fact n: int
fact d: date

scheme s@1 {
  title \"S\"
  effective 2026-01-01
  category c { title \"C\" }
  criterion A { title \"A\" condition a }
  criterion B { title \"B\" condition n >= 24 }
  criterion D { title \"D\" condition d within 30 days before assessment }
  level 1 { title \"one\" at_least 2 of (A, B, D) }
  level 2 { title \"two\" include 1 at_least 2 of (A, B, D) require A }
}
";

/// Parses and resolves [`POLICY`] after `breaks` has edited its AST as a
/// broken invariant would, then lowers it.
fn lowered(breaks: impl FnOnce(&mut ast::Scheme)) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut sources = SourceMap::new();
    let id = sources.add("t.policy", POLICY);
    let mut diagnostics = Diagnostics::new();
    let mut file = crate::syntax::parse_file(id, POLICY, &mut diagnostics);
    let Some(ast::Item::Scheme(scheme)) = file
        .items
        .iter_mut()
        .find(|i| matches!(i, ast::Item::Scheme(_)))
    else {
        panic!("no scheme in the policy");
    };
    breaks(scheme);
    let files = vec![file];
    let model = crate::resolve::resolve(&files, &mut diagnostics);
    crate::check::check(&model, &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{:?}", diagnostics.into_sorted());
    lower(&model, &sources)
}

fn level(scheme: &mut ast::Scheme) -> &mut ast::Level {
    scheme
        .members
        .iter_mut()
        .find_map(|m| match m {
            ast::Member::Level(l) => Some(l),
            _ => None,
        })
        .unwrap()
}

fn condition<'a>(scheme: &'a mut ast::Scheme, id: &str) -> &'a mut ast::Expr {
    scheme
        .members
        .iter_mut()
        .find_map(|m| match m {
            ast::Member::Criterion(c) if c.id.name == id => c.condition.as_mut(),
            _ => None,
        })
        .unwrap()
}

/// The single internal diagnostic of a failed lowering, with the text it covers.
fn internal(result: Result<RuleSet, Vec<Diagnostic>>) -> (Diagnostic, String) {
    let diagnostics = result.expect_err("a broken invariant must fail the lowering");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = diagnostics.into_iter().next().unwrap();
    assert_eq!(d.code, Code::Internal);
    let text = POLICY.get(d.span.range()).unwrap().to_string();
    (d, text)
}

#[test]
fn the_unbroken_model_lowers_with_its_values() {
    let rules = lowered(|_| {}).unwrap();
    let level = &rules.schemes[0].levels[0];
    assert_eq!(level.at_least[0].k, 2);
    let b = &rules.schemes[0].criteria[1];
    assert!(
        matches!(
            b.condition,
            Some(Condition::Compare {
                value: Literal::Int(24),
                ..
            })
        ),
        "{:?}",
        b.condition
    );
}

#[test]
fn an_at_least_count_without_its_value_is_an_internal_error_not_zero() {
    let (d, text) = internal(lowered(|s| level(s).at_least[0].k.value = None));
    assert_eq!(text, "2");
    assert!(d.message.contains("`at_least` count"), "{}", d.message);
    assert!(d.help.as_deref().unwrap().contains("bug in labelc"));
}

#[test]
fn a_literal_without_its_value_is_an_internal_error_not_zero() {
    let (d, text) = internal(lowered(|s| {
        if let ast::ExprKind::Compare { value, .. } = &mut condition(s, "B").kind {
            value.kind = ast::ValueKind::Int(None);
        }
    }));
    assert_eq!(text, "24");
    assert!(d.message.contains("whole number"), "{}", d.message);
    let (_, text) = internal(lowered(|s| {
        if let ast::ExprKind::Compare { value, .. } = &mut condition(s, "B").kind {
            value.kind = ast::ValueKind::Decimal("x".to_string());
        }
    }));
    assert_eq!(text, "24");
}

#[test]
fn an_include_without_its_rank_is_an_internal_error_not_dropped() {
    let (_, text) = internal(lowered(|s| {
        let level = s
            .members
            .iter_mut()
            .filter_map(|m| match m {
                ast::Member::Level(l) => Some(l),
                _ => None,
            })
            .nth(1)
            .unwrap();
        level.includes[0].value = None;
    }));
    assert_eq!(text, "1");
}

#[test]
fn a_day_count_without_its_value_is_an_internal_error_not_zero() {
    let (_, text) = internal(lowered(|s| {
        if let ast::ExprKind::Within { days, .. } = &mut condition(s, "D").kind {
            days.value = None;
        }
    }));
    assert_eq!(text, "30");
}

#[test]
fn a_date_without_its_value_is_an_internal_error_not_dropped() {
    let (_, text) = internal(lowered(|s| {
        s.effective.as_mut().unwrap().value = None;
    }));
    assert_eq!(text, "2026-01-01");
}
