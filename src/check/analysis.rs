//! Recognitions verified against the conditions (the decision procedure in
//! [`crate::analysis`]): a refuted claim is a warning with a witness
//! product; the summary counts verified, refuted and unverifiable ones.
//! Dead and trivial rules are reported from here too, on the same lowered
//! rule set.

mod dead;

use serde::Serialize;

use crate::analysis::{Verification, verify_all, word};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::resolve::Model;
use crate::rules::RuleSet;

/// How many recognitions the procedure verified, refuted, or could not decide.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RecognitionCounts {
    pub verified: usize,
    pub refuted: usize,
    pub unverifiable: usize,
}

/// Verifies every recognition of a model without errors, lowered into
/// `rules`, and reports its dead and trivial rules (`check/analysis/dead.rs`);
/// `today` is the date of a recognition or scheme version that names none
/// (docs/analysis.md).
pub fn verify_recognitions(
    model: &Model<'_>,
    rules: &RuleSet,
    today: jiff::civil::Date,
    diagnostics: &mut Diagnostics,
) -> RecognitionCounts {
    let mut counts = RecognitionCounts::default();
    for (checked, recognition) in verify_all(rules, today).iter().zip(&rules.recognitions) {
        let (reason, witness) = match &checked.verification {
            Verification::Verified => {
                counts.verified += 1;
                continue;
            }
            Verification::Unverifiable { .. } => {
                counts.unverifiable += 1;
                continue;
            }
            Verification::Refuted { reason, witness } => (reason, witness),
        };
        counts.refuted += 1;
        let Some(resolved) = model.recognitions.get(checked.id.as_str()) else {
            continue;
        };
        let ast = resolved.recognition;
        let claimed = word(recognition.relationship);
        let actual = checked
            .actual
            .map(|a| format!("; what holds is `{}`", word(a)))
            .unwrap_or_default();
        let witness = witness
            .as_ref()
            .map(|w| format!("this product shows it (`labelc eval` reads it): {w}\n"))
            .unwrap_or_default();
        let mut diagnostic = Diagnostic::new(
            Code::RecognitionRefuted,
            format!(
                "the recognition `{}` claims `relationship {claimed}`, but on {} {reason}{actual}",
                checked.id, checked.as_of
            ),
            ast.id.span,
            "this recognition",
        )
        .with_help(format!(
            "{witness}write the relationship that holds, or correct the conditions; \
             `labelc relate` shows both directions"
        ));
        if let Some(r) = ast.relationship {
            diagnostic = diagnostic.with_related(r.span, "the claimed relationship");
        }
        diagnostics.push(diagnostic);
    }
    dead::report_dead(model, rules, today, diagnostics);
    counts
}
