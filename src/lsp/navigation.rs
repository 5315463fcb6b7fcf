//! Go to definition and find references, across the files of the compilation.

use lsp_types as lt;

use super::index::Occurrence;
use super::workspace::Analysis;

/// Every occurrence naming the same thing as the one at the position.
pub fn related<'a>(
    analysis: &'a Analysis,
    at: &lt::TextDocumentPositionParams,
) -> Vec<&'a Occurrence> {
    let Some(here) = analysis.occurrence_at(at) else {
        return Vec::new();
    };
    analysis
        .occurrences
        .iter()
        .filter(|o| o.symbol.matches(&here.symbol))
        .collect()
}

/// `textDocument/definition`: where the name at the position is defined (a
/// name of an unpinned scheme reference may have one definition per version).
pub fn definition(
    analysis: &Analysis,
    params: &lt::GotoDefinitionParams,
) -> Option<lt::GotoDefinitionResponse> {
    let locations: Vec<lt::Location> = related(analysis, &params.text_document_position_params)
        .into_iter()
        .filter(|o| o.definition)
        .filter_map(|o| analysis.location(o.span))
        .collect();
    (!locations.is_empty()).then_some(lt::GotoDefinitionResponse::Array(locations))
}

/// `textDocument/references`: every place the name is written, with or
/// without its definition as the client asks.
pub fn references(analysis: &Analysis, params: &lt::ReferenceParams) -> Option<Vec<lt::Location>> {
    let with_definition = params.context.include_declaration;
    let locations: Vec<lt::Location> = related(analysis, &params.text_document_position)
        .into_iter()
        .filter(|o| with_definition || !o.definition)
        .filter_map(|o| analysis.location(o.span))
        .collect();
    (!locations.is_empty()).then_some(locations)
}
