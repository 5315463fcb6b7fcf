//! Writes the compile workload (benches/support/policy.rs) to a directory:
//! `cargo run --release --example policy_workload -- DIR [SCHEMES [CRITERIA [REVISION]]]`
//! (defaults: 25 schemes of 1,500 criteria, revision 0; another revision
//! changes a threshold in every 97th criterion, for `labelc diff`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a measuring tool")]

#[path = "../support/workload.rs"]
mod workload;

#[path = "../support/policy.rs"]
mod policy;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(
        args.next()
            .expect("usage: policy_workload DIR [SCHEMES [CRITERIA [REVISION]]]"),
    );
    let mut number = |default: usize| {
        args.next()
            .map_or(default, |a| a.parse().expect("a number"))
    };
    let schemes = number(policy::SCHEMES);
    let criteria = number(policy::CRITERIA_PER_SCHEME);
    let revision = number(0) as u64;
    let bytes = policy::write(&dir, schemes, criteria, revision).unwrap();
    eprintln!(
        "{}: {schemes} schemes × {criteria} criteria, {bytes} bytes",
        dir.display()
    );
}
