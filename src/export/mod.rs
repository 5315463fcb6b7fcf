//! Exports of a compiled rule set to formats other tools read.

pub mod oscal;
