//! One household's guided session at the desk: a stepper of the 一条龙 windows, each step
//! ticked with who and when and open again any time (the owner fetches a missing paper and
//! comes back), the defects' repair orders with their progress, the key register and the
//! printed forms. Rules: `domain::movein`.

use super::{cal, may, name, names, now_ms, print, today, when, Names};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::movein::{
    self as mv, Defect, Doc, HouseholdForm, Inspection, MoveInSession, NextStep, Paper, Step,
    TenantCondition,
};
use crate::domain::photo::Photo;
use crate::domain::registry::Person;
use crate::domain::roles::{Action, Department, Role};
use crate::domain::workorder::fees::Schedule;
use crate::domain::workorder::WorkOrder;
use crate::ui::components::{History, PhotoField, SignaturePad};
use crate::ui::i18n::t;
use crate::ui::state::{app, go, loader, submit, tx, MoveTab, Page};
use chrono::NaiveDate;
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

type Orders = BTreeMap<RecordId, WorkOrder>;

#[component]
pub fn SessionPage(id: RecordId) -> impl IntoView {
    let data = loader(move || async move {
        let a = app();
        let s = a.get::<MoveInSession>(id).await.ok().flatten();
        let mut orders = Orders::new();
        if let Some(s) = &s {
            for o in s.orders.values() {
                if let Ok(Some(w)) = a.get::<WorkOrder>(*o).await {
                    orders.insert(*o, w);
                }
            }
        }
        (s, orders)
    });
    let names = names();
    let current = RwSignal::new(None::<Step>);
    let printing = RwSignal::new(print::Form::Inspection);
    view! {
        <div class="page-head screen-only">
            <button class="btn" data-testid="mv-back" on:click=move |_| go(Page::MoveIn(MoveTab::Batches))>"‹ "{move || t("mv.back")}</button>
            <span class="spacer"></span>
            {print::Form::ALL.into_iter().map(|f| view! {
                <button class="btn" data-testid=format!("mv-print-{}", f.key()) on:click=move |_| {
                    printing.set(f);
                    crate::ui::components::print::print_rendered();
                }>{move || t("mv.print")}" "{move || t(f.title_key())}</button>
            }).collect_view()}
        </div>
        {move || data.get().and_then(|(s, orders)| s.map(|s| (s, orders))).map(|(s, orders)| {
            let steps = Step::for_party(s.party());
            let step = current.get().filter(|x| steps.contains(x)).or_else(|| s.remaining().first().copied()).unwrap_or(steps[0]);
            let finished = s.finished;
            let party = s.party();
            let o2 = orders.clone();
            view! {
                <section class="card screen-only mv-head" data-testid="mv-session" data-party=s.party().key()>
                    <h1 class="page-title">{s.place.clone()}" · "{s.name.clone()}</h1>
                    <p class="muted">{move || tx(&party.label())}" · "{s.phone.clone()}</p>
                    {finished.map(|f| view! { <p class="badge ok" data-testid="mv-finished">{move || t("mv.finished")}" "{when(f.at)}" "{name(&names, f.by)}</p> })}
                </section>
                <div class="mv-body screen-only">
                    <ol class="steps mv-steps" data-testid="mv-steps">
                        {steps.iter().copied().enumerate().map(|(n, st)| {
                            let tick = s.done(st);
                            view! {
                                <li>
                                    <button class="step" class:done=tick.is_some() class:on=st == step
                                        data-testid=format!("mv-step-{}", st.key()) data-done=tick.is_some().to_string()
                                        on:click=move |_| current.set(Some(st))>
                                        <span class="step-box">{if tick.is_some() { "✓".to_string() } else { (n + 1).to_string() }}</span>
                                        <span class="step-text">{move || tx(&st.label())}</span>
                                        <span class="step-at">{tick.map(|k| format!("{} {}", when(k.at), name(&names, k.by)))}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <section class="card mv-panel" data-testid=format!("mv-panel-{}", step.key())>
                        <h2>{move || tx(&step.label())}</h2>
                        {panel(id, step, s.clone(), orders.clone(), names)}
                    </section>
                </div>
                {(s.remaining().is_empty() && finished.is_none()).then(|| {
                    let s = s.clone();
                    view! {
                        <section class="card screen-only">
                            <button class="btn primary big" data-testid="mv-finish" on:click=move |_| {
                                let s = s.clone();
                                let cb = app().new_id();
                                submit(move |a| mv::finish(a, id, &s, cb, now_ms(), &cal()), Text::new("入伙手续已办结，已安排入伙回访", "Finished; move-in callback scheduled"), || ());
                            }>{move || t("mv.finish")}</button>
                        </section>
                    }
                })}
                <print::Printed form=printing s=s.clone() orders=o2 names=names/>
            }
        })}
        <div class="screen-only"><History subject=RecordRef::new(RecordKind::MoveInSession, id)/></div>
    }
}

fn save_btn(testid: &'static str, on: impl Fn() + 'static) -> impl IntoView {
    may(Action::HandleMoveIn).then(|| view! { <button class="btn primary big" data-testid=testid on:click=move |_| on()>{move || t("mv.save")}</button> })
}

fn checks<T: Copy + Ord + Send + Sync + 'static>(
    all: Vec<T>,
    picked: RwSignal<BTreeSet<T>>,
    label: fn(T) -> Text,
    key: fn(T) -> &'static str,
    prefix: &'static str,
) -> impl IntoView {
    view! {
        <div class="mv-checks">
            {all.into_iter().map(|x| view! {
                <label class="check big mv-check">
                    <input type="checkbox" data-testid=format!("{prefix}-{}", key(x)) prop:checked=move || picked.get().contains(&x)
                        on:change=move |ev| { let on = event_target_checked(&ev); picked.update(|p| { if on { p.insert(x); } else { p.remove(&x); } }); }/>
                    <span>{move || tx(&label(x))}</span>
                </label>
            }).collect_view()}
        </div>
    }
}

fn panel(id: RecordId, step: Step, s: MoveInSession, orders: Orders, names: Names) -> AnyView {
    let sv = StoredValue::new(s.clone());
    match step {
        Step::Documents => {
            let picked = RwSignal::new(s.docs.clone());
            let missing = s.missing_docs();
            view! {
                {checks(Doc::required_for(s.party()), picked, Doc::label, Doc::key, "mv-doc")}
                {(!missing.is_empty() && !s.docs.is_empty()).then(|| view! {
                    <p class="badge warn" data-testid="mv-missing">{move || t("mv.missing")}"："{missing.iter().map(|d| tx(&d.label())).collect::<Vec<_>>().join("、")}</p>
                })}
                {save_btn("mv-docs-save", move || {
                    let s = sv.get_value();
                    let d = picked.get_untracked();
                    submit(move |a| mv::check_documents(a, id, &s, &d, now_ms()), Text::new("资料验证已记录", "Documents recorded"), || ());
                })}
            }.into_any()
        }
        Step::Agreements => {
            let picked = RwSignal::new(s.papers.clone());
            let sig = RwSignal::new(s.owner_signature.clone());
            view! {
                {checks(Paper::ALL.to_vec(), picked, Paper::label, Paper::key, "mv-paper")}
                <h3>{move || t("mv.sign_owner")}</h3>
                <SignaturePad path=sig testid="mv-sign-agree"/>
                {save_btn("mv-agree-save", move || {
                    let s = sv.get_value();
                    let p = picked.get_untracked();
                    let g = sig.get_untracked();
                    submit(move |a| mv::sign_agreements(a, id, &s, &p, &g, now_ms()), Text::new("协议已签署", "Agreements signed"), || ());
                })}
            }.into_any()
        }
        Step::Household => {
            let people = s
                .form
                .as_ref()
                .map(|f| f.people.clone())
                .unwrap_or_else(|| {
                    vec![Person {
                        name: s.name.clone(),
                        phone: s.phone.clone(),
                    }]
                });
            let rows: Vec<(RwSignal<String>, RwSignal<String>)> = people
                .into_iter()
                .chain(std::iter::repeat_with(Person::default))
                .take(3)
                .map(|p| (RwSignal::new(p.name), RwSignal::new(p.phone)))
                .collect();
            let note = RwSignal::new(s.form.as_ref().map(|f| f.note.clone()).unwrap_or_default());
            let rows2 = rows.clone();
            view! {
                {s.household.map(|_| view! { <p class="badge ok" data-testid="mv-hh-filed">{move || t("mv.household_filed")}</p> })}
                <h3>{move || t("mv.people")}</h3>
                {rows.into_iter().enumerate().map(|(i, (n, p))| view! {
                    <div class="row2">
                        <label class="field"><span class="field-label">{move || t("mv.name")}</span><input data-testid=format!("mv-hh-name-{i}") prop:value=move || n.get() on:input=move |ev| n.set(event_target_value(&ev))/></label>
                        <label class="field"><span class="field-label">{move || t("mv.phone")}</span><input inputmode="tel" data-testid=format!("mv-hh-phone-{i}") prop:value=move || p.get() on:input=move |ev| p.set(event_target_value(&ev))/></label>
                    </div>
                }).collect_view()}
                <label class="field"><span class="field-label">{move || t("mv.note")}</span><textarea data-testid="mv-hh-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea></label>
                {save_btn("mv-hh-save", move || {
                    let s = sv.get_value();
                    let form = HouseholdForm {
                        people: rows2.iter().map(|(n, p)| Person { name: n.get_untracked(), phone: p.get_untracked() }).collect(),
                        note: note.get_untracked(),
                    };
                    let hh = app().new_id();
                    submit(move |a| mv::file_household(a, id, &s, hh, &form, now_ms(), &cal()), Text::new("已建立住户档案", "Household record filed"), || ());
                })}
            }.into_any()
        }
        Step::Fees => {
            let receipt = RwSignal::new(s.receipt.clone());
            let debit = RwSignal::new(s.auto_debit);
            let bank = RwSignal::new(s.bank.clone());
            view! {
                <p class="muted">{move || t("mv.fees_hint")}</p>
                <label class="field"><span class="field-label">{move || t("mv.receipt")}</span><input data-testid="mv-receipt" prop:value=move || receipt.get() on:input=move |ev| receipt.set(event_target_value(&ev))/></label>
                <label class="check big"><input type="checkbox" data-testid="mv-debit" prop:checked=move || debit.get() on:change=move |ev| debit.set(event_target_checked(&ev))/><span>{move || t("mv.auto_debit")}</span></label>
                <label class="field"><span class="field-label">{move || t("mv.bank")}</span><input data-testid="mv-bank" prop:value=move || bank.get() on:input=move |ev| bank.set(event_target_value(&ev))/></label>
                {save_btn("mv-fees-save", move || {
                    let s = sv.get_value();
                    let (r, d, b) = (receipt.get_untracked(), debit.get_untracked(), bank.get_untracked());
                    submit(move |a| mv::note_fees(a, id, &s, &r, d, &b, now_ms()), Text::new("已记录缴费", "Fees noted"), || ());
                })}
            }.into_any()
        }
        Step::Inspection => inspection_panel(id, s, orders),
        Step::Keys => keys_panel(id, s, orders, names),
        Step::NextSteps => {
            let next = s.next.clone();
            view! {
                <div class="list" data-testid="mv-next">
                    {NextStep::ALL.iter().copied().map(|n| {
                        let done = next.get(&n).cloned();
                        let date = RwSignal::new(today().to_string());
                        let note = move |on: Option<NaiveDate>| {
                            let s = sv.get_value();
                            submit(move |a| mv::note_next_step(a, id, &s, n, on, "", now_ms()), Text::new("已记录", "Noted"), || ());
                        };
                        view! {
                            <div class="list-row" data-testid=format!("mv-next-{}", n.key())>
                                <div class="row-main"><strong>{move || tx(&n.label())}</strong>
                                    {done.map(|(on, _, _)| view! { <span class="badge ok">{match on { Some(d) => format!("{} {d}", t("mv.next_done")), None => t("mv.not_needed").to_string() }}</span> })}
                                </div>
                                <Show when=move || may(Action::HandleMoveIn)>
                                    <div class="row-side mv-next-do">
                                        <input type="date" class="date-input" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                                        <button class="btn" data-testid=format!("mv-next-{}-done", n.key()) on:click=move |_| note(NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d").ok())>{move || t("mv.next_done")}</button>
                                        <button class="btn" data-testid=format!("mv-next-{}-skip", n.key()) on:click=move |_| note(None)>{move || t("mv.not_needed")}</button>
                                    </div>
                                </Show>
                            </div>
                        }
                    }).collect_view()}
                </div>
            }.into_any()
        }
        Step::Conditions => {
            let picked = RwSignal::new(s.conditions.clone());
            view! {
                {checks(TenantCondition::ALL.to_vec(), picked, TenantCondition::label, TenantCondition::key, "mv-cond")}
                {save_btn("mv-cond-save", move || {
                    let s = sv.get_value();
                    let m = picked.get_untracked();
                    submit(move |a| mv::check_conditions(a, id, &s, &m, now_ms()), Text::new("已记录", "Recorded"), || ());
                })}
            }.into_any()
        }
    }
}

/// The engineering lead the defect orders go to (the first active one).
async fn engineering_lead() -> Option<crate::domain::ids::StaffId> {
    crate::ui::components::people::active_staff()
        .await
        .into_iter()
        .find(|p| p.has(Role::DepartmentLead) && p.department == Some(Department::Engineering))
        .map(|p| p.id)
}

fn order_rows(id: RecordId, s: &MoveInSession, orders: &Orders) -> impl IntoView {
    let sv = StoredValue::new(s.clone());
    s.defects().iter().cloned().enumerate().map(|(i, d)| {
        let order = s.orders.get(&(i as u32)).copied();
        let status = order.and_then(|o| orders.get(&o).map(|w| (o, w.status)));
        view! {
            <div class="list-row" data-testid="mv-defect" data-room=d.room.clone()>
                <div class="row-main"><strong>{d.room.clone()}</strong><span>{d.text.clone()}</span></div>
                <div class="row-side">
                    {match (order, status) {
                        (Some(o), Some((_, st))) => view! {
                            <button class="btn" data-testid="mv-defect-order" data-status=st.as_str() on:click=move |_| go(Page::RepairOrder(o))>
                                {move || t("mv.order")}" · "{move || tx(&st.label())}</button>
                        }.into_any(),
                        (Some(o), None) => view! { <button class="btn" data-testid="mv-defect-order" on:click=move |_| go(Page::RepairOrder(o))>{move || t("mv.order")}</button> }.into_any(),
                        (None, _) => view! {
                            <Show when=move || may(Action::HandleMoveIn)>
                                <button class="btn primary" data-testid=format!("mv-defect-to-order-{i}") on:click=move |_| {
                                    let s = sv.get_value();
                                    leptos::task::spawn_local(async move {
                                        let lead = engineering_lead().await;
                                        let order = app().new_id();
                                        submit(move |a| mv::order_defect(a, id, &s, i, order, &Schedule::default(), lead, now_ms(), &cal()),
                                            Text::new("已转维修单，工程部3分钟内接单", "Repair order sent to engineering"), || ());
                                    });
                                }>{move || t("mv.to_order")}</button>
                            </Show>
                        }.into_any(),
                    }}
                </div>
            </div>
        }
    }).collect_view()
}

fn inspection_panel(id: RecordId, s: MoveInSession, orders: Orders) -> AnyView {
    if let Some(i) = s.inspection.clone() {
        return view! {
            <dl class="kv" data-testid="mv-meters">
                <dt>{move || t("mv.water")}</dt><dd data-testid="mv-water-read">{i.water.clone()}</dd>
                <dt>{move || t("mv.power")}</dt><dd data-testid="mv-power-read">{i.power.clone()}</dd>
            </dl>
            <h3>{move || t("mv.defects")}</h3>
            {i.defects.is_empty().then(|| view! { <p class="muted">{move || t("mv.no_defects")}</p> })}
            <div class="list">{order_rows(id, &s, &orders)}</div>
        }
        .into_any();
    }
    let sv = StoredValue::new(s);
    let water = RwSignal::new(String::new());
    let power = RwSignal::new(String::new());
    let water_photos = RwSignal::new(Vec::<Photo>::new());
    let power_photos = RwSignal::new(Vec::<Photo>::new());
    let defects = RwSignal::new(Vec::<Defect>::new());
    let room = RwSignal::new(String::from("客厅"));
    let text = RwSignal::new(String::new());
    let defect_photos = RwSignal::new(Vec::<Photo>::new());
    let owner = RwSignal::new(String::new());
    let staff = RwSignal::new(String::new());
    let rooms = ["客厅", "主卧", "次卧", "厨房", "卫生间", "阳台", "入户门"];
    view! {
        <div class="row2">
            <div>
                <label class="field"><span class="field-label">{move || t("mv.water")}</span><input inputmode="decimal" data-testid="mv-water" prop:value=move || water.get() on:input=move |ev| water.set(event_target_value(&ev))/></label>
                <PhotoField photos=water_photos testid="mv-water"/>
            </div>
            <div>
                <label class="field"><span class="field-label">{move || t("mv.power")}</span><input inputmode="decimal" data-testid="mv-power" prop:value=move || power.get() on:input=move |ev| power.set(event_target_value(&ev))/></label>
                <PhotoField photos=power_photos testid="mv-power"/>
            </div>
        </div>
        <h3>{move || t("mv.defects")}</h3>
        <div class="list" data-testid="mv-defects-new">
            {move || defects.get().into_iter().enumerate().map(|(i, d)| view! {
                <div class="list-row"><div class="row-main"><strong>{d.room.clone()}</strong><span>{d.text.clone()}</span></div>
                    <button class="chip-x" on:click=move |_| defects.update(|v| { v.remove(i); })>"×"</button></div>
            }).collect_view()}
        </div>
        <div class="seg mv-rooms">
            {rooms.into_iter().map(|r| view! {
                <button class=move || if room.get() == r { "seg-btn on" } else { "seg-btn" } data-testid=format!("mv-room-{r}") on:click=move |_| room.set(r.into())>{r}</button>
            }).collect_view()}
        </div>
        <label class="field"><span class="field-label">{move || t("mv.defect")}</span><input data-testid="mv-defect-text" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/></label>
        <PhotoField photos=defect_photos testid="mv-defect"/>
        <button class="btn" data-testid="mv-add-defect" on:click=move |_| {
            if text.get_untracked().trim().is_empty() { return; }
            defects.update(|v| v.push(Defect { room: room.get_untracked(), text: text.get_untracked(), photos: defect_photos.get_untracked() }));
            text.set(String::new());
            defect_photos.set(vec![]);
        }>{move || t("mv.add_defect")}</button>
        <div class="two-pads">
            <div><h3>{move || t("mv.sign_owner")}</h3><SignaturePad path=owner testid="mv-sign-owner"/></div>
            <div><h3>{move || t("mv.sign_staff")}</h3><SignaturePad path=staff testid="mv-sign-staff"/></div>
        </div>
        {save_btn("mv-inspect-save", move || {
            let s = sv.get_value();
            let blank = || Photo { blob: String::new(), evidence: false, taken: 0 };
            let i = Inspection {
                water: water.get_untracked(),
                power: power.get_untracked(),
                water_photo: water_photos.get_untracked().last().cloned().unwrap_or_else(blank),
                power_photo: power_photos.get_untracked().last().cloned().unwrap_or_else(blank),
                defects: defects.get_untracked(),
                owner_signature: owner.get_untracked(),
                staff_signature: staff.get_untracked(),
            };
            submit(move |a| mv::inspect(a, id, &s, &i, now_ms()), Text::new("房屋交接验收表已签署", "Inspection signed"), || ());
        })}
    }
    .into_any()
}

fn keys_panel(id: RecordId, s: MoveInSession, orders: Orders, names: Names) -> AnyView {
    let sv = StoredValue::new(s.clone());
    if s.done(Step::Keys).is_some() {
        let closed = mv::defects_closed(&s, &orders);
        let kept = s.kept.clone();
        let o2 = StoredValue::new(orders.clone());
        return view! {
            <table class="print-table mv-keys" data-testid="mv-key-register">
                <tr><th>{move || t("mv.key_label")}</th><th>{move || t("mv.key_holder")}</th><th>{move || t("mv.when")}</th><th>{move || t("mv.by")}</th></tr>
                {s.keys.iter().cloned().map(|k| view! {
                    <tr data-testid="mv-key-row" data-label=k.label.clone() data-owner=k.to_owner.to_string()>
                        <td>{k.label.clone()}</td>
                        <td>{move || if k.to_owner { t("mv.holder_owner") } else { t("mv.holder_office") }}</td>
                        <td>{when(k.at)}</td><td>{name(&names, k.by)}</td>
                    </tr>
                }).collect_view()}
            </table>
            {kept.map(|label| view! {
                <p class="badge warn" data-testid="mv-kept">{move || t("mv.kept")}"："{label.clone()}</p>
                <div class="list">{order_rows(id, &s, &orders)}</div>
                {if closed {
                    view! { <Show when=move || may(Action::HandleMoveIn)><button class="btn primary big" data-testid="mv-return-key" on:click=move |_| {
                        let s = sv.get_value();
                        let o = o2.get_value();
                        submit(move |a| mv::return_key(a, id, &s, &o, now_ms()), Text::new("钥匙已交还业主", "Key returned to the owner"), || ());
                    }>{move || t("mv.return_key")}</button></Show> }.into_any()
                } else {
                    view! { <p class="muted" data-testid="mv-key-waiting">{move || t("mv.key_waiting")}</p> }.into_any()
                }}
            })}
        }
        .into_any();
    }
    let has_defects = !s.defects().is_empty();
    let keys = RwSignal::new(vec![
        "入户门钥匙1".to_string(),
        "入户门钥匙2".to_string(),
        "信箱钥匙".to_string(),
    ]);
    let kept = RwSignal::new(if has_defects {
        "入户门钥匙2".to_string()
    } else {
        String::new()
    });
    let sig = RwSignal::new(String::new());
    view! {
        <p class=if has_defects { "badge warn" } else { "badge ok" } data-testid="mv-keys-rule">{move || if has_defects { t("mv.keys_rule") } else { t("mv.keys_all") }}</p>
        {move || (0..keys.get().len()).map(|i| view! {
            <div class="row2">
                <label class="field"><span class="field-label">{move || t("mv.key_label")}" "{i + 1}</span>
                    <input data-testid=format!("mv-key-{i}") prop:value=move || keys.get().get(i).cloned().unwrap_or_default() on:change=move |ev| keys.update(|v| v[i] = event_target_value(&ev))/></label>
                {has_defects.then(|| view! {
                    <label class="check big"><input type="radio" name="mv-kept" data-testid=format!("mv-keep-{i}")
                        prop:checked=move || keys.get().get(i).is_some_and(|k| *k == kept.get())
                        on:change=move |_| kept.set(keys.get_untracked()[i].clone())/><span>{move || t("mv.kept")}</span></label>
                })}
            </div>
        }).collect_view()}
        <button class="btn" data-testid="mv-add-key" on:click=move |_| keys.update(|v| v.push(String::new()))>{move || t("mv.add_key")}</button>
        <h3>{move || t("mv.sign_owner")}</h3>
        <SignaturePad path=sig testid="mv-sign-keys"/>
        {save_btn("mv-keys-save", move || {
            let s = sv.get_value();
            let k = keys.get_untracked();
            let kept = kept.get_untracked();
            let g = sig.get_untracked();
            submit(move |a| mv::hand_keys(a, id, &s, &k, (!kept.is_empty()).then_some(kept.as_str()), &g, now_ms()), Text::new("钥匙已登记移交", "Keys handed over"), || ());
        })}
    }
    .into_any()
}
