//! compile → JSON → deserialize → eval agrees with eval on the rule set in
//! memory: the JSON reads back equal, and every scheme judges a few
//! products (built from the rule set's own facts and categories) the same.

#![no_main]

use labelc::eval::Program;
use labelc::rules::{FactType, RuleSet};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// Products over the rule set's facts: none known, then two assignments.
fn products(rules: &RuleSet, category: &str) -> Vec<String> {
    let mut out = vec![json!({"id": "none", "category": category, "facts": {}}).to_string()];
    for (i, pick) in [0usize, 1].into_iter().enumerate() {
        let facts: serde_json::Map<String, Value> = rules
            .facts
            .iter()
            .map(|f| {
                let value = match &f.ty {
                    FactType::Bool => json!(pick == 0),
                    FactType::Int => json!([0, 100][pick]),
                    FactType::Decimal => json!([0.5, 99.5][pick]),
                    FactType::String => json!(["", "certified"][pick]),
                    FactType::Date => json!(["2020-01-01", "2026-05-20"][pick]),
                    FactType::StringSet => json!([vec![], vec!["x", "y"]][pick]),
                    FactType::Enum { values } => {
                        json!(
                            values
                                .get(pick % values.len().max(1))
                                .cloned()
                                .unwrap_or_default()
                        )
                    }
                };
                (f.name.clone(), value)
            })
            .collect();
        out.push(json!({"id": format!("p{i}"), "category": category, "facts": facts}).to_string());
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = labelc::compile(&labelc_fuzz::sources(text)) else {
        return;
    };
    let json = serde_json::to_string(&rules).expect("a rule set serializes");
    let back: RuleSet = serde_json::from_str(&json).expect("a compiled rule set reads back");
    assert_eq!(back, rules, "the rule set changed through JSON");
    let as_of = jiff::civil::date(2026, 6, 1);
    for (index, scheme) in rules.schemes.iter().enumerate() {
        let (a, b) = (
            Program::new(&rules, index, as_of),
            Program::new(&back, index, as_of),
        );
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(x), Err(y)) => {
                assert_eq!(x, y);
                continue;
            }
            (x, y) => panic!(
                "one rule set is ready and the other not: {:?} / {:?}",
                x.err(),
                y.err()
            ),
        };
        for category in scheme.categories.iter().take(3) {
            for product in products(&rules, &category.id) {
                let x = a
                    .evaluate_json_with(&product, true)
                    .map(|o| serde_json::to_string(&o).ok());
                let y = b
                    .evaluate_json_with(&product, true)
                    .map(|o| serde_json::to_string(&o).ok());
                assert_eq!(x, y, "eval differs after the JSON round trip: {product}");
            }
        }
    }
});
