//! The `labelc` binary: the command line lives in the library
//! ([`labelc::main_cli`]); this runs it and exits with its status.

fn main() {
    std::process::exit(labelc::main_cli());
}
