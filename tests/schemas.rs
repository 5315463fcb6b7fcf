//! The JSON Schemas of every JSON output (`schema/*.schema.json`): each
//! committed file is what `labelc schema KIND` generates, each has an `$id`
//! and pins its `format` value, and real outputs — every reference plan, eval
//! results and error lines, diffs, test reports, check reports with errors —
//! validate against them with an independent validator (`jsonschema`), while
//! broken documents do not.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::{labelc, labelc_with_input, root, text};

const KINDS: [(&str, &str); 7] = [
    ("rules", "labelc.rules/v1"),
    ("plan", "labelc.plan/v1"),
    ("eval", "labelc.eval/v1"),
    ("diff", "labelc.diff/v1"),
    ("test", "labelc.test/v1"),
    ("check", "labelc.check/v1"),
    ("relate", "labelc.relate/v1"),
];

fn committed(kind: &str) -> serde_json::Value {
    let path = root().join(format!("schema/{kind}.schema.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validator(kind: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&committed(kind)).unwrap()
}

/// Every error of `document` against the schema, with where it is.
fn errors(validator: &jsonschema::Validator, document: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, document: &serde_json::Value, what: &str) {
    let errors = errors(validator, document);
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    for (kind, _) in KINDS {
        let out = labelc(&["schema", kind]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let file = root().join(format!("schema/{kind}.schema.json"));
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == text(&out.stdout),
            "schema/{kind}.schema.json is stale: run `cargo run -- schema {kind} > schema/{kind}.schema.json`"
        );
    }
    // `labelc schema` alone is the rule set's; `--plan` still names the plan's.
    assert_eq!(
        labelc(&["schema"]).stdout,
        labelc(&["schema", "rules"]).stdout
    );
    assert_eq!(
        labelc(&["schema", "--plan"]).stdout,
        labelc(&["schema", "plan"]).stdout
    );
}

/// Each schema has an `$id`, from its `format`: `labelc.plan/v1` →
/// `urn:labelc:plan:v1` (that each accepts only its own `format` is checked
/// on real outputs, by [`assert_format_pinned`]).
#[test]
fn each_schema_has_an_id() {
    for (kind, _) in KINDS {
        assert_eq!(
            committed(kind)["$id"],
            format!("urn:labelc:{kind}:v1"),
            "{kind}"
        );
    }
}

/// A valid `document` with another `format` value is invalid.
#[track_caller]
fn assert_format_pinned(
    validator: &jsonschema::Validator,
    document: &serde_json::Value,
    kind: &str,
) {
    let format = KINDS.iter().find(|(k, _)| *k == kind).unwrap().1;
    assert_eq!(document["format"], format, "{kind}: {document}");
    assert_valid(validator, document, kind);
    let mut other = document.clone();
    other["format"] = "labelc.other/v9".into();
    assert!(
        !errors(validator, &other).is_empty(),
        "{kind}: another `format` is accepted"
    );
}

/// Compiles the reference policies once, to a file `plan` and `eval` read.
fn compiled_policies(name: &str) -> (std::path::PathBuf, labelc::rules::RuleSet) {
    let out = labelc(&["compile", "policies/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let path = common::scratch(name).join("rules.json");
    std::fs::write(&path, &out.stdout).unwrap();
    (path, serde_json::from_slice(&out.stdout).unwrap())
}

/// Every reference scheme version × each of its categories, a plan over
/// several schemes with holdings, and a residual plan for a portfolio
/// product: each `plan --format json` validates.
#[test]
fn every_reference_plan_validates() {
    let (rules_path, rules) = compiled_policies("schema-plans");
    let rules_arg = rules_path.to_str().unwrap();
    let validator = validator("plan");
    let run = |args: &[&str]| -> serde_json::Value {
        let mut all = vec![
            "plan",
            rules_arg,
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ];
        all.extend_from_slice(args);
        let out = labelc(&all);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let mut plans = 0;
    for scheme in &rules.schemes {
        let key = scheme.key();
        for category in &scheme.categories {
            let plan = run(&["--scheme", &key, "--category", &category.id]);
            assert_valid(&validator, &plan, &format!("{key} {}", category.id));
            plans += 1;
        }
    }
    assert!(plans >= 40, "only {plans} plans");

    let several = run(&[
        "--scheme",
        "etsi_en_303_645",
        "--scheme",
        "uk_psti",
        "--scheme",
        "ccl@2026-04",
        "--category",
        "etsi_en_303_645=consumer_iot",
        "--category",
        "uk_psti=internet_connectable_products",
        "--category",
        "ccl=consumer_cameras",
        "--holding",
        "etsi_en_303_645#5.1",
        "--holding",
        "jc_star:1",
    ]);
    assert_eq!(several["schemes"].as_array().unwrap().len(), 3);
    assert_valid(&validator, &several, "three schemes");
    assert_format_pinned(&validator, &several, "plan");

    let dir = common::scratch("schema-plan-facts");
    let portfolio =
        std::fs::read_to_string(root().join("policies/examples/portfolio.jsonl")).unwrap();
    let first = portfolio.lines().next().unwrap();
    let facts = dir.join("product.json");
    std::fs::write(&facts, first).unwrap();
    let residual = run(&[
        "--scheme",
        "ccl@2026-04",
        "--category",
        "consumer_cameras",
        "--facts",
        facts.to_str().unwrap(),
    ]);
    assert!(
        !residual["schemes"][0]["decided"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_valid(&validator, &residual, "residual plan");

    // Not vacuous: a plan without a required list fails.
    let mut broken = several.clone();
    broken["schemes"][0].as_object_mut().unwrap().remove("work");
    assert!(!errors(&validator, &broken).is_empty());
}

/// Result lines (plain and `--explain`, excluded and out-of-scope products
/// included) and error lines of `eval --format json` validate, line by line.
#[test]
fn eval_lines_validate() {
    let (rules_path, rules) = compiled_policies("schema-eval");
    let rules_arg = rules_path.to_str().unwrap();
    let validator = validator("eval");
    let portfolio = std::fs::read(root().join("policies/examples/portfolio.jsonl")).unwrap();
    let mut input = portfolio.clone();
    input.extend_from_slice(b"{\"id\": \"broken\", \"facts\": 3}\nnot json\n\n");
    let mut seen = (0, 0);
    for scheme in &rules.schemes {
        let key = scheme.key();
        for explain in [false, true] {
            let mut args = vec![
                "eval",
                rules_arg,
                "--scheme",
                &key,
                "--facts",
                "-",
                "--as-of",
                "2026-11-25",
                "--format",
                "json",
            ];
            if explain {
                args.push("--explain");
            }
            let out = labelc_with_input(&args, &input);
            for line in text(&out.stdout).lines() {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                assert_valid(&validator, &value, &format!("{key}: {line}"));
                if value.get("error").is_some() {
                    seen.1 += 1;
                } else {
                    seen.0 += 1;
                }
            }
        }
    }
    assert!(seen.0 > 100 && seen.1 > 10, "{seen:?}");
    // A single product in error is one error line too.
    let out = labelc_with_input(
        &[
            "eval",
            rules_arg,
            "--scheme",
            "ccl@2026-04",
            "--facts",
            "-",
            "--format",
            "json",
        ],
        b"{\"id\": 1}",
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(line["error"].is_string(), "{line}");
    assert_eq!(line["code"], "labelc::eval::invalid_product", "{line}");
    assert_format_pinned(&validator, &line, "eval");
    // Not vacuous: a result without its level fails, and so does an error without its line.
    let out = labelc_with_input(
        &[
            "eval",
            rules_arg,
            "--scheme",
            "ccl@2026-04",
            "--facts",
            "-",
            "--format",
            "json",
        ],
        portfolio.split(|b| *b == b'\n').next().unwrap(),
    );
    let mut result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_format_pinned(&validator, &result, "eval");
    result.as_object_mut().unwrap().remove("level");
    assert!(!errors(&validator, &result).is_empty());
    let mut error = line.clone();
    error.as_object_mut().unwrap().remove("line");
    assert!(!errors(&validator, &error).is_empty());
    let mut error = line.clone();
    error.as_object_mut().unwrap().remove("code");
    assert!(!errors(&validator, &error).is_empty());
}

/// Diffs of reference versions, with and without products, validate.
#[test]
fn diffs_validate() {
    let validator = validator("diff");
    let cases: [&[&str]; 3] = [
        &["--from", "ccl@2025-11-draft", "--to", "ccl@2026-04"],
        &[
            "--from",
            "ccl@2025-11-draft",
            "--to",
            "ccl@2026-04",
            "--products",
            "policies/examples/portfolio.jsonl",
            "--as-of",
            "2026-11-25",
        ],
        &["--from", "sg_cls@2020-10", "--to", "sg_cls@2025-04"],
    ];
    for extra in cases {
        let mut args = vec!["diff", "policies/", "--format", "json"];
        args.extend_from_slice(extra);
        let out = labelc(&args);
        assert!(out.status.code().is_some(), "{extra:?}");
        let diff: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{extra:?}: {e}: {}", text(&out.stderr)));
        assert!(!diff["changes"].as_array().unwrap().is_empty(), "{extra:?}");
        assert_valid(&validator, &diff, &format!("{extra:?}"));
        assert_format_pinned(&validator, &diff, "diff");
    }
    let mut broken: serde_json::Value =
        serde_json::json!({"format": "labelc.diff/v1", "compared": []});
    assert!(
        !errors(&validator, &broken).is_empty(),
        "`changes` is required"
    );
    broken["changes"] = serde_json::json!([{"scheme": "x", "kind": "k", "id": "i", "class": "sideways", "reason": "r"}]);
    assert!(
        !errors(&validator, &broken).is_empty(),
        "an unknown class is accepted"
    );
}

/// Test reports validate: the reference suite with coverage, and a suite
/// whose tests fail (failures with their explanation).
#[test]
fn test_reports_validate() {
    let validator = validator("test");
    let cases: [(&[&str], Option<i32>); 2] = [
        (
            &["test", "policies/", "--format", "json", "--coverage"],
            Some(0),
        ),
        (
            &[
                "test",
                "tests/fixtures/test/failing.policy",
                "--format",
                "json",
            ],
            Some(1),
        ),
    ];
    for (args, code) in cases {
        let out = labelc(args);
        assert_eq!(out.status.code(), code, "{args:?}: {}", text(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid(&validator, &report, &format!("{args:?}"));
        assert_format_pinned(&validator, &report, "test");
    }
    let broken = serde_json::json!({"format": "labelc.test/v1", "passed": 1, "failed": 0, "tests": [{"id": "t"}]});
    assert!(!errors(&validator, &broken).is_empty());
}

/// Check reports validate: the reference policies, and fixtures with errors
/// (diagnostics with labels and help).
#[test]
fn check_reports_validate() {
    let validator = validator("check");
    let mut diagnostics = 0;
    let fixtures = std::fs::read_dir(root().join("tests/fixtures/check")).unwrap();
    let mut paths: Vec<String> = fixtures
        .map(|e| e.unwrap().path().to_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths.push("policies/".to_string());
    for path in &paths {
        let out = labelc(&["check", path, "--format", "json"]);
        assert!(out.status.code().is_some(), "{path}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{path}: {e}: {}", text(&out.stderr)));
        assert_valid(&validator, &report, path);
        assert_format_pinned(&validator, &report, "check");
        diagnostics += report["diagnostics"].as_array().unwrap().len();
    }
    assert!(diagnostics >= paths.len() - 1, "{diagnostics}");
    let broken = serde_json::json!({"format": "labelc.check/v1", "errors": 0, "warnings": 0, "diagnostics": [{"code": "x"}], "summary": {}});
    assert!(!errors(&validator, &broken).is_empty());
}

/// The compiled reference policies carry the rule set's `format`, which the
/// rule set schema pins (tests/compile.rs validates the rest).
#[test]
fn the_rule_set_format_is_pinned() {
    let (path, _) = compiled_policies("schema-rules");
    let rules: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_format_pinned(&validator("rules"), &rules, "rules");
}

/// `relate` reports validate: a relation with witnesses both ways, and one
/// with none.
#[test]
fn relate_reports_validate() {
    let validator = validator("relate");
    for (left, right) in [
        ("etsi_en_303_645#5.1", "ccl#CCL-1.1"),
        ("ccl#CCL-1.1", "ccl#CCL-1.1"),
        ("ccl#CCL-1.2", "ccl:1"),
    ] {
        let out = labelc(&[
            "relate",
            "policies/",
            "--left",
            left,
            "--right",
            right,
            "--as-of",
            "2026-07-01",
            "--format",
            "json",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_format_pinned(&validator, &report, "relate");
    }
    let broken = serde_json::json!({"format": "labelc.relate/v1", "relationship": "equal"});
    assert!(!errors(&validator, &broken).is_empty());
}
