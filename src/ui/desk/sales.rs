//! 代售 (DESK-3): consigned items with their stock, each sale through the desk's till
//! (`domain::cash`), stock-out report, the poster reminder; the day's cash close (the shared
//! `CashDayPanel`); the sales register on A4 and CSV.

use super::when;
use crate::domain::cash;
use crate::domain::desk::consign::{self, Consignment};
use crate::domain::duty::Post;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::{Entropy, RecordId};
use crate::store::Query;
use crate::sync::csv::CsvList;
use crate::ui::components::cash_day::{tablet_code, till_state, CashDayPanel};
use crate::ui::components::people::{all_staff, everyone, name_in, name_of};
use crate::ui::i18n::t;
use crate::ui::platform::{now_ms, BrowserEntropy};
use crate::ui::state::{app, ctx, loader, submit, toast_err};
use leptos::prelude::*;

async fn items() -> Vec<(RecordId, Consignment)> {
    let mut v: Vec<(RecordId, Consignment)> = app()
        .query(&Query::all(RecordKind::Consignment))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Consignment>().map(|s| (v.id, s)))
        .collect();
    v.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    v
}

#[component]
pub fn SalesTab() -> impl IntoView {
    let c = ctx();
    let list = loader(|| async { items().await });
    let staff = everyone();
    let name = RwSignal::new(String::new());
    let supplier = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let low = RwSignal::new("5".to_string());
    let add = move |_| {
        let id = BrowserEntropy.id();
        let (n, s) = (name.get_untracked(), supplier.get_untracked());
        let Some(p) = cash::parse_yuan(&price.get_untracked()) else {
            return toast_err(t("cash.amount_bad"));
        };
        let l = low.get_untracked().trim().parse().unwrap_or(0);
        submit(
            move |a| consign::set_item(a, id, &n, &s, "", p, l, now_ms()),
            Text::new("已添加代售品", "Item added"),
            move || {
                name.set(String::new());
                supplier.set(String::new());
                price.set(String::new());
            },
        );
    };
    let today = move || crate::ui::duty::calendar().local_date(now_ms());
    view! {
        <div class="desk-grid screen-only">
            <section class="card" data-testid="sales-items">
                <div class="desk-head">
                    <h2>{move || t("desk.sales.items")}</h2>
                    <div class="desk-tools">
                        <button class="btn small" data-testid="sales-print" on:click=move |_| crate::ui::components::print_page()>{move || t("desk.print")}</button>
                        <button class="btn small" data-testid="sales-csv" on:click=move |_| leptos::task::spawn_local(csv())>"CSV"</button>
                    </div>
                </div>
                {move || list.get().unwrap_or_default().into_iter().map(|(id, it)| view! { <ItemRow id=id it=it today=today()/> }).collect_view()}
                <h3>{move || t("desk.sales.new_item")}</h3>
                <div class="desk-fields">
                    <label class="field"><span class="field-label">{move || t("desk.sales.name")}</span>
                        <input data-testid="item-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                    <label class="field"><span class="field-label">{move || t("desk.sales.supplier")}</span>
                        <input data-testid="item-supplier" prop:value=move || supplier.get() on:input=move |ev| supplier.set(event_target_value(&ev))/></label>
                    <label class="field field-num"><span class="field-label">{move || t("desk.sales.price")}</span>
                        <input inputmode="decimal" data-testid="item-price" prop:value=move || price.get() on:input=move |ev| price.set(event_target_value(&ev))/></label>
                    <label class="field field-num"><span class="field-label">{move || t("desk.sales.low")}</span>
                        <input inputmode="numeric" data-testid="item-low" prop:value=move || low.get() on:input=move |ev| low.set(event_target_value(&ev))/></label>
                </div>
                <button class="btn" data-testid="item-save" on:click=add>{move || t("desk.sales.add")}</button>
            </section>
            <CashDayPanel post=Post::FrontDesk/>
        </div>
        <section class="print-only print-form">
            <h1>{move || c.estate.get().map(|e| e.name).unwrap_or_default()}" · 代售销售记录表"</h1>
            <table>
                <tr><th>"时间"</th><th>"代售品"</th><th>"数量"</th><th>"金额"</th><th>"收据号"</th><th>"经手人"</th></tr>
                {move || {
                    let all: Vec<Consignment> = list.get().unwrap_or_default().into_iter().map(|(_, i)| i).collect();
                    consign::sales_csv(&all, when, |id| name_of(&staff, Some(id))).into_iter().skip(1).rev().take(60)
                        .map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }).collect_view()
                }}
            </table>
        </section>
    }
}

async fn csv() {
    let all: Vec<Consignment> = items().await.into_iter().map(|(_, i)| i).collect();
    let staff = all_staff().await;
    let rows = consign::sales_csv(&all, when, |id| name_in(&staff, id));
    let (head, body) = rows
        .split_first()
        .map(|(h, b)| (h.clone(), b.to_vec()))
        .unwrap_or_default();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    crate::ui::sync::lists::download_csv(CsvList::Sales, "sales", &head, &body).await;
}

#[component]
fn ItemRow(id: RecordId, it: Consignment, today: chrono::NaiveDate) -> impl IntoView {
    let qty = RwSignal::new("1".to_string());
    let more = RwSignal::new(String::new());
    let told = RwSignal::new(it.supplier.clone());
    let it1 = it.clone();
    let sell = move |_| {
        let it = it1.clone();
        let q: u32 = qty.get_untracked().trim().parse().unwrap_or(0);
        leptos::task::spawn_local(async move {
            let (day, pending) = till_state(Post::FrontDesk).await;
            let tablet = tablet_code();
            let cal = crate::ui::duty::calendar();
            submit(
                move |a| {
                    consign::sell(
                        a,
                        id,
                        &it,
                        q,
                        "",
                        &tablet,
                        day.as_ref(),
                        pending.as_ref(),
                        now_ms(),
                        &cal,
                    )
                },
                Text::new("已售出，收据已开具", "Sold, receipt issued"),
                move || qty.set("1".into()),
            );
        });
    };
    let it2 = it.clone();
    let restock = move |_| {
        let it = it2.clone();
        let q: u32 = more.get_untracked().trim().parse().unwrap_or(0);
        submit(
            move |a| consign::receive_stock(a, id, &it, q, "", now_ms()),
            Text::new("已入库", "Stock received"),
            move || more.set(String::new()),
        );
    };
    let it3 = it.clone();
    let report = move |_| {
        let it = it3.clone();
        let to = told.get_untracked();
        submit(
            move |a| consign::report_stock_out(a, id, &it, &to, now_ms()),
            Text::new("已通知供货方", "Supplier told"),
            || {},
        );
    };
    let it4 = it.clone();
    let poster = move |_| {
        let it = it4.clone();
        submit(
            move |a| consign::request_poster(a, id, &it, today, now_ms()),
            Text::new("已通知送下月海报", "Poster requested"),
            || {},
        );
    };
    let needs_report = it.needs_report();
    let poster_due = it.poster_due(today);
    view! {
        <div class="desk-row" data-testid="item-row">
            <div class="row-main">
                <strong>{it.name.clone()}</strong>
                <span class="muted">{cash::yuan(it.price)}" · "{it.supplier.clone()}</span>
                <span data-testid="item-stock">{move || t("desk.sales.stock")}" "{it.stock()}</span>
                {needs_report.then(|| view! {
                    <span class="cash-warn" data-testid="item-low-warn">{move || t("desk.sales.low_warn")}
                        <input data-testid="item-told" prop:value=move || told.get() on:input=move |ev| told.set(event_target_value(&ev))/>
                        <button class="btn small" data-testid="item-report" on:click=report.clone()>{move || t("desk.sales.report")}</button>
                    </span>
                })}
                {poster_due.map(|m| view! {
                    <span class="cash-warn">{move || t("desk.sales.poster")}" "{m.clone()}
                        <button class="btn small" data-testid="item-poster" on:click=poster.clone()>{move || t("desk.sales.poster_btn")}</button>
                    </span>
                })}
            </div>
            <div class="row-side desk-actions">
                <input class="qty" inputmode="numeric" data-testid="sale-qty" prop:value=move || qty.get() on:input=move |ev| qty.set(event_target_value(&ev))/>
                <button class="btn primary" data-testid="sale-sell" on:click=sell>{move || t("desk.sales.sell")}</button>
                <input class="qty" inputmode="numeric" data-testid="item-more" placeholder="+" prop:value=move || more.get() on:input=move |ev| more.set(event_target_value(&ev))/>
                <button class="btn small" data-testid="item-restock" on:click=restock>{move || t("desk.sales.restock")}</button>
            </div>
        </div>
    }
}
