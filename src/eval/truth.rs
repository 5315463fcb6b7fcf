//! A compiled condition's truth for one product, in Kleene's three-valued
//! logic: a predicate over a missing fact is unknown.

use super::product::{Record, Val};
use super::program::{Kind, Node, OTHER};
use super::report::Truth;
use crate::rules::Comparison;

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
        Kind::IsTrue { slot } => known(match get(slot) {
            Val::Bool(b) => Some(*b),
            _ => None,
        }),
        Kind::Present { slot } => Truth::from_bool(!matches!(get(slot), Val::Missing)),
        Kind::Bool { slot, equal, value } => known(match get(slot) {
            Val::Bool(b) => Some((b == value) == *equal),
            _ => None,
        }),
        Kind::Int {
            slot,
            comparison,
            value,
        } => known(match get(slot) {
            Val::Int(i) => Some(compare(i, *comparison, value)),
            Val::Number(n) => Some(compare(n, *comparison, &(*value as f64))),
            _ => None,
        }),
        Kind::Number {
            slot,
            comparison,
            value,
        } => known(match get(slot) {
            Val::Int(i) => Some(compare(&(*i as f64), *comparison, value)),
            Val::Number(n) => Some(compare(n, *comparison, value)),
            _ => None,
        }),
        Kind::Str { slot, equal, value } => known(match get(slot) {
            Val::Str(id, _) => Some((id == value && *id != OTHER) == *equal),
            _ => None,
        }),
        Kind::Enum { slot, equal, value } => known(match get(slot) {
            Val::Enum(v) => Some((v == value) == *equal),
            _ => None,
        }),
        Kind::Date {
            slot,
            comparison,
            value,
        } => known(match get(slot) {
            Val::Date(d) => Some(compare(d, *comparison, value)),
            _ => None,
        }),
        _ => membership(node, record),
    }
}

/// A predicate over a list of values or a set (`in`, `contains`,
/// `subset_of`, `superset_of`, `within`): the rest of [`predicate`].
#[inline(always)]
fn membership(node: &Node<'_>, record: &Record<'_>) -> Truth {
    let get = |slot: &u32| record.values.get(*slot as usize).unwrap_or(&Val::Missing);
    let known = |b: Option<bool>| b.map_or(Truth::Unknown, Truth::from_bool);
    match &node.kind {
        Kind::And(_)
        | Kind::Or(_)
        | Kind::Not(_)
        | Kind::IsTrue { .. }
        | Kind::Present { .. }
        | Kind::Bool { .. }
        | Kind::Int { .. }
        | Kind::Number { .. }
        | Kind::Str { .. }
        | Kind::Enum { .. }
        // Never reached from `predicate`, which judges these itself.
        | Kind::Date { .. } => eval(node, record),
        Kind::InStr {
            slot,
            negated,
            values,
        } => known(match get(slot) {
            Val::Str(id, _) => Some(values.contains(*id) != *negated),
            _ => None,
        }),
        Kind::InEnum {
            slot,
            negated,
            values,
        } => known(match get(slot) {
            Val::Enum(v) => Some(values.contains(v) != *negated),
            _ => None,
        }),
        Kind::InNumber {
            slot,
            negated,
            values,
        } => known(match get(slot) {
            Val::Int(i) => Some(values.contains(&(*i as f64)) != *negated),
            Val::Number(n) => Some(values.contains(n) != *negated),
            _ => None,
        }),
        Kind::InDate {
            slot,
            negated,
            values,
        } => known(match get(slot) {
            Val::Date(d) => Some(values.contains(d) != *negated),
            _ => None,
        }),
        Kind::InBool {
            slot,
            negated,
            values,
        } => known(match get(slot) {
            Val::Bool(b) => Some(values.contains(b) != *negated),
            _ => None,
        }),
        Kind::Contains { slot, value } => known(match get(slot) {
            Val::Set(start, len) => {
                Some(*value != OTHER && record.set(*start, *len).iter().any(|(id, _)| id == value))
            }
            _ => None,
        }),
        // A product string no condition mentions ([`OTHER`]) is in no list.
        Kind::Subset { slot, values } => known(match get(slot) {
            Val::Set(start, len) => Some(
                record
                    .set(*start, *len)
                    .iter()
                    .all(|(id, _)| values.contains(*id)),
            ),
            _ => None,
        }),
        Kind::Superset { slot, values } => known(match get(slot) {
            Val::Set(start, len) => {
                let set = record.set(*start, *len);
                Some(
                    values
                        .iter()
                        .all(|v| *v != OTHER && set.iter().any(|(id, _)| id == v)),
                )
            }
            _ => None,
        }),
        Kind::Between { slot, from, to } => known(match get(slot) {
            Val::Date(d) => Some(from <= d && d <= to),
            _ => None,
        }),
    }
}

/// The slot a leaf reads.
pub(super) fn leaf_slot(kind: &Kind<'_>) -> Option<u32> {
    match kind {
        Kind::And(_) | Kind::Or(_) | Kind::Not(_) => None,
        Kind::IsTrue { slot }
        | Kind::Present { slot }
        | Kind::Bool { slot, .. }
        | Kind::Int { slot, .. }
        | Kind::Number { slot, .. }
        | Kind::Str { slot, .. }
        | Kind::Enum { slot, .. }
        | Kind::Date { slot, .. }
        | Kind::InStr { slot, .. }
        | Kind::InEnum { slot, .. }
        | Kind::InNumber { slot, .. }
        | Kind::InDate { slot, .. }
        | Kind::InBool { slot, .. }
        | Kind::Contains { slot, .. }
        | Kind::Subset { slot, .. }
        | Kind::Superset { slot, .. }
        | Kind::Between { slot, .. } => Some(*slot),
    }
}
