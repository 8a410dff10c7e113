//! The printed A4 forms (the violations notice's print pattern: `print-only print-form`
//! sections, `components::print_page`): 入伙通知书 per owner of a batch (MOVE-1), and for a session
//! the 住户入住基本情况表 (MOVE-4), the 房屋交接验收表 with meter readings, defects and both
//! signatures (MOVE-6) and the 钥匙领用/移交登记表 (MOVE-7).

use super::{name, when, Names};
use crate::domain::cash::yuan;
use crate::domain::movein::{BatchInfo, Doc, MoveInSession, Party, Step};
use crate::domain::workorder::WorkOrder;
use crate::ui::components::{SignatureView, Thumb};
use crate::ui::state::ctx;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Household,
    Inspection,
    Keys,
}

impl Form {
    pub const ALL: [Form; 3] = [Form::Household, Form::Inspection, Form::Keys];
    pub fn key(self) -> &'static str {
        match self {
            Form::Household => "household",
            Form::Inspection => "inspection",
            Form::Keys => "keys",
        }
    }
    pub fn title_key(self) -> &'static str {
        match self {
            Form::Household => "mv.print.household",
            Form::Inspection => "mv.print.inspection",
            Form::Keys => "mv.print.keys",
        }
    }
}

fn estate() -> String {
    ctx()
        .estate
        .get_untracked()
        .map(|e| e.name)
        .unwrap_or_default()
}

/// 入伙通知书, one page per owner: office, what to bring (MOVE-2), fees, the flow.
#[component]
pub fn Notices(estate: String, info: BatchInfo) -> impl IntoView {
    let flow = Step::for_party(Party::Owner)
        .iter()
        .map(|s| s.label().zh)
        .collect::<Vec<_>>()
        .join(" → ");
    view! {
        <div class="print-only" data-testid="mv-notices">
            {info.units.iter().enumerate().map(|(i, u)| view! {
                <section class={if i > 0 { "print-form print-break mv-notice" } else { "print-form mv-notice" }}>
                    <h1>{estate.clone()}" · 入伙通知书"</h1>
                    <p>"尊敬的"{u.owner.clone()}"业主（"{u.place.clone()}"）："</p>
                    <p>"您所购物业已具备入住条件，请于"<strong>{info.from.to_string()}</strong>"至"<strong>{info.deadline.to_string()}</strong>
                        "期间，带齐下列资料到"<strong>{info.office.clone()}</strong>"（"{info.hours.clone()}"）办理入伙手续。逾期未办理者，自通知办理入住之日起视为入住。"</p>
                    <h2 class="print-h2">"一、需携带的资料"</h2>
                    <ol>
                        {Doc::required_for(Party::Owner).into_iter().map(|d| view! { <li>{d.label().zh}</li> }).collect_view()}
                        <li>"委托他人办理：业主委托书、被委托人身份证及复印件"</li>
                        <li>"公司购房：法人授权委托书、营业执照副本及复印件"</li>
                    </ol>
                    <h2 class="print-h2">"二、入伙费用（由财务部收取）"</h2>
                    <table>
                        {info.fees.iter().map(|f| view! { <tr><th>{f.name.clone()}</th><td>{format!("¥{}", yuan(f.fen))}</td></tr> }).collect_view()}
                    </table>
                    <h2 class="print-h2">"三、办理流程"</h2>
                    <p class="mv-flow">{flow.clone()}</p>
                </section>
            }).collect_view()}
        </div>
    }
}

/// The session's printed form chosen with the print buttons.
#[component]
pub fn Printed(
    form: RwSignal<Form>,
    s: MoveInSession,
    orders: BTreeMap<crate::domain::ids::RecordId, WorkOrder>,
    names: Names,
) -> impl IntoView {
    let s = StoredValue::new(s);
    let orders = StoredValue::new(orders);
    move || {
        let s = s.get_value();
        let estate = estate();
        match form.get() {
            Form::Household => {
                let f = s.form.clone().unwrap_or(crate::domain::movein::HouseholdForm {
                    people: vec![],
                    note: String::new(),
                });
                view! {
                    <section class="print-only print-form" data-testid="mv-print-household">
                        <h1>{estate}" · 住户入住基本情况表"</h1>
                        <table>
                            <tr><th>"房号"</th><td>{s.place.clone()}</td><th>"入住日期"</th><td>{s.done(Step::Household).map(|k| when(k.at))}</td></tr>
                            {f.people.iter().filter(|p| !p.name.is_empty()).map(|p| view! { <tr><th>"姓名"</th><td>{p.name.clone()}</td><th>"电话"</th><td>{p.phone.clone()}</td></tr> }).collect_view()}
                            <tr><th>"其他情况"</th><td colspan="3">{f.note.clone()}</td></tr>
                            <tr><th>"银行托收"</th><td colspan="3">{if s.auto_debit { format!("已签 {}", s.bank) } else { "未签".into() }}</td></tr>
                            <tr><th>"经办人"</th><td colspan="3">{s.done(Step::Household).map(|k| name(&names, k.by))}</td></tr>
                        </table>
                    </section>
                }.into_any()
            }
            Form::Inspection => {
                let i = s.inspection.clone();
                let by = s.done(Step::Inspection);
                let o = orders.get_value();
                view! {
                    <section class="print-only print-form" data-testid="mv-print-inspection">
                        <h1>{estate}" · 房屋交接验收表"</h1>
                        <table>
                            <tr><th>"房号"</th><td>{s.place.clone()}</td><th>"业主"</th><td>{s.name.clone()}</td></tr>
                            <tr><th>"水表读数"</th><td data-testid="mv-pf-water">{i.as_ref().map(|i| i.water.clone())}</td>
                                <th>"电表读数"</th><td data-testid="mv-pf-power">{i.as_ref().map(|i| i.power.clone())}</td></tr>
                            <tr><th>"验楼时间"</th><td colspan="3">{by.map(|k| when(k.at))}</td></tr>
                        </table>
                        <div class="photos print-photos">{i.as_ref().map(|i| view! {
                            <figure><Thumb photo=i.water_photo.clone()/><figcaption>"水表 "{i.water.clone()}</figcaption></figure>
                            <figure><Thumb photo=i.power_photo.clone()/><figcaption>"电表 "{i.power.clone()}</figcaption></figure>
                        })}</div>
                        <h2 class="print-h2">"验楼发现的问题"</h2>
                        <table data-testid="mv-pf-defects">
                            <tr><th>"房间"</th><th>"问题"</th><th>"维修单"</th></tr>
                            {s.defects().iter().enumerate().map(|(n, d)| {
                                let ord = s.orders.get(&(n as u32)).and_then(|x| o.get(x)).map(|w| format!("{} {}", w.serial, w.status.label().zh));
                                view! { <tr><td>{d.room.clone()}</td><td>{d.text.clone()}</td><td>{ord}</td></tr> }
                            }).collect_view()}
                            {s.defects().is_empty().then(|| view! { <tr><td colspan="3">"无"</td></tr> })}
                        </table>
                        <table>
                            <tr class="sign-row"><th>"业主（委托人）签名"</th><td data-testid="mv-pf-owner-sign">{i.as_ref().map(|i| view! { <SignatureView path=i.owner_signature.clone()/> })}</td></tr>
                            <tr class="sign-row"><th>"物业工作人员签名"</th><td data-testid="mv-pf-staff-sign">{i.as_ref().map(|i| view! { <SignatureView path=i.staff_signature.clone()/> })}{by.map(|k| name(&names, k.by))}</td></tr>
                        </table>
                    </section>
                }.into_any()
            }
            Form::Keys => view! {
                <section class="print-only print-form" data-testid="mv-print-keys">
                    <h1>{estate}" · 钥匙领用/移交登记表"</h1>
                    <p>"房号："{s.place.clone()}"　业主："{s.name.clone()}</p>
                    <table>
                        <tr><th>"钥匙"</th><th>"持有人"</th><th>"时间"</th><th>"经办人"</th></tr>
                        {s.keys.iter().map(|k| view! {
                            <tr><td>{k.label.clone()}</td><td>{if k.to_owner { "业主" } else { "物业留存（维修用）" }}</td><td>{when(k.at)}</td><td>{name(&names, k.by)}</td></tr>
                        }).collect_view()}
                    </table>
                    <table><tr class="sign-row"><th>"业主签名"</th><td>{(!s.key_signature.is_empty()).then(|| view! { <SignatureView path=s.key_signature.clone()/> })}</td></tr></table>
                </section>
            }.into_any(),
        }
    }
}
