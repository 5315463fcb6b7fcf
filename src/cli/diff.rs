//! `labelc diff OLD NEW` or `labelc diff PATH... --from ID@V --to ID@V`.

use std::path::PathBuf;

use super::eval::load_rules;
use super::{Exit, Format, assessment_date, input_error, print_out, usage_error};
use crate::diff::{Class, compare_products, diff_rule_sets, diff_versions, render_human};
use crate::eval::{Program, select_scheme};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any change that could lower a product's level (tightening or mixed).
    Tightening,
    /// Any change that could raise a product's level (loosening or mixed).
    Loosening,
    /// Any change at all.
    Any,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// OLD and NEW (each a file, a directory or a compiled `*.json`), or with
    /// `--from`/`--to` the paths of one compilation holding both versions.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The old version, `id@version`, inside one compilation.
    #[arg(long, requires = "to", value_name = "ID@VERSION")]
    pub from: Option<String>,
    /// The new version, `id@version`.
    #[arg(long, requires = "from", value_name = "ID@VERSION")]
    pub to: Option<String>,
    /// Products (JSON Lines, the eval format) to judge under both versions.
    #[arg(long, value_name = "FILE.jsonl")]
    pub products: Option<PathBuf>,
    /// The assessment date for `--products` (YYYY-MM-DD); today (UTC) when omitted.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a change of this kind is found.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

pub fn run(args: &Args) -> Exit {
    let as_of = match assessment_date(args.as_of.as_deref()) {
        Ok(d) => d,
        Err(exit) => return exit,
    };
    let lines = match &args.products {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => return usage_error(&format!("cannot read `{}`: {e}", path.display())),
        },
    };
    let load = load_rules;
    let mut diff = match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            let rules = match load(&args.paths) {
                Ok(r) => r,
                Err(e) => return e,
            };
            let find = |key: &str| rules.schemes.iter().find(|s| s.key() == key);
            let (Some(a), Some(b)) = (find(from), find(to)) else {
                let keys: Vec<String> = rules.schemes.iter().map(|s| s.key()).collect();
                return input_error(&format!(
                    "`--from {from} --to {to}`: both must be `id@version` of the compilation, which has {}",
                    keys.join(", ")
                ));
            };
            let mut diff = diff_versions(&rules, a, b);
            if let Some(lines) = &lines {
                let index = |s: &crate::rules::Scheme| {
                    rules.schemes.iter().position(|x| x.key() == s.key())
                };
                let (Some(ia), Some(ib)) = (index(a), index(b)) else {
                    return Exit::Usage;
                };
                match (
                    Program::new(&rules, ia, as_of),
                    Program::new(&rules, ib, as_of),
                ) {
                    (Ok(pa), Ok(pb)) => diff.products = Some(compare_products(&[(pa, pb)], lines)),
                    (Err(e), _) | (_, Err(e)) => return input_error(&e.0),
                }
            }
            diff
        }
        _ => {
            let [old_path, new_path] = args.paths.as_slice() else {
                return usage_error(
                    "give OLD and NEW, or one compilation with `--from ID@VERSION --to ID@VERSION`",
                );
            };
            let (old, new) = match (
                load(std::slice::from_ref(old_path)),
                load(std::slice::from_ref(new_path)),
            ) {
                (Ok(o), Ok(n)) => (o, n),
                (Err(e), _) | (_, Err(e)) => return e,
            };
            let mut diff = diff_rule_sets(&old, &new);
            if let Some(lines) = &lines {
                let mut pairs = Vec::new();
                let ids: std::collections::BTreeSet<&str> =
                    old.schemes.iter().map(|s| s.id.as_str()).collect();
                for id in ids {
                    if let (Ok(ia), Ok(ib)) = (
                        select_scheme(&old, id, as_of),
                        select_scheme(&new, id, as_of),
                    ) && let (Ok(pa), Ok(pb)) =
                        (Program::new(&old, ia, as_of), Program::new(&new, ib, as_of))
                    {
                        pairs.push((pa, pb));
                    }
                }
                diff.products = Some(compare_products(&pairs, lines));
            }
            diff
        }
    };
    if let Some(p) = diff.products.as_mut() {
        p.changed
            .sort_by(|a, b| (&a.scheme, &a.id).cmp(&(&b.scheme, &b.id)));
    }
    let text = match args.format {
        Format::Human => render_human(&diff),
        Format::Json => match serde_json::to_string_pretty(&diff) {
            Ok(json) => json + "\n",
            Err(e) => return usage_error(&format!("cannot write JSON: {e}")),
        },
    };
    if let Err(exit) = print_out(&text) {
        return exit;
    }
    let hit = match args.fail_on {
        None => false,
        Some(FailOn::Any) => !diff.changes.is_empty(),
        Some(FailOn::Tightening) => diff.count(Class::Tightening) + diff.count(Class::Mixed) > 0,
        Some(FailOn::Loosening) => diff.count(Class::Loosening) + diff.count(Class::Mixed) > 0,
    };
    if hit { Exit::Failure } else { Exit::Success }
}
