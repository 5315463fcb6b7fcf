//! The reference policies under `policies/`: they check clean, and they hold
//! the counts the sources fix and every row of the cross-recognition matrix
//! (../shared/reference/schemes.md 2.2, 2.4, 3.2, 4.2, 5.1, 5.4, 5.5, 5.7).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::sync::LazyLock;

use labelc::rules::{Credit, RecognitionStatus, Relationship, RuleSet, Scheme};
use labelc::source::{SourceMap, collect_policy_files};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    let files = collect_policy_files(&[common::root().join("policies")]).unwrap();
    let mut sources = SourceMap::new();
    for file in files {
        sources.add(
            file.display().to_string(),
            std::fs::read_to_string(&file).unwrap(),
        );
    }
    let (outcome, rules) = labelc::compile_sources(&sources, Vec::new());
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    rules.unwrap()
});

fn scheme(key: &str) -> &'static Scheme {
    RULES
        .schemes
        .iter()
        .find(|s| s.key() == key)
        .unwrap_or_else(|| panic!("no scheme {key}"))
}

fn ids(scheme: &Scheme, matching: impl Fn(&str) -> bool) -> Vec<&str> {
    scheme
        .criteria
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| matching(id))
        .collect()
}

#[test]
fn every_scheme_of_the_brief_is_present() {
    let keys: Vec<String> = RULES.schemes.iter().map(Scheme::key).collect();
    for key in [
        "ccl@2025-11-draft",
        "ccl@2026-04",
        "cn_specialized@2023-07",
        "eu_cra@2024-2847",
        "us_ctm@2024-08",
        "sg_cls@2020-10",
        "sg_cls@2025-04",
        "jc_star@2025-03",
        "uk_psti@2024-04",
        "etsi_en_303_645@2.1.1",
        "fi_traficom@2019-11",
        "de_bsi@2021-11",
        "kr_cic@2025-06",
    ] {
        assert!(keys.iter().any(|k| k == key), "{key} missing from {keys:?}");
    }
}

#[test]
fn check_summary_lists_every_scheme_without_warnings() {
    let out = common::labelc(&["check", "--deny-warnings", "policies/"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let stdout = common::text(&out.stdout);
    for scheme in &RULES.schemes {
        assert!(
            stdout.contains(&scheme.key()),
            "{} not in the summary",
            scheme.key()
        );
    }
    assert!(stdout.contains("0 errors, 0 warnings"));
}

#[test]
fn eu_cra_classes_and_annex_i() {
    let cra = scheme("eu_cra@2024-2847");
    let children = |parent: &str| {
        cra.categories
            .iter()
            .filter(|c| c.parent.as_deref() == Some(parent))
            .count()
    };
    assert_eq!(children("important_class_i"), 19);
    assert_eq!(children("important_class_ii"), 4);
    assert_eq!(children("critical_products"), 3);
    let part_i = ids(cra, |id| {
        id == "I-1" || id.strip_prefix("I-2").is_some_and(|l| l.len() == 1)
    });
    assert_eq!(part_i.len(), 14, "{part_i:?}");
    let part_ii = ids(cra, |id| id.starts_with("II-"));
    assert_eq!(
        part_ii,
        [
            "II-1", "II-2", "II-3", "II-4", "II-5", "II-6", "II-7", "II-8"
        ]
    );
    // Reporting obligations apply from 2026-09-11, the rest from 2027-12-11.
    let from = |id: &str| {
        cra.criteria
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .valid_from
            .clone()
    };
    assert_eq!(from("I-1").as_deref(), Some("2027-12-11"));
    assert_eq!(from("ART14-N").as_deref(), Some("2026-09-11"));
}

#[test]
fn us_ctm_has_the_six_technical_and_four_non_technical_outcomes() {
    let ctm = scheme("us_ctm@2024-08");
    assert_eq!(
        ids(ctm, |id| id.len() == 2 && id.starts_with('T')),
        ["T1", "T2", "T3", "T4", "T5", "T6"]
    );
    assert_eq!(
        ids(ctm, |id| id.len() == 2 && id.starts_with('N')),
        ["N1", "N2", "N3", "N4"]
    );
}

#[test]
fn etsi_has_thirteen_provision_groups() {
    let etsi = scheme("etsi_en_303_645@2.1.1");
    let groups = ids(etsi, |id| id.starts_with("5."));
    assert_eq!(groups.len(), 13, "{groups:?}");
    assert_eq!(groups.first(), Some(&"5.1"));
    assert_eq!(groups.last(), Some(&"5.13"));
}

#[test]
fn uk_psti_has_the_three_schedule_1_requirements() {
    assert_eq!(
        ids(scheme("uk_psti@2024-04"), |_| true),
        ["SCH1-1", "SCH1-2", "SCH1-3"]
    );
}

#[test]
fn tiered_schemes_have_their_levels() {
    for (key, levels) in [
        ("sg_cls@2020-10", 4),
        ("sg_cls@2025-04", 4),
        ("jc_star@2025-03", 4),
        ("ccl@2025-11-draft", 3),
        ("ccl@2026-04", 3),
        ("kr_cic@2025-06", 3),
    ] {
        let s = scheme(key);
        assert_eq!(
            s.levels.iter().map(|l| l.rank).collect::<Vec<_>>(),
            (1..=levels).collect::<Vec<i64>>(),
            "{key}"
        );
    }
}

#[test]
fn ccl_final_adds_mps_as_co_issuer() {
    let authorities = |key: &str| -> Vec<String> {
        scheme(key)
            .authorities
            .iter()
            .map(|a| a.id.clone())
            .collect()
    };
    assert!(!authorities("ccl@2025-11-draft").iter().any(|a| a == "mps"));
    assert!(authorities("ccl@2026-04").iter().any(|a| a == "mps"));
}

/// One row of schemes.md 5.7: from scheme and level, to scheme, effect, date.
struct Row {
    from: (&'static str, i64),
    to: &'static str,
    credit: Credit,
    valid_from: &'static str,
}

#[test]
fn every_row_of_the_recognition_matrix_is_present() {
    use Credit::{Full, Partial};
    let rows = [
        Row {
            from: ("fi_traficom", 1),
            to: "sg_cls",
            credit: Full,
            valid_from: "2021-10-01",
        },
        Row {
            from: ("sg_cls", 3),
            to: "fi_traficom",
            credit: Full,
            valid_from: "2021-10-01",
        },
        Row {
            from: ("de_bsi", 1),
            to: "sg_cls",
            credit: Full,
            valid_from: "2022-10-20",
        },
        Row {
            from: ("sg_cls", 2),
            to: "de_bsi",
            credit: Full,
            valid_from: "2022-10-20",
        },
        Row {
            from: ("sg_cls", 2),
            to: "de_bsi",
            credit: Partial,
            valid_from: "2024-10-16",
        },
        Row {
            from: ("de_bsi", 1),
            to: "sg_cls",
            credit: Full,
            valid_from: "2024-10-16",
        },
        Row {
            from: ("kr_cic", 2),
            to: "sg_cls",
            credit: Full,
            valid_from: "2025-01-01",
        },
        Row {
            from: ("sg_cls", 3),
            to: "kr_cic",
            credit: Full,
            valid_from: "2025-01-01",
        },
        Row {
            from: ("sg_cls", 1),
            to: "uk_psti",
            credit: Full,
            valid_from: "2026-01-01",
        },
        Row {
            from: ("uk_psti", 1),
            to: "sg_cls",
            credit: Partial,
            valid_from: "2026-01-01",
        },
        Row {
            from: ("jc_star", 1),
            to: "uk_psti",
            credit: Full,
            valid_from: "2025-11-05",
        },
        Row {
            from: ("uk_psti", 1),
            to: "jc_star",
            credit: Full,
            valid_from: "2025-11-05",
        },
        Row {
            from: ("jc_star", 1),
            to: "sg_cls",
            credit: Partial,
            valid_from: "2026-06-01",
        },
        Row {
            from: ("sg_cls", 1),
            to: "jc_star",
            credit: Partial,
            valid_from: "2026-06-01",
        },
    ];
    for row in &rows {
        let found = RULES.recognitions.iter().any(|r| {
            r.from.scheme == row.from.0
                && r.from.level == Some(row.from.1)
                && r.to.scheme == row.to
                && r.credit == row.credit
                && r.valid_from.as_deref() == Some(row.valid_from)
                && r.status == RecognitionStatus::Official
        });
        assert!(
            found,
            "no recognition {}:{} -> {} from {}",
            row.from.0, row.from.1, row.to, row.valid_from
        );
    }
    // A recognition credits every criterion of the level it stands for.
    let fi = RULES
        .recognitions
        .iter()
        .find(|r| r.id == "fi-traficom--sg-cls")
        .unwrap();
    let cls = scheme(&format!("sg_cls@{}", fi.to.version));
    let mut level_3 = cls
        .levels
        .iter()
        .find(|l| l.rank == 3)
        .unwrap()
        .requires_all
        .clone();
    let mut credited = fi.credits.clone();
    level_3.sort();
    credited.sort();
    assert_eq!(credited, level_3);
}

#[test]
fn technical_mappings_are_assumed_never_official() {
    let mappings: Vec<_> = RULES
        .recognitions
        .iter()
        .filter(|r| r.to.scheme == "ccl")
        .collect();
    assert!(mappings.len() >= 9, "CCL against ETSI, CRA and IR 8425");
    for m in mappings {
        assert_eq!(m.status, RecognitionStatus::Assumed, "{}", m.id);
        assert_eq!(m.credit, Credit::Partial, "{}", m.id);
        assert_eq!(m.relationship, Relationship::IntersectsWith, "{}", m.id);
    }
}

#[test]
fn pending_items_are_carried_with_their_reasons() {
    let out = common::labelc(&["check", "--format", "json", "policies/"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pending = report["summary"]["pending"].as_array().unwrap();
    assert!(pending.len() > 50, "{}", pending.len());
    for item in pending {
        assert!(
            !item["reason"].as_str().unwrap().trim().is_empty(),
            "{item}"
        );
    }
}

/// Every product of the example portfolio is judged against every scheme it
/// names, without errors (a product not meant for a scheme says so).
#[test]
fn portfolio_evaluates_against_every_scheme_it_names() {
    let portfolio =
        std::fs::read_to_string(common::root().join("policies/examples/portfolio.jsonl")).unwrap();
    let lines = portfolio.lines().count();
    assert!(lines >= 20, "{lines} products");
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut ids: Vec<&str> = RULES.schemes.iter().map(|s| s.id.as_str()).collect();
    ids.dedup();
    assert!(ids.len() >= 10, "{ids:?}");
    let (mut judged, mut outside) = (0, 0);
    for id in ids {
        let index = labelc::eval::select_scheme(&RULES, id, as_of).unwrap();
        let program = labelc::eval::Program::new(&RULES, index, as_of).unwrap();
        for line in portfolio.lines() {
            // A product that names no category for the scheme is out of its
            // scope, not an error.
            let outcome = program
                .evaluate_json(line)
                .unwrap_or_else(|e| panic!("{id}: {e}: {line}"));
            if outcome.category.is_some() {
                judged += 1;
            } else {
                assert!(!outcome.in_scope && outcome.level.is_none(), "{id}: {line}");
                assert!(outcome.excluded.is_some(), "{id}: {line}");
                outside += 1;
            }
        }
    }
    assert!(judged >= 90, "only {judged} judgements");
    assert!(outside >= 90, "only {outside} products out of scope");
}

/// `labelc eval policies/ --scheme X --facts policies/examples/portfolio.jsonl`
/// exits 0 for every scheme of the reference policies.
#[test]
fn the_portfolio_evaluates_without_errors_from_the_command_line() {
    let mut ids: Vec<&str> = RULES.schemes.iter().map(|s| s.id.as_str()).collect();
    ids.dedup();
    for id in ids {
        let out = common::labelc(&[
            "eval",
            "policies/",
            "--scheme",
            id,
            "--as-of",
            "2026-11-25",
            "--facts",
            "policies/examples/portfolio.jsonl",
        ]);
        let stderr = common::text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{id}: {stderr}");
        assert!(stderr.contains("; 0 error(s)"), "{id}: {stderr}");
    }
}
