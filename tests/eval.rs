//! Evaluation: each rule (Kleene logic, credited, not applicable by category
//! and by dates, at-least-k-of-n, reached vs reachable) on fixture products,
//! with a JSON snapshot of every outcome and explicit assertions beside it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use labelc::eval::{Outcome, Program, Verdict, select_scheme};
use labelc::rules::RuleSet;
use labelc::source::SourceMap;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/eval")
            .join(name),
    )
    .unwrap()
}

static RULES: std::sync::LazyLock<RuleSet> = std::sync::LazyLock::new(|| {
    let mut sources = SourceMap::new();
    sources.add("tests/fixtures/eval/rules.policy", fixture("rules.policy"));
    labelc::compile(&sources).unwrap()
});

fn rules() -> &'static RuleSet {
    &RULES
}

fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 25)
}

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

/// `demo` of `rules`, prepared on the fixtures' date.
fn demo_program(rules: &RuleSet) -> Program<'_> {
    Program::new(
        rules,
        select_scheme(rules, "demo", as_of()).unwrap(),
        as_of(),
    )
    .unwrap()
}

fn verdict(outcome: &Outcome<'_>, id: &str) -> Verdict {
    outcome
        .criteria
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.id == id)
        .unwrap()
        .outcome
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

fn run_eval(input: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "eval",
        "tests/fixtures/eval/rules.policy",
        "--scheme",
        "demo",
        "--as-of",
        "2026-11-25",
        "--facts",
        "-",
    ];
    args.extend_from_slice(extra);
    let out = common::labelc_with_input(&args, input.as_bytes());
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
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

// ------------------------------------------------ portfolios and holdings

/// A product of a portfolio that names no category for the judged scheme is
/// outside it, with the reason: not an error.
#[test]
fn a_product_naming_no_category_for_the_scheme_is_out_of_scope() {
    let program = Program::new(rules(), 0, as_of()).unwrap();
    let line = r#"{"id":"p","category":{"other":"everything"},"facts":{"a":true}}"#;
    let outcome = program.evaluate_json_with(line, true).unwrap();
    assert!(!outcome.in_scope);
    assert_eq!(outcome.category, None);
    assert_eq!(
        outcome.excluded,
        Some("the product names no category for this scheme")
    );
    assert_eq!((outcome.level, outcome.reachable), (None, None));
    assert!(outcome.next.is_none());
    let criteria = outcome.criteria.as_ref().unwrap();
    assert_eq!(criteria.len(), rules().schemes[0].criteria.len());
    assert!(criteria.iter().all(|c| c.outcome == Verdict::NotApplicable));
    // The fast reader and serde agree; the fast JSON writer and serde too.
    assert_eq!(
        program.read_json_fast(line),
        Some(program.read_json_with_serde(line).unwrap())
    );
    let mut fast = Vec::new();
    outcome.write_json(&mut fast).unwrap();
    assert_eq!(fast, serde_json::to_vec(&outcome).unwrap());
    let json: serde_json::Value = serde_json::from_slice(&fast).unwrap();
    assert_eq!(json["category"], serde_json::Value::Null);
    assert_eq!(json["in_scope"], false);
    // The command exits 0 and says why.
    let (code, stdout, stderr) = run_eval(&format!("{line}\n"), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "p: level none (reachable none); out of scope: the product names no category for this scheme\n"
    );
    let (code, stdout, _) = run_eval(line, &["--explain"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("out of scope: the product names no category"),
        "{stdout}"
    );
}

/// A key of a per-scheme `category` object must name a scheme of the rule
/// set; the fast reader leaves such a line to serde, which reports it.
#[test]
fn a_category_key_naming_no_scheme_is_an_error_with_a_suggestion() {
    let program = Program::new(rules(), 0, as_of()).unwrap();
    let line = r#"{"id":"p","category":{"demo":"camera","othr":"everything"}}"#;
    assert_eq!(program.read_json_fast(line), None);
    let error = program.evaluate_json(line).unwrap_err();
    assert!(
        error.to_string().contains("did you mean `other`?"),
        "{error}"
    );
}

/// The JSON error line and the human message name the product, wherever on
/// the line the error is.
#[test]
fn every_per_line_error_names_the_product_id() {
    let input = [
        r#"{"id":"first","category":"camera","facts":{"n":"many"}}"#,
        r#"{"category":"nowhere","facts":{},"id":"late"}"#,
        r#"{"id":"cut","category":"camera","facts":{"#,
        r#"{"category":"camera","facts":{"id":"nested"}}"#,
    ]
    .join("\n");
    let (code, stdout, _) = run_eval(&input, &["--format", "json"]);
    assert_eq!(code, 1);
    let ids: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v.get("error").is_some(), "{l}");
            v["id"].clone()
        })
        .collect();
    assert_eq!(
        ids,
        [
            serde_json::json!("first"),
            serde_json::json!("late"),
            serde_json::json!("cut"),
            serde_json::Value::Null,
        ]
    );
    let (code, stdout, _) = run_eval(&input, &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("line 1 (`first`): error: "),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("line 2 (`late`): error: unknown category"),
        "{stdout}"
    );
    assert!(lines[2].starts_with("line 3 (`cut`): error: "), "{stdout}");
    assert!(lines[3].starts_with("line 4: error: "), "{stdout}");
}

/// A holding that is malformed, or names an unknown scheme, version, level
/// or criterion, or a rank past 64 bits, is an error on its line with a fix.
#[test]
fn holdings_are_never_silently_ignored() {
    let program = Program::new(rules(), 0, as_of()).unwrap();
    let cases = [
        ("othr:1", "did you mean `other:1`?"),
        ("other@2:1", "did you mean `other@1:1`?"),
        ("other:3", "the levels of `other` are 1"),
        ("other#O-2", "did you mean `other#O-1`?"),
        ("other:O-1", "to hold criterion O-1 write `other#O-1`"),
        ("other:99999999999999999999", "does not fit in 64 bits"),
        ("other", "is not a holding"),
        ("other@:1", "is not a holding"),
    ];
    for (holding, expected) in cases {
        let line = format!(r#"{{"id":"p","category":"camera","holds":["other:1","{holding}"]}}"#);
        assert_eq!(program.read_json_fast(&line), None, "{holding}");
        let error = program.evaluate_json(&line).unwrap_err();
        assert!(error.to_string().contains(expected), "{holding}: {error}");
        assert!(error.to_string().contains("`holds`"), "{holding}: {error}");
    }
    let (code, stdout, _) = run_eval(
        r#"{"id":"held","category":"camera","holds":["other:O-1"]}"#,
        &["--format", "json"],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["id"], "held");
    assert!(v["error"].as_str().unwrap().contains("other#O-1"), "{v}");
}

/// `src:2` holds level 2 of `src`, `src#2` its criterion `2`: never both.
#[test]
fn holding_a_level_is_not_holding_a_criterion() {
    let policy = r#"
fact a: bool
scheme src@1 {
  title "Source"
  category all { title "All" }
  criterion 2 { title "criterion two" condition a }
  criterion 6 { title "criterion six" condition a }
  level 1 { title "one" require 2 }
  level 2 { title "two" include 1 require 6 }
}
scheme dst@1 {
  title "Destination"
  category all { title "All" }
  criterion BY-LEVEL { title "by level" condition a }
  criterion BY-CRITERION { title "by criterion" condition a }
  level 1 { title "one" require BY-LEVEL, BY-CRITERION }
}
recognition by-level {
  from src@1 level 2
  to dst@1
  relationship equal
  credit full
  status official
  credits BY-LEVEL
}
recognition by-criterion {
  from src@1 criterion 2
  to dst@1
  relationship equal
  credit full
  status official
  credits BY-CRITERION
}
"#;
    let mut sources = SourceMap::new();
    sources.add("held.policy", policy);
    let rules = labelc::compile(&sources).unwrap();
    let program = Program::new(
        &rules,
        select_scheme(&rules, "dst", as_of()).unwrap(),
        as_of(),
    )
    .unwrap();
    let judge = |holds: &str| {
        let line = format!(r#"{{"id":"p","category":"all","holds":[{holds}]}}"#);
        let outcome = program.evaluate_json_with(&line, true).unwrap();
        (
            verdict(&outcome, "BY-LEVEL"),
            verdict(&outcome, "BY-CRITERION"),
        )
    };
    use Verdict::{Credited, Unknown};
    assert_eq!(judge(r#""src:2""#), (Credited, Unknown));
    assert_eq!(judge(r#""src@1:2""#), (Credited, Unknown));
    assert_eq!(judge(r#""src#2""#), (Unknown, Credited));
    assert_eq!(judge(r#""src#6""#), (Unknown, Unknown));
    assert_eq!(judge(r#""src:1""#), (Unknown, Unknown));
    assert_eq!(judge(r#""src:2", "src#2""#), (Credited, Credited));
    // Criterion `6` exists, level 6 does not.
    let error = program
        .evaluate_json(r#"{"id":"p","category":"all","holds":["src:6"]}"#)
        .unwrap_err();
    assert!(
        error.to_string().contains("the levels of `src` are 1, 2"),
        "{error}"
    );
}

/// Every JSON error line carries the stable code of its error, the codes
/// are the ones docs/language.md lists, and the library gives the same code
/// for the same product.
#[test]
fn error_lines_carry_a_documented_code() {
    let cases = [
        (r#"{"id": "broken"#, "labelc::eval::malformed_json"),
        (
            r#"{"id":"x","category":"camera","facts":{"n":"many"}}"#,
            "labelc::eval::invalid_product",
        ),
        (r#"{"category":"camera"}"#, "labelc::eval::invalid_product"),
        (
            r#"{"id":"x","category":"camra"}"#,
            "labelc::eval::unknown_category",
        ),
    ];
    let input: Vec<&str> = cases
        .iter()
        .map(|(line, _)| *line)
        .chain([r#"{"id":"ok","category":"camera","facts":{"a":true}}"#])
        .collect();
    let (code, stdout, _) = run_eval(&input.join("\n"), &["--format", "json"]);
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len() + 1, "{stdout}");
    let docs = std::fs::read_to_string(common::root().join("docs/language.md")).unwrap();
    let program = demo_program(rules());
    for ((product, expected), line) in cases.iter().zip(&lines) {
        assert_eq!(line["code"], *expected, "{line}");
        assert!(line["error"].is_string(), "{line}");
        assert!(docs.contains(&format!("| `{expected}` |")), "{expected}");
        let error = program.evaluate_json(product).unwrap_err();
        assert_eq!(error.code(), *expected, "{product}");
        assert_eq!(line["error"], error.to_string(), "{line}");
    }
    // A judged product has no code.
    assert!(lines.last().unwrap().get("code").is_none(), "{stdout}");
    // The unknown category carries its suggestion as data, and as help.
    match demo_program(rules())
        .evaluate_json(r#"{"id":"x","category":"camra"}"#)
        .unwrap_err()
    {
        labelc::eval::ProductError::UnknownCategory {
            category,
            suggestion,
            ..
        } => {
            assert_eq!(category, "camra");
            assert_eq!(suggestion.as_deref(), Some("camera"));
        }
        other => panic!("{other:?}"),
    }
}

/// `labelc::evaluate` reports a scheme the rule set lacks and a product
/// that does not fit by their codes.
#[test]
fn evaluate_errors_have_codes() {
    let product: labelc::Product =
        serde_json::from_str(r#"{"id":"x","category":"camra"}"#).unwrap();
    let error = labelc::evaluate(rules(), "dmeo", &product, as_of()).unwrap_err();
    assert_eq!(error.code(), "labelc::rules::unknown_scheme", "{error}");
    assert!(
        error.to_string().contains("did you mean `demo`?"),
        "{error}"
    );
    let error = labelc::evaluate(rules(), "demo", &product, as_of()).unwrap_err();
    assert_eq!(error.code(), "labelc::eval::unknown_category", "{error}");
    let mut broken = rules().clone();
    broken.format = "labelc.rules/v0".to_string();
    let error = labelc::evaluate(&broken, "demo", &product, as_of()).unwrap_err();
    assert_eq!(error.code(), "labelc::eval::rule_set_format", "{error}");
    assert!(error.help().is_some());
}
