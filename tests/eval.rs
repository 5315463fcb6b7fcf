//! Evaluation: each rule (Kleene logic, credited, not applicable by category
//! and by dates, at-least-k-of-n, reached vs reachable) on fixture products,
//! with a JSON snapshot of every outcome and explicit assertions beside it.
//! Portfolios and holdings are in `tests/eval_holdings.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use common::eval_fixtures::{as_of, demo_program, fixture, rules, run_eval, verdict};
use labelc::eval::{Outcome, Program, Verdict, select_scheme};
use labelc::rules::RuleSet;
use labelc::source::SourceMap;

fn outcomes() -> BTreeMap<String, Outcome<'static>> {
    let rules = rules();
    let program = Program::new(
        rules,
        select_scheme(rules, "demo", as_of()).unwrap(),
        as_of(),
    )
    .unwrap();
    fixture("products.jsonl")
        .lines()
        .map(|line| {
            let outcome = program.evaluate_json_with(line, true).unwrap();
            (outcome.id.clone(), outcome)
        })
        .collect()
}

#[test]
fn levels_reached_and_reachable() {
    let all = outcomes();
    let expect = [
        ("all-but-four", Some(3), Some(3)),
        ("false-and-unknown", None, None),
        ("true-and-unknown", None, Some(3)),
        ("router-not-in-scope", Some(2), Some(3)),
        ("credited", Some(2), Some(3)),
        ("credit-condition-unmet", Some(1), Some(3)),
        ("at-least-open", Some(2), Some(3)),
        ("stale-test", Some(1), Some(1)),
        ("per-scheme-category", None, None),
    ];
    assert_eq!(all.len(), expect.len());
    for (id, level, reachable) in expect {
        let o = &all[id];
        assert_eq!((o.level, o.reachable), (level, reachable), "{id}");
    }
}

#[test]
fn kleene_logic() {
    let all = outcomes();
    // false and unknown = false
    assert_eq!(verdict(&all["false-and-unknown"], "AND"), Verdict::Fail);
    // true and unknown = unknown; true or unknown = true
    assert_eq!(verdict(&all["true-and-unknown"], "AND"), Verdict::Unknown);
    assert_eq!(verdict(&all["true-and-unknown"], "OR"), Verdict::Pass);
    // not true = false; not unknown = unknown
    assert_eq!(verdict(&all["all-but-four"], "NOT"), Verdict::Fail);
    assert_eq!(verdict(&all["per-scheme-category"], "G1"), Verdict::Unknown);
    // The failing conjunct is what decided it, with its fact value.
    let next = all["false-and-unknown"].next.as_ref().unwrap();
    assert_eq!(next.rank, 1);
    let and = next.failing.iter().find(|c| c.id == "AND").unwrap();
    assert_eq!(and.decided_by.len(), 1);
    assert_eq!(and.decided_by[0].expr, "a");
    assert_eq!(
        *and.decided_by[0].facts.get("a").unwrap(),
        serde_json::json!(false)
    );
    // An unknown conjunction names every unknown operand.
    let next = all["true-and-unknown"].next.as_ref().unwrap();
    let and = next.unknown.iter().find(|c| c.id == "AND").unwrap();
    assert_eq!(
        and.decided_by.iter().map(|l| l.expr).collect::<Vec<_>>(),
        ["b"]
    );
    assert!(and.decided_by[0].facts.get("b").unwrap().is_null());
}

#[test]
fn not_applicable_by_category_and_by_dates() {
    let all = outcomes();
    let router = &all["router-not-in-scope"];
    assert_eq!(verdict(router, "CAM"), Verdict::NotApplicable);
    assert!(!router.in_scope, "routers take effect in 2027");
    assert!(all["all-but-four"].in_scope);
    for o in all.values() {
        assert_eq!(verdict(o, "OLD"), Verdict::NotApplicable, "{}", o.id);
        assert_eq!(verdict(o, "NEW"), Verdict::NotApplicable, "{}", o.id);
    }
}

#[test]
fn credited_by_a_recognition_held() {
    let all = outcomes();
    let credited = &all["credited"];
    assert_eq!(verdict(credited, "CRED"), Verdict::Credited);
    let cred = credited
        .criteria
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.id == "CRED")
        .unwrap();
    assert_eq!(cred.credited_by, ["other--demo"]);
    // The recognition's condition must hold for the credit to apply.
    assert_eq!(
        verdict(&all["credit-condition-unmet"], "CRED"),
        Verdict::Unknown
    );
}

#[test]
fn at_least_k_of_n() {
    let all = outcomes();
    let open = &all["at-least-open"];
    let next = open.next.as_ref().unwrap();
    assert_eq!(next.rank, 3);
    assert_eq!(next.groups.len(), 1);
    assert_eq!(
        (next.groups[0].k, next.groups[0].met, next.groups[0].unknown),
        (2, 1, 1)
    );
    assert_eq!(all["all-but-four"].next.as_ref().unwrap().rank, 4);
}

#[test]
fn within_days_of_the_assessment_date() {
    let all = outcomes();
    assert_eq!(verdict(&all["all-but-four"], "TEST"), Verdict::Pass);
    // 2025-11-24 is 366 days before 2026-11-25.
    assert_eq!(verdict(&all["stale-test"], "TEST"), Verdict::Fail);
}

#[test]
fn outcome_snapshots() {
    for (id, outcome) in outcomes() {
        insta::assert_json_snapshot!(id, outcome);
    }
}

#[test]
fn library_evaluate_matches_the_streaming_path() {
    let rules = rules();
    let streamed = outcomes();
    for line in fixture("products.jsonl").lines() {
        let product: labelc::Product = serde_json::from_str(line).unwrap();
        let outcome = labelc::evaluate(rules, "demo", &product, as_of()).unwrap();
        let other = &streamed[&outcome.id];
        assert_eq!(
            (outcome.level, outcome.reachable),
            (other.level, other.reachable)
        );
        assert_eq!(outcome.next, other.next);
    }
}

#[test]
fn bad_products_are_errors_naming_the_problem() {
    let program = Program::new(rules(), 0, as_of()).unwrap();
    let cases = [
        (
            r#"{"id":"p","category":"camera","facts":{"n":"3"}}"#,
            "expected an integer for the fact `n`",
        ),
        (
            r#"{"id":"p","category":"camera","facts":{"nn":3}}"#,
            "unknown fact `nn` (did you mean `n`?)",
        ),
        (
            r#"{"id":"p","category":"camra","facts":{}}"#,
            "unknown category `camra`",
        ),
        (
            r#"{"id":"p","category":"camera","facts":{"kind":"ultra"}}"#,
            "one of \"basic\", \"pro\"",
        ),
        (
            r#"{"id":"p","category":"camera","facts":{"tested":"2026-13-01"}}"#,
            "YYYY-MM-DD",
        ),
        (
            r#"{"id":"p","category":"camera","facts":{"n":3,"n":4}}"#,
            "given twice",
        ),
        (
            r#"{"id":"p","category":"camera","facts":{"n":null,"n":4}}"#,
            "given twice",
        ),
        (
            r#"{"id":"p","category":"camera","facts":{"tags":"x"}}"#,
            "a list of strings",
        ),
        (
            r#"{"id":"p","category":"camera","colour":"red"}"#,
            "unknown field `colour`",
        ),
        (r#"{"category":"camera"}"#, "no `id`"),
        (r#"{"id":"p","category":"camera""#, "malformed JSON"),
        (r#"[1,2]"#, "a product object"),
        (
            r#"{"id":"p","category":{"demo":"camera","othr":"everything"}}"#,
            "`othr`, which is no scheme of the rule set (did you mean `other`?)",
        ),
    ];
    for (input, expected) in cases {
        let err = program.evaluate_json(input).unwrap_err();
        assert!(err.to_string().contains(expected), "{input}: {err}");
    }
}

#[test]
fn json_lines_give_one_output_line_per_input_line_in_order() {
    // Lines 8, 108, …, 908 are bad, each in a different way.
    let broken = [
        r#"{"id": "broken"#,
        r#"{"id":"x","category":"camera","facts":{"n":"many"}}"#,
        r#"{"id":"x","category":"camera","facts":{"a":"yes"}}"#,
        r#"{"id":"x","category":"camera","facts":{"unknown.fact":true}}"#,
        r#"{"id":"x","category":"nowhere"}"#,
        r#"not json at all"#,
        // (A blank line is not a product, so it is no error: tests/hardening.rs.)
        r#"{"id":"x"}"#,
        r#"{"id":"x","category":"camera","facts":{"kind":"ultra"}}"#,
        r#"{"id":"x","category":"camera","facts":{"tested":"yesterday"}}"#,
        r#"{"id":"x","category":"camera","facts":{"tags":[1,2]}}"#,
    ];
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for i in 0..1000 {
        if i % 100 == 7 {
            bad.push(i as u64 + 1);
            lines.push(broken[i / 100].to_string());
        } else {
            lines.push(format!(
                r#"{{"id":"p{i}","category":"camera","facts":{{"a":true,"b":true,"n":{}}}}}"#,
                i % 7
            ));
        }
    }
    let (code, stdout, stderr) = run_eval(&(lines.join("\n") + "\n"), &["--format", "json"]);
    assert_eq!(code, 1);
    let out: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 1000);
    let errors: Vec<u64> = out
        .iter()
        .filter_map(|v| v.get("error").map(|_| v["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(errors, bad);
    for (i, v) in out.iter().enumerate() {
        assert_eq!(v["line"], i + 1, "output order equals input order");
        if v.get("error").is_none() {
            assert_eq!(v["id"], format!("p{i}"));
        }
    }
    assert!(stderr.contains("1000 products"), "{stderr}");
    assert!(stderr.contains("; 10 errors"), "{stderr}");
}

#[test]
fn all_good_lines_exit_zero_and_a_single_object_works() {
    let (code, stdout, _) = run_eval(&fixture("products.jsonl"), &[]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 9);
    assert!(
        stdout.contains("all-but-four: level 3 (reachable 3)"),
        "{stdout}"
    );
    let pretty = "{\n  \"id\": \"one\",\n  \"category\": \"camera\",\n  \"facts\": {\"a\": true, \"b\": true, \"n\": 9}\n}\n";
    let (code, stdout, _) = run_eval(pretty, &["--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["level"], 1);
}

#[test]
fn explain_names_the_criteria_and_their_facts() {
    let (code, stdout, _) = run_eval(
        r#"{"id":"p","category":"camera","facts":{"a":false,"n":1}}"#,
        &["--explain"],
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("level reached: none"), "{stdout}");
    assert!(stdout.contains("✗ AND fail"), "{stdout}");
    assert!(stdout.contains("`a` is false (a = false)"), "{stdout}");
    assert!(stdout.contains("`n >= 3` is false (n = 1)"), "{stdout}");
}

#[test]
fn unknown_scheme_is_an_error_in_the_input() {
    let (code, _, stderr) = run_eval("", &[]);
    assert_eq!(code, 0, "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args([
            "eval",
            "tests/fixtures/eval/rules.policy",
            "--scheme",
            "dmo",
            "--facts",
            "-",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `demo`?"));
}

/// The example in README.md: a camera judged against the reference CCL policy.
#[test]
fn readme_example_on_the_reference_policies() {
    let out = Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args([
            "eval",
            "policies/",
            "--scheme",
            "ccl",
            "--as-of",
            "2026-11-25",
            "--explain",
        ])
        .args(["--facts", "tests/fixtures/eval/ccl-camera.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("against ccl@2026-04 as of 2026-11-25"),
        "{stdout}"
    );
    assert!(stdout.contains("level reached: none"), "{stdout}");
    // Vulnerabilities are not fixed: the basic level fails on CCL-1.2, and so cannot be reached.
    assert!(stdout.contains("✗ CCL-1.2 fail"), "{stdout}");
    assert!(
        stdout.contains("reachable with the missing evidence: none"),
        "{stdout}"
    );
}

/// A recognition with `applies_to` credits products of the categories it
/// covers (and their sub-categories) and no others.
#[test]
fn a_recognition_credits_only_the_categories_it_covers() {
    let policy = r#"
fact a: bool
scheme demo@1 {
  title "Demo"
  category devices {
    title "Devices"
    category camera { title "Cameras" }
  }
  category services { title "Services" }
  criterion C { title "c" condition a }
  criterion D { title "d" condition a }
  level 1 { title "one" require C, D }
}
scheme other@1 {
  title "Other"
  category everything { title "Everything" }
  criterion O { title "o" condition a }
  level 1 { title "one" require O }
}
recognition cameras-only {
  from other@1 level 1
  to demo@1
  relationship equal
  credit full
  status official
  credits C
  applies_to camera
}
recognition devices {
  from other@1 level 1
  to demo@1
  relationship equal
  credit full
  status official
  credits D
  applies_to devices
}
"#;
    let mut sources = SourceMap::new();
    sources.add("scope.policy", policy);
    let rules = labelc::compile(&sources).unwrap();
    let recognition = |id: &str| rules.recognitions.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        recognition("cameras-only").applies_to,
        labelc::rules::AppliesTo::Categories {
            ids: vec!["camera".to_string()]
        }
    );
    let program = demo_program(&rules);
    let judge = |category: &str| {
        let line =
            format!(r#"{{"id": "{category}", "category": "{category}", "holds": ["other:1"]}}"#);
        let outcome = program.evaluate_json_with(&line, true).unwrap();
        (
            verdict(&outcome, "C"),
            verdict(&outcome, "D"),
            outcome.level,
        )
    };
    // A camera: both arrangements cover it (`devices` through its parent).
    assert_eq!(
        judge("camera"),
        (Verdict::Credited, Verdict::Credited, Some(1))
    );
    // A device that is not a camera: only the `devices` arrangement.
    assert_eq!(
        judge("devices"),
        (Verdict::Unknown, Verdict::Credited, None)
    );
    // A service: neither.
    assert_eq!(
        judge("services"),
        (Verdict::Unknown, Verdict::Unknown, None)
    );
    // The compiled rule set keeps the scope: evaluating it gives the same.
    let json = serde_json::to_string(&rules).unwrap();
    let reread: RuleSet = serde_json::from_str(&json).unwrap();
    let program = demo_program(&reread);
    let outcome = program
        .evaluate_json_with(
            r#"{"id": "s", "category": "services", "holds": ["other:1"]}"#,
            true,
        )
        .unwrap();
    assert_eq!(verdict(&outcome, "D"), Verdict::Unknown);
}

/// A product of an excluded category (or of a sub-category of one) is out
/// of scope: no level reached or reachable, every criterion not applicable,
/// the reason given; other categories are judged as usual.
#[test]
fn an_excluded_category_reaches_no_level() {
    let policy = r#"
fact a: bool
scheme demo@1 {
  title "Demo"
  category devices { title "Devices" }
  category excepted {
    title "Excepted products"
    excluded "outside the regulation"
    category meters { title "Smart meters" }
  }
  criterion C { title "c" condition a }
  criterion D { title "d" applies_to devices condition a }
  level 1 { title "one" require C, D }
}
"#;
    let mut sources = SourceMap::new();
    sources.add("excluded.policy", policy);
    let rules = labelc::compile(&sources).unwrap();
    let program = demo_program(&rules);
    let judge = |category: &str| {
        let line = format!(r#"{{"id": "p", "category": "{category}", "facts": {{"a": true}}}}"#);
        program.evaluate_json_with(&line, true).unwrap()
    };
    let device = judge("devices");
    assert_eq!(
        (device.level, device.in_scope, device.excluded),
        (Some(1), true, None)
    );
    for category in ["excepted", "meters"] {
        let outcome = judge(category);
        assert_eq!(
            outcome.excluded,
            Some("outside the regulation"),
            "{category}"
        );
        assert!(!outcome.in_scope, "{category}");
        assert_eq!(
            (outcome.level, outcome.reachable),
            (None, None),
            "{category}"
        );
        assert!(outcome.next.is_none(), "{category}");
        let criteria = outcome.criteria.as_ref().unwrap();
        assert_eq!(criteria.len(), 2);
        assert!(
            criteria.iter().all(|c| c.outcome == Verdict::NotApplicable
                && c.reason.as_deref() == Some("the category is excluded: outside the regulation")),
            "{criteria:?}"
        );
    }
    // The explanation says so instead of listing levels.
    let text = labelc::eval::render_explanation(&judge("meters"), &BTreeMap::new());
    assert!(text.contains("excluded: outside the regulation"), "{text}");
    assert!(!text.contains("level reached"), "{text}");
}
