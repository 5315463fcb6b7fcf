//! A linear pre-scan that runs before pest: pest recurses once per nesting
//! level, so input nested deeper than [`MAX_DEPTH`] is rejected here, with a
//! diagnostic at the place where the limit is crossed, before it can exhaust
//! the stack.

use crate::diag::{Code, Diagnostic};
use crate::span::{FileId, Span};

/// The deepest nesting of `(`, `[`, `{` and `not` accepted.
pub const MAX_DEPTH: usize = 64;

/// Returns a diagnostic at the first carriage return not followed by a line
/// feed: a lone CR is no line end anywhere in labelc (a line ends with LF or
/// CRLF), and an error, so that the parser, the comment scanner, spans and
/// `fmt` can never disagree about where a line ends.
pub fn check_line_ends(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut lone = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .map(|(i, _)| i);
    let first = lone.next()?;
    let more = lone.count();
    let message = if more == 0 {
        "a carriage return not followed by a line feed".to_string()
    } else {
        format!("a carriage return not followed by a line feed (and {more} more in this file)")
    };
    Some(
        Diagnostic::new(
            Code::LoneCarriageReturn,
            message,
            Span::new(file, first, first + 1),
            "lone carriage return",
        )
        .with_help("end lines with LF or CRLF: editors disagree on whether a lone CR ends a line"),
    )
}

/// Scans `text` and returns a diagnostic if its nesting is too deep.
pub fn check_depth(file: FileId, text: &str) -> Option<Diagnostic> {
    // One entry per open bracket: how many `not`s are pending at that level.
    let mut levels: Vec<usize> = vec![0];
    let mut nots = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = skip_until(bytes, i, b"\n");
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_until(bytes, i + 2, b"*/")
                    .saturating_add(2)
                    .min(bytes.len());
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i + 1);
                continue;
            }
            b'(' | b'[' | b'{' => {
                levels.push(0);
                if let Some(d) = too_deep(file, levels.len() - 1 + nots, i, 1) {
                    return Some(d);
                }
            }
            b')' | b']' | b'}' if levels.len() > 1 => {
                nots -= levels.pop().unwrap_or(0);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = bytes
                    .iter()
                    .skip(i)
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.'))
                    .map_or(bytes.len(), |n| i + n);
                match bytes.get(i..end) {
                    Some(b"not") => {
                        if let Some(top) = levels.last_mut() {
                            *top += 1;
                        }
                        nots += 1;
                        if let Some(d) = too_deep(file, levels.len() - 1 + nots, i, 3) {
                            return Some(d);
                        }
                    }
                    Some(b"and" | b"or") => {
                        if let Some(top) = levels.last_mut() {
                            nots -= *top;
                            *top = 0;
                        }
                    }
                    _ => {}
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn too_deep(file: FileId, depth: usize, at: usize, len: usize) -> Option<Diagnostic> {
    (depth > MAX_DEPTH).then(|| {
        Diagnostic::new(
            Code::SyntaxTooDeep,
            format!("nesting is deeper than the limit of {MAX_DEPTH} levels"),
            Span::new(file, at, at + len),
            "the limit is crossed here",
        )
        .with_help(
            "flatten the expression: `and`/`or` chains need no parentheses, \
             and `not not x` is `x`",
        )
    })
}

/// Index just past the end of a string literal that starts after its opening quote.
/// Strings end at a newline when unterminated, as the grammar's recovery does.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Index of the first occurrence of `pattern` at or after `i`, or the end.
fn skip_until(bytes: &[u8], i: usize, pattern: &[u8]) -> usize {
    bytes
        .get(i..)
        .and_then(|rest| rest.windows(pattern.len()).position(|w| w == pattern))
        .map_or(bytes.len(), |n| i + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_input_passes() {
        let text = "scheme a@1 { criterion X { condition not (a and not b) } }";
        assert!(check_depth(FileId(0), text).is_none());
    }

    #[test]
    fn deep_parentheses_are_rejected_at_the_crossing() {
        let text = "(".repeat(100_000);
        let d = check_depth(FileId(0), &text).expect("too deep");
        assert_eq!(d.code, Code::SyntaxTooDeep);
        assert_eq!(d.span.start as usize, MAX_DEPTH);
    }

    #[test]
    fn long_not_runs_are_rejected() {
        let text = "not ".repeat(100_000);
        let d = check_depth(FileId(0), &text).expect("too deep");
        assert_eq!(d.code, Code::SyntaxTooDeep);
    }

    #[test]
    fn nots_in_an_and_chain_do_not_accumulate() {
        let text = "not a and ".repeat(1000) + "b";
        assert!(check_depth(FileId(0), &text).is_none());
    }

    #[test]
    fn brackets_in_strings_and_comments_are_ignored() {
        let text = format!(
            "\"{}\" // {}\n/* {} */",
            "(".repeat(500),
            "{".repeat(500),
            "[".repeat(500)
        );
        assert!(check_depth(FileId(0), &text).is_none());
    }
}
