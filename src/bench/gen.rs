//! Deterministic benchmark dataset (issue 7). Filled in by the generator work.
