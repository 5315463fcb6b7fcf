//! Lowering: the checked model → the rule set. Runs only on a model without
//! errors, so every reference resolves and every literal has its value;
//! where one does not (a broken invariant: a bug in labelc), lowering goes
//! on to find every such place and then fails with `labelc::internal`
//! diagnostics rather than compiling a wrong value (a 0 threshold) silently.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::*;
use crate::ast;
use crate::check::requirements;
use crate::diag::{Code, Diagnostic};
use crate::resolve::{Model, SchemeIndex, compare_versions};
use crate::source::SourceMap;
use crate::span::Span;

struct Lowerer<'a> {
    sources: &'a SourceMap,
    slots: BTreeMap<&'a str, u32>,
    /// Broken invariants found so far: the model was not what checking promised.
    internal: Vec<Diagnostic>,
}

/// Lowers a checked model into a rule set, or returns the `labelc::internal`
/// diagnostics of every place where the model broke an invariant of a
/// checked model (a missing literal value, an unresolved fact).
pub fn lower(model: &Model<'_>, sources: &SourceMap) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut lowerer = Lowerer {
        sources,
        slots: BTreeMap::new(),
        internal: Vec::new(),
    };
    for (i, (name, fact)) in model.facts.iter().enumerate() {
        match u32::try_from(i) {
            Ok(slot) => {
                lowerer.slots.insert(*name, slot);
            }
            Err(_) => lowerer.broken(fact.name.span, "a fact slot beyond 32 bits"),
        }
    }

    let mut files = Vec::new();
    let mut all = Sha256::new();
    for (_, file) in sources.iter() {
        let sha = hex(&Sha256::digest(file.text.as_bytes()));
        all.update(file.path.as_bytes());
        all.update([0]);
        all.update(sha.as_bytes());
        all.update([b'\n']);
        files.push(SourceFile {
            path: file.path.clone(),
            sha256: sha,
        });
    }

    let facts = model.facts.values().map(|f| lowerer.fact(f)).collect();
    let mut indices: Vec<&SchemeIndex<'_>> = model.schemes.values().collect();
    indices.sort_by(|a, b| {
        let (x, y) = (&a.scheme.reference, &b.scheme.reference);
        x.id.name.cmp(&y.id.name).then_with(|| {
            let version = |r: &ast::SchemeRef| {
                r.version
                    .as_ref()
                    .map(|v| v.name.clone())
                    .unwrap_or_default()
            };
            compare_versions(&version(x), &version(y))
        })
    });
    let schemes = indices
        .into_iter()
        .map(|index| lowerer.scheme(index))
        .collect();
    let recognitions = model
        .recognitions
        .values()
        .filter_map(|r| {
            let lowered = lowerer.recognition(r);
            if lowered.is_none() {
                lowerer.broken(r.recognition.id.span, "a recognition without its bindings");
            }
            lowered
        })
        .collect();
    if !lowerer.internal.is_empty() {
        return Err(lowerer.internal);
    }
    Ok(RuleSet {
        format: FORMAT.to_string(),
        digest: hex(&all.finalize()),
        sources: files,
        facts,
        schemes,
        recognitions,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(t: &Option<ast::Text>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

fn status(s: &Option<ast::Status>) -> Status {
    match s {
        Some(ast::Status::Pending(reason)) => Status::Pending {
            reason: reason.value.clone(),
        },
        _ => Status::Confirmed,
    }
}

impl Lowerer<'_> {
    /// A date field as written; a date literal without its value (an invalid
    /// date, which `check` reports and which stops lowering) is a broken
    /// invariant here, not a field left out.
    fn date(&mut self, lit: Option<ast::DateLit>) -> Option<DateString> {
        let lit = lit?;
        match lit.value {
            Some(d) => Some(d.to_string()),
            None => {
                self.broken(lit.span, "a date without its value");
                None
            }
        }
    }

    /// Records a broken invariant at `span`: `what` the model held where a
    /// checked model cannot.
    fn broken(&mut self, span: Span, what: &str) {
        self.internal.push(
            Diagnostic::new(
                Code::Internal,
                format!("labelc could not lower this: {what}"),
                span,
                "here",
            )
            .with_help("this is a bug in labelc: please report it with this input"),
        );
    }

    /// The value of a whole-number literal, which checking guarantees.
    fn int(&mut self, lit: &ast::IntLit, what: &str) -> i64 {
        lit.value.unwrap_or_else(|| {
            self.broken(lit.span, &format!("{what} without its value"));
            0
        })
    }

    fn location(&self, span: Span) -> Location {
        let file = self.sources.get(span.file);
        let (line, column) = file.map_or((0, 0), |f| f.line_column(span.start as usize));
        Location {
            file: file.map(|f| f.path.clone()).unwrap_or_default(),
            line,
            column,
        }
    }

    fn source_text(&self, span: Span) -> String {
        self.sources
            .get(span.file)
            .and_then(|f| f.text.get(span.range()))
            .unwrap_or("")
            .to_string()
    }

    fn fact(&mut self, fact: &ast::FactDecl) -> Fact {
        let ty = match &fact.ty.kind {
            ast::FactTypeKind::Bool => FactType::Bool,
            ast::FactTypeKind::Int => FactType::Int,
            ast::FactTypeKind::Decimal => FactType::Decimal,
            ast::FactTypeKind::String => FactType::String,
            ast::FactTypeKind::Date => FactType::Date,
            ast::FactTypeKind::SetOfString => FactType::StringSet,
            ast::FactTypeKind::Enum(values) => FactType::Enum {
                values: values.iter().map(|v| v.name.clone()).collect(),
            },
        };
        Fact {
            name: fact.name.name.clone(),
            ty,
            description: text(&fact.description),
            unit: text(&fact.unit),
            location: self.location(fact.name.span),
        }
    }

    fn scheme(&mut self, index: &SchemeIndex<'_>) -> Scheme {
        let scheme = index.scheme;
        let mut sources = Vec::new();
        let mut authorities = Vec::new();
        let mut categories = Vec::new();
        let mut criteria = Vec::new();
        for member in &scheme.members {
            match member {
                ast::Member::Source(s) => sources.push(Source {
                    id: s.id.name.clone(),
                    title: text(&s.title),
                    document: text(&s.document),
                    issued: self.date(s.issued),
                    url: text(&s.url),
                    location: self.location(s.id.span),
                }),
                ast::Member::Authority(a) => authorities.push(Authority {
                    id: a.id.name.clone(),
                    title: text(&a.title),
                    role: text(&a.role),
                    basis: grounds(a.basis.as_ref()),
                    location: self.location(a.id.span),
                }),
                ast::Member::Category(c) => self.categories(c, None, &mut categories),
                ast::Member::Criterion(c) => criteria.push(self.criterion(index, c)),
                ast::Member::Level(_) | ast::Member::Invalid(_) => {}
            }
        }
        let levels = index
            .levels
            .iter()
            .map(|(rank, level)| {
                let all = requirements(index, *rank);
                Level {
                    rank: *rank,
                    title: text(&level.title),
                    includes: level
                        .includes
                        .iter()
                        .map(|i| self.int(i, "an `include` rank"))
                        .collect(),
                    require: level.require.iter().map(|i| i.name.clone()).collect(),
                    at_least: level
                        .at_least
                        .iter()
                        .map(|g| AtLeast {
                            k: self.int(&g.k, "an `at_least` count"),
                            of: g.of.iter().map(|i| i.name.clone()).collect(),
                        })
                        .collect(),
                    requires_all: all.criteria.iter().map(|s| (*s).to_string()).collect(),
                    at_least_all: all
                        .groups
                        .iter()
                        .map(|(k, of)| AtLeast {
                            k: *k,
                            of: of.iter().map(|s| (*s).to_string()).collect(),
                        })
                        .collect(),
                    require_basis: require_basis(index, *rank),
                    status: status(&level.status),
                    location: self.location(level.span),
                }
            })
            .collect();
        Scheme {
            id: scheme.reference.id.name.clone(),
            version: scheme
                .reference
                .version
                .as_ref()
                .map(|v| v.name.clone())
                .unwrap_or_default(),
            title: text(&scheme.title).unwrap_or_default(),
            jurisdiction: text(&scheme.jurisdiction),
            status: scheme.status.map(|s| match s.value {
                ast::SchemeStatus::Draft => SchemeStatus::Draft,
                ast::SchemeStatus::InForce => SchemeStatus::InForce,
                ast::SchemeStatus::Superseded => SchemeStatus::Superseded,
            }),
            effective: self.date(scheme.effective),
            nature: scheme.nature.as_ref().map(|n| match n.nature.value {
                ast::Nature::Mandatory => Nature::Mandatory,
                ast::Nature::Voluntary => Nature::Voluntary,
            }),
            nature_note: scheme.nature.as_ref().and_then(|n| text(&n.note)),
            sources,
            authorities,
            categories,
            criteria,
            levels,
            location: self.location(scheme.reference.span),
        }
    }

    fn categories(
        &mut self,
        category: &ast::Category,
        parent: Option<&str>,
        out: &mut Vec<Category>,
    ) {
        out.push(Category {
            id: category.id.name.clone(),
            title: text(&category.title),
            parent: parent.map(str::to_string),
            effective: self.date(category.effective),
            phase: text(&category.phase),
            status: status(&category.status),
            excluded: text(&category.excluded),
            grouping: text(&category.grouping),
            basis: grounds(category.basis.as_ref()),
            location: self.location(category.id.span),
        });
        for child in &category.children {
            self.categories(child, Some(&category.id.name), out);
        }
    }

    fn criterion(&mut self, index: &SchemeIndex<'_>, c: &ast::Criterion) -> Criterion {
        Criterion {
            id: c.id.name.clone(),
            title: text(&c.title).unwrap_or_default(),
            citation: c.citation.as_ref().map(|cit| Citation {
                source: cit.source.as_ref().map(|s| s.name.clone()),
                document: cit
                    .source
                    .as_ref()
                    .and_then(|s| index.sources.get(s.name.as_str()))
                    .and_then(|s| text(&s.document)),
                locator: cit.locator.value.clone(),
            }),
            applies_to: applies_to(c.applies_to.as_ref()),
            method: c.method.map(|m| match m.value {
                ast::Method::Test => Method::Test,
                ast::Method::DocumentReview => Method::DocumentReview,
                ast::Method::Audit => Method::Audit,
                ast::Method::SelfDeclaration => Method::SelfDeclaration,
            }),
            evidence: c.evidence.iter().map(|e| e.value.clone()).collect(),
            status: status(&c.status),
            valid_from: self.date(c.valid_from),
            valid_until: self.date(c.valid_until),
            condition: c.condition.as_ref().map(|e| self.condition(e)),
            renamed_from: c.renamed_from.as_ref().map(|r| r.name.clone()),
            basis: grounds(c.basis.as_ref()),
            valid_until_basis: grounds(c.valid_until_basis.as_ref()),
            location: self.location(c.id.span),
        }
    }

    fn recognition(
        &mut self,
        resolved: &crate::resolve::ResolvedRecognition<'_>,
    ) -> Option<Recognition> {
        let r = resolved.recognition;
        let from_binding = resolved.from.clone()?;
        let to_binding = resolved.to.clone()?;
        let from = r.from.as_ref()?;
        Some(Recognition {
            id: r.id.name.clone(),
            title: text(&r.title),
            from: RecognitionFrom {
                scheme: from_binding.id,
                version: from_binding.version,
                level: match &from.target {
                    ast::FromTarget::Level(rank) => Some(self.int(rank, "a `from` level rank")),
                    ast::FromTarget::Criterion(_) => None,
                },
                criterion: match &from.target {
                    ast::FromTarget::Criterion(id) => Some(id.name.clone()),
                    ast::FromTarget::Level(_) => None,
                },
            },
            to: SchemeVersion {
                scheme: to_binding.id,
                version: to_binding.version,
            },
            relationship: match r.relationship?.value {
                ast::Relationship::Equal => Relationship::Equal,
                ast::Relationship::SubsetOf => Relationship::SubsetOf,
                ast::Relationship::SupersetOf => Relationship::SupersetOf,
                ast::Relationship::IntersectsWith => Relationship::IntersectsWith,
                ast::Relationship::NoRelationship => Relationship::NoRelationship,
            },
            credit: match r.credit?.value {
                ast::Credit::Full => Credit::Full,
                ast::Credit::Partial => Credit::Partial,
                ast::Credit::None => Credit::None,
            },
            status: match r.status?.value {
                ast::RecognitionStatus::Official => RecognitionStatus::Official,
                ast::RecognitionStatus::Proposed => RecognitionStatus::Proposed,
                ast::RecognitionStatus::Assumed => RecognitionStatus::Assumed,
            },
            source: text(&r.source),
            valid_from: self.date(r.valid_from),
            valid_until: self.date(r.valid_until),
            condition: r.condition.as_ref().map(|e| self.condition(e)),
            verify: r.verify.iter().map(|v| v.value.clone()).collect(),
            credits: r.credits.iter().map(|c| c.name.clone()).collect(),
            applies_to: applies_to(r.applies_to.as_ref()),
            except: r.except.iter().map(|c| c.name.clone()).collect(),
            basis: grounds(r.basis.as_ref()),
            valid_until_basis: grounds(r.valid_until_basis.as_ref()),
            location: self.location(r.id.span),
        })
    }

    fn fact_ref(&mut self, fact: &ast::Ident) -> FactRef {
        let slot = match self.slots.get(fact.name.as_str()) {
            Some(slot) => *slot,
            None => {
                self.broken(fact.span, "a condition on an undeclared fact");
                u32::MAX
            }
        };
        FactRef {
            name: fact.name.clone(),
            slot,
        }
    }

    /// A literal's value; the placeholders after a broken invariant never
    /// reach a rule set, since [`lower`] then fails.
    fn literal(&mut self, value: &ast::Value) -> Literal {
        match &value.kind {
            ast::ValueKind::Bool(b) => Literal::Bool(*b),
            ast::ValueKind::Int(i) => match i {
                Some(i) => Literal::Int(*i),
                None => {
                    self.broken(value.span, "a whole number without its value");
                    Literal::Int(0)
                }
            },
            ast::ValueKind::Decimal(d) => match d.parse() {
                Ok(d) => Literal::Decimal(d),
                Err(_) => {
                    self.broken(value.span, "a decimal that does not read as a number");
                    Literal::Decimal(0.0)
                }
            },
            ast::ValueKind::String(s) => Literal::String(s.clone()),
            ast::ValueKind::Date(d) => match d {
                Some(d) => Literal::Date(d.to_string()),
                None => {
                    self.broken(value.span, "a date without its value");
                    Literal::Date(String::new())
                }
            },
            ast::ValueKind::Assessment => Literal::AssessmentDate,
            ast::ValueKind::Variant(v) => Literal::Enum(v.clone()),
        }
    }

    fn strings(&self, values: &[ast::Value]) -> Vec<String> {
        values
            .iter()
            .map(|v| match &v.kind {
                ast::ValueKind::String(s) => s.clone(),
                _ => self.source_text(v.span),
            })
            .collect()
    }

    /// A condition's text on one line, as `labelc fmt` writes it when it fits:
    /// tokens as written, one space between them, no comments, no trailing
    /// comma. Layout never changes the compiled rules.
    fn expr_text(&self, expr: &ast::Expr) -> String {
        let list = |values: &[ast::Value]| {
            let items: Vec<String> = values.iter().map(|v| self.source_text(v.span)).collect();
            format!("[{}]", items.join(", "))
        };
        let join = |items: &[ast::Expr], op: &str| {
            let parts: Vec<String> = items.iter().map(|e| self.expr_text(e)).collect();
            parts.join(op)
        };
        match &expr.kind {
            ast::ExprKind::Or(items) => join(items, " or "),
            ast::ExprKind::And(items) => join(items, " and "),
            ast::ExprKind::Not(inner) => format!("not {}", self.expr_text(inner)),
            ast::ExprKind::Paren(inner) => format!("({})", self.expr_text(inner)),
            ast::ExprKind::Present(fact) => format!("present({})", fact.name),
            ast::ExprKind::Fact(fact) => fact.name.clone(),
            ast::ExprKind::Compare { fact, op, value } => format!(
                "{} {} {}",
                fact.name,
                op.value.symbol(),
                self.source_text(value.span)
            ),
            ast::ExprKind::In {
                fact,
                negated,
                list: values,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                format!("{} {not}in {}", fact.name, list(values))
            }
            ast::ExprKind::Contains { fact, value } => {
                format!("{} contains {}", fact.name, self.source_text(value.span))
            }
            ast::ExprKind::Subset {
                fact, list: values, ..
            } => format!("{} subset_of {}", fact.name, list(values)),
            ast::ExprKind::Superset {
                fact, list: values, ..
            } => format!("{} superset_of {}", fact.name, list(values)),
            ast::ExprKind::Within {
                fact,
                days,
                direction,
            } => format!(
                "{} within {} days {} assessment",
                fact.name,
                self.source_text(days.span),
                match direction.value {
                    ast::Direction::Before => "before",
                    ast::Direction::After => "after",
                }
            ),
        }
    }

    /// Lowers a condition. Recursion is bounded: the parser's pre-scan limits nesting.
    fn condition(&mut self, expr: &ast::Expr) -> Condition {
        let text = self.expr_text(expr);
        match &expr.kind {
            ast::ExprKind::Or(items) => Condition::Or {
                args: items.iter().map(|e| self.condition(e)).collect(),
                text,
            },
            ast::ExprKind::And(items) => Condition::And {
                args: items.iter().map(|e| self.condition(e)).collect(),
                text,
            },
            ast::ExprKind::Not(inner) => Condition::Not {
                arg: Box::new(self.condition(inner)),
                text,
            },
            ast::ExprKind::Paren(inner) => self.condition(inner),
            ast::ExprKind::Present(fact) => Condition::Present {
                fact: self.fact_ref(fact),
                text,
            },
            ast::ExprKind::Fact(fact) => Condition::IsTrue {
                fact: self.fact_ref(fact),
                text,
            },
            ast::ExprKind::Compare { fact, op, value } => Condition::Compare {
                fact: self.fact_ref(fact),
                comparison: match op.value {
                    ast::CompareOp::Eq => Comparison::Eq,
                    ast::CompareOp::Ne => Comparison::Ne,
                    ast::CompareOp::Lt => Comparison::Lt,
                    ast::CompareOp::Le => Comparison::Le,
                    ast::CompareOp::Gt => Comparison::Gt,
                    ast::CompareOp::Ge => Comparison::Ge,
                },
                value: self.literal(value),
                text,
            },
            ast::ExprKind::In {
                fact,
                negated,
                list,
                ..
            } => Condition::In {
                fact: self.fact_ref(fact),
                values: list.iter().map(|v| self.literal(v)).collect(),
                negated: *negated,
                text,
            },
            ast::ExprKind::Contains { fact, value } => Condition::Contains {
                fact: self.fact_ref(fact),
                value: self
                    .strings(std::slice::from_ref(value))
                    .pop()
                    .unwrap_or_default(),
                text,
            },
            ast::ExprKind::Subset { fact, list, .. } => Condition::SubsetOf {
                fact: self.fact_ref(fact),
                values: self.strings(list),
                text,
            },
            ast::ExprKind::Superset { fact, list, .. } => Condition::SupersetOf {
                fact: self.fact_ref(fact),
                values: self.strings(list),
                text,
            },
            ast::ExprKind::Within {
                fact,
                days,
                direction,
            } => Condition::Within {
                fact: self.fact_ref(fact),
                days: self.int(days, "a `within` day count"),
                direction: match direction.value {
                    ast::Direction::Before => Direction::Before,
                    ast::Direction::After => Direction::After,
                },
                text,
            },
        }
    }
}

fn grounds(decl: Option<&ast::BasisDecl>) -> Option<Grounds> {
    decl.map(|d| Grounds {
        on: match d.basis.value {
            ast::Basis::Official => Basis::Official,
            ast::Basis::Secondary => Basis::Secondary,
            ast::Basis::Reported => Basis::Reported,
            ast::Basis::Inferred => Basis::Inferred,
        },
        note: text(&d.note),
    })
}

/// The criteria whose place in level `rank` rests on less than official
/// text, includes followed: for each criterion the strongest basis of the
/// `require` lines that name it (a line without `basis` is official).
fn require_basis(index: &SchemeIndex<'_>, rank: i64) -> BTreeMap<String, Grounds> {
    let mut strongest: BTreeMap<&str, Option<&ast::BasisDecl>> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec![rank];
    while let Some(r) = todo.pop() {
        if !seen.insert(r) {
            continue;
        }
        let Some(level) = index.levels.get(&r) else {
            continue;
        };
        for id in &level.require {
            let decl = level
                .require_basis
                .iter()
                .find(|(i, _)| i.span == id.span)
                .map(|(_, d)| d);
            let entry = strongest.entry(id.name.as_str()).or_insert(decl);
            let weaker =
                |d: Option<&ast::BasisDecl>| d.map_or(ast::Basis::Official, |d| d.basis.value);
            if weaker(decl) < weaker(*entry) {
                *entry = decl;
            }
        }
        todo.extend(level.includes.iter().filter_map(|i| i.value));
    }
    strongest
        .into_iter()
        .filter_map(|(id, decl)| {
            let g = grounds(decl)?;
            (g.on != Basis::Official).then(|| (id.to_string(), g))
        })
        .collect()
}

fn applies_to(applies_to: Option<&ast::AppliesTo>) -> AppliesTo {
    match applies_to {
        None | Some(ast::AppliesTo::All(_)) => AppliesTo::All,
        Some(ast::AppliesTo::Categories(ids)) => AppliesTo::Categories {
            ids: ids.iter().map(|i| i.name.clone()).collect(),
        },
    }
}

#[cfg(test)]
mod tests;
