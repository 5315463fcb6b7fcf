//! A decision procedure over conditions: whether every product that passes
//! one criterion or level also passes another, with a witness product when
//! not. Lower (the targets to conditions over facts and categories) →
//! encode (per-fact cells, Kleene logic as two literals per node, see
//! `encode`) → ask (a SAT solver, `batsat`) → decode (the model as a
//! product JSON line) → confirm (the real evaluator judges the witness).
//!
//! "Passes" is eval's: a criterion passes a product when it applies to the
//! product's category on the assessment date and its condition is `true`
//! (`unknown` is not a pass); a level when eval says the product reaches it.
//! Witnesses hold nothing, so no recognition credits them. See
//! docs/analysis.md.

mod compare;
mod dead;
mod encode;
pub mod levels;
mod recognitions;

pub use compare::{Directions, compare};
pub use dead::{Finding, LevelPart, find_dead, find_dead_on};
pub use recognitions::{Checked, Verification, verify, verify_all, word};

use std::collections::BTreeMap;

use batsat::Lit;
use jiff::civil::Date;

use crate::eval::{Program, Verdict};
use crate::rules::{Held, Holding, Relationship, RuleSet};
use encode::Encoder;

/// Why a question cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnalysisError {
    /// A target names no criterion or level of the rule set (with a fix).
    Target {
        message: String,
        help: Option<String>,
    },
    /// The rule set holds something the procedure does not read (a rule
    /// set `check` rejects, or a scheme eval cannot prepare).
    Unsupported(String),
    /// The evaluator judged a witness otherwise than the procedure: a bug
    /// in labelc, reported instead of a wrong answer.
    Unconfirmed(String),
}

impl std::fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnalysisError::Target { message, .. } => f.write_str(message),
            AnalysisError::Unsupported(m) => write!(f, "cannot analyse this rule set: {m}"),
            AnalysisError::Unconfirmed(m) => write!(
                f,
                "internal error: the evaluator does not confirm a witness ({m}); please report it"
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}

/// What a question is about: a criterion or a level of one scheme version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `rules.schemes[scheme].criteria[index]`.
    Criterion { scheme: usize, index: usize },
    /// `rules.schemes[scheme].levels[position]`.
    Level { scheme: usize, position: usize },
    /// Every one of the targets (a recognition's credited criteria).
    All(Vec<Target>),
}

impl Target {
    /// Reads `SCHEME[@VERSION]#ID` (a criterion) or `SCHEME[@VERSION]:N`
    /// (a level: reaching rank N), the holdings notation. Unpinned, the
    /// scheme is the version in force on `as_of`.
    pub fn parse(text: &str, rules: &RuleSet, as_of: Date) -> Result<Target, AnalysisError> {
        let holding = Holding::parse(text).map_err(|e| AnalysisError::Target {
            message: e.message,
            help: Some(
                "name a criterion `SCHEME#ID` or a level `SCHEME:N`, either with `@VERSION` after the scheme"
                    .to_string(),
            ),
        })?;
        let wanted = match &holding.version {
            Some(v) => format!("{}@{v}", holding.scheme),
            None => holding.scheme.clone(),
        };
        let scheme = rules
            .select(&wanted, as_of)
            .map_err(|e| AnalysisError::Target {
                message: format!("`{text}`: {e}"),
                help: None,
            })?
            .index;
        let s = rules
            .schemes
            .get(scheme)
            .ok_or_else(|| AnalysisError::Target {
                message: format!("`{text}`: no such scheme"),
                help: None,
            })?;
        match &holding.held {
            Held::Criterion(id) => match s.criteria.iter().position(|c| &c.id == id) {
                Some(index) => Ok(Target::Criterion { scheme, index }),
                None => Err(AnalysisError::Target {
                    message: format!("`{}` has no criterion `{id}`", s.key()),
                    help: crate::diag::suggest(id, s.criteria.iter().map(|c| c.id.as_str()))
                        .map(|m| format!("did you mean `{}#{m}`?", holding.scheme)),
                }),
            },
            Held::Level(rank) => match s.levels.iter().position(|l| l.rank == *rank) {
                Some(position) => Ok(Target::Level { scheme, position }),
                None => Err(AnalysisError::Target {
                    message: format!("`{}` has no level {rank}", s.key()),
                    help: Some(format!(
                        "its levels are {}",
                        s.levels
                            .iter()
                            .map(|l| l.rank.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }),
            },
        }
    }

    /// The single targets this one stands for.
    fn parts(&self) -> Vec<&Target> {
        match self {
            Target::All(targets) => targets.iter().flat_map(Target::parts).collect(),
            single => vec![single],
        }
    }

    fn scheme(&self) -> usize {
        match self {
            Target::Criterion { scheme, .. } | Target::Level { scheme, .. } => *scheme,
            Target::All(targets) => targets.first().map_or(usize::MAX, Target::scheme),
        }
    }

    /// The target in the notation [`Target::parse`] reads, version pinned.
    pub fn name(&self, rules: &RuleSet) -> String {
        if let Target::All(targets) = self {
            return targets
                .iter()
                .map(|t| t.name(rules))
                .collect::<Vec<_>>()
                .join(" and ");
        }
        let Some(s) = rules.schemes.get(self.scheme()) else {
            return String::new();
        };
        match self {
            Target::Criterion { index, .. } => format!(
                "{}#{}",
                s.key(),
                s.criteria.get(*index).map_or("", |c| c.id.as_str())
            ),
            Target::Level { position, .. } => format!(
                "{}:{}",
                s.key(),
                s.levels.get(*position).map_or(0, |l| l.rank)
            ),
            Target::All(targets) => targets
                .iter()
                .map(|t| t.name(rules))
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }
}

/// The answer to "does every product passing X pass Y?".
#[derive(Clone, Debug, PartialEq)]
pub enum Implication {
    /// It does: no product passes X and fails Y.
    Holds,
    /// It does not: the witness, a product (one JSON line `labelc eval`
    /// accepts), passes X and not Y, as the evaluator judged it.
    Fails { witness: serde_json::Value },
}

impl Implication {
    pub fn holds(&self) -> bool {
        matches!(self, Implication::Holds)
    }

    pub fn witness(&self) -> Option<&serde_json::Value> {
        match self {
            Implication::Holds => None,
            Implication::Fails { witness } => Some(witness),
        }
    }
}

/// The relationship that holds between two targets.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    pub relationship: Relationship,
    /// Every product passing the left side passes the right side.
    pub left_implies_right: Implication,
    /// Every product passing the right side passes the left side.
    pub right_implies_left: Implication,
    /// A product passing both, when one exists.
    pub both: Option<serde_json::Value>,
    /// Whether some product passes the left side (if none, every
    /// implication from it holds vacuously).
    pub left_can_pass: bool,
    /// Whether some product passes the right side.
    pub right_can_pass: bool,
}

/// A level's required criteria and `at_least` groups (indices into the scheme's criteria).
type LevelShape = (Vec<u32>, Vec<(i64, Vec<u32>)>);

/// The decision procedure over one rule set on one assessment date.
pub struct Analyzer<'r> {
    rules: &'r RuleSet,
    as_of: Date,
    encoder: Encoder,
    /// Prepared scheme versions, by index in `rules.schemes`.
    programs: BTreeMap<usize, Program<'r>>,
    /// Per scheme id: one literal per category name, exactly one true.
    categories: BTreeMap<String, Vec<(String, Lit)>>,
    /// The encoded "passes" literal of each target.
    passes: BTreeMap<(usize, bool, usize), Lit>,
    /// The `(applies, is true)` literals of each criterion encoded so far.
    criteria: BTreeMap<(usize, usize), (Lit, Lit)>,
    /// What every question assumes (see [`Analyzer::assume_applicable`]).
    assumed: Vec<Lit>,
    /// Whether a criterion without a condition (pending) may pass: how
    /// level reachability is asked (see [`dead`]). Such an analyzer gives
    /// no witnesses, since eval would not confirm them.
    open: bool,
    /// Whether enumerations may hold a value they do not declare (see
    /// [`Analyzer::scoped`]).
    open_enums: bool,
}

impl<'r> Analyzer<'r> {
    pub fn new(rules: &'r RuleSet, as_of: Date) -> Analyzer<'r> {
        Analyzer {
            rules,
            as_of,
            encoder: Encoder::new(rules, &[], as_of, false),
            programs: BTreeMap::new(),
            categories: BTreeMap::new(),
            passes: BTreeMap::new(),
            criteria: BTreeMap::new(),
            assumed: Vec::new(),
            open: false,
            open_enums: false,
        }
    }

    /// An analyzer that asks only about `conditions` (see [`Analyzer::rescope`]).
    /// With `open`, a criterion without a condition (pending) may pass or
    /// not: a level that needs it is reachable once it is written. With
    /// `open_enums`, every enumeration may hold one value it does not
    /// declare: a condition true on every declared value (`route in [every
    /// route]`) is not true on it. Neither gives witnesses (eval would not
    /// confirm them).
    fn scoped(
        rules: &'r RuleSet,
        as_of: Date,
        conditions: &[&crate::rules::Condition],
        open: bool,
        open_enums: bool,
    ) -> Analyzer<'r> {
        Analyzer {
            rules,
            as_of,
            encoder: Encoder::scoped(rules, conditions, as_of, open_enums),
            programs: BTreeMap::new(),
            categories: BTreeMap::new(),
            passes: BTreeMap::new(),
            criteria: BTreeMap::new(),
            assumed: Vec::new(),
            open,
            open_enums,
        }
    }

    /// From now on, asks only about `conditions` (and the categories and
    /// levels over them): a fresh solver whose facts are those the
    /// conditions read ([`Encoder::scoped`]), so a question's cost does not
    /// grow with the rest of the rule set. The prepared scheme versions are
    /// kept; literals from before are void, so every cache of them is cleared.
    fn rescope(&mut self, conditions: &[&crate::rules::Condition]) {
        self.encoder = Encoder::scoped(self.rules, conditions, self.as_of, self.open_enums);
        self.categories.clear();
        self.passes.clear();
        self.criteria.clear();
        self.assumed.clear();
    }

    /// Asks every later question only about products to which each
    /// criterion of `target` applies (its category covered, in force on the
    /// date): how recognitions are verified, since a recognition credits
    /// only criteria that apply. Levels are left as they are.
    pub fn assume_applicable(&mut self, target: &Target) -> Result<(), AnalysisError> {
        for t in target.parts() {
            if let Target::Criterion { scheme, index } = t {
                let (applies, _) = self.criterion_lits(*scheme, *index)?;
                self.assumed.push(applies);
            }
        }
        Ok(())
    }

    /// Drops what [`Analyzer::assume_applicable`] assumed.
    pub fn clear_assumptions(&mut self) {
        self.assumed.clear();
    }

    fn solve(&mut self, lits: &[Lit]) -> bool {
        let mut all = self.assumed.clone();
        all.extend_from_slice(lits);
        self.encoder.solve(&all)
    }

    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    pub fn as_of(&self) -> Date {
        self.as_of
    }

    fn program(&mut self, scheme: usize) -> Result<&Program<'r>, AnalysisError> {
        if !self.programs.contains_key(&scheme) {
            let program = Program::new(self.rules, scheme, self.as_of)
                .map_err(|e| AnalysisError::Unsupported(e.to_string()))?;
            self.programs.insert(scheme, program);
        }
        self.programs
            .get(&scheme)
            .ok_or_else(|| AnalysisError::Unsupported("no such scheme".to_string()))
    }

    /// The category literals of scheme id `id`: every category name of any
    /// version, exactly one chosen.
    fn category_lits(&mut self, id: &str) -> Vec<(String, Lit)> {
        if let Some(lits) = self.categories.get(id) {
            return lits.clone();
        }
        let mut names: Vec<String> = self
            .rules
            .schemes
            .iter()
            .filter(|s| s.id == id)
            .flat_map(|s| s.categories.iter().map(|c| c.id.clone()))
            .collect();
        names.sort();
        names.dedup();
        let lits: Vec<(String, Lit)> = names
            .into_iter()
            .map(|n| (n, self.encoder.fresh()))
            .collect();
        let all: Vec<Lit> = lits.iter().map(|(_, l)| *l).collect();
        if all.is_empty() {
            // No category: no product is in the scheme.
            let bottom = self.encoder.bottom();
            self.encoder.solver_add(&[bottom]);
        } else {
            self.encoder.exactly_one(&all);
        }
        self.categories.insert(id.to_string(), lits.clone());
        lits
    }

    /// `(applies, is true)` literals of criterion `index` of `scheme`:
    /// applies to the chosen category on `as_of`; its condition true.
    fn criterion_lits(&mut self, scheme: usize, index: usize) -> Result<(Lit, Lit), AnalysisError> {
        if let Some(lits) = self.criteria.get(&(scheme, index)) {
            return Ok(*lits);
        }
        let id = self
            .rules
            .schemes
            .get(scheme)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let cats = self.category_lits(&id);
        let program = self.program(scheme)?;
        let compiled = program
            .criteria
            .get(index)
            .ok_or_else(|| AnalysisError::Unsupported("no such criterion".to_string()))?;
        let valid = compiled.valid_now;
        let applies_in: Vec<Lit> = cats
            .iter()
            .filter(|(name, _)| {
                program
                    .category_by_name
                    .get(name.as_str())
                    .is_some_and(|c| {
                        program
                            .exclusions
                            .get(*c as usize)
                            .copied()
                            .flatten()
                            .is_none()
                            && compiled
                                .applies
                                .as_ref()
                                .is_none_or(|a| a.get(*c as usize).copied().unwrap_or(false))
                    })
            })
            .map(|(_, l)| *l)
            .collect();
        let condition = compiled.criterion.condition.as_ref();
        let applies = if valid {
            self.encoder.or(&applies_in)
        } else {
            self.encoder.bottom()
        };
        let truth = match condition {
            Some(c) => self.encoder.encode(c, 0)?.0,
            None if self.open => self.encoder.fresh(),
            None => self.encoder.bottom(),
        };
        self.criteria.insert((scheme, index), (applies, truth));
        Ok((applies, truth))
    }

    /// The literal "the product passes `target`".
    pub fn passes(&mut self, target: &Target) -> Result<Lit, AnalysisError> {
        let key = match target {
            Target::Criterion { scheme, index } => (*scheme, false, *index),
            Target::Level { scheme, position } => (*scheme, true, *position),
            Target::All(targets) => {
                let mut lits = Vec::new();
                for t in targets {
                    lits.push(self.passes(t)?);
                }
                return Ok(self.encoder.and(&lits));
            }
        };
        if let Some(l) = self.passes.get(&key) {
            return Ok(*l);
        }
        let lit = match target {
            Target::Criterion { scheme, index } => {
                let (applies, truth) = self.criterion_lits(*scheme, *index)?;
                self.encoder.and(&[applies, truth])
            }
            Target::Level { scheme, position } => self.level(*scheme, *position)?,
            Target::All(_) => self.encoder.top,
        };
        self.passes.insert(key, lit);
        Ok(lit)
    }

    /// Reaching the level at `position`: every level up to it met, as eval
    /// judges levels (required criteria pass or do not apply, `at_least`
    /// groups count passes, and a level applies only when a criterion it
    /// adds does).
    fn level(&mut self, scheme: usize, position: usize) -> Result<Lit, AnalysisError> {
        let parts: Vec<Lit> = self
            .level_parts(scheme, position)?
            .into_iter()
            .map(|(lit, _)| lit)
            .collect();
        Ok(self.encoder.and(&parts))
    }

    /// What reaching the level at `position` consists of, one literal per
    /// part (a required criterion, an `at_least` group, "a criterion the
    /// level adds applies"), every level up to it included.
    fn level_parts(
        &mut self,
        scheme: usize,
        position: usize,
    ) -> Result<Vec<(Lit, LevelPart)>, AnalysisError> {
        let shape: Vec<(i64, LevelShape)> = self
            .program(scheme)?
            .levels
            .iter()
            .take(position + 1)
            .map(|l| (l.level.rank, (l.required.clone(), l.groups.clone())))
            .collect();
        let id = |s: &Self, i: u32| {
            s.rules
                .schemes
                .get(scheme)
                .and_then(|s| s.criteria.get(i as usize))
                .map(|c| c.id.clone())
                .unwrap_or_default()
        };
        let mut parts = Vec::new();
        for (rank, (required, groups)) in shape {
            let mut applies = Vec::new();
            for r in &required {
                let (a, t) = self.criterion_lits(scheme, *r as usize)?;
                applies.push(a);
                let lit = self.encoder.or(&[!a, t]);
                parts.push((
                    lit,
                    LevelPart::Required {
                        rank,
                        id: id(self, *r),
                    },
                ));
            }
            for (k, members) in &groups {
                let mut passing = Vec::new();
                for m in members {
                    let (a, t) = self.criterion_lits(scheme, *m as usize)?;
                    applies.push(a);
                    passing.push(self.encoder.and(&[a, t]));
                }
                let lit = self.encoder.at_least(*k, &passing);
                let of = members.iter().map(|m| id(self, *m)).collect();
                parts.push((lit, LevelPart::AtLeast { rank, k: *k, of }));
            }
            let lit = self.encoder.or(&applies);
            parts.push((lit, LevelPart::Applies { rank }));
        }
        Ok(parts)
    }

    /// Whether every product passing `left` passes `right`; if not, a
    /// witness confirmed by the evaluator.
    pub fn implies(&mut self, left: &Target, right: &Target) -> Result<Implication, AnalysisError> {
        let l = self.passes(left)?;
        let r = self.passes(right)?;
        if !self.solve(&[l, !r]) {
            return Ok(Implication::Holds);
        }
        let witness = self.witness(&[left, right])?;
        self.confirm(&witness, left, right, (true, false))?;
        Ok(Implication::Fails { witness })
    }

    /// A product passing `target`, or `None` when none can.
    pub fn satisfiable(
        &mut self,
        target: &Target,
    ) -> Result<Option<serde_json::Value>, AnalysisError> {
        let l = self.passes(target)?;
        if !self.solve(&[l]) {
            return Ok(None);
        }
        let witness = self.witness(&[target])?;
        self.confirm(&witness, target, target, (true, true))?;
        Ok(Some(witness))
    }

    /// The STRM relationship that holds between `left` and `right`.
    pub fn relate(&mut self, left: &Target, right: &Target) -> Result<Relation, AnalysisError> {
        let left_implies_right = self.implies(left, right)?;
        let right_implies_left = self.implies(right, left)?;
        let l = self.passes(left)?;
        let r = self.passes(right)?;
        let both = if self.solve(&[l, r]) {
            let witness = self.witness(&[left, right])?;
            self.confirm(&witness, left, right, (true, true))?;
            Some(witness)
        } else {
            None
        };
        let left_can_pass = self.solve(&[l]);
        let right_can_pass = self.solve(&[r]);
        let relationship = match (left_implies_right.holds(), right_implies_left.holds()) {
            (true, true) => Relationship::Equal,
            // STRM compares requirements: the side whose passing products
            // all pass the other asks for everything the other does, and more.
            (true, false) => Relationship::SupersetOf,
            (false, true) => Relationship::SubsetOf,
            (false, false) if both.is_some() => Relationship::IntersectsWith,
            (false, false) => Relationship::NoRelationship,
        };
        Ok(Relation {
            relationship,
            left_implies_right,
            right_implies_left,
            both,
            left_can_pass,
            right_can_pass,
        })
    }

    /// The current model as a product: the category of each target's
    /// scheme, and the facts their conditions read (missing ones left out).
    fn witness(&mut self, targets: &[&Target]) -> Result<serde_json::Value, AnalysisError> {
        let mut category = serde_json::Map::new();
        let mut slots = Vec::new();
        for t in targets.iter().flat_map(|t| t.parts()) {
            let scheme = self
                .rules
                .schemes
                .get(t.scheme())
                .ok_or_else(|| AnalysisError::Unsupported("no such scheme".to_string()))?;
            let chosen = self
                .category_lits(&scheme.id)
                .into_iter()
                .find(|(_, l)| self.encoder.is_true(*l))
                .map(|(n, _)| n);
            if let Some(c) = chosen {
                category.insert(scheme.id.clone(), c.into());
            }
            let criteria: Vec<usize> = match t {
                Target::Criterion { index, .. } => vec![*index],
                Target::All(_) => Vec::new(),
                Target::Level { position, .. } => scheme
                    .levels
                    .iter()
                    .take(position + 1)
                    .flat_map(|l| {
                        l.requires_all
                            .iter()
                            .chain(l.at_least_all.iter().flat_map(|g| g.of.iter()))
                    })
                    .filter_map(|id| scheme.criteria.iter().position(|c| &c.id == id))
                    .collect(),
            };
            for i in criteria {
                if let Some(c) = scheme.criteria.get(i).and_then(|c| c.condition.as_ref()) {
                    slots.extend(c.facts().iter().map(|f| f.slot));
                }
            }
        }
        slots.sort_unstable();
        slots.dedup();
        let mut facts = serde_json::Map::new();
        for slot in slots {
            if let (Some(fact), Some(value)) = (
                self.rules.facts.get(slot as usize),
                self.encoder.value_of(slot),
            ) {
                facts.insert(fact.name.clone(), value);
            }
        }
        Ok(serde_json::json!({
            "id": "witness",
            "category": category,
            "facts": facts,
        }))
    }

    /// Whether eval passes `target` on `product`.
    pub fn judge(
        &mut self,
        product: &serde_json::Value,
        target: &Target,
    ) -> Result<bool, AnalysisError> {
        if let Target::All(targets) = target {
            for t in targets {
                if !self.judge(product, t)? {
                    return Ok(false);
                }
            }
            return Ok(true);
        }
        let rules = self.rules;
        let program = self.program(target.scheme())?;
        let text = product.to_string();
        let record = program.read_json(&text).map_err(|e| {
            AnalysisError::Unconfirmed(format!("eval cannot read the witness: {e}"))
        })?;
        let outcome = program.judge_with(&record, true).map_err(|e| {
            AnalysisError::Unconfirmed(format!("eval cannot judge the witness: {e}"))
        })?;
        let scheme = rules.schemes.get(target.scheme());
        Ok(match target {
            Target::Criterion { index, .. } => {
                let id = scheme
                    .and_then(|s| s.criteria.get(*index))
                    .map_or("", |c| c.id.as_str());
                outcome
                    .criteria
                    .as_ref()
                    .is_some_and(|cs| cs.iter().any(|c| c.id == id && c.outcome == Verdict::Pass))
            }
            Target::Level { position, .. } => {
                let rank = scheme
                    .and_then(|s| s.levels.get(*position))
                    .map_or(i64::MAX, |l| l.rank);
                outcome.level.is_some_and(|l| l >= rank)
            }
            Target::All(_) => false,
        })
    }

    /// Judges `witness` with eval on both targets and checks it against
    /// what the procedure expects.
    fn confirm(
        &mut self,
        witness: &serde_json::Value,
        left: &Target,
        right: &Target,
        expected: (bool, bool),
    ) -> Result<(bool, bool), AnalysisError> {
        let got = (self.judge(witness, left)?, self.judge(witness, right)?);
        if got != expected {
            return Err(AnalysisError::Unconfirmed(format!(
                "{witness}: expected {} {} and {} {}, eval says {} and {}",
                self.name(left),
                if expected.0 { "passes" } else { "fails" },
                self.name(right),
                if expected.1 { "passes" } else { "fails" },
                got.0,
                got.1
            )));
        }
        Ok(got)
    }

    pub fn name(&self, target: &Target) -> String {
        target.name(self.rules)
    }
}

#[doc(hidden)]
impl Encoder {
    fn solver_add(&mut self, clause: &[Lit]) {
        use batsat::SolverInterface;
        self.solver.add_clause_reuse(&mut clause.to_vec());
    }
}
