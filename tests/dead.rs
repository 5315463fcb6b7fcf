//! Dead and trivial rules (src/analysis/dead.rs, reported by `check`):
//! each warning on a policy whose answer is known by hand, the Kleene
//! corner cases of "trivial", and a property test against the evaluator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use labelc::analysis::{Finding, LevelPart, find_dead};
use labelc::eval::{Program, Verdict};
use labelc::rules::RuleSet;
use proptest::prelude::*;

const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 11, 25);

const FACTS: &str = r#"
fact a: bool
fact b: bool
fact x: int
fact y: decimal
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

/// A scheme `t` (no effective date: read on `AS_OF`) with one criterion `C`.
fn one(condition: &str) -> RuleSet {
    compile(&format!(
        "{FACTS}
scheme t@1 {{
    title \"T\"
    category cam {{ title \"Cameras\" }}
    criterion C {{ title \"c\" status confirmed condition {condition} }}
    level 1 {{ title \"one\" require C }}
}}
"
    ))
}

/// The findings about criterion conditions (not levels) of `one(condition)`.
fn about(condition: &str) -> Vec<Finding> {
    find_dead(&one(condition), AS_OF)
        .into_iter()
        .filter(|f| !matches!(f, Finding::UnreachableLevel { .. }))
        .collect()
}

fn verdict(rules: &RuleSet, product: &serde_json::Value) -> Verdict {
    let program = Program::new(rules, 0, AS_OF).unwrap();
    let outcome = program
        .evaluate_json_with(&product.to_string(), true)
        .unwrap();
    outcome
        .criteria
        .unwrap()
        .iter()
        .find(|c| c.id == "C")
        .unwrap()
        .outcome
}

/// The codes `check` reports for a policy, and its diagnostics' text.
fn warnings(policy: &str) -> (Vec<String>, String) {
    let (_, outcome) = labelc::check_text("p.policy", policy);
    assert_eq!(outcome.error_count(), 0, "{:?}", outcome.diagnostics);
    let codes = outcome
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    let text = outcome
        .diagnostics
        .iter()
        .map(|d| format!("{}\n{}\n", d.message, d.help.clone().unwrap_or_default()))
        .collect();
    (codes, text)
}

#[test]
fn a_contradiction_is_unsatisfiable_and_its_reason_leaves_out_the_rest() {
    let findings = about("present(a) and x > 5 and x < 3");
    let [Finding::Unsatisfiable { core, .. }] = findings.as_slice() else {
        panic!("{findings:?}");
    };
    assert_eq!(core, &["x > 5", "x < 3"]);
    // Kleene: `a and not present(a)` is never true (a missing `a` makes it unknown).
    let findings = about("a and not present(a)");
    assert!(
        matches!(findings.as_slice(), [Finding::Unsatisfiable { .. }]),
        "{findings:?}"
    );
    // Satisfiable ones are not reported.
    assert_eq!(about("x > 5 or x < 3"), []);
    assert_eq!(about("x > 2 and x < 4"), []);
}

#[test]
fn the_kleene_corner_a_tautology_over_a_missing_fact_is_trivial_only_for_known_facts() {
    // True for every product that gives `a`, unknown for one that does not.
    let rules = one("a or not a");
    let findings = find_dead(&rules, AS_OF);
    let [
        Finding::Trivial {
            witness: Some(w), ..
        },
    ] = findings.as_slice()
    else {
        panic!("{findings:?}");
    };
    assert!(w["facts"].get("a").is_none(), "{w}");
    assert_eq!(verdict(&rules, w), Verdict::Unknown, "{w}");
    for a in [true, false] {
        let p = serde_json::json!({"id": "p", "category": "cam", "facts": {"a": a}});
        assert_eq!(verdict(&rules, &p), Verdict::Pass);
    }
    // True for every product, missing facts or not: no witness.
    let findings = about("present(a) or not present(a)");
    assert!(
        matches!(
            findings.as_slice(),
            [Finding::Trivial { witness: None, .. }]
        ),
        "{findings:?}"
    );
    let findings = about("not present(x) or x >= 3 or x < 3");
    assert!(
        matches!(
            findings.as_slice(),
            [Finding::Trivial { witness: None, .. }]
        ),
        "{findings:?}"
    );
    // `a or not present(a)` is false for `a: false`: not trivial.
    assert_eq!(about("a or not present(a)"), []);
    // Asking only for the facts is what `present` is for: not reported.
    assert_eq!(about("present(a)"), []);
    assert_eq!(about("present(a) and present(x)"), []);
}

#[test]
fn listing_every_value_of_an_enumeration_is_not_trivial() {
    // It would not hold of a value the enumeration gains later.
    assert_eq!(about("e in [red, green, blue]"), []);
    // This one would: it is trivial whatever the enumeration holds.
    let findings = about("e == red or e != red");
    assert!(
        matches!(
            findings.as_slice(),
            [Finding::Trivial {
                witness: Some(_),
                ..
            }]
        ),
        "{findings:?}"
    );
}

#[test]
fn check_reports_each_warning_with_its_reason() {
    let (codes, text) = warnings(include_str!(
        "fixtures/analysis/unsatisfiable_condition.policy"
    ));
    assert!(codes.contains(&"labelc::analysis::unsatisfiable_condition".to_string()));
    assert!(
        text.contains("`x > 5`, `x < 3` are never true together"),
        "{text}"
    );
    assert!(!text.contains("`present(p)`,"), "{text}");

    let (codes, text) = warnings(include_str!("fixtures/analysis/trivial_condition.policy"));
    assert_eq!(codes, ["labelc::analysis::trivial_condition"]);
    assert!(text.contains(r#""facts":{}"#), "{text}");

    let (codes, text) = warnings(include_str!(
        "fixtures/analysis/criterion_never_applies.policy"
    ));
    assert_eq!(codes, ["labelc::analysis::criterion_never_applies"]);
    assert!(
        text.contains("`valid_until 2025-12-31` is before `a@1` takes effect on 2026-01-01"),
        "{text}"
    );

    let (codes, text) = warnings(include_str!("fixtures/analysis/unreachable_level.policy"));
    assert_eq!(codes, ["labelc::analysis::unreachable_level"]);
    assert!(text.contains("level 2 of `a@1`"), "{text}");
    assert!(
        text.contains("level 1 requires `A-5`; level 2 requires `A-2`"),
        "{text}"
    );
}

#[test]
fn a_criterion_whose_categories_are_all_excluded_never_applies() {
    let policy = format!(
        "{FACTS}
scheme t@1 {{
    title \"T\"
    category cam {{ title \"Cameras\" }}
    category toys {{ title \"Toys\" excluded \"outside the regulation\" }}
    criterion C {{ title \"c\" status confirmed applies_to toys condition a }}
    criterion D {{ title \"d\" status confirmed condition b }}
    level 1 {{ title \"one\" require C, D }}
}}
"
    );
    let findings = find_dead(&compile(&policy), AS_OF);
    let [
        Finding::NeverApplies {
            index: 0, reason, ..
        },
    ] = findings.as_slice()
    else {
        panic!("{findings:?}");
    };
    assert!(
        reason.contains("`toys` (outside the regulation)"),
        "{reason}"
    );
    // Covering one category in scope is enough.
    let policy = policy.replace("applies_to toys", "applies_to toys, cam");
    assert_eq!(find_dead(&compile(&policy), AS_OF), []);
}

#[test]
fn a_level_is_unreachable_only_when_no_date_and_no_category_lets_a_product_reach_it() {
    let policy = |until: &str, applies: &str| {
        format!(
            "{FACTS}
scheme t@1 {{
    title \"T\"
    effective 2026-01-01
    category cam {{ title \"Cameras\" }}
    category hub {{ title \"Hubs\" }}
    criterion HI {{ title \"hi\" status confirmed condition x >= 5 }}
    criterion LO {{ title \"lo\" status confirmed {applies} {until} condition x <= 2 }}
    criterion M {{ title \"m\" status confirmed condition b }}
    level 1 {{ title \"one\" require HI }}
    level 2 {{ title \"two\" require HI, LO, M }}
    level 3 {{ title \"three\" require HI, LO, M, P }}
    criterion P {{ title \"p\" status pending \"not published\" }}
}}
"
        )
    };
    let findings = find_dead(&compile(&policy("", "")), AS_OF);
    let [
        Finding::UnreachableLevel {
            position: 1,
            above,
            core,
            ..
        },
    ] = findings.as_slice()
    else {
        panic!("{findings:?}");
    };
    assert_eq!(above, &[3]);
    assert!(core.contains(&LevelPart::Required {
        rank: 2,
        id: "LO".to_string()
    }));
    // LO no longer applies from 2027: level 2 is reachable then (LO does
    // not apply, M does), so it is not dead.
    let later = find_dead(&compile(&policy("valid_until 2026-12-31", "")), AS_OF);
    assert_eq!(later, [], "{later:?}");
    // LO applies to hubs only: cameras reach level 2 (M applies to them).
    let hubs = find_dead(&compile(&policy("", "applies_to hub")), AS_OF);
    assert_eq!(hubs, [], "{hubs:?}");
}

#[test]
fn the_reference_policies_have_no_dead_or_trivial_rule() {
    let mut sources = labelc::source::SourceMap::new();
    for entry in walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        sources.add(entry.display().to_string(), text);
    }
    let rules = labelc::compile(&sources).unwrap();
    assert_eq!(find_dead(&rules, AS_OF), []);
}

fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(path));
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
    out.sort();
    out
}

// The property: when the procedure calls a condition unsatisfiable, no
// random product passes it; when it calls it trivial, every random product
// giving all its facts passes it.

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

/// A product with every fact given (`known`) or each possibly missing.
fn product(known: bool) -> impl Strategy<Value = serde_json::Value> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            -1i64..6,
            prop::sample::select(vec![0.0, 0.5, 1.5, 2.5, 3.5, 4.0]),
        ),
        (
            prop::sample::select(vec!["red", "green", "blue"]),
            prop::collection::btree_set(prop::sample::select(vec!["p", "q", "z"]), 0..3),
            prop::sample::select(vec!["EU", "UK"]),
        ),
        prop::collection::vec(prop::bool::weighted(0.7), 7),
    )
        .prop_map(move |((a, b, x, y), (e, s, t), given)| {
            let values: [(&str, serde_json::Value); 7] = [
                ("a", a.into()),
                ("b", b.into()),
                ("x", x.into()),
                ("y", y.into()),
                ("e", e.into()),
                ("s", s.into_iter().collect::<Vec<_>>().into()),
                ("t", t.into()),
            ];
            let facts: serde_json::Map<String, serde_json::Value> = values
                .into_iter()
                .zip(given)
                .filter(|(_, g)| known || *g)
                .map(|((k, v), _)| (k.to_string(), v))
                .collect();
            serde_json::json!({"id": "p", "category": "cam", "facts": facts})
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn dead_and_trivial_verdicts_agree_with_the_evaluator(
        c in condition(),
        known in prop::collection::vec(product(true), 16),
        any in prop::collection::vec(product(false), 16),
    ) {
        let rules = one(&c);
        for finding in find_dead(&rules, AS_OF) {
            match finding {
                Finding::Unsatisfiable { .. } => {
                    for p in known.iter().chain(&any) {
                        prop_assert_ne!(verdict(&rules, p), Verdict::Pass, "{} passes {}", p, c);
                    }
                }
                Finding::Trivial { witness, .. } => {
                    for p in &known {
                        prop_assert_eq!(verdict(&rules, p), Verdict::Pass, "{} does not pass {}", p, c);
                    }
                    match witness {
                        Some(w) => prop_assert_ne!(verdict(&rules, &w), Verdict::Pass),
                        None => for p in &any {
                            prop_assert_eq!(verdict(&rules, p), Verdict::Pass, "{} does not pass {}", p, c);
                        },
                    }
                }
                // Level 1 requires C alone: unreachable exactly when C cannot pass.
                Finding::UnreachableLevel { .. } => {
                    for p in known.iter().chain(&any) {
                        prop_assert_ne!(verdict(&rules, p), Verdict::Pass);
                    }
                }
                Finding::NeverApplies { .. } => prop_assert!(false, "C applies to `cam`"),
            }
        }
    }
}

/// Every fixture of tests/fixtures/analysis/ and a policy with a dead rule
/// of each kind in several schemes, as one rule set each.
fn rule_sets_with_findings() -> Vec<RuleSet> {
    let mut sets = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/analysis");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    paths.sort();
    for path in paths {
        sets.push(compile(&std::fs::read_to_string(path).unwrap()));
    }
    let mut many = FACTS.to_string();
    for scheme in 0..6 {
        many.push_str(&format!(
            "scheme m{scheme}@1 {{
    title \"M\"
    category cam {{ title \"Cameras\" }}
    criterion OK {{ title \"ok\" status confirmed condition x > {scheme} }}
    criterion NEVER {{ title \"never\" status confirmed condition x > 5 and x < 3 }}
    criterion ALWAYS {{ title \"always\" status confirmed condition a or not a }}
    criterion LOW {{ title \"low\" status confirmed condition x <= {scheme} }}
    level 1 {{ title \"one\" require OK }}
    level 2 {{ title \"two\" include 1 require LOW }}
}}
"
        ));
    }
    sets.push(compile(&many));
    sets
}

#[test]
fn findings_do_not_depend_on_the_number_of_threads() {
    let mut found = 0;
    for rules in rule_sets_with_findings() {
        let one = labelc::analysis::find_dead_on(&rules, AS_OF, 1);
        found += one.len();
        for jobs in [2, 3, 8] {
            assert_eq!(
                labelc::analysis::find_dead_on(&rules, AS_OF, jobs),
                one,
                "{jobs} threads"
            );
        }
    }
    // 4 fixtures with one finding or more; 6 schemes × (never, always, level 2).
    assert!(found >= 4 + 18, "only {found} findings");
}

#[test]
fn diff_leaves_the_authors_warnings_to_check() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/analysis/unreachable_level.policy"
    );
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_labelc"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "labelc {args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let warning = "labelc::analysis::unreachable_level";
    assert!(run(&["check", fixture]).contains(warning));
    assert!(run(&["compile", fixture]).contains(warning));
    assert!(!run(&["diff", fixture, fixture]).contains(warning));
    assert!(!run(&["diff", fixture, "--from", "a@1", "--to", "a@1"]).contains(warning));
}
