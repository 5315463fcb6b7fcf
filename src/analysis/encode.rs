//! Lowering conditions to propositional logic: every fact's domain split
//! into finitely many cells, every sub-condition into two literals (`is
//! true`, `is false`: Kleene logic, unknown being neither), and a SAT solver
//! asked for an assignment of cells.
//!
//! A fact is either missing or in exactly one of its cells (a set fact:
//! missing, or present with one membership variable per string the
//! conditions mention, plus one for "some other string"). The cells are
//! chosen from the constants the conditions compare the fact with, so that
//! every predicate has one value on each cell: the constants themselves, a
//! value between each two neighbours where one exists, and one below and
//! above them all.

use std::collections::BTreeMap;

use batsat::{BasicSolver, Lit, SolverInterface, lbool};
use jiff::civil::Date;

use super::AnalysisError;
use crate::rules::{Comparison, Condition, Direction, FactType, Literal, RuleSet};

/// One cell of a (non-set) fact's domain: a representative value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Bool(bool),
    Int(i64),
    Number(f64),
    Date(Date),
    /// A string constant, or `None`: a string no condition mentions.
    Str(Option<String>),
    Enum(String),
}

/// The cells of one fact.
#[derive(Debug)]
pub(crate) enum Domain {
    /// One cell per value.
    Cells(Vec<Value>),
    /// A set of strings: one membership variable per constant, then one for
    /// "some other string" (`other` is the text the witness uses for it).
    Set { members: Vec<String>, other: String },
}

#[derive(Debug)]
pub(crate) struct FactVars {
    pub missing: Lit,
    /// One literal per cell (or per member of a set, then "other").
    pub cells: Vec<Lit>,
    pub domain: Domain,
}

/// The constants each fact is compared with.
#[derive(Default)]
struct Constants {
    literals: Vec<Literal>,
    strings: Vec<String>,
    /// Date bounds of `within` (inclusive).
    dates: Vec<Date>,
}

fn collect(condition: &Condition, as_of: Date, out: &mut BTreeMap<u32, Constants>, depth: usize) {
    if depth > 256 {
        return;
    }
    match condition {
        Condition::And { args, .. } | Condition::Or { args, .. } => {
            for a in args {
                collect(a, as_of, out, depth + 1);
            }
        }
        Condition::Not { arg, .. } => collect(arg, as_of, out, depth + 1),
        Condition::IsTrue { fact, .. } | Condition::Present { fact, .. } => {
            out.entry(fact.slot).or_default();
        }
        Condition::Compare { fact, value, .. } => {
            let c = out.entry(fact.slot).or_default();
            c.literals.push(value.clone());
        }
        Condition::In { fact, values, .. } => {
            let c = out.entry(fact.slot).or_default();
            c.literals.extend(values.iter().cloned());
        }
        Condition::Contains { fact, value, .. } => {
            let c = out.entry(fact.slot).or_default();
            c.strings.push(value.clone());
        }
        Condition::SubsetOf { fact, values, .. } | Condition::SupersetOf { fact, values, .. } => {
            let c = out.entry(fact.slot).or_default();
            c.strings.extend(values.iter().cloned());
        }
        Condition::Within {
            fact,
            days,
            direction,
            ..
        } => {
            let c = out.entry(fact.slot).or_default();
            if let Some((lo, hi)) = window(as_of, *days, *direction) {
                c.dates.extend([lo, hi]);
            }
        }
    }
}

/// The inclusive date range `within DAYS days before|after` means on
/// `as_of`, computed as eval computes it; `None` when the days are out of range.
pub(crate) fn window(as_of: Date, days: i64, direction: Direction) -> Option<(Date, Date)> {
    let span = jiff::Span::new().try_days(days).ok()?;
    Some(match direction {
        Direction::Before => (as_of.checked_sub(span).unwrap_or(Date::MIN), as_of),
        Direction::After => (as_of, as_of.checked_add(span).unwrap_or(Date::MAX)),
    })
}

/// A text that is none of `taken`: how a witness shows "some other string".
fn fresh(taken: &[String]) -> String {
    let mut candidate = "other".to_string();
    let mut n = 0u32;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("other-{n}");
    }
    candidate
}

fn literal_date(l: &Literal, as_of: Date) -> Option<Date> {
    match l {
        Literal::Date(d) => crate::rules::parse_date(d),
        Literal::AssessmentDate => Some(as_of),
        _ => None,
    }
}

fn literal_number(l: &Literal) -> Option<f64> {
    match l {
        Literal::Int(i) => Some(*i as f64),
        Literal::Decimal(d) if d.is_finite() => Some(*d),
        _ => None,
    }
}

/// The cells of a fact of type `ty` compared with `constants`.
fn domain(ty: &FactType, constants: &Constants, as_of: Date) -> Domain {
    match ty {
        FactType::Bool => Domain::Cells(vec![Value::Bool(false), Value::Bool(true)]),
        FactType::Enum { values } => {
            Domain::Cells(values.iter().cloned().map(Value::Enum).collect())
        }
        FactType::Int => {
            let mut points: Vec<i64> = Vec::new();
            for l in &constants.literals {
                let (lo, hi) = match l {
                    Literal::Int(i) => (*i, *i),
                    Literal::Decimal(d) if d.is_finite() => (d.floor() as i64, d.ceil() as i64),
                    _ => continue,
                };
                points.extend([lo.saturating_sub(1), lo, hi, hi.saturating_add(1)]);
            }
            if points.is_empty() {
                points.push(0);
            }
            points.sort_unstable();
            points.dedup();
            Domain::Cells(points.into_iter().map(Value::Int).collect())
        }
        FactType::Decimal => {
            let mut constants: Vec<f64> = constants
                .literals
                .iter()
                .filter_map(literal_number)
                .collect();
            constants.sort_by(f64::total_cmp);
            constants.dedup();
            let mut points = Vec::new();
            for (i, c) in constants.iter().enumerate() {
                points.push(*c);
                if let Some(next) = constants.get(i + 1) {
                    points.push(c / 2.0 + next / 2.0);
                }
            }
            match (constants.first(), constants.last()) {
                (Some(first), Some(last)) => {
                    points.push(first - 1.0);
                    points.push(last + 1.0);
                }
                _ => points.push(0.0),
            }
            points.retain(|p| p.is_finite());
            points.sort_by(f64::total_cmp);
            points.dedup();
            Domain::Cells(points.into_iter().map(Value::Number).collect())
        }
        FactType::Date => {
            let mut points: Vec<Date> = Vec::new();
            let around = |d: Date, points: &mut Vec<Date>| {
                points.push(d);
                points.extend(d.yesterday().ok());
                points.extend(d.tomorrow().ok());
            };
            for d in constants
                .literals
                .iter()
                .filter_map(|l| literal_date(l, as_of))
                .chain(constants.dates.iter().copied())
            {
                around(d, &mut points);
            }
            if points.is_empty() {
                points.push(as_of);
            }
            points.sort_unstable();
            points.dedup();
            Domain::Cells(points.into_iter().map(Value::Date).collect())
        }
        FactType::String => {
            let mut strings: Vec<String> = constants
                .literals
                .iter()
                .filter_map(|l| match l {
                    Literal::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            strings.sort();
            strings.dedup();
            let mut cells: Vec<Value> = strings.into_iter().map(|s| Value::Str(Some(s))).collect();
            cells.push(Value::Str(None));
            Domain::Cells(cells)
        }
        FactType::StringSet => {
            let mut members = constants.strings.clone();
            members.sort();
            members.dedup();
            let other = fresh(&members);
            Domain::Set { members, other }
        }
    }
}

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

/// Whether `value OP literal` holds, as eval judges it; `None` when the
/// literal does not fit the value's type (a rule set `check` rejects).
fn compare_value(value: &Value, c: Comparison, literal: &Literal, as_of: Date) -> Option<bool> {
    let equality = |eq: bool| match c {
        Comparison::Eq => Some(eq),
        Comparison::Ne => Some(!eq),
        _ => None,
    };
    match (value, literal) {
        (Value::Bool(b), Literal::Bool(l)) => equality(b == l),
        (Value::Int(i), Literal::Int(l)) => Some(compare(i, c, l)),
        (Value::Int(i), Literal::Decimal(d)) => Some(compare(&(*i as f64), c, d)),
        (Value::Number(n), Literal::Int(l)) => Some(compare(n, c, &(*l as f64))),
        (Value::Number(n), Literal::Decimal(d)) => Some(compare(n, c, d)),
        (Value::Str(s), Literal::String(l)) => equality(s.as_deref() == Some(l.as_str())),
        (Value::Enum(e), Literal::Enum(l)) => equality(e == l),
        (Value::Date(d), l) => Some(compare(d, c, &literal_date(l, as_of)?)),
        _ => None,
    }
}

/// Whether `value` is among `list`, as eval's `in` judges it (numbers as decimals).
fn member(value: &Value, list: &[Literal], as_of: Date) -> Option<bool> {
    let mut found = false;
    for l in list {
        let eq = match (value, l) {
            (Value::Int(i), _) => Some(literal_number(l)? == *i as f64),
            (Value::Number(n), _) => Some(literal_number(l)? == *n),
            _ => compare_value(value, Comparison::Eq, l, as_of),
        }?;
        found |= eq;
    }
    Some(found)
}

/// The propositional encoding of a rule set's conditions on one assessment date.
pub(crate) struct Encoder {
    pub solver: BasicSolver,
    /// A literal fixed to true.
    pub top: Lit,
    /// The prepared facts, by slot (a fact no condition asked about is not here).
    pub facts: BTreeMap<u32, FactVars>,
    pub as_of: Date,
}

impl Encoder {
    /// Prepares every fact of `rules`, its cells cut by the constants of
    /// every condition in `rules` and of `extra`. With `open_enums`, every
    /// enumeration has one more cell: a value it does not declare (yet),
    /// which no witness may show (eval would refuse it).
    pub fn new(rules: &RuleSet, extra: &[&Condition], as_of: Date, open_enums: bool) -> Encoder {
        let scheme_conditions = rules
            .schemes
            .iter()
            .flat_map(|s| s.criteria.iter().filter_map(|c| c.condition.as_ref()));
        let recognition_conditions = rules
            .recognitions
            .iter()
            .filter_map(|r| r.condition.as_ref());
        let all: Vec<&Condition> = scheme_conditions
            .chain(recognition_conditions)
            .chain(extra.iter().copied())
            .collect();
        Encoder::build(rules, &all, as_of, open_enums, false)
    }

    /// An encoder for questions about `conditions` only: just the facts they
    /// read are prepared, cut by just their constants; every other fact is
    /// missing, with no variable. What `conditions` can be, and whether
    /// they are true, is decided as exactly as by [`Encoder::new`] (a fact's
    /// cells need only the constants it is compared with), at a cost that
    /// does not grow with the rest of the rule set: how `check` judges each
    /// criterion and level alone (`dead`).
    pub fn scoped(
        rules: &RuleSet,
        conditions: &[&Condition],
        as_of: Date,
        open_enums: bool,
    ) -> Encoder {
        Encoder::build(rules, conditions, as_of, open_enums, true)
    }

    fn build(
        rules: &RuleSet,
        conditions: &[&Condition],
        as_of: Date,
        open_enums: bool,
        only_read: bool,
    ) -> Encoder {
        // Every fact, or only those the conditions read (`collect` adds them).
        let mut constants: BTreeMap<u32, Constants> = if only_read {
            BTreeMap::new()
        } else {
            (0..rules.facts.len())
                .filter_map(|slot| Some((u32::try_from(slot).ok()?, Constants::default())))
                .collect()
        };
        for c in conditions {
            collect(c, as_of, &mut constants, 0);
        }
        let mut solver = BasicSolver::default();
        let top = Lit::new(solver.new_var_default(), true);
        solver.add_clause_reuse(&mut vec![top]);
        let mut encoder = Encoder {
            solver,
            top,
            facts: BTreeMap::new(),
            as_of,
        };
        for (slot, constants) in &constants {
            let Some(fact) = rules.facts.get(*slot as usize) else {
                continue;
            };
            let mut domain = domain(&fact.ty, constants, as_of);
            if open_enums
                && let (FactType::Enum { values }, Domain::Cells(cells)) = (&fact.ty, &mut domain)
            {
                cells.push(Value::Enum(fresh(values)));
            }
            let missing = encoder.fresh();
            let cells: Vec<Lit> = match &domain {
                Domain::Cells(values) => {
                    let cells: Vec<Lit> = values.iter().map(|_| encoder.fresh()).collect();
                    // Exactly one of: missing, a cell.
                    let mut all = cells.clone();
                    all.push(missing);
                    encoder.exactly_one(&all);
                    cells
                }
                Domain::Set { members, .. } => {
                    // A missing set has no members (one witness per meaning).
                    let cells: Vec<Lit> = (0..=members.len()).map(|_| encoder.fresh()).collect();
                    for c in &cells {
                        encoder.solver.add_clause_reuse(&mut vec![!missing, !*c]);
                    }
                    cells
                }
            };
            encoder.facts.insert(
                *slot,
                FactVars {
                    missing,
                    cells,
                    domain,
                },
            );
        }
        encoder
    }

    pub fn fresh(&mut self) -> Lit {
        Lit::new(self.solver.new_var_default(), true)
    }

    pub fn bottom(&self) -> Lit {
        !self.top
    }

    pub fn exactly_one(&mut self, lits: &[Lit]) {
        self.solver.add_clause_reuse(&mut lits.to_vec());
        for (i, a) in lits.iter().enumerate() {
            for b in lits.iter().skip(i + 1) {
                self.solver.add_clause_reuse(&mut vec![!*a, !*b]);
            }
        }
    }

    /// A literal equivalent to the disjunction of `lits`.
    pub fn or(&mut self, lits: &[Lit]) -> Lit {
        match lits {
            [] => self.bottom(),
            [one] => *one,
            _ => {
                let v = self.fresh();
                let mut clause = vec![!v];
                clause.extend_from_slice(lits);
                self.solver.add_clause_reuse(&mut clause);
                for l in lits {
                    self.solver.add_clause_reuse(&mut vec![!*l, v]);
                }
                v
            }
        }
    }

    /// A literal equivalent to the conjunction of `lits`.
    pub fn and(&mut self, lits: &[Lit]) -> Lit {
        let negated: Vec<Lit> = lits.iter().map(|l| !*l).collect();
        !self.or(&negated)
    }

    /// A literal true when at least `k` of `lits` are.
    pub fn at_least(&mut self, k: i64, lits: &[Lit]) -> Lit {
        let Ok(k) = usize::try_from(k) else {
            return self.top;
        };
        if k == 0 {
            return self.top;
        }
        if k > lits.len() {
            return self.bottom();
        }
        // row[j]: at least j of the literals seen so far.
        let mut row: Vec<Lit> = vec![self.top];
        row.extend((0..k).map(|_| self.bottom()));
        for l in lits {
            let mut next = vec![self.top];
            for j in 1..=k {
                let (Some(same), Some(below)) = (row.get(j).copied(), row.get(j - 1).copied())
                else {
                    continue;
                };
                let step = self.and(&[*l, below]);
                let cell = self.or(&[same, step]);
                next.push(cell);
            }
            row = next;
        }
        row.get(k).copied().unwrap_or(self.top)
    }

    pub(super) fn fact(&self, slot: u32) -> Result<&FactVars, AnalysisError> {
        self.facts.get(&slot).ok_or_else(|| {
            AnalysisError::Unsupported(format!("fact slot {slot} is not in the rule set"))
        })
    }

    /// `(true, false)` literals of a predicate on a non-set fact: the cells
    /// where it holds, and those where it does not; a missing fact is in neither.
    fn cells_where(
        &mut self,
        slot: u32,
        text: &str,
        holds: impl Fn(&Value) -> Option<bool>,
    ) -> Result<(Lit, Lit), AnalysisError> {
        let fact = self.fact(slot)?;
        let Domain::Cells(values) = &fact.domain else {
            return Err(AnalysisError::Unsupported(format!(
                "`{text}` on a set fact"
            )));
        };
        let mut yes = Vec::new();
        let mut no = Vec::new();
        for (value, lit) in values.iter().zip(&fact.cells) {
            match holds(value) {
                Some(true) => yes.push(*lit),
                Some(false) => no.push(*lit),
                None => {
                    return Err(AnalysisError::Unsupported(format!(
                        "`{text}`: the value does not fit the fact's type"
                    )));
                }
            }
        }
        let t = self.or(&yes);
        let f = self.or(&no);
        Ok((t, f))
    }

    /// `(true, false)` literals of a predicate on a set fact, given the
    /// literal of "it holds" on a present set.
    fn on_set(&mut self, slot: u32, holds: Lit) -> Result<(Lit, Lit), AnalysisError> {
        let present = !self.fact(slot)?.missing;
        let t = self.and(&[present, holds]);
        let f = self.and(&[present, !holds]);
        Ok((t, f))
    }

    fn set_members(&self, slot: u32, text: &str) -> Result<(Vec<String>, Vec<Lit>), AnalysisError> {
        let fact = self.fact(slot)?;
        match &fact.domain {
            Domain::Set { members, .. } => Ok((members.clone(), fact.cells.clone())),
            Domain::Cells(_) => Err(AnalysisError::Unsupported(format!(
                "`{text}` on a fact that is not a set"
            ))),
        }
    }

    /// The literals `(is true, is false)` of a condition.
    pub fn encode(
        &mut self,
        condition: &Condition,
        depth: usize,
    ) -> Result<(Lit, Lit), AnalysisError> {
        if depth > 256 {
            return Err(AnalysisError::Unsupported(
                "a condition is nested too deeply".to_string(),
            ));
        }
        let as_of = self.as_of;
        let text = condition.text();
        match condition {
            Condition::And { args, .. } | Condition::Or { args, .. } => {
                let mut ts = Vec::new();
                let mut fs = Vec::new();
                for a in args {
                    let (t, f) = self.encode(a, depth + 1)?;
                    ts.push(t);
                    fs.push(f);
                }
                Ok(if matches!(condition, Condition::And { .. }) {
                    (self.and(&ts), self.or(&fs))
                } else {
                    (self.or(&ts), self.and(&fs))
                })
            }
            Condition::Not { arg, .. } => {
                let (t, f) = self.encode(arg, depth + 1)?;
                Ok((f, t))
            }
            Condition::Present { fact, .. } => {
                let missing = self.fact(fact.slot)?.missing;
                Ok((!missing, missing))
            }
            Condition::IsTrue { fact, .. } => self.cells_where(fact.slot, text, |v| match v {
                Value::Bool(b) => Some(*b),
                _ => None,
            }),
            Condition::Compare {
                fact,
                comparison,
                value,
                ..
            } => self.cells_where(fact.slot, text, |v| {
                compare_value(v, *comparison, value, as_of)
            }),
            Condition::In {
                fact,
                values,
                negated,
                ..
            } => self.cells_where(fact.slot, text, |v| {
                member(v, values, as_of).map(|m| m != *negated)
            }),
            Condition::Within {
                fact,
                days,
                direction,
                ..
            } => {
                let Some((lo, hi)) = window(as_of, *days, *direction) else {
                    return Err(AnalysisError::Unsupported(format!(
                        "`{text}`: the number of days is out of range"
                    )));
                };
                self.cells_where(fact.slot, text, |v| match v {
                    Value::Date(d) => Some(lo <= *d && *d <= hi),
                    _ => None,
                })
            }
            Condition::Contains { .. }
            | Condition::SubsetOf { .. }
            | Condition::SupersetOf { .. } => self.encode_set(condition, text),
        }
    }

    /// The literals `(is true, is false)` of a predicate on a set fact
    /// (`contains`, `subset_of`, `superset_of`).
    fn encode_set(
        &mut self,
        condition: &Condition,
        text: &str,
    ) -> Result<(Lit, Lit), AnalysisError> {
        match condition {
            Condition::Contains { fact, value, .. } => {
                let (members, cells) = self.set_members(fact.slot, text)?;
                let holds = members
                    .iter()
                    .position(|m| m == value)
                    .and_then(|i| cells.get(i).copied())
                    .unwrap_or(self.bottom());
                self.on_set(fact.slot, holds)
            }
            Condition::SubsetOf { fact, values, .. } => {
                let (members, cells) = self.set_members(fact.slot, text)?;
                // No member outside `values`, and no other string.
                let outside: Vec<Lit> = members
                    .iter()
                    .chain(std::iter::once(&String::new()))
                    .zip(&cells)
                    .enumerate()
                    .filter(|(i, (m, _))| *i == members.len() || !values.contains(m))
                    .map(|(_, (_, l))| !*l)
                    .collect();
                let holds = self.and(&outside);
                self.on_set(fact.slot, holds)
            }
            Condition::SupersetOf { fact, values, .. } => {
                let (members, cells) = self.set_members(fact.slot, text)?;
                let mut needed = Vec::new();
                for v in values {
                    match members
                        .iter()
                        .position(|m| m == v)
                        .and_then(|i| cells.get(i))
                    {
                        Some(l) => needed.push(*l),
                        None => needed.push(self.bottom()),
                    }
                }
                let holds = self.and(&needed);
                self.on_set(fact.slot, holds)
            }
            other => Err(AnalysisError::Unsupported(format!(
                "`{}` is not a predicate on a set",
                other.text()
            ))),
        }
    }

    /// Solves under `assumptions`: `true` when satisfiable (the model is then readable).
    pub fn solve(&mut self, assumptions: &[Lit]) -> bool {
        self.solver.solve_limited(assumptions) == lbool::TRUE
    }

    /// After [`Encoder::solve`] found no assignment: the assumptions its
    /// refutation used (a subset of them, as literals of either sign).
    pub fn core(&self) -> Vec<Lit> {
        self.solver.unsat_core().to_vec()
    }

    pub fn is_true(&self, l: Lit) -> bool {
        self.solver.value_lit(l) == lbool::TRUE
    }

    /// The JSON value of fact `slot` in the current model; `None` when missing.
    pub fn value_of(&self, slot: u32) -> Option<serde_json::Value> {
        let fact = self.facts.get(&slot)?;
        if self.is_true(fact.missing) {
            return None;
        }
        match &fact.domain {
            Domain::Cells(values) => {
                let (value, _) = values
                    .iter()
                    .zip(&fact.cells)
                    .find(|(_, l)| self.is_true(**l))?;
                Some(match value {
                    Value::Bool(b) => (*b).into(),
                    Value::Int(i) => (*i).into(),
                    Value::Number(n) => serde_json::Number::from_f64(*n)?.into(),
                    Value::Date(d) => d.to_string().into(),
                    Value::Str(Some(s)) => s.clone().into(),
                    Value::Str(None) => {
                        let taken: Vec<String> = values
                            .iter()
                            .filter_map(|v| match v {
                                Value::Str(Some(s)) => Some(s.clone()),
                                _ => None,
                            })
                            .collect();
                        fresh(&taken).into()
                    }
                    Value::Enum(e) => e.clone().into(),
                })
            }
            Domain::Set { members, other } => {
                let mut items: Vec<serde_json::Value> = members
                    .iter()
                    .zip(&fact.cells)
                    .filter(|(_, l)| self.is_true(**l))
                    .map(|(m, _)| m.clone().into())
                    .collect();
                if fact
                    .cells
                    .get(members.len())
                    .is_some_and(|l| self.is_true(*l))
                {
                    items.push(other.clone().into());
                }
                Some(items.into())
            }
        }
    }
}
