//! Parser tests: every construct of the language parses into the AST shape
//! it promises, with spans that cover the right text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use labelc::ast::*;
use labelc::diag::{Code, Diagnostics};
use labelc::span::FileId;
use labelc::syntax::{parse_condition, parse_file};

fn parse(text: &str) -> File {
    let mut diagnostics = Diagnostics::new();
    let file = parse_file(FileId(0), text, &mut diagnostics);
    assert!(
        diagnostics.is_empty(),
        "{:?}",
        diagnostics.iter().collect::<Vec<_>>()
    );
    file
}

fn slice(text: &str, span: labelc::span::Span) -> &str {
    &text[span.range()]
}

fn condition(text: &str) -> Expr {
    let mut diagnostics = Diagnostics::new();
    let expr = parse_condition(FileId(0), text, &mut diagnostics);
    assert!(
        diagnostics.is_empty(),
        "{text}: {:?}",
        diagnostics.iter().collect::<Vec<_>>()
    );
    expr.unwrap()
}

fn scheme(file: &File) -> &Scheme {
    file.items
        .iter()
        .find_map(|i| {
            if let Item::Scheme(s) = i {
                Some(s)
            } else {
                None
            }
        })
        .unwrap()
}

#[test]
fn facts_of_every_type() {
    let text = r#"
fact a.b: bool { description "d" unit "u" }
fact n: int
fact x: decimal
fact s: string
fact d: date
fact set: set<string>
fact e: enum(one, two,)
"#;
    let file = parse(text);
    let kinds: Vec<FactTypeKind> = file
        .items
        .iter()
        .map(|i| match i {
            Item::Fact(f) => f.ty.kind.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(matches!(kinds[0], FactTypeKind::Bool));
    assert!(matches!(kinds[1], FactTypeKind::Int));
    assert!(matches!(kinds[2], FactTypeKind::Decimal));
    assert!(matches!(kinds[3], FactTypeKind::String));
    assert!(matches!(kinds[4], FactTypeKind::Date));
    assert!(matches!(kinds[5], FactTypeKind::SetOfString));
    match &kinds[6] {
        FactTypeKind::Enum(v) => assert_eq!(
            v.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["one", "two"]
        ),
        other => panic!("{other:?}"),
    }
    let Item::Fact(first) = &file.items[0] else {
        panic!()
    };
    assert_eq!(slice(text, first.name.span), "a.b");
    assert_eq!(first.description.as_ref().unwrap().value, "d");
    assert_eq!(first.unit.as_ref().unwrap().value, "u");
    assert_eq!(
        slice(text, first.span),
        r#"fact a.b: bool { description "d" unit "u" }"#
    );
}

#[test]
fn scheme_with_every_member() {
    let text = r#"
/* block
   comment */
scheme ccl@2026-04 { // line comment
  title "China \"Cybersecurity\" Label"
  jurisdiction "CN"
  status in_force
  effective 2026-07-01
  source measures { title "Measures" document "国信办发文〔2026〕4号" issued 2026-04-10 url "https://example.org" }
  authority cac { title "CAC" role "coordinates policy" }
  category iot {
    title "Connected products"
    category camera { title "Cameras" effective 2026-07-01 phase "first batch" status confirmed }
    category other { status pending "catalogue not published" }
  }
  criterion CCL-1.1 {
    title "No universal default passwords"
    citation measures "Art. 7"
    applies_to camera, other
    method test
    evidence "test report"
    evidence "declaration"
    status confirmed
    valid_from 2026-07-01
    valid_until 2030-01-01
    condition a
  }
  criterion CCL-2 { title "t" citation "free text" applies_to all method self_declaration status pending "not published" }
  level 1 { title "★" require CCL-1.1 }
  level 2 { title "★★" include 1 require CCL-2 at_least 1 of (CCL-1.1, CCL-2) status pending "why" }
}
"#;
    let file = parse(text);
    let s = scheme(&file);
    assert_eq!(s.reference.display(), "ccl@2026-04");
    assert_eq!(
        s.title.as_ref().unwrap().value,
        "China \"Cybersecurity\" Label"
    );
    assert_eq!(s.jurisdiction.as_ref().unwrap().value, "CN");
    assert_eq!(s.status.unwrap().value, SchemeStatus::InForce);
    assert_eq!(
        s.effective.unwrap().value.unwrap().to_string(),
        "2026-07-01"
    );
    assert_eq!(s.members.len(), 7);
    let Member::Source(source) = &s.members[0] else {
        panic!()
    };
    assert_eq!(
        source.document.as_ref().unwrap().value,
        "国信办发文〔2026〕4号"
    );
    assert_eq!(
        source.issued.unwrap().value.unwrap().to_string(),
        "2026-04-10"
    );
    let Member::Authority(authority) = &s.members[1] else {
        panic!()
    };
    assert_eq!(authority.role.as_ref().unwrap().value, "coordinates policy");
    let Member::Category(iot) = &s.members[2] else {
        panic!()
    };
    assert_eq!(iot.children.len(), 2);
    assert_eq!(iot.children[0].phase.as_ref().unwrap().value, "first batch");
    assert!(
        matches!(&iot.children[1].status, Some(Status::Pending(t)) if t.value == "catalogue not published")
    );
    let Member::Criterion(c) = &s.members[3] else {
        panic!()
    };
    assert_eq!(slice(text, c.id.span), "CCL-1.1");
    assert_eq!(
        c.citation.as_ref().unwrap().source.as_ref().unwrap().name,
        "measures"
    );
    assert!(matches!(&c.applies_to, Some(AppliesTo::Categories(ids)) if ids.len() == 2));
    assert_eq!(c.method.unwrap().value, Method::Test);
    assert_eq!(c.evidence.len(), 2);
    assert!(c.valid_from.is_some() && c.valid_until.is_some());
    let Member::Criterion(c2) = &s.members[4] else {
        panic!()
    };
    assert!(c2.citation.as_ref().unwrap().source.is_none());
    assert!(matches!(c2.applies_to, Some(AppliesTo::All(_))));
    assert!(c2.condition.is_none());
    let Member::Level(l2) = &s.members[6] else {
        panic!()
    };
    assert_eq!(l2.rank.value, Some(2));
    assert_eq!(l2.includes[0].value, Some(1));
    assert_eq!(l2.require.len(), 1);
    assert_eq!(l2.at_least[0].k.value, Some(1));
    assert_eq!(l2.at_least[0].of.len(), 2);
}

#[test]
fn recognition_with_every_field() {
    let text = r#"
recognition sg-cls--ccl {
  title "CLS to CCL"
  from sg_cls@2024 level 2
  to ccl
  relationship subset_of
  credit partial
  status proposed
  source "MoU, 2026"
  valid_from 2026-01-01
  valid_until 2027-01-01
  condition certificate.valid
  verify "certificate still valid"
  credits CCL-1.1, CCL-1.2
}
recognition etsi--ccl { from etsi_en_303_645 criterion 5.1-1 to ccl@2026-04 relationship equal credit full status assumed credits CCL-1.1 }
"#;
    let file = parse(text);
    let Item::Recognition(r) = &file.items[0] else {
        panic!()
    };
    assert_eq!(r.id.name, "sg-cls--ccl");
    let from = r.from.as_ref().unwrap();
    assert_eq!(from.scheme.display(), "sg_cls@2024");
    assert!(matches!(
        from.target,
        FromTarget::Level(IntLit { value: Some(2), .. })
    ));
    assert_eq!(r.to.as_ref().unwrap().display(), "ccl");
    assert_eq!(r.relationship.unwrap().value, Relationship::SubsetOf);
    assert_eq!(r.credit.unwrap().value, Credit::Partial);
    assert_eq!(r.status.unwrap().value, RecognitionStatus::Proposed);
    assert_eq!(r.verify.len(), 1);
    assert_eq!(r.credits.len(), 2);
    let Item::Recognition(r2) = &file.items[1] else {
        panic!()
    };
    assert!(
        matches!(&r2.from.as_ref().unwrap().target, FromTarget::Criterion(id) if id.name == "5.1-1")
    );
}

#[test]
fn precedence_not_binds_tighter_than_and_tighter_than_or() {
    let e = condition("a or not b and c");
    let ExprKind::Or(items) = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(items.len(), 2);
    let ExprKind::And(conj) = &items[1].kind else {
        panic!()
    };
    assert!(matches!(conj[0].kind, ExprKind::Not(_)));
    assert!(matches!(conj[1].kind, ExprKind::Fact(_)));
}

#[test]
fn parentheses_override_precedence() {
    let e = condition("(a or b) and c");
    let ExprKind::And(items) = &e.kind else {
        panic!()
    };
    assert!(
        matches!(&items[0].kind, ExprKind::Paren(inner) if matches!(inner.kind, ExprKind::Or(_)))
    );
}

#[test]
fn chains_are_flat() {
    let e = condition(&vec!["a"; 1000].join(" and "));
    let ExprKind::And(items) = &e.kind else {
        panic!()
    };
    assert_eq!(items.len(), 1000);
}

#[test]
fn every_predicate() {
    let text = "n >= 70 and x < 1.5 and s == \"x\" and e != one and d <= 2026-01-01 and d > assessment \
                and b == true and e in [one, two] and e not in [two] and set contains \"a\" \
                and set subset_of [\"a\", \"b\"] and set superset_of [\"a\"] and present(n) \
                and d within 365 days before assessment and d within 30 days after assessment";
    let e = condition(text);
    let ExprKind::And(items) = &e.kind else {
        panic!()
    };
    let shapes: Vec<&str> = items
        .iter()
        .map(|i| match &i.kind {
            ExprKind::Compare { .. } => "compare",
            ExprKind::In { negated: false, .. } => "in",
            ExprKind::In { negated: true, .. } => "not in",
            ExprKind::Contains { .. } => "contains",
            ExprKind::Subset { .. } => "subset",
            ExprKind::Superset { .. } => "superset",
            ExprKind::Present(_) => "present",
            ExprKind::Within { direction, .. } => match direction.value {
                Direction::Before => "within before",
                Direction::After => "within after",
            },
            _ => "other",
        })
        .collect();
    assert_eq!(
        shapes,
        [
            "compare",
            "compare",
            "compare",
            "compare",
            "compare",
            "compare",
            "compare",
            "in",
            "not in",
            "contains",
            "subset",
            "superset",
            "present",
            "within before",
            "within after"
        ]
    );
    let ExprKind::Compare { op, value, .. } = &items[0].kind else {
        panic!()
    };
    assert_eq!(op.value, CompareOp::Ge);
    assert_eq!(value.kind, ValueKind::Int(Some(70)));
    let ExprKind::Compare { value, .. } = &items[3].kind else {
        panic!()
    };
    assert_eq!(value.kind, ValueKind::Variant("one".into()));
    let ExprKind::Compare { value, .. } = &items[5].kind else {
        panic!()
    };
    assert_eq!(value.kind, ValueKind::Assessment);
    let ExprKind::Within { days, .. } = &items[13].kind else {
        panic!()
    };
    assert_eq!(days.value, Some(365));
}

#[test]
fn keywords_are_not_fact_names_but_may_prefix_them() {
    let e = condition("in_stock and notable and order.in");
    let ExprKind::And(items) = &e.kind else {
        panic!()
    };
    assert_eq!(items.len(), 3);
}

#[test]
fn syntax_errors_recover_at_the_next_item() {
    let text = r#"
fact a: bool
fact b: int
scheme s@1 {
  title "S"
  category c { }
  criterion X-1 { title "x" condition a and }
  criterion X-2 { title "y" condition b >= }
  criterion X-3 { title "z" condition a }
  level 1 { require X-1, X-2, X-3 }
}
fact c: bogus
fact d: bool
"#;
    let mut diagnostics = Diagnostics::new();
    let file = parse_file(FileId(0), text, &mut diagnostics);
    let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::SyntaxUnexpected; 3]);
    // What follows each broken item is still there.
    let s = scheme(&file);
    let criteria: Vec<&str> = s
        .members
        .iter()
        .filter_map(|m| {
            if let Member::Criterion(c) = m {
                Some(c.id.name.as_str())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(criteria, ["X-3"]);
    assert!(s.members.iter().any(|m| matches!(m, Member::Level(_))));
    assert!(
        file.items
            .iter()
            .any(|i| matches!(i, Item::Fact(f) if f.name.name == "d"))
    );
    // The errors point into the broken items, not at their starts.
    let starts: Vec<&str> = diagnostics.iter().map(|d| &text[d.span.range()]).collect();
    assert_eq!(starts, ["}", "}", "bogus"]);
    // References to the broken criteria are not reported again.
    let (_, outcome) = labelc::check_text("t.policy", text);
    assert_eq!(outcome.error_count(), 3, "{:?}", outcome.diagnostics);
}

#[test]
fn invalid_literals_are_reported_once() {
    let text = "fact d: date\nscheme s@1 { title \"S\" effective 2026-02-30 category c { } }";
    let mut diagnostics = Diagnostics::new();
    let _ = parse_file(FileId(0), text, &mut diagnostics);
    let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::InvalidDate]);
}

#[test]
fn duplicate_fields_point_at_both() {
    let text = "scheme s@1 { title \"a\" title \"b\" }";
    let mut diagnostics = Diagnostics::new();
    let _ = parse_file(FileId(0), text, &mut diagnostics);
    let d = diagnostics.iter().next().unwrap();
    assert_eq!(d.code, Code::DuplicateField);
    assert_eq!(&text[d.span.range()], "\"b\"");
    assert_eq!(&text[d.related[0].span.range()], "\"a\"");
}

/// Every ```labelc block in docs/language.md is a complete file that checks
/// clean and is laid out as `labelc fmt` writes it.
#[test]
fn documentation_examples_check_clean() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md")).unwrap();
    let mut blocks = 0;
    let mut rest = docs.as_str();
    while let Some(start) = rest.find("```labelc\n") {
        let body = &rest[start + 10..];
        let end = body.find("```").unwrap();
        let (_, outcome) = labelc::check_text("example.policy", &body[..end]);
        assert!(
            outcome.diagnostics.is_empty(),
            "example {blocks}:\n{}\n{:?}",
            &body[..end],
            outcome.diagnostics
        );
        // A block inside a list item is indented; compare without that indent.
        let code = &body[..end];
        let indent = code
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let unindented: String = code
            .trim_end()
            .lines()
            .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
            .collect();
        let formatted = labelc::fmt::format_text(labelc::span::FileId(0), &unindented).unwrap();
        assert_eq!(formatted, unindented, "example {blocks} is not formatted");
        blocks += 1;
        rest = &body[end..];
    }
    assert!(blocks >= 10, "only {blocks} examples found");
}
