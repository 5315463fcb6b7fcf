//! `labelc schema`: the JSON Schema of the compiled rule set.

use super::{Exit, print_out, usage_error};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the schema of `labelc plan --format json` instead of the rule set's.
    #[arg(long)]
    pub plan: bool,
}

pub fn run(args: &Args) -> Exit {
    let schema = if args.plan {
        crate::plan::json_schema()
    } else {
        crate::rules::json_schema()
    };
    match serde_json::to_string_pretty(&schema) {
        Ok(json) => match print_out(&(json + "\n")) {
            Ok(()) => Exit::Success,
            Err(exit) => exit,
        },
        Err(e) => usage_error(&format!("cannot serialize the schema: {e}")),
    }
}
