//! The one-criterion policy of the tests that notice (`tests/gaps.rs`,
//! `tests/gaps_reads.rs`).

use labelc::rules::RuleSet;
use labelc::source::SourceMap;

/// One scheme `s@1`, one category `c`, criterion `X` with `condition`,
/// required by level 1.
pub fn policy(facts: &str, condition: &str) -> String {
    format!(
        "{facts}\nscheme s@1 {{\n  title \"S\"\n  category c {{ title \"C\" }}\n  criterion X {{ title \"x\" condition {condition} }}\n  level 1 {{ title \"one\" require X }}\n}}\n"
    )
}

pub fn compile(text: &str) -> RuleSet {
    let mut sources = SourceMap::new();
    sources.add("gaps.policy", text);
    labelc::compile(&sources).unwrap_or_else(|d| panic!("{text}\n{d:#?}"))
}

pub fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 6, 1)
}
