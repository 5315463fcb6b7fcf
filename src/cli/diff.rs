//! `labelc diff OLD NEW` or `labelc diff PATH... --from ID@V --to ID@V`.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use super::eval::load_rules_into;
use super::{Exit, Format, assessment_date, input_error, print_err, print_out, usage_error};
use crate::diff::{
    Class, DiffError, Products, compared_versions, diff_named, diff_rule_sets, judge_products,
    render_human,
};
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
    /// Judge `--products` on N threads (default: the cores available); the
    /// counts and the changes listed are the same either way.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
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
            Box::new(super::progress::reader(
                "diff",
                None,
                std::io::stdin().lock(),
            )) as Box<dyn Read>,
        )),
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Some(BufReader::with_capacity(
                1 << 16,
                Box::new(super::progress::reader(
                    "diff",
                    super::progress::length_of(path),
                    f,
                )) as Box<dyn Read>,
            )),
            Err(e) => return usage_error(&format!("cannot read `{}`: {e}", path.display())),
        },
    };
    let diff = match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            let mut err = String::new();
            let rules = load_rules_into(&args.paths, false, &mut err);
            print_err(&err);
            let rules = match rules {
                Ok(r) => r,
                Err(e) => return e,
            };
            let (mut diff, pair) = match diff_named(&rules, from, to) {
                Ok(found) => found,
                Err(e) => return failed(&e),
            };
            if let Some(input) = input.as_mut() {
                match judge(&rules, &rules, &[pair], as_of, input, args.jobs) {
                    Ok(p) => diff.products = Some(p),
                    Err(e) => return failed(&e),
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
            // Both versions compile at once; what each prints comes out in
            // order, old then new.
            let ((old, old_err), (new, new_err)) = std::thread::scope(|scope| {
                let new = scope.spawn(|| {
                    let mut err = String::new();
                    (
                        load_rules_into(std::slice::from_ref(new_path), false, &mut err),
                        err,
                    )
                });
                let mut err = String::new();
                let old = (
                    load_rules_into(std::slice::from_ref(old_path), false, &mut err),
                    err,
                );
                let new = new.join().unwrap_or_else(|_| {
                    (
                        Err(Exit::Usage),
                        "error: compiling NEW failed\n".to_string(),
                    )
                });
                (old, new)
            });
            print_err(&old_err);
            print_err(&new_err);
            let (old, new) = match (old, new) {
                (Ok(o), Ok(n)) => (o, n),
                (Err(e), _) | (_, Err(e)) => return e,
            };
            let mut diff = diff_rule_sets(&old, &new);
            if let Some(input) = input.as_mut() {
                let pairs = compared_versions(&old, &new);
                match judge(&old, &new, &pairs, as_of, input, args.jobs) {
                    Ok(p) => diff.products = Some(p),
                    Err(e) => return failed(&e),
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

/// The exit status of a diff that could not be made: bad input (exit 1),
/// or products that could not be read (exit 2, as for any I/O error).
fn failed(e: &DiffError) -> Exit {
    match e {
        DiffError::UnknownVersion { .. } | DiffError::RuleSet(_) => input_error(&e.to_string()),
        DiffError::Products(_) => usage_error(&e.to_string()),
    }
}

/// [`judge_products`]; the progress bar (a terminal only) is drawn by the
/// reader of `input` (see `super::progress`).
fn judge(
    old: &RuleSet,
    new: &RuleSet,
    pairs: &[(usize, usize)],
    as_of: jiff::civil::Date,
    input: &mut dyn BufRead,
    jobs: Option<std::num::NonZeroUsize>,
) -> Result<Products, DiffError> {
    let jobs = crate::eval::batch::jobs(jobs);
    judge_products(old, new, pairs, as_of, input, &mut |_| (), jobs)
}
