//! `labelc export oscal PATH... [--scheme ID]... --out DIR`: OSCAL catalogs,
//! level profiles and mapping collections (docs/export.md).

use std::path::PathBuf;

use super::{Exit, exit_codes, input_error, print_out, usage_error, write_atomically};
use crate::export::oscal::{self, ExportError, Options};

pub const AFTER_HELP: &str = concat!(
    "\
Files written under DIR (the layout of a compliance-trestle workspace):
  catalogs/ID-VERSION/catalog.json                    one control per criterion
  profiles/ID-VERSION-level-RANK/profile.json         the controls the level requires
  mapping-collections/FROM--TO/mapping-collection.json  the recognitions of FROM towards TO
Hrefs between them start with --href-base (default `trestle://`); `--href-base ../../`
makes them relative. The same input gives byte-identical files. The field-by-field
mapping and what OSCAL cannot carry are in docs/export.md.

",
    exit_codes!()
);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories (every `*.policy` below them); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Export only this scheme: an id (every version) or `id@version`; repeatable.
    /// Default: every scheme.
    #[arg(long = "scheme", value_name = "ID")]
    pub schemes: Vec<String>,
    /// The directory to write into (created if missing; files already there
    /// with the same names are replaced).
    #[arg(long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// OSCAL `last-modified` of every document (YYYY-MM-DD or an RFC 3339
    /// date-time). Default: the scheme's `effective` date, else the latest
    /// `issued` date of its sources; never the clock.
    #[arg(long = "last-modified", value_name = "DATE")]
    pub last_modified: Option<String>,
    /// Start of the hrefs from profiles and mapping collections to the files
    /// they refer to.
    #[arg(long = "href-base", value_name = "PREFIX", default_value = oscal::DEFAULT_HREF_BASE)]
    pub href_base: String,
}

pub fn run(args: &Args) -> Exit {
    let rules = match super::compile_policies(&args.paths, "written") {
        Ok(rules) => rules,
        Err(exit) => return exit,
    };
    let options = Options {
        schemes: args.schemes.clone(),
        last_modified: args.last_modified.clone(),
        href_base: args.href_base.clone(),
    };
    let files = match oscal::export(&rules, &options) {
        Ok(files) => files,
        Err(e @ ExportError::BadLastModified(_)) => return usage_error(&e.to_string()),
        Err(e) => return input_error(&format!("{e}; nothing was written")),
    };
    for file in &files {
        let path = args.out.join(&file.path);
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return usage_error(&format!("cannot create `{}`: {e}", dir.display()));
        }
        if let Err(e) = write_atomically(&path, file.json.as_bytes()) {
            return usage_error(&format!("cannot write `{}`: {e}", path.display()));
        }
    }
    match print_out(&format!(
        "wrote {} OSCAL file(s) under {}\n",
        files.len(),
        args.out.display()
    )) {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}
