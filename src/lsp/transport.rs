//! JSON-RPC frames (`Content-Length: N` headers, then N bytes of JSON) read
//! and written by hand, so that a malformed frame or payload is answered
//! with an error and the server goes on reading (the stdio transport of
//! `lsp-server` stops at the first one).

use std::io::{BufRead, Read as _, Write};

use lsp_server::{ErrorCode, Message};
use serde_json::Value;

/// Payloads larger than this are read and dropped with an error.
pub const MAX_PAYLOAD: usize = 64 * 1024 * 1024;

pub enum Read {
    Message(Message),
    /// A frame or payload that is not a message: answer with this error.
    Broken {
        id: Value,
        code: ErrorCode,
        message: String,
    },
    /// End of input (or it cannot be read).
    End,
}

fn broken(code: ErrorCode, message: impl Into<String>) -> Read {
    Read::Broken {
        id: Value::Null,
        code,
        message: message.into(),
    }
}

/// Reads the next frame.
pub fn read(input: &mut impl BufRead) -> Read {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Read::End,
            Ok(_) => {}
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() || bad_header.is_some() {
                break;
            }
            continue;
        }
        match header.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length header `{header}`")),
                }
            }
            Some((_, _)) => {}
            None => bad_header = Some(format!("malformed header `{}`", truncate(header))),
        }
    }
    let length = match (bad_header, length) {
        (Some(problem), _) => return broken(ErrorCode::ParseError, problem),
        (None, Some(n)) => n,
        (None, None) => return broken(ErrorCode::ParseError, "a frame without Content-Length"),
    };
    if length > MAX_PAYLOAD {
        let skipped = std::io::copy(&mut input.take(length as u64), &mut std::io::sink());
        if skipped.is_err() {
            return Read::End;
        }
        return broken(
            ErrorCode::InvalidRequest,
            format!("a message of {length} bytes is larger than the limit of {MAX_PAYLOAD} bytes"),
        );
    }
    let mut body = vec![0u8; length];
    if input.read_exact(&mut body).is_err() {
        return Read::End;
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => {
            return broken(
                ErrorCode::ParseError,
                format!("the message is not JSON: {e}"),
            );
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Read::Message(message),
        Err(e) => Read::Broken {
            id,
            code: ErrorCode::InvalidRequest,
            message: format!("not a JSON-RPC request, response or notification: {e}"),
        },
    }
}

fn truncate(text: &str) -> &str {
    let mut end = text.len().min(80);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

pub fn write(output: &mut impl Write, message: Message) -> std::io::Result<()> {
    message.write(output)?;
    output.flush()
}

/// An error response whose id may be `null` (the request could not be read).
pub fn write_error(
    output: &mut impl Write,
    id: Value,
    code: ErrorCode,
    message: &str,
) -> std::io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn a_broken_frame_is_reported_and_the_next_one_read() {
        let input = format!(
            "{}{}{}",
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"params":3}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let mut reader = std::io::Cursor::new(input.into_bytes());
        assert!(matches!(
            read(&mut reader),
            Read::Broken {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        match read(&mut reader) {
            Read::Broken { id, code, .. } => {
                assert_eq!(id, Value::from(7));
                assert!(matches!(code, ErrorCode::InvalidRequest));
            }
            _ => panic!("expected an invalid request"),
        }
        assert!(
            matches!(read(&mut reader), Read::Message(Message::Notification(n)) if n.method == "exit")
        );
        assert!(matches!(read(&mut reader), Read::End));
    }
}
