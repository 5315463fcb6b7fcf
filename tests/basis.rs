//! The basis of rules (`basis`), the nature of schemes (`nature`) and
//! grouping categories: parsed, compiled, counted by `check`, shown by
//! `eval`, and left out by `--official-only`; and the reference policies'
//! corrections that use them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::sync::LazyLock;

use labelc::eval::{Outcome, Program, select_scheme};
use labelc::rules::{Basis, Nature, RuleSet, official_only};
use labelc::source::{SourceMap, collect_policy_files};

const FIXTURE: &str = "tests/fixtures/basis/rules.policy";

fn fixture_rules() -> RuleSet {
    let mut sources = SourceMap::new();
    sources.add(
        FIXTURE,
        std::fs::read_to_string(common::root().join(FIXTURE)).unwrap(),
    );
    labelc::compile(&sources).unwrap()
}

static REFERENCE: LazyLock<RuleSet> = LazyLock::new(|| {
    let files = collect_policy_files(&[common::root().join("policies")]).unwrap();
    let mut sources = SourceMap::new();
    for file in files {
        sources.add(
            file.display().to_string(),
            std::fs::read_to_string(&file).unwrap(),
        );
    }
    labelc::compile(&sources).unwrap()
});

fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 25)
}

fn judge<'r>(rules: &'r RuleSet, scheme: &str, product: &str) -> Outcome<'r> {
    let index = select_scheme(rules, scheme, as_of()).unwrap();
    let program = Program::new(rules, index, as_of()).unwrap();
    program.evaluate_json_with(product, true).unwrap()
}

fn portfolio_line(id: &str) -> String {
    std::fs::read_to_string(common::root().join("policies/examples/portfolio.jsonl"))
        .unwrap()
        .lines()
        .find(|l| l.contains(&format!("\"id\": \"{id}\"")))
        .unwrap_or_else(|| panic!("no product {id}"))
        .to_string()
}

#[test]
fn basis_and_nature_are_compiled() {
    let rules = fixture_rules();
    let demo = rules.schemes.iter().find(|s| s.id == "demo").unwrap();
    assert_eq!(demo.nature, Some(Nature::Voluntary));
    assert_eq!(
        demo.nature_note.as_deref(),
        Some("producers take part voluntarily")
    );
    let other = rules.schemes.iter().find(|s| s.id == "other").unwrap();
    assert_eq!(other.nature, Some(Nature::Mandatory));
    assert_eq!(
        demo.authorities[0].basis.as_ref().unwrap().on,
        Basis::Inferred
    );
    let b = demo.criteria.iter().find(|c| c.id == "B").unwrap();
    assert_eq!(b.basis.as_ref().unwrap().on, Basis::Inferred);
    let a = demo.criteria.iter().find(|c| c.id == "A").unwrap();
    assert_eq!(a.basis, None, "no basis stated: none compiled");
    // The place of C in level 1 rests on inference; A's and B's places do not.
    let level = &demo.levels[0];
    assert_eq!(
        level.require_basis.keys().collect::<Vec<_>>(),
        vec!["C"],
        "{level:?}"
    );
    assert_eq!(level.requires_all, vec!["A", "B", "C"]);
    let grouping = demo
        .categories
        .iter()
        .find(|c| c.id == "all_products")
        .unwrap();
    assert!(grouping.grouping.is_some());
    let speaker = demo.categories.iter().find(|c| c.id == "speaker").unwrap();
    assert_eq!(speaker.basis.as_ref().unwrap().on, Basis::Secondary);
    assert_eq!(
        rules.recognitions[0].basis.as_ref().unwrap().on,
        Basis::Reported
    );
}

#[test]
fn a_basis_given_twice_is_an_error() {
    let policy =
        "scheme s@1 { title \"S\" criterion A { title \"A\" basis inferred basis secondary } }";
    let mut sources = SourceMap::new();
    sources.add("twice.policy", policy);
    let (outcome, rules) = labelc::compile_sources(&sources, Vec::new());
    assert!(rules.is_none());
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.message.contains("`basis` is given twice")),
        "{:?}",
        outcome.diagnostics
    );
}

#[test]
fn an_unknown_basis_word_is_a_syntax_error_listing_the_words() {
    let policy = "scheme s@1 { title \"S\" criterion A { title \"A\" basis guessed } }";
    let mut sources = SourceMap::new();
    sources.add("word.policy", policy);
    let (outcome, _) = labelc::compile_sources(&sources, Vec::new());
    let text = format!("{:?}", outcome.diagnostics);
    assert!(
        text.contains("`official`, `secondary`, `reported` or `inferred`"),
        "{text}"
    );
}

#[test]
fn check_counts_rules_by_basis_and_names_the_nature() {
    let out = common::labelc(&["check", FIXTURE]);
    let stdout = common::text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // demo: authority (inferred), 3 categories (1 secondary), 3 criteria (1
    // inferred), 3 places in level 1 (1 inferred); other: 1 category, 1
    // criterion, 1 place; the recognition (reported).
    assert!(
        stdout.contains(
            "rules by basis: 9 official (9 unstated), 1 secondary, 1 reported, 3 inferred"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("demo@1 (Demo), voluntary:"), "{stdout}");
    assert!(stdout.contains("other@1 (Other), mandatory:"), "{stdout}");

    let json = common::labelc(&["check", "--format", "json", FIXTURE]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let basis = &value["summary"]["basis"];
    assert_eq!(basis["inferred"], 3, "{basis}");
    assert_eq!(basis["unstated"], 9, "{basis}");
    assert_eq!(value["summary"]["schemes"][0]["nature"], "voluntary");
}

#[test]
fn eval_says_what_the_level_rests_on() {
    let rules = fixture_rules();
    let all = r#"{"id": "p", "category": "camera", "facts": {"a": true, "b": true, "c": true}}"#;
    let outcome = judge(&rules, "demo", all);
    assert_eq!(outcome.level, Some(1));
    let rests = outcome.level_rests_on.as_ref().expect("rests on inference");
    // B is inferred itself, C's place in the level is; A is official.
    assert_eq!(rests.inferred, vec!["B", "C"]);
    assert!(rests.assumed_recognitions.is_empty());
    assert_eq!(rests.phrase(), "rests on 2 inferred criteria");

    // A holder of `other` gets B credited by an assumed recognition.
    let held = r#"{"id": "q", "category": "camera", "holds": ["other:1"], "facts": {"a": true, "c": true}}"#;
    let outcome = judge(&rules, "demo", held);
    assert_eq!(outcome.level, Some(1));
    let rests = outcome.level_rests_on.as_ref().unwrap();
    assert_eq!(rests.assumed_recognitions, vec!["other--demo"]);
    assert_eq!(
        rests.phrase(),
        "rests on 2 inferred criteria, 1 assumed recognition"
    );

    // Unknown facts: reachable rests on the same, level reached is none.
    let unknown = r#"{"id": "r", "category": "camera", "facts": {"a": true}}"#;
    let outcome = judge(&rules, "demo", unknown);
    assert_eq!(outcome.level, None);
    assert!(outcome.level_rests_on.is_none());
    assert_eq!(outcome.reachable_rests_on.unwrap().inferred, vec!["B", "C"]);

    // A product whose level rests on official text only has no `rests_on`.
    let other = judge(
        &rules,
        "other",
        r#"{"id": "o", "category": "any", "facts": {"a": true}}"#,
    );
    assert_eq!(other.level, Some(1));
    assert!(other.level_rests_on.is_none());
}

#[test]
fn rests_on_is_written_by_the_fast_writer_as_serde_writes_it() {
    let rules = fixture_rules();
    let held = r#"{"id": "q", "category": "camera", "holds": ["other:1"], "facts": {"a": true, "c": true}}"#;
    let outcome = judge(&rules, "demo", held);
    let mut fast = Vec::new();
    outcome.write_json(&mut fast).unwrap();
    assert_eq!(
        String::from_utf8(fast).unwrap(),
        serde_json::to_string(&outcome).unwrap()
    );
    let value = serde_json::to_value(&outcome).unwrap();
    assert_eq!(
        value["level_rests_on"],
        serde_json::json!({"inferred": ["B", "C"], "assumed_recognitions": ["other--demo"]})
    );
}

#[test]
fn a_grouping_category_is_not_in_scope_by_itself() {
    let rules = fixture_rules();
    let facts = r#""facts": {"a": true, "b": true, "c": true}"#;
    let parent = judge(
        &rules,
        "demo",
        &format!(r#"{{"id": "g", "category": "all_products", {facts}}}"#),
    );
    assert!(!parent.in_scope);
    assert_eq!(parent.excluded, Some("only catalogue entries are in scope"));
    assert_eq!(parent.level, None);
    // Its sub-categories are in scope: grouping is not inherited.
    let child = judge(
        &rules,
        "demo",
        &format!(r#"{{"id": "c", "category": "camera", {facts}}}"#),
    );
    assert!(child.in_scope);
    assert_eq!(child.level, Some(1));
}

#[test]
fn official_only_leaves_out_what_rests_on_less() {
    let rules = fixture_rules();
    let (official, left_out) = official_only(&rules);
    assert_eq!(left_out.criteria, 1, "{left_out:?}");
    assert_eq!(left_out.places, 1, "{left_out:?}");
    assert_eq!(left_out.categories, 1, "{left_out:?}");
    assert_eq!(left_out.recognitions, 1, "{left_out:?}");
    // Only A is official: B fails and C is unknown, yet level 1 is met.
    let product = r#"{"id": "p", "category": "camera", "facts": {"a": true, "b": false}}"#;
    assert_eq!(judge(&rules, "demo", product).level, None);
    let both = judge(&official, "demo", product);
    assert_eq!(both.level, Some(1));
    assert!(both.level_rests_on.is_none());
    // A category on a secondary source is outside the scheme.
    let speaker =
        r#"{"id": "s", "category": "speaker", "facts": {"a": true, "b": true, "c": true}}"#;
    assert_eq!(judge(&rules, "demo", speaker).level, Some(1));
    let judged = judge(&official, "demo", speaker);
    assert_eq!(judged.level, None);
    assert!(judged.excluded.unwrap().contains("secondary"));
    // The assumed recognition gives no credit.
    let held = r#"{"id": "q", "category": "camera", "holds": ["other:1"], "facts": {"a": true}}"#;
    let with = judge(&rules, "demo", held);
    let criteria = with.criteria.unwrap();
    assert_eq!(
        criteria.iter().find(|c| c.id == "B").unwrap().credited_by,
        vec!["other--demo"]
    );
    let without = judge(&official, "demo", held);
    assert!(
        without
            .criteria
            .unwrap()
            .iter()
            .all(|c| c.credited_by.is_empty())
    );
}

#[test]
fn official_only_changes_the_answer_for_a_reference_product() {
    // The flagship camera could reach ★★★ on the policy as written; on the
    // official text alone, the camera catalogue entry (seen in one secondary
    // source) is not in scope.
    let product = portfolio_line("cam-aurora-4k");
    let as_written = judge(&REFERENCE, "ccl@2026-04", &product);
    assert_eq!(as_written.reachable, Some(3));
    let rests = as_written.reachable_rests_on.as_ref().unwrap();
    for id in ["CAM-1", "CAM-6", "CAM-7"] {
        assert!(rests.inferred.contains(&id), "{rests:?}");
    }
    let (official, _) = official_only(&REFERENCE);
    let judged = judge(&official, "ccl@2026-04", &product);
    assert_eq!(judged.reachable, None);
    assert!(judged.excluded.is_some());

    // The same through the CLI: both answers, and a note on what was left out.
    let args = [
        "eval",
        "policies/",
        "--scheme",
        "ccl@2026-04",
        "--as-of",
        "2026-11-25",
        "--facts",
        "-",
    ];
    let out = common::labelc_with_input(&args, product.as_bytes());
    let stdout = common::text(&out.stdout);
    assert!(
        stdout.contains("reachable 3 — rests on 9 inferred criteria"),
        "{stdout}"
    );
    let mut official_args = args.to_vec();
    official_args.push("--official-only");
    let out = common::labelc_with_input(&official_args, product.as_bytes());
    let stdout = common::text(&out.stdout);
    let stderr = common::text(&out.stderr);
    assert!(
        stdout.contains("level none (reachable none); excluded"),
        "{stdout}"
    );
    assert!(stderr.contains("judged on official text only:"), "{stderr}");
}

#[test]
fn explain_shows_the_basis_on_the_portfolio() {
    let out = common::labelc(&[
        "eval",
        "policies/",
        "--scheme",
        "uk_psti",
        "--as-of",
        "2026-11-25",
        "--facts",
        "policies/examples/portfolio.jsonl",
        "--explain",
    ]);
    let stdout = common::text(&out.stdout);
    // cam-shadow-mini holds ETSI 5.3: PSTI SCH1-3 is credited by an arrangement
    // that rests on a reported line.
    let report = stdout
        .split("\n\n")
        .find(|r| r.starts_with("cam-shadow-mini"))
        .unwrap();
    let reached = report
        .lines()
        .find(|l| l.contains("level reached: 1"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        reached
            .ends_with("— rests on 1 assumed recognition (assumed recognition: etsi-5.3--uk-psti)"),
        "{report}"
    );
    // A product credited by official arrangements only shows no basis.
    let aurora = stdout
        .split("\n\n")
        .find(|r| r.starts_with("cam-aurora-4k"))
        .unwrap();
    assert!(!aurora.contains("rests on"), "{aurora}");
}

#[test]
fn reference_corrections_carry_their_basis() {
    let ccl = REFERENCE
        .schemes
        .iter()
        .find(|s| s.key() == "ccl@2026-04")
        .unwrap();
    assert_eq!(ccl.nature, Some(Nature::Voluntary));
    let star = ccl.levels.iter().find(|l| l.rank == 1).unwrap();
    for id in ["CAM-1", "CAM-2", "CAM-3", "CAM-4", "CAM-5", "CAM-6"] {
        assert_eq!(star.require_basis[id].on, Basis::Inferred, "{id}");
    }
    assert!(!star.require_basis.contains_key("CCL-1.1"));
    for id in ["cac", "miit", "mps"] {
        let authority = ccl.authorities.iter().find(|a| a.id == id).unwrap();
        assert_eq!(
            authority.basis.as_ref().unwrap().on,
            Basis::Inferred,
            "{id}"
        );
    }
    let parent = ccl
        .categories
        .iter()
        .find(|c| c.id == "connected_products")
        .unwrap();
    assert!(parent.grouping.is_some());

    let recognition = |id: &str| {
        REFERENCE
            .recognitions
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    assert_eq!(
        recognition("etsi-5.3--uk-psti").basis.as_ref().unwrap().on,
        Basis::Reported
    );
    let bsi_2022 = recognition("sg-cls--de-bsi-2022");
    assert_eq!(bsi_2022.valid_until.as_deref(), Some("2024-10-15"));
    assert_eq!(
        bsi_2022.valid_until_basis.as_ref().unwrap().on,
        Basis::Inferred
    );

    let nature = |id: &str| {
        REFERENCE
            .schemes
            .iter()
            .find(|s| s.id == id)
            .unwrap()
            .nature
    };
    for id in ["eu_cra", "uk_psti", "cn_specialized"] {
        assert_eq!(nature(id), Some(Nature::Mandatory), "{id}");
    }
    for id in ["ccl", "us_ctm", "sg_cls"] {
        assert_eq!(nature(id), Some(Nature::Voluntary), "{id}");
    }
}

#[test]
fn a_product_of_the_ccl_parent_category_is_outside_the_scheme() {
    let product = r#"{"id": "x", "category": "connected_products", "facts": {"default_password.unique": true}}"#;
    let outcome = judge(&REFERENCE, "ccl@2026-04", product);
    assert!(!outcome.in_scope);
    assert!(outcome.excluded.unwrap().contains("catalogue entry"));
    assert_eq!(outcome.reachable, None);
}

#[test]
fn the_basis_survives_fmt() {
    let text = std::fs::read_to_string(common::root().join(FIXTURE)).unwrap();
    let squeezed = text.replace(
        "require C basis inferred \"placed at level 1 by inference\"",
        "require   C   basis   inferred   \"placed at level 1 by inference\"",
    );
    assert_ne!(squeezed, text);
    let formatted = labelc::fmt::format_text(labelc::span::FileId(0), &squeezed).unwrap();
    assert_eq!(formatted, text);
}

#[test]
fn plans_name_the_nature_and_the_basis_of_each_step() {
    let plan = |extra: &[&str]| {
        let mut args = vec![
            "plan",
            FIXTURE,
            "--scheme",
            "demo",
            "--category",
            "camera",
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = common::labelc(&args);
        assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        value
    };
    let work = |value: &serde_json::Value| -> Vec<(String, Option<String>)> {
        value["schemes"][0]["work"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|step| step["criteria"].as_array().unwrap().clone())
            .map(|c| {
                (
                    c["criterion"].as_str().unwrap().to_string(),
                    c["basis"].as_str().map(str::to_string),
                )
            })
            .collect()
    };
    let full = plan(&[]);
    assert_eq!(full["schemes"][0]["nature"], "voluntary");
    let mut items = work(&full);
    items.sort();
    assert_eq!(
        items,
        vec![
            ("A".to_string(), None),
            ("B".to_string(), Some("inferred".to_string())),
            ("C".to_string(), Some("inferred".to_string())),
        ]
    );
    // On the official text only, B and C are not required by level 1.
    let official = plan(&["--official-only"]);
    assert_eq!(work(&official), vec![("A".to_string(), None)]);

    let out = common::labelc(&[
        "plan",
        "policies/",
        "--scheme",
        "eu_cra",
        "--category",
        "default_products",
        "--as-of",
        "2026-11-25",
    ]);
    let markdown = common::text(&out.stdout);
    assert!(markdown.contains("The scheme is mandatory."), "{markdown}");
    let out = common::labelc(&[
        "plan",
        "policies/",
        "--scheme",
        "ccl@2026-04",
        "--category",
        "consumer_cameras",
        "--level",
        "1",
        "--as-of",
        "2026-11-25",
    ]);
    let markdown = common::text(&out.stdout);
    assert!(markdown.contains("The scheme is voluntary."), "{markdown}");
    let cam1 = markdown
        .split("- [ ] ")
        .find(|item| item.starts_with("**CAM-1**"))
        .unwrap();
    assert!(
        cam1.contains("  - basis: inferred (not the official text)"),
        "{cam1}"
    );
}

#[test]
fn test_results_say_what_they_rest_on() {
    let out = common::labelc(&["test", FIXTURE]);
    let stdout = common::text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "test demo-level-on-inference (demo@1) ... ok (level 1 rests on 2 inferred criteria)"
        ),
        "{stdout}"
    );
    let out = common::labelc(&["test", "--format", "json", FIXTURE]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        value["tests"][0]["rests_on"],
        "level 1 rests on 2 inferred criteria"
    );
}

#[test]
fn diff_reports_a_change_of_basis_and_of_nature() {
    let old = fixture_rules();
    let text = std::fs::read_to_string(common::root().join(FIXTURE))
        .unwrap()
        .replace("nature voluntary", "nature mandatory")
        .replace(
            "basis inferred \"not in the official text\"",
            "basis official",
        )
        .replace(
            "        grouping \"only catalogue entries are in scope\"\n",
            "",
        );
    let mut sources = SourceMap::new();
    sources.add("new.policy", text);
    let new = labelc::compile(&sources).unwrap();
    let diff = labelc::diff::diff_rule_sets(&old, &new);
    let find = |kind: &str, id: &str| {
        diff.changes
            .iter()
            .find(|c| c.kind == kind && c.id == id)
            .unwrap_or_else(|| panic!("no {kind} {id}: {:#?}", diff.changes))
    };
    let basis = find("criterion.basis", "B");
    assert_eq!(basis.class, labelc::diff::Class::Neutral);
    assert_eq!(basis.new.as_ref().unwrap()["on"], "official");
    assert_eq!(
        find("scheme.nature", "demo@1").class,
        labelc::diff::Class::Neutral
    );
    // A category that stops being a grouping lets its own products be judged.
    assert_eq!(
        find("category.grouping", "all_products").class,
        labelc::diff::Class::Loosening
    );
}

#[test]
fn bsi_routers_get_cls_credit_only_from_the_2024_extension() {
    let credited_by = |category: &str, date: jiff::civil::Date| -> Vec<String> {
        let index = select_scheme(&REFERENCE, "sg_cls@2025-04", date).unwrap();
        let program = Program::new(&REFERENCE, index, date).unwrap();
        let product = format!(
            r#"{{"id": "p", "category": "{category}", "holds": ["de_bsi:1"], "facts": {{}}}}"#
        );
        let outcome = program.evaluate_json_with(&product, true).unwrap();
        let criteria = outcome.criteria.unwrap();
        criteria
            .iter()
            .find(|c| c.id == "CLS-PWD")
            .unwrap()
            .credited_by
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let before = jiff::civil::date(2023, 6, 1);
    let after = jiff::civil::date(2024, 10, 16);
    // The 2022 arrangement covers smart consumer devices, not routers.
    assert_eq!(credited_by("consumer_iot", before), vec!["de-bsi--sg-cls"]);
    assert!(credited_by("home_gateways", before).is_empty());
    // Routers are credited from the 2024 extension on, by its own row.
    assert_eq!(
        credited_by("home_gateways", after),
        vec!["de-bsi-routers--sg-cls"]
    );
}

#[test]
fn except_names_a_category_of_the_to_scheme() {
    let text = std::fs::read_to_string(common::root().join(FIXTURE))
        .unwrap()
        .replace(
            "    credits B\n",
            "    except camera, nowhere\n    credits B\n",
        );
    let mut sources = SourceMap::new();
    sources.add("except.policy", text);
    let (outcome, rules) = labelc::compile_sources(&sources, Vec::new());
    assert!(rules.is_none());
    let messages: Vec<&str> = outcome
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("`nowhere`"), "{messages:?}");
}

#[test]
fn except_leaves_a_category_out_of_a_recognition() {
    let text = std::fs::read_to_string(common::root().join(FIXTURE))
        .unwrap()
        .replace("    credits B\n", "    except camera\n    credits B\n");
    let mut sources = SourceMap::new();
    sources.add("except.policy", text);
    let rules = labelc::compile(&sources).unwrap();
    let held = |category: &str| {
        format!(r#"{{"id": "q", "category": "{category}", "holds": ["other:1"], "facts": {{}}}}"#)
    };
    let credited = |outcome: Outcome<'_>| {
        outcome
            .criteria
            .unwrap()
            .iter()
            .any(|c| !c.credited_by.is_empty())
    };
    assert!(!credited(judge(&rules, "demo", &held("camera"))));
    assert!(credited(judge(&rules, "demo", &held("speaker"))));
}
