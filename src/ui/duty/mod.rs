//! 值班 — duty log, roster, handover, the supervisor's sign-off queue and on-call contacts
//! (SOP.md §1). Rules live in `domain::duty`; these pages only gather input and show state.

mod handover;
mod log;
mod oncall;
mod review;
mod roster;
mod settings;
pub mod strings;

use super::components::people::Person;
use super::i18n::t;
use super::platform::now_ms;
use super::state::{app, ctx, go, loader, DutyTab, Page};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::Actor;
use crate::domain::duty::log::{chain_id, DutyChain};
use crate::domain::duty::roster::{
    month_key, needs_reminder, next_month, roster_id, upcoming, Roster, Shift,
};
use crate::domain::event::RecordKind;
use crate::domain::ids::StaffId;
use crate::domain::roles::{Action, Role};
use crate::store::{Filter, Query};
use leptos::prelude::*;

pub use oncall::{Contacts as OnCallContacts, OnCall};
pub use settings::PostItemsSettings;

/// The estate's business calendar (DUTY-2 hours, holidays from settings).
pub fn calendar() -> BusinessCalendar {
    ctx()
        .estate
        .get_untracked()
        .map(|e| e.settings.calendar)
        .unwrap_or_default()
}

/// Staff who keep a duty or hand one over (customer service: supervisors, assistants, the
/// front desk), among the active ones.
pub fn on_duty_staff(list: &[Person]) -> Vec<(StaffId, String)> {
    with_roles(
        list,
        &[Role::Supervisor, Role::Assistant, Role::Receptionist],
    )
}

/// Who goes on the centre's roster (DUTY-1: 管理员 do the duty; the supervisor may too).
pub fn roster_staff(list: &[Person]) -> Vec<(StaffId, String)> {
    with_roles(list, &[Role::Supervisor, Role::Assistant])
}

fn with_roles(list: &[Person], roles: &[Role]) -> Vec<(StaffId, String)> {
    list.iter()
        .filter(|p| p.active && p.roles.iter().any(|r| roles.contains(r)))
        .map(|p| (p.id, p.name.clone()))
        .collect()
}

/// The supervisor who receives leave requests and emergency callbacks: the roster's
/// signer if known, else the first active supervisor, else a director.
pub fn supervisor_of(list: &[Person], roster: Option<&Roster>) -> Option<StaffId> {
    roster.and_then(|r| r.published.map(|p| p.0)).or_else(|| {
        let active = || list.iter().filter(|p| p.active);
        active()
            .find(|p| p.has(Role::Supervisor))
            .or_else(|| active().find(|p| p.has(Role::Director)))
            .map(|p| p.id)
    })
}

/// This tablet's chain head (empty on its first entry).
pub async fn chain_head() -> DutyChain {
    let a = app();
    let device = a.device();
    a.get::<DutyChain>(chain_id(device))
        .await
        .ok()
        .flatten()
        .filter(|h| h.seq > 0)
        .unwrap_or(DutyChain {
            chain: device,
            ..Default::default()
        })
}

/// Every duty-log chain head this tablet holds (the sign-off anchors them, DUTY-4, issue 12).
pub async fn chain_heads() -> Vec<DutyChain> {
    app()
        .query(&crate::store::Query::all(
            crate::domain::event::RecordKind::DutyChain,
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state())
        .collect()
}

pub fn hm(ms: i64) -> String {
    let s = super::platform::format_time(ms, super::state::utc_offset_untracked());
    s.get(11..).unwrap_or(&s).to_string()
}

#[component]
pub fn DutyPage(tab: DutyTab) -> impl IntoView {
    let c = ctx();
    let may = move |a: Action| c.session.get().is_some_and(|s| s.may(a));
    let tabs = [
        (DutyTab::Log, "duty.tab.log", "duty-tab-log", None),
        (
            DutyTab::Handover,
            "duty.tab.handover",
            "duty-tab-handover",
            None,
        ),
        (DutyTab::Roster, "duty.tab.roster", "duty-tab-roster", None),
        (
            DutyTab::Review,
            "duty.tab.review",
            "duty-tab-review",
            Some(Action::ReviewDutyLog),
        ),
        (DutyTab::OnCall, "duty.tab.oncall", "duty-tab-oncall", None),
    ];
    view! {
        <div class="page duty">
            <div class="reg-tabs duty-tabs screen-only">
                {tabs.into_iter().map(|(t_, key, id, needs)| view! {
                    <Show when=move || needs.is_none_or(may)>
                        <button class=move || if tab == t_ { "reg-tab active" } else { "reg-tab" }
                            data-testid=id on:click=move |_| go(Page::Duty(t_))>{move || t(key)}</button>
                    </Show>
                }).collect_view()}
            </div>
            {match tab {
                DutyTab::Log => view! { <log::LogTab/> }.into_any(),
                DutyTab::Roster => view! { <roster::RosterTab/> }.into_any(),
                DutyTab::Handover => view! { <handover::HandoverTab/> }.into_any(),
                DutyTab::Review => view! { <review::ReviewTab/> }.into_any(),
                DutyTab::OnCall => view! { <OnCall/> }.into_any(),
            }}
        </div>
    }
}

/// What the duty card shows: my next duties, the roster reminder, the days awaiting sign-off
/// and the month reminded of.
pub type HomeData = (Vec<Shift>, bool, u32, u32);

/// The duty card's name on 我的待办 (its read ahead and its mark, issue 19).
pub const HOME_CARD: &str = "ed-home-duty";

/// The duty card's read for `who` (sign-in reads it ahead, issue 19).
pub async fn home_read(who: Actor) -> HomeData {
    let cal = calendar();
    let today = cal.local_date(now_ms());
    let this = month_key(today);
    let next = next_month(this);
    let a = app();
    let supervisor = who.may(Action::ManageRoster).is_ok();
    // Earlier days' logs awaiting sign-off: a count of the index (issue 19), never the
    // logs themselves.
    let reviewer = who.may(Action::ReviewDutyLog).is_ok();
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let unsigned = async {
        use crate::domain::duty::log::{unsigned_key, UNSIGNED_FROM};
        use crate::store::Store;
        if !reviewer {
            return 0;
        }
        a.store
            .count(&Query::new(
                RecordKind::DutyLog,
                Filter::Range(UNSIGNED_FROM.into(), unsigned_key(&yesterday)),
            ))
            .await
            .unwrap_or(0)
    };
    // Issue 19: the three reads sent together, one wait instead of three in a row.
    let (r1, r2, unsigned) = futures::future::join3(
        a.get::<Roster>(roster_id(this)),
        a.get::<Roster>(roster_id(next)),
        unsigned,
    )
    .await;
    let (r1, r2) = (r1.ok().flatten(), r2.ok().flatten());
    let rosters: Vec<Roster> = [r1, r2.clone()].into_iter().flatten().collect();
    let mine = upcoming(&rosters, who.id, today, &cal);
    let remind = supervisor && needs_reminder(today, r2.as_ref());
    (mine, remind, unsigned, next)
}

/// On 我的待办: my next duties (DUTY-1), the roster reminder from the 25th (DUTY-1) and the
/// days still waiting for the supervisor's signature (DUTY-8).
#[component]
pub fn HomeCard() -> impl IntoView {
    let data = loader(|| super::ahead::my_card(HOME_CARD, home_read));
    view! {
        {move || data.get().map(|(mine, remind, unsigned, next)| {
            let show = !mine.is_empty() || remind || unsigned > 0;
            show.then(|| view! {
                <section class="card duty-home" data-testid="duty-home">
                    <h2>{move || t("duty.home.title")}</h2>
                    {remind.then(|| view! {
                        <button class="duty-alert" data-testid="roster-reminder" on:click=move |_| go(Page::Duty(DutyTab::Roster))>
                            {move || t("duty.roster.remind")}" "{format!("{}-{:02}", next / 100, next % 100)}
                        </button>
                    })}
                    {(unsigned > 0).then(|| view! {
                        <button class="duty-alert" data-testid="review-reminder" on:click=move |_| go(Page::Duty(DutyTab::Review))>
                            {move || t("duty.review.waiting")}" "{unsigned}
                        </button>
                    })}
                    <div class="duty-upcoming" data-testid="my-duties">
                        {mine.into_iter().take(4).map(|s| {
                            let (start, end) = (s.start, s.end);
                            view! {
                                <div class="duty-chip" class:holiday=s.holiday>
                                    <strong>{s.date.format("%m-%d").to_string()}</strong>
                                    <span>{move || weekday(s.date)}</span>
                                    <span class="muted">{hm(start)}" → "{hm(end)}{if s.holiday { " · 24h" } else { "" }}</span>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </section>
            })
        })}
    }
}

pub fn weekday(d: chrono::NaiveDate) -> &'static str {
    use chrono::Datelike;
    let keys = [
        "wdl.1", "wdl.2", "wdl.3", "wdl.4", "wdl.5", "wdl.6", "wdl.7",
    ];
    t(keys[d.weekday().num_days_from_monday() as usize])
}
