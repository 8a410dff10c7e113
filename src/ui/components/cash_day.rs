//! The day's cash of one desk (PAID-4, DESK-3): the receipts taken today, an earlier day still
//! open (close it, or a Supervisor carries it over), and the close — collected by the app vs
//! counted vs handed to finance; a difference needs a reason and a second person's PIN,
//! verified on this tablet the way sign-in does (`App::sign_in`). Shared by the front desk's
//! sales and the paid services. Rules: `domain::cash`.

use crate::domain::cash::{self, CashDay, CloseInput, DayStatus, Reconciliation};
use crate::domain::command::Actor;
use crate::domain::duty::Post;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in};
use crate::ui::components::PinPad;
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms, uptime};
use crate::ui::state::{app, ctx, loader, submit, toast_err, tx_untracked, utc_offset_untracked};
use leptos::prelude::*;

/// Today's record of the till (None before the first receipt) and an earlier day still open,
/// which refuses new cash — what `cash::collect` needs. For any page that takes money.
pub async fn till_state(post: Post) -> (Option<CashDay>, Option<CashDay>) {
    let cal = crate::ui::duty::calendar();
    let date = cal.local_date(now_ms());
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
    (today, cash::pending_before(&open, post, date))
}

/// This tablet's short code on receipts (first 4 hex digits of its device id).
pub fn tablet_code() -> String {
    app().device().0.simple().to_string()[..4].to_uppercase()
}

fn hm(ms: i64) -> String {
    let s = format_time(ms, utc_offset_untracked());
    s.get(11..16).unwrap_or(&s).to_string()
}

#[component]
pub fn CashDayPanel(post: Post) -> impl IntoView {
    let c = ctx();
    let state = loader(move || async move { till_state(post).await });
    let staff = loader(all_staff);
    let counted = RwSignal::new(String::new());
    let handed = RwSignal::new(String::new());
    let received_by = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let carry_reason = RwSignal::new(String::new());
    let second_person = RwSignal::new(None::<crate::domain::ids::StaffId>);
    let second = RwSignal::new(None::<Actor>);
    let busy = RwSignal::new(false);

    // The day being closed: an earlier open day first, else today's.
    let day = move || -> Option<CashDay> {
        let (today, pending) = state.get()?;
        pending.or(today.filter(|d| d.status() != DayStatus::Closed))
    };
    let rec = move || -> Option<Reconciliation> {
        let d = day()?;
        Some(Reconciliation {
            collected: d.collected(),
            counted: cash::parse_yuan(&counted.get())?,
            handed: cash::parse_yuan(&handed.get())?,
        })
    };
    let differs = move || rec().is_some_and(|r| !r.agrees());
    let verify = move |pin: String| {
        let Some(id) = second_person.get_untracked() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match app().sign_in(id, &pin, uptime()).await {
                Ok(a) => second.set(Some(a)),
                Err(e) => toast_err(tx_untracked(&e.message())),
            }
            busy.set(false);
        });
    };
    let close = move |_| {
        let Some(d) = day() else { return };
        let (Some(cn), Some(hd)) = (
            cash::parse_yuan(&counted.get_untracked()),
            cash::parse_yuan(&handed.get_untracked()),
        ) else {
            return toast_err(t("cash.amount_bad"));
        };
        let input = CloseInput {
            counted: cn,
            handed: hd,
            received_by: received_by.get_untracked(),
            reason: reason.get_untracked(),
        };
        let s = second.get_untracked();
        submit(
            move |a| cash::close_day(a, &d, &input, s.as_ref(), now_ms()),
            Text::new("现金已日结，日结单已生成", "Cash day closed"),
            move || {
                counted.set(String::new());
                handed.set(String::new());
                reason.set(String::new());
                second.set(None);
                second_person.set(None);
            },
        );
    };
    let carry = move |_| {
        let Some((_, Some(p))) = state.get_untracked() else {
            return;
        };
        let r = carry_reason.get_untracked();
        submit(
            move |a| cash::carry_over(a, &p, &r, now_ms()),
            Text::new("已顺延，今日可收款", "Carried over; today may take cash"),
            move || carry_reason.set(String::new()),
        );
    };
    let may = move |a: Action| c.session.get().is_some_and(|s| s.may(a));
    let people = move || -> Vec<(crate::domain::ids::StaffId, String)> {
        let me = c.session.get().map(|s| s.id);
        staff
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|s| {
                s.active
                    && Some(s.id) != me
                    && crate::domain::roles::authorize(&s.role_set(), Action::CloseTill).is_ok()
            })
            .map(|s| (s.id, s.name))
            .collect()
    };
    let closed_today = move || {
        state
            .get()
            .and_then(|(t, p)| if p.is_none() { t } else { None })
            .filter(|d| d.status() == DayStatus::Closed)
    };

    view! {
        <section class="card cash-day" data-testid="cash-day">
            <h2>{move || t("cash.title")}" · "{post.label().zh}</h2>
            {move || closed_today().map(|d| {
                let c = d.closed.clone().unwrap();
                view! {
                    <div class="cash-closed" data-testid="cash-closed">
                        <strong>{move || t("cash.closed")}" "{c.number.clone()}</strong>
                        <span>{format!("{} {} · {} {} · {} {}", t_("cash.collected"), cash::yuan(c.collected), t_("cash.counted"), cash::yuan(c.counted), t_("cash.handed"), cash::yuan(c.handed))}</span>
                        {(!c.reason.is_empty()).then(|| view! { <span class="muted">{format!("{}：{}", t_("cash.reason"), c.reason)}</span> })}
                        {move || {
                            let s = staff.get().unwrap_or_default();
                            let by = name_in(&s, c.by);
                            let second = c.second.map(|x| format!(" · {} {}", t_("cash.confirmed_by"), name_in(&s, x))).unwrap_or_default();
                            view! { <span class="muted" data-testid="cash-closed-by">{format!("{} {}{second} · {}", t_("cash.closed_by"), by, c.received_by)}</span> }
                        }}
                    </div>
                }
            })}
            {move || day().map(|d| {
                let date = d.date.map(|x| x.to_string()).unwrap_or_default();
                let earlier = state.get().is_some_and(|(_, p)| p.is_some());
                let receipts = d.receipts.clone();
                view! {
                    {earlier.then(|| view! {
                        <p class="cash-warn" data-testid="cash-pending">{move || t("cash.pending")}" "{date.clone()}</p>
                    })}
                    <table class="cash-receipts" data-testid="cash-receipts">
                        <thead><tr><th>{move || t("cash.receipt")}</th><th>{move || t("cash.time")}</th><th>{move || t("cash.what")}</th><th class="num">{move || t("cash.amount")}</th></tr></thead>
                        <tbody>
                            {receipts.into_iter().map(|r| view! {
                                <tr><td class="mono">{r.receipt}</td><td>{hm(r.at)}</td><td>{r.what}" · "{r.payer}</td><td class="num">{cash::yuan(r.amount)}</td></tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr><th colspan="3">{move || t("cash.collected")}</th><th class="num" data-testid="cash-collected">{cash::yuan(d.collected())}</th></tr></tfoot>
                    </table>
                    {(earlier && may(Action::CarryOverCash)).then(|| view! {
                        <div class="inline-form cash-carry">
                            <label class="field"><span class="field-label">{move || t("cash.carry_reason")}</span>
                                <input data-testid="cash-carry-reason" prop:value=move || carry_reason.get() on:input=move |ev| carry_reason.set(event_target_value(&ev))/></label>
                            <button class="btn" data-testid="cash-carry" on:click=carry>{move || t("cash.carry")}</button>
                        </div>
                    })}
                }
            })}
            {move || (day().is_none() && closed_today().is_none()).then(|| view! { <p class="empty">{move || t("cash.none")}</p> })}
            <Show when=move || day().is_some() && may(Action::CloseTill)>
                <h3>{move || t("cash.close")}</h3>
                <div class="cash-form">
                    <label class="field"><span class="field-label">{move || t("cash.counted")}" (¥)"</span>
                        <input inputmode="decimal" data-testid="cash-counted" prop:value=move || counted.get() on:input=move |ev| { counted.set(event_target_value(&ev)); second.set(None) }/></label>
                    <label class="field"><span class="field-label">{move || t("cash.handed")}" (¥)"</span>
                        <input inputmode="decimal" data-testid="cash-handed" prop:value=move || handed.get() on:input=move |ev| { handed.set(event_target_value(&ev)); second.set(None) }/></label>
                    <label class="field"><span class="field-label">{move || t("cash.received_by")}</span>
                        <input data-testid="cash-received-by" prop:value=move || received_by.get() on:input=move |ev| received_by.set(event_target_value(&ev))/></label>
                </div>
                {move || rec().map(|r| view! {
                    <p class=if r.agrees() { "cash-check ok" } else { "cash-check diff" } data-testid="cash-check">
                        {format!("{} {} · {} {} · {} {}", t_("cash.collected"), cash::yuan(r.collected), t_("cash.counted"), cash::yuan(r.counted), t_("cash.handed"), cash::yuan(r.handed))}
                        {(!r.agrees()).then(|| format!(" · {} {}", t_("cash.diff"), cash::yuan(r.counted - r.collected)))}
                    </p>
                })}
                <Show when=differs>
                    <label class="field"><span class="field-label">{move || t("cash.reason")}</span>
                        <input data-testid="cash-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/></label>
                    <div class="cash-second" data-testid="cash-second">
                        <span class="field-label">{move || t("cash.second")}</span>
                        {move || match second.get() {
                            Some(a) => {
                                let n = staff.get().map(|s| name_in(&s, a.id)).unwrap_or_default();
                                view! { <div class="signed" data-testid="cash-second-signed">"✓ "{n}</div> }.into_any()
                            }
                            None => view! {
                                <select data-testid="cash-second-person" on:change=move |ev| second_person.set(event_target_value(&ev).parse().ok())>
                                    <option value="">{move || t("duty.ho.choose")}</option>
                                    {move || people().into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                                </select>
                                <Show when=move || second_person.get().is_some()>
                                    <PinPad on_submit=verify busy=busy/>
                                </Show>
                            }.into_any(),
                        }}
                    </div>
                </Show>
                <button class="btn primary big" data-testid="cash-close"
                    disabled=move || rec().is_none() || (differs() && (second.get().is_none() || reason.get().trim().is_empty()))
                    on:click=close>{move || t("cash.close_btn")}</button>
            </Show>
        </section>
    }
}

fn t_(key: &str) -> String {
    crate::ui::i18n::t_untracked(key).to_string()
}

/// The component's strings, registered in `ui::i18n::AREAS`.
pub fn pair(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "cash.title" => ("现金日结", "The day's cash"),
        "cash.closed" => ("今日已日结", "Today is closed"),
        "cash.closed_by" => ("日结人", "Closed by"),
        "cash.confirmed_by" => ("确认人", "confirmed by"),
        "cash.collected" => ("系统收款", "Collected"),
        "cash.counted" => ("清点现金", "Counted"),
        "cash.handed" => ("上交财务", "Handed to finance"),
        "cash.received_by" => ("财务接收人", "Received at finance by"),
        "cash.reason" => ("差额原因", "Reason for the difference"),
        "cash.diff" => ("差额", "Difference"),
        "cash.pending" => (
            "以下日期的现金尚未日结，今日不能收款：请先日结，或由主管顺延：",
            "This earlier day is not closed, so no cash can be taken today: close it, or a Supervisor carries it over:",
        ),
        "cash.receipt" => ("收据号", "Receipt"),
        "cash.time" => ("时间", "Time"),
        "cash.what" => ("事由 · 付款人", "For · payer"),
        "cash.amount" => ("金额", "Amount"),
        "cash.carry_reason" => ("顺延原因", "Why it is carried over"),
        "cash.carry" => ("顺延（主管）", "Carry over (Supervisor)"),
        "cash.none" => ("今日尚未收款", "No cash taken today"),
        "cash.close" => ("日结：清点并上交财务", "Close: count and hand to finance"),
        "cash.second" => (
            "账实不符：请第二人选择姓名并输入PIN确认",
            "The figures differ: a second person chooses their name and enters their PIN",
        ),
        "cash.close_btn" => ("日结", "Close the day"),
        "cash.amount_bad" => ("请填写正确的金额（元）", "Enter valid amounts (yuan)"),
        _ => return None,
    })
}
