//! 主管签阅 — the supervisor's daily queue: each finished day's log to read and sign (DUTY-8).

use super::{calendar, hm};
use crate::domain::duty::log::{self, DutyLog};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in};
use crate::ui::components::Empty;
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, loader, submit, tx};
use leptos::prelude::*;

#[component]
pub fn ReviewTab() -> impl IntoView {
    let data = loader(|| async {
        let today = calendar().local_date(now_ms());
        let mut logs: Vec<(crate::domain::ids::RecordId, DutyLog)> = app()
            .query(&Query::new(
                RecordKind::DutyLog,
                Filter::Status("unsigned".into()),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<DutyLog>().map(|l| (v.id, l)))
            .filter(|(_, l)| l.date.is_some_and(|d| d < today))
            .collect();
        logs.sort_by_key(|(_, l)| (l.date, l.post));
        (logs, all_staff().await)
    });
    view! {
        <section class="card" data-testid="review-queue">
            <h2>{move || t("duty.review.title")}</h2>
            <p class="muted">{move || t("duty.review.hint")}</p>
            {move || data.get().map(|(logs, names)| {
                if logs.is_empty() {
                    return view! { <Empty text=Signal::derive(move || t("duty.review.empty").to_string())/> }.into_any();
                }
                logs.into_iter().map(|(id, l)| {
                    let remark = RwSignal::new(String::new());
                    let date = l.date.map(|d| d.to_string()).unwrap_or_default();
                    let post = l.post.label();
                    let l2 = l.clone();
                    let sign = move |_| {
                        let l = l2.clone();
                        let r = remark.get_untracked();
                        let today = calendar().local_date(now_ms());
                        // Every chain head this tablet holds goes into the sign-off (DUTY-4, issue 12).
                        leptos::task::spawn_local(async move {
                            let heads = super::chain_heads().await;
                            submit(move |a| log::sign_log(a, id, &l, &r, today, now_ms(), &heads), Text::new("已签阅", "Signed"), || {});
                        });
                    };
                    view! {
                        <article class="review-day" data-testid="review-day">
                            <header class="review-head">
                                <strong>{date}</strong>
                                <span class="muted">{move || tx(&post)}" · "{l.entries.len()}" "{move || t("duty.log.entries")}</span>
                            </header>
                            <ul class="review-entries">
                                {l.entries.iter().map(|e| {
                                    let e = &e.entry;
                                    let k = e.kind.label();
                                    view! { <li><span class="entry-time">{hm(e.at)}</span>" "<span class="muted">{move || tx(&k)}</span>" "{e.text.clone()}" — "{name_in(&names, e.by)}</li> }
                                }).collect_view()}
                            </ul>
                            <div class="review-sign">
                                <input placeholder=move || t("duty.review.remark") data-testid="review-remark" prop:value=move || remark.get() on:input=move |ev| remark.set(event_target_value(&ev))/>
                                <button class="btn primary" data-testid="review-sign" on:click=sign>{move || t("duty.review.sign")}</button>
                            </div>
                        </article>
                    }
                }).collect_view().into_any()
            })}
        </section>
    }
}
