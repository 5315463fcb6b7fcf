//! `test` items: a product's facts and what it expects.

use pest::iterators::Pair;

use super::{Builder, Built, Malformed, children};
use crate::ast::*;
use crate::syntax::Rule;

impl Builder<'_> {
    pub(super) fn test(&mut self, pair: Pair<'_, Rule>) -> Built<Test> {
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

    pub(super) fn fact_value(&mut self, pair: Pair<'_, Rule>) -> Built<FactValue> {
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

    pub(super) fn expect(&mut self, pair: Pair<'_, Rule>) -> Built<Expect> {
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
}
