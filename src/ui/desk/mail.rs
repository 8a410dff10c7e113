//! 业主信件签收表 (DESK-1): register in seconds, notify, pick up with a signature or the ID
//! shown, unknown address → an Assistant, or back to the post office. Prints on A4; CSV.
//! The list reads the open letters' slim rows (`MailRow`, issue 19) and shows them a page at a
//! time; a step on a letter reads its full record when tapped.

use super::when;
use crate::domain::desk::mail::{self, Mail, MailInput, MailRow, MailStatus, NoticeHow};
use crate::domain::desk::DeskSettings;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::{Entropy, RecordId};
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use crate::sync::csv::CsvList;
use crate::ui::components::people::{all_staff, everyone, name_in, People};
use crate::ui::components::{SignaturePad, UnitHit, UnitSearch};
use crate::ui::i18n::t;
use crate::ui::platform::{now_ms, BrowserEntropy};
use crate::ui::state::{app, ctx, list_rows, loader, submit, toast_err, tx, tx_untracked};
use leptos::prelude::*;

/// The letters still at the desk (the `open|<month>` keys of every month), newest first, as
/// list rows.
async fn open_rows() -> Vec<(RecordId, MailRow)> {
    let mut v: Vec<(RecordId, MailRow)> = list_rows(&Query::new(
        RecordKind::Mail,
        Filter::Prefix("open|".into()),
    ))
    .await;
    v.sort_by_key(|(_, m)| std::cmp::Reverse(m.registered));
    v
}

/// A step on a letter reads its full record when tapped (the list holds rows, issue 19).
fn with_mail(id: RecordId, step: impl FnOnce(Mail) + 'static) {
    leptos::task::spawn_local(async move {
        match app().get::<Mail>(id).await {
            Ok(Some(m)) => step(m),
            _ => toast_err(tx_untracked(&Text::new(
                "找不到这封信件",
                "This letter was not found",
            ))),
        }
    });
}

/// Who registered a letter, blank when nobody is recorded (the printed register's 前台).
fn registrar(staff: &People, id: Option<crate::domain::ids::StaffId>) -> String {
    id.map(|_| crate::ui::components::people::name_of(staff, id))
        .unwrap_or_default()
}

#[component]
pub fn MailTab() -> impl IntoView {
    let c = ctx();
    let open = loader(open_rows);
    let shown = RwSignal::new(crate::ui::components::PAGE);
    let staff = everyone();
    let recipient = RwSignal::new(String::new());
    let unit = RwSignal::new(None::<RecordId>);
    let place = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let count = RwSignal::new("1".to_string());
    let shelf = RwSignal::new(String::new());
    let unknown = RwSignal::new(false);
    let picked = RwSignal::new(None::<RecordId>);

    let pick_unit = Callback::new(move |h: UnitHit| {
        unit.set(Some(h.unit));
        place.set(h.place.clone());
        if recipient.get_untracked().trim().is_empty() {
            recipient.set(h.name.clone());
        }
    });
    let register = move |_| {
        let input = MailInput {
            recipient: recipient.get_untracked(),
            unit: unit.get_untracked(),
            place: place.get_untracked(),
            number: number.get_untracked(),
            count: count.get_untracked().trim().parse().unwrap_or(0),
            shelf: shelf.get_untracked(),
            unknown_address: unknown.get_untracked(),
        };
        let days = c
            .estate
            .get_untracked()
            .map(|e| e.settings.desk.renotify_days)
            .unwrap_or_else(|| DeskSettings::default().renotify_days);
        let id = BrowserEntropy.id();
        let cal = crate::ui::duty::calendar();
        submit(
            move |a| mail::register(a, id, &input, &days, now_ms(), &cal),
            Text::new(
                "信件已登记，请立即通知住户",
                "Registered: tell the household now",
            ),
            move || {
                recipient.set(String::new());
                unit.set(None);
                place.set(String::new());
                number.set(String::new());
                count.set("1".into());
                unknown.set(false);
            },
        );
    };
    view! {
        <div class="desk-grid screen-only">
            <section class="card" data-testid="mail-register">
                <h2>{move || t("desk.mail.register")}</h2>
                <Show when=move || !unknown.get()>
                    <UnitSearch testid="mail-unit" on_pick=pick_unit/>
                    {move || (!place.get().is_empty()).then(|| view! { <p class="desk-picked" data-testid="mail-place">{place.get()}</p> })}
                </Show>
                <label class="check"><input type="checkbox" data-testid="mail-unknown" prop:checked=move || unknown.get()
                    on:change=move |ev| unknown.set(event_target_checked(&ev))/>{move || t("desk.mail.unknown")}</label>
                <div class="desk-fields">
                    <label class="field"><span class="field-label">{move || t("desk.mail.recipient")}</span>
                        <input data-testid="mail-recipient" prop:value=move || recipient.get() on:input=move |ev| recipient.set(event_target_value(&ev))/></label>
                    <label class="field"><span class="field-label">{move || t("desk.mail.number")}</span>
                        <input data-testid="mail-number" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/></label>
                    <label class="field field-num"><span class="field-label">{move || t("desk.mail.count")}</span>
                        <input inputmode="numeric" data-testid="mail-count" prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev))/></label>
                    <label class="field field-num"><span class="field-label">{move || t("desk.mail.shelf")}</span>
                        <input data-testid="mail-shelf" prop:value=move || shelf.get() on:input=move |ev| shelf.set(event_target_value(&ev))/></label>
                </div>
                <button class="btn primary big" data-testid="mail-save" on:click=register>{move || t("desk.mail.save")}</button>
            </section>
            <section class="card" data-testid="mail-open">
                <div class="desk-head">
                    <h2>{move || t("desk.mail.open")}</h2>
                    <div class="desk-tools">
                        <button class="btn small" data-testid="mail-print" on:click=move |_| crate::ui::components::print_page()>{move || t("desk.print")}</button>
                        <button class="btn small" data-testid="mail-csv" on:click=move |_| leptos::task::spawn_local(csv())>"CSV"</button>
                    </div>
                </div>
                {move || {
                    let list = open.get().unwrap_or_default();
                    if list.is_empty() {
                        return view! { <p class="empty">{move || t("desk.mail.none")}</p> }.into_any();
                    }
                    let n = list.len();
                    view! {
                        {move || list.iter().take(shown.get()).cloned().map(|(id, m)| view! { <MailItem id=id m=m picked=picked/> }).collect_view()}
                        <crate::ui::components::LoadMore shown=shown total=Signal::derive(move || n)/>
                    }.into_any()
                }}
            </section>
        </div>
        {move || picked.get().and_then(|id| open.get().unwrap_or_default().into_iter().find(|(i, _)| *i == id)).map(|(id, m)| view! { <Pickup id=id m=m picked=picked/> })}
        <section class="print-only print-form">
            <h1>{move || c.estate.get().map(|e| e.name).unwrap_or_default()}" · 业主信件签收表"</h1>
            <table>
                <tr><th>"登记时间"</th><th>"收件人"</th><th>"房号"</th><th>"挂号号码"</th><th>"数量"</th><th>"前台"</th><th>"领取签名"</th><th>"日期"</th></tr>
                {move || open.get().unwrap_or_default().into_iter().map(|(_, m)| {
                    view! { <tr><td>{when(m.registered)}</td><td>{m.recipient.clone()}</td><td>{m.place.clone()}</td><td>{m.number.clone()}</td><td>{m.count}</td><td>{registrar(&staff, m.registered_by)}</td><td></td><td></td></tr> }
                }).collect_view()}
            </table>
        </section>
    }
}

/// The register of the last twelve months (`m|<month>`, newest first), full records: the CSV
/// has the pickups' details, which the rows leave out.
async fn csv() {
    let a = app();
    let today = crate::ui::duty::calendar().local_date(now_ms());
    let mut list: Vec<Mail> = Vec::new();
    for (y, m) in crate::domain::complaints::report::recent_months(today) {
        let q = Query::new(RecordKind::Mail, Filter::Prefix(format!("m|{y}-{m:02}")));
        let mut month: Vec<Mail> = a
            .query(&q)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Mail>())
            .collect();
        month.sort_by_key(|m| std::cmp::Reverse(m.registered));
        list.extend(month);
    }
    let staff = all_staff().await;
    let rows = mail::register_csv(
        &list,
        |id| id.map(|i| name_in(&staff, i)).unwrap_or_default(),
        when,
    );
    let (head, body) = rows
        .split_first()
        .map(|(h, b)| (h.clone(), b.to_vec()))
        .unwrap_or_default();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    crate::ui::sync::lists::download_csv(CsvList::Mail, "mail", &head, &body).await;
}

#[component]
fn MailItem(id: RecordId, m: MailRow, picked: RwSignal<Option<RecordId>>) -> impl IntoView {
    let c = ctx();
    let status = m.status;
    let how = RwSignal::new(NoticeHow::Phone);
    let note = RwSignal::new(String::new());
    let who = RwSignal::new(m.recipient.clone());
    let where_ = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let state = m.clock.as_ref().map(|k| k.state(now_ms()));
    let clock_name = m.clock.as_ref().map(|k| k.name.clone());
    let deadline = m
        .clock
        .as_ref()
        .map(|k| when(k.deadline))
        .unwrap_or_default();
    let notify = move |_| {
        let (h, n) = (how.get_untracked(), note.get_untracked());
        with_mail(id, move |m| {
            let cal = crate::ui::duty::calendar();
            submit(
                move |a| mail::notify(a, id, &m, h, &n, now_ms(), &cal),
                Text::new("已记录通知", "Notice recorded"),
                move || note.set(String::new()),
            );
        });
    };
    let identify = move |_| {
        let (r, p) = (who.get_untracked(), where_.get_untracked());
        with_mail(id, move |m| {
            let cal = crate::ui::duty::calendar();
            submit(
                move |a| mail::identify(a, id, &m, &r, None, &p, now_ms(), &cal),
                Text::new("已识别收件人，请通知住户", "Identified: tell the household"),
                || {},
            );
        });
    };
    let give_back = move |_| {
        let r = reason.get_untracked();
        with_mail(id, move |m| {
            submit(
                move |a| mail::return_to_post(a, id, &m, &r, now_ms()),
                Text::new("已记录退回邮局", "Return to the post office recorded"),
                || {},
            );
        });
    };
    let may_identify = move || c.session.get().is_some_and(|s| s.may(Action::IdentifyMail));
    view! {
        <div class="desk-row" data-testid="mail-row">
            <div class="row-main">
                <strong>{if m.place.is_empty() { tx(&Text::new("地址不详", "Unknown address")) } else { m.place.clone() }}" · "{m.recipient.clone()}</strong>
                <span class="muted">{m.number.clone()}" ×"{m.count}" · "{m.shelf.clone()}" · "{when(m.registered)}</span>
                <span class="muted" data-testid="mail-status">{tx(&status.label())}" · "{move || t("desk.mail.notices")}{m.notices}</span>
                {clock_name.map(|n| view! { <span class="muted" data-testid="mail-next">{tx(&n)}" · "{deadline.clone()}</span> })}
            </div>
            <div class="row-side desk-actions">
                {state.map(|s| view! { <crate::ui::components::SlaBadge state=s/> })}
                {(status == MailStatus::Unidentified).then(|| view! {
                    <Show when=may_identify>
                        <input data-testid="mail-id-recipient" placeholder=move || t("desk.mail.recipient") prop:value=move || who.get() on:input=move |ev| who.set(event_target_value(&ev))/>
                        <input data-testid="mail-id-place" placeholder=move || t("desk.mail.place") prop:value=move || where_.get() on:input=move |ev| where_.set(event_target_value(&ev))/>
                        <button class="btn small" data-testid="mail-identify" on:click=identify>{move || t("desk.mail.identify")}</button>
                    </Show>
                    <input data-testid="mail-return-reason" placeholder=move || t("desk.mail.return_reason") prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                    <button class="btn small" data-testid="mail-return" on:click=give_back>{move || t("desk.mail.return")}</button>
                })}
                {(status != MailStatus::Unidentified).then(|| view! {
                    <select data-testid="mail-how" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(h) = NoticeHow::ALL.into_iter().find(|h| format!("{h:?}") == v) { how.set(h) }
                    }>
                        {NoticeHow::ALL.into_iter().map(|h| view! { <option value=format!("{h:?}")>{tx(&h.label())}</option> }).collect_view()}
                    </select>
                    <button class="btn small" data-testid="mail-notify" on:click=notify>{move || t("desk.mail.notify")}</button>
                    <button class="btn small primary" data-testid="mail-pickup" on:click=move |_| picked.set(Some(id))>{move || t("desk.mail.pickup")}</button>
                })}
            </div>
        </div>
    }
}

/// Pickup: who collects, their drawn signature or the ID shown (DESK-1).
#[component]
fn Pickup(id: RecordId, m: MailRow, picked: RwSignal<Option<RecordId>>) -> impl IntoView {
    let who = RwSignal::new(m.recipient.clone());
    let sig = RwSignal::new(String::new());
    let id_shown = RwSignal::new(String::new());
    let title = format!("{} · {} · {}", m.place, m.recipient, m.number);
    let done = move |_| {
        let (w, s, i) = (
            who.get_untracked(),
            sig.get_untracked(),
            id_shown.get_untracked(),
        );
        with_mail(id, move |m| {
            submit(
                move |a| mail::pick_up(a, id, &m, &w, &s, &i, now_ms()),
                Text::new("已签收", "Picked up"),
                move || picked.set(None),
            );
        });
    };
    view! {
        <section class="card desk-pickup" data-testid="mail-pickup-form">
            <h2>{move || t("desk.mail.pickup")}" · "{title.clone()}</h2>
            <label class="field"><span class="field-label">{move || t("desk.mail.collected_by")}</span>
                <input data-testid="mail-collected-by" prop:value=move || who.get() on:input=move |ev| who.set(event_target_value(&ev))/></label>
            <span class="field-label">{move || t("desk.mail.sign")}</span>
            <SignaturePad path=sig testid="mail-sig"/>
            <label class="field"><span class="field-label">{move || t("desk.mail.id_shown")}</span>
                <input data-testid="mail-id-shown" prop:value=move || id_shown.get() on:input=move |ev| id_shown.set(event_target_value(&ev))/></label>
            <div class="desk-tools">
                <button class="btn" on:click=move |_| picked.set(None)>{move || t("desk.cancel")}</button>
                <button class="btn primary big" data-testid="mail-pickup-save" on:click=done>{move || t("desk.mail.pickup_save")}</button>
            </div>
        </section>
    }
}
