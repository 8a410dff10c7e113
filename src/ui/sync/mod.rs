//! 数据交换 — export/import files between tablets, backup reminder (issue #5).

use leptos::prelude::*;

#[component]
pub fn SyncPage() -> impl IntoView {
    view! { <div class="page"></div> }
}
