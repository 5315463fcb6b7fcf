//! `cargo bench`: products per second for `labelc eval` against the floor of
//! just reading the same JSON lines (into `serde_json::Value`, and with
//! `IgnoredAny`, the tokenizer alone). Workload: `support/workload.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark set-up")]

#[path = "support/workload.rs"]
mod workload;

use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use labelc::eval::{Program, select_scheme};
use labelc::rules::RuleSet;

const PRODUCTS: usize = 100_000;

static INPUT: LazyLock<String> = LazyLock::new(|| workload::products(PRODUCTS));

static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    let mut sources = labelc::source::SourceMap::new();
    sources.add("bench.policy", workload::policy());
    labelc::compile(&sources).expect("the benchmark policy checks")
});

/// The benchmark scheme, prepared for evaluation on a fixed date.
fn program() -> Program<'static> {
    let as_of = jiff::civil::date(2026, 11, 25);
    Program::new(
        &RULES,
        select_scheme(&RULES, "bench", as_of).unwrap(),
        as_of,
    )
    .unwrap()
}

fn main() {
    let lines = INPUT.lines().count();
    eprintln!(
        "workload: {} criteria, {} facts, {lines} products, {:.0} bytes a line",
        workload::CRITERIA,
        4 * workload::FACTS_PER_KIND,
        INPUT.len() as f64 / lines as f64
    );
    divan::main();
}

/// The whole per-line path of `labelc eval --format json`: read the line
/// into typed slots, judge it, write the result line.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn eval(bencher: divan::Bencher) {
    let program = program();
    let mut out = Vec::with_capacity(1 << 20);
    bencher
        .counter(ItemsCount::new(PRODUCTS))
        .counter(BytesCount::new(INPUT.len()))
        .bench_local(|| {
            let mut levels = 0i64;
            for line in INPUT.lines() {
                out.clear();
                let outcome = program.evaluate_json(line).unwrap();
                outcome.write_json(&mut out).unwrap();
                levels += outcome.level.unwrap_or(0);
            }
            levels
        });
}

/// Where the time of `eval` goes: reading lines into typed slots only,
/// then reading and judging without writing the result.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn eval_read_only(bencher: divan::Bencher) {
    let program = program();
    bencher.counter(ItemsCount::new(PRODUCTS)).bench_local(|| {
        let mut n = 0usize;
        for line in INPUT.lines() {
            n += program.read_json(line).unwrap().values.len();
        }
        n
    });
}

/// Reading with the serde reader only (what lines the fast path declines take).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn eval_read_with_serde(bencher: divan::Bencher) {
    let program = program();
    bencher.counter(ItemsCount::new(PRODUCTS)).bench_local(|| {
        let mut n = 0usize;
        for line in INPUT.lines() {
            n += program.read_json_with_serde(line).unwrap().values.len();
        }
        n
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn eval_without_output(bencher: divan::Bencher) {
    let program = program();
    bencher.counter(ItemsCount::new(PRODUCTS)).bench_local(|| {
        let mut levels = 0i64;
        for line in INPUT.lines() {
            levels += program.evaluate_json(line).unwrap().level.unwrap_or(0);
        }
        levels
    });
}

/// Reading each line into a `serde_json::Value` and dropping it.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_value(bencher: divan::Bencher) {
    bencher
        .counter(ItemsCount::new(PRODUCTS))
        .counter(BytesCount::new(INPUT.len()))
        .bench_local(|| {
            let mut n = 0usize;
            for line in INPUT.lines() {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                n += value.as_object().map_or(0, |o| o.len());
            }
            n
        });
}

/// The tokenizer floor: `serde::de::IgnoredAny` reads and discards.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_ignored(bencher: divan::Bencher) {
    bencher
        .counter(ItemsCount::new(PRODUCTS))
        .counter(BytesCount::new(INPUT.len()))
        .bench_local(|| {
            for line in INPUT.lines() {
                let _: serde::de::IgnoredAny = serde_json::from_str(line).unwrap();
            }
        });
}

/// Judging alone, on products read beforehand (the first 10,000, ten times).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn judge_only(bencher: divan::Bencher) {
    let program = program();
    let records: Vec<labelc::eval::Record<'static>> = INPUT
        .lines()
        .take(10_000)
        .map(|line| {
            let mut de = serde_json::Deserializer::from_str(line);
            serde::de::DeserializeSeed::deserialize(
                labelc::eval::RecordSeed { program: &program },
                &mut de,
            )
            .unwrap()
        })
        .collect();
    bencher.counter(ItemsCount::new(PRODUCTS)).bench_local(|| {
        let mut levels = 0i64;
        for _ in 0..10 {
            for record in &records {
                levels += program.judge(record).unwrap().level.unwrap_or(0);
            }
        }
        levels
    });
}
