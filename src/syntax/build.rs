//! pest pairs → AST, one `build`-style method per grammar rule. Only shape
//! and literal well-formedness (dates, numbers, lengths, fields given twice)
//! are looked at here; meaning comes later.

use pest::Parser as _;
use pest::iterators::Pair;

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
                Diagnostic::error(
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
            Diagnostic::error(
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
                Diagnostic::error(
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
                Diagnostic::error(
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
                Diagnostic::error(
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
                Diagnostic::error(
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
                    Diagnostic::error(
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
            Ok(_) => Diagnostic::error(
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

    // ------------------------------------------------------------ facts

    fn fact(&mut self, pair: Pair<'_, Rule>) -> Built<FactDecl> {
        let span = self.span(&pair);
        let mut name = None;
        let mut ty = None;
        let mut description = None;
        let mut unit = None;
        for child in children(pair) {
            match child.as_rule() {
                Rule::fact_path => name = Some(self.ident(&child)),
                Rule::fact_type => ty = Some(self.fact_type(child)?),
                Rule::description_field => {
                    self.text_field(child, &mut description, "description")?
                }
                Rule::unit_field => self.text_field(child, &mut unit, "unit")?,
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(FactDecl {
            name: name.ok_or(Malformed(span))?,
            ty: ty.ok_or(Malformed(span))?,
            description,
            unit,
            span,
        })
    }

    fn fact_type(&mut self, pair: Pair<'_, Rule>) -> Built<FactType> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().ok_or(Malformed(span))?;
        let kind = match inner.as_rule() {
            Rule::type_bool => FactTypeKind::Bool,
            Rule::type_int => FactTypeKind::Int,
            Rule::type_decimal => FactTypeKind::Decimal,
            Rule::type_string => FactTypeKind::String,
            Rule::type_date => FactTypeKind::Date,
            Rule::type_set => FactTypeKind::SetOfString,
            Rule::type_enum => {
                let mut variants = Vec::new();
                for v in children(inner) {
                    variants.push(self.ident(&v));
                }
                FactTypeKind::Enum(variants)
            }
            _ => return Err(self.malformed(&inner)),
        };
        Ok(FactType { kind, span })
    }

    // ------------------------------------------------------------ schemes

    fn scheme_ref(&mut self, pair: Pair<'_, Rule>) -> Built<SchemeRef> {
        let span = self.span(&pair);
        let mut id = None;
        let mut version = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name => id = Some(self.ident(&child)),
                Rule::version => version = Some(self.ident(&child)),
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(SchemeRef {
            id: id.ok_or(Malformed(span))?,
            version,
            span,
        })
    }

    fn scheme(&mut self, pair: Pair<'_, Rule>) -> Built<Scheme> {
        let span = self.span(&pair);
        let mut reference = None;
        let mut title = None;
        let mut jurisdiction = None;
        let mut status = None;
        let mut effective = None;
        let mut nature = None;
        let mut members = Vec::new();
        for child in children(pair) {
            let child_span = self.span(&child);
            match child.as_rule() {
                Rule::scheme_ref => reference = Some(self.scheme_ref(child)?),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::jurisdiction_field => {
                    self.text_field(child, &mut jurisdiction, "jurisdiction")?
                }
                Rule::scheme_status_field => {
                    self.word_field(child, &mut status, "status", |w| match w {
                        "draft" => Some(SchemeStatus::Draft),
                        "in_force" => Some(SchemeStatus::InForce),
                        "superseded" => Some(SchemeStatus::Superseded),
                        _ => None,
                    })?
                }
                Rule::effective_field => self.date_field(child, &mut effective, "effective")?,
                Rule::nature_field => {
                    let value = self.nature(child)?;
                    self.once(&mut nature, value, "nature");
                }
                Rule::member_recovery => {
                    self.count_item(child_span);
                    members.push(Member::Invalid(
                        self.recover(&child, Rule::single_scheme_member),
                    ));
                }
                _ => {
                    self.count_item(child_span);
                    match self.member(child) {
                        Ok(member) => members.push(member),
                        Err(err) => {
                            self.internal(err);
                            members.push(Member::Invalid(Recovered {
                                keyword: None,
                                id: None,
                                span: child_span,
                            }));
                        }
                    }
                }
            }
        }
        Ok(Scheme {
            reference: reference.ok_or(Malformed(span))?,
            title,
            jurisdiction,
            status,
            effective,
            nature,
            members,
            span,
        })
    }

    fn member(&mut self, pair: Pair<'_, Rule>) -> Built<Member> {
        Ok(match pair.as_rule() {
            Rule::source_decl => Member::Source(self.source(pair)?),
            Rule::authority_decl => Member::Authority(self.authority(pair)?),
            Rule::category => Member::Category(self.category(pair)?),
            Rule::criterion => Member::Criterion(self.criterion(pair)?),
            Rule::level => Member::Level(self.level(pair)?),
            _ => return Err(self.malformed(&pair)),
        })
    }

    fn source(&mut self, pair: Pair<'_, Rule>) -> Built<Source> {
        let span = self.span(&pair);
        let mut id = None;
        let (mut title, mut document, mut issued, mut url) = (None, None, None, None);
        for child in children(pair) {
            match child.as_rule() {
                Rule::name => id = Some(self.ident(&child)),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::document_field => self.text_field(child, &mut document, "document")?,
                Rule::issued_field => self.date_field(child, &mut issued, "issued")?,
                Rule::url_field => self.text_field(child, &mut url, "url")?,
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(Source {
            id: id.ok_or(Malformed(span))?,
            title,
            document,
            issued,
            url,
            span,
        })
    }

    fn authority(&mut self, pair: Pair<'_, Rule>) -> Built<Authority> {
        let span = self.span(&pair);
        let (mut id, mut title, mut role, mut basis) = (None, None, None, None);
        for child in children(pair) {
            match child.as_rule() {
                Rule::name => id = Some(self.ident(&child)),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::role_field => self.text_field(child, &mut role, "role")?,
                Rule::basis_field => self.basis_field(child, &mut basis)?,
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(Authority {
            id: id.ok_or(Malformed(span))?,
            title,
            role,
            basis,
            span,
        })
    }

    fn status(&mut self, pair: Pair<'_, Rule>) -> Built<Status> {
        let value = self.field_value(pair)?;
        Ok(match value.as_rule() {
            Rule::status_confirmed => Status::Confirmed(self.span(&value)),
            Rule::status_pending => Status::Pending(self.text(self.field_value(value)?)?),
            _ => return Err(self.malformed(&value)),
        })
    }

    fn category(&mut self, pair: Pair<'_, Rule>) -> Built<Category> {
        let span = self.span(&pair);
        let mut id = None;
        let (mut title, mut effective, mut phase, mut status) = (None, None, None, None);
        let (mut excluded, mut grouping, mut basis) = (None, None, None);
        let mut children_out = Vec::new();
        for child in children(pair) {
            match child.as_rule() {
                Rule::name => id = Some(self.ident(&child)),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::effective_field => self.date_field(child, &mut effective, "effective")?,
                Rule::phase_field => self.text_field(child, &mut phase, "phase")?,
                Rule::excluded_field => self.text_field(child, &mut excluded, "excluded")?,
                Rule::grouping_field => self.text_field(child, &mut grouping, "grouping")?,
                Rule::basis_field => self.basis_field(child, &mut basis)?,
                Rule::status_field => {
                    let value = self.status(child)?;
                    self.once(&mut status, value, "status");
                }
                Rule::category => {
                    let child_span = self.span(&child);
                    self.count_item(child_span);
                    children_out.push(self.category(child)?);
                }
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(Category {
            id: id.ok_or(Malformed(span))?,
            title,
            effective,
            phase,
            status,
            excluded,
            grouping,
            basis,
            children: children_out,
            span,
        })
    }

    fn id_list(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        children(pair).map(|p| self.ident(&p)).collect()
    }

    fn criterion(&mut self, pair: Pair<'_, Rule>) -> Built<Criterion> {
        let span = self.span(&pair);
        let mut id = None;
        let (mut title, mut citation, mut applies_to, mut method) = (None, None, None, None);
        let mut evidence = Vec::new();
        let (mut status, mut valid_from, mut valid_until, mut condition) = (None, None, None, None);
        let mut renamed_from: Option<Ident> = None;
        let (mut basis, mut valid_until_basis) = (None, None);
        for child in children(pair) {
            match child.as_rule() {
                Rule::item_id => id = Some(self.ident(&child)),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::citation_field => {
                    let field_span = self.span(&child);
                    let mut source = None;
                    let mut locator = None;
                    for part in children(child) {
                        match part.as_rule() {
                            Rule::name => source = Some(self.ident(&part)),
                            Rule::string => locator = Some(self.text(part)?),
                            _ => return Err(self.malformed(&part)),
                        }
                    }
                    let value = Citation {
                        source,
                        locator: locator.ok_or(Malformed(field_span))?,
                        span: field_span,
                    };
                    self.once(&mut citation, value, "citation");
                }
                Rule::applies_field => {
                    let value = self.applies_to(child)?;
                    self.once(&mut applies_to, value, "applies_to");
                }
                Rule::method_field => {
                    self.word_field(child, &mut method, "method", |w| match w {
                        "test" => Some(Method::Test),
                        "document_review" => Some(Method::DocumentReview),
                        "audit" => Some(Method::Audit),
                        "self_declaration" => Some(Method::SelfDeclaration),
                        _ => None,
                    })?
                }
                Rule::evidence_field => evidence.push(self.text(self.field_value(child)?)?),
                Rule::status_field => {
                    let value = self.status(child)?;
                    self.once(&mut status, value, "status");
                }
                Rule::valid_from_field => self.date_field(child, &mut valid_from, "valid_from")?,
                Rule::valid_until_field => {
                    self.valid_until(child, &mut valid_until, &mut valid_until_basis)?
                }
                Rule::basis_field => self.basis_field(child, &mut basis)?,
                Rule::condition_field => {
                    let expr = self.expr(self.field_value(child)?)?;
                    self.once(&mut condition, expr, "condition");
                }
                Rule::renamed_field => {
                    let id = self.ident(&self.field_value(child)?);
                    if let Some(first) = &renamed_from {
                        self.push(
                            Diagnostic::error(
                                Code::DuplicateField,
                                "`renamed_from` is given twice",
                                id.span,
                                "given again here",
                            )
                            .with_related(first.span, "first given here")
                            .with_help("keep one `renamed_from`"),
                        );
                    } else {
                        renamed_from = Some(id);
                    }
                }
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(Criterion {
            renamed_from,
            id: id.ok_or(Malformed(span))?,
            title,
            citation,
            applies_to,
            method,
            evidence,
            status,
            valid_from,
            valid_until,
            condition,
            basis,
            valid_until_basis,
            span,
        })
    }

    fn level(&mut self, pair: Pair<'_, Rule>) -> Built<Level> {
        let span = self.span(&pair);
        let mut rank = None;
        let (mut title, mut status) = (None, None);
        let (mut includes, mut require, mut at_least) = (Vec::new(), Vec::new(), Vec::new());
        let mut require_basis = Vec::new();
        for child in children(pair) {
            match child.as_rule() {
                Rule::int => rank = Some(self.int(&child)),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::status_field => {
                    let value = self.status(child)?;
                    self.once(&mut status, value, "status");
                }
                Rule::include_field => includes.push(self.int(&self.field_value(child)?)),
                Rule::require_field => {
                    let mut ids = Vec::new();
                    let mut basis = None;
                    for part in children(child) {
                        match part.as_rule() {
                            Rule::id_list => ids = self.id_list(part),
                            Rule::basis_field => self.basis_field(part, &mut basis)?,
                            _ => return Err(self.malformed(&part)),
                        }
                    }
                    if let Some(basis) = basis {
                        require_basis.extend(ids.iter().map(|id| (id.clone(), basis.clone())));
                    }
                    require.extend(ids);
                }
                Rule::at_least_field => {
                    let field_span = self.span(&child);
                    let mut k = None;
                    let mut of = Vec::new();
                    for part in children(child) {
                        match part.as_rule() {
                            Rule::int => k = Some(self.int(&part)),
                            Rule::id_list => of = self.id_list(part),
                            _ => return Err(self.malformed(&part)),
                        }
                    }
                    at_least.push(AtLeast {
                        k: k.ok_or(Malformed(field_span))?,
                        of,
                        span: field_span,
                    });
                }
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(Level {
            rank: rank.ok_or(Malformed(span))?,
            title,
            includes,
            require,
            require_basis,
            at_least,
            status,
            span,
        })
    }

    // ------------------------------------------------------------ recognitions

    fn recognition(&mut self, pair: Pair<'_, Rule>) -> Built<Recognition> {
        let span = self.span(&pair);
        let mut id = None;
        let (mut title, mut from, mut to, mut relationship) = (None, None, None, None);
        let (mut credit, mut status, mut source) = (None, None, None);
        let (mut valid_from, mut valid_until, mut condition) = (None, None, None);
        let (mut verify, mut credits, mut applies_to) = (Vec::new(), Vec::new(), None);
        let mut except = Vec::new();
        let (mut basis, mut valid_until_basis) = (None, None);
        for child in children(pair) {
            match child.as_rule() {
                Rule::item_id => id = Some(self.ident(&child)),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::from_field => {
                    let field_span = self.span(&child);
                    let mut scheme = None;
                    let mut target = None;
                    for part in children(child) {
                        match part.as_rule() {
                            Rule::scheme_ref => scheme = Some(self.scheme_ref(part)?),
                            Rule::from_level => {
                                target = Some(FromTarget::Level(self.int(&self.field_value(part)?)))
                            }
                            Rule::from_criterion => {
                                target = Some(FromTarget::Criterion(
                                    self.ident(&self.field_value(part)?),
                                ));
                            }
                            _ => return Err(self.malformed(&part)),
                        }
                    }
                    let value = RecognitionFrom {
                        scheme: scheme.ok_or(Malformed(field_span))?,
                        target: target.ok_or(Malformed(field_span))?,
                        span: field_span,
                    };
                    self.once(&mut from, value, "from");
                }
                Rule::to_field => {
                    let value = self.scheme_ref(self.field_value(child)?)?;
                    self.once(&mut to, value, "to");
                }
                Rule::relationship_field => {
                    self.word_field(child, &mut relationship, "relationship", |w| match w {
                        "equal" => Some(Relationship::Equal),
                        "subset_of" => Some(Relationship::SubsetOf),
                        "superset_of" => Some(Relationship::SupersetOf),
                        "intersects_with" => Some(Relationship::IntersectsWith),
                        "no_relationship" => Some(Relationship::NoRelationship),
                        _ => None,
                    })?
                }
                Rule::credit_field => {
                    self.word_field(child, &mut credit, "credit", |w| match w {
                        "full" => Some(Credit::Full),
                        "partial" => Some(Credit::Partial),
                        "none" => Some(Credit::None),
                        _ => None,
                    })?
                }
                Rule::recognition_status_field => {
                    self.word_field(child, &mut status, "status", |w| match w {
                        "official" => Some(RecognitionStatus::Official),
                        "proposed" => Some(RecognitionStatus::Proposed),
                        "assumed" => Some(RecognitionStatus::Assumed),
                        _ => None,
                    })?
                }
                Rule::recognition_source_field => self.text_field(child, &mut source, "source")?,
                Rule::valid_from_field => self.date_field(child, &mut valid_from, "valid_from")?,
                Rule::valid_until_field => {
                    self.valid_until(child, &mut valid_until, &mut valid_until_basis)?
                }
                Rule::basis_field => self.basis_field(child, &mut basis)?,
                Rule::condition_field => {
                    let expr = self.expr(self.field_value(child)?)?;
                    self.once(&mut condition, expr, "condition");
                }
                Rule::verify_field => verify.push(self.text(self.field_value(child)?)?),
                Rule::credits_field => {
                    let list = self.field_value(child)?;
                    credits.extend(self.id_list(list));
                }
                Rule::applies_field => {
                    let value = self.applies_to(child)?;
                    self.once(&mut applies_to, value, "applies_to");
                }
                Rule::except_field => {
                    let list = self.field_value(child)?;
                    except.extend(self.id_list(list));
                }
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(Recognition {
            id: id.ok_or(Malformed(span))?,
            title,
            from,
            to,
            relationship,
            credit,
            status,
            source,
            valid_from,
            valid_until,
            condition,
            verify,
            credits,
            applies_to,
            except,
            basis,
            valid_until_basis,
            span,
        })
    }

    /// `applies_to all` or `applies_to ID, ID…` (criteria and recognitions).
    fn applies_to(&mut self, field: Pair<'_, Rule>) -> Built<AppliesTo> {
        let value = self.field_value(field)?;
        match value.as_rule() {
            Rule::kw_all => Ok(AppliesTo::All(self.span(&value))),
            Rule::name_list => Ok(AppliesTo::Categories(self.id_list(value))),
            _ => Err(self.malformed(&value)),
        }
    }

    // ------------------------------------------------------------ conditions

    pub fn expr(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.tight_span(&pair);
        let mut operands = Vec::new();
        for child in children(pair) {
            operands.push(self.and_expr(child)?);
        }
        flatten(operands, span, ExprKind::Or)
    }

    fn and_expr(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.tight_span(&pair);
        let mut operands = Vec::new();
        for child in children(pair) {
            operands.push(self.unary(child)?);
        }
        flatten(operands, span, ExprKind::And)
    }

    fn unary(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.tight_span(&pair);
        let mut nots = Vec::new();
        let mut operand = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::kw_not => nots.push(self.span(&child)),
                Rule::paren => {
                    let paren_span = self.span(&child);
                    let inner = self.expr(self.field_value(child)?)?;
                    operand = Some(Expr {
                        kind: ExprKind::Paren(Box::new(inner)),
                        span: paren_span,
                    });
                }
                Rule::present_test => {
                    let test_span = self.span(&child);
                    let fact = self.ident(&self.field_value(child)?);
                    operand = Some(Expr {
                        kind: ExprKind::Present(fact),
                        span: test_span,
                    });
                }
                Rule::predicate => operand = Some(self.predicate(child)?),
                _ => return Err(self.malformed(&child)),
            }
        }
        let mut expr = operand.ok_or(Malformed(span))?;
        // INVARIANT: the pre-scan bounded the number of `not`s, so this nesting is shallow.
        for not_span in nots.into_iter().rev() {
            let span = not_span.to(expr.span);
            expr = Expr {
                kind: ExprKind::Not(Box::new(expr)),
                span,
            };
        }
        Ok(expr)
    }

    fn predicate(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.tight_span(&pair);
        let mut parts = children(pair);
        let fact_pair = parts.next().ok_or(Malformed(span))?;
        let fact = self.ident(&fact_pair);
        let Some(tail) = parts.next() else {
            return Ok(Expr {
                kind: ExprKind::Fact(fact),
                span,
            });
        };
        let tail_span = self.span(&tail);
        let kind = match tail.as_rule() {
            Rule::compare => {
                let mut inner = children(tail);
                let op_pair = inner.next().ok_or(Malformed(tail_span))?;
                let op = match op_pair.as_str() {
                    "==" => CompareOp::Eq,
                    "!=" => CompareOp::Ne,
                    "<" => CompareOp::Lt,
                    "<=" => CompareOp::Le,
                    ">" => CompareOp::Gt,
                    ">=" => CompareOp::Ge,
                    _ => return Err(self.malformed(&op_pair)),
                };
                let op = Spanned {
                    value: op,
                    span: self.span(&op_pair),
                };
                let value = self.value(inner.next().ok_or(Malformed(tail_span))?)?;
                ExprKind::Compare { fact, op, value }
            }
            Rule::in_list | Rule::not_in_list => {
                let negated = tail.as_rule() == Rule::not_in_list;
                let list_pair = children(tail)
                    .find(|p| p.as_rule() == Rule::list)
                    .ok_or(Malformed(tail_span))?;
                let list_span = self.span(&list_pair);
                let list = self.list(list_pair)?;
                ExprKind::In {
                    fact,
                    negated,
                    list,
                    list_span,
                }
            }
            Rule::contains => {
                let value = self.value(self.field_value(tail)?)?;
                ExprKind::Contains { fact, value }
            }
            Rule::subset | Rule::superset => {
                let is_subset = tail.as_rule() == Rule::subset;
                let list_pair = self.field_value(tail)?;
                let list_span = self.span(&list_pair);
                let list = self.list(list_pair)?;
                if is_subset {
                    ExprKind::Subset {
                        fact,
                        list,
                        list_span,
                    }
                } else {
                    ExprKind::Superset {
                        fact,
                        list,
                        list_span,
                    }
                }
            }
            Rule::within => {
                let mut days = None;
                let mut direction = None;
                for part in tail.into_inner() {
                    match part.as_rule() {
                        Rule::int => days = Some(self.int(&part)),
                        Rule::kw_before | Rule::kw_after => {
                            direction = Some(Spanned {
                                value: if part.as_rule() == Rule::kw_before {
                                    Direction::Before
                                } else {
                                    Direction::After
                                },
                                span: self.span(&part),
                            });
                        }
                        _ => {}
                    }
                }
                ExprKind::Within {
                    fact,
                    days: days.ok_or(Malformed(tail_span))?,
                    direction: direction.ok_or(Malformed(tail_span))?,
                }
            }
            _ => return Err(self.malformed(&tail)),
        };
        Ok(Expr { kind, span })
    }

    // ------------------------------------------------------------ tests

    fn test(&mut self, pair: Pair<'_, Rule>) -> Built<Test> {
        let span = self.span(&pair);
        let (mut id, mut title, mut scheme, mut category) = (None, None, None, None);
        let (mut as_of, mut facts) = (None, None::<Spanned<Vec<FactValue>>>);
        let (mut holds, mut expects) = (Vec::new(), Vec::new());
        for child in children(pair) {
            match child.as_rule() {
                Rule::item_id => id = Some(self.ident(&child)),
                Rule::title_field => self.text_field(child, &mut title, "title")?,
                Rule::test_scheme_field => {
                    let value = self.scheme_ref(self.field_value(child)?)?;
                    self.once(&mut scheme, value, "scheme");
                }
                Rule::test_category_field => {
                    let value = self.ident(&self.field_value(child)?);
                    self.once(&mut category, value, "category");
                }
                Rule::as_of_field => self.date_field(child, &mut as_of, "as_of")?,
                Rule::holds_field => {
                    for holding in children(child) {
                        let holding_span = self.span(&holding);
                        let mut parts = children(holding);
                        let scheme = match parts.next() {
                            Some(p) => self.scheme_ref(p)?,
                            None => return Err(Malformed(holding_span)),
                        };
                        let kind = match parts.next().map(|p| p.as_rule()) {
                            Some(Rule::holding_level) => HeldKind::Level,
                            Some(Rule::holding_criterion) => HeldKind::Criterion,
                            _ => return Err(Malformed(holding_span)),
                        };
                        let target = match parts.next() {
                            Some(p) => self.ident(&p),
                            None => return Err(Malformed(holding_span)),
                        };
                        holds.push(Holding {
                            scheme,
                            kind,
                            target,
                            span: holding_span,
                        });
                    }
                }
                Rule::facts_block => {
                    let block_span = self.span(&child);
                    let mut values = Vec::new();
                    for entry in children(child) {
                        values.push(self.fact_value(entry)?);
                    }
                    let value = Spanned {
                        value: values,
                        span: block_span,
                    };
                    self.once(&mut facts, value, "facts");
                }
                Rule::expect_field => expects.push(self.expect(child)?),
                _ => return Err(self.malformed(&child)),
            }
        }
        Ok(Test {
            id: id.ok_or(Malformed(span))?,
            title,
            scheme,
            category,
            as_of,
            holds,
            facts: facts.map(|f| f.value),
            expects,
            span,
        })
    }

    fn fact_value(&mut self, pair: Pair<'_, Rule>) -> Built<FactValue> {
        let span = self.span(&pair);
        let mut parts = children(pair);
        let fact = match parts.next() {
            Some(p) => self.ident(&p),
            None => return Err(Malformed(span)),
        };
        let value = match parts.next() {
            Some(p) if p.as_rule() == Rule::list => {
                let list_span = self.span(&p);
                TestValue::List(self.list(p)?, list_span)
            }
            Some(p) => TestValue::One(self.value(p)?),
            None => return Err(Malformed(span)),
        };
        Ok(FactValue { fact, value, span })
    }

    fn expect(&mut self, pair: Pair<'_, Rule>) -> Built<Expect> {
        let span = self.span(&pair);
        let what = self.field_value(pair)?;
        let rule = what.as_rule();
        let what_span = self.span(&what);
        let mut parts = children(what);
        let kind = match rule {
            Rule::expect_level | Rule::expect_reachable => {
                let rank = match parts.next() {
                    Some(p) if p.as_rule() == Rule::int => Some(self.int(&p)),
                    Some(_) => None,
                    None => return Err(Malformed(span)),
                };
                if rule == Rule::expect_level {
                    ExpectKind::Level(rank)
                } else {
                    ExpectKind::Reachable(rank)
                }
            }
            Rule::expect_criterion => {
                let id = match parts.next() {
                    Some(p) => self.ident(&p),
                    None => return Err(Malformed(span)),
                };
                let verdict = parts.next().ok_or(Malformed(span))?;
                let value = match verdict.as_str() {
                    "pass" => Expected::Pass,
                    "fail" => Expected::Fail,
                    "unknown" => Expected::Unknown,
                    "credited" => Expected::Credited,
                    "not_applicable" => Expected::NotApplicable,
                    _ => return Err(self.malformed(&verdict)),
                };
                ExpectKind::Criterion(
                    id,
                    Spanned {
                        value,
                        span: self.span(&verdict),
                    },
                )
            }
            _ => return Err(Malformed(what_span)),
        };
        Ok(Expect { kind, span })
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> Built<Vec<Value>> {
        let mut values = Vec::new();
        for child in children(pair) {
            values.push(self.value(child)?);
        }
        Ok(values)
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Built<Value> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::date => ValueKind::Date(self.date(&pair).value),
            Rule::decimal => ValueKind::Decimal(self.decimal(&pair)),
            Rule::int => ValueKind::Int(self.int(&pair).value),
            Rule::string => ValueKind::String(self.text(pair)?.value),
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::kw_assessment => ValueKind::Assessment,
            Rule::variant => ValueKind::Variant(self.ident(&pair).name),
            _ => return Err(self.malformed(&pair)),
        };
        Ok(Value { kind, span })
    }
}

/// One operand stays itself; several become a flat `and`/`or` node.
fn flatten(mut operands: Vec<Expr>, span: Span, make: fn(Vec<Expr>) -> ExprKind) -> Built<Expr> {
    match operands.len() {
        0 => Err(Malformed(span)),
        1 => operands.pop().ok_or(Malformed(span)),
        _ => Ok(Expr {
            kind: make(operands),
            span,
        }),
    }
}
