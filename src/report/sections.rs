//! The plan and diff sections of `labelc report`: HTML written from the
//! very values `labelc plan --format json` ([`crate::plan::plan`]) and
//! `labelc diff --format json` ([`crate::diff::Diff`]) serialise.

use std::fmt::Write as _;

use super::html::{Bar, bar_chart, count, esc};
use super::portfolio::method_word;
use crate::diff::{Class, Diff};
use crate::plan::{CreditSource, Plan, SchemePlan, outlook};

/// The plan section: per scheme a verdict, the credits, the checklist of
/// work, and the open items.
pub fn plan_section(plan: &Plan) -> String {
    let mut out = String::from("<section id=\"plan\">\n<h2>Plan</h2>\n");
    if !plan.holdings.is_empty() {
        let _ = writeln!(
            out,
            "<p>Recognitions held: {}.</p>",
            esc(&plan.holdings.join(", "))
        );
    }
    for scheme in &plan.schemes {
        scheme_plan(&mut out, scheme);
    }
    out.push_str("</section>\n");
    out
}

fn scheme_plan(out: &mut String, s: &SchemePlan) {
    let view = outlook(s);
    let work: usize = s.work.iter().map(|step| step.criteria.len()).sum();
    let _ = writeln!(
        out,
        "<div class=\"scheme-plan\" data-scheme=\"{}\">\n<h3>{} — {}, level {}{}</h3>",
        esc(&s.scheme),
        esc(&s.scheme),
        esc(s.category_title.as_deref().unwrap_or(&s.category)),
        s.level,
        s.level_title
            .as_deref()
            .map(|t| format!(" ({})", esc(t)))
            .unwrap_or_default()
    );
    let reachable = view.reachable.map_or("none".to_string(), |r| r.to_string());
    let _ = writeln!(
        out,
        "<p>Reachable level given what is known: <strong data-figure=\"reachable\">{}</strong> \
         (target <span data-figure=\"target\">{}</span>). Work items <span data-figure=\"work-items\">{work}</span>, \
         credits <span data-figure=\"credits\">{}</span>, open items <span data-figure=\"open-items\">{}</span>.</p>",
        reachable,
        s.level,
        s.credits.len(),
        s.open_items.len()
    );
    if !view.blocking.is_empty() {
        out.push_str("<p class=\"fail\">Blocks the target:</p>\n<ul>\n");
        for b in &view.blocking {
            let _ = writeln!(out, "<li>{}</li>", esc(b));
        }
        out.push_str("</ul>\n");
    }
    if !view.effort.is_empty() {
        let bars: Vec<Bar> = view
            .effort
            .iter()
            .map(|(m, n)| Bar {
                label: method_word(*m).replace('_', " "),
                value: *n,
                data: format!("data-method=\"{}\"", method_word(*m)),
            })
            .collect();
        out.push_str("<h4>Effort by method</h4>\n");
        out.push_str(&bar_chart(
            &format!("effort-{}", s.scheme),
            "criteria to assess by method",
            &bars,
        ));
    }
    credits(out, s);
    checklist(out, s);
    open_items(out, s);
    out.push_str("</div>\n");
}

fn source_tag(c: &CreditSource) -> String {
    let status = serde_json::to_value(c.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let basis = c
        .basis
        .map(|b| format!(", basis {}", b.word()))
        .unwrap_or_default();
    let class = if status == "official" && c.basis.is_none() {
        "tag"
    } else {
        "tag assumed"
    };
    format!(
        "<span class=\"{class}\">{} ({}{})</span>",
        esc(&c.recognition),
        esc(&status),
        esc(&basis)
    )
}

fn credits(out: &mut String, s: &SchemePlan) {
    if s.credits.is_empty() {
        return;
    }
    out.push_str("<h4>Credited by recognitions held</h4>\n<ul class=\"checklist\">\n");
    for c in &s.credits {
        let by: Vec<String> = c.by.iter().map(source_tag).collect();
        let verify: Vec<&String> = c.by.iter().flat_map(|b| b.verify.iter()).collect();
        let _ = writeln!(
            out,
            "<li class=\"credited\" data-criterion=\"{id}\">{id} {} (level {}) — by {}{}</li>",
            esc(&c.title),
            c.level,
            by.join(", "),
            if verify.is_empty() {
                String::new()
            } else {
                let items: Vec<String> = verify.iter().map(|v| esc(v)).collect();
                format!("; verify: {}", items.join("; "))
            },
            id = esc(&c.criterion),
        );
    }
    out.push_str("</ul>\n");
}

fn checklist(out: &mut String, s: &SchemePlan) {
    if s.work.is_empty() {
        return;
    }
    out.push_str("<h4>Checklist</h4>\n");
    for step in &s.work {
        let _ = writeln!(
            out,
            "<p><strong>{}</strong> for level {}</p>\n<ul class=\"checklist\">",
            esc(&method_word(step.method).replace('_', " ")),
            step.gates_level
        );
        for item in &step.criteria {
            let mut notes = Vec::new();
            if let Some(p) = &item.pending {
                notes.push(format!(
                    "<span class=\"tag pending\">pending: {}</span>",
                    esc(p)
                ));
            }
            if let Some(b) = item.basis {
                notes.push(format!(
                    "<span class=\"tag assumed\">basis {}</span>",
                    b.word()
                ));
            }
            if !item.reduced_by.is_empty() {
                let by: Vec<String> = item.reduced_by.iter().map(source_tag).collect();
                notes.push(format!("partly credited by {}", by.join(", ")));
            }
            let _ = writeln!(
                out,
                "<li data-criterion=\"{id}\">{id} {} {}</li>",
                esc(&item.title),
                notes.join(" "),
                id = esc(&item.criterion),
            );
        }
        out.push_str("</ul>\n");
    }
}

fn open_items(out: &mut String, s: &SchemePlan) {
    if s.open_items.is_empty() {
        return;
    }
    out.push_str("<h4>Open items</h4>\n<table class=\"open\">\n<tr><th>kind</th><th>id</th><th>why</th></tr>\n");
    for o in &s.open_items {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&o.kind),
            esc(&o.id),
            esc(&o.reason)
        );
    }
    out.push_str("</table>\n");
}

/// The diff section: the rule changes by class and, with products, who
/// changes level.
pub fn diff_section(diff: &Diff) -> String {
    let mut out = String::from("<section id=\"diff\">\n<h2>Changes between rule versions</h2>\n");
    let _ = writeln!(out, "<p>Compared: {}.</p>", esc(&diff.compared.join("; ")));
    let bars: Vec<Bar> = [
        Class::Tightening,
        Class::Mixed,
        Class::Loosening,
        Class::Neutral,
    ]
    .iter()
    .map(|c| Bar {
        label: c.word().to_string(),
        value: diff.count(*c),
        data: format!("data-class=\"{}\"", c.word()),
    })
    .collect();
    out.push_str("<h4>Rule changes by class</h4>\n");
    out.push_str(&bar_chart("changes", "rule changes by class", &bars));
    match &diff.products {
        None => out.push_str(
            "<p class=\"muted\">No products given (<code>--portfolio</code>): no product impact.</p>\n",
        ),
        Some(p) => products_impact(&mut out, p),
    }
    out.push_str("</section>\n");
    out
}

fn products_impact(out: &mut String, p: &crate::diff::Products) {
    let _ = writeln!(
        out,
        "<p>{} made; level changed in <strong data-figure=\"level-changed\">{}</strong>, \
         reachable level in <span data-figure=\"reachable-changed\">{}</span>; errors <span data-figure=\"diff-errors\">{}</span>.</p>",
        count(p.evaluated, "judgement", "judgements"),
        p.level_changed,
        p.reachable_changed,
        p.error_count
    );
    if !p.level_transitions.is_empty() {
        let bars: Vec<Bar> = p
            .level_transitions
            .iter()
            .map(|(t, n)| Bar {
                label: t.clone(),
                value: *n,
                data: format!("data-transition=\"{}\"", esc(t)),
            })
            .collect();
        out.push_str("<h4>Level transitions</h4>\n");
        out.push_str(&bar_chart("transitions", "level transitions", &bars));
    }
    if p.changed.is_empty() {
        return;
    }
    out.push_str("<h4>Products that change level</h4>\n<table class=\"changed\">\n<tr><th>product</th><th>scheme</th><th class=\"num\">old level</th><th class=\"num\">new level</th><th>criteria</th></tr>\n");
    let level = |l: Option<i64>| l.map_or("none".to_string(), |l| l.to_string());
    for c in &p.changed {
        let _ = writeln!(
            out,
            "<tr data-product=\"{}\"><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&c.id),
            esc(&c.id),
            esc(&c.scheme),
            level(c.old_level),
            level(c.new_level),
            esc(&c.criteria.join(", "))
        );
    }
    out.push_str("</table>\n");
    if p.changed_not_listed > 0 {
        let _ = writeln!(
            out,
            "<p class=\"muted\">and {} more not listed.</p>",
            p.changed_not_listed
        );
    }
}
