//! No vacuous levels: a level none of whose added criteria applies on the
//! assessment date (not in force yet, no longer in force, or not for the
//! product's category) is neither met nor reachable, and the result says why.
//! Checked on small fixtures (dates, categories, `include`, `at_least`) and on
//! the EU CRA before and after 2026-09-11 and 2027-12-11.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::sync::LazyLock;

use jiff::civil::{Date, date};
use labelc::eval::{Outcome, Program, Verdict, render_explanation, select_scheme};
use labelc::rules::RuleSet;
use labelc::source::{SourceMap, collect_policy_files};

const FIXTURE: &str = r#"
fact a: bool
fact b: bool
fact c: bool

scheme lv@1 {
  title "Levels that may not apply"
  category devices {
    title "Devices"
    category camera { title "Cameras" }
    category router { title "Routers" }
  }
  criterion A { title "a" condition a }
  criterion LATER { title "from 2027" valid_from 2027-01-01 condition b }
  criterion ROUTER { title "routers only" applies_to router condition c }
  level 1 { title "one" require A }
  level 2 { title "two" include 1 require LATER, ROUTER }
  level 3 { title "three" include 2 at_least 2 of (A, LATER, ROUTER) }
}

scheme dated@1 {
  title "A scheme whose only level is dated"
  category devices { title "Devices" }
  criterion EARLY { title "until 2025" valid_until 2025-12-31 condition a }
  criterion LATE { title "from 2027" valid_from 2027-01-01 condition a }
  level 1 { title "one" require EARLY, LATE }
}

scheme grouped@1 {
  title "A level made of one at_least group"
  category devices {
    title "Devices"
    category camera { title "Cameras" }
    category router { title "Routers" }
  }
  criterion G1 { title "a" condition a }
  criterion G2 { title "b, from 2027" valid_from 2027-01-01 condition b }
  criterion G3 { title "c, routers only" applies_to router condition c }
  level 1 { title "one" at_least 2 of (G1, G2, G3) }
}
"#;

static FIXTURE_RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    let mut sources = SourceMap::new();
    sources.add("levels.policy", FIXTURE.to_string());
    labelc::compile(&sources).unwrap()
});

static POLICIES: LazyLock<RuleSet> = LazyLock::new(|| {
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

fn judge(rules: &'static RuleSet, scheme: &str, as_of: Date, product: &str) -> Outcome<'static> {
    let program = Program::new(rules, select_scheme(rules, scheme, as_of).unwrap(), as_of).unwrap();
    // The outcome borrows only the rule set; the program may go.
    let outcome = program.evaluate_json_with(product, true).unwrap();
    // The fast JSON writer must stay byte-identical with serde for the new fields.
    let mut fast = Vec::new();
    outcome.write_json(&mut fast).unwrap();
    assert_eq!(
        String::from_utf8(fast).unwrap(),
        serde_json::to_string(&outcome).unwrap()
    );
    outcome
}

fn does_not_apply(outcome: &Outcome<'_>) -> Option<String> {
    outcome.next.as_ref().and_then(|n| n.does_not_apply.clone())
}

fn verdict(outcome: &Outcome<'_>, id: &str) -> Verdict {
    outcome
        .criteria
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.id == id)
        .unwrap()
        .outcome
}

#[test]
fn a_level_not_in_force_yet_is_not_met_and_says_from_when() {
    let product = r#"{"id":"p","category":"devices","facts":{"a":true}}"#;
    // Before 2026: EARLY applies, LATE not yet: the level applies and is met.
    let before = judge(&FIXTURE_RULES, "dated", date(2025, 6, 1), product);
    assert_eq!((before.level, before.reachable), (Some(1), Some(1)));
    assert!(before.next.is_none());
    // In 2026 neither applies: the level does not apply, so it is not met.
    let gap = judge(&FIXTURE_RULES, "dated", date(2026, 6, 1), product);
    assert_eq!((gap.level, gap.reachable), (None, None));
    assert_eq!(verdict(&gap, "EARLY"), Verdict::NotApplicable);
    assert_eq!(verdict(&gap, "LATE"), Verdict::NotApplicable);
    assert_eq!(
        does_not_apply(&gap).as_deref(),
        Some(
            "level 1 does not apply yet on 2026-06-01: none of its criteria is in force before 2027-01-01"
        )
    );
    assert_eq!(gap.next.as_ref().unwrap().rank, 1);
}

#[test]
fn a_level_no_longer_in_force_says_until_when() {
    // A level made only of EARLY: after its end nothing comes into force again.
    let only_early = r#"
fact a: bool
scheme past@1 {
  title "Past"
  category devices { title "Devices" }
  criterion EARLY { title "until 2025" valid_until 2025-12-31 condition a }
  level 1 { title "one" require EARLY }
}
"#;
    let mut sources = SourceMap::new();
    sources.add("past.policy", only_early.to_string());
    let past: &'static RuleSet = Box::leak(Box::new(labelc::compile(&sources).unwrap()));
    let product = r#"{"id":"p","category":"devices","facts":{"a":true}}"#;
    let outcome = judge(past, "past", date(2026, 1, 1), product);
    assert_eq!((outcome.level, outcome.reachable), (None, None));
    assert_eq!(
        does_not_apply(&outcome).as_deref(),
        Some(
            "level 1 no longer applies on 2026-01-01: none of its criteria is in force after 2025-12-31"
        )
    );
    // The last day it was in force, the level still applies and is met.
    let last_day = judge(past, "past", date(2025, 12, 31), product);
    assert_eq!(last_day.level, Some(1));
}

#[test]
fn an_included_level_does_not_make_the_level_above_apply() {
    // Level 2 includes level 1 (which applies) and adds LATER (not in force
    // until 2027) and ROUTER (routers only): for a camera in 2026 it adds
    // nothing applicable, so the camera stays at level 1.
    let camera = r#"{"id":"cam","category":"camera","facts":{"a":true,"b":true,"c":true}}"#;
    let outcome = judge(&FIXTURE_RULES, "lv", date(2026, 6, 1), camera);
    assert_eq!((outcome.level, outcome.reachable), (Some(1), Some(1)));
    let next = outcome.next.as_ref().unwrap();
    assert_eq!(next.rank, 2);
    assert_eq!(
        next.does_not_apply.as_deref(),
        Some(
            "level 2 does not apply yet on 2026-06-01: none of the criteria it adds to level 1 is in force before 2027-01-01"
        )
    );
    assert!(next.failing.is_empty() && next.unknown.is_empty());

    // From 2027 LATER applies to the camera, so level 2 applies and is met
    // although ROUTER is not applicable; level 3 asks for 2 of (A, LATER,
    // ROUTER): the camera meets A and LATER.
    let outcome = judge(&FIXTURE_RULES, "lv", date(2027, 1, 1), camera);
    assert_eq!((outcome.level, outcome.reachable), (Some(3), Some(3)));
}

#[test]
fn a_level_for_other_categories_says_so() {
    // In 2026 level 2 adds ROUTER, which applies to routers: level 2 applies
    // to a router, and level 3 (2 of A, LATER, ROUTER) is met by A and
    // ROUTER while LATER is not in force.
    let router = r#"{"id":"rtr","category":"router","facts":{"a":true,"c":true}}"#;
    let outcome = judge(&FIXTURE_RULES, "lv", date(2026, 6, 1), router);
    assert_eq!((outcome.level, outcome.reachable), (Some(3), Some(3)));
    assert_eq!(verdict(&outcome, "LATER"), Verdict::NotApplicable);
    // A router failing ROUTER stops below level 2.
    let failing = r#"{"id":"rtr","category":"router","facts":{"a":true,"c":false}}"#;
    let outcome = judge(&FIXTURE_RULES, "lv", date(2026, 6, 1), failing);
    assert_eq!((outcome.level, outcome.reachable), (Some(1), Some(1)));
    assert_eq!(does_not_apply(&outcome), None);

    // When only the category keeps every criterion out, the reason says so.
    let single = r#"
fact c: bool
scheme only_routers@1 {
  title "Routers only"
  category devices {
    title "Devices"
    category camera { title "Cameras" }
    category router { title "Routers" }
  }
  criterion R { title "routers" applies_to router condition c }
  level 1 { title "one" require R }
}
"#;
    let mut sources = SourceMap::new();
    sources.add("routers.policy", single.to_string());
    let rules: &'static RuleSet = Box::leak(Box::new(labelc::compile(&sources).unwrap()));
    let camera = judge(
        rules,
        "only_routers",
        date(2026, 6, 1),
        r#"{"id":"cam","category":"camera","facts":{}}"#,
    );
    assert_eq!((camera.level, camera.reachable), (None, None));
    assert_eq!(
        does_not_apply(&camera).as_deref(),
        Some("level 1 does not apply to `camera`: none of its criteria covers it")
    );
}

#[test]
fn at_least_counts_only_applicable_members() {
    // 2 of (G1, G2, G3) for a camera in 2026: G2 is not in force and G3 is
    // for routers, so one member applies: the group cannot be met, and it
    // reports the two members that count for nothing.
    let camera = r#"{"id":"cam","category":"camera","facts":{"a":true,"b":true,"c":true}}"#;
    let outcome = judge(&FIXTURE_RULES, "grouped", date(2026, 6, 1), camera);
    assert_eq!((outcome.level, outcome.reachable), (None, None));
    let next = outcome.next.as_ref().unwrap();
    assert_eq!(
        next.does_not_apply, None,
        "G1 applies, so the level applies"
    );
    assert_eq!(next.groups.len(), 1);
    let group = &next.groups[0];
    assert_eq!((group.k, group.met, group.unknown), (2, 1, 0));
    assert_eq!(group.not_applicable, 2);
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(json["next"]["groups"][0]["not_applicable"], 2);
    let text = render_explanation(&outcome, &Default::default());
    assert!(
        text.contains("at least 2 of (G1, G2, G3): 1 met, 0 unknown, 2 not applicable"),
        "{text}"
    );
    // From 2027 G2 applies too: G1 and G2 meet the group.
    let outcome = judge(&FIXTURE_RULES, "grouped", date(2027, 6, 1), camera);
    assert_eq!(outcome.level, Some(1));

    // Every member not applicable: the level does not apply at all.
    let nothing = r#"
fact b: bool
scheme late_group@1 {
  title "Late group"
  category devices { title "Devices" }
  criterion L1 { title "b" valid_from 2027-01-01 condition b }
  criterion L2 { title "not b" valid_from 2028-01-01 condition not b }
  level 1 { title "one" at_least 1 of (L1, L2) }
}
"#;
    let mut sources = SourceMap::new();
    sources.add("late.policy", nothing.to_string());
    let rules: &'static RuleSet = Box::leak(Box::new(labelc::compile(&sources).unwrap()));
    let outcome = judge(
        rules,
        "late_group",
        date(2026, 6, 1),
        r#"{"id":"p","category":"devices","facts":{"b":true}}"#,
    );
    assert_eq!((outcome.level, outcome.reachable), (None, None));
    assert_eq!(
        does_not_apply(&outcome).as_deref(),
        Some(
            "level 1 does not apply yet on 2026-06-01: none of its criteria is in force before 2027-01-01"
        )
    );
}

/// The facts of a default-category CRA product meeting every requirement
/// that has a condition (as the reference test
/// eu-cra-kettle-meets-every-requirement).
fn cra_compliant_kettle() -> String {
    let facts: serde_json::Map<String, serde_json::Value> = [
        ("cra.risk_based_design", serde_json::Value::Bool(true)),
        (
            "cra.no_known_exploitable_vulnerabilities",
            serde_json::Value::Bool(true),
        ),
        ("cra.secure_by_default", serde_json::Value::Bool(true)),
        ("cra.reset_to_original_state", serde_json::Value::Bool(true)),
        ("update.mechanism", serde_json::Value::Bool(true)),
        (
            "cra.update.automatic_default_opt_out",
            serde_json::Value::Bool(true),
        ),
        ("authentication.required", serde_json::Value::Bool(true)),
        (
            "cra.access.unauthorised_reported",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.data.confidentiality_protected",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.data.integrity_protected",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.data.corruption_reported",
            serde_json::Value::Bool(true),
        ),
        ("cra.data.minimised", serde_json::Value::Bool(true)),
        ("cra.availability.protected", serde_json::Value::Bool(true)),
        (
            "cra.impact_on_other_services_minimised",
            serde_json::Value::Bool(true),
        ),
        ("network.services_minimised", serde_json::Value::Bool(true)),
        ("debug_interface.protected", serde_json::Value::Bool(true)),
        (
            "cra.attack_surface.interfaces_limited",
            serde_json::Value::Bool(true),
        ),
        ("cra.exploitation_mitigation", serde_json::Value::Bool(true)),
        ("logging.security_events", serde_json::Value::Bool(true)),
        ("cra.logging.user_opt_out", serde_json::Value::Bool(true)),
        ("cra.data.secure_removal", serde_json::Value::Bool(true)),
        ("cra.data.secure_transfer", serde_json::Value::Bool(true)),
        (
            "vulnerability.management_process",
            serde_json::Value::Bool(true),
        ),
        ("cra.sbom.drawn_up", serde_json::Value::Bool(true)),
        (
            "vulnerability.fixes_provided",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.security_updates.separate_from_functionality",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.security_testing.regular",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.fixed_vulnerabilities.disclosed",
            serde_json::Value::Bool(true),
        ),
        ("cra.cvd_policy.enforced", serde_json::Value::Bool(true)),
        (
            "cra.vulnerability_contact.published",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.update.secure_distribution",
            serde_json::Value::Bool(true),
        ),
        (
            "update.security_updates_provided",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.security_updates.free_of_charge",
            serde_json::Value::Bool(true),
        ),
        (
            "cra.security_updates.advisory_messages",
            serde_json::Value::Bool(true),
        ),
        ("cra.tailor_made_agreement", serde_json::Value::Bool(false)),
        ("cra.support_period_months", serde_json::Value::from(60)),
        (
            "cra.support_period.covers_expected_use_time",
            serde_json::Value::Bool(false),
        ),
        (
            "cra.reporting.early_warning_hours",
            serde_json::Value::from(24),
        ),
        (
            "cra.reporting.notification_hours",
            serde_json::Value::from(72),
        ),
        (
            "cra.reporting.final_report_days_vulnerability",
            serde_json::Value::from(14),
        ),
        (
            "cra.reporting.single_reporting_platform",
            serde_json::Value::Bool(true),
        ),
        ("cra.conformity_route", serde_json::Value::from("module_a")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    serde_json::json!({"id": "kettle", "category": "default_products", "facts": facts}).to_string()
}

#[test]
fn cra_level_does_not_apply_before_2026_09_11() {
    let product = cra_compliant_kettle();
    let outcome = judge(&POLICIES, "eu_cra", date(2026, 9, 10), &product);
    assert!(outcome.in_scope);
    assert_eq!((outcome.level, outcome.reachable), (None, None));
    assert!(
        outcome
            .criteria
            .as_ref()
            .unwrap()
            .iter()
            .all(|c| c.outcome == Verdict::NotApplicable)
    );
    assert_eq!(
        does_not_apply(&outcome).as_deref(),
        Some(
            "level 1 does not apply yet on 2026-09-10: none of its criteria is in force before 2026-09-11"
        )
    );
}

#[test]
fn cra_after_2026_09_11_art14_fr_i_is_what_keeps_level_1_from_being_reached() {
    let product = cra_compliant_kettle();
    for day in [date(2026, 9, 11), date(2027, 12, 10)] {
        let outcome = judge(&POLICIES, "eu_cra", day, &product);
        assert_eq!((outcome.level, outcome.reachable), (None, Some(1)), "{day}");
        let next = outcome.next.as_ref().unwrap();
        assert_eq!(next.does_not_apply, None, "{day}: Art. 14 applies");
        assert!(next.failing.is_empty(), "{day}");
        let unknown: Vec<&str> = next.unknown.iter().map(|c| c.id).collect();
        assert_eq!(unknown, ["ART14-FR-I"], "{day}");
        assert_eq!(next.pending, ["ART14-FR-I"], "{day}");
        assert_eq!(verdict(&outcome, "ART14-EW"), Verdict::Pass, "{day}");
        assert_eq!(verdict(&outcome, "I-1"), Verdict::NotApplicable, "{day}");
        let text = render_explanation(&outcome, &Default::default());
        assert!(
            text.contains(
                "no product reaches level 1 while ART14-FR-I is pending: no fact can meet it, only a recognition can credit it"
            ),
            "{text}"
        );
    }
}

#[test]
fn cra_from_2027_12_11_judges_everything_and_still_waits_on_art14_fr_i() {
    let product = cra_compliant_kettle();
    let outcome = judge(&POLICIES, "eu_cra", date(2027, 12, 11), &product);
    assert_eq!((outcome.level, outcome.reachable), (None, Some(1)));
    let next = outcome.next.as_ref().unwrap();
    assert_eq!(next.pending, ["ART14-FR-I"]);
    assert_eq!(verdict(&outcome, "I-1"), Verdict::Pass);
    assert_eq!(verdict(&outcome, "ART32-DEFAULT"), Verdict::Pass);
    // A product failing an Annex I requirement from that day cannot reach it.
    let failing = product.replace(
        "\"cra.risk_based_design\":true",
        "\"cra.risk_based_design\":false",
    );
    assert_ne!(failing, product);
    let outcome = judge(&POLICIES, "eu_cra", date(2027, 12, 11), &failing);
    assert_eq!((outcome.level, outcome.reachable), (None, None));
    // The day before, the same failure is not judged yet.
    let outcome = judge(&POLICIES, "eu_cra", date(2027, 12, 10), &failing);
    assert_eq!(outcome.reachable, Some(1));
}

#[test]
fn cra_portfolio_on_2026_09_10_reaches_no_level() {
    let out = common::labelc(&[
        "eval",
        "policies/",
        "--scheme",
        "eu_cra",
        "--as-of",
        "2026-09-10",
        "--facts",
        "policies/examples/portfolio.jsonl",
        "--format",
        "json",
    ]);
    let stdout = common::text(&out.stdout);
    let judged: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("error").is_none())
        .collect();
    assert!(judged.len() >= 10, "{stdout}");
    for product in &judged {
        assert_eq!(product["level"], serde_json::Value::Null, "{product}");
        assert_eq!(product["reachable"], serde_json::Value::Null, "{product}");
        // A product that names no CRA category is out of scope, with no next level.
        if product.get("excluded").is_some() {
            continue;
        }
        assert!(
            product["next"]["does_not_apply"]
                .as_str()
                .unwrap()
                .contains("before 2026-09-11"),
            "{product}"
        );
    }
    // The one-line output gives the reason, and names the pending criterion
    // from 2026-09-11.
    let human = |day: &str| {
        common::text(
            &common::labelc(&[
                "eval",
                "policies/",
                "--scheme",
                "eu_cra",
                "--as-of",
                day,
                "--facts",
                "policies/examples/portfolio.jsonl",
            ])
            .stdout,
        )
    };
    let before = human("2026-09-10");
    assert!(
        before.contains("cam-aurora-4k: level none (reachable none); level 1 does not apply yet on 2026-09-10: none of its criteria is in force before 2026-09-11"),
        "{before}"
    );
    let after = human("2026-09-11");
    assert!(
        after.contains("cam-aurora-4k: level none (reachable 1); level 1: 0 failing, 1 unknown (pending: ART14-FR-I)"),
        "{after}"
    );
}

#[test]
fn cra_plan_before_2026_09_11_says_the_level_does_not_apply() {
    let plan = |day: &str, format: &str| {
        common::text(
            &common::labelc(&[
                "plan",
                "policies/",
                "--scheme",
                "eu_cra",
                "--category",
                "default_products",
                "--as-of",
                day,
                "--format",
                format,
            ])
            .stdout,
        )
    };
    let json: serde_json::Value = serde_json::from_str(&plan("2026-09-10", "json")).unwrap();
    let scheme = &json["schemes"][0];
    assert_eq!(scheme["work"].as_array().unwrap().len(), 0);
    assert_eq!(scheme["levels_not_applying"][0]["level"], 1);
    assert_eq!(
        scheme["levels_not_applying"][0]["reason"],
        "level 1 does not apply yet on 2026-09-10: none of its criteria is in force before 2026-09-11"
    );
    let markdown = plan("2026-09-10", "markdown");
    assert!(
        markdown.contains("Nothing to assess on the assessment date: level 1 does not apply"),
        "{markdown}"
    );
    assert!(!markdown.contains("Nothing left to assess"), "{markdown}");
    // From 2026-09-11 the Art. 14 criteria are work, and the level applies.
    let json: serde_json::Value = serde_json::from_str(&plan("2026-09-11", "json")).unwrap();
    let scheme = &json["schemes"][0];
    assert!(scheme.get("levels_not_applying").is_none(), "{scheme}");
    assert!(!scheme["work"].as_array().unwrap().is_empty());
}
