//! Reading products for `labelc eval`: JSON Lines or one (pretty-printed)
//! object, told apart from the first lines (docs/evaluation.md, Products).
//! Each product's text goes to a callback as it is read; a line over
//! [`MAX_PRODUCT_BYTES`] is an error for that line and is never held whole.

use std::io::{BufRead, Read};

use super::ProductError;

pub use crate::limited::MAX_PRODUCT_BYTES;
use crate::limited::{Line, read_line};

/// How the input was laid out, as [`read_products`] found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Products {
    /// Nothing but blank lines.
    Empty,
    /// One JSON object (it may span lines).
    Object,
    /// JSON Lines: one product per non-blank line.
    Lines,
}

fn decode(bytes: &[u8]) -> Result<&str, ProductError> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| ProductError::NotUtf8 {
        byte: e.valid_up_to(),
        whole_input: false,
    })
}

/// Whether `line` is a whole JSON value on its own (a JSON Lines product,
/// or a line of one that is wrong, but complete).
fn is_whole_value(line: &[u8]) -> bool {
    match decode(line) {
        Ok(text) => {
            !text.trim().is_empty()
                && !serde_json::from_str::<serde::de::IgnoredAny>(text).is_err_and(|e| e.is_eof())
        }
        Err(_) => true,
    }
}

fn is_blank(line: &[u8]) -> bool {
    decode(line).is_ok_and(|t| t.trim().is_empty())
}

/// The callback of [`read_products`]: the line number (`None` for a single
/// object) and the product's text, or why it cannot be read.
pub type Each<'a> =
    dyn FnMut(Option<usize>, Result<&str, ProductError>) -> std::io::Result<()> + 'a;

/// Reads products, JSON Lines or one object, and hands each to `each`: JSON
/// Lines when the first non-blank line is a whole JSON value, or when it is
/// not but the next non-blank line is one (a truncated first line is then
/// one error and the rest are judged); otherwise the whole input, up to
/// [`MAX_PRODUCT_BYTES`], is one (pretty-printed) object. A blank line is
/// not a product.
pub fn read_products(input: &mut dyn BufRead, each: &mut Each<'_>) -> std::io::Result<Products> {
    let mut first = Vec::with_capacity(4096);
    let mut number = 0;
    // The first non-blank line.
    let first_read = loop {
        number += 1;
        match read_line(input, &mut first)? {
            Line::End => return Ok(Products::Empty),
            Line::Whole if is_blank(&first) => {}
            other => break other,
        }
    };
    let first_number = number;
    let mut line = Vec::with_capacity(4096);
    if let Line::Whole = first_read
        && !is_whole_value(&first)
    {
        // Not a whole value: a pretty-printed object, or a truncated line of JSON Lines.
        // The next non-blank line decides.
        let mut between = Vec::new();
        let second_read = loop {
            number += 1;
            match read_line(input, &mut line)? {
                Line::Whole if is_blank(&line) => between.extend_from_slice(&line),
                other => break other,
            }
        };
        let lines = match second_read {
            Line::Whole => {
                is_whole_value(&line)
                    && decode(&line).is_ok_and(|t| t.trim_start().starts_with('{'))
            }
            Line::TooLong(_) => true,
            Line::End => false,
        };
        if !lines {
            // One object: the lines read, then the rest up to the limit.
            first.extend_from_slice(&between);
            first.extend_from_slice(&line);
            read_object(input, first, each)?;
            return Ok(Products::Object);
        }
        each(Some(first_number), decode(&first))?;
        one_line(each, number, &line, second_read)?;
    } else {
        one_line(each, first_number, &first, first_read)?;
    }
    loop {
        number += 1;
        let read = read_line(input, &mut line)?;
        if let Line::End = read {
            return Ok(Products::Lines);
        }
        one_line(each, number, &line, read)?;
    }
}

/// Reads the rest of a single object after its first lines, `start`.
fn read_object(
    input: &mut dyn BufRead,
    mut start: Vec<u8>,
    each: &mut Each<'_>,
) -> std::io::Result<()> {
    let limit = (MAX_PRODUCT_BYTES + 1).saturating_sub(start.len());
    input.take(limit as u64).read_to_end(&mut start)?;
    let text = if start.len() > MAX_PRODUCT_BYTES {
        Err(ProductError::TooLarge {
            bytes: None,
            limit: MAX_PRODUCT_BYTES,
        })
    } else {
        std::str::from_utf8(&start).map_err(|e| ProductError::NotUtf8 {
            byte: e.valid_up_to(),
            whole_input: true,
        })
    };
    each(None, text)
}

/// Hands on one line of JSON Lines; a blank line is not a product.
fn one_line(each: &mut Each<'_>, number: usize, line: &[u8], read: Line) -> std::io::Result<()> {
    match read {
        Line::End => Ok(()),
        Line::TooLong(length) => each(
            Some(number),
            Err(ProductError::TooLarge {
                bytes: Some(length),
                limit: MAX_PRODUCT_BYTES,
            }),
        ),
        Line::Whole => match decode(line) {
            Ok(text) if text.trim().is_empty() => Ok(()),
            text => each(Some(number), text),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{Products, read_products};

    /// What `read_products` hands on for `input`: the shape, then each
    /// product as (line, text or error code).
    fn read(input: &str) -> (Products, Vec<(Option<usize>, String)>) {
        let mut seen = Vec::new();
        let shape = read_products(&mut input.as_bytes(), &mut |line, text| {
            seen.push((
                line,
                text.map_or_else(|e| e.code().to_string(), str::to_string),
            ));
            Ok(())
        })
        .unwrap();
        (shape, seen)
    }

    #[test]
    fn lines_objects_and_truncated_first_lines_are_told_apart() {
        let (shape, seen) = read("\n{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n");
        assert_eq!(shape, Products::Lines);
        assert_eq!(
            seen,
            [
                (Some(2), "{\"id\":\"a\"}".to_string()),
                (Some(4), "{\"id\":\"b\"}".to_string())
            ]
        );
        let (shape, seen) = read("{\n  \"id\": \"a\"\n}\n");
        assert_eq!(shape, Products::Object);
        assert_eq!(seen, [(None, "{\n  \"id\": \"a\"\n}\n".to_string())]);
        // A truncated first line, then a whole one: JSON Lines.
        let (shape, seen) = read("{\"id\":\n{\"id\":\"b\"}\n");
        assert_eq!(shape, Products::Lines);
        assert_eq!(seen.len(), 2);
        assert_eq!(read("\n\n").0, Products::Empty);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_an_error_in_its_place() {
        let mut seen = Vec::new();
        let input: &[u8] = b"{\"id\":\"a\"}\n\xff\n";
        read_products(&mut &input[..], &mut |line, text| {
            seen.push((line, text.map(str::to_string).map_err(|e| e.code())));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.get(1), Some(&(Some(2), Err("labelc::eval::not_utf8"))));
    }
}
