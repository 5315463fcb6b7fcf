//! The source files of one compilation: read once, kept once, and looked up by
//! [`FileId`] when diagnostics are rendered.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::span::{FileId, Span};

/// Files larger than this are refused with a diagnostic before parsing.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// One source file: its display name, the path the rule set records, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name diagnostics show: the path as the user gave it.
    pub name: String,
    /// The path recorded in the compiled rule set (`sources[].path`,
    /// `location.file`, and so the digest): the same wherever labelc runs.
    /// The `name` unless [`SourceMap::set_path`] says otherwise.
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: name.clone(),
            name,
            text,
            line_starts,
        }
    }

    /// 0-based index of the line holding a byte offset (found by binary
    /// search, so rendering many diagnostics stays linear in the file).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where the 0-based `line` starts; the end of the text past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

/// All files of a compilation, indexed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name.into(), text.into()));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Sets the path the rule set records for a file (see [`SourceFile::path`]).
    pub fn set_path(&mut self, id: FileId, path: impl Into<String>) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.path = path.into();
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Adds a file from raw bytes. Text that is not UTF-8 or is too large is
    /// kept (lossily decoded, or truncated to nothing) so the diagnostic can point into it,
    /// and the diagnostic is returned; such a file must not be parsed.
    pub fn add_bytes(
        &mut self,
        name: impl Into<String>,
        bytes: Vec<u8>,
    ) -> (FileId, Option<Diagnostic>) {
        let name = name.into();
        if bytes.len() > MAX_FILE_BYTES {
            let size = bytes.len();
            let id = self.add(name.clone(), String::new());
            let diag = Diagnostic::error(
                Code::FileTooLarge,
                format!("`{name}` is {size} bytes, more than the limit of {MAX_FILE_BYTES} bytes"),
                Span::new(id, 0, 0),
                "this file",
            )
            .with_help("split the policy into several files: a directory is compiled as one unit");
            return (id, Some(diag));
        }
        match String::from_utf8(bytes) {
            Ok(text) => (self.add(name, text), None),
            Err(err) => {
                let at = err.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
                // The lossy text replaces bad bytes with U+FFFD: find the same place in it.
                let lossy_at =
                    String::from_utf8_lossy(err.as_bytes().get(..at).unwrap_or_default()).len();
                let end = text
                    .get(lossy_at..)
                    .and_then(|s| s.chars().next())
                    .map_or(lossy_at, |c| lossy_at + c.len_utf8());
                let id = self.add(name.clone(), text);
                let diag = Diagnostic::error(
                    Code::InvalidUtf8,
                    format!("`{name}` is not valid UTF-8 (first bad byte at offset {at})"),
                    Span::new(id, lossy_at, end),
                    "not UTF-8",
                )
                .with_help("save the file as UTF-8; policy files are UTF-8 text");
                (id, Some(diag))
            }
        }
    }
}

/// The path the rule set records for `file`, found under `root` as given on
/// the command line: relative to `root` when it is a directory, the file name
/// when `root` is the file itself; components joined by `/`. So `policies`,
/// `./policies/` and `/abs/policies` give the same paths.
pub fn recorded_path(root: &Path, file: &Path) -> String {
    let relative = match file.strip_prefix(root) {
        Ok(rest) if !rest.as_os_str().is_empty() => rest,
        _ => Path::new(file.file_name().unwrap_or(file.as_os_str())),
    };
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// Expands the paths given on a command line into policy files: a directory
/// contributes every `*.policy` file below it, in sorted order.
pub fn collect_policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else {
            // Plain files are taken as given, whatever their extension; a missing
            // one surfaces as an error when it is read.
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), std::io::Error> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        // `file_type` does not follow symbolic links, so a link cycle cannot recurse forever;
        // a linked file is still taken.
        let kind = entry.file_type()?;
        entries.push((entry.path(), kind.is_dir()));
    }
    entries.sort();
    for (path, is_dir) in entries {
        if is_dir {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
    Ok(())
}
