//! The base policy of the `diff` tests (`tests/diff.rs`,
//! `tests/diff_products.rs`), edited once per case.

use labelc::rules::RuleSet;
use labelc::source::SourceMap;

pub const BASE: &str = r#"
fact score: int
fact flag: bool
fact other: bool
fact kind: enum(basic, pro, max)
fact tags: set<string>
fact cert: bool

scheme demo@1 {
  title "Demo"
  category devices {
    title "Devices"
    category camera { title "Cameras" effective 2026-07-01 }
  }
  criterion C-1 { title "Score" condition score >= 70 }
  criterion C-2 { title "Flag" condition flag and other }
  criterion C-3 { title "Either" condition flag or other }
  criterion C-4 { title "Kind" condition kind in [pro, max] }
  criterion C-5 { title "Tags" condition tags contains "x" }
  criterion C-6 { title "Extra" condition other }
  level 1 { title "one" require C-1, C-2 }
  level 2 { title "two" include 1 require C-3, C-4 at_least 1 of (C-5, C-6) }
}

scheme other@1 {
  title "Other"
  category all { title "All" }
  criterion O-1 { title "o" condition flag }
  level 1 { title "o" require O-1 }
}

recognition other--demo {
  from other@1 level 1
  to demo@1
  relationship superset_of
  credit full
  status official
  credits C-2
}
"#;

pub fn compile(text: &str) -> RuleSet {
    let mut sources = SourceMap::new();
    sources.add("demo.policy", text);
    labelc::compile(&sources).unwrap_or_else(|d| panic!("{d:?}"))
}

/// The base policy with `from` replaced by `to` (which must be there).
pub fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base has no {from:?}");
    BASE.replacen(from, to, 1)
}
