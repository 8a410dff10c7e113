//! Issue 13: where an import's time goes. `span("name")` measures until it is dropped and
//! adds to a per-page total that `bench_import` reports. Only the bench build (wasm,
//! `--features bench`) measures; everywhere else a span does nothing.

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
mod imp {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    thread_local! {
        static TOTALS: RefCell<BTreeMap<&'static str, (f64, u64)>> = RefCell::default();
    }

    fn now() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }

    pub struct Span(&'static str, f64);

    impl Drop for Span {
        fn drop(&mut self) {
            let ms = now() - self.1;
            TOTALS.with(|t| {
                let mut t = t.borrow_mut();
                let e = t.entry(self.0).or_insert((0.0, 0));
                e.0 += ms;
                e.1 += 1;
            });
        }
    }

    pub fn span(name: &'static str) -> Span {
        Span(name, now())
    }

    /// The totals so far (milliseconds, calls), cleared.
    pub fn take() -> BTreeMap<&'static str, (f64, u64)> {
        TOTALS.with(|t| std::mem::take(&mut *t.borrow_mut()))
    }
}

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub use imp::{span, take};

/// Not measured outside the bench build: a span that does nothing.
#[cfg(not(all(target_arch = "wasm32", feature = "bench")))]
pub struct Span;

#[cfg(not(all(target_arch = "wasm32", feature = "bench")))]
impl Drop for Span {
    #[inline(always)]
    fn drop(&mut self) {}
}

#[cfg(not(all(target_arch = "wasm32", feature = "bench")))]
#[inline(always)]
pub fn span(_name: &'static str) -> Span {
    Span
}
