//! `labelc compile PATH... [-o FILE]`: the rule set as JSON.

use std::path::PathBuf;

use super::{
    Exit, color_stderr, input_error, load, print_err, print_out, usage_error, write_atomically,
};
use crate::compile_sources;
use crate::diag::render_human;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories (every `*.policy` below them); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write the rule set to FILE (atomically: a temporary file renamed into place) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args) -> Exit {
    let (sources, early) = match load(&args.paths) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    let (outcome, rules) = compile_sources(&sources, early);
    print_err(&render_human(
        &outcome.diagnostics,
        &sources,
        color_stderr(),
        100,
    ));
    let Some(rules) = rules else {
        return input_error(&format!(
            "{} in the input; nothing was written",
            crate::text::count(outcome.error_count(), "error", "errors")
        ));
    };
    let mut json = match serde_json::to_string_pretty(&rules) {
        Ok(json) => json,
        Err(e) => return usage_error(&format!("cannot serialize the rule set: {e}")),
    };
    json.push('\n');
    match &args.output {
        None => match print_out(&json) {
            Ok(()) => Exit::Success,
            Err(exit) => exit,
        },
        Some(path) => match write_atomically(path, json.as_bytes()) {
            Ok(()) => Exit::Success,
            Err(e) => usage_error(&format!("cannot write `{}`: {e}", path.display())),
        },
    }
}
