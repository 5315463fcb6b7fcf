//! `labelc import oscal`: a `.policy` skeleton from an OSCAL catalog (JSON).
//!
//! One criterion per control (controls nested in groups and in controls
//! are flattened, in document order), its title kept, its citation from a
//! `rel: reference` link to a back-matter resource (each such resource
//! becomes a `source`), and `status pending "no condition written yet"`.
//! The ids labelc wrote itself come back unchanged (the `label` prop, or
//! the control id without the `_` added before a digit); others are made
//! into valid criterion ids. The text is laid out by `labelc fmt`.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use super::NS;
use super::model::{Catalog, CatalogDocument, Control, Group, Prop, Resource};
use crate::source::SourceMap;

/// The pending reason every imported criterion gets.
pub const PENDING: &str = "no condition written yet";

/// Why a file cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON at all.
    Json(String),
    /// JSON, but another OSCAL model (profile, mapping collection, ...).
    OtherModel(String),
    /// JSON, but no OSCAL document.
    NotOscal,
    /// A catalog that lacks a field or has one of the wrong type.
    Malformed(String),
    /// A catalog with no control.
    NoControls,
    /// The skeleton did not format or check (not expected).
    Internal(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Json(e) => write!(f, "not JSON: {e}"),
            ImportError::OtherModel(model) => write!(
                f,
                "an OSCAL {model}, not a catalog; import the catalog it refers to \
                 (a JSON document whose top-level key is `catalog`)"
            ),
            ImportError::NotOscal => write!(
                f,
                "not an OSCAL catalog: the top-level JSON object has no `catalog` key \
                 (OSCAL JSON, not XML or YAML, is read)"
            ),
            ImportError::Malformed(e) => write!(f, "a malformed OSCAL catalog: {e}"),
            ImportError::NoControls => write!(f, "an OSCAL catalog with no control to import"),
            ImportError::Internal(e) => write!(f, "internal error: {e}"),
        }
    }
}

const OTHER_MODELS: &[&str] = &[
    "profile",
    "mapping-collection",
    "component-definition",
    "system-security-plan",
    "assessment-plan",
    "assessment-results",
    "plan-of-action-and-milestones",
];

/// Reads an OSCAL catalog (JSON text) and returns the formatted `.policy`
/// skeleton, checked to compile without errors.
pub fn import_catalog(json: &str) -> Result<String, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
    let Some(object) = value.as_object() else {
        return Err(ImportError::NotOscal);
    };
    if !object.contains_key("catalog") {
        return Err(
            match OTHER_MODELS.iter().find(|m| object.contains_key(**m)) {
                Some(model) => ImportError::OtherModel((*model).to_string()),
                None => ImportError::NotOscal,
            },
        );
    }
    let doc: CatalogDocument =
        serde_json::from_value(value).map_err(|e| ImportError::Malformed(e.to_string()))?;
    let text = skeleton(&doc.catalog)?;
    let mut sources = SourceMap::new();
    let file = sources.add("imported.policy", text.clone());
    let formatted = crate::fmt::format_text(file, &text)
        .map_err(|d| ImportError::Internal(format!("the skeleton does not parse: {d:?}")))?;
    let (_, outcome) = crate::check_text("imported.policy", &formatted);
    if outcome.error_count() > 0 {
        return Err(ImportError::Internal(format!(
            "the skeleton does not check: {:?}",
            outcome.diagnostics
        )));
    }
    Ok(formatted)
}

/// Whether `id` is a valid criterion id (`item_id` in the grammar).
fn is_item_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Whether `id` is a valid name (scheme, source ids).
fn is_name(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name made of `text`: lower case, other characters as `_`.
fn to_name(text: &str, fallback: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').chars().take(40).collect::<String>();
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{fallback}_{out}")
    } else {
        out
    }
}

fn labelc_prop<'a>(props: &'a [Prop], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name && p.ns.as_deref() == Some(NS))
        .map(|p| p.value.as_str())
}

/// The criterion id of a control.
fn criterion_id(control: &Control) -> String {
    let label = control
        .props
        .iter()
        .find(|p| p.name == "label" && p.ns.is_none())
        .map(|p| p.value.as_str());
    if let Some(label) = label.filter(|l| is_item_id(l)) {
        return label.to_string();
    }
    let id = control.id.strip_prefix('_').unwrap_or(&control.id);
    if is_item_id(id) {
        return id.to_string();
    }
    let cleaned: String = control
        .id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    if cleaned.is_empty() {
        "C".to_string()
    } else {
        cleaned.to_string()
    }
}

/// A policy string literal.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn collect<'c>(groups: &'c [Group], controls: &'c [Control], out: &mut Vec<&'c Control>) {
    for control in controls {
        out.push(control);
        collect(&[], &control.controls, out);
    }
    for group in groups {
        collect(&group.groups, &group.controls, out);
    }
}

fn skeleton(catalog: &Catalog) -> Result<String, ImportError> {
    let mut controls = Vec::new();
    collect(&catalog.groups, &catalog.controls, &mut controls);
    if controls.is_empty() {
        return Err(ImportError::NoControls);
    }
    let meta = &catalog.metadata;
    let scheme = labelc_prop(&meta.props, "scheme-id")
        .filter(|id| is_name(id))
        .map_or_else(|| to_name(&meta.title, "scheme"), str::to_string);
    let version = scheme_version(&meta.version);
    let resources: &[Resource] = catalog
        .back_matter
        .as_ref()
        .map_or(&[], |b| b.resources.as_slice());
    let source_ids = source_ids(resources);
    let mut used_sources = BTreeSet::new();
    let criteria = criteria(&controls, resources, &source_ids, &mut used_sources);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Imported from the OSCAL catalog {} by `labelc import oscal`: one criterion\n\
         // per control, each pending until its condition is written.\n",
        quote(&meta.title)
    );
    let _ = writeln!(out, "scheme {scheme}@{version} {{");
    let _ = writeln!(out, "title {}", quote(&meta.title));
    for (resource, id) in resources.iter().zip(&source_ids) {
        if !used_sources.contains(id) {
            continue;
        }
        let _ = writeln!(out, "\nsource {id} {{");
        if let Some(title) = &resource.title {
            let _ = writeln!(out, "title {}", quote(title));
        }
        if let Some(citation) = &resource.citation {
            let _ = writeln!(out, "document {}", quote(&citation.text));
        }
        if let Some(link) = resource.rlinks.first() {
            let _ = writeln!(out, "url {}", quote(&link.href));
        }
        out.push_str("}\n");
    }
    // A catalog does not say which products it covers; criteria need a category.
    out.push_str(
        "\ncategory products {\ntitle \"Products in scope\"\n\
         status pending \"the catalog does not say which products are in scope\"\n}\n",
    );
    out.push_str(&criteria);
    out.push_str("}\n");
    Ok(out)
}

/// The catalog's version as a scheme version: characters a version cannot
/// hold become `-`; `1` when there is none.
fn scheme_version(version: &str) -> String {
    let version: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if version.is_empty() {
        "1".to_string()
    } else {
        version
    }
}

/// Source ids, one per resource, unique.
fn source_ids(resources: &[Resource]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let base = labelc_prop(&r.props, "source-id")
                .filter(|id| is_name(id))
                .map_or_else(
                    || {
                        to_name(
                            r.title.as_deref().unwrap_or(""),
                            &format!("source_{}", i + 1),
                        )
                    },
                    str::to_string,
                );
            let mut id = base.clone();
            let mut n = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base}_{n}");
                n += 1;
            }
            id
        })
        .collect()
}

/// One pending criterion per control, ids unique; the sources their
/// citations name are added to `used_sources`.
fn criteria(
    controls: &[&Control],
    resources: &[Resource],
    source_ids: &[String],
    used_sources: &mut BTreeSet<String>,
) -> String {
    let mut criteria = String::new();
    let mut ids = BTreeSet::new();
    for control in controls {
        let base = criterion_id(control);
        let mut id = base.clone();
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let _ = writeln!(criteria, "\ncriterion {id} {{");
        let _ = writeln!(criteria, "title {}", quote(&control.title));
        match citation(control, resources, source_ids) {
            Some((Some(source), text)) => {
                used_sources.insert(source.clone());
                let _ = writeln!(criteria, "citation {source} {}", quote(text));
            }
            Some((None, text)) => {
                let _ = writeln!(criteria, "citation {}", quote(text));
            }
            None => {}
        }
        let _ = writeln!(criteria, "status pending {}", quote(PENDING));
        criteria.push_str("}\n");
    }
    criteria
}

/// A control's citation: the text of its first `reference` link, with the
/// source id of the resource it points to (when it points to one), else its
/// `citation` property.
fn citation<'c>(
    control: &'c Control,
    resources: &[Resource],
    source_ids: &'c [String],
) -> Option<(Option<&'c String>, &'c str)> {
    let citation = control.links.iter().find_map(|link| {
        let text = link.text.as_deref().filter(|t| !t.trim().is_empty())?;
        if link.rel.as_deref() != Some("reference") {
            return None;
        }
        let target = link.href.strip_prefix('#');
        let source = target.and_then(|uuid| {
            resources
                .iter()
                .position(|r| r.uuid == uuid)
                .and_then(|i| source_ids.get(i))
        });
        Some((source, text))
    });
    citation.or_else(|| labelc_prop(&control.props, "citation").map(|text| (None, text)))
}
