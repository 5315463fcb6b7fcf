//! Why evaluation stopped: typed errors with stable codes
//! (`labelc::eval::…`, listed in docs/language.md, "Runtime errors"). A
//! [`ProductError`] is about one product and is reported in its place; a
//! [`RuleSetError`] means the rule set itself cannot be evaluated; an
//! [`EvalError`] is either, or a scheme the rule set does not have.

use std::fmt;

use crate::rules::SelectError;

/// A problem with one product: it is reported in place of its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductError {
    /// The text is not JSON, e.g. `{"id": "a",`.
    MalformedJson { message: String },
    /// Well-formed JSON that is not a product of the rule set: no `id`, an
    /// unknown fact, a value of the wrong type, e.g. `{"id": 1}`. (serde
    /// reports these as text, so they share one code.)
    InvalidProduct { message: String },
    /// `category` names a category the scheme does not define, e.g.
    /// `"category": "camra"`.
    UnknownCategory {
        category: String,
        scheme: String,
        suggestion: Option<String>,
    },
    /// A blank input where a product object was expected.
    EmptyLine,
    /// Bytes that are not UTF-8; `whole_input` when the input is one object.
    NotUtf8 { byte: usize, whole_input: bool },
    /// A line (`bytes` long) or a single object (`bytes` unknown) over the
    /// limit of `limit` bytes for a product.
    TooLarge { bytes: Option<u64>, limit: usize },
}

impl ProductError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ProductError::MalformedJson { .. } => "labelc::eval::malformed_json",
            ProductError::InvalidProduct { .. } => "labelc::eval::invalid_product",
            ProductError::UnknownCategory { .. } => "labelc::eval::unknown_category",
            ProductError::EmptyLine => "labelc::eval::empty_line",
            ProductError::NotUtf8 { .. } => "labelc::eval::not_utf8",
            ProductError::TooLarge { .. } => "labelc::eval::product_too_large",
        }
    }

    /// The fix, where there is one to suggest.
    pub fn help(&self) -> Option<String> {
        match self {
            ProductError::UnknownCategory {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            ProductError::EmptyLine => Some("remove the blank line or write a product".into()),
            _ => None,
        }
    }
}

impl fmt::Display for ProductError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProductError::MalformedJson { message } | ProductError::InvalidProduct { message } => {
                f.write_str(message)
            }
            ProductError::UnknownCategory {
                category,
                scheme,
                suggestion,
            } => {
                write!(f, "unknown category `{category}` in `{scheme}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            ProductError::EmptyLine => f.write_str("empty line: expected a product object"),
            ProductError::NotUtf8 {
                byte,
                whole_input: false,
            } => write!(f, "not UTF-8 (byte {byte})"),
            ProductError::NotUtf8 {
                byte,
                whole_input: true,
            } => write!(f, "the input is not UTF-8 (byte {byte})"),
            ProductError::TooLarge {
                bytes: Some(bytes),
                limit,
            } => write!(
                f,
                "the line is {bytes} bytes, more than the limit of {limit} bytes for a product"
            ),
            ProductError::TooLarge { bytes: None, limit } => write!(
                f,
                "the product object is more than the limit of {limit} bytes"
            ),
        }
    }
}

impl std::error::Error for ProductError {}

/// Why a rule set cannot be evaluated: it was edited by hand or comes from
/// another version of labelc (`labelc compile` never writes these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleSetError {
    /// The rule set's `format` is not the one this labelc reads.
    Format {
        found: String,
        expected: &'static str,
    },
    /// A scheme index past the rule set's schemes.
    NoSuchScheme { index: usize },
    /// More facts, categories, criteria or string constants than fit in 32 bits.
    TooMany { what: &'static str },
    /// Two facts with one name.
    DuplicateFact { name: String },
    /// A category whose `parent` is not defined before it.
    UnknownParent { category: String, parent: String },
    /// A date field or literal that is not `YYYY-MM-DD`, e.g. `valid_from: "soon"`.
    InvalidDate { place: String, date: String },
    /// A level or recognition naming a criterion the scheme does not define.
    UnknownCriterion { criterion: String, scheme: String },
    /// An `applies_to` or `except` naming a category the scheme does not define.
    UnknownCategory { item: String, category: String },
    /// A fact reference whose slot does not hold that fact.
    UnknownSlot { fact: String, slot: u32 },
    /// A condition nested deeper than evaluation follows.
    TooDeep,
    /// A condition whose parts do not fit the fact's type.
    Mismatch {
        condition: String,
        problem: Mismatch,
    },
}

/// How a condition does not fit its fact ([`RuleSetError::Mismatch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    NotBool,
    NotSet,
    NotDate,
    /// `<`, `>`, … on a bool, string or enumeration.
    OnlyEquality,
    NotAValue {
        value: String,
        fact: String,
    },
    NonDate,
    Value,
    ListedValue,
    InOnSet,
    DaysOutOfRange,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::NotBool => f.write_str("not a bool fact"),
            Mismatch::NotSet => f.write_str("not a set fact"),
            Mismatch::NotDate => f.write_str("not a date fact"),
            Mismatch::OnlyEquality => f.write_str("only == and != apply"),
            Mismatch::NotAValue { value, fact } => {
                write!(f, "`{value}` is not a value of `{fact}`")
            }
            Mismatch::NonDate => f.write_str("a date fact compared with a non-date"),
            Mismatch::Value => f.write_str("the value does not fit the fact's type"),
            Mismatch::ListedValue => f.write_str("a listed value does not fit the fact's type"),
            Mismatch::InOnSet => f.write_str("`in` does not apply to a set"),
            Mismatch::DaysOutOfRange => f.write_str("the number of days is out of range"),
        }
    }
}

impl RuleSetError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            RuleSetError::Format { .. } => "labelc::eval::rule_set_format",
            RuleSetError::NoSuchScheme { .. } => "labelc::eval::no_such_scheme",
            RuleSetError::TooMany { .. } => "labelc::eval::too_many",
            RuleSetError::DuplicateFact { .. } => "labelc::eval::duplicate_fact",
            RuleSetError::UnknownParent { .. } => "labelc::eval::unknown_parent",
            RuleSetError::InvalidDate { .. } => "labelc::eval::invalid_date",
            RuleSetError::UnknownCriterion { .. } => "labelc::eval::rule_unknown_criterion",
            RuleSetError::UnknownCategory { .. } => "labelc::eval::rule_unknown_category",
            RuleSetError::UnknownSlot { .. } => "labelc::eval::unknown_slot",
            RuleSetError::TooDeep => "labelc::eval::condition_too_deep",
            RuleSetError::Mismatch { .. } => "labelc::eval::condition_mismatch",
        }
    }

    /// The fix: every rule set error is cured by compiling the sources again.
    pub fn help(&self) -> Option<String> {
        Some("compile the policy sources again with this labelc (`labelc compile`)".into())
    }
}

impl fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSetError::Format { found, expected } => write!(
                f,
                "the rule set's format is `{found}`; this labelc reads `{expected}`"
            ),
            RuleSetError::NoSuchScheme { .. } => f.write_str("no such scheme"),
            RuleSetError::TooMany { what } => write!(f, "too many {what}"),
            RuleSetError::DuplicateFact { name } => write!(f, "fact `{name}` appears twice"),
            RuleSetError::UnknownParent { category, parent } => write!(
                f,
                "category `{category}` names an unknown parent `{parent}`"
            ),
            RuleSetError::InvalidDate { place, date } => {
                write!(f, "{place}: `{date}` is not a date")
            }
            RuleSetError::UnknownCriterion { criterion, scheme } => {
                write!(f, "unknown criterion `{criterion}` in `{scheme}`")
            }
            RuleSetError::UnknownCategory { item, category } => {
                write!(f, "{item} applies to unknown category `{category}`")
            }
            RuleSetError::UnknownSlot { fact, slot } => {
                write!(f, "fact `{fact}` has no slot {slot}")
            }
            RuleSetError::TooDeep => f.write_str("a condition is nested too deeply"),
            RuleSetError::Mismatch { condition, problem } => {
                write!(f, "`{condition}`: {problem}")
            }
        }
    }
}

impl std::error::Error for RuleSetError {}

/// Why [`crate::evaluate`] could not produce an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The scheme named is not in the rule set.
    Scheme(SelectError),
    /// The rule set is not consistent.
    RuleSet(RuleSetError),
    /// The product does not fit the rule set (a fact of the wrong type, an unknown category, …).
    Product(ProductError),
}

impl EvalError {
    /// The stable code of the error inside.
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::Scheme(e) => e.code(),
            EvalError::RuleSet(e) => e.code(),
            EvalError::Product(e) => e.code(),
        }
    }

    /// The fix, where there is one to suggest.
    pub fn help(&self) -> Option<String> {
        match self {
            EvalError::Scheme(e) => e.help(),
            EvalError::RuleSet(e) => e.help(),
            EvalError::Product(e) => e.help(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Scheme(e) => e.fmt(f),
            EvalError::RuleSet(e) => e.fmt(f),
            EvalError::Product(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EvalError {}

impl From<ProductError> for EvalError {
    fn from(e: ProductError) -> Self {
        EvalError::Product(e)
    }
}

impl From<RuleSetError> for EvalError {
    fn from(e: RuleSetError) -> Self {
        EvalError::RuleSet(e)
    }
}

impl From<SelectError> for EvalError {
    fn from(e: SelectError) -> Self {
        EvalError::Scheme(e)
    }
}

/// A JSON error for one product: serde_json's message without its "at line
/// 1 column N" (the caller knows the line), with the column kept. Syntax
/// errors are [`ProductError::MalformedJson`], the rest
/// [`ProductError::InvalidProduct`].
pub(super) fn json_error(e: &serde_json::Error) -> ProductError {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    let syntax = matches!(
        e.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    );
    let kind = if syntax { "malformed JSON: " } else { "" };
    let message = match e.line() {
        0 => format!("{kind}{message}"),
        1 => format!("{kind}{message} (column {})", e.column()),
        line => format!("{kind}{message} (line {line}, column {})", e.column()),
    };
    if syntax {
        ProductError::MalformedJson { message }
    } else {
        ProductError::InvalidProduct { message }
    }
}

#[cfg(test)]
mod tests {
    use super::{Mismatch, ProductError, RuleSetError};
    use crate::rules::SelectError;

    /// One error of every kind; a new variant that is not added here still
    /// compiles, but [`codes_are_documented`] lists the codes it knows.
    fn every_error() -> Vec<(&'static str, String)> {
        let product = [
            ProductError::MalformedJson {
                message: "x".into(),
            },
            ProductError::InvalidProduct {
                message: "x".into(),
            },
            ProductError::UnknownCategory {
                category: "camra".into(),
                scheme: "s@1".into(),
                suggestion: Some("camera".into()),
            },
            ProductError::EmptyLine,
            ProductError::NotUtf8 {
                byte: 3,
                whole_input: false,
            },
            ProductError::TooLarge {
                bytes: None,
                limit: 8,
            },
        ];
        let rule_set = [
            RuleSetError::Format {
                found: "x".into(),
                expected: "y",
            },
            RuleSetError::NoSuchScheme { index: 9 },
            RuleSetError::TooMany { what: "facts" },
            RuleSetError::DuplicateFact { name: "a".into() },
            RuleSetError::UnknownParent {
                category: "a".into(),
                parent: "b".into(),
            },
            RuleSetError::InvalidDate {
                place: "C-1".into(),
                date: "soon".into(),
            },
            RuleSetError::UnknownCriterion {
                criterion: "C-9".into(),
                scheme: "s@1".into(),
            },
            RuleSetError::UnknownCategory {
                item: "criterion `C-1`".into(),
                category: "x".into(),
            },
            RuleSetError::UnknownSlot {
                fact: "a".into(),
                slot: 3,
            },
            RuleSetError::TooDeep,
            RuleSetError::Mismatch {
                condition: "a".into(),
                problem: Mismatch::NotBool,
            },
        ];
        let select = [
            SelectError::UnknownScheme {
                id: "x".into(),
                suggestion: None,
                known: Vec::new(),
            },
            SelectError::UnknownVersion {
                id: "x".into(),
                version: "1".into(),
                known: Vec::new(),
            },
        ];
        product
            .iter()
            .map(|e| (e.code(), e.to_string()))
            .chain(rule_set.iter().map(|e| (e.code(), e.to_string())))
            .chain(select.iter().map(|e| (e.code(), e.to_string())))
            .collect()
    }

    /// Every runtime error code has its line in docs/language.md's
    /// "Runtime errors" table, and no two kinds of error share a code.
    #[test]
    fn codes_are_documented() {
        let docs = include_str!("../../docs/language.md");
        let table = docs
            .split("### Runtime errors")
            .nth(1)
            .expect("docs/language.md has a `### Runtime errors` section");
        let errors = every_error();
        let mut codes: Vec<&str> = errors.iter().map(|(code, _)| *code).collect();
        for (code, message) in &errors {
            assert!(
                table.contains(&format!("| `{code}` |")),
                "{code} ({message}) is not in docs/language.md, Runtime errors"
            );
            assert!(code.starts_with("labelc::"), "{code}");
            assert!(!message.is_empty() && !message.ends_with('.'), "{message}");
        }
        codes.sort_unstable();
        let all = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), all, "two kinds of error share a code");
        // And the table lists no `labelc::eval::` code that nothing raises.
        let listed = table
            .lines()
            .take_while(|l| !l.starts_with("## "))
            .filter(|l| l.starts_with("| `labelc::eval::"))
            .count();
        let eval = codes
            .iter()
            .filter(|c| c.starts_with("labelc::eval::"))
            .count();
        assert_eq!(listed, eval, "the table lists an eval code no error has");
    }
}
