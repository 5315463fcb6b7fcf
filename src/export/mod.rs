//! Exports: the compiled rule set (IR) turned into other tools' languages.
//! Each export reads a [`crate::eval::Program`] (or the [`crate::rules::RuleSet`])
//! and writes text; none changes what a rule means.

pub mod oscal;
pub mod sql;
