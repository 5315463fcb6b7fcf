//! Judging one product: criteria lazily, levels cumulatively with early
//! exit, explanations only for what is reported.

use super::ProductError;
use super::product::{Record, Val};
use super::program::{CompiledCriterion, CompiledRecognition, Kind, Node, Program};
use super::report::{
    CriterionResult, GroupResult, Leaf, NextLevel, Outcome, RestsOn, Truth, Verdict,
};
use super::truth::{eval, leaf_slot};
use crate::rules::{Credit, Held, Holding, RecognitionFrom, Status};

/// Whether `holds` include what a recognition starts from: its level or a
/// higher one, or its criterion. Eval and plan both decide "held" with it.
pub(crate) fn holds_from(from: &RecognitionFrom, holds: &[Holding]) -> bool {
    holds.iter().any(|h| starts_from(from, h))
}

impl CompiledRecognition<'_> {
    /// Whether the product holds what the recognition starts from: its
    /// level or a higher one, or its criterion.
    pub(crate) fn is_held(&self, record: &Record<'_>) -> bool {
        holds_from(&self.recognition.from, &record.holds)
    }

    /// Whether the arrangement covers products of `category` (`applies_to`).
    pub(crate) fn covers(&self, category: u32) -> bool {
        self.applies
            .as_ref()
            .is_none_or(|covered| covered.get(category as usize).copied().unwrap_or(false))
    }
}

/// Why a product whose `category` object has no entry for the judged scheme
/// is outside it (the outcome names the scheme).
pub(crate) const NO_CATEGORY: &str = "the product names no category for this scheme";

/// Whether holding `h` is what a recognition starts `from`: the same scheme,
/// the same version unless the holding or the recognition is unpinned, and
/// the level (or a higher one) or the criterion.
fn starts_from(from: &RecognitionFrom, h: &Holding) -> bool {
    if h.scheme != from.scheme
        || h.version
            .as_deref()
            .zip(from.version.as_deref())
            .is_some_and(|(held, named)| held != named)
    {
        return false;
    }
    match (&h.held, &from.level, &from.criterion) {
        (Held::Level(held), Some(level), _) => held >= level,
        (Held::Criterion(held), None, Some(criterion)) => held == criterion,
        _ => false,
    }
}

/// At most this many deciding sub-expressions are reported per criterion.
const MAX_LEAVES: usize = 16;

/// The recognitions crediting each criterion (by index), fully and partially.
type Credits<'r> = (Vec<Vec<&'r str>>, Vec<Vec<&'r str>>);

/// The verdicts of one product's criteria, each judged on first use.
struct Verdicts<'p, 'r, 'v> {
    program: &'p Program<'r>,
    record: &'p Record<'v>,
    category: u32,
    credits: &'p Credits<'r>,
    cache: Vec<Option<Verdict>>,
}

impl Verdicts<'_, '_, '_> {
    /// The verdict of the criterion at `index`.
    #[inline]
    fn of(&mut self, index: u32) -> Verdict {
        match self.cache.get_mut(index as usize) {
            Some(Some(v)) => *v,
            Some(place) => {
                let credited = self
                    .credits
                    .0
                    .get(index as usize)
                    .is_some_and(|l| !l.is_empty());
                let program = self.program;
                let v = program
                    .criteria
                    .get(index as usize)
                    .map_or(Verdict::Unknown, |c| {
                        program.verdict(c, Some(self.category), credited, self.record)
                    });
                *place = Some(v);
                v
            }
            None => Verdict::Unknown,
        }
    }
}

/// How far a product gets up the levels ([`Program::judge_levels`]).
struct Levels<'r> {
    reached: Option<i64>,
    reachable: Option<i64>,
    next: Option<NextLevel<'r>>,
}

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
    fn credits(&self, record: &Record<'_>, category: u32) -> Credits<'r> {
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

    /// Whether `criterion` applies to products of `category` on `as_of`: its
    /// `applies_to` covers the category and `as_of` is in its validity dates.
    fn applicable(criterion: &CompiledCriterion<'_>, category: Option<u32>) -> bool {
        let applies = match (&criterion.applies, category) {
            (None, _) => true,
            (Some(covered), Some(c)) => covered.get(c as usize).copied().unwrap_or(false),
            (Some(_), None) => false,
        };
        applies && criterion.valid_now
    }

    pub(crate) fn verdict(
        &self,
        criterion: &CompiledCriterion<'_>,
        category: Option<u32>,
        credited: bool,
        values: &Record<'_>,
    ) -> Verdict {
        if !Self::applicable(criterion, category) {
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
        credits: &Credits<'r>,
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
            // Partial credit is reported only on a criterion judged on its
            // condition: one that does not apply, or is fully credited, needs no evidence.
            partially_credited_by: if matches!(
                verdict,
                Verdict::Pass | Verdict::Fail | Verdict::Unknown
            ) {
                partial
            } else {
                Vec::new()
            },
            decided_by,
        }
    }

    /// Judges a product read by [`super::RecordSeed`].
    pub fn judge(&self, record: &Record<'_>) -> Result<Outcome<'r>, ProductError> {
        self.judge_with(record, false)
    }

    /// Judges a product; with `all`, the outcome lists every criterion judged.
    pub fn judge_with(&self, record: &Record<'_>, all: bool) -> Result<Outcome<'r>, ProductError> {
        let Some(category_name) = record.category.as_deref() else {
            return Ok(self.out_of_scope_outcome(record, None, NO_CATEGORY, all));
        };
        let category = *self.category_by_name.get(category_name).ok_or_else(|| {
            ProductError::UnknownCategory {
                category: category_name.to_string(),
                scheme: self.scheme.key(),
                suggestion: crate::diag::suggest(
                    category_name,
                    self.category_by_name.keys().copied(),
                )
                .map(str::to_string),
            }
        })?;
        let in_scope = self.in_scope(category);
        let category_id = self
            .scheme
            .categories
            .get(category as usize)
            .map_or("", |c| c.id.as_str());
        if let Some(reason) = self.exclusions.get(category as usize).copied().flatten() {
            return Ok(self.out_of_scope_outcome(record, Some(category_id), reason, all));
        }
        let credits = self.credits(record, category);
        let mut verdicts = Verdicts {
            program: self,
            record,
            category,
            credits: &credits,
            cache: vec![None; self.criteria.len()],
        };
        let levels = self.judge_levels(&mut verdicts);
        let level_rests_on = self.rests_on(levels.reached, false, &mut verdicts);
        let reachable_rests_on = self.rests_on(levels.reachable, true, &mut verdicts);
        let criteria = all.then(|| {
            (0..self.criteria.len())
                .filter_map(|i| {
                    let i = u32::try_from(i).ok()?;
                    let v = verdicts.of(i);
                    Some(self.report(i, v, &credits, record))
                })
                .collect()
        });
        Ok(Outcome {
            in_scope,
            level: levels.reached,
            level_rests_on,
            reachable: levels.reachable,
            reachable_rests_on,
            next: levels.next,
            criteria,
            ..self.blank_outcome(record, Some(category_id))
        })
    }

    /// Judges the levels lowest first, each only as far as it can still be
    /// reached: the level reached, the highest reachable, and what the next
    /// level lacks.
    fn judge_levels(&self, verdicts: &mut Verdicts<'_, 'r, '_>) -> Levels<'r> {
        let mut judged = Levels {
            reached: None,
            reachable: None,
            next: None,
        };
        let mut all_met = true;
        // What every level so far adds up to: a cumulative level is met only
        // when the levels below it are.
        let mut running = Truth::True;
        for (position, level) in self.levels.iter().enumerate() {
            let mut truth = Truth::True;
            let mut failing = Vec::new();
            let mut unknown = Vec::new();
            // Whether the level applies: some criterion it adds to the level
            // below is applicable on `as_of` (no vacuous levels).
            let mut applies = false;
            for &c in &level.required {
                let verdict = verdicts.of(c);
                applies |= verdict != Verdict::NotApplicable;
                match verdict {
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
                let (group_truth, group_applies, open) = self.judge_group(*k, members, verdicts);
                applies |= group_applies;
                groups.extend(open);
                truth = truth.and(group_truth);
            }
            if !applies {
                truth = Truth::False;
            }
            if level.cumulative {
                truth = truth.and(running);
            }
            running = truth;
            if truth != Truth::True && judged.next.is_none() {
                let report = |list: &[u32], verdict| {
                    list.iter()
                        .map(|c| self.report(*c, verdict, verdicts.credits, verdicts.record))
                        .collect()
                };
                judged.next = Some(NextLevel {
                    rank: level.level.rank,
                    title: level.level.title.as_deref(),
                    does_not_apply: (!applies)
                        .then(|| self.does_not_apply(position, verdicts.category)),
                    failing: report(&failing, Verdict::Fail),
                    unknown: report(&unknown, Verdict::Unknown),
                    pending: self.pending_in(&unknown),
                    groups,
                });
            }
            if truth == Truth::False {
                break;
            }
            judged.reachable = Some(level.level.rank);
            if all_met && truth == Truth::True {
                judged.reached = Some(level.level.rank);
            } else {
                all_met = false;
            }
        }
        judged
    }

    /// One `at_least k of (members)` group: its truth, whether any member
    /// applies, and its report when it is not met.
    fn judge_group(
        &self,
        k: i64,
        members: &[u32],
        verdicts: &mut Verdicts<'_, 'r, '_>,
    ) -> (Truth, bool, Option<GroupResult<'r>>) {
        let judged: Vec<Verdict> = members.iter().map(|m| verdicts.of(*m)).collect();
        let not_applicable = judged
            .iter()
            .filter(|v| **v == Verdict::NotApplicable)
            .count();
        let applies = not_applicable < judged.len();
        let met = judged
            .iter()
            .filter(|v| matches!(v, Verdict::Pass | Verdict::Credited))
            .count();
        let open = judged.iter().filter(|v| **v == Verdict::Unknown).count();
        let k_usize = usize::try_from(k).unwrap_or(usize::MAX);
        let truth = if met >= k_usize {
            Truth::True
        } else if met + open >= k_usize {
            Truth::Unknown
        } else {
            Truth::False
        };
        let report = (truth != Truth::True).then(|| GroupResult {
            k,
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
            not_applicable,
        });
        (truth, applies, report)
    }

    /// What the level of `rank` (reached, or reachable `with_unknown`)
    /// rests on below official text.
    fn rests_on(
        &self,
        rank: Option<i64>,
        with_unknown: bool,
        verdicts: &mut Verdicts<'_, 'r, '_>,
    ) -> Option<RestsOn<'r>> {
        let level = self.levels.iter().find(|l| Some(l.level.rank) == rank)?;
        let mut rests = RestsOn::default();
        for &(c, basis) in &level.weak {
            let v = verdicts.of(c);
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
                if verdicts.of(c) != Verdict::Credited {
                    continue;
                }
                for id in verdicts.credits.0.get(c as usize).into_iter().flatten() {
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
    }

    /// Whether the level at `position` (in [`Program::levels`]) applies to
    /// products of `category` on `as_of`: some criterion it adds to the level
    /// below (its `require` list and its `at_least` members) is applicable.
    pub(crate) fn level_applies(&self, position: usize, category: u32) -> bool {
        self.levels.get(position).is_some_and(|level| {
            level
                .required
                .iter()
                .chain(level.groups.iter().flat_map(|(_, m)| m.iter()))
                .filter_map(|c| self.criteria.get(*c as usize))
                .any(|c| Self::applicable(c, Some(category)))
        })
    }

    /// Why the level at `position` does not apply to products of `category`
    /// on `as_of`, when none of the criteria it adds is applicable: the
    /// earliest date one comes into force, else the last date one was in
    /// force, else that none is for this category.
    pub(crate) fn does_not_apply(&self, position: usize, category: u32) -> String {
        let Some(level) = self.levels.get(position) else {
            return String::new();
        };
        let rank = level.level.rank;
        let below = position
            .checked_sub(1)
            .and_then(|p| self.levels.get(p))
            .filter(|_| level.cumulative)
            .map(|l| l.level.rank);
        let members: Vec<&CompiledCriterion<'_>> = level
            .required
            .iter()
            .chain(level.groups.iter().flat_map(|(_, m)| m.iter()))
            .filter_map(|c| self.criteria.get(*c as usize))
            .collect();
        let whose = match below {
            Some(b) => format!("of the criteria it adds to level {b}"),
            None => "of its criteria".to_string(),
        };
        if members.is_empty() {
            return match below {
                Some(b) => {
                    format!("level {rank} does not apply: it adds no criterion to level {b}")
                }
                None => format!("level {rank} does not apply: it requires no criterion"),
            };
        }
        let for_category: Vec<&&CompiledCriterion<'_>> = members
            .iter()
            .filter(|c| {
                c.applies
                    .as_ref()
                    .is_none_or(|covered| covered.get(category as usize).copied().unwrap_or(false))
            })
            .collect();
        let from = for_category
            .iter()
            .filter_map(|c| c.valid_from)
            .filter(|d| *d > self.as_of)
            .min();
        let until = for_category
            .iter()
            .filter_map(|c| c.valid_until)
            .filter(|d| *d < self.as_of)
            .max();
        let as_of = self.as_of;
        match (from, until) {
            (Some(from), _) => format!(
                "level {rank} does not apply yet on {as_of}: none {whose} is in force before {from}"
            ),
            (None, Some(until)) => format!(
                "level {rank} no longer applies on {as_of}: none {whose} is in force after {until}"
            ),
            (None, None) => {
                let category = self
                    .scheme
                    .categories
                    .get(category as usize)
                    .map_or("", |c| c.id.as_str());
                format!("level {rank} does not apply to `{category}`: none {whose} covers it")
            }
        }
    }

    /// The ids of the unknown criteria (by index) that are pending with no
    /// condition.
    fn pending_in(&self, unknown: &[u32]) -> Vec<&'r str> {
        unknown
            .iter()
            .filter_map(|c| self.criteria.get(*c as usize))
            .filter(|c| {
                c.condition.is_none() && matches!(c.criterion.status, Status::Pending { .. })
            })
            .map(|c| c.criterion.id.as_str())
            .collect()
    }

    /// An outcome with this product's identity and nothing judged.
    fn blank_outcome(&self, record: &Record<'_>, category: Option<&'r str>) -> Outcome<'r> {
        Outcome {
            format: super::report::EvalFormat,
            line: None,
            id: record.id.to_string(),
            scheme: super::report::SchemeName {
                effective: self.scheme.effective.as_deref(),
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

    /// The outcome for a product outside the scheme (a category excluded, or
    /// no category named for the scheme): nothing reached or reachable,
    /// every criterion not applicable (listed with `all`).
    fn out_of_scope_outcome(
        &self,
        record: &Record<'_>,
        category: Option<&'r str>,
        reason: &'r str,
        all: bool,
    ) -> Outcome<'r> {
        let why = match category {
            Some(_) => format!("the category is excluded: {reason}"),
            None => reason.to_string(),
        };
        let criteria = all.then(|| {
            self.criteria
                .iter()
                .map(|c| CriterionResult {
                    id: c.criterion.id.as_str(),
                    title: c.criterion.title.as_str(),
                    outcome: Verdict::NotApplicable,
                    reason: Some(why.clone()),
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
        let excluded = self
            .exclusions
            .get(category as usize)
            .copied()
            .flatten()
            .is_some();
        !excluded
            && self
                .in_force
                .get(category as usize)
                .copied()
                .unwrap_or(false)
    }
}
