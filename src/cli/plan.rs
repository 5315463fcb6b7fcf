//! `labelc plan PATH... --scheme ID --category ID [--level N] [--holding SCHEME:N|SCHEME#ID]...`

use std::path::PathBuf;

use super::eval::load_rules;
use super::{Exit, assessment_date, input_error, print_out, usage_error};
use crate::plan::{Request, plan, render_markdown};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// Markdown on stdout: headings, checklists and tables, for a person or a pull request.
    Markdown,
    /// The plan as one JSON document on stdout (schema: `labelc schema plan`).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories, or one compiled rule set (`*.json`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// A scheme to plan for: `id` (the version in force on the date) or `id@version`; repeat for several.
    #[arg(long, required = true)]
    pub scheme: Vec<String>,
    /// The product's category: `ID`, or `SCHEME=ID` per scheme when planning several.
    #[arg(long, required = true, value_name = "[SCHEME=]ID")]
    pub category: Vec<String>,
    /// The target level (the highest when omitted): `N`, or `SCHEME=N` per scheme.
    #[arg(long, value_name = "[SCHEME=]N")]
    pub level: Vec<String>,
    /// A level (`SCHEME:N`) or criterion (`SCHEME#ID`) of another scheme the product holds,
    /// either with `@VERSION` after the scheme; repeatable.
    #[arg(long, value_name = "SCHEME:N|SCHEME#ID")]
    pub holding: Vec<String>,
    /// The assessment date (YYYY-MM-DD); today (UTC) when omitted.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// One product's known facts (the eval input format, at most 8 MiB): the plan lists what is
    /// still open.
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    /// Plan on the official text only: leave out every rule whose `basis` is secondary, reported or
    /// inferred, and every assumed recognition (see docs/language.md, "Basis").
    #[arg(long)]
    pub official_only: bool,
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
    pub format: PlanFormat,
}

/// The value given for `scheme` among `SCHEME=VALUE` arguments, or the one bare value.
fn for_scheme<'a>(values: &'a [String], scheme: &str) -> Result<Option<&'a str>, String> {
    let id = scheme.split('@').next().unwrap_or(scheme);
    let keyed = values.iter().find_map(|v| {
        let (key, value) = v.split_once('=')?;
        (key == scheme || key == id).then_some(value)
    });
    if keyed.is_some() {
        return Ok(keyed);
    }
    let bare: Vec<&str> = values
        .iter()
        .filter(|v| !v.contains('='))
        .map(String::as_str)
        .collect();
    match bare.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(format!(
            "several values without `SCHEME=`: write `{id}=…` for each scheme"
        )),
    }
}

pub fn run(args: &Args) -> Exit {
    let as_of = match assessment_date(args.as_of.as_deref()) {
        Ok(d) => d,
        Err(exit) => return exit,
    };
    let mut requests = Vec::new();
    for scheme in &args.scheme {
        let category = match for_scheme(&args.category, scheme) {
            Ok(Some(c)) => c.to_string(),
            Ok(None) => {
                return usage_error(&format!(
                    "no `--category` for `{scheme}`: add `--category {scheme}=ID`"
                ));
            }
            Err(m) => return usage_error(&m),
        };
        let level = match for_scheme(&args.level, scheme) {
            Ok(None) => None,
            Ok(Some(text)) => match text.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => return usage_error(&format!("`--level {text}` is not a level rank")),
            },
            Err(m) => return usage_error(&m),
        };
        requests.push(Request {
            scheme: scheme.clone(),
            category,
            level,
        });
    }
    let facts = match &args.facts {
        None => None,
        Some(path) => {
            let bytes = match crate::limited::read_file(path, crate::limited::MAX_PRODUCT_BYTES) {
                Ok(b) => b,
                Err(e @ crate::limited::ReadError::Io(_)) => {
                    return usage_error(&format!("cannot read `{}`: {e}", path.display()));
                }
                Err(e) => {
                    let help = e.help();
                    return input_error(&format!(
                        "cannot read the facts `{}`: {e}\n  help: {help}",
                        path.display()
                    ));
                }
            };
            match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(v) => Some(v),
                Err(e) => {
                    return input_error(&format!(
                        "`{}` is not one JSON product: {e}",
                        path.display()
                    ));
                }
            }
        }
    };
    let rules = match load_rules(&args.paths) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let rules = if args.official_only {
        let (official, left_out) = crate::rules::official_only(&rules);
        super::print_err(&format!(
            "note: planned on official text only: {}\n",
            left_out.describe()
        ));
        official
    } else {
        rules
    };
    let plan = match plan(&rules, &requests, &args.holding, as_of, facts.as_ref()) {
        Ok(plan) => plan,
        Err(e) => {
            return input_error(&format!(
                "{}\n  help: {}\n  code: {}",
                e.message(),
                e.help(),
                e.code()
            ));
        }
    };
    let text = match args.format {
        PlanFormat::Markdown => render_markdown(&plan),
        PlanFormat::Json => match serde_json::to_string_pretty(&plan) {
            Ok(json) => json + "\n",
            Err(e) => return usage_error(&format!("cannot write JSON: {e}")),
        },
    };
    match print_out(&text) {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}
