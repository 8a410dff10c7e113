//! 月度统计资料 (QUAL-3): one tap builds the month's statistics of every module — printed on
//! A4, one XLSX workbook with a sheet per module, and the CSVs (through `sync::csv`). Each
//! sheet comes from its module's own report function over the month's index reads.

use super::data::{self, states, ym};
use super::{cal, today};
use crate::domain::emergency::Incident;
use crate::domain::event::RecordKind;
use crate::domain::quality::dashboard;
use crate::domain::quality::pack::{self, Sheet};
use crate::domain::quality::survey::Survey;
use crate::domain::violations;
use crate::domain::workorder::report::{paid_summary, repair_fees, repair_fees_csv};
use crate::store::{Filter, Query};
use crate::ui::i18n::t;
use crate::ui::platform::download;
use crate::ui::state::{app, ctx};
use chrono::Datelike;
use leptos::prelude::*;

async fn count(kind: RecordKind, prefix: String) -> usize {
    use crate::store::Store;
    app()
        .store
        .count(&Query::new(kind, Filter::Prefix(prefix)))
        .await
        .unwrap_or(0) as usize
}

/// Every module's sheet of the month `(y, m)`.
pub async fn build(y: i32, m: u32) -> Vec<Sheet> {
    let cal = cal();
    let key = ym(y, m);
    let dash = data::gather(y, m, cal.clone(), today()).await;
    let rec = &dash.last;
    let rows = dashboard::dashboard(&dash.months, dash.paid_goal);
    let mut sheets = vec![pack::targets_sheet(&rows, dash.paid_goal)];
    if let Some(r) = &rec.report {
        sheets.push(Sheet::from_table("投诉", r.csv()));
        sheets.push(pack::callbacks_sheet(r));
        sheets.push(pack::help_sheet(r));
    }
    sheets.push(Sheet::from_table(
        "维修",
        repair_fees_csv(&repair_fees(&key, &rec.orders)),
    ));
    let settings = ctx()
        .estate
        .get_untracked()
        .map(|e| e.settings.orders)
        .unwrap_or_default();
    let p = paid_summary(&key, &rec.orders, &settings);
    let y2 = |f: i64| crate::domain::quality::arrears::yuan(f);
    sheets.push(pack::counts_sheet(
        "有偿服务",
        vec![
            ("完成单数".into(), p.done.to_string()),
            ("收费（元）".into(), y2(p.fees_fen)),
            ("已收（元）".into(), y2(p.collected_fen)),
            ("未收单数".into(), p.uncollected.to_string()),
            ("返工单数".into(), p.reworked.to_string()),
        ],
    ));
    let (from, to) = crate::domain::complaints::report::month_bounds(y, m, &cal).unwrap_or((0, 0));
    let (ok, all) = crate::domain::patrol::report::good_order(&rec.rounds, from, to);
    let walked = rec
        .rounds
        .iter()
        .filter(|r| !r.check_ins.is_empty())
        .count();
    sheets.push(pack::counts_sheet(
        "巡查",
        vec![
            ("巡查次数（计划）".into(), rec.rounds.len().to_string()),
            ("已巡查".into(), walked.to_string()),
            ("设施检查项".into(), all.to_string()),
            ("完好项".into(), ok.to_string()),
            (
                "完好率".into(),
                crate::domain::quality::pct(crate::domain::quality::percent(ok as u64, all as u64)),
            ),
        ],
    ));
    let mut vio = Vec::new();
    for s in violations::Status::ALL {
        let n = count(RecordKind::Violation, violations::list_key(&key, Some(*s))).await;
        vio.push((s.label().zh, n.to_string()));
    }
    sheets.push(pack::counts_sheet("违章", vio));
    // Those started in the month, from the month key (issue 19).
    let incidents: Vec<Incident> = app()
        .query(&Query::new(
            RecordKind::Incident,
            Filter::Prefix(crate::domain::emergency::incident_month_key(&key)),
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Incident>())
        .filter(|i| i.started >= from && i.started < to)
        .collect();
    sheets.push(Sheet::new(
        "突发事件",
        &["类别", "地点", "开始", "已结案"],
        incidents
            .iter()
            .map(|i| {
                vec![
                    i.kind.map(|k| k.label().zh).unwrap_or_default(),
                    i.place.clone(),
                    crate::ui::platform::format_time(
                        i.started,
                        crate::ui::state::utc_offset_untracked(),
                    ),
                    if i.closed.is_some() { "是" } else { "否" }.into(),
                ]
            })
            .collect(),
    ));
    let signed = rec.logs.iter().filter(|l| l.signed.is_some()).count();
    let entries: usize = rec.logs.iter().map(|l| l.entries.len()).sum();
    sheets.push(pack::counts_sheet(
        "值班",
        vec![
            ("值班记录（天·岗位）".into(), rec.logs.len().to_string()),
            ("记录条数".into(), entries.to_string()),
            ("已签阅".into(), signed.to_string()),
        ],
    ));
    let mut desk = Vec::new();
    for post in crate::domain::duty::Post::ALL {
        let n = count(
            RecordKind::CashDay,
            crate::domain::cash::month_key(post, y, m),
        )
        .await;
        desk.push((format!("{} 现金日结（天）", post.label().zh), n.to_string()));
    }
    sheets.push(pack::counts_sheet("前台", desk));
    let rates = crate::ui::training::load().await.rates();
    sheets.push(Sheet::new(
        "培训",
        &["岗位", "人数", "全部合格", "合格项目", "应训项目"],
        std::iter::once(("全部员工".to_string(), rates.overall))
            .chain(rates.per_role.iter().map(|(r, x)| (r.label().zh, *x)))
            .map(|(l, r)| {
                vec![
                    l,
                    r.people.to_string(),
                    r.qualified.to_string(),
                    r.passed.to_string(),
                    r.required.to_string(),
                ]
            })
            .collect(),
    ));
    {
        // Move-in sessions are few (one per household, once): read them all for the month.
        let sessions: Vec<crate::domain::movein::MoveInSession> = app()
            .query(&Query::all(RecordKind::MoveInSession))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state())
            .collect();
        let (start, end) =
            crate::domain::complaints::report::month_bounds(y, m, &cal).unwrap_or((0, 0));
        sheets.push(pack::movein_sheet(crate::domain::movein::month_figures(
            &sessions, start, end,
        )));
    }
    let surveys: Vec<Survey> = states(
        RecordKind::Survey,
        crate::domain::quality::survey::year_key(y),
    )
    .await;
    sheets.push(pack::survey_sheet(&surveys));
    sheets.push(pack::arrears_sheet(rec.arrears.as_ref()));
    sheets
}

#[component]
pub fn PackTab() -> impl IntoView {
    let now = today();
    let prev = now
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(now);
    let months = data::twelve(now.year(), now.month());
    let month = RwSignal::new((prev.year(), prev.month()));
    let sheets = RwSignal::new(None::<Vec<Sheet>>);
    let busy = RwSignal::new(false);
    let make = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (y, m) = month.get_untracked();
        leptos::task::spawn_local(async move {
            sheets.set(Some(build(y, m).await));
            busy.set(false);
        });
    };
    let stem = move || {
        let (y, m) = month.get_untracked();
        format!("月度统计-{}", ym(y, m))
    };
    let xlsx = move |_| {
        let Some(s) = sheets.get_untracked() else {
            return;
        };
        // Written by the office worker (issue 19), started on this first use.
        let (name, book) = (format!("{}.xlsx", stem()), pack::workbook(&stem(), &s));
        leptos::task::spawn_local(async move {
            match crate::office::client::xlsx(&book).await {
                Ok(bytes) => download(
                    &name,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &bytes,
                ),
                Err(e) => crate::ui::state::toast_err(e),
            }
        });
    };
    let estate = move || ctx().estate.get().map(|e| e.name).unwrap_or_default();
    view! {
        <div class="rep-tools screen-only q-head">
            <select data-testid="q-pack-month" on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some((y, m)) = v.split_once('-').and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?))) { month.set((y, m)); sheets.set(None); }
            }>
                {months.iter().rev().map(|(y, m)| { let (y, m) = (*y, *m); view! {
                    <option value=format!("{y}-{m}") selected=move || month.get() == (y, m)>{format!("{y}-{m:02}")}</option>
                }}).collect_view()}
            </select>
            <button class="btn primary" data-testid="q-pack-build" on:click=make>{move || if busy.get() { t("q.pack.building") } else { t("q.pack.build") }}</button>
            <Show when=move || sheets.get().is_some()>
                <button class="btn" data-testid="q-pack-xlsx" on:click=xlsx>{move || t("q.pack.xlsx")}</button>
                <button class="btn" data-testid="q-pack-print" on:click=move |_| crate::ui::components::print_page()>{move || t("q.print")}</button>
            </Show>
        </div>
        {move || sheets.get().map(|s| {
            let (y, m) = month.get_untracked();
            view! {
                <div class="q-pack" data-testid="q-pack">
                    <h1 class="print-only">{estate()}" · "{format!("{y}年{m}月 月度统计资料")}</h1>
                    {s.into_iter().map(|sh| {
                        let csv_name = format!("{}-{}.csv", stem(), sh.name);
                        let sh2 = sh.clone();
                        view! {
                            <section class="card q-sheet" data-testid="q-sheet">
                                <div class="q-sheet-head">
                                    <h2>{sh.name.clone()}</h2>
                                    <button class="btn ghost screen-only" data-testid="q-sheet-csv" on:click=move |_| {
                                        let bytes = crate::sync::csv::to_csv(&sh2.header_refs(), &sh2.rows);
                                        download(&csv_name, "text/csv;charset=utf-8", &bytes);
                                    }>"CSV"</button>
                                </div>
                                <table class="table">
                                    <thead><tr>{sh.headers.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead>
                                    <tbody>{sh.rows.iter().map(|r| view! {
                                        <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                                    }).collect_view()}</tbody>
                                </table>
                            </section>
                        }
                    }).collect_view()}
                </div>
            }
        })}
    }
}
