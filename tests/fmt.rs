//! `labelc fmt`: idempotent, meaning-preserving, comment-preserving; the
//! command line (in place, --check, stdin, files with errors).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{labelc, labelc_with_input, root, scratch, text};
use labelc::diag::Diagnostics;
use labelc::fmt::format_text;
use labelc::source::{SourceMap, collect_policy_files};
use labelc::span::FileId;
use proptest::prelude::*;

fn format(text: &str) -> String {
    format_text(FileId(0), text).unwrap_or_else(|d| panic!("does not format: {d:?}"))
}

/// The AST of `text` with every span removed: what the file says, not where.
fn meaning(text: &str) -> String {
    let mut diagnostics = Diagnostics::new();
    let file = labelc::syntax::parse_file(FileId(0), text, &mut diagnostics);
    let mut debug = format!("{file:?}");
    while let Some(start) = debug.find("Span {") {
        let end = debug[start..]
            .find('}')
            .map_or(debug.len(), |n| start + n + 1);
        debug.replace_range(start..end, "_");
    }
    debug
}

/// Comments in order, as written (less trailing whitespace per line).
fn comments(text: &str) -> Vec<String> {
    labelc::fmt::comments(text)
        .into_iter()
        .map(|c| c.lines().map(str::trim_end).collect::<Vec<_>>().join("\n"))
        .collect()
}

/// The compiled rule set as JSON, without what depends on layout: source
/// locations, the per-file digests and the overall digest.
fn compiled_without_positions(sources: &SourceMap) -> Option<serde_json::Value> {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for key in ["location", "digest", "sources"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let rules = labelc::compile(sources).ok()?;
    let mut json = serde_json::to_value(&rules).unwrap();
    strip(&mut json);
    Some(json)
}

fn sources(name: &str, text: &str) -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    sources
}

fn policy_files(dir: &str) -> Vec<PathBuf> {
    collect_policy_files(&[root().join(dir)]).unwrap()
}

fn read(path: &Path) -> Option<String> {
    String::from_utf8(std::fs::read(path).unwrap()).ok()
}

#[test]
fn every_file_formats_idempotently_with_its_meaning_and_comments() {
    let mut formatted = 0;
    let mut compiled_alone = 0;
    let mut refused = Vec::new();
    for path in policy_files("policies")
        .into_iter()
        .chain(policy_files("tests"))
    {
        let Some(original) = read(&path) else {
            refused.push(path);
            continue;
        };
        let Ok(once) = format_text(FileId(0), &original) else {
            refused.push(path);
            continue;
        };
        formatted += 1;
        let name = path.display();
        assert_eq!(format(&once), once, "fmt(fmt(x)) != fmt(x) for {name}");
        assert_eq!(
            meaning(&once),
            meaning(&original),
            "meaning changed: {name}"
        );
        assert_eq!(
            comments(&once),
            comments(&original),
            "comments changed: {name}"
        );
        let (before, after) = (
            sources(&name.to_string(), &original),
            sources(&name.to_string(), &once),
        );
        if let Some(rules) = compiled_without_positions(&before) {
            compiled_alone += 1;
            assert_eq!(
                compiled_without_positions(&after),
                Some(rules),
                "compile changed: {name}"
            );
        }
    }
    // Only files with syntax errors (or not UTF-8) are refused, and those are fixtures.
    for path in &refused {
        let relative = path.strip_prefix(root()).unwrap();
        assert!(
            relative.starts_with("tests/fixtures/syntax")
                || relative.starts_with("tests/fixtures/source")
                || relative.starts_with("tests/fixtures/limits"),
            "{} was refused",
            relative.display()
        );
    }
    assert!(formatted >= 50, "only {formatted} files formatted");
    assert!(
        compiled_alone >= 10,
        "only {compiled_alone} files compiled alone"
    );
}

#[test]
fn the_reference_policies_compile_to_the_same_rules_when_formatted() {
    let mut before = SourceMap::new();
    let mut after = SourceMap::new();
    for path in policy_files("policies") {
        let original = read(&path).unwrap();
        let name = path.display().to_string();
        after.add(name.clone(), format(&original));
        before.add(name, original);
    }
    let rules = compiled_without_positions(&before).expect("policies compile");
    assert_eq!(compiled_without_positions(&after), Some(rules));
}

#[test]
fn a_badly_laid_out_file_is_formatted_canonically() {
    let messy = std::fs::read_to_string(root().join("tests/fixtures/fmt/messy.policy")).unwrap();
    let formatted = format(&messy);
    insta::assert_snapshot!("messy_formatted", formatted);
    assert_eq!(format(&formatted), formatted);
    assert_eq!(meaning(&formatted), meaning(&messy));
    assert_eq!(comments(&formatted).len(), 8);
    assert_eq!(comments(&formatted), comments(&messy));
    // Every line: no trailing whitespace, within the width unless it holds a
    // string (strings are never broken).
    for line in formatted.lines() {
        assert_eq!(line, line.trim_end());
        assert!(
            line.chars().count() <= labelc::fmt::WIDTH || line.contains('"'),
            "too long: {line}"
        );
    }
    let (_, outcome) = labelc::check_text("messy.policy", &formatted);
    assert_eq!(outcome.error_count(), 0);
}

#[test]
fn breaking_layouts() {
    let long = "a_rather_long_fact_name_for_this_test";
    let source = format!(
        "fact {long}: bool\nfact other: bool\nfact tags: set<string>\n\
         scheme s@1 {{ category c {{ title \"C\" }}\n\
         criterion K {{ title \"k\" status confirmed condition \
         {long} and other or {long} and tags contains \"x\" and (other or not {long}) }}\n\
         criterion L {{ title \"l\" status confirmed condition tags superset_of \
         [\"one\", \"two\", \"three\", \"four\", \"five\", \"six\", \"seven\", \"eight\", \"nine\", \"ten\", \"eleven\"] }}\n\
         level 1 {{ title \"one\" require K,\n L }} }}\n"
    );
    let formatted = format(&source);
    insta::assert_snapshot!("breaking_layouts", formatted);
    assert_eq!(format(&formatted), formatted);
    // The `or` chain breaks before each `or`; the long `and` operand breaks
    // deeper; the list fills its own lines with a trailing comma; the break
    // written in the `require` list is kept.
    assert!(formatted.contains(&format!(
        "\n            or {long}\n                and tags"
    )));
    assert!(formatted.contains("\"eleven\",\n        ]"));
    assert!(formatted.contains("require K,\n                L"));
}

#[test]
fn comments_are_placed_next_to_what_they_were_written_beside() {
    let source = "// file\nfact a: bool // after a\n\n\n// before b\nfact b: bool\n\
                  scheme s@1 { // after brace\n  category c { title \"C\" } /* inline */\n\
                  criterion K { title \"k\" status confirmed condition a\n // inside\n and b }\n\
                  // last member\n}\n// end\n";
    let formatted = format(source);
    assert_eq!(
        formatted,
        "// file\nfact a: bool // after a\n\n// before b\nfact b: bool\n\n\
         scheme s@1 { // after brace\n    category c {\n        title \"C\"\n    } /* inline */\n\
         \x20   criterion K {\n        title \"k\"\n        status confirmed\n        condition a\n\
         \x20           // inside\n            and b\n    }\n    // last member\n}\n// end\n"
    );
    assert_eq!(format(&formatted), formatted);
}

// ------------------------------------------------------------ property test

/// A condition over the generated facts.
#[derive(Clone, Debug)]
enum Cond {
    Atom(usize),
    Not(Box<Cond>),
    Paren(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

const ATOMS: &[&str] = &[
    "b0",
    "b1",
    "a_very_long_fact_name.with_segments_to_push_conditions_past_the_width",
    "i0 >= 3",
    "i0 != -2",
    "s0 == \"x\"",
    "s0 in [\"a\", \"b\", \"c\"]",
    "st0 contains \"a\"",
    "st0 subset_of [\"alpha\", \"beta\", \"gamma\", \"delta\", \"epsilon\", \"zeta\", \"eta\", \"theta\", \"iota\"]",
    "st0 superset_of [\"a\"]",
    "e0 == x",
    "e0 not in [x, y]",
    "present(i0)",
    "d0 within 30 days before assessment",
    "d0 < 2026-01-01",
    "d0 >= assessment",
];

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = (0..ATOMS.len()).prop_map(Cond::Atom);
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            inner.clone().prop_map(|c| Cond::Paren(Box::new(c))),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Cond::And),
            prop::collection::vec(inner, 2..5).prop_map(Cond::Or),
        ]
    })
}

fn cond_tokens(cond: &Cond, out: &mut Vec<String>) {
    match cond {
        Cond::Atom(i) => out.push(ATOMS[*i].to_string()),
        Cond::Not(inner) => {
            out.push("not".into());
            cond_tokens(inner, out);
        }
        Cond::Paren(inner) => {
            out.push("(".into());
            cond_tokens(inner, out);
            out.push(")".into());
        }
        Cond::And(items) | Cond::Or(items) => {
            let op = if matches!(cond, Cond::And(_)) {
                "and"
            } else {
                "or"
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(op.into());
                }
                // Operands that are chains get parentheses, so every generated
                // condition keeps the shape it was generated with.
                let wrap = matches!(item, Cond::And(_) | Cond::Or(_));
                if wrap {
                    out.push("(".into());
                }
                cond_tokens(item, out);
                if wrap {
                    out.push(")".into());
                }
            }
        }
    }
}

/// The tokens of a policy: fixed facts, then a scheme with one criterion per
/// condition, levels over them, and a recognition.
fn policy_tokens(conditions: &[Cond], facts_first: bool) -> Vec<String> {
    let mut t: Vec<String> = Vec::new();
    let mut push = |s: &str| t.extend(s.split(' ').map(String::from));
    let facts = "fact b0 : bool fact b1 : bool \
         fact a_very_long_fact_name.with_segments_to_push_conditions_past_the_width : bool \
         fact i0 : int { unit \"n\" } fact s0 : string fact st0 : set < string > \
         fact e0 : enum ( x , y , z ) fact d0 : date { description \"d\" }";
    if facts_first {
        push(facts);
    }
    push(
        "scheme gen@1 { title \"Generated\" status in_force effective 2026-01-01 nature voluntary \"n\"",
    );
    push("authority a { title \"A\" role \"r\" basis inferred \"i\" }");
    push("category c { title \"C\" grouping \"g\" basis secondary category c2 { title \"C2\" } }");
    let mut ids = Vec::new();
    let mut t2 = Vec::new();
    for (i, cond) in conditions.iter().enumerate() {
        let id = format!("K-{i}");
        t2.extend(
            format!(
                "criterion {id} {{ title \"t\" applies_to c method test basis inferred \"i\" \
                 valid_until 2030-01-01 basis reported status confirmed condition"
            )
            .split(' ')
            .map(String::from),
        );
        cond_tokens(cond, &mut t2);
        t2.push("}".into());
        ids.push(id);
    }
    t.extend(t2);
    let mut push = |s: &str| t.extend(s.split(' ').map(String::from));
    let list = ids.join(" , ");
    push(&format!(
        "level 1 {{ title \"one\" require {list} basis inferred \"p\" }}"
    ));
    push(&format!(
        "level 2 {{ title \"two\" include 1 at_least 1 of ( {list} ) }} }}"
    ));
    push(&format!(
        "recognition self {{ from gen@1 level 1 to gen relationship equal credit full status official \
         basis reported \"r\" valid_until 2030-01-01 basis inferred credits {list} }}"
    ));
    push(
        "test gen-test { title \"T\" scheme gen@1 category c2 as_of 2026-07-01 holds gen:1 , gen@1#K-0 \
         facts { b0 = true i0 = 3 st0 = [ \"a\" , \"b\" ] e0 = x d0 = 2026-01-01 } \
         expect level 1 expect reachable none expect criterion K-0 pass }",
    );
    if !facts_first {
        push(facts);
    }
    t
}

/// Joins tokens with generated whitespace and comments; returns the text and
/// the comment markers in order.
fn render(tokens: &[String], separators: &[u8]) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut markers = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            let choice = separators
                .get(i % separators.len().max(1))
                .copied()
                .unwrap_or(0);
            match choice % 12 {
                0..=5 => text.push(' '),
                6 => text.push('\n'),
                7 => text.push_str("\n\n\n      "),
                8 => text.push('\t'),
                9 => {
                    let marker = format!("<c{}>", markers.len());
                    text.push_str(&format!(" /* {marker} */ "));
                    markers.push(marker);
                }
                10 => {
                    let marker = format!("<c{}>", markers.len());
                    text.push_str(&format!(" // {marker}\n"));
                    markers.push(marker);
                }
                _ => {
                    let marker = format!("<c{}>", markers.len());
                    text.push_str(&format!("\n  // {marker}\n"));
                    markers.push(marker);
                }
            }
        }
        text.push_str(token);
    }
    (text, markers)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_format_stably(
        conditions in prop::collection::vec(cond(), 1..5),
        separators in prop::collection::vec(any::<u8>(), 1..64),
        facts_first in any::<bool>(),
    ) {
        let tokens = policy_tokens(&conditions, facts_first);
        let (source, markers) = render(&tokens, &separators);
        let once = format_text(FileId(0), &source);
        prop_assert!(once.is_ok(), "does not format:\n{source}");
        let once = once.unwrap();
        prop_assert_eq!(format(&once), once.clone(), "not idempotent:\n{}", source);
        prop_assert_eq!(meaning(&once), meaning(&source));
        // Every comment, once, in order.
        let mut at = 0;
        for marker in &markers {
            let found = once[at..].find(marker.as_str());
            prop_assert!(found.is_some(), "{} lost or out of order:\n{}", marker, once);
            at += found.unwrap() + marker.len();
        }
        prop_assert_eq!(comments(&once).len(), markers.len());
        let before = sources("gen.policy", &source);
        let after = sources("gen.policy", &once);
        let rules = compiled_without_positions(&before);
        prop_assert!(rules.is_some(), "does not compile:\n{}", source);
        prop_assert_eq!(compiled_without_positions(&after), rules);
    }
}

// ------------------------------------------------------------ command line

#[test]
fn check_prints_a_diff_and_writes_nothing() {
    let dir = scratch("fmt-check");
    let messy = std::fs::read(root().join("tests/fixtures/fmt/messy.policy")).unwrap();
    let path = dir.join("messy.policy");
    std::fs::write(&path, &messy).unwrap();
    let out = labelc(&["fmt", "--check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.starts_with(&format!("--- {}\n+++ ", path.display())),
        "{diff}"
    );
    assert!(diff.contains("\n-fact   device.connected :bool\n"));
    assert!(diff.contains("\n+fact device.connected: bool\n"));
    assert!(text(&out.stderr).contains("1 file would be reformatted, 0 already formatted"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        messy,
        "--check wrote the file"
    );
}

#[test]
fn fmt_rewrites_in_place_and_leaves_formatted_files_alone() {
    let dir = scratch("fmt-write");
    let messy = std::fs::read_to_string(root().join("tests/fixtures/fmt/messy.policy")).unwrap();
    let changed = dir.join("messy.policy");
    let clean = dir.join("clean.policy");
    std::fs::write(&changed, &messy).unwrap();
    std::fs::write(&clean, format(&messy)).unwrap();
    // An old modification time shows whether the clean file was rewritten.
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&clean)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let out = labelc(&["fmt", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("1 file reformatted, 1 already formatted"));
    assert_eq!(std::fs::read_to_string(&changed).unwrap(), format(&messy));
    assert_eq!(std::fs::metadata(&clean).unwrap().modified().unwrap(), old);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    let out = labelc(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_file_with_syntax_errors_is_reported_and_left_untouched() {
    let dir = scratch("fmt-broken");
    let broken = "fact a: bool\nscheme s@1 { criterion K { title } }\n";
    let path = dir.join("broken.policy");
    std::fs::write(&path, broken).unwrap();
    let out = labelc(&["fmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("labelc::syntax::"), "{stderr}");
    assert!(
        stderr.contains("1 with syntax errors left untouched"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
}

#[test]
fn standard_input_goes_to_standard_output() {
    let out = labelc_with_input(&["fmt", "-"], b"fact   a :bool");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "fact a: bool\n");
    let out = labelc_with_input(&["fmt", "--check", "-"], b"fact   a :bool");
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.contains("\n-fact   a :bool\n") && diff.contains("\n+fact a: bool\n"),
        "{diff}"
    );
    let out = labelc_with_input(&["fmt", "--check", "-"], b"fact a: bool\n");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = labelc_with_input(&["fmt", "-"], b"fact a: \xff");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("labelc::source::invalid_utf8")
            || text(&out.stderr).contains("UTF-8")
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn the_reference_policies_are_formatted() {
    let out = labelc(&["fmt", "--check", "policies/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let out = labelc(&["fmt", "no/such/file.policy"]);
    assert_eq!(out.status.code(), Some(2));
}
