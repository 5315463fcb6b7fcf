//! Dead and trivial rules: a criterion's condition that no product can make
//! true, or that every product giving its facts makes true; a criterion
//! that applies to no product on any date; a level no product can reach.
//! `labelc check` reports them as warnings (docs/analysis.md, "Dead and
//! trivial rules").

use std::collections::{BTreeMap, BTreeSet};

use batsat::Lit;
use jiff::civil::Date;

use super::{AnalysisError, Analyzer, Target};
use crate::rules::{Condition, FactType, Literal, RuleSet, Scheme, parse_date};

/// One part of what reaching a level consists of (every level up to it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelPart {
    /// Level `rank` requires criterion `id`: it passes, or does not apply.
    Required { rank: i64, id: String },
    /// Level `rank` counts passes: `at_least k of (of)`.
    AtLeast { rank: i64, k: i64, of: Vec<String> },
    /// Level `rank` applies only when a criterion it adds does.
    Applies { rank: i64 },
}

/// A dead or trivial rule; indices point into `rules.schemes` and its members.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// No product makes the condition of criterion `index` true; `core`
    /// holds the texts of a smallest set of its conjuncts that contradict
    /// (the whole condition when it is not a conjunction).
    Unsatisfiable {
        scheme: usize,
        index: usize,
        core: Vec<String>,
    },
    /// Every product that gives the facts the condition reads makes it
    /// true. `witness` is a product leaving a fact out for which it is not
    /// true (`None`: it is true for every product, missing facts or not).
    Trivial {
        scheme: usize,
        index: usize,
        witness: Option<serde_json::Value>,
    },
    /// Criterion `index` applies to no product on any date.
    NeverApplies {
        scheme: usize,
        index: usize,
        reason: String,
    },
    /// No product reaches level `position` on any date; `above` are the
    /// ranks above it (unreachable too); `core` is a smallest set of the
    /// level's parts that no product meets together, on `on`.
    UnreachableLevel {
        scheme: usize,
        position: usize,
        above: Vec<i64>,
        on: Date,
        core: Vec<LevelPart>,
    },
}

/// The first date a scheme version is in force: its `effective` date, or
/// `today` when it has none.
fn effective(scheme: &Scheme, today: Date) -> Date {
    scheme
        .effective
        .as_deref()
        .and_then(parse_date)
        .unwrap_or(today)
}

/// Every dead or trivial rule of `rules`, in the order of the schemes and,
/// within one, of its criteria, then its levels. `today` stands for the
/// date of a scheme version that gives no `effective` date.
///
/// Each criterion is judged alone and each scheme's levels over that
/// scheme's conditions only (docs/analysis.md, "Cost"), so the work grows with
/// the size of the rule set, not with its square; the questions are shared
/// out among the available cores (the findings do not depend on how).
pub fn find_dead(rules: &RuleSet, today: Date) -> Vec<Finding> {
    find_dead_on(rules, today, crate::eval::batch::jobs(None))
}

/// [`find_dead`] on `jobs` threads (at least one); the findings are the same
/// for any number.
pub fn find_dead_on(rules: &RuleSet, today: Date, jobs: usize) -> Vec<Finding> {
    // One task per scheme for its levels (the costliest, so first), then
    // one per criterion.
    let mut tasks: Vec<(usize, Option<usize>)> =
        (0..rules.schemes.len()).map(|s| (s, None)).collect();
    for (scheme, s) in rules.schemes.iter().enumerate() {
        tasks.extend((0..s.criteria.len()).map(|index| (scheme, Some(index))));
    }
    let jobs = jobs.min(tasks.len()).max(1);
    let mut findings: Vec<((usize, usize), Finding)> = if jobs == 1 {
        let mut worker = Worker::new(rules, today);
        tasks.iter().flat_map(|t| worker.run(*t)).collect()
    } else {
        // Each thread takes the next task not yet taken; a task is judged
        // the same way on any thread.
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..jobs)
                .map(|_| {
                    scope.spawn(|| {
                        let mut worker = Worker::new(rules, today);
                        let mut found = Vec::new();
                        while let Some(task) =
                            tasks.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                        {
                            found.extend(worker.run(*task));
                        }
                        found
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    // Put back in the order of schemes, then criteria, then levels.
    findings.sort_by_key(|(order, _)| *order);
    findings.into_iter().map(|(_, f)| f).collect()
}

/// The analyzers one thread of [`find_dead`] asks with, by date.
struct Worker<'r> {
    rules: &'r RuleSet,
    today: Date,
    closed: BTreeMap<Date, Analyzer<'r>>,
    open_enums: BTreeMap<Date, Analyzer<'r>>,
}

impl<'r> Worker<'r> {
    fn new(rules: &'r RuleSet, today: Date) -> Worker<'r> {
        Worker {
            rules,
            today,
            closed: BTreeMap::new(),
            open_enums: BTreeMap::new(),
        }
    }

    /// The finding of one task, with its place in the order of findings:
    /// `(scheme, Some(index))` judges a criterion, `(scheme, None)` the
    /// scheme's levels.
    fn run(
        &mut self,
        (scheme, index): (usize, Option<usize>),
    ) -> Option<((usize, usize), Finding)> {
        match index {
            Some(index) => self.criterion(scheme, index).map(|f| ((scheme, index), f)),
            None => {
                unreachable_level(self.rules, scheme, self.today).map(|f| ((scheme, usize::MAX), f))
            }
        }
    }

    fn criterion(&mut self, scheme: usize, index: usize) -> Option<Finding> {
        let rules = self.rules;
        let s = rules.schemes.get(scheme)?;
        let criterion = s.criteria.get(index)?;
        let start = effective(s, self.today);
        let from = criterion.valid_from.as_deref().and_then(parse_date);
        let on = from.map_or(start, |f| f.max(start));
        let analyzer = self
            .closed
            .entry(on)
            .or_insert_with(|| Analyzer::scoped(rules, on, &[], false, false));
        analyzer.clear_assumptions();
        if let Some(reason) = never_applies(analyzer, scheme, index, start) {
            return Some(Finding::NeverApplies {
                scheme,
                index,
                reason,
            });
        }
        let condition = criterion.condition.as_ref()?;
        if moves_with_the_date(condition) {
            return None;
        }
        analyzer.rescope(&[condition]);
        // Open enumerations change nothing for a condition that reads none.
        let reads_an_enum = condition.facts().iter().any(|f| {
            rules
                .facts
                .get(f.slot as usize)
                .is_some_and(|d| matches!(d.ty, FactType::Enum { .. }))
        });
        let enums = if reads_an_enum {
            let enums = self
                .open_enums
                .entry(on)
                .or_insert_with(|| Analyzer::scoped(rules, on, &[], false, true));
            enums.rescope(&[condition]);
            Some(enums)
        } else {
            None
        };
        judge_condition(analyzer, enums, scheme, index, condition)
            .ok()
            .flatten()
    }
}

/// Why criterion `index` applies to no product on any date, if it does not.
fn never_applies(
    analyzer: &mut Analyzer<'_>,
    scheme: usize,
    index: usize,
    start: Date,
) -> Option<String> {
    let rules = analyzer.rules;
    let s = rules.schemes.get(scheme)?;
    let criterion = s.criteria.get(index)?;
    if let Some(until) = criterion.valid_until.as_deref().and_then(parse_date)
        && until < start
    {
        return Some(format!(
            "its `valid_until {until}` is before `{}` takes effect on {start}",
            s.key()
        ));
    }
    let program = analyzer.program(scheme).ok()?;
    let compiled = program.criteria.get(index)?;
    let covered: Vec<&str> = s
        .categories
        .iter()
        .enumerate()
        .filter(|(c, _)| {
            compiled
                .applies
                .as_ref()
                .is_none_or(|a| a.get(*c).copied().unwrap_or(false))
        })
        .map(|(_, c)| c.id.as_str())
        .collect();
    let outside: Vec<String> = covered
        .iter()
        .filter_map(|name| {
            let c = program.category_by_name.get(name)?;
            let why = program.exclusions.get(*c as usize).copied().flatten()?;
            Some(format!("`{name}` ({why})"))
        })
        .collect();
    (!covered.is_empty() && outside.len() == covered.len()).then(|| {
        format!(
            "every category it applies to is outside the scheme: {}",
            outside.join(", ")
        )
    })
}

/// Whether a condition compares one date fact both with fixed dates and
/// with the assessment date (`within`, `assessment`): then what it accepts
/// changes with the date, and it is not judged dead or trivial.
fn moves_with_the_date(condition: &Condition) -> bool {
    fn walk(c: &Condition, fixed: &mut BTreeSet<u32>, moving: &mut BTreeSet<u32>, depth: usize) {
        if depth > 256 {
            return;
        }
        let mut note = |slot: u32, l: &Literal| match l {
            Literal::Date(_) => {
                fixed.insert(slot);
            }
            Literal::AssessmentDate => {
                moving.insert(slot);
            }
            _ => {}
        };
        match c {
            Condition::And { args, .. } | Condition::Or { args, .. } => {
                for a in args {
                    walk(a, fixed, moving, depth + 1);
                }
            }
            Condition::Not { arg, .. } => walk(arg, fixed, moving, depth + 1),
            Condition::Compare { fact, value, .. } => note(fact.slot, value),
            Condition::In { fact, values, .. } => {
                for v in values {
                    note(fact.slot, v);
                }
            }
            Condition::Within { fact, .. } => {
                moving.insert(fact.slot);
            }
            _ => {}
        }
    }
    let (mut fixed, mut moving) = (BTreeSet::new(), BTreeSet::new());
    walk(condition, &mut fixed, &mut moving, 0);
    fixed.intersection(&moving).next().is_some()
}

/// The top-level conjuncts of a condition (`and` inside `and` flattened).
fn conjuncts(condition: &Condition) -> Vec<&Condition> {
    match condition {
        Condition::And { args, .. } => args.iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

/// Whether a condition reads some fact's value (not only `present(…)`).
fn reads_a_value(condition: &Condition) -> bool {
    match condition {
        Condition::And { args, .. } | Condition::Or { args, .. } => args.iter().any(reads_a_value),
        Condition::Not { arg, .. } => reads_a_value(arg),
        Condition::Present { .. } => false,
        _ => true,
    }
}

/// Whether criterion `index`'s condition is unsatisfiable or trivial.
/// `closed` decides and gives witnesses; `enums` (enumerations open to a
/// value they do not declare) decides triviality.
fn judge_condition<'r>(
    closed: &mut Analyzer<'r>,
    enums: Option<&mut Analyzer<'r>>,
    scheme: usize,
    index: usize,
    condition: &Condition,
) -> Result<Option<Finding>, AnalysisError> {
    let (_, truth) = closed.criterion_lits(scheme, index)?;
    if !closed.solve(&[truth]) {
        let core = unsatisfiable_core(closed, condition)?;
        return Ok(Some(Finding::Unsatisfiable {
            scheme,
            index,
            core,
        }));
    }
    // `None`: the condition reads no enumeration, so `closed` decides.
    let enums = match enums {
        Some(enums) => enums,
        None => &mut *closed,
    };
    let (applies, truth) = enums.criterion_lits(scheme, index)?;
    let mut known: Vec<Lit> = Vec::new();
    for fact in condition.facts() {
        known.push(!enums.encoder.fact(fact.slot)?.missing);
    }
    known.extend([applies, !truth]);
    if enums.solve(&known) {
        return Ok(None);
    }
    // True whenever the facts are given: is it also true when one is not?
    if !enums.solve(&[applies, !truth]) {
        return Ok(Some(Finding::Trivial {
            scheme,
            index,
            witness: None,
        }));
    }
    if !reads_a_value(condition) {
        // `present(…)` alone: asking for the facts is what it is for.
        return Ok(None);
    }
    let (applies, truth) = closed.criterion_lits(scheme, index)?;
    if !closed.solve(&[applies, !truth]) {
        return Ok(None);
    }
    let target = Target::Criterion { scheme, index };
    let witness = closed.witness(&[&target])?;
    closed.confirm(&witness, &target, &target, (false, false))?;
    Ok(Some(Finding::Trivial {
        scheme,
        index,
        witness: Some(witness),
    }))
}

/// A smallest set of the condition's conjuncts that no product makes true
/// together (each dropped in turn while the rest still contradict).
fn unsatisfiable_core(
    analyzer: &mut Analyzer<'_>,
    condition: &Condition,
) -> Result<Vec<String>, AnalysisError> {
    let parts = conjuncts(condition);
    let mut lits = Vec::new();
    for p in &parts {
        lits.push(analyzer.encoder.encode(p, 0)?.0);
    }
    let mut keep: Vec<bool> = vec![true; parts.len()];
    for i in 0..parts.len() {
        if let Some(k) = keep.get_mut(i) {
            *k = false;
        }
        let rest: Vec<Lit> = lits
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(l, _)| *l)
            .collect();
        if analyzer.solve(&rest)
            && let Some(k) = keep.get_mut(i)
        {
            *k = true;
        }
    }
    Ok(parts
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| p.text().to_string())
        .collect())
}

/// The dates on which what a scheme version's levels need can change: it
/// takes effect, a criterion comes into force, a criterion's last day passes.
fn dates(scheme: &Scheme, today: Date) -> Vec<Date> {
    let start = effective(scheme, today);
    let mut dates = vec![start];
    for c in &scheme.criteria {
        dates.extend(c.valid_from.as_deref().and_then(parse_date));
        dates.extend(
            c.valid_until
                .as_deref()
                .and_then(parse_date)
                .and_then(|d| d.tomorrow().ok()),
        );
    }
    dates.retain(|d| *d >= start);
    dates.sort_unstable();
    dates.dedup();
    dates
}

/// The lowest level of `scheme` that no product reaches on any date, if one
/// is: pending criteria may pass (they are unknown, not impossible).
fn unreachable_level<'r>(rules: &'r RuleSet, scheme: usize, today: Date) -> Option<Finding> {
    let s = rules.schemes.get(scheme)?;
    let dates = dates(s, today);
    let first = *dates.first()?;
    let conditions: Vec<&Condition> = s
        .criteria
        .iter()
        .filter_map(|c| c.condition.as_ref())
        .collect();
    let mut analyzers: BTreeMap<Date, Analyzer<'r>> = BTreeMap::new();
    let reachable = |analyzers: &mut BTreeMap<Date, Analyzer<'r>>, position: usize| {
        dates.iter().any(|d| {
            let analyzer = analyzers
                .entry(*d)
                .or_insert_with(|| Analyzer::scoped(rules, *d, &conditions, true, false));
            let target = Target::Level { scheme, position };
            // An error (a scheme eval cannot prepare) is not a finding.
            analyzer
                .passes(&target)
                .map_or(true, |lit| analyzer.solve(&[lit]))
        })
    };
    let position = (0..s.levels.len()).find(|p| !reachable(&mut analyzers, *p))?;
    let analyzer = analyzers
        .entry(first)
        .or_insert_with(|| Analyzer::scoped(rules, first, &conditions, true, false));
    let core = level_core(analyzer, scheme, position).ok()?;
    Some(Finding::UnreachableLevel {
        scheme,
        position,
        above: s.levels.iter().skip(position + 1).map(|l| l.rank).collect(),
        on: first,
        core,
    })
}

/// A smallest set of the level's parts that no product meets together: the
/// parts in the solver's core of all of them (what its refutation used),
/// then each dropped in turn while the rest still contradict.
fn level_core(
    analyzer: &mut Analyzer<'_>,
    scheme: usize,
    position: usize,
) -> Result<Vec<LevelPart>, AnalysisError> {
    let mut parts = analyzer.level_parts(scheme, position)?;
    let all: Vec<Lit> = parts.iter().map(|(l, _)| *l).collect();
    if !analyzer.solve(&all) {
        let core = analyzer.encoder.core();
        parts.retain(|(l, _)| core.contains(l) || core.contains(&!*l));
    }
    let mut i = 0;
    while i < parts.len() {
        let rest: Vec<Lit> = parts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, (l, _))| *l)
            .collect();
        if analyzer.solve(&rest) {
            i += 1;
        } else {
            // Dropped, with every other part the refutation did not use.
            let core = analyzer.encoder.core();
            let mut j = 0;
            parts.retain(|(l, _)| {
                let keep = j != i && (j < i || core.contains(l) || core.contains(&!*l));
                j += 1;
                keep
            });
        }
    }
    Ok(parts.into_iter().map(|(_, p)| p).collect())
}
