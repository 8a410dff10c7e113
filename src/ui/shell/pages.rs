//! The SOP areas' pages, loaded on first use (issue 19, size).
//!
//! The start-up binary (`src/main.rs`, `src/pages.rs`) wraps each builder below in a split
//! point (`#[wasm_split(area)]`) and hands the shell a [`Pages`] table at start. The release
//! build cuts the wasm at those points (`.ci/wasm-split.sh`), so each area's code — its
//! components and what only it calls — lives in a module of its own, fetched and compiled when
//! the page first opens, or earlier, by `Pages::preload` once an estate exists (ui::Root). Code two
//! areas share goes to a shared chunk. The start-up module keeps the shell, sign-in, 我的待办,
//! the emergency pages (EMG-1: never behind a download) and everything the store, the sync and
//! the domain folds need.
//!
//! The split points live in the binary, not here, because a split point is an exported symbol:
//! in the library the office worker (`src/bin/office.rs`) would export — and so link — every
//! page too. Nothing in the library calls the builders; only the binary's split points do.

use crate::domain::ids::RecordId;
use crate::ui::state::{
    CmpTab, DeskTab, DutyTab, MoveTab, Page, PatrolTab, QualTab, RegistryTab, RepTab, TrainTab,
    VioTab,
};
use leptos::prelude::*;
pub use leptos::wasm_split::SplitLoaderError;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

/// A module being fetched; `Err` when it cannot be (shown as a message, never a panic).
pub type Loading<T> = Pin<Box<dyn Future<Output = Result<T, SplitLoaderError>>>>;

/// What the start-up binary gives the shell (`ui::start`).
pub struct Pages {
    /// Every page except 我的待办 and the emergency pages, each from its area's module.
    pub page: fn(Page) -> Loading<AnyView>,
    /// The first-run screen's "join from another tablet's file" (the import panel).
    pub join_panel: fn() -> Loading<AnyView>,
    /// The demo estate for training mode (TRAIN-3), generated once per training database.
    pub demo_estate: fn(
        u64,
        crate::domain::staff::PinHash,
        chrono::NaiveDate,
    ) -> Loading<crate::domain::demo::DemoEstate>,
    /// Fetches and compiles the areas' modules in the background.
    pub preload: fn() -> Pin<Box<dyn Future<Output = ()>>>,
}

static PAGES: OnceLock<&'static Pages> = OnceLock::new();

pub(crate) fn install(pages: &'static Pages) {
    let _ = PAGES.set(pages);
}

pub(crate) fn pages() -> &'static Pages {
    PAGES.get().expect("ui::start installs the pages")
}

// The builders, one per page, each called by one split point of the binary.

pub fn registry(tab: RegistryTab) -> AnyView {
    view! { <crate::ui::registry::Registry tab=tab/> }.into_any()
}
pub fn staff() -> AnyView {
    view! { <crate::ui::staff::StaffPage/> }.into_any()
}
pub fn discipline() -> AnyView {
    view! { <crate::ui::staff::discipline::DisciplinePage/> }.into_any()
}
pub fn sync() -> AnyView {
    view! { <crate::ui::sync::SyncPage/> }.into_any()
}
pub fn settings() -> AnyView {
    view! { <crate::ui::settings::SettingsPage/> }.into_any()
}
pub fn complaints(tab: CmpTab) -> AnyView {
    view! { <crate::ui::complaints::Complaints tab=tab/> }.into_any()
}
pub fn patrol(tab: PatrolTab) -> AnyView {
    view! { <crate::ui::patrol::PatrolPage tab=tab/> }.into_any()
}
pub fn patrol_round() -> AnyView {
    view! { <crate::ui::patrol::walk::RoundScreen/> }.into_any()
}
pub fn patrol_sheet() -> AnyView {
    view! { <crate::ui::patrol::sheet::RoundSheet/> }.into_any()
}
pub fn duty(tab: DutyTab) -> AnyView {
    view! { <crate::ui::duty::DutyPage tab=tab/> }.into_any()
}
pub fn desk(tab: DeskTab) -> AnyView {
    view! { <crate::ui::desk::DeskPage tab=tab/> }.into_any()
}
pub fn training(tab: TrainTab) -> AnyView {
    view! { <crate::ui::training::TrainingPage tab=tab/> }.into_any()
}
pub fn repairs(tab: RepTab) -> AnyView {
    view! { <crate::ui::repairs::RepairsPage tab=tab/> }.into_any()
}
pub fn repair_order(id: RecordId) -> AnyView {
    view! { <crate::ui::repairs::OrderPage id=id/> }.into_any()
}
pub fn violations(tab: VioTab) -> AnyView {
    view! { <crate::ui::violations::ViolationsPage tab=tab/> }.into_any()
}
pub fn movein(tab: MoveTab) -> AnyView {
    view! { <crate::ui::movein::MoveInPage tab=tab/> }.into_any()
}
pub fn movein_session(id: RecordId) -> AnyView {
    view! { <crate::ui::movein::SessionPage id=id/> }.into_any()
}
pub fn quality(tab: QualTab) -> AnyView {
    view! { <crate::ui::quality::QualityPage tab=tab/> }.into_any()
}
pub fn join_panel() -> AnyView {
    view! { <crate::ui::sync::ImportPanel join=true/> }.into_any()
}
