//! `labelc test`: the runner on fixture suites (passing, failing, ill-typed,
//! coverage) and on the reference policies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::{labelc, root, scratch, text};

const SUITE: &str = "tests/fixtures/test/suite.policy";
const FAILING: &str = "tests/fixtures/test/failing.policy";
const TYPE_ERROR: &str = "tests/fixtures/test/type_error.policy";
const HELD: &str = "tests/fixtures/test/held.policy";
const HOLDINGS: &str = "tests/fixtures/test/holdings.policy";

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = labelc(args);
    let value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)));
    (out.status.code(), value)
}

#[test]
fn a_passing_suite() {
    let out = labelc(&["test", SUITE]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.ends_with("\n3 passed, 0 failed\n"), "{report}");
    assert_eq!(report.matches(" ... ok\n").count(), 3);
    insta::assert_snapshot!("passing_suite", report);
}

#[test]
fn each_kind_of_failing_expectation_is_explained() {
    let out = labelc(&["test", FAILING]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.ends_with("\n0 passed, 3 failed\n"), "{report}");
    // A level: the next level's deciding criterion, with the fact value.
    assert!(report.contains("expected level 1, got none"));
    assert!(report.contains("✗ M-2 fail: Two years of updates"));
    assert!(report.contains("(update.support_months = 12)"));
    // Reachable: the unknown criteria that keep the level open.
    assert!(report.contains("expected reachable 1, got 2"));
    assert!(report.contains("? M-3 unknown"));
    // A criterion: its outcome and the sub-expression that decided it.
    assert!(report.contains("expected criterion M-3 pass, got fail"));
    assert!(report.contains("`interfaces contains \"telnet\"` is true"));
    // Each failure points at the expectation that did not hold.
    assert!(report.contains("tests/fixtures/test/failing.policy:51:5: expected level 1"));
    insta::assert_snapshot!("failing_suite", report);

    let (code, report) = json(&["test", FAILING, "--format", "json"]);
    assert_eq!(code, Some(1));
    assert_eq!(report["format"], "labelc.test/v1");
    assert_eq!(report["passed"], 0);
    assert_eq!(report["failed"], 3);
    let failures: Vec<&serde_json::Value> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["failures"].as_array().unwrap())
        .collect();
    assert_eq!(failures.len(), 3);
    assert!(
        failures
            .iter()
            .all(|f| f["location"]["line"].as_u64().unwrap() > 0)
    );
}

#[test]
fn a_type_error_inside_a_test_is_a_diagnostic_and_nothing_runs() {
    let out = labelc(&["test", TYPE_ERROR]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "a test ran: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    for (code, count) in [
        ("labelc::check::type_mismatch", 3),
        ("labelc::check::unknown_variant", 1),
        ("labelc::check::missing_field", 2),
        ("labelc::resolve::unknown_fact", 1),
        ("labelc::resolve::unknown_category", 1),
        ("labelc::resolve::unknown_criterion", 1),
        ("labelc::resolve::unknown_level", 2),
        ("labelc::syntax::duplicate_field", 1),
    ] {
        assert_eq!(stderr.matches(code).count(), count, "{code} in:\n{stderr}");
    }
    assert!(stderr.contains("error: 12 errors in the policies; no test was run"));
    assert!(stderr.contains("`update.support_months` is `int` but is given a decimal number"));
    assert!(stderr.contains("did you mean `password.unique`?"));
    insta::assert_snapshot!("type_error", stderr);
    // `labelc check` reports the same errors: tests are checked like any item.
    let check = labelc(&["check", TYPE_ERROR]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("12 errors, 0 warnings"));
}

#[test]
fn the_coverage_table_of_a_small_scheme() {
    // Two of the three tests: M-1 and M-2 are never seen not met.
    let out = labelc(&["test", SUITE, "--filter", "device", "--coverage"]);
    assert_eq!(out.status.code(), Some(0));
    let report = text(&out.stdout);
    assert!(report.contains("2 passed, 0 failed"), "{report}");
    assert!(report.contains("mini@1 not covered: M-1 (never not met), M-2 (never not met)"));
    assert!(report.contains("total: 33.3% of criteria covered both ways"));
    insta::assert_snapshot!("coverage_table", report);

    let (code, report) = json(&["test", SUITE, "--coverage", "--format", "json"]);
    assert_eq!(code, Some(0));
    let coverage = &report["coverage"];
    assert_eq!(coverage["percent"], 100.0);
    let mini = &coverage["schemes"][0];
    assert_eq!(mini["scheme"], "mini@1");
    assert_eq!(mini["tests"], 3);
    assert_eq!(mini["covered"], 3);
    let reached: Vec<bool> = mini["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["reached"].as_bool().unwrap())
        .collect();
    assert_eq!(reached, [true, true]);
}

#[test]
fn min_coverage_gates_the_exit_status() {
    let below = labelc(&["test", SUITE, "--filter", "device", "--min-coverage", "40"]);
    assert_eq!(below.status.code(), Some(1));
    assert!(
        text(&below.stderr)
            .contains("33.3% of criteria are covered both ways, below --min-coverage 40")
    );
    let above = labelc(&[
        "test",
        SUITE,
        "--filter",
        "device",
        "--min-coverage",
        "33.3",
    ]);
    assert_eq!(above.status.code(), Some(0));
    let bad = labelc(&["test", SUITE, "--min-coverage", "120"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn filter_runs_only_matching_tests() {
    let out = labelc(&["test", SUITE, "--filter", "unknown-updates"]);
    assert_eq!(out.status.code(), Some(0));
    let report = text(&out.stdout);
    assert_eq!(report.matches("test ").count(), 1, "{report}");
    assert!(report.contains("1 passed, 0 failed"));
}

#[test]
fn an_unpinned_scheme_is_the_version_in_force_on_as_of() {
    let dir = scratch("suite-versions");
    let policy = "fact ok: bool\n\
        scheme v@1 { title \"one\" status in_force effective 2026-01-01 category c { title \"C\" }\n\
          criterion A { title \"a\" condition ok } level 1 { title \"L\" require A } }\n\
        scheme v@2 { title \"two\" status in_force effective 2027-01-01 category c { title \"C\" }\n\
          criterion B { title \"b\" condition ok } level 1 { title \"L\" require B } }\n\
        test early { scheme v category c as_of 2026-06-01 facts { ok = true } expect criterion A pass }\n\
        test late { scheme v category c as_of 2027-06-01 facts { ok = true } expect criterion B pass }\n";
    std::fs::write(dir.join("v.policy"), policy).unwrap();
    let out = labelc(&["test", dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let report = text(&out.stdout);
    assert!(report.contains("test early (v@1) ... ok"));
    assert!(report.contains("test late (v@2) ... ok"));
}

#[test]
fn the_reference_policies_pass_their_tests() {
    let out = labelc(&["test", "policies/", "--coverage"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    assert!(report.contains(" 0 failed\n"));
    // Every scheme version has tests.
    let rows = report
        .lines()
        .skip_while(|l| !l.starts_with("coverage"))
        .skip(2)
        .take_while(|l| !l.starts_with("  levels in parentheses"));
    for row in rows {
        let tests: usize = row.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(tests > 0, "no tests for {row}");
    }
}

#[test]
fn changing_a_threshold_in_a_reference_policy_fails_a_test_naming_the_criterion() {
    let dir = scratch("suite-threshold");
    let policies = dir.join("policies");
    copy_dir(&root().join("policies"), &policies);
    let file = policies.join(THRESHOLD.0);
    let original = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        original.matches(THRESHOLD.1).count(),
        1,
        "threshold not found"
    );
    std::fs::write(&file, original.replace(THRESHOLD.1, THRESHOLD.2)).unwrap();
    let out = labelc(&["test", policies.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("FAILED"));
    assert!(
        report.contains(&format!("{} fail", THRESHOLD.3)),
        "the explanation does not name {}:\n{report}",
        THRESHOLD.3
    );
}

/// (file under policies/, the condition as written, the changed condition,
/// the criterion it belongs to)
const THRESHOLD: (&str, &str, &str, &str) = (
    "eu-cra/eu-cra.policy",
    "cra.reporting.early_warning_hours <= 24",
    "cra.reporting.early_warning_hours <= 12",
    "ART14-EW",
);

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// `holds src:2` holds level 2 and `holds src#2` criterion `2`: each
/// credits only the recognition that starts from it.
#[test]
fn tests_hold_a_level_or_a_criterion_never_both() {
    let out = labelc(&["test", HELD]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    assert!(report.ends_with("\n3 passed, 0 failed\n"), "{report}");
}

/// A malformed or unknown holding in a test is an error before any test
/// runs, with the fix.
#[test]
fn every_mistake_in_holds_is_reported_before_any_test_runs() {
    let out = labelc(&["test", HOLDINGS]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "a test ran: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    for (code, count) in [
        ("labelc::resolve::unknown_level", 2),
        ("labelc::resolve::unknown_criterion", 1),
        ("labelc::syntax::invalid_number", 1),
        ("labelc::resolve::unknown_scheme", 1),
        ("labelc::resolve::unknown_version", 1),
    ] {
        assert_eq!(stderr.matches(code).count(), count, "{code} in:\n{stderr}");
    }
    assert!(
        stderr.contains("help: to hold criterion C-1 write `src#C-1`"),
        "{stderr}"
    );
    assert!(stderr.contains("help: did you mean `C-1`?"), "{stderr}");
    assert!(stderr.contains("error: 6 errors in the policies; no test was run"));
    insta::assert_snapshot!("holdings_errors", stderr);
}
