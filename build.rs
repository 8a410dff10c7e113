//! Issue 19: the start-up binary is linked with its relocations kept (`--emit-relocs`), which the
//! wasm splitter (.ci/wasm-split.sh) needs to cut it at its pages' split points. Only that
//! binary: the office worker is not split, and the kept sections would stay in its file.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=estate-desk=--emit-relocs");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
