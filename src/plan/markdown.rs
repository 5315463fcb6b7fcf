//! The plan for a person: Markdown with headings, checklists and tables,
//! readable in a browser or a pull request. Deterministic.

use std::fmt::Write as _;

use super::{CreditSource, Evidence, OpenItem, Outlook, Plan, SchemePlan, WorkItem, outlook};
use crate::eval::Verdict;
use crate::rules::{Credit, Method, RecognitionStatus, Relationship};
use crate::text::{and_list, count};

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
    let status = match by.basis {
        Some(basis) => format!("{}, on a {} basis", status(by.status), basis.word()),
        None => status(by.status).to_string(),
    };
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
        status,
        cell(by.source.as_deref().unwrap_or("")),
        cell(&by.verify.join("; ")),
    );
}

fn open_items(out: &mut String, items: &[&OpenItem]) {
    for item in items {
        let _ = writeln!(out, "- {} `{}`: {}", item.kind, item.id, item.reason);
    }
}

/// Effort by method: `15 criteria (6 by test, 9 by document review)`.
fn effort(outlook: &Outlook) -> String {
    let total: usize = outlook.effort.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = outlook
        .effort
        .iter()
        .map(|(m, n)| match m {
            Some(_) => format!("{n} by {}", method(*m)),
            None => format!("{n} with no method given"),
        })
        .collect();
    format!(
        "{} ({})",
        count(total, "criterion", "criteria"),
        parts.join(", ")
    )
}

/// The verdict a scheme's section opens with.
fn verdict(out: &mut String, plan: &SchemePlan) {
    let o = outlook(plan);
    let work = if o.effort.is_empty() {
        "nothing left to assess".to_string()
    } else {
        format!("{} left to assess", effort(&o))
    };
    if o.blocking.is_empty() {
        let _ = write!(
            out,
            "**Verdict**: level {} is reachable given what is known; {work}.",
            plan.level
        );
    } else {
        let reachable = match o.reachable {
            Some(level) => format!("level {level}"),
            None => "no level".to_string(),
        };
        let _ = write!(
            out,
            "**Verdict**: level {} is **unreachable** given what is known: {}. \
             Reachable: {reachable}; {work}.",
            plan.level,
            and_list(&o.blocking)
        );
    }
    if !o.pending.is_empty() {
        let ids: Vec<String> = o.pending.iter().map(|id| format!("`{id}`")).collect();
        let _ = write!(
            out,
            " The published texts leave {} open ({}): the verdict holds only as far as they go.",
            count(o.pending.len(), "criterion", "criteria"),
            and_list(&ids)
        );
    }
    out.push_str("\n\n");
}

/// The documents cited by the work, each once, numbered in order of first use.
fn sources(plan: &Plan) -> Vec<String> {
    let mut sources: Vec<String> = Vec::new();
    for item in plan
        .schemes
        .iter()
        .flat_map(|s| s.work.iter())
        .flat_map(|s| s.criteria.iter())
    {
        if let Some((Some(document), _)) = &item.cited
            && !sources.contains(document)
        {
            sources.push(document.clone());
        }
    }
    sources
}

/// One scheme's section, in the order a reader needs it.
fn scheme_section(out: &mut String, plan: &SchemePlan, sources: &[String]) {
    target_section(out, plan);
    verdict(out, plan);
    scope_section(out, plan);
    credits_section(out, plan);
    decided_section(out, plan);
    work_section(out, plan, sources);
    not_applicable_section(out, plan);
    open_items_section(out, plan);
}

/// The scheme's heading and the target.
fn target_section(out: &mut String, plan: &SchemePlan) {
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
}

/// Whether and from when the category is in scope.
fn scope_section(out: &mut String, plan: &SchemePlan) {
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
}

/// The credits of the recognitions held, full and partial, as one table.
fn credits_section(out: &mut String, plan: &SchemePlan) {
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
}

/// Criteria the known facts decide (residual plans only).
fn decided_section(out: &mut String, plan: &SchemePlan) {
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
}

/// The work, step by step: what gates the lowest level first.
fn work_section(out: &mut String, plan: &SchemePlan, sources: &[String]) {
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
            count(step.criteria.len(), "criterion", "criteria")
        );
        for item in &step.criteria {
            work_item(out, item, sources);
        }
        out.push('\n');
    }
}

/// One criterion of a step, as a checklist entry with what it asks for.
fn work_item(out: &mut String, item: &WorkItem, sources: &[String]) {
    let citation = match &item.cited {
        Some((Some(document), locator)) => {
            let n = sources.iter().position(|s| s == document).unwrap_or(0) + 1;
            format!(" — [{n}] {locator}")
        }
        Some((None, locator)) => format!(" — {locator}"),
        None => String::new(),
    };
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

/// Required criteria that do not apply, and why.
fn not_applicable_section(out: &mut String, plan: &SchemePlan) {
    if !plan.not_applicable.is_empty() {
        let _ = writeln!(out, "### Not applicable\n");
        for item in &plan.not_applicable {
            let _ = writeln!(out, "- {} {}: {}", item.criterion, item.title, item.reason);
        }
        out.push('\n');
    }
}

/// What the published texts leave open.
fn open_items_section(out: &mut String, plan: &SchemePlan) {
    let _ = writeln!(out, "### Open items\n");
    // A pending criterion in the work is marked there; it is not repeated here.
    let pending_in_work: Vec<&str> = plan
        .work
        .iter()
        .flat_map(|s| s.criteria.iter())
        .filter(|c| c.pending.is_some())
        .map(|c| c.criterion.as_str())
        .collect();
    let items: Vec<&OpenItem> = plan
        .open_items
        .iter()
        .filter(|i| !(i.kind == "criterion" && pending_in_work.contains(&i.id.as_str())))
        .collect();
    let _ = match (items.is_empty(), pending_in_work.is_empty()) {
        (true, true) => writeln!(out, "None.\n"),
        (true, false) => writeln!(out, "None besides the pending criteria in the work.\n"),
        (false, _) => {
            open_items(out, &items);
            writeln!(out)
        }
    };
}

/// Whether a fact serves criteria of more than one scheme: reuse within one
/// scheme saves nothing, so only these are shared evidence.
fn across_schemes(e: &Evidence) -> bool {
    let scheme_of = |served: &String| served.split_once(':').map(|(s, _)| s.to_string());
    let first = e.serves.first().map(scheme_of);
    e.serves.iter().any(|s| Some(scheme_of(s)) != first)
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
    let sources = sources(plan);
    for scheme in &plan.schemes {
        scheme_section(&mut out, scheme, &sources);
    }
    if plan.schemes.len() > 1 {
        let _ = writeln!(out, "## Shared evidence\n");
        let shared: Vec<_> = plan.evidence.iter().filter(|e| across_schemes(e)).collect();
        if shared.is_empty() {
            let _ = writeln!(out, "No fact serves more than one scheme.\n");
        } else {
            let _ = writeln!(out, "| fact | serves |");
            let _ = writeln!(out, "| --- | --- |");
            for e in shared {
                let _ = writeln!(out, "| `{}` | {} |", e.fact, e.serves.join(", "));
            }
            out.push('\n');
        }
        if plan.evidence_saved > 0 {
            let _ = writeln!(
                out,
                "Collecting the evidence once for all schemes saves {}.\n",
                count(plan.evidence_saved, "evidence item", "evidence items")
            );
        }
    }
    if !sources.is_empty() {
        let _ = writeln!(out, "## Sources\n");
        for (n, source) in sources.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", n + 1, cell(source));
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(serves: &[&str]) -> Evidence {
        Evidence {
            fact: "f".to_string(),
            description: None,
            serves: serves.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn only_facts_read_by_several_schemes_are_shared() {
        assert!(!across_schemes(&evidence(&["a@1:A-1", "a@1:A-5"])));
        assert!(!across_schemes(&evidence(&["a@1:A-1"])));
        assert!(across_schemes(&evidence(&[
            "a@1:A-1", "a@1:A-5", "b@1:B-1"
        ])));
    }
}
