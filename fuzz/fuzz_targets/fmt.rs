//! `fmt` on any text it accepts: idempotent, the same AST (spans aside),
//! the same comments, and, when the input compiles, the same rule set
//! (locations and digests aside).

#![no_main]

use labelc::fmt::format_text;
use labelc::span::FileId;
use labelc_fuzz::{comments, compiled_without_positions, meaning, sources};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(once) = format_text(FileId(0), text) else {
        return;
    };
    let twice = format_text(FileId(0), &once).expect("fmt's output is accepted by fmt");
    assert_eq!(twice, once, "fmt is not idempotent");
    assert_eq!(meaning(&once), meaning(text), "fmt changed the AST");
    assert_eq!(comments(&once), comments(text), "fmt changed a comment");
    if let Some(before) = compiled_without_positions(&sources(text)) {
        assert_eq!(
            compiled_without_positions(&sources(&once)),
            Some(before),
            "fmt changed the compiled rule set"
        );
    }
});
