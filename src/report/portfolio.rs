//! The portfolio section of `labelc report --portfolio PRODUCTS.jsonl`:
//! every product judged by [`Program::evaluate_json`] (what `eval --format
//! json` writes), then per scheme the level distribution as a bar chart, the
//! criteria that block most products, and the products closest to their
//! next level with the effort by method.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::BufRead;

use serde::Serialize;

use super::ReportError;
use super::html::{Bar, bar_chart, count, esc};
use crate::eval::{Outcome, Program};
use crate::rules::Method;

/// How many products the "closest to their next level" table lists per scheme.
pub const CLOSEST: usize = 10;

/// The figures of one scheme over the portfolio.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SchemeFigures {
    /// `id@version`.
    pub scheme: String,
    /// Products judged (every non-blank line).
    pub products: usize,
    /// Products by level reached, lowest first: `None` is no level. Every
    /// level of the scheme is listed, with 0 when no product reaches it.
    pub levels: Vec<(Option<i64>, usize)>,
    /// Products the scheme does not cover (no category for it, or excluded).
    pub out_of_scope: usize,
    /// Lines that could not be judged.
    pub errors: usize,
    /// Criterion id → how many products it blocks at their next level
    /// (failing or unknown there), most first.
    pub blocking: Vec<Blocking>,
    /// The products fewest criteria away from their next level.
    pub closest: Vec<Closest>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Blocking {
    pub criterion: String,
    pub title: String,
    pub failing: usize,
    pub unknown: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Closest {
    pub id: String,
    pub level: Option<i64>,
    pub next: i64,
    pub failing: usize,
    pub unknown: usize,
    /// Unmet at-least-k-of-n groups.
    pub groups: usize,
    /// The failing and unknown criteria by assessment method (`test`,
    /// `audit`, `document_review`, `self_declaration`, `unspecified`).
    pub effort: BTreeMap<String, usize>,
}

impl Closest {
    /// Criteria (and groups) between the product and its next level.
    pub fn missing(&self) -> usize {
        self.failing + self.unknown + self.groups
    }
}

/// The name of a method as the JSON writes it; `unspecified` for none.
pub fn method_word(method: Option<Method>) -> &'static str {
    match method {
        Some(Method::Test) => "test",
        Some(Method::Audit) => "audit",
        Some(Method::DocumentReview) => "document_review",
        Some(Method::SelfDeclaration) => "self_declaration",
        None => "unspecified",
    }
}

/// Judges every line of `input` against each program.
pub fn figures(
    programs: &[Program<'_>],
    input: &mut dyn BufRead,
) -> Result<Vec<SchemeFigures>, ReportError> {
    let mut acc: Vec<Acc> = programs.iter().map(Acc::new).collect();
    let mut line = String::new();
    loop {
        line.clear();
        let read = input
            .read_line(&mut line)
            .map_err(|e| ReportError::Products {
                message: e.to_string(),
            })?;
        if read == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        for (program, acc) in programs.iter().zip(acc.iter_mut()) {
            match program.evaluate_json(line.trim_end()) {
                Ok(outcome) => acc.add(program, &outcome),
                Err(_) => {
                    acc.figures.products += 1;
                    acc.figures.errors += 1;
                }
            }
        }
    }
    Ok(acc.into_iter().map(Acc::finish).collect())
}

struct Acc {
    figures: SchemeFigures,
    counts: BTreeMap<Option<i64>, usize>,
    blocking: BTreeMap<String, Blocking>,
    closest: Vec<Closest>,
}

impl Acc {
    fn new(program: &Program<'_>) -> Acc {
        Acc {
            figures: SchemeFigures {
                scheme: program.scheme.key(),
                ..SchemeFigures::default()
            },
            counts: std::iter::once(None)
                .chain(program.levels.iter().map(|l| Some(l.level.rank)))
                .map(|l| (l, 0))
                .collect(),
            blocking: BTreeMap::new(),
            closest: Vec::new(),
        }
    }

    fn add(&mut self, program: &Program<'_>, outcome: &Outcome<'_>) {
        self.figures.products += 1;
        if outcome.excluded.is_some() {
            self.figures.out_of_scope += 1;
            return;
        }
        *self.counts.entry(outcome.level).or_default() += 1;
        let Some(next) = &outcome.next else {
            return;
        };
        if next.does_not_apply.is_some() {
            return;
        }
        let mut effort = BTreeMap::new();
        for (c, failing) in next
            .failing
            .iter()
            .map(|c| (c, true))
            .chain(next.unknown.iter().map(|c| (c, false)))
        {
            let entry = self
                .blocking
                .entry(c.id.to_string())
                .or_insert_with(|| Blocking {
                    criterion: c.id.to_string(),
                    title: c.title.to_string(),
                    failing: 0,
                    unknown: 0,
                });
            if failing {
                entry.failing += 1;
            } else {
                entry.unknown += 1;
            }
            let method = program
                .criteria
                .iter()
                .find(|p| p.criterion.id == c.id)
                .and_then(|p| p.criterion.method);
            *effort.entry(method_word(method).to_string()).or_default() += 1;
        }
        self.closest.push(Closest {
            id: outcome.id.clone(),
            level: outcome.level,
            next: next.rank,
            failing: next.failing.len(),
            unknown: next.unknown.len(),
            groups: next.groups.len(),
            effort,
        });
        // Keep memory flat: only the best few are needed.
        if self.closest.len() > 4 * CLOSEST {
            sort_closest(&mut self.closest);
            self.closest.truncate(CLOSEST);
        }
    }

    fn finish(mut self) -> SchemeFigures {
        self.figures.levels = self.counts.into_iter().collect();
        let mut blocking: Vec<Blocking> = self.blocking.into_values().collect();
        blocking.sort_by(|a, b| {
            (b.failing + b.unknown)
                .cmp(&(a.failing + a.unknown))
                .then_with(|| a.criterion.cmp(&b.criterion))
        });
        self.figures.blocking = blocking;
        sort_closest(&mut self.closest);
        self.closest.truncate(CLOSEST);
        self.figures.closest = self.closest;
        self.figures
    }
}

/// Fewest missing first; then the higher level reached; then by id.
fn sort_closest(list: &mut [Closest]) {
    list.sort_by(|a, b| {
        a.missing()
            .cmp(&b.missing())
            .then_with(|| b.level.cmp(&a.level))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// The HTML of the portfolio section.
pub fn render(figures: &[SchemeFigures], titles: &[BTreeMap<i64, String>]) -> String {
    let mut out = String::from("<section id=\"portfolio\">\n<h2>Portfolio</h2>\n");
    for (n, f) in figures.iter().enumerate() {
        let empty = BTreeMap::new();
        let titles = titles.get(n).unwrap_or(&empty);
        scheme_block(&mut out, f, titles);
    }
    out.push_str("</section>\n");
    out
}

fn level_label(level: Option<i64>, titles: &BTreeMap<i64, String>) -> String {
    match level {
        None => "no level".to_string(),
        Some(r) => match titles.get(&r) {
            Some(t) => format!("level {r} · {t}"),
            None => format!("level {r}"),
        },
    }
}

fn scheme_block(out: &mut String, f: &SchemeFigures, titles: &BTreeMap<i64, String>) {
    let scheme = esc(&f.scheme);
    let _ = writeln!(
        out,
        "<div class=\"scheme\" data-scheme=\"{scheme}\">\n<h3>{scheme}</h3>\n\
         <p>Products judged: <span data-figure=\"products\">{}</span>; out of scope \
         <span data-figure=\"out-of-scope\">{}</span>; errors <span data-figure=\"errors\">{}</span>.</p>",
        f.products, f.out_of_scope, f.errors
    );
    let mut bars: Vec<Bar> = f
        .levels
        .iter()
        .map(|(level, n)| Bar {
            label: level_label(*level, titles),
            value: *n,
            data: format!(
                "data-level=\"{}\"",
                level.map_or("none".to_string(), |l| l.to_string())
            ),
        })
        .collect();
    bars.push(Bar {
        label: "out of scope".to_string(),
        value: f.out_of_scope,
        data: "data-level=\"out-of-scope\"".to_string(),
    });
    out.push_str(&bar_chart(
        &format!("levels-{}", f.scheme),
        &format!("products by level reached, {}", f.scheme),
        &bars,
    ));
    blocking_table(out, f);
    closest_table(out, f);
    out.push_str("</div>\n");
}

fn blocking_table(out: &mut String, f: &SchemeFigures) {
    out.push_str("<h4>Criteria that block most products at their next level</h4>\n");
    if f.blocking.is_empty() {
        out.push_str("<p class=\"muted\">None: every product judged meets every level.</p>\n");
        return;
    }
    out.push_str("<table class=\"blocking\">\n<tr><th>criterion</th><th>title</th><th class=\"num\">failing</th><th class=\"num\">unknown</th><th class=\"num\">products blocked</th></tr>\n");
    for b in f.blocking.iter().take(CLOSEST) {
        let _ = writeln!(
            out,
            "<tr data-criterion=\"{id}\"><td>{id}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\" data-blocked=\"{}\">{}</td></tr>",
            esc(&b.title),
            b.failing,
            b.unknown,
            b.failing + b.unknown,
            b.failing + b.unknown,
            id = esc(&b.criterion),
        );
    }
    out.push_str("</table>\n");
}

fn closest_table(out: &mut String, f: &SchemeFigures) {
    out.push_str("<h4>Products closest to their next level</h4>\n");
    if f.closest.is_empty() {
        out.push_str("<p class=\"muted\">No product has a next level to reach.</p>\n");
        return;
    }
    out.push_str("<p class=\"muted\"><span class=\"star\">★</span> one criterion away: a little work earns the level.</p>\n");
    out.push_str("<table class=\"closest\">\n<tr><th>product</th><th class=\"num\">level</th><th class=\"num\">next</th><th class=\"num\">failing</th><th class=\"num\">unknown</th><th>effort by method</th></tr>\n");
    for c in &f.closest {
        let effort: Vec<String> = c
            .effort
            .iter()
            .map(|(m, n)| format!("{} {}", n, m.replace('_', " ")))
            .collect();
        let groups = if c.groups > 0 {
            format!(" + {}", count(c.groups, "group", "groups"))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr data-product=\"{id}\" data-missing=\"{}\"><td>{}{id}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}{groups}</td></tr>",
            c.missing(),
            if c.missing() == 1 {
                "<span class=\"star\">★</span> "
            } else {
                ""
            },
            c.level.map_or("none".to_string(), |l| l.to_string()),
            c.next,
            c.failing,
            c.unknown,
            esc(&effort.join(", ")),
            id = esc(&c.id),
        );
    }
    out.push_str("</table>\n");
}
