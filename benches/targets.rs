//! `cargo bench --bench targets`: the performance targets of issue 21, each
//! measured on the `labelc` binary (a whole process, as a user runs it) and
//! printed as a figure next to its target (docs/performance.md, "Targets").
//!
//! Workloads, generated into a temporary directory, deterministic:
//! the compile workload (`support/policy.rs`: 25 schemes × 1,500 criteria,
//! about 10 MB) in two revisions, one scheme of 1,000 criteria for start-up,
//! one scheme file of 1,500 and one of 6,000 criteria for fmt's linearity,
//! and the eval workload (`support/workload.rs`) with 50,000 products,
//! which also gives `diff --products` its products and `test` its tests
//! (one per product, expecting the level eval gives it).
//! Commands that are compared run in alternation, round after round, and
//! each figure is the median over the rounds (`LABELC_BENCH_ROUNDS`,
//! default 3), so the drift of a shared machine hits both sides alike.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "benchmark set-up"
)]

#[path = "support/workload.rs"]
mod workload;

#[path = "support/policy.rs"]
mod policy;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PRODUCTS: usize = 50_000;

fn main() {
    let rounds: usize = std::env::var("LABELC_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let dir = std::env::temp_dir().join(format!("labelc-targets-{}", std::process::id()));
    let w = Workloads::write(&dir);
    eprintln!(
        "issue 21 targets: {rounds} rounds, medians; workload {:.1} MB in {} files; {} cores",
        w.mb,
        policy::SCHEMES + 1,
        labelc::eval::batch::jobs(None)
    );
    let mut table = Table::default();
    compile_and_check(&w, rounds, &mut table);
    fmt(&w, rounds, &mut table);
    eval(&w, rounds, &mut table);
    diff_products(&w, rounds, &mut table);
    tests(rounds, &mut table);
    table.print();
    let _ = std::fs::remove_dir_all(&dir);
}

struct Workloads {
    dir: PathBuf,
    a: PathBuf,
    b: PathBuf,
    mb: f64,
    small: PathBuf,
    one: PathBuf,
    four: PathBuf,
    eval_policy: PathBuf,
    products: PathBuf,
}

impl Workloads {
    fn write(dir: &Path) -> Workloads {
        let (a, b, small) = (dir.join("a"), dir.join("b"), dir.join("small"));
        let bytes = policy::write(&a, policy::SCHEMES, policy::CRITERIA_PER_SCHEME, 0).unwrap();
        policy::write(&b, policy::SCHEMES, policy::CRITERIA_PER_SCHEME, 1).unwrap();
        policy::write(&small, 1, 1_000, 0).unwrap();
        let (one, four) = (dir.join("one"), dir.join("four"));
        for (path, criteria) in [(&one, 1_500), (&four, 6_000)] {
            std::fs::create_dir_all(path).unwrap();
            std::fs::write(path.join("vocabulary.policy"), policy::vocabulary()).unwrap();
            std::fs::write(path.join("gen.policy"), policy::scheme(0, criteria, 0)).unwrap();
        }
        let eval_policy = dir.join("bench.policy");
        std::fs::write(&eval_policy, workload::policy()).unwrap();
        let products = dir.join("products.jsonl");
        std::fs::write(&products, workload::products(PRODUCTS)).unwrap();
        Workloads {
            dir: dir.to_path_buf(),
            a,
            b,
            mb: bytes as f64 / 1e6,
            small,
            one,
            four,
            eval_policy,
            products,
        }
    }
}

/// Runs `labelc ARGS` with stdout to /dev/null; its wall time and, when
/// `/usr/bin/time` is there, its peak RSS in KB.
fn labelc(args: &[&dyn AsRef<std::ffi::OsStr>]) -> (Duration, Option<u64>) {
    let timer = Path::new("/usr/bin/time");
    let mut command = if timer.exists() {
        let mut c = Command::new(timer);
        c.args(["-f", "%M"]).arg(env!("CARGO_BIN_EXE_labelc"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_labelc"))
    };
    for a in args {
        command.arg(a);
    }
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let out = command.output().unwrap();
    let took = start.elapsed();
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        code <= 1,
        "labelc {:?}: exit {code}: {stderr}",
        args.iter().map(|a| a.as_ref()).collect::<Vec<_>>()
    );
    let rss = stderr.lines().last().and_then(|l| l.trim().parse().ok());
    (took, rss)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs each command once per round, in turn; the median seconds of each and
/// the median peak RSS in KB.
fn alternate(rounds: usize, commands: &[&[&dyn AsRef<std::ffi::OsStr>]]) -> Vec<(f64, f64)> {
    let mut times = vec![Vec::new(); commands.len()];
    let mut rss = vec![Vec::new(); commands.len()];
    for _ in 0..rounds {
        for (i, c) in commands.iter().enumerate() {
            let (t, r) = labelc(c);
            times[i].push(t.as_secs_f64());
            rss[i].push(r.unwrap_or(0) as f64);
        }
    }
    times
        .into_iter()
        .zip(rss)
        .map(|(t, r)| (median(t), median(r)))
        .collect()
}

#[derive(Default)]
struct Table(Vec<(String, String, String, bool)>);

impl Table {
    fn row(&mut self, what: &str, figure: String, target: &str, met: bool) {
        self.0
            .push((what.to_string(), figure, target.to_string(), met));
    }

    fn print(&self) {
        println!(
            "\n{:<58} {:>16}  {:<14} met",
            "issue 21 target", "measured", "target"
        );
        for (what, figure, target, met) in &self.0 {
            println!(
                "{what:<58} {figure:>16}  {target:<14} {}",
                if *met { "yes" } else { "NO" }
            );
        }
    }
}

fn compile_and_check(w: &Workloads, rounds: usize, table: &mut Table) {
    let (a, b) = (&w.a, &w.b);
    let times = alternate(
        rounds,
        &[
            &[&"check", &"--quiet", a],
            &[&"compile", a],
            &[&"diff", a, b],
        ],
    );
    let [(check, check_rss), (compile, compile_rss), (diff, _)] = times[..] else {
        return;
    };
    eprintln!(
        "check {check:.2} s ({:.0} MB RSS), compile {compile:.2} s ({:.0} MB RSS), diff {diff:.2} s",
        check_rss / 1e3,
        compile_rss / 1e3
    );
    let mbps = w.mb / compile;
    table.row(
        "compile, MB/s of policy source",
        format!("{mbps:.1} MB/s"),
        ">= 8 MB/s",
        mbps >= 8.0,
    );
    if compile_rss > 0.0 {
        let x = compile_rss * 1e3 / (w.mb * 1e6);
        table.row(
            "compile, peak RSS / source size",
            format!("{x:.1}x"),
            "<= 10x",
            x <= 10.0,
        );
    }
    let r = compile / check;
    table.row(
        "compile / check time",
        format!("{r:.2}x"),
        "<= 1.3x",
        r <= 1.3,
    );
    let r = diff / compile;
    table.row(
        "diff of two 10 MB versions / compile time",
        format!("{r:.2}x"),
        "<= 1.5x",
        r <= 1.5,
    );
    let startup = alternate(rounds.max(5), &[&[&"compile", &w.small]]);
    let ms = startup[0].0 * 1e3;
    table.row(
        "start-up: compile of 1,000 criteria",
        format!("{ms:.1} ms"),
        "< 50 ms",
        ms < 50.0,
    );
}

fn fmt(w: &Workloads, rounds: usize, table: &mut Table) {
    let a = &w.a;
    let times = alternate(
        rounds,
        &[&[&"check", &"--quiet", a], &[&"fmt", &"--check", a]],
    );
    let r = times[1].0 / times[0].0;
    eprintln!("check {:.2} s, fmt --check {:.2} s", times[0].0, times[1].0);
    table.row(
        "fmt --check / check time",
        format!("{r:.2}x"),
        "<= 1.0x",
        r <= 1.0,
    );
    let file = |d: &Path| d.join("gen.policy");
    let (one, four) = (file(&w.one), file(&w.four));
    let size = |p: &Path| std::fs::metadata(p).unwrap().len() as f64;
    let times = alternate(
        rounds.max(5),
        &[&[&"fmt", &"--check", &one], &[&"fmt", &"--check", &four]],
    );
    let per_byte = |t: f64, p: &Path| t / size(p);
    let r = per_byte(times[1].0, &four) / per_byte(times[0].0, &one);
    table.row(
        "fmt linearity: time per byte, 4x file / 1x file",
        format!("{r:.2}x"),
        "<= 1.2x",
        r <= 1.2,
    );
}

fn eval(w: &Workloads, rounds: usize, table: &mut Table) {
    let jobs = labelc::eval::batch::jobs(None).to_string();
    let base: [&dyn AsRef<std::ffi::OsStr>; 9] = [
        &"eval",
        &w.eval_policy,
        &"--scheme",
        &"bench",
        &"--as-of",
        &"2026-11-25",
        &"--format",
        &"json",
        &"--facts",
    ];
    let one: Vec<&dyn AsRef<std::ffi::OsStr>> =
        [&base[..], &[&w.products, &"--jobs", &"1"]].concat();
    let many: Vec<&dyn AsRef<std::ffi::OsStr>> =
        [&base[..], &[&w.products, &"--jobs", &jobs]].concat();
    let text = std::fs::read_to_string(&w.products).unwrap();
    let mut value_times = Vec::new();
    let mut one_times = Vec::new();
    let mut many_times = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        for line in text.lines() {
            std::hint::black_box(serde_json::from_str::<serde_json::Value>(line).unwrap());
        }
        value_times.push(start.elapsed().as_secs_f64());
        one_times.push(labelc(&one).0.as_secs_f64());
        many_times.push(labelc(&many).0.as_secs_f64());
    }
    let (value, one, many) = (median(value_times), median(one_times), median(many_times));
    eprintln!(
        "{PRODUCTS} products: serde -> Value {value:.2} s, eval --jobs 1 {one:.2} s, --jobs {jobs} {many:.2} s"
    );
    let r = one / value;
    table.row(
        "eval, one thread, whole process / serde -> Value",
        format!("{r:.2}x"),
        "<= 0.5x",
        r <= 0.5,
    );
    let r = one / many;
    table.row(
        &format!("eval speed-up, --jobs {jobs} / --jobs 1"),
        format!("{r:.2}x"),
        ">= 1.8x",
        r >= 1.8,
    );
    let _ = &w.dir;
}

/// `diff --products` on every core: the eval workload's products judged by
/// the bench policy and a copy with one threshold moved, in this process
/// (compiled once), on one thread and on all: the ratio of the judging alone.
fn diff_products(w: &Workloads, rounds: usize, table: &mut Table) {
    let old_text = workload::policy();
    let new_text = old_text.replacen("< 97", "< 90", 1);
    assert_ne!(old_text, new_text, "the bench policy has a `< 97` to move");
    let compile = |text: &str| {
        let mut sources = labelc::source::SourceMap::new();
        sources.add("bench.policy", text);
        labelc::compile(&sources).unwrap()
    };
    let (old, new) = (compile(&old_text), compile(&new_text));
    let as_of = jiff::civil::date(2026, 11, 25);
    let pairs = [(
        labelc::eval::Program::new(&old, 0, as_of).unwrap(),
        labelc::eval::Program::new(&new, 0, as_of).unwrap(),
    )];
    let text = std::fs::read(&w.products).unwrap();
    let jobs = labelc::eval::batch::jobs(None);
    let time = |jobs: usize| {
        let start = Instant::now();
        let products =
            labelc::diff::compare_products_on(&pairs, &mut text.as_slice(), &mut |_| (), jobs)
                .unwrap();
        assert_eq!(products.evaluated, PRODUCTS);
        (start.elapsed().as_secs_f64(), products)
    };
    let (mut one, mut many) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (t1, p1) = time(1);
        let (tn, pn) = time(jobs);
        assert_eq!(p1, pn, "--jobs {jobs} judged otherwise than one thread");
        one.push(t1);
        many.push(tn);
    }
    let (one, many) = (median(one), median(many));
    eprintln!(
        "diff --products, {PRODUCTS} products: one thread {one:.2} s, {jobs} threads {many:.2} s"
    );
    let r = one / many;
    table.row(
        &format!("diff --products speed-up, {jobs} threads / 1"),
        format!("{r:.2}x"),
        ">= 1.8x",
        r >= 1.8,
    );
}

/// `test` on every core: one test per product of the eval workload (8,000
/// of them, in four files), expecting the level eval gives it, compiled once and run in
/// this process on one thread and on all: the ratio of running them alone.
fn tests(rounds: usize, table: &mut Table) {
    const TESTS: usize = 8_000;
    const FILES: usize = 4;
    let policy = workload::policy();
    let mut sources = labelc::source::SourceMap::new();
    sources.add("bench.policy", &policy);
    let rules = labelc::compile(&sources).unwrap();
    let as_of = jiff::civil::date(2026, 11, 25);
    let program = labelc::eval::Program::new(&rules, 0, as_of).unwrap();
    let mut files = vec![String::new(); FILES];
    for (i, line) in workload::products(TESTS).lines().enumerate() {
        let text = &mut files[i % FILES];
        let level = program.evaluate_json_with(line, false).unwrap().level;
        let product: serde_json::Value = serde_json::from_str(line).unwrap();
        text.push_str(&format!(
            "test t-{i} {{\n  scheme bench@1\n  category device\n  as_of {as_of}\n  facts {{\n"
        ));
        for (name, value) in product["facts"].as_object().unwrap() {
            text.push_str(&format!("    {name} = {value}\n"));
        }
        let level = level.map_or("none".to_string(), |l| l.to_string());
        text.push_str(&format!("  }}\n  expect level {level}\n}}\n"));
    }
    let mut sources = labelc::source::SourceMap::new();
    sources.add("bench.policy", &policy);
    for (i, text) in files.iter().enumerate() {
        sources.add(format!("tests-{i}.policy"), text);
    }
    let (outcome, lowered) = labelc::test_sources(&sources, Vec::new());
    let Some((rules, cases)) = lowered else {
        panic!(
            "the test workload does not check: {:?}",
            outcome.diagnostics.first()
        );
    };
    assert_eq!(cases.len(), TESTS);
    let jobs = labelc::eval::batch::jobs(None);
    let time = |jobs: usize| {
        let start = Instant::now();
        let results = labelc::suite::run_each(&rules, &cases, jobs, &|| ());
        assert_eq!(results.len(), TESTS);
        let failed: Vec<_> = results.iter().filter(|r| !r.passed).take(1).collect();
        assert!(failed.is_empty(), "a generated test fails: {failed:?}");
        (start.elapsed().as_secs_f64(), format!("{results:?}"))
    };
    let (mut one, mut many) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (t1, r1) = time(1);
        let (tn, rn) = time(jobs);
        assert!(
            r1 == rn,
            "--jobs {jobs} ran the tests otherwise than one thread"
        );
        one.push(t1);
        many.push(tn);
    }
    let (one, many) = (median(one), median(many));
    eprintln!("test, {TESTS} tests: one thread {one:.2} s, {jobs} threads {many:.2} s");
    let r = one / many;
    table.row(
        &format!("test speed-up, {jobs} threads / 1"),
        format!("{r:.2}x"),
        ">= 1.8x",
        r >= 1.8,
    );
}
