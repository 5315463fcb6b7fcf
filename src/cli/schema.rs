//! `labelc schema`: the JSON Schema of the compiled rule set.

use super::{Exit, usage_error};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> Exit {
    match serde_json::to_string_pretty(&crate::rules::json_schema()) {
        Ok(json) => {
            println!("{json}");
            Exit::Success
        }
        Err(e) => usage_error(&format!("cannot serialize the schema: {e}")),
    }
}
