//! `labelc diff` on level membership, decided by meaning (issue 15): small
//! fixtures whose answer is known by hand, each witness run through the
//! evaluator to show the difference it claims.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use labelc::diff::{Change, Class, diff_rule_sets};
use labelc::rules::RuleSet;
use labelc::source::SourceMap;

/// A scheme `demo@1` with criteria `A`..`E` and the given levels.
fn policy(levels: &str) -> String {
    format!(
        r#"
fact a: bool
fact b: bool
fact c: bool
fact score: int

scheme demo@1 {{
  title "Demo"
  category all {{ title "All" }}
  criterion A {{ title "a" condition a }}
  criterion B {{ title "b" condition b }}
  criterion C {{ title "c" condition c }}
  criterion D {{ title "more than 5" condition score > 5 }}
  criterion E {{ title "at least 6" condition score >= 6 }}
  criterion F {{ title "at least 10" condition score >= 10 }}
  criterion P {{ title "open" status pending "not published yet" }}
{levels}
}}
"#
    )
}

fn compile(text: &str) -> RuleSet {
    let mut sources = SourceMap::new();
    sources.add("demo.policy", text);
    labelc::compile(&sources).unwrap_or_else(|d| panic!("{d:?}"))
}

/// The membership changes of the diff from `old` levels to `new` levels.
fn membership(old: &str, new: &str) -> (RuleSet, RuleSet, Vec<Change>) {
    let (a, b) = (compile(&policy(old)), compile(&policy(new)));
    let changes = diff_rule_sets(&a, &b)
        .changes
        .into_iter()
        .filter(|c| c.kind.starts_with("level."))
        .collect();
    (a, b, changes)
}

/// The witness the reason gives after `marker`.
fn witness(reason: &str, marker: &str) -> serde_json::Value {
    let at = reason
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in {reason}"));
    let rest = &reason[at + marker.len()..];
    serde_json::Deserializer::from_str(rest)
        .into_iter::<serde_json::Value>()
        .next()
        .unwrap()
        .unwrap()
}

/// The level `rules` gives `product` today (the day diff judges on).
fn level(rules: &RuleSet, product: &serde_json::Value) -> Option<i64> {
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let program = labelc::eval::Program::new(rules, 0, today).unwrap();
    program
        .evaluate_json_with(&product.to_string(), false)
        .unwrap()
        .level
}

const OLD_ONLY: &str = "only under the old levels: ";
const NEW_ONLY: &str = "only under the new levels: ";

#[test]
fn at_least_raised_is_tightening_with_a_witness_eval_confirms() {
    let (a, b, changes) = membership(
        "level 1 { title \"one\" at_least 2 of (A, B, C) }",
        "level 1 { title \"one\" at_least 3 of (A, B, C) }",
    );
    assert_eq!(changes.len(), 1, "{changes:?}");
    let c = &changes[0];
    assert_eq!(
        (c.kind.as_str(), c.class),
        ("level.at_least", Class::Tightening)
    );
    assert!(
        c.reason.contains("by meaning level 1 is stricter"),
        "{}",
        c.reason
    );
    assert!(!c.reason.contains(NEW_ONLY), "{}", c.reason);
    let w = witness(&c.reason, OLD_ONLY);
    assert_eq!((level(&a, &w), level(&b, &w)), (Some(1), None), "{w}");
}

#[test]
fn at_least_lowered_is_loosening_with_a_witness_eval_confirms() {
    let (a, b, changes) = membership(
        "level 1 { title \"one\" at_least 2 of (A, B, C) }",
        "level 1 { title \"one\" at_least 1 of (A, B, C) }",
    );
    let c = &changes[0];
    assert_eq!(c.class, Class::Loosening, "{}", c.reason);
    let w = witness(&c.reason, NEW_ONLY);
    assert_eq!((level(&a, &w), level(&b, &w)), (None, Some(1)), "{w}");
}

#[test]
fn a_required_criterion_replaced_by_an_equivalent_one_is_neutral() {
    // `score > 5` and `score >= 6` pass the same products on an int.
    let (_, _, changes) = membership(
        "level 1 { title \"one\" require D }",
        "level 1 { title \"one\" require E }",
    );
    assert_eq!(changes.len(), 2, "D no longer required, E now: {changes:?}");
    for c in &changes {
        assert_eq!(
            (c.kind.as_str(), c.class),
            ("level.requires", Class::Neutral),
            "{}",
            c.reason
        );
        assert!(
            c.reason.contains("reached by the same products"),
            "{}",
            c.reason
        );
    }
}

#[test]
fn dropping_a_requirement_another_one_implies_is_neutral() {
    // `score >= 10` implies `score > 5`: requiring both is requiring F.
    let (_, _, changes) = membership(
        "level 1 { title \"one\" require D, F }",
        "level 1 { title \"one\" require F }",
    );
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].class, Class::Neutral, "{}", changes[0].reason);
}

#[test]
fn a_swap_of_unrelated_criteria_is_mixed_with_both_witnesses() {
    let (a, b, changes) = membership(
        "level 1 { title \"one\" require A }",
        "level 1 { title \"one\" require B }",
    );
    assert_eq!(changes.len(), 2, "{changes:?}");
    for c in &changes {
        assert_eq!(c.class, Class::Mixed, "{}", c.reason);
        let lost = witness(&c.reason, OLD_ONLY);
        assert_eq!(
            (level(&a, &lost), level(&b, &lost)),
            (Some(1), None),
            "{lost}"
        );
        let gained = witness(&c.reason, NEW_ONLY);
        assert_eq!(
            (level(&a, &gained), level(&b, &gained)),
            (None, Some(1)),
            "{gained}"
        );
    }
}

#[test]
fn a_requirement_moved_up_is_judged_at_the_lower_level() {
    // A leaves level 1 for level 2: level 1 is looser, level 2 unchanged.
    let (a, b, changes) = membership(
        "level 1 { title \"one\" require A, D }\n  level 2 { title \"two\" include 1 require B }",
        "level 1 { title \"one\" require D }\n  level 2 { title \"two\" include 1 require A, B }",
    );
    assert_eq!(changes.len(), 1, "{changes:?}");
    let c = &changes[0];
    assert_eq!(
        (c.id.as_str(), c.class),
        ("A", Class::Loosening),
        "{}",
        c.reason
    );
    let w = witness(&c.reason, NEW_ONLY);
    assert_eq!((level(&a, &w), level(&b, &w)), (None, Some(1)), "{w}");
}

#[test]
fn a_level_no_product_reaches_keeps_the_class_of_the_change() {
    // P is pending: no product reaches level 1 under either version, so
    // "the same products" would be vacuous; the change says what it does.
    let (_, _, changes) = membership(
        "level 1 { title \"one\" require P }",
        "level 1 { title \"one\" require P, A }",
    );
    assert_eq!(changes.len(), 1, "{changes:?}");
    let c = &changes[0];
    assert_eq!(c.class, Class::Tightening, "{}", c.reason);
    assert!(
        c.reason
            .contains("no product reaches level 1 under either version"),
        "{}",
        c.reason
    );
}
