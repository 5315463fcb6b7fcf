//! The decision procedure (src/analysis): relationships known by hand,
//! Kleene corner cases, levels and categories, `labelc relate`, and a
//! property test against the evaluator on random conditions and products.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use labelc::analysis::{Analyzer, Implication, Relation, Target};
use labelc::eval::{Program, Verdict};
use labelc::rules::{Relationship, RuleSet};
use proptest::prelude::*;

const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 11, 25);

const FACTS: &str = r#"
fact a: bool
fact b: bool
fact x: int
fact y: decimal
fact d: date
fact s: set<string>
fact e: enum(red, green, blue)
fact t: string
"#;

fn compile(policy: &str) -> RuleSet {
    let mut sources = labelc::source::SourceMap::new();
    sources.add("p.policy", policy);
    match labelc::compile(&sources) {
        Ok(rules) => rules,
        Err(diags) => panic!("the policy does not check: {diags:?}\n{policy}"),
    }
}

/// A scheme `t` with one criterion per condition (`L`, `R`, …), all confirmed.
fn two(left: &str, right: &str) -> RuleSet {
    compile(&format!(
        "{FACTS}
scheme t@1 {{
    title \"T\"
    category cam {{ title \"Cameras\" }}
    criterion L {{ title \"left\" status confirmed condition {left} }}
    criterion R {{ title \"right\" status confirmed condition {right} }}
    level 1 {{ title \"one\" require L }}
}}
"
    ))
}

fn relate_in(rules: &RuleSet, left: &str, right: &str) -> Relation {
    let l = Target::parse(left, rules, AS_OF).unwrap();
    let r = Target::parse(right, rules, AS_OF).unwrap();
    Analyzer::new(rules, AS_OF).relate(&l, &r).unwrap()
}

fn relate(left: &str, right: &str) -> Relation {
    relate_in(&two(left, right), "t#L", "t#R")
}

/// The verdict eval gives criterion `id` of scheme `t` on `product`.
fn verdict(rules: &RuleSet, product: &serde_json::Value, id: &str) -> Verdict {
    let program = Program::new(rules, 0, AS_OF).unwrap();
    let outcome = program
        .evaluate_json_with(&product.to_string(), true)
        .unwrap();
    outcome
        .criteria
        .unwrap()
        .iter()
        .find(|c| c.id == id)
        .unwrap()
        .outcome
}

/// The witness of a failing implication, judged again here: the left side
/// passes it and the right side does not.
fn check_witness(rules: &RuleSet, implication: &Implication, left: &str, right: &str) {
    let w = implication.witness().expect("a witness");
    assert_eq!(verdict(rules, w, left), Verdict::Pass, "{}", w);
    assert_ne!(verdict(rules, w, right), Verdict::Pass, "{}", w);
}

#[test]
fn strict_and_non_strict_bounds_are_equal_on_ints() {
    let r = relate("x > 5", "x >= 6");
    assert_eq!(r.relationship, Relationship::Equal);
    assert!(r.left_implies_right.holds() && r.right_implies_left.holds());
}

#[test]
fn strict_and_non_strict_bounds_differ_on_decimals_with_a_witness_between() {
    let rules = two("y >= 6", "y > 5");
    let r = relate_in(&rules, "t#L", "t#R");
    // `y >= 6` asks for more: it is the superset of requirements.
    assert_eq!(r.relationship, Relationship::SupersetOf);
    check_witness(&rules, &r.right_implies_left, "R", "L");
    let y = &r.right_implies_left.witness().unwrap()["facts"]["y"];
    let y = y.as_f64().unwrap();
    assert!(y > 5.0 && y < 6.0, "{y}");
}

#[test]
fn de_morgan_and_reordering_are_equal() {
    assert_eq!(
        relate("not (a or b)", "not a and not b").relationship,
        Relationship::Equal
    );
    assert_eq!(
        relate("a and x > 3", "x > 3 and a").relationship,
        Relationship::Equal
    );
}

#[test]
fn a_tautology_over_a_fact_that_may_be_missing_is_not_a_tautology() {
    // `a or not a` is unknown when `a` is missing: a product passing `b`
    // need not pass it, and the witness leaves `a` out.
    let rules = two("b", "a or not a");
    let r = relate_in(&rules, "t#L", "t#R");
    assert!(!r.left_implies_right.holds());
    check_witness(&rules, &r.left_implies_right, "L", "R");
    let facts = &r.left_implies_right.witness().unwrap()["facts"];
    assert!(facts.get("a").is_none(), "{facts}");
    // With `a` known, it holds: `present(a)` implies it.
    let r = relate("present(a)", "a or not a");
    assert!(r.left_implies_right.holds());
}

#[test]
fn disjoint_conditions_have_no_relationship() {
    let r = relate("x < 3", "x > 7");
    assert_eq!(r.relationship, Relationship::NoRelationship);
    assert!(r.both.is_none());
    let r = relate("x < 5", "x > 3");
    assert_eq!(r.relationship, Relationship::IntersectsWith);
    assert!(r.both.is_some());
}

#[test]
fn sets_enums_and_strings_are_split_into_cells() {
    // Containing "x" rules out being a subset of ["y"], not the other way round
    // (a member no condition names).
    let rules = two("s contains \"x\"", "not (s subset_of [\"y\"])");
    let r = relate_in(&rules, "t#L", "t#R");
    assert_eq!(r.relationship, Relationship::SupersetOf);
    check_witness(&rules, &r.right_implies_left, "R", "L");
    assert_eq!(
        relate("e != red", "e in [green, blue]").relationship,
        Relationship::Equal
    );
    assert_eq!(
        relate(
            "s superset_of [\"p\", \"q\"]",
            "s contains \"p\" and s contains \"q\""
        )
        .relationship,
        Relationship::Equal
    );
    let rules = two("t == \"EU\"", "t in [\"EU\", \"UK\"]");
    let r = relate_in(&rules, "t#L", "t#R");
    assert_eq!(r.relationship, Relationship::SupersetOf);
    check_witness(&rules, &r.right_implies_left, "R", "L");
}

#[test]
fn within_is_judged_against_the_assessment_date() {
    // 2026-11-25 minus 10 days is 2026-11-15.
    assert_eq!(
        relate(
            "d within 10 days before assessment",
            "d >= 2026-11-15 and d <= assessment"
        )
        .relationship,
        Relationship::Equal
    );
    let rules = two("d within 10 days before assessment", "d >= 2026-11-16");
    let r = relate_in(&rules, "t#L", "t#R");
    check_witness(&rules, &r.left_implies_right, "L", "R");
    assert_eq!(
        r.left_implies_right.witness().unwrap()["facts"]["d"],
        "2026-11-15"
    );
}

const LEVELS: &str = r#"
fact a: bool
fact b: bool
scheme s@1 {
    title "S"
    category cam { title "Cameras" }
    category hub { title "Hubs" }
    criterion A { title "a" status confirmed condition a }
    criterion B { title "b" status confirmed condition b }
    criterion AC { title "a, cameras only" status confirmed applies_to cam condition a }
    criterion EITHER { title "a or b" status confirmed condition a or b }
    criterion BOTH { title "a and b" status confirmed condition a and b }
    level 1 { title "one" at_least 1 of (A, B) }
    level 2 { title "two" include 1 require A, B }
}
"#;

#[test]
fn levels_follow_eval_cumulative_and_at_least() {
    let rules = compile(LEVELS);
    assert_eq!(
        relate_in(&rules, "s:1", "s#EITHER").relationship,
        Relationship::Equal
    );
    assert_eq!(
        relate_in(&rules, "s:2", "s#BOTH").relationship,
        Relationship::Equal
    );
    let r = relate_in(&rules, "s:2", "s:1");
    assert_eq!(r.relationship, Relationship::SupersetOf);
    // Reaching level 1 (`a` or `b` alone) is not reaching level 2 (both):
    // exactly one of them is true.
    let w = r.right_implies_left.witness().unwrap();
    let (a, b) = (w["facts"]["a"] == true, w["facts"]["b"] == true);
    assert!(a != b, "{w}");
}

#[test]
fn a_criterion_that_applies_to_fewer_categories_is_passed_by_fewer_products() {
    let rules = compile(LEVELS);
    let r = relate_in(&rules, "s#AC", "s#A");
    assert_eq!(r.relationship, Relationship::SupersetOf);
    let w = r.right_implies_left.witness().unwrap();
    assert_eq!(w["category"]["s"], "hub", "{w}");
}

#[test]
fn a_target_that_names_nothing_is_an_error_with_a_suggestion() {
    let rules = compile(LEVELS);
    let e = Target::parse("s#BOTHH", &rules, AS_OF).unwrap_err();
    assert!(e.to_string().contains("no criterion `BOTHH`"), "{e}");
    assert!(format!("{e:?}").contains("s#BOTH"), "{e:?}");
    assert!(Target::parse("s:7", &rules, AS_OF).is_err());
    assert!(Target::parse("s", &rules, AS_OF).is_err());
    assert!(Target::parse("nope#A", &rules, AS_OF).is_err());
}

#[test]
fn relate_prints_the_relationship_and_witnesses() {
    let dir = common::scratch("relate");
    let path = dir.join("s.policy");
    std::fs::write(&path, LEVELS).unwrap();
    let path = path.to_str().unwrap();
    let out = common::labelc(&[
        "relate",
        path,
        "--left",
        "s#A",
        "--right",
        "s#EITHER",
        "--as-of",
        "2026-11-25",
    ]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let stdout = common::text(&out.stdout);
    assert!(
        stdout.starts_with("s@1#A superset_of s@1#EITHER"),
        "{stdout}"
    );
    let out = common::labelc(&[
        "relate",
        path,
        "--left",
        "s#A",
        "--right",
        "s#B",
        "--format",
        "json",
        "--as-of",
        "2026-11-25",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["relationship"], "intersects_with");
    assert_eq!(json["left_implies_right"]["holds"], false);
    // The witness is a product eval accepts, and eval agrees with it.
    let witness = json["left_implies_right"]["witness"].to_string();
    let eval = common::labelc_with_input(
        &[
            "eval",
            path,
            "--scheme",
            "s",
            "--as-of",
            "2026-11-25",
            "--explain",
            "--format",
            "json",
            "--facts",
            "-",
        ],
        witness.as_bytes(),
    );
    assert!(eval.status.success(), "{}", common::text(&eval.stderr));
    let judged: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    let outcome = |id: &str| {
        judged["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["outcome"].clone())
            .unwrap()
    };
    assert_eq!(outcome("A"), "pass", "{judged}");
    assert_ne!(outcome("B"), "pass", "{judged}");
    let out = common::labelc(&["relate", path, "--left", "s#Z", "--right", "s#A"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::text(&out.stderr).contains("no criterion `Z`"));
}

// The property: for random condition pairs, "L implies R" means no random
// product passes L and fails R; every witness shows the difference under eval.

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("present(x)".to_string()),
        (
            0i64..4,
            prop::sample::select(vec!["<", "<=", ">", ">=", "==", "!="])
        )
            .prop_map(|(n, op)| format!("x {op} {n}")),
        (0i64..4, prop::sample::select(vec!["<", ">="]))
            .prop_map(|(n, op)| format!("y {op} {n}.5")),
        prop::sample::select(vec!["red", "green", "blue"]).prop_map(|v| format!("e == {v}")),
        Just("e in [red, blue]".to_string()),
        prop::sample::select(vec!["p", "q"]).prop_map(|v| format!("s contains \"{v}\"")),
        Just("s subset_of [\"p\"]".to_string()),
        Just("s superset_of [\"p\", \"q\"]".to_string()),
        (1i64..4).prop_map(|n| format!("d within {n} days before assessment")),
        Just("d < 2026-11-24".to_string()),
        Just("t == \"EU\"".to_string()),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    atom().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" and "))),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" or "))),
            inner.prop_map(|c| format!("not ({c})")),
        ]
    })
}

fn product() -> impl Strategy<Value = serde_json::Value> {
    (
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        prop::option::of(-1i64..6),
        prop::option::of(prop::sample::select(vec![
            0.0, 0.5, 1.5, 2.0, 2.5, 3.5, 4.0,
        ])),
        prop::option::of(prop::sample::select(vec!["red", "green", "blue"])),
        prop::option::of(prop::collection::vec(
            prop::sample::select(vec!["p", "q", "z"]),
            0..3,
        )),
        prop::option::of(20u8..27),
        prop::option::of(prop::sample::select(vec!["EU", "UK"])),
    )
        .prop_map(|(a, b, x, y, e, s, d, t)| {
            let mut facts = serde_json::Map::new();
            let mut put = |k: &str, v: Option<serde_json::Value>| {
                if let Some(v) = v {
                    facts.insert(k.to_string(), v);
                }
            };
            put("a", a.map(Into::into));
            put("b", b.map(Into::into));
            put("x", x.map(Into::into));
            put("y", y.map(Into::into));
            put("e", e.map(Into::into));
            put(
                "s",
                s.map(|mut s| {
                    s.sort_unstable();
                    s.dedup();
                    s.into()
                }),
            );
            put("d", d.map(|day| format!("2026-11-{day:02}").into()));
            put("t", t.map(Into::into));
            serde_json::json!({"id": "p", "category": "cam", "facts": facts})
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_procedure_agrees_with_the_evaluator(
        left in condition(),
        right in condition(),
        products in prop::collection::vec(product(), 24),
    ) {
        let rules = two(&left, &right);
        let r = relate_in(&rules, "t#L", "t#R");
        for (implication, from, to) in [
            (&r.left_implies_right, "L", "R"),
            (&r.right_implies_left, "R", "L"),
        ] {
            match implication {
                Implication::Holds => {
                    for p in &products {
                        prop_assert!(
                            !(verdict(&rules, p, from) == Verdict::Pass
                                && verdict(&rules, p, to) != Verdict::Pass),
                            "{from} implies {to} said the procedure, but {p} passes {from} and not {to}\nL: {left}\nR: {right}"
                        );
                    }
                }
                Implication::Fails { witness } => {
                    prop_assert_eq!(verdict(&rules, witness, from), Verdict::Pass);
                    prop_assert_ne!(verdict(&rules, witness, to), Verdict::Pass);
                }
            }
        }
        if let Some(both) = &r.both {
            prop_assert_eq!(verdict(&rules, both, "L"), Verdict::Pass);
            prop_assert_eq!(verdict(&rules, both, "R"), Verdict::Pass);
        } else {
            for p in &products {
                prop_assert!(
                    verdict(&rules, p, "L") != Verdict::Pass || verdict(&rules, p, "R") != Verdict::Pass
                );
            }
        }
    }
}

const RECOGNITIONS: &str = r#"
fact x: int
fact p: bool
scheme a@1 {
    title "A"
    effective 2026-01-01
    category cam { title "Cameras" }
    criterion A-5 { title "five" status confirmed condition x >= 5 }
    criterion A-P { title "open" status pending "not published" }
    level 1 { title "one" require A-5, A-P }
}
scheme b@1 {
    title "B"
    effective 2026-01-01
    category cam { title "Cameras" }
    criterion B-3 { title "three" status confirmed condition x >= 3 }
    criterion B-7 { title "seven" status confirmed condition x >= 7 and p }
    level 1 { title "one" require B-3, B-7 }
}
recognition wrong {
    from b@1 criterion B-3
    to a@1
    relationship superset_of
    credit full
    status assumed
    credits A-5
}
recognition right {
    from b@1 criterion B-7
    to a@1
    relationship superset_of
    credit full
    status assumed
    credits A-5
}
recognition open {
    from b@1 criterion B-7
    to a@1
    relationship superset_of
    credit full
    status assumed
    credits A-P
}
"#;

#[test]
fn recognitions_are_verified_refuted_or_unverifiable() {
    let rules = compile(RECOGNITIONS);
    let checked = labelc::analysis::verify_all(&rules, AS_OF);
    let class = |id: &str| {
        checked
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.verification.clone())
            .unwrap()
    };
    assert_eq!(class("right"), labelc::analysis::Verification::Verified);
    let labelc::analysis::Verification::Refuted { witness, reason } = class("wrong") else {
        panic!("`wrong` is not refuted");
    };
    assert!(reason.contains("b@1#B-3 and not a@1#A-5"), "{reason}");
    // The witness passes B-3 and fails A-5 under eval.
    let witness = witness.unwrap();
    let judge = |scheme: usize, id: &str| {
        let program = Program::new(&rules, scheme, AS_OF).unwrap();
        let outcome = program
            .evaluate_json_with(&witness.to_string(), true)
            .unwrap();
        outcome
            .criteria
            .unwrap()
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .outcome
    };
    assert_eq!(judge(1, "B-3"), Verdict::Pass, "{witness}");
    assert_eq!(judge(0, "A-5"), Verdict::Fail, "{witness}");
    let labelc::analysis::Verification::Unverifiable { reason } = class("open") else {
        panic!("`open` is not unverifiable");
    };
    assert!(reason.contains("pending"), "{reason}");
    // `check` warns for the refuted one only, and counts all three.
    let (_, outcome) = labelc::check_text("r.policy", RECOGNITIONS);
    let codes: Vec<&str> = outcome
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["labelc::analysis::recognition_refuted"]);
    let counts = outcome.summary.recognitions_checked.unwrap();
    assert_eq!(
        (counts.verified, counts.refuted, counts.unverifiable),
        (1, 1, 1)
    );
}

#[test]
fn check_counts_every_recognition_of_the_policies() {
    let out = common::labelc(&["check", "--format", "json", "policies/"]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &report["summary"];
    let counts = &summary["recognitions_checked"];
    let total: u64 = ["verified", "refuted", "unverifiable"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, summary["recognitions"].as_u64().unwrap());
    assert!(counts["verified"].as_u64().unwrap() > 0, "{counts}");
    let human = common::labelc(&["check", "policies/"]);
    assert!(common::text(&human.stdout).contains("recognitions checked against the conditions:"));
}

/// `diff` decides by meaning what the syntactic rules call `mixed`.
fn diff_class(old: &str, new: &str) -> (String, String) {
    let rules = compile(&format!(
        "{FACTS}
scheme t@1 {{
    title \"T\"
    category cam {{ title \"Cameras\" }}
    criterion C {{ title \"c\" status confirmed condition {old} }}
    level 1 {{ title \"one\" require C }}
}}
scheme t@2 {{
    title \"T\"
    category cam {{ title \"Cameras\" }}
    criterion C {{ title \"c\" status confirmed condition {new} }}
    level 1 {{ title \"one\" require C }}
}}
"
    ));
    let diff = labelc::diff::diff_versions(&rules, &rules.schemes[0], &rules.schemes[1]);
    let change = diff
        .changes
        .iter()
        .find(|c| c.kind == "criterion.condition")
        .expect("a condition change");
    (change.class.word().to_string(), change.reason.clone())
}

#[test]
fn diff_classifies_condition_changes_by_meaning() {
    for (old, new, class) in [
        ("x > 5", "x >= 6", "neutral"),
        ("not (a or b)", "not a and not b", "neutral"),
        ("a and x > 3", "x > 3 and a", "neutral"),
        ("x > 5", "x >= 7 and a", "tightening"),
        ("x > 5 and a", "x >= 3", "loosening"),
        ("e == red", "e != blue and e != green", "neutral"),
        ("x > 5", "a", "mixed"),
    ] {
        let (got, reason) = diff_class(old, new);
        assert_eq!(got, class, "`{old}` → `{new}`: {reason}");
    }
    // A decided direction shows a product that passes one side only.
    // A decided direction shows a product that passes one side only: the
    // old criterion passes it under eval, the new one does not.
    let (_, reason) = diff_class("x > 5", "x >= 7 and a");
    let witness = reason
        .split("facts that pass only the old condition: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no witness in {reason}"));
    let facts: serde_json::Value = serde_json::from_str(witness).unwrap();
    let product = serde_json::json!({"id": "w", "category": "cam", "facts": facts});
    let policy = |c: &str| two(c, "a");
    assert_eq!(
        verdict(&policy("x > 5"), &product, "L"),
        Verdict::Pass,
        "{product}"
    );
    assert_ne!(
        verdict(&policy("x >= 7 and a"), &product, "L"),
        Verdict::Pass,
        "{product}"
    );
    // Syntactic rules that are exact stay as they were.
    let (got, reason) = diff_class("x >= 3", "x >= 5");
    assert_eq!(got, "tightening");
    assert!(reason.starts_with("threshold on `x` moved"), "{reason}");
}
