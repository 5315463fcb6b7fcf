//! `labelc eval --jobs N` and `labelc test --jobs N`: the output on several
//! threads is byte for byte the output on one, in input order, errors and
//! their line numbers included (src/eval/batch.rs).

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

mod common;

#[path = "../benches/support/workload.rs"]
mod workload;

use common::{labelc, labelc_with_input};

/// `labelc eval ARGS --jobs N` on `input` for N = 1, 2 and 3: stdout, stderr and
/// the exit status must be the same; returns the one-thread stdout.
fn same_on_every_jobs(args: &[&str], input: &[u8]) -> String {
    let run = |jobs: &str| {
        let mut all = args.to_vec();
        all.extend(["--facts", "-", "--jobs", jobs]);
        labelc_with_input(&all, input)
    };
    let one = run("1");
    assert!(
        !one.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    for jobs in ["2", "3"] {
        let many = run(jobs);
        assert!(
            many.stdout == one.stdout,
            "stdout differs with --jobs {jobs} ({args:?})"
        );
        assert_eq!(
            String::from_utf8_lossy(&many.stderr),
            String::from_utf8_lossy(&one.stderr),
            "--jobs {jobs}"
        );
        assert_eq!(many.status.code(), one.status.code(), "--jobs {jobs}");
    }
    String::from_utf8(one.stdout).unwrap()
}

/// The benchmark workload, with lines that cannot be judged put in: they
/// must keep their place and their line numbers.
#[test]
fn parallel_eval_is_byte_identical_on_the_workload() {
    let mut input = String::new();
    for (i, line) in workload::products(3_000).lines().enumerate() {
        match i {
            700 => input.push_str("{\"id\": \"broken\", \"facts\": \n"),
            1_500 => input.push('\n'),
            2_222 => input.push_str("not json at all\n"),
            _ => {}
        }
        input.push_str(line);
        input.push('\n');
    }
    let policy = std::env::temp_dir().join(format!("labelc-batch-{}.policy", std::process::id()));
    std::fs::write(&policy, workload::policy()).unwrap();
    let policy = policy.to_str().unwrap();
    let base = ["eval", policy, "--scheme", "bench", "--as-of", "2026-11-25"];
    let json = same_on_every_jobs(
        &[&base[..], &["--format", "json"]].concat(),
        input.as_bytes(),
    );
    let lines: Vec<&str> = json.lines().collect();
    // 3,000 products and two bad lines; the blank line is not a product.
    assert_eq!(lines.len(), 3_002);
    assert!(lines[700].contains("\"line\":701") && lines[700].contains("\"error\""));
    assert!(lines[2_223].contains("\"line\":2225") && lines[2_223].contains("\"error\""));
    assert!(lines[0].contains("product-00000000"));
    assert!(lines[3_001].contains("product-00002999"));
    let human = same_on_every_jobs(&[&base[..], &["--explain"]].concat(), input.as_bytes());
    assert!(human.contains("line 2225: error:"));
    std::fs::remove_file(policy).unwrap();
}

/// The reference portfolio against every scheme it names, repeated so that it
/// spans many chunks.
#[test]
fn parallel_eval_is_byte_identical_on_the_reference_portfolio() {
    let portfolio =
        std::fs::read_to_string(common::root().join("policies/examples/portfolio.jsonl")).unwrap();
    let input = portfolio.repeat(100);
    let schemes = ["ccl", "eu_cra", "uk_psti"];
    for scheme in schemes {
        let base = [
            "eval",
            "policies",
            "--scheme",
            scheme,
            "--as-of",
            "2026-11-25",
        ];
        let json = same_on_every_jobs(
            &[&base[..], &["--format", "json", "--explain"]].concat(),
            input.as_bytes(),
        );
        assert_eq!(json.lines().count(), input.lines().count(), "{scheme}");
        same_on_every_jobs(&base, input.as_bytes());
    }
}

#[test]
fn parallel_test_reports_the_same() {
    for format in ["human", "json"] {
        let run = |jobs: &str| {
            labelc(&[
                "test",
                "policies",
                "--coverage",
                "--format",
                format,
                "--jobs",
                jobs,
            ])
        };
        let one = run("1");
        assert_eq!(
            one.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&one.stderr)
        );
        let many = run("3");
        assert!(many.stdout == one.stdout, "{format}");
        assert_eq!(many.status.code(), one.status.code());
    }
}

#[test]
fn jobs_must_be_at_least_one() {
    let out = labelc(&["test", "policies", "--jobs", "0"]);
    assert_eq!(out.status.code(), Some(2));
}
