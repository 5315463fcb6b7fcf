//! The summary `labelc check` prints: what the compilation defines, how many
//! criteria each level requires, and every pending item with its reason.

use serde::Serialize;

use super::levels::requirements;
use crate::ast::{Category, Status};
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
    pub pending: Vec<Pending>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SchemeSummary {
    /// `id@version`
    pub scheme: String,
    pub title: Option<String>,
    pub categories: usize,
    pub criteria: usize,
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
    for index in model.schemes.values() {
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
    pending.sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
    Summary {
        schemes,
        facts: model.facts.len(),
        recognitions: model.recognitions.len(),
        recognitions_checked: None,
        tests: model.tests.len(),
        pending,
    }
}
