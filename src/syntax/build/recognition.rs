//! Recognitions between schemes, and the `applies_to` field they share with criteria.

use pest::iterators::Pair;

use super::{Builder, Built, Malformed, children};
use crate::ast::*;
use crate::syntax::Rule;

impl Builder<'_> {
    pub(super) fn recognition(&mut self, pair: Pair<'_, Rule>) -> Built<Recognition> {
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
                    let value = self.recognition_from(child)?;
                    self.once(&mut from, value, "from");
                }
                Rule::to_field => {
                    let value = self.scheme_ref(self.field_value(child)?)?;
                    self.once(&mut to, value, "to");
                }
                Rule::relationship_field => {
                    self.word_field(child, &mut relationship, "relationship", relationship_word)?
                }
                Rule::credit_field => self.word_field(child, &mut credit, "credit", credit_word)?,
                Rule::recognition_status_field => {
                    self.word_field(child, &mut status, "status", status_word)?
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

    /// `from SCHEME level N` or `from SCHEME criterion ID`.
    fn recognition_from(&mut self, field: Pair<'_, Rule>) -> Built<RecognitionFrom> {
        let field_span = self.span(&field);
        let mut scheme = None;
        let mut target = None;
        for part in children(field) {
            match part.as_rule() {
                Rule::scheme_ref => scheme = Some(self.scheme_ref(part)?),
                Rule::from_level => {
                    target = Some(FromTarget::Level(self.int(&self.field_value(part)?)))
                }
                Rule::from_criterion => {
                    target = Some(FromTarget::Criterion(self.ident(&self.field_value(part)?)));
                }
                _ => return Err(self.malformed(&part)),
            }
        }
        Ok(RecognitionFrom {
            scheme: scheme.ok_or(Malformed(field_span))?,
            target: target.ok_or(Malformed(field_span))?,
            span: field_span,
        })
    }

    /// `applies_to all` or `applies_to ID, ID…` (criteria and recognitions).
    pub(super) fn applies_to(&mut self, field: Pair<'_, Rule>) -> Built<AppliesTo> {
        let value = self.field_value(field)?;
        match value.as_rule() {
            Rule::kw_all => Ok(AppliesTo::All(self.span(&value))),
            Rule::name_list => Ok(AppliesTo::Categories(self.id_list(value))),
            _ => Err(self.malformed(&value)),
        }
    }
}

fn relationship_word(word: &str) -> Option<Relationship> {
    match word {
        "equal" => Some(Relationship::Equal),
        "subset_of" => Some(Relationship::SubsetOf),
        "superset_of" => Some(Relationship::SupersetOf),
        "intersects_with" => Some(Relationship::IntersectsWith),
        "no_relationship" => Some(Relationship::NoRelationship),
        _ => None,
    }
}

fn credit_word(word: &str) -> Option<Credit> {
    match word {
        "full" => Some(Credit::Full),
        "partial" => Some(Credit::Partial),
        "none" => Some(Credit::None),
        _ => None,
    }
}

fn status_word(word: &str) -> Option<RecognitionStatus> {
    match word {
        "official" => Some(RecognitionStatus::Official),
        "proposed" => Some(RecognitionStatus::Proposed),
        "assumed" => Some(RecognitionStatus::Assumed),
        _ => None,
    }
}
