//! The `labelc` binary: parse the command line, run the subcommand, exit with its code.

use clap::Parser;

fn main() {
    let cli = labelc::cli::Cli::parse();
    let exit = labelc::cli::run(cli);
    std::process::exit(exit as i32);
}
