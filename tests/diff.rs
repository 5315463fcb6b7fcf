//! `labelc diff`: one version pair per change kind (the base policy of
//! `common::diff_base`, edited once), each with its classification and reason
//! asserted and its JSON snapshotted; identical inputs give no change; and a
//! property test that a reported direction never disagrees with evaluation.
//! The products judged on both sides are in `tests/diff_products.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::diff_base::{BASE, compile, edit};
use labelc::diff::{Class, diff_rule_sets};
use labelc::rules::RuleSet;

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
