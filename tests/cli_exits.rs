//! The binary end to end, the exit contract: every subcommand exits 0, 1 or
//! 2 as its `--help` says, and a closed stdout or stderr ends it quietly.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::*;
use std::process::{Command, Stdio};

/// A policy file with a syntax error: an error in the input for every subcommand.
const BROKEN: &str = "tests/fixtures/syntax/unexpected.policy";

#[test]
fn every_subcommand_follows_one_exit_contract() {
    let camera = "tests/fixtures/eval/ccl-camera.json";
    let date = "--as-of=2026-11-25";
    let cases: &[(&[&str], i32)] = &[
        // 1: the input has errors.
        (&["check", BROKEN], 1),
        (&["compile", BROKEN], 1),
        (&["eval", BROKEN, "--scheme", "ccl", "--facts", camera], 1),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "nope",
                "--facts",
                camera,
                date,
            ],
            1,
        ),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "ccl@9",
                "--facts",
                camera,
                date,
            ],
            1,
        ),
        (
            &[
                "plan",
                BROKEN,
                "--scheme",
                "ccl",
                "--category",
                "consumer_cameras",
            ],
            1,
        ),
        (
            &[
                "plan",
                "policies/",
                "--scheme",
                "nope",
                "--category",
                "consumer_cameras",
                date,
            ],
            1,
        ),
        (
            &[
                "plan",
                "policies/",
                "--scheme",
                "ccl",
                "--category",
                "nope",
                date,
            ],
            1,
        ),
        (
            &[
                "plan",
                "policies/",
                "--scheme",
                "ccl",
                "--category",
                "consumer_cameras",
                "--level",
                "9",
                date,
            ],
            1,
        ),
        (&["diff", BROKEN, "policies/"], 1),
        (&["diff", "policies/", BROKEN], 1),
        (
            &[
                "diff",
                "policies/",
                "--from",
                "nope@1",
                "--to",
                "ccl@2026-04",
            ],
            1,
        ),
        (
            &[
                "diff",
                "policies/",
                "--from",
                "ccl@2025-11-draft",
                "--to",
                "ccl@2026-04",
                "--fail-on",
                "any",
            ],
            1,
        ),
        (&["fmt", "--check", BROKEN], 1),
        (&["test", BROKEN], 1),
        // 2: usage or I/O.
        (&["check", "no/such.policy"], 2),
        (&["compile", "no/such.policy"], 2),
        (
            &[
                "eval",
                "no/such.policy",
                "--scheme",
                "ccl",
                "--facts",
                camera,
            ],
            2,
        ),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "ccl",
                "--facts",
                "no/such.json",
            ],
            2,
        ),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "ccl",
                "--facts",
                camera,
                "--as-of",
                "soon",
            ],
            2,
        ),
        (
            &[
                "plan",
                "no/such.policy",
                "--scheme",
                "ccl",
                "--category",
                "consumer_cameras",
            ],
            2,
        ),
        (&["diff", "no/such.policy", "policies/"], 2),
        (&["fmt", "no/such.policy"], 2),
        (&["test", "no/such.policy"], 2),
        (&["check", "--no-such-flag", "policies/"], 2),
        (&["compile", "--no-such-flag", "policies/"], 2),
        (&["schema", "--no-such-flag"], 2),
        (
            &[
                "eval",
                "--no-such-flag",
                "policies/",
                "--scheme",
                "ccl",
                "--facts",
                camera,
            ],
            2,
        ),
        (
            &[
                "plan",
                "--no-such-flag",
                "policies/",
                "--scheme",
                "ccl",
                "--category",
                "x",
            ],
            2,
        ),
        (&["diff", "--no-such-flag", "policies/", "policies/"], 2),
        (&["fmt", "--no-such-flag", "policies/"], 2),
        (&["test", "--no-such-flag", "policies/"], 2),
        // 0: success.
        (
            &[
                "diff",
                "policies/",
                "--from",
                "ccl@2025-11-draft",
                "--to",
                "ccl@2026-04",
            ],
            0,
        ),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "ccl",
                "--facts",
                camera,
                date,
            ],
            0,
        ),
    ];
    for (args, code) in cases {
        let out = labelc(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "labelc {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "labelc {args:?}: {stderr}");
    }
}

#[test]
fn every_subcommand_help_states_the_same_exit_contract() {
    let contract = text(&labelc(&["--help"]).stdout);
    let start = contract
        .find("Exit status")
        .expect("the top-level help has it");
    let contract = contract[start..].trim_end();
    assert!(contract.contains("--fail-on"), "{contract}");
    for sub in [
        "check", "compile", "schema", "eval", "plan", "diff", "fmt", "test",
    ] {
        let out = labelc(&[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        assert!(
            help.trim_end().ends_with(contract),
            "`{sub} --help` ends with the contract:\n{help}"
        );
        assert_eq!(help.matches("Exit status").count(), 1, "{sub}: said once");
    }
}

/// Runs `labelc ARGS` in the crate root with standard output (or, with
/// `stderr`, standard error) connected to a pipe whose reading end is already
/// closed, so the first write fails with a broken pipe. Returns the exit code
/// and what the other stream received.
fn with_closed_pipe(
    args: &[&str],
    stdin: Option<&std::path::Path>,
    stderr: bool,
) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut command = Command::new(env!("CARGO_BIN_EXE_labelc"));
    command
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(match stdin {
            Some(path) => Stdio::from(std::fs::File::open(path).unwrap()),
            None => Stdio::null(),
        });
    if stderr {
        command.stderr(writer).stdout(Stdio::piped());
    } else {
        command.stdout(writer).stderr(Stdio::piped());
    }
    let out = command.output().unwrap();
    let other = if stderr { &out.stdout } else { &out.stderr };
    (
        out.status.code(),
        String::from_utf8_lossy(other).into_owned(),
    )
}

/// Many copies of the camera product, as JSON Lines.
fn many_products(name: &str) -> std::path::PathBuf {
    let product: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/fixtures/eval/ccl-camera.json")).unwrap(),
    )
    .unwrap();
    let line = serde_json::to_string(&product).unwrap() + "\n";
    let path = scratch(name).join("products.jsonl");
    std::fs::write(&path, line.repeat(2000)).unwrap();
    path
}

#[test]
fn a_closed_stdout_ends_every_subcommand_quietly() {
    let products = many_products("closed-stdout");
    let products = products.to_str().unwrap();
    let policy = root().join("tests/fixtures/fmt/messy.policy");
    let date = "--as-of=2026-11-25";
    let cases: &[(&[&str], i32)] = &[
        (&["check", "policies/"], 0),
        (&["check", "--format", "json", "policies/"], 0),
        (&["check", "--format", "sarif", "tests/fixtures/check"], 1),
        (&["compile", "policies/"], 0),
        (&["schema"], 0),
        (&["schema", "--plan"], 0),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "ccl",
                "--facts",
                products,
                "--format",
                "json",
                date,
            ],
            0,
        ),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "ccl",
                "--facts",
                products,
                "--explain",
                date,
            ],
            0,
        ),
        (
            &[
                "plan",
                "policies/",
                "--scheme",
                "ccl",
                "--category",
                "consumer_cameras",
                date,
            ],
            0,
        ),
        (
            &[
                "diff",
                "policies/",
                "--from",
                "ccl@2025-11-draft",
                "--to",
                "ccl@2026-04",
            ],
            0,
        ),
        (&["fmt", "--check", "tests/fixtures/fmt/messy.policy"], 1),
        (&["test", "policies/"], 0),
        (&["--help"], 0),
    ];
    for (args, code) in cases {
        let (status, stderr) = with_closed_pipe(args, None, false);
        assert_eq!(status, Some(*code), "labelc {args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("failed printing"),
            "labelc {args:?}: {stderr}"
        );
    }
    // `fmt -` writes the formatted text to standard output.
    let (status, stderr) = with_closed_pipe(&["fmt", "-"], Some(&policy), false);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_closed_stderr_ends_every_subcommand_quietly() {
    let products = many_products("closed-stderr");
    let products = products.to_str().unwrap();
    let date = "--as-of=2026-11-25";
    let cases: &[(&[&str], i32)] = &[
        (&["check", "tests/fixtures/check/unused_fact.policy"], 0),
        (&["check", BROKEN], 1),
        (&["check", "no/such.policy"], 2),
        (&["compile", BROKEN], 1),
        (&["schema", "--no-such-flag"], 2),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "ccl",
                "--facts",
                products,
                "--format",
                "json",
                date,
            ],
            0,
        ),
        (
            &[
                "eval",
                "policies/",
                "--scheme",
                "nope",
                "--facts",
                products,
                date,
            ],
            1,
        ),
        (
            &[
                "plan",
                "policies/",
                "--scheme",
                "ccl",
                "--category",
                "nope",
                date,
            ],
            1,
        ),
        (&["diff", BROKEN, "policies/"], 1),
        (&["fmt", "--check", "policies/"], 0),
        (&["fmt", "--check", BROKEN], 1),
        (&["test", BROKEN], 1),
    ];
    for (args, code) in cases {
        let (status, stdout) = with_closed_pipe(args, None, true);
        assert_eq!(status, Some(*code), "labelc {args:?}: {stdout}");
        assert!(!stdout.contains("panicked"), "labelc {args:?}: {stdout}");
    }
    // What goes to stdout is still written in full.
    let (status, stdout) = with_closed_pipe(
        &[
            "eval",
            "policies/",
            "--scheme",
            "ccl",
            "--facts",
            products,
            "--format",
            "json",
            date,
        ],
        None,
        true,
    );
    assert_eq!(status, Some(0));
    assert_eq!(stdout.lines().count(), 2000);
}
