//! Issue 7: the performance benchmark. `gen` builds a deterministic five-year dataset of a
//! large estate from the real domain commands (pure Rust, tested natively); `api` (bench build
//! only: `--features bench`, wasm) exposes the store to the harness in `tests/bench/`.

pub mod gen;
pub mod spans;

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub mod api;
