//! [`Date`]: a calendar date as a rule set writes it, `YYYY-MM-DD`. Its
//! parser is the one labelc reads dates with: policy literals (the
//! builder), rule set fields (eval, plan, exports) and `--as-of`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date written `YYYY-MM-DD` (four-digit year); it serializes as
/// that string, as the rule set's date fields are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

impl Date {
    /// Parses `YYYY-MM-DD`: four, two and two digits, a real calendar date.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if parts.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
            .ok()
            .map(Date)
    }

    /// The date as jiff's civil date, for arithmetic and comparison with `as_of`.
    pub fn civil(self) -> jiff::civil::Date {
        self.0
    }
}

impl From<jiff::civil::Date> for Date {
    fn from(date: jiff::civil::Date) -> Date {
        Date(date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Date::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}

/// Parses a `YYYY-MM-DD` date as the rule set writes it ([`Date::parse`]).
pub fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    Date::parse(s).map(Date::civil)
}

#[cfg(test)]
mod tests {
    use super::{Date, parse_date};

    #[test]
    fn only_real_four_two_two_digit_dates_parse() {
        assert_eq!(
            parse_date("2026-07-01"),
            Some(jiff::civil::date(2026, 7, 1))
        );
        for wrong in [
            "2026-02-30",
            "2026-7-01",
            "26-07-01",
            "2026-07-01-01",
            "+026-07-01",
            "2026-+7-01",
            "",
            "2026-07",
        ] {
            assert_eq!(Date::parse(wrong), None, "{wrong}");
        }
    }

    /// A `Date` serializes as the string the rule set's date fields hold,
    /// and reads back; a non-date is an error.
    #[test]
    fn a_date_serializes_as_the_rule_set_writes_it() {
        let date = Date::parse("2026-01-05").unwrap();
        let lowered = jiff::civil::date(2026, 1, 5).to_string();
        assert_eq!(
            serde_json::to_string(&date).unwrap(),
            format!("\"{lowered}\"")
        );
        assert_eq!(
            serde_json::from_str::<Date>("\"2026-01-05\"").unwrap(),
            date
        );
        let error = serde_json::from_str::<Date>("\"2026-13-01\"").unwrap_err();
        assert!(
            error.to_string().contains("`2026-13-01` is not a date"),
            "{error}"
        );
    }
}
