//! Why a plan request cannot be planned: typed errors with stable codes
//! (`labelc::plan::…`, listed in docs/language.md, "Runtime errors").

use crate::rules::SelectError;

/// A request that cannot be planned: an unknown scheme, category or level,
/// a holding that names nothing, facts that do not fit, or a rule set that
/// cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// `--scheme nope`, or `--scheme ccl@9` for a version the rule set lacks.
    Scheme(SelectError),
    /// `--category camras`: the scheme has no such category.
    UnknownCategory {
        /// `id@version` of the scheme.
        scheme: String,
        category: String,
        /// The closest category id, when one is close.
        suggestion: Option<String>,
        /// Every category id of the scheme, sorted.
        known: Vec<String>,
    },
    /// `--level 9`: the scheme has no level of that rank.
    UnknownLevel {
        scheme: String,
        level: i64,
        /// The ranks of the scheme, in its order.
        known: Vec<i64>,
    },
    /// A scheme without levels (a hand-edited rule set): there is no target.
    NoLevels { scheme: String },
    /// `--holding beta:B-1`: a holding that does not read or names nothing.
    Holding {
        message: String,
        help: Option<String>,
    },
    /// `--facts` whose product does not fit the scheme (a fact of the wrong type, …).
    Facts { scheme: String, message: String },
    /// A compiled rule set the evaluator refuses (edited by hand, or from
    /// another version of labelc).
    RuleSet { message: String },
}

impl PlanError {
    /// The stable code, `labelc::plan::<name>`.
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::Scheme(SelectError::UnknownScheme { .. }) => "labelc::plan::unknown_scheme",
            PlanError::Scheme(SelectError::UnknownVersion { .. }) => {
                "labelc::plan::unknown_version"
            }
            PlanError::UnknownCategory { .. } => "labelc::plan::unknown_category",
            PlanError::UnknownLevel { .. } => "labelc::plan::unknown_level",
            PlanError::NoLevels { .. } => "labelc::plan::no_levels",
            PlanError::Holding { .. } => "labelc::plan::invalid_holding",
            PlanError::Facts { .. } => "labelc::plan::invalid_facts",
            PlanError::RuleSet { .. } => "labelc::plan::invalid_rule_set",
        }
    }

    /// The fix to suggest.
    pub fn help(&self) -> String {
        match self {
            PlanError::Scheme(_) => {
                "name a scheme of the compilation, as `id` or `id@version`".to_string()
            }
            PlanError::UnknownCategory {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`?"),
            PlanError::UnknownCategory { scheme, known, .. } => {
                format!("the categories of `{scheme}` are {}", known.join(", "))
            }
            PlanError::UnknownLevel { scheme, known, .. } => format!(
                "the levels of `{scheme}` are {}",
                known
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            PlanError::NoLevels { .. } => "add a level".to_string(),
            PlanError::Holding { help, .. } => help
                .clone()
                .unwrap_or_else(|| "see docs/plan.md for holdings".to_string()),
            PlanError::Facts { .. } => "see docs/evaluation.md for the product format".to_string(),
            PlanError::RuleSet { .. } => "recompile the rule set".to_string(),
        }
    }

    /// The message alone, without the help.
    pub fn message(&self) -> String {
        match self {
            PlanError::Scheme(e) => e.to_string(),
            PlanError::UnknownCategory {
                scheme, category, ..
            } => format!("unknown category `{category}` in `{scheme}`"),
            PlanError::UnknownLevel { scheme, level, .. } => {
                format!("`{scheme}` has no level {level}")
            }
            PlanError::NoLevels { scheme } => format!("`{scheme}` has no levels"),
            PlanError::Holding { message, .. } => message.clone(),
            PlanError::Facts { scheme, message } => {
                format!("the facts do not fit `{scheme}`: {message}")
            }
            PlanError::RuleSet { message } => message.clone(),
        }
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message(), self.help())
    }
}

impl std::error::Error for PlanError {}
