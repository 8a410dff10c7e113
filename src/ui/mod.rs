//! Leptos components and pages, one folder per SOP area. No business rule lives here.

pub fn start() {}
