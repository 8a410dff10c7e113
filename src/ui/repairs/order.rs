//! One order: what the desk took, its clock, and the step the signed-in person may take now —
//! receive and dispatch, assess, the customer's answer, on site (show the schedule, correct
//! items, the customer signs or declines with the supervisor's PIN, material check), done with
//! the customer's signature, the paperwork, the next-day check, the fee at the desk — and the
//! 维修单 / 有偿服务通知单 printed on A4 in three copies (REP-6, PAID-3).

use super::{lead_of, may, schedule, workers_of, ItemPicker};
use crate::domain::cash::{self, CashDay};
use crate::domain::duty::Post;
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::photo::Photo;
use crate::domain::roles::{Action, Department};
use crate::domain::workorder::fees::{self, yuan, FeeLine, Pick, Schedule};
use crate::domain::workorder::orders::{self, MaterialVerdict, OrderKind, PaperStep};
use crate::domain::workorder::{WorkOrder, WorkOrderStatus};
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in, Person};
use crate::ui::components::{History, PhotoField, SignaturePad, SignatureView, SlaBadge};
use crate::ui::duty::calendar;
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::{format_time, now_ms, uptime};
use crate::ui::state::{
    app, ctx, go, loader, submit, toast_err, tx, tx_untracked, utc_offset, Page, RepTab,
};
use leptos::prelude::*;

fn when(ms: i64) -> String {
    format_time(ms, utc_offset())
}

/// A step run against the order as loaded.
type Step = Box<
    dyn FnOnce(
        &crate::domain::command::Actor,
        &WorkOrder,
    )
        -> Result<Vec<crate::domain::event::Draft>, crate::domain::command::DomainError>,
>;

type Data = (Option<WorkOrder>, Schedule, Vec<Person>);

fn settings() -> crate::domain::workorder::orders::OrderSettings {
    ctx()
        .estate
        .get_untracked()
        .map(|e| e.settings.orders)
        .unwrap_or_default()
}

#[component]
pub fn OrderPage(id: RecordId) -> impl IntoView {
    let data = loader(move || async move {
        let o = app().get::<WorkOrder>(id).await.ok().flatten();
        (o, schedule().await, all_staff().await)
    });
    view! {
        <div class="page wo wo-order" data-testid="wo-order">
            <div class="screen-only">
                <button class="btn ghost" data-testid="wo-back" on:click=|_| go(Page::Repairs(RepTab::Orders))>"← "{move || t("wo.tab.orders")}</button>
            </div>
            {move || data.get().map(|(o, sched, staff): Data| match o {
                Some(o) if o.info.is_some() => {
                    // A public-facility order: patrol's page handles it (REP-8).
                    go(Page::Patrol(crate::ui::state::PatrolTab::Findings));
                    ().into_any()
                }
                Some(o) => view! { <Order id=id o=o sched=sched staff=staff/> }.into_any(),
                None => view! { <p class="muted">{move || t("wo.none")}</p> }.into_any(),
            })}
        </div>
    }
}

fn lines_table(lines: Vec<FeeLine>) -> impl IntoView {
    let total = fees::total_fen(&lines);
    view! {
        <table class="wo-table" data-testid="wo-lines">
            {lines.into_iter().map(|l| view! {
                <tr><td>{l.code.clone()}</td><td>{l.name.clone()}</td><td>{yuan(l.price_fen)}" × "{l.qty}</td><td>{yuan(l.total_fen())}</td></tr>
            }).collect_view()}
            <tr><th colspan="3">{move || t("wo.total")}</th><th data-testid="wo-total">{yuan(total)}</th></tr>
        </table>
    }
}

#[component]
fn Order(id: RecordId, o: WorkOrder, sched: Schedule, staff: Vec<Person>) -> impl IntoView {
    let order = o.order.clone().expect("household order");
    let now = now_ms();
    let clock = o.household_clock().cloned();
    let st = o.status;
    let dept = order.department;
    let workers = workers_of(&staff, dept);
    let worker = RwSignal::new(workers.first().map(|w| w.0));
    let kind = order.kind.label();
    let status = st.label();
    // Forms of the steps.
    let feasible = RwSignal::new(true);
    let fee = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let picks = RwSignal::new(
        o.lines
            .iter()
            .filter_map(|l| {
                l.item.map(|i| Pick {
                    item: i,
                    qty: l.qty,
                })
            })
            .collect::<Vec<_>>(),
    );
    let sig = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let sup = RwSignal::new(lead_of(&staff, Department::Engineering));
    let pin = RwSignal::new(String::new());
    let material = RwSignal::new(String::new());
    let verdict = RwSignal::new(MaterialVerdict::Ok);
    let photos = RwSignal::new(Vec::<Photo>::new());
    let decision = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    let done_sig = RwSignal::new(String::new());
    let fault = RwSignal::new(String::new());

    let ow = StoredValue::new(o.clone());
    let sc = StoredValue::new(sched.clone());
    let cmd = move |f: Step, ok: Text| {
        let o = ow.get_value();
        submit(move |a| f(a, &o), ok, || {});
    };
    let receive = move |assess: bool| {
        let w = if assess { None } else { worker.get_untracked() };
        let cal = calendar();
        cmd(
            Box::new(move |a, o| orders::receive(a, id, o, w, now_ms(), &settings(), &cal)),
            Text::new("已接单", "Received"),
        );
    };
    let assess = move |_| {
        let f = feasible.get_untracked();
        let fen = cash::parse_yuan(&fee.get_untracked()).unwrap_or(if f { -1 } else { 0 });
        let n = note.get_untracked();
        cmd(
            Box::new(move |a, o| orders::assess(a, id, o, f, fen, &n, now_ms())),
            Text::new("已评审", "Assessed"),
        );
    };
    let answer = move |yes: bool| {
        cmd(
            Box::new(move |a, o| orders::fee_answer(a, id, o, yes, now_ms())),
            Text::new("已记录", "Recorded"),
        )
    };
    let dispatch = move |_| {
        let Some(w) = worker.get_untracked() else {
            return;
        };
        cmd(
            Box::new(move |a, o| orders::dispatch(a, id, o, w, now_ms(), &settings())),
            Text::new("已派工", "Dispatched"),
        );
    };
    let arrive = move |_| {
        cmd(
            Box::new(move |a, o| orders::arrive(a, id, o, now_ms())),
            Text::new("已到场", "On site"),
        )
    };
    let correct = move |_| {
        let p = picks.get_untracked();
        let s = sc.get_value();
        let n = note.get_untracked();
        cmd(
            Box::new(move |a, o| orders::correct_items(a, id, o, &p, &s, &n, now_ms())),
            Text::new("项目已更正", "Items corrected"),
        );
    };
    let agree = move |_| {
        let s = sig.get_untracked();
        cmd(
            Box::new(move |a, o| orders::customer_agrees(a, id, o, &s, now_ms())),
            Text::new("客户已签名同意", "The customer agreed"),
        );
    };
    let decline = move |_| {
        let (Some(sid), p, r) = (
            sup.get_untracked(),
            pin.get_untracked(),
            reason.get_untracked(),
        ) else {
            toast_err(t_untracked("wo.supervisor"));
            return;
        };
        let o = ow.get_value();
        leptos::task::spawn_local(async move {
            // The supervisor confirms with their own PIN (the sign-in check and its lockout).
            match app().sign_in(sid, &p, uptime()).await {
                Ok(supervisor) => submit(
                    move |a| orders::decline(a, &supervisor, id, &o, &r, now_ms()),
                    Text::new("已退回客服", "Returned to the desk"),
                    || {},
                ),
                Err(e) => toast_err(tx_untracked(&e.message())),
            }
        });
    };
    let check_material = move |_| {
        let (m, v, ph, d) = (
            material.get_untracked(),
            verdict.get_untracked(),
            photos.get_untracked(),
            decision.get_untracked(),
        );
        cmd(
            Box::new(move |a, o| orders::check_material(a, id, o, &m, v, ph.last(), &d, now_ms())),
            Text::new("已记录验证结果", "Check recorded"),
        );
    };
    let finish = move |_| {
        let (r, s) = (result.get_untracked(), done_sig.get_untracked());
        let cb = app().new_id();
        let cal = calendar();
        cmd(
            Box::new(move |a, o| orders::finish(a, id, o, &r, &s, cb, now_ms(), &cal)),
            Text::new(
                "已完工，一个月内回访已安排",
                "Done; the callback is scheduled",
            ),
        );
    };
    let paper = move |step: PaperStep| {
        cmd(
            Box::new(move |a, o| orders::paper(a, id, o, step, now_ms())),
            Text::new("已记录", "Recorded"),
        )
    };
    let check = move |_| {
        cmd(
            Box::new(move |a, o| orders::daily_check(a, id, o, "", now_ms())),
            Text::new("已检查", "Checked"),
        )
    };
    let rework = move |_| {
        let f = fault.get_untracked();
        cmd(
            Box::new(move |a, o| orders::rework(a, id, o, &f, now_ms(), &settings())),
            Text::new("已安排免费返修", "Free rework arranged"),
        );
    };
    let collect = move |_| {
        let o = ow.get_value();
        leptos::task::spawn_local(async move {
            let cal = calendar();
            let now = now_ms();
            let post = Post::ServiceCentre;
            let date = cal.local_date(now);
            let a = app();
            let today = a
                .get::<CashDay>(cash::day_id(post, date))
                .await
                .ok()
                .flatten();
            let open = a
                .query(&Query::new(
                    RecordKind::CashDay,
                    Filter::Prefix(cash::open_key(post)),
                ))
                .await
                .unwrap_or_default();
            let pending = cash::pending_before(&open, post, date);
            let tablet: String = a
                .device()
                .to_string()
                .chars()
                .filter(|c| c.is_ascii_hexdigit())
                .take(4)
                .collect();
            submit(
                move |actor| {
                    orders::collect(
                        actor,
                        id,
                        &o,
                        today.as_ref(),
                        pending.as_ref(),
                        post,
                        &tablet,
                        now,
                        &cal,
                    )
                },
                Text::new("已收费并开具收据", "Collected; receipt issued"),
                || {},
            );
        });
    };

    let on_site = st == WorkOrderStatus::OnSite;
    let agreed = o.agreed.is_some() || o.finished.is_some();
    let next_paper = PaperStep::ALL
        .iter()
        .copied()
        .find(|s| !o.paper.iter().any(|p| p.0 == *s));
    let paper_who = |s: PaperStep| match s {
        PaperStep::ToSupervisor => Action::DispatchOrder,
        _ => Action::TakeOrder,
    };
    let workers_sv = StoredValue::new(workers.clone());
    let workers_view = move || {
        view! {
            <select data-testid="wo-worker" on:change=move |ev| worker.set(event_target_value(&ev).parse().ok())>
                {workers_sv.get_value().into_iter().map(|(i, n)| view! { <option value=i.to_string()>{n}</option> }).collect_view()}
            </select>
        }
    };
    let leads: Vec<(StaffId, String)> = staff
        .iter()
        .filter(|s| s.active && s.has(crate::domain::roles::Role::DepartmentLead))
        .map(|s| (s.id, s.name.clone()))
        .collect();
    let staff2 = staff.clone();
    let print_o = o.clone();
    view! {
        <section class="card screen-only">
            <header class="wo-head">
                <h1 class="page-title">{order.emergency.then_some("【紧急】")}{move || tx(&kind)}" · "{order.place.clone()}</h1>
                <span class="badge" data-testid="wo-status" data-status=st.as_str()>{move || tx(&status)}</span>
                {clock.clone().map(|c| view! { <span class="wo-clock" data-testid="wo-clock"><SlaBadge state=c.state(now)/>" "{move || tx(&c.name)}" "{when(c.deadline)}</span> })}
            </header>
            <p class="muted" data-testid="wo-serial">{o.serial.clone()}" · "{move || tx(&order.source.label())}" · "{when(o.opened_at)}</p>
            <p><strong>{order.contact_name.clone()}</strong>" "{order.contact_phone.clone()}</p>
            <p data-testid="wo-content">{order.content.clone()}</p>
            <p class="muted">{move || t("wo.when")}"："{order.appointment.map(when).unwrap_or_else(|| t_untracked("wo.asap").to_string())}
                {o.worker.map(|w| format!(" · {}：{}", t_untracked("wo.worker"), name_in(&staff2, w)))}</p>
            {(!o.lines.is_empty()).then(|| lines_table(o.lines.clone()))}
            {o.declined.clone().map(|d| view! { <p class="badge warn" data-testid="wo-declined">{move || t("wo.declined")}"："{d.reason.clone()}</p> })}
            {o.collected.clone().map(|c| view! { <p class="badge ok" data-testid="wo-collected">{move || t("wo.collected")}" "{yuan(c.amount_fen)}" · "{move || t("wo.receipt")}" "{c.receipt.clone()}</p> })}
        </section>

        // ----- the department: receive, assess, dispatch -----
        <Show when=move || st == WorkOrderStatus::Opened && may(Action::DispatchOrder)>
            <section class="card screen-only" data-testid="wo-receive">
                <h2>{move || t("wo.receive")}</h2>
                <label class="field"><span class="field-label">{move || t("wo.worker")}</span>{workers_view()}</label>
                <button class="btn primary big" data-testid="wo-receive-go" on:click=move |_| receive(false)>{move || t("wo.receive")}</button>
                <button class="btn" data-testid="wo-receive-assess" on:click=move |_| receive(true)>{move || t("wo.receive_assess")}</button>
            </section>
        </Show>
        <Show when=move || st == WorkOrderStatus::Assessing && may(Action::DispatchOrder)>
            <section class="card screen-only" data-testid="wo-assess">
                <h2>{move || t("wo.assess")}</h2>
                <label class="check big"><input type="checkbox" prop:checked=move || feasible.get() on:change=move |ev| feasible.set(event_target_checked(&ev))/><span>{move || t("wo.feasible")}</span></label>
                <label class="field"><span class="field-label">{move || t("wo.fee")}</span><input inputmode="decimal" data-testid="wo-assess-fee" prop:value=move || fee.get() on:input=move |ev| fee.set(event_target_value(&ev))/></label>
                <label class="field"><span class="field-label">{move || t("wo.note")}</span><input data-testid="wo-assess-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/></label>
                <button class="btn primary" data-testid="wo-assess-save" on:click=assess>{move || t("wo.assess")}</button>
            </section>
        </Show>
        <Show when=move || st == WorkOrderStatus::AwaitingCustomer && may(Action::TakeOrder)>
            <section class="card screen-only">
                <button class="btn primary" data-testid="wo-fee-yes" on:click=move |_| answer(true)>{move || t("wo.customer_yes")}</button>
                <button class="btn" data-testid="wo-fee-no" on:click=move |_| answer(false)>{move || t("wo.customer_no")}</button>
            </section>
        </Show>
        <Show when=move || st == WorkOrderStatus::Agreed && may(Action::DispatchOrder)>
            <section class="card screen-only">
                <label class="field"><span class="field-label">{move || t("wo.worker")}</span>{workers_view()}</label>
                <button class="btn primary" data-testid="wo-dispatch" on:click=dispatch>{move || t("wo.dispatch")}</button>
            </section>
        </Show>

        // ----- the technician -----
        <Show when=move || st == WorkOrderStatus::Notified && may(Action::HandleWorkOrder)>
            <section class="card screen-only">
                <button class="btn primary big" data-testid="wo-arrive" on:click=arrive>{move || t("wo.arrive")}</button>
            </section>
        </Show>
        <Show when=move || on_site && !agreed && may(Action::HandleWorkOrder)>
            <section class="card screen-only" data-testid="wo-onsite">
                <h2>{move || t("wo.schedule")}</h2>
                <ItemPicker schedule=sc.get_value() picks=picks paid=Signal::derive(move || order.kind == OrderKind::Paid)/>
                <label class="field"><span class="field-label">{move || t("wo.note")}</span><input data-testid="wo-correct-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/></label>
                <button class="btn" data-testid="wo-correct" on:click=correct>{move || t("wo.correct")}</button>
                <h2>{move || t("wo.sign_agree")}</h2>
                <SignaturePad path=sig testid="wo-sign-agree"/>
                <button class="btn primary big" data-testid="wo-agree" on:click=agree>{move || t("wo.agree")}</button>
            </section>
            <section class="card screen-only" data-testid="wo-decline">
                <h2>{move || t("wo.decline")}</h2>
                <label class="field"><span class="field-label">{move || t("wo.reason")}</span><input data-testid="wo-decline-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/></label>
                <div class="grid3">
                    <label class="field"><span class="field-label">{move || t("wo.supervisor")}</span>
                        <select data-testid="wo-decline-sup" on:change=move |ev| sup.set(event_target_value(&ev).parse().ok())>
                            {leads.iter().map(|(i, n)| { let sel = Some(*i) == sup.get_untracked(); view! { <option value=i.to_string() selected=sel>{n.clone()}</option> }}).collect_view()}
                        </select></label>
                    <label class="field"><span class="field-label">{move || t("wo.pin")}</span>
                        <input type="password" inputmode="numeric" autocomplete="off" data-testid="wo-decline-pin" prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev))/></label>
                </div>
                <button class="btn" data-testid="wo-decline-save" on:click=decline>{move || t("wo.decline_save")}</button>
            </section>
        </Show>
        <Show when=move || on_site && may(Action::HandleWorkOrder)>
            <section class="card screen-only" data-testid="wo-material">
                <h2>{move || t("wo.material")}</h2>
                <label class="field"><span class="field-label">{move || t("wo.material_name")}</span><input data-testid="wo-material-name" prop:value=move || material.get() on:input=move |ev| material.set(event_target_value(&ev))/></label>
                <div class="seg">
                    {MaterialVerdict::ALL.iter().copied().map(|v| view! {
                        <button class=move || if verdict.get() == v { "seg-btn active" } else { "seg-btn" } data-testid=format!("wo-verdict-{}", v.key()) on:click=move |_| verdict.set(v)>{move || tx(&v.label())}</button>
                    }).collect_view()}
                </div>
                <PhotoField photos=photos testid="wo-material"/>
                <label class="field"><span class="field-label">{move || t("wo.decision")}</span><input data-testid="wo-material-decision" prop:value=move || decision.get() on:input=move |ev| decision.set(event_target_value(&ev))/></label>
                <button class="btn" data-testid="wo-material-save" on:click=check_material>{move || t("wo.material_save")}</button>
            </section>
        </Show>
        <Show when=move || on_site && agreed && may(Action::HandleWorkOrder)>
            <section class="card screen-only" data-testid="wo-finish">
                <h2>{move || t("wo.finish")}</h2>
                <label class="field"><span class="field-label">{move || t("wo.result")}</span><input data-testid="wo-result" prop:value=move || result.get() on:input=move |ev| result.set(event_target_value(&ev))/></label>
                <h3>{move || t("wo.sign_done")}</h3>
                <SignaturePad path=done_sig testid="wo-sign-done"/>
                <button class="btn primary big" data-testid="wo-finish-save" on:click=finish>{move || t("wo.finish")}</button>
            </section>
        </Show>

        // ----- after: paperwork, check, fee, rework, print -----
        <Show when=move || st == WorkOrderStatus::Done>
            <section class="card screen-only" data-testid="wo-after">
                {(order.kind == OrderKind::Repair).then(|| next_paper.map(|s| view! {
                    <Show when=move || may(paper_who(s))>
                        <button class="btn" data-testid=format!("wo-paper-{}", s.key()) on:click=move |_| paper(s)>{move || tx(&s.label())}</button>
                    </Show>
                }))}
                {o.checked.is_none().then(|| view! {
                    <Show when=move || may(Action::RecordCallback)>
                        <button class="btn" data-testid="wo-check-one" on:click=check>{move || t("wo.check")}</button>
                    </Show>
                })}
                {(order.kind == OrderKind::Paid && o.collected.is_none()).then(|| view! {
                    <Show when=move || may(Action::TakeOrder)>
                        <button class="btn primary big" data-testid="wo-collect" on:click=collect>{move || t("wo.collect")}" "{yuan(ow.get_value().fee_fen())}</button>
                    </Show>
                })}
                <Show when=move || may(Action::TakeOrder)>
                    <div class="add-row">
                        <input placeholder=move || t("wo.fault") data-testid="wo-fault" prop:value=move || fault.get() on:input=move |ev| fault.set(event_target_value(&ev))/>
                        <button class="btn" data-testid="wo-rework" on:click=rework>{move || t("wo.rework")}</button>
                    </div>
                </Show>
            </section>
        </Show>
        <section class="card screen-only">
            <button class="btn" data-testid="wo-print" on:click=|_| crate::ui::components::print_page()>{move || t("wo.print")}</button>
        </section>
        <PrintCopies o=print_o staff=staff.clone()/>
        <div class="screen-only"><History subject=RecordRef::new(RecordKind::WorkOrder, id)/></div>
    }
}

/// 维修单 (seed 002 §8: 住户名称、地址、联系电话、报修内容、预约维修时间、维修项目及收费标准、
/// 材料验证、客户签名) or 有偿服务通知单 (PAID-3), three copies with the one serial: customer,
/// engineering, finance (repairs, REP-6/7) — finance, department, archive (paid, PAID-3).
#[component]
fn PrintCopies(o: WorkOrder, staff: Vec<Person>) -> impl IntoView {
    let order = o.order.clone().expect("household order");
    let estate = ctx()
        .estate
        .get_untracked()
        .map(|e| e.name)
        .unwrap_or_default();
    let (title, copies) = match order.kind {
        OrderKind::Repair => (
            "维修单",
            ["第一联 客户（缴费依据）", "第二联 工程部", "第三联 财务部"],
        ),
        OrderKind::Paid => (
            "有偿服务通知单",
            ["第一联 财务部", "第二联 相关部门", "第三联 存档备查"],
        ),
    };
    let lines = o
        .finished
        .as_ref()
        .map(|f| f.lines.clone())
        .unwrap_or_else(|| o.lines.clone());
    let total = fees::total_fen(&lines);
    let sig = o
        .finished
        .as_ref()
        .map(|f| f.signature.clone())
        .or_else(|| o.agreed.as_ref().map(|a| a.1.clone()));
    let materials = o
        .materials
        .iter()
        .map(|m| {
            format!(
                "{}：{}{}",
                m.material,
                m.verdict.label().zh,
                if m.customer_decision.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", m.customer_decision)
                }
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    view! {
        <div class="print-only" data-testid="wo-print-form">
            {copies.into_iter().map(|copy| {
                let lines = lines.clone();
                let sig = sig.clone();
                view! {
                <section class="print-form wo-copy">
                    <h1>{estate.clone()}" · "{title}</h1>
                    <p class="wo-copy-head"><span>"编号 "{o.serial.clone()}</span><span>{copy}</span></p>
                    <table>
                        <tr><th>"住户名称"</th><td>{order.contact_name.clone()}</td><th>"联系电话"</th><td>{order.contact_phone.clone()}</td></tr>
                        <tr><th>"地址"</th><td>{order.place.clone()}</td><th>"受理时间"</th><td>{when(o.opened_at)}</td></tr>
                        <tr><th>"报修内容"</th><td colspan="3">{order.content.clone()}</td></tr>
                        <tr><th>"预约时间"</th><td>{order.appointment.map(when).unwrap_or_else(|| "尽快".into())}</td><th>"维修人员"</th><td>{o.worker.map(|w| name_in(&staff, w)).unwrap_or_default()}</td></tr>
                        <tr><th>"维修项目及收费"</th><td colspan="3">
                            {lines.iter().map(|l| format!("{} {} {}×{} = {}", l.code, l.name, yuan(l.price_fen), l.qty, yuan(l.total_fen()))).collect::<Vec<_>>().join("；")}
                            " 合计 "{yuan(total)}</td></tr>
                        <tr><th>"备注（材料验证）"</th><td colspan="3">{materials.clone()}</td></tr>
                        <tr><th>"维修结果"</th><td colspan="3">{o.result.clone().unwrap_or_default()}</td></tr>
                        <tr><th>"完成时间"</th><td>{o.done_at.map(when).unwrap_or_default()}</td><th>"收费方式"</th><td>{if order.kind == OrderKind::Repair { "随管理费收取".to_string() } else { o.collected.as_ref().map(|c| format!("收据 {}", c.receipt)).unwrap_or_default() }}</td></tr>
                        <tr class="sign-row"><th>"客户签名"</th><td colspan="3">{sig.map(|p| view! { <SignatureView path=p/> })}</td></tr>
                        <tr class="sign-row"><th>"受理人"</th><td>{o.taken_by.map(|w| name_in(&staff, w)).unwrap_or_default()}</td><th>"主管确认"</th><td></td></tr>
                    </table>
                </section>
            }}).collect_view()}
        </div>
    }
}
