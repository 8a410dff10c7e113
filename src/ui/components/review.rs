//! 呈报主任: a month's results (CB-3) or the yearly patrol-procedure revision (PAT-8) submitted
//! by the Supervisor to a Director by name, who signs it off with a comment. One card for every
//! area that reports to the Director (`domain::review`).

use crate::domain::i18n::Text;
use crate::domain::review::{self, MonthlyReview, ReviewArea};
use crate::domain::roles::{Action, Role};
use crate::ui::components::people::{name_of, people};
use crate::ui::components::Area;
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{app, ctx, loader, submit, tx, utc_offset};
use leptos::prelude::*;

/// `summary`: written from the figures (the month's callback results), or `None` for the
/// Supervisor to write (what the revision changed).
#[component]
pub fn ReviewCard(area: ReviewArea, month: String, summary: Option<String>) -> impl IntoView {
    let Some(id) = review::review_id(area, &month) else {
        return ().into_any();
    };
    let rec = loader(move || async move { app().get::<MonthlyReview>(id).await.ok().flatten() });
    let people = people();
    let to = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let written = RwSignal::new(String::new());
    let fixed = summary.clone();
    let may = move |a: Action| ctx().session.get().is_some_and(|s| s.may(a));
    let when = |ms: i64| format_time(ms, utc_offset());
    let send = {
        let month = month.clone();
        move |_| {
            let current = rec.get_untracked().flatten();
            let who = people
                .get_untracked()
                .unwrap_or_default()
                .into_iter()
                .find(|p| p.id.to_string() == to.get_untracked());
            let text = fixed.clone().unwrap_or_else(|| written.get_untracked());
            let month = month.clone();
            submit(
                move |a| match &who {
                    Some(p) => review::submit(
                        a,
                        current.as_ref(),
                        area,
                        &month,
                        &text,
                        p.id,
                        &p.roles,
                        now_ms(),
                    ),
                    None => Err(crate::domain::command::DomainError::invalid(
                        "请选择呈报的主任",
                        "Choose the director",
                    )),
                },
                Text::new("已呈报主任", "Submitted to the director"),
                || {},
            );
        }
    };
    let sign = move |_| {
        let Some(cur) = rec.get_untracked().flatten() else {
            return;
        };
        let text = comment.get_untracked();
        submit(
            move |a| review::acknowledge(a, id, &cur, &text, now_ms()),
            Text::new("已阅", "Signed off"),
            move || comment.set(String::new()),
        );
    };
    let title = area.label();
    view! {
        <section class="card screen-only" data-testid=format!("review-{}", area.key())>
            <h2>{move || tx(&title)}" · "{month.clone()}<span class="muted">" — "{move || t("review.to_director")}</span></h2>
            {move || {
                let cur = rec.get().flatten();
                let submitted = cur.as_ref().and_then(|c| c.submitted);
                let acked = cur.as_ref().and_then(|c| c.acknowledged.clone());
                let shown = cur.as_ref().filter(|c| c.submitted.is_some()).map(|c| c.summary.clone()).or_else(|| summary.clone());
                let directors: Vec<(String, String)> = people.get().unwrap_or_default().into_iter()
                    .filter(|p| p.roles.contains(&Role::Director))
                    .map(|p| (p.id.to_string(), p.name)).collect();
                view! {
                    {shown.map(|s| view! { <pre class="rep-summary" data-testid="review-summary">{s}</pre> })}
                    {submitted.map(|(at, by)| view! {
                        <p class="muted" data-testid="review-submitted">{move || t("review.submitted")}" "{when(at)}" · "{name_of(&people, Some(by))}
                            " → "{name_of(&people, cur.as_ref().and_then(|c| c.to))}</p>
                    })}
                    {acked.clone().map(|(at, by, c)| view! {
                        <p class="notice" data-testid="review-acknowledged">{move || t("review.acknowledged")}" "{name_of(&people, Some(by))}" · "{when(at)}<br/>{c}</p>
                    })}
                    {(submitted.is_none() && may(Action::SubmitMonthlyResults)).then(|| view! {
                        {summary.is_none().then(|| view! {
                            <Area label=Signal::derive(|| t("review.write").to_string()) value=written testid="review-text"/>
                        })}
                        <div class="cmp-note-bar">
                            <select data-testid="review-director" on:change=move |ev| to.set(event_target_value(&ev))>
                                <option value="">{move || t("review.choose_director")}</option>
                                {directors.into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
                            </select>
                            <button class="btn primary" data-testid="review-submit" on:click=send.clone()>{move || t("review.submit")}</button>
                        </div>
                    })}
                    {(submitted.is_some() && acked.is_none() && may(Action::AcknowledgeMonthlyResults)).then(|| view! {
                        <div class="cmp-note-bar">
                            <input type="text" data-testid="review-comment" placeholder=move || t("review.comment_ph") prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
                            <button class="btn primary" data-testid="review-sign" on:click=sign>{move || t("review.sign")}</button>
                        </div>
                    })}
                }
            }}
        </section>
    }
    .into_any()
}

/// The card's strings (a shared component carries its own table, registered in `i18n::AREAS`).
pub fn pair(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "review.to_director" => ("呈报主任", "to the director"),
        "review.submitted" => ("已呈报", "Submitted"),
        "review.acknowledged" => ("主任已阅：", "Signed off by"),
        "review.choose_director" => ("选择物业部主任", "Choose the director"),
        "review.submit" => ("呈报主任", "Submit to the director"),
        "review.comment_ph" => ("主任意见", "Director's comment"),
        "review.sign" => ("已阅", "Sign off"),
        "review.write" => (
            "修订内容（改了什么、为什么）",
            "What the revision changed, and why",
        ),
        _ => return None,
    })
}
