//! Semantic diff of rule versions: changes keyed by ids (not text), each
//! classified as `tightening` (some product could reach a lower level than
//! before), `loosening` (a higher one), `neutral` (wording, titles,
//! citations) or `mixed` (both, or not decided), with the reason. Both
//! modes (two rule sets, or two versions in one) go through one comparison,
//! [`compare_scheme_versions`]. With products, both versions judge every product,
//! streamed, and the changes of level and of reachable level are counted
//! and the first ones listed with the criteria responsible.

mod condition;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::text::count;

use crate::rules::{
    AppliesTo, AtLeast, Credit, Criterion, Level, Recognition, RecognitionStatus, RuleSet, Scheme,
    Status,
};

pub use condition::{compare_conditions, compare_conditions_in};

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

fn diff_facts(old: &RuleSet, new: &RuleSet, sink: &mut Sink<'_>) {
    let a: BTreeMap<&str, _> = old.facts.iter().map(|f| (f.name.as_str(), f)).collect();
    let b: BTreeMap<&str, _> = new.facts.iter().map(|f| (f.name.as_str(), f)).collect();
    for (name, fa) in &a {
        match b.get(name) {
            None => {
                sink.push(
                    "fact",
                    name,
                    Class::Neutral,
                    "fact removed; conditions that read it are reported where they changed",
                );
            }
            Some(fb) => {
                if fa.ty != fb.ty {
                    let c = sink.push(
                        "fact.type",
                        name,
                        Class::Mixed,
                        "fact type changed: the same product data reads differently",
                    );
                    sink.values(c, &fa.ty, &fb.ty);
                }
                sink.neutral(
                    "fact.description",
                    name,
                    &fa.description,
                    &fb.description,
                    "description",
                );
                sink.neutral("fact.unit", name, &fa.unit, &fb.unit, "unit");
            }
        }
    }
    for name in b.keys().filter(|n| !a.contains_key(*n)) {
        sink.push("fact", name, Class::Neutral, "fact added");
    }
}

fn diff_schemes(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let key = a.key();
    sink.neutral("scheme.version", &key, &a.version, &b.version, "version");
    sink.neutral("scheme.title", &key, &a.title, &b.title, "title");
    sink.neutral(
        "scheme.jurisdiction",
        &key,
        &a.jurisdiction,
        &b.jurisdiction,
        "jurisdiction",
    );
    sink.neutral("scheme.status", &key, &a.status, &b.status, "status");
    sink.neutral("scheme.nature", &key, &a.nature, &b.nature, "nature");
    sink.neutral(
        "scheme.effective",
        &key,
        &a.effective,
        &b.effective,
        "effective date (it decides scope, not levels)",
    );
    let sources = |s: &Scheme| -> BTreeMap<String, serde_json::Value> {
        s.sources
            .iter()
            .map(|x| (x.id.clone(), serde_json::json!({"title": x.title, "document": x.document, "issued": x.issued, "url": x.url})))
            .collect()
    };
    diff_keyed(sink, "scheme.source", &sources(a), &sources(b));
    let authorities = |s: &Scheme| -> BTreeMap<String, serde_json::Value> {
        s.authorities
            .iter()
            .map(|x| {
                (
                    x.id.clone(),
                    serde_json::json!({"title": x.title, "role": x.role, "basis": x.basis}),
                )
            })
            .collect()
    };
    diff_keyed(sink, "scheme.authority", &authorities(a), &authorities(b));
    diff_categories(a, b, sink);
    diff_criteria(a, b, sink);
    diff_levels(a, b, sink);
}

/// Added, removed and changed entries of a neutral keyed list.
fn diff_keyed(
    sink: &mut Sink<'_>,
    kind: &str,
    a: &BTreeMap<String, serde_json::Value>,
    b: &BTreeMap<String, serde_json::Value>,
) {
    for (id, va) in a {
        match b.get(id) {
            None => {
                let c = sink.push(
                    kind,
                    id,
                    Class::Neutral,
                    "removed; no product changes level",
                );
                sink.old(c, Some(va.clone()));
            }
            Some(vb) if va != vb => {
                let c = sink.push(
                    kind,
                    id,
                    Class::Neutral,
                    "changed; no product changes level",
                );
                sink.values(c, va, vb);
            }
            Some(_) => {}
        }
    }
    for (id, vb) in b.iter().filter(|(id, _)| !a.contains_key(*id)) {
        let c = sink.push(kind, id, Class::Neutral, "added; no product changes level");
        sink.new_value(c, Some(vb.clone()));
    }
}

fn diff_categories(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let ca: BTreeMap<&str, _> = a.categories.iter().map(|c| (c.id.as_str(), c)).collect();
    let cb: BTreeMap<&str, _> = b.categories.iter().map(|c| (c.id.as_str(), c)).collect();
    for (id, x) in &ca {
        let Some(y) = cb.get(id) else {
            sink.push(
                "category",
                id,
                Class::Tightening,
                "category taken out of scope: its products can no longer be labelled",
            );
            continue;
        };
        match (&x.effective, &y.effective) {
            (Some(d1), Some(d2)) if d2 < d1 => {
                let c = sink.push(
                    "category.effective",
                    id,
                    Class::Loosening,
                    "category comes into scope earlier",
                );
                sink.values(c, d1, d2);
            }
            (Some(d1), Some(d2)) if d2 > d1 => {
                let c = sink.push(
                    "category.effective",
                    id,
                    Class::Tightening,
                    "category comes into scope later",
                );
                sink.values(c, d1, d2);
            }
            (Some(d1), None) => {
                let c = sink.push(
                    "category.effective",
                    id,
                    Class::Loosening,
                    "category no longer waits for a date",
                );
                sink.values(c, &Some(d1), &None::<String>);
            }
            (None, Some(d2)) => {
                let c = sink.push(
                    "category.effective",
                    id,
                    Class::Tightening,
                    "category now takes effect only from a date",
                );
                sink.values(c, &None::<String>, &Some(d2));
            }
            _ => {}
        }
        sink.neutral("category.title", id, &x.title, &y.title, "title");
        sink.neutral("category.parent", id, &x.parent, &y.parent, "parent");
        sink.neutral("category.phase", id, &x.phase, &y.phase, "phase");
        match (&x.excluded, &y.excluded) {
            (None, Some(_)) => {
                let c = sink.push(
                    "category.excluded",
                    id,
                    Class::Tightening,
                    "category excluded: its products reach no level",
                );
                sink.values(c, &x.excluded, &y.excluded);
            }
            (Some(_), None) => {
                let c = sink.push(
                    "category.excluded",
                    id,
                    Class::Loosening,
                    "category no longer excluded: its products are judged",
                );
                sink.values(c, &x.excluded, &y.excluded);
            }
            _ => sink.neutral(
                "category.excluded",
                id,
                &x.excluded,
                &y.excluded,
                "reason for the exclusion",
            ),
        }
        sink.neutral("category.status", id, &x.status, &y.status, "status");
        sink.neutral("category.basis", id, &x.basis, &y.basis, "basis");
        match (&x.grouping, &y.grouping) {
            (None, Some(_)) => {
                let c = sink.push(
                    "category.grouping",
                    id,
                    Class::Tightening,
                    "now only a grouping: products of the category itself reach no level",
                );
                sink.values(c, &x.grouping, &y.grouping);
            }
            (Some(_), None) => {
                let c = sink.push(
                    "category.grouping",
                    id,
                    Class::Loosening,
                    "no longer only a grouping: products of the category itself are judged",
                );
                sink.values(c, &x.grouping, &y.grouping);
            }
            _ => sink.neutral(
                "category.grouping",
                id,
                &x.grouping,
                &y.grouping,
                "reason for the grouping",
            ),
        }
    }
    for id in cb.keys().filter(|id| !ca.contains_key(*id)) {
        sink.push(
            "category",
            id,
            Class::Loosening,
            "category brought into scope: its products can now be labelled",
        );
    }
}

/// Criteria some level requires.
fn in_levels(s: &Scheme) -> BTreeSet<&str> {
    s.levels
        .iter()
        .flat_map(|l| {
            l.requires_all
                .iter()
                .chain(l.at_least_all.iter().flat_map(|g| g.of.iter()))
        })
        .map(String::as_str)
        .collect()
}

fn diff_criteria(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let ca: BTreeMap<&str, &Criterion> = a.criteria.iter().map(|c| (c.id.as_str(), c)).collect();
    let cb: BTreeMap<&str, &Criterion> = b.criteria.iter().map(|c| (c.id.as_str(), c)).collect();
    // New criteria that say which old id they were.
    let renamed = renames(a, b);
    let (la, lb) = (in_levels(a), in_levels(b));
    for (id, x) in &ca {
        let Some(y) = cb
            .get(id)
            .or_else(|| renamed.get(id).and_then(|n| cb.get(n)))
        else {
            // A removed criterion a level required shows as `level.requires` (loosening).
            let reason = if la.contains(id) {
                "criterion removed (see its `level.requires` change)"
            } else {
                "criterion removed; no level required it"
            };
            sink.push("criterion", id, Class::Neutral, reason);
            continue;
        };
        if y.id != x.id {
            let c = sink.push(
                "criterion.id",
                id,
                Class::Neutral,
                format!("renamed to `{}` (`renamed_from`)", y.id),
            );
            sink.values(c, &x.id, &y.id);
        }
        diff_criterion(x, y, sink);
    }
    for (id, y) in &cb {
        if ca.contains_key(id)
            || y.renamed_from
                .as_deref()
                .is_some_and(|old| renamed.get(old) == Some(id))
        {
            continue;
        }
        // An added criterion a level requires shows as `level.requires` (tightening).
        let reason = if lb.contains(id) {
            "criterion added (see its `level.requires` change)"
        } else {
            "criterion added; no level requires it"
        };
        sink.push("criterion", id, Class::Neutral, reason);
    }
}

fn diff_criterion(x: &Criterion, y: &Criterion, sink: &mut Sink<'_>) {
    let id = y.id.as_str();
    sink.neutral("criterion.title", id, &x.title, &y.title, "title");
    sink.neutral(
        "criterion.citation",
        id,
        &x.citation,
        &y.citation,
        "citation",
    );
    sink.neutral(
        "criterion.method",
        id,
        &x.method,
        &y.method,
        "assessment method",
    );
    sink.neutral(
        "criterion.evidence",
        id,
        &x.evidence,
        &y.evidence,
        "evidence",
    );
    sink.neutral("criterion.basis", id, &x.basis, &y.basis, "basis");
    sink.neutral(
        "criterion.valid_until_basis",
        id,
        &x.valid_until_basis,
        &y.valid_until_basis,
        "basis of the end date",
    );
    if let Some(scope) = Scope::change(&x.applies_to, &y.applies_to) {
        // A criterion that applies to more products can fail for more of them.
        let class = match scope {
            Scope::Wider => Class::Tightening,
            Scope::Narrower => Class::Loosening,
            Scope::Other => Class::Mixed,
        };
        let c = sink.push(
            "criterion.applies_to",
            id,
            class,
            scope.reason("applies to"),
        );
        sink.values(c, &x.applies_to, &y.applies_to);
    }
    if x.status != y.status {
        let reason = match (&x.status, &y.status) {
            (Status::Pending { .. }, Status::Confirmed) => {
                "confirmed: its outcome is now decided by its condition"
            }
            (Status::Confirmed, Status::Pending { .. }) => {
                "now pending: the published text leaves it open"
            }
            _ => "pending reason changed",
        };
        let class = if matches!(
            (&x.status, &y.status),
            (Status::Pending { .. }, Status::Pending { .. })
        ) {
            Class::Neutral
        } else {
            Class::Mixed
        };
        let c = sink.push("criterion.status", id, class, reason);
        sink.values(c, &x.status, &y.status);
    }
    // Validity: a criterion that applies on fewer dates is looser.
    match (&x.valid_from, &y.valid_from) {
        (a, b) if a == b => {}
        (Some(a), Some(b)) if b > a => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Loosening,
            "applies from a later date",
            a,
            b,
        ),
        (Some(a), Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Tightening,
            "applies from an earlier date",
            a,
            b,
        ),
        (None, Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Loosening,
            "now applies only from a date",
            "",
            b,
        ),
        (Some(a), None) => date_change(
            sink,
            id,
            "criterion.valid_from",
            Class::Tightening,
            "no longer waits for a date",
            a,
            "",
        ),
        (None, None) => {}
    }
    match (&x.valid_until, &y.valid_until) {
        (a, b) if a == b => {}
        (Some(a), Some(b)) if b < a => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Loosening,
            "stops applying earlier",
            a,
            b,
        ),
        (Some(a), Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Tightening,
            "applies until a later date",
            a,
            b,
        ),
        (None, Some(b)) => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Loosening,
            "now stops applying at a date",
            "",
            b,
        ),
        (Some(a), None) => date_change(
            sink,
            id,
            "criterion.valid_until",
            Class::Tightening,
            "no longer stops applying",
            a,
            "",
        ),
        (None, None) => {}
    }
    match (&x.condition, &y.condition) {
        (Some(a), Some(b)) => {
            if let Some((class, reason)) = compare_conditions_in(a, b, sink.facts) {
                let c = sink.push("criterion.condition", id, class, reason);
                sink.old(c, Some(serde_json::Value::String(a.text().to_string())));
                sink.new_value(c, Some(serde_json::Value::String(b.text().to_string())));
            }
        }
        (None, Some(b)) => {
            let c = sink.push(
                "criterion.condition",
                id,
                Class::Mixed,
                "a condition is now given",
            );
            sink.new_value(c, Some(serde_json::Value::String(b.text().to_string())));
        }
        (Some(a), None) => {
            let c = sink.push(
                "criterion.condition",
                id,
                Class::Mixed,
                "the condition was removed",
            );
            sink.old(c, Some(serde_json::Value::String(a.text().to_string())));
        }
        (None, None) => {}
    }
}

fn date_change(
    sink: &mut Sink<'_>,
    id: &str,
    kind: &str,
    class: Class,
    reason: &str,
    old: &str,
    new: &str,
) {
    let c = sink.push(kind, id, class, reason);
    sink.old(
        c,
        (!old.is_empty()).then(|| serde_json::Value::String(old.to_string())),
    );
    sink.new_value(
        c,
        (!new.is_empty()).then(|| serde_json::Value::String(new.to_string())),
    );
}

fn diff_levels(a: &Scheme, b: &Scheme, sink: &mut Sink<'_>) {
    let la: BTreeMap<i64, &Level> = a.levels.iter().map(|l| (l.rank, l)).collect();
    let lb: BTreeMap<i64, &Level> = b.levels.iter().map(|l| (l.rank, l)).collect();
    for (rank, x) in &la {
        let id = rank.to_string();
        let Some(y) = lb.get(rank) else {
            sink.push(
                "level",
                &id,
                Class::Tightening,
                "level removed: no product can reach it any more",
            );
            continue;
        };
        sink.neutral("level.title", &id, &x.title, &y.title, "title");
        sink.neutral("level.status", &id, &x.status, &y.status, "status");
        sink.neutral(
            "level.require_basis",
            &id,
            &x.require_basis,
            &y.require_basis,
            "basis of its criteria's places",
        );
        diff_groups(sink, *rank, &x.at_least_all, &y.at_least_all);
    }
    for rank in lb.keys().filter(|r| !la.contains_key(*r)) {
        sink.push(
            "level",
            &rank.to_string(),
            Class::Loosening,
            "level added: products can reach a new level",
        );
    }
    // Membership, reported once per criterion at the lowest level that requires it
    // (levels are cumulative, so the levels above follow). Old ids are read
    // through `renamed_from`, so a marked rename moves nothing.
    let renames = renames(a, b);
    let fa: BTreeMap<&str, i64> = lowest_level(a)
        .into_iter()
        .map(|(id, level)| (renames.get(id).copied().unwrap_or(id), level))
        .collect();
    let fb = lowest_level(b);
    let ids: BTreeSet<&str> = fa.keys().chain(fb.keys()).copied().collect();
    for id in ids {
        let (class, reason) = match (fa.get(id), fb.get(id)) {
            (None, Some(n)) => (Class::Tightening, format!("now required from level {n}")),
            (Some(o), None) => (
                Class::Loosening,
                format!("no longer required (was from level {o})"),
            ),
            (Some(o), Some(n)) if n < o => (
                Class::Tightening,
                format!("required from level {n} instead of {o}"),
            ),
            (Some(o), Some(n)) if n > o => (
                Class::Loosening,
                format!("required from level {n} instead of {o}"),
            ),
            _ => continue,
        };
        let c = sink.push("level.requires", id, class, reason);
        sink.values(c, &fa.get(id), &fb.get(id));
    }
}

/// Old id → new id, for the criteria of `b` marked `renamed_from` an id of `a`.
fn renames<'s>(a: &'s Scheme, b: &'s Scheme) -> BTreeMap<&'s str, &'s str> {
    let old: BTreeSet<&str> = a.criteria.iter().map(|c| c.id.as_str()).collect();
    let new: BTreeSet<&str> = b.criteria.iter().map(|c| c.id.as_str()).collect();
    b.criteria
        .iter()
        .filter_map(|c| {
            let from = c.renamed_from.as_deref()?;
            (old.contains(from) && !new.contains(from)).then_some((from, c.id.as_str()))
        })
        .collect()
}

/// Each required criterion and the lowest level that requires it.
fn lowest_level(s: &Scheme) -> BTreeMap<&str, i64> {
    let mut out = BTreeMap::new();
    let mut levels: Vec<&Level> = s.levels.iter().collect();
    levels.sort_by_key(|l| l.rank);
    for level in levels {
        for id in &level.requires_all {
            out.entry(id.as_str()).or_insert(level.rank);
        }
    }
    out
}

fn diff_groups(sink: &mut Sink<'_>, rank: i64, a: &[AtLeast], b: &[AtLeast]) {
    let id = rank.to_string();
    let members = |g: &AtLeast| -> BTreeSet<String> { g.of.iter().cloned().collect() };
    let mut unmatched_new: Vec<&AtLeast> = b.iter().filter(|g| !a.contains(g)).collect();
    for old in a.iter().filter(|g| !b.contains(g)) {
        // The same members with another k?
        if let Some(pos) = unmatched_new
            .iter()
            .position(|g| members(g) == members(old))
        {
            let new = unmatched_new.remove(pos);
            let (class, reason) = if new.k > old.k {
                (
                    Class::Tightening,
                    format!(
                        "level {rank}: at least {} of {} instead of {}",
                        new.k,
                        new.of.len(),
                        old.k
                    ),
                )
            } else {
                (
                    Class::Loosening,
                    format!(
                        "level {rank}: at least {} of {} instead of {}",
                        new.k,
                        new.of.len(),
                        old.k
                    ),
                )
            };
            let c = sink.push("level.at_least", &id, class, reason);
            sink.values(c, old, new);
        } else {
            let c = sink.push(
                "level.at_least",
                &id,
                Class::Loosening,
                format!("level {rank}: an at-least group removed"),
            );
            sink.old(c, serde_json::to_value(old).ok());
        }
    }
    for new in unmatched_new {
        let c = sink.push(
            "level.at_least",
            &id,
            Class::Tightening,
            format!("level {rank}: an at-least group added"),
        );
        sink.new_value(c, serde_json::to_value(new).ok());
    }
}

fn credit_rank(c: Credit) -> u8 {
    match c {
        Credit::None => 0,
        Credit::Partial => 1,
        Credit::Full => 2,
    }
}

/// Whether a recognition of this status credits anything in evaluation.
fn credits(status: RecognitionStatus) -> bool {
    status != RecognitionStatus::Proposed
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

/// Why a recognition credits `this` version and not `other`: `lost` or
/// `gained`.
fn moved(this: &Scheme, other: &Scheme, what: &str) -> String {
    let (this, other) = (this.key(), other.key());
    let why = if what == "lost" { "withdrawn" } else { "added" };
    if this == other {
        format!("recognition {why}: a credit {what}")
    } else {
        format!("recognition credits `{this}` but not `{other}`: a credit {what}")
    }
}

/// Compares the recognitions that credit `sa` (`a`, by id) with those that
/// credit `sb` (`b`).
fn diff_recognitions(
    a: &BTreeMap<&str, &Recognition>,
    b: &BTreeMap<&str, &Recognition>,
    sa: &Scheme,
    sb: &Scheme,
    facts: (&[crate::rules::Fact], &[crate::rules::Fact]),
) -> Vec<Change> {
    let mut out = Vec::new();
    for (key, x) in a {
        let mut sink = Sink {
            scheme: &x.to.scheme,
            changes: Vec::new(),
            facts: Some(facts),
        };
        let Some(y) = b.get(key) else {
            let class = if credits(x.status) && x.credit != Credit::None {
                Class::Tightening
            } else {
                Class::Neutral
            };
            let c = sink.push("recognition", &x.id, class, moved(sa, sb, "lost"));
            sink.old(c, serde_json::to_value(&x.to).ok());
            out.extend(sink.changes);
            continue;
        };
        let id = y.id.as_str();
        if credit_rank(y.credit) != credit_rank(x.credit) {
            let class = if credit_rank(y.credit) > credit_rank(x.credit) {
                Class::Loosening
            } else {
                Class::Tightening
            };
            let c = sink.push("recognition.credit", id, class, "credit changed");
            sink.values(c, &x.credit, &y.credit);
        }
        if credits(x.status) != credits(y.status) {
            let class = if credits(y.status) {
                Class::Loosening
            } else {
                Class::Tightening
            };
            let c = sink.push(
                "recognition.status",
                id,
                class,
                "whether it is in force changed",
            );
            sink.values(c, &x.status, &y.status);
        } else {
            sink.neutral("recognition.status", id, &x.status, &y.status, "status");
        }
        if x.from != y.from {
            // Holding a higher level of the source scheme is harder to show.
            let class = match (x.from.level, y.from.level) {
                (Some(l1), Some(l2))
                    if x.from.scheme == y.from.scheme && x.from.version == y.from.version =>
                {
                    if l2 > l1 {
                        Class::Tightening
                    } else {
                        Class::Loosening
                    }
                }
                _ => Class::Mixed,
            };
            let c = sink.push(
                "recognition.from",
                id,
                class,
                "what the recognition accepts changed",
            );
            sink.values(c, &x.from, &y.from);
        }
        sink.neutral(
            "recognition.relationship",
            id,
            &x.relationship,
            &y.relationship,
            "relationship",
        );
        sink.neutral("recognition.source", id, &x.source, &y.source, "source");
        sink.neutral("recognition.basis", id, &x.basis, &y.basis, "basis");
        if x.except != y.except {
            let (ea, eb): (BTreeSet<&String>, BTreeSet<&String>) =
                (x.except.iter().collect(), y.except.iter().collect());
            // Leaving more categories out credits fewer products.
            let class = if ea.is_subset(&eb) {
                Class::Tightening
            } else if eb.is_subset(&ea) {
                Class::Loosening
            } else {
                Class::Mixed
            };
            let c = sink.push(
                "recognition.except",
                id,
                class,
                "the categories it leaves out changed",
            );
            sink.values(c, &x.except, &y.except);
        }
        sink.neutral(
            "recognition.valid_until_basis",
            id,
            &x.valid_until_basis,
            &y.valid_until_basis,
            "basis of the end date",
        );
        sink.neutral(
            "recognition.verify",
            id,
            &x.verify,
            &y.verify,
            "what to verify",
        );
        let (ca, cb): (BTreeSet<&String>, BTreeSet<&String>) =
            (x.credits.iter().collect(), y.credits.iter().collect());
        for added in cb.difference(&ca) {
            let c = sink.push(
                "recognition.credits",
                id,
                Class::Loosening,
                format!("now credits `{added}`"),
            );
            sink.new_value(c, Some(serde_json::Value::String((*added).clone())));
        }
        for removed in ca.difference(&cb) {
            let c = sink.push(
                "recognition.credits",
                id,
                Class::Tightening,
                format!("no longer credits `{removed}`"),
            );
            sink.old(c, Some(serde_json::Value::String((*removed).clone())));
        }
        if let Some(scope) = Scope::change(&x.applies_to, &y.applies_to) {
            // Credit for more categories can only raise a product's level.
            let class = match scope {
                Scope::Wider => Class::Loosening,
                Scope::Narrower => Class::Tightening,
                Scope::Other => Class::Mixed,
            };
            let c = sink.push("recognition.applies_to", id, class, scope.reason("covers"));
            sink.values(c, &x.applies_to, &y.applies_to);
        }
        if x.valid_from != y.valid_from || x.valid_until != y.valid_until {
            let c = sink.push(
                "recognition.validity",
                id,
                Class::Mixed,
                "validity dates changed: earlier or later credit, by date",
            );
            sink.values(
                c,
                &(&x.valid_from, &x.valid_until),
                &(&y.valid_from, &y.valid_until),
            );
        }
        match (&x.condition, &y.condition) {
            (Some(p), Some(q)) => {
                if let Some((class, reason)) = compare_conditions_in(p, q, sink.facts) {
                    // A stricter condition for a credit is a tightening of the scheme.
                    sink.push(
                        "recognition.condition",
                        id,
                        class,
                        format!("condition for the credit: {reason}"),
                    );
                }
            }
            (None, Some(_)) => {
                sink.push(
                    "recognition.condition",
                    id,
                    Class::Tightening,
                    "the credit now has a condition",
                );
            }
            (Some(_), None) => {
                sink.push(
                    "recognition.condition",
                    id,
                    Class::Loosening,
                    "the credit no longer has a condition",
                );
            }
            (None, None) => {}
        }
        out.extend(sink.changes);
    }
    for y in b
        .iter()
        .filter(|(k, _)| !a.contains_key(*k))
        .map(|(_, y)| y)
    {
        let class = if credits(y.status) && y.credit != Credit::None {
            Class::Loosening
        } else {
            Class::Neutral
        };
        out.push(Change {
            scheme: y.to.scheme.clone(),
            kind: "recognition".into(),
            id: y.id.clone(),
            class,
            reason: moved(sb, sa, "gained"),
            old: None,
            new: serde_json::to_value(&y.to).ok(),
        });
    }
    out
}

/// Judges every product of `input` (JSON Lines, the eval format) under
/// both versions of each compared scheme, one line at a time as it is read:
/// nothing but the counts and the first [`LISTED`] changes and errors is kept,
/// so memory stays flat. A product that names no category for a scheme is
/// not judged against it. `progress` is called with the number of lines
/// read after each line.
pub fn compare_products(
    pairs: &[(crate::eval::Program<'_>, crate::eval::Program<'_>)],
    input: &mut dyn std::io::BufRead,
    progress: &mut dyn FnMut(usize),
) -> std::io::Result<Products> {
    let mut products = Products::default();
    let mut bytes = Vec::with_capacity(4096);
    let mut number = 0;
    loop {
        let read = crate::limited::read_line(input, &mut bytes)?;
        if read == crate::limited::Line::End {
            return Ok(products);
        }
        number += 1;
        let text = match read {
            crate::limited::Line::TooLong(length) => Err(crate::limited::line_too_long(length)),
            _ => std::str::from_utf8(&bytes)
                .map_err(|e| format!("the line is not UTF-8 (byte {})", e.valid_up_to())),
        };
        match text {
            Ok(line) if line.trim().is_empty() => {}
            Ok(line) => {
                let mut judged = false;
                for (old, new) in pairs {
                    judged |= compare_line(&mut products, old, new, number, line);
                }
                if !judged && !pairs.is_empty() {
                    products.unjudged_lines += 1;
                }
            }
            Err(message) => {
                products.unjudged_lines += 1;
                error(&mut products, number, &format!(": {message}"));
            }
        }
        progress(number);
    }
}

fn error(products: &mut Products, line: usize, message: &str) {
    products.error_count += 1;
    if products.errors.len() < LISTED {
        products.errors.push(format!("line {line}{message}"));
    }
}

/// Judges one line under both versions of one scheme and counts the change;
/// `false` when the line could not be read for this scheme (an error).
fn compare_line(
    products: &mut Products,
    old: &crate::eval::Program<'_>,
    new: &crate::eval::Program<'_>,
    number: usize,
    line: &str,
) -> bool {
    // The old version first: a product naming no category for the scheme
    // is out of its scope (not an error), and is not read a second time.
    let judged = old.evaluate_json_with(line, false).and_then(|a| {
        if a.category.is_none() {
            return Ok(None);
        }
        Ok(Some((a, new.evaluate_json_with(line, false)?)))
    });
    let (a, b) = match judged {
        Ok(Some(both)) => both,
        Ok(None) => return true,
        Err(e) => {
            let product = crate::eval::line_id(line)
                .map(|id| format!(" (`{id}`)"))
                .unwrap_or_default();
            error(products, number, &format!("{product}: {}", e.0));
            return false;
        }
    };
    products.evaluated += 1;
    let name = |l: Option<i64>| l.map_or("none".to_string(), |l| l.to_string());
    let scheme = &new.scheme.id;
    if a.level != b.level {
        products.level_changed += 1;
        *products
            .level_transitions
            .entry(format!("{scheme}: {} → {}", name(a.level), name(b.level)))
            .or_default() += 1;
    }
    if a.reachable != b.reachable {
        products.reachable_changed += 1;
        *products
            .reachable_transitions
            .entry(format!(
                "{scheme}: {} → {}",
                name(a.reachable),
                name(b.reachable)
            ))
            .or_default() += 1;
    }
    if a.level == b.level && a.reachable == b.reachable {
        return true;
    }
    if products.changed.len() >= LISTED {
        products.changed_not_listed += 1;
        return true;
    }
    // Judged again, with every criterion, only for the products listed.
    let criteria = match (
        old.evaluate_json_with(line, true),
        new.evaluate_json_with(line, true),
    ) {
        (Ok(a), Ok(b)) => criteria_changes(&a, &b),
        _ => Vec::new(),
    };
    let rests_on = |o: &crate::eval::Outcome<'_>| {
        o.level_rests_on
            .as_ref()
            .map(|r| r.phrase())
            .filter(|p| !p.is_empty())
    };
    products.changed.push(ProductChange {
        id: b.id.clone(),
        line: number,
        scheme: scheme.clone(),
        old_level: a.level,
        new_level: b.level,
        old_reachable: a.reachable,
        new_reachable: b.reachable,
        criteria,
        old_level_rests_on: rests_on(&a),
        new_level_rests_on: rests_on(&b),
    });
    true
}

/// The criteria whose outcome differs between two judgements, `ID: old → new`.
fn criteria_changes(a: &crate::eval::Outcome<'_>, b: &crate::eval::Outcome<'_>) -> Vec<String> {
    let before: BTreeMap<&str, crate::eval::Verdict> = a
        .criteria
        .iter()
        .flatten()
        .map(|c| (c.id, c.outcome))
        .collect();
    let mut criteria = Vec::new();
    for c in b.criteria.iter().flatten() {
        match before.get(c.id) {
            Some(v) if *v == c.outcome => {}
            Some(v) => criteria.push(format!("{}: {} → {}", c.id, v.word(), c.outcome.word())),
            None => criteria.push(format!("{}: new, {}", c.id, c.outcome.word())),
        }
    }
    let after: BTreeSet<&str> = b.criteria.iter().flatten().map(|c| c.id).collect();
    for (id, v) in &before {
        if !after.contains(id) {
            criteria.push(format!("{id}: {} → removed", v.word()));
        }
    }
    criteria
}

/// A changed value for a person: a string as it is, other values as compact
/// JSON, each in backticks; `(none)` when the side has none.
fn human_value(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "(none)".to_string(),
        Some(serde_json::Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("`{other}`"),
    }
}

/// The diff for a person: grouped by scheme and class, most severe first.
pub fn render_human(diff: &Diff) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    // Schemes with changes are named one a line; the others in one line.
    let changed: BTreeSet<&str> = diff.changes.iter().map(|c| c.scheme.as_str()).collect();
    let (with_changes, unchanged): (Vec<&String>, Vec<&String>) =
        diff.compared.iter().partition(|compared| {
            let id = compared
                .split_once('@')
                .map_or(compared.as_str(), |(id, _)| id);
            changed.contains(id)
        });
    for compared in with_changes {
        let _ = writeln!(out, "compared {compared}");
    }
    if !unchanged.is_empty() {
        let list: Vec<&str> = unchanged.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            out,
            "unchanged: {} ({})",
            count(unchanged.len(), "scheme", "schemes"),
            list.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "{} tightening, {} mixed, {} loosening, {} neutral",
        diff.count(Class::Tightening),
        diff.count(Class::Mixed),
        diff.count(Class::Loosening),
        diff.count(Class::Neutral)
    );
    let schemes: BTreeSet<&str> = diff.changes.iter().map(|c| c.scheme.as_str()).collect();
    for scheme in schemes {
        let _ = writeln!(out, "\n{scheme}");
        for class in [
            Class::Tightening,
            Class::Mixed,
            Class::Loosening,
            Class::Neutral,
        ] {
            let changes: Vec<&Change> = diff
                .changes
                .iter()
                .filter(|c| c.scheme == scheme && c.class == class)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {}", class.word());
            for c in changes {
                let _ = writeln!(out, "    {} {}: {}", c.kind, c.id, c.reason);
                if c.old.is_some() || c.new.is_some() {
                    let _ = writeln!(
                        out,
                        "      {} → {}",
                        human_value(c.old.as_ref()),
                        human_value(c.new.as_ref())
                    );
                }
            }
        }
    }
    if let Some(p) = &diff.products {
        let _ = writeln!(
            out,
            "\nproducts: {}; {} change level, {} change reachable; {}",
            count(p.evaluated, "judgement", "judgements"),
            p.level_changed,
            p.reachable_changed,
            count(p.error_count, "error", "errors")
        );
        let level = |l: Option<i64>| l.map_or("none".to_string(), |l| l.to_string());
        for c in &p.changed {
            let _ = write!(
                out,
                "  {} ({}, line {}): level {} → {}, reachable {} → {}",
                c.id,
                c.scheme,
                c.line,
                level(c.old_level),
                level(c.new_level),
                level(c.old_reachable),
                level(c.new_reachable)
            );
            if !c.criteria.is_empty() {
                let _ = write!(out, "; {}", c.criteria.join(", "));
            }
            for (when, rests) in [
                ("old", &c.old_level_rests_on),
                ("new", &c.new_level_rests_on),
            ] {
                if let Some(rests) = rests {
                    let _ = write!(out, " ({when} level {rests})");
                }
            }
            let _ = writeln!(out);
        }
        if p.changed_not_listed > 0 {
            let _ = writeln!(
                out,
                "  … and {} more, counted but not listed",
                count(
                    p.changed_not_listed,
                    "changed judgement",
                    "changed judgements"
                )
            );
        }
        for (t, n) in &p.level_transitions {
            let _ = writeln!(out, "  level {t}: {n}");
        }
        for (t, n) in &p.reachable_transitions {
            let _ = writeln!(out, "  reachable {t}: {n}");
        }
        for e in &p.errors {
            let _ = writeln!(out, "  error: {e}");
        }
        if p.error_count > p.errors.len() {
            let _ = writeln!(
                out,
                "  … and {} more",
                count(p.error_count - p.errors.len(), "error", "errors")
            );
        }
    }
    out
}
