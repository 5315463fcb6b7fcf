//! `labelc export TARGET ...`: the rule set in another format, one
//! subcommand per target.

use super::{Exit, export_oscal};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub target: Export,
}

#[derive(Debug, clap::Subcommand)]
pub enum Export {
    /// OSCAL (JSON): a catalog per scheme version, a profile per level, a
    /// mapping collection per pair of scheme versions with recognitions.
    #[command(after_help = export_oscal::AFTER_HELP)]
    Oscal(export_oscal::Args),
}

pub fn run(args: &Args) -> Exit {
    match &args.target {
        Export::Oscal(args) => export_oscal::run(args),
    }
}
