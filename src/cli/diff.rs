//! `labelc diff OLD NEW` or `labelc diff PATH... --from ID@V --to ID@V`.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write as _};
use std::path::PathBuf;

use super::eval::load_rules;
use super::{Exit, Format, assessment_date, input_error, print_out, usage_error};
use crate::diff::{
    Class, Products, compare_products, compared_versions, diff_rule_sets, diff_versions,
    render_human,
};
use crate::eval::Program;
use crate::rules::RuleSet;

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
    /// Products (JSON Lines, the eval format; `-` for standard input), judged
    /// one line at a time under both versions: the changes of `level` and of
    /// `reachable` are counted, the first 1,000 listed.
    #[arg(long, value_name = "FILE.jsonl")]
    pub products: Option<PathBuf>,
    /// The assessment date for `--products` (YYYY-MM-DD); today (UTC) when omitted.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a change of the rules of this kind is found (the product
    /// impact does not count).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

pub fn run(args: &Args) -> Exit {
    let as_of = match assessment_date(args.as_of.as_deref()) {
        Ok(d) => d,
        Err(exit) => return exit,
    };
    let mut input = match &args.products {
        None => None,
        Some(path) if path.as_os_str() == "-" => Some(BufReader::with_capacity(
            1 << 16,
            Box::new(std::io::stdin().lock()) as Box<dyn Read>,
        )),
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Some(BufReader::with_capacity(
                1 << 16,
                Box::new(f) as Box<dyn Read>,
            )),
            Err(e) => return usage_error(&format!("cannot read `{}`: {e}", path.display())),
        },
    };
    let load = load_rules;
    let diff = match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            let rules = match load(&args.paths) {
                Ok(r) => r,
                Err(e) => return e,
            };
            let find = |key: &str| rules.schemes.iter().position(|s| s.key() == key);
            let (Some(ia), Some(ib)) = (find(from), find(to)) else {
                let keys: Vec<String> = rules.schemes.iter().map(|s| s.key()).collect();
                return input_error(&format!(
                    "`--from {from} --to {to}`: both must be `id@version` of the compilation, which has {}",
                    keys.join(", ")
                ));
            };
            let (Some(a), Some(b)) = (rules.schemes.get(ia), rules.schemes.get(ib)) else {
                return Exit::Usage;
            };
            let mut diff = diff_versions(&rules, a, b);
            if let Some(input) = input.as_mut() {
                match judge(&rules, &rules, &[(ia, ib)], as_of, input) {
                    Ok(p) => diff.products = Some(p),
                    Err(e) => return e,
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
            if let Some(input) = input.as_mut() {
                let pairs = compared_versions(&old, &new);
                match judge(&old, &new, &pairs, as_of, input) {
                    Ok(p) => diff.products = Some(p),
                    Err(e) => return e,
                }
            }
            diff
        }
    };
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
    // A product line no compared scheme could judge is bad input.
    let bad_lines = diff.products.as_ref().is_some_and(|p| p.unjudged_lines > 0);
    if hit || bad_lines {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// How often (in lines read) the progress line on a terminal is redrawn.
const PROGRESS_EVERY: usize = 10_000;

/// Judges the products of `input` under each pair of versions (`old`'s
/// scheme index, `new`'s), streaming; a progress line goes to stderr when it
/// is a terminal.
fn judge(
    old: &RuleSet,
    new: &RuleSet,
    pairs: &[(usize, usize)],
    as_of: jiff::civil::Date,
    input: &mut dyn BufRead,
) -> Result<Products, Exit> {
    let mut programs = Vec::new();
    for (ia, ib) in pairs {
        match (Program::new(old, *ia, as_of), Program::new(new, *ib, as_of)) {
            (Ok(pa), Ok(pb)) => programs.push((pa, pb)),
            (Err(e), _) | (_, Err(e)) => return Err(input_error(&e.to_string())),
        }
    }
    let terminal = std::io::stderr().is_terminal();
    let mut shown = false;
    // Written without `eprint!`, which would panic on a closed stderr.
    let mut progress = |lines: usize| {
        if terminal && lines.is_multiple_of(PROGRESS_EVERY) {
            let _ = write!(std::io::stderr(), "\rlabelc diff: {lines} products read");
            shown = true;
        }
    };
    let products = compare_products(&programs, input, &mut progress);
    if shown {
        let _ = writeln!(std::io::stderr());
    }
    products.map_err(|e| usage_error(&format!("cannot read the products: {e}")))
}
