//! 业主座谈会 (CB-7): this quarter's residents' forum — due or held — its minutes, and the
//! follow-up of every matter raised. Shown on the callbacks page.

use super::{may, name_of, people, settings, when};
use crate::domain::event::RecordKind;
use crate::domain::forum::{self, forum_key, quarter_of, Forum, ForumInput};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::roles::Action;
use crate::domain::view::View;
use crate::store::{Filter, Query};
use crate::ui::components::{Area, NumberField, TextField};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, loader_held, submit};
use leptos::prelude::*;

/// This quarter's forums and any earlier one with matters still open (index reads only).
fn queries(quarter: &str) -> [Query; 2] {
    [
        Query::new(RecordKind::Forum, Filter::Prefix(forum_key(quarter))),
        Query::new(RecordKind::Forum, Filter::Status("open".into())),
    ]
}

/// The forums the card shows, newest first, from its queries' views (a forum in both once).
fn gather(views: impl IntoIterator<Item = View>) -> Vec<(RecordId, Forum)> {
    let mut v: Vec<(RecordId, Forum)> = Vec::new();
    for view in views {
        if v.iter().all(|(i, _)| *i != view.id) {
            if let Some(f) = view.state::<Forum>() {
                v.push((view.id, f));
            }
        }
    }
    v.sort_by_key(|(_, f)| std::cmp::Reverse(f.date));
    v
}

/// The card's reads, made ahead on the complaint list with the 回访 tab's first page (issue
/// 19): the tab opens with the card whole instead of building it again once they land.
pub(super) fn read_ahead() -> Vec<crate::ui::ahead::Read> {
    let quarter = quarter_of(settings().0.local_date(now_ms()));
    queries(&quarter)
        .into_iter()
        .map(crate::ui::ahead::Read::Views)
        .collect()
}

#[component]
pub(super) fn ForumCard() -> impl IntoView {
    let today = settings().0.local_date(now_ms());
    let quarter = quarter_of(today);
    let qs = queries(&quarter);
    let ahead = qs
        .iter()
        .map(crate::ui::ahead::views_now)
        .collect::<Option<Vec<_>>>()
        .map(|v| gather(v.into_iter().flatten()));
    let rows = loader_held(ahead, move || {
        let qs = qs.clone();
        async move {
            let mut views = Vec::new();
            for q in &qs {
                views.extend(crate::ui::ahead::views(q).await);
            }
            gather(views)
        }
    });
    let people = people();
    let adding = RwSignal::new(false);
    let date = RwSignal::new(today.to_string());
    let place = RwSignal::new(String::new());
    let attendees = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let items = RwSignal::new(String::new());
    let save = move |_| {
        let input = ForumInput {
            date: date.get_untracked().parse().ok(),
            place: place.get_untracked(),
            attendees: attendees.get_untracked().trim().parse().unwrap_or(0),
            minutes: minutes.get_untracked(),
            items: items.get_untracked().lines().map(str::to_string).collect(),
        };
        let id = app().new_id();
        submit(
            move |a| forum::hold(a, id, &input, today, now_ms()),
            Text::new("座谈会已记录", "Forum recorded"),
            move || {
                adding.set(false);
                for s in [place, attendees, minutes, items] {
                    s.set(String::new());
                }
            },
        );
    };
    let quarter_label = quarter.clone();
    view! {
        <section class="card forum" data-testid="forum-card">
            <div class="detail-head">
                <h2>{move || t("forum.title")}" · "{quarter_label.clone()}</h2>
                <span class="spacer"></span>
                <Show when=move || may(Action::PlanCallbacks) && !adding.get()>
                    <button class="btn" data-testid="forum-add" on:click=move |_| adding.set(true)>{move || t("forum.add")}</button>
                </Show>
            </div>
            {move || {
                let list = rows.get().unwrap_or_default();
                let this_quarter: Vec<Forum> = list.iter().filter(|(_, f)| f.date.is_some_and(|d| quarter_of(d) == quarter)).map(|(_, f)| f.clone()).collect();
                let due = forum::forum_due(&this_quarter);
                view! {
                    {due.then(|| view! { <p class="notice" data-testid="forum-due">{move || t("forum.due")}</p> })}
                    {list.into_iter().map(|(id, f)| view! { <ForumView id=id f=f people=people/> }).collect_view()}
                }
            }}
            <Show when=move || adding.get()>
                <div class="forum-form" data-testid="forum-form">
                    <TextField label=Signal::derive(|| t("forum.date").to_string()) value=date testid="forum-date" kind="date"/>
                    <TextField label=Signal::derive(|| t("forum.place").to_string()) value=place testid="forum-place"/>
                    <NumberField label=Signal::derive(|| t("forum.attendees").to_string()) value=attendees testid="forum-attendees"/>
                    <Area label=Signal::derive(|| t("forum.minutes").to_string()) value=minutes testid="forum-minutes"/>
                    <Area label=Signal::derive(|| t("forum.items").to_string()) value=items testid="forum-items"/>
                    <div class="cmp-note-bar">
                        <button class="btn primary" data-testid="forum-save" on:click=save>{move || t("forum.save")}</button>
                        <button class="btn" on:click=move |_| adding.set(false)>{move || t("common.cancel")}</button>
                    </div>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn ForumView(id: RecordId, f: Forum, people: super::People) -> impl IntoView {
    // One input per matter, so typing under one leaves the others alone.
    let results: Vec<RwSignal<String>> = f
        .items
        .iter()
        .map(|_| RwSignal::new(String::new()))
        .collect();
    let f2 = f.clone();
    let follow = move |n: usize, result: RwSignal<String>| {
        let f = f2.clone();
        let text = result.get_untracked();
        submit(
            move |a| forum::follow_up(a, id, &f, n, &text, now_ms()),
            Text::new("已记录跟进结果", "Follow-up recorded"),
            move || result.set(String::new()),
        );
    };
    let date = f.date.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <div class="forum-one" data-testid="forum">
            <p><strong>{date}" · "{f.place.clone()}</strong>
                <span class="muted">" · "{f.attendees}{move || t("forum.people")}" · "{name_of(&people, f.by)}</span></p>
            <p class="forum-minutes">{f.minutes.clone()}</p>
            <ol class="forum-items">
                {f.items.iter().enumerate().map(|(n, i)| {
                    let follow = follow.clone();
                    let result = results[n];
                    view! {
                        <li data-testid="forum-item">
                            <span>{i.text.clone()}</span>
                            {match i.result.clone() {
                                Some((r, at, by)) => view! { <p class="muted" data-testid="forum-result">"✓ "{r}" · "{when(at)}" · "{name_of(&people, Some(by))}</p> }.into_any(),
                                None => view! {
                                    <Show when=move || may(Action::RecordCallback)>
                                        <div class="cmp-note-bar">
                                            <input type="text" data-testid="forum-result-input" placeholder=move || t("forum.result_ph")
                                                prop:value=move || result.get() on:input=move |ev| result.set(event_target_value(&ev))/>
                                            <button class="btn small" data-testid="forum-follow" on:click={let follow = follow.clone(); move |_| follow(n, result)}>{move || t("forum.follow")}</button>
                                        </div>
                                    </Show>
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}
