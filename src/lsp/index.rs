//! Symbol lookup: every name a policy defines or refers to, with its span,
//! found by walking the compiler's AST. Definition, references, hover and
//! rename all start here.

use crate::ast::{self, AppliesTo, Category, FromTarget, HeldKind, Item, Member, SchemeRef};
use crate::resolve::facts_read;
use crate::span::{FileId, Span};

/// What kind of thing a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Fact,
    Scheme,
    Recognition,
    Test,
    Criterion,
    Category,
    Level,
    Source,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Fact => "fact",
            Kind::Scheme => "scheme",
            Kind::Recognition => "recognition",
            Kind::Test => "test",
            Kind::Criterion => "criterion",
            Kind::Category => "category",
            Kind::Level => "level",
            Kind::Source => "source",
        }
    }
}

/// A named thing. Criteria, categories, levels and sources live in a scheme
/// (`scheme`); `version` is the scheme version, `None` where a reference does
/// not pin one (it may mean any version). Facts, schemes, recognitions and
/// tests are global (`scheme` empty); a scheme's own `version` is the one
/// written after its id, if any.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol {
    pub kind: Kind,
    pub scheme: String,
    pub version: Option<String>,
    pub name: String,
}

impl Symbol {
    /// Whether two symbols may name the same thing: same kind, scheme and
    /// name, and versions equal or one of them unpinned.
    pub fn matches(&self, other: &Symbol) -> bool {
        self.kind == other.kind
            && self.scheme == other.scheme
            && self.name == other.name
            && (self.version.is_none() || other.version.is_none() || self.version == other.version)
    }
}

/// One place a symbol is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub symbol: Symbol,
    pub span: Span,
    pub definition: bool,
}

/// Every occurrence in the given files, in file order.
pub fn occurrences(files: &[(FileId, &ast::File)]) -> Vec<Occurrence> {
    let mut out = Occurrences(Vec::new());
    for (_, file) in files {
        for item in &file.items {
            out.item(item);
        }
    }
    out.0
}

/// The occurrence whose span holds byte `offset` of `file` (the innermost one).
pub fn at(occurrences: &[Occurrence], file: FileId, offset: usize) -> Option<&Occurrence> {
    occurrences
        .iter()
        .filter(|o| {
            o.span.file == file
                && (o.span.start as usize) <= offset
                && offset <= o.span.end as usize
        })
        .min_by_key(|o| o.span.len())
}

struct Occurrences(Vec<Occurrence>);

fn global(kind: Kind, name: &str) -> Symbol {
    Symbol {
        kind,
        scheme: String::new(),
        version: None,
        name: name.to_string(),
    }
}

fn member(kind: Kind, scheme: &SchemeRef, name: &str) -> Symbol {
    Symbol {
        kind,
        scheme: scheme.id.name.clone(),
        version: scheme.version.as_ref().map(|v| v.name.clone()),
        name: name.to_string(),
    }
}

impl Occurrences {
    fn push(&mut self, symbol: Symbol, span: Span, definition: bool) {
        self.0.push(Occurrence {
            symbol,
            span,
            definition,
        });
    }

    /// A scheme id keeps the version written with it: `ccl@2026-04` names
    /// one version, unpinned `ccl` any.
    fn scheme_ref(&mut self, reference: &SchemeRef, definition: bool) {
        let symbol = Symbol {
            version: reference.version.as_ref().map(|v| v.name.clone()),
            ..global(Kind::Scheme, &reference.id.name)
        };
        self.push(symbol, reference.id.span, definition);
    }

    fn expr(&mut self, expr: &ast::Expr) {
        for fact in facts_read(expr) {
            self.push(global(Kind::Fact, &fact.name), fact.span, false);
        }
    }

    fn applies_to(&mut self, scheme: &SchemeRef, applies_to: Option<&AppliesTo>) {
        if let Some(AppliesTo::Categories(ids)) = applies_to {
            for id in ids {
                self.push(member(Kind::Category, scheme, &id.name), id.span, false);
            }
        }
    }

    fn int(&mut self, scheme: &SchemeRef, lit: &ast::IntLit, definition: bool) {
        if let Some(value) = lit.value {
            self.push(
                member(Kind::Level, scheme, &value.to_string()),
                lit.span,
                definition,
            );
        }
    }

    fn category(&mut self, scheme: &SchemeRef, category: &Category) {
        self.push(
            member(Kind::Category, scheme, &category.id.name),
            category.id.span,
            true,
        );
        for child in &category.children {
            self.category(scheme, child);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Fact(fact) => {
                self.push(global(Kind::Fact, &fact.name.name), fact.name.span, true)
            }
            Item::Scheme(scheme) => self.scheme(scheme),
            Item::Recognition(r) => {
                self.push(global(Kind::Recognition, &r.id.name), r.id.span, true);
                if let Some(from) = &r.from {
                    self.scheme_ref(&from.scheme, false);
                    match &from.target {
                        FromTarget::Level(rank) => self.int(&from.scheme, rank, false),
                        FromTarget::Criterion(id) => self.push(
                            member(Kind::Criterion, &from.scheme, &id.name),
                            id.span,
                            false,
                        ),
                    }
                }
                if let Some(to) = &r.to {
                    self.scheme_ref(to, false);
                    for id in &r.credits {
                        self.push(member(Kind::Criterion, to, &id.name), id.span, false);
                    }
                    self.applies_to(to, r.applies_to.as_ref());
                }
                if let Some(condition) = &r.condition {
                    self.expr(condition);
                }
            }
            Item::Test(test) => {
                self.push(global(Kind::Test, &test.id.name), test.id.span, true);
                if let Some(scheme) = &test.scheme {
                    self.scheme_ref(scheme, false);
                    if let Some(category) = &test.category {
                        self.push(
                            member(Kind::Category, scheme, &category.name),
                            category.span,
                            false,
                        );
                    }
                    for expect in &test.expects {
                        match &expect.kind {
                            ast::ExpectKind::Level(Some(rank))
                            | ast::ExpectKind::Reachable(Some(rank)) => {
                                self.int(scheme, rank, false);
                            }
                            ast::ExpectKind::Criterion(id, _) => {
                                self.push(member(Kind::Criterion, scheme, &id.name), id.span, false)
                            }
                            _ => {}
                        }
                    }
                }
                for holding in &test.holds {
                    self.scheme_ref(&holding.scheme, false);
                    let kind = match holding.kind {
                        HeldKind::Level => Kind::Level,
                        HeldKind::Criterion => Kind::Criterion,
                    };
                    self.push(
                        member(kind, &holding.scheme, &holding.target.name),
                        holding.target.span,
                        false,
                    );
                }
                for value in test.facts.iter().flatten() {
                    self.push(global(Kind::Fact, &value.fact.name), value.fact.span, false);
                }
            }
            Item::Invalid(_) => {}
        }
    }

    fn scheme(&mut self, scheme: &ast::Scheme) {
        let reference = &scheme.reference;
        self.scheme_ref(reference, true);
        for m in &scheme.members {
            match m {
                Member::Source(source) => self.push(
                    member(Kind::Source, reference, &source.id.name),
                    source.id.span,
                    true,
                ),
                Member::Category(category) => self.category(reference, category),
                Member::Criterion(c) => {
                    self.push(
                        member(Kind::Criterion, reference, &c.id.name),
                        c.id.span,
                        true,
                    );
                    if let Some(source) = c.citation.as_ref().and_then(|c| c.source.as_ref()) {
                        self.push(
                            member(Kind::Source, reference, &source.name),
                            source.span,
                            false,
                        );
                    }
                    self.applies_to(reference, c.applies_to.as_ref());
                    if let Some(condition) = &c.condition {
                        self.expr(condition);
                    }
                }
                Member::Level(level) => {
                    self.int(reference, &level.rank, true);
                    for include in &level.includes {
                        self.int(reference, include, false);
                    }
                    let listed = level
                        .require
                        .iter()
                        .chain(level.at_least.iter().flat_map(|a| a.of.iter()));
                    for id in listed {
                        self.push(member(Kind::Criterion, reference, &id.name), id.span, false);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;

    const POLICY: &str = "fact a.b: bool
scheme s@1 {
    title \"S\"
    category cams { title \"C\" }
    criterion C-1 { title \"t\" applies_to cams condition a.b }
    level 1 { require C-1 }
}
recognition r { from s level 1 to s relationship equal credit full status official credits C-1 }
";

    fn parsed() -> ast::File {
        crate::syntax::parse_file(FileId(0), POLICY, &mut Diagnostics::new())
    }

    #[test]
    fn finds_definitions_and_references_of_each_kind() {
        let file = parsed();
        let all = occurrences(&[(FileId(0), &file)]);
        let at_text = |needle: &str, nth: usize| {
            let offset = POLICY.match_indices(needle).nth(nth).map_or(0, |(i, _)| i);
            at(&all, FileId(0), offset).cloned()
        };
        let fact_ref = at_text("a.b", 1).unwrap();
        assert_eq!(fact_ref.symbol.kind, Kind::Fact);
        assert!(!fact_ref.definition);
        let crit_def = at_text("C-1", 0).unwrap();
        assert!(crit_def.definition);
        assert_eq!(crit_def.symbol.version.as_deref(), Some("1"));
        // `credits C-1` of an unpinned `to s` names the same criterion.
        let credit = at_text("C-1", 2).unwrap();
        assert!(credit.symbol.matches(&crit_def.symbol));
        assert_eq!(
            all.iter()
                .filter(|o| o.symbol.matches(&crit_def.symbol))
                .count(),
            3
        );
        assert_eq!(at_text("cams", 1).unwrap().symbol.kind, Kind::Category);
        // The scheme's definition keeps its version; `from s` / `to s` are unpinned.
        let scheme = at_text("s@1", 0).unwrap();
        assert_eq!(scheme.symbol.version.as_deref(), Some("1"));
        let to_offset = POLICY.find("to s").unwrap() + 3;
        let to = at(&all, FileId(0), to_offset).cloned().unwrap();
        assert_eq!(
            (to.symbol.kind, to.symbol.version.as_deref()),
            (Kind::Scheme, None)
        );
        assert!(to.symbol.matches(&scheme.symbol));
        // Nothing at a keyword.
        assert_eq!(at_text("title", 0), None);
    }

    #[test]
    fn versions_keep_members_apart() {
        let pinned = |v: Option<&str>| Symbol {
            kind: Kind::Criterion,
            scheme: "s".into(),
            version: v.map(str::to_string),
            name: "C-1".into(),
        };
        assert!(!pinned(Some("1")).matches(&pinned(Some("2"))));
        assert!(pinned(None).matches(&pinned(Some("2"))));
    }
}
