//! Judging one product: criteria lazily, levels cumulatively with early
//! exit, explanations only for what is reported.

use super::product::{Record, Val};
use super::program::{CompiledCriterion, CompiledRecognition, Kind, Node, OTHER, Program};
use super::report::{
    CriterionResult, GroupResult, Leaf, NextLevel, Outcome, RestsOn, Truth, Verdict,
};
use super::{ProductError, split_holding};
use crate::rules::{Comparison, Credit, Status};

fn compare<T: PartialOrd>(a: &T, c: Comparison, b: &T) -> bool {
    match c {
        Comparison::Eq => a == b,
        Comparison::Ne => a != b,
        Comparison::Lt => a < b,
        Comparison::Le => a <= b,
        Comparison::Gt => a > b,
        Comparison::Ge => a >= b,
    }
}

/// Evaluates a node. A missing fact makes its predicate unknown.
pub fn eval(node: &Node<'_>, record: &Record<'_>) -> Truth {
    match &node.kind {
        Kind::And(items) => {
            let mut acc = Truth::True;
            for item in items {
                acc = acc.and(operand(item, record));
                if acc == Truth::False {
                    break;
                }
            }
            acc
        }
        Kind::Or(items) => {
            let mut acc = Truth::False;
            for item in items {
                acc = acc.or(operand(item, record));
                if acc == Truth::True {
                    break;
                }
            }
            acc
        }
        Kind::Not(inner) => operand(inner, record).not(),
        _ => predicate(node, record),
    }
}

/// An operand of `and`, `or` or `not`: most are predicates, judged here
/// without the recursive call (and its frame) that `eval` needs.
#[inline(always)]
fn operand(node: &Node<'_>, record: &Record<'_>) -> Truth {
    match &node.kind {
        Kind::And(_) | Kind::Or(_) | Kind::Not(_) => eval(node, record),
        _ => predicate(node, record),
    }
}

/// A predicate over one fact (`and`, `or` and `not` go to [`eval`]).
#[inline(always)]
fn predicate(node: &Node<'_>, record: &Record<'_>) -> Truth {
    let get = |slot: &u32| record.values.get(*slot as usize).unwrap_or(&Val::Missing);
    let known = |b: Option<bool>| b.map_or(Truth::Unknown, Truth::from_bool);
    match &node.kind {
        Kind::And(_) | Kind::Or(_) | Kind::Not(_) => eval(node, record),
        Kind::IsTrue(slot) => known(match get(slot) {
            Val::Bool(b) => Some(*b),
            _ => None,
        }),
        Kind::Present(slot) => Truth::from_bool(!matches!(get(slot), Val::Missing)),
        Kind::Bool(slot, eq, value) => known(match get(slot) {
            Val::Bool(b) => Some((b == value) == *eq),
            _ => None,
        }),
        Kind::Int(slot, c, value) => known(match get(slot) {
            Val::Int(i) => Some(compare(i, *c, value)),
            Val::Number(n) => Some(compare(n, *c, &(*value as f64))),
            _ => None,
        }),
        Kind::Number(slot, c, value) => known(match get(slot) {
            Val::Int(i) => Some(compare(&(*i as f64), *c, value)),
            Val::Number(n) => Some(compare(n, *c, value)),
            _ => None,
        }),
        Kind::Str(slot, eq, value) => known(match get(slot) {
            Val::Str(id, _) => Some((id == value && *id != OTHER) == *eq),
            _ => None,
        }),
        Kind::Enum(slot, eq, value) => known(match get(slot) {
            Val::Enum(v) => Some((v == value) == *eq),
            _ => None,
        }),
        Kind::Date(slot, c, value) => known(match get(slot) {
            Val::Date(d) => Some(compare(d, *c, value)),
            _ => None,
        }),
        Kind::InStr(slot, negated, list) => known(match get(slot) {
            Val::Str(id, _) => Some(list.contains(*id) != *negated),
            _ => None,
        }),
        Kind::InEnum(slot, negated, list) => known(match get(slot) {
            Val::Enum(v) => Some(list.contains(v) != *negated),
            _ => None,
        }),
        Kind::InNumber(slot, negated, list) => known(match get(slot) {
            Val::Int(i) => Some(list.contains(&(*i as f64)) != *negated),
            Val::Number(n) => Some(list.contains(n) != *negated),
            _ => None,
        }),
        Kind::InDate(slot, negated, list) => known(match get(slot) {
            Val::Date(d) => Some(list.contains(d) != *negated),
            _ => None,
        }),
        Kind::InBool(slot, negated, list) => known(match get(slot) {
            Val::Bool(b) => Some(list.contains(b) != *negated),
            _ => None,
        }),
        Kind::Contains(slot, value) => known(match get(slot) {
            Val::Set(start, len) => {
                Some(*value != OTHER && record.set(*start, *len).iter().any(|(id, _)| id == value))
            }
            _ => None,
        }),
        // A product string no condition mentions ([`OTHER`]) is in no list.
        Kind::Subset(slot, list) => known(match get(slot) {
            Val::Set(start, len) => Some(
                record
                    .set(*start, *len)
                    .iter()
                    .all(|(id, _)| list.contains(*id)),
            ),
            _ => None,
        }),
        Kind::Superset(slot, list) => known(match get(slot) {
            Val::Set(start, len) => {
                let set = record.set(*start, *len);
                Some(
                    list.iter()
                        .all(|v| *v != OTHER && set.iter().any(|(id, _)| id == v)),
                )
            }
            _ => None,
        }),
        Kind::Between(slot, lo, hi) => known(match get(slot) {
            Val::Date(d) => Some(lo <= d && d <= hi),
            _ => None,
        }),
    }
}

/// The slot a leaf reads.
fn leaf_slot(kind: &Kind<'_>) -> Option<u32> {
    match kind {
        Kind::And(_) | Kind::Or(_) | Kind::Not(_) => None,
        Kind::IsTrue(s)
        | Kind::Present(s)
        | Kind::Bool(s, ..)
        | Kind::Int(s, ..)
        | Kind::Number(s, ..)
        | Kind::Str(s, ..)
        | Kind::Enum(s, ..)
        | Kind::Date(s, ..)
        | Kind::InStr(s, ..)
        | Kind::InEnum(s, ..)
        | Kind::InNumber(s, ..)
        | Kind::InDate(s, ..)
        | Kind::InBool(s, ..)
        | Kind::Contains(s, ..)
        | Kind::Subset(s, ..)
        | Kind::Superset(s, ..)
        | Kind::Between(s, ..) => Some(*s),
    }
}

impl CompiledRecognition<'_> {
    /// Whether the product holds what the recognition starts from: its
    /// level or a higher one, or its criterion.
    pub(crate) fn is_held(&self, record: &Record<'_>) -> bool {
        let from = &self.recognition.from;
        record.holds.iter().any(|h| {
            let Some((scheme, version, what)) = split_holding(h) else {
                return false;
            };
            if scheme != from.scheme || version.is_some_and(|v| v != from.version) {
                return false;
            }
            match (&from.level, &from.criterion) {
                (Some(level), _) => what.parse::<i64>().is_ok_and(|held| held >= *level),
                (None, Some(criterion)) => what == criterion,
                (None, None) => false,
            }
        })
    }

    /// Whether the arrangement covers products of `category` (`applies_to`).
    pub(crate) fn covers(&self, category: u32) -> bool {
        self.applies
            .as_ref()
            .is_none_or(|covered| covered.get(category as usize).copied().unwrap_or(false))
    }
}

/// At most this many deciding sub-expressions are reported per criterion.
const MAX_LEAVES: usize = 16;

impl<'r> Program<'r> {
    fn value_json(&self, slot: u32, value: &Val<'_>, record: &Record<'_>) -> serde_json::Value {
        match value {
            Val::Missing => serde_json::Value::Null,
            Val::Bool(b) => (*b).into(),
            Val::Int(i) => (*i).into(),
            Val::Number(n) => {
                serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into)
            }
            Val::Str(_, s) => s.as_ref().into(),
            Val::Date(d) => d.to_string().into(),
            Val::Set(start, len) => record
                .set(*start, *len)
                .iter()
                .map(|(_, s)| serde_json::Value::from(s.as_ref()))
                .collect(),
            Val::Enum(i) => self
                .slots
                .get(slot as usize)
                .and_then(|s| s.value_names.get(*i as usize))
                .map_or(serde_json::Value::Null, |v| (*v).into()),
        }
    }

    /// The sub-expressions that gave `node` its value.
    fn explain(&self, node: &Node<'r>, values: &Record<'_>, out: &mut Vec<Leaf<'r>>) {
        if out.len() >= MAX_LEAVES {
            return;
        }
        let value = eval(node, values);
        match &node.kind {
            Kind::And(items) | Kind::Or(items) => {
                let is_and = matches!(node.kind, Kind::And(_));
                // The deciding operands: for `and` false (or `or` true), the first that
                // decided it; otherwise every operand with the node's own value.
                let decisive = if is_and { Truth::False } else { Truth::True };
                if value == decisive {
                    if let Some(first) = items.iter().find(|i| eval(i, values) == decisive) {
                        self.explain(first, values, out);
                    }
                } else {
                    for item in items.iter().filter(|i| eval(i, values) == value) {
                        self.explain(item, values, out);
                    }
                }
            }
            Kind::Not(inner) => self.explain(inner, values, out),
            leaf => {
                let mut facts = super::report::LeafFacts::default();
                if let Some(slot) = leaf_slot(leaf)
                    && let Some(info) = self.slots.get(slot as usize)
                {
                    let v = values.values.get(slot as usize).unwrap_or(&Val::Missing);
                    facts.0 = Some((info.name, self.value_json(slot, v, values)));
                }
                out.push(Leaf {
                    expr: node.text,
                    value,
                    facts,
                });
            }
        }
    }

    /// The recognitions that credit each criterion to this product, fully
    /// and partially: held, in effect, covering its category, their
    /// condition met.
    fn credits(
        &self,
        record: &Record<'_>,
        category: u32,
    ) -> (Vec<Vec<&'r str>>, Vec<Vec<&'r str>>) {
        if record.holds.is_empty() || self.recognitions.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let mut full = vec![Vec::new(); self.criteria.len()];
        let mut partial = vec![Vec::new(); self.criteria.len()];
        for compiled in &self.recognitions {
            let r = compiled.recognition;
            if !compiled.is_held(record) || !compiled.covers(category) {
                continue;
            }
            if let Some(condition) = &compiled.condition
                && eval(condition, record) != Truth::True
            {
                continue;
            }
            let target = if r.credit == Credit::Full {
                &mut full
            } else {
                &mut partial
            };
            for c in &compiled.credits {
                if let Some(list) = target.get_mut(*c as usize) {
                    list.push(r.id.as_str());
                }
            }
        }
        (full, partial)
    }

    pub(crate) fn verdict(
        &self,
        criterion: &CompiledCriterion<'_>,
        category: Option<u32>,
        credited: bool,
        values: &Record<'_>,
    ) -> Verdict {
        let applies = match (&criterion.applies, category) {
            (None, _) => true,
            (Some(covered), Some(c)) => covered.get(c as usize).copied().unwrap_or(false),
            (Some(_), None) => false,
        };
        if !applies || !criterion.valid_now {
            return Verdict::NotApplicable;
        }
        if credited {
            return Verdict::Credited;
        }
        match &criterion.condition {
            None => Verdict::Unknown,
            Some(condition) => match eval(condition, values) {
                Truth::True => Verdict::Pass,
                Truth::False => Verdict::Fail,
                Truth::Unknown => Verdict::Unknown,
            },
        }
    }

    fn report(
        &self,
        index: u32,
        verdict: Verdict,
        credits: &(Vec<Vec<&'r str>>, Vec<Vec<&'r str>>),
        values: &Record<'_>,
    ) -> CriterionResult<'r> {
        let compiled = self.criteria.get(index as usize);
        let criterion = compiled.map(|c| c.criterion);
        let full: Vec<&'r str> = credits.0.get(index as usize).cloned().unwrap_or_default();
        let partial: Vec<&'r str> = credits.1.get(index as usize).cloned().unwrap_or_default();
        let reason = match (verdict, criterion) {
            (Verdict::NotApplicable, Some(c)) => Some(if compiled.is_some_and(|c| !c.valid_now) {
                format!(
                    "outside its validity dates ({} to {})",
                    c.valid_from.as_deref().unwrap_or("…"),
                    c.valid_until.as_deref().unwrap_or("…")
                )
            } else {
                "does not apply to this category".to_string()
            }),
            (Verdict::Credited, _) => Some(format!("credited by {}", full.join(", "))),
            (Verdict::Unknown, Some(c)) if c.condition.is_none() => match &c.status {
                Status::Pending { reason } => Some(format!("pending: {reason}")),
                Status::Confirmed => Some("no condition".to_string()),
            },
            _ => None,
        };
        let mut decided_by = Vec::new();
        if matches!(verdict, Verdict::Fail | Verdict::Unknown)
            && let Some(condition) = compiled.and_then(|c| c.condition.as_ref())
        {
            self.explain(condition, values, &mut decided_by);
        }
        CriterionResult {
            id: criterion.map_or("", |c| c.id.as_str()),
            title: criterion.map_or("", |c| c.title.as_str()),
            outcome: verdict,
            reason,
            credited_by: if verdict == Verdict::Credited {
                full
            } else {
                Vec::new()
            },
            partially_credited_by: partial,
            decided_by,
        }
    }

    /// Judges a product read by [`super::RecordSeed`].
    pub fn judge(&self, record: &Record<'_>) -> Result<Outcome<'r>, ProductError> {
        self.judge_with(record, false)
    }

    /// Judges a product; with `all`, the outcome lists every criterion judged.
    pub fn judge_with(&self, record: &Record<'_>, all: bool) -> Result<Outcome<'r>, ProductError> {
        let category_name = record.category.as_deref().ok_or_else(|| {
            ProductError(format!(
                "the product gives no category for scheme `{}`",
                self.scheme.id
            ))
        })?;
        let category = *self.category_by_name.get(category_name).ok_or_else(|| {
            let hint = crate::diag::suggest(category_name, self.category_by_name.keys().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            ProductError(format!(
                "unknown category `{category_name}` in `{}`{hint}",
                self.scheme.key()
            ))
        })?;
        let in_scope = self.in_scope(category);
        let category_id = self
            .scheme
            .categories
            .get(category as usize)
            .map_or("", |c| c.id.as_str());
        if let Some(reason) = self.exclusions.get(category as usize).copied().flatten() {
            return Ok(self.excluded_outcome(record, category_id, reason, all));
        }
        let credits = self.credits(record, category);
        let mut verdicts: Vec<Option<Verdict>> = vec![None; self.criteria.len()];
        let mut verdict_of = |i: u32| -> Verdict {
            let slot = verdicts.get_mut(i as usize);
            match slot {
                Some(Some(v)) => *v,
                Some(place) => {
                    let credited = credits.0.get(i as usize).is_some_and(|l| !l.is_empty());
                    let v = self.criteria.get(i as usize).map_or(Verdict::Unknown, |c| {
                        self.verdict(c, Some(category), credited, record)
                    });
                    *place = Some(v);
                    v
                }
                None => Verdict::Unknown,
            }
        };

        let mut reached = None;
        let mut reachable = None;
        let mut next = None;
        let mut all_met = true;
        // What every level so far adds up to: a cumulative level is met only
        // when the levels below it are.
        let mut running = Truth::True;
        for level in &self.levels {
            let mut truth = Truth::True;
            let mut failing = Vec::new();
            let mut unknown = Vec::new();
            for &c in &level.required {
                match verdict_of(c) {
                    Verdict::Fail => {
                        truth = Truth::False;
                        failing.push(c);
                    }
                    Verdict::Unknown => {
                        truth = truth.and(Truth::Unknown);
                        unknown.push(c);
                    }
                    _ => {}
                }
            }
            let mut groups = Vec::new();
            for (k, members) in &level.groups {
                let verdicts: Vec<Verdict> = members.iter().map(|m| verdict_of(*m)).collect();
                let met = verdicts
                    .iter()
                    .filter(|v| matches!(v, Verdict::Pass | Verdict::Credited))
                    .count();
                let open = verdicts.iter().filter(|v| **v == Verdict::Unknown).count();
                let k_usize = usize::try_from(*k).unwrap_or(usize::MAX);
                let group_truth = if met >= k_usize {
                    Truth::True
                } else if met + open >= k_usize {
                    Truth::Unknown
                } else {
                    Truth::False
                };
                if group_truth != Truth::True {
                    groups.push(GroupResult {
                        k: *k,
                        of: members
                            .iter()
                            .filter_map(|m| {
                                self.criteria
                                    .get(*m as usize)
                                    .map(|c| c.criterion.id.as_str())
                            })
                            .collect(),
                        met,
                        unknown: open,
                    });
                }
                truth = truth.and(group_truth);
            }
            if level.cumulative {
                truth = truth.and(running);
            }
            running = truth;
            if truth != Truth::True && next.is_none() {
                next = Some(NextLevel {
                    rank: level.level.rank,
                    title: level.level.title.as_deref(),
                    failing: failing
                        .iter()
                        .map(|c| self.report(*c, Verdict::Fail, &credits, record))
                        .collect(),
                    unknown: unknown
                        .iter()
                        .map(|c| self.report(*c, Verdict::Unknown, &credits, record))
                        .collect(),
                    groups,
                });
            }
            if truth == Truth::False {
                break;
            }
            reachable = Some(level.level.rank);
            if all_met && truth == Truth::True {
                reached = Some(level.level.rank);
            } else {
                all_met = false;
            }
        }

        // What the levels reached and reachable rest on below official text.
        let mut rests_on = |rank: Option<i64>, with_unknown: bool| -> Option<RestsOn<'r>> {
            let level = self.levels.iter().find(|l| Some(l.level.rank) == rank)?;
            let mut rests = RestsOn::default();
            for &(c, basis) in &level.weak {
                let v = verdict_of(c);
                let counts = matches!(v, Verdict::Pass | Verdict::Credited)
                    || (with_unknown && v == Verdict::Unknown);
                let id = self
                    .criteria
                    .get(c as usize)
                    .map(|c| c.criterion.id.as_str());
                if let (true, Some(id)) = (counts, id) {
                    match basis {
                        crate::rules::Basis::Official => {}
                        crate::rules::Basis::Secondary => rests.secondary.push(id),
                        crate::rules::Basis::Reported => rests.reported.push(id),
                        crate::rules::Basis::Inferred => rests.inferred.push(id),
                    }
                }
            }
            if self.recognitions.iter().any(|r| r.weak) {
                for &c in &level.all {
                    if verdict_of(c) != Verdict::Credited {
                        continue;
                    }
                    for id in credits.0.get(c as usize).into_iter().flatten() {
                        let weak = self
                            .recognitions
                            .iter()
                            .any(|r| r.weak && r.recognition.id == *id);
                        if weak && !rests.assumed_recognitions.contains(id) {
                            rests.assumed_recognitions.push(id);
                        }
                    }
                }
            }
            (!rests.is_empty()).then_some(rests)
        };
        let level_rests_on = rests_on(reached, false);
        let reachable_rests_on = rests_on(reachable, true);

        let criteria = all.then(|| {
            (0..self.criteria.len())
                .filter_map(|i| {
                    let i = u32::try_from(i).ok()?;
                    let v = verdict_of(i);
                    Some(self.report(i, v, &credits, record))
                })
                .collect()
        });
        Ok(Outcome {
            in_scope,
            level: reached,
            level_rests_on,
            reachable,
            reachable_rests_on,
            next,
            criteria,
            ..self.blank_outcome(record, category_id)
        })
    }

    /// An outcome with this product's identity and nothing judged.
    fn blank_outcome(&self, record: &Record<'_>, category: &'r str) -> Outcome<'r> {
        Outcome {
            line: None,
            id: record.id.to_string(),
            scheme: super::report::SchemeName {
                id: &self.scheme.id,
                version: &self.scheme.version,
            },
            as_of: self.as_of,
            category,
            in_scope: false,
            excluded: None,
            level: None,
            level_rests_on: None,
            reachable: None,
            reachable_rests_on: None,
            next: None,
            criteria: None,
        }
    }

    /// The outcome for a product of an excluded category: nothing reached or
    /// reachable, every criterion not applicable (listed with `all`).
    fn excluded_outcome(
        &self,
        record: &Record<'_>,
        category: &'r str,
        reason: &'r str,
        all: bool,
    ) -> Outcome<'r> {
        let criteria = all.then(|| {
            self.criteria
                .iter()
                .map(|c| CriterionResult {
                    id: c.criterion.id.as_str(),
                    title: c.criterion.title.as_str(),
                    outcome: Verdict::NotApplicable,
                    reason: Some(format!("the category is excluded: {reason}")),
                    credited_by: Vec::new(),
                    partially_credited_by: Vec::new(),
                    decided_by: Vec::new(),
                })
                .collect()
        });
        Outcome {
            excluded: Some(reason),
            criteria,
            ..self.blank_outcome(record, category)
        }
    }

    /// Whether the scheme, the category and its parents have taken effect on
    /// `as_of`, and the category is not excluded.
    pub(crate) fn in_scope(&self, category: u32) -> bool {
        if self
            .exclusions
            .get(category as usize)
            .copied()
            .flatten()
            .is_some()
        {
            return false;
        }
        let effective_ok = |d: &Option<String>| {
            d.as_deref()
                .and_then(super::program::parse_date)
                .is_none_or(|d| d <= self.as_of)
        };
        if !effective_ok(&self.scheme.effective) {
            return false;
        }
        let mut current = self.scheme.categories.get(category as usize);
        let mut steps = 0;
        while let Some(c) = current {
            if !effective_ok(&c.effective) {
                return false;
            }
            steps += 1;
            if steps > self.scheme.categories.len() {
                break;
            }
            current = c
                .parent
                .as_ref()
                .and_then(|p| self.category_by_name.get(p.as_str()))
                .and_then(|i| self.scheme.categories.get(*i as usize));
        }
        true
    }
}
