//! Parsing: text → AST. A depth pre-scan guards the stack, pest checks the
//! shape (with item-level recovery, see the grammar), and `build` turns the
//! pairs into AST nodes. Nothing here binds names or checks types.

mod build;
mod error;
pub mod prescan;

use std::num::NonZeroUsize;

use pest::Parser as _;

use crate::ast;
use crate::diag::Diagnostics;
use crate::span::FileId;

pub use error::rule_description;

/// Items (top-level items plus scheme members) accepted in one file.
pub const MAX_ITEMS: usize = 20_000;
/// Longest name, id or fact path accepted, in bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 256;
/// Bound on pest's total rule calls per parse, so that no input can make it run for minutes.
const CALL_LIMIT: usize = 200_000_000;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/labelc.pest"]
pub struct PolicyParser;

/// Parses one file. Every problem found is pushed into `diagnostics`; the AST
/// holds what could be read (broken items appear as `Invalid`).
pub fn parse_file(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> ast::File {
    parse_file_and_tree(file, text, diagnostics).0
}

/// [`parse_file`], and the parse tree it was built from (`labelc fmt` lays the
/// tree out instead of parsing the file a second time).
pub fn parse_file_and_tree<'t>(
    file: FileId,
    text: &'t str,
    diagnostics: &mut Diagnostics,
) -> (ast::File, Option<pest::iterators::Pair<'t, Rule>>) {
    if let Some(d) = prescan::check_line_ends(file, text) {
        diagnostics.push(d);
        return (ast::File::default(), None);
    }
    if let Some(d) = prescan::check_depth(file, text) {
        diagnostics.push(d);
        return (ast::File::default(), None);
    }
    pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT));
    match PolicyParser::parse(Rule::file, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) => (
                build::Builder::new(file, text, 0, diagnostics).file(pair.clone()),
                Some(pair),
            ),
            None => (ast::File::default(), None),
        },
        Err(err) => {
            diagnostics.push(error::from_pest(file, text, 0, &err, None));
            (ast::File::default(), None)
        }
    }
}

/// Parses the text of one condition on its own (used by tests and tools).
pub fn parse_condition(
    file: FileId,
    text: &str,
    diagnostics: &mut Diagnostics,
) -> Option<ast::Expr> {
    if let Some(d) = prescan::check_line_ends(file, text) {
        diagnostics.push(d);
        return None;
    }
    if let Some(d) = prescan::check_depth(file, text) {
        diagnostics.push(d);
        return None;
    }
    pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT));
    match PolicyParser::parse(Rule::single_condition, text) {
        Ok(mut pairs) => {
            let pair = pairs.next()?.into_inner().next()?;
            build::Builder::new(file, text, 0, diagnostics)
                .expr(pair)
                .ok()
        }
        Err(err) => {
            diagnostics.push(error::from_pest(file, text, 0, &err, None));
            None
        }
    }
}
