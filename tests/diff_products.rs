//! `labelc diff --products`: which products change level or reachability
//! between two versions of the base policy (see `common::diff_base`), both
//! ways of naming the versions agreeing on edited copies of CCL, products
//! streamed in flat memory, and the typed error for unreadable products.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use common::diff_base::{BASE, compile, edit};
use std::path::Path;

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
    let e =
        labelc::diff::judge_products(&rules, &rules, &[(0, 0)], as_of, &mut input, &mut |_| {}, 1)
            .unwrap_err();
    assert_eq!(e.code(), "labelc::diff::unreadable_products");
    assert!(e.to_string().contains("disk gone"), "{e}");
}

/// `diff --products` on 1, 2 and 3 threads gives the same report, byte for
/// byte: the same counts, the same first 1,000 changes listed (of more),
/// the same errors (malformed, unknown category, not UTF-8) in line order.
#[test]
fn products_judged_on_several_threads_give_the_same_report() {
    let dir = common::scratch("diff-products-jobs");
    std::fs::write(dir.join("old.policy"), BASE).unwrap();
    std::fs::write(dir.join("new.policy"), edit("score >= 70", "score >= 80")).unwrap();
    let mut products = Vec::new();
    for i in 0..3_000 {
        let line = match i {
            _ if i % 97 == 5 => "{\"id\": \"broken\",".to_string(),
            _ if i % 89 == 7 => String::new(),
            _ if i % 101 == 9 => {
                format!("{{\"id\":\"p{i}\",\"category\":{{\"demo\":\"camra\"}},\"facts\":{{}}}}")
            }
            _ => {
                let score = if i % 4 == 0 { 85 } else { 70 + i % 10 };
                format!(
                    "{{\"id\":\"p{i}\",\"category\":{{\"demo\":\"camera\"}},\"facts\":{{\"score\":{score},\"flag\":true,\"other\":{}}}}}",
                    i % 3 != 0
                )
            }
        };
        products.extend_from_slice(line.as_bytes());
        if i == 1_234 {
            products.extend_from_slice(b"\xff\xfe");
        }
        products.push(b'\n');
    }
    let file = dir.join("products.jsonl");
    std::fs::write(&file, &products).unwrap();
    let run = |jobs: &str| {
        let out = common::labelc(&[
            "diff",
            dir.join("old.policy").to_str().unwrap(),
            dir.join("new.policy").to_str().unwrap(),
            "--products",
            file.to_str().unwrap(),
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
            "--jobs",
            jobs,
        ]);
        // Bad lines are bad input: exit 1, and the report is still written.
        assert_eq!(out.status.code(), Some(1), "{}", common::text(&out.stderr));
        out.stdout
    };
    let one = run("1");
    let report: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let p = &report["products"];
    assert_eq!(p["changed"].as_array().unwrap().len(), 1_000, "{p}");
    assert!(p["changed_not_listed"].as_u64().unwrap() > 0, "{p}");
    assert!(p["error_count"].as_u64().unwrap() >= 3, "{p}");
    let errors: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("line 1235: the line is not UTF-8")),
        "{errors:?}"
    );
    assert!(
        p["changed"][0]["criteria"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "{p}"
    );
    for jobs in ["2", "3"] {
        assert!(run(jobs) == one, "--jobs {jobs} differs from --jobs 1");
    }
}
