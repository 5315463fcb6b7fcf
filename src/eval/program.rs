//! A scheme version of a rule set prepared for evaluation: fact names
//! resolved to slots, literals typed, categories and criteria indexed, so
//! that judging a product does no name lookups per criterion.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use super::RuleSetError;
pub use super::idset::IdSet;
use crate::rules::{AppliesTo, Comparison, Credit, FactType, RecognitionStatus, RuleSet, Scheme};

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
    pub(crate) few_constants: Option<FewConstants<'r>>,
}

/// A fact's string constants with their ids, split by [`small_key`].
#[derive(Debug, Default)]
pub struct FewConstants<'r> {
    pub short: Vec<(u64, u32)>,
    pub long: Vec<(&'r str, u32)>,
}

/// Up to this many constants per fact are scanned rather than hashed.
const FEW_CONSTANTS: usize = 16;

#[derive(Debug)]
pub struct Node<'r> {
    pub kind: Kind<'r>,
    pub text: &'r str,
}

#[derive(Debug)]
/// A compiled condition. `slot` is the fact's index in [`Program::slots`];
/// `equal` is false for `!=`; `negated` is true for `not in`.
pub enum Kind<'r> {
    And(Vec<Node<'r>>),
    Or(Vec<Node<'r>>),
    Not(Box<Node<'r>>),
    IsTrue {
        slot: u32,
    },
    Present {
        slot: u32,
    },
    Bool {
        slot: u32,
        equal: bool,
        value: bool,
    },
    Int {
        slot: u32,
        comparison: Comparison,
        value: i64,
    },
    Number {
        slot: u32,
        comparison: Comparison,
        value: f64,
    },
    /// Strings are compared by interned id ([`Program::intern`]).
    Str {
        slot: u32,
        equal: bool,
        value: u32,
    },
    Enum {
        slot: u32,
        equal: bool,
        value: u32,
    },
    Date {
        slot: u32,
        comparison: Comparison,
        value: Date,
    },
    InStr {
        slot: u32,
        negated: bool,
        values: IdSet,
    },
    InEnum {
        slot: u32,
        negated: bool,
        values: Vec<u32>,
    },
    InNumber {
        slot: u32,
        negated: bool,
        values: Vec<f64>,
    },
    InDate {
        slot: u32,
        negated: bool,
        values: Vec<Date>,
    },
    InBool {
        slot: u32,
        negated: bool,
        values: Vec<bool>,
    },
    Contains {
        slot: u32,
        value: u32,
    },
    Subset {
        slot: u32,
        values: IdSet,
    },
    Superset {
        slot: u32,
        values: Vec<u32>,
    },
    /// The date lies in `from..=to`.
    Between {
        slot: u32,
        from: Date,
        to: Date,
    },
}

#[derive(Debug)]
pub struct CompiledCriterion<'r> {
    pub criterion: &'r crate::rules::Criterion,
    /// Category indices it applies to (descendants included); `None` for all.
    pub applies: Option<Vec<bool>>,
    /// Its validity dates, read once.
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
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
    pub(crate) slot_by_name: FxHashMap<&'r str, u32>,
    /// The slot last seen at each position of a product's `facts`: products
    /// of one batch list their facts in the same order, so a name is usually
    /// confirmed by one comparison instead of a hash lookup.
    pub(crate) key_order: Vec<AtomicU32>,
    /// Every string constant of the conditions, by id; a product's string
    /// that is none of them gets `OTHER`. Strings of up to 7 bytes are
    /// keyed by their bytes packed into an integer (`small_key`): no byte
    /// hashing and no `memcmp` for the short values sets usually hold.
    pub(crate) strings: FxHashMap<&'r str, u32>,
    pub(crate) short_strings: FxHashMap<u64, u32>,
    pub(crate) category_by_name: HashMap<&'r str, u32>,
    /// By category index: why its products are outside the scheme (its own
    /// `excluded` reason or the nearest ancestor's); `None` when in scope.
    pub(crate) exclusions: Vec<Option<&'r str>>,
    /// By category index: whether the scheme, the category and its
    /// ancestors have taken effect on `as_of`.
    pub(crate) in_force: Vec<bool>,
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

pub use crate::rules::parse_date;

/// A date field of the rule set: `place` names the item in the error.
fn optional_date(s: &Option<String>, place: &str) -> Result<Option<Date>, RuleSetError> {
    match s {
        None => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| RuleSetError::InvalidDate {
                place: place.to_string(),
                date: s.clone(),
            }),
    }
}

fn in_window(as_of: Date, from: Option<Date>, until: Option<Date>) -> bool {
    from.is_none_or(|f| f <= as_of) && until.is_none_or(|u| as_of <= u)
}

fn index(i: usize, what: &'static str) -> Result<u32, RuleSetError> {
    u32::try_from(i).map_err(|_| RuleSetError::TooMany { what })
}

/// The category tree of a scheme version, read in one pass (parents come
/// before their children).
struct Categories<'r> {
    by_name: HashMap<&'r str, u32>,
    parents: Vec<Option<u32>>,
    exclusions: Vec<Option<&'r str>>,
    in_force: Vec<bool>,
}

impl<'r> Categories<'r> {
    fn new(scheme: &'r Scheme, as_of: Date) -> Result<Categories<'r>, RuleSetError> {
        let count = scheme.categories.len();
        let mut tree = Categories {
            by_name: HashMap::new(),
            parents: Vec::with_capacity(count),
            exclusions: Vec::with_capacity(count),
            in_force: Vec::with_capacity(count),
        };
        // An `effective` date that is not a date counts as none.
        let effective =
            |d: &Option<String>| d.as_deref().and_then(parse_date).is_none_or(|d| d <= as_of);
        let scheme_in_force = effective(&scheme.effective);
        // What each category passes to its children: the exclusion. A
        // grouping category's own products are outside the scheme; its
        // sub-categories' are not, so grouping is not inherited.
        let mut inheritable: Vec<Option<&'r str>> = Vec::with_capacity(count);
        for (i, category) in scheme.categories.iter().enumerate() {
            tree.by_name
                .insert(category.id.as_str(), index(i, "categories")?);
            let parent = match &category.parent {
                None => None,
                Some(p) => Some(*tree.by_name.get(p.as_str()).ok_or_else(|| {
                    RuleSetError::UnknownParent {
                        category: category.id.clone(),
                        parent: p.clone(),
                    }
                })?),
            };
            let (inherited, parent_in_force) = match parent {
                Some(p) => (
                    inheritable.get(p as usize).copied().flatten(),
                    tree.in_force.get(p as usize).copied().unwrap_or(false),
                ),
                None => (None, scheme_in_force),
            };
            let excluded = category.excluded.as_deref().or(inherited);
            inheritable.push(excluded);
            tree.exclusions
                .push(excluded.or(category.grouping.as_deref()));
            tree.in_force
                .push(parent_in_force && effective(&category.effective));
            tree.parents.push(parent);
        }
        Ok(tree)
    }
}

/// The facts of a rule set as slots, and the slot of each name.
type Slots<'r> = (Vec<Slot<'r>>, FxHashMap<&'r str, u32>);

fn slots_of(rules: &RuleSet) -> Result<Slots<'_>, RuleSetError> {
    let mut slots = Vec::with_capacity(rules.facts.len());
    let mut slot_by_name = FxHashMap::default();
    for (i, fact) in rules.facts.iter().enumerate() {
        let at = index(i, "facts")?;
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
            .map(|(i, v)| Ok((*v, index(i, "enumeration values")?)))
            .collect::<Result<_, RuleSetError>>()?;
        if slot_by_name.insert(fact.name.as_str(), at).is_some() {
            return Err(RuleSetError::DuplicateFact {
                name: fact.name.clone(),
            });
        }
        slots.push(Slot {
            name: &fact.name,
            ty,
            values,
            value_names,
            few_constants: None,
        });
    }
    Ok((slots, slot_by_name))
}

/// Every string constant of the scheme's and the recognitions' conditions,
/// by id, and the ids of the short ones by [`small_key`].
type Strings<'r> = (FxHashMap<&'r str, u32>, FxHashMap<u64, u32>);

fn intern_constants<'r>(
    rules: &'r RuleSet,
    scheme: &'r Scheme,
) -> Result<Strings<'r>, RuleSetError> {
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
        super::compile::collect_strings(condition, &mut constants, 0);
    }
    let mut strings = FxHashMap::default();
    let mut short_strings = FxHashMap::default();
    for constant in constants {
        let next = index(strings.len(), "string constants")?;
        let id = *strings.entry(constant).or_insert(next);
        if let Some(key) = small_key(constant) {
            short_strings.insert(key, id);
        }
    }
    Ok((strings, short_strings))
}

/// Of the criteria `all` of `level`, those whose own basis or place in the
/// level rests on less than the official text, with the weaker of the two.
fn weak_criteria(
    scheme: &Scheme,
    level: &crate::rules::Level,
    all: &[u32],
) -> Vec<(u32, crate::rules::Basis)> {
    all.iter()
        .filter_map(|&i| {
            let criterion = scheme.criteria.get(i as usize)?;
            let own = crate::rules::basis_of(criterion.basis.as_ref());
            let place = crate::rules::basis_of(level.require_basis.get(criterion.id.as_str()));
            let basis = own.max(place);
            (basis != crate::rules::Basis::Official).then_some((i, basis))
        })
        .collect()
}

impl<'r> Program<'r> {
    /// Prepares `scheme` (an index into `rules.schemes`) for evaluation on `as_of`.
    pub fn new(
        rules: &'r RuleSet,
        scheme: usize,
        as_of: Date,
    ) -> Result<Program<'r>, RuleSetError> {
        if rules.format != crate::rules::FORMAT {
            return Err(RuleSetError::Format {
                found: rules.format.clone(),
                expected: crate::rules::FORMAT,
            });
        }
        let scheme = rules
            .schemes
            .get(scheme)
            .ok_or(RuleSetError::NoSuchScheme { index: scheme })?;
        let (slots, slot_by_name) = slots_of(rules)?;
        let categories = Categories::new(scheme, as_of)?;
        let (strings, short_strings) = intern_constants(rules, scheme)?;
        let mut program = Program {
            rules,
            scheme,
            as_of,
            key_order: (0..slots.len()).map(|_| AtomicU32::new(u32::MAX)).collect(),
            slots,
            slot_by_name,
            strings,
            short_strings,
            category_by_name: categories.by_name,
            exclusions: categories.exclusions,
            in_force: categories.in_force,
            criteria: Vec::new(),
            levels: Vec::new(),
            recognitions: Vec::new(),
        };
        let parents = &categories.parents;
        let criterion_index = program.compile_criteria(parents)?;
        program.compile_levels(&criterion_index)?;
        program.compile_recognitions(&criterion_index, parents)?;
        program.index_constants_by_fact();
        Ok(program)
    }

    /// The index of a criterion of this scheme version, by id.
    fn criterion_at(
        &self,
        criterion_index: &HashMap<&str, u32>,
        id: &str,
    ) -> Result<u32, RuleSetError> {
        criterion_index
            .get(id)
            .copied()
            .ok_or_else(|| RuleSetError::UnknownCriterion {
                criterion: id.to_string(),
                scheme: self.scheme.key(),
            })
    }

    /// Compiles the scheme's criteria; returns each one's index by id.
    fn compile_criteria(
        &mut self,
        parents: &[Option<u32>],
    ) -> Result<HashMap<&'r str, u32>, RuleSetError> {
        let scheme = self.scheme;
        let mut criterion_index = HashMap::new();
        for (i, criterion) in scheme.criteria.iter().enumerate() {
            criterion_index.insert(criterion.id.as_str(), index(i, "criteria")?);
            let applies = self.coverage(&criterion.applies_to, parents, || {
                format!("criterion `{}`", criterion.id)
            })?;
            let valid_from = optional_date(&criterion.valid_from, &criterion.id)?;
            let valid_until = optional_date(&criterion.valid_until, &criterion.id)?;
            let condition = match &criterion.condition {
                Some(c) => Some(self.compile(c, 0)?),
                None => None,
            };
            self.criteria.push(CompiledCriterion {
                criterion,
                applies,
                valid_from,
                valid_until,
                valid_now: in_window(self.as_of, valid_from, valid_until),
                condition,
            });
        }
        Ok(criterion_index)
    }

    /// Compiles the levels, lowest first. Each level keeps only what it adds
    /// to the level below: judged lowest first, a level is reached only when
    /// the one below is, so its own additions decide it. (When a rule set's
    /// levels are not cumulative, which `check` forbids, a level keeps its
    /// whole list.)
    fn compile_levels(&mut self, criterion_index: &HashMap<&str, u32>) -> Result<(), RuleSetError> {
        let scheme = self.scheme;
        let lookup = |id: &String| self.criterion_at(criterion_index, id);
        let mut levels: Vec<&crate::rules::Level> = scheme.levels.iter().collect();
        levels.sort_by_key(|l| l.rank);
        let mut below_required: BTreeSet<&str> = BTreeSet::new();
        let mut below_groups: Vec<&crate::rules::AtLeast> = Vec::new();
        let mut compiled = Vec::with_capacity(levels.len());
        for level in levels {
            let all: BTreeSet<&str> = level.requires_all.iter().map(String::as_str).collect();
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
            compiled.push(CompiledLevel {
                level,
                required,
                groups,
                cumulative,
                weak: weak_criteria(scheme, level, &all_ids),
                all: all_ids,
            });
            below_required = all;
            below_groups = level.at_least_all.iter().collect();
        }
        self.levels = compiled;
        Ok(())
    }

    /// Compiles the recognitions that credit this scheme version and are in
    /// effect on `as_of`.
    fn compile_recognitions(
        &mut self,
        criterion_index: &HashMap<&str, u32>,
        parents: &[Option<u32>],
    ) -> Result<(), RuleSetError> {
        let rules = self.rules;
        for recognition in &rules.recognitions {
            let in_effect = recognition.targets(self.scheme)
                && recognition.credit != Credit::None
                && recognition.status != RecognitionStatus::Proposed
                && in_window(
                    self.as_of,
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
                .map(|id| self.criterion_at(criterion_index, id))
                .collect::<Result<_, _>>()?;
            let condition = match &recognition.condition {
                Some(c) => Some(self.compile(c, 0)?),
                None => None,
            };
            let applies = self.recognition_coverage(recognition, pinned, parents)?;
            self.recognitions.push(CompiledRecognition {
                recognition,
                credits,
                condition,
                applies,
                weak: recognition.status == RecognitionStatus::Assumed
                    || crate::rules::basis_of(recognition.basis.as_ref())
                        != crate::rules::Basis::Official,
            });
        }
        Ok(())
    }

    /// The categories a recognition covers: its `applies_to` (for an
    /// unpinned one, those of its categories this version has) less its
    /// `except` and their descendants.
    fn recognition_coverage(
        &self,
        recognition: &crate::rules::Recognition,
        pinned: bool,
        parents: &[Option<u32>],
    ) -> Result<Option<Vec<bool>>, RuleSetError> {
        let applies_to = match &recognition.applies_to {
            AppliesTo::Categories { ids } if !pinned => AppliesTo::Categories {
                ids: ids
                    .iter()
                    .filter(|id| self.category_by_name.contains_key(id.as_str()))
                    .cloned()
                    .collect(),
            },
            other => other.clone(),
        };
        let mut applies = self.coverage(&applies_to, parents, || {
            format!("recognition `{}`", recognition.id)
        })?;
        if !recognition.except.is_empty() {
            let except = AppliesTo::Categories {
                ids: recognition.except.clone(),
            };
            let left_out = self
                .coverage(&except, parents, || {
                    format!("recognition `{}` (`except`)", recognition.id)
                })?
                .unwrap_or_default();
            let covered = applies.get_or_insert_with(|| vec![true; parents.len()]);
            for (c, out) in covered.iter_mut().zip(&left_out) {
                *c = *c && !*out;
            }
        }
        Ok(applies)
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
            let at = self.category_by_name.get(id.as_str()).ok_or_else(|| {
                RuleSetError::UnknownCategory {
                    item: who(),
                    category: id.clone(),
                }
            })?;
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
                Kind::Str { slot, value, .. } | Kind::Contains { slot, value } => {
                    (*slot, std::slice::from_ref(value))
                }
                Kind::InStr { slot, values, .. } | Kind::Subset { slot, values } => {
                    (*slot, values.ids())
                }
                Kind::Superset { slot, values } => (*slot, values),
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
}
