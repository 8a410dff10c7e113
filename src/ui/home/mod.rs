//! 我的待办 — the signed-in person's due and overdue items from every module's SLA clocks,
//! and a glance at the estate.
//!
//! Fast with five years of data (issue 19): the list reads slim rows (`Store::assigned_rows`,
//! index fields only), renders one page and the next on scroll (`LoadMore`); the estate's
//! figures are index counts. Sign-in reads the rows while the PIN is checked ([`prefetch`]),
//! so the list is there when the check ends.

use super::components::{Empty, LoadMore, SlaBadge, PAGE};
use super::i18n::t;
use super::platform::{format_time, mark, now_ms};
use super::state::{app, ctx, loader};
use crate::domain::event::RecordKind;
use crate::domain::ids::StaffId;
use crate::domain::sla::SlaState;
use crate::domain::view::Row;
use crate::store::{Filter, Query, Store};
use leptos::prelude::*;
use std::cell::RefCell;

/// How long rows read during sign-in stay good for the home screen (ms): sign-in writes
/// nothing but the lockout, so only a later visit must read again.
const PREFETCH_FRESH_MS: i64 = 10_000;

thread_local! {
    static PREFETCHED: RefCell<Option<(StaffId, i64, Vec<Row>)>> = const { RefCell::new(None) };
}

/// Reads a person's 我的待办 rows (issue 19); sign-in runs it beside the PIN check so the home
/// screen does not wait for a read after it.
pub async fn prefetch(id: StaffId) {
    if let Ok(rows) = app().store.assigned_rows(id).await {
        PREFETCHED.with(|p| *p.borrow_mut() = Some((id, now_ms(), rows)));
    }
}

/// Forgets rows read for a sign-in that failed.
pub fn drop_prefetch() {
    PREFETCHED.with(|p| *p.borrow_mut() = None);
}

fn take_prefetched(id: StaffId) -> Option<Vec<Row>> {
    let (who, at, rows) = PREFETCHED.with(|p| p.borrow_mut().take())?;
    (who == id && now_ms() - at < PREFETCH_FRESH_MS).then_some(rows)
}

/// The open items of 我的待办, overdue first, then by deadline.
fn open_items(rows: Vec<Row>, now: i64) -> Vec<(SlaState, crate::domain::sla::Clock, Row)> {
    let mut items: Vec<_> = rows
        .into_iter()
        .filter_map(|v| v.clock.clone().map(|k| (k.state(now), k, v)))
        .filter(|(s, _, _)| s.is_open())
        .collect();
    items.sort_by_key(|(s, k, _)| (*s != SlaState::Overdue, k.deadline));
    items
}

#[component]
pub fn Home() -> impl IntoView {
    let c = ctx();
    super::ahead::when_idle(super::complaints::read_ahead);
    let me = c.session.get_untracked().map(|s| s.id);
    // Issue 19: the benchmark splits sign-in → settled by each card's `ed-home-*` mark.
    let todo = loader(move || async move {
        let rows = match me {
            Some(id) => match take_prefetched(id) {
                Some(rows) => rows,
                None => app().store.assigned_rows(id).await.unwrap_or_default(),
            },
            None => vec![],
        };
        mark("ed-home-todo");
        rows
    });
    let items = Memo::new(move |_| open_items(todo.get().unwrap_or_default(), now_ms()));
    let shown = RwSignal::new(PAGE);
    let counts = loader(|| async {
        let a = app();
        let qs = [
            Query::all(RecordKind::Building),
            Query::all(RecordKind::Unit),
            Query::new(RecordKind::Household, Filter::Status("current".into())),
            Query::new(RecordKind::Staff, Filter::Status("active".into())),
        ];
        // Issue 19: the four counts sent together, one wait instead of four in a row.
        let (b, u, h, s) = futures::future::join4(
            a.store.count(&qs[0]),
            a.store.count(&qs[1]),
            a.store.count(&qs[2]),
            a.store.count(&qs[3]),
        )
        .await;
        let out = [
            ("home.buildings", b),
            ("home.units", u),
            ("home.households", h),
            ("home.staff", s),
        ]
        .map(|(k, n)| (k, n.unwrap_or(0)));
        mark("ed-home-counts");
        out
    });
    let last_export = loader(|| async {
        let last = super::sync::load_log().await.last_export;
        mark("ed-home-backup");
        last
    });
    let offset = move || crate::ui::state::utc_offset();
    view! {
        <div class="page home">
            <h1 class="page-title">
                {move || t("home.hello")}"，"{move || c.session.get().map(|s| s.name).unwrap_or_default()}
            </h1>
            <super::sync::BackupReminder last_export=Signal::derive(move || last_export.get()) link=true/>
            <super::duty::HomeCard/>
            <section class="card">
                <h2>{move || t("home.title")}</h2>
                <div class="todo-list" data-testid="todo-list" data-count=move || items.with(Vec::len)>
                    {move || {
                        let n = shown.get();
                        items.with(|items| if items.is_empty() {
                            view! { <Empty text=Signal::derive(move || t("home.empty").to_string())/> }.into_any()
                        } else {
                            items.iter().take(n).cloned().map(|(state, clock, v)| {
                                let subject = v.subject();
                                let text = format!("{} {}", v.title, v.subtitle);
                                view! {
                                <button class="todo-item" data-testid="todo-item" data-kind=v.kind.as_str() data-text=text
                                    on:click=move |_| super::state::open_record(subject)>
                                    <SlaBadge state=state/>
                                    <div class="todo-text">
                                        <strong>{v.title}</strong>
                                        <span class="muted">{move || super::state::tx(&clock.name)}" · "{move || t("home.due")}" "{format_time(clock.deadline, offset())}</span>
                                    </div>
                                    <span class="todo-go" aria-hidden="true">"›"</span>
                                </button>
                            }}).collect_view().into_any()
                        })
                    }}
                    <LoadMore shown=shown total=Signal::derive(move || items.with(Vec::len))/>
                </div>
            </section>
            <super::complaints::SupervisorPanel/>
            <super::training::HomeCard/>
            <section class="card">
                <h2>{move || t("home.estate")}</h2>
                <div class="stats" data-testid="estate-stats">
                    {move || counts.get().map(|cs| cs.into_iter().map(|(k, n)| view! {
                        <div class="stat"><span class="stat-n">{n}</span><span class="stat-l">{move || t(k)}</span></div>
                    }).collect_view())}
                </div>
                <p class="muted storage" data-testid="storage-status">
                    {move || match c.persisted.get() {
                        Some(true) => t("storage.persisted"),
                        Some(false) => t("storage.not"),
                        None => t("storage.unknown"),
                    }}
                </p>
            </section>
        </div>
    }
}
