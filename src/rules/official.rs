//! `--official-only`: the rule set as the official text alone has it. Every
//! rule that rests on less than the official text (a `basis` of secondary,
//! reported or inferred) and every assumed recognition is left out of the
//! judgement; `docs/language.md` ("Basis") says exactly what that means.

use super::{Basis, Grounds, RecognitionStatus, RuleSet, basis_of};

/// What [`official_only`] left out, for the note `eval` and `plan` print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Criteria whose basis is below official: no level requires them now.
    pub criteria: usize,
    /// Places of criteria in levels whose `require` line is below official.
    pub places: usize,
    /// Categories now outside their scheme.
    pub categories: usize,
    /// Recognitions dropped (assumed, or below official).
    pub recognitions: usize,
    /// `valid_until` dates dropped (their own basis is below official).
    pub end_dates: usize,
}

impl LeftOut {
    pub fn is_empty(&self) -> bool {
        *self == LeftOut::default()
    }

    /// `2 criteria, 6 places in levels, 1 recognition left out`.
    pub fn describe(&self) -> String {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let parts: Vec<String> = [
            (self.criteria, "criterion", "criteria"),
            (self.places, "place in a level", "places in levels"),
            (self.categories, "category", "categories"),
            (self.recognitions, "recognition", "recognitions"),
            (self.end_dates, "end date", "end dates"),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| count(*n, one, many))
        .collect();
        if parts.is_empty() {
            "nothing rests on less than official text: nothing left out".to_string()
        } else {
            format!("{} left out", parts.join(", "))
        }
    }
}

fn below(grounds: Option<&Grounds>) -> bool {
    basis_of(grounds) != Basis::Official
}

/// The rule set judged on the official text only:
///
/// - a criterion whose basis is below official stays in its scheme (it is
///   still judged and shown) but no level requires it or counts it towards
///   an `at_least` group (the group's `k` is unchanged);
/// - a criterion's place in a level whose `require` line states a basis
///   below official is removed from that level (and the levels including it);
/// - a category whose basis is below official is outside its scheme, as if
///   `excluded`, with the basis as the reason;
/// - a recognition that is `assumed` or whose basis is below official gives
///   no credit;
/// - a `valid_until` whose own basis is below official is dropped: the item
///   stays valid after it.
pub fn official_only(rules: &RuleSet) -> (RuleSet, LeftOut) {
    let mut out = rules.clone();
    let mut left = LeftOut::default();
    for scheme in &mut out.schemes {
        let weak: Vec<String> = scheme
            .criteria
            .iter()
            .filter(|c| below(c.basis.as_ref()))
            .map(|c| c.id.clone())
            .collect();
        left.criteria += weak.len();
        for criterion in &mut scheme.criteria {
            if below(criterion.valid_until_basis.as_ref()) {
                criterion.valid_until = None;
                criterion.valid_until_basis = None;
                left.end_dates += 1;
            }
        }
        for category in &mut scheme.categories {
            if below(category.basis.as_ref()) && category.excluded.is_none() {
                let basis = basis_of(category.basis.as_ref()).word();
                category.excluded = Some(
                    match category.basis.as_ref().and_then(|g| g.note.as_deref()) {
                        Some(note) => format!(
                            "judged on official text only, and this category's scope rests on {basis} grounds: {note}"
                        ),
                        None => format!(
                            "judged on official text only, and this category's scope rests on {basis} grounds"
                        ),
                    },
                );
                left.categories += 1;
            }
        }
        for level in &mut scheme.levels {
            let places: Vec<String> = level
                .require_basis
                .iter()
                .filter(|(_, g)| g.on != Basis::Official)
                .map(|(id, _)| id.clone())
                .collect();
            left.places += places
                .iter()
                .filter(|id| !weak.contains(id) && level.requires_all.contains(id))
                .count();
            let keep = |id: &String| !weak.contains(id) && !places.contains(id);
            let own_weak = |id: &String| !weak.contains(id);
            level.require.retain(|id| keep(id));
            level.requires_all.retain(|id| keep(id));
            for group in level
                .at_least
                .iter_mut()
                .chain(level.at_least_all.iter_mut())
            {
                group.of.retain(|id| own_weak(id));
            }
            level.require_basis.clear();
        }
    }
    out.recognitions.retain(|r| {
        let keep = r.status != RecognitionStatus::Assumed && !below(r.basis.as_ref());
        if !keep {
            left.recognitions += 1;
        }
        keep
    });
    for r in &mut out.recognitions {
        if below(r.valid_until_basis.as_ref()) {
            r.valid_until = None;
            r.valid_until_basis = None;
            left.end_dates += 1;
        }
    }
    (out, left)
}
