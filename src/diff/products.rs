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
/// scheme index, `new`'s) on `as_of`, streaming, on `jobs` threads
/// ([`compare_products_on`]).
pub fn judge_products(
    old: &RuleSet,
    new: &RuleSet,
    pairs: &[(usize, usize)],
    as_of: Date,
    input: &mut dyn std::io::BufRead,
    progress: &mut dyn FnMut(usize),
    jobs: usize,
) -> Result<Products, DiffError> {
    let mut programs = Vec::new();
    for (ia, ib) in pairs {
        let a = Program::new(old, *ia, as_of).map_err(DiffError::RuleSet)?;
        let b = Program::new(new, *ib, as_of).map_err(DiffError::RuleSet)?;
        programs.push((a, b));
    }
    compare_products_on(&programs, input, progress, jobs).map_err(DiffError::Products)
}

/// Judges every product of `input` (JSON Lines, the eval format) under
/// both versions of each compared scheme, one line at a time as it is read:
/// nothing but the counts and the first [`LISTED`] changes and errors is kept,
/// so memory stays flat. A product that names no category for a scheme is
/// not judged against it. `progress` is called with the number of lines
/// read after each line. One thread: [`compare_products_on`] shares the
/// lines out among several.
pub fn compare_products(
    pairs: &[(crate::eval::Program<'_>, crate::eval::Program<'_>)],
    input: &mut dyn std::io::BufRead,
    progress: &mut dyn FnMut(usize),
) -> std::io::Result<Products> {
    compare_products_on(pairs, input, progress, 1)
}

/// [`compare_products`] on `jobs` threads: the calling thread reads the
/// lines and gathers them into chunks ([`crate::eval::batch`]), workers
/// judge them, and the judgements are counted in input order, so the result
/// is the same for any number of threads (the same first changes listed).
pub fn compare_products_on(
    pairs: &[(crate::eval::Program<'_>, crate::eval::Program<'_>)],
    input: &mut dyn std::io::BufRead,
    progress: &mut dyn FnMut(usize),
    jobs: usize,
) -> std::io::Result<Products> {
    let mut products = Products::default();
    if jobs <= 1 {
        read_lines(input, progress, &mut |number, text| {
            let need = products.changed.len() < LISTED;
            let text = text.map_err(|e| match e {
                LineError::TooLong(length) => crate::limited::line_too_long(length),
                LineError::NotUtf8(byte) => not_utf8(byte),
            });
            let judged = judge_line(pairs, number, text, need);
            record(&mut products, pairs, judged);
            Ok(())
        })?;
        return Ok(products);
    }
    // How many changes are listed so far: once the list is full, workers
    // leave out the second, detailed judgement (a later line is never listed).
    let listed = std::sync::atomic::AtomicUsize::new(0);
    let work = |chunk: &crate::eval::batch::Chunk| -> Vec<Judged> {
        chunk
            .iter()
            .map(|(number, text)| {
                let need = listed.load(std::sync::atomic::Ordering::Relaxed) < LISTED;
                let text = text.map_err(|e| match e {
                    crate::eval::ProductError::TooLarge {
                        bytes: Some(length),
                        ..
                    } => crate::limited::line_too_long(length),
                    crate::eval::ProductError::NotUtf8 { byte, .. } => not_utf8(byte),
                    other => other.to_string(),
                });
                judge_line(pairs, number.unwrap_or(0), text, need)
            })
            .collect()
    };
    let mut consume = |judged: Vec<Judged>| {
        for j in judged {
            record(&mut products, pairs, j);
        }
        listed.store(products.changed.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(())
    };
    crate::eval::batch::ordered(
        jobs,
        &work,
        |pipeline| {
            read_lines(input, progress, &mut |number, text| {
                use crate::eval::batch::Lines;
                let text = text.map_err(|e| match e {
                    LineError::TooLong(length) => crate::eval::ProductError::TooLarge {
                        bytes: Some(length),
                        limit: crate::limited::MAX_PRODUCT_BYTES,
                    },
                    LineError::NotUtf8(byte) => crate::eval::ProductError::NotUtf8 {
                        byte,
                        whole_input: false,
                    },
                });
                pipeline.line(Some(number), text)
            })
        },
        &mut consume,
    )?;
    Ok(products)
}

/// A line's text, or why it could not be read as text.
type LineText<'a> = Result<&'a str, LineError>;

/// Why a line could not be read as text.
enum LineError {
    TooLong(u64),
    NotUtf8(usize),
}

fn not_utf8(byte: usize) -> String {
    format!("the line is not UTF-8 (byte {byte})")
}

/// Reads `input` line by line (bounded, [`crate::limited::read_line`]) and
/// hands each to `line` with its number; `progress` after each line.
fn read_lines(
    input: &mut dyn std::io::BufRead,
    progress: &mut dyn FnMut(usize),
    line: &mut dyn FnMut(usize, LineText<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(4096);
    let mut number = 0;
    loop {
        let read = crate::limited::read_line(input, &mut bytes)?;
        if read == crate::limited::Line::End {
            return Ok(());
        }
        number += 1;
        let text = match read {
            crate::limited::Line::TooLong(length) => Err(LineError::TooLong(length)),
            _ => std::str::from_utf8(&bytes).map_err(|e| LineError::NotUtf8(e.valid_up_to())),
        };
        line(number, text)?;
        progress(number);
    }
}

/// One line judged under every pair of versions, not yet counted.
struct Judged {
    number: usize,
    /// `Err`: the line could not be read (one error, the line unjudged).
    pairs: Result<Vec<PairJudged>, String>,
}

/// One line under one pair of versions.
enum PairJudged {
    /// The product names no category for the scheme: not judged.
    OutOfScope,
    /// The line could not be judged for this scheme (with the message).
    Error(String),
    Judged {
        old: Summary,
        new: Summary,
        /// Criteria whose outcome differs, when the levels differ and the
        /// change may be listed.
        criteria: Option<Vec<String>>,
    },
}

/// What the count keeps of one judgement.
struct Summary {
    id: String,
    level: Option<i64>,
    reachable: Option<i64>,
    rests_on: Option<String>,
}

impl Summary {
    fn of(o: &crate::eval::Outcome<'_>) -> Summary {
        Summary {
            id: o.id.clone(),
            level: o.level,
            reachable: o.reachable,
            rests_on: o
                .level_rests_on
                .as_ref()
                .map(|r| r.phrase())
                .filter(|p| !p.is_empty()),
        }
    }

    fn same(&self, other: &Summary) -> bool {
        self.level == other.level && self.reachable == other.reachable
    }
}

/// Judges line `number` under every pair; with `details`, a change of level
/// is judged again with every criterion (for the listed changes).
fn judge_line(
    pairs: &[(crate::eval::Program<'_>, crate::eval::Program<'_>)],
    number: usize,
    text: Result<&str, String>,
    details: bool,
) -> Judged {
    let pairs = text.map(|line| {
        if line.trim().is_empty() {
            return Vec::new();
        }
        pairs
            .iter()
            .map(|(old, new)| judge_pair(old, new, line, details))
            .collect()
    });
    Judged { number, pairs }
}

fn judge_pair(
    old: &crate::eval::Program<'_>,
    new: &crate::eval::Program<'_>,
    line: &str,
    details: bool,
) -> PairJudged {
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
        Ok(None) => return PairJudged::OutOfScope,
        Err(e) => {
            let product = crate::eval::line_id(line)
                .map(|id| format!(" (`{id}`)"))
                .unwrap_or_default();
            return PairJudged::Error(format!("{product}: {e}"));
        }
    };
    let (old_summary, new_summary) = (Summary::of(&a), Summary::of(&b));
    let criteria =
        (details && !old_summary.same(&new_summary)).then(|| criteria_of(old, new, line));
    PairJudged::Judged {
        old: old_summary,
        new: new_summary,
        criteria,
    }
}

/// The criteria whose outcome differs for `line` between two versions,
/// judged with every criterion.
fn criteria_of(
    old: &crate::eval::Program<'_>,
    new: &crate::eval::Program<'_>,
    line: &str,
) -> Vec<String> {
    match (
        old.evaluate_json_with(line, true),
        new.evaluate_json_with(line, true),
    ) {
        (Ok(a), Ok(b)) => criteria_changes(&a, &b),
        _ => Vec::new(),
    }
}

fn error(products: &mut Products, line: usize, message: &str) {
    products.error_count += 1;
    if products.errors.len() < LISTED {
        products.errors.push(format!("line {line}{message}"));
    }
}

/// Counts one judged line, in input order.
fn record(
    products: &mut Products,
    pairs: &[(crate::eval::Program<'_>, crate::eval::Program<'_>)],
    judged: Judged,
) {
    let number = judged.number;
    let results = match judged.pairs {
        Ok(results) => results,
        Err(message) => {
            products.unjudged_lines += 1;
            error(products, number, &format!(": {message}"));
            return;
        }
    };
    if results.is_empty() {
        // A blank line: not a product.
        return;
    }
    let mut any = false;
    for ((_, new), result) in pairs.iter().zip(results) {
        any |= record_pair(products, &new.scheme.id, number, result);
    }
    if !any && !pairs.is_empty() {
        products.unjudged_lines += 1;
    }
}

/// Counts one line under one pair; `false` when the line could not be read
/// for this scheme (an error).
fn record_pair(products: &mut Products, scheme: &str, number: usize, result: PairJudged) -> bool {
    let (a, b, criteria) = match result {
        PairJudged::OutOfScope => return true,
        PairJudged::Error(message) => {
            error(products, number, &message);
            return false;
        }
        PairJudged::Judged { old, new, criteria } => (old, new, criteria),
    };
    products.evaluated += 1;
    let name = |l: Option<i64>| l.map_or("none".to_string(), |l| l.to_string());
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
    if a.same(&b) {
        return true;
    }
    if products.changed.len() >= LISTED {
        products.changed_not_listed += 1;
        return true;
    }
    // The criteria were judged with the line: a worker leaves them out only
    // when the list was already full, and the list only grows.
    let criteria = criteria.unwrap_or_default();
    products.changed.push(ProductChange {
        id: b.id,
        line: number,
        scheme: scheme.to_string(),
        old_level: a.level,
        new_level: b.level,
        old_reachable: a.reachable,
        new_reachable: b.reachable,
        criteria,
        old_level_rests_on: a.rests_on,
        new_level_rests_on: b.rests_on,
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
