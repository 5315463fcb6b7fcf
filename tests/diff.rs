//! `labelc diff`: one version pair per change kind (the base policy below,
//! edited once), each with its classification and reason asserted and its
//! JSON snapshotted; identical inputs give no change; and a property test
//! that a reported direction never disagrees with evaluation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use labelc::diff::{Class, diff_rule_sets};
use labelc::rules::RuleSet;
use labelc::source::SourceMap;
use std::path::Path;

const BASE: &str = r#"
fact score: int
fact flag: bool
fact other: bool
fact kind: enum(basic, pro, max)
fact tags: set<string>
fact cert: bool

scheme demo@1 {
  title "Demo"
  category devices {
    title "Devices"
    category camera { title "Cameras" effective 2026-07-01 }
  }
  criterion C-1 { title "Score" condition score >= 70 }
  criterion C-2 { title "Flag" condition flag and other }
  criterion C-3 { title "Either" condition flag or other }
  criterion C-4 { title "Kind" condition kind in [pro, max] }
  criterion C-5 { title "Tags" condition tags contains "x" }
  criterion C-6 { title "Extra" condition other }
  level 1 { title "one" require C-1, C-2 }
  level 2 { title "two" include 1 require C-3, C-4 at_least 1 of (C-5, C-6) }
}

scheme other@1 {
  title "Other"
  category all { title "All" }
  criterion O-1 { title "o" condition flag }
  level 1 { title "o" require O-1 }
}

recognition other--demo {
  from other@1 level 1
  to demo@1
  relationship superset_of
  credit full
  status official
  credits C-2
}
"#;

fn compile(text: &str) -> RuleSet {
    let mut sources = SourceMap::new();
    sources.add("demo.policy", text);
    labelc::compile(&sources).unwrap_or_else(|d| panic!("{d:?}"))
}

/// The base policy with `from` replaced by `to` (which must be there).
fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base has no {from:?}");
    BASE.replacen(from, to, 1)
}

struct Case {
    name: &'static str,
    from: &'static str,
    to: &'static str,
    kind: &'static str,
    class: Class,
    reason: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "threshold_raised",
        from: "score >= 70",
        to: "score >= 80",
        kind: "criterion.condition",
        class: Class::Tightening,
        reason: "threshold on `score` moved",
    },
    Case {
        name: "threshold_lowered",
        from: "score >= 70",
        to: "score >= 60",
        kind: "criterion.condition",
        class: Class::Loosening,
        reason: "threshold on `score` moved",
    },
    Case {
        name: "conjunct_added",
        from: "condition other }",
        to: "condition other and flag }",
        kind: "criterion.condition",
        class: Class::Tightening,
        reason: "conjunct added",
    },
    Case {
        name: "conjunct_removed",
        from: "flag and other",
        to: "flag",
        kind: "criterion.condition",
        class: Class::Loosening,
        reason: "conjunct removed",
    },
    Case {
        name: "disjunct_added",
        from: "flag or other",
        to: "flag or other or score >= 90",
        kind: "criterion.condition",
        class: Class::Loosening,
        reason: "disjunct added",
    },
    Case {
        name: "values_grown",
        from: "kind in [pro, max]",
        to: "kind in [basic, pro, max]",
        kind: "criterion.condition",
        class: Class::Loosening,
        reason: "set of values for `kind` grown",
    },
    Case {
        name: "values_shrunk",
        from: "kind in [pro, max]",
        to: "kind in [max]",
        kind: "criterion.condition",
        class: Class::Tightening,
        reason: "set of values for `kind` shrunk",
    },
    Case {
        name: "other_condition_change",
        from: "tags contains \"x\"",
        to: "tags contains \"y\"",
        kind: "criterion.condition",
        class: Class::Mixed,
        reason: "condition changed",
    },
    Case {
        name: "criterion_added_to_level",
        // C-5, not C-6: C-2 (`flag and other`) already demands what C-6
        // (`other`) does, so requiring C-6 too is neutral by meaning.
        from: "require C-1, C-2 }",
        to: "require C-1, C-2, C-5 }",
        kind: "level.requires",
        class: Class::Tightening,
        reason: "now required from level 1",
    },
    Case {
        name: "criterion_removed_from_level",
        from: "require C-3, C-4 at_least",
        to: "require C-3 at_least",
        kind: "level.requires",
        class: Class::Loosening,
        reason: "no longer required",
    },
    Case {
        name: "k_raised",
        from: "at_least 1 of (C-5, C-6)",
        to: "at_least 2 of (C-5, C-6)",
        kind: "level.at_least",
        class: Class::Tightening,
        reason: "at least 2 of 2 instead of 1",
    },
    Case {
        name: "category_into_scope",
        from: "category camera { title \"Cameras\" effective 2026-07-01 }",
        to: "category camera { title \"Cameras\" effective 2026-07-01 }\n    category lock { title \"Locks\" }",
        kind: "category",
        class: Class::Loosening,
        reason: "brought into scope",
    },
    Case {
        name: "category_date_later",
        from: "effective 2026-07-01",
        to: "effective 2027-01-01",
        kind: "category.effective",
        class: Class::Tightening,
        reason: "comes into scope later",
    },
    Case {
        name: "recognition_added",
        from: "recognition other--demo {",
        to: "recognition other--demo-2 {\n  from other@1 level 1\n  to demo@1\n  relationship equal\n  credit full\n  status official\n  credits C-1\n}\n\nrecognition other--demo {",
        kind: "recognition",
        class: Class::Loosening,
        reason: "recognition added: a credit gained",
    },
    Case {
        name: "recognition_withdrawn",
        from: "recognition other--demo {",
        to: "recognition other--demo-gone {",
        kind: "recognition",
        class: Class::Tightening,
        reason: "recognition withdrawn: a credit lost",
    },
    Case {
        name: "recognition_accepts_a_criterion_instead_of_a_level",
        from: "from other@1 level 1",
        to: "from other@1 criterion O-1",
        kind: "recognition.from",
        class: Class::Mixed,
        reason: "what the recognition accepts changed",
    },
    Case {
        name: "recognition_credit_reduced",
        from: "relationship superset_of\n  credit full",
        to: "relationship intersects_with\n  credit partial",
        kind: "recognition.credit",
        class: Class::Tightening,
        reason: "credit changed",
    },
    Case {
        name: "criterion_applies_to_fewer_categories",
        from: "criterion C-6 { title \"Extra\" condition other }",
        to: "criterion C-6 { title \"Extra\" applies_to camera condition other }",
        kind: "criterion.applies_to",
        class: Class::Loosening,
        reason: "now applies to fewer categories",
    },
    Case {
        name: "recognition_covers_fewer_categories",
        from: "  credits C-2\n}",
        to: "  credits C-2\n  applies_to camera\n}",
        kind: "recognition.applies_to",
        class: Class::Tightening,
        reason: "now covers fewer categories",
    },
    Case {
        name: "category_excluded",
        from: "category camera { title \"Cameras\" effective 2026-07-01 }",
        to: "category camera { title \"Cameras\" effective 2026-07-01 excluded \"not covered\" }",
        kind: "category.excluded",
        class: Class::Tightening,
        reason: "category excluded",
    },
    Case {
        name: "title_reworded",
        from: "title \"Score\"",
        to: "title \"Score of the product\"",
        kind: "criterion.title",
        class: Class::Neutral,
        reason: "title changed",
    },
];

#[test]
fn each_change_kind_is_classified_with_its_reason() {
    let old = compile(BASE);
    for case in CASES {
        let new = compile(&edit(case.from, case.to));
        let diff = diff_rule_sets(&old, &new);
        let found = diff
            .changes
            .iter()
            .find(|c| c.kind == case.kind && c.reason.contains(case.reason));
        let Some(change) = found else {
            panic!(
                "{}: no {} change with {:?} in {:#?}",
                case.name, case.kind, case.reason, diff.changes
            );
        };
        assert_eq!(change.class, case.class, "{}: {change:?}", case.name);
        insta::assert_json_snapshot!(case.name, diff.changes);
    }
}

#[test]
fn a_marked_rename_is_one_change() {
    let old = compile(BASE);
    let renamed = BASE
        .replacen(
            "criterion C-1 { title \"Score\"",
            "criterion C-1b { renamed_from C-1 title \"Score\"",
            1,
        )
        .replacen("require C-1, C-2", "require C-1b, C-2", 1);
    let diff = diff_rule_sets(&old, &compile(&renamed));
    assert_eq!(diff.changes.len(), 1, "{:#?}", diff.changes);
    assert_eq!(diff.changes[0].kind, "criterion.id");
    assert_eq!(diff.changes[0].class, Class::Neutral);
    // Without the mark: removed + added, and the level membership moves.
    let unmarked = renamed.replacen("renamed_from C-1 ", "", 1);
    let diff = diff_rule_sets(&old, &compile(&unmarked));
    assert!(
        diff.changes
            .iter()
            .any(|c| c.kind == "criterion" && c.id == "C-1")
    );
    assert!(
        diff.changes
            .iter()
            .any(|c| c.kind == "criterion" && c.id == "C-1b")
    );
}

#[test]
fn identical_inputs_have_no_changes() {
    let out = common::labelc(&["diff", "policies/", "policies/", "--fail-on", "any"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stdout));
    assert!(common::text(&out.stdout).contains("0 tightening, 0 mixed, 0 loosening, 0 neutral"));
    let rules: RuleSet =
        serde_json::from_slice(&common::labelc(&["compile", "policies/"]).stdout).unwrap();
    for scheme in &rules.schemes {
        let key = scheme.key();
        let out = common::labelc(&[
            "diff",
            "policies/",
            "--from",
            &key,
            "--to",
            &key,
            "--fail-on",
            "any",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{key}: {}",
            common::text(&out.stdout)
        );
    }
}

#[test]
fn ccl_draft_to_final_shows_the_real_changes() {
    let out = common::labelc(&[
        "diff",
        "policies/",
        "--from",
        "ccl@2025-11-draft",
        "--to",
        "ccl@2026-04",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = diff["changes"].as_array().unwrap();
    let has = |kind: &str, id: &str| changes.iter().any(|c| c["kind"] == kind && c["id"] == id);
    assert!(has("scheme.authority", "mps"), "MPS added as co-issuer");
    assert!(has("criterion.title", "CCL-2.1"), "★★ wording");
    assert!(has("criterion.title", "CCL-3.1"), "★★★ wording");
    assert!(changes.iter().any(|c| c["class"] == "tightening"));
}

#[test]
fn fail_on_and_exit_codes() {
    let dir = common::scratch("diff");
    std::fs::write(dir.join("old.policy"), BASE).unwrap();
    std::fs::write(dir.join("new.policy"), edit("score >= 70", "score >= 80")).unwrap();
    let (old, new) = (dir.join("old.policy"), dir.join("new.policy"));
    let run = |extra: &[&str]| {
        let mut args = vec!["diff", old.to_str().unwrap(), new.to_str().unwrap()];
        args.extend_from_slice(extra);
        common::labelc(&args).status.code()
    };
    assert_eq!(run(&[]), Some(0));
    assert_eq!(run(&["--fail-on", "tightening"]), Some(1));
    assert_eq!(run(&["--fail-on", "loosening"]), Some(0));
    assert_eq!(run(&["--fail-on", "any"]), Some(1));
    assert_eq!(
        common::labelc(&["diff", "policies/"]).status.code(),
        Some(2)
    );
    assert_eq!(
        common::labelc(&[
            "diff",
            "policies/",
            "--from",
            "ccl@nope",
            "--to",
            "ccl@2026-04"
        ])
        .status
        .code(),
        Some(1),
        "a version the compilation lacks is an error in the input"
    );
}

#[test]
fn products_whose_level_changes_are_reported() {
    let dir = common::scratch("diff-products");
    std::fs::write(dir.join("old.policy"), BASE).unwrap();
    std::fs::write(dir.join("new.policy"), edit("score >= 70", "score >= 80")).unwrap();
    std::fs::write(
        dir.join("products.jsonl"),
        "{\"id\":\"p75\",\"category\":\"camera\",\"facts\":{\"score\":75,\"flag\":true,\"other\":true}}\n\
         {\"id\":\"p85\",\"category\":\"camera\",\"facts\":{\"score\":85,\"flag\":true,\"other\":true}}\n",
    )
    .unwrap();
    let out = common::labelc(&[
        "diff",
        dir.join("old.policy").to_str().unwrap(),
        dir.join("new.policy").to_str().unwrap(),
        "--products",
        dir.join("products.jsonl").to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let products = &diff["products"];
    let changed = products["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{products}");
    assert_eq!(changed[0]["id"], "p75");
    assert_eq!(changed[0]["line"], 1);
    assert_eq!(changed[0]["old_level"], 1);
    assert!(changed[0]["new_level"].is_null());
    assert_eq!(changed[0]["criteria"][0], "C-1: pass → fail");
    assert_eq!(products["level_transitions"]["demo: 1 → none"], 1);
    assert_eq!(products["level_changed"], 1);
}

/// A product naming no category for the compared scheme is out of its
/// scope, not an error; an error names the product.
#[test]
fn products_out_of_scope_are_not_errors_and_errors_name_the_product() {
    let dir = common::scratch("diff-products-scope");
    std::fs::write(dir.join("old.policy"), BASE).unwrap();
    std::fs::write(dir.join("new.policy"), edit("score >= 70", "score >= 80")).unwrap();
    std::fs::write(
        dir.join("products.jsonl"),
        "{\"id\":\"p75\",\"category\":\"camera\",\"facts\":{\"score\":75,\"flag\":true,\"other\":true}}\n\
         {\"id\":\"elsewhere\",\"category\":{}}\n\
         {\"id\":\"bad\",\"category\":\"camra\"}\n",
    )
    .unwrap();
    let out = common::labelc(&[
        "diff",
        dir.join("old.policy").to_str().unwrap(),
        dir.join("new.policy").to_str().unwrap(),
        "--products",
        dir.join("products.jsonl").to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let products = &diff["products"];
    let errors: Vec<&str> = products["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        errors.iter().all(|e| !e.contains("elsewhere")),
        "{errors:?}"
    );
    assert!(
        errors.contains(
            &"line 3 (`bad`): unknown category `camra` in `demo@1` (did you mean `camera`?)"
        ),
        "{errors:?}"
    );
    // The bad line is bad input: one line no scheme could judge, exit 1.
    assert_eq!(products["unjudged_lines"], 1, "{products:#}");
    assert_eq!(out.status.code(), Some(1));
    // Without it, the product out of the scheme's scope is no error: exit 0.
    std::fs::write(
        dir.join("products.jsonl"),
        "{\"id\":\"p75\",\"category\":\"camera\",\"facts\":{\"score\":75,\"flag\":true,\"other\":true}}\n\
         {\"id\":\"elsewhere\",\"category\":{}}\n",
    )
    .unwrap();
    let out = common::labelc(&[
        "diff",
        dir.join("old.policy").to_str().unwrap(),
        dir.join("new.policy").to_str().unwrap(),
        "--products",
        dir.join("products.jsonl").to_str().unwrap(),
        "--as-of",
        "2026-11-25",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
}

/// A small deterministic generator for the property test.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn a_reported_direction_never_disagrees_with_evaluation() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let as_of = jiff::civil::date(2026, 11, 25);
    let ops = [">=", ">", "<=", "<"];
    for _ in 0..60 {
        let op = ops[rng.next(4) as usize];
        let (t1, t2) = (rng.next(100), rng.next(100));
        let old = compile(&edit("score >= 70", &format!("score {op} {t1}")));
        let new = compile(&edit("score >= 70", &format!("score {op} {t2}")));
        let diff = diff_rule_sets(&old, &new);
        let class = diff
            .changes
            .iter()
            .find(|c| c.kind == "criterion.condition")
            .map(|c| c.class);
        if t1 == t2 {
            assert_eq!(class, None);
            continue;
        }
        let class = class.unwrap();
        let (po, pn) = (
            labelc::eval::Program::new(
                &old,
                labelc::eval::select_scheme(&old, "demo", as_of).unwrap(),
                as_of,
            )
            .unwrap(),
            labelc::eval::Program::new(
                &new,
                labelc::eval::select_scheme(&new, "demo", as_of).unwrap(),
                as_of,
            )
            .unwrap(),
        );
        for _ in 0..40 {
            let product = format!(
                "{{\"id\":\"p\",\"category\":\"camera\",\"facts\":{{\"score\":{},\"flag\":{},\"other\":{},\"kind\":\"pro\",\"tags\":[\"x\"]}}}}",
                rng.next(110),
                rng.next(2) == 0,
                rng.next(2) == 0
            );
            let (a, b) = (
                po.evaluate_json(&product).unwrap(),
                pn.evaluate_json(&product).unwrap(),
            );
            let (la, lb) = (a.level.unwrap_or(0), b.level.unwrap_or(0));
            match class {
                Class::Tightening => {
                    assert!(lb <= la, "{op} {t1} → {t2}: {product} went {la} → {lb}")
                }
                Class::Loosening => {
                    assert!(lb >= la, "{op} {t1} → {t2}: {product} went {la} → {lb}")
                }
                other => panic!("a threshold move was classified {other:?}"),
            }
        }
    }
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `labelc diff ARGS --format json` and reads the report.
fn diff_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--as-of", "2026-11-25", "--format", "json"]);
    let out = common::labelc(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{all:?}: {}",
        common::text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An edit of `ccl@2026-04` into a new version `ccl@2026-10`.
struct Edit {
    name: &'static str,
    /// Replacements in the copy of `policies/ccl/ccl-2026-04.policy`.
    replace: &'static [(&'static str, &'static str)],
    /// Whether a copy of the `us_ctm` recognitions, with new ids, credits the new version.
    reissue_ctm: bool,
    /// A change (kind, id, class) the diff must report.
    expect: Option<(&'static str, &'static str, &'static str)>,
}

const EDITS: &[Edit] = &[
    Edit {
        name: "version-only",
        replace: &[],
        reissue_ctm: false,
        expect: None,
    },
    Edit {
        name: "conjunct-added",
        replace: &[(
            "condition filing.completed",
            "condition filing.completed and filing.current",
        )],
        reissue_ctm: false,
        expect: Some(("criterion.condition", "CCL-P.2", "tightening")),
    },
    Edit {
        name: "criterion-added-to-a-level",
        replace: &[("require CCL-2.1\n", "require CCL-2.1, CCL-3.2\n")],
        reissue_ctm: false,
        expect: Some(("level.requires", "CCL-3.2", "tightening")),
    },
    Edit {
        name: "values-shrunk",
        replace: &[(
            "testing.laboratory in [producer_lab, qualified_third_party]",
            "testing.laboratory in [qualified_third_party]",
        )],
        reissue_ctm: true,
        expect: Some(("criterion.condition", "CCL-P.1", "tightening")),
    },
];

/// The CCL products of the example portfolio (with a category for `ccl`
/// only), and each again tested by the producer's own laboratory.
fn ccl_products() -> String {
    let portfolio = std::fs::read_to_string("policies/examples/portfolio.jsonl").unwrap();
    let mut out = String::new();
    for line in portfolio.lines() {
        let mut product: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(category) = product["category"].get("ccl").cloned() else {
            continue;
        };
        product["category"] = serde_json::json!({ "ccl": category });
        out.push_str(&product.to_string());
        out.push('\n');
        product["id"] = format!("{}-own-lab", product["id"].as_str().unwrap()).into();
        product["facts"]["testing.laboratory"] = "producer_lab".into();
        out.push_str(&product.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn both_modes_agree_on_edited_copies_of_ccl() {
    let ccl = std::fs::read_to_string("policies/ccl/ccl-2026-04.policy").unwrap();
    for edit in EDITS {
        let dir = common::scratch(&format!("diff-modes-{}", edit.name));
        let (old, new) = (dir.join("old"), dir.join("new"));
        copy_tree(Path::new("policies"), &old);
        copy_tree(Path::new("policies"), &new);
        let mut text = ccl.replacen("scheme ccl@2026-04", "scheme ccl@2026-10", 1);
        for (from, to) in edit.replace {
            assert!(text.contains(from), "{}: no {from:?}", edit.name);
            text = text.replacen(from, to, 1);
        }
        std::fs::write(new.join("ccl/ccl-2026-10.policy"), text).unwrap();
        if edit.reissue_ctm {
            let ctm = std::fs::read_to_string("policies/recognitions/ccl--us-ctm.policy").unwrap();
            let reissued = ctm
                .replace("to ccl@2026-04", "to ccl@2026-10")
                .replace("--ccl {", "--ccl-2026-10 {");
            std::fs::write(
                new.join("recognitions/ccl-2026-10--us-ctm.policy"),
                reissued,
            )
            .unwrap();
        }
        let products = dir.join("products.jsonl");
        std::fs::write(&products, ccl_products()).unwrap();
        let products = products.to_str().unwrap();
        let files = diff_json(&[
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--products",
            products,
        ]);
        let versions = diff_json(&[
            new.to_str().unwrap(),
            "--from",
            "ccl@2026-04",
            "--to",
            "ccl@2026-10",
            "--products",
            products,
        ]);
        let name = edit.name;
        assert!(
            files["compared"]
                .as_array()
                .unwrap()
                .contains(&"ccl@2026-04 → ccl@2026-10".into()),
            "{name}: {}",
            files["compared"]
        );
        assert_eq!(versions["compared"][0], "ccl@2026-04 → ccl@2026-10");
        assert_eq!(files["changes"], versions["changes"], "{name}: the changes");
        assert_eq!(
            files["products"], versions["products"],
            "{name}: the products"
        );
        let changes = files["changes"].as_array().unwrap();
        // The nine recognitions pinned to ccl@2026-04 no longer credit the new version.
        let lost: Vec<&serde_json::Value> = changes
            .iter()
            .filter(|c| c["kind"] == "recognition" && c["old"]["version"] == "2026-04")
            .collect();
        assert_eq!(lost.len(), 9, "{name}: {lost:#?}");
        assert!(lost.iter().all(|c| c["class"] == "tightening"), "{name}");
        let gained = changes
            .iter()
            .filter(|c| c["kind"] == "recognition" && c["new"]["version"] == "2026-10")
            .filter(|c| c["class"] == "loosening")
            .count();
        assert_eq!(gained, if edit.reissue_ctm { 3 } else { 0 }, "{name}");
        if let Some((kind, id, class)) = edit.expect {
            assert!(
                changes
                    .iter()
                    .any(|c| c["kind"] == kind && c["id"] == id && c["class"] == class),
                "{name}: no {class} {kind} {id} in {changes:#?}"
            );
        }
        assert!(
            files["products"]["evaluated"].as_u64().unwrap() > 0,
            "{name}"
        );
    }
}

#[test]
fn a_change_of_reachable_is_reported_and_counted() {
    let dir = common::scratch("diff-reachable");
    std::fs::write(dir.join("old.policy"), BASE).unwrap();
    std::fs::write(dir.join("new.policy"), edit("score >= 70", "score >= 80")).unwrap();
    // `flag` and `other` are not given: C-2 is unknown, so no level is reached
    // on either side, but with score 75 level 2 is still reachable before the
    // change and nothing after it.
    std::fs::write(
        dir.join("products.jsonl"),
        "{\"id\":\"p75\",\"category\":{\"demo\":\"camera\"},\"facts\":{\"score\":75,\"kind\":\"pro\",\"tags\":[\"x\"]}}\n\
         {\"id\":\"p85\",\"category\":{\"demo\":\"camera\"},\"facts\":{\"score\":85,\"kind\":\"pro\",\"tags\":[\"x\"]}}\n",
    )
    .unwrap();
    let (old, new, products) = (
        dir.join("old.policy"),
        dir.join("new.policy"),
        dir.join("products.jsonl"),
    );
    let args = [
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--products",
        products.to_str().unwrap(),
    ];
    let diff = diff_json(&args);
    let products = &diff["products"];
    assert_eq!(products["evaluated"], 2, "{products}");
    assert_eq!(products["level_changed"], 0, "{products}");
    assert_eq!(products["reachable_changed"], 1, "{products}");
    assert_eq!(products["reachable_transitions"]["demo: 2 → none"], 1);
    let changed = products["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{products}");
    assert_eq!(changed[0]["id"], "p75");
    assert!(changed[0]["old_level"].is_null() && changed[0]["new_level"].is_null());
    assert_eq!(changed[0]["old_reachable"], 2);
    assert!(changed[0]["new_reachable"].is_null());
    assert!(
        changed[0]["criteria"]
            .as_array()
            .unwrap()
            .contains(&"C-1: pass → fail".into()),
        "{products}"
    );
    let mut human = vec!["diff"];
    human.extend_from_slice(&args);
    human.extend_from_slice(&["--as-of", "2026-11-25"]);
    let out = common::text(&common::labelc(&human).stdout);
    assert!(
        out.contains("products: 2 judgements; 0 change level, 1 change reachable; 0 errors"),
        "{out}"
    );
    assert!(
        out.contains("p75 (demo, line 1): level none → none, reachable 2 → none"),
        "{out}"
    );
    assert!(out.contains("reachable demo: 2 → none: 1"), "{out}");
}

/// The peak resident memory (kB) of a child, polled from
/// `/proc/PID/status` (`VmHWM`) until it exits, and its exit status.
#[cfg(target_os = "linux")]
fn peak_rss_kb(mut child: std::process::Child) -> (u64, std::process::ExitStatus) {
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(exit) = child.try_wait().unwrap() {
            return (peak, exit);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Runs `labelc diff OLD NEW --products` on `lines` generated products,
/// every one of which changes level (1 → none), and gives its peak RSS (kB)
/// and the size of the input (kB); checks the counts of the report.
#[cfg(target_os = "linux")]
fn diff_peak_rss(dir: &Path, lines: usize) -> (u64, u64) {
    use std::io::Write as _;
    let path = dir.join(format!("products-{lines}.jsonl"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for n in 0..lines {
        writeln!(
            file,
            "{{\"id\":\"product-number-{n:08}\",\"category\":{{\"demo\":\"camera\"}},\"facts\":{{\"score\":75,\"flag\":true,\"other\":true,\"kind\":\"basic\",\"tags\":[\"y\"]}}}}"
        )
        .unwrap();
    }
    file.flush().unwrap();
    let size_kb = std::fs::metadata(&path).unwrap().len() / 1024;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_labelc"))
        .args([
            "diff",
            dir.join("old.policy").to_str().unwrap(),
            dir.join("new.policy").to_str().unwrap(),
            "--products",
            path.to_str().unwrap(),
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ])
        .stdout(std::fs::File::create(dir.join("report.json")).unwrap())
        .stderr(std::fs::File::create(dir.join("stderr.txt")).unwrap())
        .spawn()
        .unwrap();
    let (peak, status) = peak_rss_kb(child);
    assert!(status.success(), "{status:?}");
    assert!(peak > 0, "no VmHWM read");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    // Progress goes to a terminal only; here stderr is a file.
    let stderr = std::fs::read_to_string(dir.join("stderr.txt")).unwrap();
    assert!(!stderr.contains("products read"), "{stderr}");
    let products = &report["products"];
    assert_eq!(products["evaluated"], lines);
    assert_eq!(products["level_changed"], lines);
    let listed = lines.min(labelc::diff::LISTED);
    assert_eq!(products["changed"].as_array().unwrap().len(), listed);
    assert_eq!(products["changed_not_listed"], lines - listed);
    (peak, size_kb)
}

#[cfg(target_os = "linux")]
#[test]
fn products_stream_in_flat_memory() {
    let dir = common::scratch("diff-memory");
    std::fs::write(dir.join("old.policy"), BASE).unwrap();
    std::fs::write(dir.join("new.policy"), edit("score >= 70", "score >= 80")).unwrap();
    let (small, _) = diff_peak_rss(&dir, 2_000);
    let (large, size_kb) = diff_peak_rss(&dir, 100_000);
    // Flat: 50 times the products, and the peak grows by far less than the
    // input, which a collecting implementation would hold (and more: every
    // product changes level).
    assert!(
        large < small + size_kb / 4,
        "peak RSS {small} kB on 2,000 products, {large} kB on 100,000 ({size_kb} kB of input)"
    );
}

#[test]
fn a_recognition_that_moved_with_the_version_is_compared_not_lost() {
    let old = compile(BASE);
    // The new release has demo@2 only, and the recognition moved to it.
    let moved =
        BASE.replacen("scheme demo@1", "scheme demo@2", 1)
            .replacen("to demo@1", "to demo@2", 1);
    let diff = diff_rule_sets(&old, &compile(&moved));
    assert_eq!(diff.compared[0], "demo@1 → demo@2");
    let kinds: Vec<&str> = diff.changes.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["scheme.version"], "{:#?}", diff.changes);
    // Moved with a narrower credit: compared field by field.
    let narrower = moved.replacen("credit full", "credit partial", 1);
    let diff = diff_rule_sets(&old, &compile(&narrower));
    assert!(
        diff.changes
            .iter()
            .any(|c| c.kind == "recognition.credit" && c.class == Class::Tightening),
        "{:#?}",
        diff.changes
    );
    assert!(!diff.changes.iter().any(|c| c.kind == "recognition"));
    // Left pinned to demo@1, which the new release still has: a credit lost.
    let pinned = format!(
        "{BASE}\n{}",
        BASE.lines()
            .skip_while(|l| !l.starts_with("scheme demo@1"))
            .take_while(|l| *l != "}")
            .collect::<Vec<_>>()
            .join("\n")
            .replacen("scheme demo@1", "scheme demo@2", 1)
            + "\n}\n"
    );
    let diff = diff_rule_sets(&old, &compile(&pinned));
    assert_eq!(diff.compared[0], "demo@1 → demo@2");
    let lost: Vec<_> = diff
        .changes
        .iter()
        .filter(|c| c.kind == "recognition")
        .collect();
    assert_eq!(lost.len(), 1, "{:#?}", diff.changes);
    assert_eq!(lost[0].id, "other--demo");
    assert_eq!(lost[0].class, Class::Tightening);
    assert_eq!(
        lost[0].reason,
        "recognition credits `demo@1` but not `demo@2`: a credit lost"
    );
}

/// A listed product change says what each level reached rests on below the
/// official text, as `eval` does.
#[test]
fn a_product_change_says_what_its_level_rests_on() {
    let dir = common::scratch("diff-products-basis");
    let old = edit(
        r#"criterion C-2 { title "Flag" condition flag and other }"#,
        r#"criterion C-2 { title "Flag" basis inferred "placement read from a draft" condition flag and other }"#,
    );
    let new = old.replacen("score >= 70", "score >= 60", 1);
    std::fs::write(dir.join("old.policy"), &old).unwrap();
    std::fs::write(dir.join("new.policy"), &new).unwrap();
    std::fs::write(
        dir.join("products.jsonl"),
        "{\"id\":\"p65\",\"category\":\"camera\",\"facts\":{\"score\":65,\"flag\":true,\"other\":true}}\n",
    )
    .unwrap();
    let run = |format: &str| {
        common::labelc(&[
            "diff",
            dir.join("old.policy").to_str().unwrap(),
            dir.join("new.policy").to_str().unwrap(),
            "--products",
            dir.join("products.jsonl").to_str().unwrap(),
            "--as-of",
            "2026-11-25",
            "--format",
            format,
        ])
    };
    let out = run("json");
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let change = &diff["products"]["changed"][0];
    assert_eq!(change["id"], "p65", "{diff:#}");
    assert_eq!(change["new_level"], 1, "{change:#}");
    // Level 1 is reached only in the new version, and it rests on C-2's inferred basis.
    assert!(change.get("old_level_rests_on").is_none(), "{change:#}");
    assert_eq!(
        change["new_level_rests_on"],
        "rests on 1 inferred criterion"
    );
    let human = common::text(&run("human").stdout);
    assert!(
        human.contains("(new level rests on 1 inferred criterion)"),
        "{human}"
    );
}

/// The criterion `id` of scheme `demo` in `rules`.
fn criterion<'r>(rules: &'r RuleSet, id: &str) -> &'r labelc::rules::Criterion {
    rules.schemes[0]
        .criteria
        .iter()
        .find(|c| c.id == id)
        .unwrap()
}

#[test]
fn conditions_compare_by_shape_not_by_text_or_slot() {
    let base = compile(BASE);
    // Another layout of the same tree, and a fact declared first (every slot moves).
    let relaid = compile(&format!(
        "fact aaa: bool\n{}",
        edit("condition flag and other", "condition (flag)   and (other)")
    ));
    let (a, b) = (criterion(&base, "C-2"), criterion(&relaid, "C-2"));
    let (ca, cb) = (a.condition.as_ref().unwrap(), b.condition.as_ref().unwrap());
    assert_ne!(ca.text(), cb.text());
    assert_ne!(ca.facts()[0].slot, cb.facts()[0].slot);
    assert!(ca.same_shape(cb));
    let moved = compile(&edit("score >= 70", "score >= 71"));
    let (x, y) = (criterion(&base, "C-1"), criterion(&moved, "C-1"));
    assert!(
        !x.condition
            .as_ref()
            .unwrap()
            .same_shape(y.condition.as_ref().unwrap())
    );
    let diff = diff_rule_sets(&base, &relaid);
    assert!(
        diff.changes.iter().all(|c| c.kind == "fact"),
        "only the fact is new: {:?}",
        diff.changes
    );
}

#[test]
fn versions_are_found_by_the_library_or_named_in_a_typed_error() {
    let rules = compile(BASE);
    let (diff, pair) = labelc::diff::diff_named(&rules, "demo@1", "demo@1").unwrap();
    assert!(diff.changes.is_empty());
    assert_eq!(rules.schemes[pair.0].key(), "demo@1");
    let e = labelc::diff::diff_named(&rules, "demo@9", "demo@1").unwrap_err();
    assert_eq!(e.code(), "labelc::diff::unknown_version");
    assert!(e.to_string().contains("demo@1, other@1"), "{e}");
}

#[test]
fn unreadable_products_are_a_typed_error() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }
    let rules = compile(BASE);
    let as_of = jiff::civil::date(2026, 11, 25);
    let mut input = std::io::BufReader::new(Broken);
    let e = labelc::diff::judge_products(&rules, &rules, &[(0, 0)], as_of, &mut input, &mut |_| {})
        .unwrap_err();
    assert_eq!(e.code(), "labelc::diff::unreadable_products");
    assert!(e.to_string().contains("disk gone"), "{e}");
}
