//! The pages' split points (issue 19, size). Each `#[wasm_split(module)]` function below is where
//! `.ci/wasm-split.sh` cuts the release wasm: what only one module's split points reach goes
//! into `split_<module>.wasm`, fetched and compiled when it is first called (or by `preload`);
//! what two modules share goes into a shared chunk. The areas are grouped into three modules
//! by use — `daily` (complaints, patrol, duty: the desk's and the patrol's day), `orders`
//! (repairs and paid services, violations, the front desk, move-in), `office` (registry, staff
//! and discipline, training, quality, sync, settings) — plus `setup` and `demo`, once per
//! tablet: one module per area made ~360 shared chunks (one per set of areas sharing code),
//! each a file to fetch, precache and instantiate, while every module is preloaded at sign-in
//! anyway. The builders they call are in
//! `estate_desk::ui::shell::pages`. `fallible`: a module that cannot be fetched is an `Err`
//! the shell shows as a message, never a panic.

use estate_desk::domain::demo::DemoEstate;
use estate_desk::domain::ids::RecordId;
use estate_desk::domain::staff::PinHash;
use estate_desk::ui::shell::pages::{self as build, Loading, Pages, SplitLoaderError};
use estate_desk::ui::state::{
    CmpTab, DeskTab, DutyTab, MoveTab, Page, PatrolTab, QualTab, RegistryTab, RepTab, TrainTab,
    VioTab,
};
use leptos::prelude::AnyView;
use leptos::wasm_split::wasm_split;

pub static PAGES: Pages = Pages {
    page,
    join_panel: || Box::pin(join_panel()),
    demo_estate: |seed, pin, as_of| Box::pin(demo_estate(seed, pin, as_of)),
    preload: || Box::pin(preload()),
};

type Loaded = Result<AnyView, SplitLoaderError>;

fn page(page: Page) -> Loading<AnyView> {
    match page {
        Page::Registry(tab) => Box::pin(registry(tab)),
        Page::Staff => Box::pin(staff()),
        Page::Discipline => Box::pin(discipline()),
        Page::Sync => Box::pin(sync()),
        Page::Settings => Box::pin(settings()),
        Page::Complaints(tab) => Box::pin(complaints(tab)),
        Page::Patrol(tab) => Box::pin(patrol(tab)),
        Page::PatrolRound => Box::pin(patrol_round()),
        Page::PatrolSheet => Box::pin(patrol_sheet()),
        Page::Duty(tab) => Box::pin(duty(tab)),
        Page::Desk(tab) => Box::pin(desk(tab)),
        Page::Training(tab) => Box::pin(training(tab)),
        Page::Repairs(tab) => Box::pin(repairs(tab)),
        Page::RepairOrder(id) => Box::pin(repair_order(id)),
        Page::Violations(tab) => Box::pin(violations(tab)),
        Page::MoveIn(tab) => Box::pin(movein(tab)),
        Page::MoveInSession(id) => Box::pin(movein_session(id)),
        Page::Quality(tab) => Box::pin(quality(tab)),
        // The shell renders these itself (start-up module); never asked for here.
        Page::Home | Page::Emergency | Page::Incident(_) => {
            Box::pin(async { Ok(leptos::prelude::IntoAny::into_any(())) })
        }
    }
}

#[wasm_split(office, wasm_split_path = ::leptos::wasm_split, preload(preload_registry), fallible)]
fn registry(tab: RegistryTab) -> Loaded {
    Ok(build::registry(tab))
}

#[wasm_split(office, wasm_split_path = ::leptos::wasm_split, preload(preload_staff), fallible)]
fn staff() -> Loaded {
    Ok(build::staff())
}

#[wasm_split(office, wasm_split_path = ::leptos::wasm_split, preload(preload_discipline), fallible)]
fn discipline() -> Loaded {
    Ok(build::discipline())
}

#[wasm_split(office, wasm_split_path = ::leptos::wasm_split, preload(preload_sync), fallible)]
fn sync() -> Loaded {
    Ok(build::sync())
}

#[wasm_split(office, wasm_split_path = ::leptos::wasm_split, preload(preload_settings), fallible)]
fn settings() -> Loaded {
    Ok(build::settings())
}

#[wasm_split(daily, wasm_split_path = ::leptos::wasm_split, preload(preload_complaints), fallible)]
fn complaints(tab: CmpTab) -> Loaded {
    Ok(build::complaints(tab))
}

#[wasm_split(daily, wasm_split_path = ::leptos::wasm_split, preload(preload_patrol), fallible)]
fn patrol(tab: PatrolTab) -> Loaded {
    Ok(build::patrol(tab))
}

#[wasm_split(daily, wasm_split_path = ::leptos::wasm_split, preload(preload_round), fallible)]
fn patrol_round() -> Loaded {
    Ok(build::patrol_round())
}

#[wasm_split(daily, wasm_split_path = ::leptos::wasm_split, preload(preload_sheet), fallible)]
fn patrol_sheet() -> Loaded {
    Ok(build::patrol_sheet())
}

#[wasm_split(daily, wasm_split_path = ::leptos::wasm_split, preload(preload_duty), fallible)]
fn duty(tab: DutyTab) -> Loaded {
    Ok(build::duty(tab))
}

#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, preload(preload_desk), fallible)]
fn desk(tab: DeskTab) -> Loaded {
    Ok(build::desk(tab))
}

#[wasm_split(office, wasm_split_path = ::leptos::wasm_split, preload(preload_training), fallible)]
fn training(tab: TrainTab) -> Loaded {
    Ok(build::training(tab))
}

#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, preload(preload_repairs), fallible)]
fn repairs(tab: RepTab) -> Loaded {
    Ok(build::repairs(tab))
}

#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, preload(preload_order), fallible)]
fn repair_order(id: RecordId) -> Loaded {
    Ok(build::repair_order(id))
}

#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, preload(preload_violations), fallible)]
fn violations(tab: VioTab) -> Loaded {
    Ok(build::violations(tab))
}

#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, preload(preload_movein), fallible)]
fn movein(tab: MoveTab) -> Loaded {
    Ok(build::movein(tab))
}

#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, preload(preload_session), fallible)]
fn movein_session(id: RecordId) -> Loaded {
    Ok(build::movein_session(id))
}

#[wasm_split(office, wasm_split_path = ::leptos::wasm_split, preload(preload_quality), fallible)]
fn quality(tab: QualTab) -> Loaded {
    Ok(build::quality(tab))
}

/// The first-run screen's "join from another tablet's file", once per tablet: not preloaded.
#[wasm_split(
    setup,
    wasm_split_path = ::leptos::wasm_split,
    preload(#[allow(dead_code)] preload_setup),
    fallible
)]
fn join_panel() -> Loaded {
    Ok(build::join_panel())
}

/// Once per training database: not preloaded.
#[wasm_split(demo, wasm_split_path = ::leptos::wasm_split, preload(#[allow(dead_code)] preload_demo), fallible)]
fn demo_estate(
    seed: u64,
    pin: PinHash,
    as_of: chrono::NaiveDate,
) -> Result<DemoEstate, SplitLoaderError> {
    Ok(estate_desk::domain::demo::demo_estate(seed, pin, as_of))
}

/// Fetches and compiles every area's module, one after another, the most used first (the app
/// calls it once the store is open, while the sign-in screen waits for a PIN): a page opened
/// later, offline or at 4× on a tablet, does not wait for its module. Failures are left for the page itself to report when it opens.
async fn preload() {
    let _ = preload_complaints().await;
    let _ = preload_repairs().await;
    let _ = preload_registry().await;
    // The other pages of modules already loaded: instant, and no preload goes unused.
    let _ = preload_patrol().await;
    let _ = preload_round().await;
    let _ = preload_sheet().await;
    let _ = preload_duty().await;
    let _ = preload_desk().await;
    let _ = preload_violations().await;
    let _ = preload_movein().await;
    let _ = preload_session().await;
    let _ = preload_order().await;
    let _ = preload_training().await;
    let _ = preload_quality().await;
    let _ = preload_staff().await;
    let _ = preload_discipline().await;
    let _ = preload_sync().await;
    let _ = preload_settings().await;
}
