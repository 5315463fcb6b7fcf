//! What the fuzz targets share: the compiled rule set without what depends
//! on layout, the AST without spans, and comments as written.

use labelc::diag::Diagnostics;
use labelc::source::SourceMap;
use labelc::span::FileId;

/// One policy file named `fuzz.policy`.
pub fn sources(text: &str) -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add("fuzz.policy", text);
    sources
}

/// The AST of `text` with every span removed: what the file says, not where.
pub fn meaning(text: &str) -> String {
    let mut diagnostics = Diagnostics::new();
    let file = labelc::syntax::parse_file(FileId(0), text, &mut diagnostics);
    let mut debug = format!("{file:?}");
    let mut out = String::with_capacity(debug.len());
    while let Some(start) = debug.find("Span {") {
        let end = debug
            .get(start..)
            .and_then(|rest| rest.find('}'))
            .map_or(debug.len(), |n| start + n + 1);
        out.push_str(debug.get(..start).unwrap_or_default());
        out.push('_');
        debug = debug.get(end..).unwrap_or_default().to_string();
    }
    out.push_str(&debug);
    out
}

/// Comments in order, as written, less the ASCII spaces, tabs and carriage
/// returns `fmt` strips from the end of each line (other trailing
/// whitespace, such as U+00A0, is comment text and must be kept).
pub fn comments(text: &str) -> Vec<String> {
    labelc::fmt::comments(text)
        .into_iter()
        .map(|c| {
            c.split('\n')
                .map(|line| line.trim_end_matches([' ', '\t', '\r']))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// The compiled rule set as JSON without source locations and digests;
/// `None` when the sources do not compile.
pub fn compiled_without_positions(sources: &SourceMap) -> Option<serde_json::Value> {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for key in ["location", "digest", "sources"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let rules = labelc::compile(sources).ok()?;
    let mut json = serde_json::to_value(&rules).ok()?;
    strip(&mut json);
    Some(json)
}
