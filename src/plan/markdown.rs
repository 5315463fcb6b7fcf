//! The plan for a person: Markdown with headings, checklists and tables,
//! readable in a browser or a pull request. Deterministic.

use std::fmt::Write as _;

use super::{CreditSource, OpenItem, Plan, SchemePlan};
use crate::eval::Verdict;
use crate::rules::{Credit, Method, RecognitionStatus, Relationship};

fn method(m: Option<Method>) -> &'static str {
    match m {
        Some(Method::Test) => "test",
        Some(Method::DocumentReview) => "document review",
        Some(Method::Audit) => "audit",
        Some(Method::SelfDeclaration) => "self-declaration",
        None => "method not given",
    }
}

fn relationship(r: Relationship) -> &'static str {
    match r {
        Relationship::Equal => "equal",
        Relationship::SubsetOf => "subset of",
        Relationship::SupersetOf => "superset of",
        Relationship::IntersectsWith => "intersects with",
        Relationship::NoRelationship => "no relationship",
    }
}

fn status(s: RecognitionStatus) -> &'static str {
    match s {
        RecognitionStatus::Official => "official",
        RecognitionStatus::Proposed => "proposed",
        RecognitionStatus::Assumed => "assumed",
    }
}

/// Pipes and line breaks would break a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn credit_row(out: &mut String, criterion: &str, title: &str, by: &CreditSource) {
    let _ = writeln!(
        out,
        "| {criterion} | {} | {} | {} | {} | {} | {} | {} |",
        cell(title),
        by.recognition,
        relationship(by.relationship),
        if by.credit == Credit::Full {
            "full"
        } else {
            "partial"
        },
        status(by.status),
        cell(by.source.as_deref().unwrap_or("")),
        cell(&by.verify.join("; ")),
    );
}

fn open_items(out: &mut String, items: &[OpenItem]) {
    for item in items {
        let _ = writeln!(out, "- {} `{}`: {}", item.kind, item.id, item.reason);
    }
}

fn scheme_section(out: &mut String, plan: &SchemePlan) {
    let level = match &plan.level_title {
        Some(t) => format!("level {} ({t})", plan.level),
        None => format!("level {}", plan.level),
    };
    let category = match &plan.category_title {
        Some(t) => format!("`{}` ({t})", plan.category),
        None => format!("`{}`", plan.category),
    };
    let _ = writeln!(out, "## {} — {}\n", plan.scheme, plan.title);
    match plan.nature {
        Some(nature) => {
            let _ = writeln!(
                out,
                "Target: {level}, category {category}. The scheme is {}.\n",
                nature.word()
            );
        }
        None => {
            let _ = writeln!(out, "Target: {level}, category {category}.\n");
        }
    }

    let _ = writeln!(out, "### Scope\n");
    let from = plan
        .scope
        .from
        .as_deref()
        .map(|d| format!(", from {d}"))
        .unwrap_or_default();
    if let Some(reason) = &plan.scope.excluded {
        let _ = writeln!(
            out,
            "- **Excluded**: the scheme does not cover `{}`: {reason}. No criterion applies.",
            plan.category
        );
    } else if plan.scope.in_scope {
        let _ = writeln!(out, "- In scope on the assessment date{from}.");
    } else {
        let _ = writeln!(out, "- **Not yet in scope** on the assessment date{from}.");
    }
    for item in &plan.scope.pending {
        let _ = writeln!(out, "- Pending: category `{}`: {}", item.id, item.reason);
    }
    for item in &plan.levels_not_applying {
        let _ = writeln!(
            out,
            "- **Does not apply**: {}; no product reaches level {} on the assessment date.",
            item.reason, item.level
        );
    }
    out.push('\n');

    let _ = writeln!(out, "### Credits\n");
    let partial = plan
        .work
        .iter()
        .any(|s| s.criteria.iter().any(|c| !c.reduced_by.is_empty()));
    if plan.credits.is_empty() && !partial {
        let _ = writeln!(
            out,
            "None: no recognition held credits a criterion of this plan.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "| criterion | title | recognition | relationship | credit | status | source | verify |"
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- | --- |");
        for item in &plan.credits {
            for by in &item.by {
                credit_row(out, &item.criterion, &item.title, by);
            }
        }
        for item in plan.work.iter().flat_map(|s| s.criteria.iter()) {
            for by in &item.reduced_by {
                credit_row(out, &item.criterion, &item.title, by);
            }
        }
        out.push('\n');
        if partial {
            let _ = writeln!(
                out,
                "Partial credit leaves the criterion in the work below, as reduced work.\n"
            );
        }
    }

    if !plan.decided.is_empty() {
        let _ = writeln!(out, "### Already decided by the known facts\n");
        for d in &plan.decided {
            let mark = if d.outcome == Verdict::Pass { "x" } else { " " };
            let word = if d.outcome == Verdict::Pass {
                "passes"
            } else {
                "**fails**"
            };
            let _ = writeln!(
                out,
                "- [{mark}] {} {word}: {} (level {})",
                d.criterion, d.title, d.level
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "### Work\n");
    if plan.work.is_empty() {
        match plan.levels_not_applying.first() {
            Some(first) => {
                let _ = writeln!(
                    out,
                    "Nothing to assess on the assessment date: level {} does not apply (see Scope).\n",
                    first.level
                );
            }
            None => {
                let _ = writeln!(out, "Nothing left to assess.\n");
            }
        }
    }
    for (n, step) in plan.work.iter().enumerate() {
        let _ = writeln!(
            out,
            "#### Step {}: {} for level {} ({})\n",
            n + 1,
            method(step.method),
            step.gates_level,
            if step.criteria.len() == 1 {
                "1 criterion".to_string()
            } else {
                format!("{} criteria", step.criteria.len())
            }
        );
        for item in &step.criteria {
            let citation = item
                .citation
                .as_deref()
                .map(|c| format!(" — {c}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- [ ] **{}** {} (level {}){citation}",
                item.criterion, item.title, item.level
            );
            for e in &item.evidence {
                let _ = writeln!(out, "  - evidence: {}", cell(e));
            }
            if !item.facts.is_empty() {
                let facts: Vec<String> = item.facts.iter().map(|f| format!("`{f}`")).collect();
                let _ = writeln!(out, "  - establish: {}", facts.join(", "));
            }
            if let Some(reason) = &item.pending {
                let _ = writeln!(out, "  - pending: {reason}");
            }
            if let Some(basis) = item.basis {
                let _ = writeln!(out, "  - basis: {} (not the official text)", basis.word());
            }
            for by in &item.reduced_by {
                let _ = writeln!(
                    out,
                    "  - reduced work: partial credit from `{}`",
                    by.recognition
                );
            }
            if !item.also_serves.is_empty() {
                let _ = writeln!(
                    out,
                    "  - the same evidence serves {}",
                    item.also_serves.join(", ")
                );
            }
        }
        out.push('\n');
    }

    if !plan.not_applicable.is_empty() {
        let _ = writeln!(out, "### Not applicable\n");
        for item in &plan.not_applicable {
            let _ = writeln!(out, "- {} {}: {}", item.criterion, item.title, item.reason);
        }
        out.push('\n');
    }

    let _ = writeln!(out, "### Open items\n");
    if plan.open_items.is_empty() {
        let _ = writeln!(out, "None.\n");
    } else {
        open_items(out, &plan.open_items);
        out.push('\n');
    }
}

/// Renders a plan as Markdown.
pub fn render_markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Assessment plan\n");
    let targets: Vec<String> = plan
        .schemes
        .iter()
        .map(|s| format!("{} level {}", s.scheme, s.level))
        .collect();
    let _ = writeln!(
        out,
        "Assessment date {}; {}.",
        plan.as_of,
        targets.join(", ")
    );
    if plan.holdings.is_empty() {
        let _ = writeln!(out, "No recognitions held.\n");
    } else {
        let held: Vec<String> = plan
            .holdings
            .iter()
            .map(|h| {
                if plan.holdings_from_facts.contains(h) {
                    format!("`{h}` (from `--facts`)")
                } else {
                    format!("`{h}`")
                }
            })
            .collect();
        let _ = writeln!(out, "Recognitions held: {}.\n", held.join(", "));
    }
    for scheme in &plan.schemes {
        scheme_section(&mut out, scheme);
    }
    if plan.schemes.len() > 1 {
        let _ = writeln!(out, "## Shared evidence\n");
        let shared: Vec<_> = plan
            .evidence
            .iter()
            .filter(|e| e.serves.len() > 1)
            .collect();
        if shared.is_empty() {
            let _ = writeln!(out, "No fact serves more than one criterion.\n");
        } else {
            let _ = writeln!(out, "| fact | serves |");
            let _ = writeln!(out, "| --- | --- |");
            for e in shared {
                let _ = writeln!(out, "| `{}` | {} |", e.fact, e.serves.join(", "));
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "Collecting the evidence once for all schemes saves {} evidence item(s).",
            plan.evidence_saved
        );
    }
    out
}
