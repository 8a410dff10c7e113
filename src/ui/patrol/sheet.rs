//! 公共区域现场巡视表 (seed 002 §2.6, §5.2) for one round, printable on A4: every checkpoint
//! with its check-in (scan or manual), the items found not in order, the findings with where
//! they went and their result, and the signature lines (巡视人, 主管, 工程部签收).

use super::open_round;
use crate::domain::ids::RecordId;
use crate::domain::patrol::{AnswerValue, Finding, PatrolRound};
use crate::domain::workorder::WorkOrder;
use crate::ui::components::people::{everyone, name_of};
use crate::ui::components::print_page;
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms, pref};
use crate::ui::state::{app, ctx, loader, tx, utc_offset};
use leptos::prelude::*;

#[component]
pub fn RoundSheet() -> impl IntoView {
    let id: Option<RecordId> = pref("patrol.sheet").and_then(|s| s.parse().ok());
    let data = loader(move || async move {
        let id = id?;
        let r = app().get::<PatrolRound>(id).await.ok().flatten()?;
        let mut fs = Vec::new();
        for f in &r.findings {
            if let Ok(Some(x)) = app().get::<Finding>(*f).await {
                let result = match x.routed {
                    Some(w) if w.kind == crate::domain::event::RecordKind::WorkOrder => app()
                        .get::<WorkOrder>(w.id)
                        .await
                        .ok()
                        .flatten()
                        .and_then(|w| w.result),
                    _ => x.steps.last().map(|s| s.1.clone()),
                };
                fs.push((x, result));
            }
        }
        Some((id, r, fs))
    });
    // The walker may have left since: names of former staff too.
    let people = everyone();
    let estate = move || ctx().estate.get().map(|e| e.name).unwrap_or_default();
    view! {
        <div class="page sheet-page">
            <div class="reg-toolbar no-print">
                {move || data.get().flatten().map(|(id, _, _)| view! { <button class="btn" on:click=move |_| open_round(id)>"‹ "{move || t("common.back")}</button> })}
                <span class="spacer"></span>
                <button class="btn primary" data-testid="sheet-print" on:click=move |_| print_page()>{move || t("pat.print")}</button>
            </div>
            {move || data.get().flatten().map(|(_, r, fs)| {
                let p = r.plan.clone().expect("planned");
                let outcome = r.outcome(now_ms());
                view! {
                    <section class="a4 paper" data-testid="patrol-sheet">
                        <h1 class="print-title">{estate()}" 公共区域现场巡视表"</h1>
                        <table class="print-meta">
                            <tr><th>"巡视日期"</th><td>{format_time(p.start, utc_offset()).get(..10).unwrap_or_default().to_string()}</td>
                                <th>"巡视路线"</th><td>{p.route_name.clone()}</td></tr>
                            <tr><th>"巡视人"</th><td>{move || name_of(&people, p.walker)}</td>
                                <th>"巡视时段"</th><td>{format_time(p.start, utc_offset()).get(11..).unwrap_or_default().to_string()}"–"{format_time(p.end, utc_offset()).get(11..).unwrap_or_default().to_string()}" （"{move || tx(&outcome.label())}"）"</td></tr>
                        </table>
                        <table class="print-table">
                            <thead><tr><th>"序号"</th><th>"巡查点"</th><th>"签到时间"</th><th>"签到方式"</th><th>"检查情况"</th></tr></thead>
                            <tbody>
                                {p.stops.iter().enumerate().map(|(i, s)| {
                                    let c = r.checked(i).cloned();
                                    let bad: Vec<String> = c.as_ref().map(|c| c.answers.iter().filter_map(|a| {
                                        let item = s.items.get(a.item as usize)?;
                                        match &a.value {
                                            AnswerValue::NotOk => Some(format!("{}异常", item.label)),
                                            AnswerValue::Value(v) => Some(format!("{} {v}", item.label)),
                                            AnswerValue::Note(v) => Some(v.clone()),
                                            AnswerValue::Ok => None,
                                        }
                                    }).collect()).unwrap_or_default();
                                    view! {
                                        <tr class=if c.as_ref().is_some_and(|c| c.manual) { "manual" } else { "" }>
                                            <td>{i + 1}</td>
                                            <td>{s.name.clone()}</td>
                                            <td>{c.as_ref().map(|c| format_time(c.at, utc_offset()).get(11..).unwrap_or_default().to_string()).unwrap_or_else(|| "未到".into())}</td>
                                            <td>{c.as_ref().map(|c| if c.manual { "手动（未扫码）" } else { "扫码" }).unwrap_or("")}{c.as_ref().filter(|c| c.out_of_order).map(|_| " 顺序偏离")}</td>
                                            <td>{if c.is_some() && bad.is_empty() { "正常".to_string() } else { bad.join("；") }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <h2 class="print-h2">"发现问题及处理"</h2>
                        <table class="print-table">
                            <thead><tr><th>"问题"</th><th>"地点"</th><th>"转交/处理"</th><th>"状态"</th><th>"结果"</th></tr></thead>
                            <tbody>
                                {fs.into_iter().map(|(f, result)| {
                                    let info = f.info.clone().expect("raised");
                                    view! {
                                        <tr>
                                            <td>{info.kind.label().zh}"："{info.note.clone()}</td>
                                            <td>{info.location.clone()}</td>
                                            <td>{info.kind.routing_text().zh}</td>
                                            <td>{f.status.label().zh}</td>
                                            <td>{result.unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {(!r.note.is_empty()).then(|| view! { <p>"备注："{r.note.clone()}</p> })}
                        <p class="sign-line">"巡视人：__________　　客服主管：__________　　工程部签收：__________"</p>
                    </section>
                }
            })}
        </div>
    }
}
