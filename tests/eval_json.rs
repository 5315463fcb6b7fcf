//! `Outcome::write_json` (the fast writer `labelc eval --format json` uses)
//! must write exactly what the derived `Serialize` writes through
//! serde_json: checked on the reference policies and portfolio, on the
//! benchmark workload, on a policy that yields every optional member, and on
//! generated products full of strings that need escaping.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

#[path = "../benches/support/workload.rs"]
mod workload;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use labelc::eval::{Outcome, Program, select_scheme};
use labelc::rules::RuleSet;
use labelc::source::{SourceMap, collect_policy_files};
use proptest::prelude::*;

fn compile(policy: &str) -> RuleSet {
    let mut sources = SourceMap::new();
    sources.add("p.policy", policy);
    labelc::compile(&sources).expect("the policy checks")
}

/// Writes `outcome` both ways, asserts the bytes agree, and returns the
/// top-level and nested member names the JSON holds.
fn same_bytes(outcome: &Outcome<'_>, keys: &mut BTreeSet<String>) {
    let serde = serde_json::to_vec(outcome).unwrap();
    let mut fast = Vec::new();
    outcome.write_json(&mut fast).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&fast),
        String::from_utf8_lossy(&serde)
    );
    let value: serde_json::Value = serde_json::from_slice(&fast).unwrap();
    collect_keys(&value, keys);
}

fn collect_keys(value: &serde_json::Value, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                keys.insert(k.clone());
                collect_keys(v, keys);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

/// Judges every line against `program`, plain and with every criterion,
/// with and without a line number; returns how many outcomes were compared.
fn compare_all(program: &Program<'_>, lines: &str, keys: &mut BTreeSet<String>) -> usize {
    let mut compared = 0;
    for (n, line) in lines.lines().enumerate() {
        for all in [false, true] {
            let Ok(mut outcome) = program.evaluate_json_with(line, all) else {
                continue;
            };
            outcome.line = (n % 2 == 0).then_some(n + 1);
            same_bytes(&outcome, keys);
            compared += 1;
        }
    }
    compared
}

#[test]
fn the_reference_policies_and_portfolio_are_written_as_serde_writes_them() {
    let files = collect_policy_files(&[common::root().join("policies")]).unwrap();
    let mut sources = SourceMap::new();
    for file in files {
        sources.add(
            file.display().to_string(),
            std::fs::read_to_string(&file).unwrap(),
        );
    }
    let rules = labelc::compile(&sources).expect("the reference policies compile");
    let portfolio =
        std::fs::read_to_string(common::root().join("policies/examples/portfolio.jsonl")).unwrap();
    let mut keys = BTreeSet::new();
    let mut compared = 0;
    for scheme in &rules.schemes {
        for as_of in [
            jiff::civil::date(2025, 1, 1),
            jiff::civil::date(2026, 11, 25),
            jiff::civil::date(2028, 1, 1),
        ] {
            let index = select_scheme(&rules, &scheme.key(), as_of).unwrap();
            let program = Program::new(&rules, index, as_of).unwrap();
            compared += compare_all(&program, &portfolio, &mut keys);
        }
    }
    assert!(compared > 500, "only {compared} outcomes compared");
    for key in [
        "line",
        "next",
        "criteria",
        "reason",
        "credited_by",
        "decided_by",
        "level_rests_on",
        "reachable_rests_on",
        "inferred",
        "assumed_recognitions",
    ] {
        assert!(keys.contains(key), "no outcome had `{key}`: {keys:?}");
    }
}

#[test]
fn the_workload_is_written_as_serde_writes_it() {
    let rules = compile(&workload::policy());
    let program = Program::new(
        &rules,
        select_scheme(&rules, "bench", jiff::civil::date(2026, 11, 25)).unwrap(),
        jiff::civil::date(2026, 11, 25),
    )
    .unwrap();
    let mut keys = BTreeSet::new();
    assert_eq!(
        compare_all(&program, &workload::products(1_000), &mut keys),
        2_000
    );
    assert!(keys.contains("decided_by"), "{keys:?}");
}

/// Every optional member of an outcome, and titles that need escaping.
const POLICY: &str = r#"
fact b: bool
fact n: int
fact d: decimal
fact s: string
fact day: date
fact tags: set<string>
fact kind: enum(cam, router)
scheme other@1 {
    title "Other"
    category c { title "C" }
    criterion O { title "o" condition b }
    level 1 { title "one" require O }
}
scheme g@1 {
    title "G \"quoted\" \\ é"
    category c { title "C" }
    category c2 { title "C2" }
    category x { title "X" excluded "outside the \"scheme\"" }
    criterion K {
        title "say \"hi\"\\ — 漢"
        condition b and n >= 1 and d > 0.5 and s == "x" and day < 2026-01-01
    }
    criterion L { title "l" condition tags contains "a" or kind == cam or s in ["é", "a\"b"] }
    criterion M { title "m" applies_to c2 condition b }
    criterion N { title "n" valid_until 2020-01-01 condition b }
    criterion P { title "p" status pending "the text is \"not out\"" }
    criterion Q { title "q" condition not b }
    level 1 { require K at_least 1 of (L, M, Q) }
    level 2 { title "two \"2\"" include 1 require L, N, P }
}
recognition other--g {
    from other level 1
    to g@1
    credits K
    relationship equal
    credit full
    status official
}
recognition other--g-partial {
    from other level 1
    to g@1
    credits L
    relationship subset_of
    credit partial
    status official
}
"#;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| compile(POLICY));

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x".to_string()),
        Just("a\"b".to_string()),
        Just("é".to_string()),
        Just(String::new()),
        any::<String>(),
        "[a-z\"\\\\\u{0}-\u{1f}\u{7f}é漢]{0,12}",
    ]
}

/// A product as a JSON line; fact values of the declared types (or null).
fn product() -> impl Strategy<Value = String> {
    (
        json_string(),
        prop_oneof![Just("c"), Just("c2"), Just("x")],
        prop_oneof![Just(vec![]), Just(vec!["other:1"])],
        prop::option::of(any::<bool>()),
        prop::option::of(any::<i64>()),
        prop::option::of(-1e6f64..1e6),
        prop::option::of(json_string()),
        prop::option::of(prop::collection::vec(json_string(), 0..4)),
        prop::option::of(prop_oneof![Just("cam"), Just("router")]),
        prop::option::of(prop_oneof![Just("2025-06-30"), Just("2027-01-01")]),
    )
        .prop_map(|(id, category, holds, b, n, d, s, tags, kind, day)| {
            serde_json::json!({
                "id": id,
                "category": category,
                "holds": holds,
                "facts": {
                    "b": b, "n": n, "d": d, "s": s, "tags": tags, "kind": kind, "day": day,
                },
            })
            .to_string()
        })
}

#[test]
fn every_optional_member_is_written_as_serde_writes_it() {
    let as_of = jiff::civil::date(2025, 11, 25);
    let program = Program::new(&RULES, select_scheme(&RULES, "g", as_of).unwrap(), as_of).unwrap();
    let lines = [
        r#"{"id": "a \"quoted\" id\n", "category": "c", "holds": ["other:1"], "facts": {"b": false, "n": 0, "s": "a\"b", "tags": ["\u0001", "é"]}}"#,
        r#"{"id": "p", "category": "c2", "facts": {"b": true, "n": 3, "d": 1, "s": "x", "day": "2025-01-01", "tags": ["a"], "kind": "cam"}}"#,
        r#"{"id": "q", "category": "c", "facts": {"b": true}}"#,
        r#"{"id": "r", "category": "c", "facts": {}}"#,
        r#"{"id": "s", "category": "x", "facts": {"b": true}}"#,
    ];
    let mut keys = BTreeSet::new();
    assert_eq!(compare_all(&program, &lines.join("\n"), &mut keys), 10);
    for key in [
        "excluded",
        "line",
        "next",
        "title",
        "criteria",
        "reason",
        "credited_by",
        "partially_credited_by",
        "decided_by",
        "groups",
        "of",
        "met",
    ] {
        assert!(keys.contains(key), "no outcome had `{key}`: {keys:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn generated_products_are_written_as_serde_writes_them(line in product(), all: bool) {
        let as_of = jiff::civil::date(2025, 11, 25);
        let program = Program::new(&RULES, select_scheme(&RULES, "g", as_of).unwrap(), as_of).unwrap();
        let outcome = program.evaluate_json_with(&line, all).unwrap();
        let serde = serde_json::to_vec(&outcome).unwrap();
        let mut fast = Vec::new();
        outcome.write_json(&mut fast).unwrap();
        prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&serde));
    }
}
