//! Conditions: `or` / `and` chains flattened into vectors, `not`, and the
//! predicates on facts, with their literal values.

use pest::iterators::Pair;

use super::{Builder, Built, Malformed, children};
use crate::ast::*;
use crate::span::Span;
use crate::syntax::Rule;

impl Builder<'_> {
    pub fn expr(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.tight_span(&pair);
        let mut operands = Vec::new();
        for child in children(pair) {
            operands.push(self.and_expr(child)?);
        }
        flatten(operands, span, ExprKind::Or)
    }

    pub(super) fn and_expr(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.tight_span(&pair);
        let mut operands = Vec::new();
        for child in children(pair) {
            operands.push(self.unary(child)?);
        }
        flatten(operands, span, ExprKind::And)
    }

    pub(super) fn unary(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
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

    pub(super) fn predicate(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
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

    pub(super) fn list(&mut self, pair: Pair<'_, Rule>) -> Built<Vec<Value>> {
        let mut values = Vec::new();
        for child in children(pair) {
            values.push(self.value(child)?);
        }
        Ok(values)
    }

    pub(super) fn value(&mut self, pair: Pair<'_, Rule>) -> Built<Value> {
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
