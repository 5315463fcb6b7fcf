//! The binary end to end: exit codes, stdout and stderr. The exit contract
//! every subcommand shares, and closed pipes, are in `tests/cli_exits.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn reference_policies_check_clean() {
    let out = labelc(&["check", "policies/"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "diagnostics on clean policies: {stderr}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ccl@2026-04"), "{stdout}");
    assert!(stdout.contains("0 errors, 0 warnings"), "{stdout}");
    assert!(
        stdout.contains("pending ("),
        "pending items are listed: {stdout}"
    );
    // And with warnings denied.
    assert_eq!(
        labelc(&["check", "--deny-warnings", "policies/"])
            .status
            .code(),
        Some(0)
    );
}

/// Applies `from → to` to the text, failing loudly if `from` is not there.
fn mutate(text: &mut String, from: &str, to: &str) {
    assert!(
        text.contains(from),
        "the reference policy no longer contains {from:?}"
    );
    *text = text.replacen(from, to, 1);
}

#[test]
fn three_unrelated_mistakes_are_all_reported() {
    let dir = scratch("three");
    let mut policy =
        std::fs::read_to_string(root().join("policies/ccl/ccl-2026-04.policy")).unwrap();
    mutate(
        &mut policy,
        "condition filing.current",
        "condition filing.current ==",
    );
    mutate(
        &mut policy,
        "require CCL-3.1, CCL-3.2",
        "require CCL-3.1, CCL-3.3",
    );
    mutate(
        &mut policy,
        "condition security_parameters.protected",
        "condition security_parameters.protected == \"yes\"",
    );
    std::fs::write(dir.join("ccl.policy"), policy).unwrap();
    let vocabulary = root().join("policies/vocabulary");
    let out = Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args(["check", "--format", "json"])
        .arg(&vocabulary)
        .arg(dir.join("ccl.policy"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    // Errors only: the wrong `require` also leaves `CCL-3.2` in no level, a true warning.
    let diagnostics: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "labelc::syntax::unexpected",
            "labelc::check::type_mismatch",
            "labelc::resolve::unknown_criterion"
        ],
        "in source order"
    );
    assert_eq!(report["errors"], 3);
    for d in &diagnostics {
        assert!(d["line"].as_u64().unwrap() > 0);
        assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()));
        assert!(d["span"]["end"].as_u64() >= d["span"]["start"].as_u64());
    }
    assert!(
        diagnostics[2]["help"].as_str().unwrap().contains("CCL-3.2"),
        "did you mean"
    );

    // The human rendering carries the same three.
    let human = Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args(["check"])
        .arg(&vocabulary)
        .arg(dir.join("ccl.policy"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(1));
    let stderr = text(&human.stderr);
    for code in codes {
        assert_eq!(stderr.matches(code).count(), 1, "{code} in {stderr}");
    }
    assert!(text(&human.stdout).contains("3 errors"));
}

#[test]
fn json_output_parses_and_matches_the_human_output() {
    let fixture = "tests/fixtures/check/type_mismatch.policy";
    let json = labelc(&["check", "--format", "json", fixture]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let human = labelc(&["check", fixture]);
    let stderr = text(&human.stderr);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        for key in [
            "code", "severity", "message", "file", "line", "column", "span", "labels", "help",
        ] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
        assert!(stderr.contains(d["message"].as_str().unwrap()));
        assert_eq!(d["file"], fixture);
    }
    assert_eq!(
        report["errors"].as_u64().unwrap() as usize,
        stderr.matches("  × ").count()
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    let a = labelc(&["check", "--format", "json", "tests/fixtures", "policies"]);
    let b = labelc(&["check", "--format", "json", "tests/fixtures", "policies"]);
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
}

#[test]
fn warnings_pass_unless_denied() {
    let fixture = "tests/fixtures/check/unused_fact.policy";
    let out = labelc(&["check", fixture]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("labelc::check::unused_fact"));
    assert_eq!(
        labelc(&["check", "--deny-warnings", fixture]).status.code(),
        Some(1)
    );
}

#[test]
fn missing_file_is_a_clear_io_error() {
    let out = labelc(&["check", "no/such/file.policy"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`no/such/file.policy` does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
}

#[test]
fn directory_without_policies_is_a_usage_error() {
    let dir = scratch("empty");
    let out = labelc(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("holds no `*.policy` files"));
}

#[test]
fn no_paths_is_a_usage_error() {
    assert_eq!(labelc(&["check"]).status.code(), Some(2));
    assert_eq!(labelc(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(root().join("tests/fixtures/ok/minimal.policy")).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("demo@1"));
}

#[test]
fn help_documents_exit_codes() {
    let out = labelc(&["check", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(help.contains("Exit status"));
    assert!(help.contains("--deny-warnings"));
}

#[test]
fn check_writes_sarif_for_code_scanning() {
    let fixture = "tests/fixtures/resolve/duplicate_definition.policy";
    let out = labelc(&["check", "--format", "sarif", fixture]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // It is a SARIF 2.1.0 log that a SARIF reader accepts.
    assert_eq!(log["version"], "2.1.0");
    let typed: Result<serde_sarif::sarif::Sarif, _> = serde_json::from_value(log.clone());
    assert!(typed.is_ok(), "{typed:?}");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), labelc::diag::Code::ALL.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["ruleId"], "labelc::resolve::duplicate_definition");
    let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
    assert_eq!(rules[index]["id"], result["ruleId"]);
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(16), Some(13))
    );
    assert_eq!(result["relatedLocations"].as_array().unwrap().len(), 1);
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        8
    );
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("\nhelp: ")
    );
    // Clean input: an empty run, exit 0.
    let clean = labelc(&["check", "--format", "sarif", "tests/fixtures/ok"]);
    assert_eq!(clean.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn the_rule_set_is_the_same_wherever_labelc_runs() {
    let absolute = root().join("policies");
    let run = |dir: &std::path::Path, path: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_labelc"))
            .args(["compile", path])
            .current_dir(dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{path}: {}", text(&out.stderr));
        out.stdout
    };
    let reference = run(root(), "policies");
    for (dir, path) in [
        (root().to_path_buf(), "./policies"),
        (root().to_path_buf(), "policies/"),
        (root().to_path_buf(), absolute.to_str().unwrap()),
        (absolute.clone(), "."),
        (root().join("tests"), "../policies"),
        (std::env::temp_dir(), absolute.to_str().unwrap()),
    ] {
        // Byte-identical: `digest`, `sources[].path` and every `location.file`.
        assert!(
            run(&dir, path) == reference,
            "`labelc compile {path}` in {} differs from `labelc compile policies`",
            dir.display()
        );
    }
    let rules: serde_json::Value = serde_json::from_slice(&reference).unwrap();
    let paths: Vec<&str> = rules["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    // Relative to the directory given, `/`-separated.
    assert!(paths.contains(&"ccl/ccl-2026-04.policy"), "{paths:?}");
    let ccl = rules["schemes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ccl" && s["version"] == "2026-04")
        .unwrap();
    assert_eq!(
        ccl["criteria"][0]["location"]["file"],
        "ccl/ccl-2026-04.policy"
    );
    // A file given by itself is recorded by its name.
    let file = root().join("tests/fixtures/ok/minimal.policy");
    let one = run(root(), "tests/fixtures/ok/minimal.policy");
    assert_eq!(one, run(&std::env::temp_dir(), file.to_str().unwrap()));
    let one: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(one["sources"][0]["path"], "minimal.policy");
    // Diagnostics keep the path as typed: they are for the person who typed it.
    let out = labelc(&[
        "check",
        "--format",
        "json",
        "./tests/fixtures/check/unused_fact.policy",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["diagnostics"][0]["file"],
        "./tests/fixtures/check/unused_fact.policy"
    );
}

/// The `--format` values listed by `labelc SUB --help`, as (value, description).
fn format_values(sub: &str) -> Vec<(String, String)> {
    let out = labelc(&[sub, "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    let start = help.find("--format <FORMAT>").expect("a --format option");
    help[start..]
        .lines()
        .skip_while(|l| !l.contains("Possible values:"))
        .skip(1)
        .take_while(|l| !l.contains("[default:"))
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter_map(|l| l.split_once(':'))
        .map(|(v, d)| (v.to_string(), d.trim().to_string()))
        .collect()
}

#[test]
fn help_says_where_each_format_writes() {
    for (sub, expected) in [
        ("check", &["human", "json", "sarif"][..]),
        ("eval", &["human", "json"]),
        ("plan", &["markdown", "json"]),
        ("diff", &["human", "json"]),
        ("test", &["human", "json"]),
    ] {
        let values = format_values(sub);
        let names: Vec<&str> = values.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(names, expected, "{sub}");
        for (value, description) in &values {
            assert!(
                description.contains("stdout"),
                "`{sub} --format {value}` does not say where it writes: {description}"
            );
        }
    }
    // `eval --format json` writes JSON Lines, one object per product, not one document.
    let eval = format_values("eval");
    let json = &eval.iter().find(|(v, _)| v == "json").unwrap().1;
    assert!(json.contains("JSON Lines"), "{json}");
    assert!(!json.contains("document"), "{json}");
    // And it does: one line per product, each a JSON object.
    let out = labelc(&[
        "eval",
        "tests/fixtures/eval/rules.policy",
        "--scheme",
        "demo",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
        "--facts",
        "tests/fixtures/eval/products.jsonl",
    ]);
    let stdout = text(&out.stdout);
    let products = std::fs::read_to_string(root().join("tests/fixtures/eval/products.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(stdout.lines().count(), products, "{stdout}");
    for line in stdout.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap()
                .is_object()
        );
    }
}

#[test]
fn partial_credit_is_reported_alike_in_human_and_json_and_never_on_a_criterion_that_does_not_apply()
{
    let dir = scratch("partial-credit");
    let mut policy =
        std::fs::read_to_string(root().join("tests/fixtures/eval/rules.policy")).unwrap();
    // `CAM` applies to cameras only: for a product of the parent category it does not apply.
    policy.push_str(
        "\nrecognition other--demo-partial {\n  from other@1 level 1\n  to demo@1\n  \
         relationship intersects_with\n  credit partial\n  status official\n  credits CAM, AND\n}\n",
    );
    let policy_path = dir.join("rules.policy");
    std::fs::write(&policy_path, policy).unwrap();
    let product = dir.join("product.json");
    std::fs::write(
        &product,
        r#"{"id":"dev","category":"devices","holds":["other:1"],"facts":{"a":true,"b":false}}"#,
    )
    .unwrap();
    let run = |format: &str| {
        let out = labelc(&[
            "eval",
            policy_path.to_str().unwrap(),
            "--scheme",
            "demo",
            "--as-of",
            "2026-11-25",
            "--explain",
            "--format",
            format,
            "--facts",
            product.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let criteria = json["criteria"].as_array().unwrap();
    let by_id = |id: &str| criteria.iter().find(|c| c["id"] == id).unwrap();
    assert_eq!(by_id("CAM")["outcome"], "not_applicable");
    assert_eq!(by_id("AND")["outcome"], "fail");
    // The pairs (criterion, outcome, recognition) JSON reports...
    let mut from_json: Vec<String> = criteria
        .iter()
        .flat_map(|c| {
            c["partially_credited_by"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |r| {
                    format!(
                        "{} ({}) by {}",
                        c["id"].as_str().unwrap(),
                        c["outcome"].as_str().unwrap().replace('_', " "),
                        r.as_str().unwrap()
                    )
                })
        })
        .collect();
    from_json.sort();
    assert_eq!(from_json, ["AND (fail) by other--demo-partial"]);
    // ... are the ones the human report shows.
    let human = run("human");
    let mut from_human: Vec<String> = human
        .lines()
        .filter_map(|l| l.trim().strip_prefix("partially credited: "))
        .map(str::to_string)
        .collect();
    from_human.sort();
    assert_eq!(from_human, from_json, "{human}");
    // The failing criterion of the next level says so where it is listed.
    assert!(
        human.contains("✗ AND fail: a and b\n        partially credited by other--demo-partial"),
        "{human}"
    );
}
