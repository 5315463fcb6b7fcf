//! Name resolution: collects every definition of a compilation into an index
//! ([`Model`]), reports duplicates, and binds every reference (facts in
//! conditions, criteria in levels, categories, sources, schemes named by
//! recognitions), suggesting the closest name when one is unknown.

mod test_items;
mod version;

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::*;
use crate::diag::{Code, Diagnostic, Diagnostics, suggest};
use crate::span::Span;

pub use test_items::ResolvedTest;
pub use version::{Picked, VersionInfo, compare_versions, pick_version};

/// A scheme version's key: `(id, version)`.
pub type SchemeKey = (String, String);

/// Every definition of a compilation, by name, borrowing the AST.
#[derive(Debug, Default)]
pub struct Model<'a> {
    pub facts: BTreeMap<&'a str, &'a FactDecl>,
    pub schemes: BTreeMap<SchemeKey, SchemeIndex<'a>>,
    pub recognitions: BTreeMap<&'a str, ResolvedRecognition<'a>>,
    pub tests: BTreeMap<&'a str, ResolvedTest<'a>>,
    /// Names of items that failed to parse, by kind, so that references to
    /// them are not reported again as unknown.
    pub invalid_facts: BTreeSet<String>,
    pub invalid_schemes: BTreeSet<String>,
    /// Whether any item or member failed to parse: what it read is unknown,
    /// so "unused" warnings hold back.
    pub has_syntax_errors: bool,
}

/// One scheme version and its members, by id.
#[derive(Debug)]
pub struct SchemeIndex<'a> {
    pub scheme: &'a Scheme,
    pub sources: BTreeMap<&'a str, &'a Source>,
    pub authorities: BTreeMap<&'a str, &'a Authority>,
    pub categories: BTreeMap<&'a str, CategoryEntry<'a>>,
    pub criteria: BTreeMap<&'a str, &'a Criterion>,
    pub levels: BTreeMap<i64, &'a Level>,
    /// Ids of members that failed to parse, by keyword.
    pub invalid: BTreeSet<(String, String)>,
    /// Whether a level, or a member of unknown kind, failed to parse: checks
    /// that need every level (monotonicity) hold back.
    pub has_invalid_level: bool,
    /// Whether any member failed to parse.
    pub has_invalid: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct CategoryEntry<'a> {
    pub category: &'a Category,
    pub parent: Option<&'a Category>,
}

/// A recognition with its scheme references bound (`None` where unresolved).
#[derive(Debug)]
pub struct ResolvedRecognition<'a> {
    pub recognition: &'a Recognition,
    pub from: Option<SchemeBinding>,
    pub to: Option<SchemeBinding>,
}

/// A scheme reference bound to a scheme id, pinned to one version or not.
/// An unpinned `to` means the version in force on the assessment date
/// ([`pick_version`]); an unpinned `from` accepts a holding of any version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeBinding {
    pub id: String,
    pub version: Option<String>,
}

impl<'a> SchemeIndex<'a> {
    fn is_invalid(&self, keyword: &str, id: &str) -> bool {
        self.invalid
            .contains(&(keyword.to_string(), id.to_string()))
    }

    /// The category `id` and its ancestors, nearest first; empty for an
    /// unknown id. (Nesting declares the hierarchy, so it has no cycle; the
    /// walk is bounded all the same.)
    pub fn category_chain(&self, id: &str) -> Vec<&'a Category> {
        let mut out = Vec::new();
        let mut at = self.categories.get(id).map(|e| e.category);
        while let Some(category) = at {
            if out.len() > self.categories.len() {
                break;
            }
            out.push(category);
            at = self
                .categories
                .get(category.id.name.as_str())
                .and_then(|e| e.parent);
        }
        out
    }
}

/// Resolves all files of a compilation.
pub fn resolve<'a>(files: &'a [File], diagnostics: &mut Diagnostics) -> Model<'a> {
    let mut model = Model::default();
    let mut recognitions = Vec::new();
    let mut tests = Vec::new();
    let mut fact_spans: BTreeMap<&str, Span> = BTreeMap::new();
    let mut scheme_spans: BTreeMap<SchemeKey, Span> = BTreeMap::new();

    for file in files {
        for item in &file.items {
            match item {
                Item::Fact(fact) => {
                    if let Some(first) = fact_spans.get(fact.name.name.as_str()) {
                        diagnostics.push(duplicate(
                            "fact",
                            &fact.name.name,
                            fact.name.span,
                            *first,
                        ));
                    } else {
                        fact_spans.insert(&fact.name.name, fact.name.span);
                        model.facts.insert(&fact.name.name, fact);
                    }
                }
                Item::Scheme(scheme) => {
                    let Some(version) = &scheme.reference.version else {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::MissingField,
                                format!("the scheme `{}` has no version", scheme.reference.id.name),
                                scheme.reference.span,
                                "a scheme definition needs `id@version`",
                            )
                            .with_help(format!(
                                "write the version after the id, e.g. `scheme {}@2026-04`",
                                scheme.reference.id.name
                            )),
                        );
                        model
                            .invalid_schemes
                            .insert(scheme.reference.id.name.clone());
                        continue;
                    };
                    let key = (scheme.reference.id.name.clone(), version.name.clone());
                    if let Some(first) = scheme_spans.get(&key) {
                        diagnostics.push(duplicate(
                            "scheme version",
                            &scheme.reference.display(),
                            scheme.reference.span,
                            *first,
                        ));
                        continue;
                    }
                    scheme_spans.insert(key.clone(), scheme.reference.span);
                    let index = index_scheme(scheme, diagnostics);
                    model.has_syntax_errors |= index.has_invalid;
                    model.schemes.insert(key, index);
                }
                Item::Recognition(recognition) => recognitions.push(recognition),
                Item::Test(test) => tests.push(test),
                Item::Invalid(recovered) => {
                    model.has_syntax_errors = true;
                    match (recovered.keyword.as_deref(), &recovered.id) {
                        (Some("fact"), Some(id)) => {
                            model.invalid_facts.insert(id.name.clone());
                        }
                        (Some("scheme"), Some(id)) => {
                            let name = id.name.split('@').next().unwrap_or("");
                            model.invalid_schemes.insert(name.to_string());
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    for index in model.schemes.values() {
        resolve_scheme(&model, index, diagnostics);
    }

    let mut recognition_spans: BTreeMap<&str, Span> = BTreeMap::new();
    for recognition in recognitions {
        if let Some(first) = recognition_spans.get(recognition.id.name.as_str()) {
            diagnostics.push(duplicate(
                "recognition",
                &recognition.id.name,
                recognition.id.span,
                *first,
            ));
            continue;
        }
        recognition_spans.insert(&recognition.id.name, recognition.id.span);
        let resolved = resolve_recognition(&model, recognition, diagnostics);
        model.recognitions.insert(&recognition.id.name, resolved);
    }
    test_items::resolve_tests(&mut model, tests, diagnostics);
    model
}

fn duplicate(kind: &str, name: &str, again: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateDefinition,
        format!("the {kind} `{name}` is defined twice"),
        again,
        "defined again here",
    )
    .with_related(first, "first defined here")
    .with_help(format!(
        "rename one of them or remove the second definition of `{name}`"
    ))
}

fn index_scheme<'a>(scheme: &'a Scheme, diagnostics: &mut Diagnostics) -> SchemeIndex<'a> {
    let mut index = SchemeIndex {
        scheme,
        sources: BTreeMap::new(),
        authorities: BTreeMap::new(),
        categories: BTreeMap::new(),
        criteria: BTreeMap::new(),
        levels: BTreeMap::new(),
        invalid: BTreeSet::new(),
        has_invalid_level: false,
        has_invalid: false,
    };
    for member in &scheme.members {
        match member {
            Member::Source(source) => {
                insert_unique(
                    &mut index.sources,
                    "source",
                    &source.id,
                    source,
                    |s| s.id.span,
                    diagnostics,
                );
            }
            Member::Authority(authority) => {
                insert_unique(
                    &mut index.authorities,
                    "authority",
                    &authority.id,
                    authority,
                    |a| a.id.span,
                    diagnostics,
                );
            }
            Member::Category(category) => index_category(&mut index, category, None, diagnostics),
            Member::Criterion(criterion) => {
                insert_unique(
                    &mut index.criteria,
                    "criterion",
                    &criterion.id,
                    criterion,
                    |c| c.id.span,
                    diagnostics,
                );
            }
            Member::Level(level) => {
                let Some(rank) = level.rank.value else {
                    continue;
                };
                if let Some(first) = index.levels.get(&rank) {
                    diagnostics.push(duplicate(
                        "level",
                        &rank.to_string(),
                        level.rank.span,
                        first.rank.span,
                    ));
                } else {
                    index.levels.insert(rank, level);
                }
            }
            Member::Invalid(recovered) => {
                index.has_invalid = true;
                if matches!(recovered.keyword.as_deref(), None | Some("level")) {
                    index.has_invalid_level = true;
                }
                if let (Some(keyword), Some(id)) = (&recovered.keyword, &recovered.id) {
                    index.invalid.insert((keyword.clone(), id.name.clone()));
                }
            }
        }
    }
    index
}

fn insert_unique<'a, T>(
    map: &mut BTreeMap<&'a str, &'a T>,
    kind: &str,
    id: &'a Ident,
    value: &'a T,
    span_of: impl Fn(&T) -> Span,
    diagnostics: &mut Diagnostics,
) {
    if let Some(first) = map.get(id.name.as_str()) {
        diagnostics.push(duplicate(kind, &id.name, id.span, span_of(first)));
    } else {
        map.insert(&id.name, value);
    }
}

fn index_category<'a>(
    index: &mut SchemeIndex<'a>,
    category: &'a Category,
    parent: Option<&'a Category>,
    diagnostics: &mut Diagnostics,
) {
    if let Some(first) = index.categories.get(category.id.name.as_str()) {
        diagnostics.push(duplicate(
            "category",
            &category.id.name,
            category.id.span,
            first.category.id.span,
        ));
    } else {
        index
            .categories
            .insert(&category.id.name, CategoryEntry { category, parent });
    }
    for child in &category.children {
        index_category(index, child, Some(category), diagnostics);
    }
}

/// Reports `name` as unknown unless it is the name of an item that failed to parse.
fn unknown<'b>(
    code: Code,
    kind: &str,
    name: &Ident,
    place: &str,
    candidates: impl IntoIterator<Item = &'b str>,
    fallback_help: String,
) -> Diagnostic {
    let help = match suggest(&name.name, candidates) {
        Some(best) => format!("did you mean `{best}`?"),
        None => fallback_help,
    };
    Diagnostic::new(
        code,
        format!("unknown {kind} `{}`{place}", name.name),
        name.span,
        format!("no {kind} of this name"),
    )
    .with_help(help)
}

fn resolve_scheme(model: &Model<'_>, index: &SchemeIndex<'_>, diagnostics: &mut Diagnostics) {
    let scheme_name = index.scheme.reference.display();
    for criterion in index.criteria.values() {
        if let Some(citation) = &criterion.citation
            && let Some(source) = &citation.source
            && !index.sources.contains_key(source.name.as_str())
            && !index.is_invalid("source", &source.name)
        {
            diagnostics.push(unknown(
                Code::UnknownSource,
                "source",
                source,
                &format!(" in scheme `{scheme_name}`"),
                index.sources.keys().copied(),
                format!(
                    "declare it in the scheme: `source {} {{ title \"…\" document \"…\" }}`",
                    source.name
                ),
            ));
        }
        check_applies_to(
            index,
            criterion.applies_to.as_ref(),
            &scheme_name,
            "in the scheme",
            diagnostics,
        );
        if let Some(condition) = &criterion.condition {
            resolve_facts(model, condition, diagnostics);
        }
    }
    for level in index.levels.values() {
        for include in &level.includes {
            check_level_ref(index, include, &scheme_name, diagnostics);
        }
        // A criterion the level already lists is no useful "did you mean".
        let listed: BTreeSet<&str> = level
            .require
            .iter()
            .chain(level.at_least.iter().flat_map(|g| g.of.iter()))
            .map(|i| i.name.as_str())
            .collect();
        let groups = level.at_least.iter().flat_map(|g| g.of.iter());
        for id in level.require.iter().chain(groups) {
            check_criterion_ref(index, id, &scheme_name, &listed, diagnostics);
        }
    }
}

/// Reports `id` unless the scheme defines that category (or one that failed to parse might).
fn check_category_ref(
    index: &SchemeIndex<'_>,
    id: &Ident,
    scheme_name: &str,
    help: String,
    diagnostics: &mut Diagnostics,
) {
    if !index.categories.contains_key(id.name.as_str()) && !index.is_invalid("category", &id.name) {
        diagnostics.push(unknown(
            Code::UnknownCategory,
            "category",
            id,
            &format!(" in scheme `{scheme_name}`"),
            index.categories.keys().copied(),
            help,
        ));
    }
}

/// Every category an `applies_to` lists must be one of `index`'s scheme;
/// `where_` says where to declare a missing one.
fn check_applies_to(
    index: &SchemeIndex<'_>,
    applies_to: Option<&AppliesTo>,
    scheme_name: &str,
    where_: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some(AppliesTo::Categories(ids)) = applies_to else {
        return;
    };
    for id in ids {
        let help = format!(
            "declare `category {} {{ … }}` {where_}, or write `applies_to all`",
            id.name
        );
        check_category_ref(index, id, scheme_name, help, diagnostics);
    }
}

fn check_level_ref(
    index: &SchemeIndex<'_>,
    rank: &IntLit,
    scheme_name: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some(value) = rank.value else { return };
    if index.levels.contains_key(&value) || index.is_invalid("level", &value.to_string()) {
        return;
    }
    let ranks: Vec<String> = index.levels.keys().map(i64::to_string).collect();
    diagnostics.push(
        Diagnostic::new(
            Code::UnknownLevel,
            format!("unknown level `{value}` in scheme `{scheme_name}`"),
            rank.span,
            "no level of this rank",
        )
        .with_help(format!(
            "the levels of `{scheme_name}` are {}",
            ranks.join(", ")
        )),
    );
}

fn check_criterion_ref(
    index: &SchemeIndex<'_>,
    id: &Ident,
    scheme_name: &str,
    listed: &BTreeSet<&str>,
    diagnostics: &mut Diagnostics,
) {
    if !index.criteria.contains_key(id.name.as_str()) && !index.is_invalid("criterion", &id.name) {
        diagnostics.push(unknown(
            Code::UnknownCriterion,
            "criterion",
            id,
            &format!(" in scheme `{scheme_name}`"),
            index
                .criteria
                .keys()
                .copied()
                .filter(|c| !listed.contains(c)),
            format!("define `criterion {} {{ … }}` in `{scheme_name}`", id.name),
        ));
    }
}

/// Reports every fact a condition reads that no `fact` declares.
pub fn resolve_facts(model: &Model<'_>, expr: &Expr, diagnostics: &mut Diagnostics) {
    for fact in facts_read(expr) {
        let help = format!(
            "declare it: `fact {}: bool {{ description \"…\" }}`",
            fact.name
        );
        check_fact_ref(model, fact, help, diagnostics);
    }
}

/// Reports `fact` unless a `fact` item declares it (or one that failed to parse might).
fn check_fact_ref(model: &Model<'_>, fact: &Ident, help: String, diagnostics: &mut Diagnostics) {
    if !model.facts.contains_key(fact.name.as_str()) && !model.invalid_facts.contains(&fact.name) {
        diagnostics.push(unknown(
            Code::UnknownFact,
            "fact",
            fact,
            "",
            model.facts.keys().copied(),
            help,
        ));
    }
}

/// The facts an expression reads, in order. Iterative, so deep input cannot overflow.
pub fn facts_read(expr: &Expr) -> Vec<&Ident> {
    let mut out = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Or(items) | ExprKind::And(items) => stack.extend(items.iter().rev()),
            ExprKind::Not(inner) | ExprKind::Paren(inner) => stack.push(inner),
            ExprKind::Present(fact)
            | ExprKind::Fact(fact)
            | ExprKind::Compare { fact, .. }
            | ExprKind::In { fact, .. }
            | ExprKind::Contains { fact, .. }
            | ExprKind::Subset { fact, .. }
            | ExprKind::Superset { fact, .. }
            | ExprKind::Within { fact, .. } => out.push(fact),
        }
    }
    out
}

impl<'a> Model<'a> {
    /// The versions of scheme `id` in the compilation, oldest first.
    pub fn versions(&self, id: &str) -> Vec<&str> {
        let mut versions: Vec<&str> = self
            .schemes
            .keys()
            .filter(|(i, _)| i == id)
            .map(|(_, v)| v.as_str())
            .collect();
        versions.sort_by(|a, b| compare_versions(a, b));
        versions
    }

    /// Binds a recognition's scheme reference without choosing a version
    /// for an unpinned one, with the versions it may mean (oldest first).
    pub fn bind_scheme_ref(
        &self,
        reference: &SchemeRef,
        diagnostics: &mut Diagnostics,
    ) -> Option<(SchemeBinding, Vec<&SchemeIndex<'a>>)> {
        let key = self.resolve_scheme_ref(reference, diagnostics)?;
        let binding = SchemeBinding {
            id: key.0.clone(),
            version: reference.version.as_ref().map(|_| key.1.clone()),
        };
        let indices = self.bound_indices(&binding);
        Some((binding, indices))
    }

    /// The versions a binding may mean, oldest first: the pinned one, or
    /// every version of the scheme.
    pub fn bound_indices(&self, binding: &SchemeBinding) -> Vec<&SchemeIndex<'a>> {
        match &binding.version {
            Some(version) => self
                .schemes
                .get(&(binding.id.clone(), version.clone()))
                .into_iter()
                .collect(),
            None => self
                .versions(&binding.id)
                .into_iter()
                .filter_map(|v| self.schemes.get(&(binding.id.clone(), v.to_string())))
                .collect(),
        }
    }

    /// Binds `id` or `id@version`, checking that it exists; an unpinned id
    /// gives the latest version (what callers that need one version check against).
    pub fn resolve_scheme_ref(
        &self,
        reference: &SchemeRef,
        diagnostics: &mut Diagnostics,
    ) -> Option<SchemeKey> {
        let id = &reference.id.name;
        let versions = self.versions(id);
        if versions.is_empty() {
            if self.invalid_schemes.contains(id) {
                return None;
            }
            let mut ids: Vec<&str> = self.schemes.keys().map(|(i, _)| i.as_str()).collect();
            ids.dedup();
            let help = match suggest(id, ids) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "no file given defines scheme `{id}`: add its policy file to the command line \
                     (by convention `policies/{}/`)",
                    id.replace('_', "-")
                ),
            };
            self.push_unknown_scheme(reference, help, diagnostics);
            return None;
        }
        match &reference.version {
            None => versions.last().map(|v| (id.clone(), (*v).to_string())),
            Some(version) => {
                if versions.contains(&version.name.as_str()) {
                    return Some((id.clone(), version.name.clone()));
                }
                let help = match suggest(&version.name, versions.iter().copied()) {
                    Some(best) => format!("did you mean `{id}@{best}`?"),
                    None => format!(
                        "the compilation has {}; add the file that defines `{id}@{}` or write `{id}` for the latest",
                        versions
                            .iter()
                            .map(|v| format!("`{id}@{v}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        version.name
                    ),
                };
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownVersion,
                        format!("unknown version `{}` of scheme `{id}`", version.name),
                        version.span,
                        "no such version in this compilation",
                    )
                    .with_help(help),
                );
                None
            }
        }
    }

    fn push_unknown_scheme(
        &self,
        reference: &SchemeRef,
        help: String,
        diagnostics: &mut Diagnostics,
    ) {
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownScheme,
                format!("unknown scheme `{}`", reference.id.name),
                reference.id.span,
                "no file of this compilation defines it",
            )
            .with_help(help),
        );
    }
}

/// For a member a recognition names in a scheme it binds: `None` when some
/// version the binding may mean has the member (an unpinned reference names
/// every version of the scheme), else the latest of those versions, with its
/// name, to report the unknown member against.
fn unless_any<'m, 'a>(
    binding: &SchemeBinding,
    indices: &[&'m SchemeIndex<'a>],
    known: impl Fn(&SchemeIndex<'a>) -> bool,
) -> Option<(String, &'m SchemeIndex<'a>)> {
    if indices.iter().any(|i| known(i)) {
        return None;
    }
    let index = indices.last()?;
    let name = match &binding.version {
        Some(version) => format!("{}@{version}", binding.id),
        // Unpinned: no version has it, and the suggestions come from the latest.
        None => binding.id.clone(),
    };
    Some((name, index))
}

fn resolve_recognition<'a>(
    model: &Model<'a>,
    recognition: &'a Recognition,
    diagnostics: &mut Diagnostics,
) -> ResolvedRecognition<'a> {
    let from = recognition.from.as_ref().and_then(|from| {
        let (binding, indices) = model.bind_scheme_ref(&from.scheme, diagnostics)?;
        match &from.target {
            FromTarget::Level(rank) => {
                let known =
                    |i: &SchemeIndex<'_>| rank.value.is_none_or(|v| i.levels.contains_key(&v));
                if let Some((name, index)) = unless_any(&binding, &indices, known) {
                    check_level_ref(index, rank, &name, diagnostics);
                }
            }
            FromTarget::Criterion(id) => {
                let known = |i: &SchemeIndex<'_>| i.criteria.contains_key(id.name.as_str());
                if let Some((name, index)) = unless_any(&binding, &indices, known) {
                    check_criterion_ref(index, id, &name, &BTreeSet::new(), diagnostics);
                }
            }
        }
        Some(binding)
    });
    let to = recognition.to.as_ref().and_then(|to| {
        let (binding, indices) = model.bind_scheme_ref(to, diagnostics)?;
        let listed: BTreeSet<&str> = recognition
            .credits
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        for id in &recognition.credits {
            let known = |i: &SchemeIndex<'_>| i.criteria.contains_key(id.name.as_str());
            if let Some((name, index)) = unless_any(&binding, &indices, known) {
                check_criterion_ref(index, id, &name, &listed, diagnostics);
            }
        }
        for id in &recognition.except {
            let known = |i: &SchemeIndex<'_>| i.categories.contains_key(id.name.as_str());
            if let Some((name, index)) = unless_any(&binding, &indices, known) {
                let help = format!(
                    "declare `category {} {{ … }}` in the `to` scheme, or remove it from `except`",
                    id.name
                );
                check_category_ref(index, id, &name, help, diagnostics);
            }
        }
        if let Some(AppliesTo::Categories(ids)) = recognition.applies_to.as_ref() {
            for id in ids {
                let known = |i: &SchemeIndex<'_>| i.categories.contains_key(id.name.as_str());
                if let Some((name, index)) = unless_any(&binding, &indices, known) {
                    let one = AppliesTo::Categories(vec![id.clone()]);
                    check_applies_to(
                        index,
                        Some(&one),
                        &name,
                        "in the `to` scheme, whose categories `applies_to` names",
                        diagnostics,
                    );
                }
            }
        }
        Some(binding)
    });
    if let Some(condition) = &recognition.condition {
        resolve_facts(model, condition, diagnostics);
    }
    ResolvedRecognition {
        recognition,
        from,
        to,
    }
}
