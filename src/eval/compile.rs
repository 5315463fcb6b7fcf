//! Compiling a rule set's conditions into [`Node`]s: fact names become
//! slots, string constants interned ids, dates parsed once, each predicate
//! a [`Kind`] that fits its fact's type (checked again here, since a rule
//! set read from JSON may have been edited by hand).

use jiff::civil::Date;

use super::program::{IdSet, Kind, Node, Program, Slot, SlotType};
use super::{Mismatch, RuleSetError};
use crate::rules::{Comparison, Condition, Direction, FactRef, Literal, parse_date};

/// How deep [`Program::compile`] follows a condition.
const MAX_DEPTH: usize = 256;

/// Collects the string constants of a condition.
pub(super) fn collect_strings<'r>(condition: &'r Condition, out: &mut Vec<&'r str>, depth: usize) {
    if depth > MAX_DEPTH {
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

/// The error for a condition (its `text`) that does not fit its fact.
fn mismatch(text: &str, problem: Mismatch) -> RuleSetError {
    RuleSetError::Mismatch {
        condition: text.to_string(),
        problem,
    }
}

/// `==` gives true, `!=` false; other comparisons do not apply.
fn equality(comparison: Comparison, text: &str) -> Result<bool, RuleSetError> {
    match comparison {
        Comparison::Eq => Ok(true),
        Comparison::Ne => Ok(false),
        _ => Err(mismatch(text, Mismatch::OnlyEquality)),
    }
}

impl<'r> Program<'r> {
    fn slot(&self, fact: &FactRef) -> Result<(u32, &Slot<'r>), RuleSetError> {
        let slot = self
            .slots
            .get(fact.slot as usize)
            .filter(|s| s.name == fact.name)
            .ok_or_else(|| RuleSetError::UnknownSlot {
                fact: fact.name.clone(),
                slot: fact.slot,
            })?;
        Ok((fact.slot, slot))
    }

    /// The slot of `fact`, which must be of type `ty`.
    fn slot_of_type(
        &self,
        fact: &FactRef,
        ty: SlotType,
        text: &str,
        problem: Mismatch,
    ) -> Result<u32, RuleSetError> {
        let (slot, info) = self.slot(fact)?;
        if info.ty != ty {
            return Err(mismatch(text, problem));
        }
        Ok(slot)
    }

    fn date_literal(&self, value: &Literal, text: &str) -> Result<Date, RuleSetError> {
        match value {
            Literal::Date(d) => parse_date(d).ok_or_else(|| RuleSetError::InvalidDate {
                place: format!("`{text}`"),
                date: d.clone(),
            }),
            Literal::AssessmentDate => Ok(self.as_of),
            _ => Err(mismatch(text, Mismatch::NonDate)),
        }
    }

    /// Compiles a condition; `depth` bounds recursion on hand-written input.
    pub(super) fn compile(
        &self,
        condition: &'r Condition,
        depth: usize,
    ) -> Result<Node<'r>, RuleSetError> {
        if depth > MAX_DEPTH {
            return Err(RuleSetError::TooDeep);
        }
        let text = condition.text();
        let all = |args: &'r [Condition]| {
            args.iter()
                .map(|a| self.compile(a, depth + 1))
                .collect::<Result<Vec<_>, _>>()
        };
        let kind = match condition {
            Condition::And { args, .. } => Kind::And(all(args)?),
            Condition::Or { args, .. } => Kind::Or(all(args)?),
            Condition::Not { arg, .. } => Kind::Not(Box::new(self.compile(arg, depth + 1)?)),
            Condition::IsTrue { fact, .. } => Kind::IsTrue {
                slot: self.slot_of_type(fact, SlotType::Bool, text, Mismatch::NotBool)?,
            },
            Condition::Present { fact, .. } => Kind::Present {
                slot: self.slot(fact)?.0,
            },
            Condition::Compare {
                fact,
                comparison,
                value,
                ..
            } => self.compile_compare(fact, *comparison, value, text)?,
            Condition::In {
                fact,
                values,
                negated,
                ..
            } => self.compile_in(fact, values, *negated, text)?,
            Condition::Contains { fact, value, .. } => Kind::Contains {
                slot: self.slot_of_type(fact, SlotType::Set, text, Mismatch::NotSet)?,
                value: self.intern(value),
            },
            Condition::SubsetOf { fact, values, .. }
            | Condition::SupersetOf { fact, values, .. } => {
                let slot = self.slot_of_type(fact, SlotType::Set, text, Mismatch::NotSet)?;
                let mut values: Vec<u32> = values.iter().map(|v| self.intern(v)).collect();
                values.sort_unstable();
                values.dedup();
                if matches!(condition, Condition::SubsetOf { .. }) {
                    Kind::Subset {
                        slot,
                        values: IdSet::new(values),
                    }
                } else {
                    Kind::Superset { slot, values }
                }
            }
            Condition::Within {
                fact,
                days,
                direction,
                ..
            } => self.compile_within(fact, *days, *direction, text)?,
        };
        Ok(Node { kind, text })
    }

    /// `fact <comparison> value`.
    fn compile_compare(
        &self,
        fact: &FactRef,
        comparison: Comparison,
        value: &Literal,
        text: &str,
    ) -> Result<Kind<'r>, RuleSetError> {
        let (slot, info) = self.slot(fact)?;
        Ok(match (info.ty, value) {
            (SlotType::Bool, Literal::Bool(b)) => Kind::Bool {
                slot,
                equal: equality(comparison, text)?,
                value: *b,
            },
            (SlotType::Int, Literal::Int(i)) => Kind::Int {
                slot,
                comparison,
                value: *i,
            },
            (SlotType::Decimal, Literal::Int(i)) => Kind::Number {
                slot,
                comparison,
                value: *i as f64,
            },
            (SlotType::Int | SlotType::Decimal, Literal::Decimal(d)) => Kind::Number {
                slot,
                comparison,
                value: *d,
            },
            (SlotType::String, Literal::String(s)) => Kind::Str {
                slot,
                equal: equality(comparison, text)?,
                value: self.intern(s),
            },
            (SlotType::Enum, Literal::Enum(v)) => {
                let index = info.values.get(v.as_str()).ok_or_else(|| {
                    mismatch(
                        text,
                        Mismatch::NotAValue {
                            value: v.clone(),
                            fact: fact.name.clone(),
                        },
                    )
                })?;
                Kind::Enum {
                    slot,
                    equal: equality(comparison, text)?,
                    value: *index,
                }
            }
            (SlotType::Date, value) => Kind::Date {
                slot,
                comparison,
                value: self.date_literal(value, text)?,
            },
            _ => return Err(mismatch(text, Mismatch::Value)),
        })
    }

    /// `fact in (values)`, or `not in` when `negated`.
    fn compile_in(
        &self,
        fact: &FactRef,
        values: &[Literal],
        negated: bool,
        text: &str,
    ) -> Result<Kind<'r>, RuleSetError> {
        let (slot, info) = self.slot(fact)?;
        let wrong = || mismatch(text, Mismatch::ListedValue);
        Ok(match info.ty {
            SlotType::String => {
                let ids = values
                    .iter()
                    .map(|v| match v {
                        Literal::String(s) => Ok(self.intern(s)),
                        _ => Err(wrong()),
                    })
                    .collect::<Result<_, _>>()?;
                Kind::InStr {
                    slot,
                    negated,
                    values: IdSet::new(ids),
                }
            }
            SlotType::Enum => Kind::InEnum {
                slot,
                negated,
                values: values
                    .iter()
                    .map(|v| match v {
                        Literal::Enum(s) => info.values.get(s.as_str()).copied().ok_or_else(wrong),
                        _ => Err(wrong()),
                    })
                    .collect::<Result<_, _>>()?,
            },
            SlotType::Int | SlotType::Decimal => Kind::InNumber {
                slot,
                negated,
                values: values
                    .iter()
                    .map(|v| match v {
                        Literal::Int(i) => Ok(*i as f64),
                        Literal::Decimal(d) => Ok(*d),
                        _ => Err(wrong()),
                    })
                    .collect::<Result<_, _>>()?,
            },
            SlotType::Date => Kind::InDate {
                slot,
                negated,
                values: values
                    .iter()
                    .map(|v| self.date_literal(v, text))
                    .collect::<Result<_, _>>()?,
            },
            SlotType::Bool => Kind::InBool {
                slot,
                negated,
                values: values
                    .iter()
                    .map(|v| match v {
                        Literal::Bool(b) => Ok(*b),
                        _ => Err(wrong()),
                    })
                    .collect::<Result<_, _>>()?,
            },
            SlotType::Set => return Err(mismatch(text, Mismatch::InOnSet)),
        })
    }

    /// `fact within N days before|after assessment`: a window of dates.
    fn compile_within(
        &self,
        fact: &FactRef,
        days: i64,
        direction: Direction,
        text: &str,
    ) -> Result<Kind<'r>, RuleSetError> {
        let slot = self.slot_of_type(fact, SlotType::Date, text, Mismatch::NotDate)?;
        let span = jiff::Span::new()
            .try_days(days)
            .map_err(|_| mismatch(text, Mismatch::DaysOutOfRange))?;
        // A window past the calendar's ends stops at them.
        let (from, to) = match direction {
            Direction::Before => (
                self.as_of.checked_sub(span).unwrap_or(Date::MIN),
                self.as_of,
            ),
            Direction::After => (
                self.as_of,
                self.as_of.checked_add(span).unwrap_or(Date::MAX),
            ),
        };
        Ok(Kind::Between { slot, from, to })
    }
}
