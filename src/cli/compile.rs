//! `labelc compile PATH... [-o FILE]`: the rule set as JSON.

use std::path::PathBuf;

use super::{Exit, print_out, usage_error, write_atomically};

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
    let rules = match super::compile_policies(&args.paths, "written") {
        Ok(rules) => rules,
        Err(exit) => return exit,
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
