//! Outputs people read: the verdict and layout of a Markdown plan, checked
//! against the JSON plan for the same request (issue 22).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::{labelc, text};

const PLAN_FIXTURE: &str = "tests/fixtures/plan/rules.policy";

/// Runs `labelc` with `args` in Markdown and in JSON; returns both.
fn plan(policy: &str, extra: &[&str]) -> (String, serde_json::Value) {
    let mut args = vec!["plan", policy, "--as-of", "2026-11-25"];
    args.extend_from_slice(extra);
    let md = labelc(&args);
    assert_eq!(md.status.code(), Some(0), "{}", text(&md.stderr));
    args.extend_from_slice(&["--format", "json"]);
    let json = labelc(&args);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    (
        text(&md.stdout),
        serde_json::from_slice(&json.stdout).unwrap(),
    )
}

fn facts(name: &str, body: &str) -> String {
    let dir = common::scratch(name);
    let path = dir.join("product.json");
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_string()
}

/// With facts that fail a level-1 criterion, the plan says the target is
/// unreachable and why, before any section.
#[test]
fn a_plan_opens_with_its_verdict() {
    let f = facts(
        "outputs-verdict",
        r#"{"id": "cam", "category": "camera", "facts": {"pw.unique": true, "updates.provided": false}}"#,
    );
    let (md, json) = plan(
        PLAN_FIXTURE,
        &["--scheme", "alpha", "--category", "camera", "--facts", &f],
    );
    let failed: Vec<&str> = json["schemes"][0]["decided"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "fail")
        .map(|d| d["criterion"].as_str().unwrap())
        .collect();
    assert!(!failed.is_empty());
    let verdict = md.lines().find(|l| l.starts_with("**Verdict**")).unwrap();
    assert!(verdict.contains("level 3 is **unreachable**"), "{verdict}");
    for id in &failed {
        assert!(verdict.contains(&format!("{id} fails")), "{verdict}");
    }
    assert!(verdict.contains("Reachable: no level"), "{verdict}");
    // The verdict comes before the first section of the scheme.
    assert!(md.find("**Verdict**").unwrap() < md.find("### Scope").unwrap());
    // Effort by method counts the work the JSON lists.
    let work: usize = json["schemes"][0]["work"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["criteria"].as_array().unwrap().len())
        .sum();
    assert!(verdict.contains(&format!("{work} criteria (")), "{verdict}");
}

/// Without facts the target is reachable; a pending criterion is said in the
/// verdict, marked in the work, and not repeated under open items.
#[test]
fn a_pending_criterion_is_listed_once() {
    let (md, json) = plan(PLAN_FIXTURE, &["--scheme", "alpha", "--category", "camera"]);
    let verdict = md.lines().find(|l| l.starts_with("**Verdict**")).unwrap();
    assert!(verdict.contains("level 3 is reachable"), "{verdict}");
    assert!(verdict.contains("1 criterion open (`A-7`)"), "{verdict}");
    assert!(
        json["schemes"][0]["open_items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "A-7")
    );
    assert_eq!(md.matches("implementation rules not published").count(), 1);
    assert!(!md.contains("criterion `A-7`:"));
}

/// A long document string is given once, under Sources; each work line cites
/// it by number with its locator.
#[test]
fn citations_name_their_document_once() {
    let (md, json) = plan(PLAN_FIXTURE, &["--scheme", "alpha", "--category", "camera"]);
    let cited = json["schemes"][0]["work"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["criteria"].as_array().unwrap())
        .filter(|c| c["citation"].is_string())
        .count();
    assert!(cited > 1);
    assert_eq!(md.matches("A-1/2026").count(), 1, "{md}");
    assert!(md.contains("## Sources\n\n1. A-1/2026"));
    assert_eq!(md.matches("— [1] Art.").count(), cited);
}

/// A credit whose recognition rests on a secondary source says so, in the
/// JSON `basis` and on the Markdown credit line.
#[test]
fn a_credit_shows_its_basis() {
    let dir = common::scratch("outputs-credit-basis");
    let policy = std::fs::read_to_string(PLAN_FIXTURE).unwrap().replace(
        "  source \"Beta-Alpha arrangement\"\n  condition cert.valid",
        "  source \"Beta-Alpha arrangement\"\n  basis secondary \"a trade press report\"\n  condition cert.valid",
    );
    assert!(policy.contains("basis secondary"));
    let path = dir.join("rules.policy");
    std::fs::write(&path, policy).unwrap();
    let (md, json) = plan(
        path.to_str().unwrap(),
        &[
            "--scheme",
            "alpha",
            "--category",
            "camera",
            "--holding",
            "beta:1",
        ],
    );
    let credit = json["schemes"][0]["credits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "A-1")
        .unwrap();
    assert_eq!(credit["by"][0]["basis"], "secondary");
    let row = md.lines().find(|l| l.starts_with("| A-1 |")).unwrap();
    assert!(row.contains("| official, on a secondary basis |"), "{row}");
    // The partial credit rests on the official text and says nothing more.
    let row = md.lines().find(|l| l.starts_with("| A-2 |")).unwrap();
    assert!(row.contains("| official |"), "{row}");
}

/// A policy with one error (an unknown fact) and what `check` prints for it.
fn broken_policy(name: &str) -> String {
    let dir = common::scratch(name);
    let path = dir.join("broken.policy");
    let policy = std::fs::read_to_string(PLAN_FIXTURE).unwrap().replacen(
        "pentest.passed",
        "pentest.pased",
        1,
    );
    std::fs::write(&path, policy).unwrap();
    path.to_str().unwrap().to_string()
}

/// `check` prints the summary (with the pending list) first and ends with a
/// count line after the diagnostics, so the errors stay on screen.
#[test]
fn check_ends_with_the_counts_after_the_diagnostics() {
    let path = broken_policy("outputs-check");
    let json = labelc(&["check", &path, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let errors = json["errors"].as_u64().unwrap();
    let warnings = json["warnings"].as_u64().unwrap();
    assert!(errors >= 1);
    let out = labelc(&["check", &path]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let last = stderr.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "{}, {}",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        )
    );
    assert!(stderr.contains("pentest.pased"), "{stderr}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("pending ("), "{stdout}");
}

/// `check --quiet` prints the diagnostics and nothing else.
#[test]
fn check_quiet_prints_only_the_diagnostics() {
    let path = broken_policy("outputs-check-quiet");
    let out = labelc(&["check", "--quiet", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("pentest.pased"), "{stderr}");
    assert!(!stderr.contains(" warning"), "{stderr}");
    assert!(
        !stderr.lines().last().unwrap().contains(" error"),
        "{stderr}"
    );
    // A clean policy prints nothing at all.
    let out = labelc(&["check", "-q", PLAN_FIXTURE]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "");
}

/// `diff` shows each change's old and new values, and the schemes that did
/// not change in one line.
#[test]
fn diff_shows_old_and_new_values_and_summarises_unchanged_schemes() {
    let dir = common::scratch("outputs-diff");
    let new = dir.join("new.policy");
    let policy = std::fs::read_to_string(PLAN_FIXTURE).unwrap().replacen(
        "effective 2026-01-01",
        "effective 2026-02-01",
        1,
    );
    std::fs::write(&new, policy).unwrap();
    let new = new.to_str().unwrap();
    let json = labelc(&["diff", PLAN_FIXTURE, new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let change = &json["changes"][0];
    assert_eq!(json["changes"].as_array().unwrap().len(), 1);
    let out = labelc(&["diff", PLAN_FIXTURE, new]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let human = text(&out.stdout);
    let values = format!(
        "      `{}` → `{}`\n",
        change["old"].as_str().unwrap(),
        change["new"].as_str().unwrap()
    );
    assert!(human.contains(&values), "{human}");
    let compared: Vec<&str> = json["compared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(compared.len(), 2);
    let changed_scheme = change["scheme"].as_str().unwrap();
    for c in compared {
        if c.starts_with(&format!("{changed_scheme}@")) {
            assert!(human.contains(&format!("compared {c}\n")), "{human}");
        } else {
            assert!(
                human.contains(&format!("unchanged: 1 scheme ({c})\n")),
                "{human}"
            );
            assert!(!human.contains(&format!("compared {c}")), "{human}");
        }
    }
}
