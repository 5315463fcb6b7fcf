//! pest pairs → AST, one `build`-style method per grammar rule. Only shape
//! and literal well-formedness (dates, numbers, lengths, fields given twice)
//! are looked at here; meaning comes later. This file holds the builder, its
//! literals and fields, and the file's items; the items themselves are built
//! in `scheme` (facts, schemes and their members), `recognition`,
//! `condition` and `test`.

use pest::Parser as _;
use pest::iterators::Pair;

mod condition;
mod recognition;
mod scheme;
mod test;

use super::error::{Context, from_pest};
use super::{MAX_IDENTIFIER_BYTES, MAX_ITEMS, PolicyParser, Rule};
use crate::ast::*;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::span::{FileId, Span};

/// The parse tree did not have the shape the grammar promises: a bug in labelc.
#[derive(Debug)]
pub struct Malformed(Span);

type Built<T> = Result<T, Malformed>;

pub struct Builder<'a> {
    file: FileId,
    /// The whole file's text; spans are offsets into it.
    text: &'a str,
    /// Offset of the text being built within `text` (non-zero for a re-parsed slice).
    base: usize,
    diagnostics: &'a mut Diagnostics,
    items: usize,
    too_many_reported: bool,
}

/// Something with a span, for duplicate-field reports.
trait HasSpan {
    fn span(&self) -> Span;
}

macro_rules! has_span {
    ($($t:ty),*) => { $(impl HasSpan for $t { fn span(&self) -> Span { self.span } })* };
}
has_span!(
    Ident,
    Text,
    DateLit,
    IntLit,
    Citation,
    Expr,
    SchemeRef,
    RecognitionFrom,
    BasisDecl,
    NatureDecl
);
impl<T> HasSpan for Spanned<T> {
    fn span(&self) -> Span {
        self.span
    }
}
impl HasSpan for Status {
    fn span(&self) -> Span {
        match self {
            Status::Confirmed(span) => *span,
            Status::Pending(text) => text.span,
        }
    }
}
impl HasSpan for AppliesTo {
    fn span(&self) -> Span {
        match self {
            AppliesTo::All(span) => *span,
            AppliesTo::Categories(ids) => match (ids.first(), ids.last()) {
                (Some(a), Some(b)) => a.span.to(b.span),
                _ => Span::new(FileId(0), 0, 0),
            },
        }
    }
}

fn is_noise(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::lbrace
            | Rule::rbrace
            | Rule::lparen
            | Rule::rparen
            | Rule::lbracket
            | Rule::rbracket
            | Rule::langle
            | Rule::rangle
            | Rule::comma
            | Rule::colon
            | Rule::equals
            | Rule::EOI
    ) || is_keyword(rule)
}

fn is_keyword(rule: Rule) -> bool {
    // Keywords that only introduce a construct; the construct's rule says the rest.
    matches!(
        rule,
        Rule::kw_fact
            | Rule::kw_test
            | Rule::kw_as_of
            | Rule::kw_holds
            | Rule::kw_facts
            | Rule::kw_expect
            | Rule::kw_reachable
            | Rule::kw_description
            | Rule::kw_unit
            | Rule::kw_set
            | Rule::kw_enum
            | Rule::kw_scheme
            | Rule::kw_title
            | Rule::kw_jurisdiction
            | Rule::kw_status
            | Rule::kw_effective
            | Rule::kw_source
            | Rule::kw_document
            | Rule::kw_issued
            | Rule::kw_url
            | Rule::kw_authority
            | Rule::kw_role
            | Rule::kw_category
            | Rule::kw_phase
            | Rule::kw_excluded
            | Rule::kw_grouping
            | Rule::kw_nature
            | Rule::kw_basis
            | Rule::kw_except
            | Rule::kw_pending
            | Rule::kw_criterion
            | Rule::kw_citation
            | Rule::kw_applies_to
            | Rule::kw_method
            | Rule::kw_evidence
            | Rule::kw_valid_from
            | Rule::kw_valid_until
            | Rule::kw_condition
            | Rule::kw_renamed_from
            | Rule::kw_level
            | Rule::kw_include
            | Rule::kw_require
            | Rule::kw_at_least
            | Rule::kw_of
            | Rule::kw_recognition
            | Rule::kw_from
            | Rule::kw_to
            | Rule::kw_relationship
            | Rule::kw_credit
            | Rule::kw_credits
            | Rule::kw_verify
            | Rule::kw_or
            | Rule::kw_and
            | Rule::kw_in
            | Rule::kw_contains
            | Rule::kw_subset_of
            | Rule::kw_superset_of
            | Rule::kw_within
            | Rule::kw_days
            | Rule::kw_present
    )
}

/// The meaningful children of a pair (punctuation and introducing keywords dropped).
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_noise(p.as_rule()))
}

impl<'a> Builder<'a> {
    pub fn new(
        file: FileId,
        text: &'a str,
        base: usize,
        diagnostics: &'a mut Diagnostics,
    ) -> Builder<'a> {
        Builder {
            file,
            text,
            base,
            diagnostics,
            items: 0,
            too_many_reported: false,
        }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    /// The span from the start of `pair` to the end of its last inner pair: a
    /// non-atomic rule's own span also covers whitespace and comments skipped
    /// after an optional part that did not match.
    fn tight_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let outer = self.span(pair);
        match pair.clone().into_inner().last() {
            Some(last) => Span {
                end: self.span(&last).end,
                ..outer
            },
            None => outer,
        }
    }

    fn malformed(&self, pair: &Pair<'_, Rule>) -> Malformed {
        Malformed(self.span(pair))
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn count_item(&mut self, span: Span) {
        self.items += 1;
        if self.items > MAX_ITEMS && !self.too_many_reported {
            self.too_many_reported = true;
            self.push(
                Diagnostic::new(
                    Code::TooManyItems,
                    format!("this file has more than {MAX_ITEMS} items"),
                    Span::new(
                        span.file,
                        span.start as usize,
                        (span.start as usize + 1).min(span.end as usize),
                    ),
                    "the limit is crossed here",
                )
                .with_help(
                    "split the policy into several files: a directory is compiled as one unit",
                ),
            );
        }
    }

    fn internal(&mut self, Malformed(span): Malformed) {
        self.push(
            Diagnostic::new(
                Code::Internal,
                "labelc could not build this item from its parse tree",
                span,
                "here",
            )
            .with_help("this is a bug in labelc: please report it with this input"),
        );
    }

    // ------------------------------------------------------------ tokens

    fn ident(&mut self, pair: &Pair<'_, Rule>) -> Ident {
        let span = self.span(pair);
        let name = pair.as_str();
        if name.len() > MAX_IDENTIFIER_BYTES {
            let shown: String = name.chars().take(16).collect();
            let start = span.start as usize;
            self.push(
                Diagnostic::new(
                    Code::IdentifierTooLong,
                    format!(
                        "`{shown}…` is {} bytes long, more than the limit of {MAX_IDENTIFIER_BYTES}",
                        name.len()
                    ),
                    Span::new(self.file, start, start + shown.len()),
                    "this name is too long",
                )
                .with_help("use a shorter id; put the long form in `title`"),
            );
            // Keep later diagnostics that name it short; `…` cannot occur in a
            // written name, so the stand-in matches no real one.
            let prefix: String = name.chars().take(64).collect();
            return Ident {
                name: format!("{prefix}…"),
                span,
            };
        }
        Ident {
            name: name.to_string(),
            span,
        }
    }

    fn text(&mut self, pair: Pair<'_, Rule>) -> Built<Text> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().ok_or(Malformed(span))?;
        let mut value = String::with_capacity(inner.as_str().len());
        let mut chars = inner.as_str().chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Ok(Text { value, span })
    }

    fn date(&mut self, pair: &Pair<'_, Rule>) -> DateLit {
        let span = self.span(pair);
        let raw = pair.as_str();
        let value = crate::rules::parse_date(raw);
        if value.is_none() {
            self.push(
                Diagnostic::new(
                    Code::InvalidDate,
                    format!("`{raw}` is not a calendar date"),
                    span,
                    "no such date",
                )
                .with_help("write a real date as YYYY-MM-DD, e.g. `2026-07-01`"),
            );
        }
        DateLit { value, span }
    }

    fn int(&mut self, pair: &Pair<'_, Rule>) -> IntLit {
        let span = self.span(pair);
        let value = pair.as_str().parse::<i64>().ok();
        if value.is_none() {
            self.push(
                Diagnostic::new(
                    Code::InvalidNumber,
                    format!("`{}` does not fit in a 64-bit integer", pair.as_str()),
                    span,
                    "too large",
                )
                .with_help("use a number between -9223372036854775808 and 9223372036854775807"),
            );
        }
        IntLit { value, span }
    }

    /// A decimal literal: its text, which must be a finite 64-bit float
    /// (evaluation compares `decimal` facts as such); a larger one is an error.
    fn decimal(&mut self, pair: &Pair<'_, Rule>) -> String {
        let text = pair.as_str();
        if !text.parse::<f64>().is_ok_and(f64::is_finite) {
            let digits = text
                .split('.')
                .next()
                .unwrap_or(text)
                .trim_start_matches('-');
            self.push(
                Diagnostic::new(
                    Code::InvalidNumber,
                    format!(
                        "this decimal has {} digits before the point: it does not fit in a 64-bit float",
                        digits.len()
                    ),
                    self.span(pair),
                    "too large",
                )
                .with_help("a decimal must lie within ±1.7976931348623157e308 (at most 309 digits before the point)"),
            );
        }
        text.to_string()
    }

    fn once<T: HasSpan>(&mut self, slot: &mut Option<T>, value: T, field: &str) {
        match slot {
            Some(previous) => {
                let previous = previous.span();
                self.push(
                    Diagnostic::new(
                        Code::DuplicateField,
                        format!("`{field}` is given twice"),
                        value.span(),
                        "given again here",
                    )
                    .with_related(previous, "first given here")
                    .with_help(format!("keep one `{field}`")),
                );
            }
            None => *slot = Some(value),
        }
    }

    /// `keyword "text"` into a field that may be given once.
    fn text_field(
        &mut self,
        pair: Pair<'_, Rule>,
        slot: &mut Option<Text>,
        field: &str,
    ) -> Built<()> {
        let text = self.text(self.field_value(pair)?)?;
        self.once(slot, text, field);
        Ok(())
    }

    /// `keyword YYYY-MM-DD` into a field that may be given once.
    fn date_field(
        &mut self,
        pair: Pair<'_, Rule>,
        slot: &mut Option<DateLit>,
        field: &str,
    ) -> Built<()> {
        let date = self.date(&self.field_value(pair)?);
        self.once(slot, date, field);
        Ok(())
    }

    /// `keyword value` where the value is one of a fixed set of words, into a
    /// field that may be given once.
    fn word_field<T: Copy>(
        &mut self,
        pair: Pair<'_, Rule>,
        slot: &mut Option<Spanned<T>>,
        field: &str,
        word: fn(&str) -> Option<T>,
    ) -> Built<()> {
        let value = self.field_value(pair)?;
        let parsed = word(value.as_str()).ok_or_else(|| self.malformed(&value))?;
        let spanned = Spanned {
            value: parsed,
            span: self.span(&value),
        };
        self.once(slot, spanned, field);
        Ok(())
    }

    /// `basis WORD "note"?` into a field that may be given once.
    fn basis_field(&mut self, pair: Pair<'_, Rule>, slot: &mut Option<BasisDecl>) -> Built<()> {
        let span = self.span(&pair);
        let mut basis = None;
        let mut note = None;
        for part in children(pair) {
            match part.as_rule() {
                Rule::basis => {
                    let value = match part.as_str() {
                        "official" => Basis::Official,
                        "secondary" => Basis::Secondary,
                        "reported" => Basis::Reported,
                        "inferred" => Basis::Inferred,
                        _ => return Err(self.malformed(&part)),
                    };
                    basis = Some(Spanned {
                        value,
                        span: self.span(&part),
                    });
                }
                Rule::string => note = Some(self.text(part)?),
                _ => return Err(self.malformed(&part)),
            }
        }
        let decl = BasisDecl {
            basis: basis.ok_or(Malformed(span))?,
            note,
            span,
        };
        self.once(slot, decl, "basis");
        Ok(())
    }

    /// `nature WORD "note"?`.
    fn nature(&mut self, pair: Pair<'_, Rule>) -> Built<NatureDecl> {
        let span = self.span(&pair);
        let mut nature = None;
        let mut note = None;
        for part in children(pair) {
            match part.as_rule() {
                Rule::nature => {
                    let value = match part.as_str() {
                        "mandatory" => Nature::Mandatory,
                        "voluntary" => Nature::Voluntary,
                        _ => return Err(self.malformed(&part)),
                    };
                    nature = Some(Spanned {
                        value,
                        span: self.span(&part),
                    });
                }
                Rule::string => note = Some(self.text(part)?),
                _ => return Err(self.malformed(&part)),
            }
        }
        Ok(NatureDecl {
            nature: nature.ok_or(Malformed(span))?,
            note,
            span,
        })
    }

    /// `valid_until DATE (basis …)?`.
    fn valid_until(
        &mut self,
        pair: Pair<'_, Rule>,
        date: &mut Option<DateLit>,
        basis: &mut Option<BasisDecl>,
    ) -> Built<()> {
        for part in children(pair) {
            match part.as_rule() {
                Rule::date => {
                    let value = self.date(&part);
                    self.once(date, value, "valid_until");
                }
                Rule::basis_field => self.basis_field(part, basis)?,
                _ => return Err(self.malformed(&part)),
            }
        }
        Ok(())
    }

    /// The single meaningful child of a `keyword value` field.
    fn field_value<'i>(&self, pair: Pair<'i, Rule>) -> Built<Pair<'i, Rule>> {
        let span = self.span(&pair);
        children(pair).next().ok_or(Malformed(span))
    }

    // ------------------------------------------------------------ files

    pub fn file(mut self, pair: Pair<'_, Rule>) -> File {
        let mut items = Vec::new();
        for child in children(pair) {
            let span = self.span(&child);
            self.count_item(span);
            let item = match child.as_rule() {
                Rule::item_recovery => Ok(Item::Invalid(self.recover(&child, Rule::single_item))),
                _ => self.item(child),
            };
            match item {
                Ok(item) => items.push(item),
                Err(err) => {
                    self.internal(err);
                    items.push(Item::Invalid(Recovered {
                        keyword: None,
                        id: None,
                        span,
                    }));
                }
            }
        }
        File { items }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Built<Item> {
        Ok(match pair.as_rule() {
            Rule::fact_decl => Item::Fact(self.fact(pair)?),
            Rule::scheme => Item::Scheme(self.scheme(pair)?),
            Rule::recognition => Item::Recognition(self.recognition(pair)?),
            Rule::test_decl => Item::Test(self.test(pair)?),
            _ => return Err(self.malformed(&pair)),
        })
    }

    /// A slice that failed to parse: re-parse it alone with `rule` for the
    /// precise error, and keep what can be read of its keyword and id.
    fn recover(&mut self, pair: &Pair<'_, Rule>, rule: Rule) -> Recovered {
        let span = self.span(pair);
        let slice = pair.as_str();
        let recovered = self.recovered_header(slice, span);
        let context = Context {
            keyword: recovered.keyword.as_deref().unwrap_or("item"),
            id: recovered.id.as_ref().map(|i| i.name.as_str()),
        };
        let diagnostic = match PolicyParser::parse(rule, slice) {
            Err(err) => from_pest(
                self.file,
                self.text,
                span.start as usize,
                &err,
                Some(context),
            ),
            // The slice parses alone: what broke is where it ended.
            Ok(_) => Diagnostic::new(
                Code::SyntaxUnexpected,
                "this item could not be read in its place",
                span,
                "this text",
            )
            .with_help("check the braces around it: a `}` may be missing or extra"),
        };
        self.push(diagnostic);
        recovered
    }

    /// `criterion CCL-1 {` → keyword `criterion`, id `CCL-1`.
    fn recovered_header(&self, slice: &str, span: Span) -> Recovered {
        let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@');
        let keyword_len = slice.find(|c: char| !is_word(c)).unwrap_or(slice.len());
        let keyword = slice.get(..keyword_len).unwrap_or("");
        let known = [
            "fact",
            "scheme",
            "recognition",
            "test",
            "source",
            "authority",
            "category",
            "criterion",
            "level",
        ];
        if !known.contains(&keyword) {
            return Recovered {
                keyword: None,
                id: None,
                span,
            };
        }
        let rest = slice.get(keyword_len..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let id_start = keyword_len + (rest.len() - trimmed.len());
        let id_len = trimmed
            .find(|c: char| !(is_word(c) && c != '@' || keyword == "scheme" && c == '@'))
            .unwrap_or(trimmed.len());
        let id = (id_len > 0 && id_len <= MAX_IDENTIFIER_BYTES)
            .then(|| trimmed.get(..id_len))
            .flatten()
            .map(|name| Ident {
                name: name.to_string(),
                span: Span::new(
                    self.file,
                    span.start as usize + id_start,
                    span.start as usize + id_start + id_len,
                ),
            });
        Recovered {
            keyword: Some(keyword.to_string()),
            id,
            span,
        }
    }
}
