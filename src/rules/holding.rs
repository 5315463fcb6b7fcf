//! What a product holds already: a level of a scheme (`sg_cls:2`,
//! `sg_cls@2024:2`) or a criterion of one (`etsi_en_303_645#5.1`,
//! `etsi_en_303_645@v3.1.3#5.1`). One parser and one check against a
//! [`RuleSet`], shared by `eval`, `plan --holding`, `test` items and product
//! files, so a holding means the same everywhere and none is ignored.

use super::{RuleSet, Scheme};

/// A level or a criterion of a scheme, held by a product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub scheme: String,
    /// `None` when unpinned: any version of the scheme.
    pub version: Option<String>,
    pub held: Held,
}

/// What is held: a level (by rank) or a criterion (by id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Held {
    Level(i64),
    Criterion(String),
}

/// Why a holding was refused: the message and, where there is one, a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldingError {
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for HoldingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        match &self.help {
            Some(help) => write!(f, " ({help})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for HoldingError {}

/// The shape every holding has, for help texts.
const SHAPES: &str = "write `SCHEME:N` for level N or `SCHEME#CRITERION` for a criterion, \
                      each with an optional `@VERSION` after the scheme";

fn error(message: String, help: impl Into<Option<String>>) -> HoldingError {
    HoldingError {
        message,
        help: help.into(),
    }
}

/// At most 64 characters of user input are quoted back in a message.
fn shown(text: &str) -> String {
    text.chars().take(64).collect()
}

impl Holding {
    /// Reads `SCHEME[@VERSION]:RANK` or `SCHEME[@VERSION]#CRITERION`.
    pub fn parse(text: &str) -> Result<Holding, HoldingError> {
        let Some(at) = text.find([':', '#']) else {
            return Err(error(
                format!("`{}` is not a holding", shown(text)),
                SHAPES.to_string(),
            ));
        };
        let (head, rest) = text.split_at(at);
        let (separator, what) = rest.split_at(1);
        let (scheme, version) = match head.split_once('@') {
            Some((scheme, version)) => (scheme, Some(version)),
            None => (head, None),
        };
        if scheme.is_empty() || version.is_some_and(str::is_empty) || what.is_empty() {
            return Err(error(
                format!("`{}` is not a holding", shown(text)),
                SHAPES.to_string(),
            ));
        }
        let held = if separator == "#" {
            Held::Criterion(what.to_string())
        } else if what.bytes().all(|b| b.is_ascii_digit()) {
            Held::Level(what.parse().map_err(|_| {
                error(
                    format!(
                        "the level rank in `{}` does not fit in 64 bits",
                        shown(text)
                    ),
                    "a level rank is a whole number of at most 19 digits".to_string(),
                )
            })?)
        } else {
            return Err(error(
                format!("`{}` is not a level rank in `{}`", shown(what), shown(text)),
                format!(
                    "to hold criterion {} write `{}#{}`",
                    shown(what),
                    shown(head),
                    shown(what)
                ),
            ));
        };
        Ok(Holding {
            scheme: scheme.to_string(),
            version: version.map(str::to_string),
            held,
        })
    }

    /// Checks that the scheme, the version and the level or criterion exist
    /// in `rules`. Unpinned, a level or criterion is known when some version
    /// of the scheme has it.
    pub fn validate(&self, rules: &RuleSet) -> Result<(), HoldingError> {
        let versions = self.versions(rules)?;
        self.validate_held(&versions)
    }

    /// The versions of the scheme the holding names: the pinned one, or
    /// every version when unpinned; an error when there are none.
    fn versions<'r>(&self, rules: &'r RuleSet) -> Result<Vec<&'r Scheme>, HoldingError> {
        let versions: Vec<&'r Scheme> = rules
            .schemes
            .iter()
            .filter(|s| s.id == self.scheme)
            .collect();
        if versions.is_empty() {
            let mut ids: Vec<&str> = rules.schemes.iter().map(|s| s.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let help = match crate::diag::suggest(&self.scheme, ids.iter().copied()) {
                Some(best) => format!(
                    "did you mean `{}`?",
                    Holding {
                        scheme: best.to_string(),
                        ..self.clone()
                    }
                ),
                None => format!("the rule set has {}", ids.join(", ")),
            };
            return Err(error(
                format!(
                    "`{}` names no scheme of the rule set",
                    shown(&self.to_string())
                ),
                help,
            ));
        }
        Ok(match &self.version {
            None => versions,
            Some(version) => {
                let pinned: Vec<&'r Scheme> = versions
                    .iter()
                    .copied()
                    .filter(|s| &s.version == version)
                    .collect();
                if pinned.is_empty() {
                    let names: Vec<&str> = versions.iter().map(|s| s.version.as_str()).collect();
                    let help = match crate::diag::suggest(version, names.iter().copied()) {
                        Some(best) => format!(
                            "did you mean `{}`?",
                            Holding {
                                version: Some(best.to_string()),
                                ..self.clone()
                            }
                        ),
                        None => format!("`{}` has versions {}", self.scheme, names.join(", ")),
                    };
                    return Err(error(
                        format!(
                            "`{}` names no version `{}` of `{}`",
                            shown(&self.to_string()),
                            shown(version),
                            self.scheme
                        ),
                        help,
                    ));
                }
                pinned
            }
        })
    }

    /// Checks that the level or criterion held exists in one of `versions`.
    fn validate_held(&self, versions: &[&Scheme]) -> Result<(), HoldingError> {
        let name = self.scheme_prefix();
        match &self.held {
            Held::Level(rank) => {
                if versions
                    .iter()
                    .any(|s| s.levels.iter().any(|l| l.rank == *rank))
                {
                    return Ok(());
                }
                let mut ranks: Vec<i64> = versions
                    .iter()
                    .flat_map(|s| s.levels.iter().map(|l| l.rank))
                    .collect();
                ranks.sort_unstable();
                ranks.dedup();
                let ranks: Vec<String> = ranks.iter().map(i64::to_string).collect();
                Err(error(
                    format!("`{}` names no level of `{name}`", shown(&self.to_string())),
                    format!("the levels of `{name}` are {}", ranks.join(", ")),
                ))
            }
            Held::Criterion(id) => {
                if versions
                    .iter()
                    .any(|s| s.criteria.iter().any(|c| &c.id == id))
                {
                    return Ok(());
                }
                let ids = versions
                    .iter()
                    .flat_map(|s| s.criteria.iter().map(|c| c.id.as_str()));
                let help = match crate::diag::suggest(id, ids) {
                    Some(best) => format!("did you mean `{}#{best}`?", self.scheme_prefix()),
                    None => format!("hold a criterion `{name}` defines"),
                };
                Err(error(
                    format!(
                        "`{}` names no criterion of `{name}`",
                        shown(&self.to_string())
                    ),
                    help,
                ))
            }
        }
    }

    /// [`Holding::parse`] then [`Holding::validate`].
    pub fn parse_in(text: &str, rules: &RuleSet) -> Result<Holding, HoldingError> {
        let holding = Holding::parse(text)?;
        holding.validate(rules)?;
        Ok(holding)
    }

    /// `scheme@version`, or `scheme` for any version, as written.
    fn scheme_prefix(&self) -> String {
        match &self.version {
            Some(v) => format!("{}@{v}", self.scheme),
            None => self.scheme.clone(),
        }
    }
}

impl std::fmt::Display for Holding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.scheme)?;
        if let Some(version) = &self.version {
            write!(f, "@{version}")?;
        }
        match &self.held {
            Held::Level(rank) => write!(f, ":{rank}"),
            Held::Criterion(id) => write!(f, "#{id}"),
        }
    }
}

impl std::str::FromStr for Holding {
    type Err = HoldingError;
    fn from_str(text: &str) -> Result<Holding, HoldingError> {
        Holding::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::{Held, Holding};

    #[test]
    fn a_level_and_a_criterion_are_told_apart() {
        let level = Holding::parse("etsi_en_303_645:6").unwrap();
        assert_eq!(level.held, Held::Level(6));
        let criterion = Holding::parse("etsi_en_303_645#6").unwrap();
        assert_eq!(criterion.held, Held::Criterion("6".to_string()));
        let pinned = Holding::parse("sg_cls@2024-10:3").unwrap();
        assert_eq!(
            (
                pinned.scheme.as_str(),
                pinned.version.as_deref(),
                pinned.held.clone()
            ),
            ("sg_cls", Some("2024-10"), Held::Level(3))
        );
        assert_eq!(pinned.to_string(), "sg_cls@2024-10:3");
        assert_eq!(criterion.to_string(), "etsi_en_303_645#6");
    }

    #[test]
    fn a_malformed_holding_is_refused_with_the_fix() {
        let e = Holding::parse("etsi_en_303_645:5.1").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("to hold criterion 5.1 write `etsi_en_303_645#5.1`")
        );
        let e = Holding::parse("sg_cls:99999999999999999999").unwrap_err();
        assert!(e.message.contains("64 bits"), "{e}");
        for text in ["sg_cls", "", ":2", "sg_cls@:2", "sg_cls#", "sg_cls:"] {
            let e = Holding::parse(text).unwrap_err();
            assert!(e.message.contains("is not a holding"), "{text}: {e}");
        }
    }
}
