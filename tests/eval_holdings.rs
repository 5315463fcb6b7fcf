//! Evaluation of portfolios and holdings: a product out of a scheme's
//! scope, per-scheme categories, per-line errors that name the product and
//! carry a documented code, and holdings never silently ignored.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::eval_fixtures::{as_of, demo_program, rules, run_eval, verdict};
use labelc::eval::{Program, Verdict, select_scheme};
use labelc::source::SourceMap;

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
