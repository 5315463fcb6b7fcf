//! SQL dialects: one type per engine whose methods answer every question the
//! SQL writer asks (how to quote, how to read a fact, how to test a list).
//! The writer in [`super`] never branches on a dialect's name.

use super::SqlError;

/// What the SQL writer needs from an engine.
pub trait Dialect {
    /// The name used in messages (`duckdb`, `spark`).
    fn name(&self) -> &'static str;

    /// A string constant.
    fn string(&self, text: &str) -> String;

    /// A quoted column name (for per-criterion columns, whose ids hold dots).
    fn identifier(&self, name: &str) -> String;

    /// The relation products are read from: a table or view name, or (where
    /// the engine reads files itself) a JSON Lines file.
    fn products(&self, source: &str) -> Result<String, SqlError>;

    /// The product's category id for `scheme`, from the `category` column:
    /// the column itself when it is one id, the entry for `scheme` when it is
    /// an object (NULL when the object has none).
    fn category_for(&self, scheme: &str) -> String;

    /// The typed value of fact `name` from the `facts` column; NULL when
    /// missing or `null`. `sql_type` is the engine's type for a scalar fact;
    /// `None` means a list of strings.
    fn fact(&self, name: &str, sql_type: Option<&str>) -> String;

    /// The engine's type for a scalar fact: `BOOLEAN`, `BIGINT`, `DOUBLE`,
    /// `VARCHAR`/`STRING`, `DATE`.
    fn scalar_type(&self, kind: Scalar) -> &'static str;

    /// Whether `list` contains `value` (NULL when `list` is NULL).
    fn list_contains(&self, list: &str, value: &str) -> String;

    /// Whether some element `var` of `list` satisfies `predicate` (FALSE for
    /// an empty list; the caller guards NULL lists).
    fn list_any(&self, list: &str, var: &str, predicate: &str) -> String;

    /// Whether every element `var` of `list` satisfies `predicate` (TRUE for
    /// an empty list; the caller guards NULL lists).
    fn list_all(&self, list: &str, var: &str, predicate: &str) -> String;

    /// Whether `text` matches the regular expression `pattern` (a constant
    /// written with [`Dialect::string`]; the writer anchors it with `^…$`,
    /// since some engines' operators search rather than match whole).
    fn full_match(&self, text: &str, pattern: &str) -> String;

    /// Group 1 of `pattern` in `text`, as a BIGINT (NULL when it does not fit).
    fn extract_int(&self, text: &str, pattern: &str) -> String;

    /// A comment line before the query (the input table's shape).
    fn preamble(&self, source: &str) -> String;
}

/// The scalar fact types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    Bool,
    Int,
    Decimal,
    String,
    Date,
}

/// Whether `source` names a file rather than a table: it has a path
/// separator or a JSON Lines extension.
fn is_file(source: &str) -> bool {
    source.contains('/')
        || [".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz"]
            .iter()
            .any(|e| source.ends_with(e))
}

/// A table or view name: letters, digits and `_`, in up to three parts
/// joined by `.` (`catalog.schema.table`).
fn table_name(dialect: &str, source: &str) -> Result<String, SqlError> {
    let parts: Vec<&str> = source.split('.').collect();
    let ok = parts.len() <= 3
        && parts.iter().all(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if ok {
        Ok(source.to_string())
    } else {
        Err(SqlError::Source {
            dialect: dialect.to_string(),
            source: source.to_string(),
        })
    }
}

/// DuckDB: reads JSON Lines itself with `read_json` and an explicit column
/// list, so no fact needs to be present in any line.
#[derive(Clone, Copy, Debug, Default)]
pub struct DuckDb;

/// Spark SQL: reads a table or view with the columns
/// `id STRING, category STRING, holds ARRAY<STRING>, facts STRING`
/// (`category` and `facts` hold JSON text, as `spark.read.schema(..).json(..)` gives them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Spark;

/// The DDL of the products table, for a Spark reader.
pub const SPARK_SCHEMA: &str = "id STRING, category STRING, holds ARRAY<STRING>, facts STRING";

/// The columns DuckDB's `read_json` is given.
pub const DUCKDB_COLUMNS: &str =
    "{id: 'VARCHAR', category: 'JSON', holds: 'VARCHAR[]', facts: 'JSON'}";

impl Dialect for DuckDb {
    fn name(&self) -> &'static str {
        "duckdb"
    }

    fn string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    fn identifier(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn products(&self, source: &str) -> Result<String, SqlError> {
        if is_file(source) {
            Ok(format!(
                "read_json({}, format = 'newline_delimited', columns = {DUCKDB_COLUMNS})",
                self.string(source)
            ))
        } else {
            table_name(self.name(), source)
        }
    }

    fn category_for(&self, scheme: &str) -> String {
        format!(
            "CASE json_type(category) WHEN 'VARCHAR' THEN category ->> '$' \
             WHEN 'OBJECT' THEN category ->> {} END",
            self.string(&format!("$.\"{scheme}\""))
        )
    }

    fn fact(&self, name: &str, sql_type: Option<&str>) -> String {
        // `$."a.b"` is the key `a.b`; `$.a.b` would be a nested path.
        let path = self.string(&format!("$.\"{name}\""));
        match sql_type {
            Some(ty) => format!("TRY_CAST(facts ->> {path} AS {ty})"),
            None => format!("TRY_CAST(json_extract(facts, {path}) AS VARCHAR[])"),
        }
    }

    fn scalar_type(&self, kind: Scalar) -> &'static str {
        match kind {
            Scalar::Bool => "BOOLEAN",
            Scalar::Int => "BIGINT",
            Scalar::Decimal => "DOUBLE",
            Scalar::String => "VARCHAR",
            Scalar::Date => "DATE",
        }
    }

    fn list_contains(&self, list: &str, value: &str) -> String {
        format!("list_contains({list}, {value})")
    }

    fn list_any(&self, list: &str, var: &str, predicate: &str) -> String {
        format!("(len(list_filter({list}, lambda {var}: {predicate})) > 0)")
    }

    fn list_all(&self, list: &str, var: &str, predicate: &str) -> String {
        format!("(len(list_filter({list}, lambda {var}: NOT ({predicate}))) = 0)")
    }

    fn full_match(&self, text: &str, pattern: &str) -> String {
        format!("regexp_full_match({text}, {pattern})")
    }

    fn extract_int(&self, text: &str, pattern: &str) -> String {
        format!("TRY_CAST(regexp_extract({text}, {pattern}, 1) AS BIGINT)")
    }

    fn preamble(&self, source: &str) -> String {
        if is_file(source) {
            format!("-- reads JSON Lines products from {source}\n")
        } else {
            format!("-- reads the table or view {source} with the columns {DUCKDB_COLUMNS}\n")
        }
    }
}

impl Dialect for Spark {
    fn name(&self) -> &'static str {
        "spark"
    }

    fn string(&self, text: &str) -> String {
        // Spark string literals take backslash escapes.
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    fn identifier(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    fn products(&self, source: &str) -> Result<String, SqlError> {
        table_name(self.name(), source)
    }

    fn category_for(&self, scheme: &str) -> String {
        format!(
            "CASE WHEN startswith(ltrim(category), '{{') THEN get_json_object(category, {}) \
             ELSE category END",
            self.string(&format!("$['{scheme}']"))
        )
    }

    fn fact(&self, name: &str, sql_type: Option<&str>) -> String {
        let path = self.string(&format!("$['{name}']"));
        match sql_type {
            Some(ty) => format!("TRY_CAST(get_json_object(facts, {path}) AS {ty})"),
            None => format!("from_json(get_json_object(facts, {path}), 'ARRAY<STRING>')"),
        }
    }

    fn scalar_type(&self, kind: Scalar) -> &'static str {
        match kind {
            Scalar::Bool => "BOOLEAN",
            Scalar::Int => "BIGINT",
            Scalar::Decimal => "DOUBLE",
            Scalar::String => "STRING",
            Scalar::Date => "DATE",
        }
    }

    fn list_contains(&self, list: &str, value: &str) -> String {
        format!("array_contains({list}, {value})")
    }

    fn list_any(&self, list: &str, var: &str, predicate: &str) -> String {
        format!("exists({list}, {var} -> {predicate})")
    }

    fn list_all(&self, list: &str, var: &str, predicate: &str) -> String {
        format!("forall({list}, {var} -> {predicate})")
    }

    fn full_match(&self, text: &str, pattern: &str) -> String {
        format!("({text} RLIKE {pattern})")
    }

    fn extract_int(&self, text: &str, pattern: &str) -> String {
        format!("TRY_CAST(regexp_extract({text}, {pattern}, 1) AS BIGINT)")
    }

    fn preamble(&self, source: &str) -> String {
        format!("-- reads the table or view {source} with the columns {SPARK_SCHEMA}\n")
    }
}
