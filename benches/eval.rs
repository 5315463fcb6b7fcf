//! `cargo bench`: products per second for `labelc eval` against the floor of
//! just reading the same JSON lines (into `serde_json::Value`, and with
//! `IgnoredAny`, the tokenizer alone). Workload: `support/workload.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmark set-up"
)]

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
    paired_ratio();
    divan::main();
}

/// The shared machine's speed drifts by tens of percent within a minute,
/// and divan times one benchmark after the other, so the ratio of two
/// medians mixes the drift in. Here `eval` and `parse_value` alternate on
/// the same 10,000 lines, round after round; each round's ratio compares
/// two runs a fraction of a second apart.
fn paired_ratio() {
    use std::time::Instant;
    const ROUNDS: usize = 15;
    let program = program();
    let lines: Vec<&str> = INPUT.lines().take(10_000).collect();
    let mut out = Vec::with_capacity(1 << 20);
    let mut ratios = Vec::with_capacity(ROUNDS);
    let mut sink = 0usize;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for line in &lines {
            out.clear();
            let outcome = program.evaluate_json(line).unwrap();
            outcome.write_json(&mut out).unwrap();
            sink += out.len();
        }
        let eval = start.elapsed();
        let start = Instant::now();
        for line in &lines {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            sink += value.as_object().map_or(0, serde_json::Map::len);
        }
        let parse = start.elapsed();
        ratios.push(parse.as_secs_f64() / eval.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    eprintln!(
        "paired: eval is {:.2}x parse_value (median of {ROUNDS} alternating rounds of 10,000 \
         products; lowest {:.2}x, highest {:.2}x){}",
        ratios[ROUNDS / 2],
        ratios[0],
        ratios[ROUNDS - 1],
        if sink == 0 { " (no output?)" } else { "" }
    );
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
