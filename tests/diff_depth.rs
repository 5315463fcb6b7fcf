//! diff's recursion guard, reachable only through a compiled rule set
//! (JSON), which the parser's nesting limit does not bound.

#![allow(clippy::unwrap_used, reason = "tests")]

use labelc::diff::{Class, compare_conditions};

const T: Class = Class::Tightening;
const M: Class = Class::Mixed;

/// A compiled rule set (JSON) is not bounded by the parser's nesting limit,
/// so diff's recursion stops at depth 64 with `mixed`: a threshold moved
/// under 64 `not`s or `and`s is still found, one under 65 is not.
#[test]
fn diff_follows_a_change_down_to_its_depth_limit_and_no_further() {
    let nested = |nots: usize, threshold: i64| -> labelc::rules::Condition {
        let mut c = serde_json::json!({
            "op": "compare", "fact": {"name": "n", "slot": 0}, "comparison": "ge",
            "value": {"type": "int", "value": threshold}, "text": format!("n >= {threshold}")
        });
        for _ in 0..nots {
            c = serde_json::json!({"op": "not", "arg": c, "text": "not …"});
        }
        serde_json::from_value(c).unwrap()
    };
    // 64 `not`s: the threshold is compared at depth 64, the deepest allowed.
    let (class, reason) = compare_conditions(&nested(64, 5), &nested(64, 7)).unwrap();
    assert_eq!(class, T, "{reason}");
    assert!(reason.contains("threshold on `n` moved"), "{reason}");
    // 65: past the limit, the change is `mixed` without looking further.
    let (class, reason) = compare_conditions(&nested(65, 5), &nested(65, 7)).unwrap();
    assert_eq!(class, M, "{reason}");
    assert!(!reason.contains("threshold"), "{reason}");
    // The same through `and`s, each with an unchanged conjunct beside.
    let anded = |depth: usize, threshold: i64| -> labelc::rules::Condition {
        let compare = |value: i64| {
            serde_json::json!({
                "op": "compare", "fact": {"name": "n", "slot": 0}, "comparison": "ge",
                "value": {"type": "int", "value": value}, "text": format!("n >= {value}")
            })
        };
        let mut c = compare(threshold);
        for _ in 0..depth {
            c = serde_json::json!({"op": "and", "args": [compare(1), c], "text": "n >= 1 and …"});
        }
        serde_json::from_value(c).unwrap()
    };
    let (class, reason) = compare_conditions(&anded(64, 5), &anded(64, 7)).unwrap();
    assert_eq!(class, T, "{reason}");
    let (class, reason) = compare_conditions(&anded(65, 5), &anded(65, 7)).unwrap();
    assert_eq!(class, M, "{reason}");
}
