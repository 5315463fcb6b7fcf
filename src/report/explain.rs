//! `labelc eval --explain` for a person: why the product stops where it
//! does, level by level. After the level reached and the reachable level
//! come every level above the one reached (not only the next): what fails,
//! what is unknown, what is pending and which level below stands in the way.
//! Caveats follow: a level met whose criteria are all `pending`, and credits
//! that rest on a recognition with `verify` steps, an assumed or proposed
//! recognition, or one whose basis is less than the official text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::eval::{
    CriterionResult, GroupResult, Outcome, Program, Verdict, credit_lines, criterion_lines,
    explanation_head, group_line, level_name, pending_line, render_explanation,
};
use crate::rules::{Basis, RecognitionStatus, basis_of};

/// The titles of the levels of a program's scheme, by rank.
pub fn level_titles(program: &Program<'_>) -> BTreeMap<i64, String> {
    program
        .levels
        .iter()
        .filter_map(|l| l.level.title.clone().map(|t| (l.level.rank, t)))
        .collect()
}

/// The explanation `eval --explain` prints. It needs every criterion's
/// outcome (an outcome judged with `all`); without them it is the short
/// [`render_explanation`].
pub fn explain(outcome: &Outcome<'_>, program: &Program<'_>) -> String {
    let titles = level_titles(program);
    let Some(criteria) = &outcome.criteria else {
        return render_explanation(outcome, &titles);
    };
    let mut out = String::new();
    if !explanation_head(&mut out, outcome, &titles) {
        return out;
    }
    let levels = judge_levels(program, criteria);
    for (position, level) in levels.iter().enumerate() {
        if outcome.level.is_some_and(|reached| level.rank <= reached) {
            pending_caveat(&mut out, level, &titles);
        } else {
            level_lines(&mut out, outcome, program, &levels, position, &titles);
        }
    }
    if outcome.next.is_none() {
        let _ = writeln!(out, "  every level is met");
    }
    credit_lines(&mut out, criteria);
    credit_caveats(&mut out, program, criteria);
    out
}

/// One level judged on the product's criterion outcomes, as eval judges it.
struct LevelView<'a, 'r> {
    rank: i64,
    /// Whether some criterion the level adds is applicable.
    applies: bool,
    /// Its own criteria and groups decide it (the levels below aside).
    own: Own,
    failing: Vec<&'a CriterionResult<'r>>,
    unknown: Vec<&'a CriterionResult<'r>>,
    groups: Vec<GroupResult<'r>>,
    /// Unknown criteria pending with no condition.
    pending: Vec<&'r str>,
    /// Applicable criteria it adds (required and group members), and how
    /// many of them are pending.
    applicable: Vec<&'r str>,
    applicable_pending: usize,
}

/// How a level's own criteria and groups end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Own {
    Met,
    Open,
    Fails,
}

fn judge_levels<'a, 'r>(
    program: &Program<'r>,
    criteria: &'a [CriterionResult<'r>],
) -> Vec<LevelView<'a, 'r>> {
    let by_id: BTreeMap<&str, &'a CriterionResult<'r>> =
        criteria.iter().map(|c| (c.id, c)).collect();
    let pending_status = |id: &str| {
        program
            .criteria
            .iter()
            .find(|c| c.criterion.id == id)
            .map(|c| {
                (
                    matches!(c.criterion.status, crate::rules::Status::Pending { .. }),
                    c.condition.is_none(),
                )
            })
    };
    let id_of = |i: u32| {
        program
            .criteria
            .get(i as usize)
            .map(|c| c.criterion.id.as_str())
    };
    let mut views = Vec::new();
    for level in &program.levels {
        let mut view = LevelView {
            rank: level.level.rank,
            applies: false,
            own: Own::Met,
            failing: Vec::new(),
            unknown: Vec::new(),
            groups: Vec::new(),
            pending: Vec::new(),
            applicable: Vec::new(),
            applicable_pending: 0,
        };
        let note = |id: &'r str, verdict: Verdict, view: &mut LevelView<'a, 'r>| {
            if verdict != Verdict::NotApplicable {
                view.applies = true;
                view.applicable.push(id);
                if pending_status(id).is_some_and(|(p, _)| p) {
                    view.applicable_pending += 1;
                }
            }
        };
        for id in level.required.iter().filter_map(|i| id_of(*i)) {
            let Some(c) = by_id.get(id).copied() else {
                continue;
            };
            note(id, c.outcome, &mut view);
            match c.outcome {
                Verdict::Fail => view.failing.push(c),
                Verdict::Unknown => {
                    view.unknown.push(c);
                    if pending_status(id) == Some((true, true)) {
                        view.pending.push(id);
                    }
                }
                _ => {}
            }
        }
        for (k, members) in &level.groups {
            let ids: Vec<&'r str> = members.iter().filter_map(|i| id_of(*i)).collect();
            let verdicts: Vec<Verdict> = ids
                .iter()
                .map(|id| by_id.get(id).map_or(Verdict::Unknown, |c| c.outcome))
                .collect();
            for (id, v) in ids.iter().zip(&verdicts) {
                note(id, *v, &mut view);
            }
            let count = |f: fn(&Verdict) -> bool| verdicts.iter().filter(|v| f(v)).count();
            let met = count(|v| matches!(v, Verdict::Pass | Verdict::Credited));
            let open = count(|v| *v == Verdict::Unknown);
            let not_applicable = count(|v| *v == Verdict::NotApplicable);
            let k_usize = usize::try_from(*k).unwrap_or(usize::MAX);
            if met < k_usize {
                view.own = if met + open >= k_usize && view.own != Own::Fails {
                    Own::Open
                } else {
                    Own::Fails
                };
                view.groups.push(GroupResult {
                    k: *k,
                    of: ids,
                    met,
                    unknown: open,
                    not_applicable,
                });
            }
        }
        if !view.failing.is_empty() || !view.applies {
            view.own = Own::Fails;
        } else if !view.unknown.is_empty() && view.own == Own::Met {
            view.own = Own::Open;
        }
        views.push(view);
    }
    views
}

/// Why the level at `position` (above the level reached) is not reached.
fn level_lines(
    out: &mut String,
    outcome: &Outcome<'_>,
    program: &Program<'_>,
    levels: &[LevelView<'_, '_>],
    position: usize,
    titles: &BTreeMap<i64, String>,
) {
    let Some(level) = levels.get(position) else {
        return;
    };
    let reachable = outcome.reachable.is_some_and(|r| level.rank <= r);
    let mut roles = Vec::new();
    if outcome.reachable == Some(level.rank) {
        roles.push("the reachable level");
    }
    if levels.last().is_some_and(|l| l.rank == level.rank) {
        roles.push("the highest level");
    }
    let _ = writeln!(
        out,
        "  level {}{}: {}",
        level_name(Some(level.rank), titles),
        if roles.is_empty() {
            String::new()
        } else {
            format!(" ({})", roles.join(", "))
        },
        match (reachable, level.own) {
            (true, _) => "not reached yet, reachable with the missing evidence",
            (false, Own::Fails) => "out of reach",
            (false, _) => "out of reach because of a level below",
        }
    );
    if !level.applies {
        let category = outcome
            .category
            .and_then(|c| program.category_by_name.get(c).copied());
        if let Some(category) = category {
            let _ = writeln!(out, "    {}", program.does_not_apply(position, category));
        }
    }
    for c in &level.failing {
        criterion_lines(out, "✗", c);
    }
    for c in &level.unknown {
        criterion_lines(out, "?", c);
    }
    for g in &level.groups {
        group_line(out, g);
    }
    pending_line(out, level.rank, &level.pending);
    if level.own == Own::Met {
        let _ = writeln!(out, "    its own criteria are met");
    }
    below_line(out, levels, position, titles);
}

/// The lowest level below `position` that stands in the way: out of reach
/// (a failing criterion), or else not met yet.
fn below_line(
    out: &mut String,
    levels: &[LevelView<'_, '_>],
    position: usize,
    titles: &BTreeMap<i64, String>,
) {
    let below = levels.get(..position).unwrap_or_default();
    if let Some(blocking) = below.iter().find(|l| l.own == Own::Fails) {
        let _ = writeln!(
            out,
            "    and it needs level {} below, which is out of reach",
            level_name(Some(blocking.rank), titles)
        );
    } else if let Some(open) = below.iter().find(|l| l.own == Own::Open) {
        let _ = writeln!(
            out,
            "    and it needs level {} below, which is not met yet",
            level_name(Some(open.rank), titles)
        );
    }
}

/// A level met whose applicable criteria are all pending: met on texts
/// that are not final.
fn pending_caveat(out: &mut String, level: &LevelView<'_, '_>, titles: &BTreeMap<i64, String>) {
    if level.applicable.is_empty() || level.applicable_pending < level.applicable.len() {
        return;
    }
    let _ = writeln!(
        out,
        "  caveat: level {} is met, but every criterion it requires is pending (the published texts leave {} open): {}",
        level_name(Some(level.rank), titles),
        if level.applicable.len() == 1 {
            "it"
        } else {
            "them"
        },
        level.applicable.join(", ")
    );
}

/// What a credit rests on besides the recognition being held: checks an
/// assessor makes by hand, an assumed or proposed arrangement, a basis below
/// the official text.
fn credit_caveats(out: &mut String, program: &Program<'_>, criteria: &[CriterionResult<'_>]) {
    for c in criteria.iter().filter(|c| c.outcome == Verdict::Credited) {
        for id in &c.credited_by {
            let Some(r) = program
                .recognitions
                .iter()
                .map(|r| r.recognition)
                .find(|r| r.id == *id)
            else {
                continue;
            };
            if !r.verify.is_empty() {
                let _ = writeln!(
                    out,
                    "  caveat: {} is credited by {id} only once an assessor verifies: {}",
                    c.id,
                    r.verify.join("; ")
                );
            }
            match r.status {
                RecognitionStatus::Assumed => {
                    let _ = writeln!(
                        out,
                        "  caveat: {} is credited by {id}, an assumed recognition (no official arrangement is known)",
                        c.id
                    );
                }
                RecognitionStatus::Proposed => {
                    let _ = writeln!(
                        out,
                        "  caveat: {} is credited by {id}, a proposed recognition (not in force as an arrangement)",
                        c.id
                    );
                }
                RecognitionStatus::Official => {}
            }
            let basis = basis_of(r.basis.as_ref());
            if basis != Basis::Official {
                let note = r
                    .basis
                    .as_ref()
                    .and_then(|g| g.note.as_deref())
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  caveat: {} is credited by {id}, which rests on {} grounds{note}",
                    c.id,
                    basis.word()
                );
            }
        }
    }
}
