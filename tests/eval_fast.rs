//! The fast product reader must agree with the serde reader on every line:
//! the same record, or (when it declines) the serde result. Checked on the
//! benchmark workload and on generated lines full of the shapes it declines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

#[path = "../benches/support/workload.rs"]
mod workload;

use std::sync::LazyLock;

use labelc::eval::{Program, select_scheme};
use labelc::rules::RuleSet;
use proptest::prelude::*;

fn compile(policy: &str) -> RuleSet {
    let mut sources = labelc::source::SourceMap::new();
    sources.add("p.policy", policy);
    labelc::compile(&sources).expect("the policy checks")
}

fn program<'r>(rules: &'r RuleSet, scheme: &str) -> Program<'r> {
    let as_of = jiff::civil::date(2026, 11, 25);
    Program::new(rules, select_scheme(rules, scheme, as_of).unwrap(), as_of).unwrap()
}

#[test]
fn the_workload_takes_the_fast_path_and_reads_the_same() {
    let rules = compile(&workload::policy());
    let program = program(&rules, "bench");
    let input = workload::products(2_000);
    let mut fast = 0;
    for line in input.lines() {
        let serde = program.read_json_with_serde(line);
        assert_eq!(program.read_json(line), serde, "{line}");
        if let Some(record) = program.read_json_fast(line) {
            fast += 1;
            assert_eq!(Ok(record), serde, "{line}");
        }
    }
    assert_eq!(fast, 2_000, "every workload line has the plain shape");
}

const POLICY: &str = r#"
fact b: bool
fact n: int
fact d: decimal
fact s: string
fact day: date
fact tags: set<string>
fact kind: enum(cam, router)
scheme g@1 {
    title "G"
    category c { title "C" }
    category c2 { title "C2" }
    criterion K {
        title "k"
        condition b and n >= 1 and d > 0.5 and s == "x" and day < 2026-01-01
            and tags contains "a" and kind == cam
    }
    criterion L {
        title "seven and eight bytes: packed key and text"
        condition s in ["abcdefg", "abcdefgh"] or tags contains "abcdefg"
    }
    level 1 { title "one" require K, L }
}
"#;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| compile(POLICY));

/// JSON whitespace, or none.
fn space() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just("\n\t "), Just("\r\n")]
}

/// A string literal: plain, with escapes, with a control character, non-ASCII.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"x\"".to_string()),
        Just("\"a\"".to_string()),
        Just("\"cam\"".to_string()),
        Just("\"2025-06-30\"".to_string()),
        Just("\"2026-02-30\"".to_string()),
        Just("\"é漢\"".to_string()),
        Just("\"a\\\"b\"".to_string()),
        Just("\"\\u0061\"".to_string()),
        Just("\"tab\there\"".to_string()),
        Just("\"\"".to_string()),
        Just("\"abcdefg\"".to_string()),
        Just("\"abcdefgh\"".to_string()),
        Just("\"abcdef\"".to_string()),
    ]
}

/// A JSON value of any kind, valid or not for a given fact.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        string(),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
        Just("0".to_string()),
        Just("-0".to_string()),
        Just("7".to_string()),
        Just("-12".to_string()),
        Just("007".to_string()),
        Just("1.5".to_string()),
        Just("2e3".to_string()),
        Just("123456789012345678901".to_string()),
        Just("[]".to_string()),
        Just("[\"a\", \"b\"]".to_string()),
        Just("[\"a\",]".to_string()),
        Just("[1]".to_string()),
        Just("{}".to_string()),
        Just("tru".to_string()),
    ]
}

fn fact_name() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("b"),
        Just("n"),
        Just("d"),
        Just("s"),
        Just("day"),
        Just("tags"),
        Just("kind"),
        Just("unknown"),
    ]
}

/// A fact member: mostly a value of the fact's type, sometimes any value.
fn fact() -> impl Strategy<Value = (&'static str, String)> {
    fact_name().prop_flat_map(|name| {
        let valid = match name {
            "b" => prop_oneof![Just("true"), Just("false")].boxed(),
            "n" | "d" => prop_oneof![Just("0"), Just("7"), Just("-12"), Just("99")].boxed(),
            "s" => prop_oneof![
                Just("\"x\""),
                Just("\"y\""),
                Just("\"é漢\""),
                Just("\"abcdefg\""),
                Just("\"abcdefgh\""),
            ]
            .boxed(),
            "day" => prop_oneof![Just("\"2025-06-30\""), Just("\"2027-01-01\"")].boxed(),
            "tags" => prop_oneof![
                Just("[]"),
                Just("[\"a\", \"b\"]"),
                Just("[\"z\"]"),
                Just("[\"abcdefg\", \"abcdef\", \"abcdefgh\"]"),
            ]
            .boxed(),
            "kind" => prop_oneof![Just("\"cam\""), Just("\"router\"")].boxed(),
            _ => Just("1").boxed(),
        };
        (
            Just(name),
            prop_oneof![4 => valid.prop_map(str::to_string), 1 => value()],
        )
    })
}

/// A whole product line: members in any order, some missing or doubled.
fn line() -> impl Strategy<Value = String> {
    let facts = prop::collection::vec((fact(), space()), 0..5).prop_map(|facts| {
        let members: Vec<String> = facts
            .iter()
            .map(|((name, value), ws)| format!("{ws}\"{name}\"{ws}:{ws}{value}{ws}"))
            .collect();
        format!("{{{}}}", members.join(","))
    });
    let category = prop_oneof![
        Just("\"c\"".to_string()),
        Just("\"c2\"".to_string()),
        Just("{\"g\": \"c\", \"other\": \"z\"}".to_string()),
        Just("{\"other\": \"z\"}".to_string()),
        Just("null".to_string()),
        Just("5".to_string()),
    ];
    let holds = prop_oneof![
        Just("[]".to_string()),
        Just("[\"g:1\"]".to_string()),
        Just("null".to_string()),
    ];
    let member = prop_oneof![
        string().prop_map(|s| format!("\"id\": {s}")),
        category.prop_map(|c| format!("\"category\": {c}")),
        holds.prop_map(|h| format!("\"holds\": {h}")),
        facts.prop_map(|f| format!("\"facts\": {f}")),
        Just("\"extra\": 1".to_string()),
    ];
    (prop::collection::vec((member, space()), 0..6), space()).prop_map(|(members, tail)| {
        let body: Vec<String> = members.iter().map(|(m, ws)| format!("{ws}{m}")).collect();
        format!("{{{}}}{tail}", body.join(","))
    })
}

/// A line of the plain shape the fast path reads (unless a fact's value is
/// of the wrong type): every member once, facts without duplicates.
fn plain_line() -> impl Strategy<Value = String> {
    let facts = prop::collection::vec(fact(), 0..9).prop_map(|facts| {
        let mut seen = std::collections::BTreeSet::new();
        let members: Vec<String> = facts
            .iter()
            .filter(|(name, _)| seen.insert(*name))
            .map(|(name, value)| format!("\"{name}\":{value}"))
            .collect();
        format!("{{{}}}", members.join(","))
    });
    (
        prop_oneof![Just("p"), Just("x"), Just("")],
        prop_oneof![Just("\"c\""), Just("{\"g\":\"c2\"}")],
        // Holdings are read by serde alone: a plain line holds none.
        Just("[]"),
        facts,
    )
        .prop_map(|(id, category, holds, facts)| {
            format!(r#"{{"id":"{id}","category":{category},"holds":{holds},"facts":{facts}}}"#)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]


    #[test]
    fn generated_lines_read_the_same_both_ways(line in line()) {
        let program = program(&RULES, "g");
        let serde = program.read_json_with_serde(&line);
        if let Some(record) = program.read_json_fast(&line) {
            prop_assert_eq!(Ok(&record), serde.as_ref(), "fast path differs on {}", line);
        }
        prop_assert_eq!(program.read_json(&line), serde);
    }
}

/// Most generated plain lines take the fast path, and each reads as serde reads it.
#[test]
fn plain_lines_read_the_same_both_ways() {
    use proptest::test_runner::{Config, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let program = program(&RULES, "g");
    let fast = AtomicUsize::new(0);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 2000,
            ..Config::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    runner
        .run(&plain_line(), |line| {
            let serde = program.read_json_with_serde(&line);
            if let Some(record) = program.read_json_fast(&line) {
                fast.fetch_add(1, Ordering::Relaxed);
                prop_assert_eq!(Ok(&record), serde.as_ref(), "fast path differs on {}", line);
            }
            prop_assert_eq!(program.read_json(&line), serde);
            Ok(())
        })
        .unwrap();
    let fast = fast.into_inner();
    assert!(
        fast >= 500,
        "only {fast} of 2000 plain lines took the fast path"
    );
}

#[test]
fn plain_lines_take_the_fast_path_and_others_do_not() {
    let program = program(&RULES, "g");
    let plain = r#"{"id": "p", "category": "c", "holds": [], "facts": {"b": true, "n": -3, "d": 2, "s": "x", "day": "2025-01-02", "tags": ["a"], "kind": "cam", "d": null}}"#;
    // `d` twice: declined (serde reports it).
    assert!(program.read_json_fast(plain).is_none());
    assert!(program.read_json_with_serde(plain).is_err());
    let plain = plain.replace(r#", "d": null"#, "");
    let record = program.read_json_fast(&plain).expect("the plain shape");
    assert_eq!(Ok(record), program.read_json_with_serde(&plain));
    for declined in [
        r#"{"id": "p\n", "category": "c"}"#,
        // Holdings are parsed and checked by serde.
        r#"{"id": "p", "category": "c", "holds": ["g:1"]}"#,
        // A category key that names no scheme: serde reports it.
        r#"{"id": "p", "category": {"g": "c", "gg": "c"}}"#,
        r#"{"id": "p", "category": "c", "facts": {"d": 0.5}}"#,
        r#"{"id": "p", "category": "c", "facts": {"unknown": 1}}"#,
        r#"{"id": "p", "category": "c"} x"#,
        // A raw tab (not allowed in a JSON string) right after a short
        // string's first byte: the scanner must not end the string there.
        "{\"id\": \"p\", \"category\": \"c\", \"facts\": {\"tags\": [\"a\t,\"b\"]}}",
    ] {
        assert!(program.read_json_fast(declined).is_none(), "{declined}");
    }
}

/// A top-level key given twice is an error both ways (it was accepted with
/// the last one winning), as a fact named twice is.
#[test]
fn a_product_key_given_twice_is_an_error_both_ways() {
    let program = program(&RULES, "g");
    for (line, key) in [
        (
            r#"{"id": "p", "category": "c", "facts": {"b": true}, "facts": {"n": 1}}"#,
            "facts",
        ),
        (
            r#"{"id": "p", "category": "c", "category": "c2"}"#,
            "category",
        ),
        (r#"{"id": "p", "id": "q", "category": "c"}"#, "id"),
        (
            r#"{"id": "p", "category": "c", "holds": [], "holds": []}"#,
            "holds",
        ),
    ] {
        assert!(program.read_json_fast(line).is_none(), "{line}");
        let error = program.read_json_with_serde(line).expect_err(line);
        assert!(
            error
                .to_string()
                .contains(&format!("`{key}` is given twice")),
            "{line}: {error:?}"
        );
        assert_eq!(program.read_json(line), Err(error));
    }
}
