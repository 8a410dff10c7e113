//! 报修 · 便民有偿服务 (issue 15): the desk takes an order in under two minutes (REP-1, PAID-2),
//! the list of open orders with their clocks (engineering's list, REP-1..3), the order screen
//! (receive, assess, on site, sign, done, paperwork, print — `order.rs`), yesterday's check
//! (REP-9), the fee schedule (REP-2, PAID-1, PAID-9) and the monthly lists (REP-7, PAID-6/7).
//! No business rule here: every button calls a domain command that decides.

mod order;
mod reconcile;
mod settings;
pub mod strings;

pub use order::OrderPage;
pub use settings::OrderSettingsCard;

use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::roles::{Action, Department, Role};
use crate::domain::workorder::fees::{
    self, yuan, FeeItem, FeeItemInput, Pick, Schedule, ServiceKind,
};
use crate::domain::workorder::orders::{self, OrderForm, OrderKind, OrderSource, WorkOrderRow};
use crate::domain::workorder::report::{paid_summary, repair_fees, repair_fees_csv};
use crate::domain::workorder::{WorkOrder, WorkOrderStatus};
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in, Person};
use crate::ui::components::{
    paged_total, stacked, Empty, LoadMore, SlaBadge, UnitHit, UnitSearch, PAGE,
};
use crate::ui::duty::calendar;
use crate::ui::i18n::t;
use crate::ui::platform::{download, now_ms};
use crate::ui::state::{app, ctx, go, loader, submit, tx, Page, RepTab};
use leptos::prelude::*;

fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

/// The approved, active fee schedule.
pub(crate) async fn schedule() -> Schedule {
    app()
        .query(&Query::all(RecordKind::FeeItem))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| {
            v.state::<fees::FeeRecord>()
                .and_then(|r| r.item)
                .map(|i| (v.id, i))
        })
        .collect()
}

/// The lead of a department (the notice on their home screen).
pub(super) fn lead_of(staff: &[Person], d: Department) -> Option<StaffId> {
    staff
        .iter()
        .find(|s| s.active && s.has(Role::DepartmentLead) && s.department == Some(d))
        .map(|s| s.id)
}

pub(super) fn workers_of(staff: &[Person], d: Department) -> Vec<(StaffId, String)> {
    staff
        .iter()
        .filter(|s| s.active && s.has(Role::DepartmentStaff) && s.department == Some(d))
        .map(|s| (s.id, s.name.clone()))
        .collect()
}

#[component]
pub fn RepairsPage(tab: RepTab) -> impl IntoView {
    // 我的待办 may have asked for an order.
    if let Some(id) = crate::ui::state::take_focus(RecordKind::WorkOrder) {
        go(Page::RepairOrder(id));
    }
    let tabs = [
        (RepTab::Orders, "wo.tab.orders", "wo-tab-orders", None),
        (
            RepTab::New,
            "wo.tab.new",
            "wo-tab-new",
            Some(Action::TakeOrder),
        ),
        (
            RepTab::Check,
            "wo.tab.check",
            "wo-tab-check",
            Some(Action::RecordCallback),
        ),
        (RepTab::Fees, "wo.tab.fees", "wo-tab-fees", None),
        (RepTab::Month, "wo.tab.month", "wo-tab-month", None),
    ];
    view! {
        <div class="page wo">
            <div class="reg-tabs screen-only">
                {tabs.into_iter().map(|(t_, key, id, needs)| view! {
                    <Show when=move || needs.is_none_or(may)>
                        <button class=move || if tab == t_ { "reg-tab active" } else { "reg-tab" }
                            data-testid=id on:click=move |_| go(Page::Repairs(t_))>{move || t(key)}</button>
                    </Show>
                }).collect_view()}
            </div>
            {match tab {
                RepTab::Orders => view! { <OrderList/> }.into_any(),
                RepTab::New => view! { <NewOrder/> }.into_any(),
                RepTab::Check => view! { <DailyCheck/> }.into_any(),
                RepTab::Fees => view! { <FeeSchedule/> }.into_any(),
                RepTab::Month => view! { <MonthLists/> }.into_any(),
            }}
        </div>
    }
}

fn row(id: RecordId, o: WorkOrderRow) -> impl IntoView {
    let now = now_ms();
    let clock = o.clock;
    let title = format!("{} · {}", o.place, o.content);
    let kind = o.kind.label();
    let st = o.status.label();
    let emergency = o.emergency;
    let serial = o.serial;
    view! {
        <li class="frow" data-testid="wo-row" on:click=move |_| go(Page::RepairOrder(id))>
            <div class="row-main">
                <strong>{emergency.then_some("【紧急】")}{title}</strong>
                <span class="muted">{serial}" · "{move || tx(&kind)}" · "{move || tx(&st)}</span>
            </div>
            {clock.map(|c| view! { <span class="wo-clock"><SlaBadge state=c.state(now)/><span class="muted">{move || tx(&c.name)}</span></span> })}
        </li>
    }
}

/// Household orders' list rows (issue 19), never the full orders.
async fn order_rows(q: Query) -> Vec<(RecordId, WorkOrderRow)> {
    crate::ui::state::list_rows(&q).await
}

#[component]
fn OrderList() -> impl IntoView {
    // The month's done orders are below the open ones (issue 19: one page built at once).
    let (shown_open, shown_done) = (RwSignal::new(PAGE), stacked());
    let data = loader(move || {
        let n = shown_open.get();
        async move {
            // Issue 19: the open orders' page by key, most urgent first (`woo|<deadline>`), with
            // their count from the index, sent with the month's done orders — never every open
            // order, nor the patrol's public-facility ones.
            let (from, to) =
                crate::domain::view::family_range(crate::domain::workorder::HOUSEHOLD_OPEN);
            let open = Query::new(RecordKind::WorkOrder, Filter::Range(from, to));
            let month = crate::domain::calendar::month_key(now_ms());
            let ((total, open), mut done) = futures::future::join(
                crate::ui::state::page_rows::<WorkOrderRow>(&open, n),
                order_rows(Query::new(
                    RecordKind::WorkOrder,
                    Filter::Prefix(orders::list_key(&month, Some(WorkOrderStatus::Done))),
                )),
            )
            .await;
            done.reverse();
            (total, open, done)
        }
    });
    view! {
        {move || data.get().map(|(n_open, open, done)| {
            let n_done = done.len();
            let more = paged_total(shown_open, open.len(), n_open);
            view! {
            <section class="card">
                <h2>{move || t("wo.open")}" "<span class="muted">{n_open}</span></h2>
                {if open.is_empty() { view! { <Empty text=Signal::derive(|| t("wo.none").to_string())/> }.into_any() } else {
                    view! { <ul class="flist" data-testid="wo-open">
                        {open.into_iter().map(|(id, o)| row(id, o)).collect_view()}
                        <LoadMore shown=shown_open total=more/>
                    </ul> }.into_any()
                }}
            </section>
            <section class="card">
                <h2>{move || t("wo.done_month")}" "<span class="muted">{n_done}</span></h2>
                <ul class="flist" data-testid="wo-done">
                    {move || done.iter().take(shown_done.get()).cloned().map(|(id, o)| row(id, o)).collect_view()}
                    <LoadMore shown=shown_done total=Signal::derive(move || n_done)/>
                </ul>
            </section>
        }})}
    }
}

/// REP-1 / PAID-2: the intake form, built for under two minutes: unit search fills the address
/// and phone, the items come from the schedule, "as soon as possible" is the default.
#[component]
fn NewOrder() -> impl IntoView {
    let data = loader(|| async { (schedule().await, all_staff().await) });
    let kind = RwSignal::new(OrderKind::Repair);
    let source = RwSignal::new(OrderSource::Phone);
    let picked = RwSignal::new(None::<UnitHit>);
    let place = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let content = RwSignal::new(String::new());
    let picks = RwSignal::new(Vec::<Pick>::new());
    let appointment = RwSignal::new(String::new());
    let emergency = RwSignal::new(false);
    let on_pick = Callback::new(move |h: UnitHit| {
        place.set(h.place.clone());
        name.set(h.name.clone());
        phone.set(h.phone.clone());
        picked.set(Some(h));
    });
    let save = move |_| {
        let Some((sched, staff)) = data.get_untracked() else {
            return;
        };
        let k = kind.get_untracked();
        let ps = picks.get_untracked();
        let department = match k {
            OrderKind::Paid => ps
                .first()
                .and_then(|p| sched.get(&p.item))
                .map(|i| i.kind.department())
                .unwrap_or(Department::Engineering),
            OrderKind::Repair => Department::Engineering,
        };
        let appt = parse_local(&appointment.get_untracked());
        let h = picked.get_untracked();
        let form = OrderForm {
            kind: k,
            source: source.get_untracked(),
            household: h.as_ref().and_then(|h| h.household),
            unit: h.as_ref().map(|h| h.unit),
            place: place.get_untracked(),
            contact_name: name.get_untracked(),
            contact_phone: phone.get_untracked(),
            content: content.get_untracked(),
            picks: ps,
            appointment: appt,
            emergency: emergency.get_untracked(),
            department,
            lead: lead_of(&staff, department),
        };
        let id = app().new_id();
        submit(
            move |a| orders::take_order(a, id, &form, &sched, None, now_ms(), &calendar()),
            Text::new(
                "已受理，工程部已收到通知",
                "Taken; engineering has been notified",
            ),
            move || go(Page::RepairOrder(id)),
        );
    };
    view! {
        <section class="card wo-form" data-testid="wo-new">
            <div class="seg">
                {[OrderKind::Repair, OrderKind::Paid].into_iter().map(|k| view! {
                    <button class=move || if kind.get() == k { "seg-btn active" } else { "seg-btn" }
                        data-testid=format!("wo-kind-{}", k.key()) on:click=move |_| { kind.set(k); picks.set(vec![]); }>{move || tx(&k.label())}</button>
                }).collect_view()}
                <span class="spacer"></span>
                {[OrderSource::Phone, OrderSource::Desk, OrderSource::WeChat].into_iter().map(|s| view! {
                    <button class=move || if source.get() == s { "seg-btn active" } else { "seg-btn" }
                        data-testid=format!("wo-source-{}", s.key()) on:click=move |_| source.set(s)>{move || tx(&s.label())}</button>
                }).collect_view()}
            </div>
            <label class="field"><span class="field-label">{move || t("wo.unit")}</span></label>
            <UnitSearch testid="wo-unit" on_pick=on_pick/>
            <div class="grid3">
                <label class="field"><span class="field-label">{move || t("wo.place")}</span>
                    <input data-testid="wo-place" prop:value=move || place.get() on:input=move |ev| place.set(event_target_value(&ev))/></label>
                <label class="field"><span class="field-label">{move || t("wo.contact")}</span>
                    <input data-testid="wo-contact" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label class="field"><span class="field-label">{move || t("wo.phone")}</span>
                    <input data-testid="wo-phone" inputmode="tel" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/></label>
            </div>
            <label class="field"><span class="field-label">{move || t("wo.content")}</span>
                <textarea data-testid="wo-content" rows="2" prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea></label>
            <div class="field">
                <span class="field-label">{move || t("wo.items")}</span>
                {move || data.get().map(|(sched, _)| view! { <ItemPicker schedule=sched picks=picks paid=Signal::derive(move || kind.get() == OrderKind::Paid)/> })}
                <Show when=move || kind.get() == OrderKind::Repair && picks.get().is_empty()>
                    <p class="muted small">{move || t("wo.items_none")}</p>
                </Show>
            </div>
            <div class="grid3">
                <label class="field"><span class="field-label">{move || t("wo.appointment")}</span>
                    <input type="datetime-local" data-testid="wo-appointment" prop:value=move || appointment.get() on:input=move |ev| appointment.set(event_target_value(&ev))/>
                    <span class="muted small">{move || if appointment.get().is_empty() { t("wo.asap") } else { "" }}</span></label>
                <Show when=move || kind.get() == OrderKind::Repair>
                    <label class="check big"><input type="checkbox" data-testid="wo-emergency" prop:checked=move || emergency.get() on:change=move |ev| emergency.set(event_target_checked(&ev))/>
                        <span>{move || t("wo.emergency")}</span></label>
                </Show>
            </div>
            <button class="btn primary big" data-testid="wo-take" on:click=save>{move || t("wo.take")}</button>
        </section>
    }
}

/// `2026-11-30T14:30` (datetime-local, estate time) → UTC ms.
pub(super) fn parse_local(s: &str) -> Option<i64> {
    let dt = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(calendar().from_local(dt))
}

/// Items of the schedule with a quantity each (the only way a fee gets onto an order).
#[component]
pub(super) fn ItemPicker(
    schedule: Schedule,
    picks: RwSignal<Vec<Pick>>,
    #[prop(into)] paid: Signal<bool>,
) -> impl IntoView {
    let items: Vec<(RecordId, FeeItem)> = schedule.into_iter().filter(|(_, i)| i.active).collect();
    let qty = move |id: RecordId| {
        picks
            .get()
            .iter()
            .find(|p| p.item == id)
            .map(|p| p.qty)
            .unwrap_or(0)
    };
    let set = move |id: RecordId, d: i32| {
        picks.update(|v| {
            let cur = v
                .iter()
                .find(|p| p.item == id)
                .map(|p| p.qty as i32)
                .unwrap_or(0);
            let n = (cur + d).clamp(0, 99) as u32;
            v.retain(|p| p.item != id);
            if n > 0 {
                v.push(Pick { item: id, qty: n });
            }
        })
    };
    view! {
        <ul class="wo-items">
            {items.into_iter().map(|(id, i)| {
                let code = i.code.clone();
                let is_paid_kind = matches!(i.kind, ServiceKind::Cleaning | ServiceKind::Glass | ServiceKind::Greening);
                view! {
                    <li class="wo-item" class:dim=move || !paid.get() && is_paid_kind data-testid=format!("wo-item-{code}")>
                        <span class="wo-item-name"><strong>{i.code.clone()}</strong>" "{i.name.clone()}</span>
                        <span class="muted">{yuan(i.price_fen)}" / "{i.unit.clone()}</span>
                        <button class="btn small" data-testid=format!("wo-item-{}-minus", i.code) on:click=move |_| set(id, -1)>"−"</button>
                        <span class="wo-qty">{move || qty(id)}</span>
                        <button class="btn small" data-testid=format!("wo-item-{}-plus", i.code) on:click=move |_| set(id, 1)>"+"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// REP-9: yesterday's repairs, one tap each (an assistant, seed 002 §2.11).
#[component]
fn DailyCheck() -> impl IntoView {
    let data = loader(|| async {
        let cal = calendar();
        let y = cal.local_date(now_ms()).pred_opt().unwrap_or_default();
        let list: Vec<(RecordId, WorkOrder)> = app()
            .query(&Query::new(
                RecordKind::WorkOrder,
                Filter::Prefix(orders::day_key(y)),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<WorkOrder>().map(|o| (v.id, o)))
            .collect();
        (y, list)
    });
    view! {
        {move || data.get().map(|(day, list)| view! {
            <section class="card" data-testid="wo-check">
                <h2>{move || t("wo.tab.check")}" · "{day.format("%Y-%m-%d").to_string()}</h2>
                <p class="muted">{move || t("wo.check_lead")}</p>
                <ul class="flist">
                    {list.into_iter().map(|(id, o)| {
                        let done = o.checked.is_some();
                        let title = o.order.as_ref().map(|x| format!("{} · {}", x.place, x.content)).unwrap_or_default();
                        let result = o.result.clone().unwrap_or_default();
                        let o2 = o.clone();
                        view! {
                            <li class="frow">
                                <div class="row-main"><strong>{title}</strong><span class="muted">{o.serial.clone()}" · "{result}</span></div>
                                <button class="btn" class:primary=!done disabled=done data-testid="wo-check-tap"
                                    on:click=move |_| { let o = o2.clone(); submit(move |a| orders::daily_check(a, id, &o, "", now_ms()), Text::new("已检查", "Checked"), || {}); }>
                                    {if done { "✓" } else { "" }}{move || t("wo.check")}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// REP-2, PAID-1, PAID-9: the approved schedule; the Director approves items.
#[component]
fn FeeSchedule() -> impl IntoView {
    let data = loader(|| async { (schedule().await, all_staff().await) });
    let kind = RwSignal::new(ServiceKind::Cleaning);
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let unit = RwSignal::new("次".to_string());
    let price = RwSignal::new(String::new());
    let save = move |_| {
        let Some(fen) = crate::domain::cash::parse_yuan(&price.get_untracked()) else {
            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("wo.fees.price"));
            return;
        };
        let input = FeeItemInput {
            kind: kind.get_untracked(),
            code: code.get_untracked(),
            name: name.get_untracked(),
            unit: unit.get_untracked(),
            price_fen: fen,
            active: true,
        };
        let id = app().new_id();
        submit(
            move |a| fees::set_item(a, id, &input, now_ms()),
            Text::new("收费项目已批准", "Item approved"),
            move || {
                code.set(String::new());
                name.set(String::new());
                price.set(String::new());
            },
        );
    };
    view! {
        {move || data.get().map(|(sched, staff)| {
            let kinds = fees::paid_kinds(&sched);
            let n = kinds.len();
            let mut items: Vec<(RecordId, FeeItem)> = sched.into_iter().collect();
            items.sort_by(|a, b| a.1.code.cmp(&b.1.code));
            view! {
                <section class="card">
                    <h2>{move || t("wo.fees.kinds")}" "<span data-testid="wo-kinds" class={if n >= fees::PAID_KINDS_TARGET { "badge ok" } else { "badge warn" }}>{n}" / "{fees::PAID_KINDS_TARGET}</span></h2>
                    <p class="muted">{move || t("wo.fees.target")}" · "{kinds.iter().map(|k| k.label().zh).collect::<Vec<_>>().join("、")}</p>
                    <table class="wo-table" data-testid="wo-fees">
                        <tr><th>{move || t("wo.fees.code")}</th><th>{move || t("wo.fees.name")}</th><th>{move || t("wo.kind")}</th><th>{move || t("wo.fees.price")}</th><th>{move || t("wo.fees.approved")}</th></tr>
                        {items.into_iter().map(|(_, i)| {
                            let k = i.kind.label();
                            view! {
                            <tr class:dim=!i.active>
                                <td>{i.code.clone()}</td><td>{i.name.clone()}</td><td>{move || tx(&k)}</td>
                                <td>{yuan(i.price_fen)}" / "{i.unit.clone()}</td>
                                <td class="muted">{name_in(&staff, i.approved_by)}" "{crate::ui::platform::format_time(i.approved_at, crate::ui::state::utc_offset_untracked()).get(..10).unwrap_or_default().to_string()}</td>
                            </tr>
                        }}).collect_view()}
                    </table>
                </section>
            }
        })}
        <Show when=move || may(Action::ApproveFees)>
            <section class="card" data-testid="wo-fee-form">
                <h2>{move || t("wo.fees.add")}</h2>
                <div class="seg wrap">
                    {ServiceKind::ALL.iter().copied().map(|k| view! {
                        <button class=move || if kind.get() == k { "seg-btn active" } else { "seg-btn" } on:click=move |_| kind.set(k)>{move || tx(&k.label())}</button>
                    }).collect_view()}
                </div>
                <div class="grid3">
                    <label class="field"><span class="field-label">{move || t("wo.fees.code")}</span><input data-testid="wo-fee-code" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/></label>
                    <label class="field"><span class="field-label">{move || t("wo.fees.name")}</span><input data-testid="wo-fee-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                    <label class="field"><span class="field-label">{move || t("wo.fees.unit")}</span><input prop:value=move || unit.get() on:input=move |ev| unit.set(event_target_value(&ev))/></label>
                    <label class="field"><span class="field-label">{move || t("wo.fees.price")}</span><input inputmode="decimal" data-testid="wo-fee-price" prop:value=move || price.get() on:input=move |ev| price.set(event_target_value(&ev))/></label>
                </div>
                <button class="btn primary" data-testid="wo-fee-save" on:click=save>{move || t("wo.fees.add")}</button>
            </section>
        </Show>
    }
}

/// REP-7: repair fees per household for finance (print, CSV); PAID-6/7: the paid-service
/// month with the split per worker.
#[component]
fn MonthLists() -> impl IntoView {
    let month = RwSignal::new(crate::domain::calendar::month_key(now_ms()));
    let data = loader(move || {
        let m = month.get();
        async move {
            let list: Vec<WorkOrder> = app()
                .query(&Query::new(
                    RecordKind::WorkOrder,
                    Filter::Prefix(orders::finished_month_key(&m)),
                ))
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.state::<WorkOrder>())
                .collect();
            (m, list, all_staff().await)
        }
    });
    let months = {
        let now = calendar().local_date(now_ms());
        (0..4)
            .filter_map(|k| now.checked_sub_months(chrono::Months::new(k)))
            .map(|d| d.format("%Y-%m").to_string())
            .collect::<Vec<_>>()
    };
    view! {
        <div class="seg screen-only">
            {months.into_iter().map(|m| { let m2 = m.clone(); view! {
                <button class=move || if month.get() == m2 { "seg-btn active" } else { "seg-btn" } on:click={let m = m.clone(); move |_| month.set(m.clone())}>{m.clone()}</button>
            }}).collect_view()}
            <span class="spacer"></span>
            <button class="btn" data-testid="wo-month-print" on:click=|_| crate::ui::components::print_page()>{move || t("wo.month.print")}</button>
        </div>
        {move || data.get().map(|(m, list, staff)| {
            let fees = repair_fees(&m, &list);
            let settings = ctx().estate.get_untracked().map(|e| e.settings.orders).unwrap_or_default();
            let paid = paid_summary(&m, &list, &settings);
            let total: i64 = fees.iter().map(|h| h.total_fen).sum();
            let (headers, rows) = repair_fees_csv(&fees);
            let m2 = m.clone();
            let csv = move |_| {
                let bytes = crate::sync::csv::to_csv(&headers, &rows);
                download(&format!("维修费清单-{m2}.csv"), "text/csv;charset=utf-8", &bytes);
            };
            view! {
                <section class="card print-block" data-testid="wo-month-repairs">
                    <h2>{m.clone()}" · "{move || t("wo.month.repairs")}" · "{yuan(total)}</h2>
                    <button class="btn screen-only" data-testid="wo-month-csv" on:click=csv>{move || t("wo.month.csv")}</button>
                    <table class="wo-table">
                        <tr><th>{move || t("wo.place")}</th><th>{move || t("wo.contact")}</th><th>"维修单"</th><th>{move || t("wo.total")}</th></tr>
                        {fees.into_iter().map(|h| view! {
                            <tr><td>{h.place.clone()}</td><td>{h.contact.clone()}</td>
                                <td>{h.orders.iter().map(|o| format!("{} {} {}", o.0, o.2, yuan(o.3))).collect::<Vec<_>>().join("；")}</td>
                                <td>{yuan(h.total_fen)}</td></tr>
                        }).collect_view()}
                    </table>
                </section>
                <section class="card print-block" data-testid="wo-month-paid">
                    <h2>{m.clone()}" · "{move || t("wo.month.paid")}</h2>
                    <div class="kpis">
                        <span>{move || t("wo.month.done")}" "<strong>{paid.done}</strong></span>
                        <span>{move || t("wo.month.fees")}" "<strong>{yuan(paid.fees_fen)}</strong></span>
                        <span>{move || t("wo.month.cash")}" "<strong>{yuan(paid.collected_fen)}</strong></span>
                        <span>{move || t("wo.month.uncollected")}" "<strong>{paid.uncollected}</strong></span>
                        <span>{move || t("wo.month.reworked")}" "<strong>{paid.reworked}</strong></span>
                    </div>
                    <div class="kpis" data-testid="wo-split">
                        <span>{move || t("wo.month.company")}" "<strong>{yuan(paid.split.company)}</strong></span>
                        <span>{move || t("wo.month.workers")}" "<strong>{yuan(paid.split.workers)}</strong></span>
                        <span>{move || t("wo.month.reserve")}" "<strong>{yuan(paid.split.reserve)}</strong></span>
                    </div>
                    <h3>{move || t("wo.month.by_dept")}</h3>
                    <table class="wo-table">
                        {paid.by_department.iter().map(|(d, (n, f))| { let l = d.label(); let (n, f) = (*n, *f); view! { <tr><td>{move || tx(&l)}</td><td>{n}</td><td>{yuan(f)}</td></tr> }}).collect_view()}
                    </table>
                    <h3>{move || t("wo.month.by_worker")}</h3>
                    <table class="wo-table">
                        {paid.by_worker.iter().map(|(w, (n, share))| view! { <tr><td>{name_in(&staff, *w)}</td><td>{*n}</td><td>{yuan(*share)}</td></tr> }).collect_view()}
                    </table>
                </section>
                <reconcile::Reconciliation month=m.clone()/>
            }
        })}
    }
}
