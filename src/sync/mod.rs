//! Export/import file format, validation, merge and encryption (issue 5). Pure Rust.
