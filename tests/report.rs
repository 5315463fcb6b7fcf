//! `labelc report` and `eval --explain`: the figures of the HTML report are
//! the numbers of the JSON outputs for the same input (read back through the
//! report's `data-` attributes), the report is the same bytes run after run
//! and self-contained; the explanation goes through every level above the
//! one reached and says its caveats; no progress bytes reach a piped stderr.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

mod common;

use std::collections::BTreeMap;

use common::{labelc, labelc_with_input, scratch, text};

const POLICY: &str = "tests/report/demo.policy";
const PRODUCTS: &str = "tests/report/demo.jsonl";
const PLAN_PRODUCT: &str = "tests/report/plan-product.json";
const AS_OF: &str = "2026-11-25";

/// Writes a report with `args` into a scratch file and returns its text.
fn report(name: &str, args: &[&str]) -> String {
    let dir = scratch(name);
    let out = dir.join("report.html");
    let mut all = vec!["report", POLICY, "--as-of", AS_OF, "--out"];
    all.push(out.to_str().unwrap());
    all.extend_from_slice(args);
    let run = labelc(&all);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let html = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_dir_all(dir);
    html
}

/// The value of attribute `name` in the tag text `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let rest = tag.get(start..)?;
    rest.get(..rest.find('"')?)
}

/// Every opening tag of `html` that contains `marker`.
fn tags<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    html.split('<')
        .filter(|t| t.contains(marker))
        .map(|t| t.split('>').next().unwrap())
        .collect()
}

/// The number in `<… data-figure="NAME">N<…`, the first after `from`.
fn figure(html: &str, from: &str, name: &str) -> usize {
    let at = html.find(from).unwrap();
    let marker = format!("data-figure=\"{name}\">");
    let rest = &html[at..];
    let start = rest.find(&marker).unwrap() + marker.len();
    let end = rest[start..].find('<').unwrap();
    rest[start..start + end].parse().unwrap()
}

fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    text(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn eval_json(scheme: &str) -> Vec<serde_json::Value> {
    let run = labelc(&[
        "eval", POLICY, "--scheme", scheme, "--as-of", AS_OF, "--format", "json", "--facts",
        PRODUCTS,
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    json_lines(&run.stdout)
}

#[test]
fn portfolio_level_counts_equal_eval_json() {
    let html = report("portfolio", &["--portfolio", PRODUCTS]);
    for scheme in ["star", "base"] {
        let lines = eval_json(scheme);
        let key = lines[0]["scheme"].as_str().unwrap().to_string();
        let mut from_json: BTreeMap<String, usize> = BTreeMap::new();
        for line in &lines {
            let bucket = if line.get("excluded").is_some() {
                "out-of-scope".to_string()
            } else {
                line["level"]
                    .as_i64()
                    .map_or("none".to_string(), |l| l.to_string())
            };
            *from_json.entry(bucket).or_default() += 1;
        }
        let block = &html[html.find(&format!("data-scheme=\"{key}\"")).unwrap()..];
        let block = &block[..block.find("</div>").unwrap()];
        let from_html: BTreeMap<String, usize> = tags(block, "class=\"bar\"")
            .iter()
            .map(|t| {
                (
                    attr(t, "data-level").unwrap().to_string(),
                    attr(t, "data-count").unwrap().parse().unwrap(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(from_html, from_json, "{key}");
        assert_eq!(figure(&html, &key, "products"), lines.len());
    }
}

#[test]
fn blocking_criteria_equal_the_next_level_of_eval_json() {
    let html = report("blocking", &["--portfolio", PRODUCTS, "--scheme", "star"]);
    let mut from_json: BTreeMap<String, usize> = BTreeMap::new();
    for line in eval_json("star") {
        let Some(next) = line.get("next") else {
            continue;
        };
        for list in ["failing", "unknown"] {
            for c in next[list].as_array().unwrap() {
                *from_json
                    .entry(c["id"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
    }
    let from_html: BTreeMap<String, usize> = html
        .split("<tr data-criterion=\"")
        .skip(1)
        .map(|row| {
            let id = row.split('"').next().unwrap().to_string();
            let n = attr(row, "data-blocked").unwrap().parse().unwrap();
            (id, n)
        })
        .collect();
    assert!(!from_json.is_empty());
    assert_eq!(from_html, from_json);
}

#[test]
fn plan_figures_equal_plan_json() {
    let html = report(
        "plan",
        &[
            "--plan",
            PLAN_PRODUCT,
            "--scheme",
            "star",
            "--portfolio",
            PRODUCTS,
        ],
    );
    let run = labelc(&[
        "plan",
        POLICY,
        "--scheme",
        "star",
        "--category",
        "camera",
        "--facts",
        PLAN_PRODUCT,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let scheme = &plan["schemes"][0];
    let work: usize = scheme["work"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["criteria"].as_array().unwrap().len())
        .sum();
    let at = "id=\"plan\"";
    assert_eq!(figure(&html, at, "work-items"), work);
    assert_eq!(
        figure(&html, at, "credits"),
        scheme["credits"].as_array().unwrap().len()
    );
    assert_eq!(
        figure(&html, at, "open-items"),
        scheme["open_items"].as_array().unwrap().len()
    );
    assert_eq!(figure(&html, at, "target"), 3);
    // The checklist holds every criterion of the work, and the credits.
    for step in scheme["work"].as_array().unwrap() {
        for c in step["criteria"].as_array().unwrap() {
            let id = c["criterion"].as_str().unwrap();
            assert!(
                html.contains(&format!("<li data-criterion=\"{id}\">")),
                "{id}"
            );
        }
    }
    for c in scheme["credits"].as_array().unwrap() {
        let id = c["criterion"].as_str().unwrap();
        assert!(html.contains(&format!("<li class=\"credited\" data-criterion=\"{id}\">")));
    }
}

#[test]
fn diff_figures_equal_diff_json() {
    let html = report(
        "diff",
        &["--versions", "star@1", "star@2", "--portfolio", PRODUCTS],
    );
    let run = labelc(&[
        "diff",
        POLICY,
        "--from",
        "star@1",
        "--to",
        "star@2",
        "--products",
        PRODUCTS,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let diff: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let products = &diff["products"];
    let at = "id=\"diff\"";
    assert_eq!(
        figure(&html, at, "level-changed"),
        products["level_changed"].as_u64().unwrap() as usize
    );
    assert!(products["level_changed"].as_u64().unwrap() > 0);
    assert_eq!(
        figure(&html, at, "reachable-changed"),
        products["reachable_changed"].as_u64().unwrap() as usize
    );
    let from_html: BTreeMap<String, u64> = tags(&html, "data-transition=")
        .iter()
        .map(|t| {
            (
                attr(t, "data-transition").unwrap().replace("&gt;", ">"),
                attr(t, "data-count").unwrap().parse().unwrap(),
            )
        })
        .collect();
    let from_json: BTreeMap<String, u64> = products["level_transitions"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(from_html, from_json);
    let changes = diff["changes"].as_array().unwrap();
    for class in ["tightening", "mixed", "loosening", "neutral"] {
        let n = changes.iter().filter(|c| c["class"] == class).count();
        let bar = tags(&html, &format!("data-class=\"{class}\""));
        assert_eq!(
            attr(bar[0], "data-count").unwrap(),
            n.to_string(),
            "{class}"
        );
    }
}

#[test]
fn recognition_graph_equals_the_compiled_recognitions() {
    let html = report("recognitions", &["--recognitions"]);
    let run = labelc(&["compile", POLICY]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let rules: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let recognitions = rules["recognitions"].as_array().unwrap();
    assert_eq!(
        figure(&html, "id=\"recognitions\"", "recognitions"),
        recognitions.len()
    );
    // Each arrow counts the recognitions of its pair and status; assumed
    // (and official on less than the official text) apart from official.
    let mut from_json: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for r in recognitions {
        let weak = r["status"] != "official" || r.get("basis").is_some();
        let status = if r["status"] == "proposed" {
            "proposed"
        } else if weak {
            "assumed"
        } else {
            "official"
        };
        let key = (
            r["from"]["scheme"].as_str().unwrap().to_string(),
            r["to"]["scheme"].as_str().unwrap().to_string(),
            status.to_string(),
        );
        *from_json.entry(key).or_default() += 1;
    }
    let from_html: BTreeMap<(String, String, String), usize> = tags(&html, "class=\"edge\"")
        .iter()
        .map(|t| {
            (
                (
                    attr(t, "data-from").unwrap().to_string(),
                    attr(t, "data-to").unwrap().to_string(),
                    attr(t, "data-status").unwrap().to_string(),
                ),
                attr(t, "data-count").unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(from_html, from_json);
    assert!(from_html.keys().any(|k| k.2 == "official"));
    assert!(from_html.keys().any(|k| k.2 == "assumed"));
    assert!(
        html.contains("stroke-dasharray"),
        "assumed arrows are dashed"
    );
}

#[test]
fn a_report_is_the_same_bytes_twice_and_self_contained() {
    let args = [
        "--portfolio",
        PRODUCTS,
        "--plan",
        PLAN_PRODUCT,
        "--scheme",
        "star",
        "--versions",
        "star@1",
        "star@2",
        "--recognitions",
    ];
    let first = report("same-1", &args);
    let second = report("same-2", &args);
    assert_eq!(first, second);
    for section in ["portfolio", "plan", "diff", "recognitions"] {
        assert!(
            first.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    let lower = first.to_lowercase();
    for outside in ["<script", " src=", "href=", "@import", "url(http", "<link"] {
        assert!(!lower.contains(outside), "{outside}");
    }
    assert!(lower.contains("@media print"));
    assert!(lower.contains("<svg"));
}

#[test]
fn a_report_on_standard_output_and_without_a_section_asked_for() {
    let run = labelc(&[
        "report",
        POLICY,
        "--out",
        "-",
        "--recognitions",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(run.status.code(), Some(0));
    assert!(text(&run.stdout).starts_with("<!DOCTYPE html>"));
    let run = labelc(&["report", POLICY, "--out", "-"]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("labelc::report::nothing_to_report"),
        "{stderr}"
    );
    assert!(stderr.contains("help: add `--portfolio"), "{stderr}");
    assert!(run.stdout.is_empty());
    let run = labelc(&["report", POLICY, "--out", "-", "--plan", PLAN_PRODUCT]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("labelc::report::plan_needs_scheme"));
    let run = labelc(&[
        "report",
        POLICY,
        "--out",
        "-",
        "--versions",
        "star@1",
        "star@9",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("labelc::report::unknown_version"),
        "{stderr}"
    );
    assert!(stderr.contains("star@2"), "{stderr}");
}

fn explain(line: &str) -> String {
    let run = labelc_with_input(
        &[
            "eval",
            POLICY,
            "--scheme",
            "star",
            "--as-of",
            AS_OF,
            "--facts",
            "-",
            "--explain",
        ],
        line.as_bytes(),
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    text(&run.stdout)
}

fn product(n: usize) -> String {
    std::fs::read_to_string(PRODUCTS)
        .unwrap()
        .lines()
        .nth(n)
        .unwrap()
        .to_string()
}

#[test]
fn explain_goes_through_every_level_above_the_one_reached() {
    // cam-3: no level; level 1 fails on PW, level 2 on PATCH, level 3 is
    // out of reach because of the levels below.
    let text = explain(&product(2));
    assert!(
        text.contains("level 1 (one star): out of reach\n    ✗ PW fail"),
        "{text}"
    );
    assert!(
        text.contains("level 2 (two stars): out of reach\n    ✗ PATCH fail"),
        "{text}"
    );
    assert!(
        text.contains(
            "level 3 (three stars) (the highest level): out of reach because of a level below"
        ),
        "{text}"
    );
    assert!(text.contains("? DOC unknown"), "{text}");
    assert!(
        text.contains("and it needs level 1 (one star) below, which is out of reach"),
        "{text}"
    );
    insta::assert_snapshot!("explain_every_level", text);
}

#[test]
fn explain_names_the_caveats_of_credits() {
    // cam-1 holds base:1: PEND is credited by a recognition with a verify
    // step and by one on an inference, RENEW by an assumed one.
    let text = explain(&product(0));
    assert!(text.contains("level reached: 2 (two stars)"), "{text}");
    assert!(
        text.contains(
            "level 3 (three stars) (the reachable level, the highest level): not reached yet"
        ),
        "{text}"
    );
    assert!(text.contains(
        "caveat: PEND is credited by base--star only once an assessor verifies: the certificate names the product's model number"
    ), "{text}");
    assert!(
        text.contains("caveat: RENEW is credited by base--star-renew, an assumed recognition"),
        "{text}"
    );
    assert!(
        text.contains(
            "caveat: PEND is credited by base--star-inferred, which rests on inferred grounds"
        ),
        "{text}"
    );
    insta::assert_snapshot!("explain_caveats", text);
}

#[test]
fn explain_warns_of_a_level_met_on_pending_criteria_only() {
    let dir = scratch("pending-met");
    let policy = dir.join("p.policy");
    std::fs::write(
        &policy,
        r#"fact ok: bool
fact cert: bool
scheme s@1 {
  title "S"
  category all { title "All" }
  criterion P { title "registered" status pending "rules not published" }
  criterion C { title "checked" condition ok }
  level 1 { title "one" require P }
  level 2 { title "two" include 1 require C }
}
scheme o@1 {
  title "O"
  category all { title "All" }
  criterion O { title "o" condition cert }
  level 1 { title "one" require O }
}
recognition o--s {
  from o@1 level 1
  to s@1
  relationship superset_of
  credit full
  status official
  credits P
}
"#,
    )
    .unwrap();
    let run = labelc_with_input(
        &[
            "eval",
            policy.to_str().unwrap(),
            "--scheme",
            "s",
            "--as-of",
            AS_OF,
            "--facts",
            "-",
            "--explain",
        ],
        br#"{"id":"x","category":{"s":"all"},"holds":["o:1"],"facts":{"ok":false}}"#,
    );
    let _ = std::fs::remove_dir_all(dir);
    let out = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(out.contains("level reached: 1 (one)"), "{out}");
    assert!(out.contains(
        "caveat: level 1 (one) is met, but every criterion it requires is pending (the published texts leave it open): P"
    ), "{out}");
    assert!(
        out.contains("level 2 (two) (the highest level): out of reach\n    ✗ C fail"),
        "{out}"
    );
}

#[test]
fn no_progress_bytes_reach_a_piped_stderr() {
    // More than progress::MIN_BYTES of products, so a terminal would get a bar.
    let dir = scratch("progress");
    let products = dir.join("many.jsonl");
    let line = product(1);
    let many: String = (0..12_000).map(|_| format!("{line}\n")).collect();
    assert!(many.len() > 1 << 20);
    std::fs::write(&products, &many).unwrap();
    let path = products.to_str().unwrap();
    let runs = [
        labelc(&[
            "eval", POLICY, "--scheme", "star", "--as-of", AS_OF, "--facts", path,
        ]),
        labelc(&[
            "diff",
            POLICY,
            "--from",
            "star@1",
            "--to",
            "star@2",
            "--products",
            path,
            "--as-of",
            AS_OF,
        ]),
    ];
    let _ = std::fs::remove_dir_all(dir);
    for run in runs {
        let stderr = text(&run.stderr);
        assert!(run.status.success(), "{stderr}");
        assert!(!stderr.contains('\r'), "{stderr}");
        assert!(!stderr.contains('\u{1b}'), "{stderr}");
        assert!(!stderr.contains("products read"), "{stderr}");
    }
}
