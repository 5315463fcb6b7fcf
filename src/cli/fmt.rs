//! `labelc fmt PATH... [--check]`: rewrite policy files in the canonical layout.

use std::path::{Path, PathBuf};

use super::{
    Exit, color_stderr, print_err, print_out, usage_error, warn_skipped, write_atomically,
};
use crate::diag::render::render_human;
use crate::fmt::format_text;
use crate::source::{Limited, SourceMap, read_limited};

#[derive(Debug, clap::Args)]
#[command(after_help = concat!("\
Layout rules: docs/language.md, section \"Layout (labelc fmt)\". Formatting changes whitespace
only: items, fields and comments stay as written, in order. A file with syntax errors is left
untouched (exit 1).

", super::exit_codes!()))]
pub struct Args {
    /// Policy files or directories (every `*.policy` below them); `-` formats
    /// standard input to standard output.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write nothing; print a unified diff for each file that would change and
    /// exit 1 if any would.
    #[arg(long)]
    pub check: bool,
}

/// What happened to one file.
enum Fate {
    Unchanged,
    Changed,
    Invalid,
}

pub fn run(args: &Args) -> Exit {
    let crate::fs::PolicyPaths { stdin, files } =
        match crate::fs::policy_paths(&args.paths, &mut warn_skipped) {
            Ok(found) => found,
            Err(e) => return usage_error(&e.to_string()),
        };
    let (mut changed, mut unchanged, mut invalid) = (0usize, 0usize, 0usize);
    let mut count = |fate: Fate| match fate {
        Fate::Unchanged => unchanged += 1,
        Fate::Changed => changed += 1,
        Fate::Invalid => invalid += 1,
    };
    if stdin {
        let read = match read_limited(None) {
            Ok(read) => read,
            Err(e) => return usage_error(&format!("cannot read standard input: {e}")),
        };
        match format_one("<stdin>", read, args.check, None) {
            Ok(fate) => count(fate),
            Err(exit) => return exit,
        }
    }
    for file in &files {
        let read = match read_limited(Some(file)) {
            Ok(read) => read,
            Err(e) => return usage_error(&format!("cannot read `{}`: {e}", file.display())),
        };
        match format_one(&file.display().to_string(), read, args.check, Some(file)) {
            Ok(fate) => count(fate),
            Err(exit) => return exit,
        }
    }
    if !files.is_empty() {
        let verb = if args.check {
            "would be reformatted"
        } else {
            "reformatted"
        };
        let mut summary = format!(
            "{} {verb}, {unchanged} already formatted",
            crate::text::count(changed, "file", "files")
        );
        if invalid > 0 {
            summary.push_str(&format!(", {invalid} with syntax errors left untouched"));
        }
        print_err(&format!("{summary}\n"));
    }
    if invalid > 0 || (args.check && changed > 0) {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// Formats one file's bytes. `path` is where to write the result back; `None`
/// means standard input, whose result goes to standard output.
fn format_one(name: &str, read: Limited, check: bool, path: Option<&Path>) -> Result<Fate, Exit> {
    let mut sources = SourceMap::new();
    let (id, early) = sources.add_read(name, read);
    let result = match early {
        Some(diagnostic) => Err(vec![diagnostic]),
        None => {
            let text = sources.get(id).map_or("", |f| f.text.as_str());
            format_text(id, text)
        }
    };
    let formatted = match result {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            print_err(&render_human(&diagnostics, &sources, color_stderr(), 100));
            return Ok(Fate::Invalid);
        }
    };
    let original = sources.get(id).map_or("", |f| f.text.as_str());
    let fate = if formatted == original {
        Fate::Unchanged
    } else {
        Fate::Changed
    };
    let written = match (check, path, &fate) {
        (true, _, Fate::Changed) => {
            let diff = similar::TextDiff::from_lines(original, formatted.as_str());
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(name, &format!("{name} (formatted)"))
                .to_string();
            print_out(&text)
        }
        (true, _, _) => Ok(()),
        (false, None, _) => print_out(&formatted),
        (false, Some(path), Fate::Changed) => {
            return match write_atomically(path, formatted.as_bytes()) {
                Ok(()) => Ok(fate),
                Err(e) => Err(usage_error(&format!(
                    "cannot write `{}`: {e}",
                    path.display()
                ))),
            };
        }
        (false, Some(_), _) => Ok(()),
    };
    written.map(|()| fate)
}
