//! Choosing a scheme version of a rule set: `id@version`, or an unpinned
//! `id` bound by the one rule of [`crate::resolve::pick_version`] on the
//! assessment date. `eval`, `plan`, `diff` and `test` all go through it. A
//! recognition's unpinned `to` names the scheme, not a version: it credits
//! whichever version is judged ([`Recognition::targets`]).

use jiff::civil::Date;

use super::{Recognition, RuleSet, Scheme, SchemeStatus, parse_date};
use crate::resolve::{Picked, VersionInfo, pick_version};

/// A scheme version chosen from a rule set, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Index into [`RuleSet::schemes`].
    pub index: usize,
    /// `None` when the version was named (`id@version`).
    pub picked: Option<Picked>,
    /// How many versions of the scheme the rule set has.
    pub versions: usize,
}

/// Why no scheme version could be chosen: the name given is not in the rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectError {
    /// No scheme has this id.
    UnknownScheme {
        id: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// The scheme has no such version.
    UnknownVersion {
        id: String,
        version: String,
        known: Vec<String>,
    },
}

impl std::fmt::Display for SelectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectError::UnknownScheme {
                id,
                suggestion: Some(s),
                ..
            } => write!(f, "no scheme `{id}` in the rule set; did you mean `{s}`?"),
            SelectError::UnknownScheme { id, known, .. } => {
                write!(
                    f,
                    "no scheme `{id}` in the rule set; the rule set has {}",
                    known.join(", ")
                )
            }
            SelectError::UnknownVersion { id, version, known } => {
                let known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                write!(
                    f,
                    "no version `{version}` of `{id}`; the rule set has {}",
                    known.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for SelectError {}

impl SelectError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            SelectError::UnknownScheme { .. } => "labelc::rules::unknown_scheme",
            SelectError::UnknownVersion { .. } => "labelc::rules::unknown_version",
        }
    }

    /// The fix: a scheme the rule set has.
    pub fn help(&self) -> Option<String> {
        Some("name a scheme of the rule set, as `id` or `id@version`".into())
    }
}

impl RuleSet {
    /// The scheme version `wanted` names on `as_of`: `id@version`, or for an
    /// unpinned `id` the version [`pick_version`] gives.
    pub fn select(&self, wanted: &str, as_of: Date) -> Result<Selection, SelectError> {
        let (id, version) = match wanted.split_once('@') {
            Some((id, v)) => (id, Some(v)),
            None => (wanted, None),
        };
        let candidates: Vec<usize> = (0..self.schemes.len())
            .filter(|i| self.schemes.get(*i).is_some_and(|s| s.id == id))
            .collect();
        if candidates.is_empty() {
            let mut ids: Vec<&str> = self.schemes.iter().map(|s| s.id.as_str()).collect();
            ids.dedup();
            return Err(SelectError::UnknownScheme {
                id: id.to_string(),
                suggestion: crate::diag::suggest(id, ids.iter().copied()).map(str::to_string),
                known: ids.iter().map(|s| s.to_string()).collect(),
            });
        }
        let versions = candidates.len();
        if let Some(version) = version {
            return candidates
                .iter()
                .copied()
                .find(|i| self.schemes.get(*i).is_some_and(|s| s.version == version))
                .map(|index| Selection {
                    index,
                    picked: None,
                    versions,
                })
                .ok_or_else(|| SelectError::UnknownVersion {
                    id: id.to_string(),
                    version: version.to_string(),
                    known: candidates
                        .iter()
                        .filter_map(|i| self.schemes.get(*i).map(|s| s.key()))
                        .collect(),
                });
        }
        let (index, picked) =
            self.version_on(id, as_of)
                .ok_or_else(|| SelectError::UnknownScheme {
                    id: id.to_string(),
                    suggestion: None,
                    known: Vec::new(),
                })?;
        Ok(Selection {
            index,
            picked: Some(picked),
            versions,
        })
    }

    /// The version of scheme `id` an unpinned reference means on `as_of`
    /// (index into [`RuleSet::schemes`]), or `None` when there is no such scheme.
    pub fn version_on(&self, id: &str, as_of: Date) -> Option<(usize, Picked)> {
        let indices: Vec<usize> = (0..self.schemes.len())
            .filter(|i| self.schemes.get(*i).is_some_and(|s| s.id == id))
            .collect();
        let infos: Vec<VersionInfo<'_>> = indices
            .iter()
            .filter_map(|i| self.schemes.get(*i))
            .map(|s| VersionInfo {
                version: &s.version,
                draft: s.status == Some(SchemeStatus::Draft),
                effective: s.effective.as_deref().and_then(parse_date),
            })
            .collect();
        let (at, picked) = pick_version(&infos, as_of)?;
        indices.get(at).map(|i| (*i, picked))
    }
}

impl Recognition {
    /// Whether this recognition credits criteria of `scheme` (a version):
    /// its `to` is pinned to that version, or names the scheme unpinned,
    /// which credits whichever version is judged (the criteria of it that
    /// the recognition lists and that version has).
    pub fn targets(&self, scheme: &Scheme) -> bool {
        self.to.scheme == scheme.id
            && self
                .to
                .version
                .as_ref()
                .is_none_or(|v| *v == scheme.version)
    }
}

/// Says in words which version an unpinned `id` was bound to, for notes on
/// stderr and plan headers: `None` when the version was named.
pub fn describe(
    selection: &Selection,
    rules: &RuleSet,
    wanted: &str,
    as_of: Date,
) -> Option<String> {
    let picked = selection.picked?;
    let scheme = rules.schemes.get(selection.index)?;
    let key = scheme.key();
    Some(match picked {
        Picked::InForce => format!(
            "`{wanted}` means `{key}` on {as_of}: the version in force then (in effect since {})",
            scheme.effective.as_deref().unwrap_or("?")
        ),
        Picked::Undated => format!(
            "`{wanted}` means `{key}` on {as_of}: no version with an effective date is in force then, and `{key}` gives none, so it counts as in force"
        ),
        Picked::NotYetInForce(effective) => format!(
            "no version of `{wanted}` is in force on {as_of}; judging `{key}`, which takes effect on {effective} (its products are not in scope before then)"
        ),
        Picked::DraftOnly => format!(
            "every version of `{wanted}` is a draft; judging the latest, `{key}`, which is not in force"
        ),
    })
}
