//! 小区档案 — the estate registry pages.

use super::state::RegistryTab;
use leptos::prelude::*;

#[component]
pub fn Registry(tab: RegistryTab) -> impl IntoView {
    let _ = tab;
    view! { <div class="page"></div> }
}
