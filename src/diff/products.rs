//! The product impact: every product judged by both versions of each
//! compared scheme, streamed, with counts and the first changes listed.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::{Diff, LISTED, ProductChange, Products, diff_versions};
use crate::eval::{Program, RuleSetError};
use crate::rules::RuleSet;

/// Why a diff cannot be made: the versions are not found, a version cannot
/// be prepared for judging products, or the products cannot be read.
#[derive(Debug)]
pub enum DiffError {
    /// `--from`/`--to` name no scheme version of the compilation.
    UnknownVersion {
        from: String,
        to: String,
        /// The versions the compilation has, `id@version`.
        known: Vec<String>,
    },
    /// A compared version cannot be evaluated (a compiled rule set edited
    /// by hand or from another version of labelc).
    RuleSet(RuleSetError),
    /// The products could not be read (an I/O error, not a bad line).
    Products(std::io::Error),
}

impl DiffError {
    /// The stable code (docs/language.md, "Runtime errors").
    pub fn code(&self) -> &'static str {
        match self {
            DiffError::UnknownVersion { .. } => "labelc::diff::unknown_version",
            DiffError::RuleSet(_) => "labelc::diff::rule_set",
            DiffError::Products(_) => "labelc::diff::unreadable_products",
        }
    }
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffError::UnknownVersion { from, to, known } => write!(
                f,
                "`--from {from} --to {to}`: both must be `id@version` of the compilation, which has {}",
                known.join(", ")
            ),
            DiffError::RuleSet(e) => write!(f, "{e}"),
            DiffError::Products(e) => write!(f, "cannot read the products: {e}"),
        }
    }
}

impl std::error::Error for DiffError {}

/// `--from A --to B`: the diff of two versions of one compilation, named
/// `id@version`, and their indexes in `rules.schemes` (the pair whose
/// products [`judge_products`] compares).
pub fn diff_named(
    rules: &RuleSet,
    from: &str,
    to: &str,
) -> Result<(Diff, (usize, usize)), DiffError> {
    let find = |key: &str| {
        rules
            .schemes
            .iter()
            .enumerate()
            .find(|(_, s)| s.key() == key)
    };
    let (Some((ia, a)), Some((ib, b))) = (find(from), find(to)) else {
        return Err(DiffError::UnknownVersion {
            from: from.to_string(),
            to: to.to_string(),
            known: rules.schemes.iter().map(|s| s.key()).collect(),
        });
    };
    Ok((diff_versions(rules, a, b), (ia, ib)))
}

/// Judges the products of `input` under each pair of versions (`old`'s
/// scheme index, `new`'s) on `as_of`, streaming ([`compare_products`]).
pub fn judge_products(
    old: &RuleSet,
    new: &RuleSet,
    pairs: &[(usize, usize)],
    as_of: Date,
    input: &mut dyn std::io::BufRead,
    progress: &mut dyn FnMut(usize),
) -> Result<Products, DiffError> {
    let mut programs = Vec::new();
    for (ia, ib) in pairs {
        let a = Program::new(old, *ia, as_of).map_err(DiffError::RuleSet)?;
        let b = Program::new(new, *ib, as_of).map_err(DiffError::RuleSet)?;
        programs.push((a, b));
    }
    compare_products(&programs, input, progress).map_err(DiffError::Products)
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
            error(products, number, &format!("{product}: {e}"));
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
