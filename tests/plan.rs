//! `labelc plan`: snapshots of the Markdown and JSON plans for each kind of
//! request, each with assertions of what must hold, and the invariant that
//! every criterion the target level requires appears exactly once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::collections::BTreeMap;

use common::{labelc, text};

const FIXTURE: &str = "tests/fixtures/plan/rules.policy";

/// Runs `labelc plan` on the fixture in both formats; returns (markdown, json).
fn plan(extra: &[&str]) -> (String, serde_json::Value) {
    let mut args = vec!["plan", FIXTURE, "--as-of", "2026-11-25"];
    args.extend_from_slice(extra);
    let md = labelc(&args);
    assert_eq!(md.status.code(), Some(0), "{}", text(&md.stderr));
    args.extend_from_slice(&["--format", "json"]);
    let json = labelc(&args);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    (
        text(&md.stdout),
        serde_json::from_slice(&json.stdout).unwrap(),
    )
}

/// Every criterion a scheme plan covers, with how often it appears.
fn appearances(scheme: &serde_json::Value) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut add =
        |id: &serde_json::Value| *seen.entry(id.as_str().unwrap().to_string()).or_default() += 1;
    for c in scheme["credits"].as_array().unwrap() {
        add(&c["criterion"]);
    }
    for c in scheme["not_applicable"].as_array().unwrap() {
        add(&c["criterion"]);
    }
    for c in scheme
        .get("decided")
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
    {
        add(&c["criterion"]);
    }
    for step in scheme["work"].as_array().unwrap() {
        for c in step["criteria"].as_array().unwrap() {
            add(&c["criterion"]);
        }
    }
    seen
}

fn assert_each_once(scheme: &serde_json::Value, required: &[&str]) {
    let seen = appearances(scheme);
    let mut expected: Vec<&str> = required.to_vec();
    expected.sort_unstable();
    assert_eq!(
        seen.keys().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
}

const ALPHA_LEVEL_3: [&str; 7] = ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7"];

#[test]
fn plan_without_credits() {
    let (md, json) = plan(&["--scheme", "alpha", "--category", "camera"]);
    let alpha = &json["schemes"][0];
    assert_eq!(alpha["level"], 3, "the highest level by default");
    assert_eq!(alpha["credits"].as_array().unwrap().len(), 0);
    assert_each_once(alpha, &ALPHA_LEVEL_3);
    assert_eq!(alpha["not_applicable"][0]["criterion"], "A-6");
    // Steps: what gates level 1 first.
    let gates: Vec<i64> = alpha["work"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["gates_level"].as_i64().unwrap())
        .collect();
    let mut sorted = gates.clone();
    sorted.sort_unstable();
    assert_eq!(gates, sorted);
    assert_eq!(alpha["open_items"][0]["id"], "A-7");
    insta::assert_snapshot!("no_credits.md", md);
    insta::assert_json_snapshot!("no_credits.json", json);
}

#[test]
fn plan_with_full_and_partial_credit() {
    let (md, json) = plan(&[
        "--scheme",
        "alpha",
        "--category",
        "camera",
        "--holding",
        "beta:1",
    ]);
    let alpha = &json["schemes"][0];
    assert_each_once(alpha, &ALPHA_LEVEL_3);
    let credits = alpha["credits"].as_array().unwrap();
    assert_eq!(credits.len(), 1);
    assert_eq!(credits[0]["criterion"], "A-1");
    let verify = credits[0]["by"][0]["verify"].as_array().unwrap();
    assert!(
        verify.iter().any(|v| v == "condition: cert.valid"),
        "the condition is for the assessor"
    );
    let a2 = alpha["work"][0]["criteria"][0].clone();
    assert_eq!(a2["criterion"], "A-2");
    assert_eq!(a2["reduced_by"][0]["recognition"], "beta--alpha-partial");
    assert!(md.contains("reduced work: partial credit from `beta--alpha-partial`"));
    insta::assert_snapshot!("credits.md", md);
    insta::assert_json_snapshot!("credits.json", json);
}

#[test]
fn plan_for_two_schemes_shares_evidence() {
    let (md, json) = plan(&[
        "--scheme",
        "alpha",
        "--scheme",
        "beta",
        "--category",
        "alpha=camera",
        "--category",
        "beta=devices",
        "--level",
        "alpha=1",
    ]);
    assert_eq!(json["schemes"].as_array().unwrap().len(), 2);
    assert_each_once(&json["schemes"][0], &["A-1", "A-2", "A-5", "A-6"]);
    assert_each_once(&json["schemes"][1], &["B-1", "B-2"]);
    // pw.unique and updates.provided serve both schemes: two items saved.
    assert_eq!(json["evidence_saved"], 2);
    let pw = json["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["fact"] == "pw.unique")
        .unwrap();
    assert_eq!(
        pw["serves"],
        serde_json::json!(["alpha@1:A-1", "alpha@1:A-5", "beta@1:B-1"])
    );
    assert!(md.contains("saves 2 evidence items."));
    insta::assert_snapshot!("two_schemes.md", md);
    insta::assert_json_snapshot!("two_schemes.json", json);
}

#[test]
fn plan_for_a_category_not_yet_in_scope() {
    let (md, json) = plan(&["--scheme", "alpha", "--category", "lock", "--level", "1"]);
    let alpha = &json["schemes"][0];
    assert_eq!(alpha["scope"]["in_scope"], false);
    assert_eq!(alpha["scope"]["from"], "2027-06-01");
    assert_each_once(alpha, &["A-1", "A-2", "A-5", "A-6"]);
    assert!(md.contains("**Not yet in scope** on the assessment date, from 2027-06-01"));
    insta::assert_snapshot!("not_in_scope.md", md);
    insta::assert_json_snapshot!("not_in_scope.json", json);
    // A pending category is an open scope question.
    let (_, drone) = plan(&["--scheme", "alpha", "--category", "drone", "--level", "1"]);
    assert_eq!(drone["schemes"][0]["scope"]["pending"][0]["id"], "drone");
}

#[test]
fn residual_plan_with_some_facts_known() {
    let dir = common::scratch("plan-facts");
    let facts = dir.join("product.json");
    std::fs::write(&facts, r#"{"id": "cam", "category": "camera", "facts": {"pw.unique": true, "updates.provided": false}}"#).unwrap();
    let (md, json) = plan(&[
        "--scheme",
        "alpha",
        "--category",
        "camera",
        "--facts",
        facts.to_str().unwrap(),
    ]);
    let alpha = &json["schemes"][0];
    assert_each_once(alpha, &ALPHA_LEVEL_3);
    let decided: BTreeMap<String, String> = alpha["decided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["criterion"].as_str().unwrap().to_string(),
                d["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(decided["A-1"], "pass");
    assert_eq!(decided["A-2"], "fail");
    assert_eq!(decided["A-5"], "fail");
    // Only what is open stays in the work.
    let work: Vec<&str> = alpha["work"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["criterion"].as_str().unwrap())
        })
        .collect();
    assert_eq!(work, ["A-3", "A-7", "A-4"]);
    insta::assert_snapshot!("residual.md", md);
    insta::assert_json_snapshot!("residual.json", json);
}

#[test]
fn bad_requests_are_errors_with_suggestions() {
    let cases: [(&[&str], &str, &str); 8] = [
        (
            &["--scheme", "alhpa", "--category", "camera"],
            "did you mean `alpha`?",
            "labelc::plan::unknown_scheme",
        ),
        (
            &["--scheme", "alpha", "--category", "camra"],
            "did you mean `camera`?",
            "labelc::plan::unknown_category",
        ),
        (
            &["--scheme", "alpha", "--category", "camera", "--level", "9"],
            "the levels of `alpha@1` are 1, 2, 3",
            "labelc::plan::unknown_level",
        ),
        (
            &[
                "--scheme",
                "alpha",
                "--category",
                "camera",
                "--holding",
                "bta:1",
            ],
            "did you mean `beta:1`?",
            "labelc::plan::invalid_holding",
        ),
        (
            &[
                "--scheme",
                "alpha",
                "--category",
                "camera",
                "--holding",
                "beta:7",
            ],
            "the levels of `beta` are 1",
            "labelc::plan::invalid_holding",
        ),
        (
            &[
                "--scheme",
                "alpha",
                "--category",
                "camera",
                "--holding",
                "beta:B-1",
            ],
            "to hold criterion B-1 write `beta#B-1`",
            "labelc::plan::invalid_holding",
        ),
        (
            &[
                "--scheme",
                "alpha",
                "--category",
                "camera",
                "--holding",
                "beta#B-3",
            ],
            "did you mean `beta#B-1`?",
            "labelc::plan::invalid_holding",
        ),
        (
            &[
                "--scheme",
                "alpha",
                "--category",
                "camera",
                "--holding",
                "beta:99999999999999999999",
            ],
            "a level rank is a whole number of at most 19 digits",
            "labelc::plan::invalid_holding",
        ),
    ];
    for (extra, help, code) in cases {
        let mut args = vec!["plan", FIXTURE, "--as-of", "2026-11-25"];
        args.extend_from_slice(extra);
        let out = labelc(&args);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("error: ") && stderr.contains(help),
            "{extra:?}: {stderr}"
        );
        // The stable code follows the help, on a line of its own.
        assert!(
            stderr.contains(&format!("\n  code: {code}\n")),
            "{extra:?}: {stderr}"
        );
    }
}

#[test]
fn every_required_criterion_of_the_reference_policies_appears_once() {
    for (scheme, category) in [
        ("ccl", "consumer_cameras"),
        ("eu_cra", "important_class_i"),
        ("uk_psti", "internet_connectable_products"),
        ("sg_cls", "home_gateways"),
        ("jc_star", "iot_products"),
    ] {
        let out = labelc(&[
            "plan",
            "policies/",
            "--scheme",
            scheme,
            "--category",
            category,
            "--as-of",
            "2028-01-01",
            "--format",
            "json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{scheme}: {}",
            text(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let plan = &json["schemes"][0];
        let key = plan["scheme"].as_str().unwrap();
        let rules: labelc::rules::RuleSet =
            serde_json::from_slice(&labelc(&["compile", "policies/"]).stdout).unwrap();
        let s = rules.schemes.iter().find(|s| s.key() == key).unwrap();
        let level = s.levels.iter().max_by_key(|l| l.rank).unwrap();
        let mut required: Vec<&str> = level
            .requires_all
            .iter()
            .chain(level.at_least_all.iter().flat_map(|g| g.of.iter()))
            .map(String::as_str)
            .collect();
        required.sort_unstable();
        required.dedup();
        assert_each_once(plan, &required);
    }
}

#[test]
fn committed_plan_schema_is_the_generated_one() {
    let out = labelc(&["schema", "--plan"]);
    assert_eq!(out.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(common::root().join("schema/plan.schema.json")).unwrap();
    assert!(
        committed == text(&out.stdout),
        "schema/plan.schema.json is stale: run `cargo run -- schema --plan > schema/plan.schema.json`"
    );
}

/// Criteria linked by a recognition that credits (`equal`, `superset_of`)
/// list each other: ETSI EN 303 645 5.1 and PSTI Schedule 1 paragraph 1.
#[test]
fn linked_criteria_of_planned_schemes_serve_each_other() {
    let out = labelc(&[
        "plan",
        "policies/",
        "--scheme",
        "etsi_en_303_645",
        "--scheme",
        "uk_psti",
        "--category",
        "etsi_en_303_645=consumer_iot",
        "--category",
        "uk_psti=internet_connectable_products",
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let serves = |scheme: usize, criterion: &str| -> Vec<String> {
        json["schemes"][scheme]["work"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["criteria"].as_array().unwrap().iter())
            .find(|c| c["criterion"] == criterion)
            .map(|c| serde_json::from_value(c["also_serves"].clone()).unwrap_or_default())
            .unwrap()
    };
    assert_eq!(serves(1, "SCH1-1"), ["etsi_en_303_645@2.1.1:5.1"]);
    assert_eq!(serves(0, "5.1"), ["uk_psti@2024-04:SCH1-1"]);
    assert!(json["evidence_saved"].as_u64().unwrap() >= 1);
}

/// A recognition held whose `applies_to` does not cover the planned category
/// credits nothing and is named as an open item; for a covered category it
/// credits as usual (reference policies: CLS Level 2 recognised by BSI for
/// smart consumer devices only, 2022 wording).
#[test]
fn a_recognition_that_does_not_cover_the_category_credits_nothing() {
    let run = |category: &str| {
        let out = labelc(&[
            "plan",
            "policies/",
            "--scheme",
            "de_bsi",
            "--category",
            category,
            "--holding",
            "sg_cls:2",
            "--as-of",
            "2023-03-01",
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["schemes"][0].clone()
    };
    let router = run("broadband_routers");
    assert_eq!(router["credits"].as_array().unwrap().len(), 0, "{router:#}");
    let item = router["open_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "recognition" && i["id"] == "sg-cls--de-bsi-2022")
        .expect("the recognition held is an open item");
    assert!(
        item["reason"]
            .as_str()
            .unwrap()
            .contains("covers only `smart_consumer_devices`, not `broadband_routers`"),
        "{item:#}"
    );
    let device = run("smart_consumer_devices");
    let credits = device["credits"].as_array().unwrap();
    assert!(credits.len() >= 7, "{device:#}");
    assert!(
        !device["open_items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "sg-cls--de-bsi-2022"),
        "{device:#}"
    );
}

/// A plan for an excluded category says so: every required criterion is
/// not applicable, with the reason, and there is no work (reference
/// policies: UK PSTI excepted products).
#[test]
fn a_plan_for_an_excluded_category_has_no_work() {
    let args = [
        "plan",
        "policies/",
        "--scheme",
        "uk_psti",
        "--category",
        "schedule_3_excepted_products",
        "--as-of",
        "2026-03-01",
    ];
    let md = labelc(&args);
    assert_eq!(md.status.code(), Some(0), "{}", text(&md.stderr));
    let md = text(&md.stdout);
    assert!(
        md.contains("- **Excluded**: the scheme does not cover `schedule_3_excepted_products`"),
        "{md}"
    );
    let mut json_args = args.to_vec();
    json_args.extend_from_slice(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&labelc(&json_args).stdout).unwrap();
    let psti = &json["schemes"][0];
    assert_eq!(psti["scope"]["in_scope"], false);
    assert!(
        psti["scope"]["excluded"]
            .as_str()
            .unwrap()
            .contains("Schedule 3")
    );
    assert_eq!(psti["work"].as_array().unwrap().len(), 0, "{psti:#}");
    let not_applicable = psti["not_applicable"].as_array().unwrap();
    assert_eq!(not_applicable.len(), 3, "{psti:#}");
    assert!(not_applicable.iter().all(|n| {
        n["reason"]
            .as_str()
            .unwrap()
            .starts_with("`schedule_3_excepted_products` is excluded")
    }));
}

/// The `holds` of a `--facts` product count as held, and the plan says so:
/// in the Markdown header and in JSON `holdings` (with `holdings_from_facts`
/// naming them). A holding given both ways is listed once, as given.
#[test]
fn holdings_from_the_facts_file_are_named() {
    let dir = common::scratch("plan-facts-holds");
    let facts = dir.join("product.json");
    let run = |holds: &str, extra: &[&str]| {
        std::fs::write(
            &facts,
            format!(r#"{{"id": "cam", "category": "camera", {holds} "facts": {{}}}}"#),
        )
        .unwrap();
        let mut args = vec!["--scheme", "alpha", "--category", "camera"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--facts", facts.to_str().unwrap()]);
        plan(&args)
    };
    // Held only through the facts: listed, marked, and it credits.
    let (md, json) = run(r#""holds": ["beta:1"],"#, &[]);
    assert_eq!(json["holdings"], serde_json::json!(["beta:1"]));
    assert_eq!(json["holdings_from_facts"], serde_json::json!(["beta:1"]));
    assert!(
        md.contains("Recognitions held: `beta:1` (from `--facts`)."),
        "{md}"
    );
    assert_eq!(
        json["schemes"][0]["credits"][0]["criterion"], "A-1",
        "{json:#}"
    );
    // Given both ways: once, as given on the command line.
    let (md, json) = run(
        r#""holds": ["beta@1:1", "beta:1"],"#,
        &["--holding", "beta@1:1"],
    );
    assert_eq!(json["holdings"], serde_json::json!(["beta@1:1", "beta:1"]));
    assert_eq!(json["holdings_from_facts"], serde_json::json!(["beta:1"]));
    assert!(
        md.contains("Recognitions held: `beta@1:1`, `beta:1` (from `--facts`)."),
        "{md}"
    );
    // No `holds`: nothing held, nothing marked.
    let (md, json) = run("", &[]);
    assert_eq!(json["holdings"], serde_json::json!([]));
    assert_eq!(json["holdings_from_facts"], serde_json::json!([]));
    assert!(md.contains("No recognitions held."), "{md}");
}

/// An assumed recognition is an open item only when what it credits from is
/// held (the same test eval uses): holding ETSI EN 303 645 criterion 5.1
/// names the 5.1 mapping to CCL, not those from 5.2 or 5.3.
#[test]
fn an_assumed_recognition_is_open_only_when_its_source_is_held() {
    let open = |holding: &str| -> Vec<String> {
        let out = labelc(&[
            "plan",
            "policies/",
            "--scheme",
            "ccl@2026-04",
            "--category",
            "consumer_cameras",
            "--holding",
            holding,
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["schemes"][0]["open_items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "recognition")
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let five_one = open("etsi_en_303_645#5.1");
    assert!(
        five_one.contains(&"etsi-5.1--ccl".to_string()),
        "{five_one:?}"
    );
    assert!(
        !five_one
            .iter()
            .any(|id| id == "etsi-5.2--ccl" || id == "etsi-5.3--ccl"),
        "{five_one:?}"
    );
    let five_three = open("etsi_en_303_645#5.3");
    assert!(
        five_three.contains(&"etsi-5.3--ccl".to_string()),
        "{five_three:?}"
    );
    assert!(
        !five_three.contains(&"etsi-5.1--ccl".to_string()),
        "{five_three:?}"
    );
}

/// A holding in the `--facts` product is checked like `--holding`: a
/// malformed one is an error with the fix, not ignored.
#[test]
fn a_bad_holding_in_the_facts_is_an_error() {
    let dir = common::scratch("plan-facts-holds");
    let facts = dir.join("product.json");
    std::fs::write(
        &facts,
        r#"{"id": "cam", "category": "camera", "holds": ["beta:B-1"], "facts": {}}"#,
    )
    .unwrap();
    let mut args = vec!["plan", FIXTURE, "--as-of", "2026-11-25"];
    args.extend_from_slice(&[
        "--scheme",
        "alpha",
        "--category",
        "camera",
        "--facts",
        facts.to_str().unwrap(),
    ]);
    let out = labelc(&args);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("to hold criterion B-1 write `beta#B-1`"),
        "{stderr}"
    );
}

#[test]
fn every_plan_error_has_its_stable_code() {
    use labelc::plan::{PlanError, Request, plan};
    let mut sources = labelc::source::SourceMap::new();
    sources.add(FIXTURE, std::fs::read_to_string(FIXTURE).unwrap());
    let rules = labelc::compile(&sources).unwrap();
    let date = jiff::civil::date(2026, 11, 25);
    let request = |scheme: &str, category: &str, level: Option<i64>| Request {
        scheme: scheme.to_string(),
        category: category.to_string(),
        level,
    };
    let error = |requests: &[Request], holdings: &[&str], facts: Option<serde_json::Value>| {
        let holdings: Vec<String> = holdings.iter().map(|h| h.to_string()).collect();
        plan(&rules, requests, &holdings, date, facts.as_ref()).unwrap_err()
    };
    let wrong_type = serde_json::json!({"id": "cam", "facts": {"pw.unique": 3}});
    let cases: [(PlanError, &str, &str); 6] = [
        (
            error(&[request("alpha@9", "camera", None)], &[], None),
            "labelc::plan::unknown_version",
            "no version `9` of `alpha`",
        ),
        (
            error(&[request("nope", "camera", None)], &[], None),
            "labelc::plan::unknown_scheme",
            "no scheme `nope`",
        ),
        (
            error(&[request("alpha", "camra", None)], &[], None),
            "labelc::plan::unknown_category",
            "unknown category `camra` in `alpha@1`",
        ),
        (
            error(&[request("alpha", "camera", Some(7))], &[], None),
            "labelc::plan::unknown_level",
            "`alpha@1` has no level 7",
        ),
        (
            error(&[request("alpha", "camera", None)], &["beta:7"], None),
            "labelc::plan::invalid_holding",
            "beta",
        ),
        (
            error(&[request("alpha", "camera", None)], &[], Some(wrong_type)),
            "labelc::plan::invalid_facts",
            "the facts do not fit `alpha@1`",
        ),
    ];
    // A hand-edited rule set: a scheme without levels, a rule set whose
    // recognition credits a criterion the scheme lacks.
    let mut levelless = rules.clone();
    for scheme in &mut levelless.schemes {
        scheme.levels.clear();
    }
    let no_levels = plan(
        &levelless,
        &[request("alpha", "camera", None)],
        &[],
        date,
        None,
    );
    let mut broken = rules.clone();
    for recognition in &mut broken.recognitions {
        recognition.credits.push("NO-SUCH-CRITERION".to_string());
    }
    let invalid = plan(
        &broken,
        &[request("alpha", "camera", None)],
        &[],
        date,
        None,
    );
    let edited = [
        (
            no_levels.unwrap_err(),
            "labelc::plan::no_levels",
            "has no levels",
        ),
        (
            invalid.unwrap_err(),
            "labelc::plan::invalid_rule_set",
            "NO-SUCH-CRITERION",
        ),
    ];
    let docs = std::fs::read_to_string("docs/language.md").unwrap();
    for (e, code, message) in cases.into_iter().chain(edited) {
        assert_eq!(e.code(), code, "{e}");
        assert!(
            docs.contains(&format!("| `{code}` |")),
            "docs/language.md does not list {code}"
        );
        assert!(e.message().contains(message), "{code}: {e}");
        assert!(!e.help().is_empty(), "{code}: {e}");
        assert!(e.to_string().contains(&e.help()), "{code}: {e}");
    }
}
