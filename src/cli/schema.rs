//! `labelc schema [rules|plan|eval|diff|test|check|relate]`: the JSON Schema of the
//! compiled rule set or of a command's `--format json` output.
//!
//! Every schema is generated from the Rust types that write the JSON, and
//! gets the same two additions here: an `$id` derived from the document's
//! `format` value (`labelc.plan/v1` → `urn:labelc:plan:v1`), and that value as
//! the `const` of its `format` property.

use super::{Exit, print_out, usage_error};

/// Which JSON the schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// The compiled rule set (`labelc compile`).
    Rules,
    /// A plan (`labelc plan --format json`).
    Plan,
    /// One line of `labelc eval --format json` (JSON Lines): a result or an error.
    Eval,
    /// A diff (`labelc diff --format json`).
    Diff,
    /// A test report (`labelc test --format json`).
    Test,
    /// Diagnostics and summary (`labelc check --format json`).
    Check,
    /// A relationship decided (`labelc relate --format json`).
    Relate,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The JSON to describe: the compiled rule set (default) or a command's `--format json` output.
    #[arg(value_enum, default_value_t = Kind::Rules)]
    pub kind: Kind,
    /// The same as `labelc schema plan` (kept for existing scripts).
    #[arg(long, hide = true, conflicts_with = "kind")]
    pub plan: bool,
}

/// The schema of `kind`, with its `$id` and fixed `format`.
pub fn schema(kind: Kind) -> serde_json::Value {
    let (mut schema, format) = match kind {
        Kind::Rules => (crate::rules::json_schema(), crate::rules::FORMAT),
        Kind::Plan => (crate::plan::json_schema(), crate::plan::FORMAT),
        Kind::Eval => (crate::eval::json_schema(), crate::eval::FORMAT),
        Kind::Diff => (crate::diff::json_schema(), crate::diff::FORMAT),
        Kind::Test => (crate::suite::json_schema(), crate::suite::FORMAT),
        Kind::Check => (super::check::json_schema(), super::check::FORMAT),
        Kind::Relate => (super::relate::json_schema(), super::relate::FORMAT),
    };
    identify(&mut schema, format);
    schema
}

/// The schema of the JSON that serializing `T` writes (fields skipped when
/// empty are optional, not required).
pub(crate) fn generate<T: schemars::JsonSchema>() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
}

/// Adds `$id` and pins the top-level `format` property to the document's
/// value (an eval line's `format` is pinned by its type, in each branch).
fn identify(schema: &mut serde_json::Value, format: &str) {
    if let Some(property) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut("format"))
        .and_then(serde_json::Value::as_object_mut)
    {
        property.insert("const".into(), format.into());
    }
    let id = format!("urn:{}", format.replace(['.', '/'], ":"));
    if let Some(object) = schema.as_object_mut() {
        object.insert("$id".into(), id.into());
    }
}

pub fn run(args: &Args) -> Exit {
    let kind = if args.plan { Kind::Plan } else { args.kind };
    match serde_json::to_string_pretty(&schema(kind)) {
        Ok(json) => match print_out(&(json + "\n")) {
            Ok(()) => Exit::Success,
            Err(exit) => exit,
        },
        Err(e) => usage_error(&format!("cannot serialize the schema: {e}")),
    }
}
