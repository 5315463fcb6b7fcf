//! The emitter behind `labelc fmt`: tokens go out one at a time, each copied
//! from the source, with the whitespace the layout asks for in front of it.
//! Comments are not in the parse tree (the grammar skips them), so they are
//! found by a scan of the text and written back by position: before each
//! token, every comment that starts before it is flushed. A comment on the
//! same source line as the token before it stays at the end of that line; any
//! other comment gets a line of its own. That is what keeps every comment, in
//! order, next to what it was written beside.

/// Where a comment is in the source.
#[derive(Clone, Copy, Debug)]
pub(super) struct Comment {
    pub start: usize,
    pub end: usize,
}

/// Finds every `// …` and `/* … */` comment, skipping string literals (a URL
/// in a string holds `//`). Same lexing as the grammar: strings end at a
/// newline, block comments do not nest.
pub(super) fn scan_comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (b, bytes.get(i + 1)) {
            (b'/', Some(b'/')) => {
                let end = find(bytes, i, b"\n");
                // A `\r` before the newline is line ending, not comment.
                let end = if end > i && bytes.get(end - 1) == Some(&b'\r') {
                    end - 1
                } else {
                    end
                };
                comments.push(Comment { start: i, end });
                i = end;
            }
            (b'/', Some(b'*')) => {
                let end = (find(bytes, i + 2, b"*/") + 2).min(bytes.len());
                comments.push(Comment { start: i, end });
                i = end;
            }
            (b'"', _) => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    comments
}

fn find(bytes: &[u8], from: usize, pattern: &[u8]) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.windows(pattern.len()).position(|w| w == pattern))
        .map_or(bytes.len(), |n| from + n)
}

/// Whether a blank line may separate the next line from the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Blank {
    /// Never (the first member of a block, continuation lines).
    Never,
    /// When the source has one there (several collapse into one).
    Keep,
    /// Always (around items and members that have a block).
    Force,
}

#[derive(Clone, Copy, Debug)]
enum Pending {
    /// The next token follows directly.
    Nothing,
    Space,
    /// The next token starts a line indented by `indent` columns; own-line
    /// comments flushed before it are indented by `comment_indent`.
    Line {
        indent: usize,
        comment_indent: usize,
        blank: Blank,
    },
}

pub(super) struct Printer<'a> {
    text: &'a str,
    comments: Vec<Comment>,
    /// The next comment to flush.
    next: usize,
    out: String,
    pending: Pending,
    /// Source offset where the last token or comment written ends.
    last_end: Option<usize>,
    /// Indentation of a line break that a comment forces in the middle of a line.
    cont: usize,
}

impl<'a> Printer<'a> {
    pub fn new(text: &'a str) -> Printer<'a> {
        Printer {
            text,
            comments: scan_comments(text),
            next: 0,
            out: String::with_capacity(text.len() + text.len() / 8),
            pending: Pending::Nothing,
            last_end: None,
            cont: 0,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Whether a comment starts inside `start..end`.
    pub fn has_comment(&self, start: usize, end: usize) -> bool {
        let i = self.comments.partition_point(|c| c.start < start);
        self.comments.get(i).is_some_and(|c| c.start < end)
    }

    /// Asks for a space before the next token (unless a line break is pending).
    pub fn space(&mut self) {
        if let Pending::Nothing = self.pending {
            self.pending = Pending::Space;
        }
    }

    /// Asks for the next token to start a line.
    pub fn line(&mut self, indent: usize, blank: Blank) {
        self.pending = Pending::Line {
            indent,
            comment_indent: indent,
            blank,
        };
    }

    /// A closing brace at `indent`; comments before it belong to the block's
    /// inside and are indented by `inner`.
    pub fn closing_line(&mut self, indent: usize, inner: usize) {
        self.pending = Pending::Line {
            indent,
            comment_indent: inner,
            blank: Blank::Never,
        };
    }

    /// Whether a line break is pending.
    pub fn at_line_break(&self) -> bool {
        matches!(self.pending, Pending::Line { .. })
    }

    /// Sets the indentation used when a comment breaks a line in the middle.
    pub fn set_cont(&mut self, indent: usize) {
        self.cont = indent;
    }

    /// The column the next token starts at, counted in characters.
    pub fn column(&self) -> usize {
        match self.pending {
            Pending::Line { indent, .. } => indent,
            Pending::Space => self.current_column() + 1,
            Pending::Nothing => self.current_column(),
        }
    }

    fn current_column(&self) -> usize {
        let line_start = self.out.rfind('\n').map_or(0, |i| i + 1);
        self.out.get(line_start..).map_or(0, |l| l.chars().count())
    }

    /// Indentation of the line the next token lands on.
    pub fn line_indent(&self) -> usize {
        match self.pending {
            Pending::Line { indent, .. } => indent,
            _ => {
                let line_start = self.out.rfind('\n').map_or(0, |i| i + 1);
                self.out
                    .get(line_start..)
                    .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
            }
        }
    }

    /// Writes the source text `start..end` as the next token.
    pub fn token(&mut self, start: usize, end: usize) {
        self.flush_comments(start);
        match self.pending {
            Pending::Nothing => {}
            Pending::Space => self.out.push(' '),
            Pending::Line { indent, blank, .. } => {
                if !self.out.is_empty() {
                    self.out.push('\n');
                    if self.blank_wanted(blank, start) {
                        self.out.push('\n');
                    }
                }
                self.indent(indent);
            }
        }
        self.pending = Pending::Nothing;
        self.out.push_str(self.text.get(start..end).unwrap_or(""));
        self.last_end = Some(end);
    }

    /// Writes `text` right after the last token, before any comment that
    /// follows it (the trailing comma of a broken list).
    pub fn push_after_token(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Flushes the comments left at the end of the file and returns the text,
    /// ending with one newline (empty when there is nothing at all).
    pub fn finish(mut self) -> String {
        self.line(0, Blank::Keep);
        self.flush_comments(self.text.len());
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }

    fn blank_wanted(&self, blank: Blank, before: usize) -> bool {
        match blank {
            Blank::Never => false,
            Blank::Force => true,
            Blank::Keep => self.blank_in_source_before(before),
        }
    }

    /// Whether the whitespace right before `pos` holds an empty line.
    fn blank_in_source_before(&self, pos: usize) -> bool {
        let before = self.text.get(..pos).unwrap_or("");
        let gap = before.len() - before.trim_end_matches([' ', '\t', '\r', '\n']).len();
        before
            .get(before.len() - gap..)
            .is_some_and(|ws| ws.matches('\n').count() >= 2)
    }

    fn indent(&mut self, columns: usize) {
        self.out.extend(std::iter::repeat_n(' ', columns));
    }

    fn flush_comments(&mut self, before: usize) {
        while let Some(&comment) = self.comments.get(self.next) {
            if comment.start >= before {
                break;
            }
            self.next += 1;
            self.comment(comment);
        }
    }

    fn comment(&mut self, comment: Comment) {
        let raw = self.text.get(comment.start..comment.end).unwrap_or("");
        let is_line = raw.starts_with("//");
        let trailing = self.last_end.is_some_and(|end| {
            self.text
                .get(end..comment.start)
                .is_some_and(|gap| !gap.contains('\n'))
        });
        if trailing {
            self.out.push(' ');
            self.push_comment_text(raw);
            if is_line && !self.at_line_break() {
                // Whatever comes next cannot share the line with a `//` comment.
                self.line(self.cont, Blank::Never);
            } else if !is_line {
                self.space();
            }
        } else {
            let (indent, blank, resume) = match self.pending {
                Pending::Line {
                    indent,
                    comment_indent,
                    blank,
                } => (comment_indent, blank, Some(indent)),
                _ => (self.cont, Blank::Never, None),
            };
            if !self.out.is_empty() {
                self.out.push('\n');
                if self.blank_wanted(blank, comment.start) {
                    self.out.push('\n');
                }
            }
            self.indent(indent);
            self.push_comment_text(raw);
            // What follows an own-line comment starts a line of its own.
            self.pending = Pending::Line {
                indent: resume.unwrap_or(self.cont),
                comment_indent: indent,
                blank: if blank == Blank::Never && resume.is_none() {
                    Blank::Never
                } else {
                    Blank::Keep
                },
            };
        }
        self.last_end = Some(comment.end);
    }

    /// A comment as written, less trailing whitespace on each of its lines.
    fn push_comment_text(&mut self, raw: &str) {
        let mut lines = raw.split('\n').peekable();
        while let Some(line) = lines.next() {
            // Only the whitespace of the language (and a CRLF's CR): other
            // Unicode spaces, such as U+00A0, are comment text and kept.
            self.out.push_str(line.trim_end_matches([' ', '\t', '\r']));
            if lines.peek().is_some() {
                self.out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_in_strings_are_not_comments() {
        let text = "url \"https://example.org/*x*/\" // real\n/* block */";
        let found: Vec<&str> = scan_comments(text)
            .iter()
            .filter_map(|c| text.get(c.start..c.end))
            .collect();
        assert_eq!(found, ["// real", "/* block */"]);
    }

    #[test]
    fn an_unterminated_block_comment_runs_to_the_end() {
        let text = "a /* open";
        let found = scan_comments(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found.first().map(|c| c.end), Some(text.len()));
    }
}
