//! The start-up binary: the app (`estate_desk::ui`) and the split points of its pages
//! (`pages.rs`, issue 19), which only this binary defines so that no other binary of the crate
//! (the office worker) exports and links them.

#[cfg(target_arch = "wasm32")]
mod pages;

fn main() {
    #[cfg(target_arch = "wasm32")]
    estate_desk::ui::start(&pages::PAGES);
}
