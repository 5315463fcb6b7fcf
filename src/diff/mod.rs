//! Semantic diff of rule versions: changes keyed by ids (not text), each
//! classified as `tightening` (some product could reach a lower level than
//! before), `loosening` (a higher one), `neutral` (wording, titles,
//! citations) or `mixed` (both, or not decided), with the reason. Both
//! modes (two rule sets, or two versions in one) go through one comparison,
//! [`compare_scheme_versions`]. With products, both versions judge every product,
//! streamed, and the changes of level and of reachable level are counted
//! and the first ones listed with the criteria responsible.

mod condition;
mod criterion;
mod levels;
mod products;
mod recognition;
mod render;
mod scheme;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::rules::{AppliesTo, Recognition, RuleSet, Scheme};

pub use condition::{compare_conditions, compare_conditions_in};
pub use products::{DiffError, compare_products, compare_products_on, diff_named, judge_products};
use recognition::diff_recognitions;
pub use render::render_human;
use scheme::{diff_facts, diff_schemes};

/// The value of [`Diff::format`].
pub const FORMAT: &str = "labelc.diff/v1";

/// How a change can move products between levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Some product could reach a lower level than before.
    Tightening,
    /// Both directions are possible, or the direction is not decided.
    Mixed,
    /// Some product could reach a higher level than before.
    Loosening,
    /// No product changes level: wording, titles, citations, metadata.
    Neutral,
}

impl Class {
    pub fn word(self) -> &'static str {
        match self {
            Class::Tightening => "tightening",
            Class::Mixed => "mixed",
            Class::Loosening => "loosening",
            Class::Neutral => "neutral",
        }
    }

    /// The class of the opposite change (a negation turns directions around).
    pub fn flip(self) -> Class {
        match self {
            Class::Tightening => Class::Loosening,
            Class::Loosening => Class::Tightening,
            other => other,
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// The scheme id (`ccl`), or `facts` for the vocabulary.
    pub scheme: String,
    /// What changed: `criterion.condition`, `level.requires`, `recognition.credit`, …
    pub kind: String,
    /// The id of the item (criterion, level rank, category, recognition, fact).
    pub id: String,
    pub class: Class,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<serde_json::Value>,
}

/// At most this many changed products, and this many errors, are listed in
/// [`Products`]; the rest are counted. It keeps the memory of
/// `diff --products` flat however many products are judged.
pub const LISTED: usize = 1000;

/// A product whose `level` or `reachable` differs between the versions.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProductChange {
    pub id: String,
    /// The input line.
    pub line: usize,
    pub scheme: String,
    pub old_level: Option<i64>,
    pub new_level: Option<i64>,
    pub old_reachable: Option<i64>,
    pub new_reachable: Option<i64>,
    /// Criteria whose outcome differs, `ID: old → new`.
    pub criteria: Vec<String>,
    /// What the old level reached rests on below the official text
    /// (`rests on 1 inferred criterion`), when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_level_rests_on: Option<String>,
    /// The same for the new level reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_level_rests_on: Option<String>,
}

/// The product impact: counts over every judgement, and the first
/// [`LISTED`] changed products and errors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Products {
    /// Judgements made: one per product and compared scheme it names a category for.
    pub evaluated: usize,
    /// Judgements whose level (the highest reached) differs.
    pub level_changed: usize,
    /// Judgements whose reachable level (the highest the product could still reach) differs.
    pub reachable_changed: usize,
    /// `scheme: old → new` level transitions and how many judgements made each.
    pub level_transitions: BTreeMap<String, usize>,
    /// `scheme: old → new` reachable transitions and how many judgements made each.
    pub reachable_transitions: BTreeMap<String, usize>,
    /// The first [`LISTED`] judgements whose level or reachable differs, in input order.
    pub changed: Vec<ProductChange>,
    /// Changed judgements beyond the first [`LISTED`], counted only.
    pub changed_not_listed: usize,
    /// Judgements that could not be made (a bad line counts once per
    /// compared scheme it was read for).
    pub error_count: usize,
    /// The first [`LISTED`] of them, `line N: message`.
    pub errors: Vec<String>,
    /// Product lines that no compared scheme could judge (not JSON, not UTF-8,
    /// or an error for every scheme): bad input, so `labelc diff` exits 1.
    /// A line that some scheme judges, or that is out of a scheme's scope, is
    /// not counted here.
    pub unjudged_lines: usize,
}

/// The whole diff.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Diff {
    /// Always `labelc.diff/v1`.
    pub format: String,
    /// The scheme versions compared, `old → new`.
    pub compared: Vec<String>,
    /// Most severe first: tightening, mixed, loosening, neutral.
    pub changes: Vec<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub products: Option<Products>,
}

/// The JSON Schema of [`Diff`], as `labelc schema diff` prints it.
pub fn json_schema() -> serde_json::Value {
    crate::cli::schema::generate::<Diff>()
}

impl Diff {
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
}

struct Sink<'a> {
    scheme: &'a str,
    changes: Vec<Change>,
    /// The old and new rule sets' facts, which a condition change is decided over.
    facts: Option<(&'a [crate::rules::Fact], &'a [crate::rules::Fact])>,
}

impl Sink<'_> {
    /// Records a change; returns its index for [`Sink::values`] and friends.
    fn push(&mut self, kind: &str, id: &str, class: Class, reason: impl Into<String>) -> usize {
        self.changes.push(Change {
            scheme: self.scheme.to_string(),
            kind: kind.to_string(),
            id: id.to_string(),
            class,
            reason: reason.into(),
            old: None,
            new: None,
        });
        self.changes.len() - 1
    }

    fn values<T: Serialize + ?Sized, U: Serialize + ?Sized>(
        &mut self,
        change: usize,
        old: &T,
        new: &U,
    ) {
        if let Some(c) = self.changes.get_mut(change) {
            c.old = serde_json::to_value(old).ok();
            c.new = serde_json::to_value(new).ok();
        }
    }

    fn old(&mut self, change: usize, value: Option<serde_json::Value>) {
        if let Some(c) = self.changes.get_mut(change) {
            c.old = value;
        }
    }

    fn new_value(&mut self, change: usize, value: Option<serde_json::Value>) {
        if let Some(c) = self.changes.get_mut(change) {
            c.new = value;
        }
    }

    /// A field whose change moves no product.
    fn neutral<T: Serialize + PartialEq>(
        &mut self,
        kind: &str,
        id: &str,
        old: &T,
        new: &T,
        what: &str,
    ) {
        if old != new {
            let change = self.push(
                kind,
                id,
                Class::Neutral,
                format!("{what} changed; no product changes level"),
            );
            self.values(change, old, new);
        }
    }
}

/// For each scheme id, the index in `rules.schemes` of its latest version
/// (natural version order, drafts included): the version a diff of two
/// rule sets compares.
fn latest(rules: &RuleSet) -> BTreeMap<&str, usize> {
    let mut out = BTreeMap::new();
    for (index, scheme) in rules.schemes.iter().enumerate() {
        // Schemes are sorted by id, then natural version order: the last one wins.
        out.insert(scheme.id.as_str(), index);
    }
    out
}

/// The versions a diff of two rule sets compares: for each scheme id on both
/// sides, the indexes of its latest version in `old` and in `new`. The
/// products of `labelc diff OLD NEW --products` are judged by these pairs.
pub fn compared_versions(old: &RuleSet, new: &RuleSet) -> Vec<(usize, usize)> {
    let (a, b) = (latest(old), latest(new));
    a.iter()
        .filter_map(|(id, ia)| b.get(id).map(|ib| (*ia, *ib)))
        .collect()
}

/// Compares two rule sets: for each scheme id, its latest version on each
/// side (see [`compared_versions`]) by [`compare_scheme_versions`], which both diff
/// modes share; and the facts by name.
pub fn diff_rule_sets(old: &RuleSet, new: &RuleSet) -> Diff {
    let (old_schemes, new_schemes) = (latest(old), latest(new));
    let mut changes = Vec::new();
    let mut compared = Vec::new();
    let ids: BTreeSet<&str> = old_schemes
        .keys()
        .chain(new_schemes.keys())
        .copied()
        .collect();
    for id in ids {
        let a = old_schemes.get(id).and_then(|i| old.schemes.get(*i));
        let b = new_schemes.get(id).and_then(|i| new.schemes.get(*i));
        match (a, b) {
            (Some(a), Some(b)) => {
                compared.push(format!("{} → {}", a.key(), b.key()));
                changes.extend(compare_scheme_versions(old, a, new, b));
            }
            (Some(a), None) => changes.push(Change {
                scheme: a.id.clone(),
                kind: "scheme".into(),
                id: a.key(),
                class: Class::Tightening,
                reason: "scheme removed: no product can reach its levels".into(),
                old: None,
                new: None,
            }),
            (None, Some(b)) => changes.push(Change {
                scheme: b.id.clone(),
                kind: "scheme".into(),
                id: b.key(),
                class: Class::Loosening,
                reason: "scheme added: products can reach its levels".into(),
                old: None,
                new: None,
            }),
            (None, None) => {}
        }
    }
    let mut sink = Sink {
        scheme: "facts",
        changes: Vec::new(),
        facts: None,
    };
    diff_facts(old, new, &mut sink);
    changes.extend(sink.changes);
    finish(compared, changes)
}

/// Compares two versions of one scheme in the same compilation (`--from A
/// --to B`): [`compare_scheme_versions`] with `rules` on both sides.
pub fn diff_versions(rules: &RuleSet, from: &Scheme, to: &Scheme) -> Diff {
    finish(
        vec![format!("{} → {}", from.key(), to.key())],
        compare_scheme_versions(rules, from, rules, to),
    )
}

/// Whether recognition `r` credits scheme version `s` (the one place that
/// decides it, for both diff modes).
fn targets(r: &Recognition, s: &Scheme) -> bool {
    r.targets(s)
}

/// The one comparison both diff modes make: scheme version `a` of `old`
/// with scheme version `b` of `new`, and the recognitions that credit `a` in
/// `old` with those that credit `b` in `new`, keyed by recognition id. A
/// recognition that credits `a` but not `b` is a credit lost (withdrawn, or
/// still pinned to another version), one that credits `b` but not `a` a
/// credit gained; a recognition that credits both (it moved with the
/// version) is compared field by field.
pub fn compare_scheme_versions(
    old: &RuleSet,
    a: &Scheme,
    new: &RuleSet,
    b: &Scheme,
) -> Vec<Change> {
    let facts = (old.facts.as_slice(), new.facts.as_slice());
    let mut sink = Sink {
        scheme: &a.id,
        changes: Vec::new(),
        facts: Some(facts),
    };
    diff_schemes(a, b, &mut sink);
    let (ra, rb) = (crediting(old, a), crediting(new, b));
    let mut changes = sink.changes;
    changes.extend(diff_recognitions(&ra, &rb, a, b, facts));
    changes
}

/// The recognitions that credit scheme version `s` in `rules`, by id.
fn crediting<'r>(rules: &'r RuleSet, s: &Scheme) -> BTreeMap<&'r str, &'r Recognition> {
    rules
        .recognitions
        .iter()
        .filter(|r| targets(r, s))
        .map(|r| (r.id.as_str(), r))
        .collect()
}

fn finish(compared: Vec<String>, mut changes: Vec<Change>) -> Diff {
    changes.sort_by(|a, b| {
        (a.class, &a.scheme, &a.kind, &a.id).cmp(&(b.class, &b.scheme, &b.kind, &b.id))
    });
    Diff {
        format: FORMAT.to_string(),
        compared,
        changes,
        products: None,
    }
}

/// How the categories an `applies_to` covers changed (compared by the ids
/// listed; a category covers its descendants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Wider,
    Narrower,
    Other,
}

impl Scope {
    fn change(old: &AppliesTo, new: &AppliesTo) -> Option<Scope> {
        if old == new {
            return None;
        }
        Some(match (old, new) {
            (AppliesTo::Categories { .. }, AppliesTo::All) => Scope::Wider,
            (AppliesTo::All, AppliesTo::Categories { .. }) => Scope::Narrower,
            (AppliesTo::Categories { ids: old }, AppliesTo::Categories { ids: new }) => {
                let (o, n): (BTreeSet<_>, BTreeSet<_>) =
                    (old.iter().collect(), new.iter().collect());
                if o.is_subset(&n) {
                    Scope::Wider
                } else if n.is_subset(&o) {
                    Scope::Narrower
                } else {
                    Scope::Other
                }
            }
            (AppliesTo::All, AppliesTo::All) => return None,
        })
    }

    /// `verb`: "applies to" (criteria), "covers" (recognitions).
    fn reason(self, verb: &str) -> String {
        let what = match self {
            Scope::Wider => "more categories",
            Scope::Narrower => "fewer categories",
            Scope::Other => "other categories",
        };
        format!("now {verb} {what}")
    }
}
