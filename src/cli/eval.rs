//! `labelc eval PATH... --scheme ID --facts FILE|-`: judge products.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

use super::{Exit, assessment_date, input_error, print_err, usage_error};
use crate::eval::{EvalFormat, LineError, Outcome, Program, render_explanation};
use crate::rules::RuleSet;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories, or one compiled rule set (`*.json` from `labelc compile`,
    /// at most 64 MiB).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The scheme to judge against: `id@version`, or `id` for the version in force on the assessment date.
    #[arg(long)]
    pub scheme: String,
    /// Products: one JSON object, or JSON Lines (one product per line, blank
    /// lines skipped, at most 8 MiB each); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub facts: PathBuf,
    /// The assessment date (YYYY-MM-DD); today (UTC) when omitted.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// A short report per product, and (in JSON) every criterion's outcome.
    #[arg(long)]
    pub explain: bool,
    /// Judge on the official text only: leave out every rule whose `basis` is secondary, reported
    /// or inferred, and every assumed recognition (see docs/language.md, "Basis").
    #[arg(long)]
    pub official_only: bool,
    /// How to write the results; either way diagnostics and (for JSON Lines
    /// input) a summary go to stderr, and a line that cannot be judged gets
    /// an error in its place
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output format of `labelc eval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per product on stdout (a short report each with `--explain`).
    Human,
    /// JSON Lines on stdout: one JSON object per product, in input order.
    Json,
}

/// Loads a rule set: a compiled JSON file, or policy sources compiled now.
pub fn load_rules(paths: &[PathBuf]) -> Result<RuleSet, Exit> {
    if let [single] = paths
        && single.extension().is_some_and(|e| e == "json")
    {
        let bytes = match crate::limited::read_file(single, crate::limited::MAX_RULE_SET_BYTES) {
            Ok(bytes) => bytes,
            Err(e @ crate::limited::ReadError::Io(_)) => {
                return Err(usage_error(&format!(
                    "cannot read `{}`: {e}",
                    single.display()
                )));
            }
            Err(e) => {
                let (name, help) = (single.display(), e.help());
                return Err(input_error(&format!(
                    "cannot read the rule set `{name}`: {e}\n  help: {help}"
                )));
            }
        };
        return serde_json::from_slice(&bytes).map_err(|e| {
            input_error(&format!(
                "`{}` is not a labelc rule set: {e}",
                single.display()
            ))
        });
    }
    super::compile_policies(paths, "evaluated")
}

struct Run<'p, 'r, W: Write> {
    program: &'p Program<'r>,
    args: &'p Args,
    out: W,
    /// The JSON line being written (reused).
    line: Vec<u8>,
    titles: BTreeMap<i64, String>,
    counts: BTreeMap<Option<i64>, usize>,
    /// Products the scheme does not cover (an excluded category, or none named for it).
    out_of_scope: usize,
    products: usize,
    errors: usize,
}

impl<W: Write> Run<'_, '_, W> {
    fn one(&mut self, line: Option<usize>, text: Result<&str, String>) -> std::io::Result<()> {
        self.products += 1;
        let input = text.as_ref().ok().copied();
        let result = text.and_then(|t| {
            if t.trim().is_empty() {
                Err("empty line: expected a product object".to_string())
            } else {
                self.program
                    .evaluate_json_with(t, self.args.explain)
                    .map_err(|e| e.0)
            }
        });
        match result {
            Ok(mut outcome) => {
                outcome.line = line;
                if outcome.excluded.is_some() {
                    self.out_of_scope += 1;
                } else {
                    *self.counts.entry(outcome.level).or_default() += 1;
                }
                self.write_outcome(&outcome)
            }
            Err(message) => {
                self.errors += 1;
                let id = input.and_then(crate::eval::line_id);
                self.write_error(line.unwrap_or(1), id.as_deref(), &message)
            }
        }
    }

    fn write_outcome(&mut self, outcome: &Outcome) -> std::io::Result<()> {
        match (self.args.format, self.args.explain) {
            (Format::Json, _) => {
                self.line.clear();
                outcome
                    .write_json(&mut self.line)
                    .map_err(std::io::Error::other)?;
                self.line.push(b'\n');
                self.out.write_all(&self.line)
            }
            (Format::Human, true) => {
                writeln!(self.out, "{}", render_explanation(outcome, &self.titles))
            }
            (Format::Human, false) => {
                let level = outcome.level.map_or("none".to_string(), |l| l.to_string());
                let reachable = outcome
                    .reachable
                    .map_or("none".to_string(), |l| l.to_string());
                let next = match (&outcome.next, outcome.excluded) {
                    (None, Some(reason)) if outcome.category.is_none() => {
                        format!("out of scope: {reason}")
                    }
                    (None, Some(_)) => {
                        "excluded: the scheme does not cover this category".to_string()
                    }
                    (None, None) => "every level met".to_string(),
                    (Some(n), _) => match &n.does_not_apply {
                        Some(reason) => reason.clone(),
                        None if !n.pending.is_empty() => format!(
                            "level {}: {} failing, {} unknown (pending: {})",
                            n.rank,
                            n.failing.len(),
                            n.unknown.len() + n.groups.len(),
                            n.pending.join(", ")
                        ),
                        None => format!(
                            "level {}: {} failing, {} unknown",
                            n.rank,
                            n.failing.len(),
                            n.unknown.len() + n.groups.len()
                        ),
                    },
                };
                let rests = |r: Option<&crate::eval::RestsOn<'_>>| {
                    r.map(|r| format!(" — {}", r.phrase())).unwrap_or_default()
                };
                writeln!(
                    self.out,
                    "{}: level {level}{} (reachable {reachable}{}); {next}",
                    outcome.id,
                    rests(outcome.level_rests_on.as_ref()),
                    if outcome.reachable == outcome.level {
                        String::new()
                    } else {
                        rests(outcome.reachable_rests_on.as_ref())
                    },
                )
            }
        }
    }

    fn write_error(&mut self, line: usize, id: Option<&str>, message: &str) -> std::io::Result<()> {
        match self.args.format {
            Format::Json => {
                serde_json::to_writer(
                    &mut self.out,
                    &LineError {
                        format: EvalFormat,
                        line,
                        id,
                        error: message,
                    },
                )
                .map_err(std::io::Error::other)?;
                self.out.write_all(b"\n")
            }
            Format::Human => match id {
                Some(id) => writeln!(self.out, "line {line} (`{id}`): error: {message}"),
                None => writeln!(self.out, "line {line}: error: {message}"),
            },
        }
    }
}

fn decode(bytes: &[u8]) -> Result<&str, String> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 (byte {})", e.valid_up_to()))
}

pub fn run(args: &Args) -> Exit {
    let as_of = match assessment_date(args.as_of.as_deref()) {
        Ok(d) => d,
        Err(exit) => return exit,
    };
    let rules = match load_rules(&args.paths) {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let rules = if args.official_only {
        let (official, left_out) = crate::rules::official_only(&rules);
        print_err(&format!(
            "note: judged on official text only: {}\n",
            left_out.describe()
        ));
        official
    } else {
        rules
    };
    let selection = match rules.select(&args.scheme, as_of) {
        Ok(s) => s,
        Err(e) => return input_error(&e.to_string()),
    };
    let program = match Program::new(&rules, selection.index, as_of) {
        Ok(p) => p,
        Err(e) => return input_error(&format!("the rule set cannot be evaluated: {e}")),
    };
    // Say which version an unpinned id means when it is a choice, or when the
    // version chosen is not in force on the date.
    let worth_saying = selection.versions > 1
        || !matches!(
            selection.picked,
            None | Some(crate::resolve::Picked::InForce | crate::resolve::Picked::Undated)
        );
    if worth_saying
        && let Some(text) = crate::rules::describe(&selection, &rules, &args.scheme, as_of)
    {
        print_err(&format!(
            "note: {text} (pin one with `--scheme {}`)\n",
            program.scheme.key()
        ));
    }
    let input: Box<dyn Read> = if args.facts.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(&args.facts) {
            Ok(f) => Box::new(f),
            Err(e) => return usage_error(&format!("cannot read `{}`: {e}", args.facts.display())),
        }
    };
    let mut input = BufReader::with_capacity(1 << 16, input);
    let stdout = std::io::stdout();
    let mut run = Run {
        program: &program,
        args,
        out: BufWriter::with_capacity(1 << 16, stdout.lock()),
        line: Vec::with_capacity(4096),
        titles: program
            .levels
            .iter()
            .filter_map(|l| l.level.title.clone().map(|t| (l.level.rank, t)))
            .collect(),
        counts: BTreeMap::new(),
        out_of_scope: 0,
        products: 0,
        errors: 0,
    };
    let streamed = stream(&mut input, &mut run).and_then(|lines| {
        run.out.flush()?;
        Ok(lines)
    });
    let judged = if run.errors > 0 {
        Exit::Failure
    } else {
        Exit::Success
    };
    match streamed {
        Ok(lines) => {
            if lines {
                let mut levels: Vec<String> = run
                    .counts
                    .iter()
                    .map(|(l, n)| {
                        format!(
                            "{}: {n}",
                            l.map_or("no level".to_string(), |l| format!("level {l}"))
                        )
                    })
                    .collect();
                if run.out_of_scope > 0 {
                    levels.push(format!("out of scope: {}", run.out_of_scope));
                }
                let plural = |n: usize, one: &str, many: &str| {
                    format!("{n} {}", if n == 1 { one } else { many })
                };
                print_err(&format!(
                    "{} against {} as of {as_of}: {}; {}\n",
                    plural(run.products, "product", "products"),
                    program.scheme.key(),
                    if levels.is_empty() {
                        "none evaluated".to_string()
                    } else {
                        levels.join(", ")
                    },
                    plural(run.errors, "error", "errors")
                ));
            }
            judged
        }
        // The reader of standard output has gone: stop reading products, quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => judged,
        Err(e) => usage_error(&format!("cannot read or write: {e}")),
    }
}

/// The longest product line (and the largest single product object) read:
/// a longer line is an error for that line and the stream goes on, without
/// the line ever being held in memory.
pub use crate::limited::MAX_PRODUCT_BYTES;
use crate::limited::{Line, line_too_long as too_long, read_line};

/// Whether `line` is a whole JSON value on its own (a JSON Lines product,
/// or a line of one that is wrong, but complete).
fn is_whole_value(line: &[u8]) -> bool {
    match decode(line) {
        Ok(text) => {
            !text.trim().is_empty()
                && !serde_json::from_str::<serde::de::IgnoredAny>(text).is_err_and(|e| e.is_eof())
        }
        Err(_) => true,
    }
}

/// Reads products, JSON Lines or one object (see docs/evaluation.md,
/// Products): JSON Lines when the first non-blank line is a whole JSON value,
/// or when it is not but the next non-blank line is one (a truncated first
/// line is then one error and the rest are judged); otherwise the whole
/// input, up to [`MAX_PRODUCT_BYTES`], is one (pretty-printed) object. A
/// blank line is not a product. Returns whether it was JSON Lines.
fn stream<W: Write>(input: &mut dyn BufRead, run: &mut Run<'_, '_, W>) -> std::io::Result<bool> {
    let mut first = Vec::with_capacity(4096);
    let mut number = 0;
    // The first non-blank line.
    let first_read = loop {
        number += 1;
        match read_line(input, &mut first)? {
            Line::End => return Ok(false),
            Line::Whole if decode(&first).is_ok_and(|t| t.trim().is_empty()) => {}
            other => break other,
        }
    };
    let first_number = number;
    let mut line = Vec::with_capacity(4096);
    if let Line::Whole = first_read
        && !is_whole_value(&first)
    {
        // Not a whole value: a pretty-printed object, or a truncated line of JSON Lines.
        // The next non-blank line decides.
        let mut between = Vec::new();
        let second_read = loop {
            number += 1;
            match read_line(input, &mut line)? {
                Line::Whole if decode(&line).is_ok_and(|t| t.trim().is_empty()) => {
                    between.extend_from_slice(&line);
                }
                other => break other,
            }
        };
        let lines = match second_read {
            Line::Whole => {
                is_whole_value(&line)
                    && decode(&line).is_ok_and(|t| t.trim_start().starts_with('{'))
            }
            Line::TooLong(_) => true,
            Line::End => false,
        };
        if !lines {
            // One object: the lines read, then the rest up to the limit.
            first.extend_from_slice(&between);
            first.extend_from_slice(&line);
            let limit = (MAX_PRODUCT_BYTES + 1).saturating_sub(first.len());
            input.take(limit as u64).read_to_end(&mut first)?;
            let text = if first.len() > MAX_PRODUCT_BYTES {
                Err(format!(
                    "the product object is more than the limit of {MAX_PRODUCT_BYTES} bytes"
                ))
            } else {
                std::str::from_utf8(&first)
                    .map_err(|e| format!("the input is not UTF-8 (byte {})", e.valid_up_to()))
            };
            run.one(None, text)?;
            return Ok(false);
        }
        run.one(Some(first_number), decode(&first))?;
        judge(run, number, &line, second_read)?;
    } else {
        judge(run, first_number, &first, first_read)?;
    }
    loop {
        number += 1;
        let read = read_line(input, &mut line)?;
        if let Line::End = read {
            return Ok(true);
        }
        judge(run, number, &line, read)?;
    }
}

/// Judges one line of JSON Lines; a blank line is not a product.
fn judge<W: Write>(
    run: &mut Run<'_, '_, W>,
    number: usize,
    line: &[u8],
    read: Line,
) -> std::io::Result<()> {
    match read {
        Line::End => Ok(()),
        Line::TooLong(length) => run.one(Some(number), Err(too_long(length))),
        Line::Whole => match decode(line) {
            Ok(text) if text.trim().is_empty() => Ok(()),
            text => run.one(Some(number), text),
        },
    }
}
