//! 登记投诉 (CMP-1, CMP-2, CMP-11): one screen, big targets, in under a minute — channel, the
//! household by unit number (or anonymous), the matter, what happened and what the customer
//! asks. The reception rules and "四清楚一报告" stand beside the form as a checklist.

use super::settings;
use crate::domain::complaints::{self, Channel, Complaint, Intake, Subject};
use crate::domain::ids::RecordId;
use crate::ui::components::{Area, UnitHit, UnitSearch};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, ctx, go, submit, tx, CmpTab, Page};
use leptos::prelude::*;

#[component]
pub(super) fn RegisterForm() -> impl IntoView {
    let channel = RwSignal::new(None::<Channel>);
    let anonymous = RwSignal::new(false);
    let picked = RwSignal::new(None::<UnitHit>);
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let subject = RwSignal::new(None::<Subject>);
    let occurred = RwSignal::new(String::new());
    let about = RwSignal::new(String::new());
    let what = RwSignal::new(String::new());
    let asks = RwSignal::new(String::new());
    let dup = RwSignal::new(None::<RecordId>);

    // CMP-11: open complaints of the same unit (or, anonymous, of the same matter).
    let (open_same, set_open_same) = signal(Vec::<(RecordId, Complaint)>::new());
    Effect::new(move |_| {
        let unit = picked.get().map(|p| p.unit);
        let sub = subject.get();
        ctx().rev.track();
        leptos::task::spawn_local(async move {
            // The open complaints only (status index), never all of five years (issue 7).
            let found: Vec<(RecordId, Complaint)> = super::open_complaints()
                .await
                .into_iter()
                .filter(|(_, c)| match unit {
                    Some(u) => c.intake.unit == Some(u),
                    None => sub.is_some() && c.intake.subject == sub,
                })
                .take(5)
                .collect();
            set_open_same.set(found);
        });
    });

    let pick = move |h: UnitHit| {
        name.set(h.name.clone());
        phone.set(h.phone.clone());
        anonymous.set(false);
        picked.set(Some(h));
    };
    let choose_subject = move |s: Subject| {
        subject.set(Some(s));
        // CMP-6: the department the matter goes to, proposed as "about" if not typed.
        let proposed = s.department().label();
        let current = about.get_untracked();
        if current.is_empty()
            || crate::domain::roles::Department::ALL
                .iter()
                .any(|d| d.label().zh == current || d.label().en == current)
        {
            about.set(tx(&proposed));
        }
    };
    let reset = move || {
        for s in [name, phone, occurred, about, what, asks] {
            s.set(String::new());
        }
        channel.set(None);
        subject.set(None);
        picked.set(None);
        anonymous.set(false);
        dup.set(None);
    };
    let save = move |_| {
        let p = picked.get_untracked();
        let intake = Intake {
            channel: channel.get_untracked(),
            household: p.as_ref().and_then(|p| p.household),
            unit: p.as_ref().map(|p| p.unit),
            place: p.as_ref().map(|p| p.place.clone()).unwrap_or_default(),
            anonymous: anonymous.get_untracked(),
            contact_name: name.get_untracked(),
            contact_phone: phone.get_untracked(),
            occurred: occurred.get_untracked(),
            about: about.get_untracked(),
            subject: subject.get_untracked(),
            what: what.get_untracked(),
            asks: asks.get_untracked(),
            duplicate_of: dup.get_untracked(),
        };
        let original = dup.get_untracked().and_then(|d| {
            open_same
                .get_untracked()
                .into_iter()
                .find(|(id, _)| *id == d)
        });
        let id = app().new_id();
        let (cal, _) = settings();
        submit(
            move |actor| {
                complaints::register(
                    actor,
                    id,
                    &intake,
                    original.as_ref().map(|(i, c)| (*i, c)),
                    now_ms(),
                    &cal,
                )
            },
            crate::domain::i18n::Text::new(
                "投诉已登记，请报告主管分类派单",
                "Complaint registered; report it to the supervisor",
            ),
            move || {
                reset();
                go(Page::Complaints(CmpTab::List));
            },
        );
    };

    view! {
        <div class="cmp-register">
            <section class="card cmp-form" data-testid="cmp-form">
                <h1 class="page-title">{move || t("cmp.reg.title")}</h1>
                <div class="field">
                    <span class="field-label">{move || t("cmp.reg.channel")}</span>
                    <div class="seg" role="radiogroup" data-testid="cmp-channel">
                        {Channel::ALL.iter().map(|ch| {
                            let ch = *ch;
                            view! {
                                <button class=move || if channel.get() == Some(ch) { "seg-btn on" } else { "seg-btn" }
                                    data-testid=format!("cmp-ch-{}", ch.key()) on:click=move |_| channel.set(Some(ch))>
                                    {move || tx(&ch.label())}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                </div>

                <div class="field">
                    <span class="field-label">{move || t("cmp.reg.household")}</span>
                    {move || match (picked.get(), anonymous.get()) {
                        (_, true) => view! {
                            <div class="cmp-picked anon" data-testid="cmp-anon-on">
                                <strong>{move || t("cmp.anonymous")}</strong>
                                <span class="muted">{move || t("cmp.reg.anon_hint")}</span>
                                <button class="btn small" on:click=move |_| anonymous.set(false)>{move || t("cmp.reg.change")}</button>
                            </div>
                        }.into_any(),
                        (Some(p), false) => view! {
                            <div class="cmp-picked" data-testid="cmp-picked">
                                <span class="unit-badge"><strong>{p.place.clone()}</strong></span>
                                <span>{p.name.clone()}</span>
                                <button class="btn small" on:click=move |_| picked.set(None)>{move || t("cmp.reg.change")}</button>
                            </div>
                        }.into_any(),
                        (None, false) => view! {
                            <UnitSearch testid="cmp-unit" on_pick=Callback::new(pick)>
                                <button class="btn" data-testid="cmp-anon" on:click=move |_| { anonymous.set(true); picked.set(None); }>
                                    {move || t("cmp.anonymous")}
                                </button>
                            </UnitSearch>
                        }.into_any(),
                    }}
                </div>

                <Show when=move || !anonymous.get()>
                    <div class="row2">
                        <crate::ui::components::TextField label=Signal::derive(|| t("cmp.reg.name").to_string()) value=name testid="cmp-name"/>
                        <crate::ui::components::TextField label=Signal::derive(|| t("cmp.reg.phone").to_string()) value=phone testid="cmp-phone" kind="tel" inputmode="tel"/>
                    </div>
                </Show>

                <div class="field">
                    <span class="field-label">{move || t("cmp.reg.subject")}</span>
                    <div class="cmp-subjects" data-testid="cmp-subjects">
                        {Subject::ALL.iter().map(|s| {
                            let s = *s;
                            view! {
                                <button class=move || if subject.get() == Some(s) { "cmp-subject on" } else { "cmp-subject" }
                                    data-testid=format!("cmp-sub-{}", s.key()) on:click=move |_| choose_subject(s)>
                                    {move || tx(&s.label())}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    {move || subject.get().map(|s| {
                        let d = s.department().label();
                        view! { <span class="muted">{move || t("cmp.reg.goes_to")}" "<strong>{move || tx(&d)}</strong></span> }
                    })}
                </div>

                <Area label=Signal::derive(|| t("cmp.reg.what").to_string()) value=what testid="cmp-what"/>
                <Area label=Signal::derive(|| t("cmp.reg.asks").to_string()) value=asks testid="cmp-asks"/>
                <div class="row2">
                    <crate::ui::components::TextField label=Signal::derive(|| t("cmp.reg.occurred").to_string()) value=occurred testid="cmp-occurred" placeholder=t("cmp.reg.occurred_ph").to_string()/>
                    <crate::ui::components::TextField label=Signal::derive(|| t("cmp.reg.about").to_string()) value=about testid="cmp-about"/>
                </div>

                <Show when=move || !open_same.get().is_empty()>
                    <div class="field cmp-dup" data-testid="cmp-dup">
                        <span class="field-label">{move || t("cmp.reg.dup")}</span>
                        {move || open_same.get().into_iter().map(|(id, c)| {
                            let what = c.intake.what.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" data-testid="cmp-dup-pick" prop:checked=move || dup.get() == Some(id)
                                        on:change=move |_| dup.update(|d| *d = if *d == Some(id) { None } else { Some(id) })/>
                                    <span>{what}" · "{super::when(c.received)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </Show>

                <button class="btn primary big" data-testid="cmp-save" on:click=save>{move || t("cmp.reg.save")}</button>
            </section>

            <aside class="card cmp-rules" data-testid="cmp-rules">
                <h2>{move || t("cmp.rules.title")}</h2>
                <p class="cmp-twelve">"礼貌 · 乐观 · 热情 · 友善 · 耐心 · 平等"</p>
                <p class="muted">{move || t("cmp.rules.body")}</p>
                <h3>{move || t("cmp.four.title")}</h3>
                <div class="cmp-four">
                    {["cmp.four.1", "cmp.four.2", "cmp.four.3", "cmp.four.4", "cmp.four.5"].into_iter().map(|k| view! {
                        <label class="check"><input type="checkbox"/><span>{move || t(k)}</span></label>
                    }).collect_view()}
                </div>
            </aside>
        </div>
    }
}
