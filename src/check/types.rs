//! Type checking of conditions against the fact declarations: every operand
//! has the fact's type, every operator is defined on it.

use crate::ast::*;
use crate::diag::{Code, Diagnostic, Diagnostics, suggest};
use crate::resolve::Model;

/// The largest `N` in `within N days`: the span of the dates evaluation
/// knows (years -9999 to 9999), beyond which a rule set could not be evaluated.
pub const MAX_WITHIN_DAYS: i64 = 7_304_484;

/// Checks one condition. Facts that resolution could not find are skipped
/// (already reported).
pub fn check_condition(model: &Model<'_>, expr: &Expr, diagnostics: &mut Diagnostics) {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Or(items) | ExprKind::And(items) => stack.extend(items.iter().rev()),
            ExprKind::Not(inner) | ExprKind::Paren(inner) => stack.push(inner),
            ExprKind::Present(_) => {}
            ExprKind::Fact(fact) => {
                if let Some(ty) = fact_type(model, fact) {
                    check_alone(fact, ty, diagnostics);
                }
            }
            ExprKind::Compare { fact, op, value } => {
                if let Some(ty) = fact_type(model, fact) {
                    check_compare(fact, ty, *op, value, diagnostics);
                }
            }
            ExprKind::In { fact, list, .. } => {
                if let Some(ty) = fact_type(model, fact) {
                    check_in(fact, ty, list, e.span, diagnostics);
                }
            }
            ExprKind::Contains { fact, value } => {
                if let Some(ty) = fact_type(model, fact) {
                    if *ty == FactTypeKind::SetOfString {
                        check_value(fact, &FactTypeKind::String, value, diagnostics);
                    } else {
                        diagnostics.push(not_a_set(fact, ty, "contains"));
                    }
                }
            }
            ExprKind::Subset { fact, list, .. } | ExprKind::Superset { fact, list, .. } => {
                if let Some(ty) = fact_type(model, fact) {
                    let op = if matches!(e.kind, ExprKind::Subset { .. }) {
                        "subset_of"
                    } else {
                        "superset_of"
                    };
                    if *ty == FactTypeKind::SetOfString {
                        for value in list {
                            check_value(fact, &FactTypeKind::String, value, diagnostics);
                        }
                    } else {
                        diagnostics.push(not_a_set(fact, ty, op));
                    }
                }
            }
            ExprKind::Within { fact, days, .. } => {
                check_within(fact_type(model, fact), fact, days, diagnostics);
            }
        }
    }
}

/// A fact used alone as a condition must be a `bool`.
fn check_alone(fact: &Ident, ty: &FactTypeKind, diagnostics: &mut Diagnostics) {
    if *ty == FactTypeKind::Bool {
        return;
    }
    diagnostics.push(
        Diagnostic::new(
            Code::NotBoolean,
            format!(
                "`{}` is {}, not `bool`, so it cannot stand alone as a condition",
                fact.name,
                describe(ty)
            ),
            fact.span,
            format!("this is {}", describe(ty)),
        )
        .with_help(alone_help(&fact.name, ty)),
    );
}

/// `fact in [...]`: not on a set; each value of the fact's type.
fn check_in(
    fact: &Ident,
    ty: &FactTypeKind,
    list: &[Value],
    span: crate::span::Span,
    diagnostics: &mut Diagnostics,
) {
    if *ty == FactTypeKind::SetOfString {
        diagnostics.push(unsupported(
            fact,
            ty,
            "in",
            span,
            format!(
                "to test the elements of a set, write `{} subset_of [...]` or `{} contains \"…\"`",
                fact.name, fact.name
            ),
        ));
    } else {
        for value in list {
            check_value(fact, ty, value, diagnostics);
        }
    }
}

/// `fact within N days …`: a date fact (`ty`, when the fact is known) and a
/// day count from 0 to [`MAX_WITHIN_DAYS`].
fn check_within(
    ty: Option<&FactTypeKind>,
    fact: &Ident,
    days: &IntLit,
    diagnostics: &mut Diagnostics,
) {
    if let Some(ty) = ty
        && *ty != FactTypeKind::Date
    {
        diagnostics.push(
            Diagnostic::new(
                Code::TypeMismatch,
                format!(
                    "`within … days` needs a date, but `{}` is {}",
                    fact.name,
                    describe(ty)
                ),
                fact.span,
                format!("this is {}", describe(ty)),
            )
            .with_help("use `within` on a fact declared as `date`"),
        );
    }
    if let Some(d) = days.value.filter(|&d| d > MAX_WITHIN_DAYS) {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidNumber,
                format!(
                    "`within {d} days` spans more than the {MAX_WITHIN_DAYS} days between the first and the last date labelc knows"
                ),
                days.span,
                "too many days",
            )
            .with_help(format!(
                "use at most {MAX_WITHIN_DAYS} days (years -9999 to 9999), or drop the `within` to accept any date"
            )),
        );
    }
    if days.value.is_some_and(|d| d < 0) {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidNumber,
                "the number of days must not be negative",
                days.span,
                "negative",
            )
            .with_help("write `before assessment` or `after assessment` to give the direction"),
        );
    }
}

/// Checks a value a test gives to a fact: the fact's type exactly (an `int`
/// takes no decimal), a list for a set, a date rather than `assessment`.
pub fn check_test_value(model: &Model<'_>, given: &FactValue, diagnostics: &mut Diagnostics) {
    let fact = &given.fact;
    let Some(ty) = fact_type(model, fact) else {
        return;
    };
    let mismatch = |what: &str, span, help: String| {
        Diagnostic::new(
            Code::TypeMismatch,
            format!("`{}` is {} but is given {what}", fact.name, describe(ty)),
            span,
            format!("this is {what}"),
        )
        .with_related(fact.span, format!("this is {}", describe(ty)))
        .with_help(help)
    };
    match (&given.value, ty) {
        (TestValue::List(values, _), FactTypeKind::SetOfString) => {
            for value in values {
                if !matches!(value.kind, ValueKind::String(_)) {
                    diagnostics.push(mismatch(
                        value_kind(&value.kind),
                        value.span,
                        "the elements of a `set<string>` are quoted strings".to_string(),
                    ));
                }
            }
        }
        (TestValue::List(_, span), _) => diagnostics.push(mismatch(
            "a list",
            *span,
            format!("give `{}` {}", fact.name, example(ty)),
        )),
        (TestValue::One(value), FactTypeKind::SetOfString) => diagnostics.push(mismatch(
            value_kind(&value.kind),
            value.span,
            "give a set as a list of strings: `[\"a\", \"b\"]` (`[]` for the empty set)"
                .to_string(),
        )),
        (TestValue::One(value), _) => match (&value.kind, ty) {
            (ValueKind::Assessment, _) => diagnostics.push(mismatch(
                value_kind(&value.kind),
                value.span,
                "a test gives the date itself, e.g. `2026-07-01`".to_string(),
            )),
            (ValueKind::Decimal(_), FactTypeKind::Int) => diagnostics.push(mismatch(
                value_kind(&value.kind),
                value.span,
                format!("`{}` takes whole numbers", fact.name),
            )),
            _ => check_value_as(fact, ty, value, "is given", diagnostics),
        },
    }
}

fn fact_type<'m>(model: &'m Model<'_>, fact: &Ident) -> Option<&'m FactTypeKind> {
    model.facts.get(fact.name.as_str()).map(|f| &f.ty.kind)
}

/// How a type reads in a message: "`int`", "an enumeration".
pub fn describe(ty: &FactTypeKind) -> String {
    match ty {
        FactTypeKind::Bool => "`bool`".into(),
        FactTypeKind::Int => "`int`".into(),
        FactTypeKind::Decimal => "`decimal`".into(),
        FactTypeKind::String => "`string`".into(),
        FactTypeKind::Date => "`date`".into(),
        FactTypeKind::SetOfString => "`set<string>`".into(),
        FactTypeKind::Enum(_) => "an enumeration".into(),
    }
}

fn alone_help(name: &str, ty: &FactTypeKind) -> String {
    match ty {
        FactTypeKind::Int | FactTypeKind::Decimal => {
            format!("compare it with a number, e.g. `{name} >= 1`")
        }
        FactTypeKind::String => format!("compare it with a string, e.g. `{name} == \"…\"`"),
        FactTypeKind::Date => {
            format!("compare it with a date, e.g. `{name} within 365 days before assessment`")
        }
        FactTypeKind::SetOfString => format!("test its elements, e.g. `{name} contains \"…\"`"),
        FactTypeKind::Enum(variants) => match variants.first() {
            Some(v) => format!("compare it with a value, e.g. `{name} == {}`", v.name),
            None => format!("compare it with one of its values: `{name} == …`"),
        },
        FactTypeKind::Bool => String::new(),
    }
}

fn value_kind(value: &ValueKind) -> &'static str {
    match value {
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Int(_) => "an integer",
        ValueKind::Decimal(_) => "a decimal number",
        ValueKind::String(_) => "a string",
        ValueKind::Date(_) => "a date",
        ValueKind::Assessment => "the assessment date",
        ValueKind::Variant(_) => "an enumeration value",
    }
}

fn check_compare(
    fact: &Ident,
    ty: &FactTypeKind,
    op: Spanned<CompareOp>,
    value: &Value,
    diagnostics: &mut Diagnostics,
) {
    let ordered = matches!(
        op.value,
        CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge
    );
    match ty {
        FactTypeKind::SetOfString => {
            diagnostics.push(unsupported(
                fact,
                ty,
                op.value.symbol(),
                op.span,
                format!(
                    "compare sets element by element: `{0} contains \"…\"`, `{0} subset_of [...]` or `{0} superset_of [...]`",
                    fact.name
                ),
            ));
            return;
        }
        FactTypeKind::Bool | FactTypeKind::String | FactTypeKind::Enum(_) if ordered => {
            diagnostics.push(unsupported(
                fact,
                ty,
                op.value.symbol(),
                op.span,
                "only `==` and `!=` compare values of this type".to_string(),
            ));
            return;
        }
        _ => {}
    }
    check_value(fact, ty, value, diagnostics);
}

/// Checks that a literal fits the fact's type.
fn check_value(fact: &Ident, ty: &FactTypeKind, value: &Value, diagnostics: &mut Diagnostics) {
    check_value_as(fact, ty, value, "is compared with", diagnostics);
}

/// [`check_value`], saying how the value meets the fact (`is given`, `is compared with`).
fn check_value_as(
    fact: &Ident,
    ty: &FactTypeKind,
    value: &Value,
    verb: &str,
    diagnostics: &mut Diagnostics,
) {
    let fits = matches!(
        (ty, &value.kind),
        (FactTypeKind::Bool, ValueKind::Bool(_))
            | (
                FactTypeKind::Int | FactTypeKind::Decimal,
                ValueKind::Int(_) | ValueKind::Decimal(_)
            )
            | (FactTypeKind::String, ValueKind::String(_))
            | (
                FactTypeKind::Date,
                ValueKind::Date(_) | ValueKind::Assessment
            )
    );
    if fits {
        return;
    }
    if let (FactTypeKind::Enum(variants), ValueKind::Variant(name)) = (ty, &value.kind) {
        if !variants.iter().any(|v| &v.name == name) {
            let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
            let help = match suggest(name, names.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "the values of `{}` are {}",
                    fact.name,
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownVariant,
                    format!("`{name}` is not a value of `{}`", fact.name),
                    value.span,
                    "unknown value",
                )
                .with_help(help),
            );
        }
        return;
    }
    let help = match (ty, &value.kind) {
        (FactTypeKind::Int | FactTypeKind::Decimal, ValueKind::String(s))
            if s.trim().parse::<f64>().is_ok() =>
        {
            format!("write the number without quotes: `{}`", s.trim())
        }
        (FactTypeKind::Bool, ValueKind::String(s)) if s == "true" || s == "false" => {
            format!("write `{s}` without quotes")
        }
        (FactTypeKind::Enum(variants), ValueKind::String(s))
            if variants.iter().any(|v| &v.name == s) =>
        {
            format!("enumeration values are written without quotes: `{s}`")
        }
        (FactTypeKind::String, ValueKind::Variant(s)) => format!("strings are quoted: `\"{s}\"`"),
        (FactTypeKind::Date, _) => {
            "write a date as YYYY-MM-DD, or `assessment` for the assessment date".to_string()
        }
        (FactTypeKind::Enum(variants), _) => format!(
            "compare with one of {}",
            variants
                .iter()
                .map(|v| format!("`{}`", v.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ if verb == "is given" => format!("give `{}` {}", fact.name, example(ty)),
        _ => format!("compare `{}` with {}", fact.name, example(ty)),
    };
    diagnostics.push(
        Diagnostic::new(
            Code::TypeMismatch,
            format!(
                "`{}` is {} but {verb} {}",
                fact.name,
                describe(ty),
                value_kind(&value.kind)
            ),
            value.span,
            format!("this is {}", value_kind(&value.kind)),
        )
        .with_related(fact.span, format!("this is {}", describe(ty)))
        .with_help(help),
    );
}

fn example(ty: &FactTypeKind) -> &'static str {
    match ty {
        FactTypeKind::Bool => "`true` or `false`",
        FactTypeKind::Int | FactTypeKind::Decimal => "a number",
        FactTypeKind::String => "a quoted string",
        FactTypeKind::Date => "a date",
        FactTypeKind::SetOfString => "a list of strings",
        FactTypeKind::Enum(_) => "one of its values",
    }
}

fn unsupported(
    fact: &Ident,
    ty: &FactTypeKind,
    op: &str,
    span: crate::span::Span,
    help: String,
) -> Diagnostic {
    Diagnostic::new(
        Code::UnsupportedOperator,
        format!(
            "`{op}` is not defined on `{}`, which is {}",
            fact.name,
            describe(ty)
        ),
        span,
        format!("`{op}` does not apply to {}", describe(ty)),
    )
    .with_related(fact.span, format!("this is {}", describe(ty)))
    .with_help(help)
}

fn not_a_set(fact: &Ident, ty: &FactTypeKind, op: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NotASet,
        format!(
            "`{op}` needs a set, but `{}` is {}",
            fact.name,
            describe(ty)
        ),
        fact.span,
        format!("this is {}", describe(ty)),
    )
    .with_help(format!(
        "declare the fact as `set<string>`, or compare it directly (e.g. `{} in [...]`)",
        fact.name
    ))
}
