//! A scheme version of a rule set prepared for evaluation: fact names
//! resolved to slots, literals typed, categories and criteria indexed, so
//! that judging a product does no name lookups per criterion.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use crate::rules::{
    AppliesTo, Comparison, Condition, Credit, Direction, FactType, Literal, RecognitionStatus,
    RuleSet, Scheme,
};

/// Why a rule set cannot be evaluated: it was edited by hand or comes from
/// another version of labelc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetError(pub String);

impl std::fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleSetError {}

fn bad(message: impl Into<String>) -> RuleSetError {
    RuleSetError(message.into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotType {
    Bool,
    Int,
    Decimal,
    String,
    Date,
    Set,
    Enum,
}

/// One fact of the rule set, as evaluation sees it.
#[derive(Debug)]
pub struct Slot<'r> {
    pub name: &'r str,
    pub ty: SlotType,
    /// Enumeration values, by name (empty for other types).
    pub values: FxHashMap<&'r str, u32>,
    pub value_names: Vec<&'r str>,
    /// The string constants the conditions compare this fact with, when
    /// there are few: a product's value is looked up here by a short scan
    /// instead of a hash lookup ([`Program::intern_for`]). Strings of up to 7
    /// bytes by packed key ([`small_key`]), longer ones by text.
    pub few_constants: Option<FewConstants<'r>>,
}

/// A fact's string constants with their ids, split by [`small_key`].
#[derive(Debug, Default)]
pub struct FewConstants<'r> {
    pub short: Vec<(u64, u32)>,
    pub long: Vec<(&'r str, u32)>,
}

/// Up to this many constants per fact are scanned rather than hashed.
const FEW_CONSTANTS: usize = 16;

/// The string ids an `in` or `subset_of` list allows. Membership is one
/// bit test: the constants of one list are interned together, so their ids
/// span a short range, kept as a bitmap from the smallest id on. A list
/// whose ids span more than [`IdSet::MAX_SPAN`] is searched instead.
#[derive(Debug, Default)]
pub struct IdSet {
    /// Sorted, without duplicates.
    ids: Vec<u32>,
    base: u32,
    /// Bit `i` is set when `base + i` is in the set; empty when searched.
    bits: Vec<u64>,
}

impl IdSet {
    /// The widest span of ids kept as a bitmap (64 words).
    pub const MAX_SPAN: u32 = 4096;

    pub fn new(mut ids: Vec<u32>) -> IdSet {
        ids.sort_unstable();
        ids.dedup();
        let (Some(&base), Some(&last)) = (ids.first(), ids.last()) else {
            return IdSet::default();
        };
        let span = last - base;
        let mut bits = Vec::new();
        if span < Self::MAX_SPAN {
            bits = vec![0u64; span as usize / 64 + 1];
            for id in &ids {
                let offset = id - base;
                if let Some(word) = bits.get_mut(offset as usize / 64) {
                    *word |= 1 << (offset % 64);
                }
            }
        }
        IdSet { ids, base, bits }
    }

    #[inline(always)]
    pub fn contains(&self, id: u32) -> bool {
        if self.bits.is_empty() {
            return self.ids.binary_search(&id).is_ok();
        }
        let Some(offset) = id.checked_sub(self.base) else {
            return false;
        };
        self.bits
            .get(offset as usize / 64)
            .is_some_and(|word| (word >> (offset % 64)) & 1 == 1)
    }

    /// The ids, ascending.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }
}

#[derive(Debug)]
pub struct Node<'r> {
    pub kind: Kind<'r>,
    pub text: &'r str,
}

#[derive(Debug)]
pub enum Kind<'r> {
    And(Vec<Node<'r>>),
    Or(Vec<Node<'r>>),
    Not(Box<Node<'r>>),
    IsTrue(u32),
    Present(u32),
    Bool(u32, bool, bool),
    Int(u32, Comparison, i64),
    Number(u32, Comparison, f64),
    /// Strings are compared by interned id ([`Program::intern`]).
    Str(u32, bool, u32),
    Enum(u32, bool, u32),
    Date(u32, Comparison, Date),
    /// `negated`, then the allowed values.
    InStr(u32, bool, IdSet),
    InEnum(u32, bool, Vec<u32>),
    InNumber(u32, bool, Vec<f64>),
    InDate(u32, bool, Vec<Date>),
    InBool(u32, bool, Vec<bool>),
    Contains(u32, u32),
    Subset(u32, IdSet),
    Superset(u32, Vec<u32>),
    /// The date lies in `lo..=hi`.
    Between(u32, Date, Date),
}

#[derive(Debug)]
pub struct CompiledCriterion<'r> {
    pub criterion: &'r crate::rules::Criterion,
    /// Category indices it applies to (descendants included); `None` for all.
    pub applies: Option<Vec<bool>>,
    /// Whether `as_of` lies in its validity window.
    pub valid_now: bool,
    pub condition: Option<Node<'r>>,
}

#[derive(Debug)]
pub struct CompiledLevel<'r> {
    pub level: &'r crate::rules::Level,
    /// What this level adds to the one below (everything it requires, when
    /// `cumulative` is false).
    pub required: Vec<u32>,
    pub groups: Vec<(i64, Vec<u32>)>,
    /// Whether this level requires everything the level below does.
    pub cumulative: bool,
    /// Every criterion this level requires or counts in a group, includes
    /// followed, whose own basis or place in the level rests on less than
    /// the official text: the weaker of the two.
    pub weak: Vec<(u32, crate::rules::Basis)>,
    /// Every criterion this level requires or counts in a group, includes followed.
    pub all: Vec<u32>,
}

#[derive(Debug)]
pub struct CompiledRecognition<'r> {
    pub recognition: &'r crate::rules::Recognition,
    pub credits: Vec<u32>,
    pub condition: Option<Node<'r>>,
    /// Category indices whose products it credits (descendants included);
    /// `None` for all.
    pub applies: Option<Vec<bool>>,
    /// Whether its credit rests on less than official text: its status is
    /// `assumed`, or its basis is below official.
    pub weak: bool,
}

/// A scheme version ready to judge products.
#[derive(Debug)]
pub struct Program<'r> {
    pub rules: &'r RuleSet,
    pub scheme: &'r Scheme,
    pub as_of: Date,
    pub slots: Vec<Slot<'r>>,
    pub slot_by_name: FxHashMap<&'r str, u32>,
    /// The slot last seen at each position of a product's `facts`: products
    /// of one batch list their facts in the same order, so a name is usually
    /// confirmed by one comparison instead of a hash lookup.
    pub key_order: Vec<AtomicU32>,
    /// Every string constant of the conditions, by id; a product's string
    /// that is none of them gets `OTHER`. Strings of up to 7 bytes are
    /// keyed by their bytes packed into an integer (`small_key`): no byte
    /// hashing and no `memcmp` for the short values sets usually hold.
    pub strings: FxHashMap<&'r str, u32>,
    pub short_strings: FxHashMap<u64, u32>,
    pub category_by_name: HashMap<&'r str, u32>,
    /// By category index: why its products are outside the scheme (its own
    /// `excluded` reason or the nearest ancestor's); `None` when in scope.
    pub exclusions: Vec<Option<&'r str>>,
    pub criteria: Vec<CompiledCriterion<'r>>,
    pub levels: Vec<CompiledLevel<'r>>,
    /// Recognitions that credit this scheme version and are in effect at `as_of`.
    pub recognitions: Vec<CompiledRecognition<'r>>,
}

/// The interned id of a string that no condition mentions.
pub const OTHER: u32 = u32::MAX;

/// A string of at most 7 bytes as one integer: its bytes, then its length in
/// the top byte (so `"a"` and `"a\0"` differ).
pub fn small_key(s: &str) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.len() > 7 {
        return None;
    }
    let mut buffer = [0u8; 8];
    buffer.get_mut(..bytes.len())?.copy_from_slice(bytes);
    buffer[7] = u8::try_from(bytes.len()).ok()?;
    Some(u64::from_le_bytes(buffer))
}

/// Collects the string constants of a condition.
fn collect_strings<'r>(condition: &'r Condition, out: &mut Vec<&'r str>, depth: usize) {
    if depth > 256 {
        return;
    }
    match condition {
        Condition::And { args, .. } | Condition::Or { args, .. } => {
            for a in args {
                collect_strings(a, out, depth + 1);
            }
        }
        Condition::Not { arg, .. } => collect_strings(arg, out, depth + 1),
        Condition::Compare { value, .. } => {
            if let Literal::String(s) = value {
                out.push(s);
            }
        }
        Condition::In { values, .. } => {
            out.extend(values.iter().filter_map(|v| match v {
                Literal::String(s) => Some(s.as_str()),
                _ => None,
            }));
        }
        Condition::Contains { value, .. } => out.push(value),
        Condition::SubsetOf { values, .. } | Condition::SupersetOf { values, .. } => {
            out.extend(values.iter().map(String::as_str));
        }
        Condition::IsTrue { .. } | Condition::Present { .. } | Condition::Within { .. } => {}
    }
}

pub use crate::rules::parse_date;

fn optional_date(s: &Option<String>, what: &str) -> Result<Option<Date>, RuleSetError> {
    match s {
        None => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| bad(format!("{what}: `{s}` is not a date"))),
    }
}

fn in_window(as_of: Date, from: Option<Date>, until: Option<Date>) -> bool {
    from.is_none_or(|f| f <= as_of) && until.is_none_or(|u| as_of <= u)
}

impl<'r> Program<'r> {
    /// Prepares `scheme` (an index into `rules.schemes`) for evaluation on `as_of`.
    pub fn new(
        rules: &'r RuleSet,
        scheme: usize,
        as_of: Date,
    ) -> Result<Program<'r>, RuleSetError> {
        if rules.format != crate::rules::FORMAT {
            return Err(bad(format!(
                "the rule set's format is `{}`; this labelc reads `{}`",
                rules.format,
                crate::rules::FORMAT
            )));
        }
        let scheme = rules
            .schemes
            .get(scheme)
            .ok_or_else(|| bad("no such scheme"))?;
        let mut slots = Vec::with_capacity(rules.facts.len());
        let mut slot_by_name = FxHashMap::default();
        for (i, fact) in rules.facts.iter().enumerate() {
            let index = u32::try_from(i).map_err(|_| bad("too many facts"))?;
            let (ty, value_names) = match &fact.ty {
                FactType::Bool => (SlotType::Bool, Vec::new()),
                FactType::Int => (SlotType::Int, Vec::new()),
                FactType::Decimal => (SlotType::Decimal, Vec::new()),
                FactType::String => (SlotType::String, Vec::new()),
                FactType::Date => (SlotType::Date, Vec::new()),
                FactType::StringSet => (SlotType::Set, Vec::new()),
                FactType::Enum { values } => {
                    (SlotType::Enum, values.iter().map(String::as_str).collect())
                }
            };
            let values = value_names
                .iter()
                .enumerate()
                .map(|(i, v)| (*v, u32::try_from(i).unwrap_or(u32::MAX)))
                .collect();
            if slot_by_name.insert(fact.name.as_str(), index).is_some() {
                return Err(bad(format!("fact `{}` appears twice", fact.name)));
            }
            slots.push(Slot {
                name: &fact.name,
                ty,
                values,
                value_names,
                few_constants: None,
            });
        }

        let mut category_by_name = HashMap::new();
        let mut parents: Vec<Option<u32>> = Vec::new();
        for (i, category) in scheme.categories.iter().enumerate() {
            let index = u32::try_from(i).map_err(|_| bad("too many categories"))?;
            category_by_name.insert(category.id.as_str(), index);
            let parent = match &category.parent {
                None => None,
                Some(p) => Some(*category_by_name.get(p.as_str()).ok_or_else(|| {
                    bad(format!(
                        "category `{}` names an unknown parent `{p}`",
                        category.id
                    ))
                })?),
            };
            parents.push(parent);
        }

        // Parents come before their children: one pass inherits exclusions.
        // A grouping category's own products are outside the scheme; its
        // sub-categories' are not, so grouping is not inherited.
        let mut inheritable: Vec<Option<&'r str>> = Vec::with_capacity(parents.len());
        let mut exclusions: Vec<Option<&'r str>> = Vec::with_capacity(parents.len());
        for (category, parent) in scheme.categories.iter().zip(&parents) {
            let inherited = parent.and_then(|p| inheritable.get(p as usize).copied().flatten());
            let excluded = category.excluded.as_deref().or(inherited);
            inheritable.push(excluded);
            exclusions.push(excluded.or(category.grouping.as_deref()));
        }

        let mut constants = Vec::new();
        let conditions = scheme
            .criteria
            .iter()
            .filter_map(|c| c.condition.as_ref())
            .chain(
                rules
                    .recognitions
                    .iter()
                    .filter_map(|r| r.condition.as_ref()),
            );
        for condition in conditions {
            collect_strings(condition, &mut constants, 0);
        }
        let mut strings = FxHashMap::default();
        let mut short_strings = FxHashMap::default();
        for constant in constants {
            let next =
                u32::try_from(strings.len()).map_err(|_| bad("too many string constants"))?;
            let id = *strings.entry(constant).or_insert(next);
            if let Some(key) = small_key(constant) {
                short_strings.insert(key, id);
            }
        }

        let mut program = Program {
            rules,
            scheme,
            as_of,
            key_order: (0..slots.len()).map(|_| AtomicU32::new(u32::MAX)).collect(),
            slots,
            slot_by_name,
            strings,
            short_strings,
            category_by_name,
            exclusions,
            criteria: Vec::new(),
            levels: Vec::new(),
            recognitions: Vec::new(),
        };

        let mut criterion_index = HashMap::new();
        for (i, criterion) in scheme.criteria.iter().enumerate() {
            criterion_index.insert(
                criterion.id.as_str(),
                u32::try_from(i).map_err(|_| bad("too many criteria"))?,
            );
            let applies = program.coverage(&criterion.applies_to, &parents, || {
                format!("criterion `{}`", criterion.id)
            })?;
            let from = optional_date(&criterion.valid_from, &criterion.id)?;
            let until = optional_date(&criterion.valid_until, &criterion.id)?;
            let condition = match &criterion.condition {
                Some(c) => Some(program.compile(c, 0)?),
                None => None,
            };
            program.criteria.push(CompiledCriterion {
                criterion,
                applies,
                valid_now: in_window(as_of, from, until),
                condition,
            });
        }
        let lookup = |id: &String| {
            criterion_index
                .get(id.as_str())
                .copied()
                .ok_or_else(|| bad(format!("unknown criterion `{id}` in `{}`", scheme.key())))
        };
        let mut levels: Vec<&crate::rules::Level> = scheme.levels.iter().collect();
        levels.sort_by_key(|l| l.rank);
        // Each level keeps only what it adds to the level below: judged lowest
        // first, a level is reached only when the one below is, so its own
        // additions decide it. (When a rule set's levels are not cumulative,
        // which `check` forbids, a level keeps its whole list.)
        let mut below_required: std::collections::BTreeSet<&str> =
            std::collections::BTreeSet::new();
        let mut below_groups: Vec<&crate::rules::AtLeast> = Vec::new();
        for level in levels {
            let all: std::collections::BTreeSet<&str> =
                level.requires_all.iter().map(String::as_str).collect();
            let cumulative = below_required.is_subset(&all)
                && below_groups.iter().all(|g| level.at_least_all.contains(g));
            let required = level
                .requires_all
                .iter()
                .filter(|id| !cumulative || !below_required.contains(id.as_str()))
                .map(lookup)
                .collect::<Result<_, _>>()?;
            let groups = level
                .at_least_all
                .iter()
                .filter(|g| !cumulative || !below_groups.contains(g))
                .map(|g| Ok((g.k, g.of.iter().map(lookup).collect::<Result<_, _>>()?)))
                .collect::<Result<_, RuleSetError>>()?;
            let mut all_ids: Vec<u32> = level
                .requires_all
                .iter()
                .chain(level.at_least_all.iter().flat_map(|g| g.of.iter()))
                .map(lookup)
                .collect::<Result<_, _>>()?;
            all_ids.sort_unstable();
            all_ids.dedup();
            let weak = all_ids
                .iter()
                .filter_map(|&i| {
                    let criterion = scheme.criteria.get(i as usize)?;
                    let own = crate::rules::basis_of(criterion.basis.as_ref());
                    let place =
                        crate::rules::basis_of(level.require_basis.get(criterion.id.as_str()));
                    let basis = own.max(place);
                    (basis != crate::rules::Basis::Official).then_some((i, basis))
                })
                .collect();
            program.levels.push(CompiledLevel {
                level,
                required,
                groups,
                cumulative,
                weak,
                all: all_ids,
            });
            below_required = all;
            below_groups = level.at_least_all.iter().collect();
        }
        for recognition in &rules.recognitions {
            let in_effect = recognition.targets(scheme)
                && recognition.credit != Credit::None
                && recognition.status != RecognitionStatus::Proposed
                && in_window(
                    as_of,
                    optional_date(&recognition.valid_from, &recognition.id)?,
                    optional_date(&recognition.valid_until, &recognition.id)?,
                );
            if !in_effect {
                continue;
            }
            // An unpinned recognition credits, of the criteria and categories
            // it names, those this version has; a pinned one names only those.
            let pinned = recognition.to.version.is_some();
            let credits = recognition
                .credits
                .iter()
                .filter(|id| pinned || criterion_index.contains_key(id.as_str()))
                .map(lookup)
                .collect::<Result<_, _>>()?;
            let condition = match &recognition.condition {
                Some(c) => Some(program.compile(c, 0)?),
                None => None,
            };
            let applies_to = match &recognition.applies_to {
                AppliesTo::Categories { ids } if !pinned => AppliesTo::Categories {
                    ids: ids
                        .iter()
                        .filter(|id| program.category_by_name.contains_key(id.as_str()))
                        .cloned()
                        .collect(),
                },
                other => other.clone(),
            };
            let mut applies = program.coverage(&applies_to, &parents, || {
                format!("recognition `{}`", recognition.id)
            })?;
            // `except`: those categories and their descendants are not covered.
            if !recognition.except.is_empty() {
                let except = AppliesTo::Categories {
                    ids: recognition.except.clone(),
                };
                let left_out = program
                    .coverage(&except, &parents, || {
                        format!("recognition `{}` (`except`)", recognition.id)
                    })?
                    .unwrap_or_default();
                let covered = applies.get_or_insert_with(|| vec![true; parents.len()]);
                for (c, out) in covered.iter_mut().zip(&left_out) {
                    *c = *c && !*out;
                }
            }
            program.recognitions.push(CompiledRecognition {
                recognition,
                credits,
                condition,
                applies,
                weak: recognition.status == RecognitionStatus::Assumed
                    || crate::rules::basis_of(recognition.basis.as_ref())
                        != crate::rules::Basis::Official,
            });
        }
        program.index_constants_by_fact();
        Ok(program)
    }

    /// The categories `applies_to` covers, by index: a category is covered
    /// when it or an ancestor is listed. `None` for all; `who` names the
    /// item in the error for an unknown category.
    fn coverage(
        &self,
        applies_to: &AppliesTo,
        parents: &[Option<u32>],
        who: impl Fn() -> String,
    ) -> Result<Option<Vec<bool>>, RuleSetError> {
        let AppliesTo::Categories { ids } = applies_to else {
            return Ok(None);
        };
        let mut covered = vec![false; parents.len()];
        for id in ids {
            let at = self
                .category_by_name
                .get(id.as_str())
                .ok_or_else(|| bad(format!("{} applies to unknown category `{id}`", who())))?;
            if let Some(slot) = covered.get_mut(*at as usize) {
                *slot = true;
            }
        }
        // Parents come before their children, so one pass inherits down the tree.
        for i in 0..parents.len() {
            let inherited = parents
                .get(i)
                .copied()
                .flatten()
                .and_then(|p| covered.get(p as usize).copied())
                .unwrap_or(false);
            if let Some(c) = covered.get_mut(i) {
                *c |= inherited;
            }
        }
        Ok(Some(covered))
    }

    /// Fills [`Slot::few_constants`] from the compiled conditions.
    fn index_constants_by_fact(&mut self) {
        let mut names = vec![""; self.strings.len()];
        for (text, id) in &self.strings {
            if let Some(name) = names.get_mut(*id as usize) {
                *name = text;
            }
        }
        let mut per_slot: Vec<Vec<u32>> = vec![Vec::new(); self.slots.len()];
        let mut stack: Vec<&Node<'r>> = self
            .criteria
            .iter()
            .filter_map(|c| c.condition.as_ref())
            .chain(
                self.recognitions
                    .iter()
                    .filter_map(|r| r.condition.as_ref()),
            )
            .collect();
        while let Some(node) = stack.pop() {
            let (slot, ids): (u32, &[u32]) = match &node.kind {
                Kind::And(items) | Kind::Or(items) => {
                    stack.extend(items);
                    continue;
                }
                Kind::Not(inner) => {
                    stack.push(inner);
                    continue;
                }
                Kind::Str(slot, _, id) | Kind::Contains(slot, id) => {
                    (*slot, std::slice::from_ref(id))
                }
                Kind::InStr(slot, _, set) | Kind::Subset(slot, set) => (*slot, set.ids()),
                Kind::Superset(slot, ids) => (*slot, ids),
                _ => continue,
            };
            if let Some(list) = per_slot.get_mut(slot as usize) {
                list.extend(ids.iter().filter(|id| **id != OTHER));
            }
        }
        for (slot, mut ids) in self.slots.iter_mut().zip(per_slot) {
            ids.sort_unstable();
            ids.dedup();
            if ids.len() > FEW_CONSTANTS {
                continue;
            }
            let mut few = FewConstants::default();
            for id in ids {
                let text = names.get(id as usize).copied().unwrap_or("");
                match small_key(text) {
                    Some(key) => few.short.push((key, id)),
                    None => few.long.push((text, id)),
                }
            }
            slot.few_constants = Some(few);
        }
    }

    /// The slot of the fact named `name`, the `position`-th key of a product's facts.
    pub fn slot_of(&self, name: &str, position: usize) -> Option<u32> {
        let predicted = self.key_order.get(position);
        if let Some(p) = predicted {
            let slot = p.load(Ordering::Relaxed);
            if self
                .slots
                .get(slot as usize)
                .is_some_and(|s| s.name == name)
            {
                return Some(slot);
            }
        }
        let slot = *self.slot_by_name.get(name)?;
        if let Some(p) = predicted {
            p.store(slot, Ordering::Relaxed);
        }
        Some(slot)
    }

    /// The id of a product's string for the fact of `slot`: `OTHER` when no
    /// condition compares that fact with it.
    pub fn intern_for(&self, slot: &Slot<'r>, s: &str) -> u32 {
        self.intern_keyed(slot, s, small_key(s))
    }

    /// [`Self::intern_for`] with `key`, which must be `small_key(s)`, given
    /// by a caller that packed it more cheaply.
    #[inline]
    pub(crate) fn intern_keyed(&self, slot: &Slot<'r>, s: &str, key: Option<u64>) -> u32 {
        let Some(few) = &slot.few_constants else {
            return self.intern(s);
        };
        let found = match key {
            Some(key) => few.short.iter().find(|(k, _)| *k == key).map(|(_, id)| *id),
            None => few.long.iter().find(|(t, _)| *t == s).map(|(_, id)| *id),
        };
        found.unwrap_or(OTHER)
    }

    /// The id of a string constant (`OTHER` for strings no condition mentions).
    pub fn intern(&self, s: &str) -> u32 {
        match small_key(s) {
            Some(key) => self.short_strings.get(&key).copied().unwrap_or(OTHER),
            None => self.strings.get(s).copied().unwrap_or(OTHER),
        }
    }

    fn slot(&self, fact: &crate::rules::FactRef) -> Result<(u32, &Slot<'r>), RuleSetError> {
        let slot = self
            .slots
            .get(fact.slot as usize)
            .filter(|s| s.name == fact.name)
            .ok_or_else(|| bad(format!("fact `{}` has no slot {}", fact.name, fact.slot)))?;
        Ok((fact.slot, slot))
    }

    fn date_literal(&self, value: &Literal, text: &str) -> Result<Date, RuleSetError> {
        match value {
            Literal::Date(d) => {
                parse_date(d).ok_or_else(|| bad(format!("`{text}`: `{d}` is not a date")))
            }
            Literal::AssessmentDate => Ok(self.as_of),
            _ => Err(bad(format!(
                "`{text}`: a date fact compared with a non-date"
            ))),
        }
    }

    /// Compiles a condition; `depth` bounds recursion on hand-written input.
    fn compile(&self, condition: &'r Condition, depth: usize) -> Result<Node<'r>, RuleSetError> {
        if depth > 256 {
            return Err(bad("a condition is nested too deeply"));
        }
        let text = condition.text();
        let mismatch = |what: &str| bad(format!("`{text}`: {what}"));
        let kind = match condition {
            Condition::And { args, .. } => Kind::And(
                args.iter()
                    .map(|a| self.compile(a, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Condition::Or { args, .. } => Kind::Or(
                args.iter()
                    .map(|a| self.compile(a, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Condition::Not { arg, .. } => Kind::Not(Box::new(self.compile(arg, depth + 1)?)),
            Condition::IsTrue { fact, .. } => {
                let (slot, info) = self.slot(fact)?;
                if info.ty != SlotType::Bool {
                    return Err(mismatch("not a bool fact"));
                }
                Kind::IsTrue(slot)
            }
            Condition::Present { fact, .. } => Kind::Present(self.slot(fact)?.0),
            Condition::Compare {
                fact,
                comparison,
                value,
                ..
            } => {
                let (slot, info) = self.slot(fact)?;
                let equality = |c: &Comparison| match c {
                    Comparison::Eq => Ok(true),
                    Comparison::Ne => Ok(false),
                    _ => Err(mismatch("only == and != apply")),
                };
                match (info.ty, value) {
                    (SlotType::Bool, Literal::Bool(b)) => {
                        Kind::Bool(slot, equality(comparison)?, *b)
                    }
                    (SlotType::Int, Literal::Int(i)) => Kind::Int(slot, *comparison, *i),
                    (SlotType::Decimal, Literal::Int(i)) => {
                        Kind::Number(slot, *comparison, *i as f64)
                    }
                    (SlotType::Int | SlotType::Decimal, Literal::Decimal(d)) => {
                        Kind::Number(slot, *comparison, *d)
                    }
                    (SlotType::String, Literal::String(s)) => {
                        Kind::Str(slot, equality(comparison)?, self.intern(s))
                    }
                    (SlotType::Enum, Literal::Enum(v)) => {
                        let index = info.values.get(v.as_str()).ok_or_else(|| {
                            mismatch(&format!("`{v}` is not a value of `{}`", fact.name))
                        })?;
                        Kind::Enum(slot, equality(comparison)?, *index)
                    }
                    (SlotType::Date, value) => {
                        Kind::Date(slot, *comparison, self.date_literal(value, text)?)
                    }
                    _ => return Err(mismatch("the value does not fit the fact's type")),
                }
            }
            Condition::In {
                fact,
                values,
                negated,
                ..
            } => {
                let (slot, info) = self.slot(fact)?;
                let wrong = || mismatch("a listed value does not fit the fact's type");
                match info.ty {
                    SlotType::String => Kind::InStr(
                        slot,
                        *negated,
                        IdSet::new(
                            values
                                .iter()
                                .map(|v| match v {
                                    Literal::String(s) => Ok(self.intern(s)),
                                    _ => Err(wrong()),
                                })
                                .collect::<Result<_, _>>()?,
                        ),
                    ),
                    SlotType::Enum => Kind::InEnum(
                        slot,
                        *negated,
                        values
                            .iter()
                            .map(|v| match v {
                                Literal::Enum(s) => {
                                    info.values.get(s.as_str()).copied().ok_or_else(wrong)
                                }
                                _ => Err(wrong()),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    SlotType::Int | SlotType::Decimal => Kind::InNumber(
                        slot,
                        *negated,
                        values
                            .iter()
                            .map(|v| match v {
                                Literal::Int(i) => Ok(*i as f64),
                                Literal::Decimal(d) => Ok(*d),
                                _ => Err(wrong()),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    SlotType::Date => Kind::InDate(
                        slot,
                        *negated,
                        values
                            .iter()
                            .map(|v| self.date_literal(v, text))
                            .collect::<Result<_, _>>()?,
                    ),
                    SlotType::Bool => Kind::InBool(
                        slot,
                        *negated,
                        values
                            .iter()
                            .map(|v| match v {
                                Literal::Bool(b) => Ok(*b),
                                _ => Err(wrong()),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    SlotType::Set => return Err(mismatch("`in` does not apply to a set")),
                }
            }
            Condition::Contains { fact, value, .. } => {
                let (slot, info) = self.slot(fact)?;
                if info.ty != SlotType::Set {
                    return Err(mismatch("not a set fact"));
                }
                Kind::Contains(slot, self.intern(value))
            }
            Condition::SubsetOf { fact, values, .. }
            | Condition::SupersetOf { fact, values, .. } => {
                let (slot, info) = self.slot(fact)?;
                if info.ty != SlotType::Set {
                    return Err(mismatch("not a set fact"));
                }
                let mut values: Vec<u32> = values.iter().map(|v| self.intern(v)).collect();
                values.sort_unstable();
                values.dedup();
                if matches!(condition, Condition::SubsetOf { .. }) {
                    Kind::Subset(slot, IdSet::new(values))
                } else {
                    Kind::Superset(slot, values)
                }
            }
            Condition::Within {
                fact,
                days,
                direction,
                ..
            } => {
                let (slot, info) = self.slot(fact)?;
                if info.ty != SlotType::Date {
                    return Err(mismatch("not a date fact"));
                }
                let span = jiff::Span::new()
                    .try_days(*days)
                    .map_err(|_| mismatch("the number of days is out of range"))?;
                let (lo, hi) = match direction {
                    Direction::Before => (
                        self.as_of.checked_sub(span).unwrap_or(Date::MIN),
                        self.as_of,
                    ),
                    Direction::After => (
                        self.as_of,
                        self.as_of.checked_add(span).unwrap_or(Date::MAX),
                    ),
                };
                Kind::Between(slot, lo, hi)
            }
        };
        Ok(Node { kind, text })
    }
}

#[cfg(test)]
mod tests {
    use super::{IdSet, OTHER};

    /// Bitmap and search agree with a plain list, at the edges of words and spans.
    #[test]
    fn an_id_set_holds_exactly_its_ids() {
        let lists: [&[u32]; 6] = [
            &[],
            &[0],
            &[5, 3, 3, 70, 63, 64],
            &[100, 101, 102],
            &[7, 7 + IdSet::MAX_SPAN - 1],
            &[7, 7 + IdSet::MAX_SPAN, 20_000],
        ];
        for list in lists {
            let set = IdSet::new(list.to_vec());
            let mut ids = list.to_vec();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(set.ids(), ids.as_slice());
            for id in (0..=25_000).chain([OTHER, OTHER - 1]) {
                assert_eq!(set.contains(id), list.contains(&id), "{id} in {list:?}");
            }
        }
        assert!(!IdSet::new(vec![7, 7 + IdSet::MAX_SPAN - 1]).bits.is_empty());
        assert!(IdSet::new(vec![7, 7 + IdSet::MAX_SPAN]).bits.is_empty());
    }
}
