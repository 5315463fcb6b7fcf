//! Evaluation: judges products against one scheme version of a compiled
//! rule set, with three-valued (Kleene) logic. A condition over a missing
//! fact is `unknown`; each criterion ends as pass, fail, unknown, credited
//! or not_applicable; a product reaches level L when every level up to L is
//! met, and could still reach the highest level none of whose criteria fails.

pub mod batch;
mod compile;
mod error;
mod fast;
mod idset;
mod input;
mod json;
mod product;
mod program;
mod report;
mod run;
mod truth;

use jiff::civil::Date;

pub(crate) use report::{
    credit_lines, criterion_lines, explanation_head, group_line, level_name, pending_line,
};
pub(crate) use run::NO_CATEGORY;
pub(crate) use run::holds_from;
pub(crate) use truth::eval as eval_condition;

pub use error::{EvalError, Mismatch, ProductError, RuleSetError};
pub use input::{Each, MAX_PRODUCT_BYTES, Products, read_products};
pub use product::{CategoryField, Product, Record, RecordSeed, Val};
pub use program::{Program, parse_date};
pub use report::{
    CriterionResult, EvalFormat, EvalLine, FORMAT, GroupResult, Leaf, LeafFacts, LineError,
    NextLevel, Outcome, RestsOn, SchemeName, Truth, Verdict, json_schema, render_explanation,
};

/// Finds a scheme version in the rule set: `id@version`, or `id` for the
/// version [`crate::rules::RuleSet::select`] binds it to on `as_of`.
pub fn select_scheme(
    rules: &crate::rules::RuleSet,
    wanted: &str,
    as_of: Date,
) -> Result<usize, String> {
    rules
        .select(wanted, as_of)
        .map(|s| s.index)
        .map_err(|e| e.to_string())
}

impl<'r> Program<'r> {
    /// Reads one product from JSON text and judges it.
    pub fn evaluate_json(&self, json: &str) -> Result<Outcome<'r>, ProductError> {
        self.evaluate_json_with(json, false)
    }

    /// Like [`Program::evaluate_json`]; with `all`, the outcome lists every criterion.
    pub fn evaluate_json_with(&self, json: &str, all: bool) -> Result<Outcome<'r>, ProductError> {
        let record = self.read_json(json)?;
        self.judge_with(&record, all)
    }

    /// Reads one product from JSON text into this program's fact slots. A
    /// line of the plain, usual shape takes a byte scanner; any other line
    /// (escapes, fractions, errors) the serde reader, which gives the same
    /// record or the error.
    pub fn read_json<'de>(&self, json: &'de str) -> Result<Record<'de>, ProductError> {
        if let Some(record) = fast::read(self, json) {
            return Ok(record);
        }
        self.read_json_with_serde(json)
    }

    /// The fast path of [`Program::read_json`] alone: `None` for a line it
    /// leaves to serde (for tests and benchmarks).
    pub fn read_json_fast<'de>(&self, json: &'de str) -> Option<Record<'de>> {
        fast::read(self, json)
    }

    /// [`Program::read_json`] without the fast path (for tests and benchmarks).
    pub fn read_json_with_serde<'de>(&self, json: &'de str) -> Result<Record<'de>, ProductError> {
        let mut de = serde_json::Deserializer::from_str(json);
        let record = serde::de::DeserializeSeed::deserialize(RecordSeed { program: self }, &mut de)
            .map_err(|e| error::json_error(&e))?;
        de.end().map_err(|e| error::json_error(&e))?;
        Ok(record)
    }
}

/// Judges one product against `scheme` (`id` or `id@version`) of a rule set on `as_of`.
///
/// ```
/// let policy = r#"
/// fact password.unique: bool
/// scheme demo@1 {
///   title "Demo"
///   category camera { title "Cameras" }
///   criterion C-1 { title "Unique passwords" condition password.unique }
///   level 1 { title "one star" require C-1 }
/// }
/// "#;
/// let mut sources = labelc::source::SourceMap::new();
/// sources.add("demo.policy", policy);
/// let rules = labelc::compile(&sources).expect("the policy checks");
/// let product: labelc::Product = serde_json::from_str(
///     r#"{"id": "cam-1", "category": "camera", "facts": {"password.unique": true}}"#,
/// ).unwrap();
/// let as_of = jiff::civil::date(2026, 11, 25);
/// let outcome = labelc::evaluate(&rules, "demo", &product, as_of).unwrap();
/// assert_eq!(outcome.level, Some(1));
/// ```
pub fn evaluate<'r>(
    rules: &'r crate::rules::RuleSet,
    scheme: &str,
    product: &Product,
    as_of: Date,
) -> Result<Outcome<'r>, EvalError> {
    let index = rules.select(scheme, as_of)?.index;
    let program = Program::new(rules, index, as_of)?;
    let invalid = |e: serde_json::Error| ProductError::InvalidProduct {
        message: e.to_string(),
    };
    let value = serde_json::to_value(product).map_err(invalid)?;
    let record = serde::de::DeserializeSeed::deserialize(RecordSeed { program: &program }, &value)
        .map_err(invalid)?;
    Ok(program.judge(&record)?)
}

/// The product `id` of a JSON line, if it has a top-level `"id"` string:
/// found by a scan that needs no valid JSON elsewhere, so an error on the
/// line can name the product.
pub fn line_id(json: &str) -> Option<String> {
    let bytes = json.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    // Whether the string just read at depth 1 was a key named `id`.
    let mut after_id_key = false;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => {
                let start = at;
                at += 1;
                while let Some(&c) = bytes.get(at) {
                    match c {
                        b'\\' => at += 2,
                        b'"' => break,
                        _ => at += 1,
                    }
                }
                let quoted = json.get(start..=at)?;
                at += 1;
                if depth != 1 {
                    continue;
                }
                if after_id_key {
                    return serde_json::from_str(quoted).ok();
                }
                let rest = json.get(at..)?.trim_start();
                after_id_key = quoted == "\"id\"" && rest.starts_with(':');
                if after_id_key {
                    at = json.len() - rest.len() + 1;
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => after_id_key = false,
        }
        at += 1;
    }
    None
}
