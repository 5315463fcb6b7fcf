//! Diagnostics as SARIF 2.1.0 (`labelc check --format sarif`), for code
//! scanning tools. One run; every diagnostic code is a rule (its summary as
//! the description, its severity as the default level, its former names as
//! `deprecatedIds`), every diagnostic a
//! result with its primary place and its related places. Columns count
//! Unicode code points, as labelc's own line:column do.

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Tool, ToolComponent,
};

use crate::diag::{Code, Diagnostic, Severity};
use crate::source::SourceMap;
use crate::span::Span;

/// The SARIF log of `diagnostics` (in their order).
pub fn report(diagnostics: &[Diagnostic], sources: &SourceMap) -> Sarif {
    let rules: Vec<ReportingDescriptor> = Code::ALL
        .iter()
        .map(|code| {
            let mut rule = ReportingDescriptor::builder()
                .id(code.as_str())
                .short_description(
                    MultiformatMessageString::builder()
                        .text(code.summary().trim())
                        .build(),
                )
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::json!(level_word(code.severity())))
                        .build(),
                )
                .build();
            let former = code.former_names();
            if !former.is_empty() {
                rule.deprecated_ids = Some(former.iter().map(|n| n.to_string()).collect());
            }
            rule
        })
        .collect();
    let results: Vec<SarifResult> = diagnostics
        .iter()
        .map(|d| {
            let text = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            let related: Vec<Location> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, label)| location(label.span, &label.text, Some(i), sources))
                .collect();
            let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            let result = SarifResult::builder()
                .rule_id(d.code.as_str())
                .rule_index(i64::try_from(rule_index).unwrap_or(-1))
                .level(match d.severity {
                    Severity::Error => ResultLevel::Error,
                    Severity::Warning => ResultLevel::Warning,
                })
                .message(Message::builder().text(text).build())
                .locations(vec![location(d.span, &d.label, None, sources)]);
            if related.is_empty() {
                result.build()
            } else {
                result.related_locations(related).build()
            }
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("labelc")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .results(results)
        .build();
    Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn level_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn location(span: Span, label: &str, id: Option<usize>, sources: &SourceMap) -> Location {
    let file = sources.get(span.file);
    let (start_line, start_column) = file.map_or((1, 1), |f| f.line_column(span.start as usize));
    let (end_line, end_column) = file.map_or((1, 1), |f| f.line_column(span.end as usize));
    let region = Region::builder()
        .start_line(as_i64(start_line))
        .start_column(as_i64(start_column))
        .end_line(as_i64(end_line))
        .end_column(as_i64(end_column))
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(file.map_or("<unknown>", |f| f.name.as_str()))
                .build(),
        )
        .region(region)
        .build();
    let location = Location::builder()
        .physical_location(physical)
        .message(Message::builder().text(label).build());
    match id {
        Some(id) => location.id(as_i64(id)).build(),
        None => location.build(),
    }
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renamed_code_lists_its_former_name_as_a_deprecated_id() {
        let log = serde_json::to_value(report(&[], &SourceMap::new())).unwrap();
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
        assert_eq!(
            rule("labelc::source::invalid_utf8")["deprecatedIds"],
            serde_json::json!(["labelc::syntax::invalid_utf8"])
        );
        assert!(
            rule("labelc::check::type_mismatch")
                .get("deprecatedIds")
                .is_none()
        );
    }
}
