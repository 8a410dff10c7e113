//! 今日巡查: the current week is planned by itself from the routes (PAT-2 frequencies over the
//! PAT-1 peaks); today's rounds, mine first, each one tap from walking.

use super::{calendar, current_round, open_round, open_sheet};
use crate::domain::event::RecordKind;
use crate::domain::ids::RecordId;
use crate::domain::patrol::schedule::{monday_of, plan_week};
use crate::domain::patrol::{close_overdue, day_key, PatrolRound, PatrolRoute, RoundOutcome};
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use crate::ui::components::people::{everyone, name_of};
use crate::ui::components::Empty;
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, bump, ctx, loader, tx};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Plans this week and next (idempotent: derived ids), as the signed-in person.
async fn plan_current_weeks() {
    let c = ctx();
    let Some(session) = c.session.get_untracked() else {
        return;
    };
    if !session.may(Action::WalkPatrol) {
        return;
    }
    let a = app();
    let routes: Vec<(RecordId, PatrolRoute)> = a
        .query(&Query::new(
            RecordKind::PatrolRoute,
            Filter::Status("active".into()),
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<PatrolRoute>().map(|r| (v.id, r)))
        .collect();
    if routes.is_empty() {
        return;
    }
    let cal = calendar();
    let monday = monday_of(cal.local_date(now_ms()));
    let mut drafts = Vec::new();
    for m in [monday, monday + chrono::Days::new(7)] {
        let mut existing = BTreeSet::new();
        for d in 0..7 {
            let q = Query::new(
                RecordKind::PatrolRound,
                Filter::Prefix(day_key(m + chrono::Days::new(d))),
            );
            for v in a.query(&q).await.unwrap_or_default() {
                existing.insert(v.id);
            }
        }
        if let Ok(mut d) = plan_week(&session.actor(), &routes, m, &cal, &existing) {
            drafts.append(&mut d);
        }
    }
    // My rounds of the past week that were never finished leave my to-do list (PAT-1).
    for d in 1..=7 {
        let day = cal.local_date(now_ms()) - chrono::Days::new(d);
        let q = Query::new(RecordKind::PatrolRound, Filter::Prefix(day_key(day)));
        for v in a.query(&q).await.unwrap_or_default() {
            if v.assignee != Some(session.id) {
                continue;
            }
            if let Some(r) = v.state::<PatrolRound>() {
                if let Ok(mut x) = close_overdue(&session.actor(), v.id, &r, now_ms()) {
                    drafts.append(&mut x);
                }
            }
        }
    }
    if !drafts.is_empty() && a.record(now_ms(), Some(session.id), drafts).await.is_ok() {
        bump();
    }
}

#[component]
pub fn TodayTab() -> impl IntoView {
    leptos::task::spawn_local(plan_current_weeks());
    crate::ui::ahead::when_idle(super::findings::read_ahead);
    let me = ctx().session.get_untracked().map(|s| s.id);
    let data = loader(move || async move {
        let cal = calendar();
        let today = cal.local_date(now_ms());
        let mut rounds: Vec<(RecordId, PatrolRound)> = app()
            .query(&Query::new(
                RecordKind::PatrolRound,
                Filter::Prefix(day_key(today)),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<PatrolRound>().map(|r| (v.id, r)))
            .collect();
        // PAT-2 inspections of the coming week: an inspection of orders may be done ahead.
        for d in 1..=7 {
            let q = Query::new(
                RecordKind::PatrolRound,
                Filter::Prefix(day_key(today + chrono::Days::new(d))),
            );
            for v in app().query(&q).await.unwrap_or_default() {
                if let Some(r) = v.state::<PatrolRound>() {
                    if r.is_inspection() && r.is_open() {
                        rounds.push((v.id, r));
                    }
                }
            }
        }
        rounds.sort_by_key(|(_, r)| {
            let p = r.plan.as_ref();
            (
                p.and_then(|p| p.walker) != me,
                p.map(|p| p.start).unwrap_or(0),
            )
        });
        let walking = match current_round() {
            Some(id) => app()
                .get::<PatrolRound>(id)
                .await
                .ok()
                .flatten()
                .filter(|r| r.outcome(now_ms()) == RoundOutcome::Walking)
                .map(|r| (id, r)),
            None => None,
        };
        (today, rounds, walking)
    });
    let people = everyone();
    let offset = crate::ui::state::utc_offset;
    view! {
        {move || data.get().map(|(today, rounds, walking)| {
            let now = now_ms();
            view! {
                {walking.map(|(id, r)| view! {
                    <button class="pat-resume" data-testid="pat-resume" on:click=move |_| open_round(id)>
                        <span class="pat-resume-icon" aria-hidden="true">"▶"</span>
                        <span class="row-main">
                            <strong>{move || t("pat.resume")}</strong>
                            <span>{r.plan.as_ref().map(|p| p.route_name.clone()).unwrap_or_default()}" · "{r.checked_count()}"/"{r.stops().len()}</span>
                        </span>
                    </button>
                })}
                <h1 class="page-title">{move || t("pat.today")}" "<span class="muted">{today.to_string()}</span></h1>
                {if rounds.is_empty() {
                    view! { <div class="card"><Empty text=Signal::derive(move || t("pat.no_rounds").to_string())/></div> }.into_any()
                } else {
                    view! {
                        <div class="pat-rounds">
                            {rounds.into_iter().map(|(id, r)| {
                                let p = r.plan.clone().unwrap_or_else(unreachable_plan);
                                let outcome = r.outcome(now);
                                let mine = p.walker == me;
                                let who = name_of(&people, p.walker);
                                let start = crate::ui::platform::format_time(p.start, offset());
                                // A coming day's inspection shows its date.
                                let from = if start.get(..10) == Some(today.to_string().as_str()) { 11 } else { 5 };
                                let window = format!(
                                    "{}–{}",
                                    start.get(from..).unwrap_or_default(),
                                    &crate::ui::platform::format_time(p.end, offset())[11..]
                                );
                                // A missed round can still be walked today: it then counts as late (PAT-1).
                                let done = r.finished.is_some() || matches!(outcome, RoundOutcome::OnTime | RoundOutcome::Late);
                                let (n, total) = (r.checked_count(), p.stops.len());
                                // PAT-2 inspection: its stops are the period's orders, counted as checked.
                                let inspection = p.tier.is_inspection();
                                let checked = r.inspections.len();
                                view! {
                                    <article class=if mine { "pat-round mine" } else { "pat-round" } data-testid="pat-round" data-route=p.route_name.clone()>
                                        <div class="pat-round-top">
                                            <span class=format!("pat-outcome o-{}", outcome.as_str())>{move || tx(&outcome.label())}</span>
                                            <span class="pat-window">{window}</span>
                                        </div>
                                        <h2>{p.route_name.clone()}</h2>
                                        <p class="muted">{who}" · "{move || tx(&p.tier.label())}</p>
                                        {if inspection {
                                            view! { <p class="pat-count">{move || t("pat.insp.checked")}" "{checked}</p> }.into_any()
                                        } else {
                                            view! {
                                                <div class="meter"><span style=format!("width:{}%", (n * 100).checked_div(total).unwrap_or(0))></span></div>
                                                <p class="pat-count">{n}" / "{total}" "{move || t("pat.points")}</p>
                                            }.into_any()
                                        }}
                                        {if inspection {
                                            view! { <button class=if done { "btn big" } else { "btn primary big" } data-testid="pat-inspect" on:click=move |_| open_round(id)>
                                                {move || if done { t("pat.insp.view") } else { t("pat.insp.start") }}
                                            </button> }.into_any()
                                        } else if done {
                                            view! { <button class="btn big" data-testid="pat-sheet" on:click=move |_| open_sheet(id)>{move || t("pat.sheet")}</button> }.into_any()
                                        } else {
                                            view! { <button class="btn primary big" data-testid="pat-walk" on:click=move |_| open_round(id)>
                                                {move || if n > 0 { t("pat.continue") } else { t("pat.start") }}
                                            </button> }.into_any()
                                        }}
                                    </article>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }}
            }
        })}
    }
}

pub(super) fn unreachable_plan() -> crate::domain::patrol::RoundPlan {
    crate::domain::patrol::RoundPlan {
        route: RecordId::nil(),
        route_name: String::new(),
        tier: Default::default(),
        walker: None,
        start: 0,
        end: 0,
        utc_offset_minutes: 480,
        stops: vec![],
    }
}
