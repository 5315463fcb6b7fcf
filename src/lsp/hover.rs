//! Hover: what the name under the cursor is, from its definition.

use std::fmt::Write as _;

use lsp_types as lt;

use super::index::{Kind, Symbol};
use super::workspace::Analysis;
use crate::ast::{self, Basis, BasisDecl, Item, Member, Status};

/// `textDocument/hover`.
pub fn hover(analysis: &Analysis, params: &lt::HoverParams) -> Option<lt::Hover> {
    let here = analysis.occurrence_at(&params.text_document_position_params)?;
    let text = describe(analysis, &here.symbol, here.definition)?;
    Some(lt::Hover {
        contents: lt::HoverContents::Markup(lt::MarkupContent {
            kind: lt::MarkupKind::Markdown,
            value: text,
        }),
        range: Some(analysis.range(here.span)),
    })
}

fn schemes(analysis: &Analysis) -> impl Iterator<Item = &ast::Scheme> {
    analysis
        .files
        .iter()
        .flat_map(|f| &f.items)
        .filter_map(|i| match i {
            Item::Scheme(s) => Some(s),
            _ => None,
        })
}

/// The scheme versions a member symbol may belong to.
fn versions_of<'a>(
    analysis: &'a Analysis,
    symbol: &'a Symbol,
) -> impl Iterator<Item = &'a ast::Scheme> {
    schemes(analysis).filter(move |s| {
        s.reference.id.name == symbol.scheme
            && (symbol.version.is_none()
                || s.reference.version.as_ref().map(|v| &v.name) == symbol.version.as_ref())
    })
}

/// Today's date (UTC): the assessment date an unpinned reference is shown for.
fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

/// The version of a scheme an unpinned reference means on `date`, by the
/// compiler's rule ([`crate::resolve::pick_version`]), and why in words.
fn in_force<'a>(
    versions: &[&'a ast::Scheme],
    date: jiff::civil::Date,
) -> Option<(&'a ast::Scheme, String)> {
    use crate::resolve::{Picked, VersionInfo, pick_version};
    let infos: Vec<VersionInfo<'_>> = versions
        .iter()
        .map(|s| VersionInfo {
            version: s.reference.version.as_ref().map_or("", |v| v.name.as_str()),
            draft: s
                .status
                .is_some_and(|st| st.value == ast::SchemeStatus::Draft),
            effective: s.effective.and_then(|e| e.value),
        })
        .collect();
    let (i, why) = pick_version(&infos, date)?;
    let why = match why {
        Picked::InForce | Picked::Undated => String::new(),
        Picked::NotYetInForce(from) => {
            format!(" (none is in force yet: it takes effect on {from})")
        }
        Picked::DraftOnly => " (every version is a draft: the latest)".into(),
    };
    Some((*versions.get(i)?, why))
}

/// A rule's basis as written, with its note; `official` (not stated) when absent.
fn basis(decl: Option<&BasisDecl>) -> String {
    let Some(decl) = decl else {
        return "official (not stated)".to_string();
    };
    let word = match decl.basis.value {
        Basis::Official => "official",
        Basis::Secondary => "secondary",
        Basis::Reported => "reported",
        Basis::Inferred => "inferred",
    };
    match &decl.note {
        Some(note) => format!("{word}: {}", note.value),
        None => word.to_string(),
    }
}

fn status(status: Option<&Status>) -> String {
    match status {
        Some(Status::Pending(why)) => format!("pending: {}", why.value),
        Some(Status::Confirmed(_)) | None => "confirmed".into(),
    }
}

fn fact_type(kind: &ast::FactTypeKind) -> String {
    match kind {
        ast::FactTypeKind::Bool => "bool".into(),
        ast::FactTypeKind::Int => "int".into(),
        ast::FactTypeKind::Decimal => "decimal".into(),
        ast::FactTypeKind::String => "string".into(),
        ast::FactTypeKind::Date => "date".into(),
        ast::FactTypeKind::SetOfString => "set<string>".into(),
        ast::FactTypeKind::Enum(values) => format!(
            "enum {{ {} }}",
            values
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The Markdown hover text of a symbol.
pub fn describe(analysis: &Analysis, symbol: &Symbol, definition: bool) -> Option<String> {
    let mut out = String::new();
    match symbol.kind {
        Kind::Fact => describe_fact(&mut out, analysis, symbol)?,
        Kind::Scheme => describe_scheme(&mut out, analysis, symbol, definition)?,
        Kind::Criterion => {
            for scheme in versions_of(analysis, symbol) {
                let Some(c) = scheme.members.iter().find_map(|m| match m {
                    Member::Criterion(c) if c.id.name == symbol.name => Some(c),
                    _ => None,
                }) else {
                    continue;
                };
                describe_criterion(&mut out, scheme, c, symbol);
            }
        }
        Kind::Category | Kind::Level | Kind::Source => {
            for scheme in versions_of(analysis, symbol) {
                let _ = member(&mut out, scheme, symbol);
            }
        }
        Kind::Recognition => describe_recognition(&mut out, analysis, symbol)?,
        Kind::Test => {
            let _ = writeln!(out, "**test** `{}`", symbol.name);
        }
    }
    let out = out.trim_end().to_string();
    (!out.is_empty()).then_some(out)
}

/// A fact: its type, description and unit.
fn describe_fact(out: &mut String, analysis: &Analysis, symbol: &Symbol) -> Option<()> {
    let fact = analysis
        .files
        .iter()
        .flat_map(|f| &f.items)
        .find_map(|i| match i {
            Item::Fact(f) if f.name.name == symbol.name => Some(f),
            _ => None,
        })?;
    let _ = writeln!(
        out,
        "**fact** `{}`: `{}`",
        symbol.name,
        fact_type(&fact.ty.kind)
    );
    if let Some(d) = &fact.description {
        let _ = writeln!(out, "\n{}", d.value);
    }
    if let Some(u) = &fact.unit {
        let _ = writeln!(out, "\nunit: {}", u.value);
    }
    Some(())
}

/// A scheme: its title, the version a reference binds to, and every version
/// in the workspace.
fn describe_scheme(
    out: &mut String,
    analysis: &Analysis,
    symbol: &Symbol,
    definition: bool,
) -> Option<()> {
    let versions: Vec<&ast::Scheme> = schemes(analysis)
        .filter(|s| s.reference.id.name == symbol.name)
        .collect();
    let bound = match &symbol.version {
        Some(v) => versions
            .iter()
            .find(|s| s.reference.version.as_ref().is_some_and(|x| &x.name == v))
            .copied(),
        None => in_force(&versions, today()).map(|(s, _)| s),
    };
    let shown = bound.or(versions.last().copied())?;
    let title = shown.title.as_ref().map_or("", |t| t.value.as_str());
    let _ = writeln!(out, "**scheme** `{}`: {title}", symbol.name);
    match (&symbol.version, bound) {
        (Some(_), Some(s)) => {
            let _ = writeln!(out, "\nbinds to `{}`", s.reference.display());
        }
        (Some(v), None) => {
            let _ = writeln!(out, "\nversion `{v}` is not in this workspace");
        }
        (None, _) if definition => {}
        (None, _) => {
            let date = today();
            if let Some((s, why)) = in_force(&versions, date) {
                let _ = writeln!(
                    out,
                    "\nunpinned: names the scheme, not a version. A recognition credits (or accepts a holding of) whichever version is judged; where one version is judged (a test's `scheme`, `--scheme`), it is the version in force on the assessment date: on {date} that is `{}`{why}",
                    s.reference.display()
                );
            }
        }
    }
    let names: Vec<String> = versions
        .iter()
        .map(|s| format!("`{}`", s.reference.display()))
        .collect();
    let _ = writeln!(out, "\nversions in this workspace: {}", names.join(", "));
    Some(())
}

/// One scheme version's criterion: title, citation, status, basis and the
/// levels that require it.
fn describe_criterion(out: &mut String, scheme: &ast::Scheme, c: &ast::Criterion, symbol: &Symbol) {
    let title = c.title.as_ref().map_or("", |t| t.value.as_str());
    let _ = writeln!(
        out,
        "**criterion** `{}` of `{}`: {title}\n",
        c.id.name,
        scheme.reference.display()
    );
    if let Some(citation) = &c.citation {
        let source = citation
            .source
            .as_ref()
            .map_or(String::new(), |s| format!("{} ", s.name));
        let _ = writeln!(out, "- citation: {source}\"{}\"", citation.locator.value);
    }
    let _ = writeln!(out, "- status: {}", status(c.status.as_ref()));
    let _ = writeln!(out, "- basis: {}", basis(c.basis.as_ref()));
    let levels: Vec<String> = scheme
        .members
        .iter()
        .filter_map(|m| match m {
            Member::Level(l)
                if l.require
                    .iter()
                    .chain(l.at_least.iter().flat_map(|a| &a.of))
                    .any(|id| id.name == symbol.name) =>
            {
                l.rank.value.map(|r| r.to_string())
            }
            _ => None,
        })
        .collect();
    let _ = writeln!(
        out,
        "- required by level(s): {}",
        if levels.is_empty() {
            "none (directly)".to_string()
        } else {
            levels.join(", ")
        }
    );
    if let Some(old) = &c.renamed_from {
        let _ = writeln!(out, "- renamed from `{}`", old.name);
    }
    out.push('\n');
}

/// A recognition: its title and what it goes from and to.
fn describe_recognition(out: &mut String, analysis: &Analysis, symbol: &Symbol) -> Option<()> {
    let r = analysis
        .files
        .iter()
        .flat_map(|f| &f.items)
        .find_map(|i| match i {
            Item::Recognition(r) if r.id.name == symbol.name => Some(r),
            _ => None,
        })?;
    let title = r.title.as_ref().map_or("", |t| t.value.as_str());
    let _ = writeln!(out, "**recognition** `{}`: {title}", r.id.name);
    if let (Some(from), Some(to)) = (&r.from, &r.to) {
        let _ = writeln!(
            out,
            "\nfrom `{}` to `{}`",
            from.scheme.display(),
            to.display()
        );
    }
    Some(())
}

fn member(out: &mut String, scheme: &ast::Scheme, symbol: &Symbol) -> Option<()> {
    let at = scheme.reference.display();
    match symbol.kind {
        Kind::Level => {
            let level = scheme.members.iter().find_map(|m| match m {
                Member::Level(l)
                    if l.rank.value.map(|r| r.to_string()).as_deref()
                        == Some(symbol.name.as_str()) =>
                {
                    Some(l)
                }
                _ => None,
            })?;
            let title = level.title.as_ref().map_or("", |t| t.value.as_str());
            let _ = writeln!(out, "**level** {} of `{at}`: {title}", symbol.name);
            let requires: Vec<&str> = level.require.iter().map(|i| i.name.as_str()).collect();
            let _ = writeln!(out, "\nrequires: {}\n", requires.join(", "));
        }
        Kind::Source => {
            let source = scheme.members.iter().find_map(|m| match m {
                Member::Source(s) if s.id.name == symbol.name => Some(s),
                _ => None,
            })?;
            let title = source.title.as_ref().map_or("", |t| t.value.as_str());
            let _ = writeln!(out, "**source** `{}` of `{at}`: {title}", symbol.name);
            if let Some(d) = &source.document {
                let _ = writeln!(out, "\ndocument: {}\n", d.value);
            }
        }
        _ => {
            let mut stack: Vec<&ast::Category> = scheme
                .members
                .iter()
                .filter_map(|m| match m {
                    Member::Category(c) => Some(c),
                    _ => None,
                })
                .collect();
            while let Some(c) = stack.pop() {
                if c.id.name == symbol.name {
                    let title = c.title.as_ref().map_or("", |t| t.value.as_str());
                    let _ = writeln!(out, "**category** `{}` of `{at}`: {title}", c.id.name);
                    if let Some(why) = &c.excluded {
                        let _ = writeln!(out, "\nexcluded: {}", why.value);
                    }
                    let _ = writeln!(out, "\nstatus: {}\n", status(c.status.as_ref()));
                    return Some(());
                }
                stack.extend(&c.children);
            }
        }
    }
    Some(())
}
