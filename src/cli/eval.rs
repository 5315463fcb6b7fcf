//! `labelc eval PATH... --scheme ID --facts FILE|-`: judge products.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

use super::{Exit, assessment_date, input_error, print_err, usage_error};
use crate::eval::batch::{self, Lines};
use crate::eval::{EvalFormat, LineError, Outcome, ProductError, Products, Program, read_products};
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
    /// Why each product stops where it does: every level above the one reached, then the
    /// caveats of its credits (docs/evaluation.md); in JSON, every criterion's outcome.
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
    /// Judge JSON Lines on N threads (default: the cores available); the
    /// results keep the input order either way (docs/performance.md).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
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
    let mut err = String::new();
    let rules = load_rules_into(paths, true, &mut err);
    super::print_err(&err);
    rules
}

/// [`load_rules`], with what it prints on stderr appended to `err` instead,
/// and policies compiled with the decision procedure's pass only when
/// `decide` (see [`super::compile_policies_into`]).
pub fn load_rules_into(paths: &[PathBuf], decide: bool, err: &mut String) -> Result<RuleSet, Exit> {
    if let [single] = paths
        && single.extension().is_some_and(|e| e == "json")
    {
        let bytes = match crate::limited::read_file(single, crate::limited::MAX_RULE_SET_BYTES) {
            Ok(bytes) => bytes,
            Err(e @ crate::limited::ReadError::Io(_)) => {
                err.push_str(&format!("error: cannot read `{}`: {e}\n", single.display()));
                return Err(Exit::Usage);
            }
            Err(e) => {
                let (name, help) = (single.display(), e.help());
                err.push_str(&format!(
                    "error: cannot read the rule set `{name}`: {e}\n  help: {help}\n"
                ));
                return Err(Exit::Failure);
            }
        };
        return serde_json::from_slice(&bytes).map_err(|e| {
            err.push_str(&format!(
                "error: `{}` is not a labelc rule set: {e}\n",
                single.display()
            ));
            Exit::Failure
        });
    }
    super::compile_policies_into(paths, "evaluated", decide, err)
}

struct Run<'p, 'r, W: Write> {
    program: &'p Program<'r>,
    args: &'p Args,
    out: W,
    /// The JSON line being written (reused).
    line: Vec<u8>,
    counts: BTreeMap<Option<i64>, usize>,
    /// Products the scheme does not cover (an excluded category, or none named for it).
    out_of_scope: usize,
    products: usize,
    errors: usize,
}

impl<W: Write> Run<'_, '_, W> {
    /// Judges one product read by [`read_products`] and writes its result
    /// or its error.
    fn one(
        &mut self,
        line: Option<usize>,
        text: Result<&str, ProductError>,
    ) -> std::io::Result<()> {
        self.products += 1;
        let input = text.as_ref().ok().copied();
        let result = text.and_then(|t| {
            if t.trim().is_empty() {
                Err(ProductError::EmptyLine)
            } else {
                self.program.evaluate_json_with(t, self.args.explain)
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
            Err(error) => {
                self.errors += 1;
                let id = input.and_then(crate::eval::line_id);
                self.write_error(line.unwrap_or(1), id.as_deref(), &error)
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
                writeln!(
                    self.out,
                    "{}",
                    crate::report::explain(outcome, self.program)
                )
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

    fn write_error(
        &mut self,
        line: usize,
        id: Option<&str>,
        error: &ProductError,
    ) -> std::io::Result<()> {
        let message = error.to_string();
        match self.args.format {
            Format::Json => {
                serde_json::to_writer(
                    &mut self.out,
                    &LineError {
                        format: EvalFormat,
                        line,
                        id,
                        code: error.code(),
                        error: &message,
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
    let program = match prepare(&rules, &args.scheme, as_of) {
        Ok(p) => p,
        Err(exit) => return exit,
    };
    let input: Box<dyn Read> = if args.facts.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(&args.facts) {
            Ok(f) => Box::new(f),
            Err(e) => return usage_error(&format!("cannot read `{}`: {e}", args.facts.display())),
        }
    };
    let input = super::progress::reader("eval", super::progress::length_of(&args.facts), input);
    let mut input = BufReader::with_capacity(1 << 16, input);
    judge_all(&program, args, &mut input)
}

/// Chooses the scheme version and prepares it; says which version an
/// unpinned id means when it is a choice, or when the version chosen is
/// not in force on the date.
fn prepare<'r>(
    rules: &'r RuleSet,
    scheme: &str,
    as_of: jiff::civil::Date,
) -> Result<Program<'r>, Exit> {
    let selection = rules
        .select(scheme, as_of)
        .map_err(|e| input_error(&e.to_string()))?;
    let program = Program::new(rules, selection.index, as_of)
        .map_err(|e| input_error(&format!("the rule set cannot be evaluated: {e}")))?;
    let worth_saying = selection.versions > 1
        || !matches!(
            selection.picked,
            None | Some(crate::resolve::Picked::InForce | crate::resolve::Picked::Undated)
        );
    if worth_saying && let Some(text) = crate::rules::describe(&selection, rules, scheme, as_of) {
        print_err(&format!(
            "note: {text} (pin one with `--scheme {}`)\n",
            program.scheme.key()
        ));
    }
    Ok(program)
}

/// [`read_products`] with the products judged on `jobs` threads
/// ([`crate::eval::batch`]), each chunk into a `Run` of its own whose output
/// and counts `run` takes in input order.
fn in_parallel<W: Write>(
    jobs: usize,
    input: &mut dyn BufRead,
    run: &mut Run<'_, '_, W>,
) -> std::io::Result<Products> {
    let (program, args) = (run.program, run.args);
    let work = |chunk: &batch::Chunk| {
        let mut part = Run {
            program,
            args,
            out: Vec::with_capacity(1 << 16),
            line: Vec::with_capacity(4096),
            counts: BTreeMap::new(),
            out_of_scope: 0,
            products: 0,
            errors: 0,
        };
        let written = chunk
            .iter()
            .try_for_each(|(line, text)| part.one(line, text));
        (part, written)
    };
    let mut consume = |(part, written): (Run<'_, '_, Vec<u8>>, std::io::Result<()>)| {
        written?;
        run.out.write_all(&part.out)?;
        for (level, n) in part.counts {
            *run.counts.entry(level).or_default() += n;
        }
        run.out_of_scope += part.out_of_scope;
        run.products += part.products;
        run.errors += part.errors;
        Ok(())
    };
    batch::ordered(
        jobs,
        &work,
        |lines| read_products(input, &mut |line, text| lines.line(line, text)),
        &mut consume,
    )
}

/// The batch loop: judges every product of `input` in order, writes each
/// result to stdout and, for JSON Lines, the summary to stderr.
fn judge_all(program: &Program<'_>, args: &Args, input: &mut dyn BufRead) -> Exit {
    let stdout = std::io::stdout();
    let mut run = Run {
        program,
        args,
        out: BufWriter::with_capacity(1 << 16, stdout.lock()),
        line: Vec::with_capacity(4096),
        counts: BTreeMap::new(),
        out_of_scope: 0,
        products: 0,
        errors: 0,
    };
    let streamed = match batch::jobs(args.jobs) {
        1 => read_products(input, &mut |line, text| run.one(line, text)),
        jobs => in_parallel(jobs, input, &mut run),
    };
    let streamed = streamed.and_then(|shape| {
        run.out.flush()?;
        Ok(shape)
    });
    let judged = if run.errors > 0 {
        Exit::Failure
    } else {
        Exit::Success
    };
    match streamed {
        Ok(Products::Lines) => {
            print_err(&run.summary());
            judged
        }
        Ok(Products::Object | Products::Empty) => judged,
        // The reader of standard output has gone: stop reading products, quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => judged,
        Err(e) => usage_error(&format!("cannot read or write: {e}")),
    }
}

impl<W: Write> Run<'_, '_, W> {
    /// The summary line of a JSON Lines run: products, levels, errors.
    fn summary(&self) -> String {
        let mut levels: Vec<String> = self
            .counts
            .iter()
            .map(|(l, n)| {
                format!(
                    "{}: {n}",
                    l.map_or("no level".to_string(), |l| format!("level {l}"))
                )
            })
            .collect();
        if self.out_of_scope > 0 {
            levels.push(format!("out of scope: {}", self.out_of_scope));
        }
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} against {} as of {}: {}; {}\n",
            plural(self.products, "product", "products"),
            self.program.scheme.key(),
            self.program.as_of,
            if levels.is_empty() {
                "none evaluated".to_string()
            } else {
                levels.join(", ")
            },
            plural(self.errors, "error", "errors")
        )
    }
}
