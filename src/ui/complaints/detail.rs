//! One complaint: its record (CMP-2), class and dispatch (CMP-3..7), the department's steps
//! (CMP-8), closing with the handling report and the customer's sign-off (CMP-9), its callbacks
//! (CMP-10), duplicates (CMP-11), the attributed history, and the printable 客户投诉登记表.

use super::{class_chip, may, name_of, people, settings, when, People};
use crate::domain::callbacks::Callback;
use crate::domain::complaints::{
    self, Class, Closing, Complaint, Dispatch, LiaisonStep, Rating, SignOff, Status, Urgency,
};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::roles::{Action, Department, Role};
use crate::ui::components::Area;
use crate::ui::components::{History, Sheet, SlaBadge};
use crate::ui::components::{SignaturePad, SignatureView};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, loader, submit, tx};
use leptos::prelude::*;

#[component]
pub(super) fn ComplaintDetail(id: RecordId, back: leptos::prelude::Callback<()>) -> impl IntoView {
    let rec = loader(move || async move { app().get::<Complaint>(id).await.ok().flatten() });
    let cbs = loader(move || async move {
        let c = app().get::<Complaint>(id).await.ok().flatten();
        let mut out = Vec::new();
        for cb in c.map(|c| c.callbacks).unwrap_or_default() {
            if let Some(v) = app().get::<Callback>(cb).await.ok().flatten() {
                out.push((cb, v));
            }
        }
        out
    });
    let people = people();
    let cur = move || rec.get().flatten();
    let note = RwSignal::new(String::new());
    // CMP-7: the outside body a step is taken with (kept between steps).
    let body_name = RwSignal::new(String::new());
    let dispatch_open = RwSignal::new(false);
    let close_open = RwSignal::new(false);

    let step = move |kind: &'static str| {
        let Some(c) = rec.get_untracked().flatten() else {
            return;
        };
        let text = note.get_untracked();
        let now = now_ms();
        let ok = match kind {
            "accept" => Text::new("已接单", "Accepted"),
            "contact" => Text::new("已记录联系客户", "Contact recorded"),
            "progress" => Text::new("进度已记录", "Progress recorded"),
            "told" => Text::new("已记录告知客户", "Recorded: customer informed"),
            "explained" | "liaised" | "reported_back" => {
                Text::new("已记录外部单位协调", "Outside-body step recorded")
            }
            _ => Text::new("已报告主任", "Director alerted"),
        };
        let body = body_name.get_untracked();
        submit(
            move |a| match kind {
                "explained" | "liaised" | "reported_back" => {
                    let step = LiaisonStep::from_key(kind).unwrap_or(LiaisonStep::Explained);
                    complaints::outside_liaison(a, id, &c, &body, step, &text, now)
                }
                "accept" => complaints::accept(a, id, &c, now),
                "contact" => complaints::contacted(a, id, &c, &text, now),
                "progress" => complaints::progress(a, id, &c, &text, now),
                "told" => complaints::customer_told(a, id, &c, &text, now),
                _ => complaints::alert_director(a, id, &c, now),
            },
            ok,
            move || note.set(String::new()),
        );
    };

    let body = move || {
        let Some(c) = cur() else {
            return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any();
        };
        let now = now_ms();
        let status = c.status;
        let open = c.is_open();
        let anon = c.intake.anonymous;
        let contact_running = c.contact_clock.as_ref().is_some_and(|k| k.is_running());
        let i = c.intake.clone();
        let subject = i.subject.map(|s| s.label());
        let channel = i.channel.map(|s| s.label());
        let facts: Vec<(&'static str, String)> = vec![
            ("cmp.d.received", when(c.received)),
            (
                "cmp.reg.household",
                if anon {
                    t("cmp.anonymous").into()
                } else {
                    i.place.clone()
                },
            ),
            (
                "cmp.reg.name",
                if anon {
                    "—".into()
                } else {
                    format!("{} {}", i.contact_name, i.contact_phone)
                },
            ),
            ("cmp.reg.occurred", i.occurred.clone()),
            ("cmp.reg.about", i.about.clone()),
            (
                "cmp.d.registered_by",
                name_of(&people, Some(c.registered_by)),
            ),
        ];
        let clocks: Vec<_> = [c.contact_clock.clone(), c.month_clock.clone()]
            .into_iter()
            .flatten()
            .collect();
        view! {
            <section class="card cmp-detail screen-only" data-testid="cmp-detail" data-status=status.key()>
                <div class="detail-head">
                    <button class="btn small" data-testid="cmp-back" on:click=move |_| back.run(())>"‹ "{move || t("common.back")}</button>
                    <span class="spacer"></span>
                    <button class="btn small" data-testid="cmp-print" on:click=move |_| crate::ui::components::print_page()>{move || t("cmp.print")}</button>
                </div>
                <div class="chips">
                    <span class=format!("cmp-status s-{}", status.key()) data-testid="cmp-status">{move || tx(&status.label())}</span>
                    {channel.map(|s| view! { <span class="chip">{move || tx(&s)}</span> })}
                    {subject.map(|s| view! { <span class="chip dept">{move || tx(&s)}</span> })}
                    {c.class.map(|k| view! { <span class=class_chip(Some(k)) data-testid="cmp-class">{move || tx(&k.label())}</span> })}
                    {c.urgency.map(|u| view! { <span class=if u == Urgency::Urgent { "chip cmp-major" } else { "chip" }>{move || tx(&u.label())}</span> })}
                    {c.paid.then(|| view! { <span class="chip cmp-important">{move || t("cmp.d.paid")}</span> })}
                    {c.escalated.map(|at| view! { <span class="chip cmp-major" data-testid="cmp-escalated">{move || t("cmp.d.escalated")}" "{when(at)}</span> })}
                    {c.alerted.map(|_| view! { <span class="chip cmp-major">{move || t("cmp.d.alerted")}</span> })}
                    {(c.reopened > 0).then(|| view! { <span class="chip cmp-important">{move || t("cmp.d.reopened")}" ×"{c.reopened}</span> })}
                    {c.awaits_report_back().then(|| view! { <span class="chip cmp-important" data-testid="cmp-outside-pending">{move || t("cmp.d.outside_pending")}</span> })}
                </div>
                <h2 class="cmp-what-big">{i.what.clone()}</h2>
                {(!i.asks.is_empty()).then(|| view! { <p><span class="muted">{move || t("cmp.reg.asks")}"："</span>{i.asks.clone()}</p> })}
                {i.duplicate_of.map(|_| view! { <p class="notice">{move || t("cmp.d.is_dup")}</p> })}
                {(!c.raised_again.is_empty()).then(|| view! { <p class="notice" data-testid="cmp-raised-again">{move || t("cmp.d.raised_again")}" ×"{c.raised_again.len()}</p> })}
                <dl class="facts cmp-facts">
                    {facts.into_iter().map(|(k, v)| view! { <dt>{move || t(k)}</dt><dd>{if v.trim().is_empty() { "—".to_string() } else { v }}</dd> }).collect_view()}
                    {c.department.map(|d| view! { <dt>{move || t("cmp.d.department")}</dt><dd>{move || tx(&d.label())}" · "{name_of(&people, c.handler)}</dd> })}
                </dl>
                <div class="cmp-clocks">
                    {clocks.into_iter().map(|k| {
                        let name = k.name.clone();
                        view! {
                            <div class="cmp-clock">
                                <SlaBadge state=k.state(now)/>
                                <span>{move || tx(&name)}</span>
                                <span class="muted">{move || t("home.due")}" "{when(k.deadline)}</span>
                            </div>
                        }
                    }).collect_view()}
                </div>

                <Show when=move || open>
                    <div class="cmp-actions" data-testid="cmp-actions">
                        <Show when=move || may(Action::DispatchComplaint)>
                            <button class="btn primary" data-testid="cmp-dispatch" on:click=move |_| dispatch_open.set(true)>
                                {move || if status == Status::Registered { t("cmp.a.dispatch") } else { t("cmp.a.redispatch") }}
                            </button>
                        </Show>
                        <Show when=move || status == Status::Dispatched && may(Action::HandleComplaint)>
                            <button class="btn primary" data-testid="cmp-accept" on:click=move |_| step("accept")>{move || t("cmp.a.accept")}</button>
                        </Show>
                        <Show when=move || status == Status::InProgress && may(Action::CloseComplaint)>
                            <button class="btn primary" data-testid="cmp-close" on:click=move |_| close_open.set(true)>{move || t("cmp.a.close")}</button>
                        </Show>
                        <Show when=move || c.alerted.is_none()>
                            <button class="btn danger" data-testid="cmp-alert" on:click=move |_| step("alert")>{move || t("cmp.a.alert")}</button>
                        </Show>
                    </div>
                    <Show when=move || status != Status::Registered>
                        <div class="cmp-note-bar">
                            <input type="text" data-testid="cmp-note" placeholder=move || t("cmp.a.note_ph")
                                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                            <Show when=move || !anon && contact_running && may(Action::HandleComplaint)>
                                <button class="btn" data-testid="cmp-contacted" on:click=move |_| step("contact")>{move || t("cmp.a.contacted")}</button>
                            </Show>
                            <Show when=move || status == Status::InProgress && may(Action::HandleComplaint)>
                                <button class="btn" data-testid="cmp-progress" on:click=move |_| step("progress")>{move || t("cmp.a.progress")}</button>
                            </Show>
                            <Show when=move || !anon && may(Action::InformCustomer)>
                                <button class="btn" data-testid="cmp-told" on:click=move |_| step("told")>{move || t("cmp.a.told")}</button>
                            </Show>
                        </div>
                        // CMP-7: a complaint involving an outside body — explain, liaise, report back
                        // (the note above says what was said or agreed).
                        <Show when=move || status == Status::InProgress && may(Action::HandleComplaint)>
                            <div class="cmp-note-bar" data-testid="cmp-outside">
                                <input type="text" data-testid="cmp-outside-body" placeholder=move || t("cmp.a.outside_ph")
                                    prop:value=move || body_name.get() on:input=move |ev| body_name.set(event_target_value(&ev))/>
                                {LiaisonStep::ALL.iter().copied().map(|s| view! {
                                    <button class="btn small" data-testid=format!("cmp-outside-{}", s.key()) on:click=move |_| step(s.key())>{move || tx(&s.label())}</button>
                                }).collect_view()}
                            </div>
                        </Show>
                    </Show>
                </Show>

                {c.report.clone().map(|r| view! { <ReportBox report=r/> })}

                <h3>{move || t("cmp.d.steps")}</h3>
                <ol class="cmp-timeline" data-testid="cmp-timeline">
                    {c.notes.iter().rev().map(|n| {
                        let label = n.text.clone();
                        let who = name_of(&people, Some(n.by));
                        view! {
                            <li><span class="when">{when(n.at)}</span><strong>{move || tx(&label)}</strong>
                                <span>{n.note.clone()}</span><span class="muted">{who}</span></li>
                        }
                    }).collect_view()}
                </ol>
                <CallbackLines cbs=cbs people=people/>
            </section>
            <PrintForm c=c.clone() people=people/>
        }
        .into_any()
    };

    view! {
        {body}
        <DispatchSheet id=id open=dispatch_open rec=rec people=people/>
        <CloseSheet id=id open=close_open rec=rec people=people/>
        <div class="screen-only"><History subject=RecordRef::new(RecordKind::Complaint, id)/></div>
    }
}

#[component]
fn ReportBox(report: complaints::HandlingReport) -> impl IntoView {
    let rating = report.rating.map(|r| r.label());
    view! {
        <div class="cmp-report" data-testid="cmp-report">
            <h3>{move || t("cmp.c.title")}</h3>
            <dl class="facts">
                <dt>{move || t("cmp.c.cause")}</dt><dd>{report.cause.clone()}</dd>
                <dt>{move || t("cmp.c.measures")}</dt><dd>{report.measures.clone()}</dd>
                <dt>{move || t("cmp.c.result")}</dt><dd>{report.result.clone()}</dd>
                {rating.map(|r| view! { <dt>{move || t("cmp.c.rating")}</dt><dd>{move || tx(&r)}</dd> })}
                <dt>{move || t("cmp.c.signoff")}</dt>
                <dd>{match report.signoff.clone() {
                    SignOff::Drawn { path } => view! { <SignatureView path=path/> }.into_any(),
                    SignOff::Phone => view! { <strong>{move || t("cmp.c.phone")}</strong> }.into_any(),
                    SignOff::WrittenReply { reply } => view! { <span>{move || t("cmp.c.reply")}"："{reply.clone()}</span> }.into_any(),
                }}</dd>
            </dl>
        </div>
    }
}

#[component]
fn CallbackLines(
    cbs: ReadSignal<Option<Vec<(RecordId, Callback)>>>,
    people: People,
) -> impl IntoView {
    view! {
        {move || {
            let list = cbs.get().unwrap_or_default();
            (!list.is_empty()).then(|| view! {
                <h3>{move || t("cmp.d.callbacks")}</h3>
                <ul class="cmp-cb-lines" data-testid="cmp-cb-lines">
                    {list.into_iter().map(|(_, cb)| {
                        let st = cb.status;
                        let rating = cb.rating.map(|r| r.label());
                        let due = cb.spec.as_ref().map(|s| s.clock.deadline).unwrap_or_default();
                        let who = name_of(&people, cb.spec.as_ref().and_then(|s| s.assignee));
                        view! {
                            <li>
                                <span class=format!("cmp-status s-{}", st.key())>{move || tx(&st.label())}</span>
                                <span>{move || t("home.due")}" "{when(due)}</span>
                                <span class="muted">{who}</span>
                                {rating.map(|r| view! { <strong>{move || tx(&r)}</strong> })}
                                <span>{cb.comment.clone()}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
    }
}

#[component]
fn DispatchSheet(
    id: RecordId,
    open: RwSignal<bool>,
    rec: ReadSignal<Option<Option<Complaint>>>,
    people: People,
) -> impl IntoView {
    let class = RwSignal::new(None::<Class>);
    let urgency = RwSignal::new(Urgency::General);
    let dept = RwSignal::new(Department::CustomerService);
    let handler = RwSignal::new(String::new());
    let paid = RwSignal::new(false);
    // Proposals when opened: the department from the subject (CMP-6), paid for in-home work.
    Effect::new(move |_| {
        if open.get() {
            if let Some(c) = rec.get_untracked().flatten() {
                let s = c.intake.subject.unwrap_or(complaints::Subject::Other);
                class.set(c.class);
                urgency.set(c.urgency.unwrap_or(Urgency::General));
                dept.set(c.department.unwrap_or(s.department()));
                paid.set(c.paid || s.proposes_paid());
                handler.set(c.handler.map(|h| h.0.to_string()).unwrap_or_default());
            }
        }
    });
    // Who may take it: the department's leads; customer service → supervisors and director.
    let candidates = move || {
        let d = dept.get();
        people
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                if d == Department::CustomerService {
                    p.roles.contains(&Role::Supervisor) || p.roles.contains(&Role::Director)
                } else {
                    p.roles.contains(&Role::DepartmentLead) && p.department == Some(d)
                }
            })
            .collect::<Vec<_>>()
    };
    let (_, limits) = settings();
    let save = move |_| {
        let Some(c) = rec.get_untracked().flatten() else {
            return;
        };
        let Some(k) = class.get_untracked() else {
            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("cmp.dsp.need_class"));
            return;
        };
        let chosen = handler.get_untracked();
        let h = candidates()
            .into_iter()
            .find(|p| p.id.0.to_string() == chosen)
            .or_else(|| candidates().into_iter().next())
            .map(|p| p.id);
        let d = Dispatch {
            class: k,
            urgency: urgency.get_untracked(),
            department: dept.get_untracked(),
            handler: h,
            paid: paid.get_untracked(),
        };
        let (cal, s) = settings();
        submit(
            move |a| complaints::dispatch(a, id, &c, &d, now_ms(), &s, &cal),
            Text::new("已分类派单", "Classified and dispatched"),
            move || open.set(false),
        );
    };
    view! {
        <Sheet title=Signal::derive(|| t("cmp.dsp.title").to_string()) open=open>
            <div class="field">
                <span class="field-label">{move || t("cmp.dsp.class")}</span>
                <div class="cmp-classes" data-testid="cmp-classes">
                    {Class::ALL.iter().map(|k| {
                        let k = *k;
                        let def = k.definition();
                        let handlers: Vec<Text> = k.handlers().iter().map(|r| r.label()).collect();
                        let cb_role = k.callback_role().label();
                        view! {
                            <button class=move || if class.get() == Some(k) { "cmp-class on" } else { "cmp-class" }
                                data-testid=format!("cmp-class-{}", k.key()) on:click=move |_| class.set(Some(k))>
                                <strong>{move || tx(&k.label())}</strong>
                                <span>{move || tx(&def)}</span>
                                <small class="muted">{move || t("cmp.dsp.handlers")}" "{move || handlers.iter().map(tx).collect::<Vec<_>>().join("、")}
                                    " · "{move || t("cmp.dsp.callback_by")}" "{move || tx(&cb_role)}</small>
                            </button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <div class="field">
                <span class="field-label">{move || t("cmp.dsp.urgency")}</span>
                <div class="seg" data-testid="cmp-urgency">
                    {Urgency::ALL.iter().map(|u| {
                        let u = *u;
                        let mins = match u { Urgency::General => limits.contact_general_minutes, Urgency::Urgent => limits.contact_urgent_minutes };
                        let limit = if mins % 60 == 0 { format!("{} h", mins / 60) } else { format!("{mins} min") };
                        view! {
                            <button class=move || if urgency.get() == u { "seg-btn on" } else { "seg-btn" }
                                data-testid=format!("cmp-urg-{}", u.key()) on:click=move |_| urgency.set(u)>
                                {move || tx(&u.label())}" · "{move || t("cmp.dsp.contact_in")}" "{limit.clone()}
                            </button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <label class="field">
                <span class="field-label">{move || t("cmp.dsp.department")}</span>
                <select data-testid="cmp-dept" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(d) = Department::ALL.iter().find(|d| format!("{d:?}") == v) { dept.set(*d); handler.set(String::new()); }
                }>
                    {Department::ALL.iter().map(|d| {
                        let d = *d;
                        view! { <option value=format!("{d:?}") selected=move || dept.get() == d>{move || tx(&d.label())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field-label">{move || t("cmp.dsp.handler")}</span>
                <select data-testid="cmp-handler" on:change=move |ev| handler.set(event_target_value(&ev))>
                    {move || candidates().into_iter().map(|p| {
                        let v = p.id.0.to_string();
                        let sel = handler.get() == v;
                        view! { <option value=v selected=sel>{p.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="check">
                <input type="checkbox" data-testid="cmp-paid" prop:checked=move || paid.get() on:change=move |_| paid.update(|p| *p = !*p)/>
                <span>{move || t("cmp.dsp.paid")}</span>
            </label>
            <Show when=move || class.get() == Some(Class::Major)>
                <p class="notice">{move || t("cmp.dsp.major_alert")}</p>
            </Show>
            <button class="btn primary big" data-testid="cmp-dispatch-save" on:click=save>{move || t("cmp.dsp.save")}</button>
        </Sheet>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Drawn,
    Phone,
}

#[component]
fn CloseSheet(
    id: RecordId,
    open: RwSignal<bool>,
    rec: ReadSignal<Option<Option<Complaint>>>,
    people: People,
) -> impl IntoView {
    let cause = RwSignal::new(String::new());
    let measures = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    let reply = RwSignal::new(String::new());
    let mode = RwSignal::new(Mode::Drawn);
    let sig = RwSignal::new(String::new());
    let rating = RwSignal::new(None::<Rating>);
    let assignee = RwSignal::new(String::new());
    let anon = move || rec.get().flatten().is_some_and(|c| c.intake.anonymous);
    let role = move || {
        rec.get()
            .flatten()
            .and_then(|c| c.class)
            .unwrap_or(Class::Minor)
            .callback_role()
    };
    let callers = move || {
        let r = role();
        people
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.roles.contains(&r))
            .collect::<Vec<_>>()
    };
    let save = move |_| {
        let Some(c) = rec.get_untracked().flatten() else {
            return;
        };
        let signoff = if c.intake.anonymous {
            SignOff::WrittenReply {
                reply: reply.get_untracked(),
            }
        } else {
            match mode.get_untracked() {
                Mode::Drawn => SignOff::Drawn {
                    path: sig.get_untracked(),
                },
                Mode::Phone => SignOff::Phone,
            }
        };
        let chosen = assignee.get_untracked();
        let cb_assignee = callers()
            .into_iter()
            .find(|p| p.id.0.to_string() == chosen)
            .or_else(|| callers().into_iter().next())
            .map(|p| p.id);
        let closing = Closing {
            cause: cause.get_untracked(),
            measures: measures.get_untracked(),
            result: result.get_untracked(),
            signoff,
            rating: rating.get_untracked(),
            callback_assignee: cb_assignee,
        };
        let cb = app().new_id();
        let (cal, _) = settings();
        submit(
            move |a| complaints::complete(a, id, &c, &closing, cb, now_ms(), &cal),
            Text::new("已结案；回访已安排", "Completed; callback scheduled"),
            move || open.set(false),
        );
    };
    view! {
        <Sheet title=Signal::derive(|| t("cmp.c.title").to_string()) open=open>
            <Area label=Signal::derive(|| t("cmp.c.cause").to_string()) value=cause testid="cmp-cause"/>
            <Area label=Signal::derive(|| t("cmp.c.measures").to_string()) value=measures testid="cmp-measures"/>
            <Area label=Signal::derive(|| t("cmp.c.result").to_string()) value=result testid="cmp-result"/>
            <Show when=anon fallback=move || view! {
                <div class="field">
                    <span class="field-label">{move || t("cmp.c.rating")}</span>
                    <div class="seg" data-testid="cmp-rating">
                        {Rating::ALL.iter().map(|r| { let r = *r; view! {
                            <button class=move || if rating.get() == Some(r) { "seg-btn on" } else { "seg-btn" }
                                data-testid=format!("cmp-rate-{}", r.key()) on:click=move |_| rating.set(Some(r))>{move || tx(&r.label())}</button>
                        }}).collect_view()}
                    </div>
                </div>
                <div class="field">
                    <span class="field-label">{move || t("cmp.c.signoff")}</span>
                    <div class="seg">
                        <button class=move || if mode.get() == Mode::Drawn { "seg-btn on" } else { "seg-btn" } data-testid="cmp-mode-drawn" on:click=move |_| mode.set(Mode::Drawn)>{move || t("cmp.c.onsite")}</button>
                        <button class=move || if mode.get() == Mode::Phone { "seg-btn on" } else { "seg-btn" } data-testid="cmp-mode-phone" on:click=move |_| mode.set(Mode::Phone)>{move || t("cmp.c.phone")}</button>
                    </div>
                </div>
                <Show when=move || mode.get() == Mode::Drawn>
                    <SignaturePad path=sig testid="cmp-sig"/>
                </Show>
                <label class="field">
                    <span class="field-label">{move || t("cmp.c.caller")}" （"{move || tx(&role().label())}"）"</span>
                    <select data-testid="cmp-caller" on:change=move |ev| assignee.set(event_target_value(&ev))>
                        {move || callers().into_iter().map(|p| view! { <option value=p.id.0.to_string()>{p.name}</option> }).collect_view()}
                    </select>
                </label>
            }>
                <Area label=Signal::derive(|| t("cmp.c.reply").to_string()) value=reply testid="cmp-reply"/>
                <p class="muted">{move || t("cmp.c.anon_note")}</p>
            </Show>
            <button class="btn primary big" data-testid="cmp-close-save" on:click=save>{move || t("cmp.c.save")}</button>
        </Sheet>
    }
}

/// 客户投诉登记表 — the paper form, printed on A4 with the record filled in.
#[component]
fn PrintForm(c: Complaint, people: People) -> impl IntoView {
    let i = c.intake.clone();
    let r = c.report.clone();
    let sig = r.as_ref().and_then(|r| match &r.signoff {
        SignOff::Drawn { path } => Some(path.clone()),
        _ => None,
    });
    let signoff_text = r.as_ref().map(|r| match &r.signoff {
        SignOff::Phone => "电话确认".to_string(),
        SignOff::WrittenReply { reply } => format!("书面答复：{reply}"),
        SignOff::Drawn { .. } => String::new(),
    });
    let estate = crate::ui::state::ctx()
        .estate
        .get_untracked()
        .map(|e| e.name)
        .unwrap_or_default();
    let row = |k: &'static str, v: String| view! { <tr><th>{k}</th><td colspan="3">{v}</td></tr> };
    view! {
        <section class="print-only print-form" data-testid="cmp-print-form">
            <h1>{estate}" · 客户投诉登记表"</h1>
            <table>
                <tr><th>"投诉时间"</th><td>{when(c.received)}</td><th>"投诉渠道"</th><td>{i.channel.map(|x| x.label().zh).unwrap_or_default()}</td></tr>
                <tr><th>"投诉人"</th><td>{if i.anonymous { "匿名".into() } else { i.contact_name.clone() }}</td><th>"联系电话"</th><td>{i.contact_phone.clone()}</td></tr>
                <tr><th>"房号"</th><td>{i.place.clone()}</td><th>"投诉类别"</th><td>{i.subject.map(|x| x.label().zh).unwrap_or_default()}</td></tr>
                {row("发生时间、地点", i.occurred.clone())}
                {row("被投诉人/部门", i.about.clone())}
                {row("投诉内容", i.what.clone())}
                {row("客户要求", i.asks.clone())}
                <tr><th>"投诉级别"</th><td>{c.class.map(|x| x.label().zh).unwrap_or_default()}</td><th>"紧急程度"</th><td>{c.urgency.map(|x| x.label().zh).unwrap_or_default()}</td></tr>
                <tr><th>"处理部门"</th><td>{c.department.map(|x| x.label().zh).unwrap_or_default()}</td><th>"负责人"</th><td>{name_of(&people, c.handler)}</td></tr>
                {row("投诉原因", r.as_ref().map(|r| r.cause.clone()).unwrap_or_default())}
                {row("处理措施", r.as_ref().map(|r| r.measures.clone()).unwrap_or_default())}
                {row("处理结果", r.as_ref().map(|r| r.result.clone()).unwrap_or_default())}
                <tr><th>"客户评价"</th><td>{r.as_ref().and_then(|r| r.rating).map(|x| x.label().zh).unwrap_or_default()}</td>
                    <th>"完成时间"</th><td>{c.completed.map(when).unwrap_or_default()}</td></tr>
                <tr class="sign-row"><th>"客户签名"</th><td colspan="3">{sig.map(|p| view! { <SignatureView path=p/> })}{signoff_text}</td></tr>
                <tr class="sign-row"><th>"接待人"</th><td>{name_of(&people, Some(c.registered_by))}</td><th>"部门主管签名"</th><td></td></tr>
            </table>
        </section>
    }
}
