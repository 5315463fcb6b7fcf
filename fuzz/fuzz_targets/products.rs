//! The product reader on any bytes, one product per line, against a rule
//! set with a fact of every type: the fast scanner, when it reads a line,
//! gives the record the serde reader gives; no line stops the stream
//! (`diff --products` reads every line and reports each bad one); and
//! `diff --products` on two threads reports what it does on one.

#![no_main]

use std::sync::OnceLock;

use labelc::eval::Program;
use labelc::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

const POLICY: &str = include_str!("../../tests/fixtures/eval/rules.policy");

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        labelc::compile(&labelc_fuzz::sources(POLICY)).expect("the eval fixture compiles")
    })
}

/// Scheme 0 prepared once (preparing it is not what this target tests):
/// one program, and a pair of the same version for `compare_products`.
fn programs() -> &'static (Program<'static>, [(Program<'static>, Program<'static>); 1]) {
    static PROGRAMS: OnceLock<(Program<'static>, [(Program<'static>, Program<'static>); 1])> =
        OnceLock::new();
    PROGRAMS.get_or_init(|| {
        let (rules, as_of) = (rules(), jiff::civil::date(2026, 6, 1));
        let program = || Program::new(rules, 0, as_of).expect("scheme 0 is ready");
        (program(), [(program(), program())])
    })
}

fuzz_target!(|data: &[u8]| {
    let (program, pairs) = programs();
    for line in data.split(|&b| b == b'\n') {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let serde = program.read_json_with_serde(line);
        if let Some(fast) = program.read_json_fast(line) {
            match &serde {
                Ok(slow) => assert_eq!(&fast, slow, "fast and serde readers disagree"),
                Err(e) => panic!("the fast reader read a line serde refuses: {e}"),
            }
        }
        let _ = program.evaluate_json_with(line, true);
        let _ = labelc::eval::line_id(line);
    }
    let mut read = 0;
    let mut input: &[u8] = data;
    let products = labelc::diff::compare_products(pairs, &mut input, &mut |n| read = n)
        .expect("reading from memory does not fail");
    // On two threads, the same report (line order, the changes listed).
    let mut input: &[u8] = data;
    let parallel = labelc::diff::compare_products_on(pairs, &mut input, &mut |_| (), 2)
        .expect("reading from memory does not fail");
    assert_eq!(parallel, products, "two threads judged otherwise than one");
    // The lines of `data`: a last line needs no newline; no bytes, no line.
    let lines =
        data.split(|&b| b == b'\n').count() - usize::from(data.is_empty() || data.ends_with(b"\n"));
    assert_eq!(read, lines, "the stream stopped before the last line");
    assert_eq!(products.level_changed, 0, "one version judged two ways");
});
