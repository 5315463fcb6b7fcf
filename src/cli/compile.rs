//! `labelc compile PATH... [-o FILE]`: the rule set as JSON.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use super::{Exit, usage_error, write_atomically};

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
    match &args.output {
        None => write_stdout(&rules),
        Some(path) => {
            let mut json = match serde_json::to_vec_pretty(&rules) {
                Ok(json) => json,
                Err(e) => return usage_error(&format!("cannot serialize the rule set: {e}")),
            };
            json.push(b'\n');
            match write_atomically(path, &json) {
                Ok(()) => Exit::Success,
                Err(e) => usage_error(&format!("cannot write `{}`: {e}", path.display())),
            }
        }
    }
}

/// Writes the rule set to standard output as it is serialized, through a
/// buffer: no copy of the whole JSON text is built first (docs/performance.md).
fn write_stdout(rules: &crate::rules::RuleSet) -> Exit {
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, rules)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => Exit::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => usage_error(&format!(
            "cannot write the rule set to standard output: {e}"
        )),
    }
}
