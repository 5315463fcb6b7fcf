//! Outputs for people beyond the terminal: the level-by-level explanation of
//! `eval --explain` ([`explain()`]) and the self-contained HTML report of
//! `labelc report` ([`html::page`] around the sections), built from the same library functions as the
//! JSON outputs (eval, plan, diff, the compiled rule set) so that its
//! figures are the same numbers. docs/report.md describes the report.

pub mod explain;
pub mod html;
pub mod portfolio;
pub mod recognitions;
pub mod sections;

use std::io::BufRead;

use jiff::civil::Date;

use crate::eval::Program;
use crate::rules::RuleSet;

pub use explain::{explain, level_titles};

/// Why a report cannot be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportError {
    /// `labelc report policies/ --out r.html`: no section asked for.
    NothingToReport,
    /// `--scheme nope`: the rule set has no such scheme, or no version of it
    /// for the date.
    UnknownScheme { scheme: String, message: String },
    /// The scheme's rules cannot be evaluated.
    RuleSet { message: String },
    /// The products could not be read.
    Products { message: String },
    /// `--plan` with no `--scheme`.
    PlanNeedsScheme,
    /// `--plan product.json` whose product names no category for a scheme.
    NoCategory { scheme: String },
    /// `--plan product.json` that is not one JSON object.
    BadProduct { message: String },
    /// The plan cannot be made (an unknown category, level or holding).
    Plan { message: String, help: String },
    /// `--versions a@1 b@2`: a version the compilation does not have.
    UnknownVersion { wanted: String, known: Vec<String> },
}

impl ReportError {
    /// The stable code of the error (docs/language.md, "Runtime errors").
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::NothingToReport => "labelc::report::nothing_to_report",
            ReportError::UnknownScheme { .. } => "labelc::report::unknown_scheme",
            ReportError::RuleSet { .. } => "labelc::report::rule_set",
            ReportError::Products { .. } => "labelc::report::unreadable_products",
            ReportError::PlanNeedsScheme => "labelc::report::plan_needs_scheme",
            ReportError::NoCategory { .. } => "labelc::report::no_category",
            ReportError::BadProduct { .. } => "labelc::report::bad_product",
            ReportError::Plan { .. } => "labelc::report::plan",
            ReportError::UnknownVersion { .. } => "labelc::report::unknown_version",
        }
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        match self {
            ReportError::NothingToReport => Some(
                "add `--portfolio PRODUCTS.jsonl`, `--plan PRODUCT.json`, `--diff OLD NEW`, `--versions FROM TO` or `--recognitions`"
                    .to_string(),
            ),
            ReportError::PlanNeedsScheme => {
                Some("add `--scheme ID` for each scheme to plan".to_string())
            }
            ReportError::NoCategory { scheme } => Some(format!(
                "give the product `\"category\": {{\"{scheme}\": \"ID\"}}` (or one category string)"
            )),
            ReportError::Plan { help, .. } => Some(help.clone()),
            ReportError::UnknownVersion { known, .. } => {
                Some(format!("the compilation has {}", known.join(", ")))
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::NothingToReport => f.write_str("nothing to report"),
            ReportError::UnknownScheme { message, .. } => f.write_str(message),
            ReportError::RuleSet { message } => {
                write!(f, "the rule set cannot be evaluated: {message}")
            }
            ReportError::Products { message } => {
                write!(f, "cannot read the products: {message}")
            }
            ReportError::PlanNeedsScheme => f.write_str("`--plan` needs `--scheme`"),
            ReportError::NoCategory { scheme } => {
                write!(f, "the `--plan` product names no category for `{scheme}`")
            }
            ReportError::BadProduct { message } => {
                write!(f, "the `--plan` product is not one JSON object: {message}")
            }
            ReportError::Plan { message, .. } => f.write_str(message),
            ReportError::UnknownVersion { wanted, .. } => {
                write!(f, "`{wanted}` is not a scheme version of the compilation")
            }
        }
    }
}

impl std::error::Error for ReportError {}

/// The programs for `schemes` (`id` or `id@version`); every scheme id of
/// the rule set, at its version for `as_of`, when `schemes` is empty (ids
/// with no version for the date are left out).
pub fn programs<'r>(
    rules: &'r RuleSet,
    schemes: &[String],
    as_of: Date,
) -> Result<Vec<Program<'r>>, ReportError> {
    let mut indices = Vec::new();
    if schemes.is_empty() {
        let ids: std::collections::BTreeSet<&str> =
            rules.schemes.iter().map(|s| s.id.as_str()).collect();
        indices.extend(ids.iter().filter_map(|id| rules.select(id, as_of).ok()));
    } else {
        for scheme in schemes {
            let selection =
                rules
                    .select(scheme, as_of)
                    .map_err(|e| ReportError::UnknownScheme {
                        scheme: scheme.clone(),
                        message: e.to_string(),
                    })?;
            indices.push(selection);
        }
    }
    indices
        .iter()
        .map(|s| {
            Program::new(rules, s.index, as_of).map_err(|e| ReportError::RuleSet {
                message: e.to_string(),
            })
        })
        .collect()
}

/// The portfolio section for the products of `input`.
pub fn portfolio_section(
    programs: &[Program<'_>],
    input: &mut dyn BufRead,
) -> Result<String, ReportError> {
    let figures = portfolio::figures(programs, input)?;
    let titles: Vec<_> = programs.iter().map(level_titles).collect();
    Ok(portfolio::render(&figures, &titles))
}

/// The plan section for one product (`facts`, the eval input format) against
/// each of `schemes`; the category for each comes from the product.
pub fn plan_section(
    rules: &RuleSet,
    schemes: &[String],
    facts: &serde_json::Value,
    as_of: Date,
) -> Result<String, ReportError> {
    if schemes.is_empty() {
        return Err(ReportError::PlanNeedsScheme);
    }
    let mut requests = Vec::new();
    for scheme in schemes {
        let id = scheme.split('@').next().unwrap_or(scheme);
        let category = match facts.get("category") {
            Some(serde_json::Value::String(c)) => Some(c.clone()),
            Some(serde_json::Value::Object(map)) => map
                .get(id)
                .or_else(|| map.get(scheme))
                .and_then(|v| v.as_str())
                .map(str::to_string),
            _ => None,
        };
        let category = category.ok_or_else(|| ReportError::NoCategory {
            scheme: id.to_string(),
        })?;
        requests.push(crate::plan::Request {
            scheme: scheme.clone(),
            category,
            level: None,
        });
    }
    let plan = crate::plan::plan(rules, &requests, &[], as_of, Some(facts)).map_err(|e| {
        ReportError::Plan {
            message: e.message(),
            help: e.help(),
        }
    })?;
    Ok(sections::plan_section(&plan))
}

/// The position of `key` (`id@version`) among the rule set's schemes.
pub fn version_index(rules: &RuleSet, key: &str) -> Result<usize, ReportError> {
    rules
        .schemes
        .iter()
        .position(|s| s.key() == key)
        .ok_or_else(|| ReportError::UnknownVersion {
            wanted: key.to_string(),
            known: rules.schemes.iter().map(|s| s.key()).collect(),
        })
}

/// The product impact of a rule change, as `diff --products` computes it:
/// each line of `input` judged under both versions of each pair (`old`'s
/// scheme index, `new`'s).
pub fn diff_products(
    old: &RuleSet,
    new: &RuleSet,
    pairs: &[(usize, usize)],
    as_of: Date,
    input: &mut dyn BufRead,
) -> Result<crate::diff::Products, ReportError> {
    let mut programs = Vec::new();
    for (ia, ib) in pairs {
        let pair =
            Program::new(old, *ia, as_of).and_then(|a| Ok((a, Program::new(new, *ib, as_of)?)));
        programs.push(pair.map_err(|e| ReportError::RuleSet {
            message: e.to_string(),
        })?);
    }
    crate::diff::compare_products(&programs, input, &mut |_| ()).map_err(|e| {
        ReportError::Products {
            message: e.to_string(),
        }
    })
}
