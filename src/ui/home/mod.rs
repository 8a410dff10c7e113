//! 我的待办 — the signed-in person's due and overdue items from every module's SLA clocks,
//! and a glance at the estate.

use super::components::{Empty, SlaBadge};
use super::i18n::t;
use super::platform::{format_time, now_ms};
use super::state::{app, ctx, loader};
use crate::domain::event::RecordKind;
use crate::domain::sla::SlaState;
use crate::store::{Filter, Query, Store};
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let c = ctx();
    let me = c.session.get_untracked().map(|s| s.id);
    let todo = loader(move || async move {
        match me {
            Some(id) => app().store.assigned(id).await.unwrap_or_default(),
            None => vec![],
        }
    });
    let counts = loader(|| async {
        let a = app();
        let n = |q: Query| {
            let a = a.clone();
            async move { a.store.count(&q).await.unwrap_or(0) }
        };
        [
            ("home.buildings", n(Query::all(RecordKind::Building)).await),
            ("home.units", n(Query::all(RecordKind::Unit)).await),
            (
                "home.households",
                n(Query::new(
                    RecordKind::Household,
                    Filter::Status("current".into()),
                ))
                .await,
            ),
            (
                "home.staff",
                n(Query::new(
                    RecordKind::Staff,
                    Filter::Status("active".into()),
                ))
                .await,
            ),
        ]
    });
    let last_export = loader(|| async { super::sync::load_log().await.last_export });
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
                <div class="todo-list" data-testid="todo-list">
                    {move || {
                        let now = now_ms();
                        let mut items: Vec<_> = todo.get().unwrap_or_default().into_iter()
                            .filter_map(|v| v.clock.clone().map(|k| (k.state(now), k, v)))
                            .filter(|(s, _, _)| s.is_open())
                            .collect();
                        items.sort_by_key(|(s, k, _)| (*s != SlaState::Overdue, k.deadline));
                        if items.is_empty() {
                            view! { <Empty text=Signal::derive(move || t("home.empty").to_string())/> }.into_any()
                        } else {
                            items.into_iter().map(|(state, clock, v)| {
                                let subject = crate::domain::event::RecordRef::new(v.kind, v.id);
                                let text = format!("{} {}", v.title, v.subtitle);
                                view! {
                                <button class="todo-item" data-testid="todo-item" data-kind=v.kind.as_str() data-text=text
                                    on:click=move |_| super::state::open_record(subject)>
                                    <SlaBadge state=state/>
                                    <div class="todo-text">
                                        <strong>{v.title.clone()}</strong>
                                        <span class="muted">{move || super::state::tx(&clock.name)}" · "{move || t("home.due")}" "{format_time(clock.deadline, offset())}</span>
                                    </div>
                                    <span class="todo-go" aria-hidden="true">"›"</span>
                                </button>
                            }}).collect_view().into_any()
                        }
                    }}
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
