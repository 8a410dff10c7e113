//! 我的待办 — the signed-in person's due and overdue items from every module's SLA clocks,
//! and a glance at the estate.
//!
//! Fast with five years of data (issue 19): the list reads slim rows (`Store::assigned_rows`,
//! index fields only), renders one page and the next on scroll (`LoadMore`); the estate's
//! figures are index counts. Sign-in reads every card once a person is picked ([`picked`]),
//! so the screen opens with all of them when the PIN check ends.

use super::ahead::{my_card, CARD_FRESH_MS};
use super::components::{Empty, LoadMore, SlaBadge, PAGE};
use super::i18n::t;
use super::platform::{format_time, now_ms};
use super::state::{app, ctx, loader};
use crate::domain::command::Actor;
use crate::domain::event::RecordKind;
use crate::domain::ids::StaffId;
use crate::domain::sla::SlaState;
use crate::domain::view::Row;
use crate::store::{Filter, Query, Store};
use futures::channel::oneshot;
use leptos::prelude::*;
use std::cell::RefCell;

// The cards' names, also their marks: the benchmark splits sign-in → settled by them (the
// other cards' names live with their reads).
const TODO: &str = "ed-home-todo";
const COUNTS: &str = "ed-home-counts";
const BACKUP: &str = "ed-home-backup";

async fn read_todo(id: StaffId) -> Vec<Row> {
    app().store.assigned_rows(id).await.unwrap_or_default()
}

async fn read_counts() -> [(&'static str, u32); 4] {
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
    [
        ("home.buildings", b),
        ("home.units", u),
        ("home.households", h),
        ("home.staff", s),
    ]
    .map(|(k, n)| (k, n.unwrap_or(0)))
}

async fn read_backup() -> Option<i64> {
    super::sync::load_log().await.last_export
}

/// Reads every card of 我的待办 for `who`, each by the card's own read, and keeps them for the
/// screen (`ahead::keep_card`).
async fn read_ahead(who: Actor) {
    use super::ahead::keep_card as keep;
    use futures::future::{join, join3};
    let id = who.id;
    join(
        join3(
            keep(TODO, id, read_todo(id)),
            keep(COUNTS, id, read_counts()),
            keep(BACKUP, id, read_backup()),
        ),
        join3(
            keep(
                super::duty::HOME_CARD,
                id,
                super::duty::home_read(who.clone()),
            ),
            keep(
                super::complaints::SUPERVISOR_CARD,
                id,
                super::complaints::supervisor_read(who.clone()),
            ),
            keep(
                super::training::HOME_CARD,
                id,
                super::training::home_read(who),
            ),
        ),
    )
    .await;
}

/// The person picked on the sign-in screen, since when, and the end of their cards' read
/// (taken by the first sign-in that waits for it).
type Picked = (Actor, i64, Option<oneshot::Receiver<()>>);

thread_local! {
    static PICKED: RefCell<Option<Picked>> = const { RefCell::new(None) };
}

/// Starts reading 我的待办's cards for the person just picked on the sign-in screen (issue 19):
/// while the PIN is typed and checked they are read, and the screen opens with all of them.
pub fn picked(who: Actor) {
    let (done, read) = oneshot::channel();
    let reading = who.clone();
    leptos::task::spawn_local(async move {
        read_ahead(reading).await;
        let _ = done.send(());
    });
    PICKED.with(|p| *p.borrow_mut() = Some((who, now_ms(), Some(read))));
}

/// What sign-in waits for beside `id`'s PIN check: the end of the cards' read begun at the
/// pick, or a new read if that was longer ago than a card stays good. Nothing without a pick
/// (a tablet unlocked by the person it locked on: the screen behind is up).
pub async fn read_for_sign_in(id: StaffId) {
    let picked = PICKED.with(|p| {
        let mut p = p.borrow_mut();
        let (who, at, read) = p.as_mut().filter(|p| p.0.id == id)?;
        Some((who.clone(), *at, read.take()))
    });
    let Some((who, at, read)) = picked else {
        return;
    };
    if now_ms() - at >= CARD_FRESH_MS {
        read_ahead(who).await
    } else if let Some(read) = read {
        let _ = read.await;
    }
}

/// Forgets the pick once signed in: a later unlock reads nothing ahead.
pub fn signed_in() {
    PICKED.with(|p| p.borrow_mut().take());
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
    let todo = loader(|| my_card(TODO, |who| read_todo(who.id)));
    let items = Memo::new(move |_| open_items(todo.get().unwrap_or_default(), now_ms()));
    let shown = RwSignal::new(PAGE);
    let counts = loader(|| my_card(COUNTS, |_| read_counts()));
    let last_export = loader(|| my_card(BACKUP, |_| read_backup()));
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
