//! pest errors turned into labelc diagnostics: the exact place, what was
//! found there, and what the grammar expected, in the words of the language.

use pest::error::{ErrorVariant, InputLocation};

use super::Rule;
use crate::diag::{Code, Diagnostic};
use crate::span::{FileId, Span};

/// What the recovered item was, for the help text.
pub struct Context<'a> {
    pub keyword: &'a str,
    pub id: Option<&'a str>,
}

/// Converts a pest error. `base` is the offset of the parsed text in the file
/// `full` (non-zero when a recovered slice was re-parsed).
pub fn from_pest(
    file: FileId,
    full: &str,
    base: usize,
    err: &pest::error::Error<Rule>,
    context: Option<Context<'_>>,
) -> Diagnostic {
    let pos = base
        + match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let (start, end, found) = found_token(full, pos);
    let span = Span::new(file, start, end);
    let (message, expected) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives
                .iter()
                .filter_map(|r| rule_description(*r))
                .collect();
            // Descriptions ("a comparison operator") before keywords, each group sorted.
            names.sort_unstable_by_key(|n| (n.starts_with('`'), *n));
            names.dedup();
            let expected = join_alternatives(&names);
            if expected.is_empty() {
                (format!("unexpected {found}"), Vec::new())
            } else {
                (format!("expected {expected}, found {found}"), names)
            }
        }
        ErrorVariant::CustomError { message } => {
            if message.contains("call limit") {
                (
                    "this input is too complex to parse within the work limit".to_string(),
                    Vec::new(),
                )
            } else {
                (message.clone(), Vec::new())
            }
        }
    };
    let label = format!("unexpected {found}");
    let help = hint(&found, &expected).unwrap_or_else(|| match context {
        Some(Context { keyword, id: Some(id) }) => {
            format!("the {keyword} `{id}` is skipped until this is fixed; the rest of the input is still checked")
        }
        Some(Context { keyword, id: None }) => {
            format!("this {keyword} is skipped until this is fixed; the rest of the input is still checked")
        }
        None => "see docs/language.md for the syntax of each construct".to_string(),
    });
    Diagnostic::new(Code::SyntaxUnexpected, message, span, label).with_help(help)
}

/// Advice for common slips, keyed on what was found and what was expected.
fn hint(found: &str, expected: &[&str]) -> Option<String> {
    let expects = |s: &str| expected.contains(&s);
    if found == "`=`" && expects("a comparison operator") {
        return Some("compare with `==`".to_string());
    }
    if found == "`&&`" || found == "`&`" {
        return Some("write `and` for a conjunction".to_string());
    }
    if found == "`||`" || found == "`|`" {
        return Some("write `or` for a disjunction".to_string());
    }
    if found == "`!`" {
        return Some("write `not` for a negation, or `!=` for inequality".to_string());
    }
    if found == "end of input" && expects("`}`") {
        return Some("a block is not closed: add the missing `}`".to_string());
    }
    if found == "a string" && expects("a name") {
        return Some("names and ids are written without quotes".to_string());
    }
    None
}

fn join_alternatives(names: &[&str]) -> String {
    const MAX: usize = 12;
    if names.len() > MAX {
        let shown: Vec<&str> = names.iter().copied().take(MAX).collect();
        return format!("{}, …", shown.join(", "));
    }
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token at `pos` (after whitespace): its span and how to name it.
fn found_token(text: &str, pos: usize) -> (usize, usize, String) {
    let rest = text.get(pos..).unwrap_or("");
    let skipped = rest.len() - rest.trim_start().len();
    let start = pos + skipped;
    let rest = rest.trim_start();
    let Some(first) = rest.chars().next() else {
        return (start, start, "end of input".to_string());
    };
    if first == '"' {
        let len = rest
            .get(1..)
            .and_then(|r| r.find(['"', '\n']))
            .map_or(rest.len(), |n| n + 2);
        return (start, start + len.min(rest.len()), "a string".to_string());
    }
    let word_len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '@')))
        .map_or(rest.len(), |(i, _)| i);
    let len = if word_len > 0 {
        word_len
    } else {
        let two = rest.get(..2).unwrap_or("");
        if matches!(two, "==" | "!=" | "<=" | ">=" | "&&" | "||" | "//" | "/*") {
            2
        } else {
            first.len_utf8()
        }
    };
    let token = rest.get(..len).unwrap_or("");
    let shown: String = token.chars().take(24).collect();
    let ellipsis = if shown.len() < token.len() { "…" } else { "" };
    (start, start + len, format!("`{shown}{ellipsis}`"))
}

/// How a rule reads in an "expected …" message; `None` for rules that are not
/// tokens a user writes (they are left out of the message).
pub fn rule_description(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of input",
        Rule::file | Rule::single_item | Rule::single_scheme_member | Rule::single_condition => {
            return None;
        }
        Rule::item_recovery | Rule::member_recovery => return None,
        // Silent rules: never reported as expected tokens.
        Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::line_comment
        | Rule::block_comment
        | Rule::item
        | Rule::top_unit
        | Rule::top_balanced
        | Rule::top_inner
        | Rule::member_unit
        | Rule::member_balanced
        | Rule::member_inner
        | Rule::rec_comment
        | Rule::rec_string
        | Rule::inline_space
        | Rule::item_keyword
        | Rule::member_keyword
        | Rule::fact_field
        | Rule::scheme_member
        | Rule::source_field
        | Rule::authority_field
        | Rule::category_member
        | Rule::criterion_field
        | Rule::level_member
        | Rule::recognition_field
        | Rule::test_field
        | Rule::value
        | Rule::ident_char
        | Rule::reserved => return None,
        Rule::fact_decl | Rule::kw_fact => "`fact`",
        Rule::scheme | Rule::kw_scheme => "`scheme`",
        Rule::recognition | Rule::kw_recognition => "`recognition`",
        Rule::description_field | Rule::kw_description => "`description`",
        Rule::unit_field | Rule::kw_unit => "`unit`",
        Rule::fact_type => "a type",
        Rule::type_bool => "`bool`",
        Rule::type_int => "`int`",
        Rule::type_decimal => "`decimal`",
        Rule::type_string => "`string`",
        Rule::type_date => "`date`",
        Rule::type_set | Rule::kw_set => "`set`",
        Rule::type_enum | Rule::kw_enum => "`enum`",
        Rule::title_field | Rule::kw_title => "`title`",
        Rule::jurisdiction_field | Rule::kw_jurisdiction => "`jurisdiction`",
        Rule::scheme_status_field
        | Rule::status_field
        | Rule::recognition_status_field
        | Rule::kw_status => "`status`",
        Rule::scheme_status => "`draft`, `in_force` or `superseded`",
        Rule::effective_field | Rule::kw_effective => "`effective`",
        Rule::source_decl | Rule::recognition_source_field | Rule::kw_source => "`source`",
        Rule::document_field | Rule::kw_document => "`document`",
        Rule::issued_field | Rule::kw_issued => "`issued`",
        Rule::url_field | Rule::kw_url => "`url`",
        Rule::authority_decl | Rule::kw_authority => "`authority`",
        Rule::role_field | Rule::kw_role => "`role`",
        Rule::category | Rule::kw_category => "`category`",
        Rule::phase_field | Rule::kw_phase => "`phase`",
        Rule::excluded_field | Rule::kw_excluded => "`excluded`",
        Rule::grouping_field | Rule::kw_grouping => "`grouping`",
        Rule::nature_field | Rule::kw_nature => "`nature`",
        Rule::nature => "`mandatory` or `voluntary`",
        Rule::basis_field | Rule::kw_basis => "`basis`",
        Rule::except_field | Rule::kw_except => "`except`",
        Rule::basis => "`official`, `secondary`, `reported` or `inferred`",
        Rule::status_confirmed => "`confirmed`",
        Rule::status_pending | Rule::kw_pending => "`pending`",
        Rule::criterion | Rule::from_criterion | Rule::kw_criterion => "`criterion`",
        Rule::citation_field | Rule::kw_citation => "`citation`",
        Rule::applies_field | Rule::kw_applies_to => "`applies_to`",
        Rule::kw_all => "`all`",
        Rule::method_field | Rule::kw_method => "`method`",
        Rule::method => "`test`, `document_review`, `audit` or `self_declaration`",
        Rule::evidence_field | Rule::kw_evidence => "`evidence`",
        Rule::valid_from_field | Rule::kw_valid_from => "`valid_from`",
        Rule::valid_until_field | Rule::kw_valid_until => "`valid_until`",
        Rule::condition_field | Rule::kw_condition => "`condition`",
        Rule::renamed_field | Rule::kw_renamed_from => "`renamed_from`",
        Rule::level | Rule::from_level | Rule::kw_level => "`level`",
        Rule::include_field | Rule::kw_include => "`include`",
        Rule::require_field | Rule::kw_require => "`require`",
        Rule::at_least_field | Rule::kw_at_least => "`at_least`",
        Rule::kw_of => "`of`",
        Rule::from_field | Rule::kw_from => "`from`",
        Rule::to_field | Rule::kw_to => "`to`",
        Rule::relationship_field | Rule::kw_relationship => "`relationship`",
        Rule::relationship => {
            "`equal`, `subset_of`, `superset_of`, `intersects_with` or `no_relationship`"
        }
        Rule::credit_field | Rule::kw_credit => "`credit`",
        Rule::credit => "`full`, `partial` or `none`",
        Rule::recognition_status => "`official`, `proposed` or `assumed`",
        Rule::verify_field | Rule::kw_verify => "`verify`",
        Rule::credits_field | Rule::kw_credits => "`credits`",
        Rule::expr | Rule::and_expr | Rule::unary | Rule::predicate => "a condition",
        Rule::paren | Rule::lparen => "`(`",
        Rule::present_test | Rule::kw_present => "`present`",
        Rule::compare | Rule::compare_op => "a comparison operator",
        Rule::in_list | Rule::kw_in => "`in`",
        Rule::not_in_list | Rule::kw_not => "`not`",
        Rule::contains | Rule::kw_contains => "`contains`",
        Rule::subset | Rule::kw_subset_of => "`subset_of`",
        Rule::superset | Rule::kw_superset_of => "`superset_of`",
        Rule::within | Rule::kw_within => "`within`",
        Rule::kw_days => "`days`",
        Rule::kw_before => "`before`",
        Rule::kw_after => "`after`",
        Rule::kw_assessment => "`assessment`",
        Rule::kw_or => "`or`",
        Rule::kw_and => "`and`",
        Rule::list | Rule::lbracket => "`[`",
        Rule::variant => "an enumeration value",
        Rule::name | Rule::name_list => "a name",
        Rule::fact_path => "a fact name",
        Rule::item_id | Rule::id_list => "an id",
        Rule::scheme_ref => "a scheme id",
        Rule::version => "a version",
        Rule::string | Rule::string_inner => "a string",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::decimal => "a decimal number",
        Rule::int => "an integer",
        Rule::boolean => "`true` or `false`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::rparen => "`)`",
        Rule::rbracket => "`]`",
        Rule::langle => "`<`",
        Rule::rangle => "`>`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::equals => "`=`",
        Rule::test_decl | Rule::kw_test => "`test`",
        Rule::test_scheme_field => "`scheme`",
        Rule::test_category_field => "`category`",
        Rule::as_of_field | Rule::kw_as_of => "`as_of`",
        Rule::holds_field | Rule::kw_holds => "`holds`",
        Rule::holding => "a holding (`scheme:level` or `scheme#criterion`)",
        Rule::holding_level => "`:`",
        Rule::holding_criterion => "`#`",
        Rule::facts_block | Rule::kw_facts => "`facts`",
        Rule::fact_value => "a fact value (`fact.name = value`)",
        Rule::expect_field | Rule::kw_expect => "`expect`",
        Rule::expect_level => "`level`",
        Rule::expect_reachable | Rule::kw_reachable => "`reachable`",
        Rule::expect_criterion => "`criterion`",
        Rule::verdict => "`pass`, `fail`, `unknown`, `credited` or `not_applicable`",
        Rule::kw_none => "`none`",
    })
}
