//! `labelc export FORMAT ...`: the rule set in another tool's language. One
//! sub-subcommand per format: `sql` and `oscal`.

use std::path::PathBuf;

use super::eval::load_rules;
use super::{Exit, assessment_date, export_oscal, input_error, print_err, print_out};
use crate::eval::Program;
use crate::export::sql;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub format: Format,
}

#[derive(Debug, clap::Subcommand)]
pub enum Format {
    /// Compile one scheme version, on one assessment date, into a SQL query
    /// that judges a table of products: per product the id, scheme, as_of,
    /// category, in_scope, excluded, level, reachable and error columns,
    /// the same answers as `labelc eval --format json` (see docs/export.md).
    #[command(after_help = super::exit_codes!())]
    Sql(SqlArgs),
    /// OSCAL (JSON): a catalog per scheme version, a profile per level, a
    /// mapping collection per pair of scheme versions with recognitions.
    #[command(after_help = export_oscal::AFTER_HELP)]
    Oscal(export_oscal::Args),
}

/// The SQL engines `export sql` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectName {
    /// DuckDB: reads JSON Lines files directly (`--products FILE.jsonl`) or a table.
    Duckdb,
    /// Spark SQL: reads a table or view (`id STRING, category STRING,
    /// holds ARRAY<STRING>, facts STRING`).
    Spark,
}

#[derive(Debug, clap::Args)]
pub struct SqlArgs {
    /// Policy files or directories, or one compiled rule set (`*.json` from `labelc compile`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The scheme: `id@version`, or `id` for the version in force on the assessment date.
    #[arg(long)]
    pub scheme: String,
    /// The SQL dialect to write.
    #[arg(long, value_enum, default_value_t = DialectName::Duckdb)]
    pub dialect: DialectName,
    /// The assessment date (YYYY-MM-DD) the query judges on; today (UTC) when
    /// omitted. Validity windows, recognitions in effect and `within N days`
    /// are decided for this date when the query is written.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// What the query reads: a table or view name, or (DuckDB) a JSON Lines file path.
    #[arg(long, value_name = "SOURCE", default_value = "products")]
    pub products: String,
    /// Add one column per criterion (named by its id) with its outcome:
    /// pass, fail, unknown, credited or not_applicable.
    #[arg(long)]
    pub criteria: bool,
}

pub fn run(args: &Args) -> Exit {
    match &args.format {
        Format::Sql(args) => run_sql(args),
        Format::Oscal(args) => export_oscal::run(args),
    }
}

fn run_sql(args: &SqlArgs) -> Exit {
    let as_of = match assessment_date(args.as_of.as_deref()) {
        Ok(d) => d,
        Err(exit) => return exit,
    };
    let rules = match load_rules(&args.paths) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let selection = match rules.select(&args.scheme, as_of) {
        Ok(s) => s,
        Err(e) => return input_error(&e.to_string()),
    };
    let program = match Program::new(&rules, selection.index, as_of) {
        Ok(p) => p,
        Err(e) => return input_error(&format!("the rule set cannot be evaluated: {e}")),
    };
    let dialect: &dyn sql::Dialect = match args.dialect {
        DialectName::Duckdb => &sql::DuckDb,
        DialectName::Spark => &sql::Spark,
    };
    let options = sql::Options {
        products: &args.products,
        criteria: args.criteria,
    };
    match sql::write(&program, dialect, &options) {
        Ok(text) => {
            if selection.versions > 1 && !args.scheme.contains('@') {
                print_err(&format!(
                    "note: `{}` means {} on {as_of} (pin one with `--scheme {}`)\n",
                    args.scheme,
                    program.scheme.key(),
                    program.scheme.key()
                ));
            }
            match print_out(&text) {
                Ok(()) => Exit::Success,
                Err(exit) => exit,
            }
        }
        Err(e) => input_error(&format!("{e} ({} dialect)", dialect.name())),
    }
}
