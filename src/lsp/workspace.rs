//! The documents of a workspace and their compilation: every `*.policy` file
//! under the root (as `labelc check ROOT` reads them) plus every open buffer,
//! an open buffer taking precedence over the file on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types as lt;

use super::index::{self, Occurrence};
use super::position::{LineIndex, path_to_uri, uri_to_path};
use crate::ast;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{SourceMap, collect_policy_files};
use crate::span::FileId;

#[derive(Debug)]
struct Document {
    text: String,
    open: bool,
}

/// One compilation of the workspace.
#[derive(Debug, Default)]
pub struct Analysis {
    pub sources: SourceMap,
    /// The URI of each file, by [`FileId`].
    pub uris: Vec<String>,
    /// The text of each file as the editor has it (a file too large to
    /// compile has an empty text in `sources`, its whole text here).
    pub texts: Vec<String>,
    pub lines: Vec<LineIndex>,
    pub files: Vec<ast::File>,
    /// What parsing each file reported (kept to reuse an unchanged file).
    parse_diagnostics: Vec<Vec<Diagnostic>>,
    /// Every diagnostic of the compilation, sorted.
    pub diagnostics: Vec<Diagnostic>,
    pub occurrences: Vec<Occurrence>,
}

impl Analysis {
    pub fn file_of(&self, uri: &lt::Uri) -> Option<FileId> {
        let uri = uri.as_str();
        let found = self.uris.iter().position(|u| u == uri)?;
        Some(FileId(u32::try_from(found).ok()?))
    }

    pub fn text(&self, file: FileId) -> &str {
        self.texts.get(file.0 as usize).map_or("", String::as_str)
    }

    pub fn uri(&self, file: FileId) -> Option<lt::Uri> {
        self.uris.get(file.0 as usize)?.parse().ok()
    }

    pub fn line_index(&self, file: FileId) -> Option<&LineIndex> {
        self.lines.get(file.0 as usize)
    }

    /// The byte offset of an LSP position in `file` (clamped).
    pub fn offset(&self, file: FileId, position: lt::Position) -> usize {
        self.line_index(file)
            .map_or(0, |l| l.offset(self.text(file), position))
    }

    pub fn range(&self, span: crate::span::Span) -> lt::Range {
        self.line_index(span.file)
            .map_or_else(lt::Range::default, |l| {
                l.range(self.text(span.file), span.start as usize, span.end as usize)
            })
    }

    pub fn location(&self, span: crate::span::Span) -> Option<lt::Location> {
        Some(lt::Location::new(self.uri(span.file)?, self.range(span)))
    }

    /// The file and offset a text-document position names, if the document
    /// is part of the compilation.
    pub fn locate(&self, at: &lt::TextDocumentPositionParams) -> Option<(FileId, usize)> {
        let file = self.file_of(&at.text_document.uri)?;
        Some((file, self.offset(file, at.position)))
    }

    /// The occurrence at a text-document position.
    pub fn occurrence_at(&self, at: &lt::TextDocumentPositionParams) -> Option<&Occurrence> {
        let (file, offset) = self.locate(at)?;
        index::at(&self.occurrences, file, offset)
    }

    /// The parsed files with their ids.
    pub fn parsed(&self) -> Vec<(FileId, &ast::File)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
            .collect()
    }
}

#[derive(Debug)]
pub struct Workspace {
    root: Option<PathBuf>,
    documents: BTreeMap<String, Document>,
    analysis: Analysis,
    stale: bool,
    /// URIs that had diagnostics in the last publication (to clear them).
    pub published: Vec<String>,
}

/// The workspace root the client names: its first workspace folder, else its root URI.
pub fn root_of(init: &lt::InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = init.workspace_folders.as_ref().and_then(|f| f.first()) {
        return uri_to_path(folder.uri.as_str());
    }
    #[expect(deprecated, reason = "older clients send only rootUri")]
    let root = init.root_uri.as_ref();
    root.and_then(|u| uri_to_path(u.as_str()))
}

impl Workspace {
    pub fn new(root: Option<PathBuf>) -> Workspace {
        let mut ws = Workspace {
            root,
            documents: BTreeMap::new(),
            analysis: Analysis::default(),
            stale: true,
            published: Vec::new(),
        };
        ws.reload_disk();
        ws
    }

    /// Re-reads the `*.policy` files under the root; open buffers stay as they are.
    pub fn reload_disk(&mut self) {
        self.documents.retain(|_, d| d.open);
        if let Some(root) = &self.root {
            let files = collect_policy_files(std::slice::from_ref(root)).unwrap_or_default();
            for file in files {
                let absolute = if file.is_absolute() {
                    file
                } else {
                    std::env::current_dir().unwrap_or_default().join(file)
                };
                let uri = path_to_uri(&absolute);
                if self.documents.contains_key(&uri) {
                    continue;
                }
                if let Ok(bytes) = std::fs::read(&absolute) {
                    let text = String::from_utf8(bytes)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    self.documents.insert(uri, Document { text, open: false });
                }
            }
        }
        self.stale = true;
    }

    pub fn open(&mut self, uri: &str, text: String) {
        self.documents
            .insert(uri.to_string(), Document { text, open: true });
        self.stale = true;
    }

    /// Applies edits in order; a range out of the text is clamped to it.
    pub fn change(&mut self, uri: &str, changes: &[lt::TextDocumentContentChangeEvent]) {
        let document = self
            .documents
            .entry(uri.to_string())
            .or_insert_with(|| Document {
                text: String::new(),
                open: true,
            });
        document.open = true;
        for change in changes {
            match change.range {
                None => document.text.clone_from(&change.text),
                Some(range) => {
                    let lines = LineIndex::new(&document.text);
                    let start = lines.offset(&document.text, range.start);
                    let end = lines.offset(&document.text, range.end).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
            }
        }
        self.stale = true;
    }

    /// The buffer goes back to the file on disk (or out of the compilation).
    pub fn close(&mut self, uri: &str) {
        let on_disk = uri_to_path(uri)
            .filter(|p| self.under_root(p) && p.extension().is_some_and(|e| e == "policy"))
            .and_then(|p| std::fs::read_to_string(p).ok());
        match on_disk {
            Some(text) => {
                self.documents
                    .insert(uri.to_string(), Document { text, open: false });
            }
            None => {
                self.documents.remove(uri);
            }
        }
        self.stale = true;
    }

    fn under_root(&self, path: &Path) -> bool {
        self.root.as_ref().is_some_and(|r| path.starts_with(r))
    }

    /// The current compilation, recompiled if anything changed.
    pub fn analysis(&mut self) -> &Analysis {
        if self.stale {
            let previous = std::mem::take(&mut self.analysis);
            self.analysis = analyze(&self.documents, previous);
            self.stale = false;
        }
        &self.analysis
    }
}

/// Compiles the documents; files whose id and text are those of `previous`
/// are not parsed again.
fn analyze(documents: &BTreeMap<String, Document>, mut previous: Analysis) -> Analysis {
    let mut analysis = Analysis::default();
    let mut early = Vec::new();
    for (uri, document) in documents {
        let name = uri_to_path(uri).map_or_else(|| uri.clone(), |p| p.display().to_string());
        let (_, diagnostic) = analysis
            .sources
            .add_bytes(name, document.text.clone().into_bytes());
        early.push(diagnostic);
        analysis.uris.push(uri.clone());
        analysis.lines.push(LineIndex::new(&document.text));
        analysis.texts.push(document.text.clone());
    }
    let mut diagnostics = Diagnostics::new();
    for (i, (id, file)) in analysis.sources.iter().enumerate() {
        let same = previous.uris.get(i) == analysis.uris.get(i)
            && previous.texts.get(i) == analysis.texts.get(i);
        let (ast, parsed) = match (early.get(i).cloned().flatten(), same) {
            (Some(d), _) => (ast::File::default(), vec![d]),
            (None, true) => (
                previous
                    .files
                    .get_mut(i)
                    .map(std::mem::take)
                    .unwrap_or_default(),
                previous
                    .parse_diagnostics
                    .get_mut(i)
                    .map(std::mem::take)
                    .unwrap_or_default(),
            ),
            (None, false) => {
                let mut own = Diagnostics::new();
                let ast = crate::syntax::parse_file(id, &file.text, &mut own);
                (ast, own.into_sorted())
            }
        };
        diagnostics.extend(parsed.iter().cloned());
        analysis.files.push(ast);
        analysis.parse_diagnostics.push(parsed);
    }
    let model = crate::resolve::resolve(&analysis.files, &mut diagnostics);
    crate::check::check(&model, &mut diagnostics);
    drop(model);
    analysis.diagnostics = diagnostics.into_sorted();
    analysis.occurrences = index::occurrences(&analysis.parsed());
    analysis
}
