//! `labelc import oscal CATALOG.json [-o FILE.policy]`: a policy skeleton
//! from an OSCAL catalog.

use std::path::PathBuf;

use super::{Exit, input_error, print_out, usage_error, write_atomically};
use crate::export::oscal::import_catalog;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub source: Import,
}

#[derive(Debug, clap::Subcommand)]
pub enum Import {
    /// An OSCAL catalog (JSON): one criterion per control, title and citation
    /// kept, each `status pending "no condition written yet"`; laid out as
    /// `labelc fmt` does. A file that is not an OSCAL catalog is an error
    /// (exit 1) and nothing is written.
    #[command(after_help = super::EXIT_CODES)]
    Oscal(OscalArgs),
}

#[derive(Debug, clap::Args)]
pub struct OscalArgs {
    /// The OSCAL catalog, JSON (`-` reads standard input).
    pub catalog: PathBuf,
    /// Write the skeleton to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args) -> Exit {
    match &args.source {
        Import::Oscal(args) => run_oscal(args),
    }
}

fn run_oscal(args: &OscalArgs) -> Exit {
    let text = if args.catalog.as_os_str() == "-" {
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            return usage_error(&format!("cannot read standard input: {e}"));
        }
        text
    } else {
        match std::fs::read_to_string(&args.catalog) {
            Ok(text) => text,
            Err(e) => {
                return usage_error(&format!("cannot read `{}`: {e}", args.catalog.display()));
            }
        }
    };
    let policy = match import_catalog(&text) {
        Ok(policy) => policy,
        Err(e) => {
            return input_error(&format!(
                "`{}` is {e}; nothing was written",
                args.catalog.display()
            ));
        }
    };
    match &args.output {
        None => match print_out(&policy) {
            Ok(()) => Exit::Success,
            Err(exit) => exit,
        },
        Some(path) => match write_atomically(path, policy.as_bytes()) {
            Ok(()) => Exit::Success,
            Err(e) => usage_error(&format!("cannot write `{}`: {e}", path.display())),
        },
    }
}
