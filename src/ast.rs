//! The abstract syntax tree: what a policy file says, with a [`Span`] on
//! every node. Built from pest pairs by `syntax::build` and nothing else; no
//! name is bound and no type is checked here.

use jiff::civil::Date;

use crate::span::Span;

/// A name, id or fact path as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal, escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// A calendar date literal. `value` is `None` when the literal is not a valid
/// date (the builder has reported it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLit {
    pub value: Option<Date>,
    pub span: Span,
}

/// An integer literal; `value` is `None` when it overflowed (reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntLit {
    pub value: Option<i64>,
    pub span: Span,
}

/// A keyword value such as a status or method, with its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, Default)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "AST nodes are built once and not moved on hot paths"
)]
pub enum Item {
    Fact(FactDecl),
    Scheme(Scheme),
    Recognition(Recognition),
    Test(Test),
    /// An item that did not parse; its diagnostic has been reported. `keyword`
    /// and `id` are recovered when possible, so that references to the item do
    /// not cascade into "unknown" errors.
    Invalid(Recovered),
}

/// What could be read of an item or member that failed to parse.
#[derive(Clone, Debug)]
pub struct Recovered {
    pub keyword: Option<String>,
    pub id: Option<Ident>,
    pub span: Span,
}

// ---------------------------------------------------------------- facts

#[derive(Clone, Debug)]
pub struct FactDecl {
    pub name: Ident,
    pub ty: FactType,
    pub description: Option<Text>,
    pub unit: Option<Text>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FactType {
    pub kind: FactTypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactTypeKind {
    Bool,
    Int,
    Decimal,
    String,
    Date,
    SetOfString,
    Enum(Vec<Ident>),
}

// ---------------------------------------------------------------- schemes

/// `ccl` or `ccl@2026-04`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeRef {
    pub id: Ident,
    pub version: Option<Ident>,
    pub span: Span,
}

impl SchemeRef {
    /// `id@version`, or `id` when unpinned.
    pub fn display(&self) -> String {
        match &self.version {
            Some(v) => format!("{}@{}", self.id.name, v.name),
            None => self.id.name.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeStatus {
    Draft,
    InForce,
    Superseded,
}

/// What a rule rests on, from the strongest to the weakest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// The official text says it.
    Official,
    /// One reputable secondary source says it.
    Secondary,
    /// Reported (recollected, heard), not seen in a text.
    Reported,
    /// The policy author's inference.
    Inferred,
}

/// `basis inferred "why"`.
#[derive(Clone, Debug)]
pub struct BasisDecl {
    pub basis: Spanned<Basis>,
    pub note: Option<Text>,
    pub span: Span,
}

/// Whether a scheme is a condition of market access or chosen by the producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Nature {
    Mandatory,
    Voluntary,
}

/// `nature voluntary "why"`.
#[derive(Clone, Debug)]
pub struct NatureDecl {
    pub nature: Spanned<Nature>,
    pub note: Option<Text>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Scheme {
    /// The header; its version is required for a definition (checked by resolve).
    pub reference: SchemeRef,
    pub title: Option<Text>,
    pub jurisdiction: Option<Text>,
    pub status: Option<Spanned<SchemeStatus>>,
    pub effective: Option<DateLit>,
    /// `nature mandatory` or `nature voluntary`.
    pub nature: Option<NatureDecl>,
    /// Sources, authorities, categories, criteria and levels, in source order.
    pub members: Vec<Member>,
    pub span: Span,
}

#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "AST nodes are built once and not moved on hot paths"
)]
pub enum Member {
    Source(Source),
    Authority(Authority),
    Category(Category),
    Criterion(Criterion),
    Level(Level),
    /// A member that did not parse (reported).
    Invalid(Recovered),
}

#[derive(Clone, Debug)]
pub struct Source {
    pub id: Ident,
    pub title: Option<Text>,
    pub document: Option<Text>,
    pub issued: Option<DateLit>,
    pub url: Option<Text>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Authority {
    pub id: Ident,
    pub title: Option<Text>,
    pub role: Option<Text>,
    pub basis: Option<BasisDecl>,
    pub span: Span,
}

/// `status confirmed` or `status pending "why"`.
#[derive(Clone, Debug)]
pub enum Status {
    Confirmed(Span),
    Pending(Text),
}

#[derive(Clone, Debug)]
pub struct Category {
    pub id: Ident,
    pub title: Option<Text>,
    pub effective: Option<DateLit>,
    pub phase: Option<Text>,
    pub status: Option<Status>,
    /// `excluded "reason"`: products of this category (and its
    /// sub-categories) are outside the scheme.
    pub excluded: Option<Text>,
    /// `grouping "reason"`: the category only groups its sub-categories; a
    /// product of the category itself is outside the scheme.
    pub grouping: Option<Text>,
    pub basis: Option<BasisDecl>,
    pub children: Vec<Category>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Test,
    DocumentReview,
    Audit,
    SelfDeclaration,
}

#[derive(Clone, Debug)]
pub struct Citation {
    pub source: Option<Ident>,
    pub locator: Text,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum AppliesTo {
    All(Span),
    Categories(Vec<Ident>),
}

#[derive(Clone, Debug)]
pub struct Criterion {
    pub id: Ident,
    pub title: Option<Text>,
    pub citation: Option<Citation>,
    pub applies_to: Option<AppliesTo>,
    pub method: Option<Spanned<Method>>,
    pub evidence: Vec<Text>,
    pub status: Option<Status>,
    pub valid_from: Option<DateLit>,
    pub valid_until: Option<DateLit>,
    pub condition: Option<Expr>,
    /// `renamed_from OLD-ID`: the id this criterion had in an earlier version.
    pub renamed_from: Option<Ident>,
    pub basis: Option<BasisDecl>,
    /// The basis of `valid_until` alone (`valid_until DATE basis …`).
    pub valid_until_basis: Option<BasisDecl>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct AtLeast {
    pub k: IntLit,
    pub of: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Level {
    pub rank: IntLit,
    pub title: Option<Text>,
    pub includes: Vec<IntLit>,
    pub require: Vec<Ident>,
    /// Criteria of `require` lines that state a basis (`require A basis inferred`).
    pub require_basis: Vec<(Ident, BasisDecl)>,
    pub at_least: Vec<AtLeast>,
    pub status: Option<Status>,
    pub span: Span,
}

// ---------------------------------------------------------------- recognitions

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relationship {
    Equal,
    SubsetOf,
    SupersetOf,
    IntersectsWith,
    NoRelationship,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Credit {
    Full,
    Partial,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecognitionStatus {
    Official,
    Proposed,
    Assumed,
}

/// What a recognition is granted for: a level of the source scheme, or one of its criteria.
#[derive(Clone, Debug)]
pub enum FromTarget {
    Level(IntLit),
    Criterion(Ident),
}

#[derive(Clone, Debug)]
pub struct RecognitionFrom {
    pub scheme: SchemeRef,
    pub target: FromTarget,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Recognition {
    pub id: Ident,
    pub title: Option<Text>,
    pub from: Option<RecognitionFrom>,
    pub to: Option<SchemeRef>,
    pub relationship: Option<Spanned<Relationship>>,
    pub credit: Option<Spanned<Credit>>,
    pub status: Option<Spanned<RecognitionStatus>>,
    pub source: Option<Text>,
    pub valid_from: Option<DateLit>,
    pub valid_until: Option<DateLit>,
    pub condition: Option<Expr>,
    pub verify: Vec<Text>,
    pub credits: Vec<Ident>,
    /// `applies_to`: the categories of the `to` scheme whose products the
    /// arrangement covers (a category covers its descendants); `None` or
    /// `all` for every category.
    pub applies_to: Option<AppliesTo>,
    /// `except`: categories of the `to` scheme (with their sub-categories)
    /// the arrangement does not cover, even under a category `applies_to` names.
    pub except: Vec<Ident>,
    pub basis: Option<BasisDecl>,
    /// The basis of `valid_until` alone (`valid_until DATE basis …`).
    pub valid_until_basis: Option<BasisDecl>,
    pub span: Span,
}

// ---------------------------------------------------------------- tests

/// `test ID { … }`: one product judged against one scheme version, and what
/// must hold of the result.
#[derive(Clone, Debug)]
pub struct Test {
    pub id: Ident,
    pub title: Option<Text>,
    pub scheme: Option<SchemeRef>,
    pub category: Option<Ident>,
    pub as_of: Option<DateLit>,
    /// Every `holds` line, in order.
    pub holds: Vec<Holding>,
    /// The `facts { … }` block: `None` when the test has none.
    pub facts: Option<Vec<FactValue>>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

/// `scheme:level` or `scheme#criterion` (either with `@version`), as held
/// by the product.
#[derive(Clone, Debug)]
pub struct Holding {
    pub scheme: SchemeRef,
    pub kind: HeldKind,
    /// A level rank (digits, checked in resolve) or a criterion id.
    pub target: Ident,
    pub span: Span,
}

/// Whether a holding names a level (`:`) or a criterion (`#`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldKind {
    Level,
    Criterion,
}

/// `fact.name = value` in a test's `facts` block.
#[derive(Clone, Debug)]
pub struct FactValue {
    pub fact: Ident,
    pub value: TestValue,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TestValue {
    One(Value),
    /// `[ … ]`, for a `set<string>` fact.
    List(Vec<Value>, Span),
}

impl TestValue {
    pub fn span(&self) -> Span {
        match self {
            TestValue::One(v) => v.span,
            TestValue::List(_, span) => *span,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Expect {
    pub kind: ExpectKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExpectKind {
    /// `expect level N` / `expect level none`
    Level(Option<IntLit>),
    /// `expect reachable N` / `expect reachable none`
    Reachable(Option<IntLit>),
    /// `expect criterion ID VERDICT`
    Criterion(Ident, Spanned<Expected>),
}

/// The outcome a test expects of one criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expected {
    Pass,
    Fail,
    Unknown,
    Credited,
    NotApplicable,
}

impl Expected {
    pub fn word(self) -> &'static str {
        match self {
            Expected::Pass => "pass",
            Expected::Fail => "fail",
            Expected::Unknown => "unknown",
            Expected::Credited => "credited",
            Expected::NotApplicable => "not_applicable",
        }
    }
}

// ---------------------------------------------------------------- conditions

/// A condition. `and`/`or` chains are flat vectors, so a long chain is a wide
/// node, not a deep one.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// `( … )`, kept so the formatter can reproduce it.
    Paren(Box<Expr>),
    /// `present(fact)`
    Present(Ident),
    /// A bool fact on its own.
    Fact(Ident),
    Compare {
        fact: Ident,
        op: Spanned<CompareOp>,
        value: Value,
    },
    In {
        fact: Ident,
        negated: bool,
        list: Vec<Value>,
        list_span: Span,
    },
    Contains {
        fact: Ident,
        value: Value,
    },
    Subset {
        fact: Ident,
        list: Vec<Value>,
        list_span: Span,
    },
    Superset {
        fact: Ident,
        list: Vec<Value>,
        list_span: Span,
    },
    Within {
        fact: Ident,
        days: IntLit,
        direction: Spanned<Direction>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// `within N days before assessment` (the date lies in the N days up to the
/// assessment date) or `after assessment` (in the N days from it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Before,
    After,
}

#[derive(Clone, Debug)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Bool(bool),
    Int(Option<i64>),
    Decimal(String),
    String(String),
    Date(Option<Date>),
    /// The assessment date (`assessment`).
    Assessment,
    /// A bare name: an enumeration value.
    Variant(String),
}
