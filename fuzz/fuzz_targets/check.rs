//! Parser + checker on any bytes: what `labelc check` and `compile` run
//! (reading, parsing, resolving, checking, lowering, rendering the
//! diagnostics three ways). Nothing may panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sources = labelc::source::SourceMap::new();
    let (_, early) = sources.add_bytes("fuzz.policy", data.to_vec());
    let (outcome, rules) = labelc::compile_sources(&sources, early.into_iter().collect());
    let _ = labelc::diag::render::render_human(&outcome.diagnostics, &sources, false, 100);
    let _ = serde_json::to_string(&labelc::diag::render::to_json(&outcome.diagnostics, &sources));
    let _ = serde_json::to_string(&labelc::sarif::report(&outcome.diagnostics, &sources));
    if let Some(rules) = rules {
        assert_eq!(outcome.error_count(), 0);
        serde_json::to_string(&rules).expect("a compiled rule set serializes");
    } else {
        assert!(outcome.error_count() > 0, "no rule set and no error");
    }
});
