//! 工单检查 — a PAT-2 inspection round (the Director's of paid in-home services, the internal
//! supervisor's of in-home cleaning): the period's finished paid orders, read as slim rows by
//! one range of the work orders' index, each checked satisfactory or with a problem (a note,
//! optionally a callback through the one callback mechanism). Rules: `domain::patrol::inspect`.

use crate::domain::callbacks::{CallbackKind, CallbackRequest};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::patrol::inspect::{inspect_order, order_range, period, InspectInput};
use crate::domain::patrol::{finish_round, PatrolRound};
use crate::domain::roles::Role;
use crate::domain::workorder::WorkOrder;
use crate::store::{Filter, Query, Store};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, go, loader, submit, tx, Page, PatrolTab};
use leptos::prelude::*;

/// The inspection round `id` with its period's orders.
#[component]
pub fn InspectScreen(id: RecordId) -> impl IntoView {
    let data = loader(move || async move {
        let r = app().get::<PatrolRound>(id).await.ok().flatten();
        let mut rows = Vec::new();
        let mut span = None;
        if let Some(p) = r.as_ref().and_then(|r| r.plan.clone()) {
            let day = super::calendar().local_date(p.start);
            span = period(p.tier, day);
            if let Some((from, to)) = order_range(p.tier, day) {
                rows = app()
                    .store
                    .rows(&Query::new(RecordKind::WorkOrder, Filter::Range(from, to)))
                    .await
                    .unwrap_or_default();
            }
        }
        (r, rows, span)
    });
    let problem_for = RwSignal::new(None::<RecordId>);
    let note = RwSignal::new(String::new());
    let callback = RwSignal::new(true);
    let finish_note = RwSignal::new(String::new());

    let record = move |order: RecordId, title: String, ok: bool| {
        let Some((Some(r), _, _)) = data.get_untracked() else {
            return;
        };
        let note_text = note.get_untracked();
        let want_cb = !ok && callback.get_untracked();
        leptos::task::spawn_local(async move {
            let mut cb = None;
            if want_cb {
                if let Ok(Some(o)) = app().get::<WorkOrder>(order).await {
                    if let Some(intake) = o.order {
                        cb = Some((
                            app().new_id(),
                            CallbackRequest {
                                kind: CallbackKind::Repair,
                                source: Some(RecordRef::new(RecordKind::WorkOrder, order)),
                                household: intake.household,
                                unit: intake.unit,
                                place: intake.place,
                                contact: format!(
                                    "{} {}",
                                    intake.contact_name, intake.contact_phone
                                ),
                                topic: format!("检查发现问题：{}", note_text.trim()),
                                role: Role::Supervisor,
                                assignee: None,
                                previous: None,
                            },
                        ));
                    }
                }
            }
            let input = InspectInput {
                order,
                title,
                ok,
                note: note_text,
                callback: cb,
            };
            let cal = super::calendar();
            submit(
                move |a| inspect_order(a, id, &r, &input, now_ms(), &cal),
                Text::new("检查结果已记录", "Result recorded"),
                move || {
                    problem_for.set(None);
                    note.set(String::new());
                },
            );
        });
    };

    view! {
        {move || data.get().map(|(r, rows, span)| {
            let Some(r) = r else { return ().into_any() };
            let p = r.plan.clone().unwrap_or_else(super::today::unreachable_plan);
            let outcome = r.outcome(now_ms());
            let finished = r.finished.is_some();
            let checks = r.inspections.clone();
            let r2 = r.clone();
            view! {
                <div class="page patrol inspect" data-testid="inspect-screen">
                    <div class="page-head">
                        <button class="btn" on:click=move |_| go(Page::Patrol(PatrolTab::Today))>{move || t("common.back")}</button>
                        <h1 class="page-title">{p.route_name.clone()}</h1>
                        <span class=format!("pat-outcome o-{}", outcome.as_str())>{move || tx(&outcome.label())}</span>
                    </div>
                    <p class="muted">{move || tx(&p.tier.label())}" · "{move || t("pat.insp.period")}" "
                        {span.map(|(a, b)| format!("{a} – {b}")).unwrap_or_default()}</p>
                    <section class="card list" data-testid="insp-orders">
                        {if rows.is_empty() {
                            view! { <p class="empty" data-testid="insp-none">{move || t("pat.insp.none")}</p> }.into_any()
                        } else {
                            rows.into_iter().map(|row| {
                                let order = row.id;
                                let done = checks.iter().find(|c| c.order == order).cloned();
                                let title = row.title.clone();
                                let (t1, t2) = (title.clone(), title.clone());
                                view! {
                                    <div class="row insp-row" data-testid="insp-order">
                                        <span class="row-main">
                                            <strong>{row.title.clone()}</strong>
                                            <span class="muted">{row.subtitle.clone()}</span>
                                            {done.clone().map(|c| view! {
                                                <span class=if c.ok { "badge ok" } else { "badge warn" } data-testid="insp-result">
                                                    {move || if c.ok { t("pat.insp.ok") } else { t("pat.insp.problem") }}
                                                    {(!c.note.is_empty()).then(|| format!("：{}", c.note))}
                                                    {c.follow_up.is_some().then(|| view! { " · "{move || t("pat.insp.callback_set")} })}
                                                </span>
                                            })}
                                        </span>
                                        {(done.is_none() && !finished).then(|| view! {
                                            <span class="insp-actions">
                                                <button class="btn" data-testid="insp-ok" on:click=move |_| record(order, t1.clone(), true)>{move || t("pat.insp.ok")}</button>
                                                <button class="btn warn" data-testid="insp-problem" on:click=move |_| { note.set(String::new()); problem_for.set(Some(order)) }>{move || t("pat.insp.problem")}</button>
                                            </span>
                                        })}
                                    </div>
                                    <Show when=move || problem_for.get() == Some(order)>
                                        {
                                            let t2 = t2.clone();
                                            view! {
                                                <div class="insp-problem card" data-testid="insp-problem-form">
                                                    <label class="field">
                                                        <span class="field-label">{move || t("pat.insp.note")}</span>
                                                        <textarea data-testid="insp-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                                                    </label>
                                                    <label class="check">
                                                        <input type="checkbox" data-testid="insp-callback" prop:checked=move || callback.get() on:change=move |ev| callback.set(event_target_checked(&ev))/>
                                                        {move || t("pat.insp.callback")}
                                                    </label>
                                                    <button class="btn primary" data-testid="insp-save" on:click=move |_| record(order, t2.clone(), false)>{move || t("common.save")}</button>
                                                </div>
                                            }
                                        }
                                    </Show>
                                }
                            }).collect_view().into_any()
                        }}
                    </section>
                    {(!finished).then(|| {
                        let r3 = r2.clone();
                        view! {
                            <section class="card">
                                <label class="field">
                                    <span class="field-label">{move || t("pat.insp.finish_note")}</span>
                                    <textarea data-testid="insp-finish-note" prop:value=move || finish_note.get() on:input=move |ev| finish_note.set(event_target_value(&ev))></textarea>
                                </label>
                                <button class="btn primary big" data-testid="insp-finish" on:click=move |_| {
                                    let r = r3.clone();
                                    let n = finish_note.get_untracked();
                                    submit(move |a| finish_round(a, id, &r, now_ms(), &n),
                                        Text::new("检查已完成", "Inspection finished"),
                                        || go(Page::Patrol(PatrolTab::Today)));
                                }>{move || t("pat.insp.finish")}</button>
                            </section>
                        }
                    })}
                </div>
            }.into_any()
        })}
    }
}
