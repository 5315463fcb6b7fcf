//! The compiled rule set (IR): the one model that `eval`, `plan`, `diff` and
//! the exports consume, and what `labelc compile` writes as JSON. Plain serde
//! data with its own JSON Schema (`labelc schema`); every item keeps its id,
//! provenance and source location, and conditions are typed expression trees
//! whose fact references are resolved to slots in [`RuleSet::facts`].

mod date;
mod holding;
mod lower;
mod official;
mod select;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use date::{Date, parse_date};
pub use holding::{Held, Holding, HoldingError};
pub use lower::lower;
pub use official::{LeftOut, official_only};
pub use select::{SelectError, Selection, describe};

/// The value of [`RuleSet::format`] this version of labelc writes and reads.
pub const FORMAT: &str = "labelc.rules/v1";

/// A compiled rule set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Always `labelc.rules/v1` for this layout.
    pub format: String,
    /// SHA-256 (hex) over every source file's path and content, in compilation order.
    pub digest: String,
    /// The source files compiled, in order.
    pub sources: Vec<SourceFile>,
    /// Every fact, sorted by name; a condition's `slot` is an index into this list.
    pub facts: Vec<Fact>,
    /// Every scheme version, sorted by id, then by version (natural order).
    pub schemes: Vec<Scheme>,
    /// Every recognition, sorted by id.
    pub recognitions: Vec<Recognition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    pub path: String,
    /// SHA-256 (hex) of the file's content.
    pub sha256: String,
}

/// Where an item is defined: 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// A calendar date, `YYYY-MM-DD`.
pub type DateString = String;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FactType,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<String>,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FactType {
    Bool,
    Int,
    Decimal,
    String,
    Date,
    StringSet,
    Enum { values: Vec<String> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SchemeStatus {
    Draft,
    InForce,
    Superseded,
}

/// What a rule rests on, strongest first (`basis` in the language). An item
/// that states no basis rests on the official text.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The official text says it.
    Official,
    /// One reputable secondary source says it.
    Secondary,
    /// Reported, not seen in a text.
    Reported,
    /// The policy author's inference.
    Inferred,
}

impl Basis {
    pub fn word(self) -> &'static str {
        match self {
            Basis::Official => "official",
            Basis::Secondary => "secondary",
            Basis::Reported => "reported",
            Basis::Inferred => "inferred",
        }
    }
}

/// A stated basis and the author's note on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grounds {
    pub on: Basis,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// The basis of an item: its stated one, or official when it states none.
pub fn basis_of(grounds: Option<&Grounds>) -> Basis {
    grounds.map_or(Basis::Official, |g| g.on)
}

/// Whether a scheme is a condition of market access or chosen by the producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// A condition of market access: products in scope must meet it.
    Mandatory,
    /// The producer chooses to take part.
    Voluntary,
}

impl Nature {
    pub fn word(self) -> &'static str {
        match self {
            Nature::Mandatory => "mandatory",
            Nature::Voluntary => "voluntary",
        }
    }
}

/// `confirmed`, or `pending` with the reason the published texts leave it open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum Status {
    Confirmed,
    Pending { reason: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub id: String,
    pub version: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jurisdiction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<SchemeStatus>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub effective: Option<DateString>,
    /// Mandatory or voluntary (`nature`); absent when the policy does not say.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nature: Option<Nature>,
    /// The author's note on `nature`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nature_note: Option<String>,
    pub sources: Vec<Source>,
    pub authorities: Vec<Authority>,
    /// Categories in source order, parents before children.
    pub categories: Vec<Category>,
    /// Criteria in source order.
    pub criteria: Vec<Criterion>,
    /// Levels, lowest rank first.
    pub levels: Vec<Level>,
    pub location: Location,
}

impl Scheme {
    /// `id@version`.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub document: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issued: Option<DateString>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<String>,
    /// What the authority's role rests on; absent: the official text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub basis: Option<Grounds>,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    /// The enclosing category, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub effective: Option<DateString>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phase: Option<String>,
    pub status: Status,
    /// Why products of this category (and its sub-categories) are outside
    /// the scheme; absent for a category in scope.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub excluded: Option<String>,
    /// Why the category only groups its sub-categories (`grouping`): a
    /// product of this category itself is outside the scheme.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub grouping: Option<String>,
    /// What the category's place in the scheme rests on; absent: the official text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub basis: Option<Grounds>,
    pub location: Location,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Test,
    DocumentReview,
    Audit,
    SelfDeclaration,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The scheme's source this cites, if named.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
    /// That source's document number, copied for convenience.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub document: Option<String>,
    /// Article, clause or other place in the source.
    pub locator: String,
}

/// Which categories a criterion (or a recognition's credit) applies to; a
/// category covers its descendants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AppliesTo {
    #[default]
    All,
    Categories {
        ids: Vec<String>,
    },
}

impl AppliesTo {
    pub fn is_all(&self) -> bool {
        *self == AppliesTo::All
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub citation: Option<Citation>,
    pub applies_to: AppliesTo,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub method: Option<Method>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub evidence: Vec<String>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_from: Option<DateString>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_until: Option<DateString>,
    /// What must hold; absent only for a pending criterion.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub condition: Option<Condition>,
    /// The id this criterion had in an earlier version (`renamed_from`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub renamed_from: Option<String>,
    /// What the criterion rests on; absent: the official text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub basis: Option<Grounds>,
    /// What `valid_until` alone rests on, when stated.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_until_basis: Option<Grounds>,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtLeast {
    pub k: i64,
    pub of: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub rank: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    /// Levels this one includes, as written.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub includes: Vec<i64>,
    /// Criteria this level lists itself, as written.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub require: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub at_least: Vec<AtLeast>,
    /// Everything the level requires, includes followed: sorted criterion ids.
    pub requires_all: Vec<String>,
    /// Every at-least group, includes followed.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub at_least_all: Vec<AtLeast>,
    /// Criteria of `requires_all` whose place in this level rests on less
    /// than official text (`require … basis …`, includes followed; a
    /// criterion also required by an official line is not listed).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty", default)]
    pub require_basis: std::collections::BTreeMap<String, Grounds>,
    pub status: Status,
    pub location: Location,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Equal,
    SubsetOf,
    SupersetOf,
    IntersectsWith,
    NoRelationship,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Credit {
    Full,
    Partial,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecognitionStatus {
    Official,
    Proposed,
    Assumed,
}

/// The scheme a recognition is held from, and what of it is held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecognitionFrom {
    pub scheme: String,
    /// The version the recognition is pinned to; absent when unpinned: a
    /// holding of any version of the scheme counts.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
    /// Holding this level (or a higher one) of the source scheme.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub level: Option<i64>,
    /// Passing this criterion of the source scheme.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub criterion: Option<String>,
}

/// The scheme a recognition credits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeVersion {
    pub scheme: String,
    /// The version the recognition is pinned to; absent when unpinned: the
    /// recognition credits the version in force on the assessment date (the
    /// version `labelc eval --scheme ID` judges then).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recognition {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    pub from: RecognitionFrom,
    pub to: SchemeVersion,
    pub relationship: Relationship,
    pub credit: Credit,
    pub status: RecognitionStatus,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_from: Option<DateString>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_until: Option<DateString>,
    /// What the product's facts must show for the credit to apply.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub condition: Option<Condition>,
    /// What the assessor must verify by hand.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub verify: Vec<String>,
    /// Criteria of `to` that the recognition credits.
    pub credits: Vec<String>,
    /// The categories of `to` whose products the arrangement covers; a
    /// product of another category gets no credit. Absent: every category.
    #[serde(skip_serializing_if = "AppliesTo::is_all", default)]
    pub applies_to: AppliesTo,
    /// Categories of `to` (with their sub-categories) the arrangement does
    /// not cover, even under a category `applies_to` names.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub except: Vec<String>,
    /// What the arrangement rests on; absent: the official text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub basis: Option<Grounds>,
    /// What `valid_until` alone rests on, when stated.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_until_basis: Option<Grounds>,
    pub location: Location,
}

/// A fact a condition reads: its name and its index in [`RuleSet::facts`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactRef {
    pub name: String,
    pub slot: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Before,
    After,
}

/// A constant in a condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Decimal(f64),
    String(String),
    Date(DateString),
    /// An enumeration value.
    Enum(String),
    /// The assessment date (`--as-of`).
    AssessmentDate,
}

/// A condition: a typed expression tree. Every node carries `text`, the
/// source text of that sub-expression, for explanations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    And {
        args: Vec<Condition>,
        text: String,
    },
    Or {
        args: Vec<Condition>,
        text: String,
    },
    Not {
        arg: Box<Condition>,
        text: String,
    },
    /// A `bool` fact is true.
    IsTrue {
        fact: FactRef,
        text: String,
    },
    /// The fact has a value.
    Present {
        fact: FactRef,
        text: String,
    },
    Compare {
        fact: FactRef,
        comparison: Comparison,
        value: Literal,
        text: String,
    },
    /// The fact's value is one of `values` (or none of them, when `negated`).
    In {
        fact: FactRef,
        values: Vec<Literal>,
        negated: bool,
        text: String,
    },
    /// A string set contains `value`.
    Contains {
        fact: FactRef,
        value: String,
        text: String,
    },
    /// Every element of the set is among `values`.
    SubsetOf {
        fact: FactRef,
        values: Vec<String>,
        text: String,
    },
    /// The set holds every one of `values`.
    SupersetOf {
        fact: FactRef,
        values: Vec<String>,
        text: String,
    },
    /// The date lies within `days` days before (or after) the assessment date, inclusive.
    Within {
        fact: FactRef,
        days: i64,
        direction: Direction,
        text: String,
    },
}

impl Condition {
    /// The source text of this sub-expression.
    pub fn text(&self) -> &str {
        match self {
            Condition::And { text, .. }
            | Condition::Or { text, .. }
            | Condition::Not { text, .. }
            | Condition::IsTrue { text, .. }
            | Condition::Present { text, .. }
            | Condition::Compare { text, .. }
            | Condition::In { text, .. }
            | Condition::Contains { text, .. }
            | Condition::SubsetOf { text, .. }
            | Condition::SupersetOf { text, .. }
            | Condition::Within { text, .. } => text,
        }
    }

    /// Whether two conditions are the same tree apart from their source
    /// `text` (layout, comments, redundant parentheses): the same operators,
    /// facts (by name) and constants, in the same order. It is structure, not
    /// meaning: `x > 5` and `x >= 6` differ here (the decision procedure in
    /// `analysis` finds them equivalent). Nesting past 256 levels (which
    /// `check` refuses) counts as different.
    pub fn same_shape(&self, other: &Condition) -> bool {
        fn same(a: &Condition, b: &Condition, depth: usize) -> bool {
            use Condition as C;
            if depth > 256 {
                return false;
            }
            match (a, b) {
                (C::And { args: x, .. }, C::And { args: y, .. })
                | (C::Or { args: x, .. }, C::Or { args: y, .. }) => {
                    x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, depth + 1))
                }
                (C::Not { arg: x, .. }, C::Not { arg: y, .. }) => same(x, y, depth + 1),
                (C::IsTrue { fact: f, .. }, C::IsTrue { fact: g, .. })
                | (C::Present { fact: f, .. }, C::Present { fact: g, .. }) => f.name == g.name,
                (
                    C::Compare {
                        fact: f,
                        comparison: c,
                        value: v,
                        ..
                    },
                    C::Compare {
                        fact: g,
                        comparison: d,
                        value: w,
                        ..
                    },
                ) => f.name == g.name && c == d && v == w,
                (
                    C::In {
                        fact: f,
                        values: v,
                        negated: n,
                        ..
                    },
                    C::In {
                        fact: g,
                        values: w,
                        negated: m,
                        ..
                    },
                ) => f.name == g.name && v == w && n == m,
                (
                    C::Contains {
                        fact: f, value: v, ..
                    },
                    C::Contains {
                        fact: g, value: w, ..
                    },
                ) => f.name == g.name && v == w,
                (
                    C::SubsetOf {
                        fact: f, values: v, ..
                    },
                    C::SubsetOf {
                        fact: g, values: w, ..
                    },
                )
                | (
                    C::SupersetOf {
                        fact: f, values: v, ..
                    },
                    C::SupersetOf {
                        fact: g, values: w, ..
                    },
                ) => f.name == g.name && v == w,
                (
                    C::Within {
                        fact: f,
                        days: d,
                        direction: r,
                        ..
                    },
                    C::Within {
                        fact: g,
                        days: e,
                        direction: s,
                        ..
                    },
                ) => f.name == g.name && d == e && r == s,
                _ => false,
            }
        }
        same(self, other, 0)
    }

    /// The facts this condition reads, in order of use (repeats included);
    /// nesting past 256 levels (which `check` refuses) is not followed.
    pub fn facts(&self) -> Vec<&FactRef> {
        fn walk<'c>(condition: &'c Condition, out: &mut Vec<&'c FactRef>, depth: usize) {
            if depth > 256 {
                return;
            }
            match condition {
                Condition::And { args, .. } | Condition::Or { args, .. } => {
                    for a in args {
                        walk(a, out, depth + 1);
                    }
                }
                Condition::Not { arg, .. } => walk(arg, out, depth + 1),
                Condition::IsTrue { fact, .. }
                | Condition::Present { fact, .. }
                | Condition::Compare { fact, .. }
                | Condition::In { fact, .. }
                | Condition::Contains { fact, .. }
                | Condition::SubsetOf { fact, .. }
                | Condition::SupersetOf { fact, .. }
                | Condition::Within { fact, .. } => out.push(fact),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out, 0);
        out
    }
}

/// The JSON Schema of [`RuleSet`], as `labelc schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(RuleSet);
    serde_json::to_value(&schema).unwrap_or(serde_json::Value::Null)
}
