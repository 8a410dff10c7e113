//! 登记违章 (VIO-1, VIO-2, VIO-3, VIO-5): one screen in under a minute — the unit (or a
//! person, vehicle, place), the type and sub-item as chips, the facts, photos from the camera,
//! "persuaded on the spot: stopped / ignored" and the severity with its definition. The VIO-1
//! principles stand beside the form.

use super::{assistants, cal, people, recipients};
use crate::domain::i18n::Text;
use crate::domain::ids::StaffId;
use crate::domain::photo::Photo;
use crate::domain::violations::{self, Category, Persuasion, Severity, ViolationInfo, PRINCIPLES};
use crate::ui::components::{Area, PhotoField, SignaturePad, TextField, UnitHit, UnitSearch};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, go, submit, tx, Page, VioTab};
use leptos::prelude::*;

#[component]
pub(super) fn RecordForm() -> impl IntoView {
    let picked = RwSignal::new(None::<UnitHit>);
    let violator = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let category = RwSignal::new(None::<Category>);
    let item = RwSignal::new(None::<u8>);
    let facts = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<Photo>::new());
    let persuaded = RwSignal::new(None::<Persuasion>);
    let severity = RwSignal::new(None::<Severity>);
    let via = RwSignal::new(None::<StaffId>);
    let sig = RwSignal::new(String::new());
    let people = people();

    let pick = Callback::new(move |h: UnitHit| {
        if violator.get_untracked().is_empty() {
            violator.set(h.name.clone());
        }
        picked.set(Some(h));
    });
    let save = move |_| {
        let p = picked.get_untracked();
        let info = ViolationInfo {
            category: category.get_untracked(),
            item: item.get_untracked(),
            unit: p.as_ref().map(|p| p.unit),
            household: p.as_ref().and_then(|p| p.household),
            unit_label: p.as_ref().map(|p| p.place.clone()).unwrap_or_default(),
            violator: violator.get_untracked(),
            location: location.get_untracked(),
            facts: facts.get_untracked(),
            photos: photos.get_untracked(),
            persuaded: persuaded.get_untracked(),
            severity: severity.get_untracked(),
            source: None,
        };
        let id = app().new_id();
        let to = recipients(&people);
        let v = via.get_untracked();
        let s = sig.get_untracked();
        let cal = cal();
        submit(
            move |actor| violations::record(actor, id, &info, v, &to, &s, now_ms(), &cal),
            Text::new("违章已登记", "Violation recorded"),
            move || go(Page::Violations(VioTab::List)),
        );
    };
    let goes = move || match (severity.get(), persuaded.get()) {
        (Some(Severity::Major), _) => t("vio.form.goes_dir"),
        (Some(Severity::General), Some(Persuasion::Stopped)) => t("vio.form.goes_spot"),
        (Some(Severity::General), _) => t("vio.form.goes_sup"),
        _ => "",
    };

    view! {
        <div class="cmp-register vio-record">
            <section class="card cmp-form" data-testid="vio-form">
                <h1 class="page-title">{move || t("vio.form.title")}</h1>
                <div class="field">
                    <span class="field-label">{move || t("vio.form.unit")}</span>
                    {move || match picked.get() {
                        Some(p) => view! {
                            <div class="cmp-picked" data-testid="vio-picked">
                                <span class="unit-badge"><strong>{p.place.clone()}</strong></span>
                                <span>{p.name.clone()}</span>
                                <button class="btn small" on:click=move |_| picked.set(None)>{move || t("cmp.reg.change")}</button>
                            </div>
                        }.into_any(),
                        None => view! { <UnitSearch testid="vio-unit" on_pick=pick/> }.into_any(),
                    }}
                </div>
                <div class="row2">
                    <TextField label=Signal::derive(|| t("vio.form.violator").to_string()) value=violator testid="vio-violator"
                        placeholder=t("vio.form.violator_ph")/>
                    <TextField label=Signal::derive(|| t("vio.form.location").to_string()) value=location testid="vio-location"/>
                </div>
                <div class="field">
                    <span class="field-label">{move || t("vio.form.category")}</span>
                    <div class="chips pick" data-testid="vio-category">
                        {Category::ALL.iter().map(|c| { let c = *c; view! {
                            <button class=move || if category.get() == Some(c) { "chip-btn on" } else { "chip-btn" }
                                data-testid=format!("vio-cat-{}", c.key())
                                on:click=move |_| { category.set(Some(c)); item.set(None); }>{move || tx(&c.label())}</button>
                        }}).collect_view()}
                    </div>
                </div>
                {move || category.get().filter(|c| !c.items().is_empty()).map(|c| view! {
                    <div class="field">
                        <span class="field-label">{move || t("vio.form.item")}</span>
                        <div class="chips pick" data-testid="vio-items">
                            {(0..c.items().len()).map(|i| { let i = i as u8; view! {
                                <button class=move || if item.get() == Some(i) { "chip-btn on" } else { "chip-btn" }
                                    data-testid=format!("vio-item-{i}")
                                    on:click=move |_| item.set(Some(i))>{move || c.item_label(Some(i)).map(|x| tx(&x)).unwrap_or_default()}</button>
                            }}).collect_view()}
                        </div>
                    </div>
                })}
                <Area label=Signal::derive(|| t("vio.form.facts").to_string()) value=facts testid="vio-facts"/>
                <div class="field">
                    <span class="field-label">{move || t("vio.form.photos")}</span>
                    <PhotoField photos=photos testid="vio"/>
                </div>
                <div class="field">
                    <span class="field-label">{move || t("vio.form.persuaded")}</span>
                    <div class="seg" role="radiogroup">
                        {Persuasion::ALL.iter().map(|p| { let p = *p; view! {
                            <button class=move || if persuaded.get() == Some(p) { "seg-btn on" } else { "seg-btn" }
                                data-testid=format!("vio-persuaded-{}", p.key()) on:click=move |_| persuaded.set(Some(p))>{move || tx(&p.label())}</button>
                        }}).collect_view()}
                    </div>
                </div>
                <div class="field">
                    <span class="field-label">{move || t("vio.form.severity")}</span>
                    <div class="seg" role="radiogroup">
                        {Severity::ALL.iter().map(|s| { let s = *s; view! {
                            <button class=move || if severity.get() == Some(s) { "seg-btn on" } else { "seg-btn" }
                                data-testid=format!("vio-severity-{}", s.key()) on:click=move |_| severity.set(Some(s))>{move || tx(&s.label())}</button>
                        }}).collect_view()}
                    </div>
                    {move || severity.get().map(|s| view! { <p class="muted" data-testid="vio-sev-def">{move || tx(&s.definition())}</p> })}
                </div>
                <Show when=move || severity.get() == Some(Severity::General) && persuaded.get() == Some(Persuasion::Ignored)>
                    <label class="field">
                        <span class="field-label">{move || t("vio.form.via")}</span>
                        <select data-testid="vio-via" on:change=move |ev| via.set(event_target_value(&ev).parse().ok())>
                            <option value="">{move || t("vio.form.via_self")}</option>
                            {move || assistants(&people).into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
                <div class="field">
                    <span class="field-label">{move || t("vio.form.sign")}</span>
                    <SignaturePad path=sig testid="vio-sign"/>
                </div>
                <p class="muted" data-testid="vio-goes">{move || t("vio.form.goes")}" "{goes}</p>
                <button class="btn primary big" data-testid="vio-save" on:click=save>{move || t("vio.form.save")}</button>
            </section>
            <aside class="card cmp-rules" data-testid="vio-principles">
                <h2>{move || t("vio.form.principles")}</h2>
                <ol>
                    {PRINCIPLES.iter().map(|(zh, en)| { let x = Text::new(*zh, *en); view! { <li>{move || tx(&x)}</li> }}).collect_view()}
                </ol>
            </aside>
        </div>
    }
}
