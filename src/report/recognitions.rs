//! The recognitions section of `labelc report --recognitions`: a graph of
//! which scheme credits which, read from the compiled rule set's
//! `recognitions` (what `labelc compile` writes). One arrow per pair of
//! schemes and status: solid for official, dashed for assumed, dotted for
//! proposed; a recognition whose basis is below the official text counts as
//! assumed in the picture and is named in the table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::html::esc;
use crate::rules::{Basis, RecognitionStatus, RuleSet, basis_of};

/// One arrow: recognitions from one scheme to another with one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// `official`, `assumed` or `proposed`: `official` only when the
    /// recognition is official and rests on the official text.
    pub status: &'static str,
    /// The recognitions.
    pub recognitions: Vec<String>,
    /// Criteria they credit, counted once per recognition.
    pub credits: usize,
}

/// The edges of the graph, sorted by source, target and status.
pub fn edges(rules: &RuleSet) -> Vec<Edge> {
    let mut map: BTreeMap<(String, String, &'static str), Edge> = BTreeMap::new();
    for r in &rules.recognitions {
        let status = match r.status {
            RecognitionStatus::Assumed => "assumed",
            RecognitionStatus::Proposed => "proposed",
            RecognitionStatus::Official if basis_of(r.basis.as_ref()) != Basis::Official => {
                "assumed"
            }
            RecognitionStatus::Official => "official",
        };
        let key = (r.from.scheme.clone(), r.to.scheme.clone(), status);
        let edge = map.entry(key).or_insert_with(|| Edge {
            from: r.from.scheme.clone(),
            to: r.to.scheme.clone(),
            status,
            recognitions: Vec::new(),
            credits: 0,
        });
        edge.recognitions.push(r.id.clone());
        edge.credits += r.credits.len();
    }
    map.into_values().collect()
}

/// Node positions on a circle, in name order: deterministic for the same schemes.
fn layout(nodes: &BTreeSet<&str>, size: f64) -> BTreeMap<String, (f64, f64)> {
    let n = nodes.len().max(1) as f64;
    let radius = size / 2.0 - 90.0;
    nodes
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let angle = std::f64::consts::TAU * (i as f64) / n - std::f64::consts::FRAC_PI_2;
            let x = size / 2.0 + radius * angle.cos();
            let y = size / 2.0 + radius * angle.sin();
            ((*name).to_string(), (x, y))
        })
        .collect()
}

/// The box of a node: wide enough for its name in 12px type.
fn node_size(name: &str) -> (f64, f64) {
    (name.chars().count() as f64 * 7.0 + 18.0, 28.0)
}

/// How far from a node's centre a line in direction (`ux`, `uy`) leaves its box.
fn border(name: &str, ux: f64, uy: f64) -> f64 {
    let (w, h) = node_size(name);
    let across = if ux.abs() > 1e-9 {
        w / 2.0 / ux.abs()
    } else {
        f64::MAX
    };
    let down = if uy.abs() > 1e-9 {
        h / 2.0 / uy.abs()
    } else {
        f64::MAX
    };
    across.min(down)
}

/// The HTML of the recognitions section.
pub fn render(rules: &RuleSet) -> String {
    let edges = edges(rules);
    let mut out = String::from("<section id=\"recognitions\">\n<h2>Recognitions</h2>\n");
    let _ = writeln!(
        out,
        "<p>Between schemes: <span data-figure=\"recognitions\">{}</span> recognitions, \
         <span data-figure=\"edges\">{}</span> arrows. Solid: official; dashed: assumed \
         (or resting on less than the official text); dotted: proposed.</p>",
        rules.recognitions.len(),
        edges.len()
    );
    out.push_str(&graph(&edges));
    table(&mut out, &edges);
    out.push_str("</section>\n");
    out
}

fn graph(edges: &[Edge]) -> String {
    const SIZE: f64 = 620.0;
    let nodes: BTreeSet<&str> = edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    let at = layout(&nodes, SIZE);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg id=\"recognition-graph\" role=\"img\" aria-label=\"which scheme credits which\" viewBox=\"0 0 {SIZE} {SIZE}\" width=\"{SIZE}\" height=\"{SIZE}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#5b6677\"/></marker></defs>"
    );
    for e in edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (at.get(&e.from), at.get(&e.to)) else {
            continue;
        };
        // Stop at the border of each node's box; offset official and
        // assumed arrows of one pair a little so both show.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let length = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / length, dy / length);
        let start = border(&e.from, ux, uy) + 2.0;
        let end = border(&e.to, ux, uy) + 4.0;
        let shift = match e.status {
            "official" => 0.0,
            "assumed" => 5.0,
            _ => -5.0,
        };
        let (ox, oy) = (-uy * shift, ux * shift);
        let (dash, colour) = match e.status {
            "official" => ("", "#2f6db5"),
            "assumed" => (" stroke-dasharray=\"7 5\"", "#b07d12"),
            _ => (" stroke-dasharray=\"2 4\"", "#5b6677"),
        };
        let _ = writeln!(
            out,
            "<line class=\"edge\" data-from=\"{}\" data-to=\"{}\" data-status=\"{}\" data-count=\"{}\" \
             x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2\"{dash} marker-end=\"url(#arrow)\"/>",
            esc(&e.from),
            esc(&e.to),
            e.status,
            e.recognitions.len(),
            x1 + ux * start + ox,
            y1 + uy * start + oy,
            x2 - ux * end + ox,
            y2 - uy * end + oy,
        );
    }
    for (name, (x, y)) in &at {
        let (w, h) = node_size(name);
        let _ = writeln!(
            out,
            "<g class=\"node\" data-scheme=\"{n}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"8\" fill=\"#eef1f5\" stroke=\"#1d2430\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text></g>",
            x - w / 2.0,
            y - h / 2.0,
            y + 4.0,
            n = esc(name),
        );
    }
    out.push_str("</svg>\n");
    out
}

fn table(out: &mut String, edges: &[Edge]) {
    out.push_str("<table class=\"recognitions\">\n<tr><th>from</th><th>credits in</th><th>status</th><th class=\"num\">recognitions</th><th class=\"num\">criteria credited</th><th>ids</th></tr>\n");
    for e in edges {
        let _ = writeln!(
            out,
            "<tr data-from=\"{f}\" data-to=\"{t}\" data-status=\"{s}\"><td>{f}</td><td>{t}</td><td><span class=\"tag{}\">{s}</span></td>\
             <td class=\"num\" data-count=\"{n}\">{n}</td><td class=\"num\" data-credits=\"{c}\">{c}</td><td>{}</td></tr>",
            if e.status == "official" {
                ""
            } else {
                " assumed"
            },
            esc(&e.recognitions.join(", ")),
            f = esc(&e.from),
            t = esc(&e.to),
            s = e.status,
            n = e.recognitions.len(),
            c = e.credits,
        );
    }
    out.push_str("</table>\n");
}
