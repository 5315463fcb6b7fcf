//! One rule binds an unpinned scheme reference to a version: the version in
//! force on the assessment date, on the command line (`--scheme uk_psti`),
//! in recognitions (`to uk_psti`) and in `test` items alike. So adding a
//! version that takes effect later changes no answer for today.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::path::{Path, PathBuf};

use common::{labelc, labelc_with_input, scratch, text};

/// Copies `policies/` into a scratch directory, so a test can add files.
fn copy_policies(name: &str) -> PathBuf {
    let dir = scratch(name).join("policies");
    copy_dir(&common::root().join("policies"), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Adds `uk_psti@2026-01`, a copy of the reference PSTI version that takes
/// effect on 2027-01-01 and, to be told apart, reads no fact for SCH1-3.
fn add_future_psti(policies: &Path) {
    let current =
        std::fs::read_to_string(policies.join("uk-psti/uk-psti.policy")).expect("the PSTI policy");
    assert!(current.contains("scheme uk_psti@2024-04"));
    assert!(current.contains("effective 2024-04-29"));
    let future = current
        .replace("scheme uk_psti@2024-04", "scheme uk_psti@2026-01")
        .replace("effective 2024-04-29", "effective 2027-01-01");
    std::fs::write(policies.join("uk-psti/uk-psti-2026-01.policy"), future).unwrap();
}

/// A product that meets PSTI only through the credits of recognitions `to
/// uk_psti` (it holds JC-STAR ★1 and gives no PSTI fact).
const CREDITED: &str = r#"{"id": "jp-cam", "category": {"uk_psti": "internet_connectable_products"}, "holds": ["jc_star:1"], "facts": {}}"#;

fn eval(policies: &str, scheme: &str, as_of: &str, input: &str) -> (i32, String, String) {
    let out = labelc_with_input(
        &[
            "eval", policies, "--scheme", scheme, "--as-of", as_of, "--facts", "-", "--format",
            "json",
        ],
        input.as_bytes(),
    );
    (
        out.status.code().unwrap(),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn level(json_line: &str) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_str(json_line.trim()).unwrap();
    value.get("level").cloned().unwrap_or_default()
}

#[test]
fn a_future_version_changes_no_answer_for_today() {
    let policies = copy_policies("future-psti");
    let before = policies.to_str().unwrap().to_string();
    let portfolio =
        std::fs::read_to_string(common::root().join("policies/examples/portfolio.jsonl")).unwrap();
    let with_credit = format!("{portfolio}{CREDITED}\n");

    let old: Vec<_> = ["uk_psti", "sg_cls", "jc_star"]
        .iter()
        .map(|s| eval(&before, s, "2026-11-25", &with_credit))
        .collect();
    // The credited product reaches level 1 through the recognitions today.
    let (_, psti, _) = &old[0];
    let credited_line = psti.lines().find(|l| l.contains("\"jp-cam\"")).unwrap();
    assert_eq!(level(credited_line), 1, "{credited_line}");

    add_future_psti(&policies);
    let new: Vec<_> = ["uk_psti", "sg_cls", "jc_star"]
        .iter()
        .map(|s| eval(&before, s, "2026-11-25", &with_credit))
        .collect();
    for ((old_code, old_out, _), (new_code, new_out, new_err)) in old.iter().zip(&new) {
        assert_eq!(old_code, new_code);
        assert_eq!(
            old_out, new_out,
            "an answer for 2026-11-25 changed; stderr: {new_err}"
        );
    }
    // The note says which version the unpinned id means, and that it is in force.
    let (_, _, note) = &new[0];
    assert!(
        note.contains("`uk_psti` means `uk_psti@2024-04` on 2026-11-25: the version in force then"),
        "{note}"
    );

    // From 2027-01-01 the new version is judged, and the unpinned
    // recognitions credit it: the same product still reaches level 1.
    let (code, out, err) = eval(&before, "uk_psti", "2027-03-01", CREDITED);
    assert_eq!(code, 0, "{err}");
    let value: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(value["scheme"], "uk_psti@2026-01");
    assert_eq!(value["level"], 1, "{out}");
    // An unpinned recognition names the scheme, not a version: pinned to the
    // old version on that date, the product is credited all the same.
    let (_, out, _) = eval(&before, "uk_psti@2024-04", "2027-03-01", CREDITED);
    assert_eq!(level(&out), 1, "{out}");
}

#[test]
fn unpinned_recognitions_compile_without_a_version() {
    let out = labelc(&["compile", "policies/"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let recognitions = rules["recognitions"].as_array().unwrap();
    let by_id = |id: &str| {
        recognitions
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no recognition {id}"))
    };
    // `to uk_psti`: no version recorded, so it means the version in force.
    let unpinned = by_id("jc-star--uk-psti");
    assert_eq!(unpinned["to"]["scheme"], "uk_psti");
    assert!(unpinned["to"].get("version").is_none(), "{unpinned}");
    assert!(unpinned["from"].get("version").is_none(), "{unpinned}");
    // `to ccl@2026-04`: pinned, and kept.
    let pinned = by_id("etsi-5.1--ccl");
    assert_eq!(pinned["to"]["version"], "2026-04");
}

#[test]
fn no_version_in_force_is_said_and_the_next_one_is_judged() {
    let policies = copy_policies("psti-not-yet");
    let dir = policies.to_str().unwrap().to_string();
    add_future_psti(&policies);
    std::fs::remove_file(policies.join("uk-psti/uk-psti.policy")).unwrap();
    std::fs::remove_file(policies.join("uk-psti/tests.policy")).unwrap();
    // Only uk_psti@2026-01 (from 2027-01-01) is left; the recognitions that
    // name `uk_psti` unpinned still resolve.
    let (code, out, err) = eval(&dir, "uk_psti", "2026-11-25", CREDITED);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("no version of `uk_psti` is in force on 2026-11-25; judging `uk_psti@2026-01`, which takes effect on 2027-01-01"),
        "{err}"
    );
    assert!(!err.contains("the version in force then"), "{err}");
    let value: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(value["scheme"], "uk_psti@2026-01");
    assert_eq!(value["in_scope"], false);
    // The explanation blames the scheme, not the category.
    let out = labelc_with_input(
        &[
            "eval",
            &dir,
            "--scheme",
            "uk_psti",
            "--as-of",
            "2026-11-25",
            "--facts",
            "-",
            "--explain",
        ],
        CREDITED.as_bytes(),
    );
    let explained = text(&out.stdout);
    assert!(
        explained.contains("not in scope yet: `uk_psti@2026-01` takes effect on 2027-01-01"),
        "{explained}"
    );
    assert!(!explained.contains("category"), "{explained}");
}

/// An unpinned recognition credits both versions of its scheme, so `diff`
/// reports no recognition change between them: it did not move.
#[test]
fn unpinned_recognitions_do_not_move_between_versions_in_diff() {
    let out = labelc(&[
        "diff",
        "policies/",
        "--from",
        "sg_cls@2020-10",
        "--to",
        "sg_cls@2025-04",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = diff.get("changes").and_then(|c| c.as_array()).unwrap();
    assert!(!changes.is_empty(), "the two CLS wordings differ");
    let recognition_changes: Vec<_> = changes
        .iter()
        .filter(|c| {
            c.get("kind")
                .and_then(|k| k.as_str())
                .is_some_and(|k| k.starts_with("recognition"))
        })
        .collect();
    assert!(recognition_changes.is_empty(), "{recognition_changes:#?}");
}
