//! End-to-end tests: the built app (`dist/`) in headless Chromium.
//!
//! Run with `make test-e2e` (builds dist/ first), or after `make dist`:
//! `cargo test --features e2e --test e2e -- --test-threads=1`.
//! Helpers are in `support.rs`; add a scenario as a new file here plus a `mod` line below.

mod support;

mod backup;
mod complaints;
mod desk;
mod duty;
mod foundation;
mod lists;
mod movein;
mod patrol;
mod quality;
mod repairs;
mod smoke;
mod sync;
mod training;
mod update;
mod violations;
