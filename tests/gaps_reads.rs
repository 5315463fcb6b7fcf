//! Tests that notice (issue 19), the last unbounded reads: `plan --facts`,
//! compiled rule sets and `diff --products` lines are read with their
//! limits, so a huge or endless input is refused rather than read whole.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::time::{Duration, Instant};

use common::one_criterion::{as_of, compile, policy};
use labelc::eval::Program;

/// Runs the binary, failing the test (not hanging) after 60 s; with
/// `address_space_kib`, under `ulimit -v`, so that reading a huge file whole
/// would fail.
fn run_bounded(args: &[&str], address_space_kib: Option<u64>) -> (Option<i32>, String) {
    use std::process::{Command, Stdio};
    let mut command = match address_space_kib {
        Some(kib) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!(r#"ulimit -v {kib} && exec "$0" "$@""#))
                .arg(env!("CARGO_BIN_EXE_labelc"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_labelc")),
    };
    let mut child = command
        .args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("`labelc {}` did not finish in 60 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A directory with a small policy (`s.policy`, scheme `s`), its compiled
/// rule set (`rules.json`), a 2 GB sparse file `huge.json` and `zero.json`,
/// a link to `/dev/zero`.
fn bounded_inputs(name: &str) -> std::path::PathBuf {
    let dir = common::scratch(name);
    let text = policy("fact n: int", "n >= 1");
    std::fs::write(dir.join("s.policy"), &text).unwrap();
    let rules = serde_json::to_string(&compile(&text)).unwrap();
    std::fs::write(dir.join("rules.json"), rules).unwrap();
    let huge = std::fs::File::create(dir.join("huge.json")).unwrap();
    huge.set_len(2 << 30).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.json")).unwrap();
    dir
}

#[test]
fn plan_facts_are_read_with_the_product_limit() {
    let dir = bounded_inputs("plan-facts");
    let policy = dir.join("s.policy");
    let policy = policy.to_str().unwrap();
    let plan = |facts: &str, kib| {
        run_bounded(
            &[
                "plan",
                policy,
                "--scheme",
                "s",
                "--category",
                "c",
                "--facts",
                facts,
            ],
            kib,
        )
    };
    let (code, stderr) = plan("/dev/zero", None);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "cannot read the facts `/dev/zero`: it is more than the limit of 8388608 bytes"
        ),
        "{stderr}"
    );
    // A 2 GB file is refused from its size: 512 MiB of address space could not hold it.
    let huge = dir.join("huge.json");
    let (code, stderr) = plan(huge.to_str().unwrap(), Some(524_288));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("it is 2147483648 bytes, more than the limit of 8388608 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("help: "), "{stderr}");
    // Within the limit, the facts are read as before.
    let facts = dir.join("facts.json");
    std::fs::write(&facts, r#"{"id": "p", "category": "c", "facts": {"n": 0}}"#).unwrap();
    let (code, stderr) = plan(facts.to_str().unwrap(), None);
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_compiled_rule_set_is_read_with_its_limit() {
    let dir = bounded_inputs("rule-set");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let facts = dir.join("facts.jsonl");
    std::fs::write(
        &facts,
        "{\"id\": \"p\", \"category\": \"c\", \"facts\": {\"n\": 2}}\n",
    )
    .unwrap();
    let facts = facts.to_str().unwrap().to_string();
    let eval = |rules: &str, kib| {
        run_bounded(
            &[
                "eval",
                rules,
                "--scheme",
                "s",
                "--facts",
                &facts,
                "--as-of",
                "2026-06-01",
            ],
            kib,
        )
    };
    let (code, stderr) = eval(&path("rules.json"), None);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = eval(&path("zero.json"), None);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("it is more than the limit of 67108864 bytes"),
        "{stderr}"
    );
    let (code, stderr) = eval(&path("huge.json"), Some(524_288));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read the rule set")
            && stderr.contains("it is 2147483648 bytes, more than the limit of 67108864 bytes"),
        "{stderr}"
    );
    // `diff` and `plan` load rule sets the same way.
    let (code, stderr) = run_bounded(
        &["diff", &path("rules.json"), &path("huge.json")],
        Some(524_288),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("it is 2147483648 bytes"), "{stderr}");
    let (code, stderr) = run_bounded(
        &[
            "plan",
            &path("zero.json"),
            "--scheme",
            "s",
            "--category",
            "c",
        ],
        None,
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("more than the limit of 67108864 bytes"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `diff --products` read each line whole (`read_until`): a line past the
/// product limit is now an error for that line, and the next line is judged.
#[test]
fn diff_products_drops_a_line_past_the_limit_and_goes_on() {
    let rules = compile(&policy("fact n: int", "n >= 1"));
    let pairs = [(
        Program::new(&rules, 0, as_of()).unwrap(),
        Program::new(&rules, 0, as_of()).unwrap(),
    )];
    let long = labelc::limited::MAX_PRODUCT_BYTES + 1024;
    let mut input = Vec::with_capacity(long + 200);
    input.extend_from_slice(br#"{"id": "long", "category": "c", "facts": {"n": 1}, "pad": ""#);
    input.resize(long, b'x');
    input.extend_from_slice(b"\"}\n");
    input.extend_from_slice(br#"{"id": "ok", "category": "c", "facts": {"n": 2}}"#);
    input.push(b'\n');
    let mut lines = 0;
    let products =
        labelc::diff::compare_products(&pairs, &mut input.as_slice(), &mut |n| lines = n).unwrap();
    assert_eq!(lines, 2);
    assert_eq!(products.evaluated, 1, "{products:?}");
    assert_eq!(products.unjudged_lines, 1);
    assert_eq!(products.error_count, 1);
    let length = long + 2;
    assert_eq!(
        products.errors,
        [format!(
            "line 1: the line is {length} bytes, more than the limit of 8388608 bytes for a product"
        )]
    );
}
