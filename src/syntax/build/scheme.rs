//! Facts, schemes and their members: sources, authorities, categories,
//! criteria and levels.

use pest::iterators::Pair;

use super::{Builder, Built, Malformed, children};
use crate::ast::*;
use crate::diag::{Code, Diagnostic};
use crate::syntax::Rule;

impl Builder<'_> {
    pub(super) fn fact(&mut self, pair: Pair<'_, Rule>) -> Built<FactDecl> {
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

    pub(super) fn fact_type(&mut self, pair: Pair<'_, Rule>) -> Built<FactType> {
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

    pub(super) fn scheme_ref(&mut self, pair: Pair<'_, Rule>) -> Built<SchemeRef> {
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

    pub(super) fn scheme(&mut self, pair: Pair<'_, Rule>) -> Built<Scheme> {
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

    pub(super) fn member(&mut self, pair: Pair<'_, Rule>) -> Built<Member> {
        Ok(match pair.as_rule() {
            Rule::source_decl => Member::Source(self.source(pair)?),
            Rule::authority_decl => Member::Authority(self.authority(pair)?),
            Rule::category => Member::Category(self.category(pair)?),
            Rule::criterion => Member::Criterion(self.criterion(pair)?),
            Rule::level => Member::Level(self.level(pair)?),
            _ => return Err(self.malformed(&pair)),
        })
    }

    pub(super) fn source(&mut self, pair: Pair<'_, Rule>) -> Built<Source> {
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

    pub(super) fn authority(&mut self, pair: Pair<'_, Rule>) -> Built<Authority> {
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

    pub(super) fn status(&mut self, pair: Pair<'_, Rule>) -> Built<Status> {
        let value = self.field_value(pair)?;
        Ok(match value.as_rule() {
            Rule::status_confirmed => Status::Confirmed(self.span(&value)),
            Rule::status_pending => Status::Pending(self.text(self.field_value(value)?)?),
            _ => return Err(self.malformed(&value)),
        })
    }

    pub(super) fn category(&mut self, pair: Pair<'_, Rule>) -> Built<Category> {
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

    pub(super) fn id_list(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        children(pair).map(|p| self.ident(&p)).collect()
    }

    pub(super) fn criterion(&mut self, pair: Pair<'_, Rule>) -> Built<Criterion> {
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
                            Diagnostic::new(
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

    pub(super) fn level(&mut self, pair: Pair<'_, Rule>) -> Built<Level> {
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
}
