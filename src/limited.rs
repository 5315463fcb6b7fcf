//! Reading input with a limit, so that no input (`/dev/zero`, an endless
//! line, a 2 GB file) is ever held whole: a line of JSON Lines past
//! [`MAX_PRODUCT_BYTES`] is an error for that line and the stream goes on
//! ([`read_line`]); a file past its limit is refused from its size when the
//! file system knows it, unread, and otherwise after reading one byte past
//! the limit ([`read_file`]). The limits are documented in
//! docs/hardening.md.

use std::io::{BufRead, Read as _};
use std::path::Path;

/// The longest product line of JSON Lines (`eval`, `diff --products`), and
/// the largest single product (`eval`'s one-object input, `plan --facts`).
pub const MAX_PRODUCT_BYTES: usize = 8 * 1024 * 1024;

/// The largest compiled rule set (`*.json`) that `eval`, `plan`, `diff`,
/// `relate` and `export` read: eight times the largest policy file
/// ([`crate::source::MAX_FILE_BYTES`]), far above what any policy compiles to.
pub const MAX_RULE_SET_BYTES: usize = 64 * 1024 * 1024;

/// One line as [`read_line`] read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The end of the input: no line.
    End,
    /// A line (with its newline, if it had one) of at most the limit.
    Whole,
    /// A line longer than the limit, of this many bytes (newline aside):
    /// read and dropped, never held.
    TooLong(u64),
}

/// Reads one line into `buf`, keeping at most [`MAX_PRODUCT_BYTES`] + 1 of
/// its bytes; the rest of a longer line is read and dropped.
///
/// The newline is found by the standard library's `read_until` (a word at
/// a time, not byte by byte: this runs for every product line of `eval`).
pub fn read_line(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<Line> {
    buf.clear();
    let kept = (MAX_PRODUCT_BYTES + 1) as u64;
    let read = (&mut *input).take(kept).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(Line::End);
    }
    // At most the limit and a newline were read; with no newline, a line
    // cut at the limit + 1 bytes is too long, one that ended before is whole.
    if buf.last() != Some(&b'\n') && read == MAX_PRODUCT_BYTES + 1 {
        return drop_rest(input, kept);
    }
    Ok(Line::Whole)
}

/// Reads and drops the rest of a line of which `length` bytes were kept.
fn drop_rest(input: &mut dyn BufRead, mut length: u64) -> std::io::Result<Line> {
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (used, newline) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        length += u64::try_from(used).unwrap_or(u64::MAX) - u64::from(newline);
        input.consume(used);
        if newline {
            break;
        }
    }
    Ok(Line::TooLong(length))
}

/// The message for a line [`read_line`] found too long.
pub fn line_too_long(length: u64) -> String {
    format!(
        "the line is {length} bytes, more than the limit of {MAX_PRODUCT_BYTES} bytes for a product"
    )
}

/// Why [`read_file`] returned no bytes.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The file is larger than `limit`: its size when the file system knows
    /// it (not read at all), `None` for a stream (read up to the limit only).
    TooLarge { size: Option<u64>, limit: usize },
}

impl ReadError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Io(_) => "labelc::input::unreadable",
            ReadError::TooLarge { .. } => "labelc::input::too_large",
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            ReadError::Io(_) => "check that the path names a readable file",
            ReadError::TooLarge { .. } => {
                "check that the path names the intended file; the limits are in docs/hardening.md"
            }
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::TooLarge {
                size: Some(size),
                limit,
            } => write!(
                f,
                "it is {size} bytes, more than the limit of {limit} bytes"
            ),
            ReadError::TooLarge { size: None, limit } => {
                write!(f, "it is more than the limit of {limit} bytes")
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads a whole file of at most `limit` bytes, never holding more than
/// `limit` + 1: a regular file larger than the limit is refused from its
/// size, unread; anything else (a FIFO, `/dev/zero`) is read up to the
/// limit and no further.
pub fn read_file(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let wide = u64::try_from(limit).unwrap_or(u64::MAX);
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_file() && meta.len() > wide {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
            limit,
        });
    }
    let mut bytes = Vec::new();
    file.take(wide.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_dropped_and_the_next_one_read() {
        let mut input = vec![b'x'; MAX_PRODUCT_BYTES + 10];
        input.extend_from_slice(b"\n{}\n");
        let mut reader = std::io::BufReader::new(input.as_slice());
        let mut buf = Vec::new();
        let first = read_line(&mut reader, &mut buf).ok();
        assert_eq!(first, Some(Line::TooLong(MAX_PRODUCT_BYTES as u64 + 10)));
        assert!(buf.len() <= MAX_PRODUCT_BYTES + 1);
        assert_eq!(read_line(&mut reader, &mut buf).ok(), Some(Line::Whole));
        assert_eq!(buf, b"{}\n");
        assert_eq!(read_line(&mut reader, &mut buf).ok(), Some(Line::End));
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_whole() {
        let input = vec![b'x'; MAX_PRODUCT_BYTES];
        let mut reader = std::io::BufReader::new(input.as_slice());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buf).ok(), Some(Line::Whole));
        assert_eq!(buf.len(), MAX_PRODUCT_BYTES);
    }

    #[test]
    fn the_limit_is_counted_without_the_newline() {
        // The limit and a newline: whole, newline kept; one byte more: too long by one.
        let mut input = vec![b'x'; MAX_PRODUCT_BYTES];
        input.extend_from_slice(b"\n");
        input.extend(vec![b'y'; MAX_PRODUCT_BYTES + 1]);
        input.extend_from_slice(b"\n");
        input.extend(vec![b'z'; MAX_PRODUCT_BYTES + 1]);
        let mut reader = std::io::BufReader::new(input.as_slice());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buf).ok(), Some(Line::Whole));
        assert_eq!(buf.len(), MAX_PRODUCT_BYTES + 1);
        assert_eq!(buf.last(), Some(&b'\n'));
        let long = Some(Line::TooLong(MAX_PRODUCT_BYTES as u64 + 1));
        assert_eq!(read_line(&mut reader, &mut buf).ok(), long);
        // The last line, cut by the end of the input, not by a newline.
        assert_eq!(read_line(&mut reader, &mut buf).ok(), long);
        assert_eq!(read_line(&mut reader, &mut buf).ok(), Some(Line::End));
    }

    #[test]
    fn lines_across_small_buffers_are_read_whole() {
        let input = b"{\"a\":1}\n\n{\"b\":[1,2,3]}";
        let mut reader = std::io::BufReader::with_capacity(3, input.as_slice());
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        while let Ok(Line::Whole) = read_line(&mut reader, &mut buf) {
            lines.push(String::from_utf8_lossy(&buf).into_owned());
        }
        assert_eq!(lines, ["{\"a\":1}\n", "\n", "{\"b\":[1,2,3]}"]);
    }
}
