//! 月度投诉分析 (CMP-12, CMP-13, CB-1, HELP-6): one month's counts and timeliness rates with a
//! bar chart, printable on A4 and exported as CSV (UTF-8 with BOM, formulas neutralised).

use super::settings;
use crate::domain::callbacks::{callback_month_key, Callback};
use crate::domain::complaints::report::{
    households_contacted, monthly_report, recent_months, MonthReport, Tally,
};
use crate::domain::complaints::{list_key, Complaint, HelpRequest};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::store::Store;
use crate::store::{Filter, Query};
use crate::ui::i18n::t;
use crate::ui::platform::{download, now_ms};
use crate::ui::state::{app, ctx, loader, tx};
use leptos::prelude::*;

fn pct(r: Option<f64>) -> String {
    r.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

#[component]
pub(super) fn MonthlyReport() -> impl IntoView {
    let (cal, _) = settings();
    let months = recent_months(cal.local_date(now_ms()));
    // The demo's history ends the month before; start on the last full month.
    let month = RwSignal::new(months.get(1).copied().unwrap_or(months[0]));
    // Only what the month's figures read (issue 7: never five years of records): complaints
    // received from January to the month (CMP-13 counts this year's majors) and callbacks
    // scheduled in the month, from the month index keys.
    let data = loader(move || {
        let (y, m) = month.get();
        async move {
            let a = app();
            let mut c: Vec<Complaint> = Vec::new();
            for mm in 1..=m {
                let key = list_key(&format!("{y}-{mm:02}"), None);
                c.extend(
                    a.query(&Query::new(RecordKind::Complaint, Filter::Prefix(key)))
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|v| v.state::<Complaint>()),
                );
            }
            let cb: Vec<Callback> = a
                .query(&Query::new(
                    RecordKind::Callback,
                    Filter::Prefix(callback_month_key(&format!("{y}-{m:02}"))),
                ))
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.state())
                .collect();
            // HELP-6: the month's help requests from the month key (issue 19).
            let h: Vec<HelpRequest> = a
                .query(&Query::new(
                    RecordKind::HelpRequest,
                    Filter::Prefix(crate::domain::complaints::help_month_key(&format!(
                        "{y}-{m:02}"
                    ))),
                ))
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.state())
                .collect();
            let homes = a
                .store
                .count(&Query::new(
                    RecordKind::Household,
                    Filter::Status("current".into()),
                ))
                .await
                .unwrap_or(0);
            (c, cb, h, homes)
        }
    });
    let report = Memo::new(move |_| {
        let (y, m) = month.get();
        data.with(|d| {
            d.as_ref().map(|(c, cb, h, homes)| {
                let cal = settings().0;
                (
                    monthly_report(y, m, &cal, c, cb, h),
                    households_contacted(y, m, &cal, cb, *homes),
                )
            })
        })
    });
    let export = move |_| {
        let Some((r, _)) = report.get_untracked() else {
            return;
        };
        let (headers, rows) = r.csv();
        let bytes = crate::sync::csv::to_csv(&headers, &rows);
        download(
            &format!("投诉月报-{}-{:02}.csv", r.year, r.month),
            "text/csv;charset=utf-8",
            &bytes,
        );
    };
    let estate = move || ctx().estate.get().map(|e| e.name).unwrap_or_default();
    view! {
        <div class="page-head screen-only">
            <h1 class="page-title">{move || t("rep.title")}</h1>
            <div class="rep-tools">
                <select data-testid="rep-month" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some((y, m)) = v.split_once('-').and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?))) { month.set((y, m)); }
                }>
                    {months.iter().map(|(y, m)| { let (y, m) = (*y, *m); view! {
                        <option value=format!("{y}-{m}") selected=move || month.get() == (y, m)>{format!("{y}-{m:02}")}</option>
                    }}).collect_view()}
                </select>
                <button class="btn" data-testid="rep-csv" on:click=export>{move || t("rep.csv")}</button>
                <button class="btn" data-testid="rep-print" on:click=move |_| crate::ui::components::print_page()>{move || t("cmp.print")}</button>
            </div>
        </div>
        {move || match report.get() {
            None => view! { <p class="muted">{move || t("common.loading")}</p> }.into_any(),
            Some((r, reached)) => {
                let (y, m) = month.get_untracked();
                view! {
                    <ReportBody r=r.clone() reached=reached estate=estate()/>
                    <crate::ui::components::review::ReviewCard
                        area=crate::domain::review::ReviewArea::Callbacks
                        month=format!("{y}-{m:02}")
                        summary=Some(crate::domain::review::callbacks_summary(&r))/>
                }.into_any()
            }
        }}
    }
}

#[component]
fn ReportBody(r: MonthReport, reached: Tally, estate: String) -> impl IntoView {
    let comp_rate = r
        .callbacks
        .iter()
        .find(|c| c.kind == crate::domain::callbacks::CallbackKind::Complaint)
        .copied();
    let major_ok = r.majors_this_year <= r.major_target;
    let max = r
        .by_subject
        .iter()
        .map(|(_, t)| t.all)
        .max()
        .unwrap_or(1)
        .max(1);
    let tally_rows = |rows: Vec<(Text, Tally)>| {
        rows.into_iter().map(|(l, n)| view! {
            <tr><td>{move || tx(&l)}</td><td class="num">{n.all}</td><td class="num">{n.in_time}</td><td class="num">{pct(n.rate())}</td></tr>
        }).collect_view()
    };
    let head = move || view! { <tr><th></th><th class="num">{move || t("rep.count")}</th><th class="num">{move || t("rep.in_time")}</th><th class="num">{move || t("rep.rate")}</th></tr> };
    view! {
        <div class="rep" data-testid="rep">
            <h1 class="print-only">{estate}" · "{format!("{}年{}月 投诉、回访与求助统计", r.year, r.month)}</h1>
            <div class="rep-kpis">
                <div class="rep-kpi" data-testid="rep-total"><span class="stat-n">{r.total.all}</span><span class="stat-l">{move || t("rep.total")}</span>
                    <small class="muted">{move || t("rep.dups")}" "{r.duplicates}" · "{move || t("cmp.anonymous")}" "{r.anonymous}</small></div>
                <div class="rep-kpi" data-testid="rep-timely"><span class="stat-n">{pct(r.total.rate())}</span><span class="stat-l">{move || t("rep.timely")}</span>
                    <small class="muted">{r.total.in_time}" / "{r.total.all}</small></div>
                <div class=if major_ok { "rep-kpi ok" } else { "rep-kpi bad" } data-testid="rep-majors"><span class="stat-n">{r.majors_this_year}</span>
                    <span class="stat-l">{move || t("rep.majors")}</span><small class="muted">{move || t("rep.target")}" ≤ "{r.major_target}</small></div>
                {comp_rate.map(|c| view! {
                    <div class=if c.meets_target() { "rep-kpi ok" } else { "rep-kpi bad" } data-testid="rep-cb"><span class="stat-n">{pct(c.rate())}</span>
                        <span class="stat-l">{move || t("rep.cb_rate")}</span><small class="muted">{move || t("rep.target")}" ≥ 50%"</small></div>
                })}
            </div>
            <section class="card rep-chart">
                <h2>{move || t("rep.by_subject")}</h2>
                <div class="bars" data-testid="rep-bars">
                    {r.by_subject.iter().map(|(s, n)| {
                        let w = n.all * 100 / max;
                        let late = n.all - n.in_time;
                        let lw = (w * late).checked_div(n.all).unwrap_or(0);
                        let l = s.label();
                        view! {
                            <div class="bar-row">
                                <span class="bar-label">{move || tx(&l)}</span>
                                <span class="bar-track"><span class="bar" style=format!("width:{w}%")><span class="bar-late" style=format!("width:{}%", (lw * 100).checked_div(w).unwrap_or(0))></span></span></span>
                                <span class="bar-n">{n.all}</span>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <p class="muted legend-line"><span class="lg-sw ok"></span>{move || t("rep.in_time")}" "<span class="lg-sw late"></span>{move || t("rep.late")}</p>
            </section>
            <div class="rep-grid">
                <section class="card"><h2>{move || t("rep.by_class")}</h2><table class="rep-table">{head}{tally_rows(r.by_class.iter().map(|(c, n)| (c.label(), *n)).collect())}</table></section>
                <section class="card"><h2>{move || t("rep.by_dept")}</h2><table class="rep-table">{head}{tally_rows(r.by_department.iter().map(|(c, n)| (c.label(), *n)).collect())}</table></section>
                <section class="card"><h2>{move || t("rep.by_channel")}</h2><table class="rep-table">
                    {r.by_channel.iter().map(|(c, n)| { let l = c.label(); view! { <tr><td>{move || tx(&l)}</td><td class="num">{*n}</td></tr> } }).collect_view()}
                </table></section>
                <section class="card"><h2>{move || t("rep.callbacks")}</h2><table class="rep-table" data-testid="rep-cb-table">
                    <tr><th></th><th class="num">{move || t("rep.jobs")}</th><th class="num">{move || t("rep.called")}</th><th class="num">{move || t("rep.rate")}</th></tr>
                    {r.callbacks.iter().map(|c| { let l = c.kind.label(); let ok = c.meets_target(); view! {
                        <tr class=if ok { "" } else { "bad" }><td>{move || tx(&l)}</td><td class="num">{c.scheduled}</td><td class="num">{c.done}</td>
                            <td class="num">{pct(c.rate())}{c.target.map(|t| format!(" (≥{t}%)"))}</td></tr>
                    }}).collect_view()}
                    <tr><td>{move || t("rep.unsatisfied")}</td><td class="num" colspan="3">{r.callbacks_unsatisfied}</td></tr>
                    <tr data-testid="rep-problems" class={if r.problems.all > r.problems.in_time { "bad" } else { "" }}><td>{move || t("rep.problems")}</td><td class="num">{r.problems.all}</td><td class="num">{r.problems.in_time}</td><td class="num">{pct(r.problems.rate())}" (100%)"</td></tr>
                    <tr data-testid="rep-reached"><td>{move || t("rep.reached")}</td><td class="num">{reached.all}</td><td class="num">{reached.in_time}</td><td class="num">{pct(reached.rate())}</td></tr>
                </table></section>
                <section class="card rep-recurring" data-testid="rep-recurring"><h2>{move || t("rep.recurring")}</h2>
                    {if r.recurring.is_empty() { view! { <p class="muted">"—"</p> }.into_any() } else { view! {
                        <p class="muted small screen-only">{move || t("rep.recurring_hint")}</p>
                        {r.recurring.iter().map(|(s, n)| {
                            let l = s.label();
                            // CMP-12: the row shows its corrective action (one shared card with the survey's).
                            let card = r.corrective_source(*s).ok().map(|(src, problem)| view! {
                                <crate::ui::components::corrective::CorrectiveCard source=src problem=problem/>
                            });
                            view! {
                                <div class="rep-recurring-row" data-testid="rep-recurring-row" data-subject=s.key()>
                                    <div class="rep-recurring-head"><strong>{move || tx(&l)}</strong><span class="num">{*n}" "{move || t("rep.times")}</span></div>
                                    {card}
                                </div>
                            }
                        }).collect_view()}
                    }.into_any() }}
                </section>
                <section class="card"><h2>{move || t("rep.help")}</h2><table class="rep-table">
                    {r.help_by_kind.iter().map(|(k, n)| { let l = k.label(); view! { <tr><td>{move || tx(&l)}</td><td class="num">{*n}</td></tr> } }).collect_view()}
                    <tr><td><strong>{move || t("rep.help_timely")}</strong></td><td class="num">{r.help_total.in_time}" / "{r.help_total.all}" · "{pct(r.help_total.rate())}</td></tr>
                </table></section>
            </div>
            <p class="print-only sign-line">"主管：__________　　物业部主任：__________　　日期：__________"</p>
        </div>
    }
}
