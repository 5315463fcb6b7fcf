//! `labelc export sql`: requests it must refuse, and how the query addresses
//! facts. That the query's answers equal `eval`'s is the differential test
//! in `tests/sql/` (run by `scripts/suites/sql.sh`).

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use common::labelc;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_unknown_scheme_is_an_error_with_exit_1() {
    let out = labelc(&["export", "sql", "policies/", "--scheme", "sg_clss"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no SQL is written");
    let err = text(&out.stderr);
    assert!(err.contains("sg_clss"), "{err}");
    assert!(err.contains("sg_cls"), "a suggestion: {err}");
}

#[test]
fn spark_refuses_a_file_as_the_products_source() {
    let out = labelc(&[
        "export",
        "sql",
        "policies/",
        "--scheme",
        "sg_cls@2025-04",
        "--dialect",
        "spark",
        "--products",
        "policies/examples/portfolio.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("not a table or view name"), "{err}");
    assert!(err.contains("spark"), "{err}");
}

#[test]
fn a_products_source_that_is_no_name_is_refused() {
    let out = labelc(&[
        "export",
        "sql",
        "policies/",
        "--scheme",
        "sg_cls@2025-04",
        "--products",
        "products; DROP TABLE x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn duckdb_reads_dotted_fact_names_as_keys_not_paths() {
    let out = labelc(&[
        "export",
        "sql",
        "policies/",
        "--scheme",
        "sg_cls@2025-04",
        "--as-of",
        "2026-01-01",
        "--products",
        "portfolio.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sql = text(&out.stdout);
    assert!(sql.contains(r#"'$."default_password.unique"'"#), "{sql}");
    assert!(!sql.contains("'$.default_password.unique'"), "{sql}");
    assert!(sql.contains("read_json('portfolio.jsonl'"), "{sql}");
    assert!(sql.contains("DATE '2026-01-01' AS as_of"), "{sql}");
}

#[test]
fn the_criteria_flag_adds_one_column_per_criterion() {
    let args = [
        "export",
        "sql",
        "policies/",
        "--scheme",
        "sg_cls@2025-04",
        "--as-of",
        "2026-01-01",
    ];
    let plain = text(&labelc(&args).stdout);
    let mut with = args.to_vec();
    with.push("--criteria");
    let full = text(&labelc(&with).stdout);
    assert!(!plain.contains(r#"AS "CLS-PWD""#), "{plain}");
    assert!(full.contains(r#"AS "CLS-PWD""#), "{full}");
}

/// Spark's `RLIKE` searches: a holding pattern must be anchored, or
/// `xuk_psti:1` (or `uk_psti:10` for `:1`) would match what it does not hold.
#[test]
fn holding_patterns_are_anchored_in_every_dialect() {
    for dialect in ["duckdb", "spark"] {
        let out = labelc(&[
            "export",
            "sql",
            "policies/",
            "--scheme",
            "uk_psti@2024-04",
            "--as-of",
            "2025-11-05",
            "--dialect",
            dialect,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let sql = text(&out.stdout);
        let patterns: Vec<&str> = sql
            .split("(h, '")
            .skip(1)
            .chain(sql.split("h RLIKE '").skip(1))
            .filter_map(|rest| rest.split('\'').next())
            .filter(|p| !p.starts_with(':'))
            .collect();
        assert!(!patterns.is_empty(), "{dialect}: {sql}");
        for p in patterns {
            assert!(p.starts_with('^') && p.ends_with('$'), "{dialect}: `{p}`");
        }
    }
}
