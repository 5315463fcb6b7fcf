//! `labelc fmt`: the canonical layout of a policy file.
//!
//! The layout is computed from the parse tree and every token is copied from
//! the source, so formatting changes whitespace and nothing else: the same
//! items in the same order, the same fields in the same order, every comment
//! kept (see `printer`). Rules, documented in docs/language.md:
//!
//! - four spaces per level; one item, member or field per line; `{` ends the
//!   header line and `}` has a line of its own (an empty block is `{}`);
//! - one blank line around every top-level item that has a block; elsewhere
//!   a blank line is kept where the source has one (several collapse into
//!   one); never one after `{` or before `}`;
//! - a condition that fits in [`WIDTH`] columns (and holds no comment) is
//!   written on one line; otherwise its outermost `or` / `and` chain breaks
//!   before each operator, one operand per line indented one level deeper;
//!   an operand that still does not fit breaks the same way one level
//!   deeper, and a value list that still does not fit goes on lines of its
//!   own, filled to the width, with a trailing comma;
//! - id and name lists (`require`, `credits`, `applies_to`, `at_least`,
//!   `enum`) keep the line breaks written after a comma, break before an id
//!   that would cross the width, and align continuation lines under the first id.

mod printer;

use pest::iterators::Pair;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::span::{FileId, Span};
use crate::syntax::{self, Rule};
use printer::{Blank, Printer};

/// The line width the layout aims for, in characters. Strings are never
/// broken, so a line holding a long string may be longer.
pub const WIDTH: usize = 100;
const INDENT: usize = 4;

/// Formats one policy file. A file with syntax errors is not formatted: its
/// diagnostics come back instead.
pub fn format_text(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let mut diagnostics = Diagnostics::new();
    // One parse: the tree the AST was built from is the one laid out.
    let (_, tree) = syntax::parse_file_and_tree(file, text, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics.into_sorted());
    }
    let tree = tree.ok_or_else(|| {
        vec![Diagnostic::new(
            Code::Internal,
            "the parser returned no tree".to_string(),
            Span::new(file, 0, 0),
            "while formatting this file",
        )]
    })?;
    let mut layout = Layout {
        p: Printer::new(text),
        prev: None,
    };
    layout.file(tree);
    Ok(layout.p.finish())
}

/// Every comment of `text`, in order, as written.
pub fn comments(text: &str) -> Vec<&str> {
    printer::scan_comments(text)
        .iter()
        .filter_map(|c| text.get(c.start..c.end))
        .collect()
}

struct Layout<'a> {
    p: Printer<'a>,
    /// The rule of the last token written on the current line, for spacing.
    prev: Option<Rule>,
}

type Node<'a> = Pair<'a, Rule>;

impl<'a> Layout<'a> {
    // ------------------------------------------------------------ items and blocks

    fn file(&mut self, file: Node<'a>) {
        let items: Vec<Node<'a>> = file
            .into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .collect();
        self.members(items, 0);
    }

    /// Items or members of one block, one per line, at `indent`.
    fn members(&mut self, members: Vec<Node<'a>>, indent: usize) {
        let mut previous_is_block = false;
        for (i, member) in members.into_iter().enumerate() {
            let is_block = has_block(&member);
            let blank = if i == 0 {
                Blank::Never
            } else if indent == 0 && (is_block || previous_is_block) {
                Blank::Force
            } else {
                Blank::Keep
            };
            self.newline(indent, blank);
            if is_block {
                self.block(member, indent);
            } else {
                self.field(member, indent);
            }
            previous_is_block = is_block;
        }
    }

    /// An item or member with a `{ … }` body: its header, then its members.
    fn block(&mut self, node: Node<'a>, indent: usize) {
        self.p.set_cont(indent + INDENT);
        let mut children = node.into_inner();
        let mut open = None;
        for child in children.by_ref() {
            if child.as_rule() == Rule::lbrace {
                open = Some(child);
                break;
            }
            self.leaves(child);
        }
        let Some(open) = open else { return };
        let mut members = Vec::new();
        let mut close = None;
        for child in children {
            if child.as_rule() == Rule::rbrace {
                close = Some(child);
            } else {
                members.push(child);
            }
        }
        self.p.space();
        self.tok(&open);
        let Some(close) = close else { return };
        let inside_has_comment = self
            .p
            .has_comment(open.as_span().end(), close.as_span().start());
        if members.is_empty() && !inside_has_comment {
            self.tok(&close);
            return;
        }
        self.members(members, indent + INDENT);
        self.p.closing_line(indent, indent + INDENT);
        self.prev = None;
        self.tok(&close);
        self.p.set_cont(indent + INDENT);
    }

    /// A one-line member: `keyword value…`.
    fn field(&mut self, node: Node<'a>, indent: usize) {
        self.p.set_cont(indent + INDENT);
        match node.as_rule() {
            Rule::condition_field => {
                for child in node.into_inner() {
                    if child.as_rule() == Rule::expr {
                        self.p.space();
                        self.operand(child, indent + INDENT);
                    } else {
                        self.tok(&child);
                    }
                }
            }
            Rule::require_field
            | Rule::credits_field
            | Rule::applies_field
            | Rule::except_field => {
                for child in node.into_inner() {
                    match child.as_rule() {
                        Rule::id_list | Rule::name_list => {
                            self.p.space();
                            self.fill(child.into_inner().collect(), indent + INDENT);
                        }
                        Rule::basis_field => self.leaves(child),
                        _ => self.tok(&child),
                    }
                }
            }
            Rule::at_least_field => {
                for child in node.into_inner() {
                    match child.as_rule() {
                        Rule::id_list => self.fill(child.into_inner().collect(), indent + INDENT),
                        _ => self.tok(&child),
                    }
                }
            }
            _ => self.leaves(node),
        }
    }

    fn newline(&mut self, indent: usize, blank: Blank) {
        self.p.line(indent, blank);
        self.prev = None;
    }

    // ------------------------------------------------------------ tokens

    /// Writes every token of `node` on the current line, spaced by [`spaced`].
    fn leaves(&mut self, node: Node<'a>) {
        let mut tokens = Vec::new();
        collect_tokens(node, &mut tokens);
        for token in tokens {
            self.tok(&token);
        }
    }

    /// Writes one token, with a space before it when [`spaced`] says so.
    fn tok(&mut self, token: &Node<'a>) {
        let rule = token.as_rule();
        if let Some(prev) = self.prev
            && spaced(prev, rule)
        {
            self.p.space();
        }
        if rule == Rule::type_enum {
            // `enum(a, b)`: the values are a list that may break.
            self.enum_type(token.clone());
            return;
        }
        let span = token.as_span();
        self.p.token(span.start(), span.end());
        self.prev = Some(rule);
    }

    fn enum_type(&mut self, node: Node<'a>) {
        let mut names = Vec::new();
        for child in node.into_inner() {
            match child.as_rule() {
                Rule::kw_enum | Rule::lparen => self.tok(&child),
                Rule::rparen => {
                    // A trailing comma before `)` is dropped.
                    if names.last().map(Node::as_rule) == Some(Rule::comma) {
                        names.pop();
                    }
                    let cont = self.p.line_indent() + INDENT;
                    self.fill(std::mem::take(&mut names), cont);
                    self.tok(&child);
                }
                _ => names.push(child),
            }
        }
    }

    /// An id or name list (`A, B, C`): kept on the line while it fits; a line
    /// break written after a comma is kept; continuation lines align under the
    /// first id (or at `fallback` when that column is too far right).
    fn fill(&mut self, items: Vec<Node<'a>>, fallback: usize) {
        let column = self.p.column();
        let align = if column <= WIDTH / 2 {
            column
        } else {
            fallback
        };
        let text = self.p.text();
        let mut after_comma: Option<usize> = None;
        for (i, item) in items.iter().enumerate() {
            if item.as_rule() == Rule::comma {
                self.tok(item);
                after_comma = Some(item.as_span().end());
                continue;
            }
            if let Some(comma_end) = after_comma {
                let span = item.as_span();
                let broken_in_source = text
                    .get(comma_end..span.start())
                    .is_some_and(|gap| gap.contains('\n'));
                // The id, plus the comma that follows it.
                let trailer = usize::from(items.get(i + 1).is_some());
                let width = span.as_str().chars().count() + trailer;
                if broken_in_source || self.p.column() + 1 + width > WIDTH {
                    self.newline(align, Blank::Never);
                }
            }
            self.tok(item);
        }
    }

    // ------------------------------------------------------------ conditions

    /// A condition or one operand of a chain. Written flat when it fits and
    /// holds no comment; otherwise broken, with continuation lines at `cont`.
    fn operand(&mut self, node: Node<'a>, cont: usize) {
        let span = node.as_span();
        let flat = flat_width(node.clone());
        let column = self.p.column();
        if column + flat <= WIDTH && !self.p.has_comment(span.start(), span.end()) {
            self.leaves(node);
        } else {
            self.broken(node, cont);
        }
    }

    fn broken(&mut self, node: Node<'a>, cont: usize) {
        match node.as_rule() {
            Rule::expr | Rule::and_expr => {
                let parts: Vec<Node<'a>> = node.into_inner().collect();
                if let [only] = parts.as_slice() {
                    self.broken(only.clone(), cont);
                    return;
                }
                for part in parts {
                    match part.as_rule() {
                        Rule::kw_or | Rule::kw_and => {
                            self.p.set_cont(cont);
                            self.newline(cont, Blank::Never);
                            self.tok(&part);
                        }
                        _ => {
                            self.space_unless_opening();
                            self.operand(part, cont + INDENT);
                        }
                    }
                }
            }
            Rule::unary => {
                for part in node.into_inner() {
                    match part.as_rule() {
                        Rule::kw_not => self.tok(&part),
                        Rule::paren => {
                            self.space_unless_opening();
                            self.paren(part, cont);
                        }
                        Rule::predicate => {
                            self.space_unless_opening();
                            self.predicate(part);
                        }
                        _ => self.leaves(part),
                    }
                }
            }
            _ => self.leaves(node),
        }
    }

    /// Before an operand: a space, unless it opens a line or follows `(`.
    fn space_unless_opening(&mut self) {
        if self.prev.is_some_and(|prev| prev != Rule::lparen) {
            self.p.space();
        }
    }

    /// `( … )`: the inside flat when it fits, else broken at `cont`.
    fn paren(&mut self, node: Node<'a>, cont: usize) {
        for part in node.into_inner() {
            match part.as_rule() {
                Rule::expr => {
                    let span = part.as_span();
                    let fits = self.p.column() + flat_width(part.clone()) < WIDTH;
                    if fits && !self.p.has_comment(span.start(), span.end()) {
                        self.leaves(part);
                    } else {
                        self.broken(part, cont);
                    }
                }
                _ => self.tok(&part),
            }
        }
    }

    /// A predicate too long for its line: its value list, if any, on lines
    /// of its own, filled to the width, with a trailing comma.
    fn predicate(&mut self, node: Node<'a>) {
        let line_indent = self.p.line_indent();
        let inner = line_indent + INDENT;
        let mut tokens = Vec::new();
        collect_tokens(node, &mut tokens);
        let mut in_list = false;
        for token in tokens {
            match token.as_rule() {
                Rule::lbracket => {
                    self.tok(&token);
                    in_list = true;
                    self.newline(inner, Blank::Never);
                }
                Rule::rbracket => {
                    if self.prev != Some(Rule::lbracket) {
                        self.p.push_after_token(",");
                    }
                    in_list = false;
                    self.p.closing_line(line_indent, inner);
                    self.prev = None;
                    self.tok(&token);
                }
                _ if in_list && self.prev == Some(Rule::comma) => {
                    // The value and the comma after it must fit.
                    let width = token.as_str().chars().count() + 1;
                    if self.p.column() + 1 + width > WIDTH {
                        self.newline(inner, Blank::Never);
                    }
                    self.tok(&token);
                }
                _ => self.tok(&token),
            }
        }
    }
}

/// Whether a node has a `{ … }` body (and so gets blank lines around it).
fn has_block(node: &Node<'_>) -> bool {
    match node.as_rule() {
        Rule::scheme
        | Rule::recognition
        | Rule::source_decl
        | Rule::authority_decl
        | Rule::category
        | Rule::criterion
        | Rule::level
        | Rule::test_decl
        | Rule::facts_block => true,
        Rule::fact_decl => node
            .clone()
            .into_inner()
            .any(|c| c.as_rule() == Rule::lbrace),
        _ => false,
    }
}

/// The tokens of `node` in order: atomic rules (strings, scheme references)
/// whole, everything else down to its leaves. A trailing comma before `]`
/// or `)` is left out (the flat layout has none).
fn collect_tokens<'a>(node: Node<'a>, out: &mut Vec<Node<'a>>) {
    let atomic = matches!(
        node.as_rule(),
        Rule::string | Rule::scheme_ref | Rule::holding | Rule::type_enum
    );
    let mut inner = node.clone().into_inner().peekable();
    if atomic || inner.peek().is_none() {
        if matches!(node.as_rule(), Rule::rbracket | Rule::rparen)
            && out.last().map(Node::as_rule) == Some(Rule::comma)
        {
            out.pop();
        }
        out.push(node);
        return;
    }
    for child in inner {
        collect_tokens(child, out);
    }
}

/// The width of `node` written on one line.
fn flat_width(node: Node<'_>) -> usize {
    let mut tokens = Vec::new();
    collect_tokens(node, &mut tokens);
    let mut width = 0;
    let mut prev = None;
    for token in &tokens {
        if let Some(prev) = prev
            && spaced(prev, token.as_rule())
        {
            width += 1;
        }
        width += token.as_str().chars().count();
        prev = Some(token.as_rule());
    }
    width
}

/// Whether one space separates two tokens on a line.
fn spaced(prev: Rule, next: Rule) -> bool {
    let tight_after = matches!(prev, Rule::lparen | Rule::lbracket | Rule::langle);
    let tight_before = matches!(
        next,
        Rule::comma | Rule::rparen | Rule::rbracket | Rule::rangle | Rule::colon | Rule::langle
    );
    let call = next == Rule::lparen && matches!(prev, Rule::kw_enum | Rule::kw_present);
    !(tight_after || tight_before || call)
}
