//! 交接班 — both people on one tablet: count the items, read the previous log, accept every
//! open item, note anomalies, then each signs with their own PIN (DUTY-6, DUTY-7, DUTY-11).

use super::{calendar, chain_head, hm, on_duty_staff};
use crate::domain::command::Actor;
use crate::domain::duty::handover::{
    self, blockers, gather_open_items, shift_boundary, Anomaly, HandoverForm, ItemCheck, ItemState,
    OpenItem,
};
use crate::domain::duty::log::{log_date, log_id, DutyLog};
use crate::domain::duty::Post;
use crate::domain::ids::StaffId;
use crate::store::Store;
use crate::ui::components::people::{active_staff, all_staff, name_in};
use crate::ui::components::PinPad;
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::{now_ms, uptime};
use crate::ui::state::{app, bump, ctx, loader, toast_err, toast_ok, tx, tx_untracked};
use leptos::prelude::*;

/// Everyone's open items from every module (DUTY-6 b): the generic index, person by person.
async fn open_items() -> Vec<OpenItem> {
    let a = app();
    let mut views = vec![];
    for p in active_staff().await {
        views.extend(a.store.assigned(p.id).await.unwrap_or_default());
    }
    gather_open_items(&views, now_ms())
}

#[component]
pub fn HandoverTab() -> impl IntoView {
    let c = ctx();
    let post = RwSignal::new(Post::ServiceCentre);
    let opened = now_ms();
    let form = RwSignal::new(HandoverForm::default());
    let outgoing = RwSignal::new(None::<StaffId>);
    let incoming = RwSignal::new(c.session.get_untracked().map(|s| s.id));
    let absent = RwSignal::new(false);
    let out_actor = RwSignal::new(None::<Actor>);
    let in_actor = RwSignal::new(None::<Actor>);
    let prev = RwSignal::new(None::<DutyLog>);
    let new_item = RwSignal::new(String::new());
    let new_anomaly = RwSignal::new(String::new());
    let new_anomaly_expl = RwSignal::new(String::new());
    let busy = RwSignal::new(false);

    let staff = loader(all_staff);
    // (Re)builds the form for the post: items from settings, the log being handed over, the
    // open items of every module.
    Effect::new(move |_| {
        let p = post.get();
        leptos::task::spawn_local(async move {
            let cal = calendar();
            let now = now_ms();
            let items = c
                .estate
                .get_untracked()
                .map(|e| e.settings.post_items)
                .unwrap_or_default();
            let date = log_date(&cal, p, now);
            // The outgoing shift's log: the one a minute ago.
            let prev_date = log_date(&cal, p, now - 60_000);
            let prev_id = log_id(p, prev_date);
            let prev_log = app()
                .get::<DutyLog>(prev_id)
                .await
                .ok()
                .flatten()
                .filter(|l| !l.entries.is_empty());
            // DUTY-11: the front desk carries its own registers' open items (mail, papers).
            let open = handover::for_post(open_items().await, p);
            // The outgoing person is, by default, the one on the roster for the outgoing duty
            // (unless someone was already chosen meanwhile).
            if p == Post::ServiceCentre {
                use crate::domain::duty::roster::{month_key, roster_id, Roster};
                let on = app()
                    .get::<Roster>(roster_id(month_key(prev_date)))
                    .await
                    .ok()
                    .flatten()
                    .and_then(|r| r.person_on(prev_date))
                    .filter(|p| Some(*p) != incoming.get_untracked());
                if outgoing.get_untracked().is_none() {
                    outgoing.set(on);
                }
            }
            form.set(HandoverForm {
                post: p,
                date: Some(date),
                shift_start: shift_boundary(&cal, now),
                arrived: opened,
                items: items
                    .into_iter()
                    .map(|name| ItemCheck {
                        name,
                        ..Default::default()
                    })
                    .collect(),
                previous_log: prev_log.as_ref().map(|_| prev_id),
                previous_log_read: false,
                open,
                anomalies: vec![],
                absent_reason: String::new(),
            });
            prev.set(prev_log);
        });
    });

    let block = Memo::new(move |_| blockers(&form.get(), !absent.get()));
    let late = move || {
        let f = form.get();
        f.arrived > f.shift_start - handover::ARRIVE_EARLY_MS
    };
    let sign = move |who: &'static str, pin: String| {
        let id = if who == "out" {
            outgoing.get_untracked()
        } else {
            incoming.get_untracked()
        };
        let Some(id) = id else {
            toast_err(t_untracked("duty.ho.pick_person"));
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            // The staff PIN check of sign-in, with its lockout (a handover PIN is a signature).
            match app().sign_in(id, &pin, uptime()).await {
                Ok(actor) => {
                    if who == "out" {
                        out_actor.set(Some(actor))
                    } else {
                        in_actor.set(Some(actor))
                    }
                }
                Err(e) => toast_err(tx_untracked(&e.message())),
            }
            busy.set(false);
        });
    };
    let finish = move |_| {
        let Some(inc) = in_actor.get_untracked() else {
            toast_err(t_untracked("duty.ho.need_in"));
            return;
        };
        let out = if absent.get_untracked() {
            None
        } else {
            out_actor.get_untracked()
        };
        if !absent.get_untracked() && out.is_none() {
            toast_err(t_untracked("duty.ho.need_out"));
            return;
        }
        let f = form.get_untracked();
        leptos::task::spawn_local(async move {
            let a = app();
            let head = chain_head().await;
            let id = a.new_id();
            let result = handover::hand_over(out.as_ref(), &inc, id, &f, &head, now_ms())
                .map_err(crate::app::AppError::from);
            let result = match result {
                Ok(d) => a.record(now_ms(), Some(inc.id), d).await.map(|_| ()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    toast_ok(t_untracked("duty.ho.done"));
                    out_actor.set(None);
                    in_actor.set(None);
                    bump();
                    post.set(f.post);
                    form.update(|f| f.open.clear());
                    super::super::state::go(super::super::state::Page::Duty(
                        super::super::state::DutyTab::Log,
                    ));
                }
                Err(e) => toast_err(tx_untracked(&e.message())),
            }
        });
    };

    let people = move || staff.get().map(|s| on_duty_staff(&s)).unwrap_or_default();
    view! {
        <div class="handover" data-testid="handover">
            <div class="duty-toolbar">
                <div class="seg">
                    {Post::ALL.into_iter().map(|p| view! {
                        <button class=move || if post.get() == p { "seg-btn active" } else { "seg-btn" }
                            data-testid=format!("ho-post-{}", p.as_str()) on:click=move |_| post.set(p)>{move || tx(&p.label())}</button>
                    }).collect_view()}
                </div>
                <span class="muted">{move || t("duty.ho.shift")}" "{move || hm(form.get().shift_start)}" · "{move || t("duty.ho.arrived")}" "{hm(opened)}</span>
                {move || late().then(|| view! { <span class="badge warn" data-testid="ho-late">{move || t("duty.ho.late")}</span> })}
            </div>

            <div class="ho-grid">
            <section class="card ho-step">
                <h2><span class="step-n">"1"</span>{move || t("duty.ho.items")}</h2>
                {move || form.get().items.into_iter().enumerate().map(|(i, it)| {
                    let set_state = move |s: ItemState| form.update(|f| f.items[i].state = s);
                    let needs = matches!(it.state, ItemState::Missing | ItemState::Damaged);
                    view! {
                        <div class="item-row" data-testid="ho-item">
                            <span class="item-name">{it.name.clone()}</span>
                            <div class="seg small">
                                {[ItemState::Present, ItemState::Missing, ItemState::Damaged].into_iter().map(|s| view! {
                                    <button class=if it.state == s { format!("seg-btn active s-{s:?}") } else { "seg-btn".to_string() }
                                        data-testid=format!("ho-item-{i}-{s:?}").to_lowercase() on:click=move |_| set_state(s)>{move || tx(&s.label())}</button>
                                }).collect_view()}
                            </div>
                            {needs.then(|| view! {
                                <input class="item-expl" placeholder=move || t("duty.ho.explain") data-testid=format!("ho-item-{i}-expl")
                                    prop:value=it.explanation.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.items[i].explanation = v) }/>
                            })}
                        </div>
                    }
                }).collect_view()}
                <button class="btn small ghost" data-testid="ho-items-all-ok" on:click=move |_| form.update(|f| for it in &mut f.items { if it.state == ItemState::Unchecked { it.state = ItemState::Present } })>{move || t("duty.ho.all_ok")}</button>
            </section>

            <section class="card ho-step">
                <h2><span class="step-n">"2"</span>{move || t("duty.ho.prev")}</h2>
                {move || match prev.get() {
                    None => view! { <p class="muted">{move || t("duty.ho.no_prev")}</p> }.into_any(),
                    Some(l) => view! {
                        <ul class="review-entries">
                            {l.entries.iter().rev().take(8).map(|e| view! { <li><span class="entry-time">{hm(e.entry.at)}</span>" "{e.entry.text.clone()}</li> }).collect_view()}
                        </ul>
                        <label class="check big">
                            <input type="checkbox" data-testid="ho-prev-read" prop:checked=move || form.get().previous_log_read
                                on:change=move |ev| { let v = event_target_checked(&ev); form.update(|f| f.previous_log_read = v) }/>
                            {move || t("duty.ho.prev_read")}
                        </label>
                    }.into_any(),
                }}
            </section>

            <section class="card ho-step">
                <h2><span class="step-n">"3"</span>{move || t("duty.ho.open")}</h2>
                <p class="muted small-print">{move || t("duty.ho.open_hint")}</p>
                {move || {
                    let open = form.get().open;
                    if open.is_empty() {
                        return view! { <p class="muted" data-testid="ho-open-none">{move || t("duty.ho.open_none")}</p> }.into_any();
                    }
                    let names = staff.get().unwrap_or_default();
                    open.into_iter().enumerate().map(|(i, o)| {
                        let due = o
                            .deadline
                            .map(|d| {
                                let s = crate::ui::platform::format_time(d, crate::ui::state::utc_offset_untracked());
                                format!("{} {}", t("duty.ho.due"), s.get(5..).unwrap_or(&s))
                            })
                            .unwrap_or_default();
                        let kind = serde_json::from_value::<crate::domain::event::RecordKind>(serde_json::Value::String(o.kind.clone()))
                            .map(|k| tx(&crate::sync::merge::kind_label(k)))
                            .unwrap_or_else(|_| o.kind.clone());
                        let who = o.assignee.map(|a| name_in(&names, a)).unwrap_or_default();
                        view! {
                            <div class="open-row" class:important=o.important data-testid="ho-open">
                                <div class="open-text">
                                    <strong>{o.title.clone()}</strong>
                                    <span class="muted">{kind}" · "{who}" · "{due}</span>
                                    {o.important.then(|| view! { <span class="badge overdue">{move || t("duty.ho.important")}</span> })}
                                </div>
                                <input class="open-note" placeholder=move || if o.important { t("duty.ho.note_required") } else { t("duty.ho.note") }
                                    data-testid=format!("ho-open-{i}-note") prop:value=o.note.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.open[i].note = v) }/>
                                <button class=if o.accepted { "btn small primary" } else { "btn small" } data-testid=format!("ho-open-{i}-accept")
                                    on:click=move |_| form.update(|f| f.open[i].accepted = !f.open[i].accepted)>
                                    {move || if o.accepted { t("duty.ho.accepted") } else { t("duty.ho.accept") }}
                                </button>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
                <div class="add-row">
                    <input placeholder=move || if post.get() == Post::FrontDesk { t("duty.ho.desk_item") } else { t("duty.ho.free_item") }
                        data-testid="ho-free-item" prop:value=move || new_item.get() on:input=move |ev| new_item.set(event_target_value(&ev))/>
                    <button class="btn small" data-testid="ho-free-add" on:click=move |_| {
                        let v = new_item.get_untracked();
                        if v.trim().is_empty() { return }
                        form.update(|f| f.open.push(OpenItem { title: v.trim().into(), kind: if f.post == Post::FrontDesk { "前台".into() } else { "交接".into() }, ..Default::default() }));
                        new_item.set(String::new());
                    }>{move || t("common.add")}</button>
                </div>
            </section>

            <section class="card ho-step">
                <h2><span class="step-n">"4"</span>{move || t("duty.ho.anomalies")}</h2>
                {move || form.get().anomalies.into_iter().map(|a| view! { <p class="anomaly">{a.text}" — "<span class="muted">{a.explanation}</span></p> }).collect_view()}
                <div class="add-row">
                    <input placeholder=move || t("duty.ho.anomaly") data-testid="ho-anomaly" prop:value=move || new_anomaly.get() on:input=move |ev| new_anomaly.set(event_target_value(&ev))/>
                    <input placeholder=move || t("duty.ho.explain") data-testid="ho-anomaly-expl" prop:value=move || new_anomaly_expl.get() on:input=move |ev| new_anomaly_expl.set(event_target_value(&ev))/>
                    <button class="btn small" data-testid="ho-anomaly-add" on:click=move |_| {
                        let v = new_anomaly.get_untracked();
                        if v.trim().is_empty() { return }
                        form.update(|f| f.anomalies.push(Anomaly { text: v.trim().into(), explanation: new_anomaly_expl.get_untracked().trim().into() }));
                        new_anomaly.set(String::new());
                        new_anomaly_expl.set(String::new());
                    }>{move || t("common.add")}</button>
                </div>
                <p class="muted small-print">{move || t("duty.ho.none_ok")}</p>
            </section>
            </div>

            <section class="card ho-sign">
                <h2><span class="step-n">"5"</span>{move || t("duty.ho.sign")}</h2>
                {move || {
                    let b = block.get();
                    (!b.is_empty()).then(|| view! {
                        <div class="blockers" data-testid="ho-blockers">
                            <strong>{move || t("duty.ho.blocked")}</strong>
                            {b.iter().map(|x| { let x = x.clone(); view! { <span>{move || tx(&x)}</span> } }).collect_view()}
                        </div>
                    })
                }}
                <div class="two-pads">
                    <div class="pad-col" data-testid="ho-out">
                        <h3>{move || t("duty.ho.outgoing")}</h3>
                        <select data-testid="ho-out-person" on:change=move |ev| { outgoing.set(event_target_value(&ev).parse().ok()); out_actor.set(None) }>
                            <option value="">{move || t("duty.ho.choose")}</option>
                            {move || people().into_iter().map(|(id, n)| view! { <option value=id.to_string() selected=move || outgoing.get() == Some(id)>{n}</option> }).collect_view()}
                        </select>
                        <label class="check">
                            <input type="checkbox" data-testid="ho-absent" prop:checked=move || absent.get() on:change=move |ev| absent.set(event_target_checked(&ev))/>
                            {move || t("duty.ho.absent")}
                        </label>
                        {move || if absent.get() {
                            view! { <input placeholder=move || t("duty.ho.absent_reason") data-testid="ho-absent-reason"
                                prop:value=move || form.get().absent_reason on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.absent_reason = v) }/> }.into_any()
                        } else if let Some(a) = out_actor.get() {
                            let n = staff.get().map(|s| name_in(&s, a.id)).unwrap_or_default();
                            view! { <div class="signed" data-testid="ho-out-signed">"✓ "{n}</div> }.into_any()
                        } else {
                            view! { <PinPad on_submit=move |p: String| sign("out", p) busy=busy/> }.into_any()
                        }}
                    </div>
                    <div class="pad-col" data-testid="ho-in">
                        <h3>{move || t("duty.ho.incoming")}</h3>
                        <select data-testid="ho-in-person" on:change=move |ev| { incoming.set(event_target_value(&ev).parse().ok()); in_actor.set(None) }>
                            <option value="">{move || t("duty.ho.choose")}</option>
                            {move || people().into_iter().map(|(id, n)| view! { <option value=id.to_string() selected=move || incoming.get() == Some(id)>{n}</option> }).collect_view()}
                        </select>
                        {move || match in_actor.get() {
                            Some(a) => {
                                let n = staff.get().map(|s| name_in(&s, a.id)).unwrap_or_default();
                                view! { <div class="signed" data-testid="ho-in-signed">"✓ "{n}</div> }.into_any()
                            }
                            None => view! { <PinPad on_submit=move |p: String| sign("in", p) busy=busy/> }.into_any(),
                        }}
                    </div>
                </div>
                <button class="btn primary big" data-testid="ho-finish" disabled=move || !block.get().is_empty() on:click=finish>{move || t("duty.ho.finish")}</button>
            </section>
        </div>
    }
}
