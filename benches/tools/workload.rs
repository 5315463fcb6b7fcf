//! Writes the benchmark workload to files, for measuring the `labelc` binary
//! itself (memory, end-to-end time): `cargo run --release --example workload -- DIR COUNT`
//! writes `DIR/bench.policy` and `DIR/products.jsonl` with COUNT products.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a measuring tool")]

#[path = "../support/workload.rs"]
mod workload;

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: workload DIR COUNT"));
    let count: usize = args
        .next()
        .expect("usage: workload DIR COUNT")
        .parse()
        .expect("COUNT is a number");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bench.policy"), workload::policy()).unwrap();
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("products.jsonl")).unwrap());
    let mut rng = workload::Rng::new(42);
    for i in 0..count {
        writeln!(out, "{}", workload::product(i, &mut rng)).unwrap();
    }
    out.flush().unwrap();
}
