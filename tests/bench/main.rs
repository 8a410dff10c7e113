//! `make bench` (issue 7). Filled in by the harness work.
fn main() {}
