//! The fixture rule set and products of the evaluation tests
//! (`tests/eval.rs`, `tests/eval_holdings.rs`): `tests/fixtures/eval/`.

use std::path::Path;

use labelc::eval::{Outcome, Program, Verdict, select_scheme};
use labelc::rules::RuleSet;
use labelc::source::SourceMap;

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/eval")
            .join(name),
    )
    .unwrap()
}

static RULES: std::sync::LazyLock<RuleSet> = std::sync::LazyLock::new(|| {
    let mut sources = SourceMap::new();
    sources.add("tests/fixtures/eval/rules.policy", fixture("rules.policy"));
    labelc::compile(&sources).unwrap()
});

pub fn rules() -> &'static RuleSet {
    &RULES
}

pub fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 25)
}

/// `demo` of `rules`, prepared on the fixtures' date.
pub fn demo_program(rules: &RuleSet) -> Program<'_> {
    Program::new(
        rules,
        select_scheme(rules, "demo", as_of()).unwrap(),
        as_of(),
    )
    .unwrap()
}

pub fn verdict(outcome: &Outcome<'_>, id: &str) -> Verdict {
    outcome
        .criteria
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.id == id)
        .unwrap()
        .outcome
}

pub fn run_eval(input: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "eval",
        "tests/fixtures/eval/rules.policy",
        "--scheme",
        "demo",
        "--as-of",
        "2026-11-25",
        "--facts",
        "-",
    ];
    args.extend_from_slice(extra);
    let out = super::labelc_with_input(&args, input.as_bytes());
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
