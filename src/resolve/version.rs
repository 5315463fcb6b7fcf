//! Scheme versions: their natural order (`2025-11-draft` < `2026-04`,
//! `1.10` > `1.9`) and the one rule that binds an unpinned reference to a
//! version on an assessment date ([`pick_version`]). The command line, the
//! `to` side of recognitions and `test` items all go through that rule.

use std::cmp::Ordering;

use jiff::civil::Date;

/// What [`pick_version`] needs to know of one version of a scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionInfo<'a> {
    pub version: &'a str,
    pub draft: bool,
    pub effective: Option<Date>,
}

/// Why [`pick_version`] chose the version it chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picked {
    /// Not a draft, and its `effective` date is on or before the date: the
    /// one that took effect last.
    InForce,
    /// Not a draft, with no `effective` date, and no dated version is in
    /// force yet: an undated version counts as in force from the start.
    Undated,
    /// No version is in force on the date: the earliest one still to come
    /// (nothing of it applies before it takes effect).
    NotYetInForce(Date),
    /// Every version is a draft: the latest draft.
    DraftOnly,
}

/// The version an unpinned reference to a scheme means on `date`:
///
/// 1. among the versions that are not drafts and whose `effective` date is
///    absent or on or before `date`, the one that took effect last (a dated
///    version comes after every undated one; ties go to the later version in
///    natural order);
/// 2. when there is none, the version that takes effect first after `date`;
/// 3. when every version is a draft, the latest draft.
///
/// Returns the index into `versions` and why; `None` only for an empty slice.
pub fn pick_version(versions: &[VersionInfo<'_>], date: Date) -> Option<(usize, Picked)> {
    let in_force = versions
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.draft && v.effective.is_none_or(|e| e <= date))
        .max_by(|(_, a), (_, b)| {
            a.effective
                .cmp(&b.effective)
                .then_with(|| compare_versions(a.version, b.version))
        });
    if let Some((i, v)) = in_force {
        let why = if v.effective.is_some() {
            Picked::InForce
        } else {
            Picked::Undated
        };
        return Some((i, why));
    }
    let coming = versions
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.draft)
        .filter_map(|(i, v)| v.effective.map(|e| (i, e, v.version)))
        .min_by(|a, b| a.1.cmp(&b.1).then_with(|| compare_versions(a.2, b.2)));
    if let Some((i, effective, _)) = coming {
        return Some((i, Picked::NotYetInForce(effective)));
    }
    versions
        .iter()
        .enumerate()
        .max_by(|(_, a), (_, b)| compare_versions(a.version, b.version))
        .map(|(i, _)| (i, Picked::DraftOnly))
}

/// Compares versions chunk by chunk: runs of digits as numbers, other runs as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (chunks(a), chunks(b));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let order = match (p.parse::<u128>(), q.parse::<u128>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n).then(p.len().cmp(&q.len())),
                    _ => p.cmp(q),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

fn chunks(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() != digit)
            .map_or(rest.len(), |(i, _)| i);
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(version: &str, draft: bool, effective: Option<Date>) -> VersionInfo<'_> {
        VersionInfo {
            version,
            draft,
            effective,
        }
    }

    #[test]
    fn picks_the_version_in_force() {
        let d = |y, m, day| jiff::civil::date(y, m, day);
        let versions = [
            info("2020-10", false, None),
            info("2025-04", false, Some(d(2025, 4, 1))),
            info("2026-01", false, Some(d(2027, 1, 1))),
            info("2026-09-draft", true, Some(d(2026, 1, 1))),
        ];
        // Undated counts from the start; a dated version in force wins over it.
        assert_eq!(
            pick_version(&versions, d(2024, 1, 1)),
            Some((0, Picked::Undated))
        );
        assert_eq!(
            pick_version(&versions, d(2025, 4, 1)),
            Some((1, Picked::InForce))
        );
        // A version still to come changes nothing before its date; drafts never count.
        assert_eq!(
            pick_version(&versions, d(2026, 11, 25)),
            Some((1, Picked::InForce))
        );
        assert_eq!(
            pick_version(&versions, d(2027, 1, 1)),
            Some((2, Picked::InForce))
        );
        // Nothing in force: the first to come, said so.
        let later = [
            info("b", false, Some(d(2030, 1, 1))),
            info("a", false, Some(d(2028, 1, 1))),
        ];
        assert_eq!(
            pick_version(&later, d(2026, 1, 1)),
            Some((1, Picked::NotYetInForce(d(2028, 1, 1))))
        );
        let drafts = [info("2", true, None), info("10", true, None)];
        assert_eq!(
            pick_version(&drafts, d(2026, 1, 1)),
            Some((1, Picked::DraftOnly))
        );
        assert_eq!(pick_version(&[], d(2026, 1, 1)), None);
    }

    #[test]
    fn natural_order() {
        let mut versions = vec!["2026-04", "1.10", "2025-11-draft", "1.9", "2026-04-amended"];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            versions,
            ["1.9", "1.10", "2025-11-draft", "2026-04", "2026-04-amended"]
        );
    }
}
