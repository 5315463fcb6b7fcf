//! `cargo bench --bench analysis`: the decision procedure (src/analysis)
//! against issue 15's targets. Verifying every recognition of `policies/`
//! (target < 1 s); classifying the diff of two generated versions of 1,000
//! criteria with 100 changed conditions (target < 2 s); and the dead-rule
//! pass `check` runs. Each figure is printed next to its target first (one
//! timed run each), then divan measures them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmark set-up"
)]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use labelc::rules::RuleSet;

const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 11, 25);
const CRITERIA: usize = 1_000;
const CHANGED: usize = 100;

fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            policy_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

fn compile(files: &[(String, String)]) -> RuleSet {
    let mut sources = labelc::source::SourceMap::new();
    for (name, text) in files {
        sources.add(name.clone(), text.clone());
    }
    labelc::compile(&sources).expect("the benchmark policy checks")
}

static POLICIES: LazyLock<RuleSet> = LazyLock::new(|| {
    let mut paths = Vec::new();
    policy_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"),
        &mut paths,
    );
    paths.sort();
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    compile(&files)
});

/// Criterion `i`'s condition, and (for every tenth) its changed form:
/// equivalent, tighter, looser or mixed in turn, so the procedure decides
/// each kind.
fn conditions(i: usize) -> (String, Option<String>) {
    let (n, b, k) = (i % 40, (i * 7) % 40, i % 12);
    let old = format!("n{n} >= {k} and b{b}");
    let new = i
        .is_multiple_of(CRITERIA / CHANGED)
        .then(|| match (i / 10) % 4 {
            0 => format!("not (not b{b} or n{n} < {k})"),
            1 => format!("n{n} >= {} and b{b}", k + 1),
            2 => format!("n{n} > {} or b{b}", k),
            _ => format!("n{n} >= {} and (b{b} or n{n} > 20)", k + 1),
        });
    (old, new)
}

/// The generated policy: 40 int and 40 bool facts, one scheme of
/// `CRITERIA` criteria in one level; `changed` picks the new conditions.
fn generated(changed: bool) -> String {
    let mut text = String::new();
    for f in 0..40 {
        text.push_str(&format!("fact n{f}: int\nfact b{f}: bool\n"));
    }
    text.push_str(
        "scheme gen@1 {\n  title \"Generated\"\n  effective 2026-01-01\n  category cam { title \"Cameras\" }\n",
    );
    let mut ids = Vec::new();
    for i in 0..CRITERIA {
        let (old, new) = conditions(i);
        let condition = if changed { new.unwrap_or(old) } else { old };
        text.push_str(&format!(
            "  criterion C-{i} {{ title \"c{i}\" status confirmed condition {condition} }}\n"
        ));
        ids.push(format!("C-{i}"));
    }
    text.push_str(&format!(
        "  level 1 {{ title \"one\" require {} }}\n}}\n",
        ids.join(", ")
    ));
    text
}

static OLD: LazyLock<RuleSet> =
    LazyLock::new(|| compile(&[("old.policy".to_string(), generated(false))]));
static NEW: LazyLock<RuleSet> =
    LazyLock::new(|| compile(&[("new.policy".to_string(), generated(true))]));

fn verify() -> usize {
    labelc::analysis::verify_all(&POLICIES, AS_OF).len()
}

fn diff() -> usize {
    labelc::diff::diff_rule_sets(&OLD, &NEW).changes.len()
}

fn dead() -> usize {
    labelc::analysis::find_dead(&POLICIES, AS_OF).len()
}

/// One timed run of `f`, printed next to `target` (seconds).
fn once(name: &str, target: f64, f: fn() -> usize) {
    let start = Instant::now();
    let n = f();
    let took = start.elapsed().as_secs_f64();
    let verdict = if took < target { "within" } else { "OVER" };
    eprintln!(
        "{name}: {:.1} ms ({n} results); target < {target} s: {verdict}",
        took * 1e3
    );
}

fn main() {
    LazyLock::force(&POLICIES);
    LazyLock::force(&OLD);
    LazyLock::force(&NEW);
    eprintln!(
        "workload: policies/ ({} recognitions, {} scheme versions); two versions of {CRITERIA} criteria, {CHANGED} conditions changed",
        POLICIES.recognitions.len(),
        POLICIES.schemes.len()
    );
    once("verify every recognition of policies/", 1.0, verify);
    once("diff of 1,000 criteria, 100 changed", 2.0, diff);
    once("dead and trivial rules of policies/", 1.0, dead);
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn verify_recognitions_of_policies() -> usize {
    verify()
}

#[divan::bench(sample_count = 10)]
fn diff_1000_criteria_100_changed() -> usize {
    diff()
}

#[divan::bench(sample_count = 10)]
fn dead_rules_of_policies() -> usize {
    dead()
}
