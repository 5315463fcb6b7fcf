//! Hostile input found by the hardening campaign (issue 19): each test
//! fails without its fix.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::time::{Duration, Instant};

use labelc::diag::Code;
use labelc::diag::render::render_human;

/// 4,000 diagnostics in a 378 KB file: rendering for a person must be
/// linear in diagnostics + file size (it took 22 s in release when each
/// diagnostic rescanned the file from its start).
#[test]
fn human_rendering_is_linear_in_diagnostics_and_file_size() {
    let mut text = String::from("fact a: bool\n");
    // Padding first, so every diagnostic lies behind 300 KB of text.
    for i in 0..6_000 {
        text.push_str(&format!(
            "// padding line {i:>5} ........................................\n"
        ));
    }
    for _ in 0..4_000 {
        text.push_str("fact a: bool\n");
    }
    assert!(text.len() > 370_000, "{}", text.len());
    let (sources, outcome) = labelc::check_text("big.policy", &text);
    let duplicates = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::DuplicateDefinition)
        .count();
    assert_eq!(duplicates, 4_000);
    let started = Instant::now();
    let rendered = render_human(&outcome.diagnostics, &sources, false, 100);
    let took = started.elapsed();
    // Each report shows its own line number, found without rescanning.
    assert!(
        rendered.contains("big.policy:6002:6]"),
        "{}",
        &rendered[..2000]
    );
    assert!(rendered.contains("big.policy:10001:6]"));
    // About 0.5 s in a debug build; 130 s before (22 s in release).
    assert!(took < Duration::from_secs(10), "rendering took {took:?}");
}

fn criterion_file(facts: &str, condition: &str) -> String {
    format!(
        "{facts}\nscheme s@1 {{\n  title \"S\"\n  category c {{ }}\n  criterion X {{ title \"x\" condition {condition} }}\n  level 1 {{ require X }}\n}}\n"
    )
}

fn codes(text: &str) -> Vec<Code> {
    let (_, outcome) = labelc::check_text("input.policy", text);
    outcome.diagnostics.iter().map(|d| d.code).collect()
}

/// A decimal too large for a 64-bit float compiled to `"value": null`, which
/// eval then refused: `check` rejects it.
#[test]
fn a_decimal_too_large_for_a_float_is_an_error_in_check() {
    let huge = format!("{}.0", "9".repeat(400));
    let text = criterion_file("fact d: decimal", &format!("d <= {huge}"));
    assert_eq!(codes(&text), [Code::InvalidNumber]);
    let mut sources = labelc::source::SourceMap::new();
    sources.add("p.policy", text);
    assert!(labelc::compile(&sources).is_err());
    // The largest finite float's digits still compile, to that number.
    let largest = format!("{:.1}", f64::MAX);
    let text = criterion_file("fact d: decimal", &format!("d <= {largest}"));
    // No error; every decimal is at most the largest float, so the
    // condition is trivial (docs/analysis.md, "Dead and trivial rules").
    assert_eq!(codes(&text), [Code::TrivialCondition]);
}

/// `within N days` beyond the dates evaluation knows compiled, then eval,
/// test and plan refused the whole rule set: `check` bounds it.
#[test]
fn within_too_many_days_is_an_error_in_check_and_the_bound_evaluates() {
    let over = labelc::check::types::MAX_WITHIN_DAYS + 1;
    let text = criterion_file(
        "fact d: date",
        &format!("d within {over} days before assessment"),
    );
    assert_eq!(codes(&text), [Code::InvalidNumber]);
    let max = labelc::check::types::MAX_WITHIN_DAYS;
    for direction in ["before", "after"] {
        let text = criterion_file(
            "fact d: date",
            &format!("d within {max} days {direction} assessment"),
        );
        let mut sources = labelc::source::SourceMap::new();
        sources.add("p.policy", text);
        let rules = labelc::compile(&sources).expect("the bound compiles");
        let as_of = jiff::civil::date(2026, 11, 25);
        let scheme = labelc::eval::select_scheme(&rules, "s", as_of).unwrap();
        labelc::eval::Program::new(&rules, scheme, as_of).expect("and evaluates");
    }
}

/// A lone CR is no line end anywhere: it is an error (with its place), so the
/// parser, the comment scanner, spans and `fmt` cannot disagree. Before,
/// `check` accepted this file and each `fmt` run added a copy of `fact b`.
#[test]
fn a_lone_carriage_return_is_an_error_and_fmt_leaves_the_file_alone() {
    let text = "fact a: bool\n// c\rfact b: bool\n";
    let (sources, outcome) = labelc::check_text("cr.policy", text);
    let codes: Vec<Code> = outcome.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::LoneCarriageReturn]);
    let d = &outcome.diagnostics[0];
    assert_eq!(d.span.start as usize, text.find('\r').unwrap());
    let file = sources.get(d.span.file).unwrap();
    assert_eq!(file.line_column(d.span.start as usize), (2, 5));
    assert!(labelc::fmt::format_text(labelc::span::FileId(0), text).is_err());
    // In a string or a block comment too; CRLF line ends stay fine.
    assert_eq!(
        codes_of("fact a: bool /* x\ry */\n"),
        [Code::LoneCarriageReturn]
    );
    assert_eq!(codes_of("fact a: bool\r\n// c\r\nfact b: bool\r\n"), []);

    let dir = common::scratch("lone-cr");
    let path = dir.join("cr.policy");
    std::fs::write(&path, text).unwrap();
    let out = common::labelc(&["fmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("labelc::syntax::lone_carriage_return"),
        "{stderr}"
    );
    assert!(stderr.contains("cr.policy:2:5"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// The error codes only (these small files leave their facts unused).
fn codes_of(text: &str) -> Vec<Code> {
    let (_, outcome) = labelc::check_text("input.policy", text);
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == labelc::diag::Severity::Error)
        .map(|d| d.code)
        .collect()
}

/// Trailing non-ASCII whitespace is comment text: `fmt` keeps it (it
/// stripped U+00A0), while trailing spaces and tabs go.
#[test]
fn fmt_keeps_trailing_non_ascii_whitespace_in_comments() {
    let text = "// nbsp\u{a0}\nfact a: bool // ideographic\u{3000}\n/* block\u{a0}\n  end */\n// spaces \t\n";
    let formatted = labelc::fmt::format_text(labelc::span::FileId(0), text).unwrap();
    assert!(formatted.contains("// nbsp\u{a0}\n"), "{formatted:?}");
    assert!(
        formatted.contains("// ideographic\u{3000}\n"),
        "{formatted:?}"
    );
    assert!(formatted.contains("/* block\u{a0}\n"), "{formatted:?}");
    assert!(formatted.contains("// spaces\n"), "{formatted:?}");
    let again = labelc::fmt::format_text(labelc::span::FileId(0), &formatted).unwrap();
    assert_eq!(again, formatted);
}

/// Runs the binary with standard input from `stdin`, failing the test (not
/// hanging) when it takes more than 60 s.
fn run_bounded(args: &[&str], stdin: std::process::Stdio) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .stdin(stdin)
        .stdout(Stdio::piped())
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
    child.wait_with_output().unwrap()
}

/// A policy is read with a limit: `/dev/zero` named or on standard input
/// is refused after 8 MiB (it grew memory without end), a huge regular file
/// from its size without reading it.
#[test]
fn endless_and_huge_policies_are_refused_without_reading_them_whole() {
    let out = run_bounded(&["check", "/dev/zero"], std::process::Stdio::null());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("labelc::source::file_too_large"),
        "{stderr}"
    );
    assert!(
        stderr.contains("more than the limit of 8388608 bytes"),
        "{stderr}"
    );

    let zero = std::fs::File::open("/dev/zero").unwrap();
    let out = run_bounded(&["check", "-"], zero.into());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("labelc::source::file_too_large"));

    // A 2 GB sparse file: refused from its size, in well under the time
    // reading it would take.
    let dir = common::scratch("huge-policy");
    let path = dir.join("huge.policy");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(2 << 30).unwrap();
    // With 512 MiB of address space the file cannot be read whole; refusing
    // it from its size needs no more than the 8 MiB of a policy.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 524288 && exec "$0" check "$1""#)
        .arg(env!("CARGO_BIN_EXE_labelc"))
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is 2147483648 bytes, more than the limit"),
        "{stderr}"
    );
    std::fs::remove_file(&path).unwrap();
}

const GOOD: &str = "fact a: bool\nscheme s@1 {\n  title \"S\"\n  category c { }\n  criterion X { title \"x\" condition a }\n  level 1 { require X }\n}\n";

/// Inside a directory: a FIFO named `*.policy` is skipped with a warning (it
/// hung every command), a linked file or directory is compiled once, and
/// dot-files and dot-directories are left out.
#[test]
fn policy_directories_skip_fifos_links_twice_and_dot_files() {
    let dir = common::scratch("walk");
    let policies = dir.join("policies");
    std::fs::create_dir_all(policies.join("sub")).unwrap();
    std::fs::write(policies.join("sub/a.policy"), GOOD).unwrap();
    // The same file and directory again, through links; and a link cycle.
    std::os::unix::fs::symlink("sub/a.policy", policies.join("link.policy")).unwrap();
    std::os::unix::fs::symlink("sub", policies.join("linked_dir")).unwrap();
    std::os::unix::fs::symlink("..", policies.join("sub/up")).unwrap();
    // Dot-files and dot-directories would define `a` again.
    std::fs::write(policies.join(".hidden.policy"), GOOD).unwrap();
    std::fs::create_dir_all(policies.join(".git")).unwrap();
    std::fs::write(policies.join(".git/copy.policy"), GOOD).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(policies.join("pipe.policy"))
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(status.success());
    let args = ["check", policies.to_str().unwrap()];
    let out = run_bounded(&args, std::process::Stdio::null());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: skipped `")
            && stderr.contains("pipe.policy`: a FIFO, not a regular file"),
        "{stderr}"
    );
    assert!(!stderr.contains("duplicate_definition"), "{stderr}");
    // The same file named twice on the command line is also read once.
    let file = policies.join("sub/a.policy");
    let out = run_bounded(
        &["check", policies.to_str().unwrap(), file.to_str().unwrap()],
        std::process::Stdio::null(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `fmt` walks the same way: it neither blocks on the FIFO nor fails.
    let out = run_bounded(
        &["fmt", "--check", policies.to_str().unwrap()],
        std::process::Stdio::null(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pipe.policy`: a FIFO"), "{stderr}");
    assert!(
        stderr.contains("1 file would be reformatted, 0 already formatted"),
        "{stderr}"
    );
}

/// `fmt` writes through a symbolic link (it replaced the link with a
/// regular file and left the target unformatted), keeps the file's mode
/// (0600 became 0644), leaves no temporary file and removes stale ones of
/// its own naming, old enough to be left by a killed run.
#[test]
fn fmt_writes_through_links_keeps_the_mode_and_cleans_up_stale_temps() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = common::scratch("atomic");
    let target = dir.join("real.policy");
    std::fs::write(&target, "fact   a :bool\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.join("link.policy");
    std::os::unix::fs::symlink("real.policy", &link).unwrap();
    // Leftovers of killed runs: two stale, one fresh (a run in progress), one not ours.
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for name in [
        ".real.policy.labelc-Ab3dE9.tmp",
        ".real.policy.12345.tmp",
        ".real.policy.labelc-fresh.tmp",
        ".real.policy.other.tmp",
    ] {
        let file = std::fs::File::create(dir.join(name)).unwrap();
        if !name.contains("fresh") {
            file.set_modified(hour_ago).unwrap();
        }
    }
    let out = common::labelc(&["fmt", link.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "fact a: bool\n");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".real.policy.labelc-fresh.tmp",
            ".real.policy.other.tmp",
            "link.policy",
            "real.policy"
        ]
    );
}

/// A scratch directory holding [`GOOD`], for `eval`.
fn good_policy(name: &str) -> String {
    let dir = common::scratch(name);
    let path = dir.join("good.policy");
    std::fs::write(&path, GOOD).unwrap();
    path.to_str().unwrap().to_string()
}

fn eval_stdin(policy: &str, input: &[u8]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let out = common::labelc_with_input(
        &[
            "eval",
            policy,
            "--scheme",
            "s",
            "--facts",
            "-",
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ],
        input,
    );
    let results = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.code(),
        results,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const PRODUCT: &str = r#"{"id": "p", "category": "c", "facts": {"a": true}}"#;

/// A truncated first line made the whole stream one bad product: now it is
/// one error and every other line is judged. A blank line is not a product.
#[test]
fn a_truncated_first_line_is_one_error_and_the_rest_are_judged() {
    let policy = good_policy("jsonl-first");
    let mut input = String::from(r#"{"id": "cut", "category": "c", "fa"#);
    input.push('\n');
    for i in 0..1_000 {
        input.push_str(&PRODUCT.replace("\"p\"", &format!("\"p{i}\"")));
        input.push('\n');
        if i % 100 == 0 {
            input.push_str("\n  \n");
        }
    }
    let (code, results, stderr) = eval_stdin(&policy, input.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(results.len(), 1_001);
    assert_eq!(results[0]["line"], 1);
    assert!(results[0]["error"].is_string(), "{}", results[0]);
    assert!(results[1..].iter().all(|r| r["level"] == 1), "{stderr}");
    assert_eq!(results[1]["line"], 2);
    assert!(
        stderr.contains("1001 products against s@1 as of 2026-11-25: level 1: 1000; 1 error"),
        "{stderr}"
    );

    // Blank lines only between products: no error.
    let (code, results, stderr) = eval_stdin(
        &policy,
        format!("\n{PRODUCT}\n\n \t\n{PRODUCT}\n\n").as_bytes(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["line"], 5);

    // A pretty-printed object (even after a blank line) is still one product.
    let pretty =
        "\n{\n  \"id\": \"pretty\",\n  \"category\": \"c\",\n  \"facts\": {\"a\": false}\n}\n";
    let (code, results, stderr) = eval_stdin(&policy, pretty.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["id"], "pretty");
    assert!(results[0]["level"].is_null());
}

/// A product line longer than the limit is an error for that line, and the
/// stream goes on.
#[test]
fn a_line_past_the_limit_is_an_error_and_the_stream_goes_on() {
    let policy = good_policy("long-line");
    let long = format!(r#"{{"id": "{}", "category": "c"}}"#, "x".repeat(9 << 20));
    let input = format!("{PRODUCT}\n{long}\n{PRODUCT}\n");
    let (code, results, stderr) = eval_stdin(&policy, input.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(results.len(), 3);
    assert_eq!(results[1]["line"], 2);
    let error = results[1]["error"].as_str().unwrap();
    assert!(
        error.contains("more than the limit of 8388608 bytes"),
        "{error}"
    );
    assert_eq!(results[2]["level"], 1);
    // A long first line too: it decides nothing about the format.
    let (_, results, _) = eval_stdin(&policy, format!("{long}\n{PRODUCT}\n").as_bytes());
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["level"], 1);
}

/// `eval --facts /dev/zero` grew memory until the allocator aborted: it now
/// reads an endless line in constant memory.
#[test]
fn an_endless_product_line_is_read_in_constant_memory() {
    use std::process::{Command, Stdio};
    let policy = good_policy("dev-zero");
    let mut child = Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args([
            "eval",
            &policy,
            "--scheme",
            "s",
            "--facts",
            "/dev/zero",
            "--as-of",
            "2026-11-25",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(still_running, "it stopped reading an endless input");
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status");
    assert!(peak_kib < 100 * 1024, "peak memory {peak_kib} KiB");
}
