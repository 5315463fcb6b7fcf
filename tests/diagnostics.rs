//! One fixture per diagnostic code: `tests/fixtures/<stage>/<kind>.policy`
//! must report `labelc::<stage>::<kind>`; `tests/fixtures/ok/*.policy` must
//! report nothing. Each fixture's rendered diagnostics are snapshotted
//! (source + output), and the assertions below hold whatever the snapshot says.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use labelc::diag::render::render_human;
use labelc::diag::{Code, Severity};
use labelc::source::SourceMap;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Checks one fixture file as its own compilation, with a stable display name.
fn check_fixture(path: &Path) -> (SourceMap, labelc::CheckOutcome) {
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .display()
        .to_string();
    let bytes = std::fs::read(path).unwrap();
    let mut sources = SourceMap::new();
    let (_, early) = sources.add_bytes(name, bytes);
    let outcome = labelc::check_sources(&sources, early.into_iter().collect());
    (sources, outcome)
}

/// The fixture each code is expected in, or `None` for codes whose input
/// cannot be a small file (they are exercised in `tests/limits.rs`).
fn fixture_for(code: Code) -> Option<PathBuf> {
    match code {
        Code::FileTooLarge | Code::TooManyItems => None,
        // Reached only through a bug in labelc; there is no input for it.
        Code::Internal => None,
        _ => {
            let mut parts = code.as_str().split("::").skip(1);
            let stage = parts.next().unwrap();
            let kind = parts.next().unwrap();
            Some(fixtures().join(stage).join(format!("{kind}.policy")))
        }
    }
}

#[test]
fn every_code_has_a_fixture_that_reports_it() {
    let mut missing = Vec::new();
    for &code in Code::ALL {
        let Some(path) = fixture_for(code) else {
            continue;
        };
        if !path.exists() {
            missing.push(format!("{code}: no fixture at {}", path.display()));
            continue;
        }
        let (_, outcome) = check_fixture(&path);
        let found = outcome
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .count();
        if found == 0 {
            let got: Vec<&str> = outcome
                .diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            missing.push(format!("{code}: {} reports {got:?}", path.display()));
        }
        if code.severity() == Severity::Error {
            assert!(
                outcome.error_count() >= 1,
                "{code}: fixture reports no error"
            );
        }
    }
    assert!(
        missing.is_empty(),
        "codes without a working fixture:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_fixture_is_named_after_a_code() {
    for stage in ["source", "syntax", "resolve", "check", "analysis"] {
        for entry in std::fs::read_dir(fixtures().join(stage)).unwrap() {
            let path = entry.unwrap().path();
            let kind = path.file_stem().unwrap().to_str().unwrap();
            let code = format!("labelc::{stage}::{kind}");
            assert!(
                Code::ALL.iter().any(|c| c.as_str() == code),
                "{} names no diagnostic code",
                path.display()
            );
        }
    }
}

#[test]
fn every_diagnostic_has_a_code_span_inside_its_file_and_help() {
    insta::glob!("fixtures/**/*.policy", |path| {
        let (sources, outcome) = check_fixture(path);
        for d in &outcome.diagnostics {
            let file = sources.get(d.span.file).unwrap();
            assert!(
                d.span.end as usize <= file.text.len(),
                "{}: span past the end",
                d.code
            );
            assert!(d.span.start <= d.span.end);
            assert!(
                file.text.is_char_boundary(d.span.start as usize),
                "{}: span not on a char boundary",
                d.code
            );
            assert!(
                d.help.as_deref().is_some_and(|h| !h.is_empty()),
                "{}: no help",
                d.code
            );
            assert!(
                !d.message.ends_with('.'),
                "{}: message ends with a period",
                d.code
            );
            for label in &d.related {
                let file = sources.get(label.span.file).unwrap();
                assert!(label.span.end as usize <= file.text.len());
            }
        }
    });
}

#[test]
fn ok_fixtures_report_nothing() {
    insta::glob!("fixtures/ok/*.policy", |path| {
        let (_, outcome) = check_fixture(path);
        assert!(
            outcome.diagnostics.is_empty(),
            "{}: {:?}",
            path.display(),
            outcome.diagnostics
        );
    });
}

#[test]
fn rendered_diagnostics() {
    insta::glob!(
        "fixtures/{source,syntax,resolve,check,analysis}/*.policy",
        |path| {
            let (sources, outcome) = check_fixture(path);
            assert!(
                !outcome.diagnostics.is_empty(),
                "{}: nothing reported",
                path.display()
            );
            let source = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
            let rendered = render_human(&outcome.diagnostics, &sources, false, 100);
            let codes: Vec<&str> = outcome
                .diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            insta::assert_snapshot!(format!(
                "{source}\n----- {} error(s), {} warning(s): {codes:?}\n{rendered}",
                outcome.error_count(),
                outcome.warning_count()
            ));
        }
    );
}

#[test]
fn diagnostics_are_sorted_by_file_and_position() {
    insta::glob!("fixtures/**/*.policy", |path| {
        let (_, outcome) = check_fixture(path);
        let keys: Vec<_> = outcome
            .diagnostics
            .iter()
            .map(|d| (d.span.file, d.span.start))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    });
}

#[test]
fn docs_list_every_code() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md"))
            .unwrap();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .flat_map(|c| std::iter::once(c.as_str()).chain(c.former_names().iter().copied()))
        .filter(|c| !docs.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/language.md does not list {missing:?}"
    );
}

/// Every code is named after the stage that emits it: some file that
/// constructs it lives in `src/<stage>/` or is `<stage>.rs` (the check
/// stage's `check/analysis.rs` and its `check/analysis/` report
/// `labelc::analysis::…`, the verdicts of `src/analysis/`). `labelc::internal` belongs to no stage.
#[test]
fn every_code_is_named_after_a_stage_that_emits_it() {
    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string().replace('\\', "/"), text));
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut misnamed = Vec::new();
    for &code in Code::ALL {
        if code == Code::Internal {
            continue;
        }
        let stage = code.as_str().split("::").nth(1).unwrap();
        // `Code::FileTooLarge` but not `Code::FileTooLargeX`.
        let variant = format!("Code::{code:?}");
        let emitters: Vec<&str> = files
            .iter()
            .filter(|(path, _)| !path.contains("/src/diag/") && !path.ends_with("/sarif.rs"))
            .filter(|(_, text)| {
                text.match_indices(&variant).any(|(i, _)| {
                    text.get(i + variant.len()..)
                        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
                })
            })
            .map(|(path, _)| path.as_str())
            .collect();
        let named = |path: &&str| {
            path.contains(&format!("/src/{stage}/"))
                || path.contains(&format!("/src/check/{stage}/"))
                || path.ends_with(&format!("/{stage}.rs"))
        };
        if !emitters.iter().any(named) {
            misnamed.push(format!("{code} is emitted in {emitters:?}"));
        }
    }
    assert!(misnamed.is_empty(), "{misnamed:#?}");
}

#[test]
fn former_code_names_are_still_understood_but_never_emitted() {
    for &code in Code::ALL {
        assert_eq!(Code::from_name(code.as_str()), Some(code));
        for former in code.former_names() {
            assert_eq!(Code::from_name(former), Some(code), "{former}");
            assert!(
                Code::ALL.iter().all(|c| c.as_str() != *former),
                "{former} is both a former and a current name"
            );
        }
    }
    assert_eq!(
        Code::from_name("labelc::syntax::invalid_utf8"),
        Some(Code::InvalidUtf8)
    );
    assert_eq!(Code::InvalidUtf8.as_str(), "labelc::source::invalid_utf8");
    assert_eq!(Code::from_name("labelc::nothing::such"), None);
}

/// Diagnostics are plain data: `diag/mod.rs` reads no source file and knows
/// no renderer (which would bring back the `diag` ↔ `source` import cycle);
/// rendering is `diag/render.rs`.
#[test]
fn diagnostic_data_does_not_depend_on_rendering() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diag");
    let data = std::fs::read_to_string(root.join("mod.rs")).unwrap();
    for needle in ["use crate::source", "crate::source::", "miette"] {
        assert!(
            !data.contains(needle),
            "src/diag/mod.rs mentions `{needle}`"
        );
    }
    let render = std::fs::read_to_string(root.join("render.rs")).unwrap();
    assert!(render.contains("use crate::source::"));
}
