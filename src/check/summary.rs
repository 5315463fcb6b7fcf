//! The summary `labelc check` prints: what the compilation defines, how many
//! criteria each level requires, how many rules rest on each basis, and
//! every pending item with its reason.

use serde::Serialize;

use super::levels::requirements;
use crate::ast::{Basis, BasisDecl, Category, Nature, Status};
use crate::resolve::Model;
use crate::source::SourceMap;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    pub schemes: Vec<SchemeSummary>,
    pub facts: usize,
    pub recognitions: usize,
    /// Recognitions whose claimed relationship the conditions verify,
    /// refute, or leave undecided (absent when the policies have errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recognitions_checked: Option<super::RecognitionCounts>,
    /// `test` items (run by `labelc test`).
    pub tests: usize,
    /// Rules of every scheme and recognition, by what they rest on.
    pub basis: BasisCount,
    pub pending: Vec<Pending>,
}

/// How many rules rest on each basis. A rule is a criterion, a category, an
/// authority, a criterion's place in a level (one per id of a `require`
/// line), a recognition, or a `valid_until` that states its own basis.
#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
pub struct BasisCount {
    /// Rules on the official text, stated or not.
    pub official: usize,
    /// Of `official`: rules that state no basis (official by default).
    pub unstated: usize,
    pub secondary: usize,
    pub reported: usize,
    pub inferred: usize,
}

impl BasisCount {
    fn add(&mut self, decl: Option<&BasisDecl>) {
        match decl.map(|d| d.basis.value) {
            None => {
                self.official += 1;
                self.unstated += 1;
            }
            Some(Basis::Official) => self.official += 1,
            Some(Basis::Secondary) => self.secondary += 1,
            Some(Basis::Reported) => self.reported += 1,
            Some(Basis::Inferred) => self.inferred += 1,
        }
    }

    fn absorb(&mut self, other: &BasisCount) {
        self.official += other.official;
        self.unstated += other.unstated;
        self.secondary += other.secondary;
        self.reported += other.reported;
        self.inferred += other.inferred;
    }

    /// Rules resting on less than the official text.
    pub fn below_official(&self) -> usize {
        self.secondary + self.reported + self.inferred
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SchemeSummary {
    /// `id@version`
    pub scheme: String,
    pub title: Option<String>,
    /// `mandatory` or `voluntary`; absent when the scheme does not say.
    pub nature: Option<&'static str>,
    pub categories: usize,
    pub criteria: usize,
    /// This scheme version's rules by basis.
    pub basis: BasisCount,
    /// Criteria each level requires (includes followed), lowest level first.
    pub levels: Vec<LevelSummary>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LevelSummary {
    pub rank: i64,
    pub title: Option<String>,
    pub criteria: usize,
    pub at_least_groups: usize,
}

/// An item the published texts leave open.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Pending {
    pub scheme: String,
    pub kind: &'static str,
    pub id: String,
    pub reason: String,
    pub file: String,
    pub line: usize,
}

pub fn summarize(model: &Model<'_>, sources: &SourceMap) -> Summary {
    let mut pending = Vec::new();
    let mut schemes = Vec::new();
    let mut total = BasisCount::default();
    for index in model.schemes.values() {
        let mut basis = BasisCount::default();
        for authority in index.authorities.values() {
            basis.add(authority.basis.as_ref());
        }
        for entry in index.categories.values() {
            basis.add(entry.category.basis.as_ref());
        }
        for criterion in index.criteria.values() {
            basis.add(criterion.basis.as_ref());
            if let Some(decl) = &criterion.valid_until_basis {
                basis.add(Some(decl));
            }
        }
        for level in index.levels.values() {
            for id in &level.require {
                let decl = level
                    .require_basis
                    .iter()
                    .find(|(i, _)| i.span == id.span)
                    .map(|(_, d)| d);
                basis.add(decl);
            }
        }
        total.absorb(&basis);
        let name = index.scheme.reference.display();
        let mut push = |kind: &'static str, id: String, status: &Option<Status>| {
            if let Some(Status::Pending(reason)) = status {
                let file = sources.get(reason.span.file);
                pending.push(Pending {
                    scheme: name.clone(),
                    kind,
                    id,
                    reason: reason.value.clone(),
                    file: file.map(|f| f.name.clone()).unwrap_or_default(),
                    line: file.map_or(0, |f| f.line_column(reason.span.start as usize).0),
                });
            }
        };
        let categories: Vec<&Category> = index.categories.values().map(|c| c.category).collect();
        for category in categories {
            push("category", category.id.name.clone(), &category.status);
        }
        for criterion in index.criteria.values() {
            push("criterion", criterion.id.name.clone(), &criterion.status);
        }
        for (rank, level) in &index.levels {
            push("level", rank.to_string(), &level.status);
        }
        schemes.push(SchemeSummary {
            scheme: name.clone(),
            title: index.scheme.title.as_ref().map(|t| t.value.clone()),
            nature: index.scheme.nature.as_ref().map(|n| match n.nature.value {
                Nature::Mandatory => "mandatory",
                Nature::Voluntary => "voluntary",
            }),
            basis,
            categories: index.categories.len(),
            criteria: index.criteria.len(),
            levels: index
                .levels
                .iter()
                .map(|(rank, level)| {
                    let req = requirements(index, *rank);
                    LevelSummary {
                        rank: *rank,
                        title: level.title.as_ref().map(|t| t.value.clone()),
                        criteria: req.criteria.len(),
                        at_least_groups: req.groups.len(),
                    }
                })
                .collect(),
        });
    }
    for resolved in model.recognitions.values() {
        total.add(resolved.recognition.basis.as_ref());
        if let Some(decl) = &resolved.recognition.valid_until_basis {
            total.add(Some(decl));
        }
    }
    pending.sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
    Summary {
        schemes,
        facts: model.facts.len(),
        recognitions: model.recognitions.len(),
        recognitions_checked: None,
        tests: model.tests.len(),
        basis: total,
        pending,
    }
}
