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

    /// Adds a file that is over [`MAX_FILE_BYTES`] (`size` when known: a
    /// stream is not read past the limit) as empty text, with its diagnostic.
    pub fn add_too_large(
        &mut self,
        name: impl Into<String>,
        size: Option<u64>,
    ) -> (FileId, Diagnostic) {
        let name = name.into();
        let id = self.add(name.clone(), String::new());
        let size = size.map_or_else(|| "more than".to_string(), |size| format!("{size} bytes,"));
        let diag = Diagnostic::new(
            Code::FileTooLarge,
            format!("`{name}` is {size} more than the limit of {MAX_FILE_BYTES} bytes"),
            Span::new(id, 0, 0),
            "this file",
        )
        .with_help("split the policy into several files: a directory is compiled as one unit");
        (id, diag)
    }

    /// Adds what [`read_limited`] read: the text, or the diagnostic of a too large file.
    pub fn add_read(
        &mut self,
        name: impl Into<String>,
        read: Limited,
    ) -> (FileId, Option<Diagnostic>) {
        match read {
            Limited::Bytes(bytes) => self.add_bytes(name, bytes),
            Limited::TooLarge(size) => {
                let (id, diag) = self.add_too_large(name, size);
                (id, Some(diag))
            }
        }
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
            let size = u64::try_from(bytes.len()).ok();
            let (id, diag) = self.add_too_large(name, size);
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
                let diag = Diagnostic::new(
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

/// What [`read_limited`] read.
#[derive(Debug)]
pub enum Limited {
    /// The whole input, at most [`MAX_FILE_BYTES`].
    Bytes(Vec<u8>),
    /// Over the limit: the size when the file system knows it (a regular
    /// file, not read at all), `None` for a stream (read up to the limit only).
    TooLarge(Option<u64>),
}

/// Reads a policy from a file (`None`: standard input) without ever holding
/// more than [`MAX_FILE_BYTES`] + 1 bytes: a regular file larger than the
/// limit is refused from its size, unread; a stream (`/dev/zero`, a pipe) is
/// read up to the limit and no further.
pub fn read_limited(path: Option<&Path>) -> std::io::Result<Limited> {
    use std::io::Read as _;
    let limit = u64::try_from(MAX_FILE_BYTES).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    match path {
        Some(path) => {
            let file = std::fs::File::open(path)?;
            let meta = file.metadata()?;
            if meta.is_file() && meta.len() > limit {
                return Ok(Limited::TooLarge(Some(meta.len())));
            }
            file.take(limit + 1).read_to_end(&mut bytes)?;
        }
        None => {
            std::io::stdin()
                .lock()
                .take(limit + 1)
                .read_to_end(&mut bytes)?;
        }
    }
    Ok(if bytes.len() > MAX_FILE_BYTES {
        Limited::TooLarge(None)
    } else {
        Limited::Bytes(bytes)
    })
}

/// The policy files `paths` stand for, by the rules of [`PolicyWalk`]
/// (its warnings dropped).
pub fn collect_policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut walk = PolicyWalk::new();
    let mut out = Vec::new();
    for path in paths {
        out.extend(walk.collect(path)?);
    }
    Ok(out)
}

/// Finds the policy files the command-line paths stand for; one walker serves
/// all the paths of a command, so no file is taken twice.
///
/// A path named on the command line is taken as given, whatever its type or
/// extension (a FIFO named there is read, and may block, as with any Unix
/// tool). Below a directory: every `*.policy` regular file, in sorted order;
/// names beginning with `.` (files and directories: `.git`, editor and
/// temporary files) are left out; symbolic links are followed, but a file or
/// directory reached twice (by a link, or named twice) is taken once, so link
/// cycles end; a `*.policy` entry that is not a regular file (a FIFO, a
/// socket, a device) or a broken link is skipped with a warning in
/// [`PolicyWalk::skipped`].
#[derive(Debug, Default)]
pub struct PolicyWalk {
    seen: std::collections::HashSet<PathBuf>,
    /// One message per entry skipped with a warning: "`p`: why".
    pub skipped: Vec<String>,
    /// Policy files the last [`PolicyWalk::collect`] met, taken before or not:
    /// zero means the path holds none.
    pub met: usize,
}

impl PolicyWalk {
    pub fn new() -> PolicyWalk {
        PolicyWalk::default()
    }

    /// The policy files `path` stands for that were not found before.
    pub fn collect(&mut self, path: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
        let mut out = Vec::new();
        self.met = 0;
        if path.is_dir() {
            if self.first_visit(path) {
                self.walk(path, &mut out)?;
            } else {
                // Named again: what it holds was counted the first time.
                self.met = 1;
            }
        } else if self.first_visit(path) {
            // Plain files are taken as given, whatever their extension; a missing
            // one surfaces as an error when it is read.
            out.push(path.to_path_buf());
            self.met = 1;
        } else {
            self.met = 1;
        }
        Ok(out)
    }

    /// Whether `path` (a file or directory, links resolved) is met for the first time.
    fn first_visit(&mut self, path: &Path) -> bool {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.seen.insert(key)
    }

    fn walk(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), std::io::Error> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            entries.push(entry.path());
        }
        entries.sort();
        for path in entries {
            let is_policy = path.extension().is_some_and(|e| e == "policy");
            // `metadata` follows links: a linked file or directory counts as what it points to.
            match std::fs::metadata(&path) {
                // A directory reached again (a link to it, a link cycle) is not walked again.
                Ok(meta) if meta.is_dir() && self.first_visit(&path) => self.walk(&path, out)?,
                Ok(meta) if meta.is_dir() => {}
                Ok(meta) if is_policy && meta.is_file() => {
                    self.met += 1;
                    if self.first_visit(&path) {
                        out.push(path);
                    }
                }
                Ok(meta) if is_policy => self.skipped.push(format!(
                    "`{}`: {}, not a regular file",
                    path.display(),
                    kind_of(&meta)
                )),
                Err(e) if is_policy => self
                    .skipped
                    .push(format!("`{}`: cannot be read ({e})", path.display())),
                _ => {}
            }
        }
        Ok(())
    }
}

/// What kind of file system entry `meta` is, for a warning.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let ty = meta.file_type();
        if ty.is_fifo() {
            return "a FIFO";
        }
        if ty.is_socket() {
            return "a socket";
        }
        if ty.is_block_device() || ty.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}
