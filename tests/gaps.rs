//! Tests that notice (issue 19): behaviour that a mutation campaign showed
//! no other test would miss if it changed. Each test asserts what must
//! hold, so that the mutant of the code it names fails it; the mutation
//! campaign that found the gaps is recorded in docs/hardening.md. The
//! reads bounded last are in `tests/gaps_reads.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::one_criterion::{as_of, compile, policy};
use labelc::diag::Code;
use labelc::diff::{Class, compare_conditions, diff_rule_sets};
use labelc::eval::Program;
use labelc::rules::{Condition, RuleSet};

/// How `X` judges a product with `facts` (a JSON object): `Some(true)` pass,
/// `Some(false)` fail, `None` unknown.
fn judge(rules: &RuleSet, facts: &str) -> Option<bool> {
    let program = Program::new(rules, 0, as_of()).unwrap();
    let json = format!(r#"{{"id": "p", "category": "c", "facts": {facts}}}"#);
    let outcome = program.evaluate_json(&json).unwrap();
    match (outcome.level, outcome.reachable) {
        (Some(1), _) => Some(true),
        (None, Some(1)) => None,
        (None, None) => Some(false),
        other => panic!("unexpected levels {other:?}"),
    }
}

fn condition(rules: &RuleSet) -> Condition {
    rules.schemes[0].criteria[0].condition.clone().unwrap()
}

// ---- eval ----------------------------------------------------------------

#[test]
fn eval_equality_on_numbers() {
    let rules = compile(&policy(
        "fact n: int\nfact d: decimal",
        "n == 5 and d == 1.5",
    ));
    assert_eq!(judge(&rules, r#"{"n": 5, "d": 1.5}"#), Some(true));
    assert_eq!(judge(&rules, r#"{"n": 6, "d": 1.5}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"n": 4, "d": 1.5}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"n": 5, "d": 1.25}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"d": 1.5}"#), None);
    let rules = compile(&policy("fact n: int", "n != 5"));
    assert_eq!(judge(&rules, r#"{"n": 5}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"n": 7}"#), Some(true));
}

#[test]
fn eval_equality_on_dates() {
    let rules = compile(&policy("fact d: date", "d == 2026-03-01"));
    assert_eq!(judge(&rules, r#"{"d": "2026-03-01"}"#), Some(true));
    assert_eq!(judge(&rules, r#"{"d": "2026-03-02"}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"d": "2026-02-28"}"#), Some(false));
    assert_eq!(judge(&rules, "{}"), None);
    let rules = compile(&policy("fact d: date", "d != 2026-03-01"));
    assert_eq!(judge(&rules, r#"{"d": "2026-03-01"}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"d": "2027-03-01"}"#), Some(true));
}

#[test]
fn eval_string_equality_against_a_different_known_string() {
    // `b` is a string the rule set knows (it is in the other criterion),
    // so it has an interned id: it must still differ from `a`.
    let text = "fact s: string\nscheme s@1 {\n  title \"S\"\n  category c { title \"C\" }\n  criterion X { title \"x\" condition s == \"a\" }\n  criterion Y { title \"y\" condition s != \"b\" }\n  level 1 { title \"one\" require X }\n  level 2 { title \"two\" include 1 require Y }\n}\n";
    let rules = compile(text);
    let program = Program::new(&rules, 0, as_of()).unwrap();
    let level = |s: &str| {
        let json = format!(r#"{{"id": "p", "category": "c", "facts": {{"s": "{s}"}}}}"#);
        program.evaluate_json(&json).unwrap().level
    };
    // `a`: X passes (`a` == `a`), Y passes (`a` != `b`).
    assert_eq!(level("a"), Some(2));
    // `b`: X fails (`b` != `a`): no level.
    assert_eq!(level("b"), None);
    // An unknown string: X fails.
    assert_eq!(level("zzz"), None);
    let rules = compile(&policy(
        "fact s: string\nfact t: string",
        "s != \"a\" and t == \"b\"",
    ));
    assert_eq!(judge(&rules, r#"{"s": "b", "t": "b"}"#), Some(true));
    assert_eq!(judge(&rules, r#"{"s": "a", "t": "b"}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"s": "b", "t": "a"}"#), Some(false));
}

#[test]
fn eval_date_in_a_list() {
    let rules = compile(&policy("fact d: date", "d in [2026-01-01, 2026-02-01]"));
    assert_eq!(judge(&rules, r#"{"d": "2026-01-01"}"#), Some(true));
    assert_eq!(judge(&rules, r#"{"d": "2026-02-01"}"#), Some(true));
    assert_eq!(judge(&rules, r#"{"d": "2026-03-01"}"#), Some(false));
    assert_eq!(judge(&rules, "{}"), None);
    let rules = compile(&policy("fact d: date", "d not in [2026-01-01]"));
    assert_eq!(judge(&rules, r#"{"d": "2026-01-01"}"#), Some(false));
    assert_eq!(judge(&rules, r#"{"d": "2026-01-02"}"#), Some(true));
}

// ---- check ---------------------------------------------------------------

/// Criteria A–I and the given levels.
fn levels_policy(levels: &str) -> String {
    let mut text =
        String::from("fact f: bool\nscheme s@1 {\n  title \"S\"\n  category c { title \"C\" }\n");
    for id in ["A", "B", "C", "D", "E", "F", "G", "H", "I"] {
        text.push_str(&format!(
            "  criterion {id} {{ title \"{id}\" condition f }}\n"
        ));
    }
    text.push_str(levels);
    text.push_str("}\n");
    text
}

fn check(levels: &str) -> Vec<(Code, String)> {
    let (_, outcome) = labelc::check_text("levels.policy", &levels_policy(levels));
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

fn not_monotone(levels: &str) -> Option<String> {
    let errors = check(levels);
    for (code, _) in &errors {
        assert_eq!(*code, Code::LevelNotMonotone, "{errors:?}");
    }
    errors.into_iter().next().map(|(_, m)| m)
}

#[test]
fn a_higher_level_must_cover_a_lower_levels_at_least_group() {
    let lower = "  level 1 { title \"1\" at_least 2 of (A, B, C) }\n";
    // Covered: two of the group's criteria required outright.
    assert_eq!(
        not_monotone(&format!(
            "{lower}  level 2 {{ title \"2\" require A, B }}\n"
        )),
        None
    );
    // Covered: a group of at least as many, drawn from the same criteria.
    assert_eq!(
        not_monotone(&format!(
            "{lower}  level 2 {{ title \"2\" at_least 2 of (A, C) }}\n"
        )),
        None
    );
    assert_eq!(
        not_monotone(&format!(
            "{lower}  level 2 {{ title \"2\" at_least 3 of (A, B, C) }}\n"
        )),
        None
    );
    // Not covered: one criterion of the group is fewer than two.
    let message = not_monotone(&format!(
        "{lower}  level 2 {{ title \"2\" require A, D }}\n"
    ))
    .expect("level 2 requires only one of the group");
    assert!(message.contains("1 `at_least` group(s)"), "{message}");
    // Not covered: a group asking for fewer.
    let message = not_monotone(&format!(
        "{lower}  level 2 {{ title \"2\" at_least 1 of (A, B) }}\n"
    ))
    .expect("one of A, B is less than two of A, B, C");
    assert!(message.contains("1 `at_least` group(s)"), "{message}");
    // Not covered: a group drawn from other criteria.
    let message = not_monotone(&format!(
        "{lower}  level 2 {{ title \"2\" at_least 2 of (A, D) }}\n"
    ))
    .expect("D is not in the lower group");
    assert!(message.contains("1 `at_least` group(s)"), "{message}");
}

#[test]
fn the_monotonicity_message_counts_groups_and_says_how_many_more() {
    let levels = "  level 1 { title \"1\" require A, B, C, D, E, F, G at_least 1 of (H, I) at_least 2 of (H, I) }\n  level 2 { title \"2\" require A }\n";
    let message = not_monotone(levels).expect("level 2 is easier");
    assert_eq!(
        message,
        "level 2 of `s@1` is easier than level 1: it does not require `B`, `C`, `D`, `E`, `F`, 1 more, 2 `at_least` group(s)"
    );
    // Exactly five missing: no "more".
    let levels =
        "  level 1 { title \"1\" require A, B, C, D, E, F }\n  level 2 { title \"2\" require A }\n";
    let message = not_monotone(levels).expect("level 2 is easier");
    assert_eq!(
        message,
        "level 2 of `s@1` is easier than level 1: it does not require `B`, `C`, `D`, `E`, `F`"
    );
}

#[test]
fn a_level_that_includes_into_a_cycle_terminates_with_the_cycle_error() {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        // 2 and 3 include each other; 4, outside the cycle, includes 3.
        let levels = "  level 1 { title \"1\" require A }\n  level 2 { title \"2\" include 1 include 3 require B }\n  level 3 { title \"3\" include 2 require C }\n  level 4 { title \"4\" include 3 require D }\n";
        let _ = send.send(check(levels));
    });
    let errors = receive
        .recv_timeout(Duration::from_secs(60))
        .expect("check must terminate on an include cycle");
    let cycles: Vec<&String> = errors
        .iter()
        .filter(|(c, _)| *c == Code::IncludeCycle)
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        cycles,
        ["levels include each other in a cycle: 2 → 3 → 2"],
        "{errors:?}"
    );
}

// ---- diff ----------------------------------------------------------------

/// The facts every diff case may use.
const FACTS: &str = "fact a: bool\nfact b: bool\nfact c: bool\nfact n: int\nfact r: decimal\nfact d: date\nfact e: date\nfact k: enum(lo, mid, hi)\nfact j: enum(lo, mid, hi)\nfact t: set<string>\nfact u: set<string>";

/// The values a fact takes in the products each case is judged on: around
/// every threshold and window the cases use (the assessment is 2026-06-01).
fn values(fact: &str) -> Vec<serde_json::Value> {
    use serde_json::json;
    match fact {
        "a" | "b" | "c" => vec![json!(false), json!(true)],
        "n" => (3..=9).map(|i| json!(i)).collect(),
        "r" => vec![json!(1.25), json!(1.5), json!(2.0)],
        "d" | "e" => [
            "2025-12-01",
            "2026-01-01",
            "2026-02-01",
            "2026-03-01",
            "2026-04-01",
            "2026-04-20",
            "2026-05-15",
            "2026-06-01",
            "2026-06-20",
            "2026-07-15",
            "2026-09-01",
        ]
        .iter()
        .map(|d| json!(d))
        .collect(),
        "k" | "j" => vec![json!("lo"), json!("mid"), json!("hi")],
        "t" | "u" => vec![
            json!([]),
            json!(["x"]),
            json!(["y"]),
            json!(["x", "y"]),
            json!(["z"]),
        ],
        other => panic!("no values for fact `{other}`"),
    }
}

/// Every product over the facts `old` and `new` read: each fact known.
fn products(old: &Condition, new: &Condition) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let mut names: Vec<String> = old
        .facts()
        .iter()
        .chain(new.facts().iter())
        .map(|f| f.name.clone())
        .collect();
    names.sort();
    names.dedup();
    let mut out = vec![serde_json::Map::new()];
    for name in names {
        let mut next = Vec::new();
        for p in &out {
            for v in values(&name) {
                let mut p = p.clone();
                p.insert(name.clone(), v);
                next.push(p);
            }
        }
        out = next;
    }
    out
}

/// Asserts that `class` is what evaluation shows over the products: a
/// tightening lets no product pass only the new condition and some pass only
/// the old one; a loosening the reverse; neutral none either way; mixed both.
fn assert_agrees_with_eval(old: &RuleSet, new: &RuleSet, class: Option<Class>, what: &str) {
    let (po, pn) = (
        Program::new(old, 0, as_of()).unwrap(),
        Program::new(new, 0, as_of()).unwrap(),
    );
    let (mut only_old, mut only_new) = (false, false);
    for facts in products(&condition(old), &condition(new)) {
        let json = serde_json::json!({"id": "p", "category": "c", "facts": facts}).to_string();
        let o = po.evaluate_json(&json).unwrap().level.is_some();
        let n = pn.evaluate_json(&json).unwrap().level.is_some();
        only_old |= o && !n;
        only_new |= n && !o;
    }
    let shown = match (only_old, only_new) {
        (false, false) => Some(Class::Neutral),
        (true, false) => Some(Class::Tightening),
        (false, true) => Some(Class::Loosening),
        (true, true) => Some(Class::Mixed),
    };
    assert_eq!(
        shown,
        class.or(Some(Class::Neutral)),
        "{what}: evaluation disagrees with the class"
    );
}

/// One condition change: the syntactic class and a part of its reason
/// (`None`: no change), and the class `diff` reports by meaning.
struct Change {
    old: &'static str,
    new: &'static str,
    syntactic: Option<(Class, &'static str)>,
    meaning: Option<Class>,
}

const fn change(
    old: &'static str,
    new: &'static str,
    syntactic: Option<(Class, &'static str)>,
    meaning: Option<Class>,
) -> Change {
    Change {
        old,
        new,
        syntactic,
        meaning,
    }
}

fn assert_changes(changes: &[Change]) {
    for case in changes {
        let what = format!("`{}` → `{}`", case.old, case.new);
        let old = compile(&policy(FACTS, case.old));
        let new = compile(&policy(FACTS, case.new));
        let found = compare_conditions(&condition(&old), &condition(&new));
        match (&found, case.syntactic) {
            (None, None) => {}
            (Some((class, reason)), Some((want, part))) => {
                assert_eq!(*class, want, "{what}: {reason}");
                assert!(reason.contains(part), "{what}: {reason:?} lacks {part:?}");
            }
            _ => panic!("{what}: syntactic {found:?}, expected {:?}", case.syntactic),
        }
        let diff = diff_rule_sets(&old, &new);
        let reported: Vec<_> = diff
            .changes
            .iter()
            .filter(|c| c.kind == "criterion.condition")
            .collect();
        match (reported.as_slice(), case.meaning) {
            ([], None) => assert!(diff.changes.is_empty(), "{what}: {:#?}", diff.changes),
            ([one], Some(want)) => assert_eq!(one.class, want, "{what}: {}", one.reason),
            (other, want) => panic!("{what}: diff reports {other:#?}, expected {want:?}"),
        }
        assert_agrees_with_eval(&old, &new, case.meaning, &what);
    }
}

const T: Class = Class::Tightening;
const L: Class = Class::Loosening;
const M: Class = Class::Mixed;
const N: Class = Class::Neutral;

/// A threshold on a decimal fact moves like one on an integer (the
/// syntactic rule reads both as numbers; by meaning the same).
#[test]
fn diff_a_moved_decimal_threshold() {
    assert_changes(&[
        change(
            "r >= 1.25",
            "r >= 1.5",
            Some((T, "threshold on `r` moved: `r >= 1.25` → `r >= 1.5`")),
            Some(T),
        ),
        change(
            "r < 2.0",
            "r < 1.5",
            Some((T, "threshold on `r` moved")),
            Some(T),
        ),
        change(
            "r <= 1.25",
            "r <= 2.0",
            Some((L, "threshold on `r` moved")),
            Some(L),
        ),
    ]);
}

#[test]
fn diff_a_moved_date_threshold() {
    assert_changes(&[
        change(
            "d >= 2026-01-01",
            "d >= 2026-03-01",
            Some((
                T,
                "threshold on `d` moved: `d >= 2026-01-01` → `d >= 2026-03-01`",
            )),
            Some(T),
        ),
        change(
            "d >= 2026-03-01",
            "d >= 2026-01-01",
            Some((L, "threshold on `d` moved")),
            Some(L),
        ),
        change(
            "d > 2026-01-01",
            "d > 2026-03-01",
            Some((T, "threshold on `d` moved")),
            Some(T),
        ),
        change(
            "d <= 2026-01-01",
            "d <= 2026-03-01",
            Some((L, "threshold on `d` moved")),
            Some(L),
        ),
        change(
            "d < 2026-03-01",
            "d < 2026-01-01",
            Some((T, "threshold on `d` moved")),
            Some(T),
        ),
        // `==` and `!=` have no direction: by meaning, neither implies the other.
        change(
            "d == 2026-01-01",
            "d == 2026-03-01",
            Some((M, "the required value changed")),
            Some(M),
        ),
        change(
            "n == 5",
            "n == 6",
            Some((M, "the required value changed")),
            Some(M),
        ),
        change(
            "n != 5",
            "n != 6",
            Some((M, "the required value changed")),
            Some(M),
        ),
        change(
            "n > 5",
            "n > 7",
            Some((T, "threshold on `n` moved")),
            Some(T),
        ),
        change(
            "n < 5",
            "n < 7",
            Some((L, "threshold on `n` moved")),
            Some(L),
        ),
        // The same fact, another operator: not a moved threshold.
        change("n >= 5", "n > 5", Some((M, "condition changed")), Some(T)),
        // Another fact, the same operator and value.
        change(
            "d >= 2026-01-01",
            "e >= 2026-01-01",
            Some((M, "condition changed")),
            Some(M),
        ),
    ]);
}

#[test]
fn diff_conditions_differing_only_in_text_are_unchanged() {
    assert_changes(&[
        change("(a) and b", "a and b", None, None),
        change("((a and b))", "a and b", None, None),
        change("r >= 1.50", "r >= 1.5", None, None),
        change("r >= 1.5", "r >= 1.500", None, None),
        change("not (a)", "not a", None, None),
    ]);
}

#[test]
fn diff_conjuncts_and_disjuncts_added_or_removed() {
    assert_changes(&[
        change("a", "a and b", Some((T, "conjunct added")), Some(T)),
        change("a and b", "a", Some((L, "conjunct removed")), Some(L)),
        change(
            "a and b",
            "a and b and c",
            Some((T, "conjunct added")),
            Some(T),
        ),
        change(
            "a and b and c",
            "a and c",
            Some((L, "conjunct removed")),
            Some(L),
        ),
        change("a", "a or b", Some((L, "disjunct added")), Some(L)),
        change("a or b", "a", Some((T, "disjunct removed")), Some(T)),
        change(
            "a or b",
            "a or b or c",
            Some((L, "disjunct added")),
            Some(L),
        ),
        change(
            "a or b or c",
            "b or c",
            Some((T, "disjunct removed")),
            Some(T),
        ),
        // The negative cases: the old condition is not one of the new conjuncts
        // (or disjuncts), nor the new one of the old.
        change("a", "b and c", Some((M, "condition changed")), Some(M)),
        change("a and b", "c", Some((M, "condition changed")), Some(M)),
        change("a", "b or c", Some((M, "condition changed")), Some(M)),
        change("a or b", "c", Some((M, "condition changed")), Some(M)),
        change("a", "b", Some((M, "condition changed")), Some(M)),
        // One conjunct replaced: judged on its own.
        change(
            "a and b",
            "a and c",
            Some((M, "condition changed")),
            Some(M),
        ),
        change(
            "a and b and n >= 5",
            "a and c and n >= 6",
            Some((M, "several conjuncts changed")),
            Some(M),
        ),
        change(
            "a or b or c",
            "a or n >= 5 or n >= 6",
            Some((M, "several disjuncts changed")),
            Some(M),
        ),
        // Several conjuncts added at once is still a conjunct added.
        change("a", "a and b and c", Some((T, "conjunct added")), Some(T)),
        // `and` ↔ `or` over the same operands: syntactically undecided, decided by meaning.
        change("a and b", "a or b", Some((M, "condition changed")), Some(L)),
    ]);
}

#[test]
fn diff_a_threshold_moved_inside_a_junction() {
    assert_changes(&[
        change(
            "a and n >= 5",
            "a and n >= 7",
            Some((T, "threshold on `n` moved: `n >= 5` → `n >= 7`")),
            Some(T),
        ),
        change(
            "a and n <= 5",
            "a and n <= 7",
            Some((L, "threshold on `n` moved")),
            Some(L),
        ),
        change(
            "a or n >= 5",
            "a or n >= 7",
            Some((T, "threshold on `n` moved")),
            Some(T),
        ),
        change(
            "b and d >= 2026-03-01",
            "b and d >= 2026-01-01",
            Some((L, "threshold on `d` moved")),
            Some(L),
        ),
    ]);
}

#[test]
fn diff_a_change_under_not_turns_around() {
    assert_changes(&[
        change(
            "not (n >= 5)",
            "not (n >= 7)",
            Some((L, "under `not`: threshold on `n` moved")),
            Some(L),
        ),
        change(
            "not (n <= 5)",
            "not (n <= 7)",
            Some((T, "under `not`: threshold on `n` moved")),
            Some(T),
        ),
        change(
            "not (a and b)",
            "not a",
            Some((T, "under `not`: conjunct removed")),
            Some(T),
        ),
        change(
            "not a",
            "not b",
            Some((M, "under `not`: condition changed")),
            Some(M),
        ),
        change(
            "not (k in [lo])",
            "not (k in [lo, mid])",
            Some((T, "under `not`: set of values for `k` grown")),
            Some(T),
        ),
    ]);
}

#[test]
fn diff_value_sets_compare_only_on_the_same_fact() {
    assert_changes(&[
        // in / not in
        change(
            "k in [lo]",
            "k in [lo, mid]",
            Some((L, "set of values for `k` grown")),
            Some(L),
        ),
        change(
            "k in [lo, mid]",
            "k in [lo]",
            Some((T, "set of values for `k` shrunk")),
            Some(T),
        ),
        change(
            "k not in [lo]",
            "k not in [lo, mid]",
            Some((T, "set of values for `k` grown")),
            Some(T),
        ),
        change(
            "k in [lo, mid]",
            "k in [mid, hi]",
            Some((M, "values of `k` replaced")),
            Some(M),
        ),
        change(
            "k in [lo, mid]",
            "j in [lo, mid]",
            Some((M, "condition changed")),
            Some(M),
        ),
        change(
            "k in [lo]",
            "k not in [lo, mid]",
            Some((M, "condition changed")),
            Some(M),
        ),
        change(
            "k in [lo, mid]",
            "k not in [hi]",
            Some((M, "condition changed")),
            Some(N),
        ),
        // subset_of
        change(
            "t subset_of [\"x\"]",
            "t subset_of [\"x\", \"y\"]",
            Some((L, "set of values for `t` grown")),
            Some(L),
        ),
        change(
            "t subset_of [\"x\", \"y\"]",
            "t subset_of [\"y\"]",
            Some((T, "set of values for `t` shrunk")),
            Some(T),
        ),
        change(
            "t subset_of [\"x\"]",
            "u subset_of [\"x\", \"y\"]",
            Some((M, "condition changed")),
            Some(M),
        ),
        change(
            "t subset_of [\"x\"]",
            "t subset_of [\"y\"]",
            Some((M, "values of `t` replaced")),
            Some(M),
        ),
        // superset_of: every listed value must be there, so more values is stricter
        change(
            "t superset_of [\"x\"]",
            "t superset_of [\"x\", \"y\"]",
            Some((T, "set of values for `t` grown")),
            Some(T),
        ),
        change(
            "t superset_of [\"x\", \"y\"]",
            "t superset_of [\"y\"]",
            Some((L, "set of values for `t` shrunk")),
            Some(L),
        ),
        change(
            "t superset_of [\"x\"]",
            "u superset_of [\"x\", \"y\"]",
            Some((M, "condition changed")),
            Some(M),
        ),
        change(
            "t superset_of [\"x\"]",
            "t superset_of [\"y\"]",
            Some((M, "values of `t` replaced")),
            Some(M),
        ),
    ]);
}

#[test]
fn diff_within_windows() {
    assert_changes(&[
        change(
            "d within 30 days before assessment",
            "d within 60 days before assessment",
            Some((L, "window on `d` changed: 30 → 60 days")),
            Some(L),
        ),
        change(
            "d within 60 days before assessment",
            "d within 30 days before assessment",
            Some((T, "window on `d` changed: 60 → 30 days")),
            Some(T),
        ),
        change(
            "d within 30 days after assessment",
            "d within 90 days after assessment",
            Some((L, "window on `d` changed: 30 → 90 days")),
            Some(L),
        ),
        change(
            "d within 30 days before assessment",
            "d within 30 days after assessment",
            Some((M, "condition changed")),
            Some(M),
        ),
        change(
            "d within 30 days before assessment",
            "e within 60 days before assessment",
            Some((M, "condition changed")),
            Some(M),
        ),
        // The direction turned and the length changed: not a window widened.
        change(
            "d within 30 days before assessment",
            "d within 60 days after assessment",
            Some((M, "condition changed")),
            Some(M),
        ),
    ]);
}
