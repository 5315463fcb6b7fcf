//! The page around the sections of `labelc report`: one self-contained HTML
//! file, inline CSS (a print stylesheet too) and inline SVG, no script, no
//! network, the same bytes for the same input.
//!
//! Every figure a reader or a test may check carries a stable `data-`
//! attribute (`data-count`, `data-level`, …) with the number the JSON output
//! of the same command holds; docs/report.md lists them.

use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `1 product`, `2 products`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    crate::text::count(n, one, many)
}

const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5b6677; --line: #d5dae2; --bar: #2f6db5; --warn: #b5472f; --ok: #2f8a4e; --assumed: #b07d12; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1040px; padding: 24px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
p.meta, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f4f6f9; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.star { color: var(--assumed); font-weight: 700; }
.fail { color: var(--warn); font-weight: 600; }
.ok { color: var(--ok); font-weight: 600; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 0.85em; background: #eef1f5; }
.tag.assumed { background: #fbefd2; }
.tag.pending { background: #f8e1dc; }
ul.checklist { list-style: none; padding-left: 0; }
ul.checklist li { margin: 4px 0; }
ul.checklist li::before { content: "\2610\00a0"; }
ul.checklist li.credited::before { content: "\2611\00a0"; }
svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
section { break-inside: avoid-page; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, li, svg { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole page: title, the assessment date, then the sections in order.
pub fn page(title: &str, as_of: &str, sections: &[String]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"labelc\">\n<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n\
         <body>\n<h1>{t}</h1>\n<p class=\"meta\">Assessment date <span id=\"as-of\">{d}</span> · written by labelc {v}</p>\n",
        t = esc(title),
        d = esc(as_of),
        v = env!("CARGO_PKG_VERSION"),
    );
    for section in sections {
        out.push_str(section);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// One bar of a horizontal bar chart.
pub struct Bar {
    pub label: String,
    pub value: usize,
    /// Extra `data-` attributes for the bar (already escaped), e.g. `data-level="2"`.
    pub data: String,
}

/// A horizontal bar chart as inline SVG: one row per bar, its label on the
/// left, its value at the end of the bar.
pub fn bar_chart(id: &str, caption: &str, bars: &[Bar]) -> String {
    const ROW: usize = 26;
    const LABEL: usize = 170;
    const WIDTH: usize = 640;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() + 8;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg id=\"{}\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(id),
        esc(caption)
    );
    let span = WIDTH - LABEL - 60;
    for (row, bar) in bars.iter().enumerate() {
        let y = row * ROW + 4;
        let width = bar.value * span / max;
        let _ = writeln!(
            out,
            "<g class=\"bar\" {} data-count=\"{}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{width}\" height=\"{}\" fill=\"#2f6db5\"/>\
             <text x=\"{}\" y=\"{}\">{}</text></g>",
            bar.data,
            bar.value,
            LABEL - 8,
            y + 15,
            esc(&bar.label),
            ROW - 8,
            LABEL + width + 6,
            y + 15,
            bar.value
        );
    }
    out.push_str("</svg>\n");
    out
}
