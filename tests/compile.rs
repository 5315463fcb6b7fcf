//! `labelc compile` and `labelc schema`: deterministic output, atomic
//! writes, the committed schema, and the compiled policies against it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::*;

#[test]
fn compile_is_byte_identical_across_runs() {
    let a = labelc(&["compile", "policies/"]);
    let b = labelc(&["compile", "policies/"]);
    assert_eq!(a.status.code(), Some(0));
    assert!(a.stdout.len() > 1000);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn committed_schema_is_the_generated_one() {
    let out = labelc(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed = std::fs::read_to_string(root().join("schema/rules.schema.json")).unwrap();
    assert!(
        committed == String::from_utf8(out.stdout).unwrap(),
        "schema/rules.schema.json is stale: run `cargo run -- schema > schema/rules.schema.json`"
    );
}

fn validate(instance: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/rules.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn compiled_policies_validate_against_the_schema() {
    for paths in [
        &["policies/"][..],
        &["tests/fixtures/eval/rules.policy"][..],
    ] {
        let mut args = vec!["compile"];
        args.extend_from_slice(paths);
        let out = labelc(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = validate(&value);
        assert!(errors.is_empty(), "{paths:?}: {errors:#?}");
        // And the schema is not vacuous: a broken rule set fails it.
        let mut broken = value.clone();
        broken["schemes"][0]["levels"][0]["rank"] = serde_json::json!("one");
        assert!(!validate(&broken).is_empty());
    }
}

#[test]
fn compiled_json_reads_back_to_the_same_rule_set() {
    let out = labelc(&["compile", "policies/"]);
    let rules: labelc::rules::RuleSet = serde_json::from_slice(&out.stdout).unwrap();
    let again = serde_json::to_string_pretty(&rules).unwrap() + "\n";
    assert_eq!(again.as_bytes(), out.stdout.as_slice());
    assert_eq!(rules.format, labelc::rules::FORMAT);
    assert_eq!(rules.digest.len(), 64);
    let ccl = rules.schemes.iter().find(|s| s.id == "ccl").unwrap();
    assert_eq!(ccl.levels.len(), 3);
    // Levels carry what they require with includes followed.
    assert!(ccl.levels[2].requires_all.len() > ccl.levels[0].requires_all.len());
    // Every condition's slot points at its fact.
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut stack = vec![&json];
    let mut seen = 0;
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let (Some(name), Some(slot)) = (map.get("name"), map.get("slot")) {
                    assert_eq!(
                        rules.facts[slot.as_u64().unwrap() as usize].name,
                        name.as_str().unwrap()
                    );
                    seen += 1;
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    assert!(seen > 10, "only {seen} fact references");
}

#[test]
fn output_file_is_written_atomically_and_not_on_errors() {
    let dir = scratch("atomic");
    let target = dir.join("rules.json");
    let target_str = target.to_str().unwrap();
    let out = labelc(&["compile", "policies/", "-o", target_str]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let written = std::fs::read(&target).unwrap();
    assert_eq!(written, labelc(&["compile", "policies/"]).stdout);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

    // Input with errors: exit 1, and the existing file is untouched.
    let out = labelc(&[
        "compile",
        "tests/fixtures/check/type_mismatch.policy",
        "-o",
        target_str,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("labelc::check::type_mismatch"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read(&target).unwrap(), written);

    // A fresh path is not created on errors either.
    let fresh = dir.join("fresh.json");
    let out = labelc(&[
        "compile",
        "tests/fixtures/check/type_mismatch.policy",
        "-o",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.exists());
}

#[test]
fn eval_reads_a_compiled_rule_set_like_the_sources() {
    let dir = scratch("compiled");
    let compiled = dir.join("rules.json");
    assert_eq!(
        labelc(&[
            "compile",
            "tests/fixtures/eval/rules.policy",
            "-o",
            compiled.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let facts = "tests/fixtures/eval/products.jsonl";
    let common = [
        "--scheme",
        "demo",
        "--as-of",
        "2026-11-25",
        "--facts",
        facts,
        "--format",
        "json",
        "--explain",
    ];
    let mut from_sources = vec!["eval", "tests/fixtures/eval/rules.policy"];
    from_sources.extend(common);
    let mut from_json = vec!["eval", compiled.to_str().unwrap()];
    from_json.extend(common);
    let a = labelc(&from_sources);
    let b = labelc(&from_json);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(String::from_utf8_lossy(&a.stdout).lines().count(), 9);
}

#[test]
fn a_hand_broken_rule_set_is_an_error_not_a_crash() {
    let dir = scratch("broken");
    let out = labelc(&["compile", "tests/fixtures/eval/rules.policy"]);
    let mut json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["schemes"][0]["criteria"][0]["condition"]["args"][0]["fact"]["slot"] =
        serde_json::json!(999);
    let path = dir.join("broken.json");
    let eval_stderr = |content: &[u8]| {
        std::fs::write(&path, content).unwrap();
        let out = labelc(&[
            "eval",
            path.to_str().unwrap(),
            "--scheme",
            "demo",
            "--facts",
            "tests/fixtures/eval/products.jsonl",
        ]);
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = eval_stderr(&serde_json::to_vec(&json).unwrap());
    assert!(stderr.contains("cannot be evaluated"), "{stderr}");
    let stderr = eval_stderr(b"{\"format\": \"something else\"}");
    assert!(stderr.contains("is not a labelc rule set"), "{stderr}");
}
