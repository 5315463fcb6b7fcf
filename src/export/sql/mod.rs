//! `labelc export sql`: one scheme version, judged on one assessment date,
//! compiled into a SQL query that returns per product what `labelc eval
//! --format json` returns without `--explain` (id, scheme, in scope,
//! excluded, level, reachable), and optionally each criterion's outcome.
//!
//! The query is written from the evaluation [`Program`], so everything that
//! depends on the scheme and the date alone (validity windows, recognitions
//! in effect, which criteria apply to which category, which levels apply,
//! effective dates) is decided here exactly as `eval` decides it; only what
//! depends on the product is left to the engine. SQL's NULL is the unknown
//! of labelc's three-valued logic: `AND`, `OR` and `NOT` are Kleene's in
//! every dialect. The writer asks the [`Dialect`] how to say each thing and
//! never branches on a dialect's name.
//!
//! The query has four stages (common table expressions): `p` reads the
//! product's category for the scheme, its holdings and every fact a
//! condition reads (typed, NULL when unknown); `v` gives each criterion its
//! verdict (`pass`, `fail`, `unknown`, `credited`, `not_applicable`); `t`
//! gives each level its truth; the final `SELECT` the level reached and the
//! highest reachable, lowest level first, as `eval` does.

mod dialect;

use std::collections::BTreeSet;
use std::fmt::Write as _;

pub use dialect::{DUCKDB_COLUMNS, Dialect, DuckDb, SPARK_SCHEMA, Scalar, Spark};

use crate::eval::Program;
use crate::rules::{Comparison, Condition, Credit, Direction, FactType, Literal};

/// Why a query cannot be written: never SQL that would answer differently
/// from `eval`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlError {
    /// `--products` names neither a table nor (for a dialect that reads
    /// files) a JSON Lines file.
    Source { dialect: String, source: String },
    /// A name the query must quote holds a character the writer does not
    /// quote safely in every place it appears (JSON paths, patterns).
    Name { what: String, name: String },
    /// A constant the engines cannot represent exactly as `eval` does.
    Constant { text: String, why: String },
    /// The rule set cannot be evaluated (hand-edited or from another version).
    RuleSet(String),
}

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlError::Source { dialect, source } => write!(
                f,
                "`--products {source}` is not a table or view name the {dialect} query can read \
                 (write `name`, `schema.name` or `catalog.schema.name` with letters, digits and `_`{})",
                if dialect == "duckdb" {
                    ", or a JSON Lines file path ending in `.jsonl`"
                } else {
                    "; register JSON Lines products as a view first, see docs/export.md"
                }
            ),
            SqlError::Name { what, name } => write!(
                f,
                "{what} `{name}` cannot be written safely into SQL: only letters, digits, `_`, \
                 `-` and `.` are quoted in JSON paths and patterns (rename it, or judge with \
                 `labelc eval`)"
            ),
            SqlError::Constant { text, why } => {
                write!(f, "`{text}` cannot be written as SQL: {why}")
            }
            SqlError::RuleSet(message) => {
                write!(f, "the rule set cannot be evaluated: {message}")
            }
        }
    }
}

impl std::error::Error for SqlError {}

/// What to write.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// The table, view or (DuckDB) file products are read from.
    pub products: &'a str,
    /// Add one column per criterion with its outcome (as `eval --explain` lists them).
    pub criteria: bool,
}

/// Why a product names no category for the scheme; the same text as `eval`.
const NO_CATEGORY: &str = crate::eval::NO_CATEGORY;

/// Checks that a name is made of letters, digits, `_`, `-` and `.` only.
fn safe_name(what: &str, name: &str) -> Result<(), SqlError> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        Ok(())
    } else {
        Err(SqlError::Name {
            what: what.to_string(),
            name: name.to_string(),
        })
    }
}

/// A safe name as a regular expression matching itself: `.` and `-` in brackets.
fn literal_pattern(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '.' | '-' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

/// The column of fact `slot` in stage `p`.
fn fact_column(slot: u32) -> String {
    format!("f{slot}")
}

struct Writer<'d, 'p, 'r> {
    dialect: &'d dyn Dialect,
    program: &'p Program<'r>,
    /// Facts read by some condition, by slot.
    used: BTreeSet<u32>,
}

fn comparison(c: Comparison) -> &'static str {
    match c {
        Comparison::Eq => "=",
        Comparison::Ne => "<>",
        Comparison::Lt => "<",
        Comparison::Le => "<=",
        Comparison::Gt => ">",
        Comparison::Ge => ">=",
    }
}

impl Writer<'_, '_, '_> {
    fn fact_type(&self, slot: u32) -> Option<&FactType> {
        self.program.rules.facts.get(slot as usize).map(|f| &f.ty)
    }

    fn date(&self, text: &str, date: jiff::civil::Date) -> Result<String, SqlError> {
        if date.year() < 1 {
            return Err(SqlError::Constant {
                text: text.to_string(),
                why: format!("the date {date} is before year 1"),
            });
        }
        Ok(format!("DATE '{date}'"))
    }

    fn date_literal(&self, text: &str, value: &Literal) -> Result<String, SqlError> {
        let date = match value {
            Literal::Date(d) => crate::rules::parse_date(d).ok_or_else(|| SqlError::Constant {
                text: text.to_string(),
                why: format!("`{d}` is not a date"),
            })?,
            Literal::AssessmentDate => self.program.as_of,
            _ => {
                return Err(SqlError::RuleSet(format!(
                    "`{text}`: a date fact compared with a non-date"
                )));
            }
        };
        self.date(text, date)
    }

    fn number(&self, text: &str, value: f64) -> Result<String, SqlError> {
        if !value.is_finite() {
            return Err(SqlError::Constant {
                text: text.to_string(),
                why: "the number is not finite".to_string(),
            });
        }
        Ok(format!("CAST('{value:?}' AS DOUBLE)"))
    }

    /// A literal for a comparison with the fact of `slot`, and whether the
    /// fact must be compared as a DOUBLE.
    fn scalar(&self, text: &str, value: &Literal) -> Result<(String, bool), SqlError> {
        Ok(match value {
            Literal::Bool(b) => ((if *b { "TRUE" } else { "FALSE" }).to_string(), false),
            Literal::Int(i) => (format!("CAST({i} AS BIGINT)"), false),
            Literal::Decimal(d) => (self.number(text, *d)?, true),
            Literal::String(s) | Literal::Enum(s) => (self.dialect.string(s), false),
            Literal::Date(_) | Literal::AssessmentDate => (self.date_literal(text, value)?, false),
        })
    }

    /// The fact's column, as a DOUBLE when `as_double` (an int fact compared
    /// with a decimal: `eval` compares numbers as 64-bit floats).
    fn operand(&mut self, slot: u32, as_double: bool) -> String {
        self.used.insert(slot);
        let column = fact_column(slot);
        let is_decimal = matches!(self.fact_type(slot), Some(FactType::Decimal));
        if as_double && !is_decimal {
            format!("CAST({column} AS DOUBLE)")
        } else {
            column
        }
    }

    /// A condition as a SQL boolean: TRUE, FALSE, or NULL for unknown.
    fn condition(&mut self, condition: &Condition, depth: usize) -> Result<String, SqlError> {
        if depth > 256 {
            return Err(SqlError::RuleSet(
                "a condition is nested too deeply".to_string(),
            ));
        }
        let text = condition.text();
        Ok(match condition {
            Condition::And { args, .. } | Condition::Or { args, .. } => {
                let is_and = matches!(condition, Condition::And { .. });
                if args.is_empty() {
                    return Ok((if is_and { "TRUE" } else { "FALSE" }).to_string());
                }
                let parts = args
                    .iter()
                    .map(|a| self.condition(a, depth + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("({})", parts.join(if is_and { " AND " } else { " OR " }))
            }
            Condition::Not { arg, .. } => format!("(NOT {})", self.condition(arg, depth + 1)?),
            Condition::IsTrue { fact, .. } => {
                format!("({} = TRUE)", self.operand(fact.slot, false))
            }
            Condition::Present { fact, .. } => {
                format!("({} IS NOT NULL)", self.operand(fact.slot, false))
            }
            Condition::Compare {
                fact,
                comparison: c,
                value,
                ..
            } => self.compare(text, fact.slot, *c, value)?,
            Condition::In {
                fact,
                values,
                negated,
                ..
            } => self.in_list(text, fact.slot, values, *negated)?,
            Condition::Contains { fact, value, .. } => {
                let column = self.operand(fact.slot, false);
                self.dialect
                    .list_contains(&column, &self.dialect.string(value))
            }
            Condition::SubsetOf { fact, values, .. } => self.subset_of(fact.slot, values),
            Condition::SupersetOf { fact, values, .. } => self.superset_of(fact.slot, values),
            Condition::Within {
                fact,
                days,
                direction,
                ..
            } => self.within(text, fact.slot, *days, *direction)?,
        })
    }

    /// `fact <op> value`; numbers compare as DOUBLE when either side is a decimal.
    fn compare(
        &mut self,
        text: &str,
        slot: u32,
        c: Comparison,
        value: &Literal,
    ) -> Result<String, SqlError> {
        let (literal, double) = self.scalar(text, value)?;
        let as_double = double || matches!(self.fact_type(slot), Some(FactType::Decimal));
        let literal = match value {
            Literal::Int(i) if as_double => self.number(text, *i as f64)?,
            _ => literal,
        };
        Ok(format!(
            "({} {} {literal})",
            self.operand(slot, as_double),
            comparison(c)
        ))
    }

    /// `fact [not] in (values)`; an empty list is FALSE (TRUE negated) for a known fact.
    fn in_list(
        &mut self,
        text: &str,
        slot: u32,
        values: &[Literal],
        negated: bool,
    ) -> Result<String, SqlError> {
        let numeric = matches!(
            self.fact_type(slot),
            Some(FactType::Int | FactType::Decimal)
        );
        let column = self.operand(slot, numeric);
        let items = values
            .iter()
            .map(|v| match v {
                Literal::Int(i) if numeric => self.number(text, *i as f64),
                other => self.scalar(text, other).map(|(s, _)| s),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(if items.is_empty() {
            let empty = if negated { "TRUE" } else { "FALSE" };
            format!("(CASE WHEN {column} IS NULL THEN NULL ELSE {empty} END)")
        } else {
            let not = if negated { "NOT " } else { "" };
            format!("({column} {not}IN ({}))", items.join(", "))
        })
    }

    /// `fact subset_of [values]`: every member is one of `values`.
    fn subset_of(&mut self, slot: u32, values: &[String]) -> String {
        let column = self.operand(slot, false);
        let inside = if values.is_empty() {
            "FALSE".to_string()
        } else {
            let list: Vec<String> = values.iter().map(|v| self.dialect.string(v)).collect();
            format!("x IN ({})", list.join(", "))
        };
        let all = self.dialect.list_all(&column, "x", &inside);
        format!("(CASE WHEN {column} IS NULL THEN NULL ELSE {all} END)")
    }

    /// `fact superset_of [values]`: the set holds each of `values`.
    fn superset_of(&mut self, slot: u32, values: &[String]) -> String {
        let column = self.operand(slot, false);
        let each: Vec<String> = values
            .iter()
            .map(|v| self.dialect.list_contains(&column, &self.dialect.string(v)))
            .collect();
        let all = if each.is_empty() {
            "TRUE".to_string()
        } else {
            each.join(" AND ")
        };
        format!("(CASE WHEN {column} IS NULL THEN NULL ELSE ({all}) END)")
    }

    /// `fact within N days before|after assessment`, as date bounds.
    fn within(
        &mut self,
        text: &str,
        slot: u32,
        days: i64,
        direction: Direction,
    ) -> Result<String, SqlError> {
        let column = self.operand(slot, false);
        let as_of = self.program.as_of;
        let span = jiff::Span::new().try_days(days).ok();
        // As `eval`: a bound past the calendar's end is no bound.
        let (lo, hi) = match direction {
            Direction::Before => (span.and_then(|s| as_of.checked_sub(s).ok()), Some(as_of)),
            Direction::After => (Some(as_of), span.and_then(|s| as_of.checked_add(s).ok())),
        };
        let mut parts = Vec::new();
        if let Some(lo) = lo.filter(|d| d.year() >= 1) {
            parts.push(format!("{column} >= {}", self.date(text, lo)?));
        }
        if let Some(hi) = hi {
            parts.push(format!("{column} <= {}", self.date(text, hi)?));
        }
        Ok(if parts.is_empty() {
            format!("({column} IS NOT NULL)")
        } else {
            format!("({})", parts.join(" AND "))
        })
    }

    /// Whether the product holds what recognition `from` starts from: the
    /// same rule as `eval`'s `holds_from`.
    fn held(&self, from: &crate::rules::RecognitionFrom) -> Result<String, SqlError> {
        safe_name("scheme", &from.scheme)?;
        let scheme = literal_pattern(&from.scheme);
        let version = match &from.version {
            Some(v) => {
                safe_name("scheme version", v)?;
                format!("(@{})?", literal_pattern(v))
            }
            None => "(@[^:#]+)?".to_string(),
        };
        let d = self.dialect;
        let predicate = match (&from.level, &from.criterion) {
            (Some(level), _) => {
                let shape = d.string(&format!("^{scheme}{version}:[0-9]+$"));
                let rank = d.extract_int("h", &d.string(":([0-9]+)$"));
                format!("({} AND {rank} >= {level})", d.full_match("h", &shape))
            }
            (None, Some(criterion)) => {
                safe_name("criterion", criterion)?;
                let shape = d.string(&format!(
                    "^{scheme}{version}#{}$",
                    literal_pattern(criterion)
                ));
                d.full_match("h", &shape)
            }
            (None, None) => return Ok("FALSE".to_string()),
        };
        Ok(format!(
            "COALESCE({}, FALSE)",
            d.list_any("holds", "h", &predicate)
        ))
    }

    /// `category IN (...)` for the categories where `covered` is true; NULL
    /// categories are out of scope and never reach the verdicts.
    fn category_in(&self, covered: impl Fn(u32) -> bool) -> String {
        let ids: Vec<String> = (0u32..)
            .zip(&self.program.scheme.categories)
            .filter(|(i, _)| covered(*i))
            .map(|(_, c)| self.dialect.string(&c.id))
            .collect();
        if ids.is_empty() {
            "FALSE".to_string()
        } else {
            format!("category IN ({})", ids.join(", "))
        }
    }
}

/// Writes the query for `program` (one scheme version, one assessment date).
pub fn write(
    program: &Program<'_>,
    dialect: &dyn Dialect,
    options: &Options<'_>,
) -> Result<String, SqlError> {
    safe_name("scheme", &program.scheme.id)?;
    let products = dialect.products(options.products)?;
    let mut w = Writer {
        dialect,
        program,
        used: BTreeSet::new(),
    };
    let full_credit = w.full_credits()?;
    let stages = Stages {
        verdicts: w.verdicts(&full_credit)?,
        truths: w.truths(),
        // Last: the facts read are those the conditions above used.
        facts: w.fact_columns()?,
    };
    Ok(w.query(&products, &stages, options))
}

/// The columns of the query's stages, each `EXPRESSION AS NAME`.
struct Stages {
    /// Stage p: the facts read, typed.
    facts: Vec<String>,
    /// Stage v: each criterion's verdict.
    verdicts: Vec<String>,
    /// Stage t: each level's truth, lowest first.
    truths: Vec<String>,
}

impl Writer<'_, '_, '_> {
    /// Recognitions in effect: for each criterion, the SQL conditions under
    /// which a recognition credits it (fully) for this product.
    fn full_credits(&mut self) -> Result<Vec<Vec<String>>, SqlError> {
        let program = self.program;
        let mut full_credit: Vec<Vec<String>> = vec![Vec::new(); program.criteria.len()];
        for compiled in &program.recognitions {
            let r = compiled.recognition;
            if r.credit != Credit::Full {
                // Partial credit changes no verdict.
                continue;
            }
            let mut parts = vec![self.held(&r.from)?];
            if let Some(covered) = &compiled.applies {
                parts.push(self.category_in(|c| covered.get(c as usize).copied().unwrap_or(false)));
            }
            if let Some(condition) = &r.condition {
                parts.push(format!(
                    "COALESCE({}, FALSE)",
                    self.condition(condition, 0)?
                ));
            }
            let credited = format!("({})", parts.join(" AND "));
            for c in &compiled.credits {
                if let Some(list) = full_credit.get_mut(*c as usize) {
                    list.push(credited.clone());
                }
            }
        }
        Ok(full_credit)
    }

    /// Stage v: each criterion's verdict.
    fn verdicts(&mut self, full_credit: &[Vec<String>]) -> Result<Vec<String>, SqlError> {
        let program = self.program;
        let mut verdicts = Vec::new();
        for (i, (criterion, credited)) in program.criteria.iter().zip(full_credit).enumerate() {
            let applicable = if !criterion.valid_now {
                "FALSE".to_string()
            } else {
                match &criterion.applies {
                    None => "TRUE".to_string(),
                    Some(covered) => {
                        self.category_in(|c| covered.get(c as usize).copied().unwrap_or(false))
                    }
                }
            };
            let mut cases = format!("CASE WHEN NOT ({applicable}) THEN 'not_applicable'");
            if !credited.is_empty() {
                let _ = write!(cases, " WHEN {} THEN 'credited'", credited.join(" OR "));
            }
            match &criterion.criterion.condition {
                Some(condition) => {
                    let sql = self.condition(condition, 0)?;
                    let _ = write!(
                        cases,
                        " ELSE CASE {sql} WHEN TRUE THEN 'pass' WHEN FALSE THEN 'fail' ELSE 'unknown' END END"
                    );
                }
                None => cases.push_str(" ELSE 'unknown' END"),
            }
            verdicts.push(format!("{cases} AS c{i}"));
        }
        Ok(verdicts)
    }

    /// Stage t: each level's truth, lowest first.
    fn truths(&self) -> Vec<String> {
        let program = self.program;
        let mut truths = Vec::new();
        for (position, level) in program.levels.iter().enumerate() {
            let mut parts = Vec::new();
            for c in &level.required {
                parts.push(format!(
                    "CASE c{c} WHEN 'fail' THEN FALSE WHEN 'unknown' THEN NULL ELSE TRUE END"
                ));
            }
            for (k, members) in &level.groups {
                let count = |which: &str| -> String {
                    if members.is_empty() {
                        return "0".to_string();
                    }
                    members
                        .iter()
                        .map(|m| format!("CASE WHEN c{m} IN ({which}) THEN 1 ELSE 0 END"))
                        .collect::<Vec<_>>()
                        .join(" + ")
                };
                let met = count("'pass', 'credited'");
                let open = count("'unknown'");
                parts.push(format!(
                    "CASE WHEN {met} >= {k} THEN TRUE WHEN ({met}) + ({open}) >= {k} THEN NULL ELSE FALSE END"
                ));
            }
            let applies = self.category_in(|c| program.level_applies(position, c));
            if parts.is_empty() {
                parts.push("TRUE".to_string());
            }
            // A level that does not apply is not met, whatever else is unknown.
            // (The levels below a cumulative level need no term here: the
            // ladder below asks every level up to the one it names.)
            truths.push(format!(
                "CASE WHEN NOT ({applies}) THEN FALSE ELSE ({}) END AS t{position}",
                parts.join(" AND ")
            ));
        }
        truths
    }

    /// The level reached (`test` = `IS TRUE`) or the highest reachable
    /// (`IS NOT FALSE`): the highest level whose truth and every truth below
    /// it pass `test`.
    fn ladder(&self, test: &str) -> String {
        let program = self.program;
        let mut cases = String::from("CASE");
        for top in (0..program.levels.len()).rev() {
            let rank = program.levels.get(top).map_or(0, |l| l.level.rank);
            let all: Vec<String> = (0..=top).map(|p| format!("t{p} {test}")).collect();
            let _ = write!(
                cases,
                " WHEN {} THEN CAST({rank} AS BIGINT)",
                all.join(" AND ")
            );
        }
        cases.push_str(" ELSE CAST(NULL AS BIGINT) END");
        cases
    }

    /// Stage p: the facts read, typed.
    fn fact_columns(&self) -> Result<Vec<String>, SqlError> {
        let d = self.dialect;
        let mut facts = Vec::new();
        for slot in &self.used {
            let Some(fact) = self.program.rules.facts.get(*slot as usize) else {
                continue;
            };
            safe_name("fact", &fact.name)?;
            let ty = match &fact.ty {
                FactType::Bool => Some(d.scalar_type(Scalar::Bool)),
                FactType::Int => Some(d.scalar_type(Scalar::Int)),
                FactType::Decimal => Some(d.scalar_type(Scalar::Decimal)),
                FactType::String | FactType::Enum { .. } => Some(d.scalar_type(Scalar::String)),
                FactType::Date => Some(d.scalar_type(Scalar::Date)),
                FactType::StringSet => None,
            };
            facts.push(format!(
                "{} AS {}",
                d.fact(&fact.name, ty),
                fact_column(*slot)
            ));
        }
        Ok(facts)
    }

    /// Why a product is excluded: no category for the scheme, or an excluded
    /// category's reason; NULL when it is not.
    fn excluded(&self) -> String {
        let d = self.dialect;
        let excluded_cases: Vec<String> = self
            .program
            .scheme
            .categories
            .iter()
            .zip(&self.program.exclusions)
            .filter_map(|(c, reason)| {
                reason.map(|r| format!("WHEN category = {} THEN {}", d.string(&c.id), d.string(r)))
            })
            .collect();
        format!(
            "CASE WHEN category IS NULL THEN {} {} ELSE CAST(NULL AS {}) END",
            d.string(NO_CATEGORY),
            excluded_cases.join(" "),
            d.scalar_type(Scalar::String)
        )
    }

    /// The whole query: the stages as common table expressions, then the
    /// final `SELECT` of what `eval` reports.
    fn query(&self, products: &str, stages: &Stages, options: &Options<'_>) -> String {
        let (d, program) = (self.dialect, self.program);
        let scheme = program.scheme;
        let known = self.category_in(|_| true);
        let excluded = self.excluded();
        let in_scope = self.category_in(|c| program.in_scope(c));
        let level = self.ladder("IS TRUE");
        let reachable = self.ladder("IS NOT FALSE");
        let mut sql = String::new();
        let _ = writeln!(
            sql,
            "-- labelc export sql: {} as of {} ({} dialect)",
            scheme.key(),
            program.as_of,
            d.name()
        );
        sql.push_str(&d.preamble(options.products));
        sql.push_str("WITH p AS (\n  SELECT id, ");
        let _ = write!(sql, "{} AS category, holds", d.category_for(&scheme.id));
        for f in &stages.facts {
            let _ = write!(sql, ",\n    {f}");
        }
        let _ = write!(
            sql,
            "\n  FROM {products}\n),\nv AS (\n  SELECT id, category"
        );
        for v in &stages.verdicts {
            let _ = write!(sql, ",\n    {v}");
        }
        sql.push_str("\n  FROM p\n),\nt AS (\n  SELECT *");
        for t in &stages.truths {
            let _ = write!(sql, ",\n    {t}");
        }
        let _ = write!(
            sql,
            "\n  FROM v\n),\nj AS (\n  SELECT *,\n    {excluded} AS excluded\n  FROM t\n)\n\
             SELECT id,\n  {} AS scheme,\n  DATE '{}' AS as_of,\n  category,\n  \
             COALESCE({in_scope}, FALSE) AS in_scope,\n  excluded,\n  \
             CASE WHEN excluded IS NOT NULL THEN CAST(NULL AS BIGINT) ELSE {level} END AS level,\n  \
             CASE WHEN excluded IS NOT NULL THEN CAST(NULL AS BIGINT) ELSE {reachable} END AS reachable,\n  \
             CASE WHEN category IS NOT NULL AND NOT ({known}) THEN 'unknown category `' || category || {} END AS error",
            d.string(&scheme.key()),
            program.as_of,
            d.string(&format!("` in `{}`", scheme.key())),
        );
        if options.criteria {
            for (i, c) in program.criteria.iter().enumerate() {
                let _ = write!(
                    sql,
                    ",\n  CASE WHEN excluded IS NOT NULL THEN 'not_applicable' ELSE c{i} END AS {}",
                    d.identifier(&c.criterion.id)
                );
            }
        }
        sql.push_str("\nFROM j;\n");
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::{Dialect, DuckDb, Spark, literal_pattern, safe_name};

    #[test]
    fn names_that_cannot_be_quoted_everywhere_are_refused() {
        assert!(safe_name("fact", "update.support_period-months_2").is_ok());
        for bad in ["", "a\"b", "a'b", "a]b", "a b", "a\\b", "a$b"] {
            assert!(safe_name("fact", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_pattern_matches_its_name_literally() {
        assert_eq!(literal_pattern("v3.1-a"), "v3[.]1[-]a");
    }

    #[test]
    fn string_constants_are_escaped_per_dialect() {
        assert_eq!(DuckDb.string("it's a\\b"), "'it''s a\\b'");
        assert_eq!(Spark.string("it's a\\b"), "'it\\'s a\\\\b'");
        assert_eq!(DuckDb.identifier("CCL-1.2"), "\"CCL-1.2\"");
        assert_eq!(Spark.identifier("CCL-1.2"), "`CCL-1.2`");
    }
}
