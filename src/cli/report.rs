//! `labelc report PATH... --out FILE.html [--portfolio PRODUCTS.jsonl]
//! [--plan PRODUCT.json] [--diff OLD NEW | --versions FROM TO] [--recognitions]`:
//! one self-contained HTML report (docs/report.md).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::eval::load_rules;
use super::{Exit, assessment_date, input_error, usage_error};
use crate::report::{self, ReportError};
use crate::rules::RuleSet;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories, or one compiled rule set (`*.json`): the
    /// rules the portfolio, plan, recognitions and `--versions` read.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The HTML file to write (`-` for standard output).
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
    /// Products (JSON Lines, the eval format): the level distribution per
    /// scheme as a bar chart, the criteria that block most products, the
    /// products closest to their next level; with `--diff` or `--versions`,
    /// the products that change level.
    #[arg(long, value_name = "PRODUCTS.jsonl")]
    pub portfolio: Option<PathBuf>,
    /// One product (the eval format): its plan for each `--scheme`, the
    /// category taken from the product; a checklist with credits and open items.
    #[arg(long, value_name = "PRODUCT.json")]
    pub plan: Option<PathBuf>,
    /// Two rule sets (each a file, a directory or a compiled `*.json`): the
    /// changes from OLD to NEW, and with `--portfolio` who changes level.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with = "versions")]
    pub diff: Vec<PathBuf>,
    /// Two versions `id@version` inside PATH, compared as `--diff` compares.
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"])]
    pub versions: Vec<String>,
    /// The graph of which scheme credits which (official and assumed apart).
    #[arg(long)]
    pub recognitions: bool,
    /// Schemes for the portfolio and the plan: `id` (the version in force on
    /// the date) or `id@version`; repeatable. The portfolio takes every scheme
    /// when none is given; the plan needs at least one.
    #[arg(long, value_name = "ID")]
    pub scheme: Vec<String>,
    /// The assessment date (YYYY-MM-DD); today (UTC) when omitted. It is the
    /// only date in the report: the same input and date give the same bytes.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// The report's heading.
    #[arg(long, default_value = "Labelling report")]
    pub title: String,
}

fn fail(e: &ReportError) -> Exit {
    let help = e
        .help()
        .map(|h| format!("\n  help: {h}"))
        .unwrap_or_default();
    let message = format!("{e} [{}]{help}", e.code());
    match e {
        ReportError::Products { .. } => usage_error(&message),
        _ => input_error(&message),
    }
}

fn open(path: &Path) -> Result<Box<dyn BufRead>, Exit> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin().lock())));
    }
    std::fs::File::open(path)
        .map(|f| Box::new(BufReader::with_capacity(1 << 16, f)) as Box<dyn BufRead>)
        .map_err(|e| usage_error(&format!("cannot read `{}`: {e}", path.display())))
}

pub fn run(args: &Args) -> Exit {
    match build(args) {
        Ok(html) => write(&args.out, &html),
        Err(exit) => exit,
    }
}

fn build(args: &Args) -> Result<String, Exit> {
    let as_of = assessment_date(args.as_of.as_deref())?;
    if args.portfolio.is_none()
        && args.plan.is_none()
        && args.diff.is_empty()
        && args.versions.is_empty()
        && !args.recognitions
    {
        return Err(fail(&ReportError::NothingToReport));
    }
    let rules = load_rules(&args.paths)?;
    let mut sections = Vec::new();
    if let Some(path) = &args.portfolio {
        let programs = report::programs(&rules, &args.scheme, as_of).map_err(|e| fail(&e))?;
        let section = report::portfolio_section(&programs, &mut open(path)?);
        sections.push(section.map_err(|e| fail(&e))?);
    }
    if let Some(path) = &args.plan {
        let bytes = std::fs::read(path)
            .map_err(|e| usage_error(&format!("cannot read `{}`: {e}", path.display())))?;
        let facts: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            fail(&ReportError::BadProduct {
                message: e.to_string(),
            })
        })?;
        let section = report::plan_section(&rules, &args.scheme, &facts, as_of);
        sections.push(section.map_err(|e| fail(&e))?);
    }
    if let Some(diff) = diff(args, &rules, as_of)? {
        sections.push(report::sections::diff_section(&diff));
    }
    if args.recognitions {
        sections.push(report::recognitions::render(&rules));
    }
    Ok(report::html::page(
        &args.title,
        &as_of.to_string(),
        &sections,
    ))
}

/// The diff of `--diff OLD NEW` or `--versions FROM TO`, with the product
/// impact when `--portfolio` is given.
fn diff(
    args: &Args,
    rules: &RuleSet,
    as_of: jiff::civil::Date,
) -> Result<Option<crate::diff::Diff>, Exit> {
    let mut products = match &args.portfolio {
        Some(path) => Some(open(path)?),
        None => None,
    };
    let (mut diff, old, new, pairs) = match (args.diff.as_slice(), args.versions.as_slice()) {
        ([old, new], _) => {
            let old = load_rules(std::slice::from_ref(old))?;
            let new = load_rules(std::slice::from_ref(new))?;
            let pairs = crate::diff::compared_versions(&old, &new);
            (crate::diff::diff_rule_sets(&old, &new), old, new, pairs)
        }
        (_, [from, to]) => {
            let ia = report::version_index(rules, from).map_err(|e| fail(&e))?;
            let ib = report::version_index(rules, to).map_err(|e| fail(&e))?;
            let (Some(a), Some(b)) = (rules.schemes.get(ia), rules.schemes.get(ib)) else {
                return Err(Exit::Usage);
            };
            let diff = crate::diff::diff_versions(rules, a, b);
            (diff, rules.clone(), rules.clone(), vec![(ia, ib)])
        }
        _ => return Ok(None),
    };
    if let Some(input) = products.as_mut() {
        let impact = report::diff_products(&old, &new, &pairs, as_of, input.as_mut());
        diff.products = Some(impact.map_err(|e| fail(&e))?);
    }
    Ok(Some(diff))
}

fn write(out: &Path, html: &str) -> Exit {
    if out.as_os_str() == "-" {
        return match super::print_out(html) {
            Ok(()) => Exit::Success,
            Err(exit) => exit,
        };
    }
    match super::write_atomically(out, html.as_bytes()) {
        Ok(()) => Exit::Success,
        Err(e) => usage_error(&format!("cannot write `{}`: {e}", out.display())),
    }
}
