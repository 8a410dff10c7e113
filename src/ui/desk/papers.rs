//! 收发报刊 (DESK-2): today's papers received → sorted by 08:30 → anything not handed out
//! carried by the front-desk handover; the subscription list (客户订报清单), printable and CSV.

use crate::domain::desk::papers::{self, PaperDay, Subscription};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::{Entropy, RecordId};
use crate::store::{Filter, Query};
use crate::sync::csv::CsvList;
use crate::ui::components::{UnitHit, UnitSearch};
use crate::ui::i18n::t;
use crate::ui::platform::{now_ms, BrowserEntropy};
use crate::ui::state::{app, ctx, loader, submit};
use leptos::prelude::*;

async fn subscriptions() -> Vec<(RecordId, Subscription)> {
    let mut v: Vec<(RecordId, Subscription)> = app()
        .query(&Query::new(
            RecordKind::Subscription,
            Filter::Status("active".into()),
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Subscription>().map(|s| (v.id, s)))
        .collect();
    v.sort_by(|a, b| a.1.place.cmp(&b.1.place));
    v
}

#[component]
pub fn PapersTab() -> impl IntoView {
    let c = ctx();
    let today = loader(|| async {
        let date = crate::ui::duty::calendar().local_date(now_ms());
        app()
            .get::<PaperDay>(papers::paper_day_id(date))
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    });
    let subs = loader(|| async { subscriptions().await });
    let count = RwSignal::new(String::new());
    let lines = RwSignal::new(String::new());
    let subscriber = RwSignal::new(String::new());
    let unit = RwSignal::new(None::<RecordId>);
    let place = RwSignal::new(String::new());
    let titles = RwSignal::new(String::new());

    let receive = move |_| {
        let day = today.get_untracked().unwrap_or_default();
        let n = count.get_untracked().trim().parse().unwrap_or(0);
        let cal = crate::ui::duty::calendar();
        submit(
            move |a| papers::receive(a, &day, n, now_ms(), &cal),
            Text::new("已登记报刊交接，请于08:30前分拣", "Received: sort by 08:30"),
            move || count.set(String::new()),
        );
    };
    let sorted = move |_| {
        let day = today.get_untracked().unwrap_or_default();
        submit(
            move |a| papers::sorted(a, &day, now_ms()),
            Text::new("分拣完成", "Sorted"),
            || {},
        );
    };
    let left = move |_| {
        let day = today.get_untracked().unwrap_or_default();
        let l: Vec<String> = lines.get_untracked().lines().map(str::to_string).collect();
        let cal = crate::ui::duty::calendar();
        submit(
            move |a| papers::undistributed(a, &day, &l, now_ms(), &cal),
            Text::new("已记录，交接班时移交", "Recorded: carried in the handover"),
            move || lines.set(String::new()),
        );
    };
    let handed = move |_| {
        let day = today.get_untracked().unwrap_or_default();
        submit(
            move |a| papers::distributed(a, &day, now_ms()),
            Text::new("已发放", "Handed out"),
            || {},
        );
    };
    let pick_unit = Callback::new(move |h: UnitHit| {
        unit.set(Some(h.unit));
        place.set(h.place.clone());
        if subscriber.get_untracked().trim().is_empty() {
            subscriber.set(h.name.clone());
        }
    });
    let add = move |_| {
        let id = BrowserEntropy.id();
        let (s, u, p) = (
            subscriber.get_untracked(),
            unit.get_untracked(),
            place.get_untracked(),
        );
        let list: Vec<String> = titles
            .get_untracked()
            .split(['、', ',', '，'])
            .map(str::to_string)
            .collect();
        submit(
            move |a| papers::set_subscription(a, id, &s, u, &p, &list, true, now_ms()),
            Text::new("已登记订报", "Subscription saved"),
            move || {
                subscriber.set(String::new());
                place.set(String::new());
                unit.set(None);
                titles.set(String::new());
            },
        );
    };
    view! {
        <div class="desk-grid screen-only">
            <section class="card" data-testid="papers-today">
                <h2>{move || t("desk.papers.today")}</h2>
                {move || {
                    let d = today.get().unwrap_or_default();
                    let st = d.sort_clock.as_ref().map(|k| k.state(now_ms()));
                    match d.status() {
                        _ if d.date.is_none() => view! {
                            <div class="inline-form">
                                <label class="field"><span class="field-label">{move || t("desk.papers.count")}</span>
                                    <input inputmode="numeric" data-testid="papers-count" prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev))/></label>
                                <button class="btn primary" data-testid="papers-receive" on:click=receive>{move || t("desk.papers.receive")}</button>
                            </div>
                        }.into_any(),
                        "to_sort" => view! {
                            <p>{d.count}" · "{move || t("desk.papers.due")}" "{st.map(|s| view! { <crate::ui::components::SlaBadge state=s/> })}</p>
                            <button class="btn primary big" data-testid="papers-sorted" on:click=sorted>{move || t("desk.papers.sorted")}</button>
                        }.into_any(),
                        "undistributed" => view! {
                            <p class="cash-warn">{d.undistributed.join("；")}</p>
                            <button class="btn primary" data-testid="papers-distributed" on:click=handed>{move || t("desk.papers.distributed")}</button>
                        }.into_any(),
                        _ => view! {
                            <p>{d.count}" · "{move || t("desk.papers.done")}" "{st.map(|s| view! { <crate::ui::components::SlaBadge state=s/> })}</p>
                            <label class="field"><span class="field-label">{move || t("desk.papers.left")}</span>
                                <textarea data-testid="papers-left" prop:value=move || lines.get() on:input=move |ev| lines.set(event_target_value(&ev))></textarea></label>
                            <button class="btn" data-testid="papers-left-save" on:click=left>{move || t("desk.papers.left_save")}</button>
                        }.into_any(),
                    }
                }}
            </section>
            <section class="card" data-testid="papers-subs">
                <div class="desk-head">
                    <h2>{move || t("desk.papers.subs")}</h2>
                    <div class="desk-tools">
                        <button class="btn small" on:click=move |_| crate::ui::components::print_page()>{move || t("desk.print")}</button>
                        <button class="btn small" data-testid="papers-csv" on:click=move |_| leptos::task::spawn_local(csv())>"CSV"</button>
                    </div>
                </div>
                <UnitSearch testid="sub-unit" on_pick=pick_unit/>
                {move || (!place.get().is_empty()).then(|| view! { <p class="desk-picked">{place.get()}</p> })}
                <div class="desk-fields">
                    <label class="field"><span class="field-label">{move || t("desk.papers.subscriber")}</span>
                        <input data-testid="sub-name" prop:value=move || subscriber.get() on:input=move |ev| subscriber.set(event_target_value(&ev))/></label>
                    <label class="field"><span class="field-label">{move || t("desk.papers.titles")}</span>
                        <input data-testid="sub-titles" prop:value=move || titles.get() on:input=move |ev| titles.set(event_target_value(&ev))/></label>
                </div>
                <button class="btn" data-testid="sub-save" on:click=add>{move || t("desk.papers.add")}</button>
                <div class="list">
                    {move || subs.get().unwrap_or_default().into_iter().map(|(_, s)| view! {
                        <div class="row"><div class="row-main"><strong>{s.place.clone()}" · "{s.subscriber.clone()}</strong><span class="muted">{s.papers.join("、")}</span></div></div>
                    }).collect_view()}
                </div>
            </section>
        </div>
        <section class="print-only print-form">
            <h1>{move || c.estate.get().map(|e| e.name).unwrap_or_default()}" · 客户订报清单"</h1>
            <table>
                <tr><th>"房号"</th><th>"订户"</th><th>"报刊"</th><th>"分拣"</th><th>"发放"</th></tr>
                {move || subs.get().unwrap_or_default().into_iter().map(|(_, s)| view! {
                    <tr><td>{s.place.clone()}</td><td>{s.subscriber.clone()}</td><td>{s.papers.join("、")}</td><td></td><td></td></tr>
                }).collect_view()}
            </table>
        </section>
    }
}

async fn csv() {
    let list: Vec<Subscription> = subscriptions().await.into_iter().map(|(_, s)| s).collect();
    let rows = papers::subscriptions_csv(&list);
    let (head, body) = rows
        .split_first()
        .map(|(h, b)| (h.clone(), b.to_vec()))
        .unwrap_or_default();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    crate::ui::sync::lists::download_csv(CsvList::Subscriptions, "subscriptions", &head, &body)
        .await;
}
