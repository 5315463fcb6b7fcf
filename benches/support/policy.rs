//! The compile workload: a large generated policy, deterministic (the same
//! arguments give the same bytes). At the default size, 25 schemes × 1,500
//! criteria over 240 facts, it is about 10 MB in 26 files: one vocabulary
//! file of facts and one file per scheme, each with sources, categories,
//! criteria (title, citation, scope, method, status, condition)
//! and three cumulative levels. It is written in the canonical layout, so
//! `labelc fmt --check` finds nothing to change.

#![allow(
    dead_code,
    reason = "shared by the benchmark and the example; each uses part"
)]

use super::workload::Rng;

pub const SCHEMES: usize = 25;
pub const CRITERIA_PER_SCHEME: usize = 1_500;
/// Facts of each of the four kinds (int, bool, string, set<string>).
pub const FACTS_PER_KIND: usize = 60;

const METHODS: [&str; 3] = ["test", "document_review", "self_declaration"];
const WORDS: [&str; 8] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
];

/// The fact declarations shared by every scheme.
pub fn vocabulary() -> String {
    let mut out = String::new();
    for i in 0..FACTS_PER_KIND {
        out.push_str(&format!("fact gen.int_{i:03}: int\n"));
        out.push_str(&format!("fact gen.flag_{i:03}: bool\n"));
        out.push_str(&format!("fact gen.name_{i:03}: string\n"));
        out.push_str(&format!("fact gen.tags_{i:03}: set<string>\n"));
    }
    out
}

/// A condition over the generated facts; `revision` shifts every 97th
/// threshold, so two revisions differ in a few hundred criteria.
fn condition(rng: &mut Rng, c: usize, revision: u64) -> String {
    let f = rng.below(FACTS_PER_KIND as u64);
    let g = rng.below(FACTS_PER_KIND as u64);
    let shift = if c.is_multiple_of(97) { revision } else { 0 };
    let threshold = rng.below(40) + shift;
    let word = WORDS.get(rng.below(8) as usize).copied().unwrap_or("alpha");
    match c % 5 {
        0 => format!("gen.int_{f:03} >= {threshold} and gen.flag_{g:03}"),
        1 => format!(
            "gen.name_{f:03} in [\"{word}-1\", \"{word}-2\"] or gen.int_{g:03} < {}",
            60 + threshold
        ),
        2 => format!("gen.tags_{f:03} contains \"{word}\" or not gen.flag_{g:03}"),
        3 => format!(
            "gen.flag_{f:03} and (gen.int_{g:03} <= {} or gen.flag_{g:03})",
            50 + threshold
        ),
        _ => format!("gen.tags_{f:03} subset_of [\"alpha\", \"bravo\", \"{word}\"]"),
    }
}

/// Scheme number `s` (from 0) with `criteria` criteria, of revision `revision`.
pub fn scheme(s: usize, criteria: usize, revision: u64) -> String {
    let mut rng = Rng::new(1_000 + s as u64);
    let mut out = format!(
        "scheme gen_{s:02}@2026-01 {{
    title \"Generated scheme {s}: a labelling scheme of {criteria} criteria in three levels\"
    jurisdiction \"XX\"
    status in_force
    effective 2026-01-01

    source main {{
        title \"Generated scheme {s}, the technical specification\"
        document \"GEN-{s:02}:2026\"
        issued 2025-12-01
    }}

    category devices {{
        title \"Connected devices\"
        status confirmed

        category cameras {{
            title \"Cameras\"
            status confirmed
        }}
    }}
"
    );
    for c in 0..criteria {
        let method = METHODS.get(c % 3).copied().unwrap_or("test");
        let condition = condition(&mut rng, c, revision);
        out.push_str(&format!(
            "
    criterion G{s:02}-{c:04} {{
        title \"Requirement {c}: the device protects its interfaces\"
        citation main \"clause {}.{}.{}\"
        applies_to devices
        method {method}
        status confirmed
        condition {condition}
    }}
",
            c / 100 + 1,
            c / 10 % 10 + 1,
            c % 10 + 1
        ));
    }
    for level in 1..=3usize {
        let ids: Vec<String> = (0..criteria)
            .filter(|c| c * 3 / criteria.max(1) == level - 1)
            .map(|c| format!("G{s:02}-{c:04}"))
            .collect();
        // Eight ids a line, continuation lines aligned under the first id.
        let lines: Vec<String> = ids.chunks(8).map(|ids| ids.join(", ")).collect();
        let include = if level > 1 {
            format!("        include {}\n", level - 1)
        } else {
            String::new()
        };
        let require = if lines.is_empty() {
            String::new()
        } else {
            format!("        require {}\n", lines.join(",\n                "))
        };
        out.push_str(&format!(
            "
    level {level} {{
        title \"Level {level}\"
{include}{require}        status confirmed
    }}
"
        ));
    }
    out.push_str("}\n");
    out
}

/// Every file of the workload, `(name, text)`: the vocabulary, then one file
/// per scheme.
pub fn files(schemes: usize, criteria: usize, revision: u64) -> Vec<(String, String)> {
    let mut files = vec![("vocabulary.policy".to_string(), vocabulary())];
    for s in 0..schemes {
        files.push((format!("gen-{s:02}.policy"), scheme(s, criteria, revision)));
    }
    files
}

/// Writes [`files`] into `dir` (created if missing); returns the bytes written.
pub fn write(
    dir: &std::path::Path,
    schemes: usize,
    criteria: usize,
    revision: u64,
) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut total = 0;
    for (name, text) in files(schemes, criteria, revision) {
        total += text.len();
        std::fs::write(dir.join(name), text)?;
    }
    Ok(total)
}
