//! The fast path for writing an [`Outcome`] as one JSON line: the bytes
//! `serde_json::to_writer(out, outcome)` writes, without the serializer's
//! work per key and per byte. Keys and punctuation are written as literal
//! byte strings; a string value is copied whole when it holds nothing JSON
//! escapes (no `"`, `\` or control character, found eight bytes at a time),
//! and only otherwise goes through serde_json. Fact values, numbers and any
//! string that needs escaping are written by serde_json itself, so the
//! escaping and number formatting are serde_json's. The derived `Serialize`
//! stays the definition of the format: a test checks that both give the same
//! bytes for every outcome of the reference policies, the workload and
//! products full of escapes.

use std::io::Write as _;

use super::fast::string_end;
use super::report::{
    CriterionResult, GroupResult, Leaf, NextLevel, Outcome, RestsOn, Truth, Verdict,
};

impl Outcome<'_> {
    /// Appends the outcome as JSON to `out`: the same bytes as
    /// `serde_json::to_writer(out, self)`, written faster.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        // Every field named: a field added to `Outcome` fails to compile here
        // until it is written (or skipped on purpose).
        let Outcome {
            format: super::report::EvalFormat,
            line,
            id,
            scheme,
            as_of,
            category,
            in_scope,
            excluded,
            level,
            level_rests_on,
            reachable,
            reachable_rests_on,
            next,
            criteria,
        } = self;
        out.extend_from_slice(b"{\"format\":\"");
        out.extend_from_slice(super::FORMAT.as_bytes());
        out.extend_from_slice(b"\",");
        if let Some(line) = line {
            out.extend_from_slice(b"\"line\":");
            number(out, *line)?;
            out.push(b',');
        }
        out.extend_from_slice(b"\"id\":");
        string(out, id)?;
        out.extend_from_slice(b",\"scheme\":\"");
        string_contents(out, scheme.id)?;
        out.push(b'@');
        string_contents(out, scheme.version)?;
        // A date displays as digits, `-` and `+`: nothing to escape.
        write!(out, "\",\"as_of\":\"{as_of}\",\"category\":").map_err(serde_json::Error::io)?;
        match category {
            Some(category) => string(out, category)?,
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(if *in_scope {
            b",\"in_scope\":true"
        } else {
            b",\"in_scope\":false"
        });
        if let Some(reason) = excluded {
            out.extend_from_slice(b",\"excluded\":");
            string(out, reason)?;
        }
        out.extend_from_slice(b",\"level\":");
        optional_number(out, *level)?;
        if let Some(rests) = level_rests_on {
            out.extend_from_slice(b",\"level_rests_on\":");
            rests_on(out, rests)?;
        }
        out.extend_from_slice(b",\"reachable\":");
        optional_number(out, *reachable)?;
        if let Some(rests) = reachable_rests_on {
            out.extend_from_slice(b",\"reachable_rests_on\":");
            rests_on(out, rests)?;
        }
        if let Some(next) = next {
            out.extend_from_slice(b",\"next\":");
            next_level(out, next)?;
        }
        if let Some(criteria) = criteria {
            out.extend_from_slice(b",\"criteria\":");
            list(out, criteria, criterion)?;
        }
        out.push(b'}');
        Ok(())
    }
}

fn rests_on(out: &mut Vec<u8>, rests: &RestsOn<'_>) -> serde_json::Result<()> {
    out.push(b'{');
    let mut first = true;
    for (key, ids) in [
        (&b"\"secondary\":"[..], &rests.secondary),
        (b"\"reported\":", &rests.reported),
        (b"\"inferred\":", &rests.inferred),
        (b"\"assumed_recognitions\":", &rests.assumed_recognitions),
    ] {
        if ids.is_empty() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(key);
        list(out, ids, |out, s| string(out, s))?;
    }
    out.push(b'}');
    Ok(())
}

fn next_level(out: &mut Vec<u8>, next: &NextLevel<'_>) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"rank\":");
    number(out, next.rank)?;
    if let Some(title) = next.title {
        out.extend_from_slice(b",\"title\":");
        string(out, title)?;
    }
    if let Some(reason) = &next.does_not_apply {
        out.extend_from_slice(b",\"does_not_apply\":");
        string(out, reason)?;
    }
    out.extend_from_slice(b",\"failing\":");
    list(out, &next.failing, criterion)?;
    out.extend_from_slice(b",\"unknown\":");
    list(out, &next.unknown, criterion)?;
    if !next.pending.is_empty() {
        out.extend_from_slice(b",\"pending\":");
        list(out, &next.pending, |out, s| string(out, s))?;
    }
    if !next.groups.is_empty() {
        out.extend_from_slice(b",\"groups\":");
        list(out, &next.groups, group)?;
    }
    out.push(b'}');
    Ok(())
}

fn criterion(out: &mut Vec<u8>, c: &CriterionResult<'_>) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    string(out, c.id)?;
    out.extend_from_slice(b",\"title\":");
    string(out, c.title)?;
    out.extend_from_slice(b",\"outcome\":");
    out.extend_from_slice(match c.outcome {
        Verdict::Pass => b"\"pass\"",
        Verdict::Fail => b"\"fail\"",
        Verdict::Unknown => b"\"unknown\"",
        Verdict::Credited => b"\"credited\"",
        Verdict::NotApplicable => b"\"not_applicable\"",
    });
    if let Some(reason) = &c.reason {
        out.extend_from_slice(b",\"reason\":");
        string(out, reason)?;
    }
    if !c.credited_by.is_empty() {
        out.extend_from_slice(b",\"credited_by\":");
        list(out, &c.credited_by, |out, s| string(out, s))?;
    }
    if !c.partially_credited_by.is_empty() {
        out.extend_from_slice(b",\"partially_credited_by\":");
        list(out, &c.partially_credited_by, |out, s| string(out, s))?;
    }
    if !c.decided_by.is_empty() {
        out.extend_from_slice(b",\"decided_by\":");
        list(out, &c.decided_by, leaf)?;
    }
    out.push(b'}');
    Ok(())
}

fn leaf(out: &mut Vec<u8>, leaf: &Leaf<'_>) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"expr\":");
    string(out, leaf.expr)?;
    out.extend_from_slice(b",\"value\":");
    out.extend_from_slice(match leaf.value {
        Truth::False => b"\"false\"",
        Truth::Unknown => b"\"unknown\"",
        Truth::True => b"\"true\"",
    });
    out.extend_from_slice(b",\"facts\":{");
    if let Some((name, value)) = &leaf.facts.0 {
        string(out, name)?;
        out.push(b':');
        json_value(out, value)?;
    }
    out.extend_from_slice(b"}}");
    Ok(())
}

fn group(out: &mut Vec<u8>, g: &GroupResult<'_>) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"k\":");
    number(out, g.k)?;
    out.extend_from_slice(b",\"of\":");
    list(out, &g.of, |out, s| string(out, s))?;
    out.extend_from_slice(b",\"met\":");
    number(out, g.met)?;
    out.extend_from_slice(b",\"unknown\":");
    number(out, g.unknown)?;
    if g.not_applicable != 0 {
        out.extend_from_slice(b",\"not_applicable\":");
        number(out, g.not_applicable)?;
    }
    out.push(b'}');
    Ok(())
}

/// A fact's value: strings and lists by this module, the rest by serde_json.
fn json_value(out: &mut Vec<u8>, value: &serde_json::Value) -> serde_json::Result<()> {
    match value {
        serde_json::Value::String(s) => string(out, s),
        serde_json::Value::Array(items) => list(out, items, json_value),
        other => serde_json::to_writer(out, other),
    }
}

fn list<T>(
    out: &mut Vec<u8>,
    items: &[T],
    mut write: impl FnMut(&mut Vec<u8>, &T) -> serde_json::Result<()>,
) -> serde_json::Result<()> {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item)?;
    }
    out.push(b']');
    Ok(())
}

fn number(out: &mut Vec<u8>, n: impl serde::Serialize) -> serde_json::Result<()> {
    serde_json::to_writer(out, &n)
}

fn optional_number(out: &mut Vec<u8>, n: Option<i64>) -> serde_json::Result<()> {
    match n {
        Some(n) => number(out, n),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// A JSON string: copied between quotes when nothing in it needs escaping.
fn string(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    if string_end(s.as_bytes()).is_none() {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, s)
    }
}

/// The inside of a JSON string (no quotes), escaped as serde_json escapes it.
fn string_contents(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    if string_end(s.as_bytes()).is_none() {
        out.extend_from_slice(s.as_bytes());
        return Ok(());
    }
    let mut quoted = Vec::with_capacity(s.len() + 8);
    serde_json::to_writer(&mut quoted, s)?;
    let inner = quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or_default();
    out.extend_from_slice(inner);
    Ok(())
}
