//! Hostile input: every limit gives a diagnostic, never a panic, a stack
//! overflow or a hang. Each case runs through the library and the binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use labelc::diag::Code;
use labelc::source::{MAX_FILE_BYTES, SourceMap};

fn codes(text: &str) -> Vec<Code> {
    let (_, outcome) = labelc::check_text("input.policy", text);
    outcome.diagnostics.iter().map(|d| d.code).collect()
}

/// Runs `labelc check -` on `input`; returns the exit code and stderr.
fn run_binary(input: &[u8]) -> (i32, String) {
    let out = common::labelc_with_input(&["check", "-"], input);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn condition_file(condition: &str) -> String {
    format!(
        "fact a: bool\nscheme s@1 {{\n  title \"S\"\n  category c {{ }}\n  criterion X {{ title \"x\" condition {condition} }}\n  level 1 {{ require X }}\n}}\n"
    )
}

#[test]
fn hundred_thousand_open_parentheses() {
    let text = "(".repeat(100_000);
    assert_eq!(codes(&text), [Code::SyntaxTooDeep]);
    let (code, stderr) = run_binary(text.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("labelc::syntax::too_deep"));
}

#[test]
fn hundred_thousand_balanced_parentheses_in_a_condition() {
    let text = condition_file(&format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000)));
    assert_eq!(codes(&text), [Code::SyntaxTooDeep]);
}

#[test]
fn hundred_thousand_nots() {
    let text = condition_file(&format!("{}a", "not ".repeat(100_000)));
    assert_eq!(codes(&text), [Code::SyntaxTooDeep]);
    let (code, stderr) = run_binary(text.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("labelc::syntax::too_deep"));
}

#[test]
fn nesting_just_under_the_limit_is_accepted() {
    // 5 levels are used by the scheme and criterion braces and the condition's own parentheses.
    let depth = labelc::syntax::prescan::MAX_DEPTH - 3;
    let text = condition_file(&format!("{}a{}", "(".repeat(depth), ")".repeat(depth)));
    assert_eq!(codes(&text), []);
}

#[test]
fn million_character_identifier() {
    let name = "x".repeat(1_000_000);
    let text = condition_file(&name);
    let found = codes(&text);
    assert!(found.contains(&Code::IdentifierTooLong), "{found:?}");
    let (code, stderr) = run_binary(text.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("labelc::syntax::identifier_too_long"));
    // Diagnostics quote a bounded prefix, not the whole name (the source line itself is shown once).
    assert!(stderr.len() < 3_000_000, "stderr is {} bytes", stderr.len());
}

#[test]
fn million_character_unknown_fact_gets_no_quadratic_suggestion() {
    let text = format!(
        "fact a: bool\nscheme s@1 {{ title \"S\" category c {{ }} criterion X {{ title \"x\" condition {} }} level 1 {{ require X }} }}",
        "y".repeat(1_000_000)
    );
    let found = codes(&text);
    assert!(found.contains(&Code::IdentifierTooLong));
    assert!(found.contains(&Code::UnknownFact));
}

#[test]
fn file_larger_than_the_limit() {
    let mut sources = SourceMap::new();
    let (_, diag) = sources.add_bytes("big.policy", vec![b' '; MAX_FILE_BYTES + 1]);
    assert_eq!(diag.map(|d| d.code), Some(Code::FileTooLarge));
    let (code, stderr) = run_binary(&vec![b' '; MAX_FILE_BYTES + 1]);
    assert_eq!(code, 1);
    assert!(stderr.contains("labelc::source::file_too_large"));
}

#[test]
fn too_many_items() {
    let text: String = (0..labelc::syntax::MAX_ITEMS + 1)
        .map(|i| format!("fact f{i}: bool\n"))
        .collect();
    let found = codes(&text);
    assert_eq!(
        found.iter().filter(|c| **c == Code::TooManyItems).count(),
        1
    );
}

#[test]
fn invalid_utf8_from_stdin() {
    let (code, stderr) = run_binary(b"fact a: bool\n\xff\xfe\n");
    assert_eq!(code, 1);
    assert!(stderr.contains("labelc::source::invalid_utf8"));
}

#[test]
fn many_broken_items_recover_in_linear_time() {
    // 5,000 broken criteria: each is reported once and parsing stays fast
    // enough to finish (a quadratic recovery would not within the test timeout).
    let broken: String = (0..5_000)
        .map(|i| format!("  criterion B{i} {{ title \"b\" condition a >= }}\n"))
        .collect();
    let text =
        format!("fact a: int\nscheme s@1 {{\n  title \"S\"\n  category c {{ }}\n{broken}}}\n");
    let found = codes(&text);
    assert_eq!(
        found
            .iter()
            .filter(|c| **c == Code::SyntaxUnexpected)
            .count(),
        5_000
    );
}

#[test]
fn unterminated_string_and_comment() {
    let found = codes("scheme s@1 {\n  title \"unterminated\n  category c { }\n}\n");
    assert!(found.contains(&Code::SyntaxUnexpected), "{found:?}");
    let found = codes("fact a: bool\n/* never closed\nscheme s@1 { }\n");
    assert!(found.contains(&Code::SyntaxUnexpected), "{found:?}");
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic generator: every prefix of a policy and a few
    // mutations of it must come back as diagnostics, never a panic.
    let policy = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ok/minimal.policy"
    ))
    .unwrap();
    let bytes = policy.as_bytes();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for cut in (0..bytes.len()).step_by(7) {
        let text = String::from_utf8_lossy(&bytes[..cut]);
        let _ = codes(&text);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut mutated = bytes.to_vec();
        let at = (seed as usize) % mutated.len();
        mutated[at] = b"{}()[]\",;:=<>!@ \n"[(seed >> 32) as usize % 17];
        let _ = codes(&String::from_utf8_lossy(&mutated));
    }
}
