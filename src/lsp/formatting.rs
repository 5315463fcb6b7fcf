//! Formatting through `labelc fmt`: the whole document, as one edit.

use lsp_server::ErrorCode;
use lsp_types as lt;

use super::Failure;
use super::workspace::Analysis;

/// `textDocument/formatting`: no edit when the document is already
/// formatted; an error naming the first syntax error when it does not parse
/// (formatting leaves such a file as it is, as `labelc fmt` does).
pub fn format(
    analysis: &Analysis,
    params: &lt::DocumentFormattingParams,
) -> Result<Option<Vec<lt::TextEdit>>, Failure> {
    let Some(file) = analysis.file_of(&params.text_document.uri) else {
        return Ok(None);
    };
    let text = analysis.text(file);
    if text.len() > crate::source::MAX_FILE_BYTES {
        return Err(Failure::new(
            ErrorCode::RequestFailed,
            "the document is larger than labelc's limit of 8 MiB: not formatted",
        ));
    }
    match crate::fmt::format_text(file, text) {
        Ok(formatted) if formatted == text => Ok(Some(Vec::new())),
        Ok(formatted) => {
            let whole = analysis.range(crate::span::Span::new(file, 0, text.len()));
            Ok(Some(vec![lt::TextEdit::new(whole, formatted)]))
        }
        Err(diagnostics) => {
            let first = diagnostics.first().map_or(String::new(), |d| {
                let at = analysis.range(d.span).start;
                format!(": line {}: {}", at.line + 1, d.message)
            });
            Err(Failure::new(
                ErrorCode::RequestFailed,
                format!("not formatted: the document has syntax errors{first}"),
            ))
        }
    }
}
