//! The reference policies under `policies/`: they check clean, they hold the
//! counts the published sources fix (CRA Annexes I, III and IV, NIST IR 8425,
//! CLS and JC-STAR levels, PSTI Schedule 1, ETSI EN 303 645 clause 5) and
//! every published cross-recognition, and they carry the issue-14
//! corrections (see docs/policies.md, "Corrections after the audit").

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
    // `to sg_cls` is unpinned: the version in force on the date judged.
    assert_eq!(fi.to.version, None);
    let (index, _) = RULES
        .version_on(&fi.to.scheme, jiff::civil::date(2026, 11, 25))
        .unwrap();
    let cls = RULES.schemes.get(index).unwrap();
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
        assert!(stderr.contains("; 0 errors"), "{id}: {stderr}");
        // Products that name no category for the scheme are counted apart,
        // not as products that reach no level.
        let portfolio =
            std::fs::read_to_string(common::root().join("policies/examples/portfolio.jsonl"))
                .unwrap();
        let outside = portfolio
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter(|l| {
                let product: serde_json::Value = serde_json::from_str(l).unwrap();
                product
                    .get("category")
                    .and_then(|c| c.as_object())
                    .is_some_and(|c| !c.contains_key(id))
            })
            .count();
        if outside > 0 {
            assert!(
                stderr.contains(&format!("out of scope: {outside}")),
                "{id}: {stderr}"
            );
        }
    }
}

/// Judges one product line against the version of `scheme` in force on `as_of`.
fn judge(scheme: &str, as_of: jiff::civil::Date, line: &str) -> serde_json::Value {
    let index = labelc::eval::select_scheme(&RULES, scheme, as_of).unwrap();
    let program = labelc::eval::Program::new(&RULES, index, as_of).unwrap();
    let outcome = program.evaluate_json_with(line, true).unwrap();
    serde_json::to_value(&outcome).unwrap()
}

/// The Cyber Trust Mark's excluded products are out of the programme's scope
/// (as UK PSTI's excepted products are): an FDA-regulated device with no facts
/// is not "in scope, reachable 1".
#[test]
fn us_ctm_excluded_products_are_out_of_scope() {
    let as_of = jiff::civil::date(2026, 11, 30);
    let pump = judge(
        "us_ctm",
        as_of,
        r#"{"id": "infusion-pump", "category": "fda_medical_devices"}"#,
    );
    assert_eq!(pump["in_scope"], false, "{pump}");
    assert!(pump["excluded"].as_str().unwrap().contains("FDA"), "{pump}");
    assert!(
        pump["level"].is_null() && pump["reachable"].is_null(),
        "{pump}"
    );
    for criterion in pump["criteria"].as_array().unwrap() {
        assert_eq!(criterion["outcome"], "not_applicable", "{criterion}");
    }
    // Every excluded kind, not only the FDA one; the consumer categories stay in scope.
    for category in [
        "nhtsa_motor_vehicles",
        "wired_devices",
        "industrial_enterprise_products",
        "covered_list_equipment",
        "national_security_listed_entities",
    ] {
        let line = format!(r#"{{"id": "p", "category": "{category}"}}"#);
        assert_eq!(
            judge("us_ctm", as_of, &line)["in_scope"],
            false,
            "{category}"
        );
    }
    let camera = judge(
        "us_ctm",
        as_of,
        r#"{"id": "cam", "category": "home_security_cameras"}"#,
    );
    assert_eq!(camera["in_scope"], true, "{camera}");
}

/// The Finnish label is a legacy label: holding CLS Level 3 or 4 today does not
/// make a product meet it, because no recognition stands for Traficom's grant
/// (FI-P.2); a product Traficom labelled does.
#[test]
fn cls_does_not_make_a_product_hold_the_legacy_finnish_label() {
    let as_of = jiff::civil::date(2026, 11, 30);
    for level in [3, 4] {
        let line =
            format!(r#"{{"id": "cam", "category": "consumer_iot", "holds": ["sg_cls:{level}"]}}"#);
        let cam = judge("fi_traficom", as_of, &line);
        assert!(cam["level"].is_null(), "CLS {level}: {cam}");
        let grant = cam["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "FI-P.2")
            .unwrap();
        assert_eq!(grant["outcome"], "unknown", "{grant}");
    }
    let labelled = judge(
        "fi_traficom",
        as_of,
        r#"{"id": "cam", "category": "consumer_iot", "holds": ["sg_cls:3"], "facts": {"fi.label_granted": true}}"#,
    );
    assert_eq!(labelled["level"], 1, "{labelled}");
    let recognition = RULES
        .recognitions
        .iter()
        .find(|r| r.id == "sg-cls--fi-traficom")
        .unwrap();
    assert!(
        !recognition.credits.iter().any(|c| c == "FI-P.2"),
        "{:?}",
        recognition.credits
    );
}

/// User-facing text (comments, titles, pending reasons, the examples'
/// README) cites the published sources, never a file the user does not have:
/// no path into the authors' workspace, no "schemes.md section N", no "the
/// reference" standing for that file, no machine path.
#[test]
fn policies_cite_published_sources_not_workspace_files() {
    let forbidden = [
        "shared/",
        "schemes.md",
        "../",
        "/work/",
        "/tmp/",
        "/home/",
        "design.md",
        "the reference",
    ];
    let mut files = collect_policy_files(&[common::root().join("policies")]).unwrap();
    files.push(common::root().join("policies/examples/README.md"));
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for needle in forbidden {
                if lower.contains(needle) {
                    found.push(format!("{}:{}: {needle}: {line}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(files.len() > 30, "{} files", files.len());
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Items the sources confirm ([C]) are encoded as confirmed, with a condition,
/// not left pending: the Finnish label's password area (like its sibling
/// areas) and JC-STAR's botnet and remote-attack goals of ★1 (like the other
/// two goals).
#[test]
fn confirmed_siblings_carry_the_same_status() {
    for (key, ids) in [
        ("fi_traficom@2019-11", &["FI-1", "FI-2", "FI-6"][..]),
        (
            "jc_star@2025-03",
            &["JCS-1.1", "JCS-1.2", "JCS-1.3", "JCS-1.4"][..],
        ),
    ] {
        let scheme = scheme(key);
        for id in ids {
            let criterion = scheme.criteria.iter().find(|c| c.id == *id).unwrap();
            assert!(
                matches!(criterion.status, labelc::rules::Status::Confirmed),
                "{key} {id} is pending"
            );
            assert!(criterion.condition.is_some(), "{key} {id} has no condition");
        }
    }
    // The launch version of CLS takes effect in its launch month.
    assert_eq!(
        scheme("sg_cls@2020-10").effective.as_deref(),
        Some("2020-10-01")
    );
}
