//! OSCAL export and import (`labelc export oscal`, `labelc import oscal`):
//! round trip, determinism, profiles, mapping collections, and the errors.
//! The acceptance test with compliance-trestle is scripts/suites/oscal.sh.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

mod common;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use labelc::export::oscal::{
    ExportError, ImportError, Options, OutputFile, control_id, export, import_catalog,
};
use labelc::rules::RuleSet;
use labelc::source::{SourceMap, collect_policy_files};
use serde_json::Value;

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

fn exported() -> Vec<OutputFile> {
    export(&REFERENCE, &Options::default()).unwrap()
}

fn json(file: &OutputFile) -> Value {
    serde_json::from_str(&file.json).unwrap()
}

fn find<'a>(files: &'a [OutputFile], path: &str) -> &'a OutputFile {
    files.iter().find(|f| f.path == path).unwrap()
}

#[test]
fn round_trip_keeps_every_criterion_id_title_and_citation() {
    let files = exported();
    for scheme in &REFERENCE.schemes {
        let path = format!("catalogs/{}-{}/catalog.json", scheme.id, scheme.version);
        let policy = import_catalog(&find(&files, &path).json).unwrap();
        let mut sources = SourceMap::new();
        sources.add("skeleton.policy", policy.clone());
        let rules = labelc::compile(&sources)
            .unwrap_or_else(|d| panic!("{path}: skeleton does not compile: {d:?}\n{policy}"));
        let back = &rules.schemes[0];
        assert_eq!((&back.id, &back.version), (&scheme.id, &scheme.version));
        let original: Vec<_> = scheme.criteria.iter().map(|c| (&c.id, &c.title)).collect();
        let imported: Vec<_> = back.criteria.iter().map(|c| (&c.id, &c.title)).collect();
        assert_eq!(imported, original, "{path}");
        for (a, b) in scheme.criteria.iter().zip(&back.criteria) {
            let locator = |c: &labelc::rules::Criterion| {
                c.citation
                    .as_ref()
                    .map(|x| (x.source.clone(), x.locator.clone()))
            };
            assert_eq!(locator(b), locator(a), "{path} {}", a.id);
            assert_eq!(
                b.status,
                labelc::rules::Status::Pending {
                    reason: "no condition written yet".to_string()
                }
            );
            assert!(b.condition.is_none());
        }
        // Laid out as `labelc fmt` does: formatting again changes nothing.
        let id = sources.iter().next().unwrap().0;
        assert_eq!(labelc::fmt::format_text(id, &policy).unwrap(), policy);
    }
}

#[test]
fn export_is_deterministic_and_dated_from_the_scheme() {
    let first = exported();
    assert_eq!(first, exported());
    let uk = json(find(&first, "catalogs/uk_psti-2024-04/catalog.json"));
    // `effective 2024-04-29` in policies/uk-psti.
    assert_eq!(
        uk["catalog"]["metadata"]["last-modified"],
        "2024-04-29T00:00:00Z"
    );
    let flagged = export(
        &REFERENCE,
        &Options {
            last_modified: Some("2030-01-02".to_string()),
            ..Options::default()
        },
    )
    .unwrap();
    for file in &flagged {
        assert!(
            file.json
                .contains("\"last-modified\": \"2030-01-02T00:00:00Z\""),
            "{}",
            file.path
        );
    }
}

#[test]
fn uuids_are_name_based_and_distinct() {
    let files = exported();
    let mut seen = BTreeSet::new();
    for file in &files {
        let value = json(file);
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(u)) = map.get("uuid") {
                        assert_eq!(u.len(), 36);
                        assert_eq!(&u[14..15], "5", "{u} is not a v5 UUID");
                        assert!(seen.insert(u.clone()), "{u} repeated ({})", file.path);
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }
}

#[test]
fn a_profile_selects_exactly_what_its_level_requires() {
    let files = exported();
    let mut with_groups = 0;
    for scheme in &REFERENCE.schemes {
        for level in &scheme.levels {
            let path = format!(
                "profiles/{}-{}-level-{}/profile.json",
                scheme.id, scheme.version, level.rank
            );
            let value = json(find(&files, &path));
            let import = &value["profile"]["imports"][0];
            assert_eq!(
                import["href"],
                format!(
                    "trestle://catalogs/{}-{}/catalog.json",
                    scheme.id, scheme.version
                )
            );
            let got: BTreeSet<String> = import["include-controls"][0]["with-ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            let mut want: BTreeSet<String> =
                level.requires_all.iter().map(|c| control_id(c)).collect();
            let props = value["profile"]["metadata"]["props"].as_array().unwrap();
            for group in &level.at_least_all {
                with_groups += 1;
                want.extend(group.of.iter().map(|c| control_id(c)));
                let text = format!("{} of {}", group.k, group.of.join(", "));
                assert!(
                    props
                        .iter()
                        .any(|p| p["name"] == "at-least" && p["value"] == text),
                    "{path}: no at-least prop `{text}`"
                );
            }
            assert_eq!(got, want, "{path}");
        }
    }
    assert!(
        with_groups > 0,
        "the reference policies have an at_least group"
    );
}

#[test]
fn recognitions_become_maps_with_their_relationship_and_credit() {
    let files = exported();
    let mut maps = 0;
    for file in files
        .iter()
        .filter(|f| f.path.starts_with("mapping-collections/"))
    {
        let value = json(file);
        for mapping in value["mapping-collection"]["mappings"].as_array().unwrap() {
            for map in mapping["maps"].as_array().unwrap() {
                maps += 1;
                let id = map["props"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["name"] == "recognition-id")
                    .unwrap()["value"]
                    .as_str()
                    .unwrap();
                let r = REFERENCE.recognitions.iter().find(|r| r.id == id).unwrap();
                let word = serde_json::to_value(r.relationship).unwrap();
                let want = match word.as_str().unwrap() {
                    "equal" => "equal-to",
                    "subset_of" => "subset-of",
                    "superset_of" => "superset-of",
                    "intersects_with" => "intersects-with",
                    _ => "no-relationship",
                };
                assert_eq!(map["relationship"], want, "{id}");
                let credit = serde_json::to_value(r.credit).unwrap();
                assert!(
                    map["props"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == "credit" && p["value"] == credit),
                    "{id}"
                );
                let targets: Vec<&str> = map["targets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["id-ref"].as_str().unwrap())
                    .collect();
                assert!(!targets.is_empty());
                for t in targets {
                    assert!(r.credits.iter().any(|c| control_id(c) == t), "{id}: {t}");
                }
            }
        }
    }
    assert!(maps > 0);
}

#[test]
fn an_unknown_scheme_is_an_error_with_a_suggestion() {
    let err = export(
        &REFERENCE,
        &Options {
            schemes: vec!["uk_pst".to_string()],
            ..Options::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ExportError::UnknownScheme {
            name: "uk_pst".to_string(),
            suggestion: Some("uk_psti".to_string())
        }
    );
    let only = export(
        &REFERENCE,
        &Options {
            schemes: vec!["uk_psti".to_string()],
            ..Options::default()
        },
    )
    .unwrap();
    let paths: Vec<&str> = only.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "catalogs/uk_psti-2024-04/catalog.json",
            "profiles/uk_psti-2024-04-level-1/profile.json"
        ]
    );
}

#[test]
fn importing_what_is_not_a_catalog_is_an_error() {
    assert!(matches!(
        import_catalog("{ not json"),
        Err(ImportError::Json(_))
    ));
    assert_eq!(import_catalog("[1, 2]"), Err(ImportError::NotOscal));
    assert_eq!(import_catalog(r#"{"x": {}}"#), Err(ImportError::NotOscal));
    let files = exported();
    let profile = find(&files, "profiles/uk_psti-2024-04-level-1/profile.json");
    assert_eq!(
        import_catalog(&profile.json),
        Err(ImportError::OtherModel("profile".to_string()))
    );
    assert!(matches!(
        import_catalog(r#"{"catalog": {"uuid": "x", "controls": []}}"#),
        Err(ImportError::Malformed(m)) if m.contains("metadata")
    ));
}

#[test]
fn cli_import_error_exits_1_and_writes_nothing() {
    let dir = common::scratch("oscal-import-error");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"profile": {}}"#).unwrap();
    let out = dir.join("out.policy");
    let run = common::labelc(&[
        "import",
        "oscal",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(common::text(&run.stderr).contains("an OSCAL profile, not a catalog"));
    assert!(!out.exists());
}

#[test]
fn cli_export_then_import_round_trips() {
    let dir = common::scratch("oscal-cli");
    let run = common::labelc(&[
        "export",
        "oscal",
        "policies/uk-psti/uk-psti.policy",
        "policies/vocabulary",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", common::text(&run.stderr));
    let catalog = dir.join("catalogs/uk_psti-2024-04/catalog.json");
    let policy = dir.join("psti.policy");
    let run = common::labelc(&[
        "import",
        "oscal",
        catalog.to_str().unwrap(),
        "-o",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", common::text(&run.stderr));
    let check = common::labelc(&["check", policy.to_str().unwrap()]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        common::text(&check.stderr)
    );
    let text = std::fs::read_to_string(&policy).unwrap();
    for id in ["SCH1-1", "SCH1-2", "SCH1-3"] {
        assert!(text.contains(&format!("criterion {id} {{")), "{text}");
    }
}
