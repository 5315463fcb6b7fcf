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

use labelc::diag::{Code, render_human};

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
    assert!(took < Duration::from_secs(4), "rendering took {took:?}");
}
