//! Printing, one mechanism for every printed A4 form (`print-only` sections, style/print.css).

use leptos::prelude::*;

/// Opens the browser's print dialog for the page as it is.
pub fn print_page() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Prints once a change just made has rendered: Leptos renders a signal's change in a
/// microtask, the next animation frame comes after it.
pub fn print_rendered() {
    request_animation_frame(print_page);
}

/// A form that is rendered only when it is to be printed. A list screen's printed register
/// can hold a month of rows, which were built hidden on every visit (issue 19: a screen builds
/// what it shows). [`OnDemand::print`] renders the form, then prints.
#[derive(Clone, Copy)]
pub struct OnDemand(RwSignal<bool>);

impl OnDemand {
    pub fn new() -> Self {
        Self(RwSignal::new(false))
    }
    /// Whether the form is to be rendered (tracked).
    pub fn wanted(self) -> bool {
        self.0.get()
    }
    pub fn print(self) {
        self.0.set(true);
        print_rendered();
    }
}

impl Default for OnDemand {
    fn default() -> Self {
        Self::new()
    }
}
